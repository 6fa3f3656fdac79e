/*
 * The dispatch rules of docs/definitions.md ("A call's path"), one test each:
 * oldest first, idle longest, backup after K rings (not before), operator
 * preferred over backup, hang-up during pick-up, floors, shifts, and a backup
 * member who frees up taking an aged call.
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
