/*
 * sharedir: where ringbench finds the files it ships (scenarios/, the SIPp
 * flows in scenarios/sipp/) when the path given is not in the current folder.
 *
 * The same relative name ("scenarios/sipp/live_caller.xml") is looked up, in
 * order, under
 *   1. BINDIR/../share/ringbench, BINDIR being the running binary's folder:
 *      an installed copy, wherever it was installed or moved (DESTDIR too);
 *   2. the source tree the binary was built from (running from build/);
 *   3. the compiled-in RB_DATADIR (CMAKE_INSTALL_FULL_DATADIR/ringbench).
 * The source tree comes before RB_DATADIR so that a build tree's binary uses
 * its own checkout's files, not an older installed copy's.
 */
#ifndef RB_SHAREDIR_H
#define RB_SHAREDIR_H

#include <stddef.h>

/*
 * The first existing regular file REL under the folders above, written to
 * buf. Returns 0, ENOENT when none has it, ENAMETOOLONG when buf is too short.
 */
int sharedir_find(const char *rel, char *buf, size_t n);

#endif
