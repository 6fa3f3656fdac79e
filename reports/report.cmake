# report: `ringbench report`: gnuplot plots and a self-contained HTML page from
# result folders and sweep folders; see reports/report.h and docs/report.md.
rb_module(report SOURCES report_util.c report_load.c report_run.c report_sweep.c report_plan.c report_fit.c
  DEPS base scn rbjson PkgConfig::JANSSON)
rb_tool_lib(report)
