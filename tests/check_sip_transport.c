/* Unit tests of secretaryd's SIP transport (server/sip/sip_transport.c): TCP
 * connections belong to their transport, and --listen HOST:0 finds a port
 * pair free for both UDP and TCP. The port tests run in a network
 * namespace of their own (root, or exit 77: skipped) with an ephemeral
 * range of three ports, so the kernel's choice for UDP often falls on the
 * port whose TCP is taken. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#include "sip_transport.h"

static const char options_msg[] = "OPTIONS sip:center@127.0.0.1 SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKx\r\n"
				  "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:center@127.0.0.1>\r\n"
				  "Call-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

static void count_msg(const char *buf, size_t len, const struct stp_peer *peer, void *arg)
{
	(*(int *)arg)++;
}

static int port_of(const char *bound)
{
	return atoi(strrchr(bound, ':') + 1);
}

static int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* Runs the loop until *n reaches want (at most about 2 s). */
static void run_until(uv_loop_t *loop, const int *n, int want)
{
	for (int i = 0; i < 400 && *n < want; i++) {
		uv_run(loop, UV_RUN_NOWAIT);
		usleep(5000);
	}
	ck_assert_int_eq(*n, want);
}

/* Runs the loop for about ms milliseconds. */
static void run_for(uv_loop_t *loop, int ms)
{
	for (int i = 0; i < ms / 5; i++) {
		uv_run(loop, UV_RUN_NOWAIT);
		usleep(5000);
	}
}

/* 1: the peer closed fd (read gives 0); 0: still open, nothing to read. */
static int peer_closed(int fd)
{
	char c;
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	ssize_t r = read(fd, &c, 1);
	if (r == 0 || (r < 0 && errno == ECONNRESET))
		return 1;
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EAGAIN);
	return 0;
}

/* Half-open and idle connections are closed by the sweep (each second):
 * one whose message stays unfinished after half_open_ms; with half the
 * limit in use (4 here), one that never sent a message after half_open_ms
 * and one that sent a message after idle_ms, and not below half. */
START_TEST(test_half_open_and_idle_connections_closed)
{
	uv_loop_t loop;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	struct stp t;
	int n = 0;
	char b[96];
	ck_assert_int_eq(stp_init(&t, &loop, count_msg, &n), 0);
	t.half_open_ms = 300;
	t.idle_ms = 1500;
	t.max_conns = 4;
	ck_assert_int_eq(stp_listen(&t, "127.0.0.1:0", b, sizeof b), 0);
	int silent = tcp_connect(port_of(b)), partial = tcp_connect(port_of(b));
	int talker = tcp_connect(port_of(b));
	ck_assert_int_eq(write(partial, options_msg, 40), 40);
	ck_assert_int_eq(write(talker, options_msg, strlen(options_msg)), (ssize_t)strlen(options_msg));
	run_until(&loop, &n, 1);
	ck_assert_uint_eq(t.n_conns, 3);
	run_for(&loop, 1300); /* past half_open_ms and a sweep */
	ck_assert_int_eq(peer_closed(silent), 1);
	ck_assert_int_eq(peer_closed(partial), 1);
	ck_assert_int_eq(peer_closed(talker), 0);
	ck_assert_uint_eq(t.n_conns, 1);
	run_for(&loop, 1500); /* past idle_ms since its message, but 1 of 4 in use */
	ck_assert_int_eq(peer_closed(talker), 0);
	int more[2];
	for (int i = 0; i < 2; i++) {
		more[i] = tcp_connect(port_of(b));
		ck_assert_int_eq(write(more[i], options_msg, strlen(options_msg)),
				 (ssize_t)strlen(options_msg));
	}
	run_until(&loop, &n, 3);
	run_for(&loop, 1100); /* 3 of 4 in use: the idle talker goes */
	ck_assert_int_eq(peer_closed(talker), 1);
	ck_assert_int_eq(peer_closed(more[0]), 0);
	ck_assert_uint_eq(t.n_conns, 2);
	ck_assert_uint_eq(t.tcp_idle_closed, 3);
	close(more[0]);
	close(more[1]);
	stp_close(&t);
	uv_run(&loop, UV_RUN_NOWAIT);
	stp_free(&t);
	close(silent);
	close(partial);
	close(talker);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* At max_conns, accepting pauses (the third client waits in the backlog)
 * and resumes when a connection closes. */
START_TEST(test_connection_limit_pauses_accept)
{
	uv_loop_t loop;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	struct stp t;
	int n = 0;
	char b[96];
	ck_assert_int_eq(stp_init(&t, &loop, count_msg, &n), 0);
	t.max_conns = 2;
	ck_assert(stp_conn_limit_default() >= 16);
	ck_assert_int_eq(stp_listen(&t, "127.0.0.1:0", b, sizeof b), 0);
	int c[3];
	for (int i = 0; i < 3; i++) {
		c[i] = tcp_connect(port_of(b)); /* the kernel completes it from the backlog */
		ck_assert_int_eq(write(c[i], options_msg, strlen(options_msg)),
				 (ssize_t)strlen(options_msg));
	}
	run_until(&loop, &n, 2);
	run_for(&loop, 200);
	ck_assert_int_eq(n, 2); /* the third is not accepted */
	ck_assert_uint_eq(t.n_conns, 2);
	ck_assert(t.paused);
	ck_assert_uint_eq(t.accept_pauses, 1);
	close(c[0]);
	run_until(&loop, &n, 3);
	ck_assert_uint_eq(t.n_conns, 2);
	stp_close(&t);
	uv_run(&loop, UV_RUN_NOWAIT);
	stp_free(&t);
	close(c[1]);
	close(c[2]);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* Two transports in one process (two centers, as in tests): closing one
 * must not close the other's TCP connections (they were one process-wide
 * list). */
START_TEST(test_closing_one_transport_keeps_the_others_connections)
{
	uv_loop_t loop;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	struct stp a, b;
	int na = 0, nb = 0;
	char ba[96], bb[96];
	ck_assert_int_eq(stp_init(&a, &loop, count_msg, &na), 0);
	ck_assert_int_eq(stp_init(&b, &loop, count_msg, &nb), 0);
	ck_assert_int_eq(stp_listen(&a, "127.0.0.1:0", ba, sizeof ba), 0);
	ck_assert_int_eq(stp_listen(&b, "127.0.0.1:0", bb, sizeof bb), 0);
	int ca = tcp_connect(port_of(ba)), cb = tcp_connect(port_of(bb));
	ck_assert_int_eq(write(ca, options_msg, strlen(options_msg)), (ssize_t)strlen(options_msg));
	ck_assert_int_eq(write(cb, options_msg, strlen(options_msg)), (ssize_t)strlen(options_msg));
	run_until(&loop, &na, 1);
	run_until(&loop, &nb, 1);

	stp_close(&a);
	for (int i = 0; i < 10; i++)
		uv_run(&loop, UV_RUN_NOWAIT);
	char c;
	ck_assert_int_eq(read(ca, &c, 1), 0); /* a's connection: closed */
	ck_assert_int_eq(write(cb, options_msg, strlen(options_msg)), (ssize_t)strlen(options_msg));
	run_until(&loop, &nb, 2);             /* b's: still served */
	ck_assert_int_eq(fcntl(cb, F_SETFL, O_NONBLOCK), 0);
	ck_assert_int_eq(read(cb, &c, 1), -1); /* and not closed */
	ck_assert_int_eq(errno, EAGAIN);

	stp_close(&b);
	uv_run(&loop, UV_RUN_NOWAIT);
	stp_free(&a);
	stp_free(&b);
	close(ca);
	close(cb);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

#define RANGE_LO 41000 /* the namespace's ephemeral ports: RANGE_LO..+2 */

/* A network namespace with loopback up and three ephemeral ports. */
static void enter_netns(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	ck_assert_int_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%d %d\n", RANGE_LO, RANGE_LO + 2);
	ck_assert_int_eq(fclose(f), 0);
}

/* A TCP socket listening on 127.0.0.1:port (no SO_REUSEADDR). */
static int hold_tcp(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	return fd;
}

/* One stp_listen on spec; returns its error, the port in *port. */
static int listen_once(const char *spec, int *port)
{
	uv_loop_t loop;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	struct stp t;
	int n = 0;
	char bound[96] = "";
	ck_assert_int_eq(stp_init(&t, &loop, count_msg, &n), 0);
	int e = stp_listen(&t, spec, bound, sizeof bound);
	*port = e ? 0 : port_of(bound);
	stp_close(&t);
	uv_run(&loop, UV_RUN_NOWAIT);
	stp_free(&t);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	return e;
}

/* TCP on the range's first port is taken: UDP gets it a third of the time,
 * and then another pair must be tried (without the retry, 30 listens all
 * succeed with probability (2/3)^30, 5e-6). */
START_TEST(test_port_zero_tries_another_pair_when_tcp_is_taken)
{
	enter_netns();
	int hold = hold_tcp(RANGE_LO), seen[3] = {0};
	for (int i = 0; i < 30; i++) {
		int port;
		ck_assert_int_eq(listen_once("127.0.0.1:0", &port), 0);
		ck_assert_msg(port == RANGE_LO + 1 || port == RANGE_LO + 2, "port %d", port);
		seen[port - RANGE_LO]++;
	}
	ck_assert_int_eq(seen[0], 0);
	ck_assert_int_eq(seen[1] + seen[2], 30);
	close(hold);
}
END_TEST

/* Every pair taken: EADDRINUSE after a bounded number of tries; and a port
 * that was asked for is not replaced by another. */
START_TEST(test_port_zero_gives_up_and_a_given_port_is_not_replaced)
{
	enter_netns();
	int h0 = hold_tcp(RANGE_LO), h1 = hold_tcp(RANGE_LO + 1), h2 = hold_tcp(RANGE_LO + 2);
	int port;
	ck_assert_int_eq(listen_once("127.0.0.1:0", &port), EADDRINUSE);
	char spec[32];
	snprintf(spec, sizeof spec, "127.0.0.1:%d", RANGE_LO + 1);
	ck_assert_int_eq(listen_once(spec, &port), EADDRINUSE);
	close(h1);
	ck_assert_int_eq(listen_once(spec, &port), 0);
	ck_assert_int_eq(port, RANGE_LO + 1);
	close(h0);
	close(h2);
}
END_TEST

/* Can this process make a network namespace (root, not forbidden)? */
static bool can_unshare_net(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	int st = 0;
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static Suite *stp_suite(bool netns)
{
	Suite *s = suite_create("sip_transport");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30); /* the sweep tests wait for it: about 3 s */
	tcase_add_test(tc, test_closing_one_transport_keeps_the_others_connections);
	tcase_add_test(tc, test_half_open_and_idle_connections_closed);
	tcase_add_test(tc, test_connection_limit_pauses_accept);
	if (netns) {
		tcase_add_test(tc, test_port_zero_tries_another_pair_when_tcp_is_taken);
		tcase_add_test(tc, test_port_zero_gives_up_and_a_given_port_is_not_replaced);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bool netns = can_unshare_net();
	SRunner *sr = srunner_create(stp_suite(netns));
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (!failed && !netns) {
		printf("the port tests need a network namespace (root): skipped\n");
		return 77;
	}
	return failed ? 1 : 0;
}
