/* sqlq: the queued SQLite writer; see sqlq.h. */
#define LOG_TAG "sqlq"
#include "sqlq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"

/* A growable array of items. */
struct sqlq_buf {
	char *v;
	size_t n, cap;           /* in items */
};

struct sqlq {
	sqlite3 *db;
	sqlite3_stmt *ins;
	size_t isz;
	sqlq_bind_fn *bind;
	void *bind_arg;
	rb_us every;
	char what[32], tag[32];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sqlq_buf pending; /* producers append here (under mu) */
	struct sqlq_buf batch;   /* the writer's, outside mu */
	bool stop, soon;
	uint64_t committed, failed_batches;
	int failed;              /* EIO once a batch failed */
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
		return;
	}
	if (p->n == 0 || buf_reserve(b, q->isz, b->n + p->n))
		return; /* out of memory: they stay pending for the next period */
	memcpy(b->v + b->n * q->isz, p->v, p->n * q->isz);
	b->n += p->n;
	p->n = 0;
}

/* Inserts the batch in one transaction. Returns 0, or EIO with why. */
static int commit_batch(struct sqlq *q, const char **why)
{
	const struct sqlq_buf *b = &q->batch;
	*why = NULL;
	if (sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*why = sqlite3_errmsg(q->db);
		return EIO;
	}
	int e = 0;
	for (size_t i = 0; i < b->n && !e; i++) {
		e = q->bind(q->ins, b->v + i * q->isz, q->bind_arg);
		if (!e && sqlite3_step(q->ins) != SQLITE_DONE)
			e = EIO;
		sqlite3_reset(q->ins);
		sqlite3_clear_bindings(q->ins);
	}
	if (!e && sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		e = EIO;
	if (e) {
		*why = sqlite3_errmsg(q->db);
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return e;
}

/*
 * The one place that decides what a failed batch becomes. Today: logged,
 * counted and dropped (sqlq_close reports EIO). Keeping it for the next
 * period instead is leaving q->batch.n as it is: take_pending appends the
 * newer items after it and the loop in writer() commits it again (its exit
 * test, pending empty once stopping, would then also want the batch empty
 * or a last try given up).
 */
static void batch_failed(struct sqlq *q, const char *why)
{
	rb_log_at(LOG_ERR, q->tag, "commit of %zu rows into %s failed: %s", q->batch.n, q->what,
		  why ? why : "error");
	q->failed = EIO;
	__atomic_add_fetch(&q->failed_batches, 1, __ATOMIC_RELAXED);
	q->batch.n = 0;
}

static void wait_period(struct sqlq *q)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	rb_us ns = ts.tv_nsec + (q->every % RB_US_PER_S) * 1000;
	ts.tv_sec += q->every / RB_US_PER_S + ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	pthread_cond_timedwait(&q->cv, &q->mu, &ts);
}

static void *writer(void *arg)
{
	struct sqlq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (!q->stop && !q->soon)
			wait_period(q);
		q->soon = false;
		bool stop = q->stop;
		take_pending(q);
		pthread_mutex_unlock(&q->mu);
		if (q->batch.n) {
			const char *why;
			size_t n = q->batch.n;
			if (commit_batch(q, &why) == 0) {
				__atomic_add_fetch(&q->committed, n, __ATOMIC_RELAXED);
				q->batch.n = 0;
			} else {
				batch_failed(q, why);
			}
		}
		pthread_mutex_lock(&q->mu);
		if (stop && q->pending.n == 0)
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
	free(q);
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
	q->isz = o->item_size;
	q->bind = o->bind;
	q->bind_arg = o->bind_arg;
	q->every = o->every > 0 && o->every <= RB_US_PER_S ? o->every : 200000;
	snprintf(q->what, sizeof q->what, "%s", o->what ? o->what : "the table");
	snprintf(q->tag, sizeof q->tag, "%s", o->log_tag ? o->log_tag : LOG_TAG);
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
	int e = pthread_create(&q->th, NULL, writer, q);
	if (e) {
		snprintf(err, errlen, "cannot start the %s writer: %s", q->what, strerror(e));
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free_q(q);
		return e;
	}
	*out = q;
	return 0;
}

int sqlq_add(struct sqlq *q, const void *item)
{
	pthread_mutex_lock(&q->mu);
	int e = buf_reserve(&q->pending, q->isz, q->pending.n + 1);
	if (!e)
		memcpy(q->pending.v + q->pending.n++ * q->isz, item, q->isz);
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

int sqlq_close(struct sqlq *q)
{
	if (!q)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	int e = q->failed;
	sqlite3_finalize(q->ins);
	q->ins = NULL;
	if (sqlite3_close(q->db) != SQLITE_OK)
		e = EIO;
	q->db = NULL;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free_q(q);
	return e;
}
