/* Unit tests of the admin HTTP server (server/http/http_admin.c) on a real libuv
 * loop, with fake state callbacks and a libcurl client in a second thread. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>
#include <valgrind/valgrind.h>

#include "http_admin.h"

struct fake {
	int puts, posts;
	char post_id[64];
	char last_id[64];
	char last_body[256];
};

static char *fake_state(void *arg)
{
	return strdup("{\"staff\": [{\"name\": \"op1\", \"state\": \"idle\"}]}");
}

static char *fake_metrics(void *arg)
{
	return strdup("# TYPE x counter\nx 1\n");
}

static int fake_put(void *arg, const char *id, const char *body, size_t len, char **resp)
{
	struct fake *f = arg;
	f->puts++;
	snprintf(f->last_id, sizeof f->last_id, "%s", id);
	snprintf(f->last_body, sizeof f->last_body, "%.*s", (int)len, body);
	*resp = strdup(strcmp(id, "nobody") ? "{\"ok\": true}" : "{\"error\": \"no tenant\"}");
	return strcmp(id, "nobody") ? 200 : 404;
}

/* A call report posted: 202 for the call "abc///1@h" (a Call-ID with
 * '/' and '@', sent percent-encoded), 404 for any other. */
static int fake_post(void *arg, const char *id, const char *body, size_t len, char **resp)
{
	struct fake *f = arg;
	f->posts++;
	snprintf(f->post_id, sizeof f->post_id, "%s", id);
	snprintf(f->last_body, sizeof f->last_body, "%.*s", (int)len, body);
	*resp = strdup("{}");
	return strcmp(id, "abc///1@h") ? 404 : 202;
}

struct client {
	char base[128];
	uv_async_t done;
	/* results */
	long st_metrics, st_state, st_wall, st_put_noauth, st_put_bad, st_put_ok, st_put_404, st_post,
	    st_missing, st_rep_noauth, st_rep_bad, st_rep_ok, st_rep_404, st_rep_path;
	char ct_metrics[128], body_state[256];
	bool wall_has_script;
};

struct buf {
	char *p;
	size_t n;
};

static size_t on_data(char *d, size_t s, size_t n, void *arg)
{
	struct buf *b = arg;
	b->p = realloc(b->p, b->n + s * n + 1);
	memcpy(b->p + b->n, d, s * n);
	b->n += s * n;
	b->p[b->n] = 0;
	return s * n;
}

static long req(const char *base, const char *method, const char *path, const char *auth,
		const char *body, struct buf *out, char *ctype, size_t ctlen)
{
	CURL *c = curl_easy_init();
	char url[256];
	snprintf(url, sizeof url, "%s%s", base, path);
	struct curl_slist *h = NULL;
	if (auth)
		h = curl_slist_append(h, auth);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	struct buf tmp = {0};
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out ? out : &tmp);
	long code = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	char *ct = NULL;
	if (ctype && curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(ctype, ctlen, "%s", ct);
	free(tmp.p);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return code;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct buf b = {0};
	cl->st_metrics = req(cl->base, "GET", "/metrics", NULL, NULL, NULL, cl->ct_metrics, sizeof cl->ct_metrics);
	cl->st_state = req(cl->base, "GET", "/api/state", NULL, NULL, &b, NULL, 0);
	snprintf(cl->body_state, sizeof cl->body_state, "%s", b.p ? b.p : "");
	free(b.p);
	b = (struct buf){0};
	cl->st_wall = req(cl->base, "GET", "/wallboard", NULL, NULL, &b, NULL, 0);
	cl->wall_has_script = b.p && strstr(b.p, "fetch('/api/state'") && strstr(b.p, "data-count");
	free(b.p);
	const char *body = "{\"name\": \"x\"}";
	cl->st_put_noauth = req(cl->base, "PUT", "/api/tenants/acme", NULL, body, NULL, NULL, 0);
	cl->st_put_bad = req(cl->base, "PUT", "/api/tenants/acme", "Authorization: Bearer wrong", body, NULL, NULL, 0);
	cl->st_put_ok = req(cl->base, "PUT", "/api/tenants/acme", "Authorization: Bearer s3cret", body, NULL, NULL, 0);
	cl->st_put_404 = req(cl->base, "PUT", "/api/tenants/nobody", "Authorization: Bearer s3cret", body, NULL, NULL, 0);
	cl->st_post = req(cl->base, "POST", "/metrics", NULL, "x", NULL, NULL, 0);
	cl->st_missing = req(cl->base, "GET", "/nothing", NULL, NULL, NULL, NULL, 0);
	const char *rep = "/api/calls/abc%2F%2F%2F1%40h/report", *rb = "{\"message\": \"m\"}";
	cl->st_rep_noauth = req(cl->base, "POST", rep, NULL, rb, NULL, NULL, 0);
	cl->st_rep_bad = req(cl->base, "POST", rep, "Authorization: Bearer s3cre", rb, NULL, NULL, 0);
	cl->st_rep_404 = req(cl->base, "POST", "/api/calls/other/report", "Authorization: Bearer s3cret",
			     rb, NULL, NULL, 0);
	cl->st_rep_path = req(cl->base, "POST", "/api/calls/abc/reports", "Authorization: Bearer s3cret",
			      rb, NULL, NULL, 0);
	cl->st_rep_ok = req(cl->base, "POST", rep, "Authorization: Bearer s3cret", rb, NULL, NULL, 0);
	uv_async_send(&cl->done);
	return NULL;
}

static void on_done(uv_async_t *a)
{
	struct http_admin *h = a->data;
	http_admin_stop(h);
	uv_close((uv_handle_t *)a, NULL);
}

static void run_with(const char *token, struct fake *f, struct client *cl)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct http_admin_opts o = {"127.0.0.1:0", token, {fake_state, fake_metrics, fake_put, f, fake_post}};
	struct http_admin *h = NULL;
	char bound[64], err[256];
	ck_assert_msg(http_admin_start(&h, &loop, &o, bound, sizeof bound, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(strncmp(bound, "127.0.0.1:", 10) == 0 && strcmp(bound, "127.0.0.1:0"), "%s", bound);
	snprintf(cl->base, sizeof cl->base, "http://%s", bound);
	uv_async_init(&loop, &cl->done, on_done);
	cl->done.data = h;
	pthread_t th;
	pthread_create(&th, NULL, client_main, cl);
	uv_run(&loop, UV_RUN_DEFAULT);
	pthread_join(th, NULL);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}

START_TEST(test_http_serves_state_metrics_wallboard_and_guards_changes)
{
	struct fake f = {0};
	struct client cl = {0};
	run_with("s3cret", &f, &cl);
	ck_assert_int_eq(cl.st_metrics, 200);
	ck_assert_msg(strstr(cl.ct_metrics, "text/plain; version=0.0.4"), "%s", cl.ct_metrics);
	ck_assert_int_eq(cl.st_state, 200);
	ck_assert_msg(strstr(cl.body_state, "\"op1\""), "%s", cl.body_state);
	ck_assert_int_eq(cl.st_wall, 200);
	ck_assert(cl.wall_has_script);
	ck_assert_int_eq(cl.st_put_noauth, 401);
	ck_assert_int_eq(cl.st_put_bad, 401);
	ck_assert_int_eq(cl.st_put_ok, 200);
	ck_assert_int_eq(cl.st_put_404, 404);
	ck_assert_int_eq(cl.st_post, 405);
	ck_assert_int_eq(cl.st_missing, 404);
	ck_assert_int_eq(f.puts, 2); /* only the authorised ones reached the callback */
	/* POST /api/calls/<id>/report: the token as for PUT, the id decoded */
	ck_assert_int_eq(cl.st_rep_noauth, 401);
	ck_assert_int_eq(cl.st_rep_bad, 401);
	ck_assert_int_eq(cl.st_rep_404, 404);
	ck_assert_int_eq(cl.st_rep_path, 404);
	ck_assert_int_eq(cl.st_rep_ok, 202);
	ck_assert_int_eq(f.posts, 2); /* other, then abc///1@h */
	ck_assert_str_eq(f.post_id, "abc///1@h");
	ck_assert_str_eq(f.last_body, "{\"message\": \"m\"}");
}
END_TEST

START_TEST(test_http_without_token_refuses_every_change)
{
	struct fake f = {0};
	struct client cl = {0};
	run_with(NULL, &f, &cl);
	ck_assert_int_eq(cl.st_state, 200);
	ck_assert_int_eq(cl.st_put_noauth, 403);
	ck_assert_int_eq(cl.st_put_ok, 403);
	ck_assert_int_eq(f.puts, 0);
	ck_assert_int_eq(cl.st_rep_ok, 403);
	ck_assert_int_eq(f.posts, 0);
}
END_TEST

START_TEST(test_http_non_loopback_needs_token_and_bad_address_refused)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct http_admin *h = NULL;
	char bound[64], err[256];
	struct http_admin_opts o = {"0.0.0.0:0", NULL, {0}};
	ck_assert_int_eq(http_admin_start(&h, &loop, &o, bound, sizeof bound, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "needs --admin-token"), "%s", err);
	o.addr = "localhost:80";
	ck_assert_int_eq(http_admin_start(&h, &loop, &o, bound, sizeof bound, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "numeric ADDR:PORT"), "%s", err);
	ck_assert(http_addr_is_loopback("127.0.0.2:1"));
	ck_assert(http_addr_is_loopback("[::1]:0"));
	ck_assert(!http_addr_is_loopback("192.168.1.1:80"));
	uv_loop_close(&loop);
}
END_TEST

static void stop_loop(uv_timer_t *t)
{
	uv_stop(t->loop);
}

/* Runs loop for ms milliseconds as secretaryd does (UV_RUN_DEFAULT): a
 * loop that spins shows as CPU time. Returns the CPU seconds it used. */
static double run_default_for(uv_loop_t *loop, uv_timer_t *t, uint64_t ms)
{
	struct rusage a, b;
	getrusage(RUSAGE_SELF, &a);
	uv_timer_start(t, stop_loop, ms, 0);
	uv_run(loop, UV_RUN_DEFAULT);
	getrusage(RUSAGE_SELF, &b);
	return (double)(b.ru_utime.tv_sec - a.ru_utime.tv_sec + b.ru_stime.tv_sec - a.ru_stime.tv_sec) +
	       (double)(b.ru_utime.tv_usec - a.ru_utime.tv_usec + b.ru_stime.tv_usec - a.ru_stime.tv_usec) /
		   1e6;
}

static int lines_in(FILE *f)
{
	int n = 0, c;
	fflush(f);
	rewind(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

/* Out of descriptors with a client waiting, MHD cannot accept it and is
 * woken again at once: the admin interface pauses (HTTP_PAUSE_MS) instead
 * of spinning (94 % CPU and 8 million log lines measured), its log is one
 * line a second, and once descriptors are free the client is served. (check
 * forks each test: the limit and the descriptors are this process's.) */
START_TEST(test_http_out_of_descriptors_pauses_not_spins)
{
	/* valgrind keeps descriptors of its own above the client's limit and
	 * emulates RLIMIT_NOFILE, so the exhaustion this test sets up is not
	 * the kernel's there: it runs in the plain and ASan builds only */
	if (RUNNING_ON_VALGRIND) {
		fprintf(stderr, "out of descriptors: not run under valgrind (its own descriptor limits)\n");
		return;
	}
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct fake f = {0};
	struct http_admin_opts o = {"127.0.0.1:0", NULL, {fake_state, fake_metrics, fake_put, &f, NULL}};
	struct http_admin *h = NULL;
	char bound[64], err[256];
	ck_assert_msg(http_admin_start(&h, &loop, &o, bound, sizeof bound, err, sizeof err) == 0, "%s", err);
	uv_timer_t t;
	uv_timer_init(&loop, &t);
	FILE *log = tmpfile();
	ck_assert_ptr_nonnull(log);
	int saved_err = dup(2);
	dup2(fileno(log), 2);
	int cl = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(strrchr(bound, ':') + 1)),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 128;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	int fill[128], nfill = 0;
	while (nfill < 128 && (fill[nfill] = dup(0)) >= 0)
		nfill++;
	ck_assert(nfill < 128); /* the limit was reached */
	connect(cl, (struct sockaddr *)&a, sizeof a);
	double cpu = run_default_for(&loop, &t, 2500);
	int lines = lines_in(log);
	for (int i = 0; i < nfill; i++)
		close(fill[i]);
	static const char get[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	ck_assert_int_eq(write(cl, get, sizeof get - 1), (ssize_t)(sizeof get - 1));
	/* served once the pause is over: up to 10 s, as valgrind runs this slowly */
	char resp[64] = "";
	ssize_t r = -1;
	for (int i = 0; i < 100 && r <= 0; i++) {
		run_default_for(&loop, &t, 100);
		r = read(cl, resp, sizeof resp - 1);
	}
	dup2(saved_err, 2);
	fprintf(stderr, "out of descriptors for 2.5 s: CPU %.3f s, %d log lines; then: %.12s\n", cpu,
		lines, r > 0 ? resp : "nothing");
	ck_assert_msg(cpu < 0.25, "CPU %.3f s in 2.5 s: spinning", cpu);
	ck_assert_msg(lines >= 1 && lines <= 6, "%d log lines in 2.5 s", lines);
	ck_assert_msg(r > 0 && strncmp(resp, "HTTP/1.1 200", 12) == 0, "then: %s", r > 0 ? resp : "nothing");
	close(cl);
	http_admin_stop(h);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	fclose(log);
}
END_TEST

static Suite *http_admin_suite(void)
{
	Suite *s = suite_create("http_admin");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_http_serves_state_metrics_wallboard_and_guards_changes);
	tcase_add_test(tc, test_http_without_token_refuses_every_change);
	tcase_add_test(tc, test_http_non_loopback_needs_token_and_bad_address_refused);
	tcase_add_test(tc, test_http_out_of_descriptors_pauses_not_spins);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	SRunner *sr = srunner_create(http_admin_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
