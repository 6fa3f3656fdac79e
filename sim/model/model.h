/*
 * model: the discrete-event engine behind `ringbench model`.
 *
 * model_run() simulates a scenario's replications: per phase, Poisson
 * arrivals at the phase's rate plus its bursts, or a trace's recorded calls
 * at their instants (core/trace.h: patience conditioned on what was seen,
 * recorded talk, no redial model); each call draws, when it is
 * dialled, its tenant, caller type, patience, screening, talk, redial,
 * pick-up (by an operator and by a backup) and wrap-up from random streams
 * of their own (rv.h: one per process, seeded from the seed and the
 * replication), so the same seed gives the same callers whatever the
 * staffing (common random numbers, RV_STREAM_LAYOUT); no-answer
 * forwarding, the queue and who takes which call (core/dispatch, the rules of
 * docs/definitions.md), pick-up, talk, wrap-up, hang-ups, redials and shifts.
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
#include "resdir.h"
#include "summary.h"
#include "timeline.h"

/* Called once per finished call (tests): rep is the replication. */
typedef void(model_call_h)(const struct callrec *r, int rep, void *arg);
/*
 * Called after each replication ends (from the thread that ran it,
 * serialised): done of total, counting only this call's replications.
 */
typedef void(model_progress_h)(int done, int total, void *arg);

struct model_opts {
	const struct scenario *scn;   /* required */
	uint64_t seed;
	int replications;             /* >= 1 */
	int first_replication;        /* runs replications first_replication ..
	                                 replications - 1 (0: all); a replication's
	                                 results depend only on the seed and its
	                                 number, so running 0..n-1, then n..m-1,
	                                 gives what one run of m would */
	int jobs;                     /* threads, >= 1 (capped at replications) */
	struct summary *summary;      /* NULL: no summary (tests) */
	struct timeline *timeline;    /* replication 0's; NULL: none */
	rb_us timeline_limit;         /* as given to timeline_new (0: one day);
	                                 nothing later is fed to it */
	struct resdir *calls;         /* replication 0's calls.csv rows (resdir_call,
	                                 its cap); NULL: none */
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
	uint64_t clamped;  /* trace replay: patience that the scenario's
	                      distribution could not make exceed what was seen,
	                      set to what was seen (core/trace.h) */
};

/*
 * Runs the replications. Returns 0, EINVAL for bad options, ENOMEM, or an
 * errno from writing calls.csv. stats may be NULL. The summary is fed but
 * not finished (the caller calls summary_finish).
 */
int model_run(const struct model_opts *o, struct model_stats *stats);

/*
 * How many replications (`--replications auto[:MAX]`, sim/model/model_seq.c): a
 * fixed-width sequential rule (Chow-Robbins). Replications are run n0 first,
 * then `step` more at a time, until every target's 95 % interval, computed
 * as the verdict computes it, has a half-width (its longer arm from the
 * measured value) of at most delta, or max replications are reached.
 * Targets are proportions, so delta is absolute. A target with no calls at
 * all is not waited for; with no targets, the overall sla at 3 rings is.
 * The rule looks only at the intervals' widths, never at the targets'
 * limits, so the verdict on the final interval keeps its error rates.
 */
#define MODEL_SEQ_N0 10
#define MODEL_SEQ_MAX 200
#define MODEL_SEQ_DELTA 0.01

struct model_seq_opts;
/* After each look: n replications so far, the worst half-width (INFINITY
 * while a target has no interval, NaN when no target has a value). */
typedef void(model_seq_progress_h)(int n, double worst_half_width,
				   const struct model_seq_opts *so, void *arg);

struct model_seq_opts {
	double delta;                  /* wanted half-width, > 0 */
	int n0;                        /* replications before the first look, >= 2 */
	int max;                       /* at most, >= n0 */
	int step;                      /* replications added between looks; 0: jobs */
	const struct scn_target *targets; /* NULL: the scenario's */
	size_t n_targets;
	model_seq_progress_h *progress_h; /* optional */
	void *progress_arg;
};

struct model_seq_result {
	int n;                    /* the replications to run */
	bool reached;             /* the precision was reached at n */
	double worst_half_width;  /* at n (see model_seq_progress_h) */
	int looks;
	int step;                 /* replications added between looks */
	bool default_target;      /* no targets: overall sla at 3 rings */
};

/* delta, n0 and max at their defaults (above), the rest 0. */
void model_seq_defaults(struct model_seq_opts *so);

/*
 * Chooses the number of replications for o's scenario, seed and jobs (o's
 * replications, summary, timeline and calls.csv are ignored); the caller
 * then runs that many as a fixed run. Returns 0, EINVAL for bad options,
 * ENOMEM, or model_run's error.
 */
int model_seq_choose(const struct model_opts *o, const struct model_seq_opts *so,
		     struct model_seq_result *res);

/* summary.json's "replications_rule" object, or NULL (no memory). */
struct json_t;
struct json_t *model_seq_json(const struct model_seq_opts *so, const struct model_seq_result *res);

/*
 * `ringbench model` as a library call (sim/model/model_write.c): runs the scenario
 * and writes its result folder through core/resdir.
 */
/* After --replications auto chose how many (before they run). */
typedef void(model_seq_done_h)(const struct model_seq_result *res, void *arg);

struct model_write_opts {
	const struct scenario *scn;   /* required */
	const char *dir;              /* the result folder (created) */
	const char *command;          /* summary.json's "command" */
	uint64_t seed;
	int replications;             /* fixed run, >= 1 (ignored with reps_auto) */
	bool reps_auto;               /* choose them: model_seq_choose with seq */
	struct model_seq_opts seq;    /* with reps_auto */
	model_seq_done_h *seq_done_h; /* optional, with reps_auto */
	void *seq_done_arg;
	int jobs;                     /* threads, >= 1 */
	long calls_cap;               /* resdir_opts.calls_cap */
	model_progress_h *progress_h; /* optional (model_opts) */
	void *progress_arg;
	const char *extra_key;        /* optional: a member added to summary.json */
	struct json_t *extra;         /* its value (model_write takes the reference) */
};

/*
 * Runs o's scenario (the replications chosen first with reps_auto) and
 * writes o->dir: calls.csv, timeline.csv, summary.json. A run that fails
 * (the model, or --replications auto) is recorded in summary.json, verdict
 * error, and is no error here. Returns 0 with *rdp (the caller prints
 * resdir_summary(*rdp) and frees it) and res filled (its exit code), or an
 * errno when the folder could not be made or written, with
 * "cannot write DIR/FILE: ..." (or "out of memory") in err and *rdp NULL;
 * res is filled then only when the folder was finished but a file of it
 * could not be written (resdir_finish: exit code 3), else left as it was.
 */
int model_write(const struct model_write_opts *o, struct resdir **rdp, struct resdir_result *res,
		char *err, size_t errlen);

#endif
