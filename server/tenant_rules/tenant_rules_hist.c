/*
 * tenant_rules_hist: every tenant settings set with the instant it took
 * effect, so that a call uses the settings in force when it arrived
 * (tenant_rules.h, struct trules_hist).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tenant_rules.h"

int trules_hist_push(struct trules_hist *h, struct trule_set *ts, rb_us since)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4;
		struct trules_hist_ent *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	/* Instants only move forward: a clock stepped back keeps the order. */
	if (h->n && since < h->v[h->n - 1].since)
		since = h->v[h->n - 1].since;
	h->v[h->n].ts = ts;
	h->v[h->n].since = since;
	h->n++;
	return 0;
}

const struct trule_set *trules_hist_at(const struct trules_hist *h, rb_us epoch)
{
	if (!h->n)
		return NULL;
	/* The newest set that took effect at or before epoch: a call that
	 * arrived exactly at a change gets the new settings. */
	for (size_t i = h->n; i-- > 1;)
		if (h->v[i].since <= epoch)
			return h->v[i].ts;
	return h->v[0].ts;
}

const struct trule_set *trules_hist_current(const struct trules_hist *h)
{
	return h->n ? h->v[h->n - 1].ts : NULL;
}

void trules_hist_prune(struct trules_hist *h, rb_us before)
{
	/* Keep the set in force at `before` and every later one. */
	size_t keep = 0;
	for (size_t i = h->n; i-- > 1;)
		if (h->v[i].since <= before) {
			keep = i;
			break;
		}
	if (keep == 0)
		return;
	for (size_t i = 0; i < keep; i++)
		trules_set_free(h->v[i].ts);
	memmove(h->v, h->v + keep, (h->n - keep) * sizeof *h->v);
	h->n -= keep;
}

void trules_hist_free(struct trules_hist *h)
{
	for (size_t i = 0; i < h->n; i++)
		trules_set_free(h->v[i].ts);
	free(h->v);
	memset(h, 0, sizeof *h);
}
