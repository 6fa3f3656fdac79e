/*
 * scn: the scenario's lookups and scn_free (see
 * scn.h); loading is in scn_load.c.
 */
#include "scn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void free_strv(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_center(struct scn_center *c)
{
	rv_dist_free(&c->pickup);
	rv_dist_free(&c->backup_pickup);
	rv_dist_free(&c->wrapup);
	free(c->floor_ops);
}

static void free_callers(struct scn_callers *c)
{
	rv_dist_free(&c->patience);
	rv_dist_free(&c->redial_after);
	for (size_t i = 0; c->types && i < c->n_types; i++) {
		free(c->types[i].name);
		rv_dist_free(&c->types[i].talk);
		rv_dist_free(&c->types[i].screened_talk);
	}
	free(c->types);
	free(c->type_cum);
}

static void free_server(struct scn_server *s)
{
	free(s->delivery);
	free(s->smtp_host);
	free(s->smtp_from);
	free_strv(s->refused_labels, s->n_refused_labels);
	free(s->admin);
	free(s->admin_email);
	free(s->timezone);
}

void scn_free(struct scenario *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->name);
	free(s->description);
	free_center(&s->center);
	for (size_t i = 0; s->tenants && i < s->n_tenants; i++) {
		struct scn_tenant *t = &s->tenants[i];

		free(t->id);
		free(t->number);
		free(t->name);
		free_strv(t->listed, t->n_listed);
		free(t->mobile_number);
		free(t->report_to);
	}
	free(s->tenants);
	free(s->tenant_cum);
	free_callers(&s->callers);
	trace_free(s->trace);
	for (size_t i = 0; s->phases && i < s->n_phases; i++) {
		free(s->phases[i].name);
		free(s->phases[i].floor_ops);
		free(s->phases[i].bursts);
	}
	free(s->phases);
	for (size_t i = 0; s->targets && i < s->n_targets; i++)
		free(s->targets[i].phase);
	free(s->targets);
	free_server(&s->server);
	scn_planning_free(s->planning);
	free(s);
}

int scn_phase_index(const struct scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->n_phases; i++)
		if (!strcmp(s->phases[i].name, name))
			return (int)i;
	return -1;
}

int scn_phase_at(const struct scenario *s, rb_us t)
{
	size_t lo = 0, hi = s->n_phases;

	if (t < 0 || t >= s->end)
		return -1;
	while (hi - lo > 1) { /* the last phase with start <= t */
		size_t mid = lo + (hi - lo) / 2;

		if (s->phases[mid].start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

int scn_tenant_by_number(const struct scenario *s, const char *number)
{
	for (size_t i = 0; number && i < s->n_tenants; i++)
		if (!strcmp(s->tenants[i].number, number))
			return (int)i;
	return -1;
}

int scn_tenant_by_id(const struct scenario *s, const char *id)
{
	for (size_t i = 0; id && i < s->n_tenants; i++)
		if (!strcmp(s->tenants[i].id, id))
			return (int)i;
	return -1;
}
