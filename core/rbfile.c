/* rbfile: see rbfile.h. */
#include "rbfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* truncate: stop at max bytes (rbfile_read_head) instead of EFBIG. */
static int read_whole(const char *path, size_t max, bool truncate, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno ? errno : EIO; /* never 0: the caller would read *buf */
	errno = 0;
	size_t cap = 8192, n = 0, got;
	char *b = NULL;
	int rc = 0;
	do {
		if (cap - n < 4096)
			cap *= 2; /* doubling: a large file costs log(size) reallocations */
		char *nb = realloc(b, cap);
		if (!nb) {
			rc = ENOMEM;
			goto out;
		}
		b = nb;
		size_t want = cap - n - 1;
		if (truncate && want > max - n)
			want = max - n;
		got = want ? fread(b + n, 1, want, f) : 0;
		n += got;
		if (!truncate && max && n > max) {
			rc = EFBIG;
			goto out;
		}
	} while (got > 0);
	if (ferror(f))
		rc = errno ? errno : EIO; /* EISDIR for a folder */
out:
	fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int rbfile_read(const char *path, size_t max, char **buf, size_t *len)
{
	return read_whole(path, max, false, buf, len);
}

int rbfile_read_head(const char *path, size_t max, char **buf, size_t *len)
{
	return read_whole(path, max, true, buf, len);
}
