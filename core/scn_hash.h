/*
 * scn_hash: the fingerprint of a scenario's load, for pairing result folders.
 *
 * Two runs can be compared call for call (common random numbers, rv.h) when
 * the same seed gives them the same callers: same load, same seed, same
 * random-stream layout (RV_STREAM_LAYOUT). scn_load_hash() hashes the parsed
 * scenario's load, not the file's text, so comments, key order or a changed
 * staffing leave it alone, and an override applied to the struct (a sweep's
 * rate scale) is hashed as run.
 *
 * Hashed, in this order (SHA-256 of an explicit serialisation: integers as 8
 * little-endian bytes, doubles as the 8 little-endian bytes of their IEEE-754
 * bits with -0 as 0, strings as their length then their bytes, NULL as the
 * length 2^64-1, arrays as their count then their items; distributions as
 * kind, a, b and the empirical values):
 *   ring period, warm-up;
 *   tenants: id, share, forwarding, no-answer delay;
 *   callers: patience, redial (on, probability, delay); per type: name,
 *     share, talk, screening probability, screened talk (when screened),
 *     whether it refuses a callback number;
 *   load: per phase its name, duration and rate, per burst its offset,
 *     spread and calls;
 *   a trace (load: {trace: FILE}), only when there is one, so that other
 *     scenarios keep their hashes: the count of calls, then per call in dial
 *     order its dial instant, no-answer delay, forwarding, tenant and caller
 *     type indexes, screened flag, recorded talk, recorded patience, the
 *     least patience seen and the redial flag (core/trace.h).
 * Not hashed, being staffing (they decide who answers, never who calls):
 * operators, backup, shifts, floors (their sizes and which tenant each
 * serves), pick-up, wrap-up, join_after_rings; nor names, numbers, targets,
 * seed, replications or server settings.
 */
#ifndef RB_SCN_HASH_H
#define RB_SCN_HASH_H

#include <stdint.h>

#include "scn.h"

/*
 * Writes the load's SHA-256 into hex (64 lower-case hex digits and a NUL).
 * Returns 0, EINVAL (s or hex NULL) or ENOMEM; hex is untouched on failure.
 */
int scn_load_hash(const struct scenario *s, char hex[65]);

/*
 * The pairing key of a run: the SHA-256, in hex, of the ASCII text
 * "<load_hex>:<seed>:<layout>" (seed and layout in decimal). Two result
 * folders pair when their keys are equal. Returns 0, EINVAL or ENOMEM.
 */
int scn_pairing_key(const char *load_hex, uint64_t seed, int layout, char hex[65]);

#endif
