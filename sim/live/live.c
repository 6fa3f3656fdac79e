/*
 * live: the run (live.h): its replications one after another (live_rep.c),
 * then the result folder: summary.json (engine live, the live, schedule and
 * capture members), calls.csv (replication 0) and timeline.csv, through
 * core/resdir, once.
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "resdir.h"

/* ^C or SIGTERM during a run: stop SIPp and secretaryd (they run in their
 * own process groups, so the terminal's signal does not reach them). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

bool live_interrupted(void)
{
	return interrupted != 0;
}

/* --- per replication ------------------------------------------------------------- */

static size_t count_wire_redials(const struct rep *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->sc.n; i++)
		if (r->sc.calls[i].redial && !r->sc.calls[i].before_forward)
			k++;
	return k;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Report latency over every replication's calls: null when none came. */
static json_t *report_json(const struct rep *reps, int n_reps)
{
	size_t n = 0, k = 0;
	for (int i = 0; i < n_reps; i++)
		n += reps[i].sc.n;
	double *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return json_null();
	for (int i = 0; i < n_reps; i++)
		for (size_t j = 0; j < reps[i].sc.n && reps[i].calls; j++)
			if (!isnan(reps[i].calls[j].report_s))
				v[k++] = reps[i].calls[j].report_s;
	json_t *j = json_null();
	if (k) {
		qsort(v, k, sizeof(*v), dcmp);
		double sum = 0;
		for (size_t i = 0; i < k; i++)
			sum += v[i];
		size_t p99 = (size_t)ceil(0.99 * (double)k);
		json_decref(j);
		j = json_pack("{s:I, s:f, s:f, s:f, s:f}", "reports", (json_int_t)k, "mean", sum / (double)k,
			      "p50", v[(k + 1) / 2 - 1], "p99", v[(p99 ? p99 : 1) - 1], "max", v[k - 1]);
	}
	free(v);
	return j ? j : json_null();
}

/* --- the run ------------------------------------------------------------------------ */

static json_t *lateness_json(const struct live_lateness *l, double F, rb_us period)
{
	double limit_ms = live_lateness_limit_ms(period, F);
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "invites", (json_int_t)l->n,
			 "median_ms", l->median_ms, "p99_ms", l->p99_ms, "max_ms", l->max_ms,
			 "median_scenario_s", l->median_ms * F / 1e3, "p99_scenario_s",
			 l->p99_ms * F / 1e3, "warn_limit_ms", limit_ms, "warning",
			 l->n && l->p99_ms > limit_ms);
}

/*
 * A schedule not kept caps the verdict at inconclusive: calls placed late
 * may have crossed a ring boundary, so no target can be shown to be met.
 */
static void judge_schedule(struct summary *sum, const struct live_lateness *lats, int n,
			   const struct live_opts *o, struct live_schedule *sc)
{
	live_schedule_judge(lats, n, o->scn->ring_period, o->speedup, sc);
	json_t *j = live_schedule_json(sc);
	if (j)
		summary_set_extra(sum, "schedule", j);
	char why[256];
	if (live_schedule_reason(sc, o->replications, why, sizeof(why)) > 0 &&
	    summary_set_inconclusive(sum, why))
		rb_log(LOG_WARNING, "out of memory: %s", why);
}

/* The run across its replications. */
struct run {
	const struct live_opts *o;
	struct resdir *rd;
	struct rep *reps;
	struct live_lateness *lats; /* one per replication run */
	int n_lats;
	json_t *lat_all, *rd_all;
	struct cap_stats pcap; /* summed over the replications run */
	size_t clamped;        /* trace: patience draws clamped, summed likewise */
	char failed[3 * PATH_MAX + 64];
};

/* summary.json's "capture": libpcap's counts, so a run shows it lost no packet. */
static json_t *capture_json(const struct cap_stats *c)
{
	return json_pack("{s:I, s:I, s:I}", "received", (json_int_t)c->received, "dropped",
			 (json_int_t)c->dropped, "if_dropped", (json_int_t)c->if_dropped);
}

/* The folder and its calls.csv, the run's arrays. Returns 0 or 3 (said on stderr). */
static int open_run(struct run *u)
{
	const struct live_opts *o = u->o;
	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_LIVE,
			.command = o->command ? o->command : "ringbench live",
			.scn = o->scn,
			.seed = o->seed,
			.replications = o->replications,
			.t0_epoch = RB_T_NONE, /* replication 0's, once it ran */
			.time_weighted = false,
		},
		.timeline_staff = false,
		.calls_cap = -1,
	};
	int oe = resdir_open(&u->rd, o->out_dir, &ro);
	if (oe) {
		if (oe == ENOMEM)
			fprintf(stderr, "ringbench live: cannot write %s/calls.csv\n", o->out_dir);
		else
			fprintf(stderr, "ringbench live: cannot create %s\n", o->out_dir);
		return 3;
	}
	u->lat_all = json_array();
	u->rd_all = json_array();
	u->reps = calloc((size_t)o->replications, sizeof(*u->reps));
	u->lats = calloc((size_t)o->replications, sizeof(*u->lats));
	if (resdir_calls_open(u->rd) || !u->lat_all || !u->rd_all) {
		fprintf(stderr, "ringbench live: cannot write %s/calls.csv\n", o->out_dir);
		return 3;
	}
	return u->reps && u->lats ? 0 : 3;
}

/* A replication that ran: its lateness and redials, on the terminal too. */
static void rep_done(struct run *u, struct rep *r)
{
	const struct live_opts *o = u->o;
	struct live_lateness l;
	live_lateness_of(r->calls, r->sc.n, &l);
	u->lats[u->n_lats++] = l;
	json_array_append_new(u->lat_all, lateness_json(&l, o->speedup, o->scn->ring_period));
	json_array_append_new(u->rd_all,
			      json_pack("{s:I, s:I, s:i}", "redials", (json_int_t)r->sc.n_redials,
					"redials_on_wire",
					(json_int_t)(r->sc.n_redials ? count_wire_redials(r) : 0),
					"redial_sipp_runs", r->n_rd_runs));
	u->pcap.received += r->pcap.received;
	u->pcap.dropped += r->pcap.dropped;
	u->pcap.if_dropped += r->pcap.if_dropped;
	u->clamped += r->sc.n_clamped;
	if (o->quiet)
		return;
	if (r->sc.n_redials)
		fprintf(stderr, "live: %zu redials (%d SIPp runs for those found during the run)\n",
			r->sc.n_redials, r->n_rd_runs);
	double limit_ms = live_lateness_limit_ms(o->scn->ring_period, o->speedup);
	fprintf(stderr,
		"live: lateness of %zu INVITEs: median %.2f ms, p99 %.2f ms on the wire "
		"(%.3f s, %.3f s in scenario time)\n",
		l.n, l.median_ms, l.p99_ms, l.median_ms * o->speedup / 1e3, l.p99_ms * o->speedup / 1e3);
	if (l.n && l.p99_ms > limit_ms)
		fprintf(stderr,
			"live: warning: lateness p99 %.2f ms exceeds 5%% of the ring "
			"period on the wire (%.2f ms): the run is at best "
			"inconclusive; lower --speedup\n",
			l.p99_ms, limit_ms);
}

/* Every replication, one after another; none after one failed (u->failed). */
static void run_reps(struct run *u)
{
	const struct live_opts *o = u->o;
	for (int i = 0; i < o->replications; i++) {
		struct rep *r = &u->reps[i];
		r->o = o;
		r->idx = i;
		if (i == 0)
			snprintf(r->dir, sizeof(r->dir), "%s", o->out_dir);
		else
			snprintf(r->dir, sizeof(r->dir), "%s/rep-%d", o->out_dir, i);
		if (!o->quiet && o->replications > 1)
			fprintf(stderr, "live: replication %d/%d\n", i + 1, o->replications);
		int e = interrupted ? 3 : live_rep_run(r);
		if (interrupted && !r->why[0])
			snprintf(r->why, sizeof(r->why), "interrupted");
		if (i == 0)
			resdir_set_t0_epoch(u->rd, r->t0);
		if (e) {
			if (o->replications > 1)
				snprintf(u->failed, sizeof(u->failed), "replication %d: %s", i, r->why);
			else
				snprintf(u->failed, sizeof(u->failed), "%s", r->why);
			fprintf(stderr, "ringbench live: %s\n", u->failed);
			return;
		}
		rep_done(u, r);
	}
}

/* Every replication's calls into the summary; replication 0's into calls.csv
 * and the timeline. */
static void feed(struct run *u)
{
	for (int i = 0; i < u->o->replications && !u->failed[0]; i++) {
		struct rep *r = &u->reps[i];
		struct summary_rep *h = resdir_rep(u->rd, i);
		for (size_t k = 0; k < r->sc.n; k++) {
			if (h)
				summary_rep_call(h, &r->calls[k].rec);
			if (i == 0 && resdir_call(u->rd, &r->calls[k].rec)) {
				snprintf(u->failed, sizeof(u->failed), "cannot write calls.csv");
				break;
			}
		}
		if (i == 0)
			live_timeline(resdir_timeline(u->rd), r->calls, r->sc.n, u->o->scn->end);
		/* the operator legs of replication 0, as its calls.csv */
		if (i == 0 && u->o->sip_operators && !u->failed[0] && live_legs_write(u->rd, r))
			snprintf(u->failed, sizeof(u->failed), "cannot write operator_legs.csv");
	}
}

/* summary.json's live and capture members, then the verdict (an error, or
 * the targets capped by the schedule). */
static void conclude(struct run *u, struct live_schedule *sched)
{
	const struct live_opts *o = u->o;
	json_t *extra = json_pack("{s:f, s:o, s:o, s:o}", "speedup", o->speedup, "lateness",
				  u->lat_all, "report_latency_s",
				  report_json(u->reps, u->failed[0] ? 0 : o->replications), "redials",
				  u->rd_all);
	u->lat_all = u->rd_all = NULL;
	/* who answered: secretaryd's simulated operators, ringbench's SIP
	 * operators (--sip-operators), or whatever --server does */
	if (extra)
		json_object_set_new(extra, "operators",
				    json_string(o->server ? "server" : o->sip_operators ? "sip" : "simulated"));
	if (extra)
		resdir_set_extra(u->rd, "live", extra);
	json_t *cap = capture_json(&u->pcap);
	if (cap)
		resdir_set_extra(u->rd, "capture", cap);
	const struct trace *t = o->scn->trace;
	json_t *tj = t ? json_pack("{s:s, s:I, s:I, s:I}", "file", t->path, "calls", (json_int_t)t->n,
				   "delay_shortened", (json_int_t)t->n_shortened, "patience_clamped",
				   (json_int_t)u->clamped)
		       : NULL;
	if (tj)
		resdir_set_extra(u->rd, "trace", tj);
	if (resdir_calls_close(u->rd) && !u->failed[0])
		snprintf(u->failed, sizeof(u->failed), "cannot write calls.csv");
	if (u->failed[0])
		resdir_set_error(u->rd, u->failed);
	else
		judge_schedule(resdir_summary(u->rd), u->lats, u->n_lats, o, sched);
}

static void print_result(const struct run *u, const struct live_schedule *sched)
{
	const struct live_opts *o = u->o;
	summary_print(resdir_summary(u->rd), stdout);
	if (!u->failed[0] && sched->invites)
		printf("schedule: INVITE lateness p50 %.2f ms, p99 %.2f ms on the wire, "
		       "limit %.3g ms: %s\n",
		       sched->p50_ms, sched->p99_ms, sched->limit_ms, sched->kept ? "kept" : "not kept");
	printf("results: %s/ (the capture's analysis in wire time, not judged: %s/capture/)\n",
	       o->out_dir, o->out_dir);
}

static void run_free(struct run *u)
{
	for (int i = 0; u->reps && i < u->o->replications; i++)
		live_rep_free(&u->reps[i]);
	free(u->reps);
	json_decref(u->lat_all);
	json_decref(u->rd_all);
	free(u->lats);
	resdir_free(u->rd);
}

int live_run(const struct live_opts *o, struct live_lateness *lat_out)
{
	struct run u = {.o = o};
	int rc = open_run(&u);
	if (rc) {
		run_free(&u);
		return rc;
	}
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	run_reps(&u);
	feed(&u);
	struct live_schedule sched = {.kept = true, .worst_rep = -1};
	conclude(&u, &sched);
	struct resdir_result res;
	int fe = resdir_finish(u.rd, &res);
	if (fe && res.failed)
		fprintf(stderr, "ringbench live: cannot write %s/%s\n", o->out_dir, res.failed);
	rc = 3;
	if (!fe) {
		if (!o->quiet)
			print_result(&u, &sched);
		rc = res.exit_code;
		if (lat_out && u.n_lats)
			*lat_out = u.lats[0];
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	run_free(&u);
	return rc;
}
