/* Unit tests of the call report message (server/callreport/callreport_mail.c): headers,
 * the RFC 2047 subject (decoded here), the body, cleaning of caller input.
 * Python's email parser reads the same messages in the integration tests. */
#include <check.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "callreport_mail.h"

static struct crmail_call sample(void)
{
	struct crmail_call rc = {
		.tenant_id = "acme",
		.answering_name = "株式会社アクメ",
		.report_to = "acme@example.org",
		.from_addr = "reports@center.example.jp",
		.call_id = "1-2345@127.0.0.1",
		.seq = 7,
		.t_call_epoch = INT64_C(1764244800) * 1000000,
		.t_written_epoch = INT64_C(1764244900) * 1000000,
		.caller_name = "山田太郎",
		.caller_company = "山田工業株式会社",
		.callback_number = "09012345678",
		.caller_number = "09012345678",
		.caller_type = "inquiry",
		.rings_heard = 4,
		.mobile = TMOB_NOT_NEEDED,
		.answered_by = "op3",
		.talk_s = 92,
	};
	return rc;
}

static int b64v(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes a header value made of "=?UTF-8?B?...?=" words separated by
 * folding white space (RFC 2047 section 6.2: that space is dropped). */
static char *decode_2047(const char *v, size_t n)
{
	char *out = calloc(1, n + 1);
	size_t k = 0;
	const char *p = v, *end = v + n;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		ck_assert_msg(end - p > 12 && strncmp(p, "=?UTF-8?B?", 10) == 0, "not an encoded word: %.*s",
			      (int)(end - p), p);
		p += 10;
		const char *q = strstr(p, "?=");
		ck_assert_ptr_nonnull(q);
		unsigned acc = 0;
		int bits = 0;
		for (; p < q; p++) {
			if (*p == '=')
				continue;
			int d = b64v(*p);
			ck_assert_int_ge(d, 0);
			acc = (acc << 6) | (unsigned)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[k++] = (char)((acc >> bits) & 0xFF);
			}
		}
		p = q + 2;
	}
	return out;
}

/* The unfolded raw value of header name (without the name). */
static char *header(const char *msg, const char *name)
{
	size_t nl = strlen(name);
	const char *end = strstr(msg, "\r\n\r\n");
	for (const char *p = msg; p && p < end; p = strstr(p, "\r\n") + 2) {
		if (strncmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e = v;
			while ((e = strstr(e, "\r\n")) && (e[2] == ' ' || e[2] == '\t'))
				e += 2;
			return strndup(v, (size_t)(e - v));
		}
	}
	return NULL;
}

START_TEST(test_report_headers_and_mime)
{
	struct crmail_call rc = sample();
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_uint_eq(strlen(m), n);
	char *to = header(m, "To"), *ct = header(m, "Content-Type"), *mv = header(m, "MIME-Version");
	ck_assert_str_eq(to, " acme@example.org");
	ck_assert_str_eq(ct, " text/plain; charset=UTF-8");
	ck_assert_str_eq(mv, " 1.0");
	char *date = header(m, "Date"), *mid = header(m, "Message-ID"), *cid = header(m, "X-Ringbench-Call-ID");
	ck_assert_ptr_nonnull(date);
	ck_assert_msg(strstr(mid, "@center.example.jp>"), "%s", mid);
	ck_assert_str_eq(cid, " 1-2345@127.0.0.1");
	/* Every line ends in CRLF; header lines stay within 78 characters. */
	const char *hend = strstr(m, "\r\n\r\n");
	for (const char *p = m; p < hend;) {
		const char *e = strstr(p, "\r\n");
		ck_assert_msg(e - p <= 78, "long header line: %.*s", (int)(e - p), p);
		p = e + 2;
	}
	for (const char *p = m; (p = strchr(p, '\n')); p++)
		ck_assert_msg(p > m && p[-1] == '\r', "bare LF");
	free(to), free(ct), free(mv), free(date), free(mid), free(cid), free(m);
}
END_TEST

START_TEST(test_report_subject_is_rfc2047_japanese)
{
	struct crmail_call rc = sample();
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	char *raw = header(m, "Subject");
	for (const char *p = raw; *p; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "8-bit byte in the subject header");
	char *subj = decode_2047(raw, strlen(raw));
	char *want = crmail_subject(&rc);
	ck_assert_str_eq(subj, want);
	ck_assert_msg(strstr(subj, "株式会社アクメ") && strstr(subj, "山田太郎"), "%s", subj);
	ck_assert_msg(!strstr(subj, "テスト"), "not a test call: %s", subj);
	free(raw), free(subj), free(want), free(m);
}
END_TEST

START_TEST(test_report_test_call_marked_in_subject)
{
	struct crmail_call rc = sample();
	rc.test_call = true;
	rc.caller_type = "test";
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	char *raw = header(m, "Subject");
	char *subj = decode_2047(raw, strlen(raw));
	ck_assert_msg(strncmp(subj, "【テスト】", strlen("【テスト】")) == 0, "%s", subj);
	char *xt = header(m, "X-Ringbench-Test");
	ck_assert_str_eq(xt, " yes");
	free(raw), free(subj), free(xt), free(m);
}
END_TEST

START_TEST(test_report_body_says_what_the_issue_lists)
{
	struct crmail_call rc = sample();
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	const char *body = strstr(m, "\r\n\r\n") + 4;
	const char *want[] = {"応対名: 株式会社アクメ", "お名前: 山田太郎 様",
			      "会社名: 山田工業株式会社", "折り返し先: 09012345678",
			      "ご用件の種別: お問い合わせ (inquiry)", "呼出回数: 4 回",
			      "ご用件: ", "折り返しのご希望: あり"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ck_assert_msg(strstr(body, want[i]), "body lacks '%s':\n%s", want[i], body);
	}
	ck_assert_msg(strstr(body, "日時: 2025-"), "the date (any TZ): %s", body);
	ck_assert_msg(!strstr(body, "携帯番号"), "a caller who gave a number needs no mobile: %s", body);
	free(m);
}
END_TEST

/* A person's report (SIP operators, POST .../report): their words replace
 * the gist, line breaks cleaned; their callback wish overrides the number's. */
START_TEST(test_report_person_message_and_callback_wish)
{
	struct crmail_call rc = sample();
	rc.message = "明日10時に\n折り返し希望";
	rc.callback_wanted = CRMAIL_CB_NO;
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	const char *body = strstr(m, "\r\n\r\n") + 4;
	ck_assert_msg(strstr(body, "ご用件: 明日10時に 折り返し希望\r\n"), "%s", body);
	ck_assert_msg(!strstr(body, "ご担当者様宛"), "the generated gist too: %s", body);
	ck_assert_msg(strstr(body, "折り返しのご希望: なし"), "%s", body);
	free(m);
	rc.callback_number = "";
	rc.callback_wanted = CRMAIL_CB_YES;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_msg(strstr(m, "折り返しのご希望: あり"), "%s", m);
	free(m);
}
END_TEST

START_TEST(test_report_no_callback_says_so_and_mobile_action)
{
	struct crmail_call rc = sample();
	rc.callback_number = "";
	rc.caller_type = "no_callback";
	rc.mobile = TMOB_OFFERED;
	rc.mobile_number = "09099998888";
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_msg(strstr(m, "折り返し先: お教えいただけませんでした"), "%s", m);
	ck_assert_msg(strstr(m, "携帯番号 (09099998888) をお伝えしました"), "%s", m);
	ck_assert_msg(strstr(m, "折り返しのご希望: なし"), "%s", m);
	ck_assert_msg(strstr(m, "X-Ringbench-Mobile: offered"), "%s", m);
	free(m);
	rc.mobile = TMOB_NOT_LISTED;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_msg(strstr(m, "していません（ご案内先に登録のない方）"), "%s", m);
	free(m);
}
END_TEST

START_TEST(test_report_caller_input_cannot_add_headers)
{
	struct crmail_call rc = sample();
	rc.caller_name = "Eve\r\nBcc: victim@example.org\r\n";
	rc.call_id = "x\r\nBcc: a@b.c";
	rc.caller_company = "bad \xff\xfe utf8";
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_ptr_null(strstr(m, "\r\nBcc:"));
	ck_assert_ptr_nonnull(strstr(m, "bad ?? utf8"));
	free(m);
}
END_TEST

START_TEST(test_rfc2047_long_subject_split_on_characters)
{
	/* 40 three-byte characters: several words, none splitting a character. */
	char s[200] = "";
	for (int i = 0; i < 40; i++)
		memcpy(s + 3 * i, "あ", 3);
	s[120] = 0;
	char *e = crmail_rfc2047(s);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "\r\n =?UTF-8?B?"));
	char *d = decode_2047(e, strlen(e));
	ck_assert_str_eq(d, s);
	/* each word decodes alone to whole characters (a multiple of 3 bytes) */
	for (const char *p = e; (p = strstr(p, "=?UTF-8?B?"));) {
		const char *q = strstr(p, "?=");
		char *w = decode_2047(p, (size_t)(q + 2 - p));
		ck_assert_uint_eq(strlen(w) % 3, 0);
		ck_assert_uint_le((size_t)(q + 2 - p), 75);
		free(w);
		p = q;
	}
	free(d);
	free(e);
}
END_TEST

START_TEST(test_report_needs_an_address)
{
	struct crmail_call rc = sample();
	rc.report_to = NULL;
	char *m = NULL;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), EINVAL);
	ck_assert_ptr_null(m);
}
END_TEST

/* A report for a fixed UTC instant speaks Tokyo time (+0900) whatever the
 * process's TZ: the zone comes from the scenario, not the environment. */
START_TEST(test_report_dates_in_the_zone_not_the_process_tz)
{
	static const char *const process_tz[] = {"UTC", "America/Los_Angeles", "Europe/Berlin"};
	char err[256];
	struct tzone *tokyo = NULL;
	ck_assert_msg(tzone_load("Asia/Tokyo", &tokyo, err, sizeof err) == 0, "%s", err);
	for (size_t i = 0; i < sizeof process_tz / sizeof process_tz[0]; i++) {
		setenv("TZ", process_tz[i], 1); /* single-threaded test: safe here */
		tzset();
		struct crmail_call rc = sample();
		rc.zone = tokyo;
		rc.t_call_epoch = INT64_C(1764257400) * 1000000;    /* 2025-11-27 15:30:00 UTC */
		rc.t_written_epoch = INT64_C(1764257501) * 1000000; /* 15:31:41 UTC */
		char *m, *subj = crmail_subject(&rc);
		size_t n;
		ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
		char *date = header(m, "Date");
		ck_assert_str_eq(date, " Fri, 28 Nov 2025 00:31:41 +0900");
		ck_assert_msg(strstr(m, "日時: 2025-11-28 00:30:00 +0900\r\n"), "TZ=%s: %s", process_tz[i], m);
		ck_assert_msg(strstr(subj, "(11/28 00:30)"), "TZ=%s: %s", process_tz[i], subj);
		free(date), free(subj), free(m);
	}
	/* without a zone: UTC, said as +0000 (never the process's TZ either) */
	struct crmail_call rc = sample();
	char *m;
	size_t n;
	ck_assert_int_eq(crmail_compose(&rc, &m, &n), 0);
	ck_assert_msg(strstr(m, "日時: 2025-11-27 12:00:00 +0000\r\n"), "%s", m);
	free(m);
	unsetenv("TZ");
	tzset();
	tzone_free(tokyo);
}
END_TEST

static Suite *crmail_suite(void)
{
	Suite *s = suite_create("callreport_mail");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_report_headers_and_mime);
	tcase_add_test(tc, test_report_subject_is_rfc2047_japanese);
	tcase_add_test(tc, test_report_test_call_marked_in_subject);
	tcase_add_test(tc, test_report_body_says_what_the_issue_lists);
	tcase_add_test(tc, test_report_person_message_and_callback_wish);
	tcase_add_test(tc, test_report_no_callback_says_so_and_mobile_action);
	tcase_add_test(tc, test_report_caller_input_cannot_add_headers);
	tcase_add_test(tc, test_rfc2047_long_subject_split_on_characters);
	tcase_add_test(tc, test_report_needs_an_address);
	tcase_add_test(tc, test_report_dates_in_the_zone_not_the_process_tz);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crmail_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
