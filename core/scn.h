/*
 * scn: the scenario model and its YAML loader (scenarios/README.md documents
 * every key, unit and default).
 *
 * scn_load() reads a scenario file into a struct scenario: every duration in
 * microseconds, every rate per second, every share checked (shares must sum
 * to 1 within 1e-9: an error, never silently normalised). Bad input is
 * reported as "FILE:LINE:COL: what was expected" in err and the call fails
 * with EINVAL (ENOENT etc. for a file that cannot be read); nothing is
 * allocated then. The model, secretaryd and the live runner all read the
 * same struct.
 */
#ifndef RB_SCN_H
#define RB_SCN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callrec.h"
#include "rbtime.h"
#include "rv.h"
#include "scn_planning.h"
#include "trace.h"

enum scn_mobile {
	MOBILE_NONE = 0, /* never give the client's mobile number */
	MOBILE_ANY,      /* any caller who will not give a number (free) */
	MOBILE_LISTED,   /* only listed callers (paid spot registration) */
};

struct scn_tenant {
	char *id;
	char *number;     /* the tenant's number: the Request-URI user */
	char *name;       /* answering name (validated, docs/service.md Q9) */
	double share;
	enum call_fwd forwarding; /* FWD_UNCONDITIONAL or FWD_NO_ANSWER */
	rb_us no_answer;  /* the client's phone rings this long first */
	int floor;        /* 0-based; default: position modulo floors; 0 when pooled */
	enum scn_mobile mobile;
	char **listed;    /* MOBILE_LISTED: callers' numbers */
	size_t n_listed;
	char *mobile_number; /* NULL when none registered */
	char *report_to;     /* call report address; NULL when none */
};

struct scn_ctype {
	char *name;          /* inquiry, sales, court, no_callback, test, ... */
	double share;
	struct rv_dist talk;
	double screen_prob;  /* 0 when not screened */
	struct rv_dist screened_talk; /* valid when screen_prob > 0 */
	bool refuses_callback; /* no_callback-like: gives no number */
};

struct scn_burst {
	rb_us at;     /* from the phase's start */
	rb_us within; /* spread uniformly over [at, at + within] */
	int calls;
};

struct scn_phase {
	char *name;
	rb_us start;     /* from time zero: sum of the earlier durations */
	rb_us duration;
	double rate_per_s;
	int operators;   /* -1: unchanged (pooled total) */
	int *floor_ops;  /* NULL: unchanged, or pooled; else n_floors counts (when a
			  * phase gives only `operators` under floors, the loader
			  * splits them like the center, largest remainder) */
	int backup;      /* -1: unchanged */
	struct scn_burst *bursts;
	size_t n_bursts;
};

enum scn_measure { MEASURE_SLA = 0, MEASURE_ANSWERED_WITHIN, MEASURE_SL, MEASURE_SL2 };
enum scn_count { COUNT_CENTER = 0, COUNT_HEARD };
enum scn_target_kind { TARGET_RINGS = 0, TARGET_ABANDON_MAX, TARGET_ABANDON_BEFORE_FORWARD_MAX };

struct scn_target {
	enum scn_target_kind kind;
	char *phase;  /* NULL: the whole run */
	int phase_idx; /* -1: the whole run */
	int rings;    /* TARGET_RINGS: 1..10 */
	double min;   /* TARGET_RINGS */
	double max;   /* the abandon targets */
	enum scn_measure measure;
	enum scn_count count;
};

/*
 * How a staff member's phone is rung (center.phone, center.backup.phone;
 * docs/definitions.md "Ringing a phone"). A ring that is not answered within
 * ring_timeout (the pick-up draw longer than it, or a no-answer with
 * probability no_answer) is cancelled; the member is then not ready for
 * not_ready. ring_timeout 0: no phone settings, pick-up as drawn (the
 * behaviour without the key).
 */
struct scn_phone {
	rb_us ring_timeout;   /* > 0 when set; 0: never times out */
	double no_answer;     /* [0, 1) */
	rb_us not_ready;      /* >= 0 */
};

/* True when p changes anything (the key was given). */
static inline bool scn_phone_on(const struct scn_phone *p)
{
	return p->ring_timeout > 0;
}

struct scn_center {
	int operators;        /* total; with floors, the sum of floor_ops */
	struct scn_phone phone;        /* operators' phones */
	struct scn_phone backup_phone; /* backup's: center.phone unless given */
	struct rv_dist pickup;
	int backup;           /* backup staff */
	int join_after_rings; /* backup takes a call after this many rings */
	struct rv_dist backup_pickup;
	struct rv_dist wrapup;
	int n_floors;         /* 1 when pooled */
	int *floor_ops;       /* n_floors operator counts */
};

struct scn_callers {
	struct rv_dist patience; /* from t_dial; RV_NEVER: nobody abandons */
	bool redial;
	double redial_prob;
	struct rv_dist redial_after;
	struct scn_ctype *types;
	size_t n_types;
	double *type_cum;     /* cumulative shares, for rv_pick */
};

/* secretaryd's settings (issue: call reports); flags override them. */
struct scn_server {
	char *delivery;       /* "maildir" (default) or "smtp" */
	char *smtp_host;
	int smtp_port;        /* default 25 */
	bool smtp_starttls;
	char *smtp_from;
	char **refused_labels; /* extra answering-name labels refused */
	size_t n_refused_labels;
	char *admin;          /* admin address "127.0.0.1:8080", "off" */
	char *admin_email;
	char *timezone;       /* tz database name for local times; SCN_DEFAULT_TIMEZONE */
};

/* The service's country: call reports and the wallboard speak its time. */
#define SCN_DEFAULT_TIMEZONE "Asia/Tokyo"

struct scn_run {
	uint64_t seed;        /* default 1 */
	int replications;     /* default 1 */
	rb_us warmup;         /* default 0 */
};

struct scenario {
	char *path;           /* as given to scn_load */
	char *name;           /* default: the file name without .yaml */
	char *description;    /* free text; NULL when none */
	char sha256[65];      /* of the file's bytes, lower-case hex */
	rb_us ring_period;    /* default 3 s */
	struct scn_center center;
	struct scn_tenant *tenants;
	size_t n_tenants;
	double *tenant_cum;   /* cumulative shares, for rv_pick */
	struct scn_callers callers;
	struct scn_phase *phases;
	size_t n_phases;
	rb_us end;            /* end of the last phase */
	int start_time_s;     /* clock time of time zero, seconds after midnight in
			       * the scenario's time zone (start_time); -1: not given */
	rb_us interval;       /* load given as a profile: its interval; 0: phases */
	struct trace *trace;  /* load: {trace: FILE}: the recorded calls, replayed
			       * instead of Poisson arrivals (every phase's rate 0,
			       * no bursts, no redial model); NULL: none */
	struct scn_target *targets;
	size_t n_targets;
	struct scn_run run;
	struct scn_server server;
	struct scn_planning *planning; /* `planning:` (ringbench plan); NULL: none */
};

/*
 * Loads path. On success *out is a new scenario (free with scn_free) and 0 is
 * returned. On failure returns EINVAL (bad content) or an errno from opening
 * the file, writes "path:line:col: message" into err (errlen bytes), and
 * *out is untouched.
 */
int scn_load(const char *path, struct scenario **out, char *err, size_t errlen);
/* The same from a string in memory; name is used in messages. */
int scn_load_string(const char *text, size_t len, const char *name, struct scenario **out,
		    char *err, size_t errlen);
void scn_free(struct scenario *s);
/*
 * A deep copy of s (free with scn_free), to change without parsing the file
 * again (a sweep's grid points). Returns 0 or ENOMEM (*out untouched). A
 * pointer added to struct scenario is copied in core/scn_dup.c too (its
 * test, check_scn's test_dup_is_deep, frees the original first).
 */
int scn_dup(const struct scenario *s, struct scenario **out);
/*
 * Flat staffing (`sweep --operators/--backup`, a suite entry's `operators`
 * and `backup`): operators, when >= 0, on shift through the whole run,
 * split evenly over the scenario's floors (a phase's own shift is
 * replaced); backup likewise. Returns 0 or ENOMEM (s unchanged).
 */
int scn_staff_flat(struct scenario *s, int operators, int backup);
/*
 * The most operators (all floors together) and backup staff the scenario
 * ever has on shift at once: the staff ids dispatch can hand out (it numbers
 * them 1.. and reuses ids across shifts), for secretaryd's operators file
 * checks and live's generated one.
 */
void scn_staff_max(const struct scenario *s, int *ops, int *backup);

/* Index of the phase named name, or -1. */
int scn_phase_index(const struct scenario *s, const char *name);
/* Index of the phase containing scenario time t, or -1 past the end. */
int scn_phase_at(const struct scenario *s, rb_us t);
/* Index of the tenant whose number is number, or -1. */
int scn_tenant_by_number(const struct scenario *s, const char *number);
int scn_tenant_by_id(const struct scenario *s, const char *id);

/*
 * Parses a target as written on a command line (--target) or in a suite
 * file, "[PHASE:]K:F[:MEASURE]", into *t: MEASURE (sla, answered_within, sl
 * or sl2; default sla) within K rings (1..10) at least F (0..1), counted at
 * the center, in the phase PHASE (a phase of s, checked when s is not NULL)
 * or, without PHASE, over the whole run. A phase name may itself hold ':'
 * (the fields are taken from the right). The one parser of this form: model,
 * live, sweep, analyze, erlang and suite all use it. Returns 0 (t->phase is
 * then NULL or allocated: scn_target_clear frees it), ENOMEM, or EINVAL with
 * "--target 'ARG': ..." in err (may be NULL) saying the form expected or,
 * for an unknown phase, the scenario's phase names.
 */
int scn_target_parse(const char *arg, const struct scenario *s, struct scn_target *t, char *err,
		     size_t errlen);
void scn_target_clear(struct scn_target *t);
/* The target as --target would spell it: "peak:5:0.9", "3:0.8:sl2", "abandon<=0.05". */
void scn_target_label(const struct scn_target *t, char *buf, size_t n);
/*
 * Replaces s's targets with args[0..n) parsed by scn_target_parse (phases
 * checked against s). On failure s is untouched. Returns 0, ENOMEM or EINVAL
 * (message in err).
 */
int scn_targets_replace(struct scenario *s, const char *const *args, size_t n, char *err,
			size_t errlen);

#endif
