/* html.c — the HTML page writer: escaping, headings, tables, figures, galleries (see html.h). */
#include "facecluster/html.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fc_html {
    FILE *fp;
    char *path;
};

static const char CSS[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;"
    "color:#222;background:#fff}\n"
    "h1{font-size:1.6em;margin:0 0 .6em}h2{font-size:1.25em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}"
    "h3{font-size:1.05em;margin:1em 0 .3em}\n"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}"
    "th,td{border:1px solid #d6d6dc;padding:4px 10px}th{background:#f1f1f5;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafafc}\n"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #e2e2e8}"
    "figcaption{color:#555;font-size:.9em;margin-top:.3em}\n"
    ".gallery{margin:.4em 0 1em;padding:.4em .6em;border:1px solid #e4e4ea;border-radius:6px;background:#fbfbfd}"
    ".gallery .title{font-weight:bold;margin-bottom:.1em}.swatch{display:inline-block;width:.8em;height:.8em;"
    "border-radius:50%;margin-right:.45em;vertical-align:-.05em}.gallery .note{color:#666;font-size:.85em;"
    "margin-bottom:.4em}\n"
    ".faces{display:flex;flex-wrap:wrap;gap:6px}.face{width:96px;text-align:center;font-size:.72em;color:#444}"
    ".face img{width:96px;height:96px;object-fit:cover;border:2px solid #c8d0dc;border-radius:4px;display:block}"
    ".face.bad img{border-color:#d62728}.face.bad{color:#d62728;font-weight:bold}"
    ".face span{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
    "footer{margin-top:2em;color:#888;font-size:.8em}\n";

void fc_html_escape(FILE *fp, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
}

/* Paths in src="..." attributes: escaped, with spaces and other unsafe bytes percent-encoded. */
static void url(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '%' || c == '#' || c == '?' ||
            c >= 0x7f)
            fprintf(fp, "%%%02X", c);
        else if (c == '&')
            fputs("&amp;", fp);
        else
            fputc(c, fp);
    }
}

fc_html *fc_html_open(const char *path, const char *title)
{
    fc_html *h = calloc(1, sizeof *h);
    if (!h) {
        fc_fail(FC_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    h->path = strdup(path);
    h->fp = fopen(path, "w");
    if (!h->fp || !h->path) {
        fc_fail(FC_EIO, "%s: cannot create the page", path);
        if (h->fp)
            fclose(h->fp);
        free(h->path);
        free(h);
        return NULL;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          h->fp);
    fc_html_escape(h->fp, title);
    fprintf(h->fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", CSS);
    fc_html_escape(h->fp, title);
    fputs("</h1>\n", h->fp);
    return h;
}

int fc_html_close(fc_html *h)
{
    if (!h)
        return FC_EARG;
    fputs("<footer>made by facecluster " FC_VERSION "</footer>\n</body>\n</html>\n", h->fp);
    int bad = ferror(h->fp);
    bad |= fclose(h->fp) != 0;
    int rc = bad ? fc_fail(FC_EIO, "%s: write error", h->path) : FC_OK;
    free(h->path);
    free(h);
    return rc;
}

FILE *fc_html_stream(fc_html *h) { return h->fp; }

void fc_html_heading(fc_html *h, int level, const char *text)
{
    if (level < 1 || level > 6)
        level = 2;
    fprintf(h->fp, "<h%d>", level);
    fc_html_escape(h->fp, text);
    fprintf(h->fp, "</h%d>\n", level);
}

void fc_html_paragraph(fc_html *h, const char *text)
{
    fputs("<p>", h->fp);
    fc_html_escape(h->fp, text);
    fputs("</p>\n", h->fp);
}

void fc_html_raw(fc_html *h, const char *markup) { fputs(markup, h->fp); }

static int numeric(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    strtod(s, &end);
    while (*end == ' ' || *end == '%')
        end++;
    return *end == 0 || !strncmp(end, "±", strlen("±"));
}

void fc_html_table(fc_html *h, const char *const *header, size_t ncol, const char *const *cells, size_t nrows)
{
    fputs("<table>\n", h->fp);
    if (header) {
        fputs("<thead><tr>", h->fp);
        for (size_t c = 0; c < ncol; c++) {
            fputs("<th>", h->fp);
            fc_html_escape(h->fp, header[c]);
            fputs("</th>", h->fp);
        }
        fputs("</tr></thead>\n", h->fp);
    }
    fputs("<tbody>\n", h->fp);
    for (size_t r = 0; r < nrows; r++) {
        fputs("<tr>", h->fp);
        for (size_t c = 0; c < ncol; c++) {
            const char *v = cells[r * ncol + c];
            fputs(numeric(v) ? "<td class=\"num\">" : "<td>", h->fp);
            fc_html_escape(h->fp, v ? v : "");
            fputs("</td>", h->fp);
        }
        fputs("</tr>\n", h->fp);
    }
    fputs("</tbody></table>\n", h->fp);
}

/* Splits a line in place at tabs; returns the number of fields (at most max). */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        f[n++] = line;
        char *t = strchr(line, '\t');
        if (!t)
            break;
        *t = 0;
        line = t + 1;
    }
    return n;
}

int fc_html_table_tsv(fc_html *h, const char *tsv_path)
{
    FILE *fp = fopen(tsv_path, "r");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open", tsv_path);
    char *line = NULL, **cells = NULL, *header[256];
    size_t cap = 0, ncol = 0, rows = 0, ncells = 0, cellcap = 0;
    char *head = NULL;
    int rc = FC_OK;
    ssize_t len;
    while ((len = getline(&line, &cap, fp)) >= 0) {
        if (!head) {
            head = strdup(line);
            if (!head) {
                rc = FC_ENOMEM;
                break;
            }
            ncol = split_tabs(head, header, 256);
            continue;
        }
        if (line[0] == '\n' || line[0] == 0)
            continue;
        char *f[256];
        char *copy = strdup(line);
        size_t n = copy ? split_tabs(copy, f, 256) : 0;
        if (!copy || ncells + ncol > cellcap) {
            size_t nc = cellcap ? cellcap * 2 : 64 * (ncol ? ncol : 1);
            while (nc < ncells + ncol)
                nc *= 2;
            char **nn = copy ? realloc(cells, nc * sizeof *nn) : NULL;
            if (!nn) {
                free(copy);
                rc = fc_fail(FC_ENOMEM, "%s: out of memory", tsv_path);
                break;
            }
            cells = nn;
            cellcap = nc;
        }
        /* the row's cells point into `copy`; the first cell owns it (freed below) */
        for (size_t c = 0; c < ncol; c++)
            cells[ncells + c] = c < n ? f[c] : (char *)"";
        if (n == 0 || f[0] != copy)
            free(copy);
        ncells += ncol;
        rows++;
    }
    free(line);
    fclose(fp);
    if (!head && rc == FC_OK)
        rc = fc_fail(FC_EFORMAT, "%s: empty table", tsv_path);
    if (rc == FC_OK)
        fc_html_table(h, (const char *const *)header, ncol, (const char *const *)cells, rows);
    for (size_t r = 0; r < rows; r++)
        free(cells[r * ncol]);
    free(cells);
    free(head);
    return rc;
}

void fc_html_figure(fc_html *h, const char *rel_path, const char *caption, const char *alt)
{
    fputs("<figure><img src=\"", h->fp);
    url(h->fp, rel_path);
    fputs("\" alt=\"", h->fp);
    fc_html_escape(h->fp, alt ? alt : caption ? caption : rel_path);
    fputs("\">", h->fp);
    if (caption) {
        fputs("<figcaption>", h->fp);
        fc_html_escape(h->fp, caption);
        fputs("</figcaption>", h->fp);
    }
    fputs("</figure>\n", h->fp);
}

void fc_html_gallery_begin(fc_html *h, const char *title, const char *note, const double *rgb)
{
    fputs("<div class=\"gallery\"><div class=\"title\">", h->fp);
    if (rgb)
        fprintf(h->fp, "<span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span>",
                (int)lround(fmin(1, fmax(0, rgb[0])) * 255), (int)lround(fmin(1, fmax(0, rgb[1])) * 255),
                (int)lround(fmin(1, fmax(0, rgb[2])) * 255));
    fc_html_escape(h->fp, title);
    fputs("</div>", h->fp);
    if (note) {
        fputs("<div class=\"note\">", h->fp);
        fc_html_escape(h->fp, note);
        fputs("</div>", h->fp);
    }
    fputs("\n<div class=\"faces\">\n", h->fp);
}

void fc_html_gallery_item(fc_html *h, const char *img_rel, const char *caption, const char *tooltip, int bad)
{
    fputs(bad ? "<div class=\"face bad\"" : "<div class=\"face\"", h->fp);
    if (tooltip) {
        fputs(" title=\"", h->fp);
        fc_html_escape(h->fp, tooltip);
        fputs("\"", h->fp);
    }
    fputs("><img src=\"", h->fp);
    url(h->fp, img_rel);
    fputs("\" alt=\"", h->fp);
    fc_html_escape(h->fp, caption ? caption : "face");
    fputs("\"><span>", h->fp);
    fc_html_escape(h->fp, caption ? caption : "");
    fputs("</span></div>\n", h->fp);
}

void fc_html_gallery_end(fc_html *h) { fputs("</div></div>\n", h->fp); }
