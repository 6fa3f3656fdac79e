/*
 * summary_json: summary.json (jansson, sorted keys, fixed float format) and
 * the short terminal summary; see summary.h and docs/results.md for the
 * file's shape.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rbjson.h"
#include "rv.h"
#include "scn_hash.h"
#include "summary.h"
#include "summary_int.h"

/* 16 significant digits: t0_epoch keeps its microseconds, 0.7 stays 0.7. */
#define SUM_JSON_INDENT 1
#define SUM_JSON_PRECISION 16
#define SUM_JSON_FLAGS                                                                     \
	(JSON_SORT_KEYS | JSON_INDENT(SUM_JSON_INDENT) | JSON_REAL_PRECISION(SUM_JSON_PRECISION))

static const char *const measure_names[] = {"sla", "answered_within", "sl", "sl2"};

/* [lo, hi], or nothing when an end is not finite (as json_pack("[ff]")) */
static struct rbj *jci(struct rbj_arena *A, const struct est *c)
{
	if (!c->valid)
		return rbj_null(A);
	struct rbj *lo = rbj_real(A, c->lo), *hi = rbj_real(A, c->hi), *ci = rbj_array(A);
	if (!lo || !hi || rbj_append(ci, lo) || rbj_append(ci, hi))
		return NULL;
	return ci;
}

static struct rbj *jse(struct rbj_arena *A, const struct est *c)
{
	return c->valid ? rbj_real(A, c->se) : rbj_null(A);
}

static struct rbj *jdf(struct rbj_arena *A, const struct est *c)
{
	return c->valid ? rbj_integer(A, c->df) : rbj_null(A);
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
	struct rbj *m, *ci, *se, *df, *vals; /* vals NULL: not kept for this group */
	const struct sum_view *v;
	struct rbj_arena *a;
};

static void put_values(struct mdst *d, const char *key, const struct est *c, struct rbj *series)
{
	struct rbj_arena *A = d->a;
	rbj_set(A, d->m, key, rbj_real_or_null(A, c->point));
	rbj_set(A, d->ci, key, jci(A, c));
	rbj_set(A, d->se, key, jse(A, c));
	rbj_set(A, d->df, key, jdf(A, c));
	if (d->vals)
		rbj_set(A, d->vals, key, series ? series : rbj_null(A));
}

static void put_x(struct mdst *d, const char *key, sum_partfn f, int a, int b, enum est_range r,
		  bool calls, bool known)
{
	struct rbj_arena *A = d->a;
	struct est c = {.point = NAN, .se = NAN};
	struct rbj *series = NULL;
	if (known) {
		c = sum_view_est(d->v, f, a, b, r, calls);
		if (d->vals) {
			series = rbj_array(A);
			for (int i = 0; i < d->v->n_samples; i++) {
				double num, den;
				f(d->v->samples[i], a, b, &num, &den);
				rbj_append(series, rbj_real_or_null(A, den > 0 ? num / den : NAN));
			}
		}
	}
	put_values(d, key, &c, series);
}

static void put_count(struct mdst *d, const char *key, uint64_t n, bool known)
{
	struct rbj_arena *A = d->a;
	rbj_set(A, d->m, key, known ? rbj_integer(A, (json_int_t)n) : rbj_null(A));
	rbj_set(A, d->ci, key, rbj_null(A));
	rbj_set(A, d->se, key, rbj_null(A));
	rbj_set(A, d->df, key, rbj_null(A));
}

/* A sub-object of the same shape in m, ci, se, df and vals. */
static struct mdst sub(struct mdst *d, const char *key)
{
	struct rbj_arena *A = d->a;
	struct mdst s = *d;
	struct rbj **from[] = {&d->m, &d->ci, &d->se, &d->df, &d->vals};
	struct rbj **to[] = {&s.m, &s.ci, &s.se, &s.df, &s.vals};
	for (int i = 0; i < 5; i++) {
		if (!*from[i])
			continue;
		*to[i] = rbj_object(A);
		rbj_set(A, *from[i], key, *to[i]);
	}
	return s;
}

static void put_quantile(struct mdst *d, const char *key, int j)
{
	struct rbj_arena *A = d->a;
	const struct sum_view *v = d->v;
	double point = stats_whist_quantile(&v->hist, sum_q[j]);
	struct est c = {.point = point, .se = NAN};
	struct rbj *series = NULL;
	if (v->sq) { /* replications: each one's own quantile */
		double *q = calloc((size_t)(v->n_samples ? v->n_samples : 1), sizeof(*q));
		series = rbj_array(A);
		for (int i = 0; q && i < v->n_samples; i++) {
			q[i] = v->sq[i * SUM_NQ + j];
			rbj_append(series, rbj_real_or_null(A, q[i]));
		}
		if (q)
			c = est_values(q, v->n_samples, point, EST_NONNEG);
		free(q);
	}
	put_values(d, key, &c, series);
}

static struct rbj *group_json(struct rbj_arena *A, const struct sum_view *v, bool with_ci,
			       bool with_values)
{
	struct rbj *m = rbj_object(A), *ci = rbj_object(A), *se = rbj_object(A), *df = rbj_object(A);
	struct rbj *vals = with_values ? rbj_object(A) : NULL;
	if (!m || !ci || !se || !df || (with_values && !vals))
		return NULL;
	struct mdst d = {m, ci, se, df, vals, v, A};
	const struct sum_cell *c = &v->total;
	char key[8];

	put_count(&d, "dialled", sum_dialled(c), true);
	put_count(&d, "offered", sum_offered(c), true);
	put_count(&d, "answered", C_ANS(c), true);
	put_count(&d, "screened", c->screened, c->screened_unknown < C_ANS(c) || C_ANS(c) == 0);
	put_count(&d, "abandoned", C_ABD(c), true);
	put_count(&d, "abandoned_before_forward", C_ABF(c), true);
	put_count(&d, "rejected", C_REJ(c), true);
	put_count(&d, "incomplete", C_INC(c), true);
	for (int m_i = 0; m_i < 4; m_i++) {
		struct mdst s = sub(&d, measure_names[m_i]);
		for (int k = 1; k <= RB_MAX_RINGS; k++) {
			snprintf(key, sizeof(key), "%d", k);
			put_x(&s, key, x_level, m_i, k, EST_PROPORTION, true, true);
		}
	}
	put_x(&d, "abandon_fraction", x_abandon, 0, 0, EST_PROPORTION, true, true);
	put_x(&d, "abandon_before_forward_fraction", x_abf, 0, 0, EST_PROPORTION, true, true);
	struct mdst w = sub(&d, "wait_s");
	put_x(&w, "mean", x_wait_mean, 0, 0, EST_NONNEG, false, true);
	put_quantile(&w, "p50", 0);
	put_quantile(&w, "p90", 1);
	put_quantile(&w, "p99", 2);
	struct rbj *rh = rbj_object(A);
	for (int i = 0; i < RB_RINGS_HEARD_BINS; i++) {
		if (i == RB_RINGS_HEARD_BINS - 1)
			snprintf(key, sizeof(key), "%d+", i + 1);
		else
			snprintf(key, sizeof(key), "%d", i + 1);
		rbj_set(A, rh, key, rbj_integer(A, (json_int_t)c->hh[0][i]));
	}
	rbj_set(A, m, "rings_heard", rh);
	rbj_set(A, ci, "rings_heard", rbj_null(A));
	rbj_set(A, se, "rings_heard", rbj_null(A));
	rbj_set(A, df, "rings_heard", rbj_null(A));
	put_x(&d, "occupancy", x_occ, 0, 0, EST_PROPORTION, false, v->tw);
	put_x(&d, "backup_occupancy", x_occ, 1, 0, EST_PROPORTION, false, v->tw);
	struct mdst q = sub(&d, "queue_len");
	put_x(&q, "mean", x_queue, 0, 0, EST_NONNEG, false, v->tw);
	bool qmax = v->tw && c->tw.dur > 0;
	rbj_set(A, q.m, "max", qmax ? rbj_integer(A, c->tw.ring_max) : rbj_null(A));
	rbj_set(A, q.ci, "max", rbj_null(A));
	rbj_set(A, q.se, "max", rbj_null(A));
	rbj_set(A, q.df, "max", rbj_null(A));
	if (with_ci) {
		rbj_set(A, m, "ci95", ci);
		rbj_set(A, m, "se", se);
		rbj_set(A, m, "df", df);
	}
	if (vals)
		rbj_set(A, m, "values", vals);
	return m;
}

static const char *const engine_names[] = {"model", "live", "capture"};
static const char *const judgement_names[] = {"pass", "fail", "inconclusive"};
static const char *const count_names[] = {"center", "heard"};

static struct rbj *target_json(struct rbj_arena *A, const struct sum_target *tr)
{
	const struct scn_target *t = tr->t;
	struct rbj *o = rbj_object(A);
	rbj_set(A, o, "phase", tr->phase ? rbj_string(A, tr->phase) : rbj_null(A));
	switch (t->kind) {
	case TARGET_RINGS:
		rbj_set(A, o, "kind", rbj_string(A, "rings"));
		rbj_set(A, o, "rings", rbj_integer(A, t->rings));
		rbj_set(A, o, "min", rbj_real(A, t->min));
		rbj_set(A, o, "measure", rbj_string(A, measure_names[t->measure]));
		rbj_set(A, o, "count", rbj_string(A, count_names[t->count]));
		break;
	case TARGET_ABANDON_MAX:
		rbj_set(A, o, "kind", rbj_string(A, "abandon_max"));
		rbj_set(A, o, "abandon_max", rbj_real(A, t->max));
		break;
	default:
		rbj_set(A, o, "kind", rbj_string(A, "abandon_before_forward_max"));
		rbj_set(A, o, "abandon_before_forward_max", rbj_real(A, t->max));
		break;
	}
	rbj_set(A, o, "measured", rbj_real_or_null(A, tr->measured));
	rbj_set(A, o, "ci95", jci(A, &tr->ci));
	rbj_set(A, o, "se", jse(A, &tr->ci));
	/* pass: true or false once decided, null while inconclusive */
	rbj_set(A, o, "pass", tr->judged == JUDGE_INCONCLUSIVE ? rbj_null(A)
									 : rbj_bool(A, tr->judged == JUDGE_PASS));
	rbj_set(A, o, "result", rbj_string(A, judgement_names[tr->judged]));
	if (tr->note)
		rbj_set(A, o, "note", rbj_string(A, tr->note));
	return o;
}

static struct rbj *jstr_or_null(struct rbj_arena *A, const char *s)
{
	return s ? rbj_string(A, s) : rbj_null(A);
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

static struct rbj *batch_edges(struct rbj_arena *A, const struct summary *s)
{
	if (!s->n_edges)
		return rbj_null(A);
	struct rbj *a = rbj_array(A);
	for (int i = 0; i < s->n_edges; i++)
		rbj_append(a, rbj_real(A, s->edges[i]));
	return a;
}

/*
 * What pairs two folders (common random numbers): the parsed load's hash,
 * the random-stream layout, and the key of both with the seed; the hashes
 * are null without a scenario (or if hashing fails).
 */
static void pairing_json(struct rbj_arena *A, struct rbj *root, const struct summary_opts *o)
{
	char load[65], key[65];
	bool ok = o->scn && !scn_load_hash(o->scn, load);
	rbj_set(A, root, "load_sha256", ok ? rbj_string(A, load) : rbj_null(A));
	rbj_set(A, root, "stream_layout", rbj_integer(A, RV_STREAM_LAYOUT));
	ok = ok && !scn_pairing_key(load, o->seed, RV_STREAM_LAYOUT, key);
	rbj_set(A, root, "pairing_key", ok ? rbj_string(A, key) : rbj_null(A));
}

/* Total of the replications' saturated draws, null when none reported. */
static struct rbj *saturated_json(struct rbj_arena *A, const struct summary *s)
{
	uint64_t n = 0;
	bool known = false;
	for (int r = 0; r < s->n_reps; r++) {
		n += s->reps[r].saturated;
		known = known || s->reps[r].saturated_known;
	}
	return known ? rbj_integer(A, (json_int_t)n) : rbj_null(A);
}

/* summary.json's tree, in A (NULL when memory ran out). */
static struct rbj *summary_tree(struct rbj_arena *A, const struct summary *s)
{
	const struct summary_opts *o = &s->o;
	const struct sum_layout *L = &s->L;
	struct rbj *root = rbj_object(A);

	rbj_set(A, root, "engine", rbj_string(A, engine_names[o->engine]));
	rbj_set(A, root, "version", rbj_string(A, RB_VERSION));
	rbj_set(A, root, "command", jstr_or_null(A, o->command));
	rbj_set(A, root, "scenario", jstr_or_null(A, o->scn ? o->scn->name : NULL));
	rbj_set(A, root, "scenario_sha256",
			    o->scn && o->scn->sha256[0] ? rbj_string(A, o->scn->sha256) : rbj_null(A));
	pairing_json(A, root, o);
	rbj_set(A, root, "seed", rbj_integer(A, (json_int_t)o->seed));
	rbj_set(A, root, "replications", rbj_integer(A, s->n_reps));
	rbj_set(A, root, "saturated_draws", saturated_json(A, s));
	rbj_set(A, root, "ring_period_s", rbj_real(A, rb_us_to_s(s->ring_period)));
	rbj_set(A, root, "t0_epoch", o->engine == ENGINE_MODEL || o->t0_epoch == RB_T_NONE
						      ? rbj_null(A)
						      : rbj_real(A, rb_us_to_s(o->t0_epoch)));
	rbj_set(A, root, "ci_method", rbj_string(A, ci_method(s)));
	rbj_set(A, root, "ci_note", rbj_string(A, ci_note(s)));
	rbj_set(A, root, "batch_edges_s", batch_edges(A, s));
	rbj_set(A, root, "overall", group_json(A, &s->views[0], true, true));

	struct rbj *ph = rbj_object(A), *ten = rbj_object(A), *fwd = rbj_object(A);
	for (int i = 0; i < L->n_win; i++)
		rbj_set(A, ph, s->views[L->g_win + i].name, group_json(A, &s->views[L->g_win + i], true, true));
	for (int i = 0; i < L->n_ten; i++)
		rbj_set(A, ten, s->views[L->g_ten + i].name, group_json(A, &s->views[L->g_ten + i], true, false));
	for (int i = L->n_groups; i < s->n_views; i++)
		rbj_set(A, ten, s->views[i].name, group_json(A, &s->views[i], true, false));
	for (int i = 0; i < 2; i++)
		rbj_set(A, fwd, s->views[L->g_fwd + i].name, group_json(A, &s->views[L->g_fwd + i], true, false));
	rbj_set(A, root, "phases", ph);
	rbj_set(A, root, "by_tenant", ten);
	rbj_set(A, root, "by_forwarding", fwd);
	if (o->scn) {
		/* the tenants' answering names and numbers, so that a folder
		 * copied away from its scenario file still reports them */
		struct rbj *tn = rbj_object(A);
		for (size_t i = 0; i < o->scn->n_tenants; i++) {
			const struct scn_tenant *t = &o->scn->tenants[i];
			/* as json_pack("{s:s?, s:s?}"): nothing when a text is not UTF-8 */
			struct rbj *nm = jstr_or_null(A, t->name), *nb = jstr_or_null(A, t->number);
			struct rbj *to = rbj_object(A);
			if (nm && nb && !rbj_set(A, to, "name", nm) && !rbj_set(A, to, "number", nb))
				rbj_set(A, tn, t->id, to);
		}
		rbj_set(A, root, "tenants", tn);
	}

	struct rbj *ints = rbj_array(A);
	for (int i = 0; i < s->n_ints_used; i++) {
		/* With one replication a 15-minute row has no interval of its own:
		 * its ci95 and se are left out rather than written as nulls. */
		struct rbj *m = group_json(A, &s->views[L->g_int + i], !s->batch_mode, false);
		rbj_set(A, m, "t_start_s", rbj_real(A, rb_us_to_s((rb_us)i * RB_INTERVAL_US)));
		rbj_append(ints, m);
	}
	rbj_set(A, root, "intervals", ints);

	struct rbj *tg = rbj_array(A);
	for (size_t i = 0; i < s->n_tres; i++)
		rbj_append(tg, target_json(A, &s->tres[i]));
	rbj_set(A, root, "targets", tg);
	enum rb_verdict v = summary_verdict(s);
	rbj_set(A, 
	    root, "verdict",
	    o->unjudged && v != VERDICT_ERROR ? rbj_null(A) : rbj_string(A, summary_verdict_name(v)));
	rbj_set(A, root, "inconclusive_reasons", s->incon ? rbj_json(A, json_copy(s->incon)) : rbj_array(A));
	rbj_set(A, root, "error", jstr_or_null(A, s->error));
	const char *key;
	json_t *val;
	json_object_foreach(s->extra, key, val)
		rbj_set(A, root, key, rbj_json(A, json_incref(val)));
	return rbj_arena_failed(A) ? NULL : root;
}

json_t *summary_to_json(const struct summary *s)
{
	if (!s->finished)
		return NULL;
	struct rbj_arena *A = rbj_arena_new();
	struct rbj *t = A ? summary_tree(A, s) : NULL;
	json_t *j = t ? rbj_to_json(t) : NULL;
	rbj_arena_free(A);
	return j;
}

int summary_write_json(const struct summary *s, const char *path)
{
	return summary_write_json_keep(s, path, NULL);
}

/*
 * The tree is built in an arena and written by rbj_dumps (rbjson.h), the
 * bytes json_dumps(tree, SUM_JSON_FLAGS) would write: bench/model's case at
 * 1 M calls (callgrind, write_summary inclusive, summary_finish and the
 * estimates included): 86.3 M instructions with jansson's tree, json_dumps
 * and the tree's freeing; 52.8 M with jansson's tree written by
 * rbjson_dumps_sorted; 31.3 M with the arena tree. The jansson tree is
 * made only when kept.
 */
int summary_write_json_keep(const struct summary *s, const char *path, struct json_t **keep)
{
	if (keep)
		*keep = NULL;
	if (!s->finished)
		return EINVAL;
	struct rbj_arena *A = rbj_arena_new();
	struct rbj *root = A ? summary_tree(A, s) : NULL;
	size_t len;
	char *text = root ? rbj_dumps(root, SUM_JSON_INDENT, SUM_JSON_PRECISION, &len) : NULL;
	if (keep && text && !(*keep = rbj_to_json(root))) {
		free(text);
		text = NULL;
	}
	rbj_arena_free(A);
	if (!text)
		return ENOMEM;
	int err = 0;
	char *tmp = NULL;
	size_t tn = strlen(path) + 8;
	tmp = malloc(tn);
	if (!tmp) {
		free(text);
		return ENOMEM;
	}
	snprintf(tmp, tn, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		err = errno;
		goto out;
	}
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF)
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		remove(tmp);
out:
	if (err && keep) {
		json_decref(*keep);
		*keep = NULL;
	}
	free(tmp);
	free(text);
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
