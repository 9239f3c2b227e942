/* test_image.c — decoding odd photos made on the fly with libvips: grey, grey+alpha, RGBA, palette and
 * 16-bit PNG, CMYK JPEG, EXIF-rotated JPEG, WebP named .jpg, GIF without extension, PGM, TIFF, a huge
 * photo (shrunk on load), and the failures: truncated, empty, text named .jpg, missing. */
#include "harness.h"
#include "facecluster/image.h"
#include "facecluster/resample.h"

#include <vips/vips.h>

static char dir[256];

static const char *tmp(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* A w×h test card: left half red (200,30,30), right half blue (30,30,200), with `bands` bands of uchar
 * (or ushort when depth16): 1 = grey, 2 = grey+alpha, 3 = RGB, 4 = RGBA (alpha 0 in the top half). */
static VipsImage *card(int w, int h, int bands, int depth16)
{
    size_t n = (size_t)w * h * bands;
    uint16_t *p = malloc(n * 2);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint16_t *q = p + ((size_t)y * w + x) * bands;
            int left = x < w / 2;
            int rgb[3] = {left ? 200 : 30, 30, left ? 30 : 200};
            if (bands <= 2) q[0] = (uint16_t)(left ? 200 : 50);
            else for (int c = 0; c < 3; c++) q[c] = (uint16_t)rgb[c];
            if (bands == 2 || bands == 4) q[bands - 1] = y < h / 2 ? 0 : 255;
            if (depth16) for (int c = 0; c < bands; c++) q[c] = (uint16_t)(q[c] * 257);
        }
    VipsImage *im;
    if (depth16) {
        im = vips_image_new_from_memory_copy(p, n * 2, w, h, bands, VIPS_FORMAT_USHORT);
        im->Type = bands <= 2 ? VIPS_INTERPRETATION_GREY16 : VIPS_INTERPRETATION_RGB16;
    } else {
        uint8_t *b = malloc(n);
        for (size_t i = 0; i < n; i++) b[i] = (uint8_t)p[i];
        im = vips_image_new_from_memory_copy(b, n, w, h, bands, VIPS_FORMAT_UCHAR);
        im->Type = bands <= 2 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
        free(b);
    }
    free(p);
    return im;
}

static void px(const fc_image *im, int x, int y, int *rgb)
{
    for (int c = 0; c < 3; c++) rgb[c] = im->rgb[((size_t)y * im->w + x) * 3 + c];
}

static int near(const int *a, int r, int g, int b, int tol)
{
    return abs(a[0] - r) <= tol && abs(a[1] - g) <= tol && abs(a[2] - b) <= tol;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (n) fwrite(data, 1, n, fp);
    fclose(fp);
}

static void test_formats(void)
{
    CHECK(fc_vips_init() == 0);
    fc_image im;
    int p[3];
    /* PNG RGB: exact */
    VipsImage *c = card(64, 48, 3, 0);
    CHECK(vips_pngsave(c, tmp("rgb.png"), NULL) == 0);
    CHECK(fc_image_load(tmp("rgb.png"), 0, &im) == 0);
    CHECK(im.w == 64 && im.h == 48 && im.scale == 1.0);
    px(&im, 5, 5, p); CHECK(near(p, 200, 30, 30, 0));
    px(&im, 60, 40, p); CHECK(near(p, 30, 30, 200, 0));
    fc_image_free(&im);
    /* palette PNG */
    CHECK(vips_pngsave(c, tmp("pal.png"), "palette", TRUE, NULL) == 0);
    CHECK(fc_image_load(tmp("pal.png"), 0, &im) == 0);
    px(&im, 5, 5, p); CHECK(near(p, 200, 30, 30, 8));
    fc_image_free(&im);
    /* WebP with a .jpg name, GIF without extension, TIFF, PPM: recognised by content */
    CHECK(vips_webpsave(c, tmp("webp.tmp"), "lossless", TRUE, NULL) == 0);
    rename(tmp("webp.tmp"), tmp("really_webp.jpg"));
    CHECK(fc_image_load(tmp("really_webp.jpg"), 0, &im) == 0);
    px(&im, 5, 5, p); CHECK(near(p, 200, 30, 30, 0));
    fc_image_free(&im);
    if (vips_type_find("VipsOperation", "gifsave")) {
        CHECK(vips_gifsave(c, tmp("g.gif"), NULL) == 0);
        rename(tmp("g.gif"), tmp("subject01_noext"));
        CHECK(fc_image_load(tmp("subject01_noext"), 0, &im) == 0);
        px(&im, 5, 5, p); CHECK(near(p, 200, 30, 30, 12));
        fc_image_free(&im);
    }
    /* HEIF/AVIF when this libvips can write it (the encoder is optional) */
    if (vips_heifsave(c, tmp("h.avif"), "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "lossless", TRUE, NULL) == 0) {
        CHECK(fc_image_load(tmp("h.avif"), 0, &im) == 0);
        px(&im, 5, 5, p); CHECK(near(p, 200, 30, 30, 12));
        fc_image_free(&im);
    } else {
        vips_error_clear();
    }
    CHECK(vips_tiffsave(c, tmp("t.tif"), NULL) == 0);
    CHECK(fc_image_load(tmp("t.tif"), 0, &im) == 0);
    px(&im, 60, 5, p); CHECK(near(p, 30, 30, 200, 0));
    fc_image_free(&im);
    CHECK(vips_ppmsave(c, tmp("t.ppm"), NULL) == 0);
    CHECK(fc_image_load(tmp("t.ppm"), 0, &im) == 0 && im.w == 64);
    fc_image_free(&im);
    g_object_unref(c);
    /* grey PGM and grey PNG: three equal channels */
    c = card(40, 30, 1, 0);
    CHECK(vips_ppmsave(c, tmp("g.pgm"), NULL) == 0);
    CHECK(fc_image_load(tmp("g.pgm"), 0, &im) == 0);
    px(&im, 2, 2, p); CHECK(near(p, 200, 200, 200, 0));
    fc_image_free(&im);
    g_object_unref(c);
    /* grey + alpha: transparent top flattened onto white */
    c = card(40, 30, 2, 0);
    CHECK(vips_pngsave(c, tmp("ga.png"), NULL) == 0);
    CHECK(fc_image_load(tmp("ga.png"), 0, &im) == 0);
    px(&im, 2, 2, p); CHECK(near(p, 255, 255, 255, 0));
    px(&im, 2, 28, p); CHECK(near(p, 200, 200, 200, 0));
    fc_image_free(&im);
    g_object_unref(c);
    /* RGBA */
    c = card(40, 30, 4, 0);
    CHECK(vips_pngsave(c, tmp("rgba.png"), NULL) == 0);
    CHECK(fc_image_load(tmp("rgba.png"), 0, &im) == 0);
    px(&im, 2, 2, p); CHECK(near(p, 255, 255, 255, 0));
    px(&im, 2, 28, p); CHECK(near(p, 200, 30, 30, 0));
    fc_image_free(&im);
    g_object_unref(c);
    /* 16-bit RGB PNG → 8-bit */
    c = card(40, 30, 3, 1);
    CHECK(vips_pngsave(c, tmp("rgb16.png"), "bitdepth", 16, NULL) == 0);
    CHECK(fc_image_load(tmp("rgb16.png"), 0, &im) == 0);
    px(&im, 2, 2, p); CHECK(near(p, 200, 30, 30, 1));
    fc_image_free(&im);
    g_object_unref(c);
}

static void test_cmyk_and_orientation(void)
{
    fc_image im;
    int p[3];
    /* CMYK JPEG: pure-ish cyan (C=255) must come out cyan-ish, not red or black */
    size_t n = 32 * 32 * 4;
    uint8_t *b = calloc(n, 1);
    for (size_t i = 0; i < n; i += 4) b[i] = 255;
    VipsImage *c = vips_image_new_from_memory_copy(b, n, 32, 32, 4, VIPS_FORMAT_UCHAR);
    c->Type = VIPS_INTERPRETATION_CMYK;
    free(b);
    CHECK(vips_jpegsave(c, tmp("cmyk.jpg"), "Q", 95, NULL) == 0);
    g_object_unref(c);
    CHECK(fc_image_load(tmp("cmyk.jpg"), 0, &im) == 0);
    px(&im, 16, 16, p);
    printf("  CMYK cyan decoded as (%d, %d, %d)\n", p[0], p[1], p[2]);
    CHECK(p[0] < 80 && p[1] > 120 && p[2] > 180);
    fc_image_free(&im);
    /* EXIF orientation 6 (rotate 90° clockwise to display): 64×48 stored → 48×64 shown */
    c = card(64, 48, 3, 0);
    VipsImage *o;
    CHECK(vips_copy(c, &o, NULL) == 0);
    vips_image_set_int(o, "orientation", 6);
    CHECK(vips_jpegsave(o, tmp("rot6.jpg"), "Q", 95, NULL) == 0);
    CHECK(fc_image_load(tmp("rot6.jpg"), 0, &im) == 0);
    CHECK(im.w == 48 && im.h == 64 && im.orig_w == 48 && im.orig_h == 64);
    /* the stored left (red) half ends up on top after a clockwise turn */
    px(&im, 24, 5, p); CHECK(p[0] > 150 && p[2] < 80);
    px(&im, 24, 60, p); CHECK(p[2] > 150 && p[0] < 80);
    fc_image_free(&im);
    g_object_unref(o);
    g_object_unref(c);
}

static void test_huge_shrunk(void)
{
    fc_image im;
    VipsImage *c = card(4000, 3000, 3, 0);
    CHECK(vips_jpegsave(c, tmp("huge.jpg"), NULL) == 0);
    g_object_unref(c);
    CHECK(fc_image_load(tmp("huge.jpg"), 2048, &im) == 0);
    CHECK(im.w == 2048 && im.h == 1536);
    CHECK(im.orig_w == 4000 && im.orig_h == 3000);
    CHECK_NEAR(im.scale, 4000.0 / 2048, 1e-9);
    fc_image_free(&im);
    CHECK(fc_image_load(tmp("huge.jpg"), 0, &im) == 0 && im.w == 4000);
    fc_image_free(&im);
}

static void test_bad_files(void)
{
    fc_image im;
    write_bytes(tmp("empty.jpg"), "", 0);
    CHECK(fc_image_load(tmp("empty.jpg"), 0, &im) != 0);
    CHECK(strstr(fc_last_error(), "empty file") != NULL);
    write_bytes(tmp("text.jpg"), "hello, I am not a photo\n", 24);
    CHECK(fc_image_load(tmp("text.jpg"), 0, &im) != 0);
    CHECK(strstr(fc_last_error(), "not an image") != NULL);
    CHECK(strstr(fc_last_error(), "text.jpg") != NULL);
    CHECK(fc_image_load(tmp("missing.jpg"), 0, &im) != 0);
    CHECK(strstr(fc_last_error(), "unreadable") != NULL);
    /* a JPEG cut in half */
    VipsImage *c = card(256, 256, 3, 0);
    void *buf;
    size_t len;
    CHECK(vips_jpegsave_buffer(c, &buf, &len, NULL) == 0);
    write_bytes(tmp("trunc.jpg"), buf, len / 2);
    g_free(buf);
    CHECK(vips_pngsave_buffer(c, &buf, &len, NULL) == 0);
    write_bytes(tmp("trunc.png"), buf, len / 2);
    g_free(buf);
    g_object_unref(c);
    CHECK(fc_image_load(tmp("trunc.jpg"), 0, &im) != 0);
    printf("  truncated JPEG: %s\n", fc_last_error());
    CHECK(strstr(fc_last_error(), "truncated") != NULL);
    CHECK(fc_image_load(tmp("trunc.png"), 0, &im) != 0);
    CHECK(strstr(fc_last_error(), "truncated") != NULL);
}

static void test_resize_area_basics(void)
{
    /* 4×2 → 2×1 averages 2×2 blocks; 3 → 2 splits the middle pixel */
    uint8_t s[8] = {10, 20, 30, 40, 50, 60, 70, 80}, d[2];
    CHECK(fc_resize_area_u8(s, 4, 2, 1, d, 2, 1) == 0);
    CHECK(d[0] == 35 && d[1] == 55);
    double a[3] = {0, 30, 60}, o[2];
    CHECK(fc_resize_area_f64(a, 3, 1, 1, o, 2, 1) == 0);
    CHECK_NEAR(o[0], 10, 1e-5);
    CHECK_NEAR(o[1], 50, 1e-5);
    CHECK(fc_resize_area_u8(s, 4, 2, 1, d, 8, 2) == FC_EUNSUP);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fc_test_image_%d", (int)getpid());
    mkdir(dir, 0755);
    RUN(test_formats);
    RUN(test_cmyk_and_orientation);
    RUN(test_huge_shrunk);
    RUN(test_bad_files);
    RUN(test_resize_area_basics);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return th_fail ? 1 : 0;
}
