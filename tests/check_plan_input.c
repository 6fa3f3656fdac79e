/* The scenario's planning: section (core/scn_planning.c): read into the
 * roster's units (planning intervals from time zero), and every malformed
 * key refused at its line and column with what was expected. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scn.h"
#include "scn_check.h"

#define HEAD                                                                                       \
	"center: {operators: 5}\n"                                                                 \
	"tenants: [{id: a, number: \"0300000001\"}]\n"                                             \
	"callers: {talk_s: 120}\n"                                                                 \
	"start_time: \"08:00\"\n"                                                                  \
	"load: {profile: {interval_s: 1800, rates_per_hour: [30, 60, 120, 90, 60, 30, 30, 20]}}\n"
/* line 6 on */

#define ok scn_check_ok
#define bad scn_check_bad

START_TEST(test_planning_read)
{
	struct scenario *s = ok(HEAD "planning:\n"
				     "  shrinkage: 0.2\n"
				     "  cost_per_hour: {operators: 1500, backup: 2000}\n"
				     "  min_staff: 2\n"
				     "  max_staff: 30\n"
				     "  occupancy_max: 0.85\n"
				     "  rate_cv: 0.1\n"
				     "  rate_quantile: 0.9\n"
				     "  shifts:\n"
				     "    - {name: full, length_s: 10800, starts: {from: \"08:30\", to: \"09:00\", every_s: 1800},"
				     " break: {length_s: 1800, earliest_s: 3600, latest_s: 5400}}\n"
				     "    - {name: part, length_s: 7200, cost_per_hour: 1700, max_count: 4}\n"
				     "  backup: {shifts: [{name: b, length_s: 14400}]}\n");
	const struct scn_planning *p = s->planning;
	ck_assert_ptr_nonnull(p);
	ck_assert(p->interval == 1800 * RB_US_PER_S);
	ck_assert_int_eq(p->n_intervals, 8);
	ck_assert_double_eq_tol(p->shrinkage, 0.2, 1e-12);
	ck_assert_double_eq_tol(p->cost_operator, 1500, 1e-12);
	ck_assert_double_eq_tol(p->cost_backup, 2000, 1e-12);
	ck_assert_int_eq(p->min_staff, 2);
	ck_assert_int_eq(p->max_staff, 30);
	ck_assert_double_eq_tol(p->occupancy_max, 0.85, 1e-12);
	ck_assert_double_eq_tol(p->rate_cv, 0.1, 1e-12);
	ck_assert_double_eq_tol(p->rate_quantile, 0.9, 1e-12);
	ck_assert_int_eq(p->n_shifts, 2);
	const struct scn_plan_shift *f = &p->shifts[0], *t = &p->shifts[1];
	ck_assert_str_eq(f->name, "full");
	ck_assert_int_eq(f->length, 6);
	ck_assert_int_eq(f->first_start, 1); /* 08:30 is one interval after 08:00 */
	ck_assert_int_eq(f->last_start, 2);
	ck_assert_int_eq(f->start_step, 1);
	ck_assert_int_eq(f->break_len, 1);
	ck_assert_int_eq(f->break_earliest, 2);
	ck_assert_int_eq(f->break_latest, 3);
	ck_assert_double_eq_tol(f->cost_per_hour, 1500, 1e-12); /* the planning's, not given */
	ck_assert_double_eq_tol(t->cost_per_hour, 1700, 1e-12);
	ck_assert_int_eq(t->first_start, 0);
	ck_assert_int_eq(t->last_start, 4); /* 4 h shift in an 8-interval day */
	ck_assert_int_eq(t->max_count, 4);
	ck_assert(!p->backup_fixed);
	ck_assert_int_eq(p->n_backup_shifts, 1);
	ck_assert_double_eq_tol(p->backup_shifts[0].cost_per_hour, 2000, 1e-12);
	scn_free(s);
}
END_TEST

START_TEST(test_planning_defaults)
{
	struct scenario *s = ok(HEAD "planning: {cost_per_hour: {operators: 1000}, shifts: [{name: d, length_s: 14400}]}\n");
	ck_assert(s->planning->interval == 1800 * RB_US_PER_S);
	ck_assert_double_eq_tol(s->planning->shrinkage, 0, 1e-12);
	ck_assert_double_eq_tol(s->planning->occupancy_max, 1, 1e-12);
	ck_assert_double_eq_tol(s->planning->cost_backup, 1000, 1e-12);
	ck_assert(s->planning->backup_fixed);
	scn_free(s);
	s = ok(HEAD);
	ck_assert_ptr_null(s->planning);
	scn_free(s);
}
END_TEST

#define PL "planning:\n  cost_per_hour: {operators: 1500}\n"
#define SH "  shifts: [{name: d, length_s: 14400}]\n"

START_TEST(test_planning_refused)
{
	bad(HEAD "planning:\n  shrinkge: 0.1\n", "t.yaml:7:3: unknown key 'shrinkge' (did you mean 'shrinkage'?)");
	bad(HEAD PL SH "  shrinkage: 1.2\n", "t.yaml:9:14: shrinkage must be between 0 and 0.9, got 1.2");
	bad(HEAD "planning: {shifts: [{name: d, length_s: 14400}]}\n",
	    "t.yaml:6:11: missing key 'cost_per_hour'");
	bad(HEAD PL, "t.yaml:7:3: missing key 'shifts'");
	bad(HEAD PL "  shifts: [{name: d, length_s: 1000}]\n",
	    "t.yaml:8:32: length_s must be a whole number of planning intervals (1800 s), got 1000 s");
	bad(HEAD PL "  shifts: [{name: d, length_s: 7200, starts: {from: \"08:10\"}}]\n",
	    "t.yaml:8:53: starts.from 08:10 is not on a planning interval's boundary");
	bad(HEAD PL "  shifts: [{name: d, length_s: 7200, starts: {to: \"11:00\"}}]\n",
	    "t.yaml:8:51: a shift starting at 11:00 would end after the day's end");
	bad(HEAD PL "  shifts: [{name: d, length_s: 7200, break: {length_s: 1800, earliest_s: 5400}}]\n",
	    "t.yaml:8:45: the break must lie inside the shift");
	bad(HEAD PL "  shifts: [{name: d, length_s: 7200}, {name: d, length_s: 3600}]\n",
	    "t.yaml:8:39: duplicate shift name 'd'");
	bad(HEAD PL SH "  rate_cv: 0.1\n", "t.yaml:9:12: rate_cv needs rate_quantile");
	bad(HEAD PL SH "  rate_quantile: 0.9\n", "t.yaml:9:18: rate_quantile needs rate_cv");
	bad(HEAD PL SH "  min_staff: 5\n  max_staff: 3\n", "t.yaml:10:14: max_staff must be >= min_staff (5), got 3");
	bad(HEAD PL SH "  interval_s: 2700\n", "t.yaml:9:15: planning interval_s must be a whole multiple");
	bad(HEAD PL SH "  backup: {fixed: true, shifts: [{name: b, length_s: 3600}]}\n",
	    "t.yaml:9:33: backup is fixed: give fixed: true or shifts, not both");
	bad(HEAD PL SH "  backup: {}\n", "t.yaml:9:11: missing key 'shifts' (the backup staff's shifts), or fixed: true");
	bad("center: {operators: 5}\n"
	    "tenants: [{id: a, number: \"0300000001\"}]\n"
	    "callers: {talk_s: 120}\n"
	    "load: [{phase: day, duration_s: 3600, rate_per_min: 1}]\n" PL SH,
	    "t.yaml:6:3: planning needs the load as a day profile");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_input");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_planning_read);
	tcase_add_test(tc, test_planning_defaults);
	tcase_add_test(tc, test_planning_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
