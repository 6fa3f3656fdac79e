/*
 * bench_sipmsg: messages parsed per second by core/sipmsg, against
 * libosip2's parser (Debian libosip2-dev) measured in the same run on the
 * same messages. Both read the same values a server needs (top Via branch,
 * From tag, Call-ID, CSeq); osip allocates its message tree, sipmsg parses in
 * place.
 *
 *   bench/sipmsg/run.sh            (builds with -O2 and runs, ~8 s)
 * Prints one line per case: "case  sipmsg/s  osip2/s  ratio". Rates are
 * per second of this thread's CPU time, so that other load on the machine
 * does not skew them (both sides are measured the same way).
 */
#include <osipparser2/osip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipmsg.h"

static const char invite[] =
	"INVITE sip:0312345678@127.0.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4711-1-0\r\n"
	"From: \"sipp\" <sip:0311112222@127.0.0.1:5061>;tag=4711SIPpTag001\r\n"
	"To: <sip:0312345678@127.0.0.1:5060>\r\n"
	"Call-ID: 1-4711@127.0.0.1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: sip:sipp@127.0.0.1:5061\r\n"
	"Max-Forwards: 70\r\n"
	"Subject: Performance Test\r\n"
	"X-Caller-Type: inquiry\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length:   129\r\n"
	"\r\n"
	"v=0\r\n"
	"o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 6000 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static const char ringing[] =
	"SIP/2.0 180 Ringing\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4711-1-0;received=127.0.0.1;rport=5061\r\n"
	"From: \"sipp\" <sip:0311112222@127.0.0.1:5061>;tag=4711SIPpTag001\r\n"
	"To: <sip:0312345678@127.0.0.1:5060>;tag=srv-1\r\n"
	"Call-ID: 1-4711@127.0.0.1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:127.0.0.1:5060>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: fair on a busy machine */
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile size_t sink;

static void use_sipmsg(const struct sipmsg *m)
{
	struct sipmsg_iter it = {0, 0};
	struct sip_via v;
	if (sipmsg_via_next(m, &it, &v) == 0)
		sink += v.branch.len;
	sink += m->from_tag.len + m->call_id.len + m->cseq;
}

static double run_sipmsg(const char *msg, enum sipmsg_mode mode, double secs)
{
	size_t len = strlen(msg);
	struct sipmsg m;
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 1000; i++) {
			if (sipmsg_parse(&m, msg, len, mode) != 0)
				abort();
			use_sipmsg(&m);
		}
		n += 1000;
	} while ((t = now() - t0) < secs);
	return n / t;
}

static double run_osip(const char *msg, double secs)
{
	size_t len = strlen(msg);
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 200; i++) {
			osip_message_t *m;
			osip_message_init(&m);
			if (osip_message_parse(m, msg, len) != 0)
				abort();
			osip_via_t *via = osip_list_get(&m->vias, 0);
			osip_generic_param_t *br = NULL;
			if (via)
				osip_via_param_get_byname(via, "branch", &br);
			osip_generic_param_t *tag = NULL;
			osip_from_get_tag(m->from, &tag);
			sink += (br && br->gvalue ? strlen(br->gvalue) : 0) +
				(tag && tag->gvalue ? strlen(tag->gvalue) : 0) +
				(m->call_id && m->call_id->number ? 1 : 0) +
				(m->cseq && m->cseq->number ? 1 : 0);
			osip_message_free(m);
		}
		n += 200;
	} while ((t = now() - t0) < secs);
	return n / t;
}

/* Frames a stream of 1000 INVITEs back to back (TCP): messages/s. */
static double run_frame(double secs)
{
	size_t one = strlen(invite), cnt = 1000;
	char *buf = malloc(one * cnt);
	if (!buf)
		abort();
	for (size_t i = 0; i < cnt; i++)
		memcpy(buf + i * one, invite, one);
	long n = 0;
	double t0 = now(), t;
	struct sipmsg m;
	do {
		size_t off = 0, skip, len;
		while (off < one * cnt &&
		       sipmsg_frame(buf + off, one * cnt - off, SIPMSG_STRICT,
				    &skip, &len) == 0) {
			if (sipmsg_parse(&m, buf + off + skip, len, SIPMSG_STRICT))
				abort();
			use_sipmsg(&m);
			off += skip + len;
			n++;
		}
	} while ((t = now() - t0) < secs);
	free(buf);
	return n / t;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	if (secs <= 0)
		secs = 1.0;
	parser_init();
	printf("%-28s %14s %14s %8s\n", "case", "sipmsg msg/s", "osip2 msg/s", "ratio");
	double a = run_sipmsg(invite, SIPMSG_STRICT, secs);
	double b = run_osip(invite, secs);
	printf("%-28s %14.0f %14.0f %7.1fx\n", "INVITE+SDP strict", a, b, a / b);
	a = run_sipmsg(invite, SIPMSG_LENIENT, secs);
	printf("%-28s %14.0f %14.0f %7.1fx\n", "INVITE+SDP lenient", a, b, a / b);
	a = run_sipmsg(ringing, SIPMSG_STRICT, secs);
	b = run_osip(ringing, secs);
	printf("%-28s %14.0f %14.0f %7.1fx\n", "180 Ringing strict", a, b, a / b);
	a = run_frame(secs);
	printf("%-28s %14.0f %14s %8s\n", "TCP frame+parse INVITE", a, "-", "-");
	return 0;
}
