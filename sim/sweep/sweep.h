/*
 * sweep: the model run over a staffing grid (operators x backup staff x load
 * scale x no-answer delay x layout), and the staffing table planners read
 * (docs/sweep.md).
 *
 *   struct sweep_grid g;
 *   sweep_grid_parse(&g, scn, &args, err, n);     the scenario's point, each range
 *                                                 given narrowing/widening it
 *   sweep_targets_check(scn, targets, nt, err, n);
 *   struct sweep_cfg cfg = {.scenario_path = ..., .scn = scn, .grid = &g, .out_dir = ...};
 *   sweep_run(&cfg, err, n);      computes the points not in out_dir/points/ yet
 *   sweep_collect(out_dir, err, n);    sweep.csv, staffing.csv, erlang.csv
 *
 * Each point is one model run of R replications (sim/model/model.h, in-process),
 * written atomically as out_dir/points/KEY.json (the point's summary.json
 * plus "sweep_point"), so an interrupted sweep resumes where it stopped and
 * shards computed on other machines merge by copying files
 * (sweep_merge). out_dir/sweep.json records what every point shares (the
 * scenario's hash, seed, replications, targets); a folder of another sweep
 * is refused rather than mixed.
 *
 * Errors: 0 or a positive errno; EINVAL for bad input with one line in err
 * ("--operators 10:4: empty range ..."), other errnos for the run itself.
 */
#ifndef RB_SWEEP_H
#define RB_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scn.h"

struct sweep_irange {
	int lo, hi, step; /* lo..hi inclusive, step >= 1 */
};

struct sweep_drange {
	double lo, hi, step; /* lo..hi inclusive (within 1e-9), step > 0 */
};

struct sweep_grid {
	struct sweep_irange ops;     /* operators (total over floors) */
	struct sweep_irange backup;  /* backup staff */
	struct sweep_drange rate;    /* rate scale */
	struct sweep_drange noans;   /* no-answer delay, seconds */
	bool noans_set;              /* false: each tenant keeps its own delay */
	bool pooled, floors;         /* the layouts to run (at least one) */
	bool burst_set;              /* false: bursts x the point's rate scale */
	double burst_scale;          /* with burst_set: the bursts' calls x this */
};

/* One point of the grid. */
struct sweep_point {
	int operators, backup;
	double rate_scale;
	double no_answer_s;          /* < 0: the scenario's own delays */
	bool floors;                 /* split floors, else pooled */
	bool burst_set;              /* false: bursts scaled by rate_scale */
	double burst_scale;          /* with burst_set: by this */
};

/* The grid of the scenario as written: one point. */
void sweep_grid_default(struct sweep_grid *g, const struct scenario *s);

/*
 * Parses "A", "A:B" or "A:B:STEP" (step 1 by default) into *r. Returns 0, or
 * EINVAL with "OPT ARG: ..." in err for an empty range (B < A), a step <= 0,
 * a value below min, or a malformed number.
 */
int sweep_range_int(const char *opt, const char *arg, int min, struct sweep_irange *r, char *err,
		    size_t errlen);
int sweep_range_double(const char *opt, const char *arg, double min, struct sweep_drange *r,
		       char *err, size_t errlen);
/* "pooled", "floors" or "pooled,floors" into g. Returns 0 or EINVAL. */
int sweep_layout_parse(const char *arg, struct sweep_grid *g, char *err, size_t errlen);

/* The grid options as given (NULL: left out, the scenario's value). */
struct sweep_grid_args {
	const char *ops, *backup, *rate, *noans, *layout;
	const char *burst;           /* --burst-scale S: one value, 0 to SWEEP_MAX_BURST_SCALE */
};

#define SWEEP_MAX_BURST_SCALE 100

/*
 * The grid of s narrowed or widened by a's ranges. Returns 0, or EINVAL
 * with the option's error in err ("--operators '10:4': empty range ...").
 */
int sweep_grid_parse(struct sweep_grid *g, const struct scenario *s,
		     const struct sweep_grid_args *a, char *err, size_t errlen);

/*
 * Targets on the command line: each must parse against s
 * (scn_target_parse, core/scn.h). Returns 0, EINVAL with the first bad one's
 * error in err, or ENOMEM.
 */
int sweep_targets_check(const struct scenario *s, const char *const *targets, size_t n, char *err,
			size_t errlen);
/*
 * Whether target (valid) names no phase while s has several: it is then
 * judged over the whole run and, in the staffing table, in each phase.
 * The phases' names, ", "-separated, into names. Returns 0 or ENOMEM.
 */
int sweep_target_unphased(const struct scenario *s, const char *target, bool *unphased,
			  char *names, size_t n);

/* results/<scenario name>-sweep into buf: a sweep's default folder. */
void sweep_default_out(const struct scenario *s, char *buf, size_t n);

/* Values in a range, and points in the grid. */
size_t sweep_irange_count(const struct sweep_irange *r);
size_t sweep_drange_count(const struct sweep_drange *r);
double sweep_drange_value(const struct sweep_drange *r, size_t i);
size_t sweep_grid_size(const struct sweep_grid *g);
/* The i-th point (0 <= i < sweep_grid_size), operators varying fastest. */
void sweep_grid_point(const struct sweep_grid *g, size_t i, struct sweep_point *p);

/* The point's file name without ".json": "o12-b3-r1.000-na15.0-pooled", and
 * "-bs2.0000" after it with a burst scale. */
void sweep_point_key(const struct sweep_point *p, char *buf, size_t n);

/*
 * Changes the scenario s (freshly loaded; it is modified in place) to the
 * point: p->operators operators in every phase (a phase's own shift is
 * replaced), split evenly over the floors when p->floors (the scenario's
 * floors, or two when it is pooled: tenants then alternate floors), backup
 * staff likewise, every phase's rate scaled by p->rate_scale and every
 * burst's calls by p->burst_scale (by p->rate_scale without burst_set;
 * rounded), the no-answer tenants' delay set. Returns 0, ENOMEM, or EINVAL (with err) when
 * the point cannot apply (a no-answer delay on a scenario without no-answer
 * tenants).
 */
int sweep_apply(struct scenario *s, const struct sweep_point *p, char *err, size_t errlen);

/* Progress, on the calling thread: done of total points in this run. */
typedef void(sweep_progress_h)(size_t done, size_t total, size_t skipped, const char *key,
			       void *arg);

struct sweep_cfg {
	const char *scenario_path;
	const struct scenario *scn;  /* scenario_path loaded (scn_load), not changed;
				      * NULL: sweep_run loads it. Each point
				      * changes a copy (scn_dup). */
	const struct sweep_grid *grid;
	const char *out_dir;
	const char *const *targets;  /* "K:F" strings; NULL: the scenario's */
	size_t n_targets;
	int replications;            /* 0: the scenario's */
	uint64_t seed;               /* used when seed_set */
	bool seed_set;
	int jobs;                    /* points computed at once, >= 1 */
	int shard_i, shard_n;        /* this run computes points i % n == shard_i - 1 (1-based); 0/0: all */
	const char *command;         /* recorded in sweep.json */
	sweep_progress_h *progress_h;
	void *progress_arg;
};

/*
 * Computes the grid's points (this shard's) that out_dir/points/ lacks.
 * Returns 0, EINVAL (bad scenario, a point that cannot apply, out_dir holding
 * another sweep: err says which), or the errno of the run.
 */
int sweep_run(const struct sweep_cfg *cfg, char *err, size_t errlen);

/*
 * Reads every out_dir/points/ file and writes out_dir/sweep.csv (one row per
 * point, every measure with its 95 % interval), out_dir/staffing.csv (per
 * layout, no-answer delay and rate scale, per target and for all targets
 * together, each row naming the phase it judges or "(whole run)": the least
 * operators, and at that count the least backup staff, that meet it on the
 * measured value, with occupancy, abandoned fraction and mean wait there;
 * and the least that pass it on the whole 95 % interval: target "result"
 * "pass", or "pass" true in point files older than "result") and
 * out_dir/erlang.csv (Erlang A at the same mean load, per rate scale and
 * operator count). Returns 0, ENOENT when there are no points, or an errno.
 */
int sweep_collect(const char *out_dir, char *err, size_t errlen);

/*
 * Prints out_dir/staffing.csv as a table for people (its first max_rows
 * rows, then how many more there are). Returns 0 or the errno of reading it.
 */
int sweep_staffing_print(const char *out_dir, FILE *out, size_t max_rows);

/*
 * What two sweep.json files must share to be one sweep (NULL-ended):
 * scenario_sha256, seed, replications, targets, burst_scale. A member
 * absent from both, or null in one and absent from the other, is the same
 * (burst_scale is written only when given, so older folders still match).
 */
extern const char *const sweep_same_keys[];
struct json_t;
bool sweep_same_member(const struct json_t *a, const struct json_t *b, const char *key);

/*
 * Copies the point files of the shard folders dirs[0..n-1] into out_dir
 * (created), refusing folders of different sweeps (EINVAL), then
 * sweep_collect(out_dir). A point present twice is taken once.
 */
int sweep_merge(const char *const *dirs, size_t n, const char *out_dir, char *err, size_t errlen);

#endif
