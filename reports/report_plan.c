/*
 * report_plan: the plots of a plan folder (`ringbench plan`, docs/plan.md):
 * required against staffed per interval, service level per interval with
 * the targets, the Erlang requirement beside the model's, and the cost by
 * shift type. Read from requirements.csv, shifts.csv and plan.json only, so
 * a plan folder copied elsewhere still draws.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "report_int.h"

struct plan_rep {
	struct csvtab req, sh;
	json_t *plan;
};

bool report_is_plan(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	return access(path, R_OK) == 0;
}

static double cell(const struct csvtab *t, size_t r, const char *col)
{
	double v;
	return csvtab_num(t, r, csvtab_col(t, col), &v) ? v : NAN;
}

static void num_or_missing(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %g", v);
	else
		fputs(" ?", f);
}

/* x: interval number; a clock label every other interval so they stay legible. */
static void xaxis(FILE *gp, size_t n)
{
	fprintf(gp, "set xlabel \"interval (its start)\"\nset xrange [-0.5:%zu.5]\nset xtics rotate by -60 nomirror\n",
		n ? n - 1 : 0);
}

static void xlabel_col(FILE *dat, const struct csvtab *t, size_t r)
{
	fprintf(dat, "%zu %s", r, (r % 2 == 0 || t->nrow <= 16) ? csvtab_get(t, r, csvtab_col(t, "interval")) : "\"\"");
}

/* One data row per interval: its number, its label, then cols scaled. */
static void dat_rows(FILE *dat, const struct csvtab *t, const char *const *cols, const double *scale, size_t n)
{
	for (size_t r = 0; r < t->nrow; r++) {
		xlabel_col(dat, t, r);
		for (size_t c = 0; c < n; c++)
			num_or_missing(dat, scale[c] * cell(t, r, cols[c]));
		fputc('\n', dat);
	}
}

static int plot_staffing(struct page *pg, const struct plan_rep *s)
{
	struct plot p;
	int rc = plot_open(pg, &p, "plan_staffing", "Operators required and staffed, interval by interval",
			   "Required: the plan's requirement (at the desks). Staffed: at their desks in the "
			   "roster, after absence (what the check ran). Rostered: people on shift, before "
			   "absence. Staffed above required is the price of whole shifts.",
			   1000, 520);
	if (rc)
		return rc;
	static const char *const cols[] = {"operators", "staffed", "rostered", "backup"};
	static const double one[] = {1, 1, 1, 1};
	fprintf(p.dat, "# index label required staffed rostered backup\n");
	dat_rows(p.dat, &s->req, cols, one, 4);
	xaxis(p.gp, s->req.nrow);
	fprintf(p.gp, "set ylabel \"people\"\nset yrange [0:*]\n"
		      "plot \"plan_staffing.dat\" using 1:3:xtic(2) with histeps lw 3 lc rgb \"#c62828\" title \"required\", \\\n"
		      "     \"\" using 1:4 with histeps lw 2 lc rgb \"#1a7f37\" title \"staffed (at desks)\", \\\n"
		      "     \"\" using 1:5 with histeps lw 1 dt 2 lc rgb \"#555555\" title \"rostered\", \\\n"
		      "     \"\" using 1:6 with histeps lw 1 dt 3 lc rgb \"#1f5fa8\" title \"backup\"\n");
	return plot_close(pg, &p);
}

static int plot_methods(struct page *pg, const struct plan_rep *s)
{
	struct plot p;
	int rc = plot_open(pg, &p, "plan_erlang_model", "The Erlang requirement beside the model's",
			   "Erlang A: steady state at each interval's own load, no pick-up, no forwarding, "
			   "no carry-over. Model: the whole day in the discrete-event model (bursts, "
			   "pick-up, no-answer forwarding, backup joining after K rings, the queue carried "
			   "into the next interval). Bars: the calls an hour planned for (right axis). "
			   "Where the model needs more, bursts, pick-up or carry-over cost staff; where it "
			   "needs fewer, callers lost before forwarding never reach the center.",
			   1000, 520);
	if (rc)
		return rc;
	static const char *const cols[] = {"erlang_operators", "model_operators", "rate_per_min"};
	static const double scale[] = {1, 1, 60};
	fprintf(p.dat, "# index label erlang model calls_per_hour\n");
	dat_rows(p.dat, &s->req, cols, scale, 3);
	xaxis(p.gp, s->req.nrow);
	fprintf(p.gp, "set ylabel \"operators\"\nset yrange [0:*]\nset y2label \"calls an hour\"\nset y2range [0:*]\n"
		      "set y2tics\nset boxwidth 0.8\n"
		      "plot \"plan_erlang_model.dat\" using 1:5:xtic(2) axes x1y2 with boxes lc rgb \"#e8e8e8\" title \"calls/h\", \\\n"
		      "     \"\" using 1:3 with linespoints lw 2 pt 6 lc rgb \"#1f5fa8\" title \"Erlang A\", \\\n"
		      "     \"\" using 1:4 with linespoints lw 2 pt 7 lc rgb \"#c62828\" title \"model\"\n");
	return plot_close(pg, &p);
}

/* The kinds of target: requirements.csv's columns "LABEL", "LABEL lo", "LABEL hi". */
static int plot_sl(struct page *pg, const struct plan_rep *s)
{
	struct plot p;
	char cap[600];
	snprintf(cap, sizeof cap,
		 "Each target's measure in the check (the rostered day in the model), per interval, with its "
		 "95 %% interval; the target's level is the %s. An interval passes when its whole interval "
		 "meets the target (docs/definitions.md).",
		 gp_point_name(RPT_PT_TARGET));
	int rc = plot_open(pg, &p, "plan_sl", "Service level per interval in the check, with the targets", cap, 1000,
			   560);
	if (rc)
		return rc;
	size_t blocks = 0;
	FILE *cmd = NULL;
	char *buf = NULL;
	size_t len = 0;
	cmd = open_memstream(&buf, &len);
	if (!cmd) {
		plot_discard(pg, &p);
		return ENOMEM;
	}
	static const char *const colors[] = {"#1a7f37", "#1f5fa8", "#c62828", "#8e44ad", "#b7791f"};
	for (size_t c = 0; c < s->req.ncol; c++) {
		const char *h = s->req.head[c];
		char lo[128], hi[128];
		if (!strchr(h, ':') || strstr(h, " lo") || strstr(h, " hi"))
			continue;
		snprintf(lo, sizeof lo, "%s lo", h);
		snprintf(hi, sizeof hi, "%s hi", h);
		double level = NAN;
		/* "3:0.8" or "3:0.8:sl2": the level is the second field */
		const char *f = strchr(h, ':');
		if (f)
			level = strtod(f + 1, NULL);
		fprintf(p.dat, "# target %s: index label measured lo hi level\n", h);
		for (size_t r = 0; r < s->req.nrow; r++) {
			double m = cell(&s->req, r, h);
			if (!isfinite(m))
				continue;
			xlabel_col(p.dat, &s->req, r);
			num_or_missing(p.dat, 100 * m);
			num_or_missing(p.dat, 100 * cell(&s->req, r, lo));
			num_or_missing(p.dat, 100 * cell(&s->req, r, hi));
			num_or_missing(p.dat, 100 * level);
			fputc('\n', p.dat);
		}
		fprintf(p.dat, "\n\n");
		const char *col = colors[blocks % 5];
		fprintf(cmd, "%s\"plan_sl.dat\" index %zu using 1:3:4:5%s with yerrorbars lw 2 pt 7 lc rgb \"%s\" title \"%s within, 95 %% interval\", \\\n"
			     "     \"\" index %zu using 1:6 with points pt %d ps 1.3 lc rgb \"%s\" title \"target %s\"",
			blocks ? ", \\\n     " : "", blocks, ":xtic(2)", col, h, blocks, RPT_PT_TARGET, col, h);
		blocks++;
	}
	fclose(cmd);
	if (!blocks) {
		free(buf);
		plot_discard(pg, &p);
		return 0;
	}
	xaxis(p.gp, s->req.nrow);
	fprintf(p.gp, "set ylabel \"service level (sla)\"\nset format y \"%%.0f%%%%\"\nset yrange [*:*]\nset offsets 0, 0, 1, 2\nplot %s\n", buf);
	free(buf);
	return plot_close(pg, &p);
}

static int plot_cost(struct page *pg, const struct plan_rep *s)
{
	struct plot p;
	int rc = plot_open(pg, &p, "plan_cost", "Cost of the day by shift type (yen)",
			   "Each candidate shift type: what the roster spends on it (people × paid hours × "
			   "cost per hour); backup staff's shifts too when they are rostered.",
			   800, 460);
	if (rc)
		return rc;
	fprintf(p.dat, "# index label cost people\n");
	size_t rows = 0;
	for (size_t r = 0; r < s->sh.nrow; r++) {
		double cost = cell(&s->sh, r, "cost");
		fprintf(p.dat, "%zu \"%s %s\"", r, csvtab_get(&s->sh, r, csvtab_col(&s->sh, "kind")),
			csvtab_get(&s->sh, r, csvtab_col(&s->sh, "shift")));
		num_or_missing(p.dat, cost);
		num_or_missing(p.dat, cell(&s->sh, r, "people"));
		fputc('\n', p.dat);
		rows++;
	}
	if (!rows) {
		plot_discard(pg, &p);
		return 0;
	}
	fprintf(p.gp, "set ylabel \"yen\"\nset yrange [0:*]\nset boxwidth 0.6\nset xtics nomirror\n"
		      "set format y \"%%.0f\"\n"
		      "plot \"plan_cost.dat\" using 1:3:xtic(2) with boxes lc rgb \"#1f5fa8\" title \"cost\", \\\n"
		      "     \"\" using 1:3:(sprintf(\"%%d people\", $4)) with labels offset 0,1 notitle\n");
	return plot_close(pg, &p);
}

static int write_page(struct page *pg, const struct plan_rep *s, const char *dir)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/index.html", pg->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	const json_t *pl = s->plan, *ro = json_object_get(pl, "roster"), *ck = json_object_get(pl, "check");
	const json_t *sc = json_object_get(pl, "scenario"), *un = json_object_get(pl, "unreachable");
	char title[512];
	snprintf(title, sizeof(title), "ringbench plan: %s", json_is_string(sc) ? json_string_value(sc) : dir);
	page_html_head(f, title);
	fputs("<h1>", f);
	html_esc(f, title);
	fputs("</h1>\n<p class=\"meta\">", f);
	html_esc(f, dir);
	const json_t *m = json_object_get(pl, "method"), *d = json_object_get(pl, "decided_on");
	fprintf(f, " · method %s, decided on the ", json_is_string(m) ? json_string_value(m) : "?");
	html_esc(f, json_is_string(d) ? json_string_value(d) : "?");
	fprintf(f, " · %.0f replications an evaluation, seed %.0f · %.0f rounds, %.0f evaluations</p>\n",
		rbjson_path_num(pl, "replications"), rbjson_path_num(pl, "seed"), rbjson_path_num(pl, "rounds"), rbjson_path_num(pl, "evaluations"));
	const json_t *v = json_object_get(ck, "verdict"), *ch = json_object_get(ck, "changed");
	bool passed = json_is_true(json_object_get(ck, "passed"));
	fprintf(f, "<p>Cost of the day: <b>%.0f yen</b> (%.1f operator-hours paid, %.1f backup hours). "
		   "Operators' roster: %.0f yen, GLPK's LP bound %.0f yen (%.2f %% above it), last gap %.2f %%. "
		   "Check: <span class=\"%s\">%s</span> after %.0f round(s), the model's verdict ",
		rbjson_path_num(pl, "cost"), rbjson_path_num(pl, "operator_hours"), rbjson_path_num(pl, "backup_hours"), rbjson_path_num(ro, "cost"),
		rbjson_path_num(ro, "lp_bound"), rbjson_path_num(ro, "lp_bound") > 0 ? 100 * (rbjson_path_num(ro, "cost") / rbjson_path_num(ro, "lp_bound") - 1) : 0,
		100 * rbjson_path_num(ro, "mip_gap"), passed ? "pass" : "fail", passed ? "PASS" : "NOT PASSED", rbjson_path_num(ck, "rounds"));
	html_esc(f, json_is_string(v) ? json_string_value(v) : "?");
	if (json_is_string(ch) && json_string_length(ch)) {
		fputs("; changed: ", f);
		html_esc(f, json_string_value(ch));
	}
	fputs(".</p>\n", f);
	if (json_is_string(un)) {
		fputs("<p class=\"fail\"><b>", f);
		html_esc(f, json_string_value(un));
		fputs("</b></p>\n", f);
	}
	return page_html_end(f, pg, tmp, path);
}

int report_plan_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen)
{
	struct plan_rep s;
	struct page pg;
	char path[4096];
	json_error_t je;
	int rc;
	memset(&s, 0, sizeof(s));
	memset(&pg, 0, sizeof(pg));
	if ((rc = report_gnuplot_require(opts, err, errlen)))
		return rc;
	snprintf(path, sizeof(path), "%s/requirements.csv", dir);
	if ((rc = csvtab_load(path, &s.req, err, errlen)))
		goto out;
	snprintf(path, sizeof(path), "%s/shifts.csv", dir);
	if ((rc = csvtab_load(path, &s.sh, err, errlen)))
		goto out;
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	if (!(s.plan = json_load_file(path, 0, &je))) {
		errbuf_set(err, errlen, "%s:%d: %s", path, je.line, je.text);
		rc = EINVAL;
		goto out;
	}
	if (!s.req.nrow || csvtab_col(&s.req, "operators") < 0 || csvtab_col(&s.req, "staffed") < 0) {
		errbuf_set(err, errlen, "%s/requirements.csv: expected the columns of ringbench plan", dir);
		rc = EINVAL;
		goto out;
	}
	if ((rc = page_init_for(&pg, dir, opts, err, errlen)))
		goto out;
	if ((rc = plot_staffing(&pg, &s)) || (rc = plot_sl(&pg, &s)) || (rc = plot_methods(&pg, &s)) ||
	    (rc = plot_cost(&pg, &s)))
		goto out;
	if ((rc = write_page(&pg, &s, dir)))
		errbuf_set(err, errlen, "%s/index.html: cannot write", pg.dir);
out:
	page_free(&pg);
	csvtab_free(&s.req);
	csvtab_free(&s.sh);
	json_decref(s.plan);
	return rc;
}
