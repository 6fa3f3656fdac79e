/* callrec: names, derived measures at the ring boundaries, calls.csv rows. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callrec.h"

#define P (3 * RB_US_PER_S)
#define S(x) ((rb_us)((x) * RB_US_PER_S))

START_TEST(test_callrec_names_round_trip)
{
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		enum call_outcome o;
		ck_assert_int_eq(call_outcome_parse(call_outcome_name((enum call_outcome)i), &o), 0);
		ck_assert_int_eq(o, i);
	}
	ck_assert_str_eq(call_outcome_name(OUTCOME_ABANDONED_BEFORE_FORWARD), "abandoned_before_forward");
	ck_assert_ptr_null(call_outcome_name(OUTCOME_COUNT));
	enum call_outcome o;
	ck_assert_int_eq(call_outcome_parse("answerd", &o), EINVAL);
	enum call_fwd f;
	ck_assert_int_eq(call_fwd_parse("no-answer", &f), 0);
	ck_assert_int_eq(f, FWD_NO_ANSWER);
	ck_assert_int_eq(call_fwd_parse("unconditional", &f), 0);
	ck_assert_int_eq(f, FWD_UNCONDITIONAL);
	ck_assert_int_eq(call_fwd_parse("busy", &f), EINVAL);
	ck_assert_str_eq(call_fwd_name(FWD_UNKNOWN), "");
}
END_TEST

static struct callrec answered_after(rb_us wait)
{
	struct callrec r;
	callrec_init(&r);
	r.outcome = OUTCOME_ANSWERED;
	r.forwarding = FWD_UNCONDITIONAL;
	r.no_answer = 0;
	r.t_dial = S(100);
	r.t_invite = S(100);
	r.t_answer = S(100) + wait;
	callrec_derive(&r, P);
	return r;
}

START_TEST(test_callrec_derive_ring_boundaries)
{
	struct callrec r = answered_after(2999999);
	ck_assert_int_eq(r.wait, 2999999);
	ck_assert_int_eq(r.rings, 1);
	r = answered_after(S(3));
	ck_assert_int_eq(r.rings, 2); /* exactly 3.0 s: the second ring */
	r = answered_after(8999999);
	ck_assert_int_eq(r.rings, 3);
	r = answered_after(S(9));
	ck_assert_int_eq(r.rings, 4);
	ck_assert_int_eq(r.rings_heard, 4); /* unconditional: heard = rings */
}
END_TEST

START_TEST(test_callrec_derive_abandoned_and_heard)
{
	struct callrec r;
	callrec_init(&r);
	r.outcome = OUTCOME_ABANDONED;
	r.forwarding = FWD_NO_ANSWER;
	r.no_answer = S(15);
	r.t_dial = 0;
	r.t_invite = S(15);
	r.t_cancel = S(15) + S(6);
	r.t_final = S(15) + S(6) + 2000; /* 487 after the CANCEL: the CANCEL counts */
	callrec_derive(&r, P);
	ck_assert_int_eq(r.wait, S(6));
	ck_assert_int_eq(r.rings, 3);
	ck_assert_int_eq(r.rings_heard, 8); /* floor(21 / 3) + 1 */

	/* no CANCEL seen (a 487 alone): wait runs to the final answer */
	r.t_cancel = RB_T_NONE;
	callrec_derive(&r, P);
	ck_assert_int_eq(r.wait, S(6) + 2000);

	/* the no-answer delay counts only under no-answer forwarding */
	r.forwarding = FWD_UNCONDITIONAL;
	callrec_derive(&r, P);
	ck_assert_int_eq(r.rings_heard, r.rings);
	/* no-answer forwarding with an unknown delay: rings heard unknown */
	r.forwarding = FWD_NO_ANSWER;
	r.no_answer = RB_T_NONE;
	callrec_derive(&r, P);
	ck_assert_int_eq(r.rings_heard, 0);

	/* rejected and abandoned before forwarding have no wait */
	r.outcome = OUTCOME_REJECTED;
	callrec_derive(&r, P);
	ck_assert_int_eq(r.wait, RB_T_NONE);
	ck_assert_int_eq(r.rings, 0);
}
END_TEST

static char *row(const struct callrec *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(callrec_csv_write(f, r), 0);
	fclose(f);
	return buf;
}

START_TEST(test_callrec_csv_columns_and_format)
{
	const char *h = callrec_csv_header();
	ck_assert_str_eq(h, "call_id,from_tag,tenant,caller_type,redial,forwarding,no_answer_s,"
			    "t_dial,t_invite,t_ringing,t_answer,t_cancel,t_final,t_end,final_status,"
			    "outcome,screened,wait_s,rings,rings_heard,ring_time_s,srd_s,answered_by,"
			    "duration_s,diversion_reason,history_info_cause,ruri_user,transport,src,"
			    "dst\n");
	struct callrec r;
	callrec_init(&r);
	char *b = row(&r);
	/* everything unknown: empty fields, but redial and outcome */
	ck_assert_str_eq(b, ",,,,0,,,,,,,,,,,incomplete,,,,,,,,,,,,,,\n");
	free(b);

	r = answered_after(S(9));
	snprintf(r.call_id, sizeof(r.call_id), "c1@host");
	snprintf(r.tenant, sizeof(r.tenant), "acme");
	r.t_ringing = S(100) + 1500;
	r.t_end = S(200);
	r.t_final = r.t_answer;
	r.final_status = 200;
	r.screened = 0;
	snprintf(r.answered_by, sizeof(r.answered_by), "op3");
	callrec_derive(&r, P);
	b = row(&r);
	ck_assert_str_eq(b, "c1@host,,acme,,0,unconditional,0.000000,100.000000,100.000000,"
			    "100.001500,109.000000,,109.000000,200.000000,200,answered,0,9.000000,"
			    "4,4,8.998500,0.001500,op3,91.000000,,,,,,\n");
	free(b);
}
END_TEST

START_TEST(test_callrec_csv_quotes_per_rfc4180)
{
	struct callrec r;
	callrec_init(&r);
	snprintf(r.call_id, sizeof(r.call_id), "a,b");
	snprintf(r.from_tag, sizeof(r.from_tag), "say \"hi\"");
	snprintf(r.tenant, sizeof(r.tenant), "two\nlines");
	snprintf(r.caller_type, sizeof(r.caller_type), "plain");
	r.redial = true;
	char *b = row(&r);
	ck_assert_str_eq(b, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain,1,,,,,,,,,,,incomplete,,,,,,,,,,,,,,\n");
	free(b);
	/* a field filling its whole buffer, all quotes: still one whole row */
	memset(r.call_id, '"', sizeof(r.call_id) - 1);
	r.call_id[sizeof(r.call_id) - 1] = '\0';
	b = row(&r);
	ck_assert_uint_eq(strlen(b), 2 + 2 * (sizeof(r.call_id) - 1) +
					     strlen(",\"say \"\"hi\"\"\",\"two\nlines\",plain,1,,,,,,,,,,,incomplete,,,,,,,,,,,,,,\n"));
	free(b);
}
END_TEST

START_TEST(test_callrec_long_key_written_whole)
{
	struct callrec r;
	callrec_init(&r);
	/* short keys: inline, no pointer (the model's case) */
	callrec_set_key(&r, "c1@host", "tag1");
	ck_assert_ptr_null(r.call_id_long);
	ck_assert_ptr_null(r.from_tag_long);
	ck_assert_str_eq(callrec_call_id(&r), "c1@host");
	/* a key one byte too long for its field: pointed at, never cut */
	char tag[sizeof(r.from_tag) + 1], cid[5001];
	memset(tag, 't', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = '\0';
	memset(cid, 'c', sizeof(cid) - 1);
	cid[sizeof(cid) - 1] = '\0';
	cid[2500] = ','; /* quoted, in a row past the inline buffer */
	callrec_set_key(&r, cid, tag);
	ck_assert_ptr_eq(callrec_call_id(&r), cid);
	ck_assert_ptr_eq(callrec_from_tag(&r), tag);
	ck_assert_str_eq(r.call_id, "");
	char *b = row(&r);
	ck_assert_uint_eq(strlen(b), 1 + 5000 + 1 + 1 + sizeof(tag) - 1 +
					     strlen(",,,0,,,,,,,,,,,incomplete,,,,,,,,,,,,,,\n"));
	ck_assert(b[0] == '"' && !strncmp(b + 1, cid, 5000) && b[5001] == '"');
	ck_assert(!strncmp(b + 5003, tag, sizeof(tag) - 1));
	free(b);
	/* and back to a short key: inline again */
	callrec_set_key(&r, "x", "y");
	ck_assert_ptr_null(r.call_id_long);
	ck_assert_str_eq(callrec_from_tag(&r), "y");
}
END_TEST

static Suite *callrec_suite(void)
{
	Suite *s = suite_create("callrec");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_callrec_names_round_trip);
	tcase_add_test(tc, test_callrec_derive_ring_boundaries);
	tcase_add_test(tc, test_callrec_derive_abandoned_and_heard);
	tcase_add_test(tc, test_callrec_csv_columns_and_format);
	tcase_add_test(tc, test_callrec_csv_quotes_per_rfc4180);
	tcase_add_test(tc, test_callrec_long_key_written_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(callrec_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
