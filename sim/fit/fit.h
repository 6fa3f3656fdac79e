/*
 * fit: a scenario from a center's own call history (`ringbench fit`,
 * docs/fit.md).
 *
 *   struct fit_hist *h = fit_hist_new(&ho);
 *   fit_read(h, "queue_log", FIT_AUTO, err, sizeof err);   one per source
 *   fit_hist_finish(h);                                     sort, days, filter
 *   struct fit_result *r; fit_run(h, &fo, &r, err, ...);    the statistics
 *   fit_write_yaml(r, h, "scn.yaml"); fit_write_json(...); fit_write_trace(...)
 *
 * Three readers (fit_qlog.c, fit_cdr.c, fit_calls.c) fill one normalized
 * history: a call is an arrival at the center with its day and time of day,
 * its tenant, its outcome, its wait and talk time, and the no-answer delay
 * it had before reaching the center (the left truncation of its patience).
 * The statistics (fit_arr.c arrivals and bursts, fit_mle.c maximum
 * likelihood with censoring and truncation, fit_km.c Kaplan-Meier with
 * delayed entry) only read that history. The library never prints or
 * exits: errors come back as an errno and a sentence.
 */
#ifndef RB_FIT_H
#define RB_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

enum fit_format { FIT_AUTO = 0, FIT_QUEUE_LOG, FIT_CDR, FIT_CALLS };

enum fit_outcome { FIT_ANSWERED = 0, FIT_ABANDONED, FIT_OTHER };

struct fit_call {
	double epoch;    /* arrival at the center, Unix seconds; NAN when the source has no clock */
	double tod;      /* seconds after local midnight of its day */
	int day;         /* index into the history's days (a date key until fit_hist_finish) */
	int tenant;      /* index into the history's tenants */
	enum fit_outcome outcome;
	double wait;     /* answer or hang-up minus arrival, s; NAN when unknown */
	double talk;     /* answer to end, s; NAN when unknown or not answered */
	double delay;    /* no-answer delay before the center saw it (0: none); NAN unknown */
	double wrapup;   /* after the call, before the operator is free (CDR); NAN unknown */
	bool whole_s;    /* wait and talk are whole seconds (rounded): interval-censored */
	char *call_id;   /* for trace.csv; may be NULL */
	char *agent;     /* who answered; may be NULL */
	const char *event; /* queue_log: the event that ended it (EXITWITHTIMEOUT ...) */
	const char *number; /* the number dialled, when the source has it (not kept) */
};

struct fit_tenant {
	char *id;
	char *number;      /* the number dialled (calls.csv's ruri_user), NULL unknown */
	double delay;      /* the no-answer delay (0 unconditional; NAN unknown) */
	bool delay_given;  /* from --forwarding, not from the data */
	size_t calls;
};

/* Counted warnings of the readers (fit.json "warnings"). */
struct fit_warn {
	uint64_t unknown_events, out_of_order, truncated, unmatched, agent_events;
	char first[256]; /* the first warning's text: file:line: what */
};

struct fit_hist_opts {
	const char *tz;          /* NULL: UTC */
	const char *start_time;  /* calls.csv without a clock: time zero's clock, "HH:MM" (NULL 00:00) */
	const char *days;        /* --days: "mon,tue" or "2026-11-02..2026-11-06"; NULL all */
	char **queue_map;        /* "NAME=TENANT" pairs, NULL-terminated; NULL none */
	char **forwarding;       /* "TENANT=SECONDS" pairs, NULL-terminated */
};

struct fit_hist {
	struct fit_call *calls;
	size_t n, cap;
	struct fit_tenant *tenants;
	size_t n_tenants;
	char (*day_names)[16];   /* "2026-11-02", or "file2" (the second source, no clock) */
	size_t n_days;
	bool have_clock;         /* epochs known (queue_log, CDR, calls.csv with t0_epoch) */
	bool any_whole_s;
	struct fit_warn warn;
	struct fit_hist_opts o;
	struct tzone *zone;
	int start_time_s;        /* time zero's clock for calls.csv without epochs */
	size_t n_sources;
	char formats[64];        /* "queue_log,calls" */
	size_t excluded_days;    /* by --days */
	char *agents_seen;       /* distinct agents, '\n'-separated (count only) */
	size_t n_agents;
};

/* A new empty history (NULL on no memory or an unknown zone: err says). */
struct fit_hist *fit_hist_new(const struct fit_hist_opts *o, char *err, size_t errlen);
void fit_hist_free(struct fit_hist *h);

/*
 * Reads one source into h. fmt FIT_AUTO detects it (SQLite header: CDR; a
 * header line starting "call_id,": calls.csv; else queue_log). Returns 0;
 * EINVAL with err "file:line:column: expected ..., got ..." for input that
 * is not of the format (exit 2); an errno for a file that cannot be read.
 */
int fit_read(struct fit_hist *h, const char *path, enum fit_format fmt, char *err, size_t errlen);
/* "queue_log" "cdr" "calls" to a format; -1 when unknown. */
int fit_format_parse(const char *s);
const char *fit_format_name(enum fit_format f);

/* After every source: sorts by arrival, numbers the days, applies --days.
 * Returns 0, EINVAL (a bad --days, or --days on a source without dates). */
int fit_hist_finish(struct fit_hist *h, char *err, size_t errlen);

/* Internal to the readers: adds a call (copied; strings duplicated) and a tenant by name. */
int fit_hist_add(struct fit_hist *h, const struct fit_call *c);
int fit_tenant_index(struct fit_hist *h, const char *id);
/* Sets tod and day from epoch (the zone), or from a relative time and the day index. */
void fit_hist_clock(struct fit_hist *h, struct fit_call *c, double rel, int day_of_file);
void fit_warn(struct fit_warn *w, uint64_t *counter, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fit_agent_seen(struct fit_hist *h, const char *agent);

/* The statistics. */
struct fit_opts {
	double interval_s;       /* the profile's interval (default 1800) */
	double burst_window_s;   /* the scan window S (default 60) */
	double burst_alpha;      /* false alarms per day (default 0.01) */
	int null_days;           /* Monte Carlo days for the scan's threshold (default 999) */
	uint64_t seed;           /* of that Monte Carlo (default 1) */
	double ks_empirical;     /* the empirical talk time when the best family's KS
	                            distance exceeds ks_empirical / sqrt(n) (default 1.63) */
};
void fit_opts_defaults(struct fit_opts *o);

struct fit_result; /* fit.c */

/* Runs every statistic on h. Returns 0, ENOMEM, or EINVAL (no calls: err). */
int fit_run(const struct fit_hist *h, const struct fit_opts *o, struct fit_result **out, char *err,
	    size_t errlen);
void fit_result_free(struct fit_result *r);
/* fit.json's object (new reference). */
json_t *fit_result_json(const struct fit_result *r);

/* The scenario, fit.json and trace.csv. Return 0 or an errno. */
int fit_write_yaml(const struct fit_result *r, const struct fit_hist *h, const char *path,
		   const char *name);
int fit_write_json(const struct fit_result *r, const char *path);
/* Time zero of trace.csv: t0_tod (the profile's start) on the first day. */
int fit_write_trace(const struct fit_hist *h, double t0_tod, const char *path);
/* The profile's start, seconds after midnight (trace.csv's time zero). */
double fit_result_start(const struct fit_result *r);

/* A few figures for the terminal and tests. */
struct fit_brief {
	size_t calls, answered, abandoned, days, intervals, bursts;
	double dialled_per_day;
	const char *talk_family, *patience_family;
	double talk_mean, patience_median, patience_median_naive, patience_median_km;
};
void fit_result_brief(const struct fit_result *r, struct fit_brief *b);

#endif
