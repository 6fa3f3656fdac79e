/*
 * opleg: the center's leg to an operator's phone, the UAC half of
 * secretaryd's signalling-only B2BUA (issue 15). One leg rings one contact:
 * the center starts one per contact of the chosen operator and keeps the
 * first that answers. Not wired into dispatch yet: the center will call it.
 *
 *   struct opleg *l;
 *   opleg_start(&l, &params, &env, &cbs, now);   INVITE with the caller's offer
 *   ... for each SIP message of the leg's Call-ID (parsed by the caller):
 *   opleg_on_message(l, &msg, now);
 *   ... when env.arm's due time comes:
 *   opleg_on_timer(l, now);
 *   opleg_cancel(l, now);   the caller gave up: CANCEL (or ACK + BYE)
 *   opleg_bye(l, now);      the caller hung up during the talk
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
 * Simplifications: no Route set (requests go to the contact's binding
 * address, as the REGISTER came from), no PRACK (a reliable 1xx is
 * treated as any 1xx), no re-INVITE or UPDATE yet (answered 501).
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
/* Delayed offer: sends the ACK with the caller's SDP answer (NULL: none).
 * Returns 0, or EALREADY when no ACK waits. */
int opleg_ack(struct opleg *l, const char *sdp, size_t sdp_len);
/* Ends an answered leg (an ACK still waiting goes first, without SDP).
 * Returns 0, or EALREADY when not talking. */
int opleg_bye(struct opleg *l, rb_us now);
/* True once the leg is over and no transaction of it is in flight. */
bool opleg_idle(const struct opleg *l);
const struct opleg_times *opleg_times(const struct opleg *l);
const char *opleg_call_id(const struct opleg *l);
void opleg_free(struct opleg *l);

#endif
