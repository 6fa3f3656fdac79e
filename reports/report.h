/*
 * report: the plots and HTML page capacity planners read, drawn from result
 * folders' files (summary.json, calls.csv, timeline.csv; docs/definitions.md,
 * "Result files") and from sweep folders (sweep.csv, staffing.csv; see
 * docs/sweep.md).
 *
 *   struct report_run *r;
 *   report_load("results/mb", &r, err, sizeof err);     one per folder
 *   report_write(&r, 1, &opts, err, sizeof err);         DIR/report/index.html
 *   report_run_free(r);
 *
 * Every plot is drawn by gnuplot, run as a program, into PNG (pngcairo) and
 * SVG; its script (.gp) and data (.dat) stay next to the images, so a user can
 * restyle a plot and redraw it with `cd DIR/report && gnuplot NAME.gp`. The
 * page is self-contained: every plot's SVG is inside it (ids prefixed per
 * plot), no network, no script, inline CSS.
 *
 * Errors: functions return 0 or a positive errno and, where they take err,
 * write one human line into it: EINVAL bad input (a folder without results,
 * a malformed file: "path:line: what was expected"), ENOENT gnuplot not found,
 * EIO gnuplot failed (its stderr is passed through).
 */
#ifndef RB_REPORT_H
#define RB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

struct report_run;

/*
 * Loads the result folder dir: summary.json is required (EINVAL, or ENOENT
 * when the folder has none: "DIR: no summary.json: not a result folder");
 * calls.csv and timeline.csv are optional (their plots are left out). On
 * success *out is the caller's, free it with report_run_free.
 */
int report_load(const char *dir, struct report_run **out, char *err, size_t errlen);
void report_run_free(struct report_run *r);
/* "model", "live", "capture" (from summary.json), or "?". */
const char *report_run_engine(const struct report_run *r);
/* The verdict of summary.json: "pass", "fail", "inconclusive", "error" or "?". */
const char *report_run_verdict(const struct report_run *r);
/*
 * A verdict or a target's result as the page shows it: its CSS class
 * ("pass", "fail", "inconclusive", "error"; anything else "unknown") and
 * its label ("PASS", "FAIL", "INCONCLUSIVE", "ERROR", "?").
 */
const char *report_verdict_class(const char *verdict);
const char *report_verdict_label(const char *verdict);

/*
 * Takes the tenants' answering names and the phase windows from the scenario
 * file path (otherwise looked for from the folder's recorded command, or
 * scenarios/NAME.yaml). Returns 0, or EINVAL/ENOENT with err when the file
 * does not load.
 */
int report_run_set_scenario(struct report_run *r, const char *path, char *err, size_t errlen);

struct report_opts {
	const char *out_dir;  /* NULL: <first folder>/report */
	const char *gnuplot;  /* the program; NULL: "gnuplot" on PATH ($RB_GNUPLOT) */
	const char *font;     /* NULL: "Noto Sans CJK JP" (renders Japanese names) */
	bool quiet;           /* no progress lines on stderr */
};

/*
 * Writes the report of runs[0..n-1] (n >= 1; two or more are overlaid, e.g.
 * model and live) into opts->out_dir: index.html, and NAME.{gp,dat,png,svg}
 * per plot. Returns 0, EINVAL, ENOENT (gnuplot missing), EIO, or an errno of
 * writing files.
 */
int report_write(struct report_run *const *runs, size_t n, const struct report_opts *opts,
		 char *err, size_t errlen);

/* True when dir holds a sweep (sweep.csv): report it with report_sweep_write. */
bool report_is_sweep(const char *dir);

/*
 * Writes the report of the sweep folder dir (sweep.csv, staffing.csv) into
 * opts->out_dir (NULL: dir/report). Same returns as report_write.
 */
int report_sweep_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen);

/* True when dir holds a plan (plan.json, ringbench plan): report it with report_plan_write. */
bool report_is_plan(const char *dir);
/*
 * Writes the report of the plan folder dir (requirements.csv, shifts.csv,
 * plan.json; docs/plan.md) into opts->out_dir (NULL: dir/report): required
 * against staffed, service level per interval with the targets, Erlang
 * beside the model, cost by shift type. Same returns as report_write.
 */
int report_plan_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen);

/* True when dir holds a fit (fit.json, ringbench fit): report it with report_fit_write. */
bool report_is_fit(const char *dir);
/*
 * Writes the report of a fit from dir/fit.json (docs/fit.md) into
 * opts->out_dir (NULL: dir/report): calls an hour counted against fitted,
 * the talk-time histogram with the fitted density, Kaplan-Meier patience
 * with the fitted survival. Same returns as report_write.
 */
int report_fit_write(const char *dir, const struct report_opts *opts, char *err, size_t errlen);

/* 0 when the gnuplot program (NULL: default) runs, else ENOENT. */
int report_gnuplot_check(const char *gnuplot);

#endif
