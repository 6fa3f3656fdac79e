/*
 * model_run: replications on threads (see model.h). Workers take the next
 * replication number from a shared counter; each replication has its own
 * streams, queue, dispatcher and summary handle, so which thread ran it
 * changes nothing in its results.
 */
#define LOG_TAG "model"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model_int.h"

struct pool {
	const struct model_opts *o;
	pthread_mutex_t mu;
	int next, done, n_run; /* n_run: replications this call runs */
	int err;
	struct model_stats total;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		int r = p->err ? p->o->replications : p->next++;
		pthread_mutex_unlock(&p->mu);
		if (r >= p->o->replications)
			break;
		struct model_stats st = {0};
		int err = model_rep_run(p->o, r, &st);
		pthread_mutex_lock(&p->mu);
		if (err && !p->err)
			p->err = err;
		p->total.calls += st.calls;
		p->total.events += st.events;
		p->total.leftover += st.leftover;
		p->total.clamped += st.clamped;
		p->done++;
		if (p->o->progress_h && !err)
			p->o->progress_h(p->done, p->n_run, p->o->progress_arg);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static bool opts_ok(const struct model_opts *o)
{
	const struct scenario *s = o->scn;
	if (!s || o->replications < 1 || o->jobs < 1 || o->first_replication < 0 ||
	    o->first_replication >= o->replications || s->n_tenants < 1 || s->callers.n_types < 1 ||
	    s->ring_period <= 0)
		return false;
	return true;
}

int model_run(const struct model_opts *o, struct model_stats *stats)
{
	if (!o || !opts_ok(o))
		return EINVAL;
	struct pool p;
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.next = o->first_replication;
	p.n_run = o->replications - o->first_replication;
	pthread_mutex_init(&p.mu, NULL);
	int jobs = o->jobs < p.n_run ? o->jobs : p.n_run;
	if (jobs == 1) {
		worker(&p);
	} else {
		pthread_t *th = calloc((size_t)jobs, sizeof(*th));
		int started = 0;
		if (!th) {
			p.err = ENOMEM;
		} else {
			for (; started < jobs; started++)
				if (pthread_create(&th[started], NULL, worker, &p))
					break;
			if (started == 0)
				worker(&p); /* no thread at all: run here */
			for (int i = 0; i < started; i++)
				pthread_join(th[i], NULL);
		}
		free(th);
	}
	pthread_mutex_destroy(&p.mu);
	if (stats)
		*stats = p.total;
	if (p.err)
		rb_log(LOG_ERR, "replication failed: %s", strerror(p.err));
	return p.err;
}
