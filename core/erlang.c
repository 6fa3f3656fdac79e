/*
 * erlang: Erlang A and Erlang C measures; see erlang.h and docs/erlang.md.
 *
 * Erlang A, in three steps:
 *  1. The number of callers at the center, i, is a birth-death chain with
 *     birth lambda and death min(i, n) mu + max(i - n, 0) theta. Its
 *     stationary distribution pi is summed in log space (log-sum-exp), the
 *     tail cut where terms fall below 1e-300 of the largest.
 *  2. An arrival that finds j callers waiting (i = n + j, PASTA) is in
 *     "phase" j: j callers ahead of it. From phase m it moves on at rate
 *     a_m = n mu + m theta (an operator frees up, or one of the m ahead hangs
 *     up; from phase 0 that is being answered) and hangs up itself at rate
 *     theta: total r_m = n mu + (m + 1) theta. Mean waits follow in closed
 *     form (docs/erlang.md).
 *  3. P(answered before t) and P(abandoned before t) in closed form with
 *     incomplete beta functions, summed over j by their recursion in j (see
 *     within()): O(queue length) per ring count.
 */
#include "erlang.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOG_TINY (-690.7755) /* log(1e-300): where the tail is cut */

double erlang_b(int n, double a)
{
	double b = 1.0;
	for (int k = 1; k <= n; k++)
		b = a * b / (k + a * b);
	return b;
}

int erlang_c(int n, double a, double *c)
{
	if (n < 1 || !(a >= 0) || !isfinite(a))
		return EINVAL;
	if (a >= n)
		return EDOM;
	double b = erlang_b(n, a);
	double rho = a / n;
	*c = b / (1.0 - rho * (1.0 - b));
	return 0;
}

static int check_params(const struct erlang_params *p)
{
	if (!p || !(p->lambda > 0) || !isfinite(p->lambda) || !(p->mu > 0) || !isfinite(p->mu) ||
	    !(p->theta >= 0) || !isfinite(p->theta) || p->n < 1 || p->n > ERLANG_MAX_OPERATORS ||
	    !(p->ring_period > 0) || !isfinite(p->ring_period) || p->max_rings < 0 ||
	    p->max_rings > ERLANG_MAX_RINGS)
		return EINVAL;
	return 0;
}

static int nrings(const struct erlang_params *p)
{
	return p->max_rings ? p->max_rings : ERLANG_MAX_RINGS;
}

/* answered: P(answered), computed without cancellation where it can be tiny. */
static void fill_ratios(struct erlang_result *r, double answered, int kmax)
{
	for (int k = 1; k <= kmax; k++) {
		double aw = r->answered_within[k], ab = r->abandoned_within[k];
		/* Each is at most 1 exactly; rounding must not push it over. */
		r->sla[k] = fmin(aw / (1.0 - ab), 1.0);
		r->sl[k] = answered > 0 ? fmin(aw / answered, 1.0) : 0.0;
		r->sl2[k] = fmin(aw + ab, 1.0);
	}
}

static void solve_c(const struct erlang_params *p, double c, struct erlang_result *r)
{
	double gap = p->n * p->mu - p->lambda; /* > 0 */
	r->p_wait = c;
	r->p_abandon = 0.0;
	r->occupancy = p->lambda / (p->n * p->mu);
	r->mean_wait_served_s = c / gap;
	r->mean_wait_s = c / gap;
	r->mean_queue = c * p->lambda / gap;
	int kmax = nrings(p);
	for (int k = 1; k <= kmax; k++) {
		double t = k * p->ring_period;
		r->answered_within[k] = 1.0 - c * exp(-gap * t);
		r->abandoned_within[k] = 0.0;
	}
	fill_ratios(r, 1.0, kmax);
}

/*
 * Step 1: the stationary distribution. On success *w (malloc'd, caller
 * frees) holds w[j] = pi_{n+j}, j = 0..*nw-1, and *idle = P(i < n).
 */
static int stationary(const struct erlang_params *p, double **w_out, size_t *nw_out,
		      double *idle)
{
	int n = p->n, err = 0;
	double ll = log(p->lambda), lmax = 0.0, l = 0.0;
	/* li[i] = log(pi_i / pi_0) for i < n; lw[j] the same for i = n + j. */
	double *lw = NULL;
	size_t cap = 0, nw = 0;
	double *li = malloc(sizeof(double) * (size_t)n);
	if (!li)
		return ENOMEM;
	li[0] = 0.0;
	for (int i = 1; i < n; i++) {
		l += ll - log(i * p->mu);
		li[i] = l;
		if (l > lmax)
			lmax = l;
	}
	/* i = n + j, j >= 0: death rate at i is n mu + j theta (j > 0). */
	for (size_t j = 0;; j++) {
		double d = j == 0 ? n * p->mu : n * p->mu + (double)j * p->theta;
		l += ll - log(d);
		if (l > lmax)
			lmax = l;
		if (nw == cap) {
			size_t nc = cap ? 2 * cap : 1024;
			double *t = realloc(lw, sizeof(double) * nc);
			if (!t) {
				err = ENOMEM;
				goto out;
			}
			lw = t;
			cap = nc;
		}
		lw[nw++] = l;
		/* Past the mode (terms falling) and negligible: stop. */
		double next = n * p->mu + (double)(j + 1) * p->theta;
		if (next > p->lambda && l < lmax + LOG_TINY)
			break;
		if (nw > ERLANG_MAX_QUEUE) {
			err = ERANGE;
			goto out;
		}
	}
	double z = 0.0, zi;
	for (int i = 0; i < n; i++)
		z += exp(li[i] - lmax);
	zi = z;
	for (size_t j = 0; j < nw; j++) {
		lw[j] = exp(lw[j] - lmax);
		z += lw[j];
	}
	for (size_t j = 0; j < nw; j++)
		lw[j] /= z;
	*w_out = lw;
	*nw_out = nw;
	*idle = zi / z;
	lw = NULL;
out:
	free(lw);
	free(li);
	return err;
}

/*
 * Step 3: for each t[i], i < nt, served[i] = P(answered before t[i]) and
 * aband[i] = P(hung up before t[i]) for a caller who finds j waiting with
 * probability w[j] (docs/erlang.md derives this). With x = n mu / theta, the
 * time V until the caller would reach an operator if it never hung up is a
 * sum of Exp(theta (x + m)), m = 0..j, so U = exp(-theta V) is Beta(x, j+1)
 * (a product of independent Beta(x + m, 1)). With q = exp(-theta t), y = 1 - q
 * and the regularized incomplete beta I_y:
 *   P(answered, W < t | j) = E[U; U > q] = x / (x+j+1) * I_y(j+1, x+1)
 *   P(abandoned, W < t | j) = y - P(answered, W < t | j) + q I_y(j+1, x)
 * I_y(j+1, b) for j = 0, 1, ... follows from I_y(1, b) = 1 - q^b and
 * I_y(a+1, b) = I_y(a, b) - T_b(a), T_b(a) = Gamma(a+b) / (Gamma(a+1) Gamma(b))
 * y^a q^b, with T_b in log space (q^b underflows for large n): positive
 * terms, an absolute error of a few ulps per step.
 */
static void within(const struct erlang_params *p, const double *w, size_t nw, const double *t,
		   int nt, double *served, double *aband)
{
	double th = p->theta, x = p->n * p->mu / th;
	for (int i = 0; i < nt; i++) {
		double lq = -th * t[i], q = exp(lq), y = -expm1(lq), ly = log1p(-q);
		/* I_y(j+1, b) and log T_b(j+1) for b = x + 1 (I1, l1) and b = x (I0, l0). */
		double i1 = -expm1((x + 1.0) * lq), i0 = -expm1(x * lq);
		double l1 = log(x + 1.0) + ly + (x + 1.0) * lq, l0 = log(x) + ly + x * lq;
		double s = 0.0, a = 0.0;
		for (size_t j = 0; j < nw; j++) {
			double jj = (double)j;
			double sj = x / (x + jj + 1.0) * fmax(i1, 0.0);
			double aj = y - sj + q * fmax(i0, 0.0);
			s += w[j] * sj;
			a += w[j] * fmax(aj, 0.0);
			/* From a = j + 1 to j + 2. */
			i1 -= exp(l1);
			i0 -= exp(l0);
			l1 += ly + log((jj + 1.0 + x + 1.0) / (jj + 2.0));
			l0 += ly + log((jj + 1.0 + x) / (jj + 2.0));
		}
		served[i] = s;
		aband[i] = a;
	}
}

static int solve_a(const struct erlang_params *p, struct erlang_result *r)
{
	double *w = NULL;
	size_t nw = 0;
	double idle = 0.0;
	int err = stationary(p, &w, &nw, &idle);
	if (err)
		return err;
	double nmu = p->n * p->mu, th = p->theta, x = nmu / th;
	double p_wait = 0.0, aband = 0.0, answered = idle, served_wait = 0.0, all_wait = 0.0;
	double queue = 0.0;
	double h = 0.0; /* sum_{m <= j} 1 / r_m */
	for (size_t j = 0; j < nw; j++) {
		double jj = (double)j;
		double ps = x / (x + jj + 1.0); /* P(answered | j ahead) */
		h += 1.0 / (nmu + (jj + 1.0) * th);
		p_wait += w[j];
		aband += w[j] * (1.0 - ps);
		answered += w[j] * ps;
		served_wait += w[j] * ps * h;
		all_wait += w[j] * (jj + 1.0) / (nmu + (jj + 1.0) * th);
		queue += w[j] * jj;
	}
	int kmax = nrings(p);
	double t[ERLANG_MAX_RINGS], sv[ERLANG_MAX_RINGS], ab[ERLANG_MAX_RINGS];
	for (int k = 1; k <= kmax; k++)
		t[k - 1] = k * p->ring_period;
	within(p, w, nw, t, kmax, sv, ab);
	free(w);
	r->p_wait = p_wait;
	r->p_abandon = aband;
	r->occupancy = p->lambda * answered / nmu;
	r->mean_wait_served_s = answered > 0 ? served_wait / answered : 0.0;
	r->mean_wait_s = all_wait;
	r->mean_queue = queue;
	for (int k = 1; k <= kmax; k++) {
		/* Callers who found an idle operator are answered at once. */
		r->answered_within[k] = fmin(idle + sv[k - 1], 1.0);
		r->abandoned_within[k] = ab[k - 1];
	}
	fill_ratios(r, answered, kmax);
	return 0;
}

int erlang_solve(const struct erlang_params *p, struct erlang_result *r)
{
	int err = check_params(p);
	if (err || !r)
		return err ? err : EINVAL;
	struct erlang_result out;
	memset(&out, 0, sizeof(out));
	out.load = p->lambda / p->mu;
	if (p->theta == 0) {
		double c;
		err = erlang_c(p->n, out.load, &c);
		if (err)
			return err;
		out.erlang_c = 1;
		solve_c(p, c, &out);
	} else {
		err = solve_a(p, &out);
		if (err)
			return err;
	}
	*r = out;
	return 0;
}
