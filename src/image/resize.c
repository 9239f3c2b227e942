/* resize.c — OpenCV-compatible INTER_AREA resizing (the resampler FaceNet's MTCNN uses).
 * Written from the algorithm's definition: each destination pixel averages the source cells it covers,
 * with fractional weights at the cell edges; enlarging falls back to OpenCV's "area mode" bilinear. The
 * float/double operation order follows OpenCV so that uint8 rounding and box coordinates agree exactly. */
#include "facecluster/resample.h"
#include "facecluster/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int si, di; float alpha; } area_tab;

/* Source cells covering each destination cell along one axis. Returns the entry count. */
static int area_table(int ssize, int dsize, int cn, double scale, area_tab *tab)
{
    int k = 0;
    for (int dx = 0; dx < dsize; dx++) {
        double fsx1 = dx * scale, fsx2 = fsx1 + scale;
        double cell = fmin(scale, ssize - fsx1);
        int sx1 = (int)ceil(fsx1), sx2 = (int)floor(fsx2);
        if (sx2 > ssize - 1) sx2 = ssize - 1;
        if (sx1 > sx2) sx1 = sx2;
        if (sx1 - fsx1 > 1e-3)
            tab[k++] = (area_tab){(sx1 - 1) * cn, dx * cn, (float)((sx1 - fsx1) / cell)};
        for (int sx = sx1; sx < sx2; sx++)
            tab[k++] = (area_tab){sx * cn, dx * cn, (float)(1.0 / cell)};
        if (fsx2 - sx2 > 1e-3)
            tab[k++] = (area_tab){sx2 * cn, dx * cn, (float)(fmin(fmin(fsx2 - sx2, 1.0), cell) / cell)};
    }
    return k;
}

static inline uint8_t round_u8(float v)
{
    long r = lrintf(v); /* round half to even, like cvRound */
    return (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
}

/* The area average, instantiated for uint8 (float accumulators) and double (double accumulators). */
#define AREA_BODY(T, WT, STORE)                                                                          \
    int dwc = dw * cn;                                                                                   \
    area_tab *xt = malloc(sizeof *xt * (size_t)sw * cn * 2 + sizeof *xt);                                \
    area_tab *yt = malloc(sizeof *yt * (size_t)sh * 2 + sizeof *yt);                                     \
    WT *buf = malloc(sizeof(WT) * (size_t)dwc * 2);                                                      \
    if (!xt || !yt || !buf) {                                                                            \
        free(xt); free(yt); free(buf);                                                                   \
        return fc_fail(FC_ENOMEM, "resize: out of memory");                                              \
    }                                                                                                    \
    WT *sum = buf + dwc;                                                                                 \
    int nx = area_table(sw, dw, cn, scale_x, xt);                                                        \
    int ny = area_table(sh, dh, 1, scale_y, yt);                                                         \
    for (int i = 0; i < dwc; i++) sum[i] = 0;                                                            \
    int prev_dy = yt[0].di;                                                                              \
    for (int j = 0; j < ny; j++) {                                                                       \
        WT beta = yt[j].alpha;                                                                           \
        int dy = yt[j].di;                                                                               \
        const T *S = src + (size_t)yt[j].si * sw * cn;                                                   \
        for (int i = 0; i < dwc; i++) buf[i] = 0;                                                        \
        for (int k = 0; k < nx; k++) {                                                                   \
            WT alpha = xt[k].alpha;                                                                      \
            for (int c = 0; c < cn; c++)                                                                 \
                buf[xt[k].di + c] = buf[xt[k].di + c] + (WT)S[xt[k].si + c] * alpha;                    \
        }                                                                                                \
        if (dy != prev_dy) {                                                                             \
            T *D = dst + (size_t)prev_dy * dwc;                                                          \
            for (int i = 0; i < dwc; i++) {                                                              \
                D[i] = STORE(sum[i]);                                                                    \
                sum[i] = beta * buf[i];                                                                  \
            }                                                                                            \
            prev_dy = dy;                                                                                \
        } else {                                                                                         \
            for (int i = 0; i < dwc; i++) sum[i] += beta * buf[i];                                       \
        }                                                                                                \
    }                                                                                                    \
    T *D = dst + (size_t)prev_dy * dwc;                                                                  \
    for (int i = 0; i < dwc; i++) D[i] = STORE(sum[i]);                                                  \
    free(xt); free(yt); free(buf);                                                                       \
    return FC_OK;

#define STORE_U8(v) round_u8(v)
#define STORE_F64(v) (v)

static int area_u8(const uint8_t *src, int sw, int sh, int cn, uint8_t *dst, int dw, int dh, double scale_x,
                   double scale_y)
{
    AREA_BODY(uint8_t, float, STORE_U8)
}

static int area_f64(const double *src, int sw, int sh, int cn, double *dst, int dw, int dh, double scale_x,
                    double scale_y)
{
    AREA_BODY(double, double, STORE_F64)
}

/* OpenCV's INTER_AREA when enlarging: bilinear with "area mode" offsets (double data, float weights). */
static int linear_area_f64(const double *src, int sw, int sh, int cn, double *dst, int dw, int dh,
                           double inv_x, double inv_y, double scale_x, double scale_y)
{
    int *xofs = malloc(sizeof *xofs * (size_t)dw);
    float *xa = malloc(sizeof *xa * (size_t)dw * 2);
    double *r0 = malloc(sizeof *r0 * (size_t)dw * cn * 2);
    if (!xofs || !xa || !r0) {
        free(xofs); free(xa); free(r0);
        return fc_fail(FC_ENOMEM, "resize: out of memory");
    }
    double *r1 = r0 + (size_t)dw * cn;
    int xmax = dw;
    for (int dx = 0; dx < dw; dx++) {
        int sx = (int)floor(dx * scale_x);
        float fx = (float)((dx + 1) - (sx + 1) * inv_x);
        fx = fx <= 0 ? 0.f : fx - floorf(fx);
        if (sx < 0) fx = 0, sx = 0;
        if (sx + 1 >= sw) {
            if (dx < xmax) xmax = dx;
            if (sx >= sw - 1) fx = 0, sx = sw - 1;
        }
        xofs[dx] = sx;
        xa[2 * dx] = 1.f - fx;
        xa[2 * dx + 1] = fx;
    }
    for (int dy = 0; dy < dh; dy++) {
        int sy = (int)floor(dy * scale_y);
        float fy = (float)((dy + 1) - (sy + 1) * inv_y);
        fy = fy <= 0 ? 0.f : fy - floorf(fy);
        int s0 = sy < 0 ? 0 : sy > sh - 1 ? sh - 1 : sy;
        int s1 = sy + 1 < 0 ? 0 : sy + 1 > sh - 1 ? sh - 1 : sy + 1;
        float b0 = 1.f - fy, b1 = fy;
        const double *rows[2] = {src + (size_t)s0 * sw * cn, src + (size_t)s1 * sw * cn};
        double *outs[2] = {r0, r1};
        for (int r = 0; r < 2; r++) {
            const double *S = rows[r];
            double *Dd = outs[r];
            for (int dx = 0; dx < dw; dx++) {
                int sx = xofs[dx] * cn;
                for (int c = 0; c < cn; c++) {
                    if (dx < xmax)
                        Dd[dx * cn + c] = S[sx + c] * (double)xa[2 * dx] + S[sx + c + cn] * (double)xa[2 * dx + 1];
                    else
                        Dd[dx * cn + c] = S[sx + c];
                }
            }
        }
        double *D = dst + (size_t)dy * dw * cn;
        for (int i = 0; i < dw * cn; i++)
            D[i] = r0[i] * (double)b0 + r1[i] * (double)b1;
    }
    free(xofs); free(xa); free(r0);
    return FC_OK;
}

int fc_resize_area_u8(const uint8_t *src, int sw, int sh, int cn, uint8_t *dst, int dw, int dh)
{
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || cn <= 0)
        return fc_fail(FC_EARG, "resize: empty image (%dx%d -> %dx%d)", sw, sh, dw, dh);
    if (sw == dw && sh == dh) {
        memcpy(dst, src, (size_t)sw * sh * cn);
        return FC_OK;
    }
    double inv_x = (double)dw / sw, inv_y = (double)dh / sh;
    double scale_x = 1. / inv_x, scale_y = 1. / inv_y;
    if (scale_x < 1 || scale_y < 1)
        return fc_fail(FC_EUNSUP, "resize: uint8 enlarging is not supported (%dx%d -> %dx%d)", sw, sh, dw, dh);
    return area_u8(src, sw, sh, cn, dst, dw, dh, scale_x, scale_y);
}

int fc_resize_area_f64(const double *src, int sw, int sh, int cn, double *dst, int dw, int dh)
{
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || cn <= 0)
        return fc_fail(FC_EARG, "resize: empty image (%dx%d -> %dx%d)", sw, sh, dw, dh);
    if (sw == dw && sh == dh) {
        memcpy(dst, src, sizeof *dst * (size_t)sw * sh * cn);
        return FC_OK;
    }
    double inv_x = (double)dw / sw, inv_y = (double)dh / sh;
    double scale_x = 1. / inv_x, scale_y = 1. / inv_y;
    if (scale_x >= 1 && scale_y >= 1)
        return area_f64(src, sw, sh, cn, dst, dw, dh, scale_x, scale_y);
    return linear_area_f64(src, sw, sh, cn, dst, dw, dh, inv_x, inv_y, scale_x, scale_y);
}
