/*
 * analyze: `ringbench analyze`, SIP calls and their measures from captures
 * (issue 5; docs/analyze.md states every rule and definition).
 *
 * Two levels:
 *  - the pipeline (struct anl): captured frames -> pktdec (link, IP,
 *    fragments, tunnels) -> UDP datagrams and tcpre (TCP streams, SIP
 *    framing) -> sipmsg (lenient) -> dlg (calls). Tests and the fuzzer drive
 *    it directly with their own hooks.
 *  - analyze_run(): the whole command: input (files or live), calls.csv as
 *    calls complete, summary.json (engine "capture", targets, verdict, the
 *    RFC 6076 figures and the skip counters), timeline.csv.
 *
 * Times: a packet's time is its libpcap timestamp in nanoseconds minus the
 * first packet of the first file, rounded down to the microsecond (so a time
 * equals Wireshark's frame.time_relative cut after six decimals).
 */
#ifndef RB_ANALYZE_H
#define RB_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "astats.h"
#include "capture.h"
#include "dlg.h"
#include "rbtime.h"
#include "scn.h"
#include "summary.h"

struct anl;

/* Returns NULL on ENOMEM. st and hooks' arg must outlive a. */
struct anl *anl_new(struct astats *st, const struct dlg_hooks *hooks);
/* One captured frame; t0_ns is time zero (capture_t0_ns). */
void anl_packet(struct anl *a, const struct cap_pkt *p, int64_t t0_ns);
/* End of input: reports every call still held (at the last packet's time). */
void anl_finish(struct anl *a);
/* Frees a (calls still held are not reported). */
void anl_free(struct anl *a);
/* Time of the latest packet seen (RB_T_NONE before the first). */
rb_us anl_last_time(const struct anl *a);
/* Floor division of a nanosecond difference to microseconds. */
rb_us anl_ns_to_us(int64_t ns);

struct analyze_opts {
	char *const *files; /* capture files, or NULL for live */
	size_t n_files;
	const char *iface;		  /* live capture */
	const char *filter;		  /* BPF, live */
	const char *write_path;		  /* live: copy of the capture */
	int64_t duration_us;		  /* live: 0 until stopped */
	const char *out_dir;		  /* created when missing */
	const struct scenario *scn;	  /* may be NULL */
	const struct scn_target *targets; /* NULL: the scenario's */
	size_t n_targets;
	const struct summary_window *windows; /* NULL: the scenario's phases */
	size_t n_windows;
	rb_us ring_period;   /* 0: the scenario's, else 3 s */
	const char *command; /* for summary.json */
	int quiet;	     /* no summary on stdout */
};

/*
 * Runs the analysis and writes DIR/calls.csv, DIR/summary.json and
 * DIR/timeline.csv. Returns the exit status of DEFINITIONS.md: 0 every
 * target met, 1 one missed, 2 bad input (not a capture file: said on
 * stderr), 3 the run failed (capture not permitted, an output not written).
 */
int analyze_run(const struct analyze_opts *o);

/* Asks a running analyze_run to stop (async-signal-safe: for SIGINT). */
void analyze_stop(void);

#endif
