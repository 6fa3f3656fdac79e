/* secretaryd's default data directory and its creation (server/datadir.h). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"

static const char *dflt(struct datadir_env e, const char **why)
{
	static char b[4096];
	ck_assert_int_eq(datadir_default(&e, b, sizeof b, why), 0);
	return b;
}

START_TEST(test_datadir_default_order)
{
	const char *why;
	struct datadir_env e = {.home = "/home/aiko"};
	ck_assert_str_eq(dflt(e, &why), "/home/aiko/.local/state/secretaryd");
	ck_assert_str_eq(why, "HOME");
	e.xdg_state_home = "relative/state"; /* invalid per XDG: ignored */
	ck_assert_str_eq(dflt(e, &why), "/home/aiko/.local/state/secretaryd");
	e.xdg_state_home = "/srv/state";
	ck_assert_str_eq(dflt(e, &why), "/srv/state/secretaryd");
	e.invocation_id = "0123abcd"; /* a systemd unit without StateDirectory= */
	ck_assert_str_eq(dflt(e, &why), "/var/lib/secretaryd");
	ck_assert_str_eq(why, "systemd");
	e.invocation_id = NULL;
	e.root = true;
	ck_assert_str_eq(dflt(e, &why), "/var/lib/secretaryd");
	ck_assert_str_eq(why, "root");
	e.state_directory = "/var/lib/sd-a:/var/lib/sd-b"; /* StateDirectory= wins */
	ck_assert_str_eq(dflt(e, &why), "/var/lib/sd-a");
	ck_assert_str_eq(why, "STATE_DIRECTORY");
}
END_TEST

START_TEST(test_datadir_default_never_cwd)
{
	struct datadir_env e = {.home = "relative"};
	char b[64];
	const char *why;
	ck_assert_int_eq(datadir_default(&e, b, sizeof b, &why), ENOENT);
	e.home = NULL;
	ck_assert_int_eq(datadir_default(&e, b, sizeof b, &why), ENOENT);
	e.home = "/home/a-very-long-name-that-does-not-fit-in-sixty-four-bytes-at-all";
	ck_assert_int_eq(datadir_default(&e, b, sizeof b, &why), ENAMETOOLONG);
}
END_TEST

START_TEST(test_datadir_prepare_creates_0750)
{
	char tmpl[] = "/tmp/check_datadir.XXXXXX", dir[256], err[512];
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(dir, sizeof dir, "%s/a/b/secretaryd", tmpl);
	mode_t old = umask(022);
	ck_assert_int_eq(datadir_prepare(dir, err, sizeof err), 0);
	umask(old);
	struct stat st;
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0750);
	ck_assert_int_eq(datadir_prepare(dir, err, sizeof err), 0); /* exists: fine */

	/* a file in the way: the path, the reason and the fix */
	char file[300];
	snprintf(file, sizeof file, "%s/plain", tmpl);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(datadir_prepare(file, err, sizeof err), ENOTDIR);
	ck_assert_ptr_nonnull(strstr(err, file));
	ck_assert_ptr_nonnull(strstr(err, strerror(ENOTDIR)));
	ck_assert_ptr_nonnull(strstr(err, "--data-dir DIR"));
	snprintf(dir, sizeof dir, "%s/plain/sub", tmpl);
	ck_assert_int_eq(datadir_prepare(dir, err, sizeof err), ENOTDIR);
	ck_assert_int_eq(datadir_prepare("", err, sizeof err), EINVAL);
	unlink(file);
	snprintf(dir, sizeof dir, "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(dir), 0);
}
END_TEST

static Suite *datadir_suite(void)
{
	Suite *s = suite_create("datadir");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_datadir_default_order);
	tcase_add_test(tc, test_datadir_default_never_cwd);
	tcase_add_test(tc, test_datadir_prepare_creates_0750);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(datadir_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
