/*
 * fit_mle: maximum likelihood for durations that may be exact, whole
 * seconds (interval-censored), right-censored, and left-truncated, in four
 * families. The densities and distribution functions are GSL's (gsl_ran_*_pdf,
 * gsl_cdf_*), the optimiser GSL's Nelder-Mead simplex (gsl_multimin) on
 * unconstrained parameters (the logs of positive ones), and the standard
 * errors come from the observed information: a central-difference Hessian
 * of the log-likelihood at the optimum, inverted, then the delta method.
 *
 * One observation's log-likelihood (fit_int.h, struct fit_obs):
 *   exact x:            log f(x)
 *   in [lo, hi]:        log (F(hi) - F(lo))
 *   above lo:           log S(lo)
 *   and, truncated at d: minus log S(d).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "fit_int.h"

static const char *const fam_names[FAM_N] = {"exponential", "gamma", "lognormal", "weibull"};
static const int fam_k[FAM_N] = {1, 2, 2, 2};

const char *fit_fam_name(enum fit_family f)
{
	return fam_names[f];
}

double fit_fam_cdf(enum fit_family f, const double *p, double x)
{
	if (x <= 0)
		return 0;
	switch (f) {
	case FAM_EXPONENTIAL:
		return gsl_cdf_exponential_P(x, p[0]);
	case FAM_GAMMA:
		return gsl_cdf_gamma_P(x, p[0], p[1]);
	case FAM_LOGNORMAL:
		return gsl_cdf_lognormal_P(x, p[0], p[1]);
	default:
		return gsl_cdf_weibull_P(x, p[1], p[0]);
	}
}

double fit_fam_sf(enum fit_family f, const double *p, double x)
{
	if (x <= 0)
		return 1;
	if (isinf(x))
		return 0;
	switch (f) {
	case FAM_EXPONENTIAL:
		return gsl_cdf_exponential_Q(x, p[0]);
	case FAM_GAMMA:
		return gsl_cdf_gamma_Q(x, p[0], p[1]);
	case FAM_LOGNORMAL:
		return gsl_cdf_lognormal_Q(x, p[0], p[1]);
	default:
		return gsl_cdf_weibull_Q(x, p[1], p[0]);
	}
}

double fit_fam_pdf(enum fit_family f, const double *p, double x)
{
	switch (f) {
	case FAM_EXPONENTIAL:
		return gsl_ran_exponential_pdf(x, p[0]);
	case FAM_GAMMA:
		return gsl_ran_gamma_pdf(x, p[0], p[1]);
	case FAM_LOGNORMAL:
		return gsl_ran_lognormal_pdf(x, p[0], p[1]);
	default:
		return gsl_ran_weibull_pdf(x, p[1], p[0]);
	}
}

double fit_fam_mean(enum fit_family f, const double *p)
{
	switch (f) {
	case FAM_EXPONENTIAL:
		return p[0];
	case FAM_GAMMA:
		return p[0] * p[1];
	case FAM_LOGNORMAL:
		return exp(p[0] + p[1] * p[1] / 2);
	default:
		return p[1] * exp(gsl_sf_lngamma(1 + 1 / p[0]));
	}
}

double fit_fam_median(enum fit_family f, const double *p)
{
	switch (f) {
	case FAM_EXPONENTIAL:
		return p[0] * M_LN2;
	case FAM_GAMMA:
		return gsl_cdf_gamma_Pinv(0.5, p[0], p[1]);
	case FAM_LOGNORMAL:
		return exp(p[0]);
	default:
		return p[1] * pow(M_LN2, 1 / p[0]);
	}
}

/* Transformed (unconstrained) to natural parameters. */
static void natural(enum fit_family f, const double *th, double *p)
{
	p[0] = f == FAM_LOGNORMAL ? th[0] : exp(th[0]);
	p[1] = fam_k[f] > 1 ? exp(th[1]) : 0;
}

/* log(max(v, tiny)): a probability that underflows costs much, not -inf. */
static double safe_log(double v)
{
	return v > 1e-300 ? log(v) : -690.8;
}

static double obs_ll(enum fit_family f, const double *p, const struct fit_obs *o)
{
	double ll;

	if (o->lo == o->hi) {
		ll = safe_log(fit_fam_pdf(f, p, o->lo));
	} else if (isinf(o->hi)) {
		ll = safe_log(fit_fam_sf(f, p, o->lo));
	} else {
		/* the difference taken on the side where it does not cancel */
		double a = fit_fam_sf(f, p, o->lo), b = fit_fam_sf(f, p, o->hi);
		double d = a < 0.5 ? a - b : fit_fam_cdf(f, p, o->hi) - fit_fam_cdf(f, p, o->lo);
		ll = safe_log(d);
	}
	if (o->trunc > 0)
		ll -= safe_log(fit_fam_sf(f, p, o->trunc));
	return ll;
}

struct llctx {
	enum fit_family f;
	const struct fit_obs *obs;
	size_t n;
};

static double loglik(const double *th, const struct llctx *c)
{
	double p[2], s = 0;

	natural(c->f, th, p);
	if (!isfinite(p[0]) || !isfinite(p[1]) || (c->f != FAM_LOGNORMAL && p[0] <= 0) ||
	    (fam_k[c->f] > 1 && p[1] <= 0))
		return -INFINITY;
	for (size_t i = 0; i < c->n; i++)
		s += fit_obs_w(&c->obs[i]) * obs_ll(c->f, p, &c->obs[i]);
	return s;
}

static double neg_ll(const gsl_vector *v, void *arg)
{
	const struct llctx *c = arg;
	double th[2] = {gsl_vector_get(v, 0), v->size > 1 ? gsl_vector_get(v, 1) : 0};
	double ll = loglik(th, c);

	return isfinite(ll) ? -ll : GSL_POSINF;
}

/* Starting values by moments of a point per observation (its middle, or lo). */
static void start(enum fit_family f, const struct fit_obs *obs, size_t n, double *th)
{
	double m = 0, m2 = 0, lm = 0, lv = 0, W = 0;

	for (size_t i = 0; i < n; i++) {
		double x = isinf(obs[i].hi) ? obs[i].lo : (obs[i].lo + obs[i].hi) / 2, w = fit_obs_w(&obs[i]);
		x = x > 0.05 ? x : 0.05;
		m += w * x;
		m2 += w * x * x;
		lm += w * log(x);
		W += w;
	}
	m /= W;
	m2 = m2 / W - m * m;
	lm /= W;
	for (size_t i = 0; i < n; i++) {
		double x = isinf(obs[i].hi) ? obs[i].lo : (obs[i].lo + obs[i].hi) / 2;
		x = x > 0.05 ? x : 0.05;
		lv += fit_obs_w(&obs[i]) * (log(x) - lm) * (log(x) - lm);
	}
	lv = W > 1 ? lv / (W - 1) : 1;
	double cv2 = m2 > 0 ? m2 / (m * m) : 1;
	switch (f) {
	case FAM_EXPONENTIAL:
		th[0] = log(m);
		break;
	case FAM_GAMMA:
		th[0] = -log(cv2);
		th[1] = log(m * cv2);
		break;
	case FAM_LOGNORMAL:
		th[0] = lm;
		th[1] = 0.5 * log(lv > 1e-4 ? lv : 1e-4);
		break;
	default:
		th[0] = -0.5 * log(cv2 > 0.01 ? cv2 : 0.01); /* k ~ 1/cv for moderate cv */
		th[1] = log(m);
	}
}

/* Nelder-Mead from th, restarted once from its own optimum (the simplex can
 * stall on a ridge); returns the iterations. */
static int minimise(struct llctx *c, int k, double *th)
{
	gsl_multimin_function fn = {neg_ll, (size_t)k, c};
	int it_all = 0;

	for (int round = 0; round < 2; round++) {
		gsl_multimin_fminimizer *s =
		    gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)k);
		gsl_vector *x = gsl_vector_alloc((size_t)k), *step = gsl_vector_alloc((size_t)k);
		int it = 0, status = GSL_CONTINUE;

		if (!s || !x || !step) {
			gsl_multimin_fminimizer_free(s);
			gsl_vector_free(x);
			gsl_vector_free(step);
			return -1;
		}
		for (int i = 0; i < k; i++) {
			gsl_vector_set(x, (size_t)i, th[i]);
			gsl_vector_set(step, (size_t)i, round ? 0.05 : 0.3);
		}
		gsl_multimin_fminimizer_set(s, &fn, x, step);
		while (status == GSL_CONTINUE && it++ < 400) {
			if (gsl_multimin_fminimizer_iterate(s))
				break;
			status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-6);
		}
		for (int i = 0; i < k; i++)
			th[i] = gsl_vector_get(s->x, (size_t)i);
		it_all += it;
		gsl_multimin_fminimizer_free(s);
		gsl_vector_free(x);
		gsl_vector_free(step);
	}
	return it_all;
}

/* The observed information's inverse (the covariance of th), by central
 * differences; false when not positive definite. */
static bool covariance(struct llctx *c, int k, const double *th, double cov[2][2])
{
	double h[2] = {1e-4 * fmax(1, fabs(th[0])), 1e-4 * fmax(1, fabs(th[1]))};
	double H[2][2], f0 = loglik(th, c);

	for (int i = 0; i < k; i++)
		for (int j = i; j < k; j++) {
			double t[2], fpp, fpm, fmp, fmm;
			memcpy(t, th, sizeof t);
			if (i == j) {
				t[i] = th[i] + h[i];
				fpp = loglik(t, c);
				t[i] = th[i] - h[i];
				fmm = loglik(t, c);
				H[i][i] = -(fpp - 2 * f0 + fmm) / (h[i] * h[i]);
				continue;
			}
			t[i] = th[i] + h[i], t[j] = th[j] + h[j], fpp = loglik(t, c);
			t[i] = th[i] + h[i], t[j] = th[j] - h[j], fpm = loglik(t, c);
			t[i] = th[i] - h[i], t[j] = th[j] + h[j], fmp = loglik(t, c);
			t[i] = th[i] - h[i], t[j] = th[j] - h[j], fmm = loglik(t, c);
			H[i][j] = H[j][i] = -(fpp - fpm - fmp + fmm) / (4 * h[i] * h[j]);
		}
	if (k == 1) {
		cov[0][0] = H[0][0] > 0 ? 1 / H[0][0] : NAN;
		cov[0][1] = cov[1][0] = cov[1][1] = 0;
		return H[0][0] > 0;
	}
	double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
	if (!(H[0][0] > 0 && det > 0))
		return false;
	cov[0][0] = H[1][1] / det;
	cov[1][1] = H[0][0] / det;
	cov[0][1] = cov[1][0] = -H[0][1] / det;
	return true;
}

/* The 95 % interval of g(th) by the delta method (numerical gradient). */
static void delta_ci(enum fit_family f, int k, const double *th, double cov[2][2],
		     double (*g)(enum fit_family, const double *), double *lo, double *hi)
{
	double p[2], grad[2] = {0, 0}, v = 0, g0;

	natural(f, th, p);
	g0 = g(f, p);
	for (int i = 0; i < k; i++) {
		double t[2] = {th[0], th[1]}, e = 1e-5 * fmax(1, fabs(th[i])), q[2], a, b;
		t[i] = th[i] + e;
		natural(f, t, q);
		a = g(f, q);
		t[i] = th[i] - e;
		natural(f, t, q);
		b = g(f, q);
		grad[i] = (a - b) / (2 * e);
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			v += grad[i] * cov[i][j] * grad[j];
	*lo = g0 - 1.959964 * sqrt(v);
	*hi = g0 + 1.959964 * sqrt(v);
}

int fit_mle(enum fit_family f, const struct fit_obs *obs, size_t n, struct fit_mle *m)
{
	struct llctx c = {f, obs, n};
	double th[2] = {0, 0};
	int k = fam_k[f];

	memset(m, 0, sizeof *m);
	m->fam = f;
	m->k = k;
	m->ks = m->median_lo = m->median_hi = m->mean_lo = m->mean_hi = NAN;
	if (n == 0) {
		return 0;
	}
	start(f, obs, n, th);
	m->iterations = minimise(&c, k, th);
	if (m->iterations < 0) {
		return ENOMEM;
	}
	m->loglik = loglik(th, &c);
	natural(f, th, m->par);
	m->ok = isfinite(m->loglik);
	m->aic = 2 * k - 2 * m->loglik;
	m->mean = fit_fam_mean(f, m->par);
	m->median = fit_fam_median(f, m->par);
	if (m->ok && covariance(&c, k, th, m->cov)) {
		for (int i = 0; i < k; i++) /* log-scale parameters: se(p) = p se(log p) */
			m->se[i] = sqrt(m->cov[i][i]) * (f == FAM_LOGNORMAL && i == 0 ? 1 : m->par[i]);
		delta_ci(f, k, th, m->cov, fit_fam_mean, &m->mean_lo, &m->mean_hi);
		delta_ci(f, k, th, m->cov, fit_fam_median, &m->median_lo, &m->median_hi);
	} else {
		m->se[0] = m->se[1] = NAN;
	}
	return 0;
}

static int cmp_lo(const void *a, const void *b)
{
	const struct fit_obs *x = a, *y = b;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

/*
 * sup |F_n - F| over the observations (all uncensored, untruncated). A
 * whole-second value x stands for [lo, hi]: before its group the empirical
 * function is compared with F(lo), after it with F(hi), so rounding alone
 * does not count as a misfit.
 */
double fit_ks(enum fit_family f, const double *par, const struct fit_obs *obs, size_t n)
{
	struct fit_obs *s = malloc(sizeof *s * (n ? n : 1));
	double d = 0;

	if (!s || n == 0) {
		free(s);
		return NAN;
	}
	double W = 0, cum = 0;
	memcpy(s, obs, sizeof *s * n);
	qsort(s, n, sizeof *s, cmp_lo);
	for (size_t i = 0; i < n; i++)
		W += fit_obs_w(&s[i]);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double hi = s[i].hi, before = cum / W;
		while (j < n && s[j].lo == s[i].lo) {
			hi = fmax(hi, s[j].hi);
			cum += fit_obs_w(&s[j]);
			j++;
		}
		double after = cum / W;
		d = fmax(d, fabs(before - fit_fam_cdf(f, par, s[i].lo)));
		d = fmax(d, fabs(after - fit_fam_cdf(f, par, hi)));
		i = j;
	}
	free(s);
	return d;
}

static int cmp_obs(const void *a, const void *b)
{
	const struct fit_obs *x = a, *y = b;
	if (x->trunc != y->trunc)
		return x->trunc < y->trunc ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

size_t fit_obs_group(struct fit_obs *obs, size_t n)
{
	size_t w = 0;

	qsort(obs, n, sizeof *obs, cmp_obs);
	for (size_t i = 0; i < n; i++) {
		if (w && obs[w - 1].lo == obs[i].lo && obs[w - 1].hi == obs[i].hi &&
		    obs[w - 1].trunc == obs[i].trunc) {
			obs[w - 1].w = fit_obs_w(&obs[w - 1]) + fit_obs_w(&obs[i]);
			continue;
		}
		obs[w++] = obs[i];
	}
	return w;
}

int fit_best_aic(const struct fit_mle *m, int n)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (m[i].ok && (best < 0 || m[i].aic < m[best].aic))
			best = i;
	return best;
}
