/* resdir: a result folder's files, written by the sink alone (core/resdir.h). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbjson.h"
#include "resdir.h"

#define S(x) ((rb_us)((x) * RB_US_PER_S))

/* A fresh folder under the build tree. */
static void fresh(char *dir, size_t n, const char *name)
{
	snprintf(dir, n, "%s/check_resdir.d/%s", RB_BINARY_DIR, name);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int lines_of(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	int n = 0, c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* How many files dir holds, hidden ones (temporary files) left out. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void answered_call(struct callrec *r, int i)
{
	callrec_init(r);
	snprintf(r->call_id, sizeof(r->call_id), "call-%d", i);
	snprintf(r->from_tag, sizeof(r->from_tag), "tag-%d", i);
	r->t_dial = r->t_invite = S(i);
	r->t_ringing = S(i);
	r->t_answer = S(i) + S(2);
	r->t_end = S(i) + S(60);
	r->forwarding = FWD_UNCONDITIONAL;
	r->no_answer = 0;
	r->outcome = OUTCOME_ANSWERED;
	callrec_derive(r, S(3));
}

static struct resdir_opts capture_opts(long cap)
{
	struct resdir_opts o = {
	    .summary = {.engine = ENGINE_CAPTURE,
			.command = "check_resdir",
			.ring_period = S(3),
			.replications = 1,
			.t0_epoch = RB_T_NONE},
	    .calls_cap = cap,
	};
	return o;
}

/* The whole of DIR/NAME into a static buffer ("" when missing). */
static const char *text_of(const char *dir, const char *name)
{
	static char buf[1 << 16];
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	buf[0] = 0;
	FILE *f = fopen(p, "r");
	if (f) {
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
	}
	return buf;
}

/* A new result folder (a capture's) in a fresh folder under the build tree. */
static struct resdir *open_fresh(char *dir, size_t n, const char *name)
{
	fresh(dir, n, name);
	struct resdir_opts o = capture_opts(-1);
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	return d;
}

START_TEST(test_resdir_writes_the_three_files_and_caps_calls)
{
	char dir[400];
	fresh(dir, sizeof(dir), "three/deep");
	struct resdir_opts o = capture_opts(2);
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	ck_assert_int_eq(resdir_calls_open(d), 0);
	ck_assert(resdir_wants_calls(d));
	for (int i = 0; i < 3; i++) {
		struct callrec r;
		answered_call(&r, i);
		ck_assert_int_eq(resdir_call(d, &r), 0);
		summary_rep_call(resdir_rep(d, 0), &r);
		timeline_answered(resdir_timeline(d), r.t_answer);
	}
	ck_assert(!resdir_wants_calls(d));
	resdir_set_timeline_end(d, S(5));
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	ck_assert_ptr_null(res.failed);
	ck_assert_int_eq(res.exit_code, summary_exit_code(resdir_summary(d)));
	ck_assert_int_eq(lines_of(dir, "calls.csv"), 3); /* the header and two rows */
	ck_assert_int_eq(lines_of(dir, "timeline.csv"), 6);
	ck_assert_int_gt(lines_of(dir, "summary.json"), 10);
	ck_assert_int_eq(count_files(dir), 3); /* no temporary file left */
	resdir_free(d);
}
END_TEST

START_TEST(test_resdir_timeline_kept_empty_writes_its_header)
{
	char dir[400];
	fresh(dir, sizeof(dir), "no-timeline");
	struct resdir_opts o = capture_opts(0);
	o.timeline_limit = -1; /* the model's --timeline none */
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	ck_assert_ptr_null(resdir_timeline(d)); /* nothing to feed */
	ck_assert_int_eq(resdir_calls_open(d), 0);
	resdir_span(d, 0, S(10), 1, 1, 0);  /* ignored */
	resdir_set_timeline_end(d, S(10));
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	ck_assert_ptr_null(res.failed);
	ck_assert_str_eq(text_of(dir, "timeline.csv"),
			 "t,ringing,operators_busy,backup_busy,answered,abandoned\n");
	ck_assert_int_eq(count_files(dir), 3); /* still the three files */
	resdir_free(d);
}
END_TEST

/* rbjson_load_file reads a folder's summary.json as json_load_file does,
 * larger than its first buffer too, and says what is wrong with a bad one. */
START_TEST(test_rbjson_load_file_as_jansson)
{
	char dir[400];
	struct resdir *d = open_fresh(dir, sizeof(dir), "load");
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	resdir_free(d);
	char p[512];
	snprintf(p, sizeof(p), "%s/summary.json", dir);
	json_error_t e1, e2;
	json_t *a = rbjson_load_file(p, 0, &e1), *b = json_load_file(p, 0, &e2);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	/* 300 kB: more than one read of a first guess */
	snprintf(p, sizeof(p), "%s/big.json", dir);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[", f);
	for (int i = 0; i < 50000; i++)
		fprintf(f, "%s%d", i ? "," : "", i);
	fputs("]", f);
	fclose(f);
	a = rbjson_load_file(p, 0, &e1);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(json_array_size(a), 50000);
	ck_assert_int_eq(json_integer_value(json_array_get(a, 49999)), 49999);
	json_decref(a);
	f = fopen(p, "w");
	fputs("{\"a\": 1,\n \"b\": }", f);
	fclose(f);
	ck_assert_ptr_null(rbjson_load_file(p, 0, &e1));
	ck_assert_int_eq(e1.line, 2);
	snprintf(p, sizeof(p), "%s/missing.json", dir);
	ck_assert_ptr_null(rbjson_load_file(p, 0, &e1));
	ck_assert_ptr_nonnull(strstr(e1.text, "missing.json"));
}
END_TEST

START_TEST(test_resdir_summary_only_under_its_name)
{
	char dir[400];
	fresh(dir, sizeof(dir), "points");
	struct resdir_opts o = capture_opts(-1);
	o.files = RESDIR_SUMMARY;
	o.summary_name = "o10.json";
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	ck_assert_ptr_null(resdir_timeline(d));
	ck_assert_int_eq(resdir_calls_open(d), 0); /* no calls.csv wanted: nothing */
	ck_assert(!resdir_wants_calls(d));
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	ck_assert_int_gt(lines_of(dir, "o10.json"), 10);
	ck_assert_int_eq(count_files(dir), 1);
	resdir_free(d);
}
END_TEST

START_TEST(test_resdir_abort_writes_the_error_alone)
{
	char dir[400];
	fresh(dir, sizeof(dir), "abort");
	struct resdir_opts o = capture_opts(-1);
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	resdir_set_t0_epoch(d, S(1700000000));
	struct resdir_result res;
	ck_assert_int_eq(resdir_abort(d, "no capture", &res), 0);
	ck_assert_int_eq(res.exit_code, 3);
	ck_assert_int_eq(res.verdict, VERDICT_ERROR);
	ck_assert_int_eq(count_files(dir), 1);
	const char *buf = text_of(dir, "summary.json");
	ck_assert_ptr_nonnull(strstr(buf, "\"error\": \"no capture\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"t0_epoch\": 1700000000.0"));
	resdir_free(d);
}
END_TEST

START_TEST(test_resdir_open_fails_on_a_file_in_the_way)
{
	char dir[400], sub[450];
	fresh(dir, sizeof(dir), "blocked");
	struct resdir_opts o = capture_opts(-1);
	struct resdir *d = NULL;
	ck_assert_int_eq(resdir_open(&d, dir, &o), 0);
	resdir_free(d);
	snprintf(sub, sizeof(sub), "%s/file", dir);
	FILE *f = fopen(sub, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(sub, sizeof(sub), "%s/file/below", dir);
	d = NULL;
	ck_assert_int_ne(resdir_open(&d, sub, &o), 0);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_resdir_table_written_whole_and_quoted)
{
	char dir[400];
	struct resdir *d = open_fresh(dir, sizeof(dir), "table");
	static const char *const cols[] = {"phase", "operators", "note"};
	struct resdir_table *t = NULL;
	ck_assert_int_eq(resdir_table_open(d, "requirements.csv", cols, 3, &t), 0);
	const char *r1[] = {"peak", "14", "a, b"};
	const char *r2[] = {"quiet", NULL, "say \"hi\"\nthen go"};
	ck_assert_int_eq(resdir_table_row(t, r1), 0);
	ck_assert_int_eq(resdir_table_row(t, r2), 0);
	/* not under its name before it is closed: a reader never sees half */
	ck_assert_int_eq(count_files(dir), 0);
	ck_assert_int_eq(resdir_table_close(t), 0);
	ck_assert_int_eq(count_files(dir), 1);
	ck_assert_str_eq(text_of(dir, "requirements.csv"),
			 "phase,operators,note\npeak,14,\"a, b\"\nquiet,,\"say \"\"hi\"\"\nthen go\"\n");
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	ck_assert_int_eq(count_files(dir), 3); /* the table, timeline.csv, summary.json */
	resdir_free(d);
}
END_TEST

START_TEST(test_resdir_table_names_refused)
{
	char dir[400];
	struct resdir *d = open_fresh(dir, sizeof(dir), "table-names");
	static const char *const cols[] = {"a"};
	struct resdir_table *t = NULL, *t2 = NULL;
	ck_assert_int_eq(resdir_table_open(d, "calls.csv", cols, 1, &t), EINVAL);
	ck_assert_int_eq(resdir_table_open(d, "timeline.csv", cols, 1, &t), EINVAL);
	ck_assert_int_eq(resdir_table_open(d, "summary.json", cols, 1, &t), EINVAL);
	ck_assert_int_eq(resdir_table_open(d, "../x.csv", cols, 1, &t), EINVAL);
	ck_assert_int_eq(resdir_table_open(d, "", cols, 1, &t), EINVAL);
	ck_assert_int_eq(resdir_table_open(d, "x.csv", cols, 0, &t), EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(resdir_table_open(d, "x.csv", cols, 1, &t), 0);
	ck_assert_int_eq(resdir_table_open(d, "x.csv", cols, 1, &t2), EINVAL); /* twice */
	ck_assert_ptr_null(t2);
	/* never closed, no resdir_finish: no file, not even the temporary one */
	resdir_free(d);
	DIR *dd = opendir(dir);
	ck_assert_ptr_nonnull(dd);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dd)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dd);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_resdir_finish_closes_open_tables_and_feeds_spans)
{
	char dir[400];
	struct resdir *d = open_fresh(dir, sizeof(dir), "table-finish");
	static const char *const cols[] = {"leg", "operator"};
	struct resdir_table *t = NULL;
	ck_assert_int_eq(resdir_table_open(d, "operator_legs.csv", cols, 2, &t), 0);
	const char *r[] = {"1", "op-3"};
	ck_assert_int_eq(resdir_table_row(t, r), 0);
	resdir_span(d, S(1), S(3), 4, 0, 0); /* seconds 1 and 2: four ringing */
	resdir_set_timeline_end(d, S(4));
	struct resdir_result res;
	ck_assert_int_eq(resdir_finish(d, &res), 0);
	ck_assert_ptr_null(res.failed);
	ck_assert_str_eq(text_of(dir, "operator_legs.csv"), "leg,operator\n1,op-3\n");
	ck_assert_str_eq(text_of(dir, "timeline.csv"),
			 "t,ringing,operators_busy,backup_busy,answered,abandoned\n"
			 "0.000000,,,,0,0\n1.000000,4,,,0,0\n2.000000,4,,,0,0\n3.000000,,,,0,0\n");
	resdir_free(d);
}
END_TEST

static Suite *resdir_suite(void)
{
	Suite *s = suite_create("resdir");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_resdir_writes_the_three_files_and_caps_calls);
	tcase_add_test(tc, test_resdir_summary_only_under_its_name);
	tcase_add_test(tc, test_resdir_timeline_kept_empty_writes_its_header);
	tcase_add_test(tc, test_rbjson_load_file_as_jansson);
	tcase_add_test(tc, test_resdir_abort_writes_the_error_alone);
	tcase_add_test(tc, test_resdir_open_fails_on_a_file_in_the_way);
	tcase_add_test(tc, test_resdir_table_written_whole_and_quoted);
	tcase_add_test(tc, test_resdir_table_names_refused);
	tcase_add_test(tc, test_resdir_finish_closes_open_tables_and_feeds_spans);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(resdir_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
