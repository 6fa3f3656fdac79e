/* ring: ring arithmetic; see ring.h. */
#include "ring.h"

#include <assert.h>

int ring_count(rb_us wait, rb_us period)
{
	assert(period > 0);
	if (wait < 0)
		wait = 0;
	return (int)(wait / period) + 1;
}

int ring_heard(rb_us no_answer, rb_us wait, rb_us period)
{
	if (no_answer < 0)
		no_answer = 0;
	return ring_count(no_answer + (wait < 0 ? 0 : wait), period);
}
