/*
 * report_sweep: the report of a sweep folder (sim/sweep/sweep.h): service level
 * and abandoned calls against operators with the targets and Erlang A at the
 * same mean load, occupancy with its 90 % warning band, the no-answer delay's
 * cost, pooled against split floors, and the staffing table. Reads only the
 * folder's files: sweep.csv, staffing.csv, erlang.csv and sweep.json.
 */
#define LOG_TAG "report"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbjson.h"
#include "errbuf.h"
#include "log.h"
#include "report_int.h"

static const char *const bk_colors[] = {"#1f5fa8", "#2e8b57", "#d2461e", "#8e44ad", "#b8860b"};
#define MAX_BK 5

bool report_is_sweep(const char *dir)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	return stat(path, &st) == 0;
}

struct sweep_rep {
	struct csvtab sw, st, er, erp; /* erp: erlang_phases.csv, Erlang A at each phase's own load */
	bool has_er, has_erp;
	json_t *man;
	json_t *targets;    /* the first point's judged targets (definitions) */
	int c_ops, c_bk, c_rs, c_na, c_lay;
	/* the base slice */
	double rs;          /* rate scale closest to 1 */
	char na[32];        /* the first no-answer value ("" when none) */
	char layout[16];    /* pooled if present */
	int bks[MAX_BK];    /* backup values drawn */
	int n_bks;
	size_t n_na, n_rs;
	bool both_layouts;
	int ops_lo, ops_hi;
};

static double cell(const struct csvtab *t, size_t r, const char *col)
{
	double v;
	return csvtab_num(t, r, csvtab_col(t, col), &v) ? v : NAN;
}

static bool in_slice(const struct sweep_rep *s, size_t r, bool any_layout, bool any_na)
{
	const struct csvtab *t = &s->sw;
	double rs;
	if (!csvtab_num(t, r, s->c_rs, &rs) || fabs(rs - s->rs) > 1e-9)
		return false;
	if (!any_na && strcmp(csvtab_get(t, r, s->c_na), s->na))
		return false;
	return any_layout || !strcmp(csvtab_get(t, r, s->c_lay), s->layout);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void choose_slice(struct sweep_rep *s)
{
	const struct csvtab *t = &s->sw;
	double best = INFINITY;
	int bks[4096];
	size_t nb = 0;
	char na0[32] = "";
	bool pooled = false, floors = false, na_set = false;
	s->ops_lo = 1 << 30;
	s->ops_hi = 0;
	for (size_t r = 0; r < t->nrow; r++) {
		double rs = cell(t, r, "rate_scale");
		if (fabs(rs - 1) < fabs(best - 1))
			best = rs;
		const char *lay = csvtab_get(t, r, s->c_lay);
		pooled |= !strcmp(lay, "pooled");
		floors |= !strcmp(lay, "floors");
		if (!na_set) {
			snprintf(na0, sizeof(na0), "%s", csvtab_get(t, r, s->c_na));
			na_set = true;
		}
		int o = (int)cell(t, r, "operators");
		s->ops_lo = o < s->ops_lo ? o : s->ops_lo;
		s->ops_hi = o > s->ops_hi ? o : s->ops_hi;
	}
	s->rs = best;
	snprintf(s->na, sizeof(s->na), "%s", na0);
	snprintf(s->layout, sizeof(s->layout), "%s", pooled ? "pooled" : "floors");
	s->both_layouts = pooled && floors;
	/* distinct values of no-answer and rate scale, and the backups in the slice */
	char nas[64][32];
	double rss[256];
	size_t nna = 0, nrs = 0;
	for (size_t r = 0; r < t->nrow; r++) {
		const char *na = csvtab_get(t, r, s->c_na);
		size_t i;
		for (i = 0; i < nna && strcmp(nas[i], na); i++)
			;
		if (i == nna && nna < 64)
			snprintf(nas[nna++], 32, "%s", na);
		double rs = cell(t, r, "rate_scale");
		for (i = 0; i < nrs && rss[i] != rs; i++)
			;
		if (i == nrs && nrs < 256)
			rss[nrs++] = rs;
		if (!in_slice(s, r, false, false))
			continue;
		int b = (int)cell(t, r, "backup");
		for (i = 0; i < nb && bks[i] != b; i++)
			;
		if (i == nb && nb < 4096)
			bks[nb++] = b;
	}
	s->n_na = nna;
	s->n_rs = nrs;
	qsort(bks, nb, sizeof(int), cmp_int);
	if (nb <= MAX_BK) {
		memcpy(s->bks, bks, nb * sizeof(int));
		s->n_bks = (int)nb;
	} else {
		for (int i = 0; i < MAX_BK; i++)
			s->bks[i] = bks[(size_t)i * (nb - 1) / (MAX_BK - 1)];
		s->n_bks = MAX_BK;
	}
}

/* Writes, for backup value b of the slice, rows "ops c1 c1_lo c1_hi ...". */
static size_t block(FILE *f, const struct sweep_rep *s, int b, bool any_layout, const char *layout,
		    const char *const *cols, size_t ncols, bool with_ci)
{
	const struct csvtab *t = &s->sw;
	size_t n = 0;
	char name[160];
	for (size_t r = 0; r < t->nrow; r++) {
		if (!in_slice(s, r, any_layout || layout, false))
			continue;
		if (layout && strcmp(csvtab_get(t, r, s->c_lay), layout))
			continue;
		if (b >= 0 && (int)cell(t, r, "backup") != b)
			continue;
		fprintf(f, "%s", csvtab_get(t, r, s->c_ops));
		for (size_t c = 0; c < ncols; c++) {
			for (int j = 0; j < (with_ci ? 3 : 1); j++) {
				snprintf(name, sizeof(name), "%s%s", cols[c], j == 0 ? "" : j == 1 ? "_lo" : "_hi");
				const char *v = csvtab_get(t, r, csvtab_col(t, name));
				fprintf(f, " %s", *v ? v : "?");
			}
		}
		fputc('\n', f);
		n++;
	}
	fprintf(f, "\n\n");
	return n;
}

/* Erlang A rows of table t (erlang.csv, or with phase erlang_phases.csv's
 * rows of that phase) at the slice's rate scale: ops, then the columns. */
static size_t erlang_rows_of(FILE *f, const struct sweep_rep *s, const struct csvtab *t, const char *phase,
			     const char *const *cols, size_t ncols)
{
	size_t n = 0;
	int cph = phase ? csvtab_col(t, "phase") : -1;
	if (phase && cph < 0)
		return 0;
	fprintf(f, "# Erlang A (M/M/n+M) at %s%s load, rate scale %g\n", phase ? phase : "the same mean",
		phase ? "'s own" : "", s->rs);
	for (size_t r = 0; r < t->nrow; r++) {
		if (fabs(cell(t, r, "rate_scale") - s->rs) > 1e-9 || (phase && strcmp(csvtab_get(t, r, cph), phase)))
			continue;
		fprintf(f, "%s", csvtab_get(t, r, csvtab_col(t, "operators")));
		for (size_t c = 0; c < ncols; c++) {
			const char *v = csvtab_get(t, r, csvtab_col(t, cols[c]));
			fprintf(f, " %s", *v ? v : "?");
		}
		fputc('\n', f);
		n++;
	}
	fprintf(f, "\n\n");
	return n;
}

/* Erlang A rows at the run's mean load. */
static size_t erlang_block(FILE *f, const struct sweep_rep *s, const char *const *cols, size_t ncols)
{
	return s->has_er ? erlang_rows_of(f, s, &s->er, NULL, cols, ncols) : 0;
}

static const char *slice_text(const struct sweep_rep *s, char *buf, size_t n)
{
	snprintf(buf, n, "rate scale %g, %s%s%s", s->rs, s->layout, *s->na ? ", no-answer delay " : "",
		 *s->na ? s->na : "");
	if (*s->na)
		snprintf(buf + strlen(buf), n - strlen(buf), " s");
	return buf;
}

static void xops(FILE *gp, const struct sweep_rep *s)
{
	fprintf(gp, "set xlabel \"operators\\n\"\nset xrange [%g:%g]\n", s->ops_lo - 0.5, s->ops_hi + 0.5);
	if (s->ops_hi - s->ops_lo <= 40)
		fprintf(gp, "set xtics %d\n", s->ops_hi - s->ops_lo > 20 ? 2 : 1);
}

struct cmdbuf {
	char *buf;
	size_t len;
	FILE *f;
	int n;
};

static void cmd_sep(struct cmdbuf *c)
{
	if (c->n++)
		fputs(", \\\n     ", c->f);
}

/*
 * The targets as horizontal lines named in the legend: the ring targets
 * (rings) or the abandon targets, all of them or target only (>= 0). Targets
 * at one level share one line and one entry: as labels on the plot they sat
 * on one line over the points.
 */
static void target_lines(struct cmdbuf *c, const struct sweep_rep *s, bool rings, int only)
{
	size_t ti, tj;
	const json_t *t, *u;
	json_array_foreach(s->targets, ti, t) {
		double mn = rbjson_path_num(t, rings ? "min" : "abandon_max");
		if (!isfinite(mn) || (rings && !isfinite(rbjson_path_num(t, "rings"))) || (only >= 0 && (size_t)only != ti))
			continue;
		bool drawn = false; /* an earlier target at this level has the line */
		json_array_foreach(s->targets, tj, u) {
			if (tj >= ti)
				break;
			drawn |= (only < 0 || (size_t)only == tj) && rbjson_path_num(u, rings ? "min" : "abandon_max") == mn &&
				 (!rings || isfinite(rbjson_path_num(u, "rings")));
		}
		if (drawn)
			continue;
		cmd_sep(c);
		fprintf(c->f, "%g with lines lw 2 dt 4 lc rgb \"#b71c1c\" title \"target: ", mn * 100);
		int n = 0;
		json_array_foreach(s->targets, tj, u) {
			if (tj < ti || (only >= 0 && (size_t)only != tj) || rbjson_path_num(u, rings ? "min" : "abandon_max") != mn ||
			    (rings && !isfinite(rbjson_path_num(u, "rings"))))
				continue;
			const json_t *ph = json_object_get(u, "phase");
			fputs(n++ ? "; " : "", c->f);
			if (json_is_string(ph)) {
				gp_esc(c->f, json_string_value(ph));
				fputs(", ", c->f);
			}
			if (rings)
				fprintf(c->f, "%.0f%% within %g rings", mn * 100, rbjson_path_num(u, "rings"));
			else
				fprintf(c->f, "abandoned at most %.0f%%", mn * 100);
		}
		fputc('"', c->f);
	}
}

/* Ends the plot command and writes it after the settings. */
static int cmd_end(struct page *pg, struct plot *p, struct cmdbuf *c)
{
	fclose(c->f);
	c->f = NULL;
	if (!c->n) {
		free(c->buf);
		plot_discard(pg, p);
		return 0;
	}
	/* the legend is below the plot (plot_open): a row per two entries */
	int entries = 0;
	for (const char *t = c->buf; (t = strstr(t, " title \"")); t++)
		entries++;
	plot_set_height(pg, p, p->height + 20 * ((entries + 1) / 2));
	fprintf(p->gp, "plot %s\n", c->buf);
	free(c->buf);
	return plot_close(pg, p);
}

static int cmd_begin(struct cmdbuf *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	return c->f ? 0 : ENOMEM;
}

/* Service level within 3 and 5 rings against operators. */
static int plot_sl(struct page *pg, struct sweep_rep *s)
{
	static const char *const cols[] = {"sla_3", "sla_5"};
	struct plot p;
	struct cmdbuf c;
	char sl[128], cap[900];
	int rc = plot_open(pg, &p, "sweep_sla", "Service level (SLA) within 3 and 5 rings against operators",
			   "", 1000, 520);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# %s; per backup value: operators, sla_3, lo, hi, sla_5, lo, hi\n",
		slice_text(s, sl, sizeof(sl)));
	fprintf(p.gp, "set ylabel \"SLA, whole run\"\nset format y \"%%.0f%%%%\"\nset yrange [0:102]\n"
		      "");
	xops(p.gp, s);
	size_t blk = 0;
	for (int i = 0; i < s->n_bks; i++) {
		fprintf(p.dat, "# backup %d\n", s->bks[i]);
		block(p.dat, s, s->bks[i], false, NULL, cols, 2, true);
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_sla.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"%s\" title \"3 rings, backup %d\", \\\n"
			     "     \"\" index %zu using 1:($5*100):($6*100):($7*100) with yerrorlines lw 2 dt 2 pt 5 lc rgb \"%s\" title \"5 rings, backup %d\"",
			blk, bk_colors[i % MAX_BK], s->bks[i], blk, bk_colors[i % MAX_BK], s->bks[i]);
		blk++;
	}
	if (erlang_block(p.dat, s, cols, 2)) {
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_sla.dat\" index %zu using 1:($2*100) with lines lw 4 lc rgb \"#999999\" title \"Erlang A, 3 rings\", \\\n"
			     "     \"\" index %zu using 1:($3*100) with lines lw 4 dt 3 lc rgb \"#999999\" title \"Erlang A, 5 rings\"",
			blk, blk);
		blk++;
	}
	if (c.n)
		target_lines(&c, s, true, -1);
	snprintf(cap, sizeof(cap),
		 "Read across at a target line: the first operator count whose curve (with its 95 %% "
		 "interval) clears it is the least staffing for that measure (%s). The grey Erlang A "
		 "curve is the textbook answer at the same mean load; where the model falls below it, "
		 "bursts cost service that an average hides. Phase targets are judged on their phase "
		 "(next plots).",
		 slice_text(s, sl, sizeof(sl)));
	plot_set_caption(&p, cap);
	return cmd_end(pg, &p, &c);
}

/* Target ti's measured value and interval per backup value: a data block
 * and a curve each. blk: the next data block. */
static void target_blocks(struct plot *p, struct cmdbuf *c, struct sweep_rep *s, size_t ti,
			  const char *name, size_t *blk)
{
	const struct csvtab *tb = &s->sw;
	char col[48], clo[32], chi[32];
	snprintf(col, sizeof(col), "target%zu_measured", ti + 1);
	/* the _lo/_hi columns are target<i>_lo, not target<i>_measured_lo */
	snprintf(clo, sizeof(clo), "target%zu_lo", ti + 1);
	snprintf(chi, sizeof(chi), "target%zu_hi", ti + 1);
	for (int i = 0; i < s->n_bks; i++) {
		fprintf(p->dat, "# backup %d\n", s->bks[i]);
		for (size_t r = 0; r < tb->nrow; r++) {
			if (!in_slice(s, r, false, false) || (int)cell(tb, r, "backup") != s->bks[i])
				continue;
			const char *v = csvtab_get(tb, r, csvtab_col(tb, col)), *lo = csvtab_get(tb, r, csvtab_col(tb, clo)),
				   *hi = csvtab_get(tb, r, csvtab_col(tb, chi));
			fprintf(p->dat, "%s %s %s %s\n", csvtab_get(tb, r, s->c_ops), *v ? v : "?",
				*lo ? lo : "?", *hi ? hi : "?");
		}
		fprintf(p->dat, "\n\n");
		cmd_sep(c);
		fprintf(c->f, "\"%s.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"%s\" title \"backup %d\"",
			name, (*blk)++, bk_colors[i % MAX_BK], s->bks[i]);
	}
}

/* Erlang A's curve of the same measure: at the run's mean load for a
 * whole-run target, at the phase's own load for a phase's target (a peak
 * judged against the day's mean load would look easy). */
static void target_erlang(struct plot *p, struct cmdbuf *c, struct sweep_rep *s, const json_t *t,
			  bool ab, const char *name, size_t *blk)
{
	const json_t *ph = json_object_get(t, "phase");
	const char *phase = json_is_string(ph) ? json_string_value(ph) : NULL;
	const char *ecol[1];
	char ek[32];
	if (ab) {
		ecol[0] = "abandon_fraction";
	} else {
		snprintf(ek, sizeof(ek), "sla_%g", rbjson_path_num(t, "rings"));
		ecol[0] = ek;
	}
	const struct csvtab *et = phase ? &s->erp : &s->er;
	if ((phase ? s->has_erp : s->has_er) && csvtab_col(et, ecol[0]) >= 0 &&
	    erlang_rows_of(p->dat, s, et, phase, ecol, 1)) {
		cmd_sep(c);
		fprintf(c->f, "\"%s.dat\" index %zu using 1:($2*100) with lines lw 4 lc rgb \"#999999\" title \"Erlang A%s%s%s\"",
			name, (*blk)++, phase ? " at " : "", phase ? phase : "", phase ? "'s load" : "");
	}
}

/* Target ti (t): its judged value against operators. */
static int plot_target(struct page *pg, struct sweep_rep *s, size_t ti, const json_t *t)
{
	char name[48], title[256], lab[160], cap[700], sl[128];
	const json_t *ph = json_object_get(t, "phase");
	double amax = rbjson_path_num(t, "abandon_max"),
	       bfmax = rbjson_path_num(t, "abandon_before_forward_max");
	bool ab = isfinite(amax) || isfinite(bfmax);
	double lim = ab ? (isfinite(amax) ? amax : bfmax) : rbjson_path_num(t, "min");
	if (ab)
		snprintf(lab, sizeof(lab), "abandoned%s at most %.1f %%",
			 isfinite(amax) ? "" : " before forwarding", lim * 100);
	else
		snprintf(lab, sizeof(lab), "sla within %g rings at least %.1f %%", rbjson_path_num(t, "rings"), lim * 100);
	snprintf(title, sizeof(title), "Target %zu: %s%s%s, against operators", ti + 1,
		 json_is_string(ph) ? json_string_value(ph) : "", json_is_string(ph) ? ": " : "", lab);
	snprintf(name, sizeof(name), "sweep_target%zu", ti + 1);
	struct plot p;
	struct cmdbuf c;
	int rc;
	if ((rc = plot_open(pg, &p, name, title, "", 1000, 460)) || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# %s; per backup value: operators, measured, lo, hi\n",
		slice_text(s, sl, sizeof(sl)));
	size_t blk = 0;
	target_blocks(&p, &c, s, ti, name, &blk);
	target_erlang(&p, &c, s, t, ab, name, &blk);
	fprintf(p.gp, "set ylabel \"%s\"\nset format y \"%%.0f%%%%\"\nset yrange [%s]\n",
		ab ? "abandoned" : "service level", ab ? "0:*" : "*:102");
	xops(p.gp, s);
	if (!ab) {
		target_lines(&c, s, true, (int)ti);
	} else {
		cmd_sep(&c);
		fprintf(c.f, "%g with lines lw 2 dt 4 lc rgb \"#b71c1c\" title \"target: %s\"", lim * 100, lab);
	}
	snprintf(cap, sizeof(cap),
		 "The value this target judges, per operator count (%s): %s; the least staffing "
		 "meeting it is in the staffing table above.",
		 slice_text(s, sl, sizeof(sl)),
		 ab ? "it must stay below the red line" : "it must reach the red line");
	plot_set_caption(&p, cap);
	return cmd_end(pg, &p, &c);
}

/* Each target's judged value against operators (phase targets included). */
static int plot_targets(struct page *pg, struct sweep_rep *s)
{
	size_t ti;
	const json_t *t;
	json_array_foreach(s->targets, ti, t) {
		int rc = plot_target(pg, s, ti, t);
		if (rc)
			return rc;
	}
	return 0;
}

/* Abandoned calls against operators. */
static int plot_abandon(struct page *pg, struct sweep_rep *s)
{
	static const char *const cols[] = {"abandon_fraction", "abandon_before_forward_fraction"};
	static const char *const ecols[] = {"abandon_fraction"};
	struct plot p;
	struct cmdbuf c;
	char sl[128], cap[700];
	int rc = plot_open(pg, &p, "sweep_abandon", "Abandoned calls against operators", "", 1000, 460);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# %s; per backup: operators, abandon_fraction, lo, hi, "
		       "abandon_before_forward_fraction, lo, hi\n", slice_text(s, sl, sizeof(sl)));
	size_t blk = 0;
	for (int i = 0; i < s->n_bks; i++) {
		fprintf(p.dat, "# backup %d\n", s->bks[i]);
		block(p.dat, s, s->bks[i], false, NULL, cols, 2, true);
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_abandon.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"%s\" title \"at the center, backup %d\", \\\n"
			     "     \"\" index %zu using 1:($5*100) with lines lw 1.5 dt 2 lc rgb \"%s\" title \"before forwarding, backup %d\"",
			blk, bk_colors[i % MAX_BK], s->bks[i], blk, bk_colors[i % MAX_BK], s->bks[i]);
		blk++;
	}
	if (erlang_block(p.dat, s, ecols, 1)) {
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_abandon.dat\" index %zu using 1:($2*100) with lines lw 4 lc rgb \"#999999\" title \"Erlang A\"", blk++);
	}
	fprintf(p.gp, "set ylabel \"abandoned (share)\"\nset format y \"%%.0f%%%%\"\nset yrange [0:*]\n"
		      "");
	xops(p.gp, s);
	if (c.n)
		target_lines(&c, s, false, -1);
	snprintf(cap, sizeof(cap),
		 "Callers lost against operators (%s): the solid curve must drop under the red line; "
		 "the dashed one, callers who hung up while the client's phone still rang, barely moves "
		 "with staffing: only the forwarding mode fixes it.",
		 slice_text(s, sl, sizeof(sl)));
	plot_set_caption(&p, cap);
	return cmd_end(pg, &p, &c);
}

/* Occupancy with the warning band above 90 %. */
static int plot_occupancy(struct page *pg, struct sweep_rep *s)
{
	static const char *const cols[] = {"occupancy", "backup_occupancy"};
	static const char *const ecols[] = {"occupancy"};
	struct plot p;
	struct cmdbuf c;
	char sl[128], cap[700];
	int rc = plot_open(pg, &p, "sweep_occupancy", "Operator occupancy against operators", "", 1000, 460);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# %s; per backup: operators, occupancy, lo, hi, backup_occupancy, lo, hi\n",
		slice_text(s, sl, sizeof(sl)));
	size_t blk = 0;
	for (int i = 0; i < s->n_bks; i++) {
		fprintf(p.dat, "# backup %d\n", s->bks[i]);
		block(p.dat, s, s->bks[i], false, NULL, cols, 2, true);
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_occupancy.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"%s\" title \"operators, backup %d\"%s",
			blk, bk_colors[i % MAX_BK], s->bks[i], "");
		if (s->bks[i] > 0)
			fprintf(c.f, ", \\\n     \"\" index %zu using 1:($5*100) with lines lw 1.5 dt 2 lc rgb \"%s\" title \"backup staff, backup %d\"",
				blk, bk_colors[i % MAX_BK], s->bks[i]);
		blk++;
	}
	if (erlang_block(p.dat, s, ecols, 1)) {
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_occupancy.dat\" index %zu using 1:($2*100) with lines lw 4 lc rgb \"#999999\" title \"Erlang A\"", blk++);
	}
	fprintf(p.gp, "set ylabel \"busy time / staffed time\"\nset format y \"%%.0f%%%%\"\nset yrange [0:100]\n"
		      ""
		      "set object 1 rect from graph 0, first 90 to graph 1, first 100 fc rgb \"#f6c6c6\" fs solid 0.5 noborder behind\n");
	xops(p.gp, s);
	/* the band's meaning in the legend: written in the band it covered the curves */
	if (c.n) {
		cmd_sep(&c);
		fputs("1/0 with boxes fc rgb \"#f6c6c6\" fs solid 0.5 noborder "
		      "title \"above 90 %: no slack for a burst, operators burn out\"", c.f);
	}
	snprintf(cap, sizeof(cap),
		 "Occupancy inside the red band (above 90 %%) means operators go from call to call with "
		 "no slack: the staffing meets averages but not bursts, and is hard to sustain (%s).",
		 slice_text(s, sl, sizeof(sl)));
	plot_set_caption(&p, cap);
	return cmd_end(pg, &p, &c);
}

/* Abandoned calls and rings heard against the no-answer delay. */
static int plot_noanswer(struct page *pg, struct sweep_rep *s)
{
	struct plot p;
	struct cmdbuf c;
	const struct csvtab *t = &s->sw;
	if (s->n_na < 2)
		return 0;
	/* the staffing drawn: the greatest operators and backup of the slice, so that the
	 * delay's own cost shows rather than the queue's */
	int ob = -1, bb = -1;
	for (size_t r = 0; r < t->nrow; r++) {
		if (!in_slice(s, r, false, true))
			continue;
		int o = (int)cell(t, r, "operators"), b = (int)cell(t, r, "backup");
		if (o > ob || (o == ob && b > bb)) {
			ob = o;
			bb = b;
		}
	}
	int rc = plot_open(pg, &p, "sweep_noanswer",
			   "What the no-answer delay costs: abandoned calls and rings heard", "", 1000, 460);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# %d operators, %d backup, rate scale %g, %s: no_answer_s, abandon_fraction, lo, hi, "
		       "abandon_before_forward_fraction, lo, hi, rings_heard_mean\n",
		ob, bb, s->rs, s->layout);
	for (size_t r = 0; r < t->nrow; r++) {
		if (!in_slice(s, r, false, true) || (int)cell(t, r, "operators") != ob ||
		    (int)cell(t, r, "backup") != bb)
			continue;
		static const char *const cols[] = {"no_answer_s", "abandon_fraction", "abandon_fraction_lo",
						   "abandon_fraction_hi", "abandon_before_forward_fraction",
						   "abandon_before_forward_fraction_lo",
						   "abandon_before_forward_fraction_hi", "rings_heard_mean"};
		for (size_t k = 0; k < 8; k++) {
			const char *v = csvtab_get(t, r, csvtab_col(t, cols[k]));
			fprintf(p.dat, "%s%s", k ? " " : "", *v ? v : "?");
		}
		fputc('\n', p.dat);
	}
	fprintf(p.gp, "set xlabel \"no-answer delay (seconds the client's phone rings first)\\n\"\n"
		      "set ylabel \"abandoned (share)\"\nset format y \"%%.0f%%%%\"\nset yrange [0:*]\n"
		      "set y2label \"mean rings heard\"\nset y2tics\nset ytics nomirror\nset y2range [0:*]\n"
		      "");
	cmd_sep(&c);
	fprintf(c.f, "\"sweep_noanswer.dat\" using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"#c62828\" title \"abandoned at the center\", \\\n"
		     "     \"\" using 1:($5*100):($6*100):($7*100) with yerrorlines lw 2 pt 5 lc rgb \"#e0803a\" title \"abandoned before forwarding\", \\\n"
		     "     \"\" using 1:8 axes x1y2 with linespoints lw 2 pt 9 lc rgb \"#1f5fa8\" title \"mean rings heard (right)\"");
	char cap[600];
	snprintf(cap, sizeof(cap),
		 "Each second of no-answer delay is paid by the caller (%d operators, %d backup): the "
		 "orange curve is callers lost before the center could answer, the blue one the rings "
		 "everybody hears; unconditional forwarding is the left edge.", ob, bb);
	plot_set_caption(&p, cap);
	return cmd_end(pg, &p, &c);
}

/* Pooled against split floors for the same headcount (Q2). */
static int plot_layout(struct page *pg, struct sweep_rep *s)
{
	static const char *const cols[] = {"sla_3", "abandon_fraction"};
	struct plot p;
	struct cmdbuf c;
	if (!s->both_layouts)
		return 0;
	int b = s->n_bks ? s->bks[0] : 0;
	int rc = plot_open(pg, &p, "sweep_layout", "Pooled against split floors, same headcount", "",
			   1000, 460);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	fprintf(p.dat, "# backup %d, rate scale %g: operators, sla_3, lo, hi, abandon_fraction, lo, hi; "
		       "block 0 pooled, block 1 floors\n", b, s->rs);
	block(p.dat, s, b, true, "pooled", cols, 2, true);
	block(p.dat, s, b, true, "floors", cols, 2, true);
	fprintf(p.gp, "set ylabel \"SLA within 3 rings\"\nset format y \"%%.0f%%%%\"\nset yrange [0:102]\n"
		      "set y2label \"abandoned\"\nset y2tics\nset ytics nomirror\nset format y2 \"%%.0f%%%%\"\n"
		      "set y2range [0:*]\n");
	xops(p.gp, s);
	cmd_sep(&c);
	fprintf(c.f, "\"sweep_layout.dat\" index 0 using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"#1f5fa8\" title \"pooled: SLA 3 rings\", \\\n"
		     "     \"\" index 1 using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 5 lc rgb \"#d2461e\" title \"split floors: SLA 3 rings\", \\\n"
		     "     \"\" index 0 using 1:($5*100) axes x1y2 with lines lw 1.5 dt 2 lc rgb \"#1f5fa8\" title \"pooled: abandoned (right)\", \\\n"
		     "     \"\" index 1 using 1:($5*100) axes x1y2 with lines lw 1.5 dt 2 lc rgb \"#d2461e\" title \"split floors: abandoned (right)\"");
	free(p.caption);
	p.caption = strdup("The gap between the blue and orange curves at one headcount is what pooling buys "
			   "(Q2): operators who see each other's state take any waiting call; on split "
			   "floors a call waits while a colleague on the other floor sits idle.");
	return cmd_end(pg, &p, &c);
}

/* The least operators against the load (staffing.csv), when the load varies. */
static int plot_staffing(struct page *pg, struct sweep_rep *s)
{
	struct plot p;
	struct cmdbuf c;
	const struct csvtab *t = &s->st;
	if (s->n_rs < 2 || !t->nrow)
		return 0;
	int rc = plot_open(pg, &p, "sweep_staffing", "Least operators meeting each target, against the load",
			   "", 1000, 460);
	if (rc || (rc = cmd_begin(&c)))
		return rc;
	int ct = csvtab_col(t, "target"), cl = csvtab_col(t, "layout"), cn = csvtab_col(t, "no_answer_s");
	char done[32][160];
	size_t nd = 0, blk = 0;
	for (size_t r = 0; r < t->nrow && nd < 32; r++) {
		const char *tg = csvtab_get(t, r, ct);
		size_t i;
		for (i = 0; i < nd && strcmp(done[i], tg); i++)
			;
		if (i < nd)
			continue;
		snprintf(done[nd++], sizeof(done[0]), "%s", tg);
		fprintf(p.dat, "# target %s: rate_scale, min_operators, min_backup (measured value)\n", tg);
		size_t valid = 0;
		for (size_t q = 0; q < t->nrow; q++) {
			if (strcmp(csvtab_get(t, q, ct), tg) || strcmp(csvtab_get(t, q, cl), s->layout) ||
			    strcmp(csvtab_get(t, q, cn), s->na))
				continue;
			const char *mo = csvtab_get(t, q, csvtab_col(t, "min_operators")),
				   *mb = csvtab_get(t, q, csvtab_col(t, "min_backup"));
			fprintf(p.dat, "%s %s %s\n", csvtab_get(t, q, csvtab_col(t, "rate_scale")), *mo ? mo : "?",
				*mb ? mb : "?");
			valid += *mo != 0;
		}
		fprintf(p.dat, "\n\n");
		if (!valid) { /* never met: said in the table, nothing to draw */
			blk++;
			continue;
		}
		cmd_sep(&c);
		fprintf(c.f, "\"sweep_staffing.dat\" index %zu using 1:2 with linespoints lw 2 pt 7 lc rgb \"%s\" title \"",
			blk, !strcmp(tg, "all") ? "#000000" : bk_colors[blk % MAX_BK]);
		gp_esc(c.f, !strcmp(tg, "all") ? "every target" : tg);
		fputs("\"", c.f);
		blk++;
	}
	fprintf(p.gp, "set xlabel \"load (rate scale: 1 = the scenario as written)\\n\"\n"
		      "set ylabel \"least operators meeting the target\"\n"
		      "set yrange [0:*]\n");
	plot_set_caption(&p, "The staffing table as a curve (least operators whose measured value meets "
			   "each target, in the phase it names): read the operators needed at the load "
			   "you expect (black: every target at once); a missing point means the grid's "
			   "largest staffing did not meet it.");
	return cmd_end(pg, &p, &c);
}

/* The staffing table of the base layout and no-answer delay, every load and target. */
static void staffing_table(FILE *f, const struct sweep_rep *s)
{
	/* the backup count goes with its operator count, in one cell: the table fits the page */
	static const char *const cols[] = {"rate_scale", "target", "phase", "min_operators",
					   "pass_operators", "occupancy", "abandon_fraction",
					   "wait_mean_s", "sla_3", "sla_5", "note"};
	static const char *const heads[] = {"load (rate scale)", "target", "judged over",
					    "least staff: measured value meets it",
					    "least staff: 95 % interval passes", "occupancy", "abandoned",
					    "mean wait", "SLA 3 rings", "SLA 5 rings", "note"};
	const struct csvtab *t = &s->st;
	int cl = csvtab_col(t, "layout"), cn = csvtab_col(t, "no_answer_s");
	fputs("<table class=\"staffing\"><tr>", f);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		fputs(!strcmp(cols[i], "note") ? "<th style=\"min-width:12em\">" : "<th>", f);
		html_esc(f, heads[i]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t r = 0; r < t->nrow; r++) {
		if (strcmp(csvtab_get(t, r, cl), s->layout) || strcmp(csvtab_get(t, r, cn), s->na))
			continue;
		fputs("<tr>", f);
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			const char *v = csvtab_get(t, r, csvtab_col(t, cols[i]));
			double d;
			bool frac = !strcmp(cols[i], "occupancy") || !strcmp(cols[i], "abandon_fraction") ||
				    !strncmp(cols[i], "sla_", 4);
			bool ops = !strcmp(cols[i], "min_operators") || !strcmp(cols[i], "pass_operators");
			bool text = !strcmp(cols[i], "target") || !strcmp(cols[i], "phase") ||
				    !strcmp(cols[i], "note");
			if (ops && csvtab_col(t, cols[i]) < 0) { /* a table written before this column */
				fputs("<td class=\"num\">–</td>", f);
				continue;
			}
			if (ops)
				fprintf(f, "<td class=\"%s\">", *v ? "pass num" : "fail");
			else
				fprintf(f, "<td%s>", text ? "" : " class=\"num\"");
			if (frac && csvtab_num(t, r, csvtab_col(t, cols[i]), &d))
				fprintf(f, "%.1f %%", d * 100);
			else if (!strcmp(cols[i], "wait_mean_s") && csvtab_num(t, r, csvtab_col(t, cols[i]), &d))
				fprintf(f, "%.1f s", d);
			else if (ops && !*v) {
				fputs(cols[i][0] == 'm' ? "not met up to " : "not passed up to ", f);
				const char *tr = strchr(csvtab_get(t, r, csvtab_col(t, "operators_tried")), ':');
				html_esc(f, tr ? tr + 1 : "?");
			} else if (ops) {
				html_esc(f, v);
				fputs(" + ", f);
				const char *bk = cols[i][0] == 'm' ? "min_backup" : "pass_backup";
				html_esc(f, csvtab_get(t, r, csvtab_col(t, bk)));
				fputs(" backup", f);
			} else if (!strcmp(cols[i], "target") && !strcmp(v, "all"))
				fputs("<strong>every target</strong>", f);
			else
				html_esc(f, v);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static int write_page(struct page *pg, const struct sweep_rep *s, const char *dir)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/index.html", pg->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	const json_t *sc = json_object_get(s->man, "scenario");
	char title[512];
	snprintf(title, sizeof(title), "ringbench sweep: %s", json_is_string(sc) ? json_string_value(sc) : dir);
	page_html_head(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fputs("</h1>\n<p class=\"meta\">", f);
	html_esc(f, dir);
	fprintf(f, " · %zu points · replications per point: %.0f · seed %.0f", s->sw.nrow,
		rbjson_path_num(s->man, "replications"), rbjson_path_num(s->man, "seed"));
	const json_t *cmd = json_object_get(s->man, "command");
	if (json_is_string(cmd)) {
		fputs(" · command: <code>", f);
		html_esc(f, json_string_value(cmd));
		fputs("</code>", f);
	}
	const json_t *el = json_object_get(s->man, "erlang");
	/* sweep.json's load is the scenario as written (rate scale 1); the plots'
	 * Erlang A curves are at the slice's rate scale: erlang.csv has that load */
	double lam = rbjson_path_num(el, "lambda_per_s") * 60, rs = 1;
	for (size_t r = 0; s->has_er && r < s->er.nrow; r++) {
		if (fabs(cell(&s->er, r, "rate_scale") - s->rs) < 1e-9 && isfinite(cell(&s->er, r, "lambda_per_s"))) {
			lam = cell(&s->er, r, "lambda_per_s") * 60;
			rs = s->rs;
			break;
		}
	}
	fprintf(f, "<br>Erlang A reference at the plots' mean load (rate scale %g): %.2f calls/min, "
		   "mean handling (pick-up + talk + wrap-up) %.0f s, mean patience %.0f s.</p>\n",
		rs, lam, rbjson_path_num(el, "mean_handle_s"), rbjson_path_num(el, "mean_patience_s"));
	char sl[128];
	fputs("<h2>Staffing table</h2>\n<p>Per load and target: the least operators, and at that "
	      "count the least backup staff, whose measured value meets the target (measured), with "
	      "occupancy, abandoned calls and mean wait at that staffing; and the least whose whole "
	      "95 % interval passes it (interval: what these replications can prove). Each row "
	      "judges the phase it "
	      "names, or the whole run (every phase's calls together: a peak can need more than "
	      "the whole run's figure says); ", f);
	html_esc(f, slice_text(s, sl, sizeof(sl)));
	fputs(". Every layout and delay: <a href=\"../staffing.csv\">staffing.csv</a>; every point "
	      "with its 95 % intervals: <a href=\"../sweep.csv\">sweep.csv</a>.</p>\n", f);
	staffing_table(f, s);
	return page_html_end(f, pg, tmp, path);
}

static void sweep_rep_free(struct sweep_rep *s)
{
	csvtab_free(&s->sw);
	csvtab_free(&s->st);
	csvtab_free(&s->er);
	csvtab_free(&s->erp);
	json_decref(s->man);
	json_decref(s->targets);
}

int report_sweep_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen)
{
	struct sweep_rep s;
	struct page pg;
	char path[4096];
	json_error_t je;
	int rc;
	memset(&s, 0, sizeof(s));
	memset(&pg, 0, sizeof(pg));
	if ((rc = report_gnuplot_require(opts, err, errlen)))
		return rc;
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	if ((rc = csvtab_load(path, &s.sw, err, errlen)))
		goto out;
	snprintf(path, sizeof(path), "%s/staffing.csv", dir);
	if ((rc = csvtab_load(path, &s.st, err, errlen)))
		goto out;
	snprintf(path, sizeof(path), "%s/erlang.csv", dir);
	s.has_er = csvtab_load(path, &s.er, NULL, 0) == 0 && s.er.nrow > 0;
	snprintf(path, sizeof(path), "%s/erlang_phases.csv", dir); /* older sweeps: none */
	s.has_erp = csvtab_load(path, &s.erp, NULL, 0) == 0 && s.erp.nrow > 0;
	snprintf(path, sizeof(path), "%s/sweep.json", dir);
	s.man = rbjson_load_file(path, 0, &je);
	s.c_ops = csvtab_col(&s.sw, "operators");
	s.c_bk = csvtab_col(&s.sw, "backup");
	s.c_rs = csvtab_col(&s.sw, "rate_scale");
	s.c_na = csvtab_col(&s.sw, "no_answer_s");
	s.c_lay = csvtab_col(&s.sw, "layout");
	if (!s.sw.nrow || s.c_ops < 0 || s.c_bk < 0 || s.c_rs < 0 || s.c_na < 0 || s.c_lay < 0) {
		errbuf_set(err, errlen, "%s/sweep.csv: expected the columns of ringbench sweep and one row "
				    "or more", dir);
		rc = EINVAL;
		goto out;
	}
	/* the targets' definitions, from the first point's file */
	snprintf(path, sizeof(path), "%s/points/%s.json", dir, csvtab_get(&s.sw, 0, csvtab_col(&s.sw, "key")));
	json_t *p0 = rbjson_load_file(path, 0, &je);
	s.targets = json_incref(json_object_get(p0, "targets"));
	json_decref(p0);
	if (!s.targets)
		s.targets = json_array();
	choose_slice(&s);
	if ((rc = page_init_for(&pg, dir, opts, err, errlen)))
		goto out;
	if ((rc = plot_sl(&pg, &s)) || (rc = plot_targets(&pg, &s)) || (rc = plot_abandon(&pg, &s)) ||
	    (rc = plot_occupancy(&pg, &s)) || (rc = plot_noanswer(&pg, &s)) ||
	    (rc = plot_layout(&pg, &s)) || (rc = plot_staffing(&pg, &s)))
		goto out;
	if ((rc = write_page(&pg, &s, dir)))
		errbuf_set(err, errlen, "%s/index.html: cannot write", pg.dir);
out:
	page_free(&pg);
	sweep_rep_free(&s);
	return rc;
}
