/*
 * secretaryd: the reference answering center (main and its stages alone:
 * parse_args, load, start, run, stop; the logic is in center.c and
 * sip_tsx.c, so tests link it; call reports, tenant rules and the admin
 * interface in callreport.c). docs/secretaryd.md and
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
#include "opfile.h"
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
		"  --auto-report       SIP operators' calls get the report the center writes\n"
		"                      itself, as simulated operators' (ringbench live's\n"
		"                      operators); without it a person posts each report:\n"
		"                      POST /api/calls/ID/report (docs/secretaryd-reports.md)\n"
		"  --check-config      validate the tenants, print the configuration summary, exit\n"
		"  --data-dir DIR      where cdr.sqlite, queue_log, spool/ and maildir/ go, created\n"
		"                      (0750) if missing; 'none': no files, reports only counted.\n"
		"                      Default: $STATE_DIRECTORY (systemd), /var/lib/secretaryd as\n"
		"                      root or under systemd, else $XDG_STATE_HOME/secretaryd or\n"
		"                      ~/.local/state/secretaryd; never the current directory\n"
		"  --delivery M        maildir (default) or smtp: how call reports leave the spool\n"
		"  --fallback-dir DIR  at exit, CDRs, queue_log lines and reports that could not\n"
		"                      be written (a full disk) go here as JSON lines (created\n"
		"                      at start; default: stderr); put it on another disk\n"
		"  --grace S           on SIGTERM, wait at most S seconds for calls in progress (60)\n"
		"  --help              this text\n"
		"  --http ADDR:PORT    the admin interface (default 127.0.0.1:8080; port 0: any\n"
		"                      free port; 'off': none)\n"
		"  --listen ADDR:PORT  UDP and TCP on this address (repeatable; default\n"
		"                      127.0.0.1:5060; port 0: any free port; IPv6 as [::1]:5060)\n"
		"  --log-level L       debug, info, notice (default), warning, err\n"
		"  --max-expires S     the longest registration kept, seconds (3600)\n"
		"  --min-expires S     shorter registrations get 423 Interval Too Brief (60)\n"
		"  --operators-file F  operators as SIP users: the YAML file of their user names,\n"
		"                      passwords (or HA1s), staff ids and static contacts; turns\n"
		"                      on the registrar (REGISTER with Digest, SHA-256 and MD5).\n"
		"                      Keep it unreadable by others (a warning says so)\n"
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
		"exit status: 0 done, 2 bad usage or input, 3 the server failed (also when\n"
		"anything had to go to the fallback: the log says how many and where).\n");
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct center *c = h->data;
	rb_log(LOG_NOTICE, "signal %d: draining", signum);
	center_drain(c);
}

/* SIGHUP: an invalid change is refused whole and the old settings stay.
 * The file is parsed off the loop, so SIP traffic never waits on it. */
static void on_hup(uv_signal_t *h, int signum)
{
	int e = callreport_reload_async(h->data);
	if (e)
		rb_log(LOG_ERR, "reload: cannot start: %s; the old settings stay", strerror(e));
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

/* What the command line asked for. */
struct sd_args {
	const char *listen[16];
	size_t n_listen;
	const char *scn_path, *data_dir;
	const char *labels[64];     /* --refuse-label, in ro.extra_labels */
	uint64_t seed;
	bool have_seed, check_config;
	double speedup, t0, grace, retry_max, smtp_port, min_expires, max_expires;
	const char *operators_file; /* --operators-file */
	struct callreport_opts ro;  /* the call reports' options, filled as read */
};

/* The daemon, stage by stage: parse_args, load, start, run, stop. */
struct sd {
	struct sd_args a;
	struct scenario *scn;
	struct opfile *ops;         /* --operators-file, loaded */
	char dd[4096];              /* the default data directory */
	const char *data_dir, *why; /* and where it came from */
	bool files;                 /* false: --data-dir none */
	uv_loop_t *loop;
	struct callreport *rs;
	struct center *c;
	uv_signal_t sig_term, sig_int, sig_hup;
	bool ran;                   /* served: the exit status says how it ended */
	char ready[2048];           /* "secretaryd ready udp=... tcp=... http=..." */
};

enum {
	O_ADMIN_EMAIL = 256, O_TOKEN, O_AUTO_REPORT, O_CHECK, O_DATA, O_DELIVERY, O_FALLBACK, O_GRACE, O_HELP, O_HTTP,
	O_LISTEN, O_LOG, O_MAX_EXP, O_MIN_EXP, O_OPS, O_REFUSE, O_RETRY, O_SCN, O_SEED, O_SMTP_FROM, O_SMTP_HOST,
	O_SMTP_PORT, O_SMTP_TLS, O_SPEEDUP, O_T0, O_TZ, O_VER
};

static const struct option opts[] = {
	{"admin-email", required_argument, NULL, O_ADMIN_EMAIL},
	{"admin-token", required_argument, NULL, O_TOKEN},
	{"auto-report", no_argument, NULL, O_AUTO_REPORT},
	{"check-config", no_argument, NULL, O_CHECK},
	{"data-dir", required_argument, NULL, O_DATA},
	{"delivery", required_argument, NULL, O_DELIVERY},
	{"fallback-dir", required_argument, NULL, O_FALLBACK},
	{"grace", required_argument, NULL, O_GRACE},
	{"help", no_argument, NULL, O_HELP},
	{"http", required_argument, NULL, O_HTTP},
	{"listen", required_argument, NULL, O_LISTEN},
	{"log-level", required_argument, NULL, O_LOG},
	{"max-expires", required_argument, NULL, O_MAX_EXP},
	{"min-expires", required_argument, NULL, O_MIN_EXP},
	{"operators-file", required_argument, NULL, O_OPS},
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

/* The options of call reports, tenant rules and the admin interface.
 * Returns 0 when o was one of them and is taken, -1 when it is not one of
 * them, or an exit status. */
static int report_option(struct sd_args *a, int o, const char *arg)
{
	struct callreport_opts *ro = &a->ro;
	switch (o) {
	case O_ADMIN_EMAIL:
		ro->admin_email = arg;
		return 0;
	case O_TOKEN:
		ro->admin_token = arg;
		return 0;
	case O_AUTO_REPORT:
		ro->auto_report = true;
		return 0;
	case O_DELIVERY:
		if (strcmp(arg, "maildir") && strcmp(arg, "smtp"))
			return cli_usage_error(prog, "--delivery: expected maildir or smtp, got '%s'", arg);
		ro->delivery = arg;
		return 0;
	case O_HTTP:
		ro->http = arg;
		return 0;
	case O_REFUSE:
		if (ro->n_extra_labels == sizeof a->labels / sizeof a->labels[0])
			return cli_usage_error(prog, "--refuse-label: at most 64 labels");
		if (!*arg)
			return cli_usage_error(prog, "--refuse-label: expected a non-empty label");
		a->labels[ro->n_extra_labels++] = arg;
		return 0;
	case O_RETRY:
		return cli_double(prog, "--retry-max", arg, 0.01, 86400, &a->retry_max);
	case O_SMTP_FROM:
		ro->smtp_from = arg;
		return 0;
	case O_SMTP_HOST:
		ro->smtp_host = arg;
		return 0;
	case O_SMTP_PORT:
		return cli_double(prog, "--smtp-port", arg, 1, 65535, &a->smtp_port);
	case O_SMTP_TLS:
		ro->smtp_starttls = true;
		return 0;
	case O_TZ:
		ro->timezone = arg;
		return 0;
	default:
		return -1;
	}
}

/* The center's options, --help and --version; as report_option. */
static int center_option(struct sd_args *a, int o, const char *arg)
{
	switch (o) {
	case O_CHECK:
		a->check_config = true;
		return 0;
	case O_DATA:
		a->data_dir = arg;
		return 0;
	case O_FALLBACK:
		a->ro.fallback_dir = arg;
		return 0;
	case O_GRACE:
		return cli_double(prog, "--grace", arg, 0, 86400, &a->grace);
	case 'h':
	case O_HELP:
		usage(stdout);
		return 0;
	case O_LISTEN:
		if (a->n_listen == sizeof a->listen / sizeof a->listen[0])
			return cli_usage_error(prog, "--listen: at most 16 addresses");
		a->listen[a->n_listen++] = arg;
		return 0;
	case O_LOG: {
		int l = rb_log_level_parse(arg);
		if (l < 0)
			return cli_usage_error(prog, "--log-level: expected debug, info, notice, "
						     "warning or err, got '%s'", arg);
		rb_log_set_level(l);
		return 0;
	}
	case O_SCN:
		a->scn_path = arg;
		return 0;
	case O_OPS:
		a->operators_file = arg;
		return 0;
	case O_MIN_EXP:
		return cli_double(prog, "--min-expires", arg, 1, 86400, &a->min_expires);
	case O_MAX_EXP:
		return cli_double(prog, "--max-expires", arg, 1, 7 * 86400, &a->max_expires);
	case O_SEED:
		a->have_seed = true;
		return cli_u64(prog, "--seed", arg, &a->seed);
	case O_SPEEDUP:
		return cli_double(prog, "--speedup", arg, 1e-3, 1e6, &a->speedup);
	case O_T0:
		return cli_double(prog, "--t0", arg, 0, 1e11, &a->t0);
	case O_VER:
		printf("secretaryd " RB_VERSION "\n");
		return 0;
	default:
		return -1;
	}
}

/* Reads the command line into a. Returns -1 to go on, or the exit status
 * (0 after --help or --version, 2 for a usage error). */
static int parse_args(struct sd_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->speedup = 1;
	a->t0 = -1;
	a->grace = 60;
	a->retry_max = 30;
	a->min_expires = 60;
	a->max_expires = 3600;
	callreport_opts_default(&a->ro);
	a->ro.extra_labels = a->labels;
	a->ro.admin_token = getenv("SECRETARYD_ADMIN_TOKEN");
	opterr = 0; /* cli_bad_option says it, with the nearest option */
	int o, rc;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((rc = report_option(a, o, optarg)) < 0 && (rc = center_option(a, o, optarg)) < 0)
			return cli_bad_option(prog, argv[optind - 1], opts);
		if (rc)
			return rc;
		if (o == 'h' || o == O_HELP || o == O_VER)
			return 0;
	}
	if (optind < argc)
		return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (!a->scn_path)
		return cli_usage_error(prog, "--scenario FILE is required");
	if (a->n_listen == 0)
		a->listen[a->n_listen++] = "127.0.0.1:5060";
	if (a->min_expires > a->max_expires)
		return cli_usage_error(prog, "--min-expires %g is above --max-expires %g",
				       a->min_expires, a->max_expires);
	return -1;
}

/* --operators-file: read, checked against the scenario's staff. -1 to go
 * on, or 2. */
static int load_operators(struct sd *d)
{
	const char *path = d->a.operators_file;
	char err[1024] = "";
	if (!path)
		return -1;
	int e = opfile_load(path, &d->ops, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: --operators-file: %s\n", prog, err[0] ? err : strerror(e));
		return 2;
	}
	if (d->ops->world_readable)
		rb_log(LOG_WARNING, "%s is readable by every user of this machine, and it holds "
		       "passwords or their digests: chmod o-r it", path);
	int mo, mb;
	scn_staff_max(d->scn, &mo, &mb);
	for (size_t i = 0; i < d->ops->n; i++) {
		const struct op_cred *o = &d->ops->ops[i];
		int most = o->backup ? mb : mo;
		if (o->staff_id > most) {
			fprintf(stderr, "%s: %s:%u:1: staff %s: the scenario has %d %s at most\n", prog,
				path, o->line, o->staff, most, o->backup ? "backup staff" : "operators");
			return 2;
		}
	}
	return -1;
}

/* The configuration summary's line on SIP operators. */
static void print_operators(FILE *f, const struct sd *d)
{
	if (!d->ops) {
		fprintf(f, "operators: simulated (no --operators-file: REGISTER gets 405)\n");
		return;
	}
	fprintf(f, "operators: %zu SIP users, realm \"%s\" (%s); registrations kept %g..%g s\n",
		d->ops->n, d->ops->realm, d->a.operators_file, d->a.min_expires, d->a.max_expires);
}

/* The scenario and the data directory (the default one when not given;
 * created and checked unless --check-config). -1 to go on, or 2. */
static int load(struct sd *d)
{
	char err[1024] = "", derr[4096 + 512];
	int e = scn_load(d->a.scn_path, &d->scn, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
		return 2;
	}
	int rc = load_operators(d);
	if (rc >= 0)
		return rc;
	d->data_dir = d->a.data_dir;
	d->why = "--data-dir";
	if (!d->data_dir) {
		struct datadir_env env;
		datadir_env_get(&env);
		if ((e = datadir_default(&env, d->dd, sizeof d->dd, &d->why))) {
			fprintf(stderr, "%s: no default data directory (%s); give --data-dir DIR\n", prog,
				e == ENOENT ? "neither $HOME nor $XDG_STATE_HOME is an absolute path"
					    : strerror(e));
			return 2;
		}
		d->data_dir = d->dd;
	}
	d->files = strcmp(d->data_dir, "none") != 0;
	if (d->files && !d->a.check_config && (e = datadir_prepare(d->data_dir, derr, sizeof derr))) {
		fprintf(stderr, "%s: %s\n", prog, derr);
		return 2;
	}
	return -1;
}

/* The call-report service (which validates the tenants). -1 to go on, or
 * the exit status: 2 for a configuration that breaks the rules, 3 for one
 * that cannot be opened; 0 after --check-config's summary. */
static int start_reports(struct sd *d)
{
	struct callreport_opts *ro = &d->a.ro;
	char err[1024] = "";
	ro->scn = d->scn;
	ro->scn_path = d->a.scn_path;
	ro->data_dir = d->a.check_config || !d->files ? NULL : d->data_dir;
	ro->speedup = d->a.speedup;
	ro->smtp_port = (int)d->a.smtp_port;
	ro->backoff_max = (rb_us)(d->a.retry_max * 1e6);
	if (d->a.check_config)
		rb_log_set_level(LOG_ERR); /* no "reports only counted" warning here */
	int e = callreport_create(&d->rs, d->loop, ro, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
		return e == EINVAL ? 2 : 3;
	}
	if (d->a.check_config) {
		callreport_summary(d->rs, stdout);
		print_operators(stdout, d);
		print_data_dir(stdout, d->files, d->data_dir, d->why);
		return 0;
	}
	return -1;
}

/* Appends " word" to the ready line. */
static void ready_add(struct sd *d, const char *word)
{
	size_t n = strlen(d->ready);
	snprintf(d->ready + n, sizeof d->ready - n, " %s", word);
}

/* The center on every --listen address. -1 to go on, or 2 (a usage error,
 * a port in use) or 3. */
static int start_center(struct sd *d)
{
	char err[1024] = "";
	struct center_opts co;
	center_opts_default(&co);
	co.scn = d->scn;
	co.data_dir = d->files ? d->data_dir : NULL;
	co.seed = d->a.have_seed ? d->a.seed : d->scn->run.seed;
	co.speedup = d->a.speedup;
	co.t0_epoch = d->a.t0 >= 0 ? (rb_us)(d->a.t0 * 1e6) : RB_T_NONE;
	co.grace = (rb_us)(d->a.grace * 1e6);
	co.hooks = callreport_hooks(d->rs);
	co.fallback_dir = d->a.ro.fallback_dir;
	co.operators = d->ops;
	co.reg.min_expires = (rb_us)(d->a.min_expires * 1e6);
	co.reg.max_expires = (rb_us)(d->a.max_expires * 1e6);
	if (co.reg.default_expires > co.reg.max_expires)
		co.reg.default_expires = co.reg.max_expires;
	if (co.reg.default_expires < co.reg.min_expires)
		co.reg.default_expires = co.reg.min_expires;
	int e = center_create(&d->c, d->loop, &co, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 3;
	}
	for (size_t i = 0; i < d->a.n_listen; i++) {
		const char *spec = d->a.listen[i];
		char b[256];
		if (!(e = center_listen(d->c, spec, b, sizeof b))) {
			ready_add(d, b);
			continue;
		}
		const char *port = strrchr(spec, ':');
		if (e == EADDRINUSE)
			fprintf(stderr,
				"%s: --listen %s: port %s is in use; choose another with "
				"--listen HOST:PORT, or port 0 for any free port\n",
				prog, spec, port ? port + 1 : spec);
		else
			fprintf(stderr, "%s: --listen %s: %s\n", prog, spec,
				e == EINVAL ? "expected a numeric ADDR:PORT such as "
					      "127.0.0.1:5060 or [::1]:0"
					    : strerror(e));
		return e == EINVAL || e == EADDRINUSE ? 2 : 3;
	}
	return -1;
}

/* SIGTERM and SIGINT drain the center; SIGHUP re-reads the tenants. */
static void start_signals(struct sd *d)
{
	uv_signal_init(d->loop, &d->sig_term);
	uv_signal_init(d->loop, &d->sig_int);
	uv_signal_init(d->loop, &d->sig_hup);
	d->sig_term.data = d->sig_int.data = d->c;
	d->sig_hup.data = d->rs;
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, on_hup, SIGHUP);
}

/* Everything up to the ready line. -1 when serving, or the exit status. */
static int start(struct sd *d)
{
	signal(SIGPIPE, SIG_IGN);
	/* start-up warnings wait until every address is bound: an error first */
	if (!d->a.check_config)
		rb_log_hold();
	d->loop = uv_default_loop();
	snprintf(d->ready, sizeof d->ready, "secretaryd ready");
	int rc;
	if ((rc = start_reports(d)) >= 0 || (rc = start_center(d)) >= 0)
		return rc;
	char b[256] = "", err[1024] = "";
	int e = callreport_attach(d->rs, d->c, b, sizeof b, err, sizeof err);
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(e));
		return e == EINVAL || e == EADDRINUSE ? 2 : 3;
	}
	if (b[0])
		ready_add(d, b);
	/* the configuration once every address is bound: a usage or bind error
	 * comes first, not after a dozen lines that do not matter then */
	rb_log_flush();
	callreport_summary(d->rs, stderr);
	print_operators(stderr, d);
	print_data_dir(stderr, d->files, d->data_dir, d->why);
	start_signals(d);
	center_start(d->c);
	printf("%s\n", d->ready);
	fflush(stdout);
	return -1;
}

/* Serves until a drain has finished. */
static void run(struct sd *d)
{
	uv_run(d->loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&d->sig_term, NULL);
	uv_close((uv_handle_t *)&d->sig_int, NULL);
	uv_close((uv_handle_t *)&d->sig_hup, NULL);
	callreport_detach(d->rs);
	d->ran = true;
}

/* Closes everything; returns the exit status (rc, or 3 when a run's CDRs
 * or reports could not be made durable). */
static int stop(struct sd *d, int rc)
{
	rb_log_flush(); /* after the error, if any */
	/* The center first: operators still in wrap-up hand their reports over. */
	if (center_destroy(d->c) && d->ran)
		rc = 3;
	/* Then the spool: every report is on disk; after a run, delivery gets
	 * a few seconds (undelivered ones wait for the next start). */
	if (d->rs && callreport_close(d->rs, d->ran ? 5 * RB_US_PER_S : 0) && d->ran)
		rc = 3;
	if (d->loop) {
		uv_run(d->loop, UV_RUN_NOWAIT);
		uv_loop_close(d->loop);
	}
	scn_free(d->scn);
	opfile_free(d->ops);
	if (d->ran)
		rb_log(LOG_NOTICE, "stopped");
	return rc;
}

int main(int argc, char **argv)
{
	struct sd d;
	memset(&d, 0, sizeof d);
	int rc = parse_args(&d.a, argc, argv);
	if (rc >= 0)
		return rc;
	if ((rc = load(&d)) >= 0 || (rc = start(&d)) >= 0)
		return stop(&d, rc);
	run(&d);
	return stop(&d, 0);
}
