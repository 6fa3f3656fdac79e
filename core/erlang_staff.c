/* erlang: measures by name and the staffing search; see erlang.h. */
#include "erlang.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *const measure_names[] = {
	[ERLANG_SLA] = "sla",
	[ERLANG_ANSWERED_WITHIN] = "answered_within",
	[ERLANG_SL] = "sl",
	[ERLANG_SL2] = "sl2",
};

int erlang_measure_parse(const char *name, enum erlang_measure *m)
{
	for (size_t i = 0; name && i < sizeof(measure_names) / sizeof(measure_names[0]); i++) {
		if (!strcmp(name, measure_names[i])) {
			*m = (enum erlang_measure)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *erlang_measure_name(enum erlang_measure m)
{
	return (unsigned)m < sizeof(measure_names) / sizeof(measure_names[0]) ? measure_names[m]
									   : "?";
}

double erlang_measure_value(const struct erlang_result *r, enum erlang_measure m, int k)
{
	if (k < 1 || k > ERLANG_MAX_RINGS)
		return NAN;
	switch (m) {
	case ERLANG_SLA:
		return r->sla[k];
	case ERLANG_ANSWERED_WITHIN:
		return r->answered_within[k];
	case ERLANG_SL:
		return r->sl[k];
	case ERLANG_SL2:
		return r->sl2[k];
	}
	return NAN;
}

/* Solves q at n; *met says whether measure m for k rings reaches min_value. */
static int meets(struct erlang_params *q, int n, enum erlang_measure m, int k, double min_value,
		 int *met)
{
	struct erlang_result r;
	q->n = n;
	int err = erlang_solve(q, &r);
	if (!err)
		*met = erlang_measure_value(&r, m, k) >= min_value;
	if (err == ERANGE) {
		/* Millions waiting: hopelessly understaffed, a miss. */
		*met = 0;
		err = 0;
	}
	return err;
}

/*
 * Galloping then bisection: n = start, start + 1, start + 3, start + 7, ...
 * until the target is met, then bisection between the last n that missed and
 * the first that met. Each solve follows rings 1..k only. This finds the
 * least n because the measures grow with n: more operators make every
 * caller's wait for an operator stochastically shorter (couple the two
 * centers on the same arrivals and patiences), so more are answered within
 * kP and fewer hang up within kP (sla, answered_within, sl2). sl, the share
 * of the answered who were answered within k rings, is not covered by that
 * argument; tests/check_erlang.c scans every n below the result for all four.
 */
int erlang_staff(const struct erlang_params *p, enum erlang_measure m, int k, double min_value,
		 int max_n, int *n_out, struct erlang_result *r_out)
{
	if (!p || !n_out || k < 1 || k > ERLANG_MAX_RINGS || !(min_value > 0) ||
	    !(min_value < 1) || max_n < 1 || max_n > ERLANG_MAX_OPERATORS ||
	    (unsigned)m > ERLANG_SL2)
		return EINVAL;
	struct erlang_params q = *p;
	q.max_rings = k;
	int start = 1, err, met = 0;
	if (q.theta == 0 && q.mu > 0 && q.lambda > 0) {
		double a = q.lambda / q.mu;
		if (!(a < max_n))
			return ERANGE;
		start = (int)floor(a) + 1; /* the least n with a steady state */
	}
	int miss = start - 1, hit = 0; /* miss: an n known to miss (or below start) */
	for (long step = 1, n = start;; n = miss + step, step *= 2) {
		if (n > max_n)
			n = max_n;
		err = meets(&q, (int)n, m, k, min_value, &met);
		if (err)
			return err;
		if (met) {
			hit = (int)n;
			break;
		}
		miss = (int)n;
		if (n == max_n)
			return ERANGE;
	}
	while (hit - miss > 1) {
		int mid = miss + (hit - miss) / 2;
		err = meets(&q, mid, m, k, min_value, &met);
		if (err)
			return err;
		if (met)
			hit = mid;
		else
			miss = mid;
	}
	*n_out = hit;
	if (r_out) {
		/* The measures at that n, for the rings the caller asked. */
		q.n = hit;
		q.max_rings = p->max_rings;
		return erlang_solve(&q, r_out);
	}
	return 0;
}
