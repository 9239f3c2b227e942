/* test_align.c — similarity estimation (exact on synthetic points) and aligned crops vs the golden ones. */
#include "harness.h"
#include "npy_any.h"
#include "facecluster/face.h"
#include "facecluster/resample.h"

static void test_similarity_exact(void)
{
    /* Points mapped by a known similarity are recovered exactly. */
    double s = 1.7, th = 0.3, tx = 12, ty = -5, src[10], dst[10], M[6];
    for (int i = 0; i < 5; i++) {
        src[2 * i] = fc_arcface_template[2 * i] * 0.8 + i, src[2 * i + 1] = fc_arcface_template[2 * i + 1] - 2 * i;
        dst[2 * i] = s * (cos(th) * src[2 * i] - sin(th) * src[2 * i + 1]) + tx;
        dst[2 * i + 1] = s * (sin(th) * src[2 * i] + cos(th) * src[2 * i + 1]) + ty;
    }
    CHECK(fc_align_similarity(src, dst, 5, M) == 0);
    CHECK_NEAR(M[0], s * cos(th), 1e-12);
    CHECK_NEAR(M[3], s * sin(th), 1e-12);
    CHECK_NEAR(M[2], tx, 1e-10);
    CHECK_NEAR(M[5], ty, 1e-10);
    double same[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK(fc_align_similarity(same, dst, 5, M) != 0);
}

static void test_warp_identity_and_flip(void)
{
    uint8_t a[4 * 3 * 3], b[4 * 3 * 3];
    for (int i = 0; i < 36; i++) a[i] = (uint8_t)(i * 7);
    double I[6] = {1, 0, 0, 0, 1, 0};
    CHECK(fc_warp_affine_bilinear(a, 4, 3, I, b, 4, 3) == 0);
    CHECK(memcmp(a, b, sizeof a) == 0);
    fc_flip_lr_rgb(b, 4, 3);
    CHECK(b[0] == a[9] && b[1] == a[10] && b[9] == a[0]);
}

static void test_golden_aligned(void)
{
    char p[400];
    if (!th_shared_path(p, sizeof p, "golden/faces/arcface_aligned_112_u8.npy"))
        SKIP("skipped: %s not found", p);
    npy_any gold;
    CHECK(npy_any_load(p, &gold) == 0);
    const char *imgs[3] = {"lfw_Anthony_Hopkins_0001", "lfw_Anthony_Hopkins_0002", "faceapi_sample1_480x320"};
    int face = 0;
    double worst = 0, mean = 0;
    for (int k = 0; k < 3; k++) {
        npy_any img, pts;
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/image_rgb_u8.npy", th_shared(), imgs[k]);
        CHECK(npy_any_load(p, &img) == 0);
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/final_points.npy", th_shared(), imgs[k]);
        CHECK(npy_any_load(p, &pts) == 0);
        int h = (int)img.shape[0], w = (int)img.shape[1], nf = (int)pts.shape[1];
        uint8_t *rgb = malloc(img.n), crop[112 * 112 * 3];
        for (size_t i = 0; i < img.n; i++) rgb[i] = (uint8_t)img.v[i];
        for (int j = 0; j < nf; j++, face++) {
            double lm[10];
            for (int q = 0; q < 5; q++) lm[2 * q] = pts.v[q * nf + j], lm[2 * q + 1] = pts.v[(5 + q) * nf + j];
            CHECK(fc_align_face(rgb, w, h, lm, crop) == 0);
            const double *g = gold.v + (size_t)face * 112 * 112 * 3;
            for (int i = 0; i < 112 * 112 * 3; i++) {
                double d = fabs(crop[i] - g[i]);
                worst = fmax(worst, d);
                mean += d;
            }
        }
        free(rgb);
        npy_any_free(&img);
        npy_any_free(&pts);
    }
    mean /= (double)face * 112 * 112 * 3;
    printf("  aligned crops vs golden: %d faces, max |diff| %.0f, mean %.4f grey levels\n", face, worst, mean);
    CHECK(face == 5);
    CHECK(worst <= 1 && mean < 0.05);
    npy_any_free(&gold);
}

TEST_MAIN(RUN(test_similarity_exact); RUN(test_warp_identity_and_flip); RUN(test_golden_aligned))
