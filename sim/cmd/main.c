/* ringbench: main() alone, so that every command's code links into tests. */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "commands.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* Sorted by name. */
static const struct cmd cmds[] = {
	{"analyze", cmd_analyze, "judge SIP captures (pcap/pcapng, or a live interface)"},
	{"compare", cmd_compare, "compare two result folders, measure by measure"},
	{"erlang", cmd_erlang, "exact Erlang A / Erlang C measures and staffing"},
	{"fit", cmd_fit, "a scenario fitted to a center's call history (queue_log, CDRs, calls.csv)"},
	{"live", cmd_live, "place a scenario's calls over SIP with SIPp and judge them"},
	{"model", cmd_model, "run a scenario in the discrete-event model"},
	{"onboard", cmd_onboard, "the start-of-service test call of one tenant"},
	{"plan", cmd_plan, "a day's staffing per interval, rostered into shifts, checked in the model"},
	{"report", cmd_report, "plots and an HTML page from result folders"},
	{"suite", cmd_suite, "run a suite of scenarios; JUnit XML for CI"},
	{"sweep", cmd_sweep, "run the model over a staffing grid; staffing table"},
};

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
			return cmds[i].fn(argc - 1, argv + 1);
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
