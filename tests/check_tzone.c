/*
 * tzone against glibc's localtime_r (a differential test, SQLite's habit):
 * for zones with and without daylight time, in both hemispheres, with odd
 * offsets, every hour of a few years around today and of years beyond the
 * files' transitions (the footer rule), and random instants 1902..2100.
 * This test process is single-threaded, so setting TZ here is safe.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tzone.h"

static const char *const zones[] = {
    "Asia/Tokyo",	  "UTC",		 "America/New_York", "Europe/London",
    "Europe/Berlin",	  "Australia/Sydney",	 "Pacific/Chatham",  "Asia/Kolkata",
    "America/Santiago", "Australia/Lord_Howe", "America/St_Johns", "Africa/Casablanca",
    "Europe/Dublin",	  "Pacific/Kiritimati", "America/Sao_Paulo", "Asia/Tehran",
};

static int compare_at(const struct tzone *z, int64_t t)
{
	struct tm a, b;
	long off;
	time_t tt = (time_t)t;
	tzone_local(z, t, &a, &off);
	localtime_r(&tt, &b);
	if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
	    a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
	    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday || a.tm_isdst != b.tm_isdst ||
	    off != b.tm_gmtoff) {
		fprintf(stderr, "%s at %lld: tzone %ld isdst %d, glibc %ld isdst %d\n", tzone_name(z),
			(long long)t, off, a.tm_isdst, (long)b.tm_gmtoff, b.tm_isdst);
		return 1;
	}
	return 0;
}

START_TEST(test_tzone_matches_glibc)
{
	const char *name = zones[_i];
	char err[256] = "";
	struct tzone *z = NULL;
	ck_assert_msg(tzone_load(name, &z, err, sizeof err) == 0, "%s", err);
	setenv("TZ", name, 1);
	tzset();
	int bad = 0;
	/* every hour (and the second before it) of 2023..2026 and 2047..2048 */
	for (int64_t t = 1672531200; t < 1798761600 && bad < 5; t += 3600)
		bad += compare_at(z, t) + compare_at(z, t - 1);
	for (int64_t t = 2429913600; t < 2493072000 && bad < 5; t += 3600)
		bad += compare_at(z, t) + compare_at(z, t - 1);
	uint64_t x = 88172645463325252ULL; /* xorshift64, fixed seed */
	for (int i = 0; i < 200000 && bad < 5; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = -2145916800 + (int64_t)(x % 6311433600ULL); /* 1902 .. 2102 */
		bad += compare_at(z, t);
	}
	ck_assert_int_eq(bad, 0);
	tzone_free(z);
}
END_TEST

START_TEST(test_tzone_tokyo_offset)
{
	char err[256], off[8];
	struct tzone *z = NULL;
	struct tm tm;
	long g;
	ck_assert_int_eq(tzone_load("Asia/Tokyo", &z, err, sizeof err), 0);
	tzone_local(z, 1764841770, &tm, &g); /* 2025-12-04 09:49:30 UTC */
	ck_assert_int_eq(g, 9 * 3600);
	ck_assert_int_eq(tm.tm_hour, 18);
	ck_assert_int_eq(tm.tm_min, 49);
	tzone_fmt_offset(off, sizeof off, g);
	ck_assert_str_eq(off, "+0900");
	tzone_fmt_offset(off, sizeof off, -(3 * 3600 + 1800));
	ck_assert_str_eq(off, "-0330");
	tzone_free(z);
}
END_TEST

START_TEST(test_tzone_refuses_bad_names)
{
	char err[256];
	struct tzone *z = NULL;
	ck_assert_int_eq(tzone_load("Asia/Nowhere", &z, err, sizeof err), ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "unknown time zone 'Asia/Nowhere'"));
	ck_assert_int_eq(tzone_load("Asia", &z, err, sizeof err), ENOENT); /* a folder */
	ck_assert_int_eq(tzone_load("../../../etc/passwd", &z, err, sizeof err), EINVAL);
	ck_assert_int_eq(tzone_load("/etc/localtime", &z, err, sizeof err), EINVAL);
	ck_assert_int_eq(tzone_load("Asia//Tokyo", &z, err, sizeof err), EINVAL);
	ck_assert_int_eq(tzone_load("", &z, err, sizeof err), EINVAL);
	ck_assert_int_eq(tzone_load("zone.tab", &z, err, sizeof err), EINVAL); /* not TZif */
	ck_assert_ptr_null(z);
}
END_TEST

static Suite *tzone_suite(void)
{
	Suite *s = suite_create("tzone");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_tzone_matches_glibc, 0, (int)(sizeof zones / sizeof zones[0]));
	tcase_add_test(tc, test_tzone_tokyo_offset);
	tcase_add_test(tc, test_tzone_refuses_bad_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tzone_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
