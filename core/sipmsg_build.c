/*
 * sipmsg_build: writes responses (copying the request's Via, From, To,
 * Call-ID and CSeq) and in-dialog requests into a caller buffer. No
 * allocation, no sprintf: a small bounded writer.
 */
#include <errno.h>
#include <string.h>

#include "sipmsg_int.h"

struct wr {
	char *buf;
	size_t size, pos;
	bool over;
};

static void put(struct wr *w, const char *p, size_t n)
{
	if (n == 0)
		return; /* p may be NULL then: no memcpy(NULL) */
	if (w->over || n > w->size - w->pos) {
		w->over = true;
		return;
	}
	memcpy(w->buf + w->pos, p, n);
	w->pos += n;
}

static void puts_(struct wr *w, const char *s)
{
	put(w, s, strlen(s));
}

static void put_span(struct wr *w, struct sip_span s)
{
	put(w, s.p, s.len);
}

static void put_uint(struct wr *w, uint64_t v)
{
	char t[24];
	size_t n = sizeof(t);
	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, t + n, sizeof(t) - n);
}

static void put_hdr(struct wr *w, const char *name, struct sip_span v)
{
	puts_(w, name);
	put(w, ": ", 2);
	put_span(w, v);
	put(w, "\r\n", 2);
}

static void put_tail(struct wr *w, const char *hdrs, size_t hdrs_len,
		     const char *ctype, const char *body, size_t body_len)
{
	if (hdrs && hdrs_len)
		put(w, hdrs, hdrs_len);
	if (body && body_len && ctype) {
		puts_(w, "Content-Type: ");
		puts_(w, ctype);
		put(w, "\r\n", 2);
	}
	puts_(w, "Content-Length: ");
	put_uint(w, body ? body_len : 0);
	put(w, "\r\n\r\n", 4);
	if (body && body_len)
		put(w, body, body_len);
}

const char *sipmsg_status_phrase(int st)
{
	switch (st) {
	case 100: return "Trying";
	case 180: return "Ringing";
	case 181: return "Call Is Being Forwarded";
	case 182: return "Queued";
	case 183: return "Session Progress";
	case 200: return "OK";
	case 202: return "Accepted";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Moved Temporarily";
	case 305: return "Use Proxy";
	case 380: return "Alternative Service";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 413: return "Request Entity Too Large";
	case 414: return "Request-URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Unsupported URI Scheme";
	case 420: return "Bad Extension";
	case 421: return "Extension Required";
	case 423: return "Interval Too Brief";
	case 480: return "Temporarily Unavailable";
	case 481: return "Call/Transaction Does Not Exist";
	case 482: return "Loop Detected";
	case 483: return "Too Many Hops";
	case 484: return "Address Incomplete";
	case 485: return "Ambiguous";
	case 486: return "Busy Here";
	case 487: return "Request Terminated";
	case 488: return "Not Acceptable Here";
	case 491: return "Request Pending";
	case 493: return "Undecipherable";
	case 500: return "Server Internal Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Server Time-out";
	case 505: return "Version Not Supported";
	case 513: return "Message Too Large";
	case 600: return "Busy Everywhere";
	case 603: return "Decline";
	case 604: return "Does Not Exist Anywhere";
	case 606: return "Not Acceptable";
	default: return "Unknown";
	}
}

int sipmsg_reply_write(char *buf, size_t size, const struct sipmsg *req,
		       const struct sipmsg_reply *r, size_t *len)
{
	if (!buf || !req || !r || !len || r->status < 100 || r->status > 699)
		return EINVAL;
	const struct sip_hdr *from = sipmsg_hdr(req, SIP_HDR_FROM, 0);
	const struct sip_hdr *to = sipmsg_hdr(req, SIP_HDR_TO, 0);
	const struct sip_hdr *cid = sipmsg_hdr(req, SIP_HDR_CALL_ID, 0);
	const struct sip_hdr *cseq = sipmsg_hdr(req, SIP_HDR_CSEQ, 0);
	if (!from || !to || !cid || !cseq || !req->first_[SIP_HDR_VIA])
		return EINVAL;
	struct wr w = {buf, size, 0, false};
	puts_(&w, "SIP/2.0 ");
	put_uint(&w, (uint64_t)r->status);
	put(&w, " ", 1);
	puts_(&w, r->reason ? r->reason : sipmsg_status_phrase(r->status));
	put(&w, "\r\n", 2);
	for (unsigned i = req->first_[SIP_HDR_VIA] - 1u; i < req->nhdrs; i++)
		if (req->hdrs[i].id == SIP_HDR_VIA)
			put_hdr(&w, "Via", req->hdrs[i].value);
	if (r->record_route)
		for (unsigned i = 0; i < req->nhdrs; i++)
			if (req->hdrs[i].id == SIP_HDR_RECORD_ROUTE)
				put_hdr(&w, "Record-Route", req->hdrs[i].value);
	put_hdr(&w, "From", from->value);
	puts_(&w, "To: ");
	put_span(&w, to->value);
	struct sip_span tag;
	if (r->to_tag && *r->to_tag && sipmsg_tag(to->value, &tag) == ENOENT) {
		puts_(&w, ";tag=");
		puts_(&w, r->to_tag);
	}
	put(&w, "\r\n", 2);
	put_hdr(&w, "Call-ID", cid->value);
	put_hdr(&w, "CSeq", cseq->value);
	put_tail(&w, r->hdrs, r->hdrs_len, r->content_type, r->body,
		 r->body_len);
	if (w.over)
		return ENOBUFS;
	*len = w.pos;
	return 0;
}

int sipmsg_request_write(char *buf, size_t size,
			 const struct sipmsg_request *r, size_t *len)
{
	if (!buf || !r || !len || !r->method || !*r->method || !r->ruri.len ||
	    !r->via.len || !r->from.len || !r->to.len || !r->call_id.len)
		return EINVAL;
	struct wr w = {buf, size, 0, false};
	puts_(&w, r->method);
	put(&w, " ", 1);
	put_span(&w, r->ruri);
	puts_(&w, " SIP/2.0\r\n");
	put_hdr(&w, "Via", r->via);
	puts_(&w, "Max-Forwards: ");
	put_uint(&w, r->max_forwards <= 0 ? 70u : (uint64_t)r->max_forwards);
	put(&w, "\r\n", 2);
	if (r->route.len)
		put_hdr(&w, "Route", r->route);
	put_hdr(&w, "From", r->from);
	put_hdr(&w, "To", r->to);
	put_hdr(&w, "Call-ID", r->call_id);
	puts_(&w, "CSeq: ");
	put_uint(&w, r->cseq);
	put(&w, " ", 1);
	puts_(&w, r->method);
	put(&w, "\r\n", 2);
	put_tail(&w, r->hdrs, r->hdrs_len, r->content_type, r->body,
		 r->body_len);
	if (w.over)
		return ENOBUFS;
	*len = w.pos;
	return 0;
}
