/*
 * scn_dup: a scenario copied in memory, and the staffing override the sweep
 * and the suite share (scn.h). A sweep loads and parses its scenario once and
 * changes a copy per grid point.
 */
#include "scn.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>

/*
 * Each helper replaces one pointer of the copy (still the original's after
 * the shallow copy) by its own copy, or by NULL when memory runs out, so
 * that every pointer is visited either way and scn_free of a partial copy
 * never frees the original's memory.
 */
static void *dmem(bool *oom, const void *p, size_t n)
{
	if (!p)
		return NULL;
	void *q = malloc(n ? n : 1);
	if (!q) {
		*oom = true;
		return NULL;
	}
	memcpy(q, p, n);
	return q;
}

static char *dstr(bool *oom, const char *s)
{
	return s ? dmem(oom, s, strlen(s) + 1) : NULL;
}

static void dstrv(bool *oom, char ***v, size_t n)
{
	char **src = *v;
	*v = dmem(oom, src, n * sizeof(*src));
	for (size_t i = 0; *v && i < n; i++)
		(*v)[i] = dstr(oom, src[i]);
}

static void ddist(bool *oom, struct rv_dist *d)
{
	d->values = dmem(oom, d->values, d->n * sizeof(*d->values));
}

static void dup_tenants(bool *oom, struct scenario *d)
{
	d->tenants = dmem(oom, d->tenants, d->n_tenants * sizeof(*d->tenants));
	for (size_t i = 0; d->tenants && i < d->n_tenants; i++) {
		struct scn_tenant *t = &d->tenants[i];
		t->id = dstr(oom, t->id);
		t->number = dstr(oom, t->number);
		t->name = dstr(oom, t->name);
		dstrv(oom, &t->listed, t->n_listed);
		t->mobile_number = dstr(oom, t->mobile_number);
		t->report_to = dstr(oom, t->report_to);
	}
	d->tenant_cum = dmem(oom, d->tenant_cum, d->n_tenants * sizeof(*d->tenant_cum));
}

static void dup_callers(bool *oom, struct scn_callers *c)
{
	ddist(oom, &c->patience);
	ddist(oom, &c->redial_after);
	c->types = dmem(oom, c->types, c->n_types * sizeof(*c->types));
	for (size_t i = 0; c->types && i < c->n_types; i++) {
		c->types[i].name = dstr(oom, c->types[i].name);
		ddist(oom, &c->types[i].talk);
		ddist(oom, &c->types[i].screened_talk);
	}
	c->type_cum = dmem(oom, c->type_cum, c->n_types * sizeof(*c->type_cum));
}

static void dup_phases(bool *oom, struct scenario *d)
{
	size_t nf = d->center.n_floors > 0 ? (size_t)d->center.n_floors : 1;
	d->phases = dmem(oom, d->phases, d->n_phases * sizeof(*d->phases));
	for (size_t i = 0; d->phases && i < d->n_phases; i++) {
		struct scn_phase *p = &d->phases[i];
		p->name = dstr(oom, p->name);
		p->floor_ops = dmem(oom, p->floor_ops, nf * sizeof(*p->floor_ops));
		p->bursts = dmem(oom, p->bursts, p->n_bursts * sizeof(*p->bursts));
	}
	d->targets = dmem(oom, d->targets, d->n_targets * sizeof(*d->targets));
	for (size_t i = 0; d->targets && i < d->n_targets; i++)
		d->targets[i].phase = dstr(oom, d->targets[i].phase);
}

static void dup_server(bool *oom, struct scn_server *s)
{
	s->delivery = dstr(oom, s->delivery);
	s->smtp_host = dstr(oom, s->smtp_host);
	s->smtp_from = dstr(oom, s->smtp_from);
	dstrv(oom, &s->refused_labels, s->n_refused_labels);
	s->admin = dstr(oom, s->admin);
	s->admin_email = dstr(oom, s->admin_email);
	s->timezone = dstr(oom, s->timezone);
}

static void dup_shifts(bool *oom, struct scn_plan_shift **v, size_t n)
{
	*v = dmem(oom, *v, n * sizeof(**v));
	for (size_t i = 0; *v && i < n; i++)
		(*v)[i].name = dstr(oom, (*v)[i].name);
}

static void dup_planning(bool *oom, struct scn_planning **pp)
{
	*pp = dmem(oom, *pp, sizeof(**pp));
	if (!*pp)
		return;
	dup_shifts(oom, &(*pp)->shifts, (*pp)->n_shifts);
	dup_shifts(oom, &(*pp)->backup_shifts, (*pp)->n_backup_shifts);
}

int scn_dup(const struct scenario *s, struct scenario **out)
{
	bool oom = false;
	struct scenario *d = malloc(sizeof(*d));
	if (!d)
		return ENOMEM;
	*d = *s;
	d->path = dstr(&oom, d->path);
	d->name = dstr(&oom, d->name);
	d->description = dstr(&oom, d->description);
	ddist(&oom, &d->center.pickup);
	ddist(&oom, &d->center.backup_pickup);
	ddist(&oom, &d->center.wrapup);
	d->center.floor_ops = dmem(&oom, d->center.floor_ops,
				   (size_t)(d->center.n_floors > 0 ? d->center.n_floors : 1) *
					   sizeof(*d->center.floor_ops));
	dup_tenants(&oom, d);
	dup_callers(&oom, &d->callers);
	dup_phases(&oom, d);
	dup_server(&oom, &d->server);
	dup_planning(&oom, &d->planning);
	if (d->trace && !(d->trace = trace_dup(d->trace)))
		oom = true;
	if (oom) {
		scn_free(d);
		return ENOMEM;
	}
	*out = d;
	return 0;
}

/* n operators over nf floors, as even as can be (the first floors get the rest). */
static void split_even(int n, int nf, int *out)
{
	for (int f = 0; f < nf; f++)
		out[f] = n / nf + (f < n % nf ? 1 : 0);
}

int scn_staff_flat(struct scenario *s, int operators, int backup)
{
	struct scn_center *ce = &s->center;
	if (operators >= 0) {
		int nf = ce->n_floors > 0 ? ce->n_floors : 1;
		int *fo = calloc((size_t)nf, sizeof(int));
		if (!fo)
			return ENOMEM;
		split_even(operators, nf, fo);
		free(ce->floor_ops);
		ce->floor_ops = fo;
		ce->operators = operators;
		for (size_t i = 0; i < s->n_phases; i++) {
			free(s->phases[i].floor_ops);
			s->phases[i].floor_ops = NULL;
			s->phases[i].operators = -1;
		}
	}
	if (backup >= 0) {
		ce->backup = backup;
		for (size_t i = 0; i < s->n_phases; i++)
			s->phases[i].backup = -1;
	}
	return 0;
}

void scn_staff_max(const struct scenario *s, int *ops, int *backup)
{
	*ops = s->center.operators;
	*backup = s->center.backup;
	for (size_t i = 0; i < s->n_phases; i++) {
		const struct scn_phase *p = &s->phases[i];
		int n = p->operators;
		if (p->floor_ops)
			for (int f = n = 0; f < s->center.n_floors; f++)
				n += p->floor_ops[f];
		if (n > *ops)
			*ops = n;
		if (p->backup > *backup)
			*backup = p->backup;
	}
}
