/*
 * rbjson_dumps_sorted: see rbjson.h. The same bytes as jansson's json_dumps
 * with JSON_SORT_KEYS, JSON_INDENT(n) and JSON_REAL_PRECISION(p) (jansson's
 * dump.c and strconv.c: keys sorted bytewise, "\n" and n spaces a level,
 * ": " after a key, '"' '\\' and control bytes escaped, "\u" in upper-case
 * hex; a real as "%.{p}g", ".0" added when it has neither '.' nor 'e', the
 * exponent's '+' and leading zeros dropped), with fewer instructions:
 * summary.json of bench/model's case (1 M calls, 290 KB) took about 46 M
 * instructions in json_dumps, most in snprintf's "%.16g".
 *
 * The speed is in reals: "%.16g" of a value whose exponent X lies in
 * [-4, 15] (plain notation) is 16 digits of v·10^(15−X) rounded to the
 * nearest, ties to even as glibc's printf does in the default rounding
 * mode, which an exact 128-bit integer product gives for v >= 2^-64;
 * anything else goes to snprintf. Integers are written by rb_fmt_u64.
 */
#include "rbjson.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbtime.h"

struct out {
	char *b;
	size_t n, cap;
	bool nomem;
};

/* Room for len more bytes; false (and nomem) when memory ran out. */
static bool room(struct out *o, size_t len)
{
	if (o->nomem)
		return false;
	if (o->cap - o->n > len)
		return true;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap - o->n <= len)
		cap *= 2;
	char *b = realloc(o->b, cap);
	if (!b) {
		o->nomem = true;
		return false;
	}
	o->b = b;
	o->cap = cap;
	return true;
}

static void put(struct out *o, const char *s, size_t len)
{
	if (!room(o, len))
		return;
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

static void put_indent(struct out *o, int indent, int depth)
{
	size_t len = 1 + (size_t)indent * (size_t)depth;
	if (!room(o, len))
		return;
	o->b[o->n] = '\n';
	memset(o->b + o->n + 1, ' ', len - 1);
	o->n += len;
}

/* A string as dump_string writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH (jansson's strings are valid UTF-8: copied as they are). */
static void put_string(struct out *o, const char *s, size_t len)
{
	if (!room(o, 6 * len + 2))
		return;
	char *p = o->b + o->n;
	static const char hex[] = "0123456789ABCDEF";
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	*p++ = '"';
	o->n = (size_t)(p - o->b);
}

static const uint64_t pow10_u64[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/*
 * v (finite, > 0) = m·2^e scaled by 10^k (0 <= k <= 19) and rounded to an
 * integer, ties to even; false when that is not exact in 128 bits.
 */
static bool scaled(double v, int k, uint64_t *res)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int be = (int)(bits >> 52 & 0x7ff);
	uint64_t m = bits & ((1ull << 52) - 1);
	int e = -1074; /* v = m·2^e exactly (subnormal: be 0) */
	if (be) {
		m |= 1ull << 52;
		e = be - 1075;
	}
	unsigned __int128 p = (unsigned __int128)m * pow10_u64[k];
	if (e >= 0) {
		if (e > 10)
			return false;
		p <<= e;
		if (p >> 64)
			return false;
		*res = (uint64_t)p;
		return true;
	}
	if (-e >= 127)
		return false;
	unsigned __int128 q = p >> -e, r = p - (q << -e), half = (unsigned __int128)1 << (-e - 1);
	if (r > half || (r == half && (q & 1)))
		q++;
	if (q >> 64)
		return false;
	*res = (uint64_t)q;
	return true;
}

/*
 * "%.16g" of v (finite, > 0) when its exponent is in [-4, 15], into buf;
 * returns the length, or 0 when the caller must use snprintf.
 */
static int g16_plain(double v, char *buf)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int e2 = (int)(bits >> 52 & 0x7ff) - 1023; /* v in [2^e2, 2^(e2+1)) when normal */
	/* a guess at floor(log10 v), off by one at most: corrected below */
	int x = (e2 * 78913) >> 18; /* floor(e2 · log10 2) for |e2| < 1700 */
	uint64_t n = 0;
	for (int tries = 0; tries < 3; tries++) {
		if (x < -4 || x > 15)
			return 0;
		if (!scaled(v, 15 - x, &n))
			return 0;
		if (n >= pow10_u64[16])
			x++;
		else if (n < pow10_u64[15])
			x--;
		else
			break;
	}
	if (n < pow10_u64[15] || n >= pow10_u64[16] || x < -4 || x > 15)
		return 0;
	char d[16];
	for (int i = 15; i >= 0; i--, n /= 10)
		d[i] = (char)('0' + n % 10);
	int len = 16;
	while (len > 1 && d[len - 1] == '0')
		len--; /* %g drops trailing zeros of the fraction */
	char *p = buf;
	if (x >= 0) {
		memcpy(p, d, (size_t)x + 1);
		p += x + 1;
		if (len > x + 1) {
			*p++ = '.';
			memcpy(p, d + x + 1, (size_t)(len - x - 1));
			p += len - x - 1;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		memset(p, '0', (size_t)(-x - 1));
		p += -x - 1;
		memcpy(p, d, (size_t)len);
		p += len;
	}
	return (int)(p - buf);
}

/* jsonp_dtostr's text of v with precision prec (jansson 2.14, snprintf). */
static void put_real(struct out *o, double v, int prec)
{
	char buf[64];
	int len = 0;
	if (prec == 16 && isfinite(v) && v != 0) {
		bool neg = v < 0;
		buf[0] = '-';
		len = g16_plain(neg ? -v : v, buf + neg);
		if (len)
			len += neg;
	}
	if (!len) {
		len = snprintf(buf, sizeof(buf) - 3, "%.*g", prec ? prec : 17, v);
		if (len < 0 || len >= (int)sizeof(buf) - 3) {
			o->nomem = true; /* jansson fails too */
			return;
		}
		char *e = strchr(buf, 'e');
		if (e) {
			/* drop the exponent's '+' and leading zeros */
			char *start = e + 1, *end = start + 1;
			if (*start == '-')
				start++;
			while (*end == '0')
				end++;
			if (end != start) {
				memmove(start, end, (size_t)(len - (end - buf)) + 1);
				len -= (int)(end - start);
			}
		}
	}
	if (!memchr(buf, '.', (size_t)len) && !memchr(buf, 'e', (size_t)len)) {
		buf[len++] = '.';
		buf[len++] = '0';
	}
	put(o, buf, (size_t)len);
}

static void put_integer(struct out *o, json_int_t v)
{
	char buf[24];
	int n = 0;
	uint64_t a = (uint64_t)v;
	if (v < 0) {
		buf[n++] = '-';
		a = (uint64_t)(-(v + 1)) + 1;
	}
	n += rb_fmt_u64(buf + n, a);
	put(o, buf, (size_t)n);
}

struct kv {
	const char *key;
	size_t len;
	json_t *val;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->key, y->key, n);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static void dump(struct out *o, const json_t *j, int indent, int prec, int depth);

static void dump_object(struct out *o, const json_t *j, int indent, int prec, int depth)
{
	size_t n = json_object_size(j);
	if (!n) {
		put(o, "{}", 2);
		return;
	}
	struct kv stack[64], *kv = n <= 64 ? stack : malloc(n * sizeof(*kv));
	if (!kv) {
		o->nomem = true;
		return;
	}
	size_t i = 0;
	for (void *it = json_object_iter((json_t *)j); it && i < n;
	     it = json_object_iter_next((json_t *)j, it), i++) {
		kv[i].key = json_object_iter_key(it);
		kv[i].len = json_object_iter_key_len(it);
		kv[i].val = json_object_iter_value(it);
	}
	qsort(kv, i, sizeof(*kv), kv_cmp);
	put(o, "{", 1);
	put_indent(o, indent, depth + 1);
	for (size_t k = 0; k < i; k++) {
		put_string(o, kv[k].key, kv[k].len);
		put(o, ": ", 2);
		dump(o, kv[k].val, indent, prec, depth + 1);
		if (k + 1 < i) {
			put(o, ",", 1);
			put_indent(o, indent, depth + 1);
		} else {
			put_indent(o, indent, depth);
		}
	}
	put(o, "}", 1);
	if (kv != stack)
		free(kv);
}

static void dump_array(struct out *o, const json_t *j, int indent, int prec, int depth)
{
	size_t n = json_array_size(j);
	if (!n) {
		put(o, "[]", 2);
		return;
	}
	put(o, "[", 1);
	put_indent(o, indent, depth + 1);
	for (size_t k = 0; k < n; k++) {
		dump(o, json_array_get(j, k), indent, prec, depth + 1);
		if (k + 1 < n) {
			put(o, ",", 1);
			put_indent(o, indent, depth + 1);
		} else {
			put_indent(o, indent, depth);
		}
	}
	put(o, "]", 1);
}

static void dump(struct out *o, const json_t *j, int indent, int prec, int depth)
{
	if (depth > 2048) { /* jansson refuses loops; so does this, by depth */
		o->nomem = true;
		return;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		dump_object(o, j, indent, prec, depth);
		break;
	case JSON_ARRAY:
		dump_array(o, j, indent, prec, depth);
		break;
	case JSON_STRING:
		put_string(o, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		put_integer(o, json_integer_value(j));
		break;
	case JSON_REAL:
		put_real(o, json_real_value(j), prec);
		break;
	case JSON_TRUE:
		put(o, "true", 4);
		break;
	case JSON_FALSE:
		put(o, "false", 5);
		break;
	default:
		put(o, "null", 4);
		break;
	}
}

char *rbjson_dumps_sorted(const json_t *j, int indent, int precision, size_t *len)
{
	if (!j || (!json_is_object(j) && !json_is_array(j)) || indent < 1 || indent > 31 ||
	    precision < 0 || precision > 31)
		return NULL;
	struct out o = {0};
	dump(&o, j, indent, precision, 0);
	if (!o.nomem)
		put(&o, "", 1); /* the NUL */
	if (o.nomem) {
		free(o.b);
		return NULL;
	}
	if (len)
		*len = o.n - 1;
	return o.b;
}
