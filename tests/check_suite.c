/*
 * check_suite: a suite entry read back from its summary.json
 * (suite_collect) and written as JUnit (suite_junit): an undecided target
 * and a run capped at inconclusive (a live schedule not kept) are
 * <failure type="inconclusive"> saying why, never an <error>; the exit
 * statuses rank 3 > 1 > 4 > 0.
 */
#include <check.h>
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

static Suite *suite_suite(void)
{
	Suite *su = suite_create("suite");
	TCase *tc = tcase_create("suite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_capped_run_is_an_inconclusive_failure_in_junit);
	tcase_add_test(tc, test_old_pass_field_still_read);
	tcase_add_test(tc, test_exit_status_ranks);
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
