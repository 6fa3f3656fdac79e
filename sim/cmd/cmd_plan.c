/*
 * ringbench plan SCENARIO: a day's staffing per interval, the least-cost
 * roster covering it, and the rostered day checked in the model. The logic
 * is sim/plan/plan.h; this file parses options, prints the tables and maps the
 * outcome to the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "plan.h"
#include "scn.h"

static const char prog[] = "ringbench plan";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringbench plan SCENARIO [--method model|erlang] [--target [PHASE:]K:F[:MEASURE] ...]\n"
		"         [--out DIR] [--point] [--replications R] [--seed N] [--jobs J]\n"
		"         [--rounds N] [--check-rounds N] [--rate-scale X] [--burst-scale S] [--quiet]\n\n"
		"Plans a day given as a profile (load: {profile: ...}) with a planning: section\n"
		"(docs/plan.md, scenarios/README.md):\n"
		"  1. the least operators per interval meeting every target that applies to it:\n"
		"     --method model (default): the whole day at once in the model, because an\n"
		"       interval's calls wait into the next; from the Erlang requirement, each\n"
		"       interval in time order gets the least staffing whose targets all PASS\n"
		"       (their 95 %% interval meets them) with the same seed every evaluation,\n"
		"       earlier intervals held at their decided values, later ones at their\n"
		"       current; sweeps repeat until nothing changes (at most --rounds)\n"
		"     --method erlang: exact Erlang A at each interval's own load (its rate\n"
		"       plus its bursts' calls over the interval; talk + wrap-up; mean patience)\n"
		"  then min_staff, the occupancy cap and the forecast quantile (rate_cv);\n"
		"  2. the least-cost roster of the candidate shifts covering the requirement\n"
		"     after absence shrinkage (GLPK: its LP bound and gap are printed);\n"
		"  3. the check: the rostered day in the model; an interval that does not pass\n"
		"     raises its requirement and the roster is solved again (at most\n"
		"     --check-rounds times).\n"
		"A split-floor center (center.layout floors) is planned floor by floor: each\n"
		"floor on its own tenants' calls (Erlang at its own load; the model judging\n"
		"only its calls, the other floors held), its own roster rows, per-floor\n"
		"columns in requirements.csv and profile.floors in planned.yaml.\n"
		"Writes into DIR: requirements.csv, shifts.csv, roster.csv, planned.yaml (the\n"
		"rostered day, runnable with ringbench model) and plan.json.\n\n"
		"  --method M          model (default) or erlang\n"
		"  --target [PHASE:]K:F[:MEASURE]\n"
		"                      instead of the scenario's targets (repeatable); without\n"
		"                      PHASE a target applies to every interval\n"
		"  --out DIR           (default: results/<scenario>-plan)\n"
		"  --point             decide on the point estimate instead of the 95 %% interval\n"
		"                      (faster to satisfy, and not what the verdict judges)\n"
		"  --replications R    per model evaluation, >= 2 (default 10)\n"
		"  --seed N            (default: the scenario's; every evaluation uses it)\n"
		"  --jobs J            threads for the replications (default: the cores)\n"
		"  --rounds N          model sweeps over the day at most (default %d)\n"
		"  --check-rounds N    roster-and-check rounds at most (default %d; 0: no check)\n"
		"  --rate-scale X      what-if: every interval's Poisson rate and its bursts'\n"
		"                      calls x X (0.001 to 100; on top of the forecast quantile)\n"
		"  --burst-scale S     what-if: the bursts' calls x S instead (0.001 to 100; a\n"
		"                      burst keeps at least one call), --rate-scale then\n"
		"                      scaling the Poisson rate alone\n"
		"  --quiet             print only the files written\n"
		"  --help              this text\n\n"
		"exit status: 0 the rostered day passes the check, 1 it does not (or a target\n"
		"cannot be met by staffing: said so, with the limit at unlimited staff), 2 bad\n"
		"usage or input (no planning: section, no targets), 3 the planning failed.\n",
		PLAN_MAX_ROUNDS, PLAN_MAX_CHECK_ROUNDS);
}

static const struct option longopts[] = {
	{"method", required_argument, NULL, 'm'},
	{"target", required_argument, NULL, 't'},
	{"out", required_argument, NULL, 'O'},
	{"point", no_argument, NULL, 'p'},
	{"replications", required_argument, NULL, 'R'},
	{"seed", required_argument, NULL, 's'},
	{"jobs", required_argument, NULL, 'j'},
	{"rounds", required_argument, NULL, 'r'},
	{"check-rounds", required_argument, NULL, 'c'},
	{"rate-scale", required_argument, NULL, 'x'},
	{"burst-scale", required_argument, NULL, 'B'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void progress(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", prog, msg);
}

/* day_n: planning intervals in the day; a split-floor roster's rows run
 * floor after floor (plan.h), so its starts are taken modulo the day. */
static void print_lines(FILE *f, const struct plan_result *r, const struct roster_problem *p,
			const struct roster_result *rr, int day_n)
{
	size_t per = r->n / (size_t)day_n;
	for (int l = 0; l < rr->n_lines; l++) {
		const struct roster_line *ln = &rr->lines[l];
		const struct roster_shift *sh = &p->shifts[ln->shift];
		int off = ln->start / day_n * day_n;
		size_t end = (size_t)(ln->start - off + sh->length) * per;
		fprintf(f, "  %3d x %-8s %s-%s", ln->count, sh->name, r->iv[(size_t)(ln->start - off) * per].name,
			end < r->n ? r->iv[end].name : "end");
		if (ln->break_start >= 0)
			fprintf(f, ", break from %s", r->iv[(size_t)(ln->break_start - off) * per].name);
		fprintf(f, "\n");
	}
}

/* Split floors: each floor's Erlang figure, requirement and desks staffed. */
static void print_floors(const struct plan_result *r, FILE *f)
{
	if (r->n_floors < 2)
		return;
	fprintf(f, "\nper floor (erlang/required/staffed):\n%-6s", "start");
	for (int fl = 0; fl < r->n_floors; fl++)
		fprintf(f, "  floor %d (%2.0f %%)", fl, 100 * r->floor_share[fl]);
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_interval *v = &r->iv[i];
		fprintf(f, "%-6s", v->name);
		for (int fl = 0; fl < r->n_floors; fl++)
			fprintf(f, "  %5d/%4d/%4d  ", v->fl_erlang[fl], v->fl_required[fl], v->fl_staffed[fl]);
		fputc('\n', f);
	}
}

static void print_plan(const struct plan_opts *o, const struct plan_result *r, FILE *f)
{
	fprintf(f, "%-6s %9s %7s %6s %8s %7s %8s %7s %6s  %s\n", "start", "calls/h", "erlang", "model", "required",
		"backup", "rostered", "staffed", "pass", "set by");
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_interval *v = &r->iv[i];
		fprintf(f, "%-6s %9.1f %7d %6d %8d %7d %8d %7d %6s  %s%s%s\n", v->name, v->plan_rate_per_s * 3600,
			v->erlang, v->model, v->required, v->backup, v->rostered, v->staffed,
			r->check_rounds ? (v->passed ? "yes" : "NO") : "-", v->bound ? v->bound : "",
			v->rule == RULE_POINT && !o->point ? " (point: too few calls for the 95 % rule)" : "",
			v->unreachable ? " (a target unreachable by staffing, below)" : "");
	}
	print_floors(r, f);
	if (!r->have_roster)
		return;
	fprintf(f, "\noperators' roster (%s, GLPK): cost %.0f yen; LP bound %.0f yen; gap %.2f %% (%.2f %% above the "
		   "bound); %.1f operator-hours; %d columns, %.2f s\n",
		r->roster.status == ROSTER_OPTIMAL ? "optimal" : "not proven optimal", r->roster.cost, r->roster.lp_bound,
		100 * r->roster.mip_gap,
		r->roster.lp_bound > 0 ? 100 * (r->roster.cost / r->roster.lp_bound - 1) : 0.0, r->operator_hours,
		r->roster.columns, r->roster.seconds);
	print_lines(f, r, &r->rp, &r->roster, r->rp_day_n);
	if (r->have_broster) {
		fprintf(f, "backup roster (%s): cost %.0f yen; LP bound %.0f yen; %.1f backup hours\n",
			r->broster.status == ROSTER_OPTIMAL ? "optimal" : "not proven optimal", r->broster.cost,
			r->broster.lp_bound, r->backup_hours);
		print_lines(f, r, &r->brp, &r->broster, r->brp.n);
	} else {
		fprintf(f, "backup: fixed as the scenario staffs them, %.1f hours\n", r->backup_hours);
	}
	fprintf(f, "cost of the day: %.0f yen\n", r->cost);
	int by_point = 0;
	for (size_t i = 0; i < r->n; i++)
		by_point += r->iv[i].rule == RULE_POINT;
	if (o->max_check_rounds >= 0)
		fprintf(f, "check: %s after %d round%s (the model's verdict on the rostered day%s: %s%s)%s%s\n",
			r->check_passed ? "PASS" : "NOT PASSED", r->check_rounds, r->check_rounds == 1 ? "" : "s",
			r->unreachable[0] ? ", judged on the targets staffing can meet" : "", summary_verdict_name(r->check_verdict),
			by_point && !o->point && r->check_verdict == VERDICT_INCONCLUSIVE
				? ", as intervals with too few calls for the 95 % rule are decided on the point estimate"
				: "",
			r->check_log[0] ? "; changed: " : "", r->check_log);
}

/* One option into o. Returns 0, -1 after --help, or the exit status. */
static int parse_opt(int c, char **argv, struct plan_opts *o, const char **targets,
		     size_t *n_targets, const char **out, bool *quiet, bool *seed_set)
{
	long v;
	switch (c) {
	case 'm':
		if (!strcmp(optarg, "model"))
			o->method = PLAN_MODEL;
		else if (!strcmp(optarg, "erlang"))
			o->method = PLAN_ERLANG;
		else
			return cli_usage_error(prog, "--method: expected model or erlang, got '%s'", optarg);
		return 0;
	case 't': targets[(*n_targets)++] = optarg; return 0;
	case 'O': *out = optarg; return 0;
	case 'p': o->point = true; return 0;
	case 'q': *quiet = true; return 0;
	case 'R':
		if (cli_long(prog, "--replications", optarg, 2, 100000, &v))
			return 2;
		o->replications = (int)v;
		return 0;
	case 's':
		if (cli_u64(prog, "--seed", optarg, &o->seed))
			return 2;
		*seed_set = true;
		return 0;
	case 'j':
		if (cli_long(prog, "--jobs", optarg, 1, 64, &v))
			return 2;
		o->jobs = (int)v;
		return 0;
	case 'r':
		if (cli_long(prog, "--rounds", optarg, 1, 100, &v))
			return 2;
		o->max_rounds = (int)v;
		return 0;
	case 'c':
		if (cli_long(prog, "--check-rounds", optarg, 0, 100, &v))
			return 2;
		o->max_check_rounds = v ? (int)v : -1;
		return 0;
	case 'x': return cli_double(prog, "--rate-scale", optarg, 0.001, 100, &o->rate_scale) ? 2 : 0;
	case 'B':
		o->burst_set = true;
		return cli_double(prog, "--burst-scale", optarg, 0.001, 100, &o->burst_scale) ? 2 : 0;
	case 'h': usage(stdout); return -1;
	default: return cli_bad_option(prog, argv[optind - 1], longopts);
	}
}

/* The run's figures, after the plan. */
static void print_run(const struct plan_opts *o, const struct plan_result *r, double secs)
{
	printf("%s: %zu intervals, %s; %d round%s%s, %d replications an evaluation, %d evaluations, "
	       "%.1f s (requirement %.1f s, roster %.1f s, check %.1f s)\n",
	       o->method == PLAN_ERLANG ? "erlang" : "model", r->n,
	       o->method == PLAN_ERLANG ? "Erlang A per interval"
	       : o->point		 ? "decided on the point estimate (--point)"
					 : "decided on the 95 % interval",
	       r->rounds, r->rounds == 1 ? "" : "s",
	       o->method == PLAN_ERLANG ? "" : (r->converged ? " (converged)" : " (NOT converged: --rounds)"),
	       o->replications, r->evaluations, secs, r->seconds_requirement, r->seconds_roster, r->seconds_check);
}

/* Plans o (loaded) into out and prints it. Returns the exit status. */
static int plan(struct plan_opts *o, const char *out, bool quiet)
{
	char err[1024] = "";
	struct plan_result r;
	double t0 = plan_now_wall();
	int rc = plan_run(o, &r, err, sizeof err);
	double secs = plan_now_wall() - t0;
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = rc == EINVAL ? 2 : 3;
	} else {
		if (!quiet) {
			print_plan(o, &r, stdout);
			print_run(o, &r, secs);
		}
		if ((rc = plan_write(o, &r, out, err, sizeof err))) {
			fprintf(stderr, "%s: %s\n", prog, err);
			rc = 3;
		} else {
			printf("%s/requirements.csv\n%s/shifts.csv\n%s/roster.csv\n%s/planned.yaml\n%s/plan.json\n",
			       out, out, out, out, out);
			if (r.unreachable[0])
				printf("%s\n", r.unreachable);
			rc = (o->max_check_rounds < 0 || r.check_passed) && !r.unreachable[0] ? 0 : 1;
		}
	}
	plan_result_free(&r);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_opts o = {.replications = 10, .method = PLAN_MODEL};
	const char **targets = calloc((size_t)argc + 1, sizeof *targets), *out = NULL;
	size_t n_targets = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	bool quiet = false, seed_set = false;
	char err[1024] = "", outbuf[4096];
	struct scenario *s = NULL;
	int c, rc = 0;

	if (!targets)
		return 3;
	o.jobs = jobs > 0 ? (int)jobs : 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = parse_opt(c, argv, &o, targets, &n_targets, &out, &quiet, &seed_set)))
			goto done;
	if (optind + 1 != argc) {
		rc = cli_usage_error(prog, "expected one scenario file");
		goto done;
	}
	o.scn_path = argv[optind];
	if ((rc = scn_load(o.scn_path, &s, err, sizeof err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = rc == ENOMEM ? 3 : 2;
		goto done;
	}
	if (n_targets && (rc = scn_targets_replace(s, targets, n_targets, err, sizeof err))) {
		rc = cli_usage_error(prog, "%s", err);
		goto done;
	}
	o.scn = s;
	if (!seed_set)
		o.seed = s->run.seed;
	if (!quiet)
		o.progress_h = progress;
	if (!out) {
		snprintf(outbuf, sizeof outbuf, "results/%s-plan", s->name);
		out = outbuf;
	}
	rc = plan(&o, out, quiet);
done:
	scn_free(s);
	free(targets);
	return rc < 0 ? 0 : rc;
}
