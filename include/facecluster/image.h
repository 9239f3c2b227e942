/* image.h — photo decoding (libvips) into 8-bit RGB, with a bounded working size.
 *
 * Contract:
 *  - fc_image_load decodes any format libvips reads (JPEG, PNG incl. palette/grey/alpha/16-bit, GIF, PGM/PPM,
 *    WebP, TIFF, HEIC when libvips has it), recognised by content, never by the file name. EXIF orientation is
 *    applied; CMYK goes through ICC (embedded profile, else libvips' default CMYK profile) to sRGB; grey is
 *    copied to three channels; 16-bit is scaled to 8-bit; an alpha channel is flattened onto WHITE.
 *    Multi-page files (animated GIF, HEIC sequences) give their first page.
 *  - Working size: when the longest side (after orientation) exceeds `max_side` (0 = no limit), the photo
 *    is shrunk on load (libvips thumbnail: JPEG shrink-on-load, then Lanczos) so that the longest side is
 *    max_side. `scale` = original / working size (1.0 when not shrunk); orig_w/orig_h are the oriented
 *    original dimensions. Callers multiply coordinates by `scale` to get back to the original photo.
 *  - Failures return FC_EIO or FC_EFORMAT with a one-line reason naming the file and one of the kinds
 *    "unreadable", "empty file", "not an image", "truncated or corrupt image", "too large".
 *  - Thread-safe (libvips is initialised once on first use; each call decodes independently).
 */
#ifndef FACECLUSTER_IMAGE_H
#define FACECLUSTER_IMAGE_H

#include "facecluster/core.h"

#include <stdint.h>

#define FC_IMAGE_DEFAULT_MAX_SIDE 2048

typedef struct fc_image {
    int w, h;        /* working size */
    uint8_t *rgb;    /* h*w*3 bytes, row-major, interleaved RGB */
    double scale;    /* original / working */
    int orig_w, orig_h;
} fc_image;

int fc_image_load(const char *path, int max_side, fc_image *out);
/* Wraps existing pixels (copied). */
int fc_image_from_rgb(const uint8_t *rgb, int w, int h, fc_image *out);
void fc_image_free(fc_image *im);

/* Initialises libvips once (also called by fc_image_load). Returns 0 or FC_EINTERNAL. */
int fc_vips_init(void);
/* Encodes a w*h RGB buffer as JPEG (quality q) into a malloc'ed buffer; for thumbnails. */
int fc_image_encode_jpeg(const uint8_t *rgb, int w, int h, int quality, void **buf, size_t *len);

/* Frees a buffer from fc_image_encode_jpeg. */
void fc_image_free_buffer(void *buf);

#endif
