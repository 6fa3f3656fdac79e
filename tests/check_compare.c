/*
 * compare: identical folders agree, clearly different ones do not, too few
 * calls are said, and a folder without a valid summary.json is bad input.
 * The folders are written with the summary module from calls drawn with a
 * fixed seed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "commands.h"
#include "compare.h"
#include "summary.h"

#define S(x) ((rb_us)((x) * RB_US_PER_S))

static struct scn_tenant tenant = {.id = "t0", .forwarding = FWD_UNCONDITIONAL};
static struct scn_phase phase = {.name = "day", .start = 0, .duration = S(3600)};

static uint64_t rng_state;
static double unif(void)
{
	/* xorshift64*: enough for test data */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/*
 * Writes DIR/summary.json: reps replications of n calls each; a call is
 * answered within one ring with probability fast, else after 10 s; 5 % abandon.
 */
static void make_folder(const char *name, uint64_t seed, double fast, int reps, int n,
			char *dir, size_t dlen)
{
	struct scenario scn;
	memset(&scn, 0, sizeof(scn));
	scn.name = "cmp";
	scn.ring_period = S(3);
	scn.tenants = &tenant;
	scn.n_tenants = 1;
	scn.phases = &phase;
	scn.n_phases = 1;
	scn.end = S(3600);
	snprintf(dir, dlen, "%s/check_compare_%s", RB_BINARY_DIR, name);
	mkdir(dir, 0755);
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .seed = seed,
				 .replications = reps, .t0_epoch = RB_T_NONE};
	struct summary *s = summary_new(&o);
	ck_assert_ptr_nonnull(s);
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (int r = 0; r < reps; r++) {
		struct summary_rep *h = summary_rep(s, r);
		for (int i = 0; i < n; i++) {
			struct callrec c;
			callrec_init(&c);
			c.tenant_idx = 0;
			c.forwarding = FWD_UNCONDITIONAL;
			c.no_answer = 0;
			c.phase = 0;
			c.t_dial = (rb_us)(unif() * S(3600));
			c.t_invite = c.t_dial;
			if (unif() < 0.05) {
				c.outcome = OUTCOME_ABANDONED;
				c.t_cancel = c.t_invite + S(20);
			} else {
				c.outcome = OUTCOME_ANSWERED;
				c.t_answer = c.t_invite + (unif() < fast ? S(1) : S(10));
			}
			callrec_derive(&c, scn.ring_period);
			summary_rep_call(h, &c);
		}
	}
	ck_assert_int_eq(summary_finish(s), 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	ck_assert_int_eq(summary_write_json(s, path), 0);
	summary_free(s);
}

static int run(const char *a, const char *b, const char *extra)
{
	char *argv[6] = {"compare", (char *)a, (char *)b, NULL, NULL, NULL};
	int argc = 3;
	if (extra) {
		argv[argc++] = "--measures";
		argv[argc++] = (char *)extra;
	}
	return cmd_compare(argc, argv);
}

static char *result_text(const char *a, const char *b, struct cmp_result *r)
{
	json_t *ja, *jb;
	char err[512];
	ck_assert_int_eq(compare_load(a, &ja, err, sizeof(err)), 0);
	ck_assert_int_eq(compare_load(b, &jb, err, sizeof(err)), 0);
	struct cmp_opts o = {0};
	ck_assert_int_eq(compare_run(ja, jb, &o, r), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	compare_print(r, a, b, f);
	fclose(f);
	json_decref(ja);
	json_decref(jb);
	return buf;
}

START_TEST(test_compare_identical_folders_agree)
{
	char a[256], b[256];
	make_folder("same_a", 11, 0.8, 5, 400, a, sizeof(a));
	make_folder("same_b", 11, 0.8, 5, 400, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 0);
	struct cmp_result r;
	char *t = result_text(a, b, &r);
	ck_assert_uint_eq(r.n_different, 0);
	/* no targets, so every measure: 4 × 10 levels, 2 abandon fractions,
	 * wait mean (occupancy is null here: not time-weighted); the phase is
	 * the whole run, so its rows repeat overall's and are judged once */
	ck_assert_uint_eq(r.n_judged, 43);
	ck_assert_msg(strstr(t, "result: no real difference among the 43") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "as above (overall.sla.3)") != NULL, "%s", t);
	free(t);
	cmp_result_free(&r);
}
END_TEST

START_TEST(test_compare_another_seed_same_load_agrees)
{
	/* Independent runs of the same load: a false alarm has probability
	 * below 1 % by construction (Holm); the seeds are fixed. The rate
	 * itself is measured over many seeds in check_verdicts. */
	char a[256], b[256];
	make_folder("seed_a", 21, 0.8, 5, 400, a, sizeof(a));
	make_folder("seed_b", 22, 0.8, 5, 400, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 0);
	/* one replication each: batch means */
	make_folder("seed1_a", 23, 0.8, 1, 4000, a, sizeof(a));
	make_folder("seed1_b", 24, 0.8, 1, 4000, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 0);
}
END_TEST

START_TEST(test_compare_clear_difference_exits_1)
{
	char a[256], b[256];
	make_folder("diff_a", 31, 0.9, 5, 400, a, sizeof(a));
	make_folder("diff_b", 32, 0.6, 5, 400, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 1);
	ck_assert_int_eq(run(a, b, "sla.1"), 1);
	/* the wait mean alone: 0.9·1 + 0.1·10 against 0.6·1 + 0.4·10 */
	ck_assert_int_eq(run(a, b, "wait_s.mean"), 1);
	struct cmp_result r;
	char *t = result_text(a, b, &r);
	ck_assert_msg(strstr(t, "overall.sla.1") && strstr(t, "DIFFERENT"), "%s", t);
	/* 4 rings and more: everyone answered within 10 s, no difference */
	for (size_t i = 0; i < r.n_rows; i++)
		if (!strcmp(r.rows[i].measure, "overall.sla.4"))
			ck_assert_int_eq(r.rows[i].status, CMP_SAME);
	free(t);
	cmp_result_free(&r);
	/* and with one replication each (batch means) */
	make_folder("diff1_a", 33, 0.9, 1, 3000, a, sizeof(a));
	make_folder("diff1_b", 34, 0.6, 1, 3000, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 1);
}
END_TEST

START_TEST(test_compare_too_few_calls_is_said)
{
	char a[256], b[256];
	make_folder("few_a", 41, 0.9, 3, 8, a, sizeof(a));   /* 24 calls */
	make_folder("few_b", 42, 0.2, 3, 400, b, sizeof(b));
	ck_assert_int_eq(run(a, b, NULL), 4); /* nothing judged: cannot tell, not "same" */
	struct cmp_result r;
	char *t = result_text(a, b, &r);
	ck_assert_uint_eq(r.n_judged, 0);
	ck_assert_uint_gt(r.n_too_few, 0);
	ck_assert_msg(strstr(t, "too few calls to tell (24 and 1200 calls)") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "result: cannot tell") != NULL, "%s", t);
	free(t);
	cmp_result_free(&r);
}
END_TEST

START_TEST(test_compare_bad_folders_exit_2)
{
	char a[256], bad[256], path[512];
	make_folder("ok", 51, 0.8, 2, 100, a, sizeof(a));
	snprintf(bad, sizeof(bad), "%s/check_compare_missing_dir", RB_BINARY_DIR);
	ck_assert_int_eq(run(a, bad, NULL), 2);
	ck_assert_int_eq(run(bad, a, NULL), 2);
	json_t *j;
	char err[1024];
	ck_assert_int_ne(compare_load(bad, &j, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "check_compare_missing_dir/summary.json") != NULL, "%s", err);

	snprintf(bad, sizeof(bad), "%s/check_compare_broken", RB_BINARY_DIR);
	mkdir(bad, 0755);
	snprintf(path, sizeof(path), "%s/summary.json", bad);
	FILE *f = fopen(path, "w");
	fputs("{\"overall\": {\n", f);
	fclose(f);
	ck_assert_int_eq(run(a, bad, NULL), 2);
	ck_assert_int_ne(compare_load(bad, &j, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "summary.json:") != NULL, "%s", err);

	f = fopen(path, "w");
	fputs("{\"engine\": \"model\"}\n", f);
	fclose(f);
	ck_assert_int_eq(run(a, bad, NULL), 2);
	ck_assert_int_eq(run(a, a, "no_such_measure"), 2);
	char *argv[] = {"compare", a, NULL};
	ck_assert_int_eq(cmd_compare(2, argv), 2);
}
END_TEST

START_TEST(test_compare_json_output)
{
	char a[256], b[256], out[512];
	make_folder("json_a", 61, 0.9, 3, 300, a, sizeof(a));
	make_folder("json_b", 62, 0.5, 3, 300, b, sizeof(b));
	snprintf(out, sizeof(out), "%s/check_compare.json", RB_BINARY_DIR);
	/* three replications a folder: Welch's df is about 2, so one measure
	 * (over 43, Holm would need p < 0.00023, a t of about 30) */
	char *argv[] = {"compare", a, b, "--json", out, "--measures", "sla.1", NULL};
	ck_assert_int_eq(cmd_compare(7, argv), 1);
	json_error_t e;
	json_t *j = json_load_file(out, 0, &e);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_gt(json_integer_value(json_object_get(j, "differences")), 0);
	ck_assert(json_is_array(json_object_get(j, "rows")));
	json_decref(j);
}
END_TEST

static Suite *compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_compare_identical_folders_agree);
	tcase_add_test(tc, test_compare_another_seed_same_load_agrees);
	tcase_add_test(tc, test_compare_clear_difference_exits_1);
	tcase_add_test(tc, test_compare_too_few_calls_is_said);
	tcase_add_test(tc, test_compare_bad_folders_exit_2);
	tcase_add_test(tc, test_compare_json_output);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compare_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
