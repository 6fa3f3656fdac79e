/*
 * rv: random variates for scenario distributions (see rv.h).
 *
 * The generator. Each stream is a gsl_rng, so every gsl_ran_* sampler works
 * on it, but of a small generator type defined here: xoshiro256++ (Blackman
 * and Vigna 2018; 256-bit state, period 2^256 - 1, passes BigCrush and
 * PractRand). Why not GSL's built-in mt19937 or taus2: their gsl_rng_set()
 * takes only 32 bits of seed (mt19937 masks the seed to 32 bits; taus2 runs
 * it through a 32-bit LCG), so two of the streams of a big sweep
 * (replications x processes) would collide with a probability that is not
 * negligible (about n^2 / 2^33), and a collision means two "independent"
 * replications that are the same. Here the whole 256-bit state is filled from
 * a 64-bit key by splitmix64, the key being a hash of (seed, replication,
 * process). xoshiro256++ is also faster: measured here (2 shared cores,
 * -O2), 130-270 M uniforms/s against mt19937's 35-50 M/s and taus2's
 * 98-122 M/s.
 *
 * get() returns the upper 32 bits (GSL's samplers, e.g. the ziggurat, assume
 * a generator's range as the built-in ones have); get_double() uses 53 bits.
 */
#include "rv.h"
#include "rv_int.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* splitmix64: advances *x and returns a well-mixed 64-bit value. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void xo_seed(struct xo_state *st, uint64_t key)
{
	for (int i = 0; i < 4; i++)
		st->s[i] = splitmix64(&key);
	if (!(st->s[0] | st->s[1] | st->s[2] | st->s[3]))
		st->s[0] = 1; /* the one forbidden state; cannot happen in practice */
}

static void xo_set(void *state, unsigned long seed)
{
	xo_seed(state, (uint64_t)seed);
}

static unsigned long xo_get(void *state)
{
	return (unsigned long)(xo_next(state) >> 32);
}

static double xo_get_double(void *state)
{
	return (double)(xo_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xo_type = {
    "rb_xoshiro256pp", 0xffffffffUL, 0, sizeof(struct xo_state), xo_set, xo_get, xo_get_double,
};

/*
 * The stream key: the seed, then the replication, then the process, each
 * folded in through splitmix64 (a bijection of 64-bit words), so nearby
 * seeds, replications and processes give unrelated keys.
 */
static uint64_t stream_key(uint64_t seed, unsigned replication, enum rv_process p)
{
	uint64_t x = seed;
	uint64_t k = splitmix64(&x);

	x = k ^ ((uint64_t)replication * UINT64_C(0xd1b54a32d192ed03));
	k = splitmix64(&x);
	x = k ^ ((uint64_t)(p + 1) * UINT64_C(0xaef17502108ef2d9));
	return splitmix64(&x);
}

/*
 * The exponential ziggurat's tables (rv_int.h). R is where the tail starts
 * for 256 layers (Marsaglia and Tsang 2000, "The ziggurat method for
 * generating random variables", J. Stat. Softw. 5(8)); each layer has the
 * area V of the base layer: the rectangle R x exp(-R) plus the tail beyond
 * R, exp(-R). Going up, layer i (width x[i], from height f[i] to f[i+1])
 * has area V, so f[i+1] = f[i] + V / x[i]. Built at run time from R in
 * double precision: the top layer comes out with x[256] within 1e-12 of 0,
 * and is closed at 0 exactly.
 */
#define ZIG_R 7.69711747013104972
double rv_zig_x[RV_ZIG_LAYERS + 1], rv_zig_f[RV_ZIG_LAYERS + 1], rv_zig_xs[RV_ZIG_LAYERS];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_build(void)
{
	double v = (ZIG_R + 1.0) * exp(-ZIG_R);

	rv_zig_x[0] = v / exp(-ZIG_R);
	rv_zig_f[0] = 0; /* the base layer never tests a wedge */
	rv_zig_x[1] = ZIG_R;
	rv_zig_f[1] = exp(-ZIG_R);
	for (int i = 1; i < RV_ZIG_LAYERS - 1; i++) {
		rv_zig_f[i + 1] = rv_zig_f[i] + v / rv_zig_x[i];
		rv_zig_x[i + 1] = -log(rv_zig_f[i + 1]);
	}
	rv_zig_x[RV_ZIG_LAYERS] = 0;
	rv_zig_f[RV_ZIG_LAYERS] = 1;
	for (int i = 0; i < RV_ZIG_LAYERS; i++)
		rv_zig_xs[i] = rv_zig_x[i] * 0x1.0p-53; /* exact: a power of two */
}

static inline double u53(struct xo_state *st)
{
	return (double)(xo_next(st) >> 11) * 0x1.0p-53;
}

/*
 * A draw that fell outside its layer's inner rectangle: in the base layer,
 * the tail, R + an exponential (memoryless), 1 - U in (0, 1] so log() is
 * finite; else the wedge between the rectangle and the curve, accepted
 * under exp(-x) with a fresh uniform for the height, or a new draw.
 */
double rv_exp1_slow(struct xo_state *st, unsigned i, double x)
{
	for (;;) {
		if (i == 0)
			return ZIG_R - log(1.0 - u53(st));
		if (rv_zig_f[i] + (rv_zig_f[i + 1] - rv_zig_f[i]) * u53(st) < exp(-x))
			return x;
		uint64_t b = xo_next(st);
		i = (unsigned)(b & (RV_ZIG_LAYERS - 1));
		x = (double)(b >> 11) * rv_zig_xs[i];
		if (x < rv_zig_x[i + 1])
			return x;
	}
}

double rv_std_exponential(struct rv_stream *s)
{
	return rv_exp1(s);
}

/*
 * Allocated here rather than by gsl_rng_alloc(), whose failure goes through
 * GSL's error handler (abort() by default): out of memory is ENOMEM here.
 * gsl_rng_free() frees both parts, as for any gsl_rng.
 */
int rv_stream_init(struct rv_stream *s, uint64_t seed, unsigned replication, enum rv_process p)
{
	gsl_rng *r;

	pthread_once(&zig_once, zig_build);
	r = malloc(sizeof(*r));
	if (!r)
		return ENOMEM;
	r->type = &xo_type;
	r->state = malloc(sizeof(struct xo_state));
	if (!r->state) {
		free(r);
		return ENOMEM;
	}
	xo_seed(r->state, stream_key(seed, replication, p));
	s->rng = r;
	s->xo = r->state;
	s->saturated = 0;
	return 0;
}

/* The key of sub-stream sub: stream_key's, with sub folded in the same way. */
void rv_stream_rekey(struct rv_stream *s, uint64_t seed, unsigned replication, enum rv_process p,
		     uint64_t sub)
{
	uint64_t x = stream_key(seed, replication, p) ^ (sub * UINT64_C(0x9e6c63d0676a9a99));

	xo_seed(s->rng->state, splitmix64(&x));
}

void rv_stream_free(struct rv_stream *s)
{
	if (!s)
		return;
	gsl_rng_free(s->rng);
	s->rng = NULL;
	s->xo = NULL;
}

double rv_uniform01(struct rv_stream *s)
{
	return rv_u01(s); /* gsl_rng_uniform's value, without its indirect call */
}

static double draw_raw(const struct rv_dist *d, struct rv_stream *s)
{
	const gsl_rng *r = s->rng;
	double x;

	switch (d->kind) {
	case RV_FIXED:
		return d->a;
	case RV_EXPONENTIAL:
		/* The ziggurat (rv_int.h): mostly one draw and one compare, no
		 * log(). sim/model/model.c and sim/live/schedule.c draw the same
		 * way, so all give the same draws. */
		return d->a * rv_exp1(s);
	case RV_UNIFORM:
		return d->a + (d->b - d->a) * gsl_rng_uniform(r);
	case RV_NORMAL:
		/* Truncated at 0 by redrawing; mean >= 0 keeps acceptance >= 1/2. */
		do
			x = d->a + d->b * gsl_ran_gaussian_ziggurat(r, 1.0);
		while (x < 0);
		return x;
	case RV_LOGNORMAL:
		return exp(d->mu + d->sigma * gsl_ran_gaussian_ziggurat(r, 1.0));
	case RV_GAMMA:
	case RV_ERLANG:
		return gsl_ran_gamma(r, d->shape, d->scale);
	case RV_EMPIRICAL:
		return d->values[(size_t)(gsl_rng_uniform(r) * (double)d->n)];
	case RV_NEVER:
		return INFINITY;
	case RV_WEIBULL: /* gsl_ran_weibull(r, a, b): a the scale, b the shape */
		return gsl_ran_weibull(r, d->b, d->a);
	}
	return NAN;
}

/* Cut at RV_MAX_S and counted (rv.h); NaN, which no valid distribution
 * draws, is cut too rather than turned into an undefined conversion. */
double rv_draw(const struct rv_dist *d, struct rv_stream *s)
{
	double x = draw_raw(d, s);

	if (d->kind == RV_NEVER || x <= RV_MAX_S)
		return x;
	s->saturated++;
	return RV_MAX_S;
}

rb_us rv_draw_us(const struct rv_dist *d, struct rv_stream *s)
{
	double x;

	if (d->kind == RV_NEVER)
		return INT64_MAX;
	x = rv_draw(d, s);
	/* Draws are in [0, RV_MAX_S]: adding 0.5 and truncating rounds to nearest. */
	return (rb_us)(x * 1e6 + 0.5);
}

/* Truncated normal: phi(alpha) / Q(alpha), with alpha = -mean / sd. */
static double tn_lambda(const struct rv_dist *d)
{
	double alpha = -d->a / d->b;

	return gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
}

static double emp_mean(const struct rv_dist *d)
{
	double m = 0;

	for (size_t i = 0; i < d->n; i++)
		m += d->values[i];
	return m / (double)d->n;
}

double rv_mean(const struct rv_dist *d)
{
	switch (d->kind) {
	case RV_FIXED:
	case RV_EXPONENTIAL:
	case RV_LOGNORMAL:
	case RV_GAMMA:
		return d->a;
	case RV_UNIFORM:
		return (d->a + d->b) / 2;
	case RV_NORMAL:
		return d->a + d->b * tn_lambda(d);
	case RV_ERLANG:
		return d->b;
	case RV_EMPIRICAL:
		return emp_mean(d);
	case RV_NEVER:
		return INFINITY;
	case RV_WEIBULL: /* scale Gamma(1 + 1/k) */
		return d->b * gsl_sf_gamma(1 + 1 / d->a);
	}
	return NAN;
}

double rv_variance(const struct rv_dist *d)
{
	double v = 0, m, alpha, lam;

	switch (d->kind) {
	case RV_FIXED:
		return 0;
	case RV_EXPONENTIAL:
		return d->a * d->a;
	case RV_UNIFORM:
		return (d->b - d->a) * (d->b - d->a) / 12;
	case RV_NORMAL:
		alpha = -d->a / d->b;
		lam = tn_lambda(d);
		return d->b * d->b * (1 + alpha * lam - lam * lam);
	case RV_LOGNORMAL:
	case RV_GAMMA:
		return d->b * d->b;
	case RV_ERLANG:
		return d->b * d->b / d->a;
	case RV_EMPIRICAL:
		m = emp_mean(d);
		for (size_t i = 0; i < d->n; i++)
			v += (d->values[i] - m) * (d->values[i] - m);
		return v / (double)d->n;
	case RV_NEVER:
		return INFINITY;
	case RV_WEIBULL: /* scale^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2) */
		m = gsl_sf_gamma(1 + 1 / d->a);
		return d->b * d->b * (gsl_sf_gamma(1 + 2 / d->a) - m * m);
	}
	return NAN;
}

static int bad(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return EINVAL;
}

int rv_dist_prepare(struct rv_dist *d, const char **why)
{
	double cv2;

	if (!isfinite(d->a) || !isfinite(d->b))
		return bad(why, "parameters must be finite numbers");
	switch (d->kind) {
	case RV_FIXED:
		if (d->a < 0)
			return bad(why, "a fixed value must be >= 0");
		break;
	case RV_EXPONENTIAL:
		if (d->a <= 0)
			return bad(why, "an exponential mean must be > 0");
		break;
	case RV_UNIFORM:
		if (d->a < 0 || d->b < d->a)
			return bad(why, "uniform bounds must be [a, b] with 0 <= a <= b");
		break;
	case RV_NORMAL:
		if (d->a < 0)
			return bad(why, "a normal mean must be >= 0 (it is truncated at 0)");
		if (d->b <= 0)
			return bad(why, "sd must be > 0");
		break;
	case RV_LOGNORMAL:
		if (d->a <= 0)
			return bad(why, "mean must be > 0");
		if (d->b <= 0)
			return bad(why, "sd must be > 0");
		cv2 = (d->b / d->a) * (d->b / d->a);
		d->sigma = sqrt(log1p(cv2));
		d->mu = log(d->a) - log1p(cv2) / 2;
		break;
	case RV_GAMMA:
		if (d->a <= 0)
			return bad(why, "mean must be > 0");
		if (d->b <= 0)
			return bad(why, "sd must be > 0");
		d->shape = (d->a / d->b) * (d->a / d->b);
		d->scale = d->b * d->b / d->a;
		break;
	case RV_ERLANG:
		if (d->a < 1 || d->a != floor(d->a) || d->a > 1e6)
			return bad(why, "k must be a whole number >= 1");
		if (d->b <= 0)
			return bad(why, "mean must be > 0");
		d->shape = d->a;
		d->scale = d->b / d->a;
		break;
	case RV_EMPIRICAL:
		if (!d->values || d->n == 0)
			return bad(why, "an empirical distribution needs at least one value");
		for (size_t i = 0; i < d->n; i++)
			if (!isfinite(d->values[i]) || d->values[i] < 0)
				return bad(why, "empirical values must be finite and >= 0");
		break;
	case RV_NEVER:
		break;
	case RV_WEIBULL:
		/* Below 0.05 the mean (Gamma(1 + 1/k)) overflows long before
		 * RV_MAX_S matters; above 1000 it is a fixed value in disguise. */
		if (d->a < 0.05 || d->a > 1000)
			return bad(why, "a weibull shape must be between 0.05 and 1000");
		if (d->b <= 0)
			return bad(why, "a weibull scale must be > 0");
		d->shape = d->a;
		d->scale = d->b;
		break;
	default:
		return bad(why, "unknown distribution");
	}
	return 0;
}

void rv_dist_free(struct rv_dist *d)
{
	if (!d)
		return;
	free(d->values);
	d->values = NULL;
	d->n = 0;
}

size_t rv_pick(const double *cum, size_t n, struct rv_stream *s)
{
	double u = rv_u01(s);
	size_t lo = 0, hi = n - 1;

	assert(n > 0);
	if (n <= 8) {
		for (size_t i = 0; i + 1 < n; i++)
			if (u < cum[i])
				return i;
		return n - 1;
	}
	while (lo < hi) { /* first i with u < cum[i]; the last one when none */
		size_t mid = lo + (hi - lo) / 2;

		if (u < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
