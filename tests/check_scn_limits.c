/*
 * Issue 12's hardening of the scenario loader: every number of a scenario
 * is range-checked at load with file:line:col and the range expected (a
 * table of bad files), draws of a heavy-tailed distribution with sane
 * parameters are cut at RV_MAX_S and counted rather than overflowing the
 * microseconds they are kept in.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rv.h"
#include "scn.h"
#include "scn_check.h"

/* The smallest valid scenario, to append one bad line to (line 5). */
#define MINI                                                                                       \
	"center: {operators: 1}\n"                                                                 \
	"tenants: [{id: a, number: \"1\"}]\n"                                                      \
	"callers: {talk_s: 60}\n"                                                                  \
	"load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n"

/* Loading text fails with EINVAL and exactly "t.yaml:" msg (scn_check_bad
 * asks only that the message contain it); *out untouched. */
static void string_bad(const char *text, const char *msg)
{
	struct scenario *s = (struct scenario *)&s; /* a sentinel */
	char err[1024] = "", want[1024];
	int rc = scn_load_string(text, strlen(text), "t.yaml", &s, err, sizeof(err));

	snprintf(want, sizeof(want), "t.yaml:%s", msg);
	ck_assert_msg(rc == EINVAL, "rc %d for:\n%s", rc, text);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_eq(s, (struct scenario *)&s);
}

static void string_ok(const char *text)
{
	scn_free(scn_check_ok(text));
}

/* One scenario per kind of number, each out of its range. */
static const struct {
	const char *text, *msg;
} bad_numbers[] = {
    /* durations inside distributions: no longer unbounded (they overflowed) */
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 1e13}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:19: a fixed value is too large: expected at most 1e9 s (about 31 years), got 1e+13 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: {fixed: 1e300}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:27: a fixed value is too large: expected at most 1e9 s (about 31 years), got 1e+300 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {types: {sales: {talk_s: 60, screen_prob: 0.5, screened_talk_s: {fixed: "
     "1e308}}}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:82: a fixed value is too large: expected at most 1e9 s (about 31 years), got 1e+308 s"},
    {MINI "center: {operators: 1}\n", "5:1: duplicate key 'center' in the scenario"},
    {"center: {operators: 1, pickup_s: {exponential: 2e9}}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: 60}\nload: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "1:48: an exponential mean is too large: expected at most 1e9 s (about 31 years), got "
     "2e+09 s"},
    {"center: {operators: 1, wrapup_s: {uniform: [1, 1e10]}}\n"
     "tenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "1:48: a uniform bound is too large: expected at most 1e9 s (about 31 years), got 1e+10 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: {lognormal: {mean: 90, sd: 1e12}}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:46: sd is too large: expected at most 1e9 s (about 31 years), got 1e+12 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: {gamma: {mean: 1e10, sd: 1}}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:34: mean is too large: expected at most 1e9 s (about 31 years), got 1e+10 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: {erlang: {k: 2000000, mean: 60}}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:32: k must be <= 1000000, got 2000000"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: {empirical: [30, 60, 1e15]}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:40: an empirical value is too large: expected at most 1e9 s (about 31 years), got "
     "1e+15 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: 60, patience_s: {normal: {mean: 1e200, sd: 5}}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:51: mean is too large: expected at most 1e9 s (about 31 years), got 1e+200 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\n"
     "callers: {talk_s: 60, redial: {prob: 0.5, after_s: 5e9}}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:52: a fixed value is too large: expected at most 1e9 s (about 31 years), got 5e+09 s"},
    /* the ring period: refused at load, not an "Invalid argument" of the model */
    {MINI "ring_period_s: 1e-7\n",
     "5:16: ring_period_s must be between 0.01 and 60 seconds, got 1e-07 (Japan's ring: 3)"},
    {MINI "ring_period_s: 3600\n",
     "5:16: ring_period_s must be between 0.01 and 60 seconds, got 3600 (Japan's ring: 3)"},
    /* durations of the load and of forwarding */
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 1e-9, rate_per_min: 1}]\n",
     "4:31: duration_s is shorter than the resolution of times (1 µs): expected at least "
     "0.000001 s, got 1e-09 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 1e12, rate_per_min: 1}]\n",
     "4:31: duration_s is too long: expected at most 1e9 s (about 31 years), got 1e+12 s"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 6e8, rate_per_min: 1}, "
     "{phase: q, duration_s: 6e8, rate_per_min: 1}]\n",
     "4:77: the phases add up to more than 1e9 s (about 31 years) at phase 'q': expected the "
     "load's duration_s to add up to at most 1e9 s"},
    {"center: {operators: 1}\n"
     "tenants: [{id: a, number: \"1\", forwarding: {no_answer_s: 1e10}}]\n"
     "callers: {talk_s: 60}\nload: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "2:58: no_answer_s is too long: expected at most 1e9 s (about 31 years), got 1e+10 s"},
    /* rates */
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_s: 1e300}]\n",
     "4:47: rate_per_s must be at most 10000 (10000 calls a second), got 1e+300"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1e6}]\n",
     "4:49: rate_per_min must be at most 600000 (10000 calls a second), got 1e+06"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: {profile: {interval_s: 3600, rates_per_min: [1, 1e6]}}\n",
     "4:55: an interval's arrival rate must be between 0 and 600000, got 1e+06"},
    /* counts */
    {"center: {operators: 1e7}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "1:21: operators must be <= 1000000, got 10000000"},
    {MINI "run: {replications: 1e9}\n", "5:21: replications must be <= 1000000, got 1000000000"},
    {MINI "run: {seed: 1e3}\n",
     "5:13: expected a seed: a whole number from 0 to 2^64 - 1, got '1e3'"},
    {MINI "run: {seed: 18446744073709551616}\n",
     "5:13: expected a seed: a whole number from 0 to 2^64 - 1, got '18446744073709551616'"},
    /* not a number at all (inf, nan, out of double's range) */
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: .inf}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "3:19: expected a distribution: a number (fixed), {fixed: x}, {exponential: mean}, "
     "{uniform: [a, b]}, {normal|lognormal|gamma: {mean, sd}}, {erlang: {k, mean}}, "
     "{weibull: {shape, scale}}, {empirical: [...]} or {empirical_csv: file}, got '.inf'"},
    {"center: {operators: 1}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 1e999, rate_per_min: 1}]\n",
     "4:31: expected a number, got '1e999'"},
    {MINI "targets: [{rings: 3, min: nan}]\n", "5:27: expected a number, got 'nan'"},
};

START_TEST(test_every_number_is_range_checked)
{
	string_bad(bad_numbers[_i].text, bad_numbers[_i].msg);
}
END_TEST

/* The bounds themselves are accepted: the limits refuse only what is beyond. */
START_TEST(test_the_bounds_themselves_load)
{
	string_ok("center: {operators: 1000000, pickup_s: {fixed: 1e9}}\n"
		  "tenants: [{id: a, number: \"1\", forwarding: {no_answer_s: 0.000001}}]\n"
		  "callers: {talk_s: {lognormal: {mean: 1e9, sd: 1e9}}, patience_s: {exponential: "
		  "1e9}}\n"
		  "load: [{phase: p, duration_s: 1e9, rate_per_s: 10000}]\n"
		  "ring_period_s: 60\n");
	string_ok(MINI "ring_period_s: 0.01\n");
}
END_TEST

/*
 * A heavy tail with parameters inside the bounds still draws beyond 1e9 s
 * now and then (this lognormal about 1.6 % of the time): those draws are
 * cut at RV_MAX_S and counted, never turned into a time that overflows.
 */
START_TEST(test_heavy_tail_draws_saturate_and_are_counted)
{
	struct rv_dist d = {.kind = RV_LOGNORMAL, .a = 1e8, .b = 1e9};
	struct rv_stream s;
	const char *why = NULL;
	uint64_t over = 0;

	ck_assert_int_eq(rv_dist_prepare(&d, &why), 0);
	ck_assert_int_eq(rv_stream_init(&s, 7, 0, RVP_TALK), 0);
	ck_assert_uint_eq(s.saturated, 0);
	for (int i = 0; i < 20000; i++) {
		rb_us x = rv_draw_us(&d, &s);

		ck_assert_int_ge(x, 0);
		ck_assert_int_le(x, RV_MAX_US);
		over += x == RV_MAX_US;
	}
	ck_assert_uint_gt(over, 100); /* about 320 expected */
	ck_assert_uint_lt(over, 700);
	ck_assert_uint_eq(s.saturated, over);
	/* a parameter the loader would refuse, set by hand: still cut */
	struct rv_dist f = {.kind = RV_FIXED, .a = 1e300};
	ck_assert_int_eq(rv_dist_prepare(&f, &why), 0);
	ck_assert_int_eq(rv_draw_us(&f, &s), RV_MAX_US);
	ck_assert(rv_draw(&f, &s) == RV_MAX_S);
	ck_assert_uint_eq(s.saturated, over + 2);
	/* never is not a draw to cut */
	struct rv_dist nv = {.kind = RV_NEVER};
	ck_assert_int_eq(rv_draw_us(&nv, &s), INT64_MAX);
	ck_assert_uint_eq(s.saturated, over + 2);
	rv_stream_free(&s);
}
END_TEST

/* Names that become file names (issue 12, item 9). */
static const struct {
	const char *text, *msg;
} bad_names[] = {
    {MINI "name: ../../../elsewhere/x\n",
     "5:7: the scenario's name '../../../elsewhere/x' starts with '.': expected a letter, a "
     "digit or '_' first (it names the result folder)"},
    {MINI "name: a/../../x\n",
     "5:7: the scenario's name 'a/../../x' holds '/' at byte 2: expected letters, digits, '-', "
     "'_' and '.' only, or non-ASCII letters (it names the result folder: "
     "results/<name>-<time>)"},
    {MINI "name: '-rf'\n",
     "5:7: the scenario's name '-rf' starts with '-': expected a letter, a digit or '_' first "
     "(it names the result folder)"},
    {MINI "name: 'a b'\n",
     "5:7: the scenario's name 'a b' holds ' ' at byte 2: expected letters, digits, '-', '_' "
     "and '.' only, or non-ASCII letters (it names the result folder: results/<name>-<time>)"},
    {MINI "name: x0123456789012345678901234567890123456789012345678901234567890123\n",
     "5:7: the scenario's name is 65 bytes: expected at most 63"},
    {"center: {operators: 1}\ntenants: [{id: a/b, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "2:16: tenant id 'a/b' holds '/' at byte 2: expected ASCII letters, digits, '-' and '_' "
     "only (it names the tenant's Maildir folder and is a field of calls.csv and queue_log)"},
    {"center: {operators: 1}\ntenants: [{id: .x, number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "2:16: tenant id '.x' holds '.' at byte 1: expected ASCII letters, digits, '-' and '_' "
     "only (it names the tenant's Maildir folder and is a field of calls.csv and queue_log)"},
    {"center: {operators: 1}\ntenants: [{id: 'a|b', number: \"1\"}]\ncallers: {talk_s: 60}\n"
     "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "2:16: tenant id 'a|b' holds '|' at byte 2: expected ASCII letters, digits, '-' and '_' "
     "only (it names the tenant's Maildir folder and is a field of calls.csv and queue_log)"},
    {"center: {operators: 1}\n"
     "tenants: [{id: Acme, number: \"1\", share: 0.5}, {id: acme, number: \"2\", share: "
     "0.5}]\ncallers: {talk_s: 60}\nload: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
     "2:53: tenant id 'acme' differs from tenant 'Acme' only in case: their Maildir folders "
     "would be one on a case-insensitive file system; give them ids that differ in letters"},
};

START_TEST(test_names_that_become_paths_are_refused)
{
	string_bad(bad_names[_i].text, bad_names[_i].msg);
}
END_TEST

START_TEST(test_good_names_load)
{
	string_ok(MINI "name: morning-burst_2.v1\n");
	string_ok(MINI "name: 朝のピーク\n");
	string_ok("center: {operators: 1}\n"
		  "tenants: [{id: a_b, number: \"1\", share: 0.5}, {id: A-b9, number: \"2\", "
		  "share: 0.5}]\ncallers: {talk_s: 60}\n"
		  "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n");
}
END_TEST

/* Seconds of CLOCK_MONOTONIC. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* MINI, then "description: " and n '[' then n ']' (line 5, from column 14). */
static char *deep(size_t n, size_t *len)
{
	size_t head = strlen(MINI "description: ");
	char *t = malloc(head + 2 * n + 2);

	ck_assert_ptr_nonnull(t);
	memcpy(t, MINI "description: ", head);
	memset(t + head, '[', n);
	memset(t + head + n, ']', n);
	t[head + 2 * n] = '\n';
	t[head + 2 * n + 1] = '\0';
	*len = head + 2 * n + 1;
	return t;
}

/*
 * 100,000 nested brackets took libyaml 37 s (quadratic in the depth):
 * refused now at the 65th level, at once. The bound is generous, so the
 * test allows 2 s (under valgrind too); it took about 1 ms.
 */
START_TEST(test_deep_nesting_refused_fast)
{
	struct scenario *s = (struct scenario *)&s;
	char err[512];
	size_t len;
	char *t = deep(100000, &len);
	double t0 = now_s();
	int rc = scn_load_string(t, len, "t.yaml", &s, err, sizeof(err));
	double took = now_s() - t0;

	ck_assert_int_eq(rc, EINVAL);
	ck_assert_str_eq(err, "t.yaml:5:77: lists and mappings nested more than 64 deep: expected "
			      "at most 64 (a scenario needs about 7)");
	ck_assert_ptr_eq(s, (struct scenario *)&s);
	ck_assert_msg(took < 2.0, "took %.3f s", took);
	free(t);
	/* 64 levels in all (the top mapping and 63 lists) pass the bound: the
	 * loader then says what description should be */
	t = deep(63, &len);
	ck_assert_int_eq(scn_load_string(t, len, "t.yaml", &s, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "t.yaml:5:14: expected a string, got a list");
	free(t);
	/* block nesting counts the same */
	char blk[20000] = MINI "description:\n";
	for (int i = 0; i < 80; i++) {
		size_t k = strlen(blk);
		memset(blk + k, ' ', (size_t)i);
		strcpy(blk + k + (size_t)i, "- \n");
	}
	ck_assert_int_eq(scn_load_string(blk, strlen(blk), "t.yaml", &s, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "t.yaml:69:64: lists and mappings nested more than 64 deep: "
			      "expected at most 64 (a scenario needs about 7)");
}
END_TEST

/* The file's size: at most 1 MiB, refused where it outgrows it. */
START_TEST(test_huge_file_refused_with_its_position)
{
	struct scenario *s = (struct scenario *)&s;
	char err[512];
	size_t n = (1u << 20) + 1;
	char *t = malloc(n + 1);

	ck_assert_ptr_nonnull(t);
	memset(t, '#', n);
	memcpy(t, MINI, strlen(MINI)); /* four lines, then a long comment */
	t[n] = '\0';
	ck_assert_int_eq(scn_load_string(t, n, "t.yaml", &s, err, sizeof(err)), EINVAL);
	ck_assert_str_eq(err, "t.yaml:5:1048448: the file is longer than 1048576 bytes (1 MiB): "
			      "expected a scenario of a few kB; put long lists of values in an "
			      "empirical_csv file");
	/* exactly 1 MiB is allowed */
	ck_assert_int_eq(scn_load_string(t, n - 1, "t.yaml", &s, err, sizeof(err)), 0);
	scn_free(s);
	free(t);
}
END_TEST

/*
 * Aliases repeat a node as often as they are written: 1000 aliases of a
 * 100,000-value list made a 450 kB file take 11 s and 810 MB. Counted with
 * their expansion, and refused past 1,000,000 values and keys, at once.
 */
START_TEST(test_alias_expansion_is_bounded)
{
	struct scenario *s = (struct scenario *)&s;
	char err[512];
	size_t cap = 600000, k;
	char *t = malloc(cap);

	ck_assert_ptr_nonnull(t);
	k = (size_t)snprintf(t, cap, "%s", MINI "description: &v [0");
	for (int i = 1; i < 100000; i++)
		k += (size_t)snprintf(t + k, cap - k, ", 0");
	k += (size_t)snprintf(t + k, cap - k, "]\n");
	for (int i = 0; i < 20; i++)
		k += (size_t)snprintf(t + k, cap - k, "a%d: *v\n", i);
	double t0 = now_s();
	ck_assert_int_eq(scn_load_string(t, k, "t.yaml", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(now_s() - t0 < 2.0, "took %.3f s", now_s() - t0);
	ck_assert_str_eq(err, "t.yaml:14:5: the scenario holds more than 1000000 values and keys, "
			      "counting each alias (*name) as the values it repeats: expected at "
			      "most 1000000; repeat less, or put long lists in an empirical_csv "
			      "file");
	ck_assert_ptr_eq(s, (struct scenario *)&s);
	free(t);
	/* an anchor used as written loads */
	string_ok("center: {operators: 1, pickup_s: &p {uniform: [2, 6]}, backup: {staff: 1, "
		  "pickup_s: *p}}\ntenants: [{id: a, number: \"1\"}]\ncallers: {talk_s: 60}\n"
		  "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scn_limits");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_every_number_is_range_checked, 0,
			    (int)(sizeof(bad_numbers) / sizeof(bad_numbers[0])));
	tcase_add_test(tc, test_the_bounds_themselves_load);
	tcase_add_test(tc, test_heavy_tail_draws_saturate_and_are_counted);
	tcase_add_loop_test(tc, test_names_that_become_paths_are_refused, 0,
			    (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_good_names_load);
	tcase_add_test(tc, test_deep_nesting_refused_fast);
	tcase_add_test(tc, test_huge_file_refused_with_its_position);
	tcase_add_test(tc, test_alias_expansion_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
