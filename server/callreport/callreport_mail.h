/*
 * callreport_mail: the call report as an e-mail message (docs/service.md Q1, Q7, Q8).
 *
 *   struct crmail_call rc = {.answering_name = "株式会社アクメ", ...};
 *   char *msg; size_t len;
 *   crmail_compose(&rc, &msg, &len);    RFC 5322, CRLF line ends
 *   ... spool it ...; free(msg);
 *
 * The message is RFC 5322 in UTF-8 with MIME headers (MIME-Version,
 * text/plain; charset=UTF-8, 8bit), a Japanese subject encoded per RFC 2047
 * (B encoding, encoded-words of at most 60 characters split on character
 * boundaries, folded), marked 【テスト】 for a test call (Q6). The body says
 * the tenant's answering name, the date and time of the call, the caller's
 * name and company, the callback number or that the caller would not give
 * one (and what was done about the tenant's mobile number), the caller type,
 * the rings the caller heard, the gist and whether a callback is requested.
 * Machine-readable X-Ringbench-* headers carry the Call-ID, tenant, caller
 * type, test flag and mobile action for tests and filters.
 *
 * Dates (the Date header, the subject's "M/D hh:mm", the body's date and
 * time) are in rc->zone, never the process's TZ: a Japanese client's report
 * says +0900 from a server that runs in UTC.
 *
 * Every value is cleaned before use: control characters become spaces and
 * bytes that are not UTF-8 become '?', so nothing a caller sends can add a
 * header or break the encoding.
 */
#ifndef RB_CALLREPORT_MAIL_H
#define RB_CALLREPORT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"
#include "tenant_rules.h"
#include "tzone.h"

/* What the report says about one answered call. Strings may be NULL or "". */
struct crmail_call {
	const char *tenant_id;
	const char *answering_name;   /* NULL: the tenant id */
	const char *report_to;        /* required */
	const char *from_addr;        /* the From address; NULL: secretaryd@localhost */
	const char *call_id;          /* the SIP Call-ID (X-Ringbench-Call-ID) */
	int64_t seq;                  /* for the Message-ID */
	rb_us t_call_epoch;           /* when the call arrived (wall clock, us) */
	rb_us t_written_epoch;        /* when the report was written: the Date header */
	const char *caller_name;
	const char *caller_company;
	const char *callback_number;  /* "" or NULL: the caller gave none */
	const char *caller_number;    /* the From user */
	const char *caller_type;      /* inquiry, sales, court, no_callback, test, ... */
	int rings_heard;              /* 0: not known */
	enum trule_mobile_act mobile;
	const char *mobile_number;    /* the tenant's, when offered */
	bool test_call;
	const char *answered_by;      /* "op3" */
	double talk_s;
	const struct tzone *zone;     /* the dates' time zone (scenario server.timezone); NULL: UTC */
	/* A person's report (POST /api/calls/<id>/report): their own words for
	 * the gist (NULL: the gist the caller type says; line breaks become
	 * spaces, as in every value), and whether the caller wants a call back
	 * (CRMAIL_CB_AUTO, the default: as the callback number says). */
	const char *message;
	enum crmail_cb { CRMAIL_CB_AUTO = 0, CRMAIL_CB_YES, CRMAIL_CB_NO } callback_wanted;
};

/*
 * Composes the message. Returns 0 and a malloc'd NUL-terminated message in
 * *msg (caller frees) with its length in *len; EINVAL without report_to;
 * ENOMEM.
 */
int crmail_compose(const struct crmail_call *rc, char **msg, size_t *len);

/*
 * Encodes a UTF-8 header value per RFC 2047 ("=?UTF-8?B?...?=" words joined
 * by CRLF SP). Returns a malloc'd string or NULL (out of memory). Exposed for
 * tests.
 */
char *crmail_rfc2047(const char *utf8);

/* The subject before encoding (UTF-8), malloc'd, or NULL. For tests and logs. */
char *crmail_subject(const struct crmail_call *rc);

#endif
