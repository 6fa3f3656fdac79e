/*
 * callreport: secretaryd part 2 as one object beside the center: call
 * reports (composed when the operator finishes wrap-up, spooled, delivered
 * by Maildir or SMTP), the tenant rules and their changes (SIGHUP, PUT),
 * the admin interface (/metrics, /api/state, /wallboard) and the report
 * latencies in the CDR database. docs/secretaryd-reports.md is the guide.
 * A call answered by a person on a SIP phone (--operators-file, without
 * --auto-report) is held when it ends until that person's report comes
 * through the admin interface (POST /api/calls/<id>/report: callreport_post.c).
 * (The e-mailed call report of one call; the gnuplot report of a run is
 * reports/, a different thing. Modules: callreport_mail composes the
 * message, callreport_db keeps the latencies, callreport_stats counts.)
 *
 *   struct callreport_opts o; callreport_opts_default(&o); o.scn = scn; ...
 *   struct callreport *rs; callreport_create(&rs, loop, &o, err, sizeof err);  EINVAL: bad tenants
 *   center_opts.hooks = callreport_hooks(rs);
 *   center_create(&c, ...); callreport_attach(rs, c, bound, sizeof bound, err, sizeof err);
 *   ... SIGHUP: callreport_reload_async(rs);  (callreport_reload: the same, blocking)
 *   center_destroy(c); callreport_close(rs);
 *
 * Everything but the spool's delivery runs on the loop's thread.
 */
#ifndef RB_CALLREPORT_H
#define RB_CALLREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uv.h>

#include "center.h"
#include "scn.h"

/* The strings are copied; the scenario is kept. */
struct callreport_opts {
	const struct scenario *scn; /* required; must outlive the service */
	const char *scn_path;       /* re-read on SIGHUP */
	const char *data_dir;       /* spool/, maildir/, cdr.sqlite; NULL: no reports */
	const char *fallback_dir;   /* at exit, reports and latency rows not written go to
				     * DIR/reports-fallback.jsonl, DIR/report-latency-fallback.jsonl;
				     * NULL: stderr */
	/* Delivery: defaults from scn->server, each overridden by a flag. */
	const char *delivery;       /* "maildir" or "smtp" */
	const char *smtp_host;
	int smtp_port;
	bool smtp_starttls;
	const char *smtp_from;      /* envelope sender and From; default admin_email or secretaryd@localhost */
	const char *admin_email;    /* --admin-email: over scn's server.admin_email */
	const char **extra_labels;  /* --refuse-label, added to server.refused_labels */
	size_t n_extra_labels;
	const char *http;           /* admin address or "off" (default: scn's server.admin, else 127.0.0.1:8080) */
	const char *admin_token;
	double speedup;             /* for the hang-up's wall-clock time */
	rb_us backoff_max;          /* spool retries; default 30 s */
	const char *timezone;       /* --timezone: over scn's server.timezone */
	/* --auto-report: a call answered by a SIP operator (--operators-file)
	 * gets the report the center writes at the end of wrap-up, as a
	 * simulated operator's. Off: the person (or their desk software)
	 * posts it, POST /api/calls/<id>/report, and the center sends that. */
	bool auto_report;
};
void callreport_opts_default(struct callreport_opts *o);

struct callreport;

/*
 * Validates the tenants (answering names etc.), opens the spool (recovering
 * earlier reports) and the delivery method. Returns 0; EINVAL with the
 * message in err for a configuration that breaks the rules (exit 2); another
 * errno for a failure to open (exit 3).
 */
int callreport_create(struct callreport **out, uv_loop_t *loop, const struct callreport_opts *o,
		      char *err, size_t errlen);
/* The center hooks that feed the service. */
struct center_hooks callreport_hooks(struct callreport *rs);
/*
 * Attaches the running center (state for /api/state and /metrics) and
 * starts the admin interface. bound gets "http=ADDR:PORT" or "" when off.
 * Returns 0, EINVAL (bad --http or a missing token, message in err) or errno.
 */
int callreport_attach(struct callreport *rs, struct center *c, char *bound, size_t n, char *err,
		      size_t errlen);
/* Prints the configuration summary (tenants, registration fees, delivery). */
void callreport_summary(struct callreport *rs, FILE *f);
/*
 * SIGHUP: re-reads the scenario file and applies the tenants' answering
 * names, report addresses and mobile policies to calls that arrive from
 * now on. Returns 0, or EINVAL with why in err (the old settings stay).
 */
int callreport_reload(struct callreport *rs, char *err, size_t errlen);
/*
 * As callreport_reload, without holding the loop: the file is parsed on
 * libuv's thread pool and the result applied on the loop when ready (a
 * refusal is logged there, with why). A call during a reload reads the
 * file once more after it. Returns 0, or ENOMEM / libuv's error when the
 * reload could not start.
 */
int callreport_reload_async(struct callreport *rs);
/* Stops the admin interface (call before the loop's last run). */
void callreport_detach(struct callreport *rs);
/* Closes the spool (pending reports are written; undelivered ones stay for
 * the next start, after waiting up to wait for delivery) and frees rs.
 * Returns 0 or EIO. */
int callreport_close(struct callreport *rs, rb_us wait);

#endif
