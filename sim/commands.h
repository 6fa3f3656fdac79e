/*
 * commands: the ringbench subcommands, one file each (sim/cmd_<name>.c), in
 * the style of git's builtins. Each parses its own options and calls library
 * code; each returns the process exit status of docs/definitions.md (0 done or
 * every target met, 1 a target missed or a difference found, 2 bad usage or
 * bad input, 3 the run itself failed, 4 inconclusive: no target missed, at
 * least one undecided).
 *
 * The declarations are weak so that the tool links while a subcommand's
 * module is not built yet; main() says so instead of crashing.
 */
#ifndef RB_COMMANDS_H
#define RB_COMMANDS_H

#define RB_CMD(name) int cmd_##name(int argc, char **argv) __attribute__((weak))

RB_CMD(analyze);
RB_CMD(compare);
RB_CMD(erlang);
RB_CMD(live);
RB_CMD(model);
RB_CMD(onboard);
RB_CMD(report);
RB_CMD(suite);
RB_CMD(sweep);

#undef RB_CMD

#endif
