/*
 * live: one replication of a live run, and the run (live.h).
 */
#define _GNU_SOURCE /* memmem */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "analyze.h"
#include "capture.h"
#include "cli.h"
#include "log.h"
#include "resdir.h"

#define SIPP_RATE 1000     /* calls SIPp creates per second (each then waits) */
#define CAPTURE_TAIL_MS 2000 /* the capture needs this after the last call */
/* Redials found during the run: their SIPp starts this long (wall µs)
 * before the first one's instant, and takes every redial due up to
 * REDIAL_BATCH_US later with it. */
#define REDIAL_LEAD_US 1000000
#define REDIAL_BATCH_US 3000000
#define TICK_MS 20 /* the run's loop: processes, CANCELs, redials */

/* ^C or SIGTERM during a run: stop SIPp and secretaryd (they run in their
 * own process groups, so the terminal's signal does not reach them). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* --- the capture thread ---------------------------------------------------- */

struct cap_th {
	struct capture *c;
	pthread_t th;
	atomic_long invites, ringing, answered, cancels, rejected, challenges;
	/* The seqs of our calls whose CANCEL was seen (the run takes them). */
	char prefix[32]; /* "rbl<rep>-" */
	pthread_mutex_t mu;
	uint64_t *cancel_seq;
	size_t n_cancel, cap_cancel;
	bool oom;
};

/* A CANCEL at p: its Call-ID's key "<prefix><seq>///..." into t's list. */
static void note_cancel(struct cap_th *t, const uint8_t *p, size_t m)
{
	const uint8_t *h = memmem(p, m, "\nCall-ID:", 9);
	if (!h)
		return;
	size_t left = m - (size_t)(h - p) - 9;
	const char *v = (const char *)h + 9;
	while (left && (*v == ' ' || *v == '\t')) {
		v++;
		left--;
	}
	size_t k = strlen(t->prefix);
	if (left <= k || memcmp(v, t->prefix, k))
		return;
	uint64_t seq = 0;
	size_t j = k, digits = 0;
	for (; j < left && v[j] >= '0' && v[j] <= '9' && digits < 19; j++, digits++)
		seq = seq * 10 + (uint64_t)(v[j] - '0');
	if (!digits || j + 3 > left || memcmp(v + j, "///", 3))
		return;
	pthread_mutex_lock(&t->mu);
	if (t->n_cancel == t->cap_cancel) {
		size_t nc = t->cap_cancel ? 2 * t->cap_cancel : 64;
		uint64_t *q = realloc(t->cancel_seq, nc * sizeof(*q));
		if (!q) {
			t->oom = true;
			pthread_mutex_unlock(&t->mu);
			return;
		}
		t->cancel_seq = q;
		t->cap_cancel = nc;
	}
	t->cancel_seq[t->n_cancel++] = seq;
	pthread_mutex_unlock(&t->mu);
}

static bool starts(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && !memcmp(p, s, k);
}

/* Rough wire counts for the progress line: SIP start lines in each packet. */
static void count_pkt(struct cap_th *t, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 12 < n; i++) {
		if (d[i] != 'I' && d[i] != 'S' && d[i] != 'C')
			continue;
		if (i && d[i - 1] != '\n' && i > 80)
			continue;
		const uint8_t *p = d + i;
		size_t m = n - i;
		if (starts(p, m, "INVITE sip:"))
			atomic_fetch_add(&t->invites, 1);
		else if (starts(p, m, "CANCEL sip:")) {
			atomic_fetch_add(&t->cancels, 1);
			note_cancel(t, p, m);
		}
		else if (starts(p, m, "SIP/2.0 180 "))
			atomic_fetch_add(&t->ringing, 1);
		else if (starts(p, m, "SIP/2.0 200 ")) {
			if (memmem(p, m, " INVITE\r\n", 9))
				atomic_fetch_add(&t->answered, 1);
		} else if (starts(p, m, "SIP/2.0 401") || starts(p, m, "SIP/2.0 407")) {
			/* A digest challenge: the INVITE comes again (--auth). */
			if (memmem(p, m, " INVITE\r\n", 9))
				atomic_fetch_add(&t->challenges, 1);
		} else if (starts(p, m, "SIP/2.0 4") || starts(p, m, "SIP/2.0 5") ||
			   starts(p, m, "SIP/2.0 6")) {
			if (!starts(p, m, "SIP/2.0 487") && memmem(p, m, " INVITE\r\n", 9))
				atomic_fetch_add(&t->rejected, 1);
		}
	}
}

static void *cap_main(void *arg)
{
	struct cap_th *t = arg;
	struct cap_pkt p;
	while (capture_next(t->c, &p) == 0)
		count_pkt(t, p.data, p.caplen);
	return NULL;
}

/* --- one replication ----------------------------------------------------------- */

struct rep {
	const struct live_opts *o;
	int idx;
	char dir[PATH_MAX];     /* this replication's folder */
	char why[3 * PATH_MAX];  /* why it failed */
	struct schedule sc;
	struct live_call *calls;
	size_t n_calls;         /* calls allocated (sc.n once they all are) */
	rb_us t0;               /* epoch µs */
	pid_t sd_pid, sipp_pid;
	char host[256];
	int port;
	/* Redials found during the run: waiting for their SIPp (indexes into
	 * sc.calls), and the SIPp processes placing them. */
	size_t *pend;
	size_t n_pend, cap_pend;
	struct rd_proc {
		pid_t pid;
		int run; /* DIR/sipp/redial-<run> */
	} *rd;
	size_t n_rd, cap_rd;
	int n_rd_runs;          /* SIPp processes started for redials */
};

static int path_of(char *buf, size_t n, const char *dir, const char *f)
{
	int k = snprintf(buf, n, "%s/%s", dir, f);
	return k < 0 || (size_t)k >= n ? ENAMETOOLONG : 0;
}

/* "HOST:PORT" (IPv6 as [addr]:port) into host, port. */
static int split_target(const char *t, char *host, size_t n, int *port)
{
	const char *colon = strrchr(t, ':');
	if (!colon || colon == t)
		return EINVAL;
	size_t hl = (size_t)(colon - t);
	if (t[0] == '[' && hl >= 2 && t[hl - 1] == ']') {
		t++;
		hl -= 2;
	}
	if (hl >= n)
		return EINVAL;
	memcpy(host, t, hl);
	host[hl] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return EINVAL;
	*port = (int)p;
	return 0;
}

static int start_secretaryd(struct rep *r)
{
	const struct live_opts *o = r->o;
	char bin[PATH_MAX], data[PATH_MAX + 16], log[PATH_MAX + 32], seed[32], sp[32], t0[48];
	live_find_secretaryd(bin, sizeof(bin));
	snprintf(data, sizeof(data), "%s/secretaryd", r->dir);
	if (cli_mkdirs(data)) {
		snprintf(r->why, sizeof(r->why), "cannot create %s", data);
		return EIO;
	}
	snprintf(log, sizeof(log), "%s/secretaryd.log", r->dir);
	snprintf(seed, sizeof(seed), "%" PRIu64, o->seed + (uint64_t)r->idx);
	snprintf(sp, sizeof(sp), "%.9g", o->speedup);
	snprintf(t0, sizeof(t0), "%.6f", rb_us_to_s(r->t0));
	char *argv[] = {o->secretaryd ? (char *)o->secretaryd : bin, "--scenario", (char *)o->scenario_path,
			"--listen", "127.0.0.1:0", "--data-dir", data, "--seed", seed,
			"--speedup", sp, "--t0", t0, "--grace", "10",
			"--http", "off", /* its admin interface is not wanted for the run */
			NULL};
	int fd = -1;
	int e = live_spawn(argv, log, &fd, &r->sd_pid);
	if (e) {
		snprintf(r->why, sizeof(r->why), "cannot start secretaryd (%s): %s", argv[0], strerror(e));
		return e;
	}
	char line[512];
	e = live_read_line(fd, line, sizeof(line), 10000);
	close(fd);
	const char *u = e ? NULL : strstr(line, "udp=");
	char addr[256] = "";
	if (u) {
		snprintf(addr, sizeof(addr), "%s", u + 4);
		char *sp2 = strchr(addr, ' ');
		if (sp2)
			*sp2 = '\0';
	}
	if (!u || split_target(addr, r->host, sizeof(r->host), &r->port)) {
		snprintf(r->why, sizeof(r->why), "secretaryd did not start (see %s)", log);
		live_stop(r->sd_pid, 2000, NULL);
		r->sd_pid = 0;
		return EIO;
	}
	return 0;
}

/* The injection file: one line per wire call, in send order. */
static int write_injection(struct rep *r, const struct sched_call **w, size_t n, const char *path,
			   bool center_hangs_up)
{
	const struct scenario *s = r->o->scn;
	double F = r->o->speedup;
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	fputs("SEQUENTIAL\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct sched_call *c = w[i];
		const struct scn_tenant *t = &s->tenants[c->tenant];
		double at_ms = rb_us_to_s(r->t0) * 1e3 + (double)c->t_invite / F / 1e3;
		double dl_ms = c->patience == INT64_MAX
				       ? at_ms + 1e9
				       : rb_us_to_s(r->t0) * 1e3 + (double)(c->t_dial + c->patience) / F / 1e3;
		/* Against secretaryd the operator hangs up; this is only a backstop. */
		double talk_ms = center_hangs_up ? 3600e3 / F + 30e3 : (double)c->talk / F / 1e3;
		bool na = t->forwarding == FWD_NO_ANSWER;
		fprintf(f, "rbl%d-%" PRIu64 ";%s;%.3f;%.3f;%.0f;%s;%s;%s;%s;%s;%s\n", r->idx, c->seq,
			t->number ? t->number : "", at_ms, dl_ms, talk_ms, na ? "no-answer" : "unconditional",
			na ? "408" : "302", s->callers.types[c->type].name, c->name, c->callback,
			c->from_user);
	}
	if (fclose(f))
		return errno ? errno : EIO;
	return 0;
}

/* SIPp on inj (n calls), its files in sipp_dir, its pid into *pid. */
static int start_sipp(struct rep *r, const char *inj, size_t n, double limit_s, const char *sipp_dir,
		      pid_t *pid)
{
	const struct live_opts *o = r->o;
	char flow[PATH_MAX], dst[300], m[32], l[32], tl[32], stf[PATH_MAX + 32], lf[PATH_MAX + 32],
		out[PATH_MAX + 32], kill_s[32];
	/* --auth: the flow that answers 401/407 (SIPp's digest, -au/-ap). */
	const char *fname = o->auth ? "live_caller_auth.xml" : "live_caller.xml";
	char user[256] = "";
	const char *pass = o->auth ? strchr(o->auth, ':') : NULL;
	if (pass)
		snprintf(user, sizeof(user), "%.*s", (int)(pass++ - o->auth), o->auth);
	if (live_find_flow(o->flows_dir, fname, flow, sizeof(flow))) {
		snprintf(r->why, sizeof(r->why),
			 "scenarios/sipp/%s not found (not installed, no source tree: "
			 "set RINGBENCH_FLOWS)", fname);
		return ENOENT;
	}
	if (strchr(r->host, ':'))
		snprintf(dst, sizeof(dst), "[%s]:%d", r->host, r->port);
	else
		snprintf(dst, sizeof(dst), "%s:%d", r->host, r->port);
	snprintf(m, sizeof(m), "%zu", n);
	snprintf(l, sizeof(l), "%zu", n + 16);
	snprintf(tl, sizeof(tl), "%.0fs", limit_s);
	snprintf(kill_s, sizeof(kill_s), "%.0f", limit_s + 10);
	snprintf(stf, sizeof(stf), "%s/stat.csv", sipp_dir);
	snprintf(lf, sizeof(lf), "%s/calls.log", sipp_dir);
	snprintf(out, sizeof(out), "%s/sipp.out", sipp_dir);
	char rate[16];
	snprintf(rate, sizeof(rate), "%d", SIPP_RATE);
	char *argv[48];
	int a = 0;
	/* SIPp's -timeout did not stop it once its server was gone: timeout -k. */
	argv[a++] = "timeout";
	argv[a++] = "-k";
	argv[a++] = "5";
	argv[a++] = kill_s;
	argv[a++] = o->sipp ? (char *)o->sipp : "sipp";
	argv[a++] = dst;
	argv[a++] = "-sf";
	argv[a++] = flow;
	argv[a++] = "-inf";
	argv[a++] = (char *)inj;
	argv[a++] = "-m";
	argv[a++] = m;
	argv[a++] = "-r";
	argv[a++] = rate;
	argv[a++] = "-l";
	argv[a++] = l;
	argv[a++] = "-t";
	argv[a++] = o->tcp ? "t1" : "u1";
	/* Loopback targets: SIPp's own address on loopback too (else its default). */
	if (!strncmp(r->host, "127.", 4) || !strcmp(r->host, "::1")) {
		argv[a++] = "-i";
		argv[a++] = strchr(r->host, ':') ? "::1" : "127.0.0.1";
	}
	if (pass) {
		argv[a++] = "-au";
		argv[a++] = user;
		argv[a++] = "-ap";
		argv[a++] = (char *)pass;
	}
	argv[a++] = "-buff_size";
	argv[a++] = "8388608";
	argv[a++] = "-nostdin";
	argv[a++] = "-timeout";
	argv[a++] = tl;
	argv[a++] = "-trace_stat";
	argv[a++] = "-stf";
	argv[a++] = stf;
	argv[a++] = "-fd";
	argv[a++] = "1";
	argv[a++] = "-trace_logs";
	argv[a++] = "-log_file";
	argv[a++] = lf;
	argv[a++] = NULL;
	int e = live_spawn(argv, out, NULL, pid);
	if (e)
		snprintf(r->why, sizeof(r->why), "cannot start SIPp: %s", strerror(e));
	return e;
}

/* The CANCELs the capture saw since the last look: redials drawn, the wire
 * ones queued for their SIPp. Returns 0 or ENOMEM. */
static int take_cancels(struct rep *r, struct cap_th *ct)
{
	pthread_mutex_lock(&ct->mu);
	uint64_t *v = ct->cancel_seq;
	size_t n = ct->n_cancel;
	bool oom = ct->oom;
	ct->cancel_seq = NULL;
	ct->n_cancel = ct->cap_cancel = 0;
	pthread_mutex_unlock(&ct->mu);
	int err = oom ? ENOMEM : 0;
	for (size_t k = 0; k < n && !err; k++) {
		if (v[k] < 1 || v[k] > r->sc.n)
			continue;
		size_t i = (size_t)(v[k] - 1);
		const struct sched_call *c = &r->sc.calls[i];
		if (c->before_forward || c->redial_drawn || c->patience == INT64_MAX)
			continue;
		/* Hung up at its patience's end, as in the model (the CANCEL left
		 * then, give or take the flow's 50 ms check). */
		size_t old_n = r->sc.n, added = 0;
		if ((err = schedule_redial(&r->sc, i, c->t_dial + c->patience, &added)) || !added)
			continue;
		struct live_call *lc = realloc(r->calls, r->sc.n * sizeof(*lc));
		if (!lc) {
			err = ENOMEM;
			break;
		}
		r->calls = lc;
		r->n_calls = r->sc.n;
		memset(lc + old_n, 0, (r->sc.n - old_n) * sizeof(*lc));
		for (size_t j = 0; j < r->sc.n; j++)
			lc[j].sc = &r->sc.calls[j];
		for (size_t j = old_n; j < r->sc.n; j++) {
			if (r->sc.calls[j].before_forward)
				continue;
			if (r->n_pend == r->cap_pend) {
				size_t nc = r->cap_pend ? 2 * r->cap_pend : 32;
				size_t *q = realloc(r->pend, nc * sizeof(*q));
				if (!q) {
					err = ENOMEM;
					break;
				}
				r->pend = q;
				r->cap_pend = nc;
			}
			r->pend[r->n_pend++] = j;
		}
	}
	free(v);
	return err;
}

static int by_invite_p(const void *a, const void *b)
{
	const struct sched_call *x = *(const struct sched_call *const *)a;
	const struct sched_call *y = *(const struct sched_call *const *)b;
	if (x->t_invite != y->t_invite)
		return x->t_invite < y->t_invite ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The wall instant (epoch µs) the INVITE of c is due. */
static rb_us wall_of(const struct rep *r, const struct sched_call *c)
{
	return r->t0 + (rb_us)llround((double)c->t_invite / r->o->speedup);
}

/* DIR/sipp/redial-<run>: the files of the run-th SIPp placing redials. */
static void redial_dir(const struct rep *r, int run, char *buf, size_t n)
{
	snprintf(buf, n, "%s/sipp/redial-%d", r->dir, run);
}

/*
 * When the first queued redial is due within REDIAL_LEAD_US: one more SIPp
 * (same flow, a one-line-per-call injection file like the main one) for
 * every queued redial due up to REDIAL_BATCH_US after it, in
 * DIR/sipp/redial-K/. Returns 0, or errno with r->why set.
 */
static int launch_redials(struct rep *r, rb_us end_epoch)
{
	if (!r->n_pend)
		return 0;
	rb_us now = rb_now_epoch_us(), first = INT64_MAX;
	for (size_t k = 0; k < r->n_pend; k++) {
		rb_us w = wall_of(r, &r->sc.calls[r->pend[k]]);
		if (w < first)
			first = w;
	}
	if (first > now + REDIAL_LEAD_US)
		return 0;
	const struct sched_call **b = malloc(r->n_pend * sizeof(*b));
	if (!b) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return ENOMEM;
	}
	size_t nb = 0, keep = 0;
	for (size_t k = 0; k < r->n_pend; k++) {
		const struct sched_call *c = &r->sc.calls[r->pend[k]];
		if (wall_of(r, c) <= first + REDIAL_BATCH_US)
			b[nb++] = c;
		else
			r->pend[keep++] = r->pend[k];
	}
	r->n_pend = keep;
	qsort(b, nb, sizeof(*b), by_invite_p);
	int e = 0;
	char dir[PATH_MAX + 64], inj[PATH_MAX + 96];
	redial_dir(r, ++r->n_rd_runs, dir, sizeof(dir));
	snprintf(inj, sizeof(inj), "%s/injection.csv", dir);
	if (r->n_rd == r->cap_rd) {
		size_t nc = r->cap_rd ? 2 * r->cap_rd : 16;
		struct rd_proc *q = realloc(r->rd, nc * sizeof(*q));
		if (!q) {
			free(b);
			snprintf(r->why, sizeof(r->why), "out of memory");
			return ENOMEM;
		}
		r->rd = q;
		r->cap_rd = nc;
	}
	if (cli_mkdirs(dir)) {
		snprintf(r->why, sizeof(r->why), "cannot create %s", dir);
		e = EIO;
	} else if ((e = write_injection(r, b, nb, inj, !r->o->server))) {
		snprintf(r->why, sizeof(r->why), "cannot write %s: %s", inj, strerror(e));
	} else {
		double limit_s = rb_us_to_s(end_epoch - rb_now_epoch_us()) + 3600.0 / r->o->speedup + 120.0;
		pid_t pid;
		if (!(e = start_sipp(r, inj, nb, limit_s, dir, &pid))) {
			r->rd[r->n_rd++] = (struct rd_proc){pid, r->n_rd_runs};
		}
	}
	free(b);
	return e;
}

/* A SIPp's exit: 0 all calls as the flow expects, 1 some failed (the
 * capture judges); anything else is an abort (r->why set). */
static bool sipp_ok(struct rep *r, int st, const char *sipp_dir)
{
	int ex = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (ex == 0 || ex == 1)
		return true;
	snprintf(r->why, sizeof(r->why), "SIPp aborted (%s %d; see %s/sipp.out)",
		 WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : ex, sipp_dir);
	return false;
}

static void progress(struct rep *r, struct cap_th *ct, size_t n_wire, rb_us end_epoch, bool last)
{
	if (r->o->quiet)
		return;
	long inv = atomic_load(&ct->invites) - atomic_load(&ct->challenges),
	     ans = atomic_load(&ct->answered),
	     can = atomic_load(&ct->cancels), rej = atomic_load(&ct->rejected);
	long ringing = inv - ans - can - rej;
	if (ringing < 0)
		ringing = 0;
	double left = rb_us_to_s(end_epoch - rb_now_epoch_us());
	if (left < 0)
		left = 0;
	/* On a terminal one line redrawn each second; in a log (CI, a pipe)
	 * a plain line every 10 s and the last one. */
	static int tty = -1;
	static rb_us next_plain;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty) {
		rb_us now = rb_now_epoch_us();
		if (!last && now < next_plain)
			return;
		next_plain = now + 10 * RB_US_PER_S;
	}
	fprintf(stderr, "%slive: placed %ld/%zu  ringing %ld  answered %ld  abandoned %ld  rejected %ld  "
			"time left %.0f s%s",
		tty ? "\r" : "", inv, n_wire, ringing, ans, can, rej, left, tty ? "   " : "\n");
	if (last && tty)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Runs one replication into r->calls. Returns 0 or 3 (r->why says why). */
static int rep_run(struct rep *r)
{
	const struct live_opts *o = r->o;
	const struct scenario *s = o->scn;
	double F = o->speedup;
	int rc = 3, e;
	const struct sched_call **w = NULL;
	struct cap_th ct;
	bool cap_running = false;
	memset(&ct, 0, sizeof(ct));
	pthread_mutex_init(&ct.mu, NULL);
	char path[PATH_MAX + 64], inj[PATH_MAX + 64];

	if ((e = schedule_build(s, o->seed, r->idx, &r->sc))) {
		snprintf(r->why, sizeof(r->why), "cannot draw the schedule: %s", strerror(e));
		goto out;
	}
	r->calls = calloc(r->sc.n ? r->sc.n : 1, sizeof(*r->calls));
	size_t n_wire = 0;
	w = schedule_wire_order(&r->sc, &n_wire);
	if (r->calls)
		r->n_calls = r->sc.n;
	if (!r->calls || (n_wire && !w)) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r->sc.n; i++)
		r->calls[i].sc = &r->sc.calls[i];
	snprintf(path, sizeof(path), "%s/sipp", r->dir);
	if (cli_mkdirs(path)) {
		snprintf(r->why, sizeof(r->why), "cannot create %s", path);
		goto out;
	}
	/* Time zero: far enough ahead for SIPp to create every call first. */
	r->t0 = rb_now_epoch_us() + 1500000 + (rb_us)((double)n_wire * 1e6 / SIPP_RATE);
	if (!o->server) {
		if (start_secretaryd(r))
			goto out;
	} else if (split_target(o->server, r->host, sizeof(r->host), &r->port)) {
		snprintf(r->why, sizeof(r->why), "--server: expected HOST:PORT, got '%s'", o->server);
		goto out;
	}
	/* The capture, filtered to the run's port. */
	char filter[128], err[512] = "", pcap[PATH_MAX + 32];
	snprintf(filter, sizeof(filter), "port %d", r->port);
	path_of(pcap, sizeof(pcap), r->dir, "capture.pcap");
	bool lo = !strncmp(r->host, "127.", 4) || !strcmp(r->host, "::1") || !strcmp(r->host, "localhost");
	e = capture_open_live(&ct.c, lo ? "lo" : "any", filter, pcap, 0, NULL, err, sizeof(err));
	if (e) {
		snprintf(r->why, sizeof(r->why), "cannot capture: %s", err);
		goto out;
	}
	snprintf(ct.prefix, sizeof(ct.prefix), "rbl%d-", r->idx);
	if (pthread_create(&ct.th, NULL, cap_main, &ct)) {
		snprintf(r->why, sizeof(r->why), "cannot start the capture thread");
		capture_close(ct.c);
		ct.c = NULL;
		goto out;
	}
	cap_running = true;

	path_of(inj, sizeof(inj), r->dir, "sipp/injection.csv");
	if ((e = write_injection(r, w, n_wire, inj, !o->server))) {
		snprintf(r->why, sizeof(r->why), "cannot write %s: %s", inj, strerror(e));
		goto out;
	}
	rb_us end_epoch = r->t0 + (rb_us)((double)s->end / F);
	double limit_s = rb_us_to_s(end_epoch - rb_now_epoch_us()) + 3600.0 / F + 120.0;
	char sipp_dir[PATH_MAX + 16];
	snprintf(sipp_dir, sizeof(sipp_dir), "%s/sipp", r->dir);
	if (n_wire && start_sipp(r, inj, n_wire, limit_s, sipp_dir, &r->sipp_pid))
		goto out;

	/*
	 * The run: wait for every SIPp, watching the server; each CANCEL the
	 * capture sees may draw a redial, placed by a SIPp of its own. Over
	 * when no SIPp runs, no redial waits and no CANCEL came for a moment
	 * (the capture delivers within its 100 ms timeout).
	 */
	int st = 0;
	bool sipp_done = n_wire == 0;
	rb_us quiet_since = 0, next_progress = 0;
	for (;;) {
		if (!sipp_done && live_wait(r->sipp_pid, 0, &st) == 0) {
			sipp_done = true;
			r->sipp_pid = 0;
			if (!sipp_ok(r, st, sipp_dir))
				goto out;
		}
		for (size_t k = 0; k < r->n_rd;) {
			int rst;
			if (live_wait(r->rd[k].pid, 0, &rst) == 0) {
				char d[PATH_MAX + 64];
				redial_dir(r, r->rd[k].run, d, sizeof(d));
				r->rd[k] = r->rd[--r->n_rd];
				if (!sipp_ok(r, rst, d))
					goto out;
			} else {
				k++;
			}
		}
		int sst;
		if (r->sd_pid && live_wait(r->sd_pid, 0, &sst) == 0) {
			r->sd_pid = 0;
			snprintf(r->why, sizeof(r->why), "secretaryd died during the run (%s %d)",
				 WIFSIGNALED(sst) ? "signal" : "exit status",
				 WIFSIGNALED(sst) ? WTERMSIG(sst) : WEXITSTATUS(sst));
			goto out;
		}
		if (interrupted) {
			snprintf(r->why, sizeof(r->why), "interrupted");
			goto out;
		}
		size_t n_before = r->sc.n;
		if ((e = take_cancels(r, &ct))) {
			snprintf(r->why, sizeof(r->why), "out of memory");
			goto out;
		}
		if (launch_redials(r, end_epoch))
			goto out;
		rb_us now = rb_now_epoch_us();
		if (sipp_done && !r->n_rd && !r->n_pend && r->sc.n == n_before) {
			if (!quiet_since)
				quiet_since = now;
			else if (now - quiet_since >= 500000)
				break;
		} else {
			quiet_since = 0;
		}
		if (now >= next_progress) {
			progress(r, &ct, r->sc.n_wire, end_epoch, false);
			next_progress = now + RB_US_PER_S;
		}
		struct timespec tick = {0, TICK_MS * 1000000L};
		nanosleep(&tick, NULL);
	}
	progress(r, &ct, r->sc.n_wire, end_epoch, true);
	/* The capture's tail: the last packets need a moment. */
	struct timespec ts = {CAPTURE_TAIL_MS / 1000, (CAPTURE_TAIL_MS % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	capture_stop(ct.c);
	pthread_join(ct.th, NULL);
	capture_close(ct.c);
	ct.c = NULL;
	cap_running = false;
	if (r->sd_pid) {
		int sst = 0;
		live_stop(r->sd_pid, 15000, &sst);
		r->sd_pid = 0;
		if (!WIFEXITED(sst) || WEXITSTATUS(sst) != 0) {
			snprintf(r->why, sizeof(r->why), "secretaryd failed (%s %d; see %s/secretaryd.log)",
				 WIFSIGNALED(sst) ? "signal" : "exit status",
				 WIFSIGNALED(sst) ? WTERMSIG(sst) : WEXITSTATUS(sst), r->dir);
			goto out;
		}
	}

	/* The analyzer on the capture, exactly as `ringbench analyze` would. */
	char capdir[PATH_MAX + 32], cmd[4 * PATH_MAX];
	path_of(capdir, sizeof(capdir), r->dir, "capture");
	snprintf(cmd, sizeof(cmd), "ringbench analyze %s --scenario %s --out %s", pcap, o->scenario_path,
		 capdir);
	char *files[1] = {pcap};
	/* In wire time, so unjudged: the run's verdict is in scenario time. */
	struct analyze_opts ao = {.files = files,
				  .n_files = 1,
				  .out_dir = capdir,
				  .scn = s,
				  .command = cmd,
				  .quiet = 1,
				  .unjudged = true,
				  .summary_name = LIVE_WIRE_SUMMARY};
	int arc = analyze_run(&ao);
	if (arc == 2 || arc == 3) { /* 4, undecided, is not a failure of the analysis */
		snprintf(r->why, sizeof(r->why), "the capture could not be analysed (%s)", capdir);
		goto out;
	}
	char cdr[PATH_MAX + 64], cerr[512] = "", prefix[32];
	path_of(cdr, sizeof(cdr), r->dir, "secretaryd/cdr.sqlite");
	snprintf(prefix, sizeof(prefix), "rbl%d-", r->idx);
	if (n_wire == 0) {
		for (size_t i = 0; i < r->sc.n; i++)
			r->calls[i].found = false;
	}
	e = live_collect(s, r->calls, r->sc.n, capdir, o->server ? NULL : cdr, prefix, r->t0, F, cerr,
			 sizeof(cerr));
	if (e && n_wire) {
		snprintf(r->why, sizeof(r->why), "cannot read the capture's analysis: %s", cerr);
		goto out;
	}
	size_t missing = 0;
	for (size_t i = 0; i < r->sc.n; i++)
		if (!r->calls[i].found)
			missing++;
	if (missing) {
		snprintf(r->why, sizeof(r->why),
			 "%zu of %zu calls placed cannot be accounted for (not in the capture)", missing,
			 r->sc.n_wire);
		goto out;
	}
	if (n_wire && live_auth_check(r->calls, r->sc.n, o->auth, atomic_load(&ct.challenges), r->why,
				      sizeof(r->why)))
		goto out;
	rc = 0;
out:
	if (cap_running) {
		capture_stop(ct.c);
		pthread_join(ct.th, NULL);
		capture_close(ct.c);
	}
	if (r->sipp_pid) {
		live_stop(r->sipp_pid, 2000, NULL);
		r->sipp_pid = 0;
	}
	for (size_t k = 0; k < r->n_rd; k++)
		live_stop(r->rd[k].pid, 2000, NULL);
	r->n_rd = 0;
	free(ct.cancel_seq);
	pthread_mutex_destroy(&ct.mu);
	if (r->sd_pid) {
		live_stop(r->sd_pid, 5000, NULL);
		r->sd_pid = 0;
	}
	free(w);
	return rc;
}

static size_t count_wire_redials(const struct rep *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->sc.n; i++)
		if (r->sc.calls[i].redial && !r->sc.calls[i].before_forward)
			k++;
	return k;
}

static void rep_free(struct rep *r)
{
	free(r->pend);
	free(r->rd);
	live_calls_release(r->calls, r->n_calls);
	free(r->calls);
	schedule_free(&r->sc);
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

int live_run(const struct live_opts *o, struct live_lateness *lat_out)
{
	const struct scenario *s = o->scn;
	int rc = 3;
	struct resdir *rd = NULL;
	json_t *lat_all = json_array();
	json_t *rd_all = json_array();
	struct live_lateness lat0 = {0};
	struct live_lateness *lats = NULL; /* one per replication run */
	int n_lats = 0;
	rb_us t0_first = RB_T_NONE;

	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_LIVE,
			.command = o->command ? o->command : "ringbench live",
			.scn = s,
			.seed = o->seed,
			.replications = o->replications,
			.t0_epoch = RB_T_NONE, /* replication 0's, once it ran */
			.time_weighted = false,
		},
		.timeline_staff = false,
		.calls_cap = -1,
	};
	int oe = resdir_open(&rd, o->out_dir, &ro);
	if (oe) {
		if (oe == ENOMEM)
			fprintf(stderr, "ringbench live: cannot write %s/calls.csv\n", o->out_dir);
		else
			fprintf(stderr, "ringbench live: cannot create %s\n", o->out_dir);
		json_decref(lat_all);
		json_decref(rd_all);
		return 3;
	}
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (resdir_calls_open(rd) || !lat_all || !rd_all) {
		fprintf(stderr, "ringbench live: cannot write %s/calls.csv\n", o->out_dir);
		goto out;
	}
	char failed[3 * PATH_MAX + 64] = "";
	struct rep *reps = calloc((size_t)o->replications, sizeof(*reps));
	lats = calloc((size_t)o->replications, sizeof(*lats));
	if (!reps || !lats) {
		free(reps);
		goto out;
	}
	for (int i = 0; i < o->replications; i++) {
		struct rep *r = &reps[i];
		r->o = o;
		r->idx = i;
		if (i == 0)
			snprintf(r->dir, sizeof(r->dir), "%s", o->out_dir);
		else
			snprintf(r->dir, sizeof(r->dir), "%s/rep-%d", o->out_dir, i);
		if (!o->quiet && o->replications > 1)
			fprintf(stderr, "live: replication %d/%d\n", i + 1, o->replications);
		int e = interrupted ? 3 : rep_run(r);
		if (interrupted && !r->why[0])
			snprintf(r->why, sizeof(r->why), "interrupted");
		if (i == 0)
			t0_first = r->t0;
		if (e) {
			snprintf(failed, sizeof(failed), "%s", r->why);
			if (o->replications > 1) {
				snprintf(failed, sizeof(failed), "replication %d: %s", i, r->why);
			}
			fprintf(stderr, "ringbench live: %s\n", failed);
			/* Later replications are not run once one failed. */
			for (int k = i + 1; k < o->replications; k++)
				reps[k].o = NULL;
			break;
		}
		struct live_lateness l;
		live_lateness_of(r->calls, r->sc.n, &l);
		if (i == 0)
			lat0 = l;
		lats[n_lats++] = l;
		json_array_append_new(lat_all, lateness_json(&l, o->speedup, s->ring_period));
		json_array_append_new(rd_all, json_pack("{s:I, s:I, s:i}", "redials",
							(json_int_t)r->sc.n_redials, "redials_on_wire",
							(json_int_t)(r->sc.n_redials ? count_wire_redials(r) : 0),
							"redial_sipp_runs", r->n_rd_runs));
		if (!o->quiet && r->sc.n_redials)
			fprintf(stderr, "live: %zu redials (%d SIPp runs for those found during the run)\n",
				r->sc.n_redials, r->n_rd_runs);
		if (!o->quiet) {
			double limit_ms = live_lateness_limit_ms(s->ring_period, o->speedup);
			fprintf(stderr,
				"live: lateness of %zu INVITEs: median %.2f ms, p99 %.2f ms on the wire "
				"(%.3f s, %.3f s in scenario time)\n",
				l.n, l.median_ms, l.p99_ms, l.median_ms * o->speedup / 1e3,
				l.p99_ms * o->speedup / 1e3);
			if (l.n && l.p99_ms > limit_ms)
				fprintf(stderr,
					"live: warning: lateness p99 %.2f ms exceeds 5%% of the ring "
					"period on the wire (%.2f ms): the run is at best "
					"inconclusive; lower --speedup\n",
					l.p99_ms, limit_ms);
		}
	}
	resdir_set_t0_epoch(rd, t0_first);
	for (int i = 0; i < o->replications && !failed[0]; i++) {
		struct rep *r = &reps[i];
		struct summary_rep *h = resdir_rep(rd, i);
		for (size_t k = 0; k < r->sc.n; k++) {
			if (h)
				summary_rep_call(h, &r->calls[k].rec);
			if (i == 0 && resdir_call(rd, &r->calls[k].rec)) {
				snprintf(failed, sizeof(failed), "cannot write calls.csv");
				break;
			}
		}
		if (i == 0)
			live_timeline(resdir_timeline(rd), r->calls, r->sc.n, s->end);
	}
	json_t *extra = json_pack("{s:f, s:o, s:o, s:o}", "speedup", o->speedup, "lateness", lat_all,
				  "report_latency_s", report_json(reps, failed[0] ? 0 : o->replications),
				  "redials", rd_all);
	lat_all = rd_all = NULL;
	if (extra)
		resdir_set_extra(rd, "live", extra);
	if (resdir_calls_close(rd) && !failed[0])
		snprintf(failed, sizeof(failed), "cannot write calls.csv");
	struct live_schedule sched = {.kept = true, .worst_rep = -1};
	if (failed[0])
		resdir_set_error(rd, failed);
	else
		judge_schedule(resdir_summary(rd), lats, n_lats, o, &sched);
	struct resdir_result res;
	int fe = resdir_finish(rd, &res);
	if (fe && res.failed)
		fprintf(stderr, "ringbench live: cannot write %s/%s\n", o->out_dir, res.failed);
	if (fe)
		goto out_reps;
	if (!o->quiet) {
		summary_print(resdir_summary(rd), stdout);
		if (!failed[0] && sched.invites)
			printf("schedule: INVITE lateness p50 %.2f ms, p99 %.2f ms on the wire, "
			       "limit %.3g ms: %s\n",
			       sched.p50_ms, sched.p99_ms, sched.limit_ms,
			       sched.kept ? "kept" : "not kept");
		printf(
		    "results: %s/ (the capture's analysis in wire time, not judged: %s/capture/)\n",
		    o->out_dir, o->out_dir);
	}
	rc = res.exit_code;
	if (lat_out)
		*lat_out = lat0;
out_reps:
	for (int i = 0; i < o->replications; i++)
		rep_free(&reps[i]);
	free(reps);
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	json_decref(lat_all);
	json_decref(rd_all);
	free(lats);
	resdir_free(rd);
	return rc;
}
