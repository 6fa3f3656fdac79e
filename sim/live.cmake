# live: `ringbench live` (SIPp against secretaryd or any SIP server (--server), captured
# and judged), with its per-call schedule; see sim/live.h, docs/live.md.
rb_module(live SOURCES schedule.c live.c live_rep.c live_launch.c live_redial.c live_cap.c live_proc.c
  live_collect.c live_schedule.c
  DEPS analyze scn rv results base PkgConfig::SQLITE PkgConfig::JANSSON PkgConfig::GSL Threads::Threads)
rb_tool_lib(live)
# onboard: `ringbench onboard`, the test call of one tenant (sim/onboard.h).
rb_module(onboard SOURCES onboard.c onboard_report.c DEPS scn base Threads::Threads)
rb_tool_lib(onboard)
# suite: `ringbench suite`, scenarios run together, JUnit XML (sim/suite.h).
rb_module(suite SOURCES suite.c suite_junit.c DEPS live model scn results base PkgConfig::YAML PkgConfig::JANSSON)
rb_tool_lib(suite)
