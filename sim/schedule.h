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
 * (RVP_SCREENING, when the type screens) and talk (RVP_TALK); and, for the
 * wire only, a name and a callback number (RVP_CALLER). So, without redials,
 * the live run's callers are the model's callers of the same replication.
 *
 * Redials are not drawn: whether a caller abandons at the center is only
 * known during the run (docs/live.md says what that costs).
 *
 * The copy of the model's drawing code is deliberate: sim/model.c keeps its
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
#include "scn.h"

struct sched_call {
	uint64_t seq;        /* 1-based, in dial order */
	int phase;           /* the phase it was dialled in */
	int tenant, type;    /* indexes into the scenario */
	rb_us t_dial;        /* scenario time */
	rb_us no_answer;     /* 0 for unconditional forwarding */
	rb_us t_invite;      /* t_dial + no_answer: when the INVITE leaves */
	rb_us patience;      /* from t_dial; INT64_MAX: never */
	rb_us talk;          /* the caller's talk time (screened sales: screened_talk) */
	bool screened;       /* the model's screening draw (the center decides live) */
	bool before_forward; /* patience < no_answer: never reaches the wire */
	bool counted;        /* dialled after the warm-up */
	char name[32];       /* X-Caller-Name */
	char callback[16];   /* X-Callback-Number; "" for callers who give none */
	char from_user[16];  /* the caller's own number */
};

struct schedule {
	struct sched_call *calls; /* in dial order */
	size_t n;
	size_t n_wire;            /* calls that reach the wire */
};

/*
 * Draws replication rep of scenario s with seed. Returns 0, EINVAL (no
 * phases), or ENOMEM; on success *out holds the calls (free with
 * schedule_free).
 */
int schedule_build(const struct scenario *s, uint64_t seed, int rep, struct schedule *out);
void schedule_free(struct schedule *sc);

/*
 * The wire calls (before_forward false) in the order their INVITEs leave
 * (t_invite, then seq): a new array of pointers into sc, *n_out entries.
 * Returns NULL on ENOMEM (or when there are none, with *n_out 0).
 */
const struct sched_call **schedule_wire_order(const struct schedule *sc, size_t *n_out);

#endif
