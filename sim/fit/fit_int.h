/* fit's internals, shared by its files (sim/fit/fit.h is the interface). */
#ifndef RB_FIT_INT_H
#define RB_FIT_INT_H

#include "fit.h"

#include <gsl/gsl_rng.h>

/* ---- fit_mle.c: one observed duration, and maximum likelihood ---- */

/*
 * What is known of one duration X: lo == hi, exact; lo < hi, in [lo, hi]
 * (a whole-second time: interval-censored); hi == INFINITY, X > lo (right-
 * censored). trunc > 0: the duration is seen only because X > trunc (left
 * truncation: a forwarded caller's patience had already run trunc seconds).
 */
struct fit_obs {
	double lo, hi, trunc;
	double w; /* how many identical observations this one stands for (0 counts as 1):
	             whole-second histories repeat themselves, and are fitted grouped */
};

static inline double fit_obs_w(const struct fit_obs *o)
{
	return o->w > 0 ? o->w : 1;
}

/* Sorts obs and merges identical ones into one with their summed weight;
 * returns the new count. */
size_t fit_obs_group(struct fit_obs *obs, size_t n);

enum fit_family { FAM_EXPONENTIAL = 0, FAM_GAMMA, FAM_LOGNORMAL, FAM_WEIBULL, FAM_N };

/* Natural parameters: exponential (mean); gamma (shape, scale); lognormal
 * (mu, sigma of the log); weibull (shape, scale). */
struct fit_mle {
	enum fit_family fam;
	bool ok;          /* the optimiser converged to a finite optimum */
	int k;            /* parameters */
	double par[2], se[2];
	double loglik, aic, ks;
	double mean, mean_lo, mean_hi;       /* and its 95 % interval (delta method) */
	double median, median_lo, median_hi;
	double cov[2][2]; /* of the transformed parameters (logs; lognormal mu as is) */
	int iterations;
};

const char *fit_fam_name(enum fit_family f);
double fit_fam_cdf(enum fit_family f, const double *par, double x);
double fit_fam_sf(enum fit_family f, const double *par, double x);
double fit_fam_pdf(enum fit_family f, const double *par, double x);
double fit_fam_mean(enum fit_family f, const double *par);
double fit_fam_median(enum fit_family f, const double *par);
/* Fits f to the n observations. Returns 0 (see m->ok) or ENOMEM. */
int fit_mle(enum fit_family f, const struct fit_obs *obs, size_t n, struct fit_mle *m);
/* KS distance of uncensored, untruncated observations (intervals by their ends). */
double fit_ks(enum fit_family f, const double *par, const struct fit_obs *obs, size_t n);
/* The family with the least AIC among the ok ones; -1 when none. */
int fit_best_aic(const struct fit_mle *m, int n);

/* ---- fit_km.c: Kaplan-Meier with delayed entry ---- */

struct fit_km {
	size_t n;            /* distinct event times */
	double *t, *s, *lo, *hi; /* S(t) just after t, Greenwood 95 % interval (log-log) */
	double *risk;        /* at risk just before t */
	double median;       /* first t with S <= 0.5; NAN when not reached */
	double entry0;       /* the smallest entry: the curve is S(t) / S(entry0) */
};
/* From the same observations (an event at hi for lo < hi or exact; censored at lo). */
int fit_km_build(const struct fit_obs *obs, size_t n, struct fit_km *k);
void fit_km_free(struct fit_km *k);
/* The largest gap between the curve and a fitted survival (conditioned on
 * entry0), while at least FIT_KM_MIN_RISK are at risk. */
#define FIT_KM_MIN_RISK 10
double fit_km_distance(const struct fit_km *k, enum fit_family f, const double *par);

/* ---- fit_arr.c: arrivals per interval, dispersion, bursts ---- */

struct fit_burst {
	int day;
	double at_tod, within_s; /* the window: its first call's time of day, span to its last */
	int count;               /* calls in the window */
	double expected;         /* the null's mean over the window */
	double p;                /* Poisson upper tail of the count */
	int days_found;          /* of a written (recurring) burst: days it was found on */
	bool written;            /* in the scenario's bursts */
	double excess;           /* count - expected (for a written one: averaged over days) */
};

struct fit_interval {
	double start_tod;
	size_t seen;             /* calls that reached the center, all days */
	double dialled;          /* seen, each divided by P(patience > its delay) */
	double burst_excess;     /* written bursts' extra calls, all days */
	double rate_seen, seen_lo, seen_hi;   /* per hour, Garwood 95 % */
	double rate, rate_lo, rate_hi;        /* dialled, bursts taken out, per hour */
	double disp_sub_x2; int disp_sub_df;  /* index of dispersion over sub-intervals */
	double disp_day_x2; int disp_day_df;  /* across days */
};

struct fit_arrivals {
	double interval_s;
	size_t n_int, first;       /* intervals from first * interval_s after midnight */
	struct fit_interval *iv;
	size_t days;
	double sub_s;              /* sub-interval length of the dispersion test */
	double disp_sub_x2, disp_sub_p; int disp_sub_df;
	double disp_day_x2, disp_day_p; int disp_day_df;
	/* bursts */
	double window_s, alpha, p_star;
	int null_days;
	struct fit_burst *bursts;
	size_t n_bursts;
};

/* The intervals' counts and rates; surv[t]: P(patience > tenant t's delay). */
int fit_arrivals(const struct fit_hist *h, const struct fit_opts *o, const double *surv,
		 struct fit_arrivals *a);
/* The dispersion tests (after fit_arrivals). */
void fit_dispersion(const struct fit_hist *h, struct fit_arrivals *a);
/* The scan for bursts (after fit_arrivals): finds, groups and writes them. */
int fit_bursts(const struct fit_hist *h, const struct fit_opts *o, struct fit_arrivals *a);
void fit_arrivals_rerate(struct fit_arrivals *a);
void fit_arrivals_free(struct fit_arrivals *a);

/* ---- fit.c: the whole result ---- */

struct fit_dist {
	const char *what;          /* "talk_s", "patience_s", "wrapup_s" */
	size_t n, n_events, n_censored, n_truncated, n_whole_s, n_zero;
	struct fit_mle fam[FAM_N];
	int best;                  /* family index, or -1 */
	bool empirical;            /* the empirical distribution chosen over best */
	double *values;            /* empirical values (sorted), n_values */
	size_t n_values;
	struct fit_km km;          /* patience only */
	double naive_mean, naive_median; /* patience: of the abandoned waits alone */
	size_t naive_n;
};

struct fit_result {
	struct fit_opts o;
	size_t calls, answered, abandoned, other;
	size_t days;
	struct fit_dist talk, patience, wrapup;
	bool have_patience, have_wrapup;
	double *surv;              /* per tenant: P(patience > delay) */
	double *tenant_dialled;    /* per tenant: dialled calls (estimated) */
	double dialled_total;
	struct fit_arrivals arr;
	size_t n_tenants;
	struct fit_warn warn;
	char formats[64];
	size_t n_agents;
	bool have_clock;
	const char *tz;
	json_t *day_list;          /* the days' names (fit.json "day_list") */
	size_t excluded_days;
};

int fit_dist_run(struct fit_dist *d, struct fit_obs *obs, size_t n, double ks_c, bool km);
void fit_dist_free(struct fit_dist *d);

#endif
