/*
 * center_ops: secretaryd's operators on SIP phones (issue 15), the center's
 * side of its signalling-only B2BUA. When dispatch gives a call to a staff
 * member named in the operators file, the center rings every contact of
 * theirs (registered or static) with one operator leg each (opleg.h); the
 * first 200 wins and the others are CANCELled (opleg ACKs and BYEs one whose
 * 200 crosses the CANCEL). What the caller sees does not change: it keeps
 * hearing the center's 180 (no 1xx of the operator's is relayed), and is
 * answered with the operator's SDP only when the operator answers.
 *
 * Who decides what:
 *   - the ring timeout is the center's (center.phone, center.c's t_ctr):
 *     the legs are CANCELled (ops_drop) and dispatch puts the call back at
 *     its place (dsp_no_answer); the legs themselves have no ring timeout;
 *   - a leg that fails (a 4xx-6xx, Timer B) is out; when every leg of the
 *     call has failed the phone rang out at once (center_ring_out_soon);
 *   - the caller's CANCEL (or the drain) CANCELs the legs; the caller's BYE
 *     or the center's ends the winner with a BYE; the operator's BYE ends
 *     the caller's call with the center's BYE (COMPLETEAGENT);
 *   - a delayed offer (the caller's INVITE had no SDP): the operator's 200
 *     holds the offer, the caller gets it in the center's 200, and the
 *     caller's ACK's SDP goes to the operator in the leg's ACK;
 *   - during the talk, re-INVITEs and UPDATEs go across both ways (hold,
 *     resume, session refreshes): the leg's side is opleg_dlg.c, the
 *     caller's sip_reinv.c, and the ops_caller_* / cb_offer, cb_answer,
 *     cb_acked below join them; glare on either side gets 491.
 * The leg's INVITE says which ring of the call it is (X-Secretaryd-Ring:
 * 3;first=0, first: the call's first ring of an operator, or of a backup
 * member; backup: a backup member's phone). The caller's X- headers are
 * passed on in it (bounded), so
 * a phone or an agent (ringbench's operators read X-RB-Pickup-Ms and
 * X-RB-Talk-Ms) knows the call. Legs outlive their call when they must
 * (a CANCEL or BYE in flight): they are kept by Call-ID in the center's
 * table and freed once idle.
 *
 * Where a phone is reached: a contact registered over UDP at the REGISTER's
 * source address, one registered over TCP on the phone's own connection
 * (as a phone behind NAT needs; gone, the contact is skipped with a log
 * line); a static contact at its URI's host and port (numeric), over UDP
 * only: the center opens no connections.
 */
#define LOG_TAG "ops"
#include "center_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "opleg.h"

struct opring {
	struct center *ctr;
	struct call *call;       /* NULL once the call is done with the leg */
	struct opleg *l;
	struct stp_peer peer;    /* the contact's address, over UDP */
	struct tmr t;
	struct opring *hnext;    /* the center's table by Call-ID */
	uint32_t hash;
	bool failed;             /* a final non-2xx or Timer B: out of the race */
	char call_id[96];
	char contact[OPF_URI_MAX]; /* the binding it rings (ops_prune) */
};

static uint32_t hash_str(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* ---- the table of legs ---- */

static int lht_insert(struct center *c, struct opring *r)
{
	if (c->n_legs >= c->lht_size) {
		size_t ns = c->lht_size ? c->lht_size * 2 : 256;
		struct opring **nt = calloc(ns, sizeof *nt);
		if (!nt)
			return ENOMEM;
		for (size_t i = 0; i < c->lht_size; i++)
			for (struct opring *x = c->lht[i], *nx; x; x = nx) {
				nx = x->hnext;
				x->hnext = nt[x->hash & (ns - 1)];
				nt[x->hash & (ns - 1)] = x;
			}
		free(c->lht);
		c->lht = nt;
		c->lht_size = ns;
	}
	struct opring **b = &c->lht[r->hash & (c->lht_size - 1)];
	r->hnext = *b;
	*b = r;
	c->n_legs++;
	return 0;
}

static void lht_remove(struct center *c, struct opring *r)
{
	for (struct opring **p = &c->lht[r->hash & (c->lht_size - 1)]; *p; p = &(*p)->hnext)
		if (*p == r) {
			*p = r->hnext;
			c->n_legs--;
			return;
		}
}

static struct opring *lht_find(struct center *c, struct sip_span id)
{
	if (!c->lht_size)
		return NULL;
	uint32_t h = hash_str(id.p, id.len);
	for (struct opring *x = c->lht[h & (c->lht_size - 1)]; x; x = x->hnext)
		if (x->hash == h && strlen(x->call_id) == id.len && !memcmp(x->call_id, id.p, id.len))
			return x;
	return NULL;
}

/* The leg leaves its call's list (the call keeps going without it). */
static void unlink_call(struct opring *r)
{
	struct call *call = r->call;
	if (!call)
		return;
	for (int i = 0; i < call->n_legs; i++)
		if (call->legs[i] == r) {
			call->legs[i] = call->legs[--call->n_legs];
			break;
		}
	if (call->won == r)
		call->won = NULL;
	r->call = NULL;
}

static void leg_free(struct opring *r)
{
	struct center *c = r->ctr;
	unlink_call(r);
	lht_remove(c, r);
	tmr_stop(&c->tq, &r->t);
	opleg_free(r->l);
	stp_peer_unref(&r->peer);
	free(r);
}

/* After each event of a leg's: freed once nothing of it is in flight. */
static void leg_check(struct opring *r)
{
	if (r->l && opleg_idle(r->l))
		leg_free(r);
}

/* ---- opleg's environment and callbacks ---- */

static int env_send(const char *dest, const char *buf, size_t len, void *arg)
{
	struct opring *r = arg;
	(void)dest;
	return stp_send(&r->ctr->tp, &r->peer, buf, len);
}

static void on_leg_timer(struct tmr *t, void *arg)
{
	struct opring *r = arg;
	opleg_on_timer(r->l, rb_now_mono_us());
	leg_check(r);
}

static void env_arm(struct opleg *l, rb_us due, void *arg)
{
	struct opring *r = arg;
	(void)l;
	if (due == INT64_MAX)
		tmr_stop(&r->ctr->tq, &r->t);
	else
		tmr_start_at(&r->ctr->tq, &r->t, due, on_leg_timer, r);
}

static void cancel_others(struct call *call, struct opring *won)
{
	rb_us now = rb_now_mono_us();
	for (int i = call->n_legs - 1; i >= 0; i--) {
		struct opring *r = call->legs[i];
		if (r == won)
			continue;
		opleg_cancel(r->l, now); /* a 200 crossing it: ACK and BYE (opleg) */
		unlink_call(r);
	}
}

static void cb_answered(struct opleg *l, struct sip_span sdp, void *arg)
{
	struct opring *r = arg;
	struct call *call = r->call;
	if (!call || call->won || call->ended || call->sst != CS_PROCEEDING || !call->sx) {
		/* no one to give it to (cannot happen while the leg is linked): hang up */
		opleg_bye(l, rb_now_mono_us());
		unlink_call(r);
		return;
	}
	call->won = r;
	r->ctr->st.op_legs_answered++;
	if (call->row) /* the phone knows the call by this one (POST .../report) */
		snprintf(call->row->leg_call_id, sizeof call->row->leg_call_id, "%s", r->call_id);
	cancel_others(call, r);
	center_answer(call, sdp.len ? sdp.p : NULL, sdp.len);
}

static void cb_no_answer(struct opleg *l, void *arg)
{
	struct opring *r = arg;
	(void)l;
	r->failed = true; /* only with a leg ring timeout, which the center does not set */
}

static void cb_failed(struct opleg *l, int status, void *arg)
{
	struct opring *r = arg;
	struct call *call = r->call;
	r->failed = true;
	r->ctr->st.op_legs_failed++;
	if (!call)
		return;
	rb_log(LOG_INFO, "%s: the leg %s failed: %d", call->call_id, opleg_call_id(l), status);
	for (int i = 0; i < call->n_legs; i++)
		if (!call->legs[i]->failed)
			return;
	center_ring_out_soon(call); /* every phone of the member failed */
}

static void cb_ended(struct opleg *l, enum opleg_end why, void *arg)
{
	struct opring *r = arg;
	struct call *call = r->call;
	(void)l;
	if (!call || call->won != r)
		return;
	unlink_call(r);
	if (why == OPLEG_END_OPERATOR_BYE)
		center_operator_bye(call);
}

/* ---- the talk's re-INVITEs and UPDATEs ---- */

/* The phone's re-INVITE or UPDATE: to the caller, or 491 at once (the
 * caller's side has one in flight, or its first 200 is not ACKed yet). */
static void cb_offer(struct opleg *l, enum sip_method m, struct sip_span sdp, void *arg)
{
	struct opring *r = arg;
	struct call *call = r->call;
	int e = call && call->won == r && !call->ended ? reinv_send(call, m, sdp) : EALREADY;
	if (e)
		opleg_answer(l, e == EBUSY || e == EALREADY ? 491 : 500, NULL, 0, rb_now_mono_us());
}

/* The phone's final to the caller's request, relayed: the caller's answer. */
static void cb_answer(struct opleg *l, enum sip_method m, int status, struct sip_span sdp,
		      void *arg)
{
	struct opring *r = arg;
	struct call *call = r->call;
	int e = call && call->won == r ? reinv_answer(call, status, sdp) : EALREADY;
	if (e && m == SIP_INVITE && status < 300)
		opleg_ack(l, NULL, 0); /* the caller is gone: the 2xx is ACKed all the same */
}

/* The phone's ACK to the caller's 2xx, relayed: the center's ACK to the caller. */
static void cb_acked(struct opleg *l, struct sip_span sdp, void *arg)
{
	struct opring *r = arg;
	(void)l;
	if (r->call && r->call->won == r)
		reinv_ack(r->call, sdp);
}

bool ops_relaying(const struct call *call)
{
	return call->won != NULL;
}

int ops_caller_offer(struct call *call, enum sip_method m, struct sip_span sdp)
{
	if (!call->won)
		return EALREADY;
	return opleg_offer(call->won->l, m, sdp.len ? sdp.p : NULL, sdp.len, rb_now_mono_us());
}

int ops_caller_answer(struct call *call, int status, struct sip_span sdp)
{
	if (!call->won)
		return EALREADY;
	return opleg_answer(call->won->l, status, sdp.len ? sdp.p : NULL, sdp.len,
			    rb_now_mono_us());
}

int ops_caller_reack(struct call *call, struct sip_span sdp)
{
	if (!call->won)
		return EALREADY;
	return opleg_ack(call->won->l, sdp.len ? sdp.p : NULL, sdp.len);
}

/* ---- ringing ---- */

/*
 * Where a binding is reached: "a.b.c.d:port" into out and its transport,
 * or false. A registered contact is reached where its REGISTER came from:
 * over UDP at that address, over TCP on that same connection (start_leg);
 * a static one at its URI's host and port, over UDP only (the center opens
 * no connections).
 */
static bool contact_addr(const struct reg_binding *b, char *out, size_t n, enum stp_kind *kind)
{
	*kind = STP_UDP;
	if (!b->is_static) {
		bool tcp = !strncmp(b->source, "tcp ", 4);
		if (strncmp(b->source, "udp ", 4) && !tcp)
			return false;
		*kind = tcp ? STP_TCP : STP_UDP;
		snprintf(out, n, "%s", b->source + 4);
		return true;
	}
	struct sip_uri u;
	if (sipmsg_uri_parse(sip_span_cstr(b->uri), &u) || !u.host.len ||
	    (u.params.len && strstr(b->uri, "transport=tcp")))
		return false;
	int port = u.port > 0 ? u.port : 5060;
	bool v6 = memchr(u.host.p, ':', u.host.len) != NULL;
	snprintf(out, n, "%s%.*s%s:%d", v6 ? "[" : "", (int)u.host.len, u.host.p, v6 ? "]" : "",
		 port);
	return true;
}

/* X-Secretaryd-Ring (which ring of the call this is, and whether the
 * call's first of this kind of staff: what ringbench's operators pick
 * their pick-up by), then the caller's X- headers as lines (the leg's
 * INVITE passes them on). */
static void x_headers(const struct call *call, const struct sipmsg *inv, char *buf, size_t n)
{
	size_t k = (size_t)snprintf(buf, n, "X-Secretaryd-Ring: %d;first=%d;backup=%d\r\n",
				    call->dc.rings, call->ring_first,
				    call->sx && call->sx->s->kind == DSP_BACKUP);
	for (unsigned i = 0; inv && i < inv->nhdrs; i++) {
		const struct sip_hdr *h = &inv->hdrs[i];
		if (h->name.len < 3 || strncasecmp(h->name.p, "X-", 2) ||
		    (h->name.len >= 12 && !strncasecmp(h->name.p, "X-Secretaryd", 12)))
			continue;
		size_t need = h->name.len + h->value.len + 4;
		if (k + need >= n)
			break;
		k += (size_t)snprintf(buf + k, n - k, "%.*s: %.*s\r\n", (int)h->name.len, h->name.p,
				      (int)h->value.len, h->value.p);
	}
}

/* One leg to contact b; true when started. */
static bool start_leg(struct call *call, const struct reg_binding *b, struct opleg_params *p)
{
	struct center *c = call->ctr;
	char addr[96], dest[112], local[96];
	enum stp_kind kind;
	if (!contact_addr(b, addr, sizeof addr, &kind)) {
		rb_log(LOG_INFO, "%s: contact %s (%s) not reached: a static contact over UDP only",
		       call->call_id, b->uri, b->source);
		return false;
	}
	struct opring *r = calloc(1, sizeof *r);
	if (!r)
		return false;
	r->ctr = c;
	snprintf(r->contact, sizeof r->contact, "%s", b->uri);
	tmr_init(&r->t);
	int e = kind == STP_TCP ? stp_tcp_peer(&c->tp, addr, &r->peer)
				: stp_udp_peer(&c->tp, addr, &r->peer);
	if (e) {
		if (e == ENOTCONN)
			rb_log(LOG_INFO, "%s: contact %s not reached: its TCP connection (%s) is closed",
			       call->call_id, b->uri, b->source);
		free(r);
		return false;
	}
	snprintf(local, sizeof local, "%s:%d", stp_local_host(&r->peer), stp_local_port(&r->peer));
	snprintf(dest, sizeof dest, "%s %s", stp_kind_name(kind), addr);
	snprintf(r->call_id, sizeof r->call_id, "sdop%" PRIx64 "-%" PRIx64 "@%s", ++c->leg_seq,
		 (uint64_t)(c->o.t0_epoch & 0xffffff), stp_local_host(&r->peer));
	r->hash = hash_str(r->call_id, strlen(r->call_id));
	p->call_id = r->call_id;
	p->target = b->uri;
	p->dest = dest;
	p->local = local;
	struct opleg_env env = {env_send, env_arm, r};
	struct opleg_cbs cbs = {.answered = cb_answered, .no_answer = cb_no_answer,
				.failed = cb_failed, .ended = cb_ended, .arg = r,
				.offer = cb_offer, .answer = cb_answer, .acked = cb_acked};
	if (lht_insert(c, r)) {
		stp_peer_unref(&r->peer);
		free(r);
		return false;
	}
	e = opleg_start(&r->l, p, &env, &cbs, rb_now_mono_us());
	if (e) {
		rb_log(LOG_WARNING, "%s: cannot ring %s: %s", call->call_id, b->uri, strerror(e));
		lht_remove(c, r);
		tmr_stop(&c->tq, &r->t);
		stp_peer_unref(&r->peer);
		free(r);
		return false;
	}
	r->call = call;
	call->legs[call->n_legs++] = r;
	c->st.op_legs_rung++;
	return true;
}

enum ops_ring_result ops_ring(struct call *call, struct staff_ext *x)
{
	struct center *c = call->ctr;
	char staff[32];
	dsp_staff_name(x->s, staff, sizeof staff);
	const struct op_cred *op = registrar_staff(c->reg, staff);
	if (!op)
		return OPS_SIMULATED;
	const struct reg_binding *bs[REG_MAX_CONTACTS];
	size_t n = registrar_contacts(c->reg, op, bs, REG_MAX_CONTACTS);
	if (n > REG_MAX_CONTACTS)
		n = REG_MAX_CONTACTS;
	const struct sipmsg *inv = tsx_invite(call);
	const struct cdr_row *row = call->row;
	const struct scn_tenant *tn = row->r.tenant_idx >= 0 ? &c->scn->tenants[row->r.tenant_idx]
							     : NULL;
	static char xh[2048]; /* one thread: the loop's */
	x_headers(call, inv, xh, sizeof xh);
	struct opleg_params p = {
	    .display = tn && tn->name ? tn->name : row->r.tenant,
	    .caller_type = row->r.caller_type,
	    .forwarding = call_fwd_name(row->r.forwarding),
	    .caller = row->from_user[0] ? row->from_user : NULL,
	    .sdp = inv && inv->body.len ? inv->body.p : NULL,
	    .sdp_len = inv ? inv->body.len : 0,
	    .extra_hdrs = xh,
	};
	call->n_legs = 0;
	call->won = NULL;
	for (size_t i = 0; i < n; i++)
		start_leg(call, bs[i], &p);
	if (call->n_legs == 0) {
		rb_log(LOG_INFO, "%s: %s (%s) has no contact to ring", call->call_id, staff, op->user);
		return OPS_UNREACHABLE;
	}
	return OPS_RINGING;
}

void ops_drop(struct call *call)
{
	if (!call->n_legs)
		return;
	rb_us now = rb_now_mono_us();
	while (call->n_legs) {
		struct opring *r = call->legs[0];
		unlink_call(r);
		if (opleg_cancel(r->l, now) == EALREADY)
			opleg_bye(r->l, now); /* answered meanwhile: hang it up */
		leg_check(r);
	}
}

void ops_hangup(struct call *call)
{
	struct opring *r = call->won;
	if (!r) {
		ops_drop(call);
		return;
	}
	unlink_call(r);
	opleg_bye(r->l, rb_now_mono_us()); /* EALREADY: the operator hung up first */
	leg_check(r);
	ops_drop(call);
}

static bool still_bound(const char *uri, const struct reg_binding *const *bs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(bs[i]->uri, uri))
			return true;
	return false;
}

/*
 * An operator who unregisters while its phone rings (or whose contact
 * lapses): the leg to that contact is CANCELled at once rather than left to
 * ring to the ring timeout. The phone said it is gone; ringing it on would
 * only keep the caller from the next free operator (for up to
 * ring_timeout_s, or until the caller gives up with no ring timeout set).
 * With no leg left ringing the member's phone rang out now: a ring with no
 * answer (RINGNOANSWER), the call back at its place in the queue, the
 * member not ready and then away. A 200 crossing the CANCEL is ACKed and
 * hung up (opleg), as for a ring timeout.
 */
void ops_prune(struct call *call)
{
	struct center *c = call->ctr;
	if (!call->n_legs || call->won || !call->sx)
		return;
	char staff[32];
	dsp_staff_name(call->sx->s, staff, sizeof staff);
	const struct op_cred *op = registrar_staff(c->reg, staff);
	const struct reg_binding *bs[REG_MAX_CONTACTS];
	size_t n = op ? registrar_contacts(c->reg, op, bs, REG_MAX_CONTACTS) : 0;
	if (n > REG_MAX_CONTACTS)
		n = REG_MAX_CONTACTS;
	rb_us now = rb_now_mono_us();
	bool removed = false, live = false;
	for (int i = call->n_legs - 1; i >= 0; i--) { /* unlink_call moves the last to i */
		struct opring *r = call->legs[i];
		if (still_bound(r->contact, bs, n)) {
			live |= !r->failed;
			continue;
		}
		rb_log(LOG_INFO, "%s: %s's contact %s gone while rung: CANCEL", call->call_id, staff,
		       r->contact);
		removed = true;
		unlink_call(r);
		if (opleg_cancel(r->l, now) == EALREADY)
			opleg_bye(r->l, now);
		leg_check(r);
	}
	if (removed && !live)
		center_ring_out_soon(call);
}

void ops_caller_ack(struct call *call, const struct sipmsg *ack)
{
	if (call->won)
		opleg_ack(call->won->l, ack->body.len ? ack->body.p : NULL, ack->body.len);
}

bool ops_on_message(struct center *c, const struct sipmsg *m)
{
	struct opring *r = lht_find(c, m->call_id);
	if (!r)
		return false;
	opleg_on_message(r->l, m, rb_now_mono_us());
	leg_check(r);
	return true;
}

void ops_detach(struct call *call)
{
	while (call->n_legs)
		unlink_call(call->legs[0]);
	call->won = NULL;
}

void ops_fini(struct center *c)
{
	for (size_t i = 0; i < c->lht_size; i++)
		while (c->lht[i])
			leg_free(c->lht[i]);
	free(c->lht);
	c->lht = NULL;
	c->lht_size = 0;
}
