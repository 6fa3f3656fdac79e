/*
 * report_int: private to the report module's files: the plot
 * writer (script + data + gnuplot run) and the page's figure list.
 */
#ifndef RB_REPORT_INT_H
#define RB_REPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "csvtab.h"
#include "rbjson.h"
#include "report.h"

struct report_run {
	char *dir;
	char *label;          /* "model", "live" ... plus the folder name when overlaid */
	json_t *summary;
	bool has_calls, has_timeline;
	struct csvtab calls, timeline;
	char **tenant_names;  /* by_tenant id -> display name, from the scenario if found */
	char **tenant_ids;
	size_t n_tenants;
	/* phase windows from the scenario file, when found: calls.csv has no phase */
	char **phase_names;
	double *phase_from, *phase_to; /* seconds */
	int *phase_ops, *phase_backup; /* staff on shift in each phase */
	size_t n_phases;
};

struct figure {
	char name[64];
	char *title;
	char *caption;
};

struct page {
	char *dir;            /* where the report goes */
	const char *gnuplot;
	const char *font;
	bool quiet;
	struct figure *figs;
	size_t n_figs, cap_figs;
	char *err;
	size_t errlen;
};

/* A plot being written: the script and its data file are open. */
struct plot {
	char name[64];
	FILE *gp, *dat;
	char *title, *caption;
	int width, height;
};

int page_init(struct page *pg, const char *dir, const struct report_opts *o, char *err,
	      size_t errlen);
/* The page of one result folder: in o->out_dir when given, else DIR/report. */
int page_init_for(struct page *pg, const char *result_dir, const struct report_opts *o, char *err,
		  size_t errlen);
void page_free(struct page *pg);

/*
 * Opens NAME.gp and NAME.dat in the page's folder and writes the script's
 * header (encoding, the pngcairo terminal with the page's font, the output
 * file, the title). The caller writes settings and `plot` lines into p->gp
 * ("NAME.dat" is the data file) and data blocks into p->dat. Returns 0 or errno.
 */
int plot_open(struct page *pg, struct plot *p, const char *name, const char *title,
	      const char *caption, int width, int height);
/* The figure's caption, once its figures are known (replaces plot_open's). */
void plot_set_caption(struct plot *p, const char *caption);
/* A new height (the legend's rows), written after plot_open's settings. */
void plot_set_height(struct page *pg, struct plot *p, int height);
/*
 * Ends the script (the same plot again to SVG), closes the files, runs
 * gnuplot in the page's folder, and adds the figure to the page. Returns 0,
 * ENOENT (no gnuplot) or EIO (gnuplot failed).
 */
int plot_close(struct page *pg, struct plot *p);
/* Closes and removes a plot that turned out to have no data. */
void plot_discard(struct page *pg, struct plot *p);

/* The gnuplot program: gnuplot if set, else $RB_GNUPLOT, else "gnuplot". */
const char *report_gnuplot_name(const char *gnuplot);
/* 0 when opts' gnuplot runs, else ENOENT with the message that says how to
 * install it (every page checks before it reads its folder). */
int report_gnuplot_require(const struct report_opts *opts, char *err, size_t errlen);

/* Writes s to f with & < > " ' escaped. */
void html_esc(FILE *f, const char *s);
/* Writes s as a gnuplot double-quoted string's contents (escapes " and \). */
void gp_esc(FILE *f, const char *s);

/*
 * The page's shared head (title, inline CSS) and the figure list. The
 * figures are the plots' SVGs written into the page, ids made unique per
 * plot, so that index.html alone shows every plot (mailed, or kept by CI);
 * returns 0, or an errno with pg->err set when an SVG cannot be read.
 */
void page_html_head(FILE *f, const char *title);
int page_html_figures(FILE *f, const struct page *pg);
/*
 * The page's figures (page_html_figures) and last words (every plot is in
 * it; the scripts sit beside it), then closes f and renames tmp to path.
 * Returns 0, or an errno with pg->err set; on failure f is closed and tmp
 * removed when the figures failed.
 */
int page_html_end(FILE *f, const struct page *pg, const char *tmp, const char *path);

/* json helpers: number or NAN; object member path "a.b.c" */

/*
 * The marker of a target in the plots (gnuplot's pointtype; the pngcairo and
 * svg terminals draw the same shapes), and the shape's name for captions:
 * "filled diamond" for 13, "" for a number it does not know.
 */
#define RPT_PT_TARGET 13
const char *gp_point_name(int pt);

/* The two ring lines every ring plot draws. */
#define RPT_COLOR_PASS "#1a7f37"
#define RPT_COLOR_FAIL "#c62828"

#endif
