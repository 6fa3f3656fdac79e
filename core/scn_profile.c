/*
 * scn_profile: a day's load given as arrival rates per interval (load:
 * {profile: ..., bursts: ...}), expanded at load into one phase per
 * interval, named by its clock time ("09:00") from the scenario's
 * start_time. Planners think in intervals of the day; the model and every
 * report think in phases, so the profile is only another way of writing
 * phases and everything downstream (targets by phase, per-phase staffing,
 * the verdict per phase) applies unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

/* "HH:MM" (or "H:MM") to seconds after midnight. */
int scn_clock(struct scn_ctx *c, yaml_node_t *n, const char *what, int *out)
{
	const char *s = scn_scalar(n);
	int h, m, used = 0;
	if (!s || sscanf(s, "%2d:%2d%n", &h, &m, &used) != 2 || s[used] || h < 0 || h > 23 || m < 0 ||
	    m > 59)
		return scn_err(c, n, "%s: expected a clock time \"HH:MM\" (00:00 to 23:59), got '%s'", what,
			       s ? s : "(not a scalar)");
	*out = h * 3600 + m * 60;
	return 0;
}

/* A phase's name: its clock time, HH:MM (the day wraps at midnight). */
static char *clock_name(int start_time_s, rb_us at)
{
	long s = ((start_time_s > 0 ? start_time_s : 0) + (long)(at / RB_US_PER_S)) % 86400;
	char buf[8];
	snprintf(buf, sizeof buf, "%02ld:%02ld", s / 3600, s / 60 % 60);
	return strdup(buf);
}

/* rates_per_hour or rates_per_min: one rate a interval, per second. */
static int profile_rates(struct scn_ctx *c, yaml_node_t *p, double **rates, size_t *n)
{
	yaml_node_t *ph = scn_map_get(c, p, "rates_per_hour"), *pm = scn_map_get(c, p, "rates_per_min");
	if (ph && pm)
		return scn_err(c, pm, "give rates_per_hour or rates_per_min, not both");
	yaml_node_t *v = ph ? ph : pm;
	if (!v)
		return scn_err(c, p, "missing key 'rates_per_hour' (or rates_per_min): one arrival rate a interval");
	if (scn_seq_check(c, v, ph ? "rates_per_hour" : "rates_per_min", true))
		return EINVAL;
	*n = scn_seq_len(v);
	if (!(*rates = calloc(*n, sizeof **rates)))
		return ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		double x;
		double per = ph ? 3600 : 60, hi = SCN_MAX_RATE_PER_S * per; /* issue 12 */
		if (scn_num_range(c, scn_seq_item(c, v, i), "an interval's arrival rate", 0,
				  hi < 1e7 ? hi : 1e7, &x))
			return EINVAL;
		(*rates)[i] = x / (ph ? 3600 : 60);
	}
	return 0;
}

/* operators / backup: one number for every interval, or one a interval. */
static int profile_staff(struct scn_ctx *c, yaml_node_t *p, const char *key, size_t n, struct scenario *s)
{
	yaml_node_t *v = scn_map_get(c, p, key);
	if (!v)
		return 0;
	if (s->center.n_floors > 1 && !strcmp(key, "operators"))
		return scn_err(c, v, "operators in a profile are for a pooled center; with floors, give "
				     "profile.floors: [[...], [...]] (operators per floor per interval)");
	bool seq = v->type == YAML_SEQUENCE_NODE;
	if (seq && scn_seq_len(v) != n)
		return scn_err(c, v, "%s: expected %zu numbers (one an interval, as the rates), got %zu", key, n,
			       scn_seq_len(v));
	for (size_t i = 0; i < n; i++) {
		long x;
		if (scn_int(c, seq ? scn_seq_item(c, v, i) : v, key, 0, 1000000, &x))
			return EINVAL;
		if (!strcmp(key, "operators"))
			s->phases[i].operators = (int)x;
		else
			s->phases[i].backup = (int)x;
	}
	return 0;
}

/*
 * floors: operators per floor per interval, for a split-floor center (the
 * pooled `operators` cannot say which floor a desk is on). One entry a
 * floor, each a number for every interval or a list with one a interval;
 * the phase's operators are their sum.
 */
static int profile_floors(struct scn_ctx *c, yaml_node_t *p, size_t n, struct scenario *s)
{
	yaml_node_t *v = scn_map_get(c, p, "floors");
	if (!v)
		return 0;
	size_t nf = (size_t)s->center.n_floors;
	if (nf < 2)
		return scn_err(c, v, "floors in a profile need center.layout {floors: [...]}; a pooled center "
				     "gives operators");
	if (scn_map_get(c, p, "operators"))
		return scn_err(c, v, "give floors or operators, not both");
	if (scn_seq_check(c, v, "floors", true))
		return EINVAL;
	if (scn_seq_len(v) != nf)
		return scn_err(c, v, "floors: expected %zu entries (one a floor of center.layout), got %zu", nf,
			       scn_seq_len(v));
	for (size_t i = 0; i < n; i++) {
		free(s->phases[i].floor_ops);
		if (!(s->phases[i].floor_ops = calloc(nf, sizeof(int))))
			return ENOMEM;
		s->phases[i].operators = 0;
	}
	for (size_t f = 0; f < nf; f++) {
		yaml_node_t *fl = scn_seq_item(c, v, f);
		bool seq = fl->type == YAML_SEQUENCE_NODE;
		if (seq && scn_seq_len(fl) != n)
			return scn_err(c, fl, "floor %zu: expected %zu numbers (one an interval, as the rates), got %zu",
				       f, n, scn_seq_len(fl));
		for (size_t i = 0; i < n; i++) {
			long x;
			if (scn_int(c, seq ? scn_seq_item(c, fl, i) : fl, "operators on a floor", 0, 1000000, &x))
				return EINVAL;
			s->phases[i].floor_ops[f] = (int)x;
			s->phases[i].operators += (int)x;
		}
	}
	return 0;
}

/* A burst of the profile: at a clock time ("09:00") or at_s from time zero;
 * it must lie inside one interval. */
static int profile_burst(struct scn_ctx *c, yaml_node_t *bn, struct scenario *s)
{
	static const char *const keys[] = {"at", "at_s", "calls", "within_s", NULL};
	yaml_node_t *v;
	rb_us at = 0, within = 0;
	long calls;
	if (scn_map_check(c, bn, "a burst", keys))
		return EINVAL;
	if ((v = scn_map_get(c, bn, "at"))) {
		int clk;
		if (scn_map_get(c, bn, "at_s"))
			return scn_err(c, bn, "give at (a clock time) or at_s (seconds from time zero), not both");
		if (scn_clock(c, v, "at", &clk))
			return EINVAL;
		int t0 = s->start_time_s > 0 ? s->start_time_s : 0;
		at = (rb_us)((clk - t0 + 86400) % 86400) * RB_US_PER_S;
	} else if (!(v = scn_map_get(c, bn, "at_s"))) {
		return scn_err(c, bn, "missing key 'at' (a clock time \"HH:MM\") or 'at_s' (seconds from time zero)");
	} else if (scn_secs(c, v, "at_s", true, &at)) {
		return EINVAL;
	}
	if (scn_map_need(c, bn, "calls", "how many calls", &v) || scn_int(c, v, "calls", 1, 100000000, &calls))
		return EINVAL;
	if ((v = scn_map_get(c, bn, "within_s")) && scn_secs(c, v, "within_s", true, &within))
		return EINVAL;
	if (at >= s->end)
		return scn_err(c, bn, "burst %g s after time zero is after the day's end (%g s)", rb_us_to_s(at),
			       rb_us_to_s(s->end));
	struct scn_phase *ph = &s->phases[at / s->interval];
	if (at + within > ph->start + ph->duration)
		return scn_err(c, bn,
			       "burst at %g s within %g s crosses the end of interval %s: give it as two "
			       "bursts, one each side of the boundary",
			       rb_us_to_s(at), rb_us_to_s(within), ph->name);
	struct scn_burst *nb = realloc(ph->bursts, (ph->n_bursts + 1) * sizeof *nb);
	if (!nb)
		return ENOMEM;
	ph->bursts = nb;
	nb[ph->n_bursts++] = (struct scn_burst){at - ph->start, within, (int)calls};
	return 0;
}

int scn_parse_profile(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	static const char *const load_keys[] = {"profile", "bursts", NULL};
	static const char *const prof_keys[] = {"interval_s", "rates_per_hour", "rates_per_min", "operators",
						"backup", "floors", NULL};
	yaml_node_t *p, *v;
	double *rates = NULL;
	size_t n_int = 0;
	int rc;
	if (scn_map_check(c, n, "load (a profile)", load_keys) ||
	    scn_map_need(c, n, "profile", "interval_s and one arrival rate a interval", &p) ||
	    scn_map_check(c, p, "profile", prof_keys) ||
	    scn_map_need(c, p, "interval_s", "the length of an interval, e.g. 1800", &v) ||
	    scn_secs(c, v, "interval_s", false, &s->interval))
		return EINVAL;
	if (s->interval < 60 * RB_US_PER_S || s->interval % (60 * RB_US_PER_S))
		return scn_err(c, v, "interval_s must be whole minutes of at least 60 s, got %g",
			       rb_us_to_s(s->interval));
	if ((rc = profile_rates(c, p, &rates, &n_int)))
		return free(rates), rc;
	if (n_int * (size_t)(s->interval / RB_US_PER_S) > 86400) {
		free(rates);
		return scn_err(c, p, "a profile covers one day at most: %zu intervals of %g s is %g h", n_int,
			       rb_us_to_s(s->interval), n_int * rb_us_to_s(s->interval) / 3600);
	}
	s->n_phases = n_int;
	if (!(s->phases = calloc(n_int, sizeof *s->phases)))
		return free(rates), ENOMEM;
	for (size_t i = 0; i < n_int; i++) {
		struct scn_phase *ph = &s->phases[i];
		ph->start = (rb_us)i * s->interval;
		ph->duration = s->interval;
		ph->rate_per_s = rates[i];
		ph->operators = ph->backup = -1;
		if (!(ph->name = clock_name(s->start_time_s, ph->start)))
			return free(rates), ENOMEM;
	}
	free(rates);
	s->end = (rb_us)n_int * s->interval;
	if ((rc = profile_floors(c, p, n_int, s)) || (rc = profile_staff(c, p, "operators", n_int, s)) ||
	    (rc = profile_staff(c, p, "backup", n_int, s)))
		return rc;
	if ((v = scn_map_get(c, n, "bursts"))) {
		if (scn_seq_check(c, v, "bursts", false))
			return EINVAL;
		for (size_t i = 0; i < scn_seq_len(v); i++)
			if ((rc = profile_burst(c, scn_seq_item(c, v, i), s)))
				return rc;
	}
	return 0;
}
