/*
 * fit_scan: bursts by the Poisson scan statistic (Naus 1965; in the form of
 * Kulldorff's temporal scan with a Monte Carlo threshold).
 *
 * A window of S seconds starts at each call of a day (dial times). Under
 * the null, the day's arrivals are Poisson with the fitted rate of each
 * interval, so the other calls in the window are Poisson with mean mu, the
 * integral of that rate over the window; the window's p is P(N >= c - 1)
 * for its c calls (gsl_cdf_poisson_Q). The day's statistic is its least p.
 * Its distribution under the null has no closed form for rates that change
 * by interval, so it is simulated: null_days days drawn from the fitted
 * rates (seeded), and the threshold p* is their floor(alpha (M + 1))-th
 * least p, which makes the chance that a Poisson day shows any burst alpha
 * (the stated false-alarm rate per day). A day's windows with p <= p* are
 * bursts, the most significant first, each excluding the windows that
 * overlap it (Kulldorff's secondary clusters). A burst's calls are its
 * excess over the null, c - mu.
 *
 * With several days, a burst found within S seconds of the same time of day
 * on at least half of the days is part of the day's load and is written to
 * the scenario (its calls averaged over all days); the others are listed in
 * fit.json only.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fit_int.h"

struct nullrate {
	const struct fit_arrivals *a;
	double *lam; /* per second, per interval (seen, bursts in) */
};

/* The null's integral of the rate over [t, t + s). */
static double mass(const struct nullrate *n, double t, double s)
{
	const struct fit_arrivals *a = n->a;
	double I = a->interval_s, base = (double)a->first * I, m = 0, e = t + s;

	while (t < e) {
		long j = (long)floor((t - base) / I);
		double end = base + (double)(j + 1) * I, to = e < end ? e : end;
		if (j >= 0 && j < (long)a->n_int)
			m += n->lam[j] * (to - t);
		t = to;
	}
	return m;
}

/* The windows of sorted x[0..k) with p <= pmax (pmax < 0: just the least p). */
static double scan(const struct nullrate *nr, const double *x, size_t k, double S, double pmax,
		   struct fit_burst **out, size_t *nout, int day)
{
	double best = 1;
	size_t j = 0;

	for (size_t i = 0; i < k; i++) {
		if (j < i + 1)
			j = i + 1;
		while (j < k && x[j] < x[i] + S)
			j++;
		double c = (double)(j - i), mu = mass(nr, x[i], S);
		if (c - 1 < mu + 2 * sqrt(mu) + 2) /* p is far above any threshold here */
			continue;
		double p = gsl_cdf_poisson_Q((unsigned)(c - 2), mu);
		best = fmin(best, p);
		if (pmax < 0 || p > pmax)
			continue;
		struct fit_burst *nb = realloc(*out, (*nout + 1) * sizeof *nb);
		if (!nb)
			return NAN;
		*out = nb;
		nb[*nout] = (struct fit_burst){.day = day, .at_tod = x[i], .within_s = x[j - 1] - x[i],
					       .count = (int)c, .expected = mu, .p = p,
					       .excess = c - mu, .days_found = 1};
		(*nout)++;
	}
	return best;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The threshold p*: simulated Poisson days' least p. */
static int threshold(const struct nullrate *nr, const struct fit_opts *o, double *p_star)
{
	const struct fit_arrivals *a = nr->a;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double *mins = malloc(sizeof(double) * (size_t)o->null_days), *x = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!r || !mins) {
		rc = ENOMEM;
		goto out;
	}
	gsl_rng_set(r, (unsigned long)o->seed);
	for (int d = 0; d < o->null_days && !rc; d++) {
		size_t k = 0;
		for (size_t j = 0; j < a->n_int; j++) {
			unsigned n = gsl_ran_poisson(r, nr->lam[j] * a->interval_s);
			double t0 = (double)(a->first + j) * a->interval_s;
			if (k + n > cap) {
				cap = (k + n) * 2;
				double *nx = realloc(x, cap * sizeof *nx);
				if (!nx) {
					rc = ENOMEM;
					break;
				}
				x = nx;
			}
			for (unsigned i = 0; i < n; i++)
				x[k + i] = t0 + a->interval_s * gsl_rng_uniform(r);
			qsort(x + k, n, sizeof *x, cmp_d);
			k += n;
		}
		mins[d] = scan(nr, x, k, o->burst_window_s, -1, NULL, NULL, d);
	}
	qsort(mins, (size_t)o->null_days, sizeof *mins, cmp_d);
	long idx = (long)floor(o->burst_alpha * (o->null_days + 1)) - 1;
	*p_star = idx >= 0 ? mins[idx] : 0;
out:
	gsl_rng_free(r);
	free(mins);
	free(x);
	return rc;
}

static int cmp_p(const void *a, const void *b)
{
	const struct fit_burst *x = a, *y = b;
	if (x->day != y->day)
		return x->day - y->day;
	return (x->p > y->p) - (x->p < y->p);
}

static int cmp_at(const void *a, const void *b)
{
	const struct fit_burst *x = a, *y = b;
	return (x->at_tod > y->at_tod) - (x->at_tod < y->at_tod);
}

/* Per day, the most significant windows that do not overlap a better one. */
static size_t secondary(struct fit_burst *b, size_t n, double S)
{
	size_t w = 0;
	if (n == 0)
		return 0; /* b may be NULL: qsort's pointer must be valid even for 0 */
	qsort(b, n, sizeof *b, cmp_p);
	for (size_t i = 0; i < n; i++) {
		bool clash = false;
		for (size_t k = 0; k < w && !clash; k++)
			clash = b[k].day == b[i].day && fabs(b[k].at_tod - b[i].at_tod) < S;
		if (!clash)
			b[w++] = b[i];
	}
	qsort(b, w, sizeof *b, cmp_at);
	return w;
}

static int cmp_dbl(const void *a, const void *b)
{
	return cmp_d(a, b);
}

/* A recurring burst's calls a day: the calls of all days in its window
 * [at, at + within], less the null's, over the days (the days it was not
 * found on count too). */
static double pooled_excess(const struct fit_hist *h, const struct nullrate *nr, double at,
			    double within)
{
	double n = 0;
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		double t = c->tod - (isfinite(c->delay) ? c->delay : 0);
		n += t >= at && t <= at + within;
	}
	return n / (double)nr->a->days - mass(nr, at, within);
}

/* Recurring bursts (on at least half of the days) become written ones, at
 * the median of their instants, as wide as the widest. */
static int recurring(const struct fit_hist *h, const struct nullrate *nr, struct fit_arrivals *a,
		     double S)
{
	size_t n = a->n_bursts, D = a->days;
	double *ats = malloc(sizeof(double) * (n ? n : 1));
	if (!ats)
		return ENOMEM;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, days = 1;
		double within = a->bursts[i].within_s;
		ats[0] = a->bursts[i].at_tod;
		for (; j < n && a->bursts[j].at_tod - a->bursts[j - 1].at_tod < S; j++) {
			within = fmax(within, a->bursts[j].within_s);
			ats[j - i] = a->bursts[j].at_tod;
		}
		for (size_t k = i + 1; k < j; k++) { /* distinct days among the cluster's */
			bool seen = false;
			for (size_t m = i; m < k && !seen; m++)
				seen = a->bursts[m].day == a->bursts[k].day;
			days += !seen;
		}
		if (D == 1) {
			a->bursts[i].written = true;
		} else if (2 * days >= D) {
			qsort(ats, j - i, sizeof *ats, cmp_dbl);
			double at = ats[(j - i) / 2];
			struct fit_burst *nb = realloc(a->bursts, (a->n_bursts + 1) * sizeof *nb);
			if (!nb) {
				free(ats);
				return ENOMEM;
			}
			a->bursts = nb;
			nb[a->n_bursts++] = (struct fit_burst){.day = -1, .at_tod = at, .within_s = within,
				.excess = pooled_excess(h, nr, at, within), .days_found = (int)days,
				.written = true, .p = NAN, .expected = mass(nr, at, within)};
		}
		i = j;
	}
	free(ats);
	return 0;
}

int fit_bursts(const struct fit_hist *h, const struct fit_opts *o, struct fit_arrivals *a)
{
	struct nullrate nr = {a, calloc(a->n_int ? a->n_int : 1, sizeof(double))};
	double *x = malloc(sizeof(double) * (h->n ? h->n : 1));
	int rc = 0;

	a->window_s = o->burst_window_s;
	a->alpha = o->burst_alpha;
	a->null_days = o->null_days;
	if (!nr.lam || !x) {
		rc = ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < a->n_int; j++)
		nr.lam[j] = (double)a->iv[j].seen / ((double)a->days * a->interval_s);
	if ((rc = threshold(&nr, o, &a->p_star)))
		goto out;
	for (size_t i = 0, d0 = 0; i <= h->n; i++) {
		if (i < h->n && h->calls[i].day == h->calls[d0].day)
			continue;
		size_t k = 0;
		for (size_t m = d0; m < i; m++)
			x[k++] = h->calls[m].tod - (isfinite(h->calls[m].delay) ? h->calls[m].delay : 0);
		qsort(x, k, sizeof *x, cmp_d);
		if (isnan(scan(&nr, x, k, o->burst_window_s, a->p_star, &a->bursts, &a->n_bursts,
			       h->calls[d0].day))) {
			rc = ENOMEM;
			goto out;
		}
		d0 = i;
	}
	a->n_bursts = secondary(a->bursts, a->n_bursts, o->burst_window_s);
	if (!(rc = recurring(h, &nr, a, o->burst_window_s)))
		fit_arrivals_rerate(a);
out:
	free(nr.lam);
	free(x);
	return rc;
}
