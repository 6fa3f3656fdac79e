/*
 * fuzz_registrar: libFuzzer target for secretaryd's registrar
 * (server/registrar/registrar.h) and the Digest parser under it
 * (server/sip/sip_digest.h): REGISTERs come from the network, unauthenticated.
 * Each input is parsed as a SIP message (strict, as the server does); the
 * registrar answers it as it is, and then once more with a correct
 * Authorization added (computed for the To user against a fresh challenge),
 * so the contact and expiry code after the authentication is reached too.
 * Properties for any input:
 *   - the answer is one of 200, 400, 401, 403, 404, 423, 500, and its
 *     header lines are whole lines whose length is hdrs_len;
 *   - the response built from it parses again, strictly;
 *   - a 401 carries at least one challenge, a 423 a Min-Expires;
 *   - every span dg_auth_parse returns lies inside the input;
 *   - no user ever has more than REG_MAX_CONTACTS contacts.
 *
 *   ./fuzz_registrar -max_total_time=60 corpus-copy/ fuzz/corpus/registrar/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registrar.h"

static struct opfile ops;
static struct op_cred creds[2];
static struct registrar *reg;
static const char *lo, *hi;

static void in_input(struct sip_span s)
{
	if (s.len && (s.p < lo || s.p + s.len > hi))
		abort();
}

static void setup(void)
{
	snprintf(ops.realm, sizeof ops.realm, "fuzz");
	static const char *users[2] = {"alice", "bob"};
	for (int i = 0; i < 2; i++) {
		struct op_cred *o = &creds[i];
		snprintf(o->user, sizeof o->user, "%s", users[i]);
		snprintf(o->staff, sizeof o->staff, "op%d", i + 1);
		o->staff_id = i + 1;
		for (int a = 0; a < DG_ALG_COUNT; a++)
			dg_ha1(a, o->user, ops.realm, "pw", o->ha1[a]);
		o->digest[0] = i ? DG_MD5 : DG_SHA256;
		o->digest[1] = DG_MD5;
		o->n_digest = i ? 1 : 2;
	}
	snprintf(creds[1].contact, sizeof creds[1].contact, "sip:bob@192.0.2.1");
	ops.ops = creds;
	ops.n = 2;
	memcpy(ops.digest, dg_preferred, sizeof ops.digest);
	ops.n_digest = 2;
	struct reg_opts o;
	reg_opts_default(&o);
	if (registrar_new(&reg, &ops, &o, NULL))
		abort();
}

static void check_answer(const struct sipmsg *m, const struct reg_answer *a)
{
	static const int ok[] = {200, 400, 401, 403, 404, 423, 500};
	bool known = false;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		known |= a->status == ok[i];
	if (!known || strlen(a->hdrs) != a->hdrs_len ||
	    (a->hdrs_len && memcmp(a->hdrs + a->hdrs_len - 2, "\r\n", 2)))
		abort();
	if ((a->status == 401 && !strstr(a->hdrs, "WWW-Authenticate: Digest")) ||
	    (a->status == 423 && !strstr(a->hdrs, "Min-Expires: ")))
		abort();
	static char out[SIPMSG_MAX_SIZE + 8192];
	static struct sipmsg back;
	struct sipmsg_reply r = {.status = a->status, .reason = a->reason, .to_tag = "t",
				 .hdrs = a->hdrs, .hdrs_len = a->hdrs_len};
	size_t len;
	if (sipmsg_reply_write(out, sizeof out, m, &r, &len) == 0 &&
	    sipmsg_parse(&back, out, len, SIPMSG_STRICT))
		abort();
	const struct reg_binding *bl[REG_MAX_CONTACTS];
	for (int i = 0; i < 2; i++)
		if (registrar_contacts(reg, &creds[i], bl, REG_MAX_CONTACTS) > REG_MAX_CONTACTS)
			abort();
}

/* The input with a correct Authorization for its To user added. */
static size_t with_auth(const struct sipmsg *m, const struct reg_answer *chal, char *buf,
			size_t n)
{
	struct sip_addr to;
	const char *np = strstr(chal->hdrs, "nonce=\"");
	if (!np || sipmsg_addr_parse(m->to, &to) || !to.uri.user.len || to.uri.user.len > 60 ||
	    m->header_section.len < 2)
		return 0;
	char user[64], nonce[80], ha1[DG_HEX_MAX], resp[DG_HEX_MAX];
	snprintf(user, sizeof user, "%.*s", (int)to.uri.user.len, to.uri.user.p);
	snprintf(nonce, sizeof nonce, "%.64s", np + 7);
	enum dg_alg alg = DG_MD5; /* both users have it; the nonce is the same on every line */
	dg_ha1(alg, user, ops.realm, "pw", ha1);
	dg_response(alg, ha1, sip_span_cstr(nonce), sip_span_cstr("00000001"), sip_span_cstr("c"),
		    sip_span_cstr("auth"), "REGISTER", m->ruri, resp);
	size_t head = (size_t)(m->header_section.p + m->header_section.len - m->buf) - 2;
	int k = snprintf(buf, n, "%.*sAuthorization: Digest username=\"%s\", realm=\"fuzz\", "
				 "nonce=\"%s\", uri=\"%.*s\", response=\"%s\", algorithm=%s, qop=auth, "
				 "nc=00000001, cnonce=\"c\"\r\n\r\n%.*s",
			 (int)head, m->buf, user, nonce, (int)m->ruri.len, m->ruri.p, resp,
			 dg_alg_name(alg), (int)m->body.len, m->body.p);
	return k > 0 && (size_t)k < n ? (size_t)k : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sipmsg m, m2;
	static char buf2[SIPMSG_MAX_SIZE + 4096];
	static rb_us now = 1000000000;
	if (!reg)
		setup();
	lo = (const char *)data;
	hi = lo + size;
	struct dg_auth au;
	if (dg_auth_parse(sip_span_make(lo, size), &au) == 0) {
		in_input(au.username);
		in_input(au.nonce);
		in_input(au.response);
	}
	if (sipmsg_parse(&m, lo, size, SIPMSG_STRICT) || !m.is_request)
		return 0;
	struct reg_answer a, chal;
	now += 1000;
	registrar_handle(reg, &m, "udp 127.0.0.1:5062", now, &a);
	check_answer(&m, &a);
	/* the same with credentials: a challenge for it first */
	static char bare[] = "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
			     "From: <sip:a@x>;tag=1\r\nTo: <sip:alice@x>\r\nCall-ID: c\r\n"
			     "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
	static struct sipmsg mb;
	if (sipmsg_parse(&mb, bare, sizeof bare - 1, SIPMSG_STRICT))
		abort();
	registrar_handle(reg, &mb, "udp", now, &chal);
	size_t n2 = with_auth(&m, &chal, buf2, sizeof buf2);
	if (n2 && sipmsg_parse(&m2, buf2, n2, SIPMSG_STRICT) == 0) {
		registrar_handle(reg, &m2, "udp 127.0.0.1:5062", now, &a);
		check_answer(&m2, &a);
	}
	registrar_expire(reg, now + 7200 * RB_US_PER_S * (size & 1));
	return 0;
}
