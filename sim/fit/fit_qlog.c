/*
 * fit_qlog: Asterisk's queue_log, as app_queue writes it (and secretaryd,
 * server/center/queue_log.h): one event a line,
 *
 *   EPOCH|UNIQUEID|QUEUE|AGENT|EVENT|data1|data2|...
 *
 * The call events read (data fields as app_queue documents them):
 *   ENTERQUEUE        url|callerid|position          the call reaches the queue
 *   CONNECT           holdtime|bridgeduniqueid|ringtime   answered after holdtime
 *   COMPLETECALLER,
 *   COMPLETEAGENT     holdtime|calltime|origposition  talk ended (calltime)
 *   BLINDTRANSFER     extension|context|holdtime|calltime|origposition
 *   ATTENDEDTRANSFER  method|data|holdtime|calltime|origposition (talk ends too)
 *   ABANDON           position|origposition|waittime  the caller hung up
 *   EXITWITHTIMEOUT,
 *   EXITEMPTY         position|origposition|waittime  the queue gave up on it
 *   EXITWITHKEY       key|position|origposition|waittime
 *   RINGNOANSWER      ringtime (ms)                   an agent did not answer
 * Agent and system events (ADDMEMBER, PAUSE, AGENTLOGIN, QUEUESTART, ...)
 * are skipped; an unknown event, a line whose time goes backwards and a
 * last line cut short (no line break) are counted as warnings and the rest
 * is read. A line that is not of this shape at all (no number first, fewer
 * than five fields) means the file is not a queue_log: refused with it.
 * Times are whole seconds: the calls are marked whole_s.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_int.h"
#include "fit_read.h"

#define QL_MAXF 12

static const char *const skipped[] = {
    "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "PAUSECUSTOM",
    "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "AGENTDUMP",
    "PENALTY", "QUEUESTART", "CONFIGRELOAD", "RINGCANCELED", "DID", "INFO", "SYSCOMPAT",
    "TRANSFER", "MIXMONITOR", "CALLERONHOLD", "CALLEROFFHOLD", NULL};

static const char *const call_events[] = {
    "ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT", "BLINDTRANSFER",
    "ATTENDEDTRANSFER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "RINGNOANSWER", NULL};

/* The list's own copy of an event's name (the line's is gone with the line). */
static const char *event_name(const char *ev)
{
	for (const char *const *p = call_events; *p; p++)
		if (!strcmp(*p, ev))
			return *p;
	return NULL;
}

/* A call between ENTERQUEUE and its end, keyed by UNIQUEID. */
struct pend {
	char *id;
	int64_t enter;
	int tenant;
	bool connected;
	double hold;
	char agent[64];
};

struct qctx {
	struct fit_hist *h;
	struct pend *tab;  /* open addressing */
	size_t cap, used;
	const char *path;
	size_t line;
};

static uint64_t hash(const char *s)
{
	uint64_t x = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ULL;
	return x;
}

static struct pend *find(struct qctx *q, const char *id, bool add)
{
	if (add && (q->used + 1) * 2 > q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 1024;
		struct pend *nt = calloc(ncap, sizeof *nt);
		if (!nt)
			return NULL;
		for (size_t i = 0; i < q->cap; i++)
			if (q->tab[i].id) {
				size_t j = hash(q->tab[i].id) & (ncap - 1);
				while (nt[j].id)
					j = (j + 1) & (ncap - 1);
				nt[j] = q->tab[i];
			}
		free(q->tab);
		q->tab = nt;
		q->cap = ncap;
	}
	if (!q->cap)
		return NULL;
	size_t j = hash(id) & (q->cap - 1);
	while (q->tab[j].id && strcmp(q->tab[j].id, id))
		j = (j + 1) & (q->cap - 1);
	if (q->tab[j].id || !add)
		return q->tab[j].id ? &q->tab[j] : NULL;
	if (!(q->tab[j].id = strdup(id)))
		return NULL;
	q->used++;
	return &q->tab[j];
}

/* Removes p, re-placing the entries after it in its probe run. */
static void drop(struct qctx *q, struct pend *p)
{
	size_t j = (size_t)(p - q->tab);
	free(p->id);
	p->id = NULL;
	q->used--;
	for (j = (j + 1) & (q->cap - 1); q->tab[j].id; j = (j + 1) & (q->cap - 1)) {
		struct pend e = q->tab[j];
		size_t k = hash(e.id) & (q->cap - 1);
		q->tab[j].id = NULL;
		while (q->tab[k].id)
			k = (k + 1) & (q->cap - 1);
		q->tab[k] = e;
	}
}

static double dnum(char **f, int nf, int i)
{
	char *e;
	if (i >= nf || !*f[i])
		return NAN;
	double v = strtod(f[i], &e);
	return *e ? NAN : v;
}

/* The call to the history (p stays in the table). */
static int emit(struct qctx *q, const struct pend *p, enum fit_outcome out, double wait, double talk,
		const char *event)
{
	struct fit_call k = {.epoch = (double)p->enter, .tenant = p->tenant, .outcome = out,
			     .wait = wait, .talk = talk, .wrapup = NAN, .whole_s = true,
			     .call_id = p->id, .agent = (char *)p->agent, .event = event_name(event)};
	struct fit_tenant *t = &q->h->tenants[p->tenant];

	k.delay = isnan(t->delay) ? 0 : t->delay;
	fit_hist_clock(q->h, &k, 0, 0);
	return fit_hist_add(q->h, &k);
}

/* The call ends: to the history, out of the table. */
static int finish(struct qctx *q, struct pend *p, enum fit_outcome out, double wait, double talk,
		  const char *event)
{
	int rc = emit(q, p, out, wait, talk, event);
	drop(q, p);
	return rc;
}

/* The tenant of a queue: --queue NAME=TENANT, else the queue's own name. */
static int queue_tenant(struct qctx *q, const char *queue)
{
	size_t len = strlen(queue);
	for (char **m = q->h->o.queue_map; m && *m; m++)
		if (!strncmp(*m, queue, len) && (*m)[len] == '=')
			return fit_tenant_index(q->h, *m + len + 1);
	return fit_tenant_index(q->h, queue);
}

static int call_event(struct qctx *q, int64_t ep, char **f, int nf)
{
	const char *ev = f[4];
	struct pend *p = find(q, f[1], !strcmp(ev, "ENTERQUEUE"));
	struct fit_warn *w = &q->h->warn;

	if (!strcmp(ev, "ENTERQUEUE")) {
		if (!p)
			return ENOMEM;
		if ((p->tenant = queue_tenant(q, f[2])) < 0)
			return ENOMEM;
		p->enter = ep;
		p->connected = false;
		p->agent[0] = '\0';
		return 0;
	}
	if (!p) {
		fit_warn(w, &w->unmatched, "%s:%zu: %s of call '%s' with no ENTERQUEUE before it",
			 q->path, q->line, ev, f[1]);
		return 0;
	}
	if (!strcmp(ev, "CONNECT")) {
		p->connected = true;
		p->hold = dnum(f, nf, 5);
		snprintf(p->agent, sizeof p->agent, "%s", f[3]);
		return 0;
	}
	if (!strcmp(ev, "COMPLETECALLER") || !strcmp(ev, "COMPLETEAGENT"))
		return finish(q, p, FIT_ANSWERED, dnum(f, nf, 5), dnum(f, nf, 6), ev);
	if (!strcmp(ev, "BLINDTRANSFER") || !strcmp(ev, "ATTENDEDTRANSFER")) /* ...|hold|talk|origpos */
		return finish(q, p, FIT_ANSWERED, dnum(f, nf, nf - 3), dnum(f, nf, nf - 2), ev);
	if (!strcmp(ev, "ABANDON"))
		return finish(q, p, FIT_ABANDONED, dnum(f, nf, 7), NAN, ev);
	if (!strcmp(ev, "EXITWITHTIMEOUT") || !strcmp(ev, "EXITEMPTY") || !strcmp(ev, "EXITWITHKEY")) {
		double wt = dnum(f, nf, !strcmp(ev, "EXITWITHKEY") ? 8 : 7);
		return finish(q, p, FIT_OTHER, isfinite(wt) ? wt : (double)(ep - p->enter), NAN, ev);
	}
	return 0; /* RINGNOANSWER: an agent's phone; the call waits on */
}

/* Splits line in place at '|'; returns the number of fields. */
static int split(char *line, char **f)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < QL_MAXF; p++)
		if (*p == '|') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static bool known(const char *ev, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(ev, *list))
			return true;
	return false;
}

/* One line: 0, EINVAL (not a queue_log line: err says), ENOMEM. */
static int one_line(struct qctx *q, char *line, bool cut, int64_t *last, char *err, size_t errlen)
{
	char *f[QL_MAXF], *e, copy[96];
	struct fit_warn *w = &q->h->warn;

	snprintf(copy, sizeof copy, "%s", line);
	int nf = split(line, f);
	long long ep = strtoll(f[0], &e, 10);
	if (nf < 5 || e == f[0] || *e || ep < 0 || !*f[4]) {
		if (cut) {
			fit_warn(w, &w->truncated, "%s:%zu: the last line is cut short: '%s'", q->path,
				 q->line, copy);
			return 0;
		}
		snprintf(err, errlen,
			 "%s:%zu:1: expected a queue_log line EPOCH|UNIQUEID|QUEUE|AGENT|EVENT|..., got '%s'",
			 q->path, q->line, copy);
		return EINVAL;
	}
	if (cut) { /* well formed, but its last field may be cut: not used */
		fit_warn(w, &w->truncated, "%s:%zu: the last line has no line break (cut short?)",
			 q->path, q->line);
		return 0;
	}
	if (ep < *last)
		fit_warn(w, &w->out_of_order, "%s:%zu: time %lld before the line above's %lld", q->path,
			 q->line, ep, (long long)*last);
	*last = ep > *last ? ep : *last;
	if (known(f[4], call_events))
		return !strcmp(f[2], "NONE") ? 0 : call_event(q, ep, f, nf);
	if (known(f[4], skipped)) {
		w->agent_events++;
		return 0;
	}
	fit_warn(w, &w->unknown_events, "%s:%zu:%td: unknown event '%.40s'", q->path, q->line,
		 f[4] - line + 1, f[4]);
	return 0;
}

int fit_read_qlog(struct fit_hist *h, const char *path, char *err, size_t errlen)
{
	struct qctx q = {.h = h, .path = path};
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int64_t last = 0;
	int rc = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno;
	}
	while (!rc && (len = getline(&line, &cap, fp)) > 0) {
		bool cut = line[len - 1] != '\n';
		q.line++;
		if (!cut)
			line[len - 1] = '\0';
		if (len > 1 && line[len - 2] == '\r')
			line[len - 2] = '\0';
		if (!*line && !cut)
			continue;
		rc = one_line(&q, line, cut, &last, err, errlen);
	}
	/* Calls the file leaves open: counted; one already answered is kept (its
	 * wait is known, its talk time not), one still waiting is not (its
	 * outcome is unknown). */
	for (size_t i = 0; i < q.cap; i++)
		if (q.tab[i].id) {
			if (!rc)
				fit_warn(&h->warn, &h->warn.unmatched, "%s: call '%s' never ended in the file",
					 path, q.tab[i].id);
			if (!rc && q.tab[i].connected)
				rc = emit(&q, &q.tab[i], FIT_ANSWERED, q.tab[i].hold, NAN, "CONNECT");
			free(q.tab[i].id);
		}
	free(q.tab);
	free(line);
	fclose(fp);
	if (rc == ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	return rc;
}
