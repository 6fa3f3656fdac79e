/* htab: chained hash table and lists; see htab.h. */
#include "htab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int htab_init(struct htab *t, size_t nb)
{
	size_t n = 16;
	while (n < nb)
		n <<= 1;
	t->b = calloc(n, sizeof(*t->b));
	if (!t->b)
		return ENOMEM;
	t->nb = n;
	t->n = 0;
	return 0;
}

void htab_fini(struct htab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

static void grow(struct htab *t)
{
	size_t nb = t->nb * 2;
	struct hnode **b = calloc(nb, sizeof(*b));
	if (!b)
		return; /* keep the dense table: slower, still correct */
	for (size_t i = 0; i < t->nb; i++) {
		struct hnode *n = t->b[i];
		while (n) {
			struct hnode *next = n->next;
			size_t j = n->hash & (nb - 1);
			n->next = b[j];
			b[j] = n;
			n = next;
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

void htab_insert(struct htab *t, struct hnode *n, uint64_t hash)
{
	if (t->n >= t->nb)
		grow(t);
	n->hash = hash;
	size_t i = hash & (t->nb - 1);
	n->next = t->b[i];
	t->b[i] = n;
	t->n++;
}

void htab_remove(struct htab *t, struct hnode *n)
{
	struct hnode **pp = &t->b[n->hash & (t->nb - 1)];
	while (*pp && *pp != n)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = n->next;
		t->n--;
	}
	n->next = NULL;
}

struct hnode *htab_first(const struct htab *t, uint64_t hash)
{
	struct hnode *n = t->b[hash & (t->nb - 1)];
	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct hnode *htab_next(struct hnode *n, uint64_t hash)
{
	n = n->next;
	while (n && n->hash != hash)
		n = n->next;
	return n;
}
