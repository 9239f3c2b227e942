/* cmd_export.c — `facecluster export --db faces.db --npy E.npy --truth T.txt [--tsv faces.tsv]`. */
#include "cli/cli.h"
#include "facecluster/npy.h"
#include "facecluster/store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster export --db faces.db --npy E.npy [--truth T.txt] [--tsv faces.tsv] [--flip]\n"
           "                         [--prominent] [--model NAME]\n\n"
           "Writes the store's embeddings (float32, N x dim, L2-normalised; rows ordered by photo path, then face)\n"
           "for numpy/scikit-learn, the identity of each row (one per line; needs labelled photos), and a TSV with\n"
           "one row per face: path, identity, face index, box x1 y1 x2 y2 (original pixels), detector score.\n\n"
           "  --flip       fuse each embedding with its mirror image's (store made with embed --flip)\n"
           "  --prominent  only the largest face of each photo\n"
           "  --model      which model's embeddings (default: the store's only model)\n");
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},   {"npy", required_argument, 0, 'n'},
                                         {"truth", required_argument, 0, 't'}, {"tsv", required_argument, 0, 's'},
                                         {"flip", no_argument, 0, 'f'},        {"prominent", no_argument, 0, 'p'},
                                         {"model", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *npy = NULL, *truth_path = NULL, *tsv = NULL, *model = NULL;
    int flags = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'd': db = optarg; break;
        case 'n': npy = optarg; break;
        case 't': truth_path = optarg; break;
        case 's': tsv = optarg; break;
        case 'f': flags |= FC_STORE_FLIP; break;
        case 'p': flags |= FC_STORE_PROMINENT; break;
        case 'm': model = optarg; break;
        default: return EXIT_USAGE;
        }
    }
    if (!db || !npy || optind != argc) {
        cli_error("export", "needs --db and --npy (see --help)");
        return EXIT_USAGE;
    }
    fc_mat X;
    fc_truth t;
    fc_store_rows rows;
    if (fc_store_load(db, model, flags, &X, &t, &rows)) {
        cli_error("export", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    int rc = EXIT_OK;
    if (truth_path && t.n != rows.n) { /* refused before anything is written: no half export */
        cli_error("export", "%s: some faces have no identity (embed with --labels); nothing written", db);
        rc = EXIT_FAILURE_;
    }
    if (!rc && fc_npy_write_f32(npy, &X)) {
        cli_error("export", "%s", fc_last_error());
        rc = EXIT_FAILURE_;
    }
    if (!rc && truth_path) {
        {
            FILE *fp = fopen(truth_path, "w");
            if (!fp) {
                cli_error("export", "%s: cannot write", truth_path);
                rc = EXIT_FAILURE_;
            } else {
                for (size_t i = 0; i < rows.n; i++) fprintf(fp, "%s\n", rows.identity[i]);
                if (fclose(fp)) rc = EXIT_FAILURE_;
            }
        }
    }
    if (!rc && tsv) {
        FILE *fp = fopen(tsv, "w");
        if (!fp) {
            cli_error("export", "%s: cannot write", tsv);
            rc = EXIT_FAILURE_;
        } else {
            fprintf(fp, "path\tidentity\tface\tx1\ty1\tx2\ty2\tscore\n");
            for (size_t i = 0; i < rows.n; i++)
                fprintf(fp, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.6f\n", rows.relpath[i],
                        rows.identity[i] ? rows.identity[i] : "", rows.face_index[i], rows.box[4 * i],
                        rows.box[4 * i + 1], rows.box[4 * i + 2], rows.box[4 * i + 3], rows.score[i]);
            if (fclose(fp)) rc = EXIT_FAILURE_;
        }
    }
    if (!rc)
        fprintf(stderr, "export: %zu faces x %zu dims -> %s%s%s%s%s\n", X.rows, X.cols, npy, truth_path ? ", " : "",
                truth_path ? truth_path : "", tsv ? ", " : "", tsv ? tsv : "");
    fc_mat_free(&X);
    fc_truth_free(&t);
    fc_store_rows_free(&rows);
    return rc;
}
