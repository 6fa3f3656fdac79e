/* stats: t quantiles, intervals, the wait histogram; see stats.h. */
#include "stats.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/*
 * Every interval of a result file asks for t(0.975, df) with one of a few
 * df (replications or batches less one), hundreds of times: GSL's inverse
 * is about 9,400 instructions a call (callgrind: 354 calls, 3.3 M of the
 * 44 M of a 2,000-call model run). Each thread keeps the values it has
 * asked for (the same doubles: the function is deterministic); 0 is "not
 * yet" (t is never 0).
 */
#define T975_CACHED 512

double stats_t975(long df)
{
	static _Thread_local double known[T975_CACHED];
	if (df < 1)
		return NAN;
	if (df >= T975_CACHED)
		return gsl_cdf_tdist_Pinv(0.975, (double)df);
	if (known[df] == 0)
		known[df] = gsl_cdf_tdist_Pinv(0.975, (double)df);
	return known[df];
}

struct stats_ci stats_ci(const double *v, size_t n)
{
	struct stats_ci c = {0};
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		sum += v[i];
		c.n++;
	}
	if (c.n < 2) {
		c.mean = c.n ? sum : NAN;
		c.se = c.lo = c.hi = NAN;
		return c;
	}
	c.mean = sum / c.n;
	double ss = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isnan(v[i]))
			ss += (v[i] - c.mean) * (v[i] - c.mean);
	}
	c.se = sqrt(ss / (c.n - 1)) / sqrt((double)c.n);
	double t = stats_t975(c.n - 1);
	c.lo = c.mean - t * c.se;
	c.hi = c.mean + t * c.se;
	c.valid = true;
	return c;
}

void stats_whist_init(struct stats_whist *h)
{
	memset(h, 0, sizeof(*h));
}

void stats_whist_merge(struct stats_whist *dst, const struct stats_whist *src)
{
	if (!src->n)
		return;
	if (!dst->n || src->min < dst->min)
		dst->min = src->min;
	if (!dst->n || src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	/* src's counts lie between the bins of its exact min and max */
	int hi = stats_whist_index(src->max);
	for (int i = stats_whist_index(src->min); i <= hi; i++)
		dst->bin[i] += src->bin[i];
}

/* The bin's lower bound and width, in ms. */
static void bin_range(int i, double *lo, double *width)
{
	if (i == 0) { /* exactly 0 */
		*lo = 0;
		*width = 0;
		return;
	}
	i--;
	if (i < STATS_WH_SUB) {
		*lo = i;
		*width = 1;
		return;
	}
	int sh = i / STATS_WH_SUB - 1;
	int m = i % STATS_WH_SUB + STATS_WH_SUB;
	*lo = ldexp(m, sh);
	*width = ldexp(1, sh);
}

static uint64_t rank_of(const struct stats_whist *h, double p)
{
	uint64_t rank = (uint64_t)ceil(p * (double)h->n - 1e-9); /* 0.99·100 is 99 */
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	return rank;
}

/* Bin i's middle in seconds, clamped to the waits seen. */
static double bin_value(const struct stats_whist *h, int i)
{
	double lo, w;
	bin_range(i, &lo, &w);
	double us = (lo + w / 2) * 1000.0;
	if (i == STATS_WH_BINS - 1 || us > (double)h->max)
		us = (double)h->max;
	if (us < (double)h->min)
		us = (double)h->min;
	return us / 1e6;
}

void stats_whist_quantiles(const struct stats_whist *h, const double *p, int n, double *out)
{
	if (!h->n) {
		for (int k = 0; k < n; k++)
			out[k] = NAN;
		return;
	}
	/*
	 * The same walk as bin by bin (the first bin where the count reaches
	 * the rank), faster: the bins below min's are empty and every rank is
	 * at least 1, so it starts there; and it passes whole blocks of bins
	 * whose total keeps below the rank. A plan computes these for every
	 * group of every replication: 8.7 % of a 24-hour plan's instructions
	 * bin by bin (callgrind).
	 */
	enum { BLK = 32 };
	uint64_t seen = 0;
	int i = stats_whist_index(h->min), k = 0;
	while (k < n) {
		uint64_t rank = rank_of(h, p[k]);
		while (i + BLK <= STATS_WH_BINS - 1) {
			uint64_t b = 0;
			for (int j = 0; j < BLK; j++)
				b += h->bin[i + j];
			if (seen + b >= rank)
				break;
			seen += b;
			i += BLK;
		}
		while (i < STATS_WH_BINS - 1 && seen + h->bin[i] < rank)
			seen += h->bin[i++];
		out[k++] = bin_value(h, i);
	}
}

double stats_whist_quantile(const struct stats_whist *h, double p)
{
	double v;
	stats_whist_quantiles(h, &p, 1, &v);
	return v;
}
