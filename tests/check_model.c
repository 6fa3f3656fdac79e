/*
 * The model engine on small deterministic scenarios whose outcomes can be
 * worked out by hand (fixed distributions, bursts within 0 s), then
 * reproducibility (same seed, same summary.json whatever the thread count)
 * and a golden summary.json for scenarios/quick.yaml.
 *
 * Regenerating the golden file (after a deliberate change of the engine, the
 * summary or quick.yaml; say why in the commit):
 *   RB_GOLDEN_WRITE=1 build/check_model
 * writes tests/data/golden/quick-seed1.summary.json; review its diff. The
 * comparison is byte for byte but for the "version" line. The run uses
 * --jobs 1 to write and 2 to compare, so the file also pins down that the
 * thread count changes nothing.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "scn.h"
#include "summary.h"
#include "timeline.h"

#define S RB_US_PER_S

/* Every call of replication 0, in dial order (call_id "m0-N"). */
static struct callrec *recs;
static int n_recs, cap_recs;

static void on_call(const struct callrec *r, int rep, void *arg)
{
	(void)arg;
	if (rep != 0)
		return;
	if (n_recs == cap_recs) {
		cap_recs = cap_recs ? 2 * cap_recs : 64;
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

static struct scenario *load(const char *yaml)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int e = scn_load_string(yaml, strlen(yaml), "test.yaml", &s, err, sizeof(err));
	ck_assert_msg(e == 0, "scenario: %s", err);
	return s;
}

/* Runs one replication of yaml, collecting its calls in dial order. */
static struct scenario *run_calls(const char *yaml, struct timeline *tl)
{
	struct scenario *s = load(yaml);
	n_recs = 0;
	struct model_opts o = {
		.scn = s, .seed = 1, .replications = 1, .jobs = 1,
		.timeline = tl, .call_h = on_call,
	};
	ck_assert_int_eq(model_run(&o, NULL), 0);
	qsort(recs, (size_t)n_recs, sizeof(*recs), by_id);
	return s;
}

#define CENTER_1OP(pickup, wrapup, extra)                                             \
	"name: t\nring_period_s: 3\n"                                                  \
	"center: {operators: 1, pickup_s: " pickup ", wrapup_s: " wrapup extra "}\n"

#define ONE_TENANT "tenants:\n  - {id: a, number: \"031\", name: \"A\", share: 1, forwarding: unconditional}\n"

START_TEST(test_model_burst_one_operator_waits_talk_multiples)
{
	/* 3 calls at 0 on one operator, talk 60 s: waits 0, 60, 120 s. */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 3, within_s: 0}]}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(recs[i].outcome, OUTCOME_ANSWERED);
		ck_assert_int_eq(recs[i].t_dial, 0);
		ck_assert_int_eq(recs[i].wait, i * 60 * S);
		ck_assert_int_eq(recs[i].t_end, (i + 1) * 60 * S);
		ck_assert_int_eq(recs[i].rings, i * 20 + 1);
		ck_assert_str_eq(recs[i].answered_by, "op1");
		ck_assert_int_eq(recs[i].final_status, 200);
	}
	scn_free(s);
}
END_TEST

START_TEST(test_model_fixed_patience_third_abandons)
{
	/* Patience 100 s: the third call (would wait 120 s) hangs up at 100 s. */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {fixed: 100}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 3, within_s: 0}]}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 3);
	ck_assert_int_eq(recs[1].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[2].outcome, OUTCOME_ABANDONED);
	ck_assert_int_eq(recs[2].t_cancel, 100 * S);
	ck_assert_int_eq(recs[2].wait, 100 * S);
	ck_assert_int_eq(recs[2].final_status, 487);
	ck_assert_str_eq(recs[2].answered_by, "");
	scn_free(s);
}
END_TEST

START_TEST(test_model_cancel_at_the_200_instant_is_answered)
{
	/* Patience 60 s, the second call is taken at exactly 60 s: the 200 wins. */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {fixed: 60}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 2);
	ck_assert_int_eq(recs[1].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[1].wait, 60 * S);
	scn_free(s);
	/* The same with a pick-up: taken at 55 s, 200 at 60 s, CANCEL at 60 s. */
	s = run_calls(CENTER_1OP("5", "0", "") ONE_TENANT
		      "callers: {patience_s: {fixed: 60}, talk_s: {fixed: 50}}\n"
		      "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		      " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n",
		      NULL);
	ck_assert_int_eq(recs[0].wait, 5 * S);
	ck_assert_int_eq(recs[1].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[1].t_answer, 60 * S);
	scn_free(s);
	/*
	 * The CANCEL scheduled first: op1 talks 50 s then wraps up 10 s (that
	 * timer is set at 50 s), the caller's patience timer (set at 0 s) ends at
	 * 60 s too. The operator frees up and answers (pick-up 0) at 60 s: the
	 * 200 wins although the CANCEL was due first in scheduling order.
	 */
	s = run_calls(CENTER_1OP("0", "10", "") ONE_TENANT
		      "callers: {patience_s: {fixed: 60}, talk_s: {fixed: 50}}\n"
		      "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		      " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n",
		      NULL);
	ck_assert_int_eq(recs[1].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[1].t_answer, 60 * S);
	scn_free(s);
}
END_TEST

START_TEST(test_model_no_answer_forwarding)
{
	/* 15 s at the client's phone; patience 10 s: abandoned before forward. */
	struct scenario *s = run_calls(
		CENTER_1OP("0", "0", "")
		"tenants:\n  - {id: b, number: \"032\", name: \"B\", share: 1, forwarding: {no_answer_s: 15}}\n"
		"callers: {patience_s: {fixed: 10}, talk_s: {fixed: 60}}\n"
		"load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		" bursts: [{at_s: 5, calls: 1, within_s: 0}]}\n",
		NULL);
	ck_assert_int_eq(n_recs, 1);
	ck_assert_int_eq(recs[0].outcome, OUTCOME_ABANDONED_BEFORE_FORWARD);
	ck_assert_int_eq(recs[0].t_dial, 5 * S);
	ck_assert_int_eq(recs[0].t_invite, RB_T_NONE);
	ck_assert_int_eq(recs[0].t_cancel, 15 * S);
	ck_assert_int_eq(recs[0].forwarding, FWD_NO_ANSWER);
	scn_free(s);
	/* Patience 20 s: reaches the center at 20 s, answered at once, 6 rings heard. */
	s = run_calls(
		CENTER_1OP("0", "0", "")
		"tenants:\n  - {id: b, number: \"032\", name: \"B\", share: 1, forwarding: {no_answer_s: 15}}\n"
		"callers: {patience_s: {fixed: 20}, talk_s: {fixed: 60}}\n"
		"load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		" bursts: [{at_s: 5, calls: 2, within_s: 0}]}\n",
		NULL);
	ck_assert_int_eq(n_recs, 2);
	ck_assert_int_eq(recs[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[0].t_invite, 20 * S);
	ck_assert_int_eq(recs[0].wait, 0);
	ck_assert_int_eq(recs[0].rings_heard, 6);
	/* The second waits at the center and hangs up 5 s after arriving. */
	ck_assert_int_eq(recs[1].outcome, OUTCOME_ABANDONED);
	ck_assert_int_eq(recs[1].wait, 5 * S);
	ck_assert_int_eq(recs[1].rings_heard, 7);
	scn_free(s);
}
END_TEST

START_TEST(test_model_backup_joins_after_k_rings)
{
	/* 1 operator, 1 backup joining after 2 rings of 3 s, backup pick-up 1 s. */
	struct scenario *s = run_calls(
		CENTER_1OP("0", "0", ", backup: {staff: 1, join_after_rings: 2, pickup_s: 1}")
		ONE_TENANT
		"callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
		"load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		" bursts: [{at_s: 0, calls: 3, within_s: 0}]}\n",
		NULL);
	ck_assert_int_eq(n_recs, 3);
	ck_assert_str_eq(recs[0].answered_by, "op1");
	/* Taken at 6 s (not before), answered at 7 s: the third ring. */
	ck_assert_str_eq(recs[1].answered_by, "backup1");
	ck_assert_int_eq(recs[1].t_answer, 7 * S);
	ck_assert_int_eq(recs[1].rings, 3);
	/* The third: op1 frees at 60 s, before backup (67 s), and takes it. */
	ck_assert_str_eq(recs[2].answered_by, "op1");
	ck_assert_int_eq(recs[2].t_answer, 60 * S);
	scn_free(s);
	/*
	 * op1 frees up at the very instant the second call reaches join age
	 * (talk 3 s, wrap-up 3 s, whose timer is set after the join timer): the
	 * operator takes it, not backup.
	 */
	s = run_calls(CENTER_1OP("0", "3", ", backup: {staff: 1, join_after_rings: 2, pickup_s: 1}")
		      ONE_TENANT
		      "callers: {patience_s: {never: true}, talk_s: {fixed: 3}}\n"
		      "load:\n  - {phase: p, duration_s: 1000, rate_per_min: 0,"
		      " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n",
		      NULL);
	ck_assert_str_eq(recs[1].answered_by, "op1");
	ck_assert_int_eq(recs[1].t_answer, 6 * S);
	scn_free(s);
}
END_TEST

/* Reads column col of timeline.csv's row for second t. */
static int timeline_at(struct timeline *tl, rb_us end, int t, int col)
{
	char path[] = "/tmp/check_model_tlXXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(timeline_write(tl, path, end), 0);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[256];
	int v = -1;
	while (fgets(line, sizeof(line), f))
		if (atoi(line) == t && line[0] >= '0' && line[0] <= '9') {
			char *p = line;
			for (int c = 0; c < col && p; c++) {
				p = strchr(p, ',');
				if (p)
					p++;
			}
			v = p ? atoi(p) : -1;
			break;
		}
	fclose(f);
	unlink(path);
	return v;
}

START_TEST(test_model_hangup_during_pickup_no_wrapup)
{
	/*
	 * Pick-up 5 s, patience 4 s, wrap-up 100 s: the caller hangs up during
	 * the pick-up at 4 s and the operator is free at once (no wrap-up):
	 * nobody busy at 50 s.
	 */
	struct timeline *tl = timeline_new(0, true);
	struct scenario *s = run_calls(CENTER_1OP("5", "100", "") ONE_TENANT
				       "callers: {patience_s: {fixed: 4}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: p, duration_s: 200, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 1, within_s: 0}]}\n",
				       tl);
	ck_assert_int_eq(n_recs, 1);
	ck_assert_int_eq(recs[0].outcome, OUTCOME_ABANDONED);
	ck_assert_int_eq(recs[0].t_cancel, 4 * S);
	ck_assert_int_eq(timeline_at(tl, s->end, 2, 2), 1);  /* operators_busy at 2 s */
	ck_assert_int_eq(timeline_at(tl, s->end, 2, 1), 1);  /* still ringing */
	ck_assert_int_eq(timeline_at(tl, s->end, 50, 2), 0);
	timeline_free(tl);
	scn_free(s);
}
END_TEST

START_TEST(test_model_shift_up_takes_waiting_call)
{
	/* 1 operator, then 2 from 30 s: the second call is taken at 30 s. */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: a, duration_s: 30, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n"
				       "  - {phase: b, duration_s: 100, rate_per_min: 0, operators: 2}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 2);
	ck_assert_int_eq(recs[1].wait, 30 * S);
	ck_assert_str_eq(recs[1].answered_by, "op2");
	scn_free(s);
}
END_TEST

START_TEST(test_model_shift_down_busy_finish_first)
{
	/*
	 * 2 operators busy from 0 to 60 s; from 10 s only 1. Calls 3 and 4 come
	 * at 20 s: the leaving operator finishes its call and goes, so call 3
	 * is taken at 60 s and call 4 only at 120 s.
	 */
	struct scenario *s = run_calls(
		"name: t\nring_period_s: 3\ncenter: {operators: 2, pickup_s: 0, wrapup_s: 0}\n" ONE_TENANT
		"callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
		"load:\n  - {phase: a, duration_s: 10, rate_per_min: 0,"
		" bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n"
		"  - {phase: b, duration_s: 200, rate_per_min: 0, operators: 1,"
		" bursts: [{at_s: 10, calls: 2, within_s: 0}]}\n",
		NULL);
	ck_assert_int_eq(n_recs, 4);
	ck_assert_int_eq(recs[0].wait, 0);
	ck_assert_int_eq(recs[1].wait, 0);
	ck_assert_int_eq(recs[2].t_answer, 60 * S);
	ck_assert_int_eq(recs[3].t_answer, 120 * S);
	ck_assert_int_eq(recs[2].phase, 1);
	scn_free(s);
}
END_TEST

START_TEST(test_model_nobody_left_to_answer_is_incomplete)
{
	/* The only operator goes off after its call; the second call, patient
	 * forever, is reported incomplete rather than lost. */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
				       "load:\n  - {phase: a, duration_s: 10, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n"
				       "  - {phase: b, duration_s: 100, rate_per_min: 0, operators: 0}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 2);
	ck_assert_int_eq(recs[0].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[1].outcome, OUTCOME_INCOMPLETE);
	scn_free(s);
}
END_TEST

START_TEST(test_model_redial_after_abandon)
{
	/*
	 * 1 operator busy 0-100 s; the second caller (patience 5 s) redials 10 s
	 * after each hang-up: abandons at 5, 20, 35, 50, 65, 80, 95 s, then the
	 * redial at 105 s is answered at once.
	 */
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {fixed: 5}, talk_s: {fixed: 100},"
				       " redial: {prob: 1, after_s: {fixed: 10}}}\n"
				       "load:\n  - {phase: p, duration_s: 200, rate_per_min: 0,"
				       " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 9);
	for (int i = 1; i < 8; i++) {
		ck_assert_int_eq(recs[i].outcome, OUTCOME_ABANDONED);
		ck_assert_int_eq(recs[i].t_cancel, (5 + 15 * (i - 1)) * S);
		ck_assert_int_eq(recs[i].redial, i > 1);
	}
	ck_assert_int_eq(recs[8].outcome, OUTCOME_ANSWERED);
	ck_assert_int_eq(recs[8].t_dial, 105 * S);
	ck_assert_int_eq(recs[8].redial, true);
	scn_free(s);
}
END_TEST

START_TEST(test_model_warmup_calls_not_counted)
{
	struct scenario *s = run_calls(CENTER_1OP("0", "0", "") ONE_TENANT
				       "callers: {patience_s: {never: true}, talk_s: {fixed: 1}}\n"
				       "load:\n  - {phase: p, duration_s: 100, rate_per_min: 0,"
				       " bursts: [{at_s: 10, calls: 1, within_s: 0}, {at_s: 50, calls: 1, within_s: 0}]}\n"
				       "run: {warmup_s: 30}\n",
				       NULL);
	ck_assert_int_eq(n_recs, 2);
	ck_assert(!recs[0].counted);
	ck_assert(recs[1].counted);
	scn_free(s);
}
END_TEST

START_TEST(test_model_poisson_rate_and_burst_spread)
{
	/*
	 * 1 call/s for 10,000 s plus a burst of 1,000 calls within [100, 110] s.
	 * Poisson count: 10,000 ± 4 sd (sd = 100); every burst call within its
	 * spread (the only calls dialled in [100, 110] besides ~10 Poisson ones).
	 */
	struct scenario *s = run_calls(
		"name: t\nring_period_s: 3\ncenter: {operators: 5000, pickup_s: 0, wrapup_s: 0}\n" ONE_TENANT
		"callers: {patience_s: {never: true}, talk_s: {fixed: 1}}\n"
		"load:\n  - {phase: p, duration_s: 10000, rate_per_s: 1,"
		" bursts: [{at_s: 100, calls: 1000, within_s: 10}]}\n",
		NULL);
	int in_burst = 0;
	for (int i = 0; i < n_recs; i++)
		if (recs[i].t_dial >= 100 * S && recs[i].t_dial <= 110 * S)
			in_burst++;
	ck_assert_int_ge(in_burst, 1000);
	ck_assert_int_le(in_burst, 1000 + 30);
	ck_assert_int_ge(n_recs - 1000, 10000 - 400);
	ck_assert_int_le(n_recs - 1000, 10000 + 400);
	scn_free(s);
}
END_TEST

START_TEST(test_model_busy_scenario_invariants)
{
	/*
	 * Everything at once (floors, backup, pick-up, wrap-up, no-answer
	 * forwarding, screening, redials, shifts up and down with bursts): every
	 * call ends exactly once with a consistent record.
	 */
	struct scenario *s = run_calls(
		"name: busy\nring_period_s: 3\n"
		"center: {operators: 5, pickup_s: {uniform: [0, 4]}, wrapup_s: {exponential: 10},"
		" backup: {staff: 2, join_after_rings: 1, pickup_s: {fixed: 2}}, layout: {floors: [3, 2]}}\n"
		"tenants:\n"
		"  - {id: a, number: \"031\", name: \"A\", share: 0.5, forwarding: unconditional, floor: 0}\n"
		"  - {id: b, number: \"032\", name: \"B\", share: 0.3, forwarding: {no_answer_s: 6}, floor: 1}\n"
		"  - {id: c, number: \"033\", name: \"C\", share: 0.2, forwarding: unconditional, floor: 1}\n"
		"callers:\n  patience_s: {exponential: 30}\n  redial: {prob: 0.5, after_s: {exponential: 20}}\n"
		"  types:\n    inquiry: {share: 0.7, talk_s: {exponential: 40}}\n"
		"    sales: {share: 0.3, talk_s: {exponential: 30}, screen_prob: 0.5, screened_talk_s: {fixed: 5}}\n"
		"load:\n  - {phase: a, duration_s: 600, rate_per_min: 8}\n"
		"  - {phase: b, duration_s: 300, rate_per_min: 20, floors: [1, 4], backup: 0,"
		" bursts: [{at_s: 10, calls: 15, within_s: 3}]}\n"
		"  - {phase: c, duration_s: 600, rate_per_min: 6, operators: 2, backup: 3}\n",
		NULL);
	ck_assert_int_gt(n_recs, 200);
	int answered = 0, redials = 0, by_backup = 0;
	for (int i = 0; i < n_recs; i++) {
		const struct callrec *r = &recs[i];
		ck_assert_int_eq(rec_id(r), i + 1); /* each call once, none lost */
		ck_assert(r->t_dial >= 0 && r->t_dial < s->end);
		ck_assert_int_ge(r->phase, 0);
		switch (r->outcome) {
		case OUTCOME_ANSWERED:
			answered++;
			ck_assert(r->t_answer >= r->t_invite && r->t_end >= r->t_answer);
			ck_assert(r->answered_by[0] != '\0');
			by_backup += strncmp(r->answered_by, "backup", 6) == 0;
			ck_assert(r->rings >= 1);
			break;
		case OUTCOME_ABANDONED:
			ck_assert(r->t_cancel >= r->t_invite && r->t_cancel - r->t_dial >= 0);
			break;
		case OUTCOME_ABANDONED_BEFORE_FORWARD:
			ck_assert_int_eq(r->forwarding, FWD_NO_ANSWER);
			ck_assert(r->t_cancel - r->t_dial < 6 * S);
			break;
		default:
			ck_abort_msg("unexpected outcome %d", r->outcome);
		}
		redials += r->redial;
	}
	ck_assert_int_gt(answered, 100);
	ck_assert_int_gt(redials, 0);
	ck_assert_int_gt(by_backup, 0);
	scn_free(s);
}
END_TEST

/*
 * Common random numbers: the load of the busy scenario above (no redials, so
 * that call_id "m0-N" is the N-th caller in both runs) under two staffings,
 * one short-handed with a backup, one generous with shifts. Every call's
 * draws must be the same, whoever answers it and whenever.
 */
#define CRN_LOAD                                                                                        \
	"tenants:\n"                                                                                    \
	"  - {id: a, number: \"031\", name: \"A\", share: 0.5, forwarding: unconditional}\n"            \
	"  - {id: b, number: \"032\", name: \"B\", share: 0.3, forwarding: {no_answer_s: 6}}\n"         \
	"  - {id: c, number: \"033\", name: \"C\", share: 0.2, forwarding: unconditional}\n"            \
	"callers:\n  patience_s: {exponential: 30}\n"                                                   \
	"  types:\n    inquiry: {share: 0.7, talk_s: {exponential: 40}}\n"                             \
	"    sales: {share: 0.3, talk_s: {lognormal: {mean: 30, sd: 20}}, screen_prob: 0.5,"                      \
	" screened_talk_s: {uniform: [2, 8]}}\n"

static struct callrec *crn_run(const char *yaml, int *n)
{
	struct scenario *s = run_calls(yaml, NULL);
	struct callrec *copy = malloc((size_t)n_recs * sizeof(*copy));
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, recs, (size_t)n_recs * sizeof(*copy));
	*n = n_recs;
	scn_free(s);
	return copy;
}

START_TEST(test_model_same_seed_same_callers_whatever_staffing)
{
	int na, nb;
	struct callrec *a = crn_run(
		"name: crn\nring_period_s: 3\n"
		"center: {operators: 2, pickup_s: {uniform: [0, 4]}, wrapup_s: {exponential: 10},"
		" backup: {staff: 1, join_after_rings: 2, pickup_s: {exponential: 3}}}\n" CRN_LOAD
		"load:\n  - {phase: a, duration_s: 600, rate_per_min: 8}\n"
		"  - {phase: b, duration_s: 300, rate_per_min: 20, bursts: [{at_s: 10, calls: 15, within_s: 3}]}\n",
		&na);
	struct callrec *b = crn_run(
		"name: crn\nring_period_s: 3\n"
		"center: {operators: 9, pickup_s: {uniform: [0, 4]}, wrapup_s: {exponential: 10},"
		" backup: {staff: 3, join_after_rings: 1, pickup_s: {exponential: 3}}}\n" CRN_LOAD
		"load:\n  - {phase: a, duration_s: 600, rate_per_min: 8, operators: 4}\n"
		"  - {phase: b, duration_s: 300, rate_per_min: 20, operators: 12, backup: 0,"
		" bursts: [{at_s: 10, calls: 15, within_s: 3}]}\n",
		&nb);
	ck_assert_int_gt(na, 100);
	ck_assert_int_eq(na, nb);
	int differ = 0, by_backup = 0, at_once = 0;
	for (int i = 0; i < na; i++) {
		const struct callrec *x = &a[i], *y = &b[i];
		ck_assert_int_eq(rec_id(x), i + 1);
		ck_assert_int_eq(rec_id(y), i + 1);
		ck_assert_int_eq(x->t_dial, y->t_dial);
		ck_assert_int_eq(x->tenant_idx, y->tenant_idx);
		ck_assert_int_eq(x->type_idx, y->type_idx);
		ck_assert_int_eq(x->screened, y->screened);
		ck_assert_int_eq(x->drawn_patience, y->drawn_patience);
		ck_assert_int_eq(x->drawn_talk, y->drawn_talk);
		ck_assert_int_eq(x->drawn_pickup, y->drawn_pickup);
		ck_assert_int_eq(x->drawn_backup_pickup, y->drawn_backup_pickup);
		ck_assert_int_eq(x->drawn_wrapup, y->drawn_wrapup);
		ck_assert(x->drawn_talk >= 0 && x->drawn_pickup >= 0 && x->drawn_wrapup >= 0);
		ck_assert(x->drawn_backup_pickup >= 0);
		differ += x->outcome != y->outcome || x->t_answer != y->t_answer;
		by_backup += strncmp(x->answered_by, "backup", 6) == 0;
		/* The taker's pick-up is the one drawn for it: within the wait,
		 * and all of it for a call taken at once. */
		for (const struct callrec *r = x; r; r = r == x ? y : NULL) {
			if (r->outcome != OUTCOME_ANSWERED)
				continue;
			bool bk = strncmp(r->answered_by, "backup", 6) == 0;
			rb_us p = bk ? r->drawn_backup_pickup : r->drawn_pickup;
			ck_assert_int_le(p, r->wait);
			at_once += !bk && p == r->wait;
		}
	}
	/* The staffings differ enough to matter: outcomes and answer times. */
	ck_assert_int_gt(differ, 10);
	ck_assert_int_gt(by_backup, 0);
	ck_assert_int_gt(at_once, na / 4);
	free(a);
	free(b);
}
END_TEST

/* Runs quick.yaml's summary into path with the given jobs. */
static void summary_to(const char *path, int jobs, int reps)
{
	struct scenario *s = NULL;
	char err[512];
	ck_assert_int_eq(scn_load(RB_SOURCE_DIR "/scenarios/quick.yaml", &s, err, sizeof(err)), 0);
	struct summary_opts so = {
		.engine = ENGINE_MODEL,
		.command = "ringbench model scenarios/quick.yaml --seed 1",
		.scn = s, .seed = 1, .replications = reps, .t0_epoch = RB_T_NONE,
		.time_weighted = true,
	};
	struct summary *sum = summary_new(&so);
	ck_assert_ptr_nonnull(sum);
	struct model_opts o = {.scn = s, .seed = 1, .replications = reps, .jobs = jobs, .summary = sum};
	ck_assert_int_eq(model_run(&o, NULL), 0);
	ck_assert_int_eq(summary_finish(sum), 0);
	ck_assert_int_eq(summary_write_json(sum, path), 0);
	summary_free(sum);
	scn_free(s);
}

/* Removes the line holding "version": (the golden file outlives releases). */
static void drop_version(char *b, size_t *len)
{
	char *v = strstr(b, "\"version\":");
	if (!v)
		return;
	char *start = v, *end = strchr(v, '\n');
	while (start > b && start[-1] != '\n')
		start--;
	end = end ? end + 1 : b + *len;
	memmove(start, end, (size_t)(b + *len - end) + 1);
	*len -= (size_t)(end - start);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

START_TEST(test_model_same_seed_same_summary_whatever_jobs)
{
	char a[] = "/tmp/check_model_j1XXXXXX", b[] = "/tmp/check_model_j2XXXXXX";
	close(mkstemp(a));
	close(mkstemp(b));
	summary_to(a, 1, 6);
	summary_to(b, 2, 6);
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_uint_gt(la, 1000);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(x, y, la) == 0);
	free(x);
	free(y);
	unlink(a);
	unlink(b);
}
END_TEST

START_TEST(test_model_golden_quick_summary)
{
	const char *golden = RB_SOURCE_DIR "/tests/data/golden/quick-seed1.summary.json";
	if (getenv("RB_GOLDEN_WRITE")) {
		summary_to(golden, 1, 5);
		return;
	}
	char a[] = "/tmp/check_model_goldXXXXXX";
	close(mkstemp(a));
	summary_to(a, 2, 5);
	size_t la = 0, lg = 0;
	char *x = slurp(a, &la), *g = slurp(golden, &lg);
	if (x && g) {
		drop_version(x, &la);
		drop_version(g, &lg);
	}
	bool same = x && g && la == lg && memcmp(x, g, la) == 0;
	free(x);
	free(g);
	ck_assert_msg(lg > 0 || same, "missing %s (see this file's header to create it)", golden);
	ck_assert_msg(same, "summary.json differs from %s (kept in %s to compare)", golden, a);
	unlink(a);
}
END_TEST

/* ---- the command ------------------------------------------------------ */

int cmd_model(int argc, char **argv);

static int run_cmd(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
		   const char *a6)
{
	char *argv[8] = {"model"};
	const char *in[] = {a1, a2, a3, a4, a5, a6};
	int argc = 1;
	for (int i = 0; i < 6 && in[i]; i++)
		argv[argc++] = (char *)in[i];
	argv[argc] = NULL;
	return cmd_model(argc, argv);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int n = 0, c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Removes a result folder of the three files. */
static void remove_result_folder(const char *out)
{
	const char *files[] = {"calls.csv", "summary.json", "timeline.csv"};
	char p[700];
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", out, files[i]);
		unlink(p);
	}
	rmdir(out);
}

START_TEST(test_cmd_model_bad_input_exit_2)
{
	char dir[] = "/tmp/check_model_cmdXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char bad[512], out[512];
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	FILE *f = fopen(bad, "w");
	fputs("name: x\noperater: 3\n", f);
	fclose(f);
	ck_assert_int_eq(run_cmd(bad, "--out", out, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd("/nonexistent/x.yaml", NULL, NULL, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd(NULL, NULL, NULL, NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd(bad, "--jobs", "0", NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd(bad, "--calls", "some", NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd("--help", NULL, NULL, NULL, NULL, NULL), 0);
	ck_assert_int_eq(access(out, F_OK), -1); /* nothing written for bad input */
	unlink(bad);
	rmdir(dir);
}
END_TEST

START_TEST(test_cmd_model_writes_files_and_exit_per_verdict)
{
	char dir[] = "/tmp/check_model_cmdXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char y[512], out[512], p[600];
	snprintf(y, sizeof(y), "%s/t.yaml", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	/* 2 calls on 1 operator, talk 60 s: the second waits 60 s (21 rings). */
	const char *body = CENTER_1OP("0", "0", "") ONE_TENANT
		"callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
		"load:\n  - {phase: p, duration_s: 100, rate_per_min: 0,"
		" bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n";
	/* two calls cannot decide a target, whatever their figures: exit 4 */
	FILE *f = fopen(y, "w");
	fprintf(f, "%stargets:\n  - {rings: 3, min: 0.5}\n", body);
	fclose(f);
	ck_assert_int_eq(run_cmd(y, "--out", out, "--quiet", "--jobs", "1"), 4); /* 1/2 within 3 */
	snprintf(p, sizeof(p), "%s/calls.csv", out);
	ck_assert_int_eq(count_lines(p), 3);
	snprintf(p, sizeof(p), "%s/summary.json", out);
	ck_assert_int_eq(access(p, R_OK), 0);
	snprintf(p, sizeof(p), "%s/timeline.csv", out);
	ck_assert_int_gt(count_lines(p), 100);
	/*
	 * 100 operators for about 1,000 calls of 60 s, picked up after a fixed
	 * 4 s: every call waits 4 s, 2 rings, in every batch. Within 3 rings is
	 * 1 (Wilson's lower end with ~1,000 calls: about 0.996), within 1 ring
	 * is 0: a 3-ring target passes (exit 0), a 1-ring target fails (exit 1).
	 */
	const char *many = "name: t\nring_period_s: 3\n"
			   "center: {operators: 100, pickup_s: 4, wrapup_s: 0}\n" ONE_TENANT
			   "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
			   "load:\n  - {phase: p, duration_s: 3000, rate_per_min: 20}\n";
	f = fopen(y, "w");
	fprintf(f, "%stargets:\n  - {rings: 3, min: 0.99}\n", many);
	fclose(f);
	ck_assert_int_eq(run_cmd(y, "--out", out, "--quiet", "--calls", "1"), 0);
	snprintf(p, sizeof(p), "%s/calls.csv", out);
	ck_assert_int_eq(count_lines(p), 2); /* header + 1 */
	f = fopen(y, "w");
	fprintf(f, "%stargets:\n  - {rings: 1, min: 0.01}\n", many);
	fclose(f);
	ck_assert_int_eq(run_cmd(y, "--out", out, "--quiet", "--calls", "none"), 1);
	ck_assert_int_eq(count_lines(p), 1); /* the header alone */
	remove_result_folder(out);
	unlink(y);
	rmdir(dir);
}
END_TEST

/* summary.json's member key (a string) of the folder out, into buf. */
static void summary_str(const char *out, const char *key, char *buf, size_t n)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/summary.json", out);
	json_t *j = json_load_file(p, 0, NULL);
	ck_assert_ptr_nonnull(j);
	const char *v = json_string_value(json_object_get(j, key));
	snprintf(buf, n, "%s", v ? v : "(none)");
	json_decref(j);
}

/*
 * --operators N --backup M: the scenario's staffing replaced in every phase
 * (scn_staff_flat), recorded as "what_if", the load hash and pairing key
 * those of the scenario as written. 20 calls a minute of 60 s is 20 erlangs:
 * 100 operators answer every call within 3 rings (pick-up 4 s), 15 cannot
 * keep up (nobody abandons, the queue grows for 50 minutes).
 */
START_TEST(test_cmd_model_what_if_staffing)
{
	char dir[] = "/tmp/check_model_whatifXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char y[512], out[512], out2[512], h1[80], h2[80], k1[80], k2[80], p[600];
	snprintf(y, sizeof(y), "%s/t.yaml", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(out2, sizeof(out2), "%s/out2", dir);
	FILE *f = fopen(y, "w");
	fputs("name: t\nring_period_s: 3\n"
	      "center: {operators: 100, pickup_s: 4, wrapup_s: 0}\n" ONE_TENANT
	      "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
	      "load:\n  - {phase: p, duration_s: 3000, rate_per_min: 20}\n"
	      "targets:\n  - {rings: 3, min: 0.99}\n", f);
	fclose(f);
	ck_assert_int_eq(run_cmd(y, "--out", out, "--quiet", "--calls", "none"), 0);
	char *argv[] = {"model", y, "--out", out2, "--quiet", "--operators", "15", "--backup", "2", NULL};
	ck_assert_int_eq(cmd_model(9, argv), 1);
	snprintf(p, sizeof(p), "%s/summary.json", out2);
	json_t *j = json_load_file(p, 0, NULL);
	ck_assert_ptr_nonnull(j);
	json_t *w = json_object_get(j, "what_if");
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(json_integer_value(json_object_get(w, "operators")), 15);
	ck_assert_int_eq(json_integer_value(json_object_get(w, "backup")), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(w, "floor_ops"), 0)), 15);
	json_decref(j);
	summary_str(out, "load_sha256", h1, sizeof(h1));
	summary_str(out2, "load_sha256", h2, sizeof(h2));
	ck_assert_str_eq(h1, h2);
	summary_str(out, "pairing_key", k1, sizeof(k1));
	summary_str(out2, "pairing_key", k2, sizeof(k2));
	ck_assert_str_eq(k1, k2);
	ck_assert_str_ne(k1, "(none)");
	snprintf(p, sizeof(p), "%s/summary.json", out);
	j = json_load_file(p, 0, NULL);
	ck_assert_ptr_null(json_object_get(j, "what_if")); /* no override, no member */
	json_decref(j);
	/* bad values: exit 2, nothing written */
	ck_assert_int_eq(run_cmd(y, "--operators", "-1", "--out", "/tmp/check_model_whatif_none", NULL), 2);
	ck_assert_int_eq(run_cmd(y, "--operators", "ten", NULL, NULL, NULL), 2);
	ck_assert_int_eq(run_cmd(y, "--backup", "2000000", NULL, NULL, NULL), 2);
	ck_assert_int_eq(access("/tmp/check_model_whatif_none", F_OK), -1);
	remove_result_folder(out);
	remove_result_folder(out2);
	unlink(y);
	rmdir(dir);
}
END_TEST

START_TEST(test_model_write_folder_and_its_errors)
{
	char dir[] = "/tmp/check_model_writeXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char out[512], blocked[600], p[700], err[512] = "";
	snprintf(out, sizeof(out), "%s/out", dir);
	struct scenario *s = load(CENTER_1OP("0", "0", "") ONE_TENANT
				  "callers: {patience_s: {never: true}, talk_s: {fixed: 60}}\n"
				  "load:\n  - {phase: p, duration_s: 100, rate_per_min: 0,"
				  " bursts: [{at_s: 0, calls: 2, within_s: 0}]}\n");
	struct model_write_opts wo = {.scn = s, .dir = out, .command = "check_model", .seed = 1,
				      .replications = 2, .jobs = 1, .calls_cap = -1};
	struct resdir *rd = NULL;
	struct resdir_result res;
	ck_assert_msg(model_write(&wo, &rd, &res, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(rd);
	ck_assert_int_eq(res.exit_code, summary_exit_code(resdir_summary(rd)));
	resdir_free(rd);
	snprintf(p, sizeof(p), "%s/calls.csv", out);
	ck_assert_int_eq(count_lines(p), 3); /* replication 0's two calls */
	/* a file where the folder should be: an errno and the folder named */
	snprintf(blocked, sizeof(blocked), "%s/calls.csv/below", out);
	wo.dir = blocked;
	rd = (struct resdir *)&rd; /* a sentinel */
	ck_assert_int_ne(model_write(&wo, &rd, &res, err, sizeof(err)), 0);
	ck_assert_ptr_null(rd);
	ck_assert_ptr_nonnull(strstr(err, "cannot create"));
	ck_assert_ptr_nonnull(strstr(err, blocked));
	scn_free(s);
	remove_result_folder(out);
	rmdir(dir);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("by hand");
	tcase_add_test(tc, test_model_burst_one_operator_waits_talk_multiples);
	tcase_add_test(tc, test_model_fixed_patience_third_abandons);
	tcase_add_test(tc, test_model_cancel_at_the_200_instant_is_answered);
	tcase_add_test(tc, test_model_no_answer_forwarding);
	tcase_add_test(tc, test_model_backup_joins_after_k_rings);
	tcase_add_test(tc, test_model_hangup_during_pickup_no_wrapup);
	tcase_add_test(tc, test_model_shift_up_takes_waiting_call);
	tcase_add_test(tc, test_model_shift_down_busy_finish_first);
	tcase_add_test(tc, test_model_redial_after_abandon);
	tcase_add_test(tc, test_model_nobody_left_to_answer_is_incomplete);
	tcase_add_test(tc, test_model_warmup_calls_not_counted);
	tcase_add_test(tc, test_model_poisson_rate_and_burst_spread);
	tcase_add_test(tc, test_model_busy_scenario_invariants);
	tcase_add_test(tc, test_model_same_seed_same_callers_whatever_staffing);
	suite_add_tcase(s, tc);
	TCase *tcmd = tcase_create("command");
	tcase_add_test(tcmd, test_cmd_model_bad_input_exit_2);
	tcase_add_test(tcmd, test_cmd_model_writes_files_and_exit_per_verdict);
	tcase_add_test(tcmd, test_model_write_folder_and_its_errors);
	tcase_add_test(tcmd, test_cmd_model_what_if_staffing);
	suite_add_tcase(s, tcmd);
	TCase *tr = tcase_create("reproducible");
	tcase_set_timeout(tr, 60);
	tcase_add_test(tr, test_model_same_seed_same_summary_whatever_jobs);
	tcase_add_test(tr, test_model_golden_quick_summary);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(recs);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
