/*
 * live_collect: a live replication's calls back from the wire. The capture
 * analysis (`ringbench analyze` into DIR/capture: calls.csv in wire time
 * from the capture's first packet, t0_epoch in wire-summary.json, which
 * judges nothing) gives each call's times and outcome; the run's own time
 * zero and speed-up turn them into scenario time (rb_wall_to_scenario, as
 * `ringbench analyze --speedup F --t0 EPOCH` does); secretaryd's CDRs add
 * screened and who answered.
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

#include <jansson.h>
#include <sqlite3.h>

#include "log.h"

/* --- a small RFC 4180 reader ------------------------------------------------ */

#define MAX_FIELDS 40

/*
 * Splits one record of f into fields (pointers into *line, unquoted in
 * place). Returns the field count, 0 at the end, -1 on ENOMEM.
 */
static int csv_record(FILE *f, char **line, size_t *cap, char *fields[MAX_FIELDS])
{
	size_t len = 0;
	bool inq = false;
	int ch;
	while ((ch = fgetc(f)) != EOF) {
		if (len + 2 >= *cap) {
			size_t nc = *cap ? *cap * 2 : 1024;
			char *p = realloc(*line, nc);
			if (!p)
				return -1;
			*line = p;
			*cap = nc;
		}
		if (ch == '"')
			inq = !inq;
		if (ch == '\n' && !inq)
			break;
		(*line)[len++] = (char)ch;
	}
	if (len == 0 && ch == EOF)
		return 0;
	if (len && (*line)[len - 1] == '\r')
		len--;
	(*line)[len] = '\0';
	int nf = 0;
	char *r = *line, *w = *line;
	while (nf < MAX_FIELDS) {
		fields[nf++] = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"' || !*r) {
					if (*r)
						r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			while (*r && *r != ',')
				r++;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		r++;
		*w++ = '\0';
	}
	return nf;
}

static int col_of(char *hdr[], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return i;
	return -1;
}

/* Seconds (six decimals) to µs; RB_T_NONE when empty. */
static rb_us parse_t(const char *s)
{
	if (!s || !*s)
		return RB_T_NONE;
	char *end;
	double v = strtod(s, &end);
	if (end == s)
		return RB_T_NONE;
	return rb_s_to_us(v);
}

/* --- matching ---------------------------------------------------------------- */

struct key_idx {
	char key[48];
	size_t i;
};

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key_idx *)a)->key, ((const struct key_idx *)b)->key);
}

/* The key part of a Call-ID ("KEY///sipp-id") into buf. Returns 0, or
 * ENAMETOOLONG when it does not fit (then it is none of ours: never cut). */
static int key_of(const char *call_id, char *buf, size_t n)
{
	const char *sl = strstr(call_id, "///");
	size_t k = sl ? (size_t)(sl - call_id) : strlen(call_id);
	if (k >= n)
		return ENAMETOOLONG;
	memcpy(buf, call_id, k);
	buf[k] = '\0';
	return 0;
}

static struct live_call *find(struct key_idx *ix, size_t n, struct live_call *calls, const char *key)
{
	struct key_idx q;
	snprintf(q.key, sizeof(q.key), "%s", key);
	struct key_idx *h = bsearch(&q, ix, n, sizeof(*ix), key_cmp);
	return h ? &calls[h->i] : NULL;
}

/* Wire time of the capture (from its first packet) to scenario time. */
static rb_us to_scn(rb_us t_cap, rb_us cap_t0, rb_us t0, double F)
{
	if (t_cap == RB_T_NONE)
		return RB_T_NONE;
	return rb_wall_to_scenario(cap_t0 + t_cap, t0, F);
}

static int read_cap_t0(const char *cap_dir, rb_us *out, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/" LIVE_WIRE_SUMMARY, cap_dir);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		return EINVAL;
	}
	json_t *t = json_object_get(j, "t0_epoch");
	int rc = 0;
	if (!json_is_number(t)) {
		snprintf(err, errlen, "%s: no t0_epoch (an empty capture?)", path);
		rc = EINVAL;
	} else {
		*out = rb_s_to_us(json_number_value(t));
	}
	json_decref(j);
	return rc;
}

static void set_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Adds screened and answered_by from secretaryd's CDRs (when there). */
static void add_cdrs(const char *cdr_path, struct key_idx *ix, size_t n, struct live_call *calls)
{
	struct stat st;
	if (!cdr_path || stat(cdr_path, &st) != 0)
		return;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	if (sqlite3_open_v2(cdr_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT call_id, screened, answered_by FROM calls", -1, &q, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *cid = (const char *)sqlite3_column_text(q, 0);
		if (!cid)
			continue;
		char key[48];
		if (key_of(cid, key, sizeof(key)))
			continue;
		struct live_call *c = find(ix, n, calls, key);
		if (!c || !c->found)
			continue;
		if (c->rec.outcome == OUTCOME_ANSWERED && sqlite3_column_type(q, 1) != SQLITE_NULL)
			c->rec.screened = sqlite3_column_int(q, 1) ? 1 : 0;
		const char *by = (const char *)sqlite3_column_text(q, 2);
		if (by && c->rec.outcome == OUTCOME_ANSWERED)
			set_str(c->rec.answered_by, sizeof(c->rec.answered_by), by);
	}
	sqlite3_finalize(q);
	q = NULL;
	/* Report latencies (secretaryd's call reports, when it writes them). */
	sqlite3_stmt *rq = NULL;
	if (sqlite3_prepare_v2(db, "SELECT call_id, hangup_to_delivered_s FROM reports", -1, &rq, NULL) ==
	    SQLITE_OK) {
		while (sqlite3_step(rq) == SQLITE_ROW) {
			const char *cid = (const char *)sqlite3_column_text(rq, 0);
			if (!cid || sqlite3_column_type(rq, 1) == SQLITE_NULL)
				continue;
			char key[48];
			if (key_of(cid, key, sizeof(key)))
				continue;
			struct live_call *c = find(ix, n, calls, key);
			if (c)
				c->report_s = sqlite3_column_double(rq, 1);
		}
	}
	sqlite3_finalize(rq);
	sqlite3_close(db);
	return;
out:
	if (db)
		rb_log(LOG_WARNING, "%s: %s", cdr_path, sqlite3_errmsg(db));
	sqlite3_finalize(q);
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
	r->forwarding = t->forwarding;
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

int live_collect(const struct scenario *s, struct live_call *calls, size_t n, const char *cap_dir,
		 const char *cdr_path, const char *prefix, rb_us t0, double F, char *err, size_t errlen)
{
	int rc = 0;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	struct key_idx *ix = calloc(n ? n : 1, sizeof(*ix));
	if (!ix)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		base_rec(s, &calls[i], prefix);
		set_str(ix[i].key, sizeof(ix[i].key), calls[i].rec.call_id);
		ix[i].i = i;
	}
	qsort(ix, n, sizeof(*ix), key_cmp);

	rb_us cap_t0;
	if ((rc = read_cap_t0(cap_dir, &cap_t0, err, errlen)))
		goto out;
	char path[4096];
	snprintf(path, sizeof(path), "%s/calls.csv", cap_dir);
	if (!(f = fopen(path, "r"))) {
		rc = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(rc));
		goto out;
	}
	char *fl[MAX_FIELDS], *hdr_copy[MAX_FIELDS];
	char *hdr_line = NULL;
	size_t hcap = 0;
	int nh = csv_record(f, &hdr_line, &hcap, hdr_copy);
	if (nh <= 0) {
		free(hdr_line);
		rc = EINVAL;
		snprintf(err, errlen, "%s: no header", path);
		goto out;
	}
	enum { C_ID, C_TAG, C_INV, C_RING, C_ANS, C_CAN, C_FIN, C_END, C_ST, C_OUT, C_DIV, C_HI,
	       C_RURI, C_TR, C_SRC, C_DST, C_N };
	static const char *const names[C_N] = {
		"call_id", "from_tag", "t_invite", "t_ringing", "t_answer", "t_cancel", "t_final", "t_end",
		"final_status", "outcome", "diversion_reason", "history_info_cause", "ruri_user",
		"transport", "src", "dst"};
	int col[C_N];
	for (int k = 0; k < C_N; k++)
		col[k] = col_of(hdr_copy, nh, names[k]);
	free(hdr_line);
	if (col[C_ID] < 0 || col[C_INV] < 0 || col[C_OUT] < 0) {
		rc = EINVAL;
		snprintf(err, errlen, "%s: call_id, t_invite or outcome missing", path);
		goto out;
	}
	int nf;
	while ((nf = csv_record(f, &line, &cap, fl)) > 0) {
#define FLD(k) (col[k] >= 0 && col[k] < nf ? fl[col[k]] : "")
		char key[48];
		if (key_of(FLD(C_ID), key, sizeof(key)))
			continue; /* longer than any key of ours */
		struct live_call *c = find(ix, n, calls, key);
		if (!c || c->sc->before_forward || c->found)
			continue; /* not one of ours (or a second INVITE dialog) */
		struct callrec *r = &c->rec;
		c->found = true;
		rb_us inv = parse_t(FLD(C_INV));
		r->t_invite = to_scn(inv, cap_t0, t0, F);
		r->t_ringing = to_scn(parse_t(FLD(C_RING)), cap_t0, t0, F);
		r->t_answer = to_scn(parse_t(FLD(C_ANS)), cap_t0, t0, F);
		r->t_cancel = to_scn(parse_t(FLD(C_CAN)), cap_t0, t0, F);
		r->t_final = to_scn(parse_t(FLD(C_FIN)), cap_t0, t0, F);
		r->t_end = to_scn(parse_t(FLD(C_END)), cap_t0, t0, F);
		r->final_status = (int)strtol(FLD(C_ST), NULL, 10);
		enum call_outcome o;
		r->outcome = call_outcome_parse(FLD(C_OUT), &o) == 0 ? o : OUTCOME_INCOMPLETE;
		set_str(r->diversion_reason, sizeof(r->diversion_reason), FLD(C_DIV));
		set_str(r->history_info_cause, sizeof(r->history_info_cause), FLD(C_HI));
		set_str(r->transport, sizeof(r->transport), FLD(C_TR));
		set_str(r->src, sizeof(r->src), FLD(C_SRC));
		set_str(r->dst, sizeof(r->dst), FLD(C_DST));
		/* The Call-ID and From tag on the wire in full, so the row finds
		 * its CDR. */
		if (set_wire_key(c, FLD(C_ID), FLD(C_TAG))) {
			rc = ENOMEM;
			goto out;
		}
		if (inv != RB_T_NONE) {
			rb_us sched = t0 + (rb_us)llround((double)c->sc->t_invite / F);
			c->lateness = cap_t0 + inv - sched;
		}
#undef FLD
	}
	if (nf < 0) {
		rc = ENOMEM;
		goto out;
	}
	add_cdrs(cdr_path, ix, n, calls);
	for (size_t i = 0; i < n; i++)
		callrec_derive(&calls[i].rec, s->ring_period);
out:
	if (f)
		fclose(f);
	free(line);
	free(ix);
	return rc;
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
