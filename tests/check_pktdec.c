/*
 * check_pktdec: the analyzer's packet layers: link types, VLAN tags,
 * fragments (reassembly, limits, timeouts), tunnels, truncation, and TCP
 * reassembly with SIP framing (tcpre).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktdec.h"
#include "tcpre.h"

static struct astats st;
static struct pktdec *d;
static int nl4;
static struct pkt_l4 last;
static char lastdata[70000];

static void on_l4(const struct pkt_l4 *p, void *arg)
{
	(void)arg;
	nl4++;
	last = *p;
	memcpy(lastdata, p->data, p->len < sizeof(lastdata) ? p->len : sizeof(lastdata));
	last.data = (const uint8_t *)lastdata;
}

static void setup(void)
{
	memset(&st, 0, sizeof(st));
	nl4 = 0;
	d = pktdec_new(&st, on_l4, NULL);
	ck_assert_ptr_nonnull(d);
}

static void teardown(void)
{
	pktdec_free(d);
}

static void w16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4 header for a payload of n bytes; returns 20. */
static size_t ip4(uint8_t *p, size_t n, int proto, unsigned id, unsigned frag)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	w16(p + 2, (unsigned)(20 + n));
	w16(p + 4, id);
	w16(p + 6, frag);
	p[8] = 64;
	p[9] = (uint8_t)proto;
	p[12] = 10, p[15] = 1;
	p[16] = 10, p[19] = 2;
	return 20;
}

static size_t ip6(uint8_t *p, size_t n, int nh)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	w16(p + 4, (unsigned)n);
	p[6] = (uint8_t)nh;
	p[8] = 0x20, p[23] = 1;
	p[24] = 0x20, p[39] = 2;
	return 40;
}

static size_t udp(uint8_t *p, const char *data)
{
	size_t n = strlen(data);
	w16(p, 5062);
	w16(p + 2, 5060);
	w16(p + 4, (unsigned)(8 + n));
	w16(p + 6, 0);
	memcpy(p + 8, data, n);
	return 8 + n;
}

/* A whole IPv4/UDP packet carrying data into p; returns its length. */
static size_t ip4udp(uint8_t *p, const char *data)
{
	size_t n = udp(p + 20, data);
	return ip4(p, n, 17, 1, 0) + n;
}

static size_t eth(uint8_t *p, unsigned type, const uint8_t *payload, size_t n)
{
	memset(p, 0, 12);
	w16(p + 12, type);
	memcpy(p + 14, payload, n);
	return 14 + n;
}

START_TEST(test_ethernet_ipv4_udp)
{
	uint8_t ip[200], f[300];
	size_t n = eth(f, 0x0800, ip, ip4udp(ip, "hello"));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 42, f, n);
	ck_assert_int_eq(nl4, 1);
	ck_assert_int_eq(last.af, 4);
	ck_assert_int_eq(last.proto, 17);
	ck_assert_int_eq(last.sport, 5062);
	ck_assert_int_eq(last.dport, 5060);
	ck_assert_int_eq(last.ts_ns, 42);
	ck_assert_uint_eq(last.len, 5);
	ck_assert(!memcmp(last.data, "hello", 5));
	char a[64];
	pktdec_fmt_addr(a, sizeof(a), last.af, last.src, last.sport);
	ck_assert_str_eq(a, "10.0.0.1:5062");
}
END_TEST

START_TEST(test_vlan_and_qinq_tags)
{
	uint8_t ip[200], f[300];
	size_t in = ip4udp(ip, "x");
	memset(f, 0, 12);
	w16(f + 12, 0x88A8);
	w16(f + 14, 100);
	w16(f + 16, 0x8100);
	w16(f + 18, 42);
	w16(f + 20, 0x0800);
	memcpy(f + 22, ip, in);
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, 22 + in);
	w16(f + 12, 0x8100);
	w16(f + 16, 0x0800);
	memcpy(f + 18, ip, in);
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, 18 + in);
	ck_assert_int_eq(nl4, 2);
}
END_TEST

/* A PPPoE session header and the PPP protocol before payload; returns its length. */
static size_t pppoe(uint8_t *p, unsigned proto, const uint8_t *payload, size_t n)
{
	p[0] = 0x11;
	p[1] = 0;
	w16(p + 2, 0x1234);
	w16(p + 4, (unsigned)(n + 2));
	w16(p + 6, proto);
	memcpy(p + 8, payload, n);
	return 8 + n;
}

START_TEST(test_pppoe_session_ipv4_ipv6_and_behind_vlan)
{
	uint8_t ip[200], pp[300], f[400];
	size_t in = ip4udp(ip, "pppoe4");
	size_t n = eth(f, 0x8864, pp, pppoe(pp, 0x0021, ip, in));
	n += 6; /* Ethernet padding beyond PPPoE's length: not payload */
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_int_eq(nl4, 1);
	ck_assert_uint_eq(last.len, 6);
	ck_assert(!memcmp(last.data, "pppoe4", 6));
	/* IPv6 in PPP (0x0057) */
	size_t un = udp(ip + 40, "pppoe6");
	in = ip6(ip, un, 17) + un;
	n = eth(f, 0x8864, pp, pppoe(pp, 0x0057, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_int_eq(nl4, 2);
	ck_assert_int_eq(last.af, 6);
	ck_assert(!memcmp(last.data, "pppoe6", 6));
	/* behind an 802.1Q tag */
	in = ip4udp(ip, "vlanpppoe");
	size_t pn = pppoe(pp, 0x0021, ip, in);
	memset(f, 0, 12);
	w16(f + 12, 0x8100);
	w16(f + 14, 7);
	w16(f + 16, 0x8864);
	memcpy(f + 18, pp, pn);
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, 18 + pn);
	ck_assert_int_eq(nl4, 3);
	ck_assert(!memcmp(last.data, "vlanpppoe", 9));
	/* LCP is not IP; a length past the capture is truncated; discovery is not IP */
	n = eth(f, 0x8864, pp, pppoe(pp, 0xC021, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_uint_eq(st.n[ASKIP_NON_IP], 1);
	n = eth(f, 0x8864, pp, pppoe(pp, 0x0021, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n - 10);
	ck_assert_uint_eq(st.n[ASKIP_TRUNCATED], 1);
	n = eth(f, 0x8863, pp, pppoe(pp, 0x0021, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_uint_eq(st.n[ASKIP_NON_IP], 2);
	ck_assert_int_eq(nl4, 3);
}
END_TEST

/* n MPLS labels (the last with bottom-of-stack) before payload. */
static size_t mpls(uint8_t *p, int labels, const uint8_t *payload, size_t n)
{
	for (int i = 0; i < labels; i++) {
		unsigned label = 16 + (unsigned)i;
		p[4 * i] = (uint8_t)(label >> 12);
		p[4 * i + 1] = (uint8_t)(label >> 4);
		p[4 * i + 2] = (uint8_t)((label & 0xf) << 4 | (i == labels - 1));
		p[4 * i + 3] = 64;
	}
	memcpy(p + 4 * labels, payload, n);
	return 4 * (size_t)labels + n;
}

START_TEST(test_mpls_label_stacks_ipv4_ipv6_vlan_gre)
{
	uint8_t ip[200], m[300], f[400];
	size_t in = ip4udp(ip, "mpls1");
	size_t n = eth(f, 0x8847, m, mpls(m, 1, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_int_eq(nl4, 1);
	ck_assert(!memcmp(last.data, "mpls1", 5));
	/* three labels, IPv6, multicast ethertype */
	size_t un = udp(ip + 40, "mpls6");
	in = ip6(ip, un, 17) + un;
	n = eth(f, 0x8848, m, mpls(m, 3, ip, in));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_int_eq(nl4, 2);
	ck_assert_int_eq(last.af, 6);
	/* behind QinQ tags */
	in = ip4udp(ip, "qinqmpls");
	size_t mn = mpls(m, 2, ip, in);
	memset(f, 0, 12);
	w16(f + 12, 0x88A8);
	w16(f + 14, 100);
	w16(f + 16, 0x8100);
	w16(f + 18, 42);
	w16(f + 20, 0x8847);
	memcpy(f + 22, m, mn);
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, 22 + mn);
	ck_assert_int_eq(nl4, 3);
	ck_assert(!memcmp(last.data, "qinqmpls", 8));
	/* in GRE (protocol 0x8847) */
	uint8_t p[500];
	uint8_t g[4] = {0, 0, 0x88, 0x47};
	memcpy(p + 20, g, 4);
	memcpy(p + 24, m, mn);
	ip4(p, 4 + mn, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 24 + mn);
	ck_assert_int_eq(nl4, 4);
	/* a pseudowire control word (first nibble 0) is not IP */
	uint8_t cw[60] = {0};
	n = eth(f, 0x8847, m, mpls(m, 1, cw, sizeof(cw)));
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_uint_eq(st.n[ASKIP_NON_IP], 1);
	/* a stack with no bottom within the capture is truncated, never read past */
	mpls(m, 3, ip, 0);
	m[10] &= 0xfe; /* the third label loses its bottom-of-stack bit */
	n = eth(f, 0x8847, m, 12);
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_uint_eq(st.n[ASKIP_TRUNCATED], 1);
	/* too many labels */
	static uint8_t big[4 * 40 + 200];
	mpls(big, 40, ip, in);
	n = eth(f, 0x8847, big, 4 * 20); /* 20 labels, none the bottom */
	pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, n);
	ck_assert_uint_eq(st.n[ASKIP_TUNNEL_DEPTH], 1);
	ck_assert_int_eq(nl4, 4);
}
END_TEST

START_TEST(test_cooked_null_raw_links)
{
	uint8_t ip[200], f[300];
	size_t in = ip4udp(ip, "x");
	/* also tells GCC's link-time inlining that the copies below fit f */
	ck_assert_uint_lt(in, sizeof(ip));
	memset(f, 0, 16); /* SLL */
	w16(f + 14, 0x0800);
	memcpy(f + 16, ip, in);
	pktdec_packet(d, PKTDEC_DLT_LINUX_SLL, 0, f, 16 + in);
	memset(f, 0, 20); /* SLL2 */
	w16(f, 0x0800);
	memcpy(f + 20, ip, in);
	pktdec_packet(d, PKTDEC_DLT_LINUX_SLL2, 0, f, 20 + in);
	uint8_t le[4] = {2, 0, 0, 0}, be[4] = {0, 0, 0, 2};
	memcpy(f, le, 4); /* NULL, little-endian writer */
	memcpy(f + 4, ip, in);
	pktdec_packet(d, PKTDEC_DLT_NULL, 0, f, 4 + in);
	memcpy(f, be, 4); /* LOOP: network order */
	pktdec_packet(d, PKTDEC_DLT_LOOP, 0, f, 4 + in);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, ip, in);
	pktdec_packet(d, PKTDEC_LINKTYPE_RAW, 0, ip, in);
	size_t un = udp(f + 40, "v6");
	ip6(f, un, 17);
	pktdec_packet(d, PKTDEC_DLT_IPV6, 0, f, 40 + un);
	ck_assert_int_eq(nl4, 7);
	ck_assert_int_eq(last.af, 6);
	pktdec_packet(d, 147, 0, f, 40 + un); /* a user DLT */
	ck_assert_int_eq(st.n[ASKIP_LINKTYPE], 1);
	ck_assert(!pktdec_dlt_supported(147));
}
END_TEST

/* A 3000-byte UDP datagram in IPv4 fragments of 1000, given in `order`. */
static void frags4(const int *order, int n, unsigned id, int64_t t)
{
	static char big[3001];
	memset(big, 'a', 3000);
	big[3000] = '\0';
	uint8_t l4[3100], p[1100];
	size_t tot = udp(l4, big);
	for (int k = 0; k < n; k++) {
		size_t off = (size_t)order[k] * 1000, len = tot - off < 1000 ? tot - off : 1000;
		unsigned more = off + len < tot ? 0x2000 : 0;
		ip4(p, len, 17, id, more | (unsigned)(off / 8));
		memcpy(p + 20, l4 + off, len);
		pktdec_packet(d, PKTDEC_DLT_RAW, t, p, 20 + len);
	}
}

START_TEST(test_ipv4_fragments_out_of_order_and_duplicated)
{
	int order[] = {2, 0, 0, 3, 1};
	frags4(order, 5, 7, 0);
	ck_assert_int_eq(nl4, 1);
	ck_assert_uint_eq(last.len, 3000);
	ck_assert_uint_eq(pktdec_frag_pending(d), 0);
}
END_TEST

START_TEST(test_incomplete_fragments_time_out_and_are_counted)
{
	int order[] = {0, 2};
	frags4(order, 2, 8, 0);
	ck_assert_uint_eq(pktdec_frag_pending(d), 1);
	uint8_t ip[200];
	size_t in = ip4udp(ip, "x");
	pktdec_packet(d, PKTDEC_DLT_RAW, PKTDEC_FRAG_TIMEOUT_NS - 1, ip, in);
	int one[] = {1};
	frags4(one, 1, 9, PKTDEC_FRAG_TIMEOUT_NS); /* a new datagram's fragment expires the old */
	ck_assert_int_eq(st.n[ASKIP_FRAG_INCOMPLETE], 1);
	ck_assert_uint_eq(pktdec_frag_pending(d), 1);
}
END_TEST

START_TEST(test_fragment_table_is_bounded)
{
	int first[] = {0};
	for (unsigned id = 0; id < PKTDEC_FRAG_MAX + 100; id++)
		frags4(first, 1, id, 0);
	ck_assert_uint_eq(pktdec_frag_pending(d), PKTDEC_FRAG_MAX);
	ck_assert_int_eq(st.n[ASKIP_FRAG_TABLE_FULL], 100);
}
END_TEST

START_TEST(test_ipv6_fragment_header)
{
	static char big[2001];
	memset(big, 'b', 2000);
	uint8_t l4[2100], p[1300];
	size_t tot = udp(l4, big);
	for (int k = 1; k >= 0; k--) { /* last first */
		size_t off = (size_t)k * 1200, len = tot - off < 1200 ? tot - off : 1200;
		ip6(p, 8 + len, 44);
		p[40] = 17;
		p[41] = 0;
		w16(p + 42, (unsigned)(off | (off + len < tot)));
		p[44] = 0, p[45] = 0, p[46] = 0x12, p[47] = 0x34;
		memcpy(p + 48, l4 + off, len);
		pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 48 + len);
	}
	ck_assert_int_eq(nl4, 1);
	ck_assert_uint_eq(last.len, 2000);
	ck_assert_int_eq(last.af, 6);
}
END_TEST

START_TEST(test_gre_teb_and_erspan)
{
	uint8_t ip[200], inner[300], p[500];
	size_t in = ip4udp(ip, "sip");
	size_t fr = eth(inner, 0x0800, ip, in);
	/* GRE with key, IPv4 payload */
	uint8_t g[12] = {0x20, 0, 0x08, 0x00, 0, 0, 0, 1};
	memcpy(p + 20, g, 8);
	memcpy(p + 28, ip, in);
	ip4(p, 8 + in, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 28 + in);
	/* transparent Ethernet bridging */
	uint8_t teb[4] = {0, 0, 0x65, 0x58};
	memcpy(p + 20, teb, 4);
	memcpy(p + 24, inner, fr);
	ip4(p, 4 + fr, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 24 + fr);
	/* ERSPAN II: S bit, sequence, 8-byte header */
	uint8_t e2[16] = {0x10, 0, 0x88, 0xBE, 0, 0, 0, 1, 0x10, 0, 0, 5};
	memcpy(p + 20, e2, 16);
	memcpy(p + 36, inner, fr);
	ip4(p, 16 + fr, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 36 + fr);
	/* ERSPAN III with the optional 8-byte platform sub-header (O bit) */
	uint8_t e3[28] = {0x10, 0, 0x22, 0xEB, 0, 0, 0, 1, 0x20, 0, 0, 5};
	e3[8 + 11] = 0x01;
	memcpy(p + 20, e3, 28);
	memcpy(p + 48, inner, fr);
	ip4(p, 28 + fr, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 48 + fr);
	ck_assert_int_eq(nl4, 4);
	ck_assert(!memcmp(last.data, "sip", 3));
	/* PPTP's GRE version 1 is not ours */
	uint8_t v1[4] = {0x30, 0x01, 0x88, 0x0B};
	memcpy(p + 20, v1, 4);
	ip4(p, 4, 47, 1, 0);
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p, 24);
	ck_assert_int_eq(st.n[ASKIP_GRE_OTHER], 1);
}
END_TEST

START_TEST(test_ip_in_ip_and_depth_limit)
{
	uint8_t p[2000];
	size_t n = ip4udp(p + 20 * 10, "deep");
	size_t start = 20 * 10;
	for (int k = 0; k < 10; k++) { /* ten IPv4-in-IPv4 layers */
		start -= 20;
		ip4(p + start, n, 4, 1, 0);
		n += 20;
		if (k == 1)
			pktdec_packet(d, PKTDEC_DLT_RAW, 0, p + start, n);
	}
	pktdec_packet(d, PKTDEC_DLT_RAW, 0, p + start, n);
	ck_assert_int_eq(nl4, 1);
	ck_assert_int_eq(st.n[ASKIP_TUNNEL_DEPTH], 1);
}
END_TEST

START_TEST(test_truncated_headers_counted_never_read)
{
	uint8_t ip[200], f[300];
	size_t in = ip4udp(ip, "hello world");
	size_t n = eth(f, 0x0800, ip, in);
	for (size_t cut = 0; cut < n; cut++)
		pktdec_packet(d, PKTDEC_DLT_EN10MB, 0, f, cut);
	ck_assert_int_eq(nl4, 0);
	ck_assert_int_eq(st.n[ASKIP_TRUNCATED], (int)n);
}
END_TEST

/* ---- TCP ---- */

static int nmsg;
static char msgs[8][4096];
static int64_t msg_ts[8];

static void on_msg(const struct pkt_l4 *seg, const char *m, size_t len, void *arg)
{
	(void)arg;
	ck_assert_int_lt(nmsg, 8);
	ck_assert_uint_lt(len, 4096);
	memcpy(msgs[nmsg], m, len);
	msgs[nmsg][len] = '\0';
	msg_ts[nmsg++] = seg->ts_ns;
}

static void seg(struct tcpre *t, int64_t ts, uint32_t seq, int flags, const char *data, size_t n)
{
	struct pkt_l4 p = {.ts_ns = ts,
			   .af = 4,
			   .proto = 6,
			   .sport = 40000,
			   .dport = 5060,
			   .seq = seq,
			   .tcp_flags = (uint8_t)flags,
			   .data = (const uint8_t *)data,
			   .len = n};
	p.src[0] = 10;
	p.dst[0] = 11;
	tcpre_segment(t, &p);
}

static const char M1[] = "INVITE sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 5\r\n\r\nhello";
static const char M2[] = "SIP/2.0 180 Ringing\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n";

START_TEST(test_tcp_split_reordered_retransmitted)
{
	nmsg = 0;
	struct tcpre *t = tcpre_new(&st, on_msg, NULL);
	ck_assert_ptr_nonnull(t);
	size_t n = strlen(M1);
	seg(t, 1, 99, PKT_TCP_SYN, "", 0);
	seg(t, 2, 100, 0, M1, 10);
	seg(t, 3, 120, 0, M1 + 20, n - 20); /* early */
	ck_assert_int_eq(nmsg, 0);
	seg(t, 4, 110, 0, M1 + 10, 10); /* fills the hole: the message is whole at t=4 */
	ck_assert_int_eq(nmsg, 1);
	ck_assert_str_eq(msgs[0], M1);
	ck_assert_int_eq(msg_ts[0], 4);
	seg(t, 5, 110, 0, M1 + 10, 10); /* retransmitted */
	ck_assert_int_eq(st.n[ASKIP_TCP_RETRANSMITTED], 1);
	/* two messages and a keep-alive in one segment */
	char two[512];
	int l = snprintf(two, sizeof(two), "%s\r\n\r\n%s", M2, M2);
	seg(t, 6, (uint32_t)(100 + n), 0, two, (size_t)l);
	ck_assert_int_eq(nmsg, 3);
	ck_assert_str_eq(msgs[2], M2);
	ck_assert_uint_eq(tcpre_flows(t), 1);
	seg(t, 7, (uint32_t)(100 + n + (size_t)l), PKT_TCP_FIN, "", 0);
	ck_assert_uint_eq(tcpre_flows(t), 0);
	ck_assert_int_eq(st.n[ASKIP_TCP_GAP], 0);
	tcpre_free(t);
}
END_TEST

START_TEST(test_tcp_tls_and_websocket_streams_skipped)
{
	nmsg = 0;
	struct tcpre *t = tcpre_new(&st, on_msg, NULL);
	const char tls[] = "\x16\x03\x01\x00\x10 INVITE sip:x SIP/2.0\r\n";
	seg(t, 1, 1, 0, tls, sizeof(tls) - 1);
	const char ws[] = "GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n";
	struct pkt_l4 p = {.ts_ns = 2,
			   .af = 4,
			   .proto = 6,
			   .sport = 1,
			   .dport = 2,
			   .seq = 5,
			   .data = (const uint8_t *)ws,
			   .len = sizeof(ws) - 1};
	tcpre_segment(t, &p);
	p.seq += (uint32_t)p.len;
	p.data = (const uint8_t *)M1;
	p.len = strlen(M1);
	tcpre_segment(t, &p); /* SIP inside a WebSocket stream is not framed here */
	ck_assert_int_eq(nmsg, 0);
	ck_assert_int_eq(st.n[ASKIP_TLS], 1);
	ck_assert_int_eq(st.n[ASKIP_WEBSOCKET], 1);
	tcpre_free(t);
}
END_TEST

START_TEST(test_tcp_idle_flows_dropped_and_tail_counted)
{
	nmsg = 0;
	struct tcpre *t = tcpre_new(&st, on_msg, NULL);
	seg(t, 0, 1, 0, M1, 20); /* half a message, then silence */
	ck_assert_uint_eq(tcpre_flows(t), 1);
	struct pkt_l4 p = {.ts_ns = TCPRE_IDLE_NS,
			   .af = 4,
			   .proto = 6,
			   .sport = 9,
			   .dport = 9,
			   .seq = 1,
			   .data = (const uint8_t *)M2,
			   .len = strlen(M2)};
	tcpre_segment(t, &p);
	ck_assert_uint_eq(tcpre_flows(t), 1);
	ck_assert_int_eq(st.n[ASKIP_TCP_GAP], 1);
	ck_assert_int_eq(nmsg, 1);
	tcpre_free(t);
}
END_TEST

static Suite *pktdec_suite(void)
{
	Suite *s = suite_create("pktdec");
	TCase *tc = tcase_create("pktdec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ethernet_ipv4_udp);
	tcase_add_test(tc, test_vlan_and_qinq_tags);
	tcase_add_test(tc, test_pppoe_session_ipv4_ipv6_and_behind_vlan);
	tcase_add_test(tc, test_mpls_label_stacks_ipv4_ipv6_vlan_gre);
	tcase_add_test(tc, test_cooked_null_raw_links);
	tcase_add_test(tc, test_ipv4_fragments_out_of_order_and_duplicated);
	tcase_add_test(tc, test_incomplete_fragments_time_out_and_are_counted);
	tcase_add_test(tc, test_fragment_table_is_bounded);
	tcase_add_test(tc, test_ipv6_fragment_header);
	tcase_add_test(tc, test_gre_teb_and_erspan);
	tcase_add_test(tc, test_ip_in_ip_and_depth_limit);
	tcase_add_test(tc, test_truncated_headers_counted_never_read);
	tcase_add_test(tc, test_tcp_split_reordered_retransmitted);
	tcase_add_test(tc, test_tcp_tls_and_websocket_streams_skipped);
	tcase_add_test(tc, test_tcp_idle_flows_dropped_and_tail_counted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pktdec_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
