/*
 * sha256: SHA-256 for the scenario's fingerprints (scn_load's sha256 of the
 * file, scn_hash's load hash and pairing key), by libgcrypt.
 *
 * Not OpenSSL: libcrypto was the only reason `ringbench` loaded it, and a
 * process that hashes once pays its start-up whole: 3.9 M instructions to
 * bind its 4,200 symbols at load (it is linked -z now) and 5.3 M for the
 * first EVP_Digest (providers, configuration), a quarter of a 2,000-call
 * model run (callgrind). libgcrypt is in the process already (libpcap ->
 * libdbus -> libsystemd) and starts in about 0.1 M.
 */
#ifndef RB_SHA256_H
#define RB_SHA256_H

#include <stddef.h>

#define RB_SHA256_LEN 32

/* A digest being made; ok turns false on any failure (out of memory). */
struct rb_sha256 {
	void *h;
	int ok;
};

/* Starts one; c->ok false when it could not be. */
void rb_sha256_open(struct rb_sha256 *c);
/* Adds n bytes at p. */
void rb_sha256_put(struct rb_sha256 *c, const void *p, size_t n);
/* The digest into md and the context freed: 0, or ENOMEM (nothing in md). */
int rb_sha256_close(struct rb_sha256 *c, unsigned char md[RB_SHA256_LEN]);
/* The digest of n bytes at p: 0 or ENOMEM. */
int rb_sha256(const void *p, size_t n, unsigned char md[RB_SHA256_LEN]);

#endif
