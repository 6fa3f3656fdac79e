/*
 * report_util: the pieces every report plot uses: HTML and gnuplot string
 * escaping, and the plot writer that runs gnuplot.
 */
#define LOG_TAG "report"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errbuf.h"
#include "cli.h"
#include "log.h"
#include "rbfile.h"
#include "report_int.h"

/* ---- escaping and JSON ---------------------------------------------------- */

void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void gp_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

const char *gp_point_name(int pt)
{
	/* gnuplot 5's cairo and svg terminals (`test` draws them) */
	static const char *const names[] = {
		"", "plus", "cross", "star", "open square", "filled square", "open circle",
		"filled circle", "open triangle", "filled triangle", "open inverted triangle",
		"filled inverted triangle", "open diamond", "filled diamond", "open pentagon",
		"filled pentagon"};
	return pt > 0 && (size_t)pt < sizeof(names) / sizeof(names[0]) ? names[pt] : "";
}

/* ---- the page and its plots -------------------------------------------- */

int page_init(struct page *pg, const char *dir, const struct report_opts *o, char *err,
	      size_t errlen)
{
	memset(pg, 0, sizeof(*pg));
	pg->err = err;
	pg->errlen = errlen;
	pg->gnuplot = report_gnuplot_name(o ? o->gnuplot : NULL);
	pg->font = o && o->font ? o->font : "Noto Sans CJK JP";
	pg->quiet = o && o->quiet;
	int rc = cli_mkdirs(dir);
	if (rc) {
		errbuf_set(err, errlen, "%s: cannot create the report folder: %s", dir, strerror(rc));
		return rc;
	}
	pg->dir = strdup(dir);
	return pg->dir ? 0 : ENOMEM;
}

int page_init_for(struct page *pg, const char *result_dir, const struct report_opts *o, char *err,
		  size_t errlen)
{
	char out[4096];
	if (o && o->out_dir)
		snprintf(out, sizeof(out), "%s", o->out_dir);
	else
		snprintf(out, sizeof(out), "%s/report", result_dir);
	return page_init(pg, out, o, err, errlen);
}

void page_free(struct page *pg)
{
	for (size_t i = 0; i < pg->n_figs; i++) {
		free(pg->figs[i].title);
		free(pg->figs[i].caption);
	}
	free(pg->figs);
	free(pg->dir);
	memset(pg, 0, sizeof(*pg));
}

static FILE *open_in(const struct page *pg, const char *name, const char *ext)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s", pg->dir, name, ext);
	return fopen(path, "w");
}

static void terminal(FILE *f, const struct page *pg, const char *term, int w, int h)
{
	fprintf(f, "set terminal %s size %d,%d noenhanced font \"", term, w, h);
	gp_esc(f, pg->font);
	fprintf(f, ",%d\"%s\n", !strcmp(term, "svg") ? 13 : 11,
		!strcmp(term, "svg") ? " background rgb \"white\"" : "");
}

int plot_open(struct page *pg, struct plot *p, const char *name, const char *title,
	      const char *caption, int width, int height)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->width = width;
	p->height = height;
	p->title = strdup(title);
	p->caption = strdup(caption);
	p->gp = open_in(pg, name, "gp");
	p->dat = open_in(pg, name, "dat");
	if (!p->title || !p->caption || !p->gp || !p->dat) {
		int rc = errno ? errno : ENOMEM;
		errbuf_set(pg->err, pg->errlen, "%s/%s: cannot write the plot: %s", pg->dir, name,
		       strerror(rc));
		plot_discard(pg, p);
		return rc;
	}
	fprintf(p->gp, "# ringbench report: %s\n# %s\n", title, caption);
	fprintf(p->gp, "# Redraw after editing: cd into this folder, then `gnuplot %s.gp`.\n"
		       "# Data: %s.dat (blocks separated by two blank lines: `index N`).\n",
		name, name);
	fprintf(p->gp, "set encoding utf8\n");
	terminal(p->gp, pg, "pngcairo", width, height);
	fprintf(p->gp, "set output \"%s.png\"\n", name);
	fprintf(p->gp, "set title \"");
	gp_esc(p->gp, title);
	/* The legend goes below the plot, where it covers no curve, two entries a
	 * row. The svg terminal puts the key's top at the x label's baseline (its
	 * descenders touch the box): the run plots' x labels end in "\n". */
	fprintf(p->gp, "\" font \",13\"\nset grid lc rgb \"#dddddd\"\nset border lc rgb \"#555555\"\n"
		       "set key outside below center horizontal maxcols 2 box lc rgb \"#cccccc\"\n"
		       "set datafile missing \"?\"\nset style fill solid 0.6 border -1\n");
	fprintf(p->dat, "# data of %s.png (%s)\n", name, title);
	return 0;
}

void plot_set_caption(struct plot *p, const char *caption)
{
	free(p->caption);
	p->caption = strdup(caption);
}

void plot_set_height(struct page *pg, struct plot *p, int height)
{
	p->height = height;
	terminal(p->gp, pg, "pngcairo", p->width, height);
	fprintf(p->gp, "set output \"%s.png\"\n", p->name);
}

static int run_gnuplot(struct page *pg, const char *script)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (chdir(pg->dir) != 0)
			_exit(126);
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		execlp(pg->gnuplot, pg->gnuplot, script, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return ENOENT;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return EIO;
	return 0;
}

const char *report_gnuplot_name(const char *gnuplot)
{
	if (gnuplot && *gnuplot)
		return gnuplot;
	const char *e = getenv("RB_GNUPLOT");
	return e && *e ? e : "gnuplot";
}

int report_gnuplot_check(const char *gnuplot)
{
	struct page pg = {.dir = (char *)"/", .gnuplot = report_gnuplot_name(gnuplot)};
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execlp(pg.gnuplot, pg.gnuplot, "--version", (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : ENOENT;
}

int plot_close(struct page *pg, struct plot *p)
{
	int rc = 0;
	char script[128];
	fprintf(p->gp, "\n# The same plot as SVG.\n");
	terminal(p->gp, pg, "svg", p->width, p->height);
	fprintf(p->gp, "set output \"%s.svg\"\nreplot\nunset output\n", p->name);
	bool bad = ferror(p->gp) || ferror(p->dat);
	bad |= fclose(p->gp) != 0;
	bad |= fclose(p->dat) != 0;
	p->gp = p->dat = NULL;
	if (bad) {
		rc = EIO;
		errbuf_set(pg->err, pg->errlen, "%s/%s: cannot write the plot files", pg->dir, p->name);
		goto out;
	}
	snprintf(script, sizeof(script), "%s.gp", p->name);
	rc = run_gnuplot(pg, script);
	if (rc == ENOENT) {
		errbuf_set(pg->err, pg->errlen, "cannot run '%s': install gnuplot (Debian: gnuplot-nox)",
		       pg->gnuplot);
		goto out;
	}
	if (rc) {
		errbuf_set(pg->err, pg->errlen, "gnuplot failed on %s/%s.gp (see its message above)",
		       pg->dir, p->name);
		goto out;
	}
	if (pg->n_figs == pg->cap_figs) {
		size_t cap = pg->cap_figs ? pg->cap_figs * 2 : 16;
		struct figure *f = realloc(pg->figs, cap * sizeof(*f));
		if (!f) {
			rc = ENOMEM;
			goto out;
		}
		pg->figs = f;
		pg->cap_figs = cap;
	}
	struct figure *f = &pg->figs[pg->n_figs++];
	memcpy(f->name, p->name, sizeof(f->name));
	f->title = p->title;
	f->caption = p->caption;
	p->title = p->caption = NULL;
	if (!pg->quiet)
		rb_log(LOG_INFO, "drew %s/%s.png", pg->dir, p->name);
out:
	free(p->title);
	free(p->caption);
	p->title = p->caption = NULL;
	return rc;
}

void plot_discard(struct page *pg, struct plot *p)
{
	char path[4096];
	if (p->gp)
		fclose(p->gp);
	if (p->dat)
		fclose(p->dat);
	p->gp = p->dat = NULL;
	snprintf(path, sizeof(path), "%s/%s.gp", pg->dir, p->name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.dat", pg->dir, p->name);
	unlink(path);
	free(p->title);
	free(p->caption);
	p->title = p->caption = NULL;
}

/* ---- HTML ---------------------------------------------------------------- */

void page_html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	html_esc(f, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:\"Noto Sans CJK JP\",\"Noto Sans\",sans-serif;margin:1.5em auto;"
	      "max-width:1000px;color:#222;padding:0 1em}\n"
	      "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	      "table{border-collapse:collapse;margin:.5em 0}\n"
	      "th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}\n"
	      "th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums;"
	      "white-space:nowrap}\n"
	      "h2 span.pass{color:#0b5a1f}h2 span.fail{color:#8a1212}"
	      "h2 span.inconclusive{color:#8a5a00}h2 span.error{color:#8a1212}\n"
	      "td.pass{background:#d9f2dd;color:#0b5a1f;font-weight:bold}\n"
	      "td.fail{background:#fbdada;color:#8a1212;font-weight:bold}\n"
	      "td.inconclusive{background:#fdebc8;color:#8a5a00;font-weight:bold}\n"
	      "td.unknown{background:#eee}\n"
	      "figure{margin:1.2em 0}figure svg.plot{display:block;max-width:100%;height:auto;"
	      "border:1px solid #ddd}\n"
	      "figcaption{margin-top:.3em}figcaption .files{color:#666;font-size:.85em}\n"
	      ".meta{color:#555;font-size:.9em}\n"
	      "</style></head><body>\n", f);
}

/*
 * gnuplot's SVGs all use the same ids (gnuplot_canvas, gpPt0..., gpPat1...),
 * and a page holds many of them: an id prefixed "NAME-" and every reference
 * to one (url(#ID), href="#ID") with it keep each plot's markers its own.
 * The XML prolog and the namespace declarations go (the HTML parser puts
 * <svg> and xlink:href in their namespaces), and so does "http://" with them.
 */
static const char *svg_attr_skip(const char *p)
{
	static const char *const drop[] = {"xmlns=", "xmlns:xlink="};
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		size_t n = strlen(drop[i]);
		if (strncmp(p, drop[i], n) || (p[n] != '"' && p[n] != '\''))
			continue;
		const char *e = strchr(p + n + 1, p[n]);
		return e ? e + 1 : NULL;
	}
	return NULL;
}

static void svg_write_inline(FILE *f, const char *svg, const char *name, const char *title)
{
	const char *p = strstr(svg, "<svg");
	bool first = true;
	if (!p)
		return;
	for (; *p; p++) {
		const char *q;
		bool ws = p > svg && isspace((unsigned char)p[-1]);
		if (first && !strncmp(p, "<svg", 4) && isspace((unsigned char)p[4])) {
			fputs("<svg class=\"plot\" role=\"img\" aria-label=\"", f);
			html_esc(f, title);
			fputc('"', f);
			p += 3;
			first = false;
		} else if (ws && (q = svg_attr_skip(p))) {
			p = q - 1;
		} else if (!strncmp(p, "<title>Gnuplot</title>", 22)) {
			fputs("<title>", f);
			html_esc(f, title);
			fputs("</title>", f);
			p += 21;
		} else if (ws && !strncmp(p, "id=", 3) && (p[3] == '"' || p[3] == '\'') &&
			   (q = strchr(p + 4, p[3]))) {
			/* an opaque key is drawn twice, its gnuplot_plot_N groups with it */
			int n = 0;
			for (const char *o = svg; (o = strstr(o, " id=")) && o < p - 1; o += 4)
				n += !strncmp(o + 5, p + 4, (size_t)(q - p - 4) + 1);
			fprintf(f, "id=%c%s-%.*s", p[3], name, (int)(q - p - 4), p + 4);
			if (n)
				fprintf(f, "-%d", n + 1);
			fputc(p[3], f);
			p = q;
		} else if (!strncmp(p, "href=", 5) && (p[5] == '"' || p[5] == '\'') && p[6] == '#') {
			fprintf(f, "href=%c#%s-", p[5], name);
			p += 6;
		} else if (!strncmp(p, "url(#", 5)) {
			fprintf(f, "url(#%s-", name);
			p += 4;
		} else {
			fputc(*p, f);
		}
	}
}

int page_html_end(FILE *f, const struct page *pg, const char *tmp, const char *path)
{
	int rc = page_html_figures(f, pg);
	if (rc) {
		fclose(f);
		unlink(tmp);
		return rc;
	}
	fputs("<p class=\"meta\">This page holds every plot: it can be mailed or kept on its own. "
	      "Each plot's gnuplot script and data sit in the report folder: edit the "
	      "script, then <code>gnuplot NAME.gp</code> in that folder redraws the PNG and SVG.</p>\n"
	      "</body></html>\n", f);
	bool bad = ferror(f) != 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		errbuf_set(pg->err, pg->errlen, "%s: cannot write", path);
		return EIO;
	}
	return 0;
}

int page_html_figures(FILE *f, const struct page *pg)
{
	for (size_t i = 0; i < pg->n_figs; i++) {
		const struct figure *g = &pg->figs[i];
		char path[4096], *svg = NULL;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s.svg", pg->dir, g->name);
		int rc = rbfile_read(path, 0, &svg, &len);
		char *z = rc ? NULL : realloc(svg, len + 1);
		if (!rc && !z)
			rc = ENOMEM;
		if (rc) {
			free(svg);
			errbuf_set(pg->err, pg->errlen, "%s: cannot read the plot to put it in the page: %s",
			       path, strerror(rc));
			return rc;
		}
		z[len] = 0;
		if (!strstr(z, "<svg")) {
			free(z);
			errbuf_set(pg->err, pg->errlen, "%s: not an SVG (gnuplot's svg terminal wrote it)", path);
			return EINVAL;
		}
		fprintf(f, "<figure id=\"%s\"><h2>", g->name);
		html_esc(f, g->title);
		fputs("</h2>\n", f);
		svg_write_inline(f, z, g->name, g->title);
		free(z);
		fputs("\n<figcaption>", f);
		html_esc(f, g->caption);
		fprintf(f, " <span class=\"files\">(in the report folder: <code>%s.png</code>, "
			   "<code>%s.svg</code>, the gnuplot script <code>%s.gp</code>, its data "
			   "<code>%s.dat</code>)</span>"
			   "</figcaption></figure>\n",
			g->name, g->name, g->name, g->name);
	}
	return 0;
}

int report_gnuplot_require(const struct report_opts *opts, char *err, size_t errlen)
{
	const char *g = opts ? opts->gnuplot : NULL;
	if (!report_gnuplot_check(g))
		return 0;
	errbuf_set(err, errlen, "cannot run '%s': install gnuplot (Debian: gnuplot-nox)", report_gnuplot_name(g));
	return ENOENT;
}
