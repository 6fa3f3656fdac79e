/*
 * trace: the trace reader (load: {trace: FILE}, core/trace.c) and the
 * conditioned patience draw (core/rv_cond.c).
 *
 * Reader: a full calls.csv and one with most cells empty load with the
 * right dial instants, observations and recorded talk; every bad input is
 * refused with "SCENARIO:LINE:COL: trace: TRACE:LINE: what was expected".
 * Conditioning (fixed seeds): every draw is at or above its bound; the
 * draws follow the conditional law (Kolmogorov-Smirnov against
 * 1 - Q(x)/Q(b) from GSL's own CDFs, sqrt(n) D below 1.63, the 1 % point);
 * far tails stay finite; bounded supports are clamped and say so.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "scn.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *const scn_head =
    "center: {operators: 2}\n"
    "tenants:\n"
    "  - {id: acme, number: \"0311\", share: 0.5, forwarding: unconditional}\n"
    "  - {id: beta, number: \"0322\", share: 0.5, forwarding: {no_answer_s: 15}}\n"
    "callers:\n"
    "  patience_s: {lognormal: {mean: 50, sd: 40}}\n"
    "  types:\n"
    "    inquiry: {share: 0.8, talk_s: {exponential: 90}}\n"
    "    sales: {share: 0.2, talk_s: 60}\n";

/* Loads a scenario whose load is `load` (text after "load: "), with the trace text. */
static int load_with(const char *load, const char *trace, struct scenario **s, char *err, size_t n)
{
	char text[2048], p[256];
	snprintf(text, sizeof text, "%sload: %s\n", scn_head, load);
	write_file("s.yaml", text);
	if (trace)
		write_file("t.csv", trace);
	snprintf(p, sizeof p, "%s/s.yaml", dir);
	*s = NULL;
	err[0] = '\0';
	return scn_load(p, s, err, n);
}

/* A calls.csv row of the full header: the columns given by name, others empty. */
static const char *full_header(void)
{
	return callrec_csv_header();
}

static const char *const full_rows =
    /* answered, unconditional */
    "m0-1,,acme,inquiry,0,unconditional,0.000000,10.000000,10.000000,10.000000,14.500000,,"
    "14.500000,74.500000,200,answered,0,4.500000,2,2,,,op1,60.000000,,,0311,,,\n"
    /* abandoned after a 15 s no-answer: dialled at 5, invite 20, cancel 32 */
    "m0-2,,beta,sales,0,no-answer,15.000000,5.000000,20.000000,20.000000,,32.000000,"
    "32.000000,32.000000,487,abandoned,0,12.000000,5,10,,,,,,,0322,,,\n"
    /* hung up before forwarding: dialled at 1, gone at 9 */
    "m0-3,,beta,inquiry,0,no-answer,15.000000,1.000000,,,,9.000000,,9.000000,,"
    "abandoned_before_forward,,,,,,,,,,,0322,,,\n";

START_TEST(test_full_calls_csv)
{
	char trace[4096], err[1024];
	struct scenario *s;
	snprintf(trace, sizeof trace, "%s%s", full_header(), full_rows);
	ck_assert_int_eq(load_with("{trace: t.csv}", trace, &s, err, sizeof err), 0);
	const struct trace *t = s->trace;
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 3);
	/* dial order: 1 (before forward), 5 (abandoned), 10 (answered) */
	ck_assert_int_eq(t->calls[0].t_dial, 1000000);
	ck_assert_int_eq(t->calls[0].outcome, OUTCOME_ABANDONED_BEFORE_FORWARD);
	ck_assert_int_eq(t->calls[0].pat_exact, 8000000);
	ck_assert_int_eq(t->calls[1].t_dial, 5000000);
	ck_assert_int_eq(t->calls[1].no_answer, 15000000);
	ck_assert_int_eq(t->calls[1].fwd, FWD_NO_ANSWER);
	ck_assert_int_eq(t->calls[1].pat_exact, 27000000); /* 15 s delay + 12 s wait */
	ck_assert_int_eq(t->calls[1].tenant, 1);
	ck_assert_int_eq(t->calls[1].type, 1);
	ck_assert_int_eq(t->calls[2].t_dial, 10000000);
	ck_assert_int_eq(t->calls[2].pat_exact, RB_T_NONE);
	ck_assert_int_eq(t->calls[2].pat_above, 4500000);
	ck_assert_int_eq(t->calls[2].talk, 60000000);
	ck_assert_int_eq(t->calls[2].line, 2);
	/* one phase, "trace", to the next whole minute after the last dial */
	ck_assert_uint_eq(s->n_phases, 1);
	ck_assert_str_eq(s->phases[0].name, "trace");
	ck_assert_int_eq(s->end, 60 * RB_US_PER_S);
	ck_assert(s->phases[0].rate_per_s == 0);
	scn_free(s);
}
END_TEST

/* What fit writes from a queue_log: the header whole, many cells empty. */
START_TEST(test_subset_columns)
{
	char trace[4096], err[1024];
	struct scenario *s;
	snprintf(trace, sizeof trace,
		 "%s"
		 ",,beta,,,,,,40.000000,,47.000000,,,,,answered,,,,,,,,,,,,,,\n"
		 ",,0311,,,,,,30.000000,,,,,,,abandoned,,6.000000,,,,,,,,,,,,\n"
		 ",,,,,,,,50.000000,,,,,,,,,,,,,,,,,,0311,,,\n",
		 full_header());
	ck_assert_int_eq(load_with("{trace: t.csv}", trace, &s, err, sizeof err), 0);
	const struct trace *t = s->trace;
	ck_assert_uint_eq(t->n, 3);
	/* beta forwards after 15 s (its own delay): dialled at 25 */
	ck_assert_int_eq(t->calls[0].t_dial, 25000000);
	ck_assert_int_eq(t->calls[0].no_answer, 15000000);
	ck_assert_int_eq(t->calls[0].pat_above, 22000000); /* 15 + 7 */
	ck_assert_int_eq(t->calls[0].talk, RB_T_NONE);	   /* not recorded: drawn */
	ck_assert_int_eq(t->calls[0].type, -1);		   /* drawn */
	ck_assert_int_eq(t->calls[0].screened, -1);
	/* the tenant by its number; the abandon from wait_s */
	ck_assert_int_eq(t->calls[1].tenant, 0);
	ck_assert_int_eq(t->calls[1].pat_exact, 6000000);
	/* no outcome, no times but the INVITE: incomplete, seen for 0 s */
	ck_assert_int_eq(t->calls[2].outcome, OUTCOME_INCOMPLETE);
	ck_assert_int_eq(t->calls[2].tenant, 0); /* by ruri_user */
	scn_free(s);
}
END_TEST

/* A header with only some of the columns, phases given, a capture that began
 * while a client's phone rang (the delay shortened to the INVITE's instant). */
START_TEST(test_few_columns_and_phases)
{
	char err[1024];
	struct scenario *s;
	const char *trace = "tenant,outcome,t_invite,t_answer,duration_s\n"
			    "beta,answered,4.000000,6.000000,30\n"
			    "acme,answered,100.000000,101.000000,\n";
	ck_assert_int_eq(load_with("{trace: t.csv, phases: [{phase: a, duration_s: 60}, "
				   "{phase: b, duration_s: 120, operators: 3}]}",
				   trace, &s, err, sizeof err),
			 0);
	ck_assert_uint_eq(s->n_phases, 2);
	ck_assert_int_eq(s->phases[1].operators, 3);
	ck_assert_int_eq(s->end, 180 * RB_US_PER_S);
	ck_assert_int_eq(s->trace->calls[0].t_dial, 0);
	ck_assert_int_eq(s->trace->calls[0].no_answer, 4000000);
	ck_assert_uint_eq(s->trace->n_shortened, 1);
	ck_assert_int_eq(s->trace->calls[0].talk, 30000000);
	ck_assert_int_eq(scn_phase_at(s, s->trace->calls[1].t_dial), 1);
	struct scenario *d;
	ck_assert_int_eq(scn_dup(s, &d), 0);
	scn_free(s);
	ck_assert_int_eq(d->trace->calls[1].t_dial, 100000000);
	scn_free(d);
}
END_TEST

/* ringbench analyze's calls.csv of tests/data/pcap/edge_calls.pcap: tenants
 * by number, forwarding mostly unknown, rejected and incomplete calls, and
 * no-answer calls whose INVITE came before their delay had passed since
 * time zero. */
START_TEST(test_capture_calls_csv)
{
	char text[2048], p[256], err[1024];
	snprintf(
	    text, sizeof text,
	    "center: {operators: 1}\n"
	    "tenants:\n"
	    "  - {id: one, number: \"0312000001\", share: 0.5, forwarding: {no_answer_s: 15}}\n"
	    "  - {id: two, number: \"0312000002\", share: 0.5, forwarding: unconditional}\n"
	    "callers: {patience_s: {gamma: {mean: 40, sd: 30}}, talk_s: 30}\n"
	    "load: {trace: %s/tests/data/trace/capture-calls.csv}\n",
	    RB_SOURCE_DIR);
	snprintf(p, sizeof p, "%s/cap.yaml", dir);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	struct scenario *s = NULL;
	ck_assert_msg(scn_load(p, &s, err, sizeof err) == 0, "%s", err);
	const struct trace *t = s->trace;
	ck_assert_uint_eq(t->n, 11);
	ck_assert_uint_eq(t->n_shortened, 6); /* tenant one's six: all before 15 s */
	size_t seen = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_call *c = &t->calls[i];
		if (c->tenant == 0) { /* dialled at time zero, the delay its INVITE's instant */
			ck_assert_int_eq(c->t_dial, 0);
			ck_assert_int_eq(c->fwd, FWD_NO_ANSWER);
		}
		switch (c->outcome) {
		case OUTCOME_REJECTED: /* 6 s -> 486 at 7 s: waited more than 1 s */
			ck_assert_int_eq(c->t_dial, 6000000);
			ck_assert_int_eq(c->pat_above, 1000000);
			seen++;
			break;
		case OUTCOME_INCOMPLETE: /* only its INVITE at 10 s */
			ck_assert_int_eq(c->t_dial, 10000000);
			ck_assert_int_eq(c->pat_above, 0);
			seen++;
			break;
		case OUTCOME_ABANDONED: /* INVITE 5 s, CANCEL 12 s, dialled at 0 */
			ck_assert_int_eq(c->pat_exact, 12000000);
			seen++;
			break;
		default:
			ck_assert_int_eq(c->outcome, OUTCOME_ANSWERED);
			ck_assert_int_eq(c->pat_exact, RB_T_NONE);
			ck_assert_int_gt(c->pat_above, c->no_answer);
			ck_assert_int_gt(c->talk, 0);
			break;
		}
	}
	ck_assert_uint_eq(seen, 3);
	scn_free(s);
}
END_TEST

struct bad {
	const char *load, *trace, *msg; /* msg: the expected message after "DIR/" */
};

static const struct bad bads[] = {
    {"{trace: t.csv}", "tenant,t_invite\nzeta,1\n",
     "s.yaml:10:15: trace: %s/t.csv:2: tenant 'zeta' is none of the scenario's tenants (by id or "
     "number): acme (0311), beta (0322)"},
    {"{trace: t.csv}", "tenant,t_invite\nacme,x1\n",
     "s.yaml:10:15: trace: %s/t.csv:2: t_invite: expected seconds from 0 to 1e9, got 'x1'"},
    {"{trace: t.csv}", "tenant,t_invite\nacme,-3\n",
     "s.yaml:10:15: trace: %s/t.csv:2: t_invite: expected seconds from 0 to 1e9, got '-3'"},
    {"{trace: t.csv}", "tenant,t_invite,outcome\nacme,1,abandoned\n",
     "s.yaml:10:15: trace: %s/t.csv:2: abandoned without t_cancel (or t_final, wait_s, t_end): "
     "expected the instant the caller hung up"},
    {"{trace: t.csv}", "tenant,t_invite,outcome\nacme,1,lost\n",
     "s.yaml:10:15: trace: %s/t.csv:2: outcome: expected answered, abandoned, "
     "abandoned_before_forward, rejected or incomplete, got 'lost'"},
    {"{trace: t.csv}", "tenant,caller_type,t_invite\nacme,vip,1\n",
     "s.yaml:10:15: trace: %s/t.csv:2: caller_type 'vip' is none of the scenario's caller types: "
     "inquiry, sales"},
    {"{trace: t.csv}", "tenant,t_dial\n\"ac\nme\",1\nacme,\n",
     "s.yaml:10:15: trace: %s/t.csv:2: tenant 'ac?me' is none of the scenario's tenants (by id "
     "or number): acme (0311), beta (0322)"},
    /* the line a row starts on, past a quoted line break */
    {"{trace: t.csv}", "tenant,ruri_user,t_dial\nacme,\"x\ny\",1\nacme,,\n",
     "s.yaml:10:15: trace: %s/t.csv:4: expected t_invite or t_dial: the call's instant; both are "
     "empty"},
    {"{trace: t.csv}", "tenant,t_dial\nacme,1\nacme,\n",
     "s.yaml:10:15: trace: %s/t.csv:3: expected t_invite or t_dial: the call's instant; both are "
     "empty"},
    {"{trace: t.csv}", "a,b\n1,2\n",
     "s.yaml:10:15: trace: %s/t.csv:1: expected a calls.csv header (docs/results.md) with "
     "t_invite or t_dial; this header has none of its columns"},
    {"{trace: t.csv}", "tenant,t_invite\n",
     "s.yaml:10:15: trace: %s/t.csv:1: the trace has no calls (a header and no rows)"},
    {"{trace: missing.csv}", NULL,
     "s.yaml:10:15: trace: %s/missing.csv: No such file or directory"},
    {"{trace: t.csv, phases: [{phase: a, duration_s: 60, rate_per_min: 2}]}",
     "tenant,t_invite\nacme,1\n",
     "s.yaml:10:72: rate_per_min in a trace's phase: its calls come from the trace; a phase "
     "gives phase, duration_s and staffing (operators, backup, floors)"},
    {"{trace: t.csv, phases: [{phase: a, duration_s: 60}]}", "tenant,t_invite\nacme,1\nacme,70\n",
     "s.yaml:10:30: %s/t.csv:3: dialled at 70.000000 s, at or after the end of the phases (60 s): "
     "expected the phases to cover every call of the trace"},
    {"{trace: t.csv, speed: 2}", "tenant,t_invite\nacme,1\n", NULL},
};

START_TEST(test_bad_input)
{
	const struct bad *b = &bads[_i];
	char err[1024], want[1024], full[1200];
	struct scenario *s;
	int rc = load_with(b->load, b->trace, &s, err, sizeof err);
	ck_assert_int_ne(rc, 0);
	ck_assert_ptr_null(s);
	if (!b->msg) { /* an unknown key: refused, message from scn_map_check */
		ck_assert_ptr_nonnull(strstr(err, "speed"));
		return;
	}
	snprintf(want, sizeof want, b->msg, dir);
	snprintf(full, sizeof full, "%s/%s", dir, want);
	ck_assert_str_eq(err, full);
}
END_TEST

/* ----------------------------------------------------------------- draws */

static struct rv_dist dist(enum rv_kind k, double a, double b)
{
	struct rv_dist d = {.kind = k, .a = a, .b = b};
	const char *why;
	ck_assert_int_eq(rv_dist_prepare(&d, &why), 0);
	return d;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* sqrt(n) times the KS distance of v[0..n) (sorted here) from cdf. */
static double ks(double *v, size_t n, double (*cdf)(const struct rv_dist *, double, double),
		 const struct rv_dist *d, double bound)
{
	qsort(v, n, sizeof *v, cmp_d);
	double D = 0;
	for (size_t i = 0; i < n; i++) {
		double F = cdf(d, v[i], bound);
		D = fmax(D, fmax(fabs(F - (double)i / n), fabs((double)(i + 1) / n - F)));
	}
	return sqrt((double)n) * D;
}

/* The upper tail of d at x (GSL's own CDFs, the reference). */
static double q_of(const struct rv_dist *d, double x)
{
	switch (d->kind) {
	case RV_EXPONENTIAL:
		return gsl_cdf_exponential_Q(x, d->a);
	case RV_LOGNORMAL:
		return gsl_cdf_lognormal_Q(x, d->mu, d->sigma);
	case RV_GAMMA:
		return gsl_cdf_gamma_Q(x, d->shape, d->scale);
	case RV_NORMAL:
		return gsl_cdf_gaussian_Q(x - d->a, d->b);
	case RV_WEIBULL:
		return gsl_cdf_weibull_Q(x, d->scale, d->shape);
	default:
		return NAN;
	}
}

static double cond_cdf(const struct rv_dist *d, double x, double b)
{
	return 1.0 - q_of(d, x) / q_of(d, b);
}

#define N_KS 20000

START_TEST(test_conditional_law)
{
	struct {
		struct rv_dist d;
		double bound;
	} cases[] = {
	    {dist(RV_EXPONENTIAL, 40, 0), 30}, {dist(RV_LOGNORMAL, 50, 40), 20},
	    {dist(RV_LOGNORMAL, 50, 40), 150}, {dist(RV_GAMMA, 60, 30), 45},
	    {dist(RV_GAMMA, 60, 30), 200},     {dist(RV_GAMMA, 30, 60), 5},
	    {dist(RV_NORMAL, 60, 20), 70},     {dist(RV_LOGNORMAL, 50, 40), 0},
	    {dist(RV_WEIBULL, 1.5, 40), 15},    {dist(RV_WEIBULL, 0.7, 60), 120},
	};
	static double v[N_KS];
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct rv_stream rs;
		ck_assert_int_eq(rv_stream_init(&rs, 11 + c, 0, RVP_PATIENCE), 0);
		for (size_t i = 0; i < N_KS; i++) {
			bool cl = true;
			v[i] = rv_draw_above(&cases[c].d, cases[c].bound, &rs, &cl);
			ck_assert_msg(v[i] >= cases[c].bound, "case %zu: %g below %g", c, v[i],
				      cases[c].bound);
			ck_assert(!cl);
		}
		double k = ks(v, N_KS, cond_cdf, &cases[c].d, cases[c].bound);
		ck_assert_msg(k < 1.63, "case %zu: sqrt(n) D = %.3f", c, k);
		rv_stream_free(&rs);
	}
}
END_TEST

/* Far in the tail (Q(b) below 1e-200, or where GSL would underflow): finite, above b. */
START_TEST(test_far_tail)
{
	struct rv_dist d[] = {dist(RV_GAMMA, 60, 30), dist(RV_LOGNORMAL, 50, 10),
			      dist(RV_NORMAL, 60, 5), dist(RV_EXPONENTIAL, 1, 0), dist(RV_WEIBULL, 2, 40)};
	double bounds[] = {30000, 5000, 900, 1e6, 5000};
	for (size_t c = 0; c < 5; c++) {
		struct rv_stream rs;
		ck_assert_int_eq(rv_stream_init(&rs, 3, 0, RVP_PATIENCE), 0);
		for (int i = 0; i < 1000; i++) {
			double x = rv_draw_above(&d[c], bounds[c], &rs, NULL);
			ck_assert_msg(isfinite(x) && x >= bounds[c] && x < bounds[c] * 1.5,
				      "case %zu: %g for bound %g", c, x, bounds[c]);
		}
		rv_stream_free(&rs);
	}
}
END_TEST

START_TEST(test_bounded_supports)
{
	struct rv_stream rs;
	bool cl;
	ck_assert_int_eq(rv_stream_init(&rs, 5, 0, RVP_PATIENCE), 0);
	struct rv_dist fx = dist(RV_FIXED, 30, 0), un = dist(RV_UNIFORM, 10, 40);
	ck_assert(rv_draw_above(&fx, 20, &rs, &cl) == 30 && !cl);
	ck_assert(rv_draw_above(&fx, 45, &rs, &cl) == 45 && cl);
	for (int i = 0; i < 1000; i++) {
		double x = rv_draw_above(&un, 35, &rs, &cl);
		ck_assert(x >= 35 && x <= 40 && !cl);
	}
	ck_assert(rv_draw_above(&un, 50, &rs, &cl) == 50 && cl);
	double vals[] = {5, 10, 20, 40};
	struct rv_dist em = {.kind = RV_EMPIRICAL, .values = vals, .n = 4};
	int seen[2] = {0, 0};
	for (int i = 0; i < 2000; i++) {
		double x = rv_draw_above(&em, 15, &rs, &cl);
		ck_assert(!cl && (x == 20 || x == 40));
		seen[x == 40]++;
	}
	/* each of the two values above 15 about half the time (binomial, 5 sd) */
	ck_assert_int_gt(seen[0], 1000 - 112);
	ck_assert_int_gt(seen[1], 1000 - 112);
	ck_assert(rv_draw_above(&em, 41, &rs, &cl) == 41 && cl);
	struct rv_dist nv = {.kind = RV_NEVER};
	ck_assert_int_eq(rv_draw_above_us(&nv, 5, &rs, &cl), INT64_MAX);
	/* microseconds: never below the bound */
	struct rv_dist ex = dist(RV_EXPONENTIAL, 1e-9, 0);
	ck_assert_int_ge(rv_draw_above_us(&ex, 1234567, &rs, NULL), 1234567);
	rv_stream_free(&rs);
}
END_TEST

/* trace_draw: recorded values kept, the rest drawn; the same seed, the same draws. */
START_TEST(test_trace_draw)
{
	char trace[4096], err[1024];
	struct scenario *s;
	snprintf(trace, sizeof trace, "%s%s", full_header(), full_rows);
	ck_assert_int_eq(load_with("{trace: t.csv}", trace, &s, err, sizeof err), 0);
	struct rv_stream rs[RVP_COUNT], rs2[RVP_COUNT];
	for (int p = 0; p < RVP_COUNT; p++) {
		ck_assert_int_eq(rv_stream_init(&rs[p], 9, 0, (enum rv_process)p), 0);
		ck_assert_int_eq(rv_stream_init(&rs2[p], 9, 0, (enum rv_process)p), 0);
	}
	for (int rep = 0; rep < 200; rep++) {
		for (size_t i = 0; i < s->trace->n; i++) {
			const struct trace_call *tc = &s->trace->calls[i];
			struct trace_draws a, b;
			trace_draw(s, tc, rs, &a);
			trace_draw(s, tc, rs2, &b);
			ck_assert_int_eq(a.patience, b.patience);
			ck_assert_int_eq(a.talk, b.talk);
			if (tc->pat_exact != RB_T_NONE)
				ck_assert_int_eq(a.patience, tc->pat_exact);
			else
				ck_assert_int_ge(a.patience, tc->pat_above);
			if (tc->talk != RB_T_NONE)
				ck_assert_int_eq(a.talk, tc->talk);
			if (tc->type >= 0)
				ck_assert_int_eq(a.type, tc->type);
		}
	}
	for (int p = 0; p < RVP_COUNT; p++) {
		rv_stream_free(&rs[p]);
		rv_stream_free(&rs2[p]);
	}
	scn_free(s);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *su = suite_create("trace");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, test_full_calls_csv);
	tcase_add_test(tc, test_subset_columns);
	tcase_add_test(tc, test_few_columns_and_phases);
	tcase_add_test(tc, test_capture_calls_csv);
	tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof bads / sizeof bads[0]));
	suite_add_tcase(su, tc);
	tc = tcase_create("draws");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_conditional_law);
	tcase_add_test(tc, test_far_tail);
	tcase_add_test(tc, test_bounded_supports);
	tcase_add_test(tc, test_trace_draw);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_trace.XXXXXX");
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	SRunner *sr = srunner_create(trace_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
