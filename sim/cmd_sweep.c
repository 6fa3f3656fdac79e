/*
 * ringbench sweep SCENARIO [grid options] [--out DIR]: the model over a
 * staffing grid, resumable and shardable, then sweep.csv, staffing.csv and
 * the report. `ringbench sweep --merge DIR... --out DIR` joins shards. The
 * logic is sim/sweep.h and reports/report.h; this file parses options and
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
#include "sweep_grid_cap.h"

static const char prog[] = "ringbench sweep";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench sweep SCENARIO [--operators A:B[:S]] [--backup A:B[:S]]\n"
		"         [--rate-scale A:B[:S]] [--no-answer-s A:B[:S]] [--layout pooled,floors]\n"
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
		"  sweep.json    what every point shares (scenario, seed, replications, command)\n"
		"  report/       the plots and index.html (ringbench report; not with --no-report)\n"
		"Points already in DIR/points/ are not computed again: rerun to resume.\n\n"
		"  --operators R     operators, in every phase (a phase's own shift is replaced)\n"
		"  --backup R        backup staff, in every phase\n"
		"  --rate-scale R    scale every phase's rate and every burst's calls\n"
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

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"backup", required_argument, NULL, 'b'},
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
	const char *a_ops = NULL, *a_backup = NULL, *a_rate = NULL, *a_noans = NULL, *a_layout = NULL;
	const char *out = NULL;
	const char **targets = calloc((size_t)argc + 1, sizeof(char *));
	size_t n_targets = 0;
	bool merge = false, no_report = false, quiet = false;
	struct sweep_cfg cfg = {0};
	long jobs = sysconf(_SC_NPROCESSORS_ONLN), reps = 0;
	char err[1024] = "", outbuf[4096];
	struct scenario *s = NULL;
	char *command = NULL;
	int c, rc = 0;

	if (!targets)
		return 3;
	cfg.jobs = jobs > 0 ? (int)jobs : 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': a_backup = optarg; break;
		case 'h': usage(stdout); goto out;
		case 'j':
			if ((rc = cli_long(prog, "--jobs", optarg, 1, 64, &jobs)))
				goto out;
			cfg.jobs = (int)jobs;
			break;
		case 'L': a_layout = optarg; break;
		case 'M': merge = true; break;
		case 'n': a_noans = optarg; break;
		case 'N': no_report = true; break;
		case 'o': a_ops = optarg; break;
		case 'O': out = optarg; break;
		case 'q': quiet = true; break;
		case 'r': a_rate = optarg; break;
		case 'R':
			if ((rc = cli_long(prog, "--replications", optarg, 1, 1000000, &reps)))
				goto out;
			cfg.replications = (int)reps;
			break;
		case 's':
			if ((rc = cli_u64(prog, "--seed", optarg, &cfg.seed)))
				goto out;
			cfg.seed_set = true;
			break;
		case 'S':
			if (parse_shard(optarg, &cfg.shard_i, &cfg.shard_n)) {
				rc = cli_usage_error(prog, "--shard '%s': expected I/N with 1 <= I <= N", optarg);
				goto out;
			}
			break;
		case 't': targets[n_targets++] = optarg; break;
		default:
			rc = cli_bad_option(prog, argv[optind - 1], longopts);
			goto out;
		}
	}
	if (merge) {
		if (optind >= argc || !out) {
			rc = cli_usage_error(prog, "--merge: expected shard folders and --out DIR");
			goto out;
		}
		rc = sweep_merge((const char *const *)argv + optind, (size_t)(argc - optind), out, err,
				 sizeof(err));
		if (rc) {
			fprintf(stderr, "%s: %s\n", prog, err);
			rc = rc == EINVAL || rc == ENOENT ? 2 : 3;
			goto out;
		}
		if (!quiet) {
			sweep_staffing_print(out, stdout, 40);
			printf("%s/sweep.csv\n%s/staffing.csv\n", out, out);
		}
		rc = no_report ? 0 : report(out, quiet);
		goto out;
	}
	if (optind + 1 != argc) {
		rc = cli_usage_error(prog, "expected one scenario file");
		goto out;
	}
	cfg.scenario_path = argv[optind];
	if ((rc = scn_load(cfg.scenario_path, &s, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = rc == ENOMEM ? 3 : 2;
		goto out;
	}
	struct sweep_grid g;
	sweep_grid_default(&g, s);
	if ((a_ops && (rc = sweep_range_int("--operators", a_ops, 0, &g.ops, err, sizeof(err)))) ||
	    (a_backup && (rc = sweep_range_int("--backup", a_backup, 0, &g.backup, err, sizeof(err)))) ||
	    (a_rate && (rc = sweep_range_double("--rate-scale", a_rate, 0, &g.rate, err, sizeof(err)))) ||
	    (a_noans && (rc = sweep_range_double("--no-answer-s", a_noans, 0, &g.noans, err, sizeof(err)))) ||
	    (a_layout && (rc = sweep_layout_parse(a_layout, &g, err, sizeof(err))))) {
		rc = cli_usage_error(prog, "%s", err);
		goto out;
	}
	g.noans_set = a_noans != NULL;
	if (sweep_grid_cap_check(&g, err, sizeof(err))) {
		rc = cli_usage_error(prog, "%s", err);
		goto out;
	}
	if (g.rate.lo <= 0) {
		rc = cli_usage_error(prog, "--rate-scale '%s': expected scales above 0", a_rate);
		goto out;
	}
	/* every target checked before any note: a usage error is the first line */
	for (size_t i = 0; i < n_targets; i++) {
		struct scn_target t;
		if ((rc = scn_target_parse(targets[i], s, &t, err, sizeof(err)))) {
			rc = rc == ENOMEM ? 3 : cli_usage_error(prog, "%s", err);
			goto out;
		}
		scn_target_clear(&t);
	}
	for (size_t i = 0; i < n_targets; i++) {
		struct scn_target t;
		if ((rc = scn_target_parse(targets[i], s, &t, err, sizeof(err)))) {
			rc = 3;
			goto out;
		}
		if (!t.phase && s->n_phases > 1 && !quiet) {
			char names[512] = "";
			for (size_t p = 0, used = 0; p < s->n_phases && used < sizeof(names); p++)
				used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
							 p ? ", " : "", s->phases[p].name);
			fprintf(stderr,
				"%s: note: --target %s has no phase: judged over the whole run (every "
				"phase's calls together) and, in the staffing table, in each phase too "
				"(%s); PHASE:%s judges one phase only\n",
				prog, targets[i], names, targets[i]);
		}
		scn_target_clear(&t);
	}
	if (!out) {
		const char *base = s->name && *s->name ? s->name : "scenario";
		snprintf(outbuf, sizeof(outbuf), "results/%s-sweep", base);
		out = outbuf;
	}
	char *joined = cli_join(argc, argv);
	if (joined) {
		size_t len = strlen(joined) + sizeof("ringbench ");
		command = malloc(len);
		if (command)
			snprintf(command, len, "ringbench %s", joined);
		free(joined);
	}
	cfg.grid = &g;
	cfg.out_dir = out;
	cfg.targets = targets;
	cfg.n_targets = n_targets;
	cfg.command = command;
	struct progress pr = {.tty = isatty(STDERR_FILENO), .quiet = quiet};
	cfg.progress_h = on_progress;
	cfg.progress_arg = &pr;
	if (!quiet)
		fprintf(stderr, "%s: %zu points x %d replications into %s\n", prog, sweep_grid_size(&g),
			cfg.replications ? cfg.replications : s->run.replications, out);
	rc = sweep_run(&cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, *err ? err : strerror(rc));
		rc = rc == EINVAL ? 2 : 3;
		goto out;
	}
	if ((rc = sweep_collect(out, err, sizeof(err)))) {
		if (rc == ENOENT && cfg.shard_n > 1) {
			/* a grid smaller than the shards: this share is empty, which
			 * is no failure (--merge joins the shares that have points) */
			fprintf(stderr, "%s: shard %d/%d: no point of the %zu-point grid falls in this "
					"share; nothing to do\n", prog, cfg.shard_i, cfg.shard_n,
				sweep_grid_size(&g));
			rc = 0;
			goto out;
		}
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = 3;
		goto out;
	}
	if (!quiet) {
		sweep_staffing_print(out, stdout, 40);
		printf("%s/sweep.csv\n%s/staffing.csv\n", out, out);
	}
	rc = no_report ? 0 : report(out, quiet);
out:
	free(command);
	scn_free(s);
	free(targets);
	return rc;
}
