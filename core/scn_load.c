/*
 * scn_load: reads a scenario file (libyaml's document API) into a struct
 * scenario: the top level, the center, run and server sections, defaults and
 * cross-checks; the list sections are in scn_sections.c. See scn.h for the
 * contract and scenarios/README.md for every key.
 */
#include "rbfile.h"
#include "scn_int.h"
#include "sha256.h"
#include "tzone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define SCN_MAX_FLOORS 64

static const char *const top_keys[] = {
    "name", "description", "ring_period_s", "start_time", "center", "tenants", "callers",
    "load", "targets",	   "run",	    "server", "planning", NULL};

static int parse_layout(struct scn_ctx *c, yaml_node_t *n, struct scn_center *ce)
{
	static const char *const keys[] = {"floors", NULL};
	yaml_node_t *fl;
	long x;

	if (scn_is_scalar(n, "pooled"))
		return 0;
	if (!n || n->type != YAML_MAPPING_NODE)
		return scn_err(c, n,
			       "expected 'pooled' or {floors: [operators per floor]} for layout");
	if (scn_map_check(c, n, "layout", keys) ||
	    scn_map_need(c, n, "floors", "operators per floor", &fl) ||
	    scn_seq_check(c, fl, "floors", true))
		return EINVAL;
	if (scn_seq_len(fl) > SCN_MAX_FLOORS)
		return scn_err(c, fl, "at most %d floors", SCN_MAX_FLOORS);
	free(ce->floor_ops);
	ce->n_floors = (int)scn_seq_len(fl);
	ce->floor_ops = calloc((size_t)ce->n_floors, sizeof(int));
	if (!ce->floor_ops)
		return ENOMEM;
	for (int f = 0; f < ce->n_floors; f++) {
		if (scn_int(c, scn_seq_item(c, fl, (size_t)f), "operators on a floor", 0, 1000000,
			    &x))
			return EINVAL;
		ce->floor_ops[f] = (int)x;
	}
	return 0;
}

/* The least pick-up d can draw (a lower bound of its support). */
static double dist_least(const struct rv_dist *d)
{
	double m = 0;
	switch (d->kind) {
	case RV_FIXED:
	case RV_UNIFORM:
		return d->a;
	case RV_EMPIRICAL:
		for (size_t i = 0; i < d->n; i++)
			if (i == 0 || d->values[i] < m)
				m = d->values[i];
		return m;
	default:
		return 0;
	}
}

/*
 * {ring_timeout_s, no_answer, not_ready_s} into *p (what names the key in
 * messages); pickup is the pick-up of the staff whose phone it is: a ring
 * timeout it can never beat would leave every call unanswered forever.
 */
static int parse_phone(struct scn_ctx *c, yaml_node_t *n, const char *what,
		       const struct rv_dist *pickup, struct scn_phone *p)
{
	static const char *const keys[] = {"ring_timeout_s", "no_answer", "not_ready_s", NULL};
	yaml_node_t *v;

	if (!n || n->type != YAML_MAPPING_NODE)
		return scn_err(c, n, "expected {ring_timeout_s, no_answer, not_ready_s} for %s",
			       what);
	if (scn_map_check(c, n, what, keys))
		return EINVAL;
	p->ring_timeout = 15 * RB_US_PER_S; /* Asterisk's queue timeout */
	p->no_answer = 0;
	p->not_ready = 0;
	if ((v = scn_map_get(c, n, "ring_timeout_s")) &&
	    scn_secs(c, v, "ring_timeout_s", false, &p->ring_timeout))
		return EINVAL;
	if ((v = scn_map_get(c, n, "no_answer"))) {
		if (scn_num_range(c, v, "no_answer", 0, 1, &p->no_answer))
			return EINVAL;
		if (p->no_answer >= 1)
			return scn_err(c, v, "no_answer must be below 1: with 1 no phone is ever "
					     "answered");
	}
	if ((v = scn_map_get(c, n, "not_ready_s")) &&
	    scn_secs(c, v, "not_ready_s", true, &p->not_ready))
		return EINVAL;
	if (dist_least(pickup) * 1e6 > (double)p->ring_timeout)
		return scn_err(c, n, "%s.ring_timeout_s is %g s, but the pick-up is never under "
				     "%g s: no call would ever be answered",
			       what, rb_us_to_s(p->ring_timeout), dist_least(pickup));
	return 0;
}

static int parse_backup(struct scn_ctx *c, yaml_node_t *n, struct scn_center *ce)
{
	static const char *const keys[] = {"staff", "join_after_rings", "pickup_s", "phone", NULL};
	yaml_node_t *v;
	long x;

	if (scn_map_check(c, n, "backup", keys) ||
	    scn_map_need(c, n, "staff", "how many backup staff", &v) ||
	    scn_int(c, v, "staff", 0, 1000000, &x))
		return EINVAL;
	ce->backup = (int)x;
	if ((v = scn_map_get(c, n, "join_after_rings"))) {
		if (scn_int(c, v, "join_after_rings", 0, 100, &x))
			return EINVAL;
		ce->join_after_rings = (int)x;
	}
	if ((v = scn_map_get(c, n, "pickup_s"))) {
		rv_dist_free(&ce->backup_pickup);
		if (scn_dist(c, v, false, &ce->backup_pickup))
			return EINVAL;
	}
	if ((v = scn_map_get(c, n, "phone")) &&
	    parse_phone(c, v, "backup.phone", &ce->backup_pickup, &ce->backup_phone))
		return EINVAL;
	return 0;
}

static int parse_center(struct scn_ctx *c, yaml_node_t *n, struct scn_center *ce)
{
	static const char *const keys[] = {"operators", "pickup_s", "backup", "wrapup_s",
					   "layout",	"phone",    NULL};
	yaml_node_t *v, *ops;
	long x;
	int sum = 0;

	ce->n_floors = 1;
	ce->join_after_rings = 2;
	if (scn_map_check(c, n, "center", keys) ||
	    scn_map_need(c, n, "operators", "how many operators", &ops))
		return EINVAL;
	if (ops->type == YAML_MAPPING_NODE) /* the form an issue once suggested */
		return scn_err(c, ops, "expected a number of operators; how their phones ring "
				       "goes in center.phone: {ring_timeout_s, no_answer, not_ready_s}");
	if (scn_int(c, ops, "operators", 0, 1000000, &x))
		return EINVAL;
	ce->operators = (int)x;
	if ((v = scn_map_get(c, n, "layout")) && parse_layout(c, v, ce))
		return EINVAL;
	if (ce->n_floors == 1) {
		free(ce->floor_ops);
		ce->floor_ops = calloc(1, sizeof(int));
		if (!ce->floor_ops)
			return ENOMEM;
		ce->floor_ops[0] = ce->operators;
	}
	for (int f = 0; f < ce->n_floors; f++)
		sum += ce->floor_ops[f];
	if (sum != ce->operators)
		return scn_err(c, ops,
			       "operators is %d but the floors of center.layout add up to %d",
			       ce->operators, sum);
	if ((v = scn_map_get(c, n, "pickup_s")) && scn_dist(c, v, false, &ce->pickup))
		return EINVAL;
	if (scn_dist_copy(&ce->backup_pickup, &ce->pickup))
		return ENOMEM;
	/* Backup's phones are rung like the operators' unless backup says. */
	if ((v = scn_map_get(c, n, "phone")) &&
	    parse_phone(c, v, "center.phone", &ce->pickup, &ce->phone))
		return EINVAL;
	ce->backup_phone = ce->phone;
	if ((v = scn_map_get(c, n, "backup")) && parse_backup(c, v, ce))
		return EINVAL;
	/* Backup's own pick-up against the operators' phone settings it took. */
	yaml_node_t *bp = v ? scn_map_get(c, v, "pickup_s") : NULL;
	if (bp && scn_phone_on(&ce->phone) && !scn_map_get(c, v, "phone") &&
	    dist_least(&ce->backup_pickup) * 1e6 > (double)ce->backup_phone.ring_timeout)
		return scn_err(c, bp, "backup's pick-up is never under %g s, above center.phone's "
				      "ring_timeout_s of %g s: no call would ever be answered by backup",
			       dist_least(&ce->backup_pickup), rb_us_to_s(ce->backup_phone.ring_timeout));
	if ((v = scn_map_get(c, n, "wrapup_s")) && scn_dist(c, v, false, &ce->wrapup))
		return EINVAL;
	return 0;
}

static int parse_run(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	static const char *const keys[] = {"seed", "replications", "warmup_s", NULL};
	yaml_node_t *v;
	long x;

	if (scn_map_check(c, n, "run", keys))
		return EINVAL;
	if ((v = scn_map_get(c, n, "seed"))) {
		const char *t = scn_scalar(v);
		char *end;

		errno = 0;
		s->run.seed = t && *t >= '0' && *t <= '9' ? strtoull(t, &end, 10) : 0;
		if (!t || *t < '0' || *t > '9' || *end || errno)
			return scn_err(c, v,
				       "expected a seed: a whole number from 0 to 2^64 - 1, "
				       "got '%s'",
				       t ? t : "");
	}
	if ((v = scn_map_get(c, n, "replications"))) {
		if (scn_int(c, v, "replications", 1, 1000000, &x))
			return EINVAL;
		s->run.replications = (int)x;
	}
	if ((v = scn_map_get(c, n, "warmup_s"))) {
		if (scn_secs(c, v, "warmup_s", true, &s->run.warmup))
			return EINVAL;
		if (s->run.warmup >= s->end)
			return scn_err(c, v,
				       "warmup_s (%g s) must be shorter than the load (%g s); shorten "
				       "warmup_s, or lengthen the phases' duration_s",
				       rb_us_to_s(s->run.warmup), rb_us_to_s(s->end));
	}
	return 0;
}

static int parse_smtp(struct scn_ctx *c, yaml_node_t *n, struct scn_server *sv)
{
	static const char *const keys[] = {"host", "port", "starttls", "from", NULL};
	yaml_node_t *v;
	long x;

	if (scn_map_check(c, n, "smtp", keys))
		return EINVAL;
	if ((v = scn_map_get(c, n, "host")) && scn_str(c, v, &sv->smtp_host))
		return EINVAL;
	if ((v = scn_map_get(c, n, "port"))) {
		if (scn_int(c, v, "port", 1, 65535, &x))
			return EINVAL;
		sv->smtp_port = (int)x;
	}
	if ((v = scn_map_get(c, n, "starttls")) && scn_bool(c, v, &sv->smtp_starttls))
		return EINVAL;
	if ((v = scn_map_get(c, n, "from")) && scn_str(c, v, &sv->smtp_from))
		return EINVAL;
	return 0;
}

/* "off", or "HOST:PORT" with a port 1..65535 ("[::1]:8080" for IPv6). */
static bool admin_ok(const char *a)
{
	const char *colon = strrchr(a, ':');
	char *end;
	long port;

	if (!strcmp(a, "off"))
		return true;
	if (!colon || colon == a)
		return false;
	port = strtol(colon + 1, &end, 10);
	return colon[1] && !*end && port >= 1 && port <= 65535;
}

static int parse_server(struct scn_ctx *c, yaml_node_t *n, struct scn_server *sv)
{
	static const char *const keys[] = {"delivery", "smtp",	      "refused_labels",
					   "admin",    "admin_email", "timezone", NULL};
	yaml_node_t *v;

	if (scn_map_check(c, n, "server", keys))
		return EINVAL;
	if ((v = scn_map_get(c, n, "delivery"))) {
		if (!scn_is_scalar(v, "maildir") && !scn_is_scalar(v, "smtp"))
			return scn_err(c, v, "expected a delivery: maildir or smtp");
		if (scn_str(c, v, &sv->delivery))
			return EINVAL;
	}
	if ((v = scn_map_get(c, n, "smtp")) && parse_smtp(c, v, sv))
		return EINVAL;
	if ((v = scn_map_get(c, n, "refused_labels"))) {
		if (scn_seq_check(c, v, "refused_labels", false))
			return EINVAL;
		sv->n_refused_labels = scn_seq_len(v);
		sv->refused_labels = calloc(sv->n_refused_labels + 1, sizeof(char *));
		if (!sv->refused_labels)
			return ENOMEM;
		for (size_t i = 0; i < sv->n_refused_labels; i++)
			if (scn_str(c, scn_seq_item(c, v, i), &sv->refused_labels[i]))
				return EINVAL;
	}
	if ((v = scn_map_get(c, n, "admin"))) {
		if (scn_str(c, v, &sv->admin))
			return EINVAL;
		if (!admin_ok(sv->admin))
			return scn_err(c, v, "expected 'off' or HOST:PORT for admin, got '%s'",
				       sv->admin);
	}
	if ((v = scn_map_get(c, n, "admin_email")) && scn_str(c, v, &sv->admin_email))
		return EINVAL;
	if ((v = scn_map_get(c, n, "timezone"))) {
		char why[512];
		struct tzone *z = NULL;
		if (scn_str(c, v, &sv->timezone))
			return EINVAL;
		/* Checked against the system tz database now, so a typo stops the
		 * start, not the first report. */
		int e = tzone_load(sv->timezone, &z, why, sizeof why);
		tzone_free(z);
		if (e == ENOMEM)
			return ENOMEM;
		if (e)
			return scn_err(c, v, "%s", why);
	}
	return 0;
}

/* The name from the file name: base name without .yaml / .yml. */
static char *default_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t len;

	b = b ? b + 1 : path;
	len = strlen(b);
	if (len > 5 && !strcmp(b + len - 5, ".yaml"))
		len -= 5;
	else if (len > 4 && !strcmp(b + len - 4, ".yml"))
		len -= 4;
	return strndup(b, len ? len : strlen(b));
}

/* Ring cadences are seconds long (Japan 3 s, the UK 3 s, the US 6 s): a
 * period far outside that is a unit slip, and one that rounds to 0 µs
 * would divide by zero in every ring count. */
#define SCN_RING_MIN_S 0.01
#define SCN_RING_MAX_S 60.0

static int parse_ring_period(struct scn_ctx *c, yaml_node_t *v, struct scenario *s)
{
	double x;

	if (scn_num(c, v, &x))
		return EINVAL;
	if (x == 0 || x < 0)
		return scn_err(c, v, "ring_period_s must be > 0 seconds, got %g", x);
	if (x < SCN_RING_MIN_S || x > SCN_RING_MAX_S)
		return scn_err(c, v,
			       "ring_period_s must be between %g and %g seconds, got %g (Japan's "
			       "ring: 3)",
			       SCN_RING_MIN_S, SCN_RING_MAX_S, x);
	s->ring_period = rb_s_to_us(x);
	return 0;
}

static int parse_top(struct scn_ctx *c, yaml_node_t *root, struct scenario *s)
{
	yaml_node_t *v;

	if (!root || (root->type == YAML_SCALAR_NODE && !*scn_scalar(root)))
		return scn_err(c, root,
			       "expected a mapping of scenario keys (center, tenants, "
			       "callers, load, ...), got an empty file");
	if (scn_map_check(c, root, "the scenario", top_keys))
		return EINVAL;
	if ((v = scn_map_get(c, root, "name")) &&
	    (scn_str(c, v, &s->name) || scn_check_name(c, v, s->name)))
		return EINVAL;
	if ((v = scn_map_get(c, root, "description")) && scn_str(c, v, &s->description))
		return EINVAL;
	if ((v = scn_map_get(c, root, "ring_period_s")) && parse_ring_period(c, v, s))
		return EINVAL;
	if (scn_map_need(c, root, "center", "operators and how they answer", &v) ||
	    parse_center(c, v, &s->center))
		return EINVAL;
	if (scn_map_need(c, root, "tenants", "the numbers called", &v) ||
	    scn_parse_tenants(c, v, s))
		return EINVAL;
	if (scn_map_need(c, root, "callers", "talk_s or types", &v) || scn_parse_callers(c, v, s))
		return EINVAL;
	s->start_time_s = -1;
	if ((v = scn_map_get(c, root, "start_time")) && scn_clock(c, v, "start_time", &s->start_time_s))
		return EINVAL;
	if (scn_map_need(c, root, "load", "the phases", &v) || scn_parse_load(c, v, s))
		return EINVAL;
	if ((v = scn_map_get(c, root, "targets")) && scn_parse_targets(c, v, s))
		return EINVAL;
	if ((v = scn_map_get(c, root, "run")) && parse_run(c, v, s))
		return EINVAL;
	if ((v = scn_map_get(c, root, "server")) && parse_server(c, v, &s->server))
		return EINVAL;
	if ((v = scn_map_get(c, root, "planning")) && scn_parse_planning(c, v, s))
		return EINVAL;
	return 0;
}

/* Line and column (1-based) of a byte offset, for libyaml reader errors. */
static void offset_mark(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* libyaml fails some allocations without setting YAML_MEMORY_ERROR. */
static bool yaml_oom(const yaml_parser_t *p)
{
	return p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR;
}

static void yaml_problem(const yaml_parser_t *p, const char *text, size_t len, const char *name,
			 char *err, size_t errlen)
{
	size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (yaml_oom(p)) {
		snprintf(err, errlen, "%s: out of memory (libyaml)", name);
		return;
	}
	if (p->error == YAML_READER_ERROR)
		offset_mark(text, len, p->problem_offset, &line, &col);
	else if (!p->problem_mark.line && !p->problem_mark.column && p->context)
		line = p->context_mark.line + 1, col = p->context_mark.column + 1;
	if (p->context)
		snprintf(err, errlen, "%s:%zu:%zu: invalid YAML: %s (%s that starts at %zu:%zu)",
			 name, line, col, p->problem ? p->problem : "cannot parse", p->context,
			 p->context_mark.line + 1, p->context_mark.column + 1);
	else
		snprintf(err, errlen, "%s:%zu:%zu: invalid YAML: %s", name, line, col,
			 p->problem ? p->problem : "cannot parse");
}

/* A scenario is one YAML document: a second one (after "---") is refused,
 * as is a syntax error anywhere in the file. */
static int one_document(struct scn_ctx *c, yaml_parser_t *p, const char *text, size_t len)
{
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(p, &extra)) {
		c->failed = true;
		yaml_problem(p, text, len, c->name, c->err, c->errlen);
		return yaml_oom(p) ? ENOMEM : EINVAL;
	}
	root = yaml_document_get_root_node(&extra);
	if (root)
		rc = scn_err(c, root, "expected one YAML document; a second one starts here");
	yaml_document_delete(&extra);
	return rc;
}

static void defaults(struct scenario *s)
{
	s->ring_period = 3 * RB_US_PER_S;
	s->run.seed = 1;
	s->run.replications = 1;
	s->server.smtp_port = 25;
}

/* Parses text into a new scenario; path goes into s->path, dir is for
 * empirical_csv. */
static int load(const char *text, size_t len, const char *name, const char *dir,
		struct scenario **out, char *err, size_t errlen)
{
	struct scn_ctx c = {.name = name, .dir = dir, .err = err, .errlen = errlen};
	yaml_parser_t parser;
	yaml_document_t doc;
	struct scenario *s;
	unsigned char md[RB_SHA256_LEN];
	int rc;

	if ((rc = scn_check_bounds(text, len, name, err, errlen)))
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_oom(&parser) ? ENOMEM : EINVAL;
		yaml_problem(&parser, text, len, name, err, errlen);
		yaml_parser_delete(&parser);
		return rc;
	}
	c.doc = &doc;
	rc = one_document(&c, &parser, text, len);
	s = rc ? NULL : calloc(1, sizeof(*s));
	if (!rc && !s)
		rc = ENOMEM;
	if (!rc) {
		defaults(s);
		rc = parse_top(&c, yaml_document_get_root_node(&doc), s);
	}
	if (!rc && !s->name && !(s->name = default_name(name)))
		rc = ENOMEM;
	if (!rc && !(s->path = strdup(name)))
		rc = ENOMEM;
	if (!rc && !s->server.delivery && !(s->server.delivery = strdup("maildir")))
		rc = ENOMEM;
	if (!rc && !s->server.timezone && !(s->server.timezone = strdup(SCN_DEFAULT_TIMEZONE)))
		rc = ENOMEM;
	if (!rc && rb_sha256(text, len, md))
		rc = ENOMEM;
	if (c.failed) {
		rc = rc == ENOMEM ? ENOMEM : EINVAL;
	} else if (rc) {
		/* bad input is reported where it is found: this is out of memory */
		rc = ENOMEM;
		snprintf(err, errlen, "%s: %s", name, strerror(rc));
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc) {
		scn_free(s);
		return rc;
	}
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < RB_SHA256_LEN; i++) {
		s->sha256[2 * i] = digits[md[i] >> 4];
		s->sha256[2 * i + 1] = digits[md[i] & 15];
	}
	s->sha256[2 * RB_SHA256_LEN] = '\0';
	*out = s;
	return 0;
}

int scn_load_string(const char *text, size_t len, const char *name, struct scenario **out,
		    char *err, size_t errlen)
{
	if (!text || !out || !err || !errlen)
		return EINVAL;
	return load(text, len, name ? name : "<string>", "", out, err, errlen);
}

int scn_load(const char *path, struct scenario **out, char *err, size_t errlen)
{
	char *text = NULL, *dir;
	const char *slash;
	size_t len = 0;
	int rc;

	if (!path || !out || !err || !errlen)
		return EINVAL;
	/* One byte past the limit: scn_check_bounds says where the file outgrows it. */
	rc = rbfile_read_head(path, SCN_MAX_BYTES + 1, &text, &len);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(rc));
		return rc;
	}
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup("");
	if (!dir) {
		free(text);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return ENOMEM;
	}
	rc = load(text, len, path, dir, out, err, errlen);
	free(dir);
	free(text);
	return rc;
}
