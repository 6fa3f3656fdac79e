/*
 * rv_int: the streams' generator (xoshiro256++, see rv.c) as inline code,
 * for the model's hot loop. Private to rv.c and sim/model/model.c: every stream
 * rv_stream_init() makes is of this type, so a draw can step the state
 * directly instead of going through gsl_rng_uniform()'s function pointer.
 * rv_u01() gives exactly what gsl_rng_uniform() gives on the same stream
 * (the same 53 bits), so the sequence of draws does not change.
 *
 * Why: the indirect call was about 3 % of the model benchmark's time (perf),
 * and inlined the compiler keeps the state in registers around it.
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

/* A uniform in [0, 1) with 53 bits, as gsl_rng_uniform() on stream s. */
static inline double rv_u01(struct rv_stream *s)
{
	return (double)(xo_next((struct xo_state *)s->rng->state) >> 11) * 0x1.0p-53;
}

#endif
