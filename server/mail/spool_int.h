/* spool_int: a spool entry and its file format, shared by spool*.c. Private. */
#ifndef RB_SPOOL_INT_H
#define RB_SPOOL_INT_H

#include "spool.h"

struct sp_ent {
	struct sp_ent *next;
	char name[64];
	char *rcpt, *tenant, *from, *call_id;
	rb_us hangup, written;
	char *data;            /* the message; NULL once on disk (loaded to deliver) */
	size_t len;
	unsigned attempts;
	rb_us next_try;        /* monotonic */
};

/* A new entry with copies of meta (control characters made spaces) and msg; NULL when out of memory. */
struct sp_ent *spf_new(const struct spool_meta *meta, const char *msg, size_t len);
void spf_free(struct sp_ent *e);
/* Writes e to the folder dfd as e->name (created exclusively), closes it.
 * No fsync: the writer flushes a batch at once. Returns 0 or errno. */
int spf_write(int dfd, const struct sp_ent *e);
/* Reads and checks the file name in dfd: a new entry with its data in *out.
 * Returns 0, EINVAL (not a complete spool file), ENOMEM or errno. */
int spf_read(int dfd, const char *name, struct sp_ent **out);
/* Loads e->data from dfd/e->name (checking it is still the same report). */
int spf_load_data(int dfd, struct sp_ent *e);
/* The spool_msg view of a loaded entry. */
void spf_msg(const struct sp_ent *e, struct spool_msg *m);

#endif
