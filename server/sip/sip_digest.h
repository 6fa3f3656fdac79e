/*
 * sip_digest: HTTP Digest authentication as SIP uses it (RFC 3261 22, with
 * RFC 7616's SHA-256 as RFC 8760 brings it to SIP), the server's side: the
 * challenges, the Authorization header's parse, the check of a response.
 * qop=auth only (no auth-int, no -sess variants). Hashes are OpenSSL's EVP.
 *
 *   struct dg_server *s; dg_server_new(&s, "secretaryd", 300 * RB_US_PER_S);
 *   dg_challenge(s, now, false, dg_preferred, 2, buf, sizeof buf, &len);
 *       -> two WWW-Authenticate lines, SHA-256 first then MD5 (RFC 8760
 *          2.4: a client takes the first it supports). Beware: Debian 12's
 *          SIPp 3.6.1 reads only the first algorithm= of the challenge and
 *          gives up on SHA-256, and its baresip 1.0.0 (libre 1.1.0) fails
 *          on any non-MD5 header; such clients need an MD5-only challenge
 *          (the operators file's per-user `digest` list says so).
 *   struct dg_auth a; dg_auth_parse(hdr_value, &a);
 *   dg_verify(s, &a, "REGISTER", ha1_of_user_for(a.alg), now);
 *
 * Nonces are the server's own: the time they were made, a serial number and
 * an HMAC-SHA-256 of both under a secret drawn at start, so a nonce another
 * server (or a forger) made is refused, and one older than the lifetime is
 * "stale" (the client answers the new challenge without asking its user,
 * RFC 7616 3.3). The nonce count (nc) must grow for each nonce: a replayed
 * or reordered Authorization is refused. Nonce counts are kept for the last
 * DG_SLOTS nonces made (1 MB); an older nonce is treated as stale.
 *
 * Not thread-safe (secretaryd's loop calls it).
 */
#ifndef RB_SIP_DIGEST_H
#define RB_SIP_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"
#include "sipmsg.h"

enum dg_alg { DG_MD5 = 0, DG_SHA256 = 1, DG_ALG_COUNT };
/* The usual order of a challenge: SHA-256 first, then MD5 (RFC 8760). */
extern const enum dg_alg dg_preferred[DG_ALG_COUNT];

/* A hex digest and its NUL: 32 hex digits for MD5, 64 for SHA-256. */
#define DG_HEX_MAX 65
#define DG_SLOTS 65536u

/* "MD5", "SHA-256". */
const char *dg_alg_name(enum dg_alg a);
/* The algorithm named (case-insensitive); -1 for another (MD5-sess...). */
int dg_alg_parse(struct sip_span name);

/*
 * HA1 = H(username ":" realm ":" password) in lower-case hex into out
 * (DG_HEX_MAX bytes). Returns 0 or EIO (the hash failed).
 */
int dg_ha1(enum dg_alg a, const char *user, const char *realm, const char *password,
	   char out[DG_HEX_MAX]);
/*
 * The expected response for qop=auth:
 *   H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri)).
 * Returns 0 or EIO.
 */
int dg_response(enum dg_alg a, const char *ha1, struct sip_span nonce, struct sip_span nc,
		struct sip_span cnonce, struct sip_span qop, const char *method,
		struct sip_span uri, char out[DG_HEX_MAX]);

/* An Authorization (or Proxy-Authorization) header's Digest parameters;
 * spans point into the parsed value. A parameter absent is empty. */
struct dg_auth {
	struct sip_span username, realm, nonce, uri, response, algorithm, cnonce, nc, qop,
	    opaque;
	int alg; /* enum dg_alg; MD5 when algorithm= is absent (RFC 2617);
		    -1 for an algorithm not supported */
};

/*
 * Parses 'Digest username="op1", realm="x", ...'. Returns 0, or EINVAL when
 * the scheme is not Digest or a parameter is malformed (an unterminated
 * quoted string, a name without '='), or a required parameter (username,
 * realm, nonce, uri, response) is missing.
 */
int dg_auth_parse(struct sip_span value, struct dg_auth *out);

struct dg_server;

/* Returns 0, EINVAL (empty realm, a quote in it, lifetime <= 0), ENOMEM or
 * EIO (no random secret). */
int dg_server_new(struct dg_server **out, const char *realm, rb_us lifetime);
void dg_server_free(struct dg_server *s);
const char *dg_server_realm(const struct dg_server *s);

/*
 * Writes the challenge header lines (each "WWW-Authenticate: Digest
 * realm=..., nonce=..., algorithm=..., qop=\"auth\"[, stale=true]\r\n"),
 * one per algorithm of algs[0..n) in that order (RFC 8760 2.4: the
 * preferred first), all with one fresh nonce.
 * Returns 0 with the length in *len, ENOBUFS, EINVAL (n 0, an unknown
 * algorithm) or EIO.
 */
int dg_challenge(struct dg_server *s, rb_us now, bool stale, const enum dg_alg *algs, size_t n_algs,
		 char *buf, size_t n, size_t *len);

enum dg_result {
	DG_OK = 0,
	DG_BAD,      /* malformed: no qop=auth, no nc or cnonce, another realm */
	DG_FOREIGN,  /* a nonce this server did not make: challenge again */
	DG_STALE,    /* our nonce, too old (or forgotten): challenge, stale=true */
	DG_REPLAY,   /* the nonce count did not grow: refuse */
	DG_WRONG,    /* the response does not match: a wrong password */
	DG_ALG,      /* an algorithm not supported */
};
const char *dg_result_name(enum dg_result r);

/*
 * Checks a's response against ha1 (the user's HA1 for a->alg) for a request
 * of method whose Request-URI is ruri (the digest uri must be it, RFC 2617
 * 3.2.2.5; an empty ruri skips that check). The nonce count is recorded
 * only when the response matches, so a wrong guess cannot burn a count.
 */
enum dg_result dg_verify(struct dg_server *s, const struct dg_auth *a, const char *method,
			 struct sip_span ruri, const char *ha1, rb_us now);

#endif
