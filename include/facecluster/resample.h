/* resample.h — resizing and warping of interleaved pixel buffers, matching the reference pipeline.
 *
 * Contract:
 *  - fc_resize_area_* reproduce OpenCV's cv::resize with INTER_AREA bit for bit in the cases MTCNN uses:
 *    downscaling (both factors >= 1) by exact area averaging (float accumulation and round-half-even for
 *    uint8, double for double), and OpenCV's area-mode bilinear when either axis is enlarged. The uint8
 *    variant supports downscaling and same size only (FC_EUNSUP otherwise: the pyramid never enlarges
 *    when the minimum face size is >= 12).
 *  - fc_warp_affine_bilinear samples dst(u, v) = src(Minv * (u, v, 1)) bilinearly, 0 outside the source
 *    (black border), rounding to uint8. M (2×3) maps source to destination coordinates.
 */
#ifndef FACECLUSTER_RESAMPLE_H
#define FACECLUSTER_RESAMPLE_H

#include <stdint.h>

int fc_resize_area_u8(const uint8_t *src, int sw, int sh, int cn, uint8_t *dst, int dw, int dh);
int fc_resize_area_f64(const double *src, int sw, int sh, int cn, double *dst, int dw, int dh);
int fc_warp_affine_bilinear(const uint8_t *src, int sw, int sh, const double M[6], uint8_t *dst, int dw, int dh);
/* Mirror an interleaved RGB image left-right in place. */
void fc_flip_lr_rgb(uint8_t *img, int w, int h);

#endif
