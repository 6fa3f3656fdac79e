/*
 * secretaryd: the reference answering center (main alone; the logic is in
 * center.c and sip_tsx.c, so tests link it). docs/secretaryd.md is the
 * user's guide.
 */
#define LOG_TAG "secretaryd"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "center.h"
#include "cli.h"
#include "log.h"
#include "scn.h"

static const char *prog = "secretaryd";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: secretaryd --scenario FILE [options]\n\n"
		"The reference answering center: answers SIP calls for the scenario's tenants\n"
		"with its operators (180 Ringing while queued, 200 OK when someone picks up),\n"
		"writes CDRs (SQLite) and an Asterisk queue_log. docs/secretaryd.md says more.\n\n"
		"options (sorted):\n"
		"  --data-dir DIR      where cdr.sqlite and queue_log go (default: .); 'none': no files\n"
		"  --grace S           on SIGTERM, wait at most S seconds for calls in progress (60)\n"
		"  --help              this text\n"
		"  --listen ADDR:PORT  UDP and TCP on this address (repeatable; default\n"
		"                      127.0.0.1:5060; port 0: any free port; IPv6 as [::1]:5060)\n"
		"  --log-level L       debug, info, notice (default), warning, err\n"
		"  --scenario FILE     the scenario: center, tenants, callers (required)\n"
		"  --seed N            the random draws' seed (default: the scenario's run.seed)\n"
		"  --speedup F         divide every drawn duration and the ring period by F (1)\n"
		"  --t0 EPOCH          the scenario's time zero, Unix seconds (default: start-up),\n"
		"                      so shifts change staff at the scenario's instants\n"
		"  --version           print the version\n\n"
		"When ready it prints one line on stdout:\n"
		"  secretaryd ready udp=127.0.0.1:5060 tcp=127.0.0.1:5060\n"
		"SIGTERM or SIGINT drains: new calls get 503, calls in progress finish (at most\n"
		"--grace), CDRs are flushed; a second signal ends at once.\n\n"
		"exit status: 0 done, 2 bad usage or input, 3 the server failed.\n");
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct center *c = h->data;
	rb_log(LOG_NOTICE, "signal %d: draining", signum);
	center_drain(c);
}

int main(int argc, char **argv)
{
	enum { O_DATA = 256, O_GRACE, O_HELP, O_LISTEN, O_LOG, O_SCN, O_SEED, O_SPEEDUP, O_T0, O_VER };
	static const struct option opts[] = {
		{"data-dir", required_argument, NULL, O_DATA},
		{"grace", required_argument, NULL, O_GRACE},
		{"help", no_argument, NULL, O_HELP},
		{"listen", required_argument, NULL, O_LISTEN},
		{"log-level", required_argument, NULL, O_LOG},
		{"scenario", required_argument, NULL, O_SCN},
		{"seed", required_argument, NULL, O_SEED},
		{"speedup", required_argument, NULL, O_SPEEDUP},
		{"t0", required_argument, NULL, O_T0},
		{"version", no_argument, NULL, O_VER},
		{NULL, 0, NULL, 0},
	};
	const char *listen[16], *scn_path = NULL, *data_dir = ".";
	size_t n_listen = 0;
	uint64_t seed = 0;
	bool have_seed = false;
	double speedup = 1, t0 = -1, grace = 60;
	int o, rc = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_DATA:
			data_dir = optarg;
			break;
		case O_GRACE:
			if ((rc = cli_double(prog, "--grace", optarg, 0, 86400, &grace)))
				return rc;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		case O_LISTEN:
			if (n_listen == sizeof listen / sizeof listen[0])
				return cli_usage_error(prog, "--listen: at most 16 addresses");
			listen[n_listen++] = optarg;
			break;
		case O_LOG: {
			int l = rb_log_level_parse(optarg);
			if (l < 0)
				return cli_usage_error(prog, "--log-level: expected debug, info, notice, warning or err, got '%s'", optarg);
			rb_log_set_level(l);
			break;
		}
		case O_SCN:
			scn_path = optarg;
			break;
		case O_SEED:
			if ((rc = cli_u64(prog, "--seed", optarg, &seed)))
				return rc;
			have_seed = true;
			break;
		case O_SPEEDUP:
			if ((rc = cli_double(prog, "--speedup", optarg, 1e-3, 1e6, &speedup)))
				return rc;
			break;
		case O_T0:
			if ((rc = cli_double(prog, "--t0", optarg, 0, 1e11, &t0)))
				return rc;
			break;
		case O_VER:
			printf("secretaryd " RB_VERSION "\n");
			return 0;
		default:
			return cli_usage_error(prog, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (!scn_path)
		return cli_usage_error(prog, "--scenario FILE is required");

	char err[1024] = "";
	struct scenario *scn = NULL;
	int e = scn_load(scn_path, &scn, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_t *loop = uv_default_loop();
	struct center_opts co;
	center_opts_default(&co);
	co.scn = scn;
	co.data_dir = strcmp(data_dir, "none") ? data_dir : NULL;
	co.seed = have_seed ? seed : scn->run.seed;
	co.speedup = speedup;
	co.t0_epoch = t0 >= 0 ? (rb_us)(t0 * 1e6) : RB_T_NONE;
	co.grace = (rb_us)(grace * 1e6);
	struct center *c = NULL;
	if ((e = center_create(&c, loop, &co, err, sizeof err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		scn_free(scn);
		return 3;
	}
	char ready[2048] = "secretaryd ready";
	size_t rl = strlen(ready);
	if (n_listen == 0)
		listen[n_listen++] = "127.0.0.1:5060";
	for (size_t i = 0; i < n_listen; i++) {
		char b[256];
		if ((e = center_listen(c, listen[i], b, sizeof b))) {
			fprintf(stderr, "%s: --listen %s: %s\n", prog, listen[i],
				e == EINVAL ? "expected a numeric ADDR:PORT such as 127.0.0.1:5060 or [::1]:0"
					    : strerror(e));
			center_destroy(c);
			scn_free(scn);
			return e == EINVAL ? 2 : 3;
		}
		rl += (size_t)snprintf(ready + rl, sizeof ready - rl, " %s", b);
	}
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_signal_init(loop, &sig_term);
	uv_signal_init(loop, &sig_int);
	uv_signal_init(loop, &sig_hup);
	sig_term.data = sig_int.data = sig_hup.data = c;
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	center_start(c);
	printf("%s\n", ready);
	fflush(stdout);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&sig_hup, NULL);
	rc = center_destroy(c) ? 3 : 0;
	uv_run(loop, UV_RUN_NOWAIT);
	uv_loop_close(loop);
	scn_free(scn);
	rb_log(LOG_NOTICE, "stopped");
	return rc;
}
