/* Unit tests of the call-report service (server/callreport/callreport.c) that need no
 * SIP: it keeps its own copies of the option strings (the caller's may be
 * gone: secretaryd's data directory was a buffer on main's stack). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "callreport.h"
#include "log.h"
#include "scn.h"

static char *dup_n(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	ck_assert_ptr_nonnull(d);
	return strcpy(d, s);
}

/* Overwrites and frees a string the service was given. */
static void scrap(char *s)
{
	memset(s, 'X', strlen(s));
	free(s);
}

START_TEST(test_option_strings_are_copied)
{
	char root[] = "/tmp/check_callreport.XXXXXX", want[256], err[1024] = "";
	ck_assert_ptr_nonnull(mkdtemp(root));
	char *scn_path = dup_n(RB_SOURCE_DIR "/tests/data/reports/reports.yaml");
	char *data_dir = dup_n(root), *http = dup_n("127.0.0.1:0"), *tz = dup_n("Asia/Tokyo");
	char *delivery = dup_n("maildir"), *label = dup_n("front desk");
	struct scenario *scn = NULL;
	ck_assert_msg(scn_load(scn_path, &scn, err, sizeof err) == 0, "%s", err);
	uv_loop_t loop;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	struct callreport_opts o;
	callreport_opts_default(&o);
	const char *labels[] = {label};
	o.scn = scn;
	o.scn_path = scn_path;
	o.data_dir = data_dir;
	o.http = http;
	o.timezone = tz;
	o.delivery = delivery;
	o.extra_labels = labels;
	o.n_extra_labels = 1;
	struct callreport *rs = NULL;
	ck_assert_msg(callreport_create(&rs, &loop, &o, err, sizeof err) == 0, "%s", err);
	snprintf(want, sizeof want, "Maildir under %s/maildir/<tenant>/", root);
	scrap(scn_path);
	scrap(data_dir);
	scrap(http);
	scrap(tz);
	scrap(delivery);
	scrap(label);
	memset(&o, 0, sizeof o);

	char *sum = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&sum, &n);
	callreport_summary(rs, f);
	fclose(f);
	ck_assert_msg(strstr(sum, want) != NULL, "summary: %s", sum);
	ck_assert_ptr_nonnull(strstr(sum, "time zone: Asia/Tokyo"));
	free(sum);
	/* SIGHUP re-reads the scenario file by the name it was given. */
	rb_log_set_level(LOG_ERR); /* its summary is not this test's */
	ck_assert_msg(callreport_reload(rs, err, sizeof err) == 0, "%s", err);
	char bound[128] = "";
	ck_assert_msg(callreport_attach(rs, NULL, bound, sizeof bound, err, sizeof err) == 0, "%s",
		      err);
	ck_assert_msg(strncmp(bound, "http=127.0.0.1:", 15) == 0, "%s", bound);
	callreport_detach(rs);
	uv_run(&loop, UV_RUN_NOWAIT);
	ck_assert_int_eq(callreport_close(rs, 0), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
	scn_free(scn);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *callreport_suite(void)
{
	Suite *s = suite_create("callreport");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_option_strings_are_copied);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(callreport_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
