/*
 * resdir: a result folder (docs/definitions.md, Result files), the one place
 * that writes calls.csv, timeline.csv and summary.json. Every engine (the
 * model, live, the capture analyzer) and every command that runs one (model,
 * suite, sweep, analyze) feeds it and lets it write; none writes those files
 * itself.
 *
 * Usage:
 *   struct resdir_opts o = {.summary = {...summary_opts...}, .calls_cap = -1};
 *   resdir_open(&d, "DIR", &o);        the folder (mkdir -p), summary, timeline
 *   resdir_calls_open(d);              calls.csv and its header
 *   per call:  resdir_call(d, &rec);   a row (one thread only)
 *              summary_rep_call(resdir_rep(d, r), &rec);
 *   spans:     summary_rep_span(...), resdir_span(d, ...)  timeline.csv's
 *   extra tables (requirements.csv, operator legs...):
 *     resdir_table_open(d, "NAME.csv", cols, ncol, &t);  its header
 *     resdir_table_row(t, cells);  ...  resdir_table_close(t);
 *   resdir_set_extra(d, "key", json); summary.json's extra top-level members
 *   resdir_finish(d, &res);            timeline.csv, then summary.json, each
 *                                      atomically; res: the verdict, exit code
 *   resdir_free(d);
 *
 * calls.csv is written as calls are fed (a live capture's rows appear as its
 * calls end), under its own name; timeline.csv and summary.json are written
 * whole at the end, to a temporary name in the folder and renamed, so a
 * reader never sees half of one, and summary.json, last, says the folder is
 * complete. Library functions here return errors; they neither print nor
 * choose how a command words a failure.
 */
#ifndef RB_RESDIR_H
#define RB_RESDIR_H

#include <stdbool.h>

#include "callrec.h"
#include "rbtime.h"
#include "summary.h"
#include "timeline.h"

/* Which files the folder gets (resdir_opts.files). */
enum resdir_file {
	RESDIR_CALLS = 1 << 0,	  /* calls.csv */
	RESDIR_TIMELINE = 1 << 1, /* timeline.csv */
	RESDIR_SUMMARY = 1 << 2,  /* summary.json (always written) */
	RESDIR_ALL = RESDIR_CALLS | RESDIR_TIMELINE | RESDIR_SUMMARY,
};

struct resdir_opts {
	/* The run: engine, command line, scenario, seed, replications, targets,
	 * windows, t0_epoch, time-weighted or not, unjudged (summary.h). Its
	 * pointers must outlive the resdir. */
	struct summary_opts summary;
	unsigned files;		  /* enum resdir_file bits; 0: RESDIR_ALL */
	const char *summary_name; /* NULL: "summary.json" */
	rb_us timeline_limit;	  /* scenario time the timeline keeps; 0: one day;
				   * < 0: none (timeline.csv holds its header alone) */
	bool timeline_staff;	  /* the engine knows operators (false: a capture) */
	long calls_cap;		  /* rows of calls.csv at most: < 0 all, 0 the header only */
	bool keep_json;		  /* keep the summary's tree (resdir_take_json) */
};

/* What resdir_finish (or resdir_abort) made of the run. */
struct resdir_result {
	enum rb_verdict verdict;
	int exit_code;	    /* summary_exit_code(); 3 when the folder could not be written */
	const char *failed; /* the file that could not be written ("calls.csv",
			       "timeline.csv", an extra table's name, the summary's
			       name; valid until resdir_free), NULL otherwise */
};

struct resdir;

/*
 * Creates the folder (and its parents) and the run's summary and timeline;
 * no file yet. Returns 0, ENOMEM, or mkdir's errno; *dp only on success.
 * dir is copied.
 */
int resdir_open(struct resdir **dp, const char *dir, const struct resdir_opts *o);
/* Closes calls.csv if open (its errors are lost: see resdir_calls_close). */
void resdir_free(struct resdir *d);

/* The folder, as given. */
const char *resdir_dir(const struct resdir *d);
/* The run's summary (summary_set_*, summary_rep_*, summary_print after
 * resdir_finish); the resdir owns it. */
struct summary *resdir_summary(struct resdir *d);
/* With keep_json, after resdir_finish: the summary's tree as written (see
 * summary_write_json_keep), the caller's to json_decref; NULL otherwise. */
struct json_t *resdir_take_json(struct resdir *d);
/* Replication r's handle (summary_rep()). */
struct summary_rep *resdir_rep(struct resdir *d, int r);
/* The timeline (replication 0's, fed by the engine); NULL when not written
 * or kept empty (timeline_limit < 0). */
struct timeline *resdir_timeline(struct resdir *d);

/*
 * Creates calls.csv with its header (without RESDIR_CALLS: does nothing).
 * With calls_cap 0 the file holds the header alone: every result folder has
 * it. Returns 0 or errno.
 */
int resdir_calls_open(struct resdir *d);
/* True while calls.csv takes rows (open, cap not reached): an engine may skip
 * filling a record's strings when not (the model does, per call). */
bool resdir_wants_calls(const struct resdir *d);
/*
 * Writes r's row when calls.csv wants it (else nothing; nothing either
 * after a write error): no copy, no allocation (but for a long key,
 * callrec_csv_write). From one thread only (the model: replication 0's).
 * Returns 0 or the write error, which resdir_calls_close returns again.
 */
int resdir_call(struct resdir *d, const struct callrec *r);
/*
 * Closes calls.csv. Returns 0 or the first error of its rows or its close
 * (the caller says what that does to the run: resdir_set_error). Called by
 * resdir_finish when the caller did not.
 */
int resdir_calls_close(struct resdir *d);

/*
 * A span [from, to) of the center's state for timeline.csv (replication
 * 0's, from the engine's thread): calls ringing, operators and backup staff
 * busy. Nothing when the folder has no timeline. (The model feeds its
 * timeline directly: it is its inner loop.)
 */
void resdir_span(struct resdir *d, rb_us from, rb_us to, int ringing, int ops_busy,
		 int backup_busy);

/*
 * An extra table a command writes into the folder beside the three files
 * (a planner's requirements.csv, the operators' legs): CSV with a header
 * row, cells quoted as RFC 4180 wants (a comma, quote or line break).
 * Written under a temporary name and renamed at resdir_table_close, so a
 * reader never sees half of one; tables still open at resdir_finish are
 * closed there, before summary.json (a table that cannot be written is then
 * the run's error, "NAME could not be written", as calls.csv's is).
 */
struct resdir_table;
/*
 * Opens DIR/name (a plain file name: no '/', not one of the folder's own
 * files) and writes its header, ncol >= 1 column names. Returns 0 with *tp
 * (owned by d until closed), EINVAL for a bad name or no columns, ENOMEM, or
 * the errno of creating it.
 */
int resdir_table_open(struct resdir *d, const char *name, const char *const *cols, size_t ncol,
		      struct resdir_table **tp);
/* One row of ncol cells (NULL: empty). Returns 0 or the write error (kept:
 * resdir_table_close returns it again, and the file is not renamed). */
int resdir_table_row(struct resdir_table *t, const char *const *cells);
/* Writes the table under its name. Returns 0 or the first error of its
 * rows, its close or its rename (then no file of that name is left). */
int resdir_table_close(struct resdir_table *t);

/* Where timeline.csv ends (scenario time): default the scenario's end, or 0. */
void resdir_set_timeline_end(struct resdir *d, rb_us end);
/* The run's time zero, µs since the epoch, when known only once it ran (a
 * capture's first packet); before resdir_finish. */
void resdir_set_t0_epoch(struct resdir *d, rb_us t0);
/* An extra top-level member of summary.json (summary_set_extra; value stolen). */
void resdir_set_extra(struct resdir *d, const char *key, struct json_t *value);
/* The run failed: verdict error, with why (summary_set_error). */
void resdir_set_error(struct resdir *d, const char *why);

/*
 * Ends the run: closes calls.csv if still open (a row or close error: the
 * run failed, "calls.csv could not be written", and no timeline.csv), then
 * the extra tables still open (likewise, "NAME could not be written"),
 * writes timeline.csv (its failure: the run failed, "timeline.csv could not
 * be written", and summary.json says so), finishes the summary and writes
 * summary.json. Call once. Returns 0, or the errno of the file in
 * res->failed, or ENOMEM (res->failed NULL); res is filled either way (exit
 * code 3 on an error).
 */
int resdir_finish(struct resdir *d, struct resdir_result *res);
/*
 * The run could not be made: verdict error with why, summary.json alone is
 * written (calls.csv is closed as it is, no timeline). Instead of
 * resdir_finish. Returns and fills res as resdir_finish does.
 */
int resdir_abort(struct resdir *d, const char *why, struct resdir_result *res);

#endif
