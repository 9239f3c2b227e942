/* report.h — the study's cross-dataset outputs: the score table (with the paper's numbers beside ours),
 * the figures, and the pieces index.html is made of.
 *
 * Contract:
 *  - A report item is one dataset with its finished study. The summary table has one row per method
 *    setting (fc_report_rows: the paper's five rows first, then K-based with the automatic K, then the
 *    methods beyond the paper); swept methods show their best value (highest mean ARI) per dataset.
 *    Cells are mean ARI ± 2·std over the runs. The paper's numbers (DESIGN.md) are shown beside the
 *    datasets that match: "personal" ↔ personal_faces, "lfw3" ↔ LFW ≥ 3, "muct" ↔ MUCT.
 *  - fc_report_write_table writes it as Markdown (pipe table), LaTeX (booktabs tabular, names escaped),
 *    TSV (long format: one line per dataset × job with ARI/AMI/NMI/V/FMI/BCubed F, K found, runs) or JSON
 *    ({"datasets": [...], "summary": [...], "jobs": [...]}, missing values null).
 *  - fc_report_figures writes into `dir`, each as .png, .svg and .pdf: ari_vs_eps, ari_vs_bandwidth
 *    (one line per dataset with a ±2·std band), clusters_vs_eps, clusters_vs_bandwidth (mean clusters
 *    found ÷ true K), ari_overview (grouped bars: summary rows × datasets, 2·std error bars) and per
 *    dataset scores_<name> (heatmap of every score × summary row). Returns 0 or the first FC_E* error.
 */
#ifndef FACECLUSTER_REPORT_H
#define FACECLUSTER_REPORT_H

#include <stdio.h>

#include "facecluster/dataset.h"
#include "facecluster/eval_output.h"
#include "facecluster/study.h"

typedef struct fc_report_item {
    const fc_dataset *ds;
    const fc_study *st;
} fc_report_item;

typedef struct fc_report_row {
    const char *label;   /* e.g. "k-means (true K)" */
    const char *method;  /* registry name */
    fc_k_mode k_mode;
    const char *sweep;   /* "eps", "bandwidth" or NULL */
    int paper_row;       /* index into the paper's table, -1 = not in the paper */
} fc_report_row;

const fc_report_row *fc_report_rows(size_t *n);
/* The job shown for row r on a study (best of a sweep), or -1 when the study has none. */
long fc_report_row_job(const fc_study *st, const fc_report_row *r);
/* The paper's column for a dataset name (0 personal, 1 LFW≥3, 2 MUCT) or -1; its value and best
 * parameter for a paper row (NaN when none). */
int fc_paper_column(const char *dataset);
double fc_paper_ari(int paper_row, int column, double *param);
const char *fc_paper_column_name(int column);

/* "30", or "30 (2 for the slowest methods)" when the study's settings got different run counts. */
void fc_report_runs(const fc_study *st, char *buf, size_t len);

int fc_report_write_table(FILE *fp, fc_eval_format fmt, const fc_report_item *items, size_t n);
int fc_report_figures(const char *dir, const fc_report_item *items, size_t n);

#endif
