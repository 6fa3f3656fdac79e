/*
 * sip_transport: secretaryd's SIP sockets on libuv: UDP and TCP, IPv4 and
 * IPv6, each listen address served on both transports.
 *
 *   struct stp t; stp_init(&t, loop, on_message, arg);
 *   stp_listen(&t, "127.0.0.1:0", bound, sizeof bound);   bound: "127.0.0.1:40123"
 *   ... on_message(buf, len, &peer, arg) for each datagram or TCP message
 *   stp_send(&t, &peer, msg, len);
 *
 * UDP: one datagram is one message; the receive buffer is raised (SO_RCVBUF,
 * 8 MB asked) so that a burst of INVITEs is not dropped by the kernel.
 * TCP: messages are framed by Content-Length with core/sipmsg's framer
 * (several per segment, or split across segments); a stream that cannot be
 * framed (no Content-Length, or a message over SIPMSG_MAX_SIZE) is closed. The buffer passed to on_message is only valid during the
 * call. A struct stp_peer may be copied and kept: it holds a reference on a
 * TCP connection (stp_peer_ref / stp_peer_unref), so a reply can go back
 * over the same connection later; sending on a closed one fails with EPIPE.
 */
#ifndef RB_SIP_TRANSPORT_H
#define RB_SIP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

#include "ratelimit.h"

enum stp_kind { STP_UDP = 0, STP_TCP };

/* Port pairs tried for port 0 before giving up with EADDRINUSE. */
#define STP_PORT_TRIES 16

/*
 * TCP connections that serve no one are closed (RFC 5626 3.5.1 expects a
 * server to drop idle flows; a client reconnects): one whose message stays
 * unfinished STP_HALF_OPEN_S; and while half of max_conns or more are
 * open, one that has carried no complete message STP_HALF_OPEN_S after it
 * opened, and one idle STP_IDLE_S with no call or pending write holding it
 * (SIPp over a single connection connects at its start and aborts when it
 * is closed before or between calls, so a quiet client is left alone
 * while descriptors are plentiful). At most
 * max_conns are open at a time, below the
 * descriptor limit (stp_conn_limit_default); past it, or when accept fails
 * for want of descriptors, accepting pauses (new connections wait in the
 * kernel's backlog) until one closes, or for STP_RESUME_MS.
 */
#define STP_IDLE_S 60
#define STP_HALF_OPEN_S 10
#define STP_RESUME_MS 1000
#define STP_FD_RESERVE_MIN 64

struct stp_conn;
struct stp_listener;

struct stp_peer {
	enum stp_kind kind;
	struct sockaddr_storage addr;   /* the remote address */
	struct stp_listener *lis;       /* the socket it came in on */
	struct stp_conn *conn;          /* TCP only: counted reference */
};

struct stp;
typedef void(stp_recv_h)(const char *buf, size_t len, const struct stp_peer *peer, void *arg);

struct stp {
	uv_loop_t *loop;
	stp_recv_h *recv_h;
	void *arg;
	struct stp_listener **lis;
	size_t n_lis;
	struct stp_conn *conns;          /* open TCP connections, for stp_close */
	unsigned n_conns, max_conns;     /* max_conns: stp_init sets the default; may be lowered */
	uint64_t idle_ms, half_open_ms;  /* STP_IDLE_S, STP_HALF_OPEN_S; tests shorten them */
	bool closing, paused;
	int pause_err;                   /* errno + 1 of the pause logged (1: the limit), 0 none */
	uv_timer_t sweep, resume;
	int timers_open;
	struct rb_ratelimit rl_accept, rl_framing;
	uint64_t rx_msgs, tx_msgs, tx_errors, tcp_dropped, tcp_idle_closed, accept_pauses;
	char *udp_buf;                   /* shared receive buffer */
};

/* The default connection limit: the descriptor limit less a reserve. */
unsigned stp_conn_limit_default(void);

/* Returns 0 or a positive errno. */
int stp_init(struct stp *t, uv_loop_t *loop, stp_recv_h *h, void *arg);
/*
 * Listens on spec ("127.0.0.1:5060", "[::1]:0", "localhost" not accepted:
 * numeric addresses only) over UDP and TCP on the same port (port 0: the
 * kernel picks one for UDP and TCP then binds the same; when TCP finds it
 * taken, another pair is tried, STP_PORT_TRIES in all). Writes the bound
 * "addr:port" (IPv6 in brackets) into bound. Returns 0, EINVAL for a bad
 * spec, or the socket error (EADDRINUSE...).
 */
int stp_listen(struct stp *t, const char *spec, char *bound, size_t n);
/*
 * Sends len bytes to peer (over its listener's UDP socket, or its TCP
 * connection). Returns 0, EPIPE if the TCP connection is gone, or the
 * socket error. Never blocks; UDP that would block is queued by libuv.
 */
int stp_send(struct stp *t, const struct stp_peer *peer, const char *buf, size_t len);
/* A UDP peer at addr ("192.0.2.7:5060", "[::1]:5062"; numeric), sent to
 * from the first listener of its address family: the center's requests to
 * an operator's phone. Returns 0, EINVAL (not a numeric address) or
 * EAFNOSUPPORT (no listener of that family). */
int stp_udp_peer(struct stp *t, const char *addr, struct stp_peer *out);
/* The open TCP connection from addr ("192.0.2.7:5062"; numeric), as a
 * peer holding a reference on it (stp_peer_unref when done): the center's
 * requests to a phone that registered over TCP go back over the phone's
 * own connection (the center opens none). Returns 0, EINVAL (not a
 * numeric address) or ENOTCONN (no such connection open). */
int stp_tcp_peer(struct stp *t, const char *addr, struct stp_peer *out);
/* Stops listening and closes connections (run the loop to finish). */
void stp_close(struct stp *t);
/* Frees what is left; after the loop has run the closes. */
void stp_free(struct stp *t);

void stp_peer_ref(struct stp_peer *p);
void stp_peer_unref(struct stp_peer *p);
/* "udp" or "tcp". */
const char *stp_kind_name(enum stp_kind k);
/* The peer's address as "a.b.c.d:port" or "[v6]:port". Returns buf. */
char *stp_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n);
/* The local address of the socket the peer arrived on, as above. */
char *stp_local_str(const struct stp_peer *p, char *buf, size_t n);
/* The local address's host and port (for Contact/Via). */
const char *stp_local_host(const struct stp_peer *p);
int stp_local_port(const struct stp_peer *p);

#endif
