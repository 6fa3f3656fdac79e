/*
 * tenant_rules: answering-name labels, validation, the mobile policy, test
 * calls, the configuration summary (tenant_rules.h). The JSON change of one
 * tenant (PUT) is tenant_rules_put.c; the history of sets tenant_rules_hist.c.
 */
#define LOG_TAG "tenant"
#include "tenant_rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tenant_rules_int.h"

/* docs/service.md Q9: labels that make callers expect the operator to solve their
 * problem. docs/secretaryd-reports.md lists them. */
static const char *const builtin[] = {
	"お客様窓口",
	"お客さま窓口",
	"お客様相談室",
	"お客様相談窓口",
	"お客様センター",
	"カスタマーサービス",
	"カスタマーセンター",
	"カスタマーサポート",
	"サポートセンター",
	"サポート窓口",
	"ヘルプデスク",
	"緊急連絡先",
	"緊急窓口",
	"customer service",
	"customer support",
	"customer center",
	"customer centre",
	"customer desk",
	"help desk",
	"support center",
	"support centre",
	"emergency",
};

const char *const *trules_builtin_labels(size_t *n)
{
	*n = sizeof builtin / sizeof builtin[0];
	return builtin;
}

/*
 * Folds s for matching into a new string: ASCII lower case, full-width ASCII
 * (U+FF01..U+FF5E) to ASCII, and drops spaces (also U+3000), '-', '_', '.',
 * and the middle dots U+30FB / U+FF65. NULL when out of memory.
 */
static char *fold(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n + 1), *p = o;
	if (!o)
		return NULL;
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		if (c == 0xEF && i + 2 < n && (u[i + 1] == 0xBC || u[i + 1] == 0xBD)) {
			unsigned cp = ((c & 0x0Fu) << 12) | ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				c = cp - 0xFEE0;
				i += 3;
				goto ascii;
			}
			if (cp == 0xFF65) {
				i += 3;
				continue;
			}
		}
		if (c == 0xE3 && i + 2 < n &&
		    ((u[i + 1] == 0x80 && u[i + 2] == 0x80) || (u[i + 1] == 0x83 && u[i + 2] == 0xBB))) {
			i += 3;
			continue;
		}
		i++;
	ascii:
		if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.')
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		*p++ = (char)c;
	}
	*p = 0;
	return o;
}

static int matches(const char *folded_name, const char *label)
{
	char *fl = fold(label);
	if (!fl)
		return -1;
	int m = fl[0] && strstr(folded_name, fl) != NULL;
	free(fl);
	return m;
}

int trules_check_name(const char *name, char *const *extra, size_t n_extra, const char **label)
{
	if (!name)
		return 0;
	char *fn = fold(name);
	if (!fn)
		return ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0] && !rc; i++) {
		int m = matches(fn, builtin[i]);
		if (m < 0)
			rc = ENOMEM;
		else if (m) {
			rc = EINVAL;
			if (label)
				*label = builtin[i];
		}
	}
	for (size_t i = 0; i < n_extra && !rc; i++) {
		int m = matches(fn, extra[i]);
		if (m < 0)
			rc = ENOMEM;
		else if (m) {
			rc = EINVAL;
			if (label)
				*label = extra[i];
		}
	}
	free(fn);
	return rc;
}

static void tenant_clear(struct trule_tenant *t)
{
	free(t->id);
	free(t->number);
	free(t->name);
	free(t->report_to);
	free(t->mobile_number);
	for (size_t i = 0; i < t->n_listed; i++)
		free(t->listed[i]);
	free(t->listed);
	memset(t, 0, sizeof *t);
}

void trules_set_free(struct trule_set *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++)
		tenant_clear(&ts->t[i]);
	free(ts->t);
	for (size_t i = 0; i < ts->n_refused; i++)
		free(ts->refused[i]);
	free(ts->refused);
	free(ts);
}

/* strdup that keeps NULL; *fail set when out of memory. */
static char *dup0(const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

static char **dupv(char *const *v, size_t n, bool *fail)
{
	if (n == 0)
		return NULL;
	char **d = calloc(n, sizeof *d);
	if (!d) {
		*fail = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = dup0(v[i], fail);
	return d;
}

/* Deep copy of one tenant into d (cleared first). Returns 0 or ENOMEM. */
int trules_tenant_copy(struct trule_tenant *d, const struct trule_tenant *s)
{
	bool fail = false;
	memset(d, 0, sizeof *d);
	d->id = dup0(s->id, &fail);
	d->number = dup0(s->number, &fail);
	d->name = dup0(s->name, &fail);
	d->report_to = dup0(s->report_to, &fail);
	d->mobile_number = dup0(s->mobile_number, &fail);
	d->mobile = s->mobile;
	d->listed = dupv(s->listed, s->n_listed, &fail);
	d->n_listed = d->listed ? s->n_listed : 0;
	if (fail) {
		tenant_clear(d);
		return ENOMEM;
	}
	return 0;
}

/* A deep copy of a whole set (for trules_set_put). Returns 0 or ENOMEM. */
int trules_set_copy(const struct trule_set *s, struct trule_set **out)
{
	struct trule_set *d = calloc(1, sizeof *d);
	bool fail = !d;
	if (d) {
		d->t = calloc(s->n ? s->n : 1, sizeof *d->t);
		fail = !d->t;
	}
	for (size_t i = 0; !fail && i < s->n; i++) {
		fail = trules_tenant_copy(&d->t[i], &s->t[i]) != 0;
		if (!fail)
			d->n = i + 1;
	}
	if (!fail) {
		d->refused = dupv(s->refused, s->n_refused, &fail);
		d->n_refused = d->refused ? s->n_refused : 0;
	}
	if (fail) {
		trules_set_free(d);
		return ENOMEM;
	}
	*out = d;
	return 0;
}

int trules_set_from_scn(const struct scenario *s, struct trule_set **out, char *err, size_t errlen)
{
	struct trule_set *d = calloc(1, sizeof *d);
	bool fail = !d;
	if (d) {
		d->t = calloc(s->n_tenants ? s->n_tenants : 1, sizeof *d->t);
		fail = !d->t;
	}
	for (size_t i = 0; !fail && i < s->n_tenants; i++) {
		const struct scn_tenant *st = &s->tenants[i];
		struct trule_tenant t = {
			.id = st->id,
			.number = st->number,
			.name = st->name,
			.report_to = st->report_to,
			.mobile = st->mobile,
			.listed = st->listed,
			.n_listed = st->n_listed,
			.mobile_number = st->mobile_number,
		};
		fail = trules_tenant_copy(&d->t[i], &t) != 0;
		if (!fail)
			d->n = i + 1;
	}
	if (!fail) {
		d->refused = dupv(s->server.refused_labels, s->server.n_refused_labels, &fail);
		d->n_refused = d->refused ? s->server.n_refused_labels : 0;
	}
	if (fail) {
		trules_set_free(d);
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	int rc = trules_validate(d, err, errlen);
	if (rc) {
		trules_set_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* RFC 5322 addr-spec, loosely: local@domain, printable, no specials that
 * would let a value escape its header. */
static bool email_ok(const char *a)
{
	size_t n = strlen(a);
	const char *at = strchr(a, '@');
	if (n == 0 || n > 254 || !at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || strchr("<>()[]\\,;:\"", *p))
			return false;
	return strchr(at + 1, '.') != NULL || strcmp(at + 1, "localhost") == 0;
}

static bool phone_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
			return false;
	return true;
}

static bool has_ctl(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < ' ' || *p == 0x7F)
			return true;
	return false;
}

int trules_validate(const struct trule_set *ts, char *err, size_t errlen)
{
	for (size_t i = 0; i < ts->n; i++) {
		const struct trule_tenant *t = &ts->t[i];
		const char *label = NULL;
		int rc = trules_check_name(t->name, ts->refused, ts->n_refused, &label);
		if (rc == EINVAL) {
			snprintf(err, errlen,
				 "tenant '%s': answering name '%s' contains the refused label '%s' "
				 "(callers would expect a help desk; choose another name)",
				 t->id, t->name, label);
			return EINVAL;
		}
		if (rc) {
			snprintf(err, errlen, "out of memory");
			return rc;
		}
		if (t->name && (has_ctl(t->name) || strlen(t->name) > 200)) {
			snprintf(err, errlen,
				 "tenant '%s': answering name must be one line of at most 200 bytes",
				 t->id);
			return EINVAL;
		}
		if (t->report_to && !email_ok(t->report_to)) {
			snprintf(err, errlen,
				 "tenant '%s': report_to '%s' is not an e-mail address "
				 "(expected local@domain)",
				 t->id, t->report_to);
			return EINVAL;
		}
		if (t->mobile_number && !phone_ok(t->mobile_number)) {
			snprintf(err, errlen,
				 "tenant '%s': mobile_number '%s': expected digits, '+' and '-'", t->id,
				 t->mobile_number);
			return EINVAL;
		}
		if (t->mobile != MOBILE_LISTED && t->n_listed) {
			snprintf(err, errlen, "tenant '%s': listed callers need mobile_disclosure listed",
				 t->id);
			return EINVAL;
		}
		for (size_t j = 0; j < t->n_listed; j++)
			if (!phone_ok(t->listed[j])) {
				snprintf(err, errlen,
					 "tenant '%s': listed caller '%s': expected a phone number "
					 "(digits, '+' and '-')",
					 t->id, t->listed[j]);
				return EINVAL;
			}
	}
	return 0;
}

int trules_same_tenants(const struct trule_set *cur, const struct trule_set *next, char *err,
			size_t errlen)
{
	if (cur->n != next->n) {
		snprintf(err, errlen,
			 "the reload has %zu tenants, the running center %zu: adding or removing "
			 "tenants needs a restart",
			 next->n, cur->n);
		return EINVAL;
	}
	for (size_t i = 0; i < cur->n; i++) {
		if (strcmp(cur->t[i].id, next->t[i].id) ||
		    strcmp(cur->t[i].number, next->t[i].number)) {
			snprintf(err, errlen,
				 "tenant %zu is '%s' (%s) in the reload but '%s' (%s) in the running "
				 "center: changing ids or numbers needs a restart",
				 i + 1, next->t[i].id, next->t[i].number, cur->t[i].id,
				 cur->t[i].number);
			return EINVAL;
		}
	}
	return 0;
}

const struct trule_tenant *trules_find(const struct trule_set *ts, const char *id)
{
	for (size_t i = 0; ts && id && i < ts->n; i++)
		if (strcmp(ts->t[i].id, id) == 0)
			return &ts->t[i];
	return NULL;
}

enum trule_mobile_act trules_mobile(const struct trule_tenant *t, const char *caller_number,
				    bool gave_callback)
{
	if (gave_callback)
		return TMOB_NOT_NEEDED;
	switch (t->mobile) {
	case MOBILE_NONE:
		return TMOB_POLICY_NONE;
	case MOBILE_ANY:
		return t->mobile_number ? TMOB_OFFERED : TMOB_NONE_REGISTERED;
	case MOBILE_LISTED:
		if (!t->mobile_number)
			return TMOB_NONE_REGISTERED;
		for (size_t i = 0; caller_number && i < t->n_listed; i++)
			if (strcmp(t->listed[i], caller_number) == 0)
				return TMOB_OFFERED;
		return TMOB_NOT_LISTED;
	}
	return TMOB_POLICY_NONE;
}

const char *trules_mobile_act_name(enum trule_mobile_act act)
{
	switch (act) {
	case TMOB_NOT_NEEDED:
		return "not-needed";
	case TMOB_OFFERED:
		return "offered";
	case TMOB_POLICY_NONE:
		return "policy-none";
	case TMOB_NOT_LISTED:
		return "not-listed";
	case TMOB_NONE_REGISTERED:
		return "none-registered";
	}
	return "?";
}

bool trules_is_test_call(const struct trule_tenant *t, const char *from_user,
			 const char *caller_type)
{
	if (caller_type && strcmp(caller_type, "test") == 0)
		return true;
	return t && t->number && from_user && *from_user && strcmp(from_user, t->number) == 0;
}

long trules_fee_yen(const struct trule_tenant *t)
{
	return t->mobile == MOBILE_LISTED ? (long)t->n_listed * TRULES_SPOT_FEE_YEN : 0;
}

static const char *policy_name(enum scn_mobile m)
{
	return m == MOBILE_ANY ? "any caller (free)" : m == MOBILE_LISTED ? "listed callers only" : "none";
}

void trules_summary(FILE *f, const struct trule_set *ts)
{
	long total = 0;
	fprintf(f, "tenants (%zu):\n", ts->n);
	for (size_t i = 0; i < ts->n; i++) {
		const struct trule_tenant *t = &ts->t[i];
		long fee = trules_fee_yen(t);
		total += fee;
		fprintf(f, "  %s  number %s  answering name \"%s\"\n", t->id, t->number,
			t->name ? t->name : t->id);
		fprintf(f, "    reports to: %s\n", t->report_to ? t->report_to : "(none: not sent)");
		fprintf(f, "    mobile number: %s; given to: %s", t->mobile_number ? t->mobile_number : "none registered",
			policy_name(t->mobile));
		if (t->mobile == MOBILE_LISTED)
			fprintf(f, " (%zu)", t->n_listed);
		fprintf(f, "\n    registration fees: %ld yen (%zu spot registration%s x %d yen)\n", fee,
			t->mobile == MOBILE_LISTED ? t->n_listed : 0,
			t->mobile == MOBILE_LISTED && t->n_listed == 1 ? "" : "s", TRULES_SPOT_FEE_YEN);
		if (t->mobile != MOBILE_NONE && !t->mobile_number)
			rb_log(LOG_WARNING,
			       "tenant '%s': mobile_disclosure %s but no mobile_number: the reports will "
			       "say none is registered",
			       t->id, t->mobile == MOBILE_ANY ? "any" : "listed");
	}
	fprintf(f, "registration fees, all tenants: %ld yen\n", total);
	if (ts->n_refused) {
		fprintf(f, "extra refused answering-name labels:");
		for (size_t i = 0; i < ts->n_refused; i++)
			fprintf(f, " \"%s\"", ts->refused[i]);
		fprintf(f, "\n");
	}
}
