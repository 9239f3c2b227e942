/* plot_scatter.c — the scatter map (t-SNE maps): equal axis scales, colour × shape per group, legend
 * for up to 20 groups (see plot.h). */
#include "viz/plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int fc_plot_scatter(const char *path, const double *xy, size_t n, const int *group, size_t n_groups,
                    const char *const *group_names, const fc_plot_opts *o)
{
    fc_plot_opts def;
    o = plot_opts_or_default(o, &def);
    double W = o->width > 0 ? o->width : 900, H = o->height > 0 ? o->height : 700;
    canvas c;
    int rc = canvas_open(&c, path, W, H, o->scale);
    if (rc)
        return rc;
    cairo_t *cr = c.cr;
    int legend = o->legend && group && n_groups > 0 && n_groups <= 20;
    char **names = NULL;
    double (*rgb)[3] = NULL;
    int *shapes = NULL;
    double lw = 0;
    if (legend) {
        names = calloc(n_groups, sizeof *names);
        rgb = calloc(n_groups, sizeof *rgb);
        shapes = calloc(n_groups, sizeof *shapes);
        if (!names || !rgb || !shapes) {
            legend = 0;
        } else {
            for (size_t g = 0; g < n_groups; g++) {
                char buf[32];
                snprintf(buf, sizeof buf, "group %zu", g + 1);
                names[g] = (group_names && group_names[g]) ? (char *)group_names[g] : NULL;
                if (!names[g]) {
                    names[g] = malloc(32);
                    if (names[g])
                        snprintf(names[g], 32, "%s", buf);
                }
                fc_plot_group_color((int)g, rgb[g]);
                shapes[g] = (int)(g / 20);
            }
            lw = draw_legend(cr, (const char *const *)names, shapes, NULL, (const double(*)[3])rgb, n_groups, 0, 0, 0);
        }
    }
    draw_title(cr, o->title, W, 24);
    frame f = {.x0 = 62, .y0 = 48, .x1 = W - 22 - (legend ? lw + 14 : 0), .y1 = H - 56};
    /* data range, padded, then widened on one axis so both have the same scale */
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 2; d++)
            if (isfinite(xy[2 * i + d])) {
                lo[d] = fmin(lo[d], xy[2 * i + d]);
                hi[d] = fmax(hi[d], xy[2 * i + d]);
            }
    for (int d = 0; d < 2; d++) {
        if (!(hi[d] >= lo[d]))
            lo[d] = 0, hi[d] = 1;
        double pad = fmax((hi[d] - lo[d]) * 0.04, 1e-9);
        lo[d] -= pad;
        hi[d] += pad;
    }
    double aw = f.x1 - f.x0, ah = f.y1 - f.y0;
    double upp = fmax((hi[0] - lo[0]) / aw, (hi[1] - lo[1]) / ah);
    double cx = (lo[0] + hi[0]) / 2, cy = (lo[1] + hi[1]) / 2;
    axis tmp;
    nice_axis(cx - aw * upp / 2, cx + aw * upp / 2, 8, &tmp);
    f.ax = (axis){cx - aw * upp / 2, cx + aw * upp / 2, tmp.step};
    f.ay = (axis){cy - ah * upp / 2, cy + ah * upp / 2, tmp.step};
    draw_frame(cr, &f, o->xlabel ? o->xlabel : "t-SNE 1", o->ylabel ? o->ylabel : "t-SNE 2", 1);

    double r = fmin(5.5, fmax(2.2, 6.5 - 1.05 * log10((double)(n > 1 ? n : 1))));
    double alpha = n > 2000 ? 0.8 : 0.92;
    cairo_save(cr);
    cairo_rectangle(cr, f.x0, f.y0, aw, ah);
    cairo_clip(cr);
    for (int pass = 0; pass < 2; pass++) /* noise underneath, then the groups */
        for (size_t i = 0; i < n; i++) {
            int g = group ? group[i] : 0;
            if ((pass == 0) != (g < 0) || !isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1]))
                continue;
            double col[3];
            fc_plot_group_color(g, col);
            double x = frame_x(&f, xy[2 * i]), y = frame_y(&f, xy[2 * i + 1]);
            draw_marker(cr, g < 0 ? MARK_CIRCLE : g / 20, x, y, g < 0 ? r * 0.6 : r);
            cairo_set_source_rgba(cr, col[0], col[1], col[2], alpha);
            if (n <= 2000 && g >= 0) {
                cairo_fill_preserve(cr);
                cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
                cairo_set_line_width(cr, 0.7);
                cairo_stroke(cr);
            } else
                cairo_fill(cr);
        }
    cairo_restore(cr);
    if (legend)
        draw_legend(cr, (const char *const *)names, shapes, NULL, (const double(*)[3])rgb, n_groups, f.x1 + 14, f.y0, 1);
    char note[160];
    if (group && n_groups > 20)
        snprintf(note, sizeof note, "%zu points, %zu groups: colour × marker shape per group", n, n_groups);
    else
        snprintf(note, sizeof note, "%zu points", n);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    draw_text(cr, note, 12, H - 10, 11, 0, 1, 0, 0);
    if (names)
        for (size_t g = 0; g < n_groups; g++)
            if (!(group_names && group_names[g]))
                free(names[g]);
    free(names);
    free(rgb);
    free(shapes);
    return canvas_close(&c);
}
