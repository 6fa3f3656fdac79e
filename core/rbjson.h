/*
 * rbjson: the few jansson helpers every reader and writer of result files
 * needs, once: a number that may be missing (NaN), a real that may not be
 * finite (null, as summary.json writes figures that cannot be known), and a
 * member by dotted path ("wait_s.p90").
 */
#ifndef RB_RBJSON_H
#define RB_RBJSON_H

#include <stdio.h>

#include <jansson.h>

/* v's value when it is a number (integer or real), else NaN (missing, null, text). */
double rbjson_num(const json_t *v);
/* A new real, or null when v is NaN or infinite (JSON has neither). */
json_t *rbjson_real(double v);
/* o's member at a dotted path ("overall.wait_s.p90"), or NULL when any step
 * is missing or not an object (a step over 127 bytes too). */
const json_t *rbjson_path(const json_t *o, const char *path);
/* rbjson_num(rbjson_path(o, path)). */
double rbjson_path_num(const json_t *o, const char *path);
/* The number at index i of array a, else NaN (an interval's end: ci95[0]). */
double rbjson_at(const json_t *a, size_t i);
/* The n bytes at s as a JSON string, quoted, with '"', '\\' and control
 * bytes escaped and the rest as they are (the fallback files' JSON lines,
 * written while memory or the disk may be short: no allocation). */
void rbjson_write_str(FILE *f, const char *s, size_t n);
/*
 * json_load_file(path, flags, err), read whole first: jansson's own file
 * loader takes its input one fgetc() at a time, which was the largest part
 * of a sweep's time (18 %, perf: 100 points of a 1 MB summary each, read
 * back to make sweep.csv). err as jansson fills it (its source "<buffer>";
 * a file that cannot be read says so in err->text). NULL on failure.
 */
json_t *rbjson_load_file(const char *path, size_t flags, json_error_t *err);

#endif
