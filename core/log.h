/*
 * log: logging to stderr at syslog levels, with a module tag per file.
 *
 *   #define LOG_TAG "scn"
 *   #include "log.h"
 *   rb_log(LOG_WARNING, "tenant %s has no report address", id);
 *
 * Results go to files, never to the log. The level is process-wide
 * (rb_log_set_level, default LOG_NOTICE; RB_LOG_LEVEL in the environment
 * takes a name: debug, info, notice, warning, err).
 */
#ifndef RB_LOG_H
#define RB_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "ratelimit.h"

#ifndef LOG_TAG
#define LOG_TAG "rb"
#endif

void rb_log_set_level(int level);
int rb_log_level(void);
/* Parses "debug".."emerg" or a digit; returns -1 when unknown. */
int rb_log_level_parse(const char *name);
void rb_log_at(int level, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Holds log lines back (up to 64; more are printed at once) until
 * rb_log_flush(), which prints them and stops holding: a program's start-up
 * can report a usage or bind error first and its warnings after it.
 */
void rb_log_hold(void);
void rb_log_flush(void);

/*
 * A log line that can repeat without bound (a flood of bad requests, a
 * library's complaint on every loop turn) goes through a limiter: at most
 * burst lines per second of the monotonic clock. rb_log_ratelimit() says
 * whether this one may be printed; when it may and lines were held back
 * since the last one printed, *held_back gets their number (else 0), for
 * the line to say. One limiter per call site; not thread-safe (each is
 * used by one thread).
 */
bool rb_log_ratelimit(struct rb_ratelimit *r, unsigned burst, unsigned *held_back);

#define rb_log(level, ...)                                   \
	do {                                                 \
		if ((level) <= rb_log_level())               \
			rb_log_at((level), LOG_TAG, __VA_ARGS__); \
	} while (0)

#endif
