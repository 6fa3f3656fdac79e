/*
 * plan: a day's staffing, interval by interval, rostered into shifts at
 * least cost and checked in the model (`ringbench plan`, docs/plan.md).
 *
 *   1. Requirement per interval (a phase of the day profile):
 *      - PLAN_ERLANG: the least operators meeting every target that applies
 *        to the interval, by exact Erlang A at the interval's own load
 *        (its Poisson rate plus its bursts' calls averaged over the
 *        interval; handle time = talk + wrap-up; mean patience).
 *      - PLAN_MODEL: the whole day at once, because an interval's calls wait
 *        into the next: from the Erlang requirement, sweeps in time order
 *        find each interval's least staffing that passes by the verdict rule
 *        (every target's 95 % interval meets it; on the point estimate with
 *        `point`), earlier intervals held at their decided values, later ones
 *        at their current values, every evaluation with the same seed
 *        (common random numbers); sweeps repeat until nothing changes or
 *        max_rounds.
 *      Both then apply min_staff, the occupancy cap and the forecast quantile.
 *   2. Roster: the requirement after shrinkage per planning interval, covered
 *      by the candidate shifts at least cost (sim/plan/roster.h, GLPK).
 *   3. Check: the rostered day (operators at their desks, per interval) in
 *      the model; an interval that does not pass raises its requirement by
 *      one, the roster is solved again, at most max_check_rounds times.
 *
 * Library code: nothing is printed but through the progress callback, and
 * errors come back as errno values with a message.
 */
#ifndef RB_PLAN_H
#define RB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roster.h"
#include "scn.h"
#include "summary.h"

enum plan_method { PLAN_MODEL = 0, PLAN_ERLANG };
/* How an interval is decided: by the verdict rule, or on the point estimate
 * (too few calls for the rule, or --point). */
enum plan_rule { RULE_INTERVAL = 0, RULE_POINT };

#define PLAN_MAX_ROUNDS 4	/* model sweeps over the day, at most */
#define PLAN_MAX_CHECK_ROUNDS 4 /* roster-and-check rounds, at most */
#define PLAN_MAX_OPERATORS 5000

typedef void(plan_progress_h)(const char *msg, void *arg);

struct plan_opts {
	const char *scn_path;	      /* loaded afresh for private copies */
	const struct scenario *scn;   /* the loaded scenario (with planning) */
	const struct scn_target *targets; /* NULL: the scenario's */
	size_t n_targets;
	enum plan_method method;
	bool point;		      /* decide on the point estimate, not the 95 % interval */
	int replications;	      /* model evaluations; >= 2 for intervals */
	uint64_t seed;
	int jobs;
	int max_rounds;		      /* 0: PLAN_MAX_ROUNDS */
	int max_check_rounds;	      /* 0: PLAN_MAX_CHECK_ROUNDS; -1: no check */
	bool no_roster;		      /* requirement only (tests) */
	double rate_scale;	      /* what-if: every interval's Poisson rate x this
				       * (and its bursts' calls, unless burst_set); 0: 1 */
	bool burst_set;		      /* the bursts' calls x burst_scale instead */
	double burst_scale;	      /* > 0 (a burst keeps at least one call) */
	plan_progress_h *progress_h;
	void *progress_arg;
};

/* One target as applied to one interval, with its figures in the check. */
struct plan_judged {
	struct scn_target t; /* phase set to the interval */
	double measured, lo, hi;
	enum rb_judgement j;
};

struct plan_interval {
	char *name;		/* clock time */
	double start_s, end_s;
	double rate_per_s;	/* Poisson rate plus bursts over the interval (as forecast) */
	double plan_rate_per_s; /* the rate planned for (the forecast quantile) */
	int erlang;		/* Erlang A requirement */
	int model;		/* the model's (PLAN_MODEL), else = erlang */
	int required;		/* the requirement planned (after min, occupancy, the check) */
	int backup;		/* backup staff planned */
	int rostered;		/* people at work in the roster (before absence) */
	int staffed;		/* at their desks after absence: planned.yaml's operators */
	int backup_staffed;
	double abandon_fraction, occupancy; /* in the check (NaN: no check) */
	struct plan_judged *judged;	   /* targets applying to this interval, in the check */
	size_t n_judged;
	bool passed;		/* every target passed in the check */
	enum plan_rule rule;
	bool unreachable;	/* a target of it no staffing meets (plan_result.unreachable) */
	const char *bound;	/* what set the requirement: "target", "min_staff", "occupancy", "check" */
	/* A split-floor center (plan_result.n_floors > 1): per floor, n_floors
	 * each; required and staffed above are their sums. NULL when pooled. */
	int *fl_erlang;		/* Erlang A at the floor's own tenants' load */
	int *fl_required;
	int *fl_staffed;	/* at their desks after absence */
};

struct plan_result {
	struct plan_interval *iv; /* one a phase */
	size_t n;
	int rounds;		  /* model sweeps done */
	bool converged;		  /* the last sweep changed nothing */
	int evaluations;	  /* model runs */
	int check_rounds;
	bool check_passed;
	enum rb_verdict check_verdict;
	char check_log[2048];	  /* what each check round changed */
	struct roster_problem rp; /* operators' roster (planning intervals) */
	struct roster_result roster;
	bool have_roster;
	struct roster_problem brp; /* backup's (when planned) */
	struct roster_result broster;
	bool have_broster;
	int *need;		  /* rp.need: per planning interval, after shrinkage */
	int *bneed;
	struct roster_shift *shifts, *bshifts; /* owned, names too */
	int n_shifts, n_bshifts;
	double operator_hours, backup_hours, cost;
	double seconds_requirement, seconds_roster, seconds_check;
	int replications;
	double rate_factor;	  /* the forecast quantile over the forecast (1: rate_cv 0),
				   * times the what-if rate scale */
	double burst_factor;	  /* the same for the bursts' calls (the burst scale's) */
	char unreachable[2048];	  /* the limit with unlimited staff, when a target cannot be met */
	/* Split floors: 1 when pooled. The operators' roster is then one program
	 * with floor-indexed coverage rows: floor f's planning interval t is
	 * row f * n_intervals + t, and every shift type is offered once a floor
	 * (shift k of floor f is column type f * n_floor_shifts + k). */
	int n_floors;
	int n_floor_shifts;	  /* the planning's operator shift types */
	int rp_day_n;		  /* planning intervals in the day (rp.n / n_floors) */
	double *floor_share;	  /* the share of calls reaching each floor */
};

/*
 * Plans o's scenario. Returns 0 and fills res (free with plan_result_free),
 * EINVAL with why in err (no planning section, no targets, a target no
 * staffing up to PLAN_MAX_OPERATORS meets), ENOMEM, or a model error.
 */
int plan_run(const struct plan_opts *o, struct plan_result *res, char *err, size_t errlen);
void plan_result_free(struct plan_result *res);

/*
 * The targets applying to phase i: the interval's own, and every whole-run
 * target judged in that interval (its phase set to i). *out is allocated;
 * each target's phase string is borrowed from the scenario.
 */
int plan_interval_targets(const struct scenario *s, const struct scn_target *t, size_t nt, size_t i,
			  struct scn_target **out, size_t *n);

/* Writes requirements.csv, shifts.csv, roster.csv, planned.yaml and plan.json into dir. */
/* Wall-clock seconds (monotonic), for the timings printed. */
double plan_now_wall(void);

int plan_write(const struct plan_opts *o, const struct plan_result *res, const char *dir, char *err,
	       size_t errlen);

#endif
