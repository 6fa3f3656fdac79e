/*
 * summary_finish: adds the replications up in index order (integers only,
 * so the totals never depend on which thread ran what), lays out the groups
 * the file shows with the samples their intervals come from, and judges the
 * targets. See summary.h and docs/results.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "summary_int.h"

static const struct sum_cell zero_cell;

void sum_level_parts(const struct sum_cell *c, enum scn_measure m, enum scn_count cnt, int k,
		     double *num, double *den)
{
	*num = *den = 0;
	if (k < 1 || k > RB_MAX_RINGS)
		return;
	const uint64_t *ans = cnt == COUNT_HEARD ? c->hh[0] : c->rr[0];
	const uint64_t *ab = cnt == COUNT_HEARD ? c->hh[1] : c->rr[1];
	uint64_t a = 0, b = 0;
	for (int i = 0; i < k; i++) {
		a += ans[i];
		b += ab[i];
	}
	switch (m) {
	case MEASURE_ANSWERED_WITHIN:
		*num = (double)a, *den = (double)sum_offered(c);
		break;
	case MEASURE_SL:
		*num = (double)a, *den = (double)C_ANS(c);
		break;
	case MEASURE_SL2:
		*num = (double)(a + b), *den = (double)(C_ANS(c) + C_ABD(c));
		break;
	case MEASURE_SLA:
	default:
		*num = (double)a, *den = (double)(sum_offered(c) - b);
		break;
	}
}

double sum_level(const struct sum_cell *c, enum scn_measure m, enum scn_count cnt, int k)
{
	double num, den;
	sum_level_parts(c, m, cnt, k, &num, &den);
	return den > 0 ? num / den : NAN;
}

static char *group_name(const struct summary *s, int g)
{
	const struct sum_layout *L = &s->L;
	char buf[32];
	const char *n = buf;
	if (g == 0)
		n = "overall";
	else if (g < L->g_ten)
		n = s->win[g - L->g_win].name ? s->win[g - L->g_win].name : "";
	else if (g < L->g_fwd)
		n = s->o.scn->tenants[g - L->g_ten].id ? s->o.scn->tenants[g - L->g_ten].id : "";
	else if (g < L->g_int)
		n = g == L->g_fwd ? "unconditional" : g == L->g_fwd + 1 ? "no-answer" : "unknown";
	else
		snprintf(buf, sizeof(buf), "%d", g - L->g_int);
	return strdup(n);
}

/*
 * Batches of a group when the end was not known: `used` fine bins (cells
 * `stride` apart) folded into at most SUM_BATCHES, in order.
 */
static void fold_bins(const struct summary *s, const struct sum_cell *fine, size_t stride,
		      struct sum_cell *out, int used, int *n_out)
{
	int n = used < SUM_BATCHES ? used : SUM_BATCHES;
	memset(out, 0, sizeof(*out) * SUM_BATCHES);
	for (int j = 0; j < used && j < s->n_bins; j++)
		sum_cell_add(&out[n == used ? j : (int)((long)j * SUM_BATCHES / used)],
			     &fine[(size_t)j * stride]);
	*n_out = n;
}

struct est sum_view_est_from(const struct sum_view *v, const struct est_part *p, double num,
			     double den, enum est_range r, bool calls)
{
	double cap = calls ? den : NAN;
	struct est e = v->batches ? est_batches(p, v->n_samples, v->min_samples, v->merge0, r, cap)
				  : est_replications(p, v->n_samples, r, cap);
	/* the point is the total's own ratio, also when no sample is known */
	e.point = den > 0 ? num / den : NAN;
	if (isnan(e.point) || e.n < v->min_samples) {
		e.valid = false;
		e.se = e.lo = e.hi = NAN;
		e.df = 0;
	} else {
		est_interval(&e, r, cap); /* about the total's point */
	}
	return e;
}

struct est sum_view_est(const struct sum_view *v, sum_partfn f, int a, int b, enum est_range r,
			bool calls)
{
	struct est_part stack[SUM_BATCHES], *p = stack;
	if (v->n_samples > SUM_BATCHES && !(p = malloc(sizeof(*p) * (size_t)v->n_samples))) {
		struct est e = {.point = NAN, .se = NAN, .lo = NAN, .hi = NAN};
		return e;
	}
	for (int i = 0; i < v->n_samples; i++)
		f(v->samples[i], a, b, &p[i].num, &p[i].den);
	double num, den;
	f(&v->total, a, b, &num, &den);
	struct est e = sum_view_est_from(v, p, num, den, r, calls);
	if (p != stack)
		free(p);
	return e;
}

static int view_samples(struct summary *s, struct sum_view *v, int n)
{
	v->samples = calloc((size_t)(n ? n : 1), sizeof(*v->samples));
	v->sq = calloc((size_t)(n ? n : 1) * SUM_NQ, sizeof(*v->sq));
	if (!v->samples || !v->sq)
		return ENOMEM;
	v->n_samples = n;
	v->batches = s->batch_mode;
	v->min_samples = s->batch_mode ? SUM_MIN_BATCHES : 2;
	return 0;
}

static int view_group(struct summary *s, struct sum_view *v, int g, struct sum_cell *bsum)
{
	const struct sum_layout *L = &s->L;
	v->name = group_name(s, g);
	if (!v->name)
		return ENOMEM;
	v->tw = s->o.time_weighted && (g < L->g_ten || g >= L->g_int);
	if (!s->batch_mode || g >= L->n_bgroups) {
		/* a 15-minute row with one replication counted in v->total
		 * itself (summary.c: row_cell), and has no interval */
		if (s->batch_mode)
			return view_samples(s, v, 0);
		for (int r = 0; r < s->n_reps; r++)
			sum_cell_add(&v->total, &s->reps[r].cells[g]);
		if (view_samples(s, v, s->n_reps))
			return ENOMEM;
		for (int r = 0; r < s->n_reps; r++) {
			v->samples[r] = &s->reps[r].cells[g];
			memcpy(v->sq + r * SUM_NQ, s->reps[r].quant + g * SUM_NQ,
			       sizeof(double) * SUM_NQ);
		}
		return 0;
	}
	/* one replication: the total is its batches added up, in order */
	const struct summary_rep *h = &s->reps[0];
	size_t stride = (size_t)L->n_bgroups;
	for (int b = 0; b < s->n_bins; b++)
		sum_cell_add(&v->total, &h->batch[(size_t)b * stride + g]);
	int n = s->n_bins;
	if (!s->fixed_bins)
		fold_bins(s, h->batch + g, stride, bsum, h->bins_used, &n);
	if (view_samples(s, v, n))
		return ENOMEM;
	free(v->sq);
	v->sq = NULL;
	for (int i = 0; i < n; i++)
		v->samples[i] = s->fixed_bins ? &h->batch[(size_t)i * stride + g] : &bsum[i];
	return 0;
}

/* Tenants met by name only (not in the scenario), over all replications. */
static int view_xten(struct summary *s, struct sum_view *v, const char *name, struct sum_cell *bsum)
{
	v->name = strdup(name);
	if (!v->name)
		return ENOMEM;
	if (s->batch_mode) {
		const struct summary_rep *h = &s->reps[0];
		const struct sum_xten *x = NULL;
		for (int i = 0; i < h->n_xten && !x; i++)
			if (!strcmp(h->xten[i].name, name))
				x = &h->xten[i];
		if (!x) /* cannot happen: the names come from the replications */
			return view_samples(s, v, 0);
		stats_whist_merge(&v->hist, &x->hist);
		for (int b = 0; b < s->n_bins; b++)
			sum_cell_add(&v->total, &x->batch[b]);
		int n = s->n_bins;
		if (!s->fixed_bins)
			fold_bins(s, x->batch, 1, bsum, h->bins_used, &n);
		if (view_samples(s, v, n))
			return ENOMEM;
		free(v->sq);
		v->sq = NULL;
		for (int i = 0; i < n; i++)
			v->samples[i] = s->fixed_bins ? &x->batch[i] : &bsum[i];
		return 0;
	}
	if (view_samples(s, v, s->n_reps))
		return ENOMEM;
	for (int r = 0; r < s->n_reps; r++) {
		const struct summary_rep *h = &s->reps[r];
		const struct sum_xten *x = NULL;
		for (int i = 0; i < h->n_xten && !x; i++)
			if (!strcmp(h->xten[i].name, name))
				x = &h->xten[i];
		v->samples[r] = x ? &x->cell : &zero_cell;
		for (int j = 0; j < SUM_NQ; j++)
			v->sq[r * SUM_NQ + j] = x ? stats_whist_quantile(&x->hist, sum_q[j]) : NAN;
		if (!x)
			continue;
		sum_cell_add(&v->total, &x->cell);
		stats_whist_merge(&v->hist, &x->hist);
	}
	return 0;
}

static int xten_names(const struct summary *s, const char ***out, int *n_out)
{
	int cap = 0, n = 0;
	for (int r = 0; r < s->n_reps; r++)
		cap += s->reps[r].n_xten;
	const char **names = calloc((size_t)(cap ? cap : 1), sizeof(*names));
	if (!names)
		return ENOMEM;
	for (int r = 0; r < s->n_reps; r++) {
		for (int i = 0; i < s->reps[r].n_xten; i++) {
			const char *nm = s->reps[r].xten[i].name;
			int j;
			for (j = 0; j < n && strcmp(names[j], nm) != 0; j++)
				;
			if (j == n)
				names[n++] = nm;
		}
	}
	*out = names;
	*n_out = n;
	return 0;
}

static int find_window(const struct summary *s, const struct scn_target *t)
{
	if (t->phase) {
		for (int i = 0; i < s->L.n_win; i++)
			if (s->win[i].name && !strcmp(s->win[i].name, t->phase))
				return i;
		return -2;
	}
	if (t->phase_idx >= 0) {
		if (!s->o.windows && t->phase_idx < s->L.n_win)
			return t->phase_idx;
		return -2;
	}
	return -1;
}

void sum_target_parts(const struct scn_target *t, const struct sum_cell *c, double *num,
		      double *den)
{
	switch (t->kind) {
	case TARGET_RINGS:
		sum_level_parts(c, t->measure, t->count, t->rings, num, den);
		break;
	case TARGET_ABANDON_MAX:
		*num = (double)C_ABD(c), *den = (double)sum_offered(c);
		break;
	default:
		*num = (double)C_ABF(c), *den = (double)sum_dialled(c);
		break;
	}
}

/*
 * A target on its interval (docs/definitions.md, Verdicts): pass when all of it
 * meets the target, fail when all of it misses, else inconclusive. With no
 * interval (too few replications or batches) nothing can be decided.
 */
static enum rb_judgement judge_one(const struct scn_target *t, struct sum_target *tr)
{
	if (isnan(tr->measured)) {
		tr->note = "no calls";
		return JUDGE_INCONCLUSIVE;
	}
	if (!tr->ci.valid) {
		tr->note = "no interval: too few replications or batches to decide";
		return JUDGE_INCONCLUSIVE;
	}
	bool at_least = t->kind == TARGET_RINGS;
	double lim = at_least ? t->min : t->max;
	double good = at_least ? tr->ci.lo : tr->ci.hi; /* the interval's worst end */
	double bad = at_least ? tr->ci.hi : tr->ci.lo;  /* and its best */
	if (at_least ? good >= lim : good <= lim)
		return JUDGE_PASS;
	if (at_least ? bad < lim : bad > lim)
		return JUDGE_FAIL;
	tr->note = "the interval straddles the target: more calls or replications would decide";
	return JUDGE_INCONCLUSIVE;
}

static int judge(struct summary *s)
{
	s->n_tres = s->o.n_targets;
	s->tres = calloc(s->n_tres ? s->n_tres : 1, sizeof(*s->tres));
	if (!s->tres)
		return ENOMEM;
	bool any_fail = false, any_incon = false;
	for (size_t i = 0; i < s->n_tres; i++) {
		struct sum_target *tr = &s->tres[i];
		const struct scn_target *t = &s->o.targets[i];
		tr->t = t;
		tr->measured = NAN;
		tr->ci.lo = tr->ci.hi = tr->ci.se = tr->ci.point = NAN;
		int w = find_window(s, t);
		if (w == -2) {
			tr->phase = t->phase;
			tr->note = "no such phase";
			tr->judged = JUDGE_FAIL;
			any_fail = true;
			continue;
		}
		const struct sum_view *v = &s->views[w < 0 ? 0 : s->L.g_win + w];
		tr->phase = w < 0 ? NULL : v->name;
		struct est_part *p = calloc((size_t)(v->n_samples ? v->n_samples : 1), sizeof(*p));
		if (!p)
			return ENOMEM;
		for (int j = 0; j < v->n_samples; j++)
			sum_target_parts(t, v->samples[j], &p[j].num, &p[j].den);
		double num, den;
		sum_target_parts(t, &v->total, &num, &den);
		tr->ci = sum_view_est_from(v, p, num, den, EST_PROPORTION, true);
		tr->measured = tr->ci.point;
		free(p);
		tr->judged = judge_one(t, tr);
		if (tr->judged == JUDGE_FAIL)
			any_fail = true;
		else if (tr->judged == JUDGE_INCONCLUSIVE)
			any_incon = true;
	}
	if (s->error)
		s->verdict = VERDICT_ERROR;
	else if (any_fail)
		s->verdict = VERDICT_FAIL;
	else if (any_incon || s->incon)
		s->verdict = VERDICT_INCONCLUSIVE;
	else
		s->verdict = VERDICT_PASS;
	return 0;
}

/*
 * One run's batches: how many to merge into one before any measure is
 * estimated, from the series that show the center's memory (busy operators
 * and the mean wait, batch by batch, over the whole run): see
 * est_batch_level. Every batch view starts from it.
 */
static void run_merging(struct summary *s)
{
	if (!s->batch_mode)
		return;
	const struct sum_view *o = &s->views[0];
	double x[SUM_BATCHES];
	int n = o->n_samples < SUM_BATCHES ? o->n_samples : SUM_BATCHES, level = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const struct sum_cell *c = o->samples[i];
			x[i] = pass ? sum_ratio((uint64_t)c->tw.busy_area, (uint64_t)c->tw.staffed_area)
				    : c->wait_n ? (double)c->wait_sum / (double)c->wait_n : NAN;
		}
		if (pass && !o->tw)
			break;
		int l = est_batch_level(x, n, SUM_MIN_BATCHES);
		if (l > level)
			level = l;
	}
	/* the views the file shows (not the empty rows: n_ints_used) */
	for (int i = 0; i < s->n_views; i++)
		if (i < s->L.g_int + s->n_ints_used || i >= s->L.n_groups)
			s->views[i].merge0 = level;
}

/* The edges of the batches the views use, in scenario seconds. */
static void batch_edges(struct summary *s)
{
	s->n_edges = 0;
	if (!s->batch_mode)
		return;
	if (s->fixed_bins) {
		rb_us span = s->t_hi - s->t_lo;
		for (int b = 0; b <= s->n_bins; b++)
			s->edges[b] = rb_us_to_s(s->t_lo + (rb_us)((double)span * b / s->n_bins));
		s->n_edges = s->n_bins + 1;
		return;
	}
	const struct summary_rep *h = &s->reps[0];
	int used = h->bins_used, n = used < SUM_BATCHES ? used : SUM_BATCHES;
	if (n < 1)
		return;
	/* batch i holds the fine bins j with j * SUM_BATCHES / used == i (fold_bins) */
	for (int i = 0; i <= n; i++) {
		long j = n == used ? i : ((long)i * used + SUM_BATCHES - 1) / SUM_BATCHES;
		s->edges[i] = rb_us_to_s(s->t_lo + (rb_us)j * h->bin_w);
	}
	s->n_edges = n + 1;
}

/* Room for nv views (extra tenants after the groups), the new ones empty;
 * the groups' histograms stay as they are. */
static int views_grow(struct summary *s, int nv)
{
	struct sum_view *v = realloc(s->views, (size_t)nv * sizeof(*v));
	if (!v)
		return ENOMEM;
	memset(v + s->views_cap, 0, (size_t)(nv - s->views_cap) * sizeof(*v));
	s->views = v;
	s->views_cap = nv;
	return 0;
}

int summary_finish(struct summary *s)
{
	if (s->finished)
		return 0;
	for (int r = 0; r < s->n_reps; r++) {
		struct summary_rep *h = &s->reps[r];
		if (h->alloc_failed && !s->error)
			summary_set_error(s, "out of memory: a replication could not be counted");
		if (!h->ready && !summary_rep(s, r)) /* a replication with no calls */
			return ENOMEM;
		summary_rep_done(h);
		if (h->oom && !s->error)
			summary_set_error(s, "out of memory while counting tenants");
	}
	const char **xn = NULL;
	int n_x = 0;
	if (xten_names(s, &xn, &n_x))
		return ENOMEM;
	int nv = s->L.n_groups + n_x;
	int nb = s->batch_mode && !s->fixed_bins ? s->L.n_bgroups + n_x : 0;
	if (nv > s->views_cap && views_grow(s, nv)) {
		free(xn);
		return ENOMEM;
	}
	s->bsum = calloc((size_t)(nb ? nb : 1) * SUM_BATCHES, sizeof(*s->bsum));
	if (!s->bsum) {
		free(xn);
		return ENOMEM;
	}
	s->n_views = nv;
	/*
	 * The 15-minute rows past the last one any replication counted in are
	 * empty: the file stops before them (n_ints_used), and their views
	 * (6 KB each, mostly histogram) are left untouched, not a page each
	 * filled with an empty row: a run of a few minutes uses one or two
	 * of the 96.
	 */
	int ints = 0;
	for (int r = 0; r < s->n_reps; r++)
		ints = s->reps[r].ints_hi > ints ? s->reps[r].ints_hi : ints;
	s->ints_built = ints;
	int err = 0;
	for (int g = 0; g < s->L.g_int + ints && !err; g++)
		err = view_group(s, &s->views[g], g,
				 nb && g < s->L.n_bgroups ? s->bsum + (size_t)g * SUM_BATCHES : NULL);
	for (int i = 0; i < n_x && !err; i++)
		err = view_xten(s, &s->views[s->L.n_groups + i], xn[i],
				nb ? s->bsum + (size_t)(s->L.n_bgroups + i) * SUM_BATCHES : NULL);
	free(xn);
	if (err)
		return err;
	batch_edges(s);
	s->n_ints_used = 0;
	for (int i = 0; i < ints; i++) {
		const struct sum_cell *c = &s->views[s->L.g_int + i].total;
		if (sum_dialled(c) || c->tw.dur)
			s->n_ints_used = i + 1;
	}
	run_merging(s);
	err = judge(s);
	if (err)
		return err;
	s->finished = true;
	return 0;
}

enum rb_verdict summary_verdict(const struct summary *s)
{
	if (s->error)
		return VERDICT_ERROR;
	return s->verdict;
}

int summary_exit_code(const struct summary *s)
{
	switch (summary_verdict(s)) {
	case VERDICT_PASS:
		return 0;
	case VERDICT_FAIL:
		return 1;
	case VERDICT_INCONCLUSIVE:
		return 4;
	default:
		return 3;
	}
}

const char *summary_verdict_name(enum rb_verdict v)
{
	switch (v) {
	case VERDICT_PASS:
		return "pass";
	case VERDICT_FAIL:
		return "fail";
	case VERDICT_INCONCLUSIVE:
		return "inconclusive";
	default:
		return "error";
	}
}
