# model: the discrete-event engine behind `ringbench model` (sim/model/model.h).
rb_module(model SOURCES model.c model_run.c model_seq.c model_write.c DEPS evq dispatch rv scn results base Threads::Threads)
target_compile_options(rb_model PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O3>) # see core/evq.cmake
rb_tool_lib(model)
rb_check(model SOURCES tests/check_model.c sim/cmd/cmd_model.c DEPS model PkgConfig::JANSSON LABELS unit TIMEOUT 120)
target_include_directories(check_model PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
rb_check(model_auto SOURCES tests/check_model_auto.c sim/cmd/cmd_model.c DEPS model PkgConfig::JANSSON
  LABELS unit TIMEOUT 120)
target_include_directories(check_model_auto PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
# the model with phone settings (center.phone): its rules (unit) and figures (statistical)
rb_check(model_phone SOURCES tests/check_model_phone.c DEPS model LABELS unit TIMEOUT 120)
set_property(TEST model_phone APPEND PROPERTY ENVIRONMENT "CK_EXCLUDE_TAGS=statistical")
rb_check(model_phone_stat SOURCES tests/check_model_phone.c DEPS model LABELS statistical TIMEOUT 300)
set_property(TEST model_phone_stat APPEND PROPERTY ENVIRONMENT "CK_RUN_CASE=statistical")
# Trace replay round trip (issue 14): model -> calls.csv -> load: {trace: ...} -> model.
rb_check(model_trace SOURCES tests/check_model_trace.c DEPS model LABELS statistical integration TIMEOUT 300)
