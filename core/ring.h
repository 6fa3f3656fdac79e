/*
 * ring: the ring arithmetic of docs/definitions.md, in one place.
 *
 * A call answered (or abandoned) `wait` after its first ring has been heard
 * ringing floor(wait / period) + 1 times. With Japan's 3 s period: a wait
 * below 3 s is the first ring, exactly 3.0 s is the second, below 9 s is
 * within 3 rings, exactly 9.0 s is the fourth.
 */
#ifndef RB_RING_H
#define RB_RING_H

#include "rbtime.h"

/* Rings at the center: floor(wait / period) + 1. wait >= 0, period > 0. */
int ring_count(rb_us wait, rb_us period);

/*
 * Rings the caller heard: the tenant's phone rang no_answer first (0 for an
 * unconditional forward), then the center rang for wait.
 */
int ring_heard(rb_us no_answer, rb_us wait, rb_us period);

#endif
