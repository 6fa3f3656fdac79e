/*
 * scn_hash: the load's fingerprint and the pairing key (see scn_hash.h for
 * what is hashed and how it is serialised).
 *
 * The serialisation is written field by field into the digest, never through
 * printf of doubles or the struct's memory, so that it does not depend on
 * padding, locale or the host's byte order. Changing it (a field added or
 * dropped) changes every hash: bump the "v1" tag then.
 */
#include "scn_hash.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

static void put_bytes(struct rb_sha256 *h, const void *p, size_t n)
{
	rb_sha256_put(h, p, n);
}

static void put_u64(struct rb_sha256 *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put_bytes(h, b, sizeof(b));
}

static void put_i64(struct rb_sha256 *h, int64_t v)
{
	put_u64(h, (uint64_t)v);
}

/* The IEEE-754 bits; -0 as 0, so that a computed zero hashes as a typed one. */
static void put_f64(struct rb_sha256 *h, double v)
{
	uint64_t bits;
	if (v == 0)
		v = 0;
	memcpy(&bits, &v, sizeof(bits));
	put_u64(h, bits);
}

static void put_str(struct rb_sha256 *h, const char *s)
{
	if (!s) {
		put_u64(h, UINT64_MAX);
		return;
	}
	size_t n = strlen(s);
	put_u64(h, n);
	put_bytes(h, s, n);
}

/* kind, a, b and the empirical values (the rest is derived from them). */
static void put_dist(struct rb_sha256 *h, const struct rv_dist *d)
{
	put_i64(h, d->kind);
	put_f64(h, d->a);
	put_f64(h, d->b);
	put_u64(h, d->kind == RV_EMPIRICAL ? d->n : 0);
	for (size_t i = 0; d->kind == RV_EMPIRICAL && d->values && i < d->n; i++)
		put_f64(h, d->values[i]);
}

static void put_tenants(struct rb_sha256 *h, const struct scenario *s)
{
	put_u64(h, s->n_tenants);
	for (size_t i = 0; i < s->n_tenants; i++) {
		const struct scn_tenant *t = &s->tenants[i];
		put_str(h, t->id);
		put_f64(h, t->share);
		put_i64(h, t->forwarding);
		put_i64(h, t->forwarding == FWD_NO_ANSWER ? t->no_answer : 0);
	}
}

static void put_callers(struct rb_sha256 *h, const struct scn_callers *cl)
{
	put_dist(h, &cl->patience);
	/* The model draws redials only when they can happen (prob > 0). */
	bool redial = cl->redial && cl->redial_prob > 0;
	put_i64(h, redial);
	if (redial) {
		put_f64(h, cl->redial_prob);
		put_dist(h, &cl->redial_after);
	}
	put_u64(h, cl->n_types);
	for (size_t i = 0; i < cl->n_types; i++) {
		const struct scn_ctype *t = &cl->types[i];
		put_str(h, t->name);
		put_f64(h, t->share);
		put_dist(h, &t->talk);
		put_f64(h, t->screen_prob);
		if (t->screen_prob > 0)
			put_dist(h, &t->screened_talk);
		put_i64(h, t->refuses_callback);
	}
}

static void put_load(struct rb_sha256 *h, const struct scenario *s)
{
	put_u64(h, s->n_phases);
	for (size_t p = 0; p < s->n_phases; p++) {
		const struct scn_phase *ph = &s->phases[p];
		put_str(h, ph->name);
		put_i64(h, ph->duration);
		put_f64(h, ph->rate_per_s);
		put_u64(h, ph->n_bursts);
		for (size_t b = 0; b < ph->n_bursts; b++) {
			put_i64(h, ph->bursts[b].at);
			put_i64(h, ph->bursts[b].within);
			put_i64(h, ph->bursts[b].calls);
		}
	}
}

/* A trace's calls as read (trace.h): what decides who calls when. */
static void put_trace(struct rb_sha256 *h, const struct trace *t)
{
	put_u64(h, t ? t->n : 0);
	for (size_t i = 0; t && i < t->n; i++) {
		const struct trace_call *c = &t->calls[i];
		put_i64(h, c->t_dial);
		put_i64(h, c->no_answer);
		put_i64(h, c->fwd);
		put_i64(h, c->tenant);
		put_i64(h, c->type);
		put_i64(h, c->screened);
		put_i64(h, c->talk);
		put_i64(h, c->pat_exact);
		put_i64(h, c->pat_above);
		put_i64(h, c->redial);
	}
}

static void to_hex(const unsigned char *md, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int scn_load_hash(const struct scenario *s, char hex[65])
{
	if (!s || !hex)
		return EINVAL;
	struct rb_sha256 h;
	unsigned char md[RB_SHA256_LEN];
	rb_sha256_open(&h);
	put_str(&h, "ringbench-load-v1");
	put_i64(&h, s->ring_period);
	put_i64(&h, s->run.warmup);
	put_tenants(&h, s);
	put_callers(&h, &s->callers);
	put_load(&h, s);
	if (s->trace)
		put_trace(&h, s->trace);
	if (rb_sha256_close(&h, md))
		return ENOMEM;
	to_hex(md, hex);
	return 0;
}

int scn_pairing_key(const char *load_hex, uint64_t seed, int layout, char hex[65])
{
	if (!load_hex || !hex)
		return EINVAL;
	char text[128];
	int n = snprintf(text, sizeof(text), "%s:%" PRIu64 ":%d", load_hex, seed, layout);
	if (n < 0 || (size_t)n >= sizeof(text))
		return EINVAL;
	unsigned char md[RB_SHA256_LEN];
	if (rb_sha256(text, (size_t)n, md))
		return ENOMEM;
	to_hex(md, hex);
	return 0;
}
