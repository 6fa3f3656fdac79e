# The command line shared by every command: "did you mean" (core/cli.c) and
# the flags renamed in issue 16, through the commands themselves (sim/cmd/cmd_*.c
# linked in, as in the tool).
get_property(rb_cli_libs GLOBAL PROPERTY RB_TOOL_LIBS)
file(GLOB rb_cli_cmd_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sim/cmd/cmd_*.c)
add_executable(check_cli ${CMAKE_SOURCE_DIR}/tests/check_cli.c ${rb_cli_cmd_srcs})
target_include_directories(check_cli PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
target_link_libraries(check_cli PRIVATE ${rb_cli_libs} rb_base PkgConfig::CHECK Threads::Threads m)
target_compile_definitions(check_cli PRIVATE RB_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_test(NAME cli COMMAND check_cli)
set_tests_properties(cli PROPERTIES LABELS unit TIMEOUT 60)
