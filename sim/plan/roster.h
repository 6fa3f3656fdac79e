/*
 * roster: the shifts that cover a day's staffing requirement at least cost,
 * for `ringbench plan`.
 *
 * The day is cut into n equal intervals; interval t needs need[t] people at
 * work (the requirement after absence shrinkage, docs/plan.md). A shift type
 * has a length, the intervals it may start in, and optionally one break of
 * a fixed length that must start inside a window counted from the shift's
 * start. Every (type, start, break start) is a column of the classic
 * set-covering shift-scheduling program (Dantzig 1954):
 *
 *   minimise   sum_j cost_j x_j
 *   subject to sum_j a_tj x_j >= need[t]      every interval t
 *              sum_j a_tj x_j <= max_staff    when max_staff > 0
 *              x_j integer >= 0,  sum over a type's columns <= its max_count
 *
 * where a_tj = 1 when column j is at work in interval t (not on its break).
 * GLPK solves it: first the LP relaxation, whose optimum bounds every
 * roster's cost from below, then branch-and-cut within a time limit. The
 * result says both, so a planner sees how far from the best possible the
 * roster can be.
 *
 * A break is in the shift, not in the shrinkage: the roster covers the
 * requirement with the people actually at their desks, so breaks are not
 * counted twice.
 */
#ifndef RB_ROSTER_H
#define RB_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

/* One kind of shift. Times are in intervals of the day. */
struct roster_shift {
	const char *name;
	int length;	      /* intervals from start to end, break included */
	int first_start;      /* earliest start interval */
	int last_start;	      /* latest start (the shift must end by the day's end) */
	int start_step;	      /* starts every start_step intervals (>= 1) */
	int break_len;	      /* intervals of break; 0: no break */
	int break_earliest;   /* the break starts at least this many intervals in */
	int break_latest;     /* and at most this many */
	double cost_per_hour; /* what an hour of this shift costs (yen) */
	bool paid_break;      /* the break is paid (counted in the cost) */
	int max_count;	      /* people on this shift type at most; 0: no limit */
};

struct roster_problem {
	int n;			/* intervals in the day */
	double interval_s;	/* an interval's length, seconds */
	const int *need;	/* people at work wanted, per interval (n) */
	int max_staff;		/* at most this many at work in any interval; 0: no cap */
	const struct roster_shift *shifts;
	int n_shifts;
	double time_limit_s;	/* branch-and-cut's limit; <= 0: 60 s */
	double mip_gap;		/* stop when within this relative gap; 0: proven optimum */
};

/* One rostered group: count people on shift type `shift`, starting at
 * interval `start`, with their break starting at interval `break_start`
 * (absolute; -1 without a break). */
struct roster_line {
	int shift;
	int start;
	int break_start;
	int count;
};

enum roster_status {
	ROSTER_OPTIMAL,	   /* proven optimal (within mip_gap) */
	ROSTER_FEASIBLE,   /* a roster, not proven optimal (time limit) */
	ROSTER_INFEASIBLE, /* no roster covers the requirement (caps, starts) */
};

struct roster_result {
	enum roster_status status;
	struct roster_line *lines; /* count > 0 only, by shift, start, break */
	int n_lines;
	int *staffed;	/* people at work per interval (n) */
	double cost;	/* the roster's cost */
	double lp_bound; /* the LP relaxation's optimum: no roster costs less */
	double mip_gap;	/* GLPK's last relative gap between its incumbent and its bound */
	double paid_hours; /* person-hours paid */
	int columns;	/* columns in the program */
	double seconds;	/* time spent in GLPK */
};

/*
 * Checks the problem (shapes, windows inside shifts, starts inside the day)
 * and solves it. Returns 0 and fills res (free with roster_result_free),
 * EINVAL with why in err (a problem that cannot be set up), or ENOMEM. An
 * infeasible requirement is not an error: res->status says so.
 */
int roster_solve(const struct roster_problem *p, struct roster_result *res, char *err, size_t errlen);
void roster_result_free(struct roster_result *res);

/* What one person on a line costs (hours paid x cost per hour). */
double roster_line_cost(const struct roster_problem *p, const struct roster_line *l);

#endif
