/*
 * secretaryd: the reference answering center (main alone; the logic is in
 * center.c and sip_tsx.c, so tests link it; call reports, tenant rules and
 * the admin interface in callreport.c). docs/secretaryd.md and
 * docs/secretaryd-reports.md are the user's guide.
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
#include "datadir.h"
#include "log.h"
#include "callreport.h"
#include "scn.h"

static const char prog[] = "secretaryd";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: secretaryd --scenario FILE [options]\n\n"
		"The reference answering center: answers SIP calls for the scenario's tenants\n"
		"with its operators (180 Ringing while queued, 200 OK when someone picks up),\n"
		"writes CDRs (SQLite) and an Asterisk queue_log, e-mails a call report for every\n"
		"answered call (Maildir or SMTP) and serves /metrics, /api/state and /wallboard.\n"
		"docs/secretaryd.md and docs/secretaryd-reports.md say more.\n\n"
		"options (sorted):\n"
		"  --admin-email A     the reports' sender when no SMTP from is configured\n"
		"  --admin-token T     needed for changing requests and off-loopback --http\n"
		"                      (default: $SECRETARYD_ADMIN_TOKEN)\n"
		"  --check-config      validate the tenants, print the configuration summary, exit\n"
		"  --data-dir DIR      where cdr.sqlite, queue_log, spool/ and maildir/ go, created\n"
		"                      (0750) if missing; 'none': no files, reports only counted.\n"
		"                      Default: $STATE_DIRECTORY (systemd), /var/lib/secretaryd as\n"
		"                      root or under systemd, else $XDG_STATE_HOME/secretaryd or\n"
		"                      ~/.local/state/secretaryd; never the current directory\n"
		"  --delivery M        maildir (default) or smtp: how call reports leave the spool\n"
		"  --grace S           on SIGTERM, wait at most S seconds for calls in progress (60)\n"
		"  --help              this text\n"
		"  --http ADDR:PORT    the admin interface (default 127.0.0.1:8080; port 0: any\n"
		"                      free port; 'off': none)\n"
		"  --listen ADDR:PORT  UDP and TCP on this address (repeatable; default\n"
		"                      127.0.0.1:5060; port 0: any free port; IPv6 as [::1]:5060)\n"
		"  --log-level L       debug, info, notice (default), warning, err\n"
		"  --refuse-label L    refuse answering names containing L (repeatable)\n"
		"  --retry-max S       the longest wait between delivery retries (30)\n"
		"  --scenario FILE     the scenario: center, tenants, callers, server (required)\n"
		"  --seed N            the random draws' seed (default: the scenario's run.seed)\n"
		"  --smtp-from A       envelope sender and From: of the reports\n"
		"  --smtp-host H       the SMTP server (user, password: $SECRETARYD_SMTP_USER,\n"
		"                      $SECRETARYD_SMTP_PASSWORD)\n"
		"  --smtp-port P       its port (25)\n"
		"  --smtp-starttls     require STARTTLS\n"
		"  --speedup F         divide every drawn duration and the ring period by F (1)\n"
		"  --t0 EPOCH          the scenario's time zero, Unix seconds (default: start-up),\n"
		"                      so shifts change staff at the scenario's instants\n"
		"  --timezone Z        local time of reports and the wallboard, a tz database name\n"
		"                      (default: the scenario's server.timezone, else Asia/Tokyo)\n"
		"  --version           print the version\n\n"
		"When ready it prints one line on stdout:\n"
		"  secretaryd ready udp=127.0.0.1:5060 tcp=127.0.0.1:5060 http=127.0.0.1:8080\n"
		"SIGTERM or SIGINT drains: new calls get 503, calls in progress finish (at most\n"
		"--grace), CDRs are flushed, reports written; a second signal ends at once.\n"
		"SIGHUP re-reads the tenants' settings from the scenario file (new calls only).\n\n"
		"exit status: 0 done, 2 bad usage or input, 3 the server failed.\n");
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct center *c = h->data;
	rb_log(LOG_NOTICE, "signal %d: draining", signum);
	center_drain(c);
}

/* SIGHUP: an invalid change is refused whole and the old settings stay. */
static void on_hup(uv_signal_t *h, int signum)
{
	struct callreport *rs = h->data;
	char err[1024] = "";
	if (callreport_reload(rs, err, sizeof err))
		rb_log(LOG_ERR, "reload refused, the old settings stay: %s", err);
	else
		rb_log(LOG_NOTICE, "reload: tenant settings re-read; new calls use them");
}

/* The configuration summary's last line: where the center keeps its files. */
static void print_data_dir(FILE *f, bool files, const char *data_dir, const char *why)
{
	if (files)
		fprintf(f, "data directory: %s (%s%s)\n", data_dir,
			!strcmp(why, "--data-dir") ? "" : "default, by ", why);
	else
		fprintf(f, "data directory: none (--data-dir none: no files)\n");
}

int main(int argc, char **argv)
{
	enum {
		O_ADMIN_EMAIL = 256, O_TOKEN, O_CHECK, O_DATA, O_DELIVERY, O_GRACE, O_HELP, O_HTTP,
		O_LISTEN, O_LOG, O_REFUSE, O_RETRY, O_SCN, O_SEED, O_SMTP_FROM, O_SMTP_HOST,
		O_SMTP_PORT, O_SMTP_TLS, O_SPEEDUP, O_T0, O_TZ, O_VER
	};
	static const struct option opts[] = {
		{"admin-email", required_argument, NULL, O_ADMIN_EMAIL},
		{"admin-token", required_argument, NULL, O_TOKEN},
		{"check-config", no_argument, NULL, O_CHECK},
		{"data-dir", required_argument, NULL, O_DATA},
		{"delivery", required_argument, NULL, O_DELIVERY},
		{"grace", required_argument, NULL, O_GRACE},
		{"help", no_argument, NULL, O_HELP},
		{"http", required_argument, NULL, O_HTTP},
		{"listen", required_argument, NULL, O_LISTEN},
		{"log-level", required_argument, NULL, O_LOG},
		{"refuse-label", required_argument, NULL, O_REFUSE},
		{"retry-max", required_argument, NULL, O_RETRY},
		{"scenario", required_argument, NULL, O_SCN},
		{"seed", required_argument, NULL, O_SEED},
		{"smtp-from", required_argument, NULL, O_SMTP_FROM},
		{"smtp-host", required_argument, NULL, O_SMTP_HOST},
		{"smtp-port", required_argument, NULL, O_SMTP_PORT},
		{"smtp-starttls", no_argument, NULL, O_SMTP_TLS},
		{"speedup", required_argument, NULL, O_SPEEDUP},
		{"t0", required_argument, NULL, O_T0},
		{"timezone", required_argument, NULL, O_TZ},
		{"version", no_argument, NULL, O_VER},
		{NULL, 0, NULL, 0},
	};
	const char *listen[16], *scn_path = NULL, *data_dir = NULL, *admin_email = NULL;
	const char *labels[64];
	size_t n_listen = 0;
	uint64_t seed = 0;
	bool have_seed = false, check_config = false, ran = false;
	double speedup = 1, t0 = -1, grace = 60, retry_max = 30, smtp_port = 0;
	struct callreport_opts ro;
	callreport_opts_default(&ro);
	ro.extra_labels = labels;
	ro.admin_token = getenv("SECRETARYD_ADMIN_TOKEN");
	int o, rc = 0;
	opterr = 0; /* cli_bad_option says it, with the nearest option */
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_ADMIN_EMAIL:
			admin_email = optarg;
			break;
		case O_TOKEN:
			ro.admin_token = optarg;
			break;
		case O_CHECK:
			check_config = true;
			break;
		case O_DATA:
			data_dir = optarg;
			break;
		case O_DELIVERY:
			if (strcmp(optarg, "maildir") && strcmp(optarg, "smtp"))
				return cli_usage_error(prog, "--delivery: expected maildir or smtp, got '%s'", optarg);
			ro.delivery = optarg;
			break;
		case O_HTTP:
			ro.http = optarg;
			break;
		case O_REFUSE:
			if (ro.n_extra_labels == sizeof labels / sizeof labels[0])
				return cli_usage_error(prog, "--refuse-label: at most 64 labels");
			if (!*optarg)
				return cli_usage_error(prog, "--refuse-label: expected a non-empty label");
			labels[ro.n_extra_labels++] = optarg;
			break;
		case O_RETRY:
			if ((rc = cli_double(prog, "--retry-max", optarg, 0.01, 86400, &retry_max)))
				return rc;
			break;
		case O_SMTP_FROM:
			ro.smtp_from = optarg;
			break;
		case O_SMTP_HOST:
			ro.smtp_host = optarg;
			break;
		case O_SMTP_PORT:
			if ((rc = cli_double(prog, "--smtp-port", optarg, 1, 65535, &smtp_port)))
				return rc;
			break;
		case O_SMTP_TLS:
			ro.smtp_starttls = true;
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
		case O_TZ:
			ro.timezone = optarg;
			break;
		case O_VER:
			printf("secretaryd " RB_VERSION "\n");
			return 0;
		default:
			return cli_bad_option(prog, argv[optind - 1], opts);
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
	char dd[4096], derr[4096 + 512];
	const char *why = "--data-dir";
	if (!data_dir) {
		struct datadir_env env;
		datadir_env_get(&env);
		if ((e = datadir_default(&env, dd, sizeof dd, &why))) {
			fprintf(stderr, "%s: no default data directory (%s); give --data-dir DIR\n", prog,
				e == ENOENT ? "neither $HOME nor $XDG_STATE_HOME is an absolute path"
					    : strerror(e));
			scn_free(scn);
			return 2;
		}
		data_dir = dd;
	}
	bool files = strcmp(data_dir, "none") != 0;
	if (files && !check_config && (e = datadir_prepare(data_dir, derr, sizeof derr))) {
		fprintf(stderr, "%s: %s\n", prog, derr);
		scn_free(scn);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* start-up warnings wait until every address is bound: an error first */
	if (!check_config)
		rb_log_hold();
	uv_loop_t *loop = uv_default_loop();
	ro.scn = scn;
	ro.scn_path = scn_path;
	ro.data_dir = check_config || !files ? NULL : data_dir;
	ro.speedup = speedup;
	ro.smtp_port = (int)smtp_port;
	ro.backoff_max = (rb_us)(retry_max * 1e6);
	ro.admin_email = admin_email;
	if (check_config)
		rb_log_set_level(LOG_ERR); /* no "reports only counted" warning here */
	struct callreport *rs = NULL;
	struct center *c = NULL;
	if ((e = callreport_create(&rs, loop, &ro, err, sizeof err))) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
		rc = e == EINVAL ? 2 : 3;
		goto out;
	}
	if (check_config) {
		callreport_summary(rs, stdout);
		print_data_dir(stdout, files, data_dir, why);
		goto out;
	}
	struct center_opts co;
	center_opts_default(&co);
	co.scn = scn;
	co.data_dir = files ? data_dir : NULL;
	co.seed = have_seed ? seed : scn->run.seed;
	co.speedup = speedup;
	co.t0_epoch = t0 >= 0 ? (rb_us)(t0 * 1e6) : RB_T_NONE;
	co.grace = (rb_us)(grace * 1e6);
	co.hooks = callreport_hooks(rs);
	if ((e = center_create(&c, loop, &co, err, sizeof err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = 3;
		goto out;
	}
	char ready[2048] = "secretaryd ready";
	size_t rl = strlen(ready);
	if (n_listen == 0)
		listen[n_listen++] = "127.0.0.1:5060";
	for (size_t i = 0; i < n_listen; i++) {
		char b[256];
		if ((e = center_listen(c, listen[i], b, sizeof b))) {
			const char *port = strrchr(listen[i], ':');
			if (e == EADDRINUSE)
				fprintf(stderr,
					"%s: --listen %s: port %s is in use; choose another with "
					"--listen HOST:PORT, or port 0 for any free port\n",
					prog, listen[i], port ? port + 1 : listen[i]);
			else
				fprintf(stderr, "%s: --listen %s: %s\n", prog, listen[i],
					e == EINVAL ? "expected a numeric ADDR:PORT such as "
						      "127.0.0.1:5060 or [::1]:0"
						    : strerror(e));
			rc = e == EINVAL || e == EADDRINUSE ? 2 : 3;
			goto out;
		}
		rl += (size_t)snprintf(ready + rl, sizeof ready - rl, " %s", b);
	}
	{
		char b[256] = "";
		if ((e = callreport_attach(rs, c, b, sizeof b, err, sizeof err))) {
			fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
			rc = e == EINVAL || e == EADDRINUSE ? 2 : 3;
			goto out;
		}
		if (b[0])
			rl += (size_t)snprintf(ready + rl, sizeof ready - rl, " %s", b);
	}
	/* the configuration once every address is bound: a usage or bind error
	 * comes first, not after a dozen lines that do not matter then */
	rb_log_flush();
	callreport_summary(rs, stderr);
	print_data_dir(stderr, files, data_dir, why);
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_signal_init(loop, &sig_term);
	uv_signal_init(loop, &sig_int);
	uv_signal_init(loop, &sig_hup);
	sig_term.data = sig_int.data = c;
	sig_hup.data = rs;
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	uv_signal_start(&sig_hup, on_hup, SIGHUP);
	center_start(c);
	printf("%s\n", ready);
	fflush(stdout);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&sig_hup, NULL);
	callreport_detach(rs);
	ran = true;
out:
	rb_log_flush(); /* after the error, if any */
	/* The center first: operators still in wrap-up hand their reports over. */
	if (center_destroy(c) && ran)
		rc = 3;
	/* Then the spool: every report is on disk; after a run, delivery gets
	 * a few seconds (undelivered ones wait for the next start). */
	if (rs && callreport_close(rs, ran ? 5 * RB_US_PER_S : 0) && ran)
		rc = 3;
	uv_run(loop, UV_RUN_NOWAIT);
	uv_loop_close(loop);
	scn_free(scn);
	if (ran)
		rb_log(LOG_NOTICE, "stopped");
	return rc;
}
