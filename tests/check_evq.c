/*
 * The event queue against a naive twin: a sorted array of (time, sequence)
 * kept by insertion. Random schedules, reschedules and cancels with a fixed
 * seed; every pop must match the twin's smallest entry. The calendar queue's
 * own hazards too: times at very different scales in one queue (bucket
 * widths chosen from a mix, events a "year" or more ahead, the far end of
 * the time range), times before the last pop, thousands of ties across the
 * resizes, and the queue growing and shrinking. And a stream kept outside
 * the queue merged with it by sequence numbers (the model's arrivals).
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "evq.h"

#define N_EV 500
#define N_MIX 2000

struct twin_ent {
	rb_us t;
	uint64_t seq;
	int id;
};

static struct twin_ent twin[N_MIX];
static int twin_n;
static uint64_t twin_seq;

static void twin_remove(int id)
{
	for (int i = 0; i < twin_n; i++)
		if (twin[i].id == id) {
			for (int j = i; j < twin_n - 1; j++)
				twin[j] = twin[j + 1];
			twin_n--;
			return;
		}
}

/* Whether the twin holds event id. */
static bool twin_has(int id)
{
	for (int i = 0; i < twin_n; i++)
		if (twin[i].id == id)
			return true;
	return false;
}

/* Pops the queue empty: each event the twin's first, then nothing; destroys it. */
static void drain_in_twin_order(struct evq *q)
{
	while (twin_n) {
		struct evq_ev *e = evq_pop(q);
		ck_assert_int_eq(e->type, twin[0].id);
		twin_remove(twin[0].id);
	}
	ck_assert_ptr_null(evq_pop(q));
	evq_destroy(q);
}

/* Insert keeping (t, seq) order. */
static void twin_add(int id, rb_us t)
{
	twin_remove(id);
	struct twin_ent e = {t, twin_seq++, id};
	int i = twin_n;
	while (i > 0 && (twin[i - 1].t > t || (twin[i - 1].t == t && twin[i - 1].seq > e.seq))) {
		twin[i] = twin[i - 1];
		i--;
	}
	twin[i] = e;
	twin_n++;
}

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t xs(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(test_evq_matches_sorted_array)
{
	static struct evq_ev ev[N_EV];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 4), 0); /* small: exercises growth */
	for (int i = 0; i < N_EV; i++)
		evq_ev_init(&ev[i], i);
	twin_n = 0;
	rb_us now = 0;
	long pops = 0;
	for (int step = 0; step < 100000; step++) {
		int op = (int)(xs() % 10);
		int id = (int)(xs() % N_EV);
		if (op < 5) { /* schedule or reschedule; few distinct times: many ties */
			rb_us t = now + (rb_us)(xs() % 50);
			ck_assert_int_eq(evq_schedule(&q, &ev[id], t), 0);
			twin_add(id, t);
		} else if (op < 7) {
			evq_cancel(&q, &ev[id]);
			twin_remove(id);
			ck_assert(!evq_pending(&ev[id]));
		} else {
			struct evq_ev *e = evq_pop(&q);
			if (twin_n == 0) {
				ck_assert_ptr_null(e);
				continue;
			}
			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->type, twin[0].id);
			ck_assert_int_eq(e->t, twin[0].t);
			ck_assert(e->t >= now);
			now = e->t;
			twin_remove(twin[0].id);
			pops++;
		}
		ck_assert_uint_eq(evq_len(&q), (unsigned)twin_n);
	}
	ck_assert(pops > 25000);
	drain_in_twin_order(&q); /* the rest comes out in order too */
}
END_TEST

START_TEST(test_evq_equal_times_fire_in_scheduling_order)
{
	struct evq_ev ev[100];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int i = 0; i < 100; i++) {
		evq_ev_init(&ev[i], i);
		ck_assert_int_eq(evq_schedule(&q, &ev[i], 7), 0);
	}
	/* Rescheduling at the same time moves an event behind the others. */
	ck_assert_int_eq(evq_schedule(&q, &ev[0], 7), 0);
	for (int i = 1; i < 100; i++)
		ck_assert_int_eq(evq_pop(&q)->type, i);
	ck_assert_int_eq(evq_pop(&q)->type, 0);
	ck_assert_ptr_null(evq_peek(&q));
	evq_destroy(&q);
}
END_TEST

START_TEST(test_evq_cancel_not_scheduled_is_noop)
{
	struct evq_ev a, b;
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 2), 0);
	evq_ev_init(&a, 1);
	evq_ev_init(&b, 2);
	evq_cancel(&q, &a);
	ck_assert_int_eq(evq_schedule(&q, &a, 10), 0);
	ck_assert_int_eq(evq_schedule(&q, &b, 5), 0);
	evq_cancel(&q, &b);
	evq_cancel(&q, &b);
	ck_assert_uint_eq(evq_len(&q), 1);
	ck_assert_ptr_eq(evq_pop(&q), &a);
	ck_assert(!evq_pending(&a));
	evq_destroy(&q);
}
END_TEST

START_TEST(test_evq_priority_orders_equal_times)
{
	struct evq_ev ev[6];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 2), 0);
	for (int i = 0; i < 6; i++)
		evq_ev_init(&ev[i], i);
	ck_assert_int_eq(evq_schedule_prio(&q, &ev[0], 5, 3), 0); /* a CANCEL */
	ck_assert_int_eq(evq_schedule_prio(&q, &ev[1], 5, 2), 0); /* a join check */
	ck_assert_int_eq(evq_schedule(&q, &ev[2], 5), 0);         /* a staff free */
	ck_assert_int_eq(evq_schedule_prio(&q, &ev[3], 4, 3), 0); /* earlier time first */
	ck_assert_int_eq(evq_schedule_prio(&q, &ev[4], 5, 3), 0);
	ck_assert_int_eq(evq_schedule(&q, &ev[5], 5), 0);
	int want[] = {3, 2, 5, 1, 0, 4};
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(evq_pop(&q)->type, want[i]);
	evq_destroy(&q);
}
END_TEST


/* A time for the mixed test: mostly near now, at four scales, sometimes in
 * the past, sometimes at the far end of the range. */
static rb_us mixed_time(rb_us now)
{
	switch (xs() % 8) {
	case 0:
		return now + (rb_us)(xs() % 3);              /* ties */
	case 1:
	case 2:
		return now + (rb_us)(xs() % 1000);           /* ms */
	case 3:
	case 4:
		return now + (rb_us)(xs() % 300000000);      /* minutes */
	case 5:
		return now + (rb_us)(xs() % 10000000000000); /* months */
	case 6:
		return now - (rb_us)(xs() % 5000);           /* already due */
	default:
		return INT64_MAX - (rb_us)(xs() % 4);        /* never, nearly */
	}
}

START_TEST(test_evq_matches_sorted_array_at_mixed_scales)
{
	static struct evq_ev ev[N_MIX];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int i = 0; i < N_MIX; i++)
		evq_ev_init(&ev[i], i);
	twin_n = 0;
	rb_us now = 1000000;
	long pops = 0;
	for (int step = 0; step < 60000; step++) {
		/* phases: fill up, churn, drain (the buckets grow and shrink) */
		int fill = step % 20000 < 7000 ? 8 : step % 20000 < 14000 ? 5 : 2;
		int op = (int)(xs() % 10);
		int id = (int)(xs() % N_MIX);
		if (op < fill) {
			rb_us t = mixed_time(now);
			ck_assert_int_eq(evq_schedule_prio(&q, &ev[id], t, 0), 0);
			twin_add(id, t);
		} else if (op == fill) {
			evq_cancel(&q, &ev[id]);
			twin_remove(id);
		} else {
			struct evq_ev *e = evq_pop(&q);
			if (twin_n == 0) {
				ck_assert_ptr_null(e);
				continue;
			}
			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->type, twin[0].id);
			ck_assert_int_eq(e->t, twin[0].t);
			if (e->t < INT64_MAX - 10)
				now = e->t;
			twin_remove(twin[0].id);
			pops++;
		}
		ck_assert_uint_eq(evq_len(&q), (unsigned)twin_n);
		if (twin_n) {
			ck_assert_ptr_nonnull(evq_peek(&q));
			ck_assert_int_eq(evq_peek(&q)->type, twin[0].id);
		}
	}
	ck_assert(pops > 15000);
	drain_in_twin_order(&q);
}
END_TEST

/* 3,000 events at one instant, in two priorities, rescheduled and cancelled
 * while the buckets grow: scheduling order within a priority, whatever the
 * width the queue chose (every event in one bucket). */
START_TEST(test_evq_ties_through_resizes)
{
	enum { NT = 3000 };
	static struct evq_ev ev[NT];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int i = 0; i < NT; i++) {
		evq_ev_init(&ev[i], i);
		ck_assert_int_eq(evq_schedule_prio(&q, &ev[i], 42, (unsigned)(i % 2)), 0);
	}
	ck_assert_int_eq(evq_schedule_prio(&q, &ev[10], 42, 0), 0); /* to the back of prio 0 */
	evq_cancel(&q, &ev[11]);
	int prev = -1;
	for (int k = 0; k < NT / 2; k++) { /* priority 0: even ids, 10 last */
		struct evq_ev *e = evq_pop(&q);
		ck_assert_int_eq(e->t, 42);
		ck_assert_int_eq(e->type % 2, 0);
		if (k == NT / 2 - 1)
			ck_assert_int_eq(e->type, 10);
		else
			ck_assert_int_gt(e->type, prev);
		prev = e->type;
	}
	prev = -1;
	for (int k = 0; k < NT / 2 - 1; k++) { /* then priority 1, without 11 */
		struct evq_ev *e = evq_pop(&q);
		ck_assert_int_eq(e->type % 2, 1);
		ck_assert_int_ne(e->type, 11);
		ck_assert_int_gt(e->type, prev);
		prev = e->type;
	}
	ck_assert_ptr_null(evq_pop(&q));
	ck_assert_uint_eq(evq_len(&q), 0);
	evq_destroy(&q);
}
END_TEST

/* The key of the next event (the model's merge with its arrivals) is the
 * one evq_key_next gave it, and EVQ_KEY_MAX when empty. */
START_TEST(test_evq_top_key_orders_like_the_queue)
{
	struct evq_ev a, b;
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	evq_ev_init(&a, 1);
	evq_ev_init(&b, 2);
	ck_assert(evq_top_key(&q) == EVQ_KEY_MAX);
	ck_assert_int_eq(evq_schedule(&q, &a, 100), 0);
	evq_key k_same = evq_key_next(&q, 100, 0); /* scheduled after a, same time */
	ck_assert(evq_top_key(&q) < k_same);
	evq_key k_early = evq_key_next(&q, 99, 3);
	ck_assert(k_early < evq_top_key(&q));
	ck_assert_int_eq(evq_schedule_prio(&q, &b, 100, 0), 0);
	ck_assert(evq_top_key(&q) < k_same);
	ck_assert_ptr_eq(evq_pop(&q), &a);
	ck_assert(evq_top_key(&q) > k_same); /* b was scheduled after k_same */
	ck_assert_ptr_eq(evq_pop(&q), &b);
	ck_assert(evq_top_key(&q) == EVQ_KEY_MAX);
	evq_destroy(&q);
}
END_TEST

/*
 * An owner's own stream merged with the queue by evq_seq_next and
 * evq_ev_before (the model's arrivals) comes out in the order the queue
 * would give had every event been scheduled in it: one queue holds all,
 * the other every third event, the rest kept outside with the sequence
 * number taken when it would have been scheduled; popped with evq_peek
 * and evq_take.
 */
START_TEST(test_evq_seq_merge_orders_like_the_queue)
{
	enum { NM = 3000 };
	static struct evq_ev all[NM], some[NM];
	static rb_us own_t[NM];
	static uint64_t own_seq[NM];
	static int own_id[NM];
	struct evq qa, qs;
	ck_assert_int_eq(evq_init(&qa, 0), 0);
	ck_assert_int_eq(evq_init(&qs, 0), 0);
	int n_own = 0;
	for (int i = 0; i < NM; i++) {
		rb_us t = (rb_us)(xs() % 5000); /* ties across the two */
		unsigned prio = (unsigned)(xs() % 4);
		evq_ev_init(&all[i], i);
		ck_assert_int_eq(evq_schedule_prio(&qa, &all[i], t, prio), 0);
		if (i % 3) {
			evq_ev_init(&some[i], i);
			ck_assert_int_eq(evq_schedule_prio(&qs, &some[i], t, prio), 0);
		} else { /* sorted insertion: the owner's stream is in key order */
			uint64_t seq = evq_seq_next(&qs, prio);
			int j = n_own++;
			while (j > 0 && (own_t[j - 1] > t || (own_t[j - 1] == t && own_seq[j - 1] > seq))) {
				own_t[j] = own_t[j - 1];
				own_seq[j] = own_seq[j - 1];
				own_id[j] = own_id[j - 1];
				j--;
			}
			own_t[j] = t;
			own_seq[j] = seq;
			own_id[j] = i;
		}
	}
	int k = 0;
	for (int i = 0; i < NM; i++) {
		struct evq_ev *want = evq_pop(&qa), *e = evq_peek(&qs);
		ck_assert_ptr_nonnull(want);
		int got;
		if (k < n_own && (!e || evq_ev_before(own_t[k], own_seq[k], e))) {
			got = own_id[k++];
		} else {
			evq_take(&qs, e);
			got = e->type;
			ck_assert(!evq_pending(e));
		}
		ck_assert_int_eq(got, want->type);
	}
	ck_assert_ptr_null(evq_pop(&qa));
	ck_assert_ptr_null(evq_peek(&qs));
	ck_assert_int_eq(k, n_own);
	evq_destroy(&qa);
	evq_destroy(&qs);
}
END_TEST

/*
 * The end of time: every bucket's list ends at the queue's own end event
 * (due at INT64_MAX, after every sequence number), which lies in the last
 * absolute bucket of all. Events due there and just before it, one µs
 * apart with gaps (the width then a µs or two, so the scan passes empty
 * buckets whose head is that end event, up to the last bucket itself), in
 * all four priorities, with events near 0 between them: the queue gives
 * them in (time, priority, scheduling) order against a sorted reference,
 * never the end event, and nothing once empty, over several fills.
 */
struct ref_ent {
	rb_us t;
	unsigned prio;
	int id;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_ent *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id); /* ids in scheduling order */
}

START_TEST(test_evq_end_of_time)
{
	enum { N = 300 };
	static struct evq_ev ev[N];
	static struct ref_ent ref[N];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < N; i++) {
			uint64_t r = xs();
			rb_us t = r % 5 == 0 ? (rb_us)(r % 1000) : INT64_MAX - (rb_us)(3 * (r % 40) / 2);
			unsigned prio = (unsigned)(xs() % 4);
			evq_ev_init(&ev[i], i);
			ck_assert_int_eq(evq_schedule_prio(&q, &ev[i], t, prio), 0);
			ref[i] = (struct ref_ent){t, prio, i};
		}
		qsort(ref, N, sizeof(ref[0]), ref_cmp);
		for (int i = 0; i < N; i++) {
			struct evq_ev *e = evq_pop(&q);
			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->type, ref[i].id);
			ck_assert_int_eq(e->t, ref[i].t);
			ck_assert(!evq_pending(e));
		}
		ck_assert_ptr_null(evq_peek(&q));
		ck_assert_ptr_null(evq_pop(&q));
		ck_assert_uint_eq(evq_len(&q), 0);
	}
	evq_destroy(&q);
}
END_TEST

/*
 * 100,000 random operations (schedule, reschedule, cancel, pop, peek) on
 * 1,000 events with times spread like a call centre's (most a few minutes
 * ahead, exponential-like, some ties and some due at once), against the
 * sorted reference: the order, the lengths and evq_pending after each.
 */
START_TEST(test_evq_random_ops_against_reference)
{
	enum { N = 1000 };
	static struct evq_ev ev[N];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int i = 0; i < N; i++)
		evq_ev_init(&ev[i], i);
	twin_n = 0;
	rb_us now = 0;
	long pops = 0;
	for (int step = 0; step < 100000; step++) {
		int op = (int)(xs() % 16);
		int id = (int)(xs() % N);
		if (op < 6) {
			/* a minimum of up to three uniforms of ten minutes: short waits
			 * likelier, as exponential talks and patiences give */
			rb_us d = (rb_us)(xs() % 600000000);
			for (int k = (int)(xs() % 3); k > 0; k--) {
				rb_us d2 = (rb_us)(xs() % 600000000);
				d = d2 < d ? d2 : d;
			}
			if (xs() % 10 == 0)
				d = 0;
			ck_assert_int_eq(evq_schedule(&q, &ev[id], now + d), 0);
			twin_add(id, now + d);
		} else if (op < 8) {
			evq_cancel(&q, &ev[id]);
			twin_remove(id);
		} else if (op < 15) {
			struct evq_ev *e = evq_pop(&q);
			if (!twin_n) {
				ck_assert_ptr_null(e);
				continue;
			}
			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->type, twin[0].id);
			ck_assert_int_eq(e->t, twin[0].t);
			now = e->t;
			twin_remove(twin[0].id);
			pops++;
		} else if (twin_n) {
			ck_assert_int_eq(evq_peek(&q)->type, twin[0].id);
		}
		ck_assert_uint_eq(evq_len(&q), (unsigned)twin_n);
		ck_assert(evq_pending(&ev[id]) == twin_has(id));
	}
	ck_assert(pops > 30000);
	drain_in_twin_order(&q);
}
END_TEST

/* The bucket count against the resize rule (core/evq.c, BK_PER_EV 4): at
 * most a quarter of the buckets hold an event each after an insert; below
 * a sixteenth the buckets were halved, unless at the least, 64. */
static void check_sizing(const struct evq *q)
{
	uint32_t nb = q->mask + 1, n = evq_len(q);
	ck_assert_uint_ge(nb, 64);
	ck_assert_uint_le(n, nb / 4);
	ck_assert(nb == 64 || n >= nb / 16);
}

/*
 * A sawtooth of sizes: the queue filled from 0 to a peak and drained to a
 * trough, again and again, peaks and troughs around the resize thresholds
 * (16, 32, 64, 128 events) and beyond them, times spread over a few
 * seconds with ties; every pop against the sorted reference, and the
 * bucket count within the rule after every operation.
 */
START_TEST(test_evq_sawtooth_of_sizes_against_reference)
{
	enum { N = 600 };
	static const int peak[] = {15, 16, 17, 33, 31, 65, 129, 300, 520, 70, 17};
	static const int trough[] = {0, 7, 8, 15, 16, 9, 31, 60, 100, 3, 0};
	static struct evq_ev ev[N];
	struct evq q;
	ck_assert_int_eq(evq_init(&q, 0), 0);
	for (int i = 0; i < N; i++)
		evq_ev_init(&ev[i], i);
	twin_n = 0;
	rb_us now = 0;
	int next_id = 0;
	long pops = 0;
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < sizeof(peak) / sizeof(peak[0]); k++) {
			while (twin_n < peak[k]) {
				while (twin_has(next_id))
					next_id = (next_id + 1) % N;
				rb_us t = now + (rb_us)(xs() % 4000000) / 1000 * 1000;
				ck_assert_int_eq(evq_schedule(&q, &ev[next_id], t), 0);
				twin_add(next_id, t);
				check_sizing(&q);
			}
			while (twin_n > trough[k]) {
				if (xs() % 4 == 0) { /* a cancel of any event held */
					int id = twin[xs() % (uint64_t)twin_n].id;
					evq_cancel(&q, &ev[id]);
					twin_remove(id);
				} else {
					struct evq_ev *e = evq_pop(&q);
					ck_assert_ptr_nonnull(e);
					ck_assert_int_eq(e->type, twin[0].id);
					ck_assert_int_eq(e->t, twin[0].t);
					now = e->t;
					twin_remove(twin[0].id);
					pops++;
				}
				ck_assert_uint_eq(evq_len(&q), (unsigned)twin_n);
				check_sizing(&q);
			}
		}
	ck_assert(pops > 2000);
	drain_in_twin_order(&q);
}
END_TEST

static Suite *evq_suite(void)
{
	Suite *s = suite_create("evq");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_evq_matches_sorted_array);
	tcase_add_test(tc, test_evq_equal_times_fire_in_scheduling_order);
	tcase_add_test(tc, test_evq_cancel_not_scheduled_is_noop);
	tcase_add_test(tc, test_evq_priority_orders_equal_times);
	tcase_add_test(tc, test_evq_matches_sorted_array_at_mixed_scales);
	tcase_add_test(tc, test_evq_ties_through_resizes);
	tcase_add_test(tc, test_evq_top_key_orders_like_the_queue);
	tcase_add_test(tc, test_evq_seq_merge_orders_like_the_queue);
	tcase_add_test(tc, test_evq_end_of_time);
	tcase_add_test(tc, test_evq_random_ops_against_reference);
	tcase_add_test(tc, test_evq_sawtooth_of_sizes_against_reference);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evq_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
