/*
 * queue_log: an Asterisk-format queue_log for secretaryd, so existing queue
 * panels and reporting tools read the center's activity.
 *
 * Each line is "EPOCH|CALLID|QUEUE|AGENT|EVENT|data1|data2|..." (Asterisk's
 * documented layout, docs.asterisk.org "Queue Logs"). secretaryd writes:
 *   ENTERQUEUE      url|callerid|position     (url always empty)
 *   CONNECT         holdtime|bridged-uniqueid|ringtime
 *   ABANDON         position|origposition|waittime
 *   COMPLETECALLER  holdtime|calltime|origposition   (caller sent BYE)
 *   COMPLETEAGENT   holdtime|calltime|origposition   (operator sent BYE)
 * QUEUE is the tenant id, AGENT "Agent/op3" or "NONE", CALLID the SIP
 * Call-ID; times are whole seconds of wall-clock time, as Asterisk's.
 *
 * Lines are buffered and written out by qlog_flush (secretaryd calls it on
 * its flush timer, at most every second, and at exit). Not thread-safe.
 */
#ifndef RB_QUEUE_LOG_H
#define RB_QUEUE_LOG_H

#include "rbtime.h"

struct qlog;

/* Opens path for appending. Returns 0 or errno. */
int qlog_open(struct qlog **out, const char *path);
/*
 * Appends one line at wall time epoch_us. callid, queue and agent have '|'
 * and line breaks replaced by '_'; fmt/... give the data fields, already
 * '|'-separated. Returns 0 or errno (ENOMEM, or the write error).
 */
int qlog_event(struct qlog *q, rb_us epoch_us, const char *callid, const char *queue,
	       const char *agent, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Writes buffered lines to the file. Returns 0 or errno. */
int qlog_flush(struct qlog *q);
/* Flushes and closes (NULL is fine). Returns 0 or errno. */
int qlog_close(struct qlog *q);

#endif
