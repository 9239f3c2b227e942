/* test_html.c — the HTML writer (escaping, tables, TSV tables, figures, galleries, write errors) and face
 * thumbnails cut from a synthetic photo. */
#include "facecluster/html.h"
#include "harness.h"

#include <cairo.h>
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
    CHECK(fc_face_thumbnail(img, 250, 100, 330, 180, 400, 300, 0.0, 64, out) == 0);
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
    CHECK(fc_face_thumbnail(img, 380, 280, 420, 320, 400, 300, 0.2, 32, out) == 0);
    CHECK(fc_face_thumbnail(img, 500, 500, 600, 600, 400, 300, 0.2, 32, out) == FC_EARG);
    CHECK(fc_face_thumbnail("/nonexistent.jpg", 0, 0, 10, 10, 0, 0, 0.2, 32, out) == FC_EIO);
    /* absurd boxes from a faces.tsv are refused before any int arithmetic (they overflowed it: UBSan at
     * viz/thumb.c, `gallery` on a faces.tsv with 1e30 / 1e308 boxes) */
    CHECK(fc_face_thumbnail(img, 1e30, -1e30, 1e308, 1e308, 400, 300, 0.2, 32, out) == FC_EARG);
    CHECK(fc_face_thumbnail(img, -3e9, -3e9, 3e9, 3e9, 400, 300, 0.2, 32, out) == FC_EARG);
    CHECK(fc_face_thumbnail(img, 10, 10, INFINITY, 50, 400, 300, 0.2, 32, out) == FC_EARG);
}

int main(void)
{
    const char *b = getenv("FC_BUILD");
    snprintf(dir, sizeof dir, "%s/test-html", b ? b : "build");
    mkdir(dir, 0755);
    RUN(test_page_escapes_and_tables);
    RUN(test_thumbnail_crops_the_box);
    return th_fail ? 1 : 0;
}
