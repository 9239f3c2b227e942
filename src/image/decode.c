/* decode.c — any photo libvips reads → 8-bit sRGB, oriented, alpha flattened, shrunk to a working size. */
#include "facecluster/image.h"
#include "image/vips_steps.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static int vips_ok = -1;

/* libvips' own warnings (e.g. "VipsJpeg: Premature end of JPEG file", "read gave 100 warnings") would
 * reach stderr beside our one line per bad photo, which already carries the reason: drop them, unless
 * FC_VIPS_WARNINGS is set (for debugging the decoder). */
static void drop_vips_warning(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data;
}

static void vips_setup(void)
{
    if (!getenv("FC_VIPS_WARNINGS"))
        g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, drop_vips_warning, NULL);
    if (VIPS_INIT("facecluster")) {
        vips_ok = 0;
        return;
    }
    /* We decode many photos in parallel ourselves: one libvips thread each, and no operation cache (it
     * would keep files open and memory held across thousands of photos). */
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_ok = 1;
}

int fc_vips_init(void)
{
    pthread_once(&vips_once, vips_setup);
    return vips_ok == 1 ? FC_OK : fc_fail(FC_EINTERNAL, "libvips failed to initialise");
}

/* The first line of libvips' error buffer (which can hold several lines from several threads). */
static void vips_reason(char *buf, size_t len)
{
    const char *e = vips_error_buffer();
    size_t n = strcspn(e, "\n");
    if (n >= len) n = len - 1;
    memcpy(buf, e, n);
    buf[n] = 0;
    vips_error_clear();
    if (!buf[0]) snprintf(buf, len, "libvips error");
}

static void unref(VipsImage **im)
{
    if (*im) g_object_unref(*im);
    *im = NULL;
}

int fc_vips_step(VipsImage **im, int rc, VipsImage **out)
{
    if (rc) return -1;
    g_object_unref(*im);
    *im = *out;
    *out = NULL;
    return 0;
}

int fc_vips_flatten_white(VipsImage **im)
{
    if (!vips_image_hasalpha(*im)) return 0;
    /* Onto white: transparent areas of photos and logos read as paper, not as night. */
    VipsImage *out = NULL;
    VipsInterpretation t = vips_image_guess_interpretation(*im);
    double max_alpha = (t == VIPS_INTERPRETATION_RGB16 || t == VIPS_INTERPRETATION_GREY16) ? 65535.0 : 255.0;
    VipsArrayDouble *bg = vips_array_double_newv(1, max_alpha);
    int rc = vips_flatten(*im, &out, "background", bg, "max_alpha", max_alpha, NULL);
    vips_area_unref(VIPS_AREA(bg));
    return fc_vips_step(im, rc, &out);
}

static int to_srgb8(VipsImage **im)
{
    VipsImage *out = NULL;
    VipsInterpretation in = vips_image_guess_interpretation(*im);
    if (in == VIPS_INTERPRETATION_CMYK) {
        /* ICC import with the embedded profile, else libvips' built-in CMYK profile. */
        if (fc_vips_step(im, vips_icc_import(*im, &out, "embedded", TRUE, "input_profile", "cmyk", NULL), &out))
            return -1;
    }
    if (fc_vips_flatten_white(im)) return -1;
    if (fc_vips_step(im, vips_colourspace(*im, &out, VIPS_INTERPRETATION_sRGB, NULL), &out)) return -1;
    if ((*im)->Bands > 3) {
        if (fc_vips_step(im, vips_extract_band(*im, &out, 0, "n", 3, NULL), &out)) return -1;
    }
    if ((*im)->BandFmt != VIPS_FORMAT_UCHAR) {
        if (fc_vips_step(im, vips_cast(*im, &out, VIPS_FORMAT_UCHAR, NULL), &out)) return -1;
    }
    if ((*im)->Bands == 1) { /* belt and braces: grey that colourspace left as one band */
        VipsImage *b[3] = {*im, *im, *im};
        if (vips_bandjoin(b, &out, 3, NULL)) return -1;
        g_object_unref(*im);
        *im = out;
    }
    return 0;
}

int fc_image_load(const char *path, int max_side, fc_image *out)
{
    memset(out, 0, sizeof *out);
    int rc = fc_vips_init();
    if (rc) return rc;
    struct stat st;
    if (stat(path, &st) != 0)
        return fc_fail(FC_EIO, "%s: unreadable: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fc_fail(FC_EIO, "%s: unreadable: not a regular file", path);
    if (st.st_size == 0)
        return fc_fail(FC_EFORMAT, "%s: empty file", path);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fc_fail(FC_EIO, "%s: unreadable: %s", path, strerror(errno));
    fclose(fp);
    /* Recognise the format by content (libvips sniffs the bytes; the extension plays no part). */
    if (!vips_foreign_find_load(path)) {
        vips_error_clear();
        return fc_fail(FC_EFORMAT, "%s: not an image (format not recognised)", path);
    }
    char why[256];
    VipsImage *im = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!im) {
        vips_reason(why, sizeof why);
        return fc_fail(FC_EFORMAT, "%s: truncated or corrupt image: %s", path, why);
    }
    /* Oriented original size: orientations 5-8 swap width and height. */
    int orient = vips_image_get_orientation(im);
    int ow = orient >= 5 ? im->Ysize : im->Xsize, oh = orient >= 5 ? im->Xsize : im->Ysize;
    VipsImage *tmp = NULL;
    if (max_side > 0 && (ow > max_side || oh > max_side)) {
        g_object_unref(im);
        /* Shrink on load: JPEG decodes at 1/2, 1/4, 1/8 directly; autorotates as well. */
        if (vips_thumbnail(path, &im, max_side, "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_TRUNCATED,
                           NULL)) {
            vips_reason(why, sizeof why);
            return fc_fail(FC_EFORMAT, "%s: truncated or corrupt image: %s", path, why);
        }
    } else {
        g_object_unref(im);
        im = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_TRUNCATED, NULL);
        if (!im || (orient > 1 && fc_vips_step(&im, vips_autorot(im, &tmp, NULL), &tmp))) {
            vips_reason(why, sizeof why);
            unref(&im);
            return fc_fail(FC_EFORMAT, "%s: truncated or corrupt image: %s", path, why);
        }
    }
    if (to_srgb8(&im)) {
        vips_reason(why, sizeof why);
        unref(&im);
        return fc_fail(FC_EFORMAT, "%s: unsupported colour data: %s", path, why);
    }
    size_t len = 0;
    void *mem = vips_image_write_to_memory(im, &len); /* decodes now: truncation shows up here */
    if (!mem) {
        vips_reason(why, sizeof why);
        unref(&im);
        return fc_fail(FC_EFORMAT, "%s: truncated or corrupt image: %s", path, why);
    }
    out->w = im->Xsize;
    out->h = im->Ysize;
    g_object_unref(im);
    if (len != (size_t)out->w * out->h * 3) {
        g_free(mem);
        return fc_fail(FC_EINTERNAL, "%s: decoder returned %zu bytes for %dx%d", path, len, out->w, out->h);
    }
    out->rgb = malloc(len);
    if (!out->rgb) {
        g_free(mem);
        return fc_fail(FC_ENOMEM, "%s: out of memory for %dx%d pixels", path, out->w, out->h);
    }
    memcpy(out->rgb, mem, len);
    g_free(mem);
    out->orig_w = ow;
    out->orig_h = oh;
    out->scale = out->w > 0 ? (double)ow / out->w : 1.0;
    return FC_OK;
}

int fc_image_from_rgb(const uint8_t *rgb, int w, int h, fc_image *out)
{
    memset(out, 0, sizeof *out);
    out->rgb = malloc((size_t)w * h * 3);
    if (!out->rgb) return fc_fail(FC_ENOMEM, "image: out of memory");
    memcpy(out->rgb, rgb, (size_t)w * h * 3);
    out->w = out->orig_w = w;
    out->h = out->orig_h = h;
    out->scale = 1.0;
    return FC_OK;
}

void fc_image_free(fc_image *im)
{
    free(im->rgb);
    memset(im, 0, sizeof *im);
}

int fc_image_encode_jpeg(const uint8_t *rgb, int w, int h, int quality, void **buf, size_t *len)
{
    int rc = fc_vips_init();
    if (rc) return rc;
    VipsImage *im = vips_image_new_from_memory(rgb, (size_t)w * h * 3, w, h, 3, VIPS_FORMAT_UCHAR);
    if (!im) return fc_fail(FC_EINTERNAL, "jpeg encode failed");
    int r = vips_jpegsave_buffer(im, buf, len, "Q", quality, "strip", TRUE, NULL);
    g_object_unref(im);
    if (r) {
        vips_error_clear();
        return fc_fail(FC_EINTERNAL, "jpeg encode failed");
    }
    return FC_OK;
}

void fc_image_free_buffer(void *buf)
{
    g_free(buf);
}
