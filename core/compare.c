/* compare: two summary.json files measure by measure; see compare.h. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "stats.h"

const char *cmp_status_name(enum cmp_status s)
{
	switch (s) {
	case CMP_SAME:
		return "same";
	case CMP_DIFFERENT:
		return "DIFFERENT";
	case CMP_TOO_FEW:
		return "too few calls to tell";
	case CMP_NO_INTERVAL:
		return "no interval to tell";
	default:
		return "cannot be known";
	}
}

int compare_load(const char *dir, json_t **out, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		FILE *f = fopen(path, "r");
		if (!f) {
			int e = errno;
			snprintf(err, errlen, "%s: %s", path, strerror(e));
			return e == ENOENT ? ENOENT : EINVAL;
		}
		fclose(f);
		snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path, je.line, je.column,
			 je.text);
		return EINVAL;
	}
	const char *missing = NULL;
	if (!json_is_object(j))
		missing = "a JSON object";
	else if (!json_is_object(json_object_get(j, "overall")))
		missing = "an \"overall\" object";
	else if (!json_is_object(json_object_get(j, "phases")))
		missing = "a \"phases\" object";
	else if (!json_is_number(json_object_get(j, "ring_period_s")))
		missing = "\"ring_period_s\"";
	if (missing) {
		snprintf(err, errlen, "%s: not a ringbench summary.json: expected %s", path, missing);
		json_decref(j);
		return EINVAL;
	}
	*out = j;
	return 0;
}

/* The measures compared, by default: name, and what its calls are. */
enum over { OVER_OFFERED, OVER_DIALLED, OVER_ANSWERED, OVER_TIME };

struct mdef {
	char path[48]; /* inside a group: "sla.3", "wait_s.mean" */
	enum over over;
	bool dflt;
};

static size_t measure_defs(struct mdef *d)
{
	size_t n = 0;
	static const char *const lv[] = {"answered_within", "sla", "sl", "sl2"};
	for (int m = 0; m < 4; m++)
		for (int k = 1; k <= 10; k++) {
			snprintf(d[n].path, sizeof(d[n].path), "%s.%d", lv[m], k);
			d[n].over = m == 2 ? OVER_ANSWERED : OVER_OFFERED;
			d[n++].dflt = m < 2;
		}
	d[n++] = (struct mdef){"abandon_fraction", OVER_OFFERED, true};
	d[n++] = (struct mdef){"abandon_before_forward_fraction", OVER_DIALLED, true};
	d[n++] = (struct mdef){"wait_s.mean", OVER_ANSWERED, true};
	d[n++] = (struct mdef){"occupancy", OVER_TIME, true};
	d[n++] = (struct mdef){"backup_occupancy", OVER_TIME, true};
	d[n++] = (struct mdef){"queue_len.mean", OVER_TIME, false};
	return n;
}

/* Is path picked by the --measures list (names or their prefixes)? */
static bool picked(const char *list, const struct mdef *d)
{
	if (!list)
		return d->dflt;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n && !strncmp(d->path, p, n) && (d->path[n] == '\0' || d->path[n] == '.'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static json_t *dig(json_t *o, const char *path)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", path);
	char *s = buf;
	while (o && s) {
		char *dot = strchr(s, '.');
		if (dot)
			*dot = '\0';
		o = json_object_get(o, s);
		s = dot ? dot + 1 : NULL;
	}
	return o;
}

static double jnum(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The t value behind a folder's ci95, for files without "se". */
static double folder_t(json_t *root)
{
	const char *m = json_string_value(json_object_get(root, "ci_method"));
	long n = 0;
	if (m && !strncmp(m, "batch_means_", 12))
		n = strtol(m + 12, NULL, 10);
	else
		n = (long)json_integer_value(json_object_get(root, "replications"));
	return n >= 2 ? stats_t975(n - 1) : NAN;
}

static double group_se(json_t *root, json_t *g, const char *path)
{
	double se = jnum(dig(json_object_get(g, "se"), path));
	if (!isnan(se))
		return se;
	json_t *ci = dig(json_object_get(g, "ci95"), path);
	if (!json_is_array(ci) || json_array_size(ci) != 2)
		return NAN;
	double lo = jnum(json_array_get(ci, 0)), hi = jnum(json_array_get(ci, 1));
	return (hi - lo) / 2 / folder_t(root);
}

static void group_ci(json_t *g, const char *path, double ci[2])
{
	json_t *v = dig(json_object_get(g, "ci95"), path);
	bool ok = json_is_array(v) && json_array_size(v) == 2;
	ci[0] = ok ? jnum(json_array_get(v, 0)) : NAN;
	ci[1] = ok ? jnum(json_array_get(v, 1)) : NAN;
}

static long long calls_over(json_t *g, enum over o)
{
	const char *k = o == OVER_DIALLED ? "dialled" : o == OVER_ANSWERED ? "answered" : "offered";
	if (o == OVER_TIME)
		return -1;
	json_t *v = json_object_get(g, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static int add_row(struct cmp_result *r, size_t *cap)
{
	if (r->n_rows < *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 64;
	struct cmp_row *x = realloc(r->rows, nc * sizeof(*x));
	if (!x)
		return ENOMEM;
	r->rows = x;
	*cap = nc;
	return 0;
}

static int compare_group(json_t *ra, json_t *rb, json_t *ga, json_t *gb, const char *gname,
			 const struct cmp_opts *o, struct cmp_result *r, size_t *cap)
{
	struct mdef defs[64];
	size_t nd = measure_defs(defs);
	long min_calls = o->min_calls > 0 ? o->min_calls : 30;
	for (size_t i = 0; i < nd; i++) {
		if (!picked(o->measures, &defs[i]))
			continue;
		if (add_row(r, cap))
			return ENOMEM;
		struct cmp_row *w = &r->rows[r->n_rows++];
		memset(w, 0, sizeof(*w));
		snprintf(w->measure, sizeof(w->measure), "%.80s.%.40s", gname, defs[i].path);
		w->a = jnum(dig(ga, defs[i].path));
		w->b = jnum(dig(gb, defs[i].path));
		w->se_a = group_se(ra, ga, defs[i].path);
		w->se_b = group_se(rb, gb, defs[i].path);
		group_ci(ga, defs[i].path, w->ci_a);
		group_ci(gb, defs[i].path, w->ci_b);
		w->n_a = calls_over(ga, defs[i].over);
		w->n_b = calls_over(gb, defs[i].over);
		w->z = NAN;
		if (defs[i].over != OVER_TIME && (w->n_a < min_calls || w->n_b < min_calls))
			w->status = CMP_TOO_FEW;
		else if (isnan(w->a) || isnan(w->b))
			w->status = CMP_UNKNOWN;
		else if (isnan(w->se_a) || isnan(w->se_b))
			w->status = CMP_NO_INTERVAL;
		else
			w->status = CMP_SAME; /* judged once m is known */
	}
	return 0;
}

int compare_run(json_t *a, json_t *b, const struct cmp_opts *o, struct cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	size_t cap = 0;
	int err = compare_group(a, b, json_object_get(a, "overall"), json_object_get(b, "overall"),
				"overall", o, r, &cap);
	/* phases both folders have, in sorted order */
	json_t *pa = json_object_get(a, "phases"), *pb = json_object_get(b, "phases");
	const char **names = calloc(json_object_size(pa) + 1, sizeof(*names));
	if (!names)
		return ENOMEM;
	size_t nn = 0;
	const char *key;
	json_t *val;
	json_object_foreach(pa, key, val)
		if (json_is_object(json_object_get(pb, key)))
			names[nn++] = key;
	for (size_t i = 1; i < nn; i++) /* insertion sort: a handful of phases */
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < nn && !err; i++) {
		char g[96];
		snprintf(g, sizeof(g), "phases.%s", names[i]);
		err = compare_group(a, b, json_object_get(pa, names[i]), json_object_get(pb, names[i]),
				    g, o, r, &cap);
	}
	free(names);
	if (err)
		return err;
	for (size_t i = 0; i < r->n_rows; i++) {
		if (r->rows[i].status == CMP_SAME)
			r->n_compared++;
		if (r->rows[i].status == CMP_TOO_FEW)
			r->n_too_few++;
	}
	r->threshold = r->n_compared ? gsl_cdf_ugaussian_Qinv(0.005 / (double)r->n_compared) : NAN;
	for (size_t i = 0; i < r->n_rows; i++) {
		struct cmp_row *w = &r->rows[i];
		if (w->status != CMP_SAME)
			continue;
		double d = w->a - w->b;
		double se = sqrt(w->se_a * w->se_a + w->se_b * w->se_b);
		w->z = d == 0 ? 0 : se > 0 ? d / se : (d > 0 ? INFINITY : -INFINITY);
		if (fabs(w->z) > r->threshold) {
			w->status = CMP_DIFFERENT;
			r->n_different++;
		}
	}
	double rpa = jnum(json_object_get(a, "ring_period_s"));
	double rpb = jnum(json_object_get(b, "ring_period_s"));
	r->ring_period_differs = rpa != rpb;
	return 0;
}

void cmp_result_free(struct cmp_result *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static void print_val(FILE *out, double v, const double ci[2])
{
	char b[64];
	if (isnan(v))
		snprintf(b, sizeof(b), "null");
	else if (isnan(ci[0]) || isnan(ci[1]))
		snprintf(b, sizeof(b), "%.4f", v);
	else
		snprintf(b, sizeof(b), "%.4f [%.4f, %.4f]", v, ci[0], ci[1]);
	fprintf(out, " %-26s", b);
}

void compare_print(const struct cmp_result *r, const char *name_a, const char *name_b, FILE *out)
{
	fprintf(out, "A: %s\nB: %s\n", name_a, name_b);
	if (r->ring_period_differs)
		fprintf(out, "warning: the folders have different ring periods; rings are not "
			     "comparable\n");
	fprintf(out, "%-40s %-26s %-26s %7s  %s\n", "measure", "A [95 % interval]",
		"B [95 % interval]", "z", "result");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *w = &r->rows[i];
		fprintf(out, "%-40s", w->measure);
		print_val(out, w->a, w->ci_a);
		print_val(out, w->b, w->ci_b);
		if (isnan(w->z))
			fprintf(out, " %7s", "");
		else
			fprintf(out, " %7.2f", w->z);
		fprintf(out, "  %s", cmp_status_name(w->status));
		if (w->status == CMP_TOO_FEW)
			fprintf(out, " (%lld and %lld calls)", w->n_a, w->n_b);
		fputc('\n', out);
	}
	if (r->n_compared)
		fprintf(out, "\n%zu measures compared; a difference is real when |z| > %.3f "
			     "(two-sided 1 %%, Bonferroni over %zu)\n",
			r->n_compared, r->threshold, r->n_compared);
	else
		fprintf(out, "\nno measure could be compared\n");
	if (r->n_too_few)
		fprintf(out, "%zu measures had too few calls to tell (fewer than the minimum in a "
			     "folder): not judged\n",
			r->n_too_few);
	if (r->n_different)
		fprintf(out, "result: %zu real difference%s\n", r->n_different,
			r->n_different == 1 ? "" : "s");
	else if (!r->n_compared)
		fprintf(out, "result: cannot tell (nothing could be judged)\n");
	else
		fprintf(out, "result: no real difference among the %zu measures judged\n",
			r->n_compared);
}

static json_t *jreal(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

json_t *compare_json(const struct cmp_result *r, const char *name_a, const char *name_b)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *w = &r->rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "measure", json_string(w->measure));
		json_object_set_new(o, "a", jreal(w->a));
		json_object_set_new(o, "b", jreal(w->b));
		json_object_set_new(o, "se_a", jreal(w->se_a));
		json_object_set_new(o, "se_b", jreal(w->se_b));
		json_object_set_new(o, "z", isinf(w->z) ? json_real(w->z > 0 ? 1e308 : -1e308) : jreal(w->z));
		json_object_set_new(o, "calls_a", w->n_a >= 0 ? json_integer(w->n_a) : json_null());
		json_object_set_new(o, "calls_b", w->n_b >= 0 ? json_integer(w->n_b) : json_null());
		json_object_set_new(o, "result", json_string(cmp_status_name(w->status)));
		json_array_append_new(rows, o);
	}
	return json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:b, s:o}", "a", name_a, "b", name_b,
			 "threshold_z", jreal(r->threshold), "measures_compared", (json_int_t)r->n_compared,
			 "differences", (json_int_t)r->n_different, "too_few_calls",
			 (json_int_t)r->n_too_few, "ring_period_differs", r->ring_period_differs,
			 "rows", rows);
}
