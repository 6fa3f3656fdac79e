# secretaryd's tests: unit tests of its pieces, and integration tests with
# SIPp on 127.0.0.1 (each bounded in time).
if(TARGET secretaryd)
  rb_check(stimer SOURCES tests/check_stimer.c DEPS center LABELS unit TIMEOUT 60)
  rb_check(cdr SOURCES tests/check_cdr.c DEPS center LABELS unit TIMEOUT 60)
  foreach(t calls order torture kill9 drain time timers)
    add_test(NAME secretaryd_${t}
      COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/secretaryd_${t}.sh
              $<TARGET_FILE:secretaryd> ${CMAKE_SOURCE_DIR})
    set_tests_properties(secretaryd_${t} PROPERTIES LABELS integration TIMEOUT 120)
  endforeach()
endif()
