/*
 * fit_yaml: the fitted scenario. The day-profile form (load: {profile,
 * bursts}; docs/plan.md) with the dialled rates per interval, the tenants
 * with their dialled shares and forwarding, one caller type with the
 * fitted talk time, the fitted patience, and comments saying what was
 * fitted from how many calls and what was not (the ring period, the
 * staffing, the targets: the user's).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit_int.h"

double fit_result_start(const struct fit_result *r)
{
	return (double)r->arr.first * r->arr.interval_s;
}

/* The scenario's form of a fitted family. */
static void dist_text(char *b, size_t n, const struct fit_mle *m)
{
	const double *p = m->par;
	switch (m->fam) {
	case FAM_EXPONENTIAL:
		snprintf(b, n, "{exponential: %.4g}", p[0]);
		break;
	case FAM_GAMMA:
		snprintf(b, n, "{gamma: {mean: %.4g, sd: %.4g}}", p[0] * p[1], sqrt(p[0]) * p[1]);
		break;
	case FAM_LOGNORMAL:
		snprintf(b, n, "{lognormal: {mean: %.4g, sd: %.4g}}", m->mean,
			 m->mean * sqrt(expm1(p[1] * p[1])));
		break;
	default:
		snprintf(b, n, "{weibull: {shape: %.4g, scale: %.4g}}", p[0], p[1]);
	}
}

static const char *fam_word(const struct fit_dist *d)
{
	return d->empirical ? "empirical" : fit_fam_name(d->best);
}

/* "KS 0.012; AIC: gamma 123.4, lognormal 130.2, ..." */
static void gof(char *b, size_t n, const struct fit_dist *d)
{
	size_t k = (size_t)snprintf(b, n, "%s %.3f; AIC", d->km.n ? "KM distance" : "KS",
				    d->fam[d->best].ks);
	for (int f = 0; f < FAM_N && k < n; f++)
		if (d->fam[f].ok)
			k += (size_t)snprintf(b + k, n - k, " %s %.1f", fit_fam_name(f), d->fam[f].aic);
}

static int empirical_file(const struct fit_dist *d, const char *yaml_path, char *name, size_t n)
{
	char path[4096];
	const char *slash = strrchr(yaml_path, '/');
	snprintf(name, n, "%.*s-talk.csv", (int)(strlen(slash ? slash + 1 : yaml_path) - 5),
		 slash ? slash + 1 : yaml_path);
	snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - yaml_path + 1) : 0, yaml_path, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	fputs("talk_s\n", f);
	for (size_t i = 0; i < d->n_values; i++)
		fprintf(f, "%.3f\n", d->values[i]);
	return fclose(f) ? errno : 0;
}

static void center(FILE *f, const struct fit_result *r)
{
	char b[256], g[256];
	fprintf(f, "center:\n  operators: %zu   # NOT fitted: %zu agents answered in the history; "
		   "set the staffing to study\n",
		r->n_agents ? r->n_agents : 1, r->n_agents);
	if (r->have_wrapup) {
		dist_text(b, sizeof b, &r->wrapup.fam[r->wrapup.best]);
		gof(g, sizeof g, &r->wrapup);
		fprintf(f, "  wrapup_s: %s   # fitted from %zu calls: %s %s\n", b, r->wrapup.n,
			fam_word(&r->wrapup), g);
	} else if (r->wrapup.n && r->wrapup.n_zero == r->wrapup.n) {
		fprintf(f, "  wrapup_s: 0   # all %zu wrap-up times in the source are 0\n", r->wrapup.n);
	} else {
		fprintf(f, "  wrapup_s: 0   # NOT fitted: the sources have no wrap-up times\n");
	}
	fprintf(f, "  # pickup_s and backup: NOT fitted (the waits include the pick-up)\n");
}

/* s in a YAML double-quoted scalar: '"' and '\\' escaped, control bytes dropped. */
static void yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static void tenants(FILE *f, const struct fit_result *r, const struct fit_hist *h)
{
	double sum = 0, share[h->n_tenants + 1];
	share[0] = 0;
	fprintf(f, "tenants:   # shares of the dialled calls (seen / P(patience > delay))\n");
	for (size_t t = 0; t < h->n_tenants; t++) {
		share[t] = floor(r->tenant_dialled[t] / r->dialled_total * 1e6 + 0.5) / 1e6;
		sum += share[t];
	}
	share[0] += 1 - sum; /* shares must sum to 1 exactly */
	for (size_t t = 0; t < h->n_tenants; t++) {
		const struct fit_tenant *x = &h->tenants[t];
		char fw[64];
		if (isfinite(x->delay) && x->delay > 0)
			snprintf(fw, sizeof fw, "{no_answer_s: %g}", x->delay);
		else
			snprintf(fw, sizeof fw, "unconditional");
		char num[64];
		if (x->number)
			snprintf(num, sizeof num, "%s", x->number);
		else
			snprintf(num, sizeof num, "%zu", (size_t)9000000000 + t + 1);
		fputs("  - {id: ", f);
		yaml_str(f, x->id);
		fputs(", number: ", f);
		yaml_str(f, num);
		fprintf(f, ", share: %.6f, forwarding: %s}   # %zu calls seen%s%s\n", share[t], fw, x->calls, x->number ? "" : ", number made up",
			!isfinite(x->delay) ? "; forwarding unknown, taken as unconditional (--forwarding)"
			: x->delay_given ? "; delay from --forwarding" : "");
	}
}

static int callers(FILE *f, const struct fit_result *r, const char *path)
{
	char b[768], g[256], name[512];
	const struct fit_dist *p = &r->patience, *t = &r->talk;
	fprintf(f, "callers:\n");
	if (r->have_patience) {
		dist_text(b, sizeof b, &p->fam[p->best]);
		gof(g, sizeof g, p);
		fprintf(f, "  # patience from dialling: %zu calls, %zu abandoned (events), %zu censored, "
			   "%zu truncated by forwarding\n  # median %.1f s (95 %% %.1f-%.1f); Kaplan-Meier "
			   "median %.1f s; the naive median of abandoned waits, %.1f s, is biased low\n",
			p->n, p->n_events, p->n_censored, p->n_truncated, p->fam[p->best].median,
			p->fam[p->best].median_lo, p->fam[p->best].median_hi, p->km.median,
			p->naive_median);
		fprintf(f, "  patience_s: %s   # %s %s\n", b, fam_word(p), g);
	} else {
		fprintf(f, "  patience_s: {never: true}   # NOT fitted: %zu abandoned calls are too few\n",
			p->naive_n);
	}
	if (t->best < 0 && t->n && t->n_zero == t->n) {
		fprintf(f, "  talk_s: 0   # all %zu talk times in the source are 0\n", t->n);
		return 0;
	}
	if (t->best < 0) {
		fprintf(f, "  talk_s: 60   # NOT fitted: no talk times in the sources\n");
		return 0;
	}
	gof(g, sizeof g, t);
	if (t->empirical) {
		int rc = empirical_file(t, path, name, sizeof name);
		if (rc)
			return rc;
		snprintf(b, sizeof b, "{empirical_csv: %s}", name);
	} else {
		dist_text(b, sizeof b, &t->fam[t->best]);
	}
	if (t->empirical)
		fprintf(f, "  talk_s: %s   # %zu answered calls, as they are: the best family, %s, is off "
			   "by %s\n", b, t->n, fit_fam_name(t->best), g);
	else
		fprintf(f, "  talk_s: %s   # fitted from %zu answered calls (%zu whole seconds, %zu zero): "
			   "%s %s\n", b, t->n, t->n_whole_s, t->n_zero, fam_word(t), g);
	return 0;
}

static void clock_text(char *b, size_t n, double tod)
{
	long s = (long)floor(tod) % 86400;
	snprintf(b, n, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

static void load(FILE *f, const struct fit_result *r)
{
	const struct fit_arrivals *a = &r->arr;
	char c[16];
	fprintf(f, "load:\n  # dialled calls per hour per interval over %zu days; 95 %% intervals in "
		   "fit.json (Garwood)\n  # dispersion within intervals: X2 %.1f on %d df, p %.3g;",
		a->days, a->disp_sub_x2, a->disp_sub_df, a->disp_sub_p);
	if (a->disp_day_df)
		fprintf(f, " across days: X2 %.1f on %d df, p %.3g\n", a->disp_day_x2, a->disp_day_df,
			a->disp_day_p);
	else
		fprintf(f, " across days: one day, not tested\n");
	fprintf(f, "  profile:\n    interval_s: %.0f\n    rates_per_hour: [", a->interval_s);
	for (size_t j = 0; j < a->n_int; j++)
		fprintf(f, "%s%.2f", j ? ", " : "", a->iv[j].rate);
	fprintf(f, "]\n");
	size_t nw = 0;
	for (size_t i = 0; i < a->n_bursts; i++)
		nw += a->bursts[i].written;
	fprintf(f, "  # bursts: Poisson scan over %.0f s windows, %.3g false alarms a day (p <= %.3g)%s\n",
		a->window_s, a->alpha, a->p_star, nw ? "" : ": none found");
	if (!nw)
		return;
	fprintf(f, "  bursts:\n");
	for (size_t i = 0; i < a->n_bursts; i++) {
		const struct fit_burst *b = &a->bursts[i];
		double at = b->at_tod - fit_result_start(r), I = a->interval_s;
		double room = (floor(at / I) + 1) * I - at; /* within its interval */
		long calls = lround(b->excess);
		if (!b->written || calls < 1)
			continue;
		clock_text(c, sizeof c, b->at_tod);
		fprintf(f, "    - {at_s: %.0f, calls: %ld, within_s: %.0f}   # %s, found on %d of %zu "
			   "days\n",
			floor(at), calls, fmin(ceil(b->within_s), floor(room) - 1), c, b->days_found,
			a->days);
	}
}

int fit_write_yaml(const struct fit_result *r, const struct fit_hist *h, const char *path,
		   const char *name)
{
	FILE *f = fopen(path, "w");
	char st[16];
	int rc;

	if (!f)
		return errno;
	clock_text(st, sizeof st, fit_result_start(r));
	st[5] = '\0';
	fprintf(f, "# Fitted by `ringbench fit` (docs/fit.md) from %zu calls seen by the center "
		   "(%zu answered,\n# %zu abandoned, %zu other) over %zu days of %s%s%s.\n"
		   "# NOT fitted, left to you: the ring period, the staffing, pick-up, the targets.\n",
		r->calls, r->answered, r->abandoned, r->other, r->days, r->formats,
		r->have_clock ? ", clock in " : "", r->have_clock ? r->tz : "");
	fprintf(f, "name: %s\nring_period_s: 3   # NOT fitted: your country's ring period\n"
		   "start_time: \"%s\"\n",
		name, st);
	center(f, r);
	tenants(f, r, h);
	if ((rc = callers(f, r, path))) {
		fclose(f);
		return rc;
	}
	load(f, r);
	fprintf(f, "# targets: NOT fitted: the service's promises are yours to write\n"
		   "run: {seed: 1, replications: 10}\n");
	return fclose(f) ? errno : 0;
}
