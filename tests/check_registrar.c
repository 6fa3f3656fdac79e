/*
 * Unit tests of server/registrar: the operators file (good and bad input,
 * file:line:column messages, the permission flag) and the registrar's
 * answers to REGISTERs built here and answered with real digests: a
 * challenge, a registration, a wrong password, unknown users, another
 * user's AOR, 423, the max cut, several contacts, '*', expires 0, expiry by
 * time, out-of-order CSeq, a stale nonce, static contacts, the hooks.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registrar.h"

#define S(s) sip_span_cstr(s)
#define SEC RB_US_PER_S

static char tmpdir[64];

static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static const char ops_yaml[] =
    "realm: test.example\n"
    "operators:\n"
    "  - user: alice\n"
    "    password: \"wonder land\"\n"
    "    staff: op1\n"
    "  - user: bob\n"
    "    ha1_md5: %s\n"
    "    staff: backup2\n"
    "  - user: carol\n"
    "    password: c\n"
    "    staff: op2\n"
    "    contact: sip:carol@192.0.2.7:5060\n"
    "  - {user: dave, password: d, staff: op3, digest: md5}\n";

static struct opfile *load_ops(void)
{
	char ha1[DG_HEX_MAX], text[1024];
	dg_ha1(DG_MD5, "bob", "test.example", "builder", ha1);
	snprintf(text, sizeof text, ops_yaml, ha1);
	struct opfile *f;
	char err[256] = "";
	ck_assert_msg(opfile_load(write_file("ops.yaml", text, 0600), &f, err, sizeof err) == 0,
		      "%s", err);
	return f;
}

START_TEST(test_opfile_good)
{
	struct opfile *f = load_ops();
	ck_assert_str_eq(f->realm, "test.example");
	ck_assert_uint_eq(f->n, 4);
	ck_assert_uint_eq(f->n_digest, 2);
	ck_assert_int_eq(f->digest[0], DG_SHA256);
	ck_assert_uint_eq(opfile_user(f, "dave", 4)->n_digest, 1);
	ck_assert_int_eq(opfile_user(f, "dave", 4)->digest[0], DG_MD5);
	ck_assert(!f->world_readable);
	const struct op_cred *a = opfile_user(f, "alice", 5);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->staff, "op1");
	ck_assert(!a->backup);
	char want[DG_HEX_MAX];
	dg_ha1(DG_SHA256, "alice", "test.example", "wonder land", want);
	ck_assert_str_eq(a->ha1[DG_SHA256], want);
	const struct op_cred *b = opfile_user(f, "bob", 3);
	ck_assert(b->backup);
	ck_assert_int_eq(b->staff_id, 2);
	ck_assert_str_eq(b->ha1[DG_SHA256], "");
	ck_assert_uint_eq(b->n_digest, 1); /* an MD5 HA1 alone: challenged with MD5 alone */
	ck_assert_ptr_null(opfile_user(f, "Alice", 5)); /* user names are case-sensitive */
	ck_assert_str_eq(opfile_user(f, "carol", 5)->contact, "sip:carol@192.0.2.7:5060");
	opfile_free(f);
	/* readable by anyone: flagged */
	ck_assert_int_eq(opfile_load(write_file("wr.yaml",
						"operators:\n  - {user: a, password: p, staff: op1}\n",
						0644), &f, NULL, 0), 0);
	ck_assert(f->world_readable);
	ck_assert_str_eq(f->realm, "secretaryd");
	opfile_free(f);
}
END_TEST

static void expect_bad(const char *text, const char *where, const char *what)
{
	struct opfile *f = NULL;
	char err[512] = "";
	const char *p = write_file("bad.yaml", text, 0600);
	ck_assert_int_eq(opfile_load(p, &f, err, sizeof err), EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err, where) && strstr(err, what), "got '%s', wanted '%s' and '%s'",
		      err, where, what);
}

START_TEST(test_opfile_bad)
{
	expect_bad("operators:\n  - user: a\n    password: p\n", "bad.yaml:2:5:", "without 'staff'");
	expect_bad("operators:\n  - user: a\n    staff: op1\n", "bad.yaml:2:5:", "without 'password'");
	expect_bad("operators:\n  - user: a\n    password: p\n    staff: clerk1\n", "bad.yaml:4:12:",
		   "expected opN or backupN");
	expect_bad("operators:\n  - user: a\n    password: p\n    staff: op0\n", "bad.yaml:4:12:",
		   "expected opN or backupN");
	expect_bad("operators:\n  - user: a\n    password: p\n    ha1_md5: 00112233445566778899aabbccddeeff\n"
		   "    staff: op1\n",
		   "bad.yaml:3:15:", "not both");
	expect_bad("operators:\n  - user: a\n    ha1_md5: 0011\n    staff: op1\n", "bad.yaml:3:14:",
		   "32 hexadecimal digits");
	expect_bad("operators:\n  - {user: a, password: p, staff: op1}\n  - {user: a, password: q, staff: op2}\n",
		   "bad.yaml:3:5:", "given twice");
	expect_bad("operators:\n  - {user: a, password: p, staff: op1}\n  - {user: b, password: q, staff: op1}\n",
		   "bad.yaml:3:5:", "two users");
	expect_bad("operators:\n  - {user: a, password: p, staff: op1, contact: tel:123}\n", "bad.yaml:2:",
		   "sip: or sips: URI");
	expect_bad("operators:\n  - {user: a, pasword: p, staff: op1}\n", "bad.yaml:2:",
		   "unknown key 'pasword'");
	expect_bad("realm: x\n", "bad.yaml:1:1:", "non-empty list");
	expect_bad("digest: [sha1]\noperators:\n  - {user: a, password: p, staff: op1}\n",
		   "bad.yaml:1:10:", "expected sha256 or md5");
	expect_bad("operators:\n  - {user: a, password: p, staff: op1, digest: [md5, MD5]}\n",
		   "bad.yaml:2:", "given twice");
	expect_bad("operators:\n  - {user: a, ha1_md5: 00112233445566778899aabbccddeeff, staff: op1, "
		   "digest: sha256}\n",
		   "bad.yaml:2:5:", "no algorithm it has an HA1 for");
	expect_bad("operators: [\n", "bad.yaml:", "");
	struct opfile *f;
	char err[256];
	char missing[128];
	snprintf(missing, sizeof missing, "%s/none.yaml", tmpdir);
	ck_assert_int_eq(opfile_load(missing, &f, err, sizeof err), ENOENT);
}
END_TEST

/* ---- the registrar ---- */

struct ev_log {
	char lines[32][400];
	int n;
};

static void on_changed(const struct op_cred *op, const struct reg_binding *b, enum reg_event ev,
		       size_t n_now, void *arg)
{
	struct ev_log *l = arg;
	if (l->n < 32)
		snprintf(l->lines[l->n++], sizeof l->lines[0], "%s %s %s %zu", op->user,
			 reg_event_name(ev), b->uri, n_now);
}

/* A REGISTER (kept in a static buffer: the parse points into it). */
struct req {
	char buf[4096];
	struct sipmsg m;
};

static void build(struct req *q, const char *user, const char *to_user, uint32_t cseq,
		  const char *call_id, const char *contacts, const char *extra, const char *auth)
{
	int k = snprintf(q->buf, sizeof q->buf,
			 "REGISTER sip:test.example SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK%u\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:%s@test.example>;tag=f1\r\n"
			 "To: <sip:%s@test.example>\r\n"
			 "Call-ID: %s\r\n"
			 "CSeq: %u REGISTER\r\n"
			 "%s%s%s%s"
			 "Content-Length: 0\r\n\r\n",
			 cseq, user, to_user, call_id, cseq, contacts, extra,
			 auth ? "Authorization: " : "", auth ? auth : "");
	ck_assert_int_lt(k, (int)sizeof q->buf);
	ck_assert_int_eq(sipmsg_parse(&q->m, q->buf, (size_t)k, SIPMSG_STRICT), 0);
}

/* The Authorization value answering the challenge in a (the line for alg). */
static void auth_for(const struct reg_answer *a, enum dg_alg alg, const char *user,
		     const char *password, const char *nc, char *out, size_t n)
{
	char key[64], nonce[128], ha1[DG_HEX_MAX], resp[DG_HEX_MAX];
	snprintf(key, sizeof key, "algorithm=%s", dg_alg_name(alg));
	const char *line = strstr(a->hdrs, key);
	if (!line) /* an answer with an algorithm not offered: the nonce of the first line */
		line = a->hdrs;
	while (line > a->hdrs && strncmp(line, "WWW-Authenticate", 16))
		line--;
	const char *p = strstr(line, "nonce=\"") + 7;
	size_t k = strcspn(p, "\"");
	memcpy(nonce, p, k);
	nonce[k] = 0;
	dg_ha1(alg, user, "test.example", password, ha1);
	dg_response(alg, ha1, S(nonce), S(nc), S("cn0"), S("auth"), "REGISTER", S("sip:test.example"),
		    resp);
	snprintf(out, n,
		 "Digest username=\"%s\", realm=\"test.example\", nonce=\"%s\", "
		 "uri=\"sip:test.example\", response=\"%s\", algorithm=%s, qop=auth, nc=%s, "
		 "cnonce=\"cn0\"\r\n",
		 user, nonce, resp, dg_alg_name(alg), nc);
}

struct fx {
	struct opfile *f;
	struct registrar *r;
	struct ev_log log;
	struct reg_answer a;
	struct req q;
	char auth[1024];
	rb_us now;
};

static void fx_init(struct fx *x)
{
	memset(x, 0, sizeof *x);
	x->f = load_ops();
	struct reg_opts o;
	reg_opts_default(&o);
	struct reg_hooks h = {on_changed, &x->log};
	ck_assert_int_eq(registrar_new(&x->r, x->f, &o, &h), 0);
	x->now = 1000 * SEC;
}

static void fx_fini(struct fx *x)
{
	registrar_free(x->r);
	opfile_free(x->f);
}

/* REGISTER without credentials, then with them; returns the second answer's status. */
static int reg(struct fx *x, enum dg_alg alg, const char *user, const char *pw, const char *to,
	       uint32_t cseq, const char *contacts, const char *extra)
{
	build(&x->q, user, to, cseq, "cid-1", contacts, extra, NULL);
	registrar_handle(x->r, &x->q.m, "udp 127.0.0.1:5062", x->now, &x->a);
	ck_assert_int_eq(x->a.status, 401);
	auth_for(&x->a, alg, user, pw, "00000001", x->auth, sizeof x->auth);
	build(&x->q, user, to, cseq + 1, "cid-1", contacts, extra, x->auth);
	registrar_handle(x->r, &x->q.m, "udp 127.0.0.1:5062", x->now, &x->a);
	return x->a.status;
}

START_TEST(test_register_challenge_ok_and_refusals)
{
	struct fx x;
	fx_init(&x);
	build(&x.q, "alice", "alice", 1, "cid-1", "Contact: <sip:alice@127.0.0.1:5062>\r\n", "", NULL);
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 401);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "algorithm=SHA-256"));
	ck_assert(strstr(x.a.hdrs, "algorithm=SHA-256") < strstr(x.a.hdrs, "algorithm=MD5"));
	ck_assert_int_eq(x.log.n, 0);
	/* MD5 and SHA-256 both register */
	for (int alg = 0; alg < 2; alg++) {
		ck_assert_int_eq(reg(&x, alg, "alice", "wonder land", "alice", 10 * (alg + 1),
				     "Contact: <sip:alice@127.0.0.1:5062>\r\n", "Expires: 120\r\n"),
				 200);
		ck_assert_ptr_nonnull(strstr(x.a.hdrs, "Contact: <sip:alice@127.0.0.1:5062>;expires=120"));
	}
	ck_assert_str_eq(x.log.lines[0], "alice bound sip:alice@127.0.0.1:5062 1");
	ck_assert_str_eq(x.log.lines[1], "alice refreshed sip:alice@127.0.0.1:5062 1");
	/* wrong password; unknown user: the same 403 */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonderland", "alice", 30, "", ""), 403);
	ck_assert_str_eq(x.a.why, "wrong password");
	ck_assert_int_eq(reg(&x, DG_MD5, "mallory", "x", "mallory", 40, "", ""), 403);
	ck_assert_str_eq(x.a.why, "unknown user");
	/* alice registering bob's AOR: 403; an AOR no one has: 404 */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "bob", 50, "", ""), 403);
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "zed", 60, "", ""), 404);
	/* bob has an MD5 HA1 only: challenged with MD5 alone; a SHA-256 answer
	 * anyway gets the MD5-only challenge again */
	build(&x.q, "bob", "bob", 1, "cid-b", "", "", NULL);
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert_ptr_null(strstr(x.a.hdrs, "SHA-256"));
	auth_for(&x.a, DG_SHA256, "bob", "builder", "00000001", x.auth, sizeof x.auth);
	build(&x.q, "bob", "bob", 2, "cid-b", "", "", x.auth);
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 401);
	ck_assert_ptr_null(strstr(x.a.hdrs, "SHA-256"));
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "algorithm=MD5"));
	/* dave's digest list is md5: one MD5 line; an unknown To: the default two */
	build(&x.q, "dave", "dave", 1, "cid-d", "", "", NULL);
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert_ptr_null(strstr(x.a.hdrs, "SHA-256"));
	ck_assert_int_eq(reg(&x, DG_MD5, "dave", "d", "dave", 3, "", ""), 200);
	build(&x.q, "nobody", "nobody", 1, "cid-n", "", "", NULL);
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert(strstr(x.a.hdrs, "SHA-256") && strstr(x.a.hdrs, "SHA-256") < strstr(x.a.hdrs, "MD5"));
	ck_assert_int_eq(reg(&x, DG_MD5, "bob", "builder", "bob", 3, "", ""), 200);
	/* the same Authorization again, a REGISTER that bound nothing: a fresh challenge */
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 401);
	/* a copy of alice's applied REGISTER (its 200 lost): 200 again, nothing changes */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 70,
			     "Contact: <sip:alice@127.0.0.1:5062>\r\n", "Expires: 120\r\n"), 200);
	int before = x.log.n;
	registrar_handle(x.r, &x.q.m, "udp 127.0.0.1:5062", x.now + SEC, &x.a);
	ck_assert_int_eq(x.a.status, 200);
	ck_assert_str_eq(x.a.why, "a retransmission, answered again");
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "<sip:alice@127.0.0.1:5062>;expires=119"));
	ck_assert_int_eq(x.log.n, before);
	struct reg_counts c;
	registrar_counts(x.r, &c);
	ck_assert_uint_eq(c.refused_auth, 3); /* two wrong credentials, one AOR not hers */
	ck_assert_uint_eq(c.registered, 1);
	ck_assert_uint_eq(c.ok, 6);
	fx_fini(&x);
}
END_TEST

START_TEST(test_register_expiry_rules)
{
	struct fx x;
	fx_init(&x);
	/* below the minimum: 423 with Min-Expires, nothing bound */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 1,
			     "Contact: <sip:alice@127.0.0.1:5062>;expires=30\r\n", ""), 423);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "Min-Expires: 60\r\n"));
	ck_assert_int_eq(x.log.n, 0);
	/* above the maximum: cut to it; the contact's parameter beats Expires */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 10,
			     "Contact: <sip:alice@127.0.0.1:5062>;expires=99999\r\n", "Expires: 70\r\n"),
			 200);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, ";expires=3600"));
	/* no expiry anywhere: the default (3600 s) */
	ck_assert_int_eq(reg(&x, DG_SHA256, "alice", "wonder land", "alice", 20,
			     "Contact: <sip:alice@10.0.0.9:5070>\r\n", ""), 200);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "<sip:alice@10.0.0.9:5070>;expires=3600"));
	/* a second contact with 80 s; both listed */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 30,
			     "Contact: <sip:alice@10.0.0.10:5080>;expires=80\r\n", ""), 200);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "10.0.0.9"));
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "<sip:alice@10.0.0.10:5080>;expires=80"));
	const struct op_cred *op = registrar_staff(x.r, "op1");
	const struct reg_binding *bl[REG_MAX_CONTACTS];
	ck_assert_uint_eq(registrar_contacts(x.r, op, bl, REG_MAX_CONTACTS), 3);
	/* time passes: the 80 s one lapses, at its due time */
	ck_assert_int_eq(registrar_expire(x.r, x.now), x.now + 80 * SEC);
	x.log.n = 0;
	registrar_expire(x.r, x.now + 80 * SEC);
	ck_assert_int_eq(x.log.n, 1);
	ck_assert_str_eq(x.log.lines[0], "alice expired sip:alice@10.0.0.10:5080 2");
	/* out of order: the same Call-ID with a CSeq not higher */
	build(&x.q, "alice", "alice", 5, "cid-1", "Contact: <sip:alice@127.0.0.1:5062>\r\n", "", x.auth);
	registrar_handle(x.r, &x.q.m, "udp", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 401); /* the nonce count was used: challenged first */
	auth_for(&x.a, DG_MD5, "alice", "wonder land", "00000001", x.auth, sizeof x.auth);
	build(&x.q, "alice", "alice", 5, "cid-1", "Contact: <sip:alice@127.0.0.1:5062>\r\n", "", x.auth);
	registrar_handle(x.r, &x.q.m, "udp", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 500);
	/* one removed with expires=0, then '*' removes the rest */
	x.log.n = 0;
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 40,
			     "Contact: <sip:alice@10.0.0.9:5070>;expires=0\r\n", ""), 200);
	ck_assert_str_eq(x.log.lines[0], "alice unbound sip:alice@10.0.0.9:5070 1");
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 50, "Contact: *\r\n",
			     "Expires: 1\r\n"), 400);
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 60, "Contact: *\r\n",
			     "Expires: 0\r\n"), 200);
	ck_assert_uint_eq(registrar_contacts(x.r, op, bl, REG_MAX_CONTACTS), 0);
	ck_assert_int_eq(registrar_expire(x.r, x.now), INT64_MAX);
	/* re-REGISTER restores */
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 70,
			     "Contact: <sip:alice@127.0.0.1:5062>\r\n", ""), 200);
	ck_assert_uint_eq(registrar_contacts(x.r, op, bl, REG_MAX_CONTACTS), 1);
	fx_fini(&x);
}
END_TEST

START_TEST(test_register_limits_static_and_stale)
{
	struct fx x;
	fx_init(&x);
	/* carol's static contact: reachable without registering, never lapses, '*' keeps it */
	const struct op_cred *carol = registrar_staff(x.r, "op2");
	const struct reg_binding *bl[REG_MAX_CONTACTS];
	ck_assert_uint_eq(registrar_contacts(x.r, carol, bl, REG_MAX_CONTACTS), 1);
	ck_assert(bl[0]->is_static);
	ck_assert_int_eq(reg(&x, DG_MD5, "carol", "c", "carol", 1, "Contact: *\r\n", "Expires: 0\r\n"),
			 200);
	ck_assert_uint_eq(registrar_contacts(x.r, carol, bl, REG_MAX_CONTACTS), 1);
	struct reg_counts c;
	registrar_counts(x.r, &c);
	ck_assert_uint_eq(c.reachable, 1);
	ck_assert_uint_eq(c.registered, 0);
	/* too many contacts at once */
	char many[2048] = "";
	for (int i = 0; i < REG_MAX_CONTACTS + 1; i++) {
		char l[96];
		snprintf(l, sizeof l, "Contact: <sip:alice@10.0.1.%d>\r\n", i);
		strcat(many, l);
	}
	ck_assert_int_eq(reg(&x, DG_MD5, "alice", "wonder land", "alice", 10, many, ""), 403);
	ck_assert_str_eq(x.a.reason, "Too Many Contacts");
	/* a nonce older than its lifetime: 401 stale=true */
	build(&x.q, "alice", "alice", 20, "cid-2", "", "", NULL);
	registrar_handle(x.r, &x.q.m, "udp", x.now, &x.a);
	auth_for(&x.a, DG_MD5, "alice", "wonder land", "00000001", x.auth, sizeof x.auth);
	build(&x.q, "alice", "alice", 21, "cid-2", "", "", x.auth);
	registrar_handle(x.r, &x.q.m, "udp", x.now + 301 * SEC, &x.a);
	ck_assert_int_eq(x.a.status, 401);
	ck_assert_ptr_nonnull(strstr(x.a.hdrs, "stale=true"));
	/* a malformed Authorization for our realm: 400 */
	build(&x.q, "alice", "alice", 22, "cid-2", "", "",
	      "Digest username=\"alice\", realm=\"test.example\"\r\n");
	registrar_handle(x.r, &x.q.m, "udp", x.now, &x.a);
	ck_assert_int_eq(x.a.status, 400);
	/* bad options */
	struct reg_opts o;
	reg_opts_default(&o);
	o.min_expires = 7200 * SEC;
	struct registrar *r2;
	ck_assert_int_eq(registrar_new(&r2, x.f, &o, NULL), EINVAL);
	fx_fini(&x);
}
END_TEST

static Suite *registrar_suite(void)
{
	Suite *s = suite_create("registrar");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_opfile_good);
	tcase_add_test(tc, test_opfile_bad);
	tcase_add_test(tc, test_register_challenge_ok_and_refusals);
	tcase_add_test(tc, test_register_expiry_rules);
	tcase_add_test(tc, test_register_limits_static_and_stale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_registrar.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	SRunner *sr = srunner_create(registrar_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd)) {
	}
	return nf ? 1 : 0;
}
