/* metrics_pair.c — scores built on counting pairs of items: ARI, Fowlkes-Mallows, pairwise
 * precision/recall/F, and the per-item BCubed scores (see metrics.h).
 *
 * Pair counts follow sklearn's pair_confusion_matrix (ordered pairs, i.e. twice the unordered counts);
 * they are exact in 64-bit integers for N < 2^32 and their products, which reach N^4, in 128-bit ones,
 * so ARI never overflows the way float or 64-bit versions do on large sets.
 */
#include "facecluster/metrics.h"

#include <math.h>

typedef struct {
    int64_t tp, fp, fn, tn; /* ordered pair counts */
} pair_counts;

static pair_counts count_pairs(const fc_contingency *c)
{
    int64_t n = (int64_t)c->n, sumsq = 0, sa = 0, sb = 0;
    for (size_t k = 0; k < c->nnz; k++)
        sumsq += c->cell[k] * c->cell[k];
    for (size_t i = 0; i < c->rows; i++)
        sa += c->a[i] * c->a[i];
    for (size_t j = 0; j < c->cols; j++)
        sb += c->b[j] * c->b[j];
    pair_counts p;
    p.tp = sumsq - n;      /* same identity, same cluster */
    p.fp = sb - sumsq;     /* same cluster, different identities */
    p.fn = sa - sumsq;     /* same identity, different clusters */
    p.tn = n * n - p.fp - p.fn - sumsq;
    return p;
}

double fc_score_ari(const fc_contingency *c)
{
    pair_counts p = count_pairs(c);
    if (p.fn == 0 && p.fp == 0)
        return 1.0;
    __int128 tp = p.tp, fp = p.fp, fn = p.fn, tn = p.tn;
    __int128 num = tp * tn - fn * fp;
    __int128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
    /* Each exact integer is rounded once to double, as Python's float(int) does. */
    return 2.0 * (double)num / (double)den;
}

double fc_score_fmi(const fc_contingency *c)
{
    pair_counts p = count_pairs(c);
    int64_t tk = p.tp, pk = p.tp + p.fp, qk = p.tp + p.fn;
    if (tk == 0)
        return 0.0;
    return sqrt((double)tk / (double)pk) * sqrt((double)tk / (double)qk);
}

void fc_score_pairwise(const fc_contingency *c, double *precision, double *recall, double *f)
{
    pair_counts p = count_pairs(c);
    int64_t same_cluster = p.tp + p.fp, same_identity = p.tp + p.fn;
    double pr = same_cluster ? (double)p.tp / (double)same_cluster : 1.0;
    double re = same_identity ? (double)p.tp / (double)same_identity : 1.0;
    *precision = pr;
    *recall = re;
    *f = pr + re > 0 ? 2 * pr * re / (pr + re) : 0.0;
}

void fc_score_bcubed(const fc_contingency *c, double *precision, double *recall, double *f)
{
    /* Item x in cell (i, j): precision_x = n_ij / b_j, recall_x = n_ij / a_i; n_ij items share them. */
    double ps = 0, rs = 0;
    for (size_t k = 0; k < c->nnz; k++) {
        double nij = (double)c->cell[k];
        ps += nij * nij / (double)c->b[c->cell_col[k]];
        rs += nij * nij / (double)c->a[c->cell_row[k]];
    }
    double pr = ps / (double)c->n, re = rs / (double)c->n;
    *precision = pr;
    *recall = re;
    *f = pr + re > 0 ? 2 * pr * re / (pr + re) : 0.0;
}
