/*
 * erlang: the exact steady-state measures of Erlang A (M/M/n+M: Poisson
 * arrivals, exponential talk, exponential patience, n operators, one FIFO
 * queue) and Erlang C (M/M/n, nobody abandons), in the terms of
 * docs/definitions.md (Measures): the long-run fraction of calls answered within k
 * rings, sla, sl, sl2, abandonment, occupancy and the mean waits. The model
 * engine is checked against these (tests/check_model_erlang.c), and
 * `ringbench erlang` prints them. docs/erlang.md gives the formulas.
 *
 *   struct erlang_params p = { .lambda = 9.0 / 60, .mu = 1.0 / 120,
 *                              .theta = 1.0 / 60, .n = 20, .ring_period = 3 };
 *   struct erlang_result r;
 *   int err = erlang_solve(&p, &r);   // r.sla[3]: sla for 3 rings
 *
 * "Answered within k rings" means wait < k * ring_period, since rings =
 * floor(wait / period) + 1 (core/ring.h). Every figure is a per-call
 * probability (what the model counts), by PASTA the time-stationary state
 * an arrival sees.
 *
 * Method: the number of callers at the center is a birth-death chain; its
 * stationary distribution is computed in log space (no factorials, stable
 * for n in the thousands). The wait of a caller who finds j waiting ahead is
 * a pure-death chain whose answered/abandoned-before-t probabilities are
 * incomplete beta functions, summed over j by a recursion in log space; the
 * mean waits have closed forms. Erlang C (theta = 0) is closed form.
 */
#ifndef RB_ERLANG_H
#define RB_ERLANG_H

#include <stddef.h>

#define ERLANG_MAX_RINGS 10      /* service levels for k = 1..10 rings */
#define ERLANG_MAX_OPERATORS 100000
/* Callers waiting beyond which the chain is refused (ERANGE): a long
 * patience under overload. */
#define ERLANG_MAX_QUEUE 2000000

/* Which service level a target judges (docs/definitions.md, Targets). */
enum erlang_measure {
	ERLANG_SLA = 0,          /* the default judge */
	ERLANG_ANSWERED_WITHIN,
	ERLANG_SL,
	ERLANG_SL2,
};

struct erlang_params {
	double lambda;      /* arrivals per second, > 0 */
	double mu;          /* 1 / mean talk time in seconds, > 0 */
	double theta;       /* 1 / mean patience in seconds, >= 0; 0: Erlang C */
	int n;              /* operators, 1..ERLANG_MAX_OPERATORS */
	double ring_period; /* seconds, > 0 */
	int max_rings;      /* compute rings 1..max_rings; 0 means ERLANG_MAX_RINGS */
};

struct erlang_result {
	int erlang_c;              /* 1 when theta == 0 */
	double load;               /* offered load lambda / mu, Erlangs */
	double p_wait;             /* an arrival finds every operator busy */
	double p_abandon;          /* an arrival abandons (0 for Erlang C) */
	double occupancy;          /* carried load / n = lambda (1 - p_abandon) / (n mu) */
	double mean_wait_served_s; /* mean wait of answered calls (0 waits included) */
	double mean_wait_s;        /* mean wait of all calls (abandoned: until they hang up) */
	double mean_queue;         /* time-average number of callers waiting */
	/* Index k = rings, 1..max_rings (k = 0 and beyond max_rings: 0). */
	double answered_within[ERLANG_MAX_RINGS + 1]; /* P(answered, wait < kP) */
	double abandoned_within[ERLANG_MAX_RINGS + 1]; /* P(abandoned, wait < kP) */
	double sla[ERLANG_MAX_RINGS + 1]; /* answered_within / (1 - abandoned_within) */
	double sl[ERLANG_MAX_RINGS + 1];  /* answered_within / P(answered) */
	double sl2[ERLANG_MAX_RINGS + 1]; /* answered_within + abandoned_within */
};

/*
 * Computes every measure of p into *r. Returns 0; EINVAL when a parameter is
 * out of range (see struct erlang_params); EDOM for Erlang C when the load
 * lambda / mu reaches n (no steady state); ERANGE when more than
 * ERLANG_MAX_QUEUE callers would have to be followed; ENOMEM. *r is written
 * only on success.
 */
int erlang_solve(const struct erlang_params *p, struct erlang_result *r);

/* Erlang B, the blocking probability of M/M/n/n at load a >= 0 (stable recursion). */
double erlang_b(int n, double a);

/*
 * Erlang C, the probability of waiting in M/M/n at load a. Returns 0 with
 * *c set, or EDOM when a >= n, EINVAL when n < 1 or a < 0 or not finite.
 */
int erlang_c(int n, double a, double *c);

/* The value of measure m for k rings (1..ERLANG_MAX_RINGS) in r. */
double erlang_measure_value(const struct erlang_result *r, enum erlang_measure m, int k);

/* "sla", "answered_within", "sl", "sl2" to *m: 0, or EINVAL when unknown. */
int erlang_measure_parse(const char *name, enum erlang_measure *m);
const char *erlang_measure_name(enum erlang_measure m);

/*
 * The least number of operators whose measure m for k rings is at least
 * min_value, searched upward from 1 (Erlang A) or from the least n above the
 * load (Erlang C) up to max_n; p->n is ignored. On success returns 0 and sets
 * *n_out and, when r_out is not NULL, the measures at that n. Returns EINVAL
 * for bad parameters (k outside 1..ERLANG_MAX_RINGS, min_value outside
 * (0, 1)), ERANGE when no n up to max_n meets it, or another error of
 * erlang_solve() (an n whose queue is too long to follow counts as a miss).
 * The search gallops then bisects (log n solves), relying on the measure
 * growing with n (erlang_staff.c says why).
 */
int erlang_staff(const struct erlang_params *p, enum erlang_measure m, int k, double min_value,
		 int max_n, int *n_out, struct erlang_result *r_out);

#endif
