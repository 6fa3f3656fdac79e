# Result folders written the same as by another build (tests/tools/same_outputs.sh):
# configure with -DRB_SAME_OUTPUTS_BASE=/path/to/the/other/ringbench; skipped without.
set(RB_SAME_OUTPUTS_BASE "" CACHE FILEPATH "a ringbench binary whose result files this build must reproduce")
add_test(NAME same_outputs COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tools/same_outputs.sh
  "${RB_SAME_OUTPUTS_BASE}" ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR})
set_tests_properties(same_outputs PROPERTIES LABELS integration TIMEOUT 300 SKIP_RETURN_CODE 77)
