/*
 * live: `ringbench live`, a scenario's calls placed over SIP by SIPp,
 * captured with libpcap and judged (docs/live.md).
 *
 * One replication (live_rep_run):
 *   1. schedule_build(): every caller, as the model draws them; callers
 *      whose patience ends while the tenant's phone rings never reach the
 *      wire (abandoned before forwarding), and their redials;
 *   2. secretaryd is started on a free loopback port (same scenario, seed,
 *      speed-up and time zero), unless --server was given;
 *   3. a libpcap capture of the run's port starts (capture.pcap); a thread
 *      hands every packet to the analyzer's pipeline as it comes, which
 *      writes capture/ in wire time (judging nothing: wire-summary.json);
 *   4. SIPp runs scenarios/sipp/live_caller.xml with an injection file: each
 *      call pauses until its own wall-clock instant (t0 + t_invite / F);
 *      a CANCEL the dialog layer reports (DLG_EV_CANCEL) may draw a redial
 *      (schedule_redial), placed by one more SIPp (DIR/sipp/redial-K/)
 *      started shortly before;
 *   5. after every SIPp ends and 2 s more, the capture stops (libpcap's
 *      counts kept), secretaryd is stopped, the analysis ends its calls;
 *   6. each scheduled call is matched in memory with the analysis's call of
 *      its Call-ID key and reported in scenario time (wire × F), with
 *      screened and the one who answered from secretaryd's CDRs; lateness =
 *      capture time of the INVITE's first transmission − its scheduled
 *      instant.
 *
 * live_run() runs the replications and writes DIR/summary.json (engine
 * live; with the capture's counts), DIR/calls.csv (replication 0) and
 * DIR/timeline.csv, once, through core/resdir.
 */
#ifndef RB_LIVE_H
#define RB_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scn.h"

struct live_opts {
	const char *scenario_path;   /* required (secretaryd reads it too) */
	const struct scenario *scn;  /* loaded from scenario_path */
	const char *server;          /* --server "HOST:PORT", NULL: start secretaryd */
	double speedup;              /* >= 1e-3; 1 without --speedup */
	int replications;            /* >= 1 */
	uint64_t seed;
	const char *out_dir;         /* created */
	bool tcp;                    /* --transport tcp */
	const char *auth;            /* "user:password" or NULL */
	const char *command;         /* for summary.json */
	const char *secretaryd;      /* the binary; NULL: found next to ringbench */
	const char *sipp;            /* NULL: "sipp" on PATH */
	const char *flows_dir;       /* NULL: scenarios/sipp found from the binary */
	bool quiet;                  /* no progress or summary on stdout/stderr */
	bool sip_operators;          /* --sip-operators: secretaryd rings SIP phones,
				      * played by ringbench's operator SIPp (live_ops.c) */
	const char *caller_xml;      /* --caller-xml: the callers' SIPp flow instead of
				      * live_caller(_auth).xml, checked (caller_xml.h) */
};

/* Lateness of the run's INVITEs (wire), for the terminal and tests. */
struct live_lateness {
	size_t n;
	double median_ms, p99_ms, max_ms;
};

/*
 * Whether the run kept its schedule (live_schedule.c): kept when every
 * replication's INVITE lateness p99 is within the limit, 5 % of the ring
 * period on the wire (ring period / F). The figures are the worst
 * replication's (highest p99). A run that did not keep it is at best
 * inconclusive; summary.json holds this as "schedule".
 */
struct live_schedule {
	bool kept;
	size_t invites;		       /* INVITEs measured, every replication */
	double p50_ms, p99_ms, max_ms; /* the worst replication's; 0 when none */
	double limit_ms;
	int worst_rep; /* -1 when no INVITE was measured */
};

/* The lateness limit on the wire, ms: 5 % of ring_period / F. */
double live_lateness_limit_ms(rb_us ring_period, double F);
/* Judges lat[0..n_reps) (one per replication) into out. */
void live_schedule_judge(const struct live_lateness *lat, int n_reps, rb_us ring_period, double F,
			 struct live_schedule *out);
/*
 * The reason for summary_set_inconclusive() when not kept ("schedule not
 * kept: INVITE lateness p99 16.4 ms over its limit 10 ms"), else "".
 * Returns what snprintf returns.
 */
int live_schedule_reason(const struct live_schedule *sc, int n_reps, char *buf, size_t n);
/* summary.json's "schedule" object (NULL on ENOMEM). */
struct json_t;
struct json_t *live_schedule_json(const struct live_schedule *sc);

/*
 * Runs every replication. Returns the exit status: 0 every target met, 1
 * one missed, 2 bad input, 3 the run failed (SIPp aborted, the server
 * died, capture not permitted, calls unaccounted for: then summary.json
 * says verdict error and why), 4 inconclusive (a target undecided, or the
 * schedule not kept). lat (may be NULL) gets replication 0's lateness.
 */
int live_run(const struct live_opts *o, struct live_lateness *lat);

#endif
