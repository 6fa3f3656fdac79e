/*
 * bench_sipmsg: messages parsed per CPU second by core/sipmsg (strict, as
 * secretaryd parses; lenient, as the analyzer did; scan, sipmsg_scan with
 * the lenient parse for what it leaves, as the analyzer does) against libosip2's
 * parser (Debian libosip2-dev), measured in the same round on the same
 * messages. Every parser reads the values a server needs (top Via branch,
 * From tag, Call-ID, CSeq); osip allocates its message tree, sipmsg parses
 * in place.
 *
 *   bench_sipmsg [--rounds R] [--mb M] [--json FILE] MESSAGE-FILE...
 *
 * Each file is one message (bench/sipmsg/run.sh gives the fuzz corpus,
 * fuzz/corpus/sipmsg, and every SIP payload of the captures in
 * tests/data/pcap: cap_* from UDP, whole messages; tcp_* from TCP, segments
 * that may hold part of a message or several). Why a corpus and a big arena rather than
 * one message in a loop: one message parsed again and again stays in the
 * L1 cache and trains the branch predictor on a single path, so it measures
 * a best case no server sees. Here the messages are copied, in a shuffled
 * order, over and over into an arena of M MB (default 64, more than this
 * machine's last-level cache), and each timed pass walks the whole arena:
 * every message comes from memory and the next one is a different shape.
 *
 * Rates are per second of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID),
 * so that other load on a shared machine skews them less; every parser is
 * measured the same way. Ratios are taken within a round, then min, median
 * and max over the rounds.
 *
 * The answers are checked too: on every UDP capture message that both sipmsg
 * (lenient) and osip accept, the Call-ID and CSeq number must agree; a
 * disagreement, a capture message that sipmsg's lenient mode refuses, or
 * an empty corpus is exit status 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <osipparser2/osip_parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sipmsg.h"

struct msg {
	char *buf;
	size_t len;
	int from_capture;
	const char *name;
};

struct entry {
	size_t off, len;
};

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile size_t sink;

static int parse_sipmsg(const char *p, size_t len, enum sipmsg_mode mode)
{
	struct sipmsg m;
	if (sipmsg_parse(&m, p, len, mode) != 0)
		return 0;
	struct sipmsg_iter it = {0, 0};
	struct sip_via v;
	if (sipmsg_via_next(&m, &it, &v) == 0)
		sink += v.branch.len;
	sink += m.from_tag.len + m.call_id.len + m.cseq;
	return 1;
}

/* The analyzer's path: sipmsg_scan, and the probe and the lenient parse
 * for what it leaves to them (as analyzers/anl.c reads each message). */
static int scan_sipmsg(const char *p, size_t len)
{
	struct sipmsg m;
	int e = sipmsg_scan(&m, p, len);
	if (e == EAGAIN)
		e = sipmsg_probe(p, len) ? sipmsg_parse(&m, p, len, SIPMSG_LENIENT) : ENOENT;
	if (e != 0)
		return 0;
	struct sipmsg_iter it = {0, 0};
	struct sip_via v;
	if (sipmsg_via_next(&m, &it, &v) == 0)
		sink += v.branch.len;
	sink += m.from_tag.len + m.call_id.len + m.cseq;
	return 1;
}

static int parse_osip(const char *p, size_t len)
{
	osip_message_t *m;
	int ok = 0;
	if (osip_message_init(&m) != 0)
		abort();
	if (osip_message_parse(m, p, len) == 0) {
		ok = 1;
		osip_via_t *via = osip_list_get(&m->vias, 0);
		osip_generic_param_t *br = NULL, *tag = NULL;
		if (via)
			osip_via_param_get_byname(via, "branch", &br);
		if (m->from)
			osip_from_get_tag(m->from, &tag);
		sink += (br && br->gvalue ? strlen(br->gvalue) : 0) +
			(tag && tag->gvalue ? strlen(tag->gvalue) : 0) +
			(m->call_id && m->call_id->number ? 1 : 0) +
			(m->cseq && m->cseq->number ? 1 : 0);
	}
	osip_message_free(m);
	return ok;
}

enum { P_STRICT, P_LENIENT, P_SCAN, P_OSIP, NPARSERS };
#define NRATIOS (NPARSERS - 1) /* each sipmsg row against osip2 */
static const char *pname[NPARSERS] = {"sipmsg strict", "sipmsg lenient", "sipmsg scan", "osip2"};

static int parse_with(int which, const char *p, size_t len)
{
	switch (which) {
	case P_STRICT:
		return parse_sipmsg(p, len, SIPMSG_STRICT);
	case P_LENIENT:
		return parse_sipmsg(p, len, SIPMSG_LENIENT);
	case P_SCAN:
		return scan_sipmsg(p, len);
	default:
		return parse_osip(p, len);
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = malloc(SIPMSG_FRAME_MAX_LENIENT + 1);
	size_t n = b ? fread(b, 1, SIPMSG_FRAME_MAX_LENIENT, f) : 0;
	fclose(f);
	if (!b || n == 0) {
		free(b);
		return NULL;
	}
	*len = n;
	char *fit = realloc(b, n); /* give back the rest of the 1 MiB */
	return fit ? fit : b;
}

/* Call-ID and CSeq as osip sees them, compared with sipmsg's. */
static int agree(const struct msg *x)
{
	struct sipmsg m;
	osip_message_t *o;
	if (sipmsg_parse(&m, x->buf, x->len, SIPMSG_LENIENT) != 0)
		return 1; /* counted elsewhere */
	if (osip_message_init(&o) != 0)
		abort();
	int ok = 1;
	if (osip_message_parse(o, x->buf, x->len) == 0 && o->call_id && o->call_id->number) {
		char cid[1024];
		snprintf(cid, sizeof(cid), "%s%s%s", o->call_id->number, o->call_id->host ? "@" : "",
			 o->call_id->host ? o->call_id->host : "");
		if (strlen(cid) != m.call_id.len || memcmp(cid, m.call_id.p, m.call_id.len) != 0 ||
		    (o->cseq && o->cseq->number && strtoul(o->cseq->number, NULL, 10) != m.cseq)) {
			fprintf(stderr, "bench_sipmsg: %s: sipmsg reads Call-ID %.*s CSeq %u, osip %s CSeq %s\n",
				x->name, (int)m.call_id.len, m.call_id.p, (unsigned)m.cseq, cid,
				o->cseq && o->cseq->number ? o->cseq->number : "-");
			ok = 0;
		}
	}
	osip_message_free(o);
	return ok;
}

static void no_trace(const char *fi, int li, osip_trace_level_t level, const char *chfr, va_list ap)
{
	(void)fi;
	(void)li;
	(void)level;
	(void)chfr;
	(void)ap;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run: its options, the corpus, what the parsers accepted, the arena
 * and the rates measured. */
struct run {
	int rounds;
	double mb;
	const char *json;
	struct msg *msgs;
	size_t nmsg, total; /* messages read, and their bytes */
	size_t accepted[NPARSERS], ncap, ntcp, cap_refused, disagree;
	int failed;
	char *arena;
	size_t used; /* bytes of the arena holding messages */
	struct entry *ent;
	size_t nent;
	size_t *order;
	double rate[NPARSERS][100];
	double mmm[NPARSERS + NRATIOS][3]; /* min, median, max of each rate and ratio */
};

/* The options; the index of the first message file, or -1 after the usage. */
static int parse_args(struct run *r, int argc, char **argv)
{
	r->rounds = 3;
	r->mb = 64;
	r->json = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--rounds"))
			r->rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--mb"))
			r->mb = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--json"))
			r->json = argv[i + 1];
		else
			break;
	}
	if (i >= argc || r->rounds < 1 || r->rounds > 100 || r->mb <= 0) {
		fprintf(stderr, "usage: bench_sipmsg [--rounds R] [--mb M] [--json FILE] MESSAGE-FILE...\n");
		return -1;
	}
	return i;
}

/* The message files argv[i..argc-1], skipping those empty or unreadable;
 * -1 when none is left. */
static int load_corpus(struct run *r, int argc, char **argv, int i)
{
	r->nmsg = r->total = 0;
	r->msgs = calloc((size_t)(argc - i), sizeof(*r->msgs));
	if (!r->msgs)
		abort();
	for (; i < argc; i++) {
		struct msg *x = &r->msgs[r->nmsg];
		x->buf = read_file(argv[i], &x->len);
		if (!x->buf)
			continue; /* empty or unreadable: nothing to parse */
		const char *base = strrchr(argv[i], '/');
		x->name = base ? base + 1 : argv[i];
		/* 1: a UDP datagram of a capture (a whole message); 2: a TCP segment */
		x->from_capture = !strncmp(x->name, "cap_", 4) ? 1 : !strncmp(x->name, "tcp_", 4) ? 2 : 0;
		r->total += x->len;
		r->nmsg++;
	}
	if (r->nmsg == 0) {
		fprintf(stderr, "bench_sipmsg: no messages\n");
		return -1;
	}
	return 0;
}

static void init_osip(void)
{
	parser_init();
	/* osip logs every message it refuses to stderr (Debian's build traces
	 * by default, and disabling the levels alone does not stop it): a
	 * logger of our own that does nothing, with every level off, or the
	 * logging would be timed as parsing */
	osip_trace_initialize_func(TRACE_LEVEL0, no_trace);
	for (int l = TRACE_LEVEL0; l < END_TRACE_LEVEL; l++)
		osip_trace_disable_level((osip_trace_level_t)l);
}

/* What each parser accepts, and do the answers agree? */
static void check_answers(struct run *r)
{
	memset(r->accepted, 0, sizeof r->accepted);
	r->ncap = r->ntcp = r->cap_refused = r->disagree = 0;
	for (size_t k = 0; k < r->nmsg; k++) {
		const struct msg *x = &r->msgs[k];
		for (int p = 0; p < NPARSERS; p++)
			r->accepted[p] += (size_t)parse_with(p, x->buf, x->len);
		r->ntcp += x->from_capture == 2;
		if (x->from_capture == 1) {
			r->ncap++;
			if (!parse_sipmsg(x->buf, x->len, SIPMSG_LENIENT)) {
				fprintf(stderr, "bench_sipmsg: %s: sipmsg (lenient) refuses a captured message\n",
					x->name);
				r->cap_refused++;
			}
			r->disagree += !agree(x);
		}
	}
	r->failed = r->cap_refused || r->disagree;
}

/* The arena: shuffled copies of the corpus until it holds mb MB. */
static void build_arena(struct run *r)
{
	size_t want = (size_t)(r->mb * 1048576), cap = want + 2 * SIPMSG_FRAME_MAX_LENIENT;
	size_t capent = 1024;
	r->used = r->nent = 0;
	r->arena = malloc(cap);
	r->ent = malloc(capent * sizeof(*r->ent));
	r->order = malloc(r->nmsg * sizeof(*r->order));
	if (!r->arena || !r->ent || !r->order)
		abort();
	size_t *order = r->order;
	uint64_t rs = 88172645463325252ULL;
	while (r->used < want) {
		for (size_t k = 0; k < r->nmsg; k++)
			order[k] = k;
		for (size_t k = r->nmsg - 1; k > 0; k--) { /* Fisher-Yates, xorshift64 */
			rs ^= rs << 13;
			rs ^= rs >> 7;
			rs ^= rs << 17;
			size_t j = (size_t)(rs % (k + 1)), t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < r->nmsg && r->used < want; k++) {
			const struct msg *x = &r->msgs[order[k]];
			if (r->nent == capent) {
				capent *= 2;
				r->ent = realloc(r->ent, capent * sizeof(*r->ent));
				if (!r->ent)
					abort();
			}
			memcpy(r->arena + r->used, x->buf, x->len);
			r->ent[r->nent].off = r->used;
			r->ent[r->nent].len = x->len;
			r->nent++;
			r->used += (x->len + 63) & ~(size_t)63; /* each on its own cache lines */
		}
	}
}

/* Each round, every parser walks the whole arena once. */
static void time_rounds(struct run *r)
{
	for (int k = 0; k < r->rounds; k++)
		for (int p = 0; p < NPARSERS; p++) {
			double t0 = cpu_now();
			for (size_t e = 0; e < r->nent; e++)
				parse_with(p, r->arena + r->ent[e].off, r->ent[e].len);
			r->rate[p][k] = (double)r->nent / (cpu_now() - t0);
		}
}

static void print_corpus(const struct run *r)
{
	printf("corpus: %zu messages (%zu UDP datagrams and %zu TCP segments from the captures, %zu fuzz inputs), "
	       "%zu bytes; arena %.0f MB, %zu messages per pass\n",
	       r->nmsg, r->ncap, r->ntcp, r->nmsg - r->ncap - r->ntcp, r->total, (double)r->used / 1048576, r->nent);
	printf("accepted: sipmsg strict %zu, lenient %zu, scan %zu, osip2 %zu of %zu\n",
	       r->accepted[P_STRICT], r->accepted[P_LENIENT], r->accepted[P_SCAN], r->accepted[P_OSIP],
	       r->nmsg);
	printf("answers: %zu captured messages, %zu refused by sipmsg lenient, %zu Call-ID/CSeq disagreements with osip2\n",
	       r->ncap, r->cap_refused, r->disagree);
}

/* Min, median and max over the rounds of each parser's rate, then of each
 * sipmsg mode's ratio to osip2 in the same round: into mmm, and printed. */
static void print_table(struct run *r)
{
	int rounds = r->rounds;
	printf("\n%-16s %14s %14s %14s   (messages per CPU second, %d rounds)\n", "parser", "min", "median", "max", rounds);
	double sorted[100];
	for (int p = 0; p < NPARSERS + NRATIOS; p++) {
		double *m = r->mmm[p];
		for (int k = 0; k < rounds; k++)
			sorted[k] = p < NPARSERS ? r->rate[p][k] : r->rate[p - NPARSERS][k] / r->rate[P_OSIP][k];
		qsort(sorted, (size_t)rounds, sizeof(double), cmp_double);
		m[0] = sorted[0];
		m[1] = rounds % 2 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
		m[2] = sorted[rounds - 1];
		if (p < NPARSERS)
			printf("%-16s %14.0f %14.0f %14.0f\n", pname[p], m[0], m[1], m[2]);
		else
			printf("%-16s %14.2f %14.2f %14.2f   (x osip2, same round)\n", pname[p - NPARSERS], m[0], m[1],
			       m[2]);
	}
}

/* The run as JSON into r->json; 3 when it cannot be opened. */
static int write_json(const struct run *r)
{
	FILE *f = fopen(r->json, "w");
	if (!f) {
		perror(r->json);
		return 3;
	}
	fprintf(f, "{\"benchmark\": \"sipmsg\", \"messages\": %zu, \"from_captures\": %zu, \"bytes\": %zu, "
		   "\"tcp_segments\": %zu, \"arena_mb\": %.1f, \"per_pass\": %zu, \"rounds\": %d,\n \"accepted\": {\"strict\": %zu, "
		   "\"lenient\": %zu, \"scan\": %zu, \"osip2\": %zu}, \"captured_refused\": %zu, \"disagreements\": %zu,\n",
		r->nmsg, r->ncap, r->total, r->ntcp, (double)r->used / 1048576, r->nent, r->rounds, r->accepted[P_STRICT],
		r->accepted[P_LENIENT], r->accepted[P_SCAN], r->accepted[P_OSIP], r->cap_refused, r->disagree);
	const char *key[NPARSERS + NRATIOS] = {"strict", "lenient", "scan", "osip2",
					       "strict_x_osip2", "lenient_x_osip2", "scan_x_osip2"};
	fprintf(f, " \"messages_per_cpu_s\": {");
	for (int p = 0; p < NPARSERS + NRATIOS; p++) {
		if (p == NPARSERS)
			fprintf(f, "},\n \"ratios\": {");
		fprintf(f, "%s\"%s\": {\"min\": %.6g, \"median\": %.6g, \"max\": %.6g}",
			p == 0 || p == NPARSERS ? "" : ", ", key[p], r->mmm[p][0], r->mmm[p][1], r->mmm[p][2]);
	}
	fprintf(f, "},\n \"ok\": %s}\n", r->failed ? "false" : "true");
	fclose(f);
	return 0;
}

static void free_run(struct run *r)
{
	for (size_t k = 0; k < r->nmsg; k++)
		free(r->msgs[k].buf);
	free(r->msgs);
	free(r->arena);
	free(r->ent);
	free(r->order);
}

int main(int argc, char **argv)
{
	static struct run r;
	int first = parse_args(&r, argc, argv);
	if (first < 0)
		return 2;
	if (load_corpus(&r, argc, argv, first))
		return 1;
	init_osip();
	check_answers(&r);
	build_arena(&r);
	time_rounds(&r);
	print_corpus(&r);
	print_table(&r);
	if (r.json && write_json(&r))
		return 3;
	free_run(&r);
	return r.failed ? 1 : 0;
}
