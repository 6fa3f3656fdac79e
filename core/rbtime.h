/*
 * rbtime: time as every part of ringbench keeps it (docs/definitions.md, Time).
 *
 * Inside, a time or a duration is an int64 count of microseconds (rb_us), so
 * the 3 s / 9 s / 15 s ring boundaries never hinge on float rounding. In files
 * a time is seconds with exactly six decimals, written by rb_fmt_s() with
 * integer arithmetic. RB_T_NONE marks a time that is not known (an empty
 * field in calls.csv).
 */
#ifndef RB_RBTIME_H
#define RB_RBTIME_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t rb_us;

#define RB_US_PER_S INT64_C(1000000)
#define RB_T_NONE INT64_MIN

/* Seconds (a scenario's double) to microseconds, rounded to nearest. */
static inline rb_us rb_s_to_us(double s)
{
	return (rb_us)llround(s * 1e6);
}

static inline double rb_us_to_s(rb_us t)
{
	return (double)t / 1e6;
}

/*
 * Writes t as seconds with six decimals ("-0.000001", "12.500000") into buf.
 * Returns the length written (as snprintf), or writes "" for RB_T_NONE.
 */
int rb_fmt_s(char *buf, size_t n, rb_us t);

/* The longest rb_fmt_s_raw text: "-9223372036854.775808". */
#define RB_FMT_S_MAX 24
/*
 * The same text as rb_fmt_s, for a known time (not RB_T_NONE), into buf
 * (at least RB_FMT_S_MAX bytes), not NUL-terminated; returns its length.
 * Digits by integer division only: the calls.csv writer's hot path, with
 * no snprintf.
 */
int rb_fmt_s_raw(char *buf, rb_us t);
/* v in decimal into buf (at least 20 bytes), not terminated; its length. */
int rb_fmt_u64(char *buf, uint64_t v);

/*
 * The one time base of a live run: a wall-clock instant t_wall (µs since the
 * epoch) to scenario time, (t_wall − t0_epoch) × F, where t0_epoch is the
 * run's time zero and F its speed-up. RB_T_NONE stays RB_T_NONE.
 */
static inline rb_us rb_wall_to_scenario(rb_us t_wall, rb_us t0_epoch, double F)
{
	if (t_wall == RB_T_NONE)
		return RB_T_NONE;
	return (rb_us)llround((double)(t_wall - t0_epoch) * F);
}

/* Wall clock, microseconds since the epoch (CLOCK_REALTIME). */
rb_us rb_now_epoch_us(void);
/* Monotonic clock, microseconds (CLOCK_MONOTONIC). */
rb_us rb_now_mono_us(void);

#endif
