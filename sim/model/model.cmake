# model: the discrete-event engine behind `ringbench model` (sim/model/model.h).
rb_module(model SOURCES model.c model_run.c model_seq.c model_write.c DEPS evq dispatch rv scn results base Threads::Threads)
target_compile_options(rb_model PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O3>) # see core/evq.cmake
rb_tool_lib(model)
rb_check(model SOURCES tests/check_model.c sim/cmd/cmd_model.c DEPS model PkgConfig::JANSSON LABELS unit TIMEOUT 120)
target_include_directories(check_model PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
rb_check(model_auto SOURCES tests/check_model_auto.c sim/cmd/cmd_model.c DEPS model PkgConfig::JANSSON
  LABELS unit TIMEOUT 120)
target_include_directories(check_model_auto PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
# Trace replay round trip (issue 14): model -> calls.csv -> load: {trace: ...} -> model.
rb_check(model_trace SOURCES tests/check_model_trace.c DEPS model LABELS statistical integration TIMEOUT 300)
