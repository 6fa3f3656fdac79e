/*
 * rbjson_dumps_sorted against jansson's json_dumps with the same flags:
 * the same bytes for reals of every kind (random bit patterns, the plain
 * range's edges, ties at the 17th digit, integers, signs and zeros, tiny,
 * huge and subnormal values), integers, strings with escapes and UTF-8,
 * keys sorted bytewise, empty and nested containers, and another indent
 * and precision (summary.json's writer relies on it: core/summary_json.c).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rbjson.h"

static void same(const json_t *j, int indent, int prec)
{
	char *a = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(indent) | JSON_REAL_PRECISION(prec));
	size_t len = 0;
	char *b = rbjson_dumps_sorted(j, indent, prec, &len);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(len, strlen(b));
	if (strcmp(a, b)) {
		/* the first difference, to say which value */
		size_t i = 0;
		while (a[i] && a[i] == b[i])
			i++;
		size_t from = i > 40 ? i - 40 : 0;
		ck_abort_msg("differ at byte %zu: jansson \"%.60s\", rbjson \"%.60s\"", i, a + from,
			     b + from);
	}
	free(a);
	free(b);
}

static uint64_t rnd_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

/* Reals in an array, written at precision 16 (and 17 and 10, the fallback). */
static void reals_same(const double *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	same(a, 1, 16);
	same(a, 2, 17);
	same(a, 1, 10);
	json_decref(a);
}

START_TEST(test_reals_random_bits)
{
	enum { N = 20000 };
	double *v = malloc(N * sizeof(*v));
	size_t n = 0;
	while (n < N) {
		uint64_t b = rnd();
		double x;
		memcpy(&x, &b, sizeof(x));
		if (isfinite(x))
			v[n++] = x;
	}
	reals_same(v, n);
	free(v);
}
END_TEST

START_TEST(test_reals_plain_range)
{
	/* summary.json's figures: fractions, seconds, counts as reals */
	enum { N = 40000 };
	double *v = malloc(N * sizeof(*v));
	for (size_t i = 0; i < N; i++) {
		double u = (double)(rnd() >> 11) / 9007199254740992.0;
		int k = (int)(rnd() % 23) - 6; /* 1e-6 .. 1e16 */
		v[i] = u * pow(10, k);
		if (i % 3 == 0)
			v[i] = (double)(rnd() % 1000000) / (double)(1 + rnd() % 1000); /* ratios */
		if (i % 7 == 0)
			v[i] = -v[i];
		if (i % 11 == 0)
			v[i] = (double)(int64_t)(rnd() % 100000000); /* whole numbers */
	}
	reals_same(v, N);
	free(v);
}
END_TEST

START_TEST(test_reals_edges)
{
	double v[400];
	size_t n = 0;
	const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.7, 1e-4, 1e-5, 9.9999999999999995e-5,
				0.00010000000000000001, 1e15, 1e16, 9999999999999998.0,
				9999999999999999.0, 1e16 - 1, 1e17, 123456789012345.67,
				1234567890123456.5, 1234567890123457.5, 0.30000000000000004,
				2.5e-5, 12500.0, 500000.0, DBL_MAX, -DBL_MAX, DBL_MIN, 4.9e-324,
				1e300, 1e-300, 1.7976931348623157e308, 0.975312345678901234,
				1700000000.25, 3.0, 3.0000000000000004};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		v[n++] = fixed[i];
	/* around each power of ten of the plain range, one ulp either side */
	for (int k = -6; k <= 17; k++) {
		double p = pow(10, k);
		v[n++] = p;
		v[n++] = nextafter(p, 0);
		v[n++] = nextafter(p, INFINITY);
	}
	/* ties at the 17th digit: odd multiples of 0.5 past 2^50 (exact) */
	for (int i = 0; i < 40; i++)
		v[n++] = 1125899906842624.0 + (double)(2 * i + 1) * 0.5;
	/* and the same ties scaled by powers of two */
	for (int i = 0; i < 40; i++)
		v[n++] = ldexp(1125899906842624.0 + (double)(2 * i + 1) * 0.5, -(i % 40) - 1);
	reals_same(v, n);
}
END_TEST

START_TEST(test_objects_strings_integers)
{
	json_t *o = json_object();
	json_object_set_new(o, "b", json_integer(-9223372036854775807LL - 1));
	json_object_set_new(o, "a", json_integer(9223372036854775807LL));
	json_object_set_new(o, "10", json_integer(0));
	json_object_set_new(o, "1", json_integer(-7));
	json_object_set_new(o, "31+", json_null());
	json_object_set_new(o, "2", json_true());
	json_object_set_new(o, "ab", json_false());
	json_object_set_new(o, "empty_o", json_object());
	json_object_set_new(o, "empty_a", json_array());
	json_object_set_new(o, "s", json_string("tab\there \"q\" back\\slash /slash\n\r\b\f\x01\x1f\x7f"));
	json_object_set_new(o, "utf8 ベンチ商会", json_string("ベンチ商会 é"));
	json_t *in = json_pack("{s:[f,f,null], s:{s:{s:[]}}}", "ci", 0.25, 1.0 / 3, "deep", "x",
			       "y");
	json_object_set_new(o, "nested", in);
	json_t *arr = json_array();
	for (int i = 0; i < 100; i++) {
		json_t *e = json_object();
		char key[16];
		snprintf(key, sizeof(key), "k%d", (int)(rnd() % 1000));
		json_object_set_new(e, key, json_real((double)i / 7));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "arr", arr);
	/* more keys than the sort's stack array */
	json_t *big = json_object();
	for (int i = 0; i < 300; i++) {
		char key[16];
		snprintf(key, sizeof(key), "%d", i);
		json_object_set_new(big, key, json_integer(i));
	}
	json_object_set_new(o, "big", big);
	same(o, 1, 16);
	same(o, 3, 16);
	json_decref(o);
	json_t *a = json_array();
	same(a, 1, 16);
	json_decref(a);
	ck_assert_ptr_null(rbjson_dumps_sorted(json_integer(3), 1, 16, NULL)); /* not a container */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rbjson_dump");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reals_random_bits);
	tcase_add_test(tc, test_reals_plain_range);
	tcase_add_test(tc, test_reals_edges);
	tcase_add_test(tc, test_objects_strings_integers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
