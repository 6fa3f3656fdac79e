/*
 * live_schedule: whether a live run kept its schedule. Each INVITE's
 * lateness (its first transmission in the capture less its scheduled
 * instant) is measured on the wire; a replication whose p99 is over 5 % of
 * the ring period on the wire (the ring period / F) placed calls late
 * enough to move them across ring boundaries, so its figures cannot show
 * that a target is met: the run is at best inconclusive (live.h).
 *
 * The limit is a fraction of a ring, not a fixed time, because what matters
 * is whether lateness can change a call's ring count: at speed-up 15 and
 * 3 s rings it is 10 ms, at 30 it is 5 ms.
 */
#define LOG_TAG "live"
#include "live.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

/* 5 % of a ring: a divisor, so that 3 s at 30 is 5 ms, not 5.000000000000001. */
#define RINGS_PER_LIMIT 20.0

double live_lateness_limit_ms(rb_us ring_period, double F)
{
	return (double)ring_period / 1e3 / (F > 0 ? F : 1.0) / RINGS_PER_LIMIT;
}

void live_schedule_judge(const struct live_lateness *lat, int n_reps, rb_us ring_period, double F,
			 struct live_schedule *out)
{
	memset(out, 0, sizeof(*out));
	out->kept = true;
	out->worst_rep = -1;
	out->limit_ms = live_lateness_limit_ms(ring_period, F);
	for (int i = 0; i < n_reps; i++) {
		const struct live_lateness *l = &lat[i];
		out->invites += l->n;
		if (!l->n)
			continue;
		if (out->worst_rep < 0 || l->p99_ms > out->p99_ms) {
			out->worst_rep = i;
			out->p50_ms = l->median_ms;
			out->p99_ms = l->p99_ms;
			out->max_ms = l->max_ms;
		}
		if (l->p99_ms > out->limit_ms)
			out->kept = false;
	}
}

int live_schedule_reason(const struct live_schedule *sc, int n_reps, char *buf, size_t n)
{
	if (sc->kept) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	char rep[32] = "";
	if (n_reps > 1)
		snprintf(rep, sizeof(rep), " (replication %d)", sc->worst_rep);
	return snprintf(buf, n,
			"schedule not kept: INVITE lateness p99 %.1f ms over its limit %.3g ms%s",
			sc->p99_ms, sc->limit_ms, rep);
}

struct json_t *live_schedule_json(const struct live_schedule *sc)
{
	json_t *o =
	    json_pack("{s:b, s:I, s:f, s:f, s:f, s:f}", "kept", sc->kept, "invites",
		      (json_int_t)sc->invites, "lateness_p50_ms", sc->p50_ms, "lateness_p99_ms",
		      sc->p99_ms, "lateness_max_ms", sc->max_ms, "limit_ms", sc->limit_ms);
	if (o)
		json_object_set_new(o, "replication",
				    sc->worst_rep >= 0 ? json_integer(sc->worst_rep) : json_null());
	return o;
}
