/*
 * dlg: calls from SIP messages, as seen on the wire (docs/definitions.md, "A
 * call's path", "Measures"; docs/analyze.md says every rule).
 *
 * A call is an initial INVITE (no To tag), keyed by Call-ID and From tag,
 * compared whole whatever their length (r's key: callrec_call_id()). A
 * retransmission (same top Via branch) and a re-INVITE (To tag) are not new
 * calls; an INVITE with a new branch and the same key (resent after a 401/407
 * challenge) continues the call and makes its earlier final answer void.
 * Every time is the first transmission's. Responses count only for the
 * current initial INVITE's CSeq; a BYE from either side is found by From or
 * To tag.
 *
 *   struct dlg *d = dlg_new(&hooks);
 *   for each SIP message in capture order:
 *       dlg_tick(d, t);                 closes calls that are over
 *       dlg_track(d, &msg, t, &pkt);
 *   dlg_flush(d, t_last);             closes what is left
 *   dlg_free(d);
 *
 * A call is over (hooks.done) DLG_LINGER after its final answer when it was
 * not answered, or after its BYE; a call with no message for DLG_IDLE of
 * capture time is closed as it stands (incomplete when it had no final
 * answer), and a call challenged (401/407) DLG_CHALLENGE after the challenge
 * unless its INVITE came again. So memory is bounded by the calls in progress.
 */
#ifndef RB_DLG_H
#define RB_DLG_H

#include <stddef.h>

#include "callrec.h"
#include "pktdec.h"
#include "rbtime.h"
#include "sipmsg.h"

#define DLG_LINGER (32 * RB_US_PER_S) /* 64 x T1: retransmissions are over */
#define DLG_IDLE   (3600 * RB_US_PER_S)
/* How long a call challenged (401/407) waits for its INVITE again with
 * credentials before it is reported as rejected: a person may type them. */
#define DLG_CHALLENGE (300 * RB_US_PER_S)

/* What RFC 6076 needs beyond the call record. */
struct dlg_extra {
	rb_us t_bye_ok; /* the 2xx to the BYE; RB_T_NONE when not seen */
	int invites;	/* INVITE transactions of the call (a challenge makes 2) */
};

/*
 * What happened to a call, as it happens (dlg_hooks.event): for whoever acts
 * during the capture (ringbench live draws a redial on DLG_EV_CANCEL), not
 * only once the call is over. Each fires once per call, at the message's
 * time, with the call's record so far (wire fields; outcome not decided).
 */
enum dlg_event {
	DLG_EV_INVITE,	 /* a new call: its first INVITE */
	DLG_EV_RINGING,	 /* the first 180/183 */
	DLG_EV_ANSWERED, /* the first 2xx to the INVITE */
	DLG_EV_CANCEL,	 /* the caller's first CANCEL: it hung up while ringing
			    (a 2xx crossing it still makes the call answered) */
	DLG_EV_FINAL,	 /* a final answer >= 300 (r->final_status): a rejection,
			    the 487 of a CANCEL, or a 401/407 challenge (fires again
			    for the INVITE sent again) */
};

struct dlg_hooks {
	/*
	 * A call is over. r has the wire's fields and the outcome; tenant is the
	 * Request-URI user, no_answer RB_T_NONE, derived measures not computed.
	 * r and x are valid during the call only; r is the hook's to change
	 * meanwhile (dlg builds it for the hook: no copy needed to complete it).
	 */
	void (*done)(struct callrec *r, const struct dlg_extra *x, void *arg);
	/* Calls waiting at the center (INVITE seen, no answer, final or CANCEL yet)
	 * changed by delta at t. May be NULL. */
	void (*waiting)(rb_us t, int delta, void *arg);
	/* An event of a call (above) at t. May be NULL. r is valid during the
	 * call only. */
	void (*event)(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg);
	void *arg;
};

struct dlg;

/* Returns NULL on ENOMEM. hooks is copied. */
struct dlg *dlg_new(const struct dlg_hooks *hooks);
/* Frees every call without reporting it. */
void dlg_free(struct dlg *d);

/*
 * One parsed SIP message at capture time t, carried by pkt (addresses,
 * transport). Returns 1 when it belonged to a call (or started one), 0 when
 * it did not, ENOMEM when a new call could not be stored.
 */
int dlg_track(struct dlg *d, const struct sipmsg *m, rb_us t, const struct pkt_l4 *pkt);

/* Closes the calls that are over at time now. */
void dlg_tick(struct dlg *d, rb_us now);
/* Closes every call (end of the capture), at time now for waiting ones. */
void dlg_flush(struct dlg *d, rb_us now);
/* Calls held now. */
size_t dlg_open_calls(const struct dlg *d);

#endif
