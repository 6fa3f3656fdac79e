/*
 * opleg: the operator leg's client side (opleg.h says what and why). Three
 * client transactions at most (the INVITE, its CANCEL, a BYE), each with
 * its retransmission and give-up times; the leg's one timer is armed at the
 * earliest of them and the ring timeout.
 */
#include "opleg_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER OL_NEVER

const char *opleg_end_name(enum opleg_end e)
{
	static const char *const n[] = {"operator-bye", "center-bye", "cancelled"};
	return (unsigned)e < 3 ? n[e] : "?";
}

/* ---- building and sending ---- */

/* s as a quoted-string's inside (RFC 3261 25.1: '"' and '\' escaped). */
static void quote(char *dst, size_t n, const char *s)
{
	size_t k = 0;
	for (; s && *s && k + 2 < n; s++) {
		if (*s == '"' || *s == '\\')
			dst[k++] = '\\';
		if ((unsigned char)*s >= 0x20 || *s == '\t')
			dst[k++] = *s;
	}
	dst[k] = 0;
}

/* s as a token (anything else becomes '_'): a header parameter's value. */
static void token(char *dst, size_t n, const char *s)
{
	size_t k = 0;
	for (; s && *s && k + 1 < n; s++)
		dst[k++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
				   (*s >= '0' && *s <= '9') || strchr("-.!%*_+`'~", *s)
			       ? *s
			       : '_';
	dst[k] = 0;
}

/* A request of the leg into a fresh buffer (*out, caller frees). */
int ol_build(const struct opleg *l, const struct ol_req *q, char **out, size_t *len)
{
	char via[160], to[512];
	snprintf(via, sizeof via, "SIP/2.0/%s %s;branch=%s;rport", l->udp ? "UDP" : "TCP", l->local,
		 q->branch);
	snprintf(to, sizeof to, "<%s>%s%s", l->target, q->to_tag ? ";tag=" : "",
		 q->to_tag ? l->to_tag : "");
	struct sipmsg_request r = {
	    .method = q->method,
	    .ruri = sip_span_cstr(q->ruri),
	    .via = sip_span_cstr(via),
	    .from = sip_span_cstr(l->from),
	    .to = sip_span_cstr(to),
	    .call_id = sip_span_cstr(l->call_id),
	    .cseq = q->cseq,
	    .hdrs = q->hdrs,
	    .hdrs_len = q->hdrs ? strlen(q->hdrs) : 0,
	    .content_type = q->body ? "application/sdp" : NULL,
	    .body = q->body,
	    .body_len = q->body_len,
	};
	size_t cap = 4096 + r.hdrs_len + q->body_len;
	char *b = malloc(cap);
	if (!b)
		return ENOMEM;
	int e = sipmsg_request_write(b, cap, &r, len);
	if (e) {
		free(b);
		return e;
	}
	*out = b;
	return 0;
}

void ol_put(struct opleg *l, const char *buf, size_t len)
{
	l->env.send(l->dest, buf, len, l->env.arg);
}

/* Sends a client transaction's request and starts its timers. */
void ol_tx_start(struct opleg *l, struct ctx *t, char *buf, size_t len, bool invite, rb_us now)
{
	free(t->buf);
	t->buf = buf;
	t->len = len;
	t->active = true;
	t->invite = invite;
	t->iv = OPLEG_T1;
	t->next = l->udp ? now + OPLEG_T1 : NEVER;
	t->deadline = now + 64 * (rb_us)OPLEG_T1;
	ol_put(l, buf, len);
}

/* A branch unique to the leg (a hash of its Call-ID, which may hold
 * characters a branch token may not) and to the transaction. */
void ol_new_branch(struct opleg *l, char *dst, size_t n)
{
	uint64_t h = 14695981039346656037u;
	for (const char *p = l->call_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	snprintf(dst, n, "z9hG4bKol%016" PRIx64 "x%" PRIx64, h, ++l->seq);
}

static rb_us earliest(const struct opleg *l)
{
	rb_us due = l->ring_due;
	const struct ctx *ts[5] = {&l->inv, &l->can, &l->bye, &l->ct, &l->sv};
	for (int i = 0; i < 5; i++)
		if (ts[i]->active) {
			if (ts[i]->next < due)
				due = ts[i]->next;
			if (ts[i]->deadline < due)
				due = ts[i]->deadline;
		}
	return due;
}

void ol_rearm(struct opleg *l)
{
	l->env.arm(l, earliest(l), l->env.arg);
}

/* ---- the end, told once ---- */

static void report_failed(struct opleg *l, int status)
{
	if (l->reported)
		return;
	l->reported = true;
	if (l->cbs.failed)
		l->cbs.failed(l, status, l->cbs.arg);
}

static void report_cancel(struct opleg *l)
{
	if (l->reported)
		return;
	l->reported = true;
	if (l->by_center && l->cbs.ended)
		l->cbs.ended(l, OPLEG_END_CANCELLED, l->cbs.arg);
	else if (!l->by_center && l->cbs.no_answer)
		l->cbs.no_answer(l, l->cbs.arg);
}

static void report_ended(struct opleg *l, enum opleg_end why)
{
	if (l->reported)
		return;
	l->reported = true;
	if (l->cbs.ended)
		l->cbs.ended(l, why, l->cbs.arg);
}

/* ---- requests ---- */

static int send_invite(struct opleg *l, const struct opleg_params *p, rb_us now)
{
	char hdrs[3072], ty[64], fw[64], caller[64];
	token(ty, sizeof ty, p->caller_type ? p->caller_type : "inquiry");
	token(fw, sizeof fw, p->forwarding ? p->forwarding : "unknown");
	token(caller, sizeof caller, p->caller ? p->caller : "");
	snprintf(hdrs, sizeof hdrs,
		 "Contact: <sip:center@%s%s>\r\n"
		 "X-Secretaryd-Call: type=%s;forwarding=%s%s%s\r\n"
		 "Allow: INVITE, ACK, CANCEL, BYE%s\r\n%s",
		 l->local, l->udp ? "" : ";transport=tcp", ty, fw, caller[0] ? ";caller=" : "",
		 caller, l->cbs.offer ? ", UPDATE" : "", p->extra_hdrs && strlen(p->extra_hdrs) < 2048 ? p->extra_hdrs : "");
	struct ol_req q = {.method = "INVITE", .ruri = l->target, .branch = l->branch, .cseq = 1,
			.hdrs = hdrs, .body = p->sdp, .body_len = p->sdp ? p->sdp_len : 0};
	char *buf;
	size_t len;
	int e = ol_build(l, &q, &buf, &len);
	if (e)
		return e;
	l->tm.invite = now;
	l->lcseq = 1;
	ol_tx_start(l, &l->inv, buf, len, true, now);
	return 0;
}

static void send_cancel(struct opleg *l, rb_us now)
{
	struct ol_req q = {.method = "CANCEL", .ruri = l->target, .branch = l->branch, .cseq = 1};
	char *buf;
	size_t len;
	if (ol_build(l, &q, &buf, &len))
		return; /* Timer B ends the leg */
	l->cancel_sent = true;
	ol_tx_start(l, &l->can, buf, len, false, now);
	/* RFC 3261 9.1: no final within 64*T1 of the CANCEL ends the INVITE */
	l->inv.deadline = now + 64 * (rb_us)OPLEG_T1;
}

/* ACK: for a 2xx a transaction of its own to the remote target; for 3xx-6xx
 * the INVITE's (same branch, to the target). Kept for retransmitted finals. */
static void send_ack(struct opleg *l, bool for_2xx, const char *sdp, size_t sdp_len)
{
	char br[48];
	if (for_2xx)
		ol_new_branch(l, br, sizeof br);
	struct ol_req q = {.method = "ACK", .ruri = for_2xx && l->remote[0] ? l->remote : l->target,
			.branch = for_2xx ? br : l->branch, .cseq = 1, .to_tag = true,
			.body = sdp, .body_len = sdp ? sdp_len : 0};
	char *buf;
	size_t len;
	if (ol_build(l, &q, &buf, &len))
		return;
	free(l->ack);
	l->ack = buf;
	l->ack_len = len;
	ol_put(l, buf, len);
}

static void send_bye(struct opleg *l, rb_us now)
{
	char br[48];
	ol_new_branch(l, br, sizeof br);
	struct ol_req q = {.method = "BYE", .ruri = l->remote[0] ? l->remote : l->target, .branch = br,
			.cseq = ++l->lcseq, .to_tag = true};
	char *buf;
	size_t len;
	ol_dlg_end(l); /* a re-INVITE or UPDATE in flight is closed first */
	l->st = OL_BYE_SENT;
	if (ol_build(l, &q, &buf, &len)) {
		l->st = OL_DONE;
		return;
	}
	ol_tx_start(l, &l->bye, buf, len, false, now);
}

static int copy_param(char *dst, size_t n, const char *s)
{
	if (!s || !*s || strlen(s) >= n)
		return EINVAL;
	snprintf(dst, n, "%s", s);
	return 0;
}

int opleg_start(struct opleg **out, const struct opleg_params *p, const struct opleg_env *env,
		const struct opleg_cbs *cbs, rb_us now)
{
	*out = NULL;
	struct sip_uri u;
	if (!p || !env || !env->send || !env->arm || !p->target ||
	    sipmsg_uri_parse(sip_span_cstr(p->target), &u) || !p->dest)
		return EINVAL;
	struct opleg *l = calloc(1, sizeof *l);
	if (!l)
		return ENOMEM;
	if (copy_param(l->call_id, sizeof l->call_id, p->call_id) ||
	    copy_param(l->target, sizeof l->target, p->target) ||
	    copy_param(l->dest, sizeof l->dest, p->dest) ||
	    copy_param(l->local, sizeof l->local, p->local)) {
		free(l);
		return EINVAL;
	}
	l->env = *env;
	if (cbs)
		l->cbs = *cbs;
	l->udp = strncmp(l->dest, "tcp", 3) != 0;
	l->delayed = !p->sdp || !p->sdp_len;
	char disp[512];
	quote(disp, sizeof disp, p->display);
	snprintf(l->from, sizeof l->from, "\"%s\" <sip:center@%s>;tag=ol%" PRIx64, disp, l->local,
		 (uint64_t)now);
	ol_new_branch(l, l->branch, sizeof l->branch);
	l->ring_due = p->ring_timeout > 0 ? now + p->ring_timeout : NEVER;
	int e = send_invite(l, p, now);
	if (e) {
		opleg_free(l);
		return e;
	}
	ol_rearm(l);
	*out = l;
	return 0;
}

/* The ring timeout or the center: CANCEL now, or once a 1xx came. */
static void start_cancel(struct opleg *l, bool by_center, rb_us now)
{
	l->ring_due = NEVER;
	if (l->cancelling)
		return;
	l->cancelling = true;
	l->by_center = by_center;
	if (l->st == OL_PROCEEDING)
		send_cancel(l, now);
}

int opleg_cancel(struct opleg *l, rb_us now)
{
	if (l->st != OL_CALLING && l->st != OL_PROCEEDING)
		return EALREADY;
	start_cancel(l, true, now);
	ol_rearm(l);
	return 0;
}

int opleg_ack(struct opleg *l, const char *sdp, size_t sdp_len)
{
	if (ol_dlg_ack_send(l, sdp, sdp_len))
		return 0;
	if (!l->ack_pending)
		return EALREADY;
	l->ack_pending = false;
	send_ack(l, true, sdp, sdp_len);
	return 0;
}

int opleg_bye(struct opleg *l, rb_us now)
{
	if (l->st != OL_CONFIRMED)
		return EALREADY;
	if (l->ack_pending) /* a 2xx is ACKed before its dialog ends */
		opleg_ack(l, NULL, 0);
	send_bye(l, now);
	ol_rearm(l);
	return 0;
}

/* ---- what comes back ---- */

void ol_copy_span(char *dst, size_t n, struct sip_span s)
{
	size_t k = s.len < n - 1 ? s.len : n - 1;
	memcpy(dst, s.p, k);
	dst[k] = 0;
}

void ol_take_remote(struct opleg *l, const struct sipmsg *m)
{
	struct sip_span v;
	struct sip_addr a;
	if (sipmsg_hdr_value(m, SIP_HDR_CONTACT, 0, &v) == 0 && sipmsg_addr_parse(v, &a) == 0)
		ol_copy_span(l->remote, sizeof l->remote, a.uri_text);
}

/* The operator's 200 to the INVITE (or a copy of it). */
static void on_invite_2xx(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	if (l->st == OL_DONE && !l->ack && !l->bye.active) {
		/* a 200 after the leg gave up (Timer B): take it and hang up at once,
		 * or the phone would hold a call no one is on */
		ol_copy_span(l->to_tag, sizeof l->to_tag, m->to_tag);
		send_ack(l, true, NULL, 0);
		l->bye_after_cancel = true;
		send_bye(l, now);
		return;
	}
	if (l->st != OL_CALLING && l->st != OL_PROCEEDING) {
		if (l->ack && !l->ack_pending) /* a retransmitted 200: the ACK again (13.2.2.4) */
			ol_put(l, l->ack, l->ack_len);
		return;
	}
	l->inv.active = false;
	l->tm.final = now;
	l->tm.status = m->status;
	ol_copy_span(l->to_tag, sizeof l->to_tag, m->to_tag);
	ol_take_remote(l, m);
	if (l->cancelling) { /* the CANCEL crossed the 200: take the call, then hang up */
		send_ack(l, true, NULL, 0);
		l->bye_after_cancel = true;
		send_bye(l, now);
		return;
	}
	if (l->delayed) /* the 200 holds the offer: the ACK carries the caller's answer */
		l->ack_pending = true;
	else
		send_ack(l, true, NULL, 0);
	l->st = OL_CONFIRMED;
	if (l->cbs.answered)
		l->cbs.answered(l, m->body, l->cbs.arg);
}

static void on_invite_response(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	if (m->status < 200) {
		if (l->st != OL_CALLING)
			return;
		l->st = OL_PROCEEDING;
		l->tm.first_1xx = now;
		l->inv.next = NEVER; /* Timer A stops; the phone rings as long as it likes */
		if (!l->cancel_sent)
			l->inv.deadline = NEVER;
		if (l->cancelling && !l->cancel_sent)
			send_cancel(l, now);
		return;
	}
	if (m->status < 300) {
		on_invite_2xx(l, m, now);
		return;
	}
	if (!l->inv.active) { /* a retransmitted final: its ACK again */
		if (l->ack)
			ol_put(l, l->ack, l->ack_len);
		return;
	}
	l->inv.active = false;
	l->tm.final = now;
	l->tm.status = m->status;
	ol_copy_span(l->to_tag, sizeof l->to_tag, m->to_tag);
	send_ack(l, false, NULL, 0);
	l->st = OL_DONE;
	l->ring_due = NEVER;
	if (l->cancelling)
		report_cancel(l);
	else
		report_failed(l, m->status);
}

static void on_bye_done(struct opleg *l)
{
	l->bye.active = false;
	if (l->st != OL_BYE_SENT)
		return;
	l->st = OL_DONE;
	if (l->bye_after_cancel)
		report_cancel(l);
	else
		report_ended(l, OPLEG_END_CENTER_BYE);
}

int ol_reply(struct opleg *l, const struct sipmsg *req, int status, const char *hdrs,
	     const char *sdp, size_t sdp_len, char **keep, size_t *keep_len)
{
	struct sipmsg_reply r = {.status = status, .hdrs = hdrs, .hdrs_len = hdrs ? strlen(hdrs) : 0};
	if (sdp && sdp_len) {
		r.content_type = "application/sdp";
		r.body = sdp;
		r.body_len = sdp_len;
	}
	/* a response copies the request's Vias, From, To, Call-ID and CSeq */
	size_t cap = req->len + r.hdrs_len + r.body_len + 512, len = 0;
	char *b = malloc(cap);
	if (!b)
		return ENOMEM;
	int e = sipmsg_reply_write(b, cap, req, &r, &len);
	if (!e)
		ol_put(l, b, len);
	if (!e && keep) {
		*keep = b;
		*keep_len = len;
		return 0;
	}
	free(b);
	return e;
}

/* A request from the operator's phone: its BYE, its re-INVITE or UPDATE
 * during the talk and their ACKs (opleg_dlg.c); anything else refused. */
static void on_request(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	if (m->method_id == SIP_ACK) {
		ol_dlg_ack(l, m);
		return;
	}
	if ((m->method_id == SIP_INVITE || m->method_id == SIP_UPDATE) && m->to_tag.len) {
		ol_dlg_request(l, m, now);
		return;
	}
	int status = 501;
	if (m->method_id == SIP_BYE)
		status = l->st == OL_CONFIRMED || l->st == OL_BYE_SENT || l->st == OL_DONE ? 200 : 481;
	if (m->method_id == SIP_BYE && l->st == OL_CONFIRMED)
		ol_dlg_end(l); /* a re-INVITE of the phone's still unanswered gets its 487 first */
	ol_reply(l, m, status, NULL, NULL, 0, NULL, NULL);
	if (m->method_id == SIP_BYE && l->st == OL_CONFIRMED) {
		l->st = OL_DONE;
		report_ended(l, OPLEG_END_OPERATOR_BYE);
	}
}

void opleg_on_message(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	if (m->is_request)
		on_request(l, m, now);
	else if (ol_dlg_response(l, m, now))
		; /* to our re-INVITE or UPDATE */
	else if (m->cseq_method_id == SIP_INVITE)
		on_invite_response(l, m, now);
	else if (m->cseq_method_id == SIP_CANCEL && m->status >= 200)
		l->can.active = false;
	else if (m->cseq_method_id == SIP_BYE && m->status >= 200 && l->bye.active)
		on_bye_done(l);
	ol_rearm(l);
}

/* ---- timers ---- */

/* Retransmits t if due; true when its give-up time has come. */
bool ol_tx_tick(struct opleg *l, struct ctx *t, rb_us now)
{
	if (!t->active)
		return false;
	if (t->deadline <= now) {
		t->active = false;
		return true;
	}
	if (t->next <= now) {
		ol_put(l, t->buf, t->len);
		t->iv = t->invite || t->iv * 2 <= OPLEG_T2 ? t->iv * 2 : OPLEG_T2;
		t->next = now + t->iv;
	}
	return false;
}

void opleg_on_timer(struct opleg *l, rb_us now)
{
	if (l->ring_due <= now)
		start_cancel(l, false, now);
	if (ol_tx_tick(l, &l->inv, now)) { /* Timer B, or 64*T1 after our CANCEL */
		l->tm.final = now;
		l->st = OL_DONE;
		if (l->cancelling)
			report_cancel(l);
		else
			report_failed(l, 408);
	}
	ol_tx_tick(l, &l->can, now); /* no answer to the CANCEL: the INVITE's limit decides */
	if (ol_tx_tick(l, &l->bye, now)) /* Timer F: the BYE is taken as done */
		on_bye_done(l);
	ol_dlg_timer(l, now);
	ol_rearm(l);
}

bool opleg_idle(const struct opleg *l)
{
	return l->st == OL_DONE && !l->inv.active && !l->can.active && !l->bye.active &&
	       !l->ct.active && !l->sv.active;
}

const struct opleg_times *opleg_times(const struct opleg *l)
{
	return &l->tm;
}

const char *opleg_call_id(const struct opleg *l)
{
	return l->call_id;
}

void opleg_free(struct opleg *l)
{
	if (!l)
		return;
	free(l->inv.buf);
	free(l->can.buf);
	free(l->bye.buf);
	free(l->ack);
	ol_dlg_free(l);
	free(l);
}
