/*
 * report_fit: the plots of a fit (`ringbench fit`, docs/fit.md), from its
 * fit.json alone: the calls an hour per interval, counted (with their
 * Garwood 95 % intervals) against the rate fitted; the talk-time histogram
 * with the chosen family's density; the Kaplan-Meier curve of patience
 * (with its 95 % band) against the fitted survival.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "report_int.h"

bool report_is_fit(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/fit.json", dir);
	return access(path, R_OK) == 0;
}

static void row_nums(FILE *f, const json_t *row)
{
	for (size_t i = 0; i < json_array_size(row); i++) {
		double v = rbjson_at(row, i);
		if (isfinite(v))
			fprintf(f, " %.9g", v);
		else
			fputs(" ?", f);
	}
	fputc('\n', f);
}

/* A gnuplot data block: rows of numbers, then the blank lines that end it
 * (the next block is `index 1`). */
static void block_nums(FILE *f, const json_t *rows)
{
	for (size_t i = 0; i < json_array_size(rows); i++)
		row_nums(f, json_array_get(rows, i));
	fputs("\n\n", f);
}

static int plot_arrivals(struct page *pg, const json_t *fit)
{
	const json_t *iv = rbjson_path(fit, "arrivals.intervals");
	struct plot p;
	int rc = plot_open(pg, &p, "fit_arrivals", "Calls an hour per interval: counted and fitted",
			   "Points: the calls the center saw an hour, over all days, with their exact "
			   "Poisson (Garwood) 95 % interval. Line: the dialled rate written to the "
			   "scenario (each call over P(patience > its no-answer delay), the bursts' "
			   "calls taken out).",
			   1000, 520);
	if (rc)
		return rc;
	fprintf(p.dat, "# index start seen lo hi fitted\n");
	for (size_t i = 0; i < json_array_size(iv); i++) {
		const json_t *v = json_array_get(iv, i);
		const json_t *st = json_object_get(v, "start");
		fprintf(p.dat, "%zu %s %g %g %g %g\n", i, json_is_string(st) ? json_string_value(st) : "?",
			rbjson_path_num(v, "rate_seen_per_hour"), rbjson_at(json_object_get(v, "rate_seen_ci95"), 0),
			rbjson_at(json_object_get(v, "rate_seen_ci95"), 1), rbjson_path_num(v, "rate_per_hour"));
	}
	fprintf(p.gp, "set xlabel \"interval (its start)\"\nset xrange [-0.5:%zu.5]\n"
		      "set xtics rotate by -60 nomirror\nset ylabel \"calls an hour\"\nset yrange [0:*]\n"
		      "plot \"fit_arrivals.dat\" using 1:3:4:5:xtic(2) with yerrorbars pt 7 lc rgb \"#1f5fa8\" "
		      "title \"counted (seen), 95 %%\", \\\n"
		      "     \"\" using 1:6 with histeps lw 2 lc rgb \"#c62828\" title \"fitted (dialled)\"\n",
		json_array_size(iv) ? json_array_size(iv) - 1 : 0);
	return plot_close(pg, &p);
}

static int plot_talk(struct page *pg, const json_t *fit)
{
	const json_t *h = rbjson_path(fit, "talk_s.plot.histogram"), *d = rbjson_path(fit, "talk_s.plot.density");
	const json_t *ch = rbjson_path(fit, "talk_s.chosen");
	char cap[400];
	struct plot p;

	if (!json_array_size(h))
		return 0;
	snprintf(cap, sizeof cap, "Bars: the answered calls' talk times (a density: count over n x bin). "
				  "Line: the density of the family chosen by AIC (%s), fitted by maximum "
				  "likelihood; fit.json has every family's AIC and KS distance.",
		 json_is_string(ch) ? json_string_value(ch) : "?");
	int rc = plot_open(pg, &p, "fit_talk", "Talk time: histogram and fitted density", cap, 1000, 520);
	if (rc)
		return rc;
	block_nums(p.dat, h);
	block_nums(p.dat, d);
	fprintf(p.gp, "set xlabel \"talk time (s)\"\nset ylabel \"density (1/s)\"\nset yrange [0:*]\n"
		      "set style fill solid 0.4 border rgb \"#888888\"\n"
		      "plot \"fit_talk.dat\" index 0 using (($1+$2)/2):3:($2-$1) with boxes lc rgb \"#9ab8de\" "
		      "title \"counted\", \\\n"
		      "     \"\" index 1 using 1:2 with lines lw 2 lc rgb \"#c62828\" title \"fitted\"\n");
	return plot_close(pg, &p);
}

static int plot_patience(struct page *pg, const json_t *fit)
{
	const json_t *km = rbjson_path(fit, "patience_s.kaplan_meier.curve");
	const json_t *sv = rbjson_path(fit, "patience_s.plot.survival");
	struct plot p;

	if (!json_array_size(km) || !json_array_size(sv))
		return 0;
	int rc = plot_open(pg, &p, "fit_patience", "Patience: Kaplan-Meier and the fitted survival",
			   "Steps: the Kaplan-Meier estimate of P(patience > t), t from dialling, with "
			   "delayed entry at the no-answer delay and answered calls censored, and its "
			   "95 % band (Greenwood, log-log). Line: the fitted family's survival, "
			   "conditioned on the earliest entry as the curve is.",
			   1000, 520);
	if (rc)
		return rc;
	fprintf(p.dat, "0 1 1 1 ?\n");
	block_nums(p.dat, km);
	block_nums(p.dat, sv);
	fprintf(p.gp, "set xlabel \"patience from dialling (s)\"\nset ylabel \"P(patience > t)\"\n"
		      "set yrange [0:1.02]\n"
		      "plot \"fit_patience.dat\" index 0 using 1:3 with steps dt 2 lc rgb \"#7a9cc6\" "
		      "title \"95 %% band\", \\\n"
		      "     \"\" index 0 using 1:4 with steps dt 2 lc rgb \"#7a9cc6\" notitle, \\\n"
		      "     \"\" index 0 using 1:2 with steps lw 2 lc rgb \"#1f5fa8\" title \"Kaplan-Meier\", \\\n"
		      "     \"\" index 1 using 1:2 with lines lw 2 lc rgb \"#c62828\" title \"fitted\"\n");
	return plot_close(pg, &p);
}

static int write_page(struct page *pg, const json_t *fit, const char *dir)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/index.html", pg->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return errno;
	page_html_head(f, "ringbench fit");
	fputs("<h1>ringbench fit</h1>\n<p class=\"meta\">", f);
	html_esc(f, dir);
	const json_t *src = json_object_get(fit, "sources");
	fputs(" · ", f);
	html_esc(f, json_is_string(src) ? json_string_value(src) : "?");
	fprintf(f, "</p>\n<p>%.0f calls seen (%.0f answered, %.0f abandoned) over %.0f days; "
		   "%.1f calls dialled.</p>\n",
		rbjson_path_num(fit, "calls"), rbjson_path_num(fit, "answered"),
		rbjson_path_num(fit, "abandoned"), rbjson_path_num(fit, "days"),
		rbjson_path_num(fit, "dialled_calls"));
	return page_html_end(f, pg, tmp, path);
}

int report_fit_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen)
{
	struct page pg;
	char path[4096];
	json_error_t je;
	json_t *fit = NULL;
	int rc;

	memset(&pg, 0, sizeof(pg));
	if ((rc = report_gnuplot_require(opts, err, errlen)))
		return rc;
	snprintf(path, sizeof(path), "%s/fit.json", dir);
	if (!(fit = json_load_file(path, 0, &je)) || !rbjson_path(fit, "arrivals.intervals")) {
		errbuf_set(err, errlen, "%s:%d: %s", path, je.line,
			   fit ? "expected the fit.json of ringbench fit (no arrivals.intervals)" : je.text);
		json_decref(fit);
		return EINVAL;
	}
	if ((rc = page_init_for(&pg, dir, opts, err, errlen)))
		goto out;
	if ((rc = plot_arrivals(&pg, fit)) || (rc = plot_talk(&pg, fit)) || (rc = plot_patience(&pg, fit)))
		goto out;
	if ((rc = write_page(&pg, fit, dir)))
		errbuf_set(err, errlen, "%s/index.html: cannot write", pg.dir);
out:
	page_free(&pg);
	json_decref(fit);
	return rc;
}
