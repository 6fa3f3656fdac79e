/*
 * sim/fit: the readers (a queue_log written by hand in app_queue's
 * documented format, with every event fit reads, a few it skips, and the
 * faults it must survive), the maximum-likelihood fits with censoring and
 * truncation on draws of known distributions (fixed seeds; tolerances in
 * standard errors), Kaplan-Meier, and the written scenario loading.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "csvtab.h"
#include "fit_int.h"
#include "scn.h"

#define QLOG RB_SOURCE_DIR "/tests/data/fit/queue_log"

static struct fit_hist *read_qlog(void)
{
	static char *fwd[] = {"sales=10", NULL};
	struct fit_hist_opts ho = {.tz = "Asia/Tokyo", .forwarding = fwd};
	char err[512];
	struct fit_hist *h = fit_hist_new(&ho, err, sizeof err);

	ck_assert_ptr_nonnull(h);
	ck_assert_msg(fit_read(h, QLOG, FIT_AUTO, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), 0);
	return h;
}

static const struct fit_call *by_id(const struct fit_hist *h, const char *id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->calls[i].call_id && !strcmp(h->calls[i].call_id, id))
			return &h->calls[i];
	ck_abort_msg("no call %s", id);
	return NULL;
}

START_TEST(test_queue_log_events)
{
	struct fit_hist *h = read_qlog();
	const struct fit_call *c;

	ck_assert_uint_eq(h->n, 9); /* the tenth call's last line is cut short */
	c = by_id(h, "1733302800.1"); /* CONNECT, COMPLETECALLER */
	ck_assert(c->outcome == FIT_ANSWERED && c->wait == 4 && c->talk == 120 && c->whole_s);
	ck_assert_str_eq(c->agent, "Agent/1001");
	/* 2024-12-04 09:00:00 UTC: 18:00 in Tokyo */
	ck_assert_double_eq(c->tod, 18 * 3600);
	c = by_id(h, "1733302810.3"); /* RINGNOANSWER, then COMPLETEAGENT with a zero talk time */
	ck_assert(c->outcome == FIT_ANSWERED && c->wait == 10 && c->talk == 0);
	c = by_id(h, "1733302900.5"); /* ABANDON after 31 s, forwarded after 10 s */
	ck_assert(c->outcome == FIT_ABANDONED && c->wait == 31 && c->delay == 10);
	c = by_id(h, "1733303000.6"); /* BLINDTRANSFER ends the talk */
	ck_assert(c->outcome == FIT_ANSWERED && c->wait == 1 && c->talk == 60);
	c = by_id(h, "1733303100.8"); /* ATTENDEDTRANSFER too */
	ck_assert(c->outcome == FIT_ANSWERED && c->wait == 2 && c->talk == 90);
	c = by_id(h, "1733303200.11");
	ck_assert(c->outcome == FIT_OTHER && c->wait == 300 && !strcmp(c->event, "EXITWITHTIMEOUT"));
	c = by_id(h, "1733303300.12");
	ck_assert(c->outcome == FIT_OTHER && c->wait == 1 && !strcmp(c->event, "EXITEMPTY"));
	c = by_id(h, "1733303400.14");
	ck_assert(c->outcome == FIT_ABANDONED && c->wait == 8 && c->delay == 0);
	ck_assert_uint_eq(h->warn.unknown_events, 1);  /* FROBNICATE */
	ck_assert_uint_eq(h->warn.out_of_order, 1);
	ck_assert_uint_eq(h->warn.truncated, 1);
	ck_assert_uint_eq(h->warn.unmatched, 1);       /* the call whose end was cut */
	ck_assert_uint_eq(h->warn.agent_events, 4);    /* QUEUESTART ADDMEMBER AGENTLOGIN PAUSE */
	ck_assert_uint_eq(h->n_tenants, 2);
	ck_assert_uint_eq(h->n_agents, 2);
	ck_assert_uint_eq(h->n_days, 1);
	ck_assert_str_eq(h->day_names[0], "2024-12-04");
	fit_hist_free(h);
}
END_TEST

START_TEST(test_not_a_queue_log)
{
	char path[] = "/tmp/rb-fit-notql-XXXXXX", err[512];
	int fd = mkstemp(path);
	struct fit_hist_opts ho = {0};
	struct fit_hist *h = fit_hist_new(&ho, err, sizeof err);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "1733302800|a|q|NONE|ENTERQUEUE||1|1\nname,value\n", 47), 47);
	close(fd);
	ck_assert_int_eq(fit_read(h, path, FIT_QUEUE_LOG, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, ":2:1: expected a queue_log line EPOCH|UNIQUEID|QUEUE|AGENT|EVENT|..., "
				  "got 'name,value'"), "%s", err);
	unlink(path);
	fit_hist_free(h);
}
END_TEST

/* A capture analysed without its scenario: no forwarding column values; the
 * INVITE's Diversion reason or History-Info cause says which forwarding,
 * --forwarding the delay; ruri_user is the tenant's number. */
START_TEST(test_calls_csv_diversion)
{
	static char *fwd[] = {"beta=20", NULL};
	struct fit_hist_opts ho = {.forwarding = fwd, .start_time = "10:00"};
	char path[] = "/tmp/rb-fit-calls-XXXXXX", err[512];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct fit_hist *h = fit_hist_new(&ho, err, sizeof err);

	fprintf(f, "call_id,tenant,forwarding,no_answer_s,t_invite,t_answer,t_end,outcome,wait_s,"
		   "duration_s,diversion_reason,history_info_cause,ruri_user\n"
		   "a,beta,,,1.5,4.5,64.5,answered,3,60,no-answer,,0398765432\n"
		   "b,acme,,,2.0,,,abandoned,12,,,302,0312345678\n"
		   "c,gamma,,,3.0,,,abandoned,7,,no-answer,,0355550000\n"
		   "d,acme,,,4.0,,,abandoned_before_forward,,,,,0312345678\n");
	fclose(f);
	ck_assert_int_eq(fit_read(h, path, FIT_AUTO, err, sizeof err), 0);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), 0);
	ck_assert_uint_eq(h->n, 3); /* d never reached the center */
	ck_assert(by_id(h, "a")->delay == 20 && by_id(h, "a")->talk == 60);
	ck_assert(by_id(h, "b")->delay == 0 && by_id(h, "b")->outcome == FIT_ABANDONED);
	ck_assert(isnan(by_id(h, "c")->delay)); /* no-answer, delay unknown */
	ck_assert_double_eq(by_id(h, "a")->tod, 10 * 3600 + 1.5);
	ck_assert_str_eq(h->tenants[by_id(h, "a")->tenant].number, "0398765432");
	ck_assert(!h->have_clock);
	fit_hist_free(h);
	unlink(path);
}
END_TEST

START_TEST(test_days_filter)
{
	static char *fwd[] = {NULL};
	struct fit_hist_opts ho = {.tz = "Asia/Tokyo", .forwarding = fwd, .days = "mon,tue"};
	char err[512];
	struct fit_hist *h = fit_hist_new(&ho, err, sizeof err);

	ck_assert_int_eq(fit_read(h, QLOG, FIT_AUTO, err, sizeof err), 0);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), 0); /* 2024-12-04 is a Wednesday */
	ck_assert_uint_eq(h->n, 0);
	ck_assert_uint_eq(h->excluded_days, 1);
	fit_hist_free(h);
	ho.days = "2024-12-04..2024-12-04";
	h = fit_hist_new(&ho, err, sizeof err);
	ck_assert_int_eq(fit_read(h, QLOG, FIT_AUTO, err, sizeof err), 0);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), 0);
	ck_assert_uint_eq(h->n, 9);
	fit_hist_free(h);
	ho.days = "someday";
	h = fit_hist_new(&ho, err, sizeof err);
	ck_assert_int_eq(fit_read(h, QLOG, FIT_AUTO, err, sizeof err), 0);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), EINVAL);
	ck_assert_msg(strstr(err, "--days: expected"), "%s", err);
	fit_hist_free(h);
}
END_TEST

/* Gamma talk times rounded to whole seconds: the interval-censored fit
 * recovers the shape within 4 standard errors, and AIC picks gamma. */
START_TEST(test_mle_interval_censored)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 3000;
	struct fit_obs *o = malloc(sizeof *o * n);
	struct fit_mle m[FAM_N];

	gsl_rng_set(r, 11);
	for (size_t i = 0; i < n; i++) {
		double x = round(gsl_ran_gamma(r, 3, 4)); /* mean 12 s: rounding matters */
		o[i] = (struct fit_obs){fmax(0, x - 0.5), x + 0.5, 0, 1};
	}
	for (int f = 0; f < FAM_N; f++)
		ck_assert_int_eq(fit_mle((enum fit_family)f, o, n, &m[f]), 0);
	ck_assert_int_eq(fit_best_aic(m, FAM_N), FAM_GAMMA);
	ck_assert_msg(fabs(m[FAM_GAMMA].par[0] - 3) < 4 * m[FAM_GAMMA].se[0], "shape %g se %g",
		      m[FAM_GAMMA].par[0], m[FAM_GAMMA].se[0]);
	ck_assert_msg(fabs(m[FAM_GAMMA].par[1] - 4) < 4 * m[FAM_GAMMA].se[1], "scale %g se %g",
		      m[FAM_GAMMA].par[1], m[FAM_GAMMA].se[1]);
	ck_assert(m[FAM_GAMMA].se[0] > 0 && m[FAM_GAMMA].se[0] < 0.2);
	ck_assert(fit_ks(FAM_GAMMA, m[FAM_GAMMA].par, o, n) < 1.36 / sqrt((double)n));
	free(o);
	gsl_rng_free(r);
}
END_TEST

/* Weibull patience seen only above d = 15 s (truncation) and censored at
 * d + a uniform wait: the fit recovers shape and scale within 4 standard
 * errors, where ignoring the truncation would not. */
START_TEST(test_mle_truncated_censored)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 0, want = 4000;
	struct fit_obs *o = malloc(sizeof *o * want);
	struct fit_mle m, naive;

	gsl_rng_set(r, 12);
	while (n < want) {
		double x = gsl_ran_weibull(r, 60, 1.5), c = 15 + 120 * gsl_rng_uniform(r);
		if (x <= 15)
			continue; /* hung up before forwarding: never seen */
		o[n++] = x < c ? (struct fit_obs){x, x, 15, 1} : (struct fit_obs){c, INFINITY, 15, 1};
	}
	ck_assert_int_eq(fit_mle(FAM_WEIBULL, o, n, &m), 0);
	ck_assert_msg(fabs(m.par[0] - 1.5) < 4 * m.se[0], "shape %g se %g", m.par[0], m.se[0]);
	ck_assert_msg(fabs(m.par[1] - 60) < 4 * m.se[1], "scale %g se %g", m.par[1], m.se[1]);
	for (size_t i = 0; i < n; i++)
		o[i].trunc = 0;
	ck_assert_int_eq(fit_mle(FAM_WEIBULL, o, n, &naive), 0);
	ck_assert_msg(fabs(naive.par[0] - 1.5) > 4 * naive.se[0], "untruncated shape %g", naive.par[0]);
	free(o);
	gsl_rng_free(r);
}
END_TEST

/* The empirical distribution only when even the best family is far off: a
 * two-humped talk time (half near 30 s, half near 200 s) but not a gamma. */
START_TEST(test_empirical_when_no_family_fits)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t n = 2000;
	struct fit_obs *o = malloc(sizeof *o * n);
	struct fit_dist d;

	gsl_rng_set(r, 13);
	for (size_t i = 0; i < n; i++) {
		double x = i % 2 ? 30 + gsl_ran_gaussian(r, 3) : 200 + gsl_ran_gaussian(r, 10);
		o[i] = (struct fit_obs){x, x, 0, 1};
	}
	memset(&d, 0, sizeof d);
	ck_assert_int_eq(fit_dist_run(&d, o, n, 1.63, false), 0);
	ck_assert(d.best >= 0 && d.empirical);
	ck_assert_uint_eq(d.n_values, n);
	fit_dist_free(&d);
	for (size_t i = 0; i < n; i++) {
		double x = gsl_ran_gamma(r, 4, 25);
		o[i] = (struct fit_obs){x, x, 0, 1};
	}
	ck_assert_int_eq(fit_dist_run(&d, o, n, 1.63, false), 0);
	ck_assert_int_eq(d.best, FAM_GAMMA);
	ck_assert(!d.empirical);
	fit_dist_free(&d);
	free(o);
	gsl_rng_free(r);
}
END_TEST

START_TEST(test_km)
{
	struct fit_obs o[] = {{1, 1, 0, 1}, {2, 2, 0, 1}, {3, INFINITY, 0, 1}, {4, 4, 0, 1}, {5, 5, 2, 1}};
	struct fit_km k;

	ck_assert_int_eq(fit_km_build(o, 5, &k), 0);
	ck_assert_uint_eq(k.n, 4);
	/* t=1: 4 at risk (the fifth enters at 2) -> 3/4; t=2: 4 at risk (the fifth
	 * enters at 2, is at risk only after) -> 3/4 * 3/4 ... (entry < t) */
	ck_assert_double_eq_tol(k.s[0], 0.75, 1e-12);
	ck_assert_double_eq_tol(k.s[1], 0.75 * 2.0 / 3.0, 1e-12);
	ck_assert_double_eq_tol(k.s[2], 0.5 * 0.5, 1e-12);   /* t=4: {4, 5} at risk */
	ck_assert_double_eq_tol(k.s[3], 0, 1e-12);
	ck_assert_double_eq(k.median, 2);
	ck_assert(k.lo[0] < 0.75 && k.hi[0] > 0.75);
	fit_km_free(&k);
}
END_TEST

/* The whole command's outputs from the queue_log: the scenario loads, trace.csv
 * has calls.csv's columns and one row a call, fit.json parses. */
START_TEST(test_outputs_load)
{
	struct fit_hist *h = read_qlog();
	struct fit_opts fo;
	struct fit_result *r;
	struct scenario *s = NULL;
	struct csvtab t;
	char dir[] = "/tmp/rb-fit-out-XXXXXX", yaml[256], trace[256], json[256], err[512];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(yaml, sizeof yaml, "%s/q.yaml", dir);
	snprintf(trace, sizeof trace, "%s/trace.csv", dir);
	snprintf(json, sizeof json, "%s/fit.json", dir);
	fit_opts_defaults(&fo);
	fo.null_days = 199;
	ck_assert_int_eq(fit_run(h, &fo, &r, err, sizeof err), 0);
	ck_assert_int_eq(fit_write_yaml(r, h, yaml, "q"), 0);
	ck_assert_int_eq(fit_write_json(r, json), 0);
	ck_assert_int_eq(fit_write_trace(h, fit_result_start(r), trace), 0);
	ck_assert_msg(scn_load(yaml, &s, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(s->n_tenants, 2);
	ck_assert_int_eq(s->start_time_s, 18 * 3600);
	ck_assert_int_eq(csvtab_load(trace, &t, err, sizeof err), 0);
	ck_assert_uint_eq(t.nrow, 9);
	ck_assert_uint_eq(t.ncol, 30);
	ck_assert_str_eq(csvtab_get(&t, 0, csvtab_col(&t, "t_invite")), "0.000000");
	json_t *j = json_load_file(json, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "calls")), 9);
	json_decref(j);
	csvtab_free(&t);
	scn_free(s);
	fit_result_free(r);
	fit_hist_free(h);
	unlink(yaml), unlink(trace), unlink(json), rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fit");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_queue_log_events);
	tcase_add_test(tc, test_not_a_queue_log);
	tcase_add_test(tc, test_days_filter);
	tcase_add_test(tc, test_calls_csv_diversion);
	tcase_add_test(tc, test_mle_interval_censored);
	tcase_add_test(tc, test_mle_truncated_censored);
	tcase_add_test(tc, test_km);
	tcase_add_test(tc, test_empirical_when_no_family_fits);
	tcase_add_test(tc, test_outputs_load);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
