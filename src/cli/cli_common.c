/* cli_common.c — error printing, embedding loading and option parsing shared by the subcommands. */
#include "cli/cli.h"
#include "facecluster/npy.h"
#include "facecluster/store.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* library messages may already start with the command's name ("cluster: K = ..."): say it once */
    size_t n = strlen(cmd);
    const char *m = !strncmp(msg, cmd, n) && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2 : msg;
    fprintf(stderr, "facecluster %s: %s\n", cmd, m);
}

int cli_load_embeddings(const char *cmd, const char *path, int no_normalize, fc_mat *X)
{
    /* A face store (.db) gives its embeddings in export order (photo path, then face). */
    size_t len = strlen(path);
    int rc = len > 3 && !strcmp(path + len - 3, ".db") ? fc_store_load(path, NULL, 0, X, NULL, NULL)
                                                      : fc_npy_read_matrix(path, X);
    if (rc) {
        cli_error(cmd, "%s", fc_last_error());
        return rc;
    }
    if (X->rows == 0 || X->cols == 0) {
        cli_error(cmd, "%s: the embedding matrix is empty (%zu x %zu)", path, X->rows, X->cols);
        fc_mat_free(X);
        return FC_EFORMAT;
    }
    for (size_t i = 0; i < X->rows * X->cols; i++)
        if (!isfinite(X->data[i])) {
            cli_error(cmd, "%s: row %zu has a NaN or infinite value", path, i / X->cols);
            fc_mat_free(X);
            return FC_EFORMAT;
        }
    if (!no_normalize) {
        double dev = fc_mat_l2_normalize_rows(X);
        if (dev > 1e-3)
            fc_warn("%s: rows were not unit length (mean |norm - 1| = %.3g); L2-normalised them "
                    "(--no-normalize keeps them as they are)", path, dev);
    }
    return FC_OK;
}

int cli_load_store_truth(const char *cmd, const char *db, fc_truth *truth)
{
    fc_mat X;
    int rc = fc_store_load(db, NULL, 0, &X, truth, NULL);
    if (rc) {
        cli_error(cmd, "%s", fc_last_error());
        return rc;
    }
    size_t rows = X.rows;
    fc_mat_free(&X);
    if (truth->n != rows) {
        cli_error(cmd, "%s: some faces have no identity (embed with --labels)", db);
        fc_truth_free(truth);
        return FC_EFORMAT;
    }
    return FC_OK;
}

int cli_parse_int(const char *cmd, const char *opt, const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        cli_error(cmd, "%s expects an integer in [%ld, %ld], got '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cli_parse_seed(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* strtoull accepts "-1" (wrapping it), so a sign is refused by hand */
    if (end == s || *end || errno || s[0] == '-') {
        cli_error(cmd, "%s expects a non-negative integer, got '%s'", opt, s);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= lo && v <= hi)) {
        if (lo > 0 && lo <= 1e-300 && hi >= 1e300) /* positive-only: the bounds are only guards */
            cli_error(cmd, "%s expects a number > 0, got '%s'", opt, s);
        else if (hi >= 1e300)
            cli_error(cmd, "%s expects a number >= %g, got '%s'", opt, lo, s);
        else
            cli_error(cmd, "%s expects a number in [%g, %g], got '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}
