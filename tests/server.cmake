# secretaryd's tests: unit tests of its pieces, and integration tests with
# SIPp on 127.0.0.1 (each bounded in time).
rb_check(datadir SOURCES tests/check_datadir.c DEPS datadir LABELS unit TIMEOUT 60)
rb_check(sqlq SOURCES tests/check_sqlq.c DEPS sqlq LABELS unit TIMEOUT 60)
if(TARGET secretaryd)
  rb_check(stimer SOURCES tests/check_stimer.c DEPS center LABELS unit TIMEOUT 60)
  rb_check(cdr SOURCES tests/check_cdr.c DEPS center LABELS unit TIMEOUT 60)
  # the port tests need a network namespace: 77 (skipped) without one
  rb_check(sip_transport SOURCES tests/check_sip_transport.c DEPS center LABELS unit TIMEOUT 60)
  set_tests_properties(sip_transport PROPERTIES SKIP_RETURN_CODE 77)
  rb_script_tests(PREFIX secretaryd_ ARG $<TARGET_FILE:secretaryd> TIMEOUT 120
    NAMES calls order torture kill9 drain time timers port_in_use diskfull floods reload
    ring_no_answer register baresip sip_operators baresip_call sip_reach sip_relay)
  # the disk-full test's long variant (a 2 MB tmpfs, root: 77 without)
  add_test(NAME secretaryd_diskfull_long COMMAND bash
    ${CMAKE_SOURCE_DIR}/tests/integration/secretaryd_diskfull.sh $<TARGET_FILE:secretaryd> ${CMAKE_SOURCE_DIR})
  set_tests_properties(secretaryd_diskfull_long PROPERTIES LABELS slow TIMEOUT 300
    SKIP_RETURN_CODE 77 ENVIRONMENT DISKFULL_SLOW=1)
endif()
# operators as SIP users: Digest authentication (RFC 7616 vectors)
rb_check(sip_digest SOURCES tests/check_sip_digest.c DEPS sip_digest LABELS unit TIMEOUT 60)
rb_check(registrar SOURCES tests/check_registrar.c DEPS registrar LABELS unit TIMEOUT 60)
rb_check(opleg SOURCES tests/check_opleg.c DEPS opleg LABELS unit TIMEOUT 60)
# the operator leg against a real phone (baresip), driven by a small tool
add_executable(rb_opleg_call ${CMAKE_SOURCE_DIR}/tests/tools/opleg_call.c)
target_link_libraries(rb_opleg_call PRIVATE rb_opleg)
add_test(NAME opleg_baresip COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/opleg_baresip.sh
  $<TARGET_FILE:rb_opleg_call> ${CMAKE_SOURCE_DIR})
set_tests_properties(opleg_baresip PROPERTIES LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77)
