/*
 * center: secretaryd, the reference answering center, as a library: SIP on
 * the transport (sip_transport.h), calls through core's dispatch (who takes
 * which call, docs/definitions.md), timers on one heap (stimer.h), CDRs (cdr.h)
 * and an Asterisk queue_log (queue_log.h). secretaryd.c's main() only parses
 * options and calls this.
 *
 *   struct center_opts o; center_opts_default(&o); o.scn = scenario; ...
 *   struct center *c; center_create(&c, loop, &o, err, sizeof err);
 *   center_listen(c, "127.0.0.1:0", bound, sizeof bound);
 *   center_start(c);                   shifts from t0, flush timer
 *   uv_run(loop, UV_RUN_DEFAULT);      until center_drain() finishes
 *   center_destroy(c);                 CDRs flushed
 *
 * Hooks (for call reports, metrics, the wallboard) are called on the loop's
 * thread: call_started when a call joins the queue, call_ended when a call
 * is over for the caller (its CDR row is final and queued for the
 * database), staff_done when the one who answered
 * has finished wrap-up (the moment a call report is written). The row
 * pointers are valid only during the hook. center_stats() and the foreach
 * functions give a snapshot of the state for /api/state and /metrics.
 */
#ifndef RB_CENTER_H
#define RB_CENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cdr.h"
#include "dispatch.h"
#include "rbtime.h"
#include "registrar.h"
#include "scn.h"

struct center;

struct center_hooks {
	void (*call_ended)(const struct cdr_row *row, void *arg);
	void (*staff_done)(const struct cdr_row *row, const struct dsp_staff *staff, void *arg);
	void *arg;
	/* A call reached the queue (tenant known, 180 sent): row->r.call_id,
	 * tenant, caller type... are set; the place to take a snapshot of the
	 * tenant's settings the call keeps to its end. (Last, so positional
	 * initialisers of the first three stay valid.) */
	void (*call_started)(const struct cdr_row *row, void *arg);
};

struct center_opts {
	const struct scenario *scn;  /* required; must outlive the center */
	const char *data_dir;        /* cdr.sqlite and queue_log; NULL: none written (not kept) */
	uint64_t seed;
	double speedup;              /* >= 1e-6; durations on the wire are divided by it */
	rb_us t0_epoch;              /* scenario time zero, wall-clock microseconds */
	rb_us grace;                 /* drain: the longest to wait for calls in progress */
	rb_us cdr_flush_every;       /* <= 1 s */
	const char *fallback_dir;    /* at exit, CDRs and queue_log lines not written go to
				      * DIR/cdr-fallback.jsonl, DIR/queue_log-fallback.jsonl;
				      * NULL: stderr (copied) */
	struct center_hooks hooks;
	/* Operators as SIP users (--operators-file): REGISTERs are answered
	 * by the center's registrar (registrar.h); NULL: REGISTER gets 405, as
	 * a center with simulated operators only. Must outlive the center. */
	const struct opfile *operators;
	struct reg_opts reg;         /* the registrar's bounds (center_opts_default) */
};

/* Defaults: speedup 1, t0 now, grace 60 s, flush every 200 ms, seed from scn. */
void center_opts_default(struct center_opts *o);

/* Returns 0, or an errno with a message in err (bad data dir, database). */
int center_create(struct center **out, uv_loop_t *loop, const struct center_opts *o, char *err,
		  size_t errlen);
/* Adds a listen address (UDP and TCP). bound gets "udp=A tcp=A". 0 or errno. */
int center_listen(struct center *c, const char *spec, char *bound, size_t n);
/* Applies the staffing due at the current scenario time and starts timers. */
int center_start(struct center *c);
/*
 * Stops taking calls (new INVITEs get 503) and lets calls in progress end,
 * for at most the grace time; then those left are ended (BYE, or 503 to a
 * ringing one), the sockets close and the loop stops. Idempotent; a second
 * call ends at once.
 */
void center_drain(struct center *c);
/* Closes everything and flushes the CDRs. Returns 0 or EIO if a CDR commit failed. */
int center_destroy(struct center *c);

/* The scenario time now (microseconds from t0, times the speed-up). */
rb_us center_now(const struct center *c);

struct center_stats {
	uint64_t invites;         /* new calls seen */
	uint64_t answered, abandoned, rejected, ended;
	uint64_t ring_no_answer;  /* staff's phones rung out unanswered (center.phone) */
	uint64_t bad_requests;    /* 400/505/513 sent */
	uint64_t dropped;         /* unparseable or unanswerable, dropped */
	int ringing;              /* calls waiting or in pick-up */
	size_t calls_live;        /* call records held (lingering ones too) */
	struct dsp_counts dsp;
	rb_us timer_late_max;
	uint64_t timer_late_hist[8]; /* buckets: stimer.h's tmrq_late_bounds */
	uint64_t cdr_committed;
	bool draining;
	bool sip_operators;       /* a registrar runs (center_opts.operators) */
	struct reg_counts reg;    /* its counts (zero without) */
	/* the operator legs (center_ops.c): in flight now, and since the
	 * start: rung, answered (won), failed (3xx-6xx, Timer B) */
	size_t op_legs;
	uint64_t op_legs_rung, op_legs_answered, op_legs_failed;
};
void center_get_stats(const struct center *c, struct center_stats *out);

/* Each staff member on shift (or still busy): state "idle", "pickup" (its
 * phone ringing), "talking", "wrapup", "notready" (after a ring with no
 * answer), "away" (free but its phone unreachable: dsp_staff_reachable);
 * since in scenario time. */
typedef void(center_staff_cb)(const struct dsp_staff *s, const char *state, rb_us since, void *arg);
void center_foreach_staff(const struct center *c, center_staff_cb *cb, void *arg);
/* The registrar (NULL without SIP operators): whom to ring for a staff
 * member, registrar_contacts(). */
const struct registrar *center_registrar(const struct center *c);
/* Each ringing call, oldest first: tenant id, Call-ID, t_invite (scenario). */
typedef void(center_ringing_cb)(const char *tenant, const char *call_id, rb_us t_invite, void *arg);
void center_foreach_ringing(const struct center *c, center_ringing_cb *cb, void *arg);

#endif
