/*
 * summary: counts, every measure, targets, intervals, time-weighted
 * measures, ci95 and the written file, on small sets of calls whose answers
 * are worked out by hand in the comments (docs/definitions.md, Measures).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "callrec.h"
#include "stats.h"
#include "summary.h"

#define S(x) ((rb_us)((x) * 1e6))
#define EPS 1e-12

/* A two-phase, two-tenant scenario built by hand (no loader). */
static struct scn_tenant tenants[2];
static struct scn_phase phases[3];
static struct scenario scn;

static void scn_setup(int n_phases)
{
	memset(&scn, 0, sizeof(scn));
	memset(tenants, 0, sizeof(tenants));
	memset(phases, 0, sizeof(phases));
	tenants[0].id = "t0";
	tenants[0].forwarding = FWD_UNCONDITIONAL;
	tenants[1].id = "t1";
	tenants[1].forwarding = FWD_NO_ANSWER;
	tenants[1].no_answer = S(6);
	phases[0] = (struct scn_phase){.name = "a", .start = 0, .duration = S(600)};
	phases[1] = (struct scn_phase){.name = "b", .start = S(600), .duration = S(600)};
	phases[2] = (struct scn_phase){.name = "c", .start = S(1200), .duration = S(600)};
	scn.name = "hand";
	memset(scn.sha256, 'a', 64);
	scn.ring_period = S(3);
	scn.tenants = tenants;
	scn.n_tenants = 2;
	scn.phases = phases;
	scn.n_phases = (size_t)n_phases;
	scn.end = phases[n_phases - 1].start + phases[n_phases - 1].duration;
	scn.run.replications = 1;
}

/* A call at the center, made the way an engine makes it. */
static struct callrec mk(int tenant, rb_us t_dial, enum call_outcome oc, rb_us wait)
{
	struct callrec r;
	callrec_init(&r);
	snprintf(r.tenant, sizeof(r.tenant), "%s", tenants[tenant].id);
	r.tenant_idx = tenant;
	r.forwarding = tenants[tenant].forwarding;
	r.no_answer = tenants[tenant].no_answer;
	r.t_dial = t_dial;
	r.outcome = oc;
	if (oc == OUTCOME_ANSWERED || oc == OUTCOME_ABANDONED || oc == OUTCOME_REJECTED) {
		r.t_invite = t_dial + r.no_answer;
		r.t_ringing = r.t_invite;
	}
	if (oc == OUTCOME_ANSWERED)
		r.t_answer = r.t_invite + wait;
	if (oc == OUTCOME_ABANDONED)
		r.t_cancel = r.t_invite + wait;
	if (oc == OUTCOME_REJECTED)
		r.final_status = 486;
	callrec_derive(&r, scn.ring_period);
	return r;
}

/*
 * Phase a (t_dial 100 s, interval 0):
 *  1 answered, wait 1 s, t0         rings 1, heard 1, screened
 *  2 answered, wait 5 s, t1 (6 s)   rings 2, heard floor(11/3)+1 = 4, not screened
 *  3 answered, wait 10 s, t0        rings 4, heard 4
 *  4 abandoned, wait 2 s, t0        rings 1, heard 1
 *  5 abandoned, wait 20 s, t1       rings 7, heard floor(26/3)+1 = 9
 *  6 rejected (486), t0
 *  7 abandoned before forwarding, t1
 *  8 incomplete, t0
 * Phase b (t_dial 1000 s, interval 1): 9 answered wait 0, 10 answered wait
 * 2.999999 s (1 ring), 11 answered wait 3.0 s (2 rings), all t0.
 */
static void add_hand_calls(struct summary_rep *h)
{
	struct callrec c[11];
	c[0] = mk(0, S(100), OUTCOME_ANSWERED, S(1));
	c[0].screened = 1;
	c[1] = mk(1, S(100), OUTCOME_ANSWERED, S(5));
	c[1].screened = 0;
	c[2] = mk(0, S(100), OUTCOME_ANSWERED, S(10));
	c[3] = mk(0, S(100), OUTCOME_ABANDONED, S(2));
	c[4] = mk(1, S(100), OUTCOME_ABANDONED, S(20));
	c[5] = mk(0, S(100), OUTCOME_REJECTED, 0);
	c[6] = mk(1, S(100), OUTCOME_ABANDONED_BEFORE_FORWARD, 0);
	c[7] = mk(0, S(100), OUTCOME_INCOMPLETE, 0);
	c[8] = mk(0, S(1000), OUTCOME_ANSWERED, 0);
	c[9] = mk(0, S(1000), OUTCOME_ANSWERED, 2999999);
	c[10] = mk(0, S(1000), OUTCOME_ANSWERED, S(3));
	for (int i = 0; i < 11; i++) {
		c[i].phase = c[i].t_dial < S(600) ? 0 : 1;
		summary_rep_call(h, &c[i]);
	}
	/* A warm-up call is simulated, never counted. */
	struct callrec w = mk(0, S(100), OUTCOME_ANSWERED, S(1));
	w.counted = false;
	summary_rep_call(h, &w);
}

/* [0,300) ringing 2, 3 of 4 busy; [300,900) ringing 0, 1 of 4 busy
 * (crosses the phase boundary at 600); [900,1200) ringing 1, 4 of 4 busy,
 * backup 1 of 1. Cut into small spans too, as the model reports them. */
static void add_hand_spans(struct summary_rep *h)
{
	struct summary_state a = {2, 3, 4, 0, 1}, b = {0, 1, 4, 0, 1}, c = {1, 4, 4, 1, 1};
	for (int i = 0; i < 300; i++)
		summary_rep_span(h, S(i), S(i + 1), &a);
	summary_rep_span(h, S(300), S(900), &b);
	summary_rep_span(h, S(900), S(1200), &c);
}

static json_t *write_and_load(struct summary *s, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/check_summary_%s.json", RB_BINARY_DIR, name);
	ck_assert_int_eq(summary_write_json(s, path), 0);
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

static double num(json_t *o, const char *path)
{
	/* "a.b.c": a path of object keys */
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *v = o;
	char *save = NULL;
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		ck_assert_msg(v != NULL, "no %s in %s", k, path);
	}
	ck_assert_msg(json_is_number(v), "%s is not a number", path);
	return json_number_value(v);
}

static bool is_null(json_t *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *v = o;
	char *save = NULL;
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		v = json_object_get(v, k);
		ck_assert_msg(v != NULL, "no %s in %s", k, path);
	}
	return json_is_null(v);
}

/*
 * summary.json is dumped in the order its members were added, which
 * summary_json.c keeps as the order of the keys: the text with
 * JSON_SORT_KEYS must be the same (or the file would change, or fall back
 * to sorting every object again).
 */
static void assert_key_order(const struct summary *s)
{
	json_t *j = summary_to_json(s);
	ck_assert_ptr_nonnull(j);
	size_t f = JSON_INDENT(1) | JSON_REAL_PRECISION(16);
	char *sorted = json_dumps(j, f | JSON_SORT_KEYS), *as_is = json_dumps(j, f);
	ck_assert_ptr_nonnull(sorted);
	ck_assert_ptr_nonnull(as_is);
	ck_assert_str_eq(as_is, sorted);
	free(sorted);
	free(as_is);
	json_decref(j);
}

static struct summary *hand_summary(bool tw, const struct scn_target *t, size_t nt)
{
	struct summary_opts o = {.engine = ENGINE_MODEL, .command = "check", .scn = &scn,
				 .seed = 7, .replications = 1, .t0_epoch = RB_T_NONE,
				 .targets = t, .n_targets = nt, .time_weighted = tw};
	struct summary *s = summary_new(&o);
	ck_assert_ptr_nonnull(s);
	add_hand_calls(summary_rep(s, 0));
	add_hand_spans(summary_rep(s, 0));
	ck_assert_int_eq(summary_finish(s), 0);
	return s;
}

START_TEST(test_summary_counts_by_group)
{
	scn_setup(2);
	struct summary *s = hand_summary(true, NULL, 0);
	json_t *j = write_and_load(s, "counts");
	ck_assert_int_eq(num(j, "phases.a.dialled"), 8);
	ck_assert_int_eq(num(j, "phases.a.offered"), 6);
	ck_assert_int_eq(num(j, "phases.a.answered"), 3);
	ck_assert_int_eq(num(j, "phases.a.screened"), 1);
	ck_assert_int_eq(num(j, "phases.a.abandoned"), 2);
	ck_assert_int_eq(num(j, "phases.a.abandoned_before_forward"), 1);
	ck_assert_int_eq(num(j, "phases.a.rejected"), 1);
	ck_assert_int_eq(num(j, "phases.a.incomplete"), 1);
	ck_assert_int_eq(num(j, "phases.b.dialled"), 3);
	ck_assert_int_eq(num(j, "overall.dialled"), 11); /* the warm-up call is not counted */
	ck_assert_int_eq(num(j, "overall.answered"), 6);
	ck_assert_int_eq(num(j, "by_tenant.t0.dialled"), 8);
	ck_assert_int_eq(num(j, "by_tenant.t1.dialled"), 3);
	ck_assert_int_eq(num(j, "by_forwarding.unconditional.dialled"), 8);
	ck_assert_int_eq(num(j, "by_forwarding.no-answer.dialled"), 3);
	ck_assert_int_eq(num(j, "phases.a.rings_heard.1"), 1);
	ck_assert_int_eq(num(j, "phases.a.rings_heard.4"), 2);
	ck_assert_int_eq(num(j, "phases.a.rings_heard.31+"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "engine")), "model");
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
	ck_assert(json_is_null(json_object_get(j, "t0_epoch")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "ci_method")), "batch_means");
	json_decref(j);
	summary_free(s);
}
END_TEST

/*
 * One replication: 40 batches of the run (1800 s, 45 s each), merged in
 * pairs while their lag-1 autocorrelation is significant. Each 600 s phase
 * holds 13 or 14 of them, enough for an interval (SUM_MIN_BATCHES is 10).
 * The interval holds the pooled value (not the mean of the batches' values,
 * which differs here: the batches hold different numbers of calls), stays
 * within [0, 1], and the file keeps each batch's value and edges.
 */
START_TEST(test_summary_batch_intervals)
{
	scn_setup(3);
	struct summary_opts o = {.engine = ENGINE_MODEL, .command = "check", .scn = &scn,
				 .seed = 7, .replications = 1, .t0_epoch = RB_T_NONE};
	struct summary *s = summary_new(&o);
	ck_assert_ptr_nonnull(s);
	struct summary_rep *h = summary_rep(s, 0);
	/* calls every 10 s in the first half, every 2 s after: 1 ring for
	 * every third call of the first half, for every other call after */
	int i = 0;
	for (rb_us t = 0; t < S(1800); t += t < S(900) ? S(10) : S(2), i++) {
		struct callrec c;
		callrec_init(&c);
		snprintf(c.tenant, sizeof(c.tenant), "t0");
		c.t_dial = c.t_invite = t;
		c.outcome = OUTCOME_ANSWERED;
		bool quick = t < S(900) ? i % 3 == 0 : i % 2 == 0;
		c.t_answer = c.t_invite + (quick ? S(1) : S(4));
		callrec_derive(&c, S(3));
		summary_rep_call(h, &c);
	}
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = write_and_load(s, "batches");
	ck_assert_str_eq(json_string_value(json_object_get(j, "ci_method")), "batch_means");
	ck_assert(!is_null(j, "phases.a.se.answered_within.1"));
	ck_assert(!is_null(j, "phases.b.ci95.answered_within.1"));
	ck_assert(!is_null(j, "overall.se.answered_within.1"));
	long df = (long)num(j, "overall.df.answered_within.1");
	ck_assert_msg(df == 39 || df == 19 || df == 9, "df %ld", df);
	ck_assert_int_le((long)num(j, "phases.a.df.answered_within.1"), 13);
	json_t *ci = json_object_get(json_object_get(json_object_get(j, "overall"), "ci95"),
				     "answered_within");
	ci = json_object_get(ci, "1");
	double lo = json_number_value(json_array_get(ci, 0)), hi = json_number_value(json_array_get(ci, 1));
	double v = num(j, "overall.answered_within.1");
	ck_assert(lo >= 0 && lo < v && v < hi && hi <= 1);
	json_t *vals = json_object_get(json_object_get(json_object_get(json_object_get(j, "overall"),
								       "values"),
						       "answered_within"),
				       "1");
	ck_assert_int_eq(json_array_size(vals), 40);
	ck_assert_double_eq_tol(json_number_value(json_array_get(vals, 0)), 2.0 / 5, 1e-12);
	json_t *edges = json_object_get(j, "batch_edges_s");
	ck_assert_int_eq(json_array_size(edges), 41);
	ck_assert_double_eq_tol(json_number_value(json_array_get(edges, 1)), 45.0, 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_array_get(edges, 40)), 1800.0, 1e-6);
	/* and the pooled value is not the batches' mean: 90 calls of 1/3 and
	 * 450 of 1/2 pooled is 0.4722; the batches' mean is 0.4167 */
	ck_assert_double_eq_tol(v, (30.0 + 225.0) / 540.0, 1e-12);
	ck_assert(hi > lo);
	json_decref(j);
	assert_key_order(s);
	summary_free(s);
}
END_TEST

START_TEST(test_summary_service_levels_differ_by_measure)
{
	scn_setup(2);
	struct summary *s = hand_summary(false, NULL, 0);
	json_t *j = write_and_load(s, "levels");
	/* answered within k / offered (6) */
	ck_assert_double_eq_tol(num(j, "phases.a.answered_within.1"), 1.0 / 6, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.answered_within.3"), 2.0 / 6, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.answered_within.4"), 3.0 / 6, EPS);
	/* sla: answered within k / (offered - abandoned within k) */
	ck_assert_double_eq_tol(num(j, "phases.a.sla.1"), 1.0 / 5, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sla.3"), 2.0 / 5, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sla.7"), 3.0 / 4, EPS);
	/* sl: answered within k / answered */
	ck_assert_double_eq_tol(num(j, "phases.a.sl.1"), 1.0 / 3, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sl.2"), 2.0 / 3, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sl.4"), 1.0, EPS);
	/* sl2: (answered + abandoned within k) / (answered + abandoned) */
	ck_assert_double_eq_tol(num(j, "phases.a.sl2.1"), 2.0 / 5, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sl2.4"), 4.0 / 5, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.sl2.7"), 1.0, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.abandon_fraction"), 2.0 / 6, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.abandon_before_forward_fraction"), 1.0 / 8, EPS);
	/* phase b: 0 s and 2.999999 s are the first ring, 3.0 s the second */
	ck_assert_double_eq_tol(num(j, "phases.b.answered_within.1"), 2.0 / 3, EPS);
	ck_assert_double_eq_tol(num(j, "phases.b.answered_within.2"), 1.0, EPS);
	/* waits of answered calls: 1, 5, 10 s; quantiles within 1 % */
	ck_assert_double_eq_tol(num(j, "phases.a.wait_s.mean"), 16.0 / 3, 1e-9);
	ck_assert_double_eq_tol(num(j, "phases.a.wait_s.p50"), 5.0, 0.05);
	ck_assert_double_eq_tol(num(j, "phases.a.wait_s.p90"), 10.0, 0.1);
	ck_assert_double_eq_tol(num(j, "phases.a.wait_s.p99"), 10.0, 0.1);
	/* not time-weighted (a capture): null, never 0 */
	ck_assert(is_null(j, "overall.occupancy"));
	ck_assert(is_null(j, "overall.backup_occupancy"));
	ck_assert(is_null(j, "overall.queue_len.mean"));
	ck_assert(is_null(j, "overall.queue_len.max"));
	json_decref(j);
	summary_free(s);
}
END_TEST

START_TEST(test_summary_time_weighted_across_phase_boundary)
{
	scn_setup(2);
	struct summary *s = hand_summary(true, NULL, 0);
	json_t *j = write_and_load(s, "tw");
	/* a: (3·300 + 1·300) / (4·600); queue (2·300)/600 */
	ck_assert_double_eq_tol(num(j, "phases.a.occupancy"), 0.5, EPS);
	ck_assert_double_eq_tol(num(j, "phases.a.queue_len.mean"), 1.0, EPS);
	ck_assert_int_eq(num(j, "phases.a.queue_len.max"), 2);
	ck_assert_double_eq_tol(num(j, "phases.a.backup_occupancy"), 0.0, EPS);
	/* b: (1·300 + 4·300) / 2400; queue 300/600; backup 300/600 */
	ck_assert_double_eq_tol(num(j, "phases.b.occupancy"), 0.625, EPS);
	ck_assert_double_eq_tol(num(j, "phases.b.queue_len.mean"), 0.5, EPS);
	ck_assert_int_eq(num(j, "phases.b.queue_len.max"), 1);
	ck_assert_double_eq_tol(num(j, "phases.b.backup_occupancy"), 0.5, EPS);
	ck_assert_double_eq_tol(num(j, "overall.occupancy"), 2700.0 / 4800, EPS);
	/* per tenant, the center's occupancy cannot be known */
	ck_assert(is_null(j, "by_tenant.t0.occupancy"));
	/* intervals: [0,900) and [900,1200) */
	json_t *ints = json_object_get(j, "intervals");
	ck_assert_int_eq(json_array_size(ints), 2);
	json_t *i0 = json_array_get(ints, 0), *i1 = json_array_get(ints, 1);
	ck_assert_double_eq_tol(num(i0, "t_start_s"), 0, EPS);
	ck_assert_double_eq_tol(num(i1, "t_start_s"), 900, EPS);
	ck_assert_int_eq(num(i0, "dialled"), 8);
	ck_assert_int_eq(num(i1, "dialled"), 3);
	ck_assert_double_eq_tol(num(i0, "occupancy"), 1500.0 / 3600, EPS);
	ck_assert_double_eq_tol(num(i1, "occupancy"), 1.0, EPS);
	ck_assert_double_eq_tol(num(i0, "queue_len.mean"), 600.0 / 900, EPS);
	json_decref(j);
	summary_free(s);
}
END_TEST

START_TEST(test_summary_targets_pass_and_fail)
{
	scn_setup(3);
	struct scn_target t[] = {
		/* sla within 4 rings in a: 3/5 = 0.6 >= 0.6 */
		{.kind = TARGET_RINGS, .phase = "a", .phase_idx = 0, .rings = 4, .min = 0.6},
		/* sla within 2 rings in a: 2/5 = 0.4 < 0.5 */
		{.kind = TARGET_RINGS, .phase = "a", .phase_idx = 0, .rings = 2, .min = 0.5},
		/* rings heard, sla within 3: 1/(6-1) = 0.2 (center: 0.4) */
		{.kind = TARGET_RINGS, .phase = "a", .phase_idx = 0, .rings = 3, .min = 0.3,
		 .count = COUNT_HEARD},
		/* answered_within 1 ring, whole run: 3/9 */
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 1, .min = 0.3,
		 .measure = MEASURE_ANSWERED_WITHIN},
		/* abandoned / offered in a: 2/6 > 0.3 */
		{.kind = TARGET_ABANDON_MAX, .phase = "a", .phase_idx = 0, .max = 0.3},
		/* abandoned before forwarding / dialled: 1/11 <= 0.1 */
		{.kind = TARGET_ABANDON_BEFORE_FORWARD_MAX, .phase_idx = -1, .max = 0.1},
		/* phase c had no calls: "no calls" */
		{.kind = TARGET_RINGS, .phase = "c", .phase_idx = 2, .rings = 3, .min = 0.8},
	};
	/*
	 * Eleven calls in one replication: no phase spans 10 batches with calls,
	 * so no target has an interval, and none can be decided, however far
	 * its point is from the target: every one is inconclusive, and so is
	 * the run (exit 4). The measured values are still the pooled ones.
	 */
	struct summary *s = hand_summary(true, t, sizeof(t) / sizeof(t[0]));
	ck_assert_int_eq(summary_verdict(s), VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(summary_exit_code(s), 4);
	json_t *j = write_and_load(s, "targets");
	json_t *tg = json_object_get(j, "targets");
	ck_assert_int_eq(json_array_size(tg), 7);
	const double meas[] = {0.6, 0.4, 0.2, 3.0 / 9, 2.0 / 6, 1.0 / 11, NAN};
	for (int i = 0; i < 7; i++) {
		json_t *x = json_array_get(tg, (size_t)i);
		ck_assert_msg(json_is_null(json_object_get(x, "pass")), "target %d", i);
		ck_assert_str_eq(json_string_value(json_object_get(x, "result")), "inconclusive");
		if (isnan(meas[i]))
			ck_assert(json_is_null(json_object_get(x, "measured")));
		else
			ck_assert_double_eq_tol(num(x, "measured"), meas[i], EPS);
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tg, 6), "note")), "no calls");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tg, 2), "count")), "heard");
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "inconclusive");
	/* phase c: fractions cannot be known */
	ck_assert(is_null(j, "phases.c.sla.3"));
	ck_assert(is_null(j, "phases.c.abandon_fraction"));
	json_decref(j);
	summary_free(s);

	struct scn_target ok[] = {t[0], t[3]};
	s = hand_summary(true, ok, 2);
	ck_assert_int_eq(summary_exit_code(s), 4);
	summary_set_error(s, "SIPp aborted");
	ck_assert_int_eq(summary_exit_code(s), 3);
	j = write_and_load(s, "error");
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "error");
	ck_assert_str_eq(json_string_value(json_object_get(j, "error")), "SIPp aborted");
	json_decref(j);
	summary_free(s);
}
END_TEST

/* Replication r: 10 calls, `within[r]` answered in 1 ring, the rest in 5. */
static void add_rep_calls(struct summary_rep *h, int within, int from, int to)
{
	for (int i = from; i < to; i++) {
		struct callrec c = mk(0, S(10 + i), OUTCOME_ANSWERED, i < within ? S(1) : S(13));
		c.phase = 0;
		summary_rep_call(h, &c);
	}
}

START_TEST(test_summary_ci95_from_replications)
{
	scn_setup(1);
	const int within[3] = {5, 6, 8};
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 3,
				 .t0_epoch = RB_T_NONE};
	struct summary *s = summary_new(&o);
	for (int r = 0; r < 3; r++)
		add_rep_calls(summary_rep(s, r), within[r], 0, 10);
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = write_and_load(s, "ci");
	/*
	 * Per replication 5, 6 and 8 of 10: pooled R = 19/30. Delta-method se:
	 * residuals 5 − 10R, 6 − 10R, 8 − 10R (−1.3333, −0.3333, 1.6667), sum of
	 * squares 4.6667 / (3 · 2), square root / 10 = 0.088192 (the spread of
	 * the three ratios, as the denominators are equal). Wilson with
	 * n_eff = R(1 − R)/se² = 29.857 and t(0.975, 2) = 4.302653:
	 * [0.279840, 0.884765]; the symmetric R ± t·se would be [0.254, 1.013],
	 * past 1.
	 */
	ck_assert_double_eq_tol(num(j, "overall.answered_within.1"), 19.0 / 30, EPS);
	json_t *ci = json_object_get(json_object_get(json_object_get(j, "overall"), "ci95"),
				     "answered_within");
	json_t *c1 = json_object_get(ci, "1");
	ck_assert_double_eq_tol(json_number_value(json_array_get(c1, 0)), 0.279840, 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_array_get(c1, 1)), 0.884765, 1e-6);
	ck_assert_double_eq_tol(num(j, "overall.se.answered_within.1"), 0.088192, 1e-6);
	ck_assert_int_eq((long)num(j, "overall.df.answered_within.1"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(j, "ci_method")), "replications");
	/* the same interval for every ring count below 5 */
	ck_assert_double_eq_tol(num(j, "overall.se.sla.4"), 0.088192, 1e-6);
	ck_assert(is_null(j, "overall.se.dialled"));
	json_decref(j);
	summary_free(s);
}
END_TEST

/*
 * Targets judged on the interval [0.279840, 0.884765] of the test above:
 * a minimum under it passes, one over it fails, one inside it is
 * inconclusive; the run fails if any fails, else is inconclusive if any
 * is, and summary_set_inconclusive() caps a passing run.
 */
static struct summary *judged(const struct scn_target *t, size_t nt, const char *cap)
{
	const int within[3] = {5, 6, 8};
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 3,
				 .t0_epoch = RB_T_NONE, .targets = t, .n_targets = nt};
	struct summary *s = summary_new(&o);
	for (int r = 0; r < 3; r++)
		add_rep_calls(summary_rep(s, r), within[r], 0, 10);
	if (cap)
		ck_assert_int_eq(summary_set_inconclusive(s, cap), 0);
	ck_assert_int_eq(summary_finish(s), 0);
	return s;
}

START_TEST(test_summary_verdict_on_the_interval)
{
	scn_setup(1);
	struct scn_target t[] = {
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 1, .min = 0.2,
		 .measure = MEASURE_ANSWERED_WITHIN}, /* pass: 0.2799 >= 0.2 */
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 1, .min = 0.9,
		 .measure = MEASURE_ANSWERED_WITHIN}, /* fail: 0.8848 < 0.9 */
		{.kind = TARGET_RINGS, .phase_idx = -1, .rings = 1, .min = 0.6,
		 .measure = MEASURE_ANSWERED_WITHIN}, /* inconclusive, though 0.633 >= 0.6 */
		/* 0 of 30 abandoned, no spread: Wilson with the 30 calls and
		 * t(2) gives [0, 0.3816]: at most 0.5 passes (0.1 would not) */
		{.kind = TARGET_ABANDON_MAX, .phase_idx = -1, .max = 0.5},
	};
	struct summary *s = judged(t, 4, NULL);
	ck_assert_int_eq(summary_verdict(s), VERDICT_FAIL);
	ck_assert_int_eq(summary_exit_code(s), 1);
	json_t *j = write_and_load(s, "judged");
	const char *want[] = {"pass", "fail", "inconclusive", "pass"};
	for (int i = 0; i < 4; i++) {
		json_t *x = json_array_get(json_object_get(j, "targets"), (size_t)i);
		ck_assert_str_eq(json_string_value(json_object_get(x, "result")), want[i]);
	}
	/* an estimate of exactly 0 still has an interval above 0 (Wilson with
	 * the 30 calls counted), never [0, 0] */
	json_t *ab = json_object_get(json_array_get(json_object_get(j, "targets"), 3), "ci95");
	ck_assert_double_eq(json_number_value(json_array_get(ab, 0)), 0);
	ck_assert_double_eq_tol(json_number_value(json_array_get(ab, 1)), 0.381607, 1e-5);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "fail");
	json_decref(j);
	summary_free(s);

	struct scn_target pi[] = {t[0], t[2]};
	s = judged(pi, 2, NULL);
	ck_assert_int_eq(summary_verdict(s), VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(summary_exit_code(s), 4);
	summary_free(s);

	s = judged(t, 1, NULL);
	ck_assert_int_eq(summary_exit_code(s), 0);
	summary_free(s);

	s = judged(t, 1, "schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms");
	ck_assert_int_eq(summary_exit_code(s), 4);
	j = write_and_load(s, "capped");
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "inconclusive");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "inconclusive_reasons"), 0)),
			 "schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms");
	json_decref(j);
	summary_free(s);

	s = judged(t, 2, "capped"); /* a failed target still fails */
	ck_assert_int_eq(summary_exit_code(s), 1);
	summary_free(s);
}
END_TEST

struct rep_job {
	struct summary *s;
	int r, within;
};

/* One replication on its own thread, told done at its end (as the model). */
static void *rep_thread(void *arg)
{
	struct rep_job *j = arg;
	struct summary_rep *h = summary_rep(j->s, j->r);
	add_hand_spans(h);
	add_rep_calls(h, j->within, 0, 10);
	add_hand_calls(h);
	summary_rep_done(h);
	return NULL;
}

static void read_file(const char *path, char **buf, long *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	fseek(f, 0, SEEK_SET);
	*buf = malloc((size_t)*len + 1);
	ck_assert_int_eq(fread(*buf, 1, (size_t)*len, f), *len);
	fclose(f);
}

START_TEST(test_summary_json_same_bytes_whatever_the_order)
{
	scn_setup(2);
	const int within[4] = {2, 9, 4, 7};
	char path[3][256];
	for (int pass = 0; pass < 3; pass++) {
		struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 4,
					 .t0_epoch = RB_T_NONE, .time_weighted = true};
		struct summary *s = summary_new(&o);
		if (pass == 0) {
			for (int r = 0; r < 4; r++) {
				add_rep_calls(summary_rep(s, r), within[r], 0, 10);
				add_hand_calls(summary_rep(s, r));
				add_hand_spans(summary_rep(s, r));
			}
		} else if (pass == 2) {
			/* on four threads, each replication told done when it ends */
			pthread_t th[4];
			struct rep_job jobs[4];
			for (int r = 0; r < 4; r++) {
				jobs[r] = (struct rep_job){s, r, within[r]};
				ck_assert_int_eq(pthread_create(&th[r], NULL, rep_thread, &jobs[r]), 0);
			}
			for (int r = 0; r < 4; r++)
				pthread_join(th[r], NULL);
		} else {
			/* replications finishing in another order, interleaved */
			for (int r = 3; r >= 0; r--)
				add_rep_calls(summary_rep(s, r), within[r], 5, 10);
			for (int r = 3; r >= 0; r--) {
				add_hand_spans(summary_rep(s, r));
				add_hand_calls(summary_rep(s, r));
				add_rep_calls(summary_rep(s, r), within[r], 0, 5);
			}
		}
		ck_assert_int_eq(summary_finish(s), 0);
		snprintf(path[pass], sizeof(path[pass]), "%s/check_summary_order%d.json",
			 RB_BINARY_DIR, pass);
		ck_assert_int_eq(summary_write_json(s, path[pass]), 0);
		summary_free(s);
	}
	char *a, *b;
	long la, lb;
	read_file(path[0], &a, &la);
	for (int k = 1; k < 3; k++) {
		read_file(path[k], &b, &lb);
		ck_assert_int_eq(la, lb);
		ck_assert_msg(memcmp(a, b, (size_t)la) == 0, "%s and %s differ", path[0], path[k]);
		free(b);
	}
	free(a);
}
END_TEST

/* An extra member out of key order: the file is still sorted throughout. */
START_TEST(test_summary_json_sorted_with_unsorted_extra)
{
	scn_setup(2);
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 4,
				 .t0_epoch = RB_T_NONE, .time_weighted = true};
	struct summary *s = summary_new(&o);
	for (int r = 0; r < 4; r++) {
		add_rep_calls(summary_rep(s, r), 3 + r, 0, 10);
		add_hand_calls(summary_rep(s, r));
		add_hand_spans(summary_rep(s, r));
	}
	ck_assert_int_eq(summary_finish(s), 0);
	assert_key_order(s);
	summary_set_extra(s, "aaa_extra", json_pack("{s:i, s:{s:i, s:i}}", "zeta", 1, "alpha", "y", 2,
						    "x", 3));
	char path[256];
	snprintf(path, sizeof(path), "%s/check_summary_unsorted_extra.json", RB_BINARY_DIR);
	ck_assert_int_eq(summary_write_json(s, path), 0);
	json_t *j = summary_to_json(s);
	char *want = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(16));
	char *got;
	long len;
	read_file(path, &got, &len);
	ck_assert_int_eq(len, (long)strlen(want) + 1);
	ck_assert(memcmp(got, want, strlen(want)) == 0 && got[len - 1] == '\n');
	ck_assert_ptr_nonnull(strstr(got, "\"alpha\": {\n   \"x\": 3,\n   \"y\": 2\n  },\n  \"zeta\""));
	free(got);
	free(want);
	json_decref(j);
	summary_free(s);
}
END_TEST

START_TEST(test_summary_json_matches_schema)
{
	scn_setup(2);
	struct scn_target t[] = {
		{.kind = TARGET_RINGS, .phase = "a", .phase_idx = 0, .rings = 3, .min = 0.8},
		{.kind = TARGET_ABANDON_MAX, .phase_idx = -1, .max = 0.1},
	};
	struct summary *s = hand_summary(true, t, 2);
	summary_set_extra(s, "skipped", json_pack("{si}", "truncated", 1));
	assert_key_order(s);
	char path[256], cmd[1024];
	snprintf(path, sizeof(path), "%s/check_summary_schema.json", RB_BINARY_DIR);
	ck_assert_int_eq(summary_write_json(s, path), 0);
	summary_free(s);
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c 'import json,sys,jsonschema; "
		 "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "
		 "%s/docs/summary.schema.json %s",
		 RB_SOURCE_DIR, path);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_summary_print_shows_targets_and_verdict)
{
	scn_setup(2);
	struct scn_target t[] = {
		{.kind = TARGET_RINGS, .phase = "a", .phase_idx = 0, .rings = 2, .min = 0.5},
	};
	struct summary *s = hand_summary(true, t, 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "INCONCLUSIVE  sla within 2 rings >= 0.5 [a]: 0.4000") != NULL,
		      "%s", buf);
	ck_assert_msg(strstr(buf, "too few replications or batches") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "verdict: INCONCLUSIVE") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "11 calls dialled, 9 offered") != NULL, "%s", buf);
	free(buf);
	summary_free(s);
}
END_TEST

/* A capture of another server: no scenario, tenants by name, end unknown. */
START_TEST(test_summary_capture_without_scenario)
{
	scn_setup(1);
	struct summary_opts o = {.engine = ENGINE_CAPTURE, .command = "analyze x.pcap",
				 .ring_period = S(3), .replications = 1,
				 .t0_epoch = INT64_C(1795000000123456), .time_weighted = false};
	struct summary *s = summary_new(&o);
	ck_assert_ptr_nonnull(s);
	struct summary_rep *h = summary_rep(s, 0);
	/* 2000 calls, one every 10 s: alice answered in 1 ring, bob in 1 ring
	 * every other call (else 4 rings) */
	for (int i = 0; i < 2000; i++) {
		struct callrec c;
		callrec_init(&c);
		snprintf(c.tenant, sizeof(c.tenant), "%s", i % 2 ? "bob" : "alice");
		c.t_dial = c.t_invite = S(10 * i);
		c.outcome = OUTCOME_ANSWERED;
		c.t_answer = c.t_invite + ((i % 4) == 1 ? S(10) : S(1));
		callrec_derive(&c, S(3));
		summary_rep_call(h, &c);
		summary_rep_span(h, S(10 * i), S(10 * i + 10), &(struct summary_state){1, 0, 0, 0, 0});
	}
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = write_and_load(s, "capture");
	ck_assert_int_eq(num(j, "by_tenant.alice.answered"), 1000);
	ck_assert_double_eq_tol(num(j, "by_tenant.bob.answered_within.1"), 0.5, EPS);
	ck_assert_double_eq_tol(num(j, "overall.answered_within.1"), 0.75, EPS);
	/* bins doubled up to 128 s: 157 of them, folded into 40 batches */
	ck_assert_str_eq(json_string_value(json_object_get(j, "ci_method")), "batch_means");
	ck_assert_int_eq(json_array_size(json_object_get(j, "batch_edges_s")), 41);
	ck_assert(!is_null(j, "overall.se.answered_within.1"));
	ck_assert(!is_null(j, "by_tenant.bob.se.answered_within.1"));
	ck_assert_double_eq_tol(num(j, "t0_epoch"), 1795000000.123456, 1e-6);
	ck_assert(is_null(j, "overall.occupancy"));
	ck_assert(is_null(j, "overall.queue_len.mean"));
	ck_assert(is_null(j, "scenario"));
	ck_assert_str_eq(json_string_value(json_object_get(j, "engine")), "capture");
	ck_assert_int_eq(json_object_size(json_object_get(j, "phases")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(j, "intervals")), 23); /* 19990 s */
	ck_assert_int_eq(num(j, "by_forwarding.unconditional.dialled"), 0);
	json_decref(j);
	summary_free(s);
}
END_TEST

/* Phase windows given on the command line (analyze --phase name:from:to). */
START_TEST(test_summary_capture_phase_windows)
{
	scn_setup(1);
	struct summary_window w[2] = {{"quiet", 0, S(100)}, {"rush", S(200), S(300)}};
	struct scn_target t = {.kind = TARGET_RINGS, .phase = "rush", .phase_idx = -1, .rings = 1,
			       .min = 0.9};
	struct summary_opts o = {.engine = ENGINE_CAPTURE, .ring_period = S(3), .replications = 1,
				 .t0_epoch = RB_T_NONE, .windows = w, .n_windows = 2,
				 .targets = &t, .n_targets = 1};
	struct summary *s = summary_new(&o);
	struct summary_rep *h = summary_rep(s, 0);
	const rb_us dial[] = {S(10), S(150), S(250), S(260), S(299)};
	const rb_us wait[] = {S(1), S(1), S(1), S(4), S(1)};
	for (int i = 0; i < 5; i++) {
		struct callrec c;
		callrec_init(&c);
		c.t_dial = c.t_invite = dial[i];
		c.outcome = OUTCOME_ANSWERED;
		c.t_answer = c.t_invite + wait[i];
		callrec_derive(&c, S(3));
		summary_rep_call(h, &c);
	}
	ck_assert_int_eq(summary_finish(s), 0);
	/* rush: 2/3 within 1 ring, but three calls in one batch: no interval */
	ck_assert_int_eq(summary_exit_code(s), 4);
	json_t *j = write_and_load(s, "windows");
	ck_assert_int_eq(num(j, "phases.quiet.dialled"), 1);
	ck_assert_int_eq(num(j, "phases.rush.dialled"), 3);
	ck_assert_int_eq(num(j, "overall.dialled"), 5); /* 150 s is in no window */
	ck_assert_double_eq_tol(num(json_array_get(json_object_get(j, "targets"), 0), "measured"),
				2.0 / 3, EPS);
	json_decref(j);
	summary_free(s);
}
END_TEST

/* Only the first day gets 15-minute rows: memory stays flat. */
START_TEST(test_summary_intervals_stop_after_one_day)
{
	scn_setup(1);
	struct summary_opts o = {.engine = ENGINE_CAPTURE, .ring_period = S(3), .replications = 2,
				 .t0_epoch = RB_T_NONE};
	struct summary *s = summary_new(&o);
	const rb_us dial[] = {S(899), S(900), S(95 * 900 + 1), S(96 * 900), S(30 * 86400)};
	for (int i = 0; i < 5; i++) {
		struct callrec c;
		callrec_init(&c);
		c.t_dial = c.t_invite = dial[i];
		c.outcome = OUTCOME_ANSWERED;
		c.t_answer = c.t_invite + S(1);
		callrec_derive(&c, S(3));
		summary_rep_call(summary_rep(s, i % 2), &c);
	}
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = write_and_load(s, "day");
	json_t *ints = json_object_get(j, "intervals");
	ck_assert_int_eq(json_array_size(ints), 96);
	ck_assert_int_eq(num(json_array_get(ints, 0), "dialled"), 1);
	ck_assert_int_eq(num(json_array_get(ints, 1), "dialled"), 1);
	ck_assert_int_eq(num(json_array_get(ints, 2), "dialled"), 0);
	ck_assert_int_eq(num(json_array_get(ints, 95), "dialled"), 1);
	ck_assert_double_eq_tol(num(json_array_get(ints, 95), "t_start_s"), 95 * 900, EPS);
	ck_assert_int_eq(num(j, "overall.dialled"), 5);
	/* with replications, a row has its own ci95 and se */
	ck_assert_ptr_nonnull(json_object_get(json_array_get(ints, 0), "ci95"));
	json_decref(j);
	summary_free(s);
}
END_TEST

static int cmp_us(const void *a, const void *b)
{
	rb_us x = *(const rb_us *)a, y = *(const rb_us *)b;
	return x < y ? -1 : x > y;
}

/* The wait histogram against sorting: within 0.8 % (plus the 0.5 ms of the
 * millisecond bins) of the exact nearest-rank quantile, on waits spread
 * over six orders of magnitude (fixed seed). */
START_TEST(test_stats_whist_quantiles_within_one_percent)
{
	enum { N = 20000 };
	static rb_us w[N];
	struct stats_whist h, h2;
	stats_whist_init(&h);
	stats_whist_init(&h2);
	uint64_t x = 12345;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(x >> 11) / 9007199254740992.0;
		w[i] = i % 10 == 0 ? 0 : (rb_us)(pow(10, 2 + 6 * u)); /* 100 µs .. 100 s */
		stats_whist_add(i % 2 ? &h : &h2, w[i]);
	}
	stats_whist_merge(&h, &h2);
	ck_assert_uint_eq(h.n, N);
	qsort(w, N, sizeof(w[0]), cmp_us);
	const double ps[] = {0.05, 0.10, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		size_t rank = (size_t)ceil(ps[i] * N - 1e-9);
		double exact = (double)w[rank - 1] / 1e6;
		double got = stats_whist_quantile(&h, ps[i]);
		ck_assert_msg(fabs(got - exact) <= 0.008 * exact + 0.0005, "p%g: %g against %g", ps[i],
			      got, exact);
	}
	/* a tenth of the waits are exactly 0: the 5 % quantile is exactly 0 */
	ck_assert(stats_whist_quantile(&h, 0.05) == 0.0);
	stats_whist_init(&h2);
	ck_assert(isnan(stats_whist_quantile(&h2, 0.5)));
	stats_whist_add(&h2, 7 * RB_US_PER_S); /* one wait: exact */
	ck_assert(stats_whist_quantile(&h2, 0.5) == 7.0);
	stats_whist_add(&h2, INT64_C(100000) * RB_US_PER_S); /* beyond the top bin */
	ck_assert(stats_whist_quantile(&h2, 1.0) == 100000.0);
}
END_TEST

/*
 * The groups' wait histograms: one replication counts into the totals
 * themselves, several count into histograms of their own (kept in a pool
 * for later summaries) merged as each ends. The same calls must give the
 * same quantiles either way, in every group and 15-minute row, and a
 * pooled histogram handed to a later summary must be clean: summary C's
 * three replications see only their own 2 s waits.
 */
static void add_waits(struct summary_rep *h, int r, int n_reps)
{
	for (int i = 0; i < 120; i++) {
		if (i % n_reps != r)
			continue;
		rb_us t = i < 60 ? S(100 + i) : S(1000 + i); /* rows 0 and 1 */
		struct callrec c = mk(i % 2 ? 1 : 0, t, OUTCOME_ANSWERED, S(1 + (i * 37) % 90));
		c.phase = t < S(600) ? 0 : 1;
		summary_rep_call(h, &c);
	}
}

static json_t *waits_json(int n_reps, const char *name)
{
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = n_reps,
				 .t0_epoch = RB_T_NONE};
	struct summary *s = summary_new(&o);
	ck_assert_ptr_nonnull(s);
	for (int r = 0; r < n_reps; r++)
		add_waits(summary_rep(s, r), r, n_reps);
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = write_and_load(s, name);
	summary_free(s);
	return j;
}

START_TEST(test_summary_waits_same_whatever_the_replications)
{
	scn_setup(2);
	json_t *one = waits_json(1, "waits1"), *three = waits_json(3, "waits3");
	const char *groups[] = {"overall", "phases.a", "phases.b", "by_tenant.t0", "by_tenant.t1",
				"by_forwarding.unconditional", "by_forwarding.no-answer"};
	const char *q[] = {"p50", "p90", "p99", "mean"};
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (int k = 0; k < 4; k++) {
			char path[96];
			snprintf(path, sizeof(path), "%s.wait_s.%s", groups[g], q[k]);
			ck_assert_msg(num(one, path) == num(three, path), "%s: %g vs %g", path,
				      num(one, path), num(three, path));
		}
	}
	ck_assert_double_eq_tol(num(one, "overall.wait_s.p99"), 89.0, 0.9); /* within a bin (1.6 %) */
	json_t *i1 = json_object_get(one, "intervals"), *i3 = json_object_get(three, "intervals");
	ck_assert_int_eq((int)json_array_size(i1), 2);
	ck_assert_int_eq((int)json_array_size(i3), 2);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 3; k++) {
			char path[32];
			snprintf(path, sizeof(path), "wait_s.%s", q[k]);
			ck_assert(num(json_array_get(i1, i), path) == num(json_array_get(i3, i), path));
		}
	json_decref(one);
	json_decref(three);

	/* a later summary's replications take the pooled histograms: clean */
	struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 3,
				 .t0_epoch = RB_T_NONE};
	struct summary *c = summary_new(&o);
	for (int r = 0; r < 3; r++) {
		struct callrec k = mk(0, S(200), OUTCOME_ANSWERED, S(2));
		k.phase = 0;
		summary_rep_call(summary_rep(c, r), &k);
	}
	ck_assert_int_eq(summary_finish(c), 0);
	json_t *j = write_and_load(c, "waits_clean");
	ck_assert_double_eq_tol(num(j, "overall.wait_s.p99"), 2.0, 0.02);
	ck_assert_double_eq_tol(num(j, "by_tenant.t0.wait_s.p99"), 2.0, 0.02);
	ck_assert(is_null(j, "by_tenant.t1.wait_s.p99"));
	ck_assert_int_eq((int)json_array_size(json_object_get(j, "intervals")), 1);
	json_decref(j);
	summary_free(c);
}
END_TEST

START_TEST(test_stats_ci_by_hand)
{
	/* 1, 2, 3, NaN: mean 2, sd 1, se 1/sqrt(3), t(0.975, 2) = 4.302653 */
	double v[] = {1, 2, 3, NAN};
	struct stats_ci c = stats_ci(v, 4);
	ck_assert(c.valid);
	ck_assert_int_eq(c.n, 3);
	ck_assert_double_eq_tol(c.se, 1 / sqrt(3), 1e-12);
	ck_assert_double_eq_tol(c.hi - c.mean, 4.302653 / sqrt(3), 1e-6);
	c = stats_ci(v, 1);
	ck_assert(!c.valid);
	ck_assert_double_eq_tol(stats_t975(19), 2.093024, 1e-6);
}
END_TEST

static Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_summary_counts_by_group);
	tcase_add_test(tc, test_summary_service_levels_differ_by_measure);
	tcase_add_test(tc, test_summary_time_weighted_across_phase_boundary);
	tcase_add_test(tc, test_summary_targets_pass_and_fail);
	tcase_add_test(tc, test_summary_ci95_from_replications);
	tcase_add_test(tc, test_summary_verdict_on_the_interval);
	tcase_add_test(tc, test_summary_batch_intervals);
	tcase_add_test(tc, test_summary_json_same_bytes_whatever_the_order);
	tcase_add_test(tc, test_summary_json_sorted_with_unsorted_extra);
	tcase_add_test(tc, test_summary_json_matches_schema);
	tcase_add_test(tc, test_summary_print_shows_targets_and_verdict);
	tcase_add_test(tc, test_summary_capture_without_scenario);
	tcase_add_test(tc, test_summary_capture_phase_windows);
	tcase_add_test(tc, test_summary_intervals_stop_after_one_day);
	tcase_add_test(tc, test_summary_waits_same_whatever_the_replications);
	tcase_add_test(tc, test_stats_whist_quantiles_within_one_percent);
	tcase_add_test(tc, test_stats_ci_by_hand);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(summary_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
