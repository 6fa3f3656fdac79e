/*
 * report_run: the report of one or more result folders (model, live,
 * capture): the verdict table and the plots of issue 7, each with a caption
 * that says what to read from it. Two folders are overlaid (model against
 * live) in the plots that compare like with like.
 */
#define LOG_TAG "report"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "report_int.h"

static const char *const run_colors[] = {"#1f5fa8", "#d2461e", "#2e8b57", "#8e44ad"};
static const char *const phase_colors[] = {"#4c8bd6", "#e0803a", "#5aa05a", "#b060c0",
					   "#c04040", "#40a0a0"};
#define NCOLORS(a) (sizeof(a) / sizeof(a[0]))

/* m[measure]["k"] or NAN. */
static double mk(const json_t *m, const char *measure, int k)
{
	char key[8];
	snprintf(key, sizeof(key), "%d", k);
	return rbjson_path_num(json_object_get(m, measure), key);
}

static double period_s(const struct report_run *r)
{
	double p = rbjson_path_num(r->summary, "ring_period_s");
	return isfinite(p) && p > 0 ? p : 3.0;
}

static void pct(char *buf, size_t n, double v)
{
	if (isfinite(v))
		snprintf(buf, n, "%.1f %%", v * 100);
	else
		snprintf(buf, n, "n/a");
}

/*
 * The ring lines: targets sit at the end of ring 3 and ring 5. Each label
 * stands a whole character left of its line (half a character let the
 * dashes run through the last letter), at y (graph units: 0.95 near the
 * top, for plots whose data fills the bottom; low for rising curves).
 */
static void ring_lines(FILE *gp, double x3, double x5, const char *unit, double y)
{
	fprintf(gp, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 2 lc rgb \"#2e7d32\" front\n"
		    "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 2 lc rgb \"#b71c1c\" front\n"
		    "set label \"3 rings%s\" at %g, graph %g right offset -1,0 tc rgb \"#2e7d32\" front\n"
		    "set label \"5 rings%s\" at %g, graph %g right offset -1,0 tc rgb \"#b71c1c\" front\n",
		x3, x3, x5, x5, unit, x3, y, unit, x5, y);
}

/* A plot of one folder among several: NAME is stem + sfx, the title says
 * which folder when there are several (sfx not empty). */
static int run_plot_open(struct page *pg, struct plot *p, const struct report_run *r,
			 const char *sfx, const char *stem, const char *what, int w, int h)
{
	char name[64], title[256];
	snprintf(name, sizeof(name), "%s%s", stem, sfx);
	snprintf(title, sizeof(title), "%s%s%s", what, *sfx ? ": " : "", *sfx ? r->label : "");
	return plot_open(pg, p, name, title, "", w, h);
}

/* ---- ring-count histogram per phase ---------------------------------------- */

/* One phase's bars (its data block) and its words in the caption (cap, len). */
static void rphase_block(FILE *dat, const struct report_run *r, bool several, const char *name,
			 const json_t *m, char *cap, size_t capsize, size_t *len)
{
	char part[256];
	double prev = 0;
	fprintf(dat, "# %s %s\n", r->label, name);
	for (int k = 1; k <= 10; k++) {
		double a = mk(m, "answered_within", k);
		fprintf(dat, "%d %.6f\n", k, isfinite(a) ? a - prev : 0);
		if (isfinite(a))
			prev = a;
	}
	double off = rbjson_path_num(m, "offered"), ans = rbjson_path_num(m, "answered");
	double later = off > 0 ? ans / off - prev : 0;
	fprintf(dat, "11 %.6f\n12 %.6f\n\n\n", later > 0 ? later : 0,
		isfinite(rbjson_path_num(m, "abandon_fraction")) ? rbjson_path_num(m, "abandon_fraction") : 0);
	char a3[32], a5[32];
	pct(a3, sizeof(a3), mk(m, "answered_within", 3));
	pct(a5, sizeof(a5), mk(m, "answered_within", 5));
	if (several)
		snprintf(part, sizeof(part), "%s%s %s: %s within 3 rings, %s within 5",
			 *len ? "; " : "", r->label, name, a3, a5);
	else
		snprintf(part, sizeof(part), "%s%s: %s within 3 rings, %s within 5", *len ? "; " : "",
			 name, a3, a5);
	*len += (size_t)snprintf(cap + *len, *len < capsize ? capsize - *len : 0, "%s", part);
	if (*len >= capsize)
		*len = capsize - 1;
}

/* The plot command: a bar per phase and folder, side by side (width bw). */
static void rphase_plot(FILE *gp, struct report_run *const *runs, size_t n, size_t nblk, double bw)
{
	size_t blk = 0;
	fprintf(gp, "plot ");
	for (size_t i = 0; i < n; i++) {
		const char *name;
		const json_t *m;
		size_t ph = 0; /* a phase keeps its colour from folder to folder */
		json_object_foreach(json_object_get(runs[i]->summary, "phases"), name, m) {
			double off = ((double)blk - (double)(nblk - 1) / 2) * bw;
			fprintf(gp, "%s\"rings_phase.dat\" index %zu using ($1%+g):($2*100):(%g) with boxes "
				      "lc rgb \"%s\"%s title \"",
				blk ? ", \\\n     " : "", blk, off, bw, phase_colors[ph++ % NCOLORS(phase_colors)],
				i > 0 ? " fill pattern 4" : "");
			if (n > 1) {
				gp_esc(gp, runs[i]->label);
				fputc(' ', gp);
			}
			gp_esc(gp, name);
			fprintf(gp, "\"");
			blk++;
		}
	}
	fprintf(gp, "\n");
}

static int plot_rings_phase(struct page *pg, struct report_run *const *runs, size_t n)
{
	struct plot p;
	char cap[1024] = "";
	size_t nblk = 0, len = 0;
	for (size_t i = 0; i < n; i++)
		nblk += json_object_size(json_object_get(runs[i]->summary, "phases"));
	if (!nblk)
		return 0;
	double bw = 0.8 / (double)nblk;
	int rc = plot_open(pg, &p, "rings_phase", "Rings at the center before the answer, per phase",
			   "", 1000, 480);
	if (rc)
		return rc;
	fprintf(p.dat, "# ring k (11: later than ring 10, 12: abandoned at the center), "
		       "fraction of calls offered to the center answered on ring k\n");
	for (size_t i = 0; i < n; i++) {
		const char *name;
		const json_t *m;
		json_object_foreach(json_object_get(runs[i]->summary, "phases"), name, m)
			rphase_block(p.dat, runs[i], n > 1, name, m, cap, sizeof(cap), &len);
	}
	fprintf(p.gp, "set xlabel \"ring on which the call was answered (at the center)\\n\"\n"
		      "set ylabel \"share of calls offered to the center\"\n"
		      "set format y \"%%.0f%%%%\"\nset yrange [0:*]\nset xrange [0.4:12.6]\n"
		      "set xtics (\"1\" 1, \"2\" 2, \"3\" 3, \"4\" 4, \"5\" 5, \"6\" 6, \"7\" 7, \"8\" 8, "
		      "\"9\" 9, \"10\" 10, \"later\" 11, \"abandoned\" 12)\n");
	ring_lines(p.gp, 3.5, 5.5, "", 0.95);
	rphase_plot(p.gp, runs, n, nblk, bw);
	char full[1400];
	snprintf(full, sizeof(full),
		 "Bars left of the green line were answered within 3 rings, left of the red within 5; "
		 "the last bars are calls answered after ring 10 or abandoned. Answered within, of all "
		 "calls offered (the table's SLA leaves out calls abandoned within the rings): %s.", cap);
	plot_set_caption(&p, full);
	return plot_close(pg, &p);
}

/* ---- the wait's distribution (CDF) with the targets ------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * One curve, the default judge of docs/definitions.md as a function of t: SLA(t) =
 * answered within t / (offered - abandoned within t), over calls with t_dial
 * in [from, to). At t = k x period it is sla[k].
 */
static int cdf_block(FILE *dat, struct report_run *r, double from, double to, double *xmax)
{
	int cw = csvtab_col(&r->calls, "wait_s"), co = csvtab_col(&r->calls, "outcome"),
	    cd = csvtab_col(&r->calls, "t_dial");
	size_t na = 0, nb = 0, off = 0;
	double *w = malloc((r->calls.nrow + 1) * sizeof(double));
	double *ab = malloc((r->calls.nrow + 1) * sizeof(double));
	if (!w || !ab) {
		free(w);
		free(ab);
		return ENOMEM;
	}
	for (size_t row = 0; row < r->calls.nrow; row++) {
		const char *o = csvtab_get(&r->calls, row, co);
		double v, td;
		if (csvtab_num(&r->calls, row, cd, &td) && (td < from || td >= to))
			continue;
		bool ans = !strcmp(o, "answered"), aban = !strcmp(o, "abandoned");
		if (ans || aban || !strcmp(o, "rejected"))
			off++;
		if (ans && csvtab_num(&r->calls, row, cw, &v))
			w[na++] = v;
		if (aban && csvtab_num(&r->calls, row, cw, &v))
			ab[nb++] = v;
	}
	qsort(w, na, sizeof(double), cmp_double);
	qsort(ab, nb, sizeof(double), cmp_double);
	fprintf(dat, "# %zu answered, %zu abandoned of %zu offered (first replication): t_s, SLA(t)\n0 0\n",
		na, nb, off);
	size_t step = na + nb > 4000 ? (na + nb) / 2000 : 1, i = 0, j = 0, ev = 0;
	while (i < na || j < nb) {
		bool take_a = j >= nb || (i < na && w[i] <= ab[j]);
		double t = take_a ? w[i++] : ab[j++];
		double den = (double)off - (double)j;
		if (++ev % step == 0 || (i == na && j == nb))
			fprintf(dat, "%.6f %.6f\n", t, den > 0 ? (double)i / den : 1.0);
	}
	if (na) {
		double q = w[(size_t)(0.95 * (double)(na - 1))];
		if (q > *xmax)
			*xmax = q;
	}
	free(w);
	free(ab);
	fprintf(dat, "\n\n");
	return 0;
}

/* sla[k] of measures m at k x period, with its interval. */
static int aw_block(FILE *dat, const json_t *m, double per)
{
	int n = 0;
	const json_t *ci = json_object_get(json_object_get(m, "ci95"), "sla");
	for (int k = 1; k <= 10; k++) {
		char key[8];
		snprintf(key, sizeof(key), "%d", k);
		double v = mk(m, "sla", k);
		const json_t *c = json_object_get(ci, key);
		double lo = json_is_array(c) ? json_number_value(json_array_get(c, 0)) : v;
		double hi = json_is_array(c) ? json_number_value(json_array_get(c, 1)) : v;
		if (isfinite(v)) {
			fprintf(dat, "%.6f %.6f %.6f %.6f\n", k * per, v, lo, hi);
			n++;
		}
	}
	fprintf(dat, "\n\n");
	return n;
}

/* plot_wait_cdf's plot being built: its data blocks and plot command. */
struct wcdf {
	struct plot p;
	FILE *pc;      /* the plot command's terms */
	size_t blk;    /* data blocks so far */
	int nplot;     /* terms so far */
	int ntargets;
	double per;    /* ring period, s */
	double xmax;   /* the longest wait drawn */
	double aw5;    /* the first folder's last group: sla within 5 rings */
};

/* Folder i's groups (its phases, or all calls): the first replication's
 * curve, all replications' dots. Returns 0 or an errno. */
static int wcdf_folder(struct wcdf *w, struct report_run *const *runs, size_t n, size_t i)
{
	struct report_run *r = runs[i];
	const json_t *phases = json_object_get(r->summary, "phases");
	bool per_phase = r->n_phases > 0 && json_object_size(phases) > 0;
	size_t ng = per_phase ? r->n_phases : 1;
	int rc = 0;
	for (size_t g = 0; g < ng && !rc; g++) {
		const char *gname = per_phase ? r->phase_names[g] : "all calls";
		const json_t *m = per_phase ? json_object_get(phases, gname)
					    : json_object_get(r->summary, "overall");
		const char *col = per_phase ? phase_colors[g % NCOLORS(phase_colors)]
					    : run_colors[i % NCOLORS(run_colors)];
		char lab[256];
		snprintf(lab, sizeof(lab), "%s%s%s", n > 1 ? r->label : "", n > 1 ? " " : "", gname);
		if (r->has_calls) {
			fprintf(w->p.dat, "# %s\n", lab);
			if ((rc = cdf_block(w->p.dat, r, per_phase ? r->phase_from[g] : -INFINITY,
					    per_phase ? r->phase_to[g] : INFINITY, &w->xmax)))
				break;
			fprintf(w->pc, "%s\"wait_cdf.dat\" index %zu using 1:($2*100) with steps lw 2 dt %zu lc rgb \"%s\" title \"",
				w->nplot++ ? ", \\\n     " : "", w->blk++, i + 1, col);
			gp_esc(w->pc, lab);
			fputs(": first replication\"", w->pc);
		}
		if (m) {
			fprintf(w->p.dat, "# %s: sla[k], all replications\n", lab);
			if (!aw_block(w->p.dat, m, w->per)) {
				w->blk++;
				continue;
			}
			fprintf(w->pc, "%s\"wait_cdf.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorbars pt 7 ps 0.9 lc rgb \"%s\" title \"",
				w->nplot++ ? ", \\\n     " : "", w->blk++, col);
			gp_esc(w->pc, lab);
			fputs(": all replications, 95% CI\"", w->pc);
			if (i == 0 && g == ng - 1)
				w->aw5 = mk(m, "sla", 5);
		}
	}
	return rc;
}

/* The targets: a marker at (K x period, min), in its phase's colour. */
static void wcdf_targets(struct wcdf *w, const struct report_run *r0)
{
	const json_t *tg = json_object_get(r0->summary, "targets");
	size_t ti;
	const json_t *t;
	json_array_foreach(tg, ti, t) {
		double k = rbjson_path_num(t, "rings"), f = rbjson_path_num(t, "min");
		if (!isfinite(k) || !isfinite(f))
			continue;
		const json_t *ph = json_object_get(t, "phase");
		const char *col = "#000000";
		for (size_t g = 0; json_is_string(ph) && g < r0->n_phases; g++)
			if (!strcmp(r0->phase_names[g], json_string_value(ph)))
				col = phase_colors[g % NCOLORS(phase_colors)];
		fprintf(w->p.dat, "# target %zu\n%g %g \"%s%s%.0f%% in %g rings\"\n\n\n", ti + 1, k * w->per, f,
			json_is_string(ph) ? json_string_value(ph) : "whole run", ": ", f * 100, k);
		/* named in the legend, not beside the marker: a label there ran over
		 * the other ring line and the curves */
		fprintf(w->pc, "%s\"wait_cdf.dat\" index %zu using 1:($2*100) with points pt %d ps 2 lc rgb \"%s\" title \"target: %s%s%.0f%% in %g rings\"",
			w->nplot++ ? ", \\\n     " : "", w->blk, RPT_PT_TARGET, col,
			json_is_string(ph) ? json_string_value(ph) : "whole run", ", ", f * 100, k);
		w->blk++;
		w->ntargets++;
	}
}

/* The axes, ring lines and plot command (cmd: its terms), then the caption. */
static int wcdf_finish(struct page *pg, struct wcdf *w, const char *cmd)
{
	double per = w->per, xmax = w->xmax > 40 * per ? 40 * per : w->xmax;
	double xr = ceil(xmax / per) * per;
	fprintf(w->p.gp, "set xlabel \"wait at the center t (seconds from the INVITE)\\n\"\n"
		      "set ylabel \"SLA(t): answered within t / (offered - abandoned within t)\"\nset format y \"%%.0f%%%%\"\n"
		      "set yrange [0:108]\nset xrange [0:%g]\n"
		      "set x2tics (", xr);
	for (int k = 1; k * per <= xr; k++)
		fprintf(w->p.gp, "%s\"%d\" %g", k > 1 ? ", " : "", k, (k - 0.5) * per);
	fprintf(w->p.gp, ")\nset x2range [0:%g]\nset x2label \"ring number\"\n", xr);
	ring_lines(w->p.gp, 3 * per, 5 * per, " end", 0.05);
	/* room for the legend below: two entries a row */
	plot_set_height(pg, &w->p, 440 + 20 * ((w->nplot + 1) / 2));
	fprintf(w->p.gp, "plot %s\n", cmd);
	char a5[32], capb[700], tgt[160] = "";
	pct(a5, sizeof(a5), w->aw5);
	if (w->ntargets)
		snprintf(tgt, sizeof(tgt), " A target (%s) on or below its phase's dots (same "
			 "colour) is met; above them, missed.", gp_point_name(RPT_PT_TARGET));
	snprintf(capb, sizeof(capb),
		 "Read each curve's height at the dashed lines: its phase's service level (sla, the "
		 "default judge) within 3 and 5 rings (last phase: %s within 5).%s Dots with 95 %% "
		 "bars: all replications; curves: the first replication's calls.",
		 a5, tgt);
	plot_set_caption(&w->p, capb);
	return plot_close(pg, &w->p);
}

static int plot_wait_cdf(struct page *pg, struct report_run *const *runs, size_t n)
{
	struct wcdf w = {.per = period_s(runs[0]), .aw5 = NAN};
	w.xmax = 6 * w.per;
	int rc = plot_open(pg, &w.p, "wait_cdf", "Service level (SLA) within t seconds of reaching the center, per phase",
			   "", 1000, 520);
	if (rc)
		return rc;
	fprintf(w.p.dat, "# per folder and phase: (a) t_s, SLA(t) = answered within t / (offered - "
		       "abandoned within t) (calls.csv: the first replication); (b) t_s = k x ring "
		       "period, sla[k] over all replications, ci95 lo, hi (summary.json)\n");
	char *cmd = NULL;
	size_t cmdlen = 0;
	if (!(w.pc = open_memstream(&cmd, &cmdlen))) {
		plot_discard(pg, &w.p);
		return ENOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = wcdf_folder(&w, runs, n, i);
	wcdf_targets(&w, runs[0]);
	fclose(w.pc);
	if (rc || !w.nplot) {
		free(cmd);
		plot_discard(pg, &w.p);
		return rc;
	}
	rc = wcdf_finish(pg, &w, cmd);
	free(cmd);
	return rc;
}

/* ---- rings heard by forwarding mode ----------------------------------------- */

static int plot_rings_heard(struct page *pg, struct report_run *const *runs, size_t n)
{
	static const char *const modes[] = {"unconditional", "no-answer"};
	struct plot p;
	char cap[800] = "", part[200];
	size_t len = 0, blk = 0;
	int rc = plot_open(pg, &p, "rings_heard", "Rings the caller heard, by forwarding mode", "",
			   1000, 480);
	if (rc)
		return rc;
	fprintf(p.dat, "# rings heard k (31: 31 or more), share of the mode's calls\n");
	char plotcmd[4096];
	size_t pl = 0;
	size_t nblk = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t md = 0; md < 2; md++)
			if (rbjson_path(runs[i]->summary, "by_forwarding") &&
			    json_object_get(json_object_get(runs[i]->summary, "by_forwarding"), modes[md]))
				nblk++;
	double bw = nblk ? 0.8 / (double)nblk : 0.8;
	for (size_t i = 0; i < n; i++) {
		for (size_t md = 0; md < 2; md++) {
			const json_t *m =
				json_object_get(json_object_get(runs[i]->summary, "by_forwarding"), modes[md]);
			const json_t *h = json_object_get(m, "rings_heard");
			if (!json_is_object(h))
				continue;
			double tot = 0, sum = 0, c5 = 0;
			double cnt[32] = {0};
			for (int k = 1; k <= 31; k++) {
				char key[8];
				snprintf(key, sizeof(key), k == 31 ? "31+" : "%d", k);
				double v = rbjson_path_num(h, key);
				cnt[k] = isfinite(v) ? v : 0;
				tot += cnt[k];
				sum += cnt[k] * k;
				if (k <= 5)
					c5 += cnt[k];
			}
			if (tot <= 0)
				continue;
			fprintf(p.dat, "# %s %s: %.0f calls\n", runs[i]->label, modes[md], tot);
			for (int k = 1; k <= 31; k++)
				fprintf(p.dat, "%d %.6f\n", k, cnt[k] / tot);
			fprintf(p.dat, "\n\n");
			double off = ((double)blk - (double)(nblk - 1) / 2) * bw;
			pl += (size_t)snprintf(plotcmd + pl, pl < sizeof(plotcmd) ? sizeof(plotcmd) - pl : 0,
					       "%s\"rings_heard.dat\" index %zu using ($1%+g):($2*100):(%g) with boxes lc rgb \"%s\"%s title \"%s%s%s (mean %.1f rings)\"",
					       pl ? ", \\\n     " : "", blk, off, bw, md ? "#e0803a" : "#4c8bd6",
					       i ? " fill pattern 4" : "", n > 1 ? runs[i]->label : "", n > 1 ? " " : "",
					       modes[md], sum / tot);
			char c5s[32];
			pct(c5s, sizeof(c5s), c5 / tot);
			snprintf(part, sizeof(part), "%s%s%s%s: mean %.1f rings heard, %s within 5",
				 len ? "; " : "", n > 1 ? runs[i]->label : "", n > 1 ? " " : "", modes[md],
				 sum / tot, c5s);
			len += (size_t)snprintf(cap + len, len < sizeof(cap) ? sizeof(cap) - len : 0, "%s", part);
			if (len >= sizeof(cap))
				len = sizeof(cap) - 1;
			blk++;
		}
	}
	if (!blk || pl >= sizeof(plotcmd)) {
		plot_discard(pg, &p);
		return 0;
	}
	fprintf(p.gp, "set xlabel \"rings heard by the caller (client's phone + center)\\n\"\n"
		      "set ylabel \"share of the mode's calls\"\nset format y \"%%.0f%%%%\"\n"
		      "set yrange [0:*]\nset xrange [0.4:31.6]\nset xtics 1\nset xtics add (\"31+\" 31)\n"
		      "");
	ring_lines(p.gp, 3.5, 5.5, "", 0.95);
	fprintf(p.gp, "plot %s\n", plotcmd);
	char full[1200];
	snprintf(full, sizeof(full),
		 "What the no-answer delay costs callers: the orange mass sits to the right by the rings "
		 "of the client's own phone. %s.", cap);
	plot_set_caption(&p, full);
	return plot_close(pg, &p);
}

/* ---- abandoned calls over time, and time to abandon ------------------------ */

/* Abandoned calls counted from calls.csv: per minute and by time to abandon. */
struct abandons {
	size_t nmin;            /* minutes (rows of at, bf, dl) */
	double *at, *bf, *dl;   /* per minute: abandoned at the center, before forwarding, dialled */
	double hc[41], hb[41];  /* per 3 s of waiting (the last: 120 s or more) */
	size_t n_ab, n_bf;
};

/* Counts r's calls into a (its arrays allocated). Returns 0, ENOENT when
 * no call has a dial time, or ENOMEM. */
static int abandons_count(const struct report_run *r, struct abandons *a)
{
	int co = csvtab_col(&r->calls, "outcome"), cd = csvtab_col(&r->calls, "t_dial"),
	    cc = csvtab_col(&r->calls, "t_cancel");
	for (size_t row = 0; row < r->calls.nrow; row++) {
		double td;
		if (csvtab_num(&r->calls, row, cd, &td) && td >= 0 && (size_t)(td / 60) + 1 > a->nmin)
			a->nmin = (size_t)(td / 60) + 1;
	}
	if (!a->nmin)
		return ENOENT;
	a->nmin += 2;
	a->at = calloc(a->nmin, sizeof(double));
	a->bf = calloc(a->nmin, sizeof(double));
	a->dl = calloc(a->nmin, sizeof(double));
	if (!a->at || !a->bf || !a->dl)
		return ENOMEM;
	for (size_t row = 0; row < r->calls.nrow; row++) {
		const char *o = csvtab_get(&r->calls, row, co);
		double td, tc;
		if (!csvtab_num(&r->calls, row, cd, &td) || td < 0)
			continue;
		a->dl[(size_t)(td / 60)]++;
		bool center = !strcmp(o, "abandoned"), before = !strcmp(o, "abandoned_before_forward");
		if (!(center || before) || !csvtab_num(&r->calls, row, cc, &tc) || tc < 0)
			continue;
		size_t mi = (size_t)(tc / 60);
		if (mi >= a->nmin)
			mi = a->nmin - 1;
		size_t b = (size_t)((tc - td) / 3.0);
		if (b > 40)
			b = 40;
		(center ? a->at : a->bf)[mi]++;
		(center ? a->hc : a->hb)[b]++;
		(*(center ? &a->n_ab : &a->n_bf))++;
	}
	return 0;
}

static int plot_abandon_time(struct page *pg, struct report_run *r, const char *sfx,
			     const struct abandons *a)
{
	struct plot p;
	char cap[700];
	int rc = run_plot_open(pg, &p, r, sfx, "abandon_time", "Abandoned calls per minute", 1000, 420);
	if (rc)
		return rc;
	fprintf(p.dat, "# minute, abandoned at the center, abandoned before forwarding, calls dialled "
		       "(calls.csv: the first replication)\n");
	for (size_t i = 0; i < a->nmin; i++)
		fprintf(p.dat, "%zu %.0f %.0f %.0f\n", i, a->at[i], a->bf[i], a->dl[i]);
	fprintf(p.gp, "set xlabel \"minute of the run (scenario time)\\n\"\nset ylabel \"calls per minute\"\n"
		      "set y2label \"calls dialled per minute\"\nset y2tics\nset ytics nomirror\n"
		      "set yrange [0:*]\nset y2range [0:*]\nset style histogram rowstacked\n"
		      "plot \"%s.dat\" using ($1+0.5):($2+$3):(1) with boxes lc rgb \"#e0803a\" title \"abandoned before forwarding\", \\\n"
		      "     \"\" using ($1+0.5):2:(1) with boxes lc rgb \"#c62828\" title \"abandoned at the center\", \\\n"
		      "     \"\" using ($1+0.5):4 axes x1y2 with lines lw 1.5 lc rgb \"#555555\" title \"dialled (right axis)\"\n",
		p.name);
	snprintf(cap, sizeof(cap),
		 "When callers give up: %zu abandoned at the center and %zu before forwarding in the "
		 "first replication; red peaks that follow the grey load peaks mean the staffing does not "
		 "absorb the bursts.", a->n_ab, a->n_bf);
	plot_set_caption(&p, cap);
	return plot_close(pg, &p);
}

static int plot_abandon_wait(struct page *pg, struct report_run *r, const char *sfx,
			     const struct abandons *a)
{
	struct plot p;
	char cap[700];
	int rc = run_plot_open(pg, &p, r, sfx, "abandon_wait", "Time to abandon, from dialling", 1000, 420);
	if (rc)
		return rc;
	fprintf(p.dat, "# seconds from dialling to hanging up (3 s bins, 120: later), abandoned at the "
		       "center, abandoned before forwarding\n");
	for (int b = 0; b <= 40; b++)
		fprintf(p.dat, "%d %.0f %.0f\n", b * 3, a->hc[b], a->hb[b]);
	int last = 0;
	for (int b = 0; b <= 40; b++)
		if (a->hc[b] + a->hb[b] > 0)
			last = b;
	ring_lines(p.gp, 9, 15, "", 0.95);
	fprintf(p.gp, "set xlabel \"seconds from dialling the client to hanging up (3 s bins = rings heard; last bin: 120 s or more)\\n\"\n"
		      "set ylabel \"abandoned calls\"\nset yrange [0:*]\nset xrange [0:%d]\n"
		      "", last * 3 + 6);
	fprintf(p.gp, ""
		      "plot \"%s.dat\" using ($1+1.5):($2+$3):(3) with boxes lc rgb \"#e0803a\" title \"before forwarding\", \\\n"
		      "     \"\" using ($1+1.5):2:(3) with boxes lc rgb \"#c62828\" title \"at the center\"\n",
		p.name);
	snprintf(cap, sizeof(cap),
		 "How long the callers who hung up had waited since dialling (stacked): bars left of the "
		 "5-ring line are callers lost early, often while the client's phone still rang "
		 "(no-answer forwarding).");
	plot_set_caption(&p, cap);
	return plot_close(pg, &p);
}

/* Abandoned calls over time, then by time to abandon: two plots. */
static int plot_abandon(struct page *pg, struct report_run *r, const char *sfx)
{
	struct abandons a = {0};
	if (!r->has_calls)
		return 0;
	int rc = abandons_count(r, &a);
	if (rc == ENOENT)
		rc = 0; /* no call to count: no plot */
	else if (!rc && !(rc = plot_abandon_time(pg, r, sfx, &a)))
		rc = plot_abandon_wait(pg, r, sfx, &a);
	free(a.at);
	free(a.bf);
	free(a.dl);
	return rc;
}

/* ---- the timeline and its largest burst ------------------------------------ */

/* timeline.csv's columns (-1: missing) and what the plots say of its peak. */
struct tl_scan {
	int ct, cr, cob, cbb, can, cab;
	size_t imax;           /* the row with the most calls ringing */
	double vmax, obmax, bbmax;
	bool staff_known;      /* a capture (live, analyze) does not see the operators */
};

/* A cell as gnuplot reads it: "?" when empty (not known). */
static const char *cell_q(const struct csvtab *t, size_t i, int c)
{
	return *csvtab_get(t, i, c) ? csvtab_get(t, i, c) : "?";
}

static void tl_scan(const struct csvtab *t, struct tl_scan *k)
{
	double v;
	k->ct = csvtab_col(t, "t");
	k->cr = csvtab_col(t, "ringing");
	k->cob = csvtab_col(t, "operators_busy");
	k->cbb = csvtab_col(t, "backup_busy");
	k->can = csvtab_col(t, "answered");
	k->cab = csvtab_col(t, "abandoned");
	k->imax = 0;
	k->vmax = -1;
	k->obmax = k->bbmax = 0;
	k->staff_known = false;
	for (size_t i = 0; i < t->nrow; i++) {
		if (csvtab_num(t, i, k->cr, &v) && v > k->vmax) {
			k->vmax = v;
			k->imax = i;
		}
		if (csvtab_num(t, i, k->cob, &v)) {
			k->staff_known = true;
			if (v > k->obmax)
				k->obmax = v;
		}
		if (csvtab_num(t, i, k->cbb, &v)) {
			k->staff_known = true;
			if (v > k->bbmax)
				k->bbmax = v;
		}
	}
}

/* The whole run, minute by minute. */
static int plot_center(struct page *pg, struct report_run *r, const char *sfx,
		       const struct tl_scan *k)
{
	struct plot p;
	char cap[700];
	const struct csvtab *t = &r->timeline;
	double v;
	int rc = run_plot_open(pg, &p, r, sfx, "timeline", "The center over the run", 1000, 420);
	if (rc)
		return rc;
	fprintf(p.dat, "# minutes, calls ringing, operators busy, backup staff busy (per second, the "
		       "first replication; empty: not known)\n");
	for (size_t i = 0; i < t->nrow; i++) {
		double tt;
		if (!csvtab_num(t, i, k->ct, &tt))
			continue;
		fprintf(p.dat, "%.4f %s %s %s\n", tt / 60, cell_q(t, i, k->cr), cell_q(t, i, k->cob),
			cell_q(t, i, k->cbb));
	}
	fprintf(p.dat, "\n\n# minutes, operators on shift, backup staff on shift (from the scenario)\n");
	for (size_t i = 0; i < r->n_phases; i++)
		fprintf(p.dat, "%.4f %d %d\n%.4f %d %d\n", r->phase_from[i] / 60, r->phase_ops[i],
			r->phase_backup[i], r->phase_to[i] / 60, r->phase_ops[i], r->phase_backup[i]);
	fprintf(p.gp, "set xlabel \"minutes from the start\\n\"\nset ylabel \"calls or staff\"\n"
		      "set yrange [0:*]\nplot ");
	/* the busy staff curves only when the folder knows them (a capture does not) */
	if (k->staff_known)
		fprintf(p.gp, "\"%s.dat\" index 0 using 1:3 with steps lw 1.2 lc rgb \"#4c8bd6\" title \"operators busy\", \\\n"
			      "     \"\" index 0 using 1:4 with steps lw 1.2 lc rgb \"#5aa05a\" title \"backup staff busy\", \\\n     ",
			p.name);
	fprintf(p.gp, "\"%s.dat\" index 0 using 1:2 with steps lw 1.5 lc rgb \"#c62828\" title \"calls ringing (waiting)\"%s\n",
		p.name, r->n_phases ? ", \\\n     \"\" index 1 using 1:2 with lines lw 2 dt 2 lc rgb \"#1f5fa8\" title \"operators on shift\", \\\n"
				    "     \"\" index 1 using 1:3 with lines lw 2 dt 2 lc rgb \"#2e8b57\" title \"backup staff on shift\"" : "");
	if (k->staff_known)
		snprintf(cap, sizeof(cap),
			 "Read the plateaus: operators busy (solid) pinned at the operators on shift (dashed) "
			 "while calls ring means every operator is taken; here up to %.0f operators were busy, "
			 "%.0f calls rang at once (minute %.1f), and backup staff reached %.0f busy.",
			 k->obmax, k->vmax, csvtab_num(t, k->imax, k->ct, &v) ? v / 60 : 0.0, k->bbmax);
	else
		snprintf(cap, sizeof(cap),
			 "Calls ringing against the staff on shift (dashed, from the scenario); this folder "
			 "does not see the operators (a capture), so how many were busy is not shown. "
			 "%.0f calls rang at once (minute %.1f).",
			 k->vmax, csvtab_num(t, k->imax, k->ct, &v) ? v / 60 : 0.0);
	plot_set_caption(&p, cap);
	return plot_close(pg, &p);
}

/* The burst's data, seconds from..to; the calls answered and abandoned there. */
static void burst_dat(FILE *dat, const struct report_run *r, const struct tl_scan *k, double from,
		      double to, double *nans, double *nab)
{
	const struct csvtab *t = &r->timeline;
	fprintf(dat, "# seconds, ringing, operators busy, backup busy, answered, abandoned in [t, t+1)\n");
	*nans = *nab = 0;
	for (size_t i = 0; i < t->nrow; i++) {
		double tt;
		if (!csvtab_num(t, i, k->ct, &tt) || tt < from || tt > to)
			continue;
		double a, b;
		if (csvtab_num(t, i, k->can, &a))
			*nans += a;
		if (csvtab_num(t, i, k->cab, &b))
			*nab += b;
		fprintf(dat, "%.0f %s %s %s %s %s\n", tt, cell_q(t, i, k->cr), cell_q(t, i, k->cob),
			cell_q(t, i, k->cbb), cell_q(t, i, k->can), cell_q(t, i, k->cab));
	}
	fprintf(dat, "\n\n# seconds, operators on shift, backup staff on shift (from the scenario)\n");
	/* each phase cut to the window: a segment with both ends outside the
	 * x range is not drawn by gnuplot */
	for (size_t i = 0; i < r->n_phases; i++) {
		double a = r->phase_from[i] > from ? r->phase_from[i] : from;
		double b = r->phase_to[i] < to ? r->phase_to[i] : to;
		if (a > b)
			continue;
		fprintf(dat, "%.0f %d %d\n%.0f %d %d\n", a, r->phase_ops[i], r->phase_backup[i], b,
			r->phase_ops[i], r->phase_backup[i]);
	}
}

/* The largest burst, zoomed: from a minute before the peak to four minutes after. */
static int plot_burst(struct page *pg, struct report_run *r, const char *sfx,
		      const struct tl_scan *k)
{
	struct plot p;
	char cap[700];
	double tpk = 0, nans, nab;
	csvtab_num(&r->timeline, k->imax, k->ct, &tpk);
	double from = tpk - 60 > 0 ? tpk - 60 : 0, to = tpk + 240;
	int rc = run_plot_open(pg, &p, r, sfx, "burst", "The largest burst, second by second", 1000, 460);
	if (rc)
		return rc;
	burst_dat(p.dat, r, k, from, to, &nans, &nab);
	fprintf(p.gp, "set xlabel \"seconds from the start\\n\"\nset ylabel \"calls or staff\"\n"
		      "set yrange [0:*]\nset xrange [%g:%g]\n"
		      "plot \"%s.dat\" index 0 using 1:2 with filledcurves y1=0 fs transparent solid 0.25 lc rgb \"#c62828\" title \"calls ringing\", \\\n"
		      "%s"
		      "     \"\" index 0 using 1:($6 > 0 ? $6 : 1/0) with impulses lw 3 lc rgb \"#000000\" title \"abandoned (per second)\"%s\n",
		from, to, p.name,
		k->staff_known ? "     \"\" index 0 using 1:3 with steps lw 2 lc rgb \"#1f5fa8\" title \"operators busy\", \\\n"
				 "     \"\" index 0 using 1:4 with steps lw 2 lc rgb \"#2e8b57\" title \"backup staff busy\", \\\n"
			       : "",
		r->n_phases ? ", \\\n     \"\" index 1 using 1:2 with lines lw 2 dt 2 lc rgb \"#1f5fa8\" title \"operators on shift\", \\\n"
			      "     \"\" index 1 using 1:3 with lines lw 2 dt 2 lc rgb \"#2e8b57\" title \"backup staff on shift\"" : "");
	snprintf(cap, sizeof(cap),
		 "At %.0f s, %.0f calls rang at once; read how long the red area takes to drain%s: "
		 "%.0f answered and %.0f abandoned in this window.",
		 tpk, k->vmax, k->staff_known ? " and whether backup staff join (green)" : "", nans, nab);
	plot_set_caption(&p, cap);
	return plot_close(pg, &p);
}

/* The center over the run, then its largest burst: two plots. */
static int plot_timeline(struct page *pg, struct report_run *r, const char *sfx)
{
	struct tl_scan k;
	if (!r->has_timeline || r->timeline.nrow == 0)
		return 0;
	tl_scan(&r->timeline, &k);
	if (k.ct < 0 || k.cr < 0)
		return 0;
	int rc = plot_center(pg, r, sfx, &k);
	return rc ? rc : plot_burst(pg, r, sfx, &k);
}

/* ---- per tenant (names as the scenario writes them, Japanese included) ------ */

static int plot_tenants(struct page *pg, struct report_run *r)
{
	struct plot p;
	const json_t *bt = json_object_get(r->summary, "by_tenant");
	if (!r->n_tenants)
		return 0;
	int rc = plot_open(pg, &p, "tenants", "Service level and abandoned calls, per tenant", "",
			   1000, 420);
	if (rc)
		return rc;
	fprintf(p.dat, "# i, sla[3], sla[5], abandon_fraction, abandon_before_forward_fraction, name\n");
	for (size_t i = 0; i < r->n_tenants; i++) {
		const json_t *m = json_object_get(bt, r->tenant_ids[i]);
		double v[4] = {mk(m, "sla", 3), mk(m, "sla", 5), rbjson_path_num(m, "abandon_fraction"),
			       rbjson_path_num(m, "abandon_before_forward_fraction")};
		fprintf(p.dat, "%zu", i);
		for (int k = 0; k < 4; k++) {
			if (isfinite(v[k]))
				fprintf(p.dat, " %.6f", v[k]);
			else
				fprintf(p.dat, " ?");
		}
		fprintf(p.dat, " \"");
		gp_esc(p.dat, r->tenant_names[i]);
		if (strcmp(r->tenant_names[i], r->tenant_ids[i])) {
			fputs(" (", p.dat);
			gp_esc(p.dat, r->tenant_ids[i]);
			fputc(')', p.dat);
		}
		fprintf(p.dat, "\"\n");
	}
	fprintf(p.gp, "set xtics (");
	for (size_t i = 0; i < r->n_tenants; i++) {
		fprintf(p.gp, "%s\"", i ? ", " : "");
		gp_esc(p.gp, r->tenant_names[i]);
		if (strcmp(r->tenant_names[i], r->tenant_ids[i])) {
			fputs(" (", p.gp);
			gp_esc(p.gp, r->tenant_ids[i]);
			fputc(')', p.gp);
		}
		fprintf(p.gp, "\" %zu", i);
	}
	fprintf(p.gp, ") scale 0\n");
	fprintf(p.gp, "set ylabel \"share\"\nset format y \"%%.0f%%%%\"\nset yrange [0:105]\n"
		      "set xrange [-0.6:%zu.6]\n"
		      "plot \"tenants.dat\" using ($1-0.3):($2*100):(0.2) with boxes lc rgb \"#4c8bd6\" title \"SLA, 3 rings\", \\\n"
		      "     \"\" using ($1-0.1):($3*100):(0.2) with boxes lc rgb \"#1f5fa8\" title \"SLA, 5 rings\", \\\n"
		      "     \"\" using ($1+0.1):($4*100):(0.2) with boxes lc rgb \"#c62828\" title \"abandoned at the center\", \\\n"
		      "     \"\" using ($1+0.3):($5*100):(0.2) with boxes lc rgb \"#e0803a\" title \"abandoned before forwarding\"\n",
		r->n_tenants - 1);
	plot_set_caption(&p, "Compare tenants side by side: a tenant on no-answer forwarding loses callers "
			   "before the center ever sees them (orange), which its own service level "
			   "does not show.");
	return plot_close(pg, &p);
}

/* ---- report latency (live runs) ------------------------------------------ */

static int plot_latency(struct page *pg, struct report_run *const *runs, size_t n)
{
	struct plot p;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= runs[i]->has_calls && csvtab_col(&runs[i]->calls, "report_latency_s") >= 0;
	if (!any)
		return 0;
	int rc = plot_open(pg, &p, "report_latency",
			   "Call report latency: hang-up to report delivered", "", 1000, 420);
	if (rc)
		return rc;
	char plotcmd[2048], cap[400] = "";
	size_t pl = 0, blk = 0;
	for (size_t i = 0; i < n; i++) {
		struct report_run *r = runs[i];
		int c = r->has_calls ? csvtab_col(&r->calls, "report_latency_s") : -1;
		if (c < 0)
			continue;
		double *v = malloc((r->calls.nrow + 1) * sizeof(double));
		size_t nv = 0;
		if (!v) {
			plot_discard(pg, &p);
			return ENOMEM;
		}
		for (size_t row = 0; row < r->calls.nrow; row++)
			if (csvtab_num(&r->calls, row, c, &v[nv]))
				nv++;
		qsort(v, nv, sizeof(double), cmp_double);
		fprintf(p.dat, "# %s: latency_s, share of reports delivered within it\n", r->label);
		for (size_t j = 0; j < nv; j++)
			fprintf(p.dat, "%.6f %.6f\n", v[j], (double)(j + 1) / (double)nv);
		fprintf(p.dat, "\n\n");
		if (nv && !*cap)
			snprintf(cap, sizeof(cap), "%zu reports: median %.2f s, p99 %.2f s", nv,
				 v[nv / 2], v[(size_t)(0.99 * (double)(nv - 1))]);
		free(v);
		pl += (size_t)snprintf(plotcmd + pl, pl < sizeof(plotcmd) ? sizeof(plotcmd) - pl : 0,
				       "%s\"report_latency.dat\" index %zu using 1:($2*100) with steps lw 2 lc rgb \"%s\" title \"%s\"",
				       pl ? ", " : "", blk++, run_colors[i % NCOLORS(run_colors)], r->label);
	}
	fprintf(p.gp, "set xlabel \"seconds from the call's end to the report delivered\\n\"\n"
		      "set ylabel \"reports delivered within\"\nset format y \"%%.0f%%%%\"\n"
		      "set yrange [0:105]\nset logscale x\nplot %s\n", plotcmd);
	char full[600];
	snprintf(full, sizeof(full), "Callers who asked for a callback call again if the client is slow "
				     "(Q1): read how far right the curve reaches 100%%. %s.", cap);
	plot_set_caption(&p, full);
	return plot_close(pg, &p);
}

/* ---- model against live: service level per ring count --------------------- */

static int plot_compare(struct page *pg, struct report_run *const *runs, size_t n)
{
	struct plot p;
	if (n < 2)
		return 0;
	int rc = plot_open(pg, &p, "compare_sla", "Service level (SLA) per ring count, folders overlaid",
			   "", 1000, 440);
	if (rc)
		return rc;
	ring_lines(p.gp, 3, 5, "", 0.06);
	fprintf(p.gp, "set xlabel \"rings k\\n\"\nset ylabel \"sla[k]\"\nset format y \"%%.0f%%%%\"\n"
		      "set xrange [0.5:10.5]\nset xtics 1\nset yrange [*:100.5]\nplot ");
	for (size_t i = 0; i < n; i++) {
		const json_t *m = json_object_get(runs[i]->summary, "overall");
		const json_t *ci = json_object_get(json_object_get(m, "ci95"), "sla");
		fprintf(p.dat, "# %s (%s): k, sla[k], ci95 lo, hi\n", runs[i]->label, runs[i]->dir);
		for (int k = 1; k <= 10; k++) {
			char key[8];
			snprintf(key, sizeof(key), "%d", k);
			double v = mk(m, "sla", k);
			const json_t *c = json_object_get(ci, key);
			double lo = json_is_array(c) ? json_number_value(json_array_get(c, 0)) : v;
			double hi = json_is_array(c) ? json_number_value(json_array_get(c, 1)) : v;
			if (isfinite(v))
				fprintf(p.dat, "%g %.6f %.6f %.6f\n", k + (i - (n - 1) / 2.0) * 0.12, v, lo, hi);
		}
		fprintf(p.dat, "\n\n");
		fprintf(p.gp, "%s\"compare_sla.dat\" index %zu using 1:($2*100):($3*100):($4*100) with yerrorlines lw 2 pt 7 lc rgb \"%s\" title \"",
			i ? ", \\\n     " : "", i, run_colors[i % NCOLORS(run_colors)]);
		gp_esc(p.gp, runs[i]->label);
		fputs("\"", p.gp);
	}
	fputc('\n', p.gp);
	plot_set_caption(&p, "Where the 95 % intervals of two folders do not overlap, the model and the "
			   "live center disagree at that ring count (ringbench compare gives the test).");
	return plot_close(pg, &p);
}

/* ---- the page ---------------------------------------------------------------- */

static void target_text(FILE *f, const json_t *t)
{
	char buf[256];
	const json_t *ph = json_object_get(t, "phase");
	const char *phase = json_is_string(ph) ? json_string_value(ph) : "whole run";
	double v;
	if (isfinite(v = rbjson_path_num(t, "abandon_max")))
		snprintf(buf, sizeof(buf), "%s: abandoned at the center ≤ %.1f %%", phase, v * 100);
	else if (isfinite(v = rbjson_path_num(t, "abandon_before_forward_max")))
		snprintf(buf, sizeof(buf), "%s: abandoned before forwarding ≤ %.1f %%", phase, v * 100);
	else {
		const json_t *me = json_object_get(t, "measure"), *cn = json_object_get(t, "count");
		snprintf(buf, sizeof(buf), "%s: %s within %.0f rings%s ≥ %.1f %%", phase,
			 json_is_string(me) ? json_string_value(me) : "sla", rbjson_path_num(t, "rings"),
			 json_is_string(cn) && !strcmp(json_string_value(cn), "heard") ? " heard" : "",
			 rbjson_path_num(t, "min") * 100);
	}
	html_esc(f, buf);
}

/* A target's result: "result" (pass, fail, inconclusive), else from "pass"
 * (older files: true, false; null while undecided). */
static const char *target_result(const json_t *t)
{
	const json_t *res = json_object_get(t, "result"), *ps = json_object_get(t, "pass");
	if (json_is_string(res))
		return json_string_value(res);
	return json_is_boolean(ps) ? (json_is_true(ps) ? "pass" : "fail") : "inconclusive";
}

static void verdict_table(FILE *f, const struct report_run *r)
{
	const json_t *tg = json_object_get(r->summary, "targets");
	size_t i;
	const json_t *t;
	fputs("<table class=\"verdict\"><tr><th>target</th><th>measured</th><th>95 % interval</th>"
	      "<th>verdict</th><th>note</th></tr>\n",
	      f);
	json_array_foreach(tg, i, t) {
		double m = rbjson_path_num(t, "measured");
		const json_t *ci = json_object_get(t, "ci95"), *note = json_object_get(t, "note");
		fputs("<tr><td>", f);
		target_text(f, t);
		if (isfinite(m))
			fprintf(f, "</td><td class=\"num\">%.2f %%</td>", m * 100);
		else
			fputs("</td><td class=\"num\">n/a</td>", f);
		if (json_is_array(ci) && json_array_size(ci) == 2)
			fprintf(f, "<td class=\"num\">%.2f – %.2f %%</td>",
				json_number_value(json_array_get(ci, 0)) * 100,
				json_number_value(json_array_get(ci, 1)) * 100);
		else
			fputs("<td class=\"num\">n/a</td>", f);
		const char *res = target_result(t);
		fprintf(f, "<td class=\"%s\">%s</td><td>", report_verdict_class(res),
			report_verdict_label(res));
		if (json_is_string(note))
			html_esc(f, json_string_value(note));
		fputs("</td></tr>\n", f);
	}
	if (!json_array_size(tg))
		fputs("<tr><td colspan=\"5\">no targets</td></tr>\n", f);
	fputs("</table>\n", f);
}

static void cell_num(FILE *f, double v, const char *fmt, double scale)
{
	if (isfinite(v)) {
		fputs("<td class=\"num\">", f);
		fprintf(f, fmt, v * scale);
		fputs("</td>", f);
	} else {
		fputs("<td class=\"num\">–</td>", f);
	}
}

static void measures_row(FILE *f, const char *name, const json_t *m)
{
	fputs("<tr><td>", f);
	html_esc(f, name);
	fputs("</td>", f);
	cell_num(f, rbjson_path_num(m, "dialled"), "%.0f", 1);
	cell_num(f, rbjson_path_num(m, "offered"), "%.0f", 1);
	cell_num(f, mk(m, "sla", 3), "%.1f %%", 100);
	cell_num(f, mk(m, "sla", 5), "%.1f %%", 100);
	cell_num(f, rbjson_path_num(m, "abandon_fraction"), "%.1f %%", 100);
	cell_num(f, rbjson_path_num(m, "abandon_before_forward_fraction"), "%.1f %%", 100);
	cell_num(f, rbjson_path_num(json_object_get(m, "wait_s"), "mean"), "%.1f s", 1);
	cell_num(f, rbjson_path_num(json_object_get(m, "wait_s"), "p90"), "%.1f s", 1);
	cell_num(f, rbjson_path_num(m, "occupancy"), "%.0f %%", 100);
	cell_num(f, rbjson_path_num(m, "backup_occupancy"), "%.0f %%", 100);
	fputs("</tr>\n", f);
}

static void measures_table(FILE *f, const struct report_run *r)
{
	fputs("<table><tr><th></th><th>dialled</th><th>offered</th><th>SLA 3 rings</th>"
	      "<th>SLA 5 rings</th><th>abandoned</th><th>abandoned before fwd</th><th>mean wait</th>"
	      "<th>p90 wait</th><th>occupancy</th><th>backup occ.</th></tr>\n", f);
	measures_row(f, "whole run", json_object_get(r->summary, "overall"));
	const char *name;
	const json_t *m;
	json_object_foreach(json_object_get(r->summary, "phases"), name, m) {
		char buf[256];
		snprintf(buf, sizeof(buf), "phase %s", name);
		measures_row(f, buf, m);
	}
	for (size_t i = 0; i < r->n_tenants; i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), "tenant %s", r->tenant_names[i]);
		measures_row(f, buf, json_object_get(json_object_get(r->summary, "by_tenant"),
						     r->tenant_ids[i]));
	}
	json_object_foreach(json_object_get(r->summary, "by_forwarding"), name, m) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s forwarding", name);
		measures_row(f, buf, m);
	}
	fputs("</table>\n", f);
}

/* A live run's schedule: its INVITEs' lateness against the limit. */
static void schedule_meta(FILE *f, const json_t *sc)
{
	if (!json_is_object(sc))
		return;
	fprintf(
	    f,
	    "<br>schedule: INVITE lateness p50 %.2f ms, p99 %.2f ms on the wire, limit %.2f ms: %s",
	    rbjson_path_num(sc, "lateness_p50_ms"), rbjson_path_num(sc, "lateness_p99_ms"), rbjson_path_num(sc, "limit_ms"),
	    json_is_true(json_object_get(sc, "kept")) ? "kept" : "not kept");
}

static void run_meta(FILE *f, const struct report_run *r)
{
	static const char *const keys[] = {"engine", "scenario", "command", "seed", "replications",
					   "ci_method", "ring_period_s", "version"};
	fputs("<p class=\"meta\">", f);
	html_esc(f, r->dir);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(r->summary, keys[i]);
		char buf[64];
		const char *s = NULL;
		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_number(v)) {
			snprintf(buf, sizeof(buf), "%g", json_number_value(v));
			s = buf;
		}
		if (!s)
			continue;
		fprintf(f, " · %s: ", keys[i]);
		html_esc(f, s);
	}
	const json_t *e = json_object_get(r->summary, "error");
	if (json_is_string(e)) {
		fputs("<br><strong>error: ", f);
		html_esc(f, json_string_value(e));
		fputs("</strong>", f);
	}
	/* Why the run is at best inconclusive whatever its targets say. */
	const json_t *why = json_object_get(r->summary, "inconclusive_reasons");
	size_t i;
	const json_t *w;
	json_array_foreach(why, i, w) {
		if (!json_is_string(w))
			continue;
		fputs("<br><strong>not decided: ", f);
		html_esc(f, json_string_value(w));
		fputs("</strong>", f);
	}
	schedule_meta(f, json_object_get(r->summary, "schedule"));
	fputs("</p>\n", f);
}

static int write_html(struct page *pg, struct report_run *const *runs, size_t n)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/index.html", pg->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		int rc = errno;
		errbuf_set(pg->err, pg->errlen, "%s: %s", tmp, strerror(rc));
		return rc;
	}
	const json_t *sc = json_object_get(runs[0]->summary, "scenario");
	char title[512];
	snprintf(title, sizeof(title), "ringbench report: %s", json_is_string(sc) ? json_string_value(sc) : runs[0]->dir);
	page_html_head(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fputs("</h1>\n", f);
	for (size_t i = 0; i < n; i++) {
		const char *v = report_run_verdict(runs[i]);
		fputs("<h2>Verdict", f);
		if (n > 1) {
			fputs(": ", f);
			html_esc(f, runs[i]->label);
		}
		fprintf(f, " <span class=\"%s\">%s</span></h2>\n", report_verdict_class(v),
			report_verdict_label(v));
		run_meta(f, runs[i]);
		verdict_table(f, runs[i]);
	}
	for (size_t i = 0; i < n; i++) {
		fputs("<h2>Measures", f);
		if (n > 1) {
			fputs(": ", f);
			html_esc(f, runs[i]->label);
		}
		fputs("</h2>\n", f);
		measures_table(f, runs[i]);
	}
	return page_html_end(f, pg, tmp, path);
}

int report_write(struct report_run *const *runs, size_t n, const struct report_opts *opts,
		 char *err, size_t errlen)
{
	struct page pg;
	char dir[4096];
	if (!runs || !n)
		return EINVAL;
	if (opts && opts->out_dir)
		snprintf(dir, sizeof(dir), "%s", opts->out_dir);
	else
		snprintf(dir, sizeof(dir), "%s/report", runs[0]->dir);
	int rc = report_gnuplot_require(opts, err, errlen);
	if (rc)
		return rc;
	/* Overlaid folders get their folder name in the label. */
	if (n > 1) {
		for (size_t i = 0; i < n; i++) {
			const char *base = strrchr(runs[i]->dir, '/');
			base = base && base[1] ? base + 1 : runs[i]->dir;
			char buf[512];
			snprintf(buf, sizeof(buf), "%s (%s)", report_run_engine(runs[i]), base);
			char *l = strdup(buf);
			if (!l)
				return ENOMEM;
			free(runs[i]->label);
			runs[i]->label = l;
		}
	}
	if ((rc = page_init(&pg, dir, opts, err, errlen)))
		return rc;
	if ((rc = plot_rings_phase(&pg, runs, n)) || (rc = plot_wait_cdf(&pg, runs, n)) ||
	    (rc = plot_compare(&pg, runs, n)) || (rc = plot_rings_heard(&pg, runs, n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		char sfx[24] = "";
		if (n > 1)
			snprintf(sfx, sizeof(sfx), "_%zu", i + 1);
		if ((rc = plot_timeline(&pg, runs[i], sfx)) || (rc = plot_abandon(&pg, runs[i], sfx)))
			goto out;
	}
	if ((rc = plot_tenants(&pg, runs[0])) || (rc = plot_latency(&pg, runs, n)))
		goto out;
	rc = write_html(&pg, runs, n);
out:
	page_free(&pg);
	return rc;
}
