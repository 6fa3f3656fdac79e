/*
 * opleg: the center's leg to an operator's phone, the UAC half of
 * secretaryd's signalling-only B2BUA (issue 15). One leg rings one contact:
 * the center starts one per contact of the chosen operator and keeps the
 * first that answers. The center (server/center/center_ops.c) rings with it
 * and relays the talk's re-INVITEs and UPDATEs through it.
 *
 *   struct opleg *l;
 *   opleg_start(&l, &params, &env, &cbs, now);   INVITE with the caller's offer
 *   ... for each SIP message of the leg's Call-ID (parsed by the caller):
 *   opleg_on_message(l, &msg, now);
 *   ... when env.arm's due time comes:
 *   opleg_on_timer(l, now);
 *   opleg_cancel(l, now);   the caller gave up: CANCEL (or ACK + BYE)
 *   opleg_bye(l, now);      the caller hung up during the talk
 *   opleg_offer(l, SIP_INVITE, sdp, n, now);  the caller's re-INVITE, relayed
 *   opleg_answer(l, 200, sdp, n, now);        the caller's answer to the phone's
 *   opleg_ack(l, sdp, n);   the caller's ACK, relayed
 *   if (opleg_idle(l)) opleg_free(l);
 *
 * What the operator is told (how to answer, docs/service.md Q2 and Q9):
 * the From display-name is the tenant's answering name (what phones show),
 * and an X-Secretaryd-Call header carries the caller type, the forwarding
 * and the caller's number:
 *   From: "株式会社アクメ" <sip:center@127.0.0.1:5060>;tag=...
 *   X-Secretaryd-Call: type=inquiry;forwarding=no-answer;caller=0312345678
 * and the center may pass more lines on (opleg_params.extra_hdrs: the
 * caller's own X- headers, which ringbench's operators read their pick-up
 * and talk times from).
 *
 * The rules (RFC 3261 17.1 and the issue's):
 * - a 1xx is never relayed: the caller keeps hearing the center's ringing,
 *   so rings are counted as before; its time is kept (opleg_times) for the
 *   CDR's ring time. Over UDP the INVITE is retransmitted on Timer A until
 *   a response; Timer B (64*T1) without any gives failed(408).
 * - 200: ACK (a new transaction to the 200's Contact), then answered() with
 *   the operator's SDP. A retransmitted 200 gets the ACK again, once per
 *   copy, and no second answered(). A delayed offer (the caller's INVITE
 *   had no SDP, so ours has none): the 200 holds the operator's offer,
 *   answered() passes it on, and the ACK waits for the caller's answer,
 *   which the center gives with opleg_ack() (copies of the 200 meanwhile
 *   wait too: the operator retransmits until then).
 * - the ring timeout: CANCEL (after a provisional response: RFC 3261 9.1
 *   sends none before), then no_answer() on the 487. With no provisional
 *   at all, Timer B ends it as no_answer() too.
 * - a CANCEL crossing the operator's 200 (the leg was being cancelled,
 *   by the ring timeout or by opleg_cancel): the 200 is ACKed, then a BYE
 *   ends the leg (the caller is gone or another phone won); the callback
 *   is the one the cancel would have given (no_answer or ended(CANCELLED)).
 * - 3xx-6xx: ACK (the same transaction), then failed(status).
 * - a 200 after the leg gave up (Timer B): ACK and BYE at once, nothing
 *   reported (the phone would otherwise hold a call no one is on).
 * - the operator's BYE: 200, ended(OPERATOR_BYE); opleg_bye: BYE with
 *   Timer E retransmissions over UDP, ended(CENTER_BYE) on its answer or
 *   Timer F.
 * Each callback comes once per leg at most (answered, then one of the
 * others; or one of no_answer, failed, ended alone). Callbacks must not
 * free the leg: free it once opleg_idle() says nothing is in flight.
 *
 * During the talk (opleg_dlg.c; RFC 3261 14, RFC 3311), when the center
 * gives the offer callbacks (else the phone's re-INVITE or UPDATE gets 501
 * as before):
 * - the phone's re-INVITE or UPDATE: 100 Trying for an INVITE, then
 *   offer() with its SDP (none: a re-INVITE without offer, relayed as is:
 *   the far side's offer comes in the 200, the phone's answer in its ACK);
 *   the center answers it with opleg_answer() (200 and the caller's SDP,
 *   or the caller's error); a final to an INVITE is retransmitted on
 *   Timer G until the phone's ACK, which acked() passes on (with its SDP,
 *   if any; Timer H without one: acked() with none). A copy of the
 *   request gets the 100 or the final again.
 * - the center's opleg_offer(): a re-INVITE (Timer A/B) or UPDATE (Timer
 *   E/F) with a new CSeq to the remote target; 1xx ignored; the final goes
 *   to answer() (408 at Timer B/F); an INVITE's 3xx-6xx is ACKed at once,
 *   its 2xx's ACK waits for opleg_ack() (the caller's ACK, relayed).
 * - glare (RFC 3261 14.1, RFC 3311 5.2): a re-INVITE or UPDATE of the
 *   phone's while one is in flight either way on the leg (ours unanswered
 *   or its 2xx's ACK still to send, the phone's not yet answered or its
 *   2xx not yet ACKed: a refusal closes the offer at once), or
 *   before the leg is confirmed, gets 491 at once, without offer();
 *   likewise opleg_offer() returns EBUSY then (the center answers its own
 *   requester 491). A 491 from the phone goes to answer() like any status.
 * - a request requiring an option we lack (Require: 100rel, timer...)
 *   gets 420 with Unsupported; the leg advertises no option (no
 *   Supported header: never 100rel), and the phone's reliable 1xx
 *   (Require: 100rel, RSeq) is taken as any 1xx, never PRACKed.
 * - a BYE either way closes what is in flight: the phone's unanswered
 *   request gets 487, a 2xx waiting for its ACK is ACKed before our BYE.
 *
 * Simplifications: no Route set (requests go to the contact's binding
 * address, as the REGISTER came from), no PRACK (see above), the SDP's
 * content type is taken as application/sdp.
 */
#ifndef RB_OPLEG_H
#define RB_OPLEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtime.h"
#include "sipmsg.h"

#define OPLEG_T1 500000
#define OPLEG_T2 4000000

struct opleg;

enum opleg_end {
	OPLEG_END_OPERATOR_BYE = 0, /* the operator hung up */
	OPLEG_END_CENTER_BYE,       /* opleg_bye's BYE answered (or Timer F) */
	OPLEG_END_CANCELLED,        /* opleg_cancel: the leg is over */
};
const char *opleg_end_name(enum opleg_end e);

struct opleg_cbs {
	void (*answered)(struct opleg *l, struct sip_span sdp, void *arg);
	void (*no_answer)(struct opleg *l, void *arg);
	void (*failed)(struct opleg *l, int status, void *arg);
	void (*ended)(struct opleg *l, enum opleg_end why, void *arg);
	void *arg;
	/* During the talk (NULL: the phone's re-INVITE and UPDATE get 501):
	 * the phone's re-INVITE or UPDATE (method) with its SDP (may be
	 * empty), to answer with opleg_answer (from inside the callback too);
	 * the final to the center's opleg_offer; the phone's ACK to our final
	 * to its re-INVITE (sdp: its answer when the offer was ours). */
	void (*offer)(struct opleg *l, enum sip_method method, struct sip_span sdp, void *arg);
	void (*answer)(struct opleg *l, enum sip_method method, int status, struct sip_span sdp,
		       void *arg);
	void (*acked)(struct opleg *l, struct sip_span sdp, void *arg);
};

/* How a leg reaches the world: the center's transport and timer. */
struct opleg_env {
	/* Sends buf to dest (the binding's source, "udp 127.0.0.1:5062");
	 * returns 0 or an errno (a failed send is retried by the timers). */
	int (*send)(const char *dest, const char *buf, size_t len, void *arg);
	/* (Re)arms the leg's one timer: call opleg_on_timer at due
	 * (monotonic); INT64_MAX: nothing due. */
	void (*arm)(struct opleg *l, rb_us due, void *arg);
	void *arg;
};

struct opleg_params {
	const char *call_id;     /* the leg's own Call-ID (not the caller's) */
	const char *target;      /* the contact's URI: the Request-URI */
	const char *dest;        /* where to send: "udp 127.0.0.1:5062" / "tcp ..." */
	const char *local;       /* our address for Via and Contact: "127.0.0.1:5060" */
	const char *display;     /* the tenant's answering name (UTF-8) */
	const char *caller_type; /* "inquiry" ... */
	const char *forwarding;  /* "unconditional", "no-answer", "unknown" */
	const char *caller;      /* the caller's number; NULL: none */
	const char *sdp;         /* the caller's offer; NULL: none (delayed offer) */
	size_t sdp_len;
	rb_us ring_timeout;      /* 0: none (only the center cancels) */
	const char *extra_hdrs;  /* more header lines for the INVITE, each ending in
				  * CRLF (the caller's X- headers, passed on); NULL */
};

struct opleg_times {
	rb_us invite, first_1xx, final; /* monotonic; 0: not yet */
	int status;                     /* the INVITE's final status; 0: none */
};

/* Returns 0, EINVAL (missing parameters, a target that is no URI),
 * ENOMEM or ENOBUFS (a message too large); sends the INVITE at once. */
int opleg_start(struct opleg **out, const struct opleg_params *p, const struct opleg_env *env,
		const struct opleg_cbs *cbs, rb_us now);
void opleg_on_message(struct opleg *l, const struct sipmsg *m, rb_us now);
void opleg_on_timer(struct opleg *l, rb_us now);
/* The center gives the leg up (the caller left, another phone answered).
 * Returns 0, or EALREADY when the leg is past ringing (use opleg_bye). */
int opleg_cancel(struct opleg *l, rb_us now);
/* Sends the ACK that waits: the delayed offer's (with the caller's SDP
 * answer) or the one to the 2xx of opleg_offer's re-INVITE (the caller's
 * ACK relayed, with its SDP if any); sdp NULL: none. Returns 0, or
 * EALREADY when no ACK waits. */
int opleg_ack(struct opleg *l, const char *sdp, size_t sdp_len);
/* During the talk: sends the center's re-INVITE (method SIP_INVITE) or
 * UPDATE (SIP_UPDATE) with sdp (NULL: none). Returns 0, EALREADY when the
 * leg is not talking, EBUSY when a re-INVITE or UPDATE is in flight on it
 * (glare: answer the requester 491), EINVAL for another method, ENOMEM. */
int opleg_offer(struct opleg *l, enum sip_method method, const char *sdp, size_t sdp_len,
		rb_us now);
/* Answers the phone's re-INVITE or UPDATE given by offer(): status 200
 * with sdp, or an error status (491, 488...). Returns 0, EALREADY when
 * none waits, or an errno. */
int opleg_answer(struct opleg *l, int status, const char *sdp, size_t sdp_len, rb_us now);
/* Ends an answered leg (an ACK still waiting goes first, without SDP).
 * Returns 0, or EALREADY when not talking. */
int opleg_bye(struct opleg *l, rb_us now);
/* True once the leg is over and no transaction of it is in flight. */
bool opleg_idle(const struct opleg *l);
const struct opleg_times *opleg_times(const struct opleg *l);
const char *opleg_call_id(const struct opleg *l);
void opleg_free(struct opleg *l);

#endif
