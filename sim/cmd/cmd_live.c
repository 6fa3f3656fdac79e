/*
 * ringbench live SCENARIO: the scenario's calls placed over SIP by SIPp
 * against secretaryd (started for the run) or any SIP server (--server),
 * captured and judged. Options only; the run is sim/live (live.h, docs/live.md).
 */
#define LOG_TAG "live"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caller_xml.h"
#include "cli.h"
#include "commands.h"
#include "live.h"
#include "log.h"
#include "scn.h"

#define PROG "ringbench live"

static void usage(FILE *out)
{
	fputs("usage: ringbench live SCENARIO [options]\n"
	      "\n"
	      "Places the scenario's calls over SIP with SIPp, each at its own instant,\n"
	      "against secretaryd (started on a free loopback port for the run) or --server,\n"
	      "captures the traffic with libpcap and judges it against the scenario's targets.\n"
	      "Needs root or CAP_NET_RAW to capture (docs/live.md).\n"
	      "\n"
	      "options:\n"
	      "  --auth USER:PASSWORD  answer 401/407 challenges to the INVITEs with digest\n"
	      "                        authentication (RFC 3261 section 22) as USER; the\n"
	      "                        password is not kept in summary.json\n"
	      "  --caller-xml FILE     the callers' SIPp flow instead of ringbench's\n"
	      "                        (scenarios/sipp/live_caller.xml), for a center with its\n"
	      "                        own flow (an IVR prompt, an early 183): it must use the\n"
	      "                        injection fields [field0] (Call-ID [field0]///[call_id]),\n"
	      "                        [field1] and [field2]; checked first, exit 2 when not\n"
	      "                        (docs/live.md lists the fields; example:\n"
	      "                        scenarios/sipp/live_caller_ivr.xml)\n"
	      "  --help                this help\n"
	      "  --out DIR             result folder (default results/<scenario>-live-<YYYYmmdd-HHMMSS>)\n"
	      "  --quiet               no progress line, no summary on stdout\n"
	      "  --replications R      runs, one after another (default 1)\n"
	      "  --seed N              the seed (default: the scenario's run.seed)\n"
	      "  --speedup F           every scenario duration divided by F on the wire\n"
	      "                        (default 1; refused with --server)\n"
	      "  --sip-operators       secretaryd's operators are SIP phones, played by\n"
	      "                        ringbench: one SIPp (scenarios/sipp/live_operator.xml)\n"
	      "                        answers every staff member's phone with the scenario's\n"
	      "                        pick-up, talk and center.phone.no_answer (DIR/operators.yaml\n"
	      "                        gives secretaryd their static contacts; not with --server)\n"
	      "  --server HOST:PORT    any SIP server instead of secretaryd; dials the\n"
	      "                        scenario's tenant numbers there\n"
	      "  --target [PHASE:]K:F[:MEASURE]\n"
	      "                        a target instead of the scenario's (repeatable;\n"
	      "                        e.g. 3:0.9 or peak:5:0.95:sl; docs/definitions.md)\n"
	      "  --transport udp|tcp   (default udp)\n"
	      "\n"
	      "writes DIR/summary.json (engine live), DIR/calls.csv and DIR/timeline.csv in\n"
	      "scenario time, the one judged; DIR/capture.pcap and DIR/capture/ (the capture's\n"
	      "analysis in wire time: calls.csv, timeline.csv and wire-summary.json, which\n"
	      "judges nothing); DIR/sipp/ (SIPp's injection file, statistics and log).\n"
	      "`ringbench analyze DIR/capture.pcap --scenario FILE --speedup F --t0 T0`, T0\n"
	      "being t0_epoch in DIR/summary.json, judges the capture in scenario time.\n"
	      "exit status: 0 every target met, 1 a target missed, 2 bad usage or input,\n"
	      "3 the run itself failed (verdict error in summary.json; also when every call\n"
	      "placed was refused by the server's authentication: wrong or missing --auth),\n"
	      "4 inconclusive (none missed, but one cannot be decided from these calls, or\n"
	      "the schedule was not kept: INVITE lateness p99 over its limit).\n",
	      out);
}

static const struct option longopts[] = {
	{"auth", required_argument, NULL, 'a'},
	{"caller-xml", required_argument, NULL, 'X'},
	{"help", no_argument, NULL, 'h'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"replications", required_argument, NULL, 'r'},
	{"seed", required_argument, NULL, 's'},
	{"server", required_argument, NULL, 'S'},
	{"sip-operators", no_argument, NULL, 'P'},
	{"speedup", required_argument, NULL, 'F'},
	{"target", required_argument, NULL, 't'},
	{"transport", required_argument, NULL, 'T'},
	{NULL, 0, NULL, 0},
};

/* The command line, each --auth value as USER:***. NULL when out of memory. */
static char *join_masked(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		if (!strncmp(a, "--auth=", 7))
			val = a + 7;
		else if (i > 0 && !strcmp(argv[i - 1], "--auth"))
			val = a;
		const char *colon = val ? strchr(val, ':') : NULL;
		if (colon) {
			size_t k = (size_t)(colon + 1 - a);
			v[i] = malloc(k + 4);
			if (v[i]) {
				memcpy(v[i], a, k);
				memcpy(v[i] + k, "***", 4);
			}
		} else {
			v[i] = strdup(a);
		}
		if (!v[i]) {
			for (int k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return NULL;
		}
	}
	char *s = cli_join(argc, v);
	for (int i = 0; i < argc; i++)
		free(v[i]);
	free(v);
	return s;
}

/* "--target 127.0.0.1:5060": the old spelling of --server, not a target. */
static bool old_server_spelling(const char *arg)
{
	struct scn_target t;
	if (!cli_is_hostport(arg))
		return false;
	if (scn_target_parse(arg, NULL, &t, NULL, 0))
		return true;
	scn_target_clear(&t);
	return false;
}

/* The command line as parsed, before the scenario is loaded. */
struct args {
	struct live_opts o;
	bool seed_set, speed_set;
	long reps;
	const char *out;
	const char *targets[64];
	size_t n_targets;
};

/* One option. Returns -1 to go on, else the exit status (help: 0). */
static int take_option(struct args *g, int c, char **argv)
{
	switch (c) {
	case 'a':
		if (!strchr(optarg, ':') || optarg[0] == ':')
			return cli_usage_error(PROG, "--auth: expected USER:PASSWORD");
		g->o.auth = optarg;
		return -1;
	case 'h':
		usage(stdout);
		return 0;
	case 'o':
		g->out = optarg;
		return -1;
	case 'q':
		g->o.quiet = true;
		return -1;
	case 'r':
		return cli_long(PROG, "--replications", optarg, 1, 1000, &g->reps) ? 2 : -1;
	case 's':
		g->seed_set = true;
		return cli_u64(PROG, "--seed", optarg, &g->o.seed) ? 2 : -1;
	case 'F':
		g->speed_set = true;
		return cli_double(PROG, "--speedup", optarg, 1e-3, 1e4, &g->o.speedup) ? 2 : -1;
	case 'S':
		g->o.server = optarg;
		return -1;
	case 'P':
		g->o.sip_operators = true;
		return -1;
	case 'X':
		g->o.caller_xml = optarg;
		return -1;
	case 't':
		if (old_server_spelling(optarg))
			return cli_usage_error(PROG, "--target is a service-level target now "
						     "([PHASE:]K:F[:MEASURE]); for the SIP server "
						     "under test use --server %s",
					       optarg);
		if (g->n_targets == sizeof(g->targets) / sizeof(g->targets[0]))
			return cli_usage_error(PROG, "--target: at most %zu", g->n_targets);
		g->targets[g->n_targets++] = optarg;
		return -1;
	case 'T':
		if (!strcmp(optarg, "tcp"))
			g->o.tcp = true;
		else if (strcmp(optarg, "udp"))
			return cli_usage_error(PROG, "--transport: expected udp or tcp, got '%s'", optarg);
		return -1;
	default:
		return cli_bad_option(PROG, argv[optind - 1], longopts);
	}
}

/*
 * --caller-xml's flow: checked before anything starts (caller_xml.h), and
 * made absolute for SIPp. Returns -1 to go on, else 2 (said).
 */
static int check_caller_xml(struct args *g)
{
	static char abs_path[PATH_MAX];
	char err[4096];
	if (caller_xml_check(g->o.caller_xml, err, sizeof err)) {
		fprintf(stderr, "%s: --caller-xml:\n%s\n", PROG, err);
		return 2;
	}
	if (!realpath(g->o.caller_xml, abs_path)) {
		fprintf(stderr, "%s: --caller-xml: %s: %s\n", PROG, g->o.caller_xml, strerror(errno));
		return 2;
	}
	g->o.caller_xml = abs_path;
	return -1;
}

/* Options and the scenario's path. Returns -1 to go on, else the exit status. */
static int parse(struct args *g, int argc, char **argv)
{
	int c, st;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((st = take_option(g, c, argv)) >= 0)
			return st;
	if (optind >= argc)
		return cli_usage_error(PROG, "missing SCENARIO (a scenario file, e.g. scenarios/live-demo.yaml)");
	if (optind + 1 < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind + 1]);
	if (g->o.server && g->speed_set && g->o.speedup != 1.0)
		return cli_usage_error(PROG, "--speedup cannot be used with --server: another server's "
					     "pick-up does not speed up; leave --speedup out");
	if (g->o.server && g->o.sip_operators)
		return cli_usage_error(PROG, "--sip-operators plays secretaryd's operators; with --server, "
					     "run scenarios/sipp/live_operator.xml yourself and point "
					     "that server's operators at it (docs/live.md)");
	if (g->o.server && !cli_is_hostport(g->o.server))
		return cli_usage_error(PROG, "--server: expected HOST:PORT (e.g. 127.0.0.1:5060), got '%s'",
				       g->o.server);
	g->o.scenario_path = argv[optind];
	return g->o.caller_xml ? check_caller_xml(g) : -1;
}

/* The scenario, with --target's targets instead of its own. Returns 0 or 2 (said). */
static int load(struct args *g, struct scenario **sp)
{
	char err[1024] = "";
	int e = scn_load(g->o.scenario_path, sp, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	if (g->n_targets && (e = scn_targets_replace(*sp, g->targets, g->n_targets, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(e));
		scn_free(*sp);
		*sp = NULL;
		return 2;
	}
	return 0;
}

int cmd_live(int argc, char **argv)
{
	struct args g = {.o = {.speedup = 1.0, .replications = 1}, .reps = 1};
	int st = parse(&g, argc, argv);
	if (st >= 0)
		return st;
	struct scenario *s = NULL;
	if (load(&g, &s))
		return 2;
	struct live_opts o = g.o;
	o.scn = s;
	o.replications = (int)g.reps;
	if (!g.seed_set)
		o.seed = s->run.seed;
	char dir[PATH_MAX], name[256];
	snprintf(name, sizeof(name), "%s-live", s->name ? s->name : "scenario");
	if (g.out)
		snprintf(dir, sizeof(dir), "%s", g.out);
	else
		cli_results_dir(dir, sizeof(dir), name);
	o.out_dir = dir;
	/* summary.json keeps the command: without the password. */
	char *command = o.auth ? join_masked(argc, argv) : cli_join(argc, argv);
	o.command = command;
	int rc = live_run(&o, NULL);
	free(command);
	scn_free(s);
	return rc;
}
