# dispatch: who takes which call (docs/definitions.md); used by the model and secretaryd.
rb_module(dispatch SOURCES dispatch.c DEPS base)
target_compile_options(rb_dispatch PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O3>) # see evq.cmake
rb_check(dispatch SOURCES tests/check_dispatch.c DEPS dispatch LABELS unit TIMEOUT 60)
