/*
 * compare: two result folders side by side, measure by measure, and which
 * differences are real (docs/definitions.md, "Comparing two result
 * folders").
 *
 * - Which measures: by default those of the folders' targets (a target
 *   "peak, sla within 5 rings" judges phases.peak.sla.5); --all: every
 *   measure, overall and per phase; or a --measures list.
 * - Paired when both folders carry the same pairing key (the parsed load,
 *   the seed, the random-stream layout: the same callers) and the same
 *   samples (replications r against r, or the same batches): the test is
 *   on the differences, sample by sample, batches merged in pairs until the
 *   differences are not correlated at lag 1 (estimate.h). Otherwise, or
 *   with --unpaired: Welch's t from each folder's raw-scale standard error
 *   and degrees of freedom (summary.json's "se" and "df", or its values),
 *   with Welch–Satterthwaite degrees of freedom; proportions on the logit
 *   scale (the se carried over by the delta method). Never from an
 *   interval's width.
 * - A difference is real when it survives Holm's step-down correction at
 *   the two-sided 1 % level over the measures judged; a measure identical
 *   to another by construction (a phase that is the whole run) is judged
 *   once.
 * - A measure over fewer than min_calls calls, with no standard error, or
 *   null in a folder cannot be judged: listed, never counted as the same;
 *   when it is a target's measure the comparison is undecided (exit 4).
 *
 *   json_t *a, *b;
 *   compare_load("results/x", &a, err, sizeof(err));   (2 on failure)
 *   struct cmp_result r;
 *   compare_run(a, b, &opts, &r);
 *   compare_print(&r, stdout); ... exit compare_exit_code(&r) ... cmp_result_free(&r);
 */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum cmp_status {
	CMP_SAME = 0,     /* no real difference */
	CMP_DIFFERENT,    /* a real difference (Holm, two-sided 1 %) */
	CMP_TOO_FEW,      /* too few calls to tell */
	CMP_NO_INTERVAL,  /* a value, but no standard error to judge it by */
	CMP_UNKNOWN,      /* null (cannot be known) or absent in a folder */
	CMP_DUPLICATE,    /* the same figures as an earlier row, judged there */
};

struct cmp_row {
	char measure[128]; /* "overall.sla.3", "phases.peak.wait_s.mean" */
	bool target;       /* a target's measure */
	double a, b;       /* NaN when null */
	double se_a, se_b; /* each folder's raw-scale se; NaN when none */
	long df_a, df_b;
	double ci_a[2], ci_b[2]; /* each folder's ci95 [lo, hi]; NaN when none */
	double diff;       /* a − b */
	double se;         /* of the difference (paired: of the differences); on
			      the logit scale when logit */
	bool logit;        /* unpaired proportion: tested on the logit scale */
	double df;         /* Welch–Satterthwaite, or pairs − 1 */
	int pairs;         /* paired: samples used (after merging); 0 unpaired */
	double t, p;       /* NaN unless judged */
	double alpha_holm; /* the level p was held to in Holm's sequence; NaN */
	long long n_a, n_b; /* the calls the measure is over (-1: not by calls) */
	int dup_of;        /* CMP_DUPLICATE: the row it repeats */
	enum cmp_status status;
};

struct cmp_opts {
	const char *measures; /* comma-separated names or prefixes ("sla", "sla.3",
				 "wait_s.mean"); NULL: the targets' (or all) */
	bool all;             /* every measure, not only the targets' */
	bool unpaired;        /* never pair, even with the same pairing key */
	long min_calls;       /* default 30 */
	double alpha;         /* family-wise level, two-sided; default 0.01 */
};

struct cmp_result {
	struct cmp_row *rows;
	size_t n_rows;
	size_t n_judged;       /* m of Holm's correction */
	size_t n_different, n_too_few;
	size_t n_target_undecided; /* target measures that could not be judged */
	size_t n_target_unreadable; /* targets compare cannot read (rings heard) */
	size_t n_targets;      /* target measures listed */
	bool paired;
	char pairing[160];     /* why paired or not, in words */
	double alpha;
	bool ring_period_differs;
	bool no_targets;       /* default selection, but no folder has targets: all */
};

/*
 * Reads DIR/summary.json. Returns 0 (*out: a new reference), or ENOENT /
 * EINVAL with "DIR/summary.json: why" in err.
 */
int compare_load(const char *dir, json_t **out, char *err, size_t errlen);

/* Compares the measures o selects. Returns 0, ENOMEM, or EINVAL (no measure). */
int compare_run(json_t *a, json_t *b, const struct cmp_opts *o, struct cmp_result *r);
void cmp_result_free(struct cmp_result *r);

/* 1 a real difference, 4 a target measure could not be judged, else 0. */
int compare_exit_code(const struct cmp_result *r);

/* The side-by-side table and the conclusion. */
void compare_print(const struct cmp_result *r, const char *name_a, const char *name_b, FILE *out);
/* The same as JSON (a new reference). */
json_t *compare_json(const struct cmp_result *r, const char *name_a, const char *name_b);

/* "same", "DIFFERENT", "too few calls to tell", ... */
const char *cmp_status_name(enum cmp_status s);

#endif
