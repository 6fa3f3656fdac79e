/* Unit tests of the tenant rules (server/tenant_rules*.c): answering names,
 * the mobile policy, test calls, fees, changes (PUT, reload) and history. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tenant_rules.h"

static struct scenario *load(const char *yaml)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int rc = scn_load_string(yaml, strlen(yaml), "t.yaml", &s, err, sizeof err);
	ck_assert_msg(rc == 0, "scn_load_string: %s", err);
	return s;
}

#define BASE                                                                                       \
	"center: {operators: 2}\n"                                                                 \
	"callers: {talk_s: 60}\n"                                                                  \
	"load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n"

static const char *const good_scn = BASE
    "tenants:\n"
    "  - {id: acme, number: \"0312345678\", name: \"株式会社アクメ\", share: 0.5,\n"
    "     report_to: acme@example.org, mobile_disclosure: {listed: [\"09011110001\", \"09011110002\", \"09011110003\"]},\n"
    "     mobile_number: \"09099998888\"}\n"
    "  - {id: beta, number: \"0398765432\", name: \"ベータ商事\", share: 0.5, mobile_disclosure: any}\n";

START_TEST(test_name_builtin_labels_refused)
{
	const char *bad[] = {
	    "株式会社アクメ お客様窓口", "アクメお客様相談室", "アクメ カスタマーサービス",
	    "カスタマーセンター東京", "アクメサポートセンター", "アクメ緊急連絡先",
	    "ACME Customer Service", "acme customer support", "ACME Help-Desk",
	    "ACME helpdesk", "Emergency line", "ＡＣＭＥ　ＨＥＬＰ　ＤＥＳＫ",
	    "アクメ カスタマー・サービス", "ACME Customer_Support",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *label = NULL;
		ck_assert_msg(trules_check_name(bad[i], NULL, 0, &label) == EINVAL, "accepted '%s'", bad[i]);
		ck_assert_ptr_nonnull(label);
	}
	const char *label = NULL;
	trules_check_name("ACME Help-Desk", NULL, 0, &label);
	ck_assert_str_eq(label, "help desk");
	trules_check_name("ＡＣＭＥ　お客様窓口", NULL, 0, &label);
	ck_assert_str_eq(label, "お客様窓口");
}
END_TEST

START_TEST(test_name_ordinary_names_accepted)
{
	const char *good[] = {"株式会社アクメ", "ベータ商事", "山田法律事務所", "ACME Trading Co.",
			      "サポート商事", "Customer Relations Consulting"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(trules_check_name(good[i], NULL, 0, NULL) == 0, "refused '%s'", good[i]);
	ck_assert_int_eq(trules_check_name(NULL, NULL, 0, NULL), 0);
}
END_TEST

START_TEST(test_name_extra_labels_from_scenario_refused_with_tenant_and_label)
{
	struct scenario *s = load(BASE "tenants: [{id: acme, number: \"1\", name: \"アクメ ホットライン\"}]\n"
					"server: {refused_labels: [hotline, ホットライン]}\n");
	struct trule_set *ts = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), EINVAL);
	ck_assert_ptr_null(ts);
	ck_assert_msg(strstr(err, "tenant 'acme'") && strstr(err, "'ホットライン'") &&
			  strstr(err, "アクメ ホットライン"),
		      "message: %s", err);
	scn_free(s);
	/* The same name without the extra label is fine. */
	s = load(BASE "tenants: [{id: acme, number: \"1\", name: \"アクメ ホットライン\"}]\n");
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), 0);
	trules_set_free(ts);
	scn_free(s);
}
END_TEST

START_TEST(test_validate_report_address)
{
	struct scenario *s = load(BASE "tenants: [{id: acme, number: \"1\", report_to: \"a@b.c\\r\\nBcc: x@y.z\"}]\n");
	struct trule_set *ts = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "report_to") && strstr(err, "tenant 'acme'"), "message: %s", err);
	scn_free(s);
}
END_TEST

START_TEST(test_mobile_policy)
{
	struct scenario *s = load(good_scn);
	struct trule_set *ts = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), 0);
	const struct trule_tenant *a = trules_find(ts, "acme"), *b = trules_find(ts, "beta");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(trules_mobile(a, "09011110002", true), TMOB_NOT_NEEDED);
	ck_assert_int_eq(trules_mobile(a, "09011110002", false), TMOB_OFFERED);
	ck_assert_int_eq(trules_mobile(a, "09055555555", false), TMOB_NOT_LISTED);
	ck_assert_int_eq(trules_mobile(b, "09055555555", false), TMOB_NONE_REGISTERED);
	struct trule_tenant none = *b;
	none.mobile = MOBILE_NONE;
	ck_assert_int_eq(trules_mobile(&none, "0901", false), TMOB_POLICY_NONE);
	none.mobile = MOBILE_ANY;
	none.mobile_number = "09000000000";
	ck_assert_int_eq(trules_mobile(&none, "0901", false), TMOB_OFFERED);
	ck_assert_int_eq(trules_fee_yen(a), 3 * 220);
	ck_assert_int_eq(trules_fee_yen(b), 0);
	trules_set_free(ts);
	scn_free(s);
}
END_TEST

START_TEST(test_summary_prints_registration_fees)
{
	struct scenario *s = load(good_scn);
	struct trule_set *ts = NULL;
	char err[512] = "", *buf = NULL;
	size_t n = 0;
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), 0);
	FILE *f = open_memstream(&buf, &n);
	trules_summary(f, ts);
	fclose(f);
	ck_assert_msg(strstr(buf, "registration fees: 660 yen (3 spot registrations x 220 yen)"), "%s", buf);
	ck_assert_msg(strstr(buf, "registration fees, all tenants: 660 yen"), "%s", buf);
	ck_assert_msg(strstr(buf, "acme@example.org"), "%s", buf);
	free(buf);
	trules_set_free(ts);
	scn_free(s);
}
END_TEST

START_TEST(test_test_call_detected)
{
	struct trule_tenant t = {.id = "acme", .number = "0312345678"};
	ck_assert(trules_is_test_call(&t, "0312345678", "inquiry"));
	ck_assert(trules_is_test_call(&t, "09011112222", "test"));
	ck_assert(!trules_is_test_call(&t, "09011112222", "inquiry"));
	ck_assert(!trules_is_test_call(&t, "", ""));
}
END_TEST

START_TEST(test_put_changes_one_tenant_on_a_copy)
{
	struct scenario *s = load(good_scn);
	struct trule_set *ts = NULL, *ns = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), 0);
	const char *body = "{\"name\": \"アクメ商会\", \"report_to\": \"new@example.org\", "
			   "\"mobile_disclosure\": \"none\"}";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), 0);
	ck_assert_str_eq(trules_find(ns, "acme")->name, "アクメ商会");
	ck_assert_str_eq(trules_find(ns, "acme")->report_to, "new@example.org");
	ck_assert_int_eq(trules_find(ns, "acme")->mobile, MOBILE_NONE);
	ck_assert_uint_eq(trules_find(ns, "acme")->n_listed, 0);
	/* the old set is untouched */
	ck_assert_str_eq(trules_find(ts, "acme")->name, "株式会社アクメ");
	ck_assert_uint_eq(trules_find(ts, "acme")->n_listed, 3);
	trules_set_free(ns);
	ns = NULL;
	body = "{\"mobile_disclosure\": {\"listed\": [\"0901\"]}, \"mobile_number\": null}";
	ck_assert_int_eq(trules_set_put(ts, "beta", body, strlen(body), &ns, err, sizeof err), 0);
	ck_assert_int_eq(trules_find(ns, "beta")->mobile, MOBILE_LISTED);
	ck_assert_int_eq(trules_fee_yen(trules_find(ns, "beta")), 220);
	trules_set_free(ns);
	trules_set_free(ts);
	scn_free(s);
}
END_TEST

START_TEST(test_put_invalid_change_refused_whole)
{
	struct scenario *s = load(good_scn);
	struct trule_set *ts = NULL, *ns = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &ts, err, sizeof err), 0);
	/* a good report address and a refused name: nothing changes */
	const char *body = "{\"report_to\": \"new@example.org\", \"name\": \"アクメ お客様相談室\"}";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), EINVAL);
	ck_assert_ptr_null(ns);
	ck_assert_msg(strstr(err, "お客様相談室") && strstr(err, "tenant 'acme'"), "%s", err);
	ck_assert_str_eq(trules_find(ts, "acme")->report_to, "acme@example.org");
	body = "{\"nmae\": \"x\"}";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "unknown key 'nmae'"), "%s", err);
	body = "{\"name\": ";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), EINVAL);
	body = "{\"name\": 3}";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), EINVAL);
	body = "{\"mobile_disclosure\": \"sometimes\"}";
	ck_assert_int_eq(trules_set_put(ts, "acme", body, strlen(body), &ns, err, sizeof err), EINVAL);
	body = "{}";
	ck_assert_int_eq(trules_set_put(ts, "gamma", body, strlen(body), &ns, err, sizeof err), ENOENT);
	ck_assert_ptr_null(ns);
	trules_set_free(ts);
	scn_free(s);
}
END_TEST

START_TEST(test_reload_must_keep_tenants_and_numbers)
{
	struct scenario *s = load(good_scn);
	struct scenario *s2 = load(BASE "tenants: [{id: acme, number: \"0312345678\"}]\n");
	struct trule_set *a = NULL, *b = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &a, err, sizeof err), 0);
	ck_assert_int_eq(trules_set_from_scn(s2, &b, err, sizeof err), 0);
	ck_assert_int_eq(trules_same_tenants(a, b, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "needs a restart"), "%s", err);
	ck_assert_int_eq(trules_same_tenants(a, a, err, sizeof err), 0);
	trules_set_free(a);
	trules_set_free(b);
	scn_free(s);
	scn_free(s2);
}
END_TEST

START_TEST(test_history_gives_settings_in_force_at_arrival)
{
	struct scenario *s = load(good_scn);
	struct trule_set *a = NULL, *b = NULL;
	char err[512] = "";
	ck_assert_int_eq(trules_set_from_scn(s, &a, err, sizeof err), 0);
	const char *body = "{\"name\": \"新アクメ\"}";
	ck_assert_int_eq(trules_set_put(a, "acme", body, strlen(body), &b, err, sizeof err), 0);
	struct trules_hist h = {0};
	ck_assert_int_eq(trules_hist_push(&h, a, 1000), 0);
	ck_assert_int_eq(trules_hist_push(&h, b, 5000), 0);
	ck_assert_ptr_eq(trules_hist_at(&h, 10), a);
	ck_assert_ptr_eq(trules_hist_at(&h, 4999), a);
	ck_assert_ptr_eq(trules_hist_at(&h, 5000), b);
	ck_assert_ptr_eq(trules_hist_current(&h), b);
	trules_hist_prune(&h, 4000); /* a still in force at 4000: kept */
	ck_assert_uint_eq(h.n, 2);
	trules_hist_prune(&h, 6000);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_ptr_eq(trules_hist_at(&h, 10), b);
	trules_hist_free(&h);
	scn_free(s);
}
END_TEST

static Suite *tenant_rules_suite(void)
{
	Suite *s = suite_create("tenant_rules");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_name_builtin_labels_refused);
	tcase_add_test(tc, test_name_ordinary_names_accepted);
	tcase_add_test(tc, test_name_extra_labels_from_scenario_refused_with_tenant_and_label);
	tcase_add_test(tc, test_validate_report_address);
	tcase_add_test(tc, test_mobile_policy);
	tcase_add_test(tc, test_summary_prints_registration_fees);
	tcase_add_test(tc, test_test_call_detected);
	tcase_add_test(tc, test_put_changes_one_tenant_on_a_copy);
	tcase_add_test(tc, test_put_invalid_change_refused_whole);
	tcase_add_test(tc, test_reload_must_keep_tenants_and_numbers);
	tcase_add_test(tc, test_history_gives_settings_in_force_at_arrival);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tenant_rules_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
