/*
 * pktdec: from a captured frame to UDP datagrams and TCP segments.
 *
 * Link layers: Ethernet (802.1Q / QinQ tags), Linux cooked v1 (SLL) and v2
 * (SLL2), BSD null / loopback, raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6); over any
 * of them (behind VLAN tags too) PPPoE sessions (0x8864, PPP IPv4 / IPv6) and
 * MPLS label stacks (0x8847 / 0x8848, also in GRE), IP found by the first
 * nibble after the bottom of the stack. Network:
 * IPv4 with fragment reassembly, IPv6 with extension headers and its fragment
 * header, IP-in-IP (4in4, 6in4, 4in6, 6in6), GRE (IPv4/IPv6 payloads,
 * transparent Ethernet bridging 0x6558, ERSPAN type I/II 0x88BE and type III
 * 0x22EB). Everything else is counted in struct astats and dropped.
 *
 *   struct pktdec *d = pktdec_new(&stats, on_l4, arg);
 *   for each record: pktdec_packet(d, dlt, ts_ns, data, caplen);
 *   pktdec_free(d);   (counts fragments never completed)
 *
 * on_l4 gets each UDP datagram and TCP segment; its data pointer is valid
 * only during the call. Fragment reassembly is bounded: at most
 * PKTDEC_FRAG_MAX datagrams in progress, each at most 64 KiB, dropped
 * PKTDEC_FRAG_TIMEOUT_NS of capture time after their first fragment.
 */
#ifndef RB_PKTDEC_H
#define RB_PKTDEC_H

#include <stddef.h>
#include <stdint.h>

#include "astats.h"

#define PKTDEC_FRAG_MAX	       1024
#define PKTDEC_FRAG_TIMEOUT_NS (INT64_C(30) * 1000000000)
#define PKTDEC_MAX_DEPTH       6 /* tunnels within tunnels */
#define PKTDEC_MPLS_MAX	       16 /* labels in one stack */

/* Link types as libpcap's DLT_ values (the ones this decoder knows). */
#define PKTDEC_DLT_NULL	      0
#define PKTDEC_DLT_EN10MB     1
#define PKTDEC_DLT_RAW	      12
#define PKTDEC_DLT_RAW_ALT    14 /* DLT_RAW on OpenBSD */
#define PKTDEC_LINKTYPE_RAW   101
#define PKTDEC_DLT_LOOP	      108
#define PKTDEC_DLT_LINUX_SLL  113
#define PKTDEC_DLT_IPV4	      228
#define PKTDEC_DLT_IPV6	      229
#define PKTDEC_DLT_LINUX_SLL2 276

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04

struct pkt_l4 {
	int64_t ts_ns;
	uint8_t af;		  /* 4 or 6 */
	uint8_t proto;		  /* 17 UDP, 6 TCP */
	uint8_t tcp_flags;	  /* PKT_TCP_* */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes, rest zero */
	uint16_t sport, dport;
	uint32_t seq; /* TCP */
	const uint8_t *data;
	size_t len;
};

typedef void(pktdec_l4_h)(const struct pkt_l4 *p, void *arg);

struct pktdec;

/* Returns NULL on ENOMEM. st must outlive the decoder. */
struct pktdec *pktdec_new(struct astats *st, pktdec_l4_h *h, void *arg);
/* Counts datagrams still in reassembly as fragments_incomplete, frees d. */
void pktdec_free(struct pktdec *d);

/* True when pktdec_packet knows this link type. */
int pktdec_dlt_supported(int dlt);

/* Decodes one captured frame (caplen bytes at p). */
void pktdec_packet(struct pktdec *d, int dlt, int64_t ts_ns, const uint8_t *p, size_t caplen);

/* Datagrams in reassembly now (for tests). */
size_t pktdec_frag_pending(const struct pktdec *d);

/* "192.0.2.1:5060" or "[2001:db8::1]:5060" into buf. */
void pktdec_fmt_addr(char *buf, size_t n, int af, const uint8_t *addr, uint16_t port);

#endif
