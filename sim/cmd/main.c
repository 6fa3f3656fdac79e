/*
 * ringbench: main() alone, so that every command's code links into tests.
 *
 * Built twice (cmake/ringbench_exe.cmake). `ringbench-full` carries every
 * command. `ringbench` carries those that need none of libpcap, SQLite and
 * GLPK (model, sweep, erlang, report, compare, onboard) and runs
 * ringbench-full, found next to itself, for the others (analyze, fit, live,
 * plan, suite), as git runs its helpers: a model run then loads 8 shared
 * libraries instead of 24 (libpcap pulls in dbus, systemd, lz4, zstd...),
 * about 0.9 ms less for every run however short (bench/model/README.md,
 * sixth round).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "commands.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv); /* NULL: run by ringbench-full */
	const char *summary;
};

/* The commands that link libpcap, SQLite or GLPK: in ringbench-full only. */
#ifdef RB_FULL
#define FULL_ONLY(fn) fn
#else
#define FULL_ONLY(fn) NULL
#endif

/* Sorted by name. */
static const struct cmd cmds[] = {
	{"analyze", FULL_ONLY(cmd_analyze), "judge SIP captures (pcap/pcapng, or a live interface)"},
	{"compare", cmd_compare, "compare two result folders, measure by measure"},
	{"erlang", cmd_erlang, "exact Erlang A / Erlang C measures and staffing"},
	{"fit", FULL_ONLY(cmd_fit), "a scenario fitted to a center's call history (queue_log, CDRs, calls.csv)"},
	{"live", FULL_ONLY(cmd_live), "place a scenario's calls over SIP with SIPp and judge them"},
	{"model", cmd_model, "run a scenario in the discrete-event model"},
	{"onboard", cmd_onboard, "the start-of-service test call of one tenant"},
	{"plan", FULL_ONLY(cmd_plan), "a day's staffing per interval, rostered into shifts, checked in the model"},
	{"report", cmd_report, "plots and an HTML page from result folders"},
	{"suite", FULL_ONLY(cmd_suite), "run a suite of scenarios; JUnit XML for CI"},
	{"sweep", cmd_sweep, "run the model over a staffing grid; staffing table"},
};

/*
 * The command argv[1] run by ringbench-full, in this program's folder
 * (where the build and the package put both), with the same arguments;
 * returns only if it cannot be started (exit 3: the run itself failed).
 */
static int run_full(char **argv)
{
	static const char name[] = "ringbench-full";
	char path[PATH_MAX];
	/* room left for the name in place of this program's */
	ssize_t room = (ssize_t)(sizeof(path) - sizeof(name));
	ssize_t k = readlink("/proc/self/exe", path, (size_t)room);
	char *slash = NULL;
	if (k > 0 && k < room) { /* k == room: the path may be cut short */
		path[k] = '\0';
		slash = strrchr(path, '/');
	}
	if (!slash) {
		fprintf(stderr, "ringbench: cannot find its own folder (/proc/self/exe) to run %s for '%s'\n",
			name, argv[1]);
		return 3;
	}
	memcpy(slash + 1, name, sizeof(name));
	execv(path, argv);
	fprintf(stderr, "ringbench: cannot run %s (for '%s'): %s\n", path, argv[1], strerror(errno));
	return 3;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ringbench <command> [options]   (ringbench <command> --help)\n\n"
		     "A load-testing and conformance simulator for telephone answering services.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\nexit status: 0 done / every target met, 1 a target missed, 2 bad usage or\n"
		     "input, 3 the run itself failed, 4 inconclusive (no target missed, one\n"
		     "undecided). Version " RB_VERSION ".\n");
}

/*
 * Freed memory kept for reuse instead of handed back to the kernel. A plan
 * or sweep runs thousands of replications, each allocating and freeing
 * blocks of hundreds of KB (call records, histograms, result buffers);
 * above glibc's thresholds each was a fresh mmap, or the heap was trimmed,
 * and every page came back through a page fault: `ringbench plan` of a
 * 24-hour day took 206,000 minor faults and 0.33 s of system time for
 * 0.8 s of user time; with these settings 11,000 faults and 0.06 s
 * (bench/users). The cost is a process that keeps its peak heap, a few MB.
 */
static void malloc_setup(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

int main(int argc, char **argv)
{
	malloc_setup();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ringbench " RB_VERSION "\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn ? cmds[i].fn(argc - 1, argv + 1) : run_full(argv);
	if (argv[1][0] == '-') {
		static const char *const opts[] = {"help", "version", NULL};
		return cli_unknown_option("ringbench", argv[1], opts, NULL);
	}
	const char *names[sizeof(cmds) / sizeof(cmds[0]) + 1];
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		names[i] = cmds[i].name;
	names[sizeof(cmds) / sizeof(cmds[0])] = NULL;
	const char *near = cli_closest(argv[1], names);
	if (near)
		fprintf(stderr, "ringbench: '%s' is not a command; did you mean '%s'? See 'ringbench --help'.\n",
			argv[1], near);
	else
		fprintf(stderr, "ringbench: '%s' is not a command. See 'ringbench --help'.\n", argv[1]);
	return 2;
}
