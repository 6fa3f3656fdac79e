# onboard: `ringbench onboard`, the test call of one tenant (sim/onboard/onboard.h).
rb_module(onboard SOURCES onboard.c onboard_report.c DEPS scn base Threads::Threads)
rb_tool_lib(onboard)
