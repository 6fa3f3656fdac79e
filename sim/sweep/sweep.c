/*
 * sweep: the grid (ranges, points, keys) and how a point changes a scenario.
 */
#define LOG_TAG "sweep"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "log.h"
#include "sweep.h"
#include "sweep_grid_cap.h"

void sweep_grid_default(struct sweep_grid *g, const struct scenario *s)
{
	memset(g, 0, sizeof(*g));
	g->ops = (struct sweep_irange){s->center.operators, s->center.operators, 1};
	g->backup = (struct sweep_irange){s->center.backup, s->center.backup, 1};
	g->rate = (struct sweep_drange){1, 1, 1};
	g->noans = (struct sweep_drange){0, 0, 1};
	g->noans_set = false;
	g->pooled = s->center.n_floors <= 1;
	g->floors = s->center.n_floors > 1;
}

/* Splits "A[:B[:S]]" into up to three parts. Returns the count, 0 when malformed. */
static int split3(const char *arg, char parts[3][64])
{
	int n = 0;
	const char *p = arg;
	for (;;) {
		const char *c = strchr(p, ':');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (n == 3 || len == 0 || len >= 64)
			return 0;
		memcpy(parts[n], p, len);
		parts[n][len] = 0;
		n++;
		if (!c)
			return n;
		p = c + 1;
	}
}

static bool num(const char *s, double *v)
{
	char *e;
	errno = 0;
	*v = strtod(s, &e);
	return e != s && !*e && !errno && isfinite(*v);
}

int sweep_range_double(const char *opt, const char *arg, double min, struct sweep_drange *r,
		       char *err, size_t errlen)
{
	char parts[3][64];
	double v[3] = {0, 0, 1};
	int n = split3(arg, parts);
	if (!n) {
		errbuf_set(err, errlen, "%s '%s': expected A, A:B or A:B:STEP", opt, arg);
		return EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (!num(parts[i], &v[i])) {
			errbuf_set(err, errlen, "%s '%s': expected a number, got '%s'", opt, arg, parts[i]);
			return EINVAL;
		}
	}
	if (n == 1)
		v[1] = v[0];
	if (v[1] < v[0]) {
		errbuf_set(err, errlen, "%s '%s': empty range: the end %g is below the start %g", opt, arg,
		       v[1], v[0]);
		return EINVAL;
	}
	if (v[2] <= 0) {
		errbuf_set(err, errlen, "%s '%s': expected a step above 0, got %g", opt, arg, v[2]);
		return EINVAL;
	}
	if (v[0] < min) {
		errbuf_set(err, errlen, "%s '%s': expected values from %g, got %g", opt, arg, min, v[0]);
		return EINVAL;
	}
	if ((v[1] - v[0]) / v[2] > 100000) {
		errbuf_set(err, errlen, "%s '%s': more than 100000 values", opt, arg);
		return EINVAL;
	}
	*r = (struct sweep_drange){v[0], v[1], v[2]};
	return 0;
}

int sweep_range_int(const char *opt, const char *arg, int min, struct sweep_irange *r, char *err,
		    size_t errlen)
{
	struct sweep_drange d;
	int rc = sweep_range_double(opt, arg, min, &d, err, errlen);
	if (rc)
		return rc;
	if (d.lo != floor(d.lo) || d.hi != floor(d.hi) || d.step != floor(d.step) || d.hi > 1000000) {
		errbuf_set(err, errlen, "%s '%s': expected whole numbers (at most 1000000)", opt, arg);
		return EINVAL;
	}
	*r = (struct sweep_irange){(int)d.lo, (int)d.hi, (int)d.step};
	return 0;
}

int sweep_layout_parse(const char *arg, struct sweep_grid *g, char *err, size_t errlen)
{
	bool pooled = false, floors = false;
	const char *p = arg;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == 6 && !strncmp(p, "pooled", 6))
			pooled = true;
		else if (len == 6 && !strncmp(p, "floors", 6))
			floors = true;
		else {
			errbuf_set(err, errlen, "--layout '%s': expected pooled, floors or pooled,floors", arg);
			return EINVAL;
		}
		p += len + (c ? 1 : 0);
	}
	if (!pooled && !floors) {
		errbuf_set(err, errlen, "--layout '%s': expected pooled, floors or pooled,floors", arg);
		return EINVAL;
	}
	g->pooled = pooled;
	g->floors = floors;
	return 0;
}

size_t sweep_irange_count(const struct sweep_irange *r)
{
	return r->hi < r->lo ? 0 : (size_t)((r->hi - r->lo) / r->step) + 1;
}

size_t sweep_drange_count(const struct sweep_drange *r)
{
	return r->hi < r->lo ? 0 : (size_t)floor((r->hi - r->lo) / r->step + 1e-9) + 1;
}

double sweep_drange_value(const struct sweep_drange *r, size_t i)
{
	/* rounded to 1e-9 so that 0.5 + 3 x 0.1 prints and keys as 0.8 */
	return round((r->lo + (double)i * r->step) * 1e9) / 1e9;
}

size_t sweep_grid_size(const struct sweep_grid *g)
{
	return sweep_irange_count(&g->ops) * sweep_irange_count(&g->backup) *
	       sweep_drange_count(&g->rate) * sweep_drange_count(&g->noans) *
	       (size_t)((g->pooled ? 1 : 0) + (g->floors ? 1 : 0));
}

void sweep_grid_point(const struct sweep_grid *g, size_t i, struct sweep_point *p)
{
	size_t no = sweep_irange_count(&g->ops), nb = sweep_irange_count(&g->backup),
	       nr = sweep_drange_count(&g->rate), nn = sweep_drange_count(&g->noans);
	p->operators = g->ops.lo + (int)(i % no) * g->ops.step;
	i /= no;
	p->backup = g->backup.lo + (int)(i % nb) * g->backup.step;
	i /= nb;
	p->rate_scale = sweep_drange_value(&g->rate, i % nr);
	i /= nr;
	p->no_answer_s = g->noans_set ? sweep_drange_value(&g->noans, i % nn) : -1;
	i /= nn;
	p->floors = g->pooled && g->floors ? i % 2 == 1 : g->floors;
	p->burst_set = g->burst_set;
	p->burst_scale = g->burst_scale;
}

void sweep_point_key(const struct sweep_point *p, char *buf, size_t n)
{
	char na[32];
	if (p->no_answer_s < 0)
		snprintf(na, sizeof(na), "scn");
	else
		snprintf(na, sizeof(na), "%.3f", p->no_answer_s);
	int used = snprintf(buf, n, "o%d-b%d-r%.4f-na%s-%s", p->operators, p->backup, p->rate_scale, na,
			    p->floors ? "floors" : "pooled");
	if (p->burst_set && used >= 0 && (size_t)used < n)
		snprintf(buf + used, n - (size_t)used, "-bs%.4f", p->burst_scale);
}

int sweep_apply(struct scenario *s, const struct sweep_point *p, char *err, size_t errlen)
{
	struct scn_center *ce = &s->center;
	int nf = p->floors ? (ce->n_floors > 1 ? ce->n_floors : 2) : 1, old_nf = ce->n_floors;
	/* the layout first: scn_staff_flat splits over the floors there are */
	ce->n_floors = nf;
	if (scn_staff_flat(s, p->operators, p->backup)) {
		ce->n_floors = old_nf;
		return ENOMEM;
	}
	if (p->floors && old_nf <= 1)
		for (size_t t = 0; t < s->n_tenants; t++)
			s->tenants[t].floor = (int)(t % (size_t)nf);
	if (!p->floors)
		for (size_t t = 0; t < s->n_tenants; t++)
			s->tenants[t].floor = 0;
	double bs = p->burst_set ? p->burst_scale : p->rate_scale;
	for (size_t i = 0; i < s->n_phases; i++) {
		struct scn_phase *ph = &s->phases[i];
		ph->rate_per_s *= p->rate_scale;
		for (size_t b = 0; b < ph->n_bursts; b++) {
			double c = (double)lround(ph->bursts[b].calls * bs);
			ph->bursts[b].calls = c > 100000000 ? 100000000 : (int)c; /* the loader's cap */
		}
	}
	if (p->no_answer_s >= 0) {
		size_t n = 0;
		for (size_t t = 0; t < s->n_tenants; t++) {
			if (s->tenants[t].forwarding != FWD_NO_ANSWER)
				continue;
			s->tenants[t].no_answer = rb_s_to_us(p->no_answer_s);
			n++;
		}
		if (!n) {
			errbuf_set(err, errlen, "--no-answer-s: %s has no tenant on no-answer forwarding",
			       s->path ? s->path : "the scenario");
			return EINVAL;
		}
	}
	return 0;
}


/* --burst-scale S: one number from 0 (no bursts) to SWEEP_MAX_BURST_SCALE. */
static int burst_parse(const char *arg, double *out, char *err, size_t errlen)
{
	double v;
	if (!num(arg, &v) || v < 0 || v > SWEEP_MAX_BURST_SCALE) {
		errbuf_set(err, errlen, "--burst-scale '%s': expected a number from 0 to %d (one value, "
					"not a range)", arg, SWEEP_MAX_BURST_SCALE);
		return EINVAL;
	}
	*out = v;
	return 0;
}

int sweep_grid_parse(struct sweep_grid *g, const struct scenario *s,
		     const struct sweep_grid_args *a, char *err, size_t errlen)
{
	int rc = 0;
	sweep_grid_default(g, s);
	/* A trace's calls, delays and bursts are recorded: nothing to scale. */
	const char *fixed = a->rate    ? "--rate-scale"
			    : a->burst ? "--burst-scale"
			    : a->noans ? "--no-answer-s"
				       : NULL;
	if (s->trace && fixed) {
		errbuf_set(err, errlen,
			   "%s: the scenario's load is a trace (recorded calls, with their own "
			   "instants and no-answer delays): only staffing can be swept",
			   fixed);
		return EINVAL;
	}
	if ((a->ops && (rc = sweep_range_int("--operators", a->ops, 0, &g->ops, err, errlen))) ||
	    (a->backup && (rc = sweep_range_int("--backup", a->backup, 0, &g->backup, err, errlen))) ||
	    (a->rate && (rc = sweep_range_double("--rate-scale", a->rate, 0, &g->rate, err, errlen))) ||
	    (a->noans && (rc = sweep_range_double("--no-answer-s", a->noans, 0, &g->noans, err, errlen))) ||
	    (a->layout && (rc = sweep_layout_parse(a->layout, g, err, errlen))))
		return rc;
	g->noans_set = a->noans != NULL;
	if (a->burst && (rc = burst_parse(a->burst, &g->burst_scale, err, errlen)))
		return rc;
	g->burst_set = a->burst != NULL;
	if ((rc = sweep_grid_cap_check(g, err, errlen)))
		return rc;
	if (g->rate.lo <= 0) {
		errbuf_set(err, errlen, "--rate-scale '%s': expected scales above 0", a->rate);
		return EINVAL;
	}
	return 0;
}

int sweep_targets_check(const struct scenario *s, const char *const *targets, size_t n, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct scn_target t;
		int rc = scn_target_parse(targets[i], s, &t, err, errlen);
		if (rc)
			return rc;
		scn_target_clear(&t);
	}
	return 0;
}

int sweep_target_unphased(const struct scenario *s, const char *target, bool *unphased,
			  char *names, size_t n)
{
	struct scn_target t;
	char err[256];
	*unphased = false;
	if (n)
		names[0] = 0;
	if (scn_target_parse(target, s, &t, err, sizeof(err)))
		return ENOMEM; /* checked before: only memory can fail now */
	*unphased = !t.phase && s->n_phases > 1;
	scn_target_clear(&t);
	for (size_t p = 0, used = 0; *unphased && p < s->n_phases && used < n; p++)
		used += (size_t)snprintf(names + used, n - used, "%s%s", p ? ", " : "",
					 s->phases[p].name);
	return 0;
}

void sweep_default_out(const struct scenario *s, char *buf, size_t n)
{
	const char *base = s->name && *s->name ? s->name : "scenario";
	snprintf(buf, n, "results/%s-sweep", base);
}
