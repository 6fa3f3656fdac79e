/*
 * scn_target: the one parser of a service-level target written on a command
 * line or in a suite file, "[PHASE:]K:F[:MEASURE]" (docs/definitions.md), used
 * by model, live, sweep, analyze, erlang and suite alike; see scn.h.
 */
#include "errbuf.h"
#include "scn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const target_measures[] = {"sla", "answered_within", "sl", "sl2"};
#define TARGET_FORM                                                                                \
	"expected [PHASE:]K:F[:MEASURE]: rings K from 1 to 10, a fraction F from 0 to 1, MEASURE " \
	"sla (the default), answered_within, sl or sl2 (e.g. 5:0.9 or peak:5:0.9:sl)"

/* A whole number 1..10, digits only. */
static bool target_rings(const char *p, size_t len, int *k)
{
	if (len == 0 || len > 2)
		return false;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*k = v;
	return v >= 1 && v <= 10;
}

/* A fraction 0..1 written as digits and at most one point ("0.9", ".95", "1"). */
static bool target_fraction(const char *p, size_t len, double *f)
{
	char buf[64];
	int dots = 0, digits = 0;
	if (len == 0 || len >= sizeof(buf))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '.')
			dots++;
		else if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else
			return false;
	}
	if (dots > 1 || !digits)
		return false;
	memcpy(buf, p, len);
	buf[len] = 0;
	*f = strtod(buf, NULL);
	return *f >= 0 && *f <= 1;
}

static void phase_list(const struct scenario *s, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < s->n_phases && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
					 s->phases[i].name);
}

/* The last ':' in [p, end), or NULL. */
static const char *last_colon(const char *p, const char *end)
{
	while (end > p)
		if (*--end == ':')
			return end;
	return NULL;
}

int scn_target_parse(const char *arg, const struct scenario *s, struct scn_target *t, char *err,
		     size_t errlen)
{
	if (!arg || !t) {
		errbuf_set(err, errlen, "--target: " TARGET_FORM);
		return EINVAL;
	}
	struct scn_target r = {
	    .kind = TARGET_RINGS, .phase_idx = -1, .measure = MEASURE_SLA, .count = COUNT_CENTER};
	/* from the right, so that a phase name may hold ':': [:MEASURE], :F, K, [PHASE:] */
	const char *end = arg + strlen(arg), *c = last_colon(arg, end);
	if (c && ((c[1] >= 'a' && c[1] <= 'z') || (c[1] >= 'A' && c[1] <= 'Z'))) {
		size_t m, len = (size_t)(end - c - 1);
		for (m = 0; m < 4; m++)
			if (strlen(target_measures[m]) == len &&
			    !strncmp(c + 1, target_measures[m], len))
				break;
		if (m == 4) {
			errbuf_set(err, errlen,
			       "--target '%s': '%s' is not a measure (sla, answered_within, sl "
			       "or sl2); a phase goes first, as in %s:5:0.9",
			       arg, c + 1, c + 1);
			return EINVAL;
		}
		r.measure = (enum scn_measure)m;
		end = c;
		c = last_colon(arg, end);
	}
	if (!c || !target_fraction(c + 1, (size_t)(end - c - 1), &r.min)) {
		errbuf_set(err, errlen, "--target '%s': " TARGET_FORM, arg);
		return EINVAL;
	}
	end = c;
	c = last_colon(arg, end);
	const char *kp = c ? c + 1 : arg;
	if (!target_rings(kp, (size_t)(end - kp), &r.rings) || (c && c == arg)) {
		errbuf_set(err, errlen, "--target '%s': " TARGET_FORM, arg);
		return EINVAL;
	}
	if (c) {
		size_t pl = (size_t)(c - arg);
		r.phase = strndup(arg, pl);
		if (!r.phase)
			return ENOMEM;
		r.phase_idx = s ? scn_phase_index(s, r.phase) : -1;
		if (s && r.phase_idx < 0) {
			char names[512];
			phase_list(s, names, sizeof(names));
			errbuf_set(err, errlen, "--target '%s': no phase '%s' in %s; its phases: %s",
			       arg, r.phase, s->name ? s->name : "the scenario", names);
			free(r.phase);
			return EINVAL;
		}
	}
	*t = r;
	return 0;
}

void scn_target_clear(struct scn_target *t)
{
	if (!t)
		return;
	free(t->phase);
	t->phase = NULL;
}

void scn_target_label(const struct scn_target *t, char *buf, size_t n)
{
	char pre[200] = "";
	if (t->phase)
		snprintf(pre, sizeof(pre), "%s:", t->phase);
	switch (t->kind) {
	case TARGET_RINGS:
		snprintf(buf, n, "%s%d:%g%s%s%s", pre, t->rings, t->min,
			 t->measure != MEASURE_SLA ? ":" : "",
			 t->measure != MEASURE_SLA ? target_measures[t->measure] : "",
			 t->count == COUNT_HEARD ? " (heard)" : "");
		break;
	case TARGET_ABANDON_MAX:
		snprintf(buf, n, "%sabandon<=%g", pre, t->max);
		break;
	default:
		snprintf(buf, n, "%sabandon_before_forward<=%g", pre, t->max);
		break;
	}
}

int scn_targets_replace(struct scenario *s, const char *const *args, size_t n, char *err,
			size_t errlen)
{
	struct scn_target *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int rc = scn_target_parse(args[i], s, &v[i], err, errlen);
		if (rc) {
			for (size_t k = 0; k < i; k++)
				scn_target_clear(&v[k]);
			free(v);
			return rc;
		}
	}
	for (size_t i = 0; i < s->n_targets; i++)
		scn_target_clear(&s->targets[i]);
	free(s->targets);
	s->targets = v;
	s->n_targets = n;
	return 0;
}
