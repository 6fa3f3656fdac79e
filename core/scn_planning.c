/*
 * scn_planning: the `planning:` section (scn_planning.h). Read after the
 * load, because every time in it must fall on the boundaries of the day's
 * planning intervals, which only the profile fixes. A mistake is refused at
 * its line and column like every other key, so a planner never gets a
 * roster for a shift that was silently rounded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"
#include "scn_planning.h"

void scn_planning_free(struct scn_planning *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->shifts && i < p->n_shifts; i++)
		free(p->shifts[i].name);
	for (size_t i = 0; p->backup_shifts && i < p->n_backup_shifts; i++)
		free(p->backup_shifts[i].name);
	free(p->shifts);
	free(p->backup_shifts);
	free(p);
}

/* Seconds that must be a whole number of planning intervals (zero allowed
 * when allow_zero), as intervals. */
static int whole_intervals(struct scn_ctx *c, yaml_node_t *n, const char *what, bool allow_zero,
			   const struct scn_planning *p, int *out)
{
	rb_us v;
	if (scn_secs(c, n, what, allow_zero, &v))
		return EINVAL;
	if (v % p->interval)
		return scn_err(c, n, "%s must be a whole number of planning intervals (%g s), got %g s", what,
			       rb_us_to_s(p->interval), rb_us_to_s(v));
	*out = (int)(v / p->interval);
	return 0;
}

/* A clock time "HH:MM" as a planning interval from time zero. */
static int clock_interval(struct scn_ctx *c, yaml_node_t *n, const char *what, const struct scenario *s,
			  const struct scn_planning *p, int *out)
{
	int clk;
	if (scn_clock(c, n, what, &clk))
		return EINVAL;
	int t0 = s->start_time_s > 0 ? s->start_time_s : 0;
	rb_us at = (rb_us)((clk - t0 + 86400) % 86400) * RB_US_PER_S;
	if (at % p->interval)
		return scn_err(c, n, "%s %s is not on a planning interval's boundary (every %g min from %02d:%02d)",
			       what, scn_scalar(n), rb_us_to_s(p->interval) / 60, t0 / 3600, t0 / 60 % 60);
	if (at >= s->end)
		return scn_err(c, n, "%s %s is outside the day (%g h from %02d:%02d)", what, scn_scalar(n),
			       rb_us_to_s(s->end) / 3600, t0 / 3600, t0 / 60 % 60);
	*out = (int)(at / p->interval);
	return 0;
}

static int parse_break(struct scn_ctx *c, yaml_node_t *n, const struct scn_planning *p,
		       struct scn_plan_shift *sh)
{
	static const char *const keys[] = {"length_s", "earliest_s", "latest_s", "paid", NULL};
	yaml_node_t *v;
	if (scn_map_check(c, n, "a shift's break", keys) ||
	    scn_map_need(c, n, "length_s", "the break's length, e.g. 3600", &v) ||
	    whole_intervals(c, v, "break length_s", false, p, &sh->break_len) ||
	    scn_map_need(c, n, "earliest_s", "how long into the shift the break may start, at the earliest", &v) ||
	    whole_intervals(c, v, "break earliest_s", true, p, &sh->break_earliest))
		return EINVAL;
	sh->break_latest = sh->break_earliest;
	if ((v = scn_map_get(c, n, "latest_s")) &&
	    whole_intervals(c, v, "break latest_s", true, p, &sh->break_latest))
		return EINVAL;
	if (sh->break_latest < sh->break_earliest)
		return scn_err(c, v, "break latest_s must be >= earliest_s");
	if (sh->break_earliest < 1 || sh->break_latest + sh->break_len >= sh->length)
		return scn_err(c, n,
			       "the break must lie inside the shift with work before and after it: expected "
			       "earliest_s >= one interval and latest_s + length_s < the shift's length_s");
	if ((v = scn_map_get(c, n, "paid")) && scn_bool(c, v, &sh->paid_break))
		return EINVAL;
	return 0;
}

static int parse_shift(struct scn_ctx *c, yaml_node_t *n, const struct scenario *s,
		       const struct scn_planning *p, double cost, struct scn_plan_shift *sh)
{
	static const char *const keys[] = {"name", "length_s", "starts", "break", "cost_per_hour",
					   "max_count", NULL};
	static const char *const start_keys[] = {"from", "to", "every_s", NULL};
	yaml_node_t *v, *st;
	int day = p->n_intervals;
	long x;
	if (scn_map_check(c, n, "a shift", keys) || scn_map_need(c, n, "name", "the shift's name", &v) ||
	    scn_str(c, v, &sh->name) ||
	    scn_map_need(c, n, "length_s", "the shift's length, break included, e.g. 30600", &v) ||
	    whole_intervals(c, v, "length_s", false, p, &sh->length))
		return EINVAL;
	if (sh->length > day)
		return scn_err(c, v, "length_s %g h is longer than the day (%g h)", rb_us_to_s(sh->length * p->interval) / 3600,
			       rb_us_to_s(s->end) / 3600);
	sh->first_start = 0;
	sh->last_start = day - sh->length;
	sh->start_step = 1;
	if ((st = scn_map_get(c, n, "starts"))) {
		if (scn_map_check(c, st, "starts", start_keys))
			return EINVAL;
		if ((v = scn_map_get(c, st, "from")) && clock_interval(c, v, "starts.from", s, p, &sh->first_start))
			return EINVAL;
		if ((v = scn_map_get(c, st, "to")) && clock_interval(c, v, "starts.to", s, p, &sh->last_start))
			return EINVAL;
		if (v && sh->last_start + sh->length > day)
			return scn_err(c, v, "a shift starting at %s would end after the day's end: expected a start "
					     "at most %g h before the end", scn_scalar(v),
				       rb_us_to_s(sh->length * p->interval) / 3600);
		if (sh->last_start < sh->first_start)
			return scn_err(c, st, "starts.to is before starts.from (or the shift does not fit after from)");
		if ((v = scn_map_get(c, st, "every_s")) && whole_intervals(c, v, "starts.every_s", false, p, &sh->start_step))
			return EINVAL;
	}
	if ((v = scn_map_get(c, n, "break")) && parse_break(c, v, p, sh))
		return EINVAL;
	sh->cost_per_hour = cost;
	if ((v = scn_map_get(c, n, "cost_per_hour")) &&
	    scn_num_range(c, v, "cost_per_hour", 0, 1e9, &sh->cost_per_hour))
		return EINVAL;
	if ((v = scn_map_get(c, n, "max_count"))) {
		if (scn_int(c, v, "max_count", 1, 1000000, &x))
			return EINVAL;
		sh->max_count = (int)x;
	}
	return 0;
}

static int parse_shifts(struct scn_ctx *c, yaml_node_t *n, const struct scenario *s,
			const struct scn_planning *p, double cost, struct scn_plan_shift **out, size_t *count)
{
	if (scn_seq_check(c, n, "shifts", true))
		return EINVAL;
	*count = scn_seq_len(n);
	if (!(*out = calloc(*count, sizeof **out)))
		return ENOMEM;
	for (size_t i = 0; i < *count; i++) {
		yaml_node_t *it = scn_seq_item(c, n, i);
		int rc = parse_shift(c, it, s, p, cost, &(*out)[i]);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp((*out)[j].name, (*out)[i].name))
				return scn_err(c, it, "duplicate shift name '%s'", (*out)[i].name);
	}
	return 0;
}

static int parse_costs(struct scn_ctx *c, yaml_node_t *n, struct scn_planning *p)
{
	static const char *const keys[] = {"operators", "backup", NULL};
	yaml_node_t *v;
	if (scn_map_check(c, n, "cost_per_hour", keys) ||
	    scn_map_need(c, n, "operators", "yen an hour for an operator", &v) ||
	    scn_num_range(c, v, "cost_per_hour.operators", 0, 1e9, &p->cost_operator))
		return EINVAL;
	p->cost_backup = p->cost_operator;
	if ((v = scn_map_get(c, n, "backup")) &&
	    scn_num_range(c, v, "cost_per_hour.backup", 0, 1e9, &p->cost_backup))
		return EINVAL;
	return 0;
}

static int parse_backup(struct scn_ctx *c, yaml_node_t *n, const struct scenario *s, struct scn_planning *p)
{
	static const char *const keys[] = {"fixed", "shifts", NULL};
	yaml_node_t *v = NULL, *sh;
	if (scn_map_check(c, n, "planning.backup", keys))
		return EINVAL;
	if ((v = scn_map_get(c, n, "fixed")) && scn_bool(c, v, &p->backup_fixed))
		return EINVAL;
	sh = scn_map_get(c, n, "shifts");
	if (p->backup_fixed && sh)
		return scn_err(c, sh, "backup is fixed: give fixed: true or shifts, not both");
	if (!p->backup_fixed && !sh)
		return scn_err(c, n, "missing key 'shifts' (the backup staff's shifts), or fixed: true");
	return sh ? parse_shifts(c, sh, s, p, p->cost_backup, &p->backup_shifts, &p->n_backup_shifts) : 0;
}

static int parse_forecast(struct scn_ctx *c, yaml_node_t *n, struct scn_planning *p)
{
	yaml_node_t *cv = scn_map_get(c, n, "rate_cv"), *q = scn_map_get(c, n, "rate_quantile");
	if (cv && scn_num_range(c, cv, "rate_cv", 0, 2, &p->rate_cv))
		return EINVAL;
	if (q && !cv)
		return scn_err(c, q, "rate_quantile needs rate_cv (the forecast's coefficient of variation)");
	if (cv && p->rate_cv > 0 && !q)
		return scn_err(c, cv, "rate_cv needs rate_quantile: the quantile of the arrival rate to plan "
				      "for, e.g. 0.9");
	if (q && scn_num_range(c, q, "rate_quantile", 0.5, 0.999, &p->rate_quantile))
		return EINVAL;
	return 0;
}

static int parse_planning(struct scn_ctx *c, yaml_node_t *n, struct scenario *s, struct scn_planning *p)
{
	static const char *const keys[] = {"interval_s", "shrinkage", "cost_per_hour", "min_staff",
					   "max_staff", "occupancy_max", "rate_cv", "rate_quantile",
					   "shifts", "backup", NULL};
	yaml_node_t *v;
	long x;
	if (scn_map_check(c, n, "planning", keys))
		return EINVAL;
	if (!s->interval)
		return scn_err(c, n, "planning needs the load as a day profile (load: {profile: {interval_s, "
				     "rates_per_hour}}), not as phases");
	p->interval = s->interval;
	if ((v = scn_map_get(c, n, "interval_s"))) {
		if (scn_secs(c, v, "interval_s", false, &p->interval))
			return EINVAL;
		if (p->interval % s->interval || s->end % p->interval)
			return scn_err(c, v, "planning interval_s must be a whole multiple of the profile's "
					     "interval_s (%g s) that divides the day (%g s), got %g",
				       rb_us_to_s(s->interval), rb_us_to_s(s->end), rb_us_to_s(p->interval));
	}
	p->n_intervals = (int)(s->end / p->interval);
	if ((v = scn_map_get(c, n, "shrinkage")) && scn_num_range(c, v, "shrinkage", 0, 0.9, &p->shrinkage))
		return EINVAL;
	if (scn_map_need(c, n, "cost_per_hour", "{operators: yen an hour, backup: yen an hour}", &v) ||
	    parse_costs(c, v, p))
		return EINVAL;
	if ((v = scn_map_get(c, n, "min_staff"))) {
		if (scn_int(c, v, "min_staff", 0, 1000000, &x))
			return EINVAL;
		p->min_staff = (int)x;
	}
	if ((v = scn_map_get(c, n, "max_staff"))) {
		if (scn_int(c, v, "max_staff", 1, 1000000, &x))
			return EINVAL;
		if (x < p->min_staff)
			return scn_err(c, v, "max_staff must be >= min_staff (%d), got %ld", p->min_staff, x);
		p->max_staff = (int)x;
	}
	p->occupancy_max = 1;
	if ((v = scn_map_get(c, n, "occupancy_max")) &&
	    scn_num_range(c, v, "occupancy_max", 0.05, 1, &p->occupancy_max))
		return EINVAL;
	if (parse_forecast(c, n, p))
		return EINVAL;
	if (scn_map_need(c, n, "shifts", "the candidate shifts: [{name, length_s, starts, break}]", &v) ||
	    parse_shifts(c, v, s, p, p->cost_operator, &p->shifts, &p->n_shifts))
		return c->failed ? EINVAL : ENOMEM; /* parse_shifts fails only so */
	p->backup_fixed = true;
	if ((v = scn_map_get(c, n, "backup"))) {
		p->backup_fixed = false;
		int rc = parse_backup(c, v, s, p);
		if (rc)
			return rc;
	}
	return 0;
}

int scn_parse_planning(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	struct scn_planning *p = calloc(1, sizeof *p);
	if (!p)
		return ENOMEM;
	int rc = parse_planning(c, n, s, p);
	if (rc) {
		scn_planning_free(p);
		return rc;
	}
	s->planning = p;
	return 0;
}
