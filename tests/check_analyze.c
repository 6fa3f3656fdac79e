/*
 * check_analyze: `ringbench analyze` as a whole (analyze_run) on the
 * project's captures: result files, counts, verdicts, exit codes, several
 * files merged, bad input, live capture (permission, --write, stop).
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "capture.h"
#include "resdir.h"

#define PCAP_DIR RB_SOURCE_DIR "/tests/data/pcap/"

static char tmpdir[256];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_analyze.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static int run_files(char **files, size_t n, const struct scn_target *tg, size_t ntg)
{
	struct analyze_opts o = {0};
	o.files = files;
	o.n_files = n;
	o.out_dir = tmpdir;
	o.targets = tg;
	o.n_targets = ntg;
	o.command = "check_analyze";
	o.quiet = 1;
	return analyze_run(&o);
}

static int run1(const char *file)
{
	char *f[1] = {(char *)file};
	return run_files(f, 1, NULL, 0);
}

static json_t *load_summary(void)
{
	char p[400];
	json_error_t e;
	snprintf(p, sizeof(p), "%s/summary.json", tmpdir);
	json_t *j = json_load_file(p, 0, &e);
	ck_assert_msg(j != NULL, "summary.json: %s", e.text);
	return j;
}

static long long overall(json_t *j, const char *k)
{
	json_t *v = json_object_get(json_object_get(j, "overall"), k);
	ck_assert_msg(json_is_integer(v), "overall.%s", k);
	return json_integer_value(v);
}

static long long skipped(json_t *j, const char *k)
{
	json_t *v = json_object_get(json_object_get(j, "skipped"), k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Lines of calls.csv after the header. */
static int csv_rows(char *first_row, size_t n)
{
	char p[400], line[2048];
	snprintf(p, sizeof(p), "%s/calls.csv", tmpdir);
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	int rows = -1;
	while (fgets(line, sizeof(line), f)) {
		if (rows == 0 && first_row)
			snprintf(first_row, n, "%s", line);
		rows++;
	}
	fclose(f);
	return rows;
}

START_TEST(test_sipp_udp_outcomes_and_files)
{
	ck_assert_int_eq(run1(PCAP_DIR "sipp_udp4.pcap"), 0);
	json_t *j = load_summary();
	ck_assert_str_eq(json_string_value(json_object_get(j, "engine")), "capture");
	ck_assert_int_eq(overall(j, "answered"), 3);
	ck_assert_int_eq(overall(j, "abandoned"), 3);
	ck_assert_int_eq(overall(j, "rejected"), 3);
	ck_assert_int_eq(overall(j, "incomplete"), 0);
	ck_assert(json_is_null(json_object_get(json_object_get(j, "overall"), "occupancy")));
	json_t *rfc = json_object_get(j, "rfc6076");
	ck_assert_int_eq(json_integer_value(json_object_get(rfc, "invites")), 9);
	/* SER = 3 answered / (9 - 0 redirected) */
	ck_assert_double_eq_tol(json_real_value(json_object_get(rfc, "ser_pct")), 100.0 / 3, 1e-9);
	/* SEER counts 486 as effective: (3 + 3) / 9 */
	ck_assert_double_eq_tol(json_real_value(json_object_get(rfc, "seer_pct")), 200.0 / 3, 1e-9);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(rfc, "sdt_s"), "count")), 3);
	ck_assert_int_eq(csv_rows(NULL, 0), 9);
	char p[400];
	snprintf(p, sizeof(p), "%s/timeline.csv", tmpdir);
	ck_assert_int_eq(access(p, R_OK), 0);
	json_decref(j);
}
END_TEST

START_TEST(test_long_keys_challenge_pppoe_mpls_captures)
{
	/* From tags alike for 248 characters, one Call-ID: two calls */
	ck_assert_int_eq(run1(PCAP_DIR "edge_longtags.pcap"), 0);
	json_t *j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 1);
	ck_assert_int_eq(overall(j, "abandoned"), 1);
	ck_assert_int_eq(csv_rows(NULL, 0), 2);
	json_decref(j);
	/* 500-character Call-IDs differing in the last: two calls, written whole */
	char row[2048];
	ck_assert_int_eq(run1(PCAP_DIR "edge_longcallid.pcap"), 0);
	j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 1);
	ck_assert_int_eq(overall(j, "rejected"), 1);
	ck_assert_int_eq(csv_rows(row, sizeof(row)), 2);
	ck_assert_int_eq((int)(strchr(row, ',') - row), 500);
	json_decref(j);
	/* a 407, the INVITE again 30 s later, answered: one call from the first
	 * INVITE (wait 37.000250 s, 13 rings, SRD 30.003 s); another resent 90 s
	 * later, one call too; a 407 alone: rejected */
	ck_assert_int_eq(run1(PCAP_DIR "edge_challenge.pcap"), 0);
	j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 2);
	ck_assert_int_eq(overall(j, "rejected"), 1);
	ck_assert_int_eq(csv_rows(row, sizeof(row)), 3);
	ck_assert_msg(strstr(row, "challenge-late@gen,f-cl,") == row, "%s", row);
	ck_assert_msg(strstr(row,
			     ",0.000000,30.003000,37.000250,,37.000250,45.000000,200,answered,,"
			     "37.000250,13,13,6.997250,30.003000,"),
		      "%s", row);
	json_decref(j);
	/* PPPoE and MPLS framings (plain, IPv6, behind 802.1Q): nothing lost */
	ck_assert_int_eq(run1(PCAP_DIR "edge_pppoe.pcap"), 0);
	j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 3);
	ck_assert_int_eq(overall(j, "abandoned"), 3);
	ck_assert_int_eq(skipped(j, "non_ip"), 0);
	json_decref(j);
	ck_assert_int_eq(run1(PCAP_DIR "edge_mpls.pcap"), 0);
	j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 3);
	ck_assert_int_eq(overall(j, "abandoned"), 3);
	ck_assert_int_eq(skipped(j, "non_ip"), 0);
	json_decref(j);
}
END_TEST

/*
 * Nine calls in one capture give no interval (too few for batch means), so
 * a target is undecided whichever side of it the point falls: exit 4,
 * verdict inconclusive, the target's result and note saying why.
 */
START_TEST(test_target_without_interval_exits_4)
{
	struct scn_target t;
	ck_assert_int_eq(scn_target_parse("3:0.95", NULL, &t, NULL, 0), 0);
	char *f[1] = {PCAP_DIR "sipp_tcp6.pcap"};
	/* sla within 3 rings = 3 answered / (9 - 3 abandoned) = 0.5 < 0.95 */
	ck_assert_int_eq(run_files(f, 1, &t, 1), 4);
	json_t *j = load_summary();
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "inconclusive");
	json_t *t0 = json_array_get(json_object_get(j, "targets"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(t0, "result")), "inconclusive");
	ck_assert(json_is_null(json_object_get(t0, "pass")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(t0, "note")), "no interval"));
	json_decref(j);
	ck_assert_int_eq(scn_target_parse("3:0.5", NULL, &t, NULL, 0), 0);
	ck_assert_int_eq(run_files(f, 1, &t, 1), 4);
	ck_assert_int_eq(run_files(f, 1, NULL, 0), 0); /* no target: nothing to decide */
}
END_TEST

START_TEST(test_not_a_capture_exits_2)
{
	char p[400];
	snprintf(p, sizeof(p), "%s/notes.txt", tmpdir);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a capture\n", f);
	fclose(f);
	ck_assert_int_eq(run1(p), 2);
	ck_assert_int_eq(run1("/nonexistent/x.pcap"), 2);
}
END_TEST

START_TEST(test_truncated_file_counted_and_analysed)
{
	ck_assert_int_eq(run1(PCAP_DIR "edge_truncated.pcap"), 0);
	json_t *j = load_summary();
	ck_assert_int_eq(skipped(j, "corrupt_record"), 1);
	ck_assert_int_eq(overall(j, "answered"), 1);
	ck_assert_int_eq(overall(j, "abandoned"), 1);
	json_decref(j);
}
END_TEST

/* The tap below cuts the capture to its first page at the first call
 * event (the first INVITE), as another program could while the analyzer
 * reads it. */
struct cut {
	const char *path;
	int calls;
};

static void cut_on_event(enum dlg_event ev, const struct callrec *r, rb_us t, void *arg)
{
	(void)ev;
	(void)r;
	(void)t;
	struct cut *k = arg;
	if (k->calls++ == 0)
		ck_assert_int_eq(truncate(k->path, 4096), 0);
}

/* A capture cut short while it is read (mapped): no crash, the rest of
 * the file skipped and counted as corrupt_record, the folder written, the
 * exit status that of a file ending inside a record (edge_truncated: 0). */
START_TEST(test_file_cut_while_read)
{
	char src[400], cmd[900];
	snprintf(src, sizeof(src), "%s/cut.pcap", tmpdir);
	snprintf(cmd, sizeof(cmd), "cp '%ssipp_udp4.pcap' '%s'", PCAP_DIR, src);
	ck_assert_int_eq(system(cmd), 0);
	char *files[1] = {src};
	struct analyze_opts o = {0};
	o.files = files;
	o.n_files = 1;
	o.out_dir = tmpdir;
	o.command = "check_analyze";
	o.quiet = 1;
	struct cut k = {src, 0};
	struct anl_taps taps = {.event = cut_on_event, .arg = &k};
	struct anl_session *s;
	ck_assert_int_eq(anl_session_open(&s, &o, &taps), 0);
	struct capture *c;
	char err[256];
	capture_set_mapping(true);
	ck_assert_int_eq(capture_open_files(&c, files, 1, anl_session_stats(s), err, sizeof(err)), 0);
	const char *why;
	ck_assert_int_eq(anl_session_start(s, &why), 0);
	struct cap_pkt p;
	while (capture_next(c, &p) == 0)
		anl_session_packet(s, &p, capture_t0_ns(c));
	struct resdir_result res;
	ck_assert_int_eq(anl_session_finish(s, &res), 0);
	ck_assert_int_eq(res.exit_code, 0);
	capture_close(c);
	anl_session_free(s);
	ck_assert_int_ge(k.calls, 1);
	json_t *j = load_summary();
	ck_assert_int_eq(skipped(j, "corrupt_record"), 1);
	json_t *cap = json_object_get(j, "capture");
	ck_assert_int_lt(json_integer_value(json_object_get(cap, "packets")), 60);
	json_decref(j);
	snprintf(cmd, sizeof(cmd), "test -s '%s/calls.csv'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_garbage_counted)
{
	ck_assert_int_eq(run1(PCAP_DIR "edge_garbage.pcap"), 0);
	json_t *j = load_summary();
	ck_assert_int_eq(overall(j, "answered"), 1);
	ck_assert_int_eq(skipped(j, "non_ip"), 1);
	ck_assert_int_eq(skipped(j, "sctp"), 1);
	ck_assert_int_eq(skipped(j, "gtp"), 1);
	ck_assert_int_eq(skipped(j, "keepalive"), 1);
	ck_assert_int_eq(skipped(j, "not_sip"), 2);
	ck_assert_int_eq(skipped(j, "truncated_packet"), 1);
	json_decref(j);
}
END_TEST

/* Splits src into two files, packets alternating: analysing both must give
 * the very rows the single file gives (merged in time order, same t0). */
START_TEST(test_two_files_merged_in_time_order)
{
	char e[PCAP_ERRBUF_SIZE], a[400], b[400];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(PCAP_DIR "sipp_tcp4.pcap",
							     PCAP_TSTAMP_PRECISION_NANO, e);
	ck_assert_ptr_nonnull(in);
	snprintf(a, sizeof(a), "%s/a.pcap", tmpdir);
	snprintf(b, sizeof(b), "%s/b.pcap", tmpdir);
	pcap_dumper_t *da = pcap_dump_open(in, a), *db = pcap_dump_open(in, b);
	ck_assert_ptr_nonnull(da);
	ck_assert_ptr_nonnull(db);
	struct pcap_pkthdr *h;
	const u_char *d;
	int i = 0;
	while (pcap_next_ex(in, &h, &d) == 1)
		pcap_dump((u_char *)((i++ / 3) % 2 ? db : da), h, d);
	pcap_dump_close(da);
	pcap_dump_close(db);
	pcap_close(in);

	char one[2048], two[2048];
	ck_assert_int_eq(run1(PCAP_DIR "sipp_tcp4.pcap"), 0);
	int n1 = csv_rows(one, sizeof(one));
	char *f[2] = {a, b};
	ck_assert_int_eq(run_files(f, 2, NULL, 0), 0);
	int n2 = csv_rows(two, sizeof(two));
	ck_assert_int_eq(n1, 9);
	ck_assert_int_eq(n2, 9);
	ck_assert_str_eq(one, two);
}
END_TEST

START_TEST(test_live_without_permission_exits_3)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77); /* not root: nothing to drop */
		struct analyze_opts o = {0};
		o.iface = "lo";
		o.duration_us = 200000;
		o.out_dir = tmpdir;
		o.quiet = 1;
		_exit(analyze_run(&o));
	}
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	if (WEXITSTATUS(st) != 77)
		ck_assert_int_eq(WEXITSTATUS(st), 3);
}
END_TEST

START_TEST(test_live_unknown_interface_exits_2)
{
	struct analyze_opts o = {0};
	o.iface = "nosuchif0";
	o.duration_us = 100000;
	o.out_dir = tmpdir;
	o.quiet = 1;
	int rc = analyze_run(&o);
	ck_assert_msg(rc == 2 || rc == 3, "rc %d", rc);
}
END_TEST

static void *stopper(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	analyze_stop();
	return NULL;
}

START_TEST(test_live_lo_writes_and_stops)
{
	if (geteuid() != 0)
		return; /* needs root or CAP_NET_RAW */
	char w[400];
	snprintf(w, sizeof(w), "%s/live.pcap", tmpdir);
	struct analyze_opts o = {0};
	o.iface = "lo";
	o.filter = "udp port 5999";
	o.write_path = w;
	o.out_dir = tmpdir;
	o.quiet = 1;
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, stopper, NULL), 0);
	time_t t0 = time(NULL);
	ck_assert_int_eq(analyze_run(&o), 0); /* stopped (as by Ctrl-C), not an error */
	pthread_join(th, NULL);
	ck_assert_int_le(time(NULL) - t0, 5);
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(w, e);
	ck_assert_msg(p != NULL, "%s", e);
	pcap_close(p);
}
END_TEST

/* calls.csv's column col of the row whose call_id starts with prefix. */
static void csv_field(const char *prefix, const char *col, char *out, size_t n)
{
	char p[400], line[2048];
	snprintf(p, sizeof(p), "%s/calls.csv", tmpdir);
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	int ci = -1;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *fields[40];
		int nf = 0;
		for (char *q = line; nf < 40;) {
			fields[nf++] = q;
			char *c = strchr(q, ',');
			if (!c)
				break;
			*c = '\0';
			q = c + 1;
		}
		if (ci < 0) {
			for (int i = 0; i < nf; i++)
				if (!strcmp(fields[i], col))
					ci = i;
			ck_assert_int_ge(ci, 0);
		} else if (!strncmp(fields[0], prefix, strlen(prefix)) && ci < nf) {
			snprintf(out, n, "%s", fields[ci]);
			break;
		}
	}
	fclose(f);
}

START_TEST(test_scenario_tenant_and_rings_heard)
{
	struct scenario *s = NULL;
	char err[256];
	ck_assert_int_eq(scn_load(PCAP_DIR "tenants.yaml", &s, err, sizeof(err)), 0);
	struct analyze_opts o = {0};
	char *f[1] = {PCAP_DIR "sipp_udp4.pcap"};
	o.files = f;
	o.n_files = 1;
	o.out_dir = tmpdir;
	o.scn = s;
	o.quiet = 1;
	/* the scenario's target: 3 answered / (9 - 3 abandoned) = 0.5 < 0.9, but
	 * nine calls give no interval to decide it by: inconclusive */
	ck_assert_int_eq(analyze_run(&o), 4);
	char v[64];
	csv_field("1-21865@", "tenant", v, sizeof(v));
	ck_assert_str_eq(v, "sippco");
	csv_field("1-21865@", "forwarding", v, sizeof(v));
	ck_assert_str_eq(v, "no-answer"); /* the tenant's, no header said */
	csv_field("1-21865@", "rings_heard", v, sizeof(v));
	ck_assert_str_eq(v, "6"); /* floor((15 s + 1.185 ms) / 3 s) + 1 */
	csv_field("1-21865@", "rings", v, sizeof(v));
	ck_assert_str_eq(v, "1");
	csv_field("1-21971@", "forwarding", v, sizeof(v));
	ck_assert_str_eq(v, "unconditional"); /* History-Info cause=302 wins */
	csv_field("1-21971@", "t_dial", v, sizeof(v));
	ck_assert_str_eq(v, "6.568309");
	scn_free(s);
}
END_TEST

START_TEST(test_phase_windows_split_calls)
{
	struct summary_window w[2] = {{"early", 0, 3 * RB_US_PER_S},
				      {"late", 3 * RB_US_PER_S, 60 * RB_US_PER_S}};
	struct analyze_opts o = {0};
	char *f[1] = {PCAP_DIR "sipp_udp6.pcap"};
	o.files = f;
	o.n_files = 1;
	o.out_dir = tmpdir;
	o.windows = w;
	o.n_windows = 2;
	o.quiet = 1;
	ck_assert_int_eq(analyze_run(&o), 0);
	json_t *j = load_summary();
	json_t *ph = json_object_get(j, "phases");
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(ph, "early"), "answered")), 3);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(ph, "late"), "abandoned")), 3);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(ph, "late"), "rejected")), 3);
	json_decref(j);
}
END_TEST

/*
 * A live run's capture judged in scenario time: --t0 2 s before the first
 * packet and --speedup 10 put the calls at (wire + 2 s) x 10, so windows
 * ten times the wire ones (less the offset) split them as before; each
 * time and wait is ten times the wire's, the RFC 6076 delays stay in wire
 * time, and t0_epoch is the one given.
 */
START_TEST(test_speedup_and_t0_give_scenario_time)
{
	char *f[1] = {PCAP_DIR "sipp_udp6.pcap"};
	struct analyze_opts o = {0};
	o.files = f;
	o.n_files = 1;
	o.out_dir = tmpdir;
	o.quiet = 1;
	ck_assert_int_eq(analyze_run(&o), 0);
	json_t *w = load_summary();
	rb_us cap_t0 = rb_s_to_us(json_number_value(json_object_get(w, "t0_epoch")));
	double srd_wire = json_number_value(
	    json_object_get(json_object_get(json_object_get(w, "rfc6076"), "srd_s"), "mean"));
	json_decref(w);
	char v[64];
	csv_field("2-22627@", "t_invite", v, sizeof(v));
	ck_assert_str_eq(v, "3.523434");

	/* Wire [0, 3 s) and [3 s, 60 s) become [0, 50 s) and [50 s, 620 s). */
	struct summary_window win[2] = {{"early", 0, 50 * RB_US_PER_S},
					{"late", 50 * RB_US_PER_S, 620 * RB_US_PER_S}};
	o.windows = win;
	o.n_windows = 2;
	o.speedup = 10;
	o.t0_epoch = cap_t0 - 2 * RB_US_PER_S;
	ck_assert_int_eq(analyze_run(&o), 0);
	json_t *j = load_summary();
	json_t *ph = json_object_get(j, "phases");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "early"), "answered")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "early"), "offered")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "late"), "abandoned")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "late"), "rejected")), 3);
	ck_assert_int_eq(rb_s_to_us(json_number_value(json_object_get(j, "t0_epoch"))), o.t0_epoch);
	double srd = json_number_value(
	    json_object_get(json_object_get(json_object_get(j, "rfc6076"), "srd_s"), "mean"));
	ck_assert_double_eq_tol(srd, srd_wire, 1e-9);
	json_decref(j);
	csv_field("2-22627@", "t_invite", v, sizeof(v));
	ck_assert_str_eq(v, "55.234340"); /* (3.523434 + 2) x 10 */
	csv_field("2-22627@", "wait_s", v, sizeof(v));
	ck_assert_str_eq(v, "12.042560"); /* 1.204256 x 10 */
	csv_field("2-22627@", "rings", v, sizeof(v));
	ck_assert_str_eq(v, "5"); /* floor(12.04 / 3) + 1, not the wire's 1 */

	/* In wire time the same windows hold every call in "early". */
	o.speedup = 0;
	ck_assert_int_eq(analyze_run(&o), 0);
	j = load_summary();
	ph = json_object_get(j, "phases");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "early"), "offered")), 9);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ph, "late"), "offered")), 0);
	json_decref(j);
}
END_TEST

/* The wire-time analysis beside a live run: its own file name, no target
 * judged (even one that would be missed), verdict null, exit 0. */
START_TEST(test_unjudged_writes_wire_summary_without_verdict)
{
	char *f[1] = {PCAP_DIR "sipp_udp6.pcap"};
	struct scn_target tg;
	ck_assert_int_eq(scn_target_parse("1:1", NULL, &tg, NULL, 0), 0);
	struct analyze_opts o = {0};
	o.files = f;
	o.n_files = 1;
	o.out_dir = tmpdir;
	o.quiet = 1;
	o.targets = &tg;
	o.n_targets = 1;
	o.unjudged = true;
	o.summary_name = "wire-summary.json";
	ck_assert_int_eq(analyze_run(&o), 0);
	char p[400];
	snprintf(p, sizeof(p), "%s/summary.json", tmpdir);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/wire-summary.json", tmpdir);
	json_error_t e;
	json_t *j = json_load_file(p, 0, &e);
	ck_assert_msg(j != NULL, "wire-summary.json: %s", e.text);
	ck_assert(json_is_null(json_object_get(j, "verdict")));
	ck_assert_int_eq(json_array_size(json_object_get(j, "targets")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "overall"), "offered")), 9);
	json_decref(j);
}
END_TEST

static Suite *analyze_suite(void)
{
	Suite *s = suite_create("analyze");
	TCase *tc = tcase_create("analyze");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sipp_udp_outcomes_and_files);
	tcase_add_test(tc, test_target_without_interval_exits_4);
	tcase_add_test(tc, test_long_keys_challenge_pppoe_mpls_captures);
	tcase_add_test(tc, test_not_a_capture_exits_2);
	tcase_add_test(tc, test_truncated_file_counted_and_analysed);
	tcase_add_test(tc, test_file_cut_while_read);
	tcase_add_test(tc, test_garbage_counted);
	tcase_add_test(tc, test_two_files_merged_in_time_order);
	tcase_add_test(tc, test_live_without_permission_exits_3);
	tcase_add_test(tc, test_live_unknown_interface_exits_2);
	tcase_add_test(tc, test_live_lo_writes_and_stops);
	tcase_add_test(tc, test_scenario_tenant_and_rings_heard);
	tcase_add_test(tc, test_phase_windows_split_calls);
	tcase_add_test(tc, test_speedup_and_t0_give_scenario_time);
	tcase_add_test(tc, test_unjudged_writes_wire_summary_without_verdict);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(analyze_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
