/* thumb.h — face thumbnails for reports: the face box of a photo, with a margin, as a small JPEG.
 *
 * Contract: fc_thumb_write decodes `image` (any format fc_image_load reads, EXIF orientation applied),
 * takes the square around the box centre with side (1 + 2·margin) × the box's longer side (outside the
 * photo is filled grey), scales it to size × size (box filter when shrinking, bilinear otherwise) and
 * writes a JPEG (quality 85) to `out`. box may be NULL: the whole photo, centred. A box with a coordinate
 * that is not finite or beyond ±1e7 pixels is FC_EARG (nothing written). Returns 0 or FC_E*.
 */
#ifndef FACECLUSTER_THUMB_H
#define FACECLUSTER_THUMB_H

#include "facecluster/core.h"

int fc_thumb_write(const char *image, const double *box, double margin, int size, const char *out);

#endif
