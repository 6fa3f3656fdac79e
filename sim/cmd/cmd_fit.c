/*
 * ringbench fit: a scenario from a center's own call history (Asterisk
 * queue_log, secretaryd's CDR database, calls.csv), with fit.json and
 * trace.csv beside it. The statistics are sim/fit's; this file parses the
 * options, prints a summary and maps the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "fit.h"

static const char prog[] = "ringbench fit";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench fit SOURCE... [--format queue_log|cdr|calls] [--interval-s 1800]\n"
		"                     [--days mon,tue|DATE..DATE] [--tz ZONE] [--out scenario.yaml]\n"
		"\n"
		"Fits a scenario to a center's call history: arrival rates per interval (with\n"
		"bursts found by a Poisson scan statistic), tenants and forwarding, talk time\n"
		"and patience by maximum likelihood (exponential, gamma, lognormal, Weibull;\n"
		"chosen by AIC), patience with left truncation at the no-answer delay and\n"
		"censoring of answered calls. Writes the scenario, fit.json (every estimate,\n"
		"its interval, sample sizes, goodness of fit) and trace.csv (the calls in\n"
		"calls.csv's columns). docs/fit.md says how.\n"
		"\n"
		"sources (the format detected unless --format): Asterisk queue_log files,\n"
		"secretaryd's CDR database (SQLite), calls.csv of analyze/model/live.\n"
		"\n"
		"options:\n"
		"  --alpha A           bursts: false alarms per Poisson day (default 0.01)\n"
		"  --burst-window-s S  bursts: the scan window (default 60)\n"
		"  --days D            only these days: mon,tue,... or YYYY-MM-DD..YYYY-MM-DD\n"
		"  --format F          queue_log, cdr or calls (default: detected per file)\n"
		"  --forwarding T=S    tenant T forwards after S s of no answer (queue_log has\n"
		"                      no forwarding; repeatable; 0: unconditional)\n"
		"  --help              this text\n"
		"  --interval-s S      the profile's interval, whole minutes (default 1800)\n"
		"  --json FILE         fit.json (default: beside --out)\n"
		"  --name NAME         the scenario's name (default: fitted)\n"
		"  --null-days M       bursts: Poisson days simulated for the threshold (default 999)\n"
		"  --out FILE          the scenario (default fitted.yaml)\n"
		"  --queue Q=T         queue Q is tenant T (repeatable; default: the queue's name)\n"
		"  --quiet             no summary on stdout\n"
		"  --seed N            the bursts' simulation seed (default 1)\n"
		"  --start-time HH:MM  calls.csv without a clock: the clock of time zero (default\n"
		"                      00:00; a model run's is its scenario's start_time)\n"
		"  --trace-out FILE    trace.csv (default: beside --out)\n"
		"  --tz ZONE           the local time of the history (default UTC)\n"
		"\n"
		"exit status: 0 written, 2 bad usage or input (a file that is not of its format,\n"
		"with its first offending line), 3 the fit or a file failed.\n");
}

static const struct option longopts[] = {
	{"format", required_argument, NULL, 'f'},   {"interval-s", required_argument, NULL, 'i'},
	{"days", required_argument, NULL, 'd'},     {"tz", required_argument, NULL, 'z'},
	{"out", required_argument, NULL, 'o'},      {"json", required_argument, NULL, 'j'},
	{"trace-out", required_argument, NULL, 't'}, {"queue", required_argument, NULL, 'Q'},
	{"forwarding", required_argument, NULL, 'F'}, {"start-time", required_argument, NULL, 'S'},
	{"burst-window-s", required_argument, NULL, 'w'}, {"alpha", required_argument, NULL, 'a'},
	{"null-days", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
	{"name", required_argument, NULL, 'N'},     {"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

struct cmdo {
	struct fit_hist_opts ho;
	struct fit_opts fo;
	int format;
	const char *out, *json, *trace, *name;
	bool quiet;
	char **queue, **fwd;
	size_t nq, nf;
};

static int push(char ***v, size_t *n, const char *opt, char *val)
{
	char *eq = strchr(val, '=');
	if (!eq || eq == val || !eq[1])
		return cli_usage_error(prog, "%s: expected NAME=VALUE, got '%s'", opt, val);
	if (!strcmp(opt, "--forwarding")) {
		char *e;
		double d = strtod(eq + 1, &e);
		if (*e || !(d >= 0 && d < 3600))
			return cli_usage_error(prog, "--forwarding: expected TENANT=SECONDS (0 to 3600), "
						     "got '%s'", val);
	}
	char **nv = realloc(*v, (*n + 2) * sizeof *nv);
	if (!nv)
		return 3;
	nv[(*n)++] = val;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int parse_opt(int c, char **argv, struct cmdo *o)
{
	double x;
	long l;
	uint64_t u;
	switch (c) {
	case 'f':
		if ((o->format = fit_format_parse(optarg)) < 0)
			return cli_usage_error(prog, "--format: expected queue_log, cdr or calls, got '%s'",
					       optarg);
		return 0;
	case 'i':
		if (cli_long(prog, "--interval-s", optarg, 60, 86400, &l))
			return 2;
		if (l % 60)
			return cli_usage_error(prog, "--interval-s: expected whole minutes, got %ld", l);
		o->fo.interval_s = (double)l;
		return 0;
	case 'd': o->ho.days = optarg; return 0;
	case 'z': o->ho.tz = optarg; return 0;
	case 'o': o->out = optarg; return 0;
	case 'j': o->json = optarg; return 0;
	case 't': o->trace = optarg; return 0;
	case 'N': o->name = optarg; return 0;
	case 'S': o->ho.start_time = optarg; return 0;
	case 'Q': return push(&o->queue, &o->nq, "--queue", optarg);
	case 'F': return push(&o->fwd, &o->nf, "--forwarding", optarg);
	case 'w':
		if (cli_double(prog, "--burst-window-s", optarg, 1, 3600, &x))
			return 2;
		o->fo.burst_window_s = x;
		return 0;
	case 'a':
		if (cli_double(prog, "--alpha", optarg, 1e-3, 0.5, &x))
			return 2;
		o->fo.burst_alpha = x;
		return 0;
	case 'n':
		if (cli_long(prog, "--null-days", optarg, 99, 100000, &l))
			return 2;
		o->fo.null_days = (int)l;
		return 0;
	case 's':
		if (cli_u64(prog, "--seed", optarg, &u))
			return 2;
		o->fo.seed = u;
		return 0;
	case 'q': o->quiet = true; return 0;
	case 'h': usage(stdout); return -1;
	default: return cli_bad_option(prog, argv[optind - 1], longopts);
	}
}

/* FILE beside the scenario: same folder, the given name. */
static void beside(char *b, size_t n, const char *yaml, const char *name)
{
	const char *slash = strrchr(yaml, '/');
	snprintf(b, n, "%.*s%s", slash ? (int)(slash - yaml + 1) : 0, yaml, name);
}

static void summary(const struct fit_result *r, const char *out, double secs)
{
	struct fit_brief b;
	struct rusage ru;
	fit_result_brief(r, &b);
	getrusage(RUSAGE_SELF, &ru);
	printf("%zu calls (%zu answered, %zu abandoned) over %zu days; %zu intervals, %zu bursts\n"
	       "talk time: %s, mean %.1f s; patience: %s, median %.1f s (Kaplan-Meier %.1f s, "
	       "naive %.1f s)\ndialled calls a day: %.1f\nwrote %s in %.2f s, peak memory %ld MiB\n",
	       b.calls, b.answered, b.abandoned, b.days, b.intervals, b.bursts, b.talk_family,
	       b.talk_mean, b.patience_family, b.patience_median, b.patience_median_km,
	       b.patience_median_naive, b.dialled_per_day, out, secs, ru.ru_maxrss / 1024);
}

static int run(struct cmdo *o, char **src, int nsrc)
{
	char err[1024] = "", json[4096], trace[4096];
	struct fit_hist *h = fit_hist_new(&o->ho, err, sizeof err);
	struct fit_result *r = NULL;
	struct timespec t0, t1;
	int rc = 0, e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!h)
		return cli_usage_error(prog, "%s", err);
	for (int i = 0; i < nsrc && !rc; i++)
		if ((e = fit_read(h, src[i], (enum fit_format)o->format, err, sizeof err)))
			rc = e == EINVAL || e == ENOENT ? 2 : 3;
	if (!rc && (e = fit_hist_finish(h, err, sizeof err)))
		rc = e == EINVAL ? 2 : 3;
	if (!rc && (e = fit_run(h, &o->fo, &r, err, sizeof err)))
		rc = e == EINVAL ? 2 : 3;
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		goto out;
	}
	beside(json, sizeof json, o->out, "");
	if (*json && (e = cli_mkdirs(json))) {
		fprintf(stderr, "%s: cannot make %s: %s\n", prog, json, strerror(e));
		rc = 3;
		goto out;
	}
	beside(json, sizeof json, o->out, "fit.json");
	beside(trace, sizeof trace, o->out, "trace.csv");
	const char *jp = o->json ? o->json : json, *tp = o->trace ? o->trace : trace, *bad = NULL;
	if ((e = fit_write_yaml(r, h, o->out, o->name ? o->name : "fitted")))
		bad = o->out;
	else if ((e = fit_write_json(r, jp)))
		bad = jp;
	else if ((e = fit_write_trace(h, fit_result_start(r), tp)))
		bad = tp;
	if (bad) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, bad, strerror(e));
		rc = 3;
		goto out;
	}
	if (h->warn.unknown_events + h->warn.out_of_order + h->warn.truncated + h->warn.unmatched)
		fprintf(stderr, "%s: warnings: %llu unknown events, %llu out of order, %llu cut short, "
				"%llu unmatched; the first: %s\n", prog,
			(unsigned long long)h->warn.unknown_events, (unsigned long long)h->warn.out_of_order,
			(unsigned long long)h->warn.truncated, (unsigned long long)h->warn.unmatched,
			h->warn.first);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!o->quiet)
		summary(r, o->out, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
out:
	fit_result_free(r);
	fit_hist_free(h);
	return rc;
}

int cmd_fit(int argc, char **argv)
{
	struct cmdo o = {.out = "fitted.yaml", .format = FIT_AUTO};
	int c, rc = 0;

	fit_opts_defaults(&o.fo);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = parse_opt(c, argv, &o)))
			goto done;
	o.ho.queue_map = o.queue;
	o.ho.forwarding = o.fwd;
	if (optind >= argc) {
		rc = cli_usage_error(prog, "expected at least one SOURCE file");
		goto done;
	}
	if (strlen(o.out) < 6 || strcmp(o.out + strlen(o.out) - 5, ".yaml")) {
		rc = cli_usage_error(prog, "--out: expected a file name ending in .yaml, got '%s'", o.out);
		goto done;
	}
	rc = run(&o, argv + optind, argc - optind);
done:
	free(o.queue);
	free(o.fwd);
	return rc < 0 ? 0 : rc;
}
