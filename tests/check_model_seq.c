/*
 * The sequential rule of `ringbench model --replications auto` (sim/model/model_seq.c)
 * judged by what it is for: its verdicts' error rates.
 *
 * scenarios/erlang-a.yaml is exactly M/M/n+M (n = 20, 9 calls/min, talk
 * exponential 120 s, patience exponential 60 s, 10 minutes of warm-up), so
 * the exact sla at 3 rings is known (core/erlang.h: sla[k] = answered within
 * k rings / (offered - abandoned within k rings), the summary's sla with
 * rings counted at the center; the tenant is unconditional). Two targets:
 *
 *   low:  sla 3 rings >= exact - delta   (true: should pass)
 *   high: sla 3 rings >= exact + delta   (false: should fail)
 *
 * For each seed the rule chooses N (delta = 0.01, n0 = 10, max 200, 2 more
 * replications per look), then N replications are run as a fixed run and
 * judged (core/summary_finish.c), as the command does. Both targets are
 * judged in the same run: they share one measure, so one interval and the
 * same stopping time as either alone.
 *
 * Tolerance: over SEEDS seeds (400 unless RB_SEQ_SEEDS says otherwise),
 * a false fail (low judged fail) and a false pass (high judged pass) each
 * happen at most 2.5 % of the time: at most 10 of 400 (the count scales
 * with SEEDS). Inconclusive verdicts are allowed (a target delta from the
 * truth with a half-width of at most delta often straddles it) and
 * reported. Fixed seeds: 1..SEEDS.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"
#include "model.h"
#include "scn.h"
#include "summary.h"

#define DELTA	 0.01
#define MAX_RATE 0.025

/*
 * The rule's tolerance and n0: DELTA and the default unless RB_SEQ_TOL,
 * RB_SEQ_N0 say otherwise (experiments; the assertions stay the same).
 */
static double tolerance(void)
{
	const char *e = getenv("RB_SEQ_TOL");
	return e && atof(e) > 0 ? atof(e) : DELTA;
}

static int first_look(void)
{
	const char *e = getenv("RB_SEQ_N0");
	return e && atoi(e) >= 2 ? atoi(e) : MODEL_SEQ_N0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int n_seeds(void)
{
	const char *e = getenv("RB_SEQ_SEEDS");
	return e && atoi(e) > 0 ? atoi(e) : 400;
}

/* What the seeds found (test_model_seq_error_rates_erlang_a). */
struct tally {
	int count[2][3]; /* [target][pass, fail, inconclusive] */
	long reps_total;
	int not_reached, covered;
	int *ns;         /* replications chosen, per seed */
};

/* Seed i: the replications the rule chooses, then the fixed run of that
 * many judged against both targets. */
static void one_seed(struct scenario *scn, const struct scn_target *tg, double exact, double tol,
		     int i, struct tally *y)
{
	struct model_opts mo = {.scn = scn, .seed = (uint64_t)i, .jobs = 2};
	struct model_seq_opts sq;
	struct model_seq_result sr;
	model_seq_defaults(&sq);
	sq.delta = tol;
	sq.n0 = first_look();
	sq.targets = tg;
	sq.n_targets = 2;
	ck_assert_int_eq(model_seq_choose(&mo, &sq, &sr), 0);
	y->reps_total += sr.n;
	y->not_reached += !sr.reached;
	y->ns[i - 1] = sr.n;

	struct summary_opts so = {
		.engine = ENGINE_MODEL,
		.command = "check_model_seq",
		.scn = scn,
		.seed = (uint64_t)i,
		.replications = sr.n,
		.t0_epoch = RB_T_NONE,
		.targets = tg,
		.n_targets = 2,
		.time_weighted = true,
	};
	struct summary *sum = summary_new(&so);
	ck_assert_ptr_nonnull(sum);
	mo.replications = sr.n;
	mo.summary = sum;
	ck_assert_int_eq(model_run(&mo, NULL), 0);
	ck_assert_int_eq(summary_finish(sum), 0);
	ck_assert_uint_eq(summary_target_count(sum), 2);
	double m, lo, hi;
	ck_assert_int_eq(summary_target_ci(sum, 0, &m, &lo, &hi), 0);
	/* the final run's interval is the one the rule stopped on */
	ck_assert(!sr.reached || fmax(m - lo, hi - m) <= tol);
	y->covered += lo <= exact && exact <= hi;
	for (int t = 0; t < 2; t++) {
		enum rb_judgement j = summary_target_judgement(sum, (size_t)t);
		y->count[t][j == JUDGE_PASS ? 0 : j == JUDGE_FAIL ? 1 : 2]++;
	}
	summary_free(sum);
}

/* Erlang A's exact sla within 3 rings for scenarios/erlang-a.yaml (checked
 * to be the M/M/20+M it says). */
static double exact_sla3(const struct scenario *scn)
{
	ck_assert_int_eq(scn->center.operators, 20);
	ck_assert_uint_eq(scn->n_phases, 1);
	ck_assert(fabs(scn->phases[0].rate_per_s - 9.0 / 60) < 1e-12);
	struct erlang_params ep = {
		.lambda = 9.0 / 60,
		.mu = 1.0 / 120,
		.theta = 1.0 / 60,
		.n = 20,
		.ring_period = 3.0,
		.max_rings = 3,
	};
	struct erlang_result ex;
	ck_assert_int_eq(erlang_solve(&ep, &ex), 0);
	return ex.sla[3];
}

START_TEST(test_model_seq_error_rates_erlang_a)
{
	struct scenario *scn = NULL;
	char err[512] = "";
	int rc = scn_load(RB_SOURCE_DIR "/scenarios/erlang-a.yaml", &scn, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	double exact = exact_sla3(scn);
	struct scn_target tg[2] = {
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 3, .min = exact - DELTA},
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 3, .min = exact + DELTA},
	};
	int seeds = n_seeds();
	struct tally y = {.ns = calloc((size_t)seeds, sizeof(int))};
	ck_assert_ptr_nonnull(y.ns);
	double tol = tolerance();
	for (int i = 1; i <= seeds; i++)
		one_seed(scn, tg, exact, tol, i, &y);
	scn_free(scn);
	int allowed = (int)floor(MAX_RATE * seeds + 1e-9);
	int *ns = y.ns;
	qsort(ns, (size_t)seeds, sizeof(int), cmp_int);
	printf("model_seq: erlang-a, exact sla[3] %.6f, targets exact -/+ %.3g, tolerance %.3g, "
	       "n0 %d, %d seeds: replications mean %.1f (min %d, p10 %d, median %d, p90 %d, max "
	       "%d), precision not reached %d; final intervals covering the exact value %d "
	       "(%.1f %%)\n",
	       exact, DELTA, tol, first_look(), seeds, (double)y.reps_total / seeds, ns[0],
	       ns[seeds / 10], ns[seeds / 2], ns[seeds * 9 / 10], ns[seeds - 1], y.not_reached,
	       y.covered, 100.0 * y.covered / seeds);
	free(ns);
	printf("  target >= exact - delta (true):  pass %d, fail %d (false fails), inconclusive %d\n",
	       y.count[0][0], y.count[0][1], y.count[0][2]);
	printf("  target >= exact + delta (false): pass %d (false passes), fail %d, inconclusive %d\n",
	       y.count[1][0], y.count[1][1], y.count[1][2]);
	printf("  allowed: at most %d of %d each\n", allowed, seeds);
	fflush(stdout);
	ck_assert_msg(y.count[0][1] <= allowed, "false fails %d of %d (at most %d)", y.count[0][1],
		      seeds, allowed);
	ck_assert_msg(y.count[1][0] <= allowed, "false passes %d of %d (at most %d)", y.count[1][0],
		      seeds, allowed);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("model_seq");
	TCase *tc = tcase_create("statistical");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_model_seq_error_rates_erlang_a);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
