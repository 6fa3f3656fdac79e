/* Unit tests of the queued SQLite writer (server/center/sqlq.c): every item from
 * several threads committed, flush on request, a failed batch rolled back
 * whole and reported while later batches still commit, errors at open. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
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
	ck_assert_int_eq(sqlq_close(q), 0);
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
	ck_assert_int_eq(sqlq_close(q), 0);

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
	ck_assert_int_eq(sqlq_close(q), 0);
	ck_assert_int_eq(query("select count(*) from t"), 51);
}
END_TEST

/* Waits until n batches have failed (at most 2 s). */
static void wait_failed(struct sqlq *q, uint64_t n)
{
	for (int i = 0; i < 400 && sqlq_failed_batches(q) < n; i++)
		usleep(5000);
	ck_assert_uint_eq(sqlq_failed_batches(q), n);
}

START_TEST(test_a_failed_batch_is_rolled_back_and_later_ones_commit)
{
	char err[256] = "";
	struct sqlq *q = NULL;
	struct sqlq_opts o = opts(RB_US_PER_S);
	ck_assert_int_eq(sqlq_open(&q, &o, err, sizeof err), 0);
	usleep(50000);
	/* One batch: two good items around one the CHECK refuses. */
	struct item a = mk(1), bad = mk(-1), b = mk(2);
	sqlq_add(q, &a);
	sqlq_add(q, &bad);
	sqlq_add(q, &b);
	sqlq_flush_soon(q);
	wait_failed(q, 1);
	ck_assert_int_eq(query("select count(*) from t"), 0); /* rolled back whole */
	/* A bind failure fails its batch too. */
	struct item be = mk(3);
	be.bind_err = EINVAL;
	sqlq_add(q, &be);
	sqlq_flush_soon(q);
	wait_failed(q, 2);
	ck_assert_uint_eq(sqlq_committed(q), 0);
	/* The next batch commits. */
	struct item c = mk(4);
	sqlq_add(q, &c);
	ck_assert_int_eq(sqlq_close(q), EIO); /* a batch failed in this run */
	ck_assert_int_eq(query("select count(*) from t"), 1);
	ck_assert_int_eq(query("select k from t"), 4);
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
	ck_assert_int_eq(sqlq_close(NULL), 0);
}
END_TEST

static Suite *sqlq_suite(void)
{
	Suite *s = suite_create("sqlq");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_items_from_four_threads_all_committed_once);
	tcase_add_test(tc, test_committed_each_period_and_on_request);
	tcase_add_test(tc, test_a_failed_batch_is_rolled_back_and_later_ones_commit);
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
