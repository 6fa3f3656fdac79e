/*
 * http_admin: secretaryd's admin interface (libmicrohttpd) on the center's
 * libuv loop: GET /metrics, GET /api/state, GET /wallboard, PUT
 * /api/tenants/<id>, POST /api/calls/<id>/report. It knows nothing of the center: what it serves comes
 * from callbacks (struct http_admin_cbs), all called on the loop's thread,
 * so they may read the center's state without locks.
 *
 *   struct http_admin_opts o = {.addr = "127.0.0.1:0", .token = NULL, .cbs = cbs};
 *   struct http_admin *h;
 *   http_admin_start(&h, loop, &o, bound, sizeof bound, err, sizeof err);
 *   ...                      bound: "127.0.0.1:41234"
 *   http_admin_stop(h);      closes; the loop must run once more to free it
 *
 * MHD runs without a thread of its own (MHD_USE_EPOLL): its epoll
 * descriptor is watched by a uv_poll_t and MHD_run() is called when it is
 * readable, with a uv timer for MHD's own timeouts.
 *
 * Security: listening on an address that is not loopback needs a token;
 * every changing request (PUT, POST) needs the token, sent as
 * "Authorization: Bearer TOKEN" (401 without it, 403 when no token was
 * configured, so that changes are off). GET requests need none: the
 * wallboard is for everyone in the center (docs/service.md Q2).
 *
 * Limits (docs/secretaryd-reports.md): a PUT's or POST's path, token and
 * Content-Length are judged on its headers, before the body is read; a
 * body is at most 64 KB (a chunked one is cut there); a connection idle
 * 10 s is closed; 256 connections at most, 32 per host off loopback.
 */
#ifndef RB_HTTP_ADMIN_H
#define RB_HTTP_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

struct http_admin_cbs {
	/* GET /api/state: a malloc'd JSON text, or NULL (500). */
	char *(*state_json)(void *arg);
	/* GET /metrics: a malloc'd Prometheus text, or NULL (500). */
	char *(*metrics_text)(void *arg);
	/* PUT /api/tenants/<id>: returns the HTTP status (200, 400, 404, 500)
	 * and a malloc'd JSON body in *resp (may stay NULL). */
	int (*put_tenant)(void *arg, const char *id, const char *body, size_t len, char **resp);
	void *arg;
	/* POST /api/calls/<id>/report: a person's call report (id: the call's
	 * Call-ID, percent-decoded); the status (202, 400, 404, 409, 500) and
	 * a malloc'd JSON body in *resp (may stay NULL). NULL: 404. (Last, so
	 * positional initialisers of the others stay valid.) */
	int (*post_report)(void *arg, const char *id, const char *body, size_t len, char **resp);
};

struct http_admin_opts {
	const char *addr;  /* "127.0.0.1:8080", "[::1]:0" (numeric) */
	const char *token; /* NULL: no token (loopback only, no changes) */
	struct http_admin_cbs cbs;
};

struct http_admin;

/*
 * Listens and serves on loop. bound gets "ADDR:PORT" with the real port.
 * Returns 0; EINVAL for a bad address or a non-loopback address without a
 * token (message in err); EADDRINUSE or another errno when MHD cannot start.
 */
int http_admin_start(struct http_admin **out, uv_loop_t *loop, const struct http_admin_opts *o,
		     char *bound, size_t boundlen, char *err, size_t errlen);
/* Stops listening and frees h once the loop has closed its handles. */
void http_admin_stop(struct http_admin *h);

/* Is the numeric address (as for opts.addr) a loopback one? */
bool http_addr_is_loopback(const char *addr);

/* The wallboard page (static HTML with its script). */
extern const char http_wallboard_html[];

#endif
