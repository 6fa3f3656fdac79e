/*
 * ringbench sweep SCENARIO [grid options] [--out DIR]: the model over a
 * staffing grid, resumable and shardable, then sweep.csv, staffing.csv and
 * the report. `ringbench sweep --merge DIR... --out DIR` joins shards. The
 * logic is sim/sweep/sweep.h and reports/report.h; this file parses options and
 * draws the progress bar.
 */
#define LOG_TAG "sweep"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "rbtime.h"
#include "report.h"
#include "scn.h"
#include "sweep.h"

static const char prog[] = "ringbench sweep";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench sweep SCENARIO [--operators A:B[:S]] [--backup A:B[:S]]\n"
		"         [--rate-scale A:B[:S]] [--burst-scale S] [--no-answer-s A:B[:S]]\n"
		"         [--layout pooled,floors]\n"
		"         [--target [PHASE:]K:F[:MEASURE] ...] [--replications R] [--seed N]\n"
		"         [--jobs J] [--out DIR] [--shard I/N] [--no-report]\n"
		"       ringbench sweep --merge DIR... --out DIR\n\n"
		"Runs the model at every point of the grid (each range A, A:B or A:B:STEP; an\n"
		"option left out keeps the scenario's value), prints the staffing table, and\n"
		"writes into DIR:\n"
		"  sweep.csv     every measure with its 95 %% interval, one row per point\n"
		"  staffing.csv  per load, target and phase judged: the least operators and\n"
		"                backup staff meeting the target on the measured value, and the\n"
		"                least whose whole 95 %% interval passes it (the table printed)\n"
		"  erlang.csv    Erlang A at the same mean load, per rate scale and operators\n"
		"  erlang_phases.csv  the same at each phase's own load\n"
		"  limits/       the scenario with unlimited staff per load, delay and layout: a\n"
		"                target it misses is \"unreachable by staffing\" in the table\n"
		"  sweep.json    what every point shares (scenario, seed, replications, command)\n"
		"  report/       the plots and index.html (ringbench report; not with --no-report)\n"
		"Points already in DIR/points/ are not computed again: rerun to resume.\n\n"
		"  --operators R     operators, in every phase (a phase's own shift is replaced)\n"
		"  --backup R        backup staff, in every phase\n"
		"  --rate-scale R    scale every phase's rate and every burst's calls\n"
		"  --burst-scale S   scale every burst's calls by S instead (one value, 0 to\n"
		"                    100; 0: no bursts): --rate-scale then scales the Poisson\n"
		"                    rate alone\n"
		"  --no-answer-s R   the no-answer tenants' delay, seconds\n"
		"  --layout L        pooled, floors (operators split evenly over the scenario's\n"
		"                    floors, or two), or pooled,floors\n"
		"  --target [PHASE:]K:F[:MEASURE]\n"
		"                    judge MEASURE (sla, answered_within, sl, sl2; default sla)\n"
		"                    within K rings >= F in PHASE, or over the whole run and in\n"
		"                    each phase when PHASE is left out, instead of the\n"
		"                    scenario's targets (repeatable; e.g. peak:5:0.9)\n"
		"  --replications R  per point (default: the scenario's)\n"
		"  --seed N          (default: the scenario's; every point uses the same seed)\n"
		"  --jobs J          points computed at once (default: the cores, %ld)\n"
		"  --out DIR         (default: results/<scenario>-sweep)\n"
		"  --shard I/N       compute only share I of N (1 <= I <= N) of the grid\n"
		"  --merge DIR...    join shard folders into --out, write the tables and report\n"
		"  --no-report       the tables only, no plots\n"
		"  --quiet           no progress\n"
		"  -h, --help        this help\n\n"
		"exit status: 0 done, 2 bad usage or input (an empty range such as 10:4), 3 the\n"
		"run failed. See docs/sweep.md.\n",
		sysconf(_SC_NPROCESSORS_ONLN));
}

struct progress {
	bool tty, quiet;
	rb_us start;
	size_t first_done;
};

static void fmt_dur(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
}

static void on_progress(size_t done, size_t total, size_t skipped, const char *key, void *arg)
{
	struct progress *pr = arg;
	if (pr->quiet)
		return;
	if (done == 0) {
		pr->start = rb_now_mono_us();
		fprintf(stderr, "%s: %zu points to compute%s", prog, total, skipped ? "" : "\n");
		if (skipped)
			fprintf(stderr, " (%zu already done, kept)\n", skipped);
		return;
	}
	double el = rb_us_to_s(rb_now_mono_us() - pr->start);
	double left = el / (double)done * (double)(total - done);
	char ls[32], es[32];
	fmt_dur(ls, sizeof(ls), left);
	fmt_dur(es, sizeof(es), el);
	if (pr->tty) {
		char bar[41];
		size_t fill = total ? done * 40 / total : 40;
		for (size_t i = 0; i < 40; i++)
			bar[i] = i < fill ? '#' : '-';
		bar[40] = 0;
		fprintf(stderr, "\r[%s] %zu/%zu points, %s elapsed, %s left   ", bar, done, total, es, ls);
		if (done == total)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "%s: %zu/%zu %s (%s elapsed, %s left)\n", prog, done, total, key, es, ls);
	}
}

static int parse_shard(const char *arg, int *i, int *n)
{
	char *e;
	long a = strtol(arg, &e, 10);
	if (e == arg || *e != '/')
		return EINVAL;
	const char *p = e + 1;
	long b = strtol(p, &e, 10);
	if (e == p || *e || b < 1 || b > 100000 || a < 1 || a > b)
		return EINVAL;
	*i = (int)a;
	*n = (int)b;
	return 0;
}

static int report(const char *out, bool quiet)
{
	char err[1024];
	struct report_opts ro = {.quiet = quiet};
	int rc = report_sweep_write(out, &ro, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: the report: %s\n", prog, err);
		return rc == EINVAL ? 2 : 3;
	}
	if (!quiet)
		printf("%s/report/index.html\n", out);
	return 0;
}

/* The command line, parsed. */
struct sargs {
	struct sweep_grid_args grid;
	const char *out;
	const char **targets; /* argc + 1 slots */
	size_t n_targets;
	bool merge, no_report, quiet;
	struct sweep_cfg cfg;
};

static const struct option longopts[] = {
	{"backup", required_argument, NULL, 'b'},
	{"burst-scale", required_argument, NULL, 'B'},
	{"help", no_argument, NULL, 'h'},
	{"jobs", required_argument, NULL, 'j'},
	{"layout", required_argument, NULL, 'L'},
	{"merge", no_argument, NULL, 'M'},
	{"no-answer-s", required_argument, NULL, 'n'},
	{"no-report", no_argument, NULL, 'N'},
	{"operators", required_argument, NULL, 'o'},
	{"out", required_argument, NULL, 'O'},
	{"quiet", no_argument, NULL, 'q'},
	{"rate-scale", required_argument, NULL, 'r'},
	{"replications", required_argument, NULL, 'R'},
	{"seed", required_argument, NULL, 's'},
	{"shard", required_argument, NULL, 'S'},
	{"target", required_argument, NULL, 't'},
	{NULL, 0, NULL, 0},
};

/* One option into a. Returns 0, -1 after --help, or the exit status. */
static int parse_opt(int c, struct sargs *a, char **argv)
{
	long v;
	switch (c) {
	case 'b': a->grid.backup = optarg; return 0;
	case 'B': a->grid.burst = optarg; return 0;
	case 'h': usage(stdout); return -1;
	case 'j':
		if (cli_long(prog, "--jobs", optarg, 1, 64, &v))
			return 2;
		a->cfg.jobs = (int)v;
		return 0;
	case 'L': a->grid.layout = optarg; return 0;
	case 'M': a->merge = true; return 0;
	case 'n': a->grid.noans = optarg; return 0;
	case 'N': a->no_report = true; return 0;
	case 'o': a->grid.ops = optarg; return 0;
	case 'O': a->out = optarg; return 0;
	case 'q': a->quiet = true; return 0;
	case 'r': a->grid.rate = optarg; return 0;
	case 'R':
		if (cli_long(prog, "--replications", optarg, 1, 1000000, &v))
			return 2;
		a->cfg.replications = (int)v;
		return 0;
	case 's':
		if (cli_u64(prog, "--seed", optarg, &a->cfg.seed))
			return 2;
		a->cfg.seed_set = true;
		return 0;
	case 'S':
		if (parse_shard(optarg, &a->cfg.shard_i, &a->cfg.shard_n))
			return cli_usage_error(prog, "--shard '%s': expected I/N with 1 <= I <= N", optarg);
		return 0;
	case 't': a->targets[a->n_targets++] = optarg; return 0;
	default:
		return cli_bad_option(prog, argv[optind - 1], longopts);
	}
}

/* Returns 0 to run, -1 after --help (exit 0), or the exit status. */
static int parse(int argc, char **argv, struct sargs *a)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int c, rc;
	a->cfg.jobs = jobs > 0 ? (int)jobs : 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = parse_opt(c, a, argv)))
			return rc;
	return 0;
}

/* The staffing table and the files' names, then the report. */
static int show(const char *out, const struct sargs *a)
{
	if (!a->quiet) {
		sweep_staffing_print(out, stdout, 40);
		printf("%s/sweep.csv\n%s/staffing.csv\n", out, out);
	}
	return a->no_report ? 0 : report(out, a->quiet);
}

/* --merge DIR... --out DIR */
static int merge(int argc, char **argv, const struct sargs *a)
{
	char err[1024] = "";
	if (optind >= argc || !a->out)
		return cli_usage_error(prog, "--merge: expected shard folders and --out DIR");
	int rc = sweep_merge((const char *const *)argv + optind, (size_t)(argc - optind), a->out, err,
			     sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return rc == EINVAL || rc == ENOENT ? 2 : 3;
	}
	return show(a->out, a);
}

/* The grid and targets checked against s, the notes. Returns 0 or the exit status. */
static int check(const struct scenario *s, struct sargs *a, struct sweep_grid *g)
{
	char err[1024] = "";
	int rc;
	if (sweep_grid_parse(g, s, &a->grid, err, sizeof(err)))
		return cli_usage_error(prog, "%s", err);
	/* every target checked before any note: a usage error is the first line */
	if ((rc = sweep_targets_check(s, a->targets, a->n_targets, err, sizeof(err))))
		return rc == ENOMEM ? 3 : cli_usage_error(prog, "%s", err);
	for (size_t i = 0; i < a->n_targets; i++) {
		char names[512];
		bool unphased;
		if (sweep_target_unphased(s, a->targets[i], &unphased, names, sizeof(names)))
			return 3;
		if (unphased && !a->quiet)
			fprintf(stderr,
				"%s: note: --target %s has no phase: judged over the whole run (every "
				"phase's calls together) and, in the staffing table, in each phase too "
				"(%s); PHASE:%s judges one phase only\n",
				prog, a->targets[i], names, a->targets[i]);
	}
	return 0;
}

/* The grid's points computed into a->out, then the tables. */
static int run(const struct scenario *s, struct sargs *a, const struct sweep_grid *g)
{
	char err[1024] = "";
	struct progress pr = {.tty = isatty(STDERR_FILENO), .quiet = a->quiet};
	a->cfg.scn = s;
	a->cfg.grid = g;
	a->cfg.out_dir = a->out;
	a->cfg.targets = a->targets;
	a->cfg.n_targets = a->n_targets;
	a->cfg.progress_h = on_progress;
	a->cfg.progress_arg = &pr;
	if (!a->quiet)
		fprintf(stderr, "%s: %zu points x %d replications into %s\n", prog, sweep_grid_size(g),
			a->cfg.replications ? a->cfg.replications : s->run.replications, a->out);
	int rc = sweep_run(&a->cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, *err ? err : strerror(rc));
		return rc == EINVAL ? 2 : 3;
	}
	if ((rc = sweep_collect(a->out, err, sizeof(err)))) {
		if (rc == ENOENT && a->cfg.shard_n > 1) {
			/* a grid smaller than the shards: this share is empty, which
			 * is no failure (--merge joins the shares that have points) */
			fprintf(stderr, "%s: shard %d/%d: no point of the %zu-point grid falls in this "
					"share; nothing to do\n", prog, a->cfg.shard_i, a->cfg.shard_n,
				sweep_grid_size(g));
			return 0;
		}
		fprintf(stderr, "%s: %s\n", prog, err);
		return 3;
	}
	return show(a->out, a);
}

int cmd_sweep(int argc, char **argv)
{
	struct sargs a = {.targets = calloc((size_t)argc + 1, sizeof(char *))};
	char err[1024] = "", outbuf[4096];
	struct scenario *s = NULL;
	char *command = NULL;
	int rc;

	if (!a.targets)
		return 3;
	if ((rc = parse(argc, argv, &a)))
		goto out;
	if (a.merge) {
		rc = merge(argc, argv, &a);
		goto out;
	}
	if (optind + 1 != argc) {
		rc = cli_usage_error(prog, "expected one scenario file");
		goto out;
	}
	a.cfg.scenario_path = argv[optind];
	if ((rc = scn_load(a.cfg.scenario_path, &s, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = rc == ENOMEM ? 3 : 2;
		goto out;
	}
	struct sweep_grid g;
	if ((rc = check(s, &a, &g)))
		goto out;
	if (!a.out) {
		sweep_default_out(s, outbuf, sizeof(outbuf));
		a.out = outbuf;
	}
	a.cfg.command = command = cli_command(argc, argv);
	rc = run(s, &a, &g);
out:
	free(command);
	scn_free(s);
	free(a.targets);
	return rc < 0 ? 0 : rc;
}
