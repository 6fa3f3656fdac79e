/*
 * limit: what no staffing can change, for `plan` and `sweep`.
 *
 * A target can be out of reach of any staffing: callers count their
 * patience from dialling the tenant, so those forwarded on no answer have
 * used part of it before the center's phone rings, and pick-up takes a
 * moment even for an idle operator. With unlimited staff (more operators
 * than the scenario has calls: every call taken the moment it reaches the
 * center) nobody waits, and what is still abandoned is the limit: before
 * forwarding (the callers never reached the center) and during pick-up.
 * A target that this run does not meet cannot be met by any staffing, and
 * the planner is told so rather than "try more staff".
 *
 *   int u = limit_operators(s);       the staffing that counts as unlimited
 *   ... run s with u operators in every phase (the caller's engine) ...
 *   limit_say(buf, n, "abandon<=0.05 in peak", TARGET_ABANDON_MAX, group, m);
 *
 * Both plan (sim/plan/plan.c: the whole day once, before any search) and sweep
 * (sim/sweep/sweep_run.c: one run per load, delay and layout, in DIR/limits/)
 * use these, so the two say the same thing in the same words.
 */
#ifndef RB_LIMIT_H
#define RB_LIMIT_H

#include <stddef.h>

#include "scn.h"

/* The most operators limit_operators gives: more than any day's calls in
 * flight at once, and few enough for the model to stay fast. */
#define LIMIT_MAX_OPERATORS 2000

/*
 * Operators that count as unlimited for s as it will run (rates and bursts
 * already scaled): its calls (every phase's Poisson calls and bursts) plus
 * 10, at most LIMIT_MAX_OPERATORS.
 */
int limit_operators(const struct scenario *s);

struct json_t;

/*
 * Writes the limit of one target into out (cap bytes, always terminated):
 *   abandon_max: "unreachable by staffing: WHAT: X % abandoned with
 *     unlimited staff (before forwarding Y % of those dialled, during
 *     pick-up Z %)", from group (summary.json's "overall" or a phase, of the
 *     run with unlimited staff): X = Z = its abandon_fraction (nobody waits,
 *     so every abandon at the center is one during pick-up), Y its
 *     abandon_before_forward_fraction;
 *   other targets (rings, abandon before forwarding): "unreachable by
 *     staffing: WHAT: at best BEST with unlimited staff" (BEST their
 *     measured value there).
 * WHAT (a label and where, e.g. "abandon<=0.05 in peak") and its ": " are
 * left out when what is NULL or empty. Returns what snprintf returns.
 */
int limit_say(char *out, size_t cap, const char *what, enum scn_target_kind kind,
	      const struct json_t *group, double best);

#endif
