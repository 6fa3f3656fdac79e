/* rbf_relay: delay, jitter and reordering for the fault tests (tests/faults/).
 *
 * This kernel has neither the netem qdisc nor nfnetlink_queue, so the SIP
 * leg is impaired in user space: the router namespace of faults_lib.sh
 * routes every packet between the caller's and the center's namespaces
 * into a TUN device (policy routing), this program reads each IP packet,
 * holds it for its drawn delay and writes it back to the same device, from
 * which the kernel forwards it on.  Packets are not changed (only the
 * kernel's TTL decrement), so SIP sees the addresses and ports it would see
 * without the relay.
 *
 *   rbf_relay --tun NAME [--delay-ms D] [--jitter-ms J] [--reorder-pct P]
 *             [--reorder-ms R] [--seed S] --stats FILE
 *
 * Each packet waits D + U(-J, J) ms (never below 0; independent draws, so a
 * large jitter may reorder, as netem's does); with probability P % it waits
 * R ms more, so packets behind it on the same flow overtake it.  On SIGTERM
 * or SIGINT the packets still held are sent at once and FILE gets what was
 * achieved, measured, not configured: packets, delay min/mean/max, packets
 * held back, and packets that left after a later packet of the same flow
 * (source, destination) had left: the reordering a receiver sees.
 * "ready" on stdout once the TUN device exists.  Exit 0, or 2 bad usage,
 * 3 the device could not be made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_PKT 65536
#define MAX_HELD 4096
#define MAX_FLOWS 64
#define HIST_MS 2000 /* delay histogram: 1 ms bins, the last one open */

struct pkt {
	int64_t due_ns, in_ns;
	uint64_t seq; /* read order: ties keep it, and it tells overtaking */
	uint32_t src, dst;
	size_t len;
	unsigned char *data;
};

struct opts {
	const char *tun, *stats;
	double delay, jitter, rpct, rms; /* ms, ms, %, ms */
	unsigned long long seed;
};

struct flow {
	uint32_t src, dst;
	uint64_t max_seq_out; /* highest read order already written, +1 */
};

static struct pkt heap[MAX_HELD];
static size_t nheld;
static struct flow flows[MAX_FLOWS];
static size_t nflows;
static volatile sig_atomic_t stop;

static struct {
	uint64_t packets, held_back, reordered, overflow, write_errors;
	int64_t dmin_ns, dmax_ns, dsum_ns;
	uint64_t hist[HIST_MS + 1];
} st = {.dmin_ns = INT64_MAX};

static uint64_t rng_state;

/* xorshift64*: a fixed seed gives the same draws, so a failing run can be
 * repeated with the same impairment pattern. */
static double uniform01(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int earlier(const struct pkt *a, const struct pkt *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(struct pkt p)
{
	size_t i = nheld++;
	heap[i] = p;
	while (i > 0 && earlier(&heap[i], &heap[(i - 1) / 2])) {
		struct pkt t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct pkt heap_pop(void)
{
	struct pkt top = heap[0];
	heap[0] = heap[--nheld];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < nheld && earlier(&heap[l], &heap[m]))
			m = l;
		if (r < nheld && earlier(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		struct pkt t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

static struct flow *flow_of(uint32_t src, uint32_t dst)
{
	for (size_t i = 0; i < nflows; i++)
		if (flows[i].src == src && flows[i].dst == dst)
			return &flows[i];
	if (nflows == MAX_FLOWS)
		return NULL; /* the test has two flows; more are not measured */
	flows[nflows] = (struct flow){src, dst, 0};
	return &flows[nflows++];
}

static void send_pkt(int fd, struct pkt *p)
{
	if (write(fd, p->data, p->len) != (ssize_t)p->len)
		st.write_errors++;
	int64_t d = now_ns() - p->in_ns;
	if (d < st.dmin_ns)
		st.dmin_ns = d;
	if (d > st.dmax_ns)
		st.dmax_ns = d;
	st.dsum_ns += d;
	st.hist[d / 1000000 < HIST_MS ? d / 1000000 : HIST_MS]++;
	struct flow *f = flow_of(p->src, p->dst);
	if (f) {
		if (p->seq + 1 < f->max_seq_out)
			st.reordered++;
		else
			f->max_seq_out = p->seq + 1;
	}
	free(p->data);
}

static int tun_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI; /* bare IP packets, no header */
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int usage(void)
{
	fprintf(stderr, "usage: rbf_relay --tun NAME [--delay-ms D] [--jitter-ms J] "
			"[--reorder-pct P] [--reorder-ms R] [--seed S] --stats FILE\n");
	return 2;
}

static int write_stats(const struct opts *o)
{
	FILE *f = fopen(o->stats, "w");
	if (!f)
		return -1;
	double n = st.packets ? (double)st.packets : 1;
	fprintf(f, "configured_delay_ms=%.1f\nconfigured_jitter_ms=%.1f\n"
		   "configured_reorder_pct=%.1f\nconfigured_reorder_ms=%.1f\n",
		o->delay, o->jitter, o->rpct, o->rms);
	fprintf(f, "packets=%llu\nheld_back=%llu\nreordered=%llu\n",
		(unsigned long long)st.packets, (unsigned long long)st.held_back,
		(unsigned long long)st.reordered);
	fprintf(f, "reordered_pct=%.2f\n", 100.0 * (double)st.reordered / n);
	fprintf(f, "delay_min_ms=%.2f\ndelay_mean_ms=%.2f\ndelay_max_ms=%.2f\n",
		st.packets ? (double)st.dmin_ns / 1e6 : 0.0, (double)st.dsum_ns / n / 1e6,
		(double)st.dmax_ns / 1e6);
	/* p50 and p99 to the millisecond above: the outliers of a busy machine
	 * (a late wake-up) show in the max, not in the bulk. */
	uint64_t seen = 0, n50 = (st.packets + 1) / 2, n99 = (st.packets * 99 + 99) / 100;
	int p50 = -1, p99 = -1;
	for (int i = 0; i <= HIST_MS && st.packets; i++) {
		seen += st.hist[i];
		if (p50 < 0 && seen >= n50)
			p50 = i + 1;
		if (p99 < 0 && seen >= n99)
			p99 = i + 1;
	}
	fprintf(f, "delay_p50_ms=%d\ndelay_p99_ms=%d\n", p50, p99);
	fprintf(f, "overflow_sent_at_once=%llu\nwrite_errors=%llu\n",
		(unsigned long long)st.overflow, (unsigned long long)st.write_errors);
	return fclose(f);
}

/* --name value pairs; 0, or usage()'s 2. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.rms = 40, .seed = 1};
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return usage();
		if (!strcmp(a, "--tun"))
			o->tun = v;
		else if (!strcmp(a, "--stats"))
			o->stats = v;
		else if (!strcmp(a, "--delay-ms"))
			o->delay = atof(v);
		else if (!strcmp(a, "--jitter-ms"))
			o->jitter = atof(v);
		else if (!strcmp(a, "--reorder-pct"))
			o->rpct = atof(v);
		else if (!strcmp(a, "--reorder-ms"))
			o->rms = atof(v);
		else if (!strcmp(a, "--seed"))
			o->seed = strtoull(v, NULL, 10);
		else
			return usage();
	}
	if (!o->tun || !o->stats || o->delay < 0 || o->jitter < 0 || o->rpct < 0 || o->rpct > 100 ||
	    o->rms < 0)
		return usage();
	return 0;
}

/* splitmix64 of the seed: a small seed straight into xorshift gives small
 * draws for the first packets (too many held back). */
static void seed_rng(unsigned long long seed)
{
	uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	rng_state = (z ^ (z >> 31)) | 1;
}

/* One packet read from the device: its delay drawn, then held. */
static void take_packet(int fd, const struct opts *o, const unsigned char *buf, size_t n, uint64_t seq)
{
	struct pkt p = {.in_ns = now_ns(), .seq = seq, .len = n, .src = be32(buf + 12),
			.dst = be32(buf + 16)};
	double d = o->delay + (2 * uniform01() - 1) * o->jitter;
	if (o->rpct > 0 && uniform01() * 100 < o->rpct) {
		d += o->rms;
		st.held_back++;
	}
	if (d < 0)
		d = 0;
	p.due_ns = p.in_ns + (int64_t)(d * 1e6);
	st.packets++;
	p.data = malloc(p.len);
	if (!p.data) {
		st.write_errors++; /* not sent: said in the figures, not silent */
		return;
	}
	memcpy(p.data, buf, p.len);
	if (nheld == MAX_HELD) {
		/* Full: send it now rather than drop it, and say so, since a drop
		 * here would be loss the test did not ask for. */
		st.overflow++;
		send_pkt(fd, &p);
		return;
	}
	heap_push(p);
}

/* Until SIGTERM/SIGINT: packets due are sent, new ones taken; then the
 * packets still held are sent at once. */
static void relay(int fd, const struct opts *o)
{
	static unsigned char buf[MAX_PKT];
	uint64_t seq = 0;
	while (!stop) {
		int64_t now = now_ns();
		while (nheld && heap[0].due_ns <= now) {
			struct pkt p = heap_pop();
			send_pkt(fd, &p);
		}
		/* ppoll: a nanosecond timeout, where poll's milliseconds rounded
		 * up would add up to 1 ms to every delay. */
		struct timespec ts = {1, 0};
		if (nheld && heap[0].due_ns - now < 1000000000)
			ts = (struct timespec){0, (long)(heap[0].due_ns - now)};
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (ppoll(&pfd, 1, &ts, NULL) <= 0)
			continue; /* a signal or a packet due */
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 20 || (buf[0] >> 4) != 4)
			continue; /* IPv4 only: the test network has nothing else */
		take_packet(fd, o, buf, (size_t)n, seq++);
	}
	while (nheld) {
		struct pkt p = heap_pop();
		send_pkt(fd, &p);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse_args(argc, argv, &o) != 0)
		return 2;
	seed_rng(o.seed);
	int fd = tun_open(o.tun);
	if (fd < 0) {
		fprintf(stderr, "rbf_relay: TUN device %s: %s\n", o.tun, strerror(errno));
		return 3;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	relay(fd, &o);
	if (write_stats(&o) != 0) {
		fprintf(stderr, "rbf_relay: %s: %s\n", o.stats, strerror(errno));
		return 3;
	}
	return 0;
}
