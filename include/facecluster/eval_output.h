/* eval_output.h — writing an evaluation's result table as TSV, JSON, Markdown or LaTeX.
 *
 * Contract:
 *  - One row per job (method + settings); columns: method, settings, swept parameter and value, runs
 *    (attempted and finished), mean K given, mean seconds per run, then for every chosen score its mean
 *    and 2·std (population std over the runs).
 *  - TSV: one header row, tab-separated, numbers with 6 decimals, "nan" for missing; a final `error`
 *    column holds the first failure of the row ("" if none). JSON: one object {"dataset", "n", "k_true",
 *    "config": {...}, "rows": [{..., "scores": {"ari": {"mean": x, "std2": y}, ...}}]}; missing = null.
 *    Markdown: a caption line and a pipe table with "mean ± 2std". LaTeX: a booktabs tabular (\toprule,
 *    \midrule, \bottomrule) with every name escaped and "$mean \pm 2std$" cells.
 *  - `scores` selects and orders the score columns (indices into fc_score_list); NULL = all of them.
 */
#ifndef FACECLUSTER_EVAL_OUTPUT_H
#define FACECLUSTER_EVAL_OUTPUT_H

#include <stdio.h>

#include "facecluster/protocol.h"

typedef enum { FC_FMT_TSV = 0, FC_FMT_JSON, FC_FMT_MD, FC_FMT_TEX } fc_eval_format;

/* "tsv", "json", "md" (or "markdown"), "tex" (or "latex"). */
int fc_eval_format_parse(const char *s, fc_eval_format *fmt);

typedef struct fc_eval_report {
    const char *dataset;        /* e.g. the embeddings path */
    size_t n, dim, k_true;      /* rows, dimension, identities of the whole set */
    const fc_eval_config *cfg;
    const fc_eval_job *jobs;
    const fc_eval_result *results;
    size_t njobs;
    const int *scores;          /* NULL = all */
    int nscores;
    double wall_seconds;
} fc_eval_report;

int fc_eval_write(FILE *fp, fc_eval_format fmt, const fc_eval_report *r);

/* Writes s with LaTeX special characters escaped. */
void fc_tex_escape(FILE *fp, const char *s);

#endif
