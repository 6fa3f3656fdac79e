/* rbtime: formatting and clocks; see rbtime.h. */
#include "rbtime.h"

#include <string.h>
#include <time.h>

/* "00".."99": two digits per division. */
static const char digits2[201] = "0001020304050607080910111213141516171819"
				 "2021222324252627282930313233343536373839"
				 "4041424344454647484950515253545556575859"
				 "6061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

/* 10^i, for the digit count. */
static const uint64_t pow10_[20] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
	1000000000u, UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
	UINT64_C(1000000000000000), UINT64_C(10000000000000000),
	UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
	UINT64_C(10000000000000000000)};

/* The decimal digits of v: from its bit length (log10 2 ~ 1233 / 4096),
 * then one compare, instead of a multiply per digit (a dozen times per
 * calls.csv row). */
static inline int ndigits(uint64_t v)
{
	int bits = 64 - __builtin_clzll(v | 1);
	int t = (bits * 1233) >> 12; /* floor(log10(2^bits)): v >= 10^t - 1 */
	return t + (v >= pow10_[t]);
}

int rb_fmt_u64(char *buf, uint64_t v)
{
	/* The length first, then the digits in place from the end: a copy of
	 * a variable length was a libc call per number. */
	int n = v ? ndigits(v) : 1;
	int i = n;
	if (v < UINT32_MAX) { /* 32-bit divisions: every time and count here */
		uint32_t w = (uint32_t)v;
		while (w >= 100) {
			unsigned d = (w % 100) * 2;
			w /= 100;
			buf[--i] = digits2[d + 1];
			buf[--i] = digits2[d];
		}
		v = w;
	}
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		buf[--i] = digits2[d + 1];
		buf[--i] = digits2[d];
	}
	if (v >= 10) {
		buf[--i] = digits2[v * 2 + 1];
		buf[--i] = digits2[v * 2];
	} else {
		buf[--i] = (char)('0' + v);
	}
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
	uint64_t sec = a / 1000000u;
	unsigned f = (unsigned)(a - sec * 1000000u);
	n += rb_fmt_u64(buf + n, sec);
	buf[n++] = '.';
	unsigned hi = f / 10000, mid = f / 100 % 100, lo = f % 100;
	memcpy(buf + n, digits2 + 2 * hi, 2);
	memcpy(buf + n + 2, digits2 + 2 * mid, 2);
	memcpy(buf + n + 4, digits2 + 2 * lo, 2);
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
