/* test_html.c — the HTML writer (escaping, tables, TSV tables, figures, galleries, write errors) and face
 * thumbnails cut from a synthetic photo (clipped to the photo, or padded grey to a square). */
#include "facecluster/html.h"
#include "facecluster/image.h"
#include "harness.h"

#include <cairo.h>
#include <math.h>
#include <sys/stat.h>
#include <vips/vips.h>

static char dir[512];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_page_escapes_and_tables(void)
{
    char path[600], tsv[600];
    snprintf(path, sizeof path, "%s/page.html", dir);
    snprintf(tsv, sizeof tsv, "%s/scores.tsv", dir);
    FILE *t = fopen(tsv, "w");
    fputs("method\tARI\tnote\nDBSCAN\t0.968\t<best>\nk-means\t0.40\n", t); /* short row: padded */
    fclose(t);
    fc_html *h = fc_html_open(path, "Tom & Jerry's <report>");
    CHECK(h != NULL);
    fc_html_paragraph(h, "a \"quoted\" <b>word</b>");
    const char *head[] = {"name", "score"}, *cells[] = {"x<y", "1.5", "z", "±"};
    fc_html_table(h, head, 2, cells, 2);
    CHECK(fc_html_table_tsv(h, tsv) == 0);
    CHECK(fc_html_table_tsv(h, "/nonexistent.tsv") == FC_EIO);
    fc_html_figure(h, "fig dir/map 1.png", "A map", NULL);
    double rgb[3] = {1, 0.5, 0};
    fc_html_gallery_begin(h, "cluster 1", "note", rgb);
    fc_html_gallery_item(h, "thumbs/1.jpg", "Ann", "row 1", 0);
    fc_html_gallery_item(h, "thumbs/2.jpg", "Bob", NULL, 1);
    fc_html_gallery_end(h);
    CHECK(fc_html_close(h) == 0);
    char *s = slurp(path);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(strstr(s, "<title>Tom &amp; Jerry&#39;s &lt;report&gt;</title>") != NULL);
    CHECK(strstr(s, "a &quot;quoted&quot; &lt;b&gt;word&lt;/b&gt;") != NULL);
    CHECK(strstr(s, "<td>x&lt;y</td><td class=\"num\">1.5</td>") != NULL);
    CHECK(strstr(s, "<td>DBSCAN</td><td class=\"num\">0.968</td><td>&lt;best&gt;</td>") != NULL);
    CHECK(strstr(s, "<td>k-means</td><td class=\"num\">0.40</td><td></td>") != NULL);
    CHECK(strstr(s, "src=\"fig%20dir/map%201.png\"") != NULL);
    CHECK(strstr(s, "class=\"face bad\"") != NULL);
    CHECK(strstr(s, "background:#ff8000") != NULL);
    CHECK(strstr(s, "http") == NULL); /* offline: nothing fetched */
    CHECK(strstr(s, "</html>") != NULL);
    CHECK(fc_html_open("/nonexistent-dir/x.html", "x") == NULL);
}

static void test_thumbnail_crops_the_box(void)
{
    /* a 400×300 grey photo with a red square at (250, 100)-(330, 180) */
    char img[600], out[600];
    snprintf(img, sizeof img, "%s/photo.png", dir);
    snprintf(out, sizeof out, "%s/thumb.jpg", dir);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 1, 0, 0);
    cairo_rectangle(cr, 250, 100, 80, 80);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_write_to_png(s, img);
    cairo_surface_destroy(s);
    CHECK(fc_face_thumbnail(img, 250, 100, 330, 180, 400, 300, 0.0, 64, 0, out) == 0);
    VipsImage *t = vips_image_new_from_file(out, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(vips_image_get_width(t) == 64 && vips_image_get_height(t) == 64);
        double *px;
        int n;
        CHECK(vips_getpoint(t, &px, &n, 32, 32, NULL) == 0); /* the centre is red */
        CHECK(n >= 3 && px[0] > 200 && px[1] < 60 && px[2] < 60);
        g_free(px);
        g_object_unref(t);
    }
    /* a box near the edge is clipped, not an error; a box outside is */
    CHECK(fc_face_thumbnail(img, 380, 280, 420, 320, 400, 300, 0.2, 32, 0, out) == 0);
    CHECK(fc_face_thumbnail(img, 500, 500, 600, 600, 400, 300, 0.2, 32, 0, out) == FC_EARG);
    CHECK(fc_face_thumbnail("/nonexistent.jpg", 0, 0, 10, 10, 0, 0, 0.2, 32, 0, out) == FC_EIO);
    /* absurd boxes from a faces.tsv are refused before any int arithmetic (they overflowed it: UBSan at
     * viz/thumb.c, `gallery` on a faces.tsv with 1e30 / 1e308 boxes) */
    CHECK(fc_face_thumbnail(img, 1e30, -1e30, 1e308, 1e308, 400, 300, 0.2, 32, 0, out) == FC_EARG);
    CHECK(fc_face_thumbnail(img, -3e9, -3e9, 3e9, 3e9, 400, 300, 0.2, 32, 0, out) == FC_EARG);
    CHECK(fc_face_thumbnail(img, 10, 10, INFINITY, 50, 400, 300, 0.2, 32, 0, out) == FC_EARG);
}

/* Reads the thumbnail and returns it (NULL on failure); *w, *h its size. */
static VipsImage *load(const char *path, int *w, int *h)
{
    VipsImage *t = vips_image_new_from_file(path, "access", VIPS_ACCESS_RANDOM, NULL);
    if (t) {
        *w = vips_image_get_width(t);
        *h = vips_image_get_height(t);
    }
    return t;
}

static void pixel(VipsImage *t, int x, int y, double rgb[3])
{
    double *px = NULL;
    int n = 0;
    rgb[0] = rgb[1] = rgb[2] = -1;
    if (vips_getpoint(t, &px, &n, x, y, NULL) == 0 && n >= 1)
        for (int c = 0; c < 3; c++)
            rgb[c] = px[n >= 3 ? c : 0];
    g_free(px);
}

static void test_thumbnail_pads_to_a_square(void)
{
    /* a 200×100 blue photo with a white square (10, 10)-(50, 50) near its top-left corner: the padded
     * square around the box (margin 0.5: side 80, from -10 to 70) leaves the photo on the left and top */
    char img[600], out[600], padded[600], flat[600];
    snprintf(img, sizeof img, "%s/corner.png", dir);
    snprintf(out, sizeof out, "%s/corner.jpg", dir);
    snprintf(padded, sizeof padded, "%s/corner_padded.jpg", dir);
    snprintf(flat, sizeof flat, "%s/alpha.jpg", dir);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 100);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 10, 10, 40, 40);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_write_to_png(s, img);
    cairo_surface_destroy(s);

    int w = 0, h = 0;
    double c[3];
    /* clipped (the gallery's way): 70×70 of photo, no grey */
    CHECK(fc_face_thumbnail(img, 10, 10, 50, 50, 0, 0, 0.5, 64, 0, out) == 0);
    VipsImage *t = load(out, &w, &h);
    CHECK(t && w == 64 && h == 64);
    if (t) {
        pixel(t, 2, 2, c);
        CHECK(c[2] > 200 && c[0] < 60); /* the photo's blue corner */
        g_object_unref(t);
    }
    /* padded (the report's way): 80×80 → 64×64 with the box centred and grey where the photo ends */
    CHECK(fc_face_thumbnail(img, 10, 10, 50, 50, 0, 0, 0.5, 64, FC_THUMB_PAD, padded) == 0);
    t = load(padded, &w, &h);
    CHECK(t && w == 64 && h == 64);
    if (t) {
        pixel(t, 32, 32, c); /* the box's centre: white */
        CHECK(c[0] > 220 && c[1] > 220 && c[2] > 220);
        pixel(t, 2, 2, c); /* above-left of the photo: grey */
        CHECK(fabs(c[0] - 128) < 12 && fabs(c[1] - 128) < 12 && fabs(c[2] - 128) < 12);
        pixel(t, 62, 62, c); /* below-right of the box, inside the photo: blue */
        CHECK(c[2] > 200 && c[0] < 60);
        g_object_unref(t);
    }
    /* a photo with transparency is flattened onto white before the grey padding */
    char rgba[600];
    snprintf(rgba, sizeof rgba, "%s/alpha.png", dir);
    s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100);
    cr = cairo_create(s);
    cairo_set_source_rgba(cr, 0, 0, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_write_to_png(s, rgba);
    cairo_surface_destroy(s);
    CHECK(fc_face_thumbnail(rgba, 10, 10, 50, 50, 0, 0, 0.5, 32, FC_THUMB_PAD, flat) == 0);
    t = load(flat, &w, &h);
    CHECK(t && w == 32 && h == 32);
    if (t) {
        pixel(t, 16, 16, c);
        CHECK(c[0] > 230 && c[1] > 230 && c[2] > 230);
        pixel(t, 1, 1, c);
        CHECK(fabs(c[0] - 128) < 12);
        g_object_unref(t);
    }
    /* a box wholly outside the photo stays an error with padding */
    CHECK(fc_face_thumbnail(img, 300, 300, 340, 340, 0, 0, 0.5, 32, FC_THUMB_PAD, out) == FC_EARG);
}

static void test_thumbnail_drops_the_photo_metadata(void)
{
    /* a JPEG carrying an XMP packet (as camera and editor photos do, with GPS and names) */
    char img[600], out[600];
    snprintf(img, sizeof img, "%s/tagged.jpg", dir);
    snprintf(out, sizeof out, "%s/tagged_thumb.jpg", dir);
    VipsImage *photo = NULL;
    CHECK(vips_black(&photo, 120, 120, "bands", 3, NULL) == 0);
    if (!photo)
        return;
    static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/"
                              "02/22-rdf-syntax-ns#\"/></x:xmpmeta>";
    vips_image_set_blob_copy(photo, "xmp-data", xmp, sizeof xmp - 1);
    CHECK(vips_image_write_to_file(photo, img, NULL) == 0);
    g_object_unref(photo);
    VipsImage *back = vips_image_new_from_file(img, NULL);
    CHECK(back && vips_image_get_typeof(back, "xmp-data") != 0); /* the photo does carry it */
    if (back)
        g_object_unref(back);
    CHECK(fc_face_thumbnail(img, 30, 30, 90, 90, 0, 0, 0.25, 32, FC_THUMB_PAD, out) == 0);
    VipsImage *t = vips_image_new_from_file(out, NULL);
    CHECK(t != NULL);
    if (t) {
        CHECK(vips_image_get_typeof(t, "xmp-data") == 0 && vips_image_get_typeof(t, "exif-data") == 0);
        g_object_unref(t);
    }
}

int main(void)
{
    const char *b = getenv("FC_BUILD");
    snprintf(dir, sizeof dir, "%s/test-html", b ? b : "build");
    mkdir(dir, 0755);
    CHECK(fc_vips_init() == 0); /* the synthetic photos below are made with libvips too */
    RUN(test_page_escapes_and_tables);
    RUN(test_thumbnail_crops_the_box);
    RUN(test_thumbnail_pads_to_a_square);
    RUN(test_thumbnail_drops_the_photo_metadata);
    return th_fail ? 1 : 0;
}
