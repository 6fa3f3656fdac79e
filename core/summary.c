/*
 * summary: setting up, and the hot path (calls and spans); see summary.h.
 *
 * Everything a replication needs is allocated in summary_new: the calls and
 * spans of the model (millions a second) only add integers into cells that
 * already exist. Spans keep a running sum for the current stretch of time
 * (inside one phase window, one 15-minute interval and one batch) and add
 * it to the cells only when a span leaves that stretch, so a span that stays
 * inside costs a compare and seven additions.
 */
#include "summary.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ring.h"
#include "summary_int.h"

void sum_tw_add(struct sum_tw *d, const struct sum_tw *s)
{
	d->dur += s->dur;
	d->ring_area += s->ring_area;
	d->busy_area += s->busy_area;
	d->staffed_area += s->staffed_area;
	d->bbusy_area += s->bbusy_area;
	d->bstaffed_area += s->bstaffed_area;
	if (s->ring_max > d->ring_max)
		d->ring_max = s->ring_max;
}

void sum_cell_add(struct sum_cell *d, const struct sum_cell *s)
{
	for (int i = 0; i < OUTCOME_COUNT; i++)
		d->oc[i] += s->oc[i];
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i <= SUM_RBINS; i++)
			d->rr[k][i] += s->rr[k][i];
		for (int i = 0; i <= RB_RINGS_HEARD_BINS; i++)
			d->hh[k][i] += s->hh[k][i];
	}
	d->screened += s->screened;
	d->screened_unknown += s->screened_unknown;
	d->wait_sum += s->wait_sum;
	d->wait_n += s->wait_n;
	sum_tw_add(&d->tw, &s->tw);
}

/*
 * Whole ring periods in n µs (0 <= n), capped at SUM_RQ_CAP: every ring
 * bin the file has. Within the cap a multiplication and a shift (rq_setup)
 * instead of a 64-bit division, which costs tens of cycles; beyond it, or
 * for a period too long for the multiplier, rq_far divides.
 */
static void rq_setup(struct sum_rq *q, rb_us d)
{
	memset(q, 0, sizeof(*q));
	q->period = d;
	/*
	 * mul = floor(2^sh / d) + 1 overshoots 2^sh by e = mul·d − 2^sh, 0 < e
	 * <= d; for n = q·d + r < lim = CAP·d the product n·mul / 2^sh is
	 * n/d + n·e / (d·2^sh), and n·e < CAP·d² <= 2^sh keeps that below q + 1.
	 * sh <= 59 keeps n·mul < CAP·2^sh + CAP·d within 64 bits: periods up
	 * to about 139 s (a scenario's are at most 60 s); longer ones divide.
	 */
	if (d <= 0)
		return; /* lim 0: rq_far every time */
	int k = 0;
	while (k <= 59 && ((uint64_t)1 << k) / (uint64_t)SUM_RQ_CAP / (uint64_t)d < (uint64_t)d)
		k++;
	if (k > 59)
		return;
	q->sh = k;
	q->mul = ((uint64_t)1 << k) / (uint64_t)d + 1;
	q->lim = (uint64_t)SUM_RQ_CAP * (uint64_t)d;
}

static __attribute__((noinline)) int rq_far(const struct sum_rq *q, rb_us n)
{
	rb_us k = q->period > 0 ? n / q->period : SUM_RQ_CAP;
	return k < SUM_RQ_CAP ? (int)k : SUM_RQ_CAP;
}

/* rq_of when q->lim > 0 (summary_rep_add's short path): no call. */
static inline int rq_near(const struct sum_rq *q, rb_us n)
{
	return (uint64_t)n >= q->lim ? SUM_RQ_CAP : (int)(((uint64_t)n * q->mul) >> q->sh);
}

static inline int rq_of(const struct sum_rq *q, rb_us n)
{
	if ((uint64_t)n < q->lim)
		return (int)(((uint64_t)n * q->mul) >> q->sh);
	return rq_far(q, n);
}

/* An empty pending histogram: min and max such that pend_add needs no
 * test of the count. */
static void pend_hist_clear(struct sum_pend *pd)
{
	pd->hist.n = 0;
	pd->hist.min = INT64_MAX;
	pd->hist.max = INT64_MIN;
}

/*
 * Histogram arrays kept for the next replication (of this summary or a
 * later one: a plan's evaluations, a sweep's points), cleaned when handed
 * back. Only summaries of several replications take them: the one
 * replication of a run counts into its views' histograms (rep_alloc). A replication's n_groups histograms are about 5 KB each (half a MB
 * for a day's 96 quarter-hours), so calloc gives fresh pages from mmap and
 * free returns them: `ringbench plan` of a 24-hour day spent about 15 % of
 * its time in page faults, zeroing and the kernel's page bookkeeping
 * (perf). A histogram's counts lie between the bins of its exact min and
 * max, so cleaning one is a short memset, not 5 KB (an empty one is
 * already clean). A replication takes the smallest array with enough
 * histograms: a plan's evaluations have different numbers of groups (its
 * intervals' phases), and an exact fit missed on nearly every one. 24-hour
 * plan, --jobs 1 (callgrind): 7.53 G instructions before the pool, 6.12 G.
 */
#define HPOOL_MAX 16
static pthread_mutex_t hpool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct stats_whist *hpool[HPOOL_MAX];
static int hpool_cap[HPOOL_MAX]; /* histograms in each */
static int hpool_n;

/*
 * At least ng clean histograms, their number in *cap: the pool's smallest
 * array that is large enough (a plan's evaluations differ in their groups),
 * else a new one.
 */
static struct stats_whist *hists_get(int ng, int *cap)
{
	struct stats_whist *h = NULL;
	pthread_mutex_lock(&hpool_mu);
	int best = -1;
	for (int i = 0; i < hpool_n; i++)
		if (hpool_cap[i] >= ng && (best < 0 || hpool_cap[i] < hpool_cap[best]))
			best = i;
	if (best >= 0) {
		h = hpool[best];
		*cap = hpool_cap[best];
		hpool[best] = hpool[--hpool_n];
		hpool_cap[best] = hpool_cap[hpool_n];
	}
	pthread_mutex_unlock(&hpool_mu);
	if (!h) {
		h = calloc((size_t)ng, sizeof(*h));
		*cap = ng;
	}
	return h;
}

/*
 * Cleans h (cap histograms, of which only those with used[g] may hold
 * waits: the others are not even read) and keeps it; a full pool keeps
 * the larger.
 */
static void hists_put(struct stats_whist *h, int cap, const uint8_t *used, int n_used)
{
	if (!h)
		return;
	for (int g = 0; g < cap; g++) {
		struct stats_whist *w = &h[g];
		if ((used && (g >= n_used || !used[g])) || !w->n)
			continue;
		int lo = stats_whist_index(w->min), hi = stats_whist_index(w->max);
		memset(&w->bin[lo], 0, (size_t)(hi - lo + 1) * sizeof(w->bin[0]));
		w->n = 0;
		w->min = w->max = 0;
	}
	struct stats_whist *drop = h;
	pthread_mutex_lock(&hpool_mu);
	if (hpool_n < HPOOL_MAX) {
		hpool[hpool_n] = h;
		hpool_cap[hpool_n++] = cap;
		drop = NULL;
	} else {
		int small = 0;
		for (int i = 1; i < HPOOL_MAX; i++)
			if (hpool_cap[i] < hpool_cap[small])
				small = i;
		if (hpool_cap[small] < cap) {
			drop = hpool[small];
			hpool[small] = h;
			hpool_cap[small] = cap;
		}
	}
	pthread_mutex_unlock(&hpool_mu);
	free(drop);
}

void sum_hists_free(struct summary_rep *h)
{
	if (h->hists_cap) /* else the views' own: nothing to hand back */
		hists_put(h->hists, h->hists_cap, h->hused, h->s->L.n_groups);
	h->hists = NULL;
	h->hists_cap = 0;
}

const double sum_q[SUM_NQ] = {0.50, 0.90, 0.99};

static void rep_free(struct summary_rep *h)
{
	free(h->pend);
	free(h->cells);
	if (h->s)
		sum_hists_free(h);
	free(h->hused);
	free(h->quant);
	free(h->batch);
	for (int i = 0; i < h->n_xten; i++)
		free(h->xten[i].batch);
	free(h->xten);
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	for (int r = 0; r < s->n_reps; r++)
		rep_free(&s->reps[r]);
	free(s->reps);
	pthread_mutex_destroy(&s->mu);
	free(s->win);
	if (s->extra)
		json_decref(s->extra);
	free(s->error);
	if (s->incon)
		json_decref(s->incon);
	if (s->views) {
		for (int i = 0; i < s->views_cap; i++) {
			if (i >= s->L.g_int + s->ints_built && i < s->L.n_groups)
				continue; /* never filled: not even read */
			free(s->views[i].name);
			free(s->views[i].samples);
			free(s->views[i].sq);
		}
		free(s->views);
	}
	free(s->bsum);
	free(s->tres);
	free(s);
}

static int setup_windows(struct summary *s)
{
	const struct summary_opts *o = &s->o;
	size_t n = o->windows ? o->n_windows : (o->scn ? o->scn->n_phases : 0);

	s->win = calloc(n ? n : 1, sizeof(*s->win));
	if (!s->win)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (o->windows) {
			s->win[i] = o->windows[i];
		} else {
			const struct scn_phase *p = &o->scn->phases[i];
			s->win[i].name = p->name;
			s->win[i].start = p->start;
			s->win[i].end = p->start + p->duration;
		}
	}
	s->L.n_win = (int)n;
	return 0;
}

static void setup_layout(struct summary *s)
{
	struct sum_layout *L = &s->L;
	L->n_ten = s->o.scn ? (int)s->o.scn->n_tenants : 0;
	L->g_win = 1;
	L->g_ten = L->g_win + L->n_win;
	L->g_fwd = L->g_ten + L->n_ten;
	L->g_int = L->g_fwd + 3; /* unconditional, no-answer, not known (not shown) */
	L->n_groups = L->g_int + SUM_INTERVALS;
	L->n_bgroups = L->g_int;

	/* Counted time: from the end of warm-up to the end of the run. */
	s->t_lo = s->o.scn ? s->o.scn->run.warmup : 0;
	if (s->t_lo < 0)
		s->t_lo = 0;
	s->t_hi = INT64_MAX;
	if (L->n_win > 0) {
		rb_us end = s->win[0].end;
		for (int i = 1; i < L->n_win; i++)
			if (s->win[i].end > end)
				end = s->win[i].end;
		s->t_hi = end;
	} else if (s->o.scn && s->o.scn->end > 0) {
		s->t_hi = s->o.scn->end;
	}
	if (s->t_hi <= s->t_lo)
		s->t_hi = INT64_MAX;
	s->batch_mode = s->n_reps == 1;
	s->fixed_bins = s->t_hi != INT64_MAX;
	s->n_bins = s->fixed_bins ? SUM_BATCHES : SUM_FINE_BINS;
}

static int rep_alloc(struct summary *s, struct summary_rep *h, int idx)
{
	const struct sum_layout *L = &s->L;
	h->s = s;
	h->idx = idx;
	h->cells = calloc((size_t)L->n_groups, sizeof(*h->cells));
	if (s->n_reps == 1) {
		/* the only replication counts its waits in the totals themselves */
		h->hists = &s->views[0].hist;
		h->hstride = sizeof(*s->views);
		h->hists_cap = 0;
	} else {
		h->hists = hists_get(L->n_groups, &h->hists_cap);
		h->hstride = sizeof(*h->hists);
	}
	h->hused = calloc((size_t)L->n_groups, sizeof(*h->hused));
	h->quant = calloc((size_t)L->n_groups * SUM_NQ, sizeof(*h->quant));
	if (!h->cells || !h->hists || !h->hused || !h->quant)
		return ENOMEM;
	if (s->batch_mode) {
		h->batch = calloc((size_t)L->n_bgroups * (size_t)s->n_bins, sizeof(*h->batch));
		if (!h->batch)
			return ENOMEM;
	}
	h->bin_w = RB_US_PER_S;
	h->seg_valid = false;
	h->cb = -1;
	h->pend = calloc(SUM_GSLOTS, sizeof(*h->pend)); /* optional: NULL adds directly */
	h->cur = &h->gs[0].hot;
	for (int i = 0; i < SUM_GSLOTS; i++) {
		h->gs[i].key = h->gs[i].hot.key = SUM_GKEY_NONE;
		h->gs[i].pend = h->pend ? &h->pend[i] : NULL;
		if (h->pend)
			pend_hist_clear(&h->pend[i]);
	}
	return 0;
}

struct summary *summary_new(const struct summary_opts *opts)
{
	struct summary *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->o = *opts;
	s->n_reps = opts->replications >= 1 ? opts->replications : 1;
	s->o.replications = s->n_reps;
	s->ring_period = opts->ring_period;
	if (s->ring_period <= 0)
		s->ring_period = opts->scn && opts->scn->ring_period > 0 ? opts->scn->ring_period
									: 3 * RB_US_PER_S;
	if (opts->unjudged) {
		s->o.targets = NULL;
		s->o.n_targets = 0;
	} else if (!opts->targets && opts->scn) {
		s->o.targets = opts->scn->targets;
		s->o.n_targets = opts->scn->n_targets;
	}
	rq_setup(&s->rq, s->ring_period);
	if (setup_windows(s))
		goto fail;
	setup_layout(s);
	s->extra = json_object();
	s->reps = calloc((size_t)s->n_reps, sizeof(*s->reps));
	s->views = calloc((size_t)s->L.n_groups, sizeof(*s->views));
	s->views_cap = s->views ? s->L.n_groups : 0;
	pthread_mutex_init(&s->mu, NULL);
	if (!s->extra || !s->reps || !s->views)
		goto fail;
	/* The first replication now (most runs have one); the others when asked. */
	if (rep_alloc(s, &s->reps[0], 0))
		goto fail;
	s->reps[0].ready = true;
	return s;
fail:
	summary_free(s);
	return NULL;
}

struct summary_rep *summary_rep(struct summary *s, int r)
{
	if (r < 0 || r >= s->n_reps)
		return NULL;
	struct summary_rep *h = &s->reps[r];
	if (!h->ready) {
		/* Only replication r's own thread touches this slot. */
		if (rep_alloc(s, h, r)) {
			rep_free(h);
			memset(h, 0, sizeof(*h));
			h->alloc_failed = true;
			return NULL;
		}
		h->ready = true;
	}
	return h;
}

/*
 * Set g's answered calls with no wait (struct summary_hot's zeros) into
 * its pending cell and histogram, as pend_add would have added each:
 * outcome answered, rings and rings heard 1 (bin 0), a wait of 0.
 */
static void pend_zeros(struct sum_gslot *g)
{
	struct sum_pend *pd = g->pend;
	uint64_t *zeros = g->hot.zeros;
	uint64_t z = zeros[0] + zeros[1];
	if (!z)
		return;
	struct sum_cell *c = &pd->cell;
	c->oc[OUTCOME_ANSWERED] += z;
	c->rr[0][0] += z;
	c->hh[0][0] += z;
	c->wait_n += z;
	c->screened += zeros[1];
	struct stats_whist *ph = &pd->hist;
	if (!ph->bin[0])
		pd->touched[pd->n_touched++] = 0;
	ph->bin[0] += (uint32_t)z;
	ph->min = ph->min < 0 ? ph->min : 0;
	ph->max = ph->max > 0 ? ph->max : 0;
	ph->n += z;
	zeros[0] = zeros[1] = 0;
}

/* Adds a set's pending run of calls (struct sum_pend) to its groups. */
static void slot_flush(struct sum_gslot *g)
{
	struct sum_pend *pd = g->pend;
	g->hot.key = SUM_GKEY_NONE; /* summary_rep_add's short path adds to pd */
	if (!pd || !pd->any)
		return;
	pend_zeros(g);
	for (int i = 0; i < g->n; i++)
		sum_cell_add(g->cell[i], &pd->cell);
	memset(&pd->cell, 0, sizeof(pd->cell));
	const struct stats_whist *ph = &pd->hist;
	if (ph->n) {
		for (int i = 0; i < g->n; i++) {
			struct stats_whist *d = g->hist[i];
			for (int k = 0; k < pd->n_touched; k++)
				d->bin[pd->touched[k]] += ph->bin[pd->touched[k]];
			/* as stats_whist_merge, the bins aside */
			if (!d->n || ph->min < d->min)
				d->min = ph->min;
			if (!d->n || ph->max > d->max)
				d->max = ph->max;
			d->n += ph->n;
		}
		for (int k = 0; k < pd->n_touched; k++)
			pd->hist.bin[pd->touched[k]] = 0;
		pd->n_touched = 0;
		pend_hist_clear(pd);
	}
	pd->any = false;
}

/* Every set's pending run to its groups. */
static void pend_flush(struct summary_rep *h)
{
	for (int i = 0; i < SUM_GSLOTS; i++)
		slot_flush(&h->gs[i]);
}

/* The pending runs are gone (freed): calls would add directly. */
static void pend_drop(struct summary_rep *h)
{
	free(h->pend);
	h->pend = NULL;
	for (int i = 0; i < SUM_GSLOTS; i++)
		h->gs[i].pend = NULL;
}

void summary_rep_saturated(struct summary_rep *h, uint64_t n)
{
	if (!h)
		return;
	h->saturated += n;
	h->saturated_known = true;
}

void summary_rep_done(struct summary_rep *h)
{
	if (!h || h->done)
		return;
	struct summary *s = h->s;
	const struct sum_layout *L = &s->L;
	pend_flush(h);
	sum_rep_flush(h);
	/* overall's calls: the three forwarding groups (its time-weighted sums are its own) */
	for (int i = 0; i < 3; i++) {
		if (!h->hused[L->g_fwd + i])
			continue;
		stats_whist_merge(sum_rep_hist(h, 0), sum_rep_hist(h, L->g_fwd + i));
		h->hused[0] = 1;
	}
	int nb = s->batch_mode ? s->n_bins : 1;
	for (int b = 0; b < nb; b++) {
		struct sum_cell *c = s->batch_mode ? h->batch + (size_t)b * L->n_bgroups : h->cells;
		struct sum_tw tw = c[0].tw;
		memset(&c[0], 0, sizeof(c[0]));
		for (int i = 0; i < 3; i++)
			sum_cell_add(&c[0], &c[L->g_fwd + i]);
		c[0].tw = tw;
	}
	for (int g = 0; g < s->L.n_groups; g++) {
		if (h->hused[g])
			stats_whist_quantiles(sum_rep_hist(h, g), sum_q, SUM_NQ, h->quant + g * SUM_NQ);
		else
			for (int k = 0; k < SUM_NQ; k++)
				h->quant[g * SUM_NQ + k] = NAN;
	}
	/* Integer sums: the totals are the same in whatever order replications end. */
	if (h->hists_cap) { /* else they are the totals already */
		pthread_mutex_lock(&s->mu);
		for (int g = 0; g < s->L.n_groups; g++)
			if (h->hused[g])
				stats_whist_merge(&s->views[g].hist, sum_rep_hist(h, g));
		pthread_mutex_unlock(&s->mu);
	}
	sum_hists_free(h);
	pend_drop(h);
	h->done = true;
}

/* ---- batches ---------------------------------------------------------- */

/* Fine bins (end unknown): bin j becomes bins 2j and 2j+1 added up. */
static void merge_fine_bins(struct sum_cell *b, int n_bins, int per_bin)
{
	for (int j = 0; j < n_bins / 2; j++) {
		for (int g = 0; g < per_bin; g++) {
			struct sum_cell c = b[(size_t)(2 * j) * per_bin + g];
			sum_cell_add(&c, &b[(size_t)(2 * j + 1) * per_bin + g]);
			b[(size_t)j * per_bin + g] = c;
		}
	}
	memset(b + (size_t)(n_bins / 2) * per_bin, 0,
	       sizeof(*b) * (size_t)(n_bins - n_bins / 2) * per_bin);
}

/* [lo, hi) of batch b. */
static void bin_range(const struct summary_rep *h, int b, rb_us *lo, rb_us *hi)
{
	const struct summary *s = h->s;
	if (s->fixed_bins) {
		rb_us span = s->t_hi - s->t_lo;
		/* the least t whose bin is b: ceil(b·span / n) */
		*lo = b == 0 ? INT64_MIN : s->t_lo + (b * span + s->n_bins - 1) / s->n_bins;
		*hi = b + 1 == s->n_bins ? INT64_MAX
					 : s->t_lo + ((b + 1) * span + s->n_bins - 1) / s->n_bins;
	} else {
		*lo = b == 0 ? INT64_MIN : s->t_lo + b * h->bin_w;
		*hi = s->t_lo + (b + 1) * h->bin_w;
	}
}

/* The batch of time t (times outside counted time: the first or last). */
static int bin_find(struct summary_rep *h, rb_us t)
{
	const struct summary *s = h->s;
	if (t < s->t_lo)
		t = s->t_lo;
	if (s->fixed_bins) {
		if (t >= s->t_hi)
			return s->n_bins - 1;
		return (int)((t - s->t_lo) * s->n_bins / (s->t_hi - s->t_lo));
	}
	rb_us b = (t - s->t_lo) / h->bin_w;
	while (b >= s->n_bins) {
		/* the end is not known: double the bins' width */
		pend_flush(h);
		sum_rep_flush(h);
		h->seg_valid = false;
		h->cb = -1;
		for (int i = 0; i < SUM_GSLOTS; i++)
			h->gs[i].key = SUM_GKEY_NONE;
		merge_fine_bins(h->batch, s->n_bins, s->L.n_bgroups);
		for (int i = 0; i < h->n_xten; i++)
			if (h->xten[i].batch)
				merge_fine_bins(h->xten[i].batch, s->n_bins, 1);
		h->bin_w *= 2;
		h->bins_used = (h->bins_used + 1) / 2;
		b = (t - s->t_lo) / h->bin_w;
	}
	if (b + 1 > h->bins_used)
		h->bins_used = (int)b + 1;
	return (int)b;
}

/* bin_find, remembering the last batch: calls come roughly in time order. */
static inline int bin_of(struct summary_rep *h, rb_us t)
{
	if (h->cb >= 0 && t >= h->cb_lo && t < h->cb_hi)
		return h->cb;
	int b = bin_find(h, t);
	h->cb = b;
	bin_range(h, b, &h->cb_lo, &h->cb_hi);
	return b;
}

/* ---- calls ------------------------------------------------------------ */

static int window_of(const struct summary *s, rb_us t)
{
	for (int i = 0; i < s->L.n_win; i++)
		if (t >= s->win[i].start && t < s->win[i].end)
			return i;
	return -1;
}

static struct sum_xten *xten_get(struct summary_rep *h, const char *name)
{
	for (int i = 0; i < h->n_xten; i++)
		if (!strncmp(h->xten[i].name, name, sizeof(h->xten[i].name) - 1))
			return &h->xten[i];
	if (h->n_xten == h->cap_xten) {
		int cap = h->cap_xten ? 2 * h->cap_xten : 8;
		struct sum_xten *x = realloc(h->xten, (size_t)cap * sizeof(*x));
		if (!x)
			return NULL;
		h->xten = x;
		h->cap_xten = cap;
	}
	struct sum_xten *x = &h->xten[h->n_xten];
	memset(x, 0, sizeof(*x));
	size_t n = strnlen(name, sizeof(x->name) - 1);
	memcpy(x->name, name, n);
	if (h->s->batch_mode) {
		x->batch = calloc((size_t)h->s->n_bins, sizeof(*x->batch));
		if (!x->batch)
			return NULL;
	}
	h->n_xten++;
	return x;
}

#define PEND_AFTER 16 /* see pend_add */

/* What one call adds to every group it belongs to, worked out once. */
struct pcall {
	int oc;
	int kind;          /* 0 answered, 1 abandoned (or other, into spare bins) */
	int ri, hi;        /* ring bins, or the spare bins */
	int64_t wait;      /* answered calls' wait, else 0 */
	uint64_t wn;       /* 1 when wait counts */
	uint64_t su, s1;   /* screening unknown, screened */
};

static inline void cell_add_call(struct sum_cell *c, const struct pcall *p)
{
	c->oc[p->oc]++;
	c->rr[p->kind][p->ri]++;
	c->hh[p->kind][p->hi]++;
	c->wait_sum += p->wait;
	c->wait_n += p->wn;
	c->screened += p->s1;
	if (p->su) /* captures of other servers only */
		c->screened_unknown++;
}

/* The tenant group of tenant_idx, else of the tenant's name (NULL: none),
 * else an extra tenant group (*xt). */
static int tenant_group(struct summary_rep *h, int tenant_idx, const char *tenant,
			struct sum_xten **xt)
{
	const struct summary *s = h->s;
	*xt = NULL;
	if (tenant_idx >= 0 && tenant_idx < s->L.n_ten)
		return s->L.g_ten + tenant_idx;
	if (!tenant || !tenant[0])
		return -1;
	for (int i = 0; i < s->L.n_ten; i++)
		if (s->o.scn->tenants[i].id && !strcmp(s->o.scn->tenants[i].id, tenant))
			return s->L.g_ten + i;
	*xt = xten_get(h, tenant);
	if (!*xt)
		h->oom = true;
	return -1;
}

static void pcall_make(const struct summary *s, const struct callrec *r, struct pcall *p)
{
	int oc = (unsigned)r->outcome < OUTCOME_COUNT ? (int)r->outcome : OUTCOME_INCOMPLETE;
	bool at_center = oc == OUTCOME_ANSWERED || oc == OUTCOME_ABANDONED;
	bool ans = oc == OUTCOME_ANSWERED;
	int rings = r->rings;
	if (rings <= 0 && r->wait != RB_T_NONE)
		rings = ring_count(r->wait, s->ring_period);
	int heard = r->rings_heard;
	p->oc = oc;
	p->kind = oc == OUTCOME_ABANDONED;
	p->ri = at_center && rings > 0 ? (rings > SUM_RBINS ? SUM_RBINS : rings) - 1 : SUM_SPARE_R;
	p->hi = at_center && heard > 0
			? (heard > RB_RINGS_HEARD_BINS ? RB_RINGS_HEARD_BINS : heard) - 1
			: SUM_SPARE_H;
	p->wn = ans && r->wait != RB_T_NONE;
	p->wait = p->wn ? r->wait : 0;
	p->su = ans && r->screened < 0;
	p->s1 = ans && r->screened == 1;
}

/*
 * The ring bins of a call with a wait (c->wait not RB_T_NONE): *ri of the
 * rings at the center, *hi of the rings heard (with the client's no-answer
 * delay), as callrec_derive_wait gives them (ring_count(wait) is q + 1 for
 * q whole periods, so its bin, capped, is min(q, cap)); *hi is left as it
 * is for a no-answer call whose delay is not known. near: rq_near, with no
 * call (the short path, where the multiplier is there), else rq_of.
 */
static inline __attribute__((always_inline)) void
ring_bins(const struct sum_rq *rq, const struct summary_call *c, bool near, int *ri, int *hi)
{
	rb_us w0 = c->wait > 0 ? c->wait : 0;
	int q = near ? rq_near(rq, w0) : rq_of(rq, w0);
	*ri = q < SUM_RBINS - 1 ? q : SUM_RBINS - 1;
	if (c->forwarding != FWD_NO_ANSWER) {
		*hi = q;
	} else if (c->no_answer != RB_T_NONE) {
		rb_us heard = (c->no_answer > 0 ? c->no_answer : 0) + w0;
		*hi = near ? rq_near(rq, heard) : rq_of(rq, heard);
	}
}

/* pcall_make for a struct summary_call: the ring bins by ring_bins. */
static inline void pcall_lean(const struct summary *s, const struct summary_call *c,
			      struct pcall *p)
{
	int oc = (unsigned)c->outcome < OUTCOME_COUNT ? (int)c->outcome : OUTCOME_INCOMPLETE;
	bool ans = oc == OUTCOME_ANSWERED;
	rb_us wait = c->wait;
	p->oc = oc;
	p->kind = oc == OUTCOME_ABANDONED;
	p->ri = SUM_SPARE_R;
	p->hi = SUM_SPARE_H;
	if (wait != RB_T_NONE && oc <= OUTCOME_ABANDONED)
		ring_bins(&s->rq, c, false, &p->ri, &p->hi);
	p->wn = ans && wait != RB_T_NONE;
	p->wait = p->wn ? wait : 0;
	p->su = ans && c->screened < 0;
	p->s1 = ans && c->screened == 1;
}

/*
 * Narrows [*lo, *hi) around t to where window_of() stays the same: cut at
 * every window's start and end (windows may overlap).
 */
static void win_stretch(const struct summary *s, rb_us t, rb_us *lo, rb_us *hi)
{
	for (int i = 0; i < s->L.n_win; i++) {
		const struct summary_window *w = &s->win[i];
		rb_us a = w->start <= t ? w->start : INT64_MIN, b = w->start > t ? w->start : INT64_MAX;
		if (w->end <= t)
			a = a > w->end ? a : w->end;
		else
			b = b < w->end ? b : w->end;
		*lo = a > *lo ? a : *lo;
		*hi = b < *hi ? b : *hi;
	}
}

/*
 * The cell of 15-minute row gi. With one replication the row counts in its
 * view's total itself, as its waits count in the view's histogram: the
 * total shares a page with the histogram's head, which the row touches
 * anyway, and summary_finish has nothing to add up. A separate cell was
 * 96 × 832 bytes more pages touched (20 page faults at 1 M calls).
 */
static inline struct sum_cell *row_cell(struct summary_rep *h, int gi)
{
	return h->s->batch_mode ? &h->s->views[gi].total : &h->cells[gi];
}

/*
 * The groups of a call other than overall (see rep_count) into cells and
 * hists, and the t_dial range in which they stay the same into *lo, *span
 * (empty when the call counts in an extra tenant group, *xt).
 */
static int call_groups(struct summary_rep *h, rb_us t_dial, int w, bool w_by_t, int tg,
		       int fg, struct sum_xten *xt, struct sum_cell **cells,
		       struct stats_whist **hists, rb_us *lo, uint64_t *span)
{
	const struct summary *s = h->s;
	const struct sum_layout *L = &s->L;
	int g[4], ng = 0;
	if (w >= 0)
		g[ng++] = L->g_win + w;
	if (tg >= 0)
		g[ng++] = tg;
	g[ng++] = fg;
	int n = 0;
	struct sum_cell *bc = h->cells;
	rb_us l = INT64_MIN, hi = INT64_MAX;
	if (s->batch_mode) {
		int b = bin_of(h, t_dial == RB_T_NONE ? s->t_lo : t_dial);
		bc = h->batch + (size_t)b * L->n_bgroups;
		l = h->cb_lo;
		hi = h->cb_hi;
		if (xt) {
			cells[ng] = &xt->batch[b];
			hists[ng] = &xt->hist;
		}
	} else if (xt) {
		cells[ng] = &xt->cell;
		hists[ng] = &xt->hist;
	}
	for (int i = 0; i < ng; i++, n++) {
		cells[n] = &bc[g[i]];
		hists[n] = sum_rep_hist(h, g[i]);
		h->hused[g[i]] = 1;
	}
	if (xt)
		n++;
	/* the 15-minute row of t_dial */
	if (t_dial >= 0 && t_dial / RB_INTERVAL_US < SUM_INTERVALS) {
		int gi = L->g_int + (int)(t_dial / RB_INTERVAL_US);
		rb_us ilo = (rb_us)(gi - L->g_int) * RB_INTERVAL_US;
		l = ilo > l ? ilo : l;
		hi = ilo + RB_INTERVAL_US < hi ? ilo + RB_INTERVAL_US : hi;
		cells[n] = row_cell(h, gi);
		hists[n] = sum_rep_hist(h, gi);
		h->hused[gi] = 1;
		if (gi - L->g_int >= h->ints_hi)
			h->ints_hi = gi - L->g_int + 1;
		n++;
	} else if (t_dial >= 0) {
		rb_us ilo = (rb_us)SUM_INTERVALS * RB_INTERVAL_US;
		l = ilo > l ? ilo : l;
	} else {
		hi = 0 < hi ? 0 : hi;
	}
	if (w_by_t && t_dial != RB_T_NONE)
		win_stretch(s, t_dial, &l, &hi);
	*lo = l;
	/* [l, hi) as a start and a length: one compare in slot_has */
	*span = xt || t_dial == RB_T_NONE || hi <= l ? 0 : (uint64_t)hi - (uint64_t)l;
	return n;
}

/* The call p into n cells and their wait histograms (always inline: the
 * per-call path, measured with callgrind as it was before it was split). */
static inline __attribute__((always_inline)) void
cells_add(struct sum_cell *const *cells, struct stats_whist *const *hists, int n,
	  const struct pcall *p)
{
	for (int i = 0; i < n; i++)
		cell_add_call(cells[i], p);
	if (p->wn) {
		int wi = stats_whist_index(p->wait);
		for (int i = 0; i < n; i++)
			stats_whist_add_at(hists[i], wi, p->wait);
	}
}

/* The call's tenant: its index, or its record's name (NULL: none). */
struct tenant_ref {
	int idx;
	const char *name;
};

/* A call's groups as it gives them (rep_count). */
struct call_in {
	uint64_t key;      /* sum_gkey(phase, tenant index, forwarding) */
	rb_us t_dial;
	int phase;
	struct tenant_ref t;
	enum call_fwd fwd;
};

/* The call's window: its phase when the windows are the scenario's phases
 * (*by_t false), else the one t_dial is in. */
static inline int window_for(const struct summary *s, int phase, rb_us t_dial, bool *by_t)
{
	*by_t = false;
	if (!s->L.n_win)
		return -1;
	if (!s->o.windows && (unsigned)phase < (unsigned)s->L.n_win)
		return phase;
	*by_t = true;
	return window_of(s, t_dial);
}

/* The forwarding group, 0..2: unconditional, no-answer, not known. */
static inline int fwd_of(enum call_fwd f)
{
	return f == FWD_UNCONDITIONAL ? 0 : f == FWD_NO_ANSWER ? 1 : 2;
}

/*
 * The call's groups are neither set's: works them out and keeps them in
 * the set not used last (its pending run handed over first), for the next
 * calls. Returns the set, or NULL when the call was added here already:
 * groups not kept (an extra tenant, a tenant by name only, or none).
 */
static __attribute__((noinline)) struct sum_gslot *
groups_refresh(struct summary_rep *h, const struct call_in *in, const struct pcall *p)
{
	const struct summary *s = h->s;
	struct sum_xten *xt = NULL;
	struct sum_cell *cells[5];
	struct stats_whist *hists[5];
	rb_us lo;
	uint64_t span;
	bool by_t;
	int w = window_for(s, in->phase, in->t_dial, &by_t);
	int tg = tenant_group(h, in->t.idx, in->t.name, &xt);
	int fg = s->L.g_fwd + fwd_of(in->fwd);
	/* may merge batches: it then hands every pending run over first */
	int n = call_groups(h, in->t_dial, w, by_t, tg, fg, xt, cells, hists, &lo, &span);
	if (xt || tg < 0 || in->t.idx < 0 || (unsigned)in->fwd > FWD_NO_ANSWER) {
		/* not kept: the key does not tell the groups */
		cells_add(cells, hists, n, p);
		return NULL;
	}
	struct sum_gslot *g = &h->gs[sum_gcur(h) == &h->gs[0]];
	h->cur = &g->hot;
	slot_flush(g);
	g->key = in->key;
	g->hot.key = SUM_GKEY_NONE;
	g->hits = 0;
	g->hot.lo = lo;
	g->hot.span = span;
	g->n = n;
	memcpy(g->cell, cells, sizeof(g->cell));
	memcpy(g->hist, hists, sizeof(g->hist));
	return g;
}

/* Adds a wait to a pending histogram (its min and max start at INT64_MAX
 * and INT64_MIN: pend_hist_clear), noting a bin new to the run. */
static inline void pend_wait(struct sum_pend *pd, rb_us wait)
{
	int wi = stats_whist_index(wait);
	struct stats_whist *ph = &pd->hist;
	if (!ph->bin[wi])
		pd->touched[pd->n_touched++] = (uint16_t)wi;
	ph->bin[wi]++;
	ph->min = wait < ph->min ? wait : ph->min;
	ph->max = wait > ph->max ? wait : ph->max;
	ph->n++;
}

/*
 * A run: after PEND_AFTER calls in a row in the same groups, the calls
 * add up in one pending cell and histogram instead of one per group
 * (slot_flush hands them over), and the set is "hot": summary_rep_add's
 * short path. Not at once, so that calls whose groups change at nearly
 * every call (many tenants) do not pay a hand-over each. Returns true
 * when p was added.
 */
static inline __attribute__((always_inline)) bool
pend_add(const struct summary *s, struct sum_gslot *g, const struct pcall *p)
{
	struct sum_pend *pd = g->pend;
	if (++g->hits <= PEND_AFTER || !pd)
		return false;
	if (s->rq.lim) /* the short path's ring bins need the multiplier */
		g->hot.key = g->key;
	pd->any = true;
	cell_add_call(&pd->cell, p);
	if (p->wn)
		pend_wait(pd, p->wait);
	return true;
}

static inline bool slot_has(const struct sum_gslot *g, uint64_t key, rb_us t)
{
	return key == g->key && (uint64_t)t - (uint64_t)g->hot.lo < g->hot.span;
}

/*
 * Counts call p in its groups. Not `overall`: a call counts in exactly
 * one of the three forwarding groups, and summary_rep_done adds them up
 * into overall, one cell and one histogram fewer per call.
 *
 * Calls come in time order, and nearly every call counts in the same
 * groups as the one before: the cells and histograms of the last calls
 * are kept with their key and the range of t_dial they hold for, so that
 * a call costs two compares before its additions instead of working out
 * windows, rows and batches (a 64-bit division each) again.
 */
static void rep_count(struct summary_rep *h, const struct call_in *in, const struct pcall *p)
{
	struct sum_gslot *g = sum_gcur(h);
	if (!slot_has(g, in->key, in->t_dial)) {
		g = &h->gs[g == &h->gs[0]];
		if (slot_has(g, in->key, in->t_dial))
			h->cur = &g->hot;
		else if (!(g = groups_refresh(h, in, p)))
			return;
	}
	if (pend_add(h->s, g, p))
		return;
	cells_add(g->cell, g->hist, g->n, p);
}

/* A call not counted: warm-up, or a tenant `plan` does not judge here. */
static inline bool skipped(const struct summary *s, bool counted, int tenant_idx)
{
	return !counted || (s->o.count_tenant && tenant_idx >= 0 && s->o.scn &&
			    (size_t)tenant_idx < s->o.scn->n_tenants &&
			    !s->o.count_tenant[tenant_idx]);
}

void summary_rep_call(struct summary_rep *h, const struct callrec *r)
{
	assert(!h->done);
	const struct summary *s = h->s;
	if (skipped(s, r->counted, r->tenant_idx))
		return;
	struct pcall p;
	pcall_make(s, r, &p);
	/* the kept groups are those of a scenario tenant by index */
	struct call_in in = {sum_gkey(r->phase, r->tenant_idx, r->forwarding), r->t_dial, r->phase,
			     {r->tenant_idx >= 0 && r->tenant_idx < s->L.n_ten ? r->tenant_idx : -1,
			      r->tenant},
			     r->forwarding};
	rep_count(h, &in, &p);
}

/* summary_rep_add's way when the call's set is not hot (pend_add). */
static __attribute__((noinline)) void rep_add_slow(struct summary_rep *h,
						   const struct summary_call *c, uint64_t key)
{
	assert(!h->done);
	const struct summary *s = h->s;
	if (skipped(s, c->counted, c->tenant_idx))
		return;
	struct pcall p;
	pcall_lean(s, c, &p);
	struct call_in in = {key, c->t_dial, c->phase,
			     {c->tenant_idx >= 0 && c->tenant_idx < s->L.n_ten ? c->tenant_idx : -1,
			      NULL},
			     c->forwarding};
	rep_count(h, &in, &p);
}

/*
 * A call of a hot set to its pending run, as pcall_lean and pend_add would
 * add it (summary_rep_add; apart, so that the answered calls with no wait
 * take a short function that saves no registers).
 */
static __attribute__((noinline)) void hot_add(struct sum_pend *pd, const struct sum_rq *rq,
					      const struct summary_call *c)
{
	struct sum_cell *cl = &pd->cell;
	int oc = (int)c->outcome;
	rb_us wait = c->wait;
	cl->oc[oc]++;
	if (oc > OUTCOME_ABANDONED) {
		/* not at the center: the spare bins (kind 0) */
		cl->rr[0][SUM_SPARE_R]++;
		cl->hh[0][SUM_SPARE_H]++;
		return;
	}
	int ri = SUM_SPARE_R, hi = SUM_SPARE_H;
	if (wait != RB_T_NONE)
		ring_bins(rq, c, true, &ri, &hi);
	cl->rr[oc][ri]++; /* kind: 0 answered, 1 abandoned */
	cl->hh[oc][hi]++;
	if (oc != OUTCOME_ANSWERED)
		return;
	cl->screened += c->screened == 1;
	if (c->screened < 0)
		cl->screened_unknown++;
	if (wait != RB_T_NONE) {
		cl->wait_sum += wait;
		cl->wait_n++;
		pend_wait(pd, wait);
	}
}

static inline bool hot_has(const struct sum_gslot *g, uint64_t key, rb_us t)
{
	return key == g->hot.key && (uint64_t)t - (uint64_t)g->hot.lo < g->hot.span;
}

/*
 * A call dialled in hot set g's range with its key: a zero (slot_flush:
 * pend_zeros), or hot_add; a warm-up call or an outcome out of range the
 * general way. Those two tests come after the zero's: a zero is counted
 * and its outcome (0) in range.
 */
static inline __attribute__((always_inline)) void hot_call(struct summary_rep *h,
							   struct sum_gslot *g,
							   const struct summary_call *c, uint64_t key)
{
	struct sum_pend *pd = g->pend; /* hot: not NULL */
	/* answered (0) with no wait (0) */
	if (summary_call_is_zero(c->outcome, c->wait, c->screened, c->forwarding, c->counted)) {
		g->hot.zeros[c->screened]++;
		return;
	}
	if (!c->counted || (unsigned)c->outcome >= OUTCOME_COUNT) {
		rep_add_slow(h, c, key);
		return;
	}
	hot_add(pd, &h->s->rq, c);
}

/* summary_rep_add's way when the last set is not the call's: the other
 * set, hot, or the general way. */
static __attribute__((noinline)) void rep_add_other(struct summary_rep *h,
						    const struct summary_call *c, uint64_t key)
{
	/* around a row's or batch's end calls of both sets come mixed */
	struct sum_gslot *g = &h->gs[sum_gcur(h) == &h->gs[0]];
	if (!hot_has(g, key, c->t_dial)) {
		rep_add_slow(h, c, key);
		return;
	}
	h->cur = &g->hot;
	hot_call(h, g, c, key);
}

/*
 * The model's entry. A counted call in the hot set (the same groups as
 * the calls before it, their run pending) is added here to the pending
 * cell and histogram, as pcall_lean and pend_add would; any other goes
 * the general way. No record is filled and derived, and the ring bins
 * come from rq_near. bench/model's case cut to 1,000,237 calls
 * (callgrind): summary_rep_call 170 instructions a call (inclusive), with
 * callrec_derive_wait 32 more, before; summary_rep_add 55 after (all but
 * 4,024 calls on the short path, 774,780 of them answered with no wait:
 * one addition); 47 with the group key handed ready (struct summary_call).
 * Since then the model asks summary_rep_zero (summary.h, inline) first and
 * comes here only for the calls it declines (a quarter of that case's): a
 * zero comes here when its set is not the last call's (rep_add_other).
 */
void summary_rep_add(struct summary_rep *h, const struct summary_call *c)
{
	uint64_t key = c->gkey; /* the engine's, ready (struct summary_call) */
	assert(key == sum_gkey(c->phase, c->tenant_idx, c->forwarding));
	struct sum_gslot *g = sum_gcur(h);
	/* (a hot set's key is of counted tenants: skipped() passed it) */
	if (!hot_has(g, key, c->t_dial)) {
		rep_add_other(h, c, key);
		return;
	}
	hot_call(h, g, c, key);
}

/* ---- spans ------------------------------------------------------------ */

void sum_rep_flush(struct summary_rep *h)
{
	if (!h->seg_valid || h->seg_skip || h->acc.dur == 0) {
		memset(&h->acc, 0, sizeof(h->acc));
		return;
	}
	const struct summary *s = h->s;
	const struct sum_layout *L = &s->L;
	struct sum_cell *c = h->cells;
	if (h->seg_bin >= 0) /* batch mode: overall and phases count per batch */
		c = h->batch + (size_t)h->seg_bin * L->n_bgroups;
	sum_tw_add(&c[0].tw, &h->acc);
	if (h->seg_win >= 0)
		sum_tw_add(&c[L->g_win + h->seg_win].tw, &h->acc);
	if (h->seg_int >= 0) {
		sum_tw_add(&row_cell(h, L->g_int + h->seg_int)->tw, &h->acc);
		if (h->seg_int >= h->ints_hi)
			h->ints_hi = h->seg_int + 1;
	}
	memset(&h->acc, 0, sizeof(h->acc));
}

static inline rb_us max_us(rb_us a, rb_us b)
{
	return a > b ? a : b;
}

static inline rb_us min_us(rb_us a, rb_us b)
{
	return a < b ? a : b;
}

/* The stretch of time around t in which every group a span feeds stays. */
static void seg_find(struct summary_rep *h, rb_us t)
{
	const struct summary *s = h->s;
	h->seg_valid = true;
	h->seg_win = h->seg_int = h->seg_bin = -1;
	if (t < s->t_lo || t >= s->t_hi) {
		h->seg_skip = true;
		h->seg_lo = t < s->t_lo ? INT64_MIN : s->t_hi;
		h->seg_hi = t < s->t_lo ? s->t_lo : INT64_MAX;
		return;
	}
	h->seg_skip = false;
	rb_us lo = s->t_lo, hi = s->t_hi;
	for (int i = 0; i < s->L.n_win; i++) {
		const struct summary_window *w = &s->win[i];
		if (t >= w->start && t < w->end && h->seg_win < 0) {
			h->seg_win = i;
			lo = max_us(lo, w->start);
			hi = min_us(hi, w->end);
		} else if (w->start > t) {
			hi = min_us(hi, w->start);
		} else if (w->end <= t) {
			lo = max_us(lo, w->end);
		} else {
			/* an overlapping window: cut at its ends too */
			lo = max_us(lo, w->start);
			hi = min_us(hi, w->end);
		}
	}
	if (t < 0) {
		hi = min_us(hi, 0);
	} else if (t / RB_INTERVAL_US < SUM_INTERVALS) {
		h->seg_int = (int)(t / RB_INTERVAL_US);
		lo = max_us(lo, (rb_us)h->seg_int * RB_INTERVAL_US);
		hi = min_us(hi, (rb_us)(h->seg_int + 1) * RB_INTERVAL_US);
	} else {
		lo = max_us(lo, SUM_INTERVALS * RB_INTERVAL_US);
	}
	if (s->batch_mode) {
		int b = bin_find(h, t); /* may double the bins: before seg_valid is used */
		rb_us blo, bhi;
		bin_range(h, b, &blo, &bhi);
		h->seg_bin = b;
		lo = max_us(lo, blo);
		hi = min_us(hi, bhi);
		h->seg_valid = true;
	}
	h->seg_lo = lo;
	h->seg_hi = hi;
}

void summary_rep_span(struct summary_rep *h, rb_us from, rb_us to, const struct summary_state *st)
{
	if (!h->s->o.time_weighted)
		return;
	while (from < to) {
		if (!h->seg_valid || from < h->seg_lo || from >= h->seg_hi) {
			sum_rep_flush(h);
			seg_find(h, from);
		}
		rb_us end = to < h->seg_hi ? to : h->seg_hi;
		if (!h->seg_skip) {
			rb_us dt = end - from;
			struct sum_tw *a = &h->acc;
			a->dur += dt;
			a->ring_area += (int64_t)st->ringing * dt;
			a->busy_area += (int64_t)st->ops_busy * dt;
			a->staffed_area += (int64_t)st->ops_staffed * dt;
			a->bbusy_area += (int64_t)st->backup_busy * dt;
			a->bstaffed_area += (int64_t)st->backup_staffed * dt;
			if (st->ringing > a->ring_max)
				a->ring_max = st->ringing;
		}
		from = end;
	}
}

/* The segment (stretch) around t: the current one, or found afresh. */
static inline void seg_at(struct summary_rep *h, rb_us t)
{
	if (!h->seg_valid || t < h->seg_lo || t >= h->seg_hi) {
		sum_rep_flush(h);
		seg_find(h, t);
	}
}

void summary_rep_span_stretch(struct summary_rep *h, rb_us t, rb_us *lo, rb_us *hi)
{
	if (!h->s->o.time_weighted) {
		*lo = INT64_MIN; /* nothing to count: one stretch, ignored */
		*hi = INT64_MAX;
		return;
	}
	seg_at(h, t);
	*lo = h->seg_lo;
	*hi = h->seg_hi;
}

void summary_rep_span_sums(struct summary_rep *h, rb_us t, const struct summary_span_sums *sums)
{
	if (!h->s->o.time_weighted || sums->dur == 0)
		return;
	seg_at(h, t);
	if (h->seg_skip)
		return;
	const struct sum_tw tw = {sums->dur, sums->ring_area, sums->busy_area, sums->staffed_area,
				  sums->bbusy_area, sums->bstaffed_area, sums->ring_max};
	sum_tw_add(&h->acc, &tw);
}

void summary_set_extra(struct summary *s, const char *key, struct json_t *value)
{
	if (!value)
		return;
	json_object_set_new(s->extra, key, value);
}

void summary_set_t0_epoch(struct summary *s, rb_us t0_epoch)
{
	s->o.t0_epoch = t0_epoch;
}

void summary_set_error(struct summary *s, const char *why)
{
	free(s->error);
	s->error = strdup(why ? why : "unknown error");
	s->verdict = VERDICT_ERROR;
}

int summary_set_inconclusive(struct summary *s, const char *why)
{
	if (!s->incon && !(s->incon = json_array()))
		return ENOMEM;
	return json_array_append_new(s->incon, json_string(why ? why : "unknown reason")) ? ENOMEM : 0;
}
