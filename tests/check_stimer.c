/* Unit tests of secretaryd's timer heap (server/sip/stimer.c) on a real libuv loop. */
#include <check.h>
#include <stdlib.h>

#include "stimer.h"

struct rec {
	int order[16];
	int n;
};

struct slot {
	struct tmr t;
	struct rec *r;
	int id;
	rb_us fired_at;
};

static void on_fire(struct tmr *t, void *arg)
{
	struct slot *s = arg;
	s->fired_at = rb_now_mono_us();
	s->r->order[s->r->n++] = s->id;
}

START_TEST(test_stimer_fires_in_due_order_ties_in_start_order)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct tmrq q;
	ck_assert_int_eq(tmrq_init(&q, &loop), 0);
	struct rec r = {{0}, 0};
	struct slot s[5];
	rb_us delays[5] = {30000, 10000, 20000, 10000, 10000};
	/* 1, 3 and 4 are due at the same instant: they fire in start order. */
	rb_us base = rb_now_mono_us();
	for (int i = 0; i < 5; i++) {
		s[i].r = &r;
		s[i].id = i;
		tmr_init(&s[i].t);
		ck_assert_int_eq(tmr_start_at(&q, &s[i].t, base + delays[i], on_fire, &s[i]), 0);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(r.n, 5);
	int want[5] = {1, 3, 4, 2, 0};
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(r.order[i], want[i]);
	for (int i = 0; i < 5; i++)
		ck_assert_int_ge(s[i].fired_at, base + delays[i]); /* never early */
	tmrq_close(&q);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}
END_TEST

START_TEST(test_stimer_stopped_timer_never_fires)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct tmrq q;
	tmrq_init(&q, &loop);
	struct rec r = {{0}, 0};
	struct slot a = {.r = &r, .id = 1}, b = {.r = &r, .id = 2};
	tmr_init(&a.t);
	tmr_init(&b.t);
	tmr_start(&q, &a.t, 5000, on_fire, &a);
	tmr_start(&q, &b.t, 10000, on_fire, &b);
	ck_assert(tmr_active(&a.t));
	tmr_stop(&q, &a.t);
	tmr_stop(&q, &a.t); /* harmless twice */
	ck_assert(!tmr_active(&a.t));
	ck_assert_uint_eq(tmrq_count(&q), 1);
	uv_run(&loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.order[0], 2);
	tmrq_close(&q);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}
END_TEST

static void on_fire_count(struct tmr *t, void *arg)
{
	struct slot *s = arg;
	s->fired_at = rb_now_mono_us();
}

START_TEST(test_stimer_many_timers_restart_and_stop)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct tmrq q;
	tmrq_init(&q, &loop);
	enum { N = 20000 };
	struct slot *s = calloc(N, sizeof *s);
	struct rec r = {{0}, 0};
	int fired = 0;
	for (int i = 0; i < N; i++) {
		tmr_init(&s[i].t);
		s[i].r = &r;
		s[i].id = 0;
		tmr_start(&q, &s[i].t, 1000 + (i % 97) * 100, on_fire_count, &s[i]);
	}
	for (int i = 0; i < N; i += 2)
		tmr_stop(&q, &s[i].t);              /* half stopped */
	for (int i = 1; i < N; i += 4)
		tmr_start(&q, &s[i].t, 500, on_fire_count, &s[i]); /* some moved earlier */
	ck_assert_uint_eq(tmrq_count(&q), N / 2);
	uv_run(&loop, UV_RUN_DEFAULT);
	for (int i = 0; i < N; i++)
		fired += s[i].fired_at != 0;
	ck_assert_int_eq(fired, N / 2);
	free(s);
	tmrq_close(&q);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}
END_TEST

Suite *stimer_suite(void)
{
	Suite *s = suite_create("stimer");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_stimer_fires_in_due_order_ties_in_start_order);
	tcase_add_test(tc, test_stimer_stopped_timer_never_fires);
	tcase_add_test(tc, test_stimer_many_timers_restart_and_stop);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stimer_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
