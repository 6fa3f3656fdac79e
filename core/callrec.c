/*
 * callrec: outcome and forwarding names, the derived measures of one call
 * and the calls.csv writer; see callrec.h and docs/results.md.
 */
#include "callrec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ring.h"

static const char *const outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_ANSWERED] = "answered",
	[OUTCOME_ABANDONED] = "abandoned",
	[OUTCOME_ABANDONED_BEFORE_FORWARD] = "abandoned_before_forward",
	[OUTCOME_REJECTED] = "rejected",
	[OUTCOME_INCOMPLETE] = "incomplete",
};

const char *call_outcome_name(enum call_outcome o)
{
	if ((int)o < 0 || o >= OUTCOME_COUNT)
		return NULL;
	return outcome_names[o];
}

const char *call_fwd_name(enum call_fwd f)
{
	switch (f) {
	case FWD_UNCONDITIONAL:
		return "unconditional";
	case FWD_NO_ANSWER:
		return "no-answer";
	default:
		return "";
	}
}

int call_outcome_parse(const char *s, enum call_outcome *o)
{
	if (!s)
		return EINVAL;
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		if (!strcmp(s, outcome_names[i])) {
			*o = (enum call_outcome)i;
			return 0;
		}
	}
	return EINVAL;
}

int call_fwd_parse(const char *s, enum call_fwd *f)
{
	if (!s)
		return EINVAL;
	if (!strcmp(s, "unconditional"))
		*f = FWD_UNCONDITIONAL;
	else if (!strcmp(s, "no-answer"))
		*f = FWD_NO_ANSWER;
	else if (!s[0])
		*f = FWD_UNKNOWN;
	else
		return EINVAL;
	return 0;
}

void callrec_init(struct callrec *r)
{
	memset(r, 0, sizeof(*r));
	r->forwarding = FWD_UNKNOWN;
	r->no_answer = RB_T_NONE;
	r->t_dial = r->t_invite = r->t_ringing = r->t_answer = RB_T_NONE;
	r->t_cancel = r->t_final = r->t_end = RB_T_NONE;
	r->outcome = OUTCOME_INCOMPLETE;
	r->screened = -1;
	r->wait = RB_T_NONE;
	r->ring_time = r->srd = r->duration = RB_T_NONE;
	r->phase = r->tenant_idx = r->type_idx = -1;
	r->counted = true;
	r->drawn_patience = r->drawn_talk = r->drawn_pickup = RB_T_NONE;
	r->drawn_backup_pickup = r->drawn_wrapup = RB_T_NONE;
}

/* memcpy for a few dozen bytes: 8 a step, the tail as the 8 ending there
 * (GCC turned the variable memcpy into `rep movsq`, whose start-up cost
 * more than a Call-ID's copy: once per call reported). */
static inline void copy_short(char *d, const char *s, size_t n)
{
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
		return;
	}
	uint64_t w;
	for (size_t i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		memcpy(d + i, &w, 8);
	}
	memcpy(&w, s + n - 8, 8);
	memcpy(d + n - 8, &w, 8);
}

/* Copies s (n bytes) into the inline field when it fits; else points at it. */
static void set_key_field(char *field, size_t cap, const char **lng, const char *s, size_t n)
{
	if (n < cap) {
		copy_short(field, s, n + 1);
		*lng = NULL;
	} else {
		field[0] = '\0';
		*lng = s;
	}
}

void callrec_set_key(struct callrec *r, const char *call_id, const char *from_tag)
{
	callrec_set_key_n(r, call_id, strlen(call_id), from_tag, strlen(from_tag));
}

void callrec_set_key_n(struct callrec *r, const char *call_id, size_t call_id_len,
		       const char *from_tag, size_t from_tag_len)
{
	set_key_field(r->call_id, sizeof(r->call_id), &r->call_id_long, call_id, call_id_len);
	set_key_field(r->from_tag, sizeof(r->from_tag), &r->from_tag_long, from_tag,
		      from_tag_len);
}

void callrec_derive_wait(struct callrec *r, rb_us ring_period)
{
	rb_us wait = callrec_wait_of(r->outcome, r->t_invite, r->t_answer, r->t_cancel, r->t_final);
	r->wait = wait;
	r->rings = 0;
	r->rings_heard = 0;
	if (wait != RB_T_NONE && ring_period > 0) {
		r->rings = ring_count(wait, ring_period);
		if (r->forwarding != FWD_NO_ANSWER)
			r->rings_heard = r->rings;
		else if (r->no_answer != RB_T_NONE)
			r->rings_heard = ring_heard(r->no_answer, wait, ring_period);
	}
}

void callrec_derive(struct callrec *r, rb_us ring_period)
{
	callrec_derive_wait(r, ring_period);
	/* Timings the engines may leave to us, when they can be known. */
	if (r->srd == RB_T_NONE && r->t_ringing != RB_T_NONE && r->t_invite != RB_T_NONE)
		r->srd = r->t_ringing - r->t_invite;
	if (r->outcome == OUTCOME_ANSWERED && r->t_answer != RB_T_NONE) {
		if (r->ring_time == RB_T_NONE && r->t_ringing != RB_T_NONE)
			r->ring_time = r->t_answer - r->t_ringing;
		if (r->duration == RB_T_NONE && r->t_end != RB_T_NONE)
			r->duration = r->t_end - r->t_answer;
	}
}

const char *callrec_csv_header(void)
{
	return "call_id,from_tag,tenant,caller_type,redial,forwarding,no_answer_s,t_dial,"
	       "t_invite,t_ringing,t_answer,t_cancel,t_final,t_end,final_status,outcome,"
	       "screened,wait_s,rings,rings_heard,ring_time_s,srd_s,answered_by,duration_s,"
	       "diversion_reason,history_info_cause,ruri_user,transport,src,dst\n";
}

/* A row's buffer: one fwrite per row. Every field but the key has a fixed
 * size, so rows fit the inline buffer; a long Call-ID or From tag (a capture's)
 * moves the row to the heap, the model's rows never do. */
struct line {
	char ib[2048]; /* > twice every fixed string field plus the times */
	char *b;       /* ib, or heap */
	size_t n, cap;
	bool nomem;
};

/* Grows the row's buffer for len more bytes (a long key's row only). */
static bool grow(struct line *l, size_t len)
{
	size_t cap = l->cap;
	while (len >= cap - l->n)
		cap *= 2;
	char *b = l->b == l->ib ? malloc(cap) : realloc(l->b, cap);
	if (!b) {
		l->nomem = true;
		return false;
	}
	if (l->b == l->ib)
		memcpy(b, l->ib, l->n);
	l->b = b;
	l->cap = cap;
	return true;
}

static inline void put(struct line *l, const char *s, size_t len)
{
	if (l->nomem || (len >= l->cap - l->n && !grow(l, len)))
		return;
	memcpy(l->b + l->n, s, len);
	l->n += len;
}

/* The bytes that end the plain copy: NUL (the field's end), and those that
 * make a field quoted (RFC 4180): , " CR LF. */
static const unsigned char csv_stop[256] = {[0] = 1, [','] = 1, ['"'] = 1, ['\r'] = 1,
					    ['\n'] = 1};

/*
 * Copies s to o 16 bytes at a time while no stop byte (csv_stop) is among
 * them, reading only [s, s + max); returns the bytes known plain (the
 * byte loop goes on from there). Writes up to 16 bytes past them, within
 * the room put_str made. A row's fields are short: one or two steps
 * instead of a step a byte.
 */
static inline size_t plain_run(char *o, const char *s, size_t max)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i z = _mm_setzero_si128(), cm = _mm_set1_epi8(','), qu = _mm_set1_epi8('"'),
		      cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
	for (; i + 16 <= max; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, z), _mm_cmpeq_epi8(v, cm)),
					 _mm_or_si128(_mm_cmpeq_epi8(v, qu),
						      _mm_or_si128(_mm_cmpeq_epi8(v, cr),
								   _mm_cmpeq_epi8(v, lf))));
		_mm_storeu_si128((__m128i *)(void *)(o + i), v);
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
#else
	(void)o;
	(void)s;
	(void)max;
#endif
	return i;
}

/* A text field of at most max bytes (all readable) (NUL-terminated if shorter), quoted
 * per RFC 4180 when it holds , " CR or LF: copied in one pass into room
 * made for the worst case (every byte a doubled quote). */
/* (always inline, as put_time and put_int: a row calls them 30 times, and
 * GCC kept them out of line, a call and its spills a field) */
static inline __attribute__((always_inline)) void put_str(struct line *l, const char *s,
							      size_t max, bool comma)
{
	char *o = l->b + l->n; /* room: reserve_row */
	if (max == 0 || !s[0]) { /* an empty field (half of a capture's row) */
		l->n += comma;
		*o = ',';
		return;
	}
	if (comma)
		*o++ = ',';
	size_t i = plain_run(o, s, max);
	for (; i < max && !csv_stop[(unsigned char)s[i]]; i++)
		o[i] = s[i];
	if (i < max && s[i]) {
		size_t len = i + strnlen(s + i, max - i);
		*o++ = '"';
		for (i = 0; i < len; i++) {
			if (s[i] == '"')
				*o++ = '"';
			*o++ = s[i];
		}
		*o++ = '"';
		i = 0;
	}
	l->n = (size_t)(o + i - l->b);
}

#define PUT_STR(l, field) put_str((l), (field), sizeof(field), true)

/* Times and numbers by integer arithmetic (rb_fmt_s_raw), no snprintf:
 * a row holds a dozen of them. */
/* (Both format straight into the row: a copy of a variable length from a
 * local buffer was a libc call per field.) */
static inline __attribute__((always_inline)) void put_time(struct line *l, rb_us t)
{
	char *b = l->b + l->n; /* room: reserve_row */
	b[0] = ',';
	int n = 1;
	if (t != RB_T_NONE)
		n += rb_fmt_s_raw(b + 1, t);
	l->n += (size_t)n;
}

static inline __attribute__((always_inline)) void put_int(struct line *l, long v, bool known)
{
	char *b = l->b + l->n; /* room: reserve_row */
	b[0] = ',';
	int n = 1;
	if (known) {
		uint64_t a = (uint64_t)v;
		if (v < 0) {
			b[n++] = '-';
			a = (uint64_t)(-(v + 1)) + 1;
		}
		n += rb_fmt_u64(b + n, a);
	}
	l->n += (size_t)n;
}

/* Room for a text field of max bytes (every byte a doubled quote, the
 * quotes, the comma), for a time and for a number. */
#define ROOM_STR(max) (2 * (max) + 3)
#define ROOM_FIELD(f) ROOM_STR(sizeof(((struct callrec *)0)->f))
#define ROOM_TIME     (1 + RB_FMT_S_MAX)
#define ROOM_INT      24
/* Everything after the key, at most: 9 text fields, forwarding and outcome
 * names (16 and 32 bytes at most, as read below), 12 times, 5 numbers, LF. */
#define ROOM_FIXED                                                                       \
	(ROOM_FIELD(tenant) + ROOM_FIELD(caller_type) + ROOM_FIELD(answered_by) +       \
	 ROOM_FIELD(diversion_reason) + ROOM_FIELD(history_info_cause) +                  \
	 ROOM_FIELD(ruri_user) + ROOM_FIELD(transport) + ROOM_FIELD(src) + ROOM_FIELD(dst) + \
	 ROOM_STR(16) + ROOM_STR(32) + 12 * ROOM_TIME + 5 * ROOM_INT + 1)

/* The room a whole row can take, made once (the heap only for a long key):
 * the writers above then check nothing, where a check per field (30 of
 * them, each with its call) cost as much as the digits. */
static bool reserve_row(struct line *l, size_t cid_len, size_t tag_len)
{
	size_t need = ROOM_STR(cid_len) + ROOM_STR(tag_len) + ROOM_FIXED;
	return need < l->cap || grow(l, need);
}

int callrec_csv_write(FILE *f, const struct callrec *r)
{
	struct line l;
	l.b = l.ib;
	l.n = 0;
	l.cap = sizeof(l.ib);
	l.nomem = false;

	const char *cid = callrec_call_id(r), *tag = callrec_from_tag(r);
	size_t cid_len = strlen(cid), tag_len = strlen(tag);
	if (!reserve_row(&l, cid_len, tag_len))
		return ENOMEM;
	put_str(&l, cid, cid_len, false);
	put_str(&l, tag, tag_len, true);
	PUT_STR(&l, r->tenant);
	PUT_STR(&l, r->caller_type);
	put_int(&l, r->redial ? 1 : 0, true);
	/* (names: their own length, as plain_run reads max bytes) */
	const char *fw = call_fwd_name(r->forwarding);
	put_str(&l, fw, strlen(fw), true);
	put_time(&l, r->no_answer);
	put_time(&l, r->t_dial);
	put_time(&l, r->t_invite);
	put_time(&l, r->t_ringing);
	put_time(&l, r->t_answer);
	put_time(&l, r->t_cancel);
	put_time(&l, r->t_final);
	put_time(&l, r->t_end);
	put_int(&l, r->final_status, r->final_status > 0);
	const char *oc = call_outcome_name(r->outcome);
	oc = oc ? oc : "";
	put_str(&l, oc, strlen(oc), true);
	put_int(&l, r->screened, r->screened >= 0);
	put_time(&l, r->wait);
	put_int(&l, r->rings, r->rings > 0);
	put_int(&l, r->rings_heard, r->rings_heard > 0);
	put_time(&l, r->ring_time);
	put_time(&l, r->srd);
	PUT_STR(&l, r->answered_by);
	put_time(&l, r->duration);
	PUT_STR(&l, r->diversion_reason);
	PUT_STR(&l, r->history_info_cause);
	PUT_STR(&l, r->ruri_user);
	PUT_STR(&l, r->transport);
	PUT_STR(&l, r->src);
	PUT_STR(&l, r->dst);
	put(&l, "\n", 1);
	int rc = 0;
	if (l.nomem)
		rc = ENOMEM;
	else if (fwrite(l.b, 1, l.n, f) != l.n)
		rc = errno ? errno : EIO;
	if (l.b != l.ib)
		free(l.b);
	return rc;
}
