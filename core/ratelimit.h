/*
 * ratelimit: the state of one rate-limited log line (log.h,
 * rb_log_ratelimit), apart so that a struct can embed one without
 * log.h's LOG_TAG default.
 */
#ifndef RB_RATELIMIT_H
#define RB_RATELIMIT_H

struct rb_ratelimit {
	long long sec;     /* the second being counted */
	unsigned n;        /* lines printed in it */
	unsigned held;     /* lines held back since the last printed */
};

#endif
