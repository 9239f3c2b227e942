/* output.c — the evaluation result table in TSV, JSON, Markdown and LaTeX (see eval_output.h). */
#include "facecluster/eval_output.h"
#include "facecluster/core.h"

#include <math.h>
#include <string.h>

int fc_eval_format_parse(const char *s, fc_eval_format *fmt)
{
    if (!strcmp(s, "tsv"))
        *fmt = FC_FMT_TSV;
    else if (!strcmp(s, "json"))
        *fmt = FC_FMT_JSON;
    else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
        *fmt = FC_FMT_MD;
    else if (!strcmp(s, "tex") || !strcmp(s, "latex"))
        *fmt = FC_FMT_TEX;
    else
        return fc_fail(FC_EARG, "unknown format '%s' (tsv, json, md, tex)", s);
    return FC_OK;
}

void fc_tex_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': fputs("\\textbackslash{}", fp); break;
        case '~': fputs("\\textasciitilde{}", fp); break;
        case '^': fputs("\\textasciicircum{}", fp); break;
        case '&': case '%': case '$': case '#': case '_': case '{': case '}':
            fputc('\\', fp);
            fputc(*s, fp);
            break;
        default: fputc(*s, fp);
        }
    }
}

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", fp);
        else if (ch == '\t')
            fputs("\\t", fp);
        else if (ch < 0x20)
            fprintf(fp, "\\u%04x", ch);
        else
            fputc(ch, fp);
    }
    fputc('"', fp);
}

static void json_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "%.10g", v);
    else
        fputs("null", fp);
}

/* Tabs and newlines would break a TSV row. */
static void tsv_field(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

static int is_count(int score)
{
    return !strcmp(fc_score_list[score].name, "k_true") || !strcmp(fc_score_list[score].name, "k_found");
}

static void caption(const fc_eval_report *r, char *buf, size_t len)
{
    const fc_eval_config *c = r->cfg;
    snprintf(buf, len,
             "%s: %zu rows, %zu identities; %d runs on %g %% subsets drawn %s (seed %llu); noise as %s; "
             "mean ± 2·std; %.1f s",
             r->dataset ? r->dataset : "data", r->n, r->k_true, c->runs, c->fraction * 100,
             c->bootstrap ? "with replacement (bootstrap)" : "without replacement",
             (unsigned long long)c->seed, c->noise == FC_NOISE_SINGLETONS ? "singletons" : "one cluster",
             r->wall_seconds);
}

static void write_tsv(FILE *fp, const fc_eval_report *r, const int *sc, int ns)
{
    fputs("method\tsettings\tsweep\tvalue\truns\truns_ok\tk_used\tseconds", fp);
    for (int i = 0; i < ns; i++)
        fprintf(fp, "\t%s_mean\t%s_2std", fc_score_list[sc[i]].name, fc_score_list[sc[i]].name);
    fputs("\terror\n", fp);
    for (size_t j = 0; j < r->njobs; j++) {
        const fc_eval_job *job = &r->jobs[j];
        const fc_eval_result *res = &r->results[j];
        char desc[160];
        fc_eval_job_describe(job, desc, sizeof desc);
        tsv_field(fp, job->method->name);
        fputc('\t', fp);
        tsv_field(fp, desc);
        fprintf(fp, "\t%s\t", job->sweep_name[0] ? job->sweep_name : "-");
        if (job->sweep_name[0])
            fprintf(fp, "%g", job->sweep_value);
        else
            fputc('-', fp);
        fprintf(fp, "\t%d\t%d\t%.2f\t%.4f", res->runs, res->runs_ok, res->k_used_mean, res->seconds_mean);
        for (int i = 0; i < ns; i++)
            fprintf(fp, "\t%.6f\t%.6f", fc_scores_get(&res->mean, sc[i]), fc_scores_get(&res->std2, sc[i]));
        fputc('\t', fp);
        tsv_field(fp, res->error);
        fputc('\n', fp);
    }
}

static void write_json(FILE *fp, const fc_eval_report *r, const int *sc, int ns)
{
    const fc_eval_config *c = r->cfg;
    fputs("{\"dataset\": ", fp);
    json_string(fp, r->dataset ? r->dataset : "");
    fprintf(fp, ", \"n\": %zu, \"dim\": %zu, \"k_true\": %zu, \"wall_seconds\": %.3f,\n", r->n, r->dim, r->k_true,
            r->wall_seconds);
    fprintf(fp, " \"config\": {\"runs\": %d, \"fraction\": %g, \"bootstrap\": %s, \"seed\": %llu, \"noise\": \"%s\"},\n",
            c->runs, c->fraction, c->bootstrap ? "true" : "false", (unsigned long long)c->seed,
            c->noise == FC_NOISE_SINGLETONS ? "singletons" : "cluster");
    fputs(" \"rows\": [", fp);
    for (size_t j = 0; j < r->njobs; j++) {
        const fc_eval_job *job = &r->jobs[j];
        const fc_eval_result *res = &r->results[j];
        char desc[160];
        fc_eval_job_describe(job, desc, sizeof desc);
        fputs(j ? ",\n  {\"method\": " : "\n  {\"method\": ", fp);
        json_string(fp, job->method->name);
        fputs(", \"settings\": ", fp);
        json_string(fp, desc);
        if (job->sweep_name[0]) {
            fputs(", \"sweep\": ", fp);
            json_string(fp, job->sweep_name);
            fputs(", \"value\": ", fp);
            json_num(fp, job->sweep_value);
        } else
            fputs(", \"sweep\": null, \"value\": null", fp);
        fprintf(fp, ", \"runs\": %d, \"runs_ok\": %d, \"k_used\": ", res->runs, res->runs_ok);
        json_num(fp, res->k_used_mean);
        fputs(", \"seconds\": ", fp);
        json_num(fp, res->seconds_mean);
        fputs(", \"error\": ", fp);
        if (res->error[0])
            json_string(fp, res->error);
        else
            fputs("null", fp);
        fputs(",\n   \"scores\": {", fp);
        for (int i = 0; i < ns; i++) {
            fprintf(fp, "%s\"%s\": {\"mean\": ", i ? ", " : "", fc_score_list[sc[i]].name);
            json_num(fp, fc_scores_get(&res->mean, sc[i]));
            fputs(", \"std2\": ", fp);
            json_num(fp, fc_scores_get(&res->std2, sc[i]));
            fputc('}', fp);
        }
        fputs("}}", fp);
    }
    fputs("\n ]}\n", fp);
}

static void cell(FILE *fp, double mean, double std2, int count, int tex)
{
    if (!isfinite(mean))
        fputs(tex ? "--" : "–", fp);
    else if (count)
        fprintf(fp, tex ? "$%.1f \\pm %.1f$" : "%.1f ± %.1f", mean, std2);
    else
        fprintf(fp, tex ? "$%.3f \\pm %.3f$" : "%.3f ± %.3f", mean, std2);
}

static void write_md(FILE *fp, const fc_eval_report *r, const int *sc, int ns)
{
    char cap[512];
    caption(r, cap, sizeof cap);
    fprintf(fp, "%s\n\n| method | settings | runs | K |", cap);
    for (int i = 0; i < ns; i++)
        fprintf(fp, " %s |", fc_score_list[sc[i]].title);
    fputs("\n|---|---|---:|---:|", fp);
    for (int i = 0; i < ns; i++)
        fputs("---:|", fp);
    fputc('\n', fp);
    for (size_t j = 0; j < r->njobs; j++) {
        const fc_eval_job *job = &r->jobs[j];
        const fc_eval_result *res = &r->results[j];
        char desc[160];
        fc_eval_job_describe(job, desc, sizeof desc);
        fprintf(fp, "| %s | %s | %d", job->method->name, desc, res->runs_ok);
        if (res->runs_ok < res->runs)
            fprintf(fp, "/%d", res->runs);
        if (res->k_used_mean > 0)
            fprintf(fp, " | %.1f |", res->k_used_mean);
        else
            fputs(" | – |", fp);
        for (int i = 0; i < ns; i++) {
            fputc(' ', fp);
            cell(fp, fc_scores_get(&res->mean, sc[i]), fc_scores_get(&res->std2, sc[i]), is_count(sc[i]), 0);
            fputs(" |", fp);
        }
        fputc('\n', fp);
    }
    for (size_t j = 0; j < r->njobs; j++)
        if (r->results[j].error[0])
            fprintf(fp, "\n%s failed in %d of %d runs: %s\n", r->jobs[j].method->name,
                    r->results[j].runs - r->results[j].runs_ok, r->results[j].runs, r->results[j].error);
}

static void write_tex(FILE *fp, const fc_eval_report *r, const int *sc, int ns)
{
    char cap[512];
    caption(r, cap, sizeof cap);
    fputs("% ", fp);
    fc_tex_escape(fp, cap);
    fputs("\n% needs \\usepackage{booktabs}\n\\begin{tabular}{llrr", fp);
    for (int i = 0; i < ns; i++)
        fputc('c', fp);
    fputs("}\n\\toprule\nmethod & settings & runs & $K$", fp);
    for (int i = 0; i < ns; i++) {
        fputs(" & ", fp);
        fc_tex_escape(fp, fc_score_list[sc[i]].title);
    }
    fputs(" \\\\\n\\midrule\n", fp);
    for (size_t j = 0; j < r->njobs; j++) {
        const fc_eval_job *job = &r->jobs[j];
        const fc_eval_result *res = &r->results[j];
        char desc[160];
        fc_eval_job_describe(job, desc, sizeof desc);
        fc_tex_escape(fp, job->method->name);
        fputs(" & ", fp);
        fc_tex_escape(fp, desc);
        fprintf(fp, " & %d & ", res->runs_ok);
        if (res->k_used_mean > 0)
            fprintf(fp, "%.1f", res->k_used_mean);
        else
            fputs("--", fp);
        for (int i = 0; i < ns; i++) {
            fputs(" & ", fp);
            cell(fp, fc_scores_get(&res->mean, sc[i]), fc_scores_get(&res->std2, sc[i]), is_count(sc[i]), 1);
        }
        fputs(" \\\\\n", fp);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", fp);
}

int fc_eval_write(FILE *fp, fc_eval_format fmt, const fc_eval_report *r)
{
    int all[FC_NUM_SCORES];
    for (int i = 0; i < FC_NUM_SCORES; i++)
        all[i] = i;
    const int *sc = r->scores ? r->scores : all;
    int ns = r->scores ? r->nscores : FC_NUM_SCORES;
    for (int i = 0; i < ns; i++)
        if (sc[i] < 0 || sc[i] >= FC_NUM_SCORES)
            return fc_fail(FC_EARG, "output: score index %d out of range", sc[i]);
    switch (fmt) {
    case FC_FMT_TSV: write_tsv(fp, r, sc, ns); break;
    case FC_FMT_JSON: write_json(fp, r, sc, ns); break;
    case FC_FMT_MD: write_md(fp, r, sc, ns); break;
    case FC_FMT_TEX: write_tex(fp, r, sc, ns); break;
    }
    if (fflush(fp) != 0 || ferror(fp))
        return fc_fail(FC_EIO, "output: write failed");
    return FC_OK;
}
