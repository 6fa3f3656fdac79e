/*
 * compare: two result folders side by side, measure by measure, with the
 * test of DEFINITIONS.md ("Comparing two result folders").
 *
 * For each measure compared, z = (a − b) / sqrt(se_a² + se_b²) with each
 * folder's standard errors (summary.json's "se"; from "ci95" and the t value
 * when an older file has none). A difference is real when |z| exceeds the
 * Bonferroni-corrected two-sided 1 % threshold for the m measures compared,
 * Qinv(0.005 / m). A measure over fewer than min_calls calls in either folder
 * is "too few calls to tell": listed, never counted as the same.
 *
 *   json_t *a, *b;
 *   compare_load("results/x", &a, err, sizeof(err));   (2 on failure)
 *   struct cmp_result r;
 *   compare_run(a, b, &opts, &r);
 *   compare_print(&r, stdout); ... cmp_result_free(&r);
 */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum cmp_status {
	CMP_SAME = 0,     /* |z| within the threshold */
	CMP_DIFFERENT,    /* a real difference */
	CMP_TOO_FEW,      /* too few calls to tell */
	CMP_NO_INTERVAL,  /* a value, but no standard error in a folder */
	CMP_UNKNOWN,      /* null (cannot be known) or absent in a folder */
};

struct cmp_row {
	char measure[128]; /* "overall.sla.3", "phases.peak.wait_s.mean" */
	double a, b;       /* NaN when null */
	double se_a, se_b; /* NaN when none */
	double ci_a[2], ci_b[2]; /* each folder's ci95 [lo, hi]; NaN when none */
	double z;          /* NaN unless compared */
	long long n_a, n_b; /* the calls the measure is over (-1: not by calls) */
	enum cmp_status status;
};

struct cmp_opts {
	const char *measures; /* comma-separated names or prefixes ("sla", "sla.3",
				 "wait_s.mean"); NULL: the default set */
	long min_calls;       /* default 30 */
};

struct cmp_result {
	struct cmp_row *rows;
	size_t n_rows;
	size_t n_compared;  /* m of the Bonferroni correction */
	size_t n_different, n_too_few;
	double threshold;   /* |z| above it is real */
	bool ring_period_differs;
};

/*
 * Reads DIR/summary.json. Returns 0 (*out: a new reference), or ENOENT /
 * EINVAL with "DIR/summary.json: why" in err.
 */
int compare_load(const char *dir, json_t **out, char *err, size_t errlen);

/* Compares overall and every phase both have. Returns 0 or ENOMEM. */
int compare_run(json_t *a, json_t *b, const struct cmp_opts *o, struct cmp_result *r);
void cmp_result_free(struct cmp_result *r);

/* The side-by-side table and the conclusion. */
void compare_print(const struct cmp_result *r, const char *name_a, const char *name_b, FILE *out);
/* The same as JSON (a new reference). */
json_t *compare_json(const struct cmp_result *r, const char *name_a, const char *name_b);

/* "same", "different", "too few calls to tell", ... */
const char *cmp_status_name(enum cmp_status s);

#endif
