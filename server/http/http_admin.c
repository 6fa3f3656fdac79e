/*
 * http_admin: the admin HTTP server on the libuv loop (http_admin.h).
 */
#define LOG_TAG "http"
#include "http_admin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "log.h"

#define MAX_BODY (64 * 1024)  /* a PUT's or POST's body: a few hundred bytes, a report a few KB */
#define MAX_ID 512             /* a call's id in POST /api/calls/<id>/report */
#define HTTP_IDLE_S 10         /* a connection idle this long is closed */
#define HTTP_MAX_CONNS 256     /* connections at a time */
#define HTTP_MAX_PER_IP 32     /* from one host, when not on loopback */

struct http_admin {
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t timer;
	int closing;
	char *token;
	struct http_admin_cbs cbs;
	bool starting;     /* in MHD_start_daemon: mhd_log drops its messages */
	bool at_limit;     /* MHD said it is out of descriptors: pause (drive) */
	bool paused;
	struct rb_ratelimit rl;
};

/* How long the admin interface stops watching its sockets when MHD cannot
 * accept for want of descriptors. */
#define HTTP_PAUSE_MS 1000

/* The changing requests (a token needed). */
enum change { CH_NONE = 0, CH_TENANT, CH_REPORT };

/* Per request: what it changes, and its body as it arrives. */
struct req {
	enum change what;
	char id[MAX_ID];
	char *body;
	size_t len;
};

static int parse_addr(const char *spec, struct sockaddr_storage *ss)
{
	char host[128];
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (!spec)
		return EINVAL;
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host)
			return EINVAL;
		memcpy(host, spec + 1, (size_t)(rb - spec - 1));
		host[rb - spec - 1] = 0;
		colon = rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= sizeof host)
			return EINVAL;
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = 0;
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return EINVAL;
	if (spec[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		if (uv_ip6_addr(host, (int)port, s6))
			return EINVAL;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		if (uv_ip4_addr(host, (int)port, s4))
			return EINVAL;
	}
	return 0;
}

bool http_addr_is_loopback(const char *addr)
{
	struct sockaddr_storage ss;
	if (parse_addr(addr, &ss))
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&ss)->sin6_addr);
}

static enum MHD_Result reply(struct MHD_Connection *con, unsigned status, const char *ctype,
			     char *body, bool must_free)
{
	size_t n = body ? strlen(body) : 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    n, body ? body : (char *)"", must_free && body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(con, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_json_err(struct MHD_Connection *con, unsigned status, const char *msg)
{
	char buf[512];
	/* msg is one of ours (no quotes or backslashes). */
	snprintf(buf, sizeof buf, "{\"error\": \"%s\"}\n", msg);
	char *b = strdup(buf);
	return reply(con, status, "application/json", b, true);
}

/* Constant-time comparison of the request's bearer token. */
static bool token_ok(const struct http_admin *h, struct MHD_Connection *con)
{
	const char *a = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
	if (!h->token || !a || strncmp(a, "Bearer ", 7))
		return false;
	a += 7;
	size_t n = strlen(a), m = strlen(h->token);
	unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < m; i++)
		diff |= (unsigned char)(h->token[i] ^ (i < n ? a[i] : 0));
	return diff == 0;
}

/*
 * Which change the request is, its id into id (n bytes): PUT
 * /api/tenants/<id>, POST /api/calls/<id>/report (the id a SIP Call-ID,
 * which may hold '/' and '@': MHD gives the path percent-decoded, so a
 * client sends them as %2F and %40). CH_NONE for anything else.
 */
static enum change change_of(const char *method, const char *url, char *id, size_t n)
{
	if (!strcmp(method, "PUT") && !strncmp(url, "/api/tenants/", 13) && url[13] &&
	    !strchr(url + 13, '/') && strlen(url + 13) < n) {
		snprintf(id, n, "%s", url + 13);
		return CH_TENANT;
	}
	size_t l = strlen(url);
	if (!strcmp(method, "POST") && !strncmp(url, "/api/calls/", 11) && l > 11 + 7 &&
	    !strcmp(url + l - 7, "/report") && l - 18 < n) {
		memcpy(id, url + 11, l - 18);
		id[l - 18] = '\0';
		return CH_REPORT;
	}
	return CH_NONE;
}

/*
 * A change (PUT, POST) judged on its headers alone (issue 12): the path,
 * the token and the Content-Length are known before a byte of the body, so
 * a client without the token, or with a body over the cap, is answered at
 * once and the body never read (MHD closes the connection after a response
 * queued this early). Before, the whole body was read first: 300 slow PUTs
 * without a token held every connection slot (/metrics timed out for
 * 70 s), and a 100 MB body was read before its 401. Returns true with *ret
 * set when the request is answered here.
 */
static bool change_refused_on_headers(struct http_admin *h, struct MHD_Connection *con,
				      enum change what, enum MHD_Result *ret)
{
	const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
	char *end;
	unsigned long long n = 0;

	if (what == CH_NONE)
		*ret = reply_json_err(con, MHD_HTTP_NOT_FOUND,
				      "PUT goes to /api/tenants/<id>, POST to /api/calls/<id>/report");
	else if (!h->token)
		*ret = reply_json_err(con, MHD_HTTP_FORBIDDEN,
				      "changes are off: start secretaryd with --admin-token");
	else if (!token_ok(h, con))
		*ret = reply_json_err(con, MHD_HTTP_UNAUTHORIZED,
				      "a change needs the header Authorization: Bearer <admin token>");
	else if (cl && (errno = 0, n = strtoull(cl, &end, 10), errno || *end || n > MAX_BODY))
		*ret = reply_json_err(con, 413, "body over 64 KB");
	else
		return false;
	return true;
}

/* A PUT or POST: refused on its headers, or its body gathered, then given
 * to its callback. */
static enum MHD_Result on_change(struct http_admin *h, struct MHD_Connection *con, const char *url,
				 const char *method, const char *upload, size_t *upload_size,
				 void **con_cls)
{
	struct req *rq = *con_cls;
	if (!rq) {
		/* The headers are in, the body not yet: refuse now if we will. */
		enum MHD_Result early;
		char id[MAX_ID];
		enum change what = change_of(method, url, id, sizeof id);
		if (change_refused_on_headers(h, con, what, &early))
			return early;
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		rq->what = what;
		memcpy(rq->id, id, sizeof id);
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->len + *upload_size > MAX_BODY) {
			/* A chunked body (no length to check first) past the cap:
			 * cut, the connection closed, rather than read on. */
			rb_log(LOG_WARNING, "%s %s: body over %d bytes: connection closed", method, url,
			       MAX_BODY);
			return MHD_NO;
		}
		char *nb = realloc(rq->body, rq->len + *upload_size + 1);
		if (!nb)
			return MHD_NO;
		memcpy(nb + rq->len, upload, *upload_size);
		rq->body = nb;
		rq->len += *upload_size;
		rq->body[rq->len] = 0;
		*upload_size = 0;
		return MHD_YES;
	}
	/* The whole body is here (path and token were checked on the headers). */
	char *resp = NULL;
	const char *b = rq->body ? rq->body : "";
	int (*cb)(void *, const char *, const char *, size_t, char **) =
	    rq->what == CH_TENANT ? h->cbs.put_tenant : h->cbs.post_report;
	int st = cb ? cb(h->cbs.arg, rq->id, b, rq->len, &resp) : 404;
	return reply(con, (unsigned)st, "application/json", resp, true);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_admin *h = cls;
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	if (!strcmp(method, "PUT") || (!strcmp(method, "POST") && !strncmp(url, "/api/calls/", 11)))
		return on_change(h, con, url, method, upload, upload_size, con_cls);
	if (!get) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Allow", !strncmp(url, "/api/tenants/", 13) ? "PUT"
						    : !strncmp(url, "/api/calls/", 11) ? "POST"
											: "GET, HEAD");
		enum MHD_Result ret = MHD_queue_response(con, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (!strcmp(url, "/metrics")) {
		char *t = h->cbs.metrics_text ? h->cbs.metrics_text(h->cbs.arg) : NULL;
		if (!t)
			return reply_json_err(con, 500, "metrics unavailable");
		return reply(con, 200, "text/plain; version=0.0.4; charset=utf-8", t, true);
	}
	if (!strcmp(url, "/api/state")) {
		char *t = h->cbs.state_json ? h->cbs.state_json(h->cbs.arg) : NULL;
		if (!t)
			return reply_json_err(con, 500, "state unavailable");
		return reply(con, 200, "application/json", t, true);
	}
	if (!strcmp(url, "/wallboard") || !strcmp(url, "/"))
		return reply(con, 200, "text/html; charset=utf-8", (char *)http_wallboard_html, false);
	return reply_json_err(con, MHD_HTTP_NOT_FOUND, "no such page (try /wallboard, /api/state, /metrics)");
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void drive(struct http_admin *h);

static void on_poll(uv_poll_t *p, int status, int events);

static void on_timer(uv_timer_t *t)
{
	struct http_admin *h = t->data;
	if (h->paused && !h->closing) {
		h->paused = false;
		uv_poll_start(&h->poll, UV_READABLE, on_poll);
	}
	drive(h);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	drive(p->data);
}

static unsigned connections(struct http_admin *h)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return i ? i->num_connections : 0;
}

/*
 * Runs MHD, then arms the timer for its next timeout (0: more work now).
 *
 * Again while a run closed connections: at its connection limit MHD takes
 * its listening socket out of epoll, and puts it back only at the start of
 * the run after one that closed a connection. With nothing else to wake
 * the loop (every connection timed out at once) the socket was never
 * watched again and no client was ever accepted: measured, /metrics still
 * unanswered 90 s after 300 slow clients had been cut off.
 */
static void drive(struct http_admin *h)
{
	if (h->closing)
		return;
	unsigned before = connections(h);
	for (int i = 0; i < 8; i++) {
		MHD_run(h->d);
		unsigned after = connections(h);
		if (after >= before)
			break;
		before = after;
	}
	/* Out of descriptors, MHD would be woken at once by the same pending
	 * connection, forever (94 % CPU, 8 million log lines measured): stop
	 * watching for a while instead; on_timer resumes. */
	if (h->at_limit) {
		h->at_limit = false;
		h->paused = true;
		uv_poll_stop(&h->poll);
		uv_timer_start(&h->timer, on_timer, HTTP_PAUSE_MS, 0);
		return;
	}
	MHD_UNSIGNED_LONG_LONG ms;
	if (MHD_get_timeout(h->d, &ms) == MHD_YES)
		uv_timer_start(&h->timer, on_timer, ms > 60000 ? 60000 : (uint64_t)ms, 0);
	else
		uv_timer_stop(&h->timer);
}

/*
 * libmicrohttpd's own messages, through our log. While the daemon starts
 * they are dropped: a failure there is reported once, by the caller, with
 * the fix ("Failed to bind to port 0" named the wrong port besides).
 */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_admin *h = cls;
	char buf[512];
	if (h->starting)
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	/* "Hit process or system resource limit...": accept failed, EMFILE */
	if (strstr(buf, "resource limit"))
		h->at_limit = true;
	unsigned held = 0;
	if (!rb_log_ratelimit(&h->rl, 1, &held))
		return;
	if (held)
		rb_log(LOG_WARNING, "%s (and %u more messages from libmicrohttpd held back)", buf, held);
	else
		rb_log(LOG_WARNING, "%s", buf);
}

int http_admin_start(struct http_admin **out, uv_loop_t *loop, const struct http_admin_opts *o,
		     char *bound, size_t boundlen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	if (parse_addr(o->addr, &ss)) {
		snprintf(err, errlen, "--http: expected a numeric ADDR:PORT such as 127.0.0.1:8080 or [::1]:0, or off; got '%s'",
			 o->addr ? o->addr : "");
		return EINVAL;
	}
	if (!http_addr_is_loopback(o->addr) && (!o->token || !*o->token)) {
		snprintf(err, errlen, "--http %s is not a loopback address: listening there needs --admin-token",
			 o->addr);
		return EINVAL;
	}
	struct http_admin *h = calloc(1, sizeof *h);
	if (!h || (o->token && !(h->token = strdup(o->token)))) {
		free(h);
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	h->cbs = o->cbs;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	h->starting = true;
	/* Limits (docs/secretaryd-reports.md): a connection idle HTTP_IDLE_S is closed
	 * (a slow body or slow headers), at most HTTP_MAX_CONNS at a time, and on
	 * an address other than loopback at most HTTP_MAX_PER_IP of them from one
	 * host, so that no single host can take every slot from the wallboards
	 * and the scraper. (On loopback every client is 127.0.0.1, so a per-host
	 * cap would starve the local scraper with the rest.) */
	unsigned per_ip = http_addr_is_loopback(o->addr) ? 0 : HTTP_MAX_PER_IP;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)HTTP_IDLE_S, MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_END);
	h->starting = false;
	if (!h->d) {
		int e = errno ? errno : EADDRINUSE;
		const char *port = strrchr(o->addr, ':');
		if (e == EADDRINUSE)
			snprintf(err, errlen,
				 "--http %s: port %s is in use; choose another with --http HOST:PORT, "
				 "port 0 for any free port, or --http off",
				 o->addr, port ? port + 1 : o->addr);
		else
			snprintf(err, errlen, "--http %s: cannot listen: %s", o->addr, strerror(e));
		free(h->token);
		free(h);
		return e;
	}
	const union MHD_DaemonInfo *ei = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	const union MHD_DaemonInfo *pi = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	char host[64];
	if (ss.ss_family == AF_INET6) {
		uv_ip6_name((struct sockaddr_in6 *)&ss, host, sizeof host);
		snprintf(bound, boundlen, "[%s]:%u", host, pi ? pi->port : 0);
	} else {
		uv_ip4_name((struct sockaddr_in *)&ss, host, sizeof host);
		snprintf(bound, boundlen, "%s:%u", host, pi ? pi->port : 0);
	}
	uv_poll_init(loop, &h->poll, ei->epoll_fd);
	uv_timer_init(loop, &h->timer);
	h->poll.data = h->timer.data = h;
	uv_poll_start(&h->poll, UV_READABLE, on_poll);
	drive(h);
	*out = h;
	return 0;
}

static void on_closed(uv_handle_t *hd)
{
	struct http_admin *h = hd->data;
	if (--h->closing == 0) {
		/* MHD closes its epoll descriptor: only once uv no longer watches it. */
		MHD_stop_daemon(h->d);
		free(h->token);
		free(h);
	}
}

void http_admin_stop(struct http_admin *h)
{
	if (!h || h->closing)
		return;
	h->closing = 2;
	uv_poll_stop(&h->poll);
	uv_timer_stop(&h->timer);
	uv_close((uv_handle_t *)&h->poll, on_closed);
	uv_close((uv_handle_t *)&h->timer, on_closed);
}
