/*
 * ringbench plan on a split-floor center (sim/plan/plan_floors.c,
 * docs/plan.md "Split floors"):
 *  - --method erlang: each floor's requirement is core's erlang_staff at that
 *    floor's own tenants' load (the interval's rate times the floor's share),
 *    and the floor whose tenants carry 85 % of the calls needs more than the
 *    quiet one in every busy interval;
 *  - --method model: the same ordering, the rostered day passes the check,
 *    the roster covers each floor's requirement after shrinkage on its own
 *    rows, and planned.yaml loads with each floor's desks per interval;
 *  - a malformed profile.floors is refused at its file:line:col.
 * The model runs use a fixed seed (11) and 10 replications; the check is
 * the verdict rule itself (every 95 % interval meets its target), so no
 * further tolerance is needed.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"
#include "plan.h"
#include "scn.h"

static const double rates_h[] = {40, 240, 420, 360, 300, 80};
#define N_IV 6
#define BUSY_H 200 /* an interval of at least this many calls an hour is busy */

#define FLOORS_DAY                                                                                 \
	"center: {operators: 2, layout: {floors: [1, 1]}}\n"                                      \
	"tenants:\n"                                                                               \
	"  - {id: busy, number: \"0300000001\", share: 0.85, forwarding: unconditional, floor: 0}\n" \
	"  - {id: quiet, number: \"0300000002\", share: 0.15, forwarding: unconditional, floor: 1}\n" \
	"callers: {patience_s: {exponential: 60}, talk_s: {exponential: 150}}\n"                   \
	"start_time: \"08:00\"\n"                                                                  \
	"load: {profile: {interval_s: 1800, rates_per_hour: [40, 240, 420, 360, 300, 80]}}\n"      \
	"targets: [{rings: 3, min: 0.8}]\n"                                                       \
	"planning:\n"                                                                              \
	"  shrinkage: 0.1\n"                                                                       \
	"  cost_per_hour: {operators: 1000}\n"                                                     \
	"  shifts: [{name: d, length_s: 5400}, {name: h, length_s: 1800, cost_per_hour: 1400}]\n"

static char *write_scn(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 512, "%s/plan_floors_test_%s.yaml", RB_BINARY_DIR, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static struct scenario *load(const char *path)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int rc = scn_load(path, &s, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	return s;
}

static void run(struct plan_opts *o, struct plan_result *r)
{
	char err[1024] = "";
	int rc = plan_run(o, r, err, sizeof err);
	ck_assert_msg(rc == 0, "plan_run: %d %s", rc, err);
}

/* core's erlang_staff for 3 rings at 80 %, at rate_per_s */
static int core_staff(double rate_per_s)
{
	if (!(rate_per_s > 0))
		return 0;
	struct erlang_params p = {.lambda = rate_per_s, .mu = 1.0 / 150, .theta = 1.0 / 60, .ring_period = 3};
	int n = -1;
	ck_assert_int_eq(erlang_staff(&p, ERLANG_SLA, 3, 0.8, 5000, &n, NULL), 0);
	return n;
}

START_TEST(test_erlang_per_floor_at_its_own_load)
{
	char *path = write_scn("erlang", FLOORS_DAY);
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_ERLANG, .replications = 2, .seed = 1,
			      .jobs = 1, .no_roster = true};
	struct plan_result r;
	run(&o, &r);
	ck_assert_int_eq(r.n, N_IV);
	ck_assert_int_eq(r.n_floors, 2);
	ck_assert_double_eq_tol(r.floor_share[0], 0.85, 1e-12);
	ck_assert_double_eq_tol(r.floor_share[1], 0.15, 1e-12);
	for (size_t i = 0; i < r.n; i++) {
		const struct plan_interval *v = &r.iv[i];
		int sum = 0;
		for (int f = 0; f < 2; f++) {
			int want = core_staff(rates_h[i] / 3600 * r.floor_share[f]);
			ck_assert_msg(v->fl_erlang[f] == want && v->fl_required[f] == want,
				      "%s floor %d: plan %d (required %d), erlang_staff %d", v->name, f, v->fl_erlang[f],
				      v->fl_required[f], want);
			sum += want;
		}
		ck_assert_int_eq(v->required, sum);
		ck_assert_int_eq(v->erlang, sum);
		if (rates_h[i] >= BUSY_H)
			ck_assert_msg(v->fl_required[0] > v->fl_required[1], "%s: busy floor %d, quiet floor %d",
				      v->name, v->fl_required[0], v->fl_required[1]);
	}
	/* pooled, the same day would need fewer: the split costs desks */
	ck_assert_int_lt(core_staff(420.0 / 3600), r.iv[2].required);
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

static void check_roster_per_floor(const struct plan_result *r)
{
	int N = r->rp_day_n;
	ck_assert_int_eq(r->rp.n, 2 * N);
	for (int f = 0; f < 2; f++)
		for (int t = 0; t < N; t++) {
			int need = (int)ceil(r->iv[t].fl_required[f] / 0.9 - 1e-9); /* planning interval = profile's */
			ck_assert_int_eq(r->need[f * N + t], need);
			ck_assert_msg(r->roster.staffed[f * N + t] >= need, "floor %d interval %d: %d at work, %d needed", f,
				      t, r->roster.staffed[f * N + t], need);
			ck_assert_int_ge(r->iv[t].fl_staffed[f], r->iv[t].fl_required[f]);
		}
}

START_TEST(test_model_per_floor_roster_and_check)
{
	char *path = write_scn("model", FLOORS_DAY);
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_MODEL, .replications = 10, .seed = 11,
			      .jobs = 1};
	struct plan_result r;
	run(&o, &r);
	ck_assert(r.converged);
	ck_assert_msg(r.check_passed, "check: %s", r.check_log);
	for (size_t i = 0; i < r.n; i++)
		if (rates_h[i] >= BUSY_H)
			ck_assert_msg(r.iv[i].fl_required[0] > r.iv[i].fl_required[1], "%s: busy floor %d, quiet floor %d",
				      r.iv[i].name, r.iv[i].fl_required[0], r.iv[i].fl_required[1]);
	check_roster_per_floor(&r);
	char dir[512], err[512] = "", yml[600];
	snprintf(dir, sizeof dir, "%s/plan_floors_test_out", RB_BINARY_DIR);
	ck_assert_int_eq(plan_write(&o, &r, dir, err, sizeof err), 0);
	snprintf(yml, sizeof yml, "%s/planned.yaml", dir);
	struct scenario *p = load(yml);
	ck_assert_int_eq(p->n_phases, r.n);
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_ptr_nonnull(p->phases[i].floor_ops);
		for (int f = 0; f < 2; f++)
			ck_assert_int_eq(p->phases[i].floor_ops[f], r.iv[i].fl_staffed[f]);
		ck_assert_int_eq(p->phases[i].operators, r.iv[i].staffed);
	}
	scn_free(p);
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

/* A profile's floors expand into each phase's floor_ops. */
START_TEST(test_profile_floors_expand)
{
	char *path = write_scn("expand", "center: {operators: 2, layout: {floors: [1, 1]}}\n"
					 "tenants: [{id: a, number: \"0300000001\"}]\n"
					 "callers: {talk_s: {exponential: 100}}\n"
					 "load: {profile: {interval_s: 600, rates_per_hour: [10, 20, 30],\n"
					 "                 floors: [[3, 4, 5], 2]}}\n");
	struct scenario *s = load(path);
	static const int f0[] = {3, 4, 5};
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(s->phases[i].floor_ops[0], f0[i]);
		ck_assert_int_eq(s->phases[i].floor_ops[1], 2);
		ck_assert_int_eq(s->phases[i].operators, f0[i] + 2);
	}
	scn_free(s);
}
END_TEST

static const struct {
	const char *name, *center, *profile, *where, *says;
} bad[] = {
	{"pooled", "{operators: 2}", "floors: [1, 1]", ":5:", "need center.layout"},
	{"count", "{operators: 2, layout: {floors: [1, 1]}}", "floors: [1, 1, 1]", ":5:", "expected 2 entries"},
	{"length", "{operators: 2, layout: {floors: [1, 1]}}", "floors: [[1, 2], 1]", ":5:", "expected 3 numbers"},
	{"both", "{operators: 2, layout: {floors: [1, 1]}}", "floors: [1, 1], operators: 2", ":5:", "not both"},
	{"negative", "{operators: 2, layout: {floors: [1, 1]}}", "floors: [1, -1]", ":5:", "operators on a floor"},
	{"ops", "{operators: 2, layout: {floors: [1, 1]}}", "operators: 2", ":5:", "profile.floors"},
};

START_TEST(test_bad_floor_profiles_refused)
{
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char text[1024], err[512] = "", want[600];
		snprintf(text, sizeof text,
			 "center: %s\n"
			 "tenants: [{id: a, number: \"0300000001\"}]\n"
			 "callers: {talk_s: {exponential: 100}}\n"
			 "load:\n"
			 "  profile: {interval_s: 600, rates_per_hour: [10, 20, 30], %s}\n",
			 bad[k].center, bad[k].profile);
		char *path = write_scn(bad[k].name, text);
		struct scenario *s = NULL;
		int rc = scn_load(path, &s, err, sizeof err);
		ck_assert_msg(rc == EINVAL, "%s: loaded (rc %d)", bad[k].name, rc);
		snprintf(want, sizeof want, "%s%s", path, bad[k].where);
		ck_assert_msg(strstr(err, want) && strstr(err, bad[k].says), "%s: '%s' lacks '%s' or '%s'", bad[k].name,
			      err, want, bad[k].says);
		scn_free(s);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_floors");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_profile_floors_expand);
	tcase_add_test(tc, test_bad_floor_profiles_refused);
	tcase_add_test(tc, test_erlang_per_floor_at_its_own_load);
	tcase_add_test(tc, test_model_per_floor_roster_and_check);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
