/*
 * fit_calls: calls.csv (docs/results.md) as `ringbench analyze`, `model` and
 * `live` write it. Only calls that reached the center are the center's
 * history (an abandoned_before_forward row is what the model knows and no
 * center can see). The clock: summary.json's t0_epoch beside the file when
 * it has one (a capture, a live run), else time zero is --start-time.
 */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvtab.h"
#include "fit_int.h"
#include "fit_read.h"
#include "rbjson.h"

enum { C_ID, C_TENANT, C_FWD, C_NA, C_INVITE, C_ANSWER, C_CANCEL, C_FINAL, C_END, C_OUTCOME,
       C_WAIT, C_BY, C_DUR, C_RURI, C_DIV, C_HI, C_N };
static const char *const cols[C_N] = {"call_id", "tenant", "forwarding", "no_answer_s", "t_invite",
				      "t_answer", "t_cancel", "t_final", "t_end", "outcome",
				      "wait_s", "answered_by", "duration_s", "ruri_user",
				      "diversion_reason", "history_info_cause"};

/*
 * The call's no-answer delay: 0 for unconditional forwarding, no_answer_s
 * for no-answer forwarding; without a forwarding column (a capture analysed
 * without its scenario), the INVITE's Diversion reason (RFC 5806:
 * "unconditional", "no-answer") or History-Info cause (RFC 4458: 302
 * unconditional, 408 no answer) says which, and a no-answer delay is then
 * unknown (NAN: --forwarding gives it).
 */
static double delay_of(const char *fwd, double na, const char *div, const char *hi)
{
	if (!strcmp(fwd, "unconditional"))
		return 0;
	if (!strcmp(fwd, "no-answer"))
		return isfinite(na) ? na : NAN;
	if (!strcmp(div, "unconditional") || !strcmp(hi, "302"))
		return 0;
	if (!strcmp(div, "no-answer") || !strcmp(hi, "408"))
		return isfinite(na) && na > 0 ? na : NAN;
	return isfinite(na) ? na : NAN;
}

static double t0_epoch(const char *path)
{
	char *dup = strdup(path), file[4096];
	double t0 = NAN;

	if (!dup)
		return NAN;
	snprintf(file, sizeof file, "%s/summary.json", dirname(dup));
	free(dup);
	json_t *j = json_load_file(file, 0, NULL);
	if (j) {
		t0 = rbjson_num(json_object_get(j, "t0_epoch"));
		json_decref(j);
	}
	return t0;
}

static double num(const struct csvtab *t, size_t r, int c)
{
	double v;
	return csvtab_num(t, r, c, &v) ? v : NAN;
}

/* One row to a call; false for a call the center never saw. */
static bool row_call(const struct csvtab *t, size_t r, const int *c, struct fit_call *k)
{
	const char *out = csvtab_get(t, r, c[C_OUTCOME]), *fwd = csvtab_get(t, r, c[C_FWD]);
	double inv = num(t, r, c[C_INVITE]), na = num(t, r, c[C_NA]);

	if (!isfinite(inv) || !strcmp(out, "abandoned_before_forward"))
		return false;
	k->wait = num(t, r, c[C_WAIT]);
	k->talk = k->wrapup = NAN;
	k->delay = delay_of(fwd, na, csvtab_get(t, r, c[C_DIV]), csvtab_get(t, r, c[C_HI]));
	k->number = csvtab_get(t, r, c[C_RURI]);
	if (!strcmp(out, "answered")) {
		k->outcome = FIT_ANSWERED;
		if (!isfinite(k->wait))
			k->wait = num(t, r, c[C_ANSWER]) - inv;
		k->talk = num(t, r, c[C_DUR]);
		if (!isfinite(k->talk))
			k->talk = num(t, r, c[C_END]) - num(t, r, c[C_ANSWER]);
	} else if (!strcmp(out, "abandoned")) {
		k->outcome = FIT_ABANDONED;
		if (!isfinite(k->wait))
			k->wait = fmax(num(t, r, c[C_CANCEL]), num(t, r, c[C_FINAL])) - inv;
	} else {
		k->outcome = FIT_OTHER;
		k->wait = num(t, r, c[C_FINAL]) - inv; /* NAN for an incomplete call */
	}
	k->call_id = (char *)csvtab_get(t, r, c[C_ID]);
	k->agent = (char *)csvtab_get(t, r, c[C_BY]);
	return true;
}

int fit_read_calls(struct fit_hist *h, const char *path, int file_no, char *err, size_t errlen)
{
	struct csvtab t;
	int c[C_N], rc = 0;
	double t0 = t0_epoch(path);

	if ((rc = csvtab_load(path, &t, err, errlen)))
		return rc == ENOENT ? (snprintf(err, errlen, "%s: %s", path, strerror(rc)), rc) : EINVAL;
	for (int i = 0; i < C_N; i++)
		c[i] = csvtab_col(&t, cols[i]);
	if (c[C_INVITE] < 0 || c[C_OUTCOME] < 0 || c[C_TENANT] < 0) {
		snprintf(err, errlen, "%s:1:1: expected calls.csv's header (call_id, tenant, ..., "
				      "t_invite, ..., outcome), got no %s column", path,
			 c[C_INVITE] < 0 ? "t_invite" : c[C_OUTCOME] < 0 ? "outcome" : "tenant");
		csvtab_free(&t);
		return EINVAL;
	}
	for (size_t r = 0; r < t.nrow && !rc; r++) {
		struct fit_call k = {.epoch = NAN};
		const char *ten = csvtab_get(&t, r, c[C_TENANT]);
		if (!row_call(&t, r, c, &k))
			continue;
		double inv = num(&t, r, c[C_INVITE]);
		if (isfinite(t0))
			k.epoch = t0 + inv;
		fit_hist_clock(h, &k, inv, file_no);
		if ((k.tenant = fit_tenant_index(h, *ten ? ten : "tenant")) < 0)
			rc = ENOMEM;
		else if (!h->tenants[k.tenant].delay_given && isnan(h->tenants[k.tenant].delay))
			h->tenants[k.tenant].delay = k.delay;
		if (!rc && h->tenants[k.tenant].delay_given)
			k.delay = h->tenants[k.tenant].delay;
		if (!rc)
			rc = fit_hist_add(h, &k);
	}
	csvtab_free(&t);
	if (rc)
		snprintf(err, errlen, "%s: out of memory", path);
	return rc;
}
