/*
 * fuzz_sipmsg: libFuzzer target for the SIP message layer (core/sipmsg.h).
 * Parses the input in both modes, runs every value helper over what it
 * found, frames it as a TCP stream, and builds a reply. Besides crashes and
 * sanitizer reports it checks properties that must hold for any input:
 *   - every span the parser returns lies inside the input;
 *   - a reply to a request that parsed in strict mode parses again in
 *     strict mode, with the same Call-ID, CSeq and a To tag;
 *   - the framer makes progress and never reports more than it was given,
 *     and a message it frames that parses strictly is exactly that long;
 *   - what strict mode accepts, lenient mode reads the same way (Call-ID,
 *     tags, CSeq, body);
 *   - sipmsg_scan, the analyzer's fast path, reads what the lenient parse
 *     reads whenever it does not leave the message to it, and says "not
 *     SIP" exactly when sipmsg_probe does.
 *
 *   clang -fsanitize=fuzzer,address,undefined ... (see fuzz/fuzz.cmake)
 *   ./fuzz_sipmsg -max_total_time=60 corpus-copy/ fuzz/corpus/sipmsg/
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sipmsg.h"

static const char *lo, *hi;

static void in_input(struct sip_span s)
{
	if (s.len == 0)
		return; /* empty spans may point anywhere (at the end) */
	if (s.p < lo || s.p + s.len > hi)
		abort();
}

static void check_addr(struct sip_span v)
{
	struct sip_addr a;
	struct sip_span t;
	if (sipmsg_addr_parse(v, &a) == 0) {
		in_input(a.display);
		in_input(a.uri_text);
		in_input(a.params);
		in_input(a.tag);
		in_input(a.uri.user);
		in_input(a.uri.number);
		in_input(a.uri.host);
		in_input(a.uri.params);
		in_input(a.uri.headers);
		sipmsg_param(a.params, "expires", &t);
		sipmsg_param(a.uri.params, "transport", &t);
	}
	sipmsg_tag(v, &t);
}

static void helpers(const struct sipmsg *m)
{
	struct sip_span v;
	struct sip_uri u;
	uint32_t n;

	in_input(m->method);
	in_input(m->ruri);
	in_input(m->version);
	in_input(m->reason);
	in_input(m->body);
	in_input(m->call_id);
	in_input(m->from_tag);
	in_input(m->to_tag);
	for (unsigned i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		in_input(h->name);
		in_input(h->value);
		if (sipmsg_hdr_id(h->name) != h->id)
			abort();
	}
	if (sipmsg_uri_parse(m->ruri, &u) == 0)
		in_input(u.host);
	for (int id = 0; id < SIP_HDR_COUNT; id++) {
		if (id != SIP_HDR_OTHER && !sipmsg_hdr(m, id, 0))
			continue; /* absent: one lookup is enough */
		struct sipmsg_iter it = {0, 0};
		int k = 0;
		while (k++ < 200 && sipmsg_value_next(m, id, &it, &v) == 0) {
			in_input(v);
			if (id == SIP_HDR_CONTACT || id == SIP_HDR_ROUTE ||
			    id == SIP_HDR_RECORD_ROUTE || id == SIP_HDR_FROM ||
			    id == SIP_HDR_TO ||
			    id == SIP_HDR_P_ASSERTED_IDENTITY)
				check_addr(v);
		}
		sipmsg_hdr_uint(m, id, &n);
		sipmsg_hdr_value(m, id, 1, &v);
	}
	struct sipmsg_iter it = {0, 0};
	struct sip_via via;
	for (int k = 0; k < 200; k++) {
		int e = sipmsg_via_next(m, &it, &via);
		if (e == ENOENT)
			break;
		if (e == 0) {
			in_input(via.host);
			in_input(via.branch);
			in_input(via.received);
		}
	}
	/* sipmsg_top_branch is sipmsg_via_next's first answer */
	struct sipmsg_iter it1 = {0, 0};
	struct sip_span br;
	int e1 = sipmsg_via_next(m, &it1, &via), e2 = sipmsg_top_branch(m, &br);
	if (e1 != e2 || (e1 == 0 && (br.len != via.branch.len || (br.len && br.p != via.branch.p))))
		abort();
	struct sip_diversion d;
	struct sip_histinfo hi_;
	for (unsigned k = 0; k < 64; k++)
		if (sipmsg_diversion(m, k, &d) == ENOENT)
			break;
	for (unsigned k = 0; k < 64; k++) {
		int e = sipmsg_histinfo(m, k, &hi_);
		if (e == ENOENT)
			break;
		if (e == 0 && (hi_.cause < 0 || hi_.cause > 699))
			abort();
	}
	const struct sip_hdr *h = sipmsg_hdr_byname(m, "X-Caller-Type", 0);
	if (h)
		in_input(h->value);
	struct sip_span meth;
	const struct sip_hdr *cs = sipmsg_hdr(m, SIP_HDR_CSEQ, 0);
	if (cs)
		sipmsg_cseq_parse(cs->value, &n, &meth);
}

static void reply(const struct sipmsg *m, bool strict_ok)
{
	static char out[SIPMSG_MAX_SIZE + 4096];
	size_t len;
	struct sipmsg_reply r = {.status = 200, .to_tag = "fz1",
				 .content_type = "application/sdp",
				 .body = "v=0\r\n", .body_len = 5,
				 .record_route = true};
	int e = sipmsg_reply_write(out, sizeof(out), m, &r, &len);
	if (e == 0 && len > sizeof(out))
		abort();
	char small[64];
	sipmsg_reply_write(small, sizeof(small), m, &r, &len);
	if (!strict_ok || !m->is_request)
		return;
	e = sipmsg_reply_write(out, sizeof(out), m, &r, &len);
	if (e == ENOBUFS)
		return;
	if (e)
		abort(); /* a strictly valid request is always answerable */
	static struct sipmsg p;
	if (sipmsg_parse(&p, out, len, SIPMSG_STRICT) != 0 || p.status != 200)
		abort();
	if (p.cseq != m->cseq || p.call_id.len != m->call_id.len ||
	    memcmp(p.call_id.p, m->call_id.p, m->call_id.len) != 0 ||
	    p.to_tag.len == 0)
		abort();
}

static void frame(const char *buf, size_t len, enum sipmsg_mode mode)
{
	size_t off = 0;
	for (int k = 0; k < 1000 && off < len; k++) {
		size_t skip, n;
		int e = sipmsg_frame(buf + off, len - off, mode, &skip, &n);
		if (skip > len - off)
			abort();
		if (e == 0) {
			if (n == 0 || n > len - off - skip)
				abort();
			static struct sipmsg m;
			if (sipmsg_parse(&m, buf + off + skip, n, mode) == 0 &&
			    mode == SIPMSG_STRICT && m.len != n)
				abort();
			off += skip + n;
		} else if (e == EMSGSIZE && mode == SIPMSG_LENIENT) {
			off += skip + 1;
		} else {
			break;
		}
	}
}

static bool same(struct sip_span a, struct sip_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* strict accepted it: lenient must read the same message */
static void differential(const struct sipmsg *s, const char *buf, size_t size)
{
	static struct sipmsg l;
	if (sipmsg_parse(&l, buf, size, SIPMSG_LENIENT) != 0)
		abort();
	if (!same(s->call_id, l.call_id) || !same(s->from_tag, l.from_tag) ||
	    !same(s->to_tag, l.to_tag) || s->cseq != l.cseq ||
	    !same(s->body, l.body) || s->status != l.status ||
	    !same(s->method, l.method) || !same(s->ruri, l.ruri) ||
	    s->nhdrs != l.nhdrs)
		abort();
}

static bool at(struct sip_span a, struct sip_span b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

/* sipmsg_scan_call (what the analyzer calls): ENOENT where sipmsg_scan
 * says it (e), 0 wherever that gives 0, and when 0 the call's fields the
 * lenient parse reads (an INVITE request's Via, Diversion too). */
static void scan_call_agrees(const char *buf, size_t size, int e)
{
	static struct sipmsg c, l;
	int r = sipmsg_scan_call(&c, buf, size);
	if ((r == ENOENT) != (e == ENOENT) || (e == 0 && r != 0))
		abort();
	if (r != 0)
		return;
	if (!sipmsg_probe(buf, size) || sipmsg_parse(&l, buf, size, SIPMSG_LENIENT))
		abort();
	if (c.buf != l.buf || c.is_request != l.is_request || c.method_id != l.method_id ||
	    !at(c.ruri, l.ruri) || c.status != l.status || !at(c.call_id, l.call_id) ||
	    !at(c.from_tag, l.from_tag) || !at(sipmsg_to_tag(&c), l.to_tag) || c.cseq != l.cseq ||
	    c.cseq_method_id != l.cseq_method_id)
		abort();
	if (c.is_request && c.method_id == SIP_INVITE) {
		struct sip_span b1 = {NULL, 0}, b2 = {NULL, 0};
		int r1 = sipmsg_top_branch(&c, &b1), r2 = sipmsg_top_branch(&l, &b2);
		struct sip_diversion d1, d2;
		int r3 = sipmsg_diversion(&c, 0, &d1), r4 = sipmsg_diversion(&l, 0, &d2);
		if (r1 != r2 || (r1 == 0 && !at(b1, b2)) || r3 != r4 ||
		    (r3 == 0 && !at(d1.reason, d2.reason)))
			abort();
	}
}

/* sipmsg_scan (the analyzer's fast path): not SIP exactly when the probe
 * says so, and when it reads a message, what the lenient parse reads. */
static void scan_agrees(const char *buf, size_t size)
{
	static struct sipmsg s, l;
	int e = sipmsg_scan(&s, buf, size);
	scan_call_agrees(buf, size, e);
	if (e == ENOENT || e == EAGAIN) {
		if (e == ENOENT && sipmsg_probe(buf, size))
			abort();
		return;
	}
	if (e != 0 || !sipmsg_probe(buf, size) || sipmsg_parse(&l, buf, size, SIPMSG_LENIENT))
		abort();
	helpers(&s);
	if (s.buf != l.buf || s.is_request != l.is_request || s.method_id != l.method_id ||
	    !at(s.ruri, l.ruri) || s.status != l.status || !at(s.call_id, l.call_id) ||
	    !at(s.from_tag, l.from_tag) || !at(s.to_tag, l.to_tag) || s.cseq != l.cseq ||
	    s.cseq_method_id != l.cseq_method_id)
		abort();
	struct sipmsg_iter i1 = {0, 0}, i2 = {0, 0};
	struct sip_via v1, v2;
	int r1 = sipmsg_via_next(&s, &i1, &v1), r2 = sipmsg_via_next(&l, &i2, &v2);
	if (r1 != r2 || (r1 == 0 && !at(v1.branch, v2.branch)))
		abort();
	struct sip_diversion d1, d2;
	r1 = sipmsg_diversion(&s, 0, &d1);
	r2 = sipmsg_diversion(&l, 0, &d2);
	if (r1 != r2 || (r1 == 0 && !at(d1.reason, d2.reason)))
		abort();
	const struct sip_hdr *x1 = sipmsg_hdr_byname(&s, "X-RB-Call", 0),
			     *x2 = sipmsg_hdr_byname(&l, "X-RB-Call", 0);
	if (!x1 != !x2 || (x1 && !at(x1->value, x2->value)))
		abort();
	for (unsigned k = 0; k < 64; k++) {
		struct sip_histinfo h1, h2;
		r1 = sipmsg_histinfo(&s, k, &h1);
		r2 = sipmsg_histinfo(&l, k, &h2);
		if (r1 != r2 || (r1 == 0 && h1.cause != h2.cause))
			abort();
		if (r1 == ENOENT)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sipmsg m;
	const char *buf = (const char *)data;
	lo = buf;
	hi = buf + size;
	for (int mode = 0; mode < 2; mode++) {
		int e = sipmsg_parse(&m, buf, size, (enum sipmsg_mode)mode);
		if (e != 0 && e != EBADMSG)
			abort();
		if (e == 0 || m.err != SIPMSG_E_NOT_SIP) {
			in_input(sip_span_make(m.buf, m.len));
			helpers(&m);
			reply(&m, mode == SIPMSG_STRICT && e == 0);
		}
		if (mode == SIPMSG_STRICT && e == 0)
			differential(&m, buf, size);
		frame(buf, size, (enum sipmsg_mode)mode);
	}
	sipmsg_probe(buf, size);
	scan_agrees(buf, size);
	return 0;
}
