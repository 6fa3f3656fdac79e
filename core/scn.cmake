# scn: the scenario model and its YAML loader; see scn.h, scenarios/README.md.
rb_module(scn SOURCES scn.c scn_dup.c scn_hash.c scn_load.c scn_sections.c scn_profile.c scn_planning.c scn_yaml.c scn_target.c
  scn_names.c scn_bounds.c scn_trace.c trace.c sha256.c
  DEPS rv base PkgConfig::YAML PkgConfig::GCRYPT)
rb_check(scn SOURCES tests/check_scn.c DEPS scn LABELS unit TIMEOUT 60)
# SHA-256 of the scenario fingerprints (libgcrypt): FIPS 180-2 examples.
rb_check(sha256 SOURCES tests/check_sha256.c DEPS scn LABELS unit TIMEOUT 60)
rb_check(scn_hash SOURCES tests/check_scn_hash.c DEPS scn LABELS unit TIMEOUT 60)
rb_check(scn_profile SOURCES tests/check_scn_profile.c DEPS scn LABELS unit TIMEOUT 60)
rb_check(plan_input SOURCES tests/check_plan_input.c DEPS scn LABELS unit TIMEOUT 60)
# Issue 12's limits: every number range-checked, names, nesting and size.
rb_check(scn_limits SOURCES tests/check_scn_limits.c DEPS scn LABELS unit TIMEOUT 60)
# load: {trace: FILE}: the trace reader and the conditioned patience draw.
rb_check(trace SOURCES tests/check_trace.c DEPS scn LABELS unit statistical TIMEOUT 120)
