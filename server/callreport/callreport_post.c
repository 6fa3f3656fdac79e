/*
 * callreport_post: the call report a person writes (docs/service.md Q1;
 * docs/secretaryd-reports.md, "A person's report"). When operators are
 * people on SIP phones (--operators-file) the center cannot invent what the
 * caller said: the operator, or their desk software, posts it through the
 * admin interface, POST /api/calls/<id>/report, and the center e-mails it as
 * it e-mails a simulated operator's (callreport_submit). With --auto-report
 * the center writes those reports itself (ringbench live's operators).
 *
 * A call answered by a SIP operator is held from its end (the caller's or
 * the operator's hang-up: the report may come during wrap-up or after it)
 * until its report comes, at most CRPOST_HELD calls (the oldest then goes,
 * counted): enough for a day of a large center's calls waiting for their
 * reports, a few MB. A report already posted gets 409, an id not held 404.
 * The id is the caller's Call-ID (as in the CDR) or the Call-ID of the
 * operator's own leg (what the phone saw).
 */
#define LOG_TAG "reports"
#include "callreport_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "registrar.h"

struct crheld {
	struct cdr_row row;
	bool reported;
};

bool crpost_by_person(const struct callreport *rs, const struct cdr_row *row)
{
	if (rs->o.auto_report || !rs->c || row->r.outcome != OUTCOME_ANSWERED || !row->operator_[0])
		return false;
	const struct registrar *reg = center_registrar(rs->c);
	return reg && registrar_staff(reg, row->operator_) != NULL;
}

void crpost_hold(struct callreport *rs, const struct cdr_row *row)
{
	if (!rs->held && !(rs->held = calloc(CRPOST_HELD, sizeof *rs->held))) {
		rb_log(LOG_ERR, "%s: cannot hold the call for its report: out of memory", row->r.call_id);
		return;
	}
	struct crheld **slot = &rs->held[rs->held_next];
	if (*slot && !(*slot)->reported) {
		rs->st.person_reports_expired++;
		rb_log(LOG_WARNING, "%s: no report came before %d later calls: forgotten",
		       (*slot)->row.r.call_id, CRPOST_HELD);
	}
	if (!*slot && !(*slot = malloc(sizeof **slot))) {
		rb_log(LOG_ERR, "%s: cannot hold the call for its report: out of memory", row->r.call_id);
		return;
	}
	(*slot)->row = *row;
	(*slot)->reported = false;
	rs->held_next = (rs->held_next + 1) % CRPOST_HELD;
}

void crpost_free(struct callreport *rs)
{
	for (size_t i = 0; rs->held && i < CRPOST_HELD; i++)
		free(rs->held[i]);
	free(rs->held);
	rs->held = NULL;
}

/* The held call of that id (newest first), or NULL. */
static struct crheld *find(struct callreport *rs, const char *id)
{
	for (size_t k = 1; rs->held && k <= CRPOST_HELD; k++) {
		struct crheld *h = rs->held[(rs->held_next + CRPOST_HELD - k) % CRPOST_HELD];
		if (h && (!strcmp(h->row.r.call_id, id) || !strcmp(h->row.leg_call_id, id)))
			return h;
	}
	return NULL;
}

/* A text field of the body: absent (NULL, 0), or a string of 1..max bytes
 * that check accepts; else 400 with field and why. */
static int text_field(json_t *o, const char *key, size_t max, bool (*check)(const char *),
		      const char **out, const char **field, const char **why)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v)
		return 0;
	*field = key;
	if (!json_is_string(v))
		return *why = "expected a string", 400;
	size_t n = json_string_length(v);
	if (n == 0 || n > max)
		return *why = max > 100 ? "expected 1 to 4000 bytes" : "expected 1 to 100 bytes", 400;
	*out = json_string_value(v);
	if (memchr(*out, 0, n) || (check && !check(*out)))
		return *why = check ? "expected a telephone number: digits, and + - ( ) or spaces"
				    : "a NUL character",
		       400;
	return 0;
}

static bool phone_chars(const char *s)
{
	int digits = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (!strchr("+-() ", *s))
			return false;
	return digits > 0 && digits <= 20;
}

static const char *const KEYS[] = {"message", "caller_name", "caller_company", "callback_number",
				   "callback", NULL};

/* The body into p (its strings point into o). 0, or 400 with field, why. */
static int parse_body(json_t *o, struct crperson *p, const char **field, const char **why)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		size_t i = 0;
		while (KEYS[i] && strcmp(KEYS[i], k))
			i++;
		if (!KEYS[i])
			return *field = k, *why = "not a field of a call report (message, caller_name, "
						  "caller_company, callback_number, callback)", 400;
	}
	int st;
	if ((st = text_field(o, "message", 4000, NULL, &p->message, field, why)) ||
	    (st = text_field(o, "caller_name", 100, NULL, &p->caller_name, field, why)) ||
	    (st = text_field(o, "caller_company", 100, NULL, &p->caller_company, field, why)) ||
	    (st = text_field(o, "callback_number", 100, phone_chars, &p->callback_number, field, why)))
		return st;
	if (!p->message)
		return *field = "message", *why = "required: what the caller said", 400;
	v = json_object_get(o, "callback");
	p->callback = -1;
	if (v && !json_is_boolean(v))
		return *field = "callback", *why = "expected true or false", 400;
	if (v)
		p->callback = json_is_true(v);
	return 0;
}

static char *err_json(const char *error, const char *field, const char *id)
{
	json_t *o = json_pack("{s:s, s:s?, s:s}", "error", error, "field", field, "call_id", id);
	char *s = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
	json_decref(o);
	return s;
}

/* Checks the body and the call: 0, or the refusal's status with *resp. */
static int refuse(struct callreport *rs, const char *id, json_t *o, const json_error_t *je,
		  struct crheld *h, struct crperson *p, char **resp)
{
	const char *field = NULL, *why = NULL;
	char buf[300];
	int st = 0;
	if (!o) {
		snprintf(buf, sizeof buf, "the body is not JSON: %s (line %d, column %d)", je->text,
			 je->line, je->column);
		why = buf, st = 400;
	} else if (!json_is_object(o)) {
		why = "the body is not a JSON object", st = 400;
	} else if ((st = parse_body(o, p, &field, &why))) {
	} else if (!h) {
		why = "no finished call answered by a SIP operator with that id waits for its report", st = 404;
	} else if (h->reported) {
		why = "this call's report was posted already", st = 409;
	} else if (p->callback == 1 && !p->callback_number && !h->row.callback_number[0]) {
		field = "callback_number", st = 400;
		why = "required when callback is true and the caller's INVITE gave none";
	}
	if (st) {
		rs->st.person_reports_refused++;
		rb_log(LOG_NOTICE, "POST /api/calls/%s/report: %d %s%s%s", id, st, field ? field : "",
		       field ? ": " : "", why);
		*resp = err_json(why, field, id);
	}
	return st;
}

int crpost_http(void *arg, const char *id, const char *body, size_t len, char **resp)
{
	struct callreport *rs = arg;
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	struct crperson p = {.callback = -1};
	struct crheld *h = find(rs, id);
	int st = refuse(rs, id, o, &je, h, &p, resp);
	if (!st) {
		int e = callreport_submit(rs, &h->row, &p);
		h->reported = e == 0;
		if (e == ENOENT) {
			st = 409;
			*resp = err_json("the tenant has no report_to: its reports are not sent", NULL, id);
		} else if (e) {
			st = 500;
			*resp = err_json(strerror(e), NULL, id);
		} else {
			st = 202; /* spooled: delivered as every report is */
			rs->st.person_reports_ok++;
			rb_log(LOG_INFO, "POST /api/calls/%s/report: the report of %s spooled", id,
			       h->row.operator_);
			json_t *ok = json_pack("{s:s, s:s, s:s}", "call_id", h->row.r.call_id, "operator",
					       h->row.operator_, "report", "spooled");
			*resp = ok ? json_dumps(ok, JSON_INDENT(1)) : NULL;
			json_decref(ok);
		}
	}
	json_decref(o);
	return st;
}
