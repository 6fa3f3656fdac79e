/*
 * analyze_run: `ringbench analyze` from input to result files, and the
 * analysis session it runs (struct anl_session, also fed by `ringbench
 * live`'s capture thread); see analyze.h. The pipeline reports each call when it is over; this file
 * completes the record (tenant, forwarding, no-answer delay from the
 * scenario; derived measures), hands it to the result folder (core/resdir:
 * its calls.csv row at once, the summary), adds it to the RFC 6076 sums, and
 * keeps the timeline's queue length.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_TAG "analyze"
#include "analyze.h"
#include "callrec.h"
#include "log.h"
#include "resdir.h"

/* mean / min / max of one RFC 6076 delay. */
struct dsum {
	uint64_t n;
	rb_us sum, min, max;
};

struct rfc6076 {
	uint64_t invites, answered, r3xx, seer_codes, isa_codes, completed;
	struct dsum srd, srd_ok, srd_fail, sdd, sdt;
};

struct run {
	const struct analyze_opts *o;
	rb_us period;
	struct resdir *rd;
	struct summary_rep *rep;
	struct timeline *tl;
	int waiting;
	rb_us wait_since;
	struct rfc6076 rfc;
	uint64_t calls;
	rb_us cap_t0; /* the first packet, µs since the epoch */
	bool started; /* a packet was seen */
	struct astats st;
	struct anl *a;
	struct anl_taps taps;
};

static struct capture *volatile g_cap;
static volatile sig_atomic_t g_stop;

void analyze_stop(void)
{
	g_stop = 1;
	struct capture *c = g_cap;
	if (c)
		capture_stop(c);
}

static void dsum_add(struct dsum *d, rb_us v)
{
	if (!d->n || v < d->min)
		d->min = v;
	if (!d->n || v > d->max)
		d->max = v;
	d->n++;
	d->sum += v;
}

static json_t *dsum_json(const struct dsum *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)d->n));
	json_object_set_new(o, "mean",
			    d->n ? json_real(rb_us_to_s(d->sum) / (double)d->n) : json_null());
	json_object_set_new(o, "min", d->n ? json_real(rb_us_to_s(d->min)) : json_null());
	json_object_set_new(o, "max", d->n ? json_real(rb_us_to_s(d->max)) : json_null());
	return o;
}

static json_t *pct(uint64_t num, uint64_t den)
{
	return den ? json_real(100.0 * (double)num / (double)den) : json_null();
}

/* RFC 6076 section 4: one attempt per call (a challenged INVITE resent is
 * the same attempt); docs/analyze.md says why. */
static void rfc_add(struct rfc6076 *f, const struct callrec *r, const struct dlg_extra *x)
{
	f->invites++;
	int s = r->final_status;
	if (r->t_answer != RB_T_NONE)
		f->answered++;
	if (s >= 300 && s < 400)
		f->r3xx++;
	if (r->t_answer != RB_T_NONE || s == 480 || s == 486 || s == 600 || s == 603)
		f->seer_codes++;
	if (s == 408 || s == 500 || s == 503 || s == 504)
		f->isa_codes++;
	if (r->t_answer != RB_T_NONE && r->t_end != RB_T_NONE)
		f->completed++;
	rb_us srd_end = r->t_ringing != RB_T_NONE ? r->t_ringing : r->t_final;
	if (srd_end != RB_T_NONE && r->t_invite != RB_T_NONE) {
		dsum_add(&f->srd, srd_end - r->t_invite);
		dsum_add(r->t_answer != RB_T_NONE ? &f->srd_ok : &f->srd_fail,
			 srd_end - r->t_invite);
	}
	if (r->t_end != RB_T_NONE && x->t_bye_ok != RB_T_NONE)
		dsum_add(&f->sdd, x->t_bye_ok - r->t_end);
	if (r->t_answer != RB_T_NONE && r->t_end != RB_T_NONE)
		dsum_add(&f->sdt, r->t_end - r->t_answer);
}

static json_t *rfc_json(const struct rfc6076 *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "definitions", json_string("docs/analyze.md"));
	json_object_set_new(o, "invites", json_integer((json_int_t)f->invites));
	json_object_set_new(o, "srd_s", dsum_json(&f->srd));
	json_object_set_new(o, "srd_successful_s", dsum_json(&f->srd_ok));
	json_object_set_new(o, "srd_failed_s", dsum_json(&f->srd_fail));
	json_object_set_new(o, "sdd_s", dsum_json(&f->sdd));
	json_object_set_new(o, "sdt_s", dsum_json(&f->sdt));
	uint64_t den = f->invites - f->r3xx;
	json_object_set_new(o, "ser_pct", pct(f->answered, den));
	json_object_set_new(o, "seer_pct", pct(f->seer_codes, den));
	json_object_set_new(o, "isa_pct", pct(f->isa_codes, f->invites));
	json_object_set_new(o, "scr_pct", pct(f->completed, f->invites));
	return o;
}

/* Tenant, forwarding, no-answer delay, phase: what the scenario adds. */
static void complete(struct run *u, struct callrec *r)
{
	const struct scenario *s = u->o->scn;
	int ti = s ? scn_tenant_by_number(s, r->ruri_user) : -1;
	if (ti >= 0) {
		const struct scn_tenant *t = &s->tenants[ti];
		r->tenant_idx = ti;
		size_t n = strnlen(t->id, sizeof(r->tenant) - 1);
		memcpy(r->tenant, t->id, n);
		r->tenant[n] = '\0';
		if (r->forwarding == FWD_UNKNOWN)
			r->forwarding = t->forwarding;
		r->no_answer = r->forwarding == FWD_NO_ANSWER ? t->no_answer : 0;
	} else {
		r->no_answer = r->forwarding == FWD_UNCONDITIONAL ? 0 : RB_T_NONE;
	}
	/* The dial time: the INVITE less the known no-answer ring (unknown when
	 * the delay is; the summary then places the call by its INVITE). */
	r->t_dial = RB_T_NONE;
	if (r->no_answer != RB_T_NONE && r->t_invite != RB_T_NONE)
		r->t_dial = r->t_invite - r->no_answer;
	callrec_derive(r, u->period);
}

/* A time from the capture's first packet in the summary's time base. */
static rb_us to_base(const struct run *u, rb_us t)
{
	if (!(u->o->speedup > 0) || t == RB_T_NONE)
		return t;
	return rb_wall_to_scenario(u->cap_t0 + t, u->o->t0_epoch, u->o->speedup);
}

/* A call's times into scenario time; its durations are derived again there. */
static void rec_to_base(const struct run *u, struct callrec *r)
{
	if (!(u->o->speedup > 0))
		return;
	rb_us *t[] = {&r->t_dial,   &r->t_invite, &r->t_ringing, &r->t_answer,
		      &r->t_cancel, &r->t_final,  &r->t_end};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		*t[i] = to_base(u, *t[i]);
	r->ring_time = r->srd = r->duration = RB_T_NONE;
}

/* r is dlg's record for this hook: completed in place, not copied. */
static void on_done(struct callrec *r, const struct dlg_extra *x, void *arg)
{
	struct run *u = arg;
	rfc_add(&u->rfc, r, x); /* RFC 6076 delays: wire time, always */
	rec_to_base(u, r);
	complete(u, r);
	u->calls++;
	resdir_call(u->rd, r); /* an error comes back from resdir_calls_close */
	if (u->taps.call)
		u->taps.call(r, u->taps.arg);
	if (r->t_dial == RB_T_NONE)
		r->t_dial = r->t_invite; /* phase windows and intervals need a time */
	if (u->rep)
		summary_rep_call(u->rep, r);
	if (u->tl) {
		if (r->outcome == OUTCOME_ANSWERED && r->t_answer != RB_T_NONE)
			timeline_answered(u->tl, r->t_answer);
		else if (r->outcome == OUTCOME_ABANDONED) {
			rb_us t = r->t_cancel != RB_T_NONE ? r->t_cancel : r->t_final;
			if (t != RB_T_NONE)
				timeline_abandoned(u->tl, t);
		}
	}
}

static void on_waiting(rb_us t, int delta, void *arg)
{
	struct run *u = arg;
	t = to_base(u, t);
	if (t < u->wait_since)
		t = u->wait_since; /* TCP may deliver a little out of order */
	if (u->tl && t > u->wait_since)
		timeline_span(u->tl, u->wait_since, t, u->waiting, 0, 0);
	u->wait_since = t;
	u->waiting += delta;
}

static void on_event(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg)
{
	struct run *u = arg;
	if (u->taps.event)
		u->taps.event(ev, r, t, u->taps.arg);
}

static json_t *skipped_json(const struct astats *st)
{
	json_t *o = json_object();
	for (int k = 0; k < ASKIP_COUNT; k++)
		if (st->n[k])
			json_object_set_new(o, askip_name((enum askip)k),
					    json_integer((json_int_t)st->n[k]));
	return o;
}

static void skipped_log(const struct astats *st)
{
	bool any = false;
	for (int k = 0; k < ASKIP_COUNT; k++)
		any |= st->n[k] != 0;
	if (!any)
		return;
	fprintf(stderr, "ringbench analyze: skipped:");
	for (int k = 0; k < ASKIP_COUNT; k++)
		if (st->n[k])
			fprintf(stderr, " %s=%llu", askip_name((enum askip)k),
				(unsigned long long)st->n[k]);
	fputc('\n', stderr);
}

/* The result folder: created, nothing written yet. Returns 0 or errno. */
static int open_resdir(struct run *u)
{
	const struct analyze_opts *o = u->o;
	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_CAPTURE,
			.command = o->command,
			.scn = o->scn,
			.ring_period = u->period,
			.replications = 1,
			/* without --speedup, the first packet's time (anl_session_packet) */
			.t0_epoch = o->speedup > 0 ? o->t0_epoch : RB_T_NONE,
			.unjudged = o->unjudged,
			.targets = o->targets,
			.n_targets = o->n_targets,
			.windows = o->windows,
			.n_windows = o->n_windows,
			.time_weighted = false,
		},
		.summary_name = o->summary_name,
		.timeline_staff = false,
		.calls_cap = -1,
	};
	int rc = resdir_open(&u->rd, o->out_dir, &ro);
	if (rc)
		return rc;
	u->rep = resdir_rep(u->rd, 0);
	u->tl = resdir_timeline(u->rd);
	return 0;
}

int anl_session_open(struct anl_session **out, const struct analyze_opts *o,
		     const struct anl_taps *taps)
{
	struct run *u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->o = o;
	if (taps)
		u->taps = *taps;
	u->period =
	    o->ring_period ? o->ring_period : (o->scn ? o->scn->ring_period : 3 * RB_US_PER_S);
	int rc = open_resdir(u);
	if (rc) {
		free(u);
		return rc;
	}
	*out = (struct anl_session *)u;
	return 0;
}

struct astats *anl_session_stats(struct anl_session *s)
{
	return &((struct run *)s)->st;
}

int anl_session_start(struct anl_session *s, const char **why)
{
	struct run *u = (struct run *)s;
	int rc = resdir_calls_open(u->rd);
	if (rc) {
		*why = "calls.csv could not be written";
		return rc;
	}
	/* No event hook without a tap for it: dlg builds a record per event. */
	struct dlg_hooks hk = {.done = on_done, .waiting = on_waiting,
			       .event = u->taps.event ? on_event : NULL, .arg = u};
	if (!(u->a = anl_new(&u->st, &hk))) {
		*why = "out of memory";
		return ENOMEM;
	}
	return 0;
}

void anl_session_packet(struct anl_session *s, const struct cap_pkt *p, int64_t t0_ns)
{
	struct run *u = (struct run *)s;
	if (!u->started) {
		u->started = true;
		u->cap_t0 = t0_ns / 1000;
		if (!(u->o->speedup > 0))
			resdir_set_t0_epoch(u->rd, u->cap_t0);
	}
	anl_packet(u->a, p, t0_ns);
}

/* End of input: every call still held reported, the timeline closed. */
static void drain(struct run *u)
{
	anl_finish(u->a);
	rb_us end = to_base(u, anl_last_time(u->a));
	if (u->tl && end != RB_T_NONE && end > u->wait_since)
		timeline_span(u->tl, u->wait_since, end, u->waiting, 0, 0);
	u->wait_since = end == RB_T_NONE ? 0 : end;
	anl_free(u->a);
	u->a = NULL;
}

int anl_session_finish(struct anl_session *s, struct resdir_result *res)
{
	struct run *u = (struct run *)s;
	drain(u);
	resdir_set_extra(u->rd, "skipped", skipped_json(&u->st));
	resdir_set_extra(u->rd, "rfc6076", rfc_json(&u->rfc));
	json_t *pk = json_object();
	json_object_set_new(pk, "packets", json_integer((json_int_t)u->st.packets));
	json_object_set_new(pk, "sip_messages", json_integer((json_int_t)u->st.sip_messages));
	json_object_set_new(pk, "calls", json_integer((json_int_t)u->calls));
	resdir_set_extra(u->rd, "capture", pk);
	skipped_log(&u->st);
	if (resdir_calls_close(u->rd)) {
		int rc = resdir_abort(u->rd, "calls.csv could not be written", res);
		return rc ? rc : EIO;
	}
	resdir_set_timeline_end(u->rd, u->wait_since);
	return resdir_finish(u->rd, res);
}

int anl_session_abort(struct anl_session *s, const char *why)
{
	struct resdir_result res;
	resdir_abort(((struct run *)s)->rd, why, &res);
	return res.exit_code;
}

struct summary *anl_session_summary(struct anl_session *s)
{
	return resdir_summary(((struct run *)s)->rd);
}

void anl_session_free(struct anl_session *s)
{
	struct run *u = (struct run *)s;
	if (!u)
		return;
	anl_free(u->a);
	resdir_free(u->rd);
	free(u);
}

static int open_input(struct anl_session *s, const struct analyze_opts *o, struct capture **c)
{
	char err[512] = "";
	int rc;
	struct astats *st = anl_session_stats(s);
	if (o->iface)
		rc = capture_open_live(c, o->iface, o->filter, o->write_path, o->duration_us, st,
				       err, sizeof(err));
	else
		rc = capture_open_files(c, o->files, o->n_files, st, err, sizeof(err));
	if (!rc)
		return 0;
	fprintf(stderr, "ringbench analyze: %s\n", err);
	if (rc == EPERM || rc == EIO || rc == ENOMEM)
		return anl_session_abort(s, err);
	return 2;
}

int analyze_run(const struct analyze_opts *o)
{
	struct anl_session *s = NULL;
	struct capture *c = NULL;
	const char *why = NULL;
	int status, rc;
	g_stop = 0;
	if ((rc = anl_session_open(&s, o, NULL)) != 0) {
		fprintf(stderr, "ringbench analyze: %s: %s\n", o->out_dir, strerror(rc));
		return 3;
	}
	status = open_input(s, o, &c);
	if (status)
		goto out;
	if ((rc = anl_session_start(s, &why)) != 0) {
		if (rc != ENOMEM)
			fprintf(stderr, "ringbench analyze: %s/calls.csv: %s\n", o->out_dir,
				strerror(rc));
		status = anl_session_abort(s, why);
		goto out;
	}
	struct cap_pkt p;
	g_cap = c;
	while (!g_stop && capture_next(c, &p) == 0)
		anl_session_packet(s, &p, capture_t0_ns(c));
	g_cap = NULL;
	struct resdir_result res;
	if ((rc = anl_session_finish(s, &res)) != 0 && res.failed)
		fprintf(stderr, "ringbench analyze: %s/%s: %s\n", o->out_dir, res.failed, strerror(rc));
	if (!rc && !o->quiet)
		summary_print(anl_session_summary(s), stdout);
	status = res.exit_code;
out:
	capture_close(c);
	anl_session_free(s);
	return status;
}
