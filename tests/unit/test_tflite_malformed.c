/* test_tflite_malformed.c — hostile and broken model files: truncated at many lengths, flipped bytes,
 * bad offsets, wrong identifier/version, missing files. Each must give an error with a reason (never a
 * crash or an out-of-bounds read: run under `make asan`); whatever still loads must also run. */
#include "facecluster/nn.h"
#include "harness.h"

#include <stdint.h>

static uint8_t *read_model(const char *name, size_t *len)
{
    char path[4096];
    if (fc_nn_find_model(NULL, name, path, sizeof path))
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Loads, and if it loads runs on zeros; returns the load status. */
static int try_load(const uint8_t *b, size_t n)
{
    fc_nn_model *m = NULL;
    int rc = fc_nn_load_buffer(b, n, "hostile.tflite", &m);
    if (rc) {
        CHECK(m == NULL);
        CHECK(strlen(fc_last_error()) > 10);
        CHECK(rc == FC_EFORMAT || rc == FC_EUNSUP || rc == FC_ENOMEM || rc == FC_EARG);
        return rc;
    }
    fc_nn_stats st;
    if (fc_nn_resize_input(m, 0, 1, 16, 16, 0) == 0 && fc_nn_stats_get(m, &st) == 0 && st.macs < 1e8) {
        float *x = fc_nn_input_data(m, 0);
        fc_nn_tensor_info info;
        if (x && fc_nn_input_info(m, 0, &info) == 0)
            memset(x, 0, info.count * sizeof(float));
        fc_nn_run(m);
    }
    fc_nn_free(m);
    return 0;
}

static void test_truncated(void)
{
    size_t n;
    uint8_t *b = read_model("pnet.tflite", &n);
    if (!b)
        SKIP("skipped: models not found, run scripts/fetch_models.sh");
    int loaded = 0, failed = 0;
    for (size_t len = 0; len < n; len += len < 512 ? 1 : 97) {
        uint8_t *c = malloc(len ? len : 1); /* exact-size copy: ASan sees any over-read */
        memcpy(c, b, len);
        if (try_load(c, len))
            failed++;
        else
            loaded++;
        free(c);
    }
    printf("  truncations: %d rejected, %d still loadable\n", failed, loaded);
    CHECK(failed > 500);
    CHECK(try_load(b, n) == 0);
    free(b);
}

static void test_flipped_bytes(void)
{
    size_t n;
    uint8_t *b = read_model("pnet.tflite", &n);
    if (!b)
        SKIP("skipped: models not found, run scripts/fetch_models.sh");
    uint8_t *c = malloc(n);
    uint64_t s = 12345;
    int failed = 0, trials = 1500;
    for (int t = 0; t < trials; t++) {
        memcpy(c, b, n);
        int flips = 1 + t % 4;
        for (int k = 0; k < flips; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            /* bias towards the metadata at the start and end, where offsets live */
            size_t pos = (s >> 33) % (t % 2 ? n : 4096 < n ? 4096 : n);
            if (t % 3 == 0)
                pos = n - 1 - pos % (n < 8192 ? n : 8192);
            c[pos] = (uint8_t)(s >> 20);
        }
        if (try_load(c, n))
            failed++;
    }
    printf("  byte flips: %d of %d rejected (the rest hit weights or unused fields and ran)\n", failed, trials);
    free(c);
    free(b);
}

static void put32(uint8_t *b, size_t at, uint32_t v) { memcpy(b + at, &v, 4); }

static void test_bad_offsets_and_headers(void)
{
    size_t n;
    uint8_t *b = read_model("rnet.tflite", &n);
    if (!b)
        SKIP("skipped: models not found, run scripts/fetch_models.sh");
    uint8_t *c = malloc(n);
    static const uint32_t vals[] = {0, 1, 3, 4, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffcu, 65536};
    memcpy(c, b, n);
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) { /* root offset */
        put32(c, 0, vals[v]);
        CHECK(try_load(c, n) != 0 || vals[v] == 0);
    }
    memcpy(c, b, n);
    memcpy(c + 4, "TFL2", 4);
    CHECK(try_load(c, n) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "TFL3") != NULL);
    /* every 4-byte word in the first 2 KB overwritten with hostile values, one at a time */
    int rejected = 0;
    for (size_t at = 8; at + 4 <= 2048 && at + 4 <= n; at += 4)
        for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
            memcpy(c, b, n);
            put32(c, at, vals[v]);
            rejected += try_load(c, n) != 0;
        }
    printf("  hostile words: %d rejected\n", rejected);
    CHECK(rejected > 0);
    /* last words (the vtables and tensor tables the writer put at the end) */
    for (size_t at = n - 2048; at + 4 <= n; at += 4) {
        memcpy(c, b, n);
        put32(c, at, 0x7ffffff0u);
        try_load(c, n);
    }
    free(c);
    free(b);
}

static void test_not_a_model(void)
{
    fc_nn_model *m = NULL;
    CHECK(fc_nn_load("/nonexistent/x.tflite", &m) == FC_EIO);
    CHECK(strstr(fc_last_error(), "fetch_models") != NULL);
    static const uint8_t junk[] = "this is not a tflite model at all.....";
    CHECK(fc_nn_load_buffer(junk, sizeof junk, "junk", &m) == FC_EFORMAT);
    CHECK(fc_nn_load_buffer(junk, 3, "junk", &m) == FC_EFORMAT);
    CHECK(fc_nn_load_buffer(junk, 0, "junk", &m) == FC_EFORMAT);
    char path[4096];
    CHECK(fc_nn_find_model("/nonexistent_dir", "pnet.tflite", path, sizeof path) == FC_EIO);
    CHECK(strstr(fc_last_error(), "/nonexistent_dir") && strstr(fc_last_error(), "run scripts/fetch_models.sh"));
}

TEST_MAIN(RUN(test_truncated); RUN(test_flipped_bytes); RUN(test_bad_offsets_and_headers); RUN(test_not_a_model))
