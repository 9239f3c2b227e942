/* cli.h — shared pieces of the facecluster command-line program.
 *
 * Contract: every subcommand is `int cmd_NAME(int argc, char **argv)` where argv[0] is "facecluster NAME"
 * (so getopt's own errors name it); it parses its own options with getopt_long, prints --help to stdout, and returns one of the
 * exit codes below. Errors are printed as one line "facecluster NAME: reason" on stderr.
 */
#ifndef FACECLUSTER_CLI_H
#define FACECLUSTER_CLI_H

#include "facecluster/core.h"

/* Exit codes (documented in the README). */
enum {
    EXIT_OK = 0,        /* everything done */
    EXIT_PARTIAL = 1,   /* done, but some inputs were skipped (each named on stderr) */
    EXIT_USAGE = 2,     /* wrong arguments */
    EXIT_FAILURE_ = 3,  /* nothing useful done: a required input or model missing or unreadable */
    EXIT_INTERRUPTED = 130
};

/* Prints "facecluster CMD: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Loads an embedding matrix (.npy, or a face store .db: every face, ordered by photo path then face index;
 * identities via cli_load_store_truth), L2-normalising rows unless
 * `no_normalize`, with a warning when the input was far from unit norm. */
int cli_load_embeddings(const char *cmd, const char *path, int no_normalize, fc_mat *X);

/* The identities stored with a face store's faces, in the row order of cli_load_embeddings(db). */
struct fc_truth;
int cli_load_store_truth(const char *cmd, const char *db, struct fc_truth *truth);

/* Strict number parsing for option values; print a usage error naming `opt` and return -1 on failure. */
int cli_parse_int(const char *cmd, const char *opt, const char *s, long lo, long hi, int *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
/* A seed: any non-negative integer that fits in 64 bits. */
int cli_parse_seed(const char *cmd, const char *opt, const char *s, uint64_t *out);

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

#endif
