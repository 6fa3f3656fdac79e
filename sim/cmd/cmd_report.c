/*
 * ringbench report DIR... [--out DIR] [--open]: the HTML page and gnuplot
 * plots of result folders (model, live, capture) or of a sweep folder. Two
 * or more result folders are overlaid (model against live). The logic is
 * reports/report.h; this file parses options.
 */
#define LOG_TAG "report"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "report.h"

static const char prog[] = "ringbench report";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench report DIR... [--out DIR] [--open] [--scenario FILE] [--gnuplot PROG]\n"
		"                        [--font NAME]\n\n"
		"Draws the plots (gnuplot: PNG and SVG, with each plot's .gp script and .dat data\n"
		"next to it) and writes a self-contained HTML page, every plot inside it (it can be\n"
		"mailed alone): DIR/report/index.html, with the verdict table at the top. DIR is a\n"
		"result folder (summary.json, calls.csv, timeline.csv: ringbench model, live or\n"
		"analyze), a sweep folder (ringbench sweep), a plan folder (ringbench plan)\n"
		"or a fit's folder (fit.json of ringbench fit).\n"
		"Several result folders are overlaid (e.g. model and live); the report goes to the\n"
		"first one's folder unless --out.\n\n"
		"  --out DIR       write the report into DIR instead\n"
		"  --open          open the page with xdg-open when done\n"
		"  --gnuplot PROG  the gnuplot program (default: gnuplot, or $RB_GNUPLOT)\n"
		"  --font NAME     the plots' font (default: Noto Sans CJK JP, for Japanese names)\n"
		"  --quiet         no progress on stderr\n"
		"  --scenario FILE the run's scenario file, for tenants' names and phase windows\n"
		"                  (default: found from summary.json's command, or\n"
		"                  scenarios/NAME.yaml)\n"
		"  -h, --help      this help\n\n"
		"exit status: 0 written, 2 bad usage or a folder without results, 3 gnuplot\n"
		"missing or failed. See docs/report.md.\n");
}

static int open_page(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		execlp("xdg-open", "xdg-open", path, (char *)NULL);
		_exit(127);
	}
	return pid < 0 ? errno : 0;
}

static const struct option longopts[] = {
	{"font", required_argument, NULL, 'f'},
	{"gnuplot", required_argument, NULL, 'g'},
	{"help", no_argument, NULL, 'h'},
	{"open", no_argument, NULL, 'O'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"scenario", required_argument, NULL, 's'},
	{NULL, 0, NULL, 0},
};

/* Returns 0 to run, -1 after --help (exit 0), or the exit status. */
static int parse(int argc, char **argv, struct report_opts *o, bool *open_it, const char **scenario)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->font = optarg; break;
		case 'g': o->gnuplot = optarg; break;
		case 'h': usage(stdout); return -1;
		case 'O': *open_it = true; break;
		case 'o': o->out_dir = optarg; break;
		case 'q': o->quiet = true; break;
		case 's': *scenario = optarg; break;
		default:
			return cli_bad_option(prog, argv[optind - 1], longopts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(prog, "expected one or more result folders");
	return 0;
}

/* The result folders dirs[0..nd-1] into runs (*n loaded). Returns 0 or the
 * exit status (said). */
static int load_runs(char **dirs, size_t nd, const char *scenario, struct report_run **runs,
		     size_t *n)
{
	char err[1024] = "";
	int rc;
	for (size_t i = 0; i < nd; i++) {
		if (report_is_sweep(dirs[i])) {
			fprintf(stderr, "%s: %s is a sweep folder: report it on its own\n", prog, dirs[i]);
			return 2;
		}
		if ((rc = report_load(dirs[i], &runs[*n], err, sizeof(err))) != 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return rc == ENOMEM ? 3 : 2;
		}
		(*n)++;
		if (scenario && (rc = report_run_set_scenario(runs[*n - 1], scenario, err, sizeof(err)))) {
			fprintf(stderr, "%s: --scenario: %s\n", prog, err);
			return rc == ENOMEM ? 3 : 2;
		}
	}
	return 0;
}

/* The page written: its path, and opened when asked. */
static void done(const char *out_dir, bool open_it)
{
	printf("%s/index.html\n", out_dir);
	char page[4200];
	snprintf(page, sizeof(page), "%s/index.html", out_dir);
	if (open_it && open_page(page) != 0)
		rb_log(LOG_WARNING, "cannot start xdg-open");
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = {0};
	bool open_it = false;
	const char *scenario = NULL;
	char err[1024] = "", outbuf[4096];
	struct report_run **runs = NULL;
	size_t n = 0;
	int rc = parse(argc, argv, &o, &open_it, &scenario);
	if (rc)
		return rc < 0 ? 0 : rc;
	size_t nd = (size_t)(argc - optind);
	char **dirs = argv + optind;
	/* the page goes into the first folder's report/ unless --out */
	const char *out_dir = o.out_dir;
	if (!out_dir) {
		snprintf(outbuf, sizeof(outbuf), "%s/report", dirs[0]);
		out_dir = outbuf;
	}
	if (nd == 1 && report_is_plan(dirs[0])) {
		rc = report_plan_write(dirs[0], &o, err, sizeof(err));
	} else if (nd == 1 && report_is_fit(dirs[0])) {
		rc = report_fit_write(dirs[0], &o, err, sizeof(err));
	} else if (nd == 1 && report_is_sweep(dirs[0])) {
		rc = report_sweep_write(dirs[0], &o, err, sizeof(err));
	} else {
		if (!(runs = calloc(nd, sizeof(*runs))))
			rc = ENOMEM;
		else if ((rc = load_runs(dirs, nd, scenario, runs, &n)))
			goto free; /* said */
		if (!rc)
			rc = report_write(runs, n, &o, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, *err ? err : strerror(rc));
		rc = rc == EINVAL ? 2 : 3;
	} else {
		done(out_dir, open_it);
	}
free:
	for (size_t i = 0; i < n; i++)
		report_run_free(runs[i]);
	free(runs);
	return rc;
}
