/*
 * opfile: secretaryd's operators file (--operators-file), the SIP users who
 * answer as the center's operators and backup staff: who they are, how they
 * prove it (a password, or its HA1 digests), which staff member of the
 * scenario they answer as, and optionally a static contact. A file, never
 * the command line (a password there shows in ps and shell history).
 * docs/secretaryd.md gives the format:
 *
 *   realm: secretaryd            # optional (the default): the digest realm
 *   digest: [sha256, md5]        # optional (the default): the challenge's
 *                                #   algorithms, preferred first
 *   operators:
 *     - user: alice              # the SIP user name (REGISTER's To and
 *       password: "s3cret"       #   Authorization username)
 *       staff: op1               # opN or backupN, as the scenario numbers them
 *     - user: bob
 *       ha1_md5: 5f4dcc3b...     # H(user:realm:password), 32 hex digits
 *       ha1_sha256: 8e3d...      # 64 hex digits; either or both
 *       staff: backup1
 *       contact: sip:bob@192.0.2.7:5060   # static: rung without REGISTER
 *       digest: [md5]            # this user's challenge (an MD5-only phone)
 *
 * Bad input is reported "file:line:column: what was expected".
 */
#ifndef RB_OPFILE_H
#define RB_OPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sip_digest.h"

#define OPF_USER_MAX 64
#define OPF_STAFF_MAX 16
#define OPF_URI_MAX 256
#define OPF_REALM_MAX 128

struct op_cred {
	char user[OPF_USER_MAX];
	char staff[OPF_STAFF_MAX];        /* "op3", "backup1" */
	bool backup;                      /* staff is backupN */
	int staff_id;                     /* N */
	char ha1[DG_ALG_COUNT][DG_HEX_MAX]; /* lower-case hex; "" when not known */
	char contact[OPF_URI_MAX];        /* a static contact URI; "" none */
	enum dg_alg digest[DG_ALG_COUNT]; /* the user's challenge, in order: only */
	size_t n_digest;                  /* algorithms with an HA1; >= 1 */
	unsigned line;                    /* where the entry starts (1-based) */
};

struct opfile {
	char realm[OPF_REALM_MAX];
	enum dg_alg digest[DG_ALG_COUNT]; /* the default challenge, in order */
	size_t n_digest;
	struct op_cred *ops;
	size_t n;
	bool world_readable;              /* the file's mode lets others read it */
};

/*
 * Reads path. Returns 0, or EINVAL with "path:line:column: ..." in err (not
 * YAML, an unknown key, a missing user / staff / credential, a password and
 * an HA1 both given, a malformed HA1, a staff id not opN or backupN, a user
 * or staff named twice, a contact that is not a sip: or sips: URI), or the
 * errno of opening it ("path: No such file...").
 */
int opfile_load(const char *path, struct opfile **out, char *err, size_t errlen);
void opfile_free(struct opfile *f);

/* The entry for a SIP user name (case-sensitive, RFC 3261 19.1.4), or NULL. */
const struct op_cred *opfile_user(const struct opfile *f, const char *user, size_t len);

#endif
