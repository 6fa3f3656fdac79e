# results: the result files of docs/definitions.md (calls.csv, summary.json,
# timeline.csv) and `ringbench compare` (sim/cmd/cmd_compare.c); docs/results.md
# restates the contract they keep.
# rbjson: the jansson helpers the result files' readers and writers share.
rb_module(rbjson SOURCES rbjson.c DEPS PkgConfig::JANSSON)
rb_module(results SOURCES stats.c estimate.c summary.c summary_finish.c summary_json.c summary_query.c timeline.c
  resdir.c
  compare.c
  DEPS rbjson scn base PkgConfig::JANSSON PkgConfig::GSL Threads::Threads)
rb_tool_lib(results)
rb_check(summary SOURCES tests/check_summary.c DEPS results LABELS unit TIMEOUT 60)
rb_check(summary_add SOURCES tests/check_summary_add.c DEPS results LABELS unit TIMEOUT 120)
rb_check(callrec SOURCES tests/check_callrec.c DEPS results LABELS unit TIMEOUT 60)
rb_check(timeline SOURCES tests/check_timeline.c DEPS results LABELS unit TIMEOUT 60)
rb_check(resdir SOURCES tests/check_resdir.c DEPS results LABELS unit TIMEOUT 60)
rb_check(compare SOURCES tests/check_compare.c sim/cmd/cmd_compare.c DEPS results LABELS unit TIMEOUT 60)
target_include_directories(check_compare PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
