# Helpers every module fragment uses.
#
# rb_module(NAME SOURCES a.c b.c DEPS other_module PkgConfig::X ...)
#   a static library rb_NAME from sources in the fragment's folder; DEPS are
#   linked publicly (other rb_ modules by their short name or full targets).
# rb_check(NAME SOURCES tests/check_x.c DEPS ... LABELS unit [TIMEOUT s])
#   a check(3) test program check_NAME registered with ctest.
# A dependency without "::" is a ringbench module's short name (rb_<name>);
# imported targets (PkgConfig::GSL, Threads::Threads) pass through.
function(rb_resolve_deps out)
  set(r)
  foreach(d ${ARGN})
    if(d MATCHES "::")
      list(APPEND r ${d})
    else()
      list(APPEND r rb_${d})
    endif()
  endforeach()
  set(${out} ${r} PARENT_SCOPE)
endfunction()

# Libraries the ringbench tool links: a fragment that adds a subcommand's
# library calls rb_tool_lib(name).
function(rb_tool_lib)
  foreach(n ${ARGN})
    set_property(GLOBAL APPEND PROPERTY RB_TOOL_LIBS rb_${n})
  endforeach()
endfunction()

function(rb_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  get_filename_component(dir ${CMAKE_CURRENT_LIST_FILE} DIRECTORY)
  set(srcs)
  set(incs ${dir})
  foreach(s ${M_SOURCES})
    list(APPEND srcs ${dir}/${s})
    # a source in a sub-folder (server/sip/...): its headers are public too
    get_filename_component(sdir ${dir}/${s} DIRECTORY)
    list(APPEND incs ${sdir})
  endforeach()
  list(REMOVE_DUPLICATES incs)
  add_library(rb_${name} STATIC ${srcs})
  target_include_directories(rb_${name} PUBLIC ${incs})
  rb_resolve_deps(deps ${M_DEPS})
  target_link_libraries(rb_${name} PUBLIC ${deps} m)
endfunction()

function(rb_check name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  set(srcs)
  foreach(s ${T_SOURCES})
    list(APPEND srcs ${CMAKE_SOURCE_DIR}/${s})
  endforeach()
  add_executable(check_${name} ${srcs})
  rb_resolve_deps(deps ${T_DEPS})
  target_link_libraries(check_${name} PRIVATE ${deps} PkgConfig::CHECK Threads::Threads m)
  target_compile_definitions(check_${name} PRIVATE RB_SOURCE_DIR="${CMAKE_SOURCE_DIR}" RB_BINARY_DIR="${CMAKE_BINARY_DIR}")
  add_test(NAME ${name} COMMAND check_${name})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "CK_DEFAULT_TIMEOUT=${T_TIMEOUT}")
endfunction()

# rb_script_tests(PREFIX p ARG a TIMEOUT s NAMES n...): one integration test
# per script tests/integration/<p><n>.sh, run as `bash SCRIPT a SOURCE_DIR`
# (bounded in time; exit 77 skips).
function(rb_script_tests)
  cmake_parse_arguments(A "" "PREFIX;ARG;TIMEOUT" "NAMES" ${ARGN})
  foreach(n ${A_NAMES})
    add_test(NAME ${A_PREFIX}${n}
      COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/${A_PREFIX}${n}.sh ${A_ARG} ${CMAKE_SOURCE_DIR})
    set_tests_properties(${A_PREFIX}${n} PROPERTIES LABELS integration TIMEOUT ${A_TIMEOUT}
      SKIP_RETURN_CODE 77)
  endforeach()
endfunction()
