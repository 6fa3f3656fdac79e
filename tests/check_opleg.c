/*
 * Unit tests of server/b2bua/opleg.c, the operator leg, with messages built
 * by core/sipmsg (the phone's answers from the leg's own requests): the
 * INVITE (the answering name in From, X-Secretaryd-Call, the caller's
 * offer), 1xx not reported, 200 -> ACK -> answered, a retransmitted 200,
 * the ring timeout's CANCEL and 487, a CANCEL crossing the 200 (ACK then
 * BYE), a CANCEL waiting for the first 1xx, 486, Timer A and B, BYE both
 * ways, a delayed offer; a reliable 1xx taken as any 1xx (no PRACK); the
 * talk's re-INVITEs and UPDATEs both ways (offer, answer, ACK relayed,
 * Timer G and A), glare (491), 420 for Require: 100rel, a BYE closing a
 * re-INVITE in flight.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opleg.h"

#define MS 1000

struct sent {
	char buf[8192];
	size_t len;
	char dest[80];
	struct sipmsg m;
};

static struct world {
	struct sent out[32];
	int n;
	rb_us due;
	char events[16][64];
	int n_ev;
	char sdp[512];
} w;

static int env_send(const char *dest, const char *buf, size_t len, void *arg)
{
	ck_assert_int_lt(w.n, 32);
	struct sent *s = &w.out[w.n++];
	ck_assert_uint_lt(len, sizeof s->buf);
	memcpy(s->buf, buf, len);
	s->len = len;
	snprintf(s->dest, sizeof s->dest, "%s", dest);
	ck_assert_int_eq(sipmsg_parse(&s->m, s->buf, len, SIPMSG_STRICT), 0);
	return 0;
}

static void env_arm(struct opleg *l, rb_us due, void *arg)
{
	w.due = due;
}

static void ev(const char *fmt, const char *a, int n)
{
	ck_assert_int_lt(w.n_ev, 16);
	snprintf(w.events[w.n_ev++], sizeof w.events[0], fmt, a, n);
}

static void on_answered(struct opleg *l, struct sip_span sdp, void *arg)
{
	snprintf(w.sdp, sizeof w.sdp, "%.*s", (int)sdp.len, sdp.p);
	ev("answered%s", "", 0);
}
static void on_no_answer(struct opleg *l, void *arg) { ev("no_answer%s", "", 0); }
static void on_failed(struct opleg *l, int status, void *arg) { ev("failed%s %d", "", status); }
static void on_ended(struct opleg *l, enum opleg_end why, void *arg)
{
	ev("ended %s%.0d", opleg_end_name(why), 0);
}
static void on_offer(struct opleg *l, enum sip_method m, struct sip_span sdp, void *arg)
{
	snprintf(w.sdp, sizeof w.sdp, "%.*s", (int)sdp.len, sdp.p);
	ev("offer %s%.0d", sipmsg_method_name(m), 0);
}
static void on_answer(struct opleg *l, enum sip_method m, int status, struct sip_span sdp,
		      void *arg)
{
	snprintf(w.sdp, sizeof w.sdp, "%.*s", (int)sdp.len, sdp.p);
	ev("answer %s %d", sipmsg_method_name(m), status);
}
static void on_acked(struct opleg *l, struct sip_span sdp, void *arg)
{
	snprintf(w.sdp, sizeof w.sdp, "%.*s", (int)sdp.len, sdp.p);
	ev("acked%s%.0d", "", 0);
}

static const char offer[] = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
			    "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
static const char answer_sdp[] = "v=0\r\no=op 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
				 "t=0 0\r\nm=audio 7000 RTP/AVP 0\r\n";

static struct opleg *start(rb_us ring_timeout, const char *dest, bool with_offer)
{
	memset(&w, 0, sizeof w);
	struct opleg_params p = {
	    .call_id = "leg-1@center",
	    .target = "sip:alice@127.0.0.1:5999",
	    .dest = dest,
	    .local = "127.0.0.1:5060",
	    .display = "株式会社\"アクメ\"",
	    .caller_type = "inquiry",
	    .forwarding = "no-answer",
	    .caller = "0312345678",
	    .sdp = with_offer ? offer : NULL,
	    .sdp_len = with_offer ? strlen(offer) : 0,
	    .ring_timeout = ring_timeout,
	};
	struct opleg_env env = {env_send, env_arm, NULL};
	struct opleg_cbs cbs = {.answered = on_answered, .no_answer = on_no_answer,
				.failed = on_failed, .ended = on_ended, .offer = on_offer,
				.answer = on_answer, .acked = on_acked};
	struct opleg *l;
	ck_assert_int_eq(opleg_start(&l, &p, &env, &cbs, 1000 * MS), 0);
	return l;
}

/* The phone's response to sent request i, parsed into *keep (which holds the bytes). */
static struct sipmsg *respond(struct sent *keep, int i, int status, bool sdp)
{
	struct sipmsg_reply r = {.status = status, .to_tag = "phone1",
				 .hdrs = "Contact: <sip:alice@127.0.0.1:5999;ob>\r\n",
				 .hdrs_len = strlen("Contact: <sip:alice@127.0.0.1:5999;ob>\r\n")};
	if (sdp) {
		r.content_type = "application/sdp";
		r.body = answer_sdp;
		r.body_len = strlen(answer_sdp);
	}
	ck_assert_int_eq(sipmsg_reply_write(keep->buf, sizeof keep->buf, &w.out[i].m, &r, &keep->len),
			 0);
	ck_assert_int_eq(sipmsg_parse(&keep->m, keep->buf, keep->len, SIPMSG_STRICT), 0);
	return &keep->m;
}

static void expect_method(int i, const char *method, uint32_t cseq)
{
	ck_assert_int_gt(w.n, i);
	ck_assert_msg(sipmsg_span_ieq(w.out[i].m.method, method), "message %d: %.*s, not %s", i,
		      (int)w.out[i].m.method.len, w.out[i].m.method.p, method);
	ck_assert_uint_eq(w.out[i].m.cseq, cseq);
}

static struct sip_span branch_of(int i)
{
	struct sip_via v;
	struct sipmsg_iter it = {0};
	ck_assert_int_eq(sipmsg_via_next(&w.out[i].m, &it, &v), 0);
	return v.branch;
}

static bool same(struct sip_span a, struct sip_span b)
{
	return a.len == b.len && !memcmp(a.p, b.p, a.len);
}

START_TEST(test_invite_answered)
{
	struct opleg *l = start(15000 * MS, "udp 127.0.0.1:5999", true);
	expect_method(0, "INVITE", 1);
	struct sipmsg *inv = &w.out[0].m;
	ck_assert_str_eq(w.out[0].dest, "udp 127.0.0.1:5999");
	ck_assert(sipmsg_span_ieq(inv->ruri, "sip:alice@127.0.0.1:5999"));
	struct sip_addr from;
	ck_assert_int_eq(sipmsg_addr_parse(inv->from, &from), 0);
	ck_assert(sipmsg_span_ieq(from.display, "株式会社\\\"アクメ\\\""));
	ck_assert(from.tag.len > 0);
	const struct sip_hdr *x = sipmsg_hdr_byname(inv, "X-Secretaryd-Call", 0);
	ck_assert_ptr_nonnull(x);
	ck_assert(sipmsg_span_ieq(x->value, "type=inquiry;forwarding=no-answer;caller=0312345678"));
	ck_assert_uint_eq(inv->body.len, strlen(offer));
	ck_assert(!memcmp(inv->body.p, offer, inv->body.len));
	/* 180: nothing reported, Timer A stops */
	struct sent r1, r2;
	opleg_on_message(l, respond(&r1, 0, 180, false), 1100 * MS);
	ck_assert_int_eq(w.n_ev, 0);
	ck_assert_int_eq(opleg_times(l)->first_1xx, 1100 * MS);
	opleg_on_timer(l, 1600 * MS);
	ck_assert_int_eq(w.n, 1); /* no retransmission after the 1xx */
	/* 200 with the operator's SDP: ACK to its Contact, new branch; answered */
	opleg_on_message(l, respond(&r2, 0, 200, true), 3000 * MS);
	expect_method(1, "ACK", 1);
	ck_assert(sipmsg_span_ieq(w.out[1].m.ruri, "sip:alice@127.0.0.1:5999;ob"));
	ck_assert(sipmsg_span_ieq(w.out[1].m.to_tag, "phone1"));
	ck_assert(!same(branch_of(0), branch_of(1)));
	ck_assert_int_eq(w.n_ev, 1);
	ck_assert_str_eq(w.events[0], "answered");
	ck_assert_str_eq(w.sdp, answer_sdp);
	/* the 200 again: the ACK again, no second answered; the ring timeout is void */
	opleg_on_message(l, &r2.m, 3100 * MS);
	expect_method(2, "ACK", 1);
	ck_assert_int_eq(w.n_ev, 1);
	opleg_on_timer(l, 20000 * MS);
	ck_assert_int_eq(w.n, 3);
	ck_assert_int_eq(opleg_cancel(l, 20000 * MS), EALREADY);
	/* the operator hangs up: 200 to its BYE, ended */
	struct sent bye;
	struct sipmsg_request rq = {.method = "BYE", .ruri = sip_span_cstr("sip:center@127.0.0.1:5060"),
				    .via = sip_span_cstr("SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKph1"),
				    .from = w.out[1].m.to, .to = w.out[1].m.from,
				    .call_id = inv->call_id, .cseq = 7};
	ck_assert_int_eq(sipmsg_request_write(bye.buf, sizeof bye.buf, &rq, &bye.len), 0);
	ck_assert_int_eq(sipmsg_parse(&bye.m, bye.buf, bye.len, SIPMSG_STRICT), 0);
	opleg_on_message(l, &bye.m, 30000 * MS);
	ck_assert_int_eq(w.out[3].m.status, 200);
	ck_assert_uint_eq(w.out[3].m.cseq, 7);
	ck_assert_str_eq(w.events[1], "ended operator-bye");
	ck_assert(opleg_idle(l));
	opleg_free(l);
}
END_TEST

START_TEST(test_ring_timeout_cancel_487)
{
	struct opleg *l = start(15000 * MS, "udp 127.0.0.1:5999", true);
	struct sent r1, r2, r3;
	opleg_on_message(l, respond(&r1, 0, 180, false), 1200 * MS);
	ck_assert_int_eq(w.due, 16000 * MS); /* the ring timeout */
	opleg_on_timer(l, 16000 * MS);
	expect_method(1, "CANCEL", 1);
	ck_assert(same(branch_of(0), branch_of(1))); /* RFC 3261 9.1: the INVITE's branch */
	ck_assert_uint_eq(w.out[1].m.to_tag.len, 0);
	ck_assert_int_eq(w.n_ev, 0);
	opleg_on_message(l, respond(&r2, 1, 200, false), 16010 * MS); /* 200 to the CANCEL */
	opleg_on_message(l, respond(&r3, 0, 487, false), 16020 * MS);
	expect_method(2, "ACK", 1);
	ck_assert(same(branch_of(0), branch_of(2))); /* a non-2xx ACK: the same transaction */
	ck_assert_int_eq(w.n_ev, 1);
	ck_assert_str_eq(w.events[0], "no_answer");
	ck_assert_int_eq(opleg_times(l)->status, 487);
	ck_assert(opleg_idle(l));
	/* the 487 again: the ACK again, nothing more reported */
	opleg_on_message(l, &r3.m, 16500 * MS);
	expect_method(3, "ACK", 1);
	ck_assert_int_eq(w.n_ev, 1);
	opleg_free(l);
}
END_TEST

/* The CANCEL crosses the operator's 200: ACK it, then BYE; the cancel's callback. */
START_TEST(test_cancel_crossing_200)
{
	for (int by_center = 0; by_center < 2; by_center++) {
		struct opleg *l = start(by_center ? 0 : 15000 * MS, "udp 127.0.0.1:5999", true);
		struct sent r1, r2, r3, r4;
		opleg_on_message(l, respond(&r1, 0, 183, false), 1100 * MS);
		if (by_center)
			ck_assert_int_eq(opleg_cancel(l, 5000 * MS), 0);
		else
			opleg_on_timer(l, 16000 * MS);
		expect_method(1, "CANCEL", 1);
		opleg_on_message(l, respond(&r2, 0, 200, true), 16001 * MS); /* the 200 crossed it */
		expect_method(2, "ACK", 1);
		expect_method(3, "BYE", 2);
		ck_assert(sipmsg_span_ieq(w.out[3].m.to_tag, "phone1"));
		ck_assert(sipmsg_span_ieq(w.out[3].m.ruri, "sip:alice@127.0.0.1:5999;ob"));
		ck_assert_int_eq(w.n_ev, 0); /* never answered() */
		opleg_on_message(l, respond(&r3, 1, 481, false), 16002 * MS); /* the CANCEL's answer */
		opleg_on_message(l, respond(&r4, 3, 200, false), 16003 * MS); /* the BYE's */
		ck_assert_int_eq(w.n_ev, 1);
		ck_assert_str_eq(w.events[0], by_center ? "ended cancelled" : "no_answer");
		ck_assert(opleg_idle(l));
		opleg_free(l);
	}
}
END_TEST

/* No provisional yet at the ring timeout: the CANCEL waits for the first 1xx. */
START_TEST(test_cancel_waits_for_1xx_and_timer_a_b)
{
	struct opleg *l = start(1000 * MS, "udp 127.0.0.1:5999", true);
	/* Timer A: T1, 2 T1, 4 T1 ... */
	opleg_on_timer(l, 1500 * MS);
	expect_method(1, "INVITE", 1);
	ck_assert_int_eq(w.due, 2000 * MS); /* the ring timeout comes first */
	opleg_on_timer(l, 2000 * MS);
	ck_assert_int_eq(w.n, 2); /* no CANCEL before a provisional */
	opleg_on_timer(l, 2500 * MS);
	expect_method(2, "INVITE", 1);
	struct sent r1;
	opleg_on_message(l, respond(&r1, 0, 100, false), 2600 * MS);
	expect_method(3, "CANCEL", 1);
	opleg_free(l);
	/* no answer at all: Timer B (64 T1 = 32 s) gives failed(408) */
	l = start(0, "udp 127.0.0.1:5999", true);
	rb_us t = 1000 * MS;
	while (w.due <= 1000 * MS + 32000 * MS && w.n_ev == 0) {
		t = w.due;
		opleg_on_timer(l, t);
	}
	ck_assert_int_eq(t, 33000 * MS);
	ck_assert_int_eq(w.n, 7); /* sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s */
	ck_assert_str_eq(w.events[0], "failed 408");
	ck_assert(opleg_idle(l));
	/* the phone answers after all: ACK and BYE at once, nothing more reported */
	struct sent late;
	opleg_on_message(l, respond(&late, 0, 200, true), 34000 * MS);
	expect_method(7, "ACK", 1);
	expect_method(8, "BYE", 2);
	ck_assert_int_eq(w.n_ev, 1);
	opleg_free(l);
}
END_TEST

START_TEST(test_busy_and_center_bye_tcp_delayed_offer)
{
	struct opleg *l = start(0, "udp 127.0.0.1:5999", true);
	struct sent r1, r2, r3;
	opleg_on_message(l, respond(&r1, 0, 486, false), 1100 * MS);
	expect_method(1, "ACK", 1);
	ck_assert_str_eq(w.events[0], "failed 486");
	opleg_free(l);
	/* TCP: no retransmissions; a delayed offer (no SDP in the INVITE) */
	l = start(0, "tcp 127.0.0.1:5999", false);
	ck_assert_uint_eq(w.out[0].m.body.len, 0);
	struct sip_via v;
	struct sipmsg_iter it = {0};
	sipmsg_via_next(&w.out[0].m, &it, &v);
	ck_assert(sipmsg_span_ieq(v.transport, "TCP"));
	opleg_on_timer(l, 1500 * MS);
	ck_assert_int_eq(w.n, 1);
	/* the 200 holds the phone's offer: passed on, the ACK waits for the answer */
	opleg_on_message(l, respond(&r2, 0, 200, true), 2000 * MS);
	ck_assert_str_eq(w.events[0], "answered");
	ck_assert_str_eq(w.sdp, answer_sdp);
	ck_assert_int_eq(w.n, 1);
	opleg_on_message(l, &r2.m, 2500 * MS); /* a copy of the 200: still waiting */
	ck_assert_int_eq(w.n, 1);
	ck_assert_int_eq(opleg_ack(l, offer, strlen(offer)), 0);
	expect_method(1, "ACK", 1);
	ck_assert_uint_eq(w.out[1].m.body.len, strlen(offer));
	ck_assert_int_eq(opleg_ack(l, offer, strlen(offer)), EALREADY);
	opleg_on_message(l, &r2.m, 2600 * MS); /* now a copy gets the same ACK */
	expect_method(2, "ACK", 1);
	ck_assert_uint_eq(w.out[2].m.body.len, strlen(offer));
	w.n = 2; /* the BYE below takes the second ACK's place */
	/* the center hangs up */
	ck_assert_int_eq(opleg_bye(l, 5000 * MS), 0);
	expect_method(2, "BYE", 2);
	ck_assert(!opleg_idle(l));
	ck_assert_int_eq(opleg_bye(l, 5000 * MS), EALREADY);
	opleg_on_message(l, respond(&r3, 2, 200, false), 5010 * MS);
	ck_assert_str_eq(w.events[1], "ended center-bye");
	ck_assert(opleg_idle(l));
	opleg_free(l);
	/* bad parameters */
	struct opleg_params p = {.call_id = "x", .target = "not a uri", .dest = "udp 1.2.3.4:5",
				 .local = "127.0.0.1:5060"};
	struct opleg_env env = {env_send, env_arm, NULL};
	ck_assert_int_eq(opleg_start(&l, &p, &env, NULL, 0), EINVAL);
}
END_TEST

/* The phone's reliable 1xx (Require: 100rel, RSeq, though the INVITE
 * offered no 100rel): taken as any 1xx, no PRACK, the call goes on. */
START_TEST(test_reliable_1xx_is_plain)
{
	struct opleg *l = start(0, "udp 127.0.0.1:5999", true);
	/* no Supported header at all: 100rel is never offered */
	ck_assert_ptr_null(sipmsg_hdr(&w.out[0].m, SIP_HDR_SUPPORTED, 0));
	struct sent r1, r2;
	struct sipmsg_reply rr = {.status = 183, .to_tag = "phone1",
				  .hdrs = "Require: 100rel\r\nRSeq: 1\r\n",
				  .hdrs_len = strlen("Require: 100rel\r\nRSeq: 1\r\n")};
	ck_assert_int_eq(sipmsg_reply_write(r1.buf, sizeof r1.buf, &w.out[0].m, &rr, &r1.len), 0);
	ck_assert_int_eq(sipmsg_parse(&r1.m, r1.buf, r1.len, SIPMSG_STRICT), 0);
	opleg_on_message(l, &r1.m, 1100 * MS);
	ck_assert_int_eq(w.n, 1); /* no PRACK, nothing else */
	ck_assert_int_eq(w.n_ev, 0);
	ck_assert_int_eq(opleg_times(l)->first_1xx, 1100 * MS);
	opleg_on_message(l, respond(&r2, 0, 200, true), 2000 * MS);
	expect_method(1, "ACK", 1);
	ck_assert_str_eq(w.events[0], "answered");
	opleg_free(l);
}
END_TEST

/* A leg answered by the phone (INVITE, 200, ACK sent): w.out[0..1]. */
static struct opleg *talking(struct sent *ok)
{
	struct opleg *l = start(0, "udp 127.0.0.1:5999", true);
	opleg_on_message(l, respond(ok, 0, 200, true), 1500 * MS);
	expect_method(1, "ACK", 1);
	ck_assert_str_eq(w.events[0], "answered");
	w.n_ev = 0;
	return l;
}

static const char hold_sdp[] = "v=0\r\no=op 2 3 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
			       "t=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=sendonly\r\n";

/* The phone's request in the dialog of w.out[0]'s INVITE (answered with
 * To tag phone1), parsed into *keep. */
static struct sipmsg *phone_request(struct sent *keep, const char *method, uint32_t cseq,
				    const char *branch, const char *hdrs, const char *sdp)
{
	char via[128], from[256];
	const struct sipmsg *inv = &w.out[0].m;
	snprintf(via, sizeof via, "SIP/2.0/UDP 127.0.0.1:5999;branch=%s", branch);
	snprintf(from, sizeof from, "%.*s;tag=phone1", (int)inv->to.len, inv->to.p);
	struct sipmsg_request rq = {.method = method,
				    .ruri = sip_span_cstr("sip:center@127.0.0.1:5060"),
				    .via = sip_span_cstr(via), .from = sip_span_cstr(from),
				    .to = inv->from, .call_id = inv->call_id, .cseq = cseq,
				    .hdrs = hdrs, .hdrs_len = hdrs ? strlen(hdrs) : 0,
				    .content_type = sdp ? "application/sdp" : NULL, .body = sdp,
				    .body_len = sdp ? strlen(sdp) : 0};
	ck_assert_int_eq(sipmsg_request_write(keep->buf, sizeof keep->buf, &rq, &keep->len), 0);
	ck_assert_int_eq(sipmsg_parse(&keep->m, keep->buf, keep->len, SIPMSG_STRICT), 0);
	return &keep->m;
}

static void expect_status(int i, int status, uint32_t cseq)
{
	ck_assert_int_gt(w.n, i);
	ck_assert_msg(!w.out[i].m.is_request && w.out[i].m.status == status,
		      "message %d: status %d, not %d", i, w.out[i].m.status, status);
	ck_assert_uint_eq(w.out[i].m.cseq, cseq);
}

/* The phone puts the call on hold (re-INVITE), then refreshes (UPDATE):
 * each offered to the center, answered with the caller's SDP, the 200 of
 * the INVITE retransmitted until the phone's ACK, which is passed on. */
START_TEST(test_phone_reinvite_and_update)
{
	struct sent ok, ri, ack, up;
	struct opleg *l = talking(&ok);
	opleg_on_message(l, phone_request(&ri, "INVITE", 8, "z9hG4bKri1", NULL, hold_sdp),
			 5000 * MS);
	expect_status(2, 100, 8);
	ck_assert_str_eq(w.events[0], "offer INVITE");
	ck_assert_str_eq(w.sdp, hold_sdp);
	opleg_on_message(l, &ri.m, 5100 * MS); /* a copy: the 100 again, no second offer */
	expect_status(3, 100, 8);
	ck_assert_int_eq(w.n_ev, 1);
	ck_assert_int_eq(opleg_offer(l, SIP_UPDATE, offer, strlen(offer), 5200 * MS), EBUSY);
	ck_assert_int_eq(opleg_answer(l, 200, offer, strlen(offer), 5300 * MS), 0);
	expect_status(4, 200, 8);
	ck_assert_uint_eq(w.out[4].m.body.len, strlen(offer));
	ck_assert_ptr_nonnull(sipmsg_hdr(&w.out[4].m, SIP_HDR_CONTACT, 0));
	ck_assert_int_eq(opleg_answer(l, 200, offer, strlen(offer), 5300 * MS), EALREADY);
	ck_assert_int_eq(w.due, 5800 * MS); /* Timer G */
	opleg_on_timer(l, 5800 * MS);
	expect_status(5, 200, 8);
	opleg_on_message(l, phone_request(&ack, "ACK", 8, "z9hG4bKra1", NULL, NULL), 5900 * MS);
	ck_assert_str_eq(w.events[1], "acked");
	opleg_on_timer(l, 7000 * MS);
	ck_assert_int_eq(w.n, 6); /* retransmission over */
	/* UPDATE: no 100, no ACK; a copy gets the same 200 */
	opleg_on_message(l, phone_request(&up, "UPDATE", 9, "z9hG4bKup1", NULL, hold_sdp),
			 8000 * MS);
	ck_assert_int_eq(w.n, 6);
	ck_assert_str_eq(w.events[2], "offer UPDATE");
	ck_assert_int_eq(opleg_answer(l, 200, offer, strlen(offer), 8100 * MS), 0);
	expect_status(6, 200, 9);
	opleg_on_message(l, &up.m, 8200 * MS);
	expect_status(7, 200, 9);
	opleg_on_timer(l, 20000 * MS);
	ck_assert_int_eq(w.n, 8);
	/* the center's next request takes the CSeq after the INVITE's */
	ck_assert_int_eq(opleg_bye(l, 21000 * MS), 0);
	expect_method(8, "BYE", 2);
	opleg_free(l);
}
END_TEST

/* The center's re-INVITE (the caller's, relayed): CSeq 2 to the phone's
 * Contact, Timer A until a 1xx, the 200's SDP passed on, its ACK waiting
 * for opleg_ack; then an UPDATE refused 491, a re-INVITE refused 488
 * (ACKed at once), and Timer B. */
START_TEST(test_center_reinvite_and_update)
{
	struct sent ok, t1, r200, r491, r488;
	struct opleg *l = talking(&ok);
	ck_assert_int_eq(opleg_offer(l, SIP_BYE, NULL, 0, 2000 * MS), EINVAL);
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, hold_sdp, strlen(hold_sdp), 2000 * MS), 0);
	expect_method(2, "INVITE", 2);
	ck_assert(sipmsg_span_ieq(w.out[2].m.ruri, "sip:alice@127.0.0.1:5999;ob"));
	ck_assert(sipmsg_span_ieq(w.out[2].m.to_tag, "phone1"));
	ck_assert_uint_eq(w.out[2].m.body.len, strlen(hold_sdp));
	ck_assert_int_eq(opleg_offer(l, SIP_UPDATE, NULL, 0, 2000 * MS), EBUSY);
	opleg_on_timer(l, 2500 * MS); /* Timer A */
	expect_method(3, "INVITE", 2);
	opleg_on_message(l, respond(&t1, 2, 100, false), 2600 * MS);
	opleg_on_timer(l, 3500 * MS);
	ck_assert_int_eq(w.n, 4); /* no more after the 100 */
	opleg_on_message(l, respond(&r200, 2, 200, true), 4000 * MS);
	ck_assert_int_eq(w.n, 4); /* the ACK waits for the caller's */
	ck_assert_str_eq(w.events[0], "answer INVITE 200");
	ck_assert_str_eq(w.sdp, answer_sdp);
	ck_assert_int_eq(opleg_offer(l, SIP_UPDATE, NULL, 0, 4100 * MS), EBUSY);
	ck_assert_int_eq(opleg_ack(l, NULL, 0), 0);
	expect_method(4, "ACK", 2);
	ck_assert(!same(branch_of(2), branch_of(4)));
	ck_assert_int_eq(opleg_ack(l, NULL, 0), EALREADY);
	opleg_on_message(l, &r200.m, 4200 * MS); /* a copy of the 200: the same ACK */
	expect_method(5, "ACK", 2);
	/* UPDATE answered 491: passed on, nothing to ACK */
	ck_assert_int_eq(opleg_offer(l, SIP_UPDATE, offer, strlen(offer), 5000 * MS), 0);
	expect_method(6, "UPDATE", 3);
	opleg_on_message(l, respond(&r491, 6, 491, false), 5100 * MS);
	ck_assert_int_eq(w.n, 7);
	ck_assert_str_eq(w.events[1], "answer UPDATE 491");
	/* a re-INVITE refused 488: ACKed at once on its own branch */
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, offer, strlen(offer), 6000 * MS), 0);
	expect_method(7, "INVITE", 4);
	opleg_on_message(l, respond(&r488, 7, 488, false), 6100 * MS);
	expect_method(8, "ACK", 4);
	ck_assert(same(branch_of(7), branch_of(8)));
	ck_assert_str_eq(w.events[2], "answer INVITE 488");
	/* no answer at all: Timer B gives 408 */
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, offer, strlen(offer), 7000 * MS), 0);
	expect_method(9, "INVITE", 5);
	for (int i = 0; i < 20 && w.n_ev == 3; i++)
		opleg_on_timer(l, w.due);
	ck_assert_int_eq(w.out[w.n - 1].m.cseq, 5); /* retransmitted until then (Timer A) */
	ck_assert_str_eq(w.events[3], "answer INVITE 408");
	ck_assert_int_eq(opleg_bye(l, 50000 * MS), 0);
	ck_assert(sipmsg_span_ieq(w.out[w.n - 1].m.method, "BYE"));
	ck_assert_uint_eq(w.out[w.n - 1].m.cseq, 6);
	opleg_free(l);
}
END_TEST

/* Glare: the phone's re-INVITE while the center's is in flight gets 491
 * without reaching the center; Require: 100rel gets 420; a BYE ends a
 * re-INVITE the center has not answered with 487. */
START_TEST(test_glare_require_and_bye)
{
	struct sent ok, ri, rq, ri2, r200;
	struct opleg *l = talking(&ok);
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, hold_sdp, strlen(hold_sdp), 2000 * MS), 0);
	opleg_on_message(l, phone_request(&ri, "INVITE", 5, "z9hG4bKg1", NULL, offer), 2100 * MS);
	expect_status(3, 491, 5);
	opleg_on_message(l, phone_request(&rq, "UPDATE", 6, "z9hG4bKg2", NULL, offer), 2150 * MS);
	expect_status(4, 491, 6);
	ck_assert_int_eq(w.n_ev, 0);
	opleg_on_message(l, respond(&r200, 2, 200, true), 2200 * MS);
	ck_assert_int_eq(opleg_ack(l, NULL, 0), 0);
	expect_method(5, "ACK", 2);
	/* an option we lack */
	opleg_on_message(l, phone_request(&rq, "INVITE", 7, "z9hG4bKg3", "Require: 100rel\r\n", offer),
			 3000 * MS);
	expect_status(6, 420, 7);
	const struct sip_hdr *u = sipmsg_hdr(&w.out[6].m, SIP_HDR_UNSUPPORTED, 0);
	ck_assert_ptr_nonnull(u);
	ck_assert(sipmsg_span_ieq(u->value, "100rel"));
	/* the phone's re-INVITE pending: the center's offer is glare; the BYE
	 * ends it with 487 first */
	opleg_on_message(l, phone_request(&ri2, "INVITE", 8, "z9hG4bKg4", NULL, offer), 4000 * MS);
	expect_status(7, 100, 8);
	ck_assert_str_eq(w.events[w.n_ev - 1], "offer INVITE");
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, NULL, 0, 4100 * MS), EBUSY);
	ck_assert_int_eq(opleg_bye(l, 5000 * MS), 0);
	expect_status(8, 487, 8);
	expect_method(9, "BYE", 3);
	ck_assert_int_eq(opleg_answer(l, 200, NULL, 0, 5100 * MS), EALREADY);
	opleg_free(l);
	/* without offer callbacks the phone's re-INVITE gets 501, as before */
	memset(&w, 0, sizeof w);
	struct opleg_params p = {.call_id = "leg-2@center", .target = "sip:bob@127.0.0.1:5998",
				 .dest = "udp 127.0.0.1:5998", .local = "127.0.0.1:5060",
				 .sdp = offer, .sdp_len = strlen(offer)};
	struct opleg_env env = {env_send, env_arm, NULL};
	struct opleg_cbs cbs = {.answered = on_answered};
	ck_assert_int_eq(opleg_start(&l, &p, &env, &cbs, 0), 0);
	opleg_on_message(l, respond(&ok, 0, 200, true), 1000 * MS);
	opleg_on_message(l, phone_request(&ri, "INVITE", 3, "z9hG4bKn1", NULL, offer), 2000 * MS);
	expect_status(2, 501, 3);
	opleg_free(l);
}
END_TEST

/* Re-INVITEs without SDP, relayed as they are: the phone's (the center's
 * 200 holds the caller's offer, the phone's ACK its answer, passed on) and
 * the center's (the phone's 200 holds the offer, our ACK the caller's
 * answer). A refusal closes an offer at once: the next is taken before
 * the refusal's ACK. */
START_TEST(test_reinvite_without_sdp_and_refusal)
{
	struct sent ok, ri, ack, ri2, r200;
	struct opleg *l = talking(&ok);
	opleg_on_message(l, phone_request(&ri, "INVITE", 4, "z9hG4bKd1", NULL, NULL), 2000 * MS);
	ck_assert_str_eq(w.events[0], "offer INVITE");
	ck_assert_str_eq(w.sdp, "");
	ck_assert_int_eq(opleg_answer(l, 200, offer, strlen(offer), 2100 * MS), 0);
	expect_status(3, 200, 4);
	ck_assert_uint_eq(w.out[3].m.body.len, strlen(offer));
	opleg_on_message(l, phone_request(&ack, "ACK", 4, "z9hG4bKd2", NULL, hold_sdp), 2200 * MS);
	ck_assert_str_eq(w.events[1], "acked");
	ck_assert_str_eq(w.sdp, hold_sdp);
	/* the center's: no SDP out, the phone's offer back, the answer in our ACK */
	ck_assert_int_eq(opleg_offer(l, SIP_INVITE, NULL, 0, 3000 * MS), 0);
	expect_method(4, "INVITE", 2);
	ck_assert_uint_eq(w.out[4].m.body.len, 0);
	opleg_on_message(l, respond(&r200, 4, 200, true), 3100 * MS);
	ck_assert_str_eq(w.events[2], "answer INVITE 200");
	ck_assert_str_eq(w.sdp, answer_sdp);
	ck_assert_int_eq(opleg_ack(l, offer, strlen(offer)), 0);
	expect_method(5, "ACK", 2);
	ck_assert_uint_eq(w.out[5].m.body.len, strlen(offer));
	/* the phone's re-INVITE refused 488 (by the caller): its ACK not in yet,
	 * the center's next offer is taken all the same */
	opleg_on_message(l, phone_request(&ri2, "INVITE", 5, "z9hG4bKd3", NULL, hold_sdp),
			 4000 * MS);
	expect_status(6, 100, 5);
	ck_assert_int_eq(opleg_answer(l, 488, NULL, 0, 4100 * MS), 0);
	expect_status(7, 488, 5);
	ck_assert_uint_eq(w.out[7].m.body.len, 0);
	ck_assert_int_eq(opleg_offer(l, SIP_UPDATE, offer, strlen(offer), 4200 * MS), 0);
	expect_method(8, "UPDATE", 3);
	opleg_free(l);
}
END_TEST

static Suite *opleg_suite(void)
{
	Suite *s = suite_create("opleg");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_invite_answered);
	tcase_add_test(tc, test_ring_timeout_cancel_487);
	tcase_add_test(tc, test_cancel_crossing_200);
	tcase_add_test(tc, test_cancel_waits_for_1xx_and_timer_a_b);
	tcase_add_test(tc, test_busy_and_center_bye_tcp_delayed_offer);
	tcase_add_test(tc, test_reliable_1xx_is_plain);
	tcase_add_test(tc, test_phone_reinvite_and_update);
	tcase_add_test(tc, test_center_reinvite_and_update);
	tcase_add_test(tc, test_glare_require_and_bye);
	tcase_add_test(tc, test_reinvite_without_sdp_and_refusal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(opleg_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
