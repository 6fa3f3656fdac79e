/* Unit tests of secretaryd's CDR writer (server/center/cdr.c) and queue_log. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cdr.h"
#include "queue_log.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_cdr.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int count_rows(const char *path, const char *where)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[256];
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "select count(*) from calls where %s", where);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void row_fill(struct cdr_row *w, int i)
{
	memset(w, 0, sizeof *w);
	callrec_init(&w->r);
	snprintf(w->r.call_id, sizeof w->r.call_id, "call-%d", i);
	snprintf(w->r.tenant, sizeof w->r.tenant, "acme");
	w->r.outcome = i % 2 ? OUTCOME_ANSWERED : OUTCOME_ABANDONED;
	w->r.t_invite = i * RB_US_PER_S;
	w->r.forwarding = FWD_NO_ANSWER;
	w->r.no_answer = 9 * RB_US_PER_S;
	w->seq = i;
	w->t_free = RB_T_NONE;
	w->t_invite_epoch = RB_T_NONE;
}

START_TEST(test_cdr_rows_committed_within_a_second_without_close)
{
	char path[128], err[256] = "";
	snprintf(path, sizeof path, "%s/cdr.sqlite", dir);
	struct cdr *c;
	ck_assert_int_eq(cdr_open(&c, path, 200000, err, sizeof err), 0);
	struct cdr_row w;
	for (int i = 1; i <= 50; i++) {
		row_fill(&w, i);
		ck_assert_int_eq(cdr_add(c, &w), 0);
	}
	usleep(1000000); /* the contract: committed within 1 s, no close needed */
	ck_assert_int_eq(count_rows(path, "1"), 50);
	ck_assert_uint_eq(cdr_committed(c), 50);
	ck_assert_int_eq(count_rows(path, "outcome = 'answered' and forwarding = 'no-answer' and no_answer_s = 9.0"), 25);
	ck_assert_int_eq(count_rows(path, "t_end is null and t_invite = 3.0 and call_id = 'call-3'"), 1);
	ck_assert_int_eq(cdr_close(c, NULL), 0);
}
END_TEST

START_TEST(test_cdr_close_commits_everything_and_reopen_appends)
{
	char path[128], err[256] = "";
	snprintf(path, sizeof path, "%s/cdr.sqlite", dir);
	struct cdr *c;
	struct cdr_row w;
	ck_assert_int_eq(cdr_open(&c, path, 1000000, err, sizeof err), 0);
	for (int i = 1; i <= 1000; i++) {
		row_fill(&w, i);
		cdr_add(c, &w);
	}
	ck_assert_int_eq(cdr_close(c, NULL), 0); /* at once: no wait for the timer */
	ck_assert_int_eq(count_rows(path, "1"), 1000);
	ck_assert_int_eq(cdr_open(&c, path, 200000, err, sizeof err), 0);
	row_fill(&w, 1001);
	cdr_add(c, &w);
	ck_assert_int_eq(cdr_close(c, NULL), 0);
	ck_assert_int_eq(count_rows(path, "1"), 1001);
}
END_TEST

START_TEST(test_cdr_open_fails_cleanly_on_a_bad_path)
{
	char err[256] = "";
	struct cdr *c = NULL;
	ck_assert_int_ne(cdr_open(&c, "/nonexistent-dir/x/cdr.sqlite", 200000, err, sizeof err), 0);
	ck_assert_ptr_null(c);
	ck_assert(strstr(err, "/nonexistent-dir/x/cdr.sqlite") != NULL);
}
END_TEST

START_TEST(test_queue_log_lines_in_asterisk_layout)
{
	char path[128], line[256];
	snprintf(path, sizeof path, "%s/queue_log", dir);
	struct qlog *q;
	ck_assert_int_eq(qlog_open(&q, path), 0);
	qlog_event(q, 1700000000 * RB_US_PER_S + 999999, "abc|def", "acme", NULL, "ENTERQUEUE",
		   "|%s|%d", "0312345678", 1);
	qlog_event(q, 1700000005 * RB_US_PER_S, "abc|def", "acme", "op3", "CONNECT", "%d|%s|%d", 5,
		   "op3", 2);
	ck_assert_int_eq(qlog_close(q, NULL), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "1700000000|abc_def|acme|NONE|ENTERQUEUE||0312345678|1\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "1700000005|abc_def|acme|op3|CONNECT|5|op3|2\n");
	fclose(f);
}
END_TEST

/* The phones' columns: the answering ring's time for an answered call, the
 * rings out for every call; and a database made before they existed (the
 * first 36 columns) gets them, its old rows kept. */
START_TEST(test_cdr_phone_columns_and_an_older_database)
{
	char path[128], err[256] = "";
	snprintf(path, sizeof path, "%s/cdr.sqlite", dir);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	static const char old[] = /* the calls table as secretaryd made it before */
		"CREATE TABLE calls ("
		" seq INTEGER, call_id TEXT, from_tag TEXT, tenant TEXT, caller_type TEXT,"
		" redial INTEGER, forwarding TEXT, no_answer_s REAL,"
		" t_invite REAL, t_ringing REAL, t_answer REAL, t_cancel REAL, t_final REAL, t_end REAL,"
		" final_status INTEGER, outcome TEXT, screened INTEGER, wait_s REAL, rings INTEGER,"
		" rings_heard INTEGER, answered_by TEXT, duration_s REAL, diversion_reason TEXT,"
		" history_info_cause TEXT, ruri_user TEXT, transport TEXT, src TEXT, dst TEXT,"
		" operator TEXT, t_invite_epoch REAL, t_free REAL, caller_name TEXT, caller_company TEXT,"
		" callback_number TEXT, from_user TEXT, ended_by TEXT);"
		"INSERT INTO calls (seq, call_id) VALUES (7, 'old');";
	ck_assert_int_eq(sqlite3_exec(db, old, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct cdr *c;
	ck_assert_msg(cdr_open(&c, path, 200000, err, sizeof err) == 0, "%s", err);
	struct cdr_row w;
	row_fill(&w, 1); /* answered after 2 rings out, its answering ring 3.5 s */
	w.operator_ring = 3500000;
	w.no_answers = 2;
	ck_assert_int_eq(cdr_add(c, &w), 0);
	row_fill(&w, 2); /* abandoned after 1 ring out: no ring time */
	w.operator_ring = 9000000;
	w.no_answers = 1;
	ck_assert_int_eq(cdr_add(c, &w), 0);
	ck_assert_int_eq(cdr_close(c, NULL), 0);
	ck_assert_int_eq(count_rows(path, "1"), 3);
	ck_assert_int_eq(count_rows(path, "seq = 7 and operator_ring_s is null and no_answers is null"), 1);
	ck_assert_int_eq(count_rows(path, "seq = 1 and operator_ring_s = 3.5 and no_answers = 2"), 1);
	ck_assert_int_eq(count_rows(path, "seq = 2 and operator_ring_s is null and no_answers = 1"), 1);
	/* Opened again: nothing added twice. */
	ck_assert_int_eq(cdr_open(&c, path, 200000, err, sizeof err), 0);
	ck_assert_int_eq(cdr_close(c, NULL), 0);
}
END_TEST

START_TEST(test_queue_log_ringnoanswer_as_asterisk)
{
	char path[128], line[256];
	snprintf(path, sizeof path, "%s/queue_log", dir);
	struct qlog *q;
	ck_assert_int_eq(qlog_open(&q, path), 0);
	qlog_event(q, 1700000015 * RB_US_PER_S, "abc", "acme", "op3", "RINGNOANSWER", "%lld", 15000LL);
	ck_assert_int_eq(qlog_close(q, NULL), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_str_eq(line, "1700000015|abc|acme|op3|RINGNOANSWER|15000\n");
	fclose(f);
}
END_TEST

/* A queue_log that cannot be written (/dev/full: every write ENOSPC) keeps
 * its lines, does not retry before the backoff, and at close writes them
 * to the fallback file as JSON lines, in order (issue 12). */
START_TEST(test_queue_log_keeps_lines_it_cannot_write_and_falls_back)
{
	char fb[160], line[256];
	snprintf(fb, sizeof fb, "%s/queue_log-fallback.jsonl", dir);
	struct qlog *q;
	if (qlog_open(&q, "/dev/full") != 0)
		return; /* no /dev/full here: nothing to test */
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(qlog_event(q, 1700000000 * RB_US_PER_S, "c\"1", "acme", NULL,
					    "ENTERQUEUE", "|%s|%d", "0312345678", i), 0);
	ck_assert_int_eq(qlog_flush(q), ENOSPC);
	ck_assert_int_eq(qlog_flush(q), ENOSPC); /* backing off: no write */
	ck_assert_int_eq(qlog_close(q, fb), ENOSPC);
	FILE *f = fopen(fb, "r");
	ck_assert_ptr_nonnull(f);
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		char want[160];
		snprintf(want, sizeof want,
			 "{\"queue_log\":\"1700000000|c\\\"1|acme|NONE|ENTERQUEUE||0312345678|%d\"}\n", n);
		ck_assert_str_eq(line, want);
		n++;
	}
	fclose(f);
	ck_assert_int_eq(n, 50);
}
END_TEST

Suite *cdr_suite(void)
{
	Suite *s = suite_create("cdr");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_cdr_rows_committed_within_a_second_without_close);
	tcase_add_test(tc, test_cdr_close_commits_everything_and_reopen_appends);
	tcase_add_test(tc, test_cdr_open_fails_cleanly_on_a_bad_path);
	tcase_add_test(tc, test_queue_log_lines_in_asterisk_layout);
	tcase_add_test(tc, test_queue_log_keeps_lines_it_cannot_write_and_falls_back);
	tcase_add_test(tc, test_cdr_phone_columns_and_an_older_database);
	tcase_add_test(tc, test_queue_log_ringnoanswer_as_asterisk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cdr_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
