/*
 * ringbench erlang: the exact Erlang A (M/M/n+M) or Erlang C (M/M/n)
 * measures of one answering center as JSON on stdout, and with --target the
 * least number of operators meeting it. The figures come from core/erlang.h;
 * this file parses options and prints.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "erlang.h"
#include "scn.h"

#define PROG "ringbench erlang"

static const char usage_text[] =
	"usage: ringbench erlang --rate-per-min L --talk-s T --patience-s P|inf\n"
	"                        --operators N [--ring-period-s 3] [--rings 1,2,...]\n"
	"                        [--target K:F[:MEASURE] [--measure sla]]\n"
	"\n"
	"The exact steady-state measures of Erlang A (M/M/n+M: Poisson arrivals,\n"
	"exponential talk and patience, N operators, one queue, oldest first), or of\n"
	"Erlang C with --patience-s inf (nobody hangs up), as JSON on stdout:\n"
	"p_wait, p_abandon, occupancy, mean_wait_served_s, mean_wait_s, mean_queue,\n"
	"and per ring count answered_within, abandoned_within, sla, sl, sl2\n"
	"(docs/definitions.md, Measures; 'within k rings' is a wait below k ring periods).\n"
	"\n"
	"options:\n"
	"  --help              this text\n"
	"  --measure M         what --target judges: sla (default), answered_within,\n"
	"                      sl or sl2\n"
	"  --operators N       operators (1..100000); may be left out with --target,\n"
	"                      the measures are then those at the staffing found\n"
	"  --patience-s P      mean patience in seconds, or inf for Erlang C\n"
	"  --rate-per-min L    calls per minute (Poisson)\n"
	"  --ring-period-s S   one ring, seconds (default 3: Japan)\n"
	"  --rings LIST        ring counts to show, from 1..10 (default all ten)\n"
	"  --talk-s T          mean talk time in seconds (exponential)\n"
	"  --target K:F[:MEASURE]\n"
	"                      at least F (0 < F < 1) within K rings, measured by\n"
	"                      MEASURE (default --measure's); adds \"staffing\": the\n"
	"                      least N meeting it (the form of every command's --target)\n"
	"\n"
	"Erlang C is refused when the load (rate x talk) reaches the operators: it\n"
	"has no steady state there. Exit status: 0 done (and --operators meets\n"
	"--target), 1 --operators misses --target or no staffing up to 100000\n"
	"meets it, 2 bad usage, 3 the figures could not be computed.\n"
	"docs/erlang.md gives the formulas.\n";

struct opts {
	double rate_per_min, talk_s, patience_s; /* patience_s 0: inf */
	int have_rate, have_talk, have_patience;
	long operators; /* 0: not given */
	double ring_period_s;
	int rings[ERLANG_MAX_RINGS + 1]; /* rings[k] = 1 when shown */
	int target_k;                    /* 0: no target */
	double target_f;
	const char *target_text;
	enum erlang_measure measure;
};

/* A finite number above 0 (seconds, a rate): 0 or 2 after saying why. */
static int positive(const char *opt, const char *val, const char *what, double *out)
{
	char *end;
	errno = 0;
	double v = val ? strtod(val, &end) : NAN;
	if (!val || !*val || *end || errno || !isfinite(v) || !(v > 0))
		return cli_usage_error(PROG, "%s: expected %s above 0, got '%s'", opt, what,
				       val ? val : "");
	*out = v;
	return 0;
}

static int parse_rings(const char *val, int *rings)
{
	memset(rings, 0, sizeof(int) * (ERLANG_MAX_RINGS + 1));
	const char *p = val;
	int any = 0;
	while (p && *p) {
		char *end;
		errno = 0;
		long k = strtol(p, &end, 10);
		if (end == p || errno || k < 1 || k > ERLANG_MAX_RINGS || (*end && *end != ','))
			return cli_usage_error(PROG,
					       "--rings: expected ring counts from 1 to %d separated "
					       "by commas (e.g. 3,5), got '%s'",
					       ERLANG_MAX_RINGS, val);
		rings[k] = 1;
		any = 1;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			any = 0; /* trailing comma */
	}
	if (!any)
		return cli_usage_error(PROG,
				       "--rings: expected ring counts from 1 to %d separated by "
				       "commas (e.g. 3,5), got '%s'",
				       ERLANG_MAX_RINGS, val ? val : "");
	return 0;
}

/*
 * --target [PHASE:]K:F[:MEASURE], read by the parser every command shares
 * (scn_target_parse); Erlang has no phases, and F must lie strictly
 * between 0 and 1 for a staffing to exist.
 */
static int parse_target(const char *val, struct opts *o)
{
	struct scn_target t;
	char err[512] = "";
	if (scn_target_parse(val, NULL, &t, err, sizeof(err)))
		return cli_usage_error(PROG, "%s", err);
	if (t.phase) {
		int rc = cli_usage_error(PROG, "--target '%s': Erlang has no phases; give %s",
					 val, val + strlen(t.phase) + 1);
		scn_target_clear(&t);
		return rc;
	}
	if (t.rings > ERLANG_MAX_RINGS || !(t.min > 0 && t.min < 1))
		return cli_usage_error(PROG,
				       "--target: expected K:F, K rings from 1 to %d and a fraction "
				       "0 < F < 1 (e.g. 3:0.95), got '%s'",
				       ERLANG_MAX_RINGS, val ? val : "");
	if (t.measure != MEASURE_SLA)
		o->measure = (enum erlang_measure)t.measure;
	o->target_k = t.rings;
	o->target_f = t.min;
	o->target_text = val;
	return 0;
}

/* One option and its value; returns 0, 2 on a bad value, -1 when unknown. */
static int parse_opt(const char *name, const char *val, struct opts *o)
{
	if (!strcmp(name, "--measure")) {
		if (val && erlang_measure_parse(val, &o->measure) == 0)
			return 0;
		return cli_usage_error(PROG,
				       "--measure: expected sla, answered_within, sl or sl2, got '%s'",
				       val ? val : "");
	}
	if (!strcmp(name, "--operators"))
		return cli_long(PROG, name, val, 1, ERLANG_MAX_OPERATORS, &o->operators);
	if (!strcmp(name, "--patience-s")) {
		o->have_patience = 1;
		if (val && (!strcmp(val, "inf") || !strcmp(val, "never"))) {
			o->patience_s = 0;
			return 0;
		}
		return positive(name, val, "a mean patience in seconds (or inf: Erlang C)",
				&o->patience_s);
	}
	if (!strcmp(name, "--rate-per-min")) {
		o->have_rate = 1;
		return positive(name, val, "calls per minute", &o->rate_per_min);
	}
	if (!strcmp(name, "--ring-period-s"))
		return positive(name, val, "seconds", &o->ring_period_s);
	if (!strcmp(name, "--rings"))
		return parse_rings(val, o->rings);
	if (!strcmp(name, "--talk-s")) {
		o->have_talk = 1;
		return positive(name, val, "a mean talk time in seconds", &o->talk_s);
	}
	if (!strcmp(name, "--target"))
		return parse_target(val, o);
	return -1;
}

static const char *const opt_names[] = {"help",	      "measure", "operators", "patience-s",
					 "rate-per-min",  "ring-period-s", "rings",  "talk-s",
					 "target",	      NULL};

static int parse_args(int argc, char **argv, struct opts *o, int *help)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			*help = 1;
			return 0;
		}
		if (strncmp(a, "--", 2) != 0)
			return cli_usage_error(PROG, "unexpected argument '%s'", a);
		char name[64];
		const char *eq = strchr(a, '='), *val;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		if (len >= sizeof(name))
			return cli_unknown_option(PROG, a, opt_names, NULL);
		memcpy(name, a, len);
		name[len] = '\0';
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc) {
				if (parse_opt(name, NULL, o) < 0)
					return cli_unknown_option(PROG, a, opt_names, NULL);
				return 2; /* parse_opt said what was missing */
			}
			val = argv[++i];
		}
		int err = parse_opt(name, val, o);
		if (err < 0)
			return cli_unknown_option(PROG, name, opt_names, NULL);
		if (err)
			return err;
	}
	if (!o->have_rate || !o->have_talk || !o->have_patience)
		return cli_usage_error(PROG, "--rate-per-min, --talk-s and --patience-s are required");
	if (!o->operators && !o->target_k)
		return cli_usage_error(PROG, "--operators is required (or --target K:F for a staffing)");
	return 0;
}

static json_t *by_ring(const struct opts *o, const double *v)
{
	json_t *obj = json_object();
	for (int k = 1; k <= ERLANG_MAX_RINGS; k++) {
		if (!o->rings[k])
			continue;
		char key[8];
		snprintf(key, sizeof(key), "%d", k);
		json_object_set_new(obj, key, json_real(v[k]));
	}
	return obj;
}

static json_t *result_json(const struct opts *o, const struct erlang_params *p,
			   const struct erlang_result *r)
{
	json_t *root = json_object(), *in = json_object();
	json_object_set_new(root, "model", json_string(r->erlang_c ? "erlang_c" : "erlang_a"));
	json_object_set_new(in, "rate_per_min", json_real(o->rate_per_min));
	json_object_set_new(in, "talk_s", json_real(o->talk_s));
	json_object_set_new(in, "patience_s",
			    o->patience_s > 0 ? json_real(o->patience_s) : json_string("inf"));
	json_object_set_new(in, "operators", json_integer(p->n));
	json_object_set_new(in, "ring_period_s", json_real(p->ring_period));
	json_object_set_new(root, "inputs", in);
	json_object_set_new(root, "load_erlangs", json_real(r->load));
	json_object_set_new(root, "load_per_operator", json_real(r->load / p->n));
	json_object_set_new(root, "p_wait", json_real(r->p_wait));
	json_object_set_new(root, "p_abandon", json_real(r->p_abandon));
	json_object_set_new(root, "occupancy", json_real(r->occupancy));
	json_object_set_new(root, "mean_wait_served_s", json_real(r->mean_wait_served_s));
	json_object_set_new(root, "mean_wait_s", json_real(r->mean_wait_s));
	json_object_set_new(root, "mean_queue", json_real(r->mean_queue));
	json_object_set_new(root, "answered_within", by_ring(o, r->answered_within));
	json_object_set_new(root, "abandoned_within", by_ring(o, r->abandoned_within));
	json_object_set_new(root, "sla", by_ring(o, r->sla));
	json_object_set_new(root, "sl", by_ring(o, r->sl));
	json_object_set_new(root, "sl2", by_ring(o, r->sl2));
	return root;
}

/* Says why erlang_solve() or erlang_staff() failed; returns the exit status. */
static int solve_error(int err, const struct erlang_params *p)
{
	if (err == EDOM) {
		fprintf(stderr,
			PROG ": Erlang C has no steady state when the load λ/μ = %g reaches "
			     "the operators n = %d (give a finite --patience-s for Erlang A, or more "
			     "--operators)\n",
			p->lambda / p->mu, p->n);
		return 2;
	}
	if (err == ERANGE) {
		fprintf(stderr,
			PROG ": more than %d callers would wait: too long a patience for this "
			     "overload to compute exactly\n",
			ERLANG_MAX_QUEUE);
		return 3;
	}
	fprintf(stderr, PROG ": cannot compute the measures: %s\n", strerror(err));
	return err == EINVAL ? 2 : 3;
}

int cmd_erlang(int argc, char **argv)
{
	struct opts o = {.ring_period_s = 3.0, .measure = ERLANG_SLA};
	for (int k = 1; k <= ERLANG_MAX_RINGS; k++)
		o.rings[k] = 1;
	int help = 0, status = 0;
	int err = parse_args(argc, argv, &o, &help);
	if (err)
		return err;
	if (help) {
		fputs(usage_text, stdout);
		return 0;
	}
	struct erlang_params p = {
		.lambda = o.rate_per_min / 60.0,
		.mu = 1.0 / o.talk_s,
		.theta = o.patience_s > 0 ? 1.0 / o.patience_s : 0.0,
		.n = (int)o.operators,
		.ring_period = o.ring_period_s,
	};
	struct erlang_result r, rs;
	int staffed = 0, staff_err = 0;
	if (o.target_k) {
		staff_err = erlang_staff(&p, o.measure, o.target_k, o.target_f, ERLANG_MAX_OPERATORS,
					 &staffed, &rs);
		if (staff_err && staff_err != ERANGE)
			return solve_error(staff_err, &p);
	}
	if (o.operators) {
		err = erlang_solve(&p, &r);
		if (err)
			return solve_error(err, &p);
	} else if (!staff_err) {
		p.n = staffed;
		r = rs;
	} else {
		fprintf(stderr, PROG ": no staffing up to %d operators meets %s %s\n",
			ERLANG_MAX_OPERATORS, erlang_measure_name(o.measure), o.target_text);
		return 1;
	}
	json_t *root = result_json(&o, &p, &r);
	if (o.target_k) {
		json_t *st = json_object();
		json_object_set_new(st, "target", json_string(o.target_text));
		json_object_set_new(st, "measure", json_string(erlang_measure_name(o.measure)));
		json_object_set_new(st, "rings", json_integer(o.target_k));
		json_object_set_new(st, "min", json_real(o.target_f));
		if (staff_err) {
			json_object_set_new(st, "operators", json_null());
			json_object_set_new(st, "value", json_null());
			fprintf(stderr, PROG ": no staffing up to %d operators meets %s %s\n",
				ERLANG_MAX_OPERATORS, erlang_measure_name(o.measure), o.target_text);
			status = 1;
		} else {
			json_object_set_new(st, "operators", json_integer(staffed));
			json_object_set_new(st, "value",
					    json_real(erlang_measure_value(&rs, o.measure, o.target_k)));
		}
		if (o.operators) {
			double v = erlang_measure_value(&r, o.measure, o.target_k);
			int met = v >= o.target_f;
			json_object_set_new(st, "given_operators_meet_it", json_boolean(met));
			if (!met)
				status = 1;
		}
		json_object_set_new(root, "staffing", st);
	}
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (!text) {
		fprintf(stderr, PROG ": out of memory\n");
		return 3;
	}
	puts(text);
	free(text);
	return status;
}
