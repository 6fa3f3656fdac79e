/* fit's three readers (fit_qlog.c, fit_cdr.c, fit_calls.c), called by fit_read. */
#ifndef RB_FIT_READ_H
#define RB_FIT_READ_H

#include "fit.h"

int fit_read_qlog(struct fit_hist *h, const char *path, char *err, size_t errlen);
int fit_read_cdr(struct fit_hist *h, const char *path, char *err, size_t errlen);
int fit_read_calls(struct fit_hist *h, const char *path, int file_no, char *err, size_t errlen);

#endif
