/*
 * The dispatch rules of docs/definitions.md ("A call's path"), one test each:
 * oldest first, idle longest, backup after K rings (not before), operator
 * preferred over backup, hang-up during pick-up, floors, shifts, and a backup
 * member who frees up taking an aged call; and phones: a ring with no answer
 * keeps the call's place, not-ready timing, wrap-up never rung, the backup
 * clock while a phone rings, the caller gone while rung, shifts. And the
 * model's fast arrival (dsp_arrive_take, dsp_arrive_answer paired with it and
 * dsp_answered) and hand-over (dsp_staff_free_take,
 * paired with dsp_staff_free), and the counts' time integrals.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"

#define S RB_US_PER_S
#define JOIN (6 * S) /* 2 rings of 3 s */

struct took {
	struct dsp_call *call;
	struct dsp_staff *staff;
	rb_us t;
};

static struct took took[64];
static int n_took;

static void on_assign(struct dsp_call *call, struct dsp_staff *staff, rb_us now, void *arg)
{
	(void)arg;
	ck_assert_int_lt(n_took, 64);
	ck_assert_int_eq(call->state, DSP_CALL_PICKUP);
	ck_assert_ptr_eq(call->staff, staff);
	took[n_took++] = (struct took){call, staff, now};
}

static struct dsp d;
static struct dsp_call c[16];

static void setup_center(int n_floors, const int *ops, int backup, rb_us join)
{
	n_took = 0;
	ck_assert_int_eq(dsp_init(&d, n_floors, ops, backup, join, on_assign, NULL, 0), 0);
	for (int i = 0; i < 16; i++)
		dsp_call_init(&c[i], 0);
}

static const char *name(const struct dsp_staff *s)
{
	static char buf[4][16];
	static int k;
	k = (k + 1) % 4;
	dsp_staff_name(s, buf[k], sizeof(buf[k]));
	return buf[k];
}

/* Answers the call taken in assignment i, then frees its staff at t. */
static void finish(int i, rb_us t)
{
	dsp_answered(&d, took[i].call, took[i].t);
	dsp_staff_free(&d, took[i].staff, t);
}

START_TEST(test_dispatch_oldest_first)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0);      /* op1 takes it */
	dsp_arrive(&d, &c[1], 1 * S);  /* waits */
	dsp_arrive(&d, &c[2], 2 * S);  /* waits */
	ck_assert_int_eq(d.counts.waiting, 2);
	finish(0, 10 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	finish(1, 20 * S);
	ck_assert_ptr_eq(took[2].call, &c[2]);
	ck_assert_int_eq(took[2].t, 20 * S);
	ck_assert_int_eq(d.counts.waiting, 0);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_idle_longest)
{
	int ops[] = {3};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0); /* op1 (all idle since 0: lowest id first) */
	dsp_arrive(&d, &c[1], 0); /* op2 */
	ck_assert_str_eq(name(took[0].staff), "op1");
	ck_assert_str_eq(name(took[1].staff), "op2");
	finish(1, 5 * S); /* op2 idle since 5 s */
	finish(0, 7 * S); /* op1 idle since 7 s; op3 idle since 0 */
	dsp_arrive(&d, &c[2], 8 * S);
	dsp_arrive(&d, &c[3], 8 * S);
	dsp_arrive(&d, &c[4], 8 * S);
	ck_assert_str_eq(name(took[2].staff), "op3");
	ck_assert_str_eq(name(took[3].staff), "op2");
	ck_assert_str_eq(name(took[4].staff), "op1");
	ck_assert_int_eq(d.counts.ops_busy, 3);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_backup_after_k_rings_not_before)
{
	int ops[] = {1};
	setup_center(1, ops, 1, JOIN);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S); /* waits; backup idle but not yet */
	ck_assert_int_eq(n_took, 1);
	ck_assert_int_eq(d.counts.backup_busy, 0);
	/* Another call arriving later must not let backup take c[1] early. */
	dsp_arrive(&d, &c[2], 6 * S); /* c[1] is 5 s old */
	ck_assert_int_eq(n_took, 1);
	dsp_join_due(&d, &c[1], 1 * S + JOIN);
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_str_eq(name(took[1].staff), "backup1");
	ck_assert_int_eq(took[1].t, 7 * S);
	/* Twice is harmless: the call is not taken again. */
	dsp_join_due(&d, &c[1], 7 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_int_eq(d.counts.backup_busy, 1);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_join_age_zero_backup_at_once)
{
	int ops[] = {1};
	setup_center(1, ops, 1, 0);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 0);
	ck_assert_int_eq(n_took, 2);
	ck_assert_str_eq(name(took[1].staff), "backup1");
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_operator_preferred_over_backup)
{
	int ops[] = {1};
	setup_center(1, ops, 1, JOIN);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	/* At 10 s c[1] is aged (backup could take it) and op1 frees up first. */
	finish(0, 10 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_str_eq(name(took[1].staff), "op1");
	/* Its join timer, still pending in the owner, must not take it again. */
	dsp_join_due(&d, &c[1], 10 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_int_eq(d.counts.backup_busy, 0);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_hangup_during_pickup_frees_staff)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	ck_assert_int_eq(dsp_cancel(&d, &c[0], 2 * S), DSP_CALL_PICKUP);
	/* No wrap-up: op1 takes c[1] at the same instant. */
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_int_eq(took[1].t, 2 * S);
	ck_assert_int_eq(c[0].state, DSP_CALL_CANCELLED);
	/* A waiting call that hangs up just leaves the queue. */
	dsp_arrive(&d, &c[2], 3 * S);
	ck_assert_int_eq(dsp_cancel(&d, &c[2], 4 * S), DSP_CALL_WAITING);
	ck_assert_int_eq(d.counts.waiting, 0);
	/* A CANCEL after the 200 changes nothing. */
	dsp_answered(&d, &c[1], 5 * S);
	ck_assert_int_eq(dsp_cancel(&d, &c[1], 5 * S), DSP_CALL_ANSWERED);
	ck_assert_int_eq(c[1].state, DSP_CALL_ANSWERED);
	ck_assert_int_eq(d.counts.ops_busy, 1);
	/* With nobody waiting, a hang-up in pick-up leaves op1 idle. */
	dsp_staff_free(&d, took[1].staff, 9 * S);
	dsp_arrive(&d, &c[3], 10 * S);
	dsp_cancel(&d, &c[3], 11 * S);
	ck_assert_int_eq(d.counts.ops_busy, 0);
	ck_assert_int_eq(took[2].staff->state, DSP_STAFF_IDLE);
	ck_assert_int_eq(took[2].staff->idle_since, 11 * S);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_floors_wait_for_own_floor)
{
	int ops[] = {1, 1};
	setup_center(2, ops, 0, JOIN);
	c[0].floor = 0;
	c[1].floor = 0;
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	/* Floor 1's operator idles; c[1] waits for floor 0's. */
	ck_assert_int_eq(n_took, 1);
	ck_assert_int_eq(d.counts.waiting, 1);
	ck_assert_int_eq(d.floors[1].idle_head->state, DSP_STAFF_IDLE);
	c[2].floor = 1;
	dsp_arrive(&d, &c[2], 2 * S);
	ck_assert_str_eq(name(took[1].staff), "op2");
	ck_assert_int_eq(took[1].staff->floor, 1);
	finish(0, 5 * S);
	ck_assert_ptr_eq(took[2].call, &c[1]);
	ck_assert_str_eq(name(took[2].staff), "op1");
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_backup_serves_every_floor_oldest_aged)
{
	int ops[] = {1, 1};
	setup_center(2, ops, 1, JOIN);
	c[0].floor = 0;
	c[1].floor = 1;
	c[2].floor = 1;
	c[3].floor = 0;
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 0);
	dsp_arrive(&d, &c[2], 1 * S); /* waits on floor 1 */
	dsp_arrive(&d, &c[3], 2 * S); /* waits on floor 0 */
	ck_assert_int_eq(n_took, 2);
	/* c[3]'s timer comes late; the older c[2] goes first. */
	dsp_join_due(&d, &c[3], 9 * S);
	ck_assert_ptr_eq(took[2].call, &c[2]);
	ck_assert_str_eq(name(took[2].staff), "backup1");
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_backup_frees_up_takes_aged_call)
{
	int ops[] = {1};
	setup_center(1, ops, 1, JOIN);
	dsp_arrive(&d, &c[0], 0);       /* op1 */
	dsp_arrive(&d, &c[1], 0);       /* waits */
	dsp_join_due(&d, &c[1], JOIN);  /* backup1 */
	dsp_arrive(&d, &c[2], 7 * S);   /* waits */
	dsp_arrive(&d, &c[3], 8 * S);   /* waits */
	ck_assert_int_eq(n_took, 2);
	dsp_join_due(&d, &c[2], 13 * S); /* backup busy: nothing */
	ck_assert_int_eq(n_took, 2);
	/* backup1 frees up at 13.5 s: c[2] is aged (6.5 s), c[3] is not. */
	finish(1, 13 * S + S / 2);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[2].call, &c[2]);
	ck_assert_str_eq(name(took[2].staff), "backup1");
	/* backup1 frees up again at 13.9 s: c[3] is 5.9 s old, not aged. */
	finish(2, 13 * S + 9 * S / 10);
	ck_assert_int_eq(n_took, 3);
	ck_assert_int_eq(d.counts.backup_busy, 0);
	dsp_join_due(&d, &c[3], 14 * S);
	ck_assert_ptr_eq(took[3].call, &c[3]);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_shift_down_busy_finish_first)
{
	int ops[] = {3};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0); /* op1 */
	dsp_arrive(&d, &c[1], 0); /* op2 */
	int one[] = {1};
	ck_assert_int_eq(dsp_set_staffing(&d, one, -1, 10 * S), 0);
	/* op3 (idle) leaves at once; one busy one is marked leaving. */
	ck_assert_int_eq(d.counts.ops_staffed, 2);
	ck_assert_int_eq(d.counts.ops_busy, 2);
	ck_assert_int_eq(took[1].staff->leaving, true);
	ck_assert_int_eq(took[0].staff->leaving, false);
	dsp_arrive(&d, &c[2], 11 * S); /* waits */
	/* The leaving op2 finishes its call and leaves without taking c[2]. */
	finish(1, 12 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_int_eq(took[1].staff->state, DSP_STAFF_OFF);
	ck_assert_int_eq(d.counts.ops_staffed, 1);
	finish(0, 13 * S);
	ck_assert_ptr_eq(took[2].call, &c[2]);
	ck_assert_str_eq(name(took[2].staff), "op1");
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_shift_up_new_staff_take_waiting)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	dsp_arrive(&d, &c[2], 2 * S);
	int three[] = {3};
	ck_assert_int_eq(dsp_set_staffing(&d, three, 1, 4 * S), 0);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_ptr_eq(took[2].call, &c[2]);
	ck_assert_int_eq(took[1].t, 4 * S);
	ck_assert_int_eq(d.counts.ops_staffed, 3);
	ck_assert_int_eq(d.counts.backup_staffed, 1);
	/* Down, then up again before the busy one finished: it simply stays. */
	int one[] = {1};
	ck_assert_int_eq(dsp_set_staffing(&d, one, 0, 5 * S), 0);
	ck_assert_int_eq(d.counts.ops_staffed, 3); /* all busy: two leaving */
	ck_assert_int_eq(d.counts.backup_staffed, 0);
	ck_assert_int_eq(dsp_set_staffing(&d, three, -1, 6 * S), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(took[i].staff->leaving, false);
	ck_assert_int_eq(d.n_staff, 4); /* no one new was created */
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_new_backup_takes_aged_call)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	dsp_arrive(&d, &c[2], 5 * S);
	ck_assert_int_eq(dsp_set_staffing(&d, NULL, 2, 8 * S), 0);
	/* c[1] is aged (7 s), c[2] is not (3 s): one backup takes c[1]. */
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_int_eq(d.counts.backup_busy, 1);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_bad_arguments)
{
	int ops[] = {-1};
	ck_assert_int_eq(dsp_init(&d, 1, ops, 0, 0, on_assign, NULL, 0), EINVAL);
	int ok[] = {1};
	ck_assert_int_eq(dsp_init(&d, 0, ok, 0, 0, on_assign, NULL, 0), EINVAL);
	ck_assert_int_eq(dsp_init(&d, 1, ok, 0, 0, on_assign, NULL, 0), 0);
	ck_assert_int_eq(dsp_set_staffing(&d, ops, 0, 0), EINVAL);
	dsp_destroy(&d);
}
END_TEST

/* --- phones: ring with no answer, not ready, place kept (definitions.md) --- */

#define NOT_READY (30 * S)
#define RING_TIMEOUT (15 * S)

/* The floor's waiting calls, oldest first, as indices into c[]; -1 ends. */
static void queue_is(int floor, const int *want)
{
	int k = 0;
	for (struct dsp_call *q = d.floors[floor].wait_head; q; q = q->next, k++) {
		ck_assert_int_ge(want[k], 0);
		ck_assert_msg(q == &c[want[k]], "position %d: c[%ld], not c[%d]", k + 1,
			      (long)(q - c), want[k]);
	}
	ck_assert_int_eq(want[k], -1);
	ck_assert_int_eq(d.floors[floor].waiting, k);
}

START_TEST(test_dispatch_no_answer_keeps_place)
{
	int ops[] = {2};
	setup_center(1, ops, 0, JOIN);
	dsp_set_not_ready(&d, NOT_READY, NOT_READY);
	dsp_arrive(&d, &c[0], 0);     /* op1's phone rings */
	dsp_arrive(&d, &c[1], 1 * S); /* op2's phone rings */
	dsp_arrive(&d, &c[2], 2 * S); /* three calls wait */
	dsp_arrive(&d, &c[3], 3 * S);
	dsp_arrive(&d, &c[4], 4 * S);
	queue_is(0, (const int[]){2, 3, 4, -1});
	/* op1 does not answer: c[0] goes back first, not behind c[4]. */
	dsp_no_answer(&d, &c[0], RING_TIMEOUT);
	ck_assert_int_eq(c[0].state, DSP_CALL_WAITING);
	ck_assert_ptr_null(c[0].staff);
	queue_is(0, (const int[]){0, 2, 3, 4, -1});
	/* op2 neither: c[1] after c[0], before c[2], which came later. */
	dsp_no_answer(&d, &c[1], 1 * S + RING_TIMEOUT);
	queue_is(0, (const int[]){0, 1, 2, 3, 4, -1});
	ck_assert_int_eq(d.counts.waiting, 5);
	ck_assert_int_eq(d.counts.ops_busy, 0);
	ck_assert_int_eq(d.counts.ops_not_ready, 2);
	ck_assert_int_eq(d.counts.rung, 2);
	ck_assert_int_eq(d.counts.no_answer, 2);
	ck_assert_int_eq(n_took, 2); /* nobody else was rung meanwhile */
	/* op1 ready again: it takes the oldest, the call it did not answer. */
	dsp_staff_ready(&d, took[0].staff, RING_TIMEOUT + NOT_READY);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[2].call, &c[0]);
	ck_assert_int_eq(c[0].rings, 2);
	ck_assert_int_eq(c[0].t_invite, 0); /* its wait still counts from its INVITE */
	queue_is(0, (const int[]){1, 2, 3, 4, -1});
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_not_ready_timing)
{
	int ops[] = {2};
	setup_center(1, ops, 0, JOIN);
	dsp_set_not_ready(&d, NOT_READY, 0);
	dsp_arrive(&d, &c[0], 0);     /* op1 */
	dsp_arrive(&d, &c[1], 0);     /* op2 */
	struct dsp_staff *op1 = took[0].staff, *op2 = took[1].staff;
	dsp_no_answer(&d, &c[0], RING_TIMEOUT);
	ck_assert_int_eq(op1->state, DSP_STAFF_NOT_READY);
	ck_assert_int_eq(op1->ready_at, RING_TIMEOUT + NOT_READY);
	ck_assert_ptr_null(op1->call);
	/* Not ready: not rung, even with nobody else free. */
	dsp_answered(&d, &c[1], 2 * S);
	dsp_arrive(&d, &c[2], 20 * S);
	ck_assert_int_eq(n_took, 2);
	queue_is(0, (const int[]){0, 2, -1});
	/* A stale ready timer for someone not "not ready" changes nothing. */
	dsp_staff_ready(&d, op2, 30 * S);
	ck_assert_int_eq(op2->state, DSP_STAFF_BUSY);
	ck_assert_int_eq(n_took, 2);
	/* Ready at 45 s: idle from then, and it takes the oldest waiting. */
	dsp_staff_ready(&d, op1, RING_TIMEOUT + NOT_READY);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[2].call, &c[0]);
	ck_assert_int_eq(took[2].t, 45 * S);
	ck_assert_int_eq(d.counts.ops_not_ready, 0);
	/* Staffed throughout, busy only while rung or answering. */
	ck_assert_int_eq(d.counts.ops_staffed, 2);
	ck_assert_int_eq(d.counts.ops_busy, 2);
	/* No not-ready time: ready, idle, and (alone) rung again at once. */
	dsp_set_not_ready(&d, 0, 0);
	dsp_no_answer(&d, &c[0], 60 * S);
	ck_assert_int_eq(n_took, 4);
	ck_assert_ptr_eq(took[3].call, &c[0]);
	ck_assert_ptr_eq(took[3].staff, op1);
	ck_assert_int_eq(d.counts.ops_not_ready, 0);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_wrapup_never_rung)
{
	int ops[] = {2};
	setup_center(1, ops, 0, JOIN);
	dsp_set_not_ready(&d, NOT_READY, 0);
	dsp_arrive(&d, &c[0], 0);  /* op1: answers, talks, then wraps up */
	dsp_arrive(&d, &c[1], 0);  /* op2: does not answer */
	dsp_answered(&d, &c[0], 1 * S);
	dsp_no_answer(&d, &c[1], RING_TIMEOUT);
	/* op1 in wrap-up (BUSY until dsp_staff_free), op2 not ready: c[1] waits. */
	ck_assert_int_eq(took[0].staff->state, DSP_STAFF_BUSY);
	ck_assert_int_eq(c[1].state, DSP_CALL_WAITING);
	dsp_arrive(&d, &c[2], 20 * S);
	ck_assert_int_eq(n_took, 2);
	/* op1's wrap-up ends: it takes the oldest, c[1]. */
	dsp_staff_free(&d, took[0].staff, 25 * S);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[2].call, &c[1]);
	ck_assert_ptr_eq(took[2].staff, took[0].staff);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_backup_clock_while_ringing)
{
	int ops[] = {1};
	setup_center(1, ops, 1, JOIN);
	dsp_set_not_ready(&d, NOT_READY, NOT_READY);
	dsp_arrive(&d, &c[0], 0); /* op1's phone rings */
	/* At join age the call is ringing, not waiting: backup does not take it. */
	dsp_join_due(&d, &c[0], JOIN);
	ck_assert_int_eq(n_took, 1);
	ck_assert_int_eq(d.counts.backup_busy, 0);
	/* No answer at 15 s: the call is 15 s old, past join age, and op1 is
	 * not ready: the free backup member takes it at once. */
	dsp_no_answer(&d, &c[0], RING_TIMEOUT);
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[0]);
	ck_assert_str_eq(name(took[1].staff), "backup1");
	ck_assert_int_eq(took[1].t, RING_TIMEOUT);
	ck_assert_int_eq(d.counts.waiting, 0);
	dsp_destroy(&d);

	/* A call back before its join age waits for it (the clock from t_invite). */
	setup_center(1, ops, 1, JOIN);
	dsp_set_not_ready(&d, NOT_READY, NOT_READY);
	dsp_arrive(&d, &c[0], 0);
	dsp_no_answer(&d, &c[0], 3 * S);
	ck_assert_int_eq(n_took, 1);
	ck_assert_int_eq(c[0].state, DSP_CALL_WAITING);
	dsp_join_due(&d, &c[0], JOIN); /* the owner's timer, started again */
	ck_assert_int_eq(n_took, 2);
	ck_assert_str_eq(name(took[1].staff), "backup1");
	/* Backup's phone unanswered too: back in the queue; a backup not ready. */
	dsp_no_answer(&d, &c[0], JOIN + RING_TIMEOUT);
	ck_assert_int_eq(d.counts.backup_not_ready, 1);
	ck_assert_int_eq(c[0].state, DSP_CALL_WAITING);
	/* op1 ready first (33 s): the operator takes it, as always before backup. */
	dsp_staff_ready(&d, took[0].staff, 3 * S + NOT_READY);
	ck_assert_int_eq(n_took, 3);
	ck_assert_str_eq(name(took[2].staff), "op1");
	ck_assert_int_eq(c[0].rings, 3);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_caller_gone_while_ringing_after_no_answer)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_set_not_ready(&d, NOT_READY, 0);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 1 * S);
	dsp_no_answer(&d, &c[0], RING_TIMEOUT);
	/* Back in the queue, the caller hangs up: it leaves it like any other. */
	ck_assert_int_eq(dsp_cancel(&d, &c[0], 20 * S), DSP_CALL_WAITING);
	queue_is(0, (const int[]){1, -1});
	/* Ringing again and the caller gone: the operator is free at once. */
	dsp_staff_ready(&d, took[0].staff, RING_TIMEOUT + NOT_READY);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_int_eq(dsp_cancel(&d, &c[1], 50 * S), DSP_CALL_PICKUP);
	ck_assert_int_eq(took[1].staff->state, DSP_STAFF_IDLE);
	ck_assert_int_eq(took[1].staff->idle_since, 50 * S);
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_not_ready_and_shifts)
{
	int ops[] = {2};
	setup_center(1, ops, 0, JOIN);
	dsp_set_not_ready(&d, NOT_READY, 0);
	dsp_arrive(&d, &c[0], 0);
	dsp_arrive(&d, &c[1], 0);
	dsp_no_answer(&d, &c[0], RING_TIMEOUT); /* op1 not ready */
	/* A shift of 1: the not-ready op1 is marked leaving, op2 (busy) stays. */
	int one[] = {1};
	ck_assert_int_eq(dsp_set_staffing(&d, one, -1, 20 * S), 0);
	ck_assert(took[0].staff->leaving);
	ck_assert_int_eq(d.counts.ops_staffed, 2);
	dsp_staff_ready(&d, took[0].staff, RING_TIMEOUT + NOT_READY);
	ck_assert_int_eq(took[0].staff->state, DSP_STAFF_OFF);
	ck_assert_int_eq(d.counts.ops_staffed, 1);
	ck_assert_int_eq(d.counts.ops_not_ready, 0);
	ck_assert_int_eq(n_took, 2); /* it left without taking c[0] */
	/* A member leaving whose phone is not answered goes off at once. */
	ck_assert_int_eq(dsp_set_staffing(&d, (int[]){0}, -1, 50 * S), 0);
	dsp_no_answer(&d, &c[1], 60 * S);
	ck_assert_int_eq(took[1].staff->state, DSP_STAFF_OFF);
	ck_assert_int_eq(d.counts.ops_staffed, 0);
	queue_is(0, (const int[]){0, 1, -1});
	dsp_destroy(&d);
}
END_TEST

START_TEST(test_dispatch_unreachable_never_rung)
{
	int ops[] = {2};
	setup_center(1, ops, 0, JOIN);
	struct dsp_staff *op1 = d.staff[0], *op2 = d.staff[1];
	/* op1's phone unregistered while idle: away, not rung. */
	dsp_staff_reachable(&d, op1, false, 1 * S);
	ck_assert_int_eq(op1->state, DSP_STAFF_AWAY);
	ck_assert_int_eq(d.counts.ops_away, 1);
	dsp_arrive(&d, &c[0], 2 * S); /* op2 */
	dsp_arrive(&d, &c[1], 3 * S); /* waits: op1 away */
	ck_assert_int_eq(n_took, 1);
	ck_assert_ptr_eq(took[0].staff, op2);
	/* op2 unregisters while rung: its ring goes on (the owner ends it). */
	dsp_staff_reachable(&d, op2, false, 4 * S);
	ck_assert_int_eq(op2->state, DSP_STAFF_PICKUP);
	/* Registered again: op1 takes the oldest waiting call at once. */
	dsp_staff_reachable(&d, op1, true, 5 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	ck_assert_ptr_eq(took[1].staff, op1);
	ck_assert_int_eq(d.counts.ops_away, 0);
	/* op2's leg fails (unreachable): no answer; with no not-ready time it
	 * would be free, but it is away, and the call waits for op1. */
	dsp_no_answer(&d, &c[0], 6 * S);
	ck_assert_int_eq(op2->state, DSP_STAFF_AWAY);
	ck_assert_int_eq(c[0].state, DSP_CALL_WAITING);
	ck_assert_int_eq(n_took, 2);
	/* Twice the same: nothing changes. */
	dsp_staff_reachable(&d, op2, false, 7 * S);
	ck_assert_int_eq(d.counts.ops_away, 1);
	/* Busy op1 unreachable: finishes its call, then away, not rung. */
	dsp_answered(&d, &c[1], 8 * S);
	dsp_staff_reachable(&d, op1, false, 9 * S);
	dsp_staff_free(&d, op1, 20 * S);
	ck_assert_int_eq(op1->state, DSP_STAFF_AWAY);
	ck_assert_int_eq(n_took, 2);
	ck_assert_int_eq(d.counts.ops_away, 2);
	ck_assert_int_eq(d.counts.ops_busy, 0);
	ck_assert_int_eq(d.counts.ops_staffed, 2);
	/* A shift of 1: an away member leaves first. */
	ck_assert_int_eq(dsp_set_staffing(&d, (int[]){1}, -1, 30 * S), 0);
	ck_assert_int_eq(d.counts.ops_staffed, 1);
	ck_assert_int_eq(d.counts.ops_away, 1);
	/* The one left registers again and takes c[0]. */
	struct dsp_staff *left = op1->state == DSP_STAFF_AWAY ? op1 : op2;
	dsp_staff_reachable(&d, left, true, 31 * S);
	ck_assert_int_eq(n_took, 3);
	ck_assert_ptr_eq(took[2].call, &c[0]);
	ck_assert_int_eq(d.counts.ops_away, 0);
	dsp_destroy(&d);
}
END_TEST

/* New members asked whether they can be rung: op2 and op3 cannot (SIP
 * operators not registered yet) and come on shift away; a call waits for
 * op1 rather than ring them, until op3 registers. */
static bool reach_odd_only(const struct dsp_staff *s, void *arg)
{
	(void)arg;
	return s->kind == DSP_BACKUP || s->id == 1;
}

START_TEST(test_dispatch_reach_hook_new_staff)
{
	int ops[] = {1};
	setup_center(1, ops, 0, JOIN);
	dsp_set_reach_h(&d, reach_odd_only);
	ck_assert_int_eq(dsp_set_staffing(&d, (int[]){3}, -1, 0), 0);
	ck_assert_int_eq(d.counts.ops_staffed, 3);
	ck_assert_int_eq(d.counts.ops_away, 2);
	ck_assert_int_eq(d.staff[1]->state, DSP_STAFF_AWAY);
	ck_assert_int_eq(d.staff[2]->state, DSP_STAFF_AWAY);
	dsp_arrive(&d, &c[0], 1 * S); /* op1 */
	dsp_arrive(&d, &c[1], 2 * S); /* waits: op2, op3 away */
	ck_assert_int_eq(n_took, 1);
	ck_assert_ptr_eq(took[0].staff, d.staff[0]);
	dsp_staff_reachable(&d, d.staff[2], true, 3 * S);
	ck_assert_int_eq(n_took, 2);
	ck_assert_ptr_eq(took[1].staff, d.staff[2]);
	ck_assert_ptr_eq(took[1].call, &c[1]);
	/* Off shift and on again: an existing member keeps its flag. */
	ck_assert_int_eq(dsp_set_staffing(&d, (int[]){2}, -1, 4 * S), 0);
	ck_assert_int_eq(d.counts.ops_away, 0); /* the away op2 left first */
	ck_assert_int_eq(dsp_set_staffing(&d, (int[]){3}, -1, 5 * S), 0);
	ck_assert_int_eq(d.counts.ops_away, 1);
	ck_assert_int_eq(d.staff[1]->state, DSP_STAFF_AWAY);
	dsp_destroy(&d);
}
END_TEST

/*
 * dsp_arrive_take: an idle operator of the call's floor takes it and is
 * returned, without the handler; no operator free: NULL, the call waits; a
 * backup member taking it at once (join age 0) still goes through the
 * handler.
 */
START_TEST(test_dispatch_arrive_take)
{
	int ops[] = {1, 0};
	setup_center(2, ops, 1, 0);
	memset(&c[0], 0x5a, sizeof(c[0])); /* no dsp_call_init needed */
	struct dsp_staff *s = dsp_arrive_take(&d, &c[0], 0, 1 * S);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(name(s), "op1");
	ck_assert_int_eq(n_took, 0);
	ck_assert_int_eq(c[0].state, DSP_CALL_PICKUP);
	ck_assert_ptr_eq(c[0].staff, s);
	ck_assert_int_eq(c[0].rings, 1);
	ck_assert_int_eq(c[0].floor, 0);
	ck_assert_int_eq(d.counts.ops_busy, 1);
	/* op1 busy: backup (join age 0), via the handler */
	ck_assert_ptr_null(dsp_arrive_take(&d, &c[1], 0, 2 * S));
	ck_assert_int_eq(c[1].rings, 1);
	ck_assert_int_eq(n_took, 1);
	ck_assert_str_eq(name(took[0].staff), "backup1");
	memset(&c[2], 0x5a, sizeof(c[2])); /* nobody free: it waits */
	ck_assert_ptr_null(dsp_arrive_take(&d, &c[2], 1, 3 * S));
	ck_assert_int_eq(c[2].state, DSP_CALL_WAITING);
	ck_assert_int_eq(c[2].floor, 1);
	ck_assert_int_eq(c[2].rings, 0);
	ck_assert_ptr_null(c[2].staff);
	ck_assert_int_eq(d.counts.waiting, 1);
	dsp_answered(&d, &c[0], 4 * S); /* op1 frees up: floor 0 only */
	dsp_staff_free(&d, s, 5 * S);
	ck_assert_int_eq(n_took, 1);
	ck_assert_int_eq(s->state, DSP_STAFF_IDLE);
	dsp_destroy(&d);
}
END_TEST

/*
 * dsp_arrive_answer: as dsp_arrive_take then dsp_answered at the same
 * instant, on two centers side by side: the same operator (idle longest),
 * BUSY with no call held, the call ANSWERED after one ring, the same counts
 * and time integrals; no operator free: NULL, the call waits (or a backup
 * member takes it through the handler) as with dsp_arrive_take.
 */
START_TEST(test_dispatch_arrive_answer)
{
	static struct dsp a, b;
	static struct dsp_call ca[4], cb[4];
	int ops[] = {2, 0};
	n_took = 0;
	ck_assert_int_eq(dsp_init(&a, 2, ops, 0, JOIN, on_assign, NULL, 0), 0);
	ck_assert_int_eq(dsp_init(&b, 2, ops, 0, JOIN, on_assign, NULL, 0), 0);
	for (int i = 0; i < 3; i++) {
		rb_us now = (rb_us)(i + 1) * S;
		memset(&cb[i], 0x5a, sizeof(cb[i])); /* no dsp_call_init needed */
		struct dsp_staff *sa = dsp_arrive_take(&a, &ca[i], 0, now);
		struct dsp_staff *sb = dsp_arrive_answer(&b, &cb[i], 0, now);
		if (i < 2) {
			ck_assert_ptr_nonnull(sa);
			ck_assert_ptr_nonnull(sb);
			dsp_answered(&a, &ca[i], now);
			ck_assert_int_eq(sa->id, sb->id);
			ck_assert_int_eq(sb->id, i + 1);
			ck_assert_int_eq(sb->state, DSP_STAFF_BUSY);
			ck_assert_ptr_null(sb->call);
			ck_assert_int_eq(cb[i].state, DSP_CALL_ANSWERED);
			ck_assert_ptr_eq(cb[i].staff, sb);
		} else { /* both operators busy: it waits */
			ck_assert_ptr_null(sa);
			ck_assert_ptr_null(sb);
			ck_assert_int_eq(cb[i].state, DSP_CALL_WAITING);
			ck_assert_ptr_null(cb[i].staff);
		}
		ck_assert_int_eq(ca[i].rings, cb[i].rings);
		ck_assert_int_eq(ca[i].state, cb[i].state);
		ck_assert_int_eq(ca[i].t_invite, cb[i].t_invite);
		ck_assert_uint_eq(ca[i].seq, cb[i].seq);
		ck_assert_mem_eq(&a.counts, &b.counts, sizeof(a.counts));
	}
	ck_assert_int_eq(b.counts.ops_busy, 2);
	ck_assert_int_eq(b.counts.waiting, 1);
	/* the first frees up: the waiting call goes to it, as on a */
	dsp_staff_free(&a, a.staff[0], 5 * S);
	dsp_staff_free(&b, b.staff[0], 5 * S);
	ck_assert_int_eq(cb[2].state, DSP_CALL_PICKUP);
	ck_assert_ptr_eq(cb[2].staff, b.staff[0]);
	ck_assert_mem_eq(&a.counts, &b.counts, sizeof(a.counts));
	dsp_destroy(&a);
	dsp_destroy(&b);
}
END_TEST

/* One center of a paired run: its calls and the assignments it made, as
 * (call index, staff id and kind) in order. */
struct pair_side {
	struct dsp d;
	struct dsp_call c[48];
	int n_calls;
	int log[256];
	int n_log;
};

static void pair_log(struct pair_side *p, const struct dsp_call *call, const struct dsp_staff *s)
{
	ck_assert_int_lt(p->n_log, 256);
	p->log[p->n_log++] = (int)(call - p->c) * 1000 + s->id * 2 + (int)s->kind;
}

static void on_assign_pair(struct dsp_call *call, struct dsp_staff *staff, rb_us now, void *arg)
{
	(void)now;
	pair_log(arg, call, staff);
}

/* Both centers in the same state: counts (time integrals too), staff, calls. */
static void pair_same(struct pair_side *a, struct pair_side *b)
{
	ck_assert_mem_eq(&a->d.counts, &b->d.counts, sizeof(a->d.counts));
	ck_assert_uint_eq(a->d.n_staff, b->d.n_staff);
	for (size_t i = 0; i < a->d.n_staff; i++) {
		const struct dsp_staff *x = a->d.staff[i], *y = b->d.staff[i];
		ck_assert_int_eq(x->state, y->state);
		ck_assert_int_eq(x->idle_since, y->idle_since);
		ck_assert_int_eq(x->call ? (int)(x->call - a->c) : -1, y->call ? (int)(y->call - b->c) : -1);
	}
	for (int i = 0; i < a->n_calls; i++) {
		ck_assert_int_eq(a->c[i].state, b->c[i].state);
		ck_assert_int_eq(a->c[i].rings, b->c[i].rings);
		ck_assert_int_eq(a->c[i].staff ? a->c[i].staff->id * 2 + (int)a->c[i].staff->kind : -1,
				 b->c[i].staff ? b->c[i].staff->id * 2 + (int)b->c[i].staff->kind : -1);
	}
	for (int f = 0; f < a->d.n_floors; f++) {
		const struct dsp_call *x = a->d.floors[f].wait_head, *y = b->d.floors[f].wait_head;
		for (; x && y; x = x->next, y = y->next)
			ck_assert_int_eq((int)(x - a->c), (int)(y - b->c));
		ck_assert(!x && !y);
	}
	ck_assert_int_eq(a->n_log, b->n_log);
	ck_assert_mem_eq(a->log, b->log, (size_t)a->n_log * sizeof(int));
}

/* A new call of floor f whose phone is answered as it rings: taken then
 * answered on a, both at once on b. Returns 1 when an operator took it. */
static int pair_answered_call(struct pair_side *a, struct pair_side *b, int f, rb_us now)
{
	int j = a->n_calls++;
	b->n_calls++;
	struct dsp_staff *sa = dsp_arrive_take(&a->d, &a->c[j], f, now);
	struct dsp_staff *sb = dsp_arrive_answer(&b->d, &b->c[j], f, now);
	ck_assert_int_eq(sa ? sa->id : -1, sb ? sb->id : -1);
	if (!sa)
		return 0;
	dsp_answered(&a->d, &a->c[j], now);
	pair_log(a, &a->c[j], sa);
	pair_log(b, &b->c[j], sb);
	ck_assert_int_eq(sb->state, DSP_STAFF_BUSY);
	ck_assert_ptr_null(sb->call);
	return 1;
}

/*
 * dsp_staff_free_take against dsp_staff_free, paired: two centers (two
 * floors, backup after 2 rings, a shift change) get the same random steps,
 * one freeing staff with dsp_staff_free (assignments through the handler),
 * the other with dsp_staff_free_take (the call it returns logged as its
 * handler would have); after every step both must be in the same state, with
 * the same assignments in the same order. The hand-over itself must happen
 * (calls were waiting when an operator freed up). Some new calls are
 * answered as they ring: one center takes them with dsp_arrive_take and
 * answers them with dsp_answered, the other with dsp_arrive_answer, which
 * must leave both the same (and must take some).
 */
START_TEST(test_dispatch_free_take_paired)
{
	static struct pair_side a, b;
	struct pair_side *side[2] = {&a, &b};
	int ops[] = {2, 1}, ops2[] = {1, 2};
	int handed = 0, answered_at_once = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(dsp_init(&side[k]->d, 2, ops, 1, JOIN, on_assign_pair, side[k], 0), 0);
	for (int step = 0; step < 400; step++) {
		rb_us now = (rb_us)(step + 1) * S;
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		unsigned what = (unsigned)(rng % 5), pick = (unsigned)(rng >> 8);
		if (step == 200)
			for (int k = 0; k < 2; k++)
				ck_assert_int_eq(dsp_set_staffing(&side[k]->d, ops2, 1, now), 0);
		if (what <= 1 && (pick & 4) && a.n_calls < 48) {
			answered_at_once += pair_answered_call(&a, &b, (int)(pick % 2), now);
		} else if (what <= 1 && a.n_calls < 48) { /* a new call */
			for (int k = 0; k < 2; k++) {
				struct pair_side *p = side[k];
				dsp_call_init(&p->c[p->n_calls], (int)(pick % 2));
				dsp_arrive(&p->d, &p->c[p->n_calls], now);
				p->n_calls++;
			}
		} else if (what == 2) { /* a ringing phone answered */
			for (int i = 0; i < a.n_calls; i++) {
				int j = (int)((pick + (unsigned)i) % (unsigned)a.n_calls);
				if (a.c[j].state != DSP_CALL_PICKUP)
					continue;
				dsp_answered(&a.d, &a.c[j], now);
				dsp_answered(&b.d, &b.c[j], now);
				break;
			}
		} else if (what == 3) { /* a member done with its call */
			for (size_t i = 0; i < a.d.n_staff; i++) {
				size_t j = (pick + i) % a.d.n_staff;
				if (a.d.staff[j]->state != DSP_STAFF_BUSY)
					continue;
				bool waiting = a.d.staff[j]->kind == DSP_OPERATOR &&
					       a.d.floors[a.d.staff[j]->floor].wait_head;
				dsp_staff_free(&a.d, a.d.staff[j], now);
				struct dsp_call *dc = dsp_staff_free_take(&b.d, b.d.staff[j], now);
				if (dc) {
					ck_assert(waiting);
					pair_log(&b, dc, b.d.staff[j]);
					handed++;
				}
				break;
			}
		} else if (a.n_calls) { /* a caller hangs up, whatever its state */
			int j = (int)(pick % (unsigned)a.n_calls);
			ck_assert_int_eq(dsp_cancel(&a.d, &a.c[j], now), dsp_cancel(&b.d, &b.c[j], now));
		}
		for (int i = 0; i < a.n_calls; i++) /* the join-age timers */
			if (a.c[i].state == DSP_CALL_WAITING && now - a.c[i].t_invite >= JOIN) {
				dsp_join_due(&a.d, &a.c[i], now);
				dsp_join_due(&b.d, &b.c[i], now);
			}
		pair_same(&a, &b);
	}
	ck_assert_int_gt(handed, 5);
	ck_assert_int_gt(answered_at_once, 0);
	dsp_destroy(&a.d);
	dsp_destroy(&b.d);
}
END_TEST

static uint64_t tw_rng = 0x2545f4914f6cdd1dULL;
static unsigned tw_next(unsigned n)
{
	tw_rng ^= tw_rng << 13;
	tw_rng ^= tw_rng >> 7;
	tw_rng ^= tw_rng << 17;
	return (unsigned)(tw_rng % n);
}

static void on_assign_any(struct dsp_call *call, struct dsp_staff *staff, rb_us now, void *arg)
{
	(void)call;
	(void)staff;
	(void)now;
	++*(int *)arg;
}

/* A random call in state st (NULL if none). */
static struct dsp_call *call_in(struct dsp_call *cs, int n, enum dsp_call_state st)
{
	int k = (int)tw_next((unsigned)n);
	for (int i = 0; i < n; i++)
		if (cs[(k + i) % n].state == st)
			return &cs[(k + i) % n];
	return NULL;
}

/* A random member in state st (NULL if none). */
static struct dsp_staff *staff_in(enum dsp_staff_state st)
{
	if (!d.n_staff)
		return NULL;
	size_t k = tw_next((unsigned)d.n_staff);
	for (size_t i = 0; i < d.n_staff; i++)
		if (d.staff[(k + i) % d.n_staff]->state == st)
			return d.staff[(k + i) % d.n_staff];
	return NULL;
}

/* One random step of a center's life at now (all entry points). */
static int tw_handed; /* calls dsp_staff_free_take handed over */

static void tw_step(struct dsp_call *cs, int n, rb_us now)
{
	struct dsp_call *call;
	struct dsp_staff *s;
	switch (tw_next(9)) {
	case 0:
	case 1: /* an arrival, both ways */
		if ((call = call_in(cs, n, DSP_CALL_NEW))) {
			if (tw_next(2))
				dsp_arrive(&d, call, now);
			else
				dsp_arrive_take(&d, call, call->floor, now);
		}
		break;
	case 2:
		if ((call = call_in(cs, n, DSP_CALL_PICKUP)))
			dsp_answered(&d, call, now);
		break;
	case 3: /* both ways: the hand-over keeps the integrals too */
		if ((s = staff_in(DSP_STAFF_BUSY)) && tw_next(2))
			dsp_staff_free(&d, s, now);
		else if (s && dsp_staff_free_take(&d, s, now))
			tw_handed++;
		break;
	case 4:
		if ((call = call_in(cs, n, tw_next(2) ? DSP_CALL_WAITING : DSP_CALL_PICKUP)))
			dsp_cancel(&d, call, now);
		break;
	case 5:
		if ((call = call_in(cs, n, DSP_CALL_PICKUP)))
			dsp_no_answer(&d, call, now);
		if ((s = staff_in(DSP_STAFF_NOT_READY)) && s->ready_at <= now)
			dsp_staff_ready(&d, s, now);
		break;
	case 6: {
		int ops[2] = {(int)tw_next(4), (int)tw_next(4)};
		ck_assert_int_eq(dsp_set_staffing(&d, ops, (int)tw_next(3), now), 0);
		break;
	}
	case 7:
		if ((call = call_in(cs, n, DSP_CALL_WAITING)) && now >= call->t_invite + JOIN)
			dsp_join_due(&d, call, now);
		break;
	default:
		if (d.n_staff)
			dsp_staff_reachable(&d, d.staff[tw_next((unsigned)d.n_staff)], tw_next(3) != 0, now);
		break;
	}
	/* finished calls come back as new ones */
	for (int i = 0; i < n; i++)
		if (cs[i].state == DSP_CALL_ANSWERED || cs[i].state == DSP_CALL_CANCELLED)
			dsp_call_init(&cs[i], (int)tw_next(2));
}

/*
 * The counts' time integrals (struct dsp_tw) against the areas added up
 * step by step, through every entry point in random order with ties in
 * time: count x t - tw must be the area under the count from 0 to t.
 */
START_TEST(test_dispatch_time_integrals)
{
	int ops[] = {2, 1}, assigned = 0;
	enum { NC = 24 };
	static struct dsp_call cs[NC];
	ck_assert_int_eq(dsp_init(&d, 2, ops, 1, JOIN, on_assign_any, &assigned, 0), 0);
	dsp_set_not_ready(&d, 4 * S, 2 * S);
	for (int i = 0; i < NC; i++)
		dsp_call_init(&cs[i], i % 2);
	uint64_t area[5] = {0};
	rb_us t = 0, prev = 0;
	for (int step = 0; step < 20000; step++) {
		t += tw_next(3) ? (rb_us)tw_next(2 * S) : 0;
		const struct dsp_counts *k = &d.counts;
		int64_t cnt[5] = {k->waiting, k->ops_busy, k->ops_staffed, k->backup_busy, k->backup_staffed};
		for (int i = 0; i < 5; i++)
			area[i] += (uint64_t)(cnt[i] * (t - prev));
		prev = t;
		tw_step(cs, NC, t);
		int64_t now_cnt[5] = {k->waiting, k->ops_busy, k->ops_staffed, k->backup_busy, k->backup_staffed};
		uint64_t tw[5] = {k->tw.waiting, k->tw.ops_busy, k->tw.ops_staffed, k->tw.backup_busy,
				  k->tw.backup_staffed};
		for (int i = 0; i < 5; i++)
			ck_assert_uint_eq((uint64_t)now_cnt[i] * (uint64_t)t - tw[i], area[i]);
		for (size_t i = 0; i < d.n_staff; i++) { /* the private mirror kept */
			const struct dsp_staff *x = d.staff[i];
			ck_assert(x->plain == (x->kind == DSP_OPERATOR && !x->leaving && !x->unreachable));
		}
	}
	ck_assert_int_gt(tw_handed, 10);
	/* the walk went through the states it means to test */
	ck_assert_int_gt(assigned, 100);
	ck_assert_uint_gt(d.counts.no_answer, 100);
	ck_assert_uint_gt(area[0], 0);
	ck_assert_uint_gt(area[3], 0);
	dsp_destroy(&d);
}
END_TEST

static Suite *dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_dispatch_oldest_first);
	tcase_add_test(tc, test_dispatch_idle_longest);
	tcase_add_test(tc, test_dispatch_backup_after_k_rings_not_before);
	tcase_add_test(tc, test_dispatch_join_age_zero_backup_at_once);
	tcase_add_test(tc, test_dispatch_operator_preferred_over_backup);
	tcase_add_test(tc, test_dispatch_hangup_during_pickup_frees_staff);
	tcase_add_test(tc, test_dispatch_floors_wait_for_own_floor);
	tcase_add_test(tc, test_dispatch_backup_serves_every_floor_oldest_aged);
	tcase_add_test(tc, test_dispatch_backup_frees_up_takes_aged_call);
	tcase_add_test(tc, test_dispatch_shift_down_busy_finish_first);
	tcase_add_test(tc, test_dispatch_shift_up_new_staff_take_waiting);
	tcase_add_test(tc, test_dispatch_new_backup_takes_aged_call);
	tcase_add_test(tc, test_dispatch_bad_arguments);
	tcase_add_test(tc, test_dispatch_no_answer_keeps_place);
	tcase_add_test(tc, test_dispatch_not_ready_timing);
	tcase_add_test(tc, test_dispatch_wrapup_never_rung);
	tcase_add_test(tc, test_dispatch_backup_clock_while_ringing);
	tcase_add_test(tc, test_dispatch_caller_gone_while_ringing_after_no_answer);
	tcase_add_test(tc, test_dispatch_not_ready_and_shifts);
	tcase_add_test(tc, test_dispatch_unreachable_never_rung);
	tcase_add_test(tc, test_dispatch_reach_hook_new_staff);
	tcase_add_test(tc, test_dispatch_arrive_take);
	tcase_add_test(tc, test_dispatch_arrive_answer);
	tcase_add_test(tc, test_dispatch_free_take_paired);
	tcase_add_test(tc, test_dispatch_time_integrals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dispatch_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
