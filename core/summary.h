/*
 * summary: counts, service levels, quantiles and confidence intervals of a
 * run, and the summary.json that holds them (docs/definitions.md, Measures,
 * Targets, Result files; docs/results.md restates the shape).
 *
 * Usage:
 *   struct summary *s = summary_new(&opts);
 *   for each replication r (threads may run replications in parallel, each
 *   with its own handle):
 *       struct summary_rep *h = summary_rep(s, r);
 *       summary_rep_call(h, &callrec);                 every call, in any order
 *       summary_rep_span(h, from, to, &state);        time-weighted state
 *       summary_rep_done(h);                            optional: frees memory
 *   summary_finish(s);        combines replications in order (byte-identical
 *                             output whatever the thread count), judges targets
 *   summary_write_json(s, "DIR/summary.json");
 *
 * Counts in the file are totals over replications, fractions are pooled
 * ratios, and ci95 comes from the spread between replications (Student t), or
 * from batch means of the run when there is one replication (ci_method says
 * which). A value that cannot be known is null, never 0.
 */
#ifndef RB_SUMMARY_H
#define RB_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "callrec.h"
#include "rbtime.h"
#include "scn.h"

#define RB_MAX_RINGS 10       /* service levels are kept for k = 1..10 */
#define RB_RINGS_HEARD_BINS 31 /* "1".."30" and "31+" */
#define RB_INTERVAL_US (15 * 60 * RB_US_PER_S)

enum rb_engine { ENGINE_MODEL = 0, ENGINE_LIVE, ENGINE_CAPTURE };
/* The run's verdict (docs/definitions.md, Verdicts); values are stable, new ones last. */
enum rb_verdict { VERDICT_PASS = 0, VERDICT_FAIL, VERDICT_ERROR, VERDICT_INCONCLUSIVE };

/*
 * One target judged on its 95 % interval: pass when the whole interval
 * meets it, fail when the whole interval misses it, inconclusive otherwise
 * (or when there is no interval: more calls or replications would decide).
 */
enum rb_judgement { JUDGE_PASS = 0, JUDGE_FAIL, JUDGE_INCONCLUSIVE };

/* A phase window (capture: --phase name:from:to; else from the scenario). */
struct summary_window {
	const char *name;
	rb_us start, end;
};

struct summary_opts {
	enum rb_engine engine;
	const char *command;         /* the command line, for the record */
	const struct scenario *scn;  /* may be NULL (capture without --scenario) */
	rb_us ring_period;           /* from scn when 0 */
	uint64_t seed;
	int replications;            /* >= 1 */
	rb_us t0_epoch;              /* RB_T_NONE for model runs */
	const struct scn_target *targets; /* NULL: the scenario's */
	size_t n_targets;
	const struct summary_window *windows; /* NULL: the scenario's phases */
	size_t n_windows;
	bool time_weighted;          /* false: occupancy, queue_len are null */
	/*
	 * NULL: every call counts. Else only calls of tenants k with
	 * count_tenant[k] (one a scenario tenant): `plan` judges one floor of a
	 * split-floor center by its own tenants' calls. Time-weighted measures
	 * (occupancy, queue) stay the whole center's.
	 */
	const bool *count_tenant;
	/*
	 * No targets judged, verdict null (unless the run failed: error): the
	 * wire-time analysis kept beside a live run (capture/wire-summary.json),
	 * whose times are not the scenario's and must never be taken for a
	 * verdict. Its exit code is 0 (or 3).
	 */
	bool unjudged;
};

/* The center's state over a span of time, for time-weighted measures. */
struct summary_state {
	int ringing;           /* calls waiting at the center (queue length) */
	int ops_busy, ops_staffed;
	int backup_busy, backup_staffed;
};

struct summary;
struct summary_rep;

/* Returns NULL on allocation failure. opts' pointers must outlive s. */
struct summary *summary_new(const struct summary_opts *opts);
void summary_free(struct summary *s);

/*
 * The handle of replication r (0-based, < replications). Its counters are
 * allocated on the first call (replication 0's in summary_new), so ask for
 * it when the replication starts. NULL when r is out of range or memory ran
 * out (summary_finish then marks the run failed).
 */
struct summary_rep *summary_rep(struct summary *s, int r);

/*
 * Optional: replication h is over (no more calls or spans on h). Folds its
 * wait histograms into the totals and frees them, so that a run of many
 * replications holds only those in progress; summary_finish does it for
 * the replications not marked done. Safe to call from several threads, each
 * with its own replication.
 */
void summary_rep_done(struct summary_rep *h);

/*
 * Adds one call. Calls with counted == false (warm-up) are ignored. The
 * record's phase (or, when -1, its t_dial within the windows), tenant_idx
 * (or tenant string), forwarding and 15-minute interval of t_dial pick the
 * groups it counts in.
 */
void summary_rep_call(struct summary_rep *h, const struct callrec *r);

/*
 * A call as the summary reads it, for an engine whose record goes nowhere
 * else (the model with no calls.csv and no call handler): the few numbers
 * summary_rep_call would read from a struct callrec, without filling and
 * deriving one.
 */
struct summary_call {
	rb_us t_dial;          /* RB_T_NONE: not known */
	rb_us wait;            /* callrec_wait_of(): RB_T_NONE unless answered or
				* abandoned at the center */
	rb_us no_answer;       /* the no-answer delay (rings heard under no-answer
				* forwarding); RB_T_NONE: not known */
	enum call_outcome outcome;
	enum call_fwd forwarding;
	int screened;          /* 1 yes, 0 no, -1 unknown */
	int phase;             /* index into the scenario's phases, or -1 */
	int tenant_idx;        /* index into the scenario's tenants, or -1: none */
	bool counted;          /* false for warm-up calls */
	uint64_t gkey;         /* summary_gkey(phase, tenant_idx, forwarding), handed
				* ready: an engine whose calls share tenant and
				* forwarding makes it from a constant and the phase */
};

/*
 * The key of a call's groups as the call gives them: its phase, tenant index
 * and forwarding in one word, the summary's sets compared at once. The
 * fields' bits do not overlap: summary_gkey(p, t, f) ==
 * (summary_gkey(0, t, f) | summary_gkey(p, 0, 0)).
 */
static inline uint64_t summary_gkey(int phase, int tenant_idx, int forwarding)
{
	return (uint64_t)(uint32_t)phase << 32 | (uint64_t)((uint32_t)tenant_idx << 2) |
	       (uint64_t)((uint32_t)forwarding & 3u);
}

/*
 * What summary_rep_add's short path reads and writes, so that it can be
 * inlined in the engine's loop (the model's calls, about a million a
 * second): the set of groups the last call counted in (summary_int.h:
 * struct sum_gslot begins with it), whose first member struct summary_rep
 * points to. key: the set's key while its run is pending ("hot",
 * summary.c: pend_add), else SUMMARY_GKEY_NONE.
 */
#define SUMMARY_GKEY_NONE UINT64_MAX
struct summary_hot {
	uint64_t key;
	rb_us lo;              /* the set's calls are dialled in [lo, lo + span) */
	uint64_t span;
	uint64_t zeros[2];     /* its pending answered calls with no wait and a
				* forwarding other than no-answer, not screened
				* (0) and screened (1): one addition each */
};

/*
 * Adds one call: the same as summary_rep_call() with a record holding
 * these fields (no tenant string), its rings and rings heard derived from
 * the wait as callrec_derive_wait() does with the summary's ring period
 * (the scenario's, unless the options give another).
 */
void summary_rep_add(struct summary_rep *h, const struct summary_call *c);

/*
 * summary_rep_add's short path, inline for an engine's loop (the model's
 * calls, about a million a second), given the fields it reads as values so
 * that no struct summary_call is filled for it: a counted call answered
 * with no wait, screened 0 or 1, of a forwarding other than no-answer, in
 * the hot set is one addition (nearly every call of a center with an
 * operator free). Returns false, having added nothing, for any other call:
 * the caller then hands it to summary_rep_add.
 */
/* A call summary_rep_zero counts by one addition (when its set is hot):
 * counted, answered with no wait, screened 0 or 1, not forwarded on no-answer. */
static inline bool summary_call_is_zero(enum call_outcome outcome, rb_us wait, int screened,
					enum call_fwd forwarding, bool counted)
{
	return ((uint64_t)outcome | (uint64_t)wait) == 0 && (unsigned)screened <= 1 &&
	       forwarding != FWD_NO_ANSWER && counted;
}

static inline bool summary_rep_zero(struct summary_rep *h, uint64_t gkey, rb_us t_dial,
				    enum call_outcome outcome, rb_us wait, int screened,
				    enum call_fwd forwarding, bool counted)
{
	/* struct summary_rep's first member (summary_int.h) */
	struct summary_hot *g = *(struct summary_hot *const *)(const void *)h;
	if (!summary_call_is_zero(outcome, wait, screened, forwarding, counted) || gkey != g->key ||
	    (uint64_t)t_dial - (uint64_t)g->lo >= g->span)
		return false;
	g->zeros[screened]++;
	return true;
}

/*
 * n of replication h's draws were cut at the longest draw, RV_MAX_S (rv.h).
 * summary.json's "saturated_draws" is their total over the replications;
 * null when no replication reported (a capture has no draws).
 */
void summary_rep_saturated(struct summary_rep *h, uint64_t n);

/* The center was in state st from `from` to `to` (scenario time). */
void summary_rep_span(struct summary_rep *h, rb_us from, rb_us to, const struct summary_state *st);

/*
 * For an engine with a span per event (the model), a cheaper way to the same
 * result: summary_rep_span_stretch() gives the stretch of time [*lo, *hi)
 * around t in which spans count in the same groups (phase window, 15-minute
 * row, batch); the engine adds up its spans inside one stretch itself and
 * hands the sums over with summary_rep_span_sums(), `t` being any time in
 * that stretch. The result is the same as calling summary_rep_span() for
 * each span. Spans that cross a stretch's end go through summary_rep_span().
 */
struct summary_span_sums {
	int64_t dur;           /* µs */
	int64_t ring_area, busy_area, staffed_area, bbusy_area, bstaffed_area; /* state × µs */
	int64_t ring_max;      /* the most calls ringing in any of the spans */
};
void summary_rep_span_stretch(struct summary_rep *h, rb_us t, rb_us *lo, rb_us *hi);
void summary_rep_span_sums(struct summary_rep *h, rb_us t, const struct summary_span_sums *sums);

/* Extra top-level JSON members (e.g. the analyzer's "skipped", "rfc6076"). */
struct json_t;
void summary_set_extra(struct summary *s, const char *key, struct json_t *value /* stolen */);

/* The run's time zero (opts' t0_epoch), when known only once the run has
 * begun (a capture's first packet). Before summary_finish. */
void summary_set_t0_epoch(struct summary *s, rb_us t0_epoch);

/* Marks the run failed: verdict error, with why. */
void summary_set_error(struct summary *s, const char *why);

/*
 * The run cannot pass, whatever its targets say (e.g. a live run whose
 * schedule was not kept): the verdict is at best inconclusive, and why is
 * listed in summary.json's "inconclusive_reasons". A failed target still
 * makes it fail. May be called several times, before summary_finish.
 * Returns 0 or ENOMEM.
 */
int summary_set_inconclusive(struct summary *s, const char *why);

/* Combines replications and judges targets. Returns 0 or ENOMEM. */
int summary_finish(struct summary *s);
enum rb_verdict summary_verdict(const struct summary *s);
/* "pass", "fail", "error", "inconclusive". */
const char *summary_verdict_name(enum rb_verdict v);
/* The exit code of the verdict: 0 pass, 1 fail, 3 error, 4 inconclusive. */
int summary_exit_code(const struct summary *s);

/* summary.json's object (after summary_finish; a new reference, NULL before). */
struct json_t *summary_to_json(const struct summary *s);

/*
 * The targets as judged (after summary_finish; core/summary_query.c), in
 * the order of the options' (or the scenario's) targets.
 * summary_target_count: 0 before summary_finish.
 * summary_target_ci: the target's measured value and its 95 % interval
 * [lo, hi] (NaN when not known: no calls, no interval). Returns 0, or
 * EINVAL when i is out of range or s is not finished.
 * summary_target_judgement: pass, fail or inconclusive (inconclusive when i
 * is out of range).
 */
size_t summary_target_count(const struct summary *s);
int summary_target_ci(const struct summary *s, size_t i, double *measured, double *lo, double *hi);
enum rb_judgement summary_target_judgement(const struct summary *s, size_t i);

/*
 * Replication r of dst (not finished) gets the counters of replication
 * src_r of src, which must be done (summary_rep_done) and laid out alike
 * (same scenario and windows; several replications in both): the groups'
 * counts and time-weighted sums, and its wait quantiles. The pooled wait
 * histograms are not copied, so dst's targets and intervals are those of
 * the same replications run into it, its pooled quantiles are not: for
 * deciding how many replications to run, never for writing. Returns 0,
 * EINVAL (out of range, not done, a different layout, tenants met by name
 * only), or ENOMEM.
 */
int summary_rep_import(struct summary *dst, int r, const struct summary *src, int src_r);

/* Writes summary.json (after summary_finish). Returns 0 or errno. */
int summary_write_json(const struct summary *s, const char *path);
/*
 * The same, and the tree written into *keep (the caller's reference; reals
 * as they are in memory: the file has JSON_REAL_PRECISION(16) digits, and
 * its keys sorted), or NULL when nothing was written.
 */
int summary_write_json_keep(const struct summary *s, const char *path, struct json_t **keep);
/*
 * summary_write_json_keep without its temporary file: path itself is
 * written (and removed on failure), for a caller that writes under a
 * temporary name of its own and renames it (core/resdir).
 */
int summary_dump_json(const struct summary *s, const char *path, struct json_t **keep);
/* A short human summary and the verdict, for the terminal. */
void summary_print(const struct summary *s, FILE *out);

#endif
