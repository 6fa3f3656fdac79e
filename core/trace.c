/* trace: recorded calls to replay; see trace.h and scenarios/README.md. */
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvtab.h"
#include "errbuf.h"
#include "scn.h"

/* The calls.csv columns the replay reads (docs/results.md); others are ignored. */
enum tcol {
	TC_TENANT,
	TC_RURI,
	TC_TYPE,
	TC_REDIAL,
	TC_FWD,
	TC_NOANS,
	TC_DIAL,
	TC_INVITE,
	TC_ANSWER,
	TC_CANCEL,
	TC_FINAL,
	TC_END,
	TC_OUTCOME,
	TC_SCREENED,
	TC_WAIT,
	TC_DURATION,
	TC_COUNT
};
static const char *const tcol_names[TC_COUNT] = {
    "tenant",  "ruri_user", "caller_type", "redial",	 "forwarding", "no_answer_s",
    "t_dial",  "t_invite",  "t_answer",	   "t_cancel",	 "t_final",    "t_end",
    "outcome", "screened",  "wait_s",	   "duration_s",
};

struct rd {
	const struct scenario *s;
	const struct csvtab *t;
	int col[TC_COUNT];
	const char *path;
	char *err;
	size_t errlen;
	size_t r, line;
};

__attribute__((format(printf, 2, 3))) static int bad(struct rd *x, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errbuf_set(x->err, x->errlen, "%s:%zu: %s", x->path, x->line, msg);
	return EINVAL;
}

static const char *cell(const struct rd *x, enum tcol c)
{
	return csvtab_get(x->t, x->r, x->col[c]);
}

/* A cell as a message shows it: at most 40 bytes, line breaks and other
 * control characters as '?' (a quoted cell may hold them). */
struct shown {
	char s[44];
};

static struct shown shown(const char *v)
{
	struct shown o;
	size_t i = 0;
	for (; v[i] && i < 40; i++)
		o.s[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	o.s[i] = '\0';
	if (v[i])
		memcpy(o.s + 37, "...", 4);
	return o;
}

/* A time or duration column: RB_T_NONE when empty; seconds >= 0, at most RV_MAX_S. */
static int secs(struct rd *x, enum tcol c, rb_us *out)
{
	double v;
	*out = RB_T_NONE;
	if (!*cell(x, c))
		return 0;
	if (!csvtab_num(x->t, x->r, x->col[c], &v) || !(v >= 0) || v > RV_MAX_S)
		return bad(x, "%s: expected seconds from 0 to 1e9, got '%s'", tcol_names[c],
			   shown(cell(x, c)).s);
	*out = rb_s_to_us(v);
	return 0;
}

/* "1", "0" or empty (-1). */
static int flag(struct rd *x, enum tcol c, int *out)
{
	const char *v = cell(x, c);
	*out = !*v ? -1 : !strcmp(v, "1") ? 1 : !strcmp(v, "0") ? 0 : -2;
	if (*out == -2)
		return bad(x, "%s: expected 1, 0 or empty, got '%s'", tcol_names[c], shown(v).s);
	return 0;
}

/* The scenario's tenant ids, for a message. */
static void tenant_list(const struct scenario *s, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n_tenants && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s (%s)", i ? ", " : "",
					 s->tenants[i].id, s->tenants[i].number);
}

/* By id, else by number (tenant, then ruri_user); a scenario's only tenant
 * when the row names none. */
static int row_tenant(struct rd *x, int *out)
{
	const struct scenario *s = x->s;
	const char *id = cell(x, TC_TENANT), *ruri = cell(x, TC_RURI);
	*out = scn_tenant_by_id(s, id);
	if (*out < 0)
		*out = scn_tenant_by_number(s, id);
	if (*out < 0 && !*id)
		*out = scn_tenant_by_number(s, ruri);
	if (*out >= 0)
		return 0;
	if (!*id && !*ruri && s->n_tenants == 1) {
		*out = 0;
		return 0;
	}
	char list[512];
	tenant_list(s, list, sizeof list);
	if (!*id && !*ruri)
		return bad(x,
			   "no tenant (tenant and ruri_user empty) and the scenario has %zu: "
			   "expected one of %s",
			   s->n_tenants, list);
	return bad(x, "tenant '%s' is none of the scenario's tenants (by id or number): %s",
		   shown(*id ? id : ruri).s, list);
}

static int row_type(struct rd *x, int *out)
{
	const struct scn_callers *cl = &x->s->callers;
	const char *v = cell(x, TC_TYPE);
	*out = -1;
	if (!*v)
		return 0;
	for (size_t i = 0; i < cl->n_types; i++)
		if (!strcmp(cl->types[i].name, v)) {
			*out = (int)i;
			return 0;
		}
	char list[512];
	size_t used = 0;
	list[0] = '\0';
	for (size_t i = 0; i < cl->n_types && used < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
					 cl->types[i].name);
	return bad(x, "caller_type '%s' is none of the scenario's caller types: %s", shown(v).s,
		   list);
}

/* Forwarding and delay: as recorded, else the tenant's. */
static int row_forwarding(struct rd *x, struct trace_call *tc)
{
	const struct scn_tenant *tn = &x->s->tenants[tc->tenant];
	enum call_fwd f;
	rb_us d;
	if (call_fwd_parse(cell(x, TC_FWD), &f))
		return bad(x, "forwarding: expected unconditional, no-answer or empty, got '%s'",
			   shown(cell(x, TC_FWD)).s);
	if (secs(x, TC_NOANS, &d))
		return EINVAL;
	if (f == FWD_UNKNOWN)
		f = tn->forwarding;
	tc->fwd = f;
	tc->no_answer = 0;
	if (f != FWD_NO_ANSWER)
		return 0;
	if (d == RB_T_NONE && tn->forwarding != FWD_NO_ANSWER)
		return bad(x,
			   "forwarded after no answer with no_answer_s empty, and tenant '%s' has "
			   "no no-answer delay: give no_answer_s",
			   tn->id);
	tc->no_answer = d != RB_T_NONE ? d : tn->no_answer;
	return 0;
}

/* The outcome, as recorded or read from the times. */
static int row_outcome(struct rd *x, const rb_us *tm, enum call_outcome *o)
{
	const char *v = cell(x, TC_OUTCOME);
	if (*v) {
		if (call_outcome_parse(v, o))
			return bad(x,
				   "outcome: expected answered, abandoned, "
				   "abandoned_before_forward, rejected or incomplete, got '%s'",
				   shown(v).s);
		return 0;
	}
	if (tm[TC_ANSWER] != RB_T_NONE)
		*o = OUTCOME_ANSWERED;
	else if (tm[TC_CANCEL] != RB_T_NONE)
		*o = tm[TC_INVITE] != RB_T_NONE || tm[TC_DIAL] == RB_T_NONE
			 ? OUTCOME_ABANDONED
			 : OUTCOME_ABANDONED_BEFORE_FORWARD;
	else
		*o = OUTCOME_INCOMPLETE;
	return 0;
}

/* t_dial: t_invite - delay when the INVITE is known (shortened at time zero). */
static int row_dial(struct rd *x, const rb_us *tm, struct trace_call *tc, size_t *shortened)
{
	if (tm[TC_INVITE] != RB_T_NONE) {
		if (tm[TC_INVITE] < tc->no_answer) {
			/* A capture that began while the client's phone rang. */
			tc->no_answer = tm[TC_INVITE];
			(*shortened)++;
		}
		tc->t_dial = tm[TC_INVITE] - tc->no_answer;
		return 0;
	}
	if (tm[TC_DIAL] == RB_T_NONE)
		return bad(x, "expected t_invite or t_dial: the call's instant; both are empty");
	tc->t_dial = tm[TC_DIAL];
	return 0;
}

/* The first of the times given (RB_T_NONE when none). */
static rb_us first_of(rb_us a, rb_us b, rb_us c)
{
	return a != RB_T_NONE ? a : b != RB_T_NONE ? b : c;
}

/* What the row says of the caller's patience (trace.h). */
static int row_patience(struct rd *x, const rb_us *tm, struct trace_call *tc)
{
	rb_us inv = tc->t_dial + tc->no_answer, wait_end = RB_T_NONE, t;
	if (tm[TC_WAIT] != RB_T_NONE)
		wait_end = inv + tm[TC_WAIT];
	tc->pat_exact = RB_T_NONE;
	tc->pat_above = tc->no_answer;
	switch (tc->outcome) {
	case OUTCOME_ANSWERED:
		t = first_of(tm[TC_ANSWER], wait_end, RB_T_NONE);
		break;
	case OUTCOME_ABANDONED:
	case OUTCOME_ABANDONED_BEFORE_FORWARD:
		t = tc->outcome == OUTCOME_ABANDONED
			? first_of(tm[TC_CANCEL], tm[TC_FINAL], wait_end)
			: tm[TC_CANCEL];
		t = first_of(t, tm[TC_END], RB_T_NONE);
		if (t == RB_T_NONE)
			return bad(x,
				   "%s without t_cancel (or t_final, wait_s, t_end): expected the "
				   "instant the caller hung up",
				   call_outcome_name(tc->outcome));
		if (t < tc->t_dial)
			return bad(x, "hung up at %.6f s, before dialling at %.6f s", rb_us_to_s(t),
				   rb_us_to_s(tc->t_dial));
		tc->pat_exact = t - tc->t_dial;
		if (tc->outcome == OUTCOME_ABANDONED_BEFORE_FORWARD &&
		    tc->pat_exact >= tc->no_answer)
			return bad(
			    x,
			    "abandoned_before_forward after %.6f s, not before its no-answer "
			    "delay of %.6f s",
			    rb_us_to_s(tc->pat_exact), rb_us_to_s(tc->no_answer));
		return 0;
	case OUTCOME_REJECTED:
		t = tm[TC_FINAL];
		break;
	default: /* incomplete: waited at least until the last instant recorded */
		t = tm[TC_END] != RB_T_NONE ? tm[TC_END]
					    : first_of(tm[TC_FINAL], wait_end, RB_T_NONE);
		break;
	}
	if (t != RB_T_NONE && t - tc->t_dial > tc->pat_above)
		tc->pat_above = t - tc->t_dial;
	return 0;
}

static int read_row(struct rd *x, struct trace_call *tc, size_t *shortened)
{
	static const enum tcol times[] = {TC_DIAL,  TC_INVITE, TC_ANSWER, TC_CANCEL,
					  TC_FINAL, TC_END,    TC_WAIT,	  TC_DURATION};
	rb_us tm[TC_COUNT];
	int redial;
	memset(tc, 0, sizeof(*tc));
	tc->line = x->line;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		if (secs(x, times[i], &tm[times[i]]))
			return EINVAL;
	if (row_tenant(x, &tc->tenant) || row_type(x, &tc->type) || row_forwarding(x, tc) ||
	    flag(x, TC_SCREENED, &tc->screened) || flag(x, TC_REDIAL, &redial) ||
	    row_outcome(x, tm, &tc->outcome) || row_dial(x, tm, tc, shortened) ||
	    row_patience(x, tm, tc))
		return EINVAL;
	tc->redial = redial == 1;
	tc->talk = RB_T_NONE;
	if (tc->outcome == OUTCOME_ANSWERED)
		tc->talk = tm[TC_DURATION] != RB_T_NONE ? tm[TC_DURATION]
			   : tm[TC_END] != RB_T_NONE && tm[TC_ANSWER] != RB_T_NONE &&
				   tm[TC_END] >= tm[TC_ANSWER]
			       ? tm[TC_END] - tm[TC_ANSWER]
			       : RB_T_NONE;
	return 0;
}

static int by_dial(const void *a, const void *b)
{
	const struct trace_call *x = a, *y = b;
	if (x->t_dial != y->t_dial)
		return x->t_dial < y->t_dial ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The header: which columns, and that it is a calls.csv at all. */
static int read_header(struct rd *x)
{
	bool any = false;
	for (int c = 0; c < TC_COUNT; c++) {
		x->col[c] = csvtab_col(x->t, tcol_names[c]);
		any |= x->col[c] >= 0;
	}
	x->line = 1;
	if (x->col[TC_DIAL] < 0 && x->col[TC_INVITE] < 0)
		return bad(
		    x, "expected a calls.csv header (docs/results.md) with t_invite or t_dial%s",
		    any ? "" : "; this header has none of its columns");
	return 0;
}

static int size_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st)) {
		int e = errno;
		errbuf_set(err, errlen, "%s: %s", path, strerror(e));
		return e;
	}
	if ((uintmax_t)st.st_size > TRACE_MAX_BYTES) {
		errbuf_set(err, errlen, "%s: %jd bytes: a trace is at most %u MiB", path,
			   (intmax_t)st.st_size, TRACE_MAX_BYTES >> 20);
		return EINVAL;
	}
	return 0;
}

static int read_rows(struct rd *x, struct trace *tr)
{
	if (x->t->nrow == 0)
		return bad(x, "the trace has no calls (a header and no rows)");
	if (x->t->nrow > TRACE_MAX_CALLS) {
		x->line = x->t->line[TRACE_MAX_CALLS];
		return bad(x, "a trace holds at most %d calls", TRACE_MAX_CALLS);
	}
	tr->calls = calloc(x->t->nrow, sizeof(*tr->calls));
	if (!tr->calls)
		return ENOMEM;
	for (x->r = 0; x->r < x->t->nrow; x->r++) {
		x->line = x->t->line[x->r];
		int rc = read_row(x, &tr->calls[tr->n], &tr->n_shortened);
		if (rc)
			return rc;
		if (tr->calls[tr->n].t_dial > tr->last_dial)
			tr->last_dial = tr->calls[tr->n].t_dial;
		tr->n++;
	}
	qsort(tr->calls, tr->n, sizeof(*tr->calls), by_dial);
	return 0;
}

int trace_load(const char *path, const struct scenario *s, struct trace **out, char *err,
	       size_t errlen)
{
	struct csvtab t = {0};
	struct trace *tr = NULL;
	struct rd x = {.s = s, .t = &t, .path = path, .err = err, .errlen = errlen};
	int rc = size_check(path, err, errlen);
	if (!rc)
		rc = csvtab_load(path, &t, err, errlen);
	if (!rc)
		rc = read_header(&x);
	if (!rc && !(tr = calloc(1, sizeof(*tr))))
		rc = ENOMEM;
	if (!rc && !(tr->path = strdup(path)))
		rc = ENOMEM;
	if (!rc)
		rc = read_rows(&x, tr);
	if (rc == ENOMEM)
		errbuf_set(err, errlen, "%s: %s", path, strerror(ENOMEM));
	csvtab_free(&t);
	if (rc) {
		trace_free(tr);
		return rc;
	}
	*out = tr;
	return 0;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->calls);
	free(t);
}

struct trace *trace_dup(const struct trace *t)
{
	struct trace *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	*d = *t;
	d->path = strdup(t->path);
	d->calls = malloc((t->n ? t->n : 1) * sizeof(*d->calls));
	if (!d->path || !d->calls) {
		free(d->path);
		free(d->calls);
		free(d);
		return NULL;
	}
	memcpy(d->calls, t->calls, t->n * sizeof(*d->calls));
	return d;
}

void trace_draw(const struct scenario *s, const struct trace_call *tc, struct rv_stream *rs,
		struct trace_draws *out)
{
	const struct scn_callers *cl = &s->callers;
	int type = cl->n_types > 1 ? (int)rv_pick(cl->type_cum, cl->n_types, &rs[RVP_TYPE]) : 0;
	out->type = tc->type >= 0 ? tc->type : type;
	out->clamped = false;
	if (tc->pat_exact != RB_T_NONE)
		out->patience = tc->pat_exact;
	else
		out->patience = rv_draw_above_us(&cl->patience, tc->pat_above, &rs[RVP_PATIENCE],
						 &out->clamped);
	const struct scn_ctype *ty = &cl->types[out->type];
	bool scr = ty->screen_prob > 0 && rv_uniform01(&rs[RVP_SCREENING]) < ty->screen_prob;
	out->screened = tc->screened >= 0 ? tc->screened == 1 : scr;
	/* A screened flag recorded for a type that never screens still picks the
	 * screened talk only when the type has one. */
	const struct rv_dist *td =
	    out->screened && ty->screen_prob > 0 ? &ty->screened_talk : &ty->talk;
	rb_us talk = rv_draw_us(td, &rs[RVP_TALK]);
	out->talk = tc->talk != RB_T_NONE ? tc->talk : talk;
}
