/*
 * `ringbench model --replications auto[:MAX] [--tolerance D]` (sim/model/model_seq.c,
 * sim/cmd/cmd_model.c) as code: running replications in stages gives what one
 * run gives; the folder of an auto run is that of `--replications N` with
 * the N it reached, byte for byte but for "command" and its
 * "replications_rule"; the rule's record; bad values are usage errors. Its
 * error rates are checked in tests/check_model_seq.c.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "scn.h"
#include "summary.h"

#define ERLANG_A RB_SOURCE_DIR "/scenarios/erlang-a.yaml"

int cmd_model(int argc, char **argv);

static int run_cmd(const char *const *args)
{
	char *argv[16] = {"model"};
	int argc = 1;
	for (; args[argc - 1] && argc < 15; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	return cmd_model(argc, argv);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The text without the "command" line and the "replications_rule" member. */
static char *strip(const char *path)
{
	size_t n;
	char *b = slurp(path, &n);
	ck_assert_ptr_nonnull(b);
	char *out = malloc(n + 1), *o = out;
	ck_assert_ptr_nonnull(out);
	bool in_rule = false;
	for (char *line = b; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		bool drop = in_rule || strncmp(line, " \"command\":", 11) == 0;
		if (strncmp(line, " \"replications_rule\": {", 23) == 0)
			drop = in_rule = true;
		else if (in_rule && strncmp(line, " }", 2) == 0)
			in_rule = false;
		if (!drop) {
			memcpy(o, line, len);
			o += len;
		}
		line += len;
	}
	*o = '\0';
	free(b);
	return out;
}

static void files_same(const char *a, const char *b, const char *name)
{
	char pa[512], pb[512];
	snprintf(pa, sizeof(pa), "%s/%s", a, name);
	snprintf(pb, sizeof(pb), "%s/%s", b, name);
	size_t la, lb;
	char *x = slurp(pa, &la), *y = slurp(pb, &lb);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_msg(la == lb && memcmp(x, y, la) == 0, "%s differs", name);
	free(x);
	free(y);
}

static json_t *load_json(const char *dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/summary.json", dir);
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	ck_assert_msg(j != NULL, "%s: %s", p, je.text);
	return j;
}

static void rm_dir(const char *dir)
{
	const char *f[] = {"summary.json", "calls.csv", "timeline.csv"};
	char p[512];
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, f[i]);
		unlink(p);
	}
	rmdir(dir);
}

START_TEST(test_model_stages_same_as_one_run)
{
	struct scenario *s = NULL;
	char err[512];
	ck_assert_int_eq(scn_load(ERLANG_A, &s, err, sizeof(err)), 0);
	char *text[2];
	for (int k = 0; k < 2; k++) {
		struct summary_opts so = {
			.engine = ENGINE_MODEL, .command = "x", .scn = s, .seed = 7,
			.replications = 7, .t0_epoch = RB_T_NONE, .time_weighted = true,
		};
		struct summary *sum = summary_new(&so);
		ck_assert_ptr_nonnull(sum);
		struct model_opts o = {
			.scn = s, .seed = 7, .replications = 7, .jobs = 2, .summary = sum,
		};
		if (k == 1) { /* 0..2, then 3..6 */
			o.replications = 3;
			ck_assert_int_eq(model_run(&o, NULL), 0);
			o.first_replication = 3;
			o.replications = 7;
		}
		ck_assert_int_eq(model_run(&o, NULL), 0);
		ck_assert_int_eq(summary_finish(sum), 0);
		char path[] = "/tmp/check_model_auto_stXXXXXX";
		close(mkstemp(path));
		ck_assert_int_eq(summary_write_json(sum, path), 0);
		size_t n;
		text[k] = slurp(path, &n);
		unlink(path);
		summary_free(sum);
	}
	ck_assert_str_eq(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	struct model_opts bad = {
		.scn = s, .seed = 7, .replications = 3, .first_replication = 3, .jobs = 1,
	};
	ck_assert_int_eq(model_run(&bad, NULL), EINVAL);
	scn_free(s);
}
END_TEST

START_TEST(test_model_auto_folder_is_that_of_fixed_n)
{
	char a[] = "/tmp/check_model_auto_aXXXXXX", b[] = "/tmp/check_model_auto_bXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(a));
	ck_assert_ptr_nonnull(mkdtemp(b));
	const char *auto_args[] = {ERLANG_A, "--replications", "auto:60", "--tolerance", "0.015",
				   "--jobs", "2", "--seed", "3", "--out", a, "--quiet", NULL};
	int rc = run_cmd(auto_args);
	ck_assert_msg(rc == 0 || rc == 1 || rc == 4, "exit %d", rc);
	json_t *ja = load_json(a);
	json_t *rule = json_object_get(ja, "replications_rule");
	ck_assert_ptr_nonnull(rule);
	int n = (int)json_integer_value(json_object_get(rule, "stopped_at"));
	ck_assert_int_eq(n, (int)json_integer_value(json_object_get(ja, "replications")));
	ck_assert_str_eq(json_string_value(json_object_get(rule, "rule")), "fixed_width");
	ck_assert(json_real_value(json_object_get(rule, "delta")) == 0.015);
	ck_assert_int_eq(json_integer_value(json_object_get(rule, "n0")), MODEL_SEQ_N0);
	ck_assert_int_eq(json_integer_value(json_object_get(rule, "max")), 60);
	ck_assert_int_eq(json_integer_value(json_object_get(rule, "step")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(rule, "judged_on")), "targets");
	ck_assert(json_is_true(json_object_get(rule, "reached_precision")));
	ck_assert_int_ge(n, MODEL_SEQ_N0);
	ck_assert_int_le(n, 60);
	ck_assert((n - MODEL_SEQ_N0) % 2 == 0);
	double hw = json_real_value(json_object_get(rule, "half_width"));
	ck_assert(hw > 0 && hw <= 0.015);
	/* the target's interval in the file is the one the rule stopped on */
	json_t *t = json_array_get(json_object_get(ja, "targets"), 0);
	double m = json_real_value(json_object_get(t, "measured"));
	json_t *ci = json_object_get(t, "ci95");
	double lo = json_real_value(json_array_get(ci, 0));
	double hi = json_real_value(json_array_get(ci, 1));
	ck_assert(fabs((m - lo > hi - m ? m - lo : hi - m) - hw) < 1e-12);
	json_decref(ja);

	char nbuf[16];
	snprintf(nbuf, sizeof(nbuf), "%d", n);
	const char *fixed_args[] = {ERLANG_A, "--replications", nbuf, "--jobs", "1",
				    "--seed", "3", "--out", b, "--quiet", NULL};
	ck_assert_int_eq(run_cmd(fixed_args), rc);
	files_same(a, b, "calls.csv");
	files_same(a, b, "timeline.csv");
	char pa[512], pb[512];
	snprintf(pa, sizeof(pa), "%s/summary.json", a);
	snprintf(pb, sizeof(pb), "%s/summary.json", b);
	char *x = strip(pa), *y = strip(pb);
	ck_assert_uint_gt(strlen(x), 1000);
	ck_assert_msg(strcmp(x, y) == 0, "summary.json of auto and of --replications %d differ", n);
	free(x);
	free(y);
	rm_dir(a);
	rm_dir(b);
}
END_TEST

START_TEST(test_model_auto_max_without_precision)
{
	char a[] = "/tmp/check_model_auto_mXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(a));
	const char *args[] = {ERLANG_A, "--replications", "auto:12", "--tolerance", "0.000001",
			      "--calls", "none", "--out", a, "--quiet", NULL};
	int rc = run_cmd(args);
	ck_assert_msg(rc == 0 || rc == 1 || rc == 4, "exit %d", rc);
	json_t *j = load_json(a);
	json_t *rule = json_object_get(j, "replications_rule");
	ck_assert_int_eq(json_integer_value(json_object_get(rule, "stopped_at")), 12);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "replications")), 12);
	ck_assert(json_is_false(json_object_get(rule, "reached_precision")));
	ck_assert(json_real_value(json_object_get(rule, "half_width")) > 0.000001);
	/* still judged on its interval */
	const char *v = json_string_value(json_object_get(j, "verdict"));
	ck_assert(v && (!strcmp(v, "pass") || !strcmp(v, "fail") || !strcmp(v, "inconclusive")));
	json_decref(j);
	rm_dir(a);
}
END_TEST

START_TEST(test_model_auto_no_targets_judges_overall_sla_3)
{
	size_t n;
	char *y = slurp(ERLANG_A, &n);
	ck_assert_ptr_nonnull(y);
	char *t = strstr(y, "targets:");
	ck_assert_ptr_nonnull(t);
	char *end = strchr(strchr(t, '\n') + 1, '\n'); /* "targets:" and its one item */
	memmove(t, end + 1, strlen(end + 1) + 1);
	char path[] = "/tmp/check_model_auto_yXXXXXX.yaml", dir[] = "/tmp/check_model_auto_nXXXXXX";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, y, strlen(y)), (ssize_t)strlen(y));
	close(fd);
	free(y);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *args[] = {path, "--replications", "auto:40", "--tolerance", "0.02",
			      "--calls", "none", "--out", dir, "--quiet", NULL};
	ck_assert_int_eq(run_cmd(args), 0); /* no targets: pass */
	json_t *j = load_json(dir);
	json_t *rule = json_object_get(j, "replications_rule");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "judged_on")),
			 "overall sla 3 rings");
	ck_assert(json_is_true(json_object_get(rule, "reached_precision")));
	ck_assert_int_eq(json_array_size(json_object_get(j, "targets")), 0);
	json_decref(j);
	rm_dir(dir);
	unlink(path);
}
END_TEST

START_TEST(test_model_auto_bad_usage)
{
	const char *a1[] = {ERLANG_A, "--replications", "auto:5", NULL};
	const char *a2[] = {ERLANG_A, "--replications", "autox", NULL};
	const char *a3[] = {ERLANG_A, "--tolerance", "0.01", NULL};
	const char *a4[] = {ERLANG_A, "--replications", "auto", "--tolerance", "0", NULL};
	const char *a5[] = {ERLANG_A, "--replications", "auto:", NULL};
	const char *a6[] = {ERLANG_A, "--replications", "auto", "--tolerance", "0.6", NULL};
	ck_assert_int_eq(run_cmd(a1), 2);
	ck_assert_int_eq(run_cmd(a2), 2);
	ck_assert_int_eq(run_cmd(a3), 2);
	ck_assert_int_eq(run_cmd(a4), 2);
	ck_assert_int_eq(run_cmd(a5), 2);
	ck_assert_int_eq(run_cmd(a6), 2);
	struct model_seq_opts so;
	struct model_seq_result r;
	model_seq_defaults(&so);
	ck_assert(so.delta == MODEL_SEQ_DELTA && so.n0 == MODEL_SEQ_N0 && so.max == MODEL_SEQ_MAX);
	so.n0 = 1;
	struct model_opts o = {.jobs = 1};
	ck_assert_int_eq(model_seq_choose(&o, &so, &r), EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("model_auto");
	TCase *tc = tcase_create("auto");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_model_stages_same_as_one_run);
	tcase_add_test(tc, test_model_auto_folder_is_that_of_fixed_n);
	tcase_add_test(tc, test_model_auto_max_without_precision);
	tcase_add_test(tc, test_model_auto_no_targets_judges_overall_sla_3);
	tcase_add_test(tc, test_model_auto_bad_usage);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
