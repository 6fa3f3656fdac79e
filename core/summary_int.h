/*
 * summary_int: the summary's private structures, shared by summary.c (the
 * hot path: calls and spans), summary_finish.c (combining, targets) and
 * summary_json.c (the file and the terminal summary).
 *
 * Each replication owns its groups' counters ("cells"): integers only, so
 * that adding them up in replication order gives the same totals whatever
 * thread ran which replication. Every measure is computed from a cell in
 * summary_finish/summary_write_json, never on the hot path.
 */
#ifndef RB_SUMMARY_INT_H
#define RB_SUMMARY_INT_H

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "estimate.h"
#include "stats.h"
#include "summary.h"

#define SUM_INTERVALS 96  /* 15-minute rows kept: one day */
/*
 * Batch means with one replication: the run is cut into 40 batches, which
 * estimate.c merges in pairs until their lag-1 autocorrelation is no longer
 * significant; a measure needs at least 10 batches with calls (a phase
 * that spans fewer has no interval, so its targets are inconclusive).
 */
#define SUM_BATCHES 40
#define SUM_MIN_BATCHES 10
#define SUM_FINE_BINS 160 /* batches while the run's end is not known */
#define SUM_RBINS (RB_MAX_RINGS + 1) /* rings 1..10, then "more" */
#define SUM_NQ 3          /* wait quantiles: p50, p90, p99 */

extern const double sum_q[SUM_NQ];

/* Time-weighted sums over a stretch of time (state × microseconds). */
struct sum_tw {
	int64_t dur, ring_area, busy_area, staffed_area, bbusy_area, bstaffed_area;
	int64_t ring_max;
};

/*
 * One group's counters in one replication (or batch). Laid out so that a
 * call adds to it without a branch: answered (0) and abandoned (1) calls
 * count their rings in rr/hh, other outcomes in a spare last bin.
 */
#define SUM_SPARE_R SUM_RBINS              /* rr's spare bin */
#define SUM_SPARE_H RB_RINGS_HEARD_BINS    /* hh's spare bin */
struct sum_cell {
	/* one cache line: what every call adds to */
	uint64_t oc[OUTCOME_COUNT];            /* calls by outcome */
	int64_t wait_sum;                      /* answered calls' waits, µs */
	uint64_t wait_n;
	uint64_t screened;                     /* answered calls screened */
	uint64_t screened_unknown;             /* answered calls, screening not known */
	uint64_t rr[2][SUM_RBINS + 1];         /* rings at the center: 1..10, more, spare */
	uint64_t hh[2][RB_RINGS_HEARD_BINS + 1]; /* rings heard: 1..30, 31+, spare */
	struct sum_tw tw;
} __attribute__((aligned(64)));

#define C_ANS(c) ((c)->oc[OUTCOME_ANSWERED])
#define C_ABD(c) ((c)->oc[OUTCOME_ABANDONED])
#define C_ABF(c) ((c)->oc[OUTCOME_ABANDONED_BEFORE_FORWARD])
#define C_REJ(c) ((c)->oc[OUTCOME_REJECTED])
#define C_INC(c) ((c)->oc[OUTCOME_INCOMPLETE])

/* The groups of a replication, in this order. */
struct sum_layout {
	int n_win, n_ten;  /* windows (phases), the scenario's tenants */
	int g_win, g_ten, g_fwd, g_int, n_groups; /* first index of each kind */
	int n_bgroups;     /* groups with batch cells: all but intervals */
};

/* Tenants not in the scenario (captures): named groups, grown as met. */
struct sum_xten {
	char name[64];
	struct sum_cell cell;
	struct stats_whist hist;
	struct sum_cell *batch; /* n_bins cells (batch mode), or NULL */
};

/*
 * A run of calls that count in the same groups (summary_rep_call): added
 * once here instead of once per group, and added to the groups (the cache
 * gc_cell, gc_hist of struct summary_rep) when the groups change or before
 * anything reads them. touched: the bins of hist in use, so that handing
 * it over costs what was added, not the whole histogram.
 */
struct sum_pend {
	bool any;
	struct sum_cell cell;
	struct stats_whist hist;
	int n_touched;
	uint16_t touched[STATS_WH_BINS];
};

/*
 * A set of groups a call counts in (summary_rep_call, summary_rep_add):
 * the next call of the same phase, tenant and forwarding (its key),
 * dialled within [lo, lo + span) (the same window, 15-minute row and
 * batch), counts in the same cells.
 */
#define SUM_GSLOTS 2
#define SUM_GKEY_NONE SUMMARY_GKEY_NONE

/*
 * The key of a call's groups as the call gives them: its phase, tenant
 * index and forwarding, in one word compared at once. With the t_dial
 * range of a set (which also holds the window when it comes from t_dial,
 * not the phase) it decides the groups.
 */
static inline uint64_t sum_gkey(int phase, int tenant_idx, int forwarding)
{
	return summary_gkey(phase, tenant_idx, forwarding);
}

struct sum_gslot {
	/*
	 * First (summary.h): hot.key is key once its run is pending
	 * (pend_add), else NONE; hot.lo, hot.span its t_dial range; hot.zeros
	 * the run's answered calls with no wait (summary_rep_add), added to
	 * the pending cell and histogram when the run is handed over.
	 */
	struct summary_hot hot;
	uint64_t key;               /* sum_gkey() of its calls; SUM_GKEY_NONE: empty */
	int n;
	struct sum_cell *cell[4];
	struct stats_whist *hist[4];
	uint32_t hits;              /* calls in a row in these groups */
	struct sum_pend *pend;      /* its pending run; NULL: add directly */
};

struct summary_rep {
	/*
	 * First: summary_rep_add's inline short path reads it (summary.h).
	 * The set the last call counted in (in gs): &gs[i].hot; sum_gcur.
	 */
	struct summary_hot *cur;
	struct summary *s;
	int idx;
	/*
	 * With several replications every group counts in cells[g]. With one,
	 * the groups but intervals count only in their batch's cell,
	 * batch[b * n_bgroups + g], and the totals are added up at the end;
	 * the 15-minute rows count in their views' totals (summary.c:
	 * row_cell), their cells[g] unused.
	 */
	struct sum_cell *cells;     /* n_groups */
	/*
	 * The groups' wait histograms, hstride bytes apart (sum_rep_hist).
	 * With one replication they are the views' own (struct summary's
	 * views: the totals need no merge and no copy; hists_cap 0); with
	 * several, an array of the pool (hists_cap of them), merged into the
	 * views' and handed back by summary_rep_done.
	 */
	struct stats_whist *hists;
	size_t hstride;
	int hists_cap;              /* histograms in a pooled hists; 0: the views' */
	/*
	 * hused[g]: group g has been given calls (call_groups), so its
	 * histogram may hold waits; the others are never read: a histogram
	 * not touched is a page not touched.
	 */
	uint8_t *hused;
	int ints_hi;                /* 15-minute rows [0, ints_hi) may hold counts */
	double *quant;              /* n_groups × 3: p50, p90, p99 of this replication */
	bool ready, done, alloc_failed;
	struct sum_cell *batch;     /* n_bins × n_bgroups, or NULL */
	int cb;                     /* the batch of the last call, and its time */
	rb_us cb_lo, cb_hi;
	struct sum_xten *xten;
	int n_xten, cap_xten;
	bool oom;                   /* a tenant group could not be added */
	uint64_t saturated;         /* draws cut at RV_MAX_S (summary_rep_saturated) */
	bool saturated_known;
	/* batches while the end is unknown: bins of width bin_w from t_lo */
	rb_us bin_w;
	int bins_used;
	/*
	 * The groups of the last calls (summary_rep_call), two sets: a call's
	 * record comes when it ends, so around the end of a 15-minute row or a
	 * batch the calls dialled before it and after it end mixed, and one set
	 * would be worked out again at nearly every call there.
	 */
	struct sum_gslot gs[SUM_GSLOTS];
	struct sum_pend *pend;      /* SUM_GSLOTS of them; NULL: calls add to
				       the groups directly */
	/* the current stretch of time spans fall in, and its running sums */
	bool seg_valid, seg_skip;
	rb_us seg_lo, seg_hi;
	int seg_win, seg_int, seg_bin;
	struct sum_tw acc;
};

_Static_assert(offsetof(struct summary_rep, cur) == 0, "summary_rep_add reads it first");
_Static_assert(offsetof(struct sum_gslot, hot) == 0, "cur points to a set's hot");

/* The set the last call counted in. */
static inline struct sum_gslot *sum_gcur(const struct summary_rep *h)
{
	return (struct sum_gslot *)(void *)h->cur;
}

/* A group as the file shows it: totals plus the samples for its ci95. */
struct sum_view {
	char *name;
	struct sum_cell total;
	struct stats_whist hist;           /* every replication's waits, added as each ends */
	const struct sum_cell **samples; /* per replication, or per batch */
	double *sq;                        /* n_samples × 3 quantiles; NULL for batches */
	int n_samples;
	int min_samples;                   /* fewer known values: no interval */
	bool batches;                      /* samples are batches of one run */
	int merge0;                        /* batches: the run's merging (est_batch_level) */
	bool tw;                           /* time-weighted measures known */
};

/* A measure of a cell as a ratio: its numerator and denominator. */
typedef void (*sum_partfn)(const struct sum_cell *c, int a, int b, double *num, double *den);

/*
 * A measure of a view (estimate.h): the pooled ratio of its total, the
 * standard error from its replications (est_replications) or batches
 * (est_batches, at least v->min_samples of them), and an interval within
 * r's range. calls: the denominator counts calls (it then bounds n_eff).
 */
struct est sum_view_est(const struct sum_view *v, sum_partfn f, int a, int b, enum est_range r,
			bool calls);
/* The same from parts already made (one per sample) and the total's num, den. */
struct est sum_view_est_from(const struct sum_view *v, const struct est_part *p, double num,
			     double den, enum est_range r, bool calls);

struct sum_target {
	const struct scn_target *t;
	const char *phase;  /* the window's name, or NULL: the whole run */
	double measured;    /* NaN: cannot be known */
	struct est ci;
	enum rb_judgement judged;
	const char *note;
};

/*
 * Rings, capped, without a division per call: floor(n / ring period) for
 * 0 <= n < lim as (n * mul) >> sh, exact there (summary.c: rq_setup);
 * lim = SUM_RQ_CAP periods, beyond which every count used is capped.
 */
#define SUM_RQ_CAP (RB_RINGS_HEARD_BINS - 1) /* q = 30: rings heard "31+" */
struct sum_rq {
	uint64_t lim, mul;
	int sh;
	rb_us period;
};

struct summary {
	struct summary_opts o;
	rb_us ring_period;
	struct sum_rq rq;
	struct summary_window *win; /* n_win, owned copy of names not needed */
	struct sum_layout L;
	rb_us t_lo, t_hi;           /* counted time; t_hi INT64_MAX: unknown */
	bool batch_mode, fixed_bins;
	int n_bins;                 /* SUM_BATCHES, or SUM_FINE_BINS */
	double edges[SUM_BATCHES + 1]; /* after summary_finish: the batches' edges, s */
	int n_edges;                /* batches + 1, or 0 (replications) */
	struct summary_rep *reps;
	int n_reps;
	pthread_mutex_t mu;           /* guards the views' histograms while
					 replications end (several of them) */
	struct json_t *extra;       /* object of extra members */
	char *error;
	struct json_t *incon;       /* array of why the run is at best inconclusive, or NULL */
	bool finished;
	/*
	 * The groups' views, allocated with the summary (views_cap: n_groups,
	 * more for extra tenants at summary_finish): their histograms are
	 * the replications' waits added up as replications end. The rest is
	 * filled by summary_finish (n_views: 0 before).
	 */
	struct sum_view *views;     /* n_views: groups, then extra tenants */
	int views_cap;
	int n_views, n_ints_used;
	int ints_built;             /* 15-minute rows whose views summary_finish filled */
	struct sum_cell *bsum;      /* merged batch cells (unknown end) */
	struct sum_target *tres;
	size_t n_tres;
	enum rb_verdict verdict;
};

/* A service level: measure m, counted as cnt, within k rings; NaN when 0/0. */
double sum_level(const struct sum_cell *c, enum scn_measure m, enum scn_count cnt, int k);

static inline double sum_ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

static inline uint64_t sum_offered(const struct sum_cell *c)
{
	return C_ANS(c) + C_ABD(c) + C_REJ(c);
}

static inline uint64_t sum_dialled(const struct sum_cell *c)
{
	return sum_offered(c) + C_ABF(c) + C_INC(c);
}

/* A target's measure (rings level, or abandon fraction) of a cell, as a ratio. */
void sum_level_parts(const struct sum_cell *c, enum scn_measure m, enum scn_count cnt, int k,
		     double *num, double *den);
void sum_target_parts(const struct scn_target *t, const struct sum_cell *c, double *num,
		      double *den);

/* Group g's wait histogram in replication h. */
static inline struct stats_whist *sum_rep_hist(const struct summary_rep *h, int g)
{
	return (struct stats_whist *)((char *)h->hists + (size_t)g * h->hstride);
}

/* Adds src's counters into dst. */
void sum_cell_add(struct sum_cell *dst, const struct sum_cell *src);
/* Hands h->hists back to the pool the next replication takes from (summary.c). */
void sum_hists_free(struct summary_rep *h);
void sum_tw_add(struct sum_tw *dst, const struct sum_tw *src);

/* Flushes a replication's running time-weighted sums into its cells. */
void sum_rep_flush(struct summary_rep *h);

#endif
