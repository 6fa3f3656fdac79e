/*
 * evq: the event queue of the discrete-event model (and any owner of many
 * timers): a 4-ary min-heap of events ordered by (time, priority, sequence
 * number), so that events due at the same instant fire in the order they were
 * scheduled (within a priority; evq_schedule uses priority 0).
 *
 * libuv style: a struct evq_ev is embedded in its owner (a call record, an
 * operator), never allocated by the queue; the queue keeps the event's heap
 * position in it, so cancelling or rescheduling costs O(log n). The heap
 * array holds each event's key beside its pointer, so sifting compares keys
 * in one cache line instead of chasing pointers (a 4-ary heap: half the
 * levels of a binary one, and the four children share a line or two).
 *
 *   struct call { struct evq_ev patience; ... };
 *   evq_init(&q, 1024);
 *   evq_ev_init(&c->patience, EV_PATIENCE);
 *   evq_schedule(&q, &c->patience, t);
 *   while ((ev = evq_pop(&q))) switch (ev->type) { ... container_of ... }
 *   evq_cancel(&q, &c->patience);    (a no-op when not scheduled)
 *
 * Not thread-safe: one queue per thread (each replication has its own).
 */
#ifndef RB_EVQ_H
#define RB_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

#define EVQ_NONE UINT32_MAX

/* An event, embedded in its owner. t and type are readable by the owner. */
struct evq_ev {
	rb_us t;       /* when it is due (valid while scheduled and once popped) */
	uint32_t idx;  /* private: heap position, EVQ_NONE when not scheduled */
	int type;      /* the owner's: what kind of event this is */
};

/*
 * One heap slot: the key, copied, and the event. The key is one unsigned
 * 128-bit number, (time with its sign bit flipped) << 64 | (priority << 62 |
 * sequence), so that ordering is a single compare the compiler turns into
 * branch-free code (cmp/sbb and cmov): the heap's compares are as
 * unpredictable as the events, and mispredicted branches were most of the
 * cost of sift_down (measured: the model's benchmark 17 % faster). Needs a
 * 64-bit GCC or Clang (unsigned __int128).
 */
__extension__ typedef unsigned __int128 evq_key;

struct evq_slot {
	evq_key key;
	struct evq_ev *ev;
};

struct evq {
	struct evq_slot *heap;
	uint32_t n, cap;
	uint64_t seq;   /* next sequence number */
};

/* An empty queue with room for cap_hint events (it grows). 0 or ENOMEM. */
int evq_init(struct evq *q, uint32_t cap_hint);
/* Frees the heap (not the events, which are their owners'). */
void evq_destroy(struct evq *q);

/* Prepares ev (not scheduled) with the owner's type. */
static inline void evq_ev_init(struct evq_ev *ev, int type)
{
	ev->t = 0;
	ev->idx = EVQ_NONE;
	ev->type = type;
}

static inline bool evq_pending(const struct evq_ev *ev)
{
	return ev->idx != EVQ_NONE;
}

/*
 * Schedules ev at t (moving it if it is already scheduled; it then fires
 * after events already due at t). Returns 0, or ENOMEM when the heap could
 * not grow (ev is then not scheduled, or stays where it was).
 */
int evq_schedule(struct evq *q, struct evq_ev *ev, rb_us t);

/*
 * As evq_schedule, with a priority among events due at the same instant:
 * prio 0 (evq_schedule's) fires first, then 1, 2, 3; equal priorities in
 * scheduling order. The model uses it so that at one instant a staff member
 * freeing up goes before a backup's join check, which goes before a CANCEL
 * (docs/definitions.md: the 200 wins). Costs nothing: the priority is the top two
 * bits of the sequence number.
 */
int evq_schedule_prio(struct evq *q, struct evq_ev *ev, rb_us t, unsigned prio);

/*
 * Keys, for an owner that keeps one ordered stream of its own events outside
 * the heap (the model's arrivals: one heap push and pop fewer per call) and
 * merges it with the heap: evq_key_next() gives the key an event scheduled
 * now at t with prio would get (it takes a sequence number), evq_top_key()
 * the key of the next event in the heap (EVQ_KEY_MAX when empty). The smaller
 * key goes first.
 */
#define EVQ_KEY_MAX (~(evq_key)0)
#define EVQ_SEQ_BITS 62
static inline evq_key evq_key_next(struct evq *q, rb_us t, unsigned prio)
{
	uint64_t seq = ((uint64_t)(prio & 3) << EVQ_SEQ_BITS) |
		       (q->seq++ & ((UINT64_C(1) << EVQ_SEQ_BITS) - 1));
	return ((evq_key)((uint64_t)t ^ (UINT64_C(1) << 63)) << 64) | seq;
}
static inline evq_key evq_top_key(const struct evq *q)
{
	return q->n ? q->heap[0].key : EVQ_KEY_MAX;
}

/* Unschedules ev (which must be scheduled in q). */
void evq_remove(struct evq *q, struct evq_ev *ev);

/* Unschedules ev; a no-op when it is not scheduled (inline: the model
 * cancels timers that mostly were never set). */
static inline void evq_cancel(struct evq *q, struct evq_ev *ev)
{
	if (ev->idx != EVQ_NONE)
		evq_remove(q, ev);
}

/* The next event (earliest t, then earliest scheduled), or NULL. */
static inline struct evq_ev *evq_peek(const struct evq *q)
{
	return q->n ? q->heap[0].ev : NULL;
}

/* Removes and returns the next event (its t is when it was due), or NULL. */
struct evq_ev *evq_pop(struct evq *q);

static inline uint32_t evq_len(const struct evq *q)
{
	return q->n;
}

#endif
