/*
 * summary_json: summary.json (jansson, sorted keys, fixed float format) and
 * the short terminal summary; see summary.h and docs/results.md for the
 * file's shape.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "rbjson.h"
#include "rv.h"
#include "scn_hash.h"
#include "summary.h"
#include "summary_int.h"

/* 16 significant digits: t0_epoch keeps its microseconds, 0.7 stays 0.7. */
#define SUM_JSON_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(16)) /* keys: see dump_flags */

static const char *const measure_names[] = {"sla", "answered_within", "sl", "sl2"};

/*
 * Values shared by every place that writes them (jansson counts
 * references and writes each place alike): the integer 0 (jcount) and the
 * reals 0.0 and 1.0 (jreal). At 1 M calls 3,189 of 4,218 integers are 0
 * and 3,975 of 9,067 reals 0.0 or 1.0 (the 15-minute rows' levels): one
 * json_t each, not an allocation (and its pages) and a free each.
 */
struct jshared {
	json_t *zero, *r0, *r1; /* any may be NULL: a new value each time */
};

/* The tree holds its own references: the maker lets go of its ones. */
static void jshared_drop(struct jshared *sh)
{
	json_decref(sh->zero);
	json_decref(sh->r0);
	json_decref(sh->r1);
}

/* v as summary.json writes a real (rbjson_real: null when not finite). */
static json_t *jreal(const struct jshared *sh, double v)
{
	/* by bits: -0.0 is written "-0.0", not shared with 0.0 */
	uint64_t b;
	memcpy(&b, &v, sizeof(b));
	if (b == 0 && sh->r0)
		return json_incref(sh->r0);
	if (v == 1.0 && sh->r1)
		return json_incref(sh->r1);
	return rbjson_real(v);
}

static json_t *jci(const struct jshared *sh, const struct est *c)
{
	if (!c->valid)
		return json_null();
	if (!isfinite(c->lo) || !isfinite(c->hi))
		return NULL; /* as json_pack("[ff]") gave: the member left out */
	json_t *a = json_array();
	json_array_append_new(a, jreal(sh, c->lo));
	json_array_append_new(a, jreal(sh, c->hi));
	return a;
}

static json_t *jse(const struct jshared *sh, const struct est *c)
{
	return c->valid ? jreal(sh, c->se) : json_null();
}

static json_t *jdf(const struct est *c)
{
	return c->valid ? json_integer(c->df) : json_null();
}

/* Each measure as a ratio of a cell (summary_int.h's sum_partfn). */
static void x_level(const struct sum_cell *c, int m, int k, double *num, double *den)
{
	sum_level_parts(c, (enum scn_measure)m, COUNT_CENTER, k, num, den);
}

static void x_abandon(const struct sum_cell *c, int a, int b, double *num, double *den)
{
	*num = (double)C_ABD(c), *den = (double)sum_offered(c);
}

static void x_abf(const struct sum_cell *c, int a, int b, double *num, double *den)
{
	*num = (double)C_ABF(c), *den = (double)sum_dialled(c);
}

static void x_wait_mean(const struct sum_cell *c, int a, int b, double *num, double *den)
{
	*num = (double)c->wait_sum / 1e6, *den = (double)c->wait_n;
}

static void x_occ(const struct sum_cell *c, int backup, int b, double *num, double *den)
{
	*num = (double)(backup ? c->tw.bbusy_area : c->tw.busy_area);
	*den = (double)(backup ? c->tw.bstaffed_area : c->tw.staffed_area);
}

static void x_queue(const struct sum_cell *c, int a, int b, double *num, double *den)
{
	*num = (double)c->tw.ring_area, *den = (double)c->tw.dur;
}

/*
 * Where one group's values go: m (the measure), ci (ci95), se, df, and,
 * for the groups compare reads (overall, phases), vals: each sample's own
 * value (replication or batch), the series a paired comparison needs.
 */
struct mdst {
	json_t *m, *ci, *se, *df, *vals; /* vals NULL: not kept for this group */
	const struct sum_view *v;
	const struct jshared *sh;
};

/* A count (0: the shared one, struct jshared). */
static json_t *jcount(const struct mdst *d, json_int_t n)
{
	return n == 0 && d->sh->zero ? json_incref(d->sh->zero) : json_integer(n);
}

/* (Our own keys are ASCII: they are set without jansson's UTF-8 check.) */
static void put_values(struct mdst *d, const char *key, const struct est *c, json_t *series)
{
	json_object_set_new_nocheck(d->m, key, jreal(d->sh, c->point));
	if (d->ci) {
		json_object_set_new_nocheck(d->ci, key, jci(d->sh, c));
		json_object_set_new_nocheck(d->se, key, jse(d->sh, c));
		json_object_set_new_nocheck(d->df, key, jdf(c));
	}
	if (d->vals)
		json_object_set_new_nocheck(d->vals, key, series ? series : json_null());
	else
		json_decref(series);
}

static void put_x(struct mdst *d, const char *key, sum_partfn f, int a, int b, enum est_range r,
		  bool calls, bool known)
{
	struct est c = {.point = NAN, .se = NAN};
	json_t *series = NULL;
	if (known && !d->ci && !d->vals) {
		/* only the point is written: the total's own ratio, as
		 * sum_view_est_from gives it, without the estimate */
		double num, den;
		f(&d->v->total, a, b, &num, &den);
		c.point = den > 0 ? num / den : NAN;
	} else if (known) {
		c = sum_view_est(d->v, f, a, b, r, calls);
		if (d->vals) {
			series = json_array();
			for (int i = 0; i < d->v->n_samples; i++) {
				double num, den;
				f(d->v->samples[i], a, b, &num, &den);
				json_array_append_new(series, jreal(d->sh, den > 0 ? num / den : NAN));
			}
		}
	}
	put_values(d, key, &c, series);
}

/* A member known only as a whole (a count, a maximum): null in ci, se, df. */
static void put_plain(struct mdst *d, const char *key, json_t *v)
{
	json_object_set_new_nocheck(d->m, key, v);
	if (d->ci) {
		json_object_set_new_nocheck(d->ci, key, json_null());
		json_object_set_new_nocheck(d->se, key, json_null());
		json_object_set_new_nocheck(d->df, key, json_null());
	}
}

static void put_count(struct mdst *d, const char *key, uint64_t n, bool known)
{
	put_plain(d, key, known ? jcount(d, (json_int_t)n) : json_null());
}

/* A sub-object of the same shape in m, ci, se, df and vals. */
static struct mdst sub(struct mdst *d, const char *key)
{
	struct mdst s = *d;
	json_t **from[] = {&d->m, &d->ci, &d->se, &d->df, &d->vals};
	json_t **to[] = {&s.m, &s.ci, &s.se, &s.df, &s.vals};
	for (int i = 0; i < 5; i++) {
		if (!*from[i])
			continue;
		*to[i] = json_object();
		json_object_set_new_nocheck(*from[i], key, *to[i]);
	}
	return s;
}

static void put_quantile(struct mdst *d, const char *key, int j)
{
	const struct sum_view *v = d->v;
	double point = stats_whist_quantile(&v->hist, sum_q[j]);
	struct est c = {.point = point, .se = NAN};
	json_t *series = NULL;
	if (v->sq && (d->ci || d->vals)) { /* replications: each one's own quantile */
		double *q = calloc((size_t)(v->n_samples ? v->n_samples : 1), sizeof(*q));
		series = json_array();
		for (int i = 0; q && i < v->n_samples; i++) {
			q[i] = v->sq[i * SUM_NQ + j];
			json_array_append_new(series, jreal(d->sh, q[i]));
		}
		if (q)
			c = est_values(q, v->n_samples, point, EST_NONNEG);
		free(q);
	}
	put_values(d, key, &c, series);
}

/*
 * summary.json is dumped in the order its members were added (see
 * dump_flags), which for the groups is the order of their keys as text:
 * "1", "10", "2"... for the rings (RB_MAX_RINGS is 10) and the rings heard.
 */
static const char *const ring_keys[RB_MAX_RINGS] = {"1", "10", "2", "3", "4",
						      "5", "6", "7", "8", "9"};
static const signed char ring_k[RB_MAX_RINGS] = {1, 10, 2, 3, 4, 5, 6, 7, 8, 9};
_Static_assert(RB_MAX_RINGS == 10, "ring_keys lists the rings 1..10 in key order");

static const char *const heard_keys[RB_RINGS_HEARD_BINS] = {
    "1",  "10", "11", "12", "13", "14", "15", "16", "17",  "18", "19",
    "2",  "20", "21", "22", "23", "24", "25", "26", "27",  "28", "29",
    "3",  "30", "31+", "4", "5", "6", "7", "8", "9"};
/* heard_keys[i]'s bin: its number less one */
static const signed char heard_bin[RB_RINGS_HEARD_BINS] = {
    0, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 1, 19, 20, 21, 22,
    23, 24, 25, 26, 27, 28, 2, 29, 30, 3, 4, 5, 6, 7, 8};
_Static_assert(RB_RINGS_HEARD_BINS == 31, "heard_keys lists the bins 1..30, 31+ in key order");

/* One measure (summary_int.h's enum scn_measure order) for k = 1..10. */
static void put_levels(struct mdst *d, int measure)
{
	struct mdst s = sub(d, measure_names[measure]);
	for (int i = 0; i < RB_MAX_RINGS; i++)
		put_x(&s, ring_keys[i], x_level, measure, ring_k[i], EST_PROPORTION, true, true);
}

static void put_heard(struct mdst *d, const struct sum_cell *c)
{
	json_t *rh = json_object();
	for (int i = 0; i < RB_RINGS_HEARD_BINS; i++)
		json_object_set_new_nocheck(rh, heard_keys[i],
					    jcount(d, (json_int_t)c->hh[0][heard_bin[i]]));
	put_plain(d, "rings_heard", rh);
}

/* The members of a group from "abandon..." to "dialled"; ci95 and df, when
 * written, come in their places. */
static void group_head(struct mdst *d, json_t *ci, json_t *df)
{
	const struct sum_view *v = d->v;
	const struct sum_cell *c = &v->total;
	put_x(d, "abandon_before_forward_fraction", x_abf, 0, 0, EST_PROPORTION, true, true);
	put_x(d, "abandon_fraction", x_abandon, 0, 0, EST_PROPORTION, true, true);
	put_count(d, "abandoned", C_ABD(c), true);
	put_count(d, "abandoned_before_forward", C_ABF(c), true);
	put_count(d, "answered", C_ANS(c), true);
	put_levels(d, 1); /* answered_within */
	put_x(d, "backup_occupancy", x_occ, 1, 0, EST_PROPORTION, false, v->tw);
	if (ci) {
		json_object_set_new_nocheck(d->m, "ci95", ci);
		json_object_set_new_nocheck(d->m, "df", df);
	}
	put_count(d, "dialled", sum_dialled(c), true);
}

/* The rest, from "incomplete" to "wait_s". */
static void group_tail(struct mdst *d, json_t *se, double t_start)
{
	const struct sum_view *v = d->v;
	const struct sum_cell *c = &v->total;
	put_count(d, "incomplete", C_INC(c), true);
	put_x(d, "occupancy", x_occ, 0, 0, EST_PROPORTION, false, v->tw);
	put_count(d, "offered", sum_offered(c), true);
	struct mdst q = sub(d, "queue_len");
	bool qmax = v->tw && c->tw.dur > 0;
	put_plain(&q, "max", qmax ? jcount(d, c->tw.ring_max) : json_null());
	put_x(&q, "mean", x_queue, 0, 0, EST_NONNEG, false, v->tw);
	put_count(d, "rejected", C_REJ(c), true);
	put_heard(d, c);
	put_count(d, "screened", c->screened, c->screened_unknown < C_ANS(c) || C_ANS(c) == 0);
	if (se)
		json_object_set_new_nocheck(d->m, "se", se);
	put_levels(d, 2); /* sl */
	put_levels(d, 3); /* sl2 */
	put_levels(d, 0); /* sla */
	if (!isnan(t_start))
		json_object_set_new_nocheck(d->m, "t_start_s", json_real(t_start));
	if (d->vals)
		json_object_set_new_nocheck(d->m, "values", d->vals);
	struct mdst w = sub(d, "wait_s");
	put_x(&w, "mean", x_wait_mean, 0, 0, EST_NONNEG, false, true);
	put_quantile(&w, "p50", 0);
	put_quantile(&w, "p90", 1);
	put_quantile(&w, "p99", 2);
}

/*
 * A group's object: its measures, with ci95, se and df when with_ci,
 * values (each sample's) when with_values, t_start_s unless NaN (a
 * 15-minute row's start).
 */
static json_t *group_json(const struct sum_view *v, bool with_ci, bool with_values, double t_start,
			  const struct jshared *zero)
{
	json_t *m = json_object();
	json_t *ci = with_ci ? json_object() : NULL, *se = with_ci ? json_object() : NULL;
	json_t *df = with_ci ? json_object() : NULL, *vals = with_values ? json_object() : NULL;
	if (!m || (with_ci && (!ci || !se || !df)) || (with_values && !vals)) {
		json_decref(m);
		json_decref(ci);
		json_decref(se);
		json_decref(df);
		json_decref(vals);
		return NULL;
	}
	struct mdst d = {m, ci, se, df, vals, v, zero};
	group_head(&d, ci, df);
	group_tail(&d, se, t_start);
	return m;
}

/* ---- key order -------------------------------------------------------- */

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * o's members again in the order of their keys as text, as a new object
 * (o's reference is taken): for the few objects whose keys are names or
 * come in no fixed order. On failure o as it was (dump_flags then sorts).
 */
static json_t *in_key_order(json_t *o)
{
	size_t n = json_object_size(o);
	const char **keys = malloc(sizeof(*keys) * (n ? n : 1));
	json_t *r = keys ? json_object() : NULL;
	if (!r) {
		free(keys);
		return o;
	}
	size_t i = 0;
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++)
		if (json_object_set_nocheck(r, keys[i], json_object_get(o, keys[i])))
			break;
	free(keys);
	if (i < n) {
		json_decref(r);
		return o;
	}
	json_decref(o);
	return r;
}

/* Whether every object in j lists its members in the order of their keys. */
static bool in_order(json_t *j)
{
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
			if (!in_order(v))
				return false;
		return true;
	}
	if (!json_is_object(j))
		return true;
	const char *prev = NULL, *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		if ((prev && strcmp(prev, k) >= 0) || !in_order(v))
			return false;
		prev = k;
	}
	return true;
}

/*
 * The members of root that group_json builds (a group's object, or
 * objects and arrays of them): their members are added in key order by
 * construction, which check_summary's assert_key_order checks on every
 * shape of summary, so they are not walked again here (~1,000 objects
 * and 11,000 members at 1 M calls, 1.7 M instructions at 2,000). Only
 * their own keys are checked: the names of phases, tenants and forwardings
 * are put in order by in_key_order, which may fail.
 */
static bool keys_in_order(json_t *o)
{
	const char *prev = NULL, *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (prev && strcmp(prev, k) >= 0)
			return false;
		prev = k;
	}
	return true;
}

static bool own_groups(const char *key)
{
	static const char *const keys[] = {"by_forwarding", "by_tenant", "intervals", "overall",
					   "phases"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/*
 * summary.json lists every object's members sorted by key. jansson keeps
 * them in the order they were added, and summary_to_json adds them in key
 * order, so they are dumped as they are rather than sorted once more per
 * object (JSON_SORT_KEYS: a key array, qsort and a hash lookup per member,
 * for the ~1,000 objects of a long run). An object found out of order
 * (an extra member from elsewhere, say) falls back to JSON_SORT_KEYS: the
 * same bytes either way.
 */
static size_t dump_flags(json_t *root)
{
	const char *k;
	json_t *v;
	if (!keys_in_order(root))
		return SUM_JSON_FLAGS | JSON_SORT_KEYS;
	json_object_foreach(root, k, v)
		if (own_groups(k) ? !keys_in_order(v) : !in_order(v))
			return SUM_JSON_FLAGS | JSON_SORT_KEYS;
	return SUM_JSON_FLAGS;
}

static const char *const engine_names[] = {"model", "live", "capture"};
static const char *const judgement_names[] = {"pass", "fail", "inconclusive"};
static const char *const count_names[] = {"center", "heard"};

static json_t *target_json(const struct sum_target *tr)
{
	const struct scn_target *t = tr->t;
	json_t *o = json_object();
	json_object_set_new(o, "phase", tr->phase ? json_string(tr->phase) : json_null());
	switch (t->kind) {
	case TARGET_RINGS:
		json_object_set_new(o, "kind", json_string("rings"));
		json_object_set_new(o, "rings", json_integer(t->rings));
		json_object_set_new(o, "min", json_real(t->min));
		json_object_set_new(o, "measure", json_string(measure_names[t->measure]));
		json_object_set_new(o, "count", json_string(count_names[t->count]));
		break;
	case TARGET_ABANDON_MAX:
		json_object_set_new(o, "kind", json_string("abandon_max"));
		json_object_set_new(o, "abandon_max", json_real(t->max));
		break;
	default:
		json_object_set_new(o, "kind", json_string("abandon_before_forward_max"));
		json_object_set_new(o, "abandon_before_forward_max", json_real(t->max));
		break;
	}
	json_object_set_new(o, "measured", rbjson_real(tr->measured));
	static const struct jshared none; /* a new value each time */
	json_object_set_new(o, "ci95", jci(&none, &tr->ci));
	json_object_set_new(o, "se", jse(&none, &tr->ci));
	/* pass: true or false once decided, null while inconclusive */
	json_object_set_new(o, "pass", tr->judged == JUDGE_INCONCLUSIVE ? json_null()
									 : json_boolean(tr->judged == JUDGE_PASS));
	json_object_set_new(o, "result", json_string(judgement_names[tr->judged]));
	if (tr->note)
		json_object_set_new(o, "note", json_string(tr->note));
	return in_key_order(o);
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/*
 * How the intervals were made (docs/results.md): "replications" or
 * "batch_means"; ci_note says the rest in words.
 */
static const char *ci_method(const struct summary *s)
{
	return s->batch_mode ? "batch_means" : "replications";
}

static const char *ci_note(const struct summary *s)
{
	return s->batch_mode
		       ? "one run cut into 40 batches, merged in pairs until their lag-1 "
			 "autocorrelation is not significant (50 % level), at least 10 kept; "
			 "pooled ratio with delta-method se, inflated by (1 + 2 rho) for the "
			 "lag-1 correlation left, t(df = batches - 1); proportions by Wilson "
			 "with n_eff = p(1-p)/se^2, means on the log scale"
		       : "independent replications; pooled ratio with delta-method se, "
			 "t(df = replications - 1); proportions by Wilson with n_eff = "
			 "p(1-p)/se^2, means and quantiles on the log scale";
}

static json_t *batch_edges(const struct summary *s)
{
	if (!s->n_edges)
		return json_null();
	json_t *a = json_array();
	for (int i = 0; i < s->n_edges; i++)
		json_array_append_new(a, json_real(s->edges[i]));
	return a;
}

/*
 * What pairs two folders (common random numbers): the parsed load's hash,
 * the random-stream layout, and the key of both with the seed; the hashes
 * are null without a scenario (or if hashing fails).
 */
static void pairing_json(json_t *root, const struct summary_opts *o)
{
	char load[65], key[65];
	bool ok = o->scn && !scn_load_hash(o->scn, load);
	json_object_set_new(root, "load_sha256", ok ? json_string(load) : json_null());
	json_object_set_new(root, "stream_layout", json_integer(RV_STREAM_LAYOUT));
	ok = ok && !scn_pairing_key(load, o->seed, RV_STREAM_LAYOUT, key);
	json_object_set_new(root, "pairing_key", ok ? json_string(key) : json_null());
}

/* Total of the replications' saturated draws, null when none reported. */
static json_t *saturated_json(const struct summary *s)
{
	uint64_t n = 0;
	bool known = false;
	for (int r = 0; r < s->n_reps; r++) {
		n += s->reps[r].saturated;
		known = known || s->reps[r].saturated_known;
	}
	return known ? json_integer((json_int_t)n) : json_null();
}

json_t *summary_to_json(const struct summary *s)
{
	if (!s->finished)
		return NULL;
	const struct summary_opts *o = &s->o;
	const struct sum_layout *L = &s->L;
	json_t *root = json_object();
	struct jshared sh = {json_integer(0), json_real(0.0), json_real(1.0)};
	const struct jshared *zero = &sh;

	json_object_set_new(root, "engine", json_string(engine_names[o->engine]));
	json_object_set_new(root, "version", json_string(RB_VERSION));
	json_object_set_new(root, "command", jstr_or_null(o->command));
	json_object_set_new(root, "scenario", jstr_or_null(o->scn ? o->scn->name : NULL));
	json_object_set_new(root, "scenario_sha256",
			    o->scn && o->scn->sha256[0] ? json_string(o->scn->sha256) : json_null());
	pairing_json(root, o);
	json_object_set_new(root, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(root, "replications", json_integer(s->n_reps));
	json_object_set_new(root, "saturated_draws", saturated_json(s));
	json_object_set_new(root, "ring_period_s", json_real(rb_us_to_s(s->ring_period)));
	json_object_set_new(root, "t0_epoch", o->engine == ENGINE_MODEL || o->t0_epoch == RB_T_NONE
						      ? json_null()
						      : json_real(rb_us_to_s(o->t0_epoch)));
	json_object_set_new(root, "ci_method", json_string(ci_method(s)));
	json_object_set_new(root, "ci_note", json_string(ci_note(s)));
	json_object_set_new(root, "batch_edges_s", batch_edges(s));
	json_object_set_new(root, "overall", group_json(&s->views[0], true, true, NAN, zero));

	json_t *ph = json_object(), *ten = json_object(), *fwd = json_object();
	for (int i = 0; i < L->n_win; i++)
		json_object_set_new(ph, s->views[L->g_win + i].name, group_json(&s->views[L->g_win + i], true, true, NAN, zero));
	for (int i = 0; i < L->n_ten; i++)
		json_object_set_new(ten, s->views[L->g_ten + i].name, group_json(&s->views[L->g_ten + i], true, false, NAN, zero));
	for (int i = L->n_groups; i < s->n_views; i++)
		json_object_set_new(ten, s->views[i].name, group_json(&s->views[i], true, false, NAN, zero));
	for (int i = 0; i < 2; i++)
		json_object_set_new(fwd, s->views[L->g_fwd + i].name, group_json(&s->views[L->g_fwd + i], true, false, NAN, zero));
	json_object_set_new(root, "phases", in_key_order(ph));
	json_object_set_new(root, "by_tenant", in_key_order(ten));
	json_object_set_new(root, "by_forwarding", in_key_order(fwd));
	if (o->scn) {
		/* the tenants' answering names and numbers, so that a folder
		 * copied away from its scenario file still reports them */
		json_t *tn = json_object();
		for (size_t i = 0; i < o->scn->n_tenants; i++) {
			const struct scn_tenant *t = &o->scn->tenants[i];
			json_object_set_new(tn, t->id,
					    json_pack("{s:s?, s:s?}", "name", t->name, "number", t->number));
		}
		json_object_set_new(root, "tenants", in_key_order(tn));
	}

	json_t *ints = json_array();
	for (int i = 0; i < s->n_ints_used; i++) {
		/* With one replication a 15-minute row has no interval of its own:
		 * its ci95 and se are left out rather than written as nulls. */
		json_array_append_new(ints, group_json(&s->views[L->g_int + i], !s->batch_mode, false,
						       rb_us_to_s((rb_us)i * RB_INTERVAL_US), zero));
	}
	json_object_set_new(root, "intervals", ints);

	json_t *tg = json_array();
	for (size_t i = 0; i < s->n_tres; i++)
		json_array_append_new(tg, target_json(&s->tres[i]));
	json_object_set_new(root, "targets", tg);
	enum rb_verdict v = summary_verdict(s);
	json_object_set_new(
	    root, "verdict",
	    o->unjudged && v != VERDICT_ERROR ? json_null() : json_string(summary_verdict_name(v)));
	json_object_set_new(root, "inconclusive_reasons", s->incon ? json_copy(s->incon) : json_array());
	json_object_set_new(root, "error", jstr_or_null(s->error));
	const char *key;
	json_t *val;
	json_object_foreach(s->extra, key, val)
		json_object_set(root, key, val);
	jshared_drop(&sh);
	return in_key_order(root);
}

int summary_write_json(const struct summary *s, const char *path)
{
	return summary_write_json_keep(s, path, NULL);
}

/*
 * The dump goes to the file through a buffer of our own (json_dump_callback):
 * json_dumps builds the whole text and copies it once more, and stdio
 * copied it again; 2.2 M instructions more for a 290 KB summary (callgrind).
 */
struct dump_out {
	int fd;
	int err;
	size_t n;
	char buf[1 << 16];
};

static int out_flush(struct dump_out *o)
{
	size_t off = 0;
	while (off < o->n) {
		ssize_t w = write(o->fd, o->buf + off, o->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->err = w < 0 ? errno : EIO;
			return -1;
		}
		off += (size_t)w;
	}
	o->n = 0;
	return 0;
}

static int out_put(const char *b, size_t len, void *data)
{
	struct dump_out *o = data;
	if (len < 16 && len <= sizeof(o->buf) - o->n) {
		/* jansson's pieces: 2.7 bytes on average (a quote, an indent,
		 * a key): byte by byte, no call */
		char *d = o->buf + o->n;
		o->n += len;
		while (len--)
			*d++ = *b++;
		return 0;
	}
	while (len) {
		if (o->n == sizeof(o->buf) && out_flush(o))
			return -1;
		size_t k = sizeof(o->buf) - o->n < len ? sizeof(o->buf) - o->n : len;
		memcpy(o->buf + o->n, b, k);
		o->n += k;
		b += k;
		len -= k;
	}
	return 0;
}

/* root's text and a newline to tmp (created); 0 or an errno. */
static int dump_to(json_t *root, const char *tmp)
{
	struct dump_out *o = malloc(sizeof(*o));
	if (!o)
		return ENOMEM;
	o->n = 0;
	o->err = 0;
	o->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int err = o->fd < 0 ? errno : 0;
	if (!err && (json_dump_callback(root, out_put, o, dump_flags(root)) || out_put("\n", 1, o) ||
		     out_flush(o)))
		err = o->err ? o->err : ENOMEM; /* not the file's: jansson's memory */
	if (o->fd >= 0 && close(o->fd) && !err)
		err = errno ? errno : EIO;
	free(o);
	return err;
}

int summary_dump_json(const struct summary *s, const char *path, struct json_t **keep)
{
	if (keep)
		*keep = NULL;
	if (!s->finished)
		return EINVAL;
	json_t *root = summary_to_json(s);
	if (!root)
		return ENOMEM;
	int err = dump_to(root, path);
	if (err)
		remove(path);
	if (keep && !err)
		*keep = root;
	else
		json_decref(root);
	return err;
}

int summary_write_json_keep(const struct summary *s, const char *path, struct json_t **keep)
{
	if (keep)
		*keep = NULL;
	size_t tn = strlen(path) + 8;
	char *tmp = malloc(tn);
	if (!tmp)
		return ENOMEM;
	snprintf(tmp, tn, "%s.tmp", path);
	int err = summary_dump_json(s, tmp, keep);
	if (!err && rename(tmp, path)) {
		err = errno;
		remove(tmp);
		if (keep) {
			json_decref(*keep);
			*keep = NULL;
		}
	}
	free(tmp);
	return err;
}

/* ---- the terminal ----------------------------------------------------- */

static void print_pct(FILE *out, double v)
{
	if (isnan(v))
		fputs("n/a", out);
	else
		fprintf(out, "%.1f %%", 100 * v);
}

static void print_target(const struct sum_target *tr, FILE *out)
{
	const struct scn_target *t = tr->t;
	static const char *const shown[] = {"PASS", "FAIL", "INCONCLUSIVE"};
	fprintf(out, "  %s  ", shown[tr->judged]);
	if (t->kind == TARGET_RINGS)
		fprintf(out, "%s within %d rings%s >= %.3g", measure_names[t->measure], t->rings,
			t->count == COUNT_HEARD ? " heard" : "", t->min);
	else
		fprintf(out, "%s <= %.3g",
			t->kind == TARGET_ABANDON_MAX ? "abandoned" : "abandoned before forwarding",
			t->max);
	fprintf(out, " [%s]: ", tr->phase ? tr->phase : "whole run");
	if (isnan(tr->measured)) {
		fprintf(out, "%s\n", tr->note ? tr->note : "cannot be known");
		return;
	}
	fprintf(out, "%.4f", tr->measured);
	if (tr->ci.valid)
		fprintf(out, " (95 %% CI %.4f to %.4f)", tr->ci.lo, tr->ci.hi);
	if (tr->judged == JUDGE_INCONCLUSIVE && tr->note)
		fprintf(out, ": %s", tr->note);
	fputc('\n', out);
}

void summary_print(const struct summary *s, FILE *out)
{
	if (!s->finished) {
		fprintf(out, "summary: not finished\n");
		return;
	}
	const struct sum_cell *c = &s->views[0].total;
	uint64_t off = sum_offered(c);
	fprintf(out, "%llu calls dialled, %llu offered to the center (%d replication%s)\n",
		(unsigned long long)sum_dialled(c), (unsigned long long)off, s->n_reps,
		s->n_reps == 1 ? "" : "s");
	fprintf(out, "  answered %llu; within 3 rings ", (unsigned long long)C_ANS(c));
	print_pct(out, sum_level(c, MEASURE_ANSWERED_WITHIN, COUNT_CENTER, 3));
	fputs(" of offered (sla ", out);
	print_pct(out, sum_level(c, MEASURE_SLA, COUNT_CENTER, 3));
	fputs("), within 5 rings ", out);
	print_pct(out, sum_level(c, MEASURE_ANSWERED_WITHIN, COUNT_CENTER, 5));
	fputs(" (sla ", out);
	print_pct(out, sum_level(c, MEASURE_SLA, COUNT_CENTER, 5));
	fprintf(out, ")\n  abandoned %llu (", (unsigned long long)C_ABD(c));
	print_pct(out, sum_ratio(C_ABD(c), off));
	fprintf(out, "), before forwarding %llu, rejected %llu, incomplete %llu\n",
		(unsigned long long)C_ABF(c), (unsigned long long)C_REJ(c),
		(unsigned long long)C_INC(c));
	if (s->n_tres)
		fputs("targets:\n", out);
	for (size_t i = 0; i < s->n_tres; i++)
		print_target(&s->tres[i], out);
	enum rb_verdict v = summary_verdict(s);
	if (s->o.unjudged && v != VERDICT_ERROR) {
		fputs("verdict: none (not judged: wire time)\n", out);
		return;
	}
	fprintf(out, "verdict: %s", v == VERDICT_PASS	      ? "PASS"
				    : v == VERDICT_FAIL	      ? "FAIL"
				    : v == VERDICT_INCONCLUSIVE ? "INCONCLUSIVE"
							      : "ERROR");
	if (v == VERDICT_ERROR && s->error)
		fprintf(out, " (%s)", s->error);
	fputc('\n', out);
	size_t ni = s->incon ? json_array_size(s->incon) : 0;
	for (size_t i = 0; i < ni; i++)
		fprintf(out, "  not decided: %s\n", json_string_value(json_array_get(s->incon, i)));
}
