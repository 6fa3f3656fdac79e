/* stimer: core/evq's queue driven by one libuv timer; see stimer.h. */
#include "stimer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const rb_us tmrq_late_bounds[7] = {1000, 2000, 5000, 10000, 20000, 50000, 100000};

static void arm(struct tmrq *q);

static void on_uv_timer(uv_timer_t *h)
{
	struct tmrq *q = h->data;
	q->armed = INT64_MAX;
	rb_us now = rb_now_mono_us();
	struct evq_ev *ev;
	/* Bounded per turn so a flood of timers cannot starve the sockets. */
	for (int k = 0; k < 4096 && (ev = evq_peek(&q->q)) && ev->t <= now; k++) {
		evq_pop(&q->q);
		struct tmr *t = (struct tmr *)ev;
		rb_us late = now - ev->t;
		if (late > q->max_late)
			q->max_late = late;
		int b = 0;
		while (b < 7 && late >= tmrq_late_bounds[b])
			b++;
		q->late_hist[b]++;
		q->fired++;
		t->h(t, t->arg);
	}
	arm(q);
}

/* Sets the uv timer for the earliest due time, if that changed. */
static void arm(struct tmrq *q)
{
	struct evq_ev *ev = evq_peek(&q->q);
	if (!ev) {
		if (q->armed != INT64_MAX)
			uv_timer_stop(&q->uvt);
		q->armed = INT64_MAX;
		return;
	}
	if (ev->t == q->armed)
		return;
	rb_us now = rb_now_mono_us();
	/* libuv counts whole milliseconds: round up so we never wake early
	 * (waking early only re-arms, but costs a loop turn). */
	rb_us d = ev->t > now ? ev->t - now : 0;
	uv_update_time(q->loop);
	uv_timer_start(&q->uvt, on_uv_timer, (uint64_t)((d + 999) / 1000), 0);
	q->armed = ev->t;
}

int tmrq_init(struct tmrq *q, uv_loop_t *loop)
{
	q->loop = loop;
	q->armed = INT64_MAX;
	q->max_late = 0;
	q->fired = 0;
	memset(q->late_hist, 0, sizeof q->late_hist);
	int e = evq_init(&q->q, 4096);
	if (e)
		return e;
	if ((e = uv_timer_init(loop, &q->uvt))) {
		evq_destroy(&q->q);
		return -e;
	}
	q->uvt.data = q;
	return 0;
}

void tmrq_close(struct tmrq *q)
{
	uv_timer_stop(&q->uvt);
	if (!uv_is_closing((uv_handle_t *)&q->uvt))
		uv_close((uv_handle_t *)&q->uvt, NULL);
	while (evq_pop(&q->q))
		;
	evq_destroy(&q->q);
}

int tmr_start_at(struct tmrq *q, struct tmr *t, rb_us due, tmr_h *h, void *arg)
{
	t->h = h;
	t->arg = arg;
	int e = evq_schedule(&q->q, &t->ev, due);
	if (e)
		return e;
	if (due < q->armed)
		arm(q);
	return 0;
}

int tmr_start(struct tmrq *q, struct tmr *t, rb_us delay, tmr_h *h, void *arg)
{
	return tmr_start_at(q, t, rb_now_mono_us() + (delay > 0 ? delay : 0), h, arg);
}

void tmr_stop(struct tmrq *q, struct tmr *t)
{
	evq_cancel(&q->q, &t->ev);
}
