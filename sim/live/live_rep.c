/*
 * live_rep: one replication of a live run, stage by stage (live.h, steps
 * 1-6): the schedule; the server; the capture and its analysis; SIPp; the
 * run's loop (processes, CANCELs and their redials, the progress line); the
 * wind-down; the accounting of every scheduled call.
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CAPTURE_TAIL_MS 2000 /* the capture needs this after the last call */
#define TICK_MS 20	     /* the run's loop: processes, CANCELs, redials */
#define QUIET_US 500000	     /* no SIPp, no redial queued, no CANCEL: over */

static int path_of(char *buf, size_t n, const char *dir, const char *f)
{
	int k = snprintf(buf, n, "%s/%s", dir, f);
	return k < 0 || (size_t)k >= n ? ENAMETOOLONG : 0;
}

/* 1. Every caller drawn, their records, the wire calls in send order, time zero. */
static int prepare(struct rep *r, const struct sched_call ***w, size_t *n_wire)
{
	const struct scenario *s = r->o->scn;
	int e;
	if ((e = schedule_build(s, r->o->seed, r->idx, &r->sc))) {
		snprintf(r->why, sizeof(r->why), "cannot draw the schedule: %s", strerror(e));
		return e;
	}
	r->calls = calloc(r->sc.n ? r->sc.n : 1, sizeof(*r->calls));
	*w = schedule_wire_order(&r->sc, n_wire);
	if (r->calls)
		r->n_calls = r->sc.n;
	if (!r->calls || (*n_wire && !*w)) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return ENOMEM;
	}
	for (size_t i = 0; i < r->sc.n; i++)
		r->calls[i].sc = &r->sc.calls[i];
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/sipp", r->dir);
	if (cli_mkdirs(path)) {
		snprintf(r->why, sizeof(r->why), "cannot create %s", path);
		return EIO;
	}
	/* Time zero: far enough ahead for SIPp to create every call first. */
	r->t0 = rb_now_epoch_us() + 1500000 + (rb_us)((double)*n_wire * 1e6 / LIVE_SIPP_RATE);
	r->end_epoch = r->t0 + (rb_us)((double)s->end / r->o->speedup);
	return 0;
}

/* 2. secretaryd started for the run, or the --server given. */
static int server(struct rep *r)
{
	if (!r->o->server)
		return r->o->sip_operators && live_start_operators(r) ? EIO : live_start_secretaryd(r);
	if (live_split_target(r->o->server, r->host, sizeof(r->host), &r->port)) {
		snprintf(r->why, sizeof(r->why), "--server: expected HOST:PORT, got '%s'", r->o->server);
		return EINVAL;
	}
	return 0;
}

/* 3. The capture, filtered to the run's port, and its analysis. */
static int capture(struct rep *r)
{
	char filter[128], pcap[PATH_MAX + 32], capdir[PATH_MAX + 32], prefix[32];
	snprintf(filter, sizeof(filter), "port %d", r->port);
	path_of(pcap, sizeof(pcap), r->dir, "capture.pcap");
	path_of(capdir, sizeof(capdir), r->dir, "capture");
	snprintf(prefix, sizeof(prefix), "rbl%d-", r->idx);
	bool lo = !strncmp(r->host, "127.", 4) || !strcmp(r->host, "::1") ||
		  !strcmp(r->host, "localhost");
	struct live_cap_opts co = {.iface = lo ? "lo" : "any",
				   .filter = filter,
				   .pcap_path = pcap,
				   .cap_dir = capdir,
				   .scn = r->o->scn,
				   .scenario_path = r->o->scenario_path,
				   .prefix = prefix};
	return live_cap_start(&r->cap, &co, r->why, sizeof(r->why));
}

/* 4. The injection file and SIPp on it. */
static int place(struct rep *r, const struct sched_call **w, size_t n_wire)
{
	char inj[PATH_MAX + 64], sipp_dir[PATH_MAX + 16];
	path_of(inj, sizeof(inj), r->dir, "sipp/injection.csv");
	int e = live_write_injection(r, w, n_wire, inj, !r->o->server);
	if (e) {
		snprintf(r->why, sizeof(r->why), "cannot write %s: %s", inj, strerror(e));
		return e;
	}
	double limit_s =
	    rb_us_to_s(r->end_epoch - rb_now_epoch_us()) + 3600.0 / r->o->speedup + 120.0;
	snprintf(sipp_dir, sizeof(sipp_dir), "%s/sipp", r->dir);
	return n_wire ? live_start_sipp(r, inj, n_wire, limit_s, sipp_dir, &r->sipp_pid) : 0;
}

static void progress(struct rep *r, bool last)
{
	if (r->o->quiet)
		return;
	struct live_cap_counts k;
	live_cap_counts(r->cap, &k);
	long ringing = k.ringing; /* not placed less ended: an unanswered INVITE is not ringing */
	double left = rb_us_to_s(r->end_epoch - rb_now_epoch_us());
	if (left < 0)
		left = 0;
	/* On a terminal one line redrawn each second; in a log (CI, a pipe)
	 * a plain line every 10 s and the last one. */
	if (r->tty < 0)
		r->tty = isatty(STDERR_FILENO);
	if (!r->tty) {
		rb_us now = rb_now_epoch_us();
		if (!last && now < r->next_plain)
			return;
		r->next_plain = now + 10 * RB_US_PER_S;
	}
	fprintf(stderr, "%slive: placed %ld/%zu  ringing %ld  answered %ld  abandoned %ld  rejected %ld  "
			"time left %.0f s%s",
		r->tty ? "\r" : "", k.placed, r->sc.n_wire, ringing, k.answered, k.abandoned,
		k.rejected, left, r->tty ? "   " : "\n");
	if (last && r->tty)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The processes: SIPp runs ending (aborted: a failure), secretaryd dying,
 * an interruption. Returns 0 or -1 (r->why set). */
static int watch(struct rep *r, bool *sipp_done)
{
	int st;
	if (!*sipp_done && live_wait(r->sipp_pid, 0, &st) == 0) {
		char sipp_dir[PATH_MAX + 16];
		snprintf(sipp_dir, sizeof(sipp_dir), "%s/sipp", r->dir);
		*sipp_done = true;
		r->sipp_pid = 0;
		if (!live_sipp_ok(r, st, sipp_dir))
			return -1;
	}
	for (size_t k = 0; k < r->n_rd;) {
		if (live_wait(r->rd[k].pid, 0, &st) != 0) {
			k++;
			continue;
		}
		char d[PATH_MAX + 64];
		live_redial_dir(r, r->rd[k].run, d, sizeof(d));
		r->rd[k] = r->rd[--r->n_rd];
		if (!live_sipp_ok(r, st, d))
			return -1;
	}
	if (r->sd_pid && live_wait(r->sd_pid, 0, &st) == 0) {
		r->sd_pid = 0;
		snprintf(r->why, sizeof(r->why), "secretaryd died during the run (%s %d)",
			 WIFSIGNALED(st) ? "signal" : "exit status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		return -1;
	}
	if (live_interrupted()) {
		snprintf(r->why, sizeof(r->why), "interrupted");
		return -1;
	}
	return 0;
}

/*
 * 5. The run: wait for every SIPp, watching the server; each CANCEL the
 * capture sees may draw a redial, placed by a SIPp of its own. Over when no
 * SIPp runs, no redial waits and no CANCEL came for a moment (the capture
 * delivers within its 100 ms timeout). Returns 0 or -1 (r->why set).
 */
static int run_loop(struct rep *r, size_t n_wire)
{
	bool sipp_done = n_wire == 0;
	rb_us quiet_since = 0, next_progress = 0;
	for (;;) {
		if (watch(r, &sipp_done))
			return -1;
		size_t n_before = r->sc.n;
		if (live_take_cancels(r)) {
			snprintf(r->why, sizeof(r->why), "out of memory");
			return -1;
		}
		if (live_launch_redials(r))
			return -1;
		rb_us now = rb_now_epoch_us();
		if (sipp_done && !r->n_rd && !r->n_pend && r->sc.n == n_before) {
			if (!quiet_since)
				quiet_since = now;
			else if (now - quiet_since >= QUIET_US)
				break;
		} else {
			quiet_since = 0;
		}
		if (now >= next_progress) {
			progress(r, false);
			next_progress = now + RB_US_PER_S;
		}
		struct timespec tick = {0, TICK_MS * 1000000L};
		nanosleep(&tick, NULL);
	}
	progress(r, true);
	return 0;
}

/* 6. The capture's tail, the capture stopped, secretaryd stopped (draining),
 * then the capture's analysis completed. Returns 0 or -1 (r->why set). */
static int wind_down(struct rep *r)
{
	struct timespec ts = {CAPTURE_TAIL_MS / 1000, (CAPTURE_TAIL_MS % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	live_cap_stop(r->cap);
	struct live_cap_counts k;
	live_cap_counts(r->cap, &k);
	r->challenges = k.challenges;
	live_cap_stats(r->cap, &r->pcap);
	if (r->sd_pid) {
		int st = 0;
		live_stop(r->sd_pid, 15000, &st);
		r->sd_pid = 0;
		live_stop_operators(r); /* after the center: its last BYEs answered */
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			snprintf(r->why, sizeof(r->why), "secretaryd failed (%s %d; see %s/secretaryd.log)",
				 WIFSIGNALED(st) ? "signal" : "exit status",
				 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), r->dir);
			return -1;
		}
	}
	return live_cap_finish(r->cap, r->why, sizeof(r->why)) ? -1 : 0;
}

/* 7. Every scheduled call found in the capture (or known off the wire), in
 * scenario time with its CDR. Returns 0 or -1 (r->why set). */
static int account(struct rep *r, size_t n_wire)
{
	char cdr[PATH_MAX + 64], prefix[32];
	path_of(cdr, sizeof(cdr), r->dir, "secretaryd/cdr.sqlite");
	snprintf(prefix, sizeof(prefix), "rbl%d-", r->idx);
	struct live_sources src = {.cap_t0 = live_cap_t0(r->cap),
				   .t0 = r->t0,
				   .F = r->o->speedup,
				   .cdr_path = r->o->server ? NULL : cdr,
				   .prefix = prefix};
	src.wire = live_cap_calls(r->cap, &src.n_wire);
	if (live_collect(r->o->scn, r->calls, r->sc.n, &src)) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -1;
	}
	size_t n_legs = 0;
	const struct live_wire *legs = live_cap_legs(r->cap, &n_legs);
	if (r->o->sip_operators && live_legs_collect(r, legs, n_legs, &src)) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -1;
	}
	size_t missing = 0;
	for (size_t i = 0; i < r->sc.n; i++)
		if (!r->calls[i].found)
			missing++;
	if (missing) {
		/* None on the wire: SIPp stopped before its first call (a flow of
		 * --caller-xml's that SIPp refuses exits 1, as for failed calls). */
		char said[200] = "", sipp_dir[PATH_MAX + 16];
		snprintf(sipp_dir, sizeof(sipp_dir), "%s/sipp", r->dir);
		if (missing == r->sc.n_wire && !src.n_wire)
			live_sipp_said(sipp_dir, said, sizeof said);
		snprintf(r->why, sizeof(r->why),
			 "%zu of %zu calls placed cannot be accounted for (not in the capture)%s%s%s%s",
			 missing, r->sc.n_wire, said[0] ? "; SIPp said: " : "", said,
			 said[0] ? "; see " : "", said[0] ? sipp_dir : "");
		return -1;
	}
	if (n_wire && live_never_answered(r->calls, r->sc.n, r->why, sizeof(r->why)))
		return -1;
	if (n_wire && live_auth_check(r->calls, r->sc.n, r->o->auth, r->challenges, r->why,
				      sizeof(r->why)))
		return -1;
	return 0;
}

/* Whatever still runs, stopped by pid (a failed or interrupted run). */
static void stop_all(struct rep *r)
{
	live_cap_free(r->cap);
	r->cap = NULL;
	if (r->sipp_pid) {
		live_stop(r->sipp_pid, 2000, NULL);
		r->sipp_pid = 0;
	}
	for (size_t k = 0; k < r->n_rd; k++)
		live_stop(r->rd[k].pid, 2000, NULL);
	r->n_rd = 0;
	if (r->sd_pid) {
		live_stop(r->sd_pid, 5000, NULL);
		r->sd_pid = 0;
	}
	live_stop_operators(r);
}

int live_rep_run(struct rep *r)
{
	const struct sched_call **w = NULL;
	size_t n_wire = 0;
	r->tty = -1;
	int rc = 3;
	if (!prepare(r, &w, &n_wire) && !server(r) && !capture(r) && !place(r, w, n_wire) &&
	    !run_loop(r, n_wire) && !wind_down(r) && !account(r, n_wire))
		rc = 0;
	stop_all(r);
	free(w);
	return rc;
}

void live_rep_free(struct rep *r)
{
	free(r->pend);
	free(r->rd);
	free(r->legs);
	live_calls_release(r->calls, r->n_calls);
	free(r->calls);
	schedule_free(&r->sc);
}
