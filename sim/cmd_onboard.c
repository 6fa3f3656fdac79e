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

int cmd_onboard(int argc, char **argv)
{
	struct onboard_opts o = {.speedup = 1.0};
	const char *scn_path = NULL;
	double within = 120;
	long rings = 0;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'm':
			o.maildir = optarg;
			break;
		case 'w':
			if (cli_double(PROG, "--report-within", optarg, 0.1, 86400, &within))
				return 2;
			break;
		case 'k':
			if (cli_long(PROG, "--rings", optarg, 1, 30, &rings))
				return 2;
			break;
		case 's':
			scn_path = optarg;
			break;
		case 'S':
			o.smtp_sink = optarg;
			break;
		case 'F':
			if (cli_double(PROG, "--speedup", optarg, 1e-3, 1e4, &o.speedup))
				return 2;
			break;
		case 'A':
			o.server = optarg;
			break;
		case 't':
			/* the old spelling of --server: refused, --target being a service-level target */
			if (cli_is_hostport(optarg))
				return cli_usage_error(PROG, "--target is a service-level target now; for the "
							     "center under test use --server %s",
						       optarg);
			return cli_usage_error(PROG, "--target: onboard judges one ring target, given "
						     "with --rings K; the center is --server HOST:PORT");
		case 'T':
			o.tenant_id = optarg;
			break;
		default:
			return cli_bad_option(PROG, argv[optind - 1], longopts);
		}
	}
	if (optind < argc)
		return cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
	if (!o.server || !scn_path || !o.tenant_id)
		return cli_usage_error(PROG, "--server, --scenario and --tenant are required");
	if (!o.maildir == !o.smtp_sink)
		return cli_usage_error(PROG, "give one of --maildir DIR or --smtp-sink HOST:PORT");
	char err[1024] = "";
	struct scenario *s = NULL;
	int e = scn_load(scn_path, &s, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s\n", err[0] ? err : strerror(e));
		return 2;
	}
	o.scn = s;
	o.rings = (int)rings;
	o.report_limit = rb_s_to_us(within);
	struct onboard_result res;
	e = onboard_run(&o, &res, err, sizeof(err));
	int rc;
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
