/* Ring arithmetic at its boundaries (docs/definitions.md, Measures). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The integer formatter against the printf it replaced, at every digit
 * count, both signs, the extremes, and a cut buffer (snprintf's contract). */
START_TEST(test_fmt_s_matches_printf)
{
	char got[40], want[40];
	rb_us v[200];
	size_t n = 0;
	v[n++] = 0;
	v[n++] = INT64_MAX;
	v[n++] = INT64_MIN + 1;
	for (rb_us p = 1; p <= INT64_MAX / 10; p *= 10) {
		v[n++] = p;
		v[n++] = p - 1;
		v[n++] = -p;
		v[n++] = -(p - 1) - 1;
		v[n++] = p * 7 + 3;
	}
	uint64_t x = 88172645463325252ull;
	while (n < sizeof(v) / sizeof(v[0])) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[n++] = (rb_us)(x >> (x % 50));
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t a = v[i] < 0 ? (uint64_t)(-(v[i] + 1)) + 1 : (uint64_t)v[i];
		int wn = snprintf(want, sizeof(want), "%s%llu.%06llu", v[i] < 0 ? "-" : "",
				  (unsigned long long)(a / 1000000), (unsigned long long)(a % 1000000));
		ck_assert_int_eq(rb_fmt_s(got, sizeof(got), v[i]), wn);
		ck_assert_str_eq(got, want);
		ck_assert_int_eq(rb_fmt_s_raw(got, v[i]), wn);
		ck_assert(!memcmp(got, want, (size_t)wn));
		ck_assert_int_eq(rb_fmt_s(got, 5, v[i]), wn); /* cut, terminated */
		ck_assert_int_eq(strlen(got), 4);
		ck_assert(!memcmp(got, want, 4));
	}
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
	tcase_add_test(tc, test_fmt_s_matches_printf);
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
