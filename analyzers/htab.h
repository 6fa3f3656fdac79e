/*
 * htab: the small intrusive containers the analyzer's tables share: a chained
 * hash table that grows by doubling, and a doubly linked list used as an LRU
 * or expiry queue (oldest at the head).
 *
 *   struct thing { struct hnode h; struct lnode l; ... };
 *   htab_init(&t, 1024);
 *   htab_insert(&t, &thing->h, hash);
 *   for (struct hnode *n = htab_first(&t, hash); n; n = htab_next(n, hash))
 *       ... container_of(n, struct thing, h) ...
 *
 * The caller owns the nodes; the table owns only its bucket array.
 */
#ifndef RB_HTAB_H
#define RB_HTAB_H

#include <stddef.h>
#include <stdint.h>

#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

struct hnode {
	struct hnode *next;
	uint64_t hash;
};

struct htab {
	struct hnode **b;
	size_t nb; /* power of two */
	size_t n;
};

/* Returns 0 or ENOMEM. nb is rounded up to a power of two. */
int htab_init(struct htab *t, size_t nb);
void htab_fini(struct htab *t);
/* Inserts n (grows the table when it gets dense; a failed growth is harmless). */
void htab_insert(struct htab *t, struct hnode *n, uint64_t hash);
void htab_remove(struct htab *t, struct hnode *n);
/* The first / next node with this hash (the caller compares keys). */
struct hnode *htab_first(const struct htab *t, uint64_t hash);
struct hnode *htab_next(struct hnode *n, uint64_t hash);

/* A hash of bytes, continuing from h (start with HTAB_SEED): eight bytes
 * per multiply, not cryptographic (chains compare whole keys). */
#define HTAB_SEED UINT64_C(0xcbf29ce484222325)
uint64_t htab_hash(uint64_t h, const void *p, size_t len);

struct lnode {
	struct lnode *prev, *next;
};

/* A list head: an lnode pointing at itself when empty. */
static inline void list_init(struct lnode *h)
{
	h->prev = h->next = h;
}
static inline int list_empty(const struct lnode *h)
{
	return h->next == h;
}
static inline void list_unlink(struct lnode *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}
/* Appends n at the tail (newest end). n must be unlinked (or self-linked). */
static inline void list_append(struct lnode *h, struct lnode *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}
/* Moves n to the tail. */
static inline void list_touch(struct lnode *h, struct lnode *n)
{
	list_unlink(n);
	list_append(h, n);
}

#endif
