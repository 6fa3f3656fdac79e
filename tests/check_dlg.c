/*
 * check_dlg: the call tracker's rules (docs/definitions.md; docs/analyze.md):
 * what is a new call, which transmission's time counts, outcomes, closing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "dlg.h"
#include "sipmsg.h"

#define MAXC 16
static struct callrec got[MAXC];
static struct dlg_extra gotx[MAXC];
static char gotcid[MAXC][1024], gottag[MAXC][1024]; /* the key, whole */
static int ngot, waiting;
static struct dlg *d;
static struct pkt_l4 pkt;

static void on_done(struct callrec *r, const struct dlg_extra *x, void *arg)
{
	(void)arg;
	ck_assert_int_lt(ngot, MAXC);
	got[ngot] = *r;
	snprintf(gotcid[ngot], sizeof(gotcid[ngot]), "%s", callrec_call_id(r));
	snprintf(gottag[ngot], sizeof(gottag[ngot]), "%s", callrec_from_tag(r));
	gotx[ngot++] = *x;
}

/* The events seen (dlg_hooks.event), in order. */
#define MAXEV 32
static struct {
	enum dlg_event ev;
	rb_us t;
	int status;
	char cid[128];
} evs[MAXEV];
static int nev;

static void on_ev(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg)
{
	(void)arg;
	if (nev == MAXEV)
		return; /* a test of many calls: the first MAXEV events are kept */
	evs[nev].ev = ev;
	evs[nev].t = t;
	evs[nev].status = r->final_status;
	snprintf(evs[nev].cid, sizeof(evs[nev].cid), "%s", callrec_call_id(r));
	nev++;
}

static void on_wait(rb_us t, int delta, void *arg)
{
	(void)t;
	(void)arg;
	waiting += delta;
	ck_assert_int_ge(waiting, 0);
}

static void setup(void)
{
	struct dlg_hooks hk = {.done = on_done, .waiting = on_wait, .event = on_ev};
	d = dlg_new(&hk);
	ck_assert_ptr_nonnull(d);
	ngot = 0;
	nev = 0;
	waiting = 0;
	memset(&pkt, 0, sizeof(pkt));
	pkt.af = 4;
	pkt.proto = 17;
	pkt.src[0] = 10;
	pkt.src[3] = 1;
	pkt.dst[0] = 10;
	pkt.dst[3] = 2;
	pkt.sport = 5062;
	pkt.dport = 5060;
}

static void teardown(void)
{
	dlg_free(d);
}

/* A request from the caller (or from the callee when callee). */
static int rq(rb_us t, const char *m, const char *cid, int cseq, const char *branch, bool to_tag,
	      bool callee, const char *extra)
{
	char b[2048];
	snprintf(b, sizeof(b),
		 "%s sip:0312000001@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK%s\r\n"
		 "From: <sip:a@x>;tag=%s\r\nTo: <sip:b@x>%s%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n%s"
		 "Content-Length: 0\r\n\r\n",
		 m, branch, callee ? "callee" : "caller", to_tag || callee ? ";tag=" : "",
		 to_tag ? (callee ? "caller" : "callee") : (callee ? "caller" : ""), cid, cseq, m,
		 extra ? extra : "");
	struct sipmsg msg;
	ck_assert_int_eq(sipmsg_parse(&msg, b, strlen(b), SIPMSG_LENIENT), 0);
	dlg_tick(d, t);
	return dlg_track(d, &msg, t, &pkt);
}

static int rs(rb_us t, int code, const char *cid, int cseq, const char *m)
{
	char b[1024];
	snprintf(b, sizeof(b),
		 "SIP/2.0 %d X\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		 "From: <sip:a@x>;tag=caller\r\nTo: <sip:b@x>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 code, code == 100 ? "" : ";tag=callee", cid, cseq, m);
	struct sipmsg msg;
	ck_assert_int_eq(sipmsg_parse(&msg, b, strlen(b), SIPMSG_LENIENT), 0);
	dlg_tick(d, t);
	return dlg_track(d, &msg, t, &pkt);
}

#define S RB_US_PER_S

/* A message of the call (cid, from tag ftag): an initial INVITE (code 0,
 * method "INVITE"), another request, or a response to cseq's method. */
static int msg_key(rb_us t, int code, const char *m, const char *cid, const char *ftag, int cseq,
		   const char *branch)
{
	static char b[8192];
	if (code)
		snprintf(b, sizeof(b),
			 "SIP/2.0 %d X\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK%s\r\n"
			 "From: <sip:a@x>;tag=%s\r\nTo: <sip:b@x>;tag=callee\r\nCall-ID: %s\r\n"
			 "CSeq: %d %s\r\nContent-Length: 0\r\n\r\n",
			 code, branch, ftag, cid, cseq, m);
	else
		snprintf(b, sizeof(b),
			 "%s sip:0312000001@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK%s\r\n"
			 "From: <sip:a@x>;tag=%s\r\nTo: <sip:b@x>\r\nCall-ID: %s\r\n"
			 "CSeq: %d %s\r\nContent-Length: 0\r\n\r\n",
			 m, branch, ftag, cid, cseq, m);
	struct sipmsg msg;
	ck_assert_int_eq(sipmsg_parse(&msg, b, strlen(b), SIPMSG_LENIENT), 0);
	dlg_tick(d, t);
	return dlg_track(d, &msg, t, &pkt);
}

/* n characters: prefix repeated, then suffix. */
static void longstr(char *buf, size_t n, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	for (size_t i = 0; i + sl < n; i++)
		buf[i] = prefix[i % pl];
	memcpy(buf + n - sl, suffix, sl + 1);
}

START_TEST(test_from_tags_differing_after_200_chars_are_two_calls)
{
	char t1[260], t2[260];
	longstr(t1, 250, "b2bua-leg-", "-A");
	longstr(t2, 250, "b2bua-leg-", "-B");
	ck_assert(!memcmp(t1, t2, 248));
	msg_key(0, 0, "INVITE", "same-cid", t1, 1, "a1");
	msg_key(1000, 0, "INVITE", "same-cid", t2, 1, "b1");
	msg_key(2 * S, 200, "INVITE", "same-cid", t1, 1, "a1");
	msg_key(3 * S, 486, "INVITE", "same-cid", t2, 1, "b1");
	ck_assert_uint_eq(dlg_open_calls(d), 2);
	dlg_flush(d, 4 * S);
	ck_assert_int_eq(ngot, 2);
	int a = strcmp(gottag[0], t1) == 0 ? 0 : 1;
	ck_assert_str_eq(gottag[a], t1);
	ck_assert_str_eq(gottag[1 - a], t2);
	ck_assert_int_eq(got[a].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(got[1 - a].outcome, OUTCOME_REJECTED);
	ck_assert_int_eq(got[1 - a].t_invite, 1000);
}
END_TEST

START_TEST(test_500_char_call_id_kept_whole)
{
	char cid[520], cid2[520], tag[100];
	longstr(cid, 500, "0123456789abcdef", "@host-1");
	longstr(cid2, 500, "0123456789abcdef", "@host-2");
	longstr(tag, 70, "t", "x"); /* longer than the inline field too */
	msg_key(0, 0, "INVITE", cid, tag, 1, "a1");
	msg_key(1000, 0, "INVITE", cid2, tag, 1, "b1");
	msg_key(1 * S, 180, "INVITE", cid, tag, 1, "a1");
	msg_key(2 * S, 200, "INVITE", cid, tag, 1, "a1");
	msg_key(9 * S, 0, "BYE", cid, tag, 2, "bye");
	dlg_flush(d, 10 * S);
	ck_assert_int_eq(ngot, 2);
	int a = strcmp(gotcid[0], cid) == 0 ? 0 : 1;
	ck_assert_uint_eq(strlen(gotcid[a]), 500);
	ck_assert_str_eq(gotcid[a], cid);
	ck_assert_str_eq(gotcid[1 - a], cid2);
	ck_assert_str_eq(gottag[a], tag);
	ck_assert_int_eq(got[a].t_ringing, 1 * S);
	ck_assert_int_eq(got[a].t_end, 9 * S);
	ck_assert_int_eq(got[a].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(got[1 - a].outcome, OUTCOME_INCOMPLETE);
}
END_TEST

START_TEST(test_407_resent_30s_later_counts_from_first_invite)
{
	msg_key(0, 0, "INVITE", "c407", "f407", 1, "a1");
	msg_key(2000, 407, "INVITE", "c407", "f407", 1, "a1");
	msg_key(3000, 0, "ACK", "c407", "f407", 1, "a1");
	/* the user types the password: the INVITE again 30 s later */
	msg_key(30 * S, 0, "INVITE", "c407", "f407", 2, "a2");
	msg_key(30 * S + 5000, 180, "INVITE", "c407", "f407", 2, "a2");
	msg_key(36 * S, 200, "INVITE", "c407", "f407", 2, "a2");
	ck_assert_int_eq(ngot, 0);
	dlg_flush(d, 40 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].t_invite, 0);
	ck_assert_int_eq(got[0].t_ringing, 30 * S + 5000);
	ck_assert_int_eq(got[0].t_answer, 36 * S);
	ck_assert_int_eq(got[0].final_status, 200);
	ck_assert_int_eq(got[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(gotx[0].invites, 2);
	ck_assert_int_eq(waiting, 0);
}
END_TEST

START_TEST(test_long_branch_retransmission_is_not_a_new_transaction)
{
	char br1[200], br2[200];
	longstr(br1, 150, "proxy-prefix-", "-1");
	longstr(br2, 150, "proxy-prefix-", "-2");
	msg_key(0, 0, "INVITE", "cb", "fb", 1, br1);
	msg_key(1000, 486, "INVITE", "cb", "fb", 1, br1);
	msg_key(500000, 0, "INVITE", "cb", "fb", 1, br1); /* late retransmission */
	msg_key(600000, 0, "INVITE", "cb2", "fb", 1, br1);
	msg_key(601000, 407, "INVITE", "cb2", "fb", 1, br1);
	msg_key(700000, 0, "INVITE", "cb2", "fb", 2, br2); /* alike for 148 characters */
	msg_key(800000, 200, "INVITE", "cb2", "fb", 2, br2);
	dlg_flush(d, 2 * S);
	ck_assert_int_eq(ngot, 2);
	int a = strcmp(gotcid[0], "cb") == 0 ? 0 : 1;
	ck_assert_int_eq(got[a].outcome, OUTCOME_REJECTED);
	ck_assert_int_eq(got[a].final_status, 486);
	ck_assert_int_eq(gotx[a].invites, 1);
	ck_assert_int_eq(got[1 - a].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(gotx[1 - a].invites, 2);
}
END_TEST

START_TEST(test_challenge_waits_then_rejected_last_transaction_decides)
{
	/* resent 200 s after its 407 (past DLG_LINGER): still one call; its
	 * second INVITE is refused 486, so rejected with 486, not 407 */
	msg_key(0, 0, "INVITE", "cw", "fw", 1, "a1");
	msg_key(1000, 407, "INVITE", "cw", "fw", 1, "a1");
	msg_key(200 * S, 0, "INVITE", "cw", "fw", 2, "a2");
	msg_key(201 * S, 486, "INVITE", "cw", "fw", 2, "a2");
	/* a 401 never answered with credentials: reported DLG_CHALLENGE later */
	msg_key(300 * S, 0, "INVITE", "cn", "fn", 1, "b1");
	msg_key(300 * S + 1000, 401, "INVITE", "cn", "fn", 1, "b1");
	dlg_tick(d, 201 * S + DLG_LINGER);
	ck_assert_int_eq(ngot, 1);
	ck_assert_str_eq(gotcid[0], "cw");
	ck_assert_int_eq(got[0].t_invite, 0);
	ck_assert_int_eq(got[0].final_status, 486);
	ck_assert_int_eq(got[0].outcome, OUTCOME_REJECTED);
	dlg_tick(d, 300 * S + 1000 + DLG_CHALLENGE - 1);
	ck_assert_int_eq(ngot, 1);
	dlg_tick(d, 300 * S + 1000 + DLG_CHALLENGE);
	ck_assert_int_eq(ngot, 2);
	ck_assert_int_eq(got[1].final_status, 401);
	ck_assert_int_eq(got[1].outcome, OUTCOME_REJECTED);
	ck_assert_uint_eq(dlg_open_calls(d), 0);
}
END_TEST

START_TEST(test_retransmitted_invite_is_one_call_first_time_kept)
{
	rq(0, "INVITE", "c1", 1, "b1", false, false, NULL);
	rq(500000, "INVITE", "c1", 1, "b1", false, false, NULL); /* same branch */
	rs(700000, 180, "c1", 1, "INVITE");
	rs(800000, 180, "c1", 1, "INVITE");
	rs(4 * S, 200, "c1", 1, "INVITE");
	rs(4 * S + 500000, 200, "c1", 1, "INVITE");
	rq(9 * S, "BYE", "c1", 2, "bye", true, false, NULL);
	dlg_flush(d, 10 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].t_invite, 0);
	ck_assert_int_eq(got[0].t_ringing, 700000);
	ck_assert_int_eq(got[0].t_answer, 4 * S);
	ck_assert_int_eq(got[0].t_end, 9 * S);
	ck_assert_int_eq(got[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(got[0].final_status, 200);
	ck_assert_str_eq(got[0].transport, "udp");
	ck_assert_str_eq(got[0].src, "10.0.0.1:5062");
	ck_assert_str_eq(got[0].ruri_user, "0312000001");
	ck_assert_int_eq(waiting, 0);
}
END_TEST

START_TEST(test_invite_after_401_continues_the_call)
{
	rq(0, "INVITE", "c2", 1, "b1", false, false, NULL);
	rs(1000, 401, "c2", 1, "INVITE");
	rq(50000, "INVITE", "c2", 2, "b2", false, false, NULL);
	rs(52000, 180, "c2", 2, "INVITE");
	rs(7 * S, 200, "c2", 2, "INVITE");
	dlg_flush(d, 8 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].t_invite, 0);
	ck_assert_int_eq(got[0].t_ringing, 52000);
	ck_assert_int_eq(got[0].t_final, 7 * S);
	ck_assert_int_eq(got[0].final_status, 200);
	ck_assert_int_eq(got[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(gotx[0].invites, 2);
}
END_TEST

START_TEST(test_401_without_new_invite_is_rejected)
{
	rq(0, "INVITE", "c3", 1, "b1", false, false, NULL);
	rs(1000, 401, "c3", 1, "INVITE");
	dlg_flush(d, 2 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].outcome, OUTCOME_REJECTED);
	ck_assert_int_eq(got[0].final_status, 401);
}
END_TEST

START_TEST(test_crossed_cancel_and_200_is_answered)
{
	rq(0, "INVITE", "c4", 1, "b1", false, false, NULL);
	rs(2000, 180, "c4", 1, "INVITE");
	rq(6 * S, "CANCEL", "c4", 1, "b1", false, false, NULL);
	rs(6 * S + 100, 200, "c4", 1, "INVITE");
	rs(6 * S + 200, 200, "c4", 1, "CANCEL");
	dlg_flush(d, 7 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(got[0].t_cancel, 6 * S);
	ck_assert_int_eq(got[0].t_answer, 6 * S + 100);
}
END_TEST

START_TEST(test_cancel_487_abandoned_and_cancel_alone_abandoned)
{
	rq(0, "INVITE", "c5", 1, "b1", false, false, NULL);
	rq(3 * S, "CANCEL", "c5", 1, "b1", false, false, NULL);
	rs(3 * S + 5, 487, "c5", 1, "INVITE");
	rq(0, "INVITE", "c6", 1, "b1", false, false, NULL);
	rq(4 * S, "CANCEL", "c6", 1, "b1", false, false, NULL); /* capture ends: no 487 */
	rq(0, "INVITE", "c7", 1, "b1", false, false, NULL);
	rs(1 * S, 486, "c7", 1, "INVITE");
	rq(0, "INVITE", "c8", 1, "b1", false, false, NULL);
	rs(1 * S, 180, "c8", 1, "INVITE");
	dlg_flush(d, 5 * S);
	ck_assert_int_eq(ngot, 4);
	int ab = 0, rej = 0, inc = 0;
	for (int i = 0; i < ngot; i++) {
		ab += got[i].outcome == OUTCOME_ABANDONED;
		rej += got[i].outcome == OUTCOME_REJECTED;
		inc += got[i].outcome == OUTCOME_INCOMPLETE;
		ck_assert_int_eq(got[i].screened, -1);
	}
	ck_assert_int_eq(ab, 2);
	ck_assert_int_eq(rej, 1);
	ck_assert_int_eq(inc, 1);
	ck_assert_int_eq(waiting, 0);
}
END_TEST

START_TEST(test_reinvite_is_not_a_new_call_nor_its_200)
{
	rq(0, "INVITE", "c9", 1, "b1", false, false, NULL);
	rs(2 * S, 200, "c9", 1, "INVITE");
	ck_assert_int_eq(rq(6 * S, "INVITE", "c9", 2, "b2", true, false, NULL), 1);
	rs(6 * S + 1, 200, "c9", 2, "INVITE");
	rq(9 * S, "BYE", "c9", 3, "bye", true, false, NULL);
	rs(9 * S + 7, 200, "c9", 3, "BYE");
	dlg_flush(d, 10 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].t_answer, 2 * S);
	ck_assert_int_eq(gotx[0].t_bye_ok, 9 * S + 7);
}
END_TEST

START_TEST(test_bye_from_callee_found_by_to_tag)
{
	rq(0, "INVITE", "c10", 1, "b1", false, false, NULL);
	rs(2 * S, 200, "c10", 1, "INVITE");
	ck_assert_int_eq(rq(8 * S, "BYE", "c10", 1, "cb", true, true, NULL), 1);
	dlg_flush(d, 10 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].t_end, 8 * S);
}
END_TEST

START_TEST(test_forwarding_from_diversion_and_history_info)
{
	rq(0, "INVITE", "c11", 1, "b1", false, false,
	   "Diversion: <sip:0312000001@x>;reason=no-answer\r\n");
	rq(0, "INVITE", "c12", 1, "b1", false, false,
	   "History-Info: <sip:0312000001@x?Reason=SIP%3Bcause%3D302>;index=1\r\n");
	rq(0, "INVITE", "c13", 1, "b1", false, false, NULL);
	dlg_flush(d, 1 * S);
	ck_assert_int_eq(ngot, 3);
	for (int i = 0; i < 3; i++) {
		if (!strcmp(got[i].call_id, "c11")) {
			ck_assert_int_eq(got[i].forwarding, FWD_NO_ANSWER);
			ck_assert_str_eq(got[i].diversion_reason, "no-answer");
		} else if (!strcmp(got[i].call_id, "c12")) {
			ck_assert_int_eq(got[i].forwarding, FWD_UNCONDITIONAL);
			ck_assert_str_eq(got[i].history_info_cause, "302");
		} else {
			ck_assert_int_eq(got[i].forwarding, FWD_UNKNOWN);
		}
	}
}
END_TEST

/* An operator leg's link to its caller (ringbench live's operator_legs.csv):
 * the first INVITE's X-RB-Call, empty without one. */
START_TEST(test_x_rb_call_kept_from_the_invite)
{
	rq(0, "INVITE", "leg1", 1, "b1", false, false, "X-RB-Call: rbl0-17\r\n");
	rq(0, "INVITE", "leg2", 1, "b1", false, false, NULL);
	dlg_flush(d, 1 * S);
	ck_assert_int_eq(ngot, 2);
	for (int i = 0; i < 2; i++)
		ck_assert_str_eq(got[i].rb_call, strcmp(got[i].call_id, "leg1") ? "" : "rbl0-17");
}
END_TEST

START_TEST(test_calls_close_after_linger_and_idle)
{
	rq(0, "INVITE", "c14", 1, "b1", false, false, NULL);
	rs(1 * S, 486, "c14", 1, "INVITE");
	rq(1 * S, "INVITE", "c15", 1, "b1", false, false, NULL); /* no answer ever */
	dlg_tick(d, 1 * S + DLG_LINGER - 1);
	ck_assert_int_eq(ngot, 0);
	dlg_tick(d, 1 * S + DLG_LINGER);
	ck_assert_int_eq(ngot, 1);
	ck_assert_str_eq(got[0].call_id, "c14");
	dlg_tick(d, 1 * S + DLG_IDLE - 1);
	ck_assert_int_eq(ngot, 1);
	dlg_tick(d, 1 * S + DLG_IDLE);
	ck_assert_int_eq(ngot, 2);
	ck_assert_int_eq(got[1].outcome, OUTCOME_INCOMPLETE);
	ck_assert_uint_eq(dlg_open_calls(d), 0);
}
END_TEST

START_TEST(test_memory_bounded_by_calls_in_progress)
{
	char cid[32];
	for (int i = 0; i < 20000; i++) {
		rb_us t = (rb_us)i * 100000; /* one call each 0.1 s, each over in 1 s */
		snprintf(cid, sizeof(cid), "m%d", i);
		rq(t, "INVITE", cid, 1, "b1", false, false, NULL);
		rs(t + 1 * S, 486, cid, 1, "INVITE");
		ck_assert_uint_le(dlg_open_calls(d), (DLG_LINGER + 2 * S) / 100000 + 2);
		if (ngot == MAXC)
			ngot = 0;
	}
}
END_TEST

START_TEST(test_unknown_messages_are_not_calls)
{
	ck_assert_int_eq(rs(0, 200, "nobody", 1, "INVITE"), 0);
	ck_assert_int_eq(rq(0, "BYE", "nobody", 1, "x", true, false, NULL), 0);
	ck_assert_int_eq(rq(0, "OPTIONS", "nobody", 1, "x", false, false, NULL), 0);
	dlg_flush(d, 1);
	ck_assert_int_eq(ngot, 0);
}
END_TEST

/* One message given whole (compact forms and all). */
static int raw(rb_us t, const char *b)
{
	struct sipmsg msg;
	ck_assert_int_eq(sipmsg_parse(&msg, b, strlen(b), SIPMSG_LENIENT), 0);
	dlg_tick(d, t);
	return dlg_track(d, &msg, t, &pkt);
}

START_TEST(test_events_fire_once_each_at_their_message)
{
	rq(0, "INVITE", "e1", 1, "b1", false, false, NULL);
	rq(500, "INVITE", "e1", 1, "b1", false, false, NULL); /* retransmission */
	rs(1000, 180, "e1", 1, "INVITE");
	rs(1500, 180, "e1", 1, "INVITE");
	rq(4 * S, "CANCEL", "e1", 1, "b1", false, false, NULL);
	rq(4 * S + 500, "CANCEL", "e1", 1, "b1", false, false, NULL);
	rs(4 * S + 600, 200, "e1", 1, "CANCEL");
	rs(4 * S + 700, 487, "e1", 1, "INVITE");
	rs(4 * S + 900, 487, "e1", 1, "INVITE");
	ck_assert_int_eq(nev, 4);
	ck_assert_int_eq(evs[0].ev, DLG_EV_INVITE);
	ck_assert_int_eq(evs[0].t, 0);
	ck_assert_int_eq(evs[1].ev, DLG_EV_RINGING);
	ck_assert_int_eq(evs[1].t, 1000);
	ck_assert_int_eq(evs[2].ev, DLG_EV_CANCEL);
	ck_assert_int_eq(evs[2].t, 4 * S);
	ck_assert_str_eq(evs[2].cid, "e1");
	ck_assert_int_eq(evs[3].ev, DLG_EV_FINAL);
	ck_assert_int_eq(evs[3].status, 487);
	ck_assert_int_eq(ngot, 0); /* the call is not over: it lingers */
}
END_TEST

START_TEST(test_events_answer_and_challenge_then_resent_invite)
{
	rq(0, "INVITE", "e2", 1, "b1", false, false, NULL);
	rs(100, 407, "e2", 1, "INVITE");
	rs(200, 407, "e2", 1, "INVITE"); /* retransmitted: no second event */
	rq(1 * S, "INVITE", "e2", 2, "b2", false, false, NULL);
	rs(2 * S, 200, "e2", 2, "INVITE");
	rs(2 * S + 1, 200, "e2", 2, "INVITE");
	ck_assert_int_eq(nev, 3);
	ck_assert_int_eq(evs[0].ev, DLG_EV_INVITE);
	ck_assert_int_eq(evs[1].ev, DLG_EV_FINAL);
	ck_assert_int_eq(evs[1].status, 407);
	ck_assert_int_eq(evs[2].ev, DLG_EV_ANSWERED);
	ck_assert_int_eq(evs[2].t, 2 * S);
}
END_TEST

/* Compact header names (RFC 3261 section 7.3.3): i for Call-ID, f From,
 * t To, v Via, l Content-Length; the CANCEL is an abandon all the same. */
START_TEST(test_compact_form_cancel_is_an_abandon_event)
{
	raw(0, "INVITE sip:0312000001@x SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bKc1\r\n"
	       "f: <sip:a@x>;tag=t1\r\nt: <sip:b@x>\r\ni: rbl0-7///1-2@h\r\nCSeq: 1 INVITE\r\n"
	       "l: 0\r\n\r\n");
	raw(1000, "SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP h;branch=z9hG4bKc1\r\n"
		  "f: <sip:a@x>;tag=t1\r\nt: <sip:b@x>;tag=c\r\ni: rbl0-7///1-2@h\r\n"
		  "CSeq: 1 INVITE\r\nl: 0\r\n\r\n");
	raw(5 * S, "CANCEL sip:0312000001@x SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bKc1\r\n"
		   "f: <sip:a@x>;tag=t1\r\nt: <sip:b@x>\r\ni: rbl0-7///1-2@h\r\nCSeq: 1 CANCEL\r\n"
		   "l: 0\r\n\r\n");
	ck_assert_int_eq(nev, 3);
	ck_assert_int_eq(evs[2].ev, DLG_EV_CANCEL);
	ck_assert_int_eq(evs[2].t, 5 * S);
	ck_assert_str_eq(evs[2].cid, "rbl0-7///1-2@h");
	dlg_flush(d, 6 * S);
	ck_assert_int_eq(ngot, 1);
	ck_assert_int_eq(got[0].outcome, OUTCOME_ABANDONED);
}
END_TEST

/* --- the whole pipeline: frames -> TCP reassembly -> events ------------------- */

static int pl_events, pl_cancels;
static rb_us pl_cancel_t;
static char pl_cid[128];

static void pl_ev(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg)
{
	(void)arg;
	pl_events++;
	if (ev == DLG_EV_CANCEL) {
		pl_cancels++;
		pl_cancel_t = t;
		snprintf(pl_cid, sizeof(pl_cid), "%s", callrec_call_id(r));
	}
}

/* The analyzer's pipeline with pl_ev as its event hook, counters cleared. */
static struct anl *pl_open(struct astats *st)
{
	memset(st, 0, sizeof(*st));
	pl_events = pl_cancels = 0;
	struct dlg_hooks hk = {.event = pl_ev};
	struct anl *a = anl_new(st, &hk);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* One raw-IPv4 TCP segment 10.0.0.1:5062 -> 10.0.0.2:5060 at ts_ns. */
static void tcp_frame(struct anl *a, int64_t ts_ns, uint32_t seq, const char *data, size_t n)
{
	uint8_t f[2048] = {0};
	ck_assert_uint_le(n + 40, sizeof(f));
	size_t tot = 40 + n;
	f[0] = 0x45;
	f[2] = (uint8_t)(tot >> 8);
	f[3] = (uint8_t)tot;
	f[8] = 64;
	f[9] = 6;
	f[12] = 10, f[15] = 1, f[16] = 10, f[19] = 2;
	f[20] = 5062 >> 8, f[21] = 5062 & 255, f[22] = 5060 >> 8, f[23] = 5060 & 255;
	f[24] = (uint8_t)(seq >> 24), f[25] = (uint8_t)(seq >> 16), f[26] = (uint8_t)(seq >> 8);
	f[27] = (uint8_t)seq;
	f[32] = 5 << 4;
	f[33] = 0x18; /* PSH ACK */
	memcpy(f + 40, data, n);
	struct cap_pkt p = {.dlt = PKTDEC_DLT_RAW, .ts_ns = ts_ns, .data = f, .caplen = tot,
			    .wirelen = tot};
	anl_packet(a, &p, 0);
}

/* A CANCEL in compact form, over TCP, cut in the middle of its "i:" header and
 * its second half retransmitted: one abandon event, at the segment that
 * completes it, with the whole Call-ID. */
START_TEST(test_tcp_split_compact_cancel_one_event)
{
	struct astats st;
	struct anl *a = pl_open(&st);
	const char *inv = "INVITE sip:0312000001@x SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bKs1\r\n"
			  "f: <sip:a@x>;tag=t1\r\nt: <sip:b@x>\r\ni: rbl0-42///9-9@h\r\n"
			  "CSeq: 1 INVITE\r\nl: 0\r\n\r\n";
	const char *can = "CANCEL sip:0312000001@x SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bKs1\r\n"
			  "f: <sip:a@x>;tag=t1\r\nt: <sip:b@x>\r\ni: rbl0-42///9-9@h\r\n"
			  "CSeq: 1 CANCEL\r\nl: 0\r\n\r\n";
	uint32_t seq = 1000;
	tcp_frame(a, 0, seq, inv, strlen(inv));
	seq += (uint32_t)strlen(inv);
	size_t cut = (size_t)(strstr(can, "i: rbl0-4") - can) + 9; /* inside the Call-ID */
	tcp_frame(a, 3000000000LL, seq, can, cut);
	ck_assert_int_eq(pl_cancels, 0); /* half a message is no CANCEL yet */
	tcp_frame(a, 3000400000LL, seq + (uint32_t)cut, can + cut, strlen(can) - cut);
	tcp_frame(a, 3000500000LL, seq + (uint32_t)cut, can + cut, strlen(can) - cut);
	ck_assert_int_eq(pl_cancels, 1);
	ck_assert_int_eq(pl_cancel_t, 3000400);
	ck_assert_str_eq(pl_cid, "rbl0-42///9-9@h");
	ck_assert_int_eq(pl_events, 2); /* INVITE, CANCEL */
	ck_assert_uint_eq(st.n[ASKIP_TCP_RETRANSMITTED], 1);
	anl_finish(a);
	anl_free(a);
}
END_TEST

/* edge_compact.pcap (tests/tools/mkpcap.c): compact headers over UDP, and
 * over TCP with every message in two segments; its three abandoned calls
 * give three CANCEL events, each with its Call-ID whole. */
START_TEST(test_compact_capture_cancels_over_udp_and_split_tcp)
{
	struct astats st;
	struct anl *a = pl_open(&st);
	char *files[] = {RB_SOURCE_DIR "/tests/data/pcap/edge_compact.pcap"};
	struct capture *c;
	char err[256];
	ck_assert_int_eq(capture_open_files(&c, files, 1, &st, err, sizeof(err)), 0);
	struct cap_pkt p;
	int cancels_tcp = 0;
	while (capture_next(c, &p) == 0) {
		int before = pl_cancels;
		anl_packet(a, &p, capture_t0_ns(c));
		if (pl_cancels > before && !strncmp(pl_cid, "compact-tcp-", 12))
			cancels_tcp++;
	}
	capture_close(c);
	ck_assert_int_eq(pl_cancels, 3);
	ck_assert_int_eq(cancels_tcp, 2);
	ck_assert_str_eq(pl_cid, "compact-tcp-abandoned-2@gen"); /* the last, whole */
	ck_assert_uint_eq(st.n[ASKIP_SIP_MALFORMED], 0);
	anl_finish(a);
	anl_free(a);
}
END_TEST

static Suite *dlg_suite(void)
{
	Suite *s = suite_create("dlg");
	TCase *tc = tcase_create("dlg");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retransmitted_invite_is_one_call_first_time_kept);
	tcase_add_test(tc, test_invite_after_401_continues_the_call);
	tcase_add_test(tc, test_401_without_new_invite_is_rejected);
	tcase_add_test(tc, test_from_tags_differing_after_200_chars_are_two_calls);
	tcase_add_test(tc, test_500_char_call_id_kept_whole);
	tcase_add_test(tc, test_407_resent_30s_later_counts_from_first_invite);
	tcase_add_test(tc, test_challenge_waits_then_rejected_last_transaction_decides);
	tcase_add_test(tc, test_long_branch_retransmission_is_not_a_new_transaction);
	tcase_add_test(tc, test_crossed_cancel_and_200_is_answered);
	tcase_add_test(tc, test_cancel_487_abandoned_and_cancel_alone_abandoned);
	tcase_add_test(tc, test_reinvite_is_not_a_new_call_nor_its_200);
	tcase_add_test(tc, test_bye_from_callee_found_by_to_tag);
	tcase_add_test(tc, test_forwarding_from_diversion_and_history_info);
	tcase_add_test(tc, test_x_rb_call_kept_from_the_invite);
	tcase_add_test(tc, test_calls_close_after_linger_and_idle);
	tcase_add_test(tc, test_memory_bounded_by_calls_in_progress);
	tcase_add_test(tc, test_unknown_messages_are_not_calls);
	tcase_add_test(tc, test_events_fire_once_each_at_their_message);
	tcase_add_test(tc, test_events_answer_and_challenge_then_resent_invite);
	tcase_add_test(tc, test_compact_form_cancel_is_an_abandon_event);
	tcase_add_test(tc, test_tcp_split_compact_cancel_one_event);
	tcase_add_test(tc, test_compact_capture_cancels_over_udp_and_split_tcp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dlg_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
