/*
 * fit_km: the Kaplan-Meier estimate of a survival curve with delayed entry
 * (left truncation) and right censoring: a subject is at risk at t when it
 * entered before t and had not left before t. For patience, a caller
 * forwarded after a no-answer delay d enters at d (the center could not
 * have seen it earlier), an abandoner's patience ended at d + w (an event),
 * an answered caller's is only known to exceed d + w (censored). Without
 * the delayed entry the forwarded callers would be counted at risk from 0,
 * and the curve would be too high early on.
 *
 * Whole-second events are placed at their interval's middle. Greenwood's
 * variance, and the 95 % interval on the log(-log S) scale (which stays
 * inside [0, 1]).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit_int.h"

/* A time with the weight of the observations at it. */
struct tw {
	double t, w;
};

static int cmp_tw(const void *a, const void *b)
{
	const struct tw *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

/* Sorts v and turns its weights into running sums (v[i].w: the weight up to i). */
static void cumulate(struct tw *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_tw);
	for (size_t i = 1; i < n; i++)
		v[i].w += v[i - 1].w;
}

/* The weight of the sorted, cumulated v[0..n) below x. */
static double below(const struct tw *v, size_t n, double x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].t < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? v[lo - 1].w : 0;
}

static double exit_time(const struct fit_obs *o, bool *event)
{
	*event = !isinf(o->hi);
	double t = *event ? (o->lo + o->hi) / 2 : o->lo;
	return t > o->trunc ? t : o->trunc + 1e-9; /* in (entry, exit] */
}

static int km_alloc(struct fit_km *k, size_t n)
{
	k->t = malloc(sizeof(double) * n);
	k->s = malloc(sizeof(double) * n);
	k->lo = malloc(sizeof(double) * n);
	k->hi = malloc(sizeof(double) * n);
	k->risk = malloc(sizeof(double) * n);
	return k->t && k->s && k->lo && k->hi && k->risk ? 0 : ENOMEM;
}

/* One step of the curve at t with d events and r at risk (Greenwood's sum in *v). */
static void step(struct fit_km *k, double t, double d, double r, double *s, double *v)
{
	*s *= 1 - d / r;
	*v += r > d ? d / (r * (r - d)) : 0;
	double ls = log(*s), w = ls < 0 ? 1.959964 * sqrt(*v) / fabs(ls) : 0;
	k->t[k->n] = t;
	k->s[k->n] = *s;
	k->lo[k->n] = *s > 0 ? pow(*s, exp(w)) : 0;
	k->hi[k->n] = *s > 0 ? pow(*s, exp(-w)) : 0;
	k->risk[k->n] = r;
	if (isnan(k->median) && *s <= 0.5)
		k->median = t;
	k->n++;
}

int fit_km_build(const struct fit_obs *obs, size_t n, struct fit_km *k)
{
	struct tw *entry = malloc(sizeof *entry * (n + 1)), *exits = malloc(sizeof *exits * (n + 1));
	struct tw *ev = malloc(sizeof *ev * (n + 1));
	double s = 1, v = 0;
	size_t ne = 0;

	memset(k, 0, sizeof *k);
	k->median = NAN;
	k->entry0 = INFINITY;
	if (!entry || !exits || !ev || km_alloc(k, n + 1)) {
		free(entry), free(exits), free(ev);
		fit_km_free(k);
		return ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		bool e;
		double w = fit_obs_w(&obs[i]);
		entry[i] = (struct tw){obs[i].trunc, w};
		exits[i] = (struct tw){exit_time(&obs[i], &e), w};
		if (e)
			ev[ne++] = exits[i];
		k->entry0 = fmin(k->entry0, obs[i].trunc);
	}
	cumulate(entry, n);
	cumulate(exits, n);
	qsort(ev, ne, sizeof *ev, cmp_tw);
	for (size_t i = 0; i < ne;) {
		size_t j = i;
		double d = 0, t = ev[i].t;
		for (; j < ne && ev[j].t == t; j++)
			d += ev[j].w;
		double r = below(entry, n, t) - below(exits, n, t);
		if (r > 0)
			step(k, t, d, r, &s, &v);
		i = j;
	}
	free(entry), free(exits), free(ev);
	return 0;
}

void fit_km_free(struct fit_km *k)
{
	free(k->t), free(k->s), free(k->lo), free(k->hi), free(k->risk);
	k->t = k->s = k->lo = k->hi = k->risk = NULL;
	k->n = 0;
}

/* Over the times with at least FIT_KM_MIN_RISK callers at risk: past them the
 * curve is a handful of callers and its steps say nothing of the fit. */
double fit_km_distance(const struct fit_km *k, enum fit_family f, const double *par)
{
	double s0 = fit_fam_sf(f, par, k->entry0), d = 0, prev = 1;

	if (!(s0 > 0))
		return NAN;
	for (size_t i = 0; i < k->n && k->risk[i] >= FIT_KM_MIN_RISK; i++) {
		double m = fit_fam_sf(f, par, k->t[i]) / s0;
		d = fmax(d, fmax(fabs(prev - m), fabs(k->s[i] - m)));
		prev = k->s[i];
	}
	return d;
}
