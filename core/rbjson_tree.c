/*
 * rbj: a write-once JSON tree in an arena (see rbjson.h), for a file built
 * once and written once (summary.json): a node is a bump of the arena,
 * where jansson's tree took a malloc, a hash table entry and a free per
 * value (about 49 M instructions to build and free summary.json's tree at
 * 1 M calls of bench/model's case, where the file's text takes 4 M).
 *
 * It keeps jansson's meaning where summary.json's writer relied on it: a
 * value that jansson would not make (a real that is not finite, a NULL or
 * non-UTF-8 string) is no value, and setting no value sets nothing; a key
 * set twice holds its last value; a key that is not UTF-8 is not set.
 * Objects keep their members in insertion order and are sorted when
 * written (rbj_dumps) or handed over as jansson (rbj_to_json).
 */
#include "rbjson.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbjson_int.h"

#define RBJ_CHUNK (64 * 1024)

struct rbj_chunk {
	struct rbj_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct rbj_arena {
	struct rbj_chunk *chunk;
	struct rbj *jsons; /* nodes holding a jansson reference, to release */
	bool oom;
};

struct rbj_arena *rbj_arena_new(void)
{
	return calloc(1, sizeof(struct rbj_arena));
}

void rbj_arena_free(struct rbj_arena *a)
{
	if (!a)
		return;
	for (struct rbj *n = a->jsons; n; n = n->u.j.next_json)
		json_decref(n->u.j.j);
	for (struct rbj_chunk *c = a->chunk, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

bool rbj_arena_failed(const struct rbj_arena *a)
{
	return a->oom;
}

static void *arena_alloc(struct rbj_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct rbj_chunk *c = a->chunk;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > RBJ_CHUNK ? n : RBJ_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c) {
			a->oom = true;
			return NULL;
		}
		c->next = a->chunk;
		c->used = 0;
		c->cap = cap;
		a->chunk = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static struct rbj *node(struct rbj_arena *a, enum rbj_type t)
{
	struct rbj *n = arena_alloc(a, sizeof(*n));
	if (n) {
		memset(n, 0, sizeof(*n));
		n->type = t;
	}
	return n;
}

struct rbj *rbj_object(struct rbj_arena *a) { return node(a, RBJ_OBJECT); }
struct rbj *rbj_array(struct rbj_arena *a) { return node(a, RBJ_ARRAY); }
struct rbj *rbj_null(struct rbj_arena *a) { return node(a, RBJ_NULL); }

struct rbj *rbj_bool(struct rbj_arena *a, bool v)
{
	return node(a, v ? RBJ_TRUE : RBJ_FALSE);
}

struct rbj *rbj_integer(struct rbj_arena *a, json_int_t v)
{
	struct rbj *n = node(a, RBJ_INTEGER);
	if (n)
		n->u.i = v;
	return n;
}

struct rbj *rbj_real(struct rbj_arena *a, double v)
{
	if (!isfinite(v))
		return NULL; /* as json_real */
	struct rbj *n = node(a, RBJ_REAL);
	if (n)
		n->u.d = v;
	return n;
}

struct rbj *rbj_real_or_null(struct rbj_arena *a, double v)
{
	return isfinite(v) ? rbj_real(a, v) : rbj_null(a);
}

/* s is UTF-8 as jansson checks it (a plain ASCII text at once, else jansson's own check). */
static bool utf8_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || !s[i]) {
			json_t *j = json_stringn(s, len);
			json_decref(j);
			return j != NULL;
		}
	}
	return true;
}

/* A copy of s (len bytes) in the arena, NUL-terminated. */
static const char *copy(struct rbj_arena *a, const char *s, size_t len)
{
	char *c = arena_alloc(a, len + 1);
	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

struct rbj *rbj_string(struct rbj_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	if (!utf8_ok(s, len))
		return NULL;
	struct rbj *n = node(a, RBJ_STRING);
	if (n && !(n->u.s.s = copy(a, s, len)))
		return NULL;
	if (n)
		n->u.s.len = len;
	return n;
}

struct rbj *rbj_json(struct rbj_arena *a, json_t *j)
{
	if (!j)
		return NULL;
	struct rbj *n = node(a, RBJ_JSON);
	if (!n) {
		json_decref(j);
		return NULL;
	}
	n->u.j.j = j;
	n->u.j.next_json = a->jsons;
	a->jsons = n;
	return n;
}

static void add_kid(struct rbj *p, struct rbj *v)
{
	v->ord = p->u.k.n++;
	if (p->u.k.last)
		p->u.k.last->next = v;
	else
		p->u.k.first = v;
	p->u.k.last = v;
}

int rbj_set(struct rbj_arena *a, struct rbj *obj, const char *key, struct rbj *v)
{
	if (!obj || !v || !key || obj->type != RBJ_OBJECT)
		return -1;
	size_t len = strlen(key);
	if (!utf8_ok(key, len) || !(v->key = copy(a, key, len)))
		return -1;
	v->klen = len;
	add_kid(obj, v);
	return 0;
}

int rbj_append(struct rbj *arr, struct rbj *v)
{
	if (!arr || !v || arr->type != RBJ_ARRAY)
		return -1;
	add_kid(arr, v);
	return 0;
}

json_t *rbj_to_json(const struct rbj *n)
{
	if (!n)
		return NULL;
	switch (n->type) {
	case RBJ_OBJECT: {
		json_t *o = json_object();
		for (const struct rbj *k = n->u.k.first; o && k; k = k->next)
			if (json_object_setn_new(o, k->key, k->klen, rbj_to_json(k))) {
				json_decref(o);
				return NULL;
			}
		return o;
	}
	case RBJ_ARRAY: {
		json_t *o = json_array();
		for (const struct rbj *k = n->u.k.first; o && k; k = k->next)
			if (json_array_append_new(o, rbj_to_json(k))) {
				json_decref(o);
				return NULL;
			}
		return o;
	}
	case RBJ_STRING:
		return json_stringn(n->u.s.s, n->u.s.len);
	case RBJ_INTEGER:
		return json_integer(n->u.i);
	case RBJ_REAL:
		return json_real(n->u.d);
	case RBJ_TRUE:
		return json_true();
	case RBJ_FALSE:
		return json_false();
	case RBJ_JSON:
		return json_incref(n->u.j.j);
	default:
		return json_null();
	}
}
