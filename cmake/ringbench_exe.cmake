# The ringbench tool: sim/cmd/main.c plus every sim/cmd/cmd_*.c, linked with the
# libraries fragments registered through rb_tool_lib().
file(GLOB rb_cmd_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sim/cmd/cmd_*.c)
add_executable(ringbench ${CMAKE_SOURCE_DIR}/sim/cmd/main.c ${rb_cmd_srcs})
get_property(rb_tool_libs GLOBAL PROPERTY RB_TOOL_LIBS)
target_include_directories(ringbench PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
target_link_libraries(ringbench PRIVATE ${rb_tool_libs} rb_base Threads::Threads m)
