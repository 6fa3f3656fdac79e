/*
 * sipmsg_frame: finds message boundaries in a byte stream (SIP over TCP,
 * RFC 3261 18.3: the header section ends with an empty line, the body is
 * Content-Length bytes). Only the bytes needed are looked at: the blank
 * line is found with memchr, and only the header lines whose name starts
 * with 'c' or 'l' are examined.
 */
#include <errno.h>
#include <string.h>

#include "sipmsg_int.h"

/* End of a logical header line starting at p (LF of its last fold). */
static const char *logical_end(const char *p, const char *end)
{
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return end;
		if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			p = nl + 1;
			continue;
		}
		return nl;
	}
}

/* Is [ls, le) a Content-Length line? Sets *val to its value. */
static bool is_clen(const char *ls, const char *le, struct sip_span *val)
{
	int c = sc_lower(*ls);
	if (c != 'c' && c != 'l')
		return false;
	const char *colon = memchr(ls, ':', (size_t)(le - ls));
	if (!colon)
		return false;
	const char *ne = colon;
	while (ne > ls && (ne[-1] == ' ' || ne[-1] == '\t'))
		ne--;
	size_t n = (size_t)(ne - ls);
	if (!((n == 1 && c == 'l') ||
	      (n == 14 && mem_ieq_lc(ls, "content-length", 14))))
		return false;
	*val = span_from(colon + 1, le);
	return true;
}

/* Finds the end of the header section (just after the empty line). */
static const char *headers_end(const char *p, const char *end)
{
	const char *q = p;
	for (;;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl || nl + 1 >= end)
			return NULL;
		if (nl[1] == '\n')
			return nl + 2;
		if (nl[1] == '\r') {
			if (nl + 2 >= end)
				return NULL;
			if (nl[2] == '\n')
				return nl + 3;
		}
		q = nl + 1;
	}
}

int sipmsg_frame(const char *buf, size_t len, enum sipmsg_mode mode,
		 size_t *skip, size_t *msg_len)
{
	if ((!buf && len) || !skip || !msg_len)
		return EINVAL;
	if (!buf)
		buf = "";
	bool strict = mode == SIPMSG_STRICT;
	size_t max = strict ? SIPMSG_MAX_SIZE : SIPMSG_FRAME_MAX_LENIENT;
	const char *p = buf, *end = buf + len;
	*msg_len = 0;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (!strict) {
		/* Skip whole lines that cannot start a message. */
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl) {
				/* an unfinished line longer than any start
				 * line is junk too: drop it all now rather
				 * than rescanning it on every read */
				if ((size_t)(end - p) > SIPMSG_MAX_LINE)
					p = end;
				break;
			}
			const char *le = (nl > p && nl[-1] == '\r') ? nl - 1 : nl;
			if (sipmsg_is_start_line_(p, le))
				break;
			p = nl + 1;
			while (p < end && (*p == '\r' || *p == '\n'))
				p++;
		}
	}
	*skip = (size_t)(p - buf);
	if (p == end)
		return EAGAIN;

	const char *hend = headers_end(p, end);
	if (!hend)
		return (size_t)(end - p) > max ? EMSGSIZE : EAGAIN;
	if ((size_t)(hend - p) > max)
		return EMSGSIZE;

	/* Content-Length: the header lines after the start line. */
	const char *q = memchr(p, '\n', (size_t)(hend - p));
	q = q ? q + 1 : hend;
	uint64_t clen = 0;
	unsigned seen = 0;
	bool bad = false;
	while (q < hend && *q != '\r' && *q != '\n') {
		const char *le = logical_end(q, hend);
		struct sip_span v;
		if (is_clen(q, le, &v)) {
			uint32_t n;
			int e = sipmsg_span_uint(v, UINT32_MAX, &n);
			if (e) {
				bad = true;
			} else if (seen == 0) {
				clen = n;
			} else if (n != clen) {
				bad = true;
			}
			seen++;
			if (!strict)
				break; /* lenient: the first one decides */
		}
		q = le < hend ? le + 1 : hend;
	}
	if (strict && (seen == 0 || bad))
		return EBADMSG;
	if (!strict && bad)
		clen = 0;
	uint64_t total = (uint64_t)(hend - p) + clen;
	if (total > max)
		return EMSGSIZE;
	if (total > (uint64_t)(end - p))
		return EAGAIN;
	*msg_len = (size_t)total;
	return 0;
}
