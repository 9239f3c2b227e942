/* store.h — the face store: one SQLite file holding photos, their faces (box, landmarks, score, thumbnail,
 * embedding) and identity labels.
 *
 * Contract:
 *  - Schema (created on first open, version in meta): images(id, path UNIQUE (absolute), relpath, size,
 *    mtime, width, height, status 'ok'|'noface'|'error', error, n_detected, settings); faces(id, image_id,
 *    face_index, x1, y1, x2, y2, score, landmarks BLOB 10×float64 (x, y pairs), thumb BLOB (JPEG of the aligned
 *    crop), model, dim, embedding BLOB dim×float32, embedding_flip BLOB (mirrored crop's embedding, or NULL));
 *    labels(image_id, identity). Boxes and landmarks are in the ORIGINAL photo's (oriented) pixel coordinates.
 *  - Journal in WAL mode; writers group images in transactions (fc_store_begin/commit). An image row and its
 *    faces are written in the same transaction, so a killed run leaves either both or neither: the store is
 *    always consistent, and a re-run redoes only what was not committed.
 *  - One connection per fc_store; use it from one thread.
 *  - fc_store_load_* return faces ordered by relpath then face_index (the export order).
 */
#ifndef FACECLUSTER_STORE_H
#define FACECLUSTER_STORE_H

#include "facecluster/core.h"
#include "facecluster/labels.h"

#include <stdint.h>

typedef struct fc_store fc_store;

typedef struct fc_store_image {
    const char *path, *relpath;
    int64_t size, mtime;
    int width, height;       /* original, oriented */
    const char *status;      /* "ok", "noface", "error" */
    const char *error;       /* NULL unless status is "error" (or a note for "noface") */
    int n_detected;          /* faces the detector found (before keeping the prominent one) */
    const char *settings;    /* detector/selection settings; a change re-processes the photo */
    const char *label;       /* identity or NULL */
} fc_store_image;

typedef struct fc_store_face {
    double box[4], score, pts[10];
    const void *thumb;
    size_t thumb_len;
    const float *emb, *emb_flip; /* emb_flip may be NULL */
    int dim;
} fc_store_face;

int fc_store_open(const char *path, fc_store **out);
void fc_store_close(fc_store *s);
int fc_store_begin(fc_store *s);
int fc_store_commit(fc_store *s);
/* When `path` is stored with this size, mtime and settings (nothing to do): 1 if it gave faces, 2 if it was
 * stored without a face, 3 if it was stored as unusable. 0 when not stored so, <0 on error. */
int fc_store_is_done(fc_store *s, const char *path, int64_t size, int64_t mtime, const char *settings);
/* Replaces the photo's row (and its faces and label) by the given ones. */
int fc_store_put(fc_store *s, const fc_store_image *im, const fc_store_face *faces, int n, const char *model);

/* Counts per status, for summaries. */
int fc_store_counts(fc_store *s, long *images, long *ok, long *noface, long *errors, long *faces);

/* Flags for fc_store_load. */
enum { FC_STORE_FLIP = 1,      /* fuse each embedding with its mirror's (sum, re-normalised) */
       FC_STORE_PROMINENT = 2  /* only the largest face of each photo */ };

typedef struct fc_store_rows {
    size_t n;
    char **relpath;    /* photo of each row */
    char **path;       /* the same photo's absolute path as stored (embed keys photos by it) */
    int *face_index;
    double *box;       /* n×4 */
    double *score;
    char **identity;   /* NULL entries when unlabelled */
} fc_store_rows;

/* Loads the embeddings of `model` (NULL = the store's only model) as rows of X (float64, L2-normalised),
 * with identities in truth (truth->n = 0 when any face is unlabelled) and optional row metadata. */
int fc_store_load(const char *db, const char *model, int flags, fc_mat *X, fc_truth *truth, fc_store_rows *rows);
int fc_store_load_embeddings(const char *db, const char *model, fc_mat *X, fc_truth *truth);
void fc_store_rows_free(fc_store_rows *r);

#endif
