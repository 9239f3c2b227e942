/* figures.c — the study's figures across datasets (see report.h), drawn with the viz module's plots. */
#include "facecluster/plot.h"
#include "facecluster/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const exts[] = {"png", "svg", "pdf"};

/* One line per dataset over the values of `sweep` for `method`: y = ARI (with band) or clusters/K. */
static int sweep_figure(const char *dir, const char *stem, const fc_report_item *items, size_t n, const char *method,
                        const char *sweep, int clusters, const char *title, const char *xlabel)
{
    fc_series *series = fc_calloc(n ? n : 1, sizeof *series);
    double *buf = NULL;
    size_t total = 0, ns = 0;
    for (size_t d = 0; d < n; d++)
        total += items[d].st->njobs;
    buf = fc_malloc(total ? 3 * total : 1, sizeof(double));
    if (!series || !buf) {
        free(series), free(buf);
        return FC_ENOMEM;
    }
    size_t used = 0;
    for (size_t d = 0; d < n; d++) {
        const fc_study *st = items[d].st;
        double *x = buf + used, *y = x + st->njobs, *b = y + st->njobs;
        size_t m = 0;
        for (size_t j = 0; j < st->njobs; j++) {
            if (strcmp(st->jobs[j].method->name, method) || strcmp(st->jobs[j].sweep_name, sweep))
                continue;
            const fc_eval_result *r = &st->results[j];
            x[m] = st->jobs[j].sweep_value;
            if (clusters) {
                y[m] = r->runs_ok ? r->mean.k_found / r->mean.k_true : NAN;
                b[m] = r->runs_ok ? r->std2.k_found / r->mean.k_true : NAN;
            } else {
                y[m] = r->runs_ok ? r->mean.ari : NAN;
                b[m] = r->runs_ok ? r->std2.ari : NAN;
            }
            m++;
        }
        used += 3 * st->njobs;
        if (m == 0)
            continue;
        series[ns++] = (fc_series){.name = items[d].ds->name, .x = x, .y = y, .band = b, .n = m};
    }
    int rc = FC_OK;
    if (ns > 0) {
        fc_plot_opts o;
        fc_plot_opts_init(&o);
        o.title = title;
        o.xlabel = xlabel;
        o.ylabel = clusters ? "clusters found ÷ true K (mean, ±2·std band)" : "ARI (mean, ±2·std band)";
        o.width = 760;
        o.height = 500;
        o.legend = 1;
        o.scale = 1;
        if (!clusters)
            o.ymin = -0.05, o.ymax = 1.05;
        else
            o.ymin = 0; /* a count cannot be negative: the ±2·std band is cut at 0 (clipped by the frame) */
        for (int e = 0; e < 3 && rc == FC_OK; e++) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s.%s", dir, stem, exts[e]);
            rc = fc_plot_lines(path, series, ns, &o);
        }
    }
    free(series);
    free(buf);
    return rc;
}

/* A shorter row label for axes: "DBSCAN, best eps" -> "DBSCAN", "(automatic K)" -> "(auto K)". */
static void short_label(const char *label, char *buf, size_t len)
{
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%s", label);
    char *p = strstr(tmp, " (defaults)");
    if (p)
        *p = 0;
    p = strstr(tmp, ", best ");
    if (p)
        *p = 0;
    p = strstr(tmp, "automatic K");
    if (p)
        memmove(p + 4, p + 9, strlen(p + 9) + 1), memcpy(p, "auto", 4);
    size_t l = strlen(tmp) < len ? strlen(tmp) : len - 1;
    memcpy(buf, tmp, l);
    buf[l] = 0;
}

static int overview_bars(const char *dir, const fc_report_item *items, size_t n)
{
    size_t nr;
    const fc_report_row *R = fc_report_rows(&nr);
    const char **cats = fc_calloc(nr, sizeof *cats), **names = fc_calloc(n ? n : 1, sizeof *names);
    double *val = fc_malloc(nr * (n ? n : 1), sizeof(double)), *err = fc_malloc(nr * (n ? n : 1), sizeof(double));
    char(*labels)[64] = fc_calloc(nr, sizeof *labels);
    if (!cats || !names || !val || !err || !labels) {
        free(cats), free(names), free(val), free(err), free(labels);
        return FC_ENOMEM;
    }
    size_t nc = 0;
    for (size_t r = 0; r < nr; r++) {
        int any = 0;
        for (size_t d = 0; d < n; d++) {
            long j = fc_report_row_job(items[d].st, &R[r]);
            val[nc * n + d] = j >= 0 ? items[d].st->results[j].mean.ari : NAN;
            err[nc * n + d] = j >= 0 ? items[d].st->results[j].std2.ari : NAN;
            any |= j >= 0;
        }
        if (!any)
            continue;
        short_label(R[r].label, labels[nc], sizeof labels[nc]);
        cats[nc] = labels[nc];
        nc++;
    }
    for (size_t d = 0; d < n; d++)
        names[d] = items[d].ds->name;
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    o.title = "Every method: mean ARI per dataset (2·std error bars; swept methods at their best value)";
    o.ylabel = "ARI";
    o.width = 1100;
    o.height = 560;
    o.legend = 1;
    o.ymin = 0;
    o.ymax = 1.05;
    int rc = FC_OK;
    for (int e = 0; e < 3 && rc == FC_OK && nc > 0; e++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/ari_overview.%s", dir, exts[e]);
        rc = fc_plot_bars(path, cats, nc, names, n, val, err, &o);
    }
    /* Per dataset: every score × summary row as a heatmap. */
    static const char *const scores[] = {"ari", "ami", "nmi", "homogeneity", "completeness", "v_measure", "fmi",
                                         "pair_f", "bcubed_f"};
    const size_t nsc = sizeof scores / sizeof scores[0];
    const char *cols[sizeof scores / sizeof scores[0]];
    for (size_t s = 0; s < nsc; s++)
        cols[s] = fc_score_list[fc_score_index(scores[s])].title;
    double *hv = fc_malloc(nr * nsc, sizeof(double));
    const char **hr = fc_calloc(nr, sizeof *hr);
    char(*hl)[64] = fc_calloc(nr, sizeof *hl);
    for (size_t d = 0; d < n && rc == FC_OK; d++) {
        if (!hv || !hr || !hl) {
            rc = FC_ENOMEM;
            break;
        }
        size_t m = 0;
        for (size_t r = 0; r < nr; r++) {
            long j = fc_report_row_job(items[d].st, &R[r]);
            if (j < 0)
                continue;
            for (size_t s = 0; s < nsc; s++)
                hv[m * nsc + s] = fc_scores_get(&items[d].st->results[j].mean, fc_score_index(scores[s]));
            short_label(R[r].label, hl[m], sizeof hl[m]);
            hr[m] = hl[m];
            m++;
        }
        if (m == 0)
            continue;
        char title[200], runs[64];
        fc_report_runs(items[d].st, runs, sizeof runs);
        snprintf(title, sizeof title, "%s: every score per method (mean over %s runs)", items[d].ds->name, runs);
        fc_plot_opts_init(&o);
        o.title = title;
        o.width = 1100;
        o.value_format = "%.2f";
        for (int e = 0; e < 3 && rc == FC_OK; e++) {
            char path[4200];
            snprintf(path, sizeof path, "%s/scores_%s.%s", dir, items[d].ds->name, exts[e]);
            rc = fc_plot_heatmap(path, hr, m, cols, nsc, hv, 0, 1, &o);
        }
    }
    free(hv), free(hr), free(hl);
    free(cats), free(names), free(val), free(err), free(labels);
    return rc;
}

int fc_report_figures(const char *dir, const fc_report_item *items, size_t n)
{
    int rc = sweep_figure(dir, "ari_vs_eps", items, n, "dbscan", "eps", 0,
                          "DBSCAN (min_samples 1): ARI vs eps", "eps");
    if (!rc)
        rc = sweep_figure(dir, "ari_vs_bandwidth", items, n, "meanshift", "bandwidth", 0,
                          "Mean-shift: ARI vs bandwidth", "bandwidth");
    if (!rc)
        rc = sweep_figure(dir, "clusters_vs_eps", items, n, "dbscan", "eps", 1,
                          "DBSCAN (min_samples 1): clusters found vs eps", "eps");
    if (!rc)
        rc = sweep_figure(dir, "clusters_vs_bandwidth", items, n, "meanshift", "bandwidth", 1,
                          "Mean-shift: clusters found vs bandwidth", "bandwidth");
    if (!rc)
        rc = overview_bars(dir, items, n);
    return rc;
}
