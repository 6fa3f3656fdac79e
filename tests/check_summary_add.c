/*
 * summary_rep_add (the model's entry: a struct summary_call, its set's
 * short path, the ring bins by multiplication), and summary_rep_zero before
 * it (the short path inline, from values) against summary_rep_call
 * with the record an engine fills and derives (callrec_derive_wait): the
 * same calls must give the same summary.json, byte for byte, whatever the
 * ring period, the outcomes, waits (none, zero, on a ring's edge, past
 * every bin), forwarding, screening, warm-up, tenants and the order the
 * calls end in (sets swapped around a row's end). With one replication
 * (batches, also with the run's end not known) and with several.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "callrec.h"
#include "summary.h"

#define S(x) ((rb_us)((x) * 1e6))

static struct scn_tenant tenants[3];
static struct scn_phase phases[3];
static struct scenario scn;

/* n_phases 0: no phases, the end not known (fine batches). */
static void scn_setup(int n_phases, rb_us ring_period)
{
	memset(&scn, 0, sizeof(scn));
	memset(tenants, 0, sizeof(tenants));
	memset(phases, 0, sizeof(phases));
	tenants[0] = (struct scn_tenant){.id = "t0", .forwarding = FWD_UNCONDITIONAL};
	tenants[1] = (struct scn_tenant){.id = "t1", .forwarding = FWD_NO_ANSWER, .no_answer = S(7)};
	tenants[2] = (struct scn_tenant){.id = "t2", .forwarding = FWD_UNKNOWN};
	phases[0] = (struct scn_phase){.name = "a", .start = 0, .duration = S(2000)};
	phases[1] = (struct scn_phase){.name = "b", .start = S(2000), .duration = S(3000)};
	phases[2] = (struct scn_phase){.name = "c", .start = S(5000), .duration = S(1400)};
	scn.name = "add";
	memset(scn.sha256, 'b', 64);
	scn.ring_period = ring_period;
	scn.tenants = tenants;
	scn.n_tenants = 3;
	scn.phases = phases;
	scn.n_phases = (size_t)n_phases;
	scn.end = n_phases ? phases[n_phases - 1].start + phases[n_phases - 1].duration : 0;
	scn.run.warmup = S(50);
	scn.run.replications = 1;
}

/* xorshift64*: the test's own fixed stream */
static uint64_t rnd_state;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

/* A wait: mostly none (0), else short, on a ring's edge, or long. */
static rb_us rnd_wait(rb_us period)
{
	switch (rnd() % 8) {
	case 0: case 1: case 2: case 3:
		return 0;
	case 4:
		return (rb_us)(rnd() % (uint64_t)(3 * period));
	case 5:
		return (rb_us)(rnd() % 40) * period - (rb_us)(rnd() % 2); /* an edge, or just before */
	case 6:
		return (rb_us)(rnd() % (uint64_t)(40 * period));
	default:
		return (rb_us)(rnd() % (uint64_t)S(4000));
	}
}

/* One call as the model keeps it, then as both entries see it. */
struct mcall {
	rb_us t_dial, t_invite, t_answer, t_cancel, no_answer;
	enum call_outcome oc;
	enum call_fwd fwd;
	int phase, tenant, screened;
	bool counted;
};

static struct mcall rnd_call(rb_us t_dial, rb_us period)
{
	struct mcall c = {.t_dial = t_dial, .t_invite = RB_T_NONE, .t_answer = RB_T_NONE,
			  .t_cancel = RB_T_NONE};
	uint64_t u = rnd();
	/* runs of one tenant (its set turns hot), now and then another */
	static int sticky;
	if (u % 61 == 7)
		sticky = (int)((u >> 32) % 3);
	c.tenant = sticky;
	if (u % 97 == 5)
		c.tenant = -1; /* no tenant: never kept in a set */
	const struct scn_tenant *t = &tenants[c.tenant < 0 ? 0 : c.tenant];
	c.fwd = t->forwarding;
	c.no_answer = t->forwarding == FWD_NO_ANSWER ? t->no_answer : 0;
	if (u % 89 == 3)
		c.no_answer = RB_T_NONE; /* rings heard not known */
	c.phase = -1;
	for (size_t i = 0; i < scn.n_phases; i++)
		if (t_dial >= phases[i].start && t_dial < phases[i].start + phases[i].duration)
			c.phase = (int)i;
	c.counted = t_dial >= scn.run.warmup;
	c.screened = (int)((u >> 8) % 3) - 1;
	c.oc = (enum call_outcome)((u >> 16) % 8);
	if (c.oc >= OUTCOME_COUNT)
		c.oc = OUTCOME_ANSWERED; /* answered calls are the most */
	if (c.oc == OUTCOME_ANSWERED || c.oc == OUTCOME_ABANDONED || c.oc == OUTCOME_REJECTED)
		c.t_invite = t_dial + (c.no_answer > 0 ? c.no_answer : 0);
	rb_us w = rnd_wait(period);
	if (c.oc == OUTCOME_ANSWERED && (u >> 24) % 53 != 0)
		c.t_answer = c.t_invite + w; /* else an answer with no time */
	if (c.oc == OUTCOME_ABANDONED)
		c.t_cancel = c.t_invite + w;
	return c;
}

static void add_both(struct summary_rep *ha, struct summary_rep *hc, const struct mcall *c,
		     rb_us period)
{
	struct summary_call sc = {
		.t_dial = c->t_dial,
		.wait = callrec_wait_of(c->oc, c->t_invite, c->t_answer, c->t_cancel, RB_T_NONE),
		.no_answer = c->no_answer,
		.outcome = c->oc,
		.forwarding = c->fwd,
		.screened = c->screened,
		.phase = c->phase,
		.tenant_idx = c->tenant,
		.counted = c->counted,
		.gkey = summary_gkey(c->phase, c->tenant, c->fwd),
	};
	/*
	 * Every other call first through summary_rep_zero, as the model does
	 * (the short path inline, the record only when it declines): both
	 * ways must count the same.
	 */
	static unsigned turn;
	if (!(turn++ & 1) || !summary_rep_zero(ha, sc.gkey, sc.t_dial, sc.outcome, sc.wait,
						sc.screened, sc.forwarding, sc.counted))
		summary_rep_add(ha, &sc);
	struct callrec r;
	callrec_init(&r);
	r.t_dial = c->t_dial;
	r.t_invite = c->t_invite;
	r.t_answer = c->t_answer;
	r.t_cancel = c->t_cancel;
	r.no_answer = c->no_answer;
	r.outcome = c->oc;
	r.forwarding = c->fwd;
	r.screened = c->screened;
	r.phase = c->phase;
	r.tenant_idx = c->tenant;
	r.counted = c->counted;
	if (c->tenant >= 0)
		snprintf(r.tenant, sizeof(r.tenant), "%s", tenants[c->tenant].id);
	callrec_derive_wait(&r, period);
	summary_rep_call(hc, &r);
}

static char *dump(struct summary *s)
{
	ck_assert_int_eq(summary_finish(s), 0);
	json_t *j = summary_to_json(s);
	ck_assert_ptr_nonnull(j);
	char *text = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1) | JSON_REAL_PRECISION(16));
	json_decref(j);
	ck_assert_ptr_nonnull(text);
	return text;
}

/*
 * n calls a replication over [0, span): in time order but for a jitter
 * of up to `jitter` (calls end mixed around a row's or batch's end).
 */
static void compare_entries(int n_phases, rb_us period, int reps, int n, rb_us span,
			    rb_us jitter)
{
	scn_setup(n_phases, period);
	struct summary_opts o = {.engine = ENGINE_MODEL, .command = "check", .scn = &scn,
				 .seed = 3, .replications = reps, .t0_epoch = RB_T_NONE,
				 .time_weighted = true};
	struct summary *a = summary_new(&o), *c = summary_new(&o);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(c);
	rnd_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)period ^ (uint64_t)reps;
	for (int r = 0; r < reps; r++) {
		struct summary_rep *ha = summary_rep(a, r), *hc = summary_rep(c, r);
		for (int i = 0; i < n; i++) {
			rb_us t = span / n * i + (jitter ? (rb_us)(rnd() % (uint64_t)jitter) : 0);
			struct mcall mc = rnd_call(t, period);
			add_both(ha, hc, &mc, period);
		}
		summary_rep_done(ha);
		summary_rep_done(hc);
	}
	char *ta = dump(a), *tc = dump(c);
	ck_assert_msg(strcmp(ta, tc) == 0,
		      "summary_rep_add and summary_rep_call differ (phases %d, period %lld, reps %d)",
		      n_phases, (long long)period, reps);
	/* not vacuous: the calls were counted */
	ck_assert_ptr_nonnull(strstr(ta, "\"answered\": "));
	ck_assert_ptr_null(strstr(ta, "\"offered\": 0,\n  \"rejected\""));
	free(ta);
	free(tc);
	summary_free(a);
	summary_free(c);
}

START_TEST(test_add_same_as_call_one_replication)
{
	compare_entries(3, S(3), 1, 60000, S(6400), S(40));
}
END_TEST

START_TEST(test_add_same_as_call_replications)
{
	compare_entries(3, S(3), 3, 20000, S(6400), S(900));
}
END_TEST

START_TEST(test_add_same_as_call_other_periods)
{
	compare_entries(2, 370001, 1, 20000, S(5000), S(5));
	compare_entries(3, S(60), 2, 20000, S(6400), 0);
	/* a period past the multiplier's range: every bin by division */
	compare_entries(3, S(200), 1, 20000, S(6400), S(3));
}
END_TEST

START_TEST(test_add_same_as_call_end_not_known)
{
	/* no phases: batches of doubling width while the calls go on */
	compare_entries(0, S(3), 1, 80000, S(90000), S(60));
}
END_TEST

/*
 * The rings of a wait (docs/definitions.md: a wait under one period is
 * one ring) are the same through both entries one call at a time, around
 * every edge of the bins the file has: answered within k rings for k =
 * 1..10, and rings heard 1..30 and "31+".
 */
START_TEST(test_add_ring_edges)
{
	const rb_us periods[] = {10000, S(3), 2999999, S(60)};
	for (size_t p = 0; p < sizeof(periods) / sizeof(periods[0]); p++) {
		rb_us d = periods[p];
		scn_setup(1, d);
		phases[0].duration = S(100000);
		scn.end = S(100000);
		scn.run.warmup = 0;
		struct summary_opts o = {.engine = ENGINE_MODEL, .scn = &scn, .replications = 1,
					 .t0_epoch = RB_T_NONE};
		struct summary *a = summary_new(&o), *c = summary_new(&o);
		rb_us t = 0;
		for (int k = 0; k <= 33; k++) {
			for (int e = -1; e <= 1; e++) {
				for (int ten = 0; ten < 2; ten++) {
					rb_us w = k * d + e;
					if (w < 0)
						continue;
					struct mcall mc = {.t_dial = t, .t_invite = t, .t_answer = t + w,
							   .t_cancel = RB_T_NONE,
							   .oc = OUTCOME_ANSWERED,
							   .fwd = tenants[ten].forwarding,
							   .no_answer = tenants[ten].no_answer, .phase = 0,
							   .tenant = ten, .screened = 0, .counted = true};
					/* 20 alike first: the set turns hot */
					for (int i = 0; i < 20; i++)
						add_both(summary_rep(a, 0), summary_rep(c, 0), &mc, d);
					t += S(1);
				}
			}
		}
		char *ta = dump(a), *tc = dump(c);
		ck_assert_msg(strcmp(ta, tc) == 0, "ring edges differ for a period of %lld µs",
			      (long long)d);
		free(ta);
		free(tc);
		summary_free(a);
		summary_free(c);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("summary_add");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_add_same_as_call_one_replication);
	tcase_add_test(tc, test_add_same_as_call_replications);
	tcase_add_test(tc, test_add_same_as_call_other_periods);
	tcase_add_test(tc, test_add_same_as_call_end_not_known);
	tcase_add_test(tc, test_add_ring_edges);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
