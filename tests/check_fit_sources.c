/*
 * The three sources agree: one simulated day of calls (the model) written
 * as secretaryd writes them, through its own writers: the CDR database
 * (server/center/cdr.c), the queue_log (server/center/queue_log.c, events
 * in time order, whole seconds) and calls.csv with summary.json's t0_epoch.
 * Fitted each, they are the same calls: the same counts and outcomes, the
 * same calls in each interval (an interval starts on a whole second, so
 * whole seconds keep a call in its interval), waits and talk times within
 * the queue_log's rounding (0.5 s, plus 1 s for a wait whose ends are both
 * floored), and the CDR and calls.csv fits identical to 1e-9.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callrec.h"
#include "cdr.h"
#include "fit_int.h"
#include "model.h"
#include "queue_log.h"
#include "scn.h"

#define T0_US INT64_C(1764835200000000) /* 2025-12-04 08:00:00 UTC */
#define MAXC 4000

struct day {
	struct callrec *r;
	size_t n;
};

static void on_call(const struct callrec *r, int rep, void *arg)
{
	struct day *d = arg;
	(void)rep;
	ck_assert_uint_lt(d->n, MAXC);
	d->r[d->n++] = *r;
}

struct qev {
	rb_us t;
	int kind; /* 0 enter, 1 connect, 2 complete, 3 abandon */
	const struct callrec *r;
};

static int cmp_qev(const void *a, const void *b)
{
	const struct qev *x = a, *y = b;
	return x->t != y->t ? (x->t < y->t ? -1 : 1) : x->kind - y->kind;
}

static double s(rb_us d)
{
	return rb_us_to_s(d);
}

static void write_qlog(const struct day *d, const char *path)
{
	struct qlog *q;
	struct qev *e = malloc(sizeof *e * d->n * 3);
	size_t n = 0;

	ck_assert_int_eq(qlog_open(&q, path), 0);
	for (size_t i = 0; i < d->n; i++) {
		const struct callrec *r = &d->r[i];
		if (r->outcome == OUTCOME_ANSWERED) {
			e[n++] = (struct qev){r->t_invite, 0, r};
			e[n++] = (struct qev){r->t_answer, 1, r};
			e[n++] = (struct qev){r->t_end, 2, r};
		} else if (r->outcome == OUTCOME_ABANDONED) {
			e[n++] = (struct qev){r->t_invite, 0, r};
			e[n++] = (struct qev){r->t_cancel, 3, r};
		}
	}
	qsort(e, n, sizeof *e, cmp_qev);
	for (size_t i = 0; i < n; i++) {
		const struct callrec *r = e[i].r;
		rb_us at = T0_US + e[i].t;
		if (e[i].kind == 0)
			qlog_event(q, at, r->call_id, r->tenant, NULL, "ENTERQUEUE", "|%s|%d", "caller", 1);
		else if (e[i].kind == 1)
			qlog_event(q, at, r->call_id, r->tenant, r->answered_by, "CONNECT", "%.0f|%s|%.0f",
				   s(r->wait), r->answered_by, 0.0);
		else if (e[i].kind == 2)
			qlog_event(q, at, r->call_id, r->tenant, r->answered_by, "COMPLETECALLER",
				   "%.0f|%.0f|%d", s(r->wait), s(r->duration), 1);
		else
			qlog_event(q, at, r->call_id, r->tenant, NULL, "ABANDON", "%d|%d|%.0f", 1, 1,
				   s(r->wait));
	}
	ck_assert_int_eq(qlog_close(q, NULL), 0);
	free(e);
}

static void write_cdr(const struct day *d, const char *path)
{
	struct cdr *c;
	char err[256];

	ck_assert_int_eq(cdr_open(&c, path, 1000, err, sizeof err), 0);
	for (size_t i = 0; i < d->n; i++) {
		struct cdr_row w = {.r = d->r[i], .t_invite_epoch = T0_US + d->r[i].t_invite,
				    .t_free = d->r[i].t_end, .seq = (int64_t)i + 1};
		if (d->r[i].outcome == OUTCOME_ABANDONED_BEFORE_FORWARD)
			continue; /* the center never saw it */
		snprintf(w.operator_, sizeof w.operator_, "%s", d->r[i].answered_by);
		ck_assert_int_eq(cdr_add(c, &w), 0);
	}
	ck_assert_int_eq(cdr_close(c, NULL), 0);
}

static void write_calls(const struct day *d, const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/calls.csv", dir);
	FILE *f = fopen(path, "w");
	fputs(callrec_csv_header(), f);
	for (size_t i = 0; i < d->n; i++)
		ck_assert_int_eq(callrec_csv_write(f, &d->r[i]), 0);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	f = fopen(path, "w");
	fprintf(f, "{\"t0_epoch\": %.6f}\n", s(T0_US));
	ck_assert_int_eq(fclose(f), 0);
}

static struct fit_hist *read_one(const char *path, struct fit_result **r)
{
	static char *fwd[] = {"beta=15", NULL};
	struct fit_hist_opts ho = {.tz = "UTC", .forwarding = fwd};
	struct fit_opts fo;
	char err[512];
	struct fit_hist *h = fit_hist_new(&ho, err, sizeof err);

	ck_assert_msg(fit_read(h, path, FIT_AUTO, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(fit_hist_finish(h, err, sizeof err), 0);
	fit_opts_defaults(&fo);
	fo.null_days = 199;
	ck_assert_msg(fit_run(h, &fo, r, err, sizeof err) == 0, "%s", err);
	return h;
}

static const struct fit_call *find(const struct fit_hist *h, const char *id)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->calls[i].call_id, id))
			return &h->calls[i];
	ck_abort_msg("call %s missing", id);
	return NULL;
}

/* Call by call: the queue_log's against the CDR's. */
static void same_calls(const struct fit_hist *q, const struct fit_hist *c)
{
	ck_assert_uint_eq(q->n, c->n);
	for (size_t i = 0; i < c->n; i++) {
		const struct fit_call *a = &c->calls[i], *b = find(q, a->call_id);
		ck_assert_int_eq(a->outcome, b->outcome);
		ck_assert_msg(fabs(a->wait - b->wait) <= 0.5 + 1e-6, "%s wait %g %g", a->call_id, a->wait,
			      b->wait);
		ck_assert(a->outcome != FIT_ANSWERED || fabs(a->talk - b->talk) <= 0.5 + 1e-6);
		ck_assert(fabs(a->tod - b->tod) < 1 && b->tod == floor(a->tod));
		ck_assert(a->delay == b->delay);
	}
}

START_TEST(test_three_sources_agree)
{
	char dir[] = "/tmp/rb-fit-src-XXXXXX", qp[256], cp[256], kp[256], err[512];
	struct day d = {malloc(sizeof(struct callrec) * MAXC), 0};
	struct scenario *sc;
	struct fit_result *rq, *rc, *rk;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(scn_load(RB_SOURCE_DIR "/tests/data/fit/roundtrip.yaml", &sc, err, sizeof err) == 0,
		      "%s", err);
	struct model_opts mo = {.scn = sc, .seed = 3, .replications = 1, .jobs = 1, .call_h = on_call,
				.call_arg = &d};
	ck_assert_int_eq(model_run(&mo, NULL), 0);
	snprintf(qp, sizeof qp, "%s/queue_log", dir);
	snprintf(cp, sizeof cp, "%s/cdr.sqlite", dir);
	snprintf(kp, sizeof kp, "%s/calls.csv", dir);
	write_qlog(&d, qp);
	write_cdr(&d, cp);
	write_calls(&d, dir);
	struct fit_hist *hq = read_one(qp, &rq), *hc = read_one(cp, &rc), *hk = read_one(kp, &rk);
	same_calls(hq, hc);
	ck_assert(hq->any_whole_s && !hc->any_whole_s);
	ck_assert_uint_eq(rq->answered, rc->answered);
	ck_assert_uint_eq(rq->abandoned, rk->abandoned);
	ck_assert_uint_eq(rq->arr.n_int, rc->arr.n_int);
	for (size_t j = 0; j < rq->arr.n_int; j++) {
		ck_assert_uint_eq(rq->arr.iv[j].seen, rc->arr.iv[j].seen);
		ck_assert_uint_eq(rk->arr.iv[j].seen, rc->arr.iv[j].seen);
	}
	ck_assert_int_eq(rq->talk.best, rc->talk.best);
	const struct fit_mle *tq = &rq->talk.fam[rq->talk.best], *tc = &rc->talk.fam[rc->talk.best];
	const struct fit_mle *pq = &rq->patience.fam[rq->patience.best],
			     *pc = &rc->patience.fam[rc->patience.best];
	ck_assert_msg(fabs(tq->mean / tc->mean - 1) < 0.01, "talk mean %g %g", tq->mean, tc->mean);
	ck_assert_msg(fabs(pq->median / pc->median - 1) < 0.03, "patience %g %g", pq->median, pc->median);
	ck_assert_double_eq_tol(rk->talk.fam[rk->talk.best].par[0], tc->par[0], 1e-9 * tc->par[0]);
	ck_assert_double_eq_tol(rk->patience.fam[rk->patience.best].median, pc->median, 1e-9 * pc->median);
	printf("three sources: %zu calls; talk mean queue_log %.3f, CDR %.3f; patience median "
	       "queue_log %.3f, CDR %.3f, calls.csv %.3f\n", rc->calls, tq->mean, tc->mean, pq->median,
	       pc->median, rk->patience.fam[rk->patience.best].median);
	fflush(stdout);
	fit_result_free(rq), fit_result_free(rc), fit_result_free(rk);
	fit_hist_free(hq), fit_hist_free(hc), fit_hist_free(hk);
	scn_free(sc);
	free(d.r);
	unlink(qp), unlink(cp), unlink(kp);
	snprintf(qp, sizeof qp, "%s/summary.json", dir);
	unlink(qp);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("fit_sources");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_three_sources_agree);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
