/* embed.h — folders of photos → the face store: decode, detect, align, embed, store; resumable.
 *
 * Contract:
 *  - fc_embed_run walks each directory recursively (sorted; hidden entries and files with non-image
 *    extensions like .txt/.md/.json/.tsv/.csv/.xml/.npy/.db are ignored; files without an extension are
 *    tried, since the format is recognised by content), and for every photo not already stored with the
 *    same size, mtime and settings: decodes it (fc_image_load, working size opts.max_side), detects faces
 *    (MTCNN), keeps the most prominent face (largest box; or, with keep_central, the face whose box centre
 *    is nearest the photo centre) in labelled mode or every face otherwise
 *    (opts.all_faces keeps all in both), aligns each to 112×112, embeds (and the mirror image when opts.flip)
 *    and writes the photo and its faces in one transaction per batch of photos.
 *  - Each photo that cannot be used gets one line on stderr (fc_warn): "PATH: reason" where the reason is
 *    unreadable / empty file / not an image / truncated or corrupt image / no face found / face too small /
 *    no identity in the file name; it is stored with status 'error' or 'noface' and the run goes on.
 *  - Labels: FC_LABEL_FOLDER uses the photo's parent folder name (LFW layout); FC_LABEL_PATTERN applies a
 *    POSIX extended regex to the file name and uses its first group (\d is accepted for [0-9]); photos whose
 *    name does not match are skipped with a reason. min_images drops identities with fewer photos.
 *  - Parallelism: photos of a batch are decoded and detected on all threads (one detector per thread, engine
 *    single-threaded inside); the batch's crops are then embedded with all engine threads; one thread writes.
 */
#ifndef FACECLUSTER_EMBED_H
#define FACECLUSTER_EMBED_H

#include "facecluster/face.h"

enum { FC_LABEL_NONE = 0, FC_LABEL_FOLDER = 1, FC_LABEL_PATTERN = 2 };

typedef struct fc_embed_opts {
    const char *const *dirs;
    int ndirs;
    const char *db;
    int label_mode;
    const char *pattern;   /* FC_LABEL_PATTERN */
    int min_images;        /* 0 or 1 = no filter */
    int all_faces;
    int keep_central;
    int retry_pad;         /* >0: when no face is found, retry with this many edge-replicated pixels around */      /* labelled mode: keep the face nearest the photo centre instead of the largest */
    int flip;              /* also store the mirrored crop's embedding */
    int max_side;          /* working size; 0 = FC_IMAGE_DEFAULT_MAX_SIDE, <0 = unlimited */
    fc_mtcnn_opts det;
    const char *models_dir;
    int threads;           /* 0 = all cores */
    int batch;             /* photos per transaction; 0 = 32 */
    int limit;             /* stop after this many photos processed in this run (0 = no limit) */
    volatile int *stop;    /* set to 1 (e.g. by SIGINT) to stop after the current batch */
} fc_embed_opts;

typedef struct fc_embed_summary {
    long files, skipped, processed, ok, noface, failed, faces, unlabelled;
    long skipped_noface, skipped_failed; /* of `skipped`: stored by earlier runs without a face / as unusable */
    double wall, t_decode, t_detect, t_align, t_embed, t_store; /* seconds; decode..embed: CPU time of the workers */
    double wall_detect_phase;
} fc_embed_summary;

fc_embed_opts fc_embed_opts_default(void);
int fc_embed_run(const fc_embed_opts *o, fc_embed_summary *sum);

/* Identity of a photo from its path relative to the walked directory, or NULL (caller frees). */
char *fc_label_from_path(int mode, const void *regex, const char *dir, const char *relpath);

#endif
