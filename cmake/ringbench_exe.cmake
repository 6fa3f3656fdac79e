# The ringbench tool, in two programs built from sim/cmd/main.c:
#
# - ringbench-full: every sim/cmd/cmd_*.c, linked with the libraries
#   fragments registered through rb_tool_lib();
# - ringbench: the commands that need none of libpcap, SQLite and GLPK
#   (below); for the others main.c runs ringbench-full from its own folder
#   (the build folder, BINDIR once installed). A model run then loads 8
#   shared libraries instead of 24 (bench/model/README.md, sixth round).
#
# A command added to the front's list must be added to its libraries too
# (the link fails otherwise), and out of FULL_ONLY() in main.c; the test
# ringbench_front_libs checks that the front maps no libpcap, SQLite or GLPK.
file(GLOB rb_cmd_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sim/cmd/cmd_*.c)
get_property(rb_tool_libs GLOBAL PROPERTY RB_TOOL_LIBS)
add_executable(ringbench-full ${CMAKE_SOURCE_DIR}/sim/cmd/main.c ${rb_cmd_srcs})
target_include_directories(ringbench-full PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
target_compile_definitions(ringbench-full PRIVATE RB_FULL)
target_link_libraries(ringbench-full PRIVATE ${rb_tool_libs} rb_base Threads::Threads m)

set(rb_front_cmds compare erlang model onboard report sweep)
set(rb_front_libs rb_results rb_erlang rb_model rb_onboard rb_report rb_sweep)
list(TRANSFORM rb_front_cmds REPLACE "(.+)" "${CMAKE_SOURCE_DIR}/sim/cmd/cmd_\\1.c"
  OUTPUT_VARIABLE rb_front_srcs)
add_executable(ringbench ${CMAKE_SOURCE_DIR}/sim/cmd/main.c ${rb_front_srcs})
target_include_directories(ringbench PRIVATE ${CMAKE_SOURCE_DIR}/sim/cmd)
target_link_libraries(ringbench PRIVATE ${rb_front_libs} rb_base Threads::Threads m)
# whatever runs ringbench may run a command of ringbench-full's
add_dependencies(ringbench ringbench-full)
