/*
 * queue_log: an Asterisk-format queue_log for secretaryd, so existing queue
 * panels and reporting tools read the center's activity.
 *
 * Each line is "EPOCH|CALLID|QUEUE|AGENT|EVENT|data1|data2|..." (Asterisk's
 * documented layout, docs.asterisk.org "Queue Logs"). secretaryd writes:
 *   ENTERQUEUE      url|callerid|position     (url always empty)
 *   CONNECT         holdtime|bridged-uniqueid|ringtime   (ringtime: seconds the
 *                   answering phone rang)
 *   RINGNOANSWER    ringtime_ms   (a staff phone rang out unanswered; agent set)
 *   RINGCANCELED    ringtime_ms   (the caller hung up while a staff phone rang)
 *   ABANDON         position|origposition|waittime
 *   COMPLETECALLER  holdtime|calltime|origposition   (caller sent BYE)
 *   COMPLETEAGENT   holdtime|calltime|origposition   (operator sent BYE)
 * QUEUE is the tenant id, AGENT "Agent/op3" or "NONE", CALLID the SIP
 * Call-ID; times are whole seconds of wall-clock time, as Asterisk's.
 *
 * Lines are buffered and written out by qlog_flush (secretaryd calls it on
 * its flush timer, at most every second, and at exit). Not thread-safe.
 *
 * Nothing is lost to a full disk (issue 12): lines that cannot be written
 * stay in the buffer, in order, and are written by a later flush; while it
 * fails, flushes back off (200 ms doubling to 5 s) and the failure is
 * logged once, the recovery once. The buffer holds at most QLOG_MAX_HELD
 * bytes (about 90,000 lines); past that qlog_event returns ENOSPC and
 * counts the line (said at close). qlog_close writes what is still held as
 * JSON lines to a fallback file.
 */
#ifndef RB_QUEUE_LOG_H
#define RB_QUEUE_LOG_H

#include "rbtime.h"

struct qlog;

#define QLOG_MAX_HELD ((size_t)8 << 20)

/* Opens path for appending. Returns 0 or errno. */
int qlog_open(struct qlog **out, const char *path);
/*
 * Appends one line at wall time epoch_us. callid, queue and agent have '|'
 * and line breaks replaced by '_'; fmt/... give the data fields, already
 * '|'-separated. Returns 0, or ENOSPC when the buffer is full.
 */
int qlog_event(struct qlog *q, rb_us epoch_us, const char *callid, const char *queue,
	       const char *agent, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Writes buffered lines to the file (not before the backoff's end while
 * failing). Returns 0 or errno; what was not written is kept. */
int qlog_flush(struct qlog *q);
/* Flushes (one last try), writes what is still held as JSON lines
 * {"queue_log": "LINE"} appended to fallback_path (NULL: stderr) with one
 * log line saying how many and why, and closes (NULL is fine). Returns 0,
 * or an errno when any line was not written to the queue_log. */
int qlog_close(struct qlog *q, const char *fallback_path);

#endif
