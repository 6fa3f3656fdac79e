/*
 * fit_cdr: secretaryd's CDR database (server/center/cdr.c: one row a call in
 * the table `calls`, calls.csv's columns plus t_invite_epoch, the wall
 * clock of the INVITE, and t_free, when the operator's wrap-up ended).
 * Times are the center's own, to the microsecond: not interval-censored.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fit_int.h"
#include "fit_read.h"

static const char sql[] =
    "SELECT call_id, tenant, forwarding, no_answer_s, t_invite, t_answer, t_cancel, t_final,"
    " t_end, outcome, wait_s, duration_s, operator, t_invite_epoch, t_free, ruri_user FROM calls"
    " ORDER BY t_invite_epoch";

static double col(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static const char *text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int row(struct fit_hist *h, sqlite3_stmt *s)
{
	const char *out = text(s, 9), *fwd = text(s, 2), *ten = text(s, 1);
	double inv = col(s, 4), na = col(s, 3);
	struct fit_call k = {.epoch = col(s, 13), .wait = col(s, 10), .talk = NAN, .wrapup = NAN};

	if (!isfinite(inv) || !isfinite(k.epoch) || !strcmp(out, "abandoned_before_forward"))
		return 0;
	k.delay = !strcmp(fwd, "unconditional") ? 0 : isfinite(na) ? na : NAN;
	if (!strcmp(out, "answered")) {
		k.outcome = FIT_ANSWERED;
		k.talk = col(s, 11);
		k.wrapup = col(s, 14) - col(s, 8);
	} else {
		k.outcome = !strcmp(out, "abandoned") ? FIT_ABANDONED : FIT_OTHER;
		if (!isfinite(k.wait))
			k.wait = col(s, 7) - inv;
	}
	k.call_id = (char *)text(s, 0);
	k.agent = (char *)text(s, 12);
	k.number = text(s, 15);
	fit_hist_clock(h, &k, 0, 0);
	if ((k.tenant = fit_tenant_index(h, *ten ? ten : "tenant")) < 0)
		return ENOMEM;
	struct fit_tenant *t = &h->tenants[k.tenant];
	if (!t->delay_given && isnan(t->delay))
		t->delay = k.delay;
	if (t->delay_given)
		k.delay = t->delay;
	return fit_hist_add(h, &k);
}

int fit_read_cdr(struct fit_hist *h, const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = 0, st;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen,
			 "%s: expected secretaryd's CDR database (a table 'calls' with t_invite_epoch), "
			 "got: %s", path, db ? sqlite3_errmsg(db) : "no database");
		sqlite3_close(db);
		return EINVAL;
	}
	while (!rc && (st = sqlite3_step(s)) == SQLITE_ROW)
		rc = row(h, s);
	if (!rc && st != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		rc = EIO;
	} else if (rc) {
		snprintf(err, errlen, "%s: out of memory", path);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}
