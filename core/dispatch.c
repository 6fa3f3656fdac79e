/* dispatch: who takes which call; see dispatch.h for the rules and usage. */
#include "dispatch.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT DSP_COUNT

/* --- intrusive lists --------------------------------------------------- */

static void wait_push(struct dsp_floor *f, struct dsp_call *c)
{
	c->next = NULL;
	c->prev = f->wait_tail;
	if (f->wait_tail)
		f->wait_tail->next = c;
	else
		f->wait_head = c;
	f->wait_tail = c;
	f->waiting++;
}

/* The lists' heads have no prev kept (struct dsp_call, struct dsp_staff):
 * whether c is the head is asked of the list. */
static void wait_unlink(struct dsp_floor *f, struct dsp_call *c)
{
	struct dsp_call *prev = f->wait_head != c ? c->prev : NULL;
	if (prev)
		prev->next = c->next;
	else
		f->wait_head = c->next;
	if (c->next)
		c->next->prev = prev;
	else
		f->wait_tail = prev;
	c->prev = c->next = NULL;
	f->waiting--;
}

/*
 * A call back from a phone that was not answered, at its place: before the
 * first call that came later (t_invite, then arrival order). Rung calls were
 * the oldest when taken, so the walk from the head is short.
 */
static void wait_insert(struct dsp_floor *f, struct dsp_call *c)
{
	struct dsp_call *at = f->wait_head;
	while (at && (at->t_invite < c->t_invite || (at->t_invite == c->t_invite && at->seq < c->seq)))
		at = at->next;
	if (!at) {
		wait_push(f, c);
		return;
	}
	c->next = at;
	c->prev = at->prev;
	if (f->wait_head != at)
		at->prev->next = c;
	else
		f->wait_head = c;
	at->prev = c;
	f->waiting++;
}

static void idle_push(struct dsp_floor *f, struct dsp_staff *s)
{
	s->next = NULL;
	s->prev = f->idle_tail;
	if (f->idle_tail)
		f->idle_tail->next = s;
	else
		f->idle_head = s;
	f->idle_tail = s;
}

static void idle_unlink(struct dsp_floor *f, struct dsp_staff *s)
{
	struct dsp_staff *prev = f->idle_head != s ? s->prev : NULL;
	if (prev)
		prev->next = s->next;
	else
		f->idle_head = s->next;
	if (s->next)
		s->next->prev = prev;
	else
		f->idle_tail = prev;
	s->prev = s->next = NULL;
}

/* s->plain again, after its kind, leaving or unreachable changed. */
static void plain_sync(struct dsp_staff *s)
{
	s->plain = s->kind == DSP_OPERATOR && !s->leaving && !s->unreachable;
}

static struct dsp_floor *staff_floor(struct dsp *d, const struct dsp_staff *s)
{
	return s->kind == DSP_BACKUP ? &d->backup : &d->floors[s->floor];
}

/* --- the rules ----------------------------------------------------------- */

/* staff (idle, at the head of its idle FIFO fl: every caller takes the one
 * idle longest) takes call (waiting, or just arrived: DSP_CALL_NEW, not
 * queued); the handler is the caller's. */
static inline void take(struct dsp *d, struct dsp_call *call, struct dsp_floor *fl,
			struct dsp_staff *staff, rb_us now)
{
	assert(fl->idle_head == staff);
	if (call->state == DSP_CALL_WAITING) {
		wait_unlink(&d->floors[call->floor], call);
		dsp_peak_note(d, now);
		COUNT(d, waiting, -1, now);
	}
	call->rings++;
	dsp__take_unqueued(d, call, fl, staff, staff->kind == DSP_BACKUP, now);
}

/* staff (idle) takes call, and the owner hears of it. */
static void assign(struct dsp *d, struct dsp_call *call, struct dsp_staff *staff, rb_us now)
{
	take(d, call, staff_floor(d, staff), staff, now);
	d->assign_h(call, staff, now, d->arg);
}

/*
 * The oldest waiting call of any floor that has reached join age, or NULL.
 * Each floor's head is its oldest; ties between floors go to the lower floor.
 */
static struct dsp_call *oldest_aged(struct dsp *d, rb_us now)
{
	struct dsp_call *best = NULL;
	for (int f = 0; f < d->n_floors; f++) {
		struct dsp_call *c = d->floors[f].wait_head;
		if (c && (!best || c->t_invite < best->t_invite))
			best = c;
	}
	if (best && now - best->t_invite >= d->join_age)
		return best;
	return NULL;
}

/* Idle operators of floor f take its waiting calls, oldest first. */
static void floor_drain(struct dsp *d, int f, rb_us now)
{
	struct dsp_floor *fl = &d->floors[f];
	while (fl->idle_head && fl->wait_head)
		assign(d, fl->wait_head, fl->idle_head, now);
}

/* Idle backup members take aged waiting calls, oldest first. */
static void backup_drain(struct dsp *d, rb_us now)
{
	struct dsp_call *c;
	while (d->backup.idle_head && (c = oldest_aged(d, now)))
		assign(d, c, d->backup.idle_head, now);
}

static void away_add(struct dsp *d, const struct dsp_staff *s, int k)
{
	if (s->kind == DSP_BACKUP)
		d->counts.backup_away += k;
	else
		d->counts.ops_away += k;
}

/* Free from now: at its idle FIFO's tail, or AWAY if its phone is
 * unreachable (not yet taking a call either way). */
static void to_idle(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	s->idle_since = now;
	if (s->unreachable) {
		s->state = DSP_STAFF_AWAY;
		away_add(d, s, 1);
		return;
	}
	s->state = DSP_STAFF_IDLE;
	idle_push(staff_floor(d, s), s);
}

/* Puts a free member on shift (staffed, free since now: idle or away). */
static void come_on(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	struct dsp_floor *fl = staff_floor(d, s);
	s->leaving = false;
	plain_sync(s);
	s->call = NULL;
	to_idle(d, s, now);
	fl->on_shift++;
	if (s->kind == DSP_BACKUP)
		COUNT(d, backup_staffed, 1, now);
	else
		COUNT(d, ops_staffed, 1, now);
}

static void go_off(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	if (s->state == DSP_STAFF_AWAY)
		away_add(d, s, -1);
	s->state = DSP_STAFF_OFF;
	s->leaving = false;
	plain_sync(s);
	s->call = NULL;
	if (s->kind == DSP_BACKUP)
		COUNT(d, backup_staffed, -1, now);
	else
		COUNT(d, ops_staffed, -1, now);
}

static void busy_dec(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	if (s->kind == DSP_BACKUP)
		COUNT(d, backup_busy, -1, now);
	else
		COUNT(d, ops_busy, -1, now);
	s->call = NULL;
}

/*
 * A busy (or picking-up) member is free at now: next call, idle, or off.
 * The common case (an operator, reachable, staying on, nobody waiting on
 * its floor) is a few stores: the floor is looked up once, and the drain
 * only runs when a call waits.
 */
void dsp__release_other(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	busy_dec(d, s, now);
	if (s->leaving) {
		go_off(d, s, now);
		return;
	}
	to_idle(d, s, now);
	/* The idle FIFO's head is the one idle longest (s itself, normally). */
	if (s->kind == DSP_BACKUP)
		backup_drain(d, now);
	else
		floor_drain(d, s->floor, now);
}

static void release(struct dsp *d, struct dsp_staff *s, rb_us now)
{
	assert(s->state == DSP_STAFF_BUSY || s->state == DSP_STAFF_PICKUP);
	if (dsp__plain(s))
		dsp__free_plain(d, s, now); /* the common case, tested once */
	else
		dsp__release_other(d, s, now);
}

void dsp__floor_drain(struct dsp *d, int f, rb_us now)
{
	floor_drain(d, f, now);
}

/* --- public -------------------------------------------------------------- */

static int new_staff(struct dsp *d, enum dsp_staff_kind kind, int floor, struct dsp_staff **out)
{
	if (d->n_staff == d->cap_staff) {
		size_t cap = d->cap_staff ? 2 * d->cap_staff : 16;
		struct dsp_staff **p = realloc(d->staff, cap * sizeof(*p));
		if (!p)
			return ENOMEM;
		d->staff = p;
		d->cap_staff = cap;
	}
	struct dsp_staff *s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->kind = kind;
	s->floor = kind == DSP_BACKUP ? -1 : floor;
	s->home = kind == DSP_BACKUP ? NULL : &d->floors[floor];
	s->id = kind == DSP_BACKUP ? ++d->next_backup_id : ++d->next_op_id;
	s->state = DSP_STAFF_OFF;
	s->unreachable = d->reach_h && !d->reach_h(s, d->arg);
	plain_sync(s);
	d->staff[d->n_staff++] = s;
	*out = s;
	return 0;
}

/* Brings floor f (-1: backup) to target members on shift. */
static int staff_to(struct dsp *d, int f, int target, rb_us now)
{
	enum dsp_staff_kind kind = f < 0 ? DSP_BACKUP : DSP_OPERATOR;
	struct dsp_floor *fl = f < 0 ? &d->backup : &d->floors[f];
	fl->target = target;
	/* Fewer: away ones (unreachable) and idle ones leave (most recently
	 * idle first), then not-ready ones and then busy ones are marked
	 * leaving (they leave when free). */
	for (size_t i = d->n_staff; i-- > 0 && fl->on_shift > target;) {
		struct dsp_staff *s = d->staff[i];
		if (s->kind == kind && s->floor == (f < 0 ? -1 : f) && s->state == DSP_STAFF_AWAY) {
			fl->on_shift--;
			go_off(d, s, now);
		}
	}
	while (fl->on_shift > target && fl->idle_tail) {
		struct dsp_staff *s = fl->idle_tail;
		idle_unlink(fl, s);
		fl->on_shift--;
		go_off(d, s, now);
	}
	/* Not-ready ones (doing nothing) before those on a call. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = d->n_staff; i-- > 0 && fl->on_shift > target;) {
			struct dsp_staff *s = d->staff[i];
			bool nr = s->state == DSP_STAFF_NOT_READY;
			bool busy = s->state == DSP_STAFF_PICKUP || s->state == DSP_STAFF_BUSY;
			if (s->kind == kind && s->floor == (f < 0 ? -1 : f) && !s->leaving &&
			    (pass == 0 ? nr : busy)) {
				s->leaving = true;
				plain_sync(s);
				fl->on_shift--;
			}
		}
	/* More: leaving ones stay on, then off-shift ones, then new ones. */
	for (size_t i = 0; i < d->n_staff && fl->on_shift < target; i++) {
		struct dsp_staff *s = d->staff[i];
		if (s->kind == kind && s->floor == (f < 0 ? -1 : f) && s->leaving) {
			s->leaving = false;
			plain_sync(s);
			fl->on_shift++;
		}
	}
	for (size_t i = 0; i < d->n_staff && fl->on_shift < target; i++) {
		struct dsp_staff *s = d->staff[i];
		if (s->kind == kind && s->state == DSP_STAFF_OFF) {
			s->floor = f < 0 ? -1 : f;
			s->home = f < 0 ? NULL : &d->floors[f]; /* an operator moved */
			come_on(d, s, now);
		}
	}
	while (fl->on_shift < target) {
		struct dsp_staff *s;
		int err = new_staff(d, kind, f, &s);
		if (err)
			return err;
		come_on(d, s, now);
	}
	return 0;
}

void dsp_destroy(struct dsp *d)
{
	for (size_t i = 0; i < d->n_staff; i++)
		free(d->staff[i]);
	free(d->staff);
	free(d->floors);
	memset(d, 0, sizeof(*d));
}

int dsp_init(struct dsp *d, int n_floors, const int *floor_ops, int backup, rb_us join_age,
	     dsp_assign_h *assign_h, void *arg, rb_us now)
{
	int err = 0;
	memset(d, 0, sizeof(*d));
	if (n_floors < 1 || !floor_ops || backup < 0 || join_age < 0 || !assign_h)
		return EINVAL;
	for (int f = 0; f < n_floors; f++)
		if (floor_ops[f] < 0)
			return EINVAL;
	d->floors = calloc((size_t)n_floors, sizeof(*d->floors));
	if (!d->floors)
		return ENOMEM;
	d->n_floors = n_floors;
	d->join_age = join_age;
	d->assign_h = assign_h;
	d->arg = arg;
	for (int f = 0; f < n_floors && !err; f++)
		err = staff_to(d, f, floor_ops[f], now);
	if (!err)
		err = staff_to(d, -1, backup, now);
	if (err)
		dsp_destroy(d);
	return err;
}

/* dsp_arrive sets the rest before anything reads it. */
void dsp_call_init(struct dsp_call *call, int floor)
{
	call->floor = floor;
	call->state = DSP_CALL_NEW;
	call->rings = 0;
	call->staff = NULL;
}

/* The call waits: at its floor's tail, and backup may take it now. */
void dsp__arrive_wait(struct dsp *d, struct dsp_floor *fl, struct dsp_call *call, rb_us now)
{
	call->state = DSP_CALL_WAITING;
	wait_push(fl, call);
	dsp_peak_note(d, now);
	COUNT(d, waiting, 1, now);
	if (d->join_age == 0 && d->backup.idle_head)
		backup_drain(d, now);
}

void dsp_arrive(struct dsp *d, struct dsp_call *call, rb_us now)
{
	assert(call->floor >= 0 && call->floor < d->n_floors);
	assert(call->state == DSP_CALL_NEW && !call->staff); /* dsp_call_init's */
	struct dsp_floor *fl = &d->floors[call->floor];
	struct dsp_staff *s = fl->idle_head;
	call->t_invite = now;
	call->seq = ++d->next_seq;
	/* NEW, not queued: take() leaves the queues alone, wait_push links it */
	if (s)
		assign(d, call, s, now);
	else
		dsp__arrive_wait(d, fl, call, now);
}

void dsp_join_due(struct dsp *d, struct dsp_call *call, rb_us now)
{
	if (call->state != DSP_CALL_WAITING || !d->backup.idle_head)
		return;
	/*
	 * The owner says this call is due; every call older than it is too. The
	 * oldest head of all floors is at least as old as this call.
	 */
	struct dsp_call *best = call;
	for (int f = 0; f < d->n_floors; f++) {
		struct dsp_call *c = d->floors[f].wait_head;
		if (c && c->t_invite < best->t_invite)
			best = c;
	}
	assign(d, best, d->backup.idle_head, now);
	/* More backup idle and other calls aged (a late timer): take them too. */
	backup_drain(d, now);
}

enum dsp_call_state dsp_cancel(struct dsp *d, struct dsp_call *call, rb_us now)
{
	enum dsp_call_state was = call->state;
	if (was == DSP_CALL_WAITING) {
		wait_unlink(&d->floors[call->floor], call);
		dsp_peak_note(d, now);
		COUNT(d, waiting, -1, now);
		call->state = DSP_CALL_CANCELLED;
	} else if (was == DSP_CALL_PICKUP) {
		d->counts.ring_cancelled++;
		call->state = DSP_CALL_CANCELLED;
		release(d, call->staff, now);
	}
	return was;
}

int dsp_set_staffing(struct dsp *d, const int *floor_ops, int backup, rb_us now)
{
	int err = 0;
	if (floor_ops)
		for (int f = 0; f < d->n_floors; f++)
			if (floor_ops[f] < 0)
				return EINVAL;
	if (floor_ops)
		for (int f = 0; f < d->n_floors && !err; f++)
			err = staff_to(d, f, floor_ops[f], now);
	if (!err && backup >= 0)
		err = staff_to(d, -1, backup, now);
	/* New staff take waiting calls at once: operators first, then backup. */
	for (int f = 0; f < d->n_floors; f++)
		floor_drain(d, f, now);
	backup_drain(d, now);
	return err;
}

void dsp_set_not_ready(struct dsp *d, rb_us op, rb_us backup)
{
	d->not_ready[DSP_OPERATOR] = op > 0 ? op : 0;
	d->not_ready[DSP_BACKUP] = backup > 0 ? backup : 0;
}

static void not_ready_add(struct dsp *d, const struct dsp_staff *s, int k)
{
	if (s->kind == DSP_BACKUP)
		d->counts.backup_not_ready += k;
	else
		d->counts.ops_not_ready += k;
}

void dsp_no_answer(struct dsp *d, struct dsp_call *call, rb_us now)
{
	assert(call->state == DSP_CALL_PICKUP && call->staff);
	struct dsp_staff *s = call->staff;
	struct dsp_floor *fl = &d->floors[call->floor];
	d->counts.no_answer++;
	/* The call first, at its place: it is waiting again from now on. */
	call->staff = NULL;
	call->state = DSP_CALL_WAITING;
	wait_insert(fl, call);
	dsp_peak_note(d, now);
	COUNT(d, waiting, 1, now);
	/* Its phone's owner: off (shift over), not ready, or idle at once. */
	busy_dec(d, s, now);
	rb_us pause = d->not_ready[s->kind];
	if (s->leaving) {
		go_off(d, s, now);
	} else if (pause > 0) {
		s->state = DSP_STAFF_NOT_READY;
		s->ready_at = now + pause;
		not_ready_add(d, s, 1);
	} else {
		to_idle(d, s, now);
	}
	/* The rules again: an idle operator of its floor, else aged for backup. */
	floor_drain(d, call->floor, now);
	backup_drain(d, now);
}

void dsp_staff_ready(struct dsp *d, struct dsp_staff *staff, rb_us now)
{
	if (staff->state != DSP_STAFF_NOT_READY)
		return;
	not_ready_add(d, staff, -1);
	staff->ready_at = 0;
	if (staff->leaving) {
		go_off(d, staff, now);
		return;
	}
	to_idle(d, staff, now);
	if (staff->kind == DSP_BACKUP)
		backup_drain(d, now);
	else
		floor_drain(d, staff->floor, now);
}

void dsp_staff_reachable(struct dsp *d, struct dsp_staff *staff, bool reachable, rb_us now)
{
	if (staff->unreachable == !reachable)
		return;
	staff->unreachable = !reachable;
	plain_sync(staff);
	if (!reachable && staff->state == DSP_STAFF_IDLE) {
		idle_unlink(staff_floor(d, staff), staff);
		staff->state = DSP_STAFF_AWAY;
		away_add(d, staff, 1);
	} else if (reachable && staff->state == DSP_STAFF_AWAY) {
		away_add(d, staff, -1);
		to_idle(d, staff, now);
		if (staff->kind == DSP_BACKUP)
			backup_drain(d, now);
		else
			floor_drain(d, staff->floor, now);
	}
}

void dsp_set_reach_h(struct dsp *d, dsp_reach_h *h)
{
	d->reach_h = h;
}

int dsp_staff_name(const struct dsp_staff *staff, char *buf, size_t n)
{
	return snprintf(buf, n, "%s%d", staff->kind == DSP_BACKUP ? "backup" : "op", staff->id);
}
