/* cmd_plot.c — `facecluster plot lines|bars|heatmap`: figures from a long-format TSV table (one
 * observation per row, columns chosen by header name), e.g. the score sweeps and score tables. */
#include "cli/cli.h"
#include "facecluster/plot.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster plot lines   --tsv T --x COL --y COL [--band COL] [--series COL] -o FIG\n"
           "       facecluster plot bars    --tsv T --category COL --value COL [--series COL] [--err COL] -o FIG\n"
           "       facecluster plot heatmap --tsv T --row COL --col COL --value COL [--vmin V --vmax V] -o FIG\n"
           "  common: [--title TEXT] [--xlabel TEXT] [--ylabel TEXT] [--ymin V] [--ymax V] [--width W]\n"
           "          [--height H] [--scale S] [--format PRINTF]\n\n"
           "Draws a figure (PNG, SVG or PDF by the extension of FIG) from a tab-separated table whose first\n"
           "line names the columns; each following line is one observation. lines: one line per distinct\n"
           "value of --series (in order of appearance; with --style, per (series, style) pair: colour from the\n"
           "series, dash pattern from the style), points sorted by x, with a shaded ±band; bars: grouped\n"
           "bars per category, one colour per series, optional error bars; heatmap: a row × column grid of\n"
           "values written in their cells (--format, default %%.3f). Empty or non-numeric values are skipped.\n");
}

typedef struct table {
    char **head;
    size_t ncol, nrows;
    char **cells; /* nrows × ncol */
    char *buf;
} table;

static void table_free(table *t)
{
    free(t->head);
    free(t->cells);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* Reads the whole file and splits it into cells in place. */
static int table_read(const char *path, table *t)
{
    memset(t, 0, sizeof *t);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open", path);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    t->buf = malloc((size_t)(len > 0 ? len : 0) + 1);
    if (!t->buf || fread(t->buf, 1, (size_t)len, fp) != (size_t)len) {
        fclose(fp);
        table_free(t);
        return fc_fail(FC_EIO, "%s: cannot read", path);
    }
    fclose(fp);
    t->buf[len] = 0;
    size_t lines = 1;
    for (long i = 0; i < len; i++)
        lines += t->buf[i] == '\n';
    char *save = NULL, *line = strtok_r(t->buf, "\n", &save);
    if (!line)
        return table_free(t), fc_fail(FC_EFORMAT, "%s: empty table", path);
    line[strcspn(line, "\r")] = 0;
    size_t ncol = 1;
    for (char *p = line; *p; p++)
        ncol += *p == '\t';
    t->ncol = ncol;
    t->head = calloc(ncol, sizeof *t->head);
    t->cells = calloc(lines * ncol, sizeof *t->cells);
    if (!t->head || !t->cells)
        return table_free(t), fc_fail(FC_ENOMEM, "%s: out of memory", path);
    for (size_t c = 0; c < ncol; c++) {
        t->head[c] = line;
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = 0, line = tab + 1;
    }
    while ((line = strtok_r(NULL, "\n", &save))) {
        line[strcspn(line, "\r")] = 0;
        if (!*line)
            continue;
        for (size_t c = 0; c < ncol; c++) {
            t->cells[t->nrows * ncol + c] = line;
            char *tab = line ? strchr(line, '\t') : NULL;
            if (tab)
                *tab = 0, line = tab + 1;
            else
                line = (char *)"";
        }
        t->nrows++;
    }
    return FC_OK;
}

static int column(const table *t, const char *name, const char *opt)
{
    if (!name)
        return -1;
    for (size_t c = 0; c < t->ncol; c++)
        if (!strcmp(t->head[c], name))
            return (int)c;
    cli_error("plot", "%s: no column named '%s' in the table", opt, name);
    return -2;
}

static double num(const char *s)
{
    char *end;
    if (!s || !*s)
        return NAN;
    double v = strtod(s, &end);
    return *end ? NAN : v;
}

/* Distinct values of column c in order of appearance (pointers into the table); index per row. */
static size_t distinct(const table *t, int c, const char **vals, size_t *idx)
{
    size_t k = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *v = c >= 0 ? t->cells[r * t->ncol + c] : "";
        size_t j = 0;
        while (j < k && strcmp(vals[j], v))
            j++;
        if (j == k)
            vals[k++] = v;
        idx[r] = j;
    }
    return k;
}

/* A printf format with exactly one double conversion (%f %g %e, with flags/width/precision), so that
 * a user's format cannot make printf read arguments that are not there. */
static int valid_format(const char *f)
{
    int conv = 0;
    for (; *f; f++) {
        if (*f != '%')
            continue;
        if (f[1] == '%') {
            f++;
            continue;
        }
        f++;
        f += strspn(f, "0123456789.+- #");
        if (!*f || !strchr("fgeFGE", *f))
            return 0;
        conv++;
    }
    return conv == 1;
}

static const double *g_x;
static int by_x(const void *a, const void *b)
{
    double x = g_x[*(const size_t *)a], y = g_x[*(const size_t *)b];
    return (x > y) - (x < y);
}

int cmd_plot(int argc, char **argv)
{
    enum { O_TSV = 256, O_X, O_Y, O_BAND, O_SERIES, O_STYLE, O_CAT, O_VALUE, O_ERR, O_ROW, O_COL, O_VMIN, O_VMAX,
           O_TITLE, O_XL, O_YL, O_YMIN, O_YMAX, O_W, O_H, O_SCALE, O_FMT };
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"tsv", required_argument, 0, O_TSV}, {"x", required_argument, 0, O_X},
        {"y", required_argument, 0, O_Y}, {"band", required_argument, 0, O_BAND},
        {"series", required_argument, 0, O_SERIES}, {"style", required_argument, 0, O_STYLE}, {"category", required_argument, 0, O_CAT},
        {"value", required_argument, 0, O_VALUE}, {"err", required_argument, 0, O_ERR},
        {"row", required_argument, 0, O_ROW}, {"col", required_argument, 0, O_COL},
        {"vmin", required_argument, 0, O_VMIN}, {"vmax", required_argument, 0, O_VMAX},
        {"title", required_argument, 0, O_TITLE}, {"xlabel", required_argument, 0, O_XL},
        {"ylabel", required_argument, 0, O_YL}, {"ymin", required_argument, 0, O_YMIN},
        {"ymax", required_argument, 0, O_YMAX}, {"width", required_argument, 0, O_W},
        {"height", required_argument, 0, O_H}, {"scale", required_argument, 0, O_SCALE},
        {"format", required_argument, 0, O_FMT}, {"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    const char *tsv = NULL, *cx = NULL, *cy = NULL, *cband = NULL, *cser = NULL, *cstyle = NULL, *ccat = NULL, *cval = NULL,
               *cerr = NULL, *crow = NULL, *ccol = NULL, *out = NULL;
    double vmin = NAN, vmax = NAN;
    fc_plot_opts po;
    fc_plot_opts_init(&po);
    int c;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage();
        return EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "lines") && strcmp(argv[1], "bars") && strcmp(argv[1], "heatmap"))) {
        cli_error("plot", "expects lines, bars or heatmap first (see --help)");
        return EXIT_USAGE;
    }
    const char *kind = argv[1];
    argc--, argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        double v;
        int iv;
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case O_TSV: tsv = optarg; break;
        case O_X: cx = optarg; break;
        case O_Y: cy = optarg; break;
        case O_BAND: cband = optarg; break;
        case O_SERIES: cser = optarg; break;
        case O_STYLE: cstyle = optarg; break;
        case O_CAT: ccat = optarg; break;
        case O_VALUE: cval = optarg; break;
        case O_ERR: cerr = optarg; break;
        case O_ROW: crow = optarg; break;
        case O_COL: ccol = optarg; break;
        case O_TITLE: po.title = optarg; break;
        case O_XL: po.xlabel = optarg; break;
        case O_YL: po.ylabel = optarg; break;
        case O_FMT: po.value_format = optarg; break;
        case 'o': out = optarg; break;
        case O_VMIN: case O_VMAX: case O_YMIN: case O_YMAX: case O_SCALE:
            if (cli_parse_double("plot", "a numeric option", optarg, -1e300, 1e300, &v))
                return EXIT_USAGE;
            if (c == O_VMIN) vmin = v;
            else if (c == O_VMAX) vmax = v;
            else if (c == O_YMIN) po.ymin = v;
            else if (c == O_YMAX) po.ymax = v;
            else po.scale = v;
            break;
        case O_W: case O_H:
            if (cli_parse_int("plot", c == O_W ? "--width" : "--height", optarg, 100, 20000, &iv))
                return EXIT_USAGE;
            if (c == O_W) po.width = iv;
            else po.height = iv;
            break;
        default: return EXIT_USAGE;
        }
    }
    if (!tsv || !out || optind != argc) {
        cli_error("plot", "needs --tsv and -o (see --help)");
        return EXIT_USAGE;
    }
    if (po.value_format && !valid_format(po.value_format)) {
        cli_error("plot", "--format expects one %%f, %%g or %%e conversion, got '%s'", po.value_format);
        return EXIT_USAGE;
    }
    table t;
    if (table_read(tsv, &t)) {
        cli_error("plot", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    int rc = EXIT_USAGE, err = 0;
    size_t n = t.nrows;
    const char **sv = calloc(n + 1, sizeof *sv), **cv = calloc(n + 1, sizeof *cv);
    size_t *si = calloc(n + 1, sizeof *si), *ci = calloc(n + 1, sizeof *ci), *order = calloc(n + 1, sizeof *order);
    double *x = calloc(n + 1, sizeof *x), *y = calloc(n + 1, sizeof *y), *b = calloc(n + 1, sizeof *b);
    if (!sv || !cv || !si || !ci || !order || !x || !y || !b) {
        cli_error("plot", "out of memory");
        rc = EXIT_FAILURE_;
        goto done;
    }
    if (!strcmp(kind, "lines")) {
        int kx = column(&t, cx, "--x"), ky = column(&t, cy, "--y"), kb = column(&t, cband, "--band"),
            ks = column(&t, cser, "--series"), kd = column(&t, cstyle, "--style");
        if (kx < 0 || ky < 0 || kb < -1 || ks < -1 || kd < -1) {
            if (kx == -1 || ky == -1)
                cli_error("plot", "lines needs --x and --y");
            goto done;
        }
        /* a line per distinct (series, style) pair: colour from the series value, dash from the style */
        const char **dv = calloc(n + 1, sizeof *dv);
        size_t *di = calloc(n + 1, sizeof *di), *pair = calloc(n + 1, sizeof *pair), *pfirst = calloc(n + 1, sizeof *pfirst);
        char **pname = calloc(n + 1, sizeof *pname);
        fc_series *ser = NULL;
        size_t ns = 0;
        if (!dv || !di || !pair || !pfirst || !pname)
            goto lines_done;
        distinct(&t, ks, sv, si);
        distinct(&t, kd, dv, di);
        for (size_t r = 0; r < n; r++) {
            size_t p = 0;
            while (p < ns && !(si[pfirst[p]] == si[r] && di[pfirst[p]] == di[r]))
                p++;
            if (p == ns)
                pfirst[ns++] = r;
            pair[r] = p;
        }
        ser = calloc(ns ? ns : 1, sizeof *ser);
        if (!ser)
            goto lines_done;
        for (size_t p = 0; p < ns; p++) {
            size_t r = pfirst[p];
            const char *a = ks >= 0 ? sv[si[r]] : (cy ? cy : ""), *d = kd >= 0 ? dv[di[r]] : NULL;
            size_t len = strlen(a) + (d ? strlen(d) + 8 : 0) + 1;
            pname[p] = malloc(len);
            if (!pname[p])
                goto lines_done;
            if (d && ks >= 0)
                snprintf(pname[p], len, "%s · %s", a, d);
            else
                snprintf(pname[p], len, "%s", d ? d : a);
            ser[p].name = pname[p];
            ser[p].color = kd >= 0 ? (int)si[r] + 1 : 0;
            ser[p].dash = kd >= 0 ? (int)di[r] : 0;
        }
        for (size_t r = 0; r < n; r++) {
            x[r] = num(t.cells[r * t.ncol + kx]);
            y[r] = num(t.cells[r * t.ncol + ky]);
            b[r] = kb >= 0 ? num(t.cells[r * t.ncol + kb]) : 0;
            order[r] = r;
        }
        g_x = x;
        qsort(order, n, sizeof *order, by_x);
        /* per series: copy its rows (sorted by x) into contiguous runs */
        double *xs = calloc(3 * (n + 1), sizeof *xs);
        if (!xs)
            goto lines_done;
        size_t at = 0;
        for (size_t k = 0; k < ns; k++) {
            ser[k].x = xs + at;
            ser[k].y = xs + (n + 1) + at;
            ser[k].band = kb >= 0 ? xs + 2 * (n + 1) + at : NULL;
            for (size_t q = 0; q < n; q++) {
                size_t r = order[q];
                if (pair[r] != k)
                    continue;
                xs[at] = x[r];
                xs[(n + 1) + at] = y[r];
                xs[2 * (n + 1) + at] = b[r];
                at++;
                ser[k].n++;
            }
        }
        if (!po.xlabel)
            po.xlabel = cx;
        if (!po.ylabel)
            po.ylabel = cy;
        err = fc_plot_lines(out, ser, ns, &po);
        free(xs);
        rc = 0;
    lines_done:
        if (rc) { /* reached only on an allocation failure */
            cli_error("plot", "out of memory");
            err = FC_ENOMEM;
        }
        for (size_t p = 0; pname && p < ns; p++)
            free(pname[p]);
        free(pname), free(ser), free(dv), free(di), free(pair), free(pfirst);
    } else if (!strcmp(kind, "bars")) {
        int kc = column(&t, ccat, "--category"), kv = column(&t, cval, "--value"), ks = column(&t, cser, "--series"),
            ke = column(&t, cerr, "--err");
        if (kc < 0 || kv < 0 || ks < -1 || ke < -1) {
            if (kc == -1 || kv == -1)
                cli_error("plot", "bars needs --category and --value");
            goto done;
        }
        size_t nc = distinct(&t, kc, cv, ci), ns = distinct(&t, ks, sv, si);
        double *v = malloc(nc * ns * sizeof *v), *e = malloc(nc * ns * sizeof *e);
        if (!v || !e) {
            free(v), free(e);
            goto done;
        }
        for (size_t i = 0; i < nc * ns; i++)
            v[i] = e[i] = NAN;
        for (size_t r = 0; r < n; r++) {
            v[ci[r] * ns + si[r]] = num(t.cells[r * t.ncol + kv]);
            if (ke >= 0)
                e[ci[r] * ns + si[r]] = num(t.cells[r * t.ncol + ke]);
        }
        if (!po.ylabel)
            po.ylabel = cval;
        if (ks < 0)
            sv[0] = cval;
        err = fc_plot_bars(out, cv, nc, sv, ns, v, ke >= 0 ? e : NULL, &po);
        free(v), free(e);
    } else {
        int kr = column(&t, crow, "--row"), kc = column(&t, ccol, "--col"), kv = column(&t, cval, "--value");
        if (kr < 0 || kc < 0 || kv < 0) {
            if (kr == -1 || kc == -1 || kv == -1)
                cli_error("plot", "heatmap needs --row, --col and --value");
            goto done;
        }
        size_t nr = distinct(&t, kr, sv, si), nc = distinct(&t, kc, cv, ci);
        double *v = malloc(nr * nc * sizeof *v);
        if (!v)
            goto done;
        for (size_t i = 0; i < nr * nc; i++)
            v[i] = NAN;
        for (size_t r = 0; r < n; r++)
            v[si[r] * nc + ci[r]] = num(t.cells[r * t.ncol + kv]);
        err = fc_plot_heatmap(out, sv, nr, cv, nc, v, vmin, vmax, &po);
        free(v);
    }
    if (err) {
        cli_error("plot", "%s", fc_last_error());
        rc = err == FC_EARG ? EXIT_USAGE : EXIT_FAILURE_;
    } else
        rc = EXIT_OK;
done:
    free(sv), free(cv), free(si), free(ci), free(order), free(x), free(y), free(b);
    table_free(&t);
    return rc;
}
