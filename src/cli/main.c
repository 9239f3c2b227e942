/* main.c — the facecluster program: dispatches to one subcommand per file (cmd_*.c). */
#include "cli/cli.h"
#include "cli/commands.h"
#include "facecluster/parallel.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
    fprintf(fp, "facecluster %s — find, embed, cluster and evaluate faces\n\n"
                "usage: facecluster COMMAND [options]   (facecluster COMMAND --help for details)\n\ncommands:\n",
            FC_VERSION);
    for (size_t i = 0; i < cli_command_count; i++)
        fprintf(fp, "  %-14s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(fp, "\nexit codes: 0 ok, 1 done but some inputs skipped, 2 usage error, 3 failure\n");
}

int main(int argc, char **argv)
{
    /* BLAS single-threaded for the whole run, its idle workers (spinning since the library loaded) parked:
     * parallelism comes from OpenMP, and the few calls only BLAS can spread raise it themselves
     * (parallel.h). */
    fc_blas_serial_begin();
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("facecluster %s\n", FC_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < cli_command_count; i++)
        if (!strcmp(argv[1], cli_commands[i].name)) {
            /* getopt names argv[0] in its own errors: make that "facecluster CMD" */
            char prog[128];
            snprintf(prog, sizeof prog, "facecluster %s", argv[1]);
            argv[1] = prog;
            return cli_commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "facecluster: unknown command '%s' (facecluster --help lists them)\n", argv[1]);
    return EXIT_USAGE;
}
