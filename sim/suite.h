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
 *
 * suite_load() reads it (errors as FILE:LINE:COL: what was expected);
 * suite_run() runs every entry into OUT/<name>/ and collects each target's
 * result from the entry's summary.json; suite_junit() writes the XML: one
 * <testsuite> per run, one <testcase> per target, a run that failed as an
 * <error> in each of its test cases, a missed target as a <failure>.
 */
#ifndef RB_SUITE_H
#define RB_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum suite_engine { SUITE_MODEL = 0, SUITE_LIVE };

struct suite_target {
	char name[160];    /* "sla within 3 rings >= 0.8 [peak]" */
	double measured;   /* NaN when none */
	bool pass;
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
	int line;          /* in the suite file */
	/* results */
	char verdict[16];  /* pass, fail, error */
	char error[4096 + 256];
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
 * target met, 1 one missed, 3 a run failed (others still run).
 */
int suite_run(struct suite *s, const char *out_dir, bool quiet);

/* The verdict table. */
void suite_print(const struct suite *s, FILE *out);

/* JUnit XML to path. Returns 0 or errno. */
int suite_junit(const struct suite *s, const char *path);

#endif
