/*
 * pktdec: link, IP, fragment and tunnel layers down to UDP and TCP; see
 * pktdec.h. Every length is checked against what was captured before it is
 * read; a header that does not fit is counted as truncated_packet.
 */
#include "pktdec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"

struct frag {
	struct hnode h;
	struct lnode l; /* by first-fragment time, oldest first */
	uint8_t af, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	int64_t t_first;
	uint8_t *buf;
	size_t cap;
	uint32_t total;	  /* payload length, known once the last fragment came; 0 before */
	uint32_t covered; /* 8-byte blocks received */
	uint8_t bits[8192 / 8];
};

struct pktdec {
	struct astats *st;
	pktdec_l4_h *h;
	void *arg;
	struct htab frags;
	struct lnode fq;
	size_t nfrag;
};

/* What the IP layer knows when it hands its payload on. */
struct l3 {
	int64_t ts;
	uint8_t af;
	uint8_t src[16], dst[16];
	int depth;
};

static void ip_packet(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth);
static void ether(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth);
static void ethertype(struct pktdec *d, int64_t ts, uint16_t type, const uint8_t *p, size_t n,
		      int depth);

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void skip(struct pktdec *d, enum askip k)
{
	d->st->n[k]++;
}

struct pktdec *pktdec_new(struct astats *st, pktdec_l4_h *h, void *arg)
{
	struct pktdec *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (htab_init(&d->frags, 64)) {
		free(d);
		return NULL;
	}
	d->st = st;
	d->h = h;
	d->arg = arg;
	list_init(&d->fq);
	return d;
}

static void frag_drop(struct pktdec *d, struct frag *f)
{
	htab_remove(&d->frags, &f->h);
	list_unlink(&f->l);
	free(f->buf);
	free(f);
	d->nfrag--;
}

void pktdec_free(struct pktdec *d)
{
	if (!d)
		return;
	while (!list_empty(&d->fq)) {
		skip(d, ASKIP_FRAG_INCOMPLETE);
		frag_drop(d, container_of(d->fq.next, struct frag, l));
	}
	htab_fini(&d->frags);
	free(d);
}

size_t pktdec_frag_pending(const struct pktdec *d)
{
	return d->nfrag;
}

int pktdec_dlt_supported(int dlt)
{
	switch (dlt) {
	case PKTDEC_DLT_NULL:
	case PKTDEC_DLT_EN10MB:
	case PKTDEC_DLT_RAW:
	case PKTDEC_DLT_RAW_ALT:
	case PKTDEC_LINKTYPE_RAW:
	case PKTDEC_DLT_LOOP:
	case PKTDEC_DLT_LINUX_SLL:
	case PKTDEC_DLT_IPV4:
	case PKTDEC_DLT_IPV6:
	case PKTDEC_DLT_LINUX_SLL2:
		return 1;
	}
	return 0;
}

/* Decimal digits of v (< 100000) at b; returns the count. */
static int put_dec(char *b, unsigned v)
{
	char t[5];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		b[i] = t[n - 1 - i];
	return n;
}

void pktdec_fmt_addr(char *buf, size_t n, int af, const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN + 8] = "";
	if (af == 4) {
		/* inet_ntop's dotted quad, by hand: once per call in the analyzer */
		int k = 0;
		for (int i = 0; i < 4; i++) {
			k += put_dec(a + k, addr[i]);
			a[k++] = i < 3 ? '.' : ':';
		}
		k += put_dec(a + k, port);
		a[k] = '\0';
		if (n) {
			size_t c = (size_t)k < n - 1 ? (size_t)k : n - 1;
			memcpy(buf, a, c);
			buf[c] = '\0';
		}
	} else {
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		snprintf(buf, n, "[%s]:%u", a, port);
	}
}

/* ---- transport ---- */

static void udp(struct pktdec *d, const struct l3 *c, const uint8_t *p, size_t n)
{
	if (n < 8) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	size_t ulen = rd16(p + 4);
	if (ulen < 8) {
		skip(d, ASKIP_BAD_IP);
		return;
	}
	if (ulen > n) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	struct pkt_l4 l = {.ts_ns = c->ts, .af = c->af, .proto = 17};
	memcpy(l.src, c->src, 16);
	memcpy(l.dst, c->dst, 16);
	l.sport = rd16(p);
	l.dport = rd16(p + 2);
	if (l.sport == 2152 || l.dport == 2152 || l.sport == 2123 || l.dport == 2123) {
		skip(d, ASKIP_GTP);
		return;
	}
	l.data = p + 8;
	l.len = ulen - 8;
	d->h(&l, d->arg);
}

static void tcp(struct pktdec *d, const struct l3 *c, const uint8_t *p, size_t n)
{
	if (n < 20) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	size_t off = (size_t)(p[12] >> 4) * 4;
	if (off < 20) {
		skip(d, ASKIP_BAD_IP);
		return;
	}
	if (off > n) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	struct pkt_l4 l = {.ts_ns = c->ts, .af = c->af, .proto = 6};
	memcpy(l.src, c->src, 16);
	memcpy(l.dst, c->dst, 16);
	l.sport = rd16(p);
	l.dport = rd16(p + 2);
	l.seq = rd32(p + 4);
	l.tcp_flags = p[13] & 0x07;
	l.data = p + off;
	l.len = n - off;
	d->h(&l, d->arg);
}

static void gre(struct pktdec *d, const struct l3 *c, const uint8_t *p, size_t n);

/* The payload of an IP datagram (whole, after reassembly). */
static void ip_payload(struct pktdec *d, const struct l3 *c, int proto, const uint8_t *p, size_t n)
{
	switch (proto) {
	case 17:
		udp(d, c, p, n);
		return;
	case 6:
		tcp(d, c, p, n);
		return;
	case 4:	 /* IPv4 in IP */
	case 41: /* IPv6 in IP */
		if (c->depth + 1 >= PKTDEC_MAX_DEPTH) {
			skip(d, ASKIP_TUNNEL_DEPTH);
			return;
		}
		ip_packet(d, c->ts, p, n, c->depth + 1);
		return;
	case 47:
		gre(d, c, p, n);
		return;
	case 132:
		skip(d, ASKIP_SCTP);
		return;
	default:
		skip(d, ASKIP_IP_PROTO);
	}
}

/* ---- GRE and ERSPAN ---- */

static void gre(struct pktdec *d, const struct l3 *c, const uint8_t *p, size_t n)
{
	if (c->depth + 1 >= PKTDEC_MAX_DEPTH) {
		skip(d, ASKIP_TUNNEL_DEPTH);
		return;
	}
	if (n < 4) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	uint16_t flags = rd16(p), type = rd16(p + 2);
	if ((flags & 0x0007) != 0) { /* version 1 is PPTP's enhanced GRE */
		skip(d, ASKIP_GRE_OTHER);
		return;
	}
	size_t off = 4;
	if (flags & 0x8000) /* checksum + reserved */
		off += 4;
	if (flags & 0x2000) /* key */
		off += 4;
	if (flags & 0x1000) /* sequence number */
		off += 4;
	if (flags & 0x4000) { /* routing present (RFC 1701): not supported */
		skip(d, ASKIP_GRE_OTHER);
		return;
	}
	if (off > n) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	p += off;
	n -= off;
	switch (type) {
	case 0x0800:
	case 0x86DD:
		ip_packet(d, c->ts, p, n, c->depth + 1);
		return;
	case 0x6558: /* transparent Ethernet bridging */
		ether(d, c->ts, p, n, c->depth + 1);
		return;
	case 0x8847: /* MPLS in GRE (RFC 4023) */
	case 0x8848:
		ethertype(d, c->ts, type, p, n, c->depth + 1);
		return;
	case 0x88BE: /* ERSPAN: type II has an 8-byte header (S bit set); type I none */
		if (flags & 0x1000) {
			if (n < 8) {
				skip(d, ASKIP_TRUNCATED);
				return;
			}
			p += 8;
			n -= 8;
		}
		ether(d, c->ts, p, n, c->depth + 1);
		return;
	case 0x22EB: { /* ERSPAN type III: 12 bytes, +8 platform sub-header when O */
		if (n < 12) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		int ft = (p[10] >> 2) & 0x1f; /* frame type: 0 Ethernet */
		size_t h = 12 + ((p[11] & 0x01) ? 8 : 0);
		if (ft != 0) {
			skip(d, ASKIP_GRE_OTHER);
			return;
		}
		if (n < h) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		ether(d, c->ts, p + h, n - h, c->depth + 1);
		return;
	}
	default:
		skip(d, ASKIP_GRE_OTHER);
	}
}

/* ---- fragments ---- */

static void frag_expire(struct pktdec *d, int64_t now)
{
	while (!list_empty(&d->fq)) {
		struct frag *f = container_of(d->fq.next, struct frag, l);
		if (now - f->t_first < PKTDEC_FRAG_TIMEOUT_NS)
			break;
		skip(d, ASKIP_FRAG_INCOMPLETE);
		frag_drop(d, f);
	}
}

static uint64_t frag_hash(const struct l3 *c, uint32_t id, int proto)
{
	uint64_t h = htab_hash(HTAB_SEED, c->src, 16);
	h = htab_hash(h, c->dst, 16);
	h = htab_hash(h, &id, sizeof(id));
	uint8_t k[2] = {c->af, (uint8_t)proto};
	return htab_hash(h, k, 2);
}

/* Datagram id's reassembly, found or started; NULL when the table is full
 * (counted). */
static struct frag *frag_get(struct pktdec *d, const struct l3 *c, uint32_t id, int proto,
			     uint64_t hv)
{
	for (struct hnode *x = htab_first(&d->frags, hv); x; x = htab_next(x, hv)) {
		struct frag *g = container_of(x, struct frag, h);
		if (g->af == c->af && g->id == id && !memcmp(g->src, c->src, 16) &&
		    !memcmp(g->dst, c->dst, 16) && (c->af == 6 || g->proto == proto))
			return g;
	}
	struct frag *f = d->nfrag < PKTDEC_FRAG_MAX ? calloc(1, sizeof(*f)) : NULL;
	if (!f) {
		skip(d, ASKIP_FRAG_TABLE_FULL);
		return NULL;
	}
	f->af = c->af;
	f->proto = (uint8_t)proto;
	f->id = id;
	memcpy(f->src, c->src, 16);
	memcpy(f->dst, c->dst, 16);
	f->t_first = c->ts;
	htab_insert(&d->frags, &f->h, hv);
	list_init(&f->l);
	list_append(&d->fq, &f->l);
	d->nfrag++;
	return f;
}

/* Copies [off, off+n) into f's buffer and marks its 8-byte blocks. Returns
 * false when the buffer could not grow (f dropped, counted). */
static bool frag_store(struct pktdec *d, struct frag *f, size_t off, const uint8_t *p, size_t n)
{
	if (off + n > f->cap) {
		size_t cap = f->cap ? f->cap : 2048;
		while (cap < off + n)
			cap *= 2;
		if (cap > 65536)
			cap = 65536;
		uint8_t *b = realloc(f->buf, cap);
		if (!b) {
			skip(d, ASKIP_FRAG_TABLE_FULL);
			frag_drop(d, f);
			return false;
		}
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + off, p, n);
	for (size_t b = off / 8; b < (off + n + 7) / 8; b++) {
		if (!(f->bits[b / 8] & (1u << (b % 8)))) {
			f->bits[b / 8] |= (uint8_t)(1u << (b % 8));
			f->covered++;
		}
	}
	return true;
}

/*
 * Adds the fragment [off, off+n) of datagram id. When the datagram is
 * complete, passes it on and frees it. proto is the payload's protocol (for
 * IPv6 the next header after the fragment header of the first fragment).
 */
static void frag_add(struct pktdec *d, const struct l3 *c, uint32_t id, int proto, size_t off,
		     int more, const uint8_t *p, size_t n)
{
	frag_expire(d, c->ts);
	if (off + n > 65535 || (more && (n == 0 || n % 8))) {
		skip(d, ASKIP_FRAG_BAD);
		return;
	}
	struct frag *f = frag_get(d, c, id, proto, frag_hash(c, id, c->af == 4 ? proto : 0));
	if (!f)
		return;
	if (off == 0)
		f->proto = (uint8_t)proto; /* IPv6: the first fragment says */
	if (!more) {
		if (f->total && f->total != off + n) {
			skip(d, ASKIP_FRAG_BAD);
			frag_drop(d, f);
			return;
		}
		f->total = (uint32_t)(off + n);
	}
	if (!frag_store(d, f, off, p, n))
		return;
	if (!f->total || f->covered < (f->total + 7) / 8)
		return;
	if (f->total > f->cap) { /* only a zero-length datagram gets here without a buffer */
		skip(d, ASKIP_FRAG_BAD);
		frag_drop(d, f);
		return;
	}
	/* Complete: unlink first, so a nested fragment cannot see it. */
	htab_remove(&d->frags, &f->h);
	list_unlink(&f->l);
	d->nfrag--;
	ip_payload(d, c, f->proto, f->buf, f->total);
	free(f->buf);
	free(f);
}

/* ---- IP ---- */

static void ipv4(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	if (n < 20) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	size_t ihl = (size_t)(p[0] & 0x0f) * 4, tot = rd16(p + 2);
	if (ihl < 20 || tot < ihl) {
		skip(d, ASKIP_BAD_IP);
		return;
	}
	if (tot > n) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	struct l3 c = {.ts = ts, .af = 4, .depth = depth};
	memcpy(c.src, p + 12, 4);
	memcpy(c.dst, p + 16, 4);
	uint16_t fo = rd16(p + 6);
	size_t off = (size_t)(fo & 0x1fff) * 8;
	int more = (fo & 0x2000) != 0;
	if (off || more) {
		frag_add(d, &c, rd16(p + 4), p[9], off, more, p + ihl, tot - ihl);
		return;
	}
	ip_payload(d, &c, p[9], p + ihl, tot - ihl);
}

/* The length of an IPv6 extension header that only precedes the payload
 * (hop-by-hop, routing, destination options, mobility, AH); 0 when it is
 * truncated (counted). */
static size_t ipv6_ext_len(struct pktdec *d, int nh, const uint8_t *q, size_t m)
{
	if (m < 8) {
		skip(d, ASKIP_TRUNCATED);
		return 0;
	}
	size_t el = nh == 51 ? ((size_t)q[1] + 2) * 4 : ((size_t)q[1] + 1) * 8;
	if (el > m) {
		skip(d, ASKIP_TRUNCATED);
		return 0;
	}
	return el;
}

/* A fragment header at q: the fragment goes to reassembly (true), or, an
 * atomic fragment, its next header follows (false, *nh set). */
static bool ipv6_frag(struct pktdec *d, const struct l3 *c, int *nh, const uint8_t *q, size_t m)
{
	if (m < 8) {
		skip(d, ASKIP_TRUNCATED);
		return true;
	}
	uint16_t fo = rd16(q + 2);
	size_t off = (size_t)(fo >> 3) * 8;
	int more = fo & 1;
	if (!off && !more) { /* atomic fragment */
		*nh = q[0];
		return false;
	}
	frag_add(d, c, rd32(q + 4), q[0], off, more, q + 8, m - 8);
	return true;
}

static void ipv6(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	if (n < 40) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	size_t plen = rd16(p + 4);
	if (plen == 0) { /* jumbogram or bogus: not for SIP */
		skip(d, ASKIP_BAD_IP);
		return;
	}
	if (40 + plen > n) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	struct l3 c = {.ts = ts, .af = 6, .depth = depth};
	memcpy(c.src, p + 8, 16);
	memcpy(c.dst, p + 24, 16);
	int nh = p[6];
	const uint8_t *q = p + 40;
	size_t m = plen, el;
	for (int i = 0; i < 8; i++) {
		switch (nh) {
		case 0:	  /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility */
		case 51:  /* AH */
			if (!(el = ipv6_ext_len(d, nh, q, m)))
				return;
			nh = q[0];
			q += el;
			m -= el;
			continue;
		case 44: /* fragment */
			if (ipv6_frag(d, &c, &nh, q, m))
				return;
			q += 8;
			m -= 8;
			continue;
		case 59: /* no next header */
			skip(d, ASKIP_IP_PROTO);
			return;
		default:
			ip_payload(d, &c, nh, q, m);
			return;
		}
	}
	skip(d, ASKIP_BAD_IP);
}

static void ip_packet(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	if (n < 1) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	switch (p[0] >> 4) {
	case 4:
		ipv4(d, ts, p, n, depth);
		return;
	case 6:
		ipv6(d, ts, p, n, depth);
		return;
	default:
		skip(d, ASKIP_BAD_IP);
	}
}

/* ---- link ---- */

/*
 * PPPoE session stage (RFC 2516): ver/type, code 0, session, length, then
 * the PPP protocol (two bytes, or one when compressed, RFC 1661 6.5): 0x0021
 * IPv4, 0x0057 IPv6. The length field bounds the payload (Ethernet pads).
 */
static void pppoe(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	if (n < 8) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	if (p[0] != 0x11 || p[1] != 0x00) {
		skip(d, ASKIP_NON_IP);
		return;
	}
	size_t len = rd16(p + 4);
	if (len > n - 6) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	p += 6;
	n = len;
	uint16_t proto;
	if (n >= 1 && (p[0] & 1)) { /* protocol field compressed */
		proto = p[0];
		p += 1;
		n -= 1;
	} else if (n >= 2) {
		proto = rd16(p);
		p += 2;
		n -= 2;
	} else {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	if (proto == 0x0021 || proto == 0x0057)
		ip_packet(d, ts, p, n, depth);
	else
		skip(d, ASKIP_NON_IP); /* LCP, IPCP, CHAP ... */
}

/*
 * An MPLS label stack (RFC 3032): 4-byte entries up to the one with the
 * bottom-of-stack bit; then IPv4 or IPv6 by the first nibble (RFC 4385
 * reserves 0 and 1 for pseudowire control words: not IP, counted non_ip).
 */
static void mpls(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	for (int i = 0; i < PKTDEC_MPLS_MAX; i++) {
		if (n < 4) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		int bos = p[2] & 0x01;
		p += 4;
		n -= 4;
		if (!bos)
			continue;
		if (n >= 1 && ((p[0] >> 4) == 4 || (p[0] >> 4) == 6))
			ip_packet(d, ts, p, n, depth);
		else if (n < 1)
			skip(d, ASKIP_TRUNCATED);
		else
			skip(d, ASKIP_NON_IP);
		return;
	}
	skip(d, ASKIP_TUNNEL_DEPTH); /* a stack deeper than any real one */
}

static void ethertype(struct pktdec *d, int64_t ts, uint16_t type, const uint8_t *p, size_t n,
		      int depth)
{
	switch (type) {
	case 0x0800:
	case 0x86DD:
		ip_packet(d, ts, p, n, depth);
		return;
	case 0x8864: /* PPPoE session (0x8863, discovery, carries no IP) */
		pppoe(d, ts, p, n, depth);
		return;
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
		mpls(d, ts, p, n, depth);
		return;
	default:
		skip(d, ASKIP_NON_IP);
	}
}

static void ether(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n, int depth)
{
	if (n < 14) {
		skip(d, ASKIP_TRUNCATED);
		return;
	}
	uint16_t type = rd16(p + 12);
	size_t off = 14;
	/* 802.1Q, 802.1ad (QinQ) and the old 0x9100 tags, any depth within reason. */
	for (int i = 0; i < 4 && (type == 0x8100 || type == 0x88A8 || type == 0x9100); i++) {
		if (n < off + 4) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		type = rd16(p + off + 2);
		off += 4;
	}
	ethertype(d, ts, type, p + off, n - off, depth);
}

/*
 * The common frame in one step: Ethernet without tags, IPv4 without options
 * or fragmentation, a whole UDP datagram (not GTP). Hands on_l4 exactly what
 * ether -> ipv4 -> udp would (the addresses in the first 4 bytes, the rest
 * zero) and returns true; false for any other frame, which then takes the
 * general path from the start (so drops are counted there, as before).
 * Six calls and two copies of the addresses per packet, on every packet.
 */
static bool fast_udp4(struct pktdec *d, int64_t ts, const uint8_t *p, size_t n)
{
	if (n < 14 + 20 + 8 || rd16(p + 12) != 0x0800 || p[14] != 0x45 || p[23] != 17 ||
	    (rd16(p + 20) & 0x3fff) != 0)
		return false;
	size_t tot = rd16(p + 16);
	if (tot < 28 || tot > n - 14)
		return false;
	const uint8_t *u = p + 34;
	size_t ulen = rd16(u + 4);
	uint16_t sp = rd16(u), dp = rd16(u + 2);
	if (ulen < 8 || ulen > tot - 20 || sp == 2152 || dp == 2152 || sp == 2123 || dp == 2123)
		return false;
	/* field by field: the initializer cost 56 instructions a packet here
	 * (callgrind), field by field 18 */
	struct pkt_l4 l;
	l.ts_ns = ts;
	l.af = 4;
	l.proto = 17;
	l.tcp_flags = 0;
	memset(l.src, 0, sizeof(l.src));
	memset(l.dst, 0, sizeof(l.dst));
	memcpy(l.src, p + 26, 4);
	memcpy(l.dst, p + 30, 4);
	l.sport = sp;
	l.dport = dp;
	l.seq = 0;
	l.data = u + 8;
	l.len = ulen - 8;
	d->h(&l, d->arg);
	return true;
}

void pktdec_packet(struct pktdec *d, int dlt, int64_t ts_ns, const uint8_t *p, size_t n)
{
	if (dlt == PKTDEC_DLT_EN10MB && fast_udp4(d, ts_ns, p, n))
		return;
	switch (dlt) {
	case PKTDEC_DLT_EN10MB:
		ether(d, ts_ns, p, n, 0);
		return;
	case PKTDEC_DLT_LINUX_SLL:
		if (n < 16) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		ethertype(d, ts_ns, rd16(p + 14), p + 16, n - 16, 0);
		return;
	case PKTDEC_DLT_LINUX_SLL2:
		if (n < 20) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		ethertype(d, ts_ns, rd16(p), p + 20, n - 20, 0);
		return;
	case PKTDEC_DLT_NULL:
	case PKTDEC_DLT_LOOP: {
		if (n < 4) {
			skip(d, ASKIP_TRUNCATED);
			return;
		}
		/* The family is in the writer's byte order (NULL) or network order
		 * (LOOP); 2 is IPv4 everywhere, 24/28/30 are IPv6 on the BSDs and macOS. */
		uint32_t be = rd32(p), le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
					    (uint32_t)p[1] << 8 | p[0];
		uint32_t fam = (be < 256) ? be : le;
		if (fam == 2 || fam == 24 || fam == 28 || fam == 30 || fam == 10)
			ip_packet(d, ts_ns, p + 4, n - 4, 0);
		else
			skip(d, ASKIP_NON_IP);
		return;
	}
	case PKTDEC_DLT_RAW:
	case PKTDEC_DLT_RAW_ALT:
	case PKTDEC_LINKTYPE_RAW:
	case PKTDEC_DLT_IPV4:
	case PKTDEC_DLT_IPV6:
		ip_packet(d, ts_ns, p, n, 0);
		return;
	default:
		skip(d, ASKIP_LINKTYPE);
	}
}
