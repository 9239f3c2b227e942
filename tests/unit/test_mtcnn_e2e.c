/* test_mtcnn_e2e.c — the whole detector (with the project's TFLite engine) on the golden images:
 * same face counts, boxes and landmarks within 1e-3 px of the reference; the photo decoded from
 * image.png by libvips gives the same pixels as the golden array. */
#include "harness.h"
#include "npy_any.h"
#include "facecluster/face.h"
#include "facecluster/image.h"
#include "facecluster/nn.h"

static void test_golden_detect(void)
{
    char p[400];
    if (!th_shared_path(p, sizeof p, "golden/mtcnn_e2e"))
        SKIP("skipped: %s not found", p);
    char mp[4096];
    if (fc_nn_find_model(NULL, "pnet.tflite", mp, sizeof mp))
        SKIP("skipped: models not found (run scripts/fetch_models.sh)");
    fc_mtcnn *m;
    CHECK(fc_mtcnn_new(NULL, &m) == 0);
    if (!m) return;
    const char *cases[3] = {"lfw_Anthony_Hopkins_0001", "lfw_Anthony_Hopkins_0002", "faceapi_sample1_480x320"};
    double worst_box = 0, worst_pt = 0;
    for (int k = 0; k < 3; k++) {
        npy_any img, gb, gp;
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/image_rgb_u8.npy", th_shared(), cases[k]);
        CHECK(npy_any_load(p, &img) == 0);
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/final_boxes.npy", th_shared(), cases[k]);
        CHECK(npy_any_load(p, &gb) == 0);
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/final_points.npy", th_shared(), cases[k]);
        CHECK(npy_any_load(p, &gp) == 0);
        int h = (int)img.shape[0], w = (int)img.shape[1];
        uint8_t *rgb = malloc(img.n);
        for (size_t i = 0; i < img.n; i++) rgb[i] = (uint8_t)img.v[i];
        /* libvips decoding of the PNG gives the same pixels */
        fc_image im;
        snprintf(p, sizeof p, "%s/golden/mtcnn_e2e/%s/image.png", th_shared(), cases[k]);
        CHECK(fc_image_load(p, 0, &im) == 0);
        CHECK(im.w == w && im.h == h && memcmp(im.rgb, rgb, img.n) == 0);
        fc_image_free(&im);
        fc_face_det *f;
        int n;
        CHECK(fc_mtcnn_detect(m, rgb, w, h, NULL, &f, &n) == 0);
        CHECK(n == (int)gb.shape[0]);
        for (int i = 0; i < n && i < (int)gb.shape[0]; i++) {
            for (int c = 0; c < 4; c++) worst_box = fmax(worst_box, fabs(f[i].box[c] - gb.v[i * 5 + c]));
            for (int q = 0; q < 5; q++) {
                worst_pt = fmax(worst_pt, fabs(f[i].pts[2 * q] - gp.v[q * n + i]));
                worst_pt = fmax(worst_pt, fabs(f[i].pts[2 * q + 1] - gp.v[(5 + q) * n + i]));
            }
        }
        free(f);
        free(rgb);
        npy_any_free(&img); npy_any_free(&gb); npy_any_free(&gp);
    }
    printf("  golden e2e: max box diff %.3g px, max landmark diff %.3g px\n", worst_box, worst_pt);
    CHECK(worst_box < 1e-3 && worst_pt < 1e-3);
    fc_mtcnn_free(m);
}

TEST_MAIN(RUN(test_golden_detect))
