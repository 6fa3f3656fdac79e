/*
 * sharedir_find (core/sharedir.h) from a build tree: the source tree's shipped
 * files are found, a missing one is ENOENT, a short buffer ENAMETOOLONG.
 * The installed lookup (beside the binary) is tests/integration/install_run.sh's.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sharedir.h"

START_TEST(test_sharedir_find_source_tree)
{
	char buf[PATH_MAX];
	ck_assert_int_eq(sharedir_find("scenarios/sipp/live_caller.xml", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, RB_SOURCE_DIR "/scenarios/sipp/live_caller.xml");
	ck_assert_int_eq(sharedir_find("scenarios/quick.yaml", buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_sharedir_find_missing)
{
	char buf[PATH_MAX];
	ck_assert_int_eq(sharedir_find("scenarios/no-such-file.yaml", buf, sizeof(buf)), ENOENT);
	/* a folder is not a file */
	ck_assert_int_eq(sharedir_find("scenarios/sipp", buf, sizeof(buf)), ENOENT);
}
END_TEST

START_TEST(test_sharedir_find_short_buffer)
{
	char buf[8];
	ck_assert_int_eq(sharedir_find("scenarios/quick.yaml", buf, sizeof(buf)), ENAMETOOLONG);
}
END_TEST

static Suite *sharedir_suite(void)
{
	Suite *s = suite_create("sharedir");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_sharedir_find_source_tree);
	tcase_add_test(tc, test_sharedir_find_missing);
	tcase_add_test(tc, test_sharedir_find_short_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sharedir_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
