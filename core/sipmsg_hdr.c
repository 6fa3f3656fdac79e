/*
 * sipmsg_hdr: tables (character classes, methods, header names) and header
 * lookup: by id, by name, n-th value of comma lists, numbers, parameters.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "sipmsg_int.h"

/* Generated: bit 1 token, 2 LWS, 4 digit, 8 alpha, 16 scheme char. */
const unsigned char sipmsg_ctab_[256] = {
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  2,  0,  0,  2,  0,  0,
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
	 2,  1,  0,  0,  0,  1,  0,  1,  0,  0,  1, 17,  0, 17, 17,  0,
	21, 21, 21, 21, 21, 21, 21, 21, 21, 21,  0,  0,  0,  0,  0,  0,
	 0, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,
	25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,  0,  0,  0,  0,  1,
	 1, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,
	25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,  0,  0,  0,  1,  0,
};

struct sip_span sip_span_cstr(const char *s)
{
	struct sip_span r = {s, s ? strlen(s) : 0};
	return r;
}

bool sipmsg_span_ieq(struct sip_span s, const char *lit)
{
	size_t n = strlen(lit);
	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (sc_lower(s.p[i]) != sc_lower(lit[i]))
			return false;
	return true;
}

int sipmsg_span_uint(struct sip_span s, uint32_t max, uint32_t *out)
{
	s = span_trim(span_safe(s));
	if (!s.len)
		return EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (!sc_is(s.p[i], SC_DIGIT))
			return EINVAL;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max) {
			/* keep checking the syntax: "99999x" is EINVAL */
			for (size_t j = i + 1; j < s.len; j++)
				if (!sc_is(s.p[j], SC_DIGIT))
					return EINVAL;
			return ERANGE;
		}
	}
	*out = (uint32_t)v;
	return 0;
}

/* ---------------------------------------------------------- methods */

static const char *const method_names[SIP_METHOD_COUNT] = {
	[SIP_INVITE] = "INVITE",       [SIP_ACK] = "ACK",
	[SIP_BYE] = "BYE",             [SIP_CANCEL] = "CANCEL",
	[SIP_OPTIONS] = "OPTIONS",     [SIP_REGISTER] = "REGISTER",
	[SIP_PRACK] = "PRACK",         [SIP_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_NOTIFY] = "NOTIFY",       [SIP_PUBLISH] = "PUBLISH",
	[SIP_INFO] = "INFO",           [SIP_REFER] = "REFER",
	[SIP_MESSAGE] = "MESSAGE",     [SIP_UPDATE] = "UPDATE",
};

enum sip_method sipmsg_method_id(struct sip_span n)
{
	/* The length and the first letter leave at most one candidate (twice
	 * per message in the analyzer: the request line and CSeq); then one
	 * compare of a known length. */
	if (n.len < 3 || n.len > 9)
		return SIP_METHOD_UNKNOWN;
	enum sip_method m;
	switch (n.len << 8 | (unsigned char)n.p[0]) {
#define M(len, c, id)                                                                              \
	case (len) << 8 | (c):                                                                     \
		m = id;                                                                            \
		break;
		M(3, 'A', SIP_ACK)
		M(3, 'B', SIP_BYE)
		M(4, 'I', SIP_INFO)
		M(5, 'P', SIP_PRACK)
		M(5, 'R', SIP_REFER)
		M(6, 'I', SIP_INVITE)
		M(6, 'C', SIP_CANCEL)
		M(6, 'N', SIP_NOTIFY)
		M(6, 'U', SIP_UPDATE)
		M(7, 'O', SIP_OPTIONS)
		M(7, 'P', SIP_PUBLISH)
		M(7, 'M', SIP_MESSAGE)
		M(8, 'R', SIP_REGISTER)
		M(9, 'S', SIP_SUBSCRIBE)
#undef M
	default:
		return SIP_METHOD_UNKNOWN;
	}
	/* 3 to 9 bytes: a loop, not a libc call per message */
	const char *w = method_names[m];
	for (size_t i = 1; i < n.len; i++) /* (the first byte chose the case) */
		if (w[i] != n.p[i])
			return SIP_METHOD_UNKNOWN;
	return m;
}

const char *sipmsg_method_name(enum sip_method m)
{
	if ((int)m <= 0 || m >= SIP_METHOD_COUNT)
		return NULL;
	return method_names[m];
}

/* ---------------------------------------------------------- headers */

static const char *const hdr_names[SIP_HDR_COUNT] = {
	[SIP_HDR_VIA] = "Via",
	[SIP_HDR_FROM] = "From",
	[SIP_HDR_TO] = "To",
	[SIP_HDR_CALL_ID] = "Call-ID",
	[SIP_HDR_CSEQ] = "CSeq",
	[SIP_HDR_CONTACT] = "Contact",
	[SIP_HDR_MAX_FORWARDS] = "Max-Forwards",
	[SIP_HDR_CONTENT_LENGTH] = "Content-Length",
	[SIP_HDR_CONTENT_TYPE] = "Content-Type",
	[SIP_HDR_CONTENT_ENCODING] = "Content-Encoding",
	[SIP_HDR_EXPIRES] = "Expires",
	[SIP_HDR_ROUTE] = "Route",
	[SIP_HDR_RECORD_ROUTE] = "Record-Route",
	[SIP_HDR_SUPPORTED] = "Supported",
	[SIP_HDR_REQUIRE] = "Require",
	[SIP_HDR_PROXY_REQUIRE] = "Proxy-Require",
	[SIP_HDR_UNSUPPORTED] = "Unsupported",
	[SIP_HDR_ALLOW] = "Allow",
	[SIP_HDR_ACCEPT] = "Accept",
	[SIP_HDR_USER_AGENT] = "User-Agent",
	[SIP_HDR_SERVER] = "Server",
	[SIP_HDR_SUBJECT] = "Subject",
	[SIP_HDR_REASON] = "Reason",
	[SIP_HDR_DIVERSION] = "Diversion",
	[SIP_HDR_HISTORY_INFO] = "History-Info",
	[SIP_HDR_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
	[SIP_HDR_PRIVACY] = "Privacy",
	[SIP_HDR_WWW_AUTHENTICATE] = "WWW-Authenticate",
	[SIP_HDR_AUTHORIZATION] = "Authorization",
	[SIP_HDR_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
	[SIP_HDR_PROXY_AUTHORIZATION] = "Proxy-Authorization",
	[SIP_HDR_RSEQ] = "RSeq",
	[SIP_HDR_RACK] = "RAck",
	[SIP_HDR_EVENT] = "Event",
	[SIP_HDR_ALLOW_EVENTS] = "Allow-Events",
	[SIP_HDR_REFER_TO] = "Refer-To",
	[SIP_HDR_REFERRED_BY] = "Referred-By",
	[SIP_HDR_SESSION_EXPIRES] = "Session-Expires",
	[SIP_HDR_MIN_SE] = "Min-SE",
	[SIP_HDR_ACCEPT_CONTACT] = "Accept-Contact",
	[SIP_HDR_REJECT_CONTACT] = "Reject-Contact",
	[SIP_HDR_REQUEST_DISPOSITION] = "Request-Disposition",
	[SIP_HDR_IDENTITY] = "Identity",
	[SIP_HDR_IDENTITY_INFO] = "Identity-Info",
	[SIP_HDR_TIMESTAMP] = "Timestamp",
	[SIP_HDR_DATE] = "Date",
	[SIP_HDR_WARNING] = "Warning",
	[SIP_HDR_RETRY_AFTER] = "Retry-After",
	[SIP_HDR_MIN_EXPIRES] = "Min-Expires",
	[SIP_HDR_ORGANIZATION] = "Organization",
};

/* Compact forms, by lower-case letter (RFC 3261 7.3.3 and the IANA list). */
static const unsigned char compact[26] = {
	['a' - 'a'] = SIP_HDR_ACCEPT_CONTACT,
	['b' - 'a'] = SIP_HDR_REFERRED_BY,
	['c' - 'a'] = SIP_HDR_CONTENT_TYPE,
	['d' - 'a'] = SIP_HDR_REQUEST_DISPOSITION,
	['e' - 'a'] = SIP_HDR_CONTENT_ENCODING,
	['f' - 'a'] = SIP_HDR_FROM,
	['i' - 'a'] = SIP_HDR_CALL_ID,
	['j' - 'a'] = SIP_HDR_REJECT_CONTACT,
	['k' - 'a'] = SIP_HDR_SUPPORTED,
	['l' - 'a'] = SIP_HDR_CONTENT_LENGTH,
	['m' - 'a'] = SIP_HDR_CONTACT,
	['n' - 'a'] = SIP_HDR_IDENTITY_INFO,
	['o' - 'a'] = SIP_HDR_EVENT,
	['r' - 'a'] = SIP_HDR_REFER_TO,
	['s' - 'a'] = SIP_HDR_SUBJECT,
	['t' - 'a'] = SIP_HDR_TO,
	['u' - 'a'] = SIP_HDR_ALLOW_EVENTS,
	['v' - 'a'] = SIP_HDR_VIA,
	['x' - 'a'] = SIP_HDR_SESSION_EXPIRES,
	['y' - 'a'] = SIP_HDR_IDENTITY,
};

/*
 * Long names in lower case, grouped by first letter (generated from
 * hdr_names): the first letter picks a group of at most a few names, the
 * length rejects most of them, then one case-insensitive compare. A new
 * header goes in hdr_names and here (check_sipmsg verifies every id
 * round-trips).
 */
static const struct {
	const char *lc;
	unsigned char len;
	unsigned char id;
} long_names[] = {
	{"allow", 5, SIP_HDR_ALLOW},
	{"accept", 6, SIP_HDR_ACCEPT},
	{"allow-events", 12, SIP_HDR_ALLOW_EVENTS},
	{"authorization", 13, SIP_HDR_AUTHORIZATION},
	{"accept-contact", 14, SIP_HDR_ACCEPT_CONTACT},
	{"cseq", 4, SIP_HDR_CSEQ},
	{"call-id", 7, SIP_HDR_CALL_ID},
	{"contact", 7, SIP_HDR_CONTACT},
	{"content-type", 12, SIP_HDR_CONTENT_TYPE},
	{"content-length", 14, SIP_HDR_CONTENT_LENGTH},
	{"content-encoding", 16, SIP_HDR_CONTENT_ENCODING},
	{"date", 4, SIP_HDR_DATE},
	{"diversion", 9, SIP_HDR_DIVERSION},
	{"event", 5, SIP_HDR_EVENT},
	{"expires", 7, SIP_HDR_EXPIRES},
	{"from", 4, SIP_HDR_FROM},
	{"history-info", 12, SIP_HDR_HISTORY_INFO},
	{"identity", 8, SIP_HDR_IDENTITY},
	{"identity-info", 13, SIP_HDR_IDENTITY_INFO},
	{"min-se", 6, SIP_HDR_MIN_SE},
	{"min-expires", 11, SIP_HDR_MIN_EXPIRES},
	{"max-forwards", 12, SIP_HDR_MAX_FORWARDS},
	{"organization", 12, SIP_HDR_ORGANIZATION},
	{"privacy", 7, SIP_HDR_PRIVACY},
	{"proxy-require", 13, SIP_HDR_PROXY_REQUIRE},
	{"proxy-authenticate", 18, SIP_HDR_PROXY_AUTHENTICATE},
	{"p-asserted-identity", 19, SIP_HDR_P_ASSERTED_IDENTITY},
	{"proxy-authorization", 19, SIP_HDR_PROXY_AUTHORIZATION},
	{"rseq", 4, SIP_HDR_RSEQ},
	{"rack", 4, SIP_HDR_RACK},
	{"route", 5, SIP_HDR_ROUTE},
	{"reason", 6, SIP_HDR_REASON},
	{"require", 7, SIP_HDR_REQUIRE},
	{"refer-to", 8, SIP_HDR_REFER_TO},
	{"referred-by", 11, SIP_HDR_REFERRED_BY},
	{"retry-after", 11, SIP_HDR_RETRY_AFTER},
	{"record-route", 12, SIP_HDR_RECORD_ROUTE},
	{"reject-contact", 14, SIP_HDR_REJECT_CONTACT},
	{"request-disposition", 19, SIP_HDR_REQUEST_DISPOSITION},
	{"server", 6, SIP_HDR_SERVER},
	{"subject", 7, SIP_HDR_SUBJECT},
	{"supported", 9, SIP_HDR_SUPPORTED},
	{"session-expires", 15, SIP_HDR_SESSION_EXPIRES},
	{"to", 2, SIP_HDR_TO},
	{"timestamp", 9, SIP_HDR_TIMESTAMP},
	{"user-agent", 10, SIP_HDR_USER_AGENT},
	{"unsupported", 11, SIP_HDR_UNSUPPORTED},
	{"via", 3, SIP_HDR_VIA},
	{"warning", 7, SIP_HDR_WARNING},
	{"www-authenticate", 16, SIP_HDR_WWW_AUTHENTICATE},
};

static const struct {
	unsigned char lo, hi;
} by_letter[26] = {
	['a' - 'a'] = {0, 5},
	['b' - 'a'] = {0, 0},
	['c' - 'a'] = {5, 11},
	['d' - 'a'] = {11, 13},
	['e' - 'a'] = {13, 15},
	['f' - 'a'] = {15, 16},
	['g' - 'a'] = {0, 0},
	['h' - 'a'] = {16, 17},
	['i' - 'a'] = {17, 19},
	['j' - 'a'] = {0, 0},
	['k' - 'a'] = {0, 0},
	['l' - 'a'] = {0, 0},
	['m' - 'a'] = {19, 22},
	['n' - 'a'] = {0, 0},
	['o' - 'a'] = {22, 23},
	['p' - 'a'] = {23, 28},
	['q' - 'a'] = {0, 0},
	['r' - 'a'] = {28, 39},
	['s' - 'a'] = {39, 43},
	['t' - 'a'] = {43, 45},
	['u' - 'a'] = {45, 47},
	['v' - 'a'] = {47, 48},
	['w' - 'a'] = {48, 50},
	['x' - 'a'] = {0, 0},
	['y' - 'a'] = {0, 0},
	['z' - 'a'] = {0, 0},
};

/*
 * a equals the lower-case name lc (n bytes)? OR-ing 0x20 lower-cases a
 * letter and leaves '-' and digits alone; the only other byte it could
 * turn into '-' is CR, which no header name holds. 8 bytes at a time.
 */
static inline bool name_eq(const char *a, const char *lc, size_t n)
{
	const uint64_t low = 0x2020202020202020ull;
	for (; n >= 8; n -= 8, a += 8, lc += 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, lc, 8);
		if ((x | low) != y)
			return false;
	}
	for (; n; n--)
		if ((*a++ | 0x20) != *lc++)
			return false;
	return true;
}

enum sip_hdr_id sipmsg_hdr_id(struct sip_span n)
{
	if (n.len == 0)
		return SIP_HDR_OTHER;
	int c = sc_lower(n.p[0]);
	if (c < 'a' || c > 'z')
		return SIP_HDR_OTHER;
	if (n.len == 1)
		return (enum sip_hdr_id)compact[c - 'a'];
	for (unsigned i = by_letter[c - 'a'].lo; i < by_letter[c - 'a'].hi; i++)
		if (long_names[i].len == n.len &&
		    name_eq(n.p, long_names[i].lc, n.len))
			return (enum sip_hdr_id)long_names[i].id;
	return SIP_HDR_OTHER;
}

const char *sipmsg_hdr_name(enum sip_hdr_id id)
{
	if ((int)id <= 0 || id >= SIP_HDR_COUNT)
		return NULL;
	return hdr_names[id];
}

bool sipmsg_hdr_is_list(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_VIA:
	case SIP_HDR_CONTACT:
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_UNSUPPORTED:
	case SIP_HDR_ALLOW:
	case SIP_HDR_ACCEPT:
	case SIP_HDR_DIVERSION:
	case SIP_HDR_HISTORY_INFO:
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_ACCEPT_CONTACT:
	case SIP_HDR_REJECT_CONTACT:
		return true;
	default:
		return false;
	}
}

const struct sip_hdr *sipmsg_hdr(const struct sipmsg *msg,
				 enum sip_hdr_id id, unsigned n)
{
	if (!msg || (int)id < 0 || id >= SIP_HDR_COUNT)
		return NULL;
	unsigned i = 0;
	if (id != SIP_HDR_OTHER) {
		if (!msg->first_[id])
			return NULL;
		i = msg->first_[id] - 1u;
	}
	for (; i < msg->nhdrs; i++) {
		if (msg->hdrs[i].id != id)
			continue;
		if (n-- == 0)
			return &msg->hdrs[i];
	}
	return NULL;
}

unsigned sipmsg_hdr_count(const struct sipmsg *msg, enum sip_hdr_id id)
{
	unsigned c = 0;
	if (!msg || (int)id < 0 || id >= SIP_HDR_COUNT)
		return 0;
	for (unsigned i = 0; i < msg->nhdrs; i++)
		c += msg->hdrs[i].id == id;
	return c;
}

const struct sip_hdr *sipmsg_hdr_byname(const struct sipmsg *msg,
					const char *name, unsigned n)
{
	if (!msg || !name)
		return NULL;
	struct sip_span s = sip_span_cstr(name);
	enum sip_hdr_id id = sipmsg_hdr_id(s);
	if (id != SIP_HDR_OTHER)
		return sipmsg_hdr(msg, id, n);
	for (unsigned i = 0; i < msg->nhdrs; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];
		if (h->id == SIP_HDR_OTHER && sipmsg_span_ieq(h->name, name) &&
		    n-- == 0)
			return h;
	}
	return NULL;
}

const char *sipmsg_find_unquoted_(const char *p, const char *end, char c)
{
	/* (c is never '"': callers look for '<' or ';') */
	/* Fast path: c before any quote (or no quote at all) is unquoted. */
	const char *x = memchr(p, c, (size_t)(end - p));
	const char *dq = memchr(p, '"', (size_t)((x ? x : end) - p));
	if (!dq)
		return x ? x : end;
	p = dq; /* the byte loop from the first quote */
	bool q = false;
	for (; p < end; p++) {
		if (q) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				q = false;
		} else if (*p == '"') {
			q = true;
		} else if (*p == c) {
			return p;
		}
	}
	return end;
}

const char *sipmsg_list_elem_end_(const char *p, const char *end)
{
	/* Fast path: no quote or '<' before the first comma (most Via
	 * values): three memchr calls instead of a byte loop. */
	const char *comma = memchr(p, ',', (size_t)(end - p));
	const char *lim = comma ? comma : end;
	if (!memchr(p, '"', (size_t)(lim - p)) &&
	    !memchr(p, '<', (size_t)(lim - p)))
		return lim;
	bool q = false, angle = false;
	for (; p < end; p++) {
		char c = *p;
		if (q) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '"')
				q = false;
		} else if (angle) {
			if (c == '>')
				angle = false;
		} else if (c == '"') {
			q = true;
		} else if (c == '<') {
			angle = true;
		} else if (c == ',') {
			return p;
		}
	}
	return end;
}

int sipmsg_value_next(const struct sipmsg *msg, enum sip_hdr_id id,
		      struct sipmsg_iter *it, struct sip_span *out)
{
	if (!msg || !it || !out || (int)id < 0 || id >= SIP_HDR_COUNT)
		return EINVAL;
	bool list = sipmsg_hdr_is_list(id);
	if (it->hdr == 0 && it->off == 0 && id != SIP_HDR_OTHER) {
		if (!msg->first_[id])
			return ENOENT;
		it->hdr = msg->first_[id] - 1u;
	}
	for (; it->hdr < msg->nhdrs; it->hdr++, it->off = 0) {
		const struct sip_hdr *h = &msg->hdrs[it->hdr];
		if (h->id != id)
			continue;
		if (!list) {
			if (it->off)
				continue;
			*out = h->value;
			it->off = h->value.len + 1;
			return 0;
		}
		const char *end = h->value.p + h->value.len;
		while (it->off <= h->value.len) {
			const char *p = h->value.p + it->off;
			const char *e = sipmsg_list_elem_end_(p, end);
			it->off = (size_t)(e - h->value.p) + 1;
			struct sip_span v = span_trim(span_from(p, e));
			if (v.len) {
				*out = v;
				return 0;
			}
		}
	}
	return ENOENT;
}

int sipmsg_hdr_value(const struct sipmsg *msg, enum sip_hdr_id id,
		     unsigned n, struct sip_span *out)
{
	struct sipmsg_iter it = {0, 0};
	struct sip_span v;
	int err;
	while ((err = sipmsg_value_next(msg, id, &it, &v)) == 0) {
		if (n-- == 0) {
			*out = v;
			return 0;
		}
	}
	return err == EINVAL ? EINVAL : ENOENT;
}

int sipmsg_hdr_uint(const struct sipmsg *msg, enum sip_hdr_id id,
		    uint32_t *out)
{
	const struct sip_hdr *h = sipmsg_hdr(msg, id, 0);
	if (!h)
		return ENOENT;
	if (!out)
		return EINVAL;
	return sipmsg_span_uint(h->value, UINT32_MAX, out);
}

/* ------------------------------------------------------ parameters */

/*
 * One parameter from *pp: name and value (quotes removed). Returns false at
 * the end. Odd input (stray '=' or quotes) never stops the walk early.
 */
bool sipmsg_param_next_(const char **pp, const char *end, struct sip_span *name,
			struct sip_span *val)
{
	const char *p = *pp;
	for (;;) {
		p = skip_lws(p, end);
		while (p < end && *p == ';')
			p = skip_lws(p + 1, end);
		if (p >= end) {
			*pp = end;
			return false;
		}
		const char *ns = p;
		while (p < end && *p != '=' && *p != ';' && !sc_is(*p, SC_LWS))
			p++;
		*name = span_from(ns, p);
		p = skip_lws(p, end);
		*val = span_from(p, p);
		if (p < end && *p == '=') {
			p = skip_lws(p + 1, end);
			if (p < end && *p == '"') {
				const char *qs = p + 1;
				const char *qe = sipmsg_find_unquoted_(p, end, ';');
				/* the closing quote is the last '"' before qe */
				const char *c = qe;
				while (c > qs && c[-1] != '"')
					c--;
				*val = span_from(qs, c > qs ? c - 1 : qs);
				p = qe;
			} else {
				const char *vs = p;
				while (p < end && *p != ';')
					p++;
				*val = span_trim(span_from(vs, p));
			}
		}
		/* skip anything unexpected up to the next ';' */
		while (p < end && *p != ';')
			p++;
		*pp = p;
		if (name->len)
			return true;
		if (p == ns && p < end)
			p++; /* no progress: step over the odd byte */
	}
}

int sipmsg_param(struct sip_span params, const char *name,
		 struct sip_span *val)
{
	if (!name || !val)
		return EINVAL;
	size_t nlen = strlen(name);
	params = span_safe(params);
	const char *p = params.p, *end = params.p + params.len;
	struct sip_span pn, pv;
	while (sipmsg_param_next_(&p, end, &pn, &pv)) {
		if (pn.len == nlen && sipmsg_span_ieq(pn, name)) {
			*val = pv;
			return 0;
		}
	}
	return ENOENT;
}

int sipmsg_tag_param_(struct sip_span params, struct sip_span *tag)
{
	/* tag-param = "tag" EQUAL token (RFC 3261 §25.1): a "tag" without a
	 * value (";tag (= x" read leniently) is no tag, and a real one after it
	 * still counts, so that a reply's added ";tag=..." is the one found */
	params = span_safe(params);
	const char *p = params.p, *end = params.p + params.len;
	/* Fast path: the list starts with [;]tag=token (every From and To a
	 * user agent writes), read as the walk below reads it. */
	const char *f = p < end && *p == ';' ? p + 1 : p;
	if (end - f > 4 && mem_ieq_lc(f, "tag=", 4) && !sc_is(f[4], SC_LWS) && f[4] != '"' &&
	    f[4] != ';') {
		const char *vs = f + 4, *ve = memchr(vs, ';', (size_t)(end - vs));
		*tag = span_trim(span_from(vs, ve ? ve : end));
		return 0;
	}
	struct sip_span pn, pv;
	while (sipmsg_param_next_(&p, end, &pn, &pv)) {
		if (pv.len && pn.len == 3 && sipmsg_span_ieq(pn, "tag")) {
			*tag = pv;
			return 0;
		}
	}
	return ENOENT;
}

/* True when tag is one of list's comma-separated option-tags. */
static bool in_list(struct sip_span tag, const char *list)
{
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct sip_span t = span_trim(span_from(p, p + n));
		if (t.len == tag.len && !strncasecmp(t.p, tag.p, t.len))
			return true;
		p += n + (e != NULL);
	}
	return false;
}

unsigned sipmsg_unsupported(const struct sipmsg *msg, const char *supported,
			    char *out, size_t n)
{
	struct sipmsg_iter it = {0, 0};
	struct sip_span v;
	unsigned count = 0;
	size_t k = 0;
	if (out && n)
		out[0] = 0;
	while (msg && sipmsg_value_next(msg, SIP_HDR_REQUIRE, &it, &v) == 0) {
		if (in_list(v, supported))
			continue;
		count++;
		size_t need = v.len + (k ? 2 : 0);
		if (!out || k + need >= n)
			continue;
		if (k) {
			memcpy(out + k, ", ", 2);
			k += 2;
		}
		memcpy(out + k, v.p, v.len);
		k += v.len;
		out[k] = 0;
	}
	return count;
}
