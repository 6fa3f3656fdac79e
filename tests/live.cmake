# Tests of `ringbench live`, `onboard` and `suite` (sim/live/, sim/onboard/, sim/suite/).
rb_check(schedule SOURCES tests/check_schedule.c DEPS live model LABELS unit TIMEOUT 60)
target_include_directories(check_schedule PRIVATE ${CMAKE_SOURCE_DIR}/sim/live)
rb_check(caller_xml SOURCES tests/check_caller_xml.c DEPS live LABELS unit TIMEOUT 60)
target_include_directories(check_caller_xml PRIVATE ${CMAKE_SOURCE_DIR}/sim/live)
rb_check(suite SOURCES tests/check_suite.c DEPS suite LABELS unit TIMEOUT 60)
target_include_directories(check_suite PRIVATE ${CMAKE_SOURCE_DIR}/sim/suite)
foreach(t live_run live_caller_xml live_auth live_redial live_rate live_compare live_no_answer live_trace onboard_checks suite_junit)
  add_test(NAME ${t} COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/${t}.sh
    ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
  set_tests_properties(${t} PROPERTIES LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()
# ring-no-answer: the model against secretaryd's simulated operators (about 90 s of wire time)
add_test(NAME live_ring_no_answer COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/live_ring_no_answer.sh
  ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(live_ring_no_answer PROPERTIES LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77)
# SIP operators played by ringbench (live --sip-operators), about 35 s of wire time
add_test(NAME live_sip_operators COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/live_sip_operators.sh
  ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(live_sip_operators PROPERTIES LABELS integration TIMEOUT 200 SKIP_RETURN_CODE 77)
# ringbench's operators for a center that is not secretaryd (the X-RB-* headers alone, docs/live.md)
add_test(NAME operator_foreign COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/operator_foreign.py
  ${CMAKE_SOURCE_DIR})
set_tests_properties(operator_foreign PROPERTIES LABELS integration TIMEOUT 60 SKIP_RETURN_CODE 3)
