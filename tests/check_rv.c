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
 *
 * The ziggurats (the exponential's, core/rv_int.h; the normal's, GSL's):
 * their tables, and their distribution where a ziggurat goes wrong: beyond
 * the last layer (the tail, drawn apart) and at the layers' edges (the
 * wedges). Tolerances: Kolmogorov-Smirnov sqrt(n) D < 1.95 (p about 0.001
 * under the null), chi-square p-value > 1e-4, counts within 4 standard
 * deviations of their binomial mean; fixed seeds.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "rv.h"
#include "rv_int.h"

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


/* ---- the ziggurats ------------------------------------------------------- */

#define ZIG_R   7.69711747013104972 /* the exponential's tail start, rv.c */
#define NZIG_R  3.44428647676       /* GSL's normal ziggurat's (gauss.c) */
#define KS_MAX  1.95                /* sqrt(n) D, p about 0.001 */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* sqrt(n) times the Kolmogorov-Smirnov distance of x[0..n) (sorted here)
 * from the cdf F. */
static double ks_stat(double *x, size_t n, double (*F)(double, const void *), const void *arg)
{
	double d = 0;

	qsort(x, n, sizeof(*x), cmp_double);
	for (size_t i = 0; i < n; i++) {
		double f = F(x[i], arg);
		double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;

		d = fmax(d, fmax(lo, hi));
	}
	return d * sqrt((double)n);
}

static double exp1_cdf(double x, const void *arg)
{
	(void)arg;
	return x <= 0 ? 0 : -expm1(-x);
}

/* Every layer has the same area V, the widths fall to 0, and the recurrence
 * built at run time closes at the top (f reaches 1) without forcing. */
START_TEST(test_exponential_ziggurat_tables)
{
	struct rv_stream s;
	double v = (ZIG_R + 1.0) * exp(-ZIG_R);

	ck_assert_int_eq(rv_stream_init(&s, 1, 0, RVP_TALK), 0); /* builds them */
	ck_assert_double_eq(rv_zig_x[1], ZIG_R);
	ck_assert_double_eq_tol(rv_zig_x[0] * rv_zig_f[1], v, 1e-15);
	ck_assert_double_eq(rv_zig_x[RV_ZIG_LAYERS], 0);
	ck_assert_double_eq(rv_zig_f[RV_ZIG_LAYERS], 1);
	for (int i = 1; i < RV_ZIG_LAYERS; i++) {
		ck_assert_msg(rv_zig_x[i + 1] < rv_zig_x[i], "layer %d not narrower", i);
		ck_assert_double_eq_tol(rv_zig_f[i], exp(-rv_zig_x[i]), 1e-15);
	}
	for (int i = 1; i < RV_ZIG_LAYERS - 1; i++)
		ck_assert_msg(fabs(rv_zig_x[i] * (rv_zig_f[i + 1] - rv_zig_f[i]) / v - 1) < 1e-9,
			      "layer %d's area", i);
	/* the top layer: what it would need to reach f = 1 is its own V */
	double top = rv_zig_f[RV_ZIG_LAYERS - 1] + v / rv_zig_x[RV_ZIG_LAYERS - 1];
	ck_assert_msg(fabs(top - 1) < 1e-9, "the layers close at f = %.12f, not 1", top);
	rv_stream_free(&s);
}
END_TEST

/* The whole distribution: KS on 200,000 draws, and a chi-square over the
 * layers' own edges (256 bins: [x[i+1], x[i]) for i = 1..255, where a
 * layer's inner band meets the wedge of the layer below, and the tail beyond
 * R), 4,000,000 draws. */
START_TEST(test_exponential_ziggurat_ks_and_layers)
{
	struct rv_stream s;
	enum { NK = 200000, NC = 4000000, NB = RV_ZIG_LAYERS };
	double *x = malloc(sizeof(double) * NK);
	static long cnt[NB];

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(rv_stream_init(&s, 7, 0, RVP_PATIENCE), 0);
	for (int i = 0; i < NK; i++)
		x[i] = rv_std_exponential(&s);
	double k = ks_stat(x, NK, exp1_cdf, NULL);
	ck_assert_msg(k < KS_MAX, "KS sqrt(n) D = %.3f", k);
	free(x);

	/* bin b < 255: [x[256 - b], x[255 - b]); bin 255: [R, inf) */
	memset(cnt, 0, sizeof(cnt));
	for (int i = 0; i < NC; i++) {
		double e = rv_std_exponential(&s);
		int lo = 1, hi = RV_ZIG_LAYERS; /* x[lo] > e >= x[hi]: find the layer */
		if (e >= ZIG_R) {
			cnt[NB - 1]++;
			continue;
		}
		while (hi - lo > 1) {
			int mid = (lo + hi) / 2;
			if (e >= rv_zig_x[mid])
				hi = mid;
			else
				lo = mid;
		}
		cnt[RV_ZIG_LAYERS - hi]++;
	}
	double chi = 0;
	for (int b = 0; b < NB; b++) {
		double p = b == NB - 1 ? exp(-ZIG_R)
				       : exp(-rv_zig_x[RV_ZIG_LAYERS - b]) -
						 exp(-rv_zig_x[RV_ZIG_LAYERS - b - 1]);
		double e = p * NC;
		chi += (cnt[b] - e) * (cnt[b] - e) / e;
	}
	double pv = gsl_cdf_chisq_Q(chi, NB - 1);
	ck_assert_msg(pv > 1e-4, "chi-square over the layers %.1f (df %d), p = %g", chi, NB - 1, pv);
	rv_stream_free(&s);
}
END_TEST

/*
 * Beyond the last layer: 20,000,000 draws, about 9,100 beyond R (p =
 * exp(-R) = 4.54e-4): their count within 4 sd of the binomial mean, and
 * what lies beyond R an exponential again (memoryless), by KS.
 */
START_TEST(test_exponential_ziggurat_tail)
{
	struct rv_stream s;
	enum { N_ALL = 20000000, CAP = 20000 };
	double *t = malloc(sizeof(double) * CAP);
	size_t m = 0;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rv_stream_init(&s, 11, 0, RVP_ARRIVALS), 0);
	for (long i = 0; i < N_ALL; i++) {
		double e = rv_std_exponential(&s);
		if (e >= ZIG_R && m < CAP)
			t[m++] = e - ZIG_R;
	}
	double p = exp(-ZIG_R), mean = p * N_ALL, sd = sqrt(N_ALL * p * (1 - p));
	ck_assert_msg(fabs((double)m - mean) < 4 * sd, "%zu beyond R, expected %.0f (sd %.0f)", m,
		      mean, sd);
	double k = ks_stat(t, m, exp1_cdf, NULL);
	ck_assert_msg(k < KS_MAX, "tail KS sqrt(n) D = %.3f over %zu draws", k, m);
	double mx = t[m - 1] + ZIG_R;
	ck_assert_msg(mx > ZIG_R + 5, "the tail reaches only %.2f", mx);
	rv_stream_free(&s);
	free(t);
}
END_TEST

/* The normal's tail beyond GSL's last layer (normal {0, 1} truncated at 0:
 * the half-normal): P(X > t | X > R) = Q(t) / Q(R). 4,000,000 draws, about
 * 2,300 beyond R. */
static double ntail_cdf(double x, const void *arg)
{
	(void)arg;
	return 1 - gsl_cdf_ugaussian_Q(x) / gsl_cdf_ugaussian_Q(NZIG_R);
}

START_TEST(test_normal_ziggurat_tail)
{
	struct rv_stream s;
	struct rv_dist d = {.kind = RV_NORMAL, .a = 0, .b = 1};
	const char *why = NULL;
	enum { N_ALL = 4000000, CAP = 10000 };
	double *t = malloc(sizeof(double) * CAP);
	size_t m = 0;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rv_dist_prepare(&d, &why), 0);
	ck_assert_int_eq(rv_stream_init(&s, 13, 0, RVP_TALK), 0);
	for (long i = 0; i < N_ALL; i++) {
		double x = rv_draw(&d, &s);
		if (x >= NZIG_R && m < CAP)
			t[m++] = x;
	}
	double p = 2 * gsl_cdf_ugaussian_Q(NZIG_R), mean = p * N_ALL;
	double sd = sqrt(N_ALL * p * (1 - p));
	ck_assert_msg(fabs((double)m - mean) < 4 * sd, "%zu beyond R, expected %.0f (sd %.0f)", m,
		      mean, sd);
	double k = ks_stat(t, m, ntail_cdf, NULL);
	ck_assert_msg(k < KS_MAX, "normal tail KS sqrt(n) D = %.3f over %zu draws", k, m);
	rv_stream_free(&s);
	rv_dist_free(&d);
	free(t);
}
END_TEST

/* rv_draw's exponential and the inline one are the same draws. */
START_TEST(test_exponential_draw_is_the_ziggurat)
{
	struct rv_stream a, b;
	struct rv_dist d = {.kind = RV_EXPONENTIAL, .a = 40};
	const char *why = NULL;

	ck_assert_int_eq(rv_dist_prepare(&d, &why), 0);
	ck_assert_int_eq(rv_stream_init(&a, 5, 2, RVP_TALK), 0);
	ck_assert_int_eq(rv_stream_init(&b, 5, 2, RVP_TALK), 0);
	for (int i = 0; i < 100000; i++) {
		double x = rv_draw(&d, &a), y = 40 * rv_exp1(&b);
		ck_assert_msg(x == y, "draw %d: %.17g != %.17g", i, x, y);
	}
	rv_stream_free(&a);
	rv_stream_free(&b);
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
	tcase_add_test(tc, test_exponential_ziggurat_tables);
	tcase_add_test(tc, test_exponential_ziggurat_ks_and_layers);
	tcase_add_test(tc, test_exponential_ziggurat_tail);
	tcase_add_test(tc, test_normal_ziggurat_tail);
	tcase_add_test(tc, test_exponential_draw_is_the_ziggurat);
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
