/*
 * floor_rv: bench/model/floor.c with ringbench's own variate code in place
 * of the floor's, so that the benchmark can tell how much of the gap between
 * ringbench model and the floor is the variates (ringbench's generator and
 * its per-process streams) and how much the engine.
 *
 * What ringbench's model does for an exponential (sim/model/model.c, core/rv.c,
 * core/rv_int.h): a stream per random process made by rv_stream_init()
 * (xoshiro256++ seeded through splitmix64 from the seed, replication and
 * process), the next unit exponential drawn inline by the ziggurat with
 * rv_exp1() (its rare wedge and tail draws out of line in core/rv.c), times
 * the mean, rounded to the nearest microsecond (the model's times are whole
 * microseconds). Here the same calls, linked against core/rv.c, and the µs
 * draw turned back into seconds for the floor's loop: the "same-variate
 * floor".
 *
 *   cc -O2 -Icore bench/model/floor_rv.c core/rv.c -lgsl -lgslcblas -lm
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, in floor.c */
#include <math.h>
#include <stdlib.h>

#include "rv.h"
#include "rv_int.h"

#define FLOOR_VARIATES "ringbench core/rv.c: xoshiro256++ streams, ziggurat rv_exp1, rounded to us"
#define FLOOR_ENGINE "floor-rv"

static struct rv_stream streams[3]; /* S_ARR, S_TALK, S_PAT of floor.c */

static void seed_rng(uint64_t seed)
{
	static const enum rv_process proc[3] = {RVP_ARRIVALS, RVP_TALK, RVP_PATIENCE};

	for (int i = 0; i < 3; i++)
		if (rv_stream_init(&streams[i], seed, 0, proc[i]) != 0)
			exit(3);
}

static inline double draw(int process, double mean)
{
	double x = mean * rv_exp1(&streams[process]);
	/* sim/model/model.c's exp_us: whole microseconds, rounded */
	int64_t us = x >= 9.2e12 ? INT64_MAX : (int64_t)(x * 1e6 + 0.5);

	return (double)us * 1e-6;
}

#include "floor.c"
