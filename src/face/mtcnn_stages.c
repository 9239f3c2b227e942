/* mtcnn_stages.c — MTCNN's box arithmetic, in FaceNet's conventions (see face.h): candidate generation,
 * NMS, regression, squaring, padded crops. Everything is in double precision like the numpy original. */
#include "face/mtcnn_stages.h"
#include "facecluster/core.h"
#include "facecluster/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int mtcnn_scales(int w, int h, double min_size, double factor, double *scales)
{
    double m = 12.0 / min_size;
    double minl = (w < h ? w : h) * m;
    int k = 0;
    while (minl >= 12 && k < MTCNN_MAX_SCALES) {
        scales[k] = m * pow(factor, k);
        minl *= factor;
        k++;
    }
    return k;
}

int mtcnn_pnet_input(const uint8_t *rgb, int w, int h, double scale, float *out, int *ws_out, int *hs_out)
{
    int hs = (int)ceil(h * scale), ws = (int)ceil(w * scale);
    uint8_t *lvl = malloc((size_t)hs * ws * 3);
    if (!lvl) return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    int rc = fc_resize_area_u8(rgb, w, h, 3, lvl, ws, hs);
    if (rc) {
        free(lvl);
        return rc;
    }
    /* The nets see transposed images: tensor[x][y][c]. */
    for (int x = 0; x < ws; x++)
        for (int y = 0; y < hs; y++)
            for (int c = 0; c < 3; c++)
                out[((size_t)x * hs + y) * 3 + c] = (float)((lvl[((size_t)y * ws + x) * 3 + c] - 127.5) * 0.0078125);
    free(lvl);
    *ws_out = ws;
    *hs_out = hs;
    return FC_OK;
}

int mtcnn_generate(const float *prob, const float *reg, int Wp, int Hp, double scale, double thresh, double *out)
{
    const int stride = 2, cell = 12;
    int n = 0;
    for (int x = 0; x < Wp; x++)
        for (int y = 0; y < Hp; y++) {
            float p = prob[((size_t)x * Hp + y) * 2 + 1];
            if (!(p >= thresh)) continue;
            double *r = out + (size_t)n * 9;
            r[0] = trunc((stride * x + 1) / scale);
            r[1] = trunc((stride * y + 1) / scale);
            r[2] = trunc((stride * x + cell) / scale);
            r[3] = trunc((stride * y + cell) / scale);
            r[4] = p;
            /* reg columns are filled below (see the single-candidate quirk) */
            r[5] = x;
            r[6] = y;
            n++;
        }
    for (int i = 0; i < n; i++) {
        double *r = out + (size_t)i * 9;
        int x = (int)r[5], y = (int)r[6];
        /* FaceNet's generateBoundingBox flips the regression maps upside down (in its transposed frame)
         * when exactly one cell passes; the reference keeps that behaviour, so do we. */
        if (n == 1) x = Wp - 1 - x;
        const float *g = reg + ((size_t)x * Hp + y) * 4;
        for (int c = 0; c < 4; c++) r[5 + c] = g[c];
    }
    return n;
}

typedef struct { double s; int i; } score_idx;

static int cmp_score(const void *a, const void *b)
{
    const score_idx *x = a, *y = b;
    if (x->s < y->s) return -1;
    if (x->s > y->s) return 1;
    return x->i - y->i; /* stable */
}

int mtcnn_nms(const double *rows, int stride, int n, double thresh, int use_min, int *pick)
{
    if (n <= 0) return 0;
    score_idx *I = malloc(sizeof *I * (size_t)n);
    double *area = malloc(sizeof *area * (size_t)n);
    if (!I || !area) {
        free(I);
        free(area);
        return fc_fail(FC_ENOMEM, "nms: out of memory");
    }
    for (int i = 0; i < n; i++) {
        const double *r = rows + (size_t)i * stride;
        I[i] = (score_idx){r[4], i};
        area[i] = (r[2] - r[0] + 1) * (r[3] - r[1] + 1);
    }
    qsort(I, (size_t)n, sizeof *I, cmp_score);
    int m = n, count = 0;
    while (m > 0) {
        int i = I[m - 1].i;
        pick[count++] = i;
        const double *a = rows + (size_t)i * stride;
        int keep = 0;
        for (int k = 0; k < m - 1; k++) {
            const double *b = rows + (size_t)I[k].i * stride;
            double xx1 = fmax(a[0], b[0]), yy1 = fmax(a[1], b[1]);
            double xx2 = fmin(a[2], b[2]), yy2 = fmin(a[3], b[3]);
            double iw = fmax(0.0, xx2 - xx1 + 1), ih = fmax(0.0, yy2 - yy1 + 1);
            double inter = iw * ih;
            double o = use_min ? inter / fmin(area[i], area[I[k].i]) : inter / (area[i] + area[I[k].i] - inter);
            if (o <= thresh) I[keep++] = I[k];
        }
        m = keep;
    }
    free(I);
    free(area);
    return count;
}

void mtcnn_rerec(double *rows, int stride, int n)
{
    for (int i = 0; i < n; i++) {
        double *r = rows + (size_t)i * stride;
        double h = r[3] - r[1], w = r[2] - r[0], l = fmax(w, h);
        r[0] = r[0] + w * 0.5 - l * 0.5;
        r[1] = r[1] + h * 0.5 - l * 0.5;
        r[2] = r[0] + l;
        r[3] = r[1] + l;
    }
}

int mtcnn_crop(const uint8_t *rgb, int w, int h, const double *box, int size, float *out)
{
    int x1 = (int)box[0], y1 = (int)box[1], x2 = (int)box[2], y2 = (int)box[3];
    int tw = x2 - x1 + 1, th = y2 - y1 + 1;
    if (tw <= 0 || th <= 0 || (size_t)tw * th > (size_t)1 << 28) {
        memset(out, 0, sizeof *out * (size_t)size * size * 3);
        return FC_OK;
    }
    double *tmp = calloc((size_t)tw * th * 3, sizeof *tmp);
    double *rs = malloc(sizeof *rs * (size_t)size * size * 3);
    if (!tmp || !rs) {
        free(tmp);
        free(rs);
        return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    }
    /* Box pixel (c, r) is image pixel (x1 - 1 + c, y1 - 1 + r): FaceNet's pad() in 1-based coordinates. */
    for (int r = 0; r < th; r++) {
        int yy = y1 - 1 + r;
        if (yy < 0 || yy >= h) continue;
        for (int c = 0; c < tw; c++) {
            int xx = x1 - 1 + c;
            if (xx < 0 || xx >= w) continue;
            for (int ch = 0; ch < 3; ch++)
                tmp[((size_t)r * tw + c) * 3 + ch] = rgb[((size_t)yy * w + xx) * 3 + ch];
        }
    }
    int rc = fc_resize_area_f64(tmp, tw, th, 3, rs, size, size);
    if (rc == 0)
        for (int x = 0; x < size; x++)
            for (int y = 0; y < size; y++)
                for (int ch = 0; ch < 3; ch++)
                    out[((size_t)x * size + y) * 3 + ch] = (float)((rs[((size_t)y * size + x) * 3 + ch] - 127.5) * 0.0078125);
    free(tmp);
    free(rs);
    return rc;
}

int mtcnn_stage1_finish(double *cand, int n, double *out, double *kept)
{
    int *pick = malloc(sizeof *pick * (size_t)(n > 0 ? n : 1));
    if (!pick) return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    int k = mtcnn_nms(cand, 9, n, 0.7, 0, pick);
    if (k < 0) {
        free(pick);
        return k;
    }
    for (int j = 0; j < k; j++) {
        const double *c = cand + (size_t)pick[j] * 9;
        if (kept) memcpy(kept + (size_t)j * 9, c, sizeof(double) * 9);
        double regw = c[2] - c[0], regh = c[3] - c[1];
        double *o = out + (size_t)j * 5;
        o[0] = c[0] + c[5] * regw;
        o[1] = c[1] + c[6] * regh;
        o[2] = c[2] + c[7] * regw;
        o[3] = c[3] + c[8] * regh;
        o[4] = c[4];
    }
    mtcnn_rerec(out, 5, k);
    for (int j = 0; j < k; j++)
        for (int c = 0; c < 4; c++) out[(size_t)j * 5 + c] = trunc(out[(size_t)j * 5 + c]);
    free(pick);
    return k;
}

/* bbreg: boxes grow by reg · (w + 1) — the stage 2/3 convention. */
static void bbreg(double *b, const float *reg)
{
    double w = b[2] - b[0] + 1, h = b[3] - b[1] + 1;
    double n0 = b[0] + reg[0] * w, n1 = b[1] + reg[1] * h, n2 = b[2] + reg[2] * w, n3 = b[3] + reg[3] * h;
    b[0] = n0, b[1] = n1, b[2] = n2, b[3] = n3;
}

int mtcnn_stage2(const double *boxes, int n, const float *prob, const float *reg, double thresh, double *out)
{
    double *pass = malloc(sizeof *pass * 5 * (size_t)(n > 0 ? n : 1));
    int *idx = malloc(sizeof *idx * (size_t)(n > 0 ? n : 1));
    int *pick = malloc(sizeof *pick * (size_t)(n > 0 ? n : 1));
    if (!pass || !idx || !pick) {
        free(pass); free(idx); free(pick);
        return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        float s = prob[(size_t)i * 2 + 1];
        if (!(s > thresh)) continue;
        memcpy(pass + (size_t)m * 5, boxes + (size_t)i * 5, sizeof(double) * 4);
        pass[(size_t)m * 5 + 4] = s;
        idx[m++] = i;
    }
    int k = mtcnn_nms(pass, 5, m, 0.7, 0, pick);
    for (int j = 0; j < k; j++) {
        double *o = out + (size_t)j * 5;
        memcpy(o, pass + (size_t)pick[j] * 5, sizeof(double) * 5);
        bbreg(o, reg + (size_t)idx[pick[j]] * 4);
    }
    mtcnn_rerec(out, 5, k);
    free(pass); free(idx); free(pick);
    return k;
}

int mtcnn_stage3(const double *boxes, int n, const float *prob, const float *reg, const float *lm, double thresh,
                 double *out, double *pts)
{
    double *pass = malloc(sizeof *pass * 5 * (size_t)(n > 0 ? n : 1));
    double *pp = malloc(sizeof *pp * 10 * (size_t)(n > 0 ? n : 1));
    int *pick = malloc(sizeof *pick * (size_t)(n > 0 ? n : 1));
    if (!pass || !pp || !pick) {
        free(pass); free(pp); free(pick);
        return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        float s = prob[(size_t)i * 2 + 1];
        if (!(s > thresh)) continue;
        double *b = pass + (size_t)m * 5;
        memcpy(b, boxes + (size_t)i * 5, sizeof(double) * 4);
        b[4] = s;
        double w = b[2] - b[0] + 1, h = b[3] - b[1] + 1;
        const float *l = lm + (size_t)i * 10;
        for (int p = 0; p < 5; p++) {
            /* The reference writes these into a float32 array: round the same way. */
            pp[(size_t)m * 10 + p] = (float)(w * l[p] + b[0] - 1);
            pp[(size_t)m * 10 + 5 + p] = (float)(h * l[5 + p] + b[1] - 1);
        }
        bbreg(b, reg + (size_t)i * 4);
        m++;
    }
    int k = mtcnn_nms(pass, 5, m, 0.7, 1, pick);
    for (int j = 0; j < k; j++) {
        memcpy(out + (size_t)j * 5, pass + (size_t)pick[j] * 5, sizeof(double) * 5);
        memcpy(pts + (size_t)j * 10, pp + (size_t)pick[j] * 10, sizeof(double) * 10);
    }
    free(pass); free(pp); free(pick);
    return k;
}
