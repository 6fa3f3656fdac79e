/*
 * evq: the event queue of the discrete-event model (and any owner of many
 * timers): a calendar queue (Brown 1988) of events ordered by (time,
 * priority, sequence number), so that events due at the same instant fire in
 * the order they were scheduled (within a priority; evq_schedule uses
 * priority 0).
 *
 * libuv style: a struct evq_ev is embedded in its owner (a call record, an
 * operator), never allocated by the queue; the queue links it into a bucket
 * of its time, so scheduling, cancelling and popping cost O(1) on average
 * when the bucket width suits the events' spacing (chosen by the queue from
 * the events themselves, evq.c). It replaced a 4-ary heap with its keys
 * inline: on bench/model's case (about 250 events queued) the heap's pop
 * was a quarter of the run's time (perf); measured in bench/model/README.md.
 *
 *   struct call { struct evq_ev patience; ... };
 *   evq_init(&q, 1024);
 *   evq_ev_init(&c->patience, EV_PATIENCE);
 *   evq_schedule(&q, &c->patience, t);
 *   while ((ev = evq_pop(&q))) switch (ev->type) { ... container_of ... }
 *   evq_cancel(&q, &c->patience);    (a no-op when not scheduled)
 *
 * The common paths (a schedule of an event not yet scheduled, a pop, a
 * cancel, the scan for the next event) are inline here, the rest (growth,
 * shrinking, a new width, a whole turn without an event) in evq.c: the
 * model schedules and pops once or twice per call. bench/model's case
 * (callgrind, 1,000,237 calls, whole process): 1,197 to 1,130 instructions
 * per call with the arrivals merged by sequence number (evq_seq_next)
 * instead of 128-bit keys, 985 to 919 with the scan and sched() inline
 * too (other changes in that step: sim/model/model.c); 919 to 722 in all
 * since (other modules), where lists ending at the queue's own end event
 * (struct evq's end) cut the mispredicted branches per call from 4.76 to
 * 3.36 and the CPU time about 9 % (evq.c). At bcf5f4f the whole run is 558
 * instructions a call, of which this file's inline lines 120, with 2.20 of
 * the run's 3.09 mispredicted branches a call (the choice between the next
 * arrival and the next event with an insert's walk 1.33, the scan 0.87)
 * and 0.90 of its 1.97 D1 read misses a call (the records of the events
 * compared).
 *
 * Not thread-safe: one queue per thread (each replication has its own).
 */
#ifndef RB_EVQ_H
#define RB_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

/* The hot paths, inlined even where GCC would rather not (it kept an
 * out-of-line copy of evq_schedule_prio for the model's ten call sites). */
#define EVQ_INLINE static inline __attribute__((always_inline))

/*
 * An event, embedded in its owner. t and type are readable by the owner.
 * pprev first: evq_pending and evq_cancel of an event not scheduled read
 * only it, so an owner can keep two events side by side with both pprevs
 * in one cache line (sim/model/model_int.h: a call's patience and join-age
 * events, cancelled at every answer of a call that waited, the second
 * scheduled only with backup staff).
 */
struct evq_ev {
	/* private: its bucket's list, in key order; pprev points at the link
	 * that points at it (the bucket's head or the previous event's next),
	 * NULL when not scheduled */
	struct evq_ev **pprev, *next;
	rb_us t;       /* when it is due (valid while scheduled and once popped) */
	int type;      /* the owner's: what kind of event this is */
	uint64_t seq;  /* private: priority << 62 | sequence number */
};

/*
 * A key: one unsigned 128-bit number, (time with its sign bit flipped) << 64
 * | (priority << 62 | sequence), the order of events. Needs a 64-bit GCC or
 * Clang (unsigned __int128). Owners that merge a stream of their own with
 * the queue compare a time and a sequence number instead (evq_seq_next,
 * evq_ev_before): cheaper than building two keys per event.
 */
__extension__ typedef unsigned __int128 evq_key;

struct evq {
	struct evq_ev **bucket; /* mask + 1 list heads */
	/*
	 * Every bucket's list ends at this event, never popped: due at the end
	 * of time with the largest sequence number, so every event goes before
	 * it. The inline paths then test no NULL: an insert's walk stops at it
	 * with one compare per step, and an unlink writes its pprev instead of
	 * testing for a next event (a branch that was mispredicted about every
	 * other pop). An empty bucket's head is &end. So a queue must not be
	 * moved or copied once evq_init made it.
	 */
	struct evq_ev end;
	uint32_t mask;          /* buckets - 1, buckets a power of two */
	unsigned shift;         /* bucket width: 2^shift µs */
	uint32_t n;             /* events queued */
	uint32_t grow_at;       /* n reaching it: twice the buckets */
	uint32_t shrink_at;     /* n falling below it: half the buckets */
	unsigned scans;         /* whole turns without an event since the width was chosen */
	uint64_t cur;           /* no event's time >> shift is below it */
	struct evq_ev *top;     /* the next event when known, else NULL */
	uint64_t seq;           /* next sequence number */
	uint64_t walk;          /* events passed by inserts lately */
	uint32_t ins_left;      /* inserts before walk is looked at */
	uint32_t ins_span;      /* inserts walk counts (ins_left's start) */
};

/* An empty queue (cap_hint is not needed any more: the buckets follow the
 * events). 0 or ENOMEM. */
int evq_init(struct evq *q, uint32_t cap_hint);
/* Frees the buckets (not the events, which are their owners'). */
void evq_destroy(struct evq *q);

/* Prepares ev (not scheduled) with the owner's type. */
static inline void evq_ev_init(struct evq_ev *ev, int type)
{
	ev->t = 0;
	ev->type = type;
	ev->seq = 0;
	ev->next = NULL;
	ev->pprev = NULL;
}

static inline bool evq_pending(const struct evq_ev *ev)
{
	return ev->pprev != NULL;
}

/*
 * The sequence number an event scheduled now with priority prio (0 to 3)
 * gets, taken: for an owner that keeps one ordered stream of its own events
 * outside the queue (the model's arrivals: one schedule and pop fewer per
 * call) and merges it with the queue by evq_ev_before. 2^62 schedules would
 * take centuries at today's rates.
 */
#define EVQ_SEQ_BITS 62
EVQ_INLINE uint64_t evq_seq_next(struct evq *q, unsigned prio)
{
	return ((uint64_t)(prio & 3) << EVQ_SEQ_BITS) | q->seq++;
}

/* Whether an event due at t with sequence number seq goes before e. */
EVQ_INLINE bool evq_ev_before(rb_us t, uint64_t seq, const struct evq_ev *e)
{
	return t < e->t || (t == e->t && seq < e->seq);
}

/* evq.c: what the inline paths below leave to it. */
int evq_schedule_slow(struct evq *q, struct evq_ev *ev, rb_us t, unsigned prio);
void evq_tune(struct evq *q);
void evq_shrink(struct evq *q);
/* The next event when a whole turn of the buckets found none in its year. */
struct evq_ev *evq_find_far(struct evq *q);

/* The next event, found (the buckets scanned from cur, the first whose
 * head lies in that very absolute bucket); NULL when empty. An empty
 * bucket's head (&q->end) lies in the last absolute bucket of all; the scan
 * cannot reach that bucket empty while events remain (none lies below cur,
 * none beyond the last), but the test costs a predicted branch per pop and
 * keeps the end event from ever being popped. */
EVQ_INLINE struct evq_ev *evq_find_top(struct evq *q)
{
	if (!q->n)
		return NULL;
	uint64_t cur = q->cur;
	struct evq_ev **bk = q->bucket;
	uint32_t mask = q->mask;
	unsigned shift = q->shift;
	for (uint32_t k = 0; k <= mask; k++, cur++) {
		struct evq_ev *h = bk[cur & mask];
		if (((uint64_t)h->t ^ (UINT64_C(1) << 63)) >> shift == cur && h != &q->end) {
			q->cur = cur;
			q->top = h;
			return h;
		}
	}
	return evq_find_far(q);
}

/* Links ev (t and seq set) into its bucket, in key order (from the head:
 * a bucket's events are few; the walk ends at q->end at the latest). */
EVQ_INLINE void evq_link(struct evq *q, struct evq_ev *ev)
{
	rb_us t = ev->t;
	uint64_t seq = ev->seq;
	uint64_t abs = ((uint64_t)t ^ (UINT64_C(1) << 63)) >> q->shift;
	if (abs < q->cur)
		q->cur = abs;
	struct evq_ev **pp = &q->bucket[abs & q->mask], *e;
	while (!evq_ev_before(t, seq, e = *pp)) {
		pp = &e->next;
		q->walk++; /* a step is rare (a third of the model's inserts) */
	}
	ev->next = e;
	ev->pprev = pp;
	e->pprev = &ev->next; /* q->end's too: written, never read */
	*pp = ev;
}

EVQ_INLINE void evq_unlink(struct evq_ev *ev)
{
	struct evq_ev *n = ev->next;
	*ev->pprev = n;
	n->pprev = ev->pprev; /* n may be the queue's end: no test */
	ev->pprev = NULL;
}

/*
 * As evq_schedule, with a priority among events due at the same instant:
 * prio 0 (evq_schedule's) fires first, then 1, 2, 3; equal priorities in
 * scheduling order. The model uses it so that at one instant a staff member
 * freeing up goes before a backup's join check, which goes before a CANCEL
 * (docs/definitions.md: the 200 wins). Costs nothing: the priority is the
 * top two bits of the sequence number. Returns 0, or ENOMEM when the
 * buckets could not grow (ev is then not scheduled).
 */
EVQ_INLINE int evq_schedule_prio(struct evq *q, struct evq_ev *ev, rb_us t, unsigned prio)
{
	if (ev->pprev || q->n >= q->grow_at)
		return evq_schedule_slow(q, ev, t, prio);
	ev->t = t;
	ev->seq = evq_seq_next(q, prio);
	evq_link(q, ev);
	q->n++;
	if (q->top && evq_ev_before(t, ev->seq, q->top))
		q->top = ev;
	if (--q->ins_left == 0)
		evq_tune(q);
	return 0;
}

/*
 * Schedules ev at t (moving it if it is already scheduled; it then fires
 * after events already due at t). Returns 0, or ENOMEM when the buckets
 * could not grow (ev is then not scheduled).
 */
EVQ_INLINE int evq_schedule(struct evq *q, struct evq_ev *ev, rb_us t)
{
	return evq_schedule_prio(q, ev, t, 0);
}

/* Unschedules ev (which must be scheduled in q). */
EVQ_INLINE void evq_remove(struct evq *q, struct evq_ev *ev)
{
	if (q->top == ev)
		q->top = NULL;
	evq_unlink(ev);
	if (--q->n < q->shrink_at)
		evq_shrink(q);
}

/* Unschedules ev; a no-op when it is not scheduled. */
EVQ_INLINE void evq_cancel(struct evq *q, struct evq_ev *ev)
{
	if (ev->pprev)
		evq_remove(q, ev);
}

/* The next event (earliest t, then earliest scheduled), or NULL. */
EVQ_INLINE struct evq_ev *evq_peek(struct evq *q)
{
	return q->top ? q->top : evq_find_top(q);
}

/* Removes ev, the next event (evq_peek's, nothing scheduled since). */
EVQ_INLINE void evq_take(struct evq *q, struct evq_ev *ev)
{
	q->top = NULL;
	evq_unlink(ev);
	if (--q->n < q->shrink_at)
		evq_shrink(q);
}

/* Removes and returns the next event (its t is when it was due), or NULL. */
EVQ_INLINE struct evq_ev *evq_pop(struct evq *q)
{
	struct evq_ev *ev = evq_peek(q);
	if (ev)
		evq_take(q, ev);
	return ev;
}

static inline uint32_t evq_len(const struct evq *q)
{
	return q->n;
}

/*
 * Keys (see evq_key): evq_key_next() gives the key an event scheduled now
 * at t with prio would get (it takes a sequence number), evq_top_key() the
 * key of the next event in the queue (EVQ_KEY_MAX when empty).
 */
#define EVQ_KEY_MAX (~(evq_key)0)
static inline evq_key evq_key_next(struct evq *q, rb_us t, unsigned prio)
{
	uint64_t seq = evq_seq_next(q, prio);
	return ((evq_key)((uint64_t)t ^ (UINT64_C(1) << 63)) << 64) | seq;
}
static inline evq_key evq_top_key(struct evq *q)
{
	struct evq_ev *e = evq_peek(q);
	return e ? ((evq_key)((uint64_t)e->t ^ (UINT64_C(1) << 63)) << 64) | e->seq : EVQ_KEY_MAX;
}

#endif
