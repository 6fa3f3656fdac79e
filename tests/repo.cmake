# The repository as users get it: no file points outside it, and the
# Markdown links inside it resolve (tests/repo/self_contained.sh).
add_test(NAME repo_self_contained
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/repo/self_contained.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(repo_self_contained PROPERTIES LABELS unit TIMEOUT 60)
