/*
 * sweep_collect: the sweep's tables from its point files: sweep.csv (every
 * point, every measure with its interval), staffing.csv (the least staffing
 * meeting each target) and erlang.csv (Erlang A at the same mean load, the
 * report's reference curve); and sweep_merge, which joins shards.
 */
#define LOG_TAG "sweep"
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "rbjson.h"
#include "cli.h"
#include "csvtab.h"
#include "erlang.h"
#include "limit.h"
#include "log.h"
#include "sweep.h"
#include "sweep_cache.h"

struct prow {
	char key[128];
	json_t *sum;
	int ops, backup;
	double rs, na; /* na: NAN when none */
	bool floors;
	char floor_ops[64];
};

/* The runs with unlimited staff (DIR/limits/), one per load, delay and layout. */
struct lims {
	struct prow *rows;
	size_t n;
};

static void put(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.6g", v);
	else
		fputs(",", f);
}

static int cmp_row(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;
	if (x->floors != y->floors)
		return x->floors - y->floors;
	double xn = isnan(x->na) ? -1 : x->na, yn = isnan(y->na) ? -1 : y->na;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	if (x->rs != y->rs)
		return x->rs < y->rs ? -1 : 1;
	if (x->ops != y->ops)
		return x->ops - y->ops;
	return x->backup - y->backup;
}

static void rows_free(struct prow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(rows[i].sum);
	free(rows);
}

/* The point files of dir/sub ("points", or "limits": the runs with
 * unlimited staff), sorted. ENOENT when there are none. */
static int load_points(const char *dir, const char *sub, struct prow **out, size_t *nout, char *err,
		       size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	DIR *d = opendir(path);
	if (!d) {
		errbuf_set(err, errlen, "%s: no %s: not a sweep folder, or nothing computed yet", dir, sub);
		return ENOENT;
	}
	struct prow *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") || len > 120)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct prow *nr = realloc(rows, cap * sizeof(*nr));
			if (!nr) {
				rc = ENOMEM;
				goto out;
			}
			rows = nr;
		}
		struct prow *r = &rows[n];
		memset(r, 0, sizeof(*r));
		json_error_t je;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, e->d_name);
		memset(&je, 0, sizeof(je));
		r->sum = sweep_cache_take(path);
		if (!r->sum)
			r->sum = rbjson_load_file(path, 0, &je);
		const json_t *sp = r->sum ? json_object_get(r->sum, "sweep_point") : NULL;
		if (!json_is_object(sp)) {
			errbuf_set(err, errlen, "%s:%d: not a sweep point (%s)", path, je.line,
			       r->sum ? "no \"sweep_point\"" : je.text);
			json_decref(r->sum);
			rc = EINVAL;
			goto out;
		}
		memcpy(r->key, e->d_name, len - 5);
		r->key[len - 5] = 0;
		r->ops = (int)rbjson_path_num(sp, "operators");
		r->backup = (int)rbjson_path_num(sp, "backup");
		r->rs = rbjson_path_num(sp, "rate_scale");
		r->na = rbjson_path_num(sp, "no_answer_s");
		const json_t *lay = json_object_get(sp, "layout");
		r->floors = json_is_string(lay) && !strcmp(json_string_value(lay), "floors");
		size_t fl = 0, i;
		const json_t *v;
		json_array_foreach(json_object_get(sp, "floor_ops"), i, v)
			fl += (size_t)snprintf(r->floor_ops + fl, fl < sizeof(r->floor_ops) ? sizeof(r->floor_ops) - fl : 0,
					       "%s%lld", i ? "+" : "", (long long)json_integer_value(v));
		n++;
	}
	if (!n) {
		errbuf_set(err, errlen, "%s/%s: no point computed yet", dir, sub);
		rc = ENOENT;
		goto out;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
out:
	closedir(d);
	if (rc) {
		rows_free(rows, n);
		return rc;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* A judged target of a point file as a struct (phase borrowed from t), for its label. */
static void target_from_json(const json_t *t, struct scn_target *out)
{
	static const char *const mnames[] = {"sla", "answered_within", "sl", "sl2"};
	const json_t *ph = json_object_get(t, "phase"), *me = json_object_get(t, "measure"),
		     *cn = json_object_get(t, "count");
	memset(out, 0, sizeof(*out));
	out->phase = json_is_string(ph) ? (char *)json_string_value(ph) : NULL;
	out->phase_idx = -1;
	if (isfinite(out->max = rbjson_path_num(t, "abandon_max"))) {
		out->kind = TARGET_ABANDON_MAX;
	} else if (isfinite(out->max = rbjson_path_num(t, "abandon_before_forward_max"))) {
		out->kind = TARGET_ABANDON_BEFORE_FORWARD_MAX;
	} else {
		out->kind = TARGET_RINGS;
		out->rings = (int)rbjson_path_num(t, "rings");
		out->min = rbjson_path_num(t, "min");
		for (int m = 0; m < 4; m++)
			if (json_is_string(me) && !strcmp(json_string_value(me), mnames[m]))
				out->measure = (enum scn_measure)m;
		bool heard = json_is_string(cn) && !strcmp(json_string_value(cn), "heard");
		out->count = heard ? COUNT_HEARD : COUNT_CENTER;
	}
}

/* "peak:5:0.95", "3:0.9", "3:0.8:sl2", "abandon<=0.05": as --target spells it */
static void target_label(const json_t *t, char *buf, size_t n)
{
	struct scn_target st;
	target_from_json(t, &st);
	scn_target_label(&st, buf, n);
}

/* Met on the point estimate: the measured value on the right side of the limit. */
static bool target_met(const json_t *t)
{
	struct scn_target st;
	double v = rbjson_path_num(t, "measured");
	target_from_json(t, &st);
	if (!isfinite(v))
		return false;
	return st.kind == TARGET_RINGS ? v >= st.min : v <= st.max;
}

/*
 * Judged on the interval: "result" (pass, fail, inconclusive); a point file
 * written before verdicts had three values carries only "pass" (true/false).
 */
static const char *target_result(const json_t *t)
{
	const json_t *r = json_object_get(t, "result"), *p = json_object_get(t, "pass");
	if (json_is_string(r))
		return json_string_value(r);
	if (json_is_boolean(p))
		return json_is_true(p) ? "pass" : "fail";
	return "inconclusive";
}

static bool target_passed(const json_t *t)
{
	return !strcmp(target_result(t), "pass");
}

static double rings_heard_mean(const json_t *m)
{
	const json_t *h = json_object_get(m, "rings_heard");
	double tot = 0, sum = 0;
	for (int k = 1; k <= 31; k++) {
		char key[8];
		snprintf(key, sizeof(key), k == 31 ? "31+" : "%d", k);
		double v = rbjson_path_num(h, key);
		if (isfinite(v)) {
			tot += v;
			sum += v * k;
		}
	}
	return tot > 0 ? sum / tot : NAN;
}

/* A measure and its interval: value at M.path, interval at M.ci95.path. */
static void triplet(FILE *f, const json_t *m, const char *path)
{
	char ci[160];
	snprintf(ci, sizeof(ci), "ci95.%s", path);
	const json_t *c = rbjson_path(m, ci);
	put(f, rbjson_path_num(m, path));
	put(f, rbjson_at(c, 0));
	put(f, rbjson_at(c, 1));
}

static const char *const measures[] = {
	"sla.1", "sla.2", "sla.3", "sla.4", "sla.5", "sla.6", "sla.7", "sla.8", "sla.9", "sla.10",
	"answered_within.3", "answered_within.5", "sl.3", "sl.5", "sl2.3", "sl2.5",
	"abandon_fraction", "abandon_before_forward_fraction", "wait_s.mean", "wait_s.p50",
	"wait_s.p90", "wait_s.p99", "occupancy", "backup_occupancy", "queue_len.mean",
};
#define N_MEASURES (sizeof(measures) / sizeof(measures[0]))
static const char *const phase_measures[] = {"sla.3", "sla.5", "abandon_fraction", "occupancy"};

static void colname(FILE *f, const char *pre, const char *path)
{
	fputc(',', f);
	fputs(pre, f);
	for (const char *p = path; *p; p++)
		fputc(*p == '.' ? '_' : *p, f);
	if (!strncmp(path, "wait_s.", 7) || !strcmp(path, "wait_s"))
		fputs("_s", f);
}

static int write_sweep_csv(const char *dir, const struct prow *rows, size_t n)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	const json_t *phases = json_object_get(rows[0].sum, "phases");
	const json_t *targets = json_object_get(rows[0].sum, "targets");
	fputs("key,operators,backup,rate_scale,no_answer_s,layout,floor_ops,replications,dialled,"
	      "offered,answered,abandoned",
	      f);
	for (size_t i = 0; i < N_MEASURES; i++)
		for (int j = 0; j < 3; j++) {
			char pre[8] = "";
			colname(f, pre, measures[i]);
			if (j)
				fputs(j == 1 ? "_lo" : "_hi", f);
		}
	fputs(",rings_heard_mean", f);
	const char *pn;
	const json_t *pm;
	json_object_foreach((json_t *)phases, pn, pm)
		for (size_t i = 0; i < 4; i++)
			for (int j = 0; j < 3; j++) {
				char pre[160];
				snprintf(pre, sizeof(pre), "phase_%s_", pn);
				colname(f, pre, phase_measures[i]);
				if (j)
					fputs(j == 1 ? "_lo" : "_hi", f);
			}
	for (size_t t = 0; t < json_array_size(targets); t++)
		fprintf(f, ",target%zu_measured,target%zu_lo,target%zu_hi,target%zu_met,target%zu_result",
			t + 1, t + 1, t + 1, t + 1, t + 1);
	fputs(",all_met,all_pass\n", f);
	for (size_t r = 0; r < n; r++) {
		const json_t *s = rows[r].sum, *m = json_object_get(s, "overall");
		fprintf(f, "%s,%d,%d,%g,", rows[r].key, rows[r].ops, rows[r].backup, rows[r].rs);
		if (isfinite(rows[r].na))
			fprintf(f, "%g", rows[r].na);
		fprintf(f, ",%s,%s", rows[r].floors ? "floors" : "pooled", rows[r].floor_ops);
		put(f, rbjson_path_num(s, "replications"));
		put(f, rbjson_path_num(m, "dialled"));
		put(f, rbjson_path_num(m, "offered"));
		put(f, rbjson_path_num(m, "answered"));
		put(f, rbjson_path_num(m, "abandoned"));
		for (size_t i = 0; i < N_MEASURES; i++)
			triplet(f, m, measures[i]);
		put(f, rings_heard_mean(m));
		json_object_foreach((json_t *)phases, pn, pm) {
			const json_t *ps = json_object_get(json_object_get(s, "phases"), pn);
			for (size_t i = 0; i < 4; i++)
				triplet(f, ps, phase_measures[i]);
		}
		bool all_met = true, all_pass = true;
		size_t ti;
		const json_t *t;
		json_array_foreach(json_object_get(s, "targets"), ti, t) {
			const json_t *ci = json_object_get(t, "ci95");
			put(f, rbjson_path_num(t, "measured"));
			put(f, rbjson_at(ci, 0));
			put(f, rbjson_at(ci, 1));
			fprintf(f, ",%d,%s", target_met(t) ? 1 : 0, target_result(t));
			all_met &= target_met(t);
			all_pass &= target_passed(t);
		}
		fprintf(f, ",%d,%d\n", all_met ? 1 : 0, all_pass ? 1 : 0);
	}
	bool bad = ferror(f) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0)
		return EIO;
	return 0;
}

static bool same_group(const struct prow *a, const struct prow *b)
{
	return a->floors == b->floors && a->rs == b->rs &&
	       ((isnan(a->na) && isnan(b->na)) || a->na == b->na);
}

/*
 * Whether the point meets target t (every target when t < 0): on the
 * measured value (interval false) or on the whole 95 % interval (true).
 */
static bool row_ok(const struct prow *r, long t, bool interval)
{
	const json_t *tg = json_object_get(r->sum, "targets");
	for (size_t i = t >= 0 ? (size_t)t : 0; i < json_array_size(tg); i++) {
		const json_t *x = json_array_get(tg, i);
		if (!(interval ? target_passed(x) : target_met(x)))
			return false;
		if (t >= 0)
			return true;
	}
	return t < 0;
}

/* The least operators, then the least backup at that count, of rows [g, e) meeting t. */
static const struct prow *least(const struct prow *rows, size_t g, size_t e, long t, bool interval)
{
	const struct prow *best = NULL;
	for (size_t i = g; i < e; i++) {
		if (!row_ok(&rows[i], t, interval))
			continue;
		if (!best || rows[i].ops < best->ops ||
		    (rows[i].ops == best->ops && rows[i].backup < best->backup))
			best = &rows[i];
	}
	return best;
}

/* A free-text field, always in quotes: the separator, then the cell. */
static void put_quoted(FILE *f, const char *v)
{
	fputc(',', f);
	csvtab_put(f, v, true);
}

/* measured, lo, hi of target t at row r (three empty fields when none). */
static void put_judged(FILE *f, const struct prow *r, long t)
{
	if (!r || t < 0) {
		fputs(",,,", f);
		return;
	}
	const json_t *tt = json_array_get(json_object_get(r->sum, "targets"), (size_t)t);
	const json_t *ci = json_object_get(tt, "ci95");
	put(f, rbjson_path_num(tt, "measured"));
	put(f, rbjson_at(ci, 0));
	put(f, rbjson_at(ci, 1));
}

static void add_note(char *buf, size_t n, const char *note)
{
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, "%s%s", len ? "; " : "", note);
}

/* The run with unlimited staff of r's load, delay and layout, or NULL. */
static const struct prow *limit_of(const struct lims *L, const struct prow *r)
{
	for (size_t i = 0; L && i < L->n; i++)
		if (same_group(&L->rows[i], r))
			return &L->rows[i];
	return NULL;
}

/*
 * Why target t (every target when t < 0) is not met in the grid: when the
 * run with unlimited staff (lim) does not meet it either, no staffing can
 * (sim/limit.h says it, the words plan uses); else more staff would.
 * Without lim (an older folder), "try more staff".
 */
static void not_met_note(char *note, size_t n, const struct prow *lim, long t)
{
	const json_t *targets = lim ? json_object_get(lim->sum, "targets") : NULL;
	char say[400];
	for (size_t k = t >= 0 ? (size_t)t : 0; k < json_array_size(targets); k++) {
		const json_t *x = json_array_get(targets, k), *ph = json_object_get(x, "phase");
		struct scn_target st;
		if (isfinite(rbjson_path_num(x, "measured")) && !target_met(x)) {
			target_from_json(x, &st);
			const json_t *g = json_is_string(ph) ? json_object_get(json_object_get(lim->sum, "phases"),
									      json_string_value(ph))
							     : json_object_get(lim->sum, "overall");
			char what[256] = "";
			if (t < 0)
				target_label(x, what, sizeof(what));
			limit_say(say, sizeof(say), what, st.kind, g, rbjson_path_num(x, "measured"));
			add_note(note, n, say);
			return;
		}
		if (t >= 0)
			break;
	}
	add_note(note, n, "not met in the grid: try more staff");
}

/*
 * One staffing row: group [g, e) of one layout, delay and load, target t
 * (every target together when t < 0), judged in the phase the target names
 * or over the whole run.
 */
static void staffing_row(FILE *f, const struct prow *rows, size_t g, size_t e, long t, int omin,
			 int omax, const struct prow *lim)
{
	const json_t *targets = json_object_get(rows[g].sum, "targets");
	const json_t *tg = t >= 0 ? json_array_get(targets, (size_t)t) : NULL;
	const json_t *tph = tg ? json_object_get(tg, "phase") : NULL;
	char label[256] = "all", note[512] = "";
	if (tg)
		target_label(tg, label, sizeof(label));
	const struct prow *met = least(rows, g, e, t, false), *pass = least(rows, g, e, t, true);
	fprintf(f, "%g", rows[g].rs);
	put_quoted(f, label);
	put_quoted(f, !tg ? "(each target's)" : json_is_string(tph) ? json_string_value(tph) : "(whole run)");
	if (met)
		fprintf(f, ",%d,%d", met->ops, met->backup);
	else
		fputs(",,", f);
	if (pass)
		fprintf(f, ",%d,%d", pass->ops, pass->backup);
	else
		fputs(",,", f);
	/* the measures at the point answer, of the target's phase when it has one */
	const json_t *m = met ? json_object_get(met->sum, "overall") : NULL;
	if (met && json_is_string(tph)) {
		const json_t *pm = json_object_get(json_object_get(met->sum, "phases"), json_string_value(tph));
		m = pm ? pm : m;
	}
	put(f, rbjson_path_num(m, "occupancy"));
	put(f, rbjson_path_num(m, "abandon_fraction"));
	put(f, rbjson_path_num(m, "wait_s.mean"));
	fprintf(f, ",%s,", rows[g].floors ? "floors" : "pooled");
	if (isfinite(rows[g].na))
		fprintf(f, "%g", rows[g].na);
	put(f, rbjson_path_num(m, "backup_occupancy"));
	put(f, rbjson_path_num(m, "sla.3"));
	put(f, rbjson_path_num(m, "sla.5"));
	put_judged(f, met, t);
	put_judged(f, pass, t);
	fprintf(f, ",%d:%d", omin, omax);
	if (!met)
		not_met_note(note, sizeof(note), lim, t);
	else if (!pass)
		add_note(note, sizeof(note), "no point passes on its interval: try more staff or replications");
	if ((met && met->ops == omin) || (pass && pass->ops == omin))
		add_note(note, sizeof(note), "met at the grid's least operators: try fewer");
	if (tg && !json_is_string(tph) && json_object_size(json_object_get(rows[g].sum, "phases")) > 1)
		add_note(note, sizeof(note), "judged over the whole run (every phase's calls together): "
					     "a phase can need more");
	put_quoted(f, note);
	fputc('\n', f);
}

static int write_staffing(const char *dir, const struct prow *rows, size_t n, const struct lims *L)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/staffing.csv", dir);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	long nt = (long)json_array_size(json_object_get(rows[0].sum, "targets"));
	fputs("rate_scale,target,phase,min_operators,min_backup,pass_operators,pass_backup,occupancy,"
	      "abandon_fraction,wait_mean_s,layout,no_answer_s,backup_occupancy,sla_3,sla_5,measured,"
	      "measured_lo,measured_hi,pass_measured,pass_measured_lo,pass_measured_hi,"
	      "operators_tried,note\n",
	      f);
	for (size_t g = 0; g < n;) {
		size_t e = g;
		int omin = rows[g].ops, omax = rows[g].ops;
		while (e < n && same_group(&rows[g], &rows[e])) {
			if (rows[e].ops < omin)
				omin = rows[e].ops;
			if (rows[e].ops > omax)
				omax = rows[e].ops;
			e++;
		}
		for (long t = 0; t <= nt; t++) /* the last row: every target together */
			staffing_row(f, rows, g, e, t < nt ? t : -1, omin, omax, limit_of(L, &rows[g]));
		g = e;
	}
	bool bad = ferror(f) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0)
		return EIO;
	return 0;
}

enum { ST_RS, ST_TARGET, ST_PHASE, ST_MINO, ST_MINB, ST_PASSO, ST_PASSB, ST_LAYOUT = 10, ST_NA,
       ST_NOTE = 22, ST_NCOL };

/* Row r of staffing.csv as the table shows it. */
static void print_staffing_row(FILE *out, const struct csvtab *t, size_t r)
{
	const char *c[ST_NCOL];
	char met[32], pass[32];
	for (int k = 0; k < ST_NCOL; k++)
		c[k] = csvtab_get(t, r, k);
	snprintf(met, sizeof(met), "%s%s%s", *c[ST_MINO] ? c[ST_MINO] : "-", *c[ST_MINO] ? "+" : "",
		 c[ST_MINB]);
	snprintf(pass, sizeof(pass), "%s%s%s", *c[ST_PASSO] ? c[ST_PASSO] : "-",
		 *c[ST_PASSO] ? "+" : "", c[ST_PASSB]);
	fprintf(out, "%-6s %-7s %-9s %-24s %-16s %-8s %-*s%s%s\n", c[ST_RS], c[ST_LAYOUT],
		*c[ST_NA] ? c[ST_NA] : "-", c[ST_TARGET], c[ST_PHASE], met, *c[ST_NOTE] ? 8 : 0, pass,
		*c[ST_NOTE] ? " " : "", c[ST_NOTE]);
}

int sweep_staffing_print(const char *out_dir, FILE *out, size_t max_rows)
{
	char path[4096], err[512];
	struct csvtab t;
	snprintf(path, sizeof(path), "%s/staffing.csv", out_dir);
	int rc = csvtab_load(path, &t, err, sizeof(err));
	if (rc)
		return rc;
	if (t.ncol < ST_NCOL) {
		csvtab_free(&t);
		return EINVAL;
	}
	fputs("staffing: the least operators+backup meeting each target; met: on its measured "
	      "value, pass: on its whole 95 % interval\n",
	      out);
	fprintf(out, "%-6s %-7s %-9s %-24s %-16s %-8s %-8s %s\n", "load", "layout", "no-answer",
		"target", "judged over", "met", "pass", "note");
	size_t shown = t.nrow < max_rows ? t.nrow : max_rows;
	for (size_t r = 0; r < shown; r++)
		print_staffing_row(out, &t, r);
	if (t.nrow > shown)
		fprintf(out, "... %zu more rows in %s\n", t.nrow - shown, path);
	csvtab_free(&t);
	return 0;
}

/* The mean arrival rate of load (sweep.json's erlang, or one of its
 * phases) at rate scale rs: everything x rs, or with a burst scale
 * (erlang.burst_scale, el) the Poisson part x rs and the bursts' x the
 * burst scale. */
static double erlang_lambda(const json_t *el, const json_t *load, double rs)
{
	double bs = rbjson_path_num(el, "burst_scale"), lambda = rbjson_path_num(load, "lambda_per_s");
	if (!isfinite(bs))
		return lambda * rs;
	return rbjson_path_num(load, "poisson_lambda_per_s") * rs + rbjson_path_num(load, "burst_lambda_per_s") * bs;
}

/* What every Erlang row shares: the handling, patience and ring period of
 * el, and the operators tried. */
struct erl_ctx {
	const json_t *el;
	double handle, patience, period;
	int omin, omax;
};

/* Erlang A rows of load (phase: its name, first column; NULL for the whole
 * run), per rate scale of rows and operator count. */
static void erlang_rows(FILE *f, const struct erl_ctx *e, const json_t *load, const char *phase,
			const struct prow *rows, size_t n)
{
	if (!(rbjson_path_num(load, "lambda_per_s") > 0) || !(e->handle > 0) || !(e->period > 0))
		return;
	for (size_t i = 0; i < n; i++) {
		/* rows are sorted by layout first: each rate scale once */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rows[j].rs == rows[i].rs;
		if (seen)
			continue;
		for (int o = e->omin < 1 ? 1 : e->omin; o <= e->omax; o++) {
			struct erlang_params p = {.lambda = erlang_lambda(e->el, load, rows[i].rs), .mu = 1 / e->handle,
						  .theta = isfinite(e->patience) && e->patience > 0 ? 1 / e->patience : 0,
						  .n = o, .ring_period = e->period};
			struct erlang_result r;
			if (erlang_solve(&p, &r))
				continue;
			if (phase)
				csvtab_put(f, phase, true), fputc(',', f);
			fprintf(f, "%g,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,", rows[i].rs, o, r.sla[3],
				r.sla[5], r.answered_within[3], r.answered_within[5], r.p_abandon, r.occupancy,
				r.mean_wait_s, p.lambda, e->handle);
			if (isfinite(e->patience))
				fprintf(f, "%.6g", e->patience);
			fputc('\n', f);
		}
	}
}

/* dir/NAME written atomically: the header, then the whole run's rows
 * (phases false) or every phase's at its own load (true). */
static int erlang_file(const char *dir, const char *name, const struct erl_ctx *e, bool phases,
		       const struct prow *rows, size_t n)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	fprintf(f, "%srate_scale,operators,sla_3,sla_5,answered_within_3,answered_within_5,"
		   "abandon_fraction,occupancy,wait_mean_s,lambda_per_s,mean_handle_s,mean_patience_s\n",
		phases ? "phase," : "");
	const char *k;
	const json_t *v;
	if (!phases)
		erlang_rows(f, e, e->el, NULL, rows, n);
	else
		json_object_foreach((json_t *)json_object_get(e->el, "phases"), k, v)
			erlang_rows(f, e, v, k, rows, n);
	bool bad = ferror(f) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0)
		return EIO;
	return 0;
}

/* erlang.csv at the run's mean load, erlang_phases.csv at each phase's own. */
static int write_erlang(const char *dir, const struct prow *rows, size_t n)
{
	char path[4096];
	json_error_t je;
	snprintf(path, sizeof(path), "%s/sweep.json", dir);
	json_t *man = rbjson_load_file(path, 0, &je);
	struct erl_ctx e = {.el = man ? json_object_get(man, "erlang") : NULL, .omin = rows[0].ops, .omax = rows[0].ops};
	e.handle = rbjson_path_num(e.el, "mean_handle_s");
	e.patience = rbjson_path_num(e.el, "mean_patience_s");
	e.period = rbjson_path_num(e.el, "ring_period_s");
	for (size_t i = 0; i < n; i++) {
		e.omin = rows[i].ops < e.omin ? rows[i].ops : e.omin;
		e.omax = rows[i].ops > e.omax ? rows[i].ops : e.omax;
	}
	int rc = erlang_file(dir, "erlang.csv", &e, false, rows, n);
	if (!rc)
		rc = erlang_file(dir, "erlang_phases.csv", &e, true, rows, n);
	json_decref(man);
	return rc;
}

int sweep_collect(const char *out_dir, char *err, size_t errlen)
{
	struct prow *rows = NULL;
	size_t n = 0;
	struct lims L = {0};
	int rc = load_points(out_dir, "points", &rows, &n, err, errlen);
	if (rc)
		return rc;
	/* the runs with unlimited staff: none in older folders */
	if ((rc = load_points(out_dir, "limits", &L.rows, &L.n, err, errlen)) && rc != ENOENT)
		goto out;
	if ((rc = write_sweep_csv(out_dir, rows, n)) || (rc = write_staffing(out_dir, rows, n, &L)) ||
	    (rc = write_erlang(out_dir, rows, n)))
		errbuf_set(err, errlen, "%s: cannot write the sweep's tables: %s", out_dir, strerror(rc));
out:
	rows_free(rows, n);
	rows_free(L.rows, L.n);
	sweep_cache_clear(); /* anything not taken: its file is the truth */
	return rc;
}

static int copy_file(const char *from, const char *to)
{
	char tmp[4200], buf[65536];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", to, (long)getpid());
	FILE *in = fopen(from, "rb");
	if (!in)
		return errno;
	FILE *out = fopen(tmp, "wb");
	if (!out) {
		int rc = errno;
		fclose(in);
		return rc;
	}
	size_t got;
	bool bad = false;
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
		bad |= fwrite(buf, 1, got, out) != got;
	bad |= ferror(in) != 0;
	fclose(in);
	bad |= fclose(out) != 0;
	if (bad || rename(tmp, to) != 0) {
		unlink(tmp);
		return EIO;
	}
	return 0;
}

const char *const sweep_same_keys[] = {"scenario_sha256", "seed", "replications", "targets",
				       "burst_scale", NULL};

bool sweep_same_member(const json_t *a, const json_t *b, const char *key)
{
	json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
	bool nx = !x || json_is_null(x), ny = !y || json_is_null(y);
	if (nx || ny)
		return nx && ny;
	return json_equal(x, y);
}

/* The .json files of from/sub not yet in to/sub copied there (to/sub made
 * when from/sub exists). Returns 0 or an errno, with err. */
static int copy_sub(const char *from, const char *to_dir, const char *sub, char *err, size_t errlen)
{
	char path[4096], to[4096];
	int rc = 0;
	snprintf(path, sizeof(path), "%s/%s", from, sub);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	snprintf(to, sizeof(to), "%s/%s", to_dir, sub);
	if ((rc = cli_mkdirs(to)))
		errbuf_set(err, errlen, "%s: cannot create: %s", to, strerror(rc));
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", from, sub, e->d_name);
		snprintf(to, sizeof(to), "%s/%s/%s", to_dir, sub, e->d_name);
		struct stat st, a;
		if (stat(to, &st) == 0) /* present already (or the same file) */
			continue;
		if (stat(path, &a) != 0)
			continue;
		if ((rc = copy_file(path, to)))
			errbuf_set(err, errlen, "%s: %s", to, strerror(rc));
	}
	closedir(d);
	return rc;
}

int sweep_merge(const char *const *dirs, size_t n, const char *out_dir, char *err, size_t errlen)
{
	char path[4096], to[4096];
	json_error_t je;
	json_t *first = NULL;
	int rc = 0;
	snprintf(path, sizeof(path), "%s/points", out_dir);
	if ((rc = cli_mkdirs(path))) {
		errbuf_set(err, errlen, "%s: cannot create: %s", path, strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		snprintf(path, sizeof(path), "%s/sweep.json", dirs[i]);
		json_t *m = rbjson_load_file(path, 0, &je);
		if (!m) {
			errbuf_set(err, errlen, "%s: not a sweep folder (no readable sweep.json)", dirs[i]);
			rc = EINVAL;
			break;
		}
		if (!first) {
			first = m;
			snprintf(to, sizeof(to), "%s/sweep.json", out_dir);
			struct stat a, b;
			bool same = stat(path, &a) == 0 && stat(to, &b) == 0 && a.st_ino == b.st_ino &&
				    a.st_dev == b.st_dev;
			if (!same && (rc = copy_file(path, to)))
				errbuf_set(err, errlen, "%s: %s", to, strerror(rc));
		} else {
			for (size_t k = 0; sweep_same_keys[k]; k++)
				if (!sweep_same_member(first, m, sweep_same_keys[k])) {
					errbuf_set(err, errlen, "%s: a sweep with another %s than %s: not merged",
					       dirs[i], sweep_same_keys[k], dirs[0]);
					rc = EINVAL;
				}
			json_decref(m);
		}
		if (rc)
			break;
		if (!(rc = copy_sub(dirs[i], out_dir, "points", err, errlen)))
			rc = copy_sub(dirs[i], out_dir, "limits", err, errlen);
	}
	json_decref(first);
	if (rc)
		return rc;
	return sweep_collect(out_dir, err, errlen);
}
