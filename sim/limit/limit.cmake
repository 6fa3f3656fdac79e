# limit: the staffing that counts as unlimited and the "unreachable by
# staffing" words, shared by plan and sweep. See sim/limit.h.
rb_module(limit SOURCES limit.c DEPS scn base PkgConfig::JANSSON)
