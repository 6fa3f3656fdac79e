/* rbfile: see rbfile.h. */
#include "rbfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int rbfile_read(const char *path, size_t max, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno;
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
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (max && n > max) {
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
