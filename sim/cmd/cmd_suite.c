/*
 * ringbench suite FILE: run a suite of scenarios (model or live), print a
 * verdict table and write JUnit XML. Options only; see sim/suite/suite.h.
 */
#define LOG_TAG "suite"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "suite.h"

#define PROG "ringbench suite"

static void usage(FILE *out)
{
	fputs("usage: ringbench suite FILE [--junit OUT.xml] [--out DIR] [--quiet]\n"
	      "\n"
	      "Runs every run of a suite file (scenarios in the model or live, with overrides:\n"
	      "operators, backup, replications, seed, speedup, server, targets), prints a\n"
	      "line per run as it ends and a table of verdicts, and writes JUnit XML: one\n"
	      "test case per target, a missed target a failure, a target that cannot be\n"
	      "decided (or a run capped at inconclusive, e.g. a live schedule not kept) a\n"
	      "failure of type inconclusive saying why, a run that failed an error. A run\n"
	      "with expect: fail (or inconclusive) passes when it ends so. See docs/suite.md.\n"
	      "\n"
	      "options:\n"
	      "  --help          this help\n"
	      "  --junit FILE    JUnit XML report\n"
	      "  --out DIR       result folders DIR/<run>/ (default results/suite-<name>-<time>)\n"
	      "  --quiet         no progress lines\n"
	      "\n"
	      "exit status, the worst run's (3 > 1 > 4 > 0): 0 every run ended as expected\n"
	      "(by default: every target met), 1 a target missed (or a run passed that was\n"
	      "expected not to), 2 bad usage or a bad suite file, 3 a run failed,\n"
	      "4 inconclusive (none missed, at least one run undecided).\n",
	      out);
}

static const struct option longopts[] = {
	{"help", no_argument, NULL, 'h'},
	{"junit", required_argument, NULL, 'j'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

int cmd_suite(int argc, char **argv)
{
	const char *junit = NULL, *out = NULL;
	bool quiet = false;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'j':
			junit = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return cli_bad_option(PROG, argv[optind - 1], longopts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(PROG, "missing FILE (a suite, e.g. scenarios/suites/smoke.yaml)");
	if (optind + 1 < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind + 1]);
	char err[1024] = "";
	struct suite *s = NULL;
	int e = suite_load(argv[optind], &s, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	char dir[PATH_MAX];
	if (out) {
		snprintf(dir, sizeof(dir), "%s", out);
	} else {
		char stem[256];
		snprintf(stem, sizeof(stem), "suite-%s", s->name);
		cli_results_dir(dir, sizeof(dir), stem);
	}
	if ((e = cli_mkdirs(dir))) {
		fprintf(stderr, "%s: cannot create %s: %s\n", PROG, dir, strerror(e));
		suite_free(s);
		return 3;
	}
	int rc = suite_run(s, dir, quiet);
	suite_print(s, stdout);
	printf("results: %s/\n", dir);
	if (junit && (e = suite_junit(s, junit))) {
		fprintf(stderr, "%s: cannot write %s: %s\n", PROG, junit, strerror(e));
		rc = 3;
	} else if (junit) {
		printf("junit: %s\n", junit);
	}
	suite_free(s);
	return rc;
}
