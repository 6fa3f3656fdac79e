/*
 * sip_reinv: the caller leg's side of the B2BUA's relay during the talk
 * (issue 15; center_int.h lists the calls, center_ops.c joins them to the
 * operator leg's opleg_dlg.c). When the call talks through an operator's
 * phone, the center answers no offer itself: hold, resume and session
 * refreshes are the two ends' business.
 *
 * - The caller's re-INVITE or UPDATE: 100 Trying for an INVITE, then the
 *   operator leg sends its own with the caller's SDP (or none: a re-INVITE
 *   without offer goes on as one, the operator's offer coming back in the
 *   200 and the caller's answer in its ACK). The operator's final comes back
 *   as ours, 200 with the operator's SDP or its error status (491 too); an
 *   INVITE's final is retransmitted on Timer G until the caller's ACK,
 *   which goes on to the operator's 2xx (Timer H: the operator's 2xx is
 *   ACKed without SDP). A copy of the request gets the 100 or the final.
 * - The operator's: the center's re-INVITE (Timer A/B over UDP) or UPDATE
 *   (Timer E/F) to the caller with a new CSeq; a 1xx stops Timer A; the
 *   final goes back to the operator (408 when Timer B/F fires); a 3xx-6xx
 *   to the INVITE is ACKed at once, a 2xx's ACK waits for the operator's.
 * - Glare: a request of the caller's while any relay of the call is in
 *   flight (either way: a request not yet answered, or its 2xx not yet
 *   ACKed), or before the caller's ACK of the first 200,
 *   gets 491 (RFC 3261 14.1, RFC 3311 5.2); so does one the operator leg
 *   cannot take at that moment; the operator's meets the same rule here.
 * - The call's end (a BYE either way) closes it: the caller's pending
 *   request gets 487, a 2xx waiting for the operator's ACK is ACKed.
 * - Target refresh (RFC 3261 12.2, as RFC 6141 5 refines it): the caller's
 *   re-INVITE or UPDATE with a Contact moves the dialog's remote target
 *   when the center answers it 2xx, and the caller's 2xx to the center's
 *   request moves it to that response's Contact; a refused request moves
 *   nothing. The center's later requests (BYE, re-INVITE, UPDATE, the ACK
 *   of a 2xx) go there; until then, to the INVITE's Contact.
 * Nothing here touches the CDR: a re-INVITE neither answers nor ends a call.
 */
#define LOG_TAG "sip"
#include "center_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct reinv {
	/* the caller's re-INVITE or UPDATE: a server transaction */
	char *sreq;            /* its bytes: the final is built from them */
	size_t sreq_len;
	enum sip_method s_method;
	uint32_t s_cseq;
	int s_status;          /* our final; 0: the operator has not answered yet */
	char *sresp;           /* that final, for a copy of the request and Timer G */
	size_t sresp_len;
	bool s_wait_ack;       /* an INVITE's final: retransmitted until the ACK */
	rb_us s_iv;
	struct tmr s_retx, s_limit;
	/* the center's re-INVITE or UPDATE: a client transaction */
	char *creq;
	size_t creq_len;
	enum sip_method c_method;
	uint32_t c_cseq;       /* 0: none sent yet */
	char c_branch[64];
	bool c_active;         /* no final yet */
	bool c_ack_pending;    /* its 2xx: the ACK waits for the operator's */
	char *cack;            /* the ACK sent, for a copy of the final */
	size_t cack_len;
	rb_us c_iv;
	struct tmr c_retx, c_limit;
	/* the dialog's remote target once refreshed; "": the INVITE's Contact */
	char target[512];
};

static const struct sip_span no_sdp = {0};

static struct reinv *rv_get(struct call *call)
{
	if (!call->rv && (call->rv = calloc(1, sizeof *call->rv))) {
		tmr_init(&call->rv->s_retx);
		tmr_init(&call->rv->s_limit);
		tmr_init(&call->rv->c_retx);
		tmr_init(&call->rv->c_limit);
	}
	return call->rv;
}

static char *dup_bytes(const char *p, size_t n)
{
	char *b = malloc(n ? n : 1);
	if (b)
		memcpy(b, p, n);
	return b;
}

/* A target refresh: m's Contact becomes the remote target (none, or too
 * long to keep: unchanged). */
static void take_target(struct reinv *r, const struct sipmsg *m)
{
	struct sip_span v;
	struct sip_addr a;
	if (sipmsg_hdr_value(m, SIP_HDR_CONTACT, 0, &v) || sipmsg_addr_parse(v, &a) ||
	    !a.uri_text.len || a.uri_text.len >= sizeof r->target)
		return;
	memcpy(r->target, a.uri_text.p, a.uri_text.len);
	r->target[a.uri_text.len] = 0;
}

void reinv_refresh(struct call *call, const struct sipmsg *m)
{
	struct reinv *r = rv_get(call);
	if (r)
		take_target(r, m);
}

const char *reinv_target(const struct call *call)
{
	return call->rv && call->rv->target[0] ? call->rv->target : NULL;
}

/* An offer is open until its answer: a 2xx to a re-INVITE until its ACK
 * (which may carry the answer); a refusal closes it at once. */
static bool rv_busy(const struct reinv *r)
{
	return r->c_active || r->c_ack_pending || (r->sreq && !r->s_status) ||
	       (r->s_wait_ack && r->s_status < 300);
}

/* ---- the caller's request ---- */

static void on_s_retx(struct tmr *t, void *arg) /* Timer G */
{
	struct call *call = arg;
	struct reinv *r = call->rv;
	tsx_send(call->ctr, &call->peer, r->sresp, r->sresp_len);
	r->s_iv = r->s_iv * 2 > SIP_T2 ? SIP_T2 : r->s_iv * 2;
	tmr_start(&call->ctr->tq, &r->s_retx, r->s_iv, on_s_retx, call);
}

static void on_s_limit(struct tmr *t, void *arg) /* Timer H */
{
	struct call *call = arg;
	struct reinv *r = call->rv;
	tmr_stop(&call->ctr->tq, &r->s_retx);
	r->s_wait_ack = false;
	rb_log(LOG_INFO, "%s: no ACK for our %d to the caller's re-INVITE (Timer H)", call->call_id,
	       r->s_status);
	if (r->s_status < 300)
		ops_caller_reack(call, no_sdp); /* the operator's 2xx is ACKed still */
}

/* A copy of the caller's request being handled: true, its 100 or final again. */
static bool s_copy(struct call *call, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct reinv *r = call->rv;
	if (!r->sreq || m->cseq != r->s_cseq || m->method_id != r->s_method)
		return false;
	if (r->s_status && r->sresp)
		tsx_send(call->ctr, peer, r->sresp, r->sresp_len);
	else if (!r->s_status && m->method_id == SIP_INVITE)
		tsx_reply(call->ctr, peer, m, 100, NULL, NULL, NULL, 0);
	return true;
}

void reinv_on_request(struct call *call, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct center *c = call->ctr;
	struct reinv *r = rv_get(call);
	if (!r) {
		tsx_reply(c, peer, m, 500, NULL, NULL, NULL, 0);
		return;
	}
	if (s_copy(call, m, peer))
		return;
	int st = call->sst == CS_CONFIRMED ? (rv_busy(r) ? 491 : 0)
		 : call->sst == CS_ANSWERED ? 491 /* the first 200 not ACKed yet */
					    : 481;
	char *req = st ? NULL : dup_bytes(m->buf, m->len);
	if (st || !req) {
		tsx_reply(c, peer, m, st ? st : 500, NULL, NULL, NULL, 0);
		return;
	}
	free(r->sreq);
	free(r->sresp);
	r->sreq = req;
	r->sreq_len = m->len;
	r->sresp = NULL;
	r->s_method = m->method_id;
	r->s_cseq = m->cseq;
	r->s_status = 0;
	r->s_wait_ack = false; /* the last one's refusal, if its ACK is still due: no more copies */
	tmr_stop(&c->tq, &r->s_retx);
	tmr_stop(&c->tq, &r->s_limit);
	if (m->method_id == SIP_INVITE) /* the operator may take a while */
		tsx_reply(c, peer, m, 100, NULL, NULL, NULL, 0);
	int e = ops_caller_offer(call, m->method_id, m->body);
	if (e) /* the operator leg is busy (glare) or gone */
		reinv_answer(call, e == EBUSY || e == EALREADY ? 491 : 500, no_sdp);
}

int reinv_answer(struct call *call, int status, struct sip_span sdp)
{
	struct center *c = call->ctr;
	struct reinv *r = call->rv;
	if (!r || !r->sreq || r->s_status)
		return EALREADY;
	struct sipmsg m;
	if (sipmsg_parse(&m, r->sreq, r->sreq_len, SIPMSG_STRICT))
		return EINVAL;
	char hdrs[320] = "";
	bool ok = status >= 200 && status < 300;
	if (ok)
		tsx_contact_allow(c, &call->peer, hdrs, sizeof hdrs);
	size_t len = tsx_reply(c, &call->peer, &m, status, NULL, ok ? hdrs : NULL,
			       ok && sdp.len ? sdp.p : NULL, ok ? sdp.len : 0);
	if (!len)
		return EINVAL;
	r->s_status = status;
	if (ok)
		take_target(r, &m);
	r->sresp = dup_bytes(tsx_scratch(c), len);
	r->sresp_len = r->sresp ? len : 0;
	if (r->s_method != SIP_INVITE)
		return 0;
	r->s_wait_ack = true;
	if (call->peer.kind == STP_UDP && r->sresp) {
		r->s_iv = SIP_T1;
		tmr_start(&c->tq, &r->s_retx, SIP_T1, on_s_retx, call);
	}
	tmr_start(&c->tq, &r->s_limit, 64 * SIP_T1, on_s_limit, call);
	return 0;
}

bool reinv_on_ack(struct call *call, const struct sipmsg *m)
{
	struct reinv *r = call->rv;
	if (!r || !r->sreq || r->s_method != SIP_INVITE || m->cseq != r->s_cseq)
		return false;
	if (r->s_wait_ack) { /* copies of the ACK are absorbed */
		r->s_wait_ack = false;
		tmr_stop(&call->ctr->tq, &r->s_retx);
		tmr_stop(&call->ctr->tq, &r->s_limit);
		if (r->s_status < 300)
			ops_caller_reack(call, m->body);
	}
	return true;
}

/* ---- the center's request (the operator's, relayed) ---- */

/* Our ACK to the caller's final: a 2xx's (new branch, maybe with the
 * operator's SDP) or a 3xx-6xx's (the re-INVITE's branch); kept for copies. */
static void c_send_ack(struct call *call, struct reinv *r, bool for_2xx, struct sip_span sdp)
{
	struct center *c = call->ctr;
	char br[64] = "";
	if (!for_2xx)
		snprintf(br, sizeof br, "%s", r->c_branch);
	struct tsx_req q = {.method = "ACK", .cseq = r->c_cseq, .branch = br, .branch_n = sizeof br,
			    .body = sdp.len ? sdp.p : NULL, .body_len = sdp.len};
	size_t len = tsx_request(call, &q);
	if (!len)
		return;
	free(r->cack);
	r->cack = dup_bytes(tsx_scratch(c), len);
	r->cack_len = r->cack ? len : 0;
	tsx_send(c, &call->peer, tsx_scratch(c), len);
}

static void on_c_retx(struct tmr *t, void *arg) /* Timer A / E */
{
	struct call *call = arg;
	struct reinv *r = call->rv;
	tsx_send(call->ctr, &call->peer, r->creq, r->creq_len);
	r->c_iv = r->c_method == SIP_INVITE || r->c_iv * 2 <= SIP_T2 ? r->c_iv * 2 : SIP_T2;
	tmr_start(&call->ctr->tq, &r->c_retx, r->c_iv, on_c_retx, call);
}

static void on_c_limit(struct tmr *t, void *arg) /* Timer B / F */
{
	struct call *call = arg;
	struct reinv *r = call->rv;
	tmr_stop(&call->ctr->tq, &r->c_retx);
	r->c_active = false;
	rb_log(LOG_INFO, "%s: no answer to our %s (Timer B/F): 408 to the operator", call->call_id,
	       sipmsg_method_name(r->c_method));
	ops_caller_answer(call, 408, no_sdp);
}

int reinv_send(struct call *call, enum sip_method method, struct sip_span sdp)
{
	struct center *c = call->ctr;
	if (call->sst != CS_CONFIRMED)
		return EALREADY;
	struct reinv *r = rv_get(call);
	if (!r)
		return ENOMEM;
	if (rv_busy(r))
		return EBUSY;
	char hdrs[320];
	tsx_contact_allow(c, &call->peer, hdrs, sizeof hdrs);
	r->c_branch[0] = 0;
	struct tsx_req q = {.method = sipmsg_method_name(method), .cseq = call->lcseq + 1,
			    .branch = r->c_branch, .branch_n = sizeof r->c_branch, .hdrs = hdrs,
			    .body = sdp.len ? sdp.p : NULL, .body_len = sdp.len};
	size_t len = q.method ? tsx_request(call, &q) : 0;
	char *req = len ? dup_bytes(tsx_scratch(c), len) : NULL;
	if (!req)
		return len ? ENOMEM : EINVAL;
	free(r->creq);
	free(r->cack);
	r->cack = NULL;
	r->creq = req;
	r->creq_len = len;
	r->c_cseq = ++call->lcseq;
	r->c_method = method;
	r->c_active = true;
	tsx_send(c, &call->peer, req, len);
	if (call->peer.kind == STP_UDP) {
		r->c_iv = SIP_T1;
		tmr_start(&c->tq, &r->c_retx, SIP_T1, on_c_retx, call);
	}
	tmr_start(&c->tq, &r->c_limit, 64 * SIP_T1, on_c_limit, call);
	return 0;
}

/* A final after the transaction ended: a copy (the same ACK again), or a
 * late 2xx (after Timer B, or the call's end) that still needs an ACK. */
static void c_late_final(struct call *call, struct reinv *r, const struct sipmsg *m)
{
	if (r->c_method != SIP_INVITE || r->c_ack_pending)
		return;
	if (r->cack)
		tsx_send(call->ctr, &call->peer, r->cack, r->cack_len);
	else if (m->status < 300)
		c_send_ack(call, r, true, no_sdp);
}

bool reinv_on_response(struct call *call, const struct sipmsg *m)
{
	struct reinv *r = call->rv;
	if (!r || !r->c_cseq || m->cseq != r->c_cseq || m->cseq_method_id != r->c_method)
		return false;
	bool inv = r->c_method == SIP_INVITE;
	if (m->status < 200) { /* Timer A stops; Timer B still bounds the wait */
		if (r->c_active && inv)
			tmr_stop(&call->ctr->tq, &r->c_retx);
		return true;
	}
	if (!r->c_active) {
		c_late_final(call, r, m);
		return true;
	}
	r->c_active = false;
	tmr_stop(&call->ctr->tq, &r->c_retx);
	tmr_stop(&call->ctr->tq, &r->c_limit);
	if (m->status < 300)
		take_target(r, m); /* before the 2xx's ACK: it goes there too */
	if (inv && m->status >= 300)
		c_send_ack(call, r, false, no_sdp);
	else if (inv)
		r->c_ack_pending = true; /* the operator's ACK, relayed, is ours */
	if (ops_caller_answer(call, m->status, m->body) && r->c_ack_pending)
		reinv_ack(call, no_sdp); /* no one to wait for */
	return true;
}

int reinv_ack(struct call *call, struct sip_span sdp)
{
	struct reinv *r = call->rv;
	if (!r || !r->c_ack_pending)
		return EALREADY;
	r->c_ack_pending = false;
	c_send_ack(call, r, true, sdp);
	return 0;
}

/* ---- the end ---- */

void reinv_end(struct call *call)
{
	struct reinv *r = call->rv;
	if (!r)
		return;
	struct tmrq *q = &call->ctr->tq;
	if (r->sreq && !r->s_status)
		reinv_answer(call, 487, no_sdp);
	r->s_wait_ack = false;
	tmr_stop(q, &r->s_retx);
	tmr_stop(q, &r->s_limit);
	r->c_active = false;
	tmr_stop(q, &r->c_retx);
	tmr_stop(q, &r->c_limit);
	if (r->c_ack_pending) /* a 2xx is ACKed before its dialog ends */
		reinv_ack(call, no_sdp);
}

void reinv_free(struct call *call)
{
	struct reinv *r = call->rv;
	if (!r)
		return;
	struct tmrq *q = &call->ctr->tq;
	tmr_stop(q, &r->s_retx);
	tmr_stop(q, &r->s_limit);
	tmr_stop(q, &r->c_retx);
	tmr_stop(q, &r->c_limit);
	free(r->sreq);
	free(r->sresp);
	free(r->creq);
	free(r->cack);
	free(r);
	call->rv = NULL;
}
