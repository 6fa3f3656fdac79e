/* compare: two summary.json files measure by measure; see compare.h. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "estimate.h"
#include "rbjson.h"
#include "stats.h"

const char *cmp_status_name(enum cmp_status s)
{
	switch (s) {
	case CMP_SAME:
		return "same";
	case CMP_DIFFERENT:
		return "DIFFERENT";
	case CMP_TOO_FEW:
		return "too few calls to tell";
	case CMP_NO_INTERVAL:
		return "no interval to tell";
	case CMP_DUPLICATE:
		return "as above";
	default:
		return "cannot be known";
	}
}

int compare_load(const char *dir, json_t **out, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_error_t je;
	json_t *j = rbjson_load_file(path, 0, &je);
	if (!j) {
		FILE *f = fopen(path, "r");
		if (!f) {
			int e = errno;
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			return e == ENOENT ? ENOENT : EINVAL;
		}
		fclose(f);
		snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path, je.line, je.column,
			 je.text);
		return EINVAL;
	}
	const char *missing = NULL;
	if (!json_is_object(j))
		missing = "a JSON object";
	else if (!json_is_object(json_object_get(j, "overall")))
		missing = "an \"overall\" object";
	else if (!json_is_object(json_object_get(j, "phases")))
		missing = "a \"phases\" object";
	else if (!json_is_number(json_object_get(j, "ring_period_s")))
		missing = "\"ring_period_s\"";
	if (missing) {
		snprintf(err, errlen, "%s: not a ringbench summary.json: expected %s", path, missing);
		json_decref(j);
		return EINVAL;
	}
	*out = j;
	return 0;
}

/* The measures, and what their calls are. */
enum over { OVER_OFFERED, OVER_DIALLED, OVER_ANSWERED, OVER_TIME };

struct mdef {
	char path[48]; /* inside a group: "sla.3", "wait_s.mean" */
	enum over over;
};

static size_t measure_defs(struct mdef *d)
{
	size_t n = 0;
	static const char *const lv[] = {"answered_within", "sla", "sl", "sl2"};
	for (int m = 0; m < 4; m++)
		for (int k = 1; k <= 10; k++) {
			snprintf(d[n].path, sizeof(d[n].path), "%s.%d", lv[m], k);
			d[n++].over = m == 2 ? OVER_ANSWERED : OVER_OFFERED;
		}
	d[n++] = (struct mdef){"abandon_fraction", OVER_OFFERED};
	d[n++] = (struct mdef){"abandon_before_forward_fraction", OVER_DIALLED};
	d[n++] = (struct mdef){"wait_s.mean", OVER_ANSWERED};
	d[n++] = (struct mdef){"occupancy", OVER_TIME};
	d[n++] = (struct mdef){"backup_occupancy", OVER_TIME};
	d[n++] = (struct mdef){"queue_len.mean", OVER_TIME};
	return n;
}

/* Is path picked by the --measures list (names or their prefixes)? */
static bool picked(const char *list, const char *path)
{
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n && !strncmp(path, p, n) && (path[n] == '\0' || path[n] == '.'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static void group_ci(json_t *g, const char *path, double ci[2])
{
	const json_t *v = rbjson_path(json_object_get(g, "ci95"), path);
	bool ok = json_is_array(v) && json_array_size(v) == 2;
	ci[0] = ok ? rbjson_num(json_array_get(v, 0)) : NAN;
	ci[1] = ok ? rbjson_num(json_array_get(v, 1)) : NAN;
}

static long long calls_over(json_t *g, enum over o)
{
	const char *k = o == OVER_DIALLED ? "dialled" : o == OVER_ANSWERED ? "answered" : "offered";
	if (o == OVER_TIME)
		return -1;
	json_t *v = json_object_get(g, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* A measure's per-sample values (summary.json "values"), or NULL. */
static const json_t *series(json_t *g, const char *path)
{
	const json_t *v = rbjson_path(json_object_get(g, "values"), path);
	return json_is_array(v) ? v : NULL;
}

/*
 * A folder's raw-scale se and df of a measure: summary.json's "se" and
 * "df" (null: no interval, so none); for an older file without "df", the
 * spread of its per-replication values.
 */
static void folder_se(json_t *g, const char *path, double *se, long *df)
{
	*se = rbjson_num(rbjson_path(json_object_get(g, "se"), path));
	const json_t *d = rbjson_path(json_object_get(g, "df"), path);
	*df = json_is_integer(d) ? (long)json_integer_value(d) : 0;
	if (json_is_object(json_object_get(g, "df"))) {
		if (*df < 1)
			*se = NAN;
		return;
	}
	const json_t *v = series(g, path);
	size_t n = v ? json_array_size(v) : 0;
	double *x = calloc(n ? n : 1, sizeof(*x));
	if (!x) {
		*se = NAN, *df = 0;
		return;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = rbjson_num(json_array_get(v, i));
	struct stats_ci c = stats_ci(x, n);
	free(x);
	*se = c.valid ? c.se : NAN;
	*df = c.valid ? c.n - 1 : 0;
}

/* ---- which rows ------------------------------------------------------------ */

struct rowspec {
	char group[96]; /* "overall", "phases.peak" */
	const struct mdef *def;
	bool target;
};

static int add_row(struct cmp_result *r, size_t *cap)
{
	if (r->n_rows < *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 64;
	struct cmp_row *x = realloc(r->rows, nc * sizeof(*x));
	if (!x)
		return ENOMEM;
	r->rows = x;
	*cap = nc;
	return 0;
}

static json_t *group_of(json_t *root, const char *group)
{
	if (!strcmp(group, "overall"))
		return json_object_get(root, "overall");
	return json_object_get(json_object_get(root, "phases"), group + strlen("phases."));
}

/* The measure a target judges: its def (NULL when none, e.g. rings heard). */
static const struct mdef *target_def(json_t *t, const struct mdef *defs, size_t nd)
{
	const char *kind = json_string_value(json_object_get(t, "kind"));
	char path[48];
	if (!kind)
		return NULL;
	if (!strcmp(kind, "rings")) {
		const char *m = json_string_value(json_object_get(t, "measure"));
		const char *cnt = json_string_value(json_object_get(t, "count"));
		if (cnt && strcmp(cnt, "center")) /* rings heard: no per-group figure */
			return NULL;
		snprintf(path, sizeof(path), "%s.%lld", m ? m : "sla",
			 (long long)json_integer_value(json_object_get(t, "rings")));
	} else if (!strcmp(kind, "abandon_max")) {
		snprintf(path, sizeof(path), "abandon_fraction");
	} else {
		snprintf(path, sizeof(path), "abandon_before_forward_fraction");
	}
	for (size_t i = 0; i < nd; i++)
		if (!strcmp(defs[i].path, path))
			return &defs[i];
	return NULL;
}

/* Adds spec unless listed already; a target's mark sticks. */
static int add_spec(struct rowspec **sp, size_t *n, size_t *cap, const char *group,
		    const struct mdef *d, bool target)
{
	for (size_t i = 0; i < *n; i++)
		if ((*sp)[i].def == d && !strcmp((*sp)[i].group, group)) {
			(*sp)[i].target |= target;
			return 0;
		}
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 32;
		struct rowspec *x = realloc(*sp, nc * sizeof(*x));
		if (!x)
			return ENOMEM;
		*sp = x;
		*cap = nc;
	}
	struct rowspec *s = &(*sp)[(*n)++];
	snprintf(s->group, sizeof(s->group), "%s", group);
	s->def = d;
	s->target = target;
	return 0;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The groups both folders have: overall, then phases in sorted order. */
static int common_groups(json_t *a, json_t *b, char ***out, size_t *n_out)
{
	json_t *pa = json_object_get(a, "phases"), *pb = json_object_get(b, "phases");
	char **g = calloc(json_object_size(pa) + 1, sizeof(*g));
	if (!g)
		return ENOMEM;
	size_t n = 0;
	const char *key;
	json_t *val;
	json_object_foreach(pa, key, val)
		if (json_is_object(json_object_get(pb, key)))
			g[n++] = (char *)key;
	qsort(g, n, sizeof(*g), cmp_names);
	char **o = calloc(n + 1, sizeof(*o));
	if (!o) {
		free(g);
		return ENOMEM;
	}
	o[0] = strdup("overall");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(g[i]) + 8;
		if ((o[i + 1] = malloc(len)))
			snprintf(o[i + 1], len, "phases.%s", g[i]);
	}
	free(g);
	*out = o;
	*n_out = n + 1;
	for (size_t i = 0; i <= n; i++)
		if (!o[i])
			return ENOMEM;
	return 0;
}

/*
 * The targets of both folders as (group, measure): marked as targets among
 * the rows, added first by default. A target compare cannot read (rings
 * heard: no per-group figure) is counted in r->n_target_unreadable, which
 * leaves the comparison undecided.
 */
static int target_specs(json_t *a, json_t *b, const struct mdef *defs, size_t nd,
			struct cmp_result *r, struct rowspec **sp, size_t *n)
{
	size_t cap = 0;
	json_t *roots[2] = {a, b};
	for (int k = 0; k < 2; k++) {
		json_t *tg = json_object_get(roots[k], "targets"), *t;
		size_t i;
		json_array_foreach(tg, i, t) {
			const struct mdef *d = target_def(t, defs, nd);
			const char *ph = json_string_value(json_object_get(t, "phase"));
			char group[96];
			if (ph)
				snprintf(group, sizeof(group), "phases.%.80s", ph);
			else
				snprintf(group, sizeof(group), "overall");
			if (!d) {
				r->n_target_unreadable += k == 0;
				continue;
			}
			if (add_spec(sp, n, &cap, group, d, true))
				return ENOMEM;
		}
	}
	return 0;
}

static int pick_specs(json_t *a, json_t *b, const struct cmp_opts *o, const struct mdef *defs,
		      size_t nd, struct cmp_result *r, struct rowspec **sp, size_t *n)
{
	struct rowspec *tg = NULL;
	size_t nt = 0, cap = 0;
	int err = target_specs(a, b, defs, nd, r, &tg, &nt);
	bool every = o->all || o->measures || (nt == 0 && !r->n_target_unreadable);
	r->no_targets = !o->all && !o->measures && nt == 0 && !r->n_target_unreadable;
	if (!err && !every) { /* the default: the targets' rows alone */
		*sp = tg;
		*n = nt;
		return 0;
	}
	char **groups = NULL;
	size_t ng = 0;
	if (!err)
		err = common_groups(a, b, &groups, &ng);
	for (size_t g = 0; g < ng && !err; g++)
		for (size_t i = 0; i < nd && !err; i++)
			if (!o->measures || picked(o->measures, defs[i].path))
				err = add_spec(sp, n, &cap, groups[g], &defs[i], false);
	for (size_t g = 0; g < ng; g++)
		free(groups[g]);
	free(groups);
	/* targets still count as targets among every measure listed */
	for (size_t t = 0; t < nt && !err; t++)
		for (size_t j = 0; j < *n; j++)
			if ((*sp)[j].def == tg[t].def && !strcmp((*sp)[j].group, tg[t].group))
				(*sp)[j].target = true;
	free(tg);
	return err;
}

/* ---- pairing --------------------------------------------------------------- */

static bool same_edges(json_t *a, json_t *b)
{
	json_t *ea = json_object_get(a, "batch_edges_s"), *eb = json_object_get(b, "batch_edges_s");
	if (!json_is_array(ea) || !json_is_array(eb) || json_array_size(ea) != json_array_size(eb))
		return false;
	for (size_t i = 0; i < json_array_size(ea); i++)
		if (fabs(rbjson_num(json_array_get(ea, i)) - rbjson_num(json_array_get(eb, i))) > 1e-6)
			return false;
	return true;
}

static bool decide_pairing(json_t *a, json_t *b, const struct cmp_opts *o, struct cmp_result *r)
{
	const char *ka = json_string_value(json_object_get(a, "pairing_key"));
	const char *kb = json_string_value(json_object_get(b, "pairing_key"));
	const char *ma = json_string_value(json_object_get(a, "ci_method"));
	const char *mb = json_string_value(json_object_get(b, "ci_method"));
	const char *why = NULL;
	if (o->unpaired)
		why = "unpaired (--unpaired)";
	else if (!ka || !kb)
		why = "unpaired (a folder has no pairing key)";
	else if (strcmp(ka, kb))
		why = "unpaired (different callers: the load, seed or stream layout differ)";
	else if (!ma || !mb || strcmp(ma, mb))
		why = "unpaired (same callers, but one folder has replications, the other batches)";
	else if (!strcmp(ma, "replications") &&
		 json_integer_value(json_object_get(a, "replications")) !=
			 json_integer_value(json_object_get(b, "replications")))
		why = "unpaired (same callers, but not the same number of replications)";
	else if (strcmp(ma, "replications") && !same_edges(a, b))
		why = "unpaired (same callers, but not the same batches)";
	if (why) {
		snprintf(r->pairing, sizeof(r->pairing), "%s", why);
		return false;
	}
	snprintf(r->pairing, sizeof(r->pairing), "paired (the same callers: pairing key %.12s; %s)",
		 ka, strcmp(ma, "replications") ? "batch k against batch k"
						 : "replication r against replication r");
	return true;
}

/*
 * The paired test's se and df: the differences sample by sample; batches
 * merged in pairs until the differences pass the lag-1 test (at least
 * CMP_MIN_BATCHES kept), with the same correction for what correlation is
 * left as one folder's batch means get (estimate.h).
 */
#define CMP_MIN_BATCHES 10
static void paired_se(const json_t *va, const json_t *vb, bool batches, struct cmp_row *w)
{
	size_t n = json_array_size(va);
	w->se = NAN;
	w->df = NAN;
	if (!n || json_array_size(vb) != n)
		return;
	double *d = calloc(n, sizeof(*d));
	if (!d)
		return;
	for (size_t i = 0; i < n; i++)
		d[i] = rbjson_num(json_array_get(va, i)) - rbjson_num(json_array_get(vb, i));
	int m = (int)n, min = batches ? CMP_MIN_BATCHES : 2;
	if (batches)
		for (int level = est_batch_level(d, m, min); level > 1; level /= 2)
			m = est_merge_pairs(d, m);
	struct stats_ci c = stats_ci(d, (size_t)m);
	if (c.valid && c.n >= min) {
		w->se = batches ? est_lag1_inflate(c.se, est_lag1(d, m), c.n) : c.se;
		w->df = c.n - 1;
		w->pairs = c.n;
	}
	free(d);
}

/* ---- the rows -------------------------------------------------------------- */

/* A measure in [0, 1] (a level, a fraction, an occupancy), not a time or a length. */
static bool proportion(const char *path)
{
	return strncmp(path, "wait_s", 6) && strncmp(path, "queue_len", 9);
}

/* p kept half a call from 0 and 1 (n: the calls; < 1: a time share, 1e-6). */
static double clamp_p(double p, long long n)
{
	double e = n >= 1 ? 0.5 / (double)n : 1e-6;
	return fmin(fmax(p, e), 1 - e);
}

/*
 * Welch's t of two independent folders; returns the difference tested. A
 * proportion is tested on the logit scale, its raw-scale se carried over
 * by the delta method (se / (p (1 − p))): a single run's se shrinks as its
 * level nears 1, so on the raw scale a run that happened to be quiet looks
 * too sure of itself. Measured on erlang-a, one run against the exact
 * sla[3], 1,000 seeds: |z| beyond t(0.995, df) in 3.6 % of runs on the raw
 * scale, 1.9 % on the logit scale (where 1 % is right).
 */
static double welch(struct cmp_row *w, bool prop)
{
	double sa = w->se_a, sb = w->se_b, d = w->diff;
	if (prop) {
		double pa = clamp_p(w->a, w->n_a), pb = clamp_p(w->b, w->n_b);
		sa /= pa * (1 - pa);
		sb /= pb * (1 - pb);
		d = log(pa / (1 - pa)) - log(pb / (1 - pb));
		w->logit = true;
	}
	double qa = sa * sa, qb = sb * sb;
	w->se = sqrt(qa + qb);
	double den = qa * qa / (double)w->df_a + qb * qb / (double)w->df_b;
	w->df = den > 0 ? (qa + qb) * (qa + qb) / den : (double)(w->df_a + w->df_b);
	return d;
}

static void fill_row(json_t *ra, json_t *rb, const struct rowspec *sp, const struct cmp_opts *o,
		     bool paired, bool batches, struct cmp_row *w)
{
	memset(w, 0, sizeof(*w));
	json_t *ga = group_of(ra, sp->group), *gb = group_of(rb, sp->group);
	const char *path = sp->def->path;
	snprintf(w->measure, sizeof(w->measure), "%.80s.%.40s", sp->group, path);
	w->target = sp->target;
	w->a = rbjson_num(rbjson_path(ga, path));
	w->b = rbjson_num(rbjson_path(gb, path));
	folder_se(ga, path, &w->se_a, &w->df_a);
	folder_se(gb, path, &w->se_b, &w->df_b);
	group_ci(ga, path, w->ci_a);
	group_ci(gb, path, w->ci_b);
	w->n_a = calls_over(ga, sp->def->over);
	w->n_b = calls_over(gb, sp->def->over);
	w->diff = w->a - w->b;
	w->t = w->p = w->alpha_holm = w->se = w->df = NAN;
	w->dup_of = -1;
	long min_calls = o->min_calls > 0 ? o->min_calls : 30;
	if (!ga || !gb || isnan(w->a) || isnan(w->b)) {
		w->status = CMP_UNKNOWN;
		return;
	}
	if (sp->def->over != OVER_TIME && (w->n_a < min_calls || w->n_b < min_calls)) {
		w->status = CMP_TOO_FEW;
		return;
	}
	const json_t *va = series(ga, path), *vb = series(gb, path);
	double tested_diff = w->diff;
	if (paired && va && vb) {
		paired_se(va, vb, batches, w);
	} else if (!isnan(w->se_a) && !isnan(w->se_b) && w->df_a >= 1 && w->df_b >= 1) {
		tested_diff = welch(w, proportion(path));
	}
	if (isnan(w->se) || !(w->df >= 1)) {
		w->status = CMP_NO_INTERVAL;
		return;
	}
	double d = tested_diff;
	w->t = d == 0 ? 0 : w->se > 0 ? d / w->se : (d > 0 ? INFINITY : -INFINITY);
	w->p = isinf(w->t) ? 0 : 2 * gsl_cdf_tdist_Q(fabs(w->t), w->df);
	w->status = CMP_SAME; /* judged once every row is known */
}

/* A row that repeats an earlier one's figures exactly (a phase that is the run). */
static void mark_duplicates(struct cmp_result *r)
{
	for (size_t j = 0; j < r->n_rows; j++) {
		struct cmp_row *w = &r->rows[j];
		if (w->status != CMP_SAME)
			continue;
		const char *pj = strchr(w->measure + (strncmp(w->measure, "phases.", 7) ? 0 : 7), '.');
		for (size_t i = 0; i < j; i++) {
			const struct cmp_row *v = &r->rows[i];
			const char *pi = strchr(v->measure + (strncmp(v->measure, "phases.", 7) ? 0 : 7), '.');
			if (v->status != CMP_SAME || !pi || !pj || strcmp(pi, pj))
				continue;
			if (v->a == w->a && v->b == w->b && v->se == w->se && v->df == w->df) {
				w->status = CMP_DUPLICATE;
				w->dup_of = (int)i;
				if (w->target) /* a target's row stands for both */
					r->rows[i].target = true;
				break;
			}
		}
	}
}

static int by_p(const void *x, const void *y)
{
	const struct cmp_row *a = *(const struct cmp_row *const *)x, *b = *(const struct cmp_row *const *)y;
	return a->p < b->p ? -1 : a->p > b->p ? 1 : 0;
}

/* Holm's step-down: the i-th smallest p against alpha / (m − i). */
static int holm(struct cmp_result *r)
{
	struct cmp_row **v = calloc(r->n_rows + 1, sizeof(*v));
	if (!v)
		return ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i].status == CMP_SAME)
			v[m++] = &r->rows[i];
	qsort(v, m, sizeof(*v), by_p);
	r->n_judged = m;
	bool rejecting = true;
	for (size_t i = 0; i < m; i++) {
		v[i]->alpha_holm = r->alpha / (double)(m - i);
		if (rejecting && v[i]->p <= v[i]->alpha_holm) {
			v[i]->status = CMP_DIFFERENT;
			r->n_different++;
		} else {
			rejecting = false;
		}
	}
	free(v);
	return 0;
}

int compare_run(json_t *a, json_t *b, const struct cmp_opts *o, struct cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->alpha = o->alpha > 0 ? o->alpha : 0.01;
	struct mdef defs[64];
	size_t nd = measure_defs(defs);
	struct rowspec *sp = NULL;
	size_t ns = 0, cap = 0;
	int err = pick_specs(a, b, o, defs, nd, r, &sp, &ns);
	if (!err && !ns)
		err = EINVAL;
	bool paired = !err && decide_pairing(a, b, o, r);
	const char *ma = json_string_value(json_object_get(a, "ci_method"));
	bool batches = ma && strcmp(ma, "replications");
	for (size_t i = 0; i < ns && !err; i++) {
		if (!(err = add_row(r, &cap)))
			fill_row(a, b, &sp[i], o, paired, batches, &r->rows[r->n_rows++]);
	}
	free(sp);
	if (err)
		return err;
	r->paired = paired;
	mark_duplicates(r);
	if ((err = holm(r)))
		return err;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *w = &r->rows[i];
		bool undecided = w->status == CMP_TOO_FEW || w->status == CMP_NO_INTERVAL ||
				 w->status == CMP_UNKNOWN;
		r->n_too_few += w->status == CMP_TOO_FEW;
		r->n_targets += w->target;
		r->n_target_undecided += w->target && undecided;
	}
	r->n_target_undecided += r->n_target_unreadable;
	double rpa = rbjson_num(json_object_get(a, "ring_period_s"));
	double rpb = rbjson_num(json_object_get(b, "ring_period_s"));
	r->ring_period_differs = rpa != rpb;
	return 0;
}

int compare_exit_code(const struct cmp_result *r)
{
	if (r->n_different)
		return 1;
	if (r->n_target_undecided || !r->n_judged)
		return 4;
	return 0;
}

void cmp_result_free(struct cmp_result *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static void print_val(FILE *out, double v, const double ci[2])
{
	char b[64];
	if (isnan(v))
		snprintf(b, sizeof(b), "null");
	else if (isnan(ci[0]) || isnan(ci[1]))
		snprintf(b, sizeof(b), "%.4f", v);
	else
		snprintf(b, sizeof(b), "%.4f [%.4f, %.4f]", v, ci[0], ci[1]);
	fprintf(out, " %-26s", b);
}

void compare_print(const struct cmp_result *r, const char *name_a, const char *name_b, FILE *out)
{
	fprintf(out, "A: %s\nB: %s\n%s\n", name_a, name_b, r->pairing);
	if (r->ring_period_differs)
		fprintf(out, "warning: the folders have different ring periods; rings are not "
			     "comparable\n");
	if (r->no_targets)
		fprintf(out, "no targets in either folder: every measure is judged\n");
	fprintf(out, "%-42s %-26s %-26s %9s %8s %6s %8s  %s\n", "measure (* a target's)",
		"A [95 % interval]", "B [95 % interval]", "A - B", "se", "df", "p", "result");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *w = &r->rows[i];
		char name[140];
		snprintf(name, sizeof(name), "%s%s", w->target ? "* " : "  ", w->measure);
		fprintf(out, "%-42s", name);
		print_val(out, w->a, w->ci_a);
		print_val(out, w->b, w->ci_b);
		if (isnan(w->diff))
			fprintf(out, " %9s", "");
		else
			fprintf(out, " %9.4f", w->diff);
		if (isnan(w->p))
			fprintf(out, " %8s %6s %8s", "", "", "");
		else
			fprintf(out, " %8.4f %6.1f %8.2g", w->se, w->df, w->p);
		fprintf(out, "  %s", cmp_status_name(w->status));
		if (w->status == CMP_TOO_FEW)
			fprintf(out, " (%lld and %lld calls)", w->n_a, w->n_b);
		if (w->status == CMP_DUPLICATE)
			fprintf(out, " (%s)", r->rows[w->dup_of].measure);
		fputc('\n', out);
	}
	if (r->n_judged)
		fprintf(out, "\n%zu measure%s judged, %s; a difference is real when it survives "
			     "Holm's correction at the two-sided %g %% level (Welch's t%s)\n",
			r->n_judged, r->n_judged == 1 ? "" : "s", r->paired ? "paired" : "unpaired",
			100 * r->alpha, r->paired ? " on the differences" : ", Welch-Satterthwaite df");
	else
		fprintf(out, "\nno measure could be judged\n");
	if (r->n_too_few)
		fprintf(out, "%zu measure%s had too few calls to tell (fewer than the minimum in a "
			     "folder): not judged\n",
			r->n_too_few, r->n_too_few == 1 ? "" : "s");
	if (r->n_different)
		fprintf(out, "result: %zu real difference%s\n", r->n_different,
			r->n_different == 1 ? "" : "s");
	else if (r->n_target_undecided || !r->n_judged)
		fprintf(out, "result: cannot tell: %zu target measure%s could not be judged "
			     "(more calls, batches or replications would decide%s)\n",
			r->n_target_undecided, r->n_target_undecided == 1 ? "" : "s",
			r->n_target_unreadable ? "; a target on rings heard has no per-group figure "
						 "to compare" : "");
	else
		fprintf(out, "result: no real difference among the %zu measure%s judged\n",
			r->n_judged, r->n_judged == 1 ? "" : "s");
}

static json_t *jreal(double v)
{
	if (isinf(v))
		return json_real(v > 0 ? 1e308 : -1e308);
	return isnan(v) ? json_null() : json_real(v);
}

json_t *compare_json(const struct cmp_result *r, const char *name_a, const char *name_b)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *w = &r->rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "measure", json_string(w->measure));
		json_object_set_new(o, "target", json_boolean(w->target));
		json_object_set_new(o, "a", jreal(w->a));
		json_object_set_new(o, "b", jreal(w->b));
		json_object_set_new(o, "se_a", jreal(w->se_a));
		json_object_set_new(o, "se_b", jreal(w->se_b));
		json_object_set_new(o, "diff", jreal(w->diff));
		json_object_set_new(o, "se", jreal(w->se));
		json_object_set_new(o, "df", jreal(w->df));
		json_object_set_new(o, "pairs", w->pairs ? json_integer(w->pairs) : json_null());
		json_object_set_new(o, "t", jreal(w->t));
		json_object_set_new(o, "p", jreal(w->p));
		json_object_set_new(o, "alpha_holm", jreal(w->alpha_holm));
		json_object_set_new(o, "calls_a", w->n_a >= 0 ? json_integer(w->n_a) : json_null());
		json_object_set_new(o, "calls_b", w->n_b >= 0 ? json_integer(w->n_b) : json_null());
		json_object_set_new(o, "result", json_string(cmp_status_name(w->status)));
		json_array_append_new(rows, o);
	}
	return json_pack("{s:s, s:s, s:b, s:s, s:f, s:I, s:I, s:I, s:I, s:b, s:i, s:o}", "a", name_a,
			 "b", name_b, "paired", r->paired, "pairing", r->pairing, "alpha", r->alpha,
			 "measures_judged", (json_int_t)r->n_judged, "differences",
			 (json_int_t)r->n_different, "too_few_calls", (json_int_t)r->n_too_few,
			 "targets_undecided", (json_int_t)r->n_target_undecided,
			 "ring_period_differs", r->ring_period_differs, "exit_code",
			 compare_exit_code(r), "rows", rows);
}
