/* thumb.c — face thumbnails (see thumb.h). */
#include "facecluster/thumb.h"
#include "facecluster/image.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bilinear sample of channel c at (x, y), grey (128) outside the image. */
static double sample(const fc_image *im, double x, double y, int c)
{
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0, v = 0;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int xx = x0 + dx, yy = y0 + dy;
            double w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
            double p = (xx < 0 || yy < 0 || xx >= im->w || yy >= im->h) ? 128.0
                                                                         : im->rgb[((size_t)yy * im->w + xx) * 3 + c];
            v += w * p;
        }
    return v;
}

int fc_thumb_write(const char *image, const double *box, double margin, int size, const char *out)
{
    if (size < 8 || size > 1024)
        return fc_fail(FC_EARG, "thumbnail size %d out of range", size);
    /* a box from a file (faces.tsv) may be NaN or absurd: refused, as its int arithmetic below would overflow */
    for (int k = 0; box && k < 4; k++)
        if (!isfinite(box[k]) || fabs(box[k]) > 1e7)
            return fc_fail(FC_EARG, "%s: face box (%g, %g, %g, %g) is not finite or far outside any photo", image,
                           box[0], box[1], box[2], box[3]);
    fc_image im;
    int rc = fc_image_load(image, 0, &im);
    if (rc)
        return rc;
    double cx, cy, side;
    if (box) {
        cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
        side = fmax(box[2] - box[0], box[3] - box[1]) * (1 + 2 * margin);
    } else {
        cx = im.w / 2.0, cy = im.h / 2.0;
        side = fmax(im.w, im.h);
    }
    if (!(side > 1))
        side = 1;
    uint8_t *px = fc_malloc((size_t)size * size, 3);
    if (!px) {
        fc_image_free(&im);
        return FC_ENOMEM;
    }
    double step = side / size;
    int ss = step > 1 ? (int)ceil(step) : 1; /* samples per axis: a box filter when shrinking */
    if (ss > 8)
        ss = 8;
    double x0 = cx - side / 2, y0 = cy - side / 2;
    for (int v = 0; v < size; v++)
        for (int u = 0; u < size; u++)
            for (int c = 0; c < 3; c++) {
                double acc = 0;
                for (int sy = 0; sy < ss; sy++)
                    for (int sx = 0; sx < ss; sx++)
                        acc += sample(&im, x0 + (u + (sx + 0.5) / ss) * step - 0.5,
                                      y0 + (v + (sy + 0.5) / ss) * step - 0.5, c);
                double val = acc / (ss * ss);
                px[((size_t)v * size + u) * 3 + c] = (uint8_t)(val < 0 ? 0 : val > 255 ? 255 : lround(val));
            }
    fc_image_free(&im);
    void *buf = NULL;
    size_t len = 0;
    rc = fc_image_encode_jpeg(px, size, size, 85, &buf, &len);
    free(px);
    if (rc)
        return rc;
    FILE *fp = fopen(out, "wb");
    if (!fp) {
        free(buf);
        return fc_fail(FC_EIO, "%s: cannot write: %s", out, strerror(errno));
    }
    size_t wrote = fwrite(buf, 1, len, fp);
    free(buf);
    if (fclose(fp) != 0 || wrote != len)
        return fc_fail(FC_EIO, "%s: write failed", out);
    return FC_OK;
}
