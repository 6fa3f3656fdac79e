/* callreport_int: what callreport.c, callreport_stats.c and callreport_db.c share. Private. */
#ifndef RB_CALLREPORT_INT_H
#define RB_CALLREPORT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "deliver.h"
#include "http_admin.h"
#include "callreport.h"
#include "spool.h"
#include "tenant_rules.h"
#include "tzone.h"

/* ---- callreport_db.c: the latencies in the CDR database ---- */
struct crdb;
int crdb_open(struct crdb **out, const char *path, const char *delivery, char *err, size_t errlen);
void crdb_add(struct crdb *r, const struct spool_done_info *d); /* any thread */
/* Waits (at most timeout) until the rows added so far are committed.
 * Returns 0, ETIMEDOUT, or EAGAIN while commits fail (sqlq_sync). */
int crdb_sync(struct crdb *r, rb_us timeout);
/* Commits what is queued; latency rows not committed go to fallback_path
 * (NULL: stderr) as JSON lines, counted in one log line. */
void crdb_close(struct crdb *r, const char *fallback_path);

/* ---- callreport_stats.c: counts and histograms for /metrics and /api/state ---- */
#define CRST_LAT_BUCKETS 16
struct crst_hist {
	uint64_t b[CRST_LAT_BUCKETS + 1]; /* the last: above every bound */
	double sum;
	uint64_t count;
};
#define CRST_RING_MAX 10
struct crst_sl {
	uint64_t offered, ans_le[CRST_RING_MAX + 1], aba_le[CRST_RING_MAX + 1];
};
struct crstats {
	size_t n_tenants;        /* counts have n_tenants + 1 rows: the last for unknown numbers */
	char **tenant_ids;
	uint64_t (*calls)[4];    /* answered, abandoned, rejected, screened */
	uint64_t rings[CRST_RING_MAX + 1]; /* answered calls: rings 1..10, [0] above 10 */
	uint64_t rings_sum, rings_count;
	struct crst_sl since_start, interval;
	int64_t interval_id;     /* 15-minute interval of scenario time */
	uint64_t reports_written, skipped_no_address, not_reported_screened, compose_errors;
	uint64_t reloads_ok, reloads_refused, puts_ok, puts_refused;
	uint64_t person_reports_ok, person_reports_refused, person_reports_expired;
	/* written by the delivery thread */
	pthread_mutex_t mu;
	struct crst_hist hangup_to_delivered, written_to_delivered;
};
int crstats_init(struct crstats *st, const struct scenario *scn);
void crstats_free(struct crstats *st);
void crstats_call(struct crstats *st, const struct cdr_row *row, rb_us period);
void crstats_delivered(struct crstats *st, const struct spool_done_info *d); /* any thread */
char *crstats_metrics(struct crstats *st, struct center *c, struct spool *sp, rb_us period);
char *crstats_state_json(struct crstats *st, struct center *c, struct spool *sp, rb_us period,
			 const char *timezone);

/* ---- callreport.c ---- */
struct callreport {
	struct callreport_opts o;    /* its strings are owned[]: copies */
	char *owned[10];
	size_t n_owned;
	uv_loop_t *loop;
	struct center *c;
	struct trules_hist hist;
	char **extra_labels;     /* --refuse-label copies */
	size_t n_extra;
	struct dlv *dlv;
	struct spool *sp;
	struct crdb *crdb;
	struct http_admin *http;
	struct crstats st;
	char *from;              /* envelope sender */
	const char *delivery;
	bool warned_no_address;
	struct tzone *zone;      /* reports' and the wallboard's local time; read-only */
	struct reload_job *reload; /* a SIGHUP's parse on a worker thread, or NULL */
	bool reload_again;         /* another SIGHUP came during it */
	struct crheld **held;      /* calls waiting for a person's report (callreport_post.c) */
	size_t held_next;
};

/* What a person's report says (POST): NULL where the body said nothing;
 * callback 1 wanted, 0 not, -1 unsaid. */
struct crperson {
	const char *message, *caller_name, *caller_company, *callback_number;
	int callback;
};
/* Composes and spools row's report (p: a person's, NULL: the center's own).
 * Returns 0, ENOENT (the tenant has no report_to: not sent), or an errno. */
int callreport_submit(struct callreport *rs, const struct cdr_row *row, const struct crperson *p);

/* ---- callreport_post.c: reports a person posts (SIP operators) ---- */
#define CRPOST_HELD 4096
/* Is row's report a person's to post (answered by a SIP operator, and no
 * --auto-report)? */
bool crpost_by_person(const struct callreport *rs, const struct cdr_row *row);
/* Holds a copy of row until its report is posted (the oldest goes first). */
void crpost_hold(struct callreport *rs, const struct cdr_row *row);
/* POST /api/calls/<id>/report (http_admin_cbs.post_report). */
int crpost_http(void *arg, const char *id, const char *body, size_t len, char **resp);
void crpost_free(struct callreport *rs);

#endif
