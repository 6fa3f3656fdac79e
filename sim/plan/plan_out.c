/*
 * plan_out: the plan's files (docs/plan.md): requirements.csv, shifts.csv,
 * roster.csv, planned.yaml and plan.json. planned.yaml is the scenario as
 * written, with the profile's operators (and rostered backup) replaced by
 * what the roster puts at the desks interval by interval, so `ringbench
 * model planned.yaml` runs the planned day as it is.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "cli.h"
#include "plan_int.h"
#include "rbjson.h"

static const char *clock_of(const struct scenario *s, double at_s, char buf[8])
{
	long t = ((s->start_time_s > 0 ? s->start_time_s : 0) + (long)at_s) % 86400;
	snprintf(buf, 8, "%02ld:%02ld", t / 3600, t / 60 % 60);
	return buf;
}

static void num(FILE *f, double v, const char *fmt)
{
	if (isnan(v))
		return;
	fprintf(f, fmt, v);
}

/* A target's label without its phase: one column of requirements.csv for
 * every kind of target, whichever intervals it applies to. */
static void bare_label(const struct scn_target *t, char *buf, size_t n)
{
	struct scn_target x = *t;
	x.phase = NULL;
	x.phase_idx = -1;
	scn_target_label(&x, buf, n);
}

static int write_requirements(const struct plan_opts *o, const struct plan_result *r, const char *path)
{
	const struct scn_target *t = o->targets ? o->targets : o->scn->targets;
	size_t nt = o->targets ? o->n_targets : o->scn->n_targets, nc = 0;
	char(*cols)[96] = calloc(nt ? nt : 1, sizeof *cols);
	FILE *f = cols ? fopen(path, "w") : NULL;
	if (!f) {
		int e = cols ? errno : ENOMEM;
		free(cols);
		return e;
	}
	for (size_t k = 0; k < nt; k++) {
		char lab[96];
		bare_label(&t[k], lab, sizeof lab);
		size_t c = 0;
		while (c < nc && strcmp(cols[c], lab))
			c++;
		if (c == nc)
			memcpy(cols[nc++], lab, sizeof lab);
	}
	fprintf(f, "interval,start,end,rate_per_min,operators,backup");
	for (size_t c = 0; c < nc; c++)
		fprintf(f, ",\"%s\",\"%s lo\",\"%s hi\"", cols[c], cols[c], cols[c]);
	fprintf(f, ",abandon_fraction,occupancy,method,erlang_operators,model_operators,bound,rostered,"
		   "staffed,passed");
	/* split floors: per-floor columns after the pooled ones, so a pooled
	 * plan's file is unchanged and readers by name see the same columns */
	for (int fl = 0; fl < r->n_floors && r->n_floors > 1; fl++)
		fprintf(f, ",floor%d_erlang,floor%d_operators,floor%d_staffed", fl, fl, fl);
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_interval *v = &r->iv[i];
		char a[8], b[8];
		fprintf(f, "%s,%s,%s,%.4f,%d,%d", v->name, clock_of(o->scn, v->start_s, a),
			clock_of(o->scn, v->end_s, b), v->plan_rate_per_s * 60, v->required, v->backup);
		for (size_t c = 0; c < nc; c++) {
			const struct plan_judged *d = NULL;
			for (size_t k = 0; k < v->n_judged && !d; k++) {
				char lab[96];
				bare_label(&v->judged[k].t, lab, sizeof lab);
				if (!strcmp(lab, cols[c]))
					d = &v->judged[k];
			}
			fputc(',', f);
			if (d)
				num(f, d->measured, "%.4f");
			fputc(',', f);
			if (d)
				num(f, d->lo, "%.4f");
			fputc(',', f);
			if (d)
				num(f, d->hi, "%.4f");
		}
		fputc(',', f);
		num(f, v->abandon_fraction, "%.4f");
		fputc(',', f);
		num(f, v->occupancy, "%.4f");
		fprintf(f, ",%s,%d,%d,%s,%d,%d,%s",
			o->method == PLAN_ERLANG ? "erlang" : (o->point || v->rule == RULE_POINT ? "model-point" : "model"), v->erlang, v->model,
			v->bound ? v->bound : "", v->rostered, v->staffed, v->n_judged ? (v->passed ? "yes" : "no") : "");
		for (int fl = 0; fl < r->n_floors && r->n_floors > 1; fl++)
			fprintf(f, ",%d,%d,%d", v->fl_erlang[fl], v->fl_required[fl], v->fl_staffed[fl]);
		fputc('\n', f);
	}
	free(cols);
	return fclose(f) ? errno : 0;
}

/* day_n: the planning intervals of the day; a split-floor roster's rows run
 * floor after floor (plan.h), so its starts are taken modulo the day. */
static void shift_rows(FILE *f, const char *kind, const struct roster_problem *p, const struct roster_result *rr,
		       double iv_min, int day_n)
{
	for (int k = 0; k < p->n_shifts; k++) {
		const struct roster_shift *s = &p->shifts[k];
		int off = s->first_start / day_n * day_n;
		int people = 0;
		double cost = 0;
		for (int l = 0; l < rr->n_lines; l++)
			if (rr->lines[l].shift == k) {
				people += rr->lines[l].count;
				cost += rr->lines[l].count * roster_line_cost(p, &rr->lines[l]);
			}
		fprintf(f, "%s,%s,%g,%d,%d,%g,%g,%g,%g,%g,%s,%d,%d,%.0f\n", kind, s->name, s->length * iv_min / 60,
			s->first_start - off, s->last_start - off, s->start_step * iv_min, s->break_len * iv_min,
			s->break_earliest * iv_min, s->break_latest * iv_min, s->cost_per_hour,
			s->paid_break ? "yes" : "no", s->max_count, people, cost);
	}
}

static void roster_rows(FILE *f, const struct scenario *s, const char *kind, const struct roster_problem *p,
			const struct roster_result *rr, int day_n)
{
	for (int l = 0; l < rr->n_lines; l++) {
		const struct roster_line *ln = &rr->lines[l];
		int off = ln->start / day_n * day_n;
		const struct roster_shift *sh = &p->shifts[ln->shift];
		char a[8], b[8], c[8] = "", d[8] = "";
		double iv = p->interval_s;
		if (ln->break_start >= 0) {
			clock_of(s, (ln->break_start - off) * iv, c);
			clock_of(s, (ln->break_start - off + sh->break_len) * iv, d);
		}
		double each = roster_line_cost(p, ln);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%d,%.0f,%.0f\n", kind, sh->name, clock_of(s, (ln->start - off) * iv, a),
			clock_of(s, (ln->start - off + sh->length) * iv, b), c, d, ln->count, each, each * ln->count);
	}
}

static int write_shifts(const struct plan_opts *o, const struct plan_result *r, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/shifts.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	fprintf(f, "kind,shift,length_h,first_start_interval,last_start_interval,every_min,break_min,"
		   "break_earliest_min,break_latest_min,cost_per_hour,paid_break,max_count,people,cost\n");
	shift_rows(f, "operator", &r->rp, &r->roster, r->rp.interval_s / 60, r->rp_day_n);
	if (r->have_broster)
		shift_rows(f, "backup", &r->brp, &r->broster, r->brp.interval_s / 60, r->brp.n);
	if (fclose(f))
		return errno;
	snprintf(path, sizeof path, "%s/roster.csv", dir);
	if (!(f = fopen(path, "w")))
		return errno;
	fprintf(f, "kind,shift,start,end,break_start,break_end,people,cost_each,cost\n");
	roster_rows(f, o->scn, "operator", &r->rp, &r->roster, r->rp_day_n);
	if (r->have_broster)
		roster_rows(f, o->scn, "backup", &r->brp, &r->broster, r->brp.n);
	return fclose(f) ? errno : 0;
}

/* ---- planned.yaml: the scenario's own document, staffing replaced ------------ */

static yaml_node_pair_t *map_pair(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return p;
	}
	return NULL;
}

static int scalar(yaml_document_t *d, const char *fmt, double v)
{
	char b[32];
	snprintf(b, sizeof b, fmt, v);
	return yaml_document_add_scalar(d, NULL, (yaml_char_t *)b, -1, YAML_PLAIN_SCALAR_STYLE);
}

static int int_seq(yaml_document_t *d, const int *v, size_t n, int *id)
{
	*id = yaml_document_add_sequence(d, NULL, YAML_FLOW_SEQUENCE_STYLE);
	for (size_t i = 0; *id && i < n; i++) {
		char b[16];
		snprintf(b, sizeof b, "%d", v[i]);
		int s = yaml_document_add_scalar(d, NULL, (yaml_char_t *)b, -1, YAML_PLAIN_SCALAR_STYLE);
		if (!s || !yaml_document_append_sequence_item(d, *id, s))
			return ENOMEM;
	}
	return *id ? 0 : ENOMEM;
}

/* Sets key of mapping node id to the sequence seq (replacing or adding). */
static int set_key(yaml_document_t *d, int map_id, const char *key, int seq)
{
	yaml_node_pair_t *p = map_pair(d, yaml_document_get_node(d, map_id), key);
	if (p) {
		p->value = seq;
		return 0;
	}
	int k = yaml_document_add_scalar(d, NULL, (yaml_char_t *)key, -1, YAML_PLAIN_SCALAR_STYLE);
	return k && yaml_document_append_mapping_pair(d, map_id, k, seq) ? 0 : ENOMEM;
}

static int yaml_write_out(void *data, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, data) == size;
}

/* The scenario as written, read back as a YAML document into *d. */
static int load_scenario_doc(const struct plan_opts *o, yaml_document_t *d, char *err,
			     size_t errlen)
{
	FILE *in = fopen(o->scn_path, "rb");
	if (!in)
		return errno;
	yaml_parser_t ps;
	yaml_parser_initialize(&ps);
	yaml_parser_set_input_file(&ps, in);
	int ok = yaml_parser_load(&ps, d);
	yaml_parser_delete(&ps);
	fclose(in);
	if (!ok)
		return snprintf(err, errlen, "%s: cannot read back as YAML", o->scn_path), EINVAL;
	return 0;
}

/* Split floors: profile.floors, one list a floor of its desks staffed per
 * interval (a profile with floors has no operators key: the loader refuses both). */
static int set_floors(const struct plan_result *r, yaml_document_t *d, int prof)
{
	int outer = yaml_document_add_sequence(d, NULL, YAML_BLOCK_SEQUENCE_STYLE), seq, rc = outer ? 0 : ENOMEM;
	int *ops = rc ? NULL : calloc(r->n ? r->n : 1, sizeof *ops);
	if (!rc && !ops)
		rc = ENOMEM;
	for (int f = 0; !rc && f < r->n_floors; f++) {
		for (size_t i = 0; i < r->n; i++)
			ops[i] = r->iv[i].fl_staffed[f];
		if (!(rc = int_seq(d, ops, r->n, &seq)) && !yaml_document_append_sequence_item(d, outer, seq))
			rc = ENOMEM;
	}
	free(ops);
	return rc ? rc : set_key(d, prof, "floors", outer);
}

/* load.profile's operators (and backup, when rostered) as staffed interval
 * by interval; *lp and *prof: the load pair and the profile's node, found. */
static int set_staffing(const struct plan_opts *o, const struct plan_result *r, yaml_document_t *d,
			yaml_node_pair_t **lp, int *prof, char *err, size_t errlen)
{
	int rc = 0, *ops = calloc(r->n, sizeof *ops), *bk = calloc(r->n, sizeof *bk), seq;
	yaml_node_t *root = yaml_document_get_root_node(d);
	*lp = map_pair(d, root, "load");
	yaml_node_pair_t *pp = *lp ? map_pair(d, yaml_document_get_node(d, (*lp)->value), "profile") : NULL;
	if (!ops || !bk)
		rc = ENOMEM;
	else if (!pp)
		rc = EINVAL, snprintf(err, errlen, "%s: no load.profile to write the staffing into", o->scn_path);
	for (size_t i = 0; !rc && i < r->n; i++) {
		ops[i] = r->iv[i].staffed;
		bk[i] = r->iv[i].backup_staffed;
	}
	*prof = pp ? pp->value : 0;
	if (!rc && r->n_floors > 1)
		rc = set_floors(r, d, *prof);
	else if (!rc && !(rc = int_seq(d, ops, r->n, &seq)))
		rc = set_key(d, *prof, "operators", seq);
	if (!rc && r->have_broster && !(rc = int_seq(d, bk, r->n, &seq)))
		rc = set_key(d, *prof, "backup", seq);
	free(ops);
	free(bk);
	return rc;
}

/* The profile's rates (rp: rates_per_hour or, per_min, rates_per_min) times
 * the forecast's quantile factor. */
static int scale_rates(const struct plan_result *r, yaml_document_t *d, int prof,
		       yaml_node_pair_t *rp, bool per_min)
{
	int rc = 0;
	/* read the rates first: adding nodes moves the node array */
	yaml_node_t *old = yaml_document_get_node(d, rp->value);
	size_t nr = (size_t)(old->data.sequence.items.top - old->data.sequence.items.start);
	double *x = calloc(nr ? nr : 1, sizeof *x);
	for (size_t k = 0; x && k < nr; k++)
		x[k] = strtod((char *)yaml_document_get_node(d, old->data.sequence.items.start[k])->data.scalar.value, NULL);
	int s = x ? yaml_document_add_sequence(d, NULL, YAML_FLOW_SEQUENCE_STYLE) : 0;
	for (size_t k = 0; s && k < nr && !rc; k++) {
		int id = scalar(d, "%.6g", x[k] * r->rate_factor);
		if (!id || !yaml_document_append_sequence_item(d, s, id))
			rc = ENOMEM;
	}
	free(x);
	if (!rc && !s)
		rc = ENOMEM;
	if (!rc)
		map_pair(d, yaml_document_get_node(d, prof), per_min ? "rates_per_min" : "rates_per_hour")->value = s;
	return rc;
}

/* Every burst's calls (load.bursts, load node load_id) times the bursts'
 * factor, at least 1. */
static int scale_bursts(const struct plan_result *r, yaml_document_t *d, int load_id)
{
	int rc = 0;
	yaml_node_pair_t *bp = map_pair(d, yaml_document_get_node(d, load_id), "bursts");
	yaml_node_t *bs = bp ? yaml_document_get_node(d, bp->value) : NULL;
	size_t nb = bs && bs->type == YAML_SEQUENCE_NODE ? (size_t)(bs->data.sequence.items.top - bs->data.sequence.items.start) : 0;
	for (size_t k = 0; !rc && k < nb; k++) {
		bs = yaml_document_get_node(d, bp->value); /* adding nodes may move them */
		yaml_node_pair_t *cp = map_pair(d, yaml_document_get_node(d, bs->data.sequence.items.start[k]), "calls");
		if (!cp)
			continue;
		long c0 = strtol((char *)yaml_document_get_node(d, cp->value)->data.scalar.value, NULL, 10);
		long c1 = lround(c0 * r->burst_factor);
		c1 = c1 > 100000000 ? 100000000 : c1;
		int id = scalar(d, "%.0f", (double)(c1 > 0 ? c1 : 1));
		if (!id)
			rc = ENOMEM;
		cp->value = id;
	}
	return rc;
}

/* run.seed and run.replications: the plan's, so that the planned day runs as checked. */
static int set_run(const struct plan_opts *o, yaml_document_t *d)
{
	int rc = 0;
	yaml_node_pair_t *run = map_pair(d, yaml_document_get_root_node(d), "run");
	int run_id = run ? run->value : yaml_document_add_mapping(d, NULL, YAML_FLOW_MAPPING_STYLE);
	if (!run_id || (!run && set_key(d, 1, "run", run_id)))
		rc = ENOMEM;
	char sd[24];
	snprintf(sd, sizeof sd, "%llu", (unsigned long long)o->seed);
	int a = yaml_document_add_scalar(d, NULL, (yaml_char_t *)sd, -1, YAML_PLAIN_SCALAR_STYLE);
	int b = scalar(d, "%.0f", (double)o->replications);
	if (!rc && (!a || !b || set_key(d, run_id, "seed", a) || set_key(d, run_id, "replications", b)))
		rc = ENOMEM;
	return rc;
}

/* planned.yaml: a header comment, then the document (which the emitter
 * deletes when it is written: then *d is cleared). */
static int emit_planned(const struct plan_opts *o, const struct plan_result *r, yaml_document_t *d,
			const char *path, char *err, size_t errlen)
{
	int rc = 0;
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	fprintf(f, "# planned by `ringbench plan` from %s: the profile's operators%s are what the\n"
		   "# roster puts at the desks interval by interval (after absence); run it with\n"
		   "# `ringbench model` to see the planned day.\n",
		o->scn_path, r->have_broster ? " and backup" : "");
	yaml_emitter_t em;
	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, yaml_write_out, f);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 100);
	if (!yaml_emitter_open(&em) || !yaml_emitter_dump(&em, d) || !yaml_emitter_close(&em))
		rc = EIO, snprintf(err, errlen, "%s: cannot write YAML", path);
	else
		memset(d, 0, sizeof *d); /* the emitter deleted the document */
	yaml_emitter_delete(&em);
	if (fclose(f) && !rc)
		rc = errno;
	return rc;
}

static int write_planned(const struct plan_opts *o, const struct plan_result *r, const char *path, char *err,
			 size_t errlen)
{
	yaml_document_t d;
	int rc = load_scenario_doc(o, &d, err, errlen);
	if (rc)
		return rc;
	yaml_node_pair_t *lp;
	int prof;
	rc = set_staffing(o, r, &d, &lp, &prof, err, errlen);
	/* The rates planned for (the forecast's quantile) and the plan's seed and
	 * replications, so that `ringbench model planned.yaml` is the check. */
	yaml_node_pair_t *rp = map_pair(&d, yaml_document_get_node(&d, prof), "rates_per_hour");
	bool per_min = !rp && (rp = map_pair(&d, yaml_document_get_node(&d, prof), "rates_per_min"));
	if (!rc && rp && (r->rate_factor != 1 || r->burst_factor != 1)) {
		rc = scale_rates(r, &d, prof, rp, per_min);
		if (!rc)
			rc = scale_bursts(r, &d, lp->value);
	}
	if (!rc)
		rc = set_run(o, &d);
	if (!rc)
		rc = emit_planned(o, r, &d, path, err, errlen);
	if (rc && d.nodes.start)
		yaml_document_delete(&d);
	return rc;
}

/* ---- plan.json ------------------------------------------------------------------ */

static const char *judgement_name(enum rb_judgement j)
{
	return j == JUDGE_PASS ? "pass" : j == JUDGE_FAIL ? "fail" : "inconclusive";
}

static json_t *roster_json(const struct roster_result *rr)
{
	const char *st = rr->status == ROSTER_OPTIMAL ? "optimal" : rr->status == ROSTER_FEASIBLE ? "feasible" : "infeasible";
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:i, s:o}", "status", st, "cost", rbjson_real(rr->cost), "lp_bound",
			 rbjson_real(rr->lp_bound), "mip_gap", rbjson_real(rr->mip_gap), "paid_hours", rbjson_real(rr->paid_hours),
			 "columns", rr->columns, "seconds", rbjson_real(rr->seconds));
}

/* Split floors: per floor its share of the calls and, per interval, the
 * Erlang figure at its own load, the requirement and the desks staffed. */
static json_t *floors_json(const struct plan_result *r)
{
	json_t *a = json_array();
	for (int f = 0; f < r->n_floors; f++) {
		json_t *cov = json_array();
		for (size_t i = 0; i < r->n; i++) {
			const struct plan_interval *v = &r->iv[i];
			json_array_append_new(cov, json_pack("{s:s, s:i, s:i, s:i}", "interval", v->name, "erlang",
							     v->fl_erlang[f], "required", v->fl_required[f], "staffed",
							     v->fl_staffed[f]));
		}
		json_array_append_new(a, json_pack("{s:i, s:o, s:o}", "floor", f, "share", rbjson_real(r->floor_share[f]),
						   "coverage", cov));
	}
	return a;
}

static int write_json(const struct plan_opts *o, const struct plan_result *r, const char *path)
{
	json_t *root = json_object(), *cov = json_array(), *ivs = json_array();
	json_object_set_new(root, "scenario", json_string(o->scn_path));
	json_object_set_new(root, "method", json_string(o->method == PLAN_ERLANG ? "erlang" : "model"));
	json_object_set_new(root, "decided_on", json_string(o->method == PLAN_ERLANG ? "erlang a" : o->point ? "point estimate" : "95 % interval"));
	json_object_set_new(root, "replications", json_integer(o->replications));
	json_object_set_new(root, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(root, "rate_scale", json_real(o->rate_scale > 0 ? o->rate_scale : 1));
	json_object_set_new(root, "burst_scale", o->burst_set ? json_real(o->burst_scale) : json_null());
	json_object_set_new(root, "rounds", json_integer(r->rounds));
	json_object_set_new(root, "converged", json_boolean(o->method == PLAN_ERLANG || r->converged));
	json_object_set_new(root, "evaluations", json_integer(r->evaluations));
	json_object_set_new(root, "operator_hours", rbjson_real(r->operator_hours));
	json_object_set_new(root, "backup_hours", rbjson_real(r->backup_hours));
	json_object_set_new(root, "cost", rbjson_real(r->cost));
	json_object_set_new(root, "currency", json_string("JPY"));
	json_object_set_new(root, "roster", roster_json(&r->roster));
	if (r->have_broster)
		json_object_set_new(root, "backup_roster", roster_json(&r->broster));
	json_object_set_new(root, "check",
			    json_pack("{s:i, s:b, s:s, s:s}", "rounds", r->check_rounds, "passed", r->check_passed,
				      "verdict", r->check_rounds ? summary_verdict_name(r->check_verdict) : "not checked",
				      "changed", r->check_log));
	json_object_set_new(root, "seconds",
			    json_pack("{s:o, s:o, s:o}", "requirement", rbjson_real(r->seconds_requirement), "roster",
				      rbjson_real(r->seconds_roster), "check", rbjson_real(r->seconds_check)));
	json_object_set_new(root, "unreachable", r->unreachable[0] ? json_string(r->unreachable) : json_null());
	for (size_t i = 0; i < r->n; i++) {
		const struct plan_interval *v = &r->iv[i];
		json_array_append_new(cov, json_pack("{s:s, s:i, s:i, s:i}", "interval", v->name, "required", v->required,
						     "staffed", v->staffed, "rostered", v->rostered));
		json_t *tg = json_array();
		for (size_t k = 0; k < v->n_judged; k++) {
			const struct plan_judged *d = &v->judged[k];
			char lab[96];
			scn_target_label(&d->t, lab, sizeof lab);
			json_array_append_new(tg, json_pack("{s:s, s:o, s:[o,o], s:s}", "target", lab, "measured",
							    rbjson_real(d->measured), "ci95", rbjson_real(d->lo), rbjson_real(d->hi),
							    "result", judgement_name(d->j)));
		}
		json_array_append_new(ivs, json_pack("{s:s, s:f, s:f, s:i, s:i, s:i, s:s, s:s, s:i, s:i, s:o, s:o, s:b, s:o}",
						     "interval", v->name, "rate_per_min", v->rate_per_s * 60,
						     "planned_rate_per_min", v->plan_rate_per_s * 60, "erlang", v->erlang,
						     "model", v->model, "required", v->required, "decided_on",
						     v->rule == RULE_POINT || o->point ? "point estimate" : "95 % interval", "bound",
						     v->bound ? v->bound : "", "backup", v->backup, "staffed", v->staffed,
						     "abandon_fraction", rbjson_real(v->abandon_fraction), "occupancy",
						     rbjson_real(v->occupancy), "passed", v->passed, "targets", tg));
	}
	json_object_set_new(root, "coverage", cov);
	if (r->n_floors > 1)
		json_object_set_new(root, "floors", floors_json(r));
	json_object_set_new(root, "intervals", ivs);
	int rc = json_dump_file(root, path, JSON_INDENT(2)) ? EIO : 0;
	json_decref(root);
	return rc;
}

int plan_write(const struct plan_opts *o, const struct plan_result *r, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int rc = cli_mkdirs(dir);
	if (rc)
		return snprintf(err, errlen, "%s: %s", dir, strerror(rc)), rc;
	snprintf(path, sizeof path, "%s/requirements.csv", dir);
	if ((rc = write_requirements(o, r, path)))
		return snprintf(err, errlen, "%s: %s", path, strerror(rc)), rc;
	if (!r->have_roster)
		return 0;
	if ((rc = write_shifts(o, r, dir)))
		return snprintf(err, errlen, "%s: %s", dir, strerror(rc)), rc;
	snprintf(path, sizeof path, "%s/planned.yaml", dir);
	if ((rc = write_planned(o, r, path, err, errlen)))
		return rc;
	snprintf(path, sizeof path, "%s/plan.json", dir);
	if ((rc = write_json(o, r, path)))
		return snprintf(err, errlen, "%s: %s", path, strerror(rc)), rc;
	return 0;
}
