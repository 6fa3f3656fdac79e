/*
 * floor: the fastest plain program of bench/model/mmnm.yaml's model that we
 * know how to write, the "floor" that ringbench model's speed is measured
 * against (bench/model/run.sh). Frozen: its figure is a yardstick, so it must
 * not change from one run of the benchmark to the next.
 *
 * The model, M/M/n+M: Poisson arrivals, exponential talk, exponential
 * patience, n operators, first come first served, a caller whose wait would
 * reach their patience hangs up unanswered. A call is "within K rings" when
 * its wait at the center is under K ring periods (docs/definitions.md:
 * the first ring starts at arrival, so a wait of exactly 9 s with a 3 s
 * period is the fourth ring).
 *
 * Why it is so short: with FIFO service and callers who leave before they
 * would be served, an arriving caller who stays is answered by the operator
 * who frees first, at max(arrival, earliest free time). So the state is just
 * the operators' free times, in a binary min-heap, and one pass over the
 * arrivals in order simulates the queue exactly: no event list, no queue of
 * waiting callers, no patience timers. The patience is drawn only for a
 * caller who has to wait, the talk time only for an answered call.
 *
 * Variates: xoshiro256+ (Blackman and Vigna; the "+" variant, the fastest
 * of the family for floating point), exponentials by -mean * log(1 - u) with
 * libm's log. floor_rv.c defines FLOOR_VARIATES and includes this file to
 * get the same program with ringbench's own variate code instead.
 *
 *   floor CALLS [--rate R] [--talk S] [--patience S] [--operators N]
 *                [--ring-period S] [--rings K] [--seed N]
 *
 * Defaults are mmnm.yaml's: 2 calls/s, talk 120 s, patience 60 s, 250
 * operators, ring period 3 s, within 3 rings. Prints one JSON line:
 * calls, answered, abandoned, the fraction answered within K rings (of all
 * calls), the abandoned fraction, and calls per CPU second of the
 * simulation loop (CLOCK_PROCESS_CPUTIME_ID).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { S_ARR, S_TALK, S_PAT }; /* which random process a draw is for */

#ifndef FLOOR_VARIATES
#define FLOOR_VARIATES "xoshiro256+, -mean*log(1-u)"
#define FLOOR_ENGINE "floor"

static uint64_t xs[4];

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t xs_next(void)
{
	uint64_t r = xs[0] + xs[3], t = xs[1] << 17;

	xs[2] ^= xs[0];
	xs[3] ^= xs[1];
	xs[1] ^= xs[2];
	xs[0] ^= xs[3];
	xs[2] ^= t;
	xs[3] = rotl(xs[3], 45);
	return r;
}

static void seed_rng(uint64_t seed)
{
	/* splitmix64 fills the 256-bit state from the 64-bit seed */
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += UINT64_C(0x9e3779b97f4a7c15));
		z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
		xs[i] = z ^ (z >> 31);
	}
}

/* One stream for every process: the floor needs no common random numbers. */
static inline double draw(int process, double mean)
{
	(void)process;
	/* the top 53 bits: xoshiro256+'s low bits are its weak ones */
	double u = (double)(xs_next() >> 11) * 0x1.0p-53;
	return -mean * log(1.0 - u);
}
#endif

/* The heap's top is replaced by v and sifted down (h[0] is the minimum). */
static inline void replace_top(double *h, int n, double v)
{
	int i = 0, c;

	/* Floyd's bottom-up: down to a leaf along the smaller children, then
	 * back up to v's place; the new free time usually belongs near the
	 * bottom, so this saves a comparison per level. */
	while ((c = 2 * i + 1) + 1 < n) {
		c += h[c + 1] < h[c];
		h[i] = h[c];
		i = c;
	}
	if (c < n) {
		h[i] = h[c];
		i = c;
	}
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!(v < h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = v;
}

static double arg(int argc, char **argv, const char *name, double dflt)
{
	for (int i = 2; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return atof(argv[i + 1]);
	return dflt;
}

int main(int argc, char **argv)
{
	if (argc < 2 || atoll(argv[1]) <= 0 || (argc % 2) != 0) {
		fprintf(stderr, "usage: %s CALLS [--rate R] [--talk S] [--patience S] [--operators N] "
				"[--ring-period S] [--rings K] [--seed N]\n", argv[0]);
		return 2;
	}
	long long calls = atoll(argv[1]);
	double rate = arg(argc, argv, "--rate", 2), talk = arg(argc, argv, "--talk", 120);
	double patience = arg(argc, argv, "--patience", 60);
	int n = (int)arg(argc, argv, "--operators", 250);
	double period = arg(argc, argv, "--ring-period", 3);
	int rings = (int)arg(argc, argv, "--rings", 3);
	uint64_t seed = (uint64_t)arg(argc, argv, "--seed", 1);
	if (rate <= 0 || talk <= 0 || patience <= 0 || n < 1 || period <= 0 || rings < 1) {
		fprintf(stderr, "%s: every parameter must be positive\n", argv[0]);
		return 2;
	}
	double *h = calloc((size_t)n, sizeof(*h)); /* every operator free at time 0 */
	if (!h) {
		perror("floor");
		return 3;
	}
	seed_rng(seed);
	double limit = rings * period, gap = 1.0 / rate, t = 0;
	/* answered at once (all within the limit), answered after a wait, and
	 * of those the ones under the limit */
	long long at_once = 0, late = 0, late_within = 0, abandoned = 0;

	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (long long i = 0; i < calls; i++) {
		t += draw(S_ARR, gap);
		double f = h[0];
		if (f <= t) { /* an operator is free: answered at once, one ring */
			at_once++;
			replace_top(h, n, t + draw(S_TALK, talk));
			continue;
		}
		double w = f - t;
		if (draw(S_PAT, patience) <= w) { /* gone before the operator frees */
			abandoned++;
			continue;
		}
		late++;
		late_within += w < limit;
		replace_top(h, n, f + draw(S_TALK, talk));
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	long long answered = at_once + late, within = at_once + late_within;
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
	printf("{\"engine\": \"%s\", \"variates\": \"%s\", \"calls\": %lld, \"cpu_s\": %.6f, "
	       "\"calls_per_s\": %.0f, \"answered\": %lld, \"abandoned\": %lld, "
	       "\"answered_within_%d\": %.6f, \"abandon_fraction\": %.6f, \"sim_end_s\": %.3f}\n",
	       FLOOR_ENGINE, FLOOR_VARIATES, calls, cpu, cpu > 0 ? (double)calls / cpu : 0.0, answered,
	       abandoned, rings, (double)within / (double)calls, (double)abandoned / (double)calls, t);
	free(h);
	return 0;
}
