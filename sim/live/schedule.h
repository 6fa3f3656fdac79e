/*
 * schedule: every caller of one replication of a scenario, drawn up front
 * for `ringbench live` (and `ringbench onboard`).
 *
 * schedule_build() draws what the model draws for each new call, with the
 * same random streams (core/rv: one per process, seeded from the seed and the
 * replication) and in the same order: Poisson arrivals per phase
 * (RVP_ARRIVALS), each burst's arrivals as the least of the remaining
 * uniforms (RVP_BURSTS), merged in time order; then per call its tenant
 * (RVP_TENANT), caller type (RVP_TYPE), patience (RVP_PATIENCE), screening
 * (RVP_SCREENING, when the type screens), talk (RVP_TALK) and, when callers
 * redial, whether and how long after an abandon (RVP_REDIAL); and, for the
 * wire only, a name and a callback number (RVP_CALLER). So the live run's
 * first-time callers are the model's callers of the same replication. (The
 * model also draws each call's pick-up and wrap-up at dial, from streams of
 * their own: nothing here needs them.)
 *
 * Redials (callers.redial): an abandoned caller calls again with probability
 * redial.prob after a delay drawn from redial.after_s, counted from its
 * hang-up, as a new call (redial true, same tenant, caller type, name and
 * numbers; fresh patience, screening and talk), unless that instant is at
 * or after the scenario's end; a redial's own abandon may redial again, as
 * in the model. Whether and when is drawn with the call; a redial's own
 * draws come from RVP_RETRY re-keyed for (caller, attempt) (rv.h), so they
 * are the model's for the same caller and attempt in whatever order abandons
 * happen, and first-time callers stay the model's whatever redials happen.
 * Callers who hang up before forwarding are known here: their redials
 * (and their redials' redials before forwarding) are drawn by
 * schedule_build and appended to the schedule. Callers who abandon at the
 * center are known only during the run: the live runner calls
 * schedule_redial() when it sees their CANCEL.
 *
 * A trace scenario (load: {trace: FILE}, core/trace.h) is placed call by
 * call instead: each recorded call at its recorded dial instant, with its
 * tenant, forwarding and delay, and its draws from trace_draw() (the
 * model's, patience conditioned on what was seen), in trace order; its
 * redials are its own calls, the scenario's redial model is off.
 *
 * The copy of the model's drawing code is deliberate: sim/model/model.c keeps its
 * arrival and caller draws in its event loop (static functions); a
 * model_draw_caller()-style function exported by the model would let this
 * file go.
 */
#ifndef RB_SCHEDULE_H
#define RB_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"
#include "rv.h"
#include "scn.h"

struct sched_call {
	uint64_t seq;        /* 1-based: first-time calls in dial order, then redials */
	int phase;           /* the phase it was dialled in */
	int tenant, type;    /* indexes into the scenario */
	rb_us t_dial;        /* scenario time */
	rb_us no_answer;     /* 0 for unconditional forwarding */
	enum call_fwd fwd;   /* the tenant's forwarding, or the trace's record */
	rb_us t_invite;      /* t_dial + no_answer: when the INVITE leaves */
	rb_us patience;      /* from t_dial; INT64_MAX: never */
	rb_us talk;          /* the caller's talk time (screened sales: screened_talk) */
	bool screened;       /* the model's screening draw (the center decides live) */
	rb_us pickup;        /* the model's pick-up of the call's first operator ring,
				and a backup member's (RB_T_NONE when the scenario never
				has backup staff): what SIP operators played by
				ringbench take (live --sip-operators) */
	rb_us bpickup;
	bool before_forward; /* patience < no_answer: never reaches the wire */
	bool counted;        /* dialled after the warm-up */
	bool redial;         /* a redial of call redial_of */
	bool redial_drawn;   /* its abandon's redial decision is made */
	bool redials;        /* drawn with the call: would redial after an abandon */
	rb_us redial_after;  /* drawn with the call: delay from the hang-up */
	uint64_t redial_of;  /* seq of the call it redials; 0 when a first call */
	uint64_t caller;     /* the first-time call's seq, kept by its redials */
	int attempt;         /* 0 a first call, k the caller's k-th redial */
	char name[32];       /* X-Caller-Name */
	char callback[16];   /* X-Callback-Number; "" for callers who give none */
	char from_user[16];  /* the caller's own number */
};

struct schedule {
	struct sched_call *calls; /* first-time calls in dial order, then redials */
	size_t n, cap;
	size_t n_wire;            /* calls that reach the wire */
	size_t n_redials;         /* of n */
	size_t n_clamped;         /* trace: patience set to what was seen (trace_draw) */
	const struct scenario *s;
	struct rv_stream redial_rs; /* RVP_RETRY, re-keyed by schedule_redial */
	bool redial_ok;
	uint64_t seed;              /* of the build, for re-keying */
	int rep;
};

/*
 * Draws replication rep of scenario s with seed. Returns 0, EINVAL (no
 * phases), or ENOMEM; on success *out holds the calls (free with
 * schedule_free).
 */
int schedule_build(const struct scenario *s, uint64_t seed, int rep, struct schedule *out);
void schedule_free(struct schedule *sc);

/*
 * Call i (an index into sc->calls) was abandoned, the caller hanging up at
 * t_hangup (scenario time): draws whether and when it redials and appends
 * the redial, and, while a redial hangs up before forwarding, that one's
 * redial too. Each call is decided once (redial_drawn). sc->calls may move:
 * pointers into it are stale afterwards. *added: how many calls were
 * appended (sc->n grew by that; the wire ones are also counted in n_wire).
 * Returns 0 or ENOMEM.
 */
int schedule_redial(struct schedule *sc, size_t i, rb_us t_hangup, size_t *added);

/*
 * The wire calls (before_forward false) in the order their INVITEs leave
 * (t_invite, then seq): a new array of pointers into sc, *n_out entries.
 * Returns NULL on ENOMEM (or when there are none, with *n_out 0).
 */
const struct sched_call **schedule_wire_order(const struct schedule *sc, size_t *n_out);
/* Sorts v[0..n) in send order, as schedule_wire_order does (INVITE time,
 * then seq): a batch of redials for its injection file. */
void schedule_sort_wire(const struct sched_call **v, size_t n);

/*
 * What the ring-th phone ringing for call c does, as the model draws it
 * (sim/model/model.c's ring_pickup; ring is dispatch's count, from 1): the
 * pick-up of an operator whose ring is the call's first operator ring,
 * of a later operator ring, of a backup member's first and later ring
 * (out[0..3]; INT64_MAX: not answered, the no-answer draw of
 * center.phone). rs: any initialised stream (re-keyed here). For SIP
 * operators played by ringbench (live --sip-operators).
 */
void schedule_ring(const struct scenario *s, uint64_t seed, int rep, const struct sched_call *c,
		   int ring, struct rv_stream *rs, rb_us out[4]);

#endif
