/*
 * plan_floors: `ringbench plan` on a split-floor center (center.layout
 * floors, docs/plan.md "Split floors"). A call waits only for its own
 * floor's operators (core/dispatch.c), so one pooled requirement would put
 * desks on the wrong floor: each floor gets its own requirement from its
 * own tenants' load, its own roster rows, and the check runs the day with
 * the operators on their floors.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_int.h"

int plan_at_desk(int rostered, double shrinkage)
{
	return (int)floor(rostered * (1 - shrinkage) + 1e-9);
}

static int floor_shares(struct plan_ctx *x)
{
	const struct scenario *d = x->day;
	struct plan_result *r = x->res;
	double tot = 0;
	if (!(r->floor_share = calloc((size_t)r->n_floors, sizeof *r->floor_share)))
		return ENOMEM;
	for (size_t k = 0; k < d->n_tenants; k++) {
		r->floor_share[d->tenants[k].floor] += d->tenants[k].share;
		tot += d->tenants[k].share;
	}
	for (int f = 0; f < r->n_floors; f++)
		r->floor_share[f] = tot > 0 ? r->floor_share[f] / tot : 0;
	return 0;
}

int plan_floors_setup(struct plan_ctx *x, char *err, size_t errlen)
{
	struct plan_result *r = x->res;
	r->n_floors = x->day->center.n_floors > 1 ? x->day->center.n_floors : 1;
	if (r->n_floors < 2)
		return 0;
	size_t nf = (size_t)r->n_floors;
	int rc = floor_shares(x);
	for (size_t i = 0; !rc && i < r->n; i++) {
		struct plan_interval *v = &r->iv[i];
		if (!(v->fl_erlang = calloc(nf, sizeof(int))) || !(v->fl_required = calloc(nf, sizeof(int))) ||
		    !(v->fl_staffed = calloc(nf, sizeof(int))))
			return ENOMEM;
		v->erlang = 0;
		for (size_t f = 0; !rc && f < nf; f++) {
			rc = plan_erlang_interval(x->day, v->plan_rate_per_s * r->floor_share[f], x->it[i], x->n_it[i],
						  &v->fl_erlang[f], err, errlen);
			v->erlang += v->fl_erlang[f];
		}
	}
	return rc;
}

/* The floor with the most offered load per operator given in ops (n_floors). */
static int busiest(const struct plan_result *r, const struct plan_interval *v, const int *ops)
{
	int best = 0;
	double most = -1;
	for (int f = 0; f < r->n_floors; f++) {
		double per = v->plan_rate_per_s * r->floor_share[f] / (ops[f] + 1);
		if (per > most)
			most = per, best = f;
	}
	return best;
}

/*
 * Floor f's least staffing in interval i: its occupancy cap at its own load,
 * and min_staff on every floor that takes calls (a floor's calls wait only
 * for its own desks, so min_staff is a floor's, not the center's).
 */
static int floor_min(const struct plan_ctx *x, const struct plan_interval *v, int f, const char **why)
{
	const struct scn_planning *p = x->day->planning;
	double a = v->plan_rate_per_s * x->res->floor_share[f] * plan_handle_s(x->day);
	int occ = p->occupancy_max < 1 ? (int)ceil(a / p->occupancy_max - 1e-9) : 0;
	int ms = x->res->floor_share[f] > 0 ? p->min_staff : 0;
	*why = ms >= occ && ms > 0 ? "min_staff" : occ > 0 ? "occupancy" : "target";
	return ms > occ ? ms : occ;
}

static void floor_sums(struct plan_result *r, struct plan_interval *v)
{
	v->required = 0;
	for (int f = 0; f < r->n_floors; f++)
		v->required += v->fl_required[f];
}

/* What set interval i's figures: "target" when some floor is above its own
 * least, else the first floor's reason for its least (bound in the csv). */
static void floor_bound(const struct plan_ctx *x, struct plan_interval *v)
{
	v->bound = NULL;
	for (int f = 0; f < x->res->n_floors; f++) {
		const char *why;
		int lo = floor_min(x, v, f, &why);
		if (v->fl_required[f] > lo || lo == 0) {
			v->bound = "target";
			return;
		}
		if (!v->bound)
			v->bound = why;
	}
}

void plan_floors_require(struct plan_ctx *x)
{
	struct plan_result *r = x->res;
	for (size_t i = 0; r->n_floors > 1 && i < r->n; i++) {
		struct plan_interval *v = &r->iv[i];
		for (int f = 0; f < r->n_floors; f++) {
			const char *why;
			int lo = floor_min(x, v, f, &why);
			v->fl_required[f] = v->fl_erlang[f] > lo ? v->fl_erlang[f] : lo;
		}
		floor_sums(r, v);
		floor_bound(x, v);
		v->model = v->required;
	}
}

/* Interval i, floor f: the least staffing passing on the floor's own calls.
 * *moved counts a change. A floor the model cannot decide at these
 * replications (no staffing up to the cap passes: too few of its calls for
 * the 95 % rule) keeps its figure, and the plan says so. */
static int search_floor(struct plan_ctx *x, int *col, size_t i, int f, int *moved)
{
	struct plan_result *r = x->res;
	struct plan_interval *v = &r->iv[i];
	size_t nf = (size_t)r->n_floors;
	const char *why;
	int lo = floor_min(x, v, f, &why), m, cap = v->fl_required[f] * 4 + 50;
	bool reached;
	if (x->n_it[i] == 0 || !(v->plan_rate_per_s * r->floor_share[f] > 0))
		return 0;
	x->cur_floor = f;
	for (size_t k = 0; k < x->day->n_tenants; k++)
		x->tenant_mask[k] = x->day->tenants[k].floor == f;
	for (size_t j = 0; j < r->n; j++)
		col[j] = x->fops[j * nf + (size_t)f];
	int rc = plan_least_passing(x, col, i, col[i], lo, cap, &m, &reached);
	if (!rc && !reached && !x->o->point && x->rule[i] != RULE_POINT) {
		/* a floor's calls are fewer than the center's: too few for the 95 %
		 * rule at any staffing, decide it on the point estimate, as
		 * plan_limits does for a whole interval, and say so */
		x->rule[i] = RULE_POINT;
		rc = plan_least_passing(x, col, i, col[i], lo, cap, &m, &reached);
		x->rule[i] = RULE_INTERVAL;
		if (!rc && reached)
			plan_say(x->o, "model: %s floor %d: too few of its calls for the 95 %% rule; decided on the "
				       "point estimate", v->name, f);
	}
	x->cur_floor = -1;
	if (rc)
		return rc;
	if (!reached) {
		plan_say(x->o, "model: %s floor %d: no staffing up to %d passes on the floor's own calls; "
			       "its Erlang figure %d kept", v->name, f, cap, v->fl_required[f]);
		return 0;
	}
	if (m != x->fops[i * nf + (size_t)f]) {
		x->fops[i * nf + (size_t)f] = m;
		(*moved)++;
	}
	return 0;
}

int plan_floors_model(struct plan_ctx *x)
{
	struct plan_result *r = x->res;
	size_t nf = (size_t)r->n_floors;
	int max_rounds = x->o->max_rounds > 0 ? x->o->max_rounds : PLAN_MAX_ROUNDS, rc = 0;
	int *col = calloc(r->n ? r->n : 1, sizeof *col);
	x->fops = calloc(r->n * nf, sizeof *x->fops);
	x->tenant_mask = calloc(x->day->n_tenants ? x->day->n_tenants : 1, sizeof *x->tenant_mask);
	if (!col || !x->fops || !x->tenant_mask)
		rc = ENOMEM;
	for (size_t i = 0; !rc && i < r->n; i++)
		for (size_t f = 0; f < nf; f++)
			x->fops[i * nf + f] = r->iv[i].fl_required[f];
	r->converged = false;
	for (int round = 1; !rc && round <= max_rounds; round++) {
		int moved = 0;
		for (size_t i = 0; !rc && i < r->n; i++)
			for (int f = 0; !rc && f < (int)nf; f++)
				rc = search_floor(x, col, i, f, &moved);
		r->rounds = round;
		plan_say(x->o, "model: round %d: %d floor-interval%s changed (%d evaluations so far)", round, moved,
			 moved == 1 ? "" : "s", x->evaluations);
		if (!rc && !moved) {
			r->converged = true;
			break;
		}
	}
	for (size_t i = 0; !rc && i < r->n; i++) {
		for (size_t f = 0; f < nf; f++)
			r->iv[i].fl_required[f] = x->fops[i * nf + f];
		floor_sums(r, &r->iv[i]);
		floor_bound(x, &r->iv[i]);
		r->iv[i].model = r->iv[i].required;
	}
	free(col);
	free(x->fops);
	x->fops = NULL;
	return rc;
}

int plan_floors_shifts(struct plan_result *r)
{
	if (r->n_floors < 2)
		return 0;
	int ns = r->n_shifts, nf = r->n_floors;
	struct roster_shift *all = calloc((size_t)(ns * nf), sizeof *all);
	if (!all)
		return ENOMEM;
	for (int f = 0; f < nf; f++)
		for (int k = 0; k < ns; k++) {
			struct roster_shift *s = &all[f * ns + k];
			char name[160];
			*s = r->shifts[k];
			/* floor f's day is rows f * n .. f * n + n - 1 */
			s->first_start += f * r->rp_day_n;
			s->last_start += f * r->rp_day_n;
			snprintf(name, sizeof name, "%s@floor%d", r->shifts[k].name, f);
			if (!(s->name = strdup(name))) {
				for (int j = 0; j < f * ns + k; j++)
					free((char *)all[j].name);
				free(all);
				return ENOMEM;
			}
		}
	r->n_floor_shifts = ns;
	for (int k = 0; k < ns; k++)
		free((char *)r->shifts[k].name);
	free(r->shifts);
	r->shifts = all;
	r->n_shifts = ns * nf;
	return 0;
}

void plan_floors_need(const struct plan_result *r, const struct scn_planning *p, int per)
{
	for (int f = 0; f < r->n_floors; f++)
		for (int t = 0; t < p->n_intervals; t++) {
			int m = 0;
			for (int k = 0; k < per; k++) {
				int q = r->iv[t * per + k].fl_required[f];
				m = q > m ? q : m;
			}
			r->need[f * p->n_intervals + t] = m ? (int)ceil(m / (1 - p->shrinkage) - 1e-9) : 0;
		}
}

void plan_floors_staff(struct plan_result *r, const struct scn_planning *p, int per, size_t i)
{
	struct plan_interval *v = &r->iv[i];
	v->rostered = v->staffed = 0;
	for (int f = 0; f < r->n_floors; f++) {
		int ro = r->roster.staffed[f * p->n_intervals + (int)i / per];
		v->rostered += ro;
		v->fl_staffed[f] = plan_at_desk(ro, p->shrinkage);
		v->staffed += v->fl_staffed[f];
	}
}

int plan_floors_raise(struct plan_result *r, size_t i)
{
	struct plan_interval *v = &r->iv[i];
	int f = busiest(r, v, v->fl_staffed);
	int had = v->fl_staffed[f] > v->fl_required[f] ? v->fl_staffed[f] : v->fl_required[f];
	v->fl_required[f] = had + 1;
	floor_sums(r, v);
	return f;
}

int plan_floors_eval(struct plan_ctx *x, const int *ops)
{
	struct scenario *d = x->day;
	int nf = x->res->n_floors;
	for (size_t j = 0; nf > 1 && j < d->n_phases; j++) {
		struct scn_phase *ph = &d->phases[j];
		if (!ph->floor_ops && !(ph->floor_ops = calloc((size_t)nf, sizeof(int))))
			return ENOMEM;
		ph->operators = 0;
		for (int f = 0; f < nf; f++) {
			/* the floor searched takes ops; without a per-floor staffing
			 * (the run with unlimited staff) every floor gets the whole
			 * count: each floor unlimited */
			ph->floor_ops[f] = f == x->cur_floor || !x->fops ? ops[j] : x->fops[j * (size_t)nf + (size_t)f];
			ph->operators += ph->floor_ops[f];
		}
	}
	return 0;
}
