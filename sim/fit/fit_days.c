/*
 * fit_days: the history's days (local dates in the --tz zone, or one day per
 * calls.csv without a clock), sorted, numbered, and chosen by --days
 * ("mon,tue,wed" or "2026-11-02..2026-11-06").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fit_int.h"

static int cmp_call(const void *a, const void *b)
{
	const struct fit_call *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->tod > y->tod) - (x->tod < y->tod);
}

/* The weekday (0 Sunday) of the date key yyyymmdd (timegm on its noon). */
static int weekday(int key)
{
	struct tm tm = {.tm_year = key / 10000 - 1900, .tm_mon = key / 100 % 100 - 1,
			.tm_mday = key % 100, .tm_hour = 12};
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_wday;
}

static int date_key(const char *s, const char **end)
{
	int y, m, d, used = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*end = s + used;
	return y * 10000 + m * 100 + d;
}

/* keep[wday] from "mon,tue", or [from, to] from "DATE..DATE". */
static int parse_days(const char *s, bool keep[7], int *from, int *to, char *err, size_t errlen)
{
	static const char *const wd[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	const char *e;

	*from = *to = 0;
	if ((*from = date_key(s, &e)) > 0) {
		if (strncmp(e, "..", 2) || (*to = date_key(e + 2, &e)) < 0 || *e || *to < *from)
			goto bad;
		return 0;
	}
	*from = 0;
	memset(keep, 0, 7 * sizeof(bool));
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		int i = 0;
		while (i < 7 && !(len == 3 && !strncmp(p, wd[i], 3)))
			i++;
		if (i == 7)
			goto bad;
		keep[i] = true;
		p += len + (p[len] == ',');
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "--days: expected weekdays (mon,tue,...) or a range of dates "
		 "YYYY-MM-DD..YYYY-MM-DD, got '%s'", s);
	return EINVAL;
}

static int name_days(struct fit_hist *h)
{
	h->n_days = 0;
	for (size_t i = 0; i < h->n; i++)
		if (i == 0 || h->calls[i].day != h->calls[i - 1].day)
			h->n_days++;
	free(h->day_names);
	h->day_names = calloc(h->n_days ? h->n_days : 1, sizeof *h->day_names);
	if (!h->day_names)
		return ENOMEM;
	int d = -1, key = -1;
	for (size_t i = 0; i < h->n; i++) {
		if (h->calls[i].day != key) {
			key = h->calls[i].day;
			d++;
			if (key > 19000000)
				snprintf(h->day_names[d], sizeof h->day_names[d], "%04d-%02d-%02d", key / 10000,
					 key / 100 % 100, key % 100);
			else
				snprintf(h->day_names[d], sizeof h->day_names[d], "file%d", key);
		}
		h->calls[i].day = d;
	}
	return 0;
}

int fit_hist_finish(struct fit_hist *h, char *err, size_t errlen)
{
	bool keep[7];
	int from, to;
	size_t w = 0;

	if (h->n) /* calls is NULL for an empty history, and qsort wants a pointer */
		qsort(h->calls, h->n, sizeof *h->calls, cmp_call);
	if (h->o.days) {
		if (parse_days(h->o.days, keep, &from, &to, err, errlen))
			return EINVAL;
		if (!h->have_clock) {
			snprintf(err, errlen, "--days: the sources have no dates (a calls.csv without "
					      "t0_epoch): give the files of the days wanted instead");
			return EINVAL;
		}
		int prev = -1;
		for (size_t i = 0; i < h->n; i++) {
			struct fit_call *c = &h->calls[i];
			int day = c->day;
			bool in = from ? c->day >= from && c->day <= to : keep[weekday(c->day)];
			if (in) {
				h->calls[w++] = *c;
			} else {
				h->tenants[c->tenant].calls--;
				free(c->call_id);
				free(c->agent);
				if (day != prev)
					h->excluded_days++;
			}
			prev = day;
		}
		h->n = w;
	}
	return name_days(h);
}
