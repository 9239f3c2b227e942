/* warp.c — affine warp with bilinear sampling (face alignment) and left-right mirroring. */
#include "facecluster/resample.h"
#include "facecluster/core.h"

#include <math.h>

int fc_warp_affine_bilinear(const uint8_t *src, int sw, int sh, const double M[6], uint8_t *dst, int dw, int dh)
{
    /* OpenCV warpAffine's INTER_LINEAR arithmetic (the reference aligner's): source positions in fixed
     * point with 1/32-pixel steps, integer bilinear weights (32-i)(32-j)·32 summing to 2^15, rounding
     * (sum + 2^14) >> 15, and 0 for neighbours outside the image (black border). */
    double det = M[0] * M[4] - M[1] * M[3];
    if (!(fabs(det) > 1e-12))
        return fc_fail(FC_EARG, "warp: singular transform");
    double D = 1. / det;
    double a = M[4] * D, b = -M[1] * D, d = -M[3] * D, e = M[0] * D;
    double c = -a * M[2] - b * M[5], f = -d * M[2] - e * M[5];
    const int AB_SCALE = 1024, ROUND = AB_SCALE / 32 / 2;
    for (int v = 0; v < dh; v++) {
        int X0 = (int)lrint((b * v + c) * AB_SCALE) + ROUND;
        int Y0 = (int)lrint((e * v + f) * AB_SCALE) + ROUND;
        for (int u = 0; u < dw; u++) {
            int X = (X0 + (int)lrint(a * u * AB_SCALE)) >> 5;
            int Y = (Y0 + (int)lrint(d * u * AB_SCALE)) >> 5;
            int x0 = X >> 5, y0 = Y >> 5, fx = X & 31, fy = Y & 31;
            int wgt[4] = {(32 - fx) * (32 - fy) * 32, fx * (32 - fy) * 32, (32 - fx) * fy * 32, fx * fy * 32};
            int acc[3] = {0, 0, 0};
            for (int k = 0; k < 4; k++) {
                int xx = x0 + (k & 1), yy = y0 + (k >> 1);
                if (xx < 0 || yy < 0 || xx >= sw || yy >= sh)
                    continue;
                const uint8_t *p = src + ((size_t)yy * sw + xx) * 3;
                for (int ch = 0; ch < 3; ch++)
                    acc[ch] += wgt[k] * p[ch];
            }
            uint8_t *q = dst + ((size_t)v * dw + u) * 3;
            for (int ch = 0; ch < 3; ch++) {
                int r = (acc[ch] + (1 << 14)) >> 15;
                q[ch] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
            }
        }
    }
    return FC_OK;
}

void fc_flip_lr_rgb(uint8_t *img, int w, int h)
{
    for (int y = 0; y < h; y++) {
        uint8_t *row = img + (size_t)y * w * 3;
        for (int x = 0; x < w / 2; x++)
            for (int c = 0; c < 3; c++) {
                uint8_t t = row[x * 3 + c];
                row[x * 3 + c] = row[(w - 1 - x) * 3 + c];
                row[(w - 1 - x) * 3 + c] = t;
            }
    }
}
