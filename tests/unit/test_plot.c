/* test_plot.c — figures: every plot type in PNG, SVG and PDF; file signatures, sizes, a non-blank plot
 * area in the PNGs, and errors for unknown extensions and unwritable paths. The PNGs are kept in
 * $FC_BUILD/test-figures (or build/test-figures) for a look. */
#include "facecluster/plot.h"
#include "facecluster/rng.h"
#include "harness.h"

#include <cairo.h>
#include <sys/stat.h>

static char dir[512];

static const char *out(const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_size;
}

static int starts_with(const char *p, const char *magic, size_t len, size_t within)
{
    char buf[512] = {0};
    FILE *f = fopen(p, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    if (n < len)
        return 0;
    for (size_t i = 0; i + len <= n && i <= within; i++)
        if (!memcmp(buf + i, magic, len))
            return 1;
    return 0;
}

/* Fraction of coloured (not grey) pixels in the left 70 % × middle 80 % of the image: the data, not
 * the frame, text or legend. */
static double inked_fraction(const char *png)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return -1;
    }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    unsigned char *d = cairo_image_surface_get_data(s);
    long ink = 0, all = 0;
    for (int y = h / 10; y < 9 * h / 10; y++)
        for (int x = w / 10; x < 7 * w / 10; x++) {
            uint32_t px = *(uint32_t *)(d + y * stride + 4 * x);
            int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
            all++;
            if (abs(r - g) > 12 || abs(g - b) > 12 || abs(r - b) > 12)
                ink++;
        }
    cairo_surface_destroy(s);
    return (double)ink / (double)all;
}

static void check_all_formats(const char *stem, int (*draw)(const char *))
{
    char name[128];
    const char *ext[] = {"png", "svg", "pdf"};
    for (int k = 0; k < 3; k++) {
        snprintf(name, sizeof name, "%s.%s", stem, ext[k]);
        const char *p = out(name);
        remove(p);
        CHECK(draw(p) == 0);
        CHECK(file_size(p) > 200);
    }
    snprintf(name, sizeof name, "%s.png", stem);
    CHECK(starts_with(out(name), "\x89PNG\r\n\x1a\n", 8, 0));
    double ink = inked_fraction(out(name));
    CHECK(ink > 0.01);
    snprintf(name, sizeof name, "%s.svg", stem);
    CHECK(starts_with(out(name), "<svg", 4, 200));
    snprintf(name, sizeof name, "%s.pdf", stem);
    CHECK(starts_with(out(name), "%PDF-", 5, 0));
}

static int draw_scatter_few(const char *p)
{
    enum { N = 60 };
    double xy[2 * N];
    int g[N];
    const char *names[] = {"Ada Lovelace", "Alan Turing", "Grace Hopper", "A very long name that must be shortened",
                           "Edsger Dijkstra", "noise-free"};
    fc_rng r;
    fc_rng_init(&r, 1);
    for (int i = 0; i < N; i++) {
        g[i] = i % 6;
        xy[2 * i] = 10 * cos(g[i]) + fc_rng_normal(&r);
        xy[2 * i + 1] = 10 * sin(g[i]) + fc_rng_normal(&r);
    }
    g[0] = -1;
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "Six people (legend)";
    return fc_plot_scatter(p, xy, N, g, 6, names, &o);
}

static int draw_scatter_many(const char *p)
{
    enum { N = 3000 };
    static double xy[2 * N];
    static int g[N];
    fc_rng r;
    fc_rng_init(&r, 2);
    for (int i = 0; i < N; i++) {
        g[i] = i % 300;
        xy[2 * i] = 50 * cos(g[i] * 0.7) * (1 + g[i] % 7) + fc_rng_normal(&r);
        xy[2 * i + 1] = 50 * sin(g[i] * 0.7) * (1 + g[i] % 7) + fc_rng_normal(&r);
    }
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "300 groups: colour and shape";
    return fc_plot_scatter(p, xy, N, g, 300, NULL, &o);
}

static int draw_lines(const char *p)
{
    enum { M = 14 };
    static double x[M], y[3][M], b[3][M];
    for (int i = 0; i < M; i++) {
        x[i] = 0.1 * (i + 1);
        for (int s = 0; s < 3; s++) {
            double c = 0.7 + 0.05 * s;
            y[s][i] = fmax(0, 1 - (x[i] - c) * (x[i] - c) * (4 + s));
            b[s][i] = 0.02 + 0.03 * s * y[s][i];
        }
    }
    y[2][5] = NAN; /* a gap */
    fc_series ser[3] = {{.name = "personal", .x = x, .y = y[0], .band = b[0], .n = M},
                        {.name = "LFW ≥ 3", .x = x, .y = y[1], .band = b[1], .n = M, .dash = 1},
                        {.name = "ORL (dotted, colour 5)", .x = x, .y = y[2], .n = M, .dash = 2, .color = 5}};
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "DBSCAN: ARI vs eps (mean ± 2 std over 30 subsets)";
    o.xlabel = "eps";
    o.ylabel = "adjusted Rand index";
    o.ymin = 0;
    o.ymax = 1;
    return fc_plot_lines(p, ser, 3, &o);
}

static int draw_bars(const char *p)
{
    const char *methods[] = {"k-means", "agglomerative (ward)", "spectral", "DBSCAN", "mean-shift"};
    const char *sets[] = {"personal", "LFW ≥ 3", "MUCT"};
    double v[15] = {0.815, 0.394, 0.966, 0.812, 0.440, 0.988, 0.697, 0.228, 0.974, 0.903, 0.956, 0.981, 0.899, 0.961, 0.983};
    double e[15];
    for (int i = 0; i < 15; i++)
        e[i] = 0.01 + 0.002 * i;
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "ARI per method and dataset";
    o.ylabel = "adjusted Rand index";
    o.ymax = 1;
    return fc_plot_bars(p, methods, 5, sets, 3, v, e, &o);
}

static int draw_heatmap(const char *p)
{
    const char *methods[] = {"k-means", "ward", "spectral", "DBSCAN", "mean-shift", "HDBSCAN"};
    const char *scores[] = {"ARI", "AMI", "NMI", "homogeneity", "completeness", "V-measure", "FMI"};
    double v[42];
    fc_rng r;
    fc_rng_init(&r, 3);
    for (int i = 0; i < 42; i++)
        v[i] = 0.3 + 0.7 * fc_rng_uniform(&r);
    v[5] = NAN;
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "Every score per method (lfw3)";
    return fc_plot_heatmap(p, methods, 6, scores, 7, v, 0, 1, &o);
}

static void test_scatter_few_groups(void) { check_all_formats("scatter_legend", draw_scatter_few); }
static void test_scatter_many_groups(void) { check_all_formats("scatter_many", draw_scatter_many); }
static void test_lines_with_bands(void) { check_all_formats("lines_bands", draw_lines); }
static void test_grouped_bars(void) { check_all_formats("bars", draw_bars); }
static void test_heatmap(void) { check_all_formats("heatmap", draw_heatmap); }

static void test_errors(void)
{
    double xy[4] = {0, 0, 1, 1};
    CHECK(fc_plot_scatter(out("x.gif"), xy, 2, NULL, 0, NULL, NULL) == FC_EARG);
    CHECK(strstr(fc_last_error(), "x.gif") != NULL);
    CHECK(fc_plot_scatter("/nonexistent-dir/x.png", xy, 2, NULL, 0, NULL, NULL) == FC_EIO);
    /* degenerate data: one point, all-NaN series */
    CHECK(fc_plot_scatter(out("one.png"), xy, 1, NULL, 0, NULL, NULL) == 0);
    double nan[2] = {NAN, NAN};
    fc_series s = {.name = "empty", .x = nan, .y = nan, .n = 2};
    CHECK(fc_plot_lines(out("empty.png"), &s, 1, NULL) == 0);
}

int main(void)
{
    const char *b = getenv("FC_BUILD");
    snprintf(dir, sizeof dir, "%s/test-figures", b ? b : "build");
    mkdir(dir, 0755);
    RUN(test_scatter_few_groups);
    RUN(test_scatter_many_groups);
    RUN(test_lines_with_bands);
    RUN(test_grouped_bars);
    RUN(test_heatmap);
    RUN(test_errors);
    return th_fail ? 1 : 0;
}
