/*
 * check_suite: a suite entry read back from its summary.json
 * (suite_collect) and written as JUnit (suite_junit): an undecided target
 * and a run capped at inconclusive (a live schedule not kept) are
 * <failure type="inconclusive"> saying why, never an <error>; the exit
 * statuses rank 3 > 1 > 4 > 0. A run's targets: replace the scenario's
 * (checked when the file is read), and expect: fail|inconclusive makes a
 * run that ends so pass the suite, JUnit saying so.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_suite.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *name, const char *text, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char *b = calloc(1, 1 << 16);
	size_t n = fread(b, 1, (1 << 16) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* A live run whose targets passed but whose schedule slipped. */
static const char capped_json[] =
	"{\"verdict\": \"inconclusive\", \"error\": null,\n"
	" \"inconclusive_reasons\": [\"schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms\"],\n"
	" \"schedule\": {\"kept\": false, \"invites\": 40, \"lateness_p50_ms\": 2.5,\n"
	"   \"lateness_p99_ms\": 16.4, \"lateness_max_ms\": 20, \"limit_ms\": 10, \"replication\": 0},\n"
	" \"targets\": [{\"kind\": \"rings\", \"rings\": 3, \"min\": 0.5, \"measure\": \"sla\",\n"
	"   \"count\": \"center\", \"phase\": null, \"measured\": 0.9, \"ci95\": [0.85, 0.95],\n"
	"   \"pass\": true, \"result\": \"pass\"},\n"
	"  {\"kind\": \"abandon_max\", \"abandon_max\": 0.1, \"phase\": null, \"measured\": 0.08,\n"
	"   \"ci95\": [0.04, 0.12], \"pass\": null, \"result\": \"inconclusive\",\n"
	"   \"note\": \"the interval straddles the target\"}]}\n";

START_TEST(test_capped_run_is_an_inconclusive_failure_in_junit)
{
	char path[128], xml[128];
	put("summary.json", capped_json, path, sizeof(path));
	struct suite_entry e = {.name = "live-run", .scenario = "x.yaml", .engine = SUITE_LIVE,
				.exit_code = 4};
	suite_collect(&e, path);
	ck_assert_str_eq(e.verdict, "inconclusive");
	ck_assert_uint_eq(e.n_targets, 2);
	ck_assert_int_eq(e.targets[0].result, SUITE_PASS);
	ck_assert_int_eq(e.targets[1].result, SUITE_INCONCLUSIVE);
	ck_assert_str_eq(e.targets[1].note, "the interval straddles the target");
	ck_assert_ptr_nonnull(strstr(e.reasons, "schedule not kept"));
	ck_assert_str_eq(e.schedule, "INVITE lateness p50 2.50 ms, p99 16.40 ms, limit 10.00 ms: not kept");

	struct suite s = {.name = "t", .entries = &e, .n = 1};
	snprintf(xml, sizeof(xml), "%s/junit.xml", tmpdir);
	ck_assert_int_eq(suite_junit(&s, xml), 0);
	char *x = slurp(xml);
	ck_assert_ptr_null(strstr(x, "<error"));
	ck_assert_ptr_nonnull(strstr(x, "tests=\"2\" failures=\"2\" errors=\"0\""));
	/* the passed target of a capped run: inconclusive, for the run's reason */
	ck_assert_ptr_nonnull(strstr(x, "<failure type=\"inconclusive\" message=\"inconclusive: measured "
					"0.9000 (95 % CI 0.8500 to 0.9500); schedule not kept: INVITE "
					"lateness p99 16.4 ms over its limit 10 ms\"/>"));
	/* the undecided target: its own note, then the run's reason */
	ck_assert_ptr_nonnull(strstr(x, "0.0800 (95 % CI 0.0400 to 0.1200): the interval straddles the "
					"target; schedule not kept"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"schedule\" value=\"INVITE lateness p50 2.50 ms, "
					"p99 16.40 ms, limit 10.00 ms: not kept\"/>"));
	ck_assert_ptr_nonnull(strstr(x, "<property name=\"verdict\" value=\"inconclusive\"/>"));
	free(x);

	FILE *out = fopen("/dev/null", "w");
	suite_print(&s, out);
	fclose(out);
	free(e.targets);
}
END_TEST

/* Files written before results had three values: "pass" true / false / null. */
START_TEST(test_old_pass_field_still_read)
{
	char path[128];
	put("summary.json",
	    "{\"verdict\": \"fail\", \"targets\": [{\"kind\": \"rings\", \"measured\": 0.2, \"pass\": false},"
	    " {\"kind\": \"rings\", \"measured\": 0.9, \"pass\": true}, {\"kind\": \"rings\", \"pass\": null}]}",
	    path, sizeof(path));
	struct suite_entry e = {.name = "old", .scenario = "x.yaml", .exit_code = 1};
	suite_collect(&e, path);
	ck_assert_uint_eq(e.n_targets, 3);
	ck_assert_int_eq(e.targets[0].result, SUITE_FAIL);
	ck_assert_int_eq(e.targets[1].result, SUITE_PASS);
	ck_assert_int_eq(e.targets[2].result, SUITE_INCONCLUSIVE);
	ck_assert_str_eq(e.reasons, "");
	ck_assert_str_eq(e.schedule, "");
	free(e.targets);
}
END_TEST

START_TEST(test_exit_status_ranks)
{
	ck_assert_int_eq(suite_worse(0, 4), 4);
	ck_assert_int_eq(suite_worse(4, 1), 1);
	ck_assert_int_eq(suite_worse(1, 4), 1);
	ck_assert_int_eq(suite_worse(1, 3), 3);
	ck_assert_int_eq(suite_worse(3, 4), 3);
	ck_assert_int_eq(suite_worse(4, 0), 4);
}
END_TEST

/* A suite file in tmpdir with one run on morning-burst (phases normal, peak) plus extra. */
static int load_one(const char *extra, struct suite **s, char *err, size_t n)
{
	char text[1024], path[128];
	snprintf(text, sizeof(text),
		 "name: t\nruns:\n  - {name: r, scenario: %s/scenarios/morning-burst.yaml%s}\n",
		 RB_SOURCE_DIR, extra);
	put("s.yaml", text, path, sizeof(path));
	err[0] = '\0';
	return suite_load(path, s, err, n);
}

START_TEST(test_targets_override_read_and_checked)
{
	struct suite *s = NULL;
	char err[1024];
	ck_assert_int_eq(load_one(", targets: [peak:5:0.9, \"3:0.8:sl\"]", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->entries[0].n_targets_arg, 2);
	ck_assert_str_eq(s->entries[0].targets_arg[0], "peak:5:0.9");
	ck_assert_str_eq(s->entries[0].targets_arg[1], "3:0.8:sl");
	ck_assert_int_eq(s->entries[0].expect, SUITE_PASS);
	suite_free(s);
	/* one target as a plain string */
	ck_assert_int_eq(load_one(", targets: 5:0.9", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->entries[0].n_targets_arg, 1);
	suite_free(s);
	/* a phase the scenario lacks: refused at load, with its phases */
	s = NULL;
	ck_assert_int_eq(load_one(", targets: [lunch:5:0.9]", &s, err, sizeof(err)), EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "s.yaml:3:5: targets: 'lunch:5:0.9': no phase 'lunch' in "
				  "morning-burst; its phases: normal, peak"),
		      "%s", err);
	/* a malformed one: the shared parser's message, at the target */
	ck_assert_int_eq(load_one(", targets: [5:1.9]", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "'5:1.9': expected [PHASE:]K:F[:MEASURE]"), "%s", err);
	ck_assert_int_eq(load_one(", targets: []", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "at least one"), "%s", err);
}
END_TEST

START_TEST(test_expect_read_and_misspelt_key_suggested)
{
	struct suite *s = NULL;
	char err[1024];
	ck_assert_int_eq(load_one(", expect: fail", &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s->entries[0].expect, SUITE_FAIL);
	suite_free(s);
	ck_assert_int_eq(load_one(", expect: inconclusive", &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s->entries[0].expect, SUITE_INCONCLUSIVE);
	suite_free(s);
	ck_assert_int_eq(load_one(", expect: maybe", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "expected expect: pass, fail or inconclusive"), "%s", err);
	ck_assert_int_eq(load_one(", expcet: fail", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "unknown key 'expcet'; did you mean 'expect'?"), "%s", err);
}
END_TEST

START_TEST(test_server_for_live_runs_only)
{
	struct suite *s = NULL;
	char err[1024];
	ck_assert_int_eq(load_one(", engine: live, server: 127.0.0.1:5060", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s->entries[0].server, "127.0.0.1:5060");
	suite_free(s);
	ck_assert_int_eq(load_one(", server: 127.0.0.1:5060", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "server is for live runs only"), "%s", err);
	ck_assert_int_eq(load_one(", engine: live, server: nowhere", &s, err, sizeof(err)), EINVAL);
	ck_assert_msg(strstr(err, "expected server: HOST:PORT"), "%s", err);
	ck_assert_int_eq(
	    load_one(", engine: live, server: 127.0.0.1:5060, speedup: 10", &s, err, sizeof(err)),
	    EINVAL);
	ck_assert_msg(strstr(err, "speedup cannot be used with server"), "%s", err);
}
END_TEST

START_TEST(test_expect_decides_the_entry_status)
{
	struct {
		enum suite_result expect;
		const char *verdict;
		int exit_code, want;
	} c[] = {
		{SUITE_PASS, "pass", 0, 0},	      {SUITE_PASS, "fail", 1, 1},
		{SUITE_PASS, "inconclusive", 4, 4},   {SUITE_PASS, "error", 3, 3},
		{SUITE_FAIL, "fail", 1, 0},	      {SUITE_FAIL, "pass", 0, 1},
		{SUITE_FAIL, "inconclusive", 4, 4},   {SUITE_FAIL, "error", 3, 3},
		{SUITE_INCONCLUSIVE, "inconclusive", 4, 0}, {SUITE_INCONCLUSIVE, "pass", 0, 1},
		{SUITE_INCONCLUSIVE, "fail", 1, 1},   {SUITE_INCONCLUSIVE, "error", 2, 3},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct suite_entry e = {.expect = c[i].expect, .exit_code = c[i].exit_code};
		snprintf(e.verdict, sizeof(e.verdict), "%s", c[i].verdict);
		ck_assert_msg(suite_entry_status(&e) == c[i].want, "expect %s, %s: %d, want %d",
			      suite_result_name(c[i].expect), c[i].verdict, suite_entry_status(&e),
			      c[i].want);
	}
}
END_TEST

START_TEST(test_expected_failure_passes_in_junit)
{
	char path[128], xml[128];
	put("summary.json",
	    "{\"verdict\": \"fail\", \"targets\": [{\"kind\": \"rings\", \"rings\": 5, \"min\": 0.95,"
	    " \"measure\": \"sla\", \"phase\": \"peak\", \"measured\": 0.2, \"ci95\": [0.1, 0.3],"
	    " \"result\": \"fail\"}]}",
	    path, sizeof(path));
	struct suite_entry e[2] = {
		{.name = "understaffed", .scenario = "x.yaml", .exit_code = 1, .expect = SUITE_FAIL},
		{.name = "not-so", .scenario = "x.yaml", .exit_code = 0, .expect = SUITE_FAIL},
	};
	suite_collect(&e[0], path);
	put("summary2.json",
	    "{\"verdict\": \"pass\", \"targets\": [{\"kind\": \"rings\", \"rings\": 3, \"min\": 0.5,"
	    " \"measure\": \"sla\", \"phase\": null, \"measured\": 0.9, \"ci95\": [0.85, 0.95],"
	    " \"result\": \"pass\"}]}",
	    path, sizeof(path));
	suite_collect(&e[1], path);
	ck_assert_int_eq(suite_entry_status(&e[0]), 0);
	ck_assert_int_eq(suite_entry_status(&e[1]), 1);
	struct suite s = {.name = "t", .entries = e, .n = 2};
	snprintf(xml, sizeof(xml), "%s/junit.xml", tmpdir);
	ck_assert_int_eq(suite_junit(&s, xml), 0);
	char *x = slurp(xml);
	ck_assert_msg(strstr(x, "<testsuites name=\"t\" tests=\"2\" failures=\"1\" errors=\"0\""), "%s", x);
	ck_assert_msg(strstr(x, "<testsuite name=\"understaffed\" tests=\"1\" failures=\"0\""), "%s", x);
	ck_assert_msg(strstr(x, "<system-out>expected fail, and the run ended fail: missed: measured "
				"0.2000 (95 % CI 0.1000 to 0.3000)</system-out>"),
		      "%s", x);
	ck_assert_msg(strstr(x, "<property name=\"expect\" value=\"fail\"/>"), "%s", x);
	ck_assert_msg(strstr(x, "<failure type=\"unexpected\" message=\"expected fail, but the run "
				"passed: met: measured 0.9000"),
		      "%s", x);
	free(x);
	FILE *out = tmpfile();
	suite_print(&s, out);
	rewind(out);
	char table[2048];
	size_t k = fread(table, 1, sizeof(table) - 1, out);
	table[k] = '\0';
	fclose(out);
	ck_assert_msg(strstr(table, "expected fail: counts as passed"), "%s", table);
	ck_assert_msg(strstr(table, "expected fail: not so"), "%s", table);
	free(e[0].targets);
	free(e[1].targets);
}
END_TEST

static Suite *suite_suite(void)
{
	Suite *su = suite_create("suite");
	TCase *tc = tcase_create("suite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_capped_run_is_an_inconclusive_failure_in_junit);
	tcase_add_test(tc, test_old_pass_field_still_read);
	tcase_add_test(tc, test_exit_status_ranks);
	tcase_add_test(tc, test_targets_override_read_and_checked);
	tcase_add_test(tc, test_expect_read_and_misspelt_key_suggested);
	tcase_add_test(tc, test_server_for_live_runs_only);
	tcase_add_test(tc, test_expect_decides_the_entry_status);
	tcase_add_test(tc, test_expected_failure_passes_in_junit);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(suite_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
