/* timeline: rows per whole second, state at the instant, events in [t, t+1). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

#define S(x) ((rb_us)((x) * RB_US_PER_S))

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_timeline_state_at_each_second)
{
	struct timeline *tl = timeline_new(0, true);
	ck_assert_ptr_nonnull(tl);
	timeline_span(tl, 0, 1500000, 0, 0, 0);
	timeline_span(tl, 1500000, S(3), 2, 1, 0);   /* covers t = 2 */
	timeline_span(tl, S(3), S(3) + 1, 5, 4, 1);  /* one microsecond: t = 3 */
	timeline_span(tl, S(3) + 1, S(10), 1, 4, 0);
	timeline_answered(tl, 2999999);              /* in [2, 3) */
	timeline_answered(tl, S(2));
	timeline_abandoned(tl, S(4) + 5);
	char path[256];
	snprintf(path, sizeof(path), "%s/check_timeline.csv", RB_BINARY_DIR);
	ck_assert_int_eq(timeline_write(tl, path, S(5)), 0);
	ck_assert_str_eq(slurp(path), "t,ringing,operators_busy,backup_busy,answered,abandoned\n"
				      "0.000000,0,0,0,0,0\n"
				      "1.000000,0,0,0,0,0\n"
				      "2.000000,2,1,0,2,0\n"
				      "3.000000,5,4,1,0,0\n"
				      "4.000000,1,4,0,0,1\n");
	timeline_free(tl);
}
END_TEST

START_TEST(test_timeline_capture_leaves_staff_empty_and_stops_at_limit)
{
	struct timeline *tl = timeline_new(S(3), false);
	timeline_span(tl, S(1), S(100), 3, 0, 0);
	timeline_answered(tl, S(50)); /* beyond the limit: dropped, no crash */
	char path[256];
	snprintf(path, sizeof(path), "%s/check_timeline2.csv", RB_BINARY_DIR);
	ck_assert_int_eq(timeline_write(tl, path, S(100)), 0);
	/* t = 0 was never covered by a span: its state is not known */
	ck_assert_str_eq(slurp(path), "t,ringing,operators_busy,backup_busy,answered,abandoned\n"
				      "0.000000,,,,0,0\n"
				      "1.000000,3,,,0,0\n"
				      "2.000000,3,,,0,0\n");
	timeline_free(tl);
}
END_TEST

static Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_timeline_state_at_each_second);
	tcase_add_test(tc, test_timeline_capture_leaves_staff_empty_and_stops_at_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(timeline_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
