# live: `ringbench live` (SIPp against secretaryd or any SIP server (--server), captured
# and judged), with its per-call schedule; see sim/live/live.h, docs/live.md.
rb_module(live SOURCES schedule.c live.c live_rep.c live_launch.c live_redial.c live_cap.c live_proc.c
  live_collect.c live_schedule.c live_ops.c live_legs.c caller_xml.c
  DEPS analyze scn rv results base PkgConfig::SQLITE PkgConfig::JANSSON PkgConfig::GSL PkgConfig::EXPAT Threads::Threads)
rb_tool_lib(live)
