/* html.h — self-contained, offline HTML report pages: text, tables, figures and face-thumbnail galleries.
 *
 * Contract:
 *  - A page is written to one file; every other file it shows (figures, thumbnails) is referenced by a
 *    path relative to the page's folder, so the folder can be moved, zipped or opened offline. The page
 *    carries its own CSS inline; it loads nothing from the network and runs no script.
 *  - All text passed in is HTML-escaped (& < > " '); only fc_html_raw writes markup as given.
 *  - Write errors are remembered and reported by fc_html_close (FC_EIO naming the file); the other
 *    calls never fail, so a page can be built without checking every line.
 *  - fc_face_thumbnail crops a face from a photo (libvips): the box x1 y1 x2 y2 (pixels) grown by
 *    `margin` × its size on every side, made square, clipped to the image, then shrunk so its longer
 *    side is `size` pixels; written as JPEG or PNG by the extension of out_path, without the photo's
 *    metadata (EXIF, XMP, IPTC, ICC profile: a thumbnail carries no camera or location data).
 *    img_w/img_h (0 = unknown) are the image size the box refers to: EXIF orientation is applied unless
 *    the stored (unrotated) size is the one that matches. flags: FC_THUMB_PAD keeps the whole square instead of clipping it,
 *    filling where it leaves the photo with grey (128; transparent photos are flattened onto white), so
 *    the thumbnail is always size × size with the face box centred. A box wholly outside the photo is
 *    FC_EARG either way.
 */
#ifndef FACECLUSTER_HTML_H
#define FACECLUSTER_HTML_H

#include "facecluster/core.h"

#include <stdio.h>

typedef struct fc_html fc_html;

/* Creates the page and writes its head (title, inline CSS) and the <h1>. NULL (and an error) on failure. */
fc_html *fc_html_open(const char *path, const char *title);
int fc_html_close(fc_html *h); /* writes the footer, closes; 0 or FC_EIO */

void fc_html_escape(FILE *fp, const char *text);
void fc_html_heading(fc_html *h, int level, const char *text);
void fc_html_paragraph(fc_html *h, const char *text);
void fc_html_raw(fc_html *h, const char *markup);
FILE *fc_html_stream(fc_html *h); /* for callers composing their own markup (escape with fc_html_escape) */

/* A table: header of ncol cells (may be NULL), then nrows × ncol cells, row-major; numeric-looking
 * cells are right-aligned. */
void fc_html_table(fc_html *h, const char *const *header, size_t ncol, const char *const *cells, size_t nrows);
/* The same from a TSV file whose first line is the header. FC_EIO / FC_EFORMAT on a bad file. */
int fc_html_table_tsv(fc_html *h, const char *tsv_path);

/* A figure: <img src=rel_path> with a caption (alt text defaults to the caption). */
void fc_html_figure(fc_html *h, const char *rel_path, const char *caption, const char *alt);

/* A gallery row: a title line (e.g. "cluster 3 — 12 faces") led by a colour swatch when rgb is not NULL
 * (the cluster's colour on the map), then items, then end. `bad` items are framed in red (e.g. a face
 * whose identity differs from its cluster's majority). */
void fc_html_gallery_begin(fc_html *h, const char *title, const char *note, const double *rgb);
void fc_html_gallery_item(fc_html *h, const char *img_rel, const char *caption, const char *tooltip, int bad);
void fc_html_gallery_end(fc_html *h);

enum { FC_THUMB_PAD = 1 }; /* fc_face_thumbnail flags */
int fc_face_thumbnail(const char *image_path, double x1, double y1, double x2, double y2, int img_w, int img_h,
                      double margin, int size, int flags, const char *out_path);

#endif
