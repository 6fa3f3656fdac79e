/*
 * rbfile: a whole file read into memory, the one way the scenario loader,
 * the CSV reader and the report read files they take in one piece.
 */
#ifndef RB_RBFILE_H
#define RB_RBFILE_H

#include <stddef.h>

/*
 * Reads path into a malloc'd *buf of *len bytes plus a terminating NUL (the
 * text may hold NULs of its own). max: the most bytes taken (0: any), EFBIG
 * beyond. Returns 0 or errno (EISDIR for a folder, EIO for
 * another read error); *buf only on success.
 */
int rbfile_read(const char *path, size_t max, char **buf, size_t *len);
/*
 * As rbfile_read, but takes the first max bytes (max > 0) of a longer file
 * and stops there without an error: a loader that refuses long files at the
 * line and column where they outgrow its limit reads one byte past it, and a
 * FIFO or /dev/zero ends too.
 */
int rbfile_read_head(const char *path, size_t max, char **buf, size_t *len);

#endif
