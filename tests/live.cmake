# Tests of `ringbench live`, `onboard` and `suite` (sim/live/, sim/onboard/, sim/suite/).
rb_check(schedule SOURCES tests/check_schedule.c DEPS live model LABELS unit TIMEOUT 60)
target_include_directories(check_schedule PRIVATE ${CMAKE_SOURCE_DIR}/sim/live)
rb_check(suite SOURCES tests/check_suite.c DEPS suite LABELS unit TIMEOUT 60)
target_include_directories(check_suite PRIVATE ${CMAKE_SOURCE_DIR}/sim/suite)
foreach(t live_run live_auth live_redial live_rate live_compare live_no_answer live_trace onboard_checks suite_junit)
  add_test(NAME ${t} COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/${t}.sh
    ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
  set_tests_properties(${t} PROPERTIES LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()
