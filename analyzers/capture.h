/*
 * capture: packets from capture files or a live interface, through libpcap.
 *
 * Files (pcap or pcapng) are read with nanosecond timestamps
 * (pcap_open_offline_with_tstamp_precision) and merged in time order, so
 * several files of one capture make one stream (on equal times the earlier
 * file first). A file that ends in the middle of a record, holds a record
 * libpcap cannot read, or is cut short (truncated) while it is read, is
 * counted (corrupt_record) and closed; the others go on. Live capture (pcap_create on an interface) takes a BPF filter, can copy
 * every packet to a pcap file, and stops at a duration or when
 * capture_stop() is called (from a signal handler: it is async-signal-safe).
 *
 *   struct capture *c;
 *   if (capture_open_files(&c, paths, n, &stats, err, sizeof(err))) ...
 *   struct cap_pkt p;
 *   while (capture_next(c, &p) == 0) ... p.data valid until the next call ...
 *   capture_close(c);
 */
#ifndef RB_CAPTURE_H
#define RB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "astats.h"

struct cap_pkt {
	int dlt;       /* the link type (DLT_*) of the file or interface */
	int64_t ts_ns; /* nanoseconds since the epoch */
	const uint8_t *data;
	size_t caplen;	/* bytes captured */
	size_t wirelen; /* bytes on the wire */
	int file;	/* index of the file it came from; 0 live */
};

struct capture;

/*
 * Opens every file (n >= 1). Returns 0, or EINVAL when one is not a capture
 * file libpcap can read (err says which and why), ENOENT/EACCES when it
 * cannot be opened, ENOMEM. st (may be NULL) must outlive c.
 */
int capture_open_files(struct capture **out, char *const *paths, size_t n, struct astats *st,
		       char *err, size_t errlen);

/*
 * Reads one capture from an open stream (e.g. fmemopen), which the capture
 * then owns (closed by capture_close, or here on failure). name is for
 * messages. Returns 0, EINVAL (not a capture), ENOMEM.
 */
int capture_open_stream(struct capture **out, FILE *f, const char *name, struct astats *st,
			char *err, size_t errlen);

/*
 * Opens interface ifname for live capture with an optional BPF filter and an
 * optional copy to write_path (pcap, nanosecond timestamps). duration_us > 0
 * stops the capture after that long. Returns 0, EPERM when the process may
 * not capture (needs root or CAP_NET_RAW), ENODEV for an unknown interface,
 * EINVAL for a bad filter, EIO otherwise; err says why.
 */
int capture_open_live(struct capture **out, const char *ifname, const char *filter,
		      const char *write_path, int64_t duration_us, struct astats *st, char *err,
		      size_t errlen);

/* Next packet: 0, or ENODATA at the end (files done, duration over, stopped). */
int capture_next(struct capture *c, struct cap_pkt *p);

/* Asks a live capture to stop (async-signal-safe); no effect on files. */
void capture_stop(struct capture *c);

/* The epoch (ns) of the first packet of the first file; INT64_MIN before one is read. */
int64_t capture_t0_ns(const struct capture *c);

/* A live capture's packet counts so far, from libpcap (pcap_stats). */
struct cap_stats {
	uint64_t received;   /* ps_recv: packets the filter passed */
	uint64_t dropped;    /* ps_drop: lost because the buffer was full (we read too slowly) */
	uint64_t if_dropped; /* ps_ifdrop: dropped by the interface or its driver */
};

/* Fills st for a live capture (before capture_close). Returns 0, ENOTSUP
 * for files, EIO when libpcap cannot say. */
int capture_stats(struct capture *c, struct cap_stats *st);

void capture_close(struct capture *c);

/*
 * Whether files opened from now on that the analyzer reads itself are
 * mapped (true, the default; see capmap.h) or read by pread() into a
 * buffer: the same records either way. For tests and benchmarks.
 */
void capture_set_mapping(bool on);

#endif
