/*
 * fit_out: what `ringbench fit` writes: fit.json (every estimate with its
 * standard error or interval, the sample sizes, the goodness of fit), and
 * trace.csv (the history in calls.csv's columns, for trace replay). The
 * scenario itself is fit_yaml.c's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "callrec.h"
#include "csvtab.h"
#include "fit_int.h"
#include "rbjson.h"

static const char *const par_names[FAM_N][2] = {
    {"mean", NULL}, {"shape", "scale"}, {"mu", "sigma"}, {"shape", "scale"}};

static json_t *ci(double lo, double hi)
{
	return json_pack("[o,o]", rbjson_real(lo), rbjson_real(hi));
}

static json_t *mle_json(const struct fit_mle *m)
{
	json_t *p = json_object(), *se = json_object();
	for (int i = 0; i < m->k; i++) {
		json_object_set_new(p, par_names[m->fam][i], rbjson_real(m->par[i]));
		json_object_set_new(se, par_names[m->fam][i], rbjson_real(m->se[i]));
	}
	return json_pack("{s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "converged", m->ok,
			 "params", p, "se", se, "loglik", rbjson_real(m->loglik), "aic",
			 rbjson_real(m->aic), "ks", rbjson_real(m->ks), "mean", rbjson_real(m->mean),
			 "mean_ci95", ci(m->mean_lo, m->mean_hi), "median", rbjson_real(m->median),
			 "median_ci95", ci(m->median_lo, m->median_hi), "iterations", m->iterations);
}

static json_t *km_json(const struct fit_km *k)
{
	json_t *a = json_array();
	for (size_t i = 0; i < k->n; i++)
		json_array_append_new(a, json_pack("[o,o,o,o,o]", rbjson_real(k->t[i]),
						   rbjson_real(k->s[i]), rbjson_real(k->lo[i]),
						   rbjson_real(k->hi[i]), rbjson_real(k->risk[i])));
	return json_pack("{s:o,s:o,s:s,s:o}", "median", rbjson_real(k->median), "entry0",
			 rbjson_real(k->entry0), "columns", "t, S, lo95, hi95, at_risk", "curve", a);
}

/*
 * What `ringbench report` draws: for a duration, its histogram (as a density:
 * count / (n width), 40 bins up to the 99th percentile) and the chosen
 * family's density on 200 points; for patience, the fitted survival
 * conditioned on the earliest entry, as the Kaplan-Meier curve is.
 */
static json_t *plot_json(const struct fit_dist *d)
{
	json_t *o = json_object(), *a = json_array();
	const struct fit_mle *m = &d->fam[d->best];
	double top;

	if (d->km.n) {
		top = d->km.t[d->km.n - 1];
		double s0 = fit_fam_sf(m->fam, m->par, d->km.entry0);
		for (int i = 0; i <= 200; i++) {
			double t = top * i / 200;
			json_array_append_new(a, json_pack("[o,o]", rbjson_real(t),
					rbjson_real(t < d->km.entry0 ? 1 : fit_fam_sf(m->fam, m->par, t) / s0)));
		}
		json_object_set_new(o, "survival", a);
		return o;
	}
	size_t n = d->n_values, bins = 40, k = 0;
	top = d->values[(size_t)(0.99 * (double)(n - 1))];
	top = top > 0 ? top * 1.05 : 1;
	double w = top / (double)bins;
	json_t *h = json_array();
	for (size_t b = 0; b < bins; b++) {
		size_t c = 0;
		while (k < n && d->values[k] < (double)(b + 1) * w)
			c++, k++;
		json_array_append_new(h, json_pack("[o,o,o]", rbjson_real((double)b * w),
						   rbjson_real((double)(b + 1) * w),
						   rbjson_real((double)c / ((double)n * w))));
	}
	for (int i = 0; i <= 200; i++) {
		double x = top * i / 200;
		double f = d->empirical ? NAN : fit_fam_pdf(m->fam, m->par, x > 0 ? x : top / 2000);
		json_array_append_new(a, json_pack("[o,o]", rbjson_real(x), rbjson_real(f)));
	}
	json_object_set_new(o, "histogram", h);
	json_object_set_new(o, "density", a);
	return o;
}

static json_t *dist_json(const struct fit_dist *d)
{
	json_t *f = json_object();
	for (int i = 0; i < FAM_N && d->best >= 0; i++)
		json_object_set_new(f, fit_fam_name((enum fit_family)i), mle_json(&d->fam[i]));
	json_t *o = json_pack(
	    "{s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:b,s:o}", "n", (json_int_t)d->n, "events",
	    (json_int_t)d->n_events, "censored", (json_int_t)d->n_censored, "truncated",
	    (json_int_t)d->n_truncated, "whole_seconds", (json_int_t)d->n_whole_s, "zeros",
	    (json_int_t)d->n_zero, "chosen",
	    d->best < 0 ? "none" : d->empirical ? "empirical" : fit_fam_name(d->best), "empirical",
	    d->empirical, "families", f);
	if (d->best >= 0 && (d->km.n || d->n_values))
		json_object_set_new(o, "plot", plot_json(d));
	if (d->km.n || d->naive_n) {
		json_object_set_new(o, "kaplan_meier", km_json(&d->km));
		json_object_set_new(o, "naive_abandoned_waits",
				    json_pack("{s:I,s:o,s:o,s:s}", "n", (json_int_t)d->naive_n, "mean",
					      rbjson_real(d->naive_mean), "median",
					      rbjson_real(d->naive_median), "note",
					      "waits of the abandoned calls alone: biased low, "
					      "for comparison only"));
	}
	return o;
}

static json_t *disp(double x2, int df, double p)
{
	if (isnan(p) && df > 0)
		p = gsl_cdf_chisq_Q(x2, df);
	return json_pack("{s:o,s:i,s:o}", "x2", rbjson_real(x2), "df", df, "p", rbjson_real(p));
}

static json_t *arrivals_json(const struct fit_arrivals *a)
{
	json_t *iv = json_array();
	for (size_t j = 0; j < a->n_int; j++) {
		const struct fit_interval *v = &a->iv[j];
		char clk[8];
		long s = (long)v->start_tod % 86400;
		snprintf(clk, sizeof clk, "%02ld:%02ld", s / 3600, s / 60 % 60);
		json_array_append_new(
		    iv, json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "start", clk, "seen",
				  (json_int_t)v->seen, "dialled", rbjson_real(v->dialled),
				  "rate_seen_per_hour", rbjson_real(v->rate_seen), "rate_seen_ci95",
				  ci(v->seen_lo, v->seen_hi), "rate_per_hour", rbjson_real(v->rate),
				  "rate_ci95", ci(v->rate_lo, v->rate_hi), "dispersion_sub",
				  disp(v->disp_sub_x2, v->disp_sub_df, NAN), "dispersion_days",
				  disp(v->disp_day_x2, v->disp_day_df, NAN)));
	}
	return json_pack(
	    "{s:o,s:I,s:s,s:o,s:o,s:s,s:o,s:o}", "interval_s", rbjson_real(a->interval_s), "days",
	    (json_int_t)a->days, "interval_ci", "Garwood exact Poisson 95 % on the seen count",
	    "intervals", iv, "sub_interval_s", rbjson_real(a->sub_s), "dispersion_test",
	    "Fisher's index of dispersion, chi-square with summed degrees of freedom",
	    "dispersion_sub", disp(a->disp_sub_x2, a->disp_sub_df, a->disp_sub_p), "dispersion_days",
	    disp(a->disp_day_x2, a->disp_day_df, a->disp_day_p));
}

static json_t *bursts_json(const struct fit_arrivals *a)
{
	json_t *f = json_array();
	for (size_t i = 0; i < a->n_bursts; i++) {
		const struct fit_burst *b = &a->bursts[i];
		json_array_append_new(
		    f, json_pack("{s:i,s:o,s:o,s:i,s:o,s:o,s:o,s:i,s:b}", "day", b->day, "at_tod_s",
				 rbjson_real(b->at_tod), "within_s", rbjson_real(b->within_s), "count",
				 b->count, "expected", rbjson_real(b->expected), "excess",
				 rbjson_real(b->excess), "p", rbjson_real(b->p), "days_found",
				 b->days_found, "written", b->written));
	}
	return json_pack("{s:s,s:o,s:o,s:i,s:o,s:o}", "statistic",
			 "Poisson scan statistic (least window p), Monte Carlo threshold",
			 "window_s", rbjson_real(a->window_s), "false_alarms_per_day",
			 rbjson_real(a->alpha), "null_days", a->null_days, "p_threshold",
			 rbjson_real(a->p_star), "found", f);
}

json_t *fit_result_json(const struct fit_result *r)
{
	const struct fit_warn *w = &r->warn;
	json_t *o = json_pack(
	    "{s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:I}", "sources", r->formats, "calls", (json_int_t)r->calls,
	    "answered", (json_int_t)r->answered, "abandoned", (json_int_t)r->abandoned, "other",
	    (json_int_t)r->other, "days", (json_int_t)r->days, "tz", r->tz, "agents",
	    (json_int_t)r->n_agents);
	json_object_set_new(o, "warnings",
			    json_pack("{s:I,s:I,s:I,s:I,s:I,s:s}", "unknown_events",
				      (json_int_t)w->unknown_events, "out_of_order",
				      (json_int_t)w->out_of_order, "truncated", (json_int_t)w->truncated,
				      "unmatched", (json_int_t)w->unmatched, "agent_events",
				      (json_int_t)w->agent_events, "first", w->first));
	json_object_set_new(o, "day_list", json_incref(r->day_list));
	json_object_set_new(o, "days_excluded", json_integer((json_int_t)r->excluded_days));
	json_object_set_new(o, "talk_s", dist_json(&r->talk));
	json_object_set_new(o, "wrapup_s", dist_json(&r->wrapup));
	json_object_set_new(o, "patience_s", dist_json(&r->patience));
	json_object_set_new(o, "dialled_calls", rbjson_real(r->dialled_total));
	json_object_set_new(o, "arrivals", arrivals_json(&r->arr));
	json_object_set_new(o, "bursts", bursts_json(&r->arr));
	return o;
}

int fit_write_json(const struct fit_result *r, const char *path)
{
	json_t *o = fit_result_json(r);
	if (!o)
		return ENOMEM;
	int rc = json_dump_file(o, path, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ? EIO : 0;
	json_decref(o);
	return rc;
}

static void put_t(FILE *f, double t)
{
	if (isfinite(t))
		fprintf(f, "%.6f", t);
}

/* Time zero: the first interval's start on the first day; day k adds k days. */
int fit_write_trace(const struct fit_hist *h, double t0_tod, const char *path)
{
	FILE *f = fopen(path, "w");
	static const char *const out[] = {"answered", "abandoned", "rejected"};

	if (!f)
		return errno;
	fputs(callrec_csv_header(), f);
	for (size_t i = 0; i < h->n; i++) {
		const struct fit_call *c = &h->calls[i];
		double inv = (double)c->day * 86400 + c->tod - t0_tod, d = c->delay;
		double end = inv + c->wait; /* answer or hang-up */
		csvtab_put(f, c->call_id, false);
		fputs(",,", f);
		csvtab_put(f, h->tenants[c->tenant].id, false);
		fprintf(f, ",,0,%s,", !isfinite(d) ? "" : d > 0 ? "no-answer" : "unconditional");
		put_t(f, d);
		fputc(',', f);
		put_t(f, isfinite(d) ? inv - d : NAN);
		fputc(',', f);
		put_t(f, inv);
		fputs(",,", f);
		put_t(f, c->outcome == FIT_ANSWERED ? end : NAN);
		fputc(',', f);
		put_t(f, c->outcome == FIT_ABANDONED ? end : NAN);
		fputc(',', f);
		put_t(f, c->outcome == FIT_ANSWERED ? NAN : end);
		fputc(',', f);
		put_t(f, c->outcome == FIT_ANSWERED ? end + c->talk : NAN);
		/* sent away by the queue: rejected; no end known (a capture's): incomplete */
		fprintf(f, ",,%s,,", c->outcome == FIT_OTHER && !isfinite(c->wait) ? "incomplete"
										: out[c->outcome]);
		put_t(f, c->wait);
		fputs(",,,,,", f);
		csvtab_put(f, c->agent, false);
		fputc(',', f);
		put_t(f, c->outcome == FIT_ANSWERED ? c->talk : NAN);
		fputs(",,,,,,\n", f);
	}
	return fclose(f) ? errno : 0;
}
