/*
 * model_int: the engine's private structures, shared by model.c (one
 * replication's event loop) and model_run.c (options, threads).
 */
#ifndef RB_MODEL_INT_H
#define RB_MODEL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "dispatch.h"
#include "evq.h"
#include "model.h"
#include "rv.h"
#include "rv_int.h"

enum mev_type {
	MEV_PHASE = 0, /* a phase starts: shift change (rep->phase_ev[p]) */
	MEV_BURST,     /* the next arrival of a burst (rep->bursts[i].ev) */
	MEV_END,       /* the end of the last phase: closes the time-weighted span */
	MEV_FORWARD,   /* a no-answer forward reaches the center (call->ev) */
	MEV_PICKUP,    /* pick-up over: 200 OK (call->ev) */
	MEV_TALK,      /* talk over: BYE (call->ev) */
	MEV_WRAP,      /* wrap-up over: staff free (call->ev) */
	MEV_REDIAL,    /* the caller dials again (call->ev) */
	MEV_PATIENCE,  /* patience over: CANCEL (call->pat) */
	MEV_JOIN,      /* join age reached (call->join) */
	MEV_NOANSWER,  /* the ring timeout: the phone not answered (call->ev) */
	MEV_READY,     /* a not-ready member is ready again (mstaff->ready) */
};

/* A staff member's own event (dsp_staff.udata), made at its first not-ready. */
struct mstaff {
	struct evq_ev ready;
	struct dsp_staff *s;
};

/*
 * One call, from dial to the end of its answerer's wrap-up.
 *
 * In the order the loop touches it: the end of the talk, the one visit to
 * a record long after its dial (about 250 calls later in bench/model's
 * case, so its lines have left the first-level cache), reads only the
 * first two cache lines (the event, the times, the wrap-up, the answerer
 * and what the summary's record takes); the dial and the arrival write the
 * next two; the patience and join-age events, scheduled only for a call
 * that waits, come last. Records are 64-byte aligned (call_grow). On
 * bench/model's case (5 interleaved rounds of 1 M calls) the share of the
 * floor's speed went from 0.475-0.482 to 0.484-0.499 with this order.
 */
struct mcall {
	_Alignas(64) struct evq_ev ev; /* the call's next stage */
	rb_us t_dial, t_invite, t_answer, t_cancel, t_end;
	rb_us wrapup;       /* drawn at dial, like the rest below (draw_call) */
	rb_us no_answer;    /* the client's phone rings this long first; 0: at once */
	struct dsp_staff *staff;
	struct mcall *next_free;
	enum call_fwd fwd;  /* the tenant's, or the trace's record */
	int phase;
	int tenant;
	bool screened;
	bool redial, redials;
	bool used_pick, used_bpick; /* the dial's pick-up draws used by a ring */
	int attempt;        /* 0 first call, k the k-th redial */
	int type;
	uint64_t id;        /* 1-based within the replication, in dial order */
	uint64_t caller;    /* 1-based first-time caller, kept by its redials */
	rb_us patience; /* µs, drawn at dial (INT64_MAX: never) */
	/*
	 * The rest of the call's draws, all made at dial (draw_call in model.c)
	 * so that the same seed gives the same callers whatever the staffing:
	 * pick-up by an operator and by a backup (only the taker's is used;
	 * bpickup only when some phase has backup staff), wrap-up (above), and
	 * whether and how long after an abandon the caller redials (redials
	 * false when the scenario has no redials).
	 */
	rb_us talk, pickup, bpickup, redial_after;
	struct dsp_call dc;
	/*
	 * A call that waited cancels both at its answer (evq_cancel reads
	 * only pprev, an evq_ev's first field): pat whole and join's pprev
	 * share the record's fifth line, so that answer misses one line, not
	 * two (join's other fields, in the sixth, only with backup staff).
	 * bench/model's case (callgrind, 1,000,237 calls): D1 misses 5.22 M
	 * to 4.95 M; CPU time the same within the noise.
	 */
	struct evq_ev pat;  /* scheduled only while the caller may hang up */
	struct evq_ev join; /* scheduled only while waiting, with backup about */
};

struct mburst {
	struct evq_ev ev;
	rb_us end;  /* of its spread */
	int left;   /* arrivals still to come */
	int phase;
};

struct mchunk {
	struct mchunk *next;
	struct mcall calls[]; /* 64-byte aligned, as the chunk */
};

/* One replication's world. */
struct mrep {
	const struct model_opts *o;
	const struct scenario *scn;
	int idx;
	struct evq q;
	struct dsp d;
	struct rv_stream rs[RVP_COUNT];
	bool rs_ok[RVP_COUNT];
	struct summary_rep *sum;
	struct timeline *tl;       /* replication 0 only */
	rb_us tl_end;              /* the timeline keeps nothing from here on */
	struct resdir *csv;        /* replication 0 only: calls.csv rows */
	int err;                   /* first error (writing calls.csv) */

	struct evq_ev *phase_ev;   /* n_phases */
	struct evq_ev end_ev;
	/*
	 * The next Poisson arrival, kept out of the queue and merged with it
	 * by time and sequence number (evq_ev_before): a push and a pop fewer
	 * per call.
	 */
	rb_us arr_t;
	uint64_t arr_seq;          /* UINT64_MAX: no more arrivals */
	int arr_phase;             /* phase the next Poisson arrival is drawn in */
	double *arr_gap_us;        /* per phase: mean gap in µs (0: no arrivals) */
	double arr_gap;            /* arr_phase's, while it goes on (next_arrival); else 0 */
	rb_us arr_start, arr_end;  /* arr_phase's start and end, with arr_gap */
	struct mburst *bursts;
	size_t n_bursts;
	int *ops_buf;              /* n_floors, for shift changes */
	int *tenant_floor;         /* per tenant: its floor, < n_floors */

	rb_us join_age;
	rb_us fx_pickup, fx_bpickup, fx_wrapup; /* fixed times made once; -1: drawn (fixed_us) */
	bool backup_possible;      /* some phase has backup staff */
	bool redial_on;            /* callers may redial (prob > 0; never with a trace) */
	const struct trace *trace; /* the scenario's trace; NULL: Poisson and bursts */
	size_t trace_next;         /* its next call */
	uint64_t gkey0;            /* summary_gkey(0, 0, fwd0): emit's key without MF_WHO */
	uint64_t pick_tw;          /* d.peak.extra's time integral (struct dsp_tw, pick_add) */

	/*
	 * Time-weighted measures, per stretch of the summary's groups [sp_lo,
	 * sp_hi) (summary_rep_span_stretch): see "spans" in model.c. sp_t0: when
	 * the stretch's sums start; sp_mark: the counts' marks then (tw_marks);
	 * the most calls ringing in it is d.peak.max (d.peak.extra: the calls in
	 * pick-up, still ringing).
	 */
	rb_us sp_lo, sp_hi, sp_t0;
	rb_us gate;                /* sp_hi, or INT64_MIN while slow (gate_set in model.c) */
	uint64_t sp_mark[5];
	/* the timeline's spans: the state and since when (tl_check in model.c) */
	bool tl_on;
	struct summary_state st;
	rb_us st_from;

	struct mcall *free_list;
	struct mchunk *chunks;
	uint64_t next_id;
	uint64_t next_caller;      /* first-time callers so far */
	struct callrec rec;        /* scratch record, reused per call */
	struct model_stats stats;

	/*
	 * What the per-call path looks up, made once (rep_consts in model.c):
	 * feat, the scenario's and the run's features (MF_* in model.c), tested
	 * as one word; slow: the loop's rare work after an event (an error, the
	 * timeline on); the single tenant's forwarding and no-answer delay; the
	 * warm-up's end; a first call's backup pick-up when fixed (RB_T_NONE
	 * without backup staff).
	 */
	unsigned feat;
	bool slow;
	enum call_fwd fwd0;
	rb_us na0;
	int floor0;                /* tenant 0's floor */
	rb_us warmup;
	rb_us fx_bpick_first;
	rb_us tl_calls_end;        /* tl_end with a timeline, else INT64_MIN */
	bool arr_fast;             /* arr_gap > 0 (next_arrival's fast path) */
};

/* Runs replication idx (model.c). Returns 0, ENOMEM, or a write errno. */
int model_rep_run(const struct model_opts *o, int idx, struct model_stats *stats);

#endif
