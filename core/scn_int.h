/*
 * scn_int: the scenario loader's private helpers (scn_yaml.c), shared by
 * scn_load.c and scn_sections.c. Not part of the public interface.
 *
 * The loader walks libyaml's document tree. Every helper that finds bad input
 * writes "NAME:LINE:COL: message" into the context (the first error wins)
 * and returns EINVAL; callers just propagate the non-zero return.
 */
#ifndef RB_SCN_INT_H
#define RB_SCN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "scn.h"

struct scn_ctx {
	yaml_document_t *doc;
	const char *name; /* the file name in messages */
	const char *dir;  /* the scenario's folder, for empirical_csv and traces ("" = cwd) */
	bool trace_phases; /* parsing a trace's phases: no rates, no bursts */
	char *err;
	size_t errlen;
	bool failed;
};

/* Writes "name:line:col: message" (node's start mark) once; returns EINVAL. */
int scn_err(struct scn_ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Checks that n is a mapping whose keys are plain scalars from keys (NULL
 * terminated), none repeated. what names the mapping in messages ("center").
 */
int scn_map_check(struct scn_ctx *c, yaml_node_t *n, const char *what, const char *const *keys);
/* The value of key in mapping n, or NULL when absent. */
yaml_node_t *scn_map_get(struct scn_ctx *c, yaml_node_t *n, const char *key);
/* As scn_map_get, failing with "missing key 'key' (why)" when absent. */
int scn_map_need(struct scn_ctx *c, yaml_node_t *n, const char *key, const char *why,
		 yaml_node_t **out);

/* The scalar's text, or NULL when n is not a scalar. */
const char *scn_scalar(const yaml_node_t *n);
bool scn_is_scalar(const yaml_node_t *n, const char *text);

int scn_seq_check(struct scn_ctx *c, yaml_node_t *n, const char *what, bool nonempty);
size_t scn_seq_len(const yaml_node_t *n);
yaml_node_t *scn_seq_item(struct scn_ctx *c, const yaml_node_t *n, size_t i);

int scn_num(struct scn_ctx *c, yaml_node_t *n, double *out);
/* A number in [lo, hi]; what names it in the range message. */
int scn_num_range(struct scn_ctx *c, yaml_node_t *n, const char *what, double lo, double hi,
		  double *out);
int scn_int(struct scn_ctx *c, yaml_node_t *n, const char *what, long lo, long hi, long *out);
int scn_bool(struct scn_ctx *c, yaml_node_t *n, bool *out);
/* A non-empty string (any scalar), duplicated into *out (caller frees). */
int scn_str(struct scn_ctx *c, yaml_node_t *n, char **out);
/*
 * Every duration, and every parameter of a distribution, is at most RV_MAX_S
 * (rv.h: 1e9 s), the longest draw; with it, no sum of a few scenario times
 * can overflow int64 microseconds. scenarios/README.md (Limits) lists every
 * bound.
 */
#define SCN_MAX_S_TEXT "1e9 s (about 31 years)"
/* Calls a second in any phase or interval: far beyond any answering center;
 * above it the mean gap between calls would be under 100 µs. */
#define SCN_MAX_RATE_PER_S 10000.0
/* A distribution's parameter in seconds, at most RV_MAX_S (what names it). */
int scn_dist_param(struct scn_ctx *c, yaml_node_t *n, const char *what, double *out);
/* Seconds >= 0 (> 0 unless allow_zero, and then at least 1 µs), at most
 * RV_MAX_S, to microseconds. */
int scn_secs(struct scn_ctx *c, yaml_node_t *n, const char *what, bool allow_zero, rb_us *out);
/* A distribution (a bare number means fixed); never only when allow_never. */
int scn_dist(struct scn_ctx *c, yaml_node_t *n, bool allow_never, struct rv_dist *d);
/* Deep copy (empirical values). Returns 0 or ENOMEM. */
int scn_dist_copy(struct rv_dist *dst, const struct rv_dist *src);

/*
 * Names (scn_names.c). The scenario's name: at most SCN_NAME_MAX bytes of
 * ASCII letters, digits, '-', '_', '.' and any non-ASCII (UTF-8) byte, not
 * starting with '.' or '-'. A tenant id: at most SCN_NAME_MAX bytes of ASCII
 * letters, digits, '-' and '_', unique even ignoring case (t[0..idx) are the
 * tenants before it). EINVAL with the message at n.
 */
#define SCN_NAME_MAX 63
int scn_check_name(struct scn_ctx *c, yaml_node_t *n, const char *name);
int scn_check_tenant_id(struct scn_ctx *c, yaml_node_t *n, const struct scn_tenant *t,
			size_t idx);

/*
 * The file's bounds (scn_bounds.c), checked before libyaml builds the
 * document: at most SCN_MAX_BYTES, collections nested at most SCN_MAX_DEPTH
 * deep. Returns 0, ENOMEM, or EINVAL with "name:line:col: ..." in err.
 */
#define SCN_MAX_BYTES (1u << 20)
#define SCN_MAX_DEPTH 64
/* Values and keys, aliases counted as what they repeat (a full 1 MiB list
 * has about 500,000). */
#define SCN_MAX_NODES 1000000
/* An empirical_csv file's values (8 bytes each, kept for every draw). */
#define SCN_MAX_CSV_VALUES 1000000
int scn_check_bounds(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* Sections (scn_sections.c). */
int scn_parse_tenants(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
int scn_parse_callers(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
int scn_parse_load(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
int scn_parse_targets(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
/* load as a day profile (scn_profile.c): load: {profile: ..., bursts: ...}. */
int scn_parse_profile(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
/* load as a trace (scn_trace.c): load: {trace: FILE, phases: [...]}. */
int scn_parse_trace(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
/* A file named in the scenario, relative to its folder, into buf. */
void scn_rel_path(const struct scn_ctx *c, const char *file, char *buf, size_t n);
/* planning: (scn_planning.c), after the load it refers to. */
int scn_parse_planning(struct scn_ctx *c, yaml_node_t *n, struct scenario *s);
/* "HH:MM" to seconds after midnight. */
int scn_clock(struct scn_ctx *c, yaml_node_t *n, const char *what, int *out);

/* Cumulative shares, last exactly 1.0; EINVAL (with message at n) unless they sum to 1. */
int scn_cum_shares(struct scn_ctx *c, yaml_node_t *n, const char *what, const double *shares,
		   size_t count, double **out);

#endif
