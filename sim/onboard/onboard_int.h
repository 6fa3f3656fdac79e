/*
 * onboard_int: the report side of onboard (onboard_report.c: Maildir scan,
 * SMTP sink), used by onboard.c. Private.
 */
#ifndef RB_ONBOARD_INT_H
#define RB_ONBOARD_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "onboard.h"

/*
 * Looks below dir for a delivered message whose headers carry call_id.
 * Returns 1 (found: *test says whether it is marked a test, where its path)
 * or 0.
 */
int ob_maildir_find(const char *dir, const char *call_id, bool *test, char *where, size_t wn);

struct ob_sink {
	int fd;
	pthread_t th;
	pthread_mutex_t mu;
	char **msgs;
	size_t n_msgs;
	volatile sig_atomic_t stop;
	bool running;
};

/* Listens on addr (IPv4 HOST:PORT). Returns 0, EINVAL (why in err), errno. */
int ob_sink_start(struct ob_sink *s, const char *addr, char *err, size_t errlen);
/* 1 when a kept message's headers carry call_id (*test as above), else 0. */
int ob_sink_find(struct ob_sink *s, const char *call_id, bool *test);
void ob_sink_stop(struct ob_sink *s);

#endif
