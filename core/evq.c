/* evq: a 4-ary min-heap of embedded events; see evq.h. */
#include "evq.h"

#include <errno.h>
#include <stdlib.h>

#define ARITY 4

/* Moves slot s up from position i to its place. */
static void sift_up(struct evq *q, uint32_t i, struct evq_slot s)
{
	struct evq_slot *h = q->heap;
	while (i > 0) {
		uint32_t p = (i - 1) / ARITY;
		if (s.key >= h[p].key)
			break;
		h[i] = h[p];
		h[i].ev->idx = i;
		i = p;
	}
	h[i] = s;
	s.ev->idx = i;
}

/* Moves slot s down from position i to its place. */
static void sift_down(struct evq *q, uint32_t i, struct evq_slot s)
{
	struct evq_slot *h = q->heap;
	uint32_t n = q->n;
	for (;;) {
		uint32_t c = i * ARITY + 1;
		if (c + ARITY <= n) {
			/* Four children: the least of them without branches. */
			uint32_t a = h[c + 1].key < h[c].key ? c + 1 : c;
			uint32_t b = h[c + 3].key < h[c + 2].key ? c + 3 : c + 2;
			uint32_t best = h[b].key < h[a].key ? b : a;
			if (h[best].key >= s.key)
				break;
			h[i] = h[best];
			h[i].ev->idx = i;
			i = best;
			continue;
		}
		if (c >= n)
			break;
		uint32_t best = c;
		for (uint32_t k = c + 1; k < n; k++)
			if (h[k].key < h[best].key)
				best = k;
		if (h[best].key >= s.key)
			break;
		h[i] = h[best];
		h[i].ev->idx = i;
		i = best;
	}
	h[i] = s;
	s.ev->idx = i;
}

int evq_init(struct evq *q, uint32_t cap_hint)
{
	q->n = 0;
	q->seq = 0;
	q->cap = cap_hint ? cap_hint : 64;
	q->heap = malloc((size_t)q->cap * sizeof(*q->heap));
	return q->heap ? 0 : ENOMEM;
}

void evq_destroy(struct evq *q)
{
	free(q->heap);
	q->heap = NULL;
	q->n = q->cap = 0;
}

/* Removes the slot at i, filling the hole with the last slot. */
static void remove_at(struct evq *q, uint32_t i)
{
	struct evq_ev *ev = q->heap[i].ev;
	ev->idx = EVQ_NONE;
	uint32_t last = --q->n;
	if (i == last)
		return;
	struct evq_slot s = q->heap[last];
	if (i > 0 && s.key < q->heap[(i - 1) / ARITY].key)
		sift_up(q, i, s);
	else
		sift_down(q, i, s);
}

int evq_schedule(struct evq *q, struct evq_ev *ev, rb_us t)
{
	return evq_schedule_prio(q, ev, t, 0);
}

int evq_schedule_prio(struct evq *q, struct evq_ev *ev, rb_us t, unsigned prio)
{
	if (ev->idx != EVQ_NONE) {
		remove_at(q, ev->idx);
	} else if (q->n == q->cap) {
		if (q->cap > UINT32_MAX / 2)
			return ENOMEM;
		uint32_t cap = q->cap * 2;
		struct evq_slot *h = realloc(q->heap, (size_t)cap * sizeof(*h));
		if (!h)
			return ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	ev->t = t;
	/* 2^62 schedules would take centuries at today's rates. */
	struct evq_slot s = {evq_key_next(q, t, prio), ev};
	sift_up(q, q->n++, s);
	return 0;
}

void evq_remove(struct evq *q, struct evq_ev *ev)
{
	remove_at(q, ev->idx);
}

/*
 * Pop, Floyd's way: the last slot, which refills the root, nearly always
 * belongs near the bottom, so the hole at the root first moves down along
 * the least children all the way (no compare with the refill on the way),
 * and the refill then sifts up from there, usually not at all. Fewer
 * compares and fewer mispredicted early exits than a plain sift_down.
 */
struct evq_ev *evq_pop(struct evq *q)
{
	if (!q->n)
		return NULL;
	struct evq_slot *h = q->heap;
	struct evq_ev *ev = h[0].ev;
	ev->idx = EVQ_NONE;
	uint32_t n = --q->n;
	if (!n)
		return ev;
	struct evq_slot s = h[n];
	uint32_t i = 0;
	for (;;) {
		uint32_t c = i * ARITY + 1, best;
		if (c + ARITY <= n) {
			uint32_t a = h[c + 1].key < h[c].key ? c + 1 : c;
			uint32_t b = h[c + 3].key < h[c + 2].key ? c + 3 : c + 2;
			best = h[b].key < h[a].key ? b : a;
		} else if (c < n) {
			best = c;
			for (uint32_t k = c + 1; k < n; k++)
				if (h[k].key < h[best].key)
					best = k;
		} else {
			break;
		}
		h[i] = h[best];
		h[i].ev->idx = i;
		i = best;
	}
	sift_up(q, i, s);
	return ev;
}
