/*
 * cli: option values for ringbench's commands and secretaryd, checked with
 * one clear message each ("ringbench model: --seed: expected a whole number
 * from 0 to ..., got 'x'"). Each returns 0, or 2 (the exit status for bad
 * usage) after printing the message to stderr.
 */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int cli_long(const char *prog, const char *opt, const char *val, long min, long max, long *out);
int cli_u64(const char *prog, const char *opt, const char *val, uint64_t *out);
int cli_double(const char *prog, const char *opt, const char *val, double min, double max,
	       double *out);

/* Prints "prog: message" and "Try 'prog --help'." to stderr; returns 2. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * "Did you mean": the edit distance of a and b (Damerau-Levenshtein, the
 * optimal-string-alignment kind: insert, delete, substitute, swap two
 * neighbours; each costs 1). Strings longer than 63 bytes count as far.
 */
int cli_distance(const char *a, const char *b);
/*
 * The name in names (NULL-terminated) closest to word: within 2 edits, or
 * one that starts with word (word at least 2 characters). Ties go to the
 * earlier name. NULL when none is close.
 */
const char *cli_closest(const char *word, const char *const *names);
/*
 * An option a command does not know, or one missing its value, arg being the
 * command-line word (as "--replicatons", "--seed" or "--x=1"): prints
 * "prog: unknown option '--replicatons'; did you mean --replications?" (or
 * "prog: --seed needs a value") and the --help line; returns 2. names are
 * the option names without "--", NULL-terminated; value_opts (may be NULL)
 * those that take a value. cli_bad_option is the same for getopt_long's
 * table.
 */
int cli_unknown_option(const char *prog, const char *arg, const char *const *names,
		       const char *const *value_opts);
int cli_bad_option(const char *prog, const char *arg, const struct option *opts);
/*
 * True when s has the form HOST:PORT (a port 1..65535 after the last ':',
 * a host before it that is more than a ring count): what an old
 * "--target 127.0.0.1:5060" meant before it was spelt --server. "peak:5:1"
 * passes too: try scn_target_parse first.
 */
bool cli_is_hostport(const char *s);

/*
 * The command line as one string (args quoted where needed), for the
 * "command" field of summary.json. Returns a malloc'd string or NULL.
 */
char *cli_join(int argc, char **argv);
/* "ringbench " and cli_join(argc, argv): summary.json's "command" of a
 * ringbench subcommand (argv[0] its name). Returns a malloc'd string or NULL. */
char *cli_command(int argc, char **argv);

/* "results/STEM-YYYYmmdd-HHMMSS" (local time, now) into buf: a command's
 * default result folder. */
void cli_results_dir(char *buf, size_t n, const char *stem);

/* Creates dir and its parents (mode 0755). Returns 0 or errno. */
int cli_mkdirs(const char *dir);

#endif
