/* rbjson: see rbjson.h. */
#include "rbjson.h"

#include <math.h>
#include <string.h>

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
