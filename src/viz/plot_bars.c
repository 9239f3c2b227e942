/* plot_bars.c — grouped bar charts and annotated heatmaps, for "every score per method" overviews
 * (see plot.h). */
#include "viz/plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_plot_bars(const char *path, const char *const *cats, size_t nc, const char *const *series, size_t ns,
                 const double *values, const double *err, const fc_plot_opts *o)
{
    fc_plot_opts def;
    o = plot_opts_or_default(o, &def);
    double W = o->width > 0 ? o->width : 900, H = o->height > 0 ? o->height : 600;
    canvas c;
    int rc = canvas_open(&c, path, W, H, o->scale);
    if (rc)
        return rc;
    cairo_t *cr = c.cr;
    double (*rgb)[3] = calloc(ns ? ns : 1, sizeof *rgb);
    if (!rgb) {
        canvas_close(&c);
        return fc_fail(FC_ENOMEM, "%s: out of memory", path);
    }
    for (size_t s = 0; s < ns; s++)
        fc_plot_group_color((int)s, rgb[s]);
    double lo = 0, hi = -INFINITY;
    for (size_t i = 0; i < nc * ns; i++)
        if (isfinite(values[i])) {
            double e = err && isfinite(err[i]) ? fabs(err[i]) : 0;
            lo = fmin(lo, values[i] - e);
            hi = fmax(hi, values[i] + e);
        }
    if (!isfinite(hi))
        hi = 1;
    if (isfinite(o->ymin))
        lo = o->ymin;
    if (isfinite(o->ymax))
        hi = o->ymax;
    int legend = o->legend && ns > 1;
    double lw = legend ? draw_legend(cr, series, NULL, NULL, (const double(*)[3])rgb, ns, 0, 0, 0) : 0;
    /* category labels: horizontal when they fit, else at 35 degrees with room below */
    double maxlab = 0;
    char buf[96];
    for (size_t g = 0; g < nc; g++) {
        shorten(cats[g], buf, sizeof buf, 28);
        maxlab = fmax(maxlab, text_width(cr, buf, 12, 0));
    }
    frame f = {.x0 = 74, .y0 = 64, .x1 = W - 22 - (legend ? lw + 14 : 0), .y1 = H - 62};
    double slot = (f.x1 - f.x0) / (double)(nc ? nc : 1);
    int tilt = maxlab > slot - 6;
    if (tilt)
        f.y1 = H - 40 - fmin(maxlab * 0.6, H * 0.3);
    draw_title(cr, o->title, W, 24);
    nice_axis(lo, hi, 6, &f.ay);
    if (isfinite(o->ymin))
        f.ay.lo = o->ymin;
    if (isfinite(o->ymax))
        f.ay.hi = o->ymax;
    f.ax = (axis){0, (double)nc, 1};
    draw_frame(cr, &f, NULL, o->ylabel, 0);
    double bw = slot * 0.8 / (double)(ns ? ns : 1), y0 = frame_y(&f, fmax(f.ay.lo, 0));
    int labels = nc * ns <= 24 && bw >= 26;
    for (size_t g = 0; g < nc; g++) {
        for (size_t s = 0; s < ns; s++) {
            double v = values[g * ns + s];
            if (!isfinite(v))
                continue;
            double x = f.x0 + slot * (double)g + slot * 0.1 + bw * (double)s, y = frame_y(&f, v);
            cairo_set_source_rgb(cr, rgb[s][0], rgb[s][1], rgb[s][2]);
            cairo_rectangle(cr, x + 1, fmin(y, y0), bw - 2, fabs(y0 - y));
            cairo_fill(cr);
            if (err && isfinite(err[g * ns + s])) {
                double e = fabs(err[g * ns + s]), xm = x + bw / 2;
                cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, xm, frame_y(&f, v - e));
                cairo_line_to(cr, xm, frame_y(&f, v + e));
                cairo_move_to(cr, xm - bw * 0.18, frame_y(&f, v + e));
                cairo_line_to(cr, xm + bw * 0.18, frame_y(&f, v + e));
                cairo_move_to(cr, xm - bw * 0.18, frame_y(&f, v - e));
                cairo_line_to(cr, xm + bw * 0.18, frame_y(&f, v - e));
                cairo_stroke(cr);
            }
            if (labels) {
                snprintf(buf, sizeof buf, "%.2f", v);
                cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
                double ytop = frame_y(&f, v + (err && isfinite(err[g * ns + s]) ? fabs(err[g * ns + s]) : 0));
                draw_text(cr, buf, x + bw / 2, fmin(ytop, y) - 4, 10.5, 0.5, 1, 0, 0);
            }
        }
        shorten(cats[g], buf, sizeof buf, 28);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        double xc = f.x0 + slot * ((double)g + 0.5);
        if (tilt)
            draw_text(cr, buf, xc, f.y1 + 8, 12, 1, 0.5, 0, -0.61);
        else
            draw_text(cr, buf, xc, f.y1 + 8, 12, 0.5, 0, 0, 0);
    }
    if (legend)
        draw_legend(cr, series, NULL, NULL, (const double(*)[3])rgb, ns, f.x1 + 14, f.y0, 1);
    free(rgb);
    return canvas_close(&c);
}

/* A perceptually ordered light-yellow → green → blue → dark-purple scale (viridis-like stops, reversed
 * so that high scores are dark and stand out). */
static void seq_color(double t, double rgb[3])
{
    static const double stops[6][3] = {{0.993, 0.906, 0.144}, {0.478, 0.821, 0.318}, {0.134, 0.658, 0.518},
                                       {0.163, 0.471, 0.558}, {0.231, 0.322, 0.545}, {0.267, 0.005, 0.329}};
    if (!isfinite(t))
        t = 0;
    t = fmin(1, fmax(0, t)) * 5;
    int k = (int)floor(t);
    if (k >= 5)
        k = 4;
    double u = t - k;
    for (int j = 0; j < 3; j++)
        rgb[j] = stops[k][j] * (1 - u) + stops[k + 1][j] * u;
}

int fc_plot_heatmap(const char *path, const char *const *rows, size_t nr, const char *const *cols, size_t ncol,
                    const double *values, double vmin, double vmax, const fc_plot_opts *o)
{
    fc_plot_opts def;
    o = plot_opts_or_default(o, &def);
    double W = o->width > 0 ? o->width : 900, H = o->height;
    char buf[96];
    double rowlab = 0, collab = 0;
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *m = cairo_create(scratch);
    for (size_t r = 0; r < nr; r++) {
        shorten(rows[r], buf, sizeof buf, 30);
        rowlab = fmax(rowlab, text_width(m, buf, 12, 0));
    }
    for (size_t k = 0; k < ncol; k++) {
        shorten(cols[k], buf, sizeof buf, 24);
        collab = fmax(collab, text_width(m, buf, 12, 1));
    }
    cairo_destroy(m);
    cairo_surface_destroy(scratch);
    double x0 = 20 + rowlab + 10, x1 = W - 90, top = 48;
    double cw = (x1 - x0) / (double)(ncol ? ncol : 1);
    int tilt = collab > cw - 6;
    double y0 = top + (tilt ? collab * 0.6 + 10 : 24);
    if (H <= 0) /* automatic: rows of 40 units */
        H = y0 + 40 * (double)(nr ? nr : 1) + 24;
    if (tilt && y0 > top + H * 0.25 + 10)
        y0 = top + H * 0.25 + 10;
    canvas c;
    int rc = canvas_open(&c, path, W, H, o->scale);
    if (rc)
        return rc;
    cairo_t *cr = c.cr;
    if (!isfinite(vmin) || !isfinite(vmax)) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < nr * ncol; i++)
            if (isfinite(values[i]))
                lo = fmin(lo, values[i]), hi = fmax(hi, values[i]);
        if (!isfinite(vmin))
            vmin = isfinite(lo) ? lo : 0;
        if (!isfinite(vmax))
            vmax = isfinite(hi) ? hi : 1;
    }
    if (vmax <= vmin)
        vmax = vmin + 1;
    double y1 = H - 24;
    double ch = fmin((y1 - y0) / (double)(nr ? nr : 1), 48);
    draw_title(cr, o->title, W, 24);
    char fmt[32] = "%.3f";
    if (o->value_format && strlen(o->value_format) < sizeof fmt)
        strcpy(fmt, o->value_format);
    double fs = fmin(13, fmin(ch * 0.42, cw * 0.2));
    for (size_t r = 0; r < nr; r++) {
        double y = y0 + ch * (double)r;
        shorten(rows[r], buf, sizeof buf, 30);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        draw_text(cr, buf, x0 - 8, y + ch / 2, 12, 1, 0.5, 0, 0);
        for (size_t k = 0; k < ncol; k++) {
            double v = values[r * ncol + k], x = x0 + cw * (double)k, col[3];
            if (isfinite(v))
                seq_color((v - vmin) / (vmax - vmin), col);
            else
                col[0] = col[1] = col[2] = 0.92;
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_rectangle(cr, x + 1, y + 1, cw - 2, ch - 2);
            cairo_fill(cr);
            if (isfinite(v))
                snprintf(buf, sizeof buf, fmt, v);
            else
                snprintf(buf, sizeof buf, "–");
            double lum = 0.299 * col[0] + 0.587 * col[1] + 0.114 * col[2];
            if (lum < 0.5)
                cairo_set_source_rgb(cr, 1, 1, 1);
            else
                cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            if (fs >= 7)
                draw_text(cr, buf, x + cw / 2, y + ch / 2, fs, 0.5, 0.5, 0, 0);
        }
    }
    for (size_t k = 0; k < ncol; k++) {
        shorten(cols[k], buf, sizeof buf, 24);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        double xc = x0 + cw * ((double)k + 0.5);
        if (tilt)
            draw_text(cr, buf, xc, y0 - 6, 12, 0, 0.5, 1, -0.61);
        else
            draw_text(cr, buf, xc, y0 - 8, 12, 0.5, 1, 1, 0);
    }
    /* colour bar */
    double bx = W - 62, bh = fmin(ch * (double)nr, y1 - y0);
    for (int s = 0; s < 100; s++) {
        double col[3];
        seq_color(1 - s / 100.0, col);
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        cairo_rectangle(cr, bx, y0 + bh * s / 100.0, 14, bh / 100.0 + 0.6);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    snprintf(buf, sizeof buf, fmt, vmax);
    draw_text(cr, buf, bx + 18, y0, 10.5, 0, 0, 0, 0);
    snprintf(buf, sizeof buf, fmt, vmin);
    draw_text(cr, buf, bx + 18, y0 + bh, 10.5, 0, 1, 0, 0);
    return canvas_close(&c);
}
