/*
 * resdir: a result folder's files; see resdir.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "csvtab.h"
#include "resdir.h"

/* An extra table being written (resdir_table_open). */
struct resdir_table {
	struct resdir *d;
	struct resdir_table *next; /* the folder's open tables */
	FILE *f;
	char *name, *tmp;
	size_t ncol;
	int err;  /* the first write error */
};

/* calls.csv's stdio buffer: a row is about 250 bytes, so one write(2) per
 * ~1,000 rows instead of one per 16 (the default 4 KiB). Flat memory. */
#define RESDIR_CSV_BUF (256 * 1024)

struct resdir {
	struct resdir_table *tables; /* open ones */
	char table_failed[256];      /* the table resdir_finish could not write */
	FILE *csv;
	long csv_left; /* rows still wanted; < 0: all */
	int csv_err;   /* the first row or close error */
	unsigned files;
	char *dir;
	const char *summary_name;
	struct summary *sum;
	struct timeline *tl;
	rb_us tl_end;
	bool tl_empty; /* timeline_limit < 0: the header alone, nothing fed */
	bool keep_json;
	struct json_t *json; /* the summary's tree as written (keep_json) */
};

int resdir_open(struct resdir **dp, const char *dir, const struct resdir_opts *o)
{
	int err = cli_mkdirs(dir);
	if (err)
		return err;
	struct resdir *d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->files = o->files ? o->files | RESDIR_SUMMARY : RESDIR_ALL;
	d->csv_left = o->calls_cap;
	d->summary_name = o->summary_name ? o->summary_name : "summary.json";
	d->keep_json = o->keep_json;
	d->tl_end = o->summary.scn ? o->summary.scn->end : 0;
	d->dir = strdup(dir);
	d->sum = summary_new(&o->summary);
	/* Kept empty, the timeline still makes a file (its header): every
	 * result folder has the three files, as with --calls none. */
	d->tl_empty = o->timeline_limit < 0;
	if (d->files & RESDIR_TIMELINE)
		d->tl = timeline_new(d->tl_empty ? 1 : o->timeline_limit, o->timeline_staff);
	if (!d->dir || !d->sum || ((d->files & RESDIR_TIMELINE) && !d->tl)) {
		resdir_free(d);
		return ENOMEM;
	}
	*dp = d;
	return 0;
}

static void table_drop(struct resdir_table *t);

void resdir_free(struct resdir *d)
{
	if (!d)
		return;
	while (d->tables)
		table_drop(d->tables); /* not closed: not written */
	if (d->csv)
		fclose(d->csv);
	timeline_free(d->tl);
	summary_free(d->sum);
	json_decref(d->json);
	free(d->dir);
	free(d);
}

struct json_t *resdir_take_json(struct resdir *d)
{
	struct json_t *j = d->json;
	d->json = NULL;
	return j;
}

const char *resdir_dir(const struct resdir *d)
{
	return d->dir;
}

struct summary *resdir_summary(struct resdir *d)
{
	return d->sum;
}

struct summary_rep *resdir_rep(struct resdir *d, int r)
{
	return summary_rep(d->sum, r);
}

struct timeline *resdir_timeline(struct resdir *d)
{
	return d->tl_empty ? NULL : d->tl;
}

/* DIR/NAME into a new string; NULL on ENOMEM. */
static char *path_of(const struct resdir *d, const char *name)
{
	size_t n = strlen(d->dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", d->dir, name);
	return p;
}

/* DIR/.NAME.PID.tmp: unique to this process, so that two processes writing
 * one folder (sweep shards, a rerun) never write into each other's file. */
static char *tmp_of(const struct resdir *d, const char *name)
{
	size_t n = strlen(d->dir) + strlen(name) + 40;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/.%s.%ld.tmp", d->dir, name, (long)getpid());
	return p;
}

int resdir_calls_open(struct resdir *d)
{
	if (!(d->files & RESDIR_CALLS) || d->csv)
		return 0;
	char *p = path_of(d, "calls.csv");
	if (!p)
		return ENOMEM;
	d->csv = fopen(p, "w");
	int err = d->csv ? 0 : errno;
	free(p);
	if (err)
		return err;
	setvbuf(d->csv, NULL, _IOFBF, RESDIR_CSV_BUF); /* a failure keeps the default */
	if (fputs(callrec_csv_header(), d->csv) == EOF)
		err = d->csv_err = errno ? errno : EIO;
	return err;
}

bool resdir_wants_calls(const struct resdir *d)
{
	return d->csv && d->csv_left != 0;
}

int resdir_call(struct resdir *d, const struct callrec *r)
{
	if (!d->csv || d->csv_left == 0 || d->csv_err)
		return 0; /* after an error, the file is lost: no more rows */
	int err = callrec_csv_write(d->csv, r);
	if (err && !d->csv_err)
		d->csv_err = err;
	if (d->csv_left > 0)
		d->csv_left--;
	return err;
}

int resdir_calls_close(struct resdir *d)
{
	if (d->csv) {
		int ce = fclose(d->csv) ? (errno ? errno : EIO) : 0;
		d->csv = NULL;
		if (ce && !d->csv_err)
			d->csv_err = ce;
	}
	return d->csv_err;
}

void resdir_span(struct resdir *d, rb_us from, rb_us to, int ringing, int ops_busy,
		 int backup_busy)
{
	if (d->tl && !d->tl_empty) /* the timeline keeps its own limit */
		timeline_span(d->tl, from, to, ringing, ops_busy, backup_busy);
}

static int table_line(struct resdir_table *t, const char *const *cells)
{
	if (t->err)
		return t->err;
	for (size_t i = 0; i < t->ncol; i++) {
		if (i)
			fputc(',', t->f);
		csvtab_put(t->f, cells[i], false);
	}
	if (fputc('\n', t->f) == EOF || ferror(t->f))
		t->err = errno ? errno : EIO;
	return t->err;
}

/* Unlinks t from its folder, closes and removes its temporary file. */
static void table_drop(struct resdir_table *t)
{
	struct resdir_table **pp = &t->d->tables;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	if (t->f)
		fclose(t->f);
	if (t->tmp)
		unlink(t->tmp);
	free(t->name);
	free(t->tmp);
	free(t);
}

/* A name the folder's own files do not use, and no path. */
static bool table_name_ok(const struct resdir *d, const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strcmp(name, "calls.csv") && strcmp(name, "timeline.csv") &&
	       strcmp(name, d->summary_name);
}

int resdir_table_open(struct resdir *d, const char *name, const char *const *cols, size_t ncol,
		      struct resdir_table **tp)
{
	if (!table_name_ok(d, name) || ncol == 0 || !cols)
		return EINVAL;
	for (struct resdir_table *o = d->tables; o; o = o->next)
		if (!strcmp(o->name, name))
			return EINVAL; /* open twice: the second would overwrite the first */
	struct resdir_table *t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->d = d;
	t->ncol = ncol;
	t->name = strdup(name);
	t->tmp = tmp_of(d, name);
	t->next = d->tables;
	d->tables = t;
	if (!t->name || !t->tmp) {
		table_drop(t);
		return ENOMEM;
	}
	if (!(t->f = fopen(t->tmp, "w"))) {
		int err = errno;
		free(t->tmp);
		t->tmp = NULL; /* nothing to remove */
		table_drop(t);
		return err;
	}
	int err = table_line(t, cols);
	if (err) {
		table_drop(t);
		return err;
	}
	*tp = t;
	return 0;
}

int resdir_table_row(struct resdir_table *t, const char *const *cells)
{
	return table_line(t, cells);
}

int resdir_table_close(struct resdir_table *t)
{
	int err = t->err;
	char *p = path_of(t->d, t->name);
	if (fclose(t->f) && !err)
		err = errno ? errno : EIO;
	t->f = NULL;
	if (!err && !p)
		err = ENOMEM;
	if (!err && rename(t->tmp, p))
		err = errno;
	if (!err) {
		free(t->tmp);
		t->tmp = NULL; /* renamed: nothing to remove */
	}
	free(p);
	table_drop(t);
	return err;
}

/* Closes the tables still open; the first failure's name into *failed. */
static int tables_close(struct resdir *d, const char **failed)
{
	int err = 0;
	while (d->tables) {
		struct resdir_table *t = d->tables;
		char name[sizeof(d->table_failed)];
		snprintf(name, sizeof(name), "%s", t->name);
		int e = resdir_table_close(t);
		if (e && !err) {
			err = e;
			memcpy(d->table_failed, name, sizeof(name));
			*failed = d->table_failed;
		}
	}
	return err;
}

void resdir_set_timeline_end(struct resdir *d, rb_us end)
{
	d->tl_end = end;
}

void resdir_set_t0_epoch(struct resdir *d, rb_us t0)
{
	summary_set_t0_epoch(d->sum, t0);
}

void resdir_set_extra(struct resdir *d, const char *key, struct json_t *value)
{
	summary_set_extra(d->sum, key, value);
}

void resdir_set_error(struct resdir *d, const char *why)
{
	summary_set_error(d->sum, why);
}

/* Writes NAME whole under a temporary name, then renames it. */
static int write_atomic(struct resdir *d, const char *name)
{
	char *p = path_of(d, name), *tmp = tmp_of(d, name);
	int err = 0;
	if (!p || !tmp) {
		err = ENOMEM;
		goto out;
	}
	if (!strcmp(name, "timeline.csv"))
		err = timeline_write(d->tl, tmp, d->tl_empty ? 0 : d->tl_end);
	else
		/* under tmp already: no second temporary name and rename */
		err = summary_dump_json(d->sum, tmp, d->keep_json && !d->json ? &d->json : NULL);
	if (!err && rename(tmp, p))
		err = errno;
	if (err)
		unlink(tmp);
out:
	free(p);
	free(tmp);
	return err;
}

/* summary_finish, summary.json, and res. */
static int write_summary(struct resdir *d, int err, const char *failed, struct resdir_result *res)
{
	int e = summary_finish(d->sum);
	if (!e) {
		e = write_atomic(d, d->summary_name);
		if (e)
			failed = d->summary_name;
	} else {
		failed = NULL;
	}
	if (!err)
		err = e;
	res->failed = err ? failed : NULL;
	res->verdict = err ? VERDICT_ERROR : summary_verdict(d->sum);
	res->exit_code = err ? 3 : summary_exit_code(d->sum);
	return err;
}

int resdir_finish(struct resdir *d, struct resdir_result *res)
{
	const char *failed = NULL;
	int err = 0;
	if (d->csv && resdir_calls_close(d)) {
		err = d->csv_err;
		failed = "calls.csv";
		summary_set_error(d->sum, "calls.csv could not be written");
	}
	if (!err && d->tables && (err = tables_close(d, &failed))) {
		char why[sizeof(d->table_failed) + 32];
		snprintf(why, sizeof(why), "%s could not be written", failed);
		summary_set_error(d->sum, why);
	}
	if (!err && d->tl && (err = write_atomic(d, "timeline.csv"))) {
		failed = "timeline.csv";
		summary_set_error(d->sum, "timeline.csv could not be written");
	}
	return write_summary(d, err, failed, res);
}

int resdir_abort(struct resdir *d, const char *why, struct resdir_result *res)
{
	resdir_calls_close(d);
	summary_set_error(d->sum, why);
	int err = write_summary(d, 0, NULL, res);
	res->verdict = VERDICT_ERROR;
	res->exit_code = 3;
	return err;
}
