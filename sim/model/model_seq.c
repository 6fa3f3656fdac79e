/*
 * model_seq: how many replications to run (`ringbench model --replications
 * auto`): a fixed-width sequential rule in the manner of Chow and Robbins
 * (1965). After n0 replications, and again after every `step` more, every
 * target's 95 % interval is computed exactly as the verdict will compute it
 * (a summary of the first n replications, core/summary_finish.c); the rule
 * stops at the first look where each interval's half-width is at most
 * delta, or at max. The stopping time depends only on the precision reached,
 * never on where the interval lies against a target: stopping as soon as an
 * interval clears the target ("run until it passes") would test again and
 * again and inflate both error rates.
 *
 * Cost: the replications are simulated once into a probe summary; at each
 * look a summary of the first n is rebuilt from their counters
 * (summary_rep_import), not simulated again. The caller then runs the chosen
 * n as a fixed run (replication r's streams depend only on the seed and r,
 * so those are the same replications): at most twice the simulation of the
 * final run, and a folder identical to that of `--replications n`.
 */
#define LOG_TAG "model"
#include <errno.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "model.h"

/* The target judged when the scenario has none: overall sla at 3 rings. */
static const struct scn_target default_target = {
	.kind = TARGET_RINGS,
	.phase = NULL,
	.phase_idx = -1,
	.rings = 3,
	.min = 0.0,
	.measure = MEASURE_SLA,
	.count = COUNT_CENTER,
};

void model_seq_defaults(struct model_seq_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->delta = MODEL_SEQ_DELTA;
	so->n0 = MODEL_SEQ_N0;
	so->max = MODEL_SEQ_MAX;
}

static void seq_targets(const struct model_opts *o, const struct model_seq_opts *so,
			const struct scn_target **t, size_t *n, bool *dflt)
{
	*t = so->targets ? so->targets : o->scn->targets;
	*n = so->targets ? so->n_targets : o->scn->n_targets;
	*dflt = *n == 0;
	if (*dflt) {
		*t = &default_target;
		*n = 1;
	}
}

/*
 * One look: the summary of replications 0..n-1 of probe, judged; *worst is
 * the largest half-width (the longer arm from the measured value, as
 * intervals need not be symmetric) among targets with a value (INFINITY if
 * one has no interval yet; NaN if no target has a value). Returns 0 or errno.
 */
static int look(const struct summary *probe, const struct summary_opts *po, int n, double *worst)
{
	struct summary_opts lo = *po;
	lo.replications = n;
	struct summary *s = summary_new(&lo);
	if (!s)
		return ENOMEM;
	int err = 0;
	for (int r = 0; r < n && !err; r++)
		err = summary_rep_import(s, r, probe, r);
	if (!err)
		err = summary_finish(s);
	*worst = NAN;
	for (size_t i = 0; !err && i < summary_target_count(s); i++) {
		double m, a, b;
		summary_target_ci(s, i, &m, &a, &b);
		if (isnan(m)) /* no calls: more replications of the same will not help */
			continue;
		double hw = isnan(a) || isnan(b) ? INFINITY : fmax(m - a, b - m);
		if (isnan(*worst) || hw > *worst)
			*worst = hw;
	}
	summary_free(s);
	return err;
}

/* Runs replications from..to-1 into probe and marks them done. */
static int run_more(const struct model_opts *base, struct summary *probe, int from, int to)
{
	struct model_opts mo = *base;
	mo.replications = to;
	mo.first_replication = from;
	mo.summary = probe;
	mo.timeline = NULL;
	mo.calls = NULL;
	mo.call_h = NULL;
	mo.progress_h = NULL;
	int err = model_run(&mo, NULL);
	for (int r = from; r < to && !err; r++)
		summary_rep_done(summary_rep(probe, r));
	return err;
}

static bool seq_opts_ok(const struct model_opts *o, const struct model_seq_opts *so)
{
	return o && so && o->scn && o->jobs >= 1 && so->delta > 0 && isfinite(so->delta) &&
	       so->n0 >= 2 && so->max >= so->n0 && so->step >= 0 && (so->targets || !so->n_targets);
}

int model_seq_choose(const struct model_opts *o, const struct model_seq_opts *so,
		     struct model_seq_result *res)
{
	if (!seq_opts_ok(o, so) || !res)
		return EINVAL;
	struct summary_opts po = {
		.engine = ENGINE_MODEL,
		.command = "",
		.scn = o->scn,
		.seed = o->seed,
		.replications = so->max,
		.t0_epoch = RB_T_NONE,
		.time_weighted = true,
	};
	bool dflt;
	seq_targets(o, so, &po.targets, &po.n_targets, &dflt);
	struct summary *probe = summary_new(&po);
	if (!probe)
		return ENOMEM;
	int step = so->step > 0 ? so->step : o->jobs;
	int n = 0, next = so->n0, err = 0, looks = 0;
	double worst = NAN;
	bool reached = false;
	for (;;) {
		if ((err = run_more(o, probe, n, next)))
			break;
		n = next;
		if ((err = look(probe, &po, n, &worst)))
			break;
		looks++;
		reached = !(worst > so->delta); /* NaN: no target has a value */
		if (so->progress_h)
			so->progress_h(n, worst, so, so->progress_arg);
		if (reached || n >= so->max)
			break;
		next = n + step < so->max ? n + step : so->max;
	}
	summary_free(probe);
	if (err)
		return err;
	res->n = n;
	res->reached = reached;
	res->worst_half_width = worst;
	res->looks = looks;
	res->step = step;
	res->default_target = dflt;
	return 0;
}

json_t *model_seq_json(const struct model_seq_opts *so, const struct model_seq_result *res)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	double hw = res->worst_half_width;
	json_object_set_new(o, "rule", json_string("fixed_width"));
	json_object_set_new(o, "delta", json_real(so->delta));
	json_object_set_new(o, "n0", json_integer(so->n0));
	json_object_set_new(o, "max", json_integer(so->max));
	json_object_set_new(o, "step", json_integer(res->step));
	json_object_set_new(o, "judged_on",
			    json_string(res->default_target ? "overall sla 3 rings" : "targets"));
	json_object_set_new(o, "stopped_at", json_integer(res->n));
	json_object_set_new(o, "reached_precision", json_boolean(res->reached));
	json_object_set_new(o, "half_width", isfinite(hw) ? json_real(hw) : json_null());
	return o;
}
