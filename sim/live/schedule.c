/*
 * schedule: the per-call schedule of a live run (schedule.h). The draws
 * mirror sim/model/model.c's new_call()/draw_call()/next_arrival()/next_burst() step
 * for step, so that the same seed gives the same callers.
 */
#define LOG_TAG "schedule"
#include "schedule.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rv.h"

struct sb {
	rb_us next, end;
	int left, phase;
	bool pending;
};

struct st {
	const struct scenario *s;
	struct rv_stream rs[RVP_COUNT];
	bool backup_possible; /* any backup staff ever: first calls draw RVP_BACKUP */
	/* Poisson */
	int arr_phase;
	rb_us arr_t;
	bool arr_pending;
	struct sb *bursts;
	size_t n_bursts;
};

/* As model.c's draw_rs: exponentials by the same ziggurat (core/rv.h's
 * rv_std_exponential), rounded to the µs. */
static rb_us draw_rs(const struct rv_dist *d, struct rv_stream *rs)
{
	double v;
	switch (d->kind) {
	case RV_FIXED:
		v = d->a;
		break;
	case RV_EXPONENTIAL:
		v = d->a * rv_std_exponential(rs);
		break;
	default:
		return rv_draw_us(d, rs);
	}
	return v >= 9.2e12 ? INT64_MAX : (rb_us)(v * 1e6 + 0.5);
}

static rb_us draw_us(struct st *x, const struct rv_dist *d, enum rv_process p)
{
	return draw_rs(d, &x->rs[p]);
}

static void next_arrival(struct st *x, rb_us from)
{
	const struct scenario *s = x->s;
	while ((size_t)x->arr_phase < s->n_phases) {
		const struct scn_phase *ph = &s->phases[x->arr_phase];
		rb_us end = ph->start + ph->duration;
		if (from < ph->start)
			from = ph->start;
		if (ph->rate_per_s > 0) {
			double gap = 1e6 / ph->rate_per_s;
			double v = rv_std_exponential(&x->rs[RVP_ARRIVALS]) * gap;
			if (v < (double)(end - from)) {
				x->arr_t = from + (rb_us)(v + 0.5);
				x->arr_pending = true;
				return;
			}
		}
		x->arr_phase++;
		from = end;
	}
	x->arr_pending = false;
}

static void next_burst(struct st *x, struct sb *b, rb_us from)
{
	b->pending = false;
	if (b->left <= 0)
		return;
	rb_us t = from;
	if (b->end > from) {
		double u = rv_uniform01(&x->rs[RVP_BURSTS]);
		double f = 1.0 - pow(1.0 - u, 1.0 / b->left);
		t = from + (rb_us)(f * (double)(b->end - from) + 0.5);
		if (t > b->end)
			t = b->end;
	}
	b->next = t;
	b->pending = true;
}

static const char *const surnames[] = {
	"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
	"Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue",
};

static void wire_details(struct st *x, struct sched_call *c);

/* The caller's draws at t (model.c: new_call then dial). */
static void draw_call(struct st *x, struct sched_call *c, rb_us t, int phase)
{
	const struct scenario *s = x->s;
	c->phase = phase;
	c->t_dial = t;
	c->counted = t >= s->run.warmup;
	c->tenant = s->n_tenants > 1 ? (int)rv_pick(s->tenant_cum, s->n_tenants, &x->rs[RVP_TENANT]) : 0;
	c->type = s->callers.n_types > 1
			  ? (int)rv_pick(s->callers.type_cum, s->callers.n_types, &x->rs[RVP_TYPE])
			  : 0;
	c->patience = draw_us(x, &s->callers.patience, RVP_PATIENCE);
	const struct scn_ctype *ty = &s->callers.types[c->type];
	c->screened = ty->screen_prob > 0 && rv_uniform01(&x->rs[RVP_SCREENING]) < ty->screen_prob;
	c->talk = draw_us(x, c->screened ? &ty->screened_talk : &ty->talk, RVP_TALK);
	c->caller = c->seq;
	if (s->callers.redial && s->callers.redial_prob > 0) {
		c->redials = rv_uniform01(&x->rs[RVP_REDIAL]) < s->callers.redial_prob;
		c->redial_after = draw_us(x, &s->callers.redial_after, RVP_REDIAL);
	}
	/* the answerer's draws, from their own streams as the model's */
	c->pickup = draw_us(x, &s->center.pickup, RVP_PICKUP);
	c->bpickup = x->backup_possible ? draw_us(x, &s->center.backup_pickup, RVP_BACKUP) : RB_T_NONE;
	const struct scn_tenant *tn = &s->tenants[c->tenant];
	c->fwd = tn->forwarding;
	c->no_answer = tn->forwarding == FWD_NO_ANSWER ? tn->no_answer : 0;
	c->t_invite = t + c->no_answer;
	c->before_forward = c->no_answer > 0 && c->patience < c->no_answer;
	wire_details(x, c);
}

/* Wire-only details, from their own stream: a name and numbers. */
static void wire_details(struct st *x, struct sched_call *c)
{
	const struct scn_ctype *ty = &x->s->callers.types[c->type];
	struct rv_stream *r = &x->rs[RVP_CALLER];
	size_t k = (size_t)(rv_uniform01(r) * (sizeof(surnames) / sizeof(surnames[0])));
	unsigned long num = (unsigned long)(rv_uniform01(r) * 1e8);
	snprintf(c->name, sizeof(c->name), "%s %llu", surnames[k], (unsigned long long)c->seq);
	snprintf(c->from_user, sizeof(c->from_user), "090%08lu", num);
	if (ty->refuses_callback)
		c->callback[0] = '\0';
	else
		snprintf(c->callback, sizeof(c->callback), "%s", c->from_user);
}

static int push(struct schedule *sc, struct sched_call **c)
{
	if (sc->n == sc->cap) {
		size_t nc = sc->cap ? sc->cap * 2 : 256;
		struct sched_call *p = realloc(sc->calls, nc * sizeof(*p));
		if (!p)
			return ENOMEM;
		sc->calls = p;
		sc->cap = nc;
	}
	*c = &sc->calls[sc->n++];
	memset(*c, 0, sizeof(**c));
	(*c)->seq = sc->n;
	return 0;
}

/* t_dial + patience: when a caller who is never answered hangs up. */
static rb_us hangup_of(const struct sched_call *c)
{
	return c->patience >= INT64_MAX - c->t_dial ? INT64_MAX : c->t_dial + c->patience;
}

int schedule_redial(struct schedule *sc, size_t i, rb_us t_hangup, size_t *added)
{
	const struct scenario *s = sc->s;
	const struct scn_callers *cl = &s->callers;
	*added = 0;
	while (i < sc->n && !sc->calls[i].redial_drawn) {
		sc->calls[i].redial_drawn = true;
		if (!sc->calls[i].redials || !sc->redial_ok || t_hangup == INT64_MAX)
			return 0;
		/* As model.c's redial_or_put: decided and timed with the call. */
		rb_us after = sc->calls[i].redial_after;
		if (after >= s->end - t_hangup)
			return 0; /* after the last phase no new calls come */
		rb_us t = t_hangup + after;
		struct sched_call *c;
		int err = push(sc, &c);
		if (err)
			return err;
		const struct sched_call *o = &sc->calls[i];
		/* The same caller (tenant, type, name, numbers), fresh draws. */
		c->redial = true;
		c->redial_of = o->seq;
		c->tenant = o->tenant;
		c->type = o->type;
		memcpy(c->name, o->name, sizeof(c->name));
		memcpy(c->callback, o->callback, sizeof(c->callback));
		memcpy(c->from_user, o->from_user, sizeof(c->from_user));
		c->caller = o->caller;
		c->attempt = o->attempt + 1;
		c->phase = scn_phase_at(s, t);
		c->t_dial = t;
		c->counted = t >= s->run.warmup;
		/* As model.c's draw_call for a redial: one sub-stream, this order. */
		struct rv_stream *r = &sc->redial_rs;
		rv_stream_rekey(r, sc->seed, (unsigned)sc->rep, RVP_RETRY, RV_RETRY_SUB(c->caller, c->attempt));
		c->patience = draw_rs(&cl->patience, r);
		const struct scn_ctype *ty = &cl->types[c->type];
		c->screened = ty->screen_prob > 0 && rv_uniform01(r) < ty->screen_prob;
		c->talk = draw_rs(c->screened ? &ty->screened_talk : &ty->talk, r);
		c->redials = rv_uniform01(r) < cl->redial_prob;
		c->redial_after = draw_rs(&cl->redial_after, r);
		c->pickup = draw_rs(&s->center.pickup, r);
		c->bpickup = draw_rs(&s->center.backup_pickup, r);
		c->fwd = o->fwd;
		c->no_answer = o->no_answer;
		c->t_invite = t + c->no_answer;
		c->before_forward = c->no_answer > 0 && c->patience < c->no_answer;
		sc->n_redials++;
		(*added)++;
		if (!c->before_forward) {
			sc->n_wire++;
			return 0;
		}
		/* Hung up again while the client's phone rang: may redial again. */
		i = sc->n - 1;
		t_hangup = hangup_of(c);
	}
	return 0;
}

/* x's streams (*ok of them made) and bursts, in the model's setup order:
 * bursts' first draws, then the first arrival. Returns 0 or an errno. */
static int st_init(struct st *x, const struct scenario *s, uint64_t seed, int rep, int *ok)
{
	int err;
	memset(x, 0, sizeof(*x));
	x->s = s;
	x->backup_possible = s->center.backup > 0; /* as model.c's */
	for (size_t p = 0; p < s->n_phases; p++)
		if (s->phases[p].backup > 0)
			x->backup_possible = true;
	for (*ok = 0; *ok < RVP_COUNT; (*ok)++)
		if ((err = rv_stream_init(&x->rs[*ok], seed, (unsigned)rep, (enum rv_process)*ok)))
			return err;
	for (size_t p = 0; p < s->n_phases; p++)
		x->n_bursts += s->phases[p].n_bursts;
	x->bursts = calloc(x->n_bursts ? x->n_bursts : 1, sizeof(*x->bursts));
	if (!x->bursts)
		return ENOMEM;
	size_t i = 0;
	for (size_t p = 0; p < s->n_phases; p++)
		for (size_t k = 0; k < s->phases[p].n_bursts; k++, i++) {
			const struct scn_burst *b = &s->phases[p].bursts[k];
			x->bursts[i].phase = (int)p;
			x->bursts[i].left = b->calls;
			x->bursts[i].end = s->phases[p].start + b->at + b->within;
			next_burst(x, &x->bursts[i], s->phases[p].start + b->at);
		}
	next_arrival(x, 0);
	return 0;
}

/* Every first call, Poisson arrivals and bursts merged in time order. */
static int draw_all(struct st *x, struct schedule *sc)
{
	int err;
	for (;;) {
		/* The earliest pending burst arrival (first in order on ties). */
		struct sb *bb = NULL;
		for (size_t j = 0; j < x->n_bursts; j++)
			if (x->bursts[j].pending && (!bb || x->bursts[j].next < bb->next))
				bb = &x->bursts[j];
		struct sched_call *c;
		if (x->arr_pending && (!bb || x->arr_t < bb->next)) {
			rb_us t = x->arr_t;
			int ph = x->arr_phase;
			if ((err = push(sc, &c)))
				return err;
			draw_call(x, c, t, ph);
			next_arrival(x, t);
		} else if (bb) {
			rb_us t = bb->next;
			bb->left--;
			if ((err = push(sc, &c)))
				return err;
			draw_call(x, c, t, bb->phase);
			next_burst(x, bb, t);
		} else {
			return 0;
		}
	}
}

/* A trace's calls (core/trace.h), in its dial order: model.c's
 * trace_call_draws, then the wire details. */
static int draw_trace(struct st *x, struct schedule *sc)
{
	const struct scenario *s = x->s;
	for (size_t i = 0; i < s->trace->n; i++) {
		const struct trace_call *tc = &s->trace->calls[i];
		struct trace_draws td;
		struct sched_call *c;
		int err = push(sc, &c);
		if (err)
			return err;
		trace_draw(s, tc, x->rs, &td);
		sc->n_clamped += td.clamped;
		c->t_dial = tc->t_dial;
		c->phase = scn_phase_at(s, tc->t_dial);
		c->counted = tc->t_dial >= s->run.warmup;
		c->tenant = tc->tenant;
		c->type = td.type;
		c->patience = td.patience;
		c->screened = td.screened;
		c->talk = td.talk;
		/* the answerer's draws after the caller's, as model.c's trace_call */
		c->pickup = draw_us(x, &s->center.pickup, RVP_PICKUP);
		c->bpickup = x->backup_possible ? draw_us(x, &s->center.backup_pickup, RVP_BACKUP)
						: RB_T_NONE;
		c->caller = c->seq;
		c->redial = tc->redial;
		c->fwd = tc->fwd;
		c->no_answer = tc->no_answer;
		c->t_invite = tc->t_dial + tc->no_answer;
		c->before_forward = c->no_answer > 0 && c->patience < c->no_answer;
		wire_details(x, c);
	}
	return 0;
}

/* Redials of the callers who hung up before forwarding (known now;
 * schedule_redial appends, so this also reaches redials' redials). */
static int first_redials(struct schedule *sc, uint64_t seed, int rep)
{
	int err;
	if ((err = rv_stream_init(&sc->redial_rs, seed, (unsigned)rep, RVP_RETRY)))
		return err;
	sc->redial_ok = true;
	size_t n_first = sc->n;
	for (size_t j = 0; j < n_first; j++) {
		size_t added;
		if (sc->calls[j].before_forward &&
		    (err = schedule_redial(sc, j, hangup_of(&sc->calls[j]), &added)))
			return err;
	}
	return 0;
}

int schedule_build(const struct scenario *s, uint64_t seed, int rep, struct schedule *out)
{
	if (!s || !out || s->n_phases == 0)
		return EINVAL;
	struct st x;
	struct schedule sc = {0};
	int ok = 0;
	int err = st_init(&x, s, seed, rep, &ok);
	if (err || (err = s->trace ? draw_trace(&x, &sc) : draw_all(&x, &sc)))
		goto out;
	for (size_t j = 0; j < sc.n; j++)
		if (!sc.calls[j].before_forward)
			sc.n_wire++;
	sc.s = s;
	sc.seed = seed;
	sc.rep = rep;
	if (!s->trace && s->callers.redial && s->callers.redial_prob > 0 &&
	    (err = first_redials(&sc, seed, rep)))
		goto out;
	*out = sc;
	sc.calls = NULL;
	sc.redial_ok = false;
out:
	if (sc.redial_ok)
		rv_stream_free(&sc.redial_rs);
	free(sc.calls);
	free(x.bursts);
	for (int p = 0; p < ok; p++)
		rv_stream_free(&x.rs[p]);
	return err;
}

void schedule_free(struct schedule *sc)
{
	if (!sc)
		return;
	if (sc->redial_ok)
		rv_stream_free(&sc->redial_rs);
	free(sc->calls);
	memset(sc, 0, sizeof(*sc));
}

static int by_invite(const void *a, const void *b)
{
	const struct sched_call *x = *(const struct sched_call *const *)a;
	const struct sched_call *y = *(const struct sched_call *const *)b;
	if (x->t_invite != y->t_invite)
		return x->t_invite < y->t_invite ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void schedule_sort_wire(const struct sched_call **v, size_t n)
{
	qsort(v, n, sizeof(*v), by_invite);
}

const struct sched_call **schedule_wire_order(const struct schedule *sc, size_t *n_out)
{
	*n_out = 0;
	if (!sc->n_wire)
		return NULL;
	const struct sched_call **v = malloc(sc->n_wire * sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < sc->n; i++)
		if (!sc->calls[i].before_forward)
			v[k++] = &sc->calls[i];
	qsort(v, k, sizeof(*v), by_invite);
	*n_out = k;
	return v;
}

/* One kind's ring as model.c's ring_pickup: the ring's RVP_RING sub-stream
 * gives the no-answer draw (phone settings on) and, past the kind's first
 * ring, the pick-up; the first ring's pick-up is the call's own. */
static rb_us ring_one(const struct scenario *s, uint64_t seed, int rep, const struct sched_call *c,
		      int ring, bool backup, bool first, struct rv_stream *rs)
{
	const struct scn_center *ce = &s->center;
	const struct scn_phone *ph = backup ? &ce->backup_phone : &ce->phone;
	bool on = scn_phone_on(ph), na = false;
	if (!on && first)
		return backup ? c->bpickup : c->pickup;
	rv_stream_rekey(rs, seed, (unsigned)rep, RVP_RING, RV_RING_SUB(c->caller, c->attempt, ring));
	if (on)
		na = rv_uniform01(rs) < ph->no_answer;
	rb_us p = first ? (backup ? c->bpickup : c->pickup)
			: draw_rs(backup ? &ce->backup_pickup : &ce->pickup, rs);
	return na ? INT64_MAX : p;
}

void schedule_ring(const struct scenario *s, uint64_t seed, int rep, const struct sched_call *c,
		   int ring, struct rv_stream *rs, rb_us out[4])
{
	for (int k = 0; k < 4; k++)
		out[k] = ring_one(s, seed, rep, c, ring, k >= 2, (k & 1) == 0, rs);
}
