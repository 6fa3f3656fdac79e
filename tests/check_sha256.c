/*
 * sha256: the digests of FIPS 180-2's examples (one piece, many pieces,
 * nothing), and the same from several threads at once (its library is
 * started once, by whichever thread comes first).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

static void hex(const unsigned char *md, char out[65])
{
	for (int i = 0; i < RB_SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char *ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char *TWO_BLOCKS = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char *EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char *LONG_IN = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

START_TEST(test_sha256_known_digests)
{
	unsigned char md[RB_SHA256_LEN];
	char h[65];
	ck_assert_int_eq(rb_sha256("abc", 3, md), 0);
	hex(md, h);
	ck_assert_str_eq(h, ABC);
	ck_assert_int_eq(rb_sha256(LONG_IN, strlen(LONG_IN), md), 0);
	hex(md, h);
	ck_assert_str_eq(h, TWO_BLOCKS);
	ck_assert_int_eq(rb_sha256("", 0, md), 0);
	hex(md, h);
	ck_assert_str_eq(h, EMPTY);
}
END_TEST

START_TEST(test_sha256_in_pieces)
{
	struct rb_sha256 c;
	unsigned char md[RB_SHA256_LEN];
	char h[65];
	rb_sha256_open(&c);
	ck_assert(c.ok);
	for (size_t i = 0; i < strlen(LONG_IN); i += 5) /* pieces of 5, the last shorter */
		rb_sha256_put(&c, LONG_IN + i, strlen(LONG_IN) - i < 5 ? strlen(LONG_IN) - i : 5);
	rb_sha256_put(&c, "", 0);
	ck_assert_int_eq(rb_sha256_close(&c, md), 0);
	hex(md, h);
	ck_assert_str_eq(h, TWO_BLOCKS);
	ck_assert_ptr_null(c.h);
}
END_TEST

static void *hash_abc(void *arg)
{
	unsigned char md[RB_SHA256_LEN];
	char *h = arg;
	if (rb_sha256("abc", 3, md) == 0)
		hex(md, h);
	return NULL;
}

START_TEST(test_sha256_threads)
{
	pthread_t th[4];
	char h[4][65] = {{0}};
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hash_abc, h[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_str_eq(h[i], ABC);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("core");
	/* the thread test first, while the library is not yet started */
	tcase_add_test(tc, test_sha256_threads);
	tcase_add_test(tc, test_sha256_known_digests);
	tcase_add_test(tc, test_sha256_in_pieces);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
