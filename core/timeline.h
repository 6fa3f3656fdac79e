/*
 * timeline: what the center looked like second by second (timeline.csv:
 * t, ringing, operators_busy, backup_busy, answered, abandoned).
 *
 * The engine reports state changes as spans and answers/abandons as events;
 * each row t holds the state at the instant t (whole seconds) and the answers
 * and abandons during [t, t+1). Rows stop at the limit (one day by default).
 * Unknown columns (a capture cannot see operators) are left empty.
 */
#ifndef RB_TIMELINE_H
#define RB_TIMELINE_H

#include <stdbool.h>

#include "rbtime.h"

struct timeline;

/* limit: how much scenario time to keep (0: one day). NULL on ENOMEM. */
struct timeline *timeline_new(rb_us limit, bool knows_staff);
void timeline_free(struct timeline *tl);

/* State from `from` to `to`. Spans arrive in time order. */
void timeline_span(struct timeline *tl, rb_us from, rb_us to, int ringing, int ops_busy,
		   int backup_busy);
void timeline_answered(struct timeline *tl, rb_us t);
void timeline_abandoned(struct timeline *tl, rb_us t);

/* Writes timeline.csv up to `end` (scenario time). Returns 0 or errno. */
int timeline_write(const struct timeline *tl, const char *path, rb_us end);

#endif
