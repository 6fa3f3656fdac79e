/*
 * Unit tests of server/sip/sip_digest.c: the RFC 7616 3.9.1 worked example
 * for MD5 and SHA-256 (the responses are the RFC's), the Authorization
 * parse, and the server's refusals: a wrong password, a forged or altered
 * nonce, a stale one, a replayed nonce count, another realm, no qop.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip_digest.h"

#define RFC_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RFC_REALM "http-auth@example.org"

static struct sip_span S(const char *s)
{
	return sip_span_cstr(s);
}

/* RFC 7616 3.9.1: Mufasa / Circle of Life, GET /dir/index.html. */
START_TEST(test_rfc7616_vectors)
{
	static const char *const want[2] = {
	    "8ca523f5e9506fed4657c9700eebdbec",
	    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"};
	for (int a = 0; a < 2; a++) {
		char ha1[DG_HEX_MAX], resp[DG_HEX_MAX];
		ck_assert_int_eq(dg_ha1(a, "Mufasa", RFC_REALM, "Circle of Life", ha1), 0);
		ck_assert_int_eq(dg_response(a, ha1, S(RFC_NONCE), S("00000001"), S(RFC_CNONCE),
					     S("auth"), "GET", S("/dir/index.html"), resp),
				 0);
		ck_assert_str_eq(resp, want[a]);
		/* one character of the password changes the answer */
		ck_assert_int_eq(dg_ha1(a, "Mufasa", RFC_REALM, "Circle of life", ha1), 0);
		dg_response(a, ha1, S(RFC_NONCE), S("00000001"), S(RFC_CNONCE), S("auth"), "GET",
			    S("/dir/index.html"), resp);
		ck_assert_str_ne(resp, want[a]);
	}
}
END_TEST

/* The RFC's Authorization header (3.9.1, SHA-256) parses to its fields. */
START_TEST(test_parse_rfc_header)
{
	const char *h = "Digest username=\"Mufasa\",\r\n realm=\"" RFC_REALM "\",\r\n"
			" uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"" RFC_NONCE "\","
			" nc=00000001, cnonce=\"" RFC_CNONCE "\", qop=auth,"
			" response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\","
			" opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
	struct dg_auth a;
	ck_assert_int_eq(dg_auth_parse(S(h), &a), 0);
	ck_assert(sipmsg_span_ieq(a.username, "Mufasa"));
	ck_assert(sipmsg_span_ieq(a.uri, "/dir/index.html"));
	ck_assert(sipmsg_span_ieq(a.nc, "00000001"));
	ck_assert(sipmsg_span_ieq(a.qop, "auth"));
	ck_assert_int_eq(a.alg, DG_SHA256);
	/* no algorithm: MD5 (RFC 2617); MD5-sess: not supported */
	ck_assert_int_eq(dg_auth_parse(S("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
					 "uri=\"sip:x\", response=\"00\""), &a), 0);
	ck_assert_int_eq(a.alg, DG_MD5);
	ck_assert_int_eq(dg_auth_parse(S("Digest username=\"u\", realm=\"r\", nonce=\"n\", "
					 "uri=\"sip:x\", response=\"00\", algorithm=MD5-sess"), &a), 0);
	ck_assert_int_eq(a.alg, -1);
	/* malformed ones */
	ck_assert_int_eq(dg_auth_parse(S("Basic dXNlcjpwYXNz"), &a), EINVAL);
	ck_assert_int_eq(dg_auth_parse(S("Digest username=\"u, realm=\"r\""), &a), EINVAL);
	ck_assert_int_eq(dg_auth_parse(S("Digest username=\"u\", realm=\"r\", nonce=\"n\""), &a),
			 EINVAL);
	ck_assert_int_eq(dg_auth_parse(S("Digest username"), &a), EINVAL);
}
END_TEST

/* A client's answer to one of our challenges, as a parsed dg_auth over buf. */
struct client {
	char hdr[1024];
	struct dg_auth a;
};

static void nonce_of(const char *chal, char *out, size_t n)
{
	const char *p = strstr(chal, "nonce=\"");
	ck_assert_ptr_nonnull(p);
	p += 7;
	size_t k = strcspn(p, "\"");
	ck_assert_uint_lt(k, n);
	memcpy(out, p, k);
	out[k] = 0;
}

static void answer(struct client *c, enum dg_alg alg, const char *nonce, const char *nc,
		   const char *password, const char *realm)
{
	char ha1[DG_HEX_MAX], resp[DG_HEX_MAX];
	ck_assert_int_eq(dg_ha1(alg, "op1", realm, password, ha1), 0);
	ck_assert_int_eq(dg_response(alg, ha1, S(nonce), S(nc), S("abc"), S("auth"), "REGISTER",
				     S("sip:127.0.0.1"), resp),
			 0);
	snprintf(c->hdr, sizeof c->hdr,
		 "Digest username=\"op1\", realm=\"%s\", nonce=\"%s\", uri=\"sip:127.0.0.1\", "
		 "response=\"%s\", algorithm=%s, qop=auth, nc=%s, cnonce=\"abc\"",
		 realm, nonce, resp, dg_alg_name(alg), nc);
	ck_assert_int_eq(dg_auth_parse(S(c->hdr), &c->a), 0);
}

START_TEST(test_challenge_both_sha256_first)
{
	struct dg_server *s;
	ck_assert_int_eq(dg_server_new(&s, "secretaryd", 10 * RB_US_PER_S), 0);
	char buf[1024];
	size_t len = 0;
	ck_assert_int_eq(dg_challenge(s, 1000, false, dg_preferred, 2, buf, sizeof buf, &len), 0);
	buf[len] = 0;
	const char *sha = strstr(buf, "algorithm=SHA-256"), *md5 = strstr(buf, "algorithm=MD5");
	ck_assert_ptr_nonnull(sha);
	ck_assert_ptr_nonnull(md5);
	ck_assert(sha < md5);
	ck_assert_ptr_null(strstr(buf, "stale"));
	/* two header lines */
	ck_assert_ptr_nonnull(strstr(strstr(buf, "WWW-Authenticate") + 1, "WWW-Authenticate"));
	static const enum dg_alg md5_only[] = {DG_MD5}, md5_first[] = {DG_MD5, DG_SHA256};
	ck_assert_int_eq(dg_challenge(s, 1000, false, md5_first, 2, buf, sizeof buf, &len), 0);
	buf[len] = 0;
	ck_assert(strstr(buf, "algorithm=MD5") < strstr(buf, "algorithm=SHA-256"));
	ck_assert_int_eq(dg_challenge(s, 1000, true, md5_only, 1, buf, sizeof buf, &len), 0);
	buf[len] = 0;
	ck_assert_ptr_null(strstr(buf, "SHA-256"));
	ck_assert_ptr_nonnull(strstr(buf, "stale=true"));
	ck_assert_int_eq(dg_challenge(s, 1000, false, md5_only, 0, buf, sizeof buf, &len), EINVAL);
	ck_assert_int_eq(dg_challenge(s, 1000, false, dg_preferred, 2, buf, 40, &len), ENOBUFS);
	dg_server_free(s);
}
END_TEST

START_TEST(test_verify_ok_and_refusals)
{
	struct dg_server *s, *other;
	ck_assert_int_eq(dg_server_new(&s, "secretaryd", 10 * RB_US_PER_S), 0);
	ck_assert_int_eq(dg_server_new(&other, "secretaryd", 10 * RB_US_PER_S), 0);
	char buf[1024], nonce[128], ha1[2][DG_HEX_MAX];
	size_t len;
	for (int a = 0; a < 2; a++)
		dg_ha1(a, "op1", "secretaryd", "pw", ha1[a]);
	struct sip_span ruri = S("sip:127.0.0.1");
	rb_us t0 = 5 * RB_US_PER_S;
	for (int a = 0; a < 2; a++) {
		struct client c;
		ck_assert_int_eq(dg_challenge(s, t0, false, dg_preferred, 2, buf, sizeof buf, &len), 0);
		buf[len] = 0;
		nonce_of(buf, nonce, sizeof nonce);
		answer(&c, a, nonce, "00000001", "pw", "secretaryd");
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 1), DG_OK);
		/* the same count again: a replay */
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 2), DG_REPLAY);
		/* the next count: fine */
		answer(&c, a, nonce, "00000002", "pw", "secretaryd");
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 3), DG_OK);
		/* a wrong password, and it burns no count */
		answer(&c, a, nonce, "00000003", "PW", "secretaryd");
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 4), DG_WRONG);
		answer(&c, a, nonce, "00000003", "pw", "secretaryd");
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 4), DG_OK);
		/* another method or Request-URI than the one hashed */
		answer(&c, a, nonce, "00000004", "pw", "secretaryd");
		ck_assert_int_eq(dg_verify(s, &c.a, "INVITE", ruri, ha1[a], t0 + 5), DG_WRONG);
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S("sip:10.0.0.1"), ha1[a], t0 + 5),
				 DG_BAD);
		/* the lifetime past: stale */
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a],
					   t0 + 10 * RB_US_PER_S + 1), DG_STALE);
		/* the same nonce at another server (another secret): foreign */
		ck_assert_int_eq(dg_verify(other, &c.a, "REGISTER", ruri, ha1[a], t0 + 5), DG_FOREIGN);
		/* another realm */
		answer(&c, a, nonce, "00000005", "pw", "elsewhere");
		ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", ruri, ha1[a], t0 + 5), DG_BAD);
	}
	dg_server_free(s);
	dg_server_free(other);
}
END_TEST

START_TEST(test_verify_altered_nonce_and_missing_qop)
{
	struct dg_server *s;
	ck_assert_int_eq(dg_server_new(&s, "secretaryd", 10 * RB_US_PER_S), 0);
	char buf[1024], nonce[128], ha1[DG_HEX_MAX];
	size_t len;
	dg_ha1(DG_MD5, "op1", "secretaryd", "pw", ha1);
	ck_assert_int_eq(dg_challenge(s, 0, false, dg_preferred, 2, buf, sizeof buf, &len), 0);
	buf[len] = 0;
	nonce_of(buf, nonce, sizeof nonce);
	struct client c;
	/* a nonce whose time was moved forward (to live longer): the MAC breaks */
	nonce[15] = nonce[15] == '0' ? '1' : '0';
	answer(&c, DG_MD5, nonce, "00000001", "pw", "secretaryd");
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), ha1, 1), DG_FOREIGN);
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), NULL, 1), DG_FOREIGN);
	/* RFC 2069 style (no qop): refused as malformed */
	nonce_of(buf, nonce, sizeof nonce);
	answer(&c, DG_MD5, nonce, "00000001", "pw", "secretaryd");
	c.a.qop = S("");
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), ha1, 1), DG_BAD);
	c.a.qop = S("auth");
	c.a.nc = S("1");
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), ha1, 1), DG_BAD);
	c.a.alg = -1;
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), ha1, 1), DG_ALG);
	/* bad realms at creation */
	struct dg_server *x;
	ck_assert_int_eq(dg_server_new(&x, "", 1), EINVAL);
	ck_assert_int_eq(dg_server_new(&x, "a\"b", 1), EINVAL);
	ck_assert_int_eq(dg_server_new(&x, "ok", 0), EINVAL);
	dg_server_free(s);
}
END_TEST

/* Nonces older than DG_SLOTS challenges lose their count slot: stale. */
START_TEST(test_forgotten_nonce_is_stale)
{
	struct dg_server *s;
	ck_assert_int_eq(dg_server_new(&s, "secretaryd", 100 * RB_US_PER_S), 0);
	char buf[1024], nonce[128], ha1[DG_HEX_MAX];
	size_t len;
	dg_ha1(DG_SHA256, "op1", "secretaryd", "pw", ha1);
	dg_challenge(s, 0, false, dg_preferred, 2, buf, sizeof buf, &len);
	buf[len] = 0;
	nonce_of(buf, nonce, sizeof nonce);
	for (unsigned i = 0; i < DG_SLOTS; i++)
		dg_challenge(s, 0, false, dg_preferred, 2, buf, sizeof buf, &len);
	struct client c;
	answer(&c, DG_SHA256, nonce, "00000001", "pw", "secretaryd");
	ck_assert_int_eq(dg_verify(s, &c.a, "REGISTER", S(""), ha1, 1), DG_STALE);
	dg_server_free(s);
}
END_TEST

static Suite *digest_suite(void)
{
	Suite *s = suite_create("sip_digest");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_rfc7616_vectors);
	tcase_add_test(tc, test_parse_rfc_header);
	tcase_add_test(tc, test_challenge_both_sha256_first);
	tcase_add_test(tc, test_verify_ok_and_refusals);
	tcase_add_test(tc, test_verify_altered_nonce_and_missing_qop);
	tcase_add_test(tc, test_forgotten_nonce_is_stale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(digest_suite());
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
