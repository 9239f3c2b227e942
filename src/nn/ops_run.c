/* ops_run.c — the kernels. float32 NHWC. Convolutions: im2col (in row blocks, so the scratch stays small
 * for any image size) + OpenBLAS SGEMM, or GEMM straight on the input for 1×1 stride-1 convolutions; bias
 * and activation (including a fused PReLU) applied to each block right after its GEMM while it is in cache.
 * Depthwise convolutions and everything else: direct OpenMP loops vectorised over channels. BLAS is never
 * called inside an OpenMP region. Shapes were validated by nn_infer_op. */
#include "nn/nn_internal.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define T(i) (&m->t[op->in[i]])
#define OUT (&m->t[op->out[0]])

/* Rows of one im2col / GEMM block: ~0.5 M floats (2 MB; measured best among 64 K..2 M) of scratch or output, so that the im2col rows, the GEMM
 * result and its epilogue stay in the core's cache. */
static size_t block_rows(size_t K, size_t O)
{
    size_t w = K > O ? K : O, r = ((size_t)1 << 19) / (w ? w : 1);
    return r < 64 ? 64 : r;
}

static int conv_is_direct_1x1(const nn_op *op, const nn_tensor *w)
{
    return op->code == TFL_CONV_2D && w->dims[1] == 1 && w->dims[2] == 1 && op->stride_h == 1 &&
           op->stride_w == 1 && op->pad_top == 0 && op->pad_left == 0;
}

/* How a GEMM-shaped op of M rows is split over nt threads: row blocks of `mb` rows (one thread each),
 * or, when there are too few rows to go round, column blocks of one shared row block. */
static size_t conv_mb(size_t M, size_t K, size_t O, int nt)
{
    size_t mb = block_rows(K, O), even = (M + (size_t)nt - 1) / (size_t)nt;
    if (even < mb)
        mb = even;
    return mb ? mb : 1;
}

static int split_columns(size_t M, int nt) { return nt > 1 && M < 32 * (size_t)nt; }

size_t nn_op_scratch(const fc_nn_model *m, const nn_op *op, int nt)
{
    if (op->code != TFL_CONV_2D || op->wt) /* the narrow direct kernel needs no im2col */
        return 0;
    const nn_tensor *w = &m->t[op->in[1]], *y = &m->t[op->out[0]];
    if (conv_is_direct_1x1(op, w))
        return 0;
    size_t K = (size_t)w->dims[1] * w->dims[2] * w->dims[3], M = y->count / (size_t)w->dims[0];
    if (split_columns(M, nt))
        return M * K;
    return conv_mb(M, K, (size_t)w->dims[0], nt) * K * (size_t)nt;
}

static inline float act1(float v, int act)
{
    switch (act) {
    case ACT_RELU: return v > 0 ? v : 0;
    case ACT_RELU6: return v < 0 ? 0 : v > 6 ? 6 : v;
    case ACT_RELU_N1_TO_1: return v < -1 ? -1 : v > 1 ? 1 : v;
    default: return v;
    }
}

/* rows × cols block of a row-major matrix with leading dimension ld: += bias, then the activation
 * (PReLU slope per channel when act == ACT_PRELU). Runs in the calling thread. */
static void epilogue(float *y, size_t rows, int cols, int ld, const float *bias, int act, const float *slope,
                     const float *res)
{
    if (!bias && act == ACT_NONE && !res)
        return;
    for (size_t r = 0; r < rows; r++) {
        float *p = y + r * (size_t)ld;
        if (bias) {
#pragma omp simd
            for (int c = 0; c < cols; c++)
                p[c] += bias[c];
        }
        if (act == ACT_PRELU) {
#pragma omp simd
            for (int c = 0; c < cols; c++)
                p[c] = p[c] > 0 ? p[c] : p[c] * slope[c];
        } else if (act == ACT_RELU) {
#pragma omp simd
            for (int c = 0; c < cols; c++)
                p[c] = p[c] > 0 ? p[c] : 0;
        } else if (act != ACT_NONE) {
            for (int c = 0; c < cols; c++)
                p[c] = act1(p[c], act);
        }
        if (res) { /* fused residual ADD (after the activation, as the graph had it) */
            const float *q = res + r * (size_t)ld;
#pragma omp simd
            for (int c = 0; c < cols; c++)
                p[c] += q[c];
        }
    }
}

static const float *slope_of(const fc_nn_model *m, const nn_op *op)
{
    return op->act == ACT_PRELU ? m->t[op->prelu_slope].data : NULL;
}

/* im2col of output rows [m0, m0 + rows) into col (rows × KH*KW*C, in the weights' (ky, kx, c) order). */
static void im2col(const nn_op *op, const nn_tensor *x, const nn_tensor *w, const nn_tensor *y, size_t m0,
                   size_t rows, float *col)
{
    int H = x->dims[1], W = x->dims[2], C = x->dims[3], OH = y->dims[1], OW = y->dims[2];
    int KH = w->dims[1], KW = w->dims[2];
    size_t K = (size_t)KH * KW * C;
    for (size_t r = 0; r < rows; r++) {
        size_t idx = m0 + r;
        int ox = (int)(idx % (size_t)OW), oy = (int)(idx / (size_t)OW % (size_t)OH);
        size_t n = idx / ((size_t)OW * OH);
        float *dst = col + r * K;
        for (int ky = 0; ky < KH; ky++) {
            int iy = oy * op->stride_h - op->pad_top + ky * op->dil_h;
            for (int kx = 0; kx < KW; kx++, dst += C) {
                int ix = ox * op->stride_w - op->pad_left + kx * op->dil_w;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                    memset(dst, 0, sizeof(float) * (size_t)C);
                else
                    memcpy(dst, x->data + (((n * H) + (size_t)iy) * W + (size_t)ix) * C, sizeof(float) * (size_t)C);
            }
        }
    }
}

/* One thread pool: OpenMP threads each run a single-threaded SGEMM on their own block (fc_nn_run sets
 * OpenBLAS to one thread for the duration), then that block's epilogue, while it is still in cache. */
static void gemm_op(fc_nn_model *m, nn_op *op, const nn_tensor *x, const nn_tensor *w, size_t M, int O, size_t K,
                    int use_col)
{
    nn_tensor *y = OUT;
    const float *bias = op->nin > 2 && op->in[2] >= 0 ? T(2)->data : NULL;
    const float *slope = slope_of(m, op);
    const float *res = op->residual >= 0 ? m->t[op->residual].data : NULL;
    int nt = m->plan_threads;
    /* small ops run in the calling thread: a parallel region's barrier costs more than it saves
     * (and much more when other programs compete for the cores) */
    int par = op->macs >= 16e6 * nt; /* >= ~0.5 ms of work per thread */
    if (split_columns(M, nt)) {
        const float *a = x->data;
        if (use_col) {
            im2col(op, x, w, y, 0, M, m->scratch);
            a = m->scratch;
        }
        int cb = (O + nt - 1) / nt;
        cb = (cb + 7) & ~7;
#pragma omp parallel for schedule(static) num_threads(nt) if (par)
        for (int c0 = 0; c0 < O; c0 += cb) {
            int cols = O - c0 < cb ? O - c0 : cb;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, cols, (int)K, 1.0f, a, (int)K,
                        w->data + (size_t)c0 * K, (int)K, 0.0f, y->data + c0, O);
            epilogue(y->data + c0, M, cols, O, bias ? bias + c0 : NULL, op->act, slope ? slope + c0 : NULL,
                     res ? res + c0 : NULL);
        }
        return;
    }
    size_t mb = conv_mb(M, K, (size_t)O, nt), nblocks = (M + mb - 1) / mb;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (par)
    for (size_t b = 0; b < nblocks; b++) {
        size_t m0 = b * mb, rows = M - m0 < mb ? M - m0 : mb;
        const float *a;
        if (use_col) {
            float *col = m->scratch + (size_t)omp_get_thread_num() * mb * K;
            im2col(op, x, w, y, m0, rows, col);
            a = col;
        } else {
            a = x->data + m0 * K;
        }
        float *out = y->data + m0 * (size_t)O;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, O, (int)K, 1.0f, a, (int)K, w->data,
                    (int)K, 0.0f, out, O);
        epilogue(out, rows, O, O, bias, op->act, slope, res ? res + m0 * (size_t)O : NULL);
    }
}

/* 16-float vectors (GCC/Clang vector extension): accumulators that stay in registers. Built without
 * AVX-512 they are emulated with narrower registers (correct, slower); the helpers are always inlined,
 * so the ABI note GCC gives for such builds does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v16f __attribute__((vector_size(64)));
static inline __attribute__((always_inline)) v16f ld16(const float *p)
{
    v16f v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline __attribute__((always_inline)) void st16(float *p, v16f v) { memcpy(p, &v, sizeof v); }

/* Narrow convolutions (≤ 32 output channels, no padding: MTCNN's P/R/O-Net) are too thin for GEMM to be
 * efficient. Direct kernel instead: weights re-laid out once as [K][16·O16] (zero-padded), 4 output pixels
 * × O16 vectors of accumulators, each input value broadcast against a weight vector. */
static int conv_is_narrow(const nn_op *op, const nn_tensor *w)
{
    return op->code == TFL_CONV_2D && w->dims[0] <= 32 && op->pad_top == 0 && op->pad_left == 0 &&
           op->padding == PAD_VALID && !conv_is_direct_1x1(op, w);
}

static int narrow_weights(nn_op *op, const nn_tensor *w)
{
    if (op->wt)
        return 0;
    int O = w->dims[0], O16 = (O + 15) / 16;
    size_t K = (size_t)w->dims[1] * w->dims[2] * w->dims[3];
    float *wt = calloc(K * 16 * (size_t)O16, sizeof(float));
    if (!wt)
        return -1;
    for (int o = 0; o < O; o++)
        for (size_t k = 0; k < K; k++)
            wt[k * 16 * (size_t)O16 + (size_t)o] = w->data[(size_t)o * K + k];
    op->wt = wt;
    return 0;
}

int nn_prepare_op(fc_nn_model *m, nn_op *op)
{
    if (op->dead || op->code != TFL_CONV_2D || !conv_is_narrow(op, &m->t[op->in[1]]))
        return 0;
    return narrow_weights(op, &m->t[op->in[1]]) ? fc_fail(FC_ENOMEM, "%s: out of memory", m->name) : 0;
}

static void run_conv_narrow(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0), *w = T(1);
    nn_tensor *y = OUT;
    const float *bias = op->nin > 2 && op->in[2] >= 0 ? T(2)->data : NULL;
    const float *slope = slope_of(m, op);
    const float *res = op->residual >= 0 ? m->t[op->residual].data : NULL;
    int N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    int OH = y->dims[1], OW = y->dims[2], O = y->dims[3], KH = w->dims[1], KW = w->dims[2];
    int O16 = (O + 15) / 16, ld = 16 * O16;
    const float *wt = op->wt;
    float bpad[32] = {0};
    if (bias)
        memcpy(bpad, bias, sizeof(float) * (size_t)O);
    int par = op->macs >= 16e6 * m->plan_threads;
#pragma omp parallel for collapse(2) schedule(static) num_threads(m->plan_threads) if (par)
    for (int n = 0; n < N; n++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox0 = 0; ox0 < OW; ox0 += 4) {
                int np = OW - ox0 < 4 ? OW - ox0 : 4;
                v16f acc[4][2];
                for (int p = 0; p < 4; p++)
                    acc[p][0] = ld16(bpad), acc[p][1] = ld16(bpad + 16);
                /* without horizontal dilation the taps (kx, c) of one kernel row are KW·C consecutive
                 * floats in both the input row and the weights: one loop over them */
                int kxn = op->dil_w == 1 ? 1 : KW, Cn = op->dil_w == 1 ? KW * C : C;
                for (int ky = 0; ky < KH; ky++) {
                    size_t row = ((size_t)n * H + (size_t)oy * op->stride_h + (size_t)ky * op->dil_h) * W;
                    for (int kx = 0; kx < kxn; kx++) {
                        const float *ip[4];
                        for (int p = 0; p < 4; p++) {
                            int ox = ox0 + (p < np ? p : 0);
                            ip[p] = x->data + (row + (size_t)ox * op->stride_w + (size_t)kx * op->dil_w) * C;
                        }
                        const float *wk = wt + ((size_t)ky * KW + kx) * C * ld;
                        if (O16 == 1) {
                            for (int c = 0; c < Cn; c++) {
                                v16f w0 = ld16(wk + (size_t)c * ld);
                                acc[0][0] += ip[0][c] * w0;
                                acc[1][0] += ip[1][c] * w0;
                                acc[2][0] += ip[2][c] * w0;
                                acc[3][0] += ip[3][c] * w0;
                            }
                        } else {
                            for (int c = 0; c < Cn; c++) {
                                v16f w0 = ld16(wk + (size_t)c * ld), w1 = ld16(wk + (size_t)c * ld + 16);
                                acc[0][0] += ip[0][c] * w0, acc[0][1] += ip[0][c] * w1;
                                acc[1][0] += ip[1][c] * w0, acc[1][1] += ip[1][c] * w1;
                                acc[2][0] += ip[2][c] * w0, acc[2][1] += ip[2][c] * w1;
                                acc[3][0] += ip[3][c] * w0, acc[3][1] += ip[3][c] * w1;
                            }
                        }
                    }
                }
                for (int p = 0; p < np; p++) {
                    float tmp[32];
                    st16(tmp, acc[p][0]);
                    st16(tmp + 16, acc[p][1]);
                    size_t opix = (((size_t)n * OH + oy) * OW + (size_t)(ox0 + p)) * O;
                    float *o = y->data + opix;
                    memcpy(o, tmp, sizeof(float) * (size_t)O);
                    epilogue(o, 1, O, O, NULL, op->act, slope, res ? res + opix : NULL);
                }
            }
}

static void run_conv(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0), *w = T(1);
    const nn_tensor *y = OUT;
    if (op->wt) { /* laid out at load by nn_prepare_op */
        run_conv_narrow(m, op);
        return;
    }
    int O = y->dims[3];
    size_t K = (size_t)w->dims[1] * w->dims[2] * x->dims[3], M = (size_t)y->dims[0] * y->dims[1] * y->dims[2];
    gemm_op(m, op, x, w, M, O, K, !conv_is_direct_1x1(op, w));
}

/* Depthwise: one output pixel at a time, channels in blocks of 16 accumulated in registers over the
 * valid taps (the taps outside the image are skipped, i.e. zero padding), then bias and activation. */
static void run_depthwise(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0), *w = T(1);
    nn_tensor *y = OUT;
    const float *bias = op->nin > 2 && op->in[2] >= 0 ? T(2)->data : NULL;
    const float *slope = slope_of(m, op);
    const float *res = op->residual >= 0 ? m->t[op->residual].data : NULL;
    int N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3];
    int OH = y->dims[1], OW = y->dims[2], O = y->dims[3], KH = w->dims[1], KW = w->dims[2], mult = op->depth_mult;
    const float *wd = w->data;
    int act = op->act;
    size_t work = (size_t)y->count * (size_t)KH * KW;
#pragma omp parallel for collapse(2) schedule(static) if (work >= 16000000)
    for (int n = 0; n < N; n++)
        for (int oy = 0; oy < OH; oy++) {
            int iy0 = oy * op->stride_h - op->pad_top;
            int ky0 = 0, ky1 = KH;
            while (ky0 < KH && iy0 + ky0 * op->dil_h < 0)
                ky0++;
            while (ky1 > ky0 && iy0 + (ky1 - 1) * op->dil_h >= H)
                ky1--;
            for (int ox = 0; ox < OW; ox++) {
                size_t opix = (((size_t)n * OH + oy) * OW + ox) * O;
                float *o = y->data + opix;
                int ix0 = ox * op->stride_w - op->pad_left;
                int kx0 = 0, kx1 = KW;
                while (kx0 < KW && ix0 + kx0 * op->dil_w < 0)
                    kx0++;
                while (kx1 > kx0 && ix0 + (kx1 - 1) * op->dil_w >= W)
                    kx1--;
                if (mult != 1) {
                    for (int c = 0; c < O; c++)
                        o[c] = bias ? bias[c] : 0;
                    for (int ky = ky0; ky < ky1; ky++)
                        for (int kx = kx0; kx < kx1; kx++) {
                            const float *ip =
                                x->data + (((size_t)n * H + iy0 + ky * op->dil_h) * W + ix0 + kx * op->dil_w) * C;
                            const float *wp = wd + ((size_t)ky * KW + kx) * O;
                            for (int c = 0; c < C; c++)
                                for (int q = 0; q < mult; q++)
                                    o[c * mult + q] += ip[c] * wp[c * mult + q];
                        }
                } else {
                    int c0 = 0;
                    /* 4 independent accumulators: the taps' FMAs of one vector form a dependency chain,
                     * so several channel blocks are interleaved to hide the FMA latency */
                    for (; c0 + 64 <= C; c0 += 64) {
                        v16f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
                        if (bias) {
                            a0 = ld16(bias + c0), a1 = ld16(bias + c0 + 16);
                            a2 = ld16(bias + c0 + 32), a3 = ld16(bias + c0 + 48);
                        }
                        for (int ky = ky0; ky < ky1; ky++) {
                            const float *ip = x->data +
                                (((size_t)n * H + iy0 + ky * op->dil_h) * W + ix0) * C + c0;
                            const float *wp = wd + (size_t)ky * KW * O + c0;
                            for (int kx = kx0; kx < kx1; kx++) {
                                const float *a = ip + (size_t)kx * op->dil_w * C, *b = wp + (size_t)kx * O;
                                a0 += ld16(a) * ld16(b);
                                a1 += ld16(a + 16) * ld16(b + 16);
                                a2 += ld16(a + 32) * ld16(b + 32);
                                a3 += ld16(a + 48) * ld16(b + 48);
                            }
                        }
                        st16(o + c0, a0), st16(o + c0 + 16, a1), st16(o + c0 + 32, a2), st16(o + c0 + 48, a3);
                    }
                    for (; c0 + 16 <= C; c0 += 16) {
                        v16f acc = {0};
                        if (bias)
                            acc = ld16(bias + c0);
                        for (int ky = ky0; ky < ky1; ky++) {
                            const float *ip = x->data +
                                (((size_t)n * H + iy0 + ky * op->dil_h) * W + ix0) * C + c0;
                            const float *wp = wd + (size_t)ky * KW * O + c0;
                            for (int kx = kx0; kx < kx1; kx++) {
                                const float *a = ip + (size_t)kx * op->dil_w * C, *b = wp + (size_t)kx * O;
                                acc += ld16(a) * ld16(b);
                            }
                        }
                        st16(o + c0, acc);
                    }
                    if (c0 < C) { /* remainder channels */
                        for (int c = c0; c < C; c++)
                            o[c] = bias ? bias[c] : 0;
                        for (int ky = ky0; ky < ky1; ky++)
                            for (int kx = kx0; kx < kx1; kx++) {
                                const float *a = x->data +
                                    (((size_t)n * H + iy0 + ky * op->dil_h) * W + ix0 + kx * op->dil_w) * C;
                                const float *b = wd + ((size_t)ky * KW + kx) * O;
                                for (int c = c0; c < C; c++)
                                    o[c] += a[c] * b[c];
                            }
                    }
                }
                if (act == ACT_PRELU) {
#pragma omp simd
                    for (int c = 0; c < O; c++)
                        o[c] = o[c] > 0 ? o[c] : o[c] * slope[c];
                } else if (act != ACT_NONE) {
                    for (int c = 0; c < O; c++)
                        o[c] = act1(o[c], act);
                }
                if (res) {
#pragma omp simd
                    for (int c = 0; c < O; c++)
                        o[c] += res[opix + c];
                }
            }
        }
}

static void run_fc(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0), *w = T(1);
    int O = w->dims[0], In = w->dims[1];
    gemm_op(m, op, x, w, x->count / (size_t)In, O, (size_t)In, 0);
}

static void run_pool(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0);
    nn_tensor *y = OUT;
    int N = x->dims[0], H = x->dims[1], W = x->dims[2], C = x->dims[3], OH = y->dims[1], OW = y->dims[2];
    int is_max = op->code == TFL_MAX_POOL_2D;
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; n++)
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) {
                float *o = y->data + (((size_t)n * OH + oy) * OW + ox) * C;
                int y0 = oy * op->stride_h - op->pad_top, x0 = ox * op->stride_w - op->pad_left;
                int y1 = y0 + op->filter_h, x1 = x0 + op->filter_w;
                y0 = y0 < 0 ? 0 : y0, x0 = x0 < 0 ? 0 : x0, y1 = y1 > H ? H : y1, x1 = x1 > W ? W : x1;
                for (int c = 0; c < C; c++)
                    o[c] = is_max ? -FLT_MAX : 0;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) {
                        const float *ip = x->data + (((size_t)n * H + iy) * W + ix) * C;
                        if (is_max)
                            for (int c = 0; c < C; c++)
                                o[c] = ip[c] > o[c] ? ip[c] : o[c];
                        else
                            for (int c = 0; c < C; c++)
                                o[c] += ip[c];
                    }
                int cnt = (y1 - y0) * (x1 - x0);
                for (int c = 0; c < C; c++) {
                    if (!is_max)
                        o[c] = cnt > 0 ? o[c] / (float)cnt : 0;
                    o[c] = act1(o[c], op->act);
                }
            }
}

/* Strides of t's dims aligned right to rank nd, 0 where t broadcasts. */
static void bstrides(const nn_tensor *t, int nd, const int *odims, size_t *st)
{
    size_t s = 1;
    for (int d = nd - 1; d >= 0; d--) {
        int td = d - (nd - t->ndim);
        int dim = td >= 0 ? t->dims[td] : 1;
        st[d] = dim == 1 && odims[d] != 1 ? 0 : s;
        s *= (size_t)dim;
    }
}

static inline float binop(int code, float a, float b)
{
    switch (code) {
    case TFL_ADD: return a + b;
    case TFL_SUB: return a - b;
    case TFL_MUL: return a * b;
    case TFL_DIV: return a / b;
    default: return a > 0 ? a : a * b; /* PRELU */
    }
}

static void run_binary(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *a = T(0), *b = T(1);
    nn_tensor *y = OUT;
    int code = op->code, act = op->act;
    size_t n = y->count;
    if (a->count == n && b->count == n) {
#pragma omp parallel for schedule(static) if (n > 65536)
        for (size_t i = 0; i < n; i++)
            y->data[i] = act1(binop(code, a->data[i], b->data[i]), act);
        return;
    }
    int nd = y->ndim;
    size_t sa[FC_NN_MAX_DIMS], sb[FC_NN_MAX_DIMS];
    bstrides(a, nd, y->dims, sa);
    bstrides(b, nd, y->dims, sb);
    size_t inner = nd ? (size_t)y->dims[nd - 1] : 1, outer = inner ? n / inner : 0;
    size_t ia_in = nd ? sa[nd - 1] : 0, ib_in = nd ? sb[nd - 1] : 0;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t r = 0; r < outer; r++) {
        size_t rem = r, oa = 0, ob = 0;
        for (int d = nd - 2; d >= 0; d--) {
            size_t i = rem % (size_t)y->dims[d];
            rem /= (size_t)y->dims[d];
            oa += i * sa[d];
            ob += i * sb[d];
        }
        float *o = y->data + r * inner;
        for (size_t i = 0; i < inner; i++)
            o[i] = act1(binop(code, a->data[oa + i * ia_in], b->data[ob + i * ib_in]), act);
    }
}

static void run_unary(fc_nn_model *m, nn_op *op)
{
    const float *x = T(0)->data;
    nn_tensor *y = OUT;
    size_t n = y->count;
    int code = op->code;
    float alpha = op->alpha;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        switch (code) {
        case TFL_NEG: v = -v; break;
        case TFL_ABS: v = fabsf(v); break;
        case TFL_RELU: v = v > 0 ? v : 0; break;
        case TFL_RELU6: v = v < 0 ? 0 : v > 6 ? 6 : v; break;
        case TFL_EXP: v = expf(v); break;
        case TFL_LEAKY_RELU: v = v > 0 ? v : v * alpha; break;
        default: break; /* DEQUANTIZE of float data: a copy */
        }
        y->data[i] = v;
    }
}

static void run_softmax_l2(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0);
    nn_tensor *y = OUT;
    size_t inner = (size_t)x->dims[x->ndim - 1], rows = inner ? x->count / inner : 0;
    for (size_t r = 0; r < rows; r++) {
        const float *ip = x->data + r * inner;
        float *o = y->data + r * inner;
        if (op->code == TFL_SOFTMAX) {
            float mx = -INFINITY, s = 0;
            for (size_t i = 0; i < inner; i++)
                mx = ip[i] > mx ? ip[i] : mx;
            for (size_t i = 0; i < inner; i++)
                s += (o[i] = expf((ip[i] - mx) * op->beta));
            for (size_t i = 0; i < inner; i++)
                o[i] /= s;
        } else {
            double s = 0;
            for (size_t i = 0; i < inner; i++)
                s += (double)ip[i] * ip[i];
            float nrm = (float)sqrt(s);
            nrm = nrm > 1e-6f ? nrm : 1e-6f;
            for (size_t i = 0; i < inner; i++)
                o[i] = act1(ip[i] / nrm, op->act);
        }
    }
}

static void run_reduce(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0), *a = T(1);
    nn_tensor *y = OUT;
    int red[FC_NN_MAX_DIMS] = {0};
    for (size_t i = 0; i < a->count; i++) {
        int ax = ((int *)a->cdata)[i];
        red[ax < 0 ? ax + x->ndim : ax] = 1;
    }
    /* output stride of each input dim (0 for reduced dims) */
    size_t ost[FC_NN_MAX_DIMS], s = 1, nred = 1;
    for (int d = x->ndim - 1; d >= 0; d--) {
        ost[d] = red[d] ? 0 : s;
        if (!red[d])
            s *= (size_t)x->dims[d];
        else
            nred *= (size_t)x->dims[d];
    }
    float init = op->code == TFL_REDUCE_MAX ? -INFINITY : 0;
    for (size_t i = 0; i < y->count; i++)
        y->data[i] = init;
    for (size_t i = 0; i < x->count; i++) {
        size_t rem = i, o = 0;
        for (int d = x->ndim - 1; d >= 0; d--) {
            o += (rem % (size_t)x->dims[d]) * ost[d];
            rem /= (size_t)x->dims[d];
        }
        if (op->code == TFL_REDUCE_MAX)
            y->data[o] = x->data[i] > y->data[o] ? x->data[i] : y->data[o];
        else
            y->data[o] += x->data[i];
    }
    if (op->code == TFL_MEAN && nred)
        for (size_t i = 0; i < y->count; i++)
            y->data[i] /= (float)nred;
}

static void run_pad(fc_nn_model *m, nn_op *op)
{
    const nn_tensor *x = T(0);
    nn_tensor *y = OUT;
    const int *pv = T(1)->cdata;
    int nd = x->ndim;
    memset(y->data, 0, sizeof(float) * y->count);
    if (x->count == 0)
        return;
    size_t ost[FC_NN_MAX_DIMS], s = 1;
    for (int d = nd - 1; d >= 0; d--) {
        ost[d] = s;
        s *= (size_t)y->dims[d];
    }
    size_t inner = nd ? (size_t)x->dims[nd - 1] : 1, rows = x->count / inner;
    for (size_t r = 0; r < rows; r++) {
        size_t rem = r, o = nd ? (size_t)pv[2 * (nd - 1)] : 0;
        for (int d = nd - 2; d >= 0; d--) {
            o += (rem % (size_t)x->dims[d] + (size_t)pv[2 * d]) * ost[d];
            rem /= (size_t)x->dims[d];
        }
        memcpy(y->data + o, x->data + r * inner, sizeof(float) * inner);
    }
}

static void run_concat(fc_nn_model *m, nn_op *op)
{
    nn_tensor *y = OUT;
    int ax = op->axis;
    size_t outer = 1, oinner = 1;
    for (int d = 0; d < ax; d++)
        outer *= (size_t)y->dims[d];
    for (int d = ax; d < y->ndim; d++)
        oinner *= (size_t)y->dims[d];
    size_t at = 0;
    for (int i = 0; i < op->nin; i++) {
        const nn_tensor *t = T(i);
        size_t inner = outer ? t->count / outer : 0;
        for (size_t r = 0; r < outer; r++)
            memcpy(y->data + r * oinner + at, t->data + r * inner, sizeof(float) * inner);
        at += inner;
    }
    if (op->act != ACT_NONE)
        for (size_t i = 0; i < y->count; i++)
            y->data[i] = act1(y->data[i], op->act);
}

void nn_run_op(fc_nn_model *m, nn_op *op)
{
    switch (op->code) {
    case TFL_CONV_2D: run_conv(m, op); break;
    case TFL_DEPTHWISE_CONV_2D: run_depthwise(m, op); break;
    case TFL_FULLY_CONNECTED: run_fc(m, op); break;
    case TFL_MAX_POOL_2D:
    case TFL_AVERAGE_POOL_2D: run_pool(m, op); break;
    case TFL_ADD:
    case TFL_SUB:
    case TFL_MUL:
    case TFL_DIV:
    case TFL_PRELU: run_binary(m, op); break;
    case TFL_SOFTMAX:
    case TFL_L2_NORMALIZATION: run_softmax_l2(m, op); break;
    case TFL_MEAN:
    case TFL_SUM:
    case TFL_REDUCE_MAX: run_reduce(m, op); break;
    case TFL_PAD: run_pad(m, op); break;
    case TFL_CONCATENATION: run_concat(m, op); break;
    case TFL_RESHAPE: memcpy(OUT->data, T(0)->data, sizeof(float) * OUT->count); break;
    default: run_unary(m, op); break;
    }
}
