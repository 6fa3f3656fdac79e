/*
 * tzone: a time zone of the system tz database, read once, asked from any
 * thread (docs/secretaryd.md, Time zone).
 *
 *   struct tzone *z;
 *   tzone_load("Asia/Tokyo", &z, err, sizeof err);   reads the TZif file
 *   struct tm tm; long off;
 *   tzone_local(z, time(NULL), &tm, &off);           off = 32400
 *   tzone_free(z);
 *
 * Why not localtime_r: it follows the process-wide TZ, which a library must
 * not change once threads run (setenv/tzset race every thread's localtime_r,
 * and one process could not serve two zones). A tzone is an immutable table
 * read from $TZDIR (default /usr/share/zoneinfo) per RFC 8536 (TZif v1..v4):
 * the transitions, then the footer's POSIX TZ rule for instants after the
 * last one. Leap seconds are ignored (as in the "right/" zones' absence).
 * tests/check_tzone.c compares it with glibc's localtime_r for many zones
 * and instants.
 */
#ifndef RB_TZONE_H
#define RB_TZONE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tzone;

/*
 * Loads the zone NAME ("Asia/Tokyo", "UTC"). NAME must be relative and
 * without "." or ".." components. Returns 0 and a new zone in *out (free with
 * tzone_free); ENOENT for an unknown zone, EINVAL for a bad name or a file
 * that is not TZif, ENOMEM; err gets a sentence that names the zone.
 */
int tzone_load(const char *name, struct tzone **out, char *err, size_t errlen);

void tzone_free(struct tzone *z);

/* The name given to tzone_load. */
const char *tzone_name(const struct tzone *z);

/*
 * The local time of the instant T (Unix seconds) in *tm (tm_isdst set;
 * tm_wday and tm_yday too) and its offset from UTC in seconds (east
 * positive) in *gmtoff. Thread-safe: reads only the zone.
 */
void tzone_local(const struct tzone *z, int64_t t, struct tm *tm, long *gmtoff);

/* The offset as RFC 5322 writes it: "+0900", "-0430" (buf at least 6 bytes). */
void tzone_fmt_offset(char *buf, size_t n, long gmtoff);

#endif
