/*
 * summary_query: reading a finished summary's judged targets, and rebuilding
 * the counters of a replication in another summary, for code that decides
 * how many replications to run (sim/model/model_seq.c: a summary of the first n
 * replications is rebuilt from their counters, without simulating them
 * again, and judged exactly as a run of n replications would be).
 *
 * Only reads and copies: how intervals are computed stays in
 * summary_finish.c.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "summary_int.h"

size_t summary_target_count(const struct summary *s)
{
	return s && s->finished ? s->n_tres : 0;
}

int summary_target_ci(const struct summary *s, size_t i, double *measured, double *lo, double *hi)
{
	if (!s || !s->finished || i >= s->n_tres)
		return EINVAL;
	const struct sum_target *tr = &s->tres[i];
	if (measured)
		*measured = tr->measured;
	if (lo)
		*lo = tr->ci.valid ? tr->ci.lo : NAN;
	if (hi)
		*hi = tr->ci.valid ? tr->ci.hi : NAN;
	return 0;
}

enum rb_judgement summary_target_judgement(const struct summary *s, size_t i)
{
	if (!s || !s->finished || i >= s->n_tres)
		return JUDGE_INCONCLUSIVE;
	return s->tres[i].judged;
}

int summary_rep_import(struct summary *dst, int r, const struct summary *src, int src_r)
{
	if (!dst || !src || dst->finished || src_r < 0 || src_r >= src->n_reps ||
	    dst->L.n_groups != src->L.n_groups || dst->batch_mode || src->batch_mode)
		return EINVAL;
	const struct summary_rep *sh = &src->reps[src_r];
	if (!sh->done || !sh->cells || sh->n_xten)
		return EINVAL;
	struct summary_rep *h = summary_rep(dst, r);
	if (!h)
		return r < 0 || r >= dst->n_reps ? EINVAL : ENOMEM;
	if (h->done)
		return EINVAL;
	size_t ng = (size_t)dst->L.n_groups;
	memcpy(h->cells, sh->cells, ng * sizeof(*h->cells));
	memcpy(h->quant, sh->quant, ng * SUM_NQ * sizeof(*h->quant));
	h->ints_hi = sh->ints_hi;
	/* done as it stands: summary_finish must not fold (empty) histograms into it */
	sum_hists_free(h);
	free(h->pend); /* done: no call adds to it any more */
	h->pend = NULL;
	for (int i = 0; i < SUM_GSLOTS; i++)
		h->gs[i].pend = NULL;
	h->done = true;
	return 0;
}
