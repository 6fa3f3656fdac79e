/*
 * suite_junit: a suite's verdict table and its JUnit XML (suite.h). The XML
 * follows the common JUnit schema CI servers read (Jenkins, GitLab):
 * <testsuites> of <testsuite> (one per run) of <testcase> (one per target);
 * a missed target is a <failure>, a run that failed an <error>.
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
	return !strcmp(e->verdict, "error") || e->exit_code >= 2;
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
		else
			for (size_t k = 0; k < e->n_targets; k++)
				fails += !e->targets[k].pass;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
	xml_esc(f, s->name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", tests, fails,
		errors, secs);
	for (size_t i = 0; i < s->n; i++) {
		const struct suite_entry *e = &s->entries[i];
		bool err = is_error(e);
		size_t nt = e->n_targets ? e->n_targets : 1, nf = 0;
		for (size_t k = 0; k < e->n_targets && !err; k++)
			nf += !e->targets[k].pass;
		fputs("  <testsuite name=\"", f);
		xml_esc(f, e->name);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", nt, nf,
			err ? nt : 0, e->seconds);
		fputs("    <properties><property name=\"scenario\" value=\"", f);
		xml_esc(f, e->scenario);
		fprintf(f, "\"/><property name=\"engine\" value=\"%s\"/></properties>\n",
			e->engine == SUITE_LIVE ? "live" : "model");
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
			} else if (t && !t->pass) {
				fputs("<failure message=\"", f);
				char m[96];
				if (isnan(t->measured))
					snprintf(m, sizeof(m), "missed: no calls to measure");
				else
					snprintf(m, sizeof(m), "missed: measured %.4f", t->measured);
				xml_esc(f, m);
				fputs("\"/>", f);
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
	fprintf(out, "  %-24s %-6s %-7s %8s  %s\n", "run", "engine", "verdict", "time", "targets");
	for (size_t i = 0; i < s->n; i++) {
		const struct suite_entry *e = &s->entries[i];
		size_t passed = 0;
		for (size_t k = 0; k < e->n_targets; k++)
			passed += e->targets[k].pass;
		fprintf(out, "  %-24s %-6s %-7s %7.1fs  %zu/%zu met", e->name,
			e->engine == SUITE_LIVE ? "live" : "model", is_error(e) ? "ERROR" : e->verdict,
			e->seconds, passed, e->n_targets);
		if (is_error(e))
			fprintf(out, "  (%s)", e->error[0] ? e->error : "the run failed");
		fputc('\n', out);
		for (size_t k = 0; k < e->n_targets && !is_error(e); k++)
			if (!e->targets[k].pass)
				fprintf(out, "      missed: %s: %.4f\n", e->targets[k].name, e->targets[k].measured);
	}
}
