/*
 * cli: option values for ringbench's commands and secretaryd, checked with
 * one clear message each ("ringbench model: --seed: expected a whole number
 * from 0 to ..., got 'x'"). Each returns 0, or 2 (the exit status for bad
 * usage) after printing the message to stderr.
 */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <stdint.h>

int cli_long(const char *prog, const char *opt, const char *val, long min, long max, long *out);
int cli_u64(const char *prog, const char *opt, const char *val, uint64_t *out);
int cli_double(const char *prog, const char *opt, const char *val, double min, double max,
	       double *out);

/* Prints "prog: message" and "Try 'prog --help'." to stderr; returns 2. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The command line as one string (args quoted where needed), for the
 * "command" field of summary.json. Returns a malloc'd string or NULL.
 */
char *cli_join(int argc, char **argv);

/* Creates dir and its parents (mode 0755). Returns 0 or errno. */
int cli_mkdirs(const char *dir);

#endif
