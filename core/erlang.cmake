# erlang: exact Erlang A / Erlang C measures and staffing; see erlang.h.
# Jansson is for `ringbench erlang` (sim/cmd/cmd_erlang.c), which links this.
rb_module(erlang SOURCES erlang.c erlang_staff.c DEPS base PkgConfig::GSL PkgConfig::JANSSON)
rb_tool_lib(erlang)
rb_check(erlang SOURCES tests/check_erlang.c DEPS erlang PkgConfig::GSL LABELS unit TIMEOUT 60)
