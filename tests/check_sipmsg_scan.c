/*
 * check_sipmsg_scan: sipmsg_scan(), the analyzer's fast path, against
 * sipmsg_probe() and the lenient sipmsg_parse() it stands for. Every field
 * the scan promises must be the parse's, on well-formed messages (which
 * must never be left to the parse), on the anomalies the parse tolerates,
 * and on the fuzz seed corpus with thousands of mutants of each seed
 * (fixed seed: a failure repeats). sipmsg_scan_call() likewise: on an
 * INVITE request all of sipmsg_scan's fields, on any other message the
 * call's fields, whatever follows its stop.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipmsg.h"

static bool span_same(struct sip_span a, struct sip_span b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

/* The headers the scan keeps, line by line, and what the analyzer derives. */
static const enum sip_hdr_id kept[] = {SIP_HDR_VIA,	    SIP_HDR_FROM, SIP_HDR_TO,
				       SIP_HDR_CALL_ID,	    SIP_HDR_CSEQ, SIP_HDR_DIVERSION,
				       SIP_HDR_HISTORY_INFO};

/* "" when the scan's message s agrees with the parse's p, else what differs. */
static const char *differ(const struct sipmsg *s, const struct sipmsg *p)
{
	if (s->buf != p->buf || s->skipped != p->skipped || s->is_request != p->is_request)
		return "buf, skipped or is_request";
	if (!span_same(s->method, p->method) || s->method_id != p->method_id ||
	    !span_same(s->ruri, p->ruri) || !span_same(s->version, p->version))
		return "request line";
	if (s->status != p->status || !span_same(s->reason, p->reason))
		return "status line";
	if (!span_same(s->call_id, p->call_id) || !span_same(s->from, p->from) ||
	    !span_same(s->to, p->to))
		return "Call-ID, From or To";
	if (!span_same(s->from_tag, p->from_tag) || !span_same(s->to_tag, p->to_tag))
		return "tags";
	if (s->cseq != p->cseq || !span_same(s->cseq_method, p->cseq_method) ||
	    s->cseq_method_id != p->cseq_method_id)
		return "CSeq";
	for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++) {
		for (unsigned n = 0;; n++) {
			const struct sip_hdr *a = sipmsg_hdr(s, kept[k], n);
			const struct sip_hdr *b = sipmsg_hdr(p, kept[k], n);
			if (!a || !b) {
				if (a || b)
					return "kept header lines";
				break;
			}
			if (!span_same(a->name, b->name) || !span_same(a->value, b->value))
				return "kept header line";
		}
	}
	const struct sip_hdr *x1 = sipmsg_hdr_byname(s, "X-RB-Call", 0),
			     *x2 = sipmsg_hdr_byname(p, "X-RB-Call", 0);
	if (!x1 != !x2 || (x1 && (!span_same(x1->name, x2->name) || !span_same(x1->value, x2->value))))
		return "X-RB-Call";
	struct sipmsg_iter i1 = {0, 0}, i2 = {0, 0};
	struct sip_via v1, v2;
	int r1 = sipmsg_via_next(s, &i1, &v1), r2 = sipmsg_via_next(p, &i2, &v2);
	if (r1 != r2 || (r1 == 0 && !span_same(v1.branch, v2.branch)))
		return "top Via";
	struct sip_diversion d1, d2;
	r1 = sipmsg_diversion(s, 0, &d1);
	r2 = sipmsg_diversion(p, 0, &d2);
	if (r1 != r2 || (r1 == 0 && !span_same(d1.reason, d2.reason)))
		return "Diversion";
	for (unsigned n = 0; n < 40; n++) {
		struct sip_histinfo h1, h2;
		r1 = sipmsg_histinfo(s, n, &h1);
		r2 = sipmsg_histinfo(p, n, &h2);
		if (r1 != r2 || (r1 == 0 && h1.cause != h2.cause))
			return "History-Info";
		if (r1 == ENOENT)
			break;
	}
	return "";
}

/* sipmsg_top_branch, the analyzer's shortcut, against sipmsg_via_next. */
static void top_branch_agrees(const struct sipmsg *m)
{
	struct sipmsg_iter it = {0, 0};
	struct sip_via v;
	struct sip_span br = {NULL, 0};
	int r1 = sipmsg_via_next(m, &it, &v), r2 = sipmsg_top_branch(m, &br);
	ck_assert_int_eq(r1, r2);
	if (r1 == 0)
		ck_assert_msg(span_same(v.branch, br), "top branch differs: %.*s", (int)m->len, m->buf);
}

/* "" when sipmsg_scan_call's c agrees with the parse's p on what it
 * promises for a message other than an INVITE request, else what differs. */
static const char *differ_call(const struct sipmsg *c, const struct sipmsg *p)
{
	if (c->buf != p->buf || c->skipped != p->skipped || c->is_request != p->is_request)
		return "buf, skipped or is_request";
	if (!span_same(c->method, p->method) || c->method_id != p->method_id ||
	    !span_same(c->ruri, p->ruri) || !span_same(c->version, p->version) ||
	    c->status != p->status || !span_same(c->reason, p->reason))
		return "start line";
	if (!span_same(c->call_id, p->call_id) || !span_same(c->from, p->from) ||
	    !span_same(c->to, p->to) || !span_same(c->from_tag, p->from_tag) ||
	    !span_same(sipmsg_to_tag(c), p->to_tag) || !span_same(sipmsg_to_tag(p), p->to_tag))
		return "Call-ID, From, To or tags";
	if (c->cseq != p->cseq || !span_same(c->cseq_method, p->cseq_method) ||
	    c->cseq_method_id != p->cseq_method_id)
		return "CSeq";
	return "";
}

/* sipmsg_scan_call on b[0..n), the whole scan having said rc: ENOENT alike,
 * 0 wherever the whole scan gives 0, and when 0 the parse's fields. Returns
 * its status. */
static int agree_call(const char *b, size_t n, int rc)
{
	static struct sipmsg c, p;
	int rcc = sipmsg_scan_call(&c, b, n);
	ck_assert(rcc == 0 || rcc == ENOENT || rcc == EAGAIN);
	ck_assert_msg((rcc == ENOENT) == (rc == ENOENT), "scan %d, scan_call %d: %.*s", rc, rcc,
		      (int)n, b);
	ck_assert_msg(rc != 0 || rcc == 0, "scan_call left to the parse what scan read: %.*s",
		      (int)n, b);
	if (rcc != 0)
		return rcc;
	ck_assert_msg(sipmsg_probe(b, n), "scan_call read a message the probe rejects: %.*s",
		      (int)n, b);
	ck_assert_int_eq(sipmsg_parse(&p, b, n, SIPMSG_LENIENT), 0);
	bool invite = c.is_request && c.method_id == SIP_INVITE;
	const char *d = invite ? differ(&c, &p) : differ_call(&c, &p);
	ck_assert_msg(!d[0], "scan_call and parse differ (%s) on: %.*s", d, (int)n, b);
	return rcc;
}

/* Scans and parses b[0..n); returns the scan's status, fails on a mismatch
 * (sipmsg_scan_call's too). */
static int agree(const char *b, size_t n)
{
	static struct sipmsg s, p;
	int rc = sipmsg_scan(&s, b, n);
	agree_call(b, n, rc);
	ck_assert(rc == 0 || rc == ENOENT || rc == EAGAIN);
	bool probe = sipmsg_probe(b, n);
	if (rc == ENOENT) {
		ck_assert_msg(!probe, "scan said not SIP, the probe says SIP: %.*s", (int)n, b);
		return rc;
	}
	if (rc == EAGAIN)
		return rc;
	ck_assert_msg(probe, "scan read a message the probe rejects: %.*s", (int)n, b);
	ck_assert_int_eq(sipmsg_parse(&p, b, n, SIPMSG_LENIENT), 0);
	top_branch_agrees(&s);
	top_branch_agrees(&p);
	const char *d = differ(&s, &p);
	ck_assert_msg(!d[0], "scan and parse differ (%s) on: %.*s", d, (int)n, b);
	return rc;
}

static int agree_str(const char *m)
{
	return agree(m, strlen(m));
}

static const char *const wellformed[] = {
	"INVITE sip:0312345678@10.1.0.20:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.1.0.10:5061;branch=z9hG4bK-1-0\r\n"
	"From: sipp <sip:sipp@10.1.0.10:5061>;tag=42\r\n"
	"To: <sip:0312345678@10.1.0.20:5060>\r\n"
	"Call-ID: 1-123@10.1.0.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:sipp@10.1.0.10:5061>\r\n"
	"Max-Forwards: 70\r\n"
	"Diversion: <sip:0398765432@10.1.0.10>;reason=no-answer\r\n"
	"X-RB-Callback: not-it\r\n"
	"x-rb-call : rbl0-17 \r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n\r\nv=0\n",
	"SIP/2.0 180 Ringing\r\n"
	"v: SIP/2.0/UDP 10.1.0.10:5061;branch=z9hG4bK-1-0\r\n"
	"f: sipp <sip:sipp@10.1.0.10:5061>;tag=42\r\n"
	"t: <sip:0312345678@10.1.0.20:5060>;tag=abc\r\n"
	"i: 1-123@10.1.0.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"l: 0\r\n\r\n",
	"\r\n\r\nBYE sip:a@b SIP/2.0\r\n"
	"VIA :SIP/2.0/TCP h;branch=z9hG4bKx, SIP/2.0/UDP g;branch=z9hG4bKy\r\n"
	"FROM  :  \"A, \\\"B\\\" <x>\" <sip:a@b>;tag=\"q\";x=1\r\n"
	"to\t: <sip:c@d>;TAG=t1\r\n"
	"CALL-ID: c1\r\n"
	"cseq: 2 BYE\r\n\r\n",
	"INVITE sip:0312345678@h SIP/2.0\r\n"
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-2\r\n"
	"From: <sip:x@h>;tag=1\r\nTo: <sip:0312345678@h>\r\nCall-ID: hi-1\r\nCSeq: 1 INVITE\r\n"
	"History-Info: <sip:a@h>;index=1, <sip:b@h?Reason=SIP%3Bcause%3D408>;index=1.1\r\n"
	"History-Info: <sip:c@h;cause=302>;index=1.1.1\r\n"
	"Call-ID: second-one-ignored\r\n\r\n",
	"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:x@h>;tag=1\r\nTo: <sip:y@h>;tag=2\r\n"
	"Call-ID: c\r\nCSeq: 7 BYE\r\n", /* no blank line: the buffer ends */
};

START_TEST(test_wellformed_scanned_as_parsed)
{
	for (size_t i = 0; i < sizeof(wellformed) / sizeof(wellformed[0]); i++)
		ck_assert_msg(agree_str(wellformed[i]) == 0, "message %zu left to the parse", i);
	struct sipmsg m;
	ck_assert_int_eq(sipmsg_scan(&m, wellformed[0], strlen(wellformed[0])), 0);
	ck_assert(m.is_request && m.method_id == SIP_INVITE && m.cseq == 1);
	ck_assert_int_eq(m.from_tag.len, 2);
	ck_assert_int_eq(m.to_tag.len, 0);
	/* X-RB-Call kept, whatever its case, its value trimmed; not a longer name */
	const struct sip_hdr *xc = sipmsg_hdr_byname(&m, "X-RB-Call", 0);
	ck_assert_ptr_nonnull(xc);
	ck_assert(xc->value.len == 7 && !memcmp(xc->value.p, "rbl0-17", 7));
	ck_assert_ptr_null(sipmsg_hdr_byname(&m, "X-RB-Callback", 0));
	ck_assert_int_eq(sipmsg_scan(&m, wellformed[1], strlen(wellformed[1])), 0);
	ck_assert_int_eq(m.status, 180);
	ck_assert(m.to_tag.len == 3 && !memcmp(m.to_tag.p, "abc", 3));
}
END_TEST

START_TEST(test_tolerated_left_to_the_parse)
{
	/* folded, bare LF, continuation of nothing, no LF after the start line */
	ck_assert_int_eq(agree_str("BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n ;branch=z\r\n\r\n"),
			 EAGAIN);
	ck_assert_int_eq(agree_str("BYE sip:a@b SIP/2.0\nCall-ID: x\n\n"), EAGAIN);
	ck_assert_int_eq(agree_str("BYE sip:a@b SIP/2.0\r\nCall-ID: x\nCSeq: 1 BYE\r\n\r\n"), EAGAIN);
	ck_assert_int_eq(agree_str("BYE sip:a@b SIP/2.0\r\n Call-ID: x\r\n\r\n"), EAGAIN);
	ck_assert_int_eq(agree_str("BYE sip:a@b SIP/2.0"), EAGAIN);
	/* junk before the start line is the parse's business; plain junk is not SIP */
	ck_assert_int_eq(agree_str("hello\r\nBYE sip:a@b SIP/2.0\r\n\r\n"), ENOENT);
	ck_assert_int_eq(agree_str("\r\n\r\n"), ENOENT);
	ck_assert_int_eq(agree_str(""), ENOENT);
	/* more lines than the parse keeps */
	char big[16384];
	size_t n = (size_t)snprintf(big, sizeof(big), "BYE sip:a@b SIP/2.0\r\n");
	for (int i = 0; i < 140; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: y\r\n", i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "Call-ID: late\r\n\r\n");
	ck_assert_int_eq(agree(big, n), EAGAIN);
}
END_TEST

/* sipmsg_scan_call stops after the call's lines of a message other than an
 * INVITE request: what follows, odd or not, changes nothing it gives. */
START_TEST(test_call_scan_stops_after_the_call_lines)
{
	static const char head[] = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
				   "From: <sip:x@h>;tag=1\r\nTo: <sip:y@h>;tag=2\r\n"
				   "Call-ID: c\r\nCSeq: 7 BYE\r\n";
	static const char *const tails[] = {
		"Contact: <sip:y@h>\nContent-Length: 0\r\n\r\n", /* a bare LF later */
		"X: a\r\n b\r\n\r\n",				/* a fold of another line */
		"Call-ID: second\r\n\r\n",			/* a second Call-ID */
		"Content-Length: 0",				/* no line end */
	};
	char b[20000];
	struct sipmsg m;
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		int n = snprintf(b, sizeof(b), "%s%s", head, tails[i]);
		ck_assert_int_eq(agree_call(b, (size_t)n, sipmsg_scan(&m, b, (size_t)n)), 0);
	}
	ck_assert_int_eq(sipmsg_scan(&m, b, strlen(b)), EAGAIN); /* the whole scan: to the parse */
	/* more lines than the parse keeps, after the call's */
	size_t n = (size_t)snprintf(b, sizeof(b), "%s", head);
	for (int i = 0; i < 140; i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "X-%d: y\r\n", i);
	n += (size_t)snprintf(b + n, sizeof(b) - n, "\r\n");
	ck_assert_int_eq(sipmsg_scan(&m, b, n), EAGAIN);
	ck_assert_int_eq(agree_call(b, n, EAGAIN), 0);
	ck_assert_int_eq(sipmsg_scan_call(&m, b, n), 0);
	ck_assert(m.cseq == 7 && sipmsg_to_tag(&m).len == 1 && m.nhdrs == 0); /* nothing indexed */
	/* a fold right after CSeq continues it: left to the parse */
	n = (size_t)snprintf(b, sizeof(b), "%s ;x\r\n\r\n", head);
	ck_assert_int_eq(sipmsg_scan_call(&m, b, n), EAGAIN);
	/* an INVITE is read whole: its Diversion after CSeq */
	static const char inv[] = "INVITE sip:1@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\n"
				  "From: <sip:x@h>;tag=1\r\nTo: <sip:1@h>\r\nCall-ID: i\r\n"
				  "CSeq: 1 INVITE\r\nDiversion: <sip:2@h>;reason=no-answer\r\n\r\n";
	ck_assert_int_eq(agree_call(inv, strlen(inv), 0), 0);
	ck_assert_int_eq(sipmsg_scan_call(&m, inv, strlen(inv)), 0);
	ck_assert_ptr_nonnull(sipmsg_hdr(&m, SIP_HDR_DIVERSION, 0));
}
END_TEST

/* xorshift64*: the mutants are the same on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

/* One random edit of b[0..*n) (cap bytes): the bytes SIP parsing hinges on. */
static void mutate(char *b, size_t *n, size_t cap)
{
	static const char special[] = "\r\n \t:;,\"<>=\\@\0aZ9-";
	size_t pos = *n ? next() % *n : 0;
	char c = special[next() % (sizeof(special) - 1)];
	switch (next() % 5) {
	case 0: /* overwrite */
		if (*n)
			b[pos] = c;
		break;
	case 1: /* insert */
		if (*n < cap) {
			memmove(b + pos + 1, b + pos, *n - pos);
			b[pos] = c;
			(*n)++;
		}
		break;
	case 2: /* delete */
		if (*n) {
			memmove(b + pos, b + pos + 1, *n - pos - 1);
			(*n)--;
		}
		break;
	case 3: /* truncate */
		*n = pos;
		break;
	default: /* flip the case of a letter */
		if (*n && ((b[pos] | 0x20) >= 'a' && (b[pos] | 0x20) <= 'z'))
			b[pos] ^= 0x20;
		break;
	}
}

START_TEST(test_corpus_and_mutants_agree)
{
	const char *dir = RB_SOURCE_DIR "/fuzz/corpus/sipmsg";
	DIR *d = opendir(dir);
	ck_assert_msg(d != NULL, "%s", dir);
	struct dirent *e;
	size_t files = 0, scanned = 0, runs = 0;
	static char orig[70000], b[70100];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "%s", path);
		size_t on = fread(orig, 1, sizeof(orig), f);
		fclose(f);
		files++;
		for (int k = 0; k < 3000; k++) {
			size_t n = on;
			memcpy(b, orig, on);
			for (int j = k ? 1 + (int)(next() % 3) : 0; j > 0; j--)
				mutate(b, &n, sizeof(b));
			/* a heap copy of exactly n bytes: ASan and valgrind see overreads */
			char *h = malloc(n ? n : 1);
			ck_assert(h != NULL);
			memcpy(h, b, n);
			scanned += agree(h, n) == 0;
			free(h);
			runs++;
		}
	}
	closedir(d);
	ck_assert_uint_ge(files, 40);
	/* most mutants stay well-formed enough to be scanned, not left over */
	ck_assert_msg(scanned > runs / 4, "%zu of %zu scanned", scanned, runs);
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *s = suite_create("sipmsg_scan");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_wellformed_scanned_as_parsed);
	tcase_add_test(tc, test_tolerated_left_to_the_parse);
	tcase_add_test(tc, test_call_scan_stops_after_the_call_lines);
	tcase_add_test(tc, test_corpus_and_mutants_agree);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(scan_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
