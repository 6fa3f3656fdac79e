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

int scn_check_bounds(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	bool done = false;
	struct anchors anchors = {0};
	/* per open collection: its anchor's name (or NULL) and the nodes before it */
	struct {
		char *anchor;
		uint64_t from;
	} open[SCN_MAX_DEPTH + 1];
	uint64_t nodes = 0;

	if (len > SCN_MAX_BYTES) {
		size_t line = 1, col = 1;

		for (size_t i = 0; i < SCN_MAX_BYTES; i++)
			text[i] == '\n' ? (line++, col = 1) : col++;
		snprintf(err, errlen,
			 "%s:%zu:%zu: the file is longer than %u bytes (1 MiB): expected a "
			 "scenario of a few kB; put long lists of values in an empirical_csv file",
			 name, line, col, SCN_MAX_BYTES);
		return EINVAL;
	}
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !rc) {
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
		const char *an = event_anchor(&ev);
		uint64_t before = nodes;
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > SCN_MAX_DEPTH) {
				snprintf(err, errlen,
					 "%s:%zu:%zu: lists and mappings nested more than %d deep: "
					 "expected at most %d (a scenario needs about 7)",
					 name, ev.start_mark.line + 1, ev.start_mark.column + 1,
					 SCN_MAX_DEPTH, SCN_MAX_DEPTH);
				rc = EINVAL;
				break;
			}
			nodes++;
			open[depth].from = before;
			open[depth].anchor = an ? strdup(an) : NULL;
			if (an && !open[depth].anchor)
				rc = ENOMEM;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0 && open[depth].anchor) {
				rc = anchor_set(&anchors, open[depth].anchor, nodes - open[depth].from);
				free(open[depth].anchor);
			}
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			nodes++;
			if (an)
				rc = anchor_set(&anchors, an, 1);
			break;
		case YAML_ALIAS_EVENT:
			nodes += anchor_nodes(&anchors, (const char *)ev.data.alias.anchor);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		if (!rc && nodes > SCN_MAX_NODES) {
			snprintf(err, errlen,
				 "%s:%zu:%zu: the scenario holds more than %d values and keys, "
				 "counting each alias (*name) as the values it repeats: expected at "
				 "most %d; repeat less, or put long lists in an empirical_csv file",
				 name, ev.start_mark.line + 1, ev.start_mark.column + 1, SCN_MAX_NODES,
				 SCN_MAX_NODES);
			rc = EINVAL;
		}
		yaml_event_delete(&ev);
	}
	if (rc == ENOMEM)
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
	if (depth > SCN_MAX_DEPTH) /* the level refused was never opened */
		depth = SCN_MAX_DEPTH;
	for (; depth > 0; depth--)
		free(open[depth].anchor);
	anchors_free(&anchors);
	yaml_parser_delete(&p);
	return rc;
}
