/*
 * registrar: REGISTER handling and the contact bindings (registrar.h says
 * what it answers and why). Bindings live in a small array per user:
 * operators are tens to hundreds and each has a few phones, so a linear
 * scan of a user's bindings (and of all users at expiry) is cheaper and
 * simpler than any index.
 */
#define LOG_TAG "registrar"
#include "registrar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "sip_digest.h"

struct reg_user {
	const struct op_cred *op;
	struct reg_binding b[REG_MAX_CONTACTS];
	size_t nb;
};

struct registrar {
	const struct opfile *f;
	struct reg_opts o;
	struct reg_hooks h;
	struct dg_server *dg;
	struct reg_user *u;
	struct reg_counts st;
};

/* A contact of the request, validated before anything is applied. */
struct pending {
	struct sip_span uri;
	rb_us exp; /* 0: remove */
	int idx;   /* the binding it matches; -1: new */
};

void reg_opts_default(struct reg_opts *o)
{
	o->min_expires = 60 * RB_US_PER_S;
	o->max_expires = 3600 * RB_US_PER_S;
	o->default_expires = 3600 * RB_US_PER_S;
	o->nonce_lifetime = 300 * RB_US_PER_S;
}

const char *reg_event_name(enum reg_event e)
{
	static const char *const n[] = {"bound", "refreshed", "unbound", "expired"};
	return (unsigned)e < 4 ? n[e] : "?";
}

int registrar_new(struct registrar **out, const struct opfile *f, const struct reg_opts *o,
		  const struct reg_hooks *h)
{
	*out = NULL;
	if (!f || !o || o->min_expires <= 0 || o->max_expires < o->min_expires ||
	    o->default_expires < o->min_expires || o->default_expires > o->max_expires)
		return EINVAL;
	struct registrar *r = calloc(1, sizeof *r);
	if (!r || !(r->u = calloc(f->n ? f->n : 1, sizeof *r->u))) {
		free(r);
		return ENOMEM;
	}
	int e = dg_server_new(&r->dg, f->realm, o->nonce_lifetime);
	if (e) {
		free(r->u);
		free(r);
		return e;
	}
	r->f = f;
	r->o = *o;
	if (h)
		r->h = *h;
	for (size_t i = 0; i < f->n; i++) {
		struct reg_user *u = &r->u[i];
		u->op = &f->ops[i];
		if (u->op->contact[0]) {
			struct reg_binding *b = &u->b[u->nb++];
			snprintf(b->uri, sizeof b->uri, "%s", u->op->contact);
			snprintf(b->source, sizeof b->source, "static");
			b->expires = INT64_MAX;
			b->is_static = true;
		}
	}
	r->st.users = f->n;
	*out = r;
	return 0;
}

void registrar_free(struct registrar *r)
{
	if (!r)
		return;
	dg_server_free(r->dg);
	free(r->u);
	free(r);
}

/* ---- answers ---- */

static void add_hdr(struct reg_answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_hdr(struct reg_answer *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(a->hdrs + a->hdrs_len, sizeof a->hdrs - a->hdrs_len, fmt, ap);
	va_end(ap);
	if (k > 0 && (size_t)k < sizeof a->hdrs - a->hdrs_len)
		a->hdrs_len += (size_t)k;
	else
		a->hdrs[a->hdrs_len] = 0; /* a line that does not fit is left out */
}

static int refuse(struct registrar *r, struct reg_answer *a, int status, const char *reason,
		  const char *why)
{
	a->status = status;
	a->reason = reason;
	a->why = why;
	if (status == 403)
		r->st.refused_auth++;
	else
		r->st.refused_other++;
	return -1;
}

/* A 401 with the algorithms of op (NULL: the file's default list). */
static int challenge(struct registrar *r, rb_us now, bool stale, const struct op_cred *op,
		     struct reg_answer *a, const char *why)
{
	size_t len = 0;
	if (dg_challenge(r->dg, now, stale, op ? op->digest : r->f->digest,
			 op ? op->n_digest : r->f->n_digest, a->hdrs + a->hdrs_len,
			 sizeof a->hdrs - a->hdrs_len, &len))
		return refuse(r, a, 500, "Cannot Challenge", "challenge failed");
	a->hdrs_len += len;
	a->status = 401;
	a->why = why;
	r->st.challenged++;
	if (stale)
		r->st.stale++;
	return -1;
}

/* ---- authentication ---- */

static struct reg_user *user_of(struct registrar *r, struct sip_span name)
{
	const struct op_cred *op = opfile_user(r->f, name.p, name.len);
	return op ? &r->u[op - r->f->ops] : NULL;
}

/* The Authorization line for our realm: 0, ENOENT (none), EINVAL (ours, malformed). */
static int find_auth(const struct registrar *r, const struct sipmsg *m, struct dg_auth *a)
{
	struct sip_span v;
	int found = ENOENT;
	for (unsigned i = 0; sipmsg_hdr_value(m, SIP_HDR_AUTHORIZATION, i, &v) == 0; i++) {
		if (dg_auth_parse(v, a)) {
			found = EINVAL;
			continue;
		}
		if (sipmsg_span_ieq(a->realm, dg_server_realm(r->dg)))
			return 0;
	}
	return found;
}

/* The To user's entry, for the first challenge; NULL: not an operator. */
static const struct op_cred *to_user(const struct registrar *r, const struct sipmsg *m)
{
	struct sip_addr to;
	if (sipmsg_addr_parse(m->to, &to) || !to.uri.user.len)
		return NULL;
	return opfile_user(r->f, to.uri.user.p, to.uri.user.len);
}

static bool user_has(const struct op_cred *op, int alg)
{
	for (size_t i = 0; i < op->n_digest; i++)
		if ((int)op->digest[i] == alg)
			return true;
	return false;
}

/* A copy of a REGISTER already applied: one of the user's bindings holds
 * its Call-ID and CSeq (a UDP retransmission whose 200 was lost or late). */
static bool applied_before(const struct reg_user *u, const struct sipmsg *m)
{
	for (size_t i = 0; i < u->nb; i++)
		if (!u->b[i].is_static && u->b[i].cseq == m->cseq &&
		    strlen(u->b[i].call_id) == m->call_id.len &&
		    !memcmp(u->b[i].call_id, m->call_id.p, m->call_id.len))
			return true;
	return false;
}

/* 0 with *u the authenticated user; 1 (*u set) for a retransmission of a
 * request already applied (its nonce count used: answered 200 again, and
 * nothing changes); -1 with the answer in a. */
static int authenticate(struct registrar *r, const struct sipmsg *m, rb_us now,
			struct reg_answer *a, struct reg_user **u)
{
	struct dg_auth au;
	int e = find_auth(r, m, &au);
	if (e == ENOENT) /* the AOR's user says which algorithms; an unknown one the default */
		return challenge(r, now, false, to_user(r, m), a, "no credentials: challenged");
	if (e)
		return refuse(r, a, 400, "Bad Authorization", "malformed Authorization");
	if (!(*u = user_of(r, au.username)))
		return refuse(r, a, 403, NULL, "unknown user");
	const struct op_cred *op = (*u)->op;
	if (au.alg < 0 || !user_has(op, au.alg))
		return challenge(r, now, false, op, a, "an algorithm not offered to the user");
	switch (dg_verify(r->dg, &au, "REGISTER", m->ruri, op->ha1[au.alg], now)) {
	case DG_OK:
		return 0;
	case DG_BAD:
		return refuse(r, a, 400, "Bad Authorization",
			      "Authorization without qop=auth, nc or cnonce, or for another URI");
	case DG_STALE:
		return challenge(r, now, true, op, a, "stale nonce");
	case DG_FOREIGN:
		return challenge(r, now, false, op, a, "a nonce not ours");
	case DG_REPLAY: /* the right password, a count already used */
		if (applied_before(*u, m))
			return 1;
		return challenge(r, now, false, op, a, "a nonce count not higher (retransmission?)");
	case DG_ALG:
		return challenge(r, now, false, op, a, "algorithm");
	case DG_WRONG:
	default:
		return refuse(r, a, 403, NULL, "wrong password");
	}
}

/* RFC 3261 10.3 steps 4-5: the To AOR is the user's own. */
static int authorize(struct registrar *r, const struct sipmsg *m, const struct reg_user *u,
		     struct reg_answer *a)
{
	struct sip_addr to;
	if (sipmsg_addr_parse(m->to, &to) || !to.uri.user.len)
		return refuse(r, a, 400, "Bad To", "To without a user");
	if (to.uri.user.len == strlen(u->op->user) &&
	    !memcmp(to.uri.user.p, u->op->user, to.uri.user.len))
		return 0;
	if (!opfile_user(r->f, to.uri.user.p, to.uri.user.len))
		return refuse(r, a, 404, NULL, "To is not an operator");
	return refuse(r, a, 403, NULL, "To is another operator");
}

/* ---- bindings ---- */

static int find_binding(const struct reg_user *u, struct sip_span uri)
{
	for (size_t i = 0; i < u->nb; i++)
		if (strlen(u->b[i].uri) == uri.len && !strncasecmp(u->b[i].uri, uri.p, uri.len))
			return (int)i;
	return -1;
}

/* The expiry a contact asks for (its parameter, else Expires, else the default). */
static int contact_expiry(const struct registrar *r, const struct sipmsg *m,
			  const struct sip_addr *ad, rb_us *exp)
{
	uint32_t s;
	struct sip_span v;
	if (sipmsg_param(ad->params, "expires", &v) == 0) {
		if (sipmsg_span_uint(v, UINT32_MAX, &s))
			return EINVAL;
	} else {
		int e = sipmsg_hdr_uint(m, SIP_HDR_EXPIRES, &s);
		if (e == ENOENT) {
			*exp = r->o.default_expires;
			return 0;
		}
		if (e)
			return EINVAL;
	}
	*exp = (rb_us)s * RB_US_PER_S;
	return 0;
}

/* One Contact value into p (checks its expiry and order). 0, or -1 with a. */
static int one_contact(struct registrar *r, const struct sipmsg *m, const struct reg_user *u,
		       struct sip_span v, struct pending *p, struct reg_answer *a)
{
	struct sip_addr ad;
	if (sipmsg_addr_parse(v, &ad) || !ad.uri_text.len || ad.uri_text.len >= OPF_URI_MAX)
		return refuse(r, a, 400, "Bad Contact", "a Contact that does not parse");
	if (contact_expiry(r, m, &ad, &p->exp))
		return refuse(r, a, 400, "Bad Expires", "an expiry that is not a number");
	if (p->exp > 0 && p->exp < r->o.min_expires) {
		add_hdr(a, "Min-Expires: %" PRId64 "\r\n", r->o.min_expires / RB_US_PER_S);
		return refuse(r, a, 423, NULL, "expiry below the minimum");
	}
	if (p->exp > r->o.max_expires)
		p->exp = r->o.max_expires;
	p->uri = ad.uri_text;
	p->idx = find_binding(u, p->uri);
	const struct reg_binding *b = p->idx >= 0 ? &u->b[p->idx] : NULL;
	if (b && !b->is_static && strlen(b->call_id) == m->call_id.len &&
	    !memcmp(b->call_id, m->call_id.p, m->call_id.len) && m->cseq <= b->cseq)
		return refuse(r, a, 500, "Out Of Order", "CSeq not higher than the binding's");
	return 0;
}

/* All Contact values into p[0..*np); *star for '*'. 0, or -1 with a. */
static int collect(struct registrar *r, const struct sipmsg *m, const struct reg_user *u,
		   struct pending *p, size_t *np, bool *star, struct reg_answer *a)
{
	struct sipmsg_iter it = {0};
	struct sip_span v;
	size_t n = 0, adds = 0;
	*star = false;
	while (sipmsg_value_next(m, SIP_HDR_CONTACT, &it, &v) == 0) {
		if (v.len == 1 && v.p[0] == '*') {
			*star = true;
			continue;
		}
		if (n == REG_MAX_CONTACTS)
			return refuse(r, a, 403, "Too Many Contacts", "too many contacts");
		if (one_contact(r, m, u, v, &p[n], a))
			return -1;
		if (p[n].idx < 0 && p[n].exp > 0)
			adds++;
		n++;
	}
	uint32_t hx = 1;
	if (*star && (n || sipmsg_hdr_uint(m, SIP_HDR_EXPIRES, &hx) || hx != 0))
		return refuse(r, a, 400, "Bad Wildcard", "'*' with other contacts or Expires not 0");
	if (u->nb + adds > REG_MAX_CONTACTS)
		return refuse(r, a, 403, "Too Many Contacts", "too many contacts");
	*np = n;
	return 0;
}

static void notify(struct registrar *r, const struct reg_user *u, const struct reg_binding *b,
		   enum reg_event ev)
{
	rb_log(LOG_INFO, "%s (%s): %s %s from %s", u->op->user, u->op->staff, b->uri,
	       reg_event_name(ev), b->source);
	if (r->h.changed)
		r->h.changed(u->op, b, ev, u->nb, r->h.arg);
}

static void remove_at(struct registrar *r, struct reg_user *u, size_t i, enum reg_event ev)
{
	struct reg_binding gone = u->b[i];
	memmove(&u->b[i], &u->b[i + 1], (u->nb - i - 1) * sizeof u->b[0]);
	u->nb--;
	notify(r, u, &gone, ev);
}

static void set_binding(struct reg_binding *b, const struct sipmsg *m, const char *source,
			rb_us due)
{
	size_t n = m->call_id.len < sizeof b->call_id - 1 ? m->call_id.len : sizeof b->call_id - 1;
	memcpy(b->call_id, m->call_id.p, n);
	b->call_id[n] = 0;
	b->cseq = m->cseq;
	b->expires = due;
	snprintf(b->source, sizeof b->source, "%s", source ? source : "");
}

static void apply_one(struct registrar *r, struct reg_user *u, const struct sipmsg *m,
		      const char *source, rb_us now, const struct pending *p)
{
	int i = find_binding(u, p->uri); /* again: earlier ones may have moved it */
	if (i >= 0 && u->b[i].is_static)
		return; /* the file's contact stays as it is */
	if (p->exp == 0) {
		if (i >= 0)
			remove_at(r, u, (size_t)i, REG_UNBOUND);
		return;
	}
	if (i < 0) {
		struct reg_binding *b = &u->b[u->nb++];
		memset(b, 0, sizeof *b);
		memcpy(b->uri, p->uri.p, p->uri.len);
		set_binding(b, m, source, now + p->exp);
		notify(r, u, b, REG_BOUND);
	} else {
		set_binding(&u->b[i], m, source, now + p->exp);
		notify(r, u, &u->b[i], REG_REFRESHED);
	}
}

static void answer_ok(struct registrar *r, const struct reg_user *u, rb_us now,
		      struct reg_answer *a)
{
	a->status = 200;
	a->why = "registered";
	for (size_t i = 0; i < u->nb; i++) {
		const struct reg_binding *b = &u->b[i];
		if (!b->is_static)
			add_hdr(a, "Contact: <%s>;expires=%" PRId64 "\r\n", b->uri,
				(b->expires - now + RB_US_PER_S - 1) / RB_US_PER_S);
	}
	r->st.ok++;
}

void registrar_handle(struct registrar *r, const struct sipmsg *m, const char *source, rb_us now,
		      struct reg_answer *out)
{
	memset(out, 0, sizeof *out);
	r->st.requests++;
	registrar_expire(r, now);
	struct reg_user *u = NULL;
	struct pending p[REG_MAX_CONTACTS];
	size_t np = 0;
	bool star = false;
	int rc = authenticate(r, m, now, out, &u);
	if (rc == 1) {
		answer_ok(r, u, now, out);
		out->why = "a retransmission, answered again";
		return;
	}
	if (rc || authorize(r, m, u, out) || collect(r, m, u, p, &np, &star, out))
		return;
	if (star) {
		for (size_t i = u->nb; i-- > 0;)
			if (!u->b[i].is_static)
				remove_at(r, u, i, REG_UNBOUND);
	}
	for (size_t i = 0; i < np; i++)
		apply_one(r, u, m, source, now, &p[i]);
	answer_ok(r, u, now, out);
}

rb_us registrar_expire(struct registrar *r, rb_us now)
{
	rb_us next = INT64_MAX;
	for (size_t k = 0; k < r->f->n; k++) {
		struct reg_user *u = &r->u[k];
		for (size_t i = u->nb; i-- > 0;) {
			if (u->b[i].is_static)
				continue;
			if (u->b[i].expires <= now) {
				r->st.expired++;
				remove_at(r, u, i, REG_EXPIRED);
			} else if (u->b[i].expires < next) {
				next = u->b[i].expires;
			}
		}
	}
	return next;
}

const struct op_cred *registrar_staff(const struct registrar *r, const char *staff)
{
	for (size_t i = 0; i < r->f->n; i++)
		if (!strcmp(r->f->ops[i].staff, staff))
			return &r->f->ops[i];
	return NULL;
}

size_t registrar_contacts(const struct registrar *r, const struct op_cred *op,
			  const struct reg_binding **out, size_t max)
{
	if (!op || op < r->f->ops || op >= r->f->ops + r->f->n)
		return 0;
	const struct reg_user *u = &r->u[op - r->f->ops];
	for (size_t i = 0; i < u->nb && i < max; i++)
		out[i] = &u->b[i];
	return u->nb;
}

void registrar_counts(const struct registrar *r, struct reg_counts *out)
{
	*out = r->st;
	out->reachable = out->registered = out->bindings = 0;
	for (size_t k = 0; k < r->f->n; k++) {
		const struct reg_user *u = &r->u[k];
		size_t reg = 0;
		for (size_t i = 0; i < u->nb; i++)
			reg += !u->b[i].is_static;
		out->bindings += reg;
		out->registered += reg > 0;
		out->reachable += u->nb > 0;
	}
}
