/*
 * scn_names: the characters a scenario's names may hold (issue 12).
 *
 * Names become file names: the scenario's `name` the default result folder
 * (results/<name>-<time>), a tenant's `id` its Maildir folder in secretaryd,
 * and both are fields of CSV files and of queue_log ('|' separated). A name
 * such as `../../x` would take the result folder out of results/, and two
 * tenant ids that a file system cannot tell apart (`a/b` and `a_b` once '/'
 * is mapped, `Acme` and `acme` on a case-insensitive one) would put one
 * client's call reports in another's mailbox. So the loader refuses such
 * names, saying which characters are allowed, rather than mapping them.
 */
#include "scn_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* ASCII letters and digits, '-' and '_' ('.' too where allowed). */
static bool plain_char(unsigned char ch, bool dot)
{
	return (ch < 0x80 && isalnum(ch)) || ch == '-' || ch == '_' || (dot && ch == '.');
}

int scn_check_name(struct scn_ctx *c, yaml_node_t *n, const char *name)
{
	size_t len = strlen(name);

	if (len > SCN_NAME_MAX)
		return scn_err(c, n, "the scenario's name is %zu bytes: expected at most %d", len,
			       SCN_NAME_MAX);
	if (name[0] == '.' || name[0] == '-')
		return scn_err(c, n,
			       "the scenario's name '%s' starts with '%c': expected a letter, a "
			       "digit or '_' first (it names the result folder)",
			       name, name[0]);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!plain_char(*p, true) && *p < 0x80)
			return scn_err(c, n,
				       "the scenario's name '%s' holds '%c' at byte %zu: expected "
				       "letters, digits, '-', '_' and '.' only, or non-ASCII letters (it names the result "
				       "folder: results/<name>-<time>)",
				       name, isprint(*p) ? *p : '?',
				       (size_t)(p - (const unsigned char *)name) + 1);
	return 0;
}

int scn_check_tenant_id(struct scn_ctx *c, yaml_node_t *n, const struct scn_tenant *t,
			size_t idx)
{
	const char *id = t[idx].id;
	size_t len = strlen(id);

	if (len > SCN_NAME_MAX)
		return scn_err(c, n, "a tenant id is at most %d bytes, got %zu", SCN_NAME_MAX, len);
	for (size_t i = 0; i < len; i++)
		if (!plain_char((unsigned char)id[i], false))
			return scn_err(c, n,
				       "tenant id '%s' holds '%c' at byte %zu: expected ASCII letters, "
				       "digits, '-' and '_' only (it names the tenant's Maildir "
				       "folder and is a field of calls.csv and queue_log)",
				       id, isprint((unsigned char)id[i]) ? id[i] : '?', i + 1);
	for (size_t j = 0; j < idx; j++) {
		if (!strcmp(t[j].id, id))
			return scn_err(c, n, "duplicate tenant id '%s'", id);
		if (!strcasecmp(t[j].id, id))
			return scn_err(c, n,
				       "tenant id '%s' differs from tenant '%s' only in case: their "
				       "Maildir folders would be one on a case-insensitive file "
				       "system; give them ids that differ in letters",
				       id, t[j].id);
	}
	return 0;
}
