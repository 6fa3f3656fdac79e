/*
 * deliver: the two ways a call report leaves the spool (spool.h), chosen
 * per run (`server.delivery`, `--delivery`).
 *
 *   struct dlv *d; dlv_maildir_open(&d, "data/maildir", err, sizeof err);
 *   or dlv_smtp_open(&d, &smtp_opts, err, sizeof err);
 *   spool_opts.dlv = dlv_deliverer(d);
 *   ... spool_close(sp); dlv_close(d);
 *
 * Maildir (idempotent, delivered in batches): ROOT/<tenant>/{tmp,new,cur};
 * each message is written to tmp/ with LF line ends, the batch is flushed
 * with one syncfs(2), then linked into new/ under the spool name (link(2)
 * refuses a name already there: a report delivered before a crash is not
 * delivered again), and each new/ folder is synced.
 *
 * SMTP (libcurl, one message at a time on a kept connection): MAIL FROM the
 * report's sender, RCPT TO the tenant's report address; STARTTLS required
 * when asked (CURLUSESSL_ALL); user and password from the environment
 * (SECRETARYD_SMTP_USER, SECRETARYD_SMTP_PASSWORD) when set. A reply code
 * from the server (4xx, 5xx) fails the message; no reply (refused,
 * timed out) fails the server, so the spool waits before trying again.
 */
#ifndef RB_DELIVER_H
#define RB_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "rbtime.h"
#include "spool.h"

struct dlv;

int dlv_maildir_open(struct dlv **out, const char *root, char *err, size_t errlen);

struct dlv_smtp_opts {
	const char *host;     /* required */
	int port;             /* default 25 */
	bool starttls;
	const char *user;     /* NULL: no AUTH */
	const char *password;
	rb_us timeout;        /* per message; default 30 s */
};
/* Also initialises libcurl (call from the main thread, before other threads use it). */
int dlv_smtp_open(struct dlv **out, const struct dlv_smtp_opts *o, char *err, size_t errlen);

/* The spool's view of d (valid until dlv_close). */
const struct spool_deliverer *dlv_deliverer(struct dlv *d);
void dlv_close(struct dlv *d);

/* Maildir folder name for a tenant id, one to one: a byte other than an
 * ASCII letter, digit, '-' or '_' becomes %XX; no tenant is "%". Writes
 * into buf (n bytes; an id too long for it is cut at a whole byte). */
void dlv_maildir_folder(const char *tenant, char *buf, size_t n);

#endif
