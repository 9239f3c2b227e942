/* plot.h — figures drawn with cairo: PNG, SVG or PDF from the same drawing code.
 *
 * Contract:
 *  - The output format follows the file extension of `path` (.png, .svg, .pdf; case-insensitive);
 *    anything else is FC_EARG. Sizes are in pixels for PNG and in points (1/72 in) for SVG/PDF.
 *    PNGs are drawn at `scale` × the size (default 1; 2 gives sharp images on high-DPI screens).
 *  - Text uses cairo's toy font API with "DejaVu Sans" (falls back to the system sans font).
 *  - Axes get "nice" ticks (1, 2, 2.5, 5 × 10^k) that cover the data; NaN values are skipped.
 *  - fc_plot_scatter: one marker per point coloured by group (0..n_groups-1; -1 draws a small grey
 *    "noise" point). Colours come from a 20-colour qualitative palette; beyond 20 groups the marker
 *    shape changes too (circle, square, triangle, diamond, …), so 20×6 groups stay distinct. A legend
 *    is drawn when opts.legend and n_groups ≤ 20 (names from group_names, else "group i").
 *  - fc_plot_lines: one line per series with markers, and a translucent band y ± band[i] when band
 *    is not NULL; legend with the series names; colour and dash pattern per series (see fc_series).
 *  - fc_plot_bars: grouped bars, values[g * n_series + s] for category g and series s, optional
 *    error bars (err, same layout, may be NULL); fc_plot_heatmap: a rows × cols grid of values with
 *    each cell written in it, coloured on a sequential scale from vmin to vmax (NaN = data range); its
 *    height is automatic (40 units per row) unless opts.height is set.
 *  - Return 0 or a negative FC_E* code (FC_EIO names the file that could not be written).
 */
#ifndef FACECLUSTER_PLOT_H
#define FACECLUSTER_PLOT_H

#include "facecluster/core.h"

typedef struct fc_plot_opts {
    const char *title, *xlabel, *ylabel;
    int width, height;  /* 0 = defaults (900 × 700) */
    double scale;       /* PNG pixel scale; 0 = 1 */
    int legend;         /* draw a legend where the plot supports one */
    double ymin, ymax;  /* fixed y range for lines/bars; NaN = automatic */
    const char *value_format; /* heatmap cell text, printf format for a double; NULL = "%.3f" */
} fc_plot_opts;

void fc_plot_opts_init(fc_plot_opts *o);

int fc_plot_scatter(const char *path, const double *xy, size_t n, const int *group, size_t n_groups,
                    const char *const *group_names, const fc_plot_opts *o);

typedef struct fc_series {
    const char *name;
    const double *x, *y, *band; /* band may be NULL */
    size_t n;
    int color; /* 0: the series' position in the palette; c > 0: palette colour c - 1 */
    int dash;  /* 0 solid, 1 dashed, 2 dotted, 3 dash-dot (e.g. one colour per dataset, one dash per method) */
} fc_series;

int fc_plot_lines(const char *path, const fc_series *series, size_t n_series, const fc_plot_opts *o);

int fc_plot_bars(const char *path, const char *const *categories, size_t n_cat, const char *const *series,
                 size_t n_series, const double *values, const double *err, const fc_plot_opts *o);

int fc_plot_heatmap(const char *path, const char *const *rows, size_t n_rows, const char *const *cols,
                    size_t n_cols, const double *values, double vmin, double vmax, const fc_plot_opts *o);

/* The palette colour of group g (also used by the HTML pages so colours match): r, g, b in [0, 1]. */
void fc_plot_group_color(int g, double rgb[3]);

#endif
