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
 * equals Wireshark's frame.time_relative cut after six decimals). With a
 * speed-up and a time zero (a live run's capture judged as the run was:
 * --speedup F --t0 EPOCH), each call's times are then mapped to scenario
 * time, (wall-clock time − t0_epoch) × F (rb_wall_to_scenario), before
 * phases, targets and calls.csv see them; the RFC 6076 delays stay in wire
 * time, as SIP's own timers are not sped up.
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
	/* Scenario time: speedup > 0 maps times as above, from t0_epoch (µs
	 * since the epoch), which is then summary.json's t0_epoch. 0: wire time
	 * from the first packet. */
	double speedup;
	rb_us t0_epoch;
	/* The wire-time analysis beside a live run: no targets judged, verdict
	 * null, written as summary_name. */
	bool unjudged;
	const char *summary_name; /* NULL: "summary.json" */
};

/*
 * Runs the analysis and writes DIR/calls.csv, DIR/summary.json (or
 * summary_name) and DIR/timeline.csv. Returns the exit status: 0 every
 * target met (or none judged), 1 one missed, 2 bad input (not a capture
 * file: said on stderr), 3 the run failed (capture not permitted, an output
 * not written), 4 inconclusive (none missed, one undecided).
 */
int analyze_run(const struct analyze_opts *o);

/*
 * One analysis, packet by packet: what analyze_run does with its input,
 * for a caller that reads the packets itself (ringbench live's capture
 * thread). The result folder is o->out_dir, written as analyze_run writes
 * it; the taps see the calls and their events as they come. From one thread.
 *
 *   anl_session_open(&s, &opts, &taps);      the folder (nothing written)
 *   anl_session_start(s, &why);              calls.csv, the pipeline
 *   per packet: anl_session_packet(s, &p, capture_t0_ns(c));
 *   anl_session_finish(s, &res);             every call left, the files
 *   anl_session_free(s);
 */
struct anl_taps {
	/* A call over, as its calls.csv row has it (times in the folder's time
	 * base: wire time from the first packet without a speed-up). r is valid
	 * during the call only. May be NULL. */
	void (*call)(const struct callrec *r, void *arg);
	/* A call's event as the dialog layer sees it (dlg.h), t in wire time from
	 * the first packet. May be NULL. */
	void (*event)(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg);
	void *arg;
};

struct anl_session;
struct resdir_result;

/* o and taps' arg must outlive s (taps is copied; may be NULL). Returns 0,
 * ENOMEM, or the folder's errno. */
int anl_session_open(struct anl_session **s, const struct analyze_opts *o,
		     const struct anl_taps *taps);
/* The counters the capture adds to (capture_open_*'s st). */
struct astats *anl_session_stats(struct anl_session *s);
/* Opens calls.csv and the pipeline. Returns 0, or errno with *why the
 * reason for anl_session_abort ("calls.csv could not be written", "out of
 * memory"). */
int anl_session_start(struct anl_session *s, const char **why);
/* One captured frame; t0_ns: time zero (capture_t0_ns). After start. */
void anl_session_packet(struct anl_session *s, const struct cap_pkt *p, int64_t t0_ns);
/*
 * End of input: reports the calls left and writes the folder (resdir_finish).
 * Returns 0, or errno with res saying what failed (res->exit_code 3).
 */
int anl_session_finish(struct anl_session *s, struct resdir_result *res);
/* The analysis could not be made: summary.json alone, verdict error with
 * why. Returns the exit status (3). Instead of anl_session_finish. */
int anl_session_abort(struct anl_session *s, const char *why);
/* The summary (for summary_print after anl_session_finish). */
struct summary *anl_session_summary(struct anl_session *s);
void anl_session_free(struct anl_session *s);

/* Asks a running analyze_run to stop (async-signal-safe: for SIGINT). */
void analyze_stop(void);

#endif
