/*
 * live_ops: `ringbench live --sip-operators` (docs/live.md, "SIP
 * operators"): ringbench plays the center's operators too. One SIPp UAS
 * (scenarios/sipp/live_operator.xml) answers every operator's and backup
 * member's phone, each call with the pick-up, talk and no-answer
 * probability the caller carried in X-RB-* headers (live_launch.c writes
 * them into the injection file); secretaryd is started with an operators
 * file (DIR/operators.yaml) that gives each staff member a static contact
 * at that SIPp, sip:opN@127.0.0.1:PORT or sip:backupN@..., so it rings
 * them over SIP instead of simulating the pick-up.
 *
 * Why SIPp and static contacts: SIPp 3.6 cannot REGISTER and serve as a
 * UAS in one scenario, and a static contact needs no registration round
 * (the registrar's own tests cover REGISTER).
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* A free UDP port on 127.0.0.1 (the kernel's pick; SIPp binds it next). */
static int free_udp_port(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof a;
	int e = 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &l))
		e = errno;
	close(fd);
	*port = ntohs(a.sin_port);
	return e;
}

/* DIR/operators.yaml: every staff member a SIP user with a static contact. */
static int write_opfile(struct rep *r, const char *path)
{
	int ops, backup;
	scn_staff_max(r->o->scn, &ops, &backup);
	FILE *f = fopen(path, "w");
	if (!f)
		return errno;
	fprintf(f, "# ringbench live --sip-operators: each staff member of the scenario is\n"
		   "# a SIP user whose phone is ringbench's operator SIPp (static contacts).\n"
		   "operators:\n");
	for (int k = 0; k < 2; k++)
		for (int i = 1; i <= (k ? backup : ops); i++)
			fprintf(f, "  - {user: rb-%s%d, password: \"rb-%d-%d\", staff: %s%d, "
				   "contact: \"sip:%s%d@127.0.0.1:%d\"}\n",
				k ? "backup" : "op", i, r->idx, i, k ? "backup" : "op", i,
				k ? "backup" : "op", i, r->op_port);
	if (fclose(f))
		return errno ? errno : EIO;
	return 0;
}

int live_start_operators(struct rep *r)
{
	const struct live_opts *o = r->o;
	char flow[PATH_MAX], dir[PATH_MAX + 16], lf[PATH_MAX + 32], out[PATH_MAX + 32], port[16];
	if (live_find_flow(o->flows_dir, "live_operator.xml", flow, sizeof flow)) {
		snprintf(r->why, sizeof r->why, "scenarios/sipp/live_operator.xml not found "
						  "(set RINGBENCH_FLOWS)");
		return ENOENT;
	}
	snprintf(dir, sizeof dir, "%s/operators", r->dir);
	snprintf(r->opfile, sizeof r->opfile, "%s/operators.yaml", r->dir);
	int e = cli_mkdirs(dir);
	if (!e)
		e = free_udp_port(&r->op_port);
	if (!e)
		e = write_opfile(r, r->opfile);
	if (e) {
		snprintf(r->why, sizeof r->why, "the operators' files in %s: %s", r->dir, strerror(e));
		return e;
	}
	snprintf(port, sizeof port, "%d", r->op_port);
	snprintf(lf, sizeof lf, "%s/calls.log", dir);
	snprintf(out, sizeof out, "%s/sipp.out", dir);
	char *argv[] = {o->sipp ? (char *)o->sipp : "sipp", "-sf", flow, "-i", "127.0.0.1",
			"-p", port, "-buff_size", "8388608", "-nostdin", "-trace_logs",
			"-log_file", lf, NULL};
	if ((e = live_spawn(argv, out, NULL, &r->op_pid))) {
		snprintf(r->why, sizeof r->why, "cannot start the operators' SIPp: %s", strerror(e));
		return e;
	}
	/* Bound before secretaryd rings anyone: a moment, then still alive? */
	struct timespec ts = {0, 300 * 1000000L};
	nanosleep(&ts, NULL);
	int st;
	if (live_wait(r->op_pid, 0, &st) == 0) {
		r->op_pid = 0;
		snprintf(r->why, sizeof r->why, "the operators' SIPp ended at once (see %s)", out);
		return EIO;
	}
	return 0;
}

void live_stop_operators(struct rep *r)
{
	if (r->op_pid) {
		live_stop(r->op_pid, 2000, NULL);
		r->op_pid = 0;
	}
}
