/*
 * onboard: the test call and its checklist (onboard.h). The SIP side is a
 * minimal UDP UAC (RFC 3261): INVITE retransmitted on Timer A until a
 * response, ACK for the final answer, BYE after the talk, CANCEL when the
 * wait runs out, 200 for the center's BYE.
 */
#define LOG_TAG "onboard"
#include "onboard_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ring.h"

struct uac {
	int fd;
	char host[64], lip[64];
	int port, lport;
	const char *num;
	char call_id[96], tag[40], branch[48];
	char to_hdr[512];     /* To of the final answer (with its tag) */
	const struct scn_tenant *t;
};

static int send_msg(struct uac *u, const char *m)
{
	size_t n = strlen(m);
	return send(u->fd, m, n, 0) == (ssize_t)n ? 0 : errno;
}

static void build_req(struct uac *u, char *buf, size_t n, const char *method, int cseq,
		      const char *branch, const char *to, bool with_body)
{
	static const char sdp_fmt[] = "v=0\r\no=onboard 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
				      "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
	char sdp[512] = "";
	if (with_body)
		snprintf(sdp, sizeof(sdp), sdp_fmt, u->lip, u->lip);
	bool na = u->t->forwarding == FWD_NO_ANSWER;
	char extra[1024] = "";
	if (!strcmp(method, "INVITE"))
		snprintf(extra, sizeof(extra),
			 "Contact: <sip:%s@%s:%d>\r\n"
			 "Diversion: <sip:%s@ringbench.invalid>;reason=%s;counter=1\r\n"
			 "History-Info: <sip:%s@ringbench.invalid>;index=1,<sip:%s@%s;cause=%s>;index=1.1\r\n"
			 "X-Caller-Type: test\r\nX-Caller-Name: Onboarding test\r\nX-Callback-Number: %s\r\n"
			 "Content-Type: application/sdp\r\n",
			 u->num, u->lip, u->lport, u->num, na ? "no-answer" : "unconditional", u->num,
			 u->num, u->host, na ? "408" : "302", u->num);
	snprintf(buf, n,
		 "%s sip:%s@%s:%d SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
		 "From: \"Onboarding test\" <sip:%s@%s:%d>;tag=%s\r\n"
		 "To: %s\r\n"
		 "Call-ID: %s\r\n"
		 "CSeq: %d %s\r\n"
		 "Max-Forwards: 70\r\n"
		 "%s"
		 "Content-Length: %zu\r\n\r\n%s",
		 method, u->num, u->host, u->port, u->lip, u->lport, branch, u->num, u->lip, u->lport,
		 u->tag, to, u->call_id, cseq, !strcmp(method, "ACK") ? "ACK" : method, extra,
		 strlen(sdp), sdp);
}

/* The value of header name (first occurrence, compact form cform), into out. */
static bool hdr(const char *msg, const char *name, char cform, char *out, size_t n)
{
	const char *p = msg;
	size_t nl = strlen(name);
	while ((p = strchr(p, '\n'))) {
		p++;
		const char *v = NULL;
		if (!strncasecmp(p, name, nl) && (p[nl] == ':' || p[nl] == ' '))
			v = p + nl;
		else if (cform && (p[0] == cform || p[0] == (cform ^ 0x20)) && (p[1] == ':' || p[1] == ' '))
			v = p + 1;
		if (!v)
			continue;
		while (*v == ' ' || *v == ':')
			v++;
		size_t k = strcspn(v, "\r\n");
		if (k >= n)
			k = n - 1;
		memcpy(out, v, k);
		out[k] = '\0';
		return true;
	}
	return false;
}

/* The 200 to a request from the center (its BYE). */
static void reply_200(struct uac *u, const char *req)
{
	char via[512] = "", from[512] = "", to[512] = "", cid[256] = "", cseq[64] = "", m[2048];
	hdr(req, "Via", 'v', via, sizeof(via));
	hdr(req, "From", 'f', from, sizeof(from));
	hdr(req, "To", 't', to, sizeof(to));
	hdr(req, "Call-ID", 'i', cid, sizeof(cid));
	hdr(req, "CSeq", 0, cseq, sizeof(cseq));
	snprintf(m, sizeof(m),
		 "SIP/2.0 200 OK\r\nVia: %s\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 via, from, to, cid, cseq);
	send_msg(u, m);
}

static int uac_open(struct uac *u, const char *target, char *err, size_t errlen)
{
	const char *colon = strrchr(target, ':');
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	size_t hl = colon ? (size_t)(colon - target) : 0;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (!colon || !hl || hl >= sizeof(u->host) || *end || port < 1 || port > 65535) {
		snprintf(err, errlen, "--server: expected HOST:PORT (IPv4), got '%s'", target);
		return EINVAL;
	}
	memcpy(u->host, target, hl);
	u->host[hl] = '\0';
	if (inet_pton(AF_INET, u->host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "--server: '%s' is not an IPv4 address (give the address, e.g. 127.0.0.1:5060)", u->host);
		return EINVAL;
	}
	u->port = (int)port;
	sa.sin_port = htons((uint16_t)port);
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u->fd < 0 || connect(u->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;
		snprintf(err, errlen, "cannot reach %s: %s", target, strerror(e));
		return e;
	}
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	getsockname(u->fd, (struct sockaddr *)&me, &ml);
	inet_ntop(AF_INET, &me.sin_addr, u->lip, sizeof(u->lip));
	u->lport = ntohs(me.sin_port);
	return 0;
}

/* One datagram within ms: its length, 0 on timeout. */
static ssize_t uac_recv(struct uac *u, char *buf, size_t n, int ms)
{
	struct pollfd p = {.fd = u->fd, .events = POLLIN};
	if (poll(&p, 1, ms < 0 ? 0 : ms) <= 0)
		return 0;
	ssize_t g = recv(u->fd, buf, n - 1, 0);
	if (g <= 0)
		return 0;
	buf[g] = '\0';
	return g;
}

static int status_of(const char *m)
{
	if (strncmp(m, "SIP/2.0 ", 8))
		return 0;
	return (int)strtol(m + 8, NULL, 10);
}

static bool cseq_is(const char *m, const char *method)
{
	char cs[64];
	return hdr(m, "CSeq", 0, cs, sizeof(cs)) && strstr(cs, method);
}

struct call_seen {
	rb_us t_inv, t_ring, t_ans, t_end;
	int final;
	bool any_response;
};

/* Places the call; fills seen. Waits at most wait_us for a final answer. */
static void place_call(struct uac *u, rb_us wait_us, rb_us talk_us, struct call_seen *cs)
{
	char m[4096], in[8192], to_plain[512];
	snprintf(to_plain, sizeof(to_plain), "<sip:%s@%s:%d>", u->num, u->host, u->port);
	build_req(u, m, sizeof(m), "INVITE", 1, u->branch, to_plain, true);
	cs->t_inv = rb_now_mono_us();
	send_msg(u, m);
	rb_us next_rt = cs->t_inv + 500000, rt_gap = 500000;
	rb_us give_up = cs->t_inv + wait_us;
	bool cancelled = false;
	/* Until a final answer to the INVITE. */
	while (!cs->final) {
		rb_us now = rb_now_mono_us();
		if (!cancelled && now >= give_up) {
			char cm[2048];
			build_req(u, cm, sizeof(cm), "CANCEL", 1, u->branch, to_plain, false);
			send_msg(u, cm);
			cancelled = true;
			give_up = now + 8000000;
		} else if (cancelled && now >= give_up) {
			return;
		}
		if (!cs->any_response && now >= next_rt && !cancelled) {
			send_msg(u, m);
			rt_gap = rt_gap * 2 > 4000000 ? 4000000 : rt_gap * 2;
			next_rt = now + rt_gap;
		}
		rb_us until = cancelled ? give_up : (cs->any_response ? give_up : (next_rt < give_up ? next_rt : give_up));
		if (uac_recv(u, in, sizeof(in), (int)((until - now) / 1000) + 1) <= 0)
			continue;
		int st = status_of(in);
		if (!st || !cseq_is(in, "INVITE"))
			continue; /* a 200 to the CANCEL, or a request */
		cs->any_response = true;
		if ((st == 180 || st == 183) && cs->t_ring == RB_T_NONE)
			cs->t_ring = rb_now_mono_us();
		if (st >= 200) {
			cs->final = st;
			hdr(in, "To", 't', u->to_hdr, sizeof(u->to_hdr));
			if (st < 300)
				cs->t_ans = rb_now_mono_us();
		}
	}
	/* ACK the final answer (a new branch for a 2xx, RFC 3261 17.1.1.3). */
	char ack_branch[64];
	snprintf(ack_branch, sizeof(ack_branch), "%s-ack", u->branch);
	build_req(u, m, sizeof(m), "ACK", 1, cs->final < 300 ? ack_branch : u->branch, u->to_hdr, false);
	send_msg(u, m);
	if (cs->final >= 300) {
		cs->t_end = rb_now_mono_us();
		return;
	}
	/* Talk; the center may hang up first. */
	rb_us bye_at = rb_now_mono_us() + talk_us;
	while (rb_now_mono_us() < bye_at) {
		if (uac_recv(u, in, sizeof(in), (int)((bye_at - rb_now_mono_us()) / 1000) + 1) <= 0)
			continue;
		if (!strncmp(in, "BYE ", 4)) {
			reply_200(u, in);
			cs->t_end = rb_now_mono_us();
			return;
		}
	}
	char bye_branch[64];
	snprintf(bye_branch, sizeof(bye_branch), "%s-bye", u->branch);
	build_req(u, m, sizeof(m), "BYE", 2, bye_branch, u->to_hdr, false);
	send_msg(u, m);
	cs->t_end = rb_now_mono_us();
	rb_us until = cs->t_end + 4000000, rt = cs->t_end + 500000;
	while (rb_now_mono_us() < until) {
		if (uac_recv(u, in, sizeof(in), 100) > 0 && status_of(in) >= 200 && cseq_is(in, "BYE"))
			return;
		if (rb_now_mono_us() >= rt) {
			send_msg(u, m);
			rt += 1000000;
		}
	}
}

static int target_rings(const struct scenario *s, int given)
{
	if (given > 0)
		return given;
	for (size_t i = 0; i < s->n_targets; i++)
		if (s->targets[i].kind == TARGET_RINGS)
			return s->targets[i].rings;
	return 3;
}

/* Check 1: the call reached the center (it rang). */
static void judge_reached(const struct onboard_opts *o, const struct scn_tenant *t,
			  const struct call_seen *cs, struct onboard_result *res)
{
	char *seen = res->seen[OB_REACHED];
	size_t n = sizeof(res->seen[0]);
	if (cs->t_ring != RB_T_NONE) {
		res->ok[OB_REACHED] = true;
		snprintf(seen, n, "180 Ringing %.0f ms after the INVITE",
			 (double)(cs->t_ring - cs->t_inv) / 1e3);
	} else if (cs->final == 404) {
		snprintf(seen, n,
			 "404 Not Found: the center does not know the number %s (tenant '%s' not set up there?)",
			 t->number, t->id);
	} else if (cs->final) {
		snprintf(seen, n, "no ringing; final answer %d", cs->final);
	} else {
		snprintf(seen, n, "no answer at all from %s (nothing came back)", o->server);
	}
}

/* Check 2: a person answered within K rings of period. */
static void judge_answered(const struct call_seen *cs, int K, rb_us period,
			   struct onboard_result *res)
{
	char *seen = res->seen[OB_ANSWERED];
	size_t n = sizeof(res->seen[0]);
	if (cs->t_ans != RB_T_NONE) {
		rb_us wait = cs->t_ans - cs->t_inv;
		int rings = ring_count(wait, period);
		res->ok[OB_ANSWERED] = rings <= K;
		snprintf(seen, n, "200 OK after %.2f s: ring %d (target: within %d rings of %.2f s)",
			 rb_us_to_s(wait), rings, K, rb_us_to_s(period));
	} else if (res->ok[OB_REACHED] && cs->final == 0) {
		snprintf(seen, n, "no answer: nobody picked up within %d rings (hung up after %d)", K,
			 K + 2);
	} else if (cs->final >= 300) {
		snprintf(seen, n, "no answer: the call got %d", cs->final);
	} else {
		snprintf(seen, n, "no answer");
	}
}

/* Check 3: the call report arrived, marked as a test (waits up to the limit). */
static void judge_report(const struct onboard_opts *o, const struct uac *u, struct ob_sink *sink,
			 const struct call_seen *cs, struct onboard_result *res)
{
	char *seen = res->seen[OB_REPORT];
	size_t n = sizeof(res->seen[0]);
	if (cs->t_ans == RB_T_NONE) {
		snprintf(seen, n, "no report expected: the call was not answered");
		return;
	}
	rb_us limit = o->report_limit > 0 ? o->report_limit : 120 * RB_US_PER_S;
	rb_us until = cs->t_end + limit;
	bool found = false, test = false;
	char where[4096] = "";
	for (;;) {
		if (o->maildir)
			found = ob_maildir_find(o->maildir, u->call_id, &test, where, sizeof(where));
		else if (sink)
			found = ob_sink_find(sink, u->call_id, &test);
		if (found || rb_now_mono_us() >= until)
			break;
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	double after = rb_us_to_s(rb_now_mono_us() - cs->t_end);
	if (found && test) {
		res->ok[OB_REPORT] = true;
		snprintf(seen, n, "report arrived %.1f s after the hang-up, marked as a test%s%.180s",
			 after, where[0] ? ": " : "", where);
	} else if (found) {
		snprintf(seen, n, "a report arrived (%.1f s) but is not marked as a test call", after);
	} else {
		snprintf(seen, n, "no report for Call-ID %s within %.0f s in %s", u->call_id,
			 rb_us_to_s(limit), o->maildir ? o->maildir : o->smtp_sink);
	}
}

/* The tenant of o, with a number. Returns it, or NULL with err. */
static const struct scn_tenant *tenant_of(const struct onboard_opts *o, char *err, size_t errlen)
{
	int ti = scn_tenant_by_id(o->scn, o->tenant_id);
	if (ti < 0) {
		snprintf(err, errlen, "--tenant: no tenant '%s' in %s", o->tenant_id, o->scn->path);
		return NULL;
	}
	const struct scn_tenant *t = &o->scn->tenants[ti];
	if (!t->number) {
		snprintf(err, errlen, "tenant '%s' has no number in %s", o->tenant_id, o->scn->path);
		return NULL;
	}
	return t;
}

int onboard_run(const struct onboard_opts *o, struct onboard_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof(*res));
	const struct scn_tenant *t = tenant_of(o, err, errlen);
	if (!t)
		return EINVAL;
	struct uac u = {.fd = -1, .num = t->number, .t = t};
	struct ob_sink sink;
	bool sink_on = false;
	int rc = uac_open(&u, o->server, err, errlen);
	if (rc)
		goto out;
	if (o->smtp_sink) {
		if ((rc = ob_sink_start(&sink, o->smtp_sink, err, errlen)))
			goto out;
		sink_on = true;
	}
	unsigned long r = (unsigned long)rb_now_epoch_us() ^ ((unsigned long)getpid() << 16);
	snprintf(u.call_id, sizeof(u.call_id), "rbo-%lx-%d@ringbench", r, getpid());
	snprintf(u.tag, sizeof(u.tag), "rbo%lx", r & 0xffffff);
	snprintf(u.branch, sizeof(u.branch), "z9hG4bK-rbo-%lx", r);
	snprintf(res->call_id, sizeof(res->call_id), "%s", u.call_id);

	double F = o->speedup > 0 ? o->speedup : 1;
	rb_us period = (rb_us)((double)o->scn->ring_period / F);
	int K = target_rings(o->scn, o->rings);
	/* Wait two rings past the target before hanging up: enough to say how late. */
	struct call_seen cs = {RB_T_NONE, RB_T_NONE, RB_T_NONE, RB_T_NONE, 0, false};
	place_call(&u, (rb_us)(K + 2) * period, o->talk > 0 ? o->talk : RB_US_PER_S, &cs);
	res->final_status = cs.final;
	judge_reached(o, t, &cs, res);
	judge_answered(&cs, K, period, res);
	judge_report(o, &u, sink_on ? &sink : NULL, &cs, res);
out:
	if (sink_on)
		ob_sink_stop(&sink);
	if (u.fd >= 0)
		close(u.fd);
	return rc;
}

void onboard_print(const struct onboard_result *res, FILE *out)
{
	static const char *const what[OB_N] = {
		"reached the center (ringing)", "a person answered within the target",
		"the report arrived, marked as a test"};
	fprintf(out, "test call %s\n", res->call_id);
	for (int i = 0; i < OB_N; i++)
		fprintf(out, "  [%s] %s: %s\n", res->ok[i] ? "x" : " ", what[i], res->seen[i]);
	int bad = 0;
	for (int i = 0; i < OB_N; i++)
		bad += !res->ok[i];
	if (!bad) {
		fprintf(out, "onboarding: PASS\n");
		return;
	}
	fprintf(out, "onboarding: FAIL: ");
	if (!res->ok[OB_REACHED])
		fprintf(out, "%s\n", res->final_status == 404 ? "unknown number (404)"
				     : res->final_status     ? "rejected"
							     : "no answer from the center");
	else if (!res->ok[OB_ANSWERED])
		fprintf(out, "not answered within the target\n");
	else
		fprintf(out, "no report\n");
}
