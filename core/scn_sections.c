/*
 * scn_sections: the scenario's list sections: tenants, callers (and their
 * types), load (phases and bursts) and targets. Called by scn_load.c after
 * the center is known (floors); see scenarios/README.md for the keys.
 */
#include "scn_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- tenants */

static const char *const tenant_keys[] = {"id",
					  "number",
					  "name",
					  "share",
					  "forwarding",
					  "floor",
					  "mobile_disclosure",
					  "mobile_number",
					  "report_to",
					  NULL};

static int parse_forwarding(struct scn_ctx *c, yaml_node_t *v, struct scn_tenant *t)
{
	static const char *const keys[] = {"no_answer_s", NULL};
	yaml_node_t *na;

	if (scn_is_scalar(v, "unconditional")) {
		t->forwarding = FWD_UNCONDITIONAL;
		return 0;
	}
	if (!v || v->type != YAML_MAPPING_NODE)
		return scn_err(c, v,
			       "expected 'unconditional' or {no_answer_s: seconds} for forwarding");
	if (scn_map_check(c, v, "forwarding", keys) ||
	    scn_map_need(c, v, "no_answer_s", "seconds the client's phone rings first", &na))
		return EINVAL;
	double x;
	/* 0 s of the client's phone is another forwarding, not a delay: say which */
	if (scn_num(c, na, &x) == 0 && x == 0)
		return scn_err(c, na,
			       "no_answer_s must be > 0 seconds, got 0; for calls that reach the "
			       "center at once, use `forwarding: unconditional`");
	if (scn_secs(c, na, "no_answer_s", false, &t->no_answer))
		return EINVAL;
	t->forwarding = FWD_NO_ANSWER;
	return 0;
}

static int parse_mobile(struct scn_ctx *c, yaml_node_t *v, struct scn_tenant *t)
{
	static const char *const keys[] = {"listed", NULL};
	yaml_node_t *l;
	int rc;

	if (scn_is_scalar(v, "none")) {
		t->mobile = MOBILE_NONE;
		return 0;
	}
	if (scn_is_scalar(v, "any")) {
		t->mobile = MOBILE_ANY;
		return 0;
	}
	if (!v || v->type != YAML_MAPPING_NODE)
		return scn_err(c, v,
			       "expected none, any or {listed: [numbers]} for mobile_disclosure");
	if (scn_map_check(c, v, "mobile_disclosure", keys) ||
	    scn_map_need(c, v, "listed", "the callers' numbers", &l) ||
	    scn_seq_check(c, l, "listed", false))
		return EINVAL;
	t->mobile = MOBILE_LISTED;
	t->n_listed = scn_seq_len(l);
	t->listed = calloc(t->n_listed ? t->n_listed : 1, sizeof(char *));
	if (!t->listed)
		return ENOMEM;
	for (size_t i = 0; i < t->n_listed; i++)
		if ((rc = scn_str(c, scn_seq_item(c, l, i), &t->listed[i])))
			return rc;
	return 0;
}

static int parse_tenant(struct scn_ctx *c, yaml_node_t *n, size_t idx, size_t count,
			struct scenario *s, double *share)
{
	struct scn_tenant *t = &s->tenants[idx];
	yaml_node_t *v;
	long fl;
	int rc;

	t->forwarding = FWD_UNCONDITIONAL;
	t->floor = (int)(idx % (size_t)s->center.n_floors);
	if (scn_map_check(c, n, "a tenant", tenant_keys))
		return EINVAL;
	if (scn_map_need(c, n, "id", "the tenant's short name", &v) || (rc = scn_str(c, v, &t->id)))
		return EINVAL;
	if (scn_check_tenant_id(c, v, s->tenants, idx))
		return EINVAL;
	if (scn_map_need(c, n, "number", "the tenant's phone number", &v) ||
	    scn_str(c, v, &t->number))
		return EINVAL;
	for (size_t j = 0; j < idx; j++)
		if (!strcmp(s->tenants[j].number, t->number))
			return scn_err(c, v, "duplicate tenant number '%s' (also tenant '%s')",
				       t->number, s->tenants[j].id);
	if ((v = scn_map_get(c, n, "name")) && scn_str(c, v, &t->name))
		return EINVAL;
	*share = 1.0;
	if ((v = scn_map_get(c, n, "share"))) {
		if (scn_num_range(c, v, "share", 0, 1, share))
			return EINVAL;
	} else if (count > 1) {
		return scn_err(c, n, "missing key 'share' (the tenant's fraction of the calls)");
	}
	if ((v = scn_map_get(c, n, "forwarding")) && parse_forwarding(c, v, t))
		return EINVAL;
	if ((v = scn_map_get(c, n, "floor"))) {
		if (scn_int(c, v, "floor", 0, 1000, &fl))
			return EINVAL;
		/* Pooled: floor is ignored, so a split scenario runs pooled by
		 * changing its layout alone. */
		if (s->center.n_floors > 1 && fl >= s->center.n_floors)
			return scn_err(c, v, "floor %ld, but center.layout has floors 0..%d only",
				       fl, s->center.n_floors - 1);
		if (s->center.n_floors > 1)
			t->floor = (int)fl;
	}
	if ((v = scn_map_get(c, n, "mobile_disclosure")) && parse_mobile(c, v, t))
		return EINVAL;
	if ((v = scn_map_get(c, n, "mobile_number")) && scn_str(c, v, &t->mobile_number))
		return EINVAL;
	if ((v = scn_map_get(c, n, "report_to")) && scn_str(c, v, &t->report_to))
		return EINVAL;
	return 0;
}

int scn_parse_tenants(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	double *shares;
	size_t count;
	int rc = 0;

	if (scn_seq_check(c, n, "tenants", true))
		return EINVAL;
	count = scn_seq_len(n);
	s->tenants = calloc(count, sizeof(*s->tenants));
	shares = calloc(count, sizeof(double));
	if (!s->tenants || !shares) {
		free(shares);
		return ENOMEM;
	}
	s->n_tenants = count;
	for (size_t i = 0; i < count && !rc; i++)
		rc = parse_tenant(c, scn_seq_item(c, n, i), i, count, s, &shares[i]);
	for (size_t i = 0; i < count && !rc; i++)
		s->tenants[i].share = shares[i];
	if (!rc)
		rc = scn_cum_shares(c, n, "tenant", shares, count, &s->tenant_cum);
	free(shares);
	return rc;
}

/* ---------------------------------------------------------------- callers */

static int parse_type(struct scn_ctx *c, yaml_node_t *k, yaml_node_t *n, size_t count,
		      struct scn_ctype *t)
{
	static const char *const keys[] = {"share",	      "talk_s",		  "screen_prob",
					   "screened_talk_s", "refuses_callback", NULL};
	yaml_node_t *v;

	if (scn_str(c, k, &t->name))
		return EINVAL;
	if (strlen(t->name) > 23)
		return scn_err(c, k, "a caller type name is at most 23 bytes");
	t->refuses_callback = !strcmp(t->name, "no_callback");
	if (scn_map_check(c, n, "a caller type", keys))
		return EINVAL;
	t->share = 1.0;
	if ((v = scn_map_get(c, n, "share"))) {
		if (scn_num_range(c, v, "share", 0, 1, &t->share))
			return EINVAL;
	} else if (count > 1) {
		return scn_err(c, n, "missing key 'share' (the type's fraction of the calls)");
	}
	if (scn_map_need(c, n, "talk_s", "the talk time distribution", &v) ||
	    scn_dist(c, v, false, &t->talk))
		return EINVAL;
	if ((v = scn_map_get(c, n, "screen_prob")) &&
	    scn_num_range(c, v, "screen_prob", 0, 1, &t->screen_prob))
		return EINVAL;
	if ((v = scn_map_get(c, n, "screened_talk_s"))) {
		if (scn_dist(c, v, false, &t->screened_talk))
			return EINVAL;
	} else if (t->screen_prob > 0) {
		return scn_err(c, n, "missing key 'screened_talk_s' (needed when screen_prob > 0)");
	}
	if ((v = scn_map_get(c, n, "refuses_callback")) && scn_bool(c, v, &t->refuses_callback))
		return EINVAL;
	return 0;
}

static int parse_types(struct scn_ctx *c, yaml_node_t *n, struct scn_callers *cl)
{
	yaml_node_pair_t *p;
	double *shares;
	size_t count;
	int rc = 0;

	if (!n || n->type != YAML_MAPPING_NODE)
		return scn_err(c, n, "expected a mapping of caller types {name: {share, talk_s}}");
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (count == 0)
		return scn_err(c, n, "expected at least one caller type");
	cl->types = calloc(count, sizeof(*cl->types));
	shares = calloc(count, sizeof(double));
	if (!cl->types || !shares) {
		free(shares);
		return ENOMEM;
	}
	cl->n_types = count;
	p = n->data.mapping.pairs.start;
	for (size_t i = 0; i < count && !rc; i++, p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);

		for (size_t j = 0; j < i; j++)
			if (scn_is_scalar(k, cl->types[j].name))
				rc = scn_err(c, k, "duplicate caller type '%s'", cl->types[j].name);
		if (!rc)
			rc = parse_type(c, k, yaml_document_get_node(c->doc, p->value), count,
					&cl->types[i]);
		shares[i] = cl->types[i].share;
	}
	if (!rc)
		rc = scn_cum_shares(c, n, "caller type", shares, count, &cl->type_cum);
	free(shares);
	return rc;
}

/* callers.talk_s without types: one type "inquiry" with share 1. */
static int single_type(struct scn_ctx *c, yaml_node_t *talk, struct scn_callers *cl)
{
	static const double one = 1.0;

	cl->types = calloc(1, sizeof(*cl->types));
	if (!cl->types)
		return ENOMEM;
	cl->n_types = 1;
	cl->types[0].share = 1.0;
	cl->types[0].name = strdup("inquiry");
	if (!cl->types[0].name)
		return ENOMEM;
	if (scn_dist(c, talk, false, &cl->types[0].talk))
		return EINVAL;
	return scn_cum_shares(c, talk, "caller type", &one, 1, &cl->type_cum);
}

static int parse_redial(struct scn_ctx *c, yaml_node_t *n, struct scn_callers *cl)
{
	static const char *const keys[] = {"prob", "after_s", NULL};
	yaml_node_t *v;

	if (scn_map_check(c, n, "redial", keys) ||
	    scn_map_need(c, n, "prob", "the probability that an abandoned caller calls again",
			 &v) ||
	    scn_num_range(c, v, "prob", 0, 1, &cl->redial_prob) ||
	    scn_map_need(c, n, "after_s", "the delay before calling again", &v) ||
	    scn_dist(c, v, false, &cl->redial_after))
		return EINVAL;
	cl->redial = cl->redial_prob > 0;
	return 0;
}

int scn_parse_callers(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	static const char *const keys[] = {"patience_s", "redial", "types", "talk_s", NULL};
	struct scn_callers *cl = &s->callers;
	yaml_node_t *v, *types, *talk;

	if (scn_map_check(c, n, "callers", keys))
		return EINVAL;
	cl->patience.kind = RV_NEVER;
	if ((v = scn_map_get(c, n, "patience_s")) && scn_dist(c, v, true, &cl->patience))
		return EINVAL;
	if ((v = scn_map_get(c, n, "redial")) && parse_redial(c, v, cl))
		return EINVAL;
	types = scn_map_get(c, n, "types");
	talk = scn_map_get(c, n, "talk_s");
	if (types && talk)
		return scn_err(c, talk,
			       "give either 'talk_s' (one caller type) or 'types', not both");
	if (talk)
		return single_type(c, talk, cl);
	if (!types)
		return scn_err(c, n, "missing key 'types' (or 'talk_s' for a single caller type)");
	return parse_types(c, types, cl);
}

/* ------------------------------------------------------------------- load */

static const char *const phase_keys[] = {
    "phase",	 "duration_s", "rate_per_min", "rate_per_s", "rate_per_hour",
    "operators", "backup",     "floors",       "bursts",     NULL};

static int parse_bursts(struct scn_ctx *c, yaml_node_t *n, struct scn_phase *ph)
{
	static const char *const keys[] = {"at_s", "calls", "within_s", NULL};

	if (scn_seq_check(c, n, "bursts", false))
		return EINVAL;
	ph->n_bursts = scn_seq_len(n);
	ph->bursts = calloc(ph->n_bursts ? ph->n_bursts : 1, sizeof(*ph->bursts));
	if (!ph->bursts)
		return ENOMEM;
	for (size_t i = 0; i < ph->n_bursts; i++) {
		struct scn_burst *b = &ph->bursts[i];
		yaml_node_t *bn = scn_seq_item(c, n, i), *v;
		long calls;

		if (scn_map_check(c, bn, "a burst", keys) ||
		    scn_map_need(c, bn, "at_s", "seconds from the phase's start", &v) ||
		    scn_secs(c, v, "at_s", true, &b->at) ||
		    scn_map_need(c, bn, "calls", "how many calls", &v) ||
		    scn_int(c, v, "calls", 1, 100000000, &calls))
			return EINVAL;
		b->calls = (int)calls;
		if ((v = scn_map_get(c, bn, "within_s")) &&
		    scn_secs(c, v, "within_s", true, &b->within))
			return EINVAL;
		if (b->at + b->within > ph->duration || b->at >= ph->duration)
			return scn_err(c, bn,
				       "burst at %g s within %g s ends outside its phase '%s' "
				       "(duration %g s): expected at_s + within_s <= duration_s "
				       "and at_s < duration_s",
				       rb_us_to_s(b->at), rb_us_to_s(b->within), ph->name,
				       rb_us_to_s(ph->duration));
	}
	return 0;
}

static int parse_rate(struct scn_ctx *c, yaml_node_t *n, struct scn_phase *ph)
{
	static const char *const rk[] = {"rate_per_s", "rate_per_min", "rate_per_hour"};
	static const double per[] = {1, 60, 3600};
	yaml_node_t *v, *found = NULL;
	double x;

	for (int i = 0; i < 3; i++) {
		if (!(v = scn_map_get(c, n, rk[i])))
			continue;
		if (found) /* report the later one in the file */
			return scn_err(c, v->start_mark.index > found->start_mark.index ? v : found,
				       "give one rate only (rate_per_s, rate_per_min or "
				       "rate_per_hour)");
		found = v;
		if (scn_num(c, v, &x))
			return EINVAL;
		if (x < 0)
			return scn_err(c, v, "%s must be >= 0, got %g; a phase without calls has %s: 0",
				       rk[i], x, rk[i]);
		if (x > SCN_MAX_RATE_PER_S * per[i])
			return scn_err(c, v, "%s must be at most %g (%g calls a second), got %g", rk[i],
				       SCN_MAX_RATE_PER_S * per[i], SCN_MAX_RATE_PER_S, x);
		ph->rate_per_s = x / per[i];
	}
	if (!found)
		return scn_err(c, n,
			       "missing key 'rate_per_min' (or rate_per_s, rate_per_hour; "
			       "0 for bursts only)");
	return 0;
}

/* Operators per floor for a phase that gives a total: split like the center
 * (largest remainder; evenly when the center has none). */
static void split_like_center(const struct scn_center *ce, int total, int *out)
{
	int given = 0, ctot = ce->operators;
	double rem[64] = {0};

	for (int f = 0; f < ce->n_floors; f++) {
		double q = ctot > 0 ? (double)total * ce->floor_ops[f] / ctot
				    : (double)total / ce->n_floors;

		out[f] = (int)floor(q);
		if (f < 64)
			rem[f] = q - out[f];
		given += out[f];
	}
	while (given < total) {
		int best = 0;

		for (int f = 1; f < ce->n_floors && f < 64; f++)
			if (rem[f] > rem[best])
				best = f;
		out[best]++;
		rem[best] = -1;
		given++;
	}
}

static int phase_staff(struct scn_ctx *c, yaml_node_t *n, const struct scn_center *ce,
		       struct scn_phase *ph)
{
	yaml_node_t *v, *fv, *ov;
	long x;
	int sum = 0;

	ph->operators = -1;
	ph->backup = -1;
	if ((ov = v = scn_map_get(c, n, "operators"))) {
		if (scn_int(c, v, "operators", 0, 1000000, &x))
			return EINVAL;
		ph->operators = (int)x;
	}
	if ((v = scn_map_get(c, n, "backup"))) {
		if (scn_int(c, v, "backup", 0, 1000000, &x))
			return EINVAL;
		ph->backup = (int)x;
	}
	fv = scn_map_get(c, n, "floors");
	if (!fv) {
		if (ph->operators < 0 || ce->n_floors == 1)
			return 0;
		ph->floor_ops = calloc((size_t)ce->n_floors, sizeof(int));
		if (!ph->floor_ops)
			return ENOMEM;
		split_like_center(ce, ph->operators, ph->floor_ops);
		return 0;
	}
	if (scn_seq_check(c, fv, "floors", true))
		return EINVAL;
	if (ce->n_floors == 1)
		return scn_err(c, fv, "floors given for a phase, but center.layout is pooled");
	if (scn_seq_len(fv) != (size_t)ce->n_floors)
		return scn_err(c, fv, "expected %d floors (as center.layout), got %zu",
			       ce->n_floors, scn_seq_len(fv));
	ph->floor_ops = calloc((size_t)ce->n_floors, sizeof(int));
	if (!ph->floor_ops)
		return ENOMEM;
	for (int f = 0; f < ce->n_floors; f++) {
		if (scn_int(c, scn_seq_item(c, fv, (size_t)f), "operators on a floor", 0, 1000000,
			    &x))
			return EINVAL;
		ph->floor_ops[f] = (int)x;
		sum += (int)x;
	}
	if (ph->operators >= 0 && ph->operators != sum)
		return scn_err(c, ov, "operators is %d but the phase's floors add up to %d",
			       ph->operators, sum);
	ph->operators = sum;
	return 0;
}

/* A trace's phase gives its length and staffing only: its calls are the trace's. */
static int trace_phase_keys(struct scn_ctx *c, yaml_node_t *pn)
{
	static const char *const no[] = {"rate_per_s", "rate_per_min", "rate_per_hour", "bursts"};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		yaml_node_t *v = scn_map_get(c, pn, no[i]);
		if (v)
			return scn_err(c, v,
				       "%s in a trace's phase: its calls come from the trace; a "
				       "phase gives phase, duration_s and staffing (operators, "
				       "backup, floors)",
				       no[i]);
	}
	return 0;
}

int scn_parse_load(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	rb_us t = 0;
	int rc;

	if (n && n->type == YAML_MAPPING_NODE)
		return scn_map_get(c, n, "trace") ? scn_parse_trace(c, n, s) : scn_parse_profile(c, n, s);
	if (scn_seq_check(c, n, "load (the phases)", true))
		return EINVAL;
	s->n_phases = scn_seq_len(n);
	s->phases = calloc(s->n_phases, sizeof(*s->phases));
	if (!s->phases)
		return ENOMEM;
	for (size_t i = 0; i < s->n_phases; i++) {
		struct scn_phase *ph = &s->phases[i];
		yaml_node_t *pn = scn_seq_item(c, n, i), *v;

		if (scn_map_check(c, pn, "a phase", phase_keys) ||
		    scn_map_need(c, pn, "phase", "the phase's name", &v) ||
		    (rc = scn_str(c, v, &ph->name)))
			return EINVAL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->phases[j].name, ph->name))
				return scn_err(c, v, "duplicate phase name '%s'", ph->name);
		if (c->trace_phases && (rc = trace_phase_keys(c, pn)))
			return rc;
		if (scn_map_need(c, pn, "duration_s", "the phase's length in seconds", &v) ||
		    scn_secs(c, v, "duration_s", false, &ph->duration) ||
		    (!c->trace_phases && parse_rate(c, pn, ph)) ||
		    (rc = phase_staff(c, pn, &s->center, ph)))
			return EINVAL;
		if (ph->duration > RV_MAX_US - t)
			return scn_err(c, v,
				       "the phases add up to more than " SCN_MAX_S_TEXT
				       " at phase '%s': expected the load's duration_s to add up "
				       "to at most 1e9 s",
				       ph->name);
		ph->start = t;
		t += ph->duration;
		if ((v = scn_map_get(c, pn, "bursts")) && (rc = parse_bursts(c, v, ph)))
			return rc;
	}
	s->end = t;
	return 0;
}

/* ---------------------------------------------------------------- targets */

static const char *const target_keys[] = {
    "phase", "rings", "min", "measure", "count", "abandon_max", "abandon_before_forward_max", NULL};

static int parse_target_rings(struct scn_ctx *c, yaml_node_t *n, struct scn_target *t)
{
	static const char *const measures[] = {"sla", "answered_within", "sl", "sl2", NULL};
	yaml_node_t *v;
	long k;

	t->kind = TARGET_RINGS;
	if (scn_map_need(c, n, "rings", "answered within this many rings, 1..10", &v) ||
	    scn_int(c, v, "rings", 1, 10, &k) ||
	    scn_map_need(c, n, "min", "the least fraction, 0..1", &v) ||
	    scn_num_range(c, v, "min", 0, 1, &t->min))
		return EINVAL;
	t->rings = (int)k;
	if ((v = scn_map_get(c, n, "measure"))) {
		int i;

		for (i = 0; measures[i] && !scn_is_scalar(v, measures[i]); i++)
			;
		if (!measures[i])
			return scn_err(c, v, "expected a measure: sla, answered_within, sl or sl2");
		t->measure = (enum scn_measure)i;
	}
	if ((v = scn_map_get(c, n, "count"))) {
		if (scn_is_scalar(v, "center"))
			t->count = COUNT_CENTER;
		else if (scn_is_scalar(v, "heard"))
			t->count = COUNT_HEARD;
		else
			return scn_err(c, v, "expected a count: center or heard");
	}
	return 0;
}

static int parse_target(struct scn_ctx *c, yaml_node_t *n, struct scenario *s, struct scn_target *t)
{
	yaml_node_t *v, *am, *abf;

	t->phase_idx = -1;
	if (scn_map_check(c, n, "a target", target_keys))
		return EINVAL;
	if ((v = scn_map_get(c, n, "phase"))) {
		if (scn_str(c, v, &t->phase))
			return EINVAL;
		t->phase_idx = scn_phase_index(s, t->phase);
		if (t->phase_idx < 0)
			return scn_err(c, v, "unknown phase '%s' (not in load)", t->phase);
	}
	am = scn_map_get(c, n, "abandon_max");
	abf = scn_map_get(c, n, "abandon_before_forward_max");
	v = scn_map_get(c, n, "rings") ? scn_map_get(c, n, "rings") : scn_map_get(c, n, "min");
	if ((am && abf) ||
	    ((am || abf) && (v || scn_map_get(c, n, "measure") || scn_map_get(c, n, "count"))))
		return scn_err(c, n,
			       "a target is one of {rings, min, measure, count}, "
			       "{abandon_max} or {abandon_before_forward_max}");
	if (am) {
		t->kind = TARGET_ABANDON_MAX;
		return scn_num_range(c, am, "abandon_max", 0, 1, &t->max);
	}
	if (abf) {
		t->kind = TARGET_ABANDON_BEFORE_FORWARD_MAX;
		return scn_num_range(c, abf, "abandon_before_forward_max", 0, 1, &t->max);
	}
	return parse_target_rings(c, n, t);
}

int scn_parse_targets(struct scn_ctx *c, yaml_node_t *n, struct scenario *s)
{
	if (scn_seq_check(c, n, "targets", false))
		return EINVAL;
	s->n_targets = scn_seq_len(n);
	if (!s->n_targets)
		return 0;
	s->targets = calloc(s->n_targets, sizeof(*s->targets));
	if (!s->targets)
		return ENOMEM;
	for (size_t i = 0; i < s->n_targets; i++)
		if (parse_target(c, scn_seq_item(c, n, i), s, &s->targets[i]))
			return EINVAL;
	return 0;
}
