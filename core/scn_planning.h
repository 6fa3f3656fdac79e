/*
 * scn_planning: the scenario's `planning:` section, read by `ringbench
 * plan` (docs/plan.md, scenarios/README.md). It says how a day's staffing
 * requirement becomes shifts: the planning interval, absence shrinkage,
 * candidate shifts with their breaks, costs in yen, staff limits, an
 * occupancy cap and the forecast's uncertainty. Every other command ignores
 * it, so a planned scenario still runs everywhere.
 *
 * Times are held in planning intervals counted from time zero (the roster's
 * unit, sim/plan/roster.h), checked at load to fall on interval boundaries.
 */
#ifndef RB_SCN_PLANNING_H
#define RB_SCN_PLANNING_H

#include <stdbool.h>
#include <stddef.h>

#include "rbtime.h"

/* One candidate shift type; mirrors struct roster_shift. */
struct scn_plan_shift {
	char *name;
	int length;	     /* planning intervals, break included */
	int first_start;     /* start intervals from time zero: first_start, */
	int last_start;	     /* first_start + start_step, ... up to last_start */
	int start_step;
	int break_len;	     /* intervals; 0: no break */
	int break_earliest;  /* the break starts this many intervals in, at least */
	int break_latest;    /* and at most */
	bool paid_break;
	double cost_per_hour; /* yen; the planning's cost for its kind when not given */
	int max_count;	      /* 0: no limit */
};

struct scn_planning {
	rb_us interval;	      /* planning interval: a whole multiple of the profile's */
	int n_intervals;      /* in the day */
	double shrinkage;     /* absence: rostered = required / (1 - shrinkage) */
	double cost_operator; /* yen an hour */
	double cost_backup;
	int min_staff;	      /* operators at work at least, every interval */
	int max_staff;	      /* at most; 0: no cap */
	double occupancy_max; /* offered load / operators at most; 1: no cap */
	double rate_cv;	      /* forecast's coefficient of variation; 0: exact */
	double rate_quantile; /* plan to this quantile of the rate (gamma); valid when rate_cv > 0 */
	struct scn_plan_shift *shifts;
	size_t n_shifts;
	bool backup_fixed;    /* backup as the scenario staffs them, not rostered */
	struct scn_plan_shift *backup_shifts; /* when not fixed */
	size_t n_backup_shifts;
};

void scn_planning_free(struct scn_planning *p);

#endif
