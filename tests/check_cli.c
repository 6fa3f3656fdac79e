/*
 * cli: "did you mean" (edit distance, the closest name, the unknown-option
 * message) and the renamed flags of issue 16: --target is a service-level
 * target everywhere, the SIP server under test is --server HOST:PORT, and
 * the old spellings are refused (live, onboard) or noted (analyze --targets).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

/* Runs fn with stderr into a buffer; returns its status, the text in buf. */
static int run_err(int (*fn)(int, char **), int argc, char **argv, char *buf, size_t n)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	ck_assert_ptr_nonnull(tmp);
	dup2(fileno(tmp), 2);
	int rc = fn(argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t k = fread(buf, 1, n - 1, tmp);
	buf[k] = '\0';
	fclose(tmp);
	return rc;
}

START_TEST(test_cli_distance_counts_a_swap_as_one)
{
	ck_assert_int_eq(cli_distance("model", "model"), 0);
	ck_assert_int_eq(cli_distance("modle", "model"), 1); /* swap */
	ck_assert_int_eq(cli_distance("replicatons", "replications"), 1);
	ck_assert_int_eq(cli_distance("sed", "seed"), 1);
	ck_assert_int_eq(cli_distance("", "abc"), 3);
	ck_assert_int_eq(cli_distance("kitten", "sitting"), 3);
	ck_assert_int_eq(cli_distance("ca", "abc"), 3); /* optimal string alignment, not full DL */
}
END_TEST

START_TEST(test_cli_closest_within_two_or_a_prefix)
{
	static const char *const cmds[] = {"analyze", "compare", "erlang", "live",  "model",
					   "onboard", "report",	 "suite",  "sweep", NULL};
	ck_assert_str_eq(cli_closest("modle", cmds), "model");
	ck_assert_str_eq(cli_closest("swep", cmds), "sweep");
	ck_assert_str_eq(cli_closest("analyse", cmds), "analyze");
	ck_assert_str_eq(cli_closest("onb", cmds), "onboard"); /* a prefix */
	ck_assert_ptr_null(cli_closest("xyzzy", cmds));
	ck_assert_ptr_null(cli_closest("m", cmds)); /* one letter is no prefix */
	ck_assert_ptr_null(cli_closest("", NULL));
}
END_TEST

START_TEST(test_cli_unknown_option_says_the_fix)
{
	static const char *const names[] = {"help", "replications", "seed", "target", NULL};
	static const char *const vals[] = {"replications", "seed", "target", NULL};
	char buf[512];
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 2);
	int r1 = cli_unknown_option("rb x", "--replicatons", names, vals);
	int r2 = cli_unknown_option("rb x", "--seed", names, vals);
	int r3 = cli_unknown_option("rb x", "--help=1", names, vals);
	int r4 = cli_unknown_option("rb x", "--frobnicate", names, vals);
	int r5 = cli_unknown_option("rb x", "-r", names, vals);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t k = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[k] = '\0';
	fclose(tmp);
	ck_assert_int_eq(r1 + r2 + r3 + r4 + r5, 10);
	ck_assert_msg(strstr(buf,
			     "rb x: unknown option '--replicatons'; did you mean --replications?\n"
			     "Try 'rb x --help'.\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "rb x: --seed needs a value\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "rb x: --help takes no value"), "%s", buf);
	ck_assert_msg(strstr(buf, "rb x: unknown option '--frobnicate'\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "unknown option '-r'; did you mean --replications?"), "%s", buf);
}
END_TEST

START_TEST(test_cli_bad_option_from_getopt_table)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"replications", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	char buf[512];
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 2);
	int r1 = cli_bad_option("rb", "--qiuet", opts);
	int r2 = cli_bad_option("rb", "--rep", opts); /* getopt's prefix, its value missing */
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t k = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[k] = '\0';
	fclose(tmp);
	ck_assert_int_eq(r1, 2);
	ck_assert_int_eq(r2, 2);
	ck_assert_msg(strstr(buf, "did you mean --quiet?"), "%s", buf);
	ck_assert_msg(strstr(buf, "rb: --replications needs a value"), "%s", buf);
}
END_TEST

START_TEST(test_cli_is_hostport)
{
	ck_assert(cli_is_hostport("127.0.0.1:5060"));
	ck_assert(cli_is_hostport("localhost:5060"));
	ck_assert(cli_is_hostport("[::1]:5060"));
	ck_assert(!cli_is_hostport("3:0.9"));
	ck_assert(!cli_is_hostport("3:1")); /* 3 rings, every call: a target */
	ck_assert(!cli_is_hostport("peak:5:0.9"));
	ck_assert(!cli_is_hostport("host:0"));
	ck_assert(!cli_is_hostport("host:65536"));
	ck_assert(!cli_is_hostport("5060"));
	ck_assert(!cli_is_hostport(":5060"));
}
END_TEST

/* The renamed flags, through the commands themselves (usage errors: nothing runs). */
START_TEST(test_live_target_hostport_names_server)
{
	char buf[1024];
	char *argv[] = {"live", "--target", "127.0.0.1:5060", "x.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_live, 4, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "use --server 127.0.0.1:5060"), "%s", buf);
}
END_TEST

START_TEST(test_live_server_checked)
{
	char buf[1024];
	char *argv[] = {"live", "--server", "nowhere", "x.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_live, 4, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "--server: expected HOST:PORT"), "%s", buf);
	char *argv2[] = {"live", "--server", "127.0.0.1:5060", "--speedup", "10", "x.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_live, 6, argv2, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "--speedup cannot be used with --server"), "%s", buf);
}
END_TEST

START_TEST(test_live_target_is_a_service_level_target)
{
	char buf[1024];
	/* a target passes the option parser: the scenario is what fails next */
	char *argv[] = {"live", "--target", "peak:5:0.9", RB_SOURCE_DIR "/no-such.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_live, 4, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(!strstr(buf, "--server") && strstr(buf, "no-such.yaml"), "%s", buf);
	char *argv2[] = {"live", "--target", "lunch:5:0.9",
			 RB_SOURCE_DIR "/scenarios/morning-burst.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_live, 4, argv2, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "no phase 'lunch'"), "%s", buf);
}
END_TEST

START_TEST(test_onboard_target_names_server)
{
	char buf[1024];
	char *argv[] = {"onboard", "--target", "127.0.0.1:5060", NULL};
	ck_assert_int_eq(run_err(cmd_onboard, 3, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "use --server 127.0.0.1:5060"), "%s", buf);
	char *argv2[] = {"onboard", "--scenario", "x", "--tenant", "t", NULL};
	ck_assert_int_eq(run_err(cmd_onboard, 5, argv2, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "--server, --scenario and --tenant are required"), "%s", buf);
}
END_TEST

START_TEST(test_model_target_replaces_and_checks)
{
	char buf[1024];
	char *argv[] = {"model", "--target", "peak:5:0.9", RB_SOURCE_DIR "/scenarios/quick.yaml",
			NULL};
	ck_assert_int_eq(run_err(cmd_model, 4, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "no phase 'peak' in quick; its phases:"), "%s", buf);
	char *argv2[] = {"model", "--tagret", "3:0.9", "x.yaml", NULL};
	ck_assert_int_eq(run_err(cmd_model, 4, argv2, buf, sizeof(buf)), 2);
	ck_assert_msg(strstr(buf, "did you mean --target?"), "%s", buf);
}
END_TEST

START_TEST(test_analyze_targets_noted)
{
	char buf[1024];
	/* a bad one: the usage error alone, first */
	char *argv[] = {"analyze", "--targets", "3:0.9,5:1.5", "x.pcap", NULL};
	ck_assert_int_eq(run_err(cmd_analyze, 4, argv, buf, sizeof(buf)), 2);
	ck_assert_msg(!strncmp(buf,
			       "ringbench analyze: --target '5:1.5': expected "
			       "[PHASE:]K:F[:MEASURE]",
			       60),
		      "%s", buf);
	ck_assert_msg(!strstr(buf, "note:"), "%s", buf);
	/* good ones: read, with the note (the capture is what fails next) */
	char dir[] = "/tmp/check_cli.XXXXXX", cmd[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *argv2[] = {"analyze", "--targets", "3:0.9,peak:5:0.95", "--quiet",
			 "--out",   dir,	 "/nonexistent.pcap", NULL};
	ck_assert_int_eq(run_err(cmd_analyze, 7, argv2, buf, sizeof(buf)), 2);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(strstr(buf, "ringbench analyze: note: --targets is now --target, one target "
				  "each, repeatable"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "/nonexistent.pcap"), "%s", buf);
}
END_TEST

START_TEST(test_every_command_suggests)
{
	struct {
		int (*fn)(int, char **);
		const char *cmd, *bad, *want;
	} c[] = {
	    {cmd_analyze, "analyze", "--senario", "did you mean --scenario?"},
	    {cmd_compare, "compare", "--unpared", "did you mean --unpaired?"},
	    {cmd_erlang, "erlang", "--operater", "did you mean --operators?"},
	    {cmd_live, "live", "--replicatons", "did you mean --replications?"},
	    {cmd_model, "model", "--replicatons", "did you mean --replications?"},
	    {cmd_onboard, "onboard", "--tenat", "did you mean --tenant?"},
	    {cmd_report, "report", "--qiet", "did you mean --quiet?"},
	    {cmd_suite, "suite", "--junti", "did you mean --junit?"},
	    {cmd_sweep, "sweep", "--operater", "did you mean --operators?"},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char buf[1024];
		char *argv[] = {(char *)c[i].cmd, (char *)c[i].bad, "1", NULL};
		ck_assert_int_eq(run_err(c[i].fn, 3, argv, buf, sizeof(buf)), 2);
		ck_assert_msg(strstr(buf, c[i].want), "%s %s: %s", c[i].cmd, c[i].bad, buf);
	}
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_cli_distance_counts_a_swap_as_one);
	tcase_add_test(tc, test_cli_closest_within_two_or_a_prefix);
	tcase_add_test(tc, test_cli_unknown_option_says_the_fix);
	tcase_add_test(tc, test_cli_bad_option_from_getopt_table);
	tcase_add_test(tc, test_cli_is_hostport);
	tcase_add_test(tc, test_live_target_hostport_names_server);
	tcase_add_test(tc, test_live_server_checked);
	tcase_add_test(tc, test_live_target_is_a_service_level_target);
	tcase_add_test(tc, test_onboard_target_names_server);
	tcase_add_test(tc, test_model_target_replaces_and_checks);
	tcase_add_test(tc, test_analyze_targets_noted);
	tcase_add_test(tc, test_every_command_suggests);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
