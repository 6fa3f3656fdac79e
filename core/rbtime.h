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
#include <string.h>

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
extern const char rb_digits2_[201];  /* "00" .. "99" */
extern const uint64_t rb_pow10_[20]; /* 10^0 .. 10^19 */

/* The decimal digits of v > 0: from its bit length (log10 2 ~ 1233 / 4096),
 * then one compare, instead of a multiply per digit. */
static inline int rb_ndigits_(uint64_t v)
{
	int bits = 64 - __builtin_clzll(v | 1);
	int t = (bits * 1233) >> 12; /* floor(log10(2^bits)) */
	return t + (v >= rb_pow10_[t]);
}

/* v in decimal into buf (at least 20 bytes), not terminated; its length.
 * Inline, as rb_fmt_s_raw: a calls.csv row holds a dozen numbers, and the
 * two calls a number cost as much as its digits. */
static inline int rb_fmt_u64(char *buf, uint64_t v)
{
	/* The length first, then the digits in place from the end: a copy of
	 * a variable length was a libc call per number. */
	int n = v ? rb_ndigits_(v) : 1;
	int i = n;
	if (v < UINT32_MAX) { /* 32-bit divisions: every time and count here */
		uint32_t w = (uint32_t)v;
		while (w >= 100) {
			unsigned d = (w % 100) * 2;
			w /= 100;
			buf[--i] = rb_digits2_[d + 1];
			buf[--i] = rb_digits2_[d];
		}
		v = w;
	}
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		buf[--i] = rb_digits2_[d + 1];
		buf[--i] = rb_digits2_[d];
	}
	if (v >= 10) {
		buf[--i] = rb_digits2_[v * 2 + 1];
		buf[--i] = rb_digits2_[v * 2];
	} else {
		buf[--i] = (char)('0' + v);
	}
	return n;
}

/*
 * The same text as rb_fmt_s, for a known time (not RB_T_NONE), into buf
 * (at least RB_FMT_S_MAX bytes), not NUL-terminated; returns its length.
 * Digits by integer division only: the calls.csv writer's hot path, with
 * no snprintf.
 */
static inline int rb_fmt_s_raw(char *buf, rb_us t)
{
	/* Integer arithmetic: "%.6f" of a double could round 8.9999995 up. */
	int n = 0;
	uint64_t a = (uint64_t)t;
	if (t < 0) {
		buf[n++] = '-';
		a = (uint64_t)(-(t + 1)) + 1;
	}
	uint64_t sec = a / 1000000u;
	unsigned f = (unsigned)(a - sec * 1000000u);
	n += rb_fmt_u64(buf + n, sec);
	buf[n++] = '.';
	unsigned hi = f / 10000, mid = f / 100 % 100, lo = f % 100;
	memcpy(buf + n, rb_digits2_ + 2 * hi, 2);
	memcpy(buf + n + 2, rb_digits2_ + 2 * mid, 2);
	memcpy(buf + n + 4, rb_digits2_ + 2 * lo, 2);
	return n + 6;
}

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
