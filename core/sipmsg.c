/*
 * sipmsg: the message parser (strict and lenient) and the start-line probe.
 * See sipmsg.h for the contract. One pass: memchr finds each line end, the
 * header name is classified as it is read, and the few values every user
 * needs (Call-ID, From/To tags, CSeq, Content-Length) are picked up on the
 * way, so that the caller rarely walks the headers again.
 */
#include <errno.h>
#include <string.h>

#include "sipmsg_int.h"

static const struct {
	const char *reason;
	int status;
} errs[SIPMSG_E_COUNT] = {
	[SIPMSG_E_NONE] = {"", 0},
	[SIPMSG_E_NOT_SIP] = {"Not SIP", 0},
	[SIPMSG_E_START_LINE] = {"Bad Request-Line", 400},
	[SIPMSG_E_METHOD] = {"Bad Method", 400},
	[SIPMSG_E_REQUEST_URI] = {"Bad Request-URI", 400},
	[SIPMSG_E_VERSION] = {"Version Not Supported", 505},
	[SIPMSG_E_TOO_LARGE] = {"Message Too Large", 513},
	[SIPMSG_E_LINE_TOO_LONG] = {"Header Too Long", 400},
	[SIPMSG_E_TOO_MANY_HDRS] = {"Too Many Headers", 400},
	[SIPMSG_E_HDR_SYNTAX] = {"Bad Header Line", 400},
	[SIPMSG_E_NUL] = {"NUL Byte In Header", 400},
	[SIPMSG_E_BARE_LF] = {"Bad Line End", 400},
	[SIPMSG_E_NO_END] = {"Truncated Header Section", 400},
	[SIPMSG_E_CLEN] = {"Bad Content-Length", 400},
	[SIPMSG_E_CLEN_DUP] = {"Duplicate Content-Length", 400},
	[SIPMSG_E_BODY_SHORT] = {"Body Shorter Than Content-Length", 400},
	[SIPMSG_E_CSEQ_METHOD] = {"CSeq Method Mismatch", 400},
	[SIPMSG_E_MAX_FORWARDS] = {"Bad Max-Forwards", 400},
	[SIPMSG_E_DUP_HDR] = {"Duplicate Header", 400},
	[SIPMSG_E_NO_VIA] = {"Missing Or Bad Via", 0},
	[SIPMSG_E_NO_FROM] = {"Missing Or Bad From", 0},
	[SIPMSG_E_NO_TO] = {"Missing Or Bad To", 0},
	[SIPMSG_E_NO_CALL_ID] = {"Missing Call-ID", 0},
	[SIPMSG_E_NO_CSEQ] = {"Missing Or Bad CSeq", 0},
	[SIPMSG_E_BAD_RESPONSE] = {"Bad Response", 0},
	[SIPMSG_E_BAD_FROM] = {"Bad From", 400},
	[SIPMSG_E_BAD_TO] = {"Bad To", 400},
	[SIPMSG_E_BAD_CSEQ] = {"Bad CSeq", 400},
};

const char *sipmsg_err_reason(enum sipmsg_err err)
{
	if ((int)err < 0 || err >= SIPMSG_E_COUNT)
		return "Bad Request";
	return errs[err].reason;
}

int sipmsg_err_status(enum sipmsg_err err)
{
	if ((int)err < 0 || err >= SIPMSG_E_COUNT)
		return 0;
	return errs[err].status;
}

/* Records the first error; later ones do not override it. */
static inline void fail(struct sipmsg *m, enum sipmsg_err e)
{
	if (m->err == SIPMSG_E_NONE)
		m->err = e;
}

/* "SIP/" 1*DIGIT "." 1*DIGIT; *is20 when it is 2.0. */
static bool version_ok(const char *p, const char *end, bool *is20)
{
	if (end - p < 7 || !mem_ieq_lc(p, "sip/", 4))
		return false;
	const char *q = p + 4;
	const char *d = q;
	while (q < end && sc_is(*q, SC_DIGIT))
		q++;
	if (q == d || q >= end || *q != '.')
		return false;
	const char *d2 = ++q;
	while (q < end && sc_is(*q, SC_DIGIT))
		q++;
	if (q == d2 || q != end)
		return false;
	*is20 = (end - p == 7 && p[4] == '2' && p[6] == '0');
	return true;
}

bool sipmsg_is_start_line_(const char *p, const char *end)
{
	if (end - p >= 12 && mem_ieq_lc(p, "sip/", 4)) {
		/* "SIP/2.0 200 ..." */
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		return sp && end - sp >= 4 && sc_is(sp[1], SC_DIGIT) &&
		       sc_is(sp[2], SC_DIGIT) && sc_is(sp[3], SC_DIGIT);
	}
	const char *q = p;
	while (q < end && sc_is(*q, SC_TOKEN))
		q++;
	if (q == p || q >= end || *q != ' ')
		return false;
	while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
		end--; /* tolerated trailing whitespace */
	/* the line ends in " SIP/x.y" */
	const char *v = end;
	while (v > q && v[-1] != ' ')
		v--;
	bool is20;
	return v > q + 1 && version_ok(v, end, &is20);
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

/* Strips a CR before the LF at e. */
static inline const char *strip_cr(const char *ls, const char *e)
{
	return (e > ls && e[-1] == '\r') ? e - 1 : e;
}

bool sipmsg_probe(const char *buf, size_t len)
{
	if (!buf)
		return false;
	const char *p = buf, *end = buf + len;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return false;
	/* A start line fits in the first 8 KiB or is not one we accept. */
	const char *lim = end - p > 8192 ? p + 8192 : end;
	const char *nl = line_end(p, lim);
	if (nl == lim && lim != end)
		return false;
	return sipmsg_is_start_line_(p, strip_cr(p, nl));
}

static void parse_request_line(struct sipmsg *m, const char *p,
			       const char *end)
{
	bool strict = m->mode == SIPMSG_STRICT;
	m->is_request = true;
	const char *q = p;
	while (q < end && sc_is(*q, SC_TOKEN))
		q++;
	m->method = span_from(p, q);
	m->method_id = sipmsg_method_id(m->method);
	if (q == p || (q < end && *q != ' ')) {
		fail(m, SIPMSG_E_METHOD); /* empty, or a non-token character */
		return;
	}
	if (q == end) {
		fail(m, SIPMSG_E_START_LINE);
		return;
	}
	/* Version: after the last space. */
	const char *v = end;
	while (v > q + 1 && v[-1] != ' ')
		v--;
	m->version = span_from(v, end);
	const char *us = q + 1, *ue = v - 1;
	if (!strict) {
		while (us < ue && *us == ' ')
			us++;
		while (ue > us && ue[-1] == ' ')
			ue--;
	}
	m->ruri = span_from(us, ue > us ? ue : us);
	bool is20 = false;
	if (v <= q + 1 || !version_ok(v, end, &is20)) {
		fail(m, SIPMSG_E_START_LINE);
		return;
	}
	if (!is20) {
		m->flags |= SIPMSG_F_VERSION;
		fail(m, SIPMSG_E_VERSION);
	}
	if (!strict)
		return; /* what follows only finds errors */
	/* Request-URI: scheme ":" and no whitespace or controls. */
	const char *u = m->ruri.p, *ue2 = u + m->ruri.len;
	if (u == ue2 || !sc_is(*u, SC_ALPHA)) {
		fail(m, SIPMSG_E_REQUEST_URI);
		return;
	}
	while (u < ue2 && sc_is(*u, SC_SCHEME))
		u++;
	if (u == ue2 || *u != ':') {
		fail(m, SIPMSG_E_REQUEST_URI);
		return;
	}
	for (; u < ue2; u++) {
		unsigned char c = (unsigned char)*u;
		if (c <= ' ' || c == 0x7f) {
			fail(m, SIPMSG_E_REQUEST_URI);
			return;
		}
	}
}

static void parse_status_line(struct sipmsg *m, const char *p,
			      const char *end)
{
	m->is_request = false;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	bool is20 = false;
	if (!sp || !version_ok(p, sp, &is20)) {
		m->version = span_from(p, sp ? sp : end);
		fail(m, SIPMSG_E_BAD_RESPONSE);
		return;
	}
	m->version = span_from(p, sp);
	if (!is20) {
		m->flags |= SIPMSG_F_VERSION;
		fail(m, SIPMSG_E_BAD_RESPONSE);
	}
	const char *c = sp + 1;
	if (end - c < 3 || !sc_is(c[0], SC_DIGIT) || !sc_is(c[1], SC_DIGIT) ||
	    !sc_is(c[2], SC_DIGIT) || (end - c > 3 && c[3] != ' ') ||
	    c[0] < '1' || c[0] > '6') {
		fail(m, SIPMSG_E_BAD_RESPONSE);
		return;
	}
	m->status = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
	m->reason = end - c > 4 ? span_from(c + 4, end) : span_from(end, end);
}

static bool single_valued(enum sip_hdr_id id)
{
	return id == SIP_HDR_FROM || id == SIP_HDR_TO ||
	       id == SIP_HDR_CALL_ID || id == SIP_HDR_CSEQ ||
	       id == SIP_HDR_MAX_FORWARDS || id == SIP_HDR_CONTENT_LENGTH;
}

/* The headers a response is built from (and the body's length). */
static bool essential(enum sip_hdr_id id)
{
	return id == SIP_HDR_FROM || id == SIP_HDR_TO || id == SIP_HDR_CALL_ID ||
	       id == SIP_HDR_CSEQ || id == SIP_HDR_CONTENT_LENGTH;
}

/* Content-Length: every line is checked (duplicates, syntax). */
static void note_clen(struct sipmsg *m, struct sip_span v, bool first)
{
	uint32_t n;
	int e = sipmsg_span_uint(v, UINT32_MAX, &n);
	if (!first) {
		m->flags |= SIPMSG_F_DUP_CLEN;
		fail(m, SIPMSG_E_CLEN_DUP);
		return;
	}
	if (e) {
		m->flags |= SIPMSG_F_BAD_CLEN;
		fail(m, SIPMSG_E_CLEN);
		return;
	}
	m->content_length = n;
}

/*
 * Parses one header line [ls, le) (le before CR LF; may hold folds).
 */
static void parse_header(struct sipmsg *m, const char *ls, const char *le)
{
	/* name = token, then optional SP/HT, then ':' (RFC 3261 HCOLON) */
	const char *ne = ls;
	while (ne < le && sc_is(*ne, SC_TOKEN))
		ne++;
	const char *colon = ne;
	while (colon < le && (*colon == ' ' || *colon == '\t'))
		colon++;
	if (ne == ls || colon == le || *colon != ':') {
		m->flags |= SIPMSG_F_BAD_HDR;
		fail(m, SIPMSG_E_HDR_SYNTAX);
		return;
	}
	enum sip_hdr_id id = sipmsg_hdr_id(span_from(ls, ne));
	bool first = m->first_[id] == 0;
	if (m->nhdrs >= SIPMSG_MAX_HDRS) {
		m->flags |= SIPMSG_F_HDRS_CUT;
		fail(m, SIPMSG_E_TOO_MANY_HDRS);
		/* Past the limit only what a response needs is kept (the extra
		 * slots): an INVITE with 200 Via lines and its From, To, Call-ID
		 * and CSeq after them then gets its 400 instead of silence, and
		 * its Content-Length still finds the body. */
		if (!first || !essential(id) || m->nhdrs >= SIPMSG_MAX_HDRS + SIPMSG_HDRS_EXTRA)
			return;
	}
	struct sip_hdr *h = &m->hdrs[m->nhdrs];
	h->name = span_from(ls, ne);
	h->value = span_trim(span_from(colon + 1, le));
	h->id = id;
	if (first)
		m->first_[h->id] = (uint8_t)(m->nhdrs + 1);
	m->nhdrs++;
	if (h->id == SIP_HDR_CONTENT_LENGTH) {
		note_clen(m, h->value, first);
	} else if (!first && single_valued(h->id)) {
		m->flags |= SIPMSG_F_DUP_HDR;
		fail(m, SIPMSG_E_DUP_HDR);
	}
}

/* Lenient: finds the first line that looks like a start line. */
static const char *find_start(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = line_end(p, end);
		if (sipmsg_is_start_line_(p, strip_cr(p, nl)))
			return p;
		p = nl + 1;
	}
	return NULL;
}

/*
 * Lenient: the tag of a From / To value without parsing the URI (the
 * analyzer needs only the tag). Agrees with sipmsg_addr_parse() on valid
 * values.
 */
struct sip_span sipmsg_fast_tag_(struct sip_span v)
{
	const char *p = v.p, *end = v.p + v.len;
	struct sip_span none = {end, 0}, t;
	const char *lt = sipmsg_find_unquoted_(p, end, '<');
	if (lt < end) {
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			return none;
		p = gt + 1;
	} else {
		const char *at = memchr(p, '@', v.len);
		if (at)
			p = at;
	}
	const char *semi = memchr(p, ';', (size_t)(end - p));
	if (semi && sipmsg_tag_param_(span_from(semi, end), &t) == 0)
		return t;
	return none;
}

/* The mandatory headers and the values every user wants. */
void sipmsg_check_mandatory_(struct sipmsg *m, enum sipmsg_err *drop)
{
	const struct sip_hdr *h;
	struct sip_addr a;
	struct sip_via via;
	struct sip_span v;

	if ((h = sipmsg_hdr(m, SIP_HDR_CALL_ID, 0)) && h->value.len)
		m->call_id = h->value;
	else if (!*drop)
		*drop = SIPMSG_E_NO_CALL_ID;

	h = sipmsg_hdr(m, SIP_HDR_CSEQ, 0);
	if (h && sipmsg_cseq_parse(h->value, &m->cseq, &m->cseq_method) == 0) {
		m->cseq_method_id = sipmsg_method_id(m->cseq_method);
		if (m->is_request && (m->cseq_method.len != m->method.len ||
				      memcmp(m->cseq_method.p, m->method.p,
					     m->method.len) != 0)) {
			m->flags |= SIPMSG_F_BAD_CSEQ;
			fail(m, SIPMSG_E_CSEQ_METHOD);
		}
	} else {
		m->cseq = 0;
		m->cseq_method = span_from(m->buf, m->buf);
		m->flags |= SIPMSG_F_BAD_CSEQ;
		if (h && h->value.len)
			fail(m, SIPMSG_E_BAD_CSEQ);
		else if (!*drop)
			*drop = SIPMSG_E_NO_CSEQ;
	}

	bool strict = m->mode == SIPMSG_STRICT;
	if ((h = sipmsg_hdr(m, SIP_HDR_FROM, 0)) && h->value.len) {
		m->from = h->value;
		if (!strict)
			m->from_tag = sipmsg_fast_tag_(h->value);
		else if (sipmsg_addr_parse(h->value, &a) == 0)
			m->from_tag = a.tag;
		else
			fail(m, SIPMSG_E_BAD_FROM);
	} else if (!*drop) {
		*drop = SIPMSG_E_NO_FROM;
	}
	if ((h = sipmsg_hdr(m, SIP_HDR_TO, 0)) && h->value.len) {
		m->to = h->value;
		if (!strict)
			m->to_tag = sipmsg_fast_tag_(h->value);
		else if (sipmsg_addr_parse(h->value, &a) == 0)
			m->to_tag = a.tag;
		else
			fail(m, SIPMSG_E_BAD_TO);
	} else if (!*drop) {
		*drop = SIPMSG_E_NO_TO;
	}

	if (strict) {
		if (sipmsg_hdr_value(m, SIP_HDR_VIA, 0, &v) != 0 ||
		    sipmsg_via_parse(v, &via) != 0) {
			if (!*drop)
				*drop = SIPMSG_E_NO_VIA;
		}
		uint32_t mf;
		if ((h = sipmsg_hdr(m, SIP_HDR_MAX_FORWARDS, 0)) &&
		    sipmsg_span_uint(h->value, 255, &mf) != 0)
			fail(m, SIPMSG_E_MAX_FORWARDS);
	}
}

void sipmsg_reset_(struct sipmsg *m, const char *buf, size_t len, enum sipmsg_mode mode)
{
	/* One assignment per field: a chain (a = b = none) reads each span
	 * back from the one just stored, a store-forwarding stall per link
	 * on every message the analyzer reads. */
	const struct sip_span none = {buf, 0};
	m->buf = buf;
	m->len = len;
	m->skipped = 0;
	m->mode = mode;
	m->is_request = false;
	m->method = none;
	m->ruri = none;
	m->reason = none;
	m->version = none;
	m->method_id = SIP_METHOD_UNKNOWN;
	m->status = 0;
	m->nhdrs = 0;
	m->header_section = none;
	m->body = none;
	m->call_id = none;
	m->from = none;
	m->to = none;
	m->from_tag = none;
	m->to_tag = none;
	m->cseq = 0;
	m->cseq_method = none;
	m->cseq_method_id = SIP_METHOD_UNKNOWN;
	m->content_length = -1;
	m->flags = 0;
	m->err = SIPMSG_E_NONE;
	m->err_status = 0;
	memset(m->first_, 0, sizeof(m->first_));
	m->to_tag_unread_ = false;
}

/* Walks the header lines from p; returns where the body starts. */
static const char *parse_headers(struct sipmsg *m, const char *p,
				 const char *end, bool *ended)
{
	bool strict = m->mode == SIPMSG_STRICT;
	*ended = false;
	while (p < end) {
		if (*p == '\n' || (*p == '\r' && end - p >= 2 && p[1] == '\n')) {
			if (*p == '\n') {
				m->flags |= SIPMSG_F_BARE_LF;
				fail(m, SIPMSG_E_BARE_LF);
				p += 1;
			} else {
				p += 2;
			}
			*ended = true;
			return p;
		}
		const char *ls = p;
		const char *nl = line_end(p, end);
		/* Folding: continuation lines start with SP or HT. */
		while (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			m->flags |= SIPMSG_F_FOLDED;
			if (nl == ls || nl[-1] != '\r') {
				m->flags |= SIPMSG_F_BARE_LF;
				fail(m, SIPMSG_E_BARE_LF);
			}
			nl = line_end(nl + 1, end);
		}
		const char *le = nl;
		if (nl < end) {
			if (nl > ls && nl[-1] == '\r') {
				le = nl - 1;
			} else {
				m->flags |= SIPMSG_F_BARE_LF;
				fail(m, SIPMSG_E_BARE_LF);
			}
		} else {
			/* no line end: the message stops inside the headers */
			le = strip_cr(ls, nl);
		}
		if ((size_t)(le - ls) > SIPMSG_MAX_LINE) {
			m->flags |= SIPMSG_F_LONG_LINE;
			if (strict)
				fail(m, SIPMSG_E_LINE_TOO_LONG);
		}
		if (ls < le && (*ls == ' ' || *ls == '\t')) {
			/* a continuation with nothing to continue */
			m->flags |= SIPMSG_F_BAD_HDR;
			fail(m, SIPMSG_E_HDR_SYNTAX);
		} else if (ls < le) {
			parse_header(m, ls, le);
		}
		p = nl < end ? nl + 1 : end;
	}
	return p;
}

/*
 * Where the message starts in p..end (leading blank lines skipped, and in
 * lenient mode junk before a start line); its line's end into *nl.
 * Returns NULL when there is no message (m->err says why).
 */
static const char *message_start(struct sipmsg *m, const char *buf, const char *p,
				 const char *end, bool strict, const char **nl)
{
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	*nl = line_end(p, end);
	if (!strict && !sipmsg_is_start_line_(p, strip_cr(p, *nl))) {
		const char *s = find_start(p, end);
		if (!s) {
			m->skipped = (size_t)(p - buf);
			m->buf = p;
			m->len = (size_t)(end - p);
			m->err = SIPMSG_E_NOT_SIP;
			return NULL;
		}
		m->flags |= SIPMSG_F_JUNK;
		p = s;
		*nl = line_end(p, end);
	}
	m->skipped = (size_t)(p - buf);
	m->buf = p;
	if (p == end) {
		m->err = SIPMSG_E_NOT_SIP;
		m->len = 0;
		return NULL;
	}
	return p;
}

/* The start line p..nl: a status line or a request line. */
void sipmsg_start_line_(struct sipmsg *m, const char *p, const char *nl, const char *end,
			bool strict)
{
	const char *sle = strip_cr(p, nl);
	if (nl < end && sle == nl) {
		m->flags |= SIPMSG_F_BARE_LF;
		fail(m, SIPMSG_E_BARE_LF);
	}
	if (!strict)
		while (sle > p && (sle[-1] == ' ' || sle[-1] == '\t'))
			sle--;
	if (end - p >= 4 && mem_ieq_lc(p, "sip/", 4))
		parse_status_line(m, p, sle);
	else
		parse_request_line(m, p, sle);
}

/* NUL: only as a quoted-pair ("\\" NUL, RFC 3261 25.1 allows it in a
 * quoted string); we do not check that the pair is inside quotes. */
static void check_nul(struct sipmsg *m, const char *p, const char *bs)
{
	for (const char *z = p; (z = memchr(z, '\0', (size_t)(bs - z))); z++) {
		if (z > p && z[-1] == '\\')
			continue;
		m->flags |= SIPMSG_F_NUL;
		fail(m, SIPMSG_E_NUL);
		break;
	}
}

/* The body from bs, as long as Content-Length says (what there is without it). */
static void body(struct sipmsg *m, const char *p, const char *bs, const char *end)
{
	size_t avail = (size_t)(end - bs);
	size_t blen = avail;
	if (m->content_length < 0) {
		if (!(m->flags & SIPMSG_F_BAD_CLEN))
			m->flags |= SIPMSG_F_NO_CLEN;
	} else if ((uint64_t)m->content_length > avail) {
		m->flags |= SIPMSG_F_BODY_SHORT;
		fail(m, SIPMSG_E_BODY_SHORT);
	} else {
		if ((size_t)m->content_length < avail)
			m->flags |= SIPMSG_F_BODY_EXTRA;
		blen = (size_t)m->content_length;
	}
	m->body = span_from(bs, bs + blen);
	m->len = (size_t)(bs + blen - p);
}

/* The verdict: lenient keeps the anomalies in flags only. */
static int verdict(struct sipmsg *m, bool strict)
{
	enum sipmsg_err drop = SIPMSG_E_NONE;
	sipmsg_check_mandatory_(m, &drop);
	if (!strict) {
		m->err = SIPMSG_E_NONE;
		return 0;
	}
	if (drop) {
		m->err = drop;
		m->err_status = 0;
		return EBADMSG;
	}
	if (m->err == SIPMSG_E_NONE)
		return 0;
	m->err_status = m->is_request ? sipmsg_err_status(m->err) : 0;
	return EBADMSG;
}

int sipmsg_parse(struct sipmsg *m, const char *buf, size_t len,
		 enum sipmsg_mode mode)
{
	if (!m || (!buf && len))
		return EINVAL;
	if (!buf)
		buf = "";
	bool strict = mode == SIPMSG_STRICT;
	sipmsg_reset_(m, buf, len, mode);
	const char *end = buf + len, *nl;
	const char *p = message_start(m, buf, buf, end, strict, &nl);
	if (!p)
		return EBADMSG;
	if (strict && (size_t)(end - p) > SIPMSG_MAX_SIZE)
		fail(m, SIPMSG_E_TOO_LARGE);
	sipmsg_start_line_(m, p, nl, end, strict);

	bool ended;
	const char *hs = nl < end ? nl + 1 : end;
	const char *bs = parse_headers(m, hs, end, &ended);
	m->header_section = span_from(hs, bs);
	if (!ended) {
		m->flags |= SIPMSG_F_NO_END;
		fail(m, SIPMSG_E_NO_END);
	}
	check_nul(m, p, bs);
	body(m, p, bs, end);
	return verdict(m, strict);
}
