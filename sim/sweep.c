/*
 * sweep: the grid (ranges, points, keys) and how a point changes a scenario.
 */
#define LOG_TAG "sweep"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sweep.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

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
		seterr(err, errlen, "%s '%s': expected A, A:B or A:B:STEP", opt, arg);
		return EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (!num(parts[i], &v[i])) {
			seterr(err, errlen, "%s '%s': expected a number, got '%s'", opt, arg, parts[i]);
			return EINVAL;
		}
	}
	if (n == 1)
		v[1] = v[0];
	if (v[1] < v[0]) {
		seterr(err, errlen, "%s '%s': empty range: the end %g is below the start %g", opt, arg,
		       v[1], v[0]);
		return EINVAL;
	}
	if (v[2] <= 0) {
		seterr(err, errlen, "%s '%s': expected a step above 0, got %g", opt, arg, v[2]);
		return EINVAL;
	}
	if (v[0] < min) {
		seterr(err, errlen, "%s '%s': expected values from %g, got %g", opt, arg, min, v[0]);
		return EINVAL;
	}
	if ((v[1] - v[0]) / v[2] > 100000) {
		seterr(err, errlen, "%s '%s': more than 100000 values", opt, arg);
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
		seterr(err, errlen, "%s '%s': expected whole numbers (at most 1000000)", opt, arg);
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
			seterr(err, errlen, "--layout '%s': expected pooled, floors or pooled,floors", arg);
			return EINVAL;
		}
		p += len + (c ? 1 : 0);
	}
	if (!pooled && !floors) {
		seterr(err, errlen, "--layout '%s': expected pooled, floors or pooled,floors", arg);
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
}

void sweep_point_key(const struct sweep_point *p, char *buf, size_t n)
{
	char na[32];
	if (p->no_answer_s < 0)
		snprintf(na, sizeof(na), "scn");
	else
		snprintf(na, sizeof(na), "%.3f", p->no_answer_s);
	snprintf(buf, n, "o%d-b%d-r%.4f-na%s-%s", p->operators, p->backup, p->rate_scale, na,
		 p->floors ? "floors" : "pooled");
}

/* n operators split evenly over nf floors, the first floors taking the remainder. */
static void split_even(int n, int nf, int *out)
{
	for (int f = 0; f < nf; f++)
		out[f] = n / nf + (f < n % nf ? 1 : 0);
}

int sweep_apply(struct scenario *s, const struct sweep_point *p, char *err, size_t errlen)
{
	struct scn_center *ce = &s->center;
	int nf = p->floors ? (ce->n_floors > 1 ? ce->n_floors : 2) : 1;
	int *fo = calloc((size_t)nf, sizeof(int));
	if (!fo)
		return ENOMEM;
	split_even(p->operators, nf, fo);
	if (p->floors && ce->n_floors <= 1)
		for (size_t t = 0; t < s->n_tenants; t++)
			s->tenants[t].floor = (int)(t % (size_t)nf);
	if (!p->floors)
		for (size_t t = 0; t < s->n_tenants; t++)
			s->tenants[t].floor = 0;
	free(ce->floor_ops);
	ce->floor_ops = fo;
	ce->n_floors = nf;
	ce->operators = p->operators;
	ce->backup = p->backup;
	for (size_t i = 0; i < s->n_phases; i++) {
		struct scn_phase *ph = &s->phases[i];
		free(ph->floor_ops);
		ph->floor_ops = NULL;
		ph->operators = -1;
		ph->backup = -1;
		ph->rate_per_s *= p->rate_scale;
		for (size_t b = 0; b < ph->n_bursts; b++)
			ph->bursts[b].calls = (int)lround(ph->bursts[b].calls * p->rate_scale);
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
			seterr(err, errlen, "--no-answer-s: %s has no tenant on no-answer forwarding",
			       s->path ? s->path : "the scenario");
			return EINVAL;
		}
	}
	return 0;
}

static const char *const target_measures[] = {"sla", "answered_within", "sl", "sl2"};
#define TARGET_FORM                                                                              \
	"expected [PHASE:]K:F[:MEASURE]: rings K from 1 to 10, a fraction F from 0 to 1, MEASURE " \
	"sla (the default), answered_within, sl or sl2 (e.g. 5:0.9 or peak:5:0.9:sl)"

/* A whole number 1..10, digits only. */
static bool target_rings(const char *p, size_t len, int *k)
{
	if (len == 0 || len > 2)
		return false;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*k = v;
	return v >= 1 && v <= 10;
}

/* A fraction 0..1 written as digits and at most one point ("0.9", ".95", "1"). */
static bool target_fraction(const char *p, size_t len, double *f)
{
	char buf[64];
	int dots = 0, digits = 0;
	if (len == 0 || len >= sizeof(buf))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '.')
			dots++;
		else if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else
			return false;
	}
	if (dots > 1 || !digits)
		return false;
	memcpy(buf, p, len);
	buf[len] = 0;
	*f = strtod(buf, NULL);
	return *f >= 0 && *f <= 1;
}

static void phase_list(const struct scenario *s, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < s->n_phases && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", s->phases[i].name);
}

/* The last ':' in [p, end), or NULL. */
static const char *last_colon(const char *p, const char *end)
{
	while (end > p)
		if (*--end == ':')
			return end;
	return NULL;
}

int sweep_target_parse(const char *arg, const struct scenario *s, struct scn_target *t, char *err,
		       size_t errlen)
{
	if (!arg || !t) {
		seterr(err, errlen, "--target: " TARGET_FORM);
		return EINVAL;
	}
	struct scn_target r = {.kind = TARGET_RINGS, .phase_idx = -1, .measure = MEASURE_SLA,
			       .count = COUNT_CENTER};
	/* from the right, so that a phase name may hold ':': [:MEASURE], :F, K, [PHASE:] */
	const char *end = arg + strlen(arg), *c = last_colon(arg, end);
	if (c && ((c[1] >= 'a' && c[1] <= 'z') || (c[1] >= 'A' && c[1] <= 'Z'))) {
		size_t m, len = (size_t)(end - c - 1);
		for (m = 0; m < 4; m++)
			if (strlen(target_measures[m]) == len && !strncmp(c + 1, target_measures[m], len))
				break;
		if (m == 4) {
			seterr(err, errlen, "--target '%s': '%s' is not a measure (sla, answered_within, sl "
					    "or sl2); a phase goes first, as in %s:5:0.9",
			       arg, c + 1, c + 1);
			return EINVAL;
		}
		r.measure = (enum scn_measure)m;
		end = c;
		c = last_colon(arg, end);
	}
	if (!c || !target_fraction(c + 1, (size_t)(end - c - 1), &r.min)) {
		seterr(err, errlen, "--target '%s': " TARGET_FORM, arg);
		return EINVAL;
	}
	end = c;
	c = last_colon(arg, end);
	const char *kp = c ? c + 1 : arg;
	if (!target_rings(kp, (size_t)(end - kp), &r.rings) || (c && c == arg)) {
		seterr(err, errlen, "--target '%s': " TARGET_FORM, arg);
		return EINVAL;
	}
	if (c) {
		size_t pl = (size_t)(c - arg);
		r.phase = strndup(arg, pl);
		if (!r.phase)
			return ENOMEM;
		r.phase_idx = s ? scn_phase_index(s, r.phase) : -1;
		if (s && r.phase_idx < 0) {
			char names[512];
			phase_list(s, names, sizeof(names));
			seterr(err, errlen, "--target '%s': no phase '%s' in %s; its phases: %s", arg,
			       r.phase, s->name ? s->name : "the scenario", names);
			free(r.phase);
			return EINVAL;
		}
	}
	*t = r;
	return 0;
}

void sweep_target_clear(struct scn_target *t)
{
	if (!t)
		return;
	free(t->phase);
	t->phase = NULL;
}

void sweep_target_label(const struct scn_target *t, char *buf, size_t n)
{
	char pre[200] = "";
	if (t->phase)
		snprintf(pre, sizeof(pre), "%s:", t->phase);
	switch (t->kind) {
	case TARGET_RINGS:
		snprintf(buf, n, "%s%d:%g%s%s%s", pre, t->rings, t->min,
			 t->measure != MEASURE_SLA ? ":" : "",
			 t->measure != MEASURE_SLA ? target_measures[t->measure] : "",
			 t->count == COUNT_HEARD ? " (heard)" : "");
		break;
	case TARGET_ABANDON_MAX:
		snprintf(buf, n, "%sabandon<=%g", pre, t->max);
		break;
	default:
		snprintf(buf, n, "%sabandon_before_forward<=%g", pre, t->max);
		break;
	}
}
