# fit: `ringbench fit`: a scenario from a center's call history (queue_log,
# secretaryd's CDRs, calls.csv). See sim/fit/fit.h, docs/fit.md.
rb_module(fit SOURCES fit.c fit_hist.c fit_days.c fit_calls.c fit_qlog.c fit_cdr.c fit_mle.c
  fit_km.c fit_arr.c fit_scan.c fit_out.c fit_yaml.c
  DEPS results scn base rbjson PkgConfig::JANSSON PkgConfig::GSL PkgConfig::SQLITE)
rb_tool_lib(fit)
rb_check(fit SOURCES tests/check_fit.c DEPS fit LABELS unit TIMEOUT 120)
rb_check(fit_roundtrip SOURCES tests/check_fit_roundtrip.c DEPS fit model LABELS statistical TIMEOUT 1200)
# the three sources written by secretaryd's own writers (the center library)
rb_check(fit_sources SOURCES tests/check_fit_sources.c DEPS fit model center LABELS unit TIMEOUT 120)
add_test(NAME fit_cli COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/fit_cli.sh
  ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(fit_cli PROPERTIES LABELS integration TIMEOUT 120)
add_test(NAME fit_live COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/fit_live.sh
  ${CMAKE_BINARY_DIR}/ringbench ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(fit_live PROPERTIES LABELS slow TIMEOUT 1800 SKIP_RETURN_CODE 77)
