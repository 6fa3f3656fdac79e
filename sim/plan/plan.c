/*
 * plan: the day's requirement per interval, the roster and the check
 * (sim/plan/plan.h says the method). The model search is exact about what it
 * skips: an interval's verdict depends only on the staffing of the phases
 * up to the next one (the evaluation stops the day there, below), so an
 * interval whose inputs did not change since it was decided is not run
 * again, and a sweep that changes nothing proves the fixed point.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "erlang.h"
#include "limit.h"
#include "model.h"
#include "plan.h"
#include "plan_int.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void plan_say(const struct plan_opts *o, const char *fmt, ...)
{
	if (!o->progress_h)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	o->progress_h(buf, o->progress_arg);
}

int plan_interval_targets(const struct scenario *s, const struct scn_target *t, size_t nt, size_t i,
			  struct scn_target **out, size_t *n)
{
	*n = 0;
	if (!(*out = calloc(nt ? nt : 1, sizeof **out)))
		return ENOMEM;
	for (size_t k = 0; k < nt; k++) {
		if (t[k].phase_idx >= 0 && (size_t)t[k].phase_idx != i)
			continue;
		struct scn_target x = t[k];
		x.phase = s->phases[i].name;
		x.phase_idx = (int)i;
		(*out)[(*n)++] = x;
	}
	return 0;
}

/* The forecast's quantile as a factor of the rate: a gamma of mean 1 and
 * the given cv (never negative, unlike a normal, and skewed upward as
 * forecast errors of counts are). */
double plan_rate_factor(const struct scn_planning *p)
{
	if (!p || !(p->rate_cv > 0))
		return 1;
	double shape = 1 / (p->rate_cv * p->rate_cv);
	return gsl_cdf_gamma_Pinv(p->rate_quantile, shape, 1 / shape);
}

/* Mean handle time: talk (screened calls at their own talk) plus wrap-up.
 * Pick-up is left out, as in a classic Erlang calculator. */
double plan_handle_s(const struct scenario *s)
{
	double talk = 0;
	for (size_t i = 0; i < s->callers.n_types; i++) {
		const struct scn_ctype *c = &s->callers.types[i];
		double t = rv_mean(&c->talk);
		if (c->screen_prob > 0)
			t = (1 - c->screen_prob) * t + c->screen_prob * rv_mean(&c->screened_talk);
		talk += c->share * t;
	}
	return talk + rv_mean(&s->center.wrapup);
}

double plan_phase_rate(const struct scenario *s, size_t i)
{
	const struct scn_phase *ph = &s->phases[i];
	double calls = 0;
	for (size_t b = 0; b < ph->n_bursts; b++)
		calls += ph->bursts[b].calls;
	return ph->rate_per_s + calls / rb_us_to_s(ph->duration);
}

/* The least n with Erlang A's p_abandon <= max: gallop, then bisect. */
static int erlang_abandon_staff(struct erlang_params p, double max, int *out)
{
	struct erlang_result r;
	int lo = 0, hi = 1;
	for (;;) {
		p.n = hi;
		int rc = erlang_solve(&p, &r);
		if (rc && rc != EDOM && rc != ERANGE)
			return rc;
		if (!rc && r.p_abandon <= max)
			break;
		lo = hi;
		if (hi >= PLAN_MAX_OPERATORS)
			return ERANGE;
		hi = hi * 2 > PLAN_MAX_OPERATORS ? PLAN_MAX_OPERATORS : hi * 2;
	}
	while (hi - lo > 1) {
		p.n = (lo + hi) / 2;
		int rc = erlang_solve(&p, &r);
		if (rc && rc != EDOM && rc != ERANGE)
			return rc;
		if (!rc && r.p_abandon <= max)
			hi = p.n;
		else
			lo = p.n;
	}
	*out = hi;
	return 0;
}

int plan_erlang_interval(const struct scenario *s, double rate_per_s, const struct scn_target *t,
			 size_t nt, int *out, char *err, size_t errlen)
{
	*out = 0;
	if (!(rate_per_s > 0))
		return 0;
	double pat = rv_mean(&s->callers.patience);
	struct erlang_params p = {
		.lambda = rate_per_s,
		.mu = 1 / plan_handle_s(s),
		.theta = s->callers.patience.kind == RV_NEVER || !isfinite(pat) ? 0 : 1 / pat,
		.ring_period = rb_us_to_s(s->ring_period),
	};
	for (size_t k = 0; k < nt; k++) {
		int n = 0, rc = 0;
		if (t[k].kind == TARGET_RINGS) {
			if (!(t[k].min > 0))
				continue;
			rc = t[k].min < 1 ? erlang_staff(&p, (enum erlang_measure)t[k].measure, t[k].rings, t[k].min,
							 PLAN_MAX_OPERATORS, &n, NULL)
					  : ERANGE;
		} else if (t[k].kind == TARGET_ABANDON_MAX) {
			rc = erlang_abandon_staff(p, t[k].max, &n);
		} else {
			continue; /* abandons before forwarding: no staffing changes them */
		}
		if (rc) {
			char lab[96];
			scn_target_label(&t[k], lab, sizeof lab);
			snprintf(err, errlen, "interval %s: Erlang A: no staffing up to %d meets %s (%s)",
				 t[k].phase ? t[k].phase : "?", PLAN_MAX_OPERATORS, lab, strerror(rc));
			return rc == ERANGE ? EINVAL : rc;
		}
		if (n > *out)
			*out = n;
	}
	return 0;
}

/* ---- the model's evaluations ------------------------------------------------ */

int plan_eval(struct plan_ctx *x, const int *ops, size_t upto, size_t from, struct summary **out)
{
	struct scenario *d = x->day;
	size_t full = d->n_phases;
	rb_us end = d->end;
	for (size_t j = 0; j < full; j++)
		d->phases[j].operators = ops[j];
	if (x->res->n_floors > 1 && plan_floors_eval(x, ops))
		return ENOMEM;
	if (upto < full) { /* stop the day after phase upto - 1: later phases cannot matter */
		d->n_phases = upto;
		d->end = d->phases[upto - 1].start + d->phases[upto - 1].duration;
	}
	size_t nt = 0;
	for (size_t i = from; i < upto && i < full; i++)
		nt += x->n_it[i];
	struct scn_target *t = calloc(nt ? nt : 1, sizeof *t);
	int rc = t ? 0 : ENOMEM;
	nt = 0;
	for (size_t i = from; !rc && i < upto && i < full; i++)
		for (size_t k = 0; k < x->n_it[i]; k++)
			t[nt++] = x->it[i][k];
	struct summary_opts so = {
		.engine = ENGINE_MODEL,
		.command = "ringbench plan",
		.scn = d,
		.seed = x->o->seed,
		.replications = x->o->replications,
		.t0_epoch = RB_T_NONE,
		.targets = t,
		.n_targets = nt,
		.time_weighted = true,
		.count_tenant = x->cur_floor >= 0 ? x->tenant_mask : NULL,
	};
	struct summary *sum = rc ? NULL : summary_new(&so);
	if (!rc && !sum)
		rc = ENOMEM;
	if (!rc) {
		struct model_opts mo = {
			.scn = d,
			.seed = x->o->seed,
			.replications = x->o->replications,
			.jobs = x->o->jobs > 0 ? x->o->jobs : 1,
			.summary = sum,
		};
		rc = model_run(&mo, NULL);
		if (!rc)
			rc = summary_finish(sum);
	}
	d->n_phases = full;
	d->end = end;
	x->evaluations++;
	if (rc) {
		summary_free(sum);
		free(t);
		return rc;
	}
	*out = sum;
	x->eval_targets = t; /* freed with the summary by plan_eval_free */
	return 0;
}

void plan_eval_free(struct plan_ctx *x, struct summary *s)
{
	summary_free(s);
	free(x->eval_targets);
	x->eval_targets = NULL;
}

/* Did target k of an evaluation pass by the decision rule? A target with no
 * calls passes: there is nothing to staff for. */
bool plan_target_passes(const struct plan_ctx *x, const struct summary *s, size_t k)
{
	double m, lo, hi;
	summary_target_ci(s, k, &m, &lo, &hi);
	if (isnan(m))
		return true;
	const struct scn_target *t = &x->eval_targets[k];
	bool point = x->o->point || (x->rule && x->rule[t->phase_idx] == RULE_POINT);
	if (!point)
		return summary_target_judgement(s, k) == JUDGE_PASS;
	return t->kind == TARGET_RINGS ? m >= t->min : m <= t->max;
}

/* Interval i at staffing ops (ops[i] = n), the day cut after i + 1. */
static int passes(struct plan_ctx *x, int *ops, size_t i, int n, bool *ok)
{
	int keep = ops[i];
	ops[i] = n;
	struct summary *s;
	size_t upto = i + 2 < x->day->n_phases ? i + 2 : x->day->n_phases;
	int rc = plan_eval(x, ops, upto, i, &s);
	ops[i] = keep;
	if (rc)
		return rc;
	*ok = true;
	for (size_t k = 0; k < summary_target_count(s); k++)
		if (x->eval_targets[k].phase_idx == (int)i && !plan_target_passes(x, s, k))
			*ok = false;
	plan_eval_free(x, s);
	return 0;
}

/* The least n passing for interval i, from n0: gallop, then bisect (the
 * measures grow with staffing; common random numbers keep that so between
 * evaluations). *reached false when even the cap fails. */
int plan_least_passing(struct plan_ctx *x, int *ops, size_t i, int n0, int lo, int cap, int *out, bool *reached)
{
	bool ok;
	int rc, good, bad, step = 1;
	*reached = true;
	if (n0 < lo)
		n0 = lo;
	if ((rc = passes(x, ops, i, n0, &ok)))
		return rc;
	if (ok) {
		good = n0;
		bad = lo - 1; /* below the floors: never staffed, not evaluated */
		while (good > lo) {
			int probe = good - step < lo ? lo : good - step;
			if ((rc = passes(x, ops, i, probe, &ok)))
				return rc;
			if (!ok) {
				bad = probe;
				break;
			}
			good = probe;
			step *= 2;
		}
	} else {
		bad = n0;
		for (;;) {
			if (bad >= cap) {
				*reached = false;
				*out = n0;
				return 0;
			}
			int probe = bad + step > cap ? cap : bad + step;
			if ((rc = passes(x, ops, i, probe, &ok)))
				return rc;
			if (ok) {
				good = probe;
				break;
			}
			bad = probe;
			step *= 2;
		}
	}
	while (good - bad > 1) {
		int mid = bad + (good - bad) / 2;
		if ((rc = passes(x, ops, i, mid, &ok)))
			return rc;
		if (ok)
			good = mid;
		else
			bad = mid;
	}
	*out = good;
	return 0;
}

int plan_model_requirement(struct plan_ctx *x, int *req, char *err, size_t errlen)
{
	size_t n = x->day->n_phases;
	int max_rounds = x->o->max_rounds > 0 ? x->o->max_rounds : PLAN_MAX_ROUNDS;
	long stamp = 0, *changed = calloc(n, sizeof *changed), *decided = calloc(n, sizeof *decided);
	if (!changed || !decided)
		return free(changed), free(decided), ENOMEM;
	for (size_t i = 0; i < n; i++)
		decided[i] = -1;
	int rc = 0;
	x->res->converged = false;
	for (int round = 1; round <= max_rounds && !rc; round++) {
		int moved = 0;
		for (size_t i = 0; i < n && !rc; i++) {
			long newest = 0;
			for (size_t j = 0; j <= i + 1 && j < n; j++)
				if (changed[j] > newest)
					newest = changed[j];
			if (decided[i] >= newest) /* same inputs, same seed: same answer */
				continue;
			int cap = req[i] * 4 + 50, m;
			bool reached;
			if (x->n_it[i] == 0 || !(plan_phase_rate(x->day, i) > 0)) {
				m = x->floor[i];
				reached = true;
			} else if ((rc = plan_least_passing(x, req, i, req[i], x->floor[i], cap, &m, &reached))) {
				break;
			}
			if (!reached) {
				snprintf(err, errlen, "interval %s: no staffing up to %d passes its targets in the model",
					 x->day->phases[i].name, cap);
				x->unreachable_iv = (int)i;
				rc = EINVAL;
				break;
			}
			decided[i] = ++stamp;
			if (m != req[i]) {
				req[i] = m;
				changed[i] = ++stamp;
				decided[i] = stamp;
				moved++;
			}
		}
		x->res->rounds = round;
		plan_say(x->o, "model: round %d: %d interval%s changed (%d evaluations so far)", round, moved,
			 moved == 1 ? "" : "s", x->evaluations);
		if (!rc && !moved) {
			x->res->converged = true;
			break;
		}
	}
	free(changed);
	free(decided);
	return rc;
}

double plan_now_s(void)
{
	return now_s();
}

/* The limit of the unreachable targets (bad[k]), one line per kind of
 * target: the interval's figures when it is one interval, else the day's
 * with unlimited staff and the worst interval. */
static void describe_unreachable(struct plan_ctx *x, const struct summary *s, const bool *bad)
{
	json_t *j = summary_to_json(s), *phases = json_object_get(j, "phases"), *all = json_object_get(j, "overall");
	char *out = x->res->unreachable;
	size_t used = strlen(out), cap = sizeof x->res->unreachable, nt = summary_target_count(s);
	bool *done = calloc(nt + 1, sizeof *done);
	for (size_t k = 0; done && k < nt; k++) {
		if (!bad[k] || done[k])
			continue;
		char lab[96], lab2[96];
		struct scn_target b = x->eval_targets[k];
		b.phase = NULL;
		b.phase_idx = -1;
		scn_target_label(&b, lab, sizeof lab);
		int count = 0, first = -1, last = -1, worst = -1;
		double worst_m = NAN;
		for (size_t q = k; q < nt; q++) {
			struct scn_target c = x->eval_targets[q];
			c.phase = NULL;
			c.phase_idx = -1;
			scn_target_label(&c, lab2, sizeof lab2);
			if (!bad[q] || strcmp(lab, lab2))
				continue;
			done[q] = true;
			double m, lo, hi;
			summary_target_ci(s, q, &m, &lo, &hi);
			int i = x->eval_targets[q].phase_idx;
			count++;
			first = first < 0 ? i : first;
			last = i;
			bool worse = b.kind == TARGET_RINGS ? !(m >= worst_m) : !(m <= worst_m);
			if (worst < 0 || worse) {
				worst = i;
				worst_m = m;
			}
		}
		json_t *g = count == 1 ? json_object_get(phases, x->day->phases[first].name) : all;
		char what[256];
		if (count == 1)
			snprintf(what, sizeof what, "%s in %s", lab, x->day->phases[first].name);
		else
			snprintf(what, sizeof what, "%s in %d intervals (%s to %s), the whole day", lab, count,
				 x->day->phases[first].name, x->day->phases[last].name);
		if (used + 2 >= cap)
			break;
		if (used)
			out[used++] = '\n';
		int w = limit_say(out + used, cap - used, what, b.kind, g, worst_m);
		used = w < 0 ? used : used + (size_t)w >= cap ? cap - 1 : used + (size_t)w;
		if (count > 1 && used + 1 < cap)
			used += (size_t)snprintf(out + used, cap - used, b.kind == TARGET_RINGS ? "; worst %s: %.3f" : "; worst %s: %.1f %%",
						 x->day->phases[worst].name, b.kind == TARGET_RINGS ? worst_m : 100 * worst_m);
	}
	free(done);
	json_decref(j);
}

int plan_limits(struct plan_ctx *x)
{
	size_t n = x->day->n_phases;
	int *ops = calloc(n, sizeof *ops), u = limit_operators(x->day);
	if (!ops)
		return ENOMEM;
	for (size_t j = 0; j < n; j++)
		ops[j] = u;
	struct summary *s;
	enum plan_rule *keep = x->rule;
	x->rule = NULL; /* judge by the verdict rule first */
	int rc = plan_eval(x, ops, n, 0, &s);
	free(ops);
	x->rule = keep;
	if (rc)
		return rc;
	bool *bad = calloc(summary_target_count(s) + 1, sizeof *bad);
	if (!bad) {
		plan_eval_free(x, s);
		return ENOMEM;
	}
	for (size_t k = 0; k < summary_target_count(s); k++) {
		const struct scn_target *t = &x->eval_targets[k];
		int i = t->phase_idx;
		enum plan_rule saved = x->rule[i];
		x->rule[i] = RULE_INTERVAL;
		bool by_interval = plan_target_passes(x, s, k);
		x->rule[i] = RULE_POINT;
		bool by_point = plan_target_passes(x, s, k);
		x->rule[i] = saved;
		if (by_interval)
			continue;
		if (by_point) {
			x->rule[i] = RULE_POINT;
			continue;
		}
		bad[k] = true;
		x->res->iv[i].unreachable = true;
	}
	describe_unreachable(x, s, bad);
	/* Unreachable targets leave the search and the check's raising: no
	 * staffing changes them. The interval's other targets still decide. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t keep = 0, had = x->n_it[i];
		for (size_t q = 0; q < had; q++, k++)
			if (!bad[k])
				x->it[i][keep++] = x->it[i][q];
		x->n_it[i] = keep;
	}
	free(bad);
	plan_eval_free(x, s);
	return 0;
}

double plan_now_wall(void)
{
	return now_s();
}
