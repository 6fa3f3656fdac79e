/*
 * model: the discrete-event engine behind `ringbench model`.
 *
 * model_run() simulates a scenario's replications: per phase, Poisson
 * arrivals at the phase's rate plus its bursts; each call draws, when it is
 * dialled, its tenant, caller type, patience, screening, talk, redial,
 * pick-up (by an operator and by a backup) and wrap-up from random streams
 * of their own (rv.h: one per process, seeded from the seed and the
 * replication), so the same seed gives the same callers whatever the
 * staffing (common random numbers, RV_STREAM_LAYOUT); no-answer
 * forwarding, the queue and who takes which call (core/dispatch, the rules of
 * DEFINITIONS.md), pick-up, talk, wrap-up, hang-ups, redials and shifts.
 * Every call's record goes to the summary (summary_rep_call), the center's
 * state to summary_rep_span; replication 0 also feeds the timeline and
 * calls.csv.
 *
 * Speed: no allocation per call or event (call records come from a free-list
 * pool that grows in chunks; events are embedded in them), no I/O in the loop
 * but the capped calls.csv, a patience timer only for calls that wait. Memory
 * depends on the calls in progress, not on the calls simulated.
 *
 * Replications run on `jobs` threads, each with its own queue, dispatcher,
 * streams and summary handle; a replication's results do not depend on which
 * thread ran it, so the same seed gives the same summary whatever `jobs`.
 */
#ifndef RB_MODEL_H
#define RB_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "callrec.h"
#include "scn.h"
#include "summary.h"
#include "timeline.h"

/* Called once per finished call (tests): rep is the replication. */
typedef void(model_call_h)(const struct callrec *r, int rep, void *arg);
/* Called after each replication ends (from the thread that ran it, serialised). */
typedef void(model_progress_h)(int done, int total, void *arg);

struct model_opts {
	const struct scenario *scn;   /* required */
	uint64_t seed;
	int replications;             /* >= 1 */
	int jobs;                     /* threads, >= 1 (capped at replications) */
	struct summary *summary;      /* NULL: no summary (tests) */
	struct timeline *timeline;    /* replication 0's; NULL: none */
	rb_us timeline_limit;         /* as given to timeline_new (0: one day);
	                                 nothing later is fed to it */
	FILE *calls_csv;              /* replication 0's calls.csv; NULL: none */
	long max_csv_calls;           /* rows at most (after the header); < 0: all */
	model_call_h *call_h;         /* optional, every call of every replication */
	void *call_arg;
	model_progress_h *progress_h; /* optional */
	void *progress_arg;
	uint64_t talk_sub;            /* tests: talk times from sub-stream talk_sub of
	                                 their stream (rv_stream_rekey), the rest as
	                                 usual; 0: the usual stream. The paired null
	                                 of tests/check_verdicts.c. */
};

/* What a run did, for the terminal and benchmarks. */
struct model_stats {
	uint64_t calls;   /* calls simulated (dialled, warm-up and redials too) */
	uint64_t events;  /* events processed */
	uint64_t leftover; /* calls still waiting at the end, nobody to take
	                      them (patience never): reported incomplete */
};

/*
 * Runs the replications. Returns 0, EINVAL for bad options, ENOMEM, or an
 * errno from writing calls.csv. stats may be NULL. The summary is fed but
 * not finished (the caller calls summary_finish).
 */
int model_run(const struct model_opts *o, struct model_stats *stats);

#endif
