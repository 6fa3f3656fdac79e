/*
 * rbjson_int: the arena tree's node (rbjson_tree.c builds it,
 * rbjson_dump.c writes it); see rbjson.h.
 */
#ifndef RB_RBJSON_INT_H
#define RB_RBJSON_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum rbj_type {
	RBJ_NULL = 0, RBJ_TRUE, RBJ_FALSE, RBJ_INTEGER, RBJ_REAL, RBJ_STRING,
	RBJ_OBJECT, RBJ_ARRAY, RBJ_JSON /* a jansson value, as it is */
};

struct rbj {
	enum rbj_type type;
	uint32_t ord;       /* its place among its parent's members */
	const char *key;    /* in an object: its key (arena), klen bytes */
	size_t klen;
	struct rbj *next;   /* the parent's next member */
	union {
		json_int_t i;
		double d;
		struct {
			const char *s;
			size_t len;
		} s;
		struct {
			struct rbj *first, *last;
			uint32_t n;
		} k;
		struct {
			json_t *j;            /* a reference the arena releases */
			struct rbj *next_json;
		} j;
	} u;
};

#endif
