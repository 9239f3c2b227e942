/* table.c — the study's method × dataset table with the paper's numbers beside ours (see report.h). */
#include "facecluster/report.h"

#include <math.h>
#include <string.h>

static const fc_report_row rows[] = {
    {"k-means (true K)", "kmeans", FC_K_TRUE, NULL, 0},
    {"agglomerative ward (true K)", "agglomerative", FC_K_TRUE, NULL, 1},
    {"spectral rbf (true K)", "spectral", FC_K_TRUE, NULL, 2},
    {"DBSCAN, best eps", "dbscan", FC_K_TRUE, "eps", 3},
    {"mean-shift, best bandwidth", "meanshift", FC_K_TRUE, "bandwidth", 4},
    {"k-means (automatic K)", "kmeans", FC_K_AUTO, NULL, -1},
    {"agglomerative ward (automatic K)", "agglomerative", FC_K_AUTO, NULL, -1},
    {"spectral rbf (automatic K)", "spectral", FC_K_AUTO, NULL, -1},
    {"HDBSCAN (defaults)", "hdbscan", FC_K_TRUE, NULL, -1},
    {"threshold graph (defaults)", "graph", FC_K_TRUE, NULL, -1},
    {"Chinese whispers (defaults)", "chinese_whispers", FC_K_TRUE, NULL, -1},
};

/* The paper's table (DESIGN.md): ARI and best parameter, columns personal, LFW>=3, MUCT. */
static const double paper[5][3][2] = {
    {{0.815, NAN}, {0.394, NAN}, {0.966, NAN}},
    {{0.812, NAN}, {0.440, NAN}, {0.988, NAN}},
    {{0.697, NAN}, {0.228, NAN}, {0.974, NAN}},
    {{0.903, 0.8}, {0.956, 0.7}, {0.981, 0.7}},
    {{0.899, 0.8}, {0.961, 0.7}, {0.983, 0.6}},
};

const fc_report_row *fc_report_rows(size_t *n)
{
    *n = sizeof rows / sizeof rows[0];
    return rows;
}

int fc_paper_column(const char *d)
{
    if (!strcmp(d, "personal"))
        return 0;
    if (!strcmp(d, "lfw3"))
        return 1;
    if (!strcmp(d, "muct"))
        return 2;
    return -1;
}

const char *fc_paper_column_name(int c)
{
    static const char *const names[] = {"personal_faces", "LFW ≥ 3", "MUCT"};
    return c >= 0 && c < 3 ? names[c] : "";
}

double fc_paper_ari(int paper_row, int column, double *param)
{
    if (param)
        *param = NAN;
    if (paper_row < 0 || paper_row > 4 || column < 0 || column > 2)
        return NAN;
    if (param)
        *param = paper[paper_row][column][1];
    return paper[paper_row][column][0];
}

long fc_report_row_job(const fc_study *st, const fc_report_row *r)
{
    if (r->sweep)
        return fc_study_best(st, r->method, r->k_mode);
    for (size_t j = 0; j < st->njobs; j++)
        if (!strcmp(st->jobs[j].method->name, r->method) && st->jobs[j].k_mode == r->k_mode &&
            st->results[j].runs_ok > 0)
            return (long)j;
    return -1;
}

void fc_report_runs(const fc_study *st, char *buf, size_t len)
{
    int lo = 0, hi = 0;
    for (size_t j = 0; j < st->njobs; j++) {
        int r = st->results[j].runs;
        if (j == 0 || r < lo)
            lo = r;
        if (j == 0 || r > hi)
            hi = r;
    }
    if (lo == hi)
        snprintf(buf, len, "%d", hi);
    else
        snprintf(buf, len, "%d (%d for the slowest methods)", hi, lo);
}

static int row_present(const fc_report_row *r, const fc_report_item *items, size_t n)
{
    for (size_t d = 0; d < n; d++)
        if (fc_report_row_job(items[d].st, r) >= 0)
            return 1;
    return 0;
}

static void json_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.6f", v);
    else
        fputs("null", fp);
}

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(fp, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(fp, "\\u%04x", *s);
        else
            fputc(*s, fp);
    }
    fputc('"', fp);
}

/* Formats one of our cells: "0.971 ± 0.021" plus " (eps 0.9)" for swept rows. */
static void cell(char *buf, size_t len, const fc_study *st, long j, const fc_report_row *r, int tex)
{
    if (j < 0) {
        snprintf(buf, len, tex ? "--" : "–");
        return;
    }
    const fc_eval_result *res = &st->results[j];
    int w = 0;
    if (tex)
        w = snprintf(buf, len, "$%.3f \\pm %.3f$", res->mean.ari, res->std2.ari);
    else
        w = snprintf(buf, len, "%.3f ± %.3f", res->mean.ari, res->std2.ari);
    if (r->sweep && w > 0 && (size_t)w < len)
        snprintf(buf + w, len - (size_t)w, " (%.1f)", st->jobs[j].sweep_value);
}

static void paper_cell(char *buf, size_t len, const fc_report_row *r, int col, int tex)
{
    double param, a = fc_paper_ari(r->paper_row, col, &param);
    if (isnan(a))
        snprintf(buf, len, tex ? "--" : "–");
    else if (!isnan(param))
        snprintf(buf, len, "%.3f (%.1f)", a, param);
    else
        snprintf(buf, len, "%.3f", a);
}

static void write_md(FILE *fp, const fc_report_item *items, size_t n)
{
    size_t nr;
    const fc_report_row *R = fc_report_rows(&nr);
    fprintf(fp, "Mean ARI ± 2·std over the runs (best parameter in brackets); paper = R. Castiel (2018).\n\n");
    fputs("| method |", fp);
    for (size_t d = 0; d < n; d++) {
        fprintf(fp, " %s (N=%zu, K=%zu) |", items[d].ds->name, items[d].ds->X.rows, items[d].ds->truth.k);
        int pc = fc_paper_column(items[d].ds->name);
        if (pc >= 0)
            fprintf(fp, " paper: %s |", fc_paper_column_name(pc));
    }
    fputs("\n|---|", fp);
    for (size_t d = 0; d < n; d++)
        fputs(fc_paper_column(items[d].ds->name) >= 0 ? "---|---|" : "---|", fp);
    fputc('\n', fp);
    for (size_t r = 0; r < nr; r++) {
        if (!row_present(&R[r], items, n))
            continue;
        fprintf(fp, "| %s |", R[r].label);
        for (size_t d = 0; d < n; d++) {
            char buf[96];
            cell(buf, sizeof buf, items[d].st, fc_report_row_job(items[d].st, &R[r]), &R[r], 0);
            fprintf(fp, " %s |", buf);
            int pc = fc_paper_column(items[d].ds->name);
            if (pc >= 0) {
                paper_cell(buf, sizeof buf, &R[r], pc, 0);
                fprintf(fp, " %s |", buf);
            }
        }
        fputc('\n', fp);
    }
    fputs("\nRuns per dataset:", fp);
    for (size_t d = 0; d < n; d++) {
        char runs[64];
        fc_report_runs(items[d].st, runs, sizeof runs);
        fprintf(fp, " %s %s%s", items[d].ds->name, runs, d + 1 < n ? "," : ".\n");
    }
}

static void write_tex(FILE *fp, const fc_report_item *items, size_t n)
{
    size_t nr, cols = 1;
    const fc_report_row *R = fc_report_rows(&nr);
    for (size_t d = 0; d < n; d++)
        cols += fc_paper_column(items[d].ds->name) >= 0 ? 2 : 1;
    fputs("% Mean ARI +- 2 std over the runs; needs \\usepackage{booktabs}\n\\begin{tabular}{l", fp);
    for (size_t c = 1; c < cols; c++)
        fputc('r', fp);
    fputs("}\n\\toprule\nmethod", fp);
    for (size_t d = 0; d < n; d++) {
        fputs(" & ", fp);
        fc_tex_escape(fp, items[d].ds->name);
        if (fc_paper_column(items[d].ds->name) >= 0) {
            fputs(" & paper", fp);
        }
    }
    fputs(" \\\\\n\\midrule\n", fp);
    for (size_t r = 0; r < nr; r++) {
        if (!row_present(&R[r], items, n))
            continue;
        fc_tex_escape(fp, R[r].label);
        for (size_t d = 0; d < n; d++) {
            char buf[96];
            cell(buf, sizeof buf, items[d].st, fc_report_row_job(items[d].st, &R[r]), &R[r], 1);
            fprintf(fp, " & %s", buf);
            int pc = fc_paper_column(items[d].ds->name);
            if (pc >= 0) {
                paper_cell(buf, sizeof buf, &R[r], pc, 1);
                fprintf(fp, " & %s", buf);
            }
        }
        fputs(" \\\\\n", fp);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", fp);
}

static const char *const tsv_scores[] = {"ari", "ami", "nmi", "v_measure", "fmi", "bcubed_f", "k_found"};
#define N_TSV_SCORES (sizeof tsv_scores / sizeof tsv_scores[0])

static void write_tsv(FILE *fp, const fc_report_item *items, size_t n)
{
    fputs("dataset\tn\tk_true\tmethod\tk_mode\tsweep\tvalue\truns\truns_ok\tk_used", fp);
    for (size_t s = 0; s < N_TSV_SCORES; s++)
        fprintf(fp, "\t%s_mean\t%s_2std", tsv_scores[s], tsv_scores[s]);
    fputc('\n', fp);
    for (size_t d = 0; d < n; d++) {
        const fc_study *st = items[d].st;
        for (size_t j = 0; j < st->njobs; j++) {
            const fc_eval_job *job = &st->jobs[j];
            const fc_eval_result *res = &st->results[j];
            fprintf(fp, "%s\t%zu\t%zu\t%s\t%s\t%s\t", items[d].ds->name, items[d].ds->X.rows, items[d].ds->truth.k,
                    job->method->name, !job->method->needs_k ? "-" : job->k_mode == FC_K_AUTO ? "auto" : "true",
                    job->sweep_name[0] ? job->sweep_name : "-");
            if (job->sweep_name[0])
                fprintf(fp, "%.6g", job->sweep_value);
            else
                fputs("nan", fp);
            fprintf(fp, "\t%d\t%d\t%.2f", res->runs, res->runs_ok, res->k_used_mean);
            for (size_t s = 0; s < N_TSV_SCORES; s++) {
                int i = fc_score_index(tsv_scores[s]);
                double m = fc_scores_get(&res->mean, i), e = fc_scores_get(&res->std2, i);
                if (isfinite(m))
                    fprintf(fp, "\t%.6f\t%.6f", m, e);
                else
                    fputs("\tnan\tnan", fp);
            }
            fputc('\n', fp);
        }
    }
}

static void write_json(FILE *fp, const fc_report_item *items, size_t n)
{
    size_t nr;
    const fc_report_row *R = fc_report_rows(&nr);
    fputs("{\n  \"datasets\": [", fp);
    for (size_t d = 0; d < n; d++) {
        const fc_study *st = items[d].st;
        fprintf(fp, "%s\n    {\"name\": ", d ? "," : "");
        json_str(fp, items[d].ds->name);
        fprintf(fp, ", \"n\": %zu, \"dim\": %zu, \"k_true\": %zu, \"runs\": %d, \"fraction\": %g, "
                    "\"bootstrap\": %s, \"seed\": %llu, \"seconds\": %.1f, \"paper_column\": ",
                items[d].ds->X.rows, items[d].ds->X.cols, items[d].ds->truth.k, st->eval.runs, st->eval.fraction,
                st->eval.bootstrap ? "true" : "false", (unsigned long long)st->eval.seed, st->seconds);
        int pc = fc_paper_column(items[d].ds->name);
        if (pc >= 0)
            json_str(fp, fc_paper_column_name(pc));
        else
            fputs("null", fp);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"summary\": [", fp);
    int first = 1;
    for (size_t r = 0; r < nr; r++) {
        if (!row_present(&R[r], items, n))
            continue;
        fprintf(fp, "%s\n    {\"label\": ", first ? "" : ",");
        first = 0;
        json_str(fp, R[r].label);
        fputs(", \"method\": ", fp);
        json_str(fp, R[r].method);
        fputs(", \"sweep\": ", fp);
        if (R[r].sweep)
            json_str(fp, R[r].sweep);
        else
            fputs("null", fp);
        fputs(", \"cells\": {", fp);
        for (size_t d = 0; d < n; d++) {
            long j = fc_report_row_job(items[d].st, &R[r]);
            fprintf(fp, "%s", d ? ", " : "");
            json_str(fp, items[d].ds->name);
            fputs(": ", fp);
            if (j < 0) {
                fputs("null", fp);
                continue;
            }
            const fc_eval_result *res = &items[d].st->results[j];
            fputs("{\"ari_mean\": ", fp);
            json_num(fp, res->mean.ari);
            fputs(", \"ari_2std\": ", fp);
            json_num(fp, res->std2.ari);
            fputs(", \"param\": ", fp);
            json_num(fp, R[r].sweep ? items[d].st->jobs[j].sweep_value : NAN);
            double param, pa = fc_paper_ari(R[r].paper_row, fc_paper_column(items[d].ds->name), &param);
            fputs(", \"paper_ari\": ", fp);
            json_num(fp, pa);
            fputs(", \"paper_param\": ", fp);
            json_num(fp, param);
            fputc('}', fp);
        }
        fputs("}}", fp);
    }
    fputs("\n  ],\n  \"jobs\": [", fp);
    first = 1;
    for (size_t d = 0; d < n; d++) {
        const fc_study *st = items[d].st;
        for (size_t j = 0; j < st->njobs; j++) {
            const fc_eval_job *job = &st->jobs[j];
            const fc_eval_result *res = &st->results[j];
            fprintf(fp, "%s\n    {\"dataset\": ", first ? "" : ",");
            first = 0;
            json_str(fp, items[d].ds->name);
            fputs(", \"method\": ", fp);
            json_str(fp, job->method->name);
            fprintf(fp, ", \"k_mode\": \"%s\", \"sweep\": ",
                    !job->method->needs_k ? "-" : job->k_mode == FC_K_AUTO ? "auto" : "true");
            if (job->sweep_name[0])
                json_str(fp, job->sweep_name);
            else
                fputs("null", fp);
            fputs(", \"value\": ", fp);
            json_num(fp, job->sweep_name[0] ? job->sweep_value : NAN);
            fprintf(fp, ", \"runs\": %d, \"runs_ok\": %d, \"k_used\": ", res->runs, res->runs_ok);
            json_num(fp, res->k_used_mean);
            fputs(", \"scores\": {", fp);
            for (int i = 0; i < FC_NUM_SCORES; i++) {
                fprintf(fp, "%s\"%s\": {\"mean\": ", i ? ", " : "", fc_score_list[i].name);
                json_num(fp, fc_scores_get(&res->mean, i));
                fputs(", \"std2\": ", fp);
                json_num(fp, fc_scores_get(&res->std2, i));
                fputc('}', fp);
            }
            fputs("}, \"error\": ", fp);
            json_str(fp, res->error);
            fputc('}', fp);
        }
    }
    fputs("\n  ]\n}\n", fp);
}

int fc_report_write_table(FILE *fp, fc_eval_format fmt, const fc_report_item *items, size_t n)
{
    switch (fmt) {
    case FC_FMT_MD: write_md(fp, items, n); break;
    case FC_FMT_TEX: write_tex(fp, items, n); break;
    case FC_FMT_TSV: write_tsv(fp, items, n); break;
    case FC_FMT_JSON: write_json(fp, items, n); break;
    default: return fc_fail(FC_EARG, "report table: unknown format");
    }
    if (ferror(fp))
        return fc_fail(FC_EIO, "report table: write failed");
    return FC_OK;
}
