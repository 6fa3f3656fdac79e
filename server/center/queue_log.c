/* queue_log: Asterisk-format queue events; see queue_log.h. */
#include "queue_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qlog {
	FILE *f;
};

int qlog_open(struct qlog **out, const char *path)
{
	struct qlog *q = calloc(1, sizeof *q);
	if (!q)
		return ENOMEM;
	q->f = fopen(path, "a");
	if (!q->f) {
		int e = errno;
		free(q);
		return e;
	}
	setvbuf(q->f, NULL, _IOFBF, 1 << 16);
	*out = q;
	return 0;
}

/* Copies s into the stream with '|', CR and LF made '_' (a field never splits). */
static void put_field(FILE *f, const char *s)
{
	if (!s || !*s) {
		fputs("NONE", f);
		return;
	}
	for (; *s; s++)
		fputc(*s == '|' || *s == '\r' || *s == '\n' ? '_' : *s, f);
}

int qlog_event(struct qlog *q, rb_us epoch_us, const char *callid, const char *queue,
	       const char *agent, const char *event, const char *fmt, ...)
{
	if (!q)
		return 0;
	fprintf(q->f, "%lld|", (long long)(epoch_us / RB_US_PER_S));
	put_field(q->f, callid);
	fputc('|', q->f);
	put_field(q->f, queue);
	fputc('|', q->f);
	put_field(q->f, agent);
	fprintf(q->f, "|%s|", event);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(q->f, fmt, ap);
	va_end(ap);
	fputc('\n', q->f);
	return ferror(q->f) ? EIO : 0;
}

int qlog_flush(struct qlog *q)
{
	if (!q)
		return 0;
	return fflush(q->f) ? errno : 0;
}

int qlog_close(struct qlog *q)
{
	if (!q)
		return 0;
	int e = fclose(q->f) ? errno : 0;
	free(q);
	return e;
}
