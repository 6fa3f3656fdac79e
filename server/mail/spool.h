/*
 * spool: the durable queue of call reports between "written" and
 * "delivered" (docs/service.md Q1: reports are never lost, never sent twice).
 *
 *   struct spool_opts o; spool_opts_default(&o);
 *   o.dir = "data/spool"; o.dlv = &maildir_deliverer; o.done = on_done;
 *   struct spool *sp; spool_open(&sp, &o, err, sizeof err);   recovers DIR
 *   spool_submit(sp, &meta, msg, len);     any thread; returns at once
 *   spool_close(sp);                       writes what is pending, stops
 *
 * Layout: DIR/tmp, DIR/queue, DIR/done; one file per report, named
 * "<written epoch us, 16 digits>.P<pid>Q<seq>" so names sort in writing
 * order and never repeat across restarts. A file holds a short header
 * ("RBSPOOL 1", key=value lines: rcpt, tenant, from, call_id, hangup,
 * written, len; a blank line) and then the message.
 *
 * Two threads, so that neither the SIP loop nor the disk waits for the mail
 * server:
 * - the writer takes every pending report, writes each to tmp/, makes the
 *   batch durable with one syncfs(2), renames them into queue/ and syncs
 *   queue/ (group commit: one fsync per file measured 2.6 ms here, a batch
 *   of 20 with syncfs 11 ms). A report is durable once it is in queue/.
 * - the deliverer hands queued reports to the delivery method (Maildir or
 *   SMTP, struct spool_deliverer), oldest first, and after each success
 *   **marks before it deletes**: rename queue/N to done/N, fsync queue/
 *   (from then on N is never sent again), then unlink done/N. At start,
 *   done/ is emptied without sending, tmp/ files that are complete are
 *   moved to queue/ (their reports were written but not yet renamed),
 *   torn ones dropped, and queue/ is delivered.
 *
 * Exactly once: the only window for a second delivery is a crash between
 * the delivery method's success and the fsync of the mark. An idempotent
 * method (Maildir: the delivered file is named N, and link(2) refuses a
 * second one) closes it; for SMTP it is the moment between the server's
 * 250 after DATA and one fsync (about 2 ms), so SMTP is at least once and
 * exactly once unless the crash falls in that window. Nothing is ever
 * lost: a report leaves queue/ only once delivered.
 *
 * Retries: a report the server refuses waits its own backoff (doubling from
 * backoff_min to backoff_max) while the others go on; when the server is
 * down (no answer), the whole queue waits the backoff.
 */
#ifndef RB_SPOOL_H
#define RB_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"

/* What the spool keeps with a report. Strings are copied. */
struct spool_meta {
	const char *rcpt;      /* the envelope recipient: the tenant's report_to */
	const char *tenant;    /* tenant id: the Maildir folder */
	const char *from;      /* the envelope sender */
	const char *call_id;
	rb_us t_hangup_epoch;  /* when the caller's call ended (wall clock, us) */
	rb_us t_written_epoch; /* when the report was written (wall clock, us) */
};

/* One report handed to a delivery method. */
struct spool_msg {
	const char *name;      /* the spool file name: unique, usable as a file name */
	struct spool_meta meta;
	const char *data;      /* the message, CRLF line ends */
	size_t len;
};

enum spool_result {
	SPOOL_DELIVERED = 0,
	SPOOL_MSG_FAILED,      /* the server refused this message: retry it later */
	SPOOL_SERVER_FAILED,   /* no server: the whole queue waits */
};

struct spool_deliverer {
	/* Delivers n messages; res[i] says how each went. Called on the
	 * deliverer's thread only; why gets a message for a failure. */
	void (*deliver)(void *arg, const struct spool_msg *m, size_t n, enum spool_result *res,
			char *why, size_t whylen);
	/* true: delivering the same name twice delivers it once (Maildir),
	 * so messages may go in batches; false: one at a time, each marked
	 * before the next is sent. */
	bool idempotent;
	const char *name;      /* "maildir", "smtp" (logs) */
	void *arg;
};

/* After a report was delivered, before it is marked (on the deliverer's
 * thread): a crash between the two delivers it again (Maildir: once) and
 * calls done again, so done's record should be idempotent (by name). */
struct spool_done_info {
	const char *name;
	const char *call_id;
	const char *tenant;
	rb_us t_hangup_epoch, t_written_epoch, t_delivered_epoch;
	unsigned attempts;
};
typedef void(spool_done_h)(const struct spool_done_info *d, void *arg);

struct spool_opts {
	const char *dir;      /* copied */
	const struct spool_deliverer *dlv; /* kept: must outlive the spool */
	spool_done_h *done;   /* may be NULL; called before the report is marked */
	void *done_arg;
	/* May be NULL. After a batch's done calls and before their marks:
	 * makes what done recorded durable (bounded wait), so that a report
	 * marked delivered has its record even after kill -9. */
	void (*done_sync)(void *done_arg);
	rb_us backoff_min;    /* default 500 ms */
	rb_us backoff_max;    /* default 30 s */
	size_t batch_max;     /* idempotent methods: reports per batch, default 64 */
};
void spool_opts_default(struct spool_opts *o);

struct spool;

/*
 * Creates DIR's folders if needed, recovers what a previous run left
 * (done/ emptied, complete tmp/ files queued, queue/ loaded) and starts the
 * two threads. Returns 0, or an errno with a message in err.
 */
int spool_open(struct spool **out, const struct spool_opts *o, char *err, size_t errlen);

/* Queues a copy of the report for writing. Thread-safe, never blocks on
 * the disk. Returns 0, ENOMEM, or ESHUTDOWN after spool_close began. */
int spool_submit(struct spool *sp, const struct spool_meta *meta, const char *msg, size_t len);

struct spool_stats {
	uint64_t submitted;   /* this run */
	uint64_t written;     /* made durable this run */
	uint64_t recovered;   /* found at start */
	uint64_t delivered;
	uint64_t failures;    /* delivery attempts that failed */
	uint64_t write_errors;
	size_t depth;         /* reports not yet delivered: pending + queued */
};
void spool_get_stats(struct spool *sp, struct spool_stats *st);

/*
 * Stops: the writer makes every pending report durable first; the
 * deliverer finishes its batch. Reports not yet delivered stay in queue/
 * for the next start. If wait_deliver > 0, first waits up to that long for
 * the queue to empty. Reports that could not be written (the disk full)
 * are appended as JSON lines to fallback_path (NULL, or when it cannot be
 * opened: stderr), counted in one log line. Frees sp. Returns 0, or EIO if
 * a pending report could not be written into the spool.
 *
 * While writes fail, the writer retries after a backoff (backoff_min
 * doubling to backoff_max) that new reports do not cut short, and logs
 * once when the failing starts and once when writing works again.
 */
int spool_close(struct spool *sp, rb_us wait_deliver, const char *fallback_path);

#endif
