/*
 * tenant_rules: the answering service's own rules for a tenant (docs/service.md
 * Q6, Q8, Q9, Q10), and the tenant settings that may change at run time.
 *
 *   struct trule_set *ts;
 *   trules_set_from_scn(scn, &ts, err, sizeof err);  validates every tenant
 *   trules_summary(stdout, ts);                      the configuration summary
 *   const struct trule_tenant *t = trules_find(ts, "acme");
 *   trules_mobile(t, caller_number, gave_callback);  what the operator did
 *   trules_is_test_call(t, from_user, caller_type);
 *
 * Answering names (Q9): a name that makes callers expect a help desk is
 * refused. The built-in labels (trules_builtin_labels) are matched as
 * substrings after folding case, full-width ASCII, spaces, '-', '_' and the
 * katakana middle dot, so "Help-Desk" and "カスタマー・サービス" are caught;
 * the scenario's server.refused_labels add to them.
 *
 * Changes (Q10): a struct trule_set is immutable once built; a change makes a
 * new set (trules_set_from_scn on a re-read file, trules_set_put for one
 * tenant's JSON), validated whole: an invalid change fails and the old set
 * stays. struct trules_hist keeps every set with the wall-clock instant it
 * took effect, so a call uses the settings in force when its INVITE arrived
 * (calls in progress keep the settings they started with).
 *
 * Single-threaded: secretaryd calls all of this on its loop's thread.
 */
#ifndef RB_TENANT_RULES_H
#define RB_TENANT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rbtime.h"
#include "scn.h"

/* A spot registration (the mobile number given to one listed caller), yen. */
#define TRULES_SPOT_FEE_YEN 220

/* One tenant's settings: the ones that may change at run time, and the
 * number and id that identify it (which may not). Owned by its set. */
struct trule_tenant {
	char *id;
	char *number;
	char *name;          /* answering name; NULL: none given (reports use the id) */
	char *report_to;     /* NULL: no report address (reports are not sent) */
	enum scn_mobile mobile;
	char **listed;       /* MOBILE_LISTED: callers' numbers */
	size_t n_listed;
	char *mobile_number; /* NULL: none registered */
};

struct trule_set {
	struct trule_tenant *t;
	size_t n;
	char **refused;      /* the extra labels (server.refused_labels) */
	size_t n_refused;
};

/* The built-in refused labels; *n gets their count. Static storage. */
const char *const *trules_builtin_labels(size_t *n);

/*
 * Checks an answering name against the built-in labels and the extra ones.
 * Returns 0 when it may be used, EINVAL when refused (*label, when not NULL,
 * then points at the offending label as listed: built-in or extra[i]).
 */
int trules_check_name(const char *name, char *const *extra, size_t n_extra, const char **label);

/*
 * Builds a set from a scenario's tenants and server.refused_labels, and
 * validates it (trules_validate). Returns 0 and a new set in *out (free with
 * trules_set_free), EINVAL with a message naming the tenant and the problem
 * in err, or ENOMEM.
 */
int trules_set_from_scn(const struct scenario *s, struct trule_set **out, char *err, size_t errlen);

/*
 * Validates every tenant: answering name (the refused labels), report
 * address (local@domain, no spaces, brackets or control characters, at most
 * 254 bytes), listed numbers only with mobile_disclosure listed, each a
 * phone number (digits, '+', '-'). Returns 0 or EINVAL with
 * "tenant 'acme': answering name 'X' contains the refused label 'Y' ..." in err.
 * A policy any/listed without a mobile number is allowed (a warning: the
 * reports then say none is registered).
 */
int trules_validate(const struct trule_set *ts, char *err, size_t errlen);

/*
 * PUT /api/tenants/<id>: a copy of cur with tenant id changed by the JSON
 * object body ({"name", "report_to", "mobile_disclosure": "none" | "any" |
 * {"listed": [...]}, "mobile_number": "..." | null}; keys absent stay).
 * Returns 0 and the new validated set in *out; ENOENT for an unknown tenant;
 * EINVAL (message in err) for bad JSON, an unknown key, a wrong type or a
 * refused value; ENOMEM. cur is never changed.
 */
int trules_set_put(const struct trule_set *cur, const char *id, const char *body, size_t len,
		   struct trule_set **out, char *err, size_t errlen);

/*
 * SIGHUP: is next (from the re-read file) a change of cur's settings only?
 * Tenants must be the same, in the same order, with the same numbers (adding,
 * removing or renumbering needs a restart). Returns 0 or EINVAL with why.
 */
int trules_same_tenants(const struct trule_set *cur, const struct trule_set *next, char *err,
			size_t errlen);

void trules_set_free(struct trule_set *ts);

/* The tenant with this id, or NULL. */
const struct trule_tenant *trules_find(const struct trule_set *ts, const char *id);

/* What the operator did about the tenant's mobile number (Q8). */
enum trule_mobile_act {
	TMOB_NOT_NEEDED = 0,   /* the caller gave a callback number */
	TMOB_OFFERED,          /* the mobile number was given to the caller */
	TMOB_POLICY_NONE,      /* not given: the tenant's policy is none */
	TMOB_NOT_LISTED,       /* not given: policy listed, the caller is not on the list */
	TMOB_NONE_REGISTERED,  /* not given: the policy allows it but no number is registered */
};
enum trule_mobile_act trules_mobile(const struct trule_tenant *t, const char *caller_number,
				    bool gave_callback);
/* A short English word for act ("offered", "policy-none", ...), for logs and headers. */
const char *trules_mobile_act_name(enum trule_mobile_act act);

/* A test call (Q6): from the tenant's own number, or caller type "test". */
bool trules_is_test_call(const struct trule_tenant *t, const char *from_user,
			 const char *caller_type);

/* The tenant's spot registration fees in yen (220 per listed caller). */
long trules_fee_yen(const struct trule_tenant *t);

/* Prints the configuration summary: each tenant's answering name, report
 * address, mobile policy and registration fees. */
void trules_summary(FILE *f, const struct trule_set *ts);

/*
 * The history of sets, each with the wall-clock instant it took effect.
 * trules_hist_push takes ownership of ts. trules_hist_at gives the set in
 * force at epoch (the oldest set for an earlier instant), NULL when empty.
 * trules_hist_current is the newest. trules_hist_prune frees sets replaced
 * before `before` (no call that old can still need them), keeping the one in
 * force then.
 */
struct trules_hist {
	struct trules_hist_ent {
		struct trule_set *ts;
		rb_us since;
	} *v;
	size_t n, cap;
};
int trules_hist_push(struct trules_hist *h, struct trule_set *ts, rb_us since);
const struct trule_set *trules_hist_at(const struct trules_hist *h, rb_us epoch);
const struct trule_set *trules_hist_current(const struct trules_hist *h);
void trules_hist_prune(struct trules_hist *h, rb_us before);
void trules_hist_free(struct trules_hist *h);

#endif
