/* cmd_lfw_verify.c — `facecluster lfw-verify --db faces.db --pairs pairs.txt`: LFW 10-fold accuracy. */
#include "cli/cli.h"
#include "facecluster/npy.h"
#include "facecluster/store.h"
#include "facecluster/verify.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster lfw-verify --db faces.db --pairs pairs.txt [--flip] [--center] [--model NAME]\n\n"
           "LFW verification (View 2): for each of the 10 folds, the squared-L2 distance threshold that is best\n"
           "on the other 9 folds decides same/different on the fold; prints the mean accuracy +- std over folds.\n"
           "Each photo is represented by its largest face; pairs whose photo has no face count as errors.\n"
           "  --flip   fuse each face with its mirror image (store made with embed --flip)\n"
           "  --center subtract the mean embedding of all the store's faces, then re-normalise\n");
}

/* The key of a stored photo: its last two path components ("name/name_0001.jpg"). */
static const char *tail2(const char *p)
{
    const char *e = p + strlen(p);
    int slashes = 0;
    while (e > p) {
        e--;
        if (*e == '/' && ++slashes == 2) return e + 1;
    }
    return p;
}

typedef struct { const char *k; size_t row; } kv;
static int cmp_kv(const void *a, const void *b) { return strcmp(((const kv *)a)->k, ((const kv *)b)->k); }

int cmd_lfw_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"pairs", required_argument, 0, 'p'},
                                         {"flip", no_argument, 0, 'f'},      {"model", required_argument, 0, 'm'},
                                         {"center", no_argument, 0, 'c'},    {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *pairs = NULL, *model = NULL;
    int flags = FC_STORE_PROMINENT, c, center = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'd': db = optarg; break;
        case 'p': pairs = optarg; break;
        case 'f': flags |= FC_STORE_FLIP; break;
        case 'm': model = optarg; break;
        case 'c': center = 1; break;
        default: return EXIT_USAGE;
        }
    }
    if (!db || !pairs || optind != argc) {
        cli_error("lfw-verify", "needs --db and --pairs (see --help)");
        return EXIT_USAGE;
    }
    fc_lfw_pairs P;
    if (fc_lfw_pairs_read(pairs, &P)) {
        cli_error("lfw-verify", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    fc_mat X;
    fc_store_rows rows;
    if (fc_store_load(db, model, flags, &X, NULL, &rows)) {
        cli_error("lfw-verify", "%s", fc_last_error());
        fc_lfw_pairs_free(&P);
        return EXIT_FAILURE_;
    }
    if (center) { /* a common offset of all faces carries no identity: remove it */
        double *mean = calloc(X.cols, sizeof *mean);
        for (size_t i = 0; i < X.rows; i++)
            for (size_t j = 0; j < X.cols; j++) mean[j] += fc_mat_row(&X, i)[j] / (double)X.rows;
        for (size_t i = 0; i < X.rows; i++)
            for (size_t j = 0; j < X.cols; j++) fc_mat_row(&X, i)[j] -= mean[j];
        fc_mat_l2_normalize_rows(&X);
        free(mean);
    }
    kv *idx = malloc(sizeof *idx * rows.n);
    for (size_t i = 0; i < rows.n; i++) idx[i] = (kv){tail2(rows.relpath[i]), i};
    qsort(idx, rows.n, sizeof *idx, cmp_kv);
    double *dist = malloc(sizeof *dist * P.n);
    size_t missing = 0, scored_same = 0, scored_diff = 0;
    for (size_t i = 0; i < P.n; i++) {
        kv ka = {P.a[i], 0}, kb = {P.b[i], 0};
        kv *ra = bsearch(&ka, idx, rows.n, sizeof *idx, cmp_kv), *rb = bsearch(&kb, idx, rows.n, sizeof *idx, cmp_kv);
        if (!ra || !rb) {
            dist[i] = NAN;
            missing++;
            continue;
        }
        const double *x = fc_mat_row(&X, ra->row), *y = fc_mat_row(&X, rb->row);
        double d = 0;
        for (size_t j = 0; j < X.cols; j++) d += (x[j] - y[j]) * (x[j] - y[j]);
        dist[i] = d;
        if (P.same[i])
            scored_same++;
        else
            scored_diff++;
    }
    /* Without both kinds of scored pairs no threshold can be learnt: the accuracy would be chance, not a result. */
    if (!scored_same || !scored_diff) {
        if (scored_same + scored_diff == 0)
            cli_error("lfw-verify", "none of the %zu pairs has both photos' faces in %s (embed the LFW photos into "
                      "it first); no accuracy", P.n, db);
        else
            cli_error("lfw-verify", "only %zu of the %zu pairs have both photos' faces in %s and there is no %s pair "
                      "among them, so no threshold can be learnt; no accuracy", scored_same + scored_diff, P.n, db,
                      scored_same ? "different-person" : "same-person");
        free(idx);
        free(dist);
        fc_mat_free(&X);
        fc_store_rows_free(&rows);
        fc_lfw_pairs_free(&P);
        return EXIT_FAILURE_;
    }
    double acc, sd, thr;
    fc_verify_kfold(dist, P.same, P.fold, P.n, P.folds, &acc, &sd, &thr);
    printf("LFW %d-fold verification%s%s: accuracy %.2f %% +- %.2f (mean squared-L2 threshold %.3f, L2 %.3f); "
           "%zu pairs, %zu with a photo lacking a face\n",
           P.folds, (flags & FC_STORE_FLIP) ? " (flip-fused)" : "", center ? " (centred)" : "", 100 * acc, 100 * sd, thr, sqrt(thr), P.n, missing);
    free(idx);
    free(dist);
    fc_mat_free(&X);
    fc_store_rows_free(&rows);
    fc_lfw_pairs_free(&P);
    return missing ? EXIT_PARTIAL : EXIT_OK;
}
