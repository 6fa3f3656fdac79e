/*
 * astats: what the analyzer skipped, and why. Every layer (link, IP,
 * fragments, tunnels, TCP, SIP) counts what it could not use in one
 * struct astats; summary.json gets the non-zero counters as "skipped": {...}
 * and the same figures go to stderr.
 */
#ifndef RB_ASTATS_H
#define RB_ASTATS_H

#include <stdint.h>

enum askip {
	ASKIP_CORRUPT_RECORD = 0, /* libpcap could not read a record (file ends early) */
	ASKIP_TRUNCATED,	  /* a packet shorter than its headers say */
	ASKIP_LINKTYPE,		  /* a link type not supported */
	ASKIP_NON_IP,		  /* ARP, LLC, ... */
	ASKIP_BAD_IP,		  /* malformed IPv4/IPv6 header */
	ASKIP_IP_PROTO,		  /* ICMP and other IP protocols */
	ASKIP_SCTP,
	ASKIP_GRE_OTHER,       /* GRE version or payload not supported */
	ASKIP_TUNNEL_DEPTH,    /* tunnels nested too deep */
	ASKIP_FRAG_INCOMPLETE, /* fragments never completed (timed out) */
	ASKIP_FRAG_TABLE_FULL, /* fragment table at its limit */
	ASKIP_FRAG_BAD,	       /* inconsistent fragment (overlap past 64 KiB, ...) */
	ASKIP_GTP,
	ASKIP_WEBSOCKET,	 /* TCP streams that upgrade to WebSocket */
	ASKIP_TLS,		 /* TCP streams that start a TLS handshake */
	ASKIP_TCP_RETRANSMITTED, /* segments whose bytes were already seen */
	ASKIP_TCP_GAP,		 /* bytes lost in a stream (a hole never filled) */
	ASKIP_TCP_OVERFLOW,	 /* a stream buffer at its limit */
	ASKIP_TCP_TABLE_FULL,
	ASKIP_NOT_SIP,	     /* UDP/TCP payload that is not SIP */
	ASKIP_KEEPALIVE,     /* CRLF keep-alives */
	ASKIP_SIP_MALFORMED, /* SIP start line but unparseable message */
	ASKIP_SIP_NO_CALL,   /* responses and in-dialog requests of no known call */
	ASKIP_COUNT
};

struct astats {
	uint64_t n[ASKIP_COUNT];
	uint64_t packets;      /* records read */
	uint64_t sip_messages; /* SIP messages parsed */
};

/* The counter's name in summary.json ("tcp_gap", ...). */
const char *askip_name(enum askip k);

#endif
