/* page.h — index.html of a study report: one self-contained folder that opens offline in any browser.
 *
 * Contract:
 *  - fc_page_write writes REPORT_DIR/index.html (and the face thumbnails it shows, under
 *    REPORT_DIR/thumbs/<dataset>/) from the finished study: summary (command, wall time, protocol), the
 *    score table with the paper's numbers, the cross-dataset figures, and per dataset its t-SNE map, its
 *    every-score heatmap, links to its tables, the error analysis counts, the glasses comparison where
 *    the dataset marks glasses, and galleries of the worst merges and splits (thumbnails with file names
 *    and distances; each thumbnail is fc_face_thumbnail's square around the face box with a quarter-box
 *    margin, padded grey where that leaves the photo, thumb_size pixels, made once and reused when the file
 *    is already there). Text is escaped with fc_html_escape. All links are relative; figures are referenced as PNG with SVG/PDF links; no
 *    network, no external script or style. A few lines of inline script only check, after load, that
 *    every image decoded, and record the count in <body data-images-ok / data-images-broken> (the
 *    browser test reads them).
 *  - A thumbnail that cannot be made (image root unknown, file missing) is shown as a text tile with the
 *    file name instead of a broken image; the count of such tiles is returned in *thumbs_missing.
 *  - Returns 0 or FC_EIO naming the file.
 */
#ifndef FACECLUSTER_PAGE_H
#define FACECLUSTER_PAGE_H

#include "facecluster/errors.h"
#include "facecluster/report.h"

typedef struct fc_page_dataset {
    const fc_dataset *ds;
    const fc_study *st;
    const char *note;            /* how the set was made, e.g. "people with >= 3 images" */
    int tsne_ok;                 /* tsne.png exists in datasets/<name>/ */
    double tsne_kl, tsne_seconds;
    int tsne_exact;
    int tsne_off;                /* the map was not asked for (analyze --no-tsne) */
    const char *error_setting;   /* e.g. "dbscan eps=0.8 min_samples=1", NULL = no error analysis */
    const fc_error_report *err;
    double err_ari;              /* ARI of that clustering on the whole set */
    /* glasses across DBSCAN's eps sweep on the whole set (ds->has_glasses): n_glasses_rows entries */
    size_t n_glasses_rows;
    const double *glasses_eps;   /* 2 × n: the eps values, then the ARI at each */
    const fc_error_report *glasses_err;
} fc_page_dataset;

typedef struct fc_page_info {
    const char *command;         /* the command line */
    double wall_seconds;
    const char *started;         /* UTC time stamp */
    int max_entries;             /* merges / splits shown per dataset (8) */
    int max_ids;                 /* identities (or parts) per entry (6) */
    int max_faces;               /* faces per identity (or part) (6) */
    int thumb_size;              /* pixels (96) */
} fc_page_info;

int fc_page_write(const char *dir, const fc_page_info *info, const fc_report_item *items,
                  const fc_page_dataset *pds, size_t n, size_t *thumbs_missing);

#endif
