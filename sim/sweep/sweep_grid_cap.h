/*
 * sweep_grid_cap: the cap on a sweep's whole grid (issue 12, item 11).
 *
 * Each axis of `ringbench sweep` is capped (sim/sweep/sweep.c: 100,000 values,
 * operators and backup at most 1,000,000), but not their product: with
 * `--operators 1:100000 --backup 0:100000` the grid has 10^10 points, and
 * the run failed allocating its work list (exit 3 "Cannot allocate
 * memory") instead of refusing the command line. The product can even
 * overflow size_t (four axes of 100,001 values, two layouts).
 */
#ifndef RB_SWEEP_GRID_CAP_H
#define RB_SWEEP_GRID_CAP_H

#include <stddef.h>

#include "sweep.h"

/* The most points a grid may have: a day's work on many cores already. */
#define SWEEP_MAX_POINTS 100000

/*
 * Returns 0 when g has at most SWEEP_MAX_POINTS points, else EINVAL with a
 * message in err: the size and each axis's count, the cap, and how to
 * narrow it (a coarser STEP on the longest axis, when that alone will do).
 */
int sweep_grid_cap_check(const struct sweep_grid *g, char *err, size_t errlen);

#endif
