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
#include <string.h>

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
static inline uint64_t htab_hash(uint64_t h, const void *p, size_t len)
{
	/* Eight bytes per multiply (FNV-1a took one): Call-IDs are 20 to 60
	 * bytes and are hashed for every SIP message. The xor-shift after each
	 * multiply brings the high bits down to the low ones the buckets use.
	 * Inline: two to four per message, most of them short (a tag, a
	 * Call-ID of a few bytes), where the call cost as much as the hash. */
	const unsigned char *s = p;
	const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	if (len && s - (const unsigned char *)p >= 8) {
		/* the last 0..7 bytes as the 8 ending there, shifted: the same
		 * word as the byte copy below, without a libc call */
		memcpy(&w, s + len - 8, 8);
		w >>= 8 * (8 - len);
	} else if (len >= 4) { /* the same word from two 4-byte loads (overlapping) */
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		w = (uint64_t)a | (uint64_t)b << (8 * (len - 4));
	} else if (len) { /* 1 to 3 bytes: first, middle, last */
		w = (uint64_t)s[0] | (uint64_t)s[len / 2] << (8 * (len / 2)) |
		    (uint64_t)s[len - 1] << (8 * (len - 1));
	}
	w ^= (uint64_t)len << 56; /* "ab" and "ab\0" differ */
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

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
