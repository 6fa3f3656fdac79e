/*
 * callrec: one call, as every engine reports it (docs/definitions.md, "A call's
 * path", "Measures" and calls.csv).
 *
 * The model, the live runner and the capture analyzer each fill a struct
 * callrec per call and hand it to the summary (summary.h) and, when asked, to
 * the calls.csv writer below. Times are scenario (or capture) time in
 * microseconds from time zero; RB_T_NONE where not known. Strings are
 * fixed-size and truncated, so a record can live on the stack of a hot loop,
 * except the call's key (Call-ID and From tag), which is compared and written
 * whole: a key that does not fit its inline field is held by the record's
 * producer and pointed at by call_id_long / from_tag_long. Read the key with
 * callrec_call_id() and callrec_from_tag(), never the fields directly.
 */
#ifndef RB_CALLREC_H
#define RB_CALLREC_H

#include <stdbool.h>
#include <stdio.h>

#include "rbtime.h"

enum call_outcome {
	OUTCOME_ANSWERED = 0,
	OUTCOME_ABANDONED,
	OUTCOME_ABANDONED_BEFORE_FORWARD,
	OUTCOME_REJECTED,
	OUTCOME_INCOMPLETE,
	OUTCOME_COUNT
};

enum call_fwd {
	FWD_UNKNOWN = 0,
	FWD_UNCONDITIONAL,
	FWD_NO_ANSWER,
};

/* "answered", "abandoned", ... as in calls.csv; NULL for an invalid value. */
const char *call_outcome_name(enum call_outcome o);
/* "unconditional", "no-answer", or "" for unknown. */
const char *call_fwd_name(enum call_fwd f);
/* Parses the names above; returns 0 or EINVAL. */
int call_outcome_parse(const char *s, enum call_outcome *o);
int call_fwd_parse(const char *s, enum call_fwd *f);

struct callrec {
	/*
	 * The numbers first, side by side: the summary reads only these and the
	 * model fills them for every call, so a record's per-call work touches
	 * three cache lines instead of numbers spread between 600 bytes of
	 * strings (which only calls.csv and call handlers want).
	 */
	rb_us no_answer;      /* the no-answer delay applied; 0 unconditional;
			       * RB_T_NONE not known (callrec_init) */
	rb_us t_dial, t_invite, t_ringing, t_answer, t_cancel, t_final, t_end;
	rb_us wait;           /* RB_T_NONE unless answered or abandoned at the center */
	rb_us ring_time;      /* first 180/183 to 2xx (captures) */
	rb_us srd;            /* INVITE to first 180/183 */
	rb_us duration;       /* answer to end of the call */
	int final_status;     /* 0 when none */
	enum call_outcome outcome;
	int screened;         /* 1 yes, 0 no, -1 unknown (empty in the file) */
	int rings;            /* 0 when not known */
	int rings_heard;      /* 0 when not known */
	enum call_fwd forwarding;
	bool redial;

	/* Not in the file: indexes the summary groups by. -1 when none. */
	bool counted;         /* false for warm-up calls: simulated, not counted */
	int phase;            /* index into the scenario's phases */
	int tenant_idx;       /* index into the scenario's tenants */
	int type_idx;         /* index into the scenario's caller types */
	/*
	 * Not in the file: the model's draws for the call (µs), the same for the
	 * same seed whatever the staffing; RB_T_NONE when not drawn (another
	 * engine, or no backup staff in any phase for drawn_backup_pickup).
	 * Filled only for call handlers and calls.csv, not for the summary.
	 */
	rb_us drawn_patience, drawn_talk, drawn_pickup, drawn_backup_pickup, drawn_wrapup;

	/* The key: inline when it fits (the model's and SIPp's always do), else
	 * the inline field is empty and the *_long pointer has it whole,
	 * NUL-terminated, owned by whoever filled the record (the analyzer: valid
	 * during its done hook). NULL when the inline field holds the value.
	 * callrec_set_key() fills both ways. */
	const char *call_id_long;
	const char *from_tag_long;
	char call_id[96];
	char from_tag[64];
	char tenant[64];      /* tenant id (or Request-URI user when unknown) */
	char caller_type[24]; /* "" when unknown */
	char answered_by[32]; /* "op3", "backup1", or "" */
	char diversion_reason[24];
	char history_info_cause[8];
	char ruri_user[64];
	char transport[8];    /* "udp", "tcp", or "" */
	char src[64], dst[64]; /* "addr:port" */
	/* Not in the file: the X-RB-Call header of the first INVITE (captures),
	 * ringbench live's key of the caller's call ("rbl0-17"), which a center
	 * passes on to the operator legs it starts for that call: what links
	 * a leg to its caller (sim/live, operator_legs.csv). "" when none. */
	char rb_call[32];
};

/*
 * Clears r: every time and duration RB_T_NONE (no_answer too), strings
 * empty, outcome incomplete, screened -1, rings 0, indexes -1, counted true.
 */
void callrec_init(struct callrec *r);

/* The Call-ID and the From tag, whole (inline or long); never NULL. */
static inline const char *callrec_call_id(const struct callrec *r)
{
	return r->call_id_long ? r->call_id_long : r->call_id;
}
static inline const char *callrec_from_tag(const struct callrec *r)
{
	return r->from_tag_long ? r->from_tag_long : r->from_tag;
}

/*
 * Sets the key from call_id and from_tag (NUL-terminated): each is copied
 * into its inline field when it fits, else the record points at it
 * (*_long), so the caller keeps that string alive as long as the record is
 * read. Never truncates.
 */
void callrec_set_key(struct callrec *r, const char *call_id, const char *from_tag);
/* The same with the lengths known (each string's strlen; NUL-terminated). */
void callrec_set_key_n(struct callrec *r, const char *call_id, size_t call_id_len,
		       const char *from_tag, size_t from_tag_len);

/*
 * Fills wait, rings and rings_heard from the times, outcome and no-answer
 * delay (docs/definitions.md, Measures): the one place that arithmetic lives.
 * Wait: t_answer − t_invite (answered), t_cancel − t_invite (abandoned; the
 * final answer's time when no CANCEL was seen), RB_T_NONE otherwise. Rings
 * heard add no_answer only under no-answer forwarding (0, unknown, when that
 * delay is RB_T_NONE). Also fills srd, ring_time and duration when they are
 * RB_T_NONE and the times give them.
 */
void callrec_derive(struct callrec *r, rb_us ring_period);
/*
 * Only wait, rings and rings_heard, from the fields they come from (t_invite,
 * outcome, t_answer, t_cancel, t_final, forwarding, no_answer): what the
 * summary reads. For an engine whose record goes nowhere else (the model
 * with no calls.csv and no call handler); callrec_derive does this first.
 */
void callrec_derive_wait(struct callrec *r, rb_us ring_period);

/*
 * The wait alone (callrec_derive_wait's first step): t_answer − t_invite
 * for an answered call, (t_cancel, else t_final) − t_invite for one
 * abandoned at the center, RB_T_NONE otherwise or when a time is missing;
 * never negative. Inline for the model, whose summary entry
 * (summary_rep_add) takes the wait and not a whole record.
 */
static inline rb_us callrec_wait_of(enum call_outcome outcome, rb_us t_invite, rb_us t_answer,
				    rb_us t_cancel, rb_us t_final)
{
	rb_us end = RB_T_NONE;
	if (outcome == OUTCOME_ANSWERED)
		end = t_answer;
	else if (outcome == OUTCOME_ABANDONED)
		end = t_cancel != RB_T_NONE ? t_cancel : t_final;
	if (t_invite == RB_T_NONE || end == RB_T_NONE)
		return RB_T_NONE;
	/* clocks of two hosts: never a negative wait */
	return end > t_invite ? end - t_invite : 0;
}

/* The calls.csv header line (with "\n"), columns in the contract's order. */
const char *callrec_csv_header(void);
/*
 * Writes one row (with "\n"), quoting fields per RFC 4180; times as seconds
 * with six decimals, empty where not known; the key whole. Returns 0 or an
 * errno (ENOMEM only for a row with a long key, which needs the heap).
 */
int callrec_csv_write(FILE *f, const struct callrec *r);

#endif
