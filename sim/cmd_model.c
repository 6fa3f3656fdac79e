/*
 * ringbench model SCENARIO: run a scenario in the discrete-event model and
 * write summary.json, calls.csv and timeline.csv (docs/definitions.md, Result
 * files). The engine is sim/model; this file only parses options and writes.
 */
#define LOG_TAG "model"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "model.h"
#include "resdir.h"
#include "scn.h"
#include "summary.h"

#define PROG "ringbench model"
#define CSV_DEFAULT 100000

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ringbench model SCENARIO [options]\n"
		"\n"
		"Runs the scenario in the discrete-event model: R replications (each with its\n"
		"own random streams), judged against the scenario's targets.\n"
		"\n"
		"options:\n"
		"  --calls all|none|N  rows of calls.csv, first replication (default %d;\n"
		"                      none: the header only)\n"
		"  --help              this help\n"
		"  --jobs J            replications run on J threads (default: the CPUs)\n"
		"  --out DIR           result folder (default results/<scenario>-<YYYYmmdd-HHMMSS>)\n"
		"  --quiet             no summary on stdout, no progress\n"
		"  --replications R    replications (default: the scenario's run.replications)\n"
		"  --replications auto[:MAX]\n"
		"                      as many as the targets need: %d first, then --jobs more\n"
		"                      at a time, until every target's 95 %% interval has a\n"
		"                      half-width of at most the tolerance, or MAX (default\n"
		"                      %d); with no targets, the overall sla at 3 rings. The\n"
		"                      folder is that of --replications N with the N reached,\n"
		"                      plus \"replications_rule\" in summary.json\n"
		"  --seed N            the seed (default: the scenario's run.seed); the same\n"
		"                      seed gives the same summary.json whatever --jobs\n"
		"  --target [PHASE:]K:F[:MEASURE]\n"
		"                      a target instead of the scenario's (repeatable; e.g.\n"
		"                      3:0.9 or peak:5:0.95:sl; docs/definitions.md)\n"
		"  --tolerance D       with auto: the half-width wanted, a fraction (default\n"
		"                      %g, i.e. one percentage point)\n"
		"\n"
		"writes DIR/summary.json, DIR/calls.csv, DIR/timeline.csv.\n"
		"exit status: 0 every target met, 1 a target missed, 2 bad usage or input,\n"
		"3 the run itself failed, 4 inconclusive (none missed, one cannot be decided:\n"
		"its interval straddles the target; more calls or replications would decide).\n",
		CSV_DEFAULT, MODEL_SEQ_N0, MODEL_SEQ_MAX, MODEL_SEQ_DELTA);
}

struct margs {
	const char *scenario, *out;
	uint64_t seed;
	bool seed_set;
	long reps, jobs, calls;
	bool quiet;
	bool reps_auto;  /* --replications auto[:MAX] */
	long auto_max;
	double tolerance; /* 0: not given */
	const char *targets[64]; /* --target, replacing the scenario's */
	size_t n_targets;
};

/* Option table, sorted by name. */
static const struct option longopts[] = {
	{"calls", required_argument, NULL, 'c'},
	{"help", no_argument, NULL, 'h'},
	{"jobs", required_argument, NULL, 'j'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"replications", required_argument, NULL, 'r'},
	{"seed", required_argument, NULL, 's'},
	{"target", required_argument, NULL, 'T'},
	{"tolerance", required_argument, NULL, 't'},
	{NULL, 0, NULL, 0},
};

/* --replications R or auto[:MAX]. Returns 0 or 2. */
static int parse_reps(const char *v, struct margs *a)
{
	if (strncmp(v, "auto", 4) != 0) {
		a->reps_auto = false;
		return cli_long(PROG, "--replications", v, 1, 1000000, &a->reps);
	}
	a->reps_auto = true;
	a->reps = -1;
	a->auto_max = MODEL_SEQ_MAX;
	if (!v[4])
		return 0;
	if (v[4] != ':')
		return cli_usage_error(PROG,
				       "--replications: expected a number or auto[:MAX], got '%s'", v);
	return cli_long(PROG, "--replications auto:MAX", v + 5, MODEL_SEQ_N0, 1000000,
			&a->auto_max);
}

/* Returns 0 to run, -1 after --help (exit 0), or 2. */
static int parse(int argc, char **argv, struct margs *a)
{
	int c;
	memset(a, 0, sizeof(*a));
	a->reps = -1;
	a->jobs = -1;
	a->calls = CSV_DEFAULT;
	optind = 0; /* full re-initialisation (GNU), for repeated calls in tests */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!strcmp(optarg, "all"))
				a->calls = -1;
			else if (!strcmp(optarg, "none"))
				a->calls = 0;
			else if (cli_long(PROG, "--calls", optarg, 0, LONG_MAX, &a->calls))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'j':
			if (cli_long(PROG, "--jobs", optarg, 1, 1024, &a->jobs))
				return 2;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'r':
			if (parse_reps(optarg, a))
				return 2;
			break;
		case 's':
			if (cli_u64(PROG, "--seed", optarg, &a->seed))
				return 2;
			a->seed_set = true;
			break;
		case 'T':
			if (a->n_targets == sizeof(a->targets) / sizeof(a->targets[0]))
				return cli_usage_error(PROG, "--target: at most %zu", a->n_targets);
			a->targets[a->n_targets++] = optarg;
			break;
		case 't':
			if (cli_double(PROG, "--tolerance", optarg, 1e-6, 0.5, &a->tolerance))
				return 2;
			break;
		default:
			return cli_bad_option(PROG, argv[optind - 1], longopts);
		}
	}
	if (a->tolerance > 0 && !a->reps_auto)
		return cli_usage_error(PROG, "--tolerance applies to --replications auto only");
	if (optind >= argc)
		return cli_usage_error(PROG, "missing SCENARIO (a scenario file, e.g. scenarios/morning-burst.yaml)");
	if (optind + 1 < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind + 1]);
	a->scenario = argv[optind];
	return 0;
}

static void seq_progress(int n, double hw, const struct model_seq_opts *so, void *arg)
{
	(void)arg;
	fprintf(stderr,
		"\r%s: auto: %d replications, worst half-width %.4f (want <= %g, at most %d)",
		PROG, n, hw, so->delta, so->max);
	fflush(stderr);
}

static void progress(int done, int total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\r%s: replication %d/%d done", PROG, done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* results/<name>-<YYYYmmdd-HHMMSS> into buf. */
static void default_out(const struct scenario *s, char *buf, size_t n)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, n, "results/%s-%s", s->name ? s->name : "scenario", ts);
}

int cmd_model(int argc, char **argv)
{
	struct margs a;
	/* The command line as given (getopt reorders argv). */
	char *joined = cli_join(argc, argv), *command = NULL;
	if (joined) {
		size_t n = strlen(joined) + sizeof("ringbench ");
		if ((command = malloc(n)))
			snprintf(command, n, "ringbench %s", joined);
		free(joined);
	}
	int rc = parse(argc, argv, &a);
	if (rc) {
		free(command);
		return rc < 0 ? 0 : rc;
	}

	char err[1024] = "", dir[PATH_MAX];
	struct scenario *s = NULL;
	struct resdir *rd = NULL;
	int e = scn_load(a.scenario, &s, err, sizeof(err));
	if (!e && a.n_targets && (e = scn_targets_replace(s, a.targets, a.n_targets, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(e));
		scn_free(s);
		free(command);
		return 2;
	}
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		free(command);
		return 2;
	}
	rc = 3;
	if (a.out)
		snprintf(dir, sizeof(dir), "%s", a.out);
	else
		default_out(s, dir, sizeof(dir));
	if ((e = cli_mkdirs(dir))) {
		fprintf(stderr, "%s: cannot create %s: %s\n", PROG, dir, strerror(e));
		goto out;
	}
	long jobs = a.jobs;
	if (jobs < 1) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		if (jobs < 1)
			jobs = 1;
	}
	/* --replications auto: how many, by the sequential rule, then a fixed run of that many */
	struct model_seq_opts sq;
	struct model_seq_result sr;
	model_seq_defaults(&sq);
	memset(&sr, 0, sizeof(sr));
	int seq_err = 0; /* recorded as the run's error in summary.json */
	if (a.reps_auto) {
		sq.max = (int)a.auto_max;
		if (a.tolerance > 0)
			sq.delta = a.tolerance;
		if (!a.quiet && isatty(2))
			sq.progress_h = seq_progress;
		struct model_opts mo = {
			.scn = s,
			.seed = a.seed_set ? a.seed : s->run.seed,
			.jobs = (int)jobs,
		};
		seq_err = model_seq_choose(&mo, &sq, &sr);
		if (sq.progress_h && !seq_err)
			fprintf(stderr, "\n%s: auto: %d replications, %s\n", PROG, sr.n,
				sr.reached ? "precision reached" : "precision NOT reached");
		a.reps = seq_err ? 1 : sr.n;
	}
	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_MODEL,
			.command = command ? command : "ringbench model",
			.scn = s,
			.seed = a.seed_set ? a.seed : s->run.seed,
			.replications = a.reps > 0 ? (int)a.reps
						   : (s->run.replications > 0 ? s->run.replications : 1),
			.t0_epoch = RB_T_NONE,
			.time_weighted = true,
		},
		.timeline_limit = 0, /* one day */
		.timeline_staff = true,
		.calls_cap = a.calls,
	};
	if ((e = resdir_open(&rd, dir, &ro))) {
		fprintf(stderr, "%s: %s\n", PROG, e == ENOMEM ? "out of memory" : strerror(e));
		goto out;
	}
	if (a.reps_auto && !seq_err) {
		struct json_t *rule = model_seq_json(&sq, &sr);
		if (!rule) {
			fprintf(stderr, "%s: out of memory\n", PROG);
			goto out;
		}
		resdir_set_extra(rd, "replications_rule", rule);
	}
	/* With --calls none, the header alone: every result folder has the file. */
	if ((e = resdir_calls_open(rd))) {
		fprintf(stderr, "%s: cannot write %s/calls.csv: %s\n", PROG, dir, strerror(e));
		goto out;
	}
	struct model_opts mo = {
		.scn = s,
		.seed = ro.summary.seed,
		.replications = ro.summary.replications,
		.jobs = (int)jobs,
		.summary = resdir_summary(rd),
		.timeline = resdir_timeline(rd),
		.timeline_limit = ro.timeline_limit,
		.calls = rd,
		.progress_h = (!a.quiet && isatty(2) && ro.summary.replications > 1) ? progress : NULL,
	};
	struct model_stats st;
	memset(&st, 0, sizeof(st));
	e = seq_err ? seq_err : model_run(&mo, &st);
	int ce = resdir_calls_close(rd);
	if (!e)
		e = ce;
	if (e) {
		char why[256];
		snprintf(why, sizeof(why), "the model failed: %s", strerror(e));
		resdir_set_error(rd, why);
	}
	struct resdir_result res;
	if ((e = resdir_finish(rd, &res))) {
		if (res.failed)
			fprintf(stderr, "%s: cannot write %s/%s: %s\n", PROG, dir, res.failed, strerror(e));
		else
			fprintf(stderr, "%s: out of memory\n", PROG);
		goto out;
	}
	if (!a.quiet) {
		summary_print(resdir_summary(rd), stdout);
		printf("results: %s/\n", dir);
	}
	rc = res.exit_code;
out:
	free(command);
	resdir_free(rd);
	scn_free(s);
	return rc;
}
