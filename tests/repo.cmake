# The repository as users get it: no file points outside it, and the
# Markdown links inside it resolve (tests/repo/self_contained.sh).
add_test(NAME repo_self_contained
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/repo/self_contained.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(repo_self_contained PROPERTIES LABELS unit TIMEOUT 60)
# Every option a --help lists is known to its command's parser (the man
# pages and completion come from --help; this ties the parsers to it).
add_test(NAME help_options_accepted
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/repo/help_options_accepted.sh
          $<TARGET_FILE:ringbench> $<TARGET_FILE:secretaryd>)
set_tests_properties(help_options_accepted PROPERTIES LABELS unit TIMEOUT 300)
# No C function over 80 lines but the few in tests/repo/function_size.allow,
# each with its reason (tests/repo/function_size.sh).
add_test(NAME repo_function_size
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/repo/function_size.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(repo_function_size PROPERTIES LABELS unit TIMEOUT 60)
# ringbench without libpcap, SQLite and GLPK, running ringbench-full for the
# commands that need them (cmake/ringbench_exe.cmake, tests/repo/front_libs.sh).
# integration: the two built programs together (and not a unit test that
# valgrind would wrap: memcheck of bash finds bash's own leaks).
add_test(NAME ringbench_front_libs
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/repo/front_libs.sh
          $<TARGET_FILE:ringbench> $<TARGET_FILE:ringbench-full>)
set_tests_properties(ringbench_front_libs PROPERTIES LABELS integration TIMEOUT 60
  SKIP_RETURN_CODE 77)
