/*
 * sipmsg: ringbench's SIP message layer (RFC 3261): a zero-copy parser with a
 * strict mode (secretaryd) and a lenient mode (the capture analyzer), a
 * stream framer for TCP, value helpers, and a response / request builder.
 *
 *   struct sipmsg m;              // ~5 KB: fine on the stack, no allocation
 *   if (sipmsg_parse(&m, buf, len, SIPMSG_STRICT) != 0) {
 *           if (m.err_status)      // 400, 505 or 513: answer it
 *                   reply with m.err_status and sipmsg_err_reason(m.err)
 *           else                   // unanswerable: drop it silently
 *   }
 *   struct sip_span v;
 *   sipmsg_hdr_value(&m, SIP_HDR_VIA, 0, &v);  // top Via value
 *   const struct sip_hdr *h = sipmsg_hdr_byname(&m, "X-Caller-Type", 0);
 *
 * A parsed message is a view over the caller's bytes: every struct sip_span
 * points into the buffer given to sipmsg_parse(), which must outlive the
 * struct sipmsg and anything taken from it. Spans are not NUL-terminated.
 * No function here allocates, and none keeps state between calls: all are
 * safe to call from several threads on different messages.
 *
 * Header values are trimmed of surrounding whitespace, but a folded value
 * (a continuation line starting with SP or HT, RFC 3261 7.3.1) keeps its
 * line break inside the span: every helper treats CR, LF, SP and HT alike as
 * linear whitespace, and the builders copy values as they are.
 *
 * Header names match case-insensitively, and compact forms map to the same
 * id (i Call-ID, f From, t To, v Via, m Contact, l Content-Length,
 * c Content-Type, k Supported, e Content-Encoding, s Subject, o Event,
 * r Refer-To, b Referred-By, u Allow-Events, a Accept-Contact,
 * j Reject-Contact, d Request-Disposition, x Session-Expires, y Identity,
 * n Identity-Info).
 *
 * Modes:
 *   SIPMSG_STRICT (the server) checks what RFC 3261 requires of a request it
 *   is to answer: a request line of exactly "METHOD SP Request-URI SP
 *   SIP/2.0" (method a token, URI with a scheme and no whitespace; a
 *   well-formed other version: 505), CSeq "number method" with the request's
 *   method, at most one Content-Length and Content-Length <= the bytes after
 *   the header section, From / To / Call-ID / CSeq / Max-Forwards once each,
 *   Max-Forwards <= 255, header lines "token: value", no NUL byte (except
 *   as a quoted-pair "\<NUL>", legal in a quoted string, RFC 3261 25.1) and
 *   no bare LF in the header section, an empty line ending the header
 *   section, and the limits below.
 *   When From, To, Call-ID or CSeq is missing or empty, or the top Via does
 *   not parse (nowhere to send a response), the message is unanswerable
 *   (err_status 0): the server drops it. A From, To or CSeq that is present
 *   but does not parse gets a 400, as RFC 4475 3.1.2 expects (quotbal,
 *   scalar02): the response copies it as received. A malformed response is
 *   always dropped (err_status 0). The first error found decides the
 *   answer, except that unanswerable overrides everything.
 *   A missing Content-Length is accepted (a datagram's body is the rest of
 *   it); on streams sipmsg_frame() insists on one.
 *   SIPMSG_LENIENT (the analyzer) reads what tshark reads: junk before the
 *   start line is skipped (the first line that looks like a start line
 *   wins), CRLF or bare LF, NUL bytes, a missing or invalid Content-Length
 *   (the body is the rest of the buffer), a Content-Length beyond the buffer
 *   (the body is what is there), duplicate single-valued headers (the first
 *   wins), a missing empty line after the headers, trailing blanks on the
 *   start line. It fails only when no start line is found; a response whose
 *   status line is malformed (e.g. a 4-digit code) still parses, with
 *   status 0. What it tolerated is recorded in msg->flags (SIPMSG_F_*), so
 *   the analyzer can count it.
 *
 * Limits (the same in both modes unless said):
 *   SIPMSG_MAX_SIZE   65535 bytes per message in strict mode (larger: 513);
 *                     lenient parses any length.
 *   SIPMSG_MAX_HDRS   128 header lines kept (strict: more is a 400; lenient:
 *                     the rest are skipped, SIPMSG_F_HDRS_CUT), except that
 *                     the first From, To, Call-ID, CSeq and Content-Length
 *                     after them are kept still, so that the 400 can be
 *                     built (RFC 3261 8.2: the top Via, From, To, Call-ID
 *                     and CSeq suffice) and the body found.
 *   SIPMSG_MAX_LINE   8192 bytes per header line including its folds (strict:
 *                     longer is a 400; lenient: accepted).
 *   SIPMSG_FRAME_MAX_LENIENT  1 MiB: the largest message sipmsg_frame()
 *                     waits for in lenient mode (strict: SIPMSG_MAX_SIZE).
 */
#ifndef RB_SIPMSG_H
#define RB_SIPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIPMSG_MAX_SIZE 65535u
#define SIPMSG_MAX_HDRS 128u
/* Past SIPMSG_MAX_HDRS, the first From, To, Call-ID, CSeq and
 * Content-Length are still kept (in these extra slots), so that a message
 * with too many lines can be answered (400 Too Many Headers). */
#define SIPMSG_HDRS_EXTRA 5u
#define SIPMSG_MAX_LINE 8192u
#define SIPMSG_FRAME_MAX_LENIENT (1024u * 1024u)

/* ---------------------------------------------------------------- spans */

/* A run of bytes inside a message (or any caller buffer). len 0: empty. */
struct sip_span {
	const char *p;
	size_t len;
};

static inline struct sip_span sip_span_make(const char *p, size_t len)
{
	struct sip_span s = {p, len};
	return s;
}

/* A span over a NUL-terminated string (NULL gives an empty span). */
struct sip_span sip_span_cstr(const char *s);

/* True when s equals the NUL-terminated lit, ASCII case-insensitively. */
bool sipmsg_span_ieq(struct sip_span s, const char *lit);

/*
 * Parses s as a decimal unsigned number (no sign, no spaces inside; leading
 * and trailing linear whitespace allowed). Returns 0, or EINVAL when it is
 * not one or ERANGE when it exceeds max.
 */
int sipmsg_span_uint(struct sip_span s, uint32_t max, uint32_t *out);

/* -------------------------------------------------------------- methods */

enum sip_method {
	SIP_METHOD_UNKNOWN = 0, /* a valid token we do not know (-> 501) */
	SIP_INVITE,
	SIP_ACK,
	SIP_BYE,
	SIP_CANCEL,
	SIP_OPTIONS,
	SIP_REGISTER,
	SIP_PRACK,
	SIP_SUBSCRIBE,
	SIP_NOTIFY,
	SIP_PUBLISH,
	SIP_INFO,
	SIP_REFER,
	SIP_MESSAGE,
	SIP_UPDATE,
	SIP_METHOD_COUNT
};

/* The method for a name (case-sensitive, as RFC 3261 says); UNKNOWN else. */
enum sip_method sipmsg_method_id(struct sip_span name);
/* "INVITE", ...; NULL for SIP_METHOD_UNKNOWN or out of range. */
const char *sipmsg_method_name(enum sip_method m);

/* -------------------------------------------------------------- headers */

/*
 * Known headers. New ids are only ever added just before SIP_HDR_COUNT, so
 * the values of the others never change.
 */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0, /* any header not listed: look it up by name */
	SIP_HDR_VIA,
	SIP_HDR_FROM,
	SIP_HDR_TO,
	SIP_HDR_CALL_ID,
	SIP_HDR_CSEQ,
	SIP_HDR_CONTACT,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_EXPIRES,
	SIP_HDR_ROUTE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_REQUIRE,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_ALLOW,
	SIP_HDR_ACCEPT,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SERVER,
	SIP_HDR_SUBJECT,
	SIP_HDR_REASON,
	SIP_HDR_DIVERSION,
	SIP_HDR_HISTORY_INFO,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_RSEQ,
	SIP_HDR_RACK,
	SIP_HDR_EVENT,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_MIN_SE,
	SIP_HDR_ACCEPT_CONTACT,
	SIP_HDR_REJECT_CONTACT,
	SIP_HDR_REQUEST_DISPOSITION,
	SIP_HDR_IDENTITY,
	SIP_HDR_IDENTITY_INFO,
	SIP_HDR_TIMESTAMP,
	SIP_HDR_DATE,
	SIP_HDR_WARNING,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_ORGANIZATION,
	SIP_HDR_COUNT
};

/* One header line: name as written (maybe compact), value trimmed. */
struct sip_hdr {
	struct sip_span name;
	struct sip_span value;
	enum sip_hdr_id id;
};

/* The id for a header name, long or compact, any case; OTHER if unknown. */
enum sip_hdr_id sipmsg_hdr_id(struct sip_span name);
/* The canonical long name ("Call-ID"); NULL for OTHER or out of range. */
const char *sipmsg_hdr_name(enum sip_hdr_id id);
/*
 * True for headers whose value is a comma-separated list that may also be
 * split over several lines (Via, Contact, Route, Record-Route, Supported,
 * Require, Proxy-Require, Unsupported, Allow, Accept, Diversion,
 * History-Info, P-Asserted-Identity, Allow-Events, Accept-Contact,
 * Reject-Contact). sipmsg_hdr_value() splits those; the others (e.g.
 * WWW-Authenticate, whose value holds commas) are one value per line.
 */
bool sipmsg_hdr_is_list(enum sip_hdr_id id);

/* ------------------------------------------------------------ the message */

enum sipmsg_mode {
	SIPMSG_STRICT = 0,
	SIPMSG_LENIENT = 1,
};

/* Why strict parsing failed; sipmsg_err_reason() gives a reason phrase. */
enum sipmsg_err {
	SIPMSG_E_NONE = 0,
	SIPMSG_E_NOT_SIP,        /* no start line found (drop)               */
	SIPMSG_E_START_LINE,     /* 400 Bad Request-Line                     */
	SIPMSG_E_METHOD,         /* 400 Bad Method (not a token)             */
	SIPMSG_E_REQUEST_URI,    /* 400 Bad Request-URI                      */
	SIPMSG_E_VERSION,        /* 505 Version Not Supported                */
	SIPMSG_E_TOO_LARGE,      /* 513 Message Too Large                    */
	SIPMSG_E_LINE_TOO_LONG,  /* 400 Header Too Long                      */
	SIPMSG_E_TOO_MANY_HDRS,  /* 400 Too Many Headers                     */
	SIPMSG_E_HDR_SYNTAX,     /* 400 Bad Header Line (no colon, bad name) */
	SIPMSG_E_NUL,            /* 400 NUL Byte In Header                   */
	SIPMSG_E_BARE_LF,        /* 400 Bad Line End                         */
	SIPMSG_E_NO_END,         /* 400 Truncated Header Section             */
	SIPMSG_E_CLEN,           /* 400 Bad Content-Length                   */
	SIPMSG_E_CLEN_DUP,       /* 400 Duplicate Content-Length             */
	SIPMSG_E_BODY_SHORT,     /* 400 Body Shorter Than Content-Length     */
	SIPMSG_E_CSEQ_METHOD,    /* 400 CSeq Method Mismatch                 */
	SIPMSG_E_MAX_FORWARDS,   /* 400 Bad Max-Forwards                     */
	SIPMSG_E_DUP_HDR,        /* 400 Duplicate Header (From, To, Call-ID,
	                            CSeq, Max-Forwards given twice)          */
	SIPMSG_E_NO_VIA,         /* unanswerable: drop (also a broken one)   */
	SIPMSG_E_NO_FROM,        /* unanswerable: drop (missing or empty)    */
	SIPMSG_E_NO_TO,          /* unanswerable: drop (missing or empty)    */
	SIPMSG_E_NO_CALL_ID,     /* unanswerable: drop (missing or empty)    */
	SIPMSG_E_NO_CSEQ,        /* unanswerable: drop (missing or empty)    */
	SIPMSG_E_BAD_RESPONSE,   /* a malformed response: drop               */
	SIPMSG_E_BAD_FROM,       /* 400 Bad From (present but unparsable)    */
	SIPMSG_E_BAD_TO,         /* 400 Bad To                               */
	SIPMSG_E_BAD_CSEQ,       /* 400 Bad CSeq (present, number or method
	                            unparsable, e.g. above 2^31-1)           */
	SIPMSG_E_COUNT
};

/* Anomalies seen (both modes): what lenient mode tolerated. */
#define SIPMSG_F_JUNK        0x0001u /* bytes skipped before the start line */
#define SIPMSG_F_BARE_LF     0x0002u /* a line ended with LF alone          */
#define SIPMSG_F_NUL         0x0004u /* NUL byte in the header section      */
#define SIPMSG_F_NO_CLEN     0x0008u /* no Content-Length                   */
#define SIPMSG_F_BAD_CLEN    0x0010u /* Content-Length not a number         */
#define SIPMSG_F_DUP_CLEN    0x0020u /* Content-Length given more than once */
#define SIPMSG_F_BODY_SHORT  0x0040u /* fewer body bytes than Content-Length */
#define SIPMSG_F_BODY_EXTRA  0x0080u /* bytes after Content-Length's body   */
#define SIPMSG_F_NO_END      0x0100u /* header section not ended by a blank line */
#define SIPMSG_F_HDRS_CUT    0x0200u /* more than SIPMSG_MAX_HDRS lines     */
#define SIPMSG_F_DUP_HDR     0x0400u /* a single-valued header repeated     */
#define SIPMSG_F_BAD_HDR     0x0800u /* a header line without a colon (skipped) */
#define SIPMSG_F_FOLDED      0x1000u /* a folded header line                */
#define SIPMSG_F_LONG_LINE   0x2000u /* a header line over SIPMSG_MAX_LINE  */
#define SIPMSG_F_BAD_CSEQ    0x4000u /* CSeq missing, broken, or method differs */
#define SIPMSG_F_VERSION     0x8000u /* a version other than SIP/2.0        */

/*
 * A parsed message. Everything is a view into the parsed buffer. The fields
 * after "private" are the parser's index: do not touch them.
 */
struct sipmsg {
	const char *buf;   /* the message: start line .. end of body */
	size_t len;        /* its length (without skipped bytes, without
	                      bytes past the body that the buffer held) */
	size_t skipped;    /* bytes before the start line (CRLFs, junk) */
	enum sipmsg_mode mode;
	bool is_request;

	/* Request line (is_request). */
	struct sip_span method;       /* "INVITE" */
	enum sip_method method_id;
	struct sip_span ruri;         /* Request-URI, raw */
	/* Status line (!is_request). */
	int status;                   /* 100..699 */
	struct sip_span reason;       /* reason phrase, may be empty */
	/* Both. */
	struct sip_span version;      /* "SIP/2.0" as written */

	struct sip_span header_section; /* from the first header line to the
	                                   end of the blank line */
	struct sip_span body;         /* may be empty */

	/* Quick access, from the first line of each (empty when absent). */
	struct sip_span call_id;
	struct sip_span from;         /* From value, raw */
	struct sip_span to;           /* To value, raw */
	struct sip_span from_tag;     /* empty: none */
	struct sip_span to_tag;       /* empty: none (an initial INVITE) */
	uint32_t cseq;                /* CSeq number; 0 when broken */
	struct sip_span cseq_method;  /* CSeq method as written */
	enum sip_method cseq_method_id;
	int64_t content_length;       /* -1: absent or invalid */

	uint32_t flags;               /* SIPMSG_F_* */
	enum sipmsg_err err;          /* strict: first error; lenient: NONE or
	                                 NOT_SIP */
	int err_status;               /* strict: 400, 505, 513, or 0 = drop */

	/* private */
	uint8_t first_[SIP_HDR_COUNT]; /* 1 + index of first line per id */
	bool to_tag_unread_;           /* sipmsg_scan_call: see sipmsg_to_tag */

	/* The header lines (last: the fields above, which every message
	 * fills, then share the struct's first cache lines). */
	unsigned nhdrs;
	struct sip_hdr hdrs[SIPMSG_MAX_HDRS + SIPMSG_HDRS_EXTRA];
};

/*
 * Parses one message from buf[0..len) (a UDP payload, or one unit found by
 * sipmsg_frame()). Leading CRLFs are always skipped (RFC 3261 7.5); lenient
 * mode skips junk too. Bytes after the body (Content-Length shorter than the
 * buffer) are ignored and flagged SIPMSG_F_BODY_EXTRA.
 * Returns 0 when the message is usable, EINVAL for NULL arguments, or
 * EBADMSG: then msg->err says why and msg->err_status what to answer
 * (400/505/513, or 0: drop). After EBADMSG with err_status != 0 the headers
 * are parsed as far as the builder needs (sipmsg_reply_write works).
 * Lenient mode returns EBADMSG only for SIPMSG_E_NOT_SIP.
 */
int sipmsg_parse(struct sipmsg *msg, const char *buf, size_t len,
		 enum sipmsg_mode mode);

/* "Bad Request-Line", ... (usable as a reason phrase); "" for NONE. */
const char *sipmsg_err_reason(enum sipmsg_err err);
/* The status to answer with for err: 400, 505, 513, or 0 for drop. */
int sipmsg_err_status(enum sipmsg_err err);

/*
 * True when buf starts (after CRLFs) with something that looks like a SIP
 * start line: "TOKEN SP x SP SIP/" or "SIP/d.d ddd". Cheap: for the analyzer
 * to skip non-SIP payloads before a full parse.
 */
bool sipmsg_probe(const char *buf, size_t len);

/*
 * The capture analyzer's fast path: sipmsg_probe() and a lenient
 * sipmsg_parse() in one walk that reads only what the analyzer uses.
 * Returns:
 *   0       msg holds what the lenient parse gives for: buf, skipped,
 *           is_request, method, method_id, ruri, version, status, reason,
 *           call_id, from, to, from_tag, to_tag, cseq, cseq_method,
 *           cseq_method_id; and hdrs / nhdrs index only the lines of Via,
 *           From, To, Call-ID, CSeq, Diversion, History-Info and
 *           X-RB-Call (ringbench live's link of an operator leg), in order,
 *           so sipmsg_hdr(), sipmsg_hdr_value(), sipmsg_via_next(),
 *           sipmsg_diversion() and sipmsg_histinfo() answer as after the
 *           parse for those headers. Not filled: header_section, body,
 *           content_length (-1), flags (0); len runs to the buffer's end.
 *   ENOENT  not SIP: sipmsg_probe() is false.
 *   EAGAIN  the message needs the lenient parse's tolerance (bare LF,
 *           folding, a line without its end, more than SIPMSG_MAX_HDRS
 *           lines, ...): call sipmsg_probe() and sipmsg_parse().
 *   EINVAL  NULL arguments.
 * A well-formed message (every line ended by CRLF, no folding) never gets
 * EAGAIN. The walk stops at the blank line: the body is not read.
 */
int sipmsg_scan(struct sipmsg *msg, const char *buf, size_t len);

/*
 * sipmsg_scan for a reader of calls (the capture analyzer): an INVITE
 * request is scanned whole, as sipmsg_scan does; any other message only
 * until the first From, To, Call-ID and CSeq lines have all been seen (the
 * line after the last of them checked not to continue it), since that is
 * all of it such a reader uses. Returns as sipmsg_scan, and when it
 * returns 0, the fields that do not depend on the lines after the stop
 * (buf, skipped, is_request, method, method_id, ruri, version, status,
 * reason, call_id, from, to, from_tag, to_tag, cseq, cseq_method,
 * cseq_method_id) are what the lenient parse gives, whatever those lines
 * hold, but for to_tag, which such a message leaves unread (a reader of
 * calls finds the call by its From tag, and needs the To tag only when
 * that fails): sipmsg_to_tag() gives it; hdrs / nhdrs index nothing then (the values go straight to those
 * fields), so sipmsg_hdr, Via, Diversion, History-Info and X-RB-Call
 * answers are for INVITEs alone.
 * It may return 0 where sipmsg_scan says EAGAIN for something past the
 * stop (a bare LF, a fold, more than SIPMSG_MAX_HDRS lines, no blank
 * line): the lenient parse reads those fields the same there.
 */
int sipmsg_scan_call(struct sipmsg *msg, const char *buf, size_t len);

/* The To tag as the lenient parse reads it (msg->to_tag): after any parse
 * or scan, including a message sipmsg_scan_call left it unread in. */
struct sip_span sipmsg_to_tag(const struct sipmsg *msg);

/* ------------------------------------------------------------- framing */

/*
 * Stream framing (TCP): finds the first message in buf[0..len).
 * *skip is set to the bytes before it: keep-alive CRLFs (RFC 5626: a
 * "\r\n\r\n" ping is answered with "\r\n" by the server), and in lenient
 * mode junk before a start line (whole lines that do not look like one,
 * and an unfinished line longer than SIPMSG_MAX_LINE). *msg_len is the message's length: header
 * section up to and including the blank line, plus Content-Length.
 * Consume *skip + *msg_len bytes, then call again for the next message.
 * Returns:
 *   0         a whole message at buf + *skip, *msg_len bytes;
 *   EAGAIN    not complete yet: read more and call again with the same
 *             start (you may drop *skip bytes first);
 *   EMSGSIZE  the message would exceed SIPMSG_MAX_SIZE (strict) or
 *             SIPMSG_FRAME_MAX_LENIENT (lenient): close the connection, or
 *             (lenient) resynchronise by dropping *skip + 1 bytes;
 *   EBADMSG   strict: Content-Length missing (RFC 3261 18.3: mandatory on
 *             streams), invalid or duplicated with different values, so
 *             the stream cannot be framed: close the connection. Lenient
 *             takes a missing or invalid Content-Length as 0 and never
 *             returns EBADMSG.
 *   EINVAL    NULL arguments.
 */
int sipmsg_frame(const char *buf, size_t len, enum sipmsg_mode mode,
		 size_t *skip, size_t *msg_len);

/* ----------------------------------------------------- header lookup */

/* The n-th (0-based) header line with this id; NULL when there is none. */
const struct sip_hdr *sipmsg_hdr(const struct sipmsg *msg,
				 enum sip_hdr_id id, unsigned n);
/*
 * The n-th header line named name (case-insensitive; a known header's long
 * or compact name finds both forms; for others, e.g. "X-Caller-Type", the
 * exact name). NULL when there is none.
 */
const struct sip_hdr *sipmsg_hdr_byname(const struct sipmsg *msg,
					const char *name, unsigned n);
/* Number of header lines with this id. */
unsigned sipmsg_hdr_count(const struct sipmsg *msg, enum sip_hdr_id id);

/*
 * The n-th value of a header: for list headers (sipmsg_hdr_is_list) the
 * n-th comma-separated element over all its lines, in order (commas inside
 * quotes or <> do not split); for the others the n-th line's value.
 * Returns 0, or ENOENT when there is no n-th value.
 */
int sipmsg_hdr_value(const struct sipmsg *msg, enum sip_hdr_id id,
		     unsigned n, struct sip_span *out);

/* Iterator over a header's values; zero-initialise before the first call. */
struct sipmsg_iter {
	unsigned hdr; /* index into msg->hdrs */
	size_t off;   /* offset inside that line's value */
};
/*
 * Next value of header id (as sipmsg_hdr_value() splits them). Returns 0,
 * or ENOENT at the end.
 */
int sipmsg_value_next(const struct sipmsg *msg, enum sip_hdr_id id,
		      struct sipmsg_iter *it, struct sip_span *out);

/*
 * A header's value as an unsigned number (Content-Length, Max-Forwards,
 * Expires, Min-Expires, RSeq, ...): first line. Returns 0, ENOENT when
 * absent, EINVAL when not a number, ERANGE above UINT32_MAX.
 */
int sipmsg_hdr_uint(const struct sipmsg *msg, enum sip_hdr_id id,
		    uint32_t *out);

/*
 * The option-tags of msg's Require header (RFC 3261 20.32) that are not in
 * supported (a comma-separated list of option-tags; NULL or "": none),
 * compared case-insensitively, written as an Unsupported value ("100rel,
 * timer") into out[0..n), NUL-terminated (tags that do not fit are left
 * out). Returns how many there were: 0 when every required option is
 * supported or there is no Require; then out is "". A UAS answers a
 * request other than ACK or CANCEL with 420 Bad Extension and an
 * Unsupported header when it is not 0 (RFC 3261 8.2.2.3).
 */
unsigned sipmsg_unsupported(const struct sipmsg *msg, const char *supported,
			    char *out, size_t n);

/* ------------------------------------------------------ parameters */

/*
 * Finds parameter name (case-insensitive) in a ";a=1;b;c=\"x\"" list (the
 * leading ';' optional). *val is its value without surrounding quotes, empty
 * for a flag parameter like ";lr" or ";rport". Returns 0 or ENOENT.
 */
int sipmsg_param(struct sip_span params, const char *name,
		 struct sip_span *val);

/* ------------------------------------------------------ URIs, addresses */

struct sip_uri {
	struct sip_span scheme;   /* "sip", "sips", "tel", ... */
	struct sip_span user;     /* userinfo before '@' without password;
	                             for tel: the number with its params */
	struct sip_span number;   /* user up to its first ';' (a user=phone
	                             or tel: number without parameters) */
	struct sip_span password;
	struct sip_span host;     /* IPv6 reference without the brackets */
	uint16_t port;            /* 0: none given */
	struct sip_span params;   /* after the first ';' of the hostport,
	                             without it: "transport=tcp;lr" */
	struct sip_span headers;  /* after '?', without it (still escaped) */
};

/*
 * Parses a URI (sip:, sips:, tel:, or any scheme: then only scheme and the
 * rest in user are filled). Returns 0 or EINVAL (no scheme, bad port, empty
 * host in sip:).
 */
int sipmsg_uri_parse(struct sip_span s, struct sip_uri *out);

/* A name-addr or addr-spec with header parameters: From, To, Contact, ... */
struct sip_addr {
	struct sip_span display;  /* without quotes (escapes kept); may be
	                             empty */
	struct sip_span uri_text; /* the URI, without <> */
	struct sip_uri uri;
	struct sip_span params;   /* header params after the URI, without the
	                             first ';': "tag=x;reason=no-answer" */
	struct sip_span tag;      /* the tag parameter; empty: none */
};

/*
 * Parses '"Name" <sip:0312345678@host:5060;transport=tcp>;tag=x' or
 * 'sip:user@host;tag=x' (without <>, every ';' parameter is a header
 * parameter, RFC 3261 20.10). Returns 0 or EINVAL.
 */
int sipmsg_addr_parse(struct sip_span s, struct sip_addr *out);

/* --------------------------------------------------------------- Via */

struct sip_via {
	struct sip_span value;     /* the whole Via value */
	struct sip_span transport; /* "UDP", "TCP", "TLS", "SCTP", "WS" ... */
	struct sip_span host;      /* sent-by host (IPv6 without brackets) */
	uint16_t port;             /* sent-by port; 0: none given */
	struct sip_span params;    /* after the first ';', without it */
	struct sip_span branch;    /* empty: none */
	struct sip_span received;  /* empty: none */
	bool has_rport;            /* ";rport" present (with or without value) */
	uint16_t rport;            /* its value; 0: none given */
};

/*
 * Parses one Via value "SIP/2.0/UDP host:port;branch=...". Returns 0 or
 * EINVAL (no SIP/2.0/transport, no host, bad port).
 */
int sipmsg_via_parse(struct sip_span s, struct sip_via *out);
/*
 * Next Via value of msg, top first, over comma lists and repeated lines.
 * Zero-initialise *it first. Returns 0, ENOENT at the end, or EINVAL for a
 * malformed value (out->value is still set; iteration can go on).
 */
int sipmsg_via_next(const struct sipmsg *msg, struct sipmsg_iter *it,
		    struct sip_via *out);

/*
 * The branch of the top Via value, as sipmsg_via_next() on a fresh
 * iterator gives it (out.branch): 0 with *branch (empty when the Via has
 * none), or that function's ENOENT / EINVAL. Reads the usual
 * "SIP/2.0/UDP host:port;branch=x" without the whole Via parse (the
 * analyzer asks for every call).
 */
int sipmsg_top_branch(const struct sipmsg *msg, struct sip_span *branch);

/* ---------------------------------------------------- CSeq, tags */

/* Parses "4711 INVITE". Returns 0 or EINVAL (no number, > 2^31-1, no
 * method token). */
int sipmsg_cseq_parse(struct sip_span s, uint32_t *num,
		      struct sip_span *method);

/* The tag of a From / To value (msg->from_tag and to_tag hold them
 * already). Returns 0 (tag in *tag), ENOENT (no tag) or EINVAL. */
int sipmsg_tag(struct sip_span addr_value, struct sip_span *tag);

/* ------------------------------------------- forwarding: Diversion, HI */

/* One Diversion value (RFC 5806). */
struct sip_diversion {
	struct sip_addr addr;     /* the diverting party */
	struct sip_span number;   /* addr.uri.number: the diverting number */
	struct sip_span reason;   /* "no-answer", "unconditional", "user-busy",
	                             ... without quotes; empty: none */
	uint32_t counter;         /* ;counter=, 1 when absent */
};

/* The n-th Diversion value (0: the top one, the last diversion). Returns 0,
 * ENOENT, or EINVAL when it does not parse. */
int sipmsg_diversion(const struct sipmsg *msg, unsigned n,
		     struct sip_diversion *out);

/* One History-Info entry (RFC 7044). */
struct sip_histinfo {
	struct sip_addr addr;     /* the hi-targeted-to-uri */
	struct sip_span number;   /* addr.uri.number */
	struct sip_span index;    /* ";index=1.1"; empty: none */
	int cause;                /* the SIP cause: from the escaped Reason
	                             header in the URI ("?Reason=SIP%3Bcause%3D408"),
	                             else the URI's or the entry's cause=
	                             parameter (RFC 4458); 0: none */
};

/* The n-th History-Info entry in order. Returns 0, ENOENT, or EINVAL. */
int sipmsg_histinfo(const struct sipmsg *msg, unsigned n,
		    struct sip_histinfo *out);

/* ---------------------------------------------------------- builders */

/* The RFC 3261 reason phrase for a status code ("Ringing"); "Unknown" for
 * codes it has no phrase for. */
const char *sipmsg_status_phrase(int status);

struct sipmsg_reply {
	int status;              /* 100..699 */
	const char *reason;      /* NULL: sipmsg_status_phrase(status) */
	const char *to_tag;      /* added to To when it has no tag; NULL: none */
	bool record_route;       /* copy Record-Route (dialog-creating 1xx/2xx
	                            to an INVITE, RFC 3261 12.1.1) */
	const char *hdrs;        /* extra header lines, each ending in CRLF
	                            ("Contact: <sip:a@b>\r\n"); NULL: none */
	size_t hdrs_len;
	const char *content_type;/* with a body, e.g. "application/sdp" */
	const char *body;        /* NULL: none */
	size_t body_len;
};

/*
 * Writes the response to req into buf[0..size): status line; every Via line
 * in order; From; To (plus ";tag=" to_tag when asked and absent); Call-ID;
 * CSeq; Record-Route if asked; the extra lines; Content-Type when a body is
 * given; Content-Length (always, correct); blank line; body. Values are
 * copied as received. Nothing is NUL-terminated.
 * Returns 0 with the length in *len, ENOBUFS when buf is too small (buf
 * contents then undefined), EINVAL when req lacks Via, From, To, Call-ID or
 * CSeq (unanswerable) or r->status is out of range.
 */
int sipmsg_reply_write(char *buf, size_t size, const struct sipmsg *req,
		       const struct sipmsg_reply *r, size_t *len);

/* An in-dialog or stateless request (BYE, ACK, CANCEL, OPTIONS ...). */
struct sipmsg_request {
	const char *method;       /* "BYE" */
	struct sip_span ruri;     /* the remote target */
	struct sip_span via;      /* the Via value, e.g.
	                             "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx" */
	struct sip_span from;     /* From value with our tag */
	struct sip_span to;       /* To value with the peer's tag */
	struct sip_span call_id;
	uint32_t cseq;
	struct sip_span route;    /* Route value(s) (comma list); empty: none */
	int max_forwards;         /* 0 (or < 0): 70, the usual */
	const char *hdrs;         /* extra lines, each ending in CRLF */
	size_t hdrs_len;
	const char *content_type; /* with a body */
	const char *body;
	size_t body_len;
};

/*
 * Writes the request into buf[0..size): request line, Via, Max-Forwards,
 * Route (if any), From, To, Call-ID, CSeq (number and method), extra lines,
 * Content-Type, Content-Length, blank line, body.
 * Returns 0 with the length in *len, ENOBUFS when too small, EINVAL when
 * method, ruri, via, from, to or call_id is missing.
 */
int sipmsg_request_write(char *buf, size_t size,
			 const struct sipmsg_request *r, size_t *len);

#endif
