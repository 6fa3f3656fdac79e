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

#endif
