/* sip_transport: UDP and TCP SIP sockets on libuv; see sip_transport.h. */
#define _GNU_SOURCE /* accept4 */
#define LOG_TAG "transport"
#include "sip_transport.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
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
	uv_poll_t tpoll;   /* the TCP listening socket, accepted by hand (accept_ready) */
	int tfd;
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
	uint64_t t_accept, t_last, t_partial; /* uv_now ms: accepted, last message, partial one began */
	bool got_msg;
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

/*
 * The TCP connection limit: what the descriptor limit leaves after a
 * reserve for everything else the process opens (SQLite and its WAL,
 * queue_log, the spool, SMTP, the admin interface's connections), a
 * quarter of the limit, at least STP_FD_RESERVE_MIN.
 */
unsigned stp_conn_limit_default(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20)
		return 1u << 20;
	unsigned n = (unsigned)rl.rlim_cur, reserve = n / 4;
	if (reserve < STP_FD_RESERVE_MIN)
		reserve = STP_FD_RESERVE_MIN;
	return n > reserve + 16 ? n - reserve : 16;
}

static void sweep(uv_timer_t *tm);

int stp_init(struct stp *t, uv_loop_t *loop, stp_recv_h *h, void *arg)
{
	memset(t, 0, sizeof *t);
	t->loop = loop;
	t->recv_h = h;
	t->arg = arg;
	t->max_conns = stp_conn_limit_default();
	t->idle_ms = STP_IDLE_S * 1000;
	t->half_open_ms = STP_HALF_OPEN_S * 1000;
	t->udp_buf = malloc(UDP_ALLOC);
	if (!t->udp_buf)
		return ENOMEM;
	uv_timer_init(loop, &t->sweep);
	uv_timer_init(loop, &t->resume);
	t->sweep.data = t->resume.data = t;
	t->timers_open = 2;
	/* the sweep alone must not keep the loop running */
	uv_timer_start(&t->sweep, sweep, 1000, 1000);
	uv_unref((uv_handle_t *)&t->sweep);
	uv_unref((uv_handle_t *)&t->resume);
	return 0;
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

static void accept_resume(struct stp *t);

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
	c->t->n_conns--;
	uv_close((uv_handle_t *)&c->tcp, conn_closed);
	if (c->t->paused && !c->t->closing && c->t->n_conns < c->t->max_conns)
		accept_resume(c->t);
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
		c->got_msg = true;
		c->t_last = uv_now(c->t->loop);
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
	if (c->len == 0)
		c->t_partial = uv_now(c->t->loop);
	c->len += (size_t)n;
	uint64_t msgs = c->t->rx_msgs;
	if (!tcp_frame(c)) {
		c->t->tcp_dropped++;
		unsigned held = 0;
		if (rb_log_ratelimit(&c->t->rl_framing, 1, &held))
			rb_log(LOG_INFO, "closing a TCP connection with broken framing (%u more since the last line)",
			       held);
		conn_close(c);
		return;
	}
	/* what is left is a message begun in this read */
	if (c->t->rx_msgs != msgs)
		c->t_partial = uv_now(c->t->loop);
}

/* A new connection on descriptor fd (accepted, non-blocking). */
static void conn_add(struct stp_listener *l, int fd)
{
	struct stp_conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	c->t = l->t;
	c->lis = l;
	c->refs = 1;
	uv_tcp_init(l->t->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_tcp_open(&c->tcp, fd)) {
		close(fd);
		c->closed = true;
		uv_close((uv_handle_t *)&c->tcp, conn_closed);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	int alen = sizeof c->addr;
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->addr, &alen);
	c->t_accept = c->t_last = uv_now(l->t->loop);
	c->next = l->t->conns;
	if (c->next)
		c->next->prev = c;
	l->t->conns = c;
	l->t->n_conns++;
	uv_read_start((uv_stream_t *)&c->tcp, tcp_alloc, tcp_read);
}

static void accept_ready(uv_poll_t *p, int status, int events);

static void accept_resume(struct stp *t)
{
	if (!t->paused || t->closing)
		return;
	t->paused = false;
	uv_timer_stop(&t->resume);
	for (size_t i = 0; i < t->n_lis; i++)
		if (t->lis[i]->tfd >= 0)
			uv_poll_start(&t->lis[i]->tpoll, UV_READABLE, accept_ready);
}

static void on_resume(uv_timer_t *tm)
{
	accept_resume(tm->data);
}

/*
 * Stops watching every listening socket: new connections wait in the
 * kernel's backlog instead of waking the loop for an accept that cannot
 * succeed (before, EMFILE was retried at once, forever). At the
 * connection limit a closed connection resumes; out of descriptors (the
 * limit is the process's, shared with files) a timer retries each second.
 * One log line when accepting stops and one when it starts again.
 */
static void accept_pause(struct stp *t, int err)
{
	if (!t->paused) {
		for (size_t i = 0; i < t->n_lis; i++)
			if (t->lis[i]->tfd >= 0)
				uv_poll_stop(&t->lis[i]->tpoll);
		t->paused = true;
	}
	if (err)
		uv_timer_start(&t->resume, on_resume, STP_RESUME_MS, 0);
	if (t->pause_err != err + 1) {
		t->pause_err = err + 1;
		t->accept_pauses++;
		bool say = rb_log_ratelimit(&t->rl_accept, 2, NULL);
		if (say && err)
			rb_log(LOG_WARNING, "TCP accept paused: %s with %u connections open; retrying each second",
			       strerror(err), t->n_conns);
		else if (say)
			rb_log(LOG_WARNING, "TCP accept paused: %u connections, the limit (below the "
			       "descriptor limit); resumed when one closes", t->n_conns);
	}
}

static void accept_ready(uv_poll_t *p, int status, int events)
{
	struct stp_listener *l = p->data;
	struct stp *t = l->t;
	for (int i = 0; i < 64 && !t->closing; i++) {
		if (t->n_conns >= t->max_conns) {
			accept_pause(t, 0);
			return;
		}
		int fd = accept4(l->tfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)
				accept_pause(t, e);
			/* else EAGAIN: drained; ECONNABORTED, EINTR: the next wake-up */
			return;
		}
		if (t->pause_err) {
			if (rb_log_ratelimit(&t->rl_accept, 2, NULL))
				rb_log(LOG_NOTICE, "TCP accept resumed (%u connections open)", t->n_conns);
			t->pause_err = 0;
		}
		conn_add(l, fd);
	}
}

/* Why connection c should be closed now, or NULL. */
static const char *conn_expired(const struct stp *t, const struct stp_conn *c, uint64_t now)
{
	if (c->len > 0 && now - c->t_partial > t->half_open_ms)
		return "a message left unfinished";
	/* The rest only under pressure (half the limit in use): SIPp over one
	 * TCP connection (-t t1, ringbench live) connects at its start, may
	 * send its first INVITE much later, and aborts with exit status 255
	 * when the server closes the connection between calls (measured); a
	 * quiet client is no harm while descriptors are plentiful. */
	if (t->n_conns * 2 < t->max_conns)
		return NULL;
	if (!c->got_msg && now - c->t_accept > t->half_open_ms)
		return "no message since connecting";
	/* refs 1: only the stream holds it, no call or write waits on it */
	if (c->refs == 1 && now - c->t_last > t->idle_ms)
		return "idle";
	return NULL;
}

/* Each second: closes idle and half-open connections; one log line. */
static void sweep(uv_timer_t *tm)
{
	struct stp *t = tm->data;
	uint64_t now = uv_now(t->loop);
	unsigned n = 0;
	const char *why = NULL;
	for (struct stp_conn *c = t->conns, *next; c; c = next) {
		next = c->next;
		const char *w = conn_expired(t, c, now);
		if (w) {
			why = w;
			n++;
			conn_close(c);
		}
	}
	t->tcp_idle_closed += n;
	if (n)
		rb_log(LOG_INFO, "closed %u TCP connection%s (%s, among others)", n, n == 1 ? "" : "s",
		       why);
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

int stp_udp_peer(struct stp *t, const char *addr, struct stp_peer *out)
{
	memset(out, 0, sizeof *out);
	if (parse_spec(addr, &out->addr))
		return EINVAL;
	for (size_t i = 0; i < t->n_lis; i++)
		if (t->lis[i]->local.ss_family == out->addr.ss_family) {
			out->kind = STP_UDP;
			out->lis = t->lis[i];
			return 0;
		}
	return EAFNOSUPPORT;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr);
}

int stp_tcp_peer(struct stp *t, const char *addr, struct stp_peer *out)
{
	memset(out, 0, sizeof *out);
	struct sockaddr_storage ss;
	if (parse_spec(addr, &ss))
		return EINVAL;
	for (struct stp_conn *c = t->conns; c; c = c->next)
		if (!c->closed && same_addr(&c->addr, &ss)) {
			*out = (struct stp_peer){.kind = STP_TCP, .addr = c->addr, .lis = c->lis, .conn = c};
			stp_peer_ref(out);
			return 0;
		}
	return ENOTCONN;
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
	l->udp.data = l;
	l->tfd = -1;
	l->open = 1;
	t->lis[t->n_lis++] = l;
	int ufd = -1, tfd = -1;
	if ((e = bind_pair(&ss, &l->local, &ufd, &tfd)))
		goto out;
	if ((e = -uv_udp_open(&l->udp, ufd))) {
		close(ufd);
		close(tfd);
		goto out;
	}
	/* a poll handle, not uv_listen: accepting can then be paused */
	if ((e = -uv_poll_init(t->loop, &l->tpoll, tfd))) {
		close(tfd);
		goto out;
	}
	l->tfd = tfd;
	l->tpoll.data = l;
	l->open = 2;
	if (!t->paused && (e = -uv_poll_start(&l->tpoll, UV_READABLE, accept_ready)))
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
		if (l->tfd >= 0) {
			/* uv_close stops the watcher at once: the descriptor may go */
			uv_close((uv_handle_t *)&l->tpoll, lis_closed);
			close(l->tfd);
			l->tfd = -1;
		}
	}
	while (t->conns)
		conn_close(t->conns);
	if (t->timers_open) {
		uv_close((uv_handle_t *)&t->sweep, NULL);
		uv_close((uv_handle_t *)&t->resume, NULL);
		t->timers_open = 0;
	}
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
