/*
 * onboard: the service's start-of-use test call (docs/service.md Q6), for
 * `ringbench onboard`.
 *
 * onboard_run() places one call over UDP to the target from the tenant's
 * own number (X-Caller-Type: test, forwarded as the tenant's configuration
 * says), and checks three things, each with what was seen:
 *   1. reached the center: a 180 (or 183) came;
 *   2. a person answered: a 200 within the tenant's ring target (the
 *      scenario's first rings target, else 3 rings), counted from the INVITE;
 *   3. the call report arrived, marked as a test (X-Ringbench-Test: yes, or
 *      a subject with 【テスト】), within report_limit, in a Maildir
 *      (DIR/<tenant>/new|cur, or anywhere below DIR) or at an SMTP sink that
 *      onboard itself runs on the given address.
 * The SIP side is a small UAC of its own (INVITE with retransmissions,
 * ACK, BYE after a second of talk, CANCEL when nobody answers), so that a
 * 404 or a 503 can be told apart.
 */
#ifndef RB_ONBOARD_H
#define RB_ONBOARD_H

#include <stdbool.h>
#include <stdio.h>

#include "rbtime.h"
#include "scn.h"

struct onboard_opts {
	const struct scenario *scn;
	const char *tenant_id;
	const char *server;       /* --server HOST:PORT (IPv4) */
	const char *maildir;      /* or */
	const char *smtp_sink;    /* HOST:PORT to listen on */
	double speedup;           /* the center's speed-up (ring period / F); 1 */
	int rings;                /* 0: from the scenario's targets */
	rb_us report_limit;       /* default 120 s */
	rb_us talk;               /* how long the caller stays after the 200; default 1 s */
};

enum onboard_check { OB_REACHED = 0, OB_ANSWERED, OB_REPORT, OB_N };

struct onboard_result {
	bool ok[OB_N];
	char seen[OB_N][256];    /* what was seen, for the checklist */
	int final_status;        /* 0: none */
	char call_id[96];
};

/*
 * Runs the test call. Returns 0 (the result says what held), EINVAL (bad
 * options: unknown tenant, bad address; why in err) or another errno when
 * the test could not be run (socket, SMTP sink port taken).
 */
int onboard_run(const struct onboard_opts *o, struct onboard_result *res, char *err, size_t errlen);

/* The checklist, one line per check, and a last line naming what failed. */
void onboard_print(const struct onboard_result *res, FILE *out);

#endif
