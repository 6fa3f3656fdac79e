/*
 * trace: recorded calls to replay (`load: {trace: FILE}`, scenarios/README.md
 * "Trace replay"), read from a calls.csv as ringbench writes it (model,
 * live, analyze; docs/results.md) or as `ringbench fit` writes its
 * trace.csv: the same columns, any of them empty where the source did not
 * know it.
 *
 * Each row becomes one call dialled at its recorded instant: t_dial =
 * t_invite - no_answer_s for a call forwarded after no answer (the INVITE is
 * what a center sees), t_dial itself for a call that never reached the
 * center. What was seen of the caller's patience (counted from dialling, as
 * always) is kept as an observation, and trace_draw() draws the rest:
 *   answered after d + w (no-answer delay d, wait w): patience > d + w,
 *     drawn from the scenario's patience given that (rv_draw_above_us);
 *   abandoned after d + w, or before forwarding after t: exactly that;
 *   rejected: more than until the final answer; incomplete: more than the
 *     last recorded instant.
 * Recorded talk (duration_s of an answered call) is kept; the other calls'
 * talk, and the caller type and screening where the trace does not say,
 * are drawn as the scenario draws them.
 */
#ifndef RB_TRACE_H
#define RB_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "callrec.h"
#include "rbtime.h"
#include "rv.h"

struct scenario;

/* At most this many calls in a trace, and this many bytes in its file. */
#define TRACE_MAX_CALLS 1000000
#define TRACE_MAX_BYTES (256u << 20)

struct trace_call {
	rb_us t_dial;	   /* >= 0, scenario time */
	rb_us no_answer;   /* the client's phone rang this long first; 0: at once */
	enum call_fwd fwd; /* FWD_UNCONDITIONAL or FWD_NO_ANSWER (as recorded, or the tenant's) */
	int tenant;	   /* index into the scenario's tenants */
	int type;	   /* index into its caller types; -1: drawn by shares */
	int screened;	   /* 1, 0; -1: drawn */
	rb_us talk;	   /* recorded talk; RB_T_NONE: drawn */
	rb_us pat_exact;   /* recorded patience (an abandon); RB_T_NONE: drawn */
	rb_us pat_above;   /* else: patience at least this (what was seen) */
	bool redial;	   /* recorded as a redial (replayed as recorded) */
	enum call_outcome outcome; /* as recorded (or read from its times) */
	size_t line;		   /* its line in the trace file */
};

struct trace {
	char *path;		  /* as opened */
	struct trace_call *calls; /* in dial order (ties: file order) */
	size_t n;
	rb_us last_dial;
	size_t n_shortened; /* dialled before time zero: delay shortened (see
			     * scenarios/README.md) */
};

/*
 * Reads path against s's tenants and caller types (already loaded). Returns
 * 0 with *out (trace_free), ENOMEM, or EINVAL / an errno with
 * "PATH:LINE: what was expected" (or "PATH: ...") in err.
 */
int trace_load(const char *path, const struct scenario *s, struct trace **out, char *err,
	       size_t errlen);
void trace_free(struct trace *t);
/* A deep copy, or NULL (no memory). */
struct trace *trace_dup(const struct trace *t);

/* One replayed caller's draws (trace_draw). */
struct trace_draws {
	int type;
	bool screened;
	rb_us patience; /* from t_dial; INT64_MAX: never */
	rb_us talk;
	bool clamped; /* the scenario's patience cannot exceed what was seen:
		       * patience is what was seen (rv_draw_above) */
};

/*
 * The caller's draws, from the streams rs[RVP_*] of its replication, in this
 * order and whatever is recorded (so a stream's k-th draw is always the
 * k-th call's): caller type (RVP_TYPE, when the scenario has several), then
 * patience (RVP_PATIENCE, unless recorded exactly), screening (RVP_SCREENING,
 * when the type screens) and talk (RVP_TALK); recorded values then replace
 * the drawn ones. The model and the live schedule both draw through here.
 */
void trace_draw(const struct scenario *s, const struct trace_call *tc, struct rv_stream *rs,
		struct trace_draws *out);

#endif
