/*
 * stats: the small statistics the result files need (summary.c, compare.c).
 *
 * - stats_t975(): Student's t quantile for two-sided 95 % intervals.
 * - stats_ci(): mean ± t·sd/√n of values, skipping the ones that cannot
 *   be known (NaN); result files' intervals come from estimate.h, which
 *   uses it for per-replication quantiles and paired differences.
 * - struct stats_whist: a compact log-linear histogram of waits (in the
 *   spirit of HdrHistogram): a bin of its own for a wait of exactly 0 (an
 *   operator was free), then exact to the millisecond below 64 ms, then 64
 *   bins per doubling, so a quantile read at a bin's middle is within 0.8 %
 *   of the true value; waits of 2^24 ms (4.6 h) and more share the top bin.
 *   About 5 KB, no allocation: adding a wait is a shift and an increment.
 */
#ifndef RB_STATS_H
#define RB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

/* Student's t(0.975, df) quantile; df >= 1. */
double stats_t975(long df);

struct stats_ci {
	int n;        /* values that were known */
	double mean;  /* their mean */
	double se;    /* sd / sqrt(n) */
	double lo, hi; /* mean ± t(0.975, n-1) · se */
	bool valid;   /* n >= 2 */
};

/* The interval of values v[0..n) (NaN ones skipped). */
struct stats_ci stats_ci(const double *v, size_t n);

#define STATS_WH_SUB_BITS 6
#define STATS_WH_SUB (1 << STATS_WH_SUB_BITS)      /* 64 bins per doubling */
#define STATS_WH_TOP_BIT 24                         /* 2^24 ms */
#define STATS_WH_BINS (1 + STATS_WH_SUB * (STATS_WH_TOP_BIT - STATS_WH_SUB_BITS + 2))

struct stats_whist {
	uint64_t n;
	rb_us min, max;             /* exact extremes, to clamp quantiles */
	uint32_t bin[STATS_WH_BINS]; /* per-replication counts fit 32 bits */
};

void stats_whist_init(struct stats_whist *h);

/* Bin 0: exactly 0; then bin 1 + i for the millisecond value's log-linear bin i. */
static inline int stats_whist_index(rb_us wait)
{
	if (wait <= 0)
		return 0;
	uint64_t v = (uint64_t)wait / 1000u; /* ms */
	if (v < (uint64_t)STATS_WH_SUB)
		return 1 + (int)v;
	int e = 63 - __builtin_clzll(v); /* v in [2^e, 2^(e+1)), e >= 6 */
	if (e > STATS_WH_TOP_BIT)
		return STATS_WH_BINS - 1;
	int sh = e - STATS_WH_SUB_BITS;
	return 1 + (sh + 1) * STATS_WH_SUB + (int)((v >> sh) - STATS_WH_SUB);
}

/* Adds wait, whose bin stats_whist_index() gave (one index, many groups). */
static inline void stats_whist_add_at(struct stats_whist *h, int idx, rb_us wait)
{
	h->bin[idx]++;
	if (h->n == 0 || wait < h->min)
		h->min = wait;
	if (h->n == 0 || wait > h->max)
		h->max = wait;
	h->n++;
}

static inline void stats_whist_add(struct stats_whist *h, rb_us wait)
{
	h->bin[stats_whist_index(wait)]++;
	if (h->n == 0 || wait < h->min)
		h->min = wait;
	if (h->n == 0 || wait > h->max)
		h->max = wait;
	h->n++;
}

/* dst += src. */
void stats_whist_merge(struct stats_whist *dst, const struct stats_whist *src);

/*
 * The p-quantile (0 < p <= 1) in seconds: the bin holding the ceil(p·n)-th
 * smallest wait, read at its middle and clamped to [min, max]. NaN when
 * empty.
 */
double stats_whist_quantile(const struct stats_whist *h, double p);
/* The same for n increasing p[i], in one pass; out[i] NaN when empty. */
void stats_whist_quantiles(const struct stats_whist *h, const double *p, int n, double *out);

#endif
