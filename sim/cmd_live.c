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
#include <time.h>

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
	      "  --help                this help\n"
	      "  --out DIR             result folder (default results/<scenario>-live-<YYYYmmdd-HHMMSS>)\n"
	      "  --quiet               no progress line, no summary on stdout\n"
	      "  --replications R      runs, one after another (default 1)\n"
	      "  --seed N              the seed (default: the scenario's run.seed)\n"
	      "  --speedup F           every scenario duration divided by F on the wire\n"
	      "                        (default 1; refused with --server)\n"
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
	{"help", no_argument, NULL, 'h'},
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"replications", required_argument, NULL, 'r'},
	{"seed", required_argument, NULL, 's'},
	{"server", required_argument, NULL, 'S'},
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

int cmd_live(int argc, char **argv)
{
	struct live_opts o = {.speedup = 1.0, .replications = 1};
	bool seed_set = false, speed_set = false;
	long reps = 1;
	const char *out = NULL;
	const char *targets[64];
	size_t n_targets = 0;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!strchr(optarg, ':') || optarg[0] == ':')
				return cli_usage_error(PROG, "--auth: expected USER:PASSWORD");
			o.auth = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
			out = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'r':
			if (cli_long(PROG, "--replications", optarg, 1, 1000, &reps))
				return 2;
			break;
		case 's':
			if (cli_u64(PROG, "--seed", optarg, &o.seed))
				return 2;
			seed_set = true;
			break;
		case 'F':
			if (cli_double(PROG, "--speedup", optarg, 1e-3, 1e4, &o.speedup))
				return 2;
			speed_set = true;
			break;
		case 'S':
			o.server = optarg;
			break;
		case 't':
			if (old_server_spelling(optarg))
				return cli_usage_error(PROG, "--target is a service-level target now "
							     "([PHASE:]K:F[:MEASURE]); for the SIP server "
							     "under test use --server %s",
						       optarg);
			if (n_targets == sizeof(targets) / sizeof(targets[0]))
				return cli_usage_error(PROG, "--target: at most %zu", n_targets);
			targets[n_targets++] = optarg;
			break;
		case 'T':
			if (!strcmp(optarg, "tcp"))
				o.tcp = true;
			else if (strcmp(optarg, "udp"))
				return cli_usage_error(PROG, "--transport: expected udp or tcp, got '%s'", optarg);
			break;
		default:
			return cli_bad_option(PROG, argv[optind - 1], longopts);
		}
	}
	if (optind >= argc)
		return cli_usage_error(PROG, "missing SCENARIO (a scenario file, e.g. scenarios/live-demo.yaml)");
	if (optind + 1 < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind + 1]);
	if (o.server && speed_set && o.speedup != 1.0)
		return cli_usage_error(PROG, "--speedup cannot be used with --server: another server's "
					     "pick-up does not speed up; leave --speedup out");
	if (o.server && !cli_is_hostport(o.server))
		return cli_usage_error(PROG, "--server: expected HOST:PORT (e.g. 127.0.0.1:5060), got '%s'",
				       o.server);
	o.scenario_path = argv[optind];
	char err[1024] = "";
	struct scenario *s = NULL;
	int e = scn_load(o.scenario_path, &s, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	if (n_targets && (e = scn_targets_replace(s, targets, n_targets, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(e));
		scn_free(s);
		return 2;
	}
	o.scn = s;
	o.replications = (int)reps;
	if (!seed_set)
		o.seed = s->run.seed;
	char dir[PATH_MAX];
	if (out) {
		snprintf(dir, sizeof(dir), "%s", out);
	} else {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", &tm);
		snprintf(dir, sizeof(dir), "results/%s-live-%s", s->name ? s->name : "scenario", ts);
	}
	o.out_dir = dir;
	/* summary.json keeps the command: without the password. */
	char *command = o.auth ? join_masked(argc, argv) : cli_join(argc, argv);
	o.command = command;
	int rc = live_run(&o, NULL);
	free(command);
	scn_free(s);
	return rc;
}
