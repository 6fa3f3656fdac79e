/*
 * scn_bounds: the scenario file's size and nesting, checked before libyaml
 * builds its document (issue 12, item 7).
 *
 * Why a pass of its own: libyaml's scanner looks over every open flow level
 * ('[' or '{') for each token it reads (yaml_parser_stale_simple_keys), so
 * a file of n nested brackets took time growing as n^2 (measured: 10,000
 * levels 0.34 s, 20,000 1.5 s, 40,000 5.5 s, 100,000 37 s), and its
 * document loader keeps a stack as deep. This pass reads libyaml's events
 * and stops at the first collection deeper than SCN_MAX_DEPTH, before the
 * scanner holds more than about a thousand levels (a possible simple key
 * makes it read at most 1024 bytes ahead), so a file is refused in time
 * linear in its size. A real scenario nests about 7 deep.
 *
 * Syntax errors are left to the loader's own parse, which reports them.
 */
#include "scn_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Aliases: libyaml's document shares an anchored node between its aliases,
 * but the loader walks (and copies) it once per alias, so 1000 aliases of a
 * list of 100,000 values made a 450 kB file take 11 s and 810 MB. The pass
 * counts the nodes as the loader will see them, every alias counting as
 * the nodes of its anchor, and refuses more than SCN_MAX_NODES.
 */
struct anchor {
	char *name;     /* NULL: a free slot */
	uint64_t nodes; /* nodes under it, aliases expanded */
};

struct anchors {
	struct anchor *t;
	size_t cap, used; /* cap a power of two, used <= cap / 2 */
};

static size_t slot(const struct anchors *a, const char *name)
{
	uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	size_t i = (size_t)h & (a->cap - 1);
	while (a->t[i].name && strcmp(a->t[i].name, name))
		i = (i + 1) & (a->cap - 1);
	return i;
}

/* Sets name's size (a name anchored again takes the new node). 0 or ENOMEM. */
static int anchor_set(struct anchors *a, const char *name, uint64_t nodes)
{
	if (2 * (a->used + 1) > a->cap) {
		struct anchors b = {.cap = a->cap ? 2 * a->cap : 64, .used = a->used};

		if (!(b.t = calloc(b.cap, sizeof(*b.t))))
			return ENOMEM;
		for (size_t i = 0; i < a->cap; i++)
			if (a->t[i].name)
				b.t[slot(&b, a->t[i].name)] = a->t[i];
		free(a->t);
		*a = b;
	}
	size_t i = slot(a, name);
	if (!a->t[i].name) {
		if (!(a->t[i].name = strdup(name)))
			return ENOMEM;
		a->used++;
	}
	a->t[i].nodes = nodes;
	return 0;
}

static uint64_t anchor_nodes(const struct anchors *a, const char *name)
{
	return a->cap ? a->t[slot(a, name)].nodes : 0; /* unknown: libyaml refuses it */
}

static void anchors_free(struct anchors *a)
{
	for (size_t i = 0; i < a->cap; i++)
		free(a->t[i].name);
	free(a->t);
}

/* The anchor of a node's event, or NULL. */
static const char *event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/* The walk over the file's events: depth, nodes counted, anchors' sizes. */
struct walk {
	const char *name;
	char *err;
	size_t errlen;
	int depth;
	bool done;
	uint64_t nodes;
	struct anchors anchors;
	/* per open collection: its anchor's name (or NULL) and the nodes before it */
	struct {
		char *anchor;
		uint64_t from;
	} open[SCN_MAX_DEPTH + 1];
};

/* Refuses a text over SCN_MAX_BYTES at the line and column where it outgrows it. */
static int check_size(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	if (len <= SCN_MAX_BYTES)
		return 0;
	size_t line = 1, col = 1;
	for (size_t i = 0; i < SCN_MAX_BYTES; i++)
		text[i] == '\n' ? (line++, col = 1) : col++;
	snprintf(err, errlen,
		 "%s:%zu:%zu: the file is longer than %u bytes (1 MiB): expected a "
		 "scenario of a few kB; put long lists of values in an empirical_csv file",
		 name, line, col, SCN_MAX_BYTES);
	return EINVAL;
}

static int open_collection(struct walk *w, const yaml_event_t *ev, const char *an, uint64_t before)
{
	if (++w->depth > SCN_MAX_DEPTH) {
		snprintf(w->err, w->errlen,
			 "%s:%zu:%zu: lists and mappings nested more than %d deep: "
			 "expected at most %d (a scenario needs about 7)",
			 w->name, ev->start_mark.line + 1, ev->start_mark.column + 1, SCN_MAX_DEPTH,
			 SCN_MAX_DEPTH);
		return EINVAL;
	}
	w->nodes++;
	w->open[w->depth].from = before;
	w->open[w->depth].anchor = an ? strdup(an) : NULL;
	return an && !w->open[w->depth].anchor ? ENOMEM : 0;
}

/* One event: depth and node counts, anchors' sizes. Returns 0 or the error. */
static int on_event(struct walk *w, const yaml_event_t *ev)
{
	const char *an = event_anchor(ev);
	uint64_t before = w->nodes;
	int rc = 0;
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		rc = open_collection(w, ev, an, before);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (w->depth > 0 && w->open[w->depth].anchor) {
			rc = anchor_set(&w->anchors, w->open[w->depth].anchor,
					w->nodes - w->open[w->depth].from);
			free(w->open[w->depth].anchor);
		}
		w->depth--;
		break;
	case YAML_SCALAR_EVENT:
		w->nodes++;
		if (an)
			rc = anchor_set(&w->anchors, an, 1);
		break;
	case YAML_ALIAS_EVENT:
		w->nodes += anchor_nodes(&w->anchors, (const char *)ev->data.alias.anchor);
		break;
	case YAML_STREAM_END_EVENT:
		w->done = true;
		break;
	default:
		break;
	}
	if (!rc && w->nodes > SCN_MAX_NODES) {
		snprintf(w->err, w->errlen,
			 "%s:%zu:%zu: the scenario holds more than %d values and keys, "
			 "counting each alias (*name) as the values it repeats: expected at "
			 "most %d; repeat less, or put long lists in an empirical_csv file",
			 w->name, ev->start_mark.line + 1, ev->start_mark.column + 1, SCN_MAX_NODES,
			 SCN_MAX_NODES);
		rc = EINVAL;
	}
	return rc;
}

int scn_check_bounds(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = check_size(text, len, name, err, errlen);
	if (rc)
		return rc;
	struct walk *w = calloc(1, sizeof *w);
	if (!w || !yaml_parser_initialize(&p)) {
		free(w);
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return ENOMEM;
	}
	*w = (struct walk){.name = name, .err = err, .errlen = errlen};
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!w->done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			/* bad syntax: the loader's parse reports it. Out of memory
			 * (libyaml leaves some failed allocations at NO_ERROR) is
			 * reported here, as the loader would. */
			if (p.error == YAML_MEMORY_ERROR || p.error == YAML_NO_ERROR) {
				snprintf(err, errlen, "%s: out of memory (libyaml)", name);
				rc = ENOMEM;
			}
			break;
		}
		rc = on_event(w, &ev);
		yaml_event_delete(&ev);
	}
	if (rc == ENOMEM)
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
	if (w->depth > SCN_MAX_DEPTH) /* the level refused was never opened */
		w->depth = SCN_MAX_DEPTH;
	for (; w->depth > 0; w->depth--)
		free(w->open[w->depth].anchor);
	anchors_free(&w->anchors);
	free(w);
	yaml_parser_delete(&p);
	return rc;
}
