/*
 * sweep_grid_cap: refuses a sweep grid too large to run (sweep_grid_cap.h).
 * The size is computed in double, so that no product of axis counts can
 * overflow before it is compared.
 */
#include "sweep_grid_cap.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "errbuf.h"

static double grid_points(const struct sweep_grid *g)
{
	return (double)sweep_irange_count(&g->ops) * (double)sweep_irange_count(&g->backup) *
	       (double)sweep_drange_count(&g->rate) * (double)sweep_drange_count(&g->noans) *
	       (double)((g->pooled ? 1 : 0) + (g->floors ? 1 : 0));
}

/* r with its step times k, when still a step the parser takes. */
static bool coarser(struct sweep_irange *r, double k)
{
	if ((double)r->step * k > 1000000)
		return false;
	r->step = (int)((double)r->step * k);
	return true;
}

static void range_text(char *buf, size_t n, const char *opt, const struct sweep_irange *r)
{
	snprintf(buf, n, " %s %d:%d:%d", opt, r->lo, r->hi, r->step);
}

/*
 * How to narrow g under the cap by coarser steps on the operator and backup
 * axes: ", e.g. --operators 1:100000:3" (one axis, the smallest factor that
 * does it) or both axes by the same factor; "" when steps alone will not.
 */
static void hint(const struct sweep_grid *g, double total, char *buf, size_t n)
{
	struct sweep_grid t;
	char a[48], b[48];

	buf[0] = '\0';
	for (int axis = 0; axis < 2; axis++) {
		const struct sweep_irange *r = axis ? &g->backup : &g->ops;
		double count = (double)sweep_irange_count(r);
		double allowed = floor(SWEEP_MAX_POINTS / (total / count));

		t = *g;
		if (allowed < 2 || !coarser(axis ? &t.backup : &t.ops, ceil(count / allowed)) ||
		    grid_points(&t) > SWEEP_MAX_POINTS)
			continue;
		range_text(a, sizeof a, axis ? "--backup" : "--operators", axis ? &t.backup : &t.ops);
		snprintf(buf, n, ", e.g.%s", a);
		return;
	}
	t = *g;
	double k = ceil(sqrt(total / SWEEP_MAX_POINTS));
	if (coarser(&t.ops, k) && coarser(&t.backup, k) && grid_points(&t) <= SWEEP_MAX_POINTS) {
		range_text(a, sizeof a, "--operators", &t.ops);
		range_text(b, sizeof b, "--backup", &t.backup);
		snprintf(buf, n, ", e.g.%s%s", a, b);
	}
}

int sweep_grid_cap_check(const struct sweep_grid *g, char *err, size_t errlen)
{
	double no = (double)sweep_irange_count(&g->ops), nb = (double)sweep_irange_count(&g->backup),
	       nr = (double)sweep_drange_count(&g->rate), nn = (double)sweep_drange_count(&g->noans),
	       nl = (double)((g->pooled ? 1 : 0) + (g->floors ? 1 : 0));
	double total = grid_points(g);
	char h[128];

	if (total <= SWEEP_MAX_POINTS)
		return 0;
	hint(g, total, h, sizeof h);
	errbuf_set(err, errlen,
		   "the grid has %.0f points (%.0f operator counts x %.0f backup counts x %.0f rate "
		   "scales x %.0f no-answer delays x %.0f layouts): expected at most %d; narrow it "
		   "with a coarser STEP (A:B:STEP) or a shorter range%s",
		   total, no, nb, nr, nn, nl, SWEEP_MAX_POINTS, h);
	return EINVAL;
}
