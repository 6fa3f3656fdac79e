# Tests of `ringbench report` and `ringbench sweep` (reports/, sim/sweep*).
rb_check(report SOURCES tests/check_report.c DEPS report LABELS unit TIMEOUT 60)
rb_check(sweep SOURCES tests/check_sweep.c DEPS sweep erlang LABELS unit TIMEOUT 60)
set_property(TEST sweep APPEND PROPERTY ENVIRONMENT "CK_EXCLUDE_TAGS=statistical")
rb_check(sweep_erlang SOURCES tests/check_sweep.c DEPS sweep erlang LABELS statistical TIMEOUT 120)
set_property(TEST sweep_erlang APPEND PROPERTY ENVIRONMENT "CK_INCLUDE_TAGS=statistical")

foreach(t report_model report_sweep report_bad_input)
  add_test(NAME ${t} COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/${t}.sh
    ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  set_tests_properties(${t} PROPERTIES LABELS integration TIMEOUT 120)
endforeach()

# the staffing table's answer against separate model runs (tests/integration/sweep_target.sh)
add_test(NAME sweep_target COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/sweep_target.sh
  ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(sweep_target PROPERTIES LABELS integration TIMEOUT 120)
