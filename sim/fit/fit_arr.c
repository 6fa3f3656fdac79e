/*
 * fit_arr: arrivals per interval of the day and their dispersion.
 *
 * A call counts in the interval in which it was dialled (its arrival at the
 * center minus its no-answer delay), as the scenario's phases count calls
 * (docs/definitions.md). The seen rate of an interval is its calls over all
 * days divided by days x interval, with the exact Poisson interval of
 * Garwood (1936): [chi2(0.025; 2n) / 2, chi2(0.975; 2n + 2) / 2] for the
 * count n (gsl_cdf_chisq_Pinv). The dialled rate counts each call as
 * 1 / P(patience > its delay) calls (a forwarded tenant's callers who gave
 * up before forwarding were never seen), and its interval is the seen
 * one's scaled by the same factor (the survival taken as known).
 *
 * Dispersion: the index of dispersion test (Fisher's), sum (c - mean)^2 /
 * mean ~ chi2 with k - 1 degrees of freedom under a Poisson process of
 * constant rate, on the six sub-intervals of each interval of each day and,
 * with several days, on each interval's counts across the days; the
 * statistics and degrees of freedom are summed over intervals for one test
 * each.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit_int.h"

#define SUBS 6

static double dial_tod(const struct fit_call *c)
{
	return c->tod - (isfinite(c->delay) ? c->delay : 0);
}

static void garwood(size_t n, double *lo, double *hi)
{
	*lo = n ? gsl_cdf_chisq_Pinv(0.025, 2.0 * (double)n) / 2 : 0;
	*hi = gsl_cdf_chisq_Pinv(0.975, 2.0 * (double)n + 2) / 2;
}

/* Sets the rates of every interval from seen, dialled and burst_excess. */
static void rates(struct fit_arrivals *a)
{
	double expo = (double)a->days * a->interval_s / 3600; /* hours */

	for (size_t j = 0; j < a->n_int; j++) {
		struct fit_interval *v = &a->iv[j];
		double lo, hi, f = v->seen ? v->dialled / (double)v->seen : 1;
		garwood(v->seen, &lo, &hi);
		v->rate_seen = (double)v->seen / expo;
		v->seen_lo = lo / expo;
		v->seen_hi = hi / expo;
		double shift = v->burst_excess * f;
		v->rate = fmax(0, v->dialled - shift) / expo;
		v->rate_lo = fmax(0, lo * f - shift) / expo;
		v->rate_hi = fmax(0, hi * f - shift) / expo;
	}
}

int fit_arrivals(const struct fit_hist *h, const struct fit_opts *o, const double *surv,
		 struct fit_arrivals *a)
{
	double I = o->interval_s, lo = INFINITY, hi = -INFINITY;

	memset(a, 0, sizeof *a);
	a->interval_s = I;
	a->days = h->n_days;
	for (size_t i = 0; i < h->n; i++) {
		lo = fmin(lo, dial_tod(&h->calls[i]));
		hi = fmax(hi, dial_tod(&h->calls[i]));
	}
	if (h->n == 0)
		return EINVAL;
	long first = (long)floor(lo / I), last = (long)floor(hi / I);
	long most = (long)(86400 / I);
	a->first = first > 0 ? (size_t)first : 0;
	a->n_int = (size_t)(last - (long)a->first + 1);
	if (a->n_int > (size_t)most)
		a->n_int = (size_t)most; /* a profile is one day at most */
	if (!(a->iv = calloc(a->n_int, sizeof *a->iv)))
		return ENOMEM;
	for (size_t j = 0; j < a->n_int; j++)
		a->iv[j].start_tod = (double)(a->first + j) * I;
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		long j = (long)floor(dial_tod(c) / I) - (long)a->first;
		if (j < 0 || j >= (long)a->n_int)
			continue;
		a->iv[j].seen++;
		a->iv[j].dialled += 1 / surv[c->tenant];
	}
	rates(a);
	return 0;
}

/* Fisher's index of dispersion of k counts: adds to *x2 and *df. */
static void dispersion(const int *c, size_t k, size_t stride, double *x2, int *df)
{
	double m = 0, s = 0;
	for (size_t i = 0; i < k; i++)
		m += c[i * stride];
	m /= (double)k;
	if (m <= 0)
		return;
	for (size_t i = 0; i < k; i++)
		s += (c[i * stride] - m) * (c[i * stride] - m);
	*x2 += s / m;
	*df += (int)k - 1;
}

void fit_dispersion(const struct fit_hist *h, struct fit_arrivals *a)
{
	size_t D = a->days, K = a->n_int;
	int *sub = calloc(D * K * SUBS, sizeof(int)), *day = calloc(D * K, sizeof(int));

	a->sub_s = a->interval_s / SUBS;
	a->disp_sub_p = a->disp_day_p = NAN;
	if (!sub || !day)
		goto out;
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		double t = dial_tod(c) - (double)a->first * a->interval_s;
		long j = (long)floor(t / a->interval_s), s = (long)floor(t / a->sub_s) % SUBS;
		if (j < 0 || j >= (long)K)
			continue;
		sub[((size_t)c->day * K + (size_t)j) * SUBS + (size_t)s]++;
		day[(size_t)c->day * K + (size_t)j]++;
	}
	for (size_t j = 0; j < K; j++) {
		struct fit_interval *v = &a->iv[j];
		for (size_t d = 0; d < D; d++)
			dispersion(&sub[(d * K + j) * SUBS], SUBS, 1, &v->disp_sub_x2, &v->disp_sub_df);
		if (D > 1)
			dispersion(&day[j], D, K, &v->disp_day_x2, &v->disp_day_df);
		a->disp_sub_x2 += v->disp_sub_x2;
		a->disp_sub_df += v->disp_sub_df;
		a->disp_day_x2 += v->disp_day_x2;
		a->disp_day_df += v->disp_day_df;
	}
	if (a->disp_sub_df > 0)
		a->disp_sub_p = gsl_cdf_chisq_Q(a->disp_sub_x2, a->disp_sub_df);
	if (a->disp_day_df > 0)
		a->disp_day_p = gsl_cdf_chisq_Q(a->disp_day_x2, a->disp_day_df);
out:
	free(sub);
	free(day);
}

/* After the bursts: the written ones' calls out of the profile's rates. */
void fit_arrivals_rerate(struct fit_arrivals *a)
{
	for (size_t j = 0; j < a->n_int; j++)
		a->iv[j].burst_excess = 0;
	for (size_t b = 0; b < a->n_bursts; b++) {
		const struct fit_burst *x = &a->bursts[b];
		long j = (long)floor(x->at_tod / a->interval_s) - (long)a->first;
		if (x->written && j >= 0 && j < (long)a->n_int)
			a->iv[j].burst_excess += x->excess * (double)a->days;
	}
	rates(a);
}

void fit_arrivals_free(struct fit_arrivals *a)
{
	free(a->iv);
	free(a->bursts);
	memset(a, 0, sizeof *a);
}
