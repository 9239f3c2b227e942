/* test_mtcnn_stages.c — MTCNN's non-network stages against the golden intermediate arrays: pyramid scales
 * and resized P-Net inputs, candidate generation + NMS from the golden P-Net maps, regression/squaring,
 * R-Net and O-Net crops, and stages 2/3 from the golden net outputs. Also the 5-point alignment. */
#include "harness.h"
#include "npy_any.h"
#include "face/mtcnn_stages.h"
#include "facecluster/face.h"

#include <math.h>

static const char *cases[] = {"lfw_Anthony_Hopkins_0001", "lfw_Anthony_Hopkins_0002", "faceapi_sample1_480x320"};

static int load(const char *cs, const char *name, npy_any *a)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/%s.npy", th_shared(), cs, name);
    return npy_any_load(p, a);
}

static double maxdiff_f(const float *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static void run_case(const char *cs)
{
    npy_any img, sc, a, b;
    CHECK(load(cs, "image_rgb_u8", &img) == 0);
    int h = (int)img.shape[0], w = (int)img.shape[1];
    uint8_t *rgb = malloc(img.n);
    for (size_t i = 0; i < img.n; i++) rgb[i] = (uint8_t)img.v[i];
    CHECK(load(cs, "scales", &sc) == 0);
    double scales[MTCNN_MAX_SCALES];
    int ns = mtcnn_scales(w, h, 20, 0.709, scales);
    CHECK(ns == (int)sc.n);
    for (int k = 0; k < ns && k < (int)sc.n; k++) CHECK_NEAR(scales[k], sc.v[k], 1e-15);

    double *cand = malloc(sizeof(double) * 9 * 200000);
    int ncand = 0;
    double worst_in = 0;
    for (int k = 0; k < ns; k++) {
        char nm[64];
        snprintf(nm, sizeof nm, "pnet_s%d_input", k);
        CHECK(load(cs, nm, &a) == 0);
        int ws, hs;
        float *in = malloc(sizeof(float) * (size_t)(w + 1) * (h + 1) * 3);
        CHECK(mtcnn_pnet_input(rgb, w, h, scales[k], in, &ws, &hs) == 0);
        CHECK(a.shape[1] == ws && a.shape[2] == hs);
        if (a.shape[1] == ws && a.shape[2] == hs) worst_in = fmax(worst_in, maxdiff_f(in, a.v, a.n));
        free(in);
        npy_any_free(&a);
        npy_any pr, rg;
        snprintf(nm, sizeof nm, "pnet_s%d_prob", k);
        CHECK(load(cs, nm, &pr) == 0);
        snprintf(nm, sizeof nm, "pnet_s%d_reg", k);
        CHECK(load(cs, nm, &rg) == 0);
        float *p = npy_any_f32(&pr), *r = npy_any_f32(&rg);
        int Wp = (int)pr.shape[1], Hp = (int)pr.shape[2];
        double *c = malloc(sizeof(double) * 9 * (size_t)Wp * Hp);
        int nc = mtcnn_generate(p, r, Wp, Hp, scales[k], 0.6, c);
        int *pick = malloc(sizeof(int) * (size_t)(nc + 1));
        int np_ = mtcnn_nms(c, 9, nc, 0.5, 0, pick);
        for (int j = 0; j < np_; j++) memcpy(cand + (size_t)(ncand++) * 9, c + (size_t)pick[j] * 9, sizeof(double) * 9);
        free(c); free(pick); free(p); free(r);
        npy_any_free(&pr); npy_any_free(&rg);
    }
    printf("  %s: max |pnet input - golden| = %.3g\n", cs, worst_in);
    CHECK(worst_in < 1e-6);

    double *s1 = malloc(sizeof(double) * 5 * (size_t)(ncand + 1)), *kept = malloc(sizeof(double) * 9 * (size_t)(ncand + 1));
    int n1 = mtcnn_stage1_finish(cand, ncand, s1, kept);
    CHECK(load(cs, "stage1_candidates", &a) == 0);
    CHECK(load(cs, "stage1_boxes", &b) == 0);
    CHECK(n1 == (int)a.shape[0]);
    if (n1 == (int)a.shape[0]) {
        /* The golden candidates are the same rows in their original (scale, cell) order: match each. */
        double d1 = 0, d2 = 0;
        for (int i = 0; i < n1; i++) {
            double best = 1e300;
            for (int j = 0; j < n1; j++) {
                double d = 0;
                for (int c = 0; c < 9; c++) d = fmax(d, fabs(kept[i * 9 + c] - a.v[j * 9 + c]));
                best = fmin(best, d);
            }
            d1 = fmax(d1, best);
        }
        for (size_t i = 0; i < b.n; i++) d2 = fmax(d2, fabs(s1[i] - b.v[i]));
        printf("  %s: stage 1: %d boxes, max diff candidates %.3g, boxes %.3g\n", cs, n1, d1, d2);
        CHECK(d1 < 1e-6 && d2 < 1e-6);
    }
    npy_any_free(&a); npy_any_free(&b);

    /* R-Net crops from the golden stage-1 boxes, then stage 2 from the golden R-Net outputs. */
    CHECK(load(cs, "stage1_boxes", &b) == 0);
    CHECK(load(cs, "rnet_input", &a) == 0);
    float *crop = malloc(sizeof(float) * 48 * 48 * 3);
    double dcrop = 0;
    for (long i = 0; i < b.shape[0]; i++) {
        mtcnn_crop(rgb, w, h, b.v + i * 5, 24, crop);
        dcrop = fmax(dcrop, maxdiff_f(crop, a.v + (size_t)i * 24 * 24 * 3, 24 * 24 * 3));
    }
    printf("  %s: max |rnet crop - golden| = %.3g\n", cs, dcrop);
    CHECK(dcrop < 1e-5);
    npy_any_free(&a);
    npy_any pr, rg, lm;
    CHECK(load(cs, "rnet_prob", &pr) == 0 && load(cs, "rnet_reg", &rg) == 0);
    float *p = npy_any_f32(&pr), *r = npy_any_f32(&rg);
    double *s2 = malloc(sizeof(double) * 5 * (size_t)(b.shape[0] + 1));
    int n2 = mtcnn_stage2(b.v, (int)b.shape[0], p, r, 0.7, s2);
    free(p); free(r); npy_any_free(&pr); npy_any_free(&rg); npy_any_free(&b);
    CHECK(load(cs, "stage2_boxes", &b) == 0);
    CHECK(n2 == (int)b.shape[0]);
    if (n2 == (int)b.shape[0]) {
        double d = 0;
        for (size_t i = 0; i < b.n; i++) d = fmax(d, fabs(s2[i] - b.v[i]));
        printf("  %s: stage 2: %d boxes, max diff %.3g\n", cs, n2, d);
        CHECK(d < 1e-6);
    }
    /* O-Net crops from the golden stage-2 boxes (truncated), then stage 3. */
    for (size_t i = 0; i < b.n; i++) b.v[i] = trunc(b.v[i]);
    CHECK(load(cs, "onet_input", &a) == 0);
    dcrop = 0;
    for (long i = 0; i < b.shape[0]; i++) {
        mtcnn_crop(rgb, w, h, b.v + i * 5, 48, crop);
        dcrop = fmax(dcrop, maxdiff_f(crop, a.v + (size_t)i * 48 * 48 * 3, 48 * 48 * 3));
    }
    printf("  %s: max |onet crop - golden| = %.3g\n", cs, dcrop);
    CHECK(dcrop < 1e-5);
    npy_any_free(&a);
    CHECK(load(cs, "onet_prob", &pr) == 0 && load(cs, "onet_reg", &rg) == 0 && load(cs, "onet_landmarks", &lm) == 0);
    p = npy_any_f32(&pr), r = npy_any_f32(&rg);
    float *l = npy_any_f32(&lm);
    double *fb = malloc(sizeof(double) * 5 * (size_t)(b.shape[0] + 1)), *fp = malloc(sizeof(double) * 10 * (size_t)(b.shape[0] + 1));
    int n3 = mtcnn_stage3(b.v, (int)b.shape[0], p, r, l, 0.7, fb, fp);
    npy_any fbg, fpg;
    CHECK(load(cs, "final_boxes", &fbg) == 0 && load(cs, "final_points", &fpg) == 0);
    CHECK(n3 == (int)fbg.shape[0]);
    if (n3 == (int)fbg.shape[0]) {
        double db = 0, dp = 0;
        for (size_t i = 0; i < fbg.n; i++) db = fmax(db, fabs(fb[i] - fbg.v[i]));
        for (int j = 0; j < n3; j++)
            for (int q = 0; q < 10; q++) dp = fmax(dp, fabs(fp[j * 10 + q] - fpg.v[q * n3 + j]));
        printf("  %s: final: %d faces, max diff boxes %.3g, points %.3g\n", cs, n3, db, dp);
        CHECK(db < 1e-6 && dp < 1e-4);
    }
    free(fb); free(fp); free(p); free(r); free(l);
    npy_any_free(&pr); npy_any_free(&rg); npy_any_free(&lm); npy_any_free(&fbg); npy_any_free(&fpg);
    npy_any_free(&b); free(crop); free(s1); free(kept); free(s2); free(cand); free(rgb);
    npy_any_free(&img); npy_any_free(&sc);
}

static void test_golden_stages(void)
{
    char p[400];
    if (!th_shared_path(p, sizeof p, "golden/mtcnn_e2e"))
        SKIP("skipped: %s not found", p);
    for (int i = 0; i < 3; i++) run_case(cases[i]);
}

static void test_nms_basics(void)
{
    /* Two overlapping boxes and one apart: union NMS keeps the best of the pair and the lone box. */
    double rows[15] = {0, 0, 9, 9, 0.9, 1, 1, 10, 10, 0.8, 50, 50, 60, 60, 0.7};
    int pick[3];
    CHECK(mtcnn_nms(rows, 5, 3, 0.5, 0, pick) == 2);
    CHECK(pick[0] == 0 && pick[1] == 2);
    /* "min" overlap: a small box inside a big one is suppressed even though IoU is small. */
    double r2[10] = {0, 0, 99, 99, 0.9, 10, 10, 19, 19, 0.8};
    CHECK(mtcnn_nms(r2, 5, 2, 0.7, 0, pick) == 2);
    CHECK(mtcnn_nms(r2, 5, 2, 0.7, 1, pick) == 1);
    double sq[5] = {10, 20, 30, 60, 1};
    mtcnn_rerec(sq, 5, 1);
    CHECK_NEAR(sq[2] - sq[0], 40, 1e-12);
    CHECK_NEAR(sq[0], 0, 1e-12);
}

TEST_MAIN(RUN(test_golden_stages); RUN(test_nms_basics))
