/*
 * tzone: TZif files (RFC 8536) and POSIX TZ rules, without the process-wide
 * TZ. See tzone.h.
 */
#include "tzone.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TZONE_MAX_FILE (1 << 20) /* the largest zone today is under 4 kB */

/* A POSIX TZ rule date: Jn (julian, no Feb 29), n (0-based day), Mm.w.d. */
struct tz_date {
	char kind; /* 'J', 'D' (n), 'M' */
	int m, w, d, n;
	long secs; /* time of day of the change, local (may be < 0 or > 24 h) */
};

struct tz_rule {
	bool ok;   /* a rule was given and parsed */
	long std_off, dst_off; /* east positive */
	bool has_dst;
	struct tz_date start, end;
};

struct tz_type {
	long off;
	int isdst;
};

struct tzone {
	char *name;
	int64_t *trans;    /* transition instants, ascending */
	uint8_t *trans_ty; /* the type from each transition on */
	size_t n_trans;
	struct tz_type *types;
	size_t n_types;
	struct tz_rule rule; /* the footer: after the last transition */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* ---- POSIX TZ strings ("JST-9", "EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30") ---- */

static const char *parse_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e && e - s >= 4 ? e + 1 : NULL;
	}
	const char *p = s;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536's extension). */
static const char *parse_hms(const char *s, long *out)
{
	long sign = 1, h = 0, m = 0, sec = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9' && h <= 167)
		h = h * 10 + (*s++ - '0');
	if (*s == ':') {
		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		while (*s >= '0' && *s <= '9' && m < 60)
			m = m * 10 + (*s++ - '0');
		if (*s == ':') {
			s++;
			if (*s < '0' || *s > '9')
				return NULL;
			while (*s >= '0' && *s <= '9' && sec < 60)
				sec = sec * 10 + (*s++ - '0');
		}
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *parse_int(const char *s, int *out)
{
	int v = 0;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9' && v < 1000)
		v = v * 10 + (*s++ - '0');
	*out = v;
	return s;
}

static const char *parse_date(const char *s, struct tz_date *d)
{
	d->secs = 7200; /* 02:00 by default */
	if (*s == 'M') {
		d->kind = 'M';
		if (!(s = parse_int(s + 1, &d->m)) || *s != '.' || !(s = parse_int(s + 1, &d->w)) ||
		    *s != '.' || !(s = parse_int(s + 1, &d->d)))
			return NULL;
		if (d->m < 1 || d->m > 12 || d->w < 1 || d->w > 5 || d->d > 6)
			return NULL;
	} else if (*s == 'J') {
		d->kind = 'J';
		if (!(s = parse_int(s + 1, &d->n)) || d->n < 1 || d->n > 365)
			return NULL;
	} else {
		d->kind = 'D';
		if (!(s = parse_int(s, &d->n)) || d->n > 365)
			return NULL;
	}
	if (*s == '/' && !(s = parse_hms(s + 1, &d->secs)))
		return NULL;
	return s;
}

/* Returns 0, or EINVAL when s is not a rule this reader understands. */
static int parse_rule(const char *s, struct tz_rule *r)
{
	long off;
	memset(r, 0, sizeof *r);
	if (!(s = parse_name(s)) || !(s = parse_hms(s, &off)))
		return EINVAL;
	r->std_off = -off; /* POSIX: west positive */
	if (*s) {
		if (!(s = parse_name(s)))
			return EINVAL;
		r->has_dst = true;
		r->dst_off = r->std_off + 3600;
		if (*s && *s != ',') {
			if (!(s = parse_hms(s, &off)))
				return EINVAL;
			r->dst_off = -off;
		}
		if (!*s) /* no rule: POSIX leaves it to the implementation; glibc's US rule */
			s = ",M3.2.0,M11.1.0";
		if (*s != ',' || !(s = parse_date(s + 1, &r->start)) || *s != ',' ||
		    !(s = parse_date(s + 1, &r->end)))
			return EINVAL;
	}
	if (*s)
		return EINVAL;
	r->ok = true;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* The day (days since the epoch) a rule date falls on in year y. */
static int64_t rule_day(const struct tz_date *d, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	if (d->kind == 'J')
		return jan1 + d->n - 1 + (leap(y) && d->n >= 60);
	if (d->kind == 'D')
		return jan1 + d->n;
	int64_t first = days_from_civil(y, d->m, 1);
	int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	int day = 1 + (d->d - wday + 7) % 7 + (d->w - 1) * 7;
	while (day > month_days(y, d->m))
		day -= 7;
	return first + day - 1;
}

static int64_t year_of(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	return (int64_t)tm.tm_year + 1900;
}

static void rule_at(const struct tz_rule *r, int64_t t, struct tz_type *out)
{
	out->off = r->std_off;
	out->isdst = 0;
	if (!r->has_dst)
		return;
	int64_t y = year_of(t + r->std_off);
	/* The start is said in standard time, the end in daylight time. */
	int64_t start = rule_day(&r->start, y) * 86400 + r->start.secs - r->std_off;
	int64_t end = rule_day(&r->end, y) * 86400 + r->end.secs - r->dst_off;
	bool dst = start < end ? t >= start && t < end : !(t >= end && t < start);
	if (dst) {
		out->off = r->dst_off;
		out->isdst = 1;
	}
}

/* ---- TZif ---- */

static bool name_ok(const char *name)
{
	if (!*name || *name == '/' || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      strchr("/_+-.", *p)))
			return false;
	/* no "." or ".." component, no empty one */
	for (const char *c = name; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (*c == '/' || !*c || (c[0] == '.' && (c[1] == '/' || !c[1] || (c[1] == '.' && (c[2] == '/' || !c[2])))))
			return false;
	return true;
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f)
		return errno == ENOTDIR ? ENOENT : errno;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) { /* "Asia" is a folder */
		fclose(f);
		return ENOENT;
	}
	unsigned char *b = malloc(TZONE_MAX_FILE);
	size_t n = b ? fread(b, 1, TZONE_MAX_FILE, f) : 0;
	int e = !b ? ENOMEM : ferror(f) ? EIO : n == TZONE_MAX_FILE ? EINVAL : 0;
	fclose(f);
	if (e) {
		free(b);
		return e;
	}
	*buf = b;
	*len = n;
	return 0;
}

struct tzif_hdr {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static size_t hdr_read(const unsigned char *p, struct tzif_hdr *h, size_t tsize)
{
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return (size_t)h->timecnt * (tsize + 1) + (size_t)h->typecnt * 6 + h->charcnt +
	       (size_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Parses the file's newest data block and footer into z. */
static int parse_tzif(struct tzone *z, const unsigned char *b, size_t len)
{
	struct tzif_hdr h;
	size_t tsize = 4;
	if (len < 44 || memcmp(b, "TZif", 4))
		return EINVAL;
	size_t body = hdr_read(b, &h, 4);
	if (b[4] >= '2') { /* skip the 32-bit block for the 64-bit one */
		if (44 + body + 44 > len || memcmp(b + 44 + body, "TZif", 4))
			return EINVAL;
		b += 44 + body;
		len -= 44 + body;
		tsize = 8;
		body = hdr_read(b, &h, 8);
	}
	if (h.typecnt == 0 || h.typecnt > 256 || 44 + body > len)
		return EINVAL;
	const unsigned char *p = b + 44;
	z->n_trans = h.timecnt;
	z->n_types = h.typecnt;
	z->trans = calloc(h.timecnt + 1, sizeof *z->trans);
	z->trans_ty = calloc(h.timecnt + 1, 1);
	z->types = calloc(h.typecnt, sizeof *z->types);
	if (!z->trans || !z->trans_ty || !z->types)
		return ENOMEM;
	for (size_t i = 0; i < h.timecnt; i++, p += tsize)
		z->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
	for (size_t i = 0; i < h.timecnt; i++, p++) {
		if (*p >= h.typecnt)
			return EINVAL;
		z->trans_ty[i] = *p;
	}
	for (size_t i = 0; i < h.typecnt; i++, p += 6) {
		z->types[i].off = (long)(int32_t)be32(p);
		z->types[i].isdst = p[4] != 0;
	}
	if (tsize == 8) { /* the footer: "\n" TZ "\n" */
		const unsigned char *f = b + 44 + body, *end = b + len;
		if (f < end && *f == '\n') {
			const unsigned char *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
			if (nl && nl > f + 1) {
				char rule[128];
				size_t n = (size_t)(nl - f - 1);
				if (n >= sizeof rule)
					return EINVAL;
				memcpy(rule, f + 1, n);
				rule[n] = '\0';
				if (parse_rule(rule, &z->rule))
					return EINVAL;
			}
		}
	}
	return 0;
}

int tzone_load(const char *name, struct tzone **out, char *err, size_t errlen)
{
	if (!name || !name_ok(name)) {
		snprintf(err, errlen, "'%s' is not a time zone name (expected Area/City, e.g. Asia/Tokyo)",
			 name ? name : "");
		return EINVAL;
	}
	const char *dir = getenv("TZDIR");
	char path[4096];
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unsigned char *b = NULL;
	size_t len = 0;
	int e = read_file(path, &b, &len);
	if (e) {
		if (e == ENOENT)
			snprintf(err, errlen, "unknown time zone '%s' (not in %s; e.g. Asia/Tokyo)", name, dir);
		else
			snprintf(err, errlen, "time zone '%s': %s: %s", name, path, strerror(e));
		return e;
	}
	struct tzone *z = calloc(1, sizeof *z);
	if (!z || !(z->name = strdup(name)))
		e = ENOMEM;
	else
		e = parse_tzif(z, b, len);
	free(b);
	if (e) {
		if (e == EINVAL)
			snprintf(err, errlen, "time zone '%s': %s is not a TZif file", name, path);
		else
			snprintf(err, errlen, "time zone '%s': %s", name, strerror(e));
		tzone_free(z);
		return e;
	}
	*out = z;
	return 0;
}

void tzone_free(struct tzone *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->trans);
	free(z->trans_ty);
	free(z->types);
	free(z);
}

const char *tzone_name(const struct tzone *z)
{
	return z->name;
}

static struct tz_type type_at(const struct tzone *z, int64_t t)
{
	if (z->n_trans == 0 || t < z->trans[0]) {
		if (z->n_trans == 0 && z->rule.ok) {
			struct tz_type r;
			rule_at(&z->rule, t, &r);
			return r;
		}
		return z->types[0];
	}
	if (t >= z->trans[z->n_trans - 1] && z->rule.ok) {
		struct tz_type r;
		rule_at(&z->rule, t, &r);
		return r;
	}
	size_t lo = 0, hi = z->n_trans; /* the last transition <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->types[z->trans_ty[lo]];
}

void tzone_local(const struct tzone *z, int64_t t, struct tm *tm, long *gmtoff)
{
	struct tz_type ty = type_at(z, t);
	time_t lt = (time_t)(t + ty.off);
	gmtime_r(&lt, tm);
	tm->tm_isdst = ty.isdst;
	if (gmtoff)
		*gmtoff = ty.off;
}

void tzone_fmt_offset(char *buf, size_t n, long gmtoff)
{
	long a = gmtoff < 0 ? -gmtoff : gmtoff;
	snprintf(buf, n, "%c%02ld%02ld", gmtoff < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}
