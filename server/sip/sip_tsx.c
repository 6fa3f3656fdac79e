/*
 * sip_tsx: secretaryd's SIP side (RFC 3261): requests in, the INVITE server
 * transaction (100 and 180 at once, 200 OK with an SDP answer retransmitted
 * on Timer G until ACK, Timer H), CANCEL (200, 487), BYE both ways (the
 * center's as a client transaction with Timer E/F), OPTIONS, 405/501, and
 * malformed requests answered 400/505/513 or dropped. A request requiring
 * an option the center lacks gets 420 (it supports none: no 100rel, so a
 * PRACK never matches anything, 481). With the call on an operator's
 * phone, the talk's re-INVITEs and UPDATEs are relayed (sip_reinv.c);
 * otherwise a re-INVITE gets the same answer again, and UPDATE 405.
 *
 * Calls are found by Call-ID in a hash table. A call keeps a copy of its
 * INVITE's bytes until it ends (responses sent later, the 200 and the BYE,
 * are built from it), and, once over, lingers 64*T1 over UDP so that late
 * retransmissions are absorbed rather than taken for new calls.
 * Simplification (docs/secretaryd.md): requests and responses go back to the
 * address the INVITE came from (as with rport), not to the Contact's host.
 */
#define LOG_TAG "sip"
#include "center_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/*
 * A center's SIP scratch space: one outgoing message is built at a time
 * (73 KB, too big for the stack of a deep call chain), and the parses are
 * large too (128 header slots). Per center, not per process, so that two
 * centers in one process (tests) do not share them.
 */
/*
 * REGISTER's non-INVITE server transactions over UDP (RFC 3261 17.2.2),
 * kept as the answers sent: a retransmitted REGISTER (same Call-ID, CSeq,
 * top Via branch and source) gets the same bytes again rather than a new
 * challenge with another nonce, which SIPp, for one, takes for an
 * unexpected message. Direct-mapped by a hash of those, Timer J (64*T1)
 * long; a newer request in the slot evicts the older (at thousands of
 * REGISTERs a second the window shrinks, and a late copy is answered
 * afresh, as without the cache).
 */
#define REG_TSX_SLOTS 4096u
struct reg_tsx {
	uint64_t key; /* 0: empty */
	rb_us t;      /* monotonic time of the answer */
	char *resp;
	size_t len, cap;
};

struct tsx_bufs {
	char obuf[SIPMSG_MAX_SIZE + 8192]; /* the message being sent */
	struct reg_tsx reg[REG_TSX_SLOTS]; /* REGISTER answers, for retransmissions */
	struct rb_ratelimit rl_bad;        /* the "bad request" log line */
	struct rb_ratelimit rl_send;       /* "send failed" (a peer gone, a full buffer) */
	struct rb_ratelimit rl_reg;        /* "REGISTER refused" */
	struct sipmsg in;                  /* the message received */
	struct sipmsg inv;                 /* a stored INVITE parsed again */
};

int tsx_init(struct center *c)
{
	c->tsx = calloc(1, sizeof *c->tsx);
	return c->tsx ? 0 : ENOMEM;
}

void tsx_fini(struct center *c)
{
	if (c->tsx)
		for (size_t i = 0; i < REG_TSX_SLOTS; i++)
			free(c->tsx->reg[i].resp);
	free(c->tsx);
	c->tsx = NULL;
}

static const char allow_hdr[] = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n";
/* A call relayed to an operator's phone takes UPDATE too (sip_reinv.c). */
static const char allow_relay[] = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n";
/* The option-tags the center supports in a Require: none. */
#define CENTER_SUPPORTED ""

/* ---- the Call-ID table ---- */

static uint32_t hash_cid(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

struct call *tsx_find(struct center *c, struct sip_span id)
{
	uint32_t h = hash_cid(id.p, id.len);
	for (struct call *x = c->ht[h & (c->ht_size - 1)]; x; x = x->hnext)
		if (x->hash == h && x->call_id_len == id.len && !memcmp(x->call_id, id.p, id.len))
			return x;
	return NULL;
}

static void ht_grow(struct center *c)
{
	size_t ns = c->ht_size * 2;
	struct call **nt = calloc(ns, sizeof *nt);
	if (!nt)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < c->ht_size; i++)
		for (struct call *x = c->ht[i], *nx; x; x = nx) {
			nx = x->hnext;
			x->hnext = nt[x->hash & (ns - 1)];
			nt[x->hash & (ns - 1)] = x;
		}
	free(c->ht);
	c->ht = nt;
	c->ht_size = ns;
}

static void ht_insert(struct center *c, struct call *call)
{
	if (c->n_calls >= c->ht_size)
		ht_grow(c);
	struct call **b = &c->ht[call->hash & (c->ht_size - 1)];
	call->hnext = *b;
	*b = call;
	c->n_calls++;
}

static void ht_remove(struct center *c, struct call *call)
{
	for (struct call **p = &c->ht[call->hash & (c->ht_size - 1)]; *p; p = &(*p)->hnext)
		if (*p == call) {
			*p = call->hnext;
			c->n_calls--;
			return;
		}
}

void tsx_call_free(struct call *call)
{
	struct center *c = call->ctr;
	ht_remove(c, call);
	tmr_stop(&c->tq, &call->t_ctr);
	tmr_stop(&c->tq, &call->t_join);
	tmr_stop(&c->tq, &call->t_retx);
	tmr_stop(&c->tq, &call->t_limit);
	if (call->ringing) { /* only at shutdown */
		if (call->rprev)
			call->rprev->rnext = call->rnext;
		else
			c->ring_head = call->rnext;
		if (call->rnext)
			call->rnext->rprev = call->rprev;
		else
			c->ring_tail = call->rprev;
	}
	if (call->sx)
		call->sx->call = NULL;
	ops_detach(call);
	reinv_free(call);
	stp_peer_unref(&call->peer);
	free(call->call_id);
	free(call->invite);
	free(call->retx);
	free(call->row);
	free(call);
}

static void on_linger(struct tmr *t, void *arg)
{
	tsx_call_free(arg);
}

void tsx_maybe_linger(struct call *call)
{
	if (call->lingering || !call->ended || call->sst != CS_DONE)
		return;
	call->lingering = true;
	free(call->invite);
	call->invite = NULL;
	free(call->retx);
	call->retx = NULL;
	tmr_stop(&call->ctr->tq, &call->t_retx);
	tmr_start(&call->ctr->tq, &call->t_limit,
		  call->peer.kind == STP_UDP ? SIP_LINGER_UDP : SIP_LINGER_TCP, on_linger, call);
}

/* ---- sending ---- */

static void send_buf(struct center *c, const struct stp_peer *peer, const char *b, size_t n)
{
	int e = stp_send(&c->tp, peer, b, n);
	unsigned held = 0;
	if (e && rb_log_ratelimit(&c->tsx->rl_send, 1, &held))
		rb_log(LOG_INFO, "send failed: %s (%u more since the last line)", strerror(e), held);
}

static size_t contact_line(const struct stp_peer *p, char *buf, size_t n)
{
	int k = snprintf(buf, n, "Contact: <sip:center@%s:%d%s>\r\n", stp_local_host(p),
			 stp_local_port(p), p->kind == STP_TCP ? ";transport=tcp" : "");
	return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

void tsx_send(struct center *c, const struct stp_peer *peer, const char *buf, size_t len)
{
	send_buf(c, peer, buf, len);
}

const char *tsx_scratch(const struct center *c)
{
	return c->tsx->obuf;
}

size_t tsx_contact_allow(const struct center *c, const struct stp_peer *p, char *buf, size_t n)
{
	(void)c;
	size_t k = contact_line(p, buf, n);
	int a = snprintf(buf + k, n - k, "%s", allow_relay);
	return a < 0 || (size_t)a >= n - k ? 0 : k + (size_t)a;
}

/* Replies to req; returns the length written into obuf (0 on failure). */
static size_t reply(struct center *c, const struct stp_peer *peer, const struct sipmsg *req,
		    int status, const char *reason, const char *to_tag, const char *hdrs,
		    const char *body, size_t body_len, bool do_send)
{
	struct sipmsg_reply r = {.status = status, .reason = reason, .to_tag = to_tag,
				 .record_route = status > 100 && status < 300 &&
						 req->method_id == SIP_INVITE,
				 .hdrs = hdrs, .hdrs_len = hdrs ? strlen(hdrs) : 0};
	if (body) {
		r.content_type = "application/sdp";
		r.body = body;
		r.body_len = body_len;
	}
	size_t len = 0;
	char *obuf = c->tsx->obuf;
	if (sipmsg_reply_write(obuf, sizeof c->tsx->obuf, req, &r, &len)) {
		rb_log(LOG_INFO, "cannot build a %d response", status);
		return 0;
	}
	if (do_send)
		send_buf(c, peer, obuf, len);
	return len;
}

size_t tsx_reply(struct center *c, const struct stp_peer *peer, const struct sipmsg *req,
		 int status, const char *to_tag, const char *hdrs, const char *body, size_t body_len)
{
	return reply(c, peer, req, status, NULL, to_tag, hdrs, body, body_len, true);
}

/* The SDP answer to the INVITE's offer: the offer's first audio payload type. */
static size_t sdp_answer(const struct call *call, const struct sipmsg *inv, char *buf, size_t n)
{
	int pt = 0;
	const char *b = inv->body.p, *e = b ? b + inv->body.len : NULL;
	for (const char *l = b; l && l < e;) {
		const char *eol = memchr(l, '\n', (size_t)(e - l));
		if (!eol)
			eol = e;
		if (eol - l > 8 && !memcmp(l, "m=audio ", 8)) {
			/* m=audio PORT PROTO FMT ... */
			const char *q = l + 8;
			int sp = 0;
			while (q < eol && sp < 2)
				if (*q++ == ' ')
					sp++;
			if (q < eol && *q >= '0' && *q <= '9')
				pt = (int)strtol(q, NULL, 10);
			break;
		}
		l = eol + 1;
	}
	const char *host = stp_local_host(&call->peer);
	bool v6 = host[0] == '[';
	char h[64];
	snprintf(h, sizeof h, "%.*s", v6 ? (int)strlen(host) - 2 : (int)strlen(host), host + v6);
	int k = snprintf(buf, n,
			 "v=0\r\no=secretaryd %" PRIu64 " 1 IN IP%c %s\r\ns=secretaryd\r\n"
			 "c=IN IP%c %s\r\nt=0 0\r\nm=audio %d RTP/AVP %d\r\na=sendrecv\r\n",
			 (uint64_t)call->row_seq_hint, v6 ? '6' : '4', h, v6 ? '6' : '4', h,
			 40000 + (int)(call->row_seq_hint % 10000) * 2, pt);
	return k < 0 ? 0 : (size_t)k;
}

/* The call's INVITE parsed again (into the center's scratch), or NULL. */
static const struct sipmsg *parse_invite(struct call *call)
{
	struct sipmsg *pm = &call->ctr->tsx->inv;
	if (!call->invite)
		return NULL;
	if (sipmsg_parse(pm, call->invite, call->invite_len, SIPMSG_STRICT)) {
		rb_log(LOG_ERR, "%s: stored INVITE does not parse again", call->call_id);
		return NULL;
	}
	return pm;
}

const struct sipmsg *tsx_invite(struct call *call)
{
	return parse_invite(call);
}

static void keep_retx(struct call *call, size_t len)
{
	free(call->retx);
	call->retx = malloc(len);
	call->retx_len = call->retx ? len : 0;
	if (call->retx)
		memcpy(call->retx, call->ctr->tsx->obuf, len);
}

static void on_retx(struct tmr *t, void *arg)
{
	struct call *call = arg;
	struct center *c = call->ctr;
	if (!call->retx)
		return;
	send_buf(c, &call->peer, call->retx, call->retx_len);
	call->retx_iv = call->retx_iv * 2 > SIP_T2 ? SIP_T2 : call->retx_iv * 2;
	tmr_start(&c->tq, &call->t_retx, call->retx_iv, on_retx, call);
}

static void on_timeout(struct tmr *t, void *arg)
{
	struct call *call = arg;
	tmr_stop(&call->ctr->tq, &call->t_retx);
	switch (call->sst) {
	case CS_ANSWERED: /* Timer H: no ACK for the 200 */
		center_no_ack(call);
		break;
	case CS_REJECTED: /* Timer H after 487/4xx/503 */
	case CS_BYE_SENT: /* Timer F: our BYE unanswered */
		if (call->sst == CS_BYE_SENT)
			rb_log(LOG_INFO, "%s: no answer to our BYE (Timer F)", call->call_id);
		call->sst = CS_DONE;
		break;
	default:
		break;
	}
	tsx_maybe_linger(call);
}

/* Starts retransmitting the scratch obuf[0..len) (UDP: Timer G/E) with a Timer H/F limit. */
static void start_retx(struct call *call, size_t len)
{
	struct center *c = call->ctr;
	keep_retx(call, len);
	if (call->peer.kind == STP_UDP) {
		call->retx_iv = SIP_T1;
		tmr_start(&c->tq, &call->t_retx, SIP_T1, on_retx, call);
	}
	tmr_start(&c->tq, &call->t_limit, 64 * SIP_T1, on_timeout, call);
}

int tsx_send_answer(struct call *call, const char *op_sdp, size_t op_sdp_len)
{
	struct center *c = call->ctr;
	const struct sipmsg *pm = parse_invite(call);
	if (!pm)
		return EINVAL;
	char sdp[512], hdrs[256];
	size_t sl = op_sdp && op_sdp_len ? 0 : sdp_answer(call, pm, sdp, sizeof sdp);
	size_t hl = contact_line(&call->peer, hdrs, sizeof hdrs);
	snprintf(hdrs + hl, sizeof hdrs - hl, "%s", ops_relaying(call) ? allow_relay : allow_hdr);
	size_t len = reply(c, &call->peer, pm, 200, NULL, call->to_tag, hdrs,
			   sl ? sdp : op_sdp, sl ? sl : op_sdp_len, true);
	if (!len)
		return EINVAL;
	call->sst = CS_ANSWERED;
	start_retx(call, len);
	return 0;
}

int tsx_send_final(struct call *call, int status)
{
	struct center *c = call->ctr;
	const struct sipmsg *pm = parse_invite(call);
	if (!pm)
		return EINVAL;
	size_t len = reply(c, &call->peer, pm, status, NULL, call->to_tag,
			   status == 503 ? "Retry-After: 30\r\n" : NULL, NULL, 0, true);
	if (!len)
		return EINVAL;
	call->sst = CS_REJECTED;
	start_retx(call, len);
	return 0;
}

size_t tsx_request(struct call *call, const struct tsx_req *q)
{
	struct center *c = call->ctr;
	const struct sipmsg *pm = parse_invite(call);
	if (!pm)
		return 0;
	char via[200], from[1024], ruri[512];
	if (!q->branch[0])
		snprintf(q->branch, q->branch_n, "z9hG4bKsd%c%" PRIx64 "x%s", q->method[0] | 0x20,
			 ++c->tag_seq, call->to_tag);
	snprintf(via, sizeof via, "SIP/2.0/%s %s:%d;branch=%s;rport",
		 call->peer.kind == STP_TCP ? "TCP" : "UDP", stp_local_host(&call->peer),
		 stp_local_port(&call->peer), q->branch);
	snprintf(from, sizeof from, "%.*s;tag=%s", (int)pm->to.len, pm->to.p, call->to_tag);
	struct sip_span target = {0}, v;
	struct sip_addr a;
	const char *refreshed = reinv_target(call);
	if (refreshed)
		target = sip_span_cstr(refreshed);
	else if (sipmsg_hdr_value(pm, SIP_HDR_CONTACT, 0, &v) == 0 && sipmsg_addr_parse(v, &a) == 0)
		target = a.uri_text;
	else if (sipmsg_addr_parse(pm->from, &a) == 0)
		target = a.uri_text;
	snprintf(ruri, sizeof ruri, "%.*s", (int)target.len, target.p);
	const struct sip_hdr *rr = sipmsg_hdr(pm, SIP_HDR_RECORD_ROUTE, 0);
	struct sipmsg_request r = {
		.method = q->method,
		.ruri = sip_span_cstr(ruri),
		.via = sip_span_cstr(via),
		.from = sip_span_cstr(from),
		.to = pm->from,
		.call_id = pm->call_id,
		.cseq = q->cseq,
		.max_forwards = -1,
		.hdrs = q->hdrs,
		.hdrs_len = q->hdrs ? strlen(q->hdrs) : 0,
		.content_type = q->body ? "application/sdp" : NULL,
		.body = q->body,
		.body_len = q->body ? q->body_len : 0,
	};
	if (rr)
		r.route = rr->value;
	size_t len = 0;
	if (sipmsg_request_write(c->tsx->obuf, sizeof c->tsx->obuf, &r, &len)) {
		rb_log(LOG_ERR, "%s: cannot build our %s", call->call_id, q->method);
		return 0;
	}
	return len;
}

int tsx_send_bye(struct call *call)
{
	struct center *c = call->ctr;
	if (call->sst == CS_DONE || call->sst == CS_BYE_SENT || !call->invite)
		return EINVAL;
	reinv_end(call); /* a relay in flight is closed first (a 2xx's ACK before the BYE) */
	tmr_stop(&c->tq, &call->t_retx);
	tmr_stop(&c->tq, &call->t_limit);
	char br[64] = "";
	struct tsx_req q = {.method = "BYE", .cseq = ++call->lcseq, .branch = br,
			    .branch_n = sizeof br};
	size_t len = tsx_request(call, &q);
	if (!len) {
		call->sst = CS_DONE;
		return EINVAL;
	}
	send_buf(c, &call->peer, c->tsx->obuf, len);
	call->sst = CS_BYE_SENT;
	start_retx(call, len);
	return 0;
}

/* ---- a new call ---- */

static void copy_span(char *dst, size_t n, struct sip_span s)
{
	size_t k = s.len < n - 1 ? s.len : n - 1;
	memcpy(dst, s.p, k);
	dst[k] = 0;
}

static void hdr_copy(const struct sipmsg *m, const char *name, char *dst, size_t n)
{
	const struct sip_hdr *h = sipmsg_hdr_byname(m, name, 0);
	if (h)
		copy_span(dst, n, h->value);
}

/* Forwarding from Diversion (RFC 5806) or History-Info (RFC 7044). */
static enum call_fwd forwarding_of(const struct sipmsg *m, struct callrec *r)
{
	enum call_fwd f = FWD_UNKNOWN;
	struct sip_diversion d;
	if (sipmsg_diversion(m, 0, &d) == 0 && d.reason.len) {
		copy_span(r->diversion_reason, sizeof r->diversion_reason, d.reason);
		if (sipmsg_span_ieq(d.reason, "unconditional"))
			f = FWD_UNCONDITIONAL;
		else if (sipmsg_span_ieq(d.reason, "no-answer"))
			f = FWD_NO_ANSWER;
	}
	struct sip_histinfo hi;
	int cause = 0;
	for (unsigned i = 0; i < 32 && sipmsg_histinfo(m, i, &hi) != ENOENT; i++)
		if (hi.cause)
			cause = hi.cause; /* the last cause: the latest retarget */
	if (cause) {
		snprintf(r->history_info_cause, sizeof r->history_info_cause, "%d", cause);
		if (f == FWD_UNKNOWN && cause == 302)
			f = FWD_UNCONDITIONAL;
		else if (f == FWD_UNKNOWN && cause == 408)
			f = FWD_NO_ANSWER;
	}
	return f;
}

static int find_type(const struct center *c, const char *name)
{
	for (size_t i = 0; i < c->scn->callers.n_types; i++)
		if (!strcasecmp(c->scn->callers.types[i].name, name))
			return (int)i;
	return -1;
}

/* The CDR row's fields known from the INVITE: who, how forwarded, what kind
 * of caller. *tenant_idx: the tenant's index, or -1 (then 404). */
static void fill_row(struct center *c, struct call *call, const struct sipmsg *m,
		     const struct stp_peer *peer, int *tenant_idx)
{
	struct cdr_row *row = call->row;
	struct callrec *r = &row->r;
	callrec_init(r);
	row->t_free = RB_T_NONE;
	rb_us now = center_now(c);
	r->t_invite = now;
	r->t_ringing = now;
	row->t_invite_epoch = rb_now_epoch_us();
	copy_span(r->call_id, sizeof r->call_id, m->call_id);
	copy_span(r->from_tag, sizeof r->from_tag, m->from_tag);
	struct sip_uri u;
	if (sipmsg_uri_parse(m->ruri, &u) == 0)
		copy_span(r->ruri_user, sizeof r->ruri_user, u.number);
	snprintf(r->transport, sizeof r->transport, "%s", stp_kind_name(peer->kind));
	stp_addr_str(&peer->addr, r->src, sizeof r->src);
	stp_local_str(peer, r->dst, sizeof r->dst);
	struct sip_addr fa;
	if (sipmsg_addr_parse(m->from, &fa) == 0) {
		copy_span(row->from_user, sizeof row->from_user, fa.uri.number);
		copy_span(row->caller_name, sizeof row->caller_name, fa.display);
	}
	hdr_copy(m, "X-Caller-Name", row->caller_name, sizeof row->caller_name);
	hdr_copy(m, "X-Caller-Company", row->caller_company, sizeof row->caller_company);
	hdr_copy(m, "X-Callback-Number", row->callback_number, sizeof row->callback_number);

	/* Who: the tenant from the Request-URI user. */
	*tenant_idx = r->ruri_user[0] ? scn_tenant_by_number(c->scn, r->ruri_user) : -1;
	r->tenant_idx = *tenant_idx;
	const struct scn_tenant *tn = *tenant_idx >= 0 ? &c->scn->tenants[*tenant_idx] : NULL;
	snprintf(r->tenant, sizeof r->tenant, "%s", tn ? tn->id : r->ruri_user);
	/* What kind of caller: X-Caller-Type, else an inquiry. */
	char ty[sizeof call->row->r.caller_type] = "inquiry";
	hdr_copy(m, "X-Caller-Type", ty, sizeof ty);
	snprintf(r->caller_type, sizeof r->caller_type, "%s", ty);
	call->type_idx = find_type(c, ty);
	if (call->type_idx < 0)
		call->type_idx = c->inquiry_idx >= 0 ? c->inquiry_idx : (c->scn->callers.n_types ? 0 : -1);
	r->type_idx = call->type_idx;
	if (!row->callback_number[0] && strcasecmp(ty, "no_callback"))
		snprintf(row->callback_number, sizeof row->callback_number, "%s", row->from_user);
	/* How it was forwarded: the INVITE's word, else the tenant's setting. */
	r->forwarding = forwarding_of(m, r);
	if (r->forwarding == FWD_UNKNOWN && tn)
		r->forwarding = tn->forwarding;
	r->no_answer = r->forwarding == FWD_NO_ANSWER && tn ? tn->no_answer : 0;
}

static struct call *call_new(struct center *c, const struct sipmsg *m, const struct stp_peer *peer,
			     int *tenant_idx)
{
	struct call *call = calloc(1, sizeof *call);
	struct cdr_row *row = calloc(1, sizeof *row);
	char *cid = malloc(m->call_id.len + 1), *inv = malloc(m->len);
	if (!call || !row || !cid || !inv) {
		free(call);
		free(row);
		free(cid);
		free(inv);
		return NULL;
	}
	memcpy(cid, m->call_id.p, m->call_id.len);
	cid[m->call_id.len] = 0;
	memcpy(inv, m->buf, m->len);
	call->ctr = c;
	call->call_id = cid;
	call->call_id_len = m->call_id.len;
	call->hash = hash_cid(cid, call->call_id_len);
	call->invite = inv;
	call->invite_len = m->len;
	call->peer = *peer;
	stp_peer_ref(&call->peer);
	call->row = row;
	tmr_init(&call->t_ctr);
	tmr_init(&call->t_join);
	tmr_init(&call->t_retx);
	tmr_init(&call->t_limit);
	call->row_seq_hint = ++c->tag_seq;
	snprintf(call->to_tag, sizeof call->to_tag, "sd%" PRIx64 "-%" PRIx64, call->row_seq_hint,
		 (uint64_t)(c->o.t0_epoch & 0xffffff));

	fill_row(c, call, m, peer, tenant_idx);
	ht_insert(c, call);
	return call;
}

static void on_invite(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct call *call = tsx_find(c, m->call_id);
	char hdrs[256];
	if (call) {
		if (m->to_tag.len == 0) { /* a retransmission: absorbed */
			if (call->sst == CS_PROCEEDING) {
				contact_line(&call->peer, hdrs, sizeof hdrs);
				reply(c, peer, m, 180, NULL, call->to_tag, hdrs, NULL, 0, true);
			} else if ((call->sst == CS_ANSWERED || call->sst == CS_REJECTED) && call->retx) {
				send_buf(c, peer, call->retx, call->retx_len);
			}
			return;
		}
		if (ops_relaying(call)) { /* the talk's re-INVITE: to the operator */
			reinv_on_request(call, m, peer);
			return;
		}
		if (call->sst == CS_CONFIRMED) { /* a re-INVITE: same answer */
			char sdp[512];
			size_t hl = contact_line(peer, hdrs, sizeof hdrs);
			snprintf(hdrs + hl, sizeof hdrs - hl, "%s", allow_hdr);
			size_t sl = sdp_answer(call, m, sdp, sizeof sdp);
			reply(c, peer, m, 200, NULL, NULL, hdrs, sdp, sl, true);
			reinv_refresh(call, m); /* its Contact, if any, is where our BYE goes */
		} else {
			reply(c, peer, m, 491, NULL, NULL, NULL, NULL, 0, true);
		}
		return;
	}
	if (m->to_tag.len) { /* in a dialog we do not know */
		reply(c, peer, m, 481, NULL, NULL, NULL, NULL, 0, true);
		return;
	}
	int ti;
	call = call_new(c, m, peer, &ti);
	if (!call) {
		reply(c, peer, m, 500, "Out Of Memory", NULL, NULL, NULL, 0, true);
		return;
	}
	if (c->draining || center_backlog_full(c)) {
		center_call_reject(call, 503);
		return;
	}
	if (ti < 0) {
		rb_log(LOG_INFO, "%s: no tenant has number '%s': 404", call->call_id,
		       call->row->r.ruri_user);
		center_call_reject(call, 404);
		return;
	}
	reply(c, peer, m, 100, NULL, NULL, NULL, NULL, 0, true);
	contact_line(peer, hdrs, sizeof hdrs);
	reply(c, peer, m, 180, NULL, call->to_tag, hdrs, NULL, 0, true);
	center_call_arrive(call);
}

static void on_ack(struct center *c, const struct sipmsg *m)
{
	struct call *call = tsx_find(c, m->call_id);
	if (!call || reinv_on_ack(call, m)) /* unknown, or a relayed re-INVITE's */
		return;
	if (call->sst == CS_ANSWERED) {
		call->sst = CS_CONFIRMED;
		ops_caller_ack(call, m); /* a delayed offer's answer, to the operator */
	} else if (call->sst == CS_REJECTED) {
		call->sst = CS_DONE;
	} else {
		return; /* a retransmitted ACK, or one crossing our BYE */
	}
	tmr_stop(&c->tq, &call->t_retx);
	tmr_stop(&c->tq, &call->t_limit);
	free(call->retx);
	call->retx = NULL;
	tsx_maybe_linger(call);
}

static void on_cancel(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct call *call = tsx_find(c, m->call_id);
	if (!call) {
		reply(c, peer, m, 481, NULL, NULL, NULL, NULL, 0, true);
		return;
	}
	reply(c, peer, m, 200, NULL, call->to_tag, NULL, NULL, 0, true);
	if (call->sst == CS_PROCEEDING)
		center_call_cancelled(call); /* sends the 487 */
	/* else the 200 (or a final) crossed it: nothing changes */
}

static void on_bye(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct call *call = tsx_find(c, m->call_id);
	if (!call || call->sst == CS_PROCEEDING || call->sst == CS_REJECTED) {
		reply(c, peer, m, 481, NULL, NULL, NULL, NULL, 0, true);
		return;
	}
	reply(c, peer, m, 200, NULL, NULL, NULL, NULL, 0, true);
	if (call->sst == CS_ANSWERED || call->sst == CS_CONFIRMED) {
		reinv_end(call);
		tmr_stop(&c->tq, &call->t_retx);
		tmr_stop(&c->tq, &call->t_limit);
		call->sst = CS_DONE;
		center_caller_bye(call);
	}
	/* BYE_SENT (both hung up at once): our BYE's answer still ends it;
	 * DONE: a retransmission, answered again. */
	tsx_maybe_linger(call);
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211u;
	return h;
}

/* The transaction key of a REGISTER from src (never 0). */
static uint64_t reg_key(const struct sipmsg *m, const char *src)
{
	struct sip_via v = {0};
	struct sipmsg_iter it = {0};
	sipmsg_via_next(m, &it, &v);
	uint64_t h = fnv64(14695981039346656037u, m->call_id.p, m->call_id.len);
	h = fnv64(h, &m->cseq, sizeof m->cseq);
	h = fnv64(h, v.branch.p, v.branch.len);
	h = fnv64(h, src, strlen(src));
	return h ? h : 1;
}

/* A retransmission of a REGISTER answered over UDP: the same answer again. */
static bool reg_absorbed(struct center *c, const struct stp_peer *peer, uint64_t key, rb_us now)
{
	struct reg_tsx *x = &c->tsx->reg[key % REG_TSX_SLOTS];
	if (peer->kind != STP_UDP || x->key != key || now - x->t > SIP_LINGER_UDP || !x->resp)
		return false;
	send_buf(c, peer, x->resp, x->len);
	return true;
}

static void reg_keep(struct center *c, const struct stp_peer *peer, uint64_t key, rb_us now,
		     size_t len)
{
	struct reg_tsx *x = &c->tsx->reg[key % REG_TSX_SLOTS];
	if (peer->kind != STP_UDP || !len)
		return;
	if (x->cap < len) {
		char *b = realloc(x->resp, len);
		if (!b) {
			x->key = 0; /* the slot forgets: a copy is answered afresh */
			return;
		}
		x->resp = b;
		x->cap = len;
	}
	memcpy(x->resp, c->tsx->obuf, len);
	x->key = key;
	x->t = now;
	x->len = len;
}

/* REGISTER: the registrar decides (registrar.h), the answer goes back
 * from here; the expiry timer follows the bindings. */
static void on_register(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	char src[REG_SOURCE_MAX], addr[64];
	snprintf(src, sizeof src, "%s %s", stp_kind_name(peer->kind),
		 stp_addr_str(&peer->addr, addr, sizeof addr));
	rb_us now = rb_now_mono_us();
	uint64_t key = reg_key(m, src);
	if (reg_absorbed(c, peer, key, now))
		return;
	struct reg_answer a;
	registrar_handle(c->reg, m, src, now, &a);
	unsigned held = 0;
	if (a.status >= 400 && a.status != 401 && rb_log_ratelimit(&c->tsx->rl_reg, 1, &held))
		rb_log(LOG_NOTICE, "REGISTER from %s refused: %d (%s; %u more since the last line)",
		       src, a.status, a.why ? a.why : "", held);
	char tag[24];
	snprintf(tag, sizeof tag, "sdr%" PRIx64, ++c->tag_seq);
	size_t len = reply(c, peer, m, a.status, a.reason, tag, a.hdrs_len ? a.hdrs : NULL, NULL, 0,
			   true);
	reg_keep(c, peer, key, now, len);
	center_reg_rearm(c);
}

static void on_response(struct center *c, const struct sipmsg *m)
{
	struct call *call;
	if (m->cseq_method_id == SIP_INVITE || m->cseq_method_id == SIP_UPDATE) {
		if ((call = tsx_find(c, m->call_id))) /* to a re-INVITE or UPDATE relayed */
			reinv_on_response(call, m);
		return;
	}
	if (m->cseq_method_id != SIP_BYE || m->status < 200)
		return;
	call = tsx_find(c, m->call_id);
	if (!call || call->sst != CS_BYE_SENT)
		return;
	tmr_stop(&c->tq, &call->t_retx);
	tmr_stop(&c->tq, &call->t_limit);
	call->sst = CS_DONE;
	tsx_maybe_linger(call);
}

/* UPDATE (RFC 3311): relayed in a call talking through an operator leg;
 * otherwise 405, as before (the center answers no offer of its own). */
static void on_update(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	struct call *call = tsx_find(c, m->call_id);
	if (call && m->to_tag.len && ops_relaying(call))
		reinv_on_request(call, m, peer);
	else
		reply(c, peer, m, 405, NULL, NULL, allow_hdr, NULL, 0, true);
}

/* A request requiring an option the center lacks: 420 with Unsupported
 * (RFC 3261 8.2.2.3), true. ACK and CANCEL are never refused so. */
static bool refuse_require(struct center *c, const struct sipmsg *m, const struct stp_peer *peer)
{
	char unsup[256], hdrs[300];
	if (m->method_id == SIP_ACK || m->method_id == SIP_CANCEL ||
	    !sipmsg_unsupported(m, CENTER_SUPPORTED, unsup, sizeof unsup))
		return false;
	snprintf(hdrs, sizeof hdrs, "Unsupported: %s\r\n", unsup);
	reply(c, peer, m, 420, NULL, NULL, hdrs, NULL, 0, true);
	return true;
}

void tsx_on_message(const char *buf, size_t len, const struct stp_peer *peer, void *arg)
{
	struct center *c = arg;
	if (c->stopping)
		return;
	struct sipmsg *m = &c->tsx->in;
	if (sipmsg_parse(m, buf, len, SIPMSG_STRICT)) {
		if (m->err_status && m->is_request && m->method_id != SIP_ACK) {
			char from[80];
			unsigned held = 0;
			c->st.bad_requests++;
			/* a flood of them is one line a second (st.bad_requests counts every one) */
			if (rb_log_ratelimit(&c->tsx->rl_bad, 1, &held))
				rb_log(LOG_NOTICE, "bad request from %s: %d %s (%u more since the last line)",
				       stp_addr_str(&peer->addr, from, sizeof from), m->err_status,
				       sipmsg_err_reason(m->err), held);
			reply(c, peer, m, m->err_status, sipmsg_err_reason(m->err), NULL, NULL, NULL, 0,
			      true);
		} else {
			c->st.dropped++;
		}
		return;
	}
	if (c->reg && ops_on_message(c, m)) /* an operator leg's (center_ops.c) */
		return;
	if (!m->is_request) {
		on_response(c, m);
		return;
	}
	if (refuse_require(c, m, peer))
		return;
	switch (m->method_id) {
	case SIP_INVITE:
		on_invite(c, m, peer);
		break;
	case SIP_ACK:
		on_ack(c, m);
		break;
	case SIP_CANCEL:
		on_cancel(c, m, peer);
		break;
	case SIP_BYE:
		on_bye(c, m, peer);
		break;
	case SIP_OPTIONS:
		reply(c, peer, m, 200, NULL, NULL,
		      c->reg ? "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER\r\n"
			       "Accept: application/sdp\r\n"
			     : "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\nAccept: application/sdp\r\n",
		      NULL, 0, true);
		break;
	case SIP_REGISTER:
		if (c->reg) {
			on_register(c, m, peer);
			break;
		}
		reply(c, peer, m, 405, NULL, NULL, allow_hdr, NULL, 0, true);
		break;
	case SIP_UPDATE:
		on_update(c, m, peer);
		break;
	case SIP_PRACK: /* no reliable 1xx is ever sent: nothing to acknowledge (RFC 3262 3) */
		reply(c, peer, m, 481, NULL, NULL, NULL, NULL, 0, true);
		break;
	case SIP_METHOD_UNKNOWN:
		reply(c, peer, m, 501, NULL, NULL, allow_hdr, NULL, 0, true);
		break;
	default: /* a SIP method this center does not take */
		reply(c, peer, m, 405, NULL, NULL, allow_hdr, NULL, 0, true);
		break;
	}
}
