/*
 * center: a call's life at the answering center (docs/definitions.md, "A call's
 * path"): queue and dispatch through core/dispatch, pick-up, talk, the
 * operator's BYE, wrap-up, shifts, CDRs and the queue_log, draining. The SIP
 * side (transactions, retransmissions, building messages) is sip_tsx.c.
 *
 * Times: the dispatcher, the CDRs and the hooks see scenario time
 * (center_now: microseconds since t0, times the speed-up); timers run on the
 * wire, every drawn duration divided by the speed-up (center_wire).
 */
#define LOG_TAG "center"
#include "center_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#define CALL_OF(dcp) ((struct call *)((char *)(dcp) - offsetof(struct call, dc)))

void center_opts_default(struct center_opts *o)
{
	memset(o, 0, sizeof *o);
	o->speedup = 1.0;
	o->t0_epoch = RB_T_NONE;
	o->grace = 60 * RB_US_PER_S;
	o->cdr_flush_every = 200000;
	reg_opts_default(&o->reg);
}

rb_us center_now(const struct center *c)
{
	rb_us d = rb_now_mono_us() - c->mono_t0;
	return c->o.speedup == 1.0 ? d : (rb_us)((double)d * c->o.speedup);
}

rb_us center_wire(const struct center *c, rb_us scn_us)
{
	const rb_us cap = 86400 * RB_US_PER_S; /* "never" and absurd draws: a day */
	if (scn_us <= 0)
		return 0;
	double w = c->o.speedup == 1.0 ? (double)scn_us : (double)scn_us / c->o.speedup;
	return w > (double)cap ? cap : (rb_us)w;
}

static double secs(rb_us d)
{
	return d == RB_T_NONE ? 0 : rb_us_to_s(d);
}

/* ---- the ringing list (for snapshots) ---- */

static void ring_add(struct center *c, struct call *call)
{
	call->rprev = c->ring_tail;
	call->rnext = NULL;
	if (c->ring_tail)
		c->ring_tail->rnext = call;
	else
		c->ring_head = call;
	c->ring_tail = call;
	call->ringing = true;
	c->st.ringing++;
}

static void ring_remove(struct center *c, struct call *call)
{
	if (!call->ringing)
		return;
	if (call->rprev)
		call->rprev->rnext = call->rnext;
	else
		c->ring_head = call->rnext;
	if (call->rnext)
		call->rnext->rprev = call->rprev;
	else
		c->ring_tail = call->rprev;
	call->ringing = false;
	c->st.ringing--;
}

/* ---- staff ---- */

static struct staff_ext *staff_ext(struct center *c, struct dsp_staff *s)
{
	struct staff_ext *x = s->udata;
	if (!x) {
		x = calloc(1, sizeof *x);
		if (!x)
			abort(); /* a few dozen small records: out of memory is fatal */
		x->ctr = c;
		x->s = s;
		x->state = "idle";
		x->since = s->idle_since;
		tmr_init(&x->t_wrap);
		tmr_init(&x->t_ready);
		s->udata = x;
	}
	return x;
}

static void on_pickup_done(struct tmr *t, void *arg);
static void on_ring_timeout(struct tmr *t, void *arg);
static void on_talk_done(struct tmr *t, void *arg);
static void check_drained(struct center *c);

/*
 * Dispatch gave the call to s at now: s's phone rings. Answered after the
 * pick-up draw, unless the staff's phone settings (center.phone) say it
 * rings out: a pick-up over the ring timeout, or no answer at all with the
 * phone's no_answer probability (docs/definitions.md, "Ringing a phone").
 */
static void on_assign(struct dsp_call *dc, struct dsp_staff *s, rb_us now, void *arg)
{
	struct center *c = arg;
	struct call *call = CALL_OF(dc);
	struct staff_ext *x = staff_ext(c, s);
	const struct scn_center *sc = &c->scn->center;
	bool backup = s->kind == DSP_BACKUP;
	const struct scn_phone *ph = backup ? &sc->backup_phone : &sc->phone;
	x->call = call;
	x->state = "pickup";
	x->since = now;
	call->sx = x;
	tmr_stop(&c->tq, &call->t_join);
	bool *rung = backup ? &call->bk_rung : &call->op_rung;
	call->ring_first = !*rung; /* for X-Secretaryd-Ring (center_ops.c) */
	*rung = true;
	enum ops_ring_result sip = c->reg ? ops_ring(call, x) : OPS_SIMULATED;
	if (sip != OPS_SIMULATED) {
		/* A SIP phone: the operator answers or not. Rung for the ring
		 * timeout, else until the caller leaves; a member with no contact
		 * rings out after it (OPS_UNREACH_RING without one). */
		rb_us rt = scn_phone_on(ph) ? ph->ring_timeout
			   : sip == OPS_UNREACHABLE ? OPS_UNREACH_RING : 0;
		if (rt > 0)
			tmr_start(&c->tq, &call->t_ctr, center_wire(c, rt), on_ring_timeout, call);
		return;
	}
	rb_us p = backup ? rv_draw_us(&sc->backup_pickup, &c->rs_backup)
			 : rv_draw_us(&sc->pickup, &c->rs_pickup);
	if (scn_phone_on(ph) && (rv_uniform01(&c->rs_ring) < ph->no_answer || p > ph->ring_timeout)) {
		tmr_start(&c->tq, &call->t_ctr, center_wire(c, ph->ring_timeout), on_ring_timeout, call);
		return;
	}
	/* A timer even for a zero pick-up: dispatch forbids re-entering it here. */
	tmr_start(&c->tq, &call->t_ctr, center_wire(c, p), on_pickup_done, call);
}

static void on_ready(struct tmr *t, void *arg)
{
	struct staff_ext *x = arg;
	struct center *c = x->ctr;
	rb_us now = center_now(c);
	x->state = "idle";
	x->since = now;
	dsp_staff_ready(&c->dsp, x->s, now); /* may ring it at once: on_assign */
}

static void on_join_due(struct tmr *t, void *arg);

/*
 * The ring timeout: the phone rang out unanswered. queue_log RINGNOANSWER
 * (the ring time in milliseconds, as Asterisk writes it); dispatch puts the
 * call back at its place (maybe ringing someone else at once) and the
 * member is not ready for a while; the caller keeps hearing the center's
 * ringing throughout.
 */
static void on_ring_timeout(struct tmr *t, void *arg)
{
	struct call *call = arg;
	struct center *c = call->ctr;
	rb_us now = center_now(c);
	struct staff_ext *x = call->sx;
	char agent[32];
	ops_drop(call); /* its phones stop ringing: CANCEL */
	dsp_staff_name(x->s, agent, sizeof agent);
	qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, call->row->r.tenant, agent,
		   "RINGNOANSWER", "%lld", (long long)((now - x->since) / 1000));
	c->st.ring_no_answer++;
	call->row->no_answers++;
	call->sx = NULL;
	x->call = NULL;
	x->state = "idle";
	x->since = now;
	dsp_no_answer(&c->dsp, &call->dc, now);
	if (x->s->state == DSP_STAFF_NOT_READY) {
		x->state = "notready";
		tmr_start(&c->tq, &x->t_ready, center_wire(c, x->s->ready_at - now), on_ready, x);
	}
	/* Waiting again, younger than join age: backup's timer again. */
	rb_us due = call->dc.t_invite + c->dsp.join_age;
	if (call->dc.state == DSP_CALL_WAITING && c->dsp.join_age > 0 && now < due)
		tmr_start(&c->tq, &call->t_join, center_wire(c, due - now), on_join_due, call);
}

static void queue_cdr(struct center *c, struct call *call)
{
	struct cdr_row *row = call->row;
	callrec_derive(&row->r, c->scn->ring_period);
	int e = c->cdr ? cdr_add(c->cdr, row) : 0;
	if (e && c->cdr_lost++ == 0) /* counted by sqlq, said at exit */
		rb_log(LOG_ERR, "CDR of %s not kept: %s", row->r.call_id, strerror(e));
	if (c->o.hooks.call_ended)
		c->o.hooks.call_ended(row, c->o.hooks.arg);
}

/* The staff member picked up: the caller gets the 200 (with sdp, the
 * operator's, or the center's own); the CDR and queue_log say who and how
 * long the phone rang. */
void center_answer(struct call *call, const char *sdp, size_t sdp_len)
{
	struct center *c = call->ctr;
	rb_us now = center_now(c);
	struct staff_ext *x = call->sx;
	struct cdr_row *row = call->row;
	tmr_stop(&c->tq, &call->t_ctr);
	dsp_answered(&c->dsp, &call->dc, now);
	ring_remove(c, call);
	row->r.t_answer = now;
	row->r.t_final = now;
	row->r.final_status = 200;
	row->r.outcome = OUTCOME_ANSWERED;
	dsp_staff_name(x->s, row->r.answered_by, sizeof row->r.answered_by);
	memcpy(row->operator_, row->r.answered_by, sizeof row->operator_);
	c->st.answered++;
	tsx_send_answer(call, sdp, sdp_len);
	rb_us picked = x->since;
	x->state = "talking";
	x->since = now;
	row->r.screened = 0;
	row->operator_ring = now - picked;
	qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, row->r.tenant, row->operator_,
		   "CONNECT", "%.0f|%s|%.0f", secs(now - row->r.t_invite), row->operator_,
		   secs(now - picked));
}

static void on_pickup_done(struct tmr *t, void *arg)
{
	struct call *call = arg;
	struct center *c = call->ctr;
	center_answer(call, NULL, 0);
	/* Talk: the caller type's, or screened_talk for a screened sales call. */
	struct cdr_row *row = call->row;
	rb_us talk = 60 * RB_US_PER_S;
	if (call->type_idx >= 0) {
		const struct scn_ctype *ty = &c->scn->callers.types[call->type_idx];
		if (ty->screen_prob > 0 && rv_uniform01(&c->rs_screen) < ty->screen_prob) {
			row->r.screened = 1;
			talk = rv_draw_us(&ty->screened_talk, &c->rs_talk);
		} else {
			talk = rv_draw_us(&ty->talk, &c->rs_talk);
		}
	}
	call->talk = talk;
	tmr_start(&c->tq, &call->t_ctr, center_wire(c, talk), on_talk_done, call);
}

static void on_wrap_done(struct tmr *t, void *arg)
{
	struct staff_ext *x = arg;
	struct center *c = x->ctr;
	rb_us now = center_now(c);
	if (x->wrap_row) {
		if (c->o.hooks.staff_done)
			c->o.hooks.staff_done(x->wrap_row, x->s, c->o.hooks.arg);
		free(x->wrap_row);
		x->wrap_row = NULL;
	}
	x->state = "idle";
	x->since = now;
	dsp_staff_free(&c->dsp, x->s, now);
}

/* The answered call is over for the caller (either side hung up). */
static void call_end(struct call *call, const char *by)
{
	struct center *c = call->ctr;
	if (call->ended)
		return;
	ops_hangup(call); /* the operator's leg: BYE, unless the operator hung up */
	rb_us now = center_now(c);
	struct cdr_row *row = call->row;
	struct staff_ext *x = call->sx;
	tmr_stop(&c->tq, &call->t_ctr);
	row->r.t_end = now;
	row->r.duration = now - row->r.t_answer;
	snprintf(row->ended_by, sizeof row->ended_by, "%s", by);
	rb_us wrap = rv_draw_us(&c->scn->center.wrapup, &c->rs_wrapup);
	row->t_free = now + wrap;
	queue_cdr(c, call);
	qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, row->r.tenant, row->operator_,
		   strcmp(by, "caller") ? "COMPLETEAGENT" : "COMPLETECALLER", "%.0f|%.0f|%d",
		   secs(row->r.t_answer - row->r.t_invite), secs(row->r.duration), call->origpos);
	call->ended = true;
	c->st.ended++;
	c->n_active--;
	if (x) {
		x->call = NULL;
		x->state = "wrapup";
		x->since = now;
		free(x->wrap_row);
		x->wrap_row = row;
		call->row = NULL;
		call->sx = NULL;
		tmr_start(&c->tq, &x->t_wrap, center_wire(c, wrap), on_wrap_done, x);
	}
	tsx_maybe_linger(call);
	check_drained(c);
}

static void on_talk_done(struct tmr *t, void *arg)
{
	struct call *call = arg;
	if (call->ended)
		return;
	tsx_send_bye(call);
	call_end(call, "center");
}

void center_no_ack(struct call *call)
{
	rb_log(LOG_WARNING, "%s: no ACK for the 200 OK (Timer H): hanging up", call->call_id);
	if (call->ended)
		return;
	tsx_send_bye(call);
	call_end(call, "center");
}

void center_caller_bye(struct call *call)
{
	call_end(call, "caller");
}

void center_operator_bye(struct call *call)
{
	if (call->ended)
		return;
	tsx_send_bye(call);
	call_end(call, "center");
}

void center_ring_out_soon(struct call *call)
{
	/* from inside a leg's callback: dispatch is told from the timer */
	if (call->sx && !call->ended)
		tmr_start(&call->ctr->tq, &call->t_ctr, 0, on_ring_timeout, call);
}

static void on_join_due(struct tmr *t, void *arg)
{
	struct call *call = arg;
	dsp_join_due(&call->ctr->dsp, &call->dc, center_now(call->ctr));
}

void center_call_arrive(struct call *call)
{
	struct center *c = call->ctr;
	struct cdr_row *row = call->row;
	rb_us now = row->r.t_invite;
	const struct scn_tenant *tn = row->r.tenant_idx >= 0 ? &c->scn->tenants[row->r.tenant_idx] : NULL;
	int floor = tn ? tn->floor : 0;
	if (floor < 0 || floor >= c->dsp.n_floors)
		floor = 0;
	row->seq = (int64_t)++c->seq;
	c->st.invites++;
	c->n_active++;
	ring_add(c, call);
	dsp_call_init(&call->dc, floor);
	call->origpos = c->dsp.floors[floor].waiting + 1;
	qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, row->r.tenant, NULL, "ENTERQUEUE",
		   "|%s|%d", row->from_user, call->origpos);
	if (c->o.hooks.call_started)
		c->o.hooks.call_started(row, c->o.hooks.arg);
	dsp_arrive(&c->dsp, &call->dc, now);
	if (call->dc.state == DSP_CALL_WAITING && c->dsp.join_age > 0)
		tmr_start(&c->tq, &call->t_join, center_wire(c, c->dsp.join_age), on_join_due, call);
}

/* Takes a ringing call out of the center (caller CANCEL, or drain's 503). */
static void unqueue(struct center *c, struct call *call, rb_us now)
{
	struct staff_ext *x = call->sx;
	tmr_stop(&c->tq, &call->t_ctr);
	tmr_stop(&c->tq, &call->t_join);
	ring_remove(c, call);
	ops_drop(call); /* its operator's phones: CANCEL */
	if (x) { /* in pick-up: free at once, no wrap-up (dispatch may reassign) */
		char agent[32];
		dsp_staff_name(x->s, agent, sizeof agent);
		/* Asterisk's line for a ring the caller ended (ring time in ms). */
		qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, call->row->r.tenant, agent,
			   "RINGCANCELED", "%lld", (long long)((now - x->since) / 1000));
		x->call = NULL;
		x->state = "idle";
		x->since = now;
		call->sx = NULL;
	}
	dsp_cancel(&c->dsp, &call->dc, now);
}

void center_call_cancelled(struct call *call)
{
	struct center *c = call->ctr;
	if (call->ended || call->sst != CS_PROCEEDING)
		return; /* the 200 won */
	rb_us now = center_now(c);
	struct cdr_row *row = call->row;
	unqueue(c, call, now);
	row->r.t_cancel = now;
	row->r.t_final = now;
	row->r.final_status = 487;
	row->r.outcome = OUTCOME_ABANDONED;
	snprintf(row->ended_by, sizeof row->ended_by, "caller");
	tsx_send_final(call, 487);
	queue_cdr(c, call);
	qlog_event(c->qlog, rb_now_epoch_us(), call->call_id, row->r.tenant, NULL, "ABANDON",
		   "%d|%d|%.0f", call->origpos, call->origpos, secs(now - row->r.t_invite));
	free(call->row);
	call->row = NULL;
	call->ended = true;
	c->st.abandoned++;
	c->n_active--;
	tsx_maybe_linger(call);
	check_drained(c);
}

/* Drain's end: a ringing call gets 503 and counts as rejected. */
static void reject_ringing(struct call *call, int status)
{
	struct center *c = call->ctr;
	rb_us now = center_now(c);
	struct cdr_row *row = call->row;
	unqueue(c, call, now);
	row->r.t_final = now;
	row->r.final_status = status;
	row->r.outcome = OUTCOME_REJECTED;
	tsx_send_final(call, status);
	queue_cdr(c, call);
	free(call->row);
	call->row = NULL;
	call->ended = true;
	c->st.rejected++;
	c->n_active--;
	tsx_maybe_linger(call);
}

void center_call_reject(struct call *call, int status)
{
	struct center *c = call->ctr;
	struct cdr_row *row = call->row;
	row->seq = (int64_t)++c->seq;
	row->r.t_final = row->r.t_invite;
	row->r.t_ringing = RB_T_NONE;
	row->r.final_status = status;
	row->r.outcome = OUTCOME_REJECTED;
	c->st.invites++;
	c->st.rejected++;
	tsx_send_final(call, status);
	queue_cdr(c, call);
	free(call->row);
	call->row = NULL;
	call->ended = true;
	tsx_maybe_linger(call);
}

/* ---- shifts ---- */

static void apply_phase(struct center *c, const struct scn_phase *p, rb_us now)
{
	const struct scn_center *sc = &c->scn->center;
	int n = c->dsp.n_floors;
	int *fo = NULL, buf[64];
	if (p->floor_ops) {
		fo = p->floor_ops;
	} else if (p->operators >= 0 && n <= 64) {
		/* A pooled total over floors: split like the center's own floors. */
		int left = p->operators;
		for (int f = 0; f < n; f++) {
			buf[f] = sc->operators > 0 ? (int)((long)p->operators * sc->floor_ops[f] / sc->operators)
						   : p->operators / n;
			left -= buf[f];
		}
		for (int f = 0; left > 0; f = (f + 1) % n, left--)
			buf[f]++;
		fo = buf;
	}
	if (!fo && p->backup < 0)
		return;
	if (dsp_set_staffing(&c->dsp, fo, p->backup, now))
		rb_log(LOG_ERR, "phase %s: the staffing could not be changed fully", p->name);
	rb_log(LOG_NOTICE, "phase %s: %d operators, %d backup on shift", p->name,
	       c->dsp.counts.ops_staffed, c->dsp.counts.backup_staffed);
}

static void on_shift(struct tmr *t, void *arg)
{
	struct center *c = arg;
	rb_us now = center_now(c);
	const struct scenario *s = c->scn;
	while (c->next_phase < s->n_phases && s->phases[c->next_phase].start <= now)
		apply_phase(c, &s->phases[c->next_phase++], now);
	if (c->next_phase < s->n_phases)
		tmr_start(&c->tq, &c->t_shift,
			  center_wire(c, s->phases[c->next_phase].start - now), on_shift, c);
}

static void on_flush(struct tmr *t, void *arg)
{
	struct center *c = arg;
	qlog_flush(c->qlog);
	tmr_start(&c->tq, &c->t_flush, c->o.cdr_flush_every, on_flush, c);
}

/* ---- life cycle ---- */

/* cdr.sqlite and queue_log in the data directory, and the fallback folder
 * (created now, while there may still be room for a folder). 0 or errno. */
static int open_files(struct center *c, const struct center_opts *o, char *err, size_t errlen)
{
	int e = 0;
	if (o->data_dir) {
		char path[4096];
		if ((e = cli_mkdirs(o->data_dir))) {
			snprintf(err, errlen, "%s: %s", o->data_dir, strerror(e));
			return e;
		}
		snprintf(path, sizeof path, "%s/cdr.sqlite", o->data_dir);
		if ((e = cdr_open(&c->cdr, path, o->cdr_flush_every, err, errlen)))
			return e;
		snprintf(path, sizeof path, "%s/queue_log", o->data_dir);
		if ((e = qlog_open(&c->qlog, path))) {
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			return e;
		}
	}
	c->o.data_dir = NULL; /* used above only: the caller's string is not kept */
	if (o->fallback_dir && (e = cli_mkdirs(o->fallback_dir))) {
		snprintf(err, errlen, "--fallback-dir %s: %s", o->fallback_dir, strerror(e));
		return e;
	}
	if (o->fallback_dir && !(c->fallback_dir = strdup(o->fallback_dir))) {
		e = ENOMEM;
		return e;
	}
	c->o.fallback_dir = NULL;
	return 0;
}

/* ---- operators as SIP users ---- */

/* Whether staff member s can be rung: a SIP user of the operators file
 * with a contact (a registered one or a static one), or not a SIP user at
 * all (the center simulates its pick-up). dsp_reach_h for new members. */
static bool staff_reach(const struct dsp_staff *s, void *arg)
{
	struct center *c = arg;
	char name[32];
	dsp_staff_name(s, name, sizeof name);
	const struct op_cred *op = c->reg ? registrar_staff(c->reg, name) : NULL;
	return !op || registrar_contacts(c->reg, op, NULL, 0) > 0;
}

/*
 * Dispatch follows the registrar (docs/definitions.md, "Ringing a phone"):
 * a member whose last contact lapsed or was unregistered is away, never
 * rung, and a (re-)REGISTER makes it idle again (it takes the oldest
 * waiting call at once). A member being rung when one of its contacts goes
 * has that contact's leg CANCELled (ops_prune): if no leg is left ringing,
 * its phone rang out now, a ring with no answer, and the call goes back to
 * its place in the queue.
 */
static void sync_reach(struct center *c)
{
	rb_us now = center_now(c);
	for (size_t i = 0; i < c->dsp.n_staff; i++) {
		struct dsp_staff *s = c->dsp.staff[i];
		dsp_staff_reachable(&c->dsp, s, staff_reach(s, c), now); /* may ring it */
		struct staff_ext *x = s->udata;
		if (x && x->call && s->state == DSP_STAFF_PICKUP)
			ops_prune(x->call);
	}
}

static void on_reach_timer(struct tmr *t, void *arg)
{
	(void)t;
	sync_reach(arg);
}

/* A staff member's phones changed: dispatch is told from a timer (the
 * registrar is in the middle of a REGISTER or an expiry: not the moment
 * to ring anyone). */
static void on_reg_changed(const struct op_cred *op, const struct reg_binding *b, enum reg_event ev,
			   size_t n_now, void *arg)
{
	struct center *c = arg;
	if (ev == REG_BOUND && n_now == 1)
		rb_log(LOG_NOTICE, "%s (%s) reachable: %s", op->staff, op->user, b->uri);
	else if ((ev == REG_UNBOUND || ev == REG_EXPIRED) && n_now == 0)
		rb_log(LOG_NOTICE, "%s (%s) unreachable: its last contact %s", op->staff, op->user,
		       ev == REG_EXPIRED ? "expired" : "unregistered");
	if (ev != REG_REFRESHED)
		tmr_start(&c->tq, &c->t_reach, 0, on_reach_timer, c);
}

static void on_reg_timer(struct tmr *t, void *arg)
{
	center_reg_rearm(arg);
}

void center_reg_rearm(struct center *c)
{
	rb_us next = registrar_expire(c->reg, rb_now_mono_us());
	if (next == INT64_MAX)
		tmr_stop(&c->tq, &c->t_reg);
	else
		tmr_start_at(&c->tq, &c->t_reg, next, on_reg_timer, c);
}

static int start_registrar(struct center *c, char *err, size_t errlen)
{
	if (!c->o.operators)
		return 0;
	struct reg_hooks h = {on_reg_changed, c};
	int e = registrar_new(&c->reg, c->o.operators, &c->o.reg, &h);
	if (e)
		snprintf(err, errlen, "the registrar: %s", e == EINVAL ? "invalid expiry bounds"
								     : strerror(e));
	c->st.sip_operators = e == 0;
	if (e)
		return e;
	/* At start-up, a member with no static contact and not registered yet
	 * is away; members that come on later are asked as they are created. */
	dsp_set_reach_h(&c->dsp, staff_reach);
	rb_us now = center_now(c);
	for (size_t i = 0; i < c->dsp.n_staff; i++)
		dsp_staff_reachable(&c->dsp, c->dsp.staff[i], staff_reach(c->dsp.staff[i], c), now);
	return 0;
}

const struct registrar *center_registrar(const struct center *c)
{
	return c->reg;
}

int center_create(struct center **out, uv_loop_t *loop, const struct center_opts *o, char *err,
		  size_t errlen)
{
	int e = 0;
	struct center *c = calloc(1, sizeof *c);
	if (!c)
		return ENOMEM;
	c->loop = loop;
	c->o = *o;
	c->scn = o->scn;
	if (c->o.speedup <= 0)
		c->o.speedup = 1.0;
	rb_us epoch = rb_now_epoch_us(), mono = rb_now_mono_us();
	if (c->o.t0_epoch == RB_T_NONE)
		c->o.t0_epoch = epoch;
	c->mono_t0 = mono - (epoch - c->o.t0_epoch);
	c->inquiry_idx = -1;
	for (size_t i = 0; i < c->scn->callers.n_types; i++)
		if (!strcmp(c->scn->callers.types[i].name, "inquiry"))
			c->inquiry_idx = (int)i;
	c->ht_size = 1024;
	c->ht = calloc(c->ht_size, sizeof *c->ht);
	if (!c->ht) {
		e = ENOMEM;
		goto out;
	}
	struct {
		struct rv_stream *s;
		enum rv_process p;
	} rs[] = {{&c->rs_pickup, RVP_PICKUP}, {&c->rs_backup, RVP_BACKUP}, {&c->rs_talk, RVP_TALK},
		  {&c->rs_screen, RVP_SCREENING}, {&c->rs_wrapup, RVP_WRAPUP},
		  {&c->rs_ring, RVP_RING}};
	for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
		if ((e = rv_stream_init(rs[i].s, o->seed, 0, rs[i].p)))
			goto out;
	if ((e = tmrq_init(&c->tq, loop)))
		goto out;
	c->tq_ok = true;
	tmr_init(&c->t_shift);
	tmr_init(&c->t_flush);
	tmr_init(&c->t_grace);
	tmr_init(&c->t_reg);
	tmr_init(&c->t_reach);
	if ((e = tsx_init(c)))
		goto out;
	if ((e = stp_init(&c->tp, loop, tsx_on_message, c)))
		goto out;
	c->tp_ok = true;
	const struct scn_center *sc = &c->scn->center;
	rb_us join_age = (rb_us)sc->join_after_rings * c->scn->ring_period;
	int one = sc->operators;
	if ((e = dsp_init(&c->dsp, sc->n_floors > 0 ? sc->n_floors : 1,
			  sc->n_floors > 0 && sc->floor_ops ? sc->floor_ops : &one, sc->backup, join_age,
			  on_assign, c, center_now(c)))) {
		snprintf(err, errlen, "the center's staffing is invalid");
		goto out;
	}
	c->dsp_ok = true;
	dsp_set_not_ready(&c->dsp, sc->phone.not_ready, sc->backup_phone.not_ready);
	if ((e = start_registrar(c, err, errlen)) || (e = open_files(c, o, err, errlen)))
		goto out;
	*out = c;
	return 0;
out:
	if (!err[0])
		snprintf(err, errlen, "%s", strerror(e));
	center_destroy(c);
	return e;
}

int center_listen(struct center *c, const char *spec, char *bound, size_t n)
{
	char a[96];
	int e = stp_listen(&c->tp, spec, a, sizeof a);
	if (!e)
		snprintf(bound, n, "udp=%s tcp=%s", a, a);
	return e;
}

int center_start(struct center *c)
{
	c->next_phase = 0;
	on_shift(&c->t_shift, c);
	tmr_start(&c->tq, &c->t_flush, c->o.cdr_flush_every, on_flush, c);
	return 0;
}

static void on_stop(struct tmr *t, void *arg)
{
	struct center *c = arg;
	c->stopping = true;
	stp_close(&c->tp);
	uv_stop(c->loop);
}

static void check_drained(struct center *c)
{
	if (c->draining && !c->stopping && c->n_active == 0) {
		rb_log(LOG_NOTICE, "drained: every call has ended");
		/* A moment for the last BYE's 200 and ACKs; then stop. */
		tmr_start(&c->tq, &c->t_grace, 200000, on_stop, c);
	}
}

static void on_grace(struct tmr *t, void *arg)
{
	struct center *c = arg;
	rb_log(LOG_WARNING, "drain: grace time over, ending %zu calls", c->n_active);
	for (size_t i = 0; i < c->ht_size; i++)
		for (struct call *call = c->ht[i]; call; call = call->hnext) {
			if (call->ended)
				continue;
			if (call->sst == CS_PROCEEDING) {
				reject_ringing(call, 503);
			} else {
				tsx_send_bye(call);
				call_end(call, "center");
			}
		}
	c->draining = true;
	if (c->n_active == 0)
		tmr_start(&c->tq, &c->t_grace, 200000, on_stop, c);
	else
		tmr_start(&c->tq, &c->t_grace, 0, on_stop, c);
}

void center_drain(struct center *c)
{
	if (c->draining) {
		if (!c->stopping)
			on_grace(&c->t_grace, c);
		return;
	}
	c->draining = true;
	c->st.draining = true;
	rb_log(LOG_NOTICE, "draining: %zu calls in progress, new calls refused", c->n_active);
	if (c->n_active == 0)
		check_drained(c);
	else
		tmr_start(&c->tq, &c->t_grace, c->o.grace, on_grace, c);
}

/* The CDRs and the queue_log; what cannot be written goes to the fallback
 * files (cdr.h, queue_log.h). Returns 0 or EIO. */
static int close_files(struct center *c)
{
	char p[4096], *path = NULL;
	int e = 0;
	if (c->refused_backlog)
		rb_log(LOG_ERR, "%llu new call(s) refused with 503 while %d or more CDRs waited for "
		       "the disk", (unsigned long long)c->refused_backlog, CENTER_BACKLOG_REFUSE);
	if (c->fallback_dir)
		snprintf(path = p, sizeof p, "%s/cdr-fallback.jsonl", c->fallback_dir);
	if (c->cdr && cdr_close(c->cdr, path))
		e = EIO;
	if (c->fallback_dir)
		snprintf(path = p, sizeof p, "%s/queue_log-fallback.jsonl", c->fallback_dir);
	if (qlog_close(c->qlog, path))
		e = EIO;
	free(c->fallback_dir);
	return e;
}

bool center_backlog_full(struct center *c)
{
	if (!c->cdr || cdr_backlog(c->cdr) < CENTER_BACKLOG_REFUSE)
		return false;
	c->refused_backlog++;
	return true;
}

int center_destroy(struct center *c)
{
	if (!c)
		return 0;
	int e = 0;
	if (c->tp_ok) {
		stp_close(&c->tp);
		uv_run(c->loop, UV_RUN_NOWAIT);
	}
	for (size_t i = 0; c->ht && i < c->ht_size; i++)
		while (c->ht[i])
			tsx_call_free(c->ht[i]);
	if (c->dsp_ok) {
		for (size_t i = 0; i < c->dsp.n_staff; i++) {
			struct staff_ext *x = c->dsp.staff[i]->udata;
			if (x) {
				tmr_stop(&c->tq, &x->t_wrap);
				tmr_stop(&c->tq, &x->t_ready);
				/* Stopping while an operator is still in wrap-up: the
				 * report is handed over now rather than lost. */
				if (x->wrap_row && c->o.hooks.staff_done)
					c->o.hooks.staff_done(x->wrap_row, x->s, c->o.hooks.arg);
				free(x->wrap_row);
				free(x);
			}
		}
		dsp_destroy(&c->dsp);
	}
	if (c->tq_ok && c->tq.fired) { /* a center that never ran has nothing to say */
		const uint64_t *h = c->tq.late_hist;
		rb_log(LOG_NOTICE, "timers: %llu fired; late <1 ms %llu, <2 %llu, <5 %llu, <10 %llu, "
		       "<20 %llu, <50 %llu, <100 %llu, more %llu; max %.1f ms",
		       (unsigned long long)c->tq.fired, (unsigned long long)h[0], (unsigned long long)h[1],
		       (unsigned long long)h[2], (unsigned long long)h[3], (unsigned long long)h[4],
		       (unsigned long long)h[5], (unsigned long long)h[6], (unsigned long long)h[7],
		       c->tq.max_late / 1000.0);
	}
	ops_fini(c); /* the operator legs still in flight (their timers first) */
	if (c->tq_ok) { /* and its timer queue goes whether it ran or not */
		tmr_stop(&c->tq, &c->t_reg);
		tmr_stop(&c->tq, &c->t_reach);
		tmrq_close(&c->tq);
	}
	registrar_free(c->reg);
	if (c->tp_ok) {
		uv_run(c->loop, UV_RUN_NOWAIT);
		stp_free(&c->tp);
	}
	if (close_files(c))
		e = EIO;
	rv_stream_free(&c->rs_pickup);
	rv_stream_free(&c->rs_backup);
	rv_stream_free(&c->rs_talk);
	rv_stream_free(&c->rs_screen);
	rv_stream_free(&c->rs_wrapup);
	rv_stream_free(&c->rs_ring);
	tsx_fini(c);
	free(c->ht);
	free(c);
	return e;
}

/* ---- snapshots ---- */

void center_get_stats(const struct center *c, struct center_stats *out)
{
	*out = c->st;
	out->calls_live = c->n_calls;
	out->dsp = c->dsp.counts;
	out->timer_late_max = c->tq.max_late;
	memcpy(out->timer_late_hist, c->tq.late_hist, sizeof out->timer_late_hist);
	out->cdr_committed = c->cdr ? cdr_committed(c->cdr) : 0;
	if (c->reg)
		registrar_counts(c->reg, &out->reg);
	out->op_legs = c->n_legs;
}

void center_foreach_staff(const struct center *c, center_staff_cb *cb, void *arg)
{
	for (size_t i = 0; i < c->dsp.n_staff; i++) {
		const struct dsp_staff *s = c->dsp.staff[i];
		const struct staff_ext *x = s->udata;
		if (s->state == DSP_STAFF_OFF)
			continue;
		if (s->state == DSP_STAFF_AWAY) /* its phone unreachable (dsp_staff_reachable) */
			cb(s, "away", s->idle_since, arg);
		else if (x)
			cb(s, s->state == DSP_STAFF_IDLE ? "idle" : x->state, x->since, arg);
		else
			cb(s, "idle", s->idle_since, arg);
	}
}

void center_foreach_ringing(const struct center *c, center_ringing_cb *cb, void *arg)
{
	for (const struct call *call = c->ring_head; call; call = call->rnext)
		cb(call->row ? call->row->r.tenant : "", call->call_id,
		   call->row ? call->row->r.t_invite : RB_T_NONE, arg);
}
