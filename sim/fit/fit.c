/*
 * fit: the statistics of `ringbench fit` over one history (fit.h): talk
 * time, wrap-up and patience by maximum likelihood in four families
 * (fit_mle.c) chosen by AIC, the Kaplan-Meier curve of patience with
 * delayed entry (fit_km.c), arrivals per interval and bursts (fit_arr.c,
 * fit_scan.c).
 *
 * Patience runs from dialling (docs/definitions.md), but the center sees a
 * call only from its INVITE: a call forwarded after a no-answer delay d is
 * seen with d of patience already spent (truncated at d), an answered
 * caller who waited w had patience above d + w (censored), an abandoner's
 * ran out at d + w (an event), and callers who gave up before forwarding
 * are never seen. So the dialled calls are the seen ones over P(patience >
 * d). The mean of the abandoners' waits alone (the "naive" estimate) is
 * kept beside the fit only to show how far it is off.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>

#include "fit_int.h"

void fit_opts_defaults(struct fit_opts *o)
{
	*o = (struct fit_opts){.interval_s = 1800, .burst_window_s = 60, .burst_alpha = 0.01,
			       .null_days = 999, .seed = 1, .ks_empirical = 1.63};
}

/* One duration known to the second (rounded) or to the microsecond. */
static struct fit_obs duration(double x, bool whole)
{
	if (whole)
		return (struct fit_obs){fmax(0, x - 0.5), x + 0.5, 0, 1};
	if (x <= 0) /* a zero time: somewhere below the resolution */
		return (struct fit_obs){0, 1e-6, 0, 1};
	return (struct fit_obs){x, x, 0, 1};
}

/* obs is grouped (fit_obs_group) in place: the fits see each distinct value once. */
int fit_dist_run(struct fit_dist *d, struct fit_obs *obs, size_t n, double ks_c, bool km)
{
	int rc = 0;
	size_t n_all = n;

	d->n = n;
	d->best = -1;
	for (size_t i = 0; i < n; i++) {
		d->n_events += !isinf(obs[i].hi);
		d->n_censored += isinf(obs[i].hi);
		d->n_truncated += obs[i].trunc > 0;
		d->n_whole_s += obs[i].lo < obs[i].hi && !isinf(obs[i].hi) && obs[i].hi - obs[i].lo > 1e-3;
	}
	if (n == 0 || d->n_events < 2)
		return 0;
	if (!(d->values = malloc(sizeof(double) * n)))
		return ENOMEM;
	for (size_t i = 0; i < n; i++)
		d->values[i] = isinf(obs[i].hi) ? obs[i].lo : (obs[i].lo + obs[i].hi) / 2;
	d->n_values = n;
	n = fit_obs_group(obs, n);
	for (int f = 0; f < FAM_N && !rc; f++)
		rc = fit_mle((enum fit_family)f, obs, n, &d->fam[f]);
	if (rc || (km && (rc = fit_km_build(obs, n, &d->km))))
		return rc;
	for (int f = 0; f < FAM_N; f++)
		if (d->fam[f].ok)
			d->fam[f].ks = km ? fit_km_distance(&d->km, (enum fit_family)f, d->fam[f].par)
					  : fit_ks((enum fit_family)f, d->fam[f].par, obs, n);
	d->best = fit_best_aic(d->fam, FAM_N);
	if (km || d->best < 0)
		return 0;
	/* the empirical distribution when even the best family is far off */
	d->empirical = d->fam[d->best].ks > ks_c / sqrt((double)n_all);
	gsl_sort(d->values, 1, d->n_values);
	return 0;
}

void fit_dist_free(struct fit_dist *d)
{
	free(d->values);
	fit_km_free(&d->km);
	memset(d, 0, sizeof *d);
}

static int durations(const struct fit_hist *h, struct fit_dist *d, bool wrap, double ks_c)
{
	struct fit_obs *o = malloc(sizeof *o * (h->n ? h->n : 1));
	size_t n = 0;

	if (!o)
		return ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		double x = wrap ? c->wrapup : c->talk;
		if (c->outcome == FIT_ANSWERED && isfinite(x) && x >= 0) {
			o[n++] = duration(x, c->whole_s);
			d->n_zero += x == 0;
		}
	}
	/* all zero (a center without wrap-up): a fixed 0, nothing to fit */
	int rc = d->n_zero == n ? (d->n = n, d->best = -1, 0) : fit_dist_run(d, o, n, ks_c, false);
	free(o);
	return rc;
}

/* The patience observations (see the top of this file) and the naive figures. */
static int patience(const struct fit_hist *h, struct fit_dist *d)
{
	struct fit_obs *o = malloc(sizeof *o * (h->n ? h->n : 1));
	double *naive = malloc(sizeof(double) * (h->n ? h->n : 1));
	size_t n = 0;
	int rc = ENOMEM;

	if (!o || !naive)
		goto out;
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		double dl = isfinite(c->delay) ? c->delay : 0, w = c->wait;
		if (!isfinite(w) || w < 0)
			continue;
		struct fit_obs x = duration(w, c->whole_s);
		x.lo += dl;
		x.hi += dl;
		x.trunc = dl;
		if (c->outcome != FIT_ABANDONED)
			x.hi = INFINITY; /* answered, or sent away: patience was longer */
		else
			naive[d->naive_n++] = w;
		o[n++] = x;
	}
	if (d->naive_n) {
		d->naive_mean = gsl_stats_mean(naive, 1, d->naive_n);
		gsl_sort(naive, 1, d->naive_n);
		d->naive_median = gsl_stats_median_from_sorted_data(naive, 1, d->naive_n);
	}
	rc = fit_dist_run(d, o, n, 0, true);
out:
	free(o);
	free(naive);
	return rc;
}

static void count(const struct fit_hist *h, struct fit_result *r)
{
	r->calls = h->n;
	for (size_t i = 0; i < h->n; i++) {
		r->answered += h->calls[i].outcome == FIT_ANSWERED;
		r->abandoned += h->calls[i].outcome == FIT_ABANDONED;
		r->other += h->calls[i].outcome == FIT_OTHER;
	}
	r->days = h->n_days;
	r->n_tenants = h->n_tenants;
	r->warn = h->warn;
	memcpy(r->formats, h->formats, sizeof r->formats);
	r->n_agents = h->n_agents;
	r->have_clock = h->have_clock;
	r->tz = h->o.tz ? h->o.tz : "UTC";
	r->excluded_days = h->excluded_days;
	r->day_list = json_array();
	for (size_t d = 0; d < h->n_days && r->day_list; d++)
		json_array_append_new(r->day_list, json_string(h->day_names[d]));
}

/* P(patience > each tenant's delay), and the dialled calls per tenant. */
static int survival(const struct fit_hist *h, struct fit_result *r)
{
	const struct fit_dist *p = &r->patience;

	r->surv = malloc(sizeof(double) * (h->n_tenants + 1));
	r->tenant_dialled = calloc(h->n_tenants + 1, sizeof(double));
	if (!r->surv || !r->tenant_dialled)
		return ENOMEM;
	for (size_t t = 0; t < h->n_tenants; t++) {
		double d = h->tenants[t].delay;
		r->surv[t] = 1;
		if (r->have_patience && isfinite(d) && d > 0)
			r->surv[t] = fit_fam_sf(p->fam[p->best].fam, p->fam[p->best].par, d);
		if (!(r->surv[t] > 1e-6))
			r->surv[t] = 1e-6;
	}
	for (size_t i = 0; i < h->n; i++)
		r->tenant_dialled[h->calls[i].tenant] += 1 / r->surv[h->calls[i].tenant];
	for (size_t t = 0; t < h->n_tenants; t++)
		r->dialled_total += r->tenant_dialled[t];
	return 0;
}

int fit_run(const struct fit_hist *h, const struct fit_opts *o, struct fit_result **out, char *err,
	    size_t errlen)
{
	struct fit_result *r = calloc(1, sizeof *r);
	int rc;

	if (!r)
		return ENOMEM;
	if (h->n == 0) {
		free(r);
		snprintf(err, errlen, "no calls that reached the center in the sources");
		return EINVAL;
	}
	/* GSL's failures (an inverse that does not converge at a trial
	 * parameter) become NaN figures here, never abort() */
	gsl_set_error_handler_off();
	r->o = *o;
	r->talk.what = "talk_s";
	r->patience.what = "patience_s";
	r->wrapup.what = "wrapup_s";
	count(h, r);
	if ((rc = durations(h, &r->talk, false, o->ks_empirical)) ||
	    (rc = durations(h, &r->wrapup, true, o->ks_empirical)) || (rc = patience(h, &r->patience)))
		goto fail;
	r->have_wrapup = r->wrapup.best >= 0;
	r->have_patience = r->patience.best >= 0 && r->patience.n_events >= 5;
	if ((rc = survival(h, r)) || (rc = fit_arrivals(h, o, r->surv, &r->arr)))
		goto fail;
	fit_dispersion(h, &r->arr);
	if ((rc = fit_bursts(h, o, &r->arr)))
		goto fail;
	*out = r;
	return 0;
fail:
	fit_result_free(r);
	snprintf(err, errlen, "%s", rc == ENOMEM ? "out of memory" : "the fit failed");
	return rc;
}

void fit_result_free(struct fit_result *r)
{
	if (!r)
		return;
	fit_dist_free(&r->talk);
	fit_dist_free(&r->patience);
	fit_dist_free(&r->wrapup);
	fit_arrivals_free(&r->arr);
	free(r->surv);
	free(r->tenant_dialled);
	json_decref(r->day_list);
	free(r);
}

void fit_result_brief(const struct fit_result *r, struct fit_brief *b)
{
	const struct fit_dist *t = &r->talk, *p = &r->patience;

	memset(b, 0, sizeof *b);
	b->calls = r->calls;
	b->answered = r->answered;
	b->abandoned = r->abandoned;
	b->days = r->days;
	b->intervals = r->arr.n_int;
	for (size_t i = 0; i < r->arr.n_bursts; i++)
		b->bursts += r->arr.bursts[i].written;
	b->dialled_per_day = r->dialled_total / (double)(r->days ? r->days : 1);
	b->talk_family = t->best < 0 ? "none" : t->empirical ? "empirical" : fit_fam_name(t->best);
	b->talk_mean = t->best < 0 ? NAN
		       : t->empirical ? gsl_stats_mean(t->values, 1, t->n_values) : t->fam[t->best].mean;
	b->patience_family = r->have_patience ? fit_fam_name(p->best) : "none";
	b->patience_median = r->have_patience ? p->fam[p->best].median : NAN;
	b->patience_median_naive = p->naive_n ? p->naive_median : NAN;
	b->patience_median_km = p->km.n ? p->km.median : NAN;
}
