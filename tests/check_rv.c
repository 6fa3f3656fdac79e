/*
 * rv: each distribution's sample mean and variance against rv_mean() and
 * rv_variance(), streams (same seed same draws; different processes and
 * replications different streams), truncation, rv_pick.
 *
 * Statistical tolerance: n = 200000 draws from a fixed seed (42); the sample
 * mean must be within 4 standard errors of rv_mean() (|z| < 4, about 6e-5
 * two-sided per check under the null), and the sample variance within 4
 * standard errors of rv_variance(), the standard error of the variance being
 * sqrt((m4 - s^4) / n) estimated from the sample's fourth central moment.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "rv.h"

#define N    200000
#define ZMAX 4.0

static void check_moments(struct rv_dist d, const char *what)
{
	struct rv_stream s;
	double *x = malloc(sizeof(double) * N);
	double m = 0, m2 = 0, m4 = 0, mean, var, se_m, se_v, zm, zv;
	const char *why = NULL;

	ck_assert_ptr_nonnull(x);
	ck_assert_msg(rv_dist_prepare(&d, &why) == 0, "%s: %s", what, why ? why : "");
	ck_assert_int_eq(rv_stream_init(&s, 42, 0, RVP_TALK), 0);
	int negative = 0;

	for (int i = 0; i < N; i++) {
		x[i] = rv_draw(&d, &s);
		negative += !(x[i] >= 0);
		m += x[i];
	}
	ck_assert_msg(negative == 0, "%s: %d negative draws", what, negative);
	m /= N;
	for (int i = 0; i < N; i++) {
		double e = x[i] - m;

		m2 += e * e;
		m4 += e * e * e * e;
	}
	m2 /= N;
	m4 /= N;
	mean = rv_mean(&d);
	var = rv_variance(&d);
	se_m = sqrt(var / N);
	se_v = sqrt((m4 - m2 * m2) / N);
	zm = se_m > 0 ? (m - mean) / se_m : (m == mean ? 0 : INFINITY);
	zv = se_v > 0 ? (m2 - var) / se_v : (fabs(m2 - var) < 1e-12 ? 0 : INFINITY);
	ck_assert_msg(fabs(zm) < ZMAX, "%s: sample mean %g vs %g (z = %.2f)", what, m, mean, zm);
	ck_assert_msg(fabs(zv) < ZMAX, "%s: sample variance %g vs %g (z = %.2f)", what, m2, var,
		      zv);
	rv_stream_free(&s);
	free(x);
}

START_TEST(test_fixed_moments)
{
	check_moments((struct rv_dist){.kind = RV_FIXED, .a = 20}, "fixed 20");
}
END_TEST

START_TEST(test_exponential_moments)
{
	check_moments((struct rv_dist){.kind = RV_EXPONENTIAL, .a = 40}, "exponential 40");
}
END_TEST

START_TEST(test_uniform_moments)
{
	check_moments((struct rv_dist){.kind = RV_UNIFORM, .a = 2, .b = 6}, "uniform [2, 6]");
}
END_TEST

START_TEST(test_normal_truncated_moments)
{
	/* Mean 1, sd 2: a third of the untruncated mass is below 0. */
	check_moments((struct rv_dist){.kind = RV_NORMAL, .a = 1, .b = 2}, "normal 1, 2");
	check_moments((struct rv_dist){.kind = RV_NORMAL, .a = 100, .b = 15}, "normal 100, 15");
}
END_TEST

START_TEST(test_normal_truncated_never_negative)
{
	struct rv_dist d = {.kind = RV_NORMAL, .a = 0, .b = 10};
	struct rv_stream s;

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_int_eq(rv_stream_init(&s, 7, 3, RVP_PICKUP), 0);
	int negative = 0;

	for (int i = 0; i < 1000000; i++)
		negative += !(rv_draw(&d, &s) >= 0);
	ck_assert_int_eq(negative, 0);
	/* mean 0 truncated at 0 is the half-normal: mean sd * sqrt(2 / pi) */
	ck_assert_double_eq_tol(rv_mean(&d), 10 * sqrt(2 / M_PI), 1e-9);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_lognormal_moments_of_the_variate)
{
	struct rv_dist d = {.kind = RV_LOGNORMAL, .a = 40, .b = 15};

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	/* mean and sd are of the variate: exp(mu + sigma^2 / 2) == 40 */
	ck_assert_double_eq_tol(exp(d.mu + d.sigma * d.sigma / 2), 40, 1e-9);
	ck_assert_double_eq_tol((exp(d.sigma * d.sigma) - 1) * exp(2 * d.mu + d.sigma * d.sigma),
				225, 1e-7);
	check_moments(d, "lognormal 40, 15");
	check_moments((struct rv_dist){.kind = RV_LOGNORMAL, .a = 90, .b = 40}, "lognormal 90, 40");
}
END_TEST

START_TEST(test_gamma_moments)
{
	check_moments((struct rv_dist){.kind = RV_GAMMA, .a = 60, .b = 30}, "gamma 60, 30");
	check_moments((struct rv_dist){.kind = RV_GAMMA, .a = 10, .b = 20}, "gamma 10, 20");
}
END_TEST

/* Weibull: shape k below, at and above 1 (k = 1 is the exponential). */
START_TEST(test_weibull_moments)
{
	struct rv_dist d = {.kind = RV_WEIBULL, .a = 1, .b = 50};

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_double_eq_tol(rv_mean(&d), 50, 1e-9);
	ck_assert_double_eq_tol(rv_variance(&d), 2500, 1e-6);
	check_moments(d, "weibull 1, 50");
	check_moments((struct rv_dist){.kind = RV_WEIBULL, .a = 2.5, .b = 120}, "weibull 2.5, 120");
	check_moments((struct rv_dist){.kind = RV_WEIBULL, .a = 0.8, .b = 30}, "weibull 0.8, 30");
}
END_TEST

/* The draws' median is scale (ln 2)^(1/k): a check of which GSL argument is
 * the scale and which the shape, that the moments alone could miss at k = 1. */
START_TEST(test_weibull_median)
{
	struct rv_dist d = {.kind = RV_WEIBULL, .a = 3, .b = 100};
	struct rv_stream s;
	int below = 0, n = 40000;
	double med = 100 * cbrt(log(2));

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_int_eq(rv_stream_init(&s, 7, 0, RVP_PATIENCE), 0);
	for (int i = 0; i < n; i++)
		below += rv_draw(&d, &s) < med;
	/* binomial(40000, 0.5): sd 100; 5 sd */
	ck_assert_msg(abs(below - n / 2) < 500, "%d of %d below the median", below, n);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_erlang_moments)
{
	check_moments((struct rv_dist){.kind = RV_ERLANG, .a = 3, .b = 120}, "erlang 3, 120");
}
END_TEST

START_TEST(test_empirical_moments)
{
	double v[] = {1, 2, 2, 10, 30};
	struct rv_dist d = {.kind = RV_EMPIRICAL, .values = v, .n = 5};

	check_moments(d, "empirical");
	ck_assert_double_eq_tol(rv_mean(&d), 9, 1e-12);
}
END_TEST

START_TEST(test_empirical_draws_only_its_values)
{
	double v[] = {3, 5};
	struct rv_dist d = {.kind = RV_EMPIRICAL, .values = v, .n = 2};
	struct rv_stream s;
	int n3 = 0;

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_int_eq(rv_stream_init(&s, 1, 0, RVP_TALK), 0);
	for (int i = 0; i < 10000; i++) {
		double x = rv_draw(&d, &s);

		ck_assert(x == 3 || x == 5);
		n3 += x == 3;
	}
	/* Binomial(10000, 1/2): sd 50; within 4 sd of 5000. */
	ck_assert_int_lt(abs(n3 - 5000), 200);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_never_is_infinite)
{
	struct rv_dist d = {.kind = RV_NEVER};
	struct rv_stream s;

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_int_eq(rv_stream_init(&s, 1, 0, RVP_PATIENCE), 0);
	ck_assert(isinf(rv_draw(&d, &s)));
	ck_assert(rv_draw_us(&d, &s) == INT64_MAX);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_draw_us_rounds_to_microseconds)
{
	struct rv_dist d = {.kind = RV_FIXED, .a = 9.0};
	struct rv_stream s;

	ck_assert_int_eq(rv_dist_prepare(&d, NULL), 0);
	ck_assert_int_eq(rv_stream_init(&s, 1, 0, RVP_TALK), 0);
	ck_assert(rv_draw_us(&d, &s) == 9000000);
	d.a = 0.0000015;
	ck_assert(rv_draw_us(&d, &s) == 2);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_same_seed_same_draws)
{
	struct rv_stream a, b;
	struct rv_dist d = {.kind = RV_EXPONENTIAL, .a = 10};

	ck_assert_int_eq(rv_stream_init(&a, 12345, 2, RVP_ARRIVALS), 0);
	ck_assert_int_eq(rv_stream_init(&b, 12345, 2, RVP_ARRIVALS), 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(rv_draw(&d, &a) == rv_draw(&d, &b));
	rv_stream_free(&a);
	rv_stream_free(&b);
}
END_TEST

/* Two streams are "different" when their first draws differ and their
 * sample correlation over 100000 uniforms is small (|r| < 4 / sqrt(n)). */
static void check_different(uint64_t s1, unsigned r1, enum rv_process p1, uint64_t s2, unsigned r2,
			    enum rv_process p2)
{
	struct rv_stream a, b;
	const int n = 100000;
	double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0, r;
	int same = 0, out = 0;

	ck_assert_int_eq(rv_stream_init(&a, s1, r1, p1), 0);
	ck_assert_int_eq(rv_stream_init(&b, s2, r2, p2), 0);
	for (int i = 0; i < n; i++) {
		double x = rv_uniform01(&a), y = rv_uniform01(&b);

		out += !(x >= 0 && x < 1 && y >= 0 && y < 1);
		same += x == y;
		sa += x, sb += y, sab += x * y, saa += x * x, sbb += y * y;
	}
	r = (sab - sa * sb / n) / sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
	ck_assert_int_eq(out, 0);
	ck_assert_int_lt(same, 3);
	ck_assert_msg(fabs(r) < 4 / sqrt(n), "correlation %g", r);
	rv_stream_free(&a);
	rv_stream_free(&b);
}

START_TEST(test_different_processes_different_streams)
{
	for (int p = 1; p < RVP_COUNT; p++)
		check_different(1, 0, RVP_ARRIVALS, 1, 0, (enum rv_process)p);
}
END_TEST

START_TEST(test_different_replications_and_seeds_different_streams)
{
	check_different(1, 0, RVP_ARRIVALS, 1, 1, RVP_ARRIVALS);
	check_different(1, 0, RVP_ARRIVALS, 2, 0, RVP_ARRIVALS);
	/* seed and replication must not simply add up */
	check_different(1, 2, RVP_TALK, 2, 1, RVP_TALK);
	check_different(0, 1, RVP_TALK, 1, 0, RVP_TALK);
}
END_TEST

START_TEST(test_pick_by_cumulative_shares)
{
	double cum3[] = {0.6, 0.9, 1.0};
	double cum20[20];
	int count[3] = {0}, count20[20] = {0};
	struct rv_stream s;
	const int n = 100000;

	for (int i = 0; i < 20; i++)
		cum20[i] = (i + 1) / 20.0;
	cum20[19] = 1.0;
	ck_assert_int_eq(rv_stream_init(&s, 9, 0, RVP_TENANT), 0);
	for (int i = 0; i < n; i++) {
		size_t k = rv_pick(cum3, 3, &s), j = rv_pick(cum20, 20, &s);

		ck_assert_uint_lt(k, 3);
		ck_assert_uint_lt(j, 20);
		count[k]++;
		count20[j]++;
	}
	/* Binomial counts within 4 sd of n * p. */
	double p3[] = {0.6, 0.3, 0.1};
	for (int k = 0; k < 3; k++)
		ck_assert_msg(fabs(count[k] - n * p3[k]) < 4 * sqrt(n * p3[k] * (1 - p3[k])),
			      "type %d: %d", k, count[k]);
	for (int j = 0; j < 20; j++)
		ck_assert_msg(fabs(count20[j] - n * 0.05) < 4 * sqrt(n * 0.05 * 0.95),
			      "tenant %d: %d", j, count20[j]);
	/* One choice only: always 0. */
	double one[] = {1.0};
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(rv_pick(one, 1, &s), 0);
	rv_stream_free(&s);
}
END_TEST

START_TEST(test_prepare_refuses_bad_parameters)
{
	const char *why = NULL;
	struct rv_dist d;

	d = (struct rv_dist){.kind = RV_EXPONENTIAL, .a = 0};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	ck_assert_str_eq(why, "an exponential mean must be > 0");
	d = (struct rv_dist){.kind = RV_UNIFORM, .a = 6, .b = 2};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	d = (struct rv_dist){.kind = RV_LOGNORMAL, .a = 40, .b = 0};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	ck_assert_str_eq(why, "sd must be > 0");
	d = (struct rv_dist){.kind = RV_ERLANG, .a = 2.5, .b = 10};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	d = (struct rv_dist){.kind = RV_FIXED, .a = -1};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	d = (struct rv_dist){.kind = RV_FIXED, .a = NAN};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	d = (struct rv_dist){.kind = RV_EMPIRICAL};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	d = (struct rv_dist){.kind = RV_WEIBULL, .a = 2, .b = 0};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
	ck_assert_str_eq(why, "a weibull scale must be > 0");
	d = (struct rv_dist){.kind = RV_WEIBULL, .a = 0.01, .b = 5};
	ck_assert_int_eq(rv_dist_prepare(&d, &why), EINVAL);
}
END_TEST

static Suite *rv_suite(void)
{
	Suite *s = suite_create("rv");
	TCase *tc = tcase_create("rv");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fixed_moments);
	tcase_add_test(tc, test_weibull_moments);
	tcase_add_test(tc, test_weibull_median);
	tcase_add_test(tc, test_exponential_moments);
	tcase_add_test(tc, test_uniform_moments);
	tcase_add_test(tc, test_normal_truncated_moments);
	tcase_add_test(tc, test_normal_truncated_never_negative);
	tcase_add_test(tc, test_lognormal_moments_of_the_variate);
	tcase_add_test(tc, test_gamma_moments);
	tcase_add_test(tc, test_erlang_moments);
	tcase_add_test(tc, test_empirical_moments);
	tcase_add_test(tc, test_empirical_draws_only_its_values);
	tcase_add_test(tc, test_never_is_infinite);
	tcase_add_test(tc, test_draw_us_rounds_to_microseconds);
	tcase_add_test(tc, test_same_seed_same_draws);
	tcase_add_test(tc, test_different_processes_different_streams);
	tcase_add_test(tc, test_different_replications_and_seeds_different_streams);
	tcase_add_test(tc, test_pick_by_cumulative_shares);
	tcase_add_test(tc, test_prepare_refuses_bad_parameters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rv_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
