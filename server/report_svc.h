/*
 * report_svc: secretaryd part 2 as one object beside the center: call
 * reports (composed when the operator finishes wrap-up, spooled, delivered
 * by Maildir or SMTP), the tenant rules and their changes (SIGHUP, PUT),
 * the admin interface (/metrics, /api/state, /wallboard) and the report
 * latencies in the CDR database. docs/secretaryd-reports.md is the guide.
 *
 *   struct rsvc_opts o; rsvc_opts_default(&o); o.scn = scn; ...
 *   struct rsvc *rs; rsvc_create(&rs, loop, &o, err, sizeof err);  EINVAL: bad tenants
 *   center_opts.hooks = rsvc_hooks(rs);
 *   center_create(&c, ...); rsvc_attach(rs, c, bound, sizeof bound, err, sizeof err);
 *   ... SIGHUP: rsvc_reload(rs, err, sizeof err);
 *   center_destroy(c); rsvc_close(rs);
 *
 * Everything but the spool's delivery runs on the loop's thread.
 */
#ifndef RB_REPORT_SVC_H
#define RB_REPORT_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uv.h>

#include "center.h"
#include "scn.h"

struct rsvc_opts {
	const struct scenario *scn; /* required; must outlive the service */
	const char *scn_path;       /* re-read on SIGHUP */
	const char *data_dir;       /* spool/, maildir/, cdr.sqlite; NULL: no reports */
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
};
void rsvc_opts_default(struct rsvc_opts *o);

struct rsvc;

/*
 * Validates the tenants (answering names etc.), opens the spool (recovering
 * earlier reports) and the delivery method. Returns 0; EINVAL with the
 * message in err for a configuration that breaks the rules (exit 2); another
 * errno for a failure to open (exit 3).
 */
int rsvc_create(struct rsvc **out, uv_loop_t *loop, const struct rsvc_opts *o, char *err,
		size_t errlen);
/* The center hooks that feed the service. */
struct center_hooks rsvc_hooks(struct rsvc *rs);
/*
 * Attaches the running center (state for /api/state and /metrics) and
 * starts the admin interface. bound gets "http=ADDR:PORT" or "" when off.
 * Returns 0, EINVAL (bad --http or a missing token, message in err) or errno.
 */
int rsvc_attach(struct rsvc *rs, struct center *c, char *bound, size_t n, char *err, size_t errlen);
/* Prints the configuration summary (tenants, registration fees, delivery). */
void rsvc_summary(struct rsvc *rs, FILE *f);
/*
 * SIGHUP: re-reads the scenario file and applies the tenants' answering
 * names, report addresses and mobile policies to calls that arrive from
 * now on. Returns 0, or EINVAL with why in err (the old settings stay).
 */
int rsvc_reload(struct rsvc *rs, char *err, size_t errlen);
/* Stops the admin interface (call before the loop's last run). */
void rsvc_detach(struct rsvc *rs);
/* Closes the spool (pending reports are written; undelivered ones stay for
 * the next start, after waiting up to wait for delivery) and frees rs.
 * Returns 0 or EIO. */
int rsvc_close(struct rsvc *rs, rb_us wait);

#endif
