# Issue 12's hardening of the input through the commands (exit 2 with
# FILE:LINE:COL, limits on numbers, names, grids and nesting):
# tests/integration/input_limits.sh. The unit tests are check_scn_limits
# (core/scn.cmake).
add_test(NAME input_limits COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/input_limits.sh
  ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR})
set_tests_properties(input_limits PROPERTIES LABELS integration TIMEOUT 120)
# The admin interface under abuse: token and size judged on the headers,
# slow clients cut, /metrics still answering (issue 12, item 6).
add_test(NAME secretaryd_admin_limits COMMAND python3
  ${CMAKE_SOURCE_DIR}/tests/integration/secretaryd_admin_limits.py
  ${CMAKE_BINARY_DIR}/secretaryd ${CMAKE_SOURCE_DIR})
set_tests_properties(secretaryd_admin_limits PROPERTIES LABELS integration TIMEOUT 120)
