/* page.c — index.html of a study report, with the error galleries' thumbnails (see page.h). */
#include "facecluster/page.h"
#include "facecluster/html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *css =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.4}"
    "h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:4px 8px;"
    "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
    "td.paper{color:#666;background:#fafafa;font-style:italic}"
    "figure{display:inline-block;margin:8px;vertical-align:top}figure img{max-width:100%;border:1px solid #eee}"
    "figcaption{font-size:.85em;color:#555}.fig2 img{width:540px}.fig1 img{width:1080px}"
    ".entry{border:1px solid #ddd;border-radius:6px;padding:8px;margin:10px 0}"
    ".group{display:inline-block;vertical-align:top;margin:4px 10px 4px 0;padding:4px;background:#f7f7f7;"
    "border-radius:4px}.group h4{margin:2px 0 4px;font-size:.85em}"
    ".tile{display:inline-block;width:100px;margin:2px;text-align:center;font-size:.62em;word-break:break-all;"
    "vertical-align:top}.tile img{width:96px;height:96px;display:block;margin:auto}"
    ".missing{width:96px;height:96px;background:#ddd;display:flex;align-items:center;justify-content:center;"
    "margin:auto}.link{outline:3px solid #d62728}.small{font-size:.85em;color:#555}nav a{margin-right:1em}";

/* Makes (once) the thumbnail of `row`; writes an <img> tile or a text tile. */
static void tile(FILE *fp, const char *dir, const fc_page_dataset *p, const fc_page_info *info, long row, int mark,
                 size_t *missing)
{
    const fc_dataset *d = p->ds;
    const char *name = d->image ? d->image[row] : NULL;
    char rel[512], abs[4800], src[4800];
    snprintf(rel, sizeof rel, "thumbs/%s/%ld.jpg", d->name, row);
    snprintf(abs, sizeof abs, "%s/%s", dir, rel);
    int ok = access(abs, R_OK) == 0;
    if (!ok && name && d->image_root[0]) {
        snprintf(src, sizeof src, "%s/%s", d->image_root, name);
        const double *b = d->box ? d->box + 4 * row : NULL; /* faces.tsv and the store give both or neither */
        /* the upright photo (sizes 0: EXIF orientation applied), padded grey to a square around the box */
        ok = b && fc_face_thumbnail(src, b[0], b[1], b[2], b[3], 0, 0, 0.25, info->thumb_size, FC_THUMB_PAD,
                                    abs) == FC_OK;
    }
    fputs("<div class=\"tile\">", fp);
    if (ok) {
        fprintf(fp, "<img src=\"%s\" alt=\"", rel);
        fc_html_escape(fp, name);
        fprintf(fp, "\"%s>", mark ? " class=\"link\"" : "");
    } else {
        fputs("<div class=\"missing\">no image</div>", fp);
        (*missing)++;
    }
    if (name)
        fc_html_escape(fp, name);
    else
        fprintf(fp, "row %ld", row);
    fputs("</div>", fp);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* Rows with key_a[row] == va, grouped by key_b (up to max_groups groups, largest first), as gallery. */
static void groups(FILE *fp, const char *dir, const fc_page_dataset *p, const fc_page_info *info, const int *key_a,
                   int va, const int *key_b, int is_split, long mark_a, long mark_b, size_t *missing)
{
    size_t n = p->ds->X.rows, m = 0;
    long *pairs = malloc(n * sizeof *pairs); /* key_b << 32 | row, sorted */
    if (!pairs)
        return;
    for (size_t i = 0; i < n; i++)
        if (key_a[i] == va)
            pairs[m++] = ((long)key_b[i] << 32) | (long)i;
    qsort(pairs, m, sizeof *pairs, cmp_long);
    /* group boundaries, then order groups by size (largest first) with a simple selection */
    size_t ng = 0, *start = malloc((m + 1) * sizeof *start);
    if (!start) {
        free(pairs);
        return;
    }
    for (size_t i = 0; i < m; i++)
        if (i == 0 || (pairs[i] >> 32) != (pairs[i - 1] >> 32))
            start[ng++] = i;
    start[ng] = m;
    unsigned char *shown = calloc(ng ? ng : 1, 1);
    for (int g = 0; shown && g < info->max_ids && (size_t)g < ng; g++) {
        /* groups holding the closest pair first, then the largest */
        size_t best = ng, best_score = 0;
        for (size_t k = 0; k < ng; k++) {
            if (shown[k])
                continue;
            size_t score = start[k + 1] - start[k];
            for (size_t i = start[k]; i < start[k + 1]; i++) {
                long row = pairs[i] & 0xffffffffL;
                if (row == mark_a || row == mark_b)
                    score += (size_t)1 << 40;
            }
            if (best == ng || score > best_score)
                best = k, best_score = score;
        }
        if (best == ng)
            break;
        shown[best] = 1;
        size_t cnt = start[best + 1] - start[best];
        long first = pairs[start[best]] & 0xffffffffL;
        fputs("<div class=\"group\"><h4>", fp);
        if (is_split)
            fprintf(fp, "part %d: %zu face%s", g + 1, cnt, cnt == 1 ? "" : "s");
        else {
            fc_html_escape(fp, p->ds->truth.names[p->ds->truth.ids[first]]);
            fprintf(fp, " (%zu)", cnt);
        }
        fputs("</h4>", fp);
        /* the closest pair's row first, then the rest */
        int shown_faces = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = start[best]; i < start[best + 1] && shown_faces < info->max_faces; i++) {
                long row = pairs[i] & 0xffffffffL;
                int mark = row == mark_a || row == mark_b;
                if ((pass == 0) != mark)
                    continue;
                tile(fp, dir, p, info, row, mark, missing);
                shown_faces++;
            }
        if ((int)cnt > shown_faces)
            fprintf(fp, "<div class=\"small\">+%zu more</div>", cnt - (size_t)shown_faces);
        fputs("</div>", fp);
    }
    if (ng > (size_t)info->max_ids)
        fprintf(fp, "<div class=\"small\">… and %zu more %s</div>", ng - (size_t)info->max_ids,
                is_split ? "parts" : "identities");
    free(shown);
    free(start);
    free(pairs);
}

static void pct(FILE *fp, int64_t a, int64_t b)
{
    if (b > 0)
        fprintf(fp, "%lld of %lld (%.1f %%)", (long long)a, (long long)b, 100.0 * (double)a / (double)b);
    else
        fputs("–", fp);
}

static void figure(FILE *fp, const char *stem, const char *caption, const char *cls)
{
    fprintf(fp, "<figure class=\"%s\"><a href=\"%s.svg\"><img src=\"%s.png\" alt=\"", cls, stem, stem);
    fc_html_escape(fp, caption);
    fputs("\"></a><figcaption>", fp);
    fc_html_escape(fp, caption);
    fprintf(fp, " — <a href=\"%s.svg\">SVG</a> · <a href=\"%s.pdf\">PDF</a></figcaption></figure>\n", stem, stem);
}

static void summary_table(FILE *fp, const fc_report_item *items, size_t n)
{
    size_t nr;
    const fc_report_row *R = fc_report_rows(&nr);
    fputs("<table><tr><th>method</th>", fp);
    for (size_t d = 0; d < n; d++) {
        fputs("<th>", fp);
        fc_html_escape(fp, items[d].ds->name);
        char runs[64];
        fc_report_runs(items[d].st, runs, sizeof runs);
        fprintf(fp, "<br><span class=\"small\">N=%zu, K=%zu, %s runs</span></th>", items[d].ds->X.rows,
                items[d].ds->truth.k, runs);
        int pc = fc_paper_column(items[d].ds->name);
        if (pc >= 0) {
            fputs("<th>paper<br><span class=\"small\">", fp);
            fc_html_escape(fp, fc_paper_column_name(pc));
            fputs("</span></th>", fp);
        }
    }
    fputs("</tr>\n", fp);
    for (size_t r = 0; r < nr; r++) {
        int any = 0;
        for (size_t d = 0; d < n; d++)
            any |= fc_report_row_job(items[d].st, &R[r]) >= 0;
        if (!any)
            continue;
        fputs("<tr><td>", fp);
        fc_html_escape(fp, R[r].label);
        fputs("</td>", fp);
        for (size_t d = 0; d < n; d++) {
            long j = fc_report_row_job(items[d].st, &R[r]);
            if (j < 0)
                fputs("<td>–</td>", fp);
            else {
                const fc_eval_result *res = &items[d].st->results[j];
                fprintf(fp, "<td>%.3f ± %.3f", res->mean.ari, res->std2.ari);
                if (R[r].sweep)
                    fprintf(fp, " (%.1f)", items[d].st->jobs[j].sweep_value);
                fputs("</td>", fp);
            }
            int pc = fc_paper_column(items[d].ds->name);
            if (pc >= 0) {
                double param, a = fc_paper_ari(R[r].paper_row, pc, &param);
                if (isnan(a))
                    fputs("<td class=\"paper\">–</td>", fp);
                else if (!isnan(param))
                    fprintf(fp, "<td class=\"paper\">%.3f (%.1f)</td>", a, param);
                else
                    fprintf(fp, "<td class=\"paper\">%.3f</td>", a);
            }
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

static void dataset_section(FILE *fp, const char *dir, const fc_page_dataset *p, const fc_page_info *info,
                            size_t *missing)
{
    const fc_dataset *d = p->ds;
    const fc_study *st = p->st;
    fputs("<h2 id=\"ds-", fp);
    fc_html_escape(fp, d->name);
    fputs("\">Dataset ", fp);
    fc_html_escape(fp, d->name);
    fprintf(fp, "</h2>\n<p>%zu faces of %zu people", d->X.rows, d->truth.k);
    if (p->note) {
        fputs(" (", fp);
        fc_html_escape(fp, p->note);
        fputc(')', fp);
    }
    char runs[64];
    fc_report_runs(st, runs, sizeof runs);
    fprintf(fp, "; %zu-d embeddings. Protocol: %s runs on %s %.0f %% subsets (seed %llu), %zu settings in %zu "
                "groups (%zu reused from the cache), %.1f s.</p>\n",
            d->X.cols, runs, st->eval.bootstrap ? "bootstrap" : "random", 100 * st->eval.fraction,
            (unsigned long long)st->eval.seed, st->njobs, st->groups, st->groups_cached, st->seconds);
    fprintf(fp, "<p>Tables of every setting: <a href=\"datasets/%s/scores.md\">Markdown</a> · "
                "<a href=\"datasets/%s/scores.tex\">LaTeX</a> · <a href=\"datasets/%s/scores.tsv\">TSV</a> · "
                "<a href=\"datasets/%s/scores.json\">JSON</a></p>\n",
            d->name, d->name, d->name, d->name);
    char stem[300], cap[300];
    if (p->tsne_ok) {
        snprintf(stem, sizeof stem, "datasets/%s/tsne", d->name);
        snprintf(cap, sizeof cap, "t-SNE map of %s coloured by identity (%s, final KL %.3f, %.1f s)", d->name,
                 p->tsne_exact ? "exact" : "Barnes-Hut", p->tsne_kl, p->tsne_seconds);
        figure(fp, stem, cap, "fig2");
    } else if (p->tsne_off)
        fputs("<p class=\"small\">No t-SNE map (not asked for: --no-tsne).</p>\n", fp);
    else
        fputs("<p class=\"small\">No t-SNE map (too few faces for the perplexity).</p>\n", fp);
    snprintf(stem, sizeof stem, "figures/scores_%s", d->name);
    snprintf(cap, sizeof cap, "%s: every score per method", d->name);
    figure(fp, stem, cap, "fig2");

    if (!p->err || !p->error_setting)
        return;
    const fc_error_report *e = p->err;
    fputs("<h3>What goes wrong: ", fp);
    fc_html_escape(fp, p->error_setting);
    fprintf(fp, " on all %zu faces</h3>\n<table><tr><th>count</th><th>value</th></tr>", e->n);
    fprintf(fp, "<tr><td>ARI on the whole set</td><td>%.3f</td></tr>", p->err_ari);
    fprintf(fp, "<tr><td>clusters found / identities</td><td>%zu / %zu</td></tr>", e->k_found, e->k_true);
    fprintf(fp, "<tr><td>clusters that merge identities</td><td>%zu</td></tr>", e->n_merges);
    fprintf(fp, "<tr><td>identities split over clusters</td><td>%zu</td></tr>", e->n_splits);
    fprintf(fp, "<tr><td>pairs wrongly together (different people, same cluster)</td><td>%lld</td></tr>",
            (long long)e->fp);
    fprintf(fp, "<tr><td>pairs wrongly apart (same person, different clusters)</td><td>%lld of %lld</td></tr>",
            (long long)e->fn, (long long)(e->tp + e->fn));
    fputs("</table>\n", fp);
    if (d->has_glasses) {
        fputs("<h4>Do glasses drive splits?</h4><p>Share of same-person pairs that end up in different "
              "clusters:</p><table><tr><th>pairs</th><th>split</th></tr><tr><td>all same-person pairs</td><td>",
              fp);
        pct(fp, e->fn, e->tp + e->fn);
        fputs("</td></tr><tr><td><code>glasses</code> vs <code>noglasses</code> photo of the person</td><td>", fp);
        pct(fp, e->g_cross_split, e->g_cross_pairs);
        fputs("</td></tr><tr><td>any pair with the <code>glasses</code> photo</td><td>", fp);
        pct(fp, e->g_with_split, e->g_with_pairs);
        fputs("</td></tr><tr><td>any pair with the <code>noglasses</code> photo (and no glasses photo)</td><td>", fp);
        pct(fp, e->g_without_split, e->g_without_pairs);
        fputs("</td></tr></table>\n", fp);
        if (p->n_glasses_rows) {
            fputs("<p>The same split rates across DBSCAN's eps sweep (min_samples 1, whole set):</p>\n<table><tr>"
                  "<th>eps</th><th>ARI</th><th>all same-person pairs</th><th><code>glasses</code> vs "
                  "<code>noglasses</code></th><th>pairs with the <code>glasses</code> photo</th>"
                  "<th>pairs with the <code>noglasses</code> photo</th></tr>\n", fp);
            for (size_t k = 0; k < p->n_glasses_rows; k++) {
                const fc_error_report *g = &p->glasses_err[k];
                int64_t all = g->tp + g->fn;
                fprintf(fp, "<tr><td>%.2f</td><td>%.3f</td><td>%.1f %%</td><td>%.1f %%</td><td>%.1f %%</td>"
                            "<td>%.1f %%</td></tr>\n",
                        p->glasses_eps[k], p->glasses_eps[p->n_glasses_rows + k],
                        all ? 100.0 * (double)g->fn / (double)all : 0,
                        g->g_cross_pairs ? 100.0 * (double)g->g_cross_split / (double)g->g_cross_pairs : 0,
                        g->g_with_pairs ? 100.0 * (double)g->g_with_split / (double)g->g_with_pairs : 0,
                        g->g_without_pairs ? 100.0 * (double)g->g_without_split / (double)g->g_without_pairs : 0);
            }
            fputs("</table>\n", fp);
        }
    }
    const int *truth = d->truth.ids, *lab = e->labels_used;
    fprintf(fp, "<h4>Worst merges (%zu %s more than one person; worst first: most pairs of different "
                "people)</h4>\n", e->n_merges, e->n_merges == 1 ? "cluster holds" : "clusters hold");
    for (size_t k = 0; k < e->n_merges && k < (size_t)info->max_entries; k++) {
        const fc_merge *m = &e->merges[k];
        fprintf(fp, "<div class=\"entry\"><b>Cluster %d</b>: %zu faces of %d people, %lld pairs of different "
                    "people. ", m->cluster, m->size, m->n_ids, (long long)m->bad_pairs);
        if (m->row_a >= 0) {
            fprintf(fp, "Closest faces of different people (outlined): distance %.3f (", m->dist);
            fc_html_escape(fp, d->image ? d->image[m->row_a] : "");
            fputs(" ↔ ", fp);
            fc_html_escape(fp, d->image ? d->image[m->row_b] : "");
            fputs(").", fp);
        }
        fputs("<br>\n", fp);
        groups(fp, dir, p, info, lab, m->cluster, truth, 0, m->row_a, m->row_b, missing);
        fputs("</div>\n", fp);
    }
    fprintf(fp, "<h4>Worst splits (%zu %s spread over several clusters; worst first: most same-person pairs "
                "separated)</h4>\n", e->n_splits, e->n_splits == 1 ? "person" : "people");
    for (size_t k = 0; k < e->n_splits && k < (size_t)info->max_entries; k++) {
        const fc_split *s = &e->splits[k];
        fputs("<div class=\"entry\"><b>", fp);
        fc_html_escape(fp, d->truth.names[s->identity]);
        fprintf(fp, "</b>: %zu faces in %d clusters, %lld same-person pairs apart. ", s->size, s->n_clusters,
                (long long)s->bad_pairs);
        if (s->row_a >= 0) {
            fprintf(fp, "Closest faces across the parts (outlined): distance %.3f (", s->dist);
            fc_html_escape(fp, d->image ? d->image[s->row_a] : "");
            fputs(" ↔ ", fp);
            fc_html_escape(fp, d->image ? d->image[s->row_b] : "");
            fputs(").", fp);
        }
        fputs("<br>\n", fp);
        groups(fp, dir, p, info, truth, s->identity, lab, 1, s->row_a, s->row_b, missing);
        fputs("</div>\n", fp);
    }
}

int fc_page_write(const char *dir, const fc_page_info *info, const fc_report_item *items,
                  const fc_page_dataset *pds, size_t n, size_t *thumbs_missing)
{
    char path[4200];
    size_t missing = 0;
    snprintf(path, sizeof path, "%s/thumbs", dir);
    mkdir(path, 0777);
    for (size_t d = 0; d < n; d++) {
        snprintf(path, sizeof path, "%s/thumbs/%s", dir, pds[d].ds->name);
        mkdir(path, 0777);
    }
    snprintf(path, sizeof path, "%s/index.html.tmp", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot write: %s", path, strerror(errno));
    fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width\">"
                "<title>FaceNet clustering analysis — facecluster report</title>\n<style>%s</style></head>\n"
                "<body>\n<h1>FaceNet clustering analysis — the study, re-run</h1>\n",
            css);
    fputs("<nav><a href=\"#table\">table</a><a href=\"#figures\">figures</a>", fp);
    for (size_t d = 0; d < n; d++) {
        fputs("<a href=\"#ds-", fp);
        fc_html_escape(fp, pds[d].ds->name);
        fputs("\">", fp);
        fc_html_escape(fp, pds[d].ds->name);
        fputs("</a>", fp);
    }
    fputs("</nav>\n<p class=\"small\">Command: <code>", fp);
    fc_html_escape(fp, info->command);
    fprintf(fp, "</code><br>Started %s; wall time of the whole run %.1f s (%.1f min). facecluster %s.</p>\n",
            info->started ? info->started : "", info->wall_seconds, info->wall_seconds / 60, FC_VERSION);
    fputs("<p>What was done, as in R. Castiel's <i>FaceNet Clustering Analysis</i> (2018): every dataset's face "
          "embeddings were clustered by each method on repeated random subsets of 80 % of the faces and scored "
          "against the known identities with the adjusted Rand index (ARI; mean ± 2·std over the runs). "
          "K-based methods get the true number of people (as in the paper) or an automatic estimate; DBSCAN "
          "(min_samples 1) and mean-shift are swept over eps and bandwidth. The paper's numbers stand beside "
          "ours where the dataset matches (its embeddings came from FaceNet, ours from MobileFaceNet).</p>\n",
          fp);
    fputs("<h2 id=\"table\">Score table (mean ARI ± 2·std)</h2>\n", fp);
    summary_table(fp, items, n);
    fputs("<p>Download: <a href=\"table.md\">Markdown</a> · <a href=\"table.tex\">LaTeX</a> · "
          "<a href=\"table.tsv\">TSV</a> (every setting) · <a href=\"table.json\">JSON</a></p>\n",
          fp);
    fputs("<h2 id=\"figures\">Figures</h2>\n", fp);
    figure(fp, "figures/ari_vs_eps", "DBSCAN: ARI vs eps, one line per dataset", "fig2");
    figure(fp, "figures/ari_vs_bandwidth", "Mean-shift: ARI vs bandwidth, one line per dataset", "fig2");
    figure(fp, "figures/clusters_vs_eps", "DBSCAN: clusters found ÷ true K vs eps", "fig2");
    figure(fp, "figures/clusters_vs_bandwidth", "Mean-shift: clusters found ÷ true K vs bandwidth", "fig2");
    figure(fp, "figures/ari_overview", "Every method: mean ARI per dataset", "fig1");
    for (size_t d = 0; d < n; d++)
        dataset_section(fp, dir, &pds[d], info, &missing);
    fputs("\n<script>\nwindow.addEventListener('load', function () {\n"
          "  var ok = 0, bad = 0, imgs = document.images;\n"
          "  for (var i = 0; i < imgs.length; i++) {\n"
          "    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++; else bad++;\n  }\n"
          "  document.body.setAttribute('data-images-ok', ok);\n"
          "  document.body.setAttribute('data-images-broken', bad);\n});\n</script>\n</body></html>\n",
          fp);
    int werr = ferror(fp);
    if (fclose(fp) != 0 || werr)
        return fc_fail(FC_EIO, "%s: write failed", path);
    char final[4200];
    snprintf(final, sizeof final, "%s/index.html", dir);
    if (rename(path, final) != 0)
        return fc_fail(FC_EIO, "%s: cannot write: %s", final, strerror(errno));
    if (thumbs_missing)
        *thumbs_missing = missing;
    return FC_OK;
}
