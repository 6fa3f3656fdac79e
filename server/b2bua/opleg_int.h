/*
 * opleg_int: what opleg.c (the leg's INVITE, CANCEL, ACK and BYE) and
 * opleg_dlg.c (re-INVITE and UPDATE during the talk, both ways) share.
 * Private to server/b2bua/.
 */
#ifndef RB_OPLEG_INT_H
#define RB_OPLEG_INT_H

#include "opleg.h"

#define OL_NEVER INT64_MAX

enum ol_state {
	OL_CALLING = 0, /* INVITE sent, nothing back */
	OL_PROCEEDING,  /* a 1xx came */
	OL_CONFIRMED,   /* 200 ACKed: talking */
	OL_BYE_SENT,    /* our BYE in flight */
	OL_DONE,
};

/* One message retransmitted over UDP until its answer: a client
 * transaction's request, or our final to the phone's re-INVITE until its
 * ACK (Timer G, with Timer H as the deadline). */
struct ctx {
	char *buf;
	size_t len;
	bool active;      /* waiting for a final response (or an ACK) */
	bool invite;      /* Timer A doubles without the T2 cap */
	rb_us next, iv;   /* the next retransmission; OL_NEVER: none */
	rb_us deadline;   /* Timer B / F / H; OL_NEVER: none */
};

struct opleg {
	struct opleg_env env;
	struct opleg_cbs cbs;
	enum ol_state st;
	bool udp, cancelling, by_center, cancel_sent, reported, bye_after_cancel;
	bool delayed;             /* the INVITE had no offer: the 200 has it */
	bool ack_pending;         /* delayed offer: the ACK waits for opleg_ack's answer */
	char call_id[128], target[256], dest[80], local[64], branch[48];
	char from[768];
	char to_tag[128];
	char remote[256];         /* the 200's Contact URI: later requests go there */
	rb_us ring_due;
	struct ctx inv, can, bye;
	char *ack;                /* the last ACK sent, for a retransmitted final */
	size_t ack_len;
	struct opleg_times tm;
	uint64_t seq;
	uint32_t lcseq;           /* our last CSeq: 1 the INVITE, then re-INVITEs, UPDATEs, BYE */
	/* the center's re-INVITE or UPDATE (opleg_offer): a client transaction */
	struct ctx ct;
	enum sip_method ct_method;
	uint32_t ct_cseq;         /* 0: none sent yet */
	char ct_branch[48];
	bool ct_ack_pending;      /* its 2xx: the ACK waits for opleg_ack (the caller's, relayed) */
	char *ct_ack;             /* the ACK sent for its final, for a copy of that final */
	size_t ct_ack_len;
	/* the phone's re-INVITE or UPDATE: sv.buf holds our final (retransmitted
	 * until the ACK for an INVITE), sv_req the request it answers */
	struct ctx sv;
	char *sv_req;
	size_t sv_req_len;
	enum sip_method sv_method;
	uint32_t sv_cseq;
	int sv_status;            /* the final sent; 0: the center has not answered yet */
};

/* opleg.c */
struct ol_req {
	const char *method, *ruri, *branch, *hdrs, *body;
	uint32_t cseq;
	bool to_tag;
	size_t body_len;
};
int ol_build(const struct opleg *l, const struct ol_req *q, char **out, size_t *len);
void ol_put(struct opleg *l, const char *buf, size_t len);
void ol_tx_start(struct opleg *l, struct ctx *t, char *buf, size_t len, bool invite, rb_us now);
bool ol_tx_tick(struct opleg *l, struct ctx *t, rb_us now);
void ol_new_branch(struct opleg *l, char *dst, size_t n);
void ol_rearm(struct opleg *l);
void ol_copy_span(char *dst, size_t n, struct sip_span s);
/* m's Contact, if any, becomes the leg's remote target (l->remote): the
 * 2xx that set up the dialog, and target refreshes (opleg_dlg.c). */
void ol_take_remote(struct opleg *l, const struct sipmsg *m);
/* Replies to req with status (hdrs: extra lines; sdp: a body), sent at
 * once; *keep (when not NULL) gets the bytes (the caller frees them).
 * Returns 0 or an errno. */
int ol_reply(struct opleg *l, const struct sipmsg *req, int status, const char *hdrs,
	     const char *sdp, size_t sdp_len, char **keep, size_t *keep_len);

/* opleg_dlg.c */
/* The phone's re-INVITE or UPDATE (with its To tag: in the dialog). */
void ol_dlg_request(struct opleg *l, const struct sipmsg *m, rb_us now);
/* The phone's ACK: true when it was for our final to its re-INVITE. */
bool ol_dlg_ack(struct opleg *l, const struct sipmsg *m);
/* A response to our re-INVITE or UPDATE: true when it was one. */
bool ol_dlg_response(struct opleg *l, const struct sipmsg *m, rb_us now);
/* The ACK to the 2xx of our re-INVITE, if it waits; true when sent. */
bool ol_dlg_ack_send(struct opleg *l, const char *sdp, size_t sdp_len);
/* Timers of the re-INVITE / UPDATE transactions. */
void ol_dlg_timer(struct opleg *l, rb_us now);
/* The dialog ends (a BYE either way): what is pending is closed. */
void ol_dlg_end(struct opleg *l);
/* Something of the re-INVITE / UPDATE transactions is in flight. */
bool ol_dlg_busy(const struct opleg *l);
void ol_dlg_free(struct opleg *l);

#endif
