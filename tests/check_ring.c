/* Ring arithmetic at its boundaries (docs/definitions.md, Measures). */
#include <check.h>
#include <stdlib.h>

#include "rbtime.h"
#include "ring.h"

static const rb_us P = 3 * RB_US_PER_S;

START_TEST(test_ring_count_boundary)
{
	ck_assert_int_eq(ring_count(0, P), 1);
	ck_assert_int_eq(ring_count(2999999, P), 1);
	ck_assert_int_eq(ring_count(3000000, P), 2); /* exactly 3.0 s: second ring */
	ck_assert_int_eq(ring_count(8999999, P), 3); /* within 3 rings */
	ck_assert_int_eq(ring_count(9000000, P), 4); /* exactly 9.0 s: fourth ring */
	ck_assert_int_eq(ring_count(14999999, P), 5);
	ck_assert_int_eq(ring_count(15000000, P), 6);
}
END_TEST

START_TEST(test_ring_count_from_seconds_no_float_drift)
{
	/* 9.0 s read from a file as a double must land on the fourth ring. */
	ck_assert_int_eq(ring_count(rb_s_to_us(9.0), P), 4);
	ck_assert_int_eq(ring_count(rb_s_to_us(8.999999), P), 3);
	ck_assert_int_eq(ring_count(rb_s_to_us(0.1 + 0.2 + 2.7), P), 2);
}
END_TEST

START_TEST(test_ring_heard_adds_no_answer_delay)
{
	/* 15 s at the client's phone, then answered 1 s after reaching us. */
	ck_assert_int_eq(ring_heard(15 * RB_US_PER_S, RB_US_PER_S, P), 6);
	ck_assert_int_eq(ring_heard(0, RB_US_PER_S, P), 1);
	ck_assert_int_eq(ring_heard(6 * RB_US_PER_S, 2999999, P), 3);
	/* Other countries: a 6 s period. */
	ck_assert_int_eq(ring_count(6 * RB_US_PER_S, 6 * RB_US_PER_S), 2);
}
END_TEST

START_TEST(test_fmt_s_six_decimals)
{
	char b[32];
	rb_fmt_s(b, sizeof(b), 9000000);
	ck_assert_str_eq(b, "9.000000");
	rb_fmt_s(b, sizeof(b), -1);
	ck_assert_str_eq(b, "-0.000001");
	rb_fmt_s(b, sizeof(b), 123456789012);
	ck_assert_str_eq(b, "123456.789012");
	rb_fmt_s(b, sizeof(b), RB_T_NONE);
	ck_assert_str_eq(b, "");
}
END_TEST

static Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_ring_count_boundary);
	tcase_add_test(tc, test_ring_count_from_seconds_no_float_drift);
	tcase_add_test(tc, test_ring_heard_adds_no_answer_delay);
	tcase_add_test(tc, test_fmt_s_six_decimals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ring_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
