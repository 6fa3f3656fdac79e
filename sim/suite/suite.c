/*
 * suite: loading a suite file and running its entries (suite.h). The
 * JUnit writer and the table are in suite_junit.c.
 */
#define LOG_TAG "suite"
#include "rbjson.h"
#include "suite.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <yaml.h>

#include "cli.h"
#include "live.h"
#include "log.h"
#include "model.h"
#include "resdir.h"
#include "scn.h"
#include "summary.h"

/* --- loading ---------------------------------------------------------------------- */

struct ld {
	yaml_document_t doc;
	const char *path;
	char *err;
	size_t errlen;
};

static int bad(struct ld *l, yaml_node_t *n, const char *what)
{
	snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->path, n ? n->start_mark.line + 1 : 0,
		 n ? n->start_mark.column + 1 : 0, what);
	return EINVAL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_long(struct ld *l, yaml_node_t *v, long min, long max, long *out)
{
	const char *s = scalar(v);
	char *end;
	if (!s || !*s)
		return bad(l, v, "expected a whole number");
	errno = 0;
	long x = strtol(s, &end, 10);
	if (*end || errno || x < min || x > max) {
		char m[128];
		snprintf(m, sizeof(m), "expected a whole number from %ld to %ld, got '%s'", min, max, s);
		return bad(l, v, m);
	}
	*out = x;
	return 0;
}

static char *resolve(const char *suite_path, const char *p)
{
	if (p[0] == '/')
		return strdup(p);
	const char *slash = strrchr(suite_path, '/');
	size_t dl = slash ? (size_t)(slash - suite_path) : 0;
	size_t n = dl + strlen(p) + 3;
	char *r = malloc(n);
	if (!r)
		return NULL;
	if (slash)
		snprintf(r, n, "%.*s/%s", (int)dl, suite_path, p);
	else
		snprintf(r, n, "%s", p);
	return r;
}

/*
 * targets: a list of "[PHASE:]K:F[:MEASURE]" (or one such string), read by
 * the parser every --target uses; phases are checked once the scenario is
 * known (check_target_phases).
 */
static int load_targets(struct ld *l, yaml_node_t *v, struct suite_entry *e)
{
	yaml_node_item_t *items = NULL;
	size_t n = 1;
	if (v->type == YAML_SEQUENCE_NODE) {
		items = v->data.sequence.items.start;
		n = (size_t)(v->data.sequence.items.top - items);
	} else if (!scalar(v)) {
		return bad(l, v, "expected targets: a list such as [3:0.9, peak:5:0.95:sl]");
	}
	if (n == 0)
		return bad(l, v, "expected targets: at least one (leave targets out for the "
				 "scenario's)");
	e->targets_arg = calloc(n, sizeof(char *));
	if (!e->targets_arg)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *t = items ? yaml_document_get_node(&l->doc, items[i]) : v;
		const char *a = scalar(t);
		struct scn_target st;
		char err[512] = "";
		if (!a || scn_target_parse(a, NULL, &st, err, sizeof(err))) {
			char m[600];
			snprintf(m, sizeof(m), "%s", a ? err + (strncmp(err, "--target ", 9) ? 0 : 9)
						    : "expected a target such as 3:0.9");
			return bad(l, t, m);
		}
		scn_target_clear(&st);
		if (!(e->targets_arg[i] = strdup(a)))
			return ENOMEM;
		e->n_targets_arg = i + 1;
	}
	return 0;
}

/* The targets' phases against the scenario, when it loads (a missing one is the run's error). */
static int check_target_phases(struct ld *l, yaml_node_t *m, struct suite_entry *e)
{
	struct scenario *sc = NULL;
	char err[1024] = "";
	if (!e->n_targets_arg || scn_load(e->scenario, &sc, err, sizeof(err)))
		return 0;
	int rc = scn_targets_replace(sc, (const char *const *)e->targets_arg, e->n_targets_arg, err,
				     sizeof(err));
	scn_free(sc);
	if (rc == EINVAL) {
		char msg[1100];
		snprintf(msg, sizeof(msg), "targets: %s", err + (strncmp(err, "--target ", 9) ? 0 : 9));
		return bad(l, m, msg);
	}
	return rc;
}

static const char *const entry_keys[] = {"name",	  "scenario", "engine",  "replications",
					  "seed",	  "operators", "backup", "speedup",
					  "server",  "targets",	 "expect", NULL};

/* A key saying what runs: name, scenario, engine, expect. Returns 0, an
 * error, or -1 when the key is not one of these. */
static int key_what(struct ld *l, const char *key, yaml_node_t *v, struct suite_entry *e)
{
	const char *val = scalar(v);
	if (!strcmp(key, "name")) {
		if (!val || !*val)
			return bad(l, v, "expected a name");
		free(e->name);
		e->name = strdup(val);
	} else if (!strcmp(key, "scenario")) {
		if (!val || !*val)
			return bad(l, v, "expected a scenario file");
		free(e->scenario);
		e->scenario = resolve(l->path, val);
	} else if (!strcmp(key, "engine")) {
		if (val && !strcmp(val, "model"))
			e->engine = SUITE_MODEL;
		else if (val && !strcmp(val, "live"))
			e->engine = SUITE_LIVE;
		else
			return bad(l, v, "expected engine: model or live");
	} else if (!strcmp(key, "expect")) {
		if (val && !strcmp(val, "pass"))
			e->expect = SUITE_PASS;
		else if (val && !strcmp(val, "fail"))
			e->expect = SUITE_FAIL;
		else if (val && !strcmp(val, "inconclusive"))
			e->expect = SUITE_INCONCLUSIVE;
		else
			return bad(l, v, "expected expect: pass, fail or inconclusive");
	} else {
		return -1;
	}
	return 0;
}

/* A key overriding the scenario's run: replications, seed, operators,
 * backup, speedup, server, targets. Returns as key_what. */
static int key_override(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v,
			struct suite_entry *e)
{
	const char *val = scalar(v);
	long x;
	int rc = 0;
	if (!strcmp(key, "replications")) {
		rc = get_long(l, v, 1, 100000, &e->replications);
	} else if (!strcmp(key, "seed")) {
		if (!(rc = get_long(l, v, 0, LONG_MAX, &x))) {
			e->seed = (uint64_t)x;
			e->seed_set = true;
		}
	} else if (!strcmp(key, "operators") || !strcmp(key, "backup")) {
		if (!(rc = get_long(l, v, 0, 100000, &x)))
			*(key[0] == 'o' ? &e->operators : &e->backup) = (int)x;
	} else if (!strcmp(key, "speedup")) {
		char *end;
		double d = val ? strtod(val, &end) : 0;
		if (!val || *end || !(d >= 1e-3 && d <= 1e4))
			return bad(l, v, "expected speedup: a number from 0.001 to 10000");
		e->speedup = d;
	} else if (!strcmp(key, "server")) {
		if (!val || !cli_is_hostport(val))
			return bad(l, v, "expected server: HOST:PORT (e.g. 127.0.0.1:5060)");
		free(e->server);
		if (!(e->server = strdup(val)))
			return ENOMEM;
	} else if (!strcmp(key, "targets")) {
		if (e->targets_arg)
			return bad(l, k, "targets given twice");
		rc = load_targets(l, v, e);
	} else {
		return -1;
	}
	return rc;
}

static int key_unknown(struct ld *l, yaml_node_t *k, const char *key)
{
	char msg[200];
	const char *near = cli_closest(key, entry_keys);
	snprintf(msg, sizeof(msg),
		 "unknown key '%s'%s%s%s (expected name, scenario, engine, replications, "
		 "seed, operators, backup, speedup, server, targets, expect)",
		 key, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
	return bad(l, k, msg);
}

/* What a run's keys cannot say alone: the engine and overrides agree; the
 * default name, run idx's. */
static int entry_check(struct ld *l, yaml_node_t *m, struct suite_entry *e, size_t idx)
{
	if (!e->scenario)
		return bad(l, m, "a run needs scenario: FILE");
	if (e->engine == SUITE_LIVE && (e->operators >= 0 || e->backup >= 0))
		return bad(l, m, "operators and backup overrides are for model runs only "
				 "(secretaryd reads the scenario file itself)");
	if (e->engine == SUITE_MODEL && e->speedup > 0)
		return bad(l, m, "speedup is for live runs only");
	if (e->engine == SUITE_MODEL && e->server)
		return bad(l, m, "server is for live runs only (engine: live)");
	if (e->server && e->speedup > 0 && e->speedup != 1)
		return bad(l, m, "speedup cannot be used with server: another server's pick-up does "
				 "not speed up; leave speedup out");
	if (!e->name) {
		const char *b = strrchr(e->scenario, '/');
		b = b ? b + 1 : e->scenario;
		char nm[256];
		snprintf(nm, sizeof(nm), "%.*s-%zu", (int)strcspn(b, "."), b, idx + 1);
		e->name = strdup(nm);
	}
	if (!e->name || !e->scenario)
		return ENOMEM;
	if (strchr(e->name, '/') || e->name[0] == '.')
		return bad(l, m, "a run's name may not contain '/' or start with '.'");
	return check_target_phases(l, m, e);
}

static int load_entry(struct ld *l, yaml_node_t *m, struct suite_entry *e, size_t idx)
{
	if (m->type != YAML_MAPPING_NODE)
		return bad(l, m, "expected a run: {scenario: FILE, engine: model|live, ...}");
	e->replications = -1;
	e->operators = e->backup = -1;
	e->line = (int)m->start_mark.line + 1;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *key = scalar(k);
		if (!key)
			return bad(l, k, "expected a key");
		int rc = key_what(l, key, v, e);
		if (rc < 0)
			rc = key_override(l, key, k, v, e);
		if (rc < 0)
			rc = key_unknown(l, k, key);
		if (rc)
			return rc;
	}
	return entry_check(l, m, e, idx);
}

/* The suite's top level: its name, and its runs into *runs. */
static int load_root(struct ld *l, yaml_node_t *root, struct suite *s, yaml_node_t **runs)
{
	if (!root || root->type != YAML_MAPPING_NODE)
		return bad(l, root, "expected a suite: {name: N, runs: [...]}");
	*runs = NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *key = scalar(k);
		if (key && !strcmp(key, "name") && scalar(v)) {
			free(s->name);
			s->name = strdup(scalar(v));
		} else if (key && !strcmp(key, "runs")) {
			*runs = v;
		} else if (key && !strcmp(key, "description")) {
			/* free text */
		} else {
			return bad(l, k, "unknown key (expected name, description, runs)");
		}
	}
	if (!*runs || (*runs)->type != YAML_SEQUENCE_NODE ||
	    (*runs)->data.sequence.items.top == (*runs)->data.sequence.items.start)
		return bad(l, *runs ? *runs : root, "expected runs: a list of at least one run");
	return 0;
}

/* Every run of the list, names unique. */
static int load_runs(struct ld *l, yaml_node_t *runs, struct suite *s)
{
	size_t n = (size_t)(runs->data.sequence.items.top - runs->data.sequence.items.start);
	s->entries = calloc(n, sizeof(*s->entries));
	if (!s->entries)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *m = yaml_document_get_node(&l->doc, runs->data.sequence.items.start[i]);
		s->n = i + 1;
		int rc = load_entry(l, m, &s->entries[i], i);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->entries[j].name, s->entries[i].name))
				return bad(l, m, "two runs with the same name");
	}
	return 0;
}

int suite_load(const char *path, struct suite **out, char *err, size_t errlen)
{
	struct ld l = {.path = path, .err = err, .errlen = errlen};
	yaml_parser_t yp;
	struct suite *s = calloc(1, sizeof(*s));
	FILE *f = fopen(path, "rb");
	int rc = 0;
	bool doc_ok = false;
	if (!s) {
		if (f)
			fclose(f);
		return ENOMEM;
	}
	if (!f) {
		rc = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(rc));
		free(s);
		return rc;
	}
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_file(&yp, f);
	if (!yaml_parser_load(&yp, &l.doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", path, yp.problem_mark.line + 1,
			 yp.problem_mark.column + 1, yp.problem ? yp.problem : "not YAML");
		rc = EINVAL;
		goto out;
	}
	doc_ok = true;
	s->path = strdup(path);
	yaml_node_t *runs;
	if ((rc = load_root(&l, yaml_document_get_root_node(&l.doc), s, &runs)) ||
	    (rc = load_runs(&l, runs, s)))
		goto out;
	if (!s->name) {
		const char *b = strrchr(path, '/');
		b = b ? b + 1 : path;
		s->name = strndup(b, strcspn(b, "."));
	}
out:
	if (doc_ok)
		yaml_document_delete(&l.doc);
	yaml_parser_delete(&yp);
	fclose(f);
	if (rc) {
		suite_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void suite_free(struct suite *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->entries[i].name);
		free(s->entries[i].scenario);
		free(s->entries[i].targets);
		free(s->entries[i].server);
		for (size_t k = 0; k < s->entries[i].n_targets_arg; k++)
			free(s->entries[i].targets_arg[k]);
		free(s->entries[i].targets_arg);
	}
	free(s->entries);
	free(s->name);
	free(s->path);
	free(s);
}

/* --- running ------------------------------------------------------------------------ */

static int run_model(struct suite_entry *e, struct scenario *sc, const char *dir)
{
	char cmd[PATH_MAX + 128], err[512];
	snprintf(cmd, sizeof(cmd), "ringbench suite: model %s", e->scenario);
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct model_write_opts wo = {
		.scn = sc,
		.dir = dir,
		.command = cmd,
		.seed = e->seed_set ? e->seed : sc->run.seed,
		.replications = e->replications > 0
				    ? (int)e->replications
				    : (sc->run.replications > 0 ? sc->run.replications : 1),
		.jobs = jobs > 0 ? (int)jobs : 1,
		.calls_cap = 100000,
	};
	struct resdir *rd = NULL;
	struct resdir_result res = {0};
	if (model_write(&wo, &rd, &res, err, sizeof(err)) && !res.exit_code) {
		/* the folder could not be made (res.exit_code 3: written, then not
		 * finished, which summary.json cannot say either) */
		snprintf(e->error, sizeof(e->error), "cannot write %s/calls.csv", dir);
		return 3;
	}
	resdir_free(rd);
	return res.exit_code;
}

static void target_name(json_t *t, char *buf, size_t n)
{
	const char *kind = json_string_value(json_object_get(t, "kind"));
	const char *phase = json_string_value(json_object_get(t, "phase"));
	char where[96];
	snprintf(where, sizeof(where), "[%s]", phase ? phase : "whole run");
	if (kind && !strcmp(kind, "rings")) {
		const char *m = json_string_value(json_object_get(t, "measure"));
		const char *c = json_string_value(json_object_get(t, "count"));
		snprintf(buf, n, "%s within %lld rings%s >= %g %s", m ? m : "sla",
			 (long long)json_integer_value(json_object_get(t, "rings")),
			 c && !strcmp(c, "heard") ? " heard" : "",
			 json_number_value(json_object_get(t, "min")), where);
	} else if (kind && !strcmp(kind, "abandon_max")) {
		snprintf(buf, n, "abandoned <= %g %s", json_number_value(json_object_get(t, "abandon_max")), where);
	} else if (kind) {
		json_t *mx = json_object_get(t, kind);
		snprintf(buf, n, "%s <= %g %s", kind, mx ? json_number_value(mx) : NAN, where);
	} else {
		snprintf(buf, n, "target %s", where);
	}
}

static enum suite_result target_result(json_t *t)
{
	const char *r = json_string_value(json_object_get(t, "result"));
	if (r)
		return !strcmp(r, "pass")   ? SUITE_PASS
		       : !strcmp(r, "fail") ? SUITE_FAIL
					    : SUITE_INCONCLUSIVE;
	json_t *p = json_object_get(t, "pass");
	return json_is_true(p) ? SUITE_PASS : json_is_false(p) ? SUITE_FAIL : SUITE_INCONCLUSIVE;
}

/* "a; b; c" of a JSON array of strings, cut to fit. */
static void join_strings(json_t *a, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(a) && len < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s)
			continue;
		int w = snprintf(buf + len, n - len, "%s%s", len ? "; " : "", s);
		len += w > 0 ? (size_t)w : 0;
	}
}

/* A live run's "schedule" object, in one line. */
static void schedule_line(json_t *sc, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!json_is_object(sc))
		return;
	json_t *p50 = json_object_get(sc, "lateness_p50_ms"),
	       *p99 = json_object_get(sc, "lateness_p99_ms");
	json_t *lim = json_object_get(sc, "limit_ms");
	snprintf(buf, n, "INVITE lateness p50 %.2f ms, p99 %.2f ms, limit %.2f ms: %s",
		 json_number_value(p50), json_number_value(p99), json_number_value(lim),
		 json_is_true(json_object_get(sc, "kept")) ? "kept" : "not kept");
}

void suite_collect(struct suite_entry *e, const char *path)
{
	json_error_t je;
	json_t *j = rbjson_load_file(path, 0, &je);
	if (!j) {
		snprintf(e->verdict, sizeof(e->verdict), "error");
		if (!e->error[0])
			snprintf(e->error, sizeof(e->error), "no summary.json: %s", je.text);
		return;
	}
	const char *v = json_string_value(json_object_get(j, "verdict"));
	snprintf(e->verdict, sizeof(e->verdict), "%s", v ? v : "error");
	const char *why = json_string_value(json_object_get(j, "error"));
	if (why && !e->error[0])
		snprintf(e->error, sizeof(e->error), "%s", why);
	join_strings(json_object_get(j, "inconclusive_reasons"), e->reasons, sizeof(e->reasons));
	schedule_line(json_object_get(j, "schedule"), e->schedule, sizeof(e->schedule));
	json_t *ts = json_object_get(j, "targets");
	size_t n = json_array_size(ts);
	free(e->targets);
	e->targets = calloc(n ? n : 1, sizeof(*e->targets));
	e->n_targets = 0;
	if (e->targets) {
		for (size_t i = 0; i < n; i++) {
			json_t *t = json_array_get(ts, i);
			struct suite_target *st = &e->targets[i];
			target_name(t, st->name, sizeof(st->name));
			json_t *m = json_object_get(t, "measured"),
			       *ci = json_object_get(t, "ci95");
			st->measured = json_is_number(m) ? json_number_value(m) : NAN;
			json_t *lo = json_array_get(ci, 0), *hi = json_array_get(ci, 1);
			st->lo = json_is_number(lo) ? json_number_value(lo) : NAN;
			st->hi = json_is_number(hi) ? json_number_value(hi) : NAN;
			st->result = target_result(t);
			const char *note = json_string_value(json_object_get(t, "note"));
			snprintf(st->note, sizeof(st->note), "%s", note ? note : "");
		}
		e->n_targets = n;
	}
	json_decref(j);
}

static int run_entry(struct suite_entry *e, const char *out_dir)
{
	char dir[PATH_MAX], err[1024] = "";
	snprintf(dir, sizeof(dir), "%s/%s", out_dir, e->name);
	struct scenario *sc = NULL;
	int rc;
	rb_us t_start = rb_now_mono_us();
	if (cli_mkdirs(dir)) {
		snprintf(e->error, sizeof(e->error), "cannot create %s", dir);
		rc = 3;
		goto out;
	}
	int le = scn_load(e->scenario, &sc, err, sizeof(err));
	if (le) {
		snprintf(e->error, sizeof(e->error), "%s", err[0] ? err : strerror(le));
		rc = 3;
		goto out;
	}
	if (e->n_targets_arg &&
	    (le = scn_targets_replace(sc, (const char *const *)e->targets_arg, e->n_targets_arg, err,
				      sizeof(err)))) {
		snprintf(e->error, sizeof(e->error), "targets: %s", err[0] ? err : strerror(le));
		rc = 3;
		goto out;
	}
	if (e->engine == SUITE_MODEL) {
		if (scn_staff_flat(sc, e->operators, e->backup)) {
			snprintf(e->error, sizeof(e->error), "out of memory");
			rc = 3;
			goto out;
		}
		rc = run_model(e, sc, dir);
	} else {
		struct live_opts lo = {
			.scenario_path = e->scenario,
			.scn = sc,
			.speedup = e->speedup > 0 ? e->speedup : 1.0,
			.replications = e->replications > 0 ? (int)e->replications : 1,
			.seed = e->seed_set ? e->seed : sc->run.seed,
			.server = e->server,
			.out_dir = dir,
			.command = "ringbench suite: live",
			.quiet = true, /* the suite's own progress line says how it went */
		};
		rc = live_run(&lo, NULL);
	}
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	suite_collect(e, path);
out:
	if ((rc == 2 || rc == 3) && strcmp(e->verdict, "error")) {
		snprintf(e->verdict, sizeof(e->verdict), "error");
	}
	e->exit_code = rc;
	e->seconds = rb_us_to_s(rb_now_mono_us() - t_start);
	scn_free(sc);
	return rc;
}

/* 0 pass < 4 inconclusive < 1 fail < 3 error: a failed run outranks a miss, a miss an undecided
 * run. */
static int severity(int rc)
{
	return rc == 0 ? 0 : rc == 4 ? 1 : rc == 1 ? 2 : 3;
}

int suite_worse(int a, int b)
{
	return severity(b) > severity(a) ? b : a;
}

const char *suite_result_name(enum suite_result r)
{
	return r == SUITE_PASS ? "pass" : r == SUITE_FAIL ? "fail" : "inconclusive";
}

int suite_entry_status(const struct suite_entry *e)
{
	int rc = e->exit_code;
	if (!(rc == 0 || rc == 1 || rc == 4) || !strcmp(e->verdict, "error"))
		return 3;
	enum suite_result got = rc == 0 ? SUITE_PASS : rc == 1 ? SUITE_FAIL : SUITE_INCONCLUSIVE;
	if (got == e->expect)
		return 0;
	return got == SUITE_INCONCLUSIVE ? 4 : 1;
}

/*
 * One line per run, after it: "suite: 2/5 burst-live  live  pass  41.2 s". On
 * a terminal the line is first shown while the run runs, then overwritten.
 */
static void progress(const struct suite *s, size_t i, bool tty, bool done)
{
	const struct suite_entry *e = &s->entries[i];
	const char *engine = e->engine == SUITE_LIVE ? "live" : "model";
	if (!done) {
		if (tty)
			fprintf(stderr, "\rsuite: %zu/%zu %-24s %-5s running ...\033[K", i + 1, s->n,
				e->name, engine);
		fflush(stderr);
		return;
	}
	char expect[48] = "";
	if (e->expect != SUITE_PASS)
		snprintf(expect, sizeof(expect), " (expected %s: %s)", suite_result_name(e->expect),
			 suite_entry_status(e) ? "not met" : "met");
	fprintf(stderr, "%ssuite: %zu/%zu %-24s %-5s %-12s %7.1f s%s\n", tty ? "\r\033[K" : "",
		i + 1, s->n, e->name, engine, e->verdict[0] ? e->verdict : "error", e->seconds,
		expect);
	fflush(stderr);
}

int suite_run(struct suite *s, const char *out_dir, bool quiet)
{
	int worst = 0;
	bool tty = !quiet && isatty(STDERR_FILENO);
	for (size_t i = 0; i < s->n; i++) {
		struct suite_entry *e = &s->entries[i];
		if (!quiet)
			progress(s, i, tty, false);
		run_entry(e, out_dir);
		if (!quiet)
			progress(s, i, tty, true);
		worst = suite_worse(worst, suite_entry_status(e));
	}
	return worst;
}
