/* log: stderr logging; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int level = -2; /* -2: not yet read from the environment */

static const char *const names[] = {"emerg", "alert", "crit", "err",
				    "warning", "notice", "info", "debug"};

int rb_log_level_parse(const char *name)
{
	if (!name)
		return -1;
	if (name[0] >= '0' && name[0] <= '7' && name[1] == '\0')
		return name[0] - '0';
	for (int i = 0; i < 8; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "error") == 0)
		return LOG_ERR;
	if (strcmp(name, "warn") == 0)
		return LOG_WARNING;
	return -1;
}

void rb_log_set_level(int l)
{
	level = l;
}

int rb_log_level(void)
{
	if (level == -2) {
		int l = rb_log_level_parse(getenv("RB_LOG_LEVEL"));
		level = l >= 0 ? l : LOG_NOTICE;
	}
	return level;
}

enum { HOLD_MAX = 64 };
static int holding;
static char *held[HOLD_MAX];
static int n_held;

void rb_log_hold(void)
{
	holding = 1;
}

void rb_log_flush(void)
{
	for (int i = 0; i < n_held; i++) {
		fputs(held[i], stderr);
		free(held[i]);
	}
	n_held = 0;
	holding = 0;
}

void rb_log_at(int l, const char *tag, const char *fmt, ...)
{
	char buf[2048], line[2200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: %s: %s\n", tag, names[l & 7], buf);
	if (holding && n_held < HOLD_MAX && (held[n_held] = strdup(line)) != NULL) {
		n_held++;
		return;
	}
	fputs(line, stderr);
}

bool rb_log_ratelimit(struct rb_ratelimit *r, unsigned burst, unsigned *held_back)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((long long)ts.tv_sec != r->sec) {
		r->sec = ts.tv_sec;
		r->n = 0;
	}
	if (r->n >= burst) {
		r->held++;
		return false;
	}
	r->n++;
	if (held_back)
		*held_back = r->held;
	r->held = 0;
	return true;
}
