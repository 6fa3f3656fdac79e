# live: `ringbench live` (SIPp against secretaryd or any SIP target, captured
# and judged), with its per-call schedule; see sim/live.h, docs/live.md.
rb_module(live SOURCES schedule.c live.c live_proc.c live_collect.c
  DEPS analyze scn rv results base PkgConfig::SQLITE PkgConfig::JANSSON PkgConfig::GSL Threads::Threads)
target_compile_definitions(rb_live PRIVATE RB_FLOWS_DIR="${CMAKE_SOURCE_DIR}/scenarios/sipp")
rb_tool_lib(live)
