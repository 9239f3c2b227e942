/* vips_steps.h — libvips steps shared by the photo decoder (decode.c) and the face thumbnails
 * (viz/thumb.c). Internal: the callers include <vips/vips.h>; libvips is started by fc_vips_init. */
#ifndef FC_IMAGE_VIPS_STEPS_H
#define FC_IMAGE_VIPS_STEPS_H

#include <vips/vips.h>

/* Replaces *im by *out (taking ownership) when the operation that made it succeeded (rc == 0); -1 otherwise. */
int fc_vips_step(VipsImage **im, int rc, VipsImage **out);
/* Flattens an alpha channel onto white (8- or 16-bit); no-op without alpha. 0 or -1 (libvips error). */
int fc_vips_flatten_white(VipsImage **im);

#endif
