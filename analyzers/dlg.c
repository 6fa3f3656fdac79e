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

/* What is reported of a call: read at its events and its end only. */
struct call_rec {
	struct callrec r;
	struct dlg_extra x;
};

/*
 * A call as every message sees it: the fields the lookup and the lists
 * touch, then the key, in the first cache lines; the record (~800 bytes)
 * behind it in the same allocation, so that a message costs no miss on it
 * unless it changes it.
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
	size_t cid_len, tag_len;
	struct call_rec *cr; /* after the key, in the same block */
	char key[]; /* Call-ID, NUL, From tag, NUL: r's key points here when long */
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
	struct htab calls;
	struct lnode open, over, challenged;
	size_t n;
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
	return d;
}

static void call_free(struct dlg *d, struct call *c)
{
	htab_remove(&d->calls, &c->h);
	list_unlink(&c->l);
	free(c);
	d->n--;
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

static struct call *find(struct dlg *d, struct sip_span cid, struct sip_span tag)
{
	if (!cid.len)
		return NULL;
	uint64_t hv = key_hash(cid, tag);
	for (struct hnode *x = htab_first(&d->calls, hv); x; x = htab_next(x, hv)) {
		struct call *c = container_of(x, struct call, h);
		if (c->cid_len == cid.len && c->tag_len == tag.len &&
		    !memcmp(c->key, cid.p, cid.len) &&
		    (!tag.len || !memcmp(c->key + cid.len + 1, tag.p, tag.len)))
			return c;
	}
	return NULL;
}

static void fire(struct dlg *d, enum dlg_event ev, const struct call *c, rb_us t)
{
	if (d->hk.event)
		d->hk.event(ev, &c->cr->r, t, d->hk.arg);
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
	struct callrec *r = &c->cr->r;
	waiting_end(d, c, now);
	if (r->t_answer != RB_T_NONE)
		r->outcome = OUTCOME_ANSWERED;
	else if (r->final_status == 487 || r->t_cancel != RB_T_NONE)
		r->outcome = OUTCOME_ABANDONED;
	else if (r->final_status >= 300)
		r->outcome = OUTCOME_REJECTED;
	else
		r->outcome = OUTCOME_INCOMPLETE;
	r->screened = -1;
	if (d->hk.done)
		d->hk.done(r, &c->cr->x, d->hk.arg);
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

/* Forwarding, Request-URI user, addresses: from the first INVITE. */
static void fill_invite(struct dlg *d, struct call *c, const struct sipmsg *m,
			const struct pkt_l4 *pkt)
{
	struct callrec *r = &c->cr->r;
	struct sip_uri u;
	if (sipmsg_uri_parse(m->ruri, &u) == 0) {
		put(r->ruri_user, sizeof(r->ruri_user), u.number);
		put(r->tenant, sizeof(r->tenant), u.number);
	}
	struct sip_diversion dv;
	if (sipmsg_diversion(m, 0, &dv) == 0 && dv.reason.len) {
		put(r->diversion_reason, sizeof(r->diversion_reason), dv.reason);
		if (sipmsg_span_ieq(dv.reason, "unconditional"))
			r->forwarding = FWD_UNCONDITIONAL;
		else if (sipmsg_span_ieq(dv.reason, "no-answer"))
			r->forwarding = FWD_NO_ANSWER;
	}
	struct sip_histinfo hi;
	int cause = 0;
	for (unsigned i = 0; i < 32 && sipmsg_histinfo(m, i, &hi) != ENOENT; i++)
		if (hi.cause > 0)
			cause = hi.cause; /* the last retargeting's cause */
	if (cause > 0 && cause < 1000) {
		snprintf(r->history_info_cause, sizeof(r->history_info_cause), "%d", cause);
		if (r->forwarding == FWD_UNKNOWN) {
			if (cause == 302)
				r->forwarding = FWD_UNCONDITIONAL;
			else if (cause == 408)
				r->forwarding = FWD_NO_ANSWER;
		}
	}
	memcpy(r->transport, pkt->proto == 6 ? "tcp" : "udp", 4);
	fmt_addr(&d->src, r->src, pkt->af, pkt->src, pkt->sport);
	fmt_addr(&d->dst, r->dst, pkt->af, pkt->dst, pkt->dport);
}

static int initial_invite(struct dlg *d, const struct sipmsg *m, rb_us t, const struct pkt_l4 *pkt)
{
	struct sip_span br = top_branch(m);
	struct call *c = find(d, m->call_id, m->from_tag);
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
		if (c->cr->r.t_answer == RB_T_NONE) {
			c->cr->r.t_final = RB_T_NONE;
			c->cr->r.final_status = 0;
			if (c->over)
				reopen(d, c, t);
			if (!c->waiting && c->cr->r.t_cancel == RB_T_NONE) {
				c->waiting = true;
				if (d->hk.waiting)
					d->hk.waiting(t, +1, d->hk.arg);
			}
		}
		c->invite_cseq = m->cseq;
		c->branch_len = br.len;
		c->branch_hash = htab_hash(HTAB_SEED, br.p, br.len);
		c->cr->x.invites++;
		if (!c->over) {
			c->last = t;
			list_touch(&d->open, &c->l);
		}
		return 1;
	}
	size_t cl = m->call_id.len, tl = m->from_tag.len;
	size_t off = (sizeof(*c) + cl + tl + 2 + 15) & ~(size_t)15; /* the record, aligned */
	c = calloc(1, off + sizeof(struct call_rec));
	if (!c)
		return ENOMEM;
	c->cr = (struct call_rec *)(void *)((char *)c + off);
	callrec_init(&c->cr->r);
	c->cid_len = cl;
	c->tag_len = tl;
	memcpy(c->key, m->call_id.p, cl);
	if (tl)
		memcpy(c->key + cl + 1, m->from_tag.p, tl);
	callrec_set_key(&c->cr->r, c->key, c->key + cl + 1);
	c->cr->r.t_invite = t;
	c->cr->x.t_bye_ok = RB_T_NONE;
	c->cr->x.invites = 1;
	c->invite_cseq = m->cseq;
	c->branch_len = br.len;
	c->branch_hash = htab_hash(HTAB_SEED, br.p, br.len);
	fill_invite(d, c, m, pkt);
	c->last = t;
	c->waiting = true;
	htab_insert(&d->calls, &c->h, key_hash(m->call_id, m->from_tag));
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
	struct callrec *r = &c->cr->r;
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
	if (!c && m->to_tag.len)
		c = find(d, m->call_id, m->to_tag);
	if (!c)
		return 0;
	struct callrec *r = &c->cr->r;
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
		 c->cr->x.t_bye_ok == RB_T_NONE)
		c->cr->x.t_bye_ok = t;
	return 1;
}
