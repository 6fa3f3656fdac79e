/*
 * ringbench compare DIR_A DIR_B: two result folders side by side, measure
 * by measure, and which differences are real (DEFINITIONS.md, "Comparing two
 * result folders"; core/compare.h does the work).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"

#define PROG "ringbench compare"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " PROG " DIR_A DIR_B [--measures LIST] [--min-calls N] [--json OUT]\n\n"
		"Compares the summary.json of two result folders (model against live, or\n"
		"yesterday against today), overall and per phase. For each measure,\n"
		"z = (a - b) / sqrt(se_a^2 + se_b^2) from each folder's standard errors; a\n"
		"difference is real when |z| exceeds the two-sided 1 %% threshold, Bonferroni-\n"
		"corrected for the number of measures compared. A measure over fewer than\n"
		"--min-calls calls in either folder is reported as too few calls to tell.\n\n"
		"options:\n"
		"  --json OUT         also write the comparison as JSON to OUT\n"
		"  --measures LIST    comma-separated measures or prefixes, e.g. sla,wait_s.mean\n"
		"                     or sla.3 (default: answered_within, sla, abandon_fraction,\n"
		"                     abandon_before_forward_fraction, wait_s.mean, occupancy,\n"
		"                     backup_occupancy; also sl, sl2, queue_len.mean)\n"
		"  --min-calls N      fewest calls a measure may be over to be judged (30)\n"
		"  -h, --help         this help\n\n"
		"exit status: 0 no real difference, 1 a real difference, 2 bad usage or a\n"
		"folder without a valid summary.json.\n");
}

int cmd_compare(int argc, char **argv)
{
	const char *dirs[2] = {NULL, NULL}, *json_out = NULL;
	struct cmp_opts o = {.measures = NULL, .min_calls = 30};
	int nd = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--json") || !strcmp(a, "--measures") ||
			   !strcmp(a, "--min-calls")) {
			if (i + 1 >= argc)
				return cli_usage_error(PROG, "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--json"))
				json_out = v;
			else if (!strcmp(a, "--measures"))
				o.measures = v;
			else if (cli_long(PROG, a, v, 1, 1000000000, &o.min_calls))
				return 2;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(PROG, "unknown option '%s'", a);
		} else if (nd < 2) {
			dirs[nd++] = a;
		} else {
			return cli_usage_error(PROG, "expected two folders, got a third: '%s'", a);
		}
	}
	if (nd != 2)
		return cli_usage_error(PROG, "expected two result folders DIR_A DIR_B");

	json_t *j[2] = {NULL, NULL};
	char err[4200];
	int rc = 2;
	for (int k = 0; k < 2; k++) {
		if (compare_load(dirs[k], &j[k], err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			goto out;
		}
	}
	struct cmp_result r;
	if (compare_run(j[0], j[1], &o, &r)) {
		fprintf(stderr, PROG ": out of memory\n");
		rc = 3;
		goto out;
	}
	if (r.n_rows == 0) {
		cmp_result_free(&r);
		rc = cli_usage_error(PROG, "--measures '%s' names no measure", o.measures);
		goto out;
	}
	compare_print(&r, dirs[0], dirs[1], stdout);
	rc = r.n_different ? 1 : 0;
	if (json_out) {
		json_t *cj = compare_json(&r, dirs[0], dirs[1]);
		if (!cj || json_dump_file(cj, json_out,
					  JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(16))) {
			fprintf(stderr, PROG ": %s: cannot write\n", json_out);
			rc = 3;
		}
		json_decref(cj);
	}
	cmp_result_free(&r);
out:
	json_decref(j[0]);
	json_decref(j[1]);
	return rc;
}
