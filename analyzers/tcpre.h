/*
 * tcpre: TCP stream reassembly and SIP framing for the analyzer.
 *
 * Each direction of a connection is a flow. Bytes are delivered in sequence
 * order: retransmitted bytes are dropped (counted tcp_retransmitted), bytes
 * that arrive early wait (bounded) for the hole before them, and a hole that
 * is never filled is counted (tcp_gap) and skipped. The in-order bytes are cut
 * into SIP messages by sipmsg_frame() in lenient mode (Content-Length
 * framing, several messages per segment, one message over several segments);
 * each message goes to the handler with the segment that completed it (its
 * time is that segment's, as in Wireshark). Streams that start a TLS
 * handshake, upgrade to WebSocket, or do not look like SIP are ignored until
 * they close (counted once each).
 *
 * Memory is bounded: at most TCPRE_FLOW_MAX flows, each holding at most
 * TCPRE_BUF_MAX unframed bytes and TCPRE_OOO_MAX early bytes, and a flow idle
 * for TCPRE_IDLE_NS of capture time is dropped.
 */
#ifndef RB_TCPRE_H
#define RB_TCPRE_H

#include <stddef.h>
#include <stdint.h>

#include "astats.h"
#include "pktdec.h"

#define TCPRE_FLOW_MAX 65536
#define TCPRE_BUF_MAX  (1024 * 1024 + 65536)
#define TCPRE_OOO_MAX  (256 * 1024)
#define TCPRE_IDLE_NS  (INT64_C(600) * 1000000000)

/* One framed message: seg is the segment that completed it (addresses, time). */
typedef void(tcpre_msg_h)(const struct pkt_l4 *seg, const char *msg, size_t len, void *arg);

struct tcpre;

/* Returns NULL on ENOMEM. st must outlive t. */
struct tcpre *tcpre_new(struct astats *st, tcpre_msg_h *h, void *arg);
/* Frees every flow (a flow holding part of a message counts a tcp_gap). */
void tcpre_free(struct tcpre *t);
/* One TCP segment (p->proto == 6). */
void tcpre_segment(struct tcpre *t, const struct pkt_l4 *p);
/* Flows held now (for tests). */
size_t tcpre_flows(const struct tcpre *t);

#endif
