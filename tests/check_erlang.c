/*
 * Erlang A / Erlang C measures (core/erlang.h) against independent routes:
 * published Erlang C values, the Erlang C formula from log-gamma sums, the
 * closed forms of Mandelbaum & Zeltyn (incomplete gamma), the special case
 * theta = mu (the number at the center is Poisson), Little's law, and the
 * tagged caller's equations integrated by a Runge-Kutta ODE solver.
 */
#include <check.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"

/* log of sum_{i=0}^{n-1} a^i / i! - log(a^n / n!), by log-sum-exp. */
static double log_idle_over_pn(int n, double a)
{
	double mx = -INFINITY;
	for (int i = 0; i < n; i++) {
		double l = i * log(a) - gsl_sf_lngamma(i + 1.0);
		if (l > mx)
			mx = l;
	}
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += exp(i * log(a) - gsl_sf_lngamma(i + 1.0) - mx);
	return mx + log(s) - (n * log(a) - gsl_sf_lngamma(n + 1.0));
}

/* Erlang C from its textbook formula, in log space. */
static double erlang_c_direct(int n, double a)
{
	double le = log_idle_over_pn(n, a); /* idle mass / pi_n */
	double lq = log((double)n / (n - a)); /* waiting mass / pi_n */
	return 1.0 / (1.0 + exp(le - lq));
}

static struct erlang_params params(double a, double talk, double patience, int n)
{
	struct erlang_params p = {.mu = 1.0 / talk, .n = n, .ring_period = 3.0};
	p.lambda = a * p.mu;
	p.theta = patience > 0 ? 1.0 / patience : 0.0;
	return p;
}

START_TEST(test_erlang_c_published_value)
{
	double c;
	/* 10 agents, 8 Erlangs: C = 0.409 (every Erlang C table). */
	ck_assert_int_eq(erlang_c(10, 8.0, &c), 0);
	ck_assert_double_eq_tol(c, 0.4092, 0.0005);
	/* 1 server: C = rho. */
	ck_assert_int_eq(erlang_c(1, 0.7, &c), 0);
	ck_assert_double_eq_tol(c, 0.7, 1e-15);
	/* Erlang B, 10 servers at 8 Erlangs: 0.1217 (tables). */
	ck_assert_double_eq_tol(erlang_b(10, 8.0), 0.1217, 0.0001);
}
END_TEST

START_TEST(test_erlang_c_matches_log_gamma_formula)
{
	static const struct {
		int n;
		double a;
	} cases[] = {{2, 1.4}, {10, 8}, {20, 18.5}, {100, 90}, {500, 480}, {1000, 990}, {1000, 500}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double c;
		ck_assert_int_eq(erlang_c(cases[i].n, cases[i].a, &c), 0);
		double d = erlang_c_direct(cases[i].n, cases[i].a);
		ck_assert_msg(fabs(c - d) <= 1e-11 * d + 1e-300, "n=%d a=%g: %.15g vs %.15g",
			      cases[i].n, cases[i].a, c, d);
	}
}
END_TEST

START_TEST(test_erlang_c_refused_at_full_load)
{
	struct erlang_result r;
	struct erlang_params p = params(10.0, 120, 0, 10);
	ck_assert_int_eq(erlang_solve(&p, &r), EDOM);
	p = params(12.0, 120, 0, 10);
	ck_assert_int_eq(erlang_solve(&p, &r), EDOM);
	double c;
	ck_assert_int_eq(erlang_c(10, 10.0, &c), EDOM);
	/* Erlang A has a steady state at any load. */
	p = params(12.0, 120, 60, 10);
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
}
END_TEST

START_TEST(test_erlang_bad_params_refused)
{
	struct erlang_result r;
	struct erlang_params p = params(8, 120, 60, 10);
	struct erlang_params q = p;
	q.lambda = 0;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.mu = NAN;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.theta = -1;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.n = 0;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.ring_period = 0;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.max_rings = ERLANG_MAX_RINGS + 1;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
	q = p;
	q.lambda = INFINITY;
	ck_assert_int_eq(erlang_solve(&q, &r), EINVAL);
}
END_TEST

/* The closed-form Erlang C service level for t = k P. */
static double erlang_c_within(const struct erlang_params *p, double c, int k)
{
	return 1.0 - c * exp(-(p->n * p->mu - p->lambda) * k * p->ring_period);
}

START_TEST(test_erlang_a_tends_to_erlang_c_as_patience_grows)
{
	static const struct {
		int n;
		double a;
	} cases[] = {{10, 8}, {100, 90}, {3, 2.1}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Mean patience 1e7 s against waits of minutes. */
		struct erlang_params p = params(cases[i].a, 120, 1e7, cases[i].n);
		struct erlang_result r;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		ck_assert(!r.erlang_c);
		double c = erlang_c_direct(cases[i].n, cases[i].a);
		double gap = p.n * p.mu - p.lambda;
		ck_assert_double_eq_tol(r.p_wait, c, 1e-4);
		ck_assert_double_eq_tol(r.p_abandon, 0.0, 1e-4);
		ck_assert_double_eq_tol(r.mean_wait_served_s, c / gap, 1e-3 * c / gap);
		ck_assert_double_eq_tol(r.occupancy, cases[i].a / cases[i].n, 1e-4);
		for (int k = 1; k <= ERLANG_MAX_RINGS; k++) {
			double e = erlang_c_within(&p, c, k);
			ck_assert_msg(fabs(r.answered_within[k] - e) < 1e-4, "n=%d k=%d: %.8f vs %.8f",
				      p.n, k, r.answered_within[k], e);
			ck_assert_double_eq_tol(r.sla[k], e, 1e-4);
		}
		/* And the Erlang C path itself gives the closed form. */
		p.theta = 0;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		ck_assert(r.erlang_c);
		ck_assert_double_eq_tol(r.p_wait, c, 1e-12);
		ck_assert_double_eq_tol(r.answered_within[3], erlang_c_within(&p, c, 3), 1e-12);
		ck_assert_double_eq_tol(r.sl2[5], erlang_c_within(&p, c, 5), 1e-12);
	}
}
END_TEST

/*
 * Mandelbaum & Zeltyn (2009), M/M/n+M: with x = n mu / theta, y = lambda /
 * theta, A(x, y) = x e^y y^-x gamma(x, y) (lower incomplete gamma) and
 * E = sum_{i<n} a^i/i! / (a^n/n!):
 *   P(W > 0) = A / (E + A),  P(Ab | W > 0) = 1/(rho A) + 1 - 1/rho.
 */
static void mz_erlang_a(const struct erlang_params *p, double *p_wait, double *p_ab)
{
	double x = p->n * p->mu / p->theta, y = p->lambda / p->theta, a = p->lambda / p->mu;
	double rho = a / p->n;
	double la = y - x * log(y) + gsl_sf_lngamma(x + 1.0) + log(gsl_sf_gamma_inc_P(x, y));
	double le = log_idle_over_pn(p->n, a);
	*p_wait = 1.0 / (1.0 + exp(le - la));
	*p_ab = *p_wait * (1.0 / (rho * exp(la)) + 1.0 - 1.0 / rho);
}

START_TEST(test_erlang_a_matches_incomplete_gamma_forms)
{
	static const struct {
		int n;
		double a, talk, patience;
	} cases[] = {
		{2, 1.4, 120, 60},  {20, 18, 120, 60},   {20, 24, 120, 60},  {100, 95, 180, 30},
		{250, 240, 120, 60}, {500, 600, 120, 60}, {1000, 1000, 120, 600}, {5, 2, 60, 300},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct erlang_params p = params(cases[i].a, cases[i].talk, cases[i].patience, cases[i].n);
		struct erlang_result r;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		double pw, pab;
		mz_erlang_a(&p, &pw, &pab);
		ck_assert_msg(fabs(r.p_wait - pw) < 1e-9, "case %zu p_wait %.12f vs %.12f", i,
			      r.p_wait, pw);
		ck_assert_msg(fabs(r.p_abandon - pab) < 1e-9, "case %zu p_abandon %.12f vs %.12f", i,
			      r.p_abandon, pab);
	}
}
END_TEST

START_TEST(test_erlang_a_patience_equal_to_talk_is_poisson)
{
	/* theta = mu: every caller leaves at rate mu, waiting or talking, so
	 * the number at the center is Poisson(a), as in M/M/infinity. */
	int n = 12;
	double a = 13.5;
	struct erlang_params p = params(a, 100, 100, n);
	struct erlang_result r;
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
	double p_wait = 0.0, queue = 0.0;
	for (int i = n; i < 400; i++) {
		double pi = exp(i * log(a) - a - gsl_sf_lngamma(i + 1.0));
		p_wait += pi;
		queue += (i - n) * pi;
	}
	ck_assert_double_eq_tol(r.p_wait, p_wait, 1e-12);
	ck_assert_double_eq_tol(r.mean_queue, queue, 1e-10);
	ck_assert_double_eq_tol(r.p_abandon, queue / a, 1e-12); /* theta E[Q] / lambda */
}
END_TEST

START_TEST(test_erlang_a_little_and_balance_laws)
{
	static const struct {
		int n;
		double a, patience;
	} cases[] = {{2, 1.4, 60}, {20, 24, 60}, {300, 290, 45}, {1000, 1200, 120}, {1, 1200, 60}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct erlang_params p = params(cases[i].a, 120, cases[i].patience, cases[i].n);
		struct erlang_result r;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		/* Abandonment rate = theta * mean queue (per-phase formula vs queue sum). */
		ck_assert_double_eq_tol(r.p_abandon * p.lambda, p.theta * r.mean_queue,
					1e-10 * p.lambda);
		/* Little: mean queue = lambda * mean wait of all calls. */
		ck_assert_double_eq_tol(r.mean_queue, p.lambda * r.mean_wait_s, 1e-9 * r.mean_queue + 1e-15);
		/* Waits of the answered and the abandoned add up to the whole. */
		ck_assert(r.mean_wait_served_s * (1 - r.p_abandon) <= r.mean_wait_s + 1e-12);
		ck_assert(r.occupancy > 0 && r.occupancy <= 1.0 + 1e-12);
		for (int k = 1; k <= ERLANG_MAX_RINGS; k++)
			ck_assert(r.sl[k] > 0 && r.sl[k] <= 1);
	}
	/* One operator, 1200 Erlangs offered: always busy, nearly all hang up,
	 * and the few answered are still answered now and then within 10 rings. */
	struct erlang_params p = params(1200, 120, 60, 1);
	struct erlang_result r;
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
	ck_assert_double_eq_tol(r.occupancy, 1.0, 1e-9);
	ck_assert_double_eq_tol(r.p_abandon, 1.0 - 1.0 / 1200, 1e-9);
	ck_assert(r.answered_within[10] > 0 && r.sl[10] > 0);
}
END_TEST

/* The tagged caller's phase equations for the ODE solver. */
struct ode_ctx {
	double nmu, th;
	size_t m;
};

static int ode_f(double t, const double y[], double f[], void *arg)
{
	const struct ode_ctx *c = arg;
	double mass = 0.0;
	for (size_t k = 0; k < c->m; k++) {
		double out = c->nmu + (k + 1) * c->th;
		double in = k + 1 < c->m ? (c->nmu + (k + 1) * c->th) * y[k + 1] : 0.0;
		f[k] = -out * y[k] + in;
		mass += y[k];
	}
	f[c->m] = c->nmu * y[0];   /* answered */
	f[c->m + 1] = c->th * mass; /* abandoned */
	(void)t;
	return GSL_SUCCESS;
}

START_TEST(test_erlang_a_within_matches_ode)
{
	static const struct {
		int n;
		double a, talk, patience;
	} cases[] = {{5, 6, 100, 50}, {2, 1.4, 120, 60}, {20, 18, 120, 60}, {10, 12, 60, 200}};
	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
		struct erlang_params p = params(cases[ci].a, cases[ci].talk, cases[ci].patience,
						cases[ci].n);
		struct erlang_result r;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		/* Stationary distribution, plainly: pi_i proportional to prod lambda / d. */
		size_t m = 600;
		double *y = calloc(m + 2, sizeof(double));
		ck_assert_ptr_nonnull(y);
		double pi = 1.0, z = 0.0;
		for (int i = 0; i < p.n; i++) {
			z += pi;
			pi *= p.lambda / ((i + 1 < p.n ? i + 1 : p.n) * p.mu);
		}
		for (size_t j = 0; j < m; j++) {
			y[j] = pi;
			z += pi;
			pi *= p.lambda / (p.n * p.mu + (j + 1) * p.theta);
		}
		double p_wait = 0.0;
		for (size_t j = 0; j < m; j++) {
			y[j] /= z;
			p_wait += y[j];
		}
		ck_assert_double_eq_tol(r.p_wait, p_wait, 1e-10);
		struct ode_ctx ctx = {p.n * p.mu, p.theta, m};
		gsl_odeiv2_system sys = {ode_f, NULL, m + 2, &ctx};
		gsl_odeiv2_driver *d =
			gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rkf45, 1e-3, 1e-13, 1e-13);
		double t = 0.0;
		for (int k = 1; k <= ERLANG_MAX_RINGS; k++) {
			ck_assert_int_eq(gsl_odeiv2_driver_apply(d, &t, k * p.ring_period, y), GSL_SUCCESS);
			double aw = 1.0 - p_wait + y[m], ab = y[m + 1];
			ck_assert_msg(fabs(r.answered_within[k] - aw) < 1e-8,
				      "case %zu k=%d answered_within %.12f vs ode %.12f", ci, k,
				      r.answered_within[k], aw);
			ck_assert_msg(fabs(r.abandoned_within[k] - ab) < 1e-8,
				      "case %zu k=%d abandoned_within %.12f vs ode %.12f", ci, k,
				      r.abandoned_within[k], ab);
			ck_assert_double_eq_tol(r.sla[k], aw / (1 - ab), 1e-8);
			ck_assert_double_eq_tol(r.sl[k], aw / (1 - r.p_abandon), 1e-8);
			ck_assert_double_eq_tol(r.sl2[k], aw + ab, 1e-8);
		}
		gsl_odeiv2_driver_free(d);
		free(y);
	}
}
END_TEST

START_TEST(test_erlang_rings_count_whole_periods)
{
	/* Within k rings of period P is wait < k P: the same as 2k rings of P/2. */
	struct erlang_params p = params(19, 120, 60, 20), q = p;
	q.ring_period = p.ring_period / 2;
	struct erlang_result r, s;
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
	ck_assert_int_eq(erlang_solve(&q, &s), 0);
	for (int k = 1; k <= ERLANG_MAX_RINGS / 2; k++) {
		ck_assert_double_eq_tol(r.answered_within[k], s.answered_within[2 * k], 1e-12);
		ck_assert_double_eq_tol(r.sla[k], s.sla[2 * k], 1e-12);
	}
	/* Measures grow with k and stay below their limits. */
	for (int k = 2; k <= ERLANG_MAX_RINGS; k++) {
		ck_assert(r.answered_within[k] > r.answered_within[k - 1]);
		ck_assert(r.abandoned_within[k] > r.abandoned_within[k - 1]);
		ck_assert(r.answered_within[k] < 1 - r.p_abandon);
		ck_assert(r.abandoned_within[k] < r.p_abandon);
	}
	/* Only the rings asked for are computed. */
	p.max_rings = 3;
	ck_assert_int_eq(erlang_solve(&p, &s), 0);
	ck_assert_double_eq_tol(s.sla[3], r.sla[3], 1e-14);
	ck_assert(s.sla[4] == 0.0);
}
END_TEST

START_TEST(test_erlang_thousand_operators_finite)
{
	static const double loads[] = {700, 990, 1000, 1200};
	for (size_t i = 0; i < 4; i++) {
		struct erlang_params p = params(loads[i], 120, 60, 1000);
		struct erlang_result r;
		ck_assert_int_eq(erlang_solve(&p, &r), 0);
		ck_assert(isfinite(r.p_wait) && r.p_wait >= 0 && r.p_wait <= 1);
		ck_assert(isfinite(r.p_abandon) && r.p_abandon >= 0 && r.p_abandon < 1);
		ck_assert(isfinite(r.mean_wait_served_s) && r.mean_wait_served_s >= 0);
		for (int k = 1; k <= ERLANG_MAX_RINGS; k++)
			ck_assert_msg(isfinite(r.sla[k]) && r.sla[k] >= 0 && r.sla[k] <= 1,
				      "load %g k=%d sla %.17g", loads[i], k, r.sla[k]);
	}
	/* Overload: a fraction about 1 - 1/1.2 must abandon. */
	struct erlang_params p = params(1200, 120, 60, 1000);
	struct erlang_result r;
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
	ck_assert_double_eq_tol(r.p_abandon, 1 - 1 / 1.2, 0.01);
	/* Erlang C at 1000 operators and 99 % load. */
	p.theta = 0;
	p.lambda = 990 * p.mu;
	ck_assert_int_eq(erlang_solve(&p, &r), 0);
	ck_assert(isfinite(r.p_wait) && r.p_wait > 0 && r.p_wait < 1);
	ck_assert_double_eq_tol(r.p_wait, erlang_c_direct(1000, 990), 1e-10);
}
END_TEST

START_TEST(test_erlang_staff_least_operators)
{
	/* Erlang C, 8 Erlangs, 80 % within 3 rings (9 s) at talk 180 s. */
	struct erlang_params p = params(8, 180, 0, 1);
	struct erlang_result r, below;
	int n = 0;
	ck_assert_int_eq(erlang_staff(&p, ERLANG_SLA, 3, 0.8, 1000, &n, &r), 0);
	ck_assert(r.sla[3] >= 0.8);
	p.n = n - 1;
	if (p.n > 8) {
		ck_assert_int_eq(erlang_solve(&p, &below), 0);
		ck_assert(below.sla[3] < 0.8);
	}
	/* Erlang A, 95 % sla within 3 rings, for each measure. */
	static const enum erlang_measure ms[] = {ERLANG_SLA, ERLANG_ANSWERED_WITHIN, ERLANG_SL,
						 ERLANG_SL2};
	for (size_t i = 0; i < 4; i++) {
		p = params(18, 120, 60, 1);
		ck_assert_int_eq(erlang_staff(&p, ms[i], 3, 0.95, 1000, &n, &r), 0);
		ck_assert(erlang_measure_value(&r, ms[i], 3) >= 0.95);
		for (p.n = 1; p.n < n; p.n++) {
			ck_assert_int_eq(erlang_solve(&p, &below), 0);
			ck_assert(erlang_measure_value(&below, ms[i], 3) < 0.95);
		}
	}
	/* Unreachable within the bound. */
	p = params(50, 120, 60, 1);
	ck_assert_int_eq(erlang_staff(&p, ERLANG_SLA, 3, 0.95, 20, &n, &r), ERANGE);
	ck_assert_int_eq(erlang_staff(&p, ERLANG_SLA, 3, 1.0, 100, &n, &r), EINVAL);
	ck_assert_int_eq(erlang_staff(&p, ERLANG_SLA, 0, 0.9, 100, &n, &r), EINVAL);
}
END_TEST

START_TEST(test_erlang_measure_names)
{
	enum erlang_measure m;
	ck_assert_int_eq(erlang_measure_parse("sl2", &m), 0);
	ck_assert_int_eq(m, ERLANG_SL2);
	ck_assert_int_eq(erlang_measure_parse("answered_within", &m), 0);
	ck_assert_str_eq(erlang_measure_name(m), "answered_within");
	ck_assert_int_eq(erlang_measure_parse("SLA", &m), EINVAL);
	ck_assert_int_eq(erlang_measure_parse(NULL, &m), EINVAL);
}
END_TEST

static Suite *erlang_suite(void)
{
	Suite *s = suite_create("erlang");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_erlang_c_published_value);
	tcase_add_test(tc, test_erlang_c_matches_log_gamma_formula);
	tcase_add_test(tc, test_erlang_c_refused_at_full_load);
	tcase_add_test(tc, test_erlang_bad_params_refused);
	tcase_add_test(tc, test_erlang_a_tends_to_erlang_c_as_patience_grows);
	tcase_add_test(tc, test_erlang_a_matches_incomplete_gamma_forms);
	tcase_add_test(tc, test_erlang_a_patience_equal_to_talk_is_poisson);
	tcase_add_test(tc, test_erlang_a_little_and_balance_laws);
	tcase_add_test(tc, test_erlang_a_within_matches_ode);
	tcase_add_test(tc, test_erlang_rings_count_whole_periods);
	tcase_add_test(tc, test_erlang_thousand_operators_finite);
	tcase_add_test(tc, test_erlang_staff_least_operators);
	tcase_add_test(tc, test_erlang_measure_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(erlang_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
