/*
 * sipmsg_val: parsers for header values: URIs, name-addr / addr-spec, Via,
 * CSeq, tags, Diversion (RFC 5806) and History-Info (RFC 7044). All work on
 * spans and return spans into the same bytes; nothing is copied except the
 * few percent-escaped bytes of a History-Info Reason, decoded on the stack.
 */
#include <errno.h>
#include <string.h>

#include "sipmsg_int.h"

static int parse_port(const char *p, const char *end, uint16_t *port,
		      const char **after)
{
	uint32_t v = 0;
	const char *d = p;
	while (p < end && sc_is(*p, SC_DIGIT) && p - d < 6)
		v = v * 10 + (uint32_t)(*p++ - '0');
	if (p == d || v > 65535 || (p < end && sc_is(*p, SC_DIGIT)))
		return EINVAL;
	*port = (uint16_t)v;
	*after = p;
	return 0;
}

/* A host: "[v6]" or a run of host characters; stops at ':' ';' '?' etc. */
static int parse_host(const char *p, const char *end, struct sip_span *host,
		      const char **after)
{
	if (p < end && *p == '[') {
		const char *c = memchr(p, ']', (size_t)(end - p));
		if (!c || c == p + 1)
			return EINVAL;
		for (const char *q = p + 1; q < c; q++)
			if (!sc_is(*q, SC_DIGIT) && !sc_is(*q, SC_ALPHA) &&
			    *q != ':' && *q != '.')
				return EINVAL;
		*host = span_from(p + 1, c);
		*after = c + 1;
		return 0;
	}
	const char *q = p;
	while (q < end && sc_is(*q, SC_HOST))
		q++;
	if (q == p)
		return EINVAL;
	*host = span_from(p, q);
	*after = q;
	return 0;
}

static struct sip_span until_semi(struct sip_span s)
{
	const char *c = memchr(s.p, ';', s.len);
	return c ? span_from(s.p, c) : s;
}

int sipmsg_uri_parse(struct sip_span s, struct sip_uri *u)
{
	if (!u || (!s.p && s.len))
		return EINVAL;
	s = span_trim(span_safe(s));
	struct sip_span none = {s.p, 0};
	u->scheme = u->user = u->number = u->password = none;
	u->host = u->params = u->headers = none;
	u->port = 0;
	const char *p = s.p, *end = s.p + s.len;
	if (p == end || !sc_is(*p, SC_ALPHA))
		return EINVAL;
	while (p < end && sc_is(*p, SC_SCHEME))
		p++;
	if (p == end || *p != ':')
		return EINVAL;
	u->scheme = span_from(s.p, p);
	const char *rest = p + 1;
	if (sipmsg_span_ieq(u->scheme, "tel")) {
		u->user = span_from(rest, end);
		u->number = until_semi(u->user);
		if (u->number.len < u->user.len)
			u->params = span_from(u->number.p + u->number.len + 1,
					      end);
		return u->number.len ? 0 : EINVAL;
	}
	if (!sipmsg_span_ieq(u->scheme, "sip") &&
	    !sipmsg_span_ieq(u->scheme, "sips")) {
		u->user = span_from(rest, end);
		return 0;
	}
	const char *hp = rest;
	const char *at = memchr(rest, '@', (size_t)(end - rest));
	if (at) {
		const char *pw = memchr(rest, ':', (size_t)(at - rest));
		u->user = span_from(rest, pw ? pw : at);
		if (pw)
			u->password = span_from(pw + 1, at);
		u->number = until_semi(u->user);
		hp = at + 1;
	}
	const char *q;
	if (parse_host(hp, end, &u->host, &q))
		return EINVAL;
	if (q < end && *q == ':' && parse_port(q + 1, end, &u->port, &q))
		return EINVAL;
	if (q < end && *q == ';') {
		const char *qm = memchr(q, '?', (size_t)(end - q));
		u->params = span_from(q + 1, qm ? qm : end);
		q = qm ? qm : end;
	}
	if (q < end && *q == '?') {
		u->headers = span_from(q + 1, end);
		q = end;
	}
	return q == end ? 0 : EINVAL;
}

int sipmsg_addr_parse(struct sip_span s, struct sip_addr *a)
{
	if (!a || (!s.p && s.len))
		return EINVAL;
	s = span_trim(span_safe(s));
	const char *p = s.p, *end = s.p + s.len;
	struct sip_span none = {end, 0};
	a->display = a->uri_text = a->params = a->tag = none;
	if (p == end)
		return EINVAL;
	const char *after;
	if (*p == '"') {
		const char *q = p + 1;
		while (q < end && *q != '"') {
			if (*q == '\\' && q + 1 < end)
				q++;
			q++;
		}
		if (q >= end)
			return EINVAL;
		a->display = span_from(p + 1, q);
		p = skip_lws(q + 1, end);
		if (p == end || *p != '<')
			return EINVAL;
	} else {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (lt) {
			/* an unquoted display-name is tokens and LWS: a quote in
			 * it opens a quoted-string that did not start the value
			 * (`x"a <b>" <sip:..>`), where a '<' may be quoted text;
			 * refused, so that no '<' is taken that a quote-aware
			 * reader (sipmsg_fast_tag_) would skip */
			if (memchr(p, '"', (size_t)(lt - p)))
				return EINVAL;
			a->display = span_trim(span_from(p, lt));
			p = lt;
		}
	}
	if (*p == '<') {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return EINVAL;
		a->uri_text = span_trim(span_from(p + 1, gt));
		after = skip_lws(gt + 1, end);
		if (after < end && *after != ';')
			return EINVAL;
	} else {
		/* addr-spec: every ';' after the host starts a header param */
		const char *at = memchr(p, '@', (size_t)(end - p));
		const char *semi = memchr(at ? at : p, ';',
					  (size_t)(end - (at ? at : p)));
		after = semi ? semi : end;
		a->uri_text = span_trim(span_from(p, after));
		for (size_t i = 0; i < a->uri_text.len; i++)
			if (sc_is(a->uri_text.p[i], SC_LWS) ||
			    a->uri_text.p[i] == ',')
				return EINVAL;
	}
	if (after < end)
		a->params = span_from(after + 1, end);
	if (sipmsg_uri_parse(a->uri_text, &a->uri))
		return EINVAL;
	if (sipmsg_tag_param_(a->params, &a->tag) != 0)
		a->tag = none;
	return 0;
}

int sipmsg_tag(struct sip_span addr_value, struct sip_span *tag)
{
	struct sip_addr a;
	if (!tag || sipmsg_addr_parse(addr_value, &a))
		return EINVAL;
	if (!a.tag.len)
		return ENOENT;
	*tag = a.tag;
	return 0;
}

static const char *token_end(const char *p, const char *end)
{
	while (p < end && sc_is(*p, SC_TOKEN))
		p++;
	return p;
}

int sipmsg_via_parse(struct sip_span s, struct sip_via *v)
{
	if (!v || (!s.p && s.len))
		return EINVAL;
	s = span_trim(span_safe(s));
	const char *p = s.p, *end = s.p + s.len, *q;
	struct sip_span none = {end, 0};
	v->value = s;
	v->transport = v->host = v->params = none;
	v->branch = v->received = none;
	v->port = 0;
	v->has_rport = false;
	v->rport = 0;
	/* sent-protocol = name SLASH version SLASH transport */
	for (int i = 0; i < 3; i++) {
		q = token_end(p, end);
		if (q == p)
			return EINVAL;
		if (i == 2) {
			v->transport = span_from(p, q);
			p = q;
			break;
		}
		p = skip_lws(q, end);
		if (p == end || *p != '/')
			return EINVAL;
		p = skip_lws(p + 1, end);
	}
	q = skip_lws(p, end);
	if (q == p)
		return EINVAL;
	if (parse_host(q, end, &v->host, &p))
		return EINVAL;
	q = skip_lws(p, end);
	if (q < end && *q == ':') {
		if (parse_port(skip_lws(q + 1, end), end, &v->port, &p))
			return EINVAL;
		q = skip_lws(p, end);
	}
	if (q < end && *q != ';')
		return EINVAL;
	if (q < end)
		v->params = span_from(q + 1, end);
	/* one pass over the parameters; the first of each name wins */
	struct sip_span pn, pv;
	const char *pp = v->params.p, *pe = v->params.p + v->params.len;
	bool got_branch = false, got_received = false;
	while (sipmsg_param_next_(&pp, pe, &pn, &pv)) {
		if (pn.len == 6 && !got_branch && mem_ieq_lc(pn.p, "branch", 6)) {
			v->branch = pv;
			got_branch = true;
		} else if (pn.len == 8 && !got_received &&
			   mem_ieq_lc(pn.p, "received", 8)) {
			v->received = pv;
			got_received = true;
		} else if (pn.len == 5 && !v->has_rport &&
			   mem_ieq_lc(pn.p, "rport", 5)) {
			v->has_rport = true;
			uint32_t n;
			if (pv.len && sipmsg_span_uint(pv, 65535, &n) == 0)
				v->rport = (uint16_t)n;
		}
	}
	return 0;
}

int sipmsg_via_next(const struct sipmsg *msg, struct sipmsg_iter *it,
		    struct sip_via *out)
{
	struct sip_span s;
	if (!out)
		return EINVAL;
	int err = sipmsg_value_next(msg, SIP_HDR_VIA, it, &s);
	if (err)
		return err;
	if (sipmsg_via_parse(s, out)) {
		out->value = s;
		return EINVAL;
	}
	return 0;
}

/* The top Via value, as sipmsg_value_next() finds it, when the first Via
 * line has no quote or '<' before its first comma; else false. */
static bool top_via_value(const struct sipmsg *msg, struct sip_span *out)
{
	if (!msg->first_[SIP_HDR_VIA])
		return false;
	struct sip_span v = msg->hdrs[msg->first_[SIP_HDR_VIA] - 1].value;
	const char *p = v.p, *end = v.p + v.len;
	const char *e = v.len ? memchr(p, ',', v.len) : NULL;
	if (!e)
		e = end;
	if (memchr(p, '"', (size_t)(e - p)) || memchr(p, '<', (size_t)(e - p)))
		return false;
	*out = span_trim(span_from(p, e));
	return out->len != 0; /* an empty first element: the iterator goes on */
}

int sipmsg_top_branch(const struct sipmsg *msg, struct sip_span *branch)
{
	/* "SIP/2.0/" TRANSPORT SP host [":" port] ";branch=" x [";" ...]: what
	 * sipmsg_via_parse() accepts, with branch its first parameter. */
	struct sip_span v;
	if (msg && top_via_value(msg, &v) && v.len > 8 && memcmp(v.p, "SIP/2.0/", 8) == 0) {
		const char *p = v.p + 8, *end = v.p + v.len, *t = p;
		while (p < end && sc_is(*p, SC_TOKEN))
			p++;
		const char *h = p + 1;
		if (p > t && p < end && *p == ' ' && h < end && !sc_is(*h, SC_LWS)) {
			struct sip_span host;
			uint16_t port;
			const char *q = h;
			bool ok = parse_host(h, end, &host, &q) == 0 && *h != '[';
			if (ok && q < end && *q == ':')
				ok = parse_port(q + 1, end, &port, &q) == 0;
			const char *f = q + 1;
			if (ok && q < end && *q == ';' && end - f > 7 && mem_ieq_lc(f, "branch=", 7) &&
			    !sc_is(f[7], SC_LWS) && f[7] != '"' && f[7] != ';') {
				const char *vs = f + 7, *ve = vs;
				while (ve < end && *ve != ';')
					ve++;
				while (sc_is(ve[-1], SC_LWS)) /* stops at vs[0] */
					ve--;
				*branch = span_from(vs, ve);
				return 0;
			}
		}
	}
	struct sipmsg_iter it = {0, 0};
	struct sip_via via;
	int e = sipmsg_via_next(msg, &it, &via);
	if (e == 0)
		*branch = via.branch;
	return e;
}

int sipmsg_cseq_parse(struct sip_span s, uint32_t *num,
		      struct sip_span *method)
{
	if (!num || !method || (!s.p && s.len))
		return EINVAL;
	s = span_trim(span_safe(s));
	const char *p = s.p, *end = s.p + s.len;
	const char *d = p;
	uint64_t n = 0;
	while (p < end && sc_is(*p, SC_DIGIT) && p - d < 11)
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (p == d || n > 0x7fffffffu || p == end || !sc_is(*p, SC_LWS))
		return EINVAL;
	p = skip_lws(p, end);
	const char *me = token_end(p, end);
	if (me == p || me != end)
		return EINVAL;
	*num = (uint32_t)n;
	*method = span_from(p, me);
	return 0;
}

int sipmsg_diversion(const struct sipmsg *msg, unsigned n,
		     struct sip_diversion *out)
{
	struct sip_span v, pv;
	if (!msg || !out)
		return EINVAL;
	if (sipmsg_hdr_value(msg, SIP_HDR_DIVERSION, n, &v))
		return ENOENT;
	if (sipmsg_addr_parse(v, &out->addr))
		return EINVAL;
	out->number = out->addr.uri.number;
	out->reason = span_from(v.p + v.len, v.p + v.len);
	if (sipmsg_param(out->addr.params, "reason", &pv) == 0)
		out->reason = pv;
	out->counter = 1;
	uint32_t c;
	if (sipmsg_param(out->addr.params, "counter", &pv) == 0 &&
	    sipmsg_span_uint(pv, 1000000, &c) == 0)
		out->counter = c;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)sc_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The cause of "SIP;cause=408;text=..." (already unescaped); 0: none. */
static int reason_cause(struct sip_span r)
{
	struct sip_span proto = span_trim(until_semi(r));
	struct sip_span pv;
	uint32_t c;
	if (!sipmsg_span_ieq(proto, "SIP") || proto.len == r.len)
		return 0;
	struct sip_span params = span_from(proto.p + proto.len, r.p + r.len);
	if (sipmsg_param(params, "cause", &pv) == 0 &&
	    sipmsg_span_uint(pv, 699, &c) == 0)
		return (int)c;
	return 0;
}

/* The SIP cause in the URI's escaped Reason header: "?Reason=SIP%3Bcause%3D408". */
static int uri_reason_cause(struct sip_span hdrs)
{
	const char *p = hdrs.p, *end = hdrs.p + hdrs.len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e - p > 7 && mem_ieq_lc(p, "reason=", 7)) {
			char tmp[256];
			size_t n = 0;
			for (const char *q = p + 7; q < e && n < sizeof(tmp);
			     q++) {
				int h1, h2;
				if (*q == '%' && e - q >= 3 &&
				    (h1 = hexval(q[1])) >= 0 &&
				    (h2 = hexval(q[2])) >= 0) {
					tmp[n++] = (char)(h1 * 16 + h2);
					q += 2;
				} else {
					tmp[n++] = *q;
				}
			}
			int c = reason_cause(sip_span_make(tmp, n));
			if (c)
				return c;
		}
		p = e + 1;
	}
	return 0;
}

int sipmsg_histinfo(const struct sipmsg *msg, unsigned n,
		    struct sip_histinfo *out)
{
	struct sip_span v, pv;
	uint32_t c;
	if (!msg || !out)
		return EINVAL;
	if (sipmsg_hdr_value(msg, SIP_HDR_HISTORY_INFO, n, &v))
		return ENOENT;
	if (sipmsg_addr_parse(v, &out->addr))
		return EINVAL;
	out->number = out->addr.uri.number;
	out->index = span_from(v.p + v.len, v.p + v.len);
	if (sipmsg_param(out->addr.params, "index", &pv) == 0)
		out->index = pv;
	out->cause = uri_reason_cause(out->addr.uri.headers);
	if (!out->cause &&
	    sipmsg_param(out->addr.uri.params, "cause", &pv) == 0 &&
	    sipmsg_span_uint(pv, 699, &c) == 0)
		out->cause = (int)c;
	if (!out->cause &&
	    sipmsg_param(out->addr.params, "cause", &pv) == 0 &&
	    sipmsg_span_uint(pv, 699, &c) == 0)
		out->cause = (int)c;
	return 0;
}
