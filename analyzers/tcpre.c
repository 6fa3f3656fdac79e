/*
 * tcpre: TCP reassembly and framing; see tcpre.h.
 *
 * The fast path frames straight from the segment when the flow holds no
 * earlier bytes, and copies only what is left of an unfinished message.
 */
#include "tcpre.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "sipmsg.h"

enum fstate { F_NEW = 0, F_SIP, F_IGNORE };

struct seg {
	struct seg *next;
	uint32_t seq;
	size_t len;
	uint8_t data[];
};

struct flow {
	struct hnode h;
	struct lnode l; /* by last activity */
	uint8_t af;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool have_next;
	uint32_t next;
	enum fstate state;
	int64_t last;
	char *buf;
	size_t len, cap;
	struct seg *ooo; /* sorted by seq */
	size_t ooo_bytes;
};

struct tcpre {
	struct astats *st;
	tcpre_msg_h *h;
	void *arg;
	struct htab flows;
	struct lnode lru;
	size_t n;
};

struct tcpre *tcpre_new(struct astats *st, tcpre_msg_h *h, void *arg)
{
	struct tcpre *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (htab_init(&t->flows, 256)) {
		free(t);
		return NULL;
	}
	t->st = st;
	t->h = h;
	t->arg = arg;
	list_init(&t->lru);
	return t;
}

static bool only_crlf(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != '\r' && b[i] != '\n')
			return false;
	return true;
}

static void flow_free(struct tcpre *t, struct flow *f)
{
	if ((f->len && f->state != F_IGNORE && !only_crlf(f->buf, f->len)) || f->ooo)
		t->st->n[ASKIP_TCP_GAP]++;
	while (f->ooo) {
		struct seg *s = f->ooo;
		f->ooo = s->next;
		free(s);
	}
	htab_remove(&t->flows, &f->h);
	list_unlink(&f->l);
	free(f->buf);
	free(f);
	t->n--;
}

void tcpre_free(struct tcpre *t)
{
	if (!t)
		return;
	while (!list_empty(&t->lru))
		flow_free(t, container_of(t->lru.next, struct flow, l));
	htab_fini(&t->flows);
	free(t);
}

size_t tcpre_flows(const struct tcpre *t)
{
	return t->n;
}

static uint64_t flow_hash(const struct pkt_l4 *p)
{
	uint64_t h = htab_hash(HTAB_SEED, p->src, 16);
	h = htab_hash(h, p->dst, 16);
	uint16_t ports[2] = {p->sport, p->dport};
	return htab_hash(h, ports, sizeof(ports));
}

static struct flow *flow_get(struct tcpre *t, const struct pkt_l4 *p, bool create)
{
	uint64_t hv = flow_hash(p);
	for (struct hnode *x = htab_first(&t->flows, hv); x; x = htab_next(x, hv)) {
		struct flow *f = container_of(x, struct flow, h);
		if (f->sport == p->sport && f->dport == p->dport && f->af == p->af &&
		    !memcmp(f->src, p->src, 16) && !memcmp(f->dst, p->dst, 16))
			return f;
	}
	if (!create)
		return NULL;
	if (t->n >= TCPRE_FLOW_MAX) {
		t->st->n[ASKIP_TCP_TABLE_FULL]++;
		return NULL;
	}
	struct flow *f = calloc(1, sizeof(*f));
	if (!f) {
		t->st->n[ASKIP_TCP_TABLE_FULL]++;
		return NULL;
	}
	f->af = p->af;
	memcpy(f->src, p->src, 16);
	memcpy(f->dst, p->dst, 16);
	f->sport = p->sport;
	f->dport = p->dport;
	htab_insert(&t->flows, &f->h, hv);
	list_init(&f->l);
	list_append(&t->lru, &f->l);
	t->n++;
	return f;
}

static bool has_ci(const uint8_t *b, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && (b[i + j] | 0x20) == (lit[j] | 0x20))
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/*
 * Decides what a stream carries from its first bytes; stays F_NEW while too
 * few bytes have come to tell (no line end yet, under 512 bytes).
 */
static void classify(struct tcpre *t, struct flow *f, const uint8_t *b, size_t n)
{
	if (n >= 2 && b[0] == 0x16 && b[1] == 0x03) {
		f->state = F_IGNORE;
		t->st->n[ASKIP_TLS]++;
	} else if (n >= 4 && !memcmp(b, "GET ", 4)) {
		if (has_ci(b, n, "upgrade: websocket")) {
			f->state = F_IGNORE;
			t->st->n[ASKIP_WEBSOCKET]++;
		} else if (has_ci(b, n, "\r\n\r\n") || n >= 4096) {
			f->state = F_IGNORE;
			t->st->n[ASKIP_NOT_SIP]++;
		}
	} else if (sipmsg_probe((const char *)b, n) || only_crlf((const char *)b, n) ||
		   has_ci(b, n, "SIP/2.0")) {
		f->state = F_SIP;
	} else if (memchr(b, '\n', n) || n >= 512) {
		f->state = F_IGNORE;
		t->st->n[ASKIP_NOT_SIP]++;
	}
}

/* Frames messages from b[0..n); returns the bytes consumed. */
static size_t frame(struct tcpre *t, const struct pkt_l4 *p, const char *b, size_t n)
{
	size_t off = 0;
	while (off < n) {
		size_t sk = 0, ml = 0;
		int rc = sipmsg_frame(b + off, n - off, SIPMSG_LENIENT, &sk, &ml);
		if (rc == 0) {
			t->h(p, b + off + sk, ml, t->arg);
			off += sk + ml;
		} else if (rc == EAGAIN) {
			off += sk;
			break;
		} else if (rc == EMSGSIZE) {
			t->st->n[ASKIP_TCP_OVERFLOW]++;
			off += sk + 1;
		} else {
			off = n; /* cannot happen in lenient mode: drop what we hold */
			break;
		}
	}
	return off;
}

static int buf_append(struct flow *f, const uint8_t *d, size_t n)
{
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < f->len + n)
			cap *= 2;
		char *b = realloc(f->buf, cap);
		if (!b)
			return ENOMEM;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, d, n);
	f->len += n;
	return 0;
}

/* In-order bytes: frame from the segment directly when nothing is held. */
static void deliver(struct tcpre *t, struct flow *f, const struct pkt_l4 *p, const uint8_t *d,
		    size_t n)
{
	f->next += (uint32_t)n;
	if (f->state == F_IGNORE)
		return;
	if (f->state == F_NEW) {
		if (f->len == 0)
			classify(t, f, d, n);
		if (f->state == F_NEW || f->len) { /* decide on all the bytes so far */
			if (f->len + n > 65536 || buf_append(f, d, n)) {
				f->state = F_IGNORE;
				t->st->n[ASKIP_NOT_SIP]++;
				f->len = 0;
				return;
			}
			if (f->state == F_NEW)
				classify(t, f, (const uint8_t *)f->buf, f->len);
			if (f->state == F_IGNORE)
				f->len = 0;
			if (f->state != F_SIP)
				return;
			d += n; /* the bytes are in the buffer now */
			n = 0;
		}
	}
	if (f->state != F_SIP)
		return;
	if (f->len == 0) {
		size_t used = frame(t, p, (const char *)d, n);
		d += used;
		n -= used;
		if (n == 0)
			return;
	}
	if (n) {
		if (f->len + n > TCPRE_BUF_MAX || buf_append(f, d, n)) {
			t->st->n[ASKIP_TCP_OVERFLOW]++;
			f->len = 0;
			return;
		}
		if (f->len == n) /* only the new bytes: already framed above */
			return;
	}
	size_t used = frame(t, p, f->buf, f->len);
	if (used) {
		memmove(f->buf, f->buf + used, f->len - used);
		f->len -= used;
	}
	if (f->cap > 65536 && f->len < f->cap / 4) { /* give back a big buffer */
		size_t cap = f->len > 4096 ? f->len : 4096;
		char *b = realloc(f->buf, cap);
		if (b) {
			f->buf = b;
			f->cap = cap;
		}
	}
}

/* Delivers early segments that are now in order. */
static void drain(struct tcpre *t, struct flow *f, const struct pkt_l4 *p)
{
	while (f->ooo) {
		struct seg *s = f->ooo;
		int32_t d = (int32_t)(s->seq - f->next);
		if (d > 0)
			break;
		f->ooo = s->next;
		f->ooo_bytes -= s->len;
		if ((int64_t)s->len + d > 0)
			deliver(t, f, p, s->data + (size_t)(-d), s->len - (size_t)(-d));
		free(s);
	}
}

/* Keeps an early segment; on overflow skips the hole. */
static void hold(struct tcpre *t, struct flow *f, const struct pkt_l4 *p)
{
	struct seg **pp = &f->ooo;
	while (*pp && (int32_t)((*pp)->seq - p->seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == p->seq && (*pp)->len >= p->len) {
		t->st->n[ASKIP_TCP_RETRANSMITTED]++;
		return;
	}
	struct seg *s = malloc(sizeof(*s) + p->len);
	if (s) {
		s->seq = p->seq;
		s->len = p->len;
		memcpy(s->data, p->data, p->len);
		s->next = *pp;
		*pp = s;
		f->ooo_bytes += p->len;
	}
	if (!s || f->ooo_bytes > TCPRE_OOO_MAX) {
		/* The hole will not be filled in time: lose it and what was held. */
		t->st->n[ASKIP_TCP_GAP]++;
		f->len = 0;
		if (f->ooo) {
			f->next = f->ooo->seq;
			drain(t, f, p);
		}
	}
}

static void expire(struct tcpre *t, int64_t now)
{
	while (!list_empty(&t->lru)) {
		struct flow *f = container_of(t->lru.next, struct flow, l);
		if (now - f->last < TCPRE_IDLE_NS)
			break;
		flow_free(t, f);
	}
}

void tcpre_segment(struct tcpre *t, const struct pkt_l4 *p)
{
	expire(t, p->ts_ns);
	bool closing = p->tcp_flags & (PKT_TCP_FIN | PKT_TCP_RST);
	struct flow *f = flow_get(t, p, p->len > 0 || (p->tcp_flags & PKT_TCP_SYN));
	if (!f)
		return;
	f->last = p->ts_ns;
	list_touch(&t->lru, &f->l);
	if (p->tcp_flags & PKT_TCP_SYN) {
		if (f->state != F_NEW || f->len || f->ooo) { /* a new connection, same ports */
			flow_free(t, f);
			f = flow_get(t, p, true);
			if (!f)
				return;
			f->last = p->ts_ns;
		}
		f->next = p->seq + 1;
		f->have_next = true;
		return; /* data on a SYN (TFO) is not SIP we can frame */
	}
	if (p->len > 0) {
		if (!f->have_next) { /* the capture started mid-stream */
			f->next = p->seq;
			f->have_next = true;
		}
		int32_t d = (int32_t)(p->seq - f->next);
		if (d < 0) {
			if ((int64_t)p->len + d <= 0) {
				t->st->n[ASKIP_TCP_RETRANSMITTED]++;
			} else {
				deliver(t, f, p, p->data + (size_t)(-d), p->len - (size_t)(-d));
				drain(t, f, p);
			}
		} else if (d == 0) {
			deliver(t, f, p, p->data, p->len);
			drain(t, f, p);
		} else {
			hold(t, f, p);
		}
	}
	if (closing)
		flow_free(t, f);
}
