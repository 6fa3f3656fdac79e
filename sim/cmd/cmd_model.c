/*
 * ringbench model SCENARIO: run a scenario in the discrete-event model and
 * write summary.json, calls.csv and timeline.csv (docs/definitions.md, Result
 * files). The work is model_write (sim/model/model.h); this file parses options,
 * prints and chooses the exit status.
 */
#define LOG_TAG "model"
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		"  --backup M          what-if: M backup staff in every phase (a phase's own\n"
		"                      backup is replaced); recorded in summary.json's what_if\n"
		"  --calls all|none|N  rows of calls.csv, first replication (default %d;\n"
		"                      none: the header only)\n"
		"  --help              this help\n"
		"  --jobs J            replications run on J threads (default: the CPUs)\n"
		"  --operators N       what-if: N operators in every phase (a phase's own shift\n"
		"                      is replaced; split evenly over the scenario's floors),\n"
		"                      as sweep and suite set them; the callers are the same\n"
		"                      (same load hash and pairing key: compare pairs the\n"
		"                      run with one of the scenario as written)\n"
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
		"  --timeline none|day|S\n"
		"                      seconds of the first replication in timeline.csv\n"
		"                      (default: day, 86400 s; none: the header only). With\n"
		"                      --calls none the default is none: a run for its\n"
		"                      summary writes no per-second table unless asked\n"
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
	long timeline; /* seconds; 0: none; -1: not given */
	bool quiet;
	bool reps_auto;  /* --replications auto[:MAX] */
	long auto_max;
	double tolerance; /* 0: not given */
	const char *targets[64]; /* --target, replacing the scenario's */
	size_t n_targets;
	long operators, backup;  /* what-if staffing, -1: the scenario's */
};

/* Option table, sorted by name. */
static const struct option longopts[] = {
	{"backup", required_argument, NULL, 'b'},
	{"calls", required_argument, NULL, 'c'},
	{"help", no_argument, NULL, 'h'},
	{"jobs", required_argument, NULL, 'j'},
	{"operators", required_argument, NULL, 'O'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"replications", required_argument, NULL, 'r'},
	{"seed", required_argument, NULL, 's'},
	{"target", required_argument, NULL, 'T'},
	{"timeline", required_argument, NULL, 'L'},
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

/* --calls all|none|N and --timeline none|day|S. Returns 0 or 2. */
static int parse_rows(int opt, const char *v, struct margs *a)
{
	if (opt == 'c') {
		if (!strcmp(v, "all"))
			a->calls = -1;
		else if (!strcmp(v, "none"))
			a->calls = 0;
		else
			return cli_long(PROG, "--calls", v, 0, LONG_MAX, &a->calls);
		return 0;
	}
	if (!strcmp(v, "none"))
		a->timeline = 0;
	else if (!strcmp(v, "day"))
		a->timeline = 86400;
	else
		return cli_long(PROG, "--timeline", v, 1, 1000000000, &a->timeline);
	return 0;
}

/* Returns 0 to run, -1 after --help (exit 0), or 2. */
static int parse(int argc, char **argv, struct margs *a)
{
	int c;
	memset(a, 0, sizeof(*a));
	a->reps = -1;
	a->jobs = -1;
	a->calls = CSV_DEFAULT;
	a->timeline = -1;
	a->operators = a->backup = -1;
	optind = 0; /* full re-initialisation (GNU), for repeated calls in tests */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (cli_long(PROG, "--backup", optarg, 0, 1000000, &a->backup))
				return 2;
			break;
		case 'O':
			if (cli_long(PROG, "--operators", optarg, 0, 1000000, &a->operators))
				return 2;
			break;
		case 'c':
		case 'L':
			if (parse_rows(c, optarg, a))
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

/* "--replications auto" on a terminal: how many it chose. */
static void seq_done(const struct model_seq_result *sr, void *arg)
{
	(void)arg;
	fprintf(stderr, "\n%s: auto: %d replications, %s\n", PROG, sr->n,
		sr->reached ? "precision reached" : "precision NOT reached");
}

/* The scenario with --target's replacing its own. Returns 0 or 2 (said). */
static int load(const struct margs *a, struct scenario **sp)
{
	char err[1024] = "";
	int e = scn_load(a->scenario, sp, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	if (a->n_targets && (e = scn_targets_replace(*sp, a->targets, a->n_targets, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(e));
		scn_free(*sp);
		*sp = NULL;
		return 2;
	}
	if ((a->operators >= 0 || a->backup >= 0) && scn_staff_flat(*sp, (int)a->operators, (int)a->backup)) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		scn_free(*sp);
		*sp = NULL;
		return 3;
	}
	return 0;
}

/* summary.json's "what_if": the staffing overrides as run (null: the
 * scenario's), as a sweep point records its own; NULL when none. */
static json_t *what_if_json(const struct margs *a, const struct scenario *s)
{
	if (a->operators < 0 && a->backup < 0)
		return NULL;
	json_t *o = json_object(), *fl = json_array();
	for (int f = 0; f < s->center.n_floors; f++)
		json_array_append_new(fl, json_integer(s->center.floor_ops[f]));
	json_object_set_new(o, "operators", a->operators >= 0 ? json_integer(a->operators) : json_null());
	json_object_set_new(o, "backup", a->backup >= 0 ? json_integer(a->backup) : json_null());
	json_object_set_new(o, "floor_ops", a->operators >= 0 ? fl : (json_decref(fl), json_null()));
	return o;
}

/* The library's options from the command line's. */
static void write_opts(const struct margs *a, const struct scenario *s, struct model_write_opts *wo)
{
	long jobs = a->jobs;
	if (jobs < 1) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		if (jobs < 1)
			jobs = 1;
	}
	bool tty = !a->quiet && isatty(2);
	memset(wo, 0, sizeof(*wo));
	wo->scn = s;
	wo->seed = a->seed_set ? a->seed : s->run.seed;
	wo->replications = a->reps > 0 ? (int)a->reps
				      : (s->run.replications > 0 ? s->run.replications : 1);
	wo->jobs = (int)jobs;
	wo->calls_cap = a->calls;
	/* --calls none alone: no timeline either (docs/results.md) */
	long tl = a->timeline >= 0 ? a->timeline : a->calls == 0 ? 0 : 86400;
	wo->timeline_limit = tl > 0 ? (rb_us)tl * RB_US_PER_S : -1;
	wo->reps_auto = a->reps_auto;
	model_seq_defaults(&wo->seq);
	if (a->reps_auto) {
		wo->seq.max = (int)a->auto_max;
		if (a->tolerance > 0)
			wo->seq.delta = a->tolerance;
		if (tty) {
			wo->seq.progress_h = seq_progress;
			wo->seq_done_h = seq_done;
		}
	}
	/* per replication on a terminal; with auto, whether more than one is
	 * known only once chosen, and the fixed run's count decided it before */
	if (tty && (a->reps_auto || wo->replications > 1))
		wo->progress_h = progress;
}

/* With phone settings (center.phone): the phones rung and how they ended. */
static void print_phones(const struct scenario *s, const struct model_stats *st)
{
	if (!scn_phone_on(&s->center.phone) && !scn_phone_on(&s->center.backup_phone))
		return;
	printf("phones: %llu rung, %llu rang out unanswered (%.1f %%), %llu with the caller gone "
	       "while ringing\n",
	       (unsigned long long)st->rings, (unsigned long long)st->ring_no_answer,
	       st->rings ? 100.0 * (double)st->ring_no_answer / (double)st->rings : 0.0,
	       (unsigned long long)st->ring_cancelled);
}

int cmd_model(int argc, char **argv)
{
	struct margs a;
	/* The command line as given (getopt reorders argv). */
	char *command = cli_command(argc, argv);
	int rc = parse(argc, argv, &a);
	if (rc) {
		free(command);
		return rc < 0 ? 0 : rc;
	}
	struct scenario *s = NULL;
	if ((rc = load(&a, &s))) {
		free(command);
		return rc;
	}
	char err[1024] = "", dir[PATH_MAX];
	if (a.out)
		snprintf(dir, sizeof(dir), "%s", a.out);
	else
		cli_results_dir(dir, sizeof(dir), s->name ? s->name : "scenario");
	struct model_write_opts wo;
	write_opts(&a, s, &wo);
	wo.dir = dir;
	wo.command = command ? command : "ringbench model";
	wo.extra_key = "what_if";
	wo.extra = what_if_json(&a, s);
	struct model_stats st = {0};
	wo.stats = &st;
	struct resdir *rd = NULL;
	struct resdir_result res;
	rc = 3;
	if (model_write(&wo, &rd, &res, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", PROG, err);
	} else {
		if (!a.quiet) {
			summary_print(resdir_summary(rd), stdout);
			print_phones(s, &st);
			if (a.operators >= 0)
				printf("what-if: %ld operators in every phase\n", a.operators);
			if (a.backup >= 0)
				printf("what-if: %ld backup staff in every phase\n", a.backup);
			printf("results: %s/\n", dir);
		}
		rc = res.exit_code;
	}
	free(command);
	resdir_free(rd);
	scn_free(s);
	return rc;
}
