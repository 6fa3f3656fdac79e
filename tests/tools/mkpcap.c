/*
 * mkpcap: writes the analyzer's hand-made test captures with libpcap's
 * pcap_dump (tests/data/pcap/edge_*.pcap): fragments (IPv4, IPv6), VLAN and
 * QinQ tags, PPPoE sessions and MPLS label stacks (plain and behind a VLAN
 * tag), Linux cooked v1/v2, BSD null, raw IP, GRE (IP, Ethernet
 * bridging, ERSPAN II and III), IP-in-IP, TCP (a message across segments,
 * several per segment, retransmitted and out-of-order segments), a truncated
 * last record, garbage, and call flows (crossed CANCEL/200, a 401 challenge
 * then a new INVITE, re-INVITE, retransmitted INVITE, BYE from the callee,
 * no final answer, 183, Diversion and History-Info), long keys (From tags
 * alike for 248 characters, 500-character Call-IDs) and a 407 challenge
 * answered with credentials 30 s later.
 *
 *   mkpcap OUTDIR
 *
 * Timestamps have nanoseconds that do not round to the microsecond they are
 * cut to (…999 ns), so the tests catch rounding where flooring is meant.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE_S 1700000000LL
#define MS     1000000LL
#define SEC    1000000000LL

enum link { L_ETH, L_SLL, L_SLL2, L_NULL, L_RAW };
enum tun { T_NONE, T_GRE_IP, T_GRE_TEB, T_ERSPAN2, T_ERSPAN3, T_IPIP };

struct ctx {
	pcap_t *pd;
	pcap_dumper_t *d;
	enum link link;
	int vlan; /* 0, 1 (802.1Q) or 2 (QinQ) */
	bool pppoe; /* a PPPoE session header after the tags */
	int mpls;   /* labels after the tags (0: none) */
	enum tun tun;
	int af; /* 4 or 6 */
	bool tcp;
	size_t mtu;	   /* fragment IP packets longer than this (0: never) */
	bool frag_reverse; /* send fragments last first */
	uint16_t aport, bport;
	uint32_t seq[2]; /* TCP, per direction */
	uint16_t ipid;
	uint32_t frag_id;
	bool compact; /* header names in compact form (i: for Call-ID ...) */
	bool split;   /* TCP: every message in two segments, cut in its middle */
};

static uint8_t A4[4] = {10, 0, 0, 1}, B4[4] = {10, 0, 0, 2};
static uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
static uint8_t OUT_A[4] = {192, 0, 2, 1}, OUT_B[4] = {192, 0, 2, 2};

static void die(const char *m)
{
	fprintf(stderr, "mkpcap: %s\n", m);
	exit(1);
}

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void w32(uint8_t *p, uint32_t v)
{
	w16(p, (uint16_t)(v >> 16));
	w16(p + 2, (uint16_t)v);
}

/* Packets are kept and written sorted by time (stable), as a capture is. */
struct rec {
	int64_t t;
	size_t seq, n;
	uint8_t *p;
};
static struct rec *recs;
static size_t nrec, caprec;

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void open_out(struct ctx *c, const char *dir, const char *name, int dlt)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	c->pd = pcap_open_dead_with_tstamp_precision(dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
	if (!c->pd)
		die("pcap_open_dead");
	c->d = pcap_dump_open(c->pd, path);
	if (!c->d)
		die(pcap_geterr(c->pd));
	c->seq[0] = 1000;
	c->seq[1] = 50000;
	c->ipid = 100;
	c->frag_id = 7000;
}

static void close_out(struct ctx *c)
{
	qsort(recs, nrec, sizeof(*recs), rec_cmp);
	for (size_t i = 0; i < nrec; i++) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = (time_t)(BASE_S + recs[i].t / SEC);
		h.ts.tv_usec = (suseconds_t)(recs[i].t % SEC); /* nanoseconds: a NANO dumper */
		h.caplen = (bpf_u_int32)recs[i].n;
		h.len = (bpf_u_int32)recs[i].n;
		pcap_dump((u_char *)c->d, &h, recs[i].p);
		free(recs[i].p);
	}
	nrec = 0;
	pcap_dump_close(c->d);
	pcap_close(c->pd);
	memset(c, 0, sizeof(*c));
}

static void dump(struct ctx *c, int64_t t_ns, const uint8_t *p, size_t n)
{
	(void)c;
	if (nrec == caprec) {
		caprec = caprec ? 2 * caprec : 256;
		recs = realloc(recs, caprec * sizeof(*recs));
		if (!recs)
			die("out of memory");
	}
	recs[nrec].t = t_ns;
	recs[nrec].seq = nrec;
	recs[nrec].n = n;
	recs[nrec].p = malloc(n);
	if (!recs[nrec].p)
		die("out of memory");
	memcpy(recs[nrec].p, p, n);
	nrec++;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 header into p (20 bytes). */
static void ip4_hdr(uint8_t *p, size_t total, int proto, const uint8_t *src, const uint8_t *dst,
		    uint16_t id, uint16_t frag)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	w16(p + 2, (uint16_t)total);
	w16(p + 4, id);
	w16(p + 6, frag);
	p[8] = 64;
	p[9] = (uint8_t)proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	w16(p + 10, csum(p, 20));
}

static void ip6_hdr(uint8_t *p, size_t plen, int nh, const uint8_t *src, const uint8_t *dst)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	w16(p + 4, (uint16_t)plen);
	p[6] = (uint8_t)nh;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/* Link layer around an IP packet (or an Ethernet frame for L_ETH tunnels). */
static void link_out(struct ctx *c, int64_t t, const uint8_t *ip, size_t n)
{
	uint8_t b[70000];
	size_t h = 0;
	int v6 = (ip[0] >> 4) == 6;
	uint16_t et = v6 ? 0x86DD : 0x0800;
	switch (c->link) {
	case L_ETH:
		memcpy(b, "\x00\x00\x5e\x00\x53\x02\x00\x00\x5e\x00\x53\x01", 12);
		h = 12;
		if (c->vlan == 2) {
			w16(b + h, 0x88A8);
			w16(b + h + 2, 100);
			h += 4;
		}
		if (c->vlan >= 1) {
			w16(b + h, 0x8100);
			w16(b + h + 2, 42);
			h += 4;
		}
		if (c->pppoe) {
			w16(b + h, 0x8864);
			b[h + 2] = 0x11; /* version 1, type 1 */
			b[h + 3] = 0;	 /* code: session data */
			w16(b + h + 4, 0x2a01);
			w16(b + h + 6, (uint16_t)(n + 2));
			w16(b + h + 8, v6 ? 0x0057 : 0x0021);
			h += 10;
			break;
		}
		if (c->mpls) {
			w16(b + h, 0x8847);
			h += 2;
			for (int i = 0; i < c->mpls; i++, h += 4) {
				uint32_t label = 1000u + (uint32_t)i;
				w32(b + h, label << 12 | (i + 1 == c->mpls ? 0x100u : 0) | 64u);
			}
			break;
		}
		w16(b + h, et);
		h += 2;
		break;
	case L_SLL:
		memset(b, 0, 16);
		w16(b + 2, 772); /* ARPHRD_LOOPBACK */
		w16(b + 4, 6);
		w16(b + 14, et);
		h = 16;
		break;
	case L_SLL2:
		memset(b, 0, 20);
		w16(b, et);
		w32(b + 4, 1);
		w16(b + 8, 1); /* ARPHRD_ETHER */
		b[11] = 6;
		h = 20;
		break;
	case L_NULL: {
		uint32_t fam = v6 ? 30 : 2; /* written in this host's order */
		memcpy(b, &fam, 4);
		h = 4;
		break;
	}
	case L_RAW:
		break;
	}
	memcpy(b + h, ip, n);
	dump(c, t, b, h + n);
}

static size_t eth_wrap(uint8_t *dst, const uint8_t *ip, size_t n)
{
	memcpy(dst, "\x00\x00\x5e\x00\x53\x12\x00\x00\x5e\x00\x53\x11", 12);
	w16(dst + 12, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
	memcpy(dst + 14, ip, n);
	return 14 + n;
}

/* Tunnel around one inner IP packet, then the link. */
static void tunnel_out(struct ctx *c, int64_t t, const uint8_t *ip, size_t n)
{
	uint8_t b[70000];
	size_t h = 20, m = 0;
	int v6 = (ip[0] >> 4) == 6;
	switch (c->tun) {
	case T_NONE:
		link_out(c, t, ip, n);
		return;
	case T_IPIP:
		memcpy(b + 20, ip, n);
		ip4_hdr(b, 20 + n, v6 ? 41 : 4, OUT_A, OUT_B, c->ipid++, 0);
		link_out(c, t, b, 20 + n);
		return;
	case T_GRE_IP:
		w16(b + h, 0x2000); /* key present */
		w16(b + h + 2, v6 ? 0x86DD : 0x0800);
		w32(b + h + 4, 77);
		m = 8;
		memcpy(b + h + m, ip, n);
		m += n;
		break;
	case T_GRE_TEB:
		w16(b + h, 0);
		w16(b + h + 2, 0x6558);
		m = 4 + eth_wrap(b + h + 4, ip, n);
		break;
	case T_ERSPAN2:
		w16(b + h, 0x1000); /* sequence present */
		w16(b + h + 2, 0x88BE);
		w32(b + h + 4, 1);
		memset(b + h + 8, 0, 8);
		b[h + 8] = 0x10;    /* version 1 (type II) */
		w16(b + h + 10, 5); /* session id */
		m = 16 + eth_wrap(b + h + 16, ip, n);
		break;
	case T_ERSPAN3:
		w16(b + h, 0x1000);
		w16(b + h + 2, 0x22EB);
		w32(b + h + 4, 1);
		memset(b + h + 8, 0, 12);
		b[h + 8] = 0x20; /* version 2 (type III) */
		w16(b + h + 10, 5);
		m = 20 + eth_wrap(b + h + 20, ip, n);
		break;
	}
	ip4_hdr(b, 20 + m, 47, OUT_A, OUT_B, c->ipid++, 0);
	link_out(c, t, b, 20 + m);
}

/* Inner IP packets: fragments when longer than the MTU. */
static void ip_out(struct ctx *c, int64_t t, int dir, int proto, const uint8_t *l4, size_t n)
{
	uint8_t b[70000];
	const uint8_t *s = c->af == 4 ? (dir ? B4 : A4) : (dir ? B6 : A6);
	const uint8_t *d = c->af == 4 ? (dir ? A4 : B4) : (dir ? A6 : B6);
	size_t hl = c->af == 4 ? 20 : 40;
	if (!c->mtu || hl + n <= c->mtu) {
		if (c->af == 4)
			ip4_hdr(b, 20 + n, proto, s, d, c->ipid++, 0);
		else
			ip6_hdr(b, n, proto, s, d);
		memcpy(b + hl, l4, n);
		tunnel_out(c, t, b, hl + n);
		return;
	}
	/* Fragments of at most mtu bytes, payload a multiple of 8. */
	size_t fh = c->af == 4 ? 20 : 48;
	size_t step = ((c->mtu - fh) / 8) * 8;
	size_t nfrag = (n + step - 1) / step;
	uint16_t id = c->ipid++;
	uint32_t id6 = c->frag_id++;
	for (size_t k = 0; k < nfrag; k++) {
		size_t i = c->frag_reverse ? nfrag - 1 - k : k;
		size_t off = i * step, len = n - off < step ? n - off : step;
		int more = i + 1 < nfrag;
		if (c->af == 4) {
			ip4_hdr(b, 20 + len, proto, s, d, id,
				(uint16_t)((more ? 0x2000 : 0) | off / 8));
			memcpy(b + 20, l4 + off, len);
			tunnel_out(c, t + (int64_t)k * 1000, b, 20 + len);
		} else {
			ip6_hdr(b, 8 + len, 44, s, d);
			b[40] = (uint8_t)proto;
			b[41] = 0;
			w16(b + 42, (uint16_t)(off | (more ? 1 : 0)));
			w32(b + 44, id6);
			memcpy(b + 48, l4 + off, len);
			tunnel_out(c, t + (int64_t)k * 1000, b, 48 + len);
		}
	}
}

static void udp_out(struct ctx *c, int64_t t, int dir, const void *data, size_t n)
{
	uint8_t b[70000];
	w16(b, dir ? c->bport : c->aport);
	w16(b + 2, dir ? c->aport : c->bport);
	w16(b + 4, (uint16_t)(8 + n));
	w16(b + 6, 0);
	memcpy(b + 8, data, n);
	ip_out(c, t, dir, 17, b, 8 + n);
}

static void tcp_seg(struct ctx *c, int64_t t, int dir, uint32_t seq, int flags, const void *data,
		    size_t n)
{
	uint8_t b[70000];
	w16(b, dir ? c->bport : c->aport);
	w16(b + 2, dir ? c->aport : c->bport);
	w32(b + 4, seq);
	w32(b + 8, c->seq[!dir]);
	b[12] = 5 << 4;
	b[13] = (uint8_t)(flags == 0x02 && dir == 0 ? flags
						    : flags | 0x10); /* ACK but on the first SYN */
	w16(b + 14, 65535);
	w16(b + 16, 0);
	w16(b + 18, 0);
	memcpy(b + 20, data, n);
	ip_out(c, t, dir, 6, b, 20 + n);
}

/* msg with its header names in compact form (RFC 3261 section 7.3.3) into
 * out; with keep_length, Content-Length stays long: Wireshark 4.0 frames SIP
 * over TCP only by it, and these files are checked against tshark. */
static const char *compact(const char *msg, char *out, size_t n, bool keep_length)
{
	static const char *const names[][2] = {{"Via: ", "v: "},	 {"From: ", "f: "},
					       {"To: ", "t: "},		 {"Call-ID: ", "i: "},
					       {"Content-Length: ", "l: "}, {"Content-Type: ", "c: "}};
	const char *end = strstr(msg, "\r\n\r\n");
	size_t o = 0;
	for (const char *p = msg; *p && o + 1 < n;) {
		bool at_line = p > msg && p[-1] == '\n' && (!end || p <= end);
		size_t k = 0;
		while (at_line && k < sizeof(names) / sizeof(names[0]) &&
		       (strncmp(p, names[k][0], strlen(names[k][0])) ||
			(keep_length && names[k][1][0] == 'l')))
			k++;
		if (at_line && k < sizeof(names) / sizeof(names[0])) {
			o += (size_t)snprintf(out + o, n - o, "%s", names[k][1]);
			p += strlen(names[k][0]);
		} else {
			out[o++] = *p++;
		}
	}
	out[o < n ? o : n - 1] = '\0';
	return out;
}

/* One message: a UDP datagram, or TCP segments of at most 1400 bytes (with
 * split, two halves). */
static void send_msg(struct ctx *c, int64_t t, int dir, const char *msg)
{
	static char cbuf[70000];
	if (c->compact)
		msg = compact(msg, cbuf, sizeof(cbuf), c->tcp);
	size_t n = strlen(msg);
	if (!c->tcp) {
		udp_out(c, t, dir, msg, n);
		return;
	}
	size_t chunk = c->split ? (n + 1) / 2 : 1400;
	for (size_t off = 0; off < n; off += chunk) {
		size_t len = n - off < chunk ? n - off : chunk;
		tcp_seg(c, t + (int64_t)(off / chunk) * 1000, dir, c->seq[dir], 0x08, msg + off,
			len);
		c->seq[dir] += (uint32_t)len;
	}
}

static void tcp_handshake(struct ctx *c, int64_t t)
{
	tcp_seg(c, t, 0, c->seq[0]++, 0x02, "", 0);
	tcp_seg(c, t + 100000, 1, c->seq[1]++, 0x02, "", 0);
	tcp_seg(c, t + 200000, 0, c->seq[0], 0, "", 0);
}

/* ---- SIP text ---- */

struct call {
	const char *id; /* Call-ID */
	const char *ftag, *ttag;
	const char *user;  /* Request-URI user (the tenant's number) */
	const char *extra; /* headers for the INVITE, each ending CRLF */
	size_t pad;	   /* body bytes for the INVITE (fragments) */
	const char *branch; /* Via branch prefix; NULL: the Call-ID */
	int64_t resend;	    /* CHALLENGE_LATE: the INVITE again after (0: 30 s) */
};

static const char *proto_name(const struct ctx *c)
{
	return c->tcp ? "TCP" : "UDP";
}

static char *req(const struct ctx *c, const struct call *k, const char *m, int cseq,
		 const char *cseq_m, const char *branch, bool to_tag, bool from_callee,
		 const char *extra, size_t pad)
{
	static char b[70000];
	char body[66000];
	size_t bl = 0;
	if (pad) {
		bl = (size_t)snprintf(
		    body, sizeof(body),
		    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
		    "m=audio 4000 RTP/AVP 0\r\n");
		while (bl + 40 < pad && bl + 40 < sizeof(body)) /* attributes to make it long */
			bl += (size_t)snprintf(body + bl, sizeof(body) - bl, "a=x-pad:%030zu\r\n",
					       bl);
	}
	char ft[1100], tt[1100];
	snprintf(ft, sizeof(ft), ";tag=%s", from_callee ? k->ttag : k->ftag);
	snprintf(tt, sizeof(tt), ";tag=%s", from_callee ? k->ftag : k->ttag);
	snprintf(b, sizeof(b),
		 "%s sip:%s@example.net SIP/2.0\r\n"
		 "Via: SIP/2.0/%s %s;branch=z9hG4bK%s\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:%s@example.net>%s\r\n"
		 "To: <sip:%s@example.net>%s\r\n"
		 "Call-ID: %s\r\n"
		 "CSeq: %d %s\r\n"
		 "%s"
		 "%s"
		 "Content-Length: %zu\r\n\r\n%.*s",
		 m, from_callee ? "0399990001" : k->user, proto_name(c),
		 from_callee ? "callee.example.net" : "caller.example.net", branch,
		 from_callee ? k->user : "0399990001", ft, from_callee ? "0399990001" : k->user,
		 to_tag || from_callee ? tt : "", k->id, cseq, cseq_m ? cseq_m : m,
		 extra ? extra : "", bl ? "Content-Type: application/sdp\r\n" : "", bl, (int)bl,
		 body);
	return b;
}

static char *resp(const struct ctx *c, const struct call *k, int code, const char *reason, int cseq,
		  const char *m, const char *branch, bool to_tag)
{
	static char b[4096];
	snprintf(b, sizeof(b),
		 "SIP/2.0 %d %s\r\n"
		 "Via: SIP/2.0/%s caller.example.net;branch=z9hG4bK%s\r\n"
		 "From: <sip:0399990001@example.net>;tag=%s\r\n"
		 "To: <sip:%s@example.net>%s%s\r\n"
		 "Call-ID: %s\r\n"
		 "CSeq: %d %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 code, reason, proto_name(c), branch, k->ftag, k->user, to_tag ? ";tag=" : "",
		 to_tag ? k->ttag : "", k->id, cseq, m);
	return b;
}

/* ---- call flows (t in ns from the file's start) ---- */

enum flow {
	ANSWERED,
	ABANDONED,
	REJECTED,
	CROSSED,
	CHALLENGE,
	REINVITE,
	RETRANS,
	INCOMPLETE,
	CALLEE_BYE,
	SESSION_PROGRESS,
	NO_RINGING,
	CHALLENGE_LATE
};

static void flow(struct ctx *c, enum flow f, int64_t t, const struct call *k)
{
	char br[64], br2[64];
	snprintf(br, sizeof(br), "%s-1", k->branch ? k->branch : k->id);
	snprintf(br2, sizeof(br2), "%s-2", k->branch ? k->branch : k->id);
	const int64_t us = 1000;
	send_msg(c, t, 0, req(c, k, "INVITE", 1, NULL, br, false, false, k->extra, k->pad));
	int64_t t1 = t + 1 * MS + 999; /* …999 ns: must be cut, not rounded */
	switch (f) {
	case RETRANS:
		send_msg(c, t + 500 * MS, 0,
			 req(c, k, "INVITE", 1, NULL, br, false, false, k->extra, k->pad));
		send_msg(c, t + 600 * MS + 999, 1,
			 resp(c, k, 100, "Trying", 1, "INVITE", br, false));
		send_msg(c, t + 700 * MS + 999, 1,
			 resp(c, k, 180, "Ringing", 1, "INVITE", br, true));
		send_msg(c, t + 700 * MS + 5 * us, 1,
			 resp(c, k, 180, "Ringing", 1, "INVITE", br, true));
		send_msg(c, t + 4 * SEC + 999, 1, resp(c, k, 200, "OK", 1, "INVITE", br, true));
		send_msg(c, t + 4 * SEC + 500 * MS, 1,
			 resp(c, k, 200, "OK", 1, "INVITE", br, true));
		send_msg(c, t + 4 * SEC + 501 * MS, 0,
			 req(c, k, "ACK", 1, NULL, br2, true, false, NULL, 0));
		send_msg(c, t + 9 * SEC + 999, 0,
			 req(c, k, "BYE", 2, NULL, "bye", true, false, NULL, 0));
		send_msg(c, t + 9 * SEC + 2 * MS, 1, resp(c, k, 200, "OK", 2, "BYE", "bye", true));
		return;
	case CHALLENGE:
		send_msg(c, t1, 1, resp(c, k, 401, "Unauthorized", 1, "INVITE", br, true));
		send_msg(c, t + 2 * MS, 0, req(c, k, "ACK", 1, NULL, br, true, false, NULL, 0));
		send_msg(c, t + 50 * MS + 999, 0,
			 req(c, k, "INVITE", 2, NULL, br2, false, false,
			     "Authorization: Digest username=\"a\"\r\n", 0));
		send_msg(c, t + 52 * MS, 1, resp(c, k, 180, "Ringing", 2, "INVITE", br2, true));
		send_msg(c, t + 7 * SEC + 123 * us + 999, 1,
			 resp(c, k, 200, "OK", 2, "INVITE", br2, true));
		send_msg(c, t + 7 * SEC + 200 * MS, 0,
			 req(c, k, "ACK", 2, NULL, "ack2", true, false, NULL, 0));
		send_msg(c, t + 12 * SEC, 0,
			 req(c, k, "BYE", 3, NULL, "bye", true, false, NULL, 0));
		send_msg(c, t + 12 * SEC + 1 * MS, 1, resp(c, k, 200, "OK", 3, "BYE", "bye", true));
		return;
	case CHALLENGE_LATE: { /* a proxy's 407; the INVITE again (30 s) later, answered */
		int64_t r = k->resend ? k->resend : 30 * SEC;
		send_msg(c, t1, 1, resp(c, k, 100, "Trying", 1, "INVITE", br, false));
		send_msg(c, t + 2 * MS + 999, 1,
			 resp(c, k, 407, "Proxy Authentication Required", 1, "INVITE", br, true));
		send_msg(c, t + 3 * MS, 0, req(c, k, "ACK", 1, NULL, br, true, false, NULL, 0));
		send_msg(c, t + r + 999, 0,
			 req(c, k, "INVITE", 2, NULL, br2, false, false,
			     "Proxy-Authorization: Digest username=\"a\"\r\n", 0));
		send_msg(c, t + r + 1 * MS, 1, resp(c, k, 100, "Trying", 2, "INVITE", br2, false));
		send_msg(c, t + r + 3 * MS + 999, 1,
			 resp(c, k, 180, "Ringing", 2, "INVITE", br2, true));
		send_msg(c, t + r + 7 * SEC + 250 * us + 999, 1,
			 resp(c, k, 200, "OK", 2, "INVITE", br2, true));
		send_msg(c, t + r + 7 * SEC + 300 * us, 0,
			 req(c, k, "ACK", 2, NULL, "ack2", true, false, NULL, 0));
		send_msg(c, t + r + 15 * SEC, 0,
			 req(c, k, "BYE", 3, NULL, "bye", true, false, NULL, 0));
		send_msg(c, t + r + 15 * SEC + 1 * MS, 1,
			 resp(c, k, 200, "OK", 3, "BYE", "bye", true));
		return;
	}
	default:
		break;
	}
	if (f != NO_RINGING) {
		send_msg(c, t1, 1, resp(c, k, 100, "Trying", 1, "INVITE", br, false));
		send_msg(c, t + 2 * MS + 999, 1,
			 resp(c, k, f == SESSION_PROGRESS ? 183 : 180,
			      f == SESSION_PROGRESS ? "Session Progress" : "Ringing", 1, "INVITE",
			      br, true));
	}
	switch (f) {
	case ANSWERED:
	case NO_RINGING:
	case SESSION_PROGRESS:
	case REINVITE:
	case CALLEE_BYE:
		send_msg(c, t + 5 * SEC + 432 * us + 999, 1,
			 resp(c, k, 200, "OK", 1, "INVITE", br, true));
		send_msg(c, t + 5 * SEC + 433 * us, 0,
			 req(c, k, "ACK", 1, NULL, "ack", true, false, NULL, 0));
		if (f == REINVITE) {
			send_msg(c, t + 6 * SEC, 0,
				 req(c, k, "INVITE", 2, NULL, "reinv", true, false, NULL, 0));
			send_msg(c, t + 6 * SEC + 1 * MS, 1,
				 resp(c, k, 200, "OK", 2, "INVITE", "reinv", true));
			send_msg(c, t + 6 * SEC + 2 * MS, 0,
				 req(c, k, "ACK", 2, NULL, "ack3", true, false, NULL, 0));
		}
		if (f == CALLEE_BYE) {
			send_msg(c, t + 8 * SEC + 999, 1,
				 req(c, k, "BYE", 1, NULL, "cbye", true, true, NULL, 0));
			return; /* no 200 to the BYE: SDD unknown */
		}
		send_msg(c, t + 9 * SEC + 999, 0,
			 req(c, k, "BYE", 3, NULL, "bye", true, false, NULL, 0));
		send_msg(c, t + 9 * SEC + 3 * MS, 1, resp(c, k, 200, "OK", 3, "BYE", "bye", true));
		return;
	case ABANDONED:
		send_msg(c, t + 7 * SEC + 999, 0,
			 req(c, k, "CANCEL", 1, NULL, br, false, false, NULL, 0));
		send_msg(c, t + 7 * SEC + 1 * MS, 1, resp(c, k, 200, "OK", 1, "CANCEL", br, true));
		send_msg(c, t + 7 * SEC + 2 * MS + 999, 1,
			 resp(c, k, 487, "Request Terminated", 1, "INVITE", br, true));
		send_msg(c, t + 7 * SEC + 3 * MS, 0,
			 req(c, k, "ACK", 1, NULL, br, true, false, NULL, 0));
		return;
	case CROSSED: /* the CANCEL leaves as the 200 arrives: the 200 wins */
		send_msg(c, t + 6 * SEC + 999, 0,
			 req(c, k, "CANCEL", 1, NULL, br, false, false, NULL, 0));
		send_msg(c, t + 6 * SEC + 100 * us + 999, 1,
			 resp(c, k, 200, "OK", 1, "INVITE", br, true));
		send_msg(c, t + 6 * SEC + 200 * us, 1,
			 resp(c, k, 200, "OK", 1, "CANCEL", br, true));
		send_msg(c, t + 6 * SEC + 300 * us, 0,
			 req(c, k, "ACK", 1, NULL, "ack", true, false, NULL, 0));
		send_msg(c, t + 8 * SEC, 0, req(c, k, "BYE", 2, NULL, "bye", true, false, NULL, 0));
		send_msg(c, t + 8 * SEC + 1 * MS, 1, resp(c, k, 200, "OK", 2, "BYE", "bye", true));
		return;
	case REJECTED:
		send_msg(c, t + 1 * SEC + 999, 1,
			 resp(c, k, 486, "Busy Here", 1, "INVITE", br, true));
		send_msg(c, t + 1 * SEC + 1 * MS, 0,
			 req(c, k, "ACK", 1, NULL, br, true, false, NULL, 0));
		return;
	case INCOMPLETE:
	default:
		return;
	}
}

static void call(struct ctx *c, enum flow f, int64_t t, const char *id, const char *user,
		 const char *extra, size_t pad)
{
	char ft[64], tt[64];
	snprintf(ft, sizeof(ft), "f-%s", id);
	snprintf(tt, sizeof(tt), "t-%s", id);
	struct call k = {
	    .id = id, .ftag = ft, .ttag = tt, .user = user, .extra = extra, .pad = pad};
	flow(c, f, t, &k);
}

/* Two calls (answered, abandoned) through the context's encapsulation. */
static void pair(struct ctx *c, const char *tag, int64_t t)
{
	char a[64], b[64];
	snprintf(a, sizeof(a), "%s-answered@gen", tag);
	snprintf(b, sizeof(b), "%s-abandoned@gen", tag);
	call(c, ANSWERED, t, a, "0312000001", NULL, 0);
	call(c, ABANDONED, t + 1 * SEC + 250 * MS, b, "0312000002", NULL, 0);
}

static void simple_file(const char *dir, const char *name, int dlt, enum link l, int af, int vlan,
			enum tun tun)
{
	struct ctx c = {0};
	open_out(&c, dir, name, dlt);
	c.link = l;
	c.af = af;
	c.vlan = vlan;
	c.tun = tun;
	c.aport = 5062;
	c.bport = 5060;
	pair(&c, name, 0);
	close_out(&c);
}

static void file_frag(const char *dir, const char *name, int af)
{
	struct ctx c = {0};
	open_out(&c, dir, name, DLT_EN10MB);
	c.link = L_ETH;
	c.af = af;
	c.aport = 5062;
	c.bport = 5060;
	c.mtu = 1500;
	call(&c, ANSWERED, 0, "frag-big-1@gen", "0312000001", NULL, 4000);
	c.frag_reverse = true;
	call(&c, ABANDONED, 2 * SEC, "frag-big-rev@gen", "0312000002", NULL, 3000);
	c.frag_reverse = false;
	/* A datagram whose middle fragment is lost: counted, never a call. */
	struct ctx lost = c;
	(void)lost;
	c.mtu = 600;
	{
		uint8_t b[2000];
		memset(b, 'x', sizeof(b));
		const uint8_t *s = af == 4 ? A4 : A6, *d = af == 4 ? B4 : B6;
		uint8_t p[700];
		if (af == 4) {
			ip4_hdr(p, 20 + 576, 17, s, d, 999, 0x2000);
			memcpy(p + 20, b, 576);
			link_out(&c, 3 * SEC, p, 20 + 576);
		} else {
			ip6_hdr(p, 8 + 576, 44, s, d);
			p[40] = 17;
			p[41] = 0;
			w16(p + 42, 1);
			w32(p + 44, 424242);
			memcpy(p + 48, b, 576);
			link_out(&c, 3 * SEC, p, 48 + 576);
		}
	}
	close_out(&c);
}

static void file_tcp(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_tcp.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.tcp = true;
	c.aport = 40000;
	c.bport = 5060;
	tcp_handshake(&c, 0);
	int64_t t = 10 * MS;
	struct call k = {
	    .id = "tcp-1@gen", .ftag = "f-tcp-1", .ttag = "t-tcp-1", .user = "0312000001"};
	/* INVITE with a 3000-byte body: three segments; the second is sent twice
	 * (a retransmission) and the third before the second (out of order). */
	char *inv = req(&c, &k, "INVITE", 1, NULL, "tcp-1-1", false, false, NULL, 3000);
	size_t n = strlen(inv);
	uint32_t s0 = c.seq[0];
	tcp_seg(&c, t, 0, s0, 0x08, inv, 1400);
	tcp_seg(&c, t + 1 * MS, 0, s0 + 2800, 0x08, inv + 2800, n - 2800);
	tcp_seg(&c, t + 2 * MS + 999, 0, s0 + 1400, 0x08, inv + 1400, 1400); /* completes it */
	tcp_seg(&c, t + 3 * MS, 0, s0 + 1400, 0x08, inv + 1400, 1400);	     /* retransmitted */
	c.seq[0] += (uint32_t)n;
	/* 100, 180 and 200 in one segment, then the ACK split across two with a
	 * BYE glued to its end. */
	char three[4096];
	size_t l = 0;
	l += (size_t)snprintf(three + l, sizeof(three) - l, "%s",
			      resp(&c, &k, 100, "Trying", 1, "INVITE", "tcp-1-1", false));
	l += (size_t)snprintf(three + l, sizeof(three) - l, "%s",
			      resp(&c, &k, 180, "Ringing", 1, "INVITE", "tcp-1-1", true));
	tcp_seg(&c, t + 3 * SEC + 999, 1, c.seq[1], 0x08, three, l);
	c.seq[1] += (uint32_t)l;
	char *ok = resp(&c, &k, 200, "OK", 1, "INVITE", "tcp-1-1", true);
	size_t okl = strlen(ok);
	tcp_seg(&c, t + 4 * SEC, 1, c.seq[1], 0x08, ok, 30);
	tcp_seg(&c, t + 4 * SEC + 1 * MS + 999, 1, c.seq[1] + 30, 0x08, ok + 30, okl - 30);
	c.seq[1] += (uint32_t)okl;
	char two[4096];
	l = (size_t)snprintf(two, sizeof(two), "%s",
			     req(&c, &k, "ACK", 1, NULL, "ack", true, false, NULL, 0));
	l += (size_t)snprintf(two + l, sizeof(two) - l, "%s",
			      req(&c, &k, "BYE", 2, NULL, "bye", true, false, NULL, 0));
	tcp_seg(&c, t + 8 * SEC + 999, 0, c.seq[0], 0x08, two, l);
	c.seq[0] += (uint32_t)l;
	send_msg(&c, t + 8 * SEC + 2 * MS, 1, resp(&c, &k, 200, "OK", 2, "BYE", "bye", true));
	/* A second call on the same connection, rejected, after a keep-alive. */
	tcp_seg(&c, t + 9 * SEC, 0, c.seq[0], 0x08, "\r\n\r\n", 4);
	c.seq[0] += 4;
	struct call k2 = {
	    .id = "tcp-2@gen", .ftag = "f-tcp-2", .ttag = "t-tcp-2", .user = "0312000002"};
	flow(&c, REJECTED, t + 10 * SEC, &k2);
	tcp_seg(&c, t + 12 * SEC, 0, c.seq[0], 0x01, "", 0);
	tcp_seg(&c, t + 12 * SEC + 1 * MS, 1, c.seq[1], 0x01, "", 0);
	close_out(&c);
}

static void file_calls(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_calls.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5080; /* not 5060: SIP is found by its start line */
	c.bport = 5090;
	int64_t t = 0;
	call(&c, ANSWERED, t, "calls-answered@gen", "0312000001",
	     "Diversion: <sip:0312000001@example.net>;reason=no-answer;counter=1\r\n", 0);
	call(&c, CROSSED, t + 1 * SEC, "calls-crossed@gen", "0312000001", NULL, 0);
	call(&c, CHALLENGE, t + 2 * SEC, "calls-challenge@gen", "0312000002", NULL, 0);
	call(&c, REINVITE, t + 3 * SEC, "calls-reinvite@gen", "0312000002",
	     "History-Info: <sip:0312000002@example.net?Reason=SIP%3Bcause%3D302>;index=1.1\r\n",
	     0);
	call(&c, RETRANS, t + 4 * SEC, "calls-retrans@gen", "0312000001", NULL, 0);
	call(&c, ABANDONED, t + 5 * SEC, "calls-abandoned@gen", "0312000001", NULL, 0);
	call(&c, REJECTED, t + 6 * SEC, "calls-rejected@gen", "0312000002", NULL, 0);
	call(&c, CALLEE_BYE, t + 7 * SEC, "calls-callee-bye@gen", "0312000001", NULL, 0);
	call(&c, SESSION_PROGRESS, t + 8 * SEC, "calls-183@gen", "0312000001", NULL, 0);
	call(&c, NO_RINGING, t + 9 * SEC, "calls-no-18x@gen", "0312000002", NULL, 0);
	call(&c, INCOMPLETE, t + 10 * SEC, "calls-incomplete@gen", "0312000002", NULL, 0);
	close_out(&c);
}

/* Compact header names (i: for Call-ID, f:, t:, v:, l:) over UDP, and over
 * TCP (but for Content-Length: compact()) with every message split in two
 * segments: the abandoned calls' CANCELs must be found all the same
 * (ringbench live draws redials on them). */
static void file_compact(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_compact.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.compact = true;
	c.aport = 5062;
	c.bport = 5060;
	call(&c, ANSWERED, 0, "compact-answered@gen", "0312000001", NULL, 0);
	call(&c, ABANDONED, 1 * SEC, "compact-abandoned@gen", "0312000001", NULL, 0);
	call(&c, REJECTED, 2 * SEC, "compact-rejected@gen", "0312000002", NULL, 0);
	c.tcp = true;
	c.split = true;
	/* One connection per call: their messages then follow each other on it
	 * in time order, as a stream's bytes must. */
	static const struct {
		enum flow f;
		const char *id, *user;
	} tcp_calls[] = {{ABANDONED, "compact-tcp-abandoned@gen", "0312000001"},
			 {ANSWERED, "compact-tcp-answered@gen", "0312000002"},
			 {ABANDONED, "compact-tcp-abandoned-2@gen", "0312000002"}};
	for (int i = 0; i < 3; i++) {
		int64_t t = (4 + i) * SEC;
		c.aport = (uint16_t)(40002 + i);
		c.seq[0] = 1000u * (uint32_t)(i + 1);
		c.seq[1] = 9000u * (uint32_t)(i + 1);
		tcp_handshake(&c, t - 500 * MS);
		call(&c, tcp_calls[i].f, t, tcp_calls[i].id, tcp_calls[i].user, NULL, 0);
	}
	close_out(&c);
}

static void file_garbage(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_garbage.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5062;
	c.bport = 5060;
	uint8_t junk[300];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (uint8_t)(x >> 16);
	}
	udp_out(&c, 0, 0, junk, sizeof(junk));				      /* garbage to 5060 */
	udp_out(&c, 1 * MS, 0, "\r\n\r\n", 4);				      /* keep-alive */
	udp_out(&c, 2 * MS, 0, "SIP/2.0 banana\r\n\r\n", 18);		      /* not a start line */
	udp_out(&c, 3 * MS, 0, "INVITE sip:x SIP/2.0\r\nVia: ?\r\n\r\n", 32); /* no Call-ID */
	{								      /* ARP */
		uint8_t a[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
				 0,    0x5e, 0,	   0x53, 1,    0x08, 0x06};
		dump(&c, 4 * MS, a, sizeof(a));
	}
	{ /* ICMP echo, SCTP and a GTP-U datagram */
		uint8_t p[80];
		memset(p, 0, sizeof(p));
		ip4_hdr(p, 28, 1, A4, B4, 1, 0);
		link_out(&c, 5 * MS, p, 28);
		ip4_hdr(p, 48, 132, A4, B4, 2, 0);
		link_out(&c, 6 * MS, p, 48);
		uint8_t g[16] = {0x30, 0xff, 0, 8, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
		struct ctx gc = c;
		gc.aport = 2152;
		gc.bport = 2152;
		udp_out(&gc, 7 * MS, 0, g, sizeof(g));
	}
	{ /* an IPv4 header that claims more than was captured */
		uint8_t p[40];
		memset(p, 0, sizeof(p));
		ip4_hdr(p, 400, 17, A4, B4, 3, 0);
		link_out(&c, 8 * MS, p, 40);
	}
	call(&c, ANSWERED, 10 * MS, "garbage-call@gen", "0312000001", NULL, 0);
	/* a response and a BYE of no call we know */
	struct call k = {.id = "nobody@gen", .ftag = "f-x", .ttag = "t-x", .user = "0312000009"};
	send_msg(&c, 11 * SEC, 1, resp(&c, &k, 200, "OK", 1, "INVITE", "x", true));
	close_out(&c);
}

static void file_truncated(const char *dir)
{
	char path[512];
	struct ctx c = {0};
	open_out(&c, dir, "edge_truncated.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5062;
	c.bport = 5060;
	call(&c, ANSWERED, 0, "trunc-answered@gen", "0312000001", NULL, 0);
	call(&c, ABANDONED, 1 * SEC, "trunc-abandoned@gen", "0312000002", NULL, 0);
	close_out(&c);
	/* Cut the last record in the middle: the file ends early. */
	snprintf(path, sizeof(path), "%s/edge_truncated.pcap", dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		die("reopen");
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fclose(f);
	if (truncate(path, sz - 60) != 0)
		die("truncate");
}

/* n characters: prefix repeated, then suffix (n includes the suffix). */
static void longstr(char *buf, size_t n, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	for (size_t i = 0; i + sl < n; i++)
		buf[i] = prefix[i % pl];
	memcpy(buf + n - sl, suffix, sl + 1);
}

/* Two calls of one Call-ID whose From tags (250 characters) differ only in
 * the last two, as a B2BUA that prefixes its legs' tags makes them. */
static void file_longtags(const char *dir)
{
	struct ctx c = {0};
	char fa[260], fb[260];
	open_out(&c, dir, "edge_longtags.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5062;
	c.bport = 5060;
	longstr(fa, 250, "b2bua-0123456789-leg-", "-A");
	longstr(fb, 250, "b2bua-0123456789-leg-", "-B");
	struct call a = {.id = "longtags@gen",
			 .ftag = fa,
			 .ttag = "t-la",
			 .user = "0312000001",
			 .branch = "lt-a"};
	struct call b = {.id = "longtags@gen",
			 .ftag = fb,
			 .ttag = "t-lb",
			 .user = "0312000002",
			 .branch = "lt-b"};
	flow(&c, ANSWERED, 0, &a);
	flow(&c, ABANDONED, 1 * SEC + 250 * MS, &b);
	close_out(&c);
}

/* Two calls whose Call-IDs (500 characters) differ only in the last. */
static void file_longcallid(const char *dir)
{
	struct ctx c = {0};
	char ia[520], ib[520];
	open_out(&c, dir, "edge_longcallid.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5062;
	c.bport = 5060;
	longstr(ia, 500, "0123456789abcdef", "@gen1");
	longstr(ib, 500, "0123456789abcdef", "@gen2");
	struct call a = {
	    .id = ia, .ftag = "f-lc", .ttag = "t-lca", .user = "0312000001", .branch = "lc-a"};
	struct call b = {
	    .id = ib, .ftag = "f-lc", .ttag = "t-lcb", .user = "0312000002", .branch = "lc-b"};
	flow(&c, ANSWERED, 0, &a);
	flow(&c, REJECTED, 2 * SEC, &b);
	close_out(&c);
}

/* A 407 answered with credentials 30 s later, one 90 s later (past 64 x T1);
 * another never answered so. */
static void file_challenge(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_challenge.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.af = 4;
	c.aport = 5062;
	c.bport = 5060;
	struct call a = {
	    .id = "challenge-late@gen", .ftag = "f-cl", .ttag = "t-cl", .user = "0312000001"};
	flow(&c, CHALLENGE_LATE, 0, &a);
	struct call a2 = {.id = "challenge-90s@gen",
			  .ftag = "f-c90",
			  .ttag = "t-c90",
			  .user = "0312000001",
			  .resend = 90 * SEC};
	flow(&c, CHALLENGE_LATE, 10 * SEC, &a2);
	struct call b = {
	    .id = "challenge-only@gen", .ftag = "f-co", .ttag = "t-co", .user = "0312000002"};
	/* the 407 and its ACK only: rejected with 407 */
	send_msg(&c, 5 * SEC, 0, req(&c, &b, "INVITE", 1, NULL, "co-1", false, false, NULL, 0));
	send_msg(&c, 5 * SEC + 2 * MS + 999, 1,
		 resp(&c, &b, 407, "Proxy Authentication Required", 1, "INVITE", "co-1", true));
	send_msg(&c, 5 * SEC + 3 * MS, 0,
		 req(&c, &b, "ACK", 1, NULL, "co-1", true, false, NULL, 0));
	close_out(&c);
}

/* Calls in PPPoE sessions (IPv4, IPv6, behind an 802.1Q tag). */
static void file_pppoe(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_pppoe.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.aport = 5062;
	c.bport = 5060;
	c.pppoe = true;
	c.af = 4;
	pair(&c, "pppoe-v4", 0);
	c.af = 6;
	pair(&c, "pppoe-v6", 3 * SEC);
	c.af = 4;
	c.vlan = 1;
	pair(&c, "vlan-pppoe", 6 * SEC);
	close_out(&c);
}

/* Calls behind MPLS label stacks (one label IPv4, three IPv6, VLAN + two). */
static void file_mpls(const char *dir)
{
	struct ctx c = {0};
	open_out(&c, dir, "edge_mpls.pcap", DLT_EN10MB);
	c.link = L_ETH;
	c.aport = 5062;
	c.bport = 5060;
	c.af = 4;
	c.mpls = 1;
	pair(&c, "mpls1-v4", 0);
	c.af = 6;
	c.mpls = 3;
	pair(&c, "mpls3-v6", 3 * SEC);
	c.af = 4;
	c.mpls = 2;
	c.vlan = 1;
	pair(&c, "vlan-mpls2", 6 * SEC);
	close_out(&c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap OUTDIR\n");
		return 2;
	}
	const char *d = argv[1];
	file_calls(d);
	file_tcp(d);
	file_compact(d);
	file_frag(d, "edge_frag4.pcap", 4);
	file_frag(d, "edge_frag6.pcap", 6);
	file_garbage(d);
	file_truncated(d);
	file_longtags(d);
	file_longcallid(d);
	file_challenge(d);
	file_pppoe(d);
	file_mpls(d);
	{
		struct ctx c = {0};
		open_out(&c, d, "edge_vlan.pcap", DLT_EN10MB);
		c.link = L_ETH;
		c.af = 4;
		c.aport = 5062;
		c.bport = 5060;
		c.vlan = 1;
		pair(&c, "dot1q", 0);
		c.vlan = 2;
		pair(&c, "qinq", 3 * SEC);
		close_out(&c);
	}
	simple_file(d, "edge_sll.pcap", DLT_LINUX_SLL, L_SLL, 4, 0, T_NONE);
	simple_file(d, "edge_sll2.pcap", DLT_LINUX_SLL2, L_SLL2, 6, 0, T_NONE);
	simple_file(d, "edge_null.pcap", DLT_NULL, L_NULL, 4, 0, T_NONE);
	simple_file(d, "edge_raw.pcap", DLT_RAW, L_RAW, 6, 0, T_NONE);
	{
		struct ctx c = {0};
		open_out(&c, d, "edge_gre.pcap", DLT_EN10MB);
		c.link = L_ETH;
		c.af = 4;
		c.aport = 5062;
		c.bport = 5060;
		c.tun = T_GRE_IP;
		pair(&c, "gre-ip", 0);
		c.tun = T_GRE_TEB;
		pair(&c, "gre-teb", 3 * SEC);
		c.tun = T_ERSPAN2;
		pair(&c, "erspan2", 6 * SEC);
		c.tun = T_ERSPAN3;
		pair(&c, "erspan3", 9 * SEC);
		close_out(&c);
	}
	{
		struct ctx c = {0};
		open_out(&c, d, "edge_ipip.pcap", DLT_EN10MB);
		c.link = L_ETH;
		c.aport = 5062;
		c.bport = 5060;
		c.tun = T_IPIP;
		c.af = 4;
		pair(&c, "ip4in4", 0);
		c.af = 6;
		pair(&c, "ip6in4", 3 * SEC);
		close_out(&c);
	}
	return 0;
}
