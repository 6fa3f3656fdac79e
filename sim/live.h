/*
 * live: `ringbench live`, a scenario's calls placed over SIP by SIPp,
 * captured with libpcap and judged (docs/live.md).
 *
 * One replication (live_rep_run):
 *   1. schedule_build(): every caller, as the model draws them; callers
 *      whose patience ends while the tenant's phone rings never reach the
 *      wire (abandoned before forwarding), and their redials;
 *   2. secretaryd is started on a free loopback port (same scenario, seed,
 *      speed-up and time zero), unless a target was given;
 *   3. a libpcap capture of the run's port starts (capture.pcap);
 *   4. SIPp runs scenarios/sipp/live_caller.xml with an injection file: each
 *      call pauses until its own wall-clock instant (t0 + t_invite / F);
 *      a CANCEL the capture sees may draw a redial (schedule_redial),
 *      placed by one more SIPp (DIR/sipp/redial-K/) started shortly before;
 *   5. after every SIPp ends and 2 s more, the capture stops, secretaryd is
 *      stopped, `ringbench analyze` is run on the capture into capture/
 *      (wire time, judging nothing: capture/wire-summary.json);
 *   6. each scheduled call is found in the capture by its Call-ID key and
 *      reported in scenario time (wire × F), with screened and the one who
 *      answered from secretaryd's CDRs; lateness = capture time of the
 *      INVITE's first transmission − its scheduled instant.
 *
 * live_run() runs the replications and writes DIR/summary.json (engine
 * live), DIR/calls.csv (replication 0) and DIR/timeline.csv.
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
	const char *target;          /* "HOST:PORT", NULL: start secretaryd */
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
};

/* Lateness of the run's INVITEs (wire), for the terminal and tests. */
struct live_lateness {
	size_t n;
	double median_ms, p99_ms, max_ms;
};

/*
 * Runs every replication. Returns the exit status of DEFINITIONS.md: 0
 * every target met, 1 one missed, 2 bad input, 3 the run failed (SIPp
 * aborted, the server died, capture not permitted, calls unaccounted for:
 * then summary.json says verdict error and why). lat (may be NULL) gets
 * replication 0's lateness.
 */
int live_run(const struct live_opts *o, struct live_lateness *lat);

#endif
