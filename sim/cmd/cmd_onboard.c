/*
 * ringbench onboard: the start-of-service test call of one tenant (docs/service.md
 * Q6). Options only; the call and its checks are sim/onboard (onboard.h).
 */
#define LOG_TAG "onboard"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "onboard.h"
#include "scn.h"

#define PROG "ringbench onboard"

static void usage(FILE *out)
{
	fputs("usage: ringbench onboard --server HOST:PORT --scenario FILE --tenant ID\n"
	      "                         (--maildir DIR | --smtp-sink HOST:PORT) [options]\n"
	      "\n"
	      "The tenant's start-of-service test call: a call from the tenant's own number\n"
	      "(X-Caller-Type: test) to its number at the center. Checks that it rang, that a\n"
	      "person answered within the ring target, and that the call report arrived\n"
	      "marked as a test.\n"
	      "\n"
	      "options:\n"
	      "  --help                this help\n"
	      "  --maildir DIR         look for the report below DIR (secretaryd: DATA_DIR/maildir)\n"
	      "  --report-within S     how long to wait for the report after the hang-up (default 120)\n"
	      "  --rings K             ring target (default: the scenario's first rings target, else 3)\n"
	      "  --scenario FILE       the scenario that holds the tenant (number, forwarding)\n"
	      "  --server HOST:PORT    the center (UDP, an IPv4 address)\n"
	      "  --smtp-sink HOST:PORT listen there for the report (point the center's SMTP at it)\n"
	      "  --speedup F           the center's speed-up (its ring period is period / F; default 1)\n"

	      "  --tenant ID           the tenant's id in the scenario\n"
	      "\n"
	      "exit status: 0 all three checks hold, 1 one failed, 2 bad usage or input,\n"
	      "3 the test could not be run.\n",
	      out);
}

static const struct option longopts[] = {
	{"help", no_argument, NULL, 'h'},
	{"maildir", required_argument, NULL, 'm'},
	{"report-within", required_argument, NULL, 'w'},
	{"rings", required_argument, NULL, 'k'},
	{"scenario", required_argument, NULL, 's'},
	{"server", required_argument, NULL, 'A'},
	{"smtp-sink", required_argument, NULL, 'S'},
	{"speedup", required_argument, NULL, 'F'},
	{"target", required_argument, NULL, 't'},
	{"tenant", required_argument, NULL, 'T'},
	{NULL, 0, NULL, 0},
};

/* The old spelling of --server: refused, --target being a service-level target. */
static int old_target(const char *arg)
{
	if (cli_is_hostport(arg))
		return cli_usage_error(PROG, "--target is a service-level target now; for the "
					     "center under test use --server %s",
				       arg);
	return cli_usage_error(PROG, "--target: onboard judges one ring target, given "
				     "with --rings K; the center is --server HOST:PORT");
}

/* One option into o. Returns 0, -1 after --help, or the exit status. */
static int parse_opt(int c, char **argv, struct onboard_opts *o, const char **scn_path,
		     double *within, long *rings)
{
	switch (c) {
	case 'h': usage(stdout); return -1;
	case 'm': o->maildir = optarg; return 0;
	case 'w': return cli_double(PROG, "--report-within", optarg, 0.1, 86400, within) ? 2 : 0;
	case 'k': return cli_long(PROG, "--rings", optarg, 1, 30, rings) ? 2 : 0;
	case 's': *scn_path = optarg; return 0;
	case 'S': o->smtp_sink = optarg; return 0;
	case 'F': return cli_double(PROG, "--speedup", optarg, 1e-3, 1e4, &o->speedup) ? 2 : 0;
	case 'A': o->server = optarg; return 0;
	case 't': return old_target(optarg);
	case 'T': o->tenant_id = optarg; return 0;
	default: return cli_bad_option(PROG, argv[optind - 1], longopts);
	}
}

/* Returns 0 to run, -1 after --help (exit 0), or the exit status. */
static int parse(int argc, char **argv, struct onboard_opts *o, const char **scn_path)
{
	double within = 120;
	long rings = 0;
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((rc = parse_opt(c, argv, o, scn_path, &within, &rings)))
			return rc;
	if (optind < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	if (!o->server || !*scn_path || !o->tenant_id)
		return cli_usage_error(PROG, "--server, --scenario and --tenant are required");
	if (!o->maildir == !o->smtp_sink)
		return cli_usage_error(PROG, "give one of --maildir DIR or --smtp-sink HOST:PORT");
	o->rings = (int)rings;
	o->report_limit = rb_s_to_us(within);
	return 0;
}

int cmd_onboard(int argc, char **argv)
{
	struct onboard_opts o = {.speedup = 1.0};
	const char *scn_path = NULL;
	int rc = parse(argc, argv, &o, &scn_path);
	if (rc)
		return rc < 0 ? 0 : rc;
	char err[1024] = "";
	struct scenario *s = NULL;
	int e = scn_load(scn_path, &s, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	o.scn = s;
	struct onboard_result res;
	e = onboard_run(&o, &res, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(e));
		rc = e == EINVAL ? 2 : 3;
	} else {
		onboard_print(&res, stdout);
		rc = res.ok[OB_REACHED] && res.ok[OB_ANSWERED] && res.ok[OB_REPORT] ? 0 : 1;
	}
	scn_free(s);
	return rc;
}
