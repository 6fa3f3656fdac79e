/*
 * plan_day: plan_run, the order of the work (sim/plan/plan.h): the interval's
 * targets, the Erlang requirement, the model's, the floors, then roster and
 * check until the rostered day passes or the rounds run out.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plan_int.h"

static void free_shifts(struct roster_shift *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free((char *)s[i].name);
	free(s);
}

void plan_result_free(struct plan_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; res->iv && i < res->n; i++) {
		free(res->iv[i].name);
		free(res->iv[i].judged);
		free(res->iv[i].fl_erlang);
		free(res->iv[i].fl_required);
		free(res->iv[i].fl_staffed);
	}
	free(res->floor_share);
	free(res->iv);
	if (res->have_roster)
		roster_result_free(&res->roster);
	if (res->have_broster)
		roster_result_free(&res->broster);
	free(res->need);
	free(res->bneed);
	free_shifts(res->shifts, (size_t)res->n_shifts);
	free_shifts(res->bshifts, (size_t)res->n_bshifts);
	memset(res, 0, sizeof *res);
}

static void ctx_free(struct plan_ctx *x)
{
	for (size_t i = 0; x->it && x->day && i < x->day->n_phases; i++)
		free(x->it[i]);
	free(x->it);
	free(x->n_it);
	free(x->floor);
	free(x->rule);
	free(x->fops);
	free(x->tenant_mask);
	scn_free(x->day);
}

/* The planning's shift types as the roster's (names copied: the result
 * outlives the scenario copy they come from). */
static struct roster_shift *roster_shifts(const struct scn_plan_shift *p, size_t n)
{
	struct roster_shift *r = calloc(n ? n : 1, sizeof *r);
	for (size_t i = 0; r && i < n; i++) {
		char *name = strdup(p[i].name);
		if (!name) {
			free_shifts(r, i);
			return NULL;
		}
		r[i] = (struct roster_shift){
			.name = name,
			.length = p[i].length,
			.first_start = p[i].first_start,
			.last_start = p[i].last_start,
			.start_step = p[i].start_step,
			.break_len = p[i].break_len,
			.break_earliest = p[i].break_earliest,
			.break_latest = p[i].break_latest,
			.cost_per_hour = p[i].cost_per_hour,
			.paid_break = p[i].paid_break,
			.max_count = p[i].max_count,
		};
	}
	return r;
}

/* People at their desks of those rostered: absence takes its share, rounded
 * down so the check never counts a fraction of a person. */
static int at_desk(int rostered, double shrinkage)
{
	return (int)floor(rostered * (1 - shrinkage) + 1e-9);
}

/* need per planning interval: the most any of its phases needs, after shrinkage. */
static void fill_need(const struct plan_result *r, const struct scn_planning *p, int per, bool backup,
		      int *need)
{
	for (int t = 0; t < p->n_intervals; t++) {
		int m = 0;
		for (int k = 0; k < per; k++) {
			const struct plan_interval *v = &r->iv[t * per + k];
			int q = backup ? v->backup : v->required;
			if (q > m)
				m = q;
		}
		need[t] = m ? (int)ceil(m / (1 - p->shrinkage) - 1e-9) : 0;
	}
}

static int solve_roster(const struct plan_ctx *x, bool backup, char *err, size_t errlen)
{
	struct plan_result *r = x->res;
	const struct scn_planning *p = x->day->planning;
	struct roster_problem *rp = backup ? &r->brp : &r->rp;
	struct roster_result *rr = backup ? &r->broster : &r->roster;
	bool *have = backup ? &r->have_broster : &r->have_roster;
	if (*have)
		roster_result_free(rr);
	*have = false;
	int per = (int)(p->interval / x->day->interval);
	bool floors = !backup && r->n_floors > 1; /* backup serves every floor: one pool */
	if (floors)
		plan_floors_need(r, p, per);
	else
		fill_need(r, p, per, backup, backup ? r->bneed : r->need);
	*rp = (struct roster_problem){
		.n = p->n_intervals * (floors ? r->n_floors : 1),
		.interval_s = rb_us_to_s(p->interval),
		.need = backup ? r->bneed : r->need,
		.max_staff = backup ? 0 : p->max_staff,
		.shifts = backup ? r->bshifts : r->shifts,
		.n_shifts = backup ? r->n_bshifts : r->n_shifts,
		.time_limit_s = 30,
		.mip_gap = 0.001,
	};
	char why[256] = "";
	int rc = roster_solve(rp, rr, why, sizeof why);
	if (rc) {
		snprintf(err, errlen, "roster%s: %s", backup ? " (backup)" : "", why[0] ? why : strerror(rc));
		return rc;
	}
	*have = true;
	if (rr->status == ROSTER_INFEASIBLE) {
		snprintf(err, errlen,
			 "roster%s: no roster of the candidate shifts covers the requirement (check starts, "
			 "max_count and max_staff against requirements.csv)",
			 backup ? " (backup)" : "");
		return EINVAL;
	}
	return 0;
}

/* The judged figures of the check, interval by interval. */
static int record_check(struct plan_ctx *x, const struct summary *s)
{
	struct plan_result *r = x->res;
	json_t *j = summary_to_json(s), *ph = j ? json_object_get(j, "phases") : NULL;
	for (size_t i = 0; i < r->n; i++) {
		struct plan_interval *v = &r->iv[i];
		json_t *g = ph ? json_object_get(ph, x->day->phases[i].name) : NULL;
		json_t *a = g ? json_object_get(g, "abandon_fraction") : NULL, *o = g ? json_object_get(g, "occupancy") : NULL;
		v->abandon_fraction = json_is_number(a) ? json_number_value(a) : NAN;
		v->occupancy = json_is_number(o) ? json_number_value(o) : NAN;
		free(v->judged);
		v->n_judged = 0;
		v->passed = true;
		if (!(v->judged = calloc(x->n_it[i] ? x->n_it[i] : 1, sizeof *v->judged)))
			return json_decref(j), ENOMEM;
	}
	for (size_t k = 0; k < summary_target_count(s); k++) {
		const struct scn_target *t = &x->eval_targets[k];
		struct plan_interval *v = &r->iv[t->phase_idx];
		struct plan_judged *d = &v->judged[v->n_judged++];
		d->t = *t;
		/* its phase is this interval's: borrowed from the result, which
		 * outlives the day's scenario the check ran (freed by plan_run) */
		if (d->t.phase)
			d->t.phase = v->name;
		summary_target_ci(s, k, &d->measured, &d->lo, &d->hi);
		d->j = summary_target_judgement(s, k);
		if (!plan_target_passes(x, s, k))
			v->passed = false;
	}
	json_decref(j);
	return 0;
}

/* Split floors: the check runs each floor's desks as rostered (x->fops). */
static int check_floor_ops(struct plan_ctx *x)
{
	struct plan_result *r = x->res;
	if (r->n_floors < 2)
		return 0;
	if (!(x->fops = calloc(r->n * (size_t)r->n_floors, sizeof *x->fops)))
		return ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		for (int f = 0; f < r->n_floors; f++)
			x->fops[i * (size_t)r->n_floors + (size_t)f] = r->iv[i].fl_staffed[f];
	return 0;
}

/* One check: the rostered day in the model. */
static int check_once(struct plan_ctx *x, int round, bool *all)
{
	struct plan_result *r = x->res;
	const struct scn_planning *p = x->day->planning;
	int per = (int)(p->interval / x->day->interval);
	int *ops = calloc(r->n, sizeof *ops);
	if (!ops)
		return ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		struct plan_interval *v = &r->iv[i];
		v->rostered = r->roster.staffed[i / per];
		v->staffed = at_desk(v->rostered, p->shrinkage);
		if (r->n_floors > 1)
			plan_floors_staff(r, p, per, i);
		v->backup_staffed = r->have_broster ? at_desk(r->broster.staffed[i / per], p->shrinkage) : v->backup;
		ops[i] = v->staffed;
		x->day->phases[i].backup = v->backup_staffed;
	}
	*all = true;
	if (x->o->max_check_rounds < 0) {
		free(ops);
		return 0;
	}
	struct summary *s;
	int rc = check_floor_ops(x);
	if (!rc)
		rc = plan_eval(x, ops, r->n, 0, &s);
	free(ops);
	free(x->fops);
	x->fops = NULL;
	if (rc)
		return rc;
	r->check_verdict = summary_verdict(s);
	rc = record_check(x, s);
	plan_eval_free(x, s);
	if (rc)
		return rc;
	size_t used = strlen(r->check_log);
	int failing = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct plan_interval *v = &r->iv[i];
		if (v->passed)
			continue;
		failing++;
		int from = v->required, to = (v->staffed > v->required ? v->staffed : v->required) + 1, fl = -1;
		if (r->n_floors > 1) {
			fl = plan_floors_raise(r, i);
			to = v->required;
		}
		char fs[24] = "";
		if (fl >= 0)
			snprintf(fs, sizeof fs, " floor %d", fl);
		if (used < sizeof r->check_log - 64)
			used += (size_t)snprintf(r->check_log + used, sizeof r->check_log - used,
						 "%sround %d: %s%s %d -> %d", used ? "; " : "", round, v->name, fs, from, to);
		v->required = to;
		v->bound = "check";
		*all = false;
	}
	plan_say(x->o, "check: round %d: %s (%d interval%s not passing)", round,
		 summary_verdict_name(r->check_verdict), failing, failing == 1 ? "" : "s");
	return 0;
}

static int setup(struct plan_ctx *x, char *err, size_t errlen)
{
	const struct plan_opts *o = x->o;
	struct plan_result *r = x->res;
	int rc = scn_load(o->scn_path, &x->day, err, errlen);
	if (rc)
		return rc;
	struct scenario *d = x->day;
	if (!d->planning) {
		snprintf(err, errlen, "%s: no planning: section (interval, shrinkage, costs, shifts; docs/plan.md)",
			 o->scn_path);
		return EINVAL;
	}
	const struct scn_target *t = o->targets ? o->targets : o->scn->targets;
	size_t nt = o->targets ? o->n_targets : o->scn->n_targets;
	if (!nt) {
		snprintf(err, errlen, "%s: no targets to plan for: give targets in the scenario or --target K:F",
			 o->scn_path);
		return EINVAL;
	}
	r->replications = o->replications;
	/* r->n only once r->iv exists: every later loop over r->iv trusts it */
	if (!(r->iv = calloc(d->n_phases, sizeof *r->iv)))
		return ENOMEM;
	r->n = d->n_phases;
	if (!(x->it = calloc(r->n, sizeof *x->it)) ||
	    !(x->n_it = calloc(r->n, sizeof *x->n_it)) ||
	    !(r->need = calloc((size_t)d->planning->n_intervals * (size_t)(d->center.n_floors > 1 ? d->center.n_floors : 1),
				sizeof *r->need)) ||
	    !(r->bneed = calloc((size_t)d->planning->n_intervals, sizeof *r->bneed)) ||
	    !(r->shifts = roster_shifts(d->planning->shifts, d->planning->n_shifts)) ||
	    !(r->bshifts = roster_shifts(d->planning->backup_shifts, d->planning->n_backup_shifts)))
		return ENOMEM;
	r->n_shifts = (int)d->planning->n_shifts;
	r->n_bshifts = (int)d->planning->n_backup_shifts;
	r->rp_day_n = d->planning->n_intervals;
	double f = plan_rate_factor(d->planning), rs = o->rate_scale > 0 ? o->rate_scale : 1;
	r->rate_factor = f * rs;
	r->burst_factor = f * (o->burst_set ? o->burst_scale : rs);
	int backup = d->center.backup;
	for (size_t i = 0; i < r->n; i++) {
		struct scn_phase *ph = &d->phases[i];
		struct plan_interval *v = &r->iv[i];
		if ((rc = plan_interval_targets(d, t, nt, i, &x->it[i], &x->n_it[i])))
			return rc;
		if (!(v->name = strdup(ph->name)))
			return ENOMEM;
		v->start_s = rb_us_to_s(ph->start);
		v->end_s = rb_us_to_s(ph->start + ph->duration);
		v->rate_per_s = plan_phase_rate(d, i);
		ph->rate_per_s *= r->rate_factor; /* plan for the forecast's quantile (and the what-if) */
		for (size_t b = 0; b < ph->n_bursts; b++) {
			long c = lround(ph->bursts[b].calls * r->burst_factor);
			ph->bursts[b].calls = c < 1 ? 1 : c > 100000000 ? 100000000 : (int)c;
		}
		v->plan_rate_per_s = plan_phase_rate(d, i);
		if (ph->backup >= 0)
			backup = ph->backup;
		v->backup = backup;
		ph->backup = backup;
		v->abandon_fraction = v->occupancy = NAN;
		v->passed = true;
		if ((rc = plan_erlang_interval(d, v->plan_rate_per_s, x->it[i], x->n_it[i], &v->erlang, err, errlen)))
			return rc;
	}
	if ((rc = plan_floors_setup(x, err, errlen)))
		return rc;
	return plan_floors_shifts(r);
}

/*
 * Floors on the requirement: min_staff, and the occupancy cap as offered
 * load / operators <= occupancy_max. The model's search never goes below
 * them (an interval is evaluated with the staffing it will have), and
 * `bound` says which one decided when the targets alone would need no more.
 */
static void compute_floors(struct plan_ctx *x, const char **why)
{
	const struct scn_planning *p = x->day->planning;
	double h = plan_handle_s(x->day);
	for (size_t i = 0; i < x->res->n; i++) {
		const struct plan_interval *v = &x->res->iv[i];
		int occ = p->occupancy_max < 1 ? (int)ceil(v->plan_rate_per_s * h / p->occupancy_max - 1e-9) : 0;
		x->floor[i] = occ;
		why[i] = occ > 0 ? "occupancy" : "target";
		if (p->min_staff > x->floor[i] || (p->min_staff == x->floor[i] && p->min_staff > 0)) {
			x->floor[i] = p->min_staff;
			why[i] = "min_staff";
		}
	}
}

static void apply_floors(struct plan_ctx *x, const char **why)
{
	for (size_t i = 0; i < x->res->n; i++) {
		struct plan_interval *v = &x->res->iv[i];
		bool by_floor = x->floor[i] >= v->model;
		v->required = by_floor ? x->floor[i] : v->model;
		v->bound = by_floor && x->floor[i] > 0 ? why[i] : "target";
	}
}

/*
 * The requirement, timed: the setup, the floors, the Erlang requirement and,
 * with --method model, the model's, then the floors applied (docs/plan.md,
 * step 1).
 */
static int plan_requirement(struct plan_ctx *x, char *err, size_t errlen)
{
	const struct plan_opts *o = x->o;
	struct plan_result *res = x->res;
	double t0 = plan_now_s();
	int rc = setup(x, err, errlen);
	int *req = rc ? NULL : calloc(res->n, sizeof *req);
	const char **why = rc ? NULL : calloc(res->n, sizeof *why);
	x->floor = rc ? NULL : calloc(res->n, sizeof *x->floor);
	if (!rc && (!req || !why || !x->floor))
		rc = ENOMEM;
	x->rule = rc ? NULL : calloc(res->n, sizeof *x->rule);
	if (!rc && !x->rule)
		rc = ENOMEM;
	if (!rc)
		compute_floors(x, why);
	if (!rc && (o->method == PLAN_MODEL || (o->max_check_rounds >= 0 && !o->no_roster)))
		rc = plan_limits(x);
	for (size_t i = 0; !rc && i < res->n; i++)
		res->iv[i].rule = x->rule[i];
	for (size_t i = 0; !rc && i < res->n; i++)
		req[i] = res->iv[i].erlang > x->floor[i] ? res->iv[i].erlang : x->floor[i];
	if (!rc && o->method == PLAN_MODEL && res->n_floors < 2) {
		plan_say(o, "model: %zu intervals, %d replications an evaluation, %s", res->n, o->replications,
			 o->point ? "decided on the point estimate (--point)" : "decided on the 95 % interval");
		rc = plan_model_requirement(x, req, err, errlen);
	}
	for (size_t i = 0; !rc && i < res->n; i++)
		res->iv[i].model = req[i];
	free(req);
	res->evaluations = x->evaluations;
	res->seconds_requirement = plan_now_s() - t0;
	if (!rc)
		apply_floors(x, why);
	if (!rc)
		plan_floors_require(x);
	if (!rc && o->method == PLAN_MODEL && res->n_floors > 1) {
		plan_say(o, "model: %zu intervals x %d floors, each floor judged on its own tenants' calls, %d "
			    "replications an evaluation, %s", res->n, res->n_floors, o->replications,
			 o->point ? "decided on the point estimate (--point)" : "decided on the 95 % interval");
		rc = plan_floors_model(x);
		res->evaluations = x->evaluations;
	}
	res->seconds_requirement = plan_now_s() - t0;
	free(why);
	return rc;
}

/*
 * Roster and check (steps 2 and 3): the roster is solved, the rostered day
 * checked, until it passes (*all) or the check rounds run out; a roster
 * left unchecked gives the staffing as it stands.
 */
static int roster_rounds(struct plan_ctx *x, bool *all, char *err, size_t errlen)
{
	const struct plan_opts *o = x->o;
	struct plan_result *res = x->res;
	int rc = 0;
	int maxc = o->max_check_rounds > 0 ? o->max_check_rounds : PLAN_MAX_CHECK_ROUNDS;
	for (int round = 1; !rc && round <= maxc + 1; round++) {
		double t1 = plan_now_s();
		if ((rc = solve_roster(x, false, err, errlen)))
			break;
		if (!x->day->planning->backup_fixed && (rc = solve_roster(x, true, err, errlen)))
			break;
		res->seconds_roster += plan_now_s() - t1;
		if (round > maxc) /* the last roster stands unchecked: say so */
			break;
		t1 = plan_now_s();
		rc = check_once(x, round, all);
		res->seconds_check += plan_now_s() - t1;
		res->check_rounds = o->max_check_rounds < 0 ? 0 : round;
		if (*all)
			break;
	}
	if (!rc && !*all && o->max_check_rounds >= 0) {
		/* staffing of the final, re-solved roster, unchecked */
		const struct scn_planning *p = x->day->planning;
		int per = (int)(p->interval / x->day->interval);
		for (size_t i = 0; i < res->n; i++) {
			res->iv[i].rostered = res->roster.staffed[i / per];
			res->iv[i].staffed = at_desk(res->iv[i].rostered, p->shrinkage);
			if (res->n_floors > 1)
				plan_floors_staff(res, p, per, i);
		}
	}
	return rc;
}

/* Whether the plan passed: the check's verdict, and no unreachable target. */
static void settle_passed(struct plan_ctx *x, bool all)
{
	struct plan_result *res = x->res;
	res->check_passed = all && x->o->max_check_rounds >= 0;
	for (size_t i = 0; i < res->n; i++)
		if (res->iv[i].unreachable) /* its unreachable target fails, whatever the staffing */
			res->check_passed = res->iv[i].passed = false;
}

/* The day's operator and backup hours, and its cost. */
static void add_up_costs(struct plan_ctx *x)
{
	struct plan_result *res = x->res;
	const struct scn_planning *p = x->day->planning;
	res->operator_hours = res->roster.paid_hours;
	res->cost = res->roster.cost;
	if (res->have_broster) {
		res->backup_hours = res->broster.paid_hours;
		res->cost += res->broster.cost;
	} else {
		for (size_t i = 0; i < res->n; i++)
			res->backup_hours += res->iv[i].backup * (res->iv[i].end_s - res->iv[i].start_s) / 3600;
		res->cost += res->backup_hours * p->cost_backup;
	}
}

int plan_run(const struct plan_opts *o, struct plan_result *res, char *err, size_t errlen)
{
	struct plan_ctx x = {.o = o, .res = res, .unreachable_iv = -1, .cur_floor = -1};
	memset(res, 0, sizeof *res);
	int rc = plan_requirement(&x, err, errlen);
	if (!rc && o->no_roster) {
		ctx_free(&x);
		return 0;
	}
	bool all = false;
	if (!rc)
		rc = roster_rounds(&x, &all, err, errlen);
	settle_passed(&x, all);
	if (!rc)
		add_up_costs(&x);
	res->evaluations = x.evaluations;
	ctx_free(&x);
	return rc;
}
