/*
 * model: one replication's event loop (see model.h for what is simulated,
 * model_run.c for options and threads).
 *
 * A call's events live in its record: `ev` for its next stage (forward,
 * pick-up, talk, wrap-up, redial), `pat` for the caller's patience and `join`
 * for the backup's join age, the last two scheduled only while they can
 * matter (a call answered at once never touches them). Records come from a
 * free list grown in chunks, so the loop allocates nothing per call.
 *
 * The time-weighted measures (ringing, busy and staffed operators and
 * backup) come from the dispatcher's time integrals of its counts, looked
 * at when time leaves a stretch of the summary's groups ("spans" below);
 * the timeline alone, while it is on, still compares the state after each
 * event.
 */
#define LOG_TAG "model"
#include "model_int.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define CHUNK_CALLS 1024
/*
 * The per-call path (a new caller and its draws, its dial, the INVITE at
 * the center, the answer, the event's dispatch, the end of the talk and the
 * call's record) is forced inline into the loop, the rare branches (a new
 * chunk of records, calls.csv's strings) kept out of it: each was a call of
 * its own, with its prologue and epilogue, and GCC did not inline them
 * (several callers each). Measured on bench/model's case, 1,000,237 calls
 * (callgrind, whole process): 1,388 instructions per call before, 1,274
 * after; with link-time optimization 1,333 before, 1,248 after; the
 * floor's whole call is about 370.
 */
#define HOT static inline __attribute__((always_inline))
#define COLD static __attribute__((noinline, cold))
#define OF(ptr, member) ((struct mcall *)((char *)(ptr) - offsetof(struct mcall, member)))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/*
 * The scenario's and the run's features that the per-call path asks about,
 * one bit each of m->feat (rep_consts), so that a call asks one word what
 * it used to look up in several places (a tenant's forwarding, each caller
 * type's screening, each service time's kind, the phones, the outputs).
 * Every scenario runs the same code: a feature's bit only says whether its
 * branch is taken, and the rare branches stay out of the common path.
 *
 * With it, in the same round: no stores the path never reads (dial's
 * RB_T_NONE times, the staff), the wait from the outcome's own times, the
 * summary's record kept (later a local, summary_rep_zero), and a freed operator handed the oldest
 * waiting call inline (staff_free). bench/model's case, 1,000,237 calls
 * (callgrind, whole process, link-time optimized): 724 M instructions
 * before, 611 M after; this file's own lines 245 to 164 per call, the
 * dispatcher's (dispatch.h, dispatch.c) 80 to 56; CPU time 7 to 9 % less
 * (perf task-clock, 5 M calls, interleaved runs on a busy machine). Later
 * (bench/model/README.md, "Sixth round"): a first call's fast path writes
 * only the fields read without MF_NEW_RARE's features, draws exponentials
 * without asking their kind and reads fixed service times where used;
 * this file's own lines 149 to 128 per call, 558 to 515 in all.
 */
enum {
	MF_TRACE = 1u << 0,   /* the trace's callers (trace_call_draws) */
	MF_PICK = 1u << 1,    /* several tenants or caller types: drawn */
	MF_SCREEN = 1u << 2,  /* some caller type is screened */
	MF_REDIAL = 1u << 3,  /* callers may redial (redial_on) */
	MF_SVC = 1u << 4,     /* some pick-up or wrap-up is drawn, not fixed */
	MF_PHONE = 1u << 5,   /* phone settings: rings may go unanswered */
	MF_RECORD = 1u << 6,  /* calls.csv rows or a call handler */
	MF_SUM = 1u << 7,     /* a summary is fed */
	MF_NA = 1u << 8,      /* the one tenant's callers hear rings first (na0 > 0) */
	MF_DRAWN = 1u << 9,   /* patience or some talk is not exponential (draw_ex) */
	/* who calls (tenant, forwarding, no-answer delay, screening) varies */
	MF_WHO = MF_TRACE | MF_PICK | MF_SCREEN,
};

/* The loop's one compare before an event (rep_loop): any time goes to
 * gate_pass while m->slow, else a time past the summary's stretch. */
static inline void gate_set(struct mrep *m)
{
	m->gate = m->slow ? INT64_MIN : m->sp_hi;
}

/* The replication's first error stays; the loop stops after the event. */
static void set_err(struct mrep *m, int err)
{
	if (!m->err)
		m->err = err;
	m->slow = true;
	gate_set(m);
}

/* --- call records ---------------------------------------------------------- */

/* A new chunk of records onto the free list (out of line: once per 1,024). */
static __attribute__((noinline)) int call_grow(struct mrep *m)
{
	/* aligned: a record's first two lines are all the end of its talk reads */
	struct mchunk *ch = aligned_alloc(_Alignof(struct mcall),
					  sizeof(*ch) + CHUNK_CALLS * sizeof(struct mcall));
	if (!ch)
		return ENOMEM;
	ch->next = m->chunks;
	m->chunks = ch;
	for (int i = CHUNK_CALLS; i-- > 0;) {
		struct mcall *c = &ch->calls[i];
		evq_ev_init(&c->ev, MEV_FORWARD);
		evq_ev_init(&c->pat, MEV_PATIENCE);
		evq_ev_init(&c->join, MEV_JOIN);
		c->next_free = m->free_list;
		m->free_list = c;
	}
	return 0;
}

HOT struct mcall *call_get(struct mrep *m)
{
	if (!m->free_list && call_grow(m))
		return NULL;
	struct mcall *c = m->free_list;
	m->free_list = c->next_free;
	return c;
}

/* The record back on the free list, none of its events pending (after
 * the talk or the wrap-up: ev popped, pat and join cancelled at the answer). */
HOT void call_free(struct mrep *m, struct mcall *c)
{
	c->next_free = m->free_list;
	m->free_list = c;
}

/* The record back on the free list, its events cancelled first. */
static void call_put(struct mrep *m, struct mcall *c)
{
	evq_cancel(&m->q, &c->ev);
	evq_cancel(&m->q, &c->pat);
	evq_cancel(&m->q, &c->join);
	call_free(m, c);
}

/* Calls in pick-up: d.peak.extra and its time integral (struct dsp_tw). */
HOT void pick_add(struct mrep *m, int k, rb_us now)
{
	dsp_peak_note(&m->d, now);
	m->d.peak.extra += k;
	m->pick_tw += (uint64_t)(int64_t)k * (uint64_t)now;
}

/*
 * Priorities at one instant: everything else, then a backup's join check
 * (an operator freeing up at that instant takes the call first), then the
 * caller's CANCEL (a 200 at that instant wins).
 */
HOT int prio_of(int type)
{
	return type == MEV_PATIENCE ? 3 : type == MEV_JOIN ? 2 : 0;
}

/* Inline at each call site: the type is a constant there, and the talk's
 * schedule (once per call) costs no call. */
HOT int sched(struct mrep *m, struct evq_ev *ev, int type, rb_us t)
{
	ev->type = type;
	int err = evq_schedule_prio(&m->q, ev, t, (unsigned)prio_of(type));
	if (UNLIKELY(err))
		set_err(m, err);
	return err;
}

/*
 * One draw in microseconds from stream rs (draw_rs below). Fixed values and
 * exponentials (the most common) are done here, the rest by rv_draw_us. The
 * exponential is mean times the stream's next unit exponential, drawn by
 * the ziggurat inline (rv_int.h's rv_exp1, what rv_draw does through
 * rv_std_exponential, so both give the same draws): no log() on 98.8 % of
 * draws, where -mean ln(1 - U) took one each (libm's log was 11 % of the
 * benchmark's time, perf). Rounded to the nearest µs and cut at RV_MAX_US
 * (counted in the stream) as rv_draw_us does.
 */
static rb_us sat_us(struct rv_stream *rs)
{
	rs->saturated++;
	return RV_MAX_US;
}

static inline rb_us exp_us(double mean, struct rv_stream *rs)
{
	double x = mean * rv_exp1(rs);
	return x > RV_MAX_S ? sat_us(rs) : (rb_us)(x * 1e6 + 0.5);
}

static inline rb_us draw_rs(const struct rv_dist *d, struct rv_stream *rs)
{
	/* tests, not a switch: the exponential first, no jump table */
	if (d->kind == RV_EXPONENTIAL)
		return exp_us(d->a, rs);
	if (d->kind == RV_FIXED)
		return d->a > RV_MAX_S ? sat_us(rs) : (rb_us)(d->a * 1e6 + 0.5);
	return rv_draw_us(d, rs);
}

/* A fixed time as draw_rs gives it, made once (rep_setup); -1: drawn each
 * time (not fixed, or cut at RV_MAX_S, which the stream counts). */
static rb_us fixed_us(const struct rv_dist *d)
{
	if (d->kind != RV_FIXED || !(d->a >= 0) || d->a > RV_MAX_S)
		return -1;
	return (rb_us)(d->a * 1e6 + 0.5);
}

/* draw_rs when f (m->feat, or 0 on a first call's fast path) has MF_DRAWN;
 * without, d is known exponential (rep_features): its kind not looked at */
HOT rb_us draw_ex(const struct rv_dist *d, struct rv_stream *rs, unsigned f)
{
	return (f & MF_DRAWN) ? draw_rs(d, rs) : exp_us(d->a, rs);
}

/* d's draw, or its fixed value fx (fixed_us) without looking at d */
HOT rb_us draw_fx(rb_us fx, const struct rv_dist *d, struct rv_stream *rs)
{
	return fx >= 0 ? fx : draw_rs(d, rs);
}

/* The caller's patience, drawn at dial (draw_call). */
static inline rb_us patience_us(struct mrep *m, struct mcall *c)
{
	(void)m;
	return c->patience;
}

/* t_dial + patience; INT64_MAX: never. */
static inline rb_us patience_end(struct mrep *m, struct mcall *c)
{
	rb_us pat = patience_us(m, c);
	return pat >= INT64_MAX - c->t_dial ? INT64_MAX : c->t_dial + pat;
}

/*
 * Every draw of one call, made when it is dialled (common random numbers,
 * rv.h): what the caller does (patience, screening, talk, whether and when
 * it redials) and what its answerer will take (pick-up by an operator, by a
 * backup, wrap-up), whoever answers and whenever. A first call draws each
 * from its process's stream (the arguments are m->rs[RVP_*]), so staffing,
 * which decides who answers and when, never changes which caller gets which
 * draw; a redial draws all from its own RVP_RETRY sub-stream, in this order,
 * the scenario's load first (sim/live/schedule.c draws those the same way).
 * bpickup only with want_backup: a first call skips the RVP_BACKUP stream
 * when no phase has backup staff (nothing else draws from it).
 *
 * Inline, with constant streams in new_call, the draws cost what they did
 * when made at service time. A first call asks m->feat once whether any
 * draw but patience and talk is to be made, or either is not exponential
 * (MF_NEW_RARE); with none (fixed pick-up and wrap-up, no screening or
 * redial: bench/model's case) the two are exponentials by draw_ex, and the
 * fixed times stay rep_consts' (pick_of, wrap_of).
 */
/* What the call's answerer will take: pick-up (operator, backup), wrap-up. */
HOT void draw_service(struct mrep *m, struct mcall *c, struct rv_stream *pick,
		      struct rv_stream *bpick, struct rv_stream *wrap, bool want_backup)
{
	const struct scn_center *ce = &m->scn->center;
	c->pickup = draw_fx(m->fx_pickup, &ce->pickup, pick);
	c->bpickup = want_backup ? draw_fx(m->fx_bpickup, &ce->backup_pickup, bpick) : RB_T_NONE;
	c->wrapup = draw_fx(m->fx_wrapup, &ce->wrapup, wrap);
}

/* A first call's (draw_service's, from the processes' streams): with every
 * time fixed (no MF_SVC) nothing is drawn, the values are rep_consts' (read
 * through pick_of and wrap_of: the fast path of new_call does not copy them,
 * only calls.csv's record reads the copy). */
HOT void draw_service_first(struct mrep *m, struct mcall *c, unsigned f)
{
	if (UNLIKELY(f & MF_SVC)) {
		struct rv_stream *rs = m->rs;
		draw_service(m, c, &rs[RVP_PICKUP], &rs[RVP_BACKUP], &rs[RVP_WRAPUP],
			     m->backup_possible);
		return;
	}
	c->pickup = m->fx_pickup;
	c->bpickup = m->fx_bpick_first;
	c->wrapup = m->fx_wrapup;
}

/*
 * The call's pick-up by an operator or a backup (the dial's draw), and its
 * wrap-up: with MF_SVC in f (m->feat) the record's, else the fixed times
 * (every call's the same, as draw_service gives them).
 */
HOT rb_us pick_of(const struct mrep *m, const struct mcall *c, bool backup, unsigned f)
{
	if (f & MF_SVC)
		return backup ? c->bpickup : c->pickup;
	return backup ? m->fx_bpickup : m->fx_pickup;
}

HOT rb_us wrap_of(const struct mrep *m, const struct mcall *c, unsigned f)
{
	return (f & MF_SVC) ? c->wrapup : m->fx_wrapup;
}

/* What the caller does (draw_service follows: that order in one stream);
 * f: m->feat (no MF_SCREEN: no type screens, nothing drawn for it); ty:
 * the call's type. */
HOT void draw_call(struct mrep *m, struct mcall *c, unsigned f, const struct scn_ctype *ty,
		   struct rv_stream *pat, struct rv_stream *scr, struct rv_stream *talk,
		   struct rv_stream *red)
{
	const struct scn_callers *cl = &m->scn->callers;
	c->patience = draw_ex(&cl->patience, pat, f);
	bool screened = UNLIKELY(f & MF_SCREEN) && ty->screen_prob > 0 &&
			rv_u01(scr) < ty->screen_prob;
	/* read only by emit with MF_WHO and by the record: a first call's
	 * fast path (f 0) stores neither this nor redials (read only with
	 * MF_REDIAL, redial_or_put) */
	if (f & (MF_WHO | MF_RECORD))
		c->screened = screened;
	c->talk = draw_ex(screened ? &ty->screened_talk : &ty->talk, talk, f);
	if (UNLIKELY(f & MF_REDIAL)) {
		c->redials = rv_u01(red) < cl->redial_prob;
		c->redial_after = draw_rs(&cl->redial_after, red);
	}
}

/* --- the record of a finished call ------------------------------------------ */

COLD void fill_strings(struct mrep *m, const struct mcall *c, struct callrec *r)
{
	const struct scenario *s = m->scn;
	const struct scn_tenant *t = &s->tenants[c->tenant];
	snprintf(r->call_id, sizeof(r->call_id), "m%d-%" PRIu64, m->idx, c->id);
	snprintf(r->tenant, sizeof(r->tenant), "%s", t->id ? t->id : "");
	snprintf(r->caller_type, sizeof(r->caller_type), "%s", s->callers.types[c->type].name);
	snprintf(r->ruri_user, sizeof(r->ruri_user), "%s", t->number ? t->number : "");
	r->answered_by[0] = '\0';
	/* the outcome first: dial no longer clears staff, set only at answer */
	if (r->outcome == OUTCOME_ANSWERED && c->staff)
		dsp_staff_name(c->staff, r->answered_by, sizeof(r->answered_by));
}

/* The call's draws, for call handlers (a paired comparison's tests). */
COLD void fill_draws(struct mrep *m, struct mcall *c, struct callrec *r)
{
	r->drawn_patience = patience_us(m, c);
	r->drawn_talk = c->talk;
	r->drawn_pickup = c->pickup;
	r->drawn_backup_pickup = c->bpickup;
	r->drawn_wrapup = c->wrapup;
}

/* The rest of the record, for calls.csv and call handlers (not the summary). */
COLD void fill_full(struct mrep *m, const struct mcall *c, struct callrec *r,
		    enum call_outcome outcome)
{
	r->redial = c->redial;
	r->t_ringing = r->t_invite;
	switch (outcome) {
	case OUTCOME_ANSWERED:
		r->t_final = r->t_answer;
		r->final_status = 200;
		break;
	case OUTCOME_ABANDONED:
		r->t_final = r->t_cancel;
		r->final_status = 487;
		break;
	default:
		r->t_final = RB_T_NONE;
		r->final_status = 0;
		break;
	}
	r->ring_time = r->srd = r->duration = RB_T_NONE;
	r->type_idx = c->type;
	callrec_derive(r, m->scn->ring_period);
}

/* The call's whole record, to the call handler and calls.csv (csv). */
COLD void emit_record(struct mrep *m, struct mcall *c, enum call_outcome outcome)
{
	bool csv = m->csv && resdir_wants_calls(m->csv);
	if (!csv && !m->o->call_h)
		return; /* calls.csv full (its row limit) */
	struct callrec *r = &m->rec;
	r->forwarding = c->fwd;
	r->no_answer = c->no_answer;
	r->t_dial = c->t_dial;
	/* the times this outcome set (dial leaves the others as they were) */
	r->t_invite = outcome != OUTCOME_ABANDONED_BEFORE_FORWARD ? c->t_invite : RB_T_NONE;
	r->t_answer = outcome == OUTCOME_ANSWERED ? c->t_answer : RB_T_NONE;
	r->t_cancel = outcome == OUTCOME_ABANDONED || outcome == OUTCOME_ABANDONED_BEFORE_FORWARD
			      ? c->t_cancel
			      : RB_T_NONE;
	r->t_end = outcome != OUTCOME_INCOMPLETE ? c->t_end : RB_T_NONE;
	r->outcome = outcome;
	r->screened = c->screened;
	r->phase = c->phase;
	r->tenant_idx = c->tenant;
	r->counted = c->t_dial >= m->warmup;
	fill_full(m, c, r, outcome);
	fill_strings(m, c, r);
	fill_draws(m, c, r);
	if (m->o->call_h)
		m->o->call_h(r, m->idx, m->o->call_arg);
	if (csv) {
		int err = resdir_call(m->csv, r);
		if (err)
			set_err(m, err);
	}
}

/*
 * The call, to the summary, calls.csv and the call handler. The summary
 * takes the few numbers it reads (summary_rep_add: the wait, which the
 * caller knows from the outcome, as callrec_wait_of would give it: answer
 * or CANCEL minus INVITE, RB_T_NONE for a call that never waited at the
 * center or never ended, and the groups' keys), so a record is
 * filled only for calls.csv or a call handler; with neither (--calls none,
 * no handler: every run of plan, sweep and bench/model) nothing else is
 * done per call. bench/model's case cut to 1,000,237 calls (callgrind,
 * whole process): filling the record (44 instructions a call),
 * callrec_derive_wait (32) and summary_rep_call (170) before; building
 * struct summary_call with its wait (40) and summary_rep_add (55) after;
 * the whole run 1,198 M instructions before, 991 M after (with the
 * cheaper summary.json).
 */
/* The call to the summary off its short path (summary_rep_zero). */
static __attribute__((noinline)) void emit_sum(struct mrep *m, const struct mcall *c,
					       enum call_outcome outcome, rb_us wait)
{
	struct summary_call sc = {.t_dial = c->t_dial, .wait = wait, .outcome = outcome,
				  .phase = c->phase, .counted = c->t_dial >= m->warmup};
	if (m->feat & MF_WHO) {
		sc.no_answer = c->no_answer;
		sc.forwarding = c->fwd;
		sc.screened = c->screened;
		sc.tenant_idx = c->tenant;
		sc.gkey = summary_gkey(c->phase, c->tenant, c->fwd);
	} else {
		/* tenant 0 and fwd0 for every call: their part made once */
		sc.no_answer = m->na0;
		sc.forwarding = m->fwd0;
		sc.gkey = m->gkey0 | summary_gkey(c->phase, 0, 0);
	}
	summary_rep_add(m->sum, &sc);
}

HOT void emit(struct mrep *m, struct mcall *c, enum call_outcome outcome, rb_us wait)
{
	unsigned f = m->feat;
	if (f & MF_SUM) {
		/* the summary's short path reads values: no record filled for it */
		bool counted = c->t_dial >= m->warmup, added;
		if (UNLIKELY(f & MF_WHO))
			added = summary_rep_zero(m->sum, summary_gkey(c->phase, c->tenant, c->fwd),
						 c->t_dial, outcome, wait, c->screened, c->fwd,
						 counted);
		else
			added = summary_rep_zero(m->sum, m->gkey0 | summary_gkey(c->phase, 0, 0),
						 c->t_dial, outcome, wait, 0, m->fwd0, counted);
		if (!added)
			emit_sum(m, c, outcome, wait);
	}
	if (UNLIKELY(f & MF_RECORD))
		emit_record(m, c, outcome);
}

/* --- a call's path ------------------------------------------------------------ */

HOT void at_center(struct mrep *m, struct mcall *c, rb_us now, int floor);
static void redial_or_put(struct mrep *m, struct mcall *c);

/* The floor of the call's tenant (who_one, pick_who or the trace set it). */
static inline int floor_of(const struct mrep *m, const struct mcall *c)
{
	return m->tenant_floor[c->tenant];
}

/*
 * The caller dials at now (its draws are made): forwarding. The call's
 * other times are set as it gets them (emit_record leaves out those its
 * outcome did not set), its staff when taken; whether it counts comes
 * from t_dial (emit). na: its no-answer delay, floor: its tenant's floor,
 * full: the fields that only calls.csv and phones read (id, the pick-up
 * draws' use) are set. A first call's fast path (new_call) gives them as
 * constants: 0, m->floor0 and false (no MF_NA, MF_RECORD or MF_PHONE).
 */
HOT void dial_at(struct mrep *m, struct mcall *c, rb_us now, int phase, rb_us na, int floor,
		 bool full)
{
	uint64_t id = ++m->next_id; /* m->stats.calls at the end */
	c->phase = phase;
	c->t_dial = now;
	if (full) {
		c->id = id;
		c->used_pick = c->used_bpick = false;
	}

	if (UNLIKELY(na > 0)) {
		rb_us pat = patience_us(m, c);
		if (pat < na) {
			/* Hung up while the client's phone rang: the center never knew. */
			c->t_cancel = c->t_end = now + pat;
			emit(m, c, OUTCOME_ABANDONED_BEFORE_FORWARD, RB_T_NONE);
			redial_or_put(m, c);
			return;
		}
		sched(m, &c->ev, MEV_FORWARD, now + na);
		return;
	}
	at_center(m, c, now, floor);
}

/* dial_at for a call whose record holds who it is (a redial, a first call
 * with some of MF_NEW_RARE). */
static inline void dial(struct mrep *m, struct mcall *c, rb_us now, int phase)
{
	dial_at(m, c, now, phase, c->no_answer, floor_of(m, c), true);
}

/*
 * A recorded caller (load: {trace: FILE}), the trace's next call: who and
 * what as recorded, the rest drawn (core/trace.h: trace_draw, patience
 * conditioned on what was seen), then what its answerer will take, from
 * the same streams and in the same order as any other call. Recorded
 * redials are calls of the trace; the scenario's redial model is off.
 */
static void trace_call_draws(struct mrep *m, struct mcall *c)
{
	const struct trace_call *tc = &m->trace->calls[m->trace_next++];
	struct trace_draws td;
	struct rv_stream *rs = m->rs;
	trace_draw(m->scn, tc, rs, &td);
	c->tenant = tc->tenant;
	c->type = td.type;
	c->patience = td.patience;
	c->screened = td.screened;
	c->talk = td.talk;
	c->redial = tc->redial;
	c->redials = false;
	c->fwd = tc->fwd;
	c->no_answer = tc->no_answer;
	m->stats.clamped += td.clamped;
	draw_service(m, c, &rs[RVP_PICKUP], &rs[RVP_BACKUP], &rs[RVP_WRAPUP], m->backup_possible);
}

/* Who calls, with several tenants or caller types (MF_PICK): drawn, and
 * the tenant's forwarding. */
static void pick_who(struct mrep *m, struct mcall *c)
{
	const struct scenario *s = m->scn;
	c->tenant = s->n_tenants > 1 ? (int)rv_pick(s->tenant_cum, s->n_tenants, &m->rs[RVP_TENANT]) : 0;
	c->type = s->callers.n_types > 1
			  ? (int)rv_pick(s->callers.type_cum, s->callers.n_types, &m->rs[RVP_TYPE])
			  : 0;
	const struct scn_tenant *t = &s->tenants[c->tenant];
	c->fwd = t->forwarding;
	c->no_answer = t->forwarding == FWD_NO_ANSWER ? t->no_answer : 0;
}

/* Who calls with one tenant and one caller type: rep_consts'. */
HOT void who_one(struct mrep *m, struct mcall *c)
{
	c->tenant = c->type = 0;
	c->fwd = m->fwd0;
	c->no_answer = m->na0;
}

/*
 * A first call's features that are asked about per call (new_call). With
 * phones too: the caller's number and attempt (c->caller, c->attempt) key
 * only the sub-streams of later rings and of redials (ring_pickup,
 * redial_or_put), so without phones or redials they are not kept. With
 * calls.csv or a handler and with a no-answer delay too: without any of
 * these, the record's who-fields (tenant, type, forwarding, no-answer
 * delay), redial, screened, redials, id and the pick-up draws' use are
 * read by nobody, so the fast path does not set them (who_one, dial_at).
 */
#define MF_NEW_RARE \
	(MF_TRACE | MF_PICK | MF_SCREEN | MF_REDIAL | MF_SVC | MF_PHONE | MF_RECORD | MF_NA | MF_DRAWN)

/* Who a first call is and its draws, with some of MF_NEW_RARE in f: each
 * feature's branch asked for. */
static __attribute__((noinline)) void new_call_draws(struct mrep *m, struct mcall *c, unsigned f)
{
	const struct scn_ctype *ty = m->scn->callers.types;
	c->redial = false;
	c->caller = ++m->next_caller;
	c->attempt = 0;
	if (f & MF_TRACE) {
		trace_call_draws(m, c);
		return;
	}
	if (f & MF_PICK) {
		pick_who(m, c);
		ty += c->type;
	} else {
		who_one(m, c);
	}
	struct rv_stream *rs = m->rs;
	draw_call(m, c, f, ty, &rs[RVP_PATIENCE], &rs[RVP_SCREENING], &rs[RVP_TALK], &rs[RVP_REDIAL]);
	draw_service_first(m, c, f);
}

/* A first call's draws and dial, with some of MF_NEW_RARE in f. */
static __attribute__((noinline)) void new_call_rare(struct mrep *m, struct mcall *c, rb_us now,
						    int phase, unsigned f)
{
	new_call_draws(m, c, f);
	dial(m, c, now, phase);
}

/*
 * A new caller (not a redial) at now, in phase: its draws, then dial. The
 * features a first call asks about are asked once: with none of them, the
 * same draws (draw_call, draw_service_first) with every feature's branch
 * known not taken.
 */
HOT void new_call(struct mrep *m, rb_us now, int phase)
{
	struct mcall *c = call_get(m);
	if (UNLIKELY(!c)) {
		set_err(m, ENOMEM);
		return;
	}
	unsigned f = m->feat;
	if (UNLIKELY(f & MF_NEW_RARE)) {
		new_call_rare(m, c, now, phase, f);
		return;
	}
	struct rv_stream *rs = m->rs;
	draw_call(m, c, 0, m->scn->callers.types, &rs[RVP_PATIENCE], &rs[RVP_SCREENING],
		  &rs[RVP_TALK], &rs[RVP_REDIAL]);
	dial_at(m, c, now, phase, 0, m->floor0, false);
}

/*
 * After an abandon: the caller may dial again later (decided and timed at
 * its dial); the redial's own draws are made now, from its RVP_RETRY
 * sub-stream. Else the record is free.
 */
static void redial_or_put(struct mrep *m, struct mcall *c)
{
	/* After the last phase no new calls come, redials included. */
	if ((m->feat & MF_REDIAL) && c->redials && c->redial_after < m->scn->end - c->t_cancel) {
		struct rv_stream *r = &m->rs[RVP_RETRY];
		c->redial = true;
		c->attempt++;
		evq_cancel(&m->q, &c->pat);
		evq_cancel(&m->q, &c->join);
		sched(m, &c->ev, MEV_REDIAL, c->t_cancel + c->redial_after);
		rv_stream_rekey(r, m->o->seed, (unsigned)m->idx, RVP_RETRY,
				RV_RETRY_SUB(c->caller, c->attempt));
		draw_call(m, c, m->feat, &m->scn->callers.types[c->type], r, r, r, r);
		draw_service(m, c, r, r, r, true);
		return;
	}
	call_put(m, c);
}

/* The call is answered at now (the dispatcher told): the talk. */
HOT void talk_from(struct mrep *m, struct mcall *c, rb_us now)
{
	c->t_answer = now;
	if (now < m->tl_calls_end)
		timeline_answered(m->tl, now);
	sched(m, &c->ev, MEV_TALK, now + c->talk);
}

/* The pick-up is over at now: 200 OK, then talk. fresh: taken as it
 * arrived, so its patience and join-age events were never scheduled (not
 * even looked at: they are the record's last cache lines). */
HOT void answer(struct mrep *m, struct mcall *c, rb_us now, bool fresh)
{
	dsp_answered(&m->d, &c->dc, now);
	if (!fresh) {
		evq_cancel(&m->q, &c->pat);
		evq_cancel(&m->q, &c->join);
	}
	talk_from(m, c, now);
}

/*
 * The pick-up of this ring of the call (dsp_call.rings) by staff of that
 * kind, and whether the phone rings out unanswered (*na). The call's first
 * ring by an operator (by a backup) takes the dial's pick-up draw (common
 * random numbers: without phone settings nothing else is drawn, as before);
 * a later ring's comes from the ring's own RVP_RING sub-stream, which also
 * gives, first, the no-answer draw of every ring under phone settings. So
 * the k-th ring of a caller draws the same whatever the staffing, and a
 * higher no_answer turns the same rings unanswered plus some more.
 */
HOT rb_us ring_pickup(struct mrep *m, struct mcall *c, bool backup, bool *na)
{
	unsigned f = m->feat;
	if (!(f & MF_PHONE)) {
		/* No phone settings: no ring goes unanswered, so a call is rung
		 * once, and its first ring takes the dial's draw. */
		*na = false;
		return pick_of(m, c, backup, f);
	}
	const struct scn_center *ce = &m->scn->center;
	const struct scn_phone *ph = backup ? &ce->backup_phone : &ce->phone;
	struct rv_stream *rs = &m->rs[RVP_RING];
	bool on = scn_phone_on(ph), first = backup ? !c->used_bpick : !c->used_pick;
	rb_us p;
	*na = false;
	if (on || !first)
		rv_stream_rekey(rs, m->o->seed, (unsigned)m->idx, RVP_RING,
				RV_RING_SUB(c->caller, c->attempt, c->dc.rings));
	if (on)
		*na = rv_u01(rs) < ph->no_answer;
	if (first) {
		p = pick_of(m, c, backup, f);
		if (backup)
			c->used_bpick = true;
		else
			c->used_pick = true;
	} else {
		p = draw_rs(backup ? &ce->backup_pickup : &ce->pickup, rs);
	}
	if (on && p > ph->ring_timeout)
		*na = true;
	return p;
}

/* Staff took the call at now (on_assign, or at_center's arrival taken at
 * once: fresh, see answer); its phone rings. */
HOT void took(struct mrep *m, struct mcall *c, struct dsp_staff *staff, rb_us now, bool fresh)
{
	c->staff = staff;
	bool backup = staff->kind == DSP_BACKUP, na;
	rb_us pickup = ring_pickup(m, c, backup, &na);
	if (pickup == 0 && !na) {
		/* A CANCEL due at this very instant loses: the 200 wins. The
		 * answer cancels the join-age check too. */
		answer(m, c, now, fresh);
		return;
	}
	if (!fresh)
		evq_cancel(&m->q, &c->join);
	const struct scn_center *ce = &m->scn->center;
	rb_us t_ans = now + (na ? (backup ? ce->backup_phone : ce->phone).ring_timeout : pickup);
	pick_add(m, 1, now);
	sched(m, &c->ev, na ? MEV_NOANSWER : MEV_PICKUP, t_ans);
	rb_us pe = patience_end(m, c);
	if (pe < t_ans) {
		if (fresh || !evq_pending(&c->pat))
			sched(m, &c->pat, MEV_PATIENCE, pe);
	} else if (!fresh) {
		evq_cancel(&m->q, &c->pat);
	}
}

/* dispatch's handler: staff took the call at now. */
static void on_assign(struct dsp_call *dc, struct dsp_staff *staff, rb_us now, void *arg)
{
	took(arg, (struct mcall *)((char *)dc - offsetof(struct mcall, dc)), staff, now, false);
}

/*
 * Staff done with a call (talk and wrap-up over) at now: an operator who
 * takes the oldest waiting call of its floor at once gets it here, as
 * on_assign would give it (dsp_staff_free_take: no indirect call, no idle
 * FIFO in between); any other case through the dispatcher's rules and
 * on_assign.
 */
HOT void staff_free(struct mrep *m, struct dsp_staff *st, rb_us now)
{
	struct dsp_call *dc = dsp_staff_free_take(&m->d, st, now);
	if (dc)
		took(m, OF(dc, dc), st, now, false);
}

/*
 * The INVITE reaches the center at now: an idle operator takes it at once
 * (dsp_arrive_take: no handler in between), or it waits. With no phone
 * settings and a fixed pick-up of 0 (ring_pickup would give it), the
 * operator takes and answers it in one (dsp_arrive_answer, as took and
 * answer would).
 */
HOT void at_center(struct mrep *m, struct mcall *c, rb_us now, int floor)
{
	c->t_invite = now;
	struct dsp_staff *st;
	if (!(m->feat & (MF_PHONE | MF_SVC)) && m->fx_pickup == 0) {
		st = dsp_arrive_answer(&m->d, &c->dc, floor, now);
		if (st) {
			c->staff = st;
			talk_from(m, c, now);
			return;
		}
	} else if ((st = dsp_arrive_take(&m->d, &c->dc, floor, now))) {
		took(m, c, st, now, true);
		return;
	}
	if (c->dc.state != DSP_CALL_WAITING)
		return;
	rb_us pe = patience_end(m, c);
	if (pe != INT64_MAX)
		sched(m, &c->pat, MEV_PATIENCE, pe > now ? pe : now);
	if (m->backup_possible && m->join_age > 0)
		sched(m, &c->join, MEV_JOIN, now + m->join_age);
}

/*
 * The ring timeout at now, unanswered: dispatch puts the call back at its
 * place (and may give it to someone at once: on_assign again); the member
 * not ready gets its ready event. A call left waiting needs its patience
 * and join-age events again (on_assign cancelled them).
 */
static void on_no_answer(struct mrep *m, struct mcall *c, rb_us now)
{
	struct dsp_staff *st = c->staff;
	pick_add(m, -1, now);
	c->staff = NULL;
	dsp_no_answer(&m->d, &c->dc, now);
	if (st->state == DSP_STAFF_NOT_READY) {
		struct mstaff *ms = st->udata;
		if (!ms) {
			if (!(ms = calloc(1, sizeof(*ms)))) {
				set_err(m, ENOMEM);
				return;
			}
			evq_ev_init(&ms->ready, MEV_READY);
			ms->s = st;
			st->udata = ms;
		}
		sched(m, &ms->ready, MEV_READY, st->ready_at);
	}
	if (c->dc.state != DSP_CALL_WAITING)
		return;
	rb_us pe = patience_end(m, c);
	if (pe != INT64_MAX && !evq_pending(&c->pat))
		sched(m, &c->pat, MEV_PATIENCE, pe > now ? pe : now);
	if (m->backup_possible && now < c->t_invite + m->join_age)
		sched(m, &c->join, MEV_JOIN, c->t_invite + m->join_age);
}

static void on_patience(struct mrep *m, struct mcall *c, rb_us now)
{
	/* A 200 due at this instant went first (priorities): answered. */
	enum dsp_call_state was = dsp_cancel(&m->d, &c->dc, now);
	if (was == DSP_CALL_PICKUP) {
		evq_cancel(&m->q, &c->ev);
		pick_add(m, -1, now);
	} else if (was != DSP_CALL_WAITING) {
		return;
	}
	c->t_cancel = c->t_end = now;
	if (now < m->tl_calls_end)
		timeline_abandoned(m->tl, now);
	emit(m, c, OUTCOME_ABANDONED, now - c->t_invite);
	redial_or_put(m, c);
}

HOT void on_talk_end(struct mrep *m, struct mcall *c, rb_us now)
{
	c->t_end = now;
	emit(m, c, OUTCOME_ANSWERED, c->t_answer - c->t_invite);
	rb_us w = wrap_of(m, c, m->feat);
	if (w > 0) {
		sched(m, &c->ev, MEV_WRAP, now + w);
		return;
	}
	struct dsp_staff *st = c->staff;
	call_free(m, c);
	staff_free(m, st, now);
}

/* --- arrivals and shifts ------------------------------------------------------- */

/* No more arrivals: after any event (evq_ev_before is never true). */
static void arr_none(struct mrep *m)
{
	m->arr_t = INT64_MAX;
	m->arr_seq = UINT64_MAX;
}

/* The general case of next_arrival: phase by phase, or the trace; leaves
 * arr_gap, arr_start and arr_end for its fast path (arr_gap 0: none). */
static void next_arrival_slow(struct mrep *m, rb_us from)
{
	const struct scenario *s = m->scn;
	m->arr_gap = 0;
	m->arr_fast = false;
	if (m->trace) {
		if (m->trace_next >= m->trace->n) {
			arr_none(m);
			return;
		}
		m->arr_t = m->trace->calls[m->trace_next].t_dial;
		m->arr_phase = scn_phase_at(s, m->arr_t);
		m->arr_seq = evq_seq_next(&m->q, 0);
		return;
	}
	while ((size_t)m->arr_phase < s->n_phases) {
		const struct scn_phase *ph = &s->phases[m->arr_phase];
		rb_us end = ph->start + ph->duration;
		if (from < ph->start)
			from = ph->start;
		if (m->arr_gap_us[m->arr_phase] > 0) {
			/* Exponential gap, mean 1/rate; as draw_rs above. */
			double x = rv_exp1(&m->rs[RVP_ARRIVALS]) * m->arr_gap_us[m->arr_phase];
			if (x < (double)(end - from)) {
				m->arr_t = from + (rb_us)(x + 0.5);
				m->arr_seq = evq_seq_next(&m->q, 0);
				m->arr_gap = m->arr_gap_us[m->arr_phase];
				m->arr_fast = true;
				m->arr_start = ph->start;
				m->arr_end = end;
				return;
			}
		}
		/* Memoryless: the next phase starts drawing afresh at its start. */
		m->arr_phase++;
		from = end;
	}
	arr_none(m);
}

/*
 * Draws the next Poisson arrival after `from` (phase by phase) into arr_*
 * (its sequence number taken as if it were scheduled now); with a trace,
 * its next call. The common case, the next arrival in the phase of the
 * last one, inline from the phase's figures kept in arr_gap and arr_end
 * (the same arithmetic as next_arrival_slow's). from is then the last
 * arrival's time, in [arr_start, arr_end): the loop's only call with
 * arr_gap > 0 (rep_setup's first is with arr_gap 0). arr_fast: arr_gap > 0,
 * a byte's test where the double's took a few instructions more per call.
 */
HOT void next_arrival(struct mrep *m, rb_us from)
{
	if (m->arr_fast) {
		double x = rv_exp1(&m->rs[RVP_ARRIVALS]) * m->arr_gap;
		if (x < (double)(m->arr_end - from)) {
			m->arr_t = from + (rb_us)(x + 0.5);
			m->arr_seq = evq_seq_next(&m->q, 0);
			return;
		}
		m->arr_phase++;
		from = m->arr_end;
	}
	next_arrival_slow(m, from);
}

/* The next of a burst's remaining arrivals, uniform over [from, end]. */
static void next_burst(struct mrep *m, struct mburst *b, rb_us from)
{
	if (b->left <= 0)
		return;
	rb_us t = from;
	if (b->end > from) {
		/* The least of `left` uniforms on [from, end]: 1 - U^(1/left). */
		double u = rv_uniform01(&m->rs[RVP_BURSTS]);
		double f = 1.0 - pow(1.0 - u, 1.0 / b->left);
		t = from + (rb_us)(f * (double)(b->end - from) + 0.5);
		if (t > b->end)
			t = b->end;
	}
	sched(m, &b->ev, MEV_BURST, t);
}

/* The operators of phase p per floor into m->ops_buf, or NULL: unchanged. */
static const int *phase_ops(struct mrep *m, const struct scn_phase *ph)
{
	int nf = m->d.n_floors;
	if (ph->floor_ops)
		return ph->floor_ops;
	if (ph->operators < 0)
		return NULL;
	if (nf == 1) {
		m->ops_buf[0] = ph->operators;
		return m->ops_buf;
	}
	/* Split like the center (the loader normally does this already). */
	const struct scn_center *ce = &m->scn->center;
	int given = 0;
	for (int f = 0; f < nf; f++) {
		m->ops_buf[f] = ce->operators > 0 ? (int)((long)ph->operators * ce->floor_ops[f] / ce->operators)
						  : ph->operators / nf;
		given += m->ops_buf[f];
	}
	for (int f = 0; given < ph->operators; f = (f + 1) % nf, given++)
		m->ops_buf[f]++;
	return m->ops_buf;
}

static void on_phase(struct mrep *m, int p, rb_us now)
{
	const struct scn_phase *ph = &m->scn->phases[p];
	int err = dsp_set_staffing(&m->d, phase_ops(m, ph), ph->backup, now);
	if (err)
		set_err(m, err);
}

/* --- spans ------------------------------------------------------------------------ */

/*
 * Time-weighted measures: the areas under the center's counts (calls
 * ringing, operators and backup busy and staffed), added up per stretch of
 * the summary's groups (summary_rep_span_stretch: the same phase window,
 * 15-minute row and batch) and handed over when time leaves the stretch.
 *
 * The dispatcher keeps each count's time integral as it changes it (struct
 * dsp_tw; pick_add does the same for the calls in pick-up), so a stretch's
 * areas are two looks at the counts, at its start and at its end: per
 * event, only the time compared with the stretch's end and, at each new
 * instant, the calls ringing with their most in the stretch (a value held
 * for no time, between two events at one instant, does not count). The
 * sums are those of one summary_rep_span() per span of constant state, in
 * integers, so the results are the same to the last digit.
 *
 * Before, the five counts were compared after every event and a span's
 * five areas added up at each change (about twice per call): bench/model's
 * case (callgrind, 1,000,237 calls) spent about 110 instructions per call
 * on it.
 */
enum { TW_RING, TW_BUSY, TW_STAFFED, TW_BBUSY, TW_BSTAFFED, TW_N };

static inline void state_now(struct mrep *m, struct summary_state *st)
{
	st->ringing = m->d.counts.waiting + m->d.peak.extra;
	st->ops_busy = m->d.counts.ops_busy;
	st->ops_staffed = m->d.counts.ops_staffed;
	st->backup_busy = m->d.counts.backup_busy;
	st->backup_staffed = m->d.counts.backup_staffed;
}

/* Per measure, count now x t - its time integral: the area over [t0, t1]
 * is marks(t1) - marks(t0), modulo 2^64 (struct dsp_tw). */
static void tw_marks(struct mrep *m, rb_us t, uint64_t mk[TW_N])
{
	const struct dsp_counts *k = &m->d.counts;
	struct summary_state st;
	uint64_t u = (uint64_t)t;
	state_now(m, &st);
	mk[TW_RING] = (uint64_t)(int64_t)st.ringing * u - (k->tw.waiting + m->pick_tw);
	mk[TW_BUSY] = (uint64_t)(int64_t)st.ops_busy * u - k->tw.ops_busy;
	mk[TW_STAFFED] = (uint64_t)(int64_t)st.ops_staffed * u - k->tw.ops_staffed;
	mk[TW_BBUSY] = (uint64_t)(int64_t)st.backup_busy * u - k->tw.backup_busy;
	mk[TW_BSTAFFED] = (uint64_t)(int64_t)st.backup_staffed * u - k->tw.backup_staffed;
}

/* The current stretch's sums, from its start to t (within it, every event
 * up to t done), to the summary. */
static void tw_flush(struct mrep *m, rb_us t)
{
	if (t <= m->sp_t0)
		return;
	uint64_t mk[TW_N];
	tw_marks(m, t, mk);
	const struct summary_span_sums a = {
		.dur = t - m->sp_t0,
		.ring_area = (int64_t)(mk[TW_RING] - m->sp_mark[TW_RING]),
		.busy_area = (int64_t)(mk[TW_BUSY] - m->sp_mark[TW_BUSY]),
		.staffed_area = (int64_t)(mk[TW_STAFFED] - m->sp_mark[TW_STAFFED]),
		.bbusy_area = (int64_t)(mk[TW_BBUSY] - m->sp_mark[TW_BBUSY]),
		.bstaffed_area = (int64_t)(mk[TW_BSTAFFED] - m->sp_mark[TW_BSTAFFED]),
		.ring_max = m->d.peak.max,
	};
	summary_rep_span_sums(m->sum, m->sp_t0, &a);
}

/*
 * Time reaches now, past the stretch's end, and nothing has happened at
 * now yet: the state since its last change (d.peak.t, no later than sp_hi)
 * held over the stretch's end. The stretch is closed at its end, the rest
 * of the span goes to summary_rep_span (warm-up left out), and the stretch
 * around now starts.
 */
static __attribute__((noinline)) void tw_leave(struct mrep *m, rb_us now)
{
	struct summary_state st;
	state_now(m, &st);
	if (m->d.peak.t < m->sp_hi && st.ringing > m->d.peak.max)
		m->d.peak.max = st.ringing;
	tw_flush(m, m->sp_hi);
	rb_us w = m->scn->run.warmup, from = m->sp_hi;
	if (now > w)
		summary_rep_span(m->sum, from > w ? from : w, now, &st);
	summary_rep_span_stretch(m->sum, now, &m->sp_lo, &m->sp_hi);
	m->sp_t0 = now;
	m->d.peak.t = now;
	m->d.peak.max = 0;
	tw_marks(m, now, m->sp_mark);
}


/*
 * The timeline (replication 0, its first tl_end µs) takes every span of
 * constant state: while it is on, the state is compared after each event
 * and a span closed when it changed.
 */
static void tl_close(struct mrep *m, rb_us now)
{
	if (now > m->st_from && m->st_from < m->tl_end)
		timeline_span(m->tl, m->st_from, now, m->st.ringing, m->st.ops_busy, m->st.backup_busy);
}

static void tl_check(struct mrep *m, rb_us now)
{
	struct summary_state ns;
	state_now(m, &ns);
	if (ns.ringing == m->st.ringing && ns.ops_busy == m->st.ops_busy &&
	    ns.backup_busy == m->st.backup_busy && ns.ops_staffed == m->st.ops_staffed &&
	    ns.backup_staffed == m->st.backup_staffed)
		return;
	tl_close(m, now);
	m->st = ns;
	m->st_from = now;
	if (m->st_from >= m->tl_end) {
		m->tl_on = false; /* no span from here on reaches the timeline */
		m->slow = m->err != 0;
	}
}

/* --- the loop ------------------------------------------------------------------- */

HOT void dispatch_event(struct mrep *m, struct evq_ev *ev)
{
	rb_us now = ev->t;
	struct mcall *c;
	/* the end of a talk, once per answered call, before the jump table */
	if (ev->type == MEV_TALK) {
		on_talk_end(m, OF(ev, ev), now);
		return;
	}
	switch ((enum mev_type)ev->type) {
	case MEV_BURST: {
		struct mburst *b = (struct mburst *)((char *)ev - offsetof(struct mburst, ev));
		b->left--;
		new_call(m, now, b->phase);
		next_burst(m, b, now);
		break;
	}
	case MEV_PHASE:
		on_phase(m, (int)(ev - m->phase_ev), now);
		break;
	case MEV_END:
		break;
	case MEV_FORWARD:
		c = OF(ev, ev);
		at_center(m, c, now, floor_of(m, c));
		break;
	case MEV_PICKUP:
		c = OF(ev, ev);
		pick_add(m, -1, now);
		answer(m, c, now, false);
		break;
	case MEV_TALK:
		on_talk_end(m, OF(ev, ev), now);
		break;
	case MEV_WRAP: {
		c = OF(ev, ev);
		struct dsp_staff *st = c->staff;
		call_free(m, c);
		staff_free(m, st, now);
		break;
	}
	case MEV_REDIAL: {
		c = OF(ev, ev);
		int p = scn_phase_at(m->scn, now);
		dial(m, c, now, p);
		break;
	}
	case MEV_PATIENCE:
		on_patience(m, OF(ev, pat), now);
		break;
	case MEV_JOIN:
		c = OF(ev, join);
		dsp_join_due(&m->d, &c->dc, now);
		break;
	case MEV_NOANSWER:
		on_no_answer(m, OF(ev, ev), now);
		break;
	case MEV_READY:
		dsp_staff_ready(&m->d, ((struct mstaff *)((char *)ev - offsetof(struct mstaff, ready)))->s, now);
		break;
	}
}

/*
 * Before the first event at t, past m->gate (gate_set), the last event at
 * prev: the rare work after an event, done before the next one (the same:
 * nothing happens in between), then the summary's stretch left if t is
 * past it. Returns true to stop (an error).
 */
static __attribute__((noinline)) bool gate_pass(struct mrep *m, rb_us t, rb_us prev)
{
	if (m->slow) {
		if (m->tl_on)
			tl_check(m, prev); /* no-op before the first event */
		if (m->err)
			return true;
	}
	if (t > m->sp_hi)
		tw_leave(m, t); /* the most calls ringing: noted where they change */
	gate_set(m);
	return false;
}

/*
 * The events in order, the next Poisson arrival merged in, until none is
 * left or an error; returns the last one's time. Before each event one
 * compare with m->gate asks for the rare work (the timeline's check and an
 * error's stop after the last event, the summary's stretch): before, a
 * compare with the stretch's end and a test of m->slow after the event
 * (bench/model's case, 1,000,237 calls: 4 instructions a call fewer).
 */
static rb_us rep_loop(struct mrep *m)
{
	rb_us now = 0;
	uint64_t events = 0;
	for (;;) {
		struct evq_ev *ev = evq_peek(&m->q);
		if (ev ? evq_ev_before(m->arr_t, m->arr_seq, ev) : m->arr_seq != UINT64_MAX) {
			rb_us t = m->arr_t;
			if (UNLIKELY(t > m->gate) && gate_pass(m, t, now))
				break;
			now = t;
			new_call(m, now, m->arr_phase);
			next_arrival(m, now);
		} else {
			if (!ev)
				break;
			rb_us t = ev->t;
			if (UNLIKELY(t > m->gate) && gate_pass(m, t, now))
				break;
			evq_take(&m->q, ev);
			now = t;
			dispatch_event(m, ev);
		}
		events++;
	}
	if (m->slow && m->tl_on)
		tl_check(m, now); /* the last event's */
	m->stats.events += events;
	m->stats.calls = m->next_id;
	return now;
}

/*
 * After the last event: calls still waiting can only be ones nobody will
 * ever take (no operator left on their floor, patience never ends). They are
 * reported as incomplete (no final answer), not lost.
 */
static void rep_leftovers(struct mrep *m, rb_us now)
{
	for (int f = 0; f < m->d.n_floors; f++) {
		struct dsp_call *dc;
		while ((dc = m->d.floors[f].wait_head)) {
			struct mcall *c = (struct mcall *)((char *)dc - offsetof(struct mcall, dc));
			dsp_cancel(&m->d, dc, now);
			if (m->idx == 0 && !m->stats.leftover)
				rb_log(LOG_WARNING, "calls still waiting at %.0f s with nobody to take them: "
						    "reported as incomplete", rb_us_to_s(now));
			m->stats.leftover++;
			emit(m, c, OUTCOME_INCOMPLETE, RB_T_NONE);
			call_put(m, c);
		}
	}
}

/* m->feat (MF_*), after the rest of rep_consts. */
static unsigned rep_features(const struct mrep *m)
{
	const struct scenario *s = m->scn;
	const struct scn_center *ce = &s->center;
	unsigned f = 0;
	if (s->trace)
		f |= MF_TRACE;
	if (s->n_tenants > 1 || s->callers.n_types > 1)
		f |= MF_PICK;
	for (size_t t = 0; t < s->callers.n_types; t++)
		if (s->callers.types[t].screen_prob > 0)
			f |= MF_SCREEN;
	if (m->redial_on)
		f |= MF_REDIAL;
	if (m->fx_pickup < 0 || m->fx_bpickup < 0 || m->fx_wrapup < 0)
		f |= MF_SVC;
	if (scn_phone_on(&ce->phone) || scn_phone_on(&ce->backup_phone))
		f |= MF_PHONE;
	if ((m->csv && resdir_wants_calls(m->csv)) || m->o->call_h)
		f |= MF_RECORD;
	if (m->sum)
		f |= MF_SUM;
	if (m->na0 > 0)
		f |= MF_NA;
	if (s->callers.patience.kind != RV_EXPONENTIAL)
		f |= MF_DRAWN;
	for (size_t t = 0; t < s->callers.n_types; t++) {
		const struct scn_ctype *ty = &s->callers.types[t];
		if (ty->talk.kind != RV_EXPONENTIAL ||
		    (ty->screen_prob > 0 && ty->screened_talk.kind != RV_EXPONENTIAL))
			f |= MF_DRAWN;
	}
	return f;
}

/* What the loop looks up per call, from the scenario, once. */
static void rep_consts(struct mrep *m)
{
	const struct scenario *s = m->scn;
	const struct scn_center *ce = &s->center;
	m->join_age = (rb_us)ce->join_after_rings * s->ring_period;
	m->fx_pickup = fixed_us(&ce->pickup);
	m->fx_bpickup = fixed_us(&ce->backup_pickup);
	m->fx_wrapup = fixed_us(&ce->wrapup);
	m->trace = s->trace;
	/* A trace's redials are its own calls (recorded): no redial model then. */
	m->redial_on = !s->trace && s->callers.redial && s->callers.redial_prob > 0;
	m->backup_possible = ce->backup > 0;
	for (size_t p = 0; p < s->n_phases; p++)
		if (s->phases[p].backup > 0)
			m->backup_possible = true;
	m->fx_bpick_first = m->backup_possible ? m->fx_bpickup : RB_T_NONE;
	m->warmup = s->run.warmup;
	if (s->n_tenants) {
		const struct scn_tenant *t = &s->tenants[0];
		m->fwd0 = t->forwarding;
		m->na0 = t->forwarding == FWD_NO_ANSWER ? t->no_answer : 0;
	}
	m->feat = rep_features(m);
	m->gkey0 = summary_gkey(0, 0, m->fwd0);
}

/* Each tenant's floor of nf, and tenant 0's for a first call's fast path
 * (new_call). */
static int tenant_floors(struct mrep *m, int nf)
{
	const struct scenario *s = m->scn;
	m->tenant_floor = calloc(s->n_tenants, sizeof(int));
	if (!m->tenant_floor)
		return ENOMEM;
	for (size_t t = 0; t < s->n_tenants; t++) {
		int f = s->tenants[t].floor % nf;
		m->tenant_floor[t] = f < 0 ? f + nf : f;
	}
	m->floor0 = s->n_tenants ? m->tenant_floor[0] : 0;
	return 0;
}

static int rep_setup(struct mrep *m)
{
	const struct scenario *s = m->scn;
	const struct scn_center *ce = &s->center;
	int err = evq_init(&m->q, 4096);
	if (err)
		return err;
	for (int p = 0; p < RVP_COUNT; p++) {
		err = rv_stream_init(&m->rs[p], m->o->seed, (unsigned)m->idx, (enum rv_process)p);
		if (err)
			return err;
		m->rs_ok[p] = true;
	}
	if (m->o->talk_sub)
		rv_stream_rekey(&m->rs[RVP_TALK], m->o->seed, (unsigned)m->idx, RVP_TALK, m->o->talk_sub);
	int nf = ce->n_floors > 0 ? ce->n_floors : 1;
	m->ops_buf = calloc((size_t)nf, sizeof(int));
	m->phase_ev = calloc(s->n_phases ? s->n_phases : 1, sizeof(*m->phase_ev));
	m->arr_gap_us = calloc(s->n_phases ? s->n_phases : 1, sizeof(*m->arr_gap_us));
	if (!m->ops_buf || !m->phase_ev || !m->arr_gap_us)
		return ENOMEM;
	for (size_t p = 0; p < s->n_phases; p++)
		m->arr_gap_us[p] = s->phases[p].rate_per_s > 0 ? 1e6 / s->phases[p].rate_per_s : 0;
	const int *ops = ce->floor_ops;
	if (!ops || nf == 1) {
		m->ops_buf[0] = ce->operators;
		ops = m->ops_buf;
	}
	rep_consts(m);
	err = dsp_init(&m->d, nf, ops, ce->backup, m->join_age, on_assign, m, 0);
	if (err)
		return err;
	dsp_set_not_ready(&m->d, ce->phone.not_ready, ce->backup_phone.not_ready);
	if ((err = tenant_floors(m, nf)))
		return err;

	/* Phase starts first, so a shift at t comes before arrivals at t. */
	for (size_t p = 0; p < s->n_phases; p++) {
		evq_ev_init(&m->phase_ev[p], MEV_PHASE);
		if ((err = evq_schedule(&m->q, &m->phase_ev[p], s->phases[p].start)))
			return err;
	}
	for (size_t p = 0; p < s->n_phases; p++)
		m->n_bursts += s->phases[p].n_bursts;
	m->bursts = calloc(m->n_bursts ? m->n_bursts : 1, sizeof(*m->bursts));
	if (!m->bursts)
		return ENOMEM;
	size_t i = 0;
	for (size_t p = 0; p < s->n_phases; p++)
		for (size_t k = 0; k < s->phases[p].n_bursts; k++, i++) {
			const struct scn_burst *sb = &s->phases[p].bursts[k];
			struct mburst *b = &m->bursts[i];
			evq_ev_init(&b->ev, MEV_BURST);
			b->phase = (int)p;
			b->left = sb->calls;
			b->end = s->phases[p].start + sb->at + sb->within;
			next_burst(m, b, s->phases[p].start + sb->at);
		}
	evq_ev_init(&m->end_ev, MEV_END);
	m->arr_phase = 0;
	next_arrival(m, 0);
	sched(m, &m->end_ev, MEV_END, s->end);
	callrec_init(&m->rec);
	state_now(m, &m->st);
	m->st_from = 0;
	m->tl_on = m->tl != NULL;
	m->tl_calls_end = m->tl ? m->tl_end : INT64_MIN;
	m->slow = m->tl_on || m->err;
	/* No stretch yet: an empty one at 0, left at the first event after 0
	 * (without a summary, never). */
	m->sp_t0 = m->sp_lo = 0;
	m->sp_hi = m->sum ? 0 : INT64_MAX;
	gate_set(m);
	return m->err;
}

/* Draws cut at RV_MAX_S in this replication, over all its streams. */
static uint64_t saturated_draws(const struct mrep *m)
{
	uint64_t n = 0;
	for (int p = 0; p < RVP_COUNT; p++)
		if (m->rs_ok[p])
			n += m->rs[p].saturated;
	return n;
}

static void rep_teardown(struct mrep *m)
{
	for (size_t i = 0; i < m->d.n_staff; i++)
		free(m->d.staff[i]->udata); /* struct mstaff, when it had one */
	dsp_destroy(&m->d);
	evq_destroy(&m->q);
	for (int p = 0; p < RVP_COUNT; p++)
		if (m->rs_ok[p])
			rv_stream_free(&m->rs[p]);
	while (m->chunks) {
		struct mchunk *n = m->chunks->next;
		free(m->chunks);
		m->chunks = n;
	}
	free(m->ops_buf);
	free(m->phase_ev);
	free(m->arr_gap_us);
	free(m->tenant_floor);
	free(m->bursts);
}

int model_rep_run(const struct model_opts *o, int idx, struct model_stats *stats)
{
	struct mrep *m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	m->o = o;
	m->scn = o->scn;
	m->idx = idx;
	m->sum = o->summary ? summary_rep(o->summary, idx) : NULL;
	if (o->summary && !m->sum) {
		free(m);
		return ENOMEM;
	}
	if (idx == 0) {
		m->tl = o->timeline;
		m->tl_end = o->timeline_limit > 0 ? o->timeline_limit : 86400 * RB_US_PER_S;
		m->csv = o->calls;
	}
	int err = rep_setup(m);
	if (!err) {
		rb_us now = rep_loop(m);
		if (m->tl_on)
			tl_close(m, now);
		if (m->sum) {
			/* the calls ringing since their last change, up to the last event */
			dsp_peak_note(&m->d, now);
			tw_flush(m, now);
		}
		rep_leftovers(m, now);
		if (m->sum) {
			summary_rep_saturated(m->sum, saturated_draws(m));
			/* its histograms back to the pool now, not at summary_finish:
			 * kept until then, 400 replications of a day held 230 MB */
			if (!m->err)
				summary_rep_done(m->sum);
		}
		err = m->err;
	}
	m->stats.rings = m->d.counts.rung;
	m->stats.ring_no_answer = m->d.counts.no_answer;
	m->stats.ring_cancelled = m->d.counts.ring_cancelled;
	if (stats)
		*stats = m->stats;
	rep_teardown(m);
	free(m);
	return err;
}
