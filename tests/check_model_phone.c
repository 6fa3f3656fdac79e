/*
 * The model with phone settings (center.phone, docs/definitions.md "Ringing
 * a phone"): rules checked call by call on small scenarios (case "rules",
 * label unit), then the figures over many calls with fixed seeds (case
 * "statistical", label statistical: tests/model_phone.cmake runs each case
 * as its own ctest test).
 *
 *   - timing: a ring whose pick-up draw is over the timeout rings out, the
 *     operator is not rung again for not_ready_s: alone, a call's wait is
 *     k x (ring_timeout + not_ready) + its answered ring's pick-up;
 *   - place kept: one operator, calls all waiting, rings out unanswered:
 *     still answered in arrival order;
 *   - no_answer 0 and a timeout no pick-up reaches: every call as without
 *     the key (morning-burst: backup, redials, shifts), draw for draw;
 *   - statistical: ring_no_answer / rings is no_answer within 4 binomial
 *     standard errors (callers who never hang up, so every ring ends in an
 *     answer or a no-answer); the service level falls with no_answer 0.1.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "scn.h"

#define S RB_US_PER_S

static struct callrec *recs;
static int n_recs, cap_recs;

static void on_call(const struct callrec *r, int rep, void *arg)
{
	(void)arg;
	if (rep != 0)
		return;
	if (n_recs == cap_recs) {
		cap_recs = cap_recs ? 2 * cap_recs : 256;
		recs = realloc(recs, (size_t)cap_recs * sizeof(*recs));
		ck_assert_ptr_nonnull(recs);
	}
	recs[n_recs++] = *r;
}

static long rec_id(const struct callrec *r)
{
	const char *dash = strchr(r->call_id, '-');
	return dash ? strtol(dash + 1, NULL, 10) : -1;
}

static int by_id(const void *a, const void *b)
{
	long x = rec_id(a), y = rec_id(b);
	return (x > y) - (x < y);
}

static struct scenario *load_text(const char *yaml)
{
	struct scenario *s = NULL;
	char err[512] = "";
	ck_assert_msg(scn_load_string(yaml, strlen(yaml), "t.yaml", &s, err, sizeof err) == 0,
		      "scenario: %s", err);
	return s;
}

/* Replication 0's calls in dial order (with call_h), stats over reps. */
static void run(const struct scenario *s, uint64_t seed, int reps, struct model_stats *st)
{
	n_recs = 0;
	struct model_opts o = {
	    .scn = s, .seed = seed, .replications = reps, .jobs = 1, .call_h = on_call,
	};
	ck_assert_int_eq(model_run(&o, st), 0);
	qsort(recs, (size_t)n_recs, sizeof(*recs), by_id);
}

/* One operator, 40 calls 1000 s apart (bursts of one), patience never. */
static struct scenario *lonely(const char *pickup, const char *phone)
{
	static char y[8192];
	int k = snprintf(y, sizeof y,
			 "center: {operators: 1, pickup_s: %s, phone: %s}\n"
			 "tenants: [{id: a, number: \"1\"}]\n"
			 "callers: {talk_s: 60}\n"
			 "load: [{phase: p, duration_s: 41000, rate_per_min: 0, bursts: [",
			 pickup, phone);
	for (int i = 0; i < 40; i++)
		k += snprintf(y + k, sizeof y - (size_t)k, "%s{at_s: %d, calls: 1}", i ? ", " : "",
			      i * 1000);
	snprintf(y + k, sizeof y - (size_t)k, "]}]\n");
	return load_text(y);
}

START_TEST(test_model_phone_timing_alone)
{
	/* Pick-up 10 to 20 s against a 15 s timeout: half the rings go out. */
	struct scenario *s = lonely("{uniform: [10, 20]}", "{ring_timeout_s: 15, not_ready_s: 30}");
	struct model_stats st;
	run(s, 3, 1, &st);
	ck_assert_int_eq(n_recs, 40);
	int redone = 0;
	for (int i = 0; i < n_recs; i++) {
		const struct callrec *r = &recs[i];
		ck_assert_int_eq(r->outcome, OUTCOME_ANSWERED);
		if (r->drawn_pickup <= 15 * S) {
			/* answered on the first ring, its dial's pick-up */
			ck_assert_int_eq(r->wait, r->drawn_pickup);
			continue;
		}
		/* k rings out (15 s, then 30 s not ready), then one answered in 10..15 s */
		redone++;
		rb_us k = r->wait / (45 * S), p = r->wait % (45 * S);
		ck_assert_int_ge(k, 1);
		ck_assert_msg(p >= 10 * S && p <= 15 * S, "call %d: wait %lld", i, (long long)r->wait);
	}
	ck_assert_int_gt(redone, 5);
	ck_assert_uint_eq(st.ring_no_answer + (uint64_t)n_recs, st.rings);
	ck_assert_uint_eq(st.ring_cancelled, 0);
	scn_free(s);
}
END_TEST

START_TEST(test_model_phone_no_answer_keeps_place)
{
	/* One operator, 20 calls at once (bursts of 20 at 0 s), 40 % of rings
	 * unanswered: the operator always rings the oldest, so the calls are
	 * answered in the order they came, however many rings went out. */
	struct scenario *s = load_text(
	    "center: {operators: 1, pickup_s: {uniform: [1, 3]},\n"
	    "  phone: {ring_timeout_s: 10, no_answer: 0.4, not_ready_s: 20}}\n"
	    "tenants: [{id: a, number: \"1\"}]\n"
	    "callers: {talk_s: 30}\n"
	    "load: [{phase: p, duration_s: 5000, rate_per_min: 0, bursts: [\n"
	    "  {at_s: 0, calls: 20, within_s: 0}, {at_s: 2000, calls: 20, within_s: 0}]}]\n");
	struct model_stats st;
	run(s, 11, 1, &st);
	ck_assert_int_eq(n_recs, 40);
	/* burst arrivals at one instant: dial order is arrival order */
	for (int i = 1; i < n_recs; i++) {
		ck_assert_int_eq(recs[i].outcome, OUTCOME_ANSWERED);
		ck_assert_msg(recs[i].t_answer > recs[i - 1].t_answer,
			      "call %d answered at %lld, before call %d at %lld", i + 1,
			      (long long)recs[i].t_answer, i, (long long)recs[i - 1].t_answer);
	}
	ck_assert_uint_gt(st.ring_no_answer, 8);
	scn_free(s);
}
END_TEST

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_model_phone_never_out_is_today)
{
	/* morning-burst (backup, redials, shifts, no-answer forwarding) with
	 * phones that never ring out: every call exactly as without the key. */
	char path[1024];
	snprintf(path, sizeof path, "%s/scenarios/morning-burst.yaml", RB_SOURCE_DIR);
	struct scenario *s = load_text(slurp(path));
	run(s, 5, 2, NULL);
	int n0 = n_recs;
	struct callrec *base = malloc((size_t)n0 * sizeof(*base));
	ck_assert_ptr_nonnull(base);
	memcpy(base, recs, (size_t)n0 * sizeof(*base));
	struct scn_phone ph = {.ring_timeout = 1000 * S, .no_answer = 0, .not_ready = 30 * S};
	s->center.phone = s->center.backup_phone = ph;
	struct model_stats st;
	run(s, 5, 2, &st);
	ck_assert_int_eq(n_recs, n0);
	ck_assert_int_gt(n0, 300);
	for (int i = 0; i < n0; i++) {
		ck_assert_str_eq(recs[i].call_id, base[i].call_id);
		ck_assert_int_eq(recs[i].outcome, base[i].outcome);
		ck_assert_int_eq(recs[i].wait, base[i].wait);
		ck_assert_int_eq(recs[i].t_end, base[i].t_end);
		ck_assert_str_eq(recs[i].answered_by, base[i].answered_by);
	}
	ck_assert_uint_eq(st.ring_no_answer, 0);
	free(base);
	scn_free(s);
}
END_TEST

/* --- statistical ----------------------------------------------------------- */

/* Erlang A's center with a pick-up that rings, no_answer and patience set. */
static struct scenario *busy(double no_answer, const char *patience)
{
	char y[1024];
	snprintf(y, sizeof y,
		 "center: {operators: 20, pickup_s: {uniform: [2, 6]},\n"
		 "  phone: {ring_timeout_s: 15, no_answer: %g, not_ready_s: 30}}\n"
		 "tenants: [{id: a, number: \"1\"}]\n"
		 "callers: {patience_s: %s, talk_s: {exponential: 120}}\n"
		 "load: [{phase: p, duration_s: 7800, rate_per_min: 9}]\n"
		 "run: {warmup_s: 600}\n",
		 no_answer, patience);
	return load_text(y);
}

START_TEST(test_model_phone_no_answer_share_of_rings)
{
	/* Nobody hangs up: each ring ends answered or not, not answered with
	 * probability no_answer (pick-up 2..6 s never reaches 15 s), each ring
	 * from its own sub-stream: binomial. Tolerance: 4 standard errors. */
	for (int k = 0; k < 2; k++) {
		double p = k ? 0.25 : 0.1;
		struct scenario *s = busy(p, "{never: true}");
		struct model_stats st;
		run(s, 42, 20, &st);
		double n = (double)st.rings, f = (double)st.ring_no_answer / n;
		double se = sqrt(p * (1 - p) / n);
		ck_assert_uint_eq(st.ring_cancelled, 0);
		ck_assert_msg(n > 20000, "rings %g", n);
		ck_assert_msg(fabs(f - p) < 4 * se, "no_answer %g: %g of %g rings (se %g)", p, f, n,
			      se);
		printf("model_phone: no_answer %.2f: %llu of %llu rings not answered (%.4f, se %.4f)\n",
		       p, (unsigned long long)st.ring_no_answer, (unsigned long long)st.rings, f, se);
		scn_free(s);
	}
}
END_TEST

/* Share of counted offered calls answered within 3 rings, over rep 0. */
static double within3(void)
{
	int off = 0, ok = 0;
	for (int i = 0; i < n_recs; i++) {
		const struct callrec *r = &recs[i];
		if (!r->counted || (r->outcome != OUTCOME_ANSWERED && r->outcome != OUTCOME_ABANDONED))
			continue;
		off++;
		ok += r->outcome == OUTCOME_ANSWERED && r->rings <= 3;
	}
	return off ? (double)ok / off : NAN;
}

START_TEST(test_model_phone_service_level_falls)
{
	/* The same callers (seed 9), one ring in ten unanswered: fewer answered
	 * within 3 rings. Measured at writing: 0.83 against 0.74 over one
	 * replication of 2 h; asserted: a fall of at least 0.03. */
	struct scenario *s0 = busy(0, "{exponential: 60}"), *s1 = busy(0.1, "{exponential: 60}");
	run(s0, 9, 1, NULL);
	double a = within3();
	struct model_stats st;
	run(s1, 9, 1, &st);
	double b = within3();
	printf("model_phone: answered within 3 rings %.4f without, %.4f with no_answer 0.1; "
	       "%llu of %llu rings unanswered, %llu callers gone while rung\n",
	       a, b, (unsigned long long)st.ring_no_answer, (unsigned long long)st.rings,
	       (unsigned long long)st.ring_cancelled);
	ck_assert_msg(a - b > 0.03, "within 3 rings %g without, %g with", a, b);
	scn_free(s0);
	scn_free(s1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model_phone");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_model_phone_timing_alone);
	tcase_add_test(tc, test_model_phone_no_answer_keeps_place);
	tcase_add_test(tc, test_model_phone_never_out_is_today);
	suite_add_tcase(s, tc);
	/* Tagged too: check 0.15 reads CK_EXCLUDE_TAGS, not CK_EXCLUDE_CASE. */
	tc = tcase_create("statistical");
	tcase_set_tags(tc, "statistical");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_model_phone_no_answer_share_of_rings);
	tcase_add_test(tc, test_model_phone_service_level_falls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(recs);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
