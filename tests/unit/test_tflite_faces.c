/* test_tflite_faces.c — the embedder on the five ArcFace-aligned real faces of ../shared/golden/faces:
 * preprocessing equals the reference input, L2 embeddings within 1e-5, the same-person squared distance
 * (0.321) and the whole distance matrix reproduced; batch size does not change the result. */
#include "facecluster/embedder.h"
#include "harness.h"
#include "npy_nd.h"

static int load(const char *file, npy_nd *a)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/golden/faces/%s", th_shared(), file);
    return npy_nd_read(p, a);
}

static void test_faces_embeddings(void)
{
    char p[4096];
    if (!th_shared_path(p, sizeof p, "golden/faces"))
        SKIP("skipped: ../shared/golden/faces not found");
    fc_embedder_spec spec = fc_embedder_spec_default();
    if (fc_nn_find_model(NULL, spec.model_file, p, sizeof p))
        SKIP("skipped: models not found, run scripts/fetch_models.sh");
    npy_nd crops, ref_in, ref_l2, ref_raw, ref_d;
    CHECK(load("arcface_aligned_112_u8.npy", &crops) == 0);
    CHECK(load("mobilefacenet_arcface_aligned_input.npy", &ref_in) == 0);
    CHECK(load("mobilefacenet_arcface_aligned_emb_l2.npy", &ref_l2) == 0);
    CHECK(load("mobilefacenet_arcface_aligned_emb_raw.npy", &ref_raw) == 0);
    CHECK(load("mobilefacenet_arcface_aligned_sqdist.npy", &ref_d) == 0);
    if (!crops.data || !ref_l2.data || !ref_d.data || !ref_raw.data)
        return;
    size_t n = (size_t)crops.dims[0];
    CHECK(n == 5 && crops.dims[1] == 112 && crops.dims[3] == 3);
    uint8_t *u8 = malloc(crops.count);
    for (size_t i = 0; i < crops.count; i++)
        u8[i] = (uint8_t)crops.data[i];
    for (int batch = 1; batch <= 32; batch += 31) { /* 5 batches of 1, one batch of 5 */
        spec.batch = batch;
        fc_embedder *e = NULL;
        CHECK(fc_embedder_new(&spec, NULL, &e) == 0);
        if (!e) {
            fprintf(stderr, "  %s\n", fc_last_error());
            break;
        }
        CHECK(fc_embedder_dim(e) == 192);
        float *emb = malloc(n * 192 * sizeof(float)), *raw = malloc(n * 192 * sizeof(float));
        CHECK(fc_embedder_embed(e, u8, n, emb, raw) == 0);
        double dl2 = 0, draw = 0, rmax = 0, dd = 0;
        for (size_t i = 0; i < n * 192; i++) {
            dl2 = fmax(dl2, fabs(emb[i] - ref_l2.data[i]));
            draw = fmax(draw, fabs(raw[i] - ref_raw.data[i]));
            rmax = fmax(rmax, fabs(ref_raw.data[i]));
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < 192; k++) {
                    double t = emb[i * 192 + k] - emb[j * 192 + k];
                    s += t * t;
                }
                dd = fmax(dd, fabs(s - ref_d.data[i * n + j]));
            }
        double same = 0;
        for (int k = 0; k < 192; k++)
            same += (emb[k] - emb[192 + k]) * (emb[k] - emb[192 + k]);
        printf("  batch %2d: L2 max abs diff %.3g, raw %.3g (max |raw| %.3g), sqdist %.3g, same-person %.4f\n",
               batch, dl2, draw, rmax, dd, same);
        CHECK(dl2 <= 1e-5);
        CHECK(draw <= 1e-5 * rmax);
        CHECK(dd <= 1e-4);
        CHECK_NEAR(same, 0.321, 5e-4);
        /* float input path with the reference preprocessing gives the same */
        if (ref_in.data) {
            float *emb2 = malloc(n * 192 * sizeof(float));
            CHECK(fc_embedder_embed_float(e, ref_in.data, n, emb2, NULL) == 0);
            double d2 = 0;
            for (size_t i = 0; i < n * 192; i++)
                d2 = fmax(d2, fabs(emb2[i] - emb[i]));
            CHECK(d2 <= 1e-6);
            free(emb2);
        }
        free(emb);
        free(raw);
        fc_embedder_free(e);
    }
    free(u8);
    npy_nd_free(&crops), npy_nd_free(&ref_in), npy_nd_free(&ref_l2), npy_nd_free(&ref_raw), npy_nd_free(&ref_d);
}

static void test_embedder_missing_model(void)
{
    fc_embedder_spec spec = fc_embedder_spec_default();
    snprintf(spec.model_file, sizeof spec.model_file, "no_such_model.tflite");
    fc_embedder *e = NULL;
    CHECK(fc_embedder_new(&spec, "/nonexistent", &e) == FC_EIO);
    CHECK(e == NULL);
    CHECK(strstr(fc_last_error(), "fetch_models.sh") != NULL);
    CHECK(strstr(fc_last_error(), "/nonexistent") != NULL);
}

TEST_MAIN(RUN(test_faces_embeddings); RUN(test_embedder_missing_model))
