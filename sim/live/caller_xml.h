/*
 * caller_xml: the check of a user's own SIPp caller flow for `ringbench
 * live --caller-xml FILE` (docs/live.md, "Your own caller flow").
 *
 * SIPp has no dry run (it places calls or waits for them once the flow
 * parses, and its parse errors carry no line), so the file is checked here
 * before anything starts: readable, well-formed XML (expat) whose root is
 * <scenario>, and using the injection fields ringbench cannot do without:
 *   [field0] the call's key, in the Call-ID as [field0]///[call_id]: every
 *            call is matched in the capture by it;
 *   [field1] the number dialled (the tenant's), the Request-URI's user;
 *   [field2] the send instant (Unix epoch ms): each call waits for it, or
 *            the calls go out at SIPp's own rate, not the scenario's.
 * A field past the last one ringbench writes (field22) is an error too:
 * SIPp would stop on it at the first call.
 * Fields are looked for in text, CDATA and attribute values, not comments.
 */
#ifndef RB_CALLER_XML_H
#define RB_CALLER_XML_H

#include <stddef.h>

/* Fields in each line of the injection file: 0..22 (live_caller.xml lists them). */
#define CALLER_XML_FIELDS 23

/*
 * Checks the flow at path. Returns 0, or 2 with err holding one line per
 * problem, each "FILE:LINE:COL: what is wrong, what was expected" (LINE and
 * COL from 1; 1:1 for a field the file lacks altogether).
 */
int caller_xml_check(const char *path, char *err, size_t n);

#endif
