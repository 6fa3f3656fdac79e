/* deliver_int: what deliver_maildir.c and deliver_smtp.c share. Private. */
#ifndef RB_DELIVER_INT_H
#define RB_DELIVER_INT_H

#include "deliver.h"

struct dlv {
	struct spool_deliverer sd;
	void (*close)(struct dlv *d);
};

#endif
