/*
 * bench_sipmsg: messages parsed per CPU second by core/sipmsg (strict, as
 * secretaryd parses; lenient, as the analyzer does) against libosip2's
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

enum { P_STRICT, P_LENIENT, P_OSIP, NPARSERS };
static const char *pname[NPARSERS] = {"sipmsg strict", "sipmsg lenient", "osip2"};

static int parse_with(int which, const char *p, size_t len)
{
	switch (which) {
	case P_STRICT:
		return parse_sipmsg(p, len, SIPMSG_STRICT);
	case P_LENIENT:
		return parse_sipmsg(p, len, SIPMSG_LENIENT);
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

int main(int argc, char **argv)
{
	int rounds = 3;
	double mb = 64;
	const char *json = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--rounds"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--mb"))
			mb = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--json"))
			json = argv[i + 1];
		else
			break;
	}
	if (i >= argc || rounds < 1 || rounds > 100 || mb <= 0) {
		fprintf(stderr, "usage: bench_sipmsg [--rounds R] [--mb M] [--json FILE] MESSAGE-FILE...\n");
		return 2;
	}
	size_t nmsg = 0, total = 0;
	struct msg *msgs = calloc((size_t)(argc - i), sizeof(*msgs));
	if (!msgs)
		abort();
	for (; i < argc; i++) {
		struct msg *x = &msgs[nmsg];
		x->buf = read_file(argv[i], &x->len);
		if (!x->buf)
			continue; /* empty or unreadable: nothing to parse */
		const char *base = strrchr(argv[i], '/');
		x->name = base ? base + 1 : argv[i];
		/* 1: a UDP datagram of a capture (a whole message); 2: a TCP segment */
		x->from_capture = !strncmp(x->name, "cap_", 4) ? 1 : !strncmp(x->name, "tcp_", 4) ? 2 : 0;
		total += x->len;
		nmsg++;
	}
	if (nmsg == 0) {
		fprintf(stderr, "bench_sipmsg: no messages\n");
		return 1;
	}
	parser_init();
	/* osip logs every message it refuses to stderr (Debian's build traces
	 * by default, and disabling the levels alone does not stop it): a
	 * logger of our own that does nothing, with every level off, or the
	 * logging would be timed as parsing */
	osip_trace_initialize_func(TRACE_LEVEL0, no_trace);
	for (int l = TRACE_LEVEL0; l < END_TRACE_LEVEL; l++)
		osip_trace_disable_level((osip_trace_level_t)l);

	/* What each parser accepts, and do the answers agree? */
	int failed = 0;
	size_t accepted[NPARSERS] = {0}, ncap = 0, ntcp = 0, cap_refused = 0, disagree = 0;
	for (size_t k = 0; k < nmsg; k++) {
		for (int p = 0; p < NPARSERS; p++)
			accepted[p] += (size_t)parse_with(p, msgs[k].buf, msgs[k].len);
		ntcp += msgs[k].from_capture == 2;
		if (msgs[k].from_capture == 1) {
			ncap++;
			if (!parse_sipmsg(msgs[k].buf, msgs[k].len, SIPMSG_LENIENT)) {
				fprintf(stderr, "bench_sipmsg: %s: sipmsg (lenient) refuses a captured message\n",
					msgs[k].name);
				cap_refused++;
			}
			disagree += !agree(&msgs[k]);
		}
	}
	failed = cap_refused || disagree;

	/* The arena: shuffled copies of the corpus until it holds mb MB. */
	size_t want = (size_t)(mb * 1048576), cap = want + 2 * SIPMSG_FRAME_MAX_LENIENT, used = 0;
	size_t nent = 0, capent = 1024;
	char *arena = malloc(cap);
	struct entry *ent = malloc(capent * sizeof(*ent));
	size_t *order = malloc(nmsg * sizeof(*order));
	if (!arena || !ent || !order)
		abort();
	uint64_t rs = 88172645463325252ULL;
	while (used < want) {
		for (size_t k = 0; k < nmsg; k++)
			order[k] = k;
		for (size_t k = nmsg - 1; k > 0; k--) { /* Fisher-Yates, xorshift64 */
			rs ^= rs << 13;
			rs ^= rs >> 7;
			rs ^= rs << 17;
			size_t j = (size_t)(rs % (k + 1)), t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < nmsg && used < want; k++) {
			const struct msg *x = &msgs[order[k]];
			if (nent == capent) {
				capent *= 2;
				ent = realloc(ent, capent * sizeof(*ent));
				if (!ent)
					abort();
			}
			memcpy(arena + used, x->buf, x->len);
			ent[nent].off = used;
			ent[nent].len = x->len;
			nent++;
			used += (x->len + 63) & ~(size_t)63; /* each on its own cache lines */
		}
	}

	double rate[NPARSERS][100];
	for (int r = 0; r < rounds; r++)
		for (int p = 0; p < NPARSERS; p++) {
			double t0 = cpu_now();
			for (size_t k = 0; k < nent; k++)
				parse_with(p, arena + ent[k].off, ent[k].len);
			rate[p][r] = (double)nent / (cpu_now() - t0);
		}

	printf("corpus: %zu messages (%zu UDP datagrams and %zu TCP segments from the captures, %zu fuzz inputs), "
	       "%zu bytes; arena %.0f MB, %zu messages per pass\n",
	       nmsg, ncap, ntcp, nmsg - ncap - ntcp, total, (double)used / 1048576, nent);
	printf("accepted: sipmsg strict %zu, lenient %zu, osip2 %zu of %zu\n", accepted[P_STRICT],
	       accepted[P_LENIENT], accepted[P_OSIP], nmsg);
	printf("answers: %zu captured messages, %zu refused by sipmsg lenient, %zu Call-ID/CSeq disagreements with osip2\n",
	       ncap, cap_refused, disagree);
	printf("\n%-16s %14s %14s %14s   (messages per CPU second, %d rounds)\n", "parser", "min", "median", "max", rounds);
	double sorted[100];
	double mmm[NPARSERS + 2][3];
	for (int p = 0; p < NPARSERS + 2; p++) {
		for (int r = 0; r < rounds; r++)
			sorted[r] = p < NPARSERS ? rate[p][r] : rate[p - NPARSERS][r] / rate[P_OSIP][r];
		qsort(sorted, (size_t)rounds, sizeof(double), cmp_double);
		mmm[p][0] = sorted[0];
		mmm[p][1] = rounds % 2 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
		mmm[p][2] = sorted[rounds - 1];
		if (p < NPARSERS)
			printf("%-16s %14.0f %14.0f %14.0f\n", pname[p], mmm[p][0], mmm[p][1], mmm[p][2]);
		else
			printf("%-16s %14.2f %14.2f %14.2f   (x osip2, same round)\n", pname[p - NPARSERS],
			       mmm[p][0], mmm[p][1], mmm[p][2]);
	}
	if (json) {
		FILE *f = fopen(json, "w");
		if (!f) {
			perror(json);
			return 3;
		}
		fprintf(f, "{\"benchmark\": \"sipmsg\", \"messages\": %zu, \"from_captures\": %zu, \"bytes\": %zu, "
			   "\"tcp_segments\": %zu, \"arena_mb\": %.1f, \"per_pass\": %zu, \"rounds\": %d,\n \"accepted\": {\"strict\": %zu, "
			   "\"lenient\": %zu, \"osip2\": %zu}, \"captured_refused\": %zu, \"disagreements\": %zu,\n",
			nmsg, ncap, total, ntcp, (double)used / 1048576, nent, rounds, accepted[P_STRICT],
			accepted[P_LENIENT], accepted[P_OSIP], cap_refused, disagree);
		const char *key[NPARSERS + 2] = {"strict", "lenient", "osip2", "strict_x_osip2", "lenient_x_osip2"};
		fprintf(f, " \"messages_per_cpu_s\": {");
		for (int p = 0; p < NPARSERS + 2; p++) {
			if (p == NPARSERS)
				fprintf(f, "},\n \"ratios\": {");
			fprintf(f, "%s\"%s\": {\"min\": %.6g, \"median\": %.6g, \"max\": %.6g}",
				p == 0 || p == NPARSERS ? "" : ", ", key[p], mmm[p][0], mmm[p][1], mmm[p][2]);
		}
		fprintf(f, "},\n \"ok\": %s}\n", failed ? "false" : "true");
		fclose(f);
	}
	for (size_t k = 0; k < nmsg; k++)
		free(msgs[k].buf);
	free(msgs);
	free(arena);
	free(ent);
	free(order);
	return failed ? 1 : 0;
}
