/*
 * estimate: a measure's point, standard error, degrees of freedom and 95 %
 * interval from its parts: independent replications, or consecutive batches
 * of one run (docs/definitions.md, "Intervals").
 *
 * Every measure ringbench reports is a ratio of sums (answered within k
 * rings over offered, busy time over staffed time, the sum of waits over
 * answered calls), so a part is a numerator and a denominator, and:
 *
 * - the point is the pooled ratio Σnum / Σden, the figure every file shows;
 * - its standard error is the ratio estimator's (delta method):
 *   se² = Σ (num_i − R·den_i)² / (n (n − 1) d̄²) over the n parts with a
 *   denominator, d̄ their mean denominator: a part with few calls weighs
 *   less, as it should (the mean of part ratios is not the pooled ratio);
 * - batches are merged in adjacent pairs while the lag-1 autocorrelation
 *   of their ratios is significant, keeping at least `min_parts`, so the
 *   parts used are close to independent, as a t interval assumes;
 * - the interval never leaves the measure's range: proportions by Wilson's
 *   interval with the effective sample size n_eff = p(1 − p) / se² (capped
 *   at the calls counted, so a point of exactly 1 still gets an interval
 *   below 1), non-negative measures on the log scale, both with Student's
 *   t(df) in place of the normal quantile. Never a clip.
 *
 *   struct est_part p[40] = ...;              (per batch: num, den)
 *   struct est e = est_batches(p, 40, 10, EST_PROPORTION, calls);
 *   if (e.valid) printf("%.4f [%.4f, %.4f], df %ld\n", e.point, e.lo, e.hi, e.df);
 */
#ifndef RB_ESTIMATE_H
#define RB_ESTIMATE_H

#include <stdbool.h>

/* What values a measure can take. */
enum est_range {
	EST_PROPORTION, /* [0, 1] */
	EST_NONNEG,     /* [0, ∞): times, counts, queue lengths */
};

/* One replication's or batch's numerator and denominator. */
struct est_part {
	double num, den;
};

struct est {
	double point;  /* Σnum / Σden; NaN when Σden is 0 */
	double se;     /* raw-scale standard error; NaN when none */
	long df;       /* its degrees of freedom (parts used − 1); 0 when none */
	int n;         /* parts with a denominator, after merging */
	int merged;    /* batches per part used: 1, 2, 4 ... (1 for replications) */
	bool lag1_ok;  /* batches: the lag-1 test passed on the parts used */
	double lo, hi; /* the 95 % interval, inside the range; NaN when !valid */
	bool valid;    /* an interval could be given (n >= 2, or min_parts) */
};

/*
 * Independent parts (replications). `cap` bounds n_eff for proportions
 * (the calls counted; NaN: no bound). Parts with den == 0 are skipped.
 */
struct est est_replications(const struct est_part *p, int n, enum est_range r, double cap);

/*
 * Consecutive batches of one run, in time order (parts with den == 0, e.g.
 * outside the measure's phase, are skipped). Merged first into merge0
 * batches a part (1: none; est_batch_level), then: no interval when fewer
 * than min_parts parts have a denominator; otherwise adjacent parts are
 * merged in pairs until the lag-1 test passes or another merge would leave
 * fewer than min_parts (lag1_ok then says the test did not pass).
 */
struct est est_batches(const struct est_part *p, int n, int min_parts, int merge0,
		       enum est_range r, double cap);

/*
 * The merging a run's batches need, from a series that shows the system's
 * memory best (busy operators, mean wait per batch): 1, 2, 4 ... batches
 * per part, by the same lag-1 rule. A proportion over a few dozen calls a
 * batch is too noisy for the test to see the correlation that is there;
 * the time-weighted state is not. est_batches starts from this merging
 * (merge0) and may merge further on its own series.
 */
int est_batch_level(const double *x, int n, int min_parts);

/*
 * Values that are not ratios (per-replication quantiles): the interval of
 * their spread about `point`, in range. Needs n >= 2 known values.
 */
struct est est_values(const double *v, int n, double point, enum est_range r);

/*
 * The interval about e->point with e->se and e->df, in range (sets lo, hi,
 * valid). For tests and for compare's differences' companions.
 */
void est_interval(struct est *e, enum est_range r, double cap);

/*
 * The lag-1 autocorrelation of x[0..n) (NaN values skipped), and whether a
 * series of that length passes the one-sided test of no positive
 * correlation at est_lag1_alpha.
 */
double est_lag1(const double *x, int n);
bool est_lag1_passes(double r1, int n);
extern const double est_lag1_alpha;

/*
 * se × √(1 + 2ρ), ρ = r1 + 1/n (its bias under no correlation) within
 * [0, 0.5]: the first-order correction for the lag-1 correlation r1 left
 * between n batches. se itself when r1 is NaN or n < 3.
 */
double est_lag1_inflate(double se, double r1, int n);

/*
 * Merges a series of n values in adjacent pairs (the mean of the two, or
 * the one known), in place; returns the new length. For paired batch
 * differences, whose parts are already values.
 */
int est_merge_pairs(double *x, int n);

#endif
