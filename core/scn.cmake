# scn: the scenario model and its YAML loader; see scn.h, scenarios/README.md.
rb_module(scn SOURCES scn.c scn_dup.c scn_hash.c scn_load.c scn_sections.c scn_yaml.c scn_target.c
  DEPS rv base PkgConfig::YAML PkgConfig::CRYPTO)
rb_check(scn SOURCES tests/check_scn.c DEPS scn LABELS unit TIMEOUT 60)
rb_check(scn_hash SOURCES tests/check_scn_hash.c DEPS scn LABELS unit TIMEOUT 60)
