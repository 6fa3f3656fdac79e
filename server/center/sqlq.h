/*
 * sqlq: a queued SQLite writer. Producers on any thread append fixed-size
 * items; one writer thread commits what is queued in one transaction per
 * period, so neither the SIP loop nor the spool's delivery thread ever waits
 * for the disk. secretaryd's CDRs (cdr.c, table calls) and its call-report
 * latencies (callreport_db.c, table reports) are its two users.
 *
 *   struct sqlq_opts o = {.path = "data/cdr.sqlite", .schema = "CREATE ...",
 *                         .insert = "INSERT INTO t VALUES (?,?)",
 *                         .item_size = sizeof(struct row), .bind = bind_row,
 *                         .every = 200000, .what = "calls"};
 *   struct sqlq *q; sqlq_open(&q, &o, err, sizeof err);
 *   sqlq_add(q, &row);      copies the item; never touches the disk
 *   sqlq_close(q, fallback); commits what is queued, joins the writer
 *
 * Each period the writer takes the queued items as one batch and inserts
 * them (o.bind, then one step of the insert statement, each) between BEGIN
 * and COMMIT. Nothing accepted is dropped (issue 12):
 * - a batch that fails for a reason that may pass (disk or database full,
 *   I/O error, a lock) is rolled back and kept in front of newer items; the
 *   writer tries it again after a backoff doubling from the period to
 *   o.retry_max, logs once when the failing starts and once when a commit
 *   succeeds again (with the count of tries and the time it took);
 * - an item SQLite refuses for good (a constraint, a bind error) is set
 *   aside, logged, and kept for the fallback file; the rest commit;
 * - memory is bounded: at most o.max_items are held (queued or failing);
 *   past that sqlq_add returns ENOSPC and counts it. The caller chooses
 *   what to do before reaching it (secretaryd refuses new calls with 503,
 *   sqlq_backlog);
 * - sqlq_close tries once more, then writes what is left as JSON lines
 *   (one object per item, named by the table's columns) to a fallback file,
 *   or stderr, and says how many and why in one log line.
 */
#ifndef RB_SQLQ_H
#define RB_SQLQ_H

#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

struct sqlite3_stmt;

/* Binds one item to the insert statement's parameters (from 1). Returns 0,
 * or an errno to fail the batch. Called on the writer thread. */
typedef int(sqlq_bind_fn)(struct sqlite3_stmt *s, const void *item, void *arg);

struct sqlq_opts {
	const char *path;     /* the database file, created if missing */
	const char *schema;   /* run once at open (pragmas, CREATE ... IF NOT EXISTS) */
	const char *insert;   /* the statement each item is bound to */
	size_t item_size;     /* bytes copied per sqlq_add */
	sqlq_bind_fn *bind;
	void *bind_arg;
	rb_us every;          /* commit period; default 200 ms, at most 1 s */
	int busy_ms;          /* sqlite3_busy_timeout; default 5000 */
	const char *what;     /* names the table in logs ("calls", "reports") */
	const char *log_tag;  /* its log lines' tag: the user's module ("cdr") */
	const char *unit;     /* what an item is called in logs ("CDRs"); default "rows" */
	rb_us retry_max;      /* longest backoff between retries; default 5 s */
	size_t max_items;     /* items held at most (queued or failing); default 100000 */
};

struct sqlq;

/* Opens (creating) the database, runs the schema, prepares the insert and
 * starts the writer. Strings in o are copied where kept. Returns 0, EINVAL
 * (incomplete options), EIO with "PATH: sqlite's message" in err, ENOMEM, or
 * the error of pthread_create. */
int sqlq_open(struct sqlq **out, const struct sqlq_opts *o, char *err, size_t errlen);
/* Queues a copy of item (o.item_size bytes). Returns 0, ENOMEM, or ENOSPC
 * when o.max_items are already held (counted, said at close). Thread-safe. */
int sqlq_add(struct sqlq *q, const void *item);
/* Items held and not yet committed (queued, or failing). Thread-safe. */
size_t sqlq_backlog(struct sqlq *q);
/* o.max_items as applied. */
size_t sqlq_max_items(const struct sqlq *q);
/* Waits until every item added before the call is committed (or set aside
 * for good), asking the writer to commit now; at most timeout. Returns 0,
 * ETIMEDOUT, or EAGAIN at once while commits are failing (a full disk: the
 * items stay queued). For a caller that must not go on before its row is
 * durable (the spool marks a report delivered only after its row). */
int sqlq_sync(struct sqlq *q, rb_us timeout);
/* Asks the writer to commit now (does not wait). */
void sqlq_flush_soon(struct sqlq *q);
/* Items committed so far. */
uint64_t sqlq_committed(struct sqlq *q);
/* Batches that failed so far. */
uint64_t sqlq_failed_batches(struct sqlq *q);
/* Commits everything queued (one last try), stops the writer, writes what is
 * left as JSON lines appended to fallback_path (NULL, or when it cannot be
 * opened: stderr) with one log line saying how many, where and why, closes
 * the database and frees q (NULL is fine). Returns 0, or EIO if any item
 * was not committed or closing failed. */
int sqlq_close(struct sqlq *q, const char *fallback_path);

#endif
