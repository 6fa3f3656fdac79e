/*
 * rv_int: the streams' generator (xoshiro256++, see rv.c) as inline code,
 * for the model's hot loop. Private to rv.c and sim/model/model.c: every stream
 * rv_stream_init() makes is of this type, so a draw can step the state
 * directly instead of going through gsl_rng_uniform()'s function pointer.
 * rv_u01() gives exactly what gsl_rng_uniform() gives on the same stream
 * (the same 53 bits), so the sequence of draws does not change.
 *
 * Why: the indirect call was about 3 % of the model benchmark's time (perf),
 * and inlined the compiler keeps the state in registers around it. The
 * state is loaded and stored at every draw all the same: the model's draws
 * of a call come from different streams (talk, patience, arrivals), so no
 * two in a row share one. bench/model's case (callgrind, 1,000,237 calls):
 * 98.2 M instructions in this file's lines for 3.0 M exponentials, 33 a
 * draw with its stream's pointer; the ziggurat's two tables merged into one
 * of {width, edge} pairs made no difference (558.1 and 558.3 instructions
 * per call in all).
 */
#ifndef RB_RV_INT_H
#define RB_RV_INT_H

#include <stdint.h>

#include "rv.h"

struct xo_state {
	uint64_t s[4];
};

static inline uint64_t xo_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t xo_next(struct xo_state *st)
{
	uint64_t *s = st->s;
	uint64_t r = xo_rotl(s[0] + s[3], 23) + s[0];
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = xo_rotl(s[3], 45);
	return r;
}

/*
 * The exponential ziggurat (Marsaglia and Tsang 2000: 256 layers of equal
 * area under exp(-x)), tables built once by rv.c the first time a stream is
 * made (rv_stream_init). rv_zig_x[i] is layer i's width, from
 * rv_zig_x[0] (the base layer, whose part beyond rv_zig_x[1] = R stands for
 * the tail) down to rv_zig_x[256] = 0; rv_zig_f[i] = exp(-rv_zig_x[i]).
 */
#define RV_ZIG_LAYERS 256
extern double rv_zig_x[RV_ZIG_LAYERS + 1], rv_zig_f[RV_ZIG_LAYERS + 1];
/* rv_zig_x[i] x 2^-53 (exact): the value in one multiply, the same double
 * as (b >> 11) x 2^-53 x rv_zig_x[i] (both are the one rounding of the same
 * real product) */
extern double rv_zig_xs[RV_ZIG_LAYERS];
/* The rare draws (1.2 %): a wedge or the tail; rv.c. */
double rv_exp1_slow(struct xo_state *st, unsigned layer, double x);

/*
 * A unit-mean exponential from st. One 64-bit word: the layer from its low
 * 8 bits, the value from its top 53 (bits 11 to 63), so no bit serves both
 * (Leong, Zhang et al. 2005: the original ziggurat took the layer from the
 * value's own low bits, which skews the result). xoshiro256++ has no weak
 * low bits. 98.8 % of draws end at the first compare, with neither log()
 * nor exp().
 */
static inline double rv_exp1_st(struct xo_state *st)
{
	uint64_t b = xo_next(st);
	unsigned i = (unsigned)(b & (RV_ZIG_LAYERS - 1));
	double x = (double)(b >> 11) * rv_zig_xs[i];

	if (x < rv_zig_x[i + 1])
		return x;
	return rv_exp1_slow(st, i, x);
}

/* A unit-mean exponential from stream s (rv_std_exponential, inline). */
static inline double rv_exp1(struct rv_stream *s)
{
	return rv_exp1_st(s->xo);
}

/* A uniform in [0, 1) with 53 bits, as gsl_rng_uniform() on stream s. */
static inline double rv_u01(struct rv_stream *s)
{
	return (double)(xo_next(s->xo) >> 11) * 0x1.0p-53;
}

#endif
