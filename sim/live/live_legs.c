/*
 * live_legs: operator_legs.csv of a `ringbench live --sip-operators` run
 * (docs/results.md, "operator_legs.csv"): every INVITE the center under
 * test sent to an operator's phone, one row per leg.
 *
 * Why from the capture and not from secretaryd's CDRs or queue_log: the
 * capture is the one source every center under test has (Asterisk or a
 * cloud center writes no ringbench CDR), and the analyzer's dialog layer
 * already sees both legs: the caller's INVITE to the center and the
 * center's INVITE to each phone. A leg is linked to its caller's call by
 * the X-RB-Call header of the caller's INVITE (live_caller.xml), which the
 * center passes on with the caller's other X- headers (secretaryd does; an
 * Asterisk dialplan copies it, docs/live.md). A leg without it is not ours
 * and is left out (it is still in capture/calls.csv, as a call of its own).
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resdir.h"

static rb_us to_scn(rb_us t_cap, const struct live_sources *src)
{
	return t_cap == RB_T_NONE ? RB_T_NONE
				  : rb_wall_to_scenario(src->cap_t0 + t_cap, src->t0, src->F);
}

/*
 * A CANCEL of the center's: "cancelled" when the caller was gone (its own
 * CANCEL at or before this one) or answered already by another leg (a
 * member rung on several phones), else "no-answer" (the center's ring
 * timeout, or a phone that unregistered: RINGNOANSWER).
 */
static const char *cancel_result(const struct live_leg *l, const struct callrec *caller)
{
	if (caller && caller->t_cancel != RB_T_NONE && caller->t_cancel <= l->t_cancel)
		return "cancelled";
	if (caller && caller->t_answer != RB_T_NONE && caller->t_answer <= l->t_cancel)
		return "cancelled";
	return "no-answer";
}

static const char *leg_result(const struct live_leg *l, const struct callrec *caller)
{
	if (l->t_answer != RB_T_NONE)
		return "answered";
	if (l->t_cancel != RB_T_NONE)
		return cancel_result(l, caller);
	if (l->final_status >= 300)
		return "failed";
	return "incomplete";
}

static int by_invite(const void *a, const void *b)
{
	const struct live_leg *x = a, *y = b;
	if (x->t_invite != y->t_invite)
		return x->t_invite < y->t_invite ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The caller's call of leg l when it is ours and on the wire, or NULL. */
static const struct live_call *caller_of(const struct rep *r, const struct live_leg *l)
{
	if (l->seq < 1 || l->seq > r->sc.n)
		return NULL;
	const struct live_call *c = &r->calls[l->seq - 1];
	return c->sc->seq == l->seq && c->found ? c : NULL;
}

int live_legs_collect(struct rep *r, const struct live_wire *legs, size_t n,
		      const struct live_sources *src)
{
	free(r->legs);
	r->legs = NULL;
	r->n_legs = 0;
	if (!n)
		return 0;
	if (!(r->legs = calloc(n, sizeof(*r->legs))))
		return ENOMEM;
	for (size_t k = 0; k < n; k++) {
		const struct callrec *w = &legs[k].rec;
		struct live_leg *l = &r->legs[r->n_legs++];
		l->seq = legs[k].seq;
		snprintf(l->leg_call_id, sizeof(l->leg_call_id), "%s", callrec_call_id(w));
		snprintf(l->op, sizeof(l->op), "%s", w->ruri_user);
		l->t_invite = to_scn(w->t_invite, src);
		l->t_ringing = to_scn(w->t_ringing, src);
		l->t_answer = to_scn(w->t_answer, src);
		l->t_cancel = to_scn(w->t_cancel, src);
		l->t_final = to_scn(w->t_final, src);
		l->final_status = w->final_status;
		const struct live_call *c = caller_of(r, l);
		l->result = leg_result(l, c ? &c->rec : NULL);
	}
	qsort(r->legs, r->n_legs, sizeof(*r->legs), by_invite);
	return 0;
}

static void fmt_t(char *buf, size_t n, rb_us t)
{
	if (t == RB_T_NONE)
		buf[0] = '\0';
	else
		snprintf(buf, n, "%.6f", rb_us_to_s(t));
}

/* The ring time: INVITE to the 200, the CANCEL or the final answer. */
static rb_us ring_end(const struct live_leg *l)
{
	if (l->t_answer != RB_T_NONE)
		return l->t_answer;
	return l->t_cancel != RB_T_NONE ? l->t_cancel : l->t_final;
}

static const char *const COLS[] = {"call",     "caller_call_id", "leg_call_id", "operator",
				   "t_invite", "t_ringing",	 "t_answer",	"t_cancel",
				   "final_status", "ring_s",	 "result"};
#define NCOL (sizeof(COLS) / sizeof(COLS[0]))

static int write_row(struct resdir_table *t, const struct rep *r, const struct live_leg *l)
{
	char key[48], ti[32], tr[32], ta[32], tc[32], st[16] = "", ring[32] = "";
	snprintf(key, sizeof(key), "rbl%d-%llu", r->idx, (unsigned long long)l->seq);
	const struct live_call *c = caller_of(r, l);
	const char *caller_cid = c ? callrec_call_id(&c->rec) : "";
	fmt_t(ti, sizeof(ti), l->t_invite);
	fmt_t(tr, sizeof(tr), l->t_ringing);
	fmt_t(ta, sizeof(ta), l->t_answer);
	fmt_t(tc, sizeof(tc), l->t_cancel);
	if (l->final_status)
		snprintf(st, sizeof(st), "%d", l->final_status);
	rb_us end = ring_end(l);
	if (end != RB_T_NONE && l->t_invite != RB_T_NONE)
		fmt_t(ring, sizeof(ring), end - l->t_invite);
	const char *cells[NCOL] = {key, caller_cid, l->leg_call_id, l->op, ti, tr, ta, tc, st,
				   ring, l->result};
	return resdir_table_row(t, cells);
}

int live_legs_write(struct resdir *d, const struct rep *r)
{
	struct resdir_table *t;
	int e = resdir_table_open(d, "operator_legs.csv", COLS, NCOL, &t);
	if (e)
		return e;
	for (size_t i = 0; i < r->n_legs && !e; i++)
		e = write_row(t, r, &r->legs[i]);
	int ce = resdir_table_close(t);
	return e ? e : ce;
}
