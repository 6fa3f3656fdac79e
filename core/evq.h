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
	uint32_t idx;  /* private: its bucket, EVQ_NONE when not scheduled */
	int type;      /* the owner's: what kind of event this is */
	uint64_t seq;  /* private: priority << 62 | sequence number */
	struct evq_ev *next, *prev; /* private: its bucket's list, in key order */
};

/*
 * A key: one unsigned 128-bit number, (time with its sign bit flipped) << 64
 * | (priority << 62 | sequence), the order of events; for an owner that
 * merges a stream of its own with the queue (evq_key_next). Needs a 64-bit
 * GCC or Clang (unsigned __int128).
 */
__extension__ typedef unsigned __int128 evq_key;

struct evq {
	struct evq_ev **bucket; /* nb list heads */
	uint32_t nb, mask;      /* nb a power of two, mask nb - 1 */
	unsigned shift;         /* bucket width: 2^shift µs */
	unsigned scans;         /* whole turns without an event since the width was chosen */
	uint64_t walk, inserts; /* events passed by inserts, and inserts, lately */
	uint32_t n;             /* events queued */
	uint64_t cur;           /* no event's time >> shift is below it */
	struct evq_ev *top;     /* the next event when known, else NULL */
	uint64_t seq;           /* next sequence number */
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
	ev->idx = EVQ_NONE;
	ev->type = type;
	ev->seq = 0;
	ev->next = ev->prev = NULL;
}

static inline bool evq_pending(const struct evq_ev *ev)
{
	return ev->idx != EVQ_NONE;
}

/*
 * Schedules ev at t (moving it if it is already scheduled; it then fires
 * after events already due at t). Returns 0, or ENOMEM when the buckets
 * could not grow (ev is then not scheduled).
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
 * the queue (the model's arrivals: one schedule and pop fewer per call) and
 * merges it with the queue: evq_key_next() gives the key an event scheduled
 * now at t with prio would get (it takes a sequence number), evq_top_key()
 * the key of the next event in the queue (EVQ_KEY_MAX when empty). The smaller
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
/* The next event, found (evq.c); NULL when empty. */
struct evq_ev *evq_find_top(struct evq *q);
static inline evq_key evq_top_key(struct evq *q)
{
	struct evq_ev *e = q->top ? q->top : evq_find_top(q);
	return e ? ((evq_key)((uint64_t)e->t ^ (UINT64_C(1) << 63)) << 64) | e->seq : EVQ_KEY_MAX;
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
static inline struct evq_ev *evq_peek(struct evq *q)
{
	return q->top ? q->top : evq_find_top(q);
}

/* Removes and returns the next event (its t is when it was due), or NULL. */
struct evq_ev *evq_pop(struct evq *q);

static inline uint32_t evq_len(const struct evq *q)
{
	return q->n;
}

#endif
