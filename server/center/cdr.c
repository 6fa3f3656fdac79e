/* cdr: the calls table and its rows, written through sqlq (the queued
 * SQLite writer); see cdr.h. */
#define LOG_TAG "cdr"
#include "cdr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sqlq.h"

struct cdr {
	struct sqlq *q;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS calls ("
	" seq INTEGER, call_id TEXT, from_tag TEXT, tenant TEXT, caller_type TEXT,"
	" redial INTEGER, forwarding TEXT, no_answer_s REAL,"
	" t_invite REAL, t_ringing REAL, t_answer REAL, t_cancel REAL, t_final REAL, t_end REAL,"
	" final_status INTEGER, outcome TEXT, screened INTEGER, wait_s REAL, rings INTEGER,"
	" rings_heard INTEGER, answered_by TEXT, duration_s REAL, diversion_reason TEXT,"
	" history_info_cause TEXT, ruri_user TEXT, transport TEXT, src TEXT, dst TEXT,"
	" operator TEXT, t_invite_epoch REAL, t_free REAL, caller_name TEXT, caller_company TEXT,"
	" callback_number TEXT, from_user TEXT, ended_by TEXT, operator_ring_s REAL,"
	" no_answers INTEGER);"
	"CREATE INDEX IF NOT EXISTS calls_call_id ON calls(call_id);";

#define NCOLS 38

/* Columns added after the first release, in order: a database made before
 * gets them (ALTER TABLE appends, as the positional INSERT expects). */
static const char *const added[][2] = {
	{"operator_ring_s", "REAL"},
	{"no_answers", "INTEGER"},
};

static void bind_t(sqlite3_stmt *s, int i, rb_us t)
{
	if (t == RB_T_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, rb_us_to_s(t));
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
	if (!v[0])
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* sqlq's bind: one row's 38 columns. */
static int bind_row(sqlite3_stmt *s, const void *item, void *arg)
{
	const struct cdr_row *w = item;
	const struct callrec *r = &w->r;
	int i = 1;
	sqlite3_bind_int64(s, i++, w->seq);
	bind_str(s, i++, r->call_id);
	bind_str(s, i++, r->from_tag);
	bind_str(s, i++, r->tenant);
	bind_str(s, i++, r->caller_type);
	sqlite3_bind_int(s, i++, r->redial);
	bind_str(s, i++, call_fwd_name(r->forwarding));
	bind_t(s, i++, r->forwarding == FWD_UNKNOWN ? RB_T_NONE : r->no_answer);
	bind_t(s, i++, r->t_invite);
	bind_t(s, i++, r->t_ringing);
	bind_t(s, i++, r->t_answer);
	bind_t(s, i++, r->t_cancel);
	bind_t(s, i++, r->t_final);
	bind_t(s, i++, r->t_end);
	if (r->final_status)
		sqlite3_bind_int(s, i++, r->final_status);
	else
		sqlite3_bind_null(s, i++);
	const char *o = call_outcome_name(r->outcome);
	bind_str(s, i++, o ? o : "");
	if (r->screened >= 0)
		sqlite3_bind_int(s, i++, r->screened);
	else
		sqlite3_bind_null(s, i++);
	bind_t(s, i++, r->wait);
	if (r->rings)
		sqlite3_bind_int(s, i++, r->rings);
	else
		sqlite3_bind_null(s, i++);
	if (r->rings_heard)
		sqlite3_bind_int(s, i++, r->rings_heard);
	else
		sqlite3_bind_null(s, i++);
	bind_str(s, i++, r->answered_by);
	bind_t(s, i++, r->duration);
	bind_str(s, i++, r->diversion_reason);
	bind_str(s, i++, r->history_info_cause);
	bind_str(s, i++, r->ruri_user);
	bind_str(s, i++, r->transport);
	bind_str(s, i++, r->src);
	bind_str(s, i++, r->dst);
	bind_str(s, i++, w->operator_);
	bind_t(s, i++, w->t_invite_epoch);
	bind_t(s, i++, w->t_free);
	bind_str(s, i++, w->caller_name);
	bind_str(s, i++, w->caller_company);
	bind_str(s, i++, w->callback_number);
	bind_str(s, i++, w->from_user);
	bind_str(s, i++, w->ended_by);
	bind_t(s, i++, r->outcome == OUTCOME_ANSWERED ? w->operator_ring : RB_T_NONE);
	sqlite3_bind_int(s, i++, w->no_answers);
	return 0;
}

/*
 * A calls table made by an older secretaryd lacks the added columns: they
 * are appended (NULL in the old rows), so its rows and the new ones stay in
 * one table. 0, or EIO with the message in err.
 */
static int add_columns(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int e = 0, have = 0, found[sizeof added / sizeof added[0]] = {0};
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0; /* no database yet: the schema makes it whole */
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "PRAGMA table_info(calls)", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 1);
			have++;
			for (size_t k = 0; name && k < sizeof added / sizeof added[0]; k++)
				found[k] |= !strcmp(name, added[k][0]);
		}
	sqlite3_finalize(st);
	for (size_t k = 0; have && !e && k < sizeof added / sizeof added[0]; k++) {
		char sql[128];
		snprintf(sql, sizeof sql, "ALTER TABLE calls ADD COLUMN %s %s", added[k][0], added[k][1]);
		if (!found[k] && sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
			e = EIO;
		}
	}
	sqlite3_close(db);
	return e;
}

int cdr_open(struct cdr **out, const char *path, rb_us flush_every, char *err, size_t errlen)
{
	int e = add_columns(path, err, errlen);
	if (e)
		return e;
	struct cdr *c = calloc(1, sizeof *c);
	if (!c)
		return ENOMEM;
	char sql[512];
	int k = snprintf(sql, sizeof sql, "INSERT INTO calls VALUES (?");
	for (int i = 1; i < NCOLS; i++)
		k += snprintf(sql + k, sizeof sql - (size_t)k, ",?");
	snprintf(sql + k, sizeof sql - (size_t)k, ")");
	struct sqlq_opts o = {
		.path = path,
		.schema = schema,
		.insert = sql,
		.item_size = sizeof(struct cdr_row),
		.bind = bind_row,
		.every = flush_every,
		.busy_ms = 5000,
		.what = "calls",
		.log_tag = LOG_TAG,
		.unit = "CDRs",
		.max_items = CDR_MAX_HELD,
	};
	e = sqlq_open(&c->q, &o, err, errlen);
	if (e) {
		free(c);
		return e;
	}
	*out = c;
	return 0;
}

int cdr_add(struct cdr *c, const struct cdr_row *row)
{
	return sqlq_add(c->q, row);
}

size_t cdr_backlog(struct cdr *c)
{
	return sqlq_backlog(c->q);
}

uint64_t cdr_committed(struct cdr *c)
{
	return sqlq_committed(c->q);
}

void cdr_flush_soon(struct cdr *c)
{
	sqlq_flush_soon(c->q);
}

int cdr_close(struct cdr *c, const char *fallback_path)
{
	if (!c)
		return 0;
	int e = sqlq_close(c->q, fallback_path);
	free(c);
	return e;
}
