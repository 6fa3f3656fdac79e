/*
 * cdr: secretaryd's call detail records in SQLite (WAL), one row per call.
 *
 *   struct cdr *c; cdr_open(&c, "data/cdr.sqlite", 200000, err, sizeof err);
 *   cdr_add(c, &row);      from the SIP thread: a copy goes on a queue
 *   cdr_close(c);          commits what is queued, joins the writer
 *
 * A writer thread commits the queued rows in one transaction every
 * `flush_every` microseconds (at most 1 s, so a call that ended more than a
 * second before a crash is on disk: synchronous=FULL in WAL mode, so even a
 * power cut keeps committed rows). The SIP thread never waits for the disk:
 * cdr_add only takes a mutex and appends. The columns are calls.csv's
 * (docs/definitions.md) that the center knows, plus who answered and what the
 * caller said, and the phones rung (operator_ring_s, no_answers: added
 * later, so cdr_open adds them to a database made before); docs/secretaryd.md
 * lists them.
 */
#ifndef RB_CDR_H
#define RB_CDR_H

#include <stdint.h>

#include "callrec.h"
#include "rbtime.h"

struct cdr;

struct cdr_row {
	struct callrec r;        /* times in scenario seconds from t0 */
	rb_us t_invite_epoch;    /* wall clock of the INVITE, microseconds */
	rb_us t_free;            /* when the staff member was free again (scenario) */
	char operator_[32];      /* same as r.answered_by; "" if none */
	char caller_name[64];
	char caller_company[64];
	char callback_number[64];
	char from_user[64];
	char ended_by[8];        /* "caller", "center", "" */
	rb_us operator_ring;     /* answered: how long the answering phone rang
				  * (rung to answer: the pick-up); else unused */
	int no_answers;          /* staff phones rung out for this call (center.phone) */
	int64_t seq;             /* arrival order at the center, from 1 */
	char leg_call_id[96];    /* a SIP operator's: the answering phone's leg
				  * Call-ID (not a column: the admin API finds
				  * a call by it, callreport.h) */
};

/*
 * Opens (creating) the database at path and starts the writer. Returns 0, or
 * an errno with a message in err (EIO for an SQLite error).
 */
int cdr_open(struct cdr **out, const char *path, rb_us flush_every, char *err, size_t errlen);
/* Queues a copy of row. Returns 0, ENOMEM, or ENOSPC when CDR_MAX_HELD rows
 * are already waiting (the disk full). Thread-safe. */
int cdr_add(struct cdr *c, const struct cdr_row *row);
/* Rows held, not yet committed (while the disk is full they are kept and
 * retried, sqlq.h), and the most it holds. */
size_t cdr_backlog(struct cdr *c);
#define CDR_MAX_HELD 50000
/* Rows committed so far (for tests and metrics). */
uint64_t cdr_committed(struct cdr *c);
/* Asks the writer to commit now (does not wait). */
void cdr_flush_soon(struct cdr *c);
/* Commits everything queued, stops the writer, closes. What cannot be
 * committed is appended as JSON lines to fallback_path (NULL: stderr),
 * counted in one log line. Returns 0, or EIO when any row was not committed. */
int cdr_close(struct cdr *c, const char *fallback_path);

#endif
