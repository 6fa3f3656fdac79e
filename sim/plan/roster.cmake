# roster: the least-cost shifts covering a day's requirement, an integer
# program solved by GLPK (sim/plan/roster.h). Debian's libglpk-dev ships no
# pkg-config file, so the library is found by name.
find_library(GLPK_LIBRARY glpk REQUIRED)
find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
if(NOT TARGET GLPK::GLPK)
  add_library(GLPK::GLPK UNKNOWN IMPORTED)
  set_target_properties(GLPK::GLPK PROPERTIES IMPORTED_LOCATION ${GLPK_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${GLPK_INCLUDE_DIR})
endif()
rb_module(roster SOURCES roster.c DEPS base GLPK::GLPK)
rb_check(roster SOURCES tests/check_roster.c DEPS roster LABELS unit TIMEOUT 120)
