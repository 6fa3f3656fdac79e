/*
 * sip_digest: Digest authentication's server side (sip_digest.h says what
 * and why). The nonce is 64 hex digits: 8 bytes of creation time
 * (microseconds of the caller's clock), 8 bytes of serial number, and the
 * first 16 bytes of HMAC-SHA-256(secret, realm || time || serial).
 */
#include "sip_digest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define NONCE_RAW 32
#define NONCE_HEX (2 * NONCE_RAW)
#define MAC_LEN 16

struct nc_slot {
	uint64_t serial; /* the nonce that owns the slot; 0: none */
	uint32_t nc;     /* the highest count accepted */
};

struct dg_server {
	char realm[256];
	unsigned char secret[32];
	rb_us lifetime;
	uint64_t serial;
	struct nc_slot slots[DG_SLOTS];
};

static const char *const alg_names[DG_ALG_COUNT] = {"MD5", "SHA-256"};

const char *dg_alg_name(enum dg_alg a)
{
	return (unsigned)a < DG_ALG_COUNT ? alg_names[a] : "?";
}

int dg_alg_parse(struct sip_span name)
{
	for (int a = 0; a < DG_ALG_COUNT; a++)
		if (sipmsg_span_ieq(name, alg_names[a]))
			return a;
	return -1;
}

const char *dg_result_name(enum dg_result r)
{
	static const char *const n[] = {"ok", "malformed", "foreign nonce", "stale nonce",
					"replayed nonce count", "wrong response", "algorithm"};
	return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "?";
}

/* ---- hashing ---- */

static const EVP_MD *md_of(enum dg_alg a)
{
	return a == DG_SHA256 ? EVP_sha256() : EVP_md5();
}

/* H(parts[0] ":" parts[1] ":" ...) in lower-case hex. */
static int hash_join(enum dg_alg a, const struct sip_span *parts, size_t n, char out[DG_HEX_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, md_of(a), NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok && parts[i].len)
			ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || 2 * mdlen >= DG_HEX_MAX)
		return EIO;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int dg_ha1(enum dg_alg a, const char *user, const char *realm, const char *password,
	   char out[DG_HEX_MAX])
{
	struct sip_span p[3] = {sip_span_cstr(user), sip_span_cstr(realm), sip_span_cstr(password)};
	return hash_join(a, p, 3, out);
}

int dg_response(enum dg_alg a, const char *ha1, struct sip_span nonce, struct sip_span nc,
		struct sip_span cnonce, struct sip_span qop, const char *method,
		struct sip_span uri, char out[DG_HEX_MAX])
{
	char ha2[DG_HEX_MAX];
	struct sip_span p2[2] = {sip_span_cstr(method), uri};
	int e = hash_join(a, p2, 2, ha2);
	if (e)
		return e;
	struct sip_span p[6] = {sip_span_cstr(ha1), nonce, nc, cnonce, qop, sip_span_cstr(ha2)};
	return hash_join(a, p, 6, out);
}

/* ---- the Authorization header ---- */

static bool is_lws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Reads one name=value at *pp (up to e); value without its quotes. */
static int next_param(const char **pp, const char *e, struct sip_span *name, struct sip_span *val)
{
	const char *p = *pp;
	while (p < e && (is_lws(*p) || *p == ','))
		p++;
	if (p == e)
		return ENOENT;
	const char *n0 = p;
	while (p < e && *p != '=' && *p != ',' && !is_lws(*p))
		p++;
	*name = sip_span_make(n0, (size_t)(p - n0));
	while (p < e && is_lws(*p))
		p++;
	if (p == e || *p != '=' || name->len == 0)
		return EINVAL;
	for (p++; p < e && is_lws(*p); p++)
		;
	if (p < e && *p == '"') {
		const char *v0 = ++p;
		while (p < e && *p != '"')
			p += *p == '\\' && p + 1 < e ? 2 : 1;
		if (p >= e)
			return EINVAL;
		*val = sip_span_make(v0, (size_t)(p - v0));
		p++;
	} else {
		const char *v0 = p;
		while (p < e && *p != ',' && !is_lws(*p))
			p++;
		*val = sip_span_make(v0, (size_t)(p - v0));
	}
	*pp = p;
	return 0;
}

static void take(struct dg_auth *a, struct sip_span name, struct sip_span val)
{
	static const struct {
		const char *n;
		size_t off;
	} f[] = {
	    {"username", offsetof(struct dg_auth, username)},
	    {"realm", offsetof(struct dg_auth, realm)},
	    {"nonce", offsetof(struct dg_auth, nonce)},
	    {"uri", offsetof(struct dg_auth, uri)},
	    {"response", offsetof(struct dg_auth, response)},
	    {"algorithm", offsetof(struct dg_auth, algorithm)},
	    {"cnonce", offsetof(struct dg_auth, cnonce)},
	    {"nc", offsetof(struct dg_auth, nc)},
	    {"qop", offsetof(struct dg_auth, qop)},
	    {"opaque", offsetof(struct dg_auth, opaque)},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (sipmsg_span_ieq(name, f[i].n)) {
			*(struct sip_span *)((char *)a + f[i].off) = val;
			return;
		}
	/* an unknown parameter is ignored (RFC 7616 3.4) */
}

int dg_auth_parse(struct sip_span value, struct dg_auth *out)
{
	memset(out, 0, sizeof *out);
	const char *p = value.p, *e = value.p + value.len;
	while (p < e && is_lws(*p))
		p++;
	if (e - p < 7 || strncasecmp(p, "Digest", 6) || !is_lws(p[6]))
		return EINVAL;
	p += 6;
	struct sip_span n, v;
	int r;
	while ((r = next_param(&p, e, &n, &v)) == 0)
		take(out, n, v);
	if (r != ENOENT)
		return EINVAL;
	if (!out->username.len || !out->realm.p || !out->nonce.len || !out->uri.len ||
	    !out->response.len)
		return EINVAL;
	out->alg = out->algorithm.len ? dg_alg_parse(out->algorithm) : DG_MD5;
	return 0;
}

/* ---- nonces ---- */

int dg_server_new(struct dg_server **out, const char *realm, rb_us lifetime)
{
	*out = NULL;
	if (!realm || !*realm || strlen(realm) >= sizeof((struct dg_server *)0)->realm ||
	    strpbrk(realm, "\"\\\r\n") || lifetime <= 0)
		return EINVAL;
	struct dg_server *s = calloc(1, sizeof *s);
	if (!s)
		return ENOMEM;
	if (RAND_bytes(s->secret, sizeof s->secret) != 1) {
		free(s);
		return EIO;
	}
	snprintf(s->realm, sizeof s->realm, "%s", realm);
	s->lifetime = lifetime;
	*out = s;
	return 0;
}

void dg_server_free(struct dg_server *s)
{
	if (s)
		OPENSSL_cleanse(s->secret, sizeof s->secret);
	free(s);
}

const char *dg_server_realm(const struct dg_server *s)
{
	return s->realm;
}

static void put_u64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
}

static uint64_t get_u64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* raw[0..16) holds time and serial; writes the MAC into raw[16..32). */
static int nonce_mac(const struct dg_server *s, unsigned char raw[NONCE_RAW])
{
	unsigned char in[sizeof s->realm + 16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t rl = strlen(s->realm);
	memcpy(in, s->realm, rl);
	memcpy(in + rl, raw, 16);
	if (!HMAC(EVP_sha256(), s->secret, sizeof s->secret, in, rl + 16, md, &mdlen) ||
	    mdlen < MAC_LEN)
		return EIO;
	memcpy(raw + 16, md, MAC_LEN);
	return 0;
}

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decodes and authenticates a nonce: 0 (time and serial out), or DG_FOREIGN. */
static enum dg_result nonce_open(const struct dg_server *s, struct sip_span n, rb_us *t,
				 uint64_t *serial)
{
	unsigned char raw[NONCE_RAW], want[NONCE_RAW];
	if (n.len != NONCE_HEX)
		return DG_FOREIGN;
	for (size_t i = 0; i < NONCE_RAW; i++) {
		int hi = hexval(n.p[2 * i]), lo = hexval(n.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return DG_FOREIGN;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(want, raw, 16);
	if (nonce_mac(s, want) || CRYPTO_memcmp(want + 16, raw + 16, MAC_LEN))
		return DG_FOREIGN;
	*t = (rb_us)get_u64(raw);
	*serial = get_u64(raw + 8);
	return DG_OK;
}

const enum dg_alg dg_preferred[DG_ALG_COUNT] = {DG_SHA256, DG_MD5};

int dg_challenge(struct dg_server *s, rb_us now, bool stale, const enum dg_alg *algs, size_t n_algs,
		 char *buf, size_t n, size_t *len)
{
	if (!n_algs)
		return EINVAL;
	for (size_t i = 0; i < n_algs; i++)
		if ((unsigned)algs[i] >= DG_ALG_COUNT)
			return EINVAL;
	unsigned char raw[NONCE_RAW];
	uint64_t serial = ++s->serial;
	put_u64(raw, (uint64_t)now);
	put_u64(raw + 8, serial);
	if (nonce_mac(s, raw))
		return EIO;
	char hex[NONCE_HEX + 1];
	for (size_t i = 0; i < NONCE_RAW; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	struct nc_slot *sl = &s->slots[serial % DG_SLOTS];
	sl->serial = serial;
	sl->nc = 0;
	size_t off = 0;
	for (size_t i = 0; i < n_algs; i++) {
		int k = snprintf(buf + off, n - off,
				 "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", "
				 "algorithm=%s, qop=\"auth\"%s\r\n",
				 s->realm, hex, dg_alg_name(algs[i]), stale ? ", stale=true" : "");
		if (k < 0 || (size_t)k >= n - off)
			return ENOBUFS;
		off += (size_t)k;
	}
	*len = off;
	return 0;
}

/* nc is 8 hex digits (RFC 7616 3.4). */
static bool parse_nc(struct sip_span s, uint32_t *out)
{
	uint32_t v = 0;
	if (s.len != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		int h = hexval((char)(s.p[i] | 0x20));
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return true;
}

enum dg_result dg_verify(struct dg_server *s, const struct dg_auth *a, const char *method,
			 struct sip_span ruri, const char *ha1, rb_us now)
{
	uint32_t nc = 0;
	if (a->alg < 0)
		return DG_ALG;
	if (!sipmsg_span_ieq(a->qop, "auth") || !a->cnonce.len || !parse_nc(a->nc, &nc) ||
	    nc == 0 || !sipmsg_span_ieq(a->realm, s->realm))
		return DG_BAD;
	if (ruri.len && (ruri.len != a->uri.len || memcmp(ruri.p, a->uri.p, ruri.len)))
		return DG_BAD;
	rb_us t;
	uint64_t serial;
	enum dg_result r = nonce_open(s, a->nonce, &t, &serial);
	if (r != DG_OK)
		return r;
	struct nc_slot *sl = &s->slots[serial % DG_SLOTS];
	if (now - t > s->lifetime || now < t || sl->serial != serial)
		return DG_STALE;
	char want[DG_HEX_MAX];
	if (!ha1 || dg_response((enum dg_alg)a->alg, ha1, a->nonce, a->nc, a->cnonce, a->qop,
				method, a->uri, want))
		return DG_WRONG;
	size_t wl = strlen(want);
	char got[DG_HEX_MAX];
	if (a->response.len != wl)
		return DG_WRONG;
	for (size_t i = 0; i < wl; i++) /* hex digits in either case */
		got[i] = (char)(a->response.p[i] | (a->response.p[i] >= 'A' ? 0x20 : 0));
	if (CRYPTO_memcmp(got, want, wl))
		return DG_WRONG;
	if (nc <= sl->nc)
		return DG_REPLAY;
	sl->nc = nc;
	return DG_OK;
}
