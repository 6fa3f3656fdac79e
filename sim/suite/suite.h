/*
 * suite: `ringbench suite FILE`, a list of scenario runs (model or live,
 * with overrides) judged together, with a verdict table and JUnit XML for CI
 * servers (docs/live.md, "Suites").
 *
 * A suite file (YAML):
 *
 *   name: smoke                       # optional; default: the file name
 *   runs:
 *     - name: quick-model             # unique; default: scenario name + index
 *       scenario: ../quick.yaml       # relative to the suite file's folder
 *       engine: model                 # model (default) or live
 *       replications: 3               # overrides, all optional
 *       seed: 7
 *       operators: 10                 # model only: every phase's operators
 *       backup: 2                     # model only: every phase's backup staff
 *       speedup: 60                   # live only
 *       server: 10.0.0.5:5060         # live only: that SIP server, not secretaryd
 *       targets: [peak:5:0.9, 3:0.8]  # replace the scenario's targets
 *       expect: fail                  # pass (default), fail or inconclusive
 *
 * suite_load() reads it (errors as FILE:LINE:COL: what was expected);
 * suite_run() runs every entry into OUT/<name>/ and collects each target's
 * result from the entry's summary.json; suite_junit() writes the XML: one
 * <testsuite> per run, one <testcase> per target, a run that failed as an
 * <error> in each of its test cases, a missed target as a <failure>, and a
 * target that could not be decided (or a run capped at inconclusive, e.g. a
 * live schedule not kept) as a <failure type="inconclusive"> saying why.
 * A run with expect: fail (or inconclusive) that ends so passes the suite;
 * its test cases pass with a <system-out> saying what was expected and
 * seen, and one that ends otherwise is a <failure type="unexpected">.
 * docs/suite.md is the user's reference.
 */
#ifndef RB_SUITE_H
#define RB_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum suite_engine { SUITE_MODEL = 0, SUITE_LIVE };

/* A target's result in summary.json ("result"; docs/results.md). */
enum suite_result { SUITE_PASS = 0, SUITE_FAIL, SUITE_INCONCLUSIVE };

struct suite_target {
	char name[160];    /* "sla within 3 rings >= 0.8 [peak]" */
	double measured;   /* NaN when none */
	double lo, hi;	   /* its 95 % interval; NaN when none */
	enum suite_result result;
	char note[160]; /* why it is undecided (or missed), from summary.json */
};

struct suite_entry {
	char *name;
	char *scenario;    /* resolved path */
	enum suite_engine engine;
	long replications; /* -1: the scenario's */
	bool seed_set;
	uint64_t seed;
	int operators, backup; /* -1: unchanged */
	double speedup;    /* live; 0: 1 */
	char *server;      /* live: HOST:PORT of the SIP server under test; NULL: secretaryd */
	char **targets_arg; /* targets: "[PHASE:]K:F[:MEASURE]", replacing the scenario's */
	size_t n_targets_arg;
	enum suite_result expect; /* expect: the verdict that passes the suite (default pass) */
	int line;          /* in the suite file */
	/* results */
	char verdict[16]; /* pass, fail, inconclusive, error */
	char error[4096 + 256];
	char reasons[1024]; /* inconclusive_reasons, "; "-joined; "" when none */
	char schedule[256]; /* a live run's schedule ("INVITE lateness p50 ..."); "" when none */
	double seconds;
	struct suite_target *targets;
	size_t n_targets;
	int exit_code;
};

struct suite {
	char *name;
	char *path;
	struct suite_entry *entries;
	size_t n;
};

/* Returns 0, or EINVAL / an errno with "FILE:LINE:COL: why" in err. */
int suite_load(const char *path, struct suite **out, char *err, size_t errlen);
void suite_free(struct suite *s);

/*
 * Runs every entry into out_dir/<name>/. Returns the exit status: 0 every
 * target met, 1 one missed, 3 a run failed (others still run), 4 none
 * missed but at least one run inconclusive. The worst wins, in the order
 * 3, 1, 4, 0.
 */
int suite_run(struct suite *s, const char *out_dir, bool quiet);

/* The suite's exit status of two entries' (the order above). */
int suite_worse(int a, int b);

/*
 * What an entry adds to the suite's exit status, from its verdict and its
 * expect: 3 the run failed (whatever was expected), 0 the verdict is the
 * one expected, 4 inconclusive when another was expected, 1 otherwise
 * (a miss when a pass was expected, or a pass when a fail was).
 */
int suite_entry_status(const struct suite_entry *e);
/* "pass", "fail" or "inconclusive". */
const char *suite_result_name(enum suite_result r);

/*
 * Reads an entry's verdict, targets, inconclusive reasons and (live) schedule
 * back from its summary.json at path; a file that cannot be read makes the
 * verdict error. Each target's "result" is read ("pass" as a fallback for
 * files written before results had three values).
 */
void suite_collect(struct suite_entry *e, const char *path);

/* The verdict table (an entry's line ends "expected fail" when it was). */
void suite_print(const struct suite *s, FILE *out);

/* JUnit XML to path. Returns 0 or errno. */
int suite_junit(const struct suite *s, const char *path);

#endif
