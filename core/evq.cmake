# evq: the event queue (a calendar queue of embedded events); see evq.h.
rb_module(evq SOURCES evq.c DEPS base)
# The model's hot path: -O3 measured about 8 % faster than -O2 on
# bench/model (with dispatch and model), so optimised builds use it.
target_compile_options(rb_evq PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O3>)
rb_check(evq SOURCES tests/check_evq.c DEPS evq LABELS unit TIMEOUT 60)
