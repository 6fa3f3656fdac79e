/* cdr: SQLite call records written by a thread in batches; see cdr.h. */
#define LOG_TAG "cdr"
#include "cdr.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"

struct cdr {
	sqlite3 *db;
	sqlite3_stmt *ins;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cdr_row *q;      /* queued rows */
	size_t n, cap;
	bool stop, soon;
	rb_us every;
	uint64_t committed;
	int failed;
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
	" callback_number TEXT, from_user TEXT, ended_by TEXT);"
	"CREATE INDEX IF NOT EXISTS calls_call_id ON calls(call_id);";

#define NCOLS 36

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

static int insert_row(struct cdr *c, const struct cdr_row *w)
{
	const struct callrec *r = &w->r;
	sqlite3_stmt *s = c->ins;
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
	int e = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return e == SQLITE_DONE ? 0 : EIO;
}

/* Commits rows[0..n) in one transaction. */
static int commit_rows(struct cdr *c, struct cdr_row *rows, size_t n)
{
	if (n == 0)
		return 0;
	int e = 0;
	char *msg = NULL;
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, &msg) != SQLITE_OK) {
		e = EIO;
		goto out;
	}
	for (size_t i = 0; i < n && !e; i++)
		e = insert_row(c, &rows[i]);
	if (e) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		e = EIO;
out:
	if (e)
		rb_log(LOG_ERR, "commit of %zu rows failed: %s", n, msg ? msg : sqlite3_errmsg(c->db));
	sqlite3_free(msg);
	return e;
}

static void *writer(void *arg)
{
	struct cdr *c = arg;
	struct cdr_row *batch = NULL;
	size_t bcap = 0;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		if (!c->stop && !c->soon) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			rb_us ns = ts.tv_nsec + (c->every % RB_US_PER_S) * 1000;
			ts.tv_sec += c->every / RB_US_PER_S + ns / 1000000000;
			ts.tv_nsec = ns % 1000000000;
			pthread_cond_timedwait(&c->cv, &c->mu, &ts);
		}
		c->soon = false;
		bool stop = c->stop;
		/* Swap buffers so the SIP thread appends while we write. */
		struct cdr_row *rows = c->q;
		size_t n = c->n, rcap = c->cap;
		c->q = batch;
		c->cap = bcap;
		c->n = 0;
		pthread_mutex_unlock(&c->mu);
		if (commit_rows(c, rows, n) == 0)
			__atomic_add_fetch(&c->committed, n, __ATOMIC_RELAXED);
		else
			c->failed = EIO;
		batch = rows;
		bcap = rcap;
		pthread_mutex_lock(&c->mu);
		if (stop && c->n == 0)
			break;
	}
	pthread_mutex_unlock(&c->mu);
	free(batch);
	return NULL;
}

int cdr_open(struct cdr **out, const char *path, rb_us flush_every, char *err, size_t errlen)
{
	struct cdr *c = calloc(1, sizeof *c);
	int e = 0;
	if (!c)
		return ENOMEM;
	c->every = flush_every > 0 && flush_every <= RB_US_PER_S ? flush_every : 200000;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : "cannot open");
		e = EIO;
		goto out;
	}
	sqlite3_busy_timeout(c->db, 5000);
	char *msg = NULL;
	if (sqlite3_exec(c->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : "schema");
		sqlite3_free(msg);
		e = EIO;
		goto out;
	}
	char sql[512];
	int k = snprintf(sql, sizeof sql, "INSERT INTO calls VALUES (?");
	for (int i = 1; i < NCOLS; i++)
		k += snprintf(sql + k, sizeof sql - (size_t)k, ",?");
	snprintf(sql + k, sizeof sql - (size_t)k, ")");
	if (sqlite3_prepare_v2(c->db, sql, -1, &c->ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(c->db));
		e = EIO;
		goto out;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if ((e = pthread_create(&c->th, NULL, writer, c))) {
		snprintf(err, errlen, "cannot start the CDR writer: %s", strerror(e));
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		goto out;
	}
	*out = c;
	return 0;
out:
	if (c->ins)
		sqlite3_finalize(c->ins);
	if (c->db)
		sqlite3_close(c->db);
	free(c);
	return e;
}

int cdr_add(struct cdr *c, const struct cdr_row *row)
{
	int e = 0;
	pthread_mutex_lock(&c->mu);
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		struct cdr_row *nq = realloc(c->q, nc * sizeof *nq);
		if (!nq) {
			e = ENOMEM;
			goto out;
		}
		c->q = nq;
		c->cap = nc;
	}
	c->q[c->n++] = *row;
out:
	pthread_mutex_unlock(&c->mu);
	return e;
}

uint64_t cdr_committed(struct cdr *c)
{
	return __atomic_load_n(&c->committed, __ATOMIC_RELAXED);
}

void cdr_flush_soon(struct cdr *c)
{
	pthread_mutex_lock(&c->mu);
	c->soon = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int cdr_close(struct cdr *c)
{
	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	int e = c->failed;
	free(c->q);
	sqlite3_finalize(c->ins);
	if (sqlite3_close(c->db) != SQLITE_OK)
		e = EIO;
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
	return e;
}
