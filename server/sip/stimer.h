/*
 * stimer: cheap one-shot timers for secretaryd, many thousands at once.
 *
 * One libuv timer drives core/evq's queue of struct tmr nodes (embedded
 * in their owner, libuv style), so starting, stopping and firing a
 * per-transaction timer cost O(1) on average (a calendar queue whose bucket
 * width follows the timers' spacing); nothing walks the whole set
 * (libre's sorted timer list was the measured bottleneck, see issue 3).
 * Equal due times fire in start order.
 *
 *   struct tmrq q; tmrq_init(&q, loop);
 *   tmr_init(&c->t_pickup);
 *   tmr_start(&q, &c->t_pickup, 200000, on_pickup, c);   200 ms from now
 *   tmr_stop(&q, &c->t_pickup);                          harmless if idle
 *
 * Times are CLOCK_MONOTONIC microseconds (rb_now_mono_us). Handlers run from
 * the loop, never inside tmr_start; a handler may start or stop any timer,
 * including its own. Not thread-safe.
 */
#ifndef RB_STIMER_H
#define RB_STIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "evq.h"
#include "rbtime.h"

struct tmr;
typedef void(tmr_h)(struct tmr *t, void *arg);

struct tmr {
	struct evq_ev ev; /* ev.t: due, monotonic microseconds */
	tmr_h *h;
	void *arg;
};

struct tmrq {
	uv_loop_t *loop;
	uv_timer_t uvt;
	struct evq q;
	rb_us armed;   /* due time the uv timer is set for; INT64_MAX: none */
	rb_us max_late; /* largest lateness seen (fire time - due), for metrics */
	uint64_t fired;
	/* Lateness histogram: < 1, 2, 5, 10, 20, 50, 100 ms, and more. */
	uint64_t late_hist[8];
};

/* Upper bounds (microseconds) of late_hist's first 7 buckets. */
extern const rb_us tmrq_late_bounds[7];

/* Sets up q on loop. Returns 0 or a positive errno. */
int tmrq_init(struct tmrq *q, uv_loop_t *loop);
/* Stops the uv timer and frees the heap (nodes are the owners'). cb as uv_close's. */
void tmrq_close(struct tmrq *q);
/* Timers pending. */
static inline size_t tmrq_count(const struct tmrq *q) { return evq_len(&q->q); }

static inline void tmr_init(struct tmr *t) { evq_ev_init(&t->ev, 0); t->h = NULL; }
static inline bool tmr_active(const struct tmr *t) { return evq_pending(&t->ev); }
/* (Re)starts t to fire delay microseconds from now (<= 0: on the next loop
 * turn). Returns 0 or ENOMEM (t then idle). */
int tmr_start(struct tmrq *q, struct tmr *t, rb_us delay, tmr_h *h, void *arg);
/* The same with an absolute monotonic due time. */
int tmr_start_at(struct tmrq *q, struct tmr *t, rb_us due, tmr_h *h, void *arg);
/* Stops t if it is pending; otherwise does nothing. */
void tmr_stop(struct tmrq *q, struct tmr *t);

#endif
