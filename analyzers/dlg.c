/*
 * dlg: SIP call tracking; see dlg.h for the rules.
 *
 * Calls live in a hash table keyed by Call-ID + From tag, compared whole
 * (each call holds its key in full behind its struct, one allocation), and
 * in one of three lists: `open` ordered by last message (closed after
 * DLG_IDLE without one), `over` ordered by when they ended (reported
 * DLG_LINGER later, so late retransmissions and the BYE's 200 still find
 * them) and `challenged` ordered by their 401/407 (reported DLG_CHALLENGE
 * later unless the INVITE is sent again with credentials).
 */
#include "dlg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"

/*
 * A call while it is open: the fields the lookup and the lists touch first,
 * then what the wire gave (times, the INVITE's forwarding and Request-URI
 * user, raw addresses), then the key. About 300 bytes where the callrec is
 * about 830: a message touches few cache lines, and the callrec is built
 * once, into the dlg's one reused record, when the call is reported (or an
 * event hook wants it). Reused through a free list (most keys fit
 * DLG_KEY_SLOT), so a call costs no allocation once the run is warm.
 */
struct call {
	struct hnode h;
	struct lnode l;
	rb_us last; /* last message (open) or end (over, challenged) */
	uint64_t branch_hash; /* the top Via branch of the current INVITE, whole */
	size_t branch_len;
	uint32_t invite_cseq;
	bool over; /* in `over` or `challenged` */
	bool waiting;
	uint8_t af, proto; /* the first INVITE's */
	uint16_t sport, dport;
	uint32_t cid_len, tag_len; /* bytes key[] can hold */
	rb_us t_invite, t_ringing, t_answer, t_cancel, t_final, t_end, t_bye_ok;
	int final_status;
	int invites; /* INVITE transactions (dlg_extra) */
	enum call_fwd forwarding;
	uint8_t src[16], dst[16];
	char ruri_user[sizeof(((struct callrec *)0)->ruri_user)];
	char diversion_reason[sizeof(((struct callrec *)0)->diversion_reason)];
	char history_info_cause[sizeof(((struct callrec *)0)->history_info_cause)];
	char rb_call[sizeof(((struct callrec *)0)->rb_call)];
	char key[]; /* Call-ID, NUL, From tag, NUL: the record's key points here when long */
};

/* key[] bytes of a pooled call: most Call-IDs and tags fit. */
#define DLG_KEY_SLOT 160
/* Calls kept for reuse at most (freed beyond). */
#define DLG_POOL_MAX 65536

/* The last value read of a kind (the Request-URI, a lone Diversion header)
 * and what was read from it: a center's calls mostly go to a few numbers
 * and are forwarded the same few ways, and the URI and address parses were
 * a fifth of an INVITE's cost. Values longer than DLG_MEMO_MAX are read
 * every time. */
#define DLG_MEMO_MAX 160
struct val_memo {
	size_t len; /* of raw; 0: nothing kept */
	char raw[DLG_MEMO_MAX];
	char out[sizeof(((struct callrec *)0)->ruri_user)]; /* the field, whole */
	enum call_fwd fwd;
};

/* The last address formatted on one side: a capture's calls mostly share
 * their addresses (SIPp and one center), and inet_ntop per call showed. */
struct addr_memo {
	bool ok;
	uint8_t af;
	uint16_t port;
	uint8_t addr[16];
	char s[sizeof(((struct callrec *)0)->src)];
};

struct dlg {
	struct dlg_hooks hk;
	struct addr_memo src, dst;
	struct val_memo ruri, div;
	struct htab calls;
	struct lnode open, over, challenged;
	size_t n;
	struct lnode pool; /* free calls with DLG_KEY_SLOT key bytes */
	size_t n_pool;
	struct call *recent; /* the call found last (NULL once freed): a call's
				messages come in bursts (INVITE, 100, 180; 200, ACK;
				BYE, 200), so the next one is often its own */
	struct callrec rec; /* the record built for a hook (build) */
	struct dlg_extra x;
};

struct dlg *dlg_new(const struct dlg_hooks *hooks)
{
	struct dlg *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (htab_init(&d->calls, 1024)) {
		free(d);
		return NULL;
	}
	d->hk = *hooks;
	list_init(&d->open);
	list_init(&d->over);
	list_init(&d->challenged);
	list_init(&d->pool);
	return d;
}

/* A call with room for key bytes of key: from the pool when it fits. */
static struct call *call_alloc(struct dlg *d, size_t key)
{
	if (key <= DLG_KEY_SLOT && !list_empty(&d->pool)) {
		struct lnode *l = d->pool.prev;
		list_unlink(l);
		d->n_pool--;
		return container_of(l, struct call, l);
	}
	return malloc(sizeof(struct call) + (key <= DLG_KEY_SLOT ? DLG_KEY_SLOT : key));
}

static void call_free(struct dlg *d, struct call *c)
{
	if (d->recent == c)
		d->recent = NULL;
	htab_remove(&d->calls, &c->h);
	list_unlink(&c->l);
	d->n--;
	if ((size_t)c->cid_len + c->tag_len + 2 <= DLG_KEY_SLOT && d->n_pool < DLG_POOL_MAX) {
		list_append(&d->pool, &c->l); /* LIFO below: the block last used is reused */
		d->n_pool++;
		return;
	}
	free(c);
}

void dlg_free(struct dlg *d)
{
	if (!d)
		return;
	while (!list_empty(&d->open))
		call_free(d, container_of(d->open.next, struct call, l));
	while (!list_empty(&d->over))
		call_free(d, container_of(d->over.next, struct call, l));
	while (!list_empty(&d->challenged))
		call_free(d, container_of(d->challenged.next, struct call, l));
	while (!list_empty(&d->pool)) {
		struct lnode *l = d->pool.next;
		list_unlink(l);
		free(container_of(l, struct call, l));
	}
	htab_fini(&d->calls);
	free(d);
}

size_t dlg_open_calls(const struct dlg *d)
{
	return d->n;
}

/* Copies a span into a fixed field, truncated, NUL-terminated. */
static void put(char *dst, size_t n, struct sip_span s)
{
	size_t l = s.len < n - 1 ? s.len : n - 1;
	if (l)
		memcpy(dst, s.p, l);
	dst[l] = '\0';
}

/* The whole key: Call-ID, then From tag. */
static uint64_t key_hash(struct sip_span cid, struct sip_span tag)
{
	/* (where the Call-ID ends is in the hash's length word; a collision
	 * would only cost a compare) */
	return htab_hash(htab_hash(HTAB_SEED, cid.p, cid.len), tag.p, tag.len);
}

/* a[0, n) == b[0, n): 8 bytes a step, the tail by one overlapping word
 * (keys are short: memcmp's call and dispatch cost more than the compare). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	if (n < 8) { /* 4 to 7 bytes by two 4-byte loads (overlapping), fewer a byte a step */
		uint32_t p, q, r, s;
		if (n < 4) {
			for (size_t i = 0; i < n; i++)
				if (a[i] != b[i])
					return false;
			return true;
		}
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&s, b + n - 4, 4);
		return ((p ^ q) | (r ^ s)) == 0;
	}
	for (size_t i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* c's key is (cid, tag). */
static inline bool has_key(const struct call *c, struct sip_span cid, struct sip_span tag)
{
	return c->cid_len == cid.len && c->tag_len == tag.len &&
	       same_bytes(c->key, cid.p, cid.len) && same_bytes(c->key + cid.len + 1, tag.p, tag.len);
}

/* The call of key (cid, tag) of hash hv, or NULL. */
static struct call *find_h(struct dlg *d, struct sip_span cid, struct sip_span tag, uint64_t hv)
{
	for (struct hnode *x = htab_first(&d->calls, hv); x; x = htab_next(x, hv)) {
		struct call *c = container_of(x, struct call, h);
		if (has_key(c, cid, tag))
			return c;
	}
	return NULL;
}

/* The call of key (cid, tag), or NULL: the recent one when it is that
 * (keys are unique in the table: initial_invite looks before it adds), else
 * by the hash. */
static struct call *find(struct dlg *d, struct sip_span cid, struct sip_span tag)
{
	if (!cid.len)
		return NULL;
	if (d->recent && has_key(d->recent, cid, tag))
		return d->recent;
	struct call *c = find_h(d, cid, tag, key_hash(cid, tag));
	if (c)
		d->recent = c;
	return c;
}

/* The call's record so far, into d->rec (and d->x); see fill_invite. */
static struct callrec *build(struct dlg *d, const struct call *c);

static void fire(struct dlg *d, enum dlg_event ev, const struct call *c, rb_us t)
{
	if (d->hk.event)
		d->hk.event(ev, build(d, c), t, d->hk.arg);
}

static void waiting_end(struct dlg *d, struct call *c, rb_us t)
{
	if (!c->waiting)
		return;
	c->waiting = false;
	if (d->hk.waiting)
		d->hk.waiting(t, -1, d->hk.arg);
}

static void set_over(struct dlg *d, struct call *c, rb_us t)
{
	if (c->over)
		return;
	c->over = true;
	c->last = t;
	list_unlink(&c->l);
	list_append(&d->over, &c->l);
}

/* A 401/407: the INVITE may come again with credentials (docs/analyze.md). */
static void set_challenged(struct dlg *d, struct call *c, rb_us t)
{
	if (c->over)
		return;
	c->over = true;
	c->last = t;
	list_unlink(&c->l);
	list_append(&d->challenged, &c->l);
}

static void reopen(struct dlg *d, struct call *c, rb_us t)
{
	c->over = false;
	c->last = t;
	list_unlink(&c->l);
	list_append(&d->open, &c->l);
}

static void report(struct dlg *d, struct call *c, rb_us now)
{
	waiting_end(d, c, now);
	if (!d->hk.done) {
		call_free(d, c);
		return;
	}
	struct callrec *r = build(d, c);
	if (r->t_answer != RB_T_NONE)
		r->outcome = OUTCOME_ANSWERED;
	else if (r->final_status == 487 || r->t_cancel != RB_T_NONE)
		r->outcome = OUTCOME_ABANDONED;
	else if (r->final_status >= 300)
		r->outcome = OUTCOME_REJECTED;
	else
		r->outcome = OUTCOME_INCOMPLETE;
	r->screened = -1;
	d->hk.done(r, &d->x, d->hk.arg);
	call_free(d, c);
}

void dlg_tick(struct dlg *d, rb_us now)
{
	while (!list_empty(&d->over)) {
		struct call *c = container_of(d->over.next, struct call, l);
		if (now - c->last < DLG_LINGER)
			break;
		report(d, c, now);
	}
	while (!list_empty(&d->challenged)) {
		struct call *c = container_of(d->challenged.next, struct call, l);
		if (now - c->last < DLG_CHALLENGE)
			break;
		report(d, c, now);
	}
	while (!list_empty(&d->open)) {
		struct call *c = container_of(d->open.next, struct call, l);
		if (now - c->last < DLG_IDLE)
			break;
		report(d, c, now);
	}
}

void dlg_flush(struct dlg *d, rb_us now)
{
	while (!list_empty(&d->over))
		report(d, container_of(d->over.next, struct call, l), now);
	while (!list_empty(&d->challenged))
		report(d, container_of(d->challenged.next, struct call, l), now);
	while (!list_empty(&d->open))
		report(d, container_of(d->open.next, struct call, l), now);
}

static struct sip_span top_branch(const struct sipmsg *m)
{
	struct sip_span br = {NULL, 0};
	if (sipmsg_top_branch(m, &br) != 0)
		br.len = 0;
	return br;
}

/* pktdec_fmt_addr into out (a callrec address field), through m. */
static void fmt_addr(struct addr_memo *m, char *out, int af, const uint8_t *addr, uint16_t port)
{
	if (!m->ok || m->af != af || m->port != port || memcmp(m->addr, addr, 16) != 0) {
		pktdec_fmt_addr(m->s, sizeof(m->s), af, addr, port);
		m->ok = true;
		m->af = (uint8_t)af;
		m->port = port;
		memcpy(m->addr, addr, 16);
	}
	memcpy(out, m->s, strlen(m->s) + 1);
}

static struct callrec *build(struct dlg *d, const struct call *c)
{
	struct callrec *r = &d->rec;
	callrec_init(r);
	callrec_set_key_n(r, c->key, c->cid_len, c->key + c->cid_len + 1, c->tag_len);
	memcpy(r->ruri_user, c->ruri_user, sizeof(r->ruri_user));
	memcpy(r->tenant, c->ruri_user, sizeof(r->ruri_user));
	memcpy(r->diversion_reason, c->diversion_reason, sizeof(r->diversion_reason));
	memcpy(r->history_info_cause, c->history_info_cause, sizeof(r->history_info_cause));
	memcpy(r->rb_call, c->rb_call, sizeof(r->rb_call));
	r->forwarding = c->forwarding;
	r->t_invite = c->t_invite;
	r->t_ringing = c->t_ringing;
	r->t_answer = c->t_answer;
	r->t_cancel = c->t_cancel;
	r->t_final = c->t_final;
	r->t_end = c->t_end;
	r->final_status = c->final_status;
	memcpy(r->transport, c->proto == 6 ? "tcp" : "udp", 4);
	fmt_addr(&d->src, r->src, c->af, c->src, c->sport);
	fmt_addr(&d->dst, r->dst, c->af, c->dst, c->dport);
	d->x.t_bye_ok = c->t_bye_ok;
	d->x.invites = c->invites;
	return r;
}

/* The memo's field for the value v (whole, n bytes), when it holds it. */
static bool memo_get(const struct val_memo *mm, struct sip_span v, char *out, size_t n)
{
	if (!mm->len || v.len != mm->len || !same_bytes(mm->raw, v.p, v.len))
		return false;
	memcpy(out, mm->out, n);
	return true;
}

static void memo_put(struct val_memo *mm, struct sip_span v, const char *out, size_t n,
		     enum call_fwd fwd)
{
	if (!v.len || v.len > sizeof(mm->raw))
		return;
	memcpy(mm->raw, v.p, v.len);
	mm->len = v.len;
	memcpy(mm->out, out, n);
	mm->fwd = fwd;
}

/* The Request-URI's user into out (a zeroed ruri_user field). */
static void ruri_user(struct dlg *d, const struct sipmsg *m, char *out, size_t n)
{
	struct sip_uri u;
	if (memo_get(&d->ruri, m->ruri, out, n))
		return;
	if (sipmsg_uri_parse(m->ruri, &u) == 0)
		put(out, n, u.number);
	memo_put(&d->ruri, m->ruri, out, n, FWD_UNKNOWN);
}

/* The first Diversion's reason into out (a zeroed diversion_reason field),
 * and the forwarding it says. With one Diversion line the answer is the
 * line's value's alone, so that is the memo's key. */
static enum call_fwd diversion(struct dlg *d, const struct sipmsg *m, char *out, size_t n)
{
	const struct sip_hdr *h = sipmsg_hdr(m, SIP_HDR_DIVERSION, 0);
	if (!h) /* most INVITEs: no walk of the value iterators to say so */
		return FWD_UNKNOWN;
	bool lone = !sipmsg_hdr(m, SIP_HDR_DIVERSION, 1);
	if (lone && memo_get(&d->div, h->value, out, n))
		return d->div.fwd;
	struct sip_diversion dv;
	enum call_fwd f = FWD_UNKNOWN;
	if (sipmsg_diversion(m, 0, &dv) == 0 && dv.reason.len) {
		put(out, n, dv.reason);
		if (sipmsg_span_ieq(dv.reason, "unconditional"))
			f = FWD_UNCONDITIONAL;
		else if (sipmsg_span_ieq(dv.reason, "no-answer"))
			f = FWD_NO_ANSWER;
	}
	if (lone)
		memo_put(&d->div, h->value, out, n, f);
	return f;
}

/* Forwarding, Request-URI user, addresses: from the first INVITE. */
static void fill_invite(struct dlg *d, struct call *c, const struct sipmsg *m,
			const struct pkt_l4 *pkt)
{
	/* whole fields defined: build copies them whole, the row reads them whole */
	memset(c->ruri_user, 0, sizeof(c->ruri_user));
	memset(c->diversion_reason, 0, sizeof(c->diversion_reason));
	memset(c->history_info_cause, 0, sizeof(c->history_info_cause));
	memset(c->rb_call, 0, sizeof(c->rb_call));
	ruri_user(d, m, c->ruri_user, sizeof(c->ruri_user));
	c->forwarding = diversion(d, m, c->diversion_reason, sizeof(c->diversion_reason));
	const struct sip_hdr *xc = sipmsg_hdr_byname(m, "X-RB-Call", 0);
	if (xc)
		put(c->rb_call, sizeof(c->rb_call), xc->value);
	struct sip_histinfo hi;
	int cause = 0;
	for (unsigned i = 0; i < 32 && sipmsg_hdr(m, SIP_HDR_HISTORY_INFO, 0) &&
			     sipmsg_histinfo(m, i, &hi) != ENOENT;
	     i++)
		if (hi.cause > 0)
			cause = hi.cause; /* the last retargeting's cause */
	if (cause > 0 && cause < 1000) {
		snprintf(c->history_info_cause, sizeof(c->history_info_cause), "%d", cause);
		if (c->forwarding == FWD_UNKNOWN) {
			if (cause == 302)
				c->forwarding = FWD_UNCONDITIONAL;
			else if (cause == 408)
				c->forwarding = FWD_NO_ANSWER;
		}
	}
	c->af = (uint8_t)pkt->af;
	c->proto = pkt->proto;
	c->sport = pkt->sport;
	c->dport = pkt->dport;
	memcpy(c->src, pkt->src, 16);
	memcpy(c->dst, pkt->dst, 16);
}

static int initial_invite(struct dlg *d, const struct sipmsg *m, rb_us t, const struct pkt_l4 *pkt)
{
	struct sip_span br = top_branch(m);
	struct call *c = find(d, m->call_id, m->from_tag); /* (call_id not empty: dlg_track) */
	if (c) {
		bool same = br.len ? (br.len == c->branch_len &&
				      htab_hash(HTAB_SEED, br.p, br.len) == c->branch_hash)
				   : m->cseq == c->invite_cseq;
		if (same || (int32_t)(m->cseq - c->invite_cseq) < 0) {
			c->last = c->over ? c->last : t; /* a retransmission */
			if (!c->over)
				list_touch(&d->open, &c->l);
			return 1;
		}
		/* A new INVITE transaction of the same call (after a challenge). */
		if (c->t_answer == RB_T_NONE) {
			c->t_final = RB_T_NONE;
			c->final_status = 0;
			if (c->over)
				reopen(d, c, t);
			if (!c->waiting && c->t_cancel == RB_T_NONE) {
				c->waiting = true;
				if (d->hk.waiting)
					d->hk.waiting(t, +1, d->hk.arg);
			}
		}
		c->invite_cseq = m->cseq;
		c->branch_len = br.len;
		c->branch_hash = htab_hash(HTAB_SEED, br.p, br.len);
		c->invites++;
		if (!c->over) {
			c->last = t;
			list_touch(&d->open, &c->l);
		}
		return 1;
	}
	size_t cl = m->call_id.len, tl = m->from_tag.len;
	c = call_alloc(d, cl + tl + 2);
	if (!c)
		return ENOMEM;
	c->over = false;
	c->cid_len = (uint32_t)cl;
	c->tag_len = (uint32_t)tl;
	memcpy(c->key, m->call_id.p, cl);
	c->key[cl] = '\0';
	if (tl)
		memcpy(c->key + cl + 1, m->from_tag.p, tl);
	c->key[cl + 1 + tl] = '\0';
	c->t_invite = t;
	c->t_ringing = c->t_answer = c->t_cancel = c->t_final = c->t_end = RB_T_NONE;
	c->t_bye_ok = RB_T_NONE;
	c->final_status = 0;
	c->invites = 1;
	c->invite_cseq = m->cseq;
	c->branch_len = br.len;
	c->branch_hash = htab_hash(HTAB_SEED, br.p, br.len);
	fill_invite(d, c, m, pkt);
	c->last = t;
	c->waiting = true;
	htab_insert(&d->calls, &c->h, key_hash(m->call_id, m->from_tag));
	d->recent = c;
	list_init(&c->l);
	list_append(&d->open, &c->l);
	d->n++;
	if (d->hk.waiting)
		d->hk.waiting(t, +1, d->hk.arg);
	fire(d, DLG_EV_INVITE, c, t);
	return 1;
}

static void invite_response(struct dlg *d, struct call *c, const struct sipmsg *m, rb_us t)
{
	struct call *r = c; /* the wire's fields are the call's own */
	if (m->cseq != c->invite_cseq)
		return; /* an earlier transaction's, or a re-INVITE's */
	int s = m->status;
	if (s == 180 || s == 183) {
		if (r->t_ringing == RB_T_NONE) {
			r->t_ringing = t;
			fire(d, DLG_EV_RINGING, c, t);
		}
	} else if (s >= 200 && s < 300) {
		if (r->t_answer == RB_T_NONE) {
			r->t_answer = t;
			if (r->t_final == RB_T_NONE || r->final_status >= 300) {
				r->t_final = t;
				r->final_status = s;
			}
			waiting_end(d, c, t);
			fire(d, DLG_EV_ANSWERED, c, t);
		}
	} else if (s >= 300) {
		if (r->t_final == RB_T_NONE && r->t_answer == RB_T_NONE) {
			r->t_final = t;
			r->final_status = s;
			waiting_end(d, c, t);
			if (s == 401 || s == 407)
				set_challenged(d, c, t);
			else
				set_over(d, c, t);
			fire(d, DLG_EV_FINAL, c, t);
		}
	}
}

int dlg_track(struct dlg *d, const struct sipmsg *m, rb_us t, const struct pkt_l4 *pkt)
{
	if (!m->call_id.len)
		return 0;
	if (m->is_request && m->method_id == SIP_INVITE && !m->to_tag.len)
		return initial_invite(d, m, t, pkt);
	struct call *c = find(d, m->call_id, m->from_tag);
	if (!c) { /* (the To tag read only now: sipmsg_scan_call leaves it) */
		struct sip_span tt = sipmsg_to_tag(m);
		if (tt.len)
			c = find(d, m->call_id, tt);
	}
	if (!c)
		return 0;
	struct call *r = c;
	if (!c->over) {
		c->last = t;
		list_touch(&d->open, &c->l);
	}
	if (m->is_request) {
		switch (m->method_id) {
		case SIP_CANCEL:
			if (r->t_cancel == RB_T_NONE) {
				r->t_cancel = t;
				waiting_end(d, c, t);
				fire(d, DLG_EV_CANCEL, c, t);
			}
			break;
		case SIP_BYE:
			if (r->t_end == RB_T_NONE) {
				r->t_end = t;
				waiting_end(d, c, t);
				set_over(d, c, t);
			}
			break;
		default:
			break;
		}
		return 1;
	}
	if (m->cseq_method_id == SIP_INVITE)
		invite_response(d, c, m, t);
	else if (m->cseq_method_id == SIP_BYE && m->status >= 200 && m->status < 300 &&
		 c->t_bye_ok == RB_T_NONE)
		c->t_bye_ok = t;
	return 1;
}
