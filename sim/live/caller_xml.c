/*
 * caller_xml: a user's SIPp caller flow checked before a live run
 * (caller_xml.h): expat for well-formedness (its line and column), then
 * the [fieldN] references in the text and attribute values it reports.
 */
#define LOG_TAG "live"
#include "caller_xml.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbfile.h"

/* The whole file is parsed at once; a bigger one is not a SIPp flow. */
#define MAX_BYTES (16u << 20)

/* What each required field is, for the message that says it is missing. */
static const char *const required[] = {
    "the call's key: expected Call-ID: [field0]///[call_id] (ringbench matches each call by it)",
    "the number dialled: expected INVITE sip:[field1]@[remote_ip]:[remote_port]",
    "the send instant (Unix epoch ms): expected a <pause> until it, as live_caller.xml does",
};

struct chk {
	const char *path;
	XML_Parser p;
	int depth;
	bool used[CALLER_XML_FIELDS];
	bool key_slash; /* "[field0]///" seen */
	/* Text since the last markup: expat hands CDATA over in pieces cut at
	 * each ']', so a [fieldN] is only whole once the pieces are joined. */
	char *txt;
	size_t txt_len, txt_cap;
	unsigned long txt_line, txt_col;
	bool oom;
	char *err;
	size_t n, len;
	int problems;
};

static void say(struct chk *c, unsigned long line, unsigned long col, const char *fmt, ...)
{
	if (c->len < c->n) {
		int k = snprintf(c->err + c->len, c->n - c->len, "%s%s:%lu:%lu: ", c->len ? "\n" : "",
				 c->path, line, col);
		c->len += k > 0 ? (size_t)k : 0;
	}
	if (c->len < c->n) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(c->err + c->len, c->n - c->len, fmt, ap);
		va_end(ap);
		c->len += k > 0 ? (size_t)k : 0;
	}
	if (c->len > c->n)
		c->len = c->n;
	c->problems++;
}

/* The [fieldN] in s[0..len), which starts at line:col (col from 1). */
static void scan(struct chk *c, const char *s, size_t len, unsigned long line, unsigned long col)
{
	for (size_t i = 0; i < len; i++, col++) {
		if (s[i] == '\n') {
			line++;
			col = 0;
			continue;
		}
		if (len - i < 8 || memcmp(s + i, "[field", 6))
			continue;
		size_t j = i + 6;
		unsigned long v = 0;
		while (j < len && j < i + 12 && s[j] >= '0' && s[j] <= '9')
			v = v * 10 + (unsigned long)(s[j++] - '0');
		if (j == i + 6 || j >= len || s[j] != ']')
			continue;
		if (v >= CALLER_XML_FIELDS) {
			say(c, line, col, "[field%lu]: ringbench writes field0 to field%d only "
					  "(docs/live.md lists them)", v, CALLER_XML_FIELDS - 1);
			continue;
		}
		c->used[v] = true;
		if (v == 0 && len - j > 3 && !memcmp(s + j + 1, "///", 3))
			c->key_slash = true;
	}
}

/* Scans the text gathered so far. */
static void flush(struct chk *c)
{
	scan(c, c->txt, c->txt_len, c->txt_line, c->txt_col);
	c->txt_len = 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attr)
{
	struct chk *c = ud;
	flush(c);
	unsigned long line = XML_GetCurrentLineNumber(c->p), col = XML_GetCurrentColumnNumber(c->p) + 1;
	if (c->depth++ == 0 && strcmp(name, "scenario"))
		say(c, line, col, "root element <%s>: expected <scenario> (a SIPp scenario)", name);
	for (size_t i = 0; attr[i]; i += 2)
		scan(c, attr[i + 1], strlen(attr[i + 1]), line, col);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	(void)name;
	flush(ud);
	((struct chk *)ud)->depth--;
}

/* A CDATA section's start or end: its content's positions are its own. */
static void XMLCALL on_cdata(void *ud)
{
	flush(ud);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct chk *c = ud;
	if (!c->txt_len) {
		c->txt_line = XML_GetCurrentLineNumber(c->p);
		c->txt_col = XML_GetCurrentColumnNumber(c->p) + 1;
	}
	if (c->txt_len + (size_t)len > c->txt_cap) {
		size_t cap = (c->txt_len + (size_t)len) * 2;
		char *t = realloc(c->txt, cap);
		if (!t) {
			c->oom = true;
			XML_StopParser(c->p, XML_FALSE);
			return;
		}
		c->txt = t;
		c->txt_cap = cap;
	}
	memcpy(c->txt + c->txt_len, s, (size_t)len);
	c->txt_len += (size_t)len;
}

/* Parses text; false (said) when it is not well-formed XML. */
static bool parse(struct chk *c, const char *text, size_t len)
{
	c->p = XML_ParserCreate(NULL);
	if (!c->p) {
		say(c, 1, 1, "out of memory");
		return false;
	}
	XML_SetUserData(c->p, c);
	XML_SetElementHandler(c->p, on_start, on_end);
	XML_SetCharacterDataHandler(c->p, on_text);
	XML_SetCdataSectionHandler(c->p, on_cdata, on_cdata);
	bool ok = XML_Parse(c->p, text, (int)len, 1) == XML_STATUS_OK;
	flush(c);
	if (c->oom)
		say(c, 1, 1, "out of memory");
	else if (!ok)
		say(c, XML_GetCurrentLineNumber(c->p), XML_GetCurrentColumnNumber(c->p) + 1,
		    "not well-formed XML: %s", XML_ErrorString(XML_GetErrorCode(c->p)));
	XML_ParserFree(c->p);
	c->p = NULL;
	return ok;
}

int caller_xml_check(const char *path, char *err, size_t n)
{
	struct chk c = {.path = path, .err = err, .n = n};
	if (n)
		err[0] = '\0';
	char *text = NULL;
	size_t len = 0;
	int e = rbfile_read_head(path, MAX_BYTES, &text, &len);
	if (e) {
		snprintf(err, n, "%s: cannot read: %s", path, strerror(e));
		return 2;
	}
	if (len >= MAX_BYTES)
		say(&c, 1, 1, "over %u MiB: not a SIPp flow", MAX_BYTES >> 20);
	else if (parse(&c, text, len)) {
		for (int f = 0; f < (int)(sizeof required / sizeof required[0]); f++)
			if (!c.used[f])
				say(&c, 1, 1, "[field%d] not used: %s", f, required[f]);
		if (c.used[0] && !c.key_slash)
			say(&c, 1, 1, "[field0] never followed by ///: expected Call-ID: "
				      "[field0]///[call_id] (SIPp maps replies by the part after ///)");
	}
	free(text);
	free(c.txt);
	return c.problems ? 2 : 0;
}
