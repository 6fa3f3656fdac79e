/*
 * ringbench analyze CAPTURE... | --interface IF: SIP calls, rings and
 * abandoned calls from captures (issue 5). Options are parsed here; the work
 * is analyzers/analyze_run.c. docs/analyze.md documents the rules.
 */
#define LOG_TAG "analyze"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "scn.h"

#define PROG	    "ringbench analyze"
#define MAX_PHASES  64
#define MAX_TARGETS 32

static void usage(FILE *out)
{
	fputs("usage: ringbench analyze CAPTURE... [options]\n"
	      "       ringbench analyze --interface IF [--filter BPF] [--duration S] [--write F]\n"
	      "\n"
	      "Finds the SIP calls in pcap/pcapng captures (several files are merged in time\n"
	      "order) or on a live interface, and writes their timings, rings and outcomes.\n"
	      "Time zero is the first packet of the first file; with --t0 (and --speedup)\n"
	      "times are the scenario's of the live run that made the capture instead.\n"
	      "\n"
	      "options:\n"
	      "  --duration S        live: stop after S seconds (default: at Ctrl-C)\n"
	      "  --filter BPF        live: a capture filter, e.g. 'port 5060'\n"
	      "  --help              this help\n"
	      "  --interface IF      capture live on IF (needs root or CAP_NET_RAW)\n"
	      "  --out DIR           result folder (default results/analyze-<YYYYmmdd-HHMMSS>)\n"
	      "  --phase N:FROM:TO   a phase window named N, seconds from time zero\n"
	      "                      (repeatable; default: the scenario's phases)\n"
	      "  --quiet             no summary on stdout\n"
	      "  --ring-period-s S   one ring, seconds (default: the scenario's, else 3)\n"
	      "  --scenario FILE     tenants (by number), no-answer delays, phases, targets\n"
	      "  --speedup F         a live run's speed-up (> 0; needs --t0): packet times\n"
	      "                      become scenario time, (wall-clock time - t0) x F, so\n"
	      "                      phases and targets apply as they did for the live run\n"
	      "  --t0 EPOCH          the live run's time zero, seconds since the epoch\n"
	      "                      (t0_epoch in its summary.json); alone: --speedup 1\n"
	      "  --target [PHASE:]K:F[:MEASURE]\n"
	      "                      a target instead of the scenario's (repeatable; e.g.\n"
	      "                      3:0.9 or peak:5:0.95:sl; docs/definitions.md)\n"
	      "  --write FILE        live: also write the capture to FILE (pcap)\n"
	      "\n"
	      "writes DIR/calls.csv (as calls complete), DIR/summary.json (with \"rfc6076\"\n"
	      "and \"skipped\"), DIR/timeline.csv. See docs/analyze.md.\n"
	      "exit status: 0 every target met (or none given), 1 a target missed, 2 bad\n"
	      "usage or a file that is not a capture, 3 the run itself failed (e.g. capture\n"
	      "not permitted), 4 inconclusive (none missed, one cannot be decided from\n"
	      "these calls).\n",
	      out);
}

static const struct option longopts[] = {
    {"duration", required_argument, NULL, 'd'}, {"filter", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},		{"interface", required_argument, NULL, 'i'},
    {"out", required_argument, NULL, 'o'},	{"phase", required_argument, NULL, 'p'},
    {"quiet", no_argument, NULL, 'q'},		{"ring-period-s", required_argument, NULL, 'r'},
    {"scenario", required_argument, NULL, 's'}, {"speedup", required_argument, NULL, 'S'},
    {"t0", required_argument, NULL, 'T'},	{"target", required_argument, NULL, 't'},
    {"targets", required_argument, NULL, 'L'},
    {"write", required_argument, NULL, 'w'},	{NULL, 0, NULL, 0},
};

struct aargs {
	struct analyze_opts o;
	const char *scenario;
	bool old_targets; /* --targets seen: a note once the command line is good */
	double ring_period_s, duration_s;
	double speedup, t0_s;
	bool t0_set;
	struct summary_window win[MAX_PHASES];
	char names[MAX_PHASES][64];
	size_t n_win;
	struct scn_target tg[MAX_TARGETS];
	size_t n_tg;
};

/* "name:from:to" in seconds. Returns 0 or 2. */
static int parse_phase(struct aargs *a, const char *arg)
{
	const char *c1 = strchr(arg, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c1 == arg || (size_t)(c1 - arg) >= sizeof(a->names[0]))
		return cli_usage_error(PROG, "--phase: expected NAME:FROM:TO (seconds), got '%s'",
				       arg);
	if (a->n_win >= MAX_PHASES)
		return cli_usage_error(PROG, "--phase: at most %d phases", MAX_PHASES);
	char from[64];
	size_t fl = (size_t)(c2 - c1 - 1);
	if (fl >= sizeof(from))
		return cli_usage_error(PROG, "--phase: expected NAME:FROM:TO, got '%s'", arg);
	memcpy(from, c1 + 1, fl);
	from[fl] = '\0';
	double f, t;
	if (cli_double(PROG, "--phase FROM", from, 0, 1e9, &f) ||
	    cli_double(PROG, "--phase TO", c2 + 1, 0, 1e9, &t))
		return 2;
	if (t <= f)
		return cli_usage_error(PROG, "--phase '%s': TO must be after FROM", arg);
	char *nm = a->names[a->n_win];
	memcpy(nm, arg, (size_t)(c1 - arg));
	nm[c1 - arg] = '\0';
	a->win[a->n_win].name = nm;
	a->win[a->n_win].start = rb_s_to_us(f);
	a->win[a->n_win].end = rb_s_to_us(t);
	a->n_win++;
	return 0;
}

/*
 * One --target [PHASE:]K:F[:MEASURE] (the form of every command), or with
 * old set the comma-separated list of the old --targets spelling. A PHASE
 * is matched by name against the phase windows. Returns 0 or 2.
 */
static int parse_targets(struct aargs *a, const char *list, bool old)
{
	char buf[512];
	size_t n = strlen(list);
	if (n >= sizeof(buf))
		return cli_usage_error(PROG, "--target: too long");
	memcpy(buf, list, n + 1);
	char *p = buf;
	while (p && *p) {
		char *comma = old ? strchr(p, ',') : NULL;
		if (comma)
			*comma = '\0';
		if (a->n_tg >= MAX_TARGETS)
			return cli_usage_error(PROG, "--target: at most %d", MAX_TARGETS);
		char err[512] = "";
		if (scn_target_parse(p, NULL, &a->tg[a->n_tg], err, sizeof(err)) != 0)
			return cli_usage_error(PROG, "%s", err);
		a->n_tg++;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* One option. Returns 0 to go on, -1 after --help, or 2. */
static int take_option(struct aargs *a, int c, char **argv)
{
	switch (c) {
	case 'd':
		return cli_double(PROG, "--duration", optarg, 0.001, 1e7, &a->duration_s) ? 2 : 0;
	case 'f':
		a->o.filter = optarg;
		return 0;
	case 'h':
		usage(stdout);
		return -1;
	case 'i':
		a->o.iface = optarg;
		return 0;
	case 'o':
		a->o.out_dir = optarg;
		return 0;
	case 'p':
		return parse_phase(a, optarg) ? 2 : 0;
	case 'q':
		a->o.quiet = 1;
		return 0;
	case 'r':
		return cli_double(PROG, "--ring-period-s", optarg, 0.001, 3600, &a->ring_period_s) ? 2
													   : 0;
	case 's':
		a->scenario = optarg;
		return 0;
	case 'S':
		if (cli_double(PROG, "--speedup", optarg, 0, 1e6, &a->speedup))
			return 2;
		if (!(a->speedup > 0))
			return cli_usage_error(PROG, "--speedup: expected a number above 0, got '%s'",
					       optarg);
		return 0;
	case 'T':
		a->t0_set = true;
		return cli_double(PROG, "--t0", optarg, 0, 1e11, &a->t0_s) ? 2 : 0;
	case 't':
		return parse_targets(a, optarg, false) ? 2 : 0;
	case 'L':
		a->old_targets = true;
		return parse_targets(a, optarg, true) ? 2 : 0;
	case 'w':
		a->o.write_path = optarg;
		return 0;
	default:
		return cli_bad_option(PROG, argv[optind - 1], longopts);
	}
}

/* Returns 0 to run, -1 after --help, or 2. */
static int parse(int argc, char **argv, struct aargs *a)
{
	int c, st;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((st = take_option(a, c, argv)) != 0)
			return st;
	if (a->o.iface && optind < argc)
		return cli_usage_error(PROG, "give capture files or --interface, not both");
	if (!a->o.iface && optind >= argc)
		return cli_usage_error(PROG,
				       "missing CAPTURE (a pcap or pcapng file) or --interface IF");
	if (!a->o.iface && (a->o.filter || a->o.write_path || a->duration_s > 0))
		return cli_usage_error(PROG, "--filter, --write and --duration need --interface");
	if (a->speedup > 0 && !a->t0_set)
		return cli_usage_error(PROG, "--speedup needs --t0 EPOCH, the live run's time zero "
					     "(t0_epoch in its summary.json)");
	if (a->t0_set) {
		a->o.speedup = a->speedup > 0 ? a->speedup : 1.0;
		a->o.t0_epoch = rb_s_to_us(a->t0_s);
	}
	a->o.files = argv + optind;
	a->o.n_files = (size_t)(argc - optind);
	if (a->o.iface) {
		a->o.files = NULL;
		a->o.n_files = 0;
	}
	return 0;
}

static void on_sigint(int sig)
{
	(void)sig;
	analyze_stop();
}

int cmd_analyze(int argc, char **argv)
{
	struct aargs *a = calloc(1, sizeof(*a));
	struct scenario *scn = NULL;
	char *command = NULL;
	char outbuf[PATH_MAX];
	int status;
	if (!a)
		return 3;
	status = parse(argc, argv, a);
	if (status) {
		status = status < 0 ? 0 : status;
		goto out;
	}
	/* after the usage errors, which come first */
	if (a->old_targets)
		fprintf(stderr, "%s: note: --targets is now --target, one target each, repeatable "
				"(--target 3:0.9 --target 5:0.95)\n",
			PROG);
	if (a->scenario) {
		char err[512];
		int rc = scn_load(a->scenario, &scn, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "%s: %s\n", PROG, err);
			status = 2;
			goto out;
		}
	}
	if (!a->o.out_dir) {
		cli_results_dir(outbuf, sizeof(outbuf), "analyze");
		a->o.out_dir = outbuf;
	}
	a->o.scn = scn;
	if (a->n_tg) {
		a->o.targets = a->tg;
		a->o.n_targets = a->n_tg;
	}
	if (a->n_win) {
		a->o.windows = a->win;
		a->o.n_windows = a->n_win;
	}
	a->o.ring_period = a->ring_period_s > 0 ? rb_s_to_us(a->ring_period_s) : 0;
	a->o.duration_us = a->duration_s > 0 ? rb_s_to_us(a->duration_s) : 0;
	command = cli_join(argc, argv);
	a->o.command = command;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	status = analyze_run(&a->o);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
out:
	free(command);
	scn_free(scn);
	for (size_t i = 0; i < a->n_tg; i++)
		scn_target_clear(&a->tg[i]);
	free(a);
	return status;
}
