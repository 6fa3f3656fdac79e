/*
 * model_write: `ringbench model`'s work, so the command only parses options
 * and prints (sim/model/model.h): the replications chosen (--replications auto),
 * the run fed into a result folder (core/resdir), the folder finished.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errbuf.h"
#include "model.h"
#include "resdir.h"

/* How the command words resdir_open's errnos. */
static void say_open(char *err, size_t errlen, int e)
{
	errbuf_set(err, errlen, "%s", e == ENOMEM ? "out of memory" : strerror(e));
}

/* --replications auto: how many, by the sequential rule; *seq_err is the
 * rule's failure, recorded as the run's (one replication is then opened). */
static int choose_reps(const struct model_write_opts *o, struct model_seq_result *sr, int *seq_err)
{
	memset(sr, 0, sizeof(*sr));
	*seq_err = 0;
	if (!o->reps_auto)
		return o->replications;
	struct model_opts mo = {.scn = o->scn, .seed = o->seed, .jobs = o->jobs};
	*seq_err = model_seq_choose(&mo, &o->seq, sr);
	if (!*seq_err && o->seq_done_h)
		o->seq_done_h(sr, o->seq_done_arg);
	return *seq_err ? 1 : sr->n;
}

/* The model's replications into rd; returns the run's error (not the folder's). */
static int run_into(const struct model_write_opts *o, struct resdir *rd, int reps,
		    struct model_stats *st)
{
	struct model_opts mo = {
		.scn = o->scn,
		.seed = o->seed,
		.replications = reps,
		.jobs = o->jobs,
		.summary = resdir_summary(rd),
		.timeline = resdir_timeline(rd), /* NULL when kept empty */
		.timeline_limit = o->timeline_limit > 0 ? o->timeline_limit : 0,
		/* no rows wanted (--calls none): no calls.csv to ask about at
		 * every call (4 M instructions at 1 M calls) */
		.calls = resdir_wants_calls(rd) ? rd : NULL,
		.progress_h = o->progress_h,
		.progress_arg = o->progress_arg,
	};
	memset(st, 0, sizeof(*st));
	return model_run(&mo, st);
}

/*
 * summary.json's "phones" (only with phone settings, so that folders without
 * them stay as they were): phones rung, rung out unanswered, and rung when
 * the caller hung up, over all the replications (docs/results.md).
 */
static void phones_extra(const struct model_write_opts *o, struct resdir *rd,
			 const struct model_stats *st)
{
	const struct scn_center *ce = &o->scn->center;
	if (!scn_phone_on(&ce->phone) && !scn_phone_on(&ce->backup_phone))
		return;
	json_t *j = json_pack("{s:I, s:I, s:I, s:o}", "rings", (json_int_t)st->rings,
			      "ring_no_answer", (json_int_t)st->ring_no_answer, "ring_cancelled",
			      (json_int_t)st->ring_cancelled, "no_answer_fraction",
			      st->rings ? json_real((double)st->ring_no_answer / (double)st->rings)
					: json_null());
	if (j)
		resdir_set_extra(rd, "phones", j);
}

/* summary.json's "trace" (load: {trace: FILE}): what was replayed. */
static void trace_extra(const struct model_write_opts *o, struct resdir *rd,
			const struct model_stats *st)
{
	const struct trace *t = o->scn->trace;
	if (!t)
		return;
	json_t *j = json_pack("{s:s, s:I, s:I, s:I}", "file", t->path, "calls", (json_int_t)t->n,
			      "delay_shortened", (json_int_t)t->n_shortened, "patience_clamped",
			      (json_int_t)st->clamped);
	if (j)
		resdir_set_extra(rd, "trace", j);
}

/* After the run (its error e): the stats to the caller, the extras to summary.json. */
static void run_extras(const struct model_write_opts *o, struct resdir *rd,
		       const struct model_stats *st, int e)
{
	if (o->stats)
		*o->stats = *st;
	if (e)
		return;
	trace_extra(o, rd, st);
	phones_extra(o, rd, st);
}

int model_write(const struct model_write_opts *o, struct resdir **rdp, struct resdir_result *res,
		char *err, size_t errlen)
{
	struct resdir *rd = NULL;
	*rdp = NULL;
	int e = cli_mkdirs(o->dir);
	if (e) {
		errbuf_set(err, errlen, "cannot create %s: %s", o->dir, strerror(e));
		json_decref(o->extra);
		return e;
	}
	struct model_seq_result sr;
	int seq_err;
	int reps = choose_reps(o, &sr, &seq_err);
	struct resdir_opts ro = {
		.summary = {
			.engine = ENGINE_MODEL,
			.command = o->command,
			.scn = o->scn,
			.seed = o->seed,
			.replications = reps,
			.t0_epoch = RB_T_NONE,
			.time_weighted = true,
		},
		.timeline_limit = o->timeline_limit,
		.timeline_staff = true,
		.calls_cap = o->calls_cap,
	};
	if ((e = resdir_open(&rd, o->dir, &ro))) {
		say_open(err, errlen, e);
		json_decref(o->extra);
		return e;
	}
	if (o->extra_key && o->extra)
		resdir_set_extra(rd, o->extra_key, o->extra);
	else
		json_decref(o->extra);
	if (o->reps_auto && !seq_err) {
		struct json_t *rule = model_seq_json(&o->seq, &sr);
		if (!rule) {
			e = ENOMEM;
			say_open(err, errlen, e);
			goto fail;
		}
		resdir_set_extra(rd, "replications_rule", rule);
	}
	/* With --calls none, the header alone: every result folder has the file. */
	if ((e = resdir_calls_open(rd))) {
		errbuf_set(err, errlen, "cannot write %s/calls.csv: %s", o->dir, strerror(e));
		goto fail;
	}
	struct model_stats st = {0};
	e = seq_err ? seq_err : run_into(o, rd, reps, &st);
	run_extras(o, rd, &st, e);
	int ce = resdir_calls_close(rd);
	if (!e)
		e = ce;
	if (e) {
		char why[256];
		snprintf(why, sizeof(why), "the model failed: %s", strerror(e));
		resdir_set_error(rd, why);
	}
	if ((e = resdir_finish(rd, res))) {
		/* res->failed NULL: the summary could not be made */
		if (res->failed)
			errbuf_set(err, errlen, "cannot write %s/%s: %s", o->dir, res->failed,
				   strerror(e));
		else
			errbuf_set(err, errlen, "out of memory");
		goto fail;
	}
	*rdp = rd;
	return 0;
fail:
	resdir_free(rd);
	return e;
}
