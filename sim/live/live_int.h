/*
 * live_int: what the live module's files share. Private to the module.
 *   live.c          the run: replications, summary.json's live members
 *   live_rep.c      one replication, stage by stage
 *   live_launch.c   secretaryd, the injection file, SIPp
 *   live_redial.c   redials drawn on CANCELs, and their SIPp runs
 *   live_cap.c      the capture thread and its analysis
 *   live_collect.c  the capture's calls and the CDRs into call records
 *   live_proc.c     child processes
 */
#ifndef RB_LIVE_INT_H
#define RB_LIVE_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "callrec.h"
#include "capture.h"
#include "live.h"
#include "rbtime.h"
#include "schedule.h"
#include "summary.h"
#include "timeline.h"

#define LIVE_SIPP_RATE 1000 /* calls SIPp creates per second (each then waits) */
/* Rings of a call whose pick-ups the caller carries for SIP operators
 * (X-RB-Ring-1..8, live_operator.xml); later rings reuse the last. */
#define LIVE_RINGS 8

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

/* --- one operator leg (live_legs.c): a row of operator_legs.csv --- */
struct live_leg {
	uint64_t seq;              /* the caller's call (its X-RB-Call key) */
	char leg_call_id[128];     /* the leg's own Call-ID (cut to fit) */
	char op[64];               /* the Request-URI user: "op3", "backup1" */
	rb_us t_invite, t_ringing, t_answer, t_cancel, t_final; /* scenario time */
	int final_status;          /* 0: none seen */
	const char *result;        /* "answered", "no-answer", "cancelled",
				      "failed", "incomplete" */
};

/* --- one replication (live_rep.c, live_launch.c, live_redial.c) --- */

struct live_cap;

struct rep {
	const struct live_opts *o;
	int idx;
	char dir[PATH_MAX];	/* this replication's folder */
	char why[3 * PATH_MAX]; /* why it failed */
	struct schedule sc;
	struct live_call *calls;
	size_t n_calls; /* calls allocated (sc.n once they all are) */
	struct live_leg *legs; /* --sip-operators: the operator legs, by t_invite */
	size_t n_legs;
	rb_us t0;	/* epoch µs */
	rb_us end_epoch; /* the scenario's end on the wall clock */
	pid_t sd_pid, sipp_pid;
	pid_t op_pid;          /* --sip-operators: the operators' SIPp */
	int op_port;           /* its UDP port on 127.0.0.1 */
	char opfile[PATH_MAX + 32]; /* DIR/operators.yaml, given to secretaryd */
	char host[256];
	int port;
	struct live_cap *cap; /* while the capture runs and until freed */
	long challenges;      /* 401/407 to INVITEs the capture saw */
	struct cap_stats pcap; /* libpcap's counts */
	/* Redials found during the run: waiting for their SIPp (indexes into
	 * sc.calls), and the SIPp processes placing them. */
	size_t *pend;
	size_t n_pend, cap_pend;
	struct rd_proc {
		pid_t pid;
		int run; /* DIR/sipp/redial-<run> */
	} *rd;
	size_t n_rd, cap_rd;
	int n_rd_runs; /* SIPp processes started for redials */
	/* The progress line: on a terminal or not, and when the next plain one is due. */
	int tty;
	rb_us next_plain;
};

/* True once ^C or SIGTERM came during the run (live.c's signal handler). */
bool live_interrupted(void);
/* Runs one replication into r->calls. Returns 0 or 3 (r->why says why). */
int live_rep_run(struct rep *r);
/* Frees what r holds. */
void live_rep_free(struct rep *r);

/* "HOST:PORT" (IPv6 as [addr]:port) into host, port. Returns 0 or EINVAL. */
int live_split_target(const char *t, char *host, size_t n, int *port);
/* --sip-operators (live_ops.c): DIR/operators.yaml and the operators' SIPp
 * (r->op_pid, r->op_port). Returns 0 or errno, r->why set. */
int live_start_operators(struct rep *r);
void live_stop_operators(struct rep *r);
/* Starts secretaryd for r (r->host, r->port, r->sd_pid). Returns 0 or errno, r->why set. */
int live_start_secretaryd(struct rep *r);
/* The injection file: one line per wire call w[0..n), in send order. Returns 0 or errno. */
int live_write_injection(struct rep *r, const struct sched_call **w, size_t n, const char *path,
			 bool center_hangs_up);
/* SIPp on inj (n calls), its files in sipp_dir, its pid into *pid. Returns 0
 * or errno, r->why set. */
int live_start_sipp(struct rep *r, const char *inj, size_t n, double limit_s, const char *sipp_dir,
		    pid_t *pid);
/* A SIPp's exit: 0 all calls as the flow expects, 1 some failed (the
 * capture judges); anything else is an abort (false, r->why set). */
/* The first error line of SIPp's screen output text (its timestamp cut)
 * into buf. Returns 0, or ENOENT when there is none. */
int live_sipp_reason(const char *text, char *buf, size_t n);
/* The first line SIPp printed with its timestamp (its errors: an unknown
 * element, a variable set but not used...) in sipp_dir/sipp.out, the
 * timestamp cut, into buf. Returns 0, or ENOENT when there is none. */
int live_sipp_said(const char *sipp_dir, char *buf, size_t n);
bool live_sipp_ok(struct rep *r, int st, const char *sipp_dir);

/* The CANCELs the capture saw since the last look: redials drawn, the wire
 * ones queued for their SIPp. Returns 0 or ENOMEM. */
int live_take_cancels(struct rep *r);
/* Starts a SIPp for the queued redials due soon. Returns 0, or errno with
 * r->why set. */
int live_launch_redials(struct rep *r);
/* DIR/sipp/redial-<run>: the files of the run-th SIPp placing redials. */
void live_redial_dir(const struct rep *r, int run, char *buf, size_t n);

/* Frees what calls[0..n) own (not the array). */
void live_calls_release(struct live_call *calls, size_t n);

/* --- the capture thread and its analysis (live_cap.c) --- */

/* One of our calls as the capture's analysis ended it: wire time from the
 * capture's first packet, as its row in DIR/capture/calls.csv. */
struct live_wire {
	uint64_t seq;	    /* from its Call-ID key */
	struct callrec rec; /* its key inline, or in key */
	char *key;	    /* owned "Call-ID\0From tag\0" when too long for rec */
};

/* The progress line's counts, from the dialog layer's events. */
struct live_cap_counts {
	long placed, answered, abandoned, rejected, challenges;
	long ringing; /* calls that rang (180/183) and are not over: 0 when no one answers */
};

struct live_cap_opts {
	const char *iface, *filter;
	const char *pcap_path;	   /* DIR/capture.pcap */
	const char *cap_dir;	   /* DIR/capture: the analysis in wire time */
	const struct scenario *scn;
	const char *scenario_path; /* for the analysis's command line */
	const char *prefix;	   /* "rbl<rep>-": our Call-ID keys */
};

struct live_cap;
struct cap_stats;

/*
 * True when call_id is one of ours: "<prefix><seq>", then "///..." or
 * nothing; seq has no leading zero. *seq gets it.
 */
bool live_key_seq(const char *call_id, const char *prefix, uint64_t *seq);
/* Starts the capture and its analysis in a thread. Returns 0, or errno
 * with why in err. */
int live_cap_start(struct live_cap **t, const struct live_cap_opts *o, char *err, size_t n);
void live_cap_counts(struct live_cap *t, struct live_cap_counts *out);
/* The seqs of our calls whose CANCEL came since the last take (*v the
 * caller's to free). Returns 0, or ENOMEM when some were lost. */
int live_cap_take_cancels(struct live_cap *t, uint64_t **v, size_t *n);
/* Stops the capture (its thread joined, capture.pcap flushed). */
void live_cap_stop(struct live_cap *t);
/* After live_cap_stop: the calls left are ended and DIR/capture/ written.
 * Returns 0, or errno with why in err. */
int live_cap_finish(struct live_cap *t, char *err, size_t n);
/* After live_cap_finish: our calls in the order they ended. */
const struct live_wire *live_cap_calls(const struct live_cap *t, size_t *n);
/* After live_cap_finish: the operator legs of our calls (seq: the caller's
 * call, from the leg INVITE's X-RB-Call), in the order they ended. */
const struct live_wire *live_cap_legs(const struct live_cap *t, size_t *n);
/* The capture's first packet, µs since the epoch; RB_T_NONE when none. */
rb_us live_cap_t0(const struct live_cap *t);
/* libpcap's counts, taken when the capture stopped. */
void live_cap_stats(const struct live_cap *t, struct cap_stats *out);
void live_cap_free(struct live_cap *t);

/* --- the records (live_collect.c) --- */

/* What live_collect joins. */
struct live_sources {
	const struct live_wire *wire; /* live_cap_calls() */
	size_t n_wire;
	rb_us cap_t0;	      /* the capture's first packet (epoch µs) */
	rb_us t0;	      /* the run's time zero (epoch µs) */
	double F;	      /* the speed-up */
	const char *cdr_path; /* secretaryd's cdr.sqlite, or NULL */
	const char *prefix;   /* "rbl<rep>-" */
};

/*
 * Fills calls[i].rec (in scenario time) from the capture's calls, matched by
 * their key "<prefix><seq>", and adds screened, who answered and report
 * latency from secretaryd's CDRs when cdr_path exists. Returns 0 or ENOMEM.
 */
int live_collect(const struct scenario *s, struct live_call *calls, size_t n,
		 const struct live_sources *src);

/*
 * When calls were placed and not one got any response (no 180, 200 or
 * final status: a closed UDP port, a firewall, the wrong address), sets why
 * and returns ETIMEDOUT: the run measured nothing and fails (exit 3),
 * rather than judging "no calls". Returns 0 otherwise.
 */
int live_never_answered(const struct live_call *calls, size_t n, char *why, size_t whylen);
/*
 * Calls refused by the server's digest authentication (final 401/407, or
 * 403 with auth given) once challenges (401/407 to INVITEs) were seen:
 * when every call placed was, EACCES with why (the run measured nothing);
 * some of them, a warning on stderr and 0; none, 0. auth: "user:password"
 * or NULL.
 */
int live_auth_check(const struct live_call *calls, size_t n, const char *auth, long challenges,
		    char *why, size_t whylen);

/*
 * The capture's operator legs (live_cap_legs) into r->legs, in scenario
 * time, sorted by t_invite, each with its result: answered (a 2xx),
 * cancelled (the center's CANCEL after the caller's own CANCEL, or after
 * the caller was answered by another leg), no-answer (any other CANCEL:
 * the ring timeout, RINGNOANSWER), failed (a final answer >= 300 without a
 * CANCEL), incomplete. After live_collect (r->calls filled). Returns 0 or
 * ENOMEM.
 */
int live_legs_collect(struct rep *r, const struct live_wire *legs, size_t n,
		      const struct live_sources *src);
struct resdir;
/* operator_legs.csv in d (docs/results.md) from r's legs. Returns 0 or
 * the table's errno. */
int live_legs_write(struct resdir *d, const struct rep *r);

/* Median, p99 and max of calls' lateness (those on the wire). */
void live_lateness_of(const struct live_call *calls, size_t n, struct live_lateness *lat);

/* Ringing spans, answers and abandons of the records, into tl. */
void live_timeline(struct timeline *tl, const struct live_call *calls, size_t n, rb_us end);

#endif
