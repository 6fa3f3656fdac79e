/* tenant_rules_int: deep copies shared by tenant_rules*.c. Private. */
#ifndef RB_TENANT_RULES_INT_H
#define RB_TENANT_RULES_INT_H

#include "tenant_rules.h"

/* Deep copy of one tenant into d. Returns 0 or ENOMEM (d then cleared). */
int trules_tenant_copy(struct trule_tenant *d, const struct trule_tenant *s);
/* Deep copy of a set. Returns 0 or ENOMEM. */
int trules_set_copy(const struct trule_set *s, struct trule_set **out);

#endif
