/*
 * report_load: a result folder into memory, from its files only
 * (summary.json with jansson, calls.csv, timeline.csv), so that any engine's
 * folder, or one copied from another machine, can be reported.
 */
#define LOG_TAG "report"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errbuf.h"
#include "sharedir.h"
#include "log.h"
#include "report_int.h"
#include "scn.h"

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void names_free(struct report_run *r);

void report_run_free(struct report_run *r)
{
	if (!r)
		return;
	free(r->dir);
	free(r->label);
	json_decref(r->summary);
	csvtab_free(&r->calls);
	csvtab_free(&r->timeline);
	names_free(r);
	free(r);
}

const char *report_run_engine(const struct report_run *r)
{
	const json_t *e = json_object_get(r->summary, "engine");
	return json_is_string(e) ? json_string_value(e) : "?";
}

const char *report_run_verdict(const struct report_run *r)
{
	const json_t *e = json_object_get(r->summary, "verdict");
	return json_is_string(e) ? json_string_value(e) : "?";
}

static const char *const verdicts[][2] = {
    {"pass", "PASS"}, {"fail", "FAIL"}, {"inconclusive", "INCONCLUSIVE"}, {"error", "ERROR"}};

const char *report_verdict_class(const char *verdict)
{
	for (size_t i = 0; verdict && i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(verdict, verdicts[i][0]))
			return verdicts[i][0];
	return "unknown";
}

const char *report_verdict_label(const char *verdict)
{
	for (size_t i = 0; verdict && i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(verdict, verdicts[i][0]))
			return verdicts[i][1];
	return "?";
}

/*
 * The scenario file of the run, for the tenants' answering names: a .yaml
 * argument of the recorded command (as given, then from the folder's parent),
 * else scenarios/NAME.yaml (here, then as shipped: sharedir.h). False when none
 * is found.
 */
static bool scenario_path(const struct report_run *r, char *buf, size_t n)
{
	const json_t *cmd = json_object_get(r->summary, "command");
	const json_t *name = json_object_get(r->summary, "scenario");
	if (json_is_string(cmd)) {
		const char *p = json_string_value(cmd);
		while (*p) {
			while (*p == ' ')
				p++;
			const char *e = p;
			while (*e && *e != ' ')
				e++;
			size_t len = (size_t)(e - p);
			if (len && (*p == '\'' || *p == '"')) {
				p++;
				len -= len >= 2 ? 2 : 1;
			}
			if (len > 5 && len < n &&
			    (!strncmp(p + len - 5, ".yaml", 5) || !strncmp(p + len - 4, ".yml", 4))) {
				snprintf(buf, n, "%.*s", (int)len, p);
				if (exists(buf))
					return true;
			}
			p = e;
		}
	}
	if (json_is_string(name)) {
		char rel[512];
		snprintf(rel, sizeof(rel), "scenarios/%s.yaml", json_string_value(name));
		snprintf(buf, n, "%s", rel);
		if (exists(buf))
			return true;
		if (sharedir_find(rel, buf, n) == 0) /* installed, or the source tree's */
			return true;
	}
	return false;
}

/* Display names of the tenants: tenants.ID.name (summary.json), else the scenario's, else the id. */
static void names_free(struct report_run *r)
{
	for (size_t i = 0; i < r->n_tenants; i++) {
		free(r->tenant_ids[i]);
		free(r->tenant_names[i]);
	}
	free(r->tenant_ids);
	free(r->tenant_names);
	for (size_t i = 0; i < r->n_phases; i++)
		free(r->phase_names[i]);
	free(r->phase_names);
	free(r->phase_from);
	free(r->phase_to);
	free(r->phase_ops);
	free(r->phase_backup);
	r->tenant_ids = r->tenant_names = r->phase_names = NULL;
	r->phase_from = r->phase_to = NULL;
	r->phase_ops = r->phase_backup = NULL;
	r->n_tenants = r->n_phases = 0;
}

/* forced: the scenario file given by the user (NULL: look for it). */
static int tenant_names(struct report_run *r, const char *forced)
{
	const json_t *bt = json_object_get(r->summary, "by_tenant");
	size_t n = json_is_object(bt) ? json_object_size(bt) : 0;
	r->tenant_ids = calloc(n + 1, sizeof(char *));
	r->tenant_names = calloc(n + 1, sizeof(char *));
	if (!r->tenant_ids || !r->tenant_names)
		return ENOMEM;
	struct scenario *scn = NULL;
	char path[4096];
	if (forced)
		snprintf(path, sizeof(path), "%s", forced);
	if (forced || scenario_path(r, path, sizeof(path))) {
		char e[256];
		if (scn_load(path, &scn, e, sizeof(e)) != 0)
			scn = NULL;
	}
	const char *id;
	const json_t *m;
	json_object_foreach((json_t *)bt, id, m) {
		const char *name = NULL;
		const json_t *jn = json_object_get(json_object_get(json_object_get(r->summary, "tenants"), id), "name");
		if (!json_is_string(jn))
			jn = json_object_get(m, "name");
		if (json_is_string(jn))
			name = json_string_value(jn);
		int ti = scn ? scn_tenant_by_id(scn, id) : -1;
		if (!name && ti >= 0 && scn->tenants[ti].name)
			name = scn->tenants[ti].name;
		r->tenant_ids[r->n_tenants] = strdup(id);
		r->tenant_names[r->n_tenants] = strdup(name ? name : id);
		if (!r->tenant_ids[r->n_tenants] || !r->tenant_names[r->n_tenants]) {
			free(r->tenant_ids[r->n_tenants]);
			free(r->tenant_names[r->n_tenants]);
			scn_free(scn);
			return ENOMEM;
		}
		r->n_tenants++;
	}
	if (scn && scn->n_phases) {
		r->phase_names = calloc(scn->n_phases, sizeof(char *));
		r->phase_from = calloc(scn->n_phases, sizeof(double));
		r->phase_to = calloc(scn->n_phases, sizeof(double));
		r->phase_ops = calloc(scn->n_phases, sizeof(int));
		r->phase_backup = calloc(scn->n_phases, sizeof(int));
		if (!r->phase_names || !r->phase_from || !r->phase_to || !r->phase_ops ||
		    !r->phase_backup) {
			scn_free(scn);
			return ENOMEM;
		}
		for (size_t i = 0; i < scn->n_phases; i++) {
			r->phase_names[i] = strdup(scn->phases[i].name);
			if (!r->phase_names[i]) {
				scn_free(scn);
				return ENOMEM;
			}
			r->phase_from[i] = rb_us_to_s(scn->phases[i].start);
			r->phase_to[i] = rb_us_to_s(scn->phases[i].start + scn->phases[i].duration);
			/* a shift keeps its staffing until the next one changes it */
			int ops = i ? r->phase_ops[i - 1] : scn->center.operators;
			int bk = i ? r->phase_backup[i - 1] : scn->center.backup;
			r->phase_ops[i] = scn->phases[i].operators >= 0 ? scn->phases[i].operators : ops;
			r->phase_backup[i] = scn->phases[i].backup >= 0 ? scn->phases[i].backup : bk;
			r->n_phases++;
		}
	}
	scn_free(scn);
	return 0;
}

int report_load(const char *dir, struct report_run **out, char *err, size_t errlen)
{
	char path[4096];
	json_error_t je;
	int rc = 0;
	struct report_run *r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	r->dir = strdup(dir);
	if (!r->dir) {
		rc = ENOMEM;
		goto out;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errbuf_set(err, errlen, "%s: not a folder", dir);
		rc = ENOENT;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/sweep.json", dir);
	if (exists(path)) { /* a sweep's folder, but without its tables (sweep.csv) */
		errbuf_set(err, errlen, "%s: a sweep folder without sweep.csv: no point computed yet "
				    "(run or resume `ringbench sweep`, or `ringbench sweep --merge`)", dir);
		rc = ENOENT;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (!exists(path)) {
		errbuf_set(err, errlen, "%s: no summary.json: not a result folder (expected the folder "
				    "that `ringbench model --out DIR` or `ringbench live` wrote)", dir);
		rc = ENOENT;
		goto out;
	}
	r->summary = json_load_file(path, JSON_DECODE_ANY, &je);
	if (!r->summary) {
		errbuf_set(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		rc = EINVAL;
		goto out;
	}
	if (!json_is_object(r->summary) || !json_is_object(json_object_get(r->summary, "overall"))) {
		errbuf_set(err, errlen, "%s: expected a JSON object with \"overall\" measures "
				    "(docs/definitions.md, Result files)", path);
		rc = EINVAL;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/calls.csv", dir);
	if (exists(path)) {
		if ((rc = csvtab_load(path, &r->calls, err, errlen)))
			goto out;
		r->has_calls = true;
	}
	snprintf(path, sizeof(path), "%s/timeline.csv", dir);
	if (exists(path)) {
		if ((rc = csvtab_load(path, &r->timeline, err, errlen)))
			goto out;
		r->has_timeline = true;
	}
	if ((rc = tenant_names(r, NULL)))
		goto out;
	r->label = strdup(report_run_engine(r));
	if (!r->label)
		rc = ENOMEM;
out:
	if (rc) {
		report_run_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int report_run_set_scenario(struct report_run *r, const char *path, char *err, size_t errlen)
{
	struct scenario *scn = NULL;
	int rc = scn_load(path, &scn, err, errlen);
	if (rc)
		return rc == ENOMEM ? ENOMEM : EINVAL;
	scn_free(scn);
	names_free(r);
	return tenant_names(r, path);
}
