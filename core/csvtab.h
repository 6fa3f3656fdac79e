/*
 * csvtab: a whole CSV file (RFC 4180 quoting) in memory, header row first:
 * the one reader of the result folders' tables (calls.csv, timeline.csv,
 * staffing.csv) for the report and the sweep.
 */
#ifndef RB_CSVTAB_H
#define RB_CSVTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csvtab {
	size_t ncol, nrow;
	char **head;  /* ncol names */
	char **cell;  /* nrow * ncol strings, never NULL ("" when empty) */
	size_t *line; /* nrow: the file line each row starts on (1-based), for
		       * messages about a row (a quoted line break makes it differ
		       * from the row number + 1) */
};

/* Loads path; ENOENT when missing, EINVAL "path:line: ..." when malformed
 * (a row with another number of fields than the header). */
int csvtab_load(const char *path, struct csvtab *t, char *err, size_t errlen);
void csvtab_free(struct csvtab *t);
/* Index of the column named name, or -1. */
int csvtab_col(const struct csvtab *t, const char *name);
/* Row r's cell in column c ("" for c < 0). */
static inline const char *csvtab_get(const struct csvtab *t, size_t r, int c)
{
	return c < 0 ? "" : t->cell[r * t->ncol + (size_t)c];
}
/* Parses the cell as a number; false when empty or not a number. */
bool csvtab_num(const struct csvtab *t, size_t r, int c, double *v);

/*
 * Writes one cell s (NULL: empty) to f as RFC 4180 wants it: in quotes, any
 * quote doubled, when it holds a comma, quote or line break, or always when
 * always_quote (a free-text column, quoted in every row). The separator is
 * the caller's. (calls.csv's rows, written per call into a buffer, have
 * their own: core/callrec.c.)
 */
void csvtab_put(FILE *f, const char *s, bool always_quote);

#endif
