/*
 * opleg_call: one operator leg (server/b2bua/opleg.c) over a plain UDP
 * socket, so a real phone can be rung by the leg before the center drives
 * it (tests/integration/opleg_baresip.sh).
 *
 *   opleg_call TARGET_URI DEST_PORT RING_TIMEOUT_S TALK_S
 *
 * INVITEs TARGET_URI at 127.0.0.1:DEST_PORT with a PCMU offer (its RTP
 * port a socket of ours, drained), as the tenant "株式会社アクメ"; after an
 * answer, hangs up TALK_S later. Prints what the leg reported, one line
 * each: "1xx MS", "answered MS sdp=yes|no", "no_answer MS", "failed STATUS",
 * "ended REASON" (MS: since the INVITE). Exit status 0 when the leg ended
 * by itself within 30 s, 3 otherwise, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opleg.h"

static struct {
	int fd;
	struct sockaddr_in peer;
	rb_us due, t0, hangup_at, talk;
	bool printed_1xx;
} g;

static int on_send(const char *dest, const char *buf, size_t len, void *arg)
{
	return sendto(g.fd, buf, len, 0, (struct sockaddr *)&g.peer, sizeof g.peer) < 0 ? errno : 0;
}

static void on_arm(struct opleg *l, rb_us due, void *arg)
{
	g.due = due;
}

static long ms(rb_us t)
{
	return (long)((t - g.t0) / 1000);
}

static void answered(struct opleg *l, struct sip_span sdp, void *arg)
{
	rb_us now = rb_now_mono_us();
	printf("answered %ld sdp=%s\n", ms(now), sdp.len ? "yes" : "no");
	g.hangup_at = now + g.talk;
}
static void no_answer(struct opleg *l, void *arg) { printf("no_answer %ld\n", ms(rb_now_mono_us())); }
static void failed(struct opleg *l, int status, void *arg) { printf("failed %d\n", status); }
static void ended(struct opleg *l, enum opleg_end why, void *arg) { printf("ended %s\n", opleg_end_name(why)); }

static int bind_any(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
	    getsockname(fd, (struct sockaddr *)&a, &al))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* One message in (0), or the poll timed out (ETIMEDOUT). */
static int receive(struct opleg *l, rb_us now, rb_us until)
{
	static char buf[65536];
	static struct sipmsg m;
	int wait_ms = until <= now ? 0 : (int)((until - now + 999) / 1000);
	struct pollfd p = {.fd = g.fd, .events = POLLIN};
	if (poll(&p, 1, wait_ms) <= 0)
		return ETIMEDOUT;
	ssize_t n = recv(g.fd, buf, sizeof buf, 0);
	if (n > 0 && sipmsg_parse(&m, buf, (size_t)n, SIPMSG_STRICT) == 0) {
		if (!m.is_request && m.status < 200 && !g.printed_1xx) {
			printf("1xx %ld\n", ms(rb_now_mono_us()));
			g.printed_1xx = true;
		}
		opleg_on_message(l, &m, rb_now_mono_us());
	}
	return 0;
}

static int run(struct opleg *l)
{
	rb_us end = g.t0 + 30 * RB_US_PER_S;
	while (!opleg_idle(l)) {
		rb_us now = rb_now_mono_us();
		if (now >= end)
			return 3;
		if (g.hangup_at && now >= g.hangup_at) {
			g.hangup_at = 0;
			opleg_bye(l, now);
			continue;
		}
		rb_us until = g.due < end ? g.due : end;
		if (g.hangup_at && g.hangup_at < until)
			until = g.hangup_at;
		if (receive(l, now, until) == ETIMEDOUT && g.due <= rb_now_mono_us())
			opleg_on_timer(l, rb_now_mono_us());
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: opleg_call TARGET_URI DEST_PORT RING_TIMEOUT_S TALK_S\n");
		return 2;
	}
	int port, rtp_port;
	g.fd = bind_any(&port);
	int rtp = bind_any(&rtp_port);
	if (g.fd < 0 || rtp < 0)
		return 3;
	g.peer.sin_family = AF_INET;
	g.peer.sin_port = htons((uint16_t)atoi(argv[2]));
	g.peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.talk = (rb_us)(atof(argv[4]) * RB_US_PER_S);
	char local[64], dest[64], cid[64], sdp[512];
	snprintf(local, sizeof local, "127.0.0.1:%d", port);
	snprintf(dest, sizeof dest, "udp 127.0.0.1:%s", argv[2]);
	snprintf(cid, sizeof cid, "opleg-%d@127.0.0.1", (int)getpid());
	int sl = snprintf(sdp, sizeof sdp,
			  "v=0\r\no=center 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			  "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
			  rtp_port);
	struct opleg_params p = {
	    .call_id = cid, .target = argv[1], .dest = dest, .local = local,
	    .display = "株式会社アクメ", .caller_type = "inquiry", .forwarding = "no-answer",
	    .caller = "0312345678", .sdp = sdp, .sdp_len = (size_t)sl,
	    .ring_timeout = (rb_us)(atof(argv[3]) * RB_US_PER_S),
	};
	struct opleg_env env = {on_send, on_arm, NULL};
	struct opleg_cbs cbs = {
	    .answered = answered, .no_answer = no_answer, .failed = failed, .ended = ended};
	struct opleg *l;
	g.t0 = rb_now_mono_us();
	if (opleg_start(&l, &p, &env, &cbs, g.t0)) {
		fprintf(stderr, "opleg_call: cannot start the leg\n");
		return 2;
	}
	int rc = run(l);
	opleg_free(l);
	close(rtp);
	close(g.fd);
	return rc;
}
