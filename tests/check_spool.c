/* Unit tests of the report spool (server/spool*.c) and the Maildir and SMTP
 * delivery methods (server/deliver_*.c): durable queue, retries with
 * backoff, recovery after a restart, exactly-once delivery. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deliver.h"
#include "spool.h"

static char *mkroot(void)
{
	char *d = strdup("/tmp/check_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static void rmtree(const char *d)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A fake delivery method: fails the first `fail_first` attempts (as the
 * server or the message), records every name delivered. */
struct fake {
	pthread_mutex_t mu;
	int fail_first;
	enum spool_result fail_as;
	const char *refuse_rcpt; /* always refuses this recipient */
	int calls;
	char names[256][64];
	int n_names;
	int done;
	rb_us min_lat;
};

static void fake_deliver(void *arg, const struct spool_msg *m, size_t n, enum spool_result *res,
			 char *why, size_t whylen)
{
	struct fake *f = arg;
	pthread_mutex_lock(&f->mu);
	for (size_t i = 0; i < n; i++) {
		f->calls++;
		if (f->refuse_rcpt && strcmp(m[i].meta.rcpt, f->refuse_rcpt) == 0) {
			res[i] = SPOOL_MSG_FAILED;
			snprintf(why, whylen, "550 refused");
		} else if (f->fail_first > 0) {
			f->fail_first--;
			res[i] = f->fail_as;
			snprintf(why, whylen, "fake failure");
		} else {
			ck_assert(m[i].len > 0 && memcmp(m[i].data, "Subject: ", 9) == 0);
			res[i] = SPOOL_DELIVERED;
			if (f->n_names < 256)
				snprintf(f->names[f->n_names++], 64, "%s", m[i].name);
		}
	}
	pthread_mutex_unlock(&f->mu);
}

static void on_done(const struct spool_done_info *d, void *arg)
{
	struct fake *f = arg;
	pthread_mutex_lock(&f->mu);
	f->done++;
	ck_assert_int_ge(d->t_delivered_epoch, d->t_written_epoch);
	ck_assert_int_ge(d->t_written_epoch, d->t_hangup_epoch);
	pthread_mutex_unlock(&f->mu);
}

static struct spool_deliverer fake_dlv(struct fake *f, bool idem)
{
	struct spool_deliverer d = {fake_deliver, idem, "fake", f};
	return d;
}

static struct spool *open_sp(const char *dir, const struct spool_deliverer *dlv, struct fake *f)
{
	struct spool_opts o;
	spool_opts_default(&o);
	o.dir = dir;
	o.dlv = dlv;
	o.done = on_done;
	o.done_arg = f;
	o.backoff_min = 20000;
	o.backoff_max = 80000;
	struct spool *sp = NULL;
	char err[256] = "";
	ck_assert_msg(spool_open(&sp, &o, err, sizeof err) == 0, "%s", err);
	return sp;
}

static void submit(struct spool *sp, int i, const char *rcpt)
{
	char msg[128], cid[32];
	snprintf(msg, sizeof msg, "Subject: report %d\r\n\r\nbody %d\r\n", i, i);
	snprintf(cid, sizeof cid, "call-%d", i);
	rb_us now = rb_now_epoch_us();
	struct spool_meta m = {rcpt, "acme", "c@example.org", cid, now - 1000, now};
	ck_assert_int_eq(spool_submit(sp, &m, msg, strlen(msg)), 0);
}

static void wait_depth0(struct spool *sp, rb_us max)
{
	struct spool_stats st;
	rb_us until = rb_now_mono_us() + max;
	do {
		spool_get_stats(sp, &st);
		if (st.depth == 0)
			return;
		usleep(5000);
	} while (rb_now_mono_us() < until);
	ck_abort_msg("spool depth still %zu", st.depth);
}

START_TEST(test_spool_delivers_each_report_once)
{
	char *root = mkroot(), dir[300];
	snprintf(dir, sizeof dir, "%s/spool", root);
	struct fake f = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct spool_deliverer d = fake_dlv(&f, true);
	struct spool *sp = open_sp(dir, &d, &f);
	for (int i = 0; i < 100; i++)
		submit(sp, i, "a@example.org");
	wait_depth0(sp, 10 * RB_US_PER_S);
	struct spool_stats st;
	spool_get_stats(sp, &st);
	ck_assert_uint_eq(st.submitted, 100);
	ck_assert_uint_eq(st.written, 100);
	ck_assert_uint_eq(st.delivered, 100);
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	ck_assert_int_eq(f.n_names, 100);
	ck_assert_int_eq(f.done, 100);
	for (int i = 0; i < 100; i++)
		for (int j = i + 1; j < 100; j++)
			ck_assert_str_ne(f.names[i], f.names[j]);
	snprintf(dir, sizeof dir, "%s/spool/queue", root);
	ck_assert_int_eq(count_files(dir), 0);
	snprintf(dir, sizeof dir, "%s/spool/done", root);
	ck_assert_int_eq(count_files(dir), 0);
	rmtree(root);
	free(root);
}
END_TEST

/* Runs with fd 2 into a file; returns what was written there (malloc'd). */
static int stderr_to(const char *path)
{
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(saved >= 0 && fd >= 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
	return saved;
}

static char *stderr_back(int saved, const char *path)
{
	ck_assert_int_eq(dup2(saved, 2), 2);
	close(saved);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char *s = calloc(1, 65536);
	size_t n = fread(s, 1, 65535, f);
	s[n] = 0;
	fclose(f);
	return s;
}

/*
 * The spool's folder name is the caller's string only during spool_open:
 * callreport.c passed a buffer on its stack, and a later error printed
 * whatever was there (under ASan: a use after free here). Delivery then
 * fails to mark (done/ removed), and the error must name the folder.
 */
START_TEST(test_spool_keeps_its_own_copy_of_the_folder_name)
{
	char *root = mkroot(), want[300], logf[320], *dir = malloc(300);
	snprintf(dir, 300, "%s/spool", root);
	snprintf(want, sizeof want, "%s: mark ", dir);
	snprintf(logf, sizeof logf, "%s/log", root);
	struct fake f = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct spool_deliverer d = fake_dlv(&f, true);
	struct spool *sp = open_sp(dir, &d, &f);
	memset(dir, 'X', 299);
	dir[299] = 0;
	free(dir);
	char done[320];
	snprintf(done, sizeof done, "%s/spool/done", root);
	ck_assert_int_eq(rmdir(done), 0);
	int saved = stderr_to(logf);
	submit(sp, 1, "a@example.org");
	wait_depth0(sp, 10 * RB_US_PER_S);
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	char *log = stderr_back(saved, logf);
	ck_assert_msg(strstr(log, want) != NULL, "the log should name %s: %s", want, log);
	free(log);
	rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_spool_retries_with_backoff_when_server_down)
{
	char *root = mkroot(), dir[300];
	snprintf(dir, sizeof dir, "%s/spool", root);
	struct fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .fail_first = 4, .fail_as = SPOOL_SERVER_FAILED};
	struct spool_deliverer d = fake_dlv(&f, false);
	struct spool *sp = open_sp(dir, &d, &f);
	rb_us t0 = rb_now_mono_us();
	for (int i = 0; i < 3; i++)
		submit(sp, i, "a@example.org");
	wait_depth0(sp, 5 * RB_US_PER_S);
	/* Four server failures wait 20 + 40 + 80 + 80 ms at least. */
	ck_assert_int_ge(rb_now_mono_us() - t0, 220000);
	struct spool_stats st;
	spool_get_stats(sp, &st);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.failures, 4);
	ck_assert_int_eq(f.calls, 7); /* one message per try while the server is down */
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	rmtree(root);
	free(root);
}
END_TEST

/* Lines of path holding needle (or all lines when needle is NULL). */
static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += !needle || strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* Issue 12, item 5: while reports cannot be written, new reports do not
 * make the writer retry (or log) once each: it backs off, logs once, and
 * at close what is still in memory goes to the fallback file, counted. */
START_TEST(test_spool_writer_failing_backs_off_logs_once_and_falls_back)
{
	char *root = mkroot(), dir[300], tmp[320], logp[320], fb[320];
	snprintf(dir, sizeof dir, "%s/spool", root);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	snprintf(logp, sizeof logp, "%s/stderr.txt", root);
	snprintf(fb, sizeof fb, "%s/reports-fallback.jsonl", root);
	struct fake f = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct spool_deliverer d = fake_dlv(&f, true);
	struct spool *sp = open_sp(dir, &d, &f); /* backoff 20 ms doubling to 80 ms */
	/* The writer's tmp/ gone: every write fails (ENOENT), as on a full disk. */
	ck_assert_int_eq(rmdir(tmp), 0);
	fflush(stderr);
	int saved = dup(2), lfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(lfd, 0);
	dup2(lfd, 2);
	for (int i = 0; i < 200; i++) {
		submit(sp, i, "a@example.org");
		usleep(5000); /* 200 wake-ups over about 1 s */
	}
	struct spool_stats st;
	spool_get_stats(sp, &st);
	ck_assert_int_eq(spool_close(sp, 0, fb), EIO);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(lfd);
	/* about 1 s / 80 ms tries, not one per report */
	ck_assert_uint_ge(st.write_errors, 5);
	ck_assert_uint_le(st.write_errors, 25);
	ck_assert_uint_eq(st.written, 0);
	ck_assert_int_eq(count_lines(logp, "cannot write reports into tmp/"), 1);
	ck_assert_int_eq(count_lines(logp, "200 call report(s) written to"), 1);
	ck_assert_int_le(count_lines(logp, NULL), 3);
	ck_assert_int_eq(count_lines(fb, NULL), 200);
	ck_assert_int_eq(count_lines(fb, "\"call_id\":\"call-199\""), 1);
	ck_assert_int_eq(count_lines(fb, "\"message\":\"Subject: report 7\\u000d\\u000a\\u000d\\u000abody 7\\u000d\\u000a\"}"), 1);
	rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_spool_refused_message_does_not_block_others)
{
	char *root = mkroot(), dir[300];
	snprintf(dir, sizeof dir, "%s/spool", root);
	struct fake f = {.mu = PTHREAD_MUTEX_INITIALIZER, .refuse_rcpt = "bad@example.org"};
	struct spool_deliverer d = fake_dlv(&f, false);
	struct spool *sp = open_sp(dir, &d, &f);
	submit(sp, 0, "bad@example.org");
	for (int i = 1; i < 6; i++)
		submit(sp, i, "a@example.org");
	rb_us until = rb_now_mono_us() + 5 * RB_US_PER_S;
	struct spool_stats st;
	do {
		usleep(5000);
		spool_get_stats(sp, &st);
	} while (st.delivered < 5 && rb_now_mono_us() < until);
	ck_assert_uint_eq(st.delivered, 5);
	ck_assert_uint_eq(st.depth, 1); /* the refused one stays, retried */
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	snprintf(dir, sizeof dir, "%s/spool/queue", root);
	ck_assert_int_eq(count_files(dir), 1);
	rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_spool_survives_restart_and_delivers_once)
{
	char *root = mkroot(), dir[300], q[320];
	snprintf(dir, sizeof dir, "%s/spool", root);
	snprintf(q, sizeof q, "%s/queue", dir);
	/* Run 1: the server is down; 5 reports stay in queue/. */
	struct fake f1 = {.mu = PTHREAD_MUTEX_INITIALIZER, .fail_first = 1 << 30, .fail_as = SPOOL_SERVER_FAILED};
	struct spool_deliverer d1 = fake_dlv(&f1, false);
	struct spool *sp = open_sp(dir, &d1, &f1);
	for (int i = 0; i < 5; i++)
		submit(sp, i, "a@example.org");
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0); /* pending ones are written first */
	ck_assert_int_eq(count_files(q), 5);
	ck_assert_int_eq(f1.n_names, 0);
	/* What a crash can leave: a marked report in done/ (delivered: never
	 * again), a torn tmp/ file (never queued: dropped), a complete tmp/
	 * file (written, not renamed: queued). */
	char p[400];
	snprintf(p, sizeof p, "%s/done/0000000000000001.P1Q1", dir);
	FILE *fp = fopen(p, "w");
	fputs("RBSPOOL 1\nrcpt=a@example.org\ntenant=acme\nfrom=x\ncall_id=old\nhangup=1\nwritten=1\nlen=9\n\nSubject: ", fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/tmp/0000000000000002.P1Q2", dir);
	fp = fopen(p, "w");
	fputs("RBSPOOL 1\nrcpt=a@example.org\ntenant=acme\nfrom=x\ncall_id=torn\nhangup=1\nwritten=1\nlen=500\n\nSubject: x", fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/tmp/0000000000000003.P1Q3", dir);
	fp = fopen(p, "w");
	fputs("RBSPOOL 1\nrcpt=a@example.org\ntenant=acme\nfrom=x\ncall_id=whole\nhangup=1\nwritten=2\nlen=12\n\nSubject: ok\n", fp);
	fclose(fp);
	/* Run 2: the server is up. */
	struct fake f2 = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct spool_deliverer d2 = fake_dlv(&f2, false);
	sp = open_sp(dir, &d2, &f2);
	wait_depth0(sp, 5 * RB_US_PER_S);
	struct spool_stats st;
	spool_get_stats(sp, &st);
	ck_assert_uint_eq(st.recovered, 6);
	ck_assert_uint_eq(st.delivered, 6);
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	ck_assert_int_eq(f2.n_names, 6);
	ck_assert_str_eq(f2.names[0], "0000000000000003.P1Q3"); /* oldest first */
	/* Run 3: nothing left to send. */
	struct fake f3 = {.mu = PTHREAD_MUTEX_INITIALIZER};
	struct spool_deliverer d3 = fake_dlv(&f3, false);
	sp = open_sp(dir, &d3, &f3);
	usleep(100000);
	ck_assert_int_eq(spool_close(sp, 0, NULL), 0);
	ck_assert_int_eq(f3.calls, 0);
	rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_maildir_delivery_writes_new_and_is_idempotent)
{
	char *root = mkroot(), md[300], p[400];
	snprintf(md, sizeof md, "%s/maildir", root);
	struct dlv *d = NULL;
	char err[256];
	ck_assert_int_eq(dlv_maildir_open(&d, md, err, sizeof err), 0);
	const struct spool_deliverer *sd = dlv_deliverer(d);
	ck_assert(sd->idempotent);
	const char *msg = "Subject: x\r\nTo: a@example.org\r\n\r\nline 1\r\nline 2\r\n";
	struct spool_msg m[2] = {
	    {"0000000000000010.P1Q1", {"a@example.org", "acme", "x", "c1", 1, 2}, msg, strlen(msg)},
	    {"0000000000000010.P1Q2", {"b@example.org", "beta", "x", "c2", 1, 2}, msg, strlen(msg)},
	};
	enum spool_result res[2];
	char why[256] = "";
	sd->deliver(sd->arg, m, 2, res, why, sizeof why);
	ck_assert_msg(res[0] == SPOOL_DELIVERED && res[1] == SPOOL_DELIVERED, "%s", why);
	/* again, as after a crash before the spool's mark: still one file */
	sd->deliver(sd->arg, m, 2, res, why, sizeof why);
	ck_assert_int_eq(res[0], SPOOL_DELIVERED);
	snprintf(p, sizeof p, "%s/acme/new", md);
	ck_assert_int_eq(count_files(p), 1);
	snprintf(p, sizeof p, "%s/acme/tmp", md);
	ck_assert_int_eq(count_files(p), 0);
	snprintf(p, sizeof p, "%s/beta/new/0000000000000010.P1Q2", md);
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	char buf[256];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	ck_assert_str_eq(buf, "Subject: x\nTo: a@example.org\n\nline 1\nline 2\n"); /* LF in a Maildir */
	dlv_close(d);
	rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_maildir_folder_names_are_safe)
{
	char b[64];
	dlv_maildir_folder("../etc", b, sizeof b);
	ck_assert_str_eq(b, "%2E%2E%2Fetc");
	dlv_maildir_folder("acme", b, sizeof b);
	ck_assert_str_eq(b, "acme");
	/* one to one (issue 12): these pairs once shared a mailbox */
	char b2[64];
	static const char *const pairs[][2] = {{"a/b", "a_b"}, {".x", "_x"}, {"a%2Fb", "a/b"}, {"", "_"}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		dlv_maildir_folder(pairs[i][0], b, sizeof b);
		dlv_maildir_folder(pairs[i][1], b2, sizeof b2);
		ck_assert_str_ne(b, b2);
		ck_assert_ptr_null(strchr(b, '/'));
		ck_assert_int_ne(b[0], '.');
	}
}
END_TEST

START_TEST(test_smtp_no_server_is_a_server_failure)
{
	/* A port nobody listens on (bound, then closed). */
	struct dlv *d = NULL;
	char err[256];
	struct dlv_smtp_opts o = {.host = "127.0.0.1", .port = 9, .timeout = 2 * RB_US_PER_S};
	ck_assert_int_eq(dlv_smtp_open(&d, &o, err, sizeof err), 0);
	const struct spool_deliverer *sd = dlv_deliverer(d);
	ck_assert(!sd->idempotent);
	const char *msg = "Subject: x\r\n\r\nhi\r\n";
	struct spool_msg m = {"n1", {"a@example.org", "acme", "c@example.org", "c1", 1, 2}, msg, strlen(msg)};
	enum spool_result res;
	char why[256] = "";
	sd->deliver(sd->arg, &m, 1, &res, why, sizeof why);
	ck_assert_int_eq(res, SPOOL_SERVER_FAILED);
	ck_assert_msg(strstr(why, "smtp://127.0.0.1:9"), "%s", why);
	dlv_close(d);
	struct dlv_smtp_opts bad = {.host = "a b", .port = 25};
	ck_assert_int_eq(dlv_smtp_open(&d, &bad, err, sizeof err), EINVAL);
}
END_TEST

static Suite *spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_spool_delivers_each_report_once);
	tcase_add_test(tc, test_spool_keeps_its_own_copy_of_the_folder_name);
	tcase_add_test(tc, test_spool_retries_with_backoff_when_server_down);
	tcase_add_test(tc, test_spool_refused_message_does_not_block_others);
	tcase_add_test(tc, test_spool_writer_failing_backs_off_logs_once_and_falls_back);
	tcase_add_test(tc, test_spool_survives_restart_and_delivers_once);
	tcase_add_test(tc, test_maildir_delivery_writes_new_and_is_idempotent);
	tcase_add_test(tc, test_maildir_folder_names_are_safe);
	tcase_add_test(tc, test_smtp_no_server_is_a_server_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spool_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
