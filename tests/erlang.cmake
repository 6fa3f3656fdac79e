# `ringbench erlang` from the command line: JSON on success, exit 2 with a
# clear message on bad input (label integration; the numbers themselves are
# checked in check_erlang).
function(rb_erlang_cli name status regex)
  add_test(NAME ${name}
    COMMAND sh -c "\"$0\" erlang \"$@\" 2>&1; s=$?; test $s -eq ${status} || { echo \"exit status $s, expected ${status}\"; exit 1; }"
            $<TARGET_FILE:ringbench> ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 30
    PASS_REGULAR_EXPRESSION "${regex}" FAIL_REGULAR_EXPRESSION "exit status [0-9]+, expected")
endfunction()

rb_erlang_cli(erlang_cli_help 0 "usage: ringbench erlang" --help)
rb_erlang_cli(erlang_cli_erlang_a_json 0 "\"model\": \"erlang_a\".*\"p_abandon\": 0\\.0622.*\"sla\": {[^}]*\"3\": 0\\.837"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --operators 20 --rings 3,5)
rb_erlang_cli(erlang_cli_erlang_c_published 0 "\"model\": \"erlang_c\".*\"p_wait\": 0\\.409"
  --rate-per-min 4 --talk-s 120 --patience-s inf --operators 10)
rb_erlang_cli(erlang_cli_erlang_c_refused_at_full_load 2 "no steady state when the load .* = 10 reaches the operators n = 10"
  --rate-per-min 5 --talk-s 120 --patience-s inf --operators 10)
rb_erlang_cli(erlang_cli_staffing 0 "\"staffing\": {.*\"measure\": \"sla\".*\"operators\": 24"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --target 3:0.95)
rb_erlang_cli(erlang_cli_target_missed 1 "\"given_operators_meet_it\": false"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --operators 20 --target 3:0.95)
rb_erlang_cli(erlang_cli_negative_rate 2 "--rate-per-min: expected calls per minute above 0, got '-1'"
  --rate-per-min -1 --talk-s 120 --patience-s 60 --operators 20)
rb_erlang_cli(erlang_cli_bad_target 2 "--target '3:1.5': expected .PHASE:.K:F"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --operators 20 --target 3:1.5)
rb_erlang_cli(erlang_cli_bad_rings 2 "--rings: expected ring counts from 1 to 10"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --operators 20 --rings 0,11)
rb_erlang_cli(erlang_cli_unknown_option 2 "unknown option '--operater'; did you mean --operators[?]"
  --rate-per-min 9 --talk-s 120 --patience-s 60 --operater 20)
rb_erlang_cli(erlang_cli_missing_operators 2 "--operators is required"
  --rate-per-min 9 --talk-s 120 --patience-s 60)

# The model engine against the exact figures (tests/check_model_erlang.c):
# six parameter sets, about 23 million counted calls on 2 threads (~40 s).
rb_check(model_erlang SOURCES tests/check_model_erlang.c DEPS model erlang results PkgConfig::GSL PkgConfig::JANSSON
  LABELS statistical TIMEOUT 240)
# Error rates of compare and coverage of intervals over many seeds
# (tests/check_verdicts.c): statistical, about a minute on one core.
rb_check(verdicts SOURCES tests/check_verdicts.c DEPS model erlang results PkgConfig::GSL PkgConfig::JANSSON
  LABELS statistical TIMEOUT 900)

# The sequential rule of `ringbench model --replications auto` by its error
# rates (tests/check_model_seq.c): erlang-a, false fails and false passes at
# most 2.5 % each; 100 seeds as `statistical` (~15 s), the full 400 as
# `slow` (~60 s).
rb_check(model_seq SOURCES tests/check_model_seq.c DEPS model erlang results
  LABELS statistical TIMEOUT 300)
set_property(TEST model_seq APPEND PROPERTY ENVIRONMENT RB_SEQ_SEEDS=100)
add_test(NAME model_seq_400 COMMAND check_model_seq)
set_tests_properties(model_seq_400 PROPERTIES LABELS slow TIMEOUT 900
  ENVIRONMENT "CK_DEFAULT_TIMEOUT=900;RB_SEQ_SEEDS=400")
