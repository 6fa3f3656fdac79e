/* sweep_cache: see sweep_cache.h. */
#include "sweep_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct centry {
	char *path;
	json_t *sum;
	struct centry *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct centry *head;

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Top-level keys sweep_collect never reads (the bulk of a point's file). */
static bool dropped(const char *key, int depth)
{
	return depth == 0 && (!strcmp(key, "intervals") || !strcmp(key, "by_tenant") ||
			      !strcmp(key, "by_forwarding"));
}

/*
 * A copy of v as parsing its file gives it: keys in sorted order (the file
 * is written with JSON_SORT_KEYS, and the loader keeps the file's order),
 * reals through the file's 16 significant digits (jansson writes "%.16g";
 * strtod reads it back).
 */
static json_t *as_read(json_t *v, int depth)
{
	if (json_is_object(v)) {
		size_t n = json_object_size(v), k = 0;
		const char **keys = malloc((n ? n : 1) * sizeof(*keys));
		json_t *o = json_object();
		if (!keys || !o) {
			free(keys);
			json_decref(o);
			return NULL;
		}
		const char *key;
		json_t *x;
		json_object_foreach(v, key, x)
			if (!dropped(key, depth))
				keys[k++] = key;
		qsort(keys, k, sizeof(*keys), cmp_key);
		for (size_t i = 0; i < k; i++) {
			json_t *c = as_read(json_object_get(v, keys[i]), depth + 1);
			if (!c || json_object_set_new(o, keys[i], c)) {
				json_decref(o);
				o = NULL;
				break;
			}
		}
		free(keys);
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			json_t *c = a ? as_read(x, depth + 1) : NULL;
			if (!c || json_array_append_new(a, c)) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	if (json_is_real(v)) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.16g", json_real_value(v));
		return json_real(strtod(buf, NULL));
	}
	return json_incref(v); /* integers, strings, true, false, null: as they are */
}

void sweep_cache_put(const char *path, json_t *root)
{
	if (!root)
		return;
	struct centry *e = malloc(sizeof(*e));
	json_t *sum = as_read(root, 0);
	json_decref(root);
	char *p = strdup(path);
	if (!e || !sum || !p) { /* then it is read from its file */
		free(e);
		free(p);
		json_decref(sum);
		return;
	}
	e->path = p;
	e->sum = sum;
	pthread_mutex_lock(&mu);
	e->next = head;
	head = e;
	pthread_mutex_unlock(&mu);
}

json_t *sweep_cache_take(const char *path)
{
	json_t *sum = NULL;
	pthread_mutex_lock(&mu);
	for (struct centry **pp = &head; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->path, path)) {
			struct centry *e = *pp;
			*pp = e->next;
			sum = e->sum;
			free(e->path);
			free(e);
			break;
		}
	pthread_mutex_unlock(&mu);
	return sum;
}

void sweep_cache_clear(void)
{
	pthread_mutex_lock(&mu);
	while (head) {
		struct centry *e = head;
		head = e->next;
		json_decref(e->sum);
		free(e->path);
		free(e);
	}
	pthread_mutex_unlock(&mu);
}
