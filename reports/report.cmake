# report: `ringbench report`: gnuplot plots and a self-contained HTML page from
# result folders and sweep folders; see reports/report.h and docs/report.md.
set(rb_report_deps base PkgConfig::JANSSON)
if(EXISTS ${CMAKE_SOURCE_DIR}/core/scn.cmake)
  list(APPEND rb_report_deps scn)
endif()
rb_module(report SOURCES report_util.c report_load.c report_run.c report_sweep.c
  DEPS ${rb_report_deps})
if(EXISTS ${CMAKE_SOURCE_DIR}/core/scn.cmake)
  target_compile_definitions(rb_report PRIVATE RB_HAVE_SCN)
endif()
rb_tool_lib(report)
