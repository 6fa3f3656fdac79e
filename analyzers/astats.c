/* astats: names of the skip counters; see astats.h. */
#include "astats.h"

static const char *const names[ASKIP_COUNT] = {
    [ASKIP_CORRUPT_RECORD] = "corrupt_record",
    [ASKIP_TRUNCATED] = "truncated_packet",
    [ASKIP_LINKTYPE] = "unsupported_linktype",
    [ASKIP_NON_IP] = "non_ip",
    [ASKIP_BAD_IP] = "bad_ip_header",
    [ASKIP_IP_PROTO] = "other_ip_protocol",
    [ASKIP_SCTP] = "sctp",
    [ASKIP_GRE_OTHER] = "gre_other",
    [ASKIP_TUNNEL_DEPTH] = "tunnel_too_deep",
    [ASKIP_FRAG_INCOMPLETE] = "fragments_incomplete",
    [ASKIP_FRAG_TABLE_FULL] = "fragment_table_full",
    [ASKIP_FRAG_BAD] = "fragment_bad",
    [ASKIP_GTP] = "gtp",
    [ASKIP_WEBSOCKET] = "websocket",
    [ASKIP_TLS] = "tls",
    [ASKIP_TCP_RETRANSMITTED] = "tcp_retransmitted",
    [ASKIP_TCP_GAP] = "tcp_gap",
    [ASKIP_TCP_OVERFLOW] = "tcp_overflow",
    [ASKIP_TCP_TABLE_FULL] = "tcp_table_full",
    [ASKIP_NOT_SIP] = "not_sip",
    [ASKIP_KEEPALIVE] = "keepalive",
    [ASKIP_SIP_MALFORMED] = "sip_malformed",
    [ASKIP_SIP_NO_CALL] = "sip_no_call",
};

const char *askip_name(enum askip k)
{
	return (unsigned)k < ASKIP_COUNT ? names[k] : "?";
}
