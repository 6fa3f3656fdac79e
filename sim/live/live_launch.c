/*
 * live_launch: what a replication starts: secretaryd (on a free loopback
 * port, the same scenario, seed, speed-up and time zero), the injection file
 * (one line per wire call, in send order) and SIPp on it (docs/live.md).
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "rv.h"
#include "rbfile.h"

int live_split_target(const char *t, char *host, size_t n, int *port)
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

int live_start_secretaryd(struct rep *r)
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
			/* ringbench's operators write no report: the center does, so
			 * the run keeps its report latency figures */
			o->sip_operators ? "--operators-file" : NULL, r->opfile, "--auto-report", NULL};
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
	if (!u || live_split_target(addr, r->host, sizeof(r->host), &r->port)) {
		snprintf(r->why, sizeof(r->why), "secretaryd did not start (see %s)", log);
		live_stop(r->sd_pid, 2000, NULL);
		r->sd_pid = 0;
		return EIO;
	}
	return 0;
}

/* A scenario duration on the wire, ms; "never" a day. */
static double wire_ms(rb_us d, double F)
{
	double ms = d == INT64_MAX ? 86400e3 : (double)d / F / 1e3;
	return ms > 86400e3 ? 86400e3 : ms < 0 ? 0 : ms;
}

/* Fields 15..22: rings 1..LIVE_RINGS of the call as the model draws them
 * (schedule_ring): "OPFIRST,OPLATER,BKFIRST,BKLATER" wire ms each. */
static void ring_fields(FILE *f, const struct rep *r, const struct sched_call *c,
			struct rv_stream *rs)
{
	double F = r->o->speedup;
	for (int k = 1; k <= LIVE_RINGS; k++) {
		rb_us v[4];
		schedule_ring(r->o->scn, r->o->seed, r->idx, c, k, rs, v);
		fprintf(f, ";%.0f,%.0f,%.0f,%.0f", wire_ms(v[0], F), wire_ms(v[1], F),
			wire_ms(v[2], F), wire_ms(v[3], F));
	}
	fputc('\n', f);
}

int live_write_injection(struct rep *r, const struct sched_call **w, size_t n, const char *path,
			 bool center_hangs_up)
{
	const struct scenario *s = r->o->scn;
	double F = r->o->speedup;
	/* The operator's side of each call (X-RB-* headers, read by SIP
	 * operators: live_operator.xml): the model's draws (schedule.h), the
	 * first ring's pick-up, each ring's (ring_fields) and the talk. */
	struct rv_stream rs;
	int e = rv_stream_init(&rs, r->o->seed, (unsigned)r->idx, RVP_RING);
	if (e)
		return e;
	FILE *f = fopen(path, "w");
	if (!f) {
		e = errno;
		rv_stream_free(&rs);
		return e;
	}
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
		bool na = c->fwd == FWD_NO_ANSWER;
		fprintf(f, "rbl%d-%" PRIu64 ";%s;%.3f;%.3f;%.0f;%s;%s;%s;%s;%s;%s;%.0f;%.0f;%.0f;%g",
			r->idx, c->seq, t->number ? t->number : "", at_ms, dl_ms, talk_ms,
			na ? "no-answer" : "unconditional", na ? "408" : "302",
			s->callers.types[c->type].name, c->name, c->callback, c->from_user,
			wire_ms(c->pickup, F), wire_ms(c->bpickup, F), wire_ms(c->talk, F),
			scn_phone_on(&s->center.phone) ? s->center.phone.no_answer : 0);
		ring_fields(f, r, c, &rs);
	}
	rv_stream_free(&rs);
	if (fclose(f))
		return errno ? errno : EIO;
	return 0;
}

/* SIPp on inj (n calls), its files in sipp_dir, its pid into *pid. */

/* SIPp's files and limits for one run (start_sipp's argv points into it). */
struct sipp_args {
	char flow[PATH_MAX], dst[300], m[32], l[32], tl[32], kill_s[32], rate[16], user[256];
	char stf[PATH_MAX + 32], lf[PATH_MAX + 32], out[PATH_MAX + 32];
	const char *pass; /* --auth's password, NULL without */
};

/* The flow, the target and the files. Returns 0, or ENOENT (r->why set). */
static int sipp_args_fill(struct rep *r, struct sipp_args *g, size_t n, double limit_s,
			  const char *sipp_dir)
{
	const struct live_opts *o = r->o;
	/* --auth: the flow that answers 401/407 (SIPp's digest, -au/-ap). */
	const char *fname = o->auth ? "live_caller_auth.xml" : "live_caller.xml";
	g->pass = o->auth ? strchr(o->auth, ':') : NULL;
	g->user[0] = '\0';
	if (g->pass)
		snprintf(g->user, sizeof(g->user), "%.*s", (int)(g->pass++ - o->auth), o->auth);
	if (o->caller_xml)
		snprintf(g->flow, sizeof(g->flow), "%s", o->caller_xml);
	else if (live_find_flow(o->flows_dir, fname, g->flow, sizeof(g->flow))) {
		snprintf(r->why, sizeof(r->why),
			 "scenarios/sipp/%s not found (not installed, no source tree: "
			 "set RINGBENCH_FLOWS)", fname);
		return ENOENT;
	}
	if (strchr(r->host, ':'))
		snprintf(g->dst, sizeof(g->dst), "[%s]:%d", r->host, r->port);
	else
		snprintf(g->dst, sizeof(g->dst), "%s:%d", r->host, r->port);
	snprintf(g->m, sizeof(g->m), "%zu", n);
	snprintf(g->l, sizeof(g->l), "%zu", n + 16);
	snprintf(g->tl, sizeof(g->tl), "%.0fs", limit_s);
	snprintf(g->kill_s, sizeof(g->kill_s), "%.0f", limit_s + 10);
	snprintf(g->stf, sizeof(g->stf), "%s/stat.csv", sipp_dir);
	snprintf(g->lf, sizeof(g->lf), "%s/calls.log", sipp_dir);
	snprintf(g->out, sizeof(g->out), "%s/sipp.out", sipp_dir);
	snprintf(g->rate, sizeof(g->rate), "%d", LIVE_SIPP_RATE);
	return 0;
}

int live_start_sipp(struct rep *r, const char *inj, size_t n, double limit_s, const char *sipp_dir,
		    pid_t *pid)
{
	const struct live_opts *o = r->o;
	struct sipp_args g;
	if (sipp_args_fill(r, &g, n, limit_s, sipp_dir))
		return ENOENT;
	char *argv[48];
	int a = 0;
	/* SIPp's -timeout did not stop it once its server was gone: timeout -k. */
	char *head[] = {"timeout", "-k", "5", g.kill_s, o->sipp ? (char *)o->sipp : "sipp", g.dst,
			"-sf", g.flow, "-inf", (char *)inj, "-m", g.m, "-r", g.rate, "-l", g.l,
			"-t", o->tcp ? "t1" : "u1"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		argv[a++] = head[i];
	/* Loopback targets: SIPp's own address on loopback too (else its default). */
	if (!strncmp(r->host, "127.", 4) || !strcmp(r->host, "::1")) {
		argv[a++] = "-i";
		argv[a++] = strchr(r->host, ':') ? "::1" : "127.0.0.1";
	}
	if (g.pass) {
		argv[a++] = "-au";
		argv[a++] = g.user;
		argv[a++] = "-ap";
		argv[a++] = (char *)g.pass;
	}
	char *tail[] = {"-buff_size", "8388608", "-nostdin", "-timeout", g.tl, "-trace_stat",
			"-stf", g.stf, "-fd", "1", "-trace_logs", "-log_file", g.lf, NULL};
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		argv[a++] = tail[i];
	int e = live_spawn(argv, g.out, NULL, pid);
	if (e)
		snprintf(r->why, sizeof(r->why), "cannot start SIPp: %s", strerror(e));
	return e;
}

int live_sipp_reason(const char *text, char *buf, size_t n)
{
	static const char *const marks[] = {"Error", "Unable", "errno", "Can't", "cannot"};
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l);
		bool hit = false;
		for (size_t i = 0; i < sizeof marks / sizeof marks[0] && !hit; i++) {
			const char *m = strstr(l, marks[i]);
			hit = m && m < end;
		}
		if (hit) {
			/* SIPp's "2026-12-04\t22:21:31.276911\t1796422891.276911: " prefix */
			const char *p = strstr(l, ": ");
			if (p && p < end && l[0] >= '0' && l[0] <= '9')
				l = p + 2;
			int k = snprintf(buf, n, "%.*s", (int)(end - l), l);
			while (k > 0 && (size_t)k < n && (buf[k - 1] == '\r' || buf[k - 1] == ' '))
				buf[--k] = '\0';
			return 0;
		}
		l = nl ? nl + 1 : NULL;
	}
	return ENOENT;
}

int live_sipp_said(const char *sipp_dir, char *buf, size_t n)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/sipp.out", sipp_dir);
	if (rbfile_read_head(path, 1 << 20, &text, &len))
		return ENOENT;
	int e = ENOENT;
	for (const char *l = text; l && *l && e;) {
		const char *nl = strchr(l, '\n'), *end = nl ? nl : l + strlen(l);
		const char *p = strstr(l, ": ");
		/* "2026-12-04\t22:21:31.276911\t1796422891.276911: what" */
		if (l[0] >= '0' && l[0] <= '9' && p && p < end && memchr(l, '\t', (size_t)(p - l))) {
			int k = snprintf(buf, n, "%.*s", (int)(end - p - 2), p + 2);
			while (k > 0 && (size_t)k < n && (buf[k - 1] == '\r' || buf[k - 1] == ' '))
				buf[--k] = '\0';
			e = 0;
		}
		l = nl ? nl + 1 : NULL;
	}
	free(text);
	return e;
}

/*
 * SIPp's exit status 255 alone said nothing; its own first error line in
 * sipp.out says what went wrong (over TCP, "Connection refused" when
 * nothing listens at the server's address).
 */
bool live_sipp_ok(struct rep *r, int st, const char *sipp_dir)
{
	int ex = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (ex == 0 || ex == 1)
		return true;
	char path[PATH_MAX], said[160] = "", *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/sipp.out", sipp_dir);
	if (rbfile_read_head(path, 1 << 20, &text, &len) == 0 &&
	    live_sipp_reason(text, said, sizeof said) == 0 && strstr(said, "Connection refused"))
		snprintf(said + strlen(said), sizeof said - strlen(said), " (nothing listens at %s)",
			 r->o->server ? r->o->server : "secretaryd's address: has it died?");
	free(text);
	const char *how = WIFSIGNALED(st) ? "signal" : "exit status";
	int num = WIFSIGNALED(st) ? WTERMSIG(st) : ex;
	if (said[0])
		snprintf(r->why, sizeof(r->why), "SIPp aborted (%s %d): %s (see %s/sipp.out)", how, num,
			 said, sipp_dir);
	else
		snprintf(r->why, sizeof(r->why), "SIPp aborted (%s %d; see %s/sipp.out)", how, num,
			 sipp_dir);
	return false;
}
