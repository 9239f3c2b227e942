/* thumb.c — face thumbnails cut from photos with libvips (see fc_face_thumbnail in html.h). */
#include "facecluster/html.h"
#include "facecluster/image.h"
#include "image/vips_steps.h"

#include <math.h>

/* *img is the part of the square (side s, corner left, top) that lies in the photo, cut from (l, t): makes it
 * the whole square, grey (128) where the square leaves the photo. Alpha is flattened onto white first (as
 * fc_image_load does), so the grey stays opaque. */
static int pad_square(VipsImage **img, int l, int t, int left, int top, int s)
{
    if (fc_vips_flatten_white(img))
        return -1;
    VipsInterpretation in = vips_image_guess_interpretation(*img);
    double grey = (in == VIPS_INTERPRETATION_RGB16 || in == VIPS_INTERPRETATION_GREY16) ? 128.0 * 257 : 128.0;
    VipsArrayDouble *bg = vips_array_double_newv(1, grey);
    VipsImage *out = NULL;
    int rc = vips_embed(*img, &out, l - left, t - top, s, s, "extend", VIPS_EXTEND_BACKGROUND, "background", bg,
                        NULL);
    vips_area_unref(VIPS_AREA(bg));
    return fc_vips_step(img, rc, &out);
}

int fc_face_thumbnail(const char *image_path, double x1, double y1, double x2, double y2, int img_w, int img_h,
                      double margin, int size, int flags, const char *out_path)
{
    int rc = fc_vips_init();
    if (rc)
        return rc;
    /* the box comes from a file: beyond ±1e7 px (or not finite) it is no box of a photo, and the int
     * arithmetic below would overflow */
    if (!(x2 > x1 && y2 > y1) || size < 8 || !(fabs(x1) <= 1e7 && fabs(y1) <= 1e7 && fabs(x2) <= 1e7 && fabs(y2) <= 1e7))
        return fc_fail(FC_EARG, "%s: bad face box (%g %g %g %g) or size %d", image_path, x1, y1, x2, y2, size);
    VipsImage *raw = vips_image_new_from_file(image_path, NULL), *img = NULL, *crop = NULL, *thumb = NULL;
    if (!raw) {
        vips_error_clear();
        return fc_fail(FC_EIO, "%s: cannot read the image", image_path);
    }
    /* the box refers to the upright image unless the stored size is the one that matches */
    int W = vips_image_get_width(raw), H = vips_image_get_height(raw);
    if (img_w > 0 && img_h > 0 && W == img_w && H == img_h) {
        img = raw;
        g_object_ref(img);
    } else if (vips_autorot(raw, &img, NULL)) {
        rc = fc_fail(FC_EFORMAT, "%s: cannot orient the image", image_path);
        goto done;
    }
    W = vips_image_get_width(img);
    H = vips_image_get_height(img);
    double side = fmax(x2 - x1, y2 - y1) * (1 + 2 * margin), cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
    int left = (int)floor(cx - side / 2), top = (int)floor(cy - side / 2), s = (int)ceil(side);
    int l = left < 0 ? 0 : left, t = top < 0 ? 0 : top;
    int r = left + s > W ? W : left + s, b = top + s > H ? H : top + s;
    if (r - l < 2 || b - t < 2) {
        rc = fc_fail(FC_EARG, "%s: the face box lies outside the %dx%d image", image_path, W, H);
        goto done;
    }
    if (vips_crop(img, &crop, l, t, r - l, b - t, NULL) ||
        ((flags & FC_THUMB_PAD) && pad_square(&crop, l, t, left, top, s)) ||
        vips_thumbnail_image(crop, &thumb, size, "height", size, NULL) ||
        vips_image_write_to_file(thumb, out_path, "strip", TRUE, NULL)) {
        rc = fc_fail(FC_EIO, "%s: cannot write the thumbnail (%s)", out_path, vips_error_buffer());
        vips_error_clear();
    }
done:
    if (thumb)
        g_object_unref(thumb);
    if (crop)
        g_object_unref(crop);
    if (img)
        g_object_unref(img);
    g_object_unref(raw);
    return rc;
}
