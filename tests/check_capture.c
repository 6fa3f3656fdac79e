/*
 * capture: a pcap file read by capture_open_files (the direct reader for
 * classic pcap files, libpcap for what is unusual) gives the same records,
 * counts and ends as the same bytes read by capture_open_stream (libpcap
 * alone): records split by the reader's 1 MiB buffer, microsecond and
 * nanosecond files, time stamps with the high bit set, a record longer
 * than the snapshot length in the middle, a file cut in a record's header
 * or data; the direct reader both mapped and by pread(). A mapped file cut
 * short while it is read: no crash (the bytes past the cut read as zeros),
 * the file ended and counted as corrupt_record.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

/* What a reading saw: records, a hash of their fields and bytes, counts. */
struct seen {
	unsigned long n;
	uint64_t h;
	struct astats st;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

static void drain(struct capture *c, struct seen *s)
{
	struct cap_pkt p;
	s->h = UINT64_C(0xcbf29ce484222325);
	while (capture_next(c, &p) == 0) {
		s->n++;
		s->h = mix(s->h, &p.ts_ns, sizeof(p.ts_ns));
		s->h = mix(s->h, &p.caplen, sizeof(p.caplen));
		s->h = mix(s->h, &p.wirelen, sizeof(p.wirelen));
		s->h = mix(s->h, &p.dlt, sizeof(p.dlt));
		s->h = mix(s->h, p.data, p.caplen);
	}
	capture_close(c);
}

/* The file read by the direct reader, mapped or not, and by libpcap alone;
 * asserts all three the same and returns the mapped reading's. */
static struct seen both(char *path)
{
	struct seen a, b, m;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&m, 0, sizeof(m));
	struct capture *c;
	char err[256];
	capture_set_mapping(false);
	ck_assert_int_eq(capture_open_files(&c, &path, 1, &a.st, err, sizeof(err)), 0);
	drain(c, &a);
	capture_set_mapping(true);
	ck_assert_int_eq(capture_open_files(&c, &path, 1, &m.st, err, sizeof(err)), 0);
	drain(c, &m);
	ck_assert_uint_eq(a.n, m.n);
	ck_assert_uint_eq(a.h, m.h);
	ck_assert_int_eq(memcmp(&a.st, &m.st, sizeof(a.st)), 0);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(capture_open_stream(&c, f, path, &b.st, err, sizeof(err)), 0);
	drain(c, &b);
	ck_assert_uint_eq(a.n, b.n);
	ck_assert_uint_eq(a.h, b.h);
	ck_assert_int_eq(memcmp(&a.st, &b.st, sizeof(a.st)), 0);
	return m;
}

static char path[64];

static FILE *start(uint32_t magic, uint32_t snap)
{
	strcpy(path, "/tmp/check_capture_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	uint32_t h[6] = {magic, 2 | 4u << 16, 0, 0, snap, 1 /* Ethernet */};
	ck_assert_uint_eq(fwrite(h, 4, 6, f), 6);
	return f;
}

/* A record of caplen bytes (wire length wirelen), its bytes from seed. */
static void rec(FILE *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t wirelen,
		unsigned seed)
{
	uint32_t h[4] = {sec, frac, caplen, wirelen};
	ck_assert_uint_eq(fwrite(h, 4, 4, f), 4);
	for (uint32_t i = 0; i < caplen; i++)
		fputc((int)((seed * 131 + i * 7) & 0xff), f);
}

START_TEST(test_records_across_the_buffer_usec_and_nsec)
{
	for (int nano = 0; nano < 2; nano++) {
		FILE *f = start(nano ? 0xa1b23c4du : 0xa1b2c3d4u, 65535);
		unsigned long n = 0;
		for (uint32_t i = 0; i < 3000; i++, n++) /* about 3 MB: over 1 MiB twice */
			rec(f, 1000 + i, i * 997 % 1000000, 60 + i * 37 % 1400, 1500, i);
		rec(f, 5000, 1, 65535, 65535, 9); /* one as long as the snapshot */
		n++;
		fclose(f);
		struct seen s = both(path);
		ck_assert_uint_eq(s.n, n);
		ck_assert_uint_eq(s.st.packets, n);
		unlink(path);
	}
}
END_TEST

/* libpcap reads the time stamp's two words as signed (struct pcap_timeval):
 * found by fuzz_capture comparing both readings. */
START_TEST(test_time_stamp_words_are_signed)
{
	for (int nano = 0; nano < 2; nano++) {
		FILE *f = start(nano ? 0xa1b23c4du : 0xa1b2c3d4u, 65535);
		rec(f, 0x9aabbccdu, 5, 60, 60, 1);
		rec(f, 7, 0x80000001u, 60, 60, 2);
		rec(f, 0xffffffffu, 0xffffffffu, 60, 60, 3);
		fclose(f);
		ck_assert_uint_eq(both(path).n, 3);
		unlink(path);
	}
}
END_TEST

START_TEST(test_record_over_the_snapshot_goes_to_libpcap)
{
	FILE *f = start(0xa1b2c3d4u, 200);
	for (uint32_t i = 0; i < 10; i++)
		rec(f, 1, i, 100, 100, i);
	rec(f, 2, 0, 300, 300, 1); /* caplen > snaplen: libpcap decides */
	for (uint32_t i = 0; i < 10; i++)
		rec(f, 3, i, 100, 100, i);
	fclose(f);
	struct seen s = both(path);
	ck_assert_uint_ge(s.n, 10);
	unlink(path);
}
END_TEST

START_TEST(test_file_cut_in_a_header_or_in_the_data)
{
	for (int cut = 0; cut < 2; cut++) {
		FILE *f = start(0xa1b2c3d4u, 65535);
		for (uint32_t i = 0; i < 20; i++)
			rec(f, 1, i, 80, 80, i);
		if (cut == 0) {
			uint32_t half[2] = {7, 7}; /* 8 of a header's 16 bytes */
			fwrite(half, 4, 2, f);
		} else {
			uint32_t h[4] = {7, 7, 500, 500}; /* 500 bytes promised, 10 given */
			fwrite(h, 4, 4, f);
			fwrite("0123456789", 1, 10, f);
		}
		fclose(f);
		struct seen s = both(path);
		ck_assert_uint_eq(s.n, 20);
		unlink(path);
	}
}
END_TEST

/* 3000 records of 200 bytes (216 with the header: 18 whole ones and part
 * of the 19th in the first 4 KiB page), opened mapped; the first `first`
 * records read. */
static struct capture *cut_setup(struct astats *st, unsigned first, struct cap_pkt *p)
{
	FILE *f = start(0xa1b2c3d4u, 65535);
	for (uint32_t i = 0; i < 3000; i++)
		rec(f, 1, i, 200, 200, i + 1);
	fclose(f);
	memset(st, 0, sizeof(*st));
	struct capture *c;
	char err[256], *pp = path;
	capture_set_mapping(true);
	ck_assert_int_eq(capture_open_files(&c, &pp, 1, st, err, sizeof(err)), 0);
	for (unsigned i = 0; i < first; i++)
		ck_assert_int_eq(capture_next(c, p), 0);
	return c;
}

/* Cut to one page (4 KiB, or the page size) while the reader is in it: the
 * 19th record's bytes past the cut read as zeros, and the file ends there,
 * counted as corrupt_record, where reading all would give 3000. */
START_TEST(test_mapped_file_cut_short_while_read)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	if (pg != 4096)
		return; /* the counts below are for 4 KiB pages (the test below is not) */
	struct astats st;
	struct cap_pkt p;
	struct capture *c = cut_setup(&st, 5, &p);
	ck_assert_int_eq(truncate(path, (off_t)pg), 0);
	unsigned long n = 5, past = 0, kept = 0;
	size_t cut = 4096 - (24 + 18 * 216 + 16); /* record 19's bytes before the cut */
	while (capture_next(c, &p) == 0) {
		n++;
		for (size_t i = 0; n == 19 && i < p.caplen; i++) {
			if (i >= cut)
				past += p.data[i] != 0;
			else
				kept += p.data[i] == ((19 * 131 + i * 7) & 0xff);
		}
	}
	ck_assert_uint_eq(n, 19);
	ck_assert_uint_eq(st.packets, 19);
	ck_assert_uint_eq(st.n[ASKIP_CORRUPT_RECORD], 1);
	ck_assert_uint_eq(kept, cut); /* the file's bytes up to the cut */
	ck_assert_uint_eq(past, 0);   /* zeros after it */
	ck_assert_int_eq(capture_next(c, &p), ENODATA); /* and stays ended */
	capture_close(c);
	unlink(path);
}
END_TEST

/* Cut to nothing while a packet handed out is still being read (as the SIP
 * scan reads it after capture_next returned): its bytes read as zeros, no
 * SIGBUS, and the next capture_next ends the file, counted. */
START_TEST(test_mapped_file_cut_to_nothing_under_a_packet)
{
	struct astats st;
	struct cap_pkt p;
	struct capture *c = cut_setup(&st, 40, &p); /* record 40: in the 3rd page */
	ck_assert_uint_eq(p.data[0], (40 * 131) & 0xff); /* rec()'s first byte */
	ck_assert_int_eq(truncate(path, 0), 0);
	unsigned sum = 0;
	for (size_t i = 0; i < p.caplen; i++)
		sum += p.data[i];
	ck_assert_uint_eq(sum, 0);
	ck_assert_int_eq(capture_next(c, &p), ENODATA);
	ck_assert_uint_eq(st.packets, 40);
	ck_assert_uint_eq(st.n[ASKIP_CORRUPT_RECORD], 1);
	capture_close(c);
	unlink(path);
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
#define RB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RB_ASAN 1
#endif
#endif
#ifndef RB_ASAN
#define RB_ASAN 0
#endif

/* A SIGBUS that is not a mapped capture's still kills the process: a page
 * of a file mapped by someone else, cut off. */
START_TEST(test_other_sigbus_still_fatal)
{
	struct astats st;
	struct cap_pkt p;
	struct capture *c = cut_setup(&st, 1, &p); /* capmap's handler installed */
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	volatile const uint8_t *m = mmap(NULL, 65536, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne((const void *)m, MAP_FAILED);
	capture_close(c);
	ck_assert_int_eq(truncate(path, 0), 0);
	unlink(path);
	(void)m[8192]; /* SIGBUS: the test expects the signal */
}
END_TEST

static Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");
	tcase_add_test(tc, test_records_across_the_buffer_usec_and_nsec);
	tcase_add_test(tc, test_time_stamp_words_are_signed);
	tcase_add_test(tc, test_record_over_the_snapshot_goes_to_libpcap);
	tcase_add_test(tc, test_file_cut_in_a_header_or_in_the_data);
	tcase_add_test(tc, test_mapped_file_cut_short_while_read);
	tcase_add_test(tc, test_mapped_file_cut_to_nothing_under_a_packet);
#if RB_ASAN
	/* AddressSanitizer's own SIGBUS handler was there before capmap's, so
	 * the fault passed on ends in its report and exit status 1: still fatal */
	tcase_add_exit_test(tc, test_other_sigbus_still_fatal, 1);
#else
	tcase_add_test_raise_signal(tc, test_other_sigbus_still_fatal, SIGBUS);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(capture_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
