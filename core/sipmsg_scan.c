/*
 * sipmsg_scan: the capture analyzer's fast path over a SIP message (see
 * sipmsg.h). One walk over the header lines that classifies only the lines
 * the analyzer reads (a switch on the first letter, then one compare) and
 * stops at the blank line, so the body (SDP) is never looked at.
 *
 * Exactness comes from two rules, not from a second parser: (1) the start
 * line and the mandatory values (Call-ID, CSeq, tags) are read by the
 * parser's own code (sipmsg_int.h), from an index that holds the lines of
 * the kept headers in the order the parse would keep them; (2) any message
 * the lenient parse would have to tolerate (a bare LF, a folded or
 * continuation line, no line end, more lines than SIPMSG_MAX_HDRS, junk or
 * an overlong start line) is left to sipmsg_probe() and sipmsg_parse()
 * (EAGAIN). fuzz/fuzz_sipmsg.c checks the agreement on every input.
 */
#include <errno.h>
#include <string.h>

#include "sipmsg_int.h"

/*
 * The line [p, le) starts with the header name lc (n bytes, lower case),
 * in any case, then optional SP/HT and ':'. Returns the colon, or NULL.
 * The name is then exactly the parser's token run (':', SP and HT are not
 * token characters), so sipmsg_hdr_id() would give the same id.
 */
static inline const char *name_colon(const char *p, const char *le, const char *lc, size_t n)
{
	if ((size_t)(le - p) <= n || !mem_ieq_lc(p, lc, n))
		return NULL;
	p += n;
	while (p < le && (*p == ' ' || *p == '\t'))
		p++;
	return p < le && *p == ':' ? p : NULL;
}

/* Two spellings (long and compact, or two names) of one first letter. */
#define TRY(lc, n, hid)                                                   \
	do {                                                              \
		if ((c = name_colon(ls, le, lc, n)) != NULL) {            \
			*name_len = n;                                    \
			*colon = c;                                       \
			return hid;                                       \
		}                                                         \
	} while (0)

/*
 * The id of a header line among those the scan keeps (Via, From, To,
 * Call-ID, CSeq, Diversion, History-Info, long or compact); SIP_HDR_OTHER
 * for any other line, which the scan skips. *colon and *name_len for a
 * kept one.
 */
static enum sip_hdr_id kept_id(const char *ls, const char *le, const char **colon,
			       size_t *name_len)
{
	const char *c;
	switch (ls[0]) {
	case 'V':
	case 'v':
		TRY("via", 3, SIP_HDR_VIA);
		TRY("v", 1, SIP_HDR_VIA);
		break;
	case 'F':
	case 'f':
		TRY("from", 4, SIP_HDR_FROM);
		TRY("f", 1, SIP_HDR_FROM);
		break;
	case 'T':
	case 't':
		TRY("to", 2, SIP_HDR_TO);
		TRY("t", 1, SIP_HDR_TO);
		break;
	case 'C':
	case 'c':
		TRY("call-id", 7, SIP_HDR_CALL_ID);
		TRY("cseq", 4, SIP_HDR_CSEQ);
		break;
	case 'I':
	case 'i':
		TRY("i", 1, SIP_HDR_CALL_ID);
		break;
	case 'D':
	case 'd':
		TRY("diversion", 9, SIP_HDR_DIVERSION);
		break;
	case 'H':
	case 'h':
		TRY("history-info", 12, SIP_HDR_HISTORY_INFO);
		break;
	default:
		break;
	}
	return SIP_HDR_OTHER;
}

#undef TRY

/*
 * The start line: after leading CR/LF, a line ended by CRLF within 8 KiB.
 * Returns its LF (into *start the line), or NULL with *rc ENOENT (not SIP,
 * as sipmsg_probe says) or EAGAIN (let the full parse decide).
 */
static const char *first_line(const char *buf, const char *end, const char **start, int *rc)
{
	const char *p = buf;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	*start = p;
	*rc = ENOENT;
	if (p == end)
		return NULL;
	const char *lim = end - p > 8192 ? p + 8192 : end;
	const char *nl = memchr(p, '\n', (size_t)(lim - p));
	if (!nl) {
		if (lim == end)
			*rc = EAGAIN; /* a start line alone, without its LF */
		return NULL;
	}
	if (nl[-1] != '\r') { /* nl > p: p is not at an LF */
		*rc = EAGAIN;
		return NULL;
	}
	if (!sipmsg_is_start_line_(p, nl - 1))
		return NULL;
	return nl;
}

int sipmsg_scan(struct sipmsg *m, const char *buf, size_t len)
{
	if (!m || !buf)
		return EINVAL;
	const char *end = buf + len, *p, *nl;
	int rc;
	if (!(nl = first_line(buf, end, &p, &rc)))
		return rc;
	sipmsg_reset_(m, buf, len, SIPMSG_LENIENT);
	m->skipped = (size_t)(p - buf);
	m->buf = p;
	m->len = (size_t)(end - p);
	sipmsg_start_line_(m, p, nl, end, false);
	unsigned lines = 0;
	for (p = nl + 1; p < end; p = nl + 1) {
		if (*p == '\r' && end - p >= 2 && p[1] == '\n')
			break; /* the blank line */
		if (*p == '\n' || *p == ' ' || *p == '\t')
			return EAGAIN; /* bare LF, or a continuation of nothing */
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || nl[-1] != '\r' || (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')))
			return EAGAIN; /* no line end, bare LF, or folded */
		if (++lines > SIPMSG_MAX_HDRS)
			return EAGAIN; /* the parse's limit applies */
		const char *colon;
		size_t nlen;
		enum sip_hdr_id id = kept_id(p, nl - 1, &colon, &nlen);
		if (id == SIP_HDR_OTHER)
			continue;
		struct sip_hdr *h = &m->hdrs[m->nhdrs];
		h->name = span_from(p, p + nlen);
		h->value = span_trim(span_from(colon + 1, nl - 1));
		h->id = id;
		if (!m->first_[id])
			m->first_[id] = (uint8_t)(m->nhdrs + 1);
		m->nhdrs++;
	}
	enum sipmsg_err drop = SIPMSG_E_NONE;
	sipmsg_check_mandatory_(m, &drop);
	m->err = SIPMSG_E_NONE;
	return 0;
}
