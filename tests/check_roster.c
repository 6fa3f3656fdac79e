/* The shift roster (sim/plan/roster.h): covers every interval, costs what a
 * brute-force search finds optimal on small instances, says when nothing
 * covers, and refuses shifts that cannot be laid out. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roster.h"

/* A small deterministic generator, so the instances are fixed. */
static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* The columns the way roster.c should make them, enumerated independently:
 * one per (type, start, break start). */
struct bcol {
	int shift, start, brk;
	double cost;
};

static int brute_columns(const struct roster_problem *p, struct bcol *out)
{
	int n = 0;
	for (int i = 0; i < p->n_shifts; i++) {
		const struct roster_shift *s = &p->shifts[i];
		for (int st = s->first_start; st <= s->last_start; st += s->start_step) {
			int lo = s->break_len ? s->break_earliest : -1, hi = s->break_len ? s->break_latest : -1;
			for (int b = lo; b <= hi; b++) {
				int paid = s->length - (b >= 0 && !s->paid_break ? s->break_len : 0);
				out[n++] = (struct bcol){i, st, b < 0 ? -1 : st + b,
							 paid * p->interval_s / 3600 * s->cost_per_hour};
			}
		}
	}
	return n;
}

static int covers(const struct roster_problem *p, const struct bcol *c, int t)
{
	const struct roster_shift *s = &p->shifts[c->shift];
	if (t < c->start || t >= c->start + s->length)
		return 0;
	return c->brk < 0 || t < c->brk || t >= c->brk + s->break_len;
}

/* Least cost over every vector of counts 0..maxc per column. */
static double brute_optimum(const struct roster_problem *p, int maxc)
{
	struct bcol c[64];
	int nc = brute_columns(p, c);
	ck_assert_int_le(nc, 12);
	int x[64] = {0};
	double best = -1;
	for (;;) {
		bool ok = true;
		for (int t = 0; t < p->n && ok; t++) {
			int got = 0;
			for (int j = 0; j < nc; j++)
				got += x[j] * covers(p, &c[j], t);
			ok = got >= p->need[t];
		}
		if (ok) {
			double cost = 0;
			for (int j = 0; j < nc; j++)
				cost += x[j] * c[j].cost;
			if (best < 0 || cost < best)
				best = cost;
		}
		int j = 0;
		while (j < nc && x[j] == maxc)
			x[j++] = 0;
		if (j == nc)
			break;
		x[j]++;
	}
	return best;
}

/* Two shift types on an 8-interval day: a 4-interval shift without break
 * starting anywhere, and a 6-interval shift with a 1-interval break 2..3
 * intervals in, starting at 0, 1 or 2 (cheaper per hour, break unpaid). */
static const struct roster_shift tiny_shifts[] = {
	{.name = "short", .length = 4, .first_start = 0, .last_start = 4, .start_step = 2,
	 .cost_per_hour = 1500},
	{.name = "long", .length = 6, .first_start = 0, .last_start = 2, .start_step = 1, .break_len = 1,
	 .break_earliest = 2, .break_latest = 3, .cost_per_hour = 1200},
};

START_TEST(test_tiny_equals_brute_force)
{
	/* Ten fixed random requirements of 0..3 people per interval: GLPK's
	 * roster costs exactly the brute-force optimum (counts up to 3 per
	 * column suffice: no interval needs more than 3). */
	uint64_t seed = 20261204;
	for (int k = 0; k < 10; k++) {
		int need[8];
		for (int t = 0; t < 8; t++)
			need[t] = (int)(lcg(&seed) % 4);
		struct roster_problem p = {.n = 8, .interval_s = 1800, .need = need, .shifts = tiny_shifts,
					   .n_shifts = 2};
		struct roster_result r;
		char err[256];
		ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), 0);
		ck_assert_int_eq(r.status, ROSTER_OPTIMAL);
		double bf = brute_optimum(&p, 3);
		ck_assert_msg(bf >= 0, "instance %d has no cover", k);
		ck_assert_double_eq_tol(r.cost, bf, 1e-6);
		ck_assert(r.lp_bound <= r.cost + 1e-6);
		for (int t = 0; t < 8; t++)
			ck_assert_int_ge(r.staffed[t], need[t]);
		roster_result_free(&r);
	}
}
END_TEST

START_TEST(test_day_covers_and_reports_gap)
{
	/* A 24-hour day of 30-minute intervals with a two-humped requirement;
	 * 8-hour shifts with a 1-hour unpaid break and 4-hour part-time shifts. */
	int need[48];
	for (int t = 0; t < 48; t++) {
		double h = t / 2.0;
		double v = 2 + 14 * (h >= 8 && h < 12) + 9 * (h >= 12 && h < 13) + 11 * (h >= 13 && h < 18) +
			   4 * (h >= 18 && h < 22);
		need[t] = (int)v;
	}
	struct roster_shift sh[] = {
		{.name = "full", .length = 18, .first_start = 0, .last_start = 30, .start_step = 1,
		 .break_len = 2, .break_earliest = 6, .break_latest = 10, .cost_per_hour = 1400},
		{.name = "part", .length = 8, .first_start = 0, .last_start = 40, .start_step = 1,
		 .cost_per_hour = 1600},
	};
	struct roster_problem p = {.n = 48, .interval_s = 1800, .need = need, .shifts = sh, .n_shifts = 2,
				   .time_limit_s = 30};
	struct roster_result r;
	char err[256];
	ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), 0);
	ck_assert(r.status == ROSTER_OPTIMAL || r.status == ROSTER_FEASIBLE);
	for (int t = 0; t < 48; t++)
		ck_assert_int_ge(r.staffed[t], need[t]);
	/* The LP bound is below the roster and close: the 1 % the plan promises. */
	ck_assert(r.lp_bound > 0 && r.lp_bound <= r.cost + 1e-6);
	ck_assert_msg((r.cost - r.lp_bound) / r.cost <= 0.01, "cost %.0f, LP bound %.0f", r.cost, r.lp_bound);
	/* The lines add up to the cost and the staffing. */
	double cost = 0;
	int staffed[48] = {0};
	for (int i = 0; i < r.n_lines; i++) {
		const struct roster_line *l = &r.lines[i];
		ck_assert_int_gt(l->count, 0);
		cost += l->count * roster_line_cost(&p, l);
		for (int t = l->start; t < l->start + sh[l->shift].length; t++)
			if (l->break_start < 0 || t < l->break_start || t >= l->break_start + sh[l->shift].break_len)
				staffed[t] += l->count;
	}
	ck_assert_double_eq_tol(cost, r.cost, 1e-6);
	ck_assert_int_eq(memcmp(staffed, r.staffed, sizeof staffed), 0);
	roster_result_free(&r);
}
END_TEST

START_TEST(test_infeasible_said)
{
	int need[8] = {0, 5, 5, 5, 0, 0, 0, 0};
	struct roster_shift sh = tiny_shifts[0];
	sh.max_count = 2;
	struct roster_problem p = {.n = 8, .interval_s = 1800, .need = need, .shifts = &sh, .n_shifts = 1};
	struct roster_result r;
	char err[256];
	ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.status, ROSTER_INFEASIBLE);
	roster_result_free(&r);
	/* A cap on staff at work below the requirement: infeasible too. */
	sh.max_count = 0;
	p.max_staff = 4;
	ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), 0);
	ck_assert_int_eq(r.status, ROSTER_INFEASIBLE);
	roster_result_free(&r);
}
END_TEST

START_TEST(test_bad_shift_refused)
{
	int need[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	struct roster_shift sh = tiny_shifts[1];
	sh.break_latest = 5; /* a break at the shift's last interval is no break */
	struct roster_problem p = {.n = 8, .interval_s = 1800, .need = need, .shifts = &sh, .n_shifts = 1};
	struct roster_result r;
	char err[256] = "";
	ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "shift long") && strstr(err, "inside the shift"), "%s", err);
	sh = tiny_shifts[0];
	sh.last_start = 5; /* would end after the day */
	ck_assert_int_eq(roster_solve(&p, &r, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "do not fit the day"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("roster");
	TCase *tc = tcase_create("roster");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tiny_equals_brute_force);
	tcase_add_test(tc, test_day_covers_and_reports_gap);
	tcase_add_test(tc, test_infeasible_said);
	tcase_add_test(tc, test_bad_shift_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
