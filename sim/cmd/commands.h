/*
 * commands: the ringbench subcommands, one file each (sim/cmd/cmd_<name>.c), in
 * the style of git's builtins. Each parses its own options and calls library
 * code; each returns the process exit status of docs/definitions.md (0 done or
 * every target met, 1 a target missed or a difference found, 2 bad usage or
 * bad input, 3 the run itself failed, 4 inconclusive: no target missed, at
 * least one undecided).
 */
#ifndef RB_COMMANDS_H
#define RB_COMMANDS_H

int cmd_analyze(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_erlang(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_onboard(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
