/*
 * errbuf: the one way a library function here says why it failed: a
 * caller-owned buffer (char *err, size_t errlen) filled printf-style. The
 * function returns an errno value; the message is for the person, with
 * file:line:col and the fix where there is one.
 */
#ifndef RB_ERRBUF_H
#define RB_ERRBUF_H

#include <stddef.h>

/* Formats into err (errlen bytes, always terminated); nothing when err is NULL or errlen 0. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
