/* cmd_info.c — `facecluster info FILE.npy`: what an embedding matrix holds, before clustering it. */
#include "cli/cli.h"
#include "facecluster/npy.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: facecluster info FILE.npy\n\n"
                   "Prints the shape of an embedding matrix and the spread of its row norms.\n");
            return EXIT_OK;
        }
        return EXIT_USAGE;
    }
    if (optind != argc - 1) {
        cli_error("info", "expects one .npy file (see --help)");
        return EXIT_USAGE;
    }
    fc_mat X;
    if (fc_npy_read_matrix(argv[optind], &X)) {
        cli_error("info", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    /* rows with NaN/inf are counted and left out of the norms (they used to make "min 1 mean nan max 1") */
    double lo = INFINITY, hi = 0, sum = 0;
    size_t finite = 0, bad = 0, first_bad = 0;
    for (size_t i = 0; i < X.rows; i++) {
        double s = 0, *r = fc_mat_row(&X, i);
        for (size_t j = 0; j < X.cols; j++)
            s += r[j] * r[j];
        s = sqrt(s);
        if (!isfinite(s)) {
            if (!bad++)
                first_bad = i;
            continue;
        }
        lo = fmin(lo, s);
        hi = fmax(hi, s);
        sum += s;
        finite++;
    }
    printf("%s: %zu rows x %zu columns; row norms min %.6g mean %.6g max %.6g", argv[optind], X.rows, X.cols,
           finite ? lo : 0, finite ? sum / (double)finite : 0, hi);
    if (bad)
        printf("; %zu row%s with NaN or infinite values (first: row %zu, counting from 0), not clusterable", bad,
               bad == 1 ? "" : "s", first_bad);
    printf("\n");
    fc_mat_free(&X);
    return EXIT_OK;
}
