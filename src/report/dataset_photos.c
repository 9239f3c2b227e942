/* dataset_photos.c — a dataset from a labelled photo folder, through the face store (see dataset.h). */
#include "facecluster/dataset.h"
#include "facecluster/embed.h"
#include "facecluster/store.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The store (REPORT_DIR/cache/NAME/faces.db) outlives the folder it was made from: it may hold photos of a
 * folder NAME pointed at before, or photos since deleted. Keeps the rows whose photo is now in `dir`: the
 * stored absolute path is where dir/relpath leads (symbolic links resolved, as embed stores it), or lies
 * under dir itself (a photo first stored from another root: its relpath is then re-made from dir).
 * Of those, a photo at the top of `dir`, beside person folders, is in no person folder: it has no identity
 * of its own (the folder labeller would name it after `dir` itself), so it is left out too, named in one
 * warning and counted in photos_skipped. A folder with photos only at its top stays one person (the caller
 * warns about a single identity). */
static int keep_photos_in(fc_dataset *d, const char *dir, char **abspath)
{
    char root[PATH_MAX], buf[PATH_MAX], cand[PATH_MAX + 4096];
    if (!realpath(dir, root))
        return fc_fail(FC_EIO, "%s: cannot resolve the folder", dir);
    size_t n = d->X.rows, m = 0, rl = strlen(root);
    size_t *keep = fc_malloc(n ? n : 1, sizeof(size_t));
    if (!keep)
        return FC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        snprintf(cand, sizeof cand, "%s/%s", dir, d->image[i]);
        if (realpath(cand, buf) && !strcmp(buf, abspath[i])) {
            keep[m++] = i;
        } else if (!strncmp(abspath[i], root, rl) && abspath[i][rl] == '/' && stat(abspath[i], &st) == 0) {
            char *rel = strdup(abspath[i] + rl + 1);
            if (!rel) {
                free(keep);
                return FC_ENOMEM;
            }
            free(d->image[i]);
            d->image[i] = rel;
            keep[m++] = i;
        }
    }
    size_t inner = 0; /* kept rows inside a person folder, moved to the front of keep[] in order */
    for (size_t j = 0; j < m; j++)
        if (strchr(d->image[keep[j]], '/'))
            keep[inner++] = keep[j];
    if (inner && inner < m) { /* with no photo in a person folder (inner 0) nothing moved: all m stay */
        size_t loose = m - inner;
        fc_warn("%s: %zu photo%s at the top of the folder, in no person folder (a labelled folder is "
                "PERSON/IMAGE): left out", dir, loose, loose == 1 ? " lies" : "s lie");
        d->photos_skipped += (long)loose;
        m = inner;
    }
    int rc = m == n ? FC_OK
                    : m == 0 ? fc_fail(FC_EFORMAT, "%s: no face was found in the photos", dir)
                             : fc_dataset_keep_rows(d, keep, m);
    free(keep);
    return rc;
}

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
    /* an empty folder, or one without a single face, is named as such (not as an empty store) */
    long with_face = sum.ok + (sum.skipped - sum.skipped_noface - sum.skipped_failed);
    if (sum.files == 0)
        return fc_fail(FC_EFORMAT, "%s: no photos found (a labelled folder holds one subfolder of photos per person)",
                       dir);
    if (with_face <= 0)
        return fc_fail(FC_EFORMAT, "%s: no face was found in any of its %ld photos", dir, sum.files);
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
    out->glasses = NULL;
    rc = keep_photos_in(out, dir, rows.path);
    fc_store_rows_free(&rows);
    if (rc) {
        fc_dataset_free(out);
        return rc;
    }
    n = out->X.rows;
    free(out->glasses);
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
