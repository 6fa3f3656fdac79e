/*
 * roster: set-covering shift scheduling with GLPK (roster.h).
 */
#include "roster.h"

#include <errno.h>
#include <glpk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errbuf.h"

/* A column: one (shift type, start, break start) and the intervals it works. */
struct col {
	int shift, start, brk; /* brk: absolute break start, -1 without */
	double cost;
};

static bool works(const struct roster_problem *p, const struct col *c, int t)
{
	const struct roster_shift *s = &p->shifts[c->shift];
	if (t < c->start || t >= c->start + s->length)
		return false;
	return c->brk < 0 || t < c->brk || t >= c->brk + s->break_len;
}

double roster_line_cost(const struct roster_problem *p, const struct roster_line *l)
{
	const struct roster_shift *s = &p->shifts[l->shift];
	int paid = s->length - (s->paid_break || l->break_start < 0 ? 0 : s->break_len);
	return paid * p->interval_s / 3600.0 * s->cost_per_hour;
}

static int check_shift(const struct roster_problem *p, const struct roster_shift *s, char *err, size_t n)
{
	const char *nm = s->name ? s->name : "(unnamed)";
	if (s->length < 1 || s->length > p->n)
		return errbuf_set(err, n, "shift %s: length %d intervals is not within the day's 1..%d",
				  nm, s->length, p->n), EINVAL;
	if (s->start_step < 1)
		return errbuf_set(err, n, "shift %s: start step must be at least 1 interval", nm), EINVAL;
	if (s->first_start < 0 || s->first_start > s->last_start || s->last_start + s->length > p->n)
		return errbuf_set(err, n,
				  "shift %s: starts %d..%d do not fit the day (%d intervals of %g s) with a "
				  "length of %d intervals",
				  nm, s->first_start, s->last_start, p->n, p->interval_s, s->length), EINVAL;
	if (s->break_len < 0 || (s->break_len > 0 && (s->break_earliest < 1 || s->break_earliest > s->break_latest ||
						       s->break_latest + s->break_len >= s->length)))
		return errbuf_set(err, n,
				  "shift %s: the break (%d intervals, starting %d..%d intervals in) must lie "
				  "strictly inside the shift of %d intervals",
				  nm, s->break_len, s->break_earliest, s->break_latest, s->length), EINVAL;
	if (!(s->cost_per_hour >= 0))
		return errbuf_set(err, n, "shift %s: cost per hour must be >= 0", nm), EINVAL;
	if (s->max_count < 0)
		return errbuf_set(err, n, "shift %s: max count must be >= 0", nm), EINVAL;
	return 0;
}

static int check_problem(const struct roster_problem *p, char *err, size_t n)
{
	if (p->n < 1 || !p->need || !(p->interval_s > 0) || p->n_shifts < 1 || !p->shifts)
		return errbuf_set(err, n, "a roster needs intervals, their requirement and at least one shift"),
		       EINVAL;
	for (int t = 0; t < p->n; t++)
		if (p->need[t] < 0)
			return errbuf_set(err, n, "interval %d: a negative requirement (%d)", t, p->need[t]), EINVAL;
	for (int i = 0; i < p->n_shifts; i++) {
		int rc = check_shift(p, &p->shifts[i], err, n);
		if (rc)
			return rc;
	}
	return 0;
}

/* Every column of the program; *out malloc'd. */
static int make_columns(const struct roster_problem *p, struct col **out, int *n_out)
{
	size_t cap = 64, n = 0;
	struct col *v = malloc(cap * sizeof *v);
	if (!v)
		return ENOMEM;
	for (int i = 0; i < p->n_shifts; i++) {
		const struct roster_shift *s = &p->shifts[i];
		for (int st = s->first_start; st <= s->last_start; st += s->start_step) {
			int b0 = s->break_len ? s->break_earliest : -1, b1 = s->break_len ? s->break_latest : -1;
			for (int b = b0; b <= b1; b++) {
				if (n == cap) {
					struct col *nv = realloc(v, 2 * cap * sizeof *v);
					if (!nv)
						return free(v), ENOMEM;
					v = nv, cap *= 2;
				}
				v[n] = (struct col){i, st, b < 0 ? -1 : st + b, 0};
				struct roster_line l = {i, st, v[n].brk, 1};
				v[n].cost = roster_line_cost(p, &l);
				n++;
			}
		}
	}
	*out = v, *n_out = (int)n;
	return 0;
}

/* GLPK's branch-and-cut reports its gap through a callback only. */
static void track_gap(glp_tree *T, void *info)
{
	if (glp_ios_reason(T) == GLP_IBINGO || glp_ios_reason(T) == GLP_ISELECT)
		*(double *)info = glp_ios_mip_gap(T);
}

/* Rows 1..n: coverage of each interval; rows n+1..: each type's max_count. */
static glp_prob *build(const struct roster_problem *p, const struct col *c, int nc)
{
	glp_prob *lp = glp_create_prob();
	glp_set_obj_dir(lp, GLP_MIN);
	int n_caps = 0;
	for (int i = 0; i < p->n_shifts; i++)
		n_caps += p->shifts[i].max_count > 0;
	glp_add_rows(lp, p->n + n_caps);
	for (int t = 0; t < p->n; t++) {
		if (p->max_staff > 0)
			glp_set_row_bnds(lp, t + 1, p->max_staff > p->need[t] ? GLP_DB : GLP_FX, p->need[t],
					 p->max_staff > p->need[t] ? p->max_staff : p->need[t]);
		else
			glp_set_row_bnds(lp, t + 1, GLP_LO, p->need[t], 0);
	}
	int *cap_row = calloc((size_t)p->n_shifts, sizeof *cap_row);
	for (int i = 0, r = p->n; cap_row && i < p->n_shifts; i++)
		if (p->shifts[i].max_count > 0) {
			cap_row[i] = ++r;
			glp_set_row_bnds(lp, r, GLP_UP, 0, p->shifts[i].max_count);
		}
	glp_add_cols(lp, nc);
	int *ind = malloc((size_t)(p->n + 2) * sizeof *ind);
	double *val = malloc((size_t)(p->n + 2) * sizeof *val);
	if (!cap_row || !ind || !val) {
		free(cap_row), free(ind), free(val);
		glp_delete_prob(lp);
		return NULL;
	}
	for (int j = 0; j < nc; j++) {
		glp_set_col_kind(lp, j + 1, GLP_IV);
		glp_set_col_bnds(lp, j + 1, GLP_LO, 0, 0);
		glp_set_obj_coef(lp, j + 1, c[j].cost);
		int k = 0;
		for (int t = 0; t < p->n; t++)
			if (works(p, &c[j], t))
				ind[++k] = t + 1, val[k] = 1;
		if (cap_row[c[j].shift])
			ind[++k] = cap_row[c[j].shift], val[k] = 1;
		glp_set_mat_col(lp, j + 1, k, ind, val);
	}
	free(cap_row), free(ind), free(val);
	return lp;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int collect(const struct roster_problem *p, glp_prob *lp, const struct col *c, int nc,
		   struct roster_result *res)
{
	res->lines = calloc((size_t)nc, sizeof *res->lines);
	res->staffed = calloc((size_t)p->n, sizeof *res->staffed);
	if (!res->lines || !res->staffed)
		return ENOMEM;
	for (int j = 0; j < nc; j++) {
		int x = (int)(glp_mip_col_val(lp, j + 1) + 0.5);
		if (x <= 0)
			continue;
		struct roster_line *l = &res->lines[res->n_lines++];
		*l = (struct roster_line){c[j].shift, c[j].start, c[j].brk, x};
		res->cost += x * c[j].cost;
		const struct roster_shift *s = &p->shifts[c[j].shift];
		res->paid_hours += x * (s->length - (s->paid_break || c[j].brk < 0 ? 0 : s->break_len)) *
				   p->interval_s / 3600.0;
		for (int t = 0; t < p->n; t++)
			res->staffed[t] += works(p, &c[j], t) ? x : 0;
	}
	return 0;
}

int roster_solve(const struct roster_problem *p, struct roster_result *res, char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	int rc = check_problem(p, err, errlen);
	if (rc)
		return rc;
	struct col *c;
	int nc;
	if ((rc = make_columns(p, &c, &nc)))
		return rc;
	glp_prob *lp = build(p, c, nc);
	if (!lp)
		return free(c), ENOMEM;
	double t0 = now_s();
	glp_term_out(GLP_OFF);
	glp_smcp sp;
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	res->columns = nc;
	res->status = ROSTER_INFEASIBLE;
	if (glp_simplex(lp, &sp) == 0 && glp_get_status(lp) == GLP_OPT) {
		res->lp_bound = glp_get_obj_val(lp);
		double gap = 0;
		glp_iocp ip;
		glp_init_iocp(&ip);
		ip.msg_lev = GLP_MSG_OFF;
		ip.tm_lim = (int)((p->time_limit_s > 0 ? p->time_limit_s : 60) * 1000);
		ip.mip_gap = p->mip_gap;
		ip.gmi_cuts = ip.mir_cuts = ip.cov_cuts = ip.clq_cuts = GLP_ON;
		ip.cb_func = track_gap;
		ip.cb_info = &gap;
		int irc = glp_intopt(lp, &ip);
		int st = glp_mip_status(lp);
		if ((irc == 0 || irc == GLP_ETMLIM || irc == GLP_EMIPGAP) && (st == GLP_OPT || st == GLP_FEAS)) {
			res->status = st == GLP_OPT && irc == 0 ? ROSTER_OPTIMAL : ROSTER_FEASIBLE;
			res->mip_gap = res->status == ROSTER_OPTIMAL && p->mip_gap == 0 ? 0 : gap;
			rc = collect(p, lp, c, nc, res);
		} else if (irc != 0 && irc != GLP_ENOPFS && irc != GLP_ETMLIM) {
			errbuf_set(err, errlen, "GLPK's branch-and-cut failed (glp_intopt returned %d)", irc);
			rc = EIO;
		}
	}
	res->seconds = now_s() - t0;
	glp_delete_prob(lp);
	free(c);
	if (rc)
		roster_result_free(res);
	return rc;
}

void roster_result_free(struct roster_result *res)
{
	free(res->lines);
	free(res->staffed);
	res->lines = NULL, res->staffed = NULL, res->n_lines = 0;
}
