/*
 * callreport: secretaryd part 2 beside the center (callreport.h): the
 * center's hooks make call reports and statistics; SIGHUP and PUT change the
 * tenant settings; the admin interface serves the state.
 */
#define LOG_TAG "reports"
#include "callreport_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "log.h"
#include "callreport_mail.h"

void callreport_opts_default(struct callreport_opts *o)
{
	memset(o, 0, sizeof *o);
	o->speedup = 1;
	o->backoff_max = 30 * RB_US_PER_S;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* Builds a tenant set from scn, with the --refuse-label labels added. */
static int make_set(struct callreport *rs, const struct scenario *scn, struct trule_set **out,
		    char *err, size_t errlen)
{
	struct trule_set *ts = NULL;
	int rc = trules_set_from_scn(scn, &ts, err, errlen);
	if (rc || rs->n_extra == 0) {
		if (!rc)
			*out = ts;
		return rc;
	}
	size_t n = ts->n_refused + rs->n_extra;
	char **v = realloc(ts->refused, n * sizeof *v);
	if (!v) {
		trules_set_free(ts);
		return ENOMEM;
	}
	ts->refused = v;
	for (size_t i = 0; i < rs->n_extra; i++) {
		if (!(v[ts->n_refused] = strdup(rs->extra_labels[i]))) {
			trules_set_free(ts);
			return ENOMEM;
		}
		ts->n_refused++;
	}
	if ((rc = trules_validate(ts, err, errlen))) {
		trules_set_free(ts);
		return rc;
	}
	*out = ts;
	return 0;
}

static void on_delivered(const struct spool_done_info *d, void *arg)
{
	struct callreport *rs = arg;
	crstats_delivered(&rs->st, d);
	if (rs->crdb)
		crdb_add(rs->crdb, d);
	rb_log(LOG_DEBUG, "report of %s delivered (%s) %.3f s after the hang-up", d->call_id,
	       d->tenant, rb_us_to_s(d->t_delivered_epoch - d->t_hangup_epoch));
}

/* The spool's done_sync: the batch's latency rows committed before the
 * spool marks the reports delivered (at most 2 s; not while the disk is
 * full, when they are kept and retried). */
static void on_delivered_sync(void *arg)
{
	struct callreport *rs = arg;
	if (rs->crdb)
		crdb_sync(rs->crdb, 2 * RB_US_PER_S);
}

static int open_delivery(struct callreport *rs, char *err, size_t errlen)
{
	const struct callreport_opts *o = &rs->o;
	char path[1024];
	int rc;
	if ((rc = cli_mkdirs(o->data_dir))) {
		snprintf(err, errlen, "--data-dir %s: %s", o->data_dir, strerror(rc));
		return rc;
	}
	if (!strcmp(rs->delivery, "smtp")) {
		if (empty(o->smtp_host)) {
			snprintf(err, errlen, "delivery smtp needs a server: --smtp-host or server.smtp.host");
			return EINVAL;
		}
		struct dlv_smtp_opts so = {
			.host = o->smtp_host,
			.port = o->smtp_port ? o->smtp_port : 25,
			.starttls = o->smtp_starttls,
			.user = getenv("SECRETARYD_SMTP_USER"),
			.password = getenv("SECRETARYD_SMTP_PASSWORD"),
		};
		rc = dlv_smtp_open(&rs->dlv, &so, err, errlen);
	} else if (!strcmp(rs->delivery, "maildir")) {
		snprintf(path, sizeof path, "%s/maildir", o->data_dir);
		rc = dlv_maildir_open(&rs->dlv, path, err, errlen);
	} else {
		snprintf(err, errlen, "delivery: expected maildir or smtp, got '%s'", rs->delivery);
		return EINVAL;
	}
	if (rc)
		return rc;
	struct spool_opts so;
	spool_opts_default(&so);
	snprintf(path, sizeof path, "%s/spool", o->data_dir);
	so.dir = path;
	so.dlv = dlv_deliverer(rs->dlv);
	so.done = on_delivered;
	so.done_sync = on_delivered_sync;
	so.done_arg = rs;
	if (o->backoff_max > 0)
		so.backoff_max = o->backoff_max;
	/* The latency table first: the spool's threads start delivering (what
	 * an earlier run left) at once, and each delivery needs its row. */
	char dbp[4096];
	snprintf(dbp, sizeof dbp, "%s/cdr.sqlite", o->data_dir);
	if ((rc = crdb_open(&rs->crdb, dbp, rs->delivery, err, errlen)))
		return rc;
	return spool_open(&rs->sp, &so, err, errlen);
}

/* The option strings the service keeps, copied: the caller's (argv, a
 * buffer on its stack) may be gone before the service is. */
static int keep_strings(struct callreport *rs)
{
	const char **v[] = {&rs->o.scn_path, &rs->o.data_dir, &rs->o.delivery, &rs->o.smtp_host,
			    &rs->o.smtp_from, &rs->o.admin_email, &rs->o.http, &rs->o.admin_token,
			    &rs->o.timezone, &rs->o.fallback_dir};
	_Static_assert(sizeof v / sizeof v[0] <= sizeof rs->owned / sizeof rs->owned[0],
		       "room for every kept string");
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (!*v[i])
			continue;
		if (!(rs->owned[rs->n_owned] = strdup(*v[i])))
			return ENOMEM;
		*v[i] = rs->owned[rs->n_owned++];
	}
	return 0;
}

static void free_strings(struct callreport *rs)
{
	for (size_t i = 0; i < rs->n_owned; i++)
		free(rs->owned[i]);
	rs->n_owned = 0;
}

int callreport_create(struct callreport **out, uv_loop_t *loop, const struct callreport_opts *o,
		      char *err, size_t errlen)
{
	struct callreport *rs = calloc(1, sizeof *rs);
	if (!rs) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	rs->o = *o;
	rs->loop = loop;
	if (keep_strings(rs)) {
		free_strings(rs);
		free(rs);
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	o = &rs->o; /* from here on, the copies */
	const struct scn_server *sv = &o->scn->server;
	/* the scenario's server section, where no flag said otherwise */
	if (empty(rs->o.smtp_host))
		rs->o.smtp_host = sv->smtp_host;
	if (!rs->o.smtp_port)
		rs->o.smtp_port = sv->smtp_port;
	rs->o.smtp_starttls = rs->o.smtp_starttls || sv->smtp_starttls;
	rs->delivery = !empty(o->delivery) ? o->delivery : !empty(sv->delivery) ? sv->delivery : "maildir";
	int rc = 0;
	const char *from = !empty(o->smtp_from) ? o->smtp_from
			   : !empty(sv->smtp_from) ? sv->smtp_from
			   : !empty(o->admin_email) ? o->admin_email
			   : !empty(sv->admin_email) ? sv->admin_email
						     : "secretaryd@localhost";
	if (!(rs->from = strdup(from)) || crstats_init(&rs->st, o->scn)) {
		free(rs->from);
		free_strings(rs);
		free(rs);
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	if (o->n_extra_labels) {
		rs->extra_labels = calloc(o->n_extra_labels, sizeof *rs->extra_labels);
		for (size_t i = 0; rs->extra_labels && i < o->n_extra_labels; i++)
			if ((rs->extra_labels[i] = strdup(o->extra_labels[i])))
				rs->n_extra++;
	}
	rs->o.extra_labels = NULL; /* the caller's array: rs->extra_labels has the copies */
	/* Read once, before any thread starts; never the process's TZ. */
	const char *tz = !empty(o->timezone) ? o->timezone
			 : !empty(sv->timezone) ? sv->timezone : SCN_DEFAULT_TIMEZONE;
	if ((rc = tzone_load(tz, &rs->zone, err, errlen))) {
		if (rc != ENOMEM) {
			char why[512];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "--timezone: %s", why);
			rc = EINVAL;
		}
		goto out;
	}
	struct trule_set *ts = NULL;
	if ((rc = make_set(rs, o->scn, &ts, err, errlen)))
		goto out;
	if ((rc = trules_hist_push(&rs->hist, ts, 0))) {
		trules_set_free(ts);
		goto out;
	}
	if (o->data_dir && (rc = open_delivery(rs, err, errlen)))
		goto out;
	if (!o->data_dir)
		rb_log(LOG_WARNING, "--data-dir none: call reports are counted, not written");
out:
	if (rc) {
		callreport_close(rs, 0);
		return rc;
	}
	*out = rs;
	return 0;
}

/* ---- the center's hooks ---- */

static void on_call_ended(const struct cdr_row *row, void *arg)
{
	struct callreport *rs = arg;
	crstats_call(&rs->st, row, rs->o.scn->ring_period);
	if (crpost_by_person(rs, row))
		crpost_hold(rs, row); /* until its person posts the report */
}

/* The wall-clock instant the call ended for the caller. */
static rb_us hangup_epoch(const struct callreport *rs, const struct cdr_row *row)
{
	const struct callrec *r = &row->r;
	if (row->t_invite_epoch == RB_T_NONE || r->t_end == RB_T_NONE || r->t_invite == RB_T_NONE)
		return rb_now_epoch_us();
	return row->t_invite_epoch + (rb_us)((double)(r->t_end - r->t_invite) / rs->o.speedup);
}

/* The report's message for row (person: a person's report, or NULL) for
 * the tenant *tp into *msg. Returns 0 or crmail_compose's error. */
static int compose(struct callreport *rs, const struct cdr_row *row, const struct crperson *p,
		   rb_us written, const struct trule_tenant **tp, char **msg, size_t *len)
{
	const struct callrec *r = &row->r;
	const struct trule_tenant *t = *tp;
	/* A caller of a type that refuses a callback number gave none, whatever
	 * the signalling carried (Q8); a person's report says what they heard. */
	const char *cbn = p && p->callback_number ? p->callback_number : row->callback_number;
	bool gave_cb = cbn[0] != 0;
	const struct scn_callers *cl = &rs->o.scn->callers;
	for (size_t i = 0; !(p && p->callback_number) && i < cl->n_types; i++)
		if (!strcmp(cl->types[i].name, r->caller_type) && cl->types[i].refuses_callback)
			gave_cb = false;
	struct crmail_call rc = {
		.tenant_id = t->id, .answering_name = t->name, .report_to = t->report_to,
		.from_addr = rs->from, .call_id = r->call_id, .seq = row->seq,
		.t_call_epoch = row->t_invite_epoch, .t_written_epoch = written, .zone = rs->zone,
		.caller_name = p && p->caller_name ? p->caller_name : row->caller_name,
		.caller_company = p && p->caller_company ? p->caller_company : row->caller_company,
		.callback_number = gave_cb ? cbn : "",
		.caller_number = row->from_user, .caller_type = r->caller_type,
		.rings_heard = r->rings_heard,
		.mobile = trules_mobile(t, row->from_user, gave_cb),
		.mobile_number = t->mobile_number,
		.test_call = trules_is_test_call(t, row->from_user, r->caller_type),
		.answered_by = r->answered_by,
		.talk_s = r->duration == RB_T_NONE ? 0 : rb_us_to_s(r->duration),
		.message = p ? p->message : NULL,
		.callback_wanted = !p || p->callback < 0 ? CRMAIL_CB_AUTO
				   : p->callback ? CRMAIL_CB_YES : CRMAIL_CB_NO,
	};
	return crmail_compose(&rc, msg, len);
}

int callreport_submit(struct callreport *rs, const struct cdr_row *row, const struct crperson *p)
{
	rb_us written = rb_now_epoch_us();
	const struct trule_set *ts = trules_hist_at(&rs->hist, row->t_invite_epoch);
	const struct trule_tenant *t = trules_find(ts, row->r.tenant);
	if (!t || empty(t->report_to)) {
		rs->st.skipped_no_address++;
		if (!rs->warned_no_address)
			rb_log(LOG_WARNING, "tenant '%s' has no report_to: its reports are not sent",
			       row->r.tenant);
		rs->warned_no_address = true;
		return ENOENT;
	}
	if (!rs->sp) { /* --data-dir none: counted, not written */
		rs->st.reports_written++;
		return 0;
	}
	char *msg = NULL;
	size_t len = 0;
	int e = compose(rs, row, p, written, &t, &msg, &len);
	if (!e) {
		struct spool_meta m = {t->report_to, t->id, rs->from, row->r.call_id,
				       hangup_epoch(rs, row), written};
		e = spool_submit(rs->sp, &m, msg, len);
	}
	free(msg);
	if (e) {
		rs->st.compose_errors++;
		rb_log(LOG_ERR, "report of %s not written: %s", row->r.call_id, strerror(e));
		return e;
	}
	rs->st.reports_written++;
	return 0;
}

/* Wrap-up is over: the operator has written the report (a simulated one;
 * a person on a SIP phone posts theirs: crpost). */
static void on_staff_done(const struct cdr_row *row, const struct dsp_staff *staff, void *arg)
{
	struct callreport *rs = arg;
	(void)staff;
	if (row->r.screened == 1) {
		rs->st.not_reported_screened++; /* Q7: counted, never reported */
		return;
	}
	if (crpost_by_person(rs, row))
		return; /* held since the call ended (on_call_ended) */
	callreport_submit(rs, row, NULL);
}

struct center_hooks callreport_hooks(struct callreport *rs)
{
	struct center_hooks h = {.call_ended = on_call_ended, .staff_done = on_staff_done, .arg = rs};
	return h;
}

/* ---- changes ---- */

/* Makes ts the settings of calls arriving from now on. */
static int apply(struct callreport *rs, struct trule_set *ts)
{
	rb_us now = rb_now_epoch_us();
	int rc = trules_hist_push(&rs->hist, ts, now);
	if (rc) {
		trules_set_free(ts);
		return rc;
	}
	/* Sets replaced more than a day ago serve no call still in progress
	 * (Timer H and the drain grace are far shorter). */
	trules_hist_prune(&rs->hist, now - 86400 * RB_US_PER_S);
	return 0;
}

/*
 * The second half of a reload, on the loop: the parsed scenario (or the
 * loader's error) made the settings of new calls. Takes scn.
 */
static int reload_apply(struct callreport *rs, struct scenario *scn, int load_rc,
			const char *load_err, char *err, size_t errlen)
{
	struct trule_set *ts = NULL;
	int rc = load_rc;
	if (rc) {
		snprintf(err, errlen, "%s", load_err[0] ? load_err : strerror(rc));
		rc = EINVAL;
		goto out;
	}
	if ((rc = make_set(rs, scn, &ts, err, errlen)))
		goto out;
	if ((rc = trules_same_tenants(trules_hist_current(&rs->hist), ts, err, errlen)))
		goto out;
	rc = apply(rs, ts);
	ts = NULL;
out:
	trules_set_free(ts);
	scn_free(scn);
	if (rc) {
		rs->st.reloads_refused++;
		return rc == ENOMEM ? ENOMEM : EINVAL;
	}
	rs->st.reloads_ok++;
	rb_log(LOG_NOTICE, "reload: tenant settings applied to new calls");
	callreport_summary(rs, stderr);
	return 0;
}

int callreport_reload(struct callreport *rs, char *err, size_t errlen)
{
	struct scenario *scn = NULL;
	char e2[1024] = "";
	int rc = scn_load(rs->o.scn_path, &scn, e2, sizeof e2);
	return reload_apply(rs, rc ? NULL : scn, rc, e2, err, errlen);
}

/* A reload's parse, off the loop: it owns its copy of the path, so that it
 * outlives a callreport closed meanwhile (rs NULL: nothing to apply to). */
struct reload_job {
	uv_work_t w;
	struct callreport *rs;
	char *path;
	struct scenario *scn;
	int rc;
	char err[1024];
};

static void reload_work(uv_work_t *w)
{
	struct reload_job *j = w->data;
	j->rc = scn_load(j->path, &j->scn, j->err, sizeof j->err);
}

static void reload_done(uv_work_t *w, int status)
{
	struct reload_job *j = w->data;
	struct callreport *rs = j->rs;
	int rc = status ? -status : j->rc; /* status: libuv's (cancelled) */
	if (rc) {
		scn_free(j->scn);
		j->scn = NULL;
	}
	if (rs) {
		rs->reload = NULL;
		char err[1024] = "";
		if (reload_apply(rs, j->scn, rc, status ? "" : j->err, err, sizeof err))
			rb_log(LOG_ERR, "reload refused, the old settings stay: %s", err);
	} else {
		scn_free(j->scn);
	}
	free(j->path);
	free(j);
	if (rs && rs->reload_again) {
		rs->reload_again = false;
		callreport_reload_async(rs);
	}
}

int callreport_reload_async(struct callreport *rs)
{
	if (rs->reload) {
		rs->reload_again = true; /* the file may have changed after the read began */
		return 0;
	}
	struct reload_job *j = calloc(1, sizeof *j);
	if (!j || !(j->path = strdup(rs->o.scn_path))) {
		free(j);
		return ENOMEM;
	}
	j->rs = rs;
	j->w.data = j;
	int e = uv_queue_work(rs->loop, &j->w, reload_work, reload_done);
	if (e) {
		free(j->path);
		free(j);
		return -e;
	}
	rs->reload = j;
	return 0;
}

static int http_put(void *arg, const char *id, const char *body, size_t len, char **resp)
{
	struct callreport *rs = arg;
	char err[1024] = "";
	struct trule_set *ns = NULL;
	int rc = trules_set_put(trules_hist_current(&rs->hist), id, body, len, &ns, err, sizeof err);
	if (!rc)
		rc = apply(rs, ns);
	json_t *o;
	if (rc) {
		rs->st.puts_refused++;
		rb_log(LOG_WARNING, "PUT /api/tenants/%s refused: %s", id, err);
		o = json_pack("{s:s, s:s}", "error", err[0] ? err : strerror(rc), "tenant", id);
	} else {
		rs->st.puts_ok++;
		const struct trule_tenant *t = trules_find(trules_hist_current(&rs->hist), id);
		rb_log(LOG_NOTICE, "PUT /api/tenants/%s: applied to new calls", id);
		o = json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:I}", "tenant", t->id, "name", t->name,
			      "report_to", t->report_to, "mobile_disclosure",
			      t->mobile == MOBILE_LISTED ? "listed" : t->mobile == MOBILE_ANY ? "any" : "none",
			      "mobile_number", t->mobile_number, "registration_fees_yen",
			      (json_int_t)trules_fee_yen(t));
	}
	*resp = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
	json_decref(o);
	return rc == 0 ? 200 : rc == ENOENT ? 404 : rc == EINVAL ? 400 : 500;
}

/* ---- the admin interface ---- */

static char *http_state(void *arg)
{
	struct callreport *rs = arg;
	return crstats_state_json(&rs->st, rs->c, rs->sp, rs->o.scn->ring_period, tzone_name(rs->zone));
}

static char *http_metrics(void *arg)
{
	struct callreport *rs = arg;
	return crstats_metrics(&rs->st, rs->c, rs->sp, rs->o.scn->ring_period);
}

int callreport_attach(struct callreport *rs, struct center *c, char *bound, size_t n, char *err,
		      size_t errlen)
{
	rs->c = c;
	bound[0] = 0;
	const char *addr = !empty(rs->o.http) ? rs->o.http
			   : !empty(rs->o.scn->server.admin) ? rs->o.scn->server.admin
							     : "127.0.0.1:8080";
	if (!strcmp(addr, "off"))
		return 0;
	struct http_admin_opts ho = {
		.addr = addr,
		.token = empty(rs->o.admin_token) ? NULL : rs->o.admin_token,
		.cbs = {.state_json = http_state,
			 .metrics_text = http_metrics,
			 .put_tenant = http_put,
			 .post_report = crpost_http,
			 .arg = rs},
	};
	char b[128];
	int rc = http_admin_start(&rs->http, rs->loop, &ho, b, sizeof b, err, errlen);
	if (!rc)
		snprintf(bound, n, "http=%s", b);
	return rc;
}

void callreport_summary(struct callreport *rs, FILE *f)
{
	trules_summary(f, trules_hist_current(&rs->hist));
	fprintf(f, "time zone: %s (call reports, the wallboard's clock)\n", tzone_name(rs->zone));
	if (!rs->sp)
		fprintf(f, "call reports: not written (--data-dir none)\n");
	else if (!strcmp(rs->delivery, "smtp"))
		fprintf(f, "call reports: SMTP to %s:%d%s, from %s\n", rs->o.smtp_host,
			rs->o.smtp_port ? rs->o.smtp_port : 25, rs->o.smtp_starttls ? " (STARTTLS)" : "",
			rs->from);
	else
		fprintf(f, "call reports: Maildir under %s/maildir/<tenant>/, from %s\n", rs->o.data_dir, rs->from);
}

void callreport_detach(struct callreport *rs)
{
	if (rs && rs->http) {
		http_admin_stop(rs->http);
		rs->http = NULL;
	}
}

int callreport_close(struct callreport *rs, rb_us wait)
{
	if (!rs)
		return 0;
	callreport_detach(rs);
	if (rs->reload)
		rs->reload->rs = NULL; /* it finishes and frees itself, if the loop runs */
	char p[4096], *path = NULL;
	if (rs->o.fallback_dir)
		snprintf(path = p, sizeof p, "%s/reports-fallback.jsonl", rs->o.fallback_dir);
	int rc = rs->sp ? spool_close(rs->sp, wait, path) : 0;
	if (rs->o.fallback_dir)
		snprintf(path = p, sizeof p, "%s/report-latency-fallback.jsonl", rs->o.fallback_dir);
	crdb_close(rs->crdb, path);
	crpost_free(rs);
	dlv_close(rs->dlv);
	trules_hist_free(&rs->hist);
	crstats_free(&rs->st);
	for (size_t i = 0; i < rs->n_extra; i++)
		free(rs->extra_labels[i]);
	free(rs->extra_labels);
	free(rs->from);
	tzone_free(rs->zone);
	free_strings(rs);
	free(rs);
	return rc;
}
