/*
 * ringbench compare DIR_A DIR_B: two result folders side by side, measure
 * by measure, and which differences are real (docs/definitions.md, "Comparing two
 * result folders"; core/compare.h does the work).
 */
#include <errno.h>
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
		"usage: " PROG " DIR_A DIR_B [--all | --measures LIST] [--unpaired]\n"
		"                         [--min-calls N] [--json OUT]\n\n"
		"Compares the summary.json of two result folders (model against live, or\n"
		"yesterday against today) and says which differences are real.\n\n"
		"What is judged: by default the measures of the folders' targets (a target\n"
		"'peak: sla within 5 rings' judges phases.peak.sla.5); --all judges every\n"
		"measure, overall and per phase. A phase that is the whole run is judged once.\n\n"
		"How: when both folders hold the same callers (the same pairing key: the\n"
		"parsed load, the seed and the random-stream layout) and the same samples,\n"
		"the test is paired, on the differences replication by replication (or batch\n"
		"by batch, merged until the differences are uncorrelated). Otherwise Welch's\n"
		"t from each folder's standard error, with Welch-Satterthwaite degrees of\n"
		"freedom, proportions on the logit scale (docs/results.md says why). A\n"
		"difference is real when it survives Holm's correction at the\n"
		"two-sided 1 %% level over the measures judged. The output says which test\n"
		"was used and why.\n\n"
		"options:\n"
		"  --all              judge every measure, not only the targets'\n"
		"  --json OUT         also write the comparison as JSON to OUT\n"
		"  --measures LIST    judge these measures (names or prefixes, comma-separated,\n"
		"                     e.g. sla.3,abandon_fraction or wait_s), overall and per phase\n"
		"  --min-calls N      fewest calls a measure may be over to be judged (30)\n"
		"  --unpaired         never pair, even when the folders hold the same callers\n"
		"  -h, --help         this help\n\n"
		"exit status: 0 no real difference, 1 a real difference, 2 bad usage or a\n"
		"folder without a valid summary.json, 4 cannot tell: a target's measure could\n"
		"not be judged (too few calls, batches or replications) and no difference\n"
		"was found.\n");
}

/* The command line into dirs, json_out and o. Returns 0 to run, -1 after
 * --help (exit 0), or the exit status. */
static int parse(int argc, char **argv, const char *dirs[2], const char **json_out,
		 struct cmp_opts *o)
{
	int nd = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return -1;
		} else if (!strcmp(a, "--all")) {
			o->all = true;
		} else if (!strcmp(a, "--unpaired")) {
			o->unpaired = true;
		} else if (!strcmp(a, "--json") || !strcmp(a, "--measures") ||
			   !strcmp(a, "--min-calls")) {
			if (i + 1 >= argc)
				return cli_usage_error(PROG, "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--json"))
				*json_out = v;
			else if (!strcmp(a, "--measures"))
				o->measures = v;
			else if (cli_long(PROG, a, v, 1, 1000000000, &o->min_calls))
				return 2;
		} else if (a[0] == '-' && a[1]) {
			static const char *const names[] = {"all",	  "help",      "json",
							    "measures", "min-calls", "unpaired", NULL};
			static const char *const vals[] = {"json", "measures", "min-calls", NULL};
			return cli_unknown_option(PROG, a, names, vals);
		} else if (nd < 2) {
			dirs[nd++] = a;
		} else {
			return cli_usage_error(PROG, "expected two folders, got a third: '%s'", a);
		}
	}
	if (nd != 2)
		return cli_usage_error(PROG, "expected two result folders DIR_A DIR_B");
	if (o->all && o->measures)
		return cli_usage_error(PROG, "--all and --measures: give one of them");
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	const char *dirs[2] = {NULL, NULL}, *json_out = NULL;
	struct cmp_opts o = {.measures = NULL, .min_calls = 30};
	int prc = parse(argc, argv, dirs, &json_out, &o);
	if (prc)
		return prc < 0 ? 0 : prc;

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
	int e = compare_run(j[0], j[1], &o, &r);
	if (e == EINVAL) {
		cmp_result_free(&r);
		rc = cli_usage_error(PROG, "--measures '%s' names no measure (e.g. sla.3, "
				     "answered_within, abandon_fraction, wait_s.mean, occupancy)",
				     o.measures ? o.measures : "");
		goto out;
	} else if (e) {
		fprintf(stderr, PROG ": out of memory\n");
		cmp_result_free(&r);
		rc = 3;
		goto out;
	}
	compare_print(&r, dirs[0], dirs[1], stdout);
	rc = compare_exit_code(&r);
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
