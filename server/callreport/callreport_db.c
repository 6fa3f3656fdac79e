/*
 * callreport_db: the report latencies of each call, in the CDR database
 * (DATA_DIR/cdr.sqlite, beside the center's `calls` table): table
 * `reports`, one row per delivered report, and the view `calls_reports`
 * (calls joined with their report's latencies). Rows are committed by sqlq
 * (the queued SQLite writer, every 200 ms, its own connection), so neither
 * the delivery thread nor the SIP loop waits for the disk. The delivery
 * thread may deliver a report before the center's writer has committed the
 * call's row, which is why the latencies have their own table rather than
 * an UPDATE.
 */
#define LOG_TAG "reportcdr"
#include "callreport_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "sqlq.h"

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

struct crdb {
	struct sqlq *q;
	char delivery[16];
};

/* sqlq's bind: one delivered report. */
static int bind_item(sqlite3_stmt *s, const void *item, void *arg)
{
	const struct crdb_item *v = item;
	const struct crdb *r = arg;
	sqlite3_bind_text(s, 1, v->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, v->call_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, v->tenant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, r->delivery, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 5, rb_us_to_s(v->hangup));
	sqlite3_bind_double(s, 6, rb_us_to_s(v->written));
	sqlite3_bind_double(s, 7, rb_us_to_s(v->delivered));
	sqlite3_bind_double(s, 8, rb_us_to_s(v->delivered - v->hangup));
	sqlite3_bind_double(s, 9, rb_us_to_s(v->delivered - v->written));
	sqlite3_bind_int(s, 10, (int)v->attempts);
	return 0;
}

int crdb_open(struct crdb **out, const char *path, const char *delivery, char *err, size_t errlen)
{
	struct crdb *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	snprintf(r->delivery, sizeof r->delivery, "%s", delivery);
	struct sqlq_opts o = {
		.path = path,
		.schema = schema,
		.insert = "INSERT OR IGNORE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?)",
		.item_size = sizeof(struct crdb_item),
		.bind = bind_item,
		.bind_arg = r,
		.every = 200000,
		.busy_ms = 10000,
		.what = "reports",
		.log_tag = LOG_TAG,
		.unit = "report latency rows",
	};
	int e = sqlq_open(&r->q, &o, err, errlen);
	if (e) {
		free(r);
		return e;
	}
	*out = r;
	return 0;
}

void crdb_add(struct crdb *r, const struct spool_done_info *d)
{
	struct crdb_item it;
	snprintf(it.call_id, sizeof it.call_id, "%s", d->call_id);
	snprintf(it.tenant, sizeof it.tenant, "%s", d->tenant);
	snprintf(it.name, sizeof it.name, "%s", d->name);
	it.hangup = d->t_hangup_epoch;
	it.written = d->t_written_epoch;
	it.delivered = d->t_delivered_epoch;
	it.attempts = d->attempts;
	if (sqlq_add(r->q, &it))
		rb_log(LOG_ERR, "report latency of %s lost: out of memory", d->call_id);
}

int crdb_sync(struct crdb *r, rb_us timeout)
{
	return sqlq_sync(r->q, timeout);
}

void crdb_close(struct crdb *r, const char *fallback_path)
{
	if (!r)
		return;
	sqlq_close(r->q, fallback_path);
	free(r);
}
