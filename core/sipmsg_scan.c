/*
 * sipmsg_scan: the capture analyzer's fast path over a SIP message (see
 * sipmsg.h). One walk over the header lines that classifies only the lines
 * the analyzer reads and stops at the blank line, so the body (SDP) is
 * never looked at.
 *
 * Exactness comes from two rules, not from a second parser: (1) the start
 * line and the mandatory values (Call-ID, CSeq, tags) are read by the
 * parser's own code (sipmsg_int.h), from an index that holds the lines of
 * the kept headers in the order the parse would keep them; (2) any message
 * the lenient parse would have to tolerate (a bare LF, a folded or
 * continuation line, no line end, more lines than SIPMSG_MAX_HDRS, an
 * overlong start line) is left to sipmsg_probe() and sipmsg_parse()
 * (EAGAIN). tests/check_sipmsg_scan.c and fuzz/fuzz_sipmsg.c check the
 * agreement.
 *
 * Speed: the line ends come from a bit mask of the LFs, 32 bytes at a time
 * (SSE2, part of every x86-64; a byte loop elsewhere), and a header name is
 * recognised by one or two 8-byte compares, so a line costs a few dozen
 * instructions whatever its length.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sipmsg_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------ line ends */

/* The LFs of [blk, blk + 32) not yet consumed, as bits; [lo, end) may be
 * read. */
struct lfs {
	const char *blk, *lo, *end;
	uint32_t mask;
};

#if defined(__SSE2__)
/* Bit i for each LF in the 16 bytes at b (all readable). */
static inline uint32_t lf16(const char *b)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
}
#endif

/* Bit i for each LF in the 32 bytes at b, or in the fewer left before end
 * (then from the last 32 bytes of [lo, end), shifted: no read outside). */
static inline uint32_t lf_bits(const char *b, const char *lo, const char *end)
{
#if defined(__SSE2__)
	if (end - b >= 32)
		return lf16(b) | lf16(b + 16) << 16;
	if (end - lo >= 32) /* b < end: the shift is 31 at most */
		return (lf16(end - 32) | lf16(end - 16) << 16) >> (32 - (end - b));
#endif
	uint32_t m = 0;
	for (int i = 0; i < 32 && b + i < end; i++)
		m |= (uint32_t)(b[i] == '\n') << i;
	return m;
}

static inline void lfs_init(struct lfs *s, const char *p, const char *lo, const char *end)
{
	s->blk = p;
	s->lo = lo;
	s->end = end;
	s->mask = p < end ? lf_bits(p, lo, end) : 0;
}

/* The next LF (each line takes the next one in order), or NULL. */
static inline const char *lfs_next(struct lfs *s)
{
	while (!s->mask) {
		s->blk += 32;
		if (s->blk >= s->end)
			return NULL;
		s->mask = lf_bits(s->blk, s->lo, s->end);
	}
	const char *nl = s->blk + __builtin_ctz(s->mask);
	s->mask &= s->mask - 1;
	return nl;
}

/* The first c in [p, end), or NULL; [lo, end) may be read (lo <= p).
 * memchr inline, 16 bytes a step, the last fewer than 16 as the 16 ending
 * at end when lo leaves room (shifted: no read outside), for the short
 * runs it searches here, where a call to libc's memchr cost more than the
 * search. */
static inline const char *find_byte(const char *lo, const char *p, const char *end, char c)
{
#if defined(__SSE2__)
	const __m128i k = _mm_set1_epi8(c);
	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, k));
		if (m)
			return p + __builtin_ctz(m);
	}
	if (p < end && end - lo >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, k));
		m >>= 16 - (end - p); /* the bytes from p only (end - p < 16) */
		return m ? p + __builtin_ctz(m) : NULL;
	}
#else
	(void)lo;
#endif
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
}

/* The first a or b in [p, end), or end; [lo, end) may be read (lo <= p):
 * find_byte for two bytes at once (a From / To value's '<' or '"'). */
static inline const char *find_byte2(const char *lo, const char *p, const char *end, char a,
				     char b)
{
#if defined(__SSE2__)
	const __m128i ka = _mm_set1_epi8(a), kb = _mm_set1_epi8(b);
	for (; end - p >= 16; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, ka), _mm_cmpeq_epi8(v, kb)));
		if (m)
			return p + __builtin_ctz(m);
	}
	if (p < end && end - lo >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, ka), _mm_cmpeq_epi8(v, kb)));
		m >>= 16 - (end - p);
		return m ? p + __builtin_ctz(m) : end;
	}
#else
	(void)lo;
#endif
	while (p < end && *p != a && *p != b)
		p++;
	return p;
}

/* ---------------------------------------------------------- header names */

/* 8 bytes at p as a little-endian word (memcpy: any alignment). */
static inline uint64_t word(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/*
 * A lower-case header name of up to 8 bytes as a pattern: the name's
 * bytes (lit), the bytes compared (len), and 0x20 on its letters (fold).
 * (w | fold) & len == lit matches the name in any case and nothing else:
 * OR-ing 0x20 maps only 'X' and 'x' to 'x', and '-' is compared exactly.
 */
struct pat {
	uint64_t lit, fold, len;
	unsigned n;
};

#define PAT(s)                                                                          \
	{                                                                               \
		pat_lit(s), pat_fold(s), ~0ull >> (8 * (8 - (sizeof(s) - 1))),                  \
		    sizeof(s) - 1                                                       \
	}
/* (indexed in the name padded with NULs: no index past its end, even in the
 * branch not taken, which clang's -Warray-bounds would still flag) */
#define PADDED(s)     (s "\0\0\0\0\0\0\0\0")
#define CH(s, i)      ((uint64_t)(i < sizeof(s) - 1 ? (unsigned char)PADDED(s)[i] : 0) << (8 * i))
#define pat_lit(s)    (CH(s, 0) | CH(s, 1) | CH(s, 2) | CH(s, 3) | CH(s, 4) | CH(s, 5) | CH(s, 6) | CH(s, 7))
#define FL(s, i)                                                                         \
	((uint64_t)(i < sizeof(s) - 1 && PADDED(s)[i] >= 'a' && PADDED(s)[i] <= 'z' ? 0x20 : 0) \
	 << (8 * i))
#define pat_fold(s)   (FL(s, 0) | FL(s, 1) | FL(s, 2) | FL(s, 3) | FL(s, 4) | FL(s, 5) | FL(s, 6) | FL(s, 7))

static const struct pat P_VIA = PAT("via"), P_FROM = PAT("from"), P_TO = PAT("to"),
			P_CALLID = PAT("call-id"), P_CSEQ = PAT("cseq"), P_DIVERSI = PAT("diversio"),
			P_HISTORY = PAT("history-");

static inline bool pat_is(uint64_t w, const struct pat *p)
{
	return ((w | p->fold) & p->len) == p->lit;
}

/* After a name ending at q (before le): optional SP/HT, then ':'. */
static inline const char *colon_at(const char *q, const char *le)
{
	if (q < le && *q == ':')
		return q; /* "Name:" (the usual form) */
	while (q < le && (*q == ' ' || *q == '\t'))
		q++;
	return q < le && *q == ':' ? q : NULL;
}

/*
 * The id of the header line [ls, le) among those the scan keeps (Via,
 * From, To, Call-ID, CSeq, Diversion, History-Info, long or compact), with
 * its name's length and colon; SIP_HDR_OTHER for any other line. The name
 * matched is then exactly the parser's token run (':', SP and HT are not
 * token characters), so sipmsg_hdr_id() gives the same id. Needs 8 bytes
 * readable at ls (the caller checks). A letter OR 0x20 is its lower case,
 * and no other byte becomes a letter, so the switch is exact.
 */
static inline __attribute__((always_inline)) enum sip_hdr_id kept_id(const char *ls, const char *le, const char **colon,
			       size_t *nlen)
{
	uint64_t w = word(ls);
	enum sip_hdr_id id = SIP_HDR_OTHER;
	size_t n = 1;
	switch (ls[0] | 0x20) {
	case 'v':
		if (pat_is(w, &P_VIA))
			n = 3;
		id = SIP_HDR_VIA;
		break;
	case 'f':
		if (pat_is(w, &P_FROM))
			n = 4;
		id = SIP_HDR_FROM;
		break;
	case 't':
		if (pat_is(w, &P_TO))
			n = 2;
		id = SIP_HDR_TO;
		break;
	case 'i':
		id = SIP_HDR_CALL_ID;
		break;
	case 'c':
		if (pat_is(w, &P_CALLID)) {
			n = 7;
			id = SIP_HDR_CALL_ID;
		} else if (pat_is(w, &P_CSEQ)) {
			n = 4;
			id = SIP_HDR_CSEQ;
		}
		break; /* "c" alone is Content-Type */
	case 'd':
		if (pat_is(w, &P_DIVERSI) && le - ls > 9 && (ls[8] | 0x20) == 'n') {
			n = 9;
			id = SIP_HDR_DIVERSION;
		}
		break;
	case 'h':
		if (pat_is(w, &P_HISTORY) && le - ls > 12 && mem_ieq_lc(ls + 8, "info", 4)) {
			n = 12;
			id = SIP_HDR_HISTORY_INFO;
		}
		break;
	default:
		break;
	}
	if (id == SIP_HDR_OTHER || (size_t)(le - ls) <= n || !(*colon = colon_at(ls + n, le)))
		return SIP_HDR_OTHER;
	*nlen = n;
	return id;
}

/* ----------------------------------------------- canonical forms, inline */

/*
 * What follows reads the forms every user agent writes, inline, and hands
 * anything else to the parser's own function, so each is exact by the
 * argument in its comment (and by the tests). They save the calls and
 * generic loops that dominated the analyzer's time per message.
 */

static inline bool upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A method name as one little-endian word (up to 8 bytes). */
#define MW(s) (pat_lit(s "\0\0\0\0\0\0\0")) /* NULs: 8 bytes to index, whatever the name */
static const uint64_t W_INVITE = MW("INVITE"), W_ACK = MW("ACK"), W_BYE = MW("BYE"),
		      W_CANCEL = MW("CANCEL"), W_OPTIONS = MW("OPTIONS"),
		      W_REGISTER = MW("REGISTER"), W_PRACK = MW("PRACK"), W_NOTIFY = MW("NOTIFY"),
		      W_PUBLISH = MW("PUBLISH"), W_INFO = MW("INFO"), W_REFER = MW("REFER"),
		      W_MESSAGE = MW("MESSAGE"), W_UPDATE = MW("UPDATE");

/*
 * sipmsg_method_id(n) for a name with 8 bytes readable at n.p (within
 * [n.p, end)): the name's bytes as one word, compared whole with the
 * methods of its length (case-sensitive, as there). SUBSCRIBE (9 bytes)
 * and anything unusual go to sipmsg_method_id.
 */
static inline enum sip_method method_fast(struct sip_span n, const char *end)
{
	if (n.len < 3 || n.len > 8 || end - n.p < 8)
		return sipmsg_method_id(n);
	uint64_t w = word(n.p) & (~0ull >> (64 - 8 * n.len));
	switch (n.len) {
	case 3:
		return w == W_ACK ? SIP_ACK : w == W_BYE ? SIP_BYE : SIP_METHOD_UNKNOWN;
	case 4:
		return w == W_INFO ? SIP_INFO : SIP_METHOD_UNKNOWN;
	case 5:
		return w == W_PRACK ? SIP_PRACK : w == W_REFER ? SIP_REFER : SIP_METHOD_UNKNOWN;
	case 6:
		return w == W_INVITE   ? SIP_INVITE
		       : w == W_CANCEL ? SIP_CANCEL
		       : w == W_NOTIFY ? SIP_NOTIFY
		       : w == W_UPDATE ? SIP_UPDATE
				       : SIP_METHOD_UNKNOWN;
	case 7:
		return w == W_OPTIONS	? SIP_OPTIONS
		       : w == W_PUBLISH ? SIP_PUBLISH
		       : w == W_MESSAGE ? SIP_MESSAGE
					: SIP_METHOD_UNKNOWN;
	default:
		return w == W_REGISTER ? SIP_REGISTER : SIP_METHOD_UNKNOWN;
	}
}

/*
 * "SIP/2.0 ddd reason" or "METHOD SP uri SP SIP/2.0" (method in capitals,
 * no space around the URI, nothing after the version), the line [p, cr).
 * Fills what sipmsg_is_start_line_() and sipmsg_start_line_() would (both
 * hold for these forms: the status line is at least 12 bytes with its
 * first space at 7; the request's token run ends at its first space and
 * its version follows the last). Returns false for any other line.
 */
static bool start_fast(struct sipmsg *m, const char *p, const char *cr)
{
	if (cr - p >= 12 && memcmp(p, "SIP/2.0 ", 8) == 0) {
		const char *c = p + 8;
		if (c[0] < '1' || c[0] > '6' || !digit(c[1]) || !digit(c[2]) || c[3] != ' ')
			return false;
		const char *e = cr; /* lenient: trailing blanks are not the reason */
		while (e > c + 3 && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		m->is_request = false;
		m->version = span_from(p, p + 7);
		m->status = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
		m->reason = e - c > 4 ? span_from(c + 4, e) : span_from(e, e);
		return true;
	}
	const char *q = p;
	while (q < cr && upper(*q))
		q++;
	if (q == p || q >= cr || *q != ' ' || cr - q < 10 || memcmp(cr - 8, " SIP/2.0", 8) != 0)
		return false;
	const char *us = q + 1, *ue = cr - 8;
	if (us >= ue || *us == ' ' || ue[-1] == ' ')
		return false;
	m->is_request = true;
	m->method = span_from(p, q);
	m->method_id = method_fast(m->method, cr); /* the URI and version follow */
	m->ruri = span_from(us, ue);
	m->version = span_from(cr - 7, cr);
	return true;
}

/*
 * CSeq "digits SP METHOD" (at most 10 digits, <= 2^31-1, the method in
 * capitals to the end): what sipmsg_cseq_parse() reads from it (its digit
 * run, one LWS, a token run to the end). Else that function decides.
 */
static inline int cseq(struct sip_span v, uint32_t *num, struct sip_span *method)
{
	const char *p = v.p, *e = v.p + v.len, *d = p;
	uint64_t n = 0;
	while (p < e && digit(*p) && p - d < 10)
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (p == d || n > 0x7fffffffu || e - p < 2 || *p != ' ' || !upper(p[1]))
		return sipmsg_cseq_parse(v, num, method);
	const char *ms = ++p;
	while (p < e && upper(*p))
		p++;
	if (p != e)
		return sipmsg_cseq_parse(v, num, method);
	*num = (uint32_t)n;
	*method = span_from(ms, e);
	return 0;
}

/*
 * The tag of a From / To value as sipmsg_fast_tag_() finds it, for
 * "[display] <uri>" followed by nothing or by ";tag=x[;...]" (no quote
 * before the '<', x not starting with a blank, a quote or ';'): there the
 * first unquoted '<' is the first '<', and the tag parameter is the first
 * parameter. Anything else goes to sipmsg_fast_tag_().
 */
static inline struct sip_span tag(const char *m_lo, struct sip_span v)
{
	const char *p = v.p, *end = v.p + v.len;
	struct sip_span none = {end, 0};
	p = find_byte2(m_lo, p, end, '<', '"');
	if (p == end || *p == '"')
		return sipmsg_fast_tag_(v);
	const char *gt = find_byte(m_lo, p, end, '>');
	if (!gt || gt + 1 == end)
		return none; /* no '>', or nothing after it: no ';' to find */
	const char *f = gt + 2;
	uint32_t w4 = 0;
	if (end - f > 4)
		memcpy(&w4, f, 4);
	/* "tag=" in any case: OR 0x20 on the letters only ('=' exactly) */
	const uint32_t tag_eq = (uint32_t)'t' | (uint32_t)'a' << 8 | (uint32_t)'g' << 16 |
				(uint32_t)'=' << 24;
	if (gt[1] != ';' || end - f <= 4 || ((w4 | 0x00202020u) != tag_eq && !mem_ieq_lc(f, "tag=", 4)) ||
	    sc_is(f[4], SC_LWS) || f[4] == '"' || f[4] == ';')
		return sipmsg_fast_tag_(v);
	const char *vs = f + 4, *ve = vs;
	while (ve < end && *ve != ';')
		ve++;
	while (sc_is(ve[-1], SC_LWS)) /* vs[0] is not LWS: this stops there */
		ve--;
	return span_from(vs, ve);
}

/* The first line of a kept header, or NULL (sipmsg_hdr(m, id, 0)). */
static inline const struct sip_hdr *first(const struct sipmsg *m, enum sip_hdr_id id)
{
	return m->first_[id] ? &m->hdrs[m->first_[id] - 1] : NULL;
}

/* sipmsg_check_mandatory_() in lenient mode, with the inline forms above:
 * the values the analyzer needs, from the first line of each header (NULL:
 * none). */
static inline void mandatory_v(struct sipmsg *m, const struct sip_span *cid,
			       const struct sip_span *cs, const struct sip_span *from,
			       const struct sip_span *to, bool to_tag)
{
	if (cid && cid->len)
		m->call_id = *cid;
	if (cs && cseq(*cs, &m->cseq, &m->cseq_method) == 0) {
		m->cseq_method_id = method_fast(m->cseq_method, m->buf + m->len);
	} else {
		m->cseq = 0;
		m->cseq_method = span_from(m->buf, m->buf);
	}
	if (from && from->len) {
		m->from = *from;
		m->from_tag = tag(m->buf, *from);
	}
	if (to && to->len) {
		m->to = *to;
		if (to_tag)
			m->to_tag = tag(m->buf, *to);
		else
			m->to_tag_unread_ = true; /* sipmsg_to_tag reads it */
	}
}

/* The value of the first line of a kept header, or NULL. */
static inline const struct sip_span *first_value(const struct sipmsg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h = first(m, id);
	return h ? &h->value : NULL;
}

/* mandatory_v from the header index (the whole scan). */
static void mandatory(struct sipmsg *m)
{
	mandatory_v(m, first_value(m, SIP_HDR_CALL_ID), first_value(m, SIP_HDR_CSEQ),
		    first_value(m, SIP_HDR_FROM), first_value(m, SIP_HDR_TO), true);
}

/* -------------------------------------------------------------- the walk */

/*
 * The start line's place: after leading CR/LF, a line ended by CRLF within
 * 8 KiB (whether it is a start line is the caller's question). Returns its
 * LF (into *start the line), or NULL with *rc ENOENT (not SIP, as
 * sipmsg_probe says) or EAGAIN (let the full parse decide).
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
	const char *nl = find_byte(buf, p, lim, '\n');
	if (!nl) {
		if (lim == end)
			*rc = EAGAIN; /* a start line alone, without its LF */
		return NULL;
	}
	if (nl[-1] != '\r') { /* nl > p: p is not at an LF */
		*rc = EAGAIN;
		return NULL;
	}
	return nl;
}

/* The value of a header line whose colon is at colon, up to le, trimmed as
 * parse_header trims it: the usual ": value" (one SP, no LWS at the end)
 * at once, else span_trim. le[-1] is readable (the colon at least). */
static inline struct sip_span value_at(const char *colon, const char *le)
{
	const char *vs = colon + 1;
	if (vs + 1 < le && *vs == ' ' && !sc_is(vs[1], SC_LWS) && !sc_is(le[-1], SC_LWS))
		return span_from(vs + 1, le);
	return span_trim(span_from(vs, le));
}

/* Adds header line [ls, le) with id to m's index (as parse_header keeps it). */
static inline void keep(struct sipmsg *m, enum sip_hdr_id id, const char *ls, size_t nlen,
			const char *colon, const char *le)
{
	struct sip_hdr *h = &m->hdrs[m->nhdrs];
	h->name = span_from(ls, ls + nlen);
	h->value = value_at(colon, le);
	h->id = id;
	if (!m->first_[id])
		m->first_[id] = (uint8_t)(m->nhdrs + 1);
	m->nhdrs++;
}

/*
 * X-RB-Call (ringbench live's key of a caller's call, which a center passes
 * on to its operator legs: sim/live's operator_legs.csv): the one header
 * outside SIP's own the scan keeps. Its colon when [ls, le) is that line
 * (the name exactly, any case, as the parser's token run), else NULL.
 */
static inline const char *rb_call_colon(const char *ls, const char *le)
{
	if (le - ls <= 9 || !mem_ieq_lc(ls, "x-rb-call", 9))
		return NULL;
	return colon_at(ls + 9, le);
}

/* What a header line's first byte says: LF_ODD, the blank line or what the
 * lenient parse must tolerate (CR, LF, SP, HT); LF_KEEP, the first letter
 * of a name the scan keeps, long or compact (v f t i c d h, any case);
 * LF_X, an x (X-RB-Call, above); 0, a line nobody reads (Contact,
 * Max-Forwards, ...: its LF is all it costs). */
enum { LF_ODD = 1, LF_KEEP = 2, LF_X = 3 };
static const uint8_t line_first[256] = {
	['\r'] = LF_ODD, ['\n'] = LF_ODD, [' '] = LF_ODD, ['\t'] = LF_ODD,
	['v'] = LF_KEEP, ['V'] = LF_KEEP, ['f'] = LF_KEEP, ['F'] = LF_KEEP, ['t'] = LF_KEEP,
	['T'] = LF_KEEP, ['i'] = LF_KEEP, ['I'] = LF_KEEP, ['c'] = LF_KEEP, ['C'] = LF_KEEP,
	['d'] = LF_KEEP, ['D'] = LF_KEEP, ['h'] = LF_KEEP, ['H'] = LF_KEEP,
	['x'] = LF_X, ['X'] = LF_X,
};
/* The same for sipmsg_scan_call past an INVITE: only the call's lines' first
 * letters (f t i c, long or compact) are looked at. */
static const uint8_t line_first_call[256] = {
	['\r'] = LF_ODD, ['\n'] = LF_ODD, [' '] = LF_ODD, ['\t'] = LF_ODD,
	['f'] = LF_KEEP, ['F'] = LF_KEEP, ['t'] = LF_KEEP, ['T'] = LF_KEEP,
	['i'] = LF_KEEP, ['I'] = LF_KEEP, ['c'] = LF_KEEP, ['C'] = LF_KEEP,
};

/* The id of the kept header line [p, le) (one of kept_id's, or
 * SIP_HDR_OTHER), with its name's length and colon. */
static inline enum sip_hdr_id line_id(const char *p, const char *le, const char *end,
				      const char **colon, size_t *nlen)
{
	if (end - p >= 8)
		return kept_id(p, le, colon, nlen);
	/* the last few bytes: compare as the parser does */
	const char *ne = p;
	while (ne < le && sc_is(*ne, SC_TOKEN))
		ne++;
	enum sip_hdr_id id = sipmsg_hdr_id(span_from(p, ne));
	*nlen = (size_t)(ne - p);
	*colon = colon_at(ne, le);
	if (!*colon || *nlen == 0)
		return SIP_HDR_OTHER;
	switch (id) {
	case SIP_HDR_VIA:
	case SIP_HDR_FROM:
	case SIP_HDR_TO:
	case SIP_HDR_CALL_ID:
	case SIP_HDR_CSEQ:
	case SIP_HDR_DIVERSION:
	case SIP_HDR_HISTORY_INFO:
		return id;
	default:
		return SIP_HDR_OTHER;
	}
}

/* The call's lines (sipmsg_scan_call), and their ids as bits. */
#define CALL_LINES                                                                     \
	(1u << SIP_HDR_FROM | 1u << SIP_HDR_TO | 1u << SIP_HDR_CALL_ID | 1u << SIP_HDR_CSEQ)
_Static_assert(SIP_HDR_FROM < 32 && SIP_HDR_TO < 32 && SIP_HDR_CALL_ID < 32 && SIP_HDR_CSEQ < 32 &&
		       SIP_HDR_VIA < 32 && SIP_HDR_DIVERSION < 32 && SIP_HDR_HISTORY_INFO < 32,
	       "every id line_id gives as a bit of an unsigned");

/* A line's first byte: 0 to go on, else the walk's status (0 at the blank
 * line, EAGAIN for a bare LF or a continuation) with *stop set. */
static inline int odd_line(const char *p, const char *end, bool *stop)
{
	*stop = true;
	if (*p == '\r' && end - p >= 2 && p[1] == '\n')
		return 0; /* the blank line */
	if (*p != '\r')
		return EAGAIN; /* bare LF, or a continuation (folding) */
	*stop = false;
	return 0;
}

/*
 * The header lines from p (sipmsg_scan): 0 at the blank line or the
 * buffer's end, or EAGAIN for what the lenient parse must tolerate; the
 * kept lines indexed in m.
 */
static int header_lines(struct sipmsg *m, const char *p, const char *end)
{
	struct lfs lf;
	lfs_init(&lf, p, m->buf, end);
	unsigned lines = 0;
	while (p < end) {
		unsigned cls = line_first[(unsigned char)*p];
		bool stop;
		int rc;
		if (cls == LF_ODD && (rc = odd_line(p, end, &stop), stop))
			return rc;
		const char *nl = lfs_next(&lf);
		if (!nl || nl[-1] != '\r' || ++lines > SIPMSG_MAX_HDRS)
			return EAGAIN; /* no line end, a bare LF, or the parse's limit */
		if (cls == LF_KEEP) {
			const char *colon;
			size_t nlen;
			enum sip_hdr_id id = line_id(p, nl - 1, end, &colon, &nlen);
			if (id != SIP_HDR_OTHER)
				keep(m, id, p, nlen, colon, nl - 1);
		} else if (cls == LF_X) {
			const char *colon = rb_call_colon(p, nl - 1);
			if (colon)
				keep(m, SIP_HDR_OTHER, p, 9, colon, nl - 1);
		}
		p = nl + 1;
	}
	return 0; /* no blank line: the header section ends with the buffer */
}

/*
 * sipmsg_scan_call's walk of a message other than an INVITE request: the
 * lines from p walked as header_lines walks them, the first value of each
 * of the call's lines (From, To, Call-ID, CSeq) into val[id] (its bit in
 * *got), nothing indexed, and 0 once each has been seen, the next line not
 * folding into the last of them; else as header_lines. Why that is exact:
 * every line up to there was walked as the whole scan walks it
 * (CRLF-ended, none a fold, fewer than SIPMSG_MAX_HDRS), so the lenient
 * parse splits and names them the same and takes their first From, To,
 * Call-ID and CSeq as the values (later lines only add lines, flags or
 * duplicates, which it keeps apart); whatever follows cannot change them.
 */
static inline __attribute__((always_inline)) int call_lines(const struct sipmsg *m,
							    const char *p, const char *end,
							    struct sip_span *val, unsigned *got)
{
	struct lfs lf;
	lfs_init(&lf, p, m->buf, end);
	unsigned lines = 0;
	while (p < end) {
		unsigned cls = line_first_call[(unsigned char)*p];
		bool stop;
		int rc;
		if (cls == LF_ODD && (rc = odd_line(p, end, &stop), stop))
			return rc;
		const char *nl = lfs_next(&lf);
		if (!nl || nl[-1] != '\r' || ++lines > SIPMSG_MAX_HDRS)
			return EAGAIN;
		if (cls == LF_KEEP) {
			const char *colon;
			size_t nlen;
			enum sip_hdr_id id = line_id(p, nl - 1, end, &colon, &nlen);
			unsigned bit = 1u << id;
			if ((CALL_LINES & bit) && !(*got & bit)) {
				val[id] = value_at(colon, nl - 1);
				if ((*got |= bit) == CALL_LINES) {
					const char *q = nl + 1;
					return q < end && (*q == ' ' || *q == '\t') ? EAGAIN : 0;
				}
			}
		}
		p = nl + 1;
	}
	return 0;
}

/* The value of id when *got says it was seen, else NULL. */
static inline const struct sip_span *seen(const struct sip_span *val, unsigned got,
					  enum sip_hdr_id id)
{
	return got & (1u << id) ? &val[id] : NULL;
}

static inline __attribute__((always_inline)) int scan(struct sipmsg *m, const char *buf,
						      size_t len, bool lazy)
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
	if (!start_fast(m, p, nl - 1)) {
		if (!sipmsg_is_start_line_(p, nl - 1))
			return ENOENT; /* sipmsg_probe's answer */
		sipmsg_start_line_(m, p, nl, end, false);
	}
	if (lazy && m->is_request && m->method_id == SIP_INVITE)
		lazy = false; /* its Via, Diversion, History-Info, X-RB-Call too */
	if (lazy) {
		struct sip_span val[SIP_HDR_COUNT];
		unsigned got = 0;
		if ((rc = call_lines(m, nl + 1, end, val, &got)) != 0)
			return rc;
		mandatory_v(m, seen(val, got, SIP_HDR_CALL_ID), seen(val, got, SIP_HDR_CSEQ),
			    seen(val, got, SIP_HDR_FROM), seen(val, got, SIP_HDR_TO), false);
	} else {
		if ((rc = header_lines(m, nl + 1, end)) != 0)
			return rc;
		mandatory(m);
	}
	m->err = SIPMSG_E_NONE;
	return 0;
}

int sipmsg_scan(struct sipmsg *m, const char *buf, size_t len)
{
	return scan(m, buf, len, false);
}

int sipmsg_scan_call(struct sipmsg *m, const char *buf, size_t len)
{
	return scan(m, buf, len, true);
}

struct sip_span sipmsg_to_tag(const struct sipmsg *m)
{
	return m->to_tag_unread_ ? tag(m->buf, m->to) : m->to_tag;
}
