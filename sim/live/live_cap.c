/*
 * live_cap: a replication's capture thread. Every packet goes through the
 * analyzer's own pipeline (pktdec, tcpre, sipmsg, dlg; analyze.h's session),
 * which writes DIR/capture/ in wire time as `ringbench analyze` would; the
 * dialog layer's events give the progress counts and the CANCELs that may
 * draw redials, and its finished calls of ours are kept for the run's own
 * records. So compact headers (i: for Call-ID) and messages split over TCP
 * segments are read as the analyzer reads them: there is one SIP parser.
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "capture.h"
#include "log.h"
#include "resdir.h"

struct live_cap {
	struct capture *c;
	struct anl_session *an;
	struct analyze_opts ao;
	char cmd[3 * 4096];
	char prefix[32]; /* "rbl<rep>-" */
	pthread_t th;
	bool running;
	atomic_long placed, answered, cancels, rejected, challenges;
	atomic_long rang, rang_over; /* calls that rang; of them, those over */
	/* The seqs of our calls whose CANCEL was seen, for the run to take
	 * (guarded by mu: the capture thread adds, the run's loop takes). */
	pthread_mutex_t mu;
	uint64_t *cancel_seq;
	size_t n_cancel, cap_cancel;
	bool oom;
	/* Our calls as they ended (the capture thread's until joined). */
	struct live_wire *wire;
	size_t n_wire, cap_wire;
	/* The operator legs of our calls (their INVITE's X-RB-Call is our key). */
	struct live_wire *legs;
	size_t n_legs, cap_legs;
	bool wire_oom;
	struct cap_stats stats;
	int64_t t0_ns;
	bool started;  /* the analysis's calls.csv is open */
	bool finished; /* anl_session_finish ran */
};

bool live_key_seq(const char *call_id, const char *prefix, uint64_t *seq)
{
	size_t k = strlen(prefix);
	if (strncmp(call_id, prefix, k))
		return false;
	const char *p = call_id + k;
	/* Our keys never start with 0: "rbl0-017" is not call 17. */
	if (*p < '1' || *p > '9')
		return false;
	uint64_t v = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (++digits > 19)
			return false;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	if (*p && strncmp(p, "///", 3))
		return false;
	*seq = v;
	return true;
}

static void note_cancel(struct live_cap *t, uint64_t seq)
{
	pthread_mutex_lock(&t->mu);
	if (t->n_cancel == t->cap_cancel) {
		size_t nc = t->cap_cancel ? 2 * t->cap_cancel : 64;
		uint64_t *q = realloc(t->cancel_seq, nc * sizeof(*q));
		if (!q) {
			t->oom = true;
			pthread_mutex_unlock(&t->mu);
			return;
		}
		t->cancel_seq = q;
		t->cap_cancel = nc;
	}
	t->cancel_seq[t->n_cancel++] = seq;
	pthread_mutex_unlock(&t->mu);
}

/* Does this answer or refusal end a call's ringing? (Not one that rang and
 * was cancelled: its CANCEL counted it.) */
static bool rang_ends(const struct callrec *r)
{
	return r->t_ringing != RB_T_NONE && r->t_cancel == RB_T_NONE;
}

/* The dialog layer's events (capture thread): counts of our calls alone (a
 * center's legs to SIP operators, or anyone else's calls on the port, are
 * not ringbench's callers), and their CANCELs. */
static void on_event(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg)
{
	struct live_cap *c = arg;
	uint64_t seq;
	(void)t;
	if (!live_key_seq(callrec_call_id(r), c->prefix, &seq))
		return;
	switch (ev) {
	case DLG_EV_INVITE:
		atomic_fetch_add(&c->placed, 1);
		break;
	case DLG_EV_RINGING: /* once per call: its first 180 or 183 */
		atomic_fetch_add(&c->rang, 1);
		break;
	case DLG_EV_ANSWERED:
		atomic_fetch_add(&c->answered, 1);
		if (rang_ends(r))
			atomic_fetch_add(&c->rang_over, 1);
		break;
	case DLG_EV_CANCEL:
		atomic_fetch_add(&c->cancels, 1);
		if (r->t_ringing != RB_T_NONE)
			atomic_fetch_add(&c->rang_over, 1);
		note_cancel(c, seq);
		break;
	case DLG_EV_FINAL:
		/* A digest challenge: the INVITE comes again (--auth); a 487 ends
		 * a CANCEL, counted there. */
		if (r->final_status == 401 || r->final_status == 407) {
			atomic_fetch_add(&c->challenges, 1);
		} else if (r->final_status != 487) {
			atomic_fetch_add(&c->rejected, 1);
			if (rang_ends(r))
				atomic_fetch_add(&c->rang_over, 1);
		}
		break;
	}
}

/* A wire call copied with its key (the analyzer's is valid during the call only). */
static int wire_copy(struct live_wire *w, const struct callrec *r, uint64_t seq)
{
	w->seq = seq;
	w->rec = *r;
	w->key = NULL;
	if (!r->call_id_long && !r->from_tag_long)
		return 0;
	const char *cid = callrec_call_id(r), *tag = callrec_from_tag(r);
	size_t cl = strlen(cid), tl = strlen(tag);
	if (!(w->key = malloc(cl + tl + 2)))
		return ENOMEM;
	memcpy(w->key, cid, cl + 1);
	memcpy(w->key + cl + 1, tag, tl + 1);
	callrec_set_key(&w->rec, w->key, w->key + cl + 1);
	return 0;
}

/* Appends r (seq) to *v: 0, or ENOMEM (then wire_oom). */
static int keep_wire(struct live_wire **v, size_t *n, size_t *cap, const struct callrec *r,
		     uint64_t seq)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 256;
		struct live_wire *q = realloc(*v, nc * sizeof(*q));
		if (!q)
			return ENOMEM;
		*v = q;
		*cap = nc;
	}
	if (wire_copy(&(*v)[*n], r, seq))
		return ENOMEM;
	(*n)++;
	return 0;
}

/* A call over (capture thread, or the run's after the join): kept when ours,
 * or when it is an operator leg the center rang for one of ours (its
 * INVITE's X-RB-Call carries our key, as the caller's INVITE had it). */
static void on_call(const struct callrec *r, void *arg)
{
	struct live_cap *c = arg;
	uint64_t seq;
	if (c->wire_oom)
		return;
	if (live_key_seq(callrec_call_id(r), c->prefix, &seq)) {
		if (keep_wire(&c->wire, &c->n_wire, &c->cap_wire, r, seq))
			c->wire_oom = true;
	} else if (r->rb_call[0] && live_key_seq(r->rb_call, c->prefix, &seq)) {
		if (keep_wire(&c->legs, &c->n_legs, &c->cap_legs, r, seq))
			c->wire_oom = true;
	}
}

static void *cap_main(void *arg)
{
	struct live_cap *t = arg;
	struct cap_pkt p;
	while (capture_next(t->c, &p) == 0)
		anl_session_packet(t->an, &p, capture_t0_ns(t->c));
	return NULL;
}

/* The wire-time analysis beside the run (DIR/capture/), judging nothing:
 * its folder, no file yet. */
static int open_analysis(struct live_cap *t, const struct live_cap_opts *o, char *err, size_t n)
{
	snprintf(t->cmd, sizeof(t->cmd), "ringbench analyze %s --scenario %s --out %s", o->pcap_path,
		 o->scenario_path, o->cap_dir);
	t->ao = (struct analyze_opts){.out_dir = o->cap_dir,
				      .scn = o->scn,
				      .command = t->cmd,
				      .quiet = 1,
				      .unjudged = true,
				      .summary_name = LIVE_WIRE_SUMMARY};
	struct anl_taps taps = {.call = on_call, .event = on_event, .arg = t};
	int e = anl_session_open(&t->an, &t->ao, &taps);
	if (e)
		snprintf(err, n, "cannot create %s: %s", o->cap_dir, strerror(e));
	return e;
}

/* The capture (its counts are the analysis's), then the analysis's calls.csv:
 * a capture refused leaves no file in DIR/capture/. */
static int open_capture(struct live_cap *t, const struct live_cap_opts *o, char *err, size_t n)
{
	char cerr[512] = "";
	int e = capture_open_live(&t->c, o->iface, o->filter, o->pcap_path, 0,
				  anl_session_stats(t->an), cerr, sizeof(cerr));
	if (e) {
		snprintf(err, n, "cannot capture: %s", cerr);
		rmdir(o->cap_dir); /* made by open_analysis, still empty */
		return e;
	}
	const char *why = "";
	if ((e = anl_session_start(t->an, &why)) != 0)
		snprintf(err, n, "the capture could not be analysed (%s: %s)", o->cap_dir, why);
	t->started = e == 0;
	return e;
}

int live_cap_start(struct live_cap **out, const struct live_cap_opts *o, char *err, size_t n)
{
	struct live_cap *t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	pthread_mutex_init(&t->mu, NULL);
	t->t0_ns = INT64_MIN;
	snprintf(t->prefix, sizeof(t->prefix), "%s", o->prefix);
	int e = open_analysis(t, o, err, n);
	if (!e)
		e = open_capture(t, o, err, n);
	if (!e && pthread_create(&t->th, NULL, cap_main, t)) {
		snprintf(err, n, "cannot start the capture thread");
		e = EAGAIN;
	}
	if (e) {
		live_cap_free(t);
		return e;
	}
	t->running = true;
	*out = t;
	return 0;
}

void live_cap_counts(struct live_cap *t, struct live_cap_counts *out)
{
	out->placed = atomic_load(&t->placed);
	out->answered = atomic_load(&t->answered);
	out->abandoned = atomic_load(&t->cancels);
	out->rejected = atomic_load(&t->rejected);
	out->challenges = atomic_load(&t->challenges);
	out->ringing = atomic_load(&t->rang) - atomic_load(&t->rang_over);
	if (out->ringing < 0)
		out->ringing = 0;
}

int live_cap_take_cancels(struct live_cap *t, uint64_t **v, size_t *n)
{
	pthread_mutex_lock(&t->mu);
	*v = t->cancel_seq;
	*n = t->n_cancel;
	bool oom = t->oom;
	t->cancel_seq = NULL;
	t->n_cancel = t->cap_cancel = 0;
	pthread_mutex_unlock(&t->mu);
	return oom ? ENOMEM : 0;
}

void live_cap_stop(struct live_cap *t)
{
	if (t->running) {
		capture_stop(t->c);
		pthread_join(t->th, NULL);
		t->running = false;
	}
	if (t->c) {
		if (capture_stats(t->c, &t->stats))
			memset(&t->stats, 0, sizeof(t->stats));
		t->t0_ns = capture_t0_ns(t->c);
		capture_close(t->c);
		t->c = NULL;
	}
}

int live_cap_finish(struct live_cap *t, char *err, size_t n)
{
	live_cap_stop(t);
	struct resdir_result res;
	int e = anl_session_finish(t->an, &res);
	t->finished = true;
	if (e)
		snprintf(err, n, "the capture could not be analysed (%s%s%s)", t->ao.out_dir,
			 res.failed ? ": " : "", res.failed ? res.failed : "");
	else if (t->wire_oom) {
		snprintf(err, n, "out of memory");
		e = ENOMEM;
	}
	return e;
}

const struct live_wire *live_cap_calls(const struct live_cap *t, size_t *n)
{
	*n = t->n_wire;
	return t->wire;
}

const struct live_wire *live_cap_legs(const struct live_cap *t, size_t *n)
{
	*n = t->n_legs;
	return t->legs;
}

rb_us live_cap_t0(const struct live_cap *t)
{
	return t->t0_ns == INT64_MIN ? RB_T_NONE : t->t0_ns / 1000;
}

void live_cap_stats(const struct live_cap *t, struct cap_stats *out)
{
	*out = t->stats;
}

void live_cap_free(struct live_cap *t)
{
	if (!t)
		return;
	live_cap_stop(t);
	/* A run that failed before the analysis: its folder says so. */
	if (t->started && !t->finished)
		anl_session_abort(t->an, "the live run failed before its capture was analysed");
	anl_session_free(t->an);
	for (size_t i = 0; i < t->n_wire; i++)
		free(t->wire[i].key);
	free(t->wire);
	for (size_t i = 0; i < t->n_legs; i++)
		free(t->legs[i].key);
	free(t->legs);
	free(t->cancel_seq);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
