/*
 * check_report: the report's pieces: the CSV reader, HTML escaping, loading
 * result folders (and refusing folders without results), a missing gnuplot,
 * and a whole report of a small hand-made folder: every plot's script, data,
 * PNG and SVG written, names escaped, Japanese names kept.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_int.h"

static char tmpdir[256];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = calloc((size_t)n + 1, 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

/* How many ids of the page appear more than once (gnuplot's SVGs share
 * theirs, and write gnuplot_plot_N twice each). */
static int duplicate_ids(const char *html)
{
	int dup = 0;
	for (const char *p = html; (p = strstr(p, " id=")); p += 4) {
		char q = p[4];
		const char *e = (q == '"' || q == '\'') ? strchr(p + 5, q) : NULL;
		if (!e)
			continue;
		size_t n = (size_t)(e - p - 5);
		for (const char *o = html; (o = strstr(o, " id=")) && o < p; o += 4)
			if ((o[4] == '"' || o[4] == '\'') && !strncmp(o + 5, p + 5, n) && o[5 + n] == o[4]) {
				dup++;
				break;
			}
	}
	return dup;
}

START_TEST(test_csv_quotes_commas_and_newlines)
{
	struct csvtab t;
	char err[256];
	put(tmpdir, "a.csv", "a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,,\"two\nlines\"\r\n");
	char path[512];
	snprintf(path, sizeof(path), "%s/a.csv", tmpdir);
	ck_assert_int_eq(csvtab_load(path, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.ncol, 3);
	ck_assert_uint_eq(t.nrow, 2);
	ck_assert_str_eq(csvtab_get(&t, 0, 1), "x, y");
	ck_assert_str_eq(csvtab_get(&t, 0, 2), "he said \"hi\"");
	ck_assert_str_eq(csvtab_get(&t, 1, 1), "");
	ck_assert_str_eq(csvtab_get(&t, 1, 2), "two\nlines");
	ck_assert_int_eq(csvtab_col(&t, "c"), 2);
	ck_assert_int_eq(csvtab_col(&t, "d"), -1);
	double v;
	ck_assert(csvtab_num(&t, 1, 0, &v) && v == 2);
	ck_assert(!csvtab_num(&t, 1, 1, &v));
	csvtab_free(&t);
}
END_TEST

START_TEST(test_csv_bad_rows_say_where)
{
	struct csvtab t;
	char err[256] = "", path[512];
	put(tmpdir, "b.csv", "a,b\n1,2\n3\n");
	snprintf(path, sizeof(path), "%s/b.csv", tmpdir);
	ck_assert_int_eq(csvtab_load(path, &t, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "b.csv:3:"));
	put(tmpdir, "c.csv", "a,b\n1,\"open\n");
	snprintf(path, sizeof(path), "%s/c.csv", tmpdir);
	ck_assert_int_eq(csvtab_load(path, &t, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "unterminated"));
	snprintf(path, sizeof(path), "%s/none.csv", tmpdir);
	ck_assert_int_eq(csvtab_load(path, &t, err, sizeof(err)), ENOENT);
}
END_TEST

START_TEST(test_html_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	html_esc(f, "<a href=\"x\">&'株式会社'</a>");
	fclose(f);
	ck_assert_str_eq(buf, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;株式会社&#39;&lt;/a&gt;");
	free(buf);
}
END_TEST

START_TEST(test_folder_without_results_is_refused)
{
	struct report_run *r = NULL;
	char err[512] = "";
	ck_assert_int_eq(report_load(tmpdir, &r, err, sizeof(err)), ENOENT);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, "no summary.json"));
	char missing[300];
	snprintf(missing, sizeof(missing), "%s/nope", tmpdir);
	ck_assert_int_eq(report_load(missing, &r, err, sizeof(err)), ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "not a folder"));
}
END_TEST

START_TEST(test_malformed_summary_says_line_and_column)
{
	struct report_run *r = NULL;
	char err[512] = "";
	put(tmpdir, "summary.json", "{\n  \"engine\": \"model\",\n  \"overall\": {,}\n}\n");
	ck_assert_int_eq(report_load(tmpdir, &r, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "summary.json:3:"));
	put(tmpdir, "summary.json", "[1, 2]\n");
	ck_assert_int_eq(report_load(tmpdir, &r, err, sizeof(err)), EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "overall"));
}
END_TEST

/* A small result folder: two phases, two tenants (one Japanese, one with markup). */
static const char summary_json[] =
	"{\"engine\": \"model\", \"scenario\": \"tiny\", \"seed\": 1, \"replications\": 2,\n"
	" \"ring_period_s\": 3, \"verdict\": \"fail\",\n"
	" \"overall\": {\"dialled\": 10, \"offered\": 9, \"answered\": 8, \"abandoned\": 1,\n"
	"   \"answered_within\": {\"1\": 0.3, \"2\": 0.5, \"3\": 0.7, \"4\": 0.8, \"5\": 0.85, \"6\": 0.88,"
	"     \"7\": 0.88, \"8\": 0.88, \"9\": 0.88, \"10\": 0.88},\n"
	"   \"sla\": {\"3\": 0.75, \"5\": 0.9}, \"abandon_fraction\": 0.11, \"occupancy\": 0.5,\n"
	"   \"wait_s\": {\"mean\": 5, \"p90\": 12},\n"
	"   \"ci95\": {\"answered_within\": {\"3\": [0.6, 0.8]}}},\n"
	" \"phases\": {\"quiet\": {\"offered\": 5, \"answered\": 5, \"answered_within\": {\"1\": 0.6, \"3\": 1}},\n"
	"             \"rush\": {\"offered\": 4, \"answered\": 3, \"abandon_fraction\": 0.25,"
	"                        \"answered_within\": {\"3\": 0.25, \"5\": 0.5}}},\n"
	" \"by_tenant\": {\"acme\": {\"name\": \"株式会社アクメ\", \"sla\": {\"3\": 0.8}},\n"
	"                \"evil\": {\"name\": \"<script>x</script>\", \"sla\": {\"3\": 0.7}}},\n"
	" \"by_forwarding\": {\"unconditional\": {\"rings_heard\": {\"1\": 3, \"2\": 2, \"4\": 1}},\n"
	"                    \"no-answer\": {\"rings_heard\": {\"4\": 1, \"6\": 2, \"31+\": 1}}},\n"
	" \"targets\": [{\"phase\": \"quiet\", \"rings\": 3, \"min\": 0.9, \"measured\": 1,"
	"   \"ci95\": [0.9, 1], \"pass\": true},\n"
	"   {\"abandon_max\": 0.05, \"measured\": 0.11, \"ci95\": [0.05, 0.2], \"pass\": false}]}\n";

static const char calls_csv[] =
	"call_id,tenant,forwarding,t_dial,t_invite,t_answer,t_cancel,outcome,wait_s,rings\n"
	"1,acme,unconditional,1,1,3,,answered,2,1\n"
	"2,acme,unconditional,5,5,14,,answered,9,4\n"
	"3,evil,no-answer,8,17,,40,abandoned,23,8\n"
	"4,evil,no-answer,9,,,12,abandoned_before_forward,,\n"
	"5,acme,unconditional,70,70,75,,answered,5,2\n";

static const char timeline_csv[] =
	"t,ringing,operators_busy,backup_busy,answered,abandoned\n"
	"0,0,0,0,0,0\n1,1,1,0,0,0\n2,2,1,0,1,0\n3,1,2,1,0,0\n4,0,2,1,0,1\n5,0,1,0,0,0\n";

START_TEST(test_report_of_a_folder)
{
	struct report_run *r = NULL;
	char err[512] = "", path[600];
	put(tmpdir, "summary.json", summary_json);
	put(tmpdir, "calls.csv", calls_csv);
	put(tmpdir, "timeline.csv", timeline_csv);
	ck_assert_msg(report_load(tmpdir, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(report_run_engine(r), "model");
	ck_assert_str_eq(report_run_verdict(r), "fail");
	struct report_opts o = {.quiet = true};
	ck_assert_msg(report_write(&r, 1, &o, err, sizeof(err)) == 0, "%s", err);
	static const char *const plots[] = {"rings_phase", "wait_cdf", "rings_heard", "timeline",
					    "burst", "abandon_time", "abandon_wait", "tenants"};
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		static const char *const ext[] = {"gp", "dat", "png", "svg"};
		for (size_t e = 0; e < 4; e++) {
			snprintf(path, sizeof(path), "%s/report/%s.%s", tmpdir, plots[i], ext[e]);
			ck_assert_msg(access(path, R_OK) == 0, "missing %s", path);
		}
		snprintf(path, sizeof(path), "%s/report/%s.png", tmpdir, plots[i]);
		char *png = slurp(path);
		ck_assert_ptr_nonnull(png);
		ck_assert_msg(!memcmp(png, "\x89PNG", 4), "%s is not a PNG", path);
		free(png);
	}
	snprintf(path, sizeof(path), "%s/report/index.html", tmpdir);
	char *html = slurp(path);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;x&lt;/script&gt;"));
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_nonnull(strstr(html, "株式会社アクメ"));
	/* self-contained: the plots are in the page, each with its own ids */
	ck_assert_ptr_null(strstr(html, "<img "));
	ck_assert_ptr_nonnull(strstr(html, "<svg class=\"plot\""));
	ck_assert_ptr_nonnull(strstr(html, "id=\"wait_cdf-gnuplot_canvas\""));
	ck_assert_ptr_nonnull(strstr(html, "id=\"rings_phase-gnuplot_canvas\""));
	ck_assert_ptr_null(strstr(html, "href='#gpPt"));
	ck_assert_ptr_null(strstr(html, "<?xml"));
	ck_assert_int_eq(duplicate_ids(html), 0);
	ck_assert_ptr_nonnull(strstr(html, "class=\"pass\">PASS"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"fail\">FAIL"));
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	free(html);
	/* the tenants' data keeps the Japanese name for gnuplot */
	snprintf(path, sizeof(path), "%s/report/tenants.dat", tmpdir);
	char *dat = slurp(path);
	ck_assert_ptr_nonnull(strstr(dat, "株式会社アクメ (acme)"));
	free(dat);
	report_run_free(r);
}
END_TEST

/* An inconclusive live run: its verdict and undecided target in amber, each
 * with why, and the schedule that capped it. */
START_TEST(test_report_shows_inconclusive)
{
	static const char incon_json[] =
		"{\"engine\": \"live\", \"scenario\": \"tiny\", \"seed\": 1, \"replications\": 1,\n"
		" \"ring_period_s\": 3, \"verdict\": \"inconclusive\",\n"
		" \"inconclusive_reasons\": [\"schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms\"],\n"
		" \"schedule\": {\"kept\": false, \"invites\": 40, \"lateness_p50_ms\": 2.5,"
		"   \"lateness_p99_ms\": 16.4, \"limit_ms\": 10},\n"
		" \"overall\": {\"dialled\": 10, \"offered\": 9, \"answered\": 8, \"abandoned\": 1},\n"
		" \"phases\": {}, \"by_tenant\": {}, \"by_forwarding\": {},\n"
		" \"targets\": [{\"rings\": 3, \"min\": 0.8, \"measured\": 0.82, \"ci95\": [0.7, 0.9],"
		"   \"pass\": null, \"result\": \"inconclusive\", \"note\": \"the interval straddles the target\"},\n"
		"   {\"abandon_max\": 0.5, \"measured\": 0.11, \"ci95\": [0.05, 0.2], \"pass\": true,"
		"   \"result\": \"pass\"}]}\n";
	struct report_run *r = NULL;
	char err[512] = "", path[600];
	put(tmpdir, "summary.json", incon_json);
	ck_assert_msg(report_load(tmpdir, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(report_run_verdict(r), "inconclusive");
	struct report_opts o = {.quiet = true};
	ck_assert_msg(report_write(&r, 1, &o, err, sizeof(err)) == 0, "%s", err);
	snprintf(path, sizeof(path), "%s/report/index.html", tmpdir);
	char *html = slurp(path);
	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_nonnull(strstr(html, "<span class=\"inconclusive\">INCONCLUSIVE</span>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"inconclusive\">INCONCLUSIVE</td><td>the interval straddles"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"pass\">PASS"));
	ck_assert_ptr_nonnull(strstr(html, "td.inconclusive{"));
	ck_assert_ptr_nonnull(strstr(html, "not decided: schedule not kept: INVITE lateness p99 16.4 ms"));
	ck_assert_ptr_nonnull(strstr(html, "p99 16.40 ms on the wire, limit 10.00 ms: not kept"));
	free(html);
	ck_assert_str_eq(report_verdict_class("error"), "error");
	ck_assert_str_eq(report_verdict_label("inconclusive"), "INCONCLUSIVE");
	ck_assert_str_eq(report_verdict_class("maybe"), "unknown");
	report_run_free(r);
}
END_TEST

START_TEST(test_missing_gnuplot_is_reported)
{
	struct report_run *r = NULL;
	char err[512] = "";
	put(tmpdir, "summary.json", summary_json);
	ck_assert_int_eq(report_load(tmpdir, &r, err, sizeof(err)), 0);
	struct report_opts o = {.quiet = true, .gnuplot = "/nonexistent/gnuplot"};
	ck_assert_int_eq(report_write(&r, 1, &o, err, sizeof(err)), ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "gnuplot"));
	ck_assert_int_eq(report_gnuplot_check("/nonexistent/gnuplot"), ENOENT);
	report_run_free(r);
}
END_TEST


static const char scn_yaml[] =
	"name: tiny\n"
	"center: {operators: 2}\n"
	"tenants:\n"
	"  - {id: acme, number: \"0300000001\", name: \"株式会社アクメ\", share: 0.5, forwarding: unconditional}\n"
	"  - {id: evil, number: \"0300000002\", name: \"イービル\", share: 0.5, forwarding: {no_answer_s: 9}}\n"
	"callers:\n  patience_s: {exponential: 40}\n  types:\n    inquiry: {share: 1, talk_s: {exponential: 60}}\n"
	"load:\n  - {phase: quiet, duration_s: 60, rate_per_min: 1}\n"
	"  - {phase: rush, duration_s: 60, rate_per_min: 2}\n";

START_TEST(test_scenario_splits_calls_by_phase)
{
	struct report_run *r = NULL;
	char err[512] = "", path[600];
	put(tmpdir, "summary.json", summary_json);
	put(tmpdir, "calls.csv", calls_csv);
	put(tmpdir, "tiny.yaml", scn_yaml);
	ck_assert_int_eq(report_load(tmpdir, &r, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/tiny.yaml", tmpdir);
	ck_assert_msg(report_run_set_scenario(r, path, err, sizeof(err)) == 0, "%s", err);
	struct report_opts o = {.quiet = true};
	ck_assert_msg(report_write(&r, 1, &o, err, sizeof(err)) == 0, "%s", err);
	snprintf(path, sizeof(path), "%s/report/wait_cdf.dat", tmpdir);
	char *dat = slurp(path);
	ck_assert_ptr_nonnull(dat);
	/* calls 1-4 were dialled in quiet (t < 60 s), call 5 in rush */
	ck_assert_ptr_nonnull(strstr(dat, "# quiet\n# 2 answered, 1 abandoned of 3 offered"));
	ck_assert_ptr_nonnull(strstr(dat, "# rush\n# 1 answered, 0 abandoned of 1 offered"));
	free(dat);
	snprintf(path, sizeof(path), "%s/nope.yaml", tmpdir);
	ck_assert_int_ne(report_run_set_scenario(r, path, err, sizeof(err)), 0);
	report_run_free(r);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_csv_quotes_commas_and_newlines);
	tcase_add_test(tc, test_csv_bad_rows_say_where);
	tcase_add_test(tc, test_html_escape);
	tcase_add_test(tc, test_folder_without_results_is_refused);
	tcase_add_test(tc, test_malformed_summary_says_line_and_column);
	tcase_add_test(tc, test_report_of_a_folder);
	tcase_add_test(tc, test_report_shows_inconclusive);
	tcase_add_test(tc, test_missing_gnuplot_is_reported);
	tcase_add_test(tc, test_scenario_splits_calls_by_phase);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
