/*
 * rv_cond: a draw conditioned on exceeding a bound (rv.h: rv_draw_above),
 * for trace replay (core/trace.h): a caller answered after waiting w, d
 * seconds after dialling, had a patience of more than d + w, and the replay
 * must draw that caller's patience from the scenario's distribution given
 * that it is more than d + w, not from the distribution itself (that would
 * make the recorded answered callers hang up earlier than they could have).
 *
 * By the inverse of the upper tail: with Q(x) = P(X > x) and one uniform U,
 * X = Q^-1(Q(b) (1 - U)) has the law of X given X > b. Working with Q
 * rather than the CDF keeps its precision far in the tail (b well above the
 * mean), where 1 - F(b) would round to 0. One uniform per draw for every
 * kind with a closed-form or numerically inverted tail (exponential,
 * uniform, normal, lognormal, gamma, Erlang, empirical, Weibull); a kind without one
 * (a kind added later) falls back to rejection: redraw until above b, at
 * most RV_COND_TRIES times.
 *
 * GSL's special functions call its error handler (which aborts) on
 * underflow, so the gamma tail is never evaluated where it would underflow:
 * there, and wherever Q(b) is below 1e-200, the tail beyond b is taken as
 * what it is asymptotically, b plus an exponential with the tail's hazard
 * (the scale for a gamma; 1/z for the normal in its z units).
 */
#include "rv.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#define RV_COND_TRIES 10000
/* Below this Q(b) the asymptotic tail is used (see above). */
#define TAIL_TINY 1e-200
/* ln Q below which the gamma tail is not evaluated (GSL would underflow). */
#define GAMMA_LNQ_FLOOR (-650.0)

/* An exponential of mean 1 from u in [0, 1). */
static double unit_exp(double u)
{
	return -log(1.0 - u);
}

/* z of the standard normal given z > z0 (q0 = Q(z0)), from u. */
static double normal_tail(double z0, double q0, double u)
{
	if (q0 >= TAIL_TINY) {
		double z = gsl_cdf_ugaussian_Qinv(q0 * (1.0 - u));
		return z > z0 ? z : z0;
	}
	/* Mills' ratio: beyond a large z0 the tail is about exponential with rate z0. */
	return z0 + unit_exp(u) / z0;
}

/* ln Q of the gamma(a, 1) at y, or -INFINITY where it would underflow. */
static double gamma_lnq(double a, double y)
{
	if (y <= 0)
		return 0;
	/* The tail's leading term: exact enough to keep GSL away from underflow. */
	if (y > a && -y + (a - 1) * log(y) - lgamma(a) < GAMMA_LNQ_FLOOR)
		return -INFINITY;
	gsl_sf_result r;
	if (gsl_sf_gamma_inc_Q_e(a, y, &r) || !(r.val > 0))
		return -INFINITY;
	return log(r.val);
}

/* y >= y0 with ln Q(y) = lnq (gamma(a, 1)), by Newton on ln Q kept inside a bracket. */
static double gamma_solve(double a, double y0, double lnq)
{
	double lo = y0, hi = y0 > a ? y0 : a, step = sqrt(a) + 1;
	for (int i = 0; i < 200 && gamma_lnq(a, hi) >= lnq; i++, step *= 2)
		hi = lo + step;
	double y = 0.5 * (lo + hi);
	for (int i = 0; i < 100 && hi - lo > 1e-12 * (1 + hi); i++) {
		double lq = gamma_lnq(a, y), f = lq - lnq;
		if (f > 0)
			lo = y;
		else
			hi = y;
		/* d ln Q / dy = -pdf / Q */
		double pdf = gsl_ran_gamma_pdf(y, a, 1.0);
		double next = isfinite(lq) && pdf > 0 ? y + f * exp(lq) / pdf : NAN;
		if (fabs(f) < 1e-13)
			return y;
		y = next > lo && next < hi ? next : 0.5 * (lo + hi);
	}
	return y;
}

static double gamma_above(const struct rv_dist *d, double b, double u)
{
	double y0 = b > 0 ? b / d->scale : 0;
	double lnq0 = gamma_lnq(d->shape, y0);
	if (!(lnq0 > log(TAIL_TINY)))
		return b + d->scale * unit_exp(u); /* the tail's hazard tends to 1/scale */
	double y = gamma_solve(d->shape, y0, lnq0 + log1p(-u));
	return y * d->scale > b ? y * d->scale : b;
}

/* Empirical: the values at or above b, each equally likely. */
static double emp_above(const struct rv_dist *d, double b, double u, bool *clamped)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->values[i] >= b;
	if (!n) {
		*clamped = true;
		return b;
	}
	size_t k = (size_t)(u * (double)n);
	for (size_t i = 0; i < d->n; i++)
		if (d->values[i] >= b && k-- == 0)
			return d->values[i];
	return b;
}

static double reject_above(const struct rv_dist *d, double b, struct rv_stream *s, bool *clamped)
{
	for (int i = 0; i < RV_COND_TRIES; i++) {
		double x = rv_draw(d, s);
		if (x >= b)
			return x;
	}
	*clamped = true;
	return b;
}

static double draw_above(const struct rv_dist *d, double b, struct rv_stream *s, bool *clamped)
{
	double u, z0;
	switch (d->kind) {
	case RV_FIXED:
		if (d->a >= b)
			return d->a;
		*clamped = true;
		return b;
	case RV_EXPONENTIAL: /* memoryless: the bound plus rv_draw's own
			      * exponential (the ziggurat, one method everywhere) */
		return b + d->a * rv_std_exponential(s);
	case RV_UNIFORM: {
		double lo = d->a > b ? d->a : b;
		u = rv_uniform01(s);
		if (lo < d->b)
			return lo + (d->b - lo) * u;
		*clamped = true;
		return b;
	}
	case RV_NORMAL: /* truncated at 0: given > max(b, 0) */
		z0 = ((b > 0 ? b : 0) - d->a) / d->b;
		u = rv_uniform01(s);
		return d->a + d->b * normal_tail(z0, gsl_cdf_ugaussian_Q(z0), u);
	case RV_LOGNORMAL:
		u = rv_uniform01(s);
		if (b <= 0)
			return exp(d->mu + d->sigma * gsl_cdf_ugaussian_Qinv(1.0 - u));
		z0 = (log(b) - d->mu) / d->sigma;
		return fmax(b, exp(d->mu + d->sigma * normal_tail(z0, gsl_cdf_ugaussian_Q(z0), u)));
	case RV_GAMMA:
	case RV_ERLANG:
		return gamma_above(d, b, rv_uniform01(s));
	case RV_EMPIRICAL:
		return emp_above(d, b, rv_uniform01(s), clamped);
	case RV_NEVER:
		return INFINITY;
	case RV_WEIBULL: /* Q(x) = exp(-(x/scale)^k): (x/scale)^k beyond b is (b/scale)^k + E */
		u = unit_exp(rv_uniform01(s));
		return fmax(b, d->scale * pow(pow(b / d->scale, d->shape) + u, 1 / d->shape));
	default:
		return reject_above(d, b, s, clamped);
	}
}

double rv_draw_above(const struct rv_dist *d, double bound_s, struct rv_stream *s, bool *clamped)
{
	bool cl = false;
	double x = draw_above(d, bound_s > 0 ? bound_s : 0, s, &cl);
	if (clamped)
		*clamped = cl;
	if (d->kind == RV_NEVER || x <= RV_MAX_S)
		return x;
	s->saturated++;
	return RV_MAX_S;
}

rb_us rv_draw_above_us(const struct rv_dist *d, rb_us bound, struct rv_stream *s, bool *clamped)
{
	if (d->kind == RV_NEVER) {
		if (clamped)
			*clamped = false;
		return INT64_MAX;
	}
	double x = rv_draw_above(d, rb_us_to_s(bound), s, clamped);
	rb_us v = (rb_us)(x * 1e6 + 0.5);
	/* Rounding to the µs must not put the draw below what was observed. */
	return v < bound ? bound : v;
}
