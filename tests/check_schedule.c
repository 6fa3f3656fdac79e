/*
 * check_schedule: the live run's per-call schedule (sim/live/schedule.h) draws
 * the model's callers: same seed and replication, same dial instants,
 * tenants, caller types and abandons before forwarding; also for a trace
 * scenario (load: {trace: FILE}), where it places the recorded calls with
 * the model's patience and talk draws. And whether a live
 * run kept that schedule (live_schedule_judge): a p99 lateness over 5 % of
 * the ring period on the wire caps the verdict at inconclusive.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unistd.h>

#include "live.h"
#include "resdir.h"
#include "model.h"
#include "scn.h"
#include "schedule.h"
#include "summary.h"

/* Two tenants (one no-answer), three caller types, two phases, two bursts
 * (one spread, one all at once), no redial: the model's calls are exactly
 * the schedule's. */
static const char *SCN =
	"name: sched\n"
	"center: {operators: 3, pickup_s: {uniform: [1, 3]}, wrapup_s: 10}\n"
	"tenants:\n"
	"  - {id: a, number: '0311111111', name: 'エー商事', share: 0.5, forwarding: unconditional}\n"
	"  - {id: b, number: '0322222222', name: 'ビー商事', share: 0.5, forwarding: {no_answer_s: 12}}\n"
	"callers:\n"
	"  patience_s: {exponential: 30}\n"
	"  types:\n"
	"    inquiry: {share: 0.6, talk_s: {exponential: 60}}\n"
	"    sales: {share: 0.3, talk_s: {exponential: 40}, screen_prob: 0.8, screened_talk_s: 10}\n"
	"    no_callback: {share: 0.1, talk_s: {exponential: 30}}\n"
	"load:\n"
	"  - {phase: one, duration_s: 600, rate_per_min: 3}\n"
	"  - {phase: two, duration_s: 300, rate_per_min: 6, bursts: [{at_s: 30, calls: 12, within_s: 20}, "
	"{at_s: 100, calls: 5, within_s: 0}]}\n"
	"run: {seed: 3}\n";

struct seen {
	rb_us t_dial;
	int tenant, type;
	enum call_outcome outcome;
	rb_us t_cancel;
	long id; /* the model's dial order ("m0-<id>") */
	bool redial;
	rb_us patience, talk; /* the model's draws */
	rb_us pickup;         /* the first operator ring's pick-up */
};

struct coll {
	struct seen *v;
	size_t n, cap;
};

static void on_call(const struct callrec *r, int rep, void *arg)
{
	struct coll *c = arg;
	ck_assert_int_eq(rep, 0);
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		ck_assert_ptr_nonnull(c->v);
	}
	const char *dash = strchr(r->call_id, '-');
	ck_assert_ptr_nonnull(dash);
	c->v[c->n++] = (struct seen){r->t_dial, r->tenant_idx, r->type_idx, r->outcome, r->t_cancel,
				     strtol(dash + 1, NULL, 10), r->redial, r->drawn_patience,
				     r->drawn_talk, r->drawn_pickup};
}

static int by_id(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct scenario *load(void)
{
	char err[512];
	struct scenario *s = NULL;
	int e = scn_load_string(SCN, strlen(SCN), "sched.yaml", &s, err, sizeof(err));
	ck_assert_msg(e == 0, "%s", err);
	return s;
}

START_TEST(test_schedule_matches_model_callers)
{
	struct scenario *s = load();
	struct coll c = {0};
	struct model_opts mo = {.scn = s, .seed = 3, .replications = 1, .jobs = 1,
				.call_h = on_call, .call_arg = &c};
	struct model_stats st;
	ck_assert_int_eq(model_run(&mo, &st), 0);
	qsort(c.v, c.n, sizeof(*c.v), by_id);

	struct schedule sc;
	ck_assert_int_eq(schedule_build(s, 3, 0, &sc), 0);
	ck_assert_uint_eq(sc.n, c.n);
	ck_assert_uint_gt(sc.n, 50);
	size_t abf = 0;
	for (size_t i = 0; i < sc.n; i++) {
		const struct sched_call *k = &sc.calls[i];
		ck_assert_int_eq(k->t_dial, c.v[i].t_dial);
		ck_assert_int_eq(k->tenant, c.v[i].tenant);
		ck_assert_int_eq(k->type, c.v[i].type);
		ck_assert_int_eq(k->before_forward, c.v[i].outcome == OUTCOME_ABANDONED_BEFORE_FORWARD);
		if (k->before_forward) {
			abf++;
			ck_assert_int_eq(k->t_dial + k->patience, c.v[i].t_cancel);
		}
	}
	ck_assert_uint_gt(abf, 0);
	ck_assert_uint_eq(sc.n_wire, sc.n - abf);
	schedule_free(&sc);
	free(c.v);
	scn_free(s);
}
END_TEST

/* The model's calls.csv replayed: the schedule is the replaying model's callers. */
START_TEST(test_schedule_trace_matches_model)
{
	char dir[] = "/tmp/check_schedule.XXXXXX", out[128], err[512], text[2048];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct scenario *s = load();
	snprintf(out, sizeof out, "%s/orig", dir);
	struct model_write_opts wo = {.scn = s, .dir = out, .command = "check_schedule", .seed = 3,
				      .replications = 1, .jobs = 1, .calls_cap = -1};
	struct resdir *rd = NULL;
	struct resdir_result res;
	ck_assert_msg(model_write(&wo, &rd, &res, err, sizeof err) == 0, "%s", err);
	resdir_free(rd);
	scn_free(s);
	/* SCN with its load replaced by the trace */
	const char *ld = strstr(SCN, "load:");
	snprintf(text, sizeof text, "%.*sload: {trace: %s/calls.csv}\nrun: {seed: 3}\n", (int)(ld - SCN),
		 SCN, out);
	ck_assert_int_eq(scn_load_string(text, strlen(text), "trace.yaml", &s, err, sizeof err), 0);

	struct coll c = {0};
	struct model_opts mo = {.scn = s, .seed = 5, .replications = 1, .jobs = 1,
				.call_h = on_call, .call_arg = &c};
	ck_assert_int_eq(model_run(&mo, NULL), 0);
	qsort(c.v, c.n, sizeof(*c.v), by_id);
	struct schedule sc;
	ck_assert_int_eq(schedule_build(s, 5, 0, &sc), 0);
	ck_assert_uint_eq(sc.n, c.n);
	ck_assert_uint_eq(sc.n, s->trace->n);
	size_t abf = 0;
	for (size_t i = 0; i < sc.n; i++) {
		const struct sched_call *k = &sc.calls[i];
		ck_assert_int_eq(k->t_dial, s->trace->calls[i].t_dial);
		ck_assert_int_eq(k->t_dial, c.v[i].t_dial);
		ck_assert_int_eq(k->tenant, c.v[i].tenant);
		ck_assert_int_eq(k->type, c.v[i].type);
		ck_assert_int_eq(k->patience, c.v[i].patience);
		ck_assert_int_eq(k->talk, c.v[i].talk);
		ck_assert_int_eq(k->before_forward, c.v[i].outcome == OUTCOME_ABANDONED_BEFORE_FORWARD);
		abf += k->before_forward;
	}
	ck_assert_uint_gt(abf, 0);
	schedule_free(&sc);
	free(c.v);
	scn_free(s);
	snprintf(text, sizeof text, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(text), 0);
}
END_TEST

START_TEST(test_schedule_wire_order_is_by_invite)
{
	struct scenario *s = load();
	struct schedule sc;
	ck_assert_int_eq(schedule_build(s, 3, 1, &sc), 0);
	size_t n;
	const struct sched_call **w = schedule_wire_order(&sc, &n);
	ck_assert_uint_eq(n, sc.n_wire);
	ck_assert_ptr_nonnull(w);
	for (size_t i = 0; i < n; i++) {
		ck_assert(!w[i]->before_forward);
		ck_assert_int_eq(w[i]->t_invite, w[i]->t_dial + w[i]->no_answer);
		if (i)
			ck_assert_int_le(w[i - 1]->t_invite, w[i]->t_invite);
		/* no_callback callers give no number; the others do. */
		bool refuses = s->callers.types[w[i]->type].refuses_callback;
		ck_assert_int_eq(w[i]->callback[0] == '\0', refuses);
	}
	free(w);
	schedule_free(&sc);
	scn_free(s);
}
END_TEST

START_TEST(test_schedule_same_seed_same_calls)
{
	struct scenario *s = load();
	struct schedule a, b, c;
	ck_assert_int_eq(schedule_build(s, 9, 0, &a), 0);
	ck_assert_int_eq(schedule_build(s, 9, 0, &b), 0);
	ck_assert_int_eq(schedule_build(s, 9, 1, &c), 0);
	ck_assert_uint_eq(a.n, b.n);
	ck_assert(memcmp(a.calls, b.calls, a.n * sizeof(*a.calls)) == 0);
	/* Another replication: other arrivals. */
	ck_assert(a.n != c.n || memcmp(a.calls, c.calls, a.n * sizeof(*a.calls)) != 0);
	schedule_free(&a);
	schedule_free(&b);
	schedule_free(&c);
	scn_free(s);
}
END_TEST

/* The same scenario with callers who always call again, 20 s later. */
static struct scenario *load_redial(void)
{
	const char *at = strstr(SCN, "  types:\n");
	ck_assert_ptr_nonnull(at);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s  redial: {prob: 1, after_s: 20}\n%s", (int)(at - SCN), SCN, at);
	char err[512];
	struct scenario *s = NULL;
	int e = scn_load_string(buf, strlen(buf), "sched-redial.yaml", &s, err, sizeof(err));
	ck_assert_msg(e == 0, "%s", err);
	return s;
}

START_TEST(test_schedule_redials)
{
	struct scenario *s0 = load(), *s = load_redial();
	struct schedule a, b;
	ck_assert_int_eq(schedule_build(s0, 3, 0, &a), 0);
	ck_assert_int_eq(schedule_build(s, 3, 0, &b), 0);
	ck_assert_uint_eq(a.n_redials, 0);
	/* The first-time callers are the same; redials come after them. */
	ck_assert_uint_gt(b.n_redials, 0);
	ck_assert_uint_eq(b.n, a.n + b.n_redials);
	for (size_t i = 0; i < a.n; i++) {
		ck_assert_int_eq(b.calls[i].t_dial, a.calls[i].t_dial);
		ck_assert_int_eq(b.calls[i].patience, a.calls[i].patience);
		ck_assert_int_eq(b.calls[i].talk, a.calls[i].talk);
		ck_assert(!b.calls[i].redial);
	}
	/* Every caller who hung up before forwarding in time calls again
	 * (prob 1), once; redials that hang up before forwarding too. */
	size_t want = 0, wire = 0;
	for (size_t i = 0; i < b.n; i++) {
		const struct sched_call *c = &b.calls[i];
		if (c->before_forward && c->t_dial + c->patience + 20 * RB_US_PER_S < s->end)
			want++;
		if (!c->before_forward)
			wire++;
		if (!c->redial)
			continue;
		ck_assert_uint_ge(i, a.n);
		ck_assert_uint_ge(c->redial_of, 1);
		ck_assert_uint_lt(c->redial_of, c->seq);
		const struct sched_call *o = &b.calls[c->redial_of - 1];
		ck_assert(o->before_forward);
		ck_assert_int_eq(c->t_dial, o->t_dial + o->patience + 20 * RB_US_PER_S);
		ck_assert_int_lt(c->t_dial, s->end);
		ck_assert_int_eq(c->tenant, o->tenant);
		ck_assert_int_eq(c->type, o->type);
		ck_assert_str_eq(c->name, o->name);
		ck_assert_int_eq(c->phase, scn_phase_at(s, c->t_dial));
		ck_assert_int_eq(c->t_invite, c->t_dial + c->no_answer);
	}
	ck_assert_uint_eq(b.n_redials, want);
	ck_assert_uint_eq(b.n_wire, wire);
	/* A caller abandoned at the center (known only during a live run). */
	size_t i = 0;
	while (i < a.n && (b.calls[i].before_forward || b.calls[i].t_dial > s->end - 60 * RB_US_PER_S))
		i++;
	ck_assert_uint_lt(i, a.n);
	size_t n0 = b.n, added;
	rb_us hang = b.calls[i].t_dial + 5 * RB_US_PER_S;
	ck_assert_int_eq(schedule_redial(&b, i, hang, &added), 0);
	ck_assert_uint_ge(added, 1);
	ck_assert_uint_eq(b.n, n0 + added);
	ck_assert(b.calls[n0].redial);
	ck_assert_uint_eq(b.calls[n0].redial_of, b.calls[i].seq);
	ck_assert_int_eq(b.calls[n0].t_dial, hang + 20 * RB_US_PER_S);
	ck_assert_uint_eq(b.calls[n0].seq, n0 + 1);
	/* Once only. */
	ck_assert_int_eq(schedule_redial(&b, i, hang, &added), 0);
	ck_assert_uint_eq(added, 0);
	/* No redial at or after the end. */
	size_t last = a.n - 1;
	ck_assert_int_eq(schedule_redial(&b, last, s->end - RB_US_PER_S, &added), 0);
	ck_assert_uint_eq(added, 0);
	schedule_free(&a);
	schedule_free(&b);
	scn_free(s0);
	scn_free(s);
}
END_TEST

/* The model's record of the redial dialled at t by a caller of tenant/type. */
static const struct seen *model_redial(const struct coll *m, const struct sched_call *k)
{
	for (size_t j = 0; j < m->n; j++)
		if (m->v[j].redial && m->v[j].t_dial == k->t_dial && m->v[j].tenant == k->tenant &&
		    m->v[j].type == k->type)
			return &m->v[j];
	return NULL;
}

START_TEST(test_schedule_redials_match_model)
{
	/* Redials drawn with the call, a redial's own draws keyed by caller
	 * and attempt: the schedule's redials are the model's, whatever order
	 * the abandons come in (before forwarding here, at the center live). */
	const char *at = strstr(SCN, "  types:\n");
	ck_assert_ptr_nonnull(at);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%.*s  redial: {prob: 0.7, after_s: {exponential: 20}}\n%s",
		 (int)(at - SCN), SCN, at);
	char err[512];
	struct scenario *s = NULL;
	ck_assert_msg(scn_load_string(buf, strlen(buf), "r.yaml", &s, err, sizeof(err)) == 0, "%s", err);
	struct coll m = {0};
	struct model_opts mo = {.scn = s, .seed = 3, .replications = 1, .jobs = 1,
				.call_h = on_call, .call_arg = &m};
	ck_assert_int_eq(model_run(&mo, NULL), 0);
	qsort(m.v, m.n, sizeof(*m.v), by_id);
	struct schedule sc;
	ck_assert_int_eq(schedule_build(s, 3, 0, &sc), 0);
	size_t n_first = sc.n - sc.n_redials, k = 0, centre = 0, matched = 0;
	for (size_t j = 0; j < m.n; j++) {
		const struct seen *v = &m.v[j];
		if (v->redial)
			continue;
		const struct sched_call *c = &sc.calls[k];
		ck_assert_int_eq(c->t_dial, v->t_dial);
		ck_assert_int_eq(c->patience, v->patience);
		ck_assert_int_eq(c->talk, v->talk);
		ck_assert_int_eq(c->pickup, v->pickup); /* live --sip-operators' pick-ups */
		/* An abandon at the center: the live runner's call, then the
		 * model's redial must be the schedule's. */
		if (v->outcome == OUTCOME_ABANDONED) {
			size_t added, n0 = sc.n;
			ck_assert_int_eq(schedule_redial(&sc, k, v->t_cancel, &added), 0);
			centre++;
			for (size_t r = n0; r < n0 + added; r++) {
				const struct seen *w = model_redial(&m, &sc.calls[r]);
				ck_assert_ptr_nonnull(w);
				ck_assert_int_eq(w->patience, sc.calls[r].patience);
				ck_assert_int_eq(w->talk, sc.calls[r].talk);
				ck_assert_int_eq(w->pickup, sc.calls[r].pickup);
				matched++;
			}
		}
		k++;
	}
	ck_assert_uint_eq(k, n_first);
	ck_assert_uint_gt(centre, 0);
	ck_assert_uint_gt(matched, 0);
	/* The redials of callers who hung up before forwarding. */
	size_t bf = 0;
	for (size_t i = n_first; i < sc.n; i++) {
		if (sc.calls[i].redial_of > n_first)
			continue; /* a redial's redial after a center abandon: not in the schedule */
		const struct seen *w = model_redial(&m, &sc.calls[i]);
		ck_assert_ptr_nonnull(w);
		ck_assert_int_eq(w->patience, sc.calls[i].patience);
		ck_assert_int_eq(w->talk, sc.calls[i].talk);
		ck_assert_int_eq(w->pickup, sc.calls[i].pickup);
		bf++;
	}
	ck_assert_uint_gt(bf, 0);
	schedule_free(&sc);
	free(m.v);
	scn_free(s);
}
END_TEST

/* 3 s rings at speed-up 15: the limit is 5 % of 200 ms on the wire, 10 ms. */
START_TEST(test_schedule_kept_within_limit)
{
	ck_assert_double_eq_tol(live_lateness_limit_ms(3 * RB_US_PER_S, 15), 10.0, 1e-9);
	ck_assert_double_eq_tol(live_lateness_limit_ms(3 * RB_US_PER_S, 30), 5.0, 1e-9);
	struct live_lateness lat[2] = {{.n = 40, .median_ms = 2, .p99_ms = 8, .max_ms = 9},
				       {.n = 41, .median_ms = 3, .p99_ms = 10, .max_ms = 12}};
	struct live_schedule sc;
	live_schedule_judge(lat, 2, 3 * RB_US_PER_S, 15, &sc);
	ck_assert(sc.kept); /* a p99 at the limit is not over it */
	ck_assert_uint_eq(sc.invites, 81);
	ck_assert_int_eq(sc.worst_rep, 1);
	ck_assert_double_eq_tol(sc.p99_ms, 10, 1e-9);
	char why[200] = "x";
	live_schedule_reason(&sc, 2, why, sizeof(why));
	ck_assert_str_eq(why, "");
	/* nothing on the wire: nothing to judge, kept */
	struct live_lateness none = {0};
	live_schedule_judge(&none, 1, 3 * RB_US_PER_S, 15, &sc);
	ck_assert(sc.kept);
	ck_assert_int_eq(sc.worst_rep, -1);
}
END_TEST

START_TEST(test_schedule_not_kept_caps_at_inconclusive)
{
	struct live_lateness lat[2] = {{.n = 40, .median_ms = 2, .p99_ms = 8, .max_ms = 9},
				       {.n = 41, .median_ms = 3.5, .p99_ms = 16.4, .max_ms = 30}};
	struct live_schedule sc;
	live_schedule_judge(lat, 2, 3 * RB_US_PER_S, 15, &sc);
	ck_assert(!sc.kept);
	ck_assert_int_eq(sc.worst_rep, 1);
	ck_assert_double_eq_tol(sc.p50_ms, 3.5, 1e-9);
	char why[200];
	live_schedule_reason(&sc, 1, why, sizeof(why));
	ck_assert_str_eq(why, "schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms");
	live_schedule_reason(&sc, 2, why, sizeof(why));
	ck_assert_str_eq(why, "schedule not kept: INVITE lateness p99 16.4 ms over its limit 10 ms "
			      "(replication 1)");

	/* In summary.json: the schedule object, the reason, verdict inconclusive, exit 4. */
	struct scenario *s = load();
	struct scn_target none;
	struct summary_opts so = {.engine = ENGINE_LIVE, .command = "check_schedule", .scn = s,
				  .replications = 1, .t0_epoch = 0, .targets = &none, .n_targets = 0};
	struct summary *sum = summary_new(&so);
	ck_assert_ptr_nonnull(sum);
	summary_set_extra(sum, "schedule", live_schedule_json(&sc));
	ck_assert_int_eq(summary_set_inconclusive(sum, why), 0);
	ck_assert_int_eq(summary_finish(sum), 0);
	ck_assert_int_eq(summary_verdict(sum), VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(summary_exit_code(sum), 4);
	char path[] = "/tmp/check_schedule.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(summary_write_json(sum, path), 0);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	unlink(path);
	ck_assert_msg(j != NULL, "%s", je.text);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "inconclusive");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "inconclusive_reasons"), 0)), why);
	json_t *sj = json_object_get(j, "schedule");
	ck_assert(json_is_false(json_object_get(sj, "kept")));
	ck_assert_double_eq_tol(json_number_value(json_object_get(sj, "lateness_p99_ms")), 16.4, 1e-9);
	ck_assert_double_eq_tol(json_number_value(json_object_get(sj, "limit_ms")), 10, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(sj, "replication")), 1);
	json_decref(j);
	summary_free(sum);
	scn_free(s);
}
END_TEST

static Suite *schedule_suite(void)
{
	Suite *su = suite_create("schedule");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_schedule_matches_model_callers);
	tcase_add_test(tc, test_schedule_trace_matches_model);
	tcase_add_test(tc, test_schedule_wire_order_is_by_invite);
	tcase_add_test(tc, test_schedule_same_seed_same_calls);
	tcase_add_test(tc, test_schedule_redials);
	tcase_add_test(tc, test_schedule_redials_match_model);
	tcase_add_test(tc, test_schedule_kept_within_limit);
	tcase_add_test(tc, test_schedule_not_kept_caps_at_inconclusive);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(schedule_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
