/* csvtab: see csvtab.h. */
#include "csvtab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "rbfile.h"

struct strv {
	char **v;
	size_t n, cap;
};

static int strv_push(struct strv *s, const char *p, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	char *c = malloc(len + 1);
	if (!c)
		return ENOMEM;
	memcpy(c, p, len);
	c[len] = 0;
	s->v[s->n++] = c;
	return 0;
}

/* Reads one field starting at *pp; sets *eol when it ended a line. */
static int csv_field(const char **pp, const char *end, char **buf, size_t *cap, size_t *len,
		     bool *eol, bool *bad)
{
	const char *p = *pp;
	*len = 0;
	*eol = false;
	bool quoted = p < end && *p == '"';
	if (quoted)
		p++;
	for (;;) {
		if (p >= end) {
			if (quoted)
				*bad = true;
			*eol = true;
			break;
		}
		char c = *p;
		if (quoted) {
			if (c == '"') {
				if (p + 1 < end && p[1] == '"') {
					p++;
				} else {
					quoted = false;
					p++;
					continue;
				}
			}
		} else if (c == ',') {
			p++;
			break;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p++;
			*eol = true;
			break;
		}
		if (*len + 1 >= *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			char *nb = realloc(*buf, nc);
			if (!nb)
				return ENOMEM;
			*buf = nb;
			*cap = nc;
		}
		(*buf)[(*len)++] = c;
		p++;
	}
	*pp = p;
	return 0;
}

/* The physical line each row starts on (a quoted field may hold line breaks). */
struct lines {
	size_t *v, n, cap;
	size_t phys;         /* the line at counted */
	const char *counted; /* text up to here counted */
};

static int row_line(struct lines *l, const char *text, const char *p)
{
	if (!l->counted) {
		l->counted = text;
		l->phys = 1;
	}
	for (; l->counted < p; l->counted++)
		l->phys += *l->counted == '\n';
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		size_t *nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = l->phys;
	return 0;
}

void csvtab_free(struct csvtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncol; i++)
		free(t->head ? t->head[i] : NULL);
	for (size_t i = 0; t->cell && i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->head);
	free(t->cell);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

int csvtab_load(const char *path, struct csvtab *t, char *err, size_t errlen)
{
	char *text = NULL, *buf = NULL;
	size_t len = 0, cap = 0, flen;
	struct strv cells = {0};
	size_t ncol = 0, line = 1, col = 0;
	struct lines lines = {0};
	bool eol, bad = false;
	int rc = rbfile_read(path, 0, &text, &len);
	memset(t, 0, sizeof(*t));
	if (rc) {
		errbuf_set(err, errlen, "%s: %s", path, strerror(rc));
		return rc;
	}
	const char *p = text, *end = text + len;
	while (p < end) {
		if (col == 0 && (*p == '\n' || *p == '\r')) { /* blank line */
			p++;
			line++;
			continue;
		}
		if (col == 0 && ncol > 0 && (rc = row_line(&lines, text, p)))
			goto out;
		if ((rc = csv_field(&p, end, &buf, &cap, &flen, &eol, &bad)))
			goto out;
		if (bad) {
			errbuf_set(err, errlen, "%s:%zu: unterminated quoted field", path, line);
			rc = EINVAL;
			goto out;
		}
		if ((rc = strv_push(&cells, buf ? buf : "", flen)))
			goto out;
		col++;
		if (eol) {
			if (line == 1) {
				ncol = col;
			} else if (col != ncol) {
				errbuf_set(err, errlen, "%s:%zu: expected %zu fields as in the header, got %zu",
				       path, line, ncol, col);
				rc = EINVAL;
				goto out;
			}
			col = 0;
			line++;
		}
	}
	if (ncol == 0) {
		errbuf_set(err, errlen, "%s:1: expected a header line, the file is empty", path);
		rc = EINVAL;
		goto out;
	}
	t->ncol = ncol;
	t->nrow = cells.n / ncol - 1;
	t->head = malloc(ncol * sizeof(char *));
	t->cell = malloc((cells.n - ncol + 1) * sizeof(char *));
	if (!t->head || !t->cell) {
		free(t->head);
		free(t->cell);
		memset(t, 0, sizeof(*t));
		rc = ENOMEM;
		goto out;
	}
	memcpy(t->head, cells.v, ncol * sizeof(char *));
	memcpy(t->cell, cells.v + ncol, (cells.n - ncol) * sizeof(char *));
	cells.n = 0;
	t->line = lines.v;
	lines.v = NULL;
out:
	free(lines.v);
	for (size_t i = 0; i < cells.n; i++)
		free(cells.v[i]);
	free(cells.v);
	free(buf);
	free(text);
	return rc;
}

int csvtab_col(const struct csvtab *t, const char *name)
{
	for (size_t i = 0; i < t->ncol; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

bool csvtab_num(const struct csvtab *t, size_t r, int c, double *v)
{
	const char *s = csvtab_get(t, r, c);
	if (!*s)
		return false;
	char *e;
	errno = 0;
	double d = strtod(s, &e);
	if (e == s || *e || errno)
		return false;
	*v = d;
	return true;
}

void csvtab_put(FILE *f, const char *s, bool always_quote)
{
	if (!s)
		s = "";
	if (!always_quote && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
