/*
 * capture: libpcap file and live input; see capture.h.
 *
 * Merging keeps each file's current record (libpcap's buffer stays valid
 * until that handle's next read) and hands out the earliest; the file is
 * advanced only when its record has been handed out, so nothing is copied.
 *
 * A classic pcap file in the host's byte order, of a link type libpcap
 * hands over untouched, is read directly once libpcap has opened it
 * (checked its header), each record used where it lies, instead of
 * libpcap's two fread()s and a copy per packet: mapped (capmap.h, a
 * window moved along the file, so the kernel copies nothing), or, when
 * the file cannot be mapped, by large pread()s into one buffer. A mapped
 * file cut short while it is read (capmap raised its flag: the pages past
 * the cut read as zeros) ends as a file cut inside a record does: a
 * warning, counted as corrupt_record, the rest of the file skipped.
 * A record libpcap would treat otherwise (longer than the snapshot length
 * or than its wire length, cut short by the file's end) goes back to
 * libpcap, the FILE positioned at that record, so its errors and warnings
 * stay libpcap's own (tests/check_capture.c reads files both ways).
 */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdatomic.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_TAG "capture"
#include "log.h"

#include "capmap.h"

struct src {
	pcap_t *p;
	const char *path;
	int dlt;
	bool nano;
	bool have; /* rec holds an unread record */
	bool done;
	struct cap_pkt rec;
	struct direct *dr; /* the direct reader; NULL: libpcap reads */
};

/* The direct reader's state (see the top of the file). */
#define DIRECT_BUF (1u << 20) /* > the largest record it takes (snap + 16) */
_Static_assert(CAPMAP_WINDOW - (64u << 10) >= DIRECT_BUF, "a window holds any record");
struct direct {
	int fd;
	bool nano_file;      /* nanosecond time stamps in the file */
	bool err;            /* a read or a mapping failed */
	uint32_t snap;       /* libpcap's snapshot length for the file */
	int64_t boff;        /* file offset of base[0] */
	const uint8_t *base; /* buf, or the mapped window */
	size_t pos, len;     /* the next record at base[pos]; len bytes valid */
	const volatile sig_atomic_t *changed; /* the map's flag, or g_zero */
	struct capmap *map;  /* NULL: pread()s into buf */
	struct astats *st;
	uint8_t buf[];       /* DIRECT_BUF bytes when not mapped */
};

static const volatile sig_atomic_t g_zero;
#ifndef DIRECT_AHEAD
#define DIRECT_AHEAD 2048
#endif
static bool g_map = true; /* capture_set_mapping */

void capture_set_mapping(bool on)
{
	g_map = on;
}

static void direct_free(struct direct *d)
{
	if (d)
		capmap_free(d->map);
	free(d);
}

struct capture {
	struct src *s;
	size_t n;
	struct astats *st;
	bool live;
	pcap_dumper_t *dump;
	int64_t deadline_ns; /* live: CLOCK_MONOTONIC; 0 none */
	volatile sig_atomic_t stop;
	int64_t t0;
	int last; /* source handed out last, to advance; -1 none */
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->dump) {
		pcap_dump_flush(c->dump);
		pcap_dump_close(c->dump);
	}
	for (size_t i = 0; i < c->n; i++) {
		if (c->s[i].p)
			pcap_close(c->s[i].p);
		direct_free(c->s[i].dr);
	}
	free(c->s);
	free(c);
}

static struct capture *cap_alloc(size_t n, struct astats *st)
{
	struct capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->s = calloc(n, sizeof(*c->s));
	if (!c->s) {
		free(c);
		return NULL;
	}
	c->n = n;
	c->st = st;
	c->t0 = INT64_MIN;
	c->last = -1;
	return c;
}

/* A link type whose records libpcap hands over as they are in the file. */
static bool plain_dlt(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_RAW || dlt == DLT_LINUX_SLL ||
	       dlt == DLT_LINUX_SLL2 || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

/* The direct reader for p's file, or NULL when libpcap is to read it all:
 * not a regular file, not classic pcap 2.4 in the host's byte order, another
 * link type, or no memory. */
static struct direct *direct_open(pcap_t *p, struct astats *as)
{
	FILE *f = pcap_file(p);
	struct stat st;
	unsigned char h[24];
	if (!f || pcap_is_swapped(p) || !plain_dlt(pcap_datalink(p)) ||
	    pcap_snapshot(p) <= 0 || (size_t)pcap_snapshot(p) + 16 > DIRECT_BUF)
		return NULL;
	int fd = fileno(f);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || ftell(f) != 24 ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return NULL;
	uint32_t magic;
	uint16_t major, minor;
	memcpy(&magic, h, 4);
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	if ((magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) || major != 2 || minor != 4)
		return NULL;
	struct capmap *m = g_map ? capmap_new(fd) : NULL;
	struct direct *d = malloc(sizeof(*d) + (m ? 0 : DIRECT_BUF));
	if (!d) {
		capmap_free(m);
		return NULL;
	}
	d->map = m;
	d->base = m ? NULL : d->buf;
	d->changed = m ? capmap_flag(m) : &g_zero;
	d->st = as;
	d->fd = fd;
	d->nano_file = magic == 0xa1b23c4du;
	d->err = false;
	d->snap = (uint32_t)pcap_snapshot(p);
	d->boff = 24;
	d->pos = d->len = 0;
	return d;
}

/* At least need bytes from the next record in the buffer (reading on);
 * fewer only at the file's end or on a read error. (The refill, out of
 * line: direct_have below is the per-packet test.) */
static size_t __attribute__((noinline)) direct_refill(struct direct *d, size_t need)
{
	if (d->map) {
		d->boff += (int64_t)d->pos;
		d->pos = 0;
		d->len = capmap_view(d->map, d->boff, &d->base);
		if (d->len == (size_t)-1) {
			d->len = 0;
			d->err = true; /* libpcap from here, or the change is reported */
		}
		return d->len;
	}
	size_t rem = d->len - d->pos;
	memmove(d->buf, d->buf + d->pos, rem);
	d->boff += (int64_t)d->pos;
	d->pos = 0;
	d->len = rem;
	while (d->len < need) {
		ssize_t r = pread(d->fd, d->buf + d->len, DIRECT_BUF - d->len,
				  (off_t)(d->boff + (int64_t)d->len));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			d->err = true; /* libpcap reads on and says what it finds */
		if (r <= 0)
			break;
		d->len += (size_t)r;
	}
	return d->len - d->pos;
}

static inline size_t direct_have(struct direct *d, size_t need)
{
	size_t n = d->len - d->pos;
	return n >= need ? n : direct_refill(d, need);
}

/* libpcap from this record on: its own reading of what is unusual. -1. */
static int __attribute__((noinline)) direct_drop(struct src *s)
{
	struct direct *d = s->dr;
	int64_t at = d->boff + (int64_t)d->pos;
	direct_free(d);
	s->dr = NULL;
	if (fseeko(pcap_file(s->p), (off_t)at, SEEK_SET) != 0)
		rb_log(LOG_WARNING, "%s: cannot seek back for libpcap (%s)", s->path, strerror(errno));
	return -1;
}

/* The mapped file was cut short under the reader: as libpcap ends a file
 * cut inside a record (src_fill), the rest skipped. 0: the end. */
static int __attribute__((noinline)) direct_changed(struct src *s)
{
	struct direct *d = s->dr;
	if (d->st)
		d->st->n[ASKIP_CORRUPT_RECORD]++;
	rb_log(LOG_WARNING,
	       "%s: the file was cut short while it was read (near byte %lld); the rest of "
	       "this file is skipped",
	       s->path, (long long)(d->boff + (int64_t)d->pos));
	direct_free(d);
	s->dr = NULL;
	s->done = true;
	return 0;
}

/*
 * The next record of s directly: 1 with *out filled (its time, data and
 * lengths), 0 at the file's clean end, -1 when libpcap is to read from this
 * record on (the FILE is positioned there and s->dr dropped).
 */
static inline int direct_next(struct src *s, struct cap_pkt *out)
{
	struct direct *d = s->dr;
	size_t n = direct_have(d, 16);
	if (n == 0 && !d->err)
		return 0;
	uint32_t hd[4]; /* seconds, fraction, captured length, wire length */
	if (n >= 16) {
		memcpy(hd, d->base + d->pos, 16);
		/* the flag read after the header (a fault there raises it) */
		atomic_signal_fence(memory_order_seq_cst);
		if (__builtin_expect(*d->changed != 0, 0))
			return direct_changed(s);
		size_t rl = 16 + (size_t)hd[2];
		if (hd[2] <= d->snap && hd[2] <= hd[3] && direct_have(d, rl) >= rl) {
			/* signed, as libpcap's struct pcap_timeval reads them */
			out->ts_ns = (int64_t)(int32_t)hd[0] * 1000000000 +
				     (int64_t)(int32_t)hd[1] * (d->nano_file ? 1 : 1000);
			out->data = d->base + d->pos + 16;
			out->caplen = hd[2];
			out->wirelen = hd[3];
			d->pos += rl;
			if (d->map) {
				const char *ah = (const char *)d->base + d->pos + DIRECT_AHEAD;
				for (size_t o = 0; o < rl; o += 64)
					__builtin_prefetch(ah + o);
			}
			return 1;
		}
	}
	return *d->changed ? direct_changed(s) : direct_drop(s);
}

int capture_open_files(struct capture **out, char *const *paths, size_t n, struct astats *st,
		       char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE];
	int rc = 0;
	struct capture *c = NULL;
	if (!out || !paths || !n) {
		rc = EINVAL;
		goto out;
	}
	c = cap_alloc(n, st);
	if (!c) {
		rc = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "rb");
		if (!f) {
			rc = errno;
			snprintf(err, errlen, "%s: %s", paths[i], strerror(rc));
			goto out;
		}
		eb[0] = '\0';
		/* pcap_fopen_offline takes the FILE and closes it with the handle. */
		pcap_t *p =
		    pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, eb);
		if (!p) {
			fclose(f);
			rc = EINVAL;
			snprintf(err, errlen, "%s: not a capture file libpcap can read (%s)",
				 paths[i], eb);
			goto out;
		}
		c->s[i].p = p;
		c->s[i].path = paths[i];
		c->s[i].dlt = pcap_datalink(p);
		c->s[i].nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
		c->s[i].dr = direct_open(p, st);
	}
out:
	if (rc) {
		capture_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

int capture_open_stream(struct capture **out, FILE *f, const char *name, struct astats *st,
			char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = cap_alloc(1, st);
	if (!c) {
		fclose(f);
		return ENOMEM;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, eb);
	if (!p) {
		fclose(f);
		capture_close(c);
		snprintf(err, errlen, "%s: not a capture file libpcap can read (%s)", name, eb);
		return EINVAL;
	}
	c->s[0].p = p;
	c->s[0].path = name;
	c->s[0].dlt = pcap_datalink(p);
	c->s[0].nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	*out = c;
	return 0;
}

/* pcap_activate, its failure as an errno: EPERM (no capture right), ENODEV, EIO. */
static int activate(pcap_t *p, const char *ifname, char *err, size_t errlen)
{
	int a = pcap_activate(p);
	if (a >= 0)
		return 0;
	if (a == PCAP_ERROR_PERM_DENIED) {
		snprintf(err, errlen,
			 "%s: not permitted to capture (run as root or give the program "
			 "CAP_NET_RAW: setcap cap_net_raw,cap_net_admin=eip): %s",
			 ifname, pcap_geterr(p));
		return EPERM;
	}
	if (a == PCAP_ERROR_NO_SUCH_DEVICE) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return ENODEV;
	}
	snprintf(err, errlen, "%s: %s", ifname, pcap_geterr(p));
	return EIO;
}

/* The BPF filter: EINVAL when it does not compile, EIO when it cannot be set. */
static int set_filter(pcap_t *p, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "--filter '%s': %s", filter, pcap_geterr(p));
		return EINVAL;
	}
	int s = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (s != 0) {
		snprintf(err, errlen, "--filter: %s", pcap_geterr(p));
		return EIO;
	}
	return 0;
}

int capture_open_live(struct capture **out, const char *ifname, const char *filter,
		      const char *write_path, int64_t duration_us, struct astats *st, char *err,
		      size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	int rc = 0;
	struct capture *c = cap_alloc(1, st);
	if (!c)
		return ENOMEM;
	c->live = true;
	pcap_t *p = pcap_create(ifname, eb);
	if (!p) {
		rc = ENODEV;
		snprintf(err, errlen, "%s: %s", ifname, eb);
		goto out;
	}
	c->s[0].p = p;
	c->s[0].path = ifname;
	pcap_set_snaplen(p, 262144);
	pcap_set_promisc(p, 0);
	pcap_set_timeout(p, 100);
	pcap_set_buffer_size(p, 32 * 1024 * 1024);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO); /* falls back to micro */
	if ((rc = activate(p, ifname, err, errlen)) != 0)
		goto out;
	c->s[0].dlt = pcap_datalink(p);
	c->s[0].nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	if (filter && *filter && (rc = set_filter(p, filter, err, errlen)) != 0)
		goto out;
	if (write_path) {
		c->dump = pcap_dump_open(p, write_path);
		if (!c->dump) {
			rc = EIO;
			snprintf(err, errlen, "--write %s: %s", write_path, pcap_geterr(p));
			goto out;
		}
	}
	/* Non-blocking reads and our own poll(): libpcap's read timeout does not
	 * fire on Linux while no packet arrives, and we must see the deadline
	 * and Ctrl-C. */
	if (pcap_setnonblock(p, 1, eb) != 0 || pcap_get_selectable_fd(p) < 0) {
		rc = EIO;
		snprintf(err, errlen, "%s: %s", ifname, eb[0] ? eb : "no selectable descriptor");
		goto out;
	}
	if (duration_us > 0)
		c->deadline_ns = mono_ns() + duration_us * 1000;
out:
	if (rc) {
		capture_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void capture_stop(struct capture *c)
{
	c->stop = 1;
	if (c->live && c->s[0].p)
		pcap_breakloop(c->s[0].p);
}

int capture_stats(struct capture *c, struct cap_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!c->live || !c->s[0].p)
		return ENOTSUP;
	struct pcap_stat ps;
	if (pcap_stats(c->s[0].p, &ps) != 0)
		return EIO;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->if_dropped = ps.ps_ifdrop;
	return 0;
}

int64_t capture_t0_ns(const struct capture *c)
{
	return c->t0;
}

/* Reads the next record of source i into s->rec; marks it done at the end. */
static void src_fill(struct capture *c, size_t i)
{
	struct src *s = &c->s[i];
	if (s->dr && !s->have && !s->done) {
		int r = direct_next(s, &s->rec);
		if (r == 1) {
			s->rec.dlt = s->dlt;
			s->rec.file = (int)i;
			s->have = true;
			if (c->st)
				c->st->packets++;
			return;
		}
		if (r == 0)
			s->done = true; /* libpcap: PCAP_ERROR_BREAK at the end */
	}
	while (!s->have && !s->done) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int r = pcap_next_ex(s->p, &h, &d);
		if (r == 1) {
			s->rec.dlt = s->dlt;
			s->rec.ts_ns = (int64_t)h->ts.tv_sec * 1000000000 +
				       (int64_t)h->ts.tv_usec * (s->nano ? 1 : 1000);
			s->rec.data = d;
			s->rec.caplen = h->caplen;
			s->rec.wirelen = h->len;
			s->rec.file = (int)i;
			s->have = true;
			if (c->st)
				c->st->packets++;
			if (c->dump)
				pcap_dump((u_char *)c->dump, h, d);
		} else if (r == 0) { /* live: nothing yet */
			if (c->stop || (c->deadline_ns && mono_ns() >= c->deadline_ns)) {
				s->done = true;
			} else {
				struct pollfd pf = {.fd = pcap_get_selectable_fd(s->p), .events = POLLIN};
				poll(&pf, 1, 100); /* EINTR (Ctrl-C) is fine: the flag is checked */
			}
		} else if (r == PCAP_ERROR_BREAK) {
			s->done = true;
		} else if (r == PCAP_ERROR) {
			if (c->st)
				c->st->n[ASKIP_CORRUPT_RECORD]++;
			rb_log(LOG_WARNING, "%s: %s; the rest of this file is skipped", s->path,
			       pcap_geterr(s->p));
			s->done = true;
		} else {
			s->done = true;
		}
		if (c->live && !s->done &&
		    (c->stop || (c->deadline_ns && mono_ns() >= c->deadline_ns))) {
			s->done = true;
			s->have = false;
		}
	}
}

/*
 * capture_next for one file read directly: the record straight into *p.
 * Returns 0 or ENODATA as capture_next, or -1 when the general path is to
 * go on (libpcap reads from this record on). Nothing is held in s->rec:
 * copying the record out of it, just written field by field, was a
 * store-forwarding stall on every packet.
 */
static int next_direct1(struct capture *c, struct cap_pkt *p)
{
	struct src *s = &c->s[0];
	s->have = false;
	c->last = -1;
	if (s->done)
		return ENODATA;
	int r = direct_next(s, p);
	if (r == 0) {
		s->done = true;
		return ENODATA;
	}
	if (r < 0)
		return -1;
	p->dlt = s->dlt;
	p->file = 0;
	if (c->st)
		c->st->packets++;
	if (c->t0 == INT64_MIN)
		c->t0 = p->ts_ns; /* time zero: the first packet (see below) */
	return 0;
}

int capture_next(struct capture *c, struct cap_pkt *p)
{
	if (c->n == 1 && c->s[0].dr && !c->stop) {
		int r = next_direct1(c, p);
		if (r >= 0)
			return r;
	}
	if (c->last >= 0) {
		c->s[c->last].have = false;
		c->last = -1;
	}
	if (c->stop)
		return ENODATA;
	int best = -1;
	for (size_t i = 0; i < c->n; i++) {
		src_fill(c, i);
		if (c->s[i].have && (best < 0 || c->s[i].rec.ts_ns < c->s[best].rec.ts_ns))
			best = (int)i;
	}
	if (best < 0)
		return ENODATA;
	if (c->t0 == INT64_MIN) {
		/* Time zero: the first packet of the first file (Wireshark's
		 * frame.time_relative); with several files that is file 0's first. */
		if (c->s[0].have)
			c->t0 = c->s[0].rec.ts_ns;
		else
			c->t0 = c->s[best].rec.ts_ns;
	}
	*p = c->s[best].rec;
	c->last = best;
	return 0;
}
