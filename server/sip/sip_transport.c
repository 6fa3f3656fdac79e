/* sip_transport: UDP and TCP SIP sockets on libuv; see sip_transport.h. */
#define LOG_TAG "transport"
#include "sip_transport.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "sipmsg.h"

#define UDP_BUF 65536
/* recvmmsg: libuv splits the buffer into 64 KB slots, up to 20 datagrams a call. */
#define UDP_ALLOC (20 * UDP_BUF)
#define RCVBUF_WANT (8 * 1024 * 1024)

struct stp_listener {
	struct stp *t;
	uv_udp_t udp;
	uv_tcp_t tcp;
	struct sockaddr_storage local;
	char host[64]; /* numeric, v6 in brackets */
	int port;
	int open;      /* handles still to close */
};

struct stp_conn {
	uv_tcp_t tcp;
	struct stp *t;
	struct stp_listener *lis;
	struct sockaddr_storage addr;
	int refs;      /* the stream itself holds one while open */
	bool closed;
	char *buf;
	size_t len, cap;
	struct stp_conn *prev, *next; /* the transport's open connections */
};

const char *stp_kind_name(enum stp_kind k)
{
	return k == STP_TCP ? "tcp" : "udp";
}

char *stp_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		snprintf(buf, n, "[%s]:%d", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, n, "%s:%d", a, ntohs(s4->sin_port));
	}
	return buf;
}

char *stp_local_str(const struct stp_peer *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%d", p->lis->host, p->lis->port);
	return buf;
}

const char *stp_local_host(const struct stp_peer *p)
{
	return p->lis->host;
}

int stp_local_port(const struct stp_peer *p)
{
	return p->lis->port;
}

void stp_peer_ref(struct stp_peer *p)
{
	if (p->conn)
		p->conn->refs++;
}

static void conn_release(struct stp_conn *c)
{
	if (--c->refs > 0)
		return;
	free(c->buf);
	free(c);
}

void stp_peer_unref(struct stp_peer *p)
{
	if (p->conn)
		conn_release(p->conn);
	p->conn = NULL;
}

int stp_init(struct stp *t, uv_loop_t *loop, stp_recv_h *h, void *arg)
{
	memset(t, 0, sizeof *t);
	t->loop = loop;
	t->recv_h = h;
	t->arg = arg;
	t->udp_buf = malloc(UDP_ALLOC);
	return t->udp_buf ? 0 : ENOMEM;
}

/* ---- UDP ---- */

static void udp_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct stp_listener *l = h->data;
	b->base = l->t->udp_buf;
	b->len = UDP_ALLOC;
}

static void udp_recv(uv_udp_t *u, ssize_t n, const uv_buf_t *b, const struct sockaddr *a,
		     unsigned flags)
{
	struct stp_listener *l = u->data;
	if (n <= 0 || !a)
		return;
	if (flags & UV_UDP_PARTIAL) {
		rb_log(LOG_INFO, "dropped a truncated datagram (> %d bytes)", UDP_BUF);
		return;
	}
	struct stp_peer p = {.kind = STP_UDP, .lis = l, .conn = NULL};
	memcpy(&p.addr, a, a->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						     : sizeof(struct sockaddr_in));
	l->t->rx_msgs++;
	l->t->recv_h(b->base, (size_t)n, &p, l->t->arg);
}

struct udp_req {
	uv_udp_send_t req;
	char data[];
};

static void udp_sent(uv_udp_send_t *r, int status)
{
	free(r);
}

static int udp_send(struct stp *t, const struct stp_peer *p, const char *buf, size_t len)
{
	uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
	int e = uv_udp_try_send(&p->lis->udp, &b, 1, (const struct sockaddr *)&p->addr);
	if (e >= 0)
		return 0;
	if (e != UV_EAGAIN)
		return -e;
	struct udp_req *r = malloc(sizeof *r + len);
	if (!r)
		return ENOMEM;
	memcpy(r->data, buf, len);
	b = uv_buf_init(r->data, (unsigned)len);
	e = uv_udp_send(&r->req, &p->lis->udp, &b, 1, (const struct sockaddr *)&p->addr, udp_sent);
	if (e) {
		free(r);
		return -e;
	}
	return 0;
}

/* ---- TCP ---- */

static void conn_closed(uv_handle_t *h)
{
	struct stp_conn *c = h->data;
	conn_release(c);
}

static void conn_close(struct stp_conn *c)
{
	if (c->closed)
		return;
	c->closed = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

static void tcp_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b)
{
	struct stp_conn *c = h->data;
	if (c->cap - c->len < 16384) {
		size_t nc = c->cap ? c->cap * 2 : 32768;
		char *nb = realloc(c->buf, nc);
		if (!nb) {
			b->base = NULL;
			b->len = 0;
			return;
		}
		c->buf = nb;
		c->cap = nc;
	}
	b->base = c->buf + c->len;
	b->len = c->cap - c->len;
}

/* Delivers every complete message in c's buffer (core/sipmsg's framer).
 * Returns false when the stream cannot be framed: close it. */
static bool tcp_frame(struct stp_conn *c)
{
	size_t off = 0;
	bool ok = true;
	while (off < c->len && !c->closed) {
		size_t skip = 0, mlen = 0;
		int e = sipmsg_frame(c->buf + off, c->len - off, SIPMSG_STRICT, &skip, &mlen);
		if (e == EAGAIN) {
			off += skip;
			break;
		}
		if (e) {
			ok = false;
			break;
		}
		off += skip;
		struct stp_peer p = {.kind = STP_TCP, .lis = c->lis, .conn = c};
		p.addr = c->addr;
		c->t->rx_msgs++;
		c->refs++; /* the handler may close the connection under us */
		c->t->recv_h(c->buf + off, mlen, &p, c->t->arg);
		bool gone = c->closed;
		conn_release(c);
		if (gone)
			return true;
		off += mlen;
	}
	if (off > 0 && !c->closed) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	return ok;
}

static void tcp_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct stp_conn *c = s->data;
	if (n == 0)
		return;
	if (n < 0) {
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	if (!tcp_frame(c)) {
		c->t->tcp_dropped++;
		rb_log(LOG_INFO, "closing a TCP connection with broken framing");
		conn_close(c);
	}
}

static void tcp_accept(uv_stream_t *srv, int status)
{
	struct stp_listener *l = srv->data;
	if (status < 0)
		return;
	struct stp_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->t = l->t;
	c->lis = l;
	c->refs = 1;
	uv_tcp_init(l->t->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(srv, (uv_stream_t *)&c->tcp)) {
		c->closed = true;
		uv_close((uv_handle_t *)&c->tcp, conn_closed);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	int alen = sizeof c->addr;
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->addr, &alen);
	c->next = l->t->conns;
	if (c->next)
		c->next->prev = c;
	l->t->conns = c;
	uv_read_start((uv_stream_t *)&c->tcp, tcp_alloc, tcp_read);
}

struct tcp_req {
	uv_write_t req;
	struct stp_conn *c;
	char data[];
};

static void tcp_written(uv_write_t *r, int status)
{
	struct tcp_req *tr = (struct tcp_req *)r;
	conn_release(tr->c);
	free(tr);
}

static int tcp_send(struct stp_conn *c, const char *buf, size_t len)
{
	if (c->closed)
		return EPIPE;
	uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) == 0) {
		int e = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
		if (e == (int)len)
			return 0;
		if (e > 0) {
			buf += e;
			len -= (size_t)e;
		} else if (e != UV_EAGAIN) {
			return -e;
		}
	}
	struct tcp_req *r = malloc(sizeof *r + len);
	if (!r)
		return ENOMEM;
	memcpy(r->data, buf, len);
	r->c = c;
	c->refs++;
	b = uv_buf_init(r->data, (unsigned)len);
	int e = uv_write(&r->req, (uv_stream_t *)&c->tcp, &b, 1, tcp_written);
	if (e) {
		c->refs--;
		free(r);
		return -e;
	}
	return 0;
}

int stp_send(struct stp *t, const struct stp_peer *p, const char *buf, size_t len)
{
	int e = p->kind == STP_TCP ? (p->conn ? tcp_send(p->conn, buf, len) : EPIPE)
				   : udp_send(t, p, buf, len);
	if (e)
		t->tx_errors++;
	else
		t->tx_msgs++;
	return e;
}

/* ---- listening ---- */

static int parse_spec(const char *spec, struct sockaddr_storage *ss)
{
	char host[64];
	const char *port;
	memset(ss, 0, sizeof *ss);
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || (size_t)(rb - spec - 1) >= sizeof host)
			return EINVAL;
		memcpy(host, spec + 1, (size_t)(rb - spec - 1));
		host[rb - spec - 1] = 0;
		port = rb[1] == ':' ? rb + 2 : (rb[1] ? NULL : "5060");
	} else {
		const char *c = strrchr(spec, ':');
		size_t hl = c ? (size_t)(c - spec) : strlen(spec);
		if (hl >= sizeof host || (c && strchr(spec, ':') != c))
			return EINVAL;
		memcpy(host, spec, hl);
		host[hl] = 0;
		port = c ? c + 1 : "5060";
	}
	if (!port || !*port)
		return EINVAL;
	char *end;
	long pn = strtol(port, &end, 10);
	if (*end || pn < 0 || pn > 65535)
		return EINVAL;
	if (uv_ip4_addr(host, (int)pn, (struct sockaddr_in *)ss) == 0)
		return 0;
	if (uv_ip6_addr(host, (int)pn, (struct sockaddr_in6 *)ss) == 0)
		return 0;
	return EINVAL;
}

/* One UDP socket bound to ss and one TCP socket listening on the same
 * address and port (the one the kernel gave UDP, for port 0). Returns 0 or
 * errno; on failure both are closed. */
static int bind_pair_once(const struct sockaddr_storage *ss, struct sockaddr_storage *local,
			  int *ufd, int *tfd)
{
	socklen_t sl = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);
	socklen_t ll = sizeof *local;
	int one = 1, e = 0;
	int u = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int t = u < 0 ? -1 : socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* SO_REUSEADDR on both, as libuv's UV_UDP_REUSEADDR and uv_tcp_bind set it */
	if (u < 0 || t < 0 || setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	    bind(u, (const struct sockaddr *)ss, sl) ||
	    getsockname(u, (struct sockaddr *)local, &ll) ||
	    bind(t, (const struct sockaddr *)local, sl) || listen(t, 4096)) {
		e = errno;
		if (u >= 0)
			close(u);
		if (t >= 0)
			close(t);
		return e;
	}
	*ufd = u;
	*tfd = t;
	return 0;
}

static int port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
					       : ((const struct sockaddr_in *)ss)->sin_port);
}

/*
 * bind_pair_once, retried for port 0: the kernel chooses UDP's port without
 * knowing whether TCP's is free (another program, a TCP socket in
 * TIME_WAIT), so a taken one means another pair, STP_PORT_TRIES at most.
 * A port that was asked for is tried once: in use is the user's to fix.
 */
static int bind_pair(const struct sockaddr_storage *ss, struct sockaddr_storage *local, int *ufd,
		     int *tfd)
{
	int tries = port_of(ss) == 0 ? STP_PORT_TRIES : 1, e = 0;
	for (int i = 0; i < tries; i++) {
		if ((e = bind_pair_once(ss, local, ufd, tfd)) != EADDRINUSE)
			break;
		rb_log(LOG_INFO, "port %d is free for UDP, not for TCP: trying another",
		       port_of(local));
	}
	return e;
}

static void lis_closed(uv_handle_t *h)
{
	struct stp_listener *l = h->data;
	if (--l->open == 0)
		l->t = NULL; /* freed by stp_free */
}

int stp_listen(struct stp *t, const char *spec, char *bound, size_t n)
{
	struct sockaddr_storage ss;
	int e = parse_spec(spec, &ss);
	if (e)
		return e;
	struct stp_listener *l = calloc(1, sizeof *l);
	struct stp_listener **nl = realloc(t->lis, (t->n_lis + 1) * sizeof *nl);
	if (!l || !nl) {
		free(l);
		if (nl)
			t->lis = nl;
		return ENOMEM;
	}
	t->lis = nl;
	l->t = t;
	uv_udp_init_ex(t->loop, &l->udp, AF_UNSPEC | UV_UDP_RECVMMSG);
	uv_tcp_init(t->loop, &l->tcp);
	l->udp.data = l->tcp.data = l;
	l->open = 2;
	t->lis[t->n_lis++] = l;
	int ufd = -1, tfd = -1;
	if ((e = bind_pair(&ss, &l->local, &ufd, &tfd)))
		goto out;
	if ((e = -uv_udp_open(&l->udp, ufd))) {
		close(ufd);
		close(tfd);
		goto out;
	}
	if ((e = -uv_tcp_open(&l->tcp, tfd))) {
		close(tfd);
		goto out;
	}
	if ((e = -uv_listen((uv_stream_t *)&l->tcp, 4096, tcp_accept)))
		goto out;
	int want = RCVBUF_WANT, got = 0;
	uv_recv_buffer_size((uv_handle_t *)&l->udp, &want);
	uv_recv_buffer_size((uv_handle_t *)&l->udp, &got);
	if (got < RCVBUF_WANT)
		rb_log(LOG_INFO, "UDP receive buffer is %d bytes (asked %d; raise net.core.rmem_max)",
		       got, RCVBUF_WANT);
	int sbuf = 4 * 1024 * 1024;
	uv_send_buffer_size((uv_handle_t *)&l->udp, &sbuf);
	if ((e = -uv_udp_recv_start(&l->udp, udp_alloc, udp_recv)))
		goto out;
	char a[80];
	stp_addr_str(&l->local, a, sizeof a);
	const char *c = strrchr(a, ':');
	size_t hl = (size_t)(c - a);
	if (hl >= sizeof l->host)
		hl = sizeof l->host - 1;
	memcpy(l->host, a, hl);
	l->host[hl] = 0;
	l->port = atoi(c + 1);
	snprintf(bound, n, "%s", a);
out:
	return e;
}

void stp_close(struct stp *t)
{
	if (t->closing)
		return;
	t->closing = true;
	for (size_t i = 0; i < t->n_lis; i++) {
		struct stp_listener *l = t->lis[i];
		uv_udp_recv_stop(&l->udp);
		uv_close((uv_handle_t *)&l->udp, lis_closed);
		uv_close((uv_handle_t *)&l->tcp, lis_closed);
	}
	while (t->conns)
		conn_close(t->conns);
}

void stp_free(struct stp *t)
{
	for (size_t i = 0; i < t->n_lis; i++)
		free(t->lis[i]);
	free(t->lis);
	free(t->udp_buf);
	t->lis = NULL;
	t->n_lis = 0;
	t->udp_buf = NULL;
}
