/* test_mtcnn_e2e.c — the whole detector (with the project's TFLite engine) on the golden images:
 * same face counts, boxes and landmarks within 1e-3 px of the reference; the photo decoded from
 * image.png by libvips gives the same pixels as the golden array. */
#include "harness.h"
#include "npy_any.h"
#include "facecluster/face.h"
#include "facecluster/image.h"
#include "facecluster/nn.h"
#include "facecluster/embedder.h"

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
    double worst_box = 0, worst_pt = 0, worst_emb = 0;
    int crop_diff = 0, face = 0;
    npy_any gcrop, gemb;
    snprintf(p, sizeof p, "%s/golden/faces/arcface_aligned_112_u8.npy", th_shared());
    CHECK(npy_any_load(p, &gcrop) == 0);
    snprintf(p, sizeof p, "%s/golden/faces/mobilefacenet_arcface_aligned_emb_l2.npy", th_shared());
    CHECK(npy_any_load(p, &gemb) == 0);
    fc_embedder *emb = NULL;
    fc_embedder_spec spec = fc_embedder_spec_default();
    CHECK(fc_embedder_new(&spec, NULL, &emb) == 0);
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
        for (int i = 0; i < n && emb && face < 5; i++, face++) {
            uint8_t crop[112 * 112 * 3];
            float e[192];
            CHECK(fc_align_face(rgb, w, h, f[i].pts, crop) == 0);
            for (int q = 0; q < 112 * 112 * 3; q++) crop_diff += crop[q] != (uint8_t)gcrop.v[(size_t)face * 112 * 112 * 3 + q];
            CHECK(fc_embedder_embed(emb, crop, 1, e, NULL) == 0);
            for (int q = 0; q < 192; q++) worst_emb = fmax(worst_emb, fabs(e[q] - gemb.v[(size_t)face * 192 + q]));
        }
        free(f);
        free(rgb);
        npy_any_free(&img); npy_any_free(&gb); npy_any_free(&gp);
    }
    printf("  golden e2e: max box diff %.3g px, max landmark diff %.3g px; %d faces: %d crop values differ, "
           "max |embedding - golden| %.3g\n", worst_box, worst_pt, face, crop_diff, worst_emb);
    CHECK(worst_box < 1e-3 && worst_pt < 1e-3);
    /* our landmarks differ from the golden ones by ~3e-5 px, which flips a few 1/32-px warp positions:
     * a handful of crop values move by one grey level, and the embeddings by ~2e-4 */
    CHECK(face == 5 && crop_diff < 200 && worst_emb < 1e-3);
    fc_embedder_free(emb);
    npy_any_free(&gcrop);
    npy_any_free(&gemb);
    fc_mtcnn_free(m);
}

TEST_MAIN(RUN(test_golden_detect))
