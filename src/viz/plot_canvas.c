/* plot_canvas.c — output surfaces by extension, text, nice ticks, frames, markers and legends
 * (see plot_internal.h). */
#include "viz/plot_internal.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* 20 qualitative colours: Tableau 10, then its lighter companions, so neighbours in group order differ. */
static const unsigned char PALETTE[20][3] = {
    {31, 119, 180},  {255, 127, 14},  {44, 160, 44},   {214, 39, 40},   {148, 103, 189},
    {140, 86, 75},   {227, 119, 194}, {127, 127, 127}, {188, 189, 34},  {23, 190, 207},
    {174, 199, 232}, {255, 187, 120}, {152, 223, 138}, {255, 152, 150}, {197, 176, 213},
    {196, 156, 148}, {247, 182, 210}, {199, 199, 199}, {219, 219, 141}, {158, 218, 229}};

/* Under LeakSanitizer (make asan): fontconfig, which cairo's text goes through, keeps its caches until
 * the process ends by design; this hook (looked up by the sanitizer runtime, unused otherwise) stops
 * those from being reported as our leaks. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig\n"; }

void fc_plot_group_color(int g, double rgb[3])
{
    if (g < 0) {
        rgb[0] = rgb[1] = rgb[2] = 0.6;
        return;
    }
    for (int k = 0; k < 3; k++)
        rgb[k] = PALETTE[g % 20][k] / 255.0;
}

void fc_plot_opts_init(fc_plot_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ymin = o->ymax = NAN;
    o->legend = 1;
}

const fc_plot_opts *plot_opts_or_default(const fc_plot_opts *o, fc_plot_opts *def)
{
    if (o)
        return o;
    fc_plot_opts_init(def);
    return def;
}

int canvas_open(canvas *c, const char *path, double w, double h, double scale)
{
    memset(c, 0, sizeof *c);
    const char *dot = strrchr(path, '.');
    c->path = path;
    c->w = w;
    c->h = h;
    if (scale <= 0)
        scale = 1;
    if (dot && !strcasecmp(dot, ".png")) {
        c->png = 1;
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w * scale), (int)ceil(h * scale));
    } else if (dot && !strcasecmp(dot, ".svg"))
        c->surface = cairo_svg_surface_create(path, w, h);
    else if (dot && !strcasecmp(dot, ".pdf"))
        c->surface = cairo_pdf_surface_create(path, w, h);
    else
        return fc_fail(FC_EARG, "%s: unknown figure type (use .png, .svg or .pdf)", path);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(c->surface);
        c->surface = NULL;
        return fc_fail(FC_EIO, "%s: cannot create the figure", path);
    }
    c->cr = cairo_create(c->surface);
    if (c->png)
        cairo_scale(c->cr, scale, scale);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    cairo_select_font_face(c->cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    return FC_OK;
}

int canvas_close(canvas *c)
{
    int rc = FC_OK;
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS)
        rc = fc_fail(FC_EINTERNAL, "%s: drawing failed: %s", c->path, cairo_status_to_string(cairo_status(c->cr)));
    cairo_destroy(c->cr);
    if (!rc && c->png && cairo_surface_write_to_png(c->surface, c->path) != CAIRO_STATUS_SUCCESS)
        rc = fc_fail(FC_EIO, "%s: cannot write the PNG", c->path);
    cairo_surface_finish(c->surface);
    if (!rc && cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
        rc = fc_fail(FC_EIO, "%s: cannot write the figure", c->path);
    cairo_surface_destroy(c->surface);
    memset(c, 0, sizeof *c);
    return rc;
}

static void set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double text_width(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_text_extents_t e;
    set_font(cr, size, bold);
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

double draw_text(cairo_t *cr, const char *s, double x, double y, double size, double ax, double ay, int bold,
                 double angle)
{
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    set_font(cr, size, bold);
    cairo_text_extents(cr, s, &e);
    cairo_font_extents(cr, &fe);
    double cap = fe.ascent * 0.78; /* height of capitals, for vertical centring that ignores descenders */
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    if (ay <= 0)
        cairo_move_to(cr, -ax * e.x_advance, cap);
    else if (ay < 1)
        cairo_move_to(cr, -ax * e.x_advance, cap * 0.5);
    else
        cairo_move_to(cr, -ax * e.x_advance, 0);
    cairo_show_text(cr, s);
    cairo_restore(cr);
    return e.x_advance;
}

void nice_axis(double lo, double hi, int target, axis *a)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo < 1e-12 * fmax(1, fabs(hi))) {
        double pad = lo == 0 ? 0.5 : fabs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / (target > 0 ? target : 5), mag = pow(10, floor(log10(raw)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    double step = 10 * mag;
    for (int k = 0; k < 5; k++)
        if (steps[k] * mag >= raw * 0.999) {
            step = steps[k] * mag;
            break;
        }
    a->step = step;
    a->lo = floor(lo / step + 1e-9) * step;
    a->hi = ceil(hi / step - 1e-9) * step;
}

void format_tick(double v, double step, char *buf, size_t len)
{
    int dec = 0;
    double s = step;
    while (dec < 8 && fabs(s - round(s)) > 1e-9 * fmax(1, fabs(s))) {
        s *= 10;
        dec++;
    }
    if (fabs(v) < step * 1e-9)
        v = 0;
    snprintf(buf, len, "%.*f", dec, v);
}

void draw_title(cairo_t *cr, const char *title, double w, double y)
{
    if (!title || !*title)
        return;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    double size = 17;
    while (size > 10 && text_width(cr, title, size, 1) > w - 30)
        size -= 1;
    draw_text(cr, title, w / 2, y, size, 0.5, 0.5, 1, 0);
}

void draw_frame(cairo_t *cr, const frame *f, const char *xlabel, const char *ylabel, int x_ticks)
{
    char buf[64];
    cairo_set_source_rgb(cr, 0.975, 0.975, 0.98);
    cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    cairo_fill(cr);
    cairo_set_line_width(cr, 1);
    double maxw = 0;
    for (double v = ceil(f->ay.lo / f->ay.step - 1e-9) * f->ay.step; v <= f->ay.hi + f->ay.step * 1e-6; v += f->ay.step) {
        double y = round(frame_y(f, v)) + 0.5;
        cairo_set_source_rgb(cr, 0.87, 0.87, 0.89);
        cairo_move_to(cr, f->x0, y);
        cairo_line_to(cr, f->x1, y);
        cairo_stroke(cr);
        format_tick(v, f->ay.step, buf, sizeof buf);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        maxw = fmax(maxw, draw_text(cr, buf, f->x0 - 7, y, 12, 1, 0.5, 0, 0));
    }
    if (x_ticks)
        for (double v = ceil(f->ax.lo / f->ax.step - 1e-9) * f->ax.step; v <= f->ax.hi + f->ax.step * 1e-6; v += f->ax.step) {
            double x = round(frame_x(f, v)) + 0.5;
            cairo_set_source_rgb(cr, 0.87, 0.87, 0.89);
            cairo_move_to(cr, x, f->y0);
            cairo_line_to(cr, x, f->y1);
            cairo_stroke(cr);
            format_tick(v, f->ax.step, buf, sizeof buf);
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            draw_text(cr, buf, x, f->y1 + 8, 12, 0.5, 0, 0, 0);
        }
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.58);
    cairo_rectangle(cr, f->x0 + 0.5, f->y0 + 0.5, f->x1 - f->x0 - 1, f->y1 - f->y0 - 1);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    if (xlabel && *xlabel)
        draw_text(cr, xlabel, (f->x0 + f->x1) / 2, f->y1 + (x_ticks ? 34 : 12), 14, 0.5, 0, 0, 0);
    if (ylabel && *ylabel)
        draw_text(cr, ylabel, f->x0 - maxw - 16, (f->y0 + f->y1) / 2, 14, 0.5, 1, 0, -M_PI / 2);
}

void draw_marker(cairo_t *cr, int shape, double x, double y, double r)
{
    switch (shape % MARK_COUNT) {
    case MARK_CIRCLE:
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    case MARK_SQUARE:
        cairo_rectangle(cr, x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76);
        break;
    case MARK_TRIANGLE:
    case MARK_TRIANGLE_DOWN: {
        double s = (shape % MARK_COUNT) == MARK_TRIANGLE ? 1 : -1, R = r * 1.3;
        cairo_move_to(cr, x, y - s * R);
        cairo_line_to(cr, x + R * 0.866, y + s * R * 0.5);
        cairo_line_to(cr, x - R * 0.866, y + s * R * 0.5);
        cairo_close_path(cr);
        break;
    }
    case MARK_DIAMOND:
        cairo_move_to(cr, x, y - r * 1.25);
        cairo_line_to(cr, x + r * 1.25, y);
        cairo_line_to(cr, x, y + r * 1.25);
        cairo_line_to(cr, x - r * 1.25, y);
        cairo_close_path(cr);
        break;
    default: { /* pentagon */
        double R = r * 1.15;
        for (int k = 0; k < 5; k++) {
            double a = -M_PI / 2 + k * 2 * M_PI / 5;
            if (k == 0)
                cairo_move_to(cr, x + R * cos(a), y + R * sin(a));
            else
                cairo_line_to(cr, x + R * cos(a), y + R * sin(a));
        }
        cairo_close_path(cr);
    }
    }
}

void shorten(const char *s, char *buf, size_t len, size_t max)
{
    size_t chars = 0, i = 0, cut = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == max - 1)
                cut = i;
            chars++;
        }
    if (chars <= max || max < 2) {
        snprintf(buf, len, "%s", s);
        return;
    }
    snprintf(buf, len, "%.*s…", (int)cut, s);
}

void set_dash(cairo_t *cr, int dash)
{
    static const double pat[4][4] = {{0}, {7, 4}, {1.5, 3.5}, {8, 3.5, 1.5, 3.5}};
    static const int len[4] = {0, 2, 2, 4};
    int d = dash < 0 ? 0 : dash % 4;
    cairo_set_line_cap(cr, d == 2 ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, pat[d], len[d], 0);
}

double draw_legend(cairo_t *cr, const char *const *names, const int *shapes, const int *dashes,
                   const double (*rgb)[3], size_t n, double x, double y, int draw)
{
    double size = 12, row = 19, pad = 8, sw = 22, maxw = 0;
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        shorten(names[i], buf, sizeof buf, 32);
        maxw = fmax(maxw, text_width(cr, buf, size, 0));
    }
    double w = pad * 2 + sw + 6 + maxw, h = pad * 2 + row * (double)n - 4;
    if (!draw)
        return w;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.82);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (size_t i = 0; i < n; i++) {
        double cy = y + pad + row * (double)i + 7;
        cairo_set_source_rgb(cr, rgb[i][0], rgb[i][1], rgb[i][2]);
        if (shapes) {
            draw_marker(cr, shapes[i], x + pad + sw / 2, cy, 5);
            cairo_fill(cr);
        } else {
            cairo_set_source_rgba(cr, rgb[i][0], rgb[i][1], rgb[i][2], 0.25);
            cairo_rectangle(cr, x + pad, cy - 5, sw, 10);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, rgb[i][0], rgb[i][1], rgb[i][2]);
            cairo_set_line_width(cr, 2.5);
            set_dash(cr, dashes ? dashes[i] : 0);
            cairo_move_to(cr, x + pad, cy);
            cairo_line_to(cr, x + pad + sw, cy);
            cairo_stroke(cr);
            set_dash(cr, 0);
        }
        shorten(names[i], buf, sizeof buf, 32);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        draw_text(cr, buf, x + pad + sw + 6, cy, size, 0, 0.5, 0, 0);
    }
    return w;
}
