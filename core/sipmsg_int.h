/*
 * sipmsg_int: private helpers shared by the sipmsg*.c files (character
 * classes, whitespace trimming, case-insensitive compares). Not a public
 * interface: include sipmsg.h instead.
 */
#ifndef RB_SIPMSG_INT_H
#define RB_SIPMSG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sipmsg.h"

#define SC_TOKEN 1u  /* RFC 3261 token character */
#define SC_LWS 2u    /* SP HT CR LF */
#define SC_DIGIT 4u
#define SC_ALPHA 8u
#define SC_SCHEME 16u /* ALPHA DIGIT + - . */
#define SC_HOST 32u   /* ALPHA DIGIT - . _ (a host name or address, parse_host) */

extern const unsigned char sipmsg_ctab_[256];

static inline bool sc_is(char c, unsigned cls)
{
	return (sipmsg_ctab_[(unsigned char)c] & cls) != 0;
}

static inline int sc_lower(char c)
{
	unsigned char u = (unsigned char)c;
	return (u >= 'A' && u <= 'Z') ? u + 32 : u;
}

/* Trims LWS (SP HT CR LF) on both sides. */
static inline struct sip_span span_trim(struct sip_span s)
{
	while (s.len && sc_is(s.p[0], SC_LWS)) {
		s.p++;
		s.len--;
	}
	while (s.len && sc_is(s.p[s.len - 1], SC_LWS))
		s.len--;
	return s;
}

/* A NULL span (caller-made, e.g. {NULL, 0}) as an empty one at "". */
static inline struct sip_span span_safe(struct sip_span s)
{
	if (!s.p) {
		s.p = "";
		s.len = 0;
	}
	return s;
}

static inline struct sip_span span_from(const char *a, const char *b)
{
	struct sip_span s = {a, (size_t)(b - a)};
	return s;
}

static inline const char *skip_lws(const char *p, const char *end)
{
	while (p < end && sc_is(*p, SC_LWS))
		p++;
	return p;
}

/* Case-insensitive compare of n bytes; lit must be lower case. */
static inline bool mem_ieq_lc(const char *a, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sc_lower(a[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

/*
 * Finds the end of one element of a comma list starting at p: the first
 * comma outside quotes and <>, or end.
 */
const char *sipmsg_list_elem_end_(const char *p, const char *end);

/* Walks a ";a=1;b" parameter list: see sipmsg_hdr.c. */
bool sipmsg_param_next_(const char **pp, const char *end, struct sip_span *name,
			struct sip_span *val);
/* The first "tag" parameter with a value (From/To), or ENOENT. */
int sipmsg_tag_param_(struct sip_span params, struct sip_span *tag);

/* Finds c outside a quoted string, or end. */
const char *sipmsg_find_unquoted_(const char *p, const char *end, char c);

/* Looks at a line [p, end) (no line break): is it a start line? */
bool sipmsg_is_start_line_(const char *p, const char *end);

/* The parser's steps (sipmsg.c), shared with sipmsg_scan (sipmsg_scan.c)
 * so that the scan reads what the parse reads by the same code. */
/* Every field empty, as before a parse of buf[0..len). */
void sipmsg_reset_(struct sipmsg *m, const char *buf, size_t len, enum sipmsg_mode mode);
/* The start line p..nl (nl: its LF, or end): status or request line. */
void sipmsg_start_line_(struct sipmsg *m, const char *p, const char *nl, const char *end,
			bool strict);
/* Call-ID, CSeq, From, To (and their tags) from the header index; the first
 * missing one that makes a request unanswerable into *drop. */
void sipmsg_check_mandatory_(struct sipmsg *m, enum sipmsg_err *drop);
/* Lenient: the tag of a From / To value without parsing the URI; the span
 * {end of v, 0} when there is none. */
struct sip_span sipmsg_fast_tag_(struct sip_span v);

#endif
