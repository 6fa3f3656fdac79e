/*
 * rv: random variates for scenario distributions, drawn with GSL.
 *
 * A struct rv_dist is what a scenario says ({exponential: 40}, {uniform:
 * [2, 6]}, ...), with its parameters converted once at load time (lognormal's
 * mean and sd of the variate become mu and sigma of its log). Draws are in
 * seconds or microseconds, never negative.
 *
 * Randomness comes in streams, one per random process (arrivals, patience,
 * talk, ...): rv_stream_init() seeds a stream from the run's seed, the
 * replication number and the process, so changing the staffing leaves the
 * arrivals the same, and the same seed gives the same draws.
 *
 * Common random numbers: the model draws every per-call quantity (patience,
 * screening, talk, pick-up by an operator and by a backup, wrap-up, the
 * redial decision and delay) when the call is dialled, each from its
 * process's stream in dial order, so the same seed gives the same callers
 * whatever the staffing, and two runs that differ only in staffing can be
 * compared call for call (paired). A redial's own draws come from
 * RVP_RETRY re-keyed for (caller, attempt) (rv_stream_rekey), so redials,
 * which do depend on the staffing, never shift a first-time caller's draws.
 */
#ifndef RB_RV_H
#define RB_RV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "rbtime.h"

enum rv_kind {
	RV_FIXED = 0,   /* a: value */
	RV_EXPONENTIAL, /* a: mean */
	RV_UNIFORM,     /* a, b: bounds */
	RV_NORMAL,      /* a: mean, b: sd; truncated at 0 (redrawn) */
	RV_LOGNORMAL,   /* mean, sd of the variate; mu, sigma of its log */
	RV_GAMMA,       /* mean, sd; shape k = (mean/sd)^2, scale = sd^2/mean */
	RV_ERLANG,      /* k stages, mean; scale = mean / k */
	RV_EMPIRICAL,   /* values[n], each equally likely */
	RV_NEVER,       /* never happens: +infinity (patience_s: {never: true}) */
	RV_WEIBULL,     /* a: shape k, b: scale; last, so the kinds before keep their numbers */
};

struct rv_dist {
	enum rv_kind kind;
	double a, b;      /* as above */
	double mu, sigma; /* lognormal: of the log */
	double shape, scale; /* gamma, erlang */
	double *values;   /* empirical; owned, freed by rv_dist_free */
	size_t n;
};

/*
 * The version of the random-stream layout: which stream draws what, in which
 * order. Change it whenever the mapping from (seed, replication) to callers
 * changes (a new draw, a draw moved to another stream or another moment,
 * another variate method), so that result folders made under different
 * layouts never pair (summary.json's "stream_layout" and "pairing_key").
 * 1: pick-up, wrap-up and redials drawn in service order.
 * 2: every per-call quantity drawn at dial; redials from RVP_RETRY.
 * (RVP_RING came in under 2: a stream of its own, drawn only by scenarios
 * with phone settings, which no earlier build could read; every other
 * draw is where it was, so results without them pair as before.)
 * 3: exponentials by a ziggurat (rv_std_exponential), not -mean ln(1 - U):
 *    the same streams give other draws.
 */
#define RV_STREAM_LAYOUT 3

/* Process identifiers: one stream each. Keep the order (seeds depend on it). */
enum rv_process {
	RVP_ARRIVALS = 0,
	RVP_BURSTS,
	RVP_TENANT,
	RVP_TYPE,
	RVP_PATIENCE,
	RVP_TALK,
	RVP_SCREENING,
	RVP_PICKUP,
	RVP_WRAPUP,
	RVP_BACKUP,
	RVP_REDIAL,
	RVP_CALLER, /* caller details for live runs: names, numbers */
	RVP_RETRY,  /* a redial's draws, re-keyed per (caller, attempt) */
	RVP_RING,   /* a phone ring's draws (no-answer, a later ring's pick-up),
		     * re-keyed per (caller, attempt, ring): RV_RING_SUB */
	RVP_COUNT
};

struct rv_stream {
	gsl_rng *rng;
	void *xo;           /* rng's state, for rv_int.h's inline draws: one load fewer */
	uint64_t saturated; /* draws cut to RV_MAX_S (rv_draw, rv_draw_us) */
};

/*
 * The longest draw: 1e9 s (about 31.7 years), in seconds and microseconds.
 * The scenario loader refuses a parameter above it, but a heavy-tailed
 * distribution with sane parameters (a lognormal with a large sd) can still
 * draw more, and a time of 1e13 s or more would overflow the int64
 * microseconds that every time is kept in once two of them are added. So a
 * draw above RV_MAX_S is cut to it ("saturated") and counted in the
 * stream's `saturated`, which summary.json reports as saturated_draws.
 * 1e15 µs leaves room for thousands of such durations added up before
 * INT64_MAX (9.2e18 µs).
 */
#define RV_MAX_S 1e9
#define RV_MAX_US INT64_C(1000000000000000)

/* Seeds s for (seed, replication, process). Returns 0 or ENOMEM. */
int rv_stream_init(struct rv_stream *s, uint64_t seed, unsigned replication, enum rv_process p);
void rv_stream_free(struct rv_stream *s);
/*
 * Re-seeds the initialised stream s as sub-stream sub of (seed, replication,
 * p): a stream of its own for each sub (e.g. a caller and attempt), whatever
 * order the subs are drawn in. Cheap (no allocation); cannot fail.
 */
void rv_stream_rekey(struct rv_stream *s, uint64_t seed, unsigned replication, enum rv_process p,
		     uint64_t sub);
/* The sub-stream of RVP_RETRY for a caller's attempt-th redial (model, schedule). */
#define RV_RETRY_SUB(caller, attempt) (((uint64_t)(caller) << 24) ^ (uint64_t)(attempt))

/*
 * The sub-stream of RVP_RING for a call's ring-th phone ring (1-based; rings
 * past 255 reuse the draws of ring & 255). Only scenarios with phone
 * settings (center.phone) draw from it, so without them no draw moves.
 */
#define RV_RING_SUB(caller, attempt, ring) \
	((RV_RETRY_SUB(caller, attempt) << 8) ^ ((uint64_t)(ring) & 0xff))

/* A uniform double in [0, 1). */
double rv_uniform01(struct rv_stream *s);
/*
 * A unit-mean exponential, by a ziggurat (rv_int.h; Marsaglia and Tsang's,
 * layer and value from separate bits of one 64-bit draw). Every exponential
 * of the model, the live schedule and rv_draw is mean times this.
 */
double rv_std_exponential(struct rv_stream *s);

/* One draw in seconds, at most RV_MAX_S (+INFINITY for RV_NEVER). */
double rv_draw(const struct rv_dist *d, struct rv_stream *s);
/* One draw in microseconds, at most RV_MAX_US (INT64_MAX for RV_NEVER). */
rb_us rv_draw_us(const struct rv_dist *d, struct rv_stream *s);

/*
 * One draw of d given that it is at least bound_s (core/rv_cond.c): the
 * scenario's patience for a replayed caller who was seen to wait that long
 * (core/trace.h). By the inverse of the upper tail, one uniform from s, for
 * every kind but the exponential (memoryless: the bound plus
 * rv_std_exponential) and those without a tail formula (rejection then, at
 * most 10,000 draws). When d cannot exceed the bound (a fixed value, a uniform
 * or empirical distribution that ends below it, or rejection that found
 * nothing) the bound itself is returned and *clamped (may be NULL) set.
 * Cut at RV_MAX_S and counted like rv_draw; RV_NEVER stays never.
 */
double rv_draw_above(const struct rv_dist *d, double bound_s, struct rv_stream *s, bool *clamped);
/* The same in microseconds, never below bound (INT64_MAX for RV_NEVER). */
rb_us rv_draw_above_us(const struct rv_dist *d, rb_us bound, struct rv_stream *s, bool *clamped);

/* The distribution's exact mean and variance (for tests and Erlang checks). */
double rv_mean(const struct rv_dist *d);
double rv_variance(const struct rv_dist *d);

/*
 * Fills d's derived parameters from kind, a, b (and values for empirical).
 * Returns 0, or EINVAL with *why set to what is wrong ("sd must be > 0").
 */
int rv_dist_prepare(struct rv_dist *d, const char **why);
void rv_dist_free(struct rv_dist *d);

/*
 * Picks an index by cumulative shares (cum[n-1] == 1): the first i with
 * u < cum[i]. Used for tenants and caller types.
 */
size_t rv_pick(const double *cum, size_t n, struct rv_stream *s);

#endif
