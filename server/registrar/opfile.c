/*
 * opfile: the operators file's loader over libyaml's document tree
 * (opfile.h gives the format). Passwords are turned into HA1s at once and
 * wiped; only the digests are kept.
 */
#include "opfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <yaml.h>

struct ld {
	const char *path;
	char *err;
	size_t errlen;
	yaml_document_t doc;
};

static int bad(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
{
	int k = snprintf(l->err, l->errlen, "%s:%zu:%zu: ", l->path, n ? n->start_mark.line + 1 : 1,
			 n ? n->start_mark.column + 1 : 1);
	if (k >= 0 && (size_t)k < l->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->err + k, l->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A non-empty scalar that fits n bytes, copied into dst. */
static int text(struct ld *l, yaml_node_t *v, const char *key, char *dst, size_t n)
{
	const char *s = scalar(v);
	if (!s || !*s)
		return bad(l, v, "%s: expected a non-empty string", key);
	if (strlen(s) >= n)
		return bad(l, v, "%s: longer than %zu characters", key, n - 1);
	if (strpbrk(s, "\r\n\"<>\\ \t"))
		return bad(l, v, "%s: no spaces, quotes, <, > or backslashes allowed", key);
	snprintf(dst, n, "%s", s);
	return 0;
}

static int staff_id(struct ld *l, yaml_node_t *v, struct op_cred *o)
{
	int e = text(l, v, "staff", o->staff, sizeof o->staff);
	if (e)
		return e;
	const char *p = o->staff;
	o->backup = !strncmp(p, "backup", 6);
	p += o->backup ? 6 : !strncmp(p, "op", 2) ? 2 : 0;
	char *end;
	long id = p != o->staff ? strtol(p, &end, 10) : 0;
	if (p == o->staff || *p < '1' || *p > '9' || *end || id > 100000)
		return bad(l, v, "staff: expected opN or backupN (N from 1, as the scenario numbers "
				 "operators and backup staff), got '%s'", o->staff);
	o->staff_id = (int)id;
	return 0;
}

static int ha1_hex(struct ld *l, yaml_node_t *v, const char *key, size_t digits, char *dst)
{
	const char *s = scalar(v);
	if (!s || strlen(s) != digits || strspn(s, "0123456789abcdefABCDEF") != digits)
		return bad(l, v, "%s: expected %zu hexadecimal digits", key, digits);
	for (size_t i = 0; i <= digits; i++)
		dst[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
	return 0;
}

static int contact_uri(struct ld *l, yaml_node_t *v, struct op_cred *o)
{
	int e = text(l, v, "contact", o->contact, sizeof o->contact);
	if (e)
		return e;
	struct sip_uri u;
	if (sipmsg_uri_parse(sip_span_cstr(o->contact), &u) ||
	    !(sipmsg_span_ieq(u.scheme, "sip") || sipmsg_span_ieq(u.scheme, "sips")) || !u.host.len)
		return bad(l, v, "contact: expected a sip: or sips: URI such as "
				 "sip:alice@192.0.2.7:5060, got '%s'", o->contact);
	return 0;
}

/* digest: a list of sha256 / md5 (or one of them alone), no repeats. */
static int digest_list(struct ld *l, yaml_node_t *v, enum dg_alg *out, size_t *n)
{
	yaml_node_item_t one = 0, *it = &one, *end = &one + 1;
	if (v->type == YAML_SEQUENCE_NODE) {
		it = v->data.sequence.items.start;
		end = v->data.sequence.items.top;
	}
	*n = 0;
	for (; it < end; it++) {
		yaml_node_t *x = it == &one ? v : yaml_document_get_node(&l->doc, *it);
		const char *s = scalar(x);
		int a = !s ? -1 : !strcasecmp(s, "sha256") || !strcasecmp(s, "sha-256") ? DG_SHA256
			      : !strcasecmp(s, "md5") ? DG_MD5 : -1;
		if (a < 0)
			return bad(l, x, "digest: expected sha256 or md5 (a list, preferred first)");
		for (size_t i = 0; i < *n; i++)
			if (out[i] == (enum dg_alg)a)
				return bad(l, x, "digest: '%s' given twice", s);
		out[(*n)++] = (enum dg_alg)a;
	}
	if (!*n)
		return bad(l, v, "digest: expected sha256 or md5 (a list, preferred first)");
	return 0;
}

/* The user's challenge: their list (or the file's) less algorithms without an HA1. */
static int user_digest(struct ld *l, yaml_node_t *n, struct op_cred *o)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n_digest; i++)
		if (o->ha1[o->digest[i]][0])
			o->digest[k++] = o->digest[i];
	o->n_digest = k;
	if (!k)
		return bad(l, n, "operator '%s': its digest list names no algorithm it has an HA1 for",
			   o->user);
	return 0;
}

/* One key of an operator entry. */
static int op_key(struct ld *l, const char *k, yaml_node_t *v, struct op_cred *o, const char *realm,
		  yaml_node_t **pw)
{
	if (!strcmp(k, "digest"))
		return digest_list(l, v, o->digest, &o->n_digest);
	if (!strcmp(k, "user"))
		return text(l, v, "user", o->user, sizeof o->user);
	if (!strcmp(k, "staff"))
		return staff_id(l, v, o);
	if (!strcmp(k, "contact"))
		return contact_uri(l, v, o);
	if (!strcmp(k, "ha1_md5"))
		return ha1_hex(l, v, k, 32, o->ha1[DG_MD5]);
	if (!strcmp(k, "ha1_sha256"))
		return ha1_hex(l, v, k, 64, o->ha1[DG_SHA256]);
	if (!strcmp(k, "password")) {
		if (!scalar(v) || !*scalar(v))
			return bad(l, v, "password: expected a non-empty string");
		*pw = v;
		return 0;
	}
	return bad(l, v, "unknown key '%s' in an operator (expected user, password, ha1_md5, "
			 "ha1_sha256, staff, contact, digest)", k);
}

static int load_op(struct ld *l, yaml_node_t *n, struct op_cred *o, const struct opfile *f)
{
	const char *realm = f->realm;
	if (n->type != YAML_MAPPING_NODE)
		return bad(l, n, "an operator: expected a mapping with user, password and staff");
	o->line = (unsigned)n->start_mark.line + 1;
	memcpy(o->digest, f->digest, sizeof o->digest);
	o->n_digest = f->n_digest;
	yaml_node_t *pw = NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		int e = scalar(k) ? op_key(l, scalar(k), v, o, realm, &pw)
				  : bad(l, k, "expected a plain key");
		if (e)
			return e;
	}
	if (!o->user[0])
		return bad(l, n, "an operator without 'user'");
	if (!o->staff[0])
		return bad(l, n, "operator '%s' without 'staff' (opN or backupN)", o->user);
	bool has_ha1 = o->ha1[DG_MD5][0] || o->ha1[DG_SHA256][0];
	if (pw && has_ha1)
		return bad(l, pw, "operator '%s': give a password or HA1 digests, not both", o->user);
	if (!pw && !has_ha1)
		return bad(l, n, "operator '%s' without 'password' (or ha1_md5 / ha1_sha256)", o->user);
	if (pw) {
		char *s = (char *)pw->data.scalar.value;
		for (int a = 0; a < DG_ALG_COUNT; a++)
			if (dg_ha1(a, o->user, realm, s, o->ha1[a]))
				return bad(l, pw, "cannot hash the password");
		OPENSSL_cleanse(s, strlen(s));
	}
	return user_digest(l, n, o);
}

static int check_unique(struct ld *l, const struct opfile *f, size_t i, yaml_node_t *n)
{
	for (size_t j = 0; j < i; j++) {
		if (!strcmp(f->ops[j].user, f->ops[i].user))
			return bad(l, n, "user '%s' given twice (first at line %u)", f->ops[i].user,
				   f->ops[j].line);
		if (!strcmp(f->ops[j].staff, f->ops[i].staff))
			return bad(l, n, "staff '%s' given to two users ('%s' at line %u)",
				   f->ops[i].staff, f->ops[j].user, f->ops[j].line);
	}
	return 0;
}

/* The realm first: the HA1s of passwords depend on it. */
static int load_root(struct ld *l, struct opfile *f)
{
	yaml_node_t *root = yaml_document_get_root_node(&l->doc), *ops = NULL;
	if (!root || root->type != YAML_MAPPING_NODE)
		return bad(l, root, "expected a mapping with 'operators' (and optionally 'realm')");
	snprintf(f->realm, sizeof f->realm, "secretaryd");
	memcpy(f->digest, dg_preferred, sizeof f->digest);
	f->n_digest = DG_ALG_COUNT;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *ks = scalar(k);
		if (ks && !strcmp(ks, "realm")) {
			int e = text(l, v, "realm", f->realm, sizeof f->realm);
			if (e)
				return e;
		} else if (ks && !strcmp(ks, "digest")) {
			int e = digest_list(l, v, f->digest, &f->n_digest);
			if (e)
				return e;
		} else if (ks && !strcmp(ks, "operators")) {
			ops = v;
		} else {
			return bad(l, k, "unknown key '%s' (expected realm, digest, operators)", ks ? ks : "?");
		}
	}
	if (!ops || ops->type != YAML_SEQUENCE_NODE ||
	    ops->data.sequence.items.top == ops->data.sequence.items.start)
		return bad(l, ops ? ops : root, "operators: expected a non-empty list");
	size_t n = (size_t)(ops->data.sequence.items.top - ops->data.sequence.items.start);
	f->ops = calloc(n, sizeof *f->ops);
	if (!f->ops)
		return ENOMEM;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = yaml_document_get_node(&l->doc, ops->data.sequence.items.start[i]);
		int e = load_op(l, it, &f->ops[i], f);
		if (!e)
			e = check_unique(l, f, i, it);
		f->n = i + 1;
		if (e)
			return e;
	}
	return 0;
}

int opfile_load(const char *path, struct opfile **out, char *err, size_t errlen)
{
	struct ld l = {.path = path, .err = err, .errlen = errlen};
	*out = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return e;
	}
	struct opfile *f = calloc(1, sizeof *f);
	struct stat st;
	if (f && fstat(fileno(fp), &st) == 0)
		f->world_readable = (st.st_mode & S_IROTH) != 0;
	yaml_parser_t yp;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_file(&yp, fp);
	int rc = 0;
	if (!f) {
		rc = ENOMEM;
	} else if (!yaml_parser_load(&yp, &l.doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", path, yp.problem_mark.line + 1,
			 yp.problem_mark.column + 1, yp.problem ? yp.problem : "not YAML");
		rc = EINVAL;
	} else {
		rc = load_root(&l, f);
		yaml_document_delete(&l.doc);
	}
	yaml_parser_delete(&yp);
	fclose(fp);
	if (rc) {
		opfile_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void opfile_free(struct opfile *f)
{
	if (!f)
		return;
	if (f->ops)
		OPENSSL_cleanse(f->ops, f->n * sizeof *f->ops);
	free(f->ops);
	free(f);
}

const struct op_cred *opfile_user(const struct opfile *f, const char *user, size_t len)
{
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->ops[i].user) == len && !memcmp(f->ops[i].user, user, len))
			return &f->ops[i];
	return NULL;
}
