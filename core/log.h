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

#include <syslog.h>

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

#define rb_log(level, ...)                                   \
	do {                                                 \
		if ((level) <= rb_log_level())               \
			rb_log_at((level), LOG_TAG, __VA_ARGS__); \
	} while (0)

#endif
