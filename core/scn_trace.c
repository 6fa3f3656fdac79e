/*
 * scn_trace: the load as recorded calls, `load: {trace: FILE, phases:
 * [...]}` (scenarios/README.md, "Trace replay"). The trace (core/trace.h)
 * is read here, against the tenants and caller types already loaded, so a
 * bad row stops the load like any bad key: "SCENARIO:LINE:COL: TRACE:LINE:
 * what was expected".
 *
 * Phases still cut the run into the groups every report and target uses,
 * and carry the shifts; in a trace scenario they give only their length and
 * staffing (no rates, no bursts). Without `phases`, one phase named `trace`
 * runs from time zero to the trace's last dial, rounded up to a minute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_int.h"

#define TRACE_PHASE_ROUND (60 * RB_US_PER_S)

static int one_phase(struct scenario *s)
{
	rb_us end = (s->trace->last_dial / TRACE_PHASE_ROUND + 1) * TRACE_PHASE_ROUND;
	s->phases = calloc(1, sizeof(*s->phases));
	if (!s->phases || !(s->phases[0].name = strdup("trace")))
		return ENOMEM;
	s->n_phases = 1;
	s->phases[0].duration = end;
	s->phases[0].operators = s->phases[0].backup = -1;
	s->end = end;
	return 0;
}

int scn_parse_trace(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	static const char *const keys[] = {"trace", "phases", NULL};
	char path[4096], msg[1024];
	yaml_node_t *v, *ph;
	int rc;

	if (scn_map_check(c, n, "load (a trace)", keys))
		return EINVAL;
	v = scn_map_get(c, n, "trace");
	const char *file = scn_scalar(v);
	if (!file || !*file)
		return scn_err(c, v,
			       "expected a file name for trace: a calls.csv (docs/results.md)");
	scn_rel_path(c, file, path, sizeof path);
	rc = trace_load(path, s, &s->trace, msg, sizeof msg);
	if (rc == ENOMEM)
		return ENOMEM;
	if (rc)
		return scn_err(c, v, "trace: %s", msg);
	if (!(ph = scn_map_get(c, n, "phases")))
		return one_phase(s);
	if (ph->type != YAML_SEQUENCE_NODE)
		return scn_err(c, ph,
			       "expected a list of phases ({phase, duration_s, operators, ...})");
	c->trace_phases = true;
	rc = scn_parse_load(c, ph, s);
	c->trace_phases = false;
	if (rc)
		return rc;
	const struct trace_call *last = &s->trace->calls[s->trace->n - 1];
	if (last->t_dial >= s->end)
		return scn_err(
		    c, ph,
		    "%s:%zu: dialled at %.6f s, at or after the end of the phases (%g s): "
		    "expected the phases to cover every call of the trace",
		    path, last->line, rb_us_to_s(last->t_dial), rb_us_to_s(s->end));
	return 0;
}
