/* cli: option values; see cli.h. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return 2;
}

int cli_long(const char *prog, const char *opt, const char *val, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = val ? strtol(val, &end, 10) : 0;
	if (!val || !*val || *end || errno || v < min || v > max)
		return cli_usage_error(prog, "%s: expected a whole number from %ld to %ld, got '%s'",
				       opt, min, max, val ? val : "");
	*out = v;
	return 0;
}

int cli_u64(const char *prog, const char *opt, const char *val, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = (val && *val != '-') ? strtoull(val, &end, 10) : 0;
	if (!val || !*val || *val == '-' || *end || errno)
		return cli_usage_error(prog, "%s: expected a whole number from 0 to %" PRIu64 ", got '%s'",
				       opt, UINT64_MAX, val ? val : "");
	*out = v;
	return 0;
}

int cli_double(const char *prog, const char *opt, const char *val, double min, double max,
	       double *out)
{
	char *end;
	errno = 0;
	double v = val ? strtod(val, &end) : 0;
	if (!val || !*val || *end || errno || isnan(v) || v < min || v > max)
		return cli_usage_error(prog, "%s: expected a number from %g to %g, got '%s'", opt, min,
				       max, val ? val : "");
	*out = v;
	return 0;
}

char *cli_join(int argc, char **argv)
{
	size_t n = 1;
	for (int i = 0; i < argc; i++)
		n += 3 + 2 * strlen(argv[i]);
	char *s = malloc(n), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int quote = !*a || strpbrk(a, " \t\"'\\$") != NULL;
		if (i)
			*p++ = ' ';
		if (quote)
			*p++ = '\'';
		for (; *a; a++) {
			if (quote && *a == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *a;
			}
		}
		if (quote)
			*p++ = '\'';
	}
	*p = '\0';
	return s;
}

void cli_results_dir(char *buf, size_t n, const char *stem)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, n, "results/%s-%s", stem, ts);
}

char *cli_command(int argc, char **argv)
{
	char *joined = cli_join(argc, argv), *command = NULL;
	if (joined) {
		size_t n = strlen(joined) + sizeof("ringbench ");
		if ((command = malloc(n)))
			snprintf(command, n, "ringbench %s", joined);
		free(joined);
	}
	return command;
}

int cli_mkdirs(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return errno;
	return 0;
}

int cli_distance(const char *a, const char *b)
{
	enum { N = 64 };
	size_t la = strlen(a), lb = strlen(b);
	if (la >= N || lb >= N)
		return N;
	int d[N][N];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *cli_closest(const char *word, const char *const *names)
{
	const char *best = NULL;
	int best_d = 3;
	size_t lw = strlen(word);
	for (size_t i = 0; names && names[i]; i++) {
		int d = cli_distance(word, names[i]);
		/* a prefix ("--rep" for --replications) is as good as one edit */
		if (d > 1 && lw >= 2 && !strncmp(names[i], word, lw))
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

int cli_unknown_option(const char *prog, const char *arg, const char *const *names,
		       const char *const *value_opts)
{
	char name[128];
	const char *p = arg ? arg : "";
	while (*p == '-')
		p++;
	size_t n = strcspn(p, "=");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	if (p != arg && p[n] != '=' && in_list(name, value_opts))
		return cli_usage_error(prog, "--%s needs a value", name);
	if (p != arg && in_list(name, names) && p[n] == '=')
		return cli_usage_error(prog, "--%s takes no value, got '%s'", name, arg);
	const char *near = cli_closest(name, names);
	if (!near && arg && arg[0] == '-' && arg[1] && arg[1] != '-' && !arg[2]) {
		/* "-q": the one long option that starts with q, if one does */
		int hits = 0;
		for (size_t i = 0; names && names[i]; i++)
			if (names[i][0] == arg[1] && hits++ == 0)
				near = names[i];
		if (hits != 1)
			near = NULL;
	}
	if (near)
		return cli_usage_error(prog, "unknown option '%s'; did you mean --%s?", arg, near);
	return cli_usage_error(prog, "unknown option '%s'", arg ? arg : "");
}

int cli_bad_option(const char *prog, const char *arg, const struct option *opts)
{
	enum { MAX = 64 };
	const char *names[MAX + 1], *vals[MAX + 1];
	size_t n = 0, nv = 0;
	for (size_t i = 0; opts[i].name && n < MAX; i++) {
		names[n++] = opts[i].name;
		if (opts[i].has_arg == required_argument)
			vals[nv++] = opts[i].name;
	}
	names[n] = NULL;
	vals[nv] = NULL;
	/* getopt_long takes an unambiguous prefix: a missing value may hide behind one */
	if (arg && !strncmp(arg, "--", 2) && !strchr(arg, '=')) {
		const char *hit = NULL;
		int hits = 0;
		for (size_t i = 0; i < nv; i++)
			if (!strncmp(vals[i], arg + 2, strlen(arg + 2)) && arg[2]) {
				hit = vals[i];
				hits++;
			}
		if (hits == 1 && !in_list(arg + 2, names))
			return cli_usage_error(prog, "--%s needs a value", hit);
	}
	return cli_unknown_option(prog, arg, names, vals);
}

bool cli_is_hostport(const char *s)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	if (!colon || colon == s || !colon[1])
		return false;
	long port = 0;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9' || port > 65535)
			return false;
		port = port * 10 + (*p - '0');
	}
	if (port < 1 || port > 65535)
		return false;
	/* "3:1" is a target (3 rings, all); a port needs a host with more than a ring count */
	for (const char *p = s; p < colon; p++)
		if (*p < '0' || *p > '9')
			return true;
	return colon - s > 2;
}
