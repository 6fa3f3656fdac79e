/*
 * suite_junit: a suite's verdict table and its JUnit XML (suite.h). The XML
 * follows the common JUnit schema CI servers read (Jenkins, GitLab):
 * <testsuites> of <testsuite> (one per run) of <testcase> (one per target);
 * a missed target is a <failure type="missed">, a run that failed an
 * <error>. An undecided target, and every target of a run capped at
 * inconclusive (a live schedule not kept), is a <failure type="inconclusive">
 * whose message says why: CI servers know no third state, and an
 * inconclusive run has not shown that its targets are met. A run given
 * expect: fail (or inconclusive) that ends so has passing test cases with
 * a <system-out> saying so; one that passes instead fails every test case
 * with type="unexpected".
 */
#define LOG_TAG "suite"
#include "suite.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static void xml_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputc(' ', f);
			else
				fputc(*s, f);
		}
	}
}

static bool is_error(const struct suite_entry *e)
{
	return !strcmp(e->verdict, "error") || e->exit_code == 2 || e->exit_code == 3;
}

/* Capped at inconclusive whatever its targets say (summary_set_inconclusive). */
static bool is_capped(const struct suite_entry *e)
{
	return !strcmp(e->verdict, "inconclusive") && e->reasons[0];
}

/* What a test case reports: nothing (passed), a failure, or inconclusive. */
static enum suite_result case_result(const struct suite_entry *e, const struct suite_target *t)
{
	if (t && t->result != SUITE_PASS)
		return t->result;
	if (is_capped(e) || (!t && !strcmp(e->verdict, "inconclusive")))
		return SUITE_INCONCLUSIVE;
	if (!t && !strcmp(e->verdict, "fail"))
		return SUITE_FAIL;
	return SUITE_PASS;
}

/* The measured value and its interval, e.g. "measured 0.8123 (95 % CI 0.7712 to 0.8534)". */
static void measured_text(const struct suite_target *t, char *buf, size_t n)
{
	if (!t || isnan(t->measured))
		snprintf(buf, n, "no calls to measure");
	else if (isnan(t->lo) || isnan(t->hi))
		snprintf(buf, n, "measured %.4f", t->measured);
	else
		snprintf(buf, n, "measured %.4f (95 %% CI %.4f to %.4f)", t->measured, t->lo,
			 t->hi);
}

/* What a test case says ("missed: measured ..."); returns its result. */
static enum suite_result case_text(const struct suite_entry *e, const struct suite_target *t,
				   char *m, size_t n)
{
	char meas[96];
	measured_text(t, meas, sizeof(meas));
	enum suite_result r = case_result(e, t);
	switch (r) {
	case SUITE_PASS:
		if (t)
			snprintf(m, n, "met: %s", meas);
		else
			snprintf(m, n, "passed");
		break;
	case SUITE_FAIL:
		snprintf(m, n, "missed: %s", meas);
		break;
	case SUITE_INCONCLUSIVE: {
		/* The target's own reason, then the run's (e.g. a schedule not kept). */
		const char *note =
		    t && t->result == SUITE_INCONCLUSIVE && t->note[0] ? t->note : "";
		if (!t)
			snprintf(meas, sizeof(meas), "the run");
		snprintf(m, n, "inconclusive: %s%s%s%s%s", meas, note[0] ? ": " : "", note,
			 e->reasons[0] ? "; " : "", e->reasons);
		break;
	}
	}
	return r;
}

/*
 * How an entry's test cases read against its expect: as they are (expect
 * pass, or a verdict that is neither the one expected nor a pass), all
 * passing with a note (the verdict expected), or all failing (a pass where
 * a fail or an inconclusive was expected).
 */
enum case_mode { MODE_PLAIN, MODE_EXPECTED, MODE_UNEXPECTED };

static enum case_mode entry_mode(const struct suite_entry *e)
{
	if (e->expect == SUITE_PASS || is_error(e))
		return MODE_PLAIN;
	if (suite_entry_status(e) == 0)
		return MODE_EXPECTED;
	if (!strcmp(e->verdict, "pass"))
		return MODE_UNEXPECTED;
	return MODE_PLAIN;
}

static void write_case_result(FILE *f, const struct suite_entry *e, const struct suite_target *t)
{
	char m[sizeof(t->note) + sizeof(e->reasons) + 200], x[sizeof(m) + 100];
	enum suite_result r = case_text(e, t, m, sizeof(m));
	switch (entry_mode(e)) {
	case MODE_EXPECTED:
		snprintf(x, sizeof(x), "expected %s, and the run ended %s: %s",
			 suite_result_name(e->expect), e->verdict, m);
		fputs("<system-out>", f);
		xml_esc(f, x);
		fputs("</system-out>", f);
		return;
	case MODE_UNEXPECTED:
		snprintf(x, sizeof(x), "expected %s, but the run passed: %s",
			 suite_result_name(e->expect), m);
		fputs("<failure type=\"unexpected\" message=\"", f);
		xml_esc(f, x);
		fputs("\"/>", f);
		return;
	case MODE_PLAIN:
		break;
	}
	if (r == SUITE_PASS)
		return;
	fputs(r == SUITE_FAIL ? "<failure type=\"missed\" message=\""
			      : "<failure type=\"inconclusive\" message=\"",
	      f);
	xml_esc(f, m);
	fputs("\"/>", f);
}

/* Failures (missed, inconclusive or unexpected) among e's test cases; 0 for a run that failed. */
static size_t count_failures(const struct suite_entry *e)
{
	if (is_error(e))
		return 0;
	enum case_mode mode = entry_mode(e);
	size_t nt = e->n_targets ? e->n_targets : 1;
	if (mode != MODE_PLAIN)
		return mode == MODE_EXPECTED ? 0 : nt;
	if (!e->n_targets)
		return case_result(e, NULL) != SUITE_PASS;
	size_t nf = 0;
	for (size_t k = 0; k < e->n_targets; k++)
		nf += case_result(e, &e->targets[k]) != SUITE_PASS;
	return nf;
}

static void write_properties(FILE *f, const struct suite_entry *e)
{
	fputs("    <properties><property name=\"scenario\" value=\"", f);
	xml_esc(f, e->scenario);
	fprintf(f, "\"/><property name=\"engine\" value=\"%s\"/>",
		e->engine == SUITE_LIVE ? "live" : "model");
	fputs("<property name=\"verdict\" value=\"", f);
	xml_esc(f, is_error(e) ? "error" : e->verdict);
	fputs("\"/>", f);
	fprintf(f, "<property name=\"expect\" value=\"%s\"/>", suite_result_name(e->expect));
	if (e->schedule[0]) {
		fputs("<property name=\"schedule\" value=\"", f);
		xml_esc(f, e->schedule);
		fputs("\"/>", f);
	}
	if (e->reasons[0]) {
		fputs("<property name=\"inconclusive_reasons\" value=\"", f);
		xml_esc(f, e->reasons);
		fputs("\"/>", f);
	}
	fputs("</properties>\n", f);
}

int suite_junit(const struct suite *s, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	size_t tests = 0, fails = 0, errors = 0;
	double secs = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct suite_entry *e = &s->entries[i];
		size_t nt = e->n_targets ? e->n_targets : 1;
		tests += nt;
		secs += e->seconds;
		if (is_error(e))
			errors += nt;
		fails += count_failures(e);
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
	xml_esc(f, s->name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", tests, fails,
		errors, secs);
	for (size_t i = 0; i < s->n; i++) {
		const struct suite_entry *e = &s->entries[i];
		bool err = is_error(e);
		size_t nt = e->n_targets ? e->n_targets : 1;
		fputs("  <testsuite name=\"", f);
		xml_esc(f, e->name);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", nt,
			count_failures(e), err ? nt : 0, e->seconds);
		write_properties(f, e);
		for (size_t k = 0; k < nt; k++) {
			const struct suite_target *t = e->n_targets ? &e->targets[k] : NULL;
			fputs("    <testcase classname=\"", f);
			xml_esc(f, s->name);
			fputc('.', f);
			xml_esc(f, e->name);
			fputs("\" name=\"", f);
			xml_esc(f, t ? t->name : "run");
			fprintf(f, "\" time=\"%.3f\">", e->seconds / (double)nt);
			if (err) {
				fputs("<error message=\"", f);
				xml_esc(f, e->error[0] ? e->error : "the run failed");
				fputs("\"/>", f);
			} else {
				write_case_result(f, e, t);
			}
			fputs("</testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (fclose(f))
		return errno ? errno : EIO;
	return 0;
}

void suite_print(const struct suite *s, FILE *out)
{
	fprintf(out, "suite %s\n", s->name);
	fprintf(out, "  %-24s %-6s %-12s %8s  %s\n", "run", "engine", "verdict", "time", "targets");
	for (size_t i = 0; i < s->n; i++) {
		const struct suite_entry *e = &s->entries[i];
		size_t passed = 0;
		for (size_t k = 0; k < e->n_targets; k++)
			passed += e->targets[k].result == SUITE_PASS;
		fprintf(out, "  %-24s %-6s %-12s %7.1fs  %zu/%zu met", e->name,
			e->engine == SUITE_LIVE ? "live" : "model",
			is_error(e) ? "ERROR" : e->verdict, e->seconds, passed, e->n_targets);
		if (is_error(e))
			fprintf(out, "  (%s)", e->error[0] ? e->error : "the run failed");
		else if (e->expect != SUITE_PASS)
			fprintf(out, "  expected %s: %s", suite_result_name(e->expect),
				suite_entry_status(e) == 0 ? "counts as passed" : "not so");
		fputc('\n', out);
		if (is_error(e))
			continue;
		for (size_t k = 0; k < e->n_targets; k++) {
			const struct suite_target *t = &e->targets[k];
			if (t->result == SUITE_FAIL)
				fprintf(out, "      missed: %s: %.4f\n", t->name, t->measured);
			else if (t->result == SUITE_INCONCLUSIVE)
				fprintf(out, "      undecided: %s: %.4f%s%s\n", t->name,
					t->measured, t->note[0] ? ": " : "", t->note);
		}
		if (e->reasons[0])
			fprintf(out, "      not decided: %s\n", e->reasons);
		if (e->schedule[0])
			fprintf(out, "      schedule: %s\n", e->schedule);
	}
}
