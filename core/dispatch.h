/*
 * dispatch: who takes which call at the center. The one state machine that
 * both the model (sim/model) and secretaryd use, so that they keep the rules
 * of docs/definitions.md ("A call's path") through one implementation:
 *
 *   - waiting calls are taken oldest first (by t_invite, ties in arrival
 *     order);
 *   - a call goes to the operator idle longest on its floor (a FIFO of idle
 *     operators per floor: O(1));
 *   - once a call has waited join_age (join_after_rings x ring_period) with no
 *     operator free on its floor, a free backup staff member (idle longest)
 *     takes it; checked when a call reaches that age (dsp_join_due) and when
 *     a backup member frees up (dsp_staff_free);
 *   - an operator who frees up takes the oldest waiting call of its floor,
 *     even if backup could also take it; backup serves every floor;
 *   - a call is never taken twice;
 *   - a caller who hangs up during the pick-up frees the staff member at
 *     once, without wrap-up (dsp_cancel), who then takes the next call;
 *   - shifts (dsp_set_staffing): staff busy when their shift ends finish their
 *     call (talk and wrap-up) first, then leave; new staff start idle and take
 *     waiting calls at once.
 *
 * Phones (docs/definitions.md, "Ringing a phone"). Taking a call means the
 * staff member's phone rings (DSP_CALL_PICKUP / DSP_STAFF_PICKUP) until one
 * of three things happens, each its own entry point:
 *   - answered (dsp_answered): the 200 OK;
 *   - no answer within the ring timeout (dsp_no_answer): the phone stops
 *     ringing, the staff member is *not ready* for dsp_set_not_ready's time
 *     (Asterisk's RINGNOANSWER and its pause), and the call goes back to its
 *     floor's queue KEEPING ITS PLACE (ordered by t_invite, then arrival:
 *     being rung never costs a caller its turn); it is dispatched again at
 *     once by the usual rules;
 *   - the caller gone (dsp_cancel): the staff member is free at once.
 *   A ring that fails otherwise (a SIP phone busy or unreachable: 486,
 *   408, ...) ends as a ring with no answer, when it fails: dsp_no_answer.
 *   A member not ready, picking up, talking or in wrap-up is never rung:
 *   only idle members take calls. The backup clock (join age) keeps running
 *   from t_invite while phones ring, but a call whose phone is ringing is
 *   not waiting: backup joins only calls still waiting, so a rung call past
 *   its join age is taken by a free backup member the moment it comes back
 *   unanswered (or when one frees up), never while an operator's phone rings.
 *   A not-ready member (dsp_staff_ready when its time is over) becomes idle
 *   and takes the oldest waiting call it may take, as one who frees up.
 *
 * The dispatcher only decides. It owns no timers and no clock: the owner
 * tells it what happened and when (`now`, scenario or wall time in
 * microseconds, never decreasing), and schedules pick-up, talk, wrap-up and
 * the join-age check itself. The owner's life cycle of one call:
 *
 *   dsp_call_init(&c->dc, floor);
 *   dsp_arrive(d, &c->dc, now);          the INVITE reached the center
 *     ... assign_h(&c->dc, staff, t) fires (maybe inside dsp_arrive, or later
 *         inside any dsp_* call) when someone takes it: the owner starts the
 *         pick-up delay (staff->kind says operator or backup pick-up);
 *     ... if still waiting at t_invite + join_age, the owner calls
 *         dsp_join_due(d, &c->dc, t) (a no-op if the call is no longer
 *         waiting, so a stale timer is harmless);
 *     ... if the owner's ring timeout for staff ends first:
 *         dsp_no_answer(d, &c->dc, t);    back in the queue at its place (maybe
 *                                        taken again at once: assign_h); the
 *                                        member is DSP_STAFF_NOT_READY: the
 *                                        owner calls dsp_staff_ready(d, staff,
 *                                        staff->ready_at) then; the owner also
 *                                        starts the join-age timer again if
 *                                        the call waits and is younger than it
 *   dsp_answered(d, &c->dc, t);          the pick-up ended: 200 OK sent.
 *                                        The dispatcher forgets the call;
 *                                        the staff member stays busy.
 *   dsp_staff_free(d, staff, t);         talk and wrap-up are over.
 * or, if the caller hangs up first:
 *   dsp_cancel(d, &c->dc, t);            waiting: leaves the queue;
 *                                        pick-up: its staff is free at once.
 *
 * Memory: struct dsp_call is embedded in the owner's call record (libuv
 * style) and must stay put while the call is waiting or in pick-up. Staff are
 * allocated by the dispatcher (dsp_init, dsp_set_staffing), never move, and
 * are freed by dsp_destroy; staff->udata is the owner's.
 *
 * Re-entrancy: assign_h runs inside dsp_* calls. It may call dsp_answered()
 * on the call it was given (a zero pick-up delay), and nothing else of the
 * dispatcher. Not thread-safe: one dispatcher per thread.
 */
#ifndef RB_DISPATCH_H
#define RB_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

enum dsp_call_state {
	DSP_CALL_NEW = 0,  /* dsp_call_init'd, not arrived yet */
	DSP_CALL_WAITING,  /* in its floor's queue, ringing */
	DSP_CALL_PICKUP,   /* taken by call->staff, not answered yet */
	DSP_CALL_ANSWERED, /* dsp_answered: the dispatcher is done with it */
	DSP_CALL_CANCELLED /* dsp_cancel: the caller hung up first */
};

enum dsp_staff_kind { DSP_OPERATOR = 0, DSP_BACKUP };

enum dsp_staff_state {
	DSP_STAFF_IDLE = 0, /* free, in the idle FIFO of its floor (or backup's) */
	DSP_STAFF_PICKUP,   /* took staff->call, picking up */
	DSP_STAFF_BUSY,     /* answered: talking or wrapping up */
	DSP_STAFF_OFF,      /* not on shift */
	DSP_STAFF_NOT_READY, /* did not answer its phone: until ready_at */
	DSP_STAFF_AWAY      /* on shift, free, but its phone unreachable */
};

struct dsp_staff;
struct dsp_floor;

/* A call, embedded in the owner's record. Fields are read-only to the owner. */
struct dsp_call {
	rb_us t_invite;            /* set by dsp_arrive */
	int floor;                 /* 0-based; 0 when pooled */
	enum dsp_call_state state;
	struct dsp_staff *staff;   /* whose phone rings or who answered; NULL
				      while waiting */
	uint64_t seq;              /* arrival order (ties of t_invite) */
	int rings;                 /* phones rung for it so far (assignments) */
	struct dsp_call *prev, *next; /* private: the floor's waiting queue
					 (the head's prev not kept: taking the
					 head touches no other call) */
};

/* A staff member, allocated by the dispatcher. Read-only but for udata. */
struct dsp_staff {
	enum dsp_staff_kind kind;
	int id;                    /* 1-based within its kind: "op3", "backup1" */
	int floor;                 /* operators: 0-based floor; backup: -1 */
	struct dsp_floor *home;    /* private: an operator's &d->floors[floor] (the
				      freeing paths' one load); backup: NULL */
	enum dsp_staff_state state;
	bool leaving;              /* shift over while busy: leaves when free */
	bool unreachable;          /* its phone cannot be rung (dsp_staff_reachable) */
	bool plain;                /* private: an operator, not leaving, reachable
				      (dsp__plain), kept with the three */
	rb_us idle_since;          /* when it last became idle */
	rb_us ready_at;            /* NOT_READY: when it is ready again */
	struct dsp_call *call;     /* PICKUP: the call it took; else NULL */
	void *udata;               /* the owner's, untouched by the dispatcher */
	struct dsp_staff *prev, *next; /* private: idle FIFO (the head's prev
					  not kept, as dsp_call's) */
};

/* Fired once for each assignment: staff took call at now (both in PICKUP). */
typedef void(dsp_assign_h)(struct dsp_call *call, struct dsp_staff *staff, rb_us now, void *arg);
/* Whether a member just created (its kind and id set) can be rung: see
 * dsp_set_reach_h. arg is dsp_init's. */
typedef bool(dsp_reach_h)(const struct dsp_staff *staff, void *arg);

/*
 * Time integrals of the counts that make up the center's state: for each,
 * the sum over all its changes of the change times when it happened (µs,
 * modulo 2^64, kept by the dispatcher as it changes the count). The owner
 * gets a count's time integral over [t0, t1] from two looks, at t0 (before
 * any change at t0) and at t1 (after every change up to t1), as
 *   count(t1) x t1 - tw(t1) - (count(t0) x t0 - tw(t0))
 * in unsigned 64-bit arithmetic: exact, and without looking at the state
 * after every event (sim/model/model.c, spans).
 */
struct dsp_tw {
	uint64_t waiting, ops_busy, ops_staffed, backup_busy, backup_staffed;
};

/* The center's state now, for time-weighted measures (queue length, occupancy). */
struct dsp_counts {
	int waiting;          /* calls waiting, all floors */
	int ops_busy;         /* operators in PICKUP or BUSY (leaving ones too) */
	int ops_staffed;      /* operators on shift, plus leaving ones still busy */
	int backup_busy;
	int backup_staffed;
	int ops_not_ready;    /* on shift, not ready after a ring with no answer */
	int backup_not_ready;
	int ops_away;         /* on shift, free, phone unreachable (DSP_STAFF_AWAY) */
	int backup_away;
	uint64_t rung;        /* since dsp_init: phones rung (assignments) */
	uint64_t no_answer;   /* of which not answered (dsp_no_answer) */
	uint64_t ring_cancelled; /* of which the caller hung up while it rang */
	struct dsp_tw tw;     /* waiting, ops_busy, ops_staffed, backup_busy, backup_staffed */
};

/*
 * The most calls ringing (waiting, plus `extra` the owner rings itself, e.g.
 * calls in pick-up) held for a positive time since `t`: the value held since
 * the last change is noted at the next change at a later time (dsp_peak_note),
 * so the peak costs a compare per change, not per event. The owner sets t,
 * max and extra (and notes before changing extra); the dispatcher notes
 * before each change of counts.waiting.
 */
struct dsp_peak {
	rb_us t;     /* the last change's time (or when the owner reset it) */
	int extra;   /* the owner's ringing calls besides the waiting ones */
	int max;     /* the most ringing in a span of positive length since t */
};

/* Private to dispatch*.c; in the header so that struct dsp can be embedded. */
struct dsp_floor {
	struct dsp_call *wait_head, *wait_tail;  /* oldest first */
	struct dsp_staff *idle_head, *idle_tail; /* idle longest first */
	int waiting;
	int target;           /* staff this floor (or backup) should have */
	int on_shift;         /* on shift and not leaving */
};

struct dsp {
	int n_floors;
	struct dsp_floor *floors;  /* n_floors operator floors */
	struct dsp_floor backup;   /* backup's idle FIFO (its queue is unused) */
	rb_us join_age;
	rb_us not_ready[2];        /* per dsp_staff_kind (dsp_set_not_ready) */
	uint64_t next_seq;
	dsp_assign_h *assign_h;
	dsp_reach_h *reach_h;      /* NULL: every new member reachable */
	void *arg;
	struct dsp_staff **staff;  /* every member ever created */
	size_t n_staff, cap_staff;
	int next_op_id, next_backup_id;
	struct dsp_counts counts;  /* read-only to the owner */
	struct dsp_peak peak;      /* the owner's to reset and read */
};

/* The count of ringing calls may change at now: the value it had since
 * d->peak.t counts towards the peak if it was held for a while. */
static inline void dsp_peak_note(struct dsp *d, rb_us now)
{
	if (now > d->peak.t) {
		int r = d->counts.waiting + d->peak.extra;
		if (r > d->peak.max)
			d->peak.max = r;
		d->peak.t = now;
	}
}

/*
 * Sets up d for n_floors (>= 1) floors with floor_ops[f] operators each and
 * `backup` backup staff, all idle since `now`; join_age is join_after_rings x
 * ring_period (0: backup may take a call as soon as it arrives and no
 * operator of its floor is free). Operators are numbered op1.. floor by floor,
 * backup backup1... Returns 0, EINVAL for bad counts, or ENOMEM (then d holds
 * nothing to free).
 */
int dsp_init(struct dsp *d, int n_floors, const int *floor_ops, int backup, rb_us join_age,
	     dsp_assign_h *assign_h, void *arg, rb_us now);
/* Frees the staff and floors (not the calls, which are the owner's). */
void dsp_destroy(struct dsp *d);

/* Prepares a call of the given floor (0-based, < n_floors) for dsp_arrive. */
void dsp_call_init(struct dsp_call *call, int floor);

/*
 * The call reached the center at now: the operator idle longest on its floor
 * takes it; else, if join_age is 0, a free backup member; else it waits.
 */
void dsp_arrive(struct dsp *d, struct dsp_call *call, rb_us now);

/*
 * As dsp_call_init(call, floor) then dsp_arrive, but an operator who takes
 * the call at once (the common case) is returned instead of being reported
 * through assign_h: the owner then does what its assign_h would, inline
 * (the model: one indirect call and a few tests fewer per call). NULL when
 * no operator took it (the call waits, or a backup member took it, through
 * assign_h as usual). The call needs no dsp_call_init first.
 */
static inline struct dsp_staff *dsp_arrive_take(struct dsp *d, struct dsp_call *call, int floor,
						rb_us now);

/*
 * As dsp_arrive_take then, at the same instant, dsp_answered (a phone
 * answered as it rings: a pick-up of 0): the operator who took the call is
 * returned BUSY, the call ANSWERED, the counts as the two calls leave
 * them, without the states the two would set and reset in between. NULL as
 * dsp_arrive_take's (the call waits, or a backup member took it through
 * assign_h, to be answered by dsp_answered as usual).
 */
static inline struct dsp_staff *dsp_arrive_answer(struct dsp *d, struct dsp_call *call, int floor,
						  rb_us now);

/*
 * The call reached join age (the owner's timer at t_invite + join_age). If it
 * is still waiting, a free backup member takes the oldest waiting call that
 * has reached join age (this one, unless an older one waits). No-op otherwise.
 */
void dsp_join_due(struct dsp *d, struct dsp_call *call, rb_us now);

/*
 * The pick-up ended and the call is answered (200 OK). The call leaves the
 * dispatcher; its staff member stays BUSY until dsp_staff_free.
 */
static inline void dsp_answered(struct dsp *d, struct dsp_call *call, rb_us now);

/*
 * The caller hung up (CANCEL) at now. A waiting call leaves its queue; a call
 * in pick-up frees its staff member at once, without wrap-up, who then takes
 * the next call per the rules (or leaves, if its shift is over). Returns the
 * state the call was in (DSP_CALL_WAITING or DSP_CALL_PICKUP; anything else
 * is a no-op, e.g. a CANCEL after the 200: the 200 wins).
 */
enum dsp_call_state dsp_cancel(struct dsp *d, struct dsp_call *call, rb_us now);

/*
 * The staff member (BUSY: answered, talked, wrapped up) is free at now: an
 * operator takes the oldest waiting call of its floor; a backup member the
 * oldest waiting call of any floor that has reached join age; if none, it
 * joins the idle FIFO. A member whose shift is over leaves instead.
 */
static inline void dsp_staff_free(struct dsp *d, struct dsp_staff *staff, rb_us now);

/*
 * As dsp_staff_free, but the call an operator takes as it frees up (calls
 * waiting on its floor, nobody else idle there: the common case under load)
 * is handed over to it directly and returned instead of being reported
 * through assign_h: the owner then does what its assign_h would, inline (as
 * with dsp_arrive_take). The counts and their time integrals are those of
 * dsp_staff_free (the member busy throughout). NULL when the member took no
 * call this way: it went idle or off, or the general path ran (assign_h as
 * usual).
 */
static inline struct dsp_call *dsp_staff_free_take(struct dsp *d, struct dsp_staff *staff,
						   rb_us now);

/*
 * A shift change at now: floor_ops[f] operators per floor (NULL: unchanged),
 * backup staff (-1: unchanged). Fewer: idle members leave at once (the most
 * recently idle first), then not-ready and then busy ones are marked leaving
 * (they finish their not-ready time or call first); more: members marked leaving stay on, then off-shift members
 * (lowest id first) or new ones come on idle and take waiting calls at once.
 * Returns 0, EINVAL for a negative count, or ENOMEM (the staffing is then
 * partly changed, still consistent).
 */
int dsp_set_staffing(struct dsp *d, const int *floor_ops, int backup, rb_us now);

/*
 * How long an operator (op) and a backup member (backup) are not ready after
 * a ring with no answer (0, the default: ready again at once). Negative
 * values count as 0.
 */
void dsp_set_not_ready(struct dsp *d, rb_us op, rb_us backup);

/*
 * The call's phone (PICKUP) rang out at now with no answer: the call goes
 * back to its floor's queue at its place (t_invite, then arrival order) and
 * its staff member is not ready until now + its kind's not-ready time
 * (staff->ready_at; ready at once, idle, with no not-ready time; off at once
 * if its shift is over). Then the rules run: an idle operator of the floor
 * takes the oldest waiting call, a free backup member an aged one (this
 * call, if it is past join age). The owner then looks at call->state
 * (WAITING, or PICKUP again through assign_h) and the member's state.
 */
void dsp_no_answer(struct dsp *d, struct dsp_call *call, rb_us now);

/*
 * A not-ready member's time is over (the owner's timer at staff->ready_at):
 * it is idle and takes a call as one who frees up (dsp_staff_free), or
 * leaves if its shift is over. A no-op for a member not NOT_READY.
 */
void dsp_staff_ready(struct dsp *d, struct dsp_staff *staff, rb_us now);

/*
 * Whether the member's phone can be rung (SIP operators: registered, with a
 * contact, or not; simulated staff always can). An unreachable member is
 * never rung: free, it is DSP_STAFF_AWAY (on shift, neither idle nor busy);
 * a ring, a call, a wrap-up or a not-ready time under way goes on, and it
 * is AWAY instead of idle when that ends (a phone that unregisters while
 * rung: the owner ends the ring as dsp_no_answer when its leg fails).
 * Reachable again: an AWAY member is idle from now and takes the oldest
 * waiting call it may take. Shifts: AWAY members leave first. No-op when
 * nothing changes.
 */
void dsp_staff_reachable(struct dsp *d, struct dsp_staff *staff, bool reachable, rb_us now);

/*
 * Asks h (NULL: nobody) whether each member created from now on (a shift
 * that needs more staff than ever before, dsp_set_staffing) can be rung,
 * before it comes on shift: an unreachable one comes on AWAY, never rung
 * (a SIP operator who has not registered yet). Members that exist already
 * keep what dsp_staff_reachable last said, on shift or off.
 */
void dsp_set_reach_h(struct dsp *d, dsp_reach_h *h);

/* "op3" or "backup1" into buf (n bytes). Returns snprintf's result. */
int dsp_staff_name(const struct dsp_staff *staff, char *buf, size_t n);

/*
 * --- Inline: the per-call path of the model ------------------------------
 *
 * An arrival taken at once by an idle operator, the answer, and a member
 * freed with nobody waiting on its floor, here so that the model's loop
 * does them without a call (each was a call into dispatch.c with its
 * prologue; about 20 instructions per call on bench/model's case). The
 * same for an operator who frees up and takes the oldest waiting call of
 * its floor (dsp_staff_free_take): handed over without the idle FIFO and
 * assign_h, it took that case (1,000,237 calls, 44 % of them waiting;
 * callgrind, whole process) from 724.1 M to 706.1 M instructions. The
 * rest of each (a call that waits, a backup member, one leaving or
 * unreachable) stays in dispatch.c. Private to dispatch*.c but for the
 * five public functions. Later: a pick-up of 0 taken and answered in one
 * (dsp_arrive_answer), and an operator's floor one load away (home):
 * dispatch.h's lines on bench/model's case 57.0 M to 49.9 M instructions.
 */

/* count k of d->counts changes by delta at now, its time integral with it
 * (struct dsp_tw) */
#define DSP_COUNT(d, k, delta, now)                                               \
	do {                                                                      \
		(d)->counts.k += (delta);                                         \
		(d)->counts.tw.k += (uint64_t)(int64_t)(delta) * (uint64_t)(now); \
	} while (0)

/* dispatch.c: the call waits (no operator free on its floor) */
void dsp__arrive_wait(struct dsp *d, struct dsp_floor *fl, struct dsp_call *call, rb_us now);
/* dispatch.c: staff freed in any other case than dsp__free_plain's */
void dsp__release_other(struct dsp *d, struct dsp_staff *s, rb_us now);
/* dispatch.c: idle operators of floor f take its waiting calls */
void dsp__floor_drain(struct dsp *d, int f, rb_us now);

/* s, the head of its idle FIFO fl (every caller takes the one idle
 * longest), leaves it. */
static inline void dsp__idle_pop(struct dsp_floor *fl, struct dsp_staff *s)
{
	fl->idle_head = s->next;
	if (!s->next)
		fl->idle_tail = NULL;
	s->next = NULL;
}

/* Staff s (the head of its idle FIFO fl) takes call, which is not queued;
 * the caller counts the ring (call->rings). backup: s's kind is DSP_BACKUP
 * (the caller knows it: a floor's FIFO holds operators only). */
static inline void dsp__take_unqueued(struct dsp *d, struct dsp_call *call, struct dsp_floor *fl,
				      struct dsp_staff *s, bool backup, rb_us now)
{
	dsp__idle_pop(fl, s);
	call->state = DSP_CALL_PICKUP;
	call->staff = s;
	d->counts.rung++;
	s->state = DSP_STAFF_PICKUP;
	s->call = call;
	if (backup)
		DSP_COUNT(d, backup_busy, 1, now);
	else
		DSP_COUNT(d, ops_busy, 1, now);
}

/*
 * dsp_arrive_take's and dsp_arrive_answer's start: dsp_call_init's fields
 * but the state and rings (set by either way on), and the operator idle
 * longest on the call's floor fl; none: the call goes the general way
 * (it waits, or a backup member takes it through assign_h) and NULL.
 */
static inline struct dsp_staff *dsp__arrive_idle(struct dsp *d, struct dsp_call *call,
						 struct dsp_floor *fl, int floor, rb_us now)
{
	struct dsp_staff *s = fl->idle_head;
	call->floor = floor;
	call->t_invite = now;
	call->seq = ++d->next_seq;
	if (!s) {
		call->rings = 0;
		call->staff = NULL; /* not queued: dsp__arrive_wait links it */
		dsp__arrive_wait(d, fl, call, now);
	}
	return s;
}

static inline struct dsp_staff *dsp_arrive_take(struct dsp *d, struct dsp_call *call, int floor,
						rb_us now)
{
	struct dsp_floor *fl = &d->floors[floor];
	struct dsp_staff *s = dsp__arrive_idle(d, call, fl, floor, now);
	if (!s)
		return NULL;
	call->rings = 1;
	dsp__take_unqueued(d, call, fl, s, false, now);
	return s;
}

static inline struct dsp_staff *dsp_arrive_answer(struct dsp *d, struct dsp_call *call, int floor,
						  rb_us now)
{
	struct dsp_floor *fl = &d->floors[floor];
	struct dsp_staff *s = dsp__arrive_idle(d, call, fl, floor, now);
	if (!s)
		return NULL;
	dsp__idle_pop(fl, s);
	call->state = DSP_CALL_ANSWERED;
	call->staff = s;
	call->rings = 1;
	d->counts.rung++;
	s->state = DSP_STAFF_BUSY; /* s->call stays NULL: an idle member holds none */
	DSP_COUNT(d, ops_busy, 1, now);
	return s;
}

static inline void dsp_answered(struct dsp *d, struct dsp_call *call, rb_us now)
{
	(void)d;
	(void)now;
	call->state = DSP_CALL_ANSWERED;
	call->staff->state = DSP_STAFF_BUSY;
	call->staff->call = NULL;
}

/* Whether s, busy, is freed by dsp__free_plain: an operator staying on,
 * reachable. */
static inline bool dsp__plain(const struct dsp_staff *s)
{
	return s->plain; /* one load where the three were tested per call */
}

/* s (dsp__plain) is free at now: idle at its floor's tail, then it takes
 * the oldest waiting call of its floor, if any. */
static inline void dsp__free_plain(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	struct dsp_floor *fl = s->home;
	DSP_COUNT(d, ops_busy, -1, now);
	s->call = NULL;
	s->idle_since = now;
	s->state = DSP_STAFF_IDLE;
	s->next = NULL;
	s->prev = fl->idle_tail;
	if (fl->idle_tail)
		fl->idle_tail->next = s;
	else
		fl->idle_head = s;
	fl->idle_tail = s;
	if (fl->wait_head)
		dsp__floor_drain(d, s->floor, now);
}

static inline void dsp_staff_free(struct dsp *d, struct dsp_staff *staff, rb_us now)
{
	if (dsp__plain(staff))
		dsp__free_plain(d, staff, now);
	else
		dsp__release_other(d, staff, now);
}

/*
 * The plain member s hands over straight to the oldest waiting call of its
 * floor fl, whose idle FIFO is empty: what dsp__free_plain then
 * floor_drain's one assignment do (s idle at the FIFO's head, then taking
 * the queue's head), without the FIFO, the busy count's -1 and +1 at the
 * same instant (its time integral unchanged) or assign_h.
 */
static inline struct dsp_call *dsp__hand_over(struct dsp *d, struct dsp_floor *fl,
					      struct dsp_staff *s, rb_us now)
{
	struct dsp_call *call = fl->wait_head;
	fl->wait_head = call->next;
	if (!call->next)
		fl->wait_tail = NULL;
	call->next = NULL;
	fl->waiting--;
	dsp_peak_note(d, now);
	DSP_COUNT(d, waiting, -1, now);
	s->idle_since = now;
	s->prev = s->next = NULL;
	s->state = DSP_STAFF_PICKUP;
	s->call = call;
	call->state = DSP_CALL_PICKUP;
	call->staff = s;
	call->rings++;
	d->counts.rung++;
	return call;
}

static inline struct dsp_call *dsp_staff_free_take(struct dsp *d, struct dsp_staff *staff,
						   rb_us now)
{
	if (!dsp__plain(staff)) {
		dsp__release_other(d, staff, now);
		return NULL;
	}
	struct dsp_floor *fl = staff->home;
	if (fl->wait_head && !fl->idle_head)
		return dsp__hand_over(d, fl, staff, now);
	dsp__free_plain(d, staff, now);
	return NULL;
}

#endif
