/*
 * opleg_dlg: the operator leg during the talk (opleg.h says what): the
 * phone's re-INVITE or UPDATE as a server transaction answered when the
 * center has the far side's answer, the center's own as a client
 * transaction, and glare between them (491). At most one of each kind at a
 * time, and never both: a second offer while one is in flight is glare.
 */
#include "opleg_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The option-tags the leg supports in a Require: none (RFC 3262's 100rel
 * is not offered, so a phone may not require it of us either). */
#define OL_SUPPORTED ""

/* An offer is open until its answer: a 2xx to a re-INVITE until its ACK
 * (which may carry the answer); a refusal closes it at once. */
bool ol_dlg_busy(const struct opleg *l)
{
	return l->ct.active || l->ct_ack_pending || (l->sv_req && !l->sv_status) ||
	       (l->sv.active && l->sv_status < 300);
}

/* Contact and Allow for our requests and 2xx during the talk. */
static void dlg_hdrs(const struct opleg *l, char *buf, size_t n)
{
	snprintf(buf, n, "Contact: <sip:center@%s%s>\r\nAllow: INVITE, ACK, CANCEL, BYE, UPDATE\r\n",
		 l->local, l->udp ? "" : ";transport=tcp");
}

/* A copy of the phone's request being handled: its 100 or final again. */
static bool dlg_retransmission(struct opleg *l, const struct sipmsg *m)
{
	if (!l->sv_req || m->cseq != l->sv_cseq || m->method_id != l->sv_method)
		return false;
	if (l->sv_status && l->sv.buf)
		ol_put(l, l->sv.buf, l->sv.len);
	else if (!l->sv_status && m->method_id == SIP_INVITE)
		ol_reply(l, m, 100, NULL, NULL, 0, NULL, NULL);
	return true;
}

/* What the phone's re-INVITE or UPDATE gets at once, or 0: relayed. */
static int dlg_refusal(const struct opleg *l, const struct sipmsg *m, char *hdrs, size_t n)
{
	char unsup[256];
	if (sipmsg_unsupported(m, OL_SUPPORTED, unsup, sizeof unsup)) {
		snprintf(hdrs, n, "Unsupported: %s\r\n", unsup);
		return 420; /* RFC 3261 8.2.2.3 */
	}
	if (l->st == OL_BYE_SENT || l->st == OL_DONE)
		return 481;
	if (!l->cbs.offer)
		return 501;
	if (l->st != OL_CONFIRMED || l->ack_pending || ol_dlg_busy(l))
		return 491; /* an offer in flight on the leg: RFC 3261 14.1, RFC 3311 5.2 */
	return 0;
}

void ol_dlg_request(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	(void)now;
	if (dlg_retransmission(l, m))
		return;
	char hdrs[320] = "";
	int st = dlg_refusal(l, m, hdrs, sizeof hdrs);
	if (st) {
		ol_reply(l, m, st, hdrs[0] ? hdrs : NULL, NULL, 0, NULL, NULL);
		return;
	}
	char *req = malloc(m->len);
	if (!req) {
		ol_reply(l, m, 500, NULL, NULL, 0, NULL, NULL);
		return;
	}
	memcpy(req, m->buf, m->len);
	free(l->sv_req);
	l->sv_req = req;
	l->sv_req_len = m->len;
	l->sv_method = m->method_id;
	l->sv_cseq = m->cseq;
	l->sv_status = 0;
	l->sv.active = false; /* the last one's refusal, if its ACK is still due: no more copies */
	if (m->method_id == SIP_INVITE) /* the far side may take a while */
		ol_reply(l, m, 100, NULL, NULL, 0, NULL, NULL);
	l->cbs.offer(l, m->method_id, m->body, l->cbs.arg);
}

int opleg_answer(struct opleg *l, int status, const char *sdp, size_t sdp_len, rb_us now)
{
	if (!l->sv_req || l->sv_status)
		return EALREADY;
	if (status < 200 || status > 699)
		return EINVAL;
	struct sipmsg m;
	if (sipmsg_parse(&m, l->sv_req, l->sv_req_len, SIPMSG_STRICT))
		return EINVAL;
	char hdrs[320] = "";
	if (status < 300)
		dlg_hdrs(l, hdrs, sizeof hdrs);
	char *buf = NULL;
	size_t len = 0;
	int e = ol_reply(l, &m, status, hdrs[0] ? hdrs : NULL, status < 300 ? sdp : NULL,
			 status < 300 ? sdp_len : 0, &buf, &len);
	if (e)
		return e;
	l->sv_status = status;
	/* A target refresh (RFC 3261 12.2, as RFC 6141 5 refines it): the
	 * phone's Contact once the center answers it 2xx; a refusal moves
	 * nothing. The same for the phone's 2xx to ours (ol_dlg_response). */
	if (status < 300)
		ol_take_remote(l, &m);
	/* kept for a copy of the request; an INVITE's final is retransmitted
	 * until the ACK (Timer G, Timer H) */
	free(l->sv.buf);
	l->sv.buf = buf;
	l->sv.len = len;
	l->sv.active = l->sv_method == SIP_INVITE;
	l->sv.invite = false;
	l->sv.iv = OPLEG_T1;
	l->sv.next = l->sv.active && l->udp ? now + OPLEG_T1 : OL_NEVER;
	l->sv.deadline = l->sv.active ? now + 64 * (rb_us)OPLEG_T1 : OL_NEVER;
	ol_rearm(l);
	return 0;
}

bool ol_dlg_ack(struct opleg *l, const struct sipmsg *m)
{
	if (!l->sv.active || l->sv_method != SIP_INVITE || m->cseq != l->sv_cseq)
		return false;
	l->sv.active = false;
	if (l->sv_status < 300 && l->cbs.acked)
		l->cbs.acked(l, m->body, l->cbs.arg);
	return true;
}

/* An ACK of ours for the re-INVITE: a 2xx's (new branch) or a non-2xx's
 * (the INVITE's branch), kept for copies of that final. */
static void dlg_send_ack(struct opleg *l, bool for_2xx, const char *sdp, size_t sdp_len)
{
	char br[48];
	if (for_2xx)
		ol_new_branch(l, br, sizeof br);
	struct ol_req q = {.method = "ACK", .ruri = l->remote[0] ? l->remote : l->target,
			   .branch = for_2xx ? br : l->ct_branch, .cseq = l->ct_cseq, .to_tag = true,
			   .body = sdp, .body_len = sdp ? sdp_len : 0};
	char *buf;
	size_t len;
	if (ol_build(l, &q, &buf, &len))
		return;
	free(l->ct_ack);
	l->ct_ack = buf;
	l->ct_ack_len = len;
	ol_put(l, buf, len);
}

bool ol_dlg_ack_send(struct opleg *l, const char *sdp, size_t sdp_len)
{
	if (!l->ct_ack_pending)
		return false;
	l->ct_ack_pending = false;
	dlg_send_ack(l, true, sdp, sdp_len);
	return true;
}

int opleg_offer(struct opleg *l, enum sip_method method, const char *sdp, size_t sdp_len,
		rb_us now)
{
	if (method != SIP_INVITE && method != SIP_UPDATE)
		return EINVAL;
	if (l->st != OL_CONFIRMED)
		return EALREADY;
	if (l->ack_pending || ol_dlg_busy(l))
		return EBUSY;
	char hdrs[320];
	dlg_hdrs(l, hdrs, sizeof hdrs);
	ol_new_branch(l, l->ct_branch, sizeof l->ct_branch);
	struct ol_req q = {.method = sipmsg_method_name(method),
			   .ruri = l->remote[0] ? l->remote : l->target, .branch = l->ct_branch,
			   .cseq = l->lcseq + 1, .to_tag = true, .hdrs = hdrs,
			   .body = sdp && sdp_len ? sdp : NULL, .body_len = sdp ? sdp_len : 0};
	char *buf;
	size_t len;
	int e = ol_build(l, &q, &buf, &len);
	if (e)
		return e;
	l->ct_cseq = ++l->lcseq;
	l->ct_method = method;
	free(l->ct_ack);
	l->ct_ack = NULL;
	ol_tx_start(l, &l->ct, buf, len, method == SIP_INVITE, now);
	ol_rearm(l);
	return 0;
}

/* A final of our re-INVITE or UPDATE after its transaction ended: a copy
 * (the same ACK again), or a late 2xx (Timer B passed) that still needs
 * an ACK of its own. */
static void dlg_late_final(struct opleg *l, const struct sipmsg *m)
{
	if (l->ct_method != SIP_INVITE || l->ct_ack_pending)
		return;
	if (l->ct_ack)
		ol_put(l, l->ct_ack, l->ct_ack_len);
	else if (m->status < 300)
		dlg_send_ack(l, true, NULL, 0);
}

bool ol_dlg_response(struct opleg *l, const struct sipmsg *m, rb_us now)
{
	(void)now;
	if (!l->ct_cseq || m->cseq != l->ct_cseq || m->cseq_method_id != l->ct_method)
		return false;
	if (m->status < 200) { /* Timer A stops; Timer B still bounds the wait */
		if (l->ct.active && l->ct_method == SIP_INVITE)
			l->ct.next = OL_NEVER;
		return true;
	}
	if (!l->ct.active) {
		dlg_late_final(l, m);
		return true;
	}
	l->ct.active = false;
	if (m->status < 300)
		ol_take_remote(l, m);
	if (l->ct_method == SIP_INVITE && m->status >= 300)
		dlg_send_ack(l, false, NULL, 0);
	else if (l->ct_method == SIP_INVITE)
		l->ct_ack_pending = true; /* the caller's ACK, relayed, is ours */
	if (l->cbs.answer)
		l->cbs.answer(l, l->ct_method, m->status, m->body, l->cbs.arg);
	return true;
}

void ol_dlg_timer(struct opleg *l, rb_us now)
{
	struct sip_span none = {0};
	if (ol_tx_tick(l, &l->ct, now) && l->cbs.answer) /* Timer B / F */
		l->cbs.answer(l, l->ct_method, 408, none, l->cbs.arg);
	/* Timer H: no ACK for our final to the phone's re-INVITE; a 2xx's ACK
	 * is still owed to the far side, without SDP */
	if (ol_tx_tick(l, &l->sv, now) && l->sv_status < 300 && l->cbs.acked)
		l->cbs.acked(l, none, l->cbs.arg);
}

void ol_dlg_end(struct opleg *l)
{
	if (l->sv_req && !l->sv_status)
		opleg_answer(l, 487, NULL, 0, 0);
	l->sv.active = false;
	l->ct.active = false;
	if (l->ct_ack_pending) /* a 2xx is ACKed before its dialog ends */
		ol_dlg_ack_send(l, NULL, 0);
}

void ol_dlg_free(struct opleg *l)
{
	free(l->ct.buf);
	free(l->ct_ack);
	free(l->sv.buf);
	free(l->sv_req);
}
