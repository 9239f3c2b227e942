/* dataset_photos.c — a dataset from a labelled photo folder, through the face store (see dataset.h). */
#include "facecluster/dataset.h"
#include "facecluster/embed.h"
#include "facecluster/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_dataset_from_photos(const char *dir, const char *name, const char *db, int threads, fc_dataset *out)
{
    memset(out, 0, sizeof *out);
    fc_embed_opts o = fc_embed_opts_default();
    const char *dirs[1] = {dir};
    o.dirs = dirs;
    o.ndirs = 1;
    o.db = db;
    o.label_mode = FC_LABEL_FOLDER;
    o.threads = threads;
    fc_embed_summary sum;
    int rc = fc_embed_run(&o, &sum);
    if (rc)
        return rc;
    fc_mat X = {0};
    fc_truth truth = {0};
    fc_store_rows rows;
    memset(&rows, 0, sizeof rows);
    if ((rc = fc_store_load(db, NULL, FC_STORE_PROMINENT, &X, &truth, &rows)))
        return rc;
    if (X.rows == 0 || truth.n != X.rows) {
        rc = fc_fail(FC_EFORMAT, "%s: %s", db, X.rows == 0 ? "no face was found in the photos"
                                                           : "some faces have no identity (photos outside person folders?)");
        fc_mat_free(&X);
        fc_truth_free(&truth);
        fc_store_rows_free(&rows);
        return rc;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    out->photos_skipped = sum.noface + sum.failed + sum.skipped_noface + sum.skipped_failed;
    snprintf(out->image_root, sizeof out->image_root, "%s", dir);
    out->X = X;
    out->truth = truth;
    size_t n = X.rows;
    out->image = rows.relpath; /* taken over */
    rows.relpath = NULL;
    out->box = rows.box;
    rows.box = NULL;
    fc_store_rows_free(&rows);
    out->glasses = fc_malloc(n, sizeof(int));
    if (!out->glasses) {
        fc_dataset_free(out);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        out->glasses[i] = fc_glasses_from_name(out->image[i]);
        out->has_glasses += out->glasses[i] >= 0;
    }
    return FC_OK;
}
