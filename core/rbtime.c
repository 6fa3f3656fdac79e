/* rbtime: formatting and clocks; see rbtime.h. */
#include "rbtime.h"

#include <string.h>
#include <time.h>

/* "00".."99": two digits per division. */
const char rb_digits2_[201] = "0001020304050607080910111213141516171819"
			      "2021222324252627282930313233343536373839"
			      "4041424344454647484950515253545556575859"
			      "6061626364656667686970717273747576777879"
			      "8081828384858687888990919293949596979899";

/* 10^i, for the digit count. */
const uint64_t rb_pow10_[20] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
	1000000000u, UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
	UINT64_C(1000000000000000), UINT64_C(10000000000000000),
	UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
	UINT64_C(10000000000000000000)};

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
