/* plot_internal.h — what the figure files share (internal to src/viz): the output surface chosen by file
 * extension, text drawing, nice axis ticks, the plot frame (grid, ticks, labels, title) and legends. */
#ifndef FC_VIZ_PLOT_INTERNAL_H
#define FC_VIZ_PLOT_INTERNAL_H

#include "facecluster/plot.h"

#include <cairo.h>

typedef struct canvas {
    cairo_surface_t *surface;
    cairo_t *cr;
    int png;
    double w, h; /* drawing units (pixels / points before scaling) */
    const char *path;
} canvas;

/* `o` itself, or `def` filled with fc_plot_opts_init when o is NULL (every figure accepts NULL options). */
const fc_plot_opts *plot_opts_or_default(const fc_plot_opts *o, fc_plot_opts *def);

/* Opens a canvas of w×h units for path (.png/.svg/.pdf) and paints it white. */
int canvas_open(canvas *c, const char *path, double w, double h, double scale);
/* Finishes the file (writes the PNG) and frees the canvas; FC_EIO names the file on failure. */
int canvas_close(canvas *c);

/* Text at (x, y) aligned by ax (0 left, 0.5 centre, 1 right) and ay (0 top, 0.5 middle, 1 baseline-ish
 * bottom), rotated by `angle` radians about the anchor. Returns the text width. */
double draw_text(cairo_t *cr, const char *s, double x, double y, double size, double ax, double ay, int bold,
                 double angle);
double text_width(cairo_t *cr, const char *s, double size, int bold);

typedef struct axis {
    double lo, hi, step; /* tick range: lo and hi are multiples of step */
} axis;

/* Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi] with about `target` intervals. */
void nice_axis(double lo, double hi, int target, axis *a);
void format_tick(double v, double step, char *buf, size_t len);

typedef struct frame {
    double x0, y0, x1, y1; /* plot area in drawing units (y0 top) */
    axis ax, ay;
} frame;

static inline double frame_x(const frame *f, double x) { return f->x0 + (x - f->ax.lo) / (f->ax.hi - f->ax.lo) * (f->x1 - f->x0); }
static inline double frame_y(const frame *f, double y) { return f->y1 - (y - f->ay.lo) / (f->ay.hi - f->ay.lo) * (f->y1 - f->y0); }

/* Light grid, tick labels on both axes (x ticks omitted when `x_ticks` is 0), axis labels. */
void draw_frame(cairo_t *cr, const frame *f, const char *xlabel, const char *ylabel, int x_ticks);
void draw_title(cairo_t *cr, const char *title, double w, double y);

enum { MARK_CIRCLE, MARK_SQUARE, MARK_TRIANGLE, MARK_DIAMOND, MARK_TRIANGLE_DOWN, MARK_PENTAGON, MARK_COUNT };
void draw_marker(cairo_t *cr, int shape, double x, double y, double r);

/* A legend box: one entry per name with a swatch (a marker of `shapes[i]`, or a line — dashed as
 * dashes[i] when dashes is not NULL — when shapes is NULL) in colour i. Returns the width it takes; draws
 * only when `draw`. */
double draw_legend(cairo_t *cr, const char *const *names, const int *shapes, const int *dashes,
                   const double (*rgb)[3], size_t n, double x, double y, int draw);

/* Dash pattern d: 0 solid, 1 dashed, 2 dotted, 3 dash-dot (cycling). */
void set_dash(cairo_t *cr, int d);

/* Shortens s into buf (UTF-8 safe) to at most max characters, with an ellipsis. */
void shorten(const char *s, char *buf, size_t len, size_t max);

#define FONT_FAMILY "DejaVu Sans"

#endif
