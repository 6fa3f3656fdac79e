/* Unit tests of the queued SQLite writer (server/center/sqlq.c): every item from
 * several threads committed, flush on request, an item refused for good set
 * aside while the rest commit, a failing batch kept and retried with a
 * backoff and a bound, the fallback file at close, errors at open. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sqlq.h"

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_sqlq.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.sqlite", dir);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

struct item {
	int k;        /* CHECK (k >= 0): a negative k fails its batch */
	char s[12];
	int bind_err; /* the bind function fails with this */
};

static int bind_item(struct sqlite3_stmt *s, const void *p, void *arg)
{
	const struct item *it = p;
	int *calls = arg;
	__atomic_add_fetch(calls, 1, __ATOMIC_RELAXED);
	if (it->bind_err)
		return it->bind_err;
	sqlite3_bind_int(s, 1, it->k);
	sqlite3_bind_text(s, 2, it->s, -1, SQLITE_TRANSIENT);
	return 0;
}

static int bind_calls;

static struct sqlq_opts opts(rb_us every)
{
	struct sqlq_opts o = {
		.path = path,
		.schema = "PRAGMA journal_mode=WAL;"
			  "CREATE TABLE IF NOT EXISTS t (k INTEGER CHECK (k >= 0), s TEXT);",
		.insert = "INSERT INTO t VALUES (?, ?)",
		.item_size = sizeof(struct item),
		.bind = bind_item,
		.bind_arg = &bind_calls,
		.every = every,
		.what = "t",
		.log_tag = "check_sqlq",
	};
	return o;
}

static long long query(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static struct item mk(int k)
{
	struct item it = {.k = k};
	snprintf(it.s, sizeof it.s, "v%d", k);
	return it;
}

struct producer {
	struct sqlq *q;
	int from, n;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (int i = 0; i < p->n; i++) {
		struct item it = mk(p->from + i);
		ck_assert_int_eq(sqlq_add(p->q, &it), 0);
		if (i % 100 == 0)
			usleep(1000); /* spread over several periods */
	}
	return NULL;
}

START_TEST(test_items_from_four_threads_all_committed_once)
{
	char err[256] = "";
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(20000);
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	pthread_t th[4];
	struct producer p[4];
	for (int i = 0; i < 4; i++) {
		p[i] = (struct producer){q, i * 10000, 2500};
		ck_assert_int_eq(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(sqlq_close(q, NULL), 0);
	ck_assert_int_eq(query("select count(*) from t"), 10000);
	ck_assert_int_eq(query("select count(distinct k) from t"), 10000);
	/* the sum of 0..2499 + 10000..12499 + 20000..22499 + 30000..32499 */
	ck_assert_int_eq(query("select sum(k) from t"), 4LL * 2499 * 2500 / 2 + 2500LL * 60000);
	ck_assert_int_eq(query("select count(*) from t where s = 'v' || k"), 10000);
}
END_TEST

START_TEST(test_committed_each_period_and_on_request)
{
	char err[256] = "";
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(200000);
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	for (int i = 0; i < 50; i++) {
		struct item it = mk(i);
		ck_assert_int_eq(sqlq_add(q, &it), 0);
	}
	usleep(600000); /* a period or two, without close */
	ck_assert_uint_eq(sqlq_committed(q), 50);
	ck_assert_int_eq(query("select count(*) from t"), 50);
	ck_assert_int_eq(sqlq_close(q, NULL), 0);

	/* A 1 s period: sqlq_flush_soon commits well before it. */
	o = opts(RB_US_PER_S);
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	usleep(50000); /* let the writer start waiting */
	struct item it = mk(1000);
	ck_assert_int_eq(sqlq_add(q, &it), 0);
	sqlq_flush_soon(q);
	for (int i = 0; i < 40 && sqlq_committed(q) < 1; i++)
		usleep(5000);
	ck_assert_uint_eq(sqlq_committed(q), 1);
	ck_assert_int_eq(sqlq_close(q, NULL), 0);
	ck_assert_int_eq(query("select count(*) from t"), 51);
}
END_TEST

/* Lines of the file at p, and whether one holds needle. */
static int file_lines(const char *p, const char *needle, bool *found)
{
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	*found = false;
	while (fgets(line, sizeof line, f)) {
		n++;
		*found |= needle && strstr(line, needle) != NULL;
	}
	fclose(f);
	return n;
}

START_TEST(test_an_item_refused_for_good_is_set_aside_and_the_rest_commit)
{
	char err[256] = "", fb[160];
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(RB_US_PER_S);
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	usleep(50000);
	/* One batch: two good items around one the CHECK refuses, and one
	 * whose bind fails: neither may hold the others back forever. */
	struct item a = mk(1), bad = mk(-1), b = mk(2), be = mk(3);
	be.bind_err = EINVAL;
	sqlq_add(q, &a);
	sqlq_add(q, &bad);
	sqlq_add(q, &b);
	sqlq_add(q, &be);
	sqlq_flush_soon(q);
	for (int i = 0; i < 400 && sqlq_committed(q) < 2; i++)
		usleep(5000);
	ck_assert_uint_eq(sqlq_committed(q), 2);
	ck_assert_uint_eq(sqlq_failed_batches(q), 0);
	snprintf(fb, sizeof fb, "%s/fallback.jsonl", dir);
	ck_assert_int_eq(sqlq_close(q, fb), EIO); /* not everything committed */
	ck_assert_int_eq(query("select count(*) from t"), 2);
	ck_assert_int_eq(query("select sum(k) from t"), 3);
	bool found;
	/* the refused item is in the fallback file, named by the columns;
	 * the one that cannot even be bound is counted as lost */
	ck_assert_int_eq(file_lines(fb, "{\"k\":-1,\"s\":\"v-1\"}", &found), 1);
	ck_assert(found);
}
END_TEST

/* Another connection holding the write lock: the writer's commits fail
 * with SQLITE_BUSY, a failure that passes, like a full disk. */
static sqlite3 *lock_db(void)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

START_TEST(test_a_failing_batch_is_kept_retried_with_backoff_and_bounded)
{
	char err[256] = "";
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(20000);
	o.busy_ms = 1;
	o.retry_max = 160000;
	o.max_items = 100;
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	usleep(50000);
	sqlite3 *db = lock_db();
	for (int i = 0; i < 100; i++) {
		struct item it = mk(i);
		ck_assert_int_eq(sqlq_add(q, &it), 0);
		sqlq_flush_soon(q); /* a busy producer: must not make the retries spin */
	}
	struct item over = mk(1000);
	ck_assert_int_eq(sqlq_add(q, &over), ENOSPC); /* the bound */
	ck_assert_uint_eq(sqlq_backlog(q), 100);
	usleep(1000000);
	/* 20, 40, 80, 160, 160, ... ms: about 9 tries in 1 s, not hundreds */
	uint64_t tries = sqlq_failed_batches(q);
	ck_assert_uint_ge(tries, 4);
	ck_assert_uint_le(tries, 12);
	ck_assert_uint_eq(sqlq_committed(q), 0);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int i = 0; i < 100 && sqlq_committed(q) < 100; i++)
		usleep(5000);
	ck_assert_uint_eq(sqlq_committed(q), 100); /* every one, once */
	ck_assert_uint_eq(sqlq_backlog(q), 0);
	struct item later = mk(2000);
	ck_assert_int_eq(sqlq_add(q, &later), 0);
	ck_assert_int_eq(sqlq_close(q, NULL), 0);
	ck_assert_int_eq(query("select count(*) from t"), 101);
	ck_assert_int_eq(query("select count(distinct k) from t"), 101);
}
END_TEST

START_TEST(test_what_cannot_be_committed_at_close_goes_to_the_fallback_file)
{
	char err[256] = "", fb[160];
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(20000);
	o.busy_ms = 1;
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	struct item first = mk(7);
	sqlq_add(q, &first);
	for (int i = 0; i < 100 && sqlq_committed(q) < 1; i++)
		usleep(5000);
	sqlite3 *db = lock_db();
	for (int i = 0; i < 30; i++) {
		struct item it = mk(100 + i);
		snprintf(it.s, sizeof it.s, "q\"\\\n%d", i); /* escaped in JSON */
		ck_assert_int_eq(sqlq_add(q, &it), 0);
	}
	snprintf(fb, sizeof fb, "%s/fallback.jsonl", dir);
	ck_assert_int_eq(sqlq_close(q, fb), EIO);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	bool found;
	ck_assert_int_eq(file_lines(fb, "{\"k\":129,\"s\":\"q\\\"\\\\\\u000a29\"}", &found), 30);
	ck_assert(found);
	ck_assert_int_eq(query("select count(*) from t"), 1); /* and not in the table */
}
END_TEST

START_TEST(test_open_errors)
{
	char err[256] = "";
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(0);
	o.path = "/nonexistent-dir/x/t.sqlite";
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), EIO);
	ck_assert_ptr_null(q);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x/t.sqlite"));
	o = opts(0);
	o.insert = "INSERT INTO nosuch VALUES (?)";
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), EIO);
	ck_assert_ptr_nonnull(strstr(err, "nosuch"));
	o = opts(0);
	o.bind = NULL;
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), EINVAL);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(sqlq_close(NULL, NULL), 0);
}
END_TEST

static Suite *sqlq_suite(void)
{
	Suite *s = suite_create("sqlq");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_items_from_four_threads_all_committed_once);
	tcase_add_test(tc, test_committed_each_period_and_on_request);
	tcase_add_test(tc, test_an_item_refused_for_good_is_set_aside_and_the_rest_commit);
	tcase_add_test(tc, test_a_failing_batch_is_kept_retried_with_backoff_and_bounded);
	tcase_add_test(tc, test_what_cannot_be_committed_at_close_goes_to_the_fallback_file);
	tcase_add_test(tc, test_open_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sqlq_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
