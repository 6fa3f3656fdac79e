/*
 * evq: a calendar queue of embedded events (Brown 1988); see evq.h.
 *
 * Time is cut into buckets of 2^shift µs; the bucket of an event is its
 * absolute bucket number (key time >> shift) modulo nb, and each bucket holds
 * its events in a doubly linked list sorted by key. No event's absolute
 * bucket is below q->cur, so the next event is the head of the first
 * bucket, from cur on, whose head lies in that very absolute bucket; after
 * a whole turn without one (the queue's events are all a "year" or more
 * ahead), the least head of all. nb is doubled when the events reach a
 * quarter of the buckets and halved below a sixteenth (BK_PER_EV); the
 * width is chosen from the events' spacing each time (and again when pops
 * keep finding whole turns empty, or inserts passing many events): with
 * about one event per bucket-width, a pop looks at a few buckets and an
 * insert passes about one event, whatever the number of events, where a
 * heap pays log n levels each way.
 *
 * Measured on bench/model's case (1 M calls, about 250 events queued, 15
 * interleaved runs each): CPU time min 0.124 s against the 4-ary heap's
 * 0.134 s, median 0.134 against 0.140 (the machine is shared, the
 * difference about 5 %); callgrind 2,089 against 2,282 instructions per
 * call at 100,000 calls; `ringbench plan` of a 24-hour day (many short
 * queues, far-off shift changes among them) 7.43 G instructions against
 * 7.81 G. Brown's width of three times the spacing measured no better than
 * the heap here: each event passed in a bucket's list is another call
 * record read. A width from the middle half of all events (instead of the
 * first 32) let a day's shift changes widen the buckets; choosing it again
 * whenever inserts passed over 2 events each cost more in rebuilds than it
 * saved (plan: 31,000 rebuilds), over 8 each it fires rarely.
 *
 * Lists ending at the queue's own end event instead of NULL (evq.h) took
 * the model's mispredicted branches from 4.76 to 3.36 per call and its CPU
 * time down about 9 % (callgrind with branch and cache simulation, 1,000,237
 * calls; 9 interleaved runs of 5 M calls: median 0.452 to 0.409 s), at 3.6
 * more instructions per call. Measured on the same case and left out, for
 * the same CPU time or worse: each bucket's head time kept beside its head
 * pointer, so that the scan reads no record (the scan four buckets a step
 * without a branch; 48 more instructions per call, D1 misses 5.2 to 5.6 per
 * call, 6 % slower: the keys' lines missed where the records' had been
 * read anyway); four buckets a step tested for a head at all, then the
 * first one's year (19 more instructions, 0.2 fewer mispredictions, the
 * same time); four or two heads' years a step without a branch (40 or 12
 * more instructions, 0.86 or 0.33 fewer mispredictions, the same time
 * within 1 %); the two lines of a freed record that the next call writes
 * prefetched when it is freed (the same time). Not tried: a heap of
 * compact {time, sequence, event} entries: a cancel must find its entry, so
 * either every move writes the entry's place into the event's record (the
 * record touched at each of a pop's levels, as the heap with keys inline
 * did) or cancelled entries stay in the heap until due, which reads the
 * record of a cancelled event later, after its owner may have freed it
 * (secretaryd's timers live in transactions freed once done: server/sip/stimer.h).
 *
 * Measured again on the same case and left out (bench/model/README.md,
 * sixth round; base 558.1 instructions, 3.09 mispredicted branches and
 * 4.77 D1 misses per call): one occupancy bit per bucket, the scan jumping
 * to the next set bit (2.49 or 2.63 mispredictions a call, but 36 or 31
 * more instructions to keep the bits: 3 to 4 % slower); buckets twice as
 * wide (3.5 fewer instructions, 0.09 more mispredictions: 3 % slower) or
 * half as wide (11 more instructions); four buckets per event from 16
 * buckets (the model 1.5 % faster, but `plan` of a 24-hour day twice the
 * rebuilds and 2.4 % slower; kept since, from 64 buckets: BK_PER_EV); the
 * next event of the popped one's bucket prefetched at a pop (the same
 * time); the model's arrival as an event of the queue (58 more
 * instructions and 0.9 more mispredictions a call, 20 % slower).
 */
#include "evq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Buckets per event queued: the buckets are doubled when the events reach
 * nb / BK_PER_EV and halved below nb / (4 * BK_PER_EV). The width follows
 * the events' spacing (choose_shift), so more buckets make a longer "year"
 * (buckets x width), not emptier buckets near the next event: fewer events
 * lie a year or more ahead, which an insert's walk passes and the scan
 * skips (bench/model/README.md, sixth round: the model's inserts' steps
 * 407 k to 343 k at 4 per event against 1). The first size is BK_PER_EV
 * times the old 16, so that the thresholds in events, hence the rebuilds,
 * are the ones of 1 per event: grown at 16, 32, 64... events, shrunk below
 * 8, 16, 32... (4 per event from 16 buckets doubled the rebuilds of
 * `plan`'s many short replications, each queue growing from empty).
 */
#define BK_PER_EV 4
#define NB_MIN (16 * BK_PER_EV)

static inline uint64_t ev_u(const struct evq_ev *e)
{
	return (uint64_t)e->t ^ (UINT64_C(1) << 63);
}

/* a before b: by time, then priority and sequence (evq.h) */
static inline bool ev_less(const struct evq_ev *a, const struct evq_ev *b)
{
	return evq_ev_before(a->t, a->seq, b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/*
 * The bucket width for the events now queued, from the spacing of the ones
 * due first (Brown's way: they are the ones the next pops and inserts meet;
 * far-off timers, say a day's shift changes, must not widen the buckets of
 * the next seconds): the mean gap between the first 32, again over the gaps
 * under twice that (a clump at one instant, a lull), rounded up to a power
 * of two µs. u: the n events' keys (sorted here). Returns the shift; old
 * when the events tell nothing.
 */
static unsigned choose_shift(uint64_t *u, uint32_t n, unsigned old)
{
	if (n < 2)
		return old;
	qsort(u, n, sizeof(*u), cmp_u64);
	uint32_t k = n < 32 ? n : 32;
	uint64_t avg = (u[k - 1] - u[0]) / (k - 1), sum = 0, m = 0;
	for (uint32_t i = 1; i < k; i++)
		if (u[i] - u[i - 1] <= 2 * avg) {
			sum += u[i] - u[i - 1];
			m++;
		}
	uint64_t w = m && sum ? sum / m : avg;
	if (!w)
		return old;
	unsigned s = 0;
	while (s < 62 && (UINT64_C(1) << s) < w)
		s++;
	return s;
}

/* Starts counting the inserts' walk afresh (see evq_tune). */
static void tune_reset(struct evq *q)
{
	q->walk = 0;
	q->ins_left = q->ins_span = 64 + q->n;
}

/* The thresholds that send the inline paths here, for nb buckets. */
static void set_limits(struct evq *q, uint32_t nb)
{
	q->mask = nb - 1;
	q->grow_at = nb <= UINT32_MAX / 2 ? nb / BK_PER_EV : UINT32_MAX;
	q->shrink_at = nb > NB_MIN ? nb / (4 * BK_PER_EV) : 0;
}

/* nb empty buckets: each head the queue's end (evq.h). */
static void bk_clear(struct evq *q, uint32_t nb)
{
	for (uint32_t b = 0; b < nb; b++)
		q->bucket[b] = &q->end;
}

/* Every event unlinked into one list (through next), its key into u (when
 * given): one pass over the buckets, which outnumber the events. */
static struct evq_ev *gather(struct evq *q, uint64_t *u)
{
	struct evq_ev *all = NULL;
	uint32_t k = 0;
	for (uint32_t b = 0; b <= q->mask; b++) {
		struct evq_ev *e = q->bucket[b];
		while (e != &q->end) {
			struct evq_ev *next = e->next;
			if (u)
				u[k++] = ev_u(e);
			e->next = all;
			all = e;
			e = next;
		}
	}
	return all;
}

/* New buckets: nb of them (a power of two), the width chosen afresh. The
 * same count (a new width only) keeps the array. */
static int rebuild(struct evq *q, uint32_t nb)
{
	uint64_t *u = q->n ? malloc((size_t)q->n * sizeof(*u)) : NULL;
	bool keep = nb == q->mask + 1;
	struct evq_ev **nbk = keep ? q->bucket : malloc((size_t)nb * sizeof(*nbk));
	if (!nbk || (q->n && !u)) {
		free(u);
		if (!keep)
			free(nbk);
		return ENOMEM;
	}
	struct evq_ev *all = gather(q, u);
	unsigned shift = u ? choose_shift(u, q->n, q->shift) : q->shift;
	free(u);
	if (!keep) {
		free(q->bucket);
		q->bucket = nbk;
	}
	bk_clear(q, nb);
	set_limits(q, nb);
	q->shift = shift;
	q->cur = UINT64_MAX;
	q->scans = 0;
	while (all) {
		struct evq_ev *next = all->next;
		evq_link(q, all);
		all = next;
	}
	if (q->cur == UINT64_MAX)
		q->cur = 0;
	tune_reset(q);
	return 0;
}

int evq_init(struct evq *q, uint32_t cap_hint)
{
	(void)cap_hint; /* buckets follow the events queued, not a guess */
	memset(q, 0, sizeof(*q));
	set_limits(q, NB_MIN);
	q->shift = 20; /* about a second, until events say otherwise */
	tune_reset(q);
	evq_ev_init(&q->end, 0);
	q->end.t = INT64_MAX;
	q->end.seq = UINT64_MAX; /* after any event's: see evq_seq_next */
	q->bucket = malloc(NB_MIN * sizeof(*q->bucket));
	if (!q->bucket)
		return ENOMEM;
	bk_clear(q, NB_MIN);
	return 0;
}

void evq_destroy(struct evq *q)
{
	free(q->bucket);
	q->bucket = NULL;
	q->n = 0;
	q->mask = 0;
	q->grow_at = q->shrink_at = 0;
	q->top = NULL;
}

/* After a removal, the buckets mostly empty: half as many (a failed shrink
 * only leaves them as they are). */
void evq_shrink(struct evq *q)
{
	if (q->mask + 1 > NB_MIN && q->n < q->shrink_at)
		rebuild(q, (q->mask + 1) / 2);
}

/* The width gone stale (inserts passing many events each: the events now
 * closer together than when it was chosen): choose it again. */
void evq_tune(struct evq *q)
{
	if (q->walk > 8 * (uint64_t)q->ins_span && !rebuild(q, q->mask + 1))
		return;
	tune_reset(q);
}

/* evq_schedule_prio's other cases: ev already scheduled (moved), or the
 * buckets full (twice as many first). */
int evq_schedule_slow(struct evq *q, struct evq_ev *ev, rb_us t, unsigned prio)
{
	if (ev->pprev) {
		if (q->top == ev)
			q->top = NULL;
		evq_unlink(ev);
		q->n--;
	} else if (q->n >= q->grow_at) {
		int err = rebuild(q, (q->mask + 1) * 2);
		if (err)
			return err;
	}
	ev->t = t;
	ev->seq = evq_seq_next(q, prio);
	evq_link(q, ev);
	q->n++;
	if (q->top && ev_less(ev, q->top))
		q->top = ev;
	if (--q->ins_left == 0)
		evq_tune(q);
	return 0;
}

/* The least head of all buckets (a whole turn found none in its year). */
static struct evq_ev *direct_search(struct evq *q)
{
	struct evq_ev *best = NULL;
	for (uint32_t b = 0; b <= q->mask; b++) {
		struct evq_ev *h = q->bucket[b];
		if (h != &q->end && (!best || ev_less(h, best)))
			best = h;
	}
	return best;
}

struct evq_ev *evq_find_far(struct evq *q)
{
	/* Events sparse for the width: find it, and after a few such turns
	 * choose the width again (a failed rebuild keeps the old one). */
	struct evq_ev *h = direct_search(q);
	q->cur = ev_u(h) >> q->shift;
	if (++q->scans > 4 && !rebuild(q, q->mask + 1))
		q->cur = ev_u(h) >> q->shift;
	q->top = h;
	return h;
}
