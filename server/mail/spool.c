/*
 * spool: the durable report queue (spool.h): the writer thread (group
 * commit into queue/), the deliverer thread (mark before delete, backoff),
 * recovery at start. The file format is spool_file.c.
 */
#define _GNU_SOURCE /* syncfs */
#define LOG_TAG "spool"
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rbjson.h"
#include "spool_int.h"

#define W_BACKOFF_MAX (5 * RB_US_PER_S) /* the writer's longest wait while failing */

struct spool {
	struct spool_opts o;   /* o.dir is dir: the caller's string may not outlive spool_open */
	char *dir;
	int dfd, dfd_tmp, dfd_queue, dfd_done;
	pthread_mutex_t mu;
	pthread_cond_t wcv, dcv, idle_cv;
	struct sp_ent *pend_head, *pend_tail; /* to write */
	struct sp_ent *q_head, *q_tail;       /* durable, to deliver */
	size_t n_pend, n_writing, n_q, n_inflight;
	bool stop;
	rb_us server_wait_until, server_backoff; /* monotonic */
	rb_us w_backoff, w_next, w_since;       /* the writer while failing (monotonic) */
	uint64_t w_streak;                      /* failed writes since the last success */
	uint64_t d_streak;                      /* failed deliveries since one worked (deliverer's) */
	rb_us d_since;
	int w_err;
	uint64_t seq;
	struct spool_stats st;
	pthread_t wth, dth;
	bool threads;
};

void spool_opts_default(struct spool_opts *o)
{
	memset(o, 0, sizeof *o);
	o->backoff_min = 500000;
	o->backoff_max = 30 * RB_US_PER_S;
	o->batch_max = 64;
}

static void list_push(struct sp_ent **h, struct sp_ent **t, struct sp_ent *e)
{
	e->next = NULL;
	if (*t)
		(*t)->next = e;
	else
		*h = e;
	*t = e;
}

static void timed_wait(pthread_cond_t *cv, pthread_mutex_t *mu, rb_us mono_until)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(mono_until / RB_US_PER_S);
	ts.tv_nsec = (long)(mono_until % RB_US_PER_S) * 1000;
	pthread_cond_timedwait(cv, mu, &ts);
}

/* ---- the writer: group commit ---- */

/* Writes a batch into tmp/, flushes it, renames into queue/. Unlocked.
 * The entries written go to *ok (their data freed), the others to *bad;
 * *err gets the first write error. Returns how many were written. */
static size_t write_batch(struct spool *sp, struct sp_ent *batch, struct sp_ent **ok,
			  struct sp_ent **bad, struct sp_ent **bad_t, int *err)
{
	struct sp_ent *ok_h = NULL, *ok_t = NULL, *next;
	*bad = *bad_t = NULL;
	*err = 0;
	for (struct sp_ent *e = batch; e; e = next) {
		next = e->next;
		/* After one failure the rest of the batch is not tried: on a
		 * full disk each would fail the same way. */
		int rc = *err ? *err : spf_write(sp->dfd_tmp, e);
		if (rc && !*err)
			*err = rc;
		list_push(rc ? bad : &ok_h, rc ? bad_t : &ok_t, e);
	}
	/* One flush for the whole batch, then the renames, then queue/. */
	if (ok_h && syncfs(sp->dfd_tmp))
		rb_log(LOG_ERR, "%s: syncfs: %s", sp->o.dir, strerror(errno));
	size_t n_ok = 0;
	for (struct sp_ent *e = ok_h; e; e = e->next) {
		if (renameat(sp->dfd_tmp, e->name, sp->dfd_queue, e->name))
			rb_log(LOG_ERR, "%s: rename tmp/%s: %s", sp->o.dir, e->name, strerror(errno));
		free(e->data);
		e->data = NULL;
		n_ok++;
	}
	if (ok_h && fsync(sp->dfd_queue))
		rb_log(LOG_ERR, "%s: fsync queue/: %s", sp->o.dir, strerror(errno));
	*ok = ok_h;
	return n_ok;
}

/* After a batch, locked: the failing state and its two log lines (issue
 * 12: one line when writing starts to fail, one when it works again, never
 * one per report or per try), and the backoff before the next try. */
static void writer_state(struct spool *sp, size_t n_ok, int err)
{
	rb_us now = rb_now_mono_us();
	if (err) {
		sp->st.write_errors++;
		if (sp->w_streak++ == 0) {
			sp->w_since = now;
			rb_log(LOG_ERR, "%s: cannot write reports into tmp/: %s; %zu report(s) kept in "
			       "memory and retried (backoff up to %.1f s)", sp->o.dir, strerror(err),
			       sp->n_pend, rb_us_to_s(sp->o.backoff_max < W_BACKOFF_MAX ? sp->o.backoff_max
										 : W_BACKOFF_MAX));
		}
		/* The disk, not a mail server: capped at 5 s (or backoff_max if
		 * less), so that reports are written soon after space returns. */
		rb_us cap = sp->o.backoff_max < W_BACKOFF_MAX ? sp->o.backoff_max : W_BACKOFF_MAX;
		sp->w_backoff = sp->w_backoff ? sp->w_backoff * 2 : sp->o.backoff_min;
		if (sp->w_backoff > cap)
			sp->w_backoff = cap;
		sp->w_next = now + sp->w_backoff;
		sp->w_err = err;
	} else if (n_ok && sp->w_streak) {
		rb_log(LOG_NOTICE, "%s: reports written again after %llu failed tries over %.1f s "
		       "(%zu in this batch)", sp->o.dir, (unsigned long long)sp->w_streak,
		       rb_us_to_s(now - sp->w_since), n_ok);
		sp->w_streak = 0;
		sp->w_backoff = 0;
	}
}

static void *writer_main(void *arg)
{
	struct spool *sp = arg;
	pthread_mutex_lock(&sp->mu);
	for (;;) {
		/* While failing, a new report does not cut the backoff short:
		 * it waits with the others (no retry, no line per wake-up). */
		while (!sp->stop && (!sp->pend_head || (sp->w_streak && rb_now_mono_us() < sp->w_next))) {
			if (sp->pend_head)
				timed_wait(&sp->wcv, &sp->mu, sp->w_next);
			else
				pthread_cond_wait(&sp->wcv, &sp->mu);
		}
		if (!sp->pend_head)
			break; /* stopping, and nothing left to write */
		bool last = sp->stop;
		struct sp_ent *batch = sp->pend_head;
		sp->pend_head = sp->pend_tail = NULL;
		sp->n_writing = sp->n_pend;
		sp->n_pend = 0;
		pthread_mutex_unlock(&sp->mu);

		struct sp_ent *ok_h, *bad_h, *bad_t, *next;
		int err;
		size_t n_ok = write_batch(sp, batch, &ok_h, &bad_h, &bad_t, &err);

		pthread_mutex_lock(&sp->mu);
		sp->n_writing = 0;
		sp->st.written += n_ok;
		for (struct sp_ent *e = ok_h; e; e = next) {
			next = e->next;
			list_push(&sp->q_head, &sp->q_tail, e);
			sp->n_q++;
		}
		if (bad_h) { /* back in front of the pending list, in order */
			bad_t->next = sp->pend_head;
			if (!sp->pend_head)
				sp->pend_tail = bad_t;
			sp->pend_head = bad_h;
			for (struct sp_ent *e = bad_h; e; e = e->next)
				sp->n_pend++;
		}
		writer_state(sp, n_ok, err);
		pthread_cond_signal(&sp->dcv);
		pthread_cond_broadcast(&sp->idle_cv);
		if (last && bad_h)
			break; /* cannot write and asked to stop: spool_close's fallback */
	}
	pthread_mutex_unlock(&sp->mu);
	return NULL;
}

/* ---- the deliverer ---- */

static rb_us backoff(const struct spool *sp, unsigned attempts)
{
	rb_us b = sp->o.backoff_min;
	for (unsigned i = 1; i < attempts && b < sp->o.backoff_max; i++)
		b *= 2;
	return b < sp->o.backoff_max ? b : sp->o.backoff_max;
}

/* Takes up to max entries due now from the queue; *wake gets the earliest
 * time one becomes due when none is. Called locked. */
static size_t take_batch(struct spool *sp, struct sp_ent **batch, size_t max, rb_us now, rb_us *wake)
{
	size_t n = 0;
	struct sp_ent **pp = &sp->q_head, *prev = NULL;
	*wake = INT64_MAX;
	while (*pp && n < max) {
		struct sp_ent *e = *pp;
		if (e->next_try <= now) {
			*pp = e->next;
			if (sp->q_tail == e)
				sp->q_tail = prev;
			e->next = NULL;
			batch[n++] = e;
			sp->n_q--;
		} else {
			if (e->next_try < *wake)
				*wake = e->next_try;
			prev = e;
			pp = &e->next;
		}
	}
	return n;
}

/* Mark before delete: queue/N -> done/N, fsync queue/ (N can no longer be
 * sent again), then unlink done/N. */
static void mark_delivered(struct spool *sp, struct sp_ent **v, const enum spool_result *res,
			   size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (res[i] != SPOOL_DELIVERED)
			continue;
		if (renameat(sp->dfd_queue, v[i]->name, sp->dfd_done, v[i]->name))
			rb_log(LOG_ERR, "%s: mark %s: %s", sp->o.dir, v[i]->name, strerror(errno));
		any = true;
	}
	if (!any)
		return;
	if (fsync(sp->dfd_queue))
		rb_log(LOG_ERR, "%s: fsync queue/: %s", sp->o.dir, strerror(errno));
	for (size_t i = 0; i < n; i++)
		if (res[i] == SPOOL_DELIVERED && unlinkat(sp->dfd_done, v[i]->name, 0) && errno != ENOENT)
			rb_log(LOG_WARNING, "%s: unlink done/%s: %s", sp->o.dir, v[i]->name,
			       strerror(errno));
}

/* One line when delivery starts failing, one when it works again (with the
 * count of failed attempts and the time): a mail server down or a full
 * disk for an hour is two lines, not one per report and try (issue 12). */
static void delivery_state(struct spool *sp, struct sp_ent **v, const enum spool_result *res,
			   size_t n, const char *why)
{
	size_t bad = 0, i0 = n;
	for (size_t i = 0; i < n; i++)
		if (res[i] != SPOOL_DELIVERED && bad++ == 0)
			i0 = i;
	rb_us now = rb_now_mono_us();
	if (bad && sp->d_streak == 0) {
		sp->d_since = now;
		rb_log(LOG_WARNING, "%s: %s to %s not delivered (attempt %u): %s; retried with a "
		       "backoff, logged again when delivery works", sp->o.dlv->name, v[i0]->name,
		       v[i0]->rcpt, v[i0]->attempts + 1, why[0] ? why : "see above");
	} else if (!bad && sp->d_streak) {
		rb_log(LOG_NOTICE, "%s: delivering again after %llu failed attempts over %.1f s",
		       sp->o.dlv->name, (unsigned long long)sp->d_streak, rb_us_to_s(now - sp->d_since));
		sp->d_streak = 0;
	}
	sp->d_streak += bad;
}

static void deliver_batch(struct spool *sp, struct sp_ent **v, size_t n, enum spool_result *res)
{
	struct spool_msg *m = calloc(n, sizeof *m);
	char why[512] = "";
	size_t k = 0;
	struct sp_ent *loaded[n];
	size_t idx[n];
	for (size_t i = 0; i < n; i++) {
		res[i] = SPOOL_MSG_FAILED;
		if (!m)
			continue;
		int rc = spf_load_data(sp->dfd_queue, v[i]);
		if (rc) {
			rb_log(LOG_ERR, "%s: cannot read queue/%s: %s", sp->o.dir, v[i]->name,
			       strerror(rc));
			continue;
		}
		spf_msg(v[i], &m[k]);
		loaded[k] = v[i];
		idx[k++] = i;
	}
	if (k) {
		enum spool_result r[k];
		for (size_t i = 0; i < k; i++)
			r[i] = SPOOL_MSG_FAILED;
		sp->o.dlv->deliver(sp->o.dlv->arg, m, k, r, why, sizeof why);
		for (size_t i = 0; i < k; i++) {
			res[idx[i]] = r[i];
			free(loaded[i]->data);
			loaded[i]->data = NULL;
		}
	}
	free(m);
	delivery_state(sp, v, res, n, why);
}

/* After a delivery attempt: the done callback for each delivered report,
 * the next try for the others. *server_down: one failed for want of a
 * server; returns whether any was delivered. Unlocked. */
static bool after_attempt(struct spool *sp, struct sp_ent **v, const enum spool_result *res,
			  size_t n, bool *server_down)
{
	rb_us done_at = rb_now_epoch_us();
	bool any_ok = false;
	*server_down = false;
	for (size_t i = 0; i < n; i++) {
		v[i]->attempts++;
		if (res[i] == SPOOL_DELIVERED) {
			any_ok = true;
			struct spool_done_info d = {
				.name = v[i]->name,
				.call_id = v[i]->call_id,
				.tenant = v[i]->tenant,
				.t_hangup_epoch = v[i]->hangup,
				.t_written_epoch = v[i]->written,
				.t_delivered_epoch = done_at,
				.attempts = v[i]->attempts,
			};
			if (sp->o.done)
				sp->o.done(&d, sp->o.done_arg);
		} else {
			*server_down |= res[i] == SPOOL_SERVER_FAILED;
			v[i]->next_try = rb_now_mono_us() + backoff(sp, v[i]->attempts);
		}
	}
	return any_ok;
}

/* Frees the delivered reports, puts the others back in front of the queue
 * (in their order: they are the oldest) and sets the server's backoff.
 * Returns locked. */
static void settle_batch(struct spool *sp, struct sp_ent **v, const enum spool_result *res,
			 size_t n, bool any_ok, bool server_down)
{
	pthread_mutex_lock(&sp->mu);
	sp->n_inflight = 0;
	for (size_t i = n; i-- > 0;) {
		if (res[i] == SPOOL_DELIVERED) {
			sp->st.delivered++;
			spf_free(v[i]);
			continue;
		}
		sp->st.failures++;
		v[i]->next = sp->q_head;
		sp->q_head = v[i];
		if (!sp->q_tail)
			sp->q_tail = v[i];
		sp->n_q++;
	}
	if (server_down) {
		sp->server_backoff = sp->server_backoff ? sp->server_backoff * 2 : sp->o.backoff_min;
		if (sp->server_backoff > sp->o.backoff_max)
			sp->server_backoff = sp->o.backoff_max;
		sp->server_wait_until = rb_now_mono_us() + sp->server_backoff;
	} else if (any_ok) {
		sp->server_backoff = 0;
	}
}

static void *deliverer_main(void *arg)
{
	struct spool *sp = arg;
	size_t max = sp->o.dlv->idempotent ? sp->o.batch_max : 1;
	struct sp_ent **v = calloc(max, sizeof *v);
	enum spool_result *res = calloc(max, sizeof *res);
	if (!v || !res)
		abort(); /* at start, a few hundred bytes */
	pthread_mutex_lock(&sp->mu);
	while (!sp->stop) {
		rb_us now = rb_now_mono_us(), wake;
		if (!sp->q_head) {
			pthread_cond_wait(&sp->dcv, &sp->mu);
			continue;
		}
		if (sp->server_wait_until > now) {
			timed_wait(&sp->dcv, &sp->mu, sp->server_wait_until);
			continue;
		}
		size_t n = take_batch(sp, v, max, now, &wake);
		if (n == 0) {
			timed_wait(&sp->dcv, &sp->mu, wake);
			continue;
		}
		sp->n_inflight = n;
		pthread_mutex_unlock(&sp->mu);

		deliver_batch(sp, v, n, res);
		/* The done callbacks (the latency rows) and their sync come
		 * before the mark: once a report is marked it is never
		 * delivered again, so a row recorded after the mark could be
		 * lost to a crash for good (issue 12 item 3). Before it, a
		 * crash means one more (idempotent) delivery, which records
		 * the row then. */
		bool server_down, any_ok = after_attempt(sp, v, res, n, &server_down);
		if (any_ok && sp->o.done_sync)
			sp->o.done_sync(sp->o.done_arg);
		mark_delivered(sp, v, res, n);
		settle_batch(sp, v, res, n, any_ok, server_down);
		pthread_cond_broadcast(&sp->idle_cv);
	}
	pthread_mutex_unlock(&sp->mu);
	free(v);
	free(res);
	return NULL;
}

/* ---- open, recover, submit, close ---- */

static int open_dir(int at, const char *name, int *fd)
{
	if (mkdirat(at, name, 0755) && errno != EEXIST)
		return errno;
	*fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? errno : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names in the folder fd, sorted; *n their count. */
static int list_dir(int fd, char ***out, size_t *n)
{
	int d2 = dup(fd);
	DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
	if (!d) {
		if (d2 >= 0)
			close(d2);
		return errno;
	}
	rewinddir(d);
	char **v = NULL;
	size_t k = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			char **nv = realloc(v, cap * sizeof *nv);
			if (!nv) {
				rc = ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[k] = strdup(de->d_name))) {
			rc = ENOMEM;
			break;
		}
		k++;
	}
	closedir(d);
	if (rc) {
		for (size_t i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	if (k)
		qsort(v, k, sizeof *v, name_cmp);
	*out = v;
	*n = k;
	return 0;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int recover(struct spool *sp)
{
	char **v;
	size_t n;
	int rc;
	/* done/: delivered and marked; the unlink did not happen. */
	if ((rc = list_dir(sp->dfd_done, &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		unlinkat(sp->dfd_done, v[i], 0);
	free_names(v, n);
	/* tmp/: written, not renamed. Complete ones are reports: queue them. */
	if ((rc = list_dir(sp->dfd_tmp, &v, &n)))
		return rc;
	bool moved = false;
	for (size_t i = 0; i < n; i++) {
		struct sp_ent *e = NULL;
		if (spf_read(sp->dfd_tmp, v[i], &e) == 0 && renameat(sp->dfd_tmp, v[i], sp->dfd_queue, v[i]) == 0) {
			moved = true;
		} else {
			rb_log(LOG_WARNING, "%s: dropping torn tmp/%s (never queued)", sp->o.dir, v[i]);
			unlinkat(sp->dfd_tmp, v[i], 0);
		}
		spf_free(e);
	}
	free_names(v, n);
	if (moved)
		fsync(sp->dfd_queue);
	/* queue/: to deliver, oldest first. */
	if ((rc = list_dir(sp->dfd_queue, &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct sp_ent *e = NULL;
		if (spf_read(sp->dfd_queue, v[i], &e)) {
			int bfd;
			rb_log(LOG_ERR, "%s: queue/%s is not a spool file: moved to bad/", sp->o.dir, v[i]);
			if (open_dir(sp->dfd, "bad", &bfd) == 0) {
				renameat(sp->dfd_queue, v[i], bfd, v[i]);
				close(bfd);
			}
			continue;
		}
		free(e->data);
		e->data = NULL;
		list_push(&sp->q_head, &sp->q_tail, e);
		sp->n_q++;
		sp->st.recovered++;
	}
	free_names(v, n);
	if (sp->st.recovered)
		rb_log(LOG_NOTICE, "%s: %llu report(s) from an earlier run to deliver", sp->o.dir,
		       (unsigned long long)sp->st.recovered);
	return 0;
}

int spool_open(struct spool **out, const struct spool_opts *o, char *err, size_t errlen)
{
	if (!o->dir || !o->dlv || !o->dlv->deliver) {
		snprintf(err, errlen, "spool: a folder and a delivery method are required");
		return EINVAL;
	}
	struct spool *sp = calloc(1, sizeof *sp);
	if (!sp) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	sp->o = *o;
	if (!(sp->dir = strdup(o->dir))) {
		free(sp);
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	sp->o.dir = sp->dir;
	sp->dfd = sp->dfd_tmp = sp->dfd_queue = sp->dfd_done = -1;
	int rc = 0;
	if (mkdir(o->dir, 0755) && errno != EEXIST) {
		rc = errno;
		goto out;
	}
	sp->dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dfd < 0) {
		rc = errno;
		goto out;
	}
	if ((rc = open_dir(sp->dfd, "tmp", &sp->dfd_tmp)) || (rc = open_dir(sp->dfd, "queue", &sp->dfd_queue)) ||
	    (rc = open_dir(sp->dfd, "done", &sp->dfd_done)))
		goto out;
	if ((rc = recover(sp)))
		goto out;
	pthread_mutex_init(&sp->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sp->wcv, &ca);
	pthread_cond_init(&sp->dcv, &ca);
	pthread_cond_init(&sp->idle_cv, &ca);
	pthread_condattr_destroy(&ca);
	sp->threads = true;
	if ((rc = pthread_create(&sp->wth, NULL, writer_main, sp)))
		goto out;
	if ((rc = pthread_create(&sp->dth, NULL, deliverer_main, sp))) {
		pthread_mutex_lock(&sp->mu);
		sp->stop = true;
		pthread_cond_broadcast(&sp->wcv);
		pthread_mutex_unlock(&sp->mu);
		pthread_join(sp->wth, NULL);
		goto out;
	}
out:
	if (rc) {
		snprintf(err, errlen, "spool %s: %s", o->dir, strerror(rc));
		for (struct sp_ent *e = sp->q_head, *nx; e; e = nx) {
			nx = e->next;
			spf_free(e);
		}
		if (sp->threads) {
			pthread_mutex_destroy(&sp->mu);
			pthread_cond_destroy(&sp->wcv);
			pthread_cond_destroy(&sp->dcv);
			pthread_cond_destroy(&sp->idle_cv);
		}
		int fds[] = {sp->dfd, sp->dfd_tmp, sp->dfd_queue, sp->dfd_done};
		for (size_t i = 0; i < 4; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		free(sp->dir);
		free(sp);
		return rc;
	}
	*out = sp;
	return 0;
}

int spool_submit(struct spool *sp, const struct spool_meta *meta, const char *msg, size_t len)
{
	struct sp_ent *e = spf_new(meta, msg, len);
	if (!e)
		return ENOMEM;
	pthread_mutex_lock(&sp->mu);
	if (sp->stop) {
		pthread_mutex_unlock(&sp->mu);
		spf_free(e);
		return ESHUTDOWN;
	}
	snprintf(e->name, sizeof e->name, "%016lld.P%ldQ%llu", (long long)meta->t_written_epoch,
		 (long)getpid(), (unsigned long long)++sp->seq);
	list_push(&sp->pend_head, &sp->pend_tail, e);
	sp->n_pend++;
	sp->st.submitted++;
	pthread_cond_signal(&sp->wcv);
	pthread_mutex_unlock(&sp->mu);
	return 0;
}

void spool_get_stats(struct spool *sp, struct spool_stats *st)
{
	pthread_mutex_lock(&sp->mu);
	*st = sp->st;
	st->depth = sp->n_pend + sp->n_writing + sp->n_q + sp->n_inflight;
	pthread_mutex_unlock(&sp->mu);
}

/* Reports still only in memory (never written into the spool) go to the
 * fallback file as JSON lines, said in one log line. Returns how many. */
static size_t fall_back(struct spool *sp, const char *path)
{
	if (!sp->pend_head)
		return 0;
	FILE *f = path ? fopen(path, "a") : NULL;
	const char *where = f ? path : "stderr";
	if (!f)
		f = stderr;
	size_t n = 0;
	for (struct sp_ent *e = sp->pend_head; e; e = e->next, n++) {
		const char *k[] = {"spool_name", "rcpt", "tenant", "from", "call_id"};
		const char *v[] = {e->name, e->rcpt, e->tenant, e->from, e->call_id};
		fputc('{', f);
		for (size_t i = 0; i < 5; i++) {
			fprintf(f, "\"%s\":", k[i]);
			rbjson_write_str(f, v[i] ? v[i] : "", v[i] ? strlen(v[i]) : 0);
			fputc(',', f);
		}
		fprintf(f, "\"t_hangup_epoch_us\":%lld,\"t_written_epoch_us\":%lld,\"message\":",
			(long long)e->hangup, (long long)e->written);
		rbjson_write_str(f, e->data ? e->data : "", e->data ? e->len : 0);
		fputs("}\n", f);
	}
	int we = fflush(f) ? errno : 0;
	if (f != stderr && fclose(f) && !we)
		we = errno;
	rb_log(LOG_ERR, "%zu call report(s) written to %s because they could not be written into "
	       "the spool %s: %s%s%s", n, where, sp->o.dir, strerror(sp->w_err ? sp->w_err : EIO),
	       we ? "; and that write failed: " : "", we ? strerror(we) : "");
	return n;
}

int spool_close(struct spool *sp, rb_us wait_deliver, const char *fallback_path)
{
	if (!sp)
		return 0;
	pthread_mutex_lock(&sp->mu);
	rb_us until = rb_now_mono_us() + wait_deliver;
	while (wait_deliver > 0 && sp->n_pend + sp->n_writing + sp->n_q + sp->n_inflight > 0 &&
	       rb_now_mono_us() < until)
		timed_wait(&sp->idle_cv, &sp->mu, rb_now_mono_us() + 50000 < until ? rb_now_mono_us() + 50000 : until);
	sp->stop = true;
	pthread_cond_broadcast(&sp->wcv);
	pthread_cond_broadcast(&sp->dcv);
	pthread_mutex_unlock(&sp->mu);
	pthread_join(sp->wth, NULL);
	pthread_join(sp->dth, NULL);
	int rc = fall_back(sp, fallback_path) ? EIO : 0;
	struct sp_ent *lists[] = {sp->pend_head, sp->q_head};
	for (size_t i = 0; i < 2; i++)
		for (struct sp_ent *e = lists[i], *nx; e; e = nx) {
			nx = e->next;
			spf_free(e);
		}
	pthread_mutex_destroy(&sp->mu);
	pthread_cond_destroy(&sp->wcv);
	pthread_cond_destroy(&sp->dcv);
	pthread_cond_destroy(&sp->idle_cv);
	close(sp->dfd_tmp);
	close(sp->dfd_queue);
	close(sp->dfd_done);
	close(sp->dfd);
	free(sp->dir);
	free(sp);
	return rc;
}
