/* jarena: see jarena.h. */
#include "jarena.h"

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#define FIRST_BLOCK ((size_t)64 * 1024)
#define ALIGN 16

struct jarena_block {
	struct jarena_block *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

static _Thread_local struct jarena *cur;

static void *arena_malloc(size_t n)
{
	struct jarena *a = cur;
	if (!a)
		return malloc(n);
	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct jarena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = b ? b->size * 2 : FIRST_BLOCK;
		while (size < n)
			size *= 2;
		struct jarena_block *nb = malloc(sizeof(*nb) + size);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->size = size;
		nb->used = 0;
		a->head = b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

static void arena_free(void *p)
{
	if (!p)
		return;
	for (struct jarena *a = cur; a; a = a->outer)
		for (struct jarena_block *b = a->head; b; b = b->next)
			if ((unsigned char *)p >= b->data && (unsigned char *)p < b->data + b->size)
				return; /* given back with its block */
	free(p);
}

/* Before main, while there is one thread and jansson has made nothing. */
__attribute__((constructor)) static void install(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void jarena_begin(struct jarena *a)
{
	a->head = NULL;
	a->outer = cur;
	cur = a;
}

void jarena_end(struct jarena *a)
{
	cur = a->outer;
	while (a->head) {
		struct jarena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
}
