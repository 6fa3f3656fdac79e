/*
 * live_collect: a live replication's calls back from the wire, in memory.
 * The capture thread's analysis (live_cap.c) hands over the calls of ours as
 * they ended, in wire time from the capture's first packet; the run's own
 * time zero and speed-up turn them into scenario time (rb_wall_to_scenario,
 * as `ringbench analyze --speedup F --t0 EPOCH` does); secretaryd's CDRs
 * add screened, who answered and report latency.
 * Calls are matched by the key before "///" in their Call-ID (live_caller.xml).
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "log.h"

static void set_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Our call of a CDR's Call-ID, NULL when none. */
static struct live_call *cdr_call(const char *cid, const char *prefix, struct live_call *calls,
				  size_t n)
{
	uint64_t seq;
	if (!cid || !live_key_seq(cid, prefix, &seq) || seq > n || calls[seq - 1].sc->seq != seq)
		return NULL;
	return &calls[seq - 1];
}

/* Screened and who answered, from the CDRs' calls table. */
static int cdr_calls(sqlite3 *db, const char *prefix, struct live_call *calls, size_t n)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT call_id, screened, answered_by FROM calls", -1, &q,
			       NULL) != SQLITE_OK)
		return EIO;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct live_call *c = cdr_call((const char *)sqlite3_column_text(q, 0), prefix, calls, n);
		if (!c || !c->found || c->rec.outcome != OUTCOME_ANSWERED)
			continue;
		if (sqlite3_column_type(q, 1) != SQLITE_NULL)
			c->rec.screened = sqlite3_column_int(q, 1) ? 1 : 0;
		const char *by = (const char *)sqlite3_column_text(q, 2);
		if (by)
			set_str(c->rec.answered_by, sizeof(c->rec.answered_by), by);
	}
	sqlite3_finalize(q);
	return 0;
}

/* Report latencies (secretaryd's call reports, when it writes them). */
static void cdr_reports(sqlite3 *db, const char *prefix, struct live_call *calls, size_t n)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "SELECT call_id, hangup_to_delivered_s FROM reports", -1, &q,
			       NULL) != SQLITE_OK)
		return; /* no reports table: no reports written */
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct live_call *c = cdr_call((const char *)sqlite3_column_text(q, 0), prefix, calls, n);
		if (c && sqlite3_column_type(q, 1) != SQLITE_NULL)
			c->report_s = sqlite3_column_double(q, 1);
	}
	sqlite3_finalize(q);
}

/* Adds what secretaryd's CDRs know (when its database is there). */
static void add_cdrs(const char *cdr_path, const char *prefix, struct live_call *calls, size_t n)
{
	struct stat st;
	if (!cdr_path || stat(cdr_path, &st) != 0)
		return;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(cdr_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    cdr_calls(db, prefix, calls, n)) {
		if (db)
			rb_log(LOG_WARNING, "%s: %s", cdr_path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return;
	}
	cdr_reports(db, prefix, calls, n);
	sqlite3_close(db);
}

void live_calls_release(struct live_call *calls, size_t n)
{
	for (size_t i = 0; calls && i < n; i++) {
		free(calls[i].wire_key);
		calls[i].wire_key = NULL;
	}
}

/*
 * The key as the capture's calls.csv has it, whole: inline in the record
 * when it fits, else in c->wire_key. Returns 0 or ENOMEM.
 */
static int set_wire_key(struct live_call *c, const char *cid, const char *tag)
{
	struct callrec *r = &c->rec;
	size_t cl = strlen(cid), tl = strlen(tag);
	free(c->wire_key);
	c->wire_key = NULL;
	if (cl < sizeof(r->call_id) && tl < sizeof(r->from_tag)) {
		callrec_set_key(r, cid, tag);
		return 0;
	}
	char *k = malloc(cl + tl + 2);
	if (!k)
		return ENOMEM;
	memcpy(k, cid, cl + 1);
	memcpy(k + cl + 1, tag, tl + 1);
	c->wire_key = k;
	callrec_set_key(r, k, k + cl + 1);
	return 0;
}

/* The record of a call that never reached the wire, or its base. */
static void base_rec(const struct scenario *s, struct live_call *c, const char *prefix)
{
	const struct sched_call *sc = c->sc;
	const struct scn_tenant *t = &s->tenants[sc->tenant];
	struct callrec *r = &c->rec;
	free(c->wire_key);
	c->wire_key = NULL;
	callrec_init(r);
	snprintf(r->call_id, sizeof(r->call_id), "%s%llu", prefix, (unsigned long long)sc->seq);
	set_str(r->tenant, sizeof(r->tenant), t->id);
	set_str(r->caller_type, sizeof(r->caller_type), s->callers.types[sc->type].name);
	r->forwarding = sc->fwd;
	r->no_answer = sc->no_answer;
	r->t_dial = sc->t_dial;
	r->phase = sc->phase;
	r->tenant_idx = sc->tenant;
	r->type_idx = sc->type;
	r->counted = sc->counted;
	r->redial = sc->redial;
	c->report_s = NAN;
	set_str(r->ruri_user, sizeof(r->ruri_user), t->number);
	c->lateness = RB_T_NONE;
	if (sc->before_forward) {
		r->t_cancel = r->t_end = sc->t_dial + sc->patience;
		r->outcome = OUTCOME_ABANDONED_BEFORE_FORWARD;
		c->found = true;
	}
}

/* Wire time of the capture (from its first packet) to scenario time. */
static rb_us to_scn(rb_us t_cap, const struct live_sources *src)
{
	if (t_cap == RB_T_NONE)
		return RB_T_NONE;
	return rb_wall_to_scenario(src->cap_t0 + t_cap, src->t0, src->F);
}

/* What the wire says of call c (its record's base from base_rec). */
static int from_wire(struct live_call *c, const struct callrec *w, const struct live_sources *src)
{
	struct callrec *r = &c->rec;
	c->found = true;
	r->t_invite = to_scn(w->t_invite, src);
	r->t_ringing = to_scn(w->t_ringing, src);
	r->t_answer = to_scn(w->t_answer, src);
	r->t_cancel = to_scn(w->t_cancel, src);
	r->t_final = to_scn(w->t_final, src);
	r->t_end = to_scn(w->t_end, src);
	r->final_status = w->final_status;
	r->outcome = w->outcome;
	set_str(r->diversion_reason, sizeof(r->diversion_reason), w->diversion_reason);
	set_str(r->history_info_cause, sizeof(r->history_info_cause), w->history_info_cause);
	set_str(r->transport, sizeof(r->transport), w->transport);
	set_str(r->src, sizeof(r->src), w->src);
	set_str(r->dst, sizeof(r->dst), w->dst);
	if (w->t_invite != RB_T_NONE) {
		rb_us sched = src->t0 + (rb_us)llround((double)c->sc->t_invite / src->F);
		c->lateness = src->cap_t0 + w->t_invite - sched;
	}
	/* The Call-ID and From tag on the wire in full, as the capture's row. */
	return set_wire_key(c, callrec_call_id(w), callrec_from_tag(w));
}

int live_collect(const struct scenario *s, struct live_call *calls, size_t n,
		 const struct live_sources *src)
{
	for (size_t i = 0; i < n; i++)
		base_rec(s, &calls[i], src->prefix);
	for (size_t k = 0; k < src->n_wire; k++) {
		const struct live_wire *w = &src->wire[k];
		if (w->seq < 1 || w->seq > n)
			continue;
		struct live_call *c = &calls[w->seq - 1];
		if (c->sc->seq != w->seq || c->sc->before_forward || c->found)
			continue; /* not on the wire (or a second INVITE dialog) */
		if (from_wire(c, &w->rec, src))
			return ENOMEM;
	}
	add_cdrs(src->cdr_path, src->prefix, calls, n);
	for (size_t i = 0; i < n; i++)
		callrec_derive(&calls[i].rec, s->ring_period);
	return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v (nearest rank). */
static double quant(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

void live_lateness_of(const struct live_call *calls, size_t n, struct live_lateness *lat)
{
	memset(lat, 0, sizeof(*lat));
	double *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (calls[i].lateness != RB_T_NONE)
			v[k++] = (double)calls[i].lateness / 1000.0;
	if (k) {
		qsort(v, k, sizeof(*v), dbl_cmp);
		lat->n = k;
		lat->median_ms = quant(v, k, 0.5);
		lat->p99_ms = quant(v, k, 0.99);
		lat->max_ms = v[k - 1];
	}
	free(v);
}

struct tev {
	rb_us t;
	int d; /* +1 ringing starts, -1 ends */
};

static int tev_cmp(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->d - y->d;
}

void live_timeline(struct timeline *tl, const struct live_call *calls, size_t n, rb_us end)
{
	struct tev *ev = malloc((2 * n + 1) * sizeof(*ev));
	if (!ev)
		return;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct callrec *r = &calls[i].rec;
		if (r->t_answer != RB_T_NONE)
			timeline_answered(tl, r->t_answer);
		if (r->outcome == OUTCOME_ABANDONED && r->t_cancel != RB_T_NONE)
			timeline_abandoned(tl, r->t_cancel);
		if (r->t_invite == RB_T_NONE || r->t_invite < 0)
			continue;
		rb_us stop = r->t_answer != RB_T_NONE   ? r->t_answer
			     : r->t_cancel != RB_T_NONE ? r->t_cancel
			     : r->t_final != RB_T_NONE  ? r->t_final
							: r->t_end;
		if (stop == RB_T_NONE || stop < r->t_invite)
			continue;
		ev[k++] = (struct tev){r->t_invite, +1};
		ev[k++] = (struct tev){stop, -1};
	}
	qsort(ev, k, sizeof(*ev), tev_cmp);
	rb_us from = 0;
	int ringing = 0;
	for (size_t i = 0; i < k; i++) {
		if (ev[i].t > from) {
			timeline_span(tl, from, ev[i].t, ringing, 0, 0);
			from = ev[i].t;
		}
		ringing += ev[i].d;
	}
	if (end > from)
		timeline_span(tl, from, end, ringing, 0, 0);
	free(ev);
}

/* --- digest authentication ------------------------------------------------------ */

int live_auth_check(const struct live_call *calls, size_t n, const char *auth, long challenges,
		    char *why, size_t whylen)
{
	size_t wire = 0, refused = 0;
	for (size_t i = 0; i < n; i++) {
		const struct callrec *r = &calls[i].rec;
		if (r->t_invite == RB_T_NONE)
			continue;
		wire++;
		int st = r->final_status;
		if (r->outcome == OUTCOME_REJECTED &&
		    (st == 401 || st == 407 || (auth && st == 403)))
			refused++;
	}
	if (!refused || !challenges)
		return 0;
	char user[128] = "";
	const char *colon = auth ? strchr(auth, ':') : NULL;
	if (colon)
		snprintf(user, sizeof(user), "%.*s", (int)(colon - auth), auth);
	if (auth)
		snprintf(why, whylen,
			 "%zu of %zu calls placed were refused after digest authentication as user "
			 "'%s' (403, or challenged again): check --auth USER:PASSWORD",
			 refused, wire, user);
	else
		snprintf(why, whylen,
			 "%zu of %zu calls placed were challenged for digest authentication "
			 "(401/407) and not answered: give --auth USER:PASSWORD",
			 refused, wire);
	if (refused < wire) {
		fprintf(stderr, "live: warning: %s\n", why);
		why[0] = '\0';
		return 0;
	}
	return EACCES;
}

int live_never_answered(const struct live_call *calls, size_t n, char *why, size_t whylen)
{
	size_t wire = 0;
	for (size_t i = 0; i < n; i++) {
		const struct callrec *r = &calls[i].rec;
		if (r->t_invite == RB_T_NONE)
			continue;
		wire++;
		if (r->t_ringing != RB_T_NONE || r->t_answer != RB_T_NONE || r->final_status)
			return 0;
	}
	if (!wire)
		return 0;
	snprintf(why, whylen,
		 "the server never answered (%zu INVITE%s, no response): is it running, and on this "
		 "address and transport?",
		 wire, wire == 1 ? "" : "s");
	return ETIMEDOUT;
}
