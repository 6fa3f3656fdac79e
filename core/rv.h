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
};

struct rv_dist {
	enum rv_kind kind;
	double a, b;      /* as above */
	double mu, sigma; /* lognormal: of the log */
	double shape, scale; /* gamma, erlang */
	double *values;   /* empirical; owned, freed by rv_dist_free */
	size_t n;
};

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
	RVP_COUNT
};

struct rv_stream {
	gsl_rng *rng;
};

/* Seeds s for (seed, replication, process). Returns 0 or ENOMEM. */
int rv_stream_init(struct rv_stream *s, uint64_t seed, unsigned replication, enum rv_process p);
void rv_stream_free(struct rv_stream *s);

/* A uniform double in [0, 1). */
double rv_uniform01(struct rv_stream *s);

/* One draw in seconds (+INFINITY for RV_NEVER). */
double rv_draw(const struct rv_dist *d, struct rv_stream *s);
/* One draw in microseconds (INT64_MAX for RV_NEVER). */
rb_us rv_draw_us(const struct rv_dist *d, struct rv_stream *s);

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
