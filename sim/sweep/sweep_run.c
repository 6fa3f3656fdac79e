/*
 * sweep_run: computes a sweep's points on `jobs` threads, each point one
 * in-process model run (sim/model/model.h) written atomically to
 * out_dir/points/KEY.json, and keeps out_dir/sweep.json, the record of what
 * the points share.
 *
 * Why points in parallel rather than replications: a point's replications
 * are few (10) and of unequal length, points are many and independent, so
 * whole points keep both cores busy to the end with no coordination.
 */
#define LOG_TAG "sweep"
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rbjson.h"
#include "errbuf.h"
#include "cli.h"
#include "limit.h"
#include "log.h"
#include "model.h"
#include "resdir.h"
#include "summary.h"
#include "sweep.h"
#include "sweep_cache.h"

struct work {
	const struct sweep_cfg *cfg;
	const struct scenario *scn;  /* as loaded: each point changes a copy */
	struct scenario *loaded;     /* scn when sweep_run loaded it, else NULL */
	struct scn_target *targets;  /* NULL: the scenario's */
	size_t n_targets;
	uint64_t seed;
	int reps;
	size_t *todo, n_todo, next, done;
	char last_key[128];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int err;
	char errmsg[512];
};

/* Each phase's own arrival rate (its Poisson rate, and its bursts' calls
 * over its length), for Erlang A at the phase's load: {name: {lambda_per_s,
 * poisson_lambda_per_s, burst_lambda_per_s}}. */
static json_t *phase_loads(const struct scenario *s)
{
	json_t *o = json_object();
	for (size_t i = 0; i < s->n_phases; i++) {
		const struct scn_phase *ph = &s->phases[i];
		double d = rb_us_to_s(ph->duration), b = 0;
		for (size_t k = 0; k < ph->n_bursts; k++)
			b += ph->bursts[k].calls;
		b = d > 0 ? b / d : 0;
		json_object_set_new(o, ph->name, json_pack("{s:f, s:f, s:f}", "lambda_per_s", ph->rate_per_s + b,
							   "poisson_lambda_per_s", ph->rate_per_s, "burst_lambda_per_s", b));
	}
	return o;
}

/* The mean load, for the Erlang A curve of the report (sweep_collect); with
 * a burst scale (g->burst_set) also its two parts, the bursts' scaled apart
 * from the rate scale's. */
static json_t *erlang_load(const struct scenario *s, const struct sweep_grid *g)
{
	double calls = 0, bcalls = 0, dur = 0, talk = 0, share = 0;
	for (size_t i = 0; i < s->n_phases; i++) {
		const struct scn_phase *ph = &s->phases[i];
		calls += ph->rate_per_s * rb_us_to_s(ph->duration);
		for (size_t b = 0; b < ph->n_bursts; b++)
			bcalls += ph->bursts[b].calls;
		dur += rb_us_to_s(ph->duration);
	}
	for (size_t i = 0; i < s->callers.n_types; i++) {
		const struct scn_ctype *t = &s->callers.types[i];
		double sp = t->screen_prob;
		double mt = (1 - sp) * rv_mean(&t->talk) + (sp > 0 ? sp * rv_mean(&t->screened_talk) : 0);
		talk += t->share * mt;
		share += t->share;
	}
	if (share > 0)
		talk /= share;
	double handle = rv_mean(&s->center.pickup) + talk + rv_mean(&s->center.wrapup);
	json_t *o = json_object();
	json_object_set_new(o, "phases", phase_loads(s));
	json_object_set_new(o, "lambda_per_s", json_real(dur > 0 ? (calls + bcalls) / dur : 0));
	if (g->burst_set) {
		json_object_set_new(o, "poisson_lambda_per_s", json_real(dur > 0 ? calls / dur : 0));
		json_object_set_new(o, "burst_lambda_per_s", json_real(dur > 0 ? bcalls / dur : 0));
		json_object_set_new(o, "burst_scale", json_real(g->burst_scale));
	}
	json_object_set_new(o, "mean_handle_s", json_real(handle));
	json_object_set_new(o, "mean_patience_s", s->callers.patience.kind == RV_NEVER
							 ? json_null()
							 : json_real(rv_mean(&s->callers.patience)));
	json_object_set_new(o, "ring_period_s", json_real(rb_us_to_s(s->ring_period)));
	return o;
}

/*
 * Writes out_dir/sweep.json, or checks that the one there is of the same
 * sweep (scenario bytes, seed, replications, targets).
 */
static int manifest(const struct sweep_cfg *cfg, const struct work *w, const struct scenario *s,
		    char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	json_error_t je;
	snprintf(path, sizeof(path), "%s/sweep.json", cfg->out_dir);
	json_t *m = json_object();
	json_t *tg = json_array();
	for (size_t i = 0; i < w->n_targets; i++) {
		/* the targets judged (phases added), so that a folder of an older sweep
		 * judging fewer is refused rather than mixed */
		char label[256];
		scn_target_label(&w->targets[i], label, sizeof(label));
		json_array_append_new(tg, json_string(label));
	}
	json_object_set_new(m, "scenario", json_string(s->name ? s->name : ""));
	json_object_set_new(m, "scenario_path", json_string(cfg->scenario_path));
	json_object_set_new(m, "scenario_sha256", json_string(s->sha256));
	json_object_set_new(m, "seed", json_integer((json_int_t)w->seed));
	json_object_set_new(m, "replications", json_integer(w->reps));
	json_object_set_new(m, "targets", w->n_targets ? tg : (json_decref(tg), json_null()));
	if (cfg->grid->burst_set) /* left out without one: older folders compare equal */
		json_object_set_new(m, "burst_scale", json_real(cfg->grid->burst_scale));
	json_object_set_new(m, "erlang", erlang_load(s, cfg->grid));
	json_object_set_new(m, "command", json_string(cfg->command ? cfg->command : ""));
	int rc = 0;
	json_t *old = rbjson_load_file(path, 0, &je);
	if (old) {
		for (size_t i = 0; sweep_same_keys[i]; i++) {
			if (!sweep_same_member(old, m, sweep_same_keys[i])) {
				errbuf_set(err, errlen, "%s holds a sweep with another %s: give another --out "
						    "(or remove that folder) rather than mix them",
				       cfg->out_dir, sweep_same_keys[i]);
				rc = EINVAL;
				goto out;
			}
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()); /* shards may share DIR */
	if (json_dump_file(m, tmp, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 || rename(tmp, path) != 0) {
		errbuf_set(err, errlen, "%s: cannot write", path);
		rc = EIO;
	}
out:
	json_decref(old);
	json_decref(m);
	return rc;
}

static bool point_done(const char *out_dir, const char *key)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/points/%s.json", out_dir, key);
	return stat(path, &st) == 0;
}

static json_t *point_json(const struct sweep_point *p, const struct scenario *s)
{
	json_t *o = json_object();
	json_t *fl = json_array();
	for (int f = 0; f < s->center.n_floors; f++)
		json_array_append_new(fl, json_integer(s->center.floor_ops[f]));
	json_object_set_new(o, "operators", json_integer(p->operators));
	json_object_set_new(o, "backup", json_integer(p->backup));
	json_object_set_new(o, "rate_scale", json_real(p->rate_scale));
	if (p->burst_set)
		json_object_set_new(o, "burst_scale", json_real(p->burst_scale));
	if (p->no_answer_s >= 0) {
		json_object_set_new(o, "no_answer_s", json_real(p->no_answer_s));
	} else {
		/* the scenario's own: the first no-answer tenant's, for the table */
		json_t *na = json_null();
		for (size_t t = 0; t < s->n_tenants; t++)
			if (s->tenants[t].forwarding == FWD_NO_ANSWER) {
				json_decref(na);
				na = json_real(rb_us_to_s(s->tenants[t].no_answer));
				break;
			}
		json_object_set_new(o, "no_answer_s", na);
	}
	json_object_set_new(o, "layout", json_string(p->floors ? "floors" : "pooled"));
	json_object_set_new(o, "floor_ops", fl);
	return o;
}

/*
 * One run at point p into out_dir/SUB/KEY.json: copy, apply, run, write
 * atomically. With unlimited, the point's staffing is replaced by
 * limit_operators of the scaled scenario (and no backup): every call taken
 * the moment it reaches the center (sim/limit.h).
 */
static int run_at(struct work *w, const struct sweep_point *p, const char *sub, const char *key, bool unlimited,
		  char *err, size_t errlen)
{
	const struct sweep_cfg *cfg = w->cfg;
	struct scenario *s = NULL;
	struct resdir *rd = NULL;
	char dir[4096], name[160];
	struct sweep_point q = *p;
	int rc = scn_dup(w->scn, &s);
	if (rc)
		return rc;
	if ((rc = sweep_apply(s, p, err, errlen)))
		goto out;
	if (unlimited) {
		q.operators = limit_operators(s);
		q.backup = 0;
		if ((rc = scn_staff_flat(s, q.operators, 0)))
			goto out;
	}
	snprintf(dir, sizeof(dir), "%s/%s", cfg->out_dir, sub);
	snprintf(name, sizeof(name), "%s.json", key);
	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_MODEL,
			.command = cfg->command,
			.scn = s,
			.seed = w->seed,
			.replications = w->reps,
			.t0_epoch = RB_T_NONE,
			.targets = w->targets,
			.n_targets = w->n_targets,
			.time_weighted = true,
		},
		.files = RESDIR_SUMMARY,
		.summary_name = name,
		.keep_json = true, /* for sweep_collect: sweep_cache.h */
	};
	if ((rc = cli_mkdirs(dir)) || (rc = resdir_open(&rd, dir, &ro)))
		goto out;
	struct model_opts mo = {.scn = s, .seed = w->seed, .replications = w->reps, .jobs = 1,
				.summary = resdir_summary(rd)};
	if ((rc = model_run(&mo, NULL))) {
		errbuf_set(err, errlen, "%s: the model failed: %s", key, strerror(rc));
		goto out;
	}
	json_t *pj = point_json(&q, s);
	if (unlimited)
		json_object_set_new(pj, "unlimited", json_true());
	resdir_set_extra(rd, "sweep_point", pj);
	struct resdir_result res;
	if ((rc = resdir_finish(rd, &res)) && res.failed) {
		errbuf_set(err, errlen, "%s/%s: cannot write: %s", dir, name, strerror(rc));
	} else if (!res.failed) {
		char path[4400];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		sweep_cache_put(path, resdir_take_json(rd));
	}
out:
	resdir_free(rd);
	scn_free(s);
	return rc;
}

/* Point idx of the grid into points/, its key into key. */
static int run_point(struct work *w, size_t idx, char *key, size_t keylen, char *err, size_t errlen)
{
	struct sweep_point p;
	sweep_grid_point(w->cfg->grid, idx, &p);
	sweep_point_key(&p, key, keylen);
	return run_at(w, &p, "points", key, false, err, errlen);
}

/* The limit's file name: the point's key without operators and backup,
 * "r1.0000-nascn-pooled". */
static void limit_key(const struct sweep_point *p, char *key, size_t n)
{
	char full[160];
	sweep_point_key(p, full, sizeof(full));
	const char *r = strstr(full, "-r");
	snprintf(key, n, "%s", r ? r + 1 : full);
}

/*
 * The runs with unlimited staff, one per load, delay and layout of the
 * grid, into limits/ (those there already kept): what no staffing can
 * beat, for the staffing table's "unreachable by staffing" (sweep_collect).
 * Computed by the unsharded run or shard 1; merge copies them.
 */
static int run_limits(struct work *w, char *err, size_t errlen)
{
	const struct sweep_grid *g = w->cfg->grid;
	size_t no = sweep_irange_count(&g->ops) * sweep_irange_count(&g->backup), total = sweep_grid_size(g);
	if (w->cfg->shard_n > 1 && w->cfg->shard_i != 1)
		return 0;
	for (size_t i = 0; i < total; i += no) { /* operators and backup vary fastest */
		struct sweep_point p;
		char key[160], path[4400];
		struct stat st;
		sweep_grid_point(g, i, &p);
		limit_key(&p, key, sizeof(key));
		snprintf(path, sizeof(path), "%s/limits/%s.json", w->cfg->out_dir, key);
		if (stat(path, &st) == 0)
			continue;
		int rc = run_at(w, &p, "limits", key, true, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct work *w = arg;
	char key[128], err[512];
	for (;;) {
		pthread_mutex_lock(&w->mu);
		if (w->next >= w->n_todo || w->err) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		size_t idx = w->todo[w->next++];
		pthread_mutex_unlock(&w->mu);
		err[0] = 0;
		int rc = run_point(w, idx, key, sizeof(key), err, sizeof(err));
		pthread_mutex_lock(&w->mu);
		if (rc && !w->err) {
			w->err = rc;
			snprintf(w->errmsg, sizeof(w->errmsg), "%s", *err ? err : strerror(rc));
		}
		w->done++;
		snprintf(w->last_key, sizeof(w->last_key), "%s", key);
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	pthread_mutex_lock(&w->mu);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static bool same_target(const struct scn_target *a, const struct scn_target *b)
{
	return a->kind == b->kind && a->rings == b->rings && a->min == b->min && a->max == b->max &&
	       a->measure == b->measure && a->count == b->count &&
	       ((!a->phase && !b->phase) || (a->phase && b->phase && !strcmp(a->phase, b->phase)));
}

/* Appends t to w->targets (room is there) unless the same target is there already. */
static void add_target(struct work *w, struct scn_target *t)
{
	for (size_t i = 0; i < w->n_targets; i++)
		if (same_target(&w->targets[i], t)) {
			scn_target_clear(t);
			return;
		}
	w->targets[w->n_targets++] = *t;
}

/*
 * The command line's targets, each followed, when it has no phase and the
 * scenario has several, by the same target in each phase: a whole-run
 * figure averages the quiet hours with the peak and hides what the peak
 * needs, so the staffing table gives both (docs/sweep.md). The same target
 * given twice is judged once.
 */
static int expand_targets(const struct sweep_cfg *cfg, const struct scenario *s, struct work *w,
			  char *err, size_t errlen)
{
	size_t per = s->n_phases > 1 ? s->n_phases + 1 : 1;
	w->targets = calloc(cfg->n_targets * per, sizeof(*w->targets));
	if (!w->targets)
		return ENOMEM;
	for (size_t i = 0; i < cfg->n_targets; i++) {
		struct scn_target t;
		int rc = scn_target_parse(cfg->targets[i], s, &t, err, errlen);
		if (rc)
			return rc;
		bool whole = !t.phase;
		add_target(w, &t);
		for (size_t p = 0; whole && per > 1 && p < s->n_phases; p++) {
			struct scn_target pt = t;
			pt.phase_idx = (int)p;
			if (!(pt.phase = strdup(s->phases[p].name)))
				return ENOMEM;
			add_target(w, &pt);
		}
	}
	return 0;
}

static void free_targets(struct work *w)
{
	for (size_t i = 0; i < w->n_targets; i++)
		scn_target_clear(&w->targets[i]);
	free(w->targets);
	w->targets = NULL;
	w->n_targets = 0;
}

/* The scenario as loaded: cfg's, or read from its path (into w->loaded). */
static int load(const struct sweep_cfg *cfg, struct work *w, char *err, size_t errlen)
{
	if (cfg->scn) {
		w->scn = cfg->scn;
		return 0;
	}
	int rc = scn_load(cfg->scenario_path, &w->loaded, err, errlen);
	if (rc)
		return rc == ENOMEM ? ENOMEM : EINVAL;
	w->scn = w->loaded;
	return 0;
}

static int prepare(const struct sweep_cfg *cfg, struct work *w, char *err, size_t errlen)
{
	struct scenario *s = NULL;
	char path[4096];
	int rc = load(cfg, w, err, errlen);
	if (rc)
		return rc;
	w->seed = cfg->seed_set ? cfg->seed : w->scn->run.seed;
	w->reps = cfg->replications > 0 ? cfg->replications : w->scn->run.replications;
	if (cfg->n_targets && (rc = expand_targets(cfg, w->scn, w, err, errlen)))
		return rc;
	/* every point must apply: check the first of each kind on a copy */
	struct sweep_point p;
	sweep_grid_point(cfg->grid, 0, &p);
	if (cfg->grid->noans_set &&
	    ((rc = scn_dup(w->scn, &s)) || (rc = sweep_apply(s, &p, err, errlen))))
		goto out;
	snprintf(path, sizeof(path), "%s/points", cfg->out_dir);
	if ((rc = cli_mkdirs(path))) {
		errbuf_set(err, errlen, "%s: cannot create: %s", path, strerror(rc));
		goto out;
	}
	rc = manifest(cfg, w, w->scn, err, errlen);
out:
	scn_free(s);
	return rc;
}

int sweep_run(const struct sweep_cfg *cfg, char *err, size_t errlen)
{
	struct work w = {.cfg = cfg};
	pthread_t th[64];
	int nth = 0, rc;
	size_t total = sweep_grid_size(cfg->grid), skipped = 0;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if (!total) {
		errbuf_set(err, errlen, "the grid is empty");
		rc = EINVAL;
		goto out;
	}
	if ((rc = prepare(cfg, &w, err, errlen)))
		goto out;
	w.todo = malloc(total * sizeof(size_t));
	if (!w.todo) {
		rc = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		struct sweep_point p;
		char key[128];
		if (cfg->shard_n > 0 && i % (size_t)cfg->shard_n != (size_t)(cfg->shard_i - 1))
			continue;
		sweep_grid_point(cfg->grid, i, &p);
		sweep_point_key(&p, key, sizeof(key));
		if (point_done(cfg->out_dir, key))
			skipped++;
		else
			w.todo[w.n_todo++] = i;
	}
	int jobs = cfg->jobs < 1 ? 1 : cfg->jobs > 64 ? 64 : cfg->jobs;
	if ((size_t)jobs > w.n_todo)
		jobs = (int)w.n_todo;
	if (cfg->progress_h)
		cfg->progress_h(0, w.n_todo, skipped, "", cfg->progress_arg);
	for (; nth < jobs; nth++)
		if ((rc = pthread_create(&th[nth], NULL, worker, &w)))
			break;
	pthread_mutex_lock(&w.mu);
	size_t seen = 0;
	while (nth > 0 && w.done < w.n_todo && !(w.err && w.done >= w.next)) {
		pthread_cond_wait(&w.cv, &w.mu);
		if (w.done != seen && cfg->progress_h) {
			seen = w.done;
			char key[128];
			memcpy(key, w.last_key, sizeof(key));
			pthread_mutex_unlock(&w.mu);
			cfg->progress_h(seen, w.n_todo, skipped, key, cfg->progress_arg);
			pthread_mutex_lock(&w.mu);
		}
	}
	pthread_mutex_unlock(&w.mu);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (!rc && w.err) {
		rc = w.err;
		errbuf_set(err, errlen, "%s", w.errmsg);
	}
	if (!rc)
		rc = run_limits(&w, err, errlen);
out:
	free(w.todo);
	free_targets(&w);
	scn_free(w.loaded);
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	return rc;
}
