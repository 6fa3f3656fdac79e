/* sqlq: the queued SQLite writer; see sqlq.h. */
#define LOG_TAG "sqlq"
#include "sqlq.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"
#include "rbjson.h"

/* A growable array of items. */
struct sqlq_buf {
	char *v;
	size_t n, cap;           /* in items */
};

struct sqlq {
	sqlite3 *db;
	sqlite3_stmt *ins;
	size_t isz, max_items;
	sqlq_bind_fn *bind;
	void *bind_arg;
	rb_us every, retry_max, backoff;
	char what[32], tag[32], unit[32];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t settled_cv; /* sqlq_sync waits on it */
	struct sqlq_buf pending; /* producers append here (under mu) */
	struct sqlq_buf batch;   /* the writer's, outside mu; kept while it fails */
	struct sqlq_buf refused; /* items SQLite refuses for good (a constraint) */
	size_t n_batch;          /* batch.n, readable under mu (for the bound) */
	bool stop, soon;
	uint64_t committed, failed_batches, over_bound;
	uint64_t added, settled;   /* under mu: items queued; committed or set aside */
	size_t unsettled_refused;  /* set aside since the last commit (writer's) */
	uint64_t fail_streak;    /* failed tries since the last commit */
	rb_us fail_since;        /* wall clock of the first of them */
	char why[160];           /* the last failure's reason */
	int failed;              /* EIO once an item could not be committed */
};

static int buf_reserve(struct sqlq_buf *b, size_t isz, size_t n)
{
	if (n <= b->cap)
		return 0;
	size_t nc = b->cap ? b->cap : 64;
	while (nc < n)
		nc *= 2;
	char *nv = realloc(b->v, nc * isz);
	if (!nv)
		return ENOMEM;
	b->v = nv;
	b->cap = nc;
	return 0;
}

static int buf_push(struct sqlq_buf *b, size_t isz, const void *item)
{
	int e = buf_reserve(b, isz, b->n + 1);
	if (!e)
		memcpy(b->v + b->n++ * isz, item, isz);
	return e;
}

/* Moves what producers queued into the writer's batch. Swaps when the batch
 * is empty (the usual case: no copy); appends after a batch that is still
 * there, so that a batch kept after a failure keeps its place in front. */
static void take_pending(struct sqlq *q)
{
	struct sqlq_buf *p = &q->pending, *b = &q->batch;
	if (b->n == 0) {
		struct sqlq_buf t = *b;
		*b = *p;
		*p = t;
	} else if (p->n && buf_reserve(b, q->isz, b->n + p->n) == 0) {
		memcpy(b->v + b->n * q->isz, p->v, p->n * q->isz);
		b->n += p->n;
		p->n = 0;
	} /* else out of memory: they stay pending for the next period */
	q->n_batch = b->n;
}

/* A failure that may pass (the disk full, I/O, a lock, memory): the batch
 * is kept and tried again. Any other (a constraint, a bind error) is the
 * item's own and would fail forever: that item is set aside. */
static bool transient(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_BUSY: case SQLITE_LOCKED:
	case SQLITE_NOMEM: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL: case SQLITE_READONLY:
		return true;
	default:
		return false;
	}
}

/* Inserts the batch's items; an item refused for good goes to q->refused
 * (the batch is compacted). Returns the SQLite code of a transient failure,
 * or SQLITE_OK. */
static int insert_items(struct sqlq *q)
{
	struct sqlq_buf *b = &q->batch;
	size_t w = 0;
	int rc = SQLITE_OK;
	for (size_t i = 0; i < b->n; i++) {
		char *it = b->v + i * q->isz;
		int e = rc == SQLITE_OK ? q->bind(q->ins, it, q->bind_arg) : 0;
		int s = rc == SQLITE_OK && !e ? sqlite3_step(q->ins) : SQLITE_DONE;
		sqlite3_reset(q->ins);
		sqlite3_clear_bindings(q->ins);
		if (rc == SQLITE_OK && (e || (s != SQLITE_DONE && !transient(s)))) {
			snprintf(q->why, sizeof q->why, "%s", e ? strerror(e) : sqlite3_errmsg(q->db));
			if (buf_push(&q->refused, q->isz, it) == 0)
				continue; /* set aside; else it stays and is tried again */
		} else if (rc == SQLITE_OK && s != SQLITE_DONE) {
			rc = s; /* keep this one and the rest */
		}
		if (w != i)
			memmove(b->v + w * q->isz, it, q->isz);
		w++;
	}
	b->n = w;
	return rc;
}

/* Inserts the batch in one transaction. Returns 0, or EIO with q->why. */
static int commit_batch(struct sqlq *q)
{
	int rc = sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = insert_items(q);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	snprintf(q->why, sizeof q->why, "%s", sqlite3_errmsg(q->db));
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return EIO;
}

/*
 * A failed batch stays where it is: take_pending appends newer items after
 * it and the writer tries again after a backoff that doubles from the
 * period to retry_max, so a full disk costs one try (and no log line) per
 * backoff. Logged once when the failing starts; sqlq_committed tells the
 * recovery (logged by writer_once).
 */
static void batch_failed(struct sqlq *q)
{
	__atomic_add_fetch(&q->failed_batches, 1, __ATOMIC_RELAXED);
	if (q->fail_streak++ == 0) {
		q->fail_since = rb_now_epoch_us();
		rb_log_at(LOG_ERR, q->tag, "commit of %zu %s into %s failed: %s; kept and retried "
			  "(backoff up to %.0f s, at most %zu held)", q->batch.n, q->unit, q->what,
			  q->why, rb_us_to_s(q->retry_max), q->max_items);
	}
	rb_us b = q->backoff ? q->backoff * 2 : q->every;
	pthread_mutex_lock(&q->mu); /* sqlq_sync reads it, and stops waiting */
	q->backoff = b > q->retry_max ? q->retry_max : b;
	pthread_cond_broadcast(&q->settled_cv);
	pthread_mutex_unlock(&q->mu);
}

/* One try of the batch, unlocked. */
static void writer_once(struct sqlq *q)
{
	size_t n = q->batch.n, n_refused = q->refused.n;
	int e = commit_batch(q);
	size_t newly = q->refused.n - n_refused;
	if (newly) {
		q->failed = EIO;
		rb_log_at(LOG_ERR, q->tag, "%zu %s refused by %s for good: %s (kept for the fallback "
			  "file)", newly, q->unit, q->what, q->why);
	}
	/* set aside, but settled for sqlq_sync only once the rest commits */
	q->unsettled_refused += newly;
	if (e) {
		batch_failed(q);
		return;
	}
	if (q->fail_streak)
		rb_log_at(LOG_NOTICE, q->tag, "%s committed again: %zu %s written after %llu failed "
			  "tries over %.1f s", q->what, n, q->unit, (unsigned long long)q->fail_streak,
			  rb_us_to_s(rb_now_epoch_us() - q->fail_since));
	q->fail_streak = 0;
	pthread_mutex_lock(&q->mu);
	/* counted committed and out of the backlog in one step: whoever reads
	 * sqlq_committed and then sqlq_backlog (which takes mu) never sees
	 * the batch both committed and still waiting (valgrind's slow
	 * schedule caught check_sqlq doing just that) */
	__atomic_add_fetch(&q->committed, q->batch.n, __ATOMIC_RELAXED);
	q->n_batch = 0;
	q->backoff = 0;
	q->settled += q->batch.n + q->unsettled_refused;
	pthread_cond_broadcast(&q->settled_cv);
	pthread_mutex_unlock(&q->mu);
	q->unsettled_refused = 0;
	q->batch.n = 0;
}

/* Waits for the period, or a flush request; while failing, for the
 * backoff whatever is asked, so that a busy producer cannot turn the
 * retries into a spin. Under mu. */
static void wait_turn(struct sqlq *q)
{
	rb_us wait = q->backoff ? q->backoff : q->every;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	rb_us ns = ts.tv_nsec + (wait % RB_US_PER_S) * 1000;
	ts.tv_sec += wait / RB_US_PER_S + ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	while (!q->stop && (q->backoff || !q->soon))
		if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
			break;
}

static void *writer(void *arg)
{
	struct sqlq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		wait_turn(q);
		q->soon = false;
		bool stop = q->stop;
		take_pending(q);
		pthread_mutex_unlock(&q->mu);
		if (q->batch.n)
			writer_once(q);
		pthread_mutex_lock(&q->mu);
		q->n_batch = q->batch.n;
		/* Stopping: one last try of everything, then what is left is
		 * sqlq_close's to write to the fallback file. */
		if (stop && (q->pending.n == 0 || q->batch.n))
			break;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void free_q(struct sqlq *q)
{
	sqlite3_finalize(q->ins);
	sqlite3_close(q->db);
	free(q->pending.v);
	free(q->batch.v);
	free(q->refused.v);
	free(q);
}

static void set_names(struct sqlq *q, const struct sqlq_opts *o)
{
	q->isz = o->item_size;
	q->bind = o->bind;
	q->bind_arg = o->bind_arg;
	q->every = o->every > 0 && o->every <= RB_US_PER_S ? o->every : 200000;
	q->retry_max = o->retry_max >= q->every ? o->retry_max : 5 * RB_US_PER_S;
	q->max_items = o->max_items ? o->max_items : 100000;
	snprintf(q->what, sizeof q->what, "%s", o->what ? o->what : "the table");
	snprintf(q->tag, sizeof q->tag, "%s", o->log_tag ? o->log_tag : LOG_TAG);
	snprintf(q->unit, sizeof q->unit, "%s", o->unit ? o->unit : "rows");
}

int sqlq_open(struct sqlq **out, const struct sqlq_opts *o, char *err, size_t errlen)
{
	if (!o->path || !o->schema || !o->insert || !o->bind || !o->item_size) {
		snprintf(err, errlen, "sqlq: path, schema, insert, bind and item_size are required");
		return EINVAL;
	}
	struct sqlq *q = calloc(1, sizeof *q);
	if (!q) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	set_names(q, o);
	char *msg = NULL;
	if (sqlite3_open_v2(o->path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK ||
	    sqlite3_busy_timeout(q->db, o->busy_ms > 0 ? o->busy_ms : 5000) != SQLITE_OK ||
	    sqlite3_exec(q->db, o->schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, o->insert, -1, &q->ins, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", o->path,
			 msg ? msg : q->db ? sqlite3_errmsg(q->db) : "cannot open");
		sqlite3_free(msg);
		free_q(q);
		return EIO;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	pthread_cond_init(&q->settled_cv, NULL);
	int e = pthread_create(&q->th, NULL, writer, q);
	if (e) {
		snprintf(err, errlen, "cannot start the %s writer: %s", q->what, strerror(e));
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		pthread_cond_destroy(&q->settled_cv);
		free_q(q);
		return e;
	}
	*out = q;
	return 0;
}

int sqlq_add(struct sqlq *q, const void *item)
{
	pthread_mutex_lock(&q->mu);
	int e = ENOSPC;
	if (q->pending.n + q->n_batch < q->max_items)
		e = buf_push(&q->pending, q->isz, item);
	if (e == ENOSPC)
		q->over_bound++;
	else if (!e)
		q->added++;
	pthread_mutex_unlock(&q->mu);
	return e;
}

size_t sqlq_backlog(struct sqlq *q)
{
	pthread_mutex_lock(&q->mu);
	size_t n = q->pending.n + q->n_batch;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t sqlq_max_items(const struct sqlq *q)
{
	return q->max_items;
}

int sqlq_sync(struct sqlq *q, rb_us timeout)
{
	pthread_mutex_lock(&q->mu);
	uint64_t target = q->added;
	/* While failing (a full disk) nobody waits: the items are kept and
	 * retried, and at worst go to the fallback file at close. */
	int e = q->backoff ? EAGAIN : 0;
	if (!e && q->settled < target) {
		q->soon = true;
		pthread_cond_signal(&q->cv);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		rb_us ns = ts.tv_nsec + (timeout % RB_US_PER_S) * 1000;
		ts.tv_sec += timeout / RB_US_PER_S + ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		while (!e && q->settled < target && !q->backoff)
			e = pthread_cond_timedwait(&q->settled_cv, &q->mu, &ts);
		e = q->settled >= target ? 0 : e ? e : EAGAIN;
	}
	pthread_mutex_unlock(&q->mu);
	return e;
}

void sqlq_flush_soon(struct sqlq *q)
{
	pthread_mutex_lock(&q->mu);
	q->soon = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

uint64_t sqlq_committed(struct sqlq *q)
{
	return __atomic_load_n(&q->committed, __ATOMIC_RELAXED);
}

uint64_t sqlq_failed_batches(struct sqlq *q)
{
	return __atomic_load_n(&q->failed_batches, __ATOMIC_RELAXED);
}

/* One item as a JSON object named by the table's columns: the item is bound
 * to "SELECT ?1, ?2, ..." (the insert's own binding, nothing written) and
 * each value printed by its type. Returns 0 or an errno. */
static int dump_item(struct sqlq *q, sqlite3_stmt *sel, sqlite3_stmt *cols, const void *it,
		     FILE *f)
{
	int e = q->bind(sel, it, q->bind_arg);
	if (e || sqlite3_step(sel) != SQLITE_ROW) {
		sqlite3_reset(sel);
		return e ? e : EIO;
	}
	fputc('{', f);
	for (int i = 0; i < sqlite3_column_count(sel); i++) {
		const char *name = sqlite3_step(cols) == SQLITE_ROW
					   ? (const char *)sqlite3_column_text(cols, 1) : NULL;
		char def[16];
		snprintf(def, sizeof def, "c%d", i + 1);
		fputs(i ? "," : "", f);
		rbjson_write_str(f, name ? name : def, strlen(name ? name : def));
		fputc(':', f);
		double d;
		switch (sqlite3_column_type(sel, i)) {
		case SQLITE_NULL: fputs("null", f); break;
		case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(sel, i)); break;
		case SQLITE_FLOAT:
			d = sqlite3_column_double(sel, i);
			isfinite(d) ? fprintf(f, "%.17g", d) : fputs("null", f);
			break;
		default:
			rbjson_write_str(f, (const char *)sqlite3_column_text(sel, i), (size_t)sqlite3_column_bytes(sel, i));
		}
	}
	fputs("}\n", f);
	sqlite3_reset(cols);
	sqlite3_reset(sel);
	sqlite3_clear_bindings(sel);
	return ferror(f) ? EIO : 0;
}

/* Writes the items of b to f. Returns how many were written. */
static size_t dump_buf(struct sqlq *q, const struct sqlq_buf *b, FILE *f)
{
	char sql[64 + 4 * 999] = "SELECT ?1";
	int np = sqlite3_bind_parameter_count(q->ins);
	for (int i = 2; i <= np && i < 999; i++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ",?%d", i);
	char *pragma = sqlite3_mprintf("PRAGMA table_info(%Q)", q->what);
	sqlite3_stmt *sel = NULL, *cols = NULL;
	size_t n = 0;
	if (sqlite3_prepare_v2(q->db, sql, -1, &sel, NULL) == SQLITE_OK) {
		if (!pragma || sqlite3_prepare_v2(q->db, pragma, -1, &cols, NULL) != SQLITE_OK)
			cols = NULL;
		for (size_t i = 0; i < b->n; i++)
			if (dump_item(q, sel, cols, b->v + i * q->isz, f) == 0)
				n++;
	}
	sqlite3_free(pragma);
	sqlite3_finalize(cols);
	sqlite3_finalize(sel);
	return n;
}

/* Whatever could not be committed goes to the fallback file (or stderr),
 * counted and said in one line. Returns how many items were left. */
static size_t fall_back(struct sqlq *q, const char *path)
{
	size_t left = q->refused.n + q->batch.n + q->pending.n;
	if (left == 0)
		return 0;
	FILE *f = path ? fopen(path, "a") : NULL;
	const char *where = f ? path : "stderr";
	if (!f)
		f = stderr;
	size_t n = dump_buf(q, &q->refused, f) + dump_buf(q, &q->batch, f) +
		   dump_buf(q, &q->pending, f);
	int e = fflush(f) ? errno : 0;
	if (f != stderr && fclose(f) && !e)
		e = errno;
	rb_log_at(LOG_ERR, q->tag, "%zu %s written to %s because they could not be committed into "
		  "%s: %s%s%s", n, q->unit, where, q->what, q->why, e ? "; and that write failed: " : "",
		  e ? strerror(e) : "");
	if (n < left || e)
		rb_log_at(LOG_ERR, q->tag, "%zu %s lost: neither committed nor written to %s", left - n,
			  q->unit, where);
	return left;
}

int sqlq_close(struct sqlq *q, const char *fallback_path)
{
	if (!q)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	int e = q->failed;
	if (fall_back(q, fallback_path))
		e = EIO;
	if (q->over_bound)
		rb_log_at(LOG_ERR, q->tag, "%llu %s refused at sqlq_add: %zu already held",
			  (unsigned long long)q->over_bound, q->unit, q->max_items);
	sqlite3_finalize(q->ins);
	q->ins = NULL;
	if (sqlite3_close(q->db) != SQLITE_OK)
		e = EIO;
	q->db = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->settled_cv);
	free_q(q);
	return e;
}
