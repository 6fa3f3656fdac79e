/*
 * timeline: timeline.csv, second by second; see timeline.h.
 *
 * One row per whole second up to the limit, allocated up front (one day is
 * 86,400 rows of 20 bytes). A row's state is that of the span covering its
 * instant; a second no span covered is written with empty state columns.
 */
#include "timeline.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct tl_row {
	int32_t ringing, ops_busy, backup_busy; /* -1: no span covered t */
	uint32_t answered, abandoned;
};

struct timeline {
	struct tl_row *rows;
	int64_t n;
	bool knows_staff;
};

struct timeline *timeline_new(rb_us limit, bool knows_staff)
{
	if (limit <= 0)
		limit = 86400 * RB_US_PER_S;
	struct timeline *tl = calloc(1, sizeof(*tl));
	if (!tl)
		return NULL;
	tl->n = (limit + RB_US_PER_S - 1) / RB_US_PER_S;
	tl->rows = malloc((size_t)tl->n * sizeof(*tl->rows));
	if (!tl->rows) {
		free(tl);
		return NULL;
	}
	for (int64_t i = 0; i < tl->n; i++)
		tl->rows[i] = (struct tl_row){-1, -1, -1, 0, 0};
	tl->knows_staff = knows_staff;
	return tl;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	free(tl->rows);
	free(tl);
}

void timeline_span(struct timeline *tl, rb_us from, rb_us to, int ringing, int ops_busy,
		   int backup_busy)
{
	if (from < 0)
		from = 0;
	/* whole seconds t with from <= t·1e6 < to */
	int64_t a = (from + RB_US_PER_S - 1) / RB_US_PER_S;
	int64_t b = to <= 0 ? 0 : (to + RB_US_PER_S - 1) / RB_US_PER_S;
	if (b > tl->n)
		b = tl->n;
	for (int64_t t = a; t < b; t++) {
		tl->rows[t].ringing = ringing;
		tl->rows[t].ops_busy = ops_busy;
		tl->rows[t].backup_busy = backup_busy;
	}
}

static void count(struct timeline *tl, rb_us t, bool answered)
{
	if (t < 0 || t == RB_T_NONE)
		return;
	int64_t i = t / RB_US_PER_S;
	if (i >= tl->n)
		return;
	if (answered)
		tl->rows[i].answered++;
	else
		tl->rows[i].abandoned++;
}

void timeline_answered(struct timeline *tl, rb_us t)
{
	count(tl, t, true);
}

void timeline_abandoned(struct timeline *tl, rb_us t)
{
	count(tl, t, false);
}

static void put_state(FILE *f, int32_t v, bool known)
{
	if (known && v >= 0)
		fprintf(f, ",%d", (int)v);
	else
		fputc(',', f);
}

int timeline_write(const struct timeline *tl, const char *path, rb_us end)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	int64_t n = end <= 0 ? 0 : (end + RB_US_PER_S - 1) / RB_US_PER_S;
	if (n > tl->n)
		n = tl->n;
	fputs("t,ringing,operators_busy,backup_busy,answered,abandoned\n", f);
	for (int64_t t = 0; t < n; t++) {
		const struct tl_row *r = &tl->rows[t];
		char tb[32];
		rb_fmt_s(tb, sizeof(tb), t * RB_US_PER_S);
		fputs(tb, f);
		put_state(f, r->ringing, true);
		put_state(f, r->ops_busy, tl->knows_staff);
		put_state(f, r->backup_busy, tl->knows_staff);
		fprintf(f, ",%u,%u\n", (unsigned)r->answered, (unsigned)r->abandoned);
	}
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	return err;
}
