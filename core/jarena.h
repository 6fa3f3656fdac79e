/*
 * jarena: jansson's allocations, on this thread and between jarena_begin and
 * jarena_end, taken from a few large blocks and given back at once.
 *
 * summary.json's tree is built, dumped and dropped in one go: ~30,000 small
 * values and members at a million calls, each a malloc and a free, and the
 * free chunks then merged again on the next large malloc (callgrind, 1 M
 * calls: 4.9 M in jansson's mallocs, 1.5 M in its frees, 1.4 M in
 * malloc_consolidate). Here an allocation is a bump in a block, a free
 * inside a block does nothing, and jarena_end frees the blocks.
 *
 * The allocation functions are jansson's for the whole process (set before
 * main); outside an arena, or on other threads, they are malloc and free.
 * Nothing allocated inside an arena may outlive it: the caller drops every
 * value it made there before jarena_end.
 */
#ifndef RB_JARENA_H
#define RB_JARENA_H

#include <stddef.h>

struct jarena_block;

struct jarena {
	struct jarena_block *head;
	struct jarena *outer; /* the arena this one was begun in, if any */
};

/* Starts an arena on this thread (nested: the inner one until its end). */
void jarena_begin(struct jarena *a);
/* Ends it and frees its blocks. */
void jarena_end(struct jarena *a);

#endif
