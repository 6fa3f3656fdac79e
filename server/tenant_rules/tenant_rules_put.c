/*
 * tenant_rules_put: one tenant's settings changed by a JSON object (the
 * admin interface's PUT /api/tenants/<id>), validated whole on a copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tenant_rules.h"
#include "tenant_rules_int.h"

/* Replaces *dst by a copy of the JSON string or null v. 0, EINVAL, ENOMEM. */
static int set_str(char **dst, json_t *v, bool nullable, const char *key, char *err, size_t errlen)
{
	char *n = NULL;
	if (json_is_null(v) && nullable) {
		n = NULL;
	} else if (json_is_string(v)) {
		n = strdup(json_string_value(v));
		if (!n)
			return ENOMEM;
	} else {
		snprintf(err, errlen, "'%s': expected a string%s", key, nullable ? " or null" : "");
		return EINVAL;
	}
	free(*dst);
	*dst = n;
	return 0;
}

static int set_mobile(struct trule_tenant *t, json_t *v, char *err, size_t errlen)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcmp(s, "none") && strcmp(s, "any")) {
			snprintf(err, errlen,
				 "'mobile_disclosure': expected \"none\", \"any\" or {\"listed\": [...]}, "
				 "got \"%s\"",
				 s);
			return EINVAL;
		}
		for (size_t i = 0; i < t->n_listed; i++)
			free(t->listed[i]);
		free(t->listed);
		t->listed = NULL;
		t->n_listed = 0;
		t->mobile = s[0] == 'n' ? MOBILE_NONE : MOBILE_ANY;
		return 0;
	}
	json_t *l = json_is_object(v) && json_object_size(v) == 1 ? json_object_get(v, "listed") : NULL;
	if (!json_is_array(l)) {
		snprintf(err, errlen,
			 "'mobile_disclosure': expected \"none\", \"any\" or {\"listed\": [numbers]}");
		return EINVAL;
	}
	size_t n = json_array_size(l);
	char **nl = calloc(n ? n : 1, sizeof *nl);
	if (!nl)
		return ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *e = json_array_get(l, i);
		if (!json_is_string(e)) {
			snprintf(err, errlen, "'mobile_disclosure.listed[%zu]': expected a string", i);
			rc = EINVAL;
		} else if (!(nl[i] = strdup(json_string_value(e)))) {
			rc = ENOMEM;
		}
	}
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(nl[i]);
		free(nl);
		return rc;
	}
	for (size_t i = 0; i < t->n_listed; i++)
		free(t->listed[i]);
	free(t->listed);
	t->listed = nl;
	t->n_listed = n;
	t->mobile = MOBILE_LISTED;
	return 0;
}

int trules_set_put(const struct trule_set *cur, const char *id, const char *body, size_t len,
		   struct trule_set **out, char *err, size_t errlen)
{
	int idx = -1;
	for (size_t i = 0; i < cur->n; i++)
		if (strcmp(cur->t[i].id, id) == 0)
			idx = (int)i;
	if (idx < 0) {
		snprintf(err, errlen, "no tenant '%s'", id);
		return ENOENT;
	}
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		snprintf(err, errlen, "request body:%d:%d: %s", je.line, je.column, je.text);
		return EINVAL;
	}
	struct trule_set *ns = NULL;
	int rc = 0;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "request body: expected a JSON object");
		rc = EINVAL;
		goto out;
	}
	if ((rc = trules_set_copy(cur, &ns))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	struct trule_tenant *t = &ns->t[idx];
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "name") == 0)
			rc = set_str(&t->name, v, false, key, err, errlen);
		else if (strcmp(key, "report_to") == 0)
			rc = set_str(&t->report_to, v, true, key, err, errlen);
		else if (strcmp(key, "mobile_number") == 0)
			rc = set_str(&t->mobile_number, v, true, key, err, errlen);
		else if (strcmp(key, "mobile_disclosure") == 0)
			rc = set_mobile(t, v, err, errlen);
		else {
			snprintf(err, errlen,
				 "unknown key '%s' (expected name, report_to, mobile_disclosure, "
				 "mobile_number)",
				 key);
			rc = EINVAL;
		}
		if (rc)
			goto out;
	}
	rc = trules_validate(ns, err, errlen);
out:
	json_decref(o);
	if (rc) {
		trules_set_free(ns);
		return rc;
	}
	*out = ns;
	return 0;
}
