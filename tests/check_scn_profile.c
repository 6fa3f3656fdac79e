/* A day's load as a profile (core/scn_profile.c): rates per interval expand
 * to phases named by clock time, bursts land in their interval, staffing
 * per interval, and every malformed profile is refused at its line and
 * column. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scn.h"
#include "scn_check.h"

#define HEAD                                                                                       \
	"center: {operators: 5, layout: pooled}\n"                                                 \
	"tenants:\n"                                                                               \
	"  - {id: a, number: \"0300000001\", name: A, share: 1, forwarding: unconditional}\n"      \
	"callers: {talk_s: 120}\n"

#define ok scn_check_ok
#define bad scn_check_bad

START_TEST(test_profile_expands_to_clock_phases)
{
	struct scenario *s = ok(HEAD "start_time: \"08:00\"\n"
				     "load:\n"
				     "  profile: {interval_s: 1800, rates_per_hour: [30, 60, 120], operators: [2, 3, 5],"
				     " backup: 1}\n"
				     "  bursts:\n"
				     "    - {at: \"09:05\", calls: 10, within_s: 60}\n"
				     "    - {at_s: 10, calls: 3}\n"
				     "targets:\n"
				     "  - {phase: \"09:00\", rings: 5, min: 0.8}\n");
	ck_assert_int_eq(s->start_time_s, 8 * 3600);
	ck_assert_int_eq(s->n_phases, 3);
	ck_assert(s->interval == 1800 * RB_US_PER_S);
	ck_assert(s->end == 3 * 1800 * RB_US_PER_S);
	const char *names[] = {"08:00", "08:30", "09:00"};
	const int ops[] = {2, 3, 5};
	const double rate_h[] = {30, 60, 120};
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(s->phases[i].name, names[i]);
		ck_assert(s->phases[i].start == (rb_us)i * 1800 * RB_US_PER_S);
		ck_assert_int_eq(s->phases[i].operators, ops[i]);
		ck_assert_int_eq(s->phases[i].backup, 1);
		ck_assert_double_eq_tol(s->phases[i].rate_per_s * 3600, rate_h[i], 1e-9);
	}
	/* 09:05 is 5 minutes into the 09:00 interval; at_s 10 in the first. */
	ck_assert_int_eq(s->phases[2].n_bursts, 1);
	ck_assert(s->phases[2].bursts[0].at == 300 * RB_US_PER_S);
	ck_assert_int_eq(s->phases[2].bursts[0].calls, 10);
	ck_assert_int_eq(s->phases[0].n_bursts, 1);
	ck_assert(s->phases[0].bursts[0].at == 10 * RB_US_PER_S);
	ck_assert_int_eq(s->n_targets, 1);
	ck_assert_int_eq(s->targets[0].phase_idx, 2);
	scn_free(s);
}
END_TEST

START_TEST(test_profile_wraps_midnight_and_defaults)
{
	/* Without start_time the day starts at 00:00; from 23:00 the names wrap. */
	struct scenario *s = ok(HEAD "load: {profile: {interval_s: 3600, rates_per_min: [1, 2]}}\n");
	ck_assert_int_eq(s->start_time_s, -1);
	ck_assert_str_eq(s->phases[1].name, "01:00");
	ck_assert_int_eq(s->phases[0].operators, -1);
	ck_assert_double_eq_tol(s->phases[1].rate_per_s, 2.0 / 60, 1e-12);
	scn_free(s);
	s = ok(HEAD "start_time: \"23:00\"\nload: {profile: {interval_s: 3600, rates_per_hour: [1, 2]}}\n");
	ck_assert_str_eq(s->phases[1].name, "00:00");
	scn_free(s);
	/* Explicit phases still load, and carry no interval. */
	s = ok(HEAD "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n");
	ck_assert(s->interval == 0);
	scn_free(s);
}
END_TEST

START_TEST(test_profile_refused_with_line_and_column)
{
	bad(HEAD "start_time: \"25:00\"\nload: {profile: {interval_s: 1800, rates_per_hour: [1]}}\n",
	    "t.yaml:5:13: start_time: expected a clock time \"HH:MM\"");
	bad(HEAD "load: {profile: {interval_s: 90, rates_per_hour: [1]}}\n",
	    "t.yaml:5:30: interval_s must be whole minutes of at least 60 s, got 90");
	bad(HEAD "load: {profile: {interval_s: 1800}}\n", "t.yaml:5:17: missing key 'rates_per_hour'");
	bad(HEAD "load: {profile: {interval_s: 1800, rates_per_hour: [1, -2]}}\n",
	    "t.yaml:5:56: an interval's arrival rate");
	bad(HEAD "load: {profile: {interval_s: 1800, rates_per_hour: [1, 2], operators: [1]}}\n",
	    "t.yaml:5:71: operators: expected 2 numbers (one an interval, as the rates), got 1");
	bad(HEAD "load: {profile: {interval_s: 1800, rates_per_hour: [1, 2], rates_per_min: [1, 2]}}\n",
	    "give rates_per_hour or rates_per_min, not both");
	bad(HEAD "load:\n  profile: {interval_s: 1800, rates_per_hour: [1, 2]}\n"
		 "  bursts: [{at: \"00:29\", calls: 5, within_s: 120}]\n",
	    "t.yaml:7:12: burst at 1740 s within 120 s crosses the end of interval 00:00: give it as two bursts");
	bad(HEAD "load:\n  profile: {interval_s: 1800, rates_per_hour: [1, 2]}\n"
		 "  bursts: [{at: \"05:00\", calls: 5}]\n",
	    "after the day's end");
	bad(HEAD "load: {profile: {interval_s: 3600, rates_per_hour: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,"
		 " 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}\n",
	    "a profile covers one day at most: 25 intervals of 3600 s is 25 h");
	bad(HEAD "load: {profile: {interval_s: 1800, rates_per_hour: [1]}, extra: 1}\n",
	    "t.yaml:5:");
}
END_TEST

int main(void)
{
	Suite *su = suite_create("scn_profile");
	TCase *tc = tcase_create("profile");
	tcase_add_test(tc, test_profile_expands_to_clock_phases);
	tcase_add_test(tc, test_profile_wraps_midnight_and_defaults);
	tcase_add_test(tc, test_profile_refused_with_line_and_column);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
