/*
 * mkcapture: a SIP capture of many calls, for the analyzer's benchmark,
 * written with libpcap's pcap_dump (Ethernet, IPv4, UDP, nanosecond times).
 *
 *   mkcapture CALLS.CSV OUT.pcap      calls from `ringbench model --calls all`
 *   mkcapture --synthetic N OUT.pcap  N calls of its own (Poisson at 10/s)
 *   mkcapture --port-per-call ...     either, with each call's caller on a
 *                                     port of its own (10000 + call % 50000)
 *                                     instead of every call on 5061: one UDP
 *                                     5-tuple per call, to tell whether a
 *                                     peer's cost comes from the shared one
 *
 * Each call offered to the center becomes what SIPp and a center would send:
 * INVITE with an SDP offer (Diversion when forwarded after no answer), 100,
 * 180, then 200 with an SDP answer, ACK, BYE and its 200; or CANCEL, its 200,
 * 487 and the ACK; or the final answer and its ACK. Messages are about the
 * size of SIPp's. Calls overlap: a heap of calls in progress keeps the
 * packets in time order with memory bounded by the calls in progress.
 */
#include <errno.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_S 1750000000LL

struct ev {
	int64_t t; /* ns from time zero */
	int kind;
};

enum {
	E_INV,
	E_100,
	E_180,
	E_200,
	E_ACK,
	E_BYE,
	E_BYE200,
	E_CANCEL,
	E_CAN200,
	E_487,
	E_ACKF,
	E_FINAL
};

struct call {
	char id[64];
	int fwd_na;
	int status;
	int nev, cur;
	struct ev ev[10];
	unsigned n;
};

static struct call **heap;
static size_t nheap, capheap;

static int64_t next_t(const struct call *c)
{
	return c->ev[c->cur].t;
}

static void hpush(struct call *c)
{
	if (nheap == capheap) {
		capheap = capheap ? capheap * 2 : 1024;
		heap = realloc(heap, capheap * sizeof(*heap));
		if (!heap)
			exit(1);
	}
	size_t i = nheap++;
	while (i && next_t(heap[(i - 1) / 2]) > next_t(c)) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = c;
}

static struct call *hpop(void)
{
	struct call *top = heap[0], *last = heap[--nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < nheap && next_t(heap[l]) < next_t(last))
			m = l;
		if (l + 1 < nheap &&
		    next_t(heap[l + 1]) < (m == i ? next_t(last) : next_t(heap[m])))
			m = l + 1;
		if (m == i)
			break;
		heap[i] = heap[m];
		i = m;
	}
	if (nheap)
		heap[i] = last;
	return top;
}

static pcap_dumper_t *dumper;
static uint16_t ipid;

static void w16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int port_per_call;

static void emit(int64_t t, int from_center, unsigned call, const char *msg, size_t n)
{
	unsigned caller = port_per_call ? 10000 + call % 50000 : 5061;
	static uint8_t b[4096];
	memcpy(b, "\x00\x00\x5e\x00\x53\x02\x00\x00\x5e\x00\x53\x01\x08\x00", 14);
	uint8_t *ip = b + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	w16(ip + 2, (unsigned)(28 + n));
	w16(ip + 4, ipid++);
	ip[8] = 64;
	ip[9] = 17;
	uint8_t a[4] = {10, 1, 0, 10}, c[4] = {10, 1, 0, 20};
	memcpy(ip + 12, from_center ? c : a, 4);
	memcpy(ip + 16, from_center ? a : c, 4);
	uint8_t *u = ip + 20;
	w16(u, from_center ? 5060 : caller);
	w16(u + 2, from_center ? caller : 5060);
	w16(u + 4, (unsigned)(8 + n));
	w16(u + 6, 0);
	memcpy(u + 8, msg, n);
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(BASE_S + t / 1000000000);
	h.ts.tv_usec = (suseconds_t)(t % 1000000000);
	h.caplen = h.len = (bpf_u_int32)(42 + n);
	pcap_dump((u_char *)dumper, &h, b);
}

static const char SDP[] = "v=0\r\no=user1 53655765 2353687637 IN IP4 10.1.0.10\r\ns=-\r\n"
			  "c=IN IP4 10.1.0.10\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
			  "a=rtpmap:0 PCMU/8000\r\n";

static void message(const struct call *k, int kind, int64_t t)
{
	char b[2048];
	const char *to_tag = kind == E_INV || kind == E_CANCEL || kind == E_100 ? "" : ";tag=c";
	int n = 0;
	const char *req = NULL, *status = NULL;
	int cseq = 1, center = 0, sdp = 0;
	const char *cm = "INVITE";
	switch (kind) {
	case E_INV:
		req = "INVITE";
		sdp = 1;
		break;
	case E_100:
		status = "100 Trying";
		center = 1;
		break;
	case E_180:
		status = "180 Ringing";
		center = 1;
		break;
	case E_200:
		status = "200 OK";
		center = 1;
		sdp = 1;
		break;
	case E_ACK:
		req = "ACK";
		cm = "ACK";
		break;
	case E_BYE:
		req = "BYE";
		cm = "BYE";
		cseq = 2;
		break;
	case E_BYE200:
		status = "200 OK";
		cm = "BYE";
		cseq = 2;
		center = 1;
		break;
	case E_CANCEL:
		req = "CANCEL";
		cm = "CANCEL";
		break;
	case E_CAN200:
		status = "200 OK";
		cm = "CANCEL";
		center = 1;
		break;
	case E_487:
		status = "487 Request Terminated";
		center = 1;
		break;
	case E_ACKF:
		req = "ACK";
		cm = "ACK";
		break;
	case E_FINAL:
		status = k->status == 486 ? "486 Busy Here" : "503 Service Unavailable";
		center = 1;
		break;
	}
	const char *branch = (kind == E_ACK || kind == E_BYE || kind == E_BYE200) ? "x" : "0";
	if (req)
		n = snprintf(b, sizeof(b), "%s sip:0312345678@10.1.0.20:5060 SIP/2.0\r\n", req);
	else
		n = snprintf(b, sizeof(b), "SIP/2.0 %s\r\n", status);
	n += snprintf(b + n, sizeof(b) - (size_t)n,
		      "Via: SIP/2.0/UDP 10.1.0.10:5061;branch=z9hG4bK-%s-%s\r\n"
		      "From: sipp <sip:sipp@10.1.0.10:5061>;tag=%u\r\n"
		      "To: <sip:0312345678@10.1.0.20:5060>%s\r\n"
		      "Call-ID: %s\r\n"
		      "CSeq: %d %s\r\n"
		      "Contact: <sip:sipp@10.1.0.%s:%s>\r\n"
		      "Max-Forwards: 70\r\n"
		      "%s"
		      "%s"
		      "Content-Length: %zu\r\n\r\n%s",
		      k->id, branch, k->n, to_tag, k->id, cseq, cm, center ? "20" : "10",
		      center ? "5060" : "5061",
		      kind == E_INV && k->fwd_na
			  ? "Diversion: <sip:0398765432@10.1.0.10>;reason=no-answer\r\n"
			  : "",
		      sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen(SDP) : (size_t)0,
		      sdp ? SDP : "");
	emit(t, center, k->n, b, (size_t)n);
}

/* calls.csv columns we read. */
struct row {
	int64_t t_invite, t_ringing, t_answer, t_cancel, t_final, t_end;
	int status, fwd_na;
	char id[48];
};

static int64_t parse_t(const char *s)
{
	if (!*s)
		return -1;
	/* seconds with six decimals -> ns */
	char *e;
	long long whole = strtoll(s, &e, 10);
	long long frac = 0;
	int digits = 0;
	if (*e == '.')
		for (e++; *e >= '0' && *e <= '9' && digits < 9; e++, digits++)
			frac = frac * 10 + (*e - '0');
	while (digits++ < 9)
		frac *= 10;
	return whole * 1000000000LL + frac;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return x->t_invite < y->t_invite ? -1 : x->t_invite > y->t_invite;
}

static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	char *nl = strchr(f[n - 1], '\n');
	if (nl)
		*nl = '\0';
	return n;
}

static struct row *read_csv(const char *path, size_t *nrows)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char line[4096];
	char *fld[64];
	int col[7] = {-1, -1, -1, -1, -1, -1, -1}, cst = -1, cfwd = -1, cid = -1;
	const char *names[7] = {"t_invite", "t_ringing", "t_answer", "t_cancel",
				"t_final",  "t_end",	 NULL};
	if (!fgets(line, sizeof(line), f))
		exit(2);
	size_t nf = split(line, fld, 64);
	for (size_t i = 0; i < nf; i++) {
		for (int k = 0; k < 6; k++)
			if (!strcmp(fld[i], names[k]))
				col[k] = (int)i;
		if (!strcmp(fld[i], "final_status"))
			cst = (int)i;
		if (!strcmp(fld[i], "forwarding"))
			cfwd = (int)i;
		if (!strcmp(fld[i], "call_id"))
			cid = (int)i;
	}
	size_t cap = 1 << 16, n = 0;
	struct row *r = malloc(cap * sizeof(*r));
	while (fgets(line, sizeof(line), f)) {
		nf = split(line, fld, 64);
		if ((int)nf <= col[0] || !*fld[col[0]])
			continue; /* never reached the center */
		if (n == cap) {
			cap *= 2;
			r = realloc(r, cap * sizeof(*r));
		}
		struct row *x = &r[n++];
		int64_t *tt[6] = {&x->t_invite, &x->t_ringing, &x->t_answer,
				  &x->t_cancel, &x->t_final,   &x->t_end};
		for (int k = 0; k < 6; k++)
			*tt[k] = parse_t(fld[col[k]]);
		x->status = atoi(fld[cst]);
		x->fwd_na = !strcmp(fld[cfwd], "no-answer");
		snprintf(x->id, sizeof(x->id), "%s", fld[cid]);
	}
	fclose(f);
	qsort(r, n, sizeof(*r), cmp_row);
	*nrows = n;
	return r;
}

static double urand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((*s >> 11) + 0.5) / 9007199254740992.0;
}

static struct row *synthetic(size_t n)
{
	struct row *r = calloc(n, sizeof(*r));
	uint64_t s = 88172645463325252ULL;
	double t = 0;
	for (size_t i = 0; i < n; i++) {
		t += -log(urand(&s)) / 10.0; /* 10 calls/s */
		struct row *x = &r[i];
		x->t_invite = (int64_t)(t * 1e9);
		x->t_ringing = x->t_invite + 1000000;
		double wait = -log(urand(&s)) * 8, patience = -log(urand(&s)) * 40;
		x->t_answer = x->t_cancel = x->t_final = x->t_end = -1;
		if (urand(&s) < 0.02) {
			x->status = 486;
			x->t_final = x->t_invite + 300000000;
		} else if (patience < wait) {
			x->status = 487;
			x->t_cancel = x->t_invite + (int64_t)(patience * 1e9);
		} else {
			x->status = 200;
			x->t_answer = x->t_final = x->t_invite + (int64_t)(wait * 1e9);
			x->t_end = x->t_answer + (int64_t)(-log(urand(&s)) * 90e9);
		}
		x->fwd_na = urand(&s) < 0.4;
		snprintf(x->id, sizeof(x->id), "s%zu@bench", i);
	}
	return r;
}

static void build(struct call *c, const struct row *x, unsigned n)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", x->id);
	c->fwd_na = x->fwd_na;
	c->status = x->status;
	c->n = n;
	int64_t t0 = x->t_invite;
	int64_t tr = x->t_ringing >= 0 ? x->t_ringing : t0 + 1000000;
#define EV(tt, k) (c->ev[c->nev].t = (tt), c->ev[c->nev++].kind = (k))
	EV(t0, E_INV);
	EV(t0 + 500000 < tr ? t0 + 500000 : tr, E_100);
	EV(tr, E_180);
	if (x->t_answer >= 0) {
		int64_t ta = x->t_answer > tr ? x->t_answer : tr + 1000;
		EV(ta, E_200);
		EV(ta + 1000000, E_ACK);
		int64_t te = x->t_end > ta + 1000000 ? x->t_end : ta + 2000000;
		EV(te, E_BYE);
		EV(te + 1000000, E_BYE200);
	} else if (x->t_cancel >= 0) {
		int64_t tc = x->t_cancel > tr ? x->t_cancel : tr + 1000;
		EV(tc, E_CANCEL);
		EV(tc + 500000, E_CAN200);
		EV(tc + 1000000, E_487);
		EV(tc + 1500000, E_ACKF);
	} else if (x->t_final >= 0) {
		int64_t tf = x->t_final > tr ? x->t_final : tr + 1000;
		EV(tf, E_FINAL);
		EV(tf + 1000000, E_ACKF);
	}
#undef EV
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--port-per-call")) {
		port_per_call = 1;
		argv++;
		argc--;
	}
	if (argc != 3 && !(argc == 4 && !strcmp(argv[1], "--synthetic"))) {
		fprintf(stderr, "usage: mkcapture [--port-per-call] CALLS.CSV OUT.pcap | --synthetic N OUT.pcap\n");
		return 2;
	}
	size_t n;
	struct row *rows;
	const char *out;
	if (argc == 4) {
		n = (size_t)strtoull(argv[2], NULL, 10);
		rows = synthetic(n);
		out = argv[3];
	} else {
		rows = read_csv(argv[1], &n);
		out = argv[2];
	}
	pcap_t *pd =
	    pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
	dumper = pcap_dump_open(pd, out);
	if (!dumper) {
		fprintf(stderr, "mkcapture: %s\n", pcap_geterr(pd));
		return 3;
	}
	size_t i = 0;
	unsigned long long pk = 0;
	/* a free list of call slots: memory bounded by the calls in progress */
	struct call *freel = NULL;
	while (i < n || nheap) {
		if (i < n && (!nheap || rows[i].t_invite <= next_t(heap[0]))) {
			struct call *c = freel ? freel : malloc(sizeof(*c));
			if (freel)
				freel = *(struct call **)freel;
			build(c, &rows[i], (unsigned)i);
			i++;
			hpush(c);
			continue;
		}
		struct call *c = hpop();
		message(c, c->ev[c->cur].kind, c->ev[c->cur].t);
		pk++;
		if (++c->cur < c->nev) {
			hpush(c);
		} else {
			*(struct call **)c = freel;
			freel = c;
		}
	}
	pcap_dump_close(dumper);
	pcap_close(pd);
	/* what the capture holds, for bench/analyze/run.sh to check the
	 * analyzers' answers against (machine-readable, on stdout) */
	size_t ans = 0, can = 0;
	for (size_t k = 0; k < n; k++) {
		ans += rows[k].t_answer >= 0;
		can += rows[k].t_answer < 0 && rows[k].t_cancel >= 0;
	}
	printf("calls %zu answered %zu cancelled %zu other %zu packets %llu\n", n, ans, can,
	       n - ans - can, pk);
	fprintf(stderr, "mkcapture: %zu calls, %llu packets -> %s\n", n, pk, out);
	free(rows);
	return 0;
}
