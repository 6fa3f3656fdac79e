/*
 * scn_check: the two assertions the scenario loader's tests share: a text
 * that loads, and a text refused with a message (file:line:col and what was
 * expected) containing `want`. Header-only, for check(3) test programs.
 */
#ifndef RB_TESTS_SCN_CHECK_H
#define RB_TESTS_SCN_CHECK_H

#include <check.h>
#include <errno.h>
#include <string.h>

#include "scn.h"

/* Loads text as "t.yaml"; fails the test with the loader's message if it does not load. */
static inline struct scenario *scn_check_ok(const char *text)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int rc = scn_load_string(text, strlen(text), "t.yaml", &s, err, sizeof err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	return s;
}

/* text must be refused (EINVAL, nothing allocated) with a message containing want. */
static inline void scn_check_bad(const char *text, const char *want)
{
	struct scenario *s = NULL;
	char err[512] = "";
	ck_assert_int_eq(scn_load_string(text, strlen(text), "t.yaml", &s, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, want), "got '%s', wanted '%s'", err, want);
	ck_assert_ptr_null(s);
}

#endif
