/* ring: ring arithmetic; see ring.h. */
#include "ring.h"

#include <assert.h>

int ring_count(rb_us wait, rb_us period)
{
	assert(period > 0);
	/*
	 * Most calls are answered within the first ring (a wait of 0: an
	 * operator was free), and a 64-bit division costs tens of cycles: the
	 * model's benchmark spent 3 % of its time here before this test.
	 */
	if (wait < period)
		return 1;
	return (int)(wait / period) + 1;
}

int ring_heard(rb_us no_answer, rb_us wait, rb_us period)
{
	if (no_answer < 0)
		no_answer = 0;
	return ring_count(no_answer + (wait < 0 ? 0 : wait), period);
}
