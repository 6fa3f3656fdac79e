/*
 * scn_hash: the load's fingerprint pairs scenarios that differ only in
 * staffing (or in text: comments, key order, flow style), and tells apart
 * any change of who calls and when (rate, talk, shares, patience, bursts,
 * forwarding, warm-up); a change made to the parsed struct (a sweep's rate
 * scale) hashes as the file that says it. The pairing key is the SHA-256 of
 * "<load>:<seed>:<layout>".
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv.h"
#include "scn.h"
#include "scn_hash.h"

/*
 * A template: %s for the center, %s for the tenants' extra keys, %s for
 * phase a's extra keys, then the values that are the load: phase a's rate
 * per minute, inquiry's talk mean and share, sales' share.
 */
static const char *TPL =
	"name: h\nring_period_s: 3\n"
	"center: %s\n"
	"tenants:\n"
	"  - {id: a, number: '031', name: 'A', share: 0.6, forwarding: unconditional%s}\n"
	"  - {id: b, number: '032', name: 'B', share: 0.4, forwarding: {no_answer_s: 12}}\n"
	"callers:\n"
	"  patience_s: {exponential: 30}\n"
	"  redial: {prob: 0.3, after_s: {exponential: 60}}\n"
	"  types:\n"
	"    inquiry: {share: %s, talk_s: {exponential: %s}}\n"
	"    sales: {share: %s, talk_s: {uniform: [20, 40]}, screen_prob: 0.5, screened_talk_s: 5}\n"
	"load:\n"
	"  - {phase: a, duration_s: 600, rate_per_min: %s%s}\n"
	"  - {phase: b, duration_s: 300, rate_per_min: 6, bursts: [{at_s: 30, calls: 12, within_s: 20}]}\n"
	"run: {seed: 3, warmup_s: 60}\n";

#define CENTER "{operators: 3, pickup_s: {uniform: [1, 3]}, wrapup_s: 10}"

static struct scenario *load_text(const char *text)
{
	char err[512];
	struct scenario *s = NULL;
	int e = scn_load_string(text, strlen(text), "h.yaml", &s, err, sizeof(err));
	ck_assert_msg(e == 0, "%s", err);
	return s;
}

static struct scenario *load(const char *center, const char *tenant_extra, const char *phase_extra,
			     const char *rate, const char *talk, const char *sh_inq, const char *sh_sales)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), TPL, center, tenant_extra, sh_inq, talk, sh_sales, rate, phase_extra);
	return load_text(buf);
}

static void hash_of(const struct scenario *s, char hex[65])
{
	ck_assert_int_eq(scn_load_hash(s, hex), 0);
	ck_assert_uint_eq(strlen(hex), 64);
	for (int i = 0; i < 64; i++)
		ck_assert(isxdigit((unsigned char)hex[i]) && !isupper((unsigned char)hex[i]));
}

static void base_hash(char hex[65])
{
	struct scenario *s = load(CENTER, "", "", "3", "60", "0.7", "0.3");
	hash_of(s, hex);
	scn_free(s);
}

START_TEST(test_scn_hash_staffing_changes_nothing)
{
	char h0[65], h1[65];
	base_hash(h0);
	/* operators, pick-up, wrap-up, backup and its join age, floors (and so
	 * the tenants' floors), shifts: none decides a caller. */
	struct scenario *s = load("{operators: 7, pickup_s: 0, wrapup_s: {exponential: 20},"
				  " backup: {staff: 2, join_after_rings: 1, pickup_s: 4},"
				  " layout: {floors: [4, 3]}}",
				  ", floor: 1", ", operators: 2, backup: 0", "3", "60", "0.7", "0.3");
	hash_of(s, h1);
	ck_assert_str_eq(h0, h1);
	/* The file's text differs, its sha256 too; the load's hash does not. */
	scn_free(s);
}
END_TEST

START_TEST(test_scn_hash_text_and_run_settings_change_nothing)
{
	char h0[65], h1[65];
	base_hash(h0);
	char buf[4096], body[4096];
	snprintf(body, sizeof(body), TPL, CENTER, "", "0.7", "60", "0.3", "3", "");
	/* A comment, another seed, more replications and a target. */
	char *run = strstr(body, "run: {seed: 3, warmup_s: 60}\n");
	ck_assert_ptr_nonnull(run);
	snprintf(buf, sizeof(buf), "# a comment\n%.*srun: {warmup_s: 60, seed: 99, replications: 5}\n"
		 "targets:\n  - {rings: 3, min: 0.8}\n", (int)(run - body), body);
	struct scenario *s = load_text(buf);
	hash_of(s, h1);
	ck_assert_str_eq(h0, h1);
	ck_assert_str_ne(s->sha256, "");
	scn_free(s);
}
END_TEST

/* Variants of the load, each a changed hash. */
static const struct {
	const char *rate, *talk, *sh_inq, *sh_sales;
} load_changes[] = {
	{"4", "60", "0.7", "0.3"},   /* rate */
	{"3", "61", "0.7", "0.3"},   /* talk mean */
	{"3", "60", "0.6", "0.4"},   /* caller shares */
	{"3.0000001", "60", "0.7", "0.3"}, /* a rate changed in its 8th digit */
};

START_TEST(test_scn_hash_load_changes_change_it)
{
	char h0[65], h1[65];
	base_hash(h0);
	struct scenario *s = load(CENTER, "", "", load_changes[_i].rate, load_changes[_i].talk,
				  load_changes[_i].sh_inq, load_changes[_i].sh_sales);
	hash_of(s, h1);
	ck_assert_str_ne(h0, h1);
	scn_free(s);
}
END_TEST

/* Other load edits, by replacing text in the base file. */
static const struct {
	const char *from, *to;
} text_changes[] = {
	{"patience_s: {exponential: 30}", "patience_s: {exponential: 31}"},
	{"redial: {prob: 0.3,", "redial: {prob: 0.4,"},
	{"calls: 12,", "calls: 13,"},
	{"no_answer_s: 12", "no_answer_s: 13"},
	{"warmup_s: 60", "warmup_s: 0"},
	{"screen_prob: 0.5", "screen_prob: 0.6"},
	{"{id: a,", "{id: aa,"},
	{"share: 0.6, forwarding", "share: 0.5, forwarding"},
	{"ring_period_s: 3", "ring_period_s: 4"},
	{"duration_s: 300", "duration_s: 301"},
};

START_TEST(test_scn_hash_other_load_edits_change_it)
{
	char h0[65], h1[65], body[4096], buf[4096];
	base_hash(h0);
	snprintf(body, sizeof(body), TPL, CENTER, "", "0.7", "60", "0.3", "3", "");
	if (_i == 7) {
		/* the tenants' shares must still sum to 1 */
		char *b = strstr(body, "share: 0.4,");
		ck_assert_ptr_nonnull(b);
		memcpy(b, "share: 0.5,", 11);
	}
	char *at = strstr(body, text_changes[_i].from);
	ck_assert_msg(at != NULL, "%s", text_changes[_i].from);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - body), body, text_changes[_i].to,
		 at + strlen(text_changes[_i].from));
	struct scenario *s = load_text(buf);
	hash_of(s, h1);
	ck_assert_msg(strcmp(h0, h1) != 0, "unchanged by %s", text_changes[_i].to);
	scn_free(s);
}
END_TEST

START_TEST(test_scn_hash_struct_override_hashes_as_run)
{
	/* A sweep scales the parsed rates: hashed as the file that says them. */
	char h0[65], h1[65];
	struct scenario *s = load(CENTER, "", "", "3", "60", "0.7", "0.3");
	s->phases[0].rate_per_s *= 2;
	hash_of(s, h0);
	scn_free(s);
	s = load(CENTER, "", "", "6", "60", "0.7", "0.3");
	hash_of(s, h1);
	ck_assert_str_eq(h0, h1);
	scn_free(s);
}
END_TEST

START_TEST(test_scn_pairing_key)
{
	char zero[65], k[65], k2[65];
	memset(zero, '0', 64);
	zero[64] = '\0';
	/* sha256("000...0:1:2"), by Python's hashlib */
	ck_assert_int_eq(scn_pairing_key(zero, 1, 2, k), 0);
	ck_assert_str_eq(k, "da5ba42baa85153643753d7d20a17ea1dc8bbf2e99a350ee79d473ae09350fb8");
	ck_assert_int_eq(scn_pairing_key(zero, 2, 2, k2), 0);
	ck_assert_str_ne(k, k2);
	ck_assert_int_eq(scn_pairing_key(zero, 1, RV_STREAM_LAYOUT + 1, k2), 0);
	ck_assert_str_ne(k, k2);
	ck_assert_int_eq(scn_pairing_key(NULL, 1, 2, k), EINVAL);
	ck_assert_int_eq(scn_load_hash(NULL, k), EINVAL);
}
END_TEST

static Suite *scn_hash_suite(void)
{
	Suite *su = suite_create("scn_hash");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_scn_hash_staffing_changes_nothing);
	tcase_add_test(tc, test_scn_hash_text_and_run_settings_change_nothing);
	tcase_add_loop_test(tc, test_scn_hash_load_changes_change_it, 0,
			    (int)(sizeof(load_changes) / sizeof(load_changes[0])));
	tcase_add_loop_test(tc, test_scn_hash_other_load_edits_change_it, 0,
			    (int)(sizeof(text_changes) / sizeof(text_changes[0])));
	tcase_add_test(tc, test_scn_hash_struct_override_hashes_as_run);
	tcase_add_test(tc, test_scn_pairing_key);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(scn_hash_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
