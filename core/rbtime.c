/* rbtime: formatting and clocks; see rbtime.h. */
#include "rbtime.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

int rb_fmt_s(char *buf, size_t n, rb_us t)
{
	if (t == RB_T_NONE) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	/* Integer arithmetic: "%.6f" of a double could round 8.9999995 up. */
	const char *sign = t < 0 ? "-" : "";
	uint64_t a = t < 0 ? (uint64_t)(-(t + 1)) + 1 : (uint64_t)t;
	return snprintf(buf, n, "%s%" PRIu64 ".%06" PRIu64, sign, a / 1000000u, a % 1000000u);
}

static rb_us clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (rb_us)ts.tv_sec * RB_US_PER_S + ts.tv_nsec / 1000;
}

rb_us rb_now_epoch_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

rb_us rb_now_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}
