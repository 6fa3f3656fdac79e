/* rbtime: formatting and clocks; see rbtime.h. */
#include "rbtime.h"

#include <string.h>
#include <time.h>

int rb_fmt_u64(char *buf, uint64_t v)
{
	char t[20];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}

int rb_fmt_s_raw(char *buf, rb_us t)
{
	/* Integer arithmetic: "%.6f" of a double could round 8.9999995 up. */
	int n = 0;
	uint64_t a = (uint64_t)t;
	if (t < 0) {
		buf[n++] = '-';
		a = (uint64_t)(-(t + 1)) + 1;
	}
	n += rb_fmt_u64(buf + n, a / 1000000u);
	buf[n++] = '.';
	uint32_t f = (uint32_t)(a % 1000000u);
	for (int i = 5; i >= 0; i--, f /= 10)
		buf[n + i] = (char)('0' + f % 10);
	return n + 6;
}

int rb_fmt_s(char *buf, size_t n, rb_us t)
{
	if (t == RB_T_NONE) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	char b[RB_FMT_S_MAX];
	int len = rb_fmt_s_raw(b, t);
	if (n) { /* as snprintf: cut to n - 1, always terminated */
		size_t c = (size_t)len < n - 1 ? (size_t)len : n - 1;
		memcpy(buf, b, c);
		buf[c] = '\0';
	}
	return len;
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
