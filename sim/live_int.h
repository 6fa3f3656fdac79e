/*
 * live_int: what live.c (one replication's run), live_collect.c (the
 * capture and the CDRs back into call records) and live_proc.c (child
 * processes) share. Private to the live module.
 */
#ifndef RB_LIVE_INT_H
#define RB_LIVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "callrec.h"
#include "live.h"
#include "rbtime.h"
#include "schedule.h"
#include "summary.h"
#include "timeline.h"

/* --- processes (live_proc.c) --- */

/*
 * Starts argv[0] (PATH searched) in its own process group, stdin from
 * /dev/null. stdout: a pipe (*pipe_fd) when pipe_fd, else out_path; stderr:
 * out_path (when given). Returns 0 or errno.
 */
int live_spawn(char *const argv[], const char *out_path, int *pipe_fd, pid_t *pid_out);
/* One line from fd (without '\n') within timeout_ms: 0, ETIMEDOUT, EPIPE. */
int live_read_line(int fd, char *buf, size_t n, int timeout_ms);
/* waitpid within timeout_ms (0: just a look): 0 (status set) or ETIMEDOUT. */
int live_wait(pid_t pid, int timeout_ms, int *status);
/* SIGTERM, then SIGKILL after grace_ms; reaps. status may be NULL. */
int live_stop(pid_t pid, int grace_ms, int *status);
/* The folder of the running binary. */
int live_self_dir(char *buf, size_t n);
/* secretaryd: $RINGBENCH_SECRETARYD, next to ringbench, else on PATH. */
int live_find_secretaryd(char *buf, size_t n);
/*
 * A SIPp flow file: flows_dir, $RINGBENCH_FLOWS, ./scenarios/sipp, then the
 * installed or source tree's scenarios/sipp (sharedir.h).
 */
int live_find_flow(const char *flows_dir, const char *name, char *buf, size_t n);

/*
 * The capture's own analysis beside a live run, in wire time: DIR/capture/
 * holds calls.csv, timeline.csv and this, which judges no target and has
 * verdict null, so that no search for summary.json takes it for a result.
 */
#define LIVE_WIRE_SUMMARY "wire-summary.json"

/* --- one scheduled call's result --- */
struct live_call {
	const struct sched_call *sc;
	struct callrec rec;   /* scenario time */
	rb_us lateness;       /* wire µs; RB_T_NONE when not on the wire */
	double report_s;      /* hang-up to report delivered (secretaryd's CDRs,
	                         wall-clock seconds); NaN when none */
	bool found;           /* in the capture */
	char *wire_key;       /* owned "Call-ID\0From tag\0" when either is too
	                         long for rec's fields (rec points here); else NULL */
};

/* Frees what calls[0..n) own (not the array). */
void live_calls_release(struct live_call *calls, size_t n);

/*
 * Fills calls[i].rec from DIR/capture/calls.csv and wire-summary.json (the
 * analysis of the capture) and, when cdr_path exists, secretaryd's CDRs.
 * t0_epoch: the live run's time zero (µs); F the speed-up. Keys are
 * "<prefix><seq>". Returns 0, or errno with why in err.
 */
int live_collect(const struct scenario *s, struct live_call *calls, size_t n, const char *cap_dir,
		 const char *cdr_path, const char *prefix, rb_us t0_epoch, double F, char *err,
		 size_t errlen);

/*
 * Calls refused by the server's digest authentication (final 401/407, or
 * 403 with auth given) once challenges (401/407 to INVITEs) were seen:
 * when every call placed was, EACCES with why (the run measured nothing);
 * some of them, a warning on stderr and 0; none, 0. auth: "user:password"
 * or NULL.
 */
int live_auth_check(const struct live_call *calls, size_t n, const char *auth, long challenges,
		    char *why, size_t whylen);

/* Median, p99 and max of calls' lateness (those on the wire). */
void live_lateness_of(const struct live_call *calls, size_t n, struct live_lateness *lat);

/* Ringing spans, answers and abandons of the records, into tl. */
void live_timeline(struct timeline *tl, const struct live_call *calls, size_t n, rb_us end);

#endif
