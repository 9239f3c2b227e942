/* commands.h — the subcommand table. Add a line here (and the cmd_*.c file) for a new subcommand. */
#ifndef FACECLUSTER_COMMANDS_H
#define FACECLUSTER_COMMANDS_H

#include "cli/cli.h"

extern const cli_command cli_commands[];
extern const size_t cli_command_count;

#endif
