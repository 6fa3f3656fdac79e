/*
 * live_redial: redials of callers abandoned at the center, found during the
 * run. The capture's dialog layer reports each CANCEL of ours
 * (live_cap_take_cancels); the redial is drawn then (schedule_redial, counted
 * from the caller's patience deadline, as in the model), and queued until
 * one more SIPp places every redial due soon (DIR/sipp/redial-K/).
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Redials found during the run: their SIPp starts this long (wall µs)
 * before the first one's instant, and takes every redial due up to
 * REDIAL_BATCH_US later with it. */
#define REDIAL_LEAD_US 1000000
#define REDIAL_BATCH_US 3000000

/* Queues redial j (an index into sc.calls) for its SIPp. Returns 0 or ENOMEM. */
static int queue(struct rep *r, size_t j)
{
	if (r->n_pend == r->cap_pend) {
		size_t nc = r->cap_pend ? 2 * r->cap_pend : 32;
		size_t *q = realloc(r->pend, nc * sizeof(*q));
		if (!q)
			return ENOMEM;
		r->pend = q;
		r->cap_pend = nc;
	}
	r->pend[r->n_pend++] = j;
	return 0;
}

/* The calls grew with redials from old_n on: their records, the wire ones queued. */
static int grow(struct rep *r, size_t old_n)
{
	struct live_call *lc = realloc(r->calls, r->sc.n * sizeof(*lc));
	if (!lc)
		return ENOMEM;
	r->calls = lc;
	r->n_calls = r->sc.n;
	memset(lc + old_n, 0, (r->sc.n - old_n) * sizeof(*lc));
	for (size_t j = 0; j < r->sc.n; j++)
		lc[j].sc = &r->sc.calls[j]; /* schedule_redial may have moved them */
	for (size_t j = old_n; j < r->sc.n; j++)
		if (!r->sc.calls[j].before_forward && queue(r, j))
			return ENOMEM;
	return 0;
}

int live_take_cancels(struct rep *r)
{
	uint64_t *v;
	size_t n;
	int err = live_cap_take_cancels(r->cap, &v, &n);
	for (size_t k = 0; k < n && !err; k++) {
		if (v[k] < 1 || v[k] > r->sc.n)
			continue;
		size_t i = (size_t)(v[k] - 1);
		const struct sched_call *c = &r->sc.calls[i];
		if (c->before_forward || c->redial_drawn || c->patience == INT64_MAX)
			continue;
		/* Hung up at its patience's end, as in the model (the CANCEL left
		 * then, give or take the flow's 50 ms check). */
		size_t old_n = r->sc.n, added = 0;
		if ((err = schedule_redial(&r->sc, i, c->t_dial + c->patience, &added)) || !added)
			continue;
		err = grow(r, old_n);
	}
	free(v);
	return err;
}

/* The wall instant (epoch µs) the INVITE of c is due. */
static rb_us wall_of(const struct rep *r, const struct sched_call *c)
{
	return r->t0 + (rb_us)llround((double)c->t_invite / r->o->speedup);
}

/* DIR/sipp/redial-<run>: the files of the run-th SIPp placing redials. */
void live_redial_dir(const struct rep *r, int run, char *buf, size_t n)
{
	snprintf(buf, n, "%s/sipp/redial-%d", r->dir, run);
}

/*
 * When the first queued redial is due within REDIAL_LEAD_US: one more SIPp
 * (same flow, a one-line-per-call injection file like the main one) for
 * every queued redial due up to REDIAL_BATCH_US after it, in
 * DIR/sipp/redial-K/. Returns 0, or errno with r->why set.
 */
int live_launch_redials(struct rep *r)
{
	if (!r->n_pend)
		return 0;
	rb_us now = rb_now_epoch_us(), first = INT64_MAX;
	for (size_t k = 0; k < r->n_pend; k++) {
		rb_us w = wall_of(r, &r->sc.calls[r->pend[k]]);
		if (w < first)
			first = w;
	}
	if (first > now + REDIAL_LEAD_US)
		return 0;
	const struct sched_call **b = malloc(r->n_pend * sizeof(*b));
	if (!b) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return ENOMEM;
	}
	size_t nb = 0, keep = 0;
	for (size_t k = 0; k < r->n_pend; k++) {
		const struct sched_call *c = &r->sc.calls[r->pend[k]];
		if (wall_of(r, c) <= first + REDIAL_BATCH_US)
			b[nb++] = c;
		else
			r->pend[keep++] = r->pend[k];
	}
	r->n_pend = keep;
	schedule_sort_wire(b, nb);
	int e = 0;
	char dir[PATH_MAX + 64], inj[PATH_MAX + 96];
	live_redial_dir(r, ++r->n_rd_runs, dir, sizeof(dir));
	snprintf(inj, sizeof(inj), "%s/injection.csv", dir);
	if (r->n_rd == r->cap_rd) {
		size_t nc = r->cap_rd ? 2 * r->cap_rd : 16;
		struct rd_proc *q = realloc(r->rd, nc * sizeof(*q));
		if (!q) {
			free(b);
			snprintf(r->why, sizeof(r->why), "out of memory");
			return ENOMEM;
		}
		r->rd = q;
		r->cap_rd = nc;
	}
	if (cli_mkdirs(dir)) {
		snprintf(r->why, sizeof(r->why), "cannot create %s", dir);
		e = EIO;
	} else if ((e = live_write_injection(r, b, nb, inj, !r->o->server))) {
		snprintf(r->why, sizeof(r->why), "cannot write %s: %s", inj, strerror(e));
	} else {
		double limit_s = rb_us_to_s(r->end_epoch - rb_now_epoch_us()) + 3600.0 / r->o->speedup + 120.0;
		pid_t pid;
		if (!(e = live_start_sipp(r, inj, nb, limit_s, dir, &pid))) {
			r->rd[r->n_rd++] = (struct rd_proc){pid, r->n_rd_runs};
		}
	}
	free(b);
	return e;
}
