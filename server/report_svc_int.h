/* report_svc_int: what report_svc.c, report_stats.c and report_cdr.c share. Private. */
#ifndef RB_REPORT_SVC_INT_H
#define RB_REPORT_SVC_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "deliver.h"
#include "http_admin.h"
#include "report_svc.h"
#include "spool.h"
#include "tenant_rules.h"
#include "tzone.h"

/* ---- report_cdr.c: the latencies in the CDR database ---- */
struct rcdr {
	struct sqlite3 *db;
	struct sqlite3_stmt *ins;
	char delivery[16];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rcdr_item *q;
	size_t n, cap;
	bool stop;
};
int rcdr_open(struct rcdr **out, const char *path, const char *delivery, char *err, size_t errlen);
void rcdr_add(struct rcdr *r, const struct spool_done_info *d); /* any thread */
void rcdr_close(struct rcdr *r);

/* ---- report_stats.c: counts and histograms for /metrics and /api/state ---- */
#define RST_LAT_BUCKETS 16
struct rst_hist {
	uint64_t b[RST_LAT_BUCKETS + 1]; /* the last: above every bound */
	double sum;
	uint64_t count;
};
#define RST_RING_MAX 10
struct rst_sl {
	uint64_t offered, ans_le[RST_RING_MAX + 1], aba_le[RST_RING_MAX + 1];
};
struct rstats {
	size_t n_tenants;        /* counts have n_tenants + 1 rows: the last for unknown numbers */
	char **tenant_ids;
	uint64_t (*calls)[4];    /* answered, abandoned, rejected, screened */
	uint64_t rings[RST_RING_MAX + 1]; /* answered calls: rings 1..10, [0] above 10 */
	uint64_t rings_sum, rings_count;
	struct rst_sl since_start, interval;
	int64_t interval_id;     /* 15-minute interval of scenario time */
	uint64_t reports_written, skipped_no_address, not_reported_screened, compose_errors;
	uint64_t reloads_ok, reloads_refused, puts_ok, puts_refused;
	/* written by the delivery thread */
	pthread_mutex_t mu;
	struct rst_hist hangup_to_delivered, written_to_delivered;
};
int rstats_init(struct rstats *st, const struct scenario *scn);
void rstats_free(struct rstats *st);
void rstats_call(struct rstats *st, const struct cdr_row *row, rb_us period);
void rstats_delivered(struct rstats *st, const struct spool_done_info *d); /* any thread */
char *rstats_metrics(struct rstats *st, struct center *c, struct spool *sp, rb_us period);
char *rstats_state_json(struct rstats *st, struct center *c, struct spool *sp, rb_us period,
			const char *timezone);

/* ---- report_svc.c ---- */
struct rsvc {
	struct rsvc_opts o;
	uv_loop_t *loop;
	struct center *c;
	struct trules_hist hist;
	char **extra_labels;     /* --refuse-label copies */
	size_t n_extra;
	struct dlv *dlv;
	struct spool *sp;
	struct rcdr *rcdr;
	struct http_admin *http;
	struct rstats st;
	char *from;              /* envelope sender */
	const char *delivery;
	bool warned_no_address;
	struct tzone *zone;      /* reports' and the wallboard's local time; read-only */
};

#endif
