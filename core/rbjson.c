/* rbjson: see rbjson.h. */
#include "rbjson.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

double rbjson_num(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

json_t *rbjson_real(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

const json_t *rbjson_path(const json_t *o, const char *path)
{
	char part[128];
	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part) || !json_is_object(o))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		o = json_object_get(o, part);
		path += n + (dot ? 1 : 0);
	}
	return o;
}

double rbjson_path_num(const json_t *o, const char *path)
{
	return rbjson_num(rbjson_path(o, path));
}

double rbjson_at(const json_t *a, size_t i)
{
	return rbjson_num(json_is_array(a) ? json_array_get(a, i) : NULL);
}

void rbjson_write_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

json_t *rbjson_load_file(const char *path, size_t flags, json_error_t *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) /* jansson's own words for it */
		return json_load_file(path, flags, err);
	struct stat st;
	size_t cap = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 16;
	size_t n = 0;
	char *buf = malloc(cap);
	while (buf) { /* one read when the size was known; more if the file grew */
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	bool bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		if (err) {
			memset(err, 0, sizeof(*err));
			snprintf(err->text, sizeof(err->text), "%s: %s", path,
				 buf ? "read error" : "out of memory");
		}
		free(buf);
		return NULL;
	}
	json_t *j = json_loadb(buf, n, flags, err);
	free(buf);
	return j;
}
