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
