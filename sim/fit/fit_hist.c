/*
 * fit_hist: the normalized call history every reader fills and every
 * statistic reads (fit.h): calls, tenants, days, the readers' warnings,
 * and the choice of reader (fit_read).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fit_int.h"
#include "fit_read.h"
#include "tzone.h"

struct fit_hist *fit_hist_new(const struct fit_hist_opts *o, char *err, size_t errlen)
{
	struct fit_hist *h = calloc(1, sizeof *h);
	int hh = 0, mm = 0, used = 0;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->o = *o;
	if (tzone_load(o->tz ? o->tz : "UTC", &h->zone, err, errlen)) {
		free(h);
		return NULL;
	}
	if (o->start_time && (sscanf(o->start_time, "%2d:%2d%n", &hh, &mm, &used) != 2 ||
			      o->start_time[used] || hh > 23 || mm > 59 || hh < 0 || mm < 0)) {
		snprintf(err, errlen, "--start-time: expected a clock time HH:MM, got '%s'", o->start_time);
		tzone_free(h->zone);
		free(h);
		return NULL;
	}
	h->start_time_s = hh * 3600 + mm * 60;
	return h;
}

void fit_hist_free(struct fit_hist *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->calls[i].call_id);
		free(h->calls[i].agent);
	}
	for (size_t i = 0; i < h->n_tenants; i++) {
		free(h->tenants[i].id);
		free(h->tenants[i].number);
	}
	free(h->calls);
	free(h->tenants);
	free(h->day_names);
	free(h->agents_seen);
	tzone_free(h->zone);
	free(h);
}

void fit_warn(struct fit_warn *w, uint64_t *counter, const char *fmt, ...)
{
	va_list ap;
	bool first = !w->unknown_events && !w->out_of_order && !w->truncated && !w->unmatched;

	(*counter)++;
	if (!first)
		return;
	va_start(ap, fmt);
	vsnprintf(w->first, sizeof w->first, fmt, ap);
	va_end(ap);
}

int fit_hist_add(struct fit_hist *h, const struct fit_call *c)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		struct fit_call *nc = realloc(h->calls, cap * sizeof *nc);
		if (!nc)
			return ENOMEM;
		h->calls = nc;
		h->cap = cap;
	}
	struct fit_call *d = &h->calls[h->n];
	*d = *c;
	d->call_id = c->call_id ? strdup(c->call_id) : NULL;
	d->agent = c->agent && *c->agent ? strdup(c->agent) : NULL;
	if ((c->call_id && !d->call_id) || (c->agent && *c->agent && !d->agent))
		return ENOMEM;
	h->any_whole_s |= c->whole_s;
	h->tenants[c->tenant].calls++;
	if (c->number && *c->number && !h->tenants[c->tenant].number &&
	    !(h->tenants[c->tenant].number = strdup(c->number)))
		return ENOMEM;
	h->n++;
	return c->agent && *c->agent ? fit_agent_seen(h, c->agent) : 0;
}

/* Distinct agents: a short list in practice (a center's staff). */
int fit_agent_seen(struct fit_hist *h, const char *agent)
{
	size_t len = strlen(agent), have = h->agents_seen ? strlen(h->agents_seen) : 0;

	for (const char *p = h->agents_seen; p && *p;) {
		const char *e = strchr(p, '\n');
		if ((size_t)(e - p) == len && !memcmp(p, agent, len))
			return 0;
		p = e + 1;
	}
	char *n = realloc(h->agents_seen, have + len + 2);
	if (!n)
		return ENOMEM;
	memcpy(n + have, agent, len);
	n[have + len] = '\n';
	n[have + len + 1] = '\0';
	h->agents_seen = n;
	h->n_agents++;
	return 0;
}

/* --forwarding TENANT=SECONDS for id, when given. */
static bool forwarding_given(const struct fit_hist *h, const char *id, double *delay)
{
	size_t len = strlen(id);

	for (char **p = h->o.forwarding; p && *p; p++)
		if (!strncmp(*p, id, len) && (*p)[len] == '=') {
			*delay = strtod(*p + len + 1, NULL);
			return true;
		}
	return false;
}

int fit_tenant_index(struct fit_hist *h, const char *id)
{
	for (size_t i = 0; i < h->n_tenants; i++)
		if (!strcmp(h->tenants[i].id, id))
			return (int)i;
	struct fit_tenant *nt = realloc(h->tenants, (h->n_tenants + 1) * sizeof *nt);
	if (!nt)
		return -1;
	h->tenants = nt;
	nt = &h->tenants[h->n_tenants];
	memset(nt, 0, sizeof *nt);
	nt->delay = NAN;
	nt->delay_given = forwarding_given(h, id, &nt->delay);
	if (!(nt->id = strdup(id)))
		return -1;
	return (int)h->n_tenants++;
}

/* With a clock: the zone's local time and date (key yyyymmdd); without:
 * time zero is --start-time on day day_of_file (key: the file's number). */
void fit_hist_clock(struct fit_hist *h, struct fit_call *c, double rel, int day_of_file)
{
	if (isfinite(c->epoch)) {
		struct tm tm;
		long off;
		int64_t sec = (int64_t)floor(c->epoch);
		tzone_local(h->zone, sec, &tm, &off);
		c->tod = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec + (c->epoch - (double)sec);
		c->day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
		h->have_clock = true;
		return;
	}
	c->tod = h->start_time_s + rel;
	c->day = day_of_file;
}

int fit_format_parse(const char *s)
{
	if (!strcmp(s, "queue_log"))
		return FIT_QUEUE_LOG;
	if (!strcmp(s, "cdr"))
		return FIT_CDR;
	if (!strcmp(s, "calls"))
		return FIT_CALLS;
	return -1;
}

const char *fit_format_name(enum fit_format f)
{
	return f == FIT_QUEUE_LOG ? "queue_log" : f == FIT_CDR ? "cdr" : f == FIT_CALLS ? "calls" : "auto";
}

/* An SQLite file starts "SQLite format 3\0"; calls.csv with its header. */
static enum fit_format detect(const char *path, int *e)
{
	char head[32] = "";
	FILE *f = fopen(path, "rb");

	if (!f) {
		*e = errno;
		return FIT_AUTO;
	}
	size_t n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = '\0';
	if (n >= 16 && !memcmp(head, "SQLite format 3", 16))
		return FIT_CDR;
	if (!strncmp(head, "call_id,", 8))
		return FIT_CALLS;
	return FIT_QUEUE_LOG;
}

int fit_read(struct fit_hist *h, const char *path, enum fit_format fmt, char *err, size_t errlen)
{
	int e = 0, rc;

	if (fmt == FIT_AUTO && (fmt = detect(path, &e)) == FIT_AUTO) {
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return e;
	}
	h->n_sources++;
	if (fmt == FIT_QUEUE_LOG)
		rc = fit_read_qlog(h, path, err, errlen);
	else if (fmt == FIT_CDR)
		rc = fit_read_cdr(h, path, err, errlen);
	else
		rc = fit_read_calls(h, path, (int)h->n_sources, err, errlen);
	if (!rc && !strstr(h->formats, fit_format_name(fmt))) {
		size_t l = strlen(h->formats);
		snprintf(h->formats + l, sizeof h->formats - l, "%s%s", l ? "," : "", fit_format_name(fmt));
	}
	return rc;
}
