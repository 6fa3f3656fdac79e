/*
 * sweep_cache: the point files this process wrote, kept in memory for
 * sweep_collect, which would otherwise read every one back (about 1 MB of
 * JSON per point: reading and parsing them was about a third of a 100-point
 * sweep's CPU time). What is kept is what reading the file would give:
 * objects with their keys sorted, reals rounded as the file writes them
 * (JSON_REAL_PRECISION(16)), minus the parts sweep_collect never reads (the
 * 15-minute intervals, the tenant and forwarding groups). A path not found
 * is read from its file as before, so a resumed or merged sweep is the same.
 */
#ifndef RB_SWEEP_CACHE_H
#define RB_SWEEP_CACHE_H

#include <jansson.h>

/* The tree just written to path (stolen). Thread-safe. */
void sweep_cache_put(const char *path, json_t *root);
/* The tree kept for path, taken out of the cache (the caller's), or NULL. */
json_t *sweep_cache_take(const char *path);
/* Drops everything kept. */
void sweep_cache_clear(void);

#endif
