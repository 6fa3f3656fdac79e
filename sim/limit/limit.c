/*
 * limit: the staffing that counts as unlimited, and the words for a target
 * it does not meet (sim/limit.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "limit.h"

int limit_operators(const struct scenario *s)
{
	double calls = 0;
	for (size_t j = 0; j < s->n_phases; j++) {
		const struct scn_phase *ph = &s->phases[j];
		calls += ph->rate_per_s * rb_us_to_s(ph->duration);
		for (size_t b = 0; b < ph->n_bursts; b++)
			calls += ph->bursts[b].calls;
	}
	return (int)fmin(calls + 10, LIMIT_MAX_OPERATORS);
}

static double num(const json_t *g, const char *key)
{
	const json_t *v = json_object_get(g, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

int limit_say(char *out, size_t cap, const char *what, enum scn_target_kind kind, const json_t *group,
	      double best)
{
	const char *sep = what && *what ? ": " : "";
	what = what ? what : "";
	if (kind != TARGET_ABANDON_MAX)
		return snprintf(out, cap, "unreachable by staffing: %s%sat best %.3f with unlimited staff", what, sep,
				best);
	double ab = num(group, "abandon_fraction"), abf = num(group, "abandon_before_forward_fraction");
	return snprintf(out, cap,
			"unreachable by staffing: %s%s%.1f %% abandoned with unlimited staff (before forwarding "
			"%.1f %% of those dialled, during pick-up %.1f %%)",
			what, sep, 100 * ab, 100 * abf, 100 * ab);
}
