/* plan_int: plan's private helpers, shared by plan.c, plan_day.c and
 * plan_out.c. Not part of the public interface. */
#ifndef RB_PLAN_INT_H
#define RB_PLAN_INT_H

#include "plan.h"

struct plan_ctx {
	const struct plan_opts *o;
	struct plan_result *res;
	struct scenario *day;	   /* a private copy: staffing and rates are changed */
	struct scn_target **it;	   /* the targets of each interval */
	size_t *n_it;
	struct scn_target *eval_targets; /* those of the evaluation in hand */
	int evaluations;
	int unreachable_iv;	   /* -1 */
	enum plan_rule *rule;	   /* per interval: how it is decided (plan_limits) */
	int *floor;		   /* per interval: min_staff and the occupancy cap's least */
	int cur_floor;		   /* split floors: the floor searched (-1: none): plan_eval
				    * counts only its tenants' calls (tenant_mask) and takes
				    * its staffing from ops, the others' from fops */
	bool *tenant_mask;	   /* n_tenants, for cur_floor */
	int *fops;		   /* split floors: operators per interval per floor for
				    * plan_eval (n x n_floors); NULL: every floor gets ops[i] */
};

void plan_say(const struct plan_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double plan_now_s(void);
double plan_rate_factor(const struct scn_planning *p);
double plan_handle_s(const struct scenario *s);
/* Interval i's arrivals a second: its Poisson rate and its bursts' calls over its length. */
double plan_phase_rate(const struct scenario *s, size_t i);
/* The least operators meeting targets t by Erlang A at rate_per_s (0 at no load). */
int plan_erlang_interval(const struct scenario *s, double rate_per_s, const struct scn_target *t,
			 size_t nt, int *out, char *err, size_t errlen);
/* One model run of the day's first upto phases at operators ops, judging the
 * targets of intervals from..upto-1; *out finished (free with plan_eval_free). */
int plan_eval(struct plan_ctx *x, const int *ops, size_t upto, size_t from, struct summary **out);
void plan_eval_free(struct plan_ctx *x, struct summary *s);
bool plan_target_passes(const struct plan_ctx *x, const struct summary *s, size_t k);
/* The least n >= lo passing for interval i with ops[i] = n, from n0, up to cap
 * (*reached false when even cap fails). */
int plan_least_passing(struct plan_ctx *x, int *ops, size_t i, int n0, int lo, int cap, int *out, bool *reached);
/* The model's least passing staffing per interval, from req (in and out). */
int plan_model_requirement(struct plan_ctx *x, int *req, char *err, size_t errlen);
/*
 * The day with unlimited staff (every call taken the moment it reaches the
 * center), once, before any search: an interval whose targets pass there
 * is decided by the verdict rule; one whose targets only pass on the point
 * estimate has too few calls for a 95 % interval to ever clear the target
 * at these replications, and is decided on the point estimate (said so);
 * one that fails even so cannot be met by staffing: res->unreachable says
 * its limit, and the search leaves it at its floors.
 */
int plan_limits(struct plan_ctx *x);

/* ---- split-floor centers (plan_floors.c) ---- */
/* The floors' shares of the calls and each interval's Erlang requirement per
 * floor, at that floor's own tenants' load; no-op when pooled. */
int plan_floors_setup(struct plan_ctx *x, char *err, size_t errlen);
/* The total requirement of each interval split over the floors: each floor
 * at least its own Erlang figure and occupancy cap, what min_staff adds going
 * to the floor with the most load an operator. */
void plan_floors_require(struct plan_ctx *x);
/* The operators' shift types once a floor; r->shifts replaced. */
int plan_floors_shifts(struct plan_result *r);
/* need per floor-indexed row, from fl_required, after shrinkage. */
void plan_floors_need(const struct plan_result *r, const struct scn_planning *p, int per);
/* Interval i's rostered and staffed from the roster, per floor and summed. */
void plan_floors_staff(struct plan_result *r, const struct scn_planning *p, int per, size_t i);
/* A failing interval: the floor with the most load per operator at its desk
 * gets one more than it had; returns that floor. */
int plan_floors_raise(struct plan_result *r, size_t i);
/* --method model: each floor's least staffing whose own tenants' calls pass,
 * interval by interval in time order, the other floors held; sweeps until
 * nothing changes or max_rounds. From fl_required (plan_floors_require). */
int plan_floors_model(struct plan_ctx *x);
/* Phase floor_ops of the day from x->fops (or ops[i] on every floor). */
int plan_floors_eval(struct plan_ctx *x, const int *ops);
int plan_at_desk(int rostered, double shrinkage);

#endif
