/*
 * fuzz_capture: libFuzzer over whole capture files. The input is read by
 * libpcap from memory (fmemopen) and goes through the analyzer's whole
 * pipeline: link, IP, fragments, tunnels, TCP reassembly, SIP, calls. The
 * seed corpus (fuzz/corpus/capture/) holds small test captures.
 *
 * Then the same bytes as a file (a memfd) through capture_open_files, whose
 * direct reader takes classic pcap files, mapped and by pread(): the same
 * records, packet count and corrupt-record count as libpcap alone, or the
 * fuzzer aborts.
 *
 *   ./build-fuzz/fuzz_capture -max_total_time=60 /tmp/c fuzz/corpus/capture
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Records read from c: count and a hash of their fields and bytes. */
static uint64_t drain(struct capture *c, unsigned long *n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	struct cap_pkt p;
	while (capture_next(c, &p) == 0) {
		(*n)++;
		h = (h ^ (uint64_t)p.ts_ns) * UINT64_C(0x100000001b3);
		h = (h ^ p.caplen ^ (uint64_t)p.wirelen << 32) * UINT64_C(0x100000001b3);
		for (size_t i = 0; i < p.caplen; i++)
			h = (h ^ p.data[i]) * UINT64_C(0x100000001b3);
	}
	capture_close(c);
	return h;
}

/* The file at path read directly, mapped or not: its records' count in *n,
 * their hash returned (0 when it does not open), counts in st. */
static uint64_t read_file(char *path, bool map, unsigned long *n, struct astats *st, int *rc)
{
	char err[256];
	struct capture *c;
	memset(st, 0, sizeof(*st));
	capture_set_mapping(map);
	*rc = capture_open_files(&c, &path, 1, st, err, sizeof(err));
	capture_set_mapping(true);
	return *rc == 0 ? drain(c, n) : 0;
}

/* The input read as a file (direct reader) and as a stream (libpcap). */
static void both_ways(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_capture", 0);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	char path[64], err[256];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct astats sa, sb, sp;
	memset(&sb, 0, sizeof(sb));
	struct capture *c;
	unsigned long na = 0, nb = 0, np = 0;
	uint64_t hb = 0;
	int ra, rp;
	uint64_t ha = read_file(path, true, &na, &sa, &ra);
	uint64_t hp = read_file(path, false, &np, &sp, &rp);
	if (ra != rp || na != np || ha != hp || memcmp(&sa, &sp, sizeof(sa)) != 0)
		abort(); /* mapped and pread() readings disagree */
	FILE *f = fmemopen((void *)data, size, "rb");
	int rb = f ? capture_open_stream(&c, f, "fuzz", &sb, err, sizeof(err)) : -1;
	if (rb == 0)
		hb = drain(c, &nb);
	close(fd);
	if (f && ((ra == 0) != (rb == 0) || na != nb || ha != hb || sa.packets != sb.packets ||
		  sa.n[ASKIP_CORRUPT_RECORD] != sb.n[ASKIP_CORRUPT_RECORD]))
		abort(); /* the direct reader disagrees with libpcap */
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
	both_ways(data, size);
	return 0;
}
