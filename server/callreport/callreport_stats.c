/*
 * callreport_stats: what /metrics (Prometheus text format 0.0.4) and /api/state
 * (JSON) show: calls by tenant and outcome, rings, service levels for 3 and
 * 5 rings (docs/definitions.md `sla`: answered within k / (offered - abandoned
 * within k)) over the current 15-minute interval of scenario time and since
 * start, the report latency histograms, the spool, the staff and the
 * ringing calls from the center's snapshot functions.
 */
#define LOG_TAG "stats"
#include "callreport_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "rbjson.h"
#include "ring.h"

static const double lat_le[CRST_LAT_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
						2.5,   5,    10,    30,   60,  120,  300, 600};
#define INTERVAL_US (900 * RB_US_PER_S)

int crstats_init(struct crstats *st, const struct scenario *scn)
{
	memset(st, 0, sizeof *st);
	st->n_tenants = scn->n_tenants;
	st->tenant_ids = calloc(scn->n_tenants + 1, sizeof *st->tenant_ids);
	st->calls = calloc(scn->n_tenants + 1, sizeof *st->calls);
	if (!st->tenant_ids || !st->calls) {
		free(st->tenant_ids);
		free(st->calls);
		return ENOMEM;
	}
	for (size_t i = 0; i < scn->n_tenants; i++)
		st->tenant_ids[i] = scn->tenants[i].id;
	st->interval_id = -1;
	pthread_mutex_init(&st->mu, NULL);
	return 0;
}

void crstats_free(struct crstats *st)
{
	free(st->tenant_ids);
	free(st->calls);
	pthread_mutex_destroy(&st->mu);
}

static void sl_add(struct crst_sl *s, const struct callrec *r)
{
	s->offered++;
	for (int k = 1; k <= CRST_RING_MAX; k++) {
		if (r->outcome == OUTCOME_ANSWERED && r->rings > 0 && r->rings <= k)
			s->ans_le[k]++;
		if (r->outcome == OUTCOME_ABANDONED && r->rings > 0 && r->rings <= k)
			s->aba_le[k]++;
	}
}

static double sla(const struct crst_sl *s, int k)
{
	double den = (double)s->offered - (double)s->aba_le[k];
	return den > 0 ? (double)s->ans_le[k] / den : NAN;
}

void crstats_call(struct crstats *st, const struct cdr_row *row, rb_us period)
{
	const struct callrec *r = &row->r;
	size_t t = st->n_tenants;
	for (size_t i = 0; i < st->n_tenants; i++)
		if (strcmp(st->tenant_ids[i], r->tenant) == 0)
			t = i;
	int col = r->outcome == OUTCOME_ANSWERED ? 0 : r->outcome == OUTCOME_ABANDONED ? 1 : 2;
	st->calls[t][col]++;
	if (r->outcome == OUTCOME_ANSWERED && r->screened == 1)
		st->calls[t][3]++;
	if (r->outcome == OUTCOME_ANSWERED && r->rings > 0) {
		st->rings[r->rings <= CRST_RING_MAX ? r->rings : 0]++;
		st->rings_sum += (uint64_t)r->rings;
		st->rings_count++;
	}
	sl_add(&st->since_start, r);
	if (r->t_invite != RB_T_NONE && r->t_invite >= 0) {
		int64_t id = r->t_invite / INTERVAL_US;
		if (id > st->interval_id) {
			memset(&st->interval, 0, sizeof st->interval);
			st->interval_id = id;
		}
		if (id == st->interval_id)
			sl_add(&st->interval, r);
	}
}

static void hist_add(struct crst_hist *h, double v)
{
	size_t i = 0;
	while (i < CRST_LAT_BUCKETS && v > lat_le[i])
		i++;
	h->b[i]++;
	h->sum += v;
	h->count++;
}

void crstats_delivered(struct crstats *st, const struct spool_done_info *d)
{
	pthread_mutex_lock(&st->mu);
	hist_add(&st->hangup_to_delivered, rb_us_to_s(d->t_delivered_epoch - d->t_hangup_epoch));
	hist_add(&st->written_to_delivered, rb_us_to_s(d->t_delivered_epoch - d->t_written_epoch));
	pthread_mutex_unlock(&st->mu);
}

/* A label value with \, " and newline escaped (exposition format). */
static void label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f), fputc(*v, f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("NaN", f);
	else
		fprintf(f, "%.17g", v);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void hist_out(FILE *f, const char *name, const struct crst_hist *h, const char *help)
{
	head(f, name, "histogram", help);
	uint64_t cum = 0;
	for (size_t i = 0; i < CRST_LAT_BUCKETS; i++) {
		cum += h->b[i];
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name, lat_le[i], (unsigned long long)cum);
	}
	cum += h->b[CRST_LAT_BUCKETS];
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum ", name, (unsigned long long)cum, name);
	num(f, h->sum);
	fprintf(f, "\n%s_count %llu\n", name, (unsigned long long)h->count);
}

struct longest {
	rb_us now, oldest;
	int n;
};

static void ring_cb(const char *tenant, const char *call_id, rb_us t_invite, void *arg)
{
	struct longest *l = arg;
	if (l->n++ == 0 || t_invite < l->oldest)
		l->oldest = t_invite;
}

static int longest_rings(struct center *c, rb_us period, rb_us *wait)
{
	struct longest l = {center_now(c), 0, 0};
	center_foreach_ringing(c, ring_cb, &l);
	*wait = l.n ? l.now - l.oldest : 0;
	return l.n ? ring_count(*wait < 0 ? 0 : *wait, period) : 0;
}

/* Calls by tenant and outcome, and the screened ones. */
static void metrics_calls(FILE *f, const struct crstats *st)
{
	static const char *const outcome[] = {"answered", "abandoned", "rejected"};
	head(f, "secretaryd_calls_total", "counter",
	     "Calls that reached the center, by tenant and outcome (unknown: no tenant's number).");
	for (size_t t = 0; t <= st->n_tenants; t++)
		for (int o = 0; o < 3; o++) {
			fputs("secretaryd_calls_total{tenant=\"", f);
			label(f, t < st->n_tenants ? st->tenant_ids[t] : "unknown");
			fprintf(f, "\",outcome=\"%s\"} %llu\n", outcome[o], (unsigned long long)st->calls[t][o]);
		}
	head(f, "secretaryd_calls_screened_total", "counter",
	     "Answered sales calls screened out (counted, never reported), by tenant.");
	for (size_t t = 0; t < st->n_tenants; t++) {
		fputs("secretaryd_calls_screened_total{tenant=\"", f);
		label(f, st->tenant_ids[t]);
		fprintf(f, "\"} %llu\n", (unsigned long long)st->calls[t][3]);
	}
}

/* The center now: ringing calls, staff, the longest wait; rings and service levels. */
static void metrics_center(FILE *f, const struct crstats *st, struct center *c,
			   const struct center_stats *cs, rb_us period)
{
	head(f, "secretaryd_calls_ringing", "gauge", "Calls ringing now (waiting or being picked up).");
	fprintf(f, "secretaryd_calls_ringing %d\n", cs->ringing);
	head(f, "secretaryd_staff_busy", "gauge", "Operators and backup staff busy now (pick-up, talk, wrap-up).");
	fprintf(f, "secretaryd_staff_busy{role=\"operator\"} %d\nsecretaryd_staff_busy{role=\"backup\"} %d\n",
		cs->dsp.ops_busy, cs->dsp.backup_busy);
	head(f, "secretaryd_staff_not_ready", "gauge", "Operators and backup staff not ready now (after a ring with no answer).");
	fprintf(f, "secretaryd_staff_not_ready{role=\"operator\"} %d\nsecretaryd_staff_not_ready{role=\"backup\"} %d\n",
		cs->dsp.ops_not_ready, cs->dsp.backup_not_ready);
	head(f, "secretaryd_staff_away", "gauge", "Operators and backup staff on shift whose phone cannot be rung now (a SIP operator with no contact: not registered).");
	fprintf(f, "secretaryd_staff_away{role=\"operator\"} %d\nsecretaryd_staff_away{role=\"backup\"} %d\n",
		cs->dsp.ops_away, cs->dsp.backup_away);
	head(f, "secretaryd_rings_no_answer_total", "counter", "Staff phones rung out unanswered (queue_log RINGNOANSWER).");
	fprintf(f, "secretaryd_rings_no_answer_total %llu\n", (unsigned long long)cs->ring_no_answer);
	head(f, "secretaryd_staff_on_shift", "gauge", "Operators and backup staff on shift now.");
	fprintf(f, "secretaryd_staff_on_shift{role=\"operator\"} %d\nsecretaryd_staff_on_shift{role=\"backup\"} %d\n",
		cs->dsp.ops_staffed, cs->dsp.backup_staffed);
	rb_us w;
	head(f, "secretaryd_queue_longest_wait_rings", "gauge", "Rings of the call waiting longest now (0: none).");
	fprintf(f, "secretaryd_queue_longest_wait_rings %d\n", longest_rings(c, period, &w));
	head(f, "secretaryd_answered_rings", "histogram", "Rings at the center before an answer.");
	uint64_t cum = 0;
	for (int k = 1; k <= CRST_RING_MAX; k++) {
		cum += st->rings[k];
		fprintf(f, "secretaryd_answered_rings_bucket{le=\"%d\"} %llu\n", k, (unsigned long long)cum);
	}
	fprintf(f, "secretaryd_answered_rings_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)st->rings_count);
	fprintf(f, "secretaryd_answered_rings_sum %llu\nsecretaryd_answered_rings_count %llu\n",
		(unsigned long long)st->rings_sum, (unsigned long long)st->rings_count);
	head(f, "secretaryd_service_level", "gauge",
	     "Answered within k rings / (offered - abandoned within k) (docs/definitions.md sla); "
	     "window interval: the current 15-minute interval of scenario time.");
	bool cur = st->interval_id == center_now(c) / INTERVAL_US;
	for (int k = 3; k <= 5; k += 2) {
		fprintf(f, "secretaryd_service_level{rings=\"%d\",window=\"interval\"} ", k);
		num(f, cur ? sla(&st->interval, k) : NAN);
		fprintf(f, "\nsecretaryd_service_level{rings=\"%d\",window=\"since_start\"} ", k);
		num(f, sla(&st->since_start, k));
		fputc('\n', f);
	}
}

/* Operators as SIP users: how many can be rung, what REGISTERs got. */
static void metrics_sip_operators(FILE *f, const struct center_stats *cs)
{
	if (!cs->sip_operators)
		return;
	const struct reg_counts *r = &cs->reg;
	head(f, "secretaryd_sip_operators", "gauge",
	     "SIP operators of the operators file: configured (all), reachable (a registered or "
	     "static contact), registered (a registered contact).");
	fprintf(f,
		"secretaryd_sip_operators{state=\"configured\"} %zu\n"
		"secretaryd_sip_operators{state=\"reachable\"} %zu\n"
		"secretaryd_sip_operators{state=\"registered\"} %zu\n",
		r->users, r->reachable, r->registered);
	head(f, "secretaryd_sip_contacts", "gauge", "Registered contact bindings of SIP operators.");
	fprintf(f, "secretaryd_sip_contacts %zu\n", r->bindings);
	head(f, "secretaryd_register_requests_total", "counter",
	     "REGISTER requests by answer: ok (200), challenged (401), refused_auth (403: unknown "
	     "user, wrong password, another's AOR), refused_other (400, 404, 423, 500).");
	fprintf(f,
		"secretaryd_register_requests_total{result=\"ok\"} %llu\n"
		"secretaryd_register_requests_total{result=\"challenged\"} %llu\n"

		"secretaryd_register_requests_total{result=\"refused_auth\"} %llu\n"
		"secretaryd_register_requests_total{result=\"refused_other\"} %llu\n",
		(unsigned long long)r->ok, (unsigned long long)r->challenged,
		(unsigned long long)r->refused_auth, (unsigned long long)r->refused_other);
	head(f, "secretaryd_register_stale_total", "counter",
	     "Challenges with stale=true: a nonce too old, or forgotten (the last 65536 kept).");
	fprintf(f, "secretaryd_register_stale_total %llu\n", (unsigned long long)r->stale);
	head(f, "secretaryd_registrations_expired_total", "counter",
	     "Contact bindings removed because their expiry passed without a refresh.");
	fprintf(f, "secretaryd_registrations_expired_total %llu\n", (unsigned long long)r->expired);
	head(f, "secretaryd_operator_legs", "gauge",
	     "The B2BUA's legs to operators' phones in flight now (ringing, talking, or ending).");
	fprintf(f, "secretaryd_operator_legs %zu\n", cs->op_legs);
	head(f, "secretaryd_operator_legs_total", "counter",
	     "Operators' phones rung (one leg per contact), answered (the leg that won), failed "
	     "(3xx-6xx, or no response: Timer B).");
	fprintf(f,
		"secretaryd_operator_legs_total{result=\"rung\"} %llu\n"
		"secretaryd_operator_legs_total{result=\"answered\"} %llu\n"
		"secretaryd_operator_legs_total{result=\"failed\"} %llu\n",
		(unsigned long long)cs->op_legs_rung, (unsigned long long)cs->op_legs_answered,
		(unsigned long long)cs->op_legs_failed);
}

/* The reports' latencies, the spool and what became of the reports. */
static void metrics_reports(FILE *f, struct crstats *st, struct spool *sp)
{
	pthread_mutex_lock(&st->mu);
	hist_out(f, "secretaryd_report_hangup_to_delivered_seconds", &st->hangup_to_delivered,
		 "Caller hang-up to call report delivered (wrap-up included), wall-clock seconds.");
	hist_out(f, "secretaryd_report_written_to_delivered_seconds", &st->written_to_delivered,
		 "Call report written (wrap-up over) to delivered: the spool and delivery alone.");
	pthread_mutex_unlock(&st->mu);
	struct spool_stats ss = {0};
	if (sp)
		spool_get_stats(sp, &ss);
	head(f, "secretaryd_spool_depth", "gauge", "Call reports written and not yet delivered.");
	fprintf(f, "secretaryd_spool_depth %zu\n", ss.depth);
	head(f, "secretaryd_reports_total", "counter", "Call reports by what became of them.");
	fprintf(f,
		"secretaryd_reports_total{result=\"written\"} %llu\n"
		"secretaryd_reports_total{result=\"delivered\"} %llu\n"
		"secretaryd_reports_total{result=\"not_sent_screened\"} %llu\n"
		"secretaryd_reports_total{result=\"not_sent_no_address\"} %llu\n",
		(unsigned long long)st->reports_written, (unsigned long long)ss.delivered,
		(unsigned long long)st->not_reported_screened, (unsigned long long)st->skipped_no_address);
	head(f, "secretaryd_report_delivery_failures_total", "counter", "Delivery attempts that failed (retried).");
	fprintf(f, "secretaryd_report_delivery_failures_total %llu\n", (unsigned long long)ss.failures);
}

/* Timer lateness and the tenant setting changes. */
static void metrics_misc(FILE *f, const struct crstats *st, const struct center_stats *cs)
{
	head(f, "secretaryd_timer_lateness_max_seconds", "gauge", "The latest any timer has fired so far.");
	fputs("secretaryd_timer_lateness_max_seconds ", f);
	num(f, rb_us_to_s(cs->timer_late_max));
	fputc('\n', f);
	head(f, "secretaryd_tenant_changes_total", "counter", "Tenant setting changes (SIGHUP, PUT) by result.");
	fprintf(f,
		"secretaryd_tenant_changes_total{via=\"reload\",result=\"applied\"} %llu\n"
		"secretaryd_tenant_changes_total{via=\"reload\",result=\"refused\"} %llu\n"
		"secretaryd_tenant_changes_total{via=\"put\",result=\"applied\"} %llu\n"
		"secretaryd_tenant_changes_total{via=\"put\",result=\"refused\"} %llu\n",
		(unsigned long long)st->reloads_ok, (unsigned long long)st->reloads_refused,
		(unsigned long long)st->puts_ok, (unsigned long long)st->puts_refused);
	head(f, "secretaryd_person_reports_total", "counter",
	     "Call reports posted by SIP operators (POST /api/calls/<id>/report): accepted (spooled), "
	     "refused (400, 404, 409), expired (the call forgotten before its report came).");
	fprintf(f,
		"secretaryd_person_reports_total{result=\"accepted\"} %llu\n"
		"secretaryd_person_reports_total{result=\"refused\"} %llu\n"
		"secretaryd_person_reports_total{result=\"expired\"} %llu\n",
		(unsigned long long)st->person_reports_ok, (unsigned long long)st->person_reports_refused,
		(unsigned long long)st->person_reports_expired);
}

char *crstats_metrics(struct crstats *st, struct center *c, struct spool *sp, rb_us period)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct center_stats cs;
	metrics_calls(f, st);
	center_get_stats(c, &cs);
	metrics_center(f, st, c, &cs, period);
	metrics_sip_operators(f, &cs);
	metrics_reports(f, st, sp);
	metrics_misc(f, st, &cs);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct state_ctx {
	json_t *arr;
	rb_us now, period;
	const struct registrar *reg; /* SIP operators; NULL: none */
};

static void staff_cb(const struct dsp_staff *s, const char *state, rb_us since, void *arg)
{
	struct state_ctx *x = arg;
	char name[32];
	dsp_staff_name(s, name, sizeof name);
	json_array_append_new(x->arr, json_pack("{s:s, s:s, s:i, s:s, s:f, s:f}", "name", name, "kind",
						s->kind == DSP_BACKUP ? "backup" : "operator", "floor",
						s->floor, "state", state, "since_s", rb_us_to_s(since),
						"for_s", rb_us_to_s(x->now - since)));
	if (!x->reg)
		return;
	/* a SIP operator's contacts (0: not reachable); null: no SIP user */
	const struct op_cred *op = registrar_staff(x->reg, name);
	json_t *o = json_array_get(x->arr, json_array_size(x->arr) - 1);
	json_object_set_new(o, "sip_contacts",
			    op ? json_integer((json_int_t)registrar_contacts(x->reg, op, NULL, 0))
			       : json_null());
}

static void ringing_cb(const char *tenant, const char *call_id, rb_us t_invite, void *arg)
{
	struct state_ctx *x = arg;
	rb_us w = x->now - t_invite;
	if (w < 0)
		w = 0;
	json_array_append_new(x->arr, json_pack("{s:s, s:s, s:f, s:f, s:i}", "tenant", tenant, "call_id",
						call_id, "t_invite_s", rb_us_to_s(t_invite), "waited_s",
						rb_us_to_s(w), "rings", ring_count(w, x->period)));
}

char *crstats_state_json(struct crstats *st, struct center *c, struct spool *sp, rb_us period,
			 const char *timezone)
{
	struct state_ctx x = {json_array(), center_now(c), period, center_registrar(c)};
	center_foreach_staff(c, staff_cb, &x);
	json_t *staff = x.arr;
	x.arr = json_array();
	center_foreach_ringing(c, ringing_cb, &x);
	json_t *ringing = x.arr;
	struct center_stats cs;
	center_get_stats(c, &cs);
	rb_us w;
	int lr = longest_rings(c, period, &w);
	/* Counts as they happen (the center's, at answer time); screened ones
	 * are known when the call ends. */
	uint64_t scr = 0;
	for (size_t t = 0; t <= st->n_tenants; t++)
		scr += st->calls[t][3];
	bool cur = st->interval_id == x.now / INTERVAL_US;
	struct spool_stats ss = {0};
	if (sp)
		spool_get_stats(sp, &ss);
	/* Whole seconds and milliseconds: as a real, JSON_REAL_PRECISION(9)
	 * would round an epoch to 10 s. */
	rb_us now_ms = rb_now_epoch_us() / 1000;
	json_t *o = json_pack(
	    "{s:f, s:I, s:f, s:o, s:o, s:{s:i, s:i, s:f}, s:{s:I, s:I, s:I, s:I},"
	    " s:{s:{s:o, s:o}, s:{s:o, s:o}}, s:{s:I, s:I, s:I}, s:b}",
	    "now_s", rb_us_to_s(x.now), "time_epoch", (json_int_t)(now_ms / 1000), "ring_period_s",
	    rb_us_to_s(period), "staff", staff, "ringing", ringing, "queue", "ringing", cs.ringing,
	    "longest_wait_rings", lr, "longest_wait_s", rb_us_to_s(w), "counts", "answered",
	    (json_int_t)cs.answered, "abandoned", (json_int_t)cs.abandoned, "rejected",
	    (json_int_t)cs.rejected, "screened",
	    (json_int_t)scr, "service_level", "interval", "3", rbjson_real(cur ? sla(&st->interval, 3) : NAN),
	    "5", rbjson_real(cur ? sla(&st->interval, 5) : NAN), "since_start", "3",
	    rbjson_real(sla(&st->since_start, 3)), "5", rbjson_real(sla(&st->since_start, 5)), "reports",
	    "spool_depth", (json_int_t)ss.depth, "written", (json_int_t)st->reports_written,
	    "delivered", (json_int_t)ss.delivered, "draining", cs.draining);
	if (!o)
		return NULL;
	/* the wallboard's clock shows time_epoch in the center's zone */
	json_object_set_new(o, "timezone", json_string(timezone ? timezone : "UTC"));
	json_object_set_new(o, "time_epoch_ms", json_integer((json_int_t)now_ms));
	json_object_set_new(o, "sip_operators",
			    cs.sip_operators
				? json_pack("{s:I, s:I, s:I, s:I}", "configured", (json_int_t)cs.reg.users,
					    "reachable", (json_int_t)cs.reg.reachable, "registered",
					    (json_int_t)cs.reg.registered, "contacts",
					    (json_int_t)cs.reg.bindings)
				: json_null());
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9));
	json_decref(o);
	return s;
}
