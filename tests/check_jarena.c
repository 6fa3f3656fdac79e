/*
 * jarena: jansson's allocations inside an arena come from its blocks (and a
 * tree made, dumped and dropped there reads the same); values made outside
 * are freed as usual inside it; another thread's allocations never land in
 * this thread's arena; arenas nest.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jarena.h"

static json_t *tree(int n)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%05d", i);
		json_object_set_new(o, k, json_pack("{s:i, s:f, s:[i, s]}", "i", i, "x", i / 8.0, "a", i, "s"));
	}
	return o;
}

START_TEST(test_jarena_tree_made_and_dropped)
{
	json_t *outside = tree(100);
	char *want = json_dumps(outside, JSON_SORT_KEYS);
	struct jarena a;
	jarena_begin(&a);
	ck_assert_ptr_null(a.head);
	json_t *t = tree(100), *big = tree(5000);
	ck_assert_ptr_nonnull(a.head); /* jansson allocated from the arena */
	json_decref(outside);          /* made outside: freed by free() */
	char *got = json_dumps(t, JSON_SORT_KEYS);
	ck_assert_str_eq(got, want);
	json_decref(big);
	json_decref(t);
	/* the text was made in the arena too: copied before it ends */
	size_t n = strlen(got);
	char *keep = malloc(n + 1);
	memcpy(keep, got, n + 1);
	jarena_end(&a);
	ck_assert_ptr_null(a.head);
	ck_assert_str_eq(keep, want);
	free(keep);
	free(want);
	/* after the end, allocations are malloc's again */
	json_t *after = tree(10);
	ck_assert_int_eq(json_object_size(after), 10);
	json_decref(after);
}
END_TEST

static void *other_thread(void *arg)
{
	json_t *t = tree(2000);
	*(size_t *)arg = json_object_size(t);
	json_decref(t);
	return NULL;
}

START_TEST(test_jarena_other_threads_not_in_it)
{
	struct jarena a;
	jarena_begin(&a);
	pthread_t th;
	size_t n = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, other_thread, &n), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(n, 2000);
	ck_assert_ptr_null(a.head); /* nothing of the other thread's here */
	jarena_end(&a);
}
END_TEST

START_TEST(test_jarena_nested)
{
	struct jarena outer, inner;
	jarena_begin(&outer);
	json_t *o = tree(50);
	jarena_begin(&inner);
	json_t *i = tree(50);
	ck_assert_ptr_nonnull(inner.head);
	json_decref(o); /* the outer arena's, freed inside the inner one */
	json_decref(i);
	jarena_end(&inner);
	json_t *o2 = tree(50); /* the outer arena again */
	json_decref(o2);
	ck_assert_ptr_nonnull(outer.head);
	jarena_end(&outer);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jarena");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_jarena_tree_made_and_dropped);
	tcase_add_test(tc, test_jarena_other_threads_not_in_it);
	tcase_add_test(tc, test_jarena_nested);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
