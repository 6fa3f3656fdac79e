/*
 * callreport_db: the report latencies of each call, in the CDR database
 * (DATA_DIR/cdr.sqlite, beside the center's `calls` table): table
 * `reports`, one row per delivered report, and the view `calls_reports`
 * (calls joined with their report's latencies). A thread commits queued
 * rows every 200 ms with its own connection, so neither the delivery
 * thread nor the SIP loop waits for the disk. The delivery thread may
 * deliver a report before the center's writer has committed the call's row,
 * which is why the latencies have their own table rather than an UPDATE.
 */
#define LOG_TAG "reportcdr"
#include "callreport_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"

struct crdb_item {
	char call_id[96], tenant[64], name[64];
	rb_us hangup, written, delivered;
	unsigned attempts;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS reports ("
	" spool_name TEXT PRIMARY KEY, call_id TEXT, tenant TEXT, delivery TEXT,"
	" t_hangup_epoch REAL, t_written_epoch REAL, t_delivered_epoch REAL,"
	" hangup_to_delivered_s REAL, written_to_delivered_s REAL, attempts INTEGER);"
	"CREATE INDEX IF NOT EXISTS reports_call_id ON reports(call_id);"
	"CREATE VIEW IF NOT EXISTS calls_reports AS SELECT calls.*, reports.t_delivered_epoch,"
	" reports.hangup_to_delivered_s, reports.written_to_delivered_s, reports.attempts"
	" FROM calls LEFT JOIN reports USING (call_id);";

static int commit(struct crdb *r, struct crdb_item *v, size_t n)
{
	int rc = sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		sqlite3_stmt *s = r->ins;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, v[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, v[i].call_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, v[i].tenant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 4, r->delivery, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 5, rb_us_to_s(v[i].hangup));
		sqlite3_bind_double(s, 6, rb_us_to_s(v[i].written));
		sqlite3_bind_double(s, 7, rb_us_to_s(v[i].delivered));
		sqlite3_bind_double(s, 8, rb_us_to_s(v[i].delivered - v[i].hangup));
		sqlite3_bind_double(s, 9, rb_us_to_s(v[i].delivered - v[i].written));
		sqlite3_bind_int(s, 10, (int)v[i].attempts);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rb_log(LOG_ERR, "reports table: %s", sqlite3_errmsg(r->db));
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return EIO;
	}
	return 0;
}

static void *writer(void *arg)
{
	struct crdb *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (!r->n && !r->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 200000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		}
		if (!r->n && r->stop)
			break;
		struct crdb_item *v = r->q;
		size_t n = r->n;
		r->q = NULL;
		r->n = r->cap = 0;
		pthread_mutex_unlock(&r->mu);
		if (n)
			commit(r, v, n);
		free(v);
		pthread_mutex_lock(&r->mu);
		if (!r->stop) {
			/* batch: at most one commit per 200 ms */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 200000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&r->cv, &r->mu, &ts);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int crdb_open(struct crdb **out, const char *path, const char *delivery, char *err, size_t errlen)
{
	struct crdb *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	snprintf(r->delivery, sizeof r->delivery, "%s", delivery);
	if (sqlite3_open(path, &r->db) != SQLITE_OK ||
	    sqlite3_busy_timeout(r->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(r->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
			       "INSERT OR IGNORE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?)", -1,
			       &r->ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, r->db ? sqlite3_errmsg(r->db) : "cannot open");
		sqlite3_finalize(r->ins);
		sqlite3_close(r->db);
		free(r);
		return EIO;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->th, NULL, writer, r)) {
		sqlite3_finalize(r->ins);
		sqlite3_close(r->db);
		free(r);
		snprintf(err, errlen, "cannot start a thread");
		return EAGAIN;
	}
	*out = r;
	return 0;
}

void crdb_add(struct crdb *r, const struct spool_done_info *d)
{
	pthread_mutex_lock(&r->mu);
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct crdb_item *q = realloc(r->q, cap * sizeof *q);
		if (!q) {
			pthread_mutex_unlock(&r->mu);
			rb_log(LOG_ERR, "report latency of %s lost: out of memory", d->call_id);
			return;
		}
		r->q = q;
		r->cap = cap;
	}
	struct crdb_item *it = &r->q[r->n++];
	snprintf(it->call_id, sizeof it->call_id, "%s", d->call_id);
	snprintf(it->tenant, sizeof it->tenant, "%s", d->tenant);
	snprintf(it->name, sizeof it->name, "%s", d->name);
	it->hangup = d->t_hangup_epoch;
	it->written = d->t_written_epoch;
	it->delivered = d->t_delivered_epoch;
	it->attempts = d->attempts;
	pthread_mutex_unlock(&r->mu);
}

void crdb_close(struct crdb *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	sqlite3_finalize(r->ins);
	sqlite3_close(r->db);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->q);
	free(r);
}
