/*
 * fuzz_capture: libFuzzer over whole capture files. The input is read by
 * libpcap from memory (fmemopen) and goes through the analyzer's whole
 * pipeline: link, IP, fragments, tunnels, TCP reassembly, SIP, calls. The
 * seed corpus (fuzz/corpus/capture/) holds small test captures.
 *
 *   ./build-fuzz/fuzz_capture -max_total_time=60 /tmp/c fuzz/corpus/capture
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "capture.h"

static void on_done(struct callrec *r, const struct dlg_extra *x, void *arg)
{
	(void)x;
	unsigned long *n = arg;
	/* Touch what the writer would read. */
	*n += (unsigned long)(r->outcome + strlen(callrec_call_id(r)) +
			      strlen(callrec_from_tag(r)) + strlen(r->src));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	struct astats st;
	memset(&st, 0, sizeof(st));
	struct capture *c;
	char err[256];
	if (capture_open_stream(&c, f, "fuzz", &st, err, sizeof(err)) != 0)
		return 0;
	unsigned long n = 0;
	struct dlg_hooks hk = {.done = on_done, .arg = &n};
	struct anl *a = anl_new(&st, &hk);
	if (a) {
		struct cap_pkt p;
		while (capture_next(c, &p) == 0)
			anl_packet(a, &p, capture_t0_ns(c));
		anl_finish(a);
		anl_free(a);
	}
	capture_close(c);
	return 0;
}
