/* test_tflite_ops.c — ops the four shipped models do not use, in a graph written by tests/tflite_build.h
 * and checked against plain double-precision reference code: PAD, DEPTHWISE_CONV_2D with depth
 * multiplier 2 + dilation 2 + VALID + RELU6, AVERAGE_POOL_2D SAME, LEAKY_RELU, DEQUANTIZE of float16
 * weights, CONV_2D stride 2 SAME, MEAN, FULLY_CONNECTED, CONCATENATION, DIV (broadcast), L2_NORMALIZATION,
 * MAX_POOL_2D VALID; at batch 2 (the file's) and 5 (batch-parallel workers). */
#include "facecluster/nn.h"
#include "harness.h"
#include "tflite_build.h"

enum { B = 2, H0 = 7, W0 = 6, C0 = 4 };

static uint16_t to_half(float x) /* exact for the small dyadic values used here */
{
    if (x == 0)
        return 0;
    uint16_t s = x < 0 ? 0x8000 : 0;
    x = fabsf(x);
    int e;
    float m = frexpf(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    return (uint16_t)(s | (uint16_t)((e + 14) << 10) | (uint16_t)((m * 2 - 1) * 1024));
}

static float wdw[3 * 3 * 8], bdw[8], wcv[5 * 3 * 3 * 8], bcv[5], wfc[3 * 5], bfc[3], scl[8];
static uint16_t wcv_h[5 * 3 * 3 * 8];
static const int32_t pads[8] = {0, 0, 1, 1, 2, 0, 0, 0}, axes[2] = {1, 2};

static void init_weights(void)
{
    for (int i = 0; i < 72; i++)
        wdw[i] = (float)((i * 7) % 11 - 5) / 8;
    for (int i = 0; i < 8; i++)
        bdw[i] = (float)(i % 3) / 4 - 0.25f, scl[i] = 0.5f + (float)i / 4;
    for (int i = 0; i < 360; i++) {
        wcv[i] = (float)((i * 5) % 13 - 6) / 16;
        wcv_h[i] = to_half(wcv[i]);
    }
    for (int i = 0; i < 5; i++)
        bcv[i] = (float)i / 8 - 0.3125f;
    for (int i = 0; i < 15; i++)
        wfc[i] = (float)((i * 3) % 7 - 3) / 4;
    for (int i = 0; i < 3; i++)
        bfc[i] = (float)i / 2;
}

static uint8_t *build(size_t *len)
{
    static const tb_tensor t[] = {
        {4, {B, H0, W0, C0}, 0, NULL, "in"},     {2, {4, 2}, 2, pads, "pads"},
        {4, {B, 9, 8, 4}, 0, NULL, "padded"},     {4, {1, 3, 3, 8}, 0, wdw, "dw_w"},
        {1, {8}, 0, bdw, "dw_b"},                 {4, {B, 5, 4, 8}, 0, NULL, "dw"},
        {4, {B, 3, 2, 8}, 0, NULL, "avg"},        {4, {B, 3, 2, 8}, 0, NULL, "leaky"},
        {4, {5, 3, 3, 8}, 1, wcv_h, "conv_w16"},  {4, {5, 3, 3, 8}, 0, NULL, "conv_w"},
        {1, {5}, 0, bcv, "conv_b"},               {4, {B, 2, 1, 5}, 0, NULL, "conv"},
        {1, {2}, 2, axes, "axes"},                {2, {B, 5}, 0, NULL, "mean"},
        {2, {3, 5}, 0, wfc, "fc_w"},              {1, {3}, 0, bfc, "fc_b"},
        {2, {B, 3}, 0, NULL, "fc"},               {2, {B, 8}, 0, NULL, "cat"},
        {1, {8}, 0, scl, "scale"},                {2, {B, 8}, 0, NULL, "div"},
        {2, {B, 8}, 0, NULL, "l2"},               {4, {B, 2, 1, 8}, 0, NULL, "maxpool"},
    };
    const tb_op ops[] = {
        {34, 2, {0, 1}, 1, {2}, 0, {0}},                                        /* PAD */
        {4, 3, {2, 3, 4}, 1, {5}, 7, {1, 1, 1, 2, 3, 2, 2}},                    /* DEPTHWISE */
        {1, 1, {5}, 1, {6}, 6, {0, 2, 2, 2, 2, 0}},                             /* AVERAGE_POOL */
        {98, 1, {6}, 1, {7}, 1, {tb_f(0.1f)}},                                  /* LEAKY_RELU */
        {6, 1, {8}, 1, {9}, 0, {0}},                                            /* DEQUANTIZE */
        {3, 3, {7, 9, 10}, 1, {11}, 6, {0, 2, 2, 0, 1, 1}},                     /* CONV_2D */
        {40, 2, {11, 12}, 1, {13}, 1, {0}},                                     /* MEAN */
        {9, 3, {13, 14, 15}, 1, {16}, 3, {0, 0, 0}},                            /* FULLY_CONNECTED */
        {2, 2, {16, 13}, 1, {17}, 2, {1, 0}},                                   /* CONCATENATION */
        {42, 2, {17, 18}, 1, {19}, 1, {0}},                                     /* DIV */
        {11, 1, {19}, 1, {20}, 1, {0}},                                         /* L2_NORMALIZATION */
        {17, 1, {5}, 1, {21}, 6, {1, 2, 2, 3, 3, 0}},                           /* MAX_POOL */
    };
    static const int in[] = {0}, out[] = {20, 21};
    return tb_build(t, (int)(sizeof t / sizeof t[0]), ops, (int)(sizeof ops / sizeof ops[0]), in, 1, out, 2, len);
}

/* ---- reference (double, naive loops) ---- */
#define AT(a, h, w, c, y, x, k) (a)[(((size_t)n * (h) + (y)) * (w) + (x)) * (c) + (k)]

static void reference(int N, const float *in, double *l2, double *mp)
{
    double *pad = calloc((size_t)N * 9 * 8 * 4, sizeof(double)), *dw = calloc((size_t)N * 5 * 4 * 8, sizeof(double));
    double *av = calloc((size_t)N * 3 * 2 * 8, sizeof(double)), *cv = calloc((size_t)N * 2 * 5, sizeof(double));
    for (int n = 0; n < N; n++) {
        for (int y = 0; y < H0; y++)
            for (int x = 0; x < W0; x++)
                for (int c = 0; c < 4; c++)
                    AT(pad, 9, 8, 4, y + 1, x + 2, c) = AT(in, H0, W0, C0, y, x, c);
        for (int y = 0; y < 5; y++) /* depthwise, mult 2, dilation 2, VALID, RELU6 */
            for (int x = 0; x < 4; x++)
                for (int o = 0; o < 8; o++) {
                    double s = bdw[o];
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++)
                            s += AT(pad, 9, 8, 4, y + 2 * ky, x + 2 * kx, o / 2) * wdw[(ky * 3 + kx) * 8 + o];
                    AT(dw, 5, 4, 8, y, x, o) = fmin(fmax(s, 0), 6);
                }
        for (int y = 0; y < 3; y++) /* avg pool 2x2/2 SAME: out 3x2, pad_total h = 1 (pad top 0) */
            for (int x = 0; x < 2; x++)
                for (int c = 0; c < 8; c++) {
                    double s = 0;
                    int cnt = 0;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                            if (2 * y + dy < 5 && 2 * x + dx < 4) {
                                s += AT(dw, 5, 4, 8, 2 * y + dy, 2 * x + dx, c);
                                cnt++;
                            }
                    s /= cnt;
                    AT(av, 3, 2, 8, y, x, c) = s > 0 ? s : 0.1 * s; /* leaky relu */
                }
        for (int y = 0; y < 2; y++) /* conv 3x3/2 SAME on 3x2: out 2x1; pad_top = (1*2+3-3)/2 = 1, left = (0+3-2)/2 = 0 */
            for (int o = 0; o < 5; o++) {
                double s = bcv[o];
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++) {
                        int iy = 2 * y - 1 + ky, ix = kx;
                        if (iy < 0 || iy >= 3 || ix >= 2)
                            continue;
                        for (int c = 0; c < 8; c++)
                            s += AT(av, 3, 2, 8, iy, ix, c) * wcv[((o * 3 + ky) * 3 + kx) * 8 + c];
                    }
                cv[((size_t)n * 2 + y) * 5 + o] = s;
            }
        double mean[5], fc[3], cat[8], nrm = 0;
        for (int o = 0; o < 5; o++)
            mean[o] = (cv[((size_t)n * 2) * 5 + o] + cv[((size_t)n * 2 + 1) * 5 + o]) / 2;
        for (int j = 0; j < 3; j++) {
            fc[j] = bfc[j];
            for (int i = 0; i < 5; i++)
                fc[j] += mean[i] * wfc[j * 5 + i];
        }
        for (int i = 0; i < 8; i++) {
            cat[i] = (i < 3 ? fc[i] : mean[i - 3]) / scl[i];
            nrm += cat[i] * cat[i];
        }
        for (int i = 0; i < 8; i++)
            l2[n * 8 + i] = cat[i] / sqrt(nrm);
        for (int y = 0; y < 2; y++) /* max pool 3x3/2 VALID on 5x4: out 2x1 */
            for (int c = 0; c < 8; c++) {
                double mx = -1e30;
                for (int dy = 0; dy < 3; dy++)
                    for (int dx = 0; dx < 3; dx++)
                        mx = fmax(mx, AT(dw, 5, 4, 8, 2 * y + dy, dx, c));
                mp[((size_t)n * 2 + y) * 8 + c] = mx;
            }
    }
    free(pad), free(dw), free(av), free(cv);
}

static void check_batch(fc_nn_model *m, int N)
{
    CHECK(fc_nn_resize_input(m, 0, N, 0, 0, 0) == 0);
    size_t cnt = (size_t)N * H0 * W0 * C0;
    float *in = malloc(cnt * sizeof(float));
    for (size_t i = 0; i < cnt; i++)
        in[i] = (float)((i * 37) % 23) / 8 - 1.3f;
    CHECK(fc_nn_set_input(m, 0, in, cnt) == 0);
    CHECK(fc_nn_run(m) == 0);
    double *l2 = malloc((size_t)N * 8 * sizeof(double)), *mp = malloc((size_t)N * 16 * sizeof(double));
    reference(N, in, l2, mp);
    fc_nn_tensor_info a, b;
    fc_nn_output_info(m, 0, &a);
    fc_nn_output_info(m, 1, &b);
    CHECK(a.count == (size_t)N * 8 && b.count == (size_t)N * 16);
    double d1 = 0, d2 = 0;
    const float *o1 = fc_nn_output(m, 0), *o2 = fc_nn_output(m, 1);
    for (int i = 0; i < N * 8; i++)
        d1 = fmax(d1, fabs(o1[i] - l2[i]));
    for (int i = 0; i < N * 16; i++)
        d2 = fmax(d2, fabs(o2[i] - mp[i]));
    printf("  batch %d: L2 output max abs diff %.3g, max-pool output %.3g\n", N, d1, d2);
    CHECK(d1 < 1e-5);
    CHECK(d2 < 1e-5);
    free(in), free(l2), free(mp);
}

static void test_synthetic_graph(void)
{
    init_weights();
    size_t len;
    uint8_t *buf = build(&len);
    fc_nn_model *m = NULL;
    int rc = fc_nn_load_buffer(buf, len, "synthetic.tflite", &m);
    if (rc)
        fprintf(stderr, "  %s\n", fc_last_error());
    CHECK(rc == 0);
    if (m) {
        fc_nn_stats st;
        CHECK(fc_nn_stats_get(m, &st) == 0);
        CHECK(st.n_ops == 11); /* DEQUANTIZE of a constant is folded at load */
        check_batch(m, 2);
        check_batch(m, 5);
        check_batch(m, 1);
        fc_nn_free(m);
    }
    /* every truncation of this small file fails cleanly */
    for (size_t k = 0; k < len; k++) {
        uint8_t *c = malloc(k ? k : 1);
        memcpy(c, buf, k);
        fc_nn_model *t = NULL;
        CHECK(fc_nn_load_buffer(c, k, "cut.tflite", &t) != 0 || t != NULL);
        fc_nn_free(t);
        free(c);
    }
    free(buf);
}

static void test_unsupported_op(void)
{
    static const tb_tensor t[] = {{2, {1, 4}, 0, NULL, "x"}, {2, {1, 4}, 0, NULL, "y"}};
    const tb_op ops[] = {{28, 1, {0}, 1, {1}, 0, {0}}}; /* TANH */
    static const int in[] = {0}, out[] = {1};
    size_t len;
    uint8_t *buf = tb_build(t, 2, ops, 1, in, 1, out, 1, &len);
    fc_nn_model *m = NULL;
    CHECK(fc_nn_load_buffer(buf, len, "tanh.tflite", &m) == FC_EUNSUP);
    CHECK(strstr(fc_last_error(), "TANH") != NULL);
    free(buf);
}

TEST_MAIN(RUN(test_synthetic_graph); RUN(test_unsupported_op))
