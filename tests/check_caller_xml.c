/*
 * check_caller_xml: the check of a user's caller flow for `ringbench live
 * --caller-xml` (caller_xml.h). A flow that uses the required fields passes
 * wherever they stand (CDATA cut by expat at each ']', attribute values);
 * the same names in a comment do not count; each problem is reported at its
 * line and column (from 1) with what was expected, and the status is 2.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caller_xml.h"

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_caller_xml.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/flow.xml", tmpdir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(tmpdir);
}

/* Writes text to path and checks it; err gets the message. */
static int check_text(const char *text, char *err, size_t n)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return caller_xml_check(path, err, n);
}

/* A small flow: field2 in an attribute, field0 and field1 in CDATA. */
#define GOOD                                                                          \
	"<?xml version=\"1.0\"?>\n"                                                   \
	"<scenario name=\"t\">\n"                                                     \
	"  <nop><action><assignstr assign_to=\"a\" value=\"[field2]\"/></action></nop>\n" \
	"  <send><![CDATA[\n"                                                         \
	"      INVITE sip:[field1]@[remote_ip] SIP/2.0\n"                             \
	"      Call-ID: [field0]///[call_id]\n"                                       \
	"    ]]></send>\n"                                                            \
	"</scenario>\n"

START_TEST(good_flow_passes)
{
	char err[1024];
	ck_assert_int_eq(check_text(GOOD, err, sizeof err), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(fields_in_a_comment_do_not_count)
{
	char err[2048], text[1024];
	/* the attribute's [field2] moved into a comment */
	snprintf(text, sizeof text,
		 "<?xml version=\"1.0\"?>\n<scenario>\n<!-- [field2] -->\n"
		 "<send><![CDATA[INVITE sip:[field1]@x\nCall-ID: [field0]///[call_id]]]></send>\n"
		 "</scenario>\n");
	ck_assert_int_eq(check_text(text, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "flow.xml:1:1: [field2] not used: the send instant"));
	ck_assert_ptr_null(strstr(err, "[field0] not used"));
	ck_assert_ptr_null(strstr(err, "[field1] not used"));
}
END_TEST

START_TEST(field_past_the_last_at_its_position)
{
	char err[1024], text[1024];
	snprintf(text, sizeof text, "%s", GOOD);
	char *p = strstr(text, "[remote_ip]");
	memcpy(p, "[field23]", 9); /* "[remote_ip]" is 11: the rest stays */
	ck_assert_int_eq(check_text(text, err, sizeof err), 2);
	/* line 5, after "      INVITE sip:[field1]@" (26 characters) */
	ck_assert_ptr_nonnull(strstr(err, "flow.xml:5:27: [field23]: ringbench writes field0 to field22 only"));
	ck_assert_ptr_null(strchr(err, '\n')); /* the only problem */
}
END_TEST

START_TEST(key_without_slashes)
{
	char err[1024], text[1024];
	snprintf(text, sizeof text, "%s", GOOD);
	memcpy(strstr(text, "]///["), "]:::[", 5);
	ck_assert_int_eq(check_text(text, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "flow.xml:1:1: [field0] never followed by ///: expected Call-ID: "
					  "[field0]///[call_id]"));
}
END_TEST

START_TEST(not_well_formed_at_its_position)
{
	char err[1024];
	ck_assert_int_eq(check_text("<?xml version=\"1.0\"?>\n<scenario>\n  <send>\n</scenario>\n", err,
				    sizeof err), 2);
	ck_assert_str_eq(strstr(err, "/flow.xml:"), "/flow.xml:4:3: not well-formed XML: mismatched tag");
}
END_TEST

START_TEST(root_must_be_scenario)
{
	char err[2048], text[1024];
	snprintf(text, sizeof text, "%s", GOOD);
	memcpy(strstr(text, "<scenario"), "<scenarix", 9);
	memcpy(strstr(text, "</scenario"), "</scenarix", 10);
	ck_assert_int_eq(check_text(text, err, sizeof err), 2);
	ck_assert_ptr_nonnull(strstr(err, "flow.xml:2:1: root element <scenarix>: expected <scenario>"));
}
END_TEST

START_TEST(unreadable)
{
	char err[1024];
	ck_assert_int_eq(caller_xml_check("/nonexistent/flow.xml", err, sizeof err), 2);
	ck_assert_str_eq(err, "/nonexistent/flow.xml: cannot read: No such file or directory");
}
END_TEST

START_TEST(small_buffer_is_cut_not_overrun)
{
	char err[16];
	memset(err, 'x', sizeof err);
	ck_assert_int_eq(check_text("<?xml version=\"1.0\"?>\n<x/>\n", err, 12), 2);
	ck_assert_uint_eq(strlen(err), 11);
	ck_assert_int_eq(err[12], 'x');
}
END_TEST

static Suite *caller_xml_suite(void)
{
	Suite *su = suite_create("caller_xml");
	TCase *tc = tcase_create("check");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_flow_passes);
	tcase_add_test(tc, fields_in_a_comment_do_not_count);
	tcase_add_test(tc, field_past_the_last_at_its_position);
	tcase_add_test(tc, key_without_slashes);
	tcase_add_test(tc, not_well_formed_at_its_position);
	tcase_add_test(tc, root_must_be_scenario);
	tcase_add_test(tc, unreadable);
	tcase_add_test(tc, small_buffer_is_cut_not_overrun);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(caller_xml_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
