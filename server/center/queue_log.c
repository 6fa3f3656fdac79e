/* queue_log: Asterisk-format queue events; see queue_log.h. */
#define LOG_TAG "queue_log"
#include "queue_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rbjson.h"

/* Our own buffer rather than stdio's: when a write fails (the disk full)
 * stdio's buffer state is unspecified, and lines would be lost silently;
 * here what was not written stays, in order, until a write succeeds. */
struct qlog {
	int fd;
	char *buf;
	size_t n, cap;             /* bytes held; cap = QLOG_MAX_HELD */
	uint64_t held_lines;       /* lines in buf (for the counts) */
	uint64_t over_bound;       /* lines refused: the buffer full */
	rb_us backoff, next_try;   /* while failing (monotonic) */
	uint64_t fail_streak;
	rb_us fail_since;
	int last_err;
	char line[4096];
};

int qlog_open(struct qlog **out, const char *path)
{
	struct qlog *q = calloc(1, sizeof *q);
	if (!q)
		return ENOMEM;
	q->cap = QLOG_MAX_HELD;
	q->buf = malloc(q->cap);
	q->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (!q->buf || q->fd < 0) {
		int e = q->buf ? errno : ENOMEM;
		if (q->fd >= 0)
			close(q->fd);
		free(q->buf);
		free(q);
		return e;
	}
	*out = q;
	return 0;
}

/* Copies s into the line with '|', CR and LF made '_' (a field never splits). */
static size_t put_field(char *d, size_t room, const char *s)
{
	if (!s || !*s)
		s = "NONE";
	size_t k = 0;
	for (; *s && k + 1 < room; s++)
		d[k++] = *s == '|' || *s == '\r' || *s == '\n' ? '_' : *s;
	return k;
}

int qlog_event(struct qlog *q, rb_us epoch_us, const char *callid, const char *queue,
	       const char *agent, const char *event, const char *fmt, ...)
{
	if (!q)
		return 0;
	char *l = q->line;
	size_t room = sizeof q->line - 1, k;
	k = (size_t)snprintf(l, room, "%lld|", (long long)(epoch_us / RB_US_PER_S));
	k += put_field(l + k, room - k, callid);
	l[k++] = '|';
	k += put_field(l + k, room - k, queue);
	l[k++] = '|';
	k += put_field(l + k, room - k, agent);
	int m = snprintf(l + k, room - k, "|%s|", event);
	k += m > 0 && (size_t)m < room - k ? (size_t)m : 0;
	va_list ap;
	va_start(ap, fmt);
	m = vsnprintf(l + k, room - k, fmt, ap);
	va_end(ap);
	k += m > 0 && (size_t)m < room - k ? (size_t)m : 0;
	l[k++] = '\n';
	if (q->n + k > q->cap) {
		q->over_bound++;
		return ENOSPC;
	}
	memcpy(q->buf + q->n, l, k);
	q->n += k;
	q->held_lines++;
	return 0;
}

static uint64_t count_lines(const char *p, size_t n)
{
	uint64_t k = 0;
	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		k++;
	return k;
}

/* A short write on a full disk may end mid-line: the torn part is cut off
 * the file again (ftruncate frees, so it works on a full disk) and stays
 * held, so that the file only ever has whole lines. Returns the bytes of
 * buf that are in the file as whole lines. */
static size_t untear(struct qlog *q, off_t size0, size_t off)
{
	if (off == 0 || q->buf[off - 1] == '\n' || size0 < 0)
		return off;
	size_t keep = off;
	while (keep > 0 && q->buf[keep - 1] != '\n')
		keep--;
	if (ftruncate(q->fd, size0 + (off_t)keep))
		return off; /* cannot cut: the rest follows the torn part later */
	return keep;
}

/* Writes what is held; keeps what the file did not take. 0 or errno. */
static int write_held(struct qlog *q)
{
	size_t off = 0;
	int e = 0;
	struct stat st;
	off_t size0 = fstat(q->fd, &st) ? -1 : st.st_size;
	while (off < q->n) {
		ssize_t w = write(q->fd, q->buf + off, q->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			break;
		}
		off += (size_t)w;
	}
	if (e)
		off = untear(q, size0, off);
	q->held_lines -= count_lines(q->buf, off);
	memmove(q->buf, q->buf + off, q->n - off);
	q->n -= off;
	return e;
}

int qlog_flush(struct qlog *q)
{
	if (!q || q->n == 0)
		return 0;
	rb_us now = rb_now_mono_us();
	if (q->fail_streak && now < q->next_try)
		return q->last_err; /* backing off: no write, no line */
	int e = write_held(q);
	if (e) {
		if (q->fail_streak++ == 0) {
			q->fail_since = now;
			rb_log(LOG_ERR, "cannot write: %s; %llu line(s) kept and retried (at most %zu "
			       "bytes held)", strerror(e), (unsigned long long)q->held_lines, q->cap);
		}
		q->backoff = q->backoff ? q->backoff * 2 : 200000;
		if (q->backoff > 5 * RB_US_PER_S)
			q->backoff = 5 * RB_US_PER_S;
		q->next_try = now + q->backoff;
		q->last_err = e;
		return e;
	}
	if (q->fail_streak)
		rb_log(LOG_NOTICE, "written again after %llu failed tries over %.1f s",
		       (unsigned long long)q->fail_streak, rb_us_to_s(now - q->fail_since));
	q->fail_streak = 0;
	q->backoff = 0;
	q->last_err = 0;
	return 0;
}

/* What could not be written goes to fallback_path (else stderr), one JSON
 * object per line, said in one log line. Returns how many lines. */
static uint64_t fall_back(struct qlog *q, const char *fallback_path)
{
	if (q->n == 0)
		return 0;
	FILE *f = fallback_path ? fopen(fallback_path, "a") : NULL;
	const char *where = f ? fallback_path : "stderr";
	if (!f)
		f = stderr;
	uint64_t k = 0;
	for (const char *p = q->buf, *e = q->buf + q->n; p < e; k++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		fputs("{\"queue_log\":", f);
		rbjson_write_str(f, p, len);
		fputs("}\n", f);
		p += len + 1;
	}
	int we = fflush(f) ? errno : 0;
	if (f != stderr && fclose(f) && !we)
		we = errno;
	rb_log(LOG_ERR, "%llu queue_log line(s) written to %s because the queue_log could not be "
	       "written: %s%s%s", (unsigned long long)k, where, strerror(q->last_err ? q->last_err : EIO),
	       we ? "; and that write failed: " : "", we ? strerror(we) : "");
	return k;
}

int qlog_close(struct qlog *q, const char *fallback_path)
{
	if (!q)
		return 0;
	q->next_try = 0; /* a last try, whatever the backoff */
	int e = qlog_flush(q);
	if (e && fall_back(q, fallback_path) == 0)
		e = 0; /* nothing was held after all */
	if (q->over_bound) {
		rb_log(LOG_ERR, "%llu queue_log line(s) refused: %zu bytes already held",
		       (unsigned long long)q->over_bound, q->cap);
		e = e ? e : ENOSPC;
	}
	if (close(q->fd) && !e)
		e = errno;
	free(q->buf);
	free(q);
	return e;
}
