/*
 * center_int: what center.c (the call's life at the center) and sip_tsx.c
 * (its SIP side: transactions, retransmissions) share. Private to server/.
 */
#ifndef RB_CENTER_INT_H
#define RB_CENTER_INT_H

#include "center.h"
#include "queue_log.h"
#include "rv.h"
#include "sip_transport.h"
#include "sipmsg.h"
#include "stimer.h"

/* RFC 3261 timers. */
#define SIP_T1 500000
#define SIP_T2 4000000
#define SIP_LINGER_UDP (64 * SIP_T1) /* Timer J: absorb retransmissions */
#define SIP_LINGER_TCP 1000000

enum call_sst {
	CS_PROCEEDING = 0, /* 180 sent, waiting for an operator */
	CS_ANSWERED,       /* 200 sent, retransmitting until ACK (Timer G/H) */
	CS_CONFIRMED,      /* ACK received: talking */
	CS_REJECTED,       /* 4xx-6xx sent, retransmitting until ACK */
	CS_BYE_SENT,       /* our BYE: client transaction, Timer E/F */
	CS_DONE,           /* over: lingers to absorb retransmissions */
};

struct staff_ext;
struct tsx_bufs;
struct opring;
struct reinv;

struct call {
	struct dsp_call dc;
	struct center *ctr;
	struct call *hnext;            /* Call-ID hash chain */
	struct call *rprev, *rnext;    /* the ringing list, oldest first */
	uint32_t hash;
	char *call_id;                 /* NUL-terminated copy, owned */
	size_t call_id_len;
	char *invite;                  /* the INVITE's bytes, until the call ends */
	size_t invite_len;
	char *retx;                    /* the message being retransmitted (final or BYE) */
	size_t retx_len;
	struct stp_peer peer;
	char to_tag[24];
	enum call_sst sst;
	bool ringing;                  /* in the ringing list */
	bool ended;                    /* over for the caller (CDR queued) */
	bool lingering;                /* linger timer started */
	struct tmr t_ctr;              /* pick-up (or the ring timeout), then talk */
	struct tmr t_join;             /* backup join age */
	struct tmr t_retx;             /* Timer G or E */
	struct tmr t_limit;            /* Timer H or F, then linger */
	rb_us retx_iv;
	struct staff_ext *sx;          /* who took it */
	int origpos;
	uint64_t row_seq_hint;         /* per-call number: tags, SDP session */
	int type_idx;
	rb_us talk;                    /* drawn talk time, scenario us */
	struct cdr_row *row;           /* until the CDR is queued */
	/* SIP operators (center_ops.c): the legs ringing the taken staff
	 * member's contacts, and the one that answered */
	struct opring *legs[REG_MAX_CONTACTS];
	int n_legs;
	struct opring *won;
	bool op_rung, bk_rung;         /* an operator's / a backup member's phone rang */
	bool ring_first;               /* this ring is the call's first of its kind */
	/* the talk's re-INVITEs and UPDATEs relayed to and from the operator
	 * leg (sip_reinv.c; NULL until the first) */
	struct reinv *rv;
	uint32_t lcseq;                /* the center's last CSeq towards the caller */
};

/* Per staff member: dsp_staff.udata. */
struct staff_ext {
	struct center *ctr;
	struct dsp_staff *s;
	struct tmr t_wrap;
	struct tmr t_ready;            /* not ready after a ring with no answer */
	struct call *call;             /* the call being picked up or talked */
	const char *state;             /* "idle", "pickup", "talking", "wrapup",
					* "notready" */
	rb_us since;                   /* scenario time of the last change */
	struct cdr_row *wrap_row;      /* the finished call, during wrap-up */
};

struct center {
	uv_loop_t *loop;
	struct center_opts o;
	const struct scenario *scn;
	struct tmrq tq;
	struct stp tp;
	struct tsx_bufs *tsx;          /* sip_tsx.c's scratch: the message built, the parses */
	struct dsp dsp;
	bool dsp_ok, tq_ok, tp_ok;
	struct rv_stream rs_pickup, rs_backup, rs_talk, rs_screen, rs_wrapup;
	struct rv_stream rs_ring;      /* no-answer draws (center.phone) */
	struct cdr *cdr;
	struct qlog *qlog;
	rb_us mono_t0;                 /* monotonic time of scenario time zero */
	struct call **ht;              /* Call-ID hash */
	size_t ht_size, n_calls;
	struct call *ring_head, *ring_tail;
	size_t n_active;               /* calls not yet ended */
	uint64_t seq;                  /* arrival counter */
	uint64_t tag_seq;
	size_t next_phase;
	struct tmr t_shift, t_flush, t_grace;
	bool draining, stopping;
	char *fallback_dir;          /* a copy of o.fallback_dir */
	uint64_t refused_backlog;
	uint64_t cdr_lost;           /* cdr_add refused (memory, bound): logged once */    /* new calls refused (503): the CDR backlog full */
	int inquiry_idx;               /* the default caller type */
	struct center_stats st;
	struct registrar *reg;         /* SIP operators' registrar; NULL: none */
	struct tmr t_reg;              /* the next binding to lapse */
	struct tmr t_reach;            /* dispatch told of a contact change (center.c) */
	struct opring **lht;           /* operator legs by their Call-ID (center_ops.c) */
	size_t lht_size, n_legs;
	uint64_t leg_seq;
};

/* center.c: the SIP side reports. */
void center_call_arrive(struct call *call);
void center_call_cancelled(struct call *call);
void center_caller_bye(struct call *call);
/* Timer H fired: no ACK for the 200. */
void center_no_ack(struct call *call);
rb_us center_wire(const struct center *c, rb_us scn_us);
/* A new call refused at once (404 unknown number, 503 draining): sends the
 * final response and queues its CDR. */
void center_call_reject(struct call *call, int status);
/* Back-pressure (issue 12): while CENTER_BACKLOG_REFUSE CDRs wait for the
 * disk, new calls are refused with 503 (Retry-After, like a drain) rather
 * than accepted into a record that could not be kept; the rest of
 * CDR_MAX_HELD is room for the calls already in progress and the refusals'
 * own rows. Counts the refusal; said at exit. */
#define CENTER_BACKLOG_REFUSE (CDR_MAX_HELD * 3 / 4)
bool center_backlog_full(struct center *c);

/* center.c, for the operator legs: the operator's 200 answers the caller
 * with the operator's SDP (sdp NULL: the center's own answer); the
 * operator hung up; the staff member's phones all failed (rings out now). */
void center_answer(struct call *call, const char *sdp, size_t sdp_len);
void center_operator_bye(struct call *call);
void center_ring_out_soon(struct call *call);

/*
 * center_ops.c: the B2BUA's operator side (issue 15). When dispatch gives a
 * call to a staff member named in the operators file, its phones ring
 * through opleg (one leg per contact, first answer wins).
 *   ops_ring        OPS_SIMULATED: not a SIP user (the center simulates the
 *                   pick-up); OPS_RINGING: legs started; OPS_UNREACHABLE:
 *                   no contact to ring (the caller rings it out)
 *   ops_drop        the call leaves the phones (CANCEL, ring timeout, drain)
 *   ops_hangup      the call is over for the caller: BYE to the operator
 *   ops_prune       the member's contacts changed while rung: legs to a
 *                   contact no longer bound are CANCELled (none left
 *                   ringing: the phone rang out now)
 *   ops_caller_ack  the caller's ACK (a delayed offer's answer goes on)
 *   ops_on_message  a message of a leg's (true: taken)
 *   ops_detach      the call record goes: legs forget it
 *   ops_fini        at the center's end: every leg freed
 */
enum ops_ring_result { OPS_SIMULATED = 0, OPS_RINGING, OPS_UNREACHABLE };
/* How long an unreachable member "rings" without a ring timeout (scenario
 * time): it is then not ready, not rung again at once in a loop. */
#define OPS_UNREACH_RING (5 * RB_US_PER_S)
enum ops_ring_result ops_ring(struct call *call, struct staff_ext *x);
void ops_drop(struct call *call);
void ops_hangup(struct call *call);
void ops_prune(struct call *call);
void ops_caller_ack(struct call *call, const struct sipmsg *ack);
bool ops_on_message(struct center *c, const struct sipmsg *m);
void ops_detach(struct call *call);
void ops_fini(struct center *c);
/* The talk's offer/answer between the caller and the operator leg (the
 * leg's own side is opleg_dlg.c, the caller's sip_reinv.c):
 *   ops_relaying       the call talks through an operator leg (its
 *                      re-INVITEs and UPDATEs are relayed, not answered)
 *   ops_caller_offer   the caller's re-INVITE or UPDATE to the operator:
 *                      0, EBUSY (glare: 491) or another errno
 *   ops_caller_answer  the caller's final to the center's re-INVITE or
 *                      UPDATE, to the operator's request; 0 or an errno
 *   ops_caller_reack   the caller's ACK to the operator's 2xx; 0 or errno */
bool ops_relaying(const struct call *call);
int ops_caller_offer(struct call *call, enum sip_method m, struct sip_span sdp);
int ops_caller_answer(struct call *call, int status, struct sip_span sdp);
int ops_caller_reack(struct call *call, struct sip_span sdp);

/* Re-arms the registrar's expiry timer (after a REGISTER or an expiry). */
void center_reg_rearm(struct center *c);

/* sip_tsx.c: the center acts. tsx_init allocates c->tsx (0 or ENOMEM);
 * tsx_fini frees it. */
int tsx_init(struct center *c);
void tsx_fini(struct center *c);
void tsx_on_message(const char *buf, size_t len, const struct stp_peer *peer, void *arg);
/* Sends 200 OK with SDP (Timer G/H): op_sdp (the operator's), or with
 * none the center's own answer to the caller's offer. Returns 0 or errno. */
int tsx_send_answer(struct call *call, const char *op_sdp, size_t op_sdp_len);
/* The call's stored INVITE parsed again (the center's scratch: valid until
 * the next parse), or NULL once the call has ended. */
const struct sipmsg *tsx_invite(struct call *call);
/* Sends a final error response (487, 503) to the INVITE, kept until ACK. */
int tsx_send_final(struct call *call, int status);
/* Sends the center's BYE (client transaction, Timer E/F). */
int tsx_send_bye(struct call *call);
/* Looks a call up by Call-ID. */
struct call *tsx_find(struct center *c, struct sip_span call_id);
/* Once the call has ended and no transaction is left, keeps the record a
 * while to absorb retransmissions, then frees it. */
void tsx_maybe_linger(struct call *call);
/* Frees a call's SIP state (hash entry, buffers, timers). */
void tsx_call_free(struct call *call);
/* For sip_reinv.c: replies to req from peer (to_tag: ours, when To has
 * none; hdrs: extra lines; body: SDP), sent at once; the bytes stay in
 * tsx_scratch(c) until the next message is built. Returns their length,
 * 0 when it could not be built. */
size_t tsx_reply(struct center *c, const struct stp_peer *peer, const struct sipmsg *req,
		 int status, const char *to_tag, const char *hdrs, const char *body, size_t body_len);
const char *tsx_scratch(const struct center *c);
void tsx_send(struct center *c, const struct stp_peer *peer, const char *buf, size_t len);
/* "Contact: <sip:center@host:port>\r\nAllow: ...\r\n" for peer's transport. */
size_t tsx_contact_allow(const struct center *c, const struct stp_peer *p, char *buf, size_t n);
/* An in-dialog request of the call's towards the caller (BYE, re-INVITE,
 * UPDATE, ACK), built into tsx_scratch(c), not sent: the Request-URI is
 * the caller's Contact, the Route its Record-Route. branch: the Via
 * branch to use, or "" for a new one, written there (n bytes). Returns
 * the length, 0 when it could not be built (the call has ended). */
struct tsx_req {
	const char *method;
	uint32_t cseq;
	char *branch;
	size_t branch_n;
	const char *hdrs, *body;
	size_t body_len;
};
size_t tsx_request(struct call *call, const struct tsx_req *q);

/*
 * sip_reinv.c: the caller leg's side of the relay (issue 15). With the
 * call on an operator leg (ops_relaying), the caller's re-INVITE or
 * UPDATE in the talk goes to the operator and the answer comes back; the
 * operator's comes to the caller the same way. One of each at a time;
 * glare gets 491.
 *   reinv_on_request   the caller's re-INVITE or UPDATE (or a copy)
 *   reinv_on_ack       the caller's ACK: true when it was for our final to
 *                      its re-INVITE (relayed to the operator)
 *   reinv_on_response  a response to the center's re-INVITE or UPDATE:
 *                      true when it was one
 *   reinv_send         the operator's offer to the caller: 0, EBUSY
 *                      (glare), EALREADY (not talking) or an errno
 *   reinv_answer       the operator's final to the caller's request
 *   reinv_ack          the operator's ACK, to the caller's 2xx
 *   reinv_end          the call ends: the caller's pending request gets
 *                      487, a 2xx waiting for its ACK is ACKed
 *   reinv_free         with the call record
 *   reinv_refresh      a target refresh the center answered 2xx itself
 *                      (simulated operators): m's Contact is the target
 *   reinv_target       the refreshed remote target, or NULL: the
 *                      INVITE's Contact (tsx_request)
 */
void reinv_on_request(struct call *call, const struct sipmsg *m, const struct stp_peer *peer);
bool reinv_on_ack(struct call *call, const struct sipmsg *m);
bool reinv_on_response(struct call *call, const struct sipmsg *m);
int reinv_send(struct call *call, enum sip_method method, struct sip_span sdp);
int reinv_answer(struct call *call, int status, struct sip_span sdp);
int reinv_ack(struct call *call, struct sip_span sdp);
void reinv_end(struct call *call);
void reinv_free(struct call *call);
void reinv_refresh(struct call *call, const struct sipmsg *m);
const char *reinv_target(const struct call *call);

#endif
