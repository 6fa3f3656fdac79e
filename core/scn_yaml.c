/*
 * scn_yaml: the scenario loader's helpers over libyaml's document tree:
 * error messages with the node's mark, key checking with "did you mean",
 * typed scalars and distributions (see scn_int.h).
 */
#include "scn_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scn_err(struct scn_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (c->failed)
		return EINVAL;
	c->failed = true;
	k = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->name, n ? n->start_mark.line + 1 : 1,
		     n ? n->start_mark.column + 1 : 1);
	if (k < 0 || (size_t)k >= c->errlen)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return EINVAL;
}

const char *scn_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool scn_is_scalar(const yaml_node_t *n, const char *text)
{
	const char *v = scn_scalar(n);

	return v && strcmp(v, text) == 0;
}

/* What a node is, for "expected X, got Y" messages. */
static const char *got(const yaml_node_t *n, char *buf, size_t len)
{
	const char *v = scn_scalar(n);

	if (!n)
		return "nothing";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (!v || !*v)
		return "nothing";
	snprintf(buf, len, "'%.60s%s'", v, strlen(v) > 60 ? "..." : "");
	return buf;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Levenshtein distance, for keys up to 63 bytes (longer: "far"). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], prev, tmp;

	if (la > 63 || lb > 63)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] =
			    min3(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return row[lb];
}

/* The known key closest to key when close enough to be a typo, else NULL. */
static const char *suggest(const char *key, const char *const *keys)
{
	const char *best = NULL;
	size_t bd = 64, len = strlen(key);

	for (size_t i = 0; keys[i]; i++) {
		size_t d = edit_distance(key, keys[i]);

		if (d < bd) {
			bd = d;
			best = keys[i];
		}
	}
	return best && (bd <= 2 || bd * 3 <= len) && bd < len ? best : NULL;
}

static int unknown(struct scn_ctx *c, yaml_node_t *k, const char *what, const char *kind,
		   const char *const *keys)
{
	const char *key = scn_scalar(k), *s = suggest(key, keys);
	char list[512];
	size_t off = 0;

	if (s)
		return scn_err(c, k, "unknown %s '%s' (did you mean '%s'?)", kind, key, s);
	list[0] = '\0';
	for (size_t i = 0; keys[i] && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					keys[i]);
	return scn_err(c, k, "unknown %s '%s' in %s (expected one of: %s)", kind, key, what, list);
}

int scn_map_check(struct scn_ctx *c, yaml_node_t *n, const char *what, const char *const *keys)
{
	char buf[80];

	if (!n || n->type != YAML_MAPPING_NODE)
		return scn_err(c, n, "expected a mapping for %s, got %s", what,
			       got(n, buf, sizeof(buf)));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const char *key = scn_scalar(k);
		size_t i;

		if (!key)
			return scn_err(c, k, "expected a key name in %s, got %s", what,
				       got(k, buf, sizeof(buf)));
		for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
			;
		if (!keys[i])
			return unknown(c, k, what, "key", keys);
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++)
			if (scn_is_scalar(yaml_document_get_node(c->doc, q->key), key))
				return scn_err(c, k, "duplicate key '%s' in %s", key, what);
	}
	return 0;
}

yaml_node_t *scn_map_get(struct scn_ctx *c, yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (scn_is_scalar(yaml_document_get_node(c->doc, p->key), key))
			return yaml_document_get_node(c->doc, p->value);
	return NULL;
}

int scn_map_need(struct scn_ctx *c, yaml_node_t *n, const char *key, const char *why,
		 yaml_node_t **out)
{
	*out = scn_map_get(c, n, key);
	if (!*out)
		return scn_err(c, n, "missing key '%s' (%s)", key, why);
	return 0;
}

int scn_seq_check(struct scn_ctx *c, yaml_node_t *n, const char *what, bool nonempty)
{
	char buf[80];

	if (!n || n->type != YAML_SEQUENCE_NODE)
		return scn_err(c, n, "expected a list for %s, got %s", what,
			       got(n, buf, sizeof(buf)));
	if (nonempty && scn_seq_len(n) == 0)
		return scn_err(c, n, "expected at least one item in %s", what);
	return 0;
}

size_t scn_seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *scn_seq_item(struct scn_ctx *c, const yaml_node_t *n, size_t i)
{
	return yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
}

static int parse_double(const char *v, double *out)
{
	char *end;
	double x;

	if (!v || !*v)
		return EINVAL;
	errno = 0;
	x = strtod(v, &end);
	if (*end || errno || !isfinite(x))
		return EINVAL;
	*out = x;
	return 0;
}

int scn_num(struct scn_ctx *c, yaml_node_t *n, double *out)
{
	char buf[80];

	if (parse_double(scn_scalar(n), out))
		return scn_err(c, n, "expected a number, got %s", got(n, buf, sizeof(buf)));
	return 0;
}

int scn_num_range(struct scn_ctx *c, yaml_node_t *n, const char *what, double lo, double hi,
		  double *out)
{
	double x;

	if (scn_num(c, n, &x))
		return EINVAL;
	if (x < lo || x > hi)
		return scn_err(c, n, "%s must be between %g and %g, got %g", what, lo, hi, x);
	*out = x;
	return 0;
}

int scn_int(struct scn_ctx *c, yaml_node_t *n, const char *what, long lo, long hi, long *out)
{
	char buf[80];
	double x;

	if (scn_num(c, n, &x))
		return EINVAL;
	if (x != floor(x) || fabs(x) > 9e15)
		return scn_err(c, n, "expected a whole number, got %s", got(n, buf, sizeof(buf)));
	if (x < (double)lo)
		return scn_err(c, n, "%s must be >= %ld, got %.0f", what, lo, x);
	if (x > (double)hi)
		return scn_err(c, n, "%s must be <= %ld, got %.0f", what, hi, x);
	*out = (long)x;
	return 0;
}

int scn_bool(struct scn_ctx *c, yaml_node_t *n, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "on", NULL};
	static const char *const f[] = {"false", "False", "FALSE", "no", "No", "off", NULL};
	char buf[80];

	for (int i = 0; t[i]; i++) {
		if (scn_is_scalar(n, t[i])) {
			*out = true;
			return 0;
		}
		if (scn_is_scalar(n, f[i])) {
			*out = false;
			return 0;
		}
	}
	return scn_err(c, n, "expected true or false, got %s", got(n, buf, sizeof(buf)));
}

int scn_str(struct scn_ctx *c, yaml_node_t *n, char **out)
{
	const char *v = scn_scalar(n);
	char buf[80];

	if (!v || !*v)
		return scn_err(c, n, "expected a string, got %s", got(n, buf, sizeof(buf)));
	free(*out);
	*out = strdup(v);
	return *out ? 0 : ENOMEM;
}

int scn_secs(struct scn_ctx *c, yaml_node_t *n, const char *what, bool allow_zero, rb_us *out)
{
	double x;

	if (scn_num(c, n, &x))
		return EINVAL;
	if (x < 0 || (!allow_zero && x == 0))
		return scn_err(c, n, "%s must be %s 0 seconds, got %g", what,
			       allow_zero ? ">=" : ">", x);
	if (x > RV_MAX_S)
		return scn_err(c, n, "%s is too long: expected at most " SCN_MAX_S_TEXT ", got %g s",
			       what, x);
	/* A positive duration that rounds to 0 µs would be 0 after all. */
	if (!allow_zero && x < 0.5e-6)
		return scn_err(c, n,
			       "%s is shorter than the resolution of times (1 µs): expected at "
			       "least 0.000001 s, got %g s",
			       what, x);
	*out = rb_s_to_us(x);
	return 0;
}

int scn_dist_param(struct scn_ctx *c, yaml_node_t *n, const char *what, double *out)
{
	if (scn_num(c, n, out))
		return EINVAL;
	if (*out > RV_MAX_S)
		return scn_err(c, n, "%s is too large: expected at most " SCN_MAX_S_TEXT ", got %g s",
			       what, *out);
	return 0;
}

int scn_dist_copy(struct rv_dist *dst, const struct rv_dist *src)
{
	*dst = *src;
	if (src->values) {
		dst->values = malloc(sizeof(double) * src->n);
		if (!dst->values)
			return ENOMEM;
		memcpy(dst->values, src->values, sizeof(double) * src->n);
	}
	return 0;
}

static const char *const dist_names[] = {"fixed",	  "exponential", "uniform", "normal",
					 "lognormal",	  "gamma",	 "erlang",  "empirical",
					 "empirical_csv", "never",	 "weibull", NULL};

#define DIST_EXPECTED                                                                              \
	"expected a distribution: a number (fixed), {fixed: x}, {exponential: mean}, "             \
	"{uniform: [a, b]}, {normal|lognormal|gamma: {mean, sd}}, {erlang: {k, mean}}, "           \
	"{weibull: {shape, scale}}, "                                                               \
	"{empirical: [...]} or {empirical_csv: file}"

/* {mean, sd} or {k, mean} into a, b. */
static int two_params(struct scn_ctx *c, yaml_node_t *v, const char *dist, const char *ka,
		      const char *kb, double *a, double *b)
{
	const char *keys[] = {ka, kb, NULL};
	yaml_node_t *na, *nb;
	char what[64];

	snprintf(what, sizeof(what), "%s (%s, %s)", dist, ka, kb);
	if (scn_map_check(c, v, what, keys) || scn_map_need(c, v, ka, what, &na) ||
	    scn_map_need(c, v, kb, what, &nb))
		return EINVAL;
	if (!strcmp(ka, "k")) { /* erlang: k stages, then a mean in seconds */
		long k;
		if (scn_int(c, na, "k", 1, 1000000, &k))
			return EINVAL;
		*a = (double)k;
	} else if (scn_dist_param(c, na, ka, a)) {
		return EINVAL;
	}
	return scn_dist_param(c, nb, kb, b);
}

static int num_list(struct scn_ctx *c, yaml_node_t *v, const char *what, struct rv_dist *d)
{
	size_t n;

	if (scn_seq_check(c, v, what, true))
		return EINVAL;
	n = scn_seq_len(v);
	d->values = calloc(n, sizeof(double));
	if (!d->values)
		return ENOMEM;
	d->n = n;
	for (size_t i = 0; i < n; i++)
		if (scn_dist_param(c, scn_seq_item(c, v, i), "an empirical value", &d->values[i]))
			return EINVAL;
	return 0;
}

void scn_rel_path(const struct scn_ctx *c, const char *file, char *buf, size_t n)
{
	if (file[0] == '/' || !c->dir[0])
		snprintf(buf, n, "%s", file);
	else
		snprintf(buf, n, "%s/%s", c->dir, file);
}

/* One value per line, or the first column (',', ';' or tab separated); '#'
 * comments, blank lines and a first non-numeric line (a header) skipped. */
static int csv_values(struct scn_ctx *c, yaml_node_t *v, struct rv_dist *d)
{
	const char *file = scn_scalar(v);
	char path[4096], *line = NULL;
	size_t cap = 0, lineno = 0, alloc = 0;
	bool first = true;
	FILE *f;
	int rc = 0;

	if (!file || !*file)
		return scn_err(c, v, "expected a file name for empirical_csv");
	scn_rel_path(c, file, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return scn_err(c, v, "cannot read '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *e;
		double x;

		lineno++;
		while (*p == ' ' || *p == '\t' || *p == '"')
			p++;
		e = p + strcspn(p, ",;\t\r\n\"");
		while (e > p && e[-1] == ' ')
			e--;
		*e = '\0';
		if (!*p || *p == '#')
			continue;
		if (parse_double(p, &x)) {
			if (first) {
				first = false;
				continue;
			}
			rc = scn_err(c, v, "%s:%zu: expected a number, got '%.40s'", path, lineno,
				     p);
			goto out;
		}
		first = false;
		if (x > RV_MAX_S) {
			rc = scn_err(c, v,
				     "%s:%zu: value too large: expected at most " SCN_MAX_S_TEXT
				     ", got %g s",
				     path, lineno, x);
			goto out;
		}
		if (d->n == SCN_MAX_CSV_VALUES) {
			rc = scn_err(c, v, "%s:%zu: more than %d values: expected at most %d", path,
				     lineno, SCN_MAX_CSV_VALUES, SCN_MAX_CSV_VALUES);
			goto out;
		}
		if (d->n == alloc) {
			double *nv = realloc(d->values, sizeof(double) * (alloc ? alloc * 2 : 64));

			if (!nv) {
				rc = ENOMEM;
				goto out;
			}
			d->values = nv;
			alloc = alloc ? alloc * 2 : 64;
		}
		d->values[d->n++] = x;
	}
	if (d->n == 0)
		rc = scn_err(c, v, "'%s' holds no values", path);
out:
	free(line);
	fclose(f);
	return rc;
}

static int dist_body(struct scn_ctx *c, const char *kind, yaml_node_t *v, bool allow_never,
		     struct rv_dist *d)
{
	bool never;

	if (!strcmp(kind, "fixed")) {
		d->kind = RV_FIXED;
		return scn_dist_param(c, v, "a fixed value", &d->a);
	}
	if (!strcmp(kind, "exponential")) {
		d->kind = RV_EXPONENTIAL;
		return scn_dist_param(c, v, "an exponential mean", &d->a);
	}
	if (!strcmp(kind, "uniform")) {
		d->kind = RV_UNIFORM;
		if (scn_seq_check(c, v, "uniform [a, b]", true))
			return EINVAL;
		if (scn_seq_len(v) != 2)
			return scn_err(c, v, "expected two bounds [a, b] for uniform");
		return scn_dist_param(c, scn_seq_item(c, v, 0), "a uniform bound", &d->a) ||
		       scn_dist_param(c, scn_seq_item(c, v, 1), "a uniform bound", &d->b);
	}
	if (!strcmp(kind, "normal") || !strcmp(kind, "lognormal") || !strcmp(kind, "gamma")) {
		d->kind = kind[0] == 'n' ? RV_NORMAL : kind[0] == 'l' ? RV_LOGNORMAL : RV_GAMMA;
		return two_params(c, v, kind, "mean", "sd", &d->a, &d->b);
	}
	if (!strcmp(kind, "erlang")) {
		d->kind = RV_ERLANG;
		return two_params(c, v, kind, "k", "mean", &d->a, &d->b);
	}
	if (!strcmp(kind, "weibull")) {
		d->kind = RV_WEIBULL;
		return two_params(c, v, kind, "shape", "scale", &d->a, &d->b);
	}
	if (!strcmp(kind, "empirical")) {
		d->kind = RV_EMPIRICAL;
		return num_list(c, v, "empirical", d);
	}
	if (!strcmp(kind, "empirical_csv")) {
		d->kind = RV_EMPIRICAL;
		return csv_values(c, v, d);
	}
	/* never */
	if (!allow_never)
		return scn_err(c, v, "'never' is only for patience_s");
	if (scn_bool(c, v, &never))
		return EINVAL;
	if (!never)
		return scn_err(c, v, "expected 'never: true' (or leave patience_s out)");
	d->kind = RV_NEVER;
	return 0;
}

int scn_dist(struct scn_ctx *c, yaml_node_t *n, bool allow_never, struct rv_dist *d)
{
	yaml_node_t *k, *v;
	const char *kind, *why = NULL;
	char buf[80];
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	if (n && n->type == YAML_SCALAR_NODE) {
		d->kind = RV_FIXED;
		if (parse_double(scn_scalar(n), &d->a))
			return scn_err(c, n, DIST_EXPECTED ", got %s", got(n, buf, sizeof(buf)));
		if (scn_dist_param(c, n, "a fixed value", &d->a))
			return EINVAL;
		v = n;
		goto prepare;
	}
	if (!n || n->type != YAML_MAPPING_NODE ||
	    n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
		return scn_err(c, n, DIST_EXPECTED ", got %s", got(n, buf, sizeof(buf)));
	k = yaml_document_get_node(c->doc, n->data.mapping.pairs.start->key);
	v = yaml_document_get_node(c->doc, n->data.mapping.pairs.start->value);
	kind = scn_scalar(k);
	if (!kind)
		return scn_err(c, k, DIST_EXPECTED);
	for (i = 0; dist_names[i] && strcmp(dist_names[i], kind); i++)
		;
	if (!dist_names[i])
		return unknown(c, k, "a distribution", "distribution", dist_names);
	rc = dist_body(c, kind, v, allow_never, d);
	if (rc) {
		rv_dist_free(d);
		return rc;
	}
prepare:
	if (rv_dist_prepare(d, &why)) {
		rv_dist_free(d);
		return scn_err(c, v, "%s", why);
	}
	return 0;
}

int scn_cum_shares(struct scn_ctx *c, yaml_node_t *n, const char *what, const double *shares,
		   size_t count, double **out)
{
	double sum = 0, *cum;

	for (size_t i = 0; i < count; i++)
		sum += shares[i];
	if (fabs(sum - 1.0) > 1e-9)
		return scn_err(c, n, "%s shares sum to %.12g, not 1 (shares are never normalised)",
			       what, sum);
	cum = malloc(sizeof(double) * count);
	if (!cum)
		return ENOMEM;
	sum = 0;
	for (size_t i = 0; i < count; i++) {
		sum += shares[i];
		cum[i] = sum > 1.0 ? 1.0 : sum;
	}
	cum[count - 1] = 1.0;
	*out = cum;
	return 0;
}
