/* plot_lines.c — line plots with a shaded ±band per series (score vs parameter sweeps; see plot.h). */
#include "viz/plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int ok(const fc_series *s, size_t i) { return isfinite(s->x[i]) && isfinite(s->y[i]); }

/* Draws the band of one run of finite points [a, b). */
static void band_run(cairo_t *cr, const frame *f, const fc_series *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        double bd = isfinite(s->band[i]) ? s->band[i] : 0;
        double x = frame_x(f, s->x[i]), y = frame_y(f, s->y[i] + bd);
        if (i == a)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    for (size_t i = b; i-- > a;) {
        double bd = isfinite(s->band[i]) ? s->band[i] : 0;
        cairo_line_to(cr, frame_x(f, s->x[i]), frame_y(f, s->y[i] - bd));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
}

int fc_plot_lines(const char *path, const fc_series *series, size_t ns, const fc_plot_opts *o)
{
    fc_plot_opts def;
    o = plot_opts_or_default(o, &def);
    double W = o->width > 0 ? o->width : 900, H = o->height > 0 ? o->height : 600;
    canvas c;
    int rc = canvas_open(&c, path, W, H, o->scale);
    if (rc)
        return rc;
    cairo_t *cr = c.cr;
    const char **names = calloc(ns ? ns : 1, sizeof *names);
    double (*rgb)[3] = calloc(ns ? ns : 1, sizeof *rgb);
    if (!names || !rgb) {
        free(names), free(rgb);
        canvas_close(&c);
        return fc_fail(FC_ENOMEM, "%s: out of memory", path);
    }
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t k = 0; k < ns; k++) {
        names[k] = series[k].name ? series[k].name : "";
        fc_plot_group_color(series[k].color > 0 ? series[k].color - 1 : (int)k, rgb[k]);
        for (size_t i = 0; i < series[k].n; i++) {
            if (!ok(&series[k], i))
                continue;
            double b = series[k].band && isfinite(series[k].band[i]) ? fabs(series[k].band[i]) : 0;
            xlo = fmin(xlo, series[k].x[i]);
            xhi = fmax(xhi, series[k].x[i]);
            ylo = fmin(ylo, series[k].y[i] - b);
            yhi = fmax(yhi, series[k].y[i] + b);
        }
    }
    if (isfinite(o->ymin))
        ylo = o->ymin;
    if (isfinite(o->ymax))
        yhi = o->ymax;
    int legend = o->legend && ns > 0;
    int *dashes = calloc(ns ? ns : 1, sizeof *dashes);
    for (size_t k = 0; dashes && k < ns; k++)
        dashes[k] = series[k].dash;
    double lw = legend ? draw_legend(cr, names, NULL, dashes, (const double(*)[3])rgb, ns, 0, 0, 0) : 0;
    draw_title(cr, o->title, W, 24);
    frame f = {.x0 = 74, .y0 = 48, .x1 = W - 22 - (legend ? lw + 14 : 0), .y1 = H - 62};
    nice_axis(xlo, xhi, 8, &f.ax);
    nice_axis(ylo, yhi, 6, &f.ay);
    if (isfinite(o->ymin))
        f.ay.lo = o->ymin;
    if (isfinite(o->ymax))
        f.ay.hi = o->ymax;
    draw_frame(cr, &f, o->xlabel, o->ylabel, 1);
    cairo_save(cr);
    cairo_rectangle(cr, f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    cairo_clip(cr);
    for (int layer = 0; layer < 3; layer++) /* bands under lines under markers */
        for (size_t k = 0; k < ns; k++) {
            if (layer == 1 && k == 0) { /* lines and markers may overhang the frame by a marker radius */
                cairo_reset_clip(cr);
                cairo_rectangle(cr, f.x0 - 5, f.y0 - 5, f.x1 - f.x0 + 10, f.y1 - f.y0 + 10);
                cairo_clip(cr);
            }
            const fc_series *s = &series[k];
            if (layer == 0 && !s->band)
                continue;
            size_t i = 0;
            while (i < s->n) {
                while (i < s->n && !ok(s, i))
                    i++;
                size_t a = i;
                while (i < s->n && ok(s, i))
                    i++;
                if (a == i)
                    continue;
                if (layer == 0) {
                    cairo_set_source_rgba(cr, rgb[k][0], rgb[k][1], rgb[k][2], 0.16);
                    band_run(cr, &f, s, a, i);
                } else if (layer == 1) {
                    cairo_set_source_rgb(cr, rgb[k][0], rgb[k][1], rgb[k][2]);
                    cairo_set_line_width(cr, 2.2);
                    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
                    set_dash(cr, s->dash);
                    for (size_t j = a; j < i; j++)
                        if (j == a)
                            cairo_move_to(cr, frame_x(&f, s->x[j]), frame_y(&f, s->y[j]));
                        else
                            cairo_line_to(cr, frame_x(&f, s->x[j]), frame_y(&f, s->y[j]));
                    cairo_stroke(cr);
                    cairo_set_dash(cr, NULL, 0, 0);
                } else if (s->n <= 60) {
                    for (size_t j = a; j < i; j++) {
                        draw_marker(cr, MARK_CIRCLE, frame_x(&f, s->x[j]), frame_y(&f, s->y[j]), 3.4);
                        cairo_set_source_rgb(cr, rgb[k][0], rgb[k][1], rgb[k][2]);
                        cairo_fill_preserve(cr);
                        cairo_set_source_rgb(cr, 1, 1, 1);
                        cairo_set_line_width(cr, 1);
                        cairo_stroke(cr);
                    }
                }
            }
        }
    cairo_restore(cr);
    if (legend)
        draw_legend(cr, names, NULL, dashes, (const double(*)[3])rgb, ns, f.x1 + 14, f.y0, 1);
    free(dashes);
    free(names);
    free(rgb);
    return canvas_close(&c);
}
