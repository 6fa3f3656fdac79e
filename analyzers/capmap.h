/*
 * capmap: a read-only window mapped over a regular file, moved along it as
 * the reader goes, that survives the file being cut short under it.
 *
 * Mapping a capture instead of copying it out of the page cache with
 * pread() saves the kernel's copy of every byte; the window (CAPMAP_WINDOW
 * bytes, unmapped as it moves) keeps the resident set from growing with
 * the file. A file truncated while mapped makes the next touch of a page
 * past its new end raise SIGBUS: capmap's handler (installed once, for
 * the process) finds the window the address lies in, maps zero pages over
 * the rest of that window, raises the window's flag and returns, so the
 * reader and whoever reads the bytes it handed out go on, reading zeros,
 * and the reader sees the flag at its next record and stops with an error.
 * A SIGBUS anywhere else goes to the handler there was before (by default
 * the process dies, as without capmap).
 *
 *   struct capmap *m = capmap_new(fd);   NULL: read the file otherwise
 *   const uint8_t *p;
 *   size_t n = capmap_view(m, off, &p);  p[0..n) is the file from off
 *   ... if (*capmap_flag(m)) the file changed: stop ...
 *   capmap_free(m);
 */
#ifndef RB_CAPMAP_H
#define RB_CAPMAP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes mapped at once (a multiple of any page size); a view holds at
 * least CAPMAP_WINDOW - 64 KiB bytes from its offset, file size allowing. */
#define CAPMAP_WINDOW ((size_t)8 << 20)

struct capmap;

/* A window over fd (not owned), or NULL when it cannot be mapped: not a
 * regular file, mmap refused, or all of capmap's 64 slots in use. */
struct capmap *capmap_new(int fd);

/*
 * The file from offset off: *p = its first byte; returns how many bytes
 * follow it in the window (0 at or past the file's end, as fstat sees it
 * now; fewer than CAPMAP_WINDOW near the end). The previous view's bytes
 * are no longer valid. Returns (size_t)-1 when mapping fails (the caller
 * reads the file another way) or once the flag is raised.
 */
size_t capmap_view(struct capmap *m, int64_t off, const uint8_t **p);

/* Raised (non-zero) once a page of the window was found cut off the file. */
const volatile sig_atomic_t *capmap_flag(const struct capmap *m);

void capmap_free(struct capmap *m);

#endif
