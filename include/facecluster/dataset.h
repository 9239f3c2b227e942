/* dataset.h — a labelled face dataset for the study: embeddings, identities, and where each row's face
 * came from (image file + box) so reports can show thumbnails.
 *
 * Contract:
 *  - fc_dataset_load reads an embeddings folder: emb.npy (N×D, rows L2-normalised on load), truth.txt
 *    (one identity per line, N lines) and optionally faces.tsv (header row, then per row: image path
 *    relative to the image root, identity, box x1 y1 x2 y2, ...; the layout of ../shared/embeddings).
 *    Row counts must agree (FC_EFORMAT naming the files otherwise). `image_root` (may be NULL or "")
 *    is the folder the faces.tsv paths are relative to; it is kept, not checked.
 *  - fc_dataset_filter_min_images keeps the identities with at least `min_images` rows (row order kept,
 *    identities renumbered in order of first appearance). fc_dataset_limit_identities keeps a seeded
 *    random choice of `max_ids` identities (all rows of each), for quick runs on a part of a big set.
 *  - Glasses: for every row, `glasses[i]` is 1 when the image file name contains "glasses" but not
 *    "noglasses", 0 when it contains "noglasses", -1 otherwise (Yale's naming). has_glasses counts the
 *    rows with a known status.
 *  - fc_dataset_from_photos builds a dataset from a labelled photo folder (<dir>/<person>/<image>): it
 *    embeds every photo not yet in the face store `db` (fc_embed_run: MTCNN, the most prominent face,
 *    alignment, MobileFaceNet; resumable, so photos already stored are reused), then loads the store's
 *    faces of the photos under `dir` (one per photo) with their identity, relative path and box; the
 *    image root is `dir`. Photos without a face are left out (fc_embed_run names them on stderr) and
 *    counted in photos_skipped (with those an earlier run met), so the caller can exit 1; so are photos
 *    lying at the top of `dir` beside person folders (left out with one fc_warn naming `dir`).
 *  - Everything is owned by the dataset; fc_dataset_free releases it. Never prints (except what the
 *    embedding step reports through fc_warn / fc_progress).
 */
#ifndef FACECLUSTER_DATASET_H
#define FACECLUSTER_DATASET_H

#include "facecluster/core.h"
#include "facecluster/labels.h"

typedef struct fc_dataset {
    char name[64];         /* short name used in reports, e.g. "lfw3" */
    char image_root[4096]; /* folder of the source images, "" if unknown */
    fc_mat X;              /* N×D embeddings, unit rows */
    fc_truth truth;        /* ids 0..k-1 and names */
    char **image;          /* N relative image paths, or NULL when faces.tsv was absent */
    double *box;           /* N×4 boxes (x1 y1 x2 y2), or NULL */
    int *glasses;          /* N values 1 / 0 / -1 */
    size_t has_glasses;    /* rows with a known glasses status */
    long photos_skipped;   /* fc_dataset_from_photos: photos without a face or unusable (this run or earlier) */
} fc_dataset;

int fc_dataset_load(const char *dir, const char *name, const char *image_root, fc_dataset *out);
int fc_dataset_from_photos(const char *dir, const char *name, const char *db, int threads, fc_dataset *out);
int fc_dataset_filter_min_images(fc_dataset *d, int min_images);
int fc_dataset_limit_identities(fc_dataset *d, size_t max_ids, uint64_t seed);
/* Keeps the listed rows (in that order); used by the filters. */
int fc_dataset_keep_rows(fc_dataset *d, const size_t *rows, size_t n);
void fc_dataset_free(fc_dataset *d);

/* Glasses status of a file name (see the contract). */
int fc_glasses_from_name(const char *path);

#endif
