/*
 * ringbench plan (sim/plan/plan.h):
 *  - --method erlang on a day of stationary Poisson intervals (no bursts,
 *    pick-up or wrap-up, forwarding unconditional) gives, interval by
 *    interval, the least staffing of an Erlang A written here, independently
 *    of core/erlang.c: the birth-death chain's stationary law summed
 *    numerically over a truncated state space, and the wait of a caller who
 *    finds q waiting ahead by integrating the tagged caller's pure-death
 *    chain (RK4), not by core's incomplete beta functions;
 *  - carry-over: a brief overload at the end of one interval raises the next
 *    interval's model requirement above the same interval started empty;
 *  - the roster covers the requirement after shrinkage in every interval, and
 *    planned.yaml runs with what the roster puts at the desks;
 *  - on scenarios/day.yaml the roster's cost is within 1 % of GLPK's LP bound.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "scn.h"

/* ---- an independent Erlang A ------------------------------------------------ */

struct indep {
	double p_abandon;
	double sla[6]; /* k = 1..5 rings */
};

/* M/M/n+M with arrival rate lam, service rate mu, abandonment rate th. */
static void indep_erlang_a(double lam, double mu, double th, int n, double period, struct indep *out)
{
	int J = n + 800; /* the chain beyond is below 1e-30 at these loads */
	double *lp = malloc((size_t)(J + 1) * sizeof *lp), mx = 0;
	lp[0] = 0;
	for (int j = 1; j <= J; j++) {
		double d = (j < n ? j : n) * mu + (j > n ? j - n : 0) * th;
		lp[j] = lp[j - 1] + log(lam / d);
		if (lp[j] > mx)
			mx = lp[j];
	}
	double z = 0;
	for (int j = 0; j <= J; j++)
		z += exp(lp[j] - mx);
	double *pi = malloc((size_t)(J + 1) * sizeof *pi), below = 0, queue = 0;
	for (int j = 0; j <= J; j++) {
		pi[j] = exp(lp[j] - mx) / z;
		if (j < n)
			below += pi[j];
		else
			queue += (j - n) * pi[j];
	}
	out->p_abandon = th * queue / lam; /* abandons a second over arrivals a second */
	/* The tagged caller: v[m] = P(still waiting with m ahead); A answered, B gone. */
	int Q = J - n;
	double *v = malloc((size_t)(Q + 1) * sizeof *v), *k1 = malloc((size_t)(Q + 1) * sizeof *v),
	       *k2 = malloc((size_t)(Q + 1) * sizeof *v), *k3 = malloc((size_t)(Q + 1) * sizeof *v),
	       *k4 = malloc((size_t)(Q + 1) * sizeof *v), *tmp = malloc((size_t)(Q + 1) * sizeof *v);
	for (int m = 0; m <= Q; m++)
		v[m] = pi[n + m];
	double A = 0, B = 0, dt = 0.01;
	int steps_per_ring = (int)lround(period / dt);
#define DERIV(x, k, dA, dB)                                                                        \
	do {                                                                                       \
		dA = n * mu * (x)[0];                                                              \
		dB = 0;                                                                            \
		for (int m = 0; m <= Q; m++) {                                                     \
			(k)[m] = -(n * mu + m * th + th) * (x)[m] + (m < Q ? (n * mu + (m + 1) * th) * (x)[m + 1] : 0); \
			dB += th * (x)[m];                                                         \
		}                                                                                  \
	} while (0)
	for (int ring = 1; ring <= 5; ring++) {
		for (int s = 0; s < steps_per_ring; s++) {
			double a1, b1, a2, b2, a3, b3, a4, b4;
			DERIV(v, k1, a1, b1);
			for (int m = 0; m <= Q; m++)
				tmp[m] = v[m] + dt / 2 * k1[m];
			DERIV(tmp, k2, a2, b2);
			for (int m = 0; m <= Q; m++)
				tmp[m] = v[m] + dt / 2 * k2[m];
			DERIV(tmp, k3, a3, b3);
			for (int m = 0; m <= Q; m++)
				tmp[m] = v[m] + dt * k3[m];
			DERIV(tmp, k4, a4, b4);
			for (int m = 0; m <= Q; m++)
				v[m] += dt / 6 * (k1[m] + 2 * k2[m] + 2 * k3[m] + k4[m]);
			A += dt / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
			B += dt / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
		}
		/* answered within k rings: found an operator free, or taken before k periods */
		out->sla[ring] = (below + A) / (1 - B);
	}
#undef DERIV
	free(lp), free(pi), free(v), free(k1), free(k2), free(k3), free(k4), free(tmp);
}

/* The least n meeting: sla(3) >= 0.8, sla(5) >= five (when > 0), p_abandon <= 0.05. */
static int indep_least(double lam, double mu, double th, double five)
{
	if (!(lam > 0))
		return 0;
	for (int n = 1; n < 1000; n++) {
		struct indep r;
		indep_erlang_a(lam, mu, th, n, 3, &r);
		if (r.sla[3] >= 0.8 && (five <= 0 || r.sla[5] >= five) && r.p_abandon <= 0.05)
			return n;
	}
	return -1;
}

/* ---- helpers ------------------------------------------------------------------- */

static char *write_scn(const char *name, const char *text)
{
	static char path[4][512];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 512, "%s/plan_test_%s.yaml", RB_BINARY_DIR, name);
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

/* ---- (a) Erlang against the independent chain --------------------------------- */

START_TEST(test_erlang_method_matches_independent_chain)
{
	static const double rates_h[] = {30, 150, 300, 420, 240, 90};
	const char *text = "center: {operators: 1}\n"
			   "tenants: [{id: a, number: \"0300000001\", forwarding: unconditional}]\n"
			   "callers: {patience_s: {exponential: 60}, talk_s: {exponential: 150}}\n"
			   "start_time: \"08:00\"\n"
			   "load: {profile: {interval_s: 1800, rates_per_hour: [30, 150, 300, 420, 240, 90]}}\n"
			   "targets:\n"
			   "  - {rings: 3, min: 0.8}\n"
			   "  - {phase: \"09:30\", rings: 5, min: 0.97}\n"
			   "  - {abandon_max: 0.05}\n"
			   "planning: {cost_per_hour: {operators: 1000}, shifts: [{name: d, length_s: 10800}]}\n";
	char *path = write_scn("erlang", text);
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_ERLANG, .replications = 2, .seed = 1,
			      .jobs = 1, .no_roster = true};
	struct plan_result r;
	run(&o, &r);
	ck_assert_int_eq(r.n, 6);
	for (size_t i = 0; i < r.n; i++) {
		int want = indep_least(rates_h[i] / 3600, 1.0 / 150, 1.0 / 60, i == 3 ? 0.97 : 0);
		ck_assert_msg(r.iv[i].erlang == want && r.iv[i].required == want,
			      "interval %s (%.0f calls/h): plan %d (required %d), independent chain %d", r.iv[i].name,
			      rates_h[i], r.iv[i].erlang, r.iv[i].required, want);
		ck_assert_double_eq_tol(r.iv[i].rate_per_s * 3600, rates_h[i], 1e-9);
	}
	/* the 5-ring target makes 09:30 need more than 3 rings alone would */
	ck_assert_int_gt(indep_least(420.0 / 3600, 1.0 / 150, 1.0 / 60, 0.97),
			 indep_least(420.0 / 3600, 1.0 / 150, 1.0 / 60, 0));
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

/* The independent chain agrees with itself where a closed form exists:
 * with patience never, Erlang C's P(wait < t) = 1 - C e^{-(n mu - lam) t}. */
START_TEST(test_independent_chain_against_erlang_c)
{
	double lam = 0.1, mu = 1.0 / 120, th = 1e-9;
	int n = 15;
	struct indep r;
	indep_erlang_a(lam, mu, th, n, 3, &r);
	double a = lam / mu, b = 1, sum = 0, term = 1;
	for (int k = 1; k <= n; k++) { /* Erlang B by recursion, then C */
		b = a * b / (k + a * b);
		(void)term;
	}
	(void)sum;
	double c = n * b / (n - a * (1 - b));
	for (int k = 1; k <= 5; k++)
		ck_assert_double_eq_tol(r.sla[k], 1 - c * exp(-(n * mu - lam) * 3 * k), 1e-5);
}
END_TEST

/* ---- (b) carry-over --------------------------------------------------------------- */

#define CARRY_HEAD                                                                                 \
	"center: {operators: 1, pickup_s: 2}\n"                                                    \
	"tenants: [{id: a, number: \"0300000001\"}]\n"                                             \
	"callers: {patience_s: {exponential: 900}, talk_s: {exponential: 120}}\n"                  \
	"targets: [{phase: \"10:00\", rings: 3, min: 0.8}]\n"                                    \
	"planning: {min_staff: 3, cost_per_hour: {operators: 1000}, shifts: [{name: d, length_s: 1800}]}\n"

START_TEST(test_carry_over_raises_next_interval)
{
	/* 60 calls an hour in each interval, three operators (min_staff) until
	 * 10:00, the only interval with a target; in the last 90 s of 09:30 a
	 * burst of 40 calls, more than three operators take before 10:00: they
	 * are still waiting when 10:00 starts, ahead of its own calls. */
	char *day = write_scn("carry_day", CARRY_HEAD "start_time: \"09:00\"\n"
				  "load: {profile: {interval_s: 1800, rates_per_hour: [60, 60, 60]},\n"
				  "       bursts: [{at_s: 3500, calls: 40, within_s: 90}]}\n");
	char *empty = write_scn("carry_empty", CARRY_HEAD "start_time: \"10:00\"\n"
				    "load: {profile: {interval_s: 1800, rates_per_hour: [60]}}\n"
				    "# the same interval, started empty\n");
	struct scenario *sd = load(day), *se = load(empty);
	struct plan_opts o = {.scn_path = day, .scn = sd, .method = PLAN_MODEL, .replications = 10, .seed = 7,
			      .jobs = 1, .no_roster = true};
	struct plan_result rd, re;
	run(&o, &rd);
	o.scn_path = empty;
	o.scn = se;
	run(&o, &re);
	/* 10:00 after the overload needs more than 10:00 started empty, and the
	 * Erlang requirement (steady state at 60 calls an hour) sees none of it. */
	ck_assert_str_eq(rd.iv[2].name, "10:00");
	ck_assert_msg(rd.iv[2].model > re.iv[0].model, "10:00 after the burst needs %d, started empty %d",
		      rd.iv[2].model, re.iv[0].model);
	ck_assert_int_eq(rd.iv[2].erlang, re.iv[0].erlang);
	ck_assert(rd.converged && re.converged);
	plan_result_free(&rd);
	plan_result_free(&re);
	scn_free(sd);
	scn_free(se);
}
END_TEST

/* ---- (c) the roster covers the requirement after shrinkage -------------------------- */

START_TEST(test_roster_covers_after_shrinkage)
{
	char *path = write_scn("roster",
			       "center: {operators: 1, backup: {staff: 1}}\n"
			       "tenants: [{id: a, number: \"0300000001\", share: 0.6},\n"
			       "          {id: b, number: \"0300000002\", share: 0.4, forwarding: {no_answer_s: 12}}]\n"
			       "callers: {patience_s: {exponential: 90}, talk_s: {exponential: 100}}\n"
			       "start_time: \"08:00\"\n"
			       "load: {profile: {interval_s: 1800, rates_per_hour: [40, 120, 300, 260, 200, 180, 240, 150,"
			       " 90, 60, 40, 20], backup: [1, 1, 2, 2, 2, 1, 2, 2, 1, 1, 1, 1]}}\n"
			       "targets: [{rings: 3, min: 0.8}]\n"
			       "planning:\n"
			       "  interval_s: 3600\n"
			       "  shrinkage: 0.2\n"
			       "  cost_per_hour: {operators: 1500, backup: 2000}\n"
			       "  min_staff: 1\n"
			       "  shifts:\n"
			       "    - {name: long, length_s: 21600, break: {length_s: 3600, earliest_s: 7200, latest_s: 10800}}\n"
			       "    - {name: short, length_s: 10800, cost_per_hour: 1700}\n"
			       "  backup: {shifts: [{name: b, length_s: 14400}]}\n");
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_ERLANG, .replications = 5, .seed = 3, .jobs = 1};
	struct plan_result r;
	run(&o, &r);
	ck_assert(r.have_roster && r.have_broster);
	ck_assert_int_eq(r.rp.n, 6); /* hours of a 6-hour day; 12 profile intervals */
	for (int t = 0; t < r.rp.n; t++) {
		int most = 0, bmost = 0;
		for (int k = 0; k < 2; k++) {
			most = r.iv[2 * t + k].required > most ? r.iv[2 * t + k].required : most;
			bmost = r.iv[2 * t + k].backup > bmost ? r.iv[2 * t + k].backup : bmost;
		}
		ck_assert_int_eq(r.need[t], (int)ceil(most / 0.8 - 1e-9));
		ck_assert_msg(r.roster.staffed[t] >= r.need[t], "hour %d: %d at work, %d needed", t,
			      r.roster.staffed[t], r.need[t]);
		ck_assert_int_ge(r.broster.staffed[t], (int)ceil(bmost / 0.8 - 1e-9));
		for (int k = 0; k < 2; k++) /* at their desks after absence: still enough */
			ck_assert_int_ge(r.iv[2 * t + k].staffed, r.iv[2 * t + k].required);
	}
	ck_assert(r.roster.lp_bound <= r.roster.cost + 1e-6);
	/* planned.yaml runs with what the roster puts at the desks */
	char dir[512], err[512] = "", yml[600];
	snprintf(dir, sizeof dir, "%s/plan_test_out", RB_BINARY_DIR);
	ck_assert_int_eq(plan_write(&o, &r, dir, err, sizeof err), 0);
	snprintf(yml, sizeof yml, "%s/planned.yaml", dir);
	struct scenario *p = load(yml);
	ck_assert_int_eq(p->n_phases, r.n);
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_int_eq(p->phases[i].operators, r.iv[i].staffed);
		ck_assert_int_eq(p->phases[i].backup, r.iv[i].backup_staffed);
	}
	scn_free(p);
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

START_TEST(test_day_roster_within_one_percent_of_lp_bound)
{
	const char *path = RB_SOURCE_DIR "/scenarios/day.yaml";
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_ERLANG, .replications = 5, .seed = 1,
			      .jobs = 1, .max_check_rounds = -1};
	struct plan_result r;
	run(&o, &r);
	ck_assert(r.roster.status == ROSTER_OPTIMAL);
	ck_assert_msg(r.roster.cost <= 1.01 * r.roster.lp_bound, "cost %.0f, LP bound %.0f", r.roster.cost,
		      r.roster.lp_bound);
	for (int t = 0; t < r.rp.n; t++)
		ck_assert_int_ge(r.roster.staffed[t], r.need[t]);
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

/* ---- the limit no staffing passes -------------------------------------------------- */

START_TEST(test_unreachable_abandon_limit)
{
	/* Everyone forwarded at once and taken at once by unlimited staff, but
	 * pick-up takes 4 s and patience is exponential with mean 40 s from
	 * dialling: 1 - exp(-4/40) = 9.52 % hang up during pick-up, whatever the
	 * staffing. 300 calls an hour for an hour, 10 replications: about 3000
	 * calls, a standard error near 0.55 points; tolerance 2 points. */
	char *path = write_scn("unreach",
			       "center: {operators: 1, pickup_s: 4}\n"
			       "tenants: [{id: a, number: \"0300000001\"}]\n"
			       "callers: {patience_s: {exponential: 40}, talk_s: {exponential: 60}}\n"
			       "start_time: \"09:00\"\n"
			       "load: {profile: {interval_s: 1800, rates_per_hour: [300, 300]}}\n"
			       "targets: [{rings: 3, min: 0.8}, {abandon_max: 0.05}]\n"
			       "planning: {cost_per_hour: {operators: 1000}, shifts: [{name: d, length_s: 1800}]}\n");
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_MODEL, .replications = 10, .seed = 11,
			      .jobs = 1};
	struct plan_result r;
	run(&o, &r);
	const char *m = strstr(r.unreachable, "unreachable by staffing: abandon<=0.05 in 2 intervals");
	ck_assert_msg(m, "got '%s'", r.unreachable);
	const char *p = strstr(m, "the whole day: ");
	double x, y, z;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "the whole day: %lf %% abandoned with unlimited staff (before forwarding %lf "
				   "%% of those dialled, during pick-up %lf",
				&x, &y, &z),
			 3);
	ck_assert_double_eq_tol(x, 100 * (1 - exp(-0.1)), 2);
	ck_assert_double_eq_tol(y, 0, 1e-9);
	ck_assert(r.iv[0].unreachable && r.iv[1].unreachable && !r.check_passed);
	/* the 3-ring target still staffs the intervals */
	ck_assert_int_gt(r.iv[0].model, 0);
	plan_result_free(&r);
	scn_free(s);
}
END_TEST

/* ---- what-if: --rate-scale and --burst-scale --------------------------------------- */

static const char burst_day[] =
	"center: {operators: 1, pickup_s: 0}\n"
	"tenants: [{id: a, number: \"0300000001\"}]\n"
	"callers: {patience_s: {exponential: 60}, talk_s: {exponential: 60}}\n"
	"start_time: \"09:00\"\n"
	"load: {profile: {interval_s: 1800, rates_per_hour: [60, 60]},\n"
	"       bursts: [{at: \"09:40\", calls: 9, within_s: 60}]}\n"
	"targets: [{rings: 3, min: 0.8}]\n"
	"planning: {cost_per_hour: {operators: 1000}, shifts: [{name: d, length_s: 1800}]}\n";

/* Plans burst_day by Erlang with the scales given (rs 0: none; bs < 0: no
 * burst scale), planned.yaml into dir; the rates planned for into rate[2]
 * and planned.yaml's burst calls into *calls. */
static void plan_scaled(double rs, double bs, const char *dir, double rate[2], int *calls)
{
	char *path = write_scn("burst_day", burst_day), err[1024] = "", planned[600];
	struct scenario *s = load(path);
	struct plan_opts o = {.scn_path = path, .scn = s, .method = PLAN_ERLANG, .replications = 2, .seed = 1,
			      .jobs = 1, .max_check_rounds = -1, .rate_scale = rs, .burst_set = bs >= 0,
			      .burst_scale = bs};
	struct plan_result r;
	run(&o, &r);
	ck_assert_uint_eq(r.n, 2);
	rate[0] = r.iv[0].plan_rate_per_s;
	rate[1] = r.iv[1].plan_rate_per_s;
	ck_assert_msg(plan_write(&o, &r, dir, err, sizeof err) == 0, "%s", err);
	plan_result_free(&r);
	scn_free(s);
	snprintf(planned, sizeof planned, "%s/planned.yaml", dir);
	struct scenario *p = load(planned);
	ck_assert_uint_eq(p->phases[1].n_bursts, 1);
	*calls = p->phases[1].bursts[0].calls;
	ck_assert_double_eq_tol(p->phases[0].rate_per_s, rate[0], 1e-9);
	scn_free(p);
}

START_TEST(test_burst_scale_scales_the_bursts_alone)
{
	char dir[] = "/tmp/check_plan_burstXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	double base[2], burst[2], rate[2];
	int c0, c2, c3;
	plan_scaled(0, -1, dir, base, &c0);
	ck_assert_int_eq(c0, 9);
	ck_assert_double_eq_tol(base[0], 60.0 / 3600, 1e-12);
	ck_assert_double_eq_tol(base[1], 60.0 / 3600 + 9.0 / 1800, 1e-12);
	/* --rate-scale 1 --burst-scale 2: the burst's 9 calls become 18, the
	 * Poisson rate stays (the interval without a burst is unchanged) */
	plan_scaled(1, 2, dir, burst, &c2);
	ck_assert_int_eq(c2, 18);
	ck_assert_double_eq_tol(burst[0], base[0], 1e-12);
	ck_assert_double_eq_tol(burst[1], 60.0 / 3600 + 18.0 / 1800, 1e-12);
	/* --rate-scale 2 alone scales both */
	plan_scaled(2, -1, dir, rate, &c3);
	ck_assert_int_eq(c3, 18);
	ck_assert_double_eq_tol(rate[0], 2 * base[0], 1e-12);
	ck_assert_double_eq_tol(rate[1], 2 * base[1], 1e-12);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_independent_chain_against_erlang_c);
	tcase_add_test(tc, test_erlang_method_matches_independent_chain);
	tcase_add_test(tc, test_carry_over_raises_next_interval);
	tcase_add_test(tc, test_roster_covers_after_shrinkage);
	tcase_add_test(tc, test_day_roster_within_one_percent_of_lp_bound);
	tcase_add_test(tc, test_unreachable_abandon_limit);
	tcase_add_test(tc, test_burst_scale_scales_the_bursts_alone);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
