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
#include <stdio.h>
#include <string.h>

int scn_check_bounds(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	bool done = false;

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
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}
