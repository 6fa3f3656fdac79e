/*
 * registrar: secretaryd's SIP registrar (RFC 3261 10.3) for its operators,
 * the users of the operators file (opfile.h), with Digest authentication
 * (sip_digest.h). It keeps each user's contact bindings and tells the
 * center when they change; it sends nothing itself: registrar_handle() says
 * what to answer and the SIP layer builds the response.
 *
 *   struct registrar *r; registrar_new(&r, opfile, &opts, &hooks);
 *   struct reg_answer ans;
 *   registrar_handle(r, &register_msg, "udp 127.0.0.1:5062", now, &ans);
 *       -> reply ans.status (ans.reason) with the ans.hdrs lines
 *   rb_us next = registrar_expire(r, now);   removes lapsed bindings; the
 *                                            next due time (INT64_MAX: none)
 *   registrar_contacts(r, "op3", list, 8);   whom to ring for staff op3
 *
 * How it answers a REGISTER, in order:
 *   no Authorization for our realm        401, a challenge with the To
 *                                         user's `digest` list (opfile.h;
 *                                         an unknown To: the file's, by
 *                                         default SHA-256 then MD5)
 *   Authorization malformed (no qop=auth,
 *     digest uri not the Request-URI)     400 Bad Authorization
 *   nonce not ours, or its count replayed 401, a fresh challenge; but a
 *                                         copy of a REGISTER already applied
 *                                         (a binding has its Call-ID and
 *                                         CSeq): 200 again, nothing changed
 *   nonce too old                         401 with stale=true
 *   username not in the file              403 Forbidden
 *   wrong password                        403 Forbidden (the same answer as
 *                                         an unknown user: no user list
 *                                         leaks; the log says which)
 *   an algorithm not in the user's list   401 with the user's list
 *   To's user not the authenticated one   403 (RFC 3261 10.3 step 4: not
 *                                         authorised for that AOR)
 *   To's user not an operator             404 Not Found (step 5; reached
 *                                         only by an authenticated user)
 *   Contact '*' without Expires: 0, or
 *     '*' with other contacts             400
 *   an expiry under min_expires           423 Interval Too Brief, Min-Expires
 *   same Call-ID, CSeq not higher         500 (step 7: out of order)
 *   more than REG_MAX_CONTACTS bindings   403 Too Many Contacts
 *   otherwise                             200 with every binding of the
 *                                         user, each ;expires=remaining
 * A request is applied whole or not at all. An expiry above max_expires is
 * cut to it. Contacts are compared by their URI text, case-insensitively
 * (simpler than RFC 3261 19.1.4; phones send the same text each time).
 * Static contacts from the file are bindings that never lapse and that
 * '*' does not remove; a 200 lists only registered ones.
 */
#ifndef RB_REGISTRAR_H
#define RB_REGISTRAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opfile.h"
#include "rbtime.h"
#include "sipmsg.h"

#define REG_MAX_CONTACTS 8
#define REG_SOURCE_MAX 72

struct reg_binding {
	char uri[OPF_URI_MAX];       /* the Contact URI, without <> */
	char source[REG_SOURCE_MAX]; /* where the REGISTER came from: "udp 127.0.0.1:5062" */
	char call_id[128];
	uint32_t cseq;
	rb_us expires;               /* monotonic due time; INT64_MAX: static */
	bool is_static;
};

struct reg_opts {
	rb_us min_expires;     /* 60 s */
	rb_us max_expires;     /* 3600 s */
	rb_us default_expires; /* 3600 s: no Expires anywhere */
	rb_us nonce_lifetime;  /* 300 s */
};
void reg_opts_default(struct reg_opts *o);

enum reg_event {
	REG_BOUND = 0,  /* a new contact */
	REG_REFRESHED,  /* a contact registered again */
	REG_UNBOUND,    /* removed by its user (expires 0, or '*') */
	REG_EXPIRED,    /* lapsed */
};
const char *reg_event_name(enum reg_event e);

/* Called on the caller's thread for each change; n_now is the user's
 * contacts after it (static ones included). */
struct reg_hooks {
	void (*changed)(const struct op_cred *op, const struct reg_binding *b, enum reg_event ev,
			size_t n_now, void *arg);
	void *arg;
};

struct registrar;

/* f must outlive the registrar. Returns 0, EINVAL (bad opts), ENOMEM, EIO. */
int registrar_new(struct registrar **out, const struct opfile *f, const struct reg_opts *o,
		  const struct reg_hooks *h);
void registrar_free(struct registrar *r);

struct reg_answer {
	int status;
	const char *reason;    /* NULL: the usual phrase */
	char hdrs[4096];       /* extra header lines, each ending in CRLF */
	size_t hdrs_len;
	const char *why;       /* for the log: "wrong password", ... */
};

/* Decides the answer to a REGISTER m from source (transport and address,
 * kept with the bindings) at monotonic time now. */
void registrar_handle(struct registrar *r, const struct sipmsg *m, const char *source, rb_us now,
		      struct reg_answer *out);

/* Removes the bindings due by now (REG_EXPIRED); returns the next due time
 * (INT64_MAX when no binding can lapse). */
rb_us registrar_expire(struct registrar *r, rb_us now);

/* The user answering as staff ("op3"), or NULL. */
const struct op_cred *registrar_staff(const struct registrar *r, const char *staff);
/* Up to max of that user's bindings (static ones first) into out; returns
 * how many it has. */
size_t registrar_contacts(const struct registrar *r, const struct op_cred *op,
			  const struct reg_binding **out, size_t max);

struct reg_counts {
	size_t users;           /* in the file */
	size_t reachable;       /* with at least one contact (registered or static) */
	size_t registered;      /* with at least one registered contact */
	size_t bindings;        /* registered contacts */
	uint64_t requests, ok, challenged, stale, refused_auth, refused_other, expired;
};
void registrar_counts(const struct registrar *r, struct reg_counts *out);

#endif
