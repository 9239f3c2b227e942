/* metrics_info.c — information-theoretic scores: entropy, mutual information, its expectation under
 * random labellings with the same cluster sizes, AMI, NMI, homogeneity, completeness, V-measure
 * (see metrics.h). Natural logarithms; the arithmetic mean of the two entropies normalises, as in
 * scikit-learn 1.2's default average_method.
 */
#include "facecluster/metrics.h"
#include "facecluster/core.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static double entropy_of(const int64_t *counts, size_t k)
{
    if (k == 1)
        return 0.0;
    double sum = 0, h = 0;
    for (size_t i = 0; i < k; i++)
        sum += (double)counts[i];
    double lsum = log(sum);
    for (size_t i = 0; i < k; i++)
        if (counts[i] > 0)
            h += ((double)counts[i] / sum) * (log((double)counts[i]) - lsum);
    return -h;
}

double fc_score_entropy(const fc_contingency *c, int which)
{
    return which ? entropy_of(c->b, c->cols) : entropy_of(c->a, c->rows);
}

double fc_score_mutual_info(const fc_contingency *c)
{
    if (c->rows == 1 || c->cols == 1)
        return 0.0; /* one labelling has zero entropy */
    double total = (double)c->n, ltotal = log(total), mi = 0;
    for (size_t k = 0; k < c->nnz; k++) {
        double nij = (double)c->cell[k], p = nij / total;
        double outer = (double)(c->a[c->cell_row[k]] * c->b[c->cell_col[k]]);
        double t = p * (log(nij) - ltotal) + p * (-log(outer) + ltotal + ltotal);
        if (fabs(t) >= DBL_EPSILON) /* sklearn zeroes terms below machine epsilon */
            mi += t;
    }
    return mi > 0 ? mi : 0.0;
}

/* Distinct values of counts[0..k) with their multiplicities, sorted ascending. */
static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static size_t distinct_sizes(const int64_t *counts, size_t k, int64_t *val, int64_t *mult)
{
    for (size_t i = 0; i < k; i++)
        val[i] = counts[i];
    qsort(val, k, sizeof *val, cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m > 0 && val[m - 1] == val[i])
            mult[m - 1]++;
        else {
            val[m] = val[i];
            mult[m++] = 1;
        }
    }
    return m;
}

/* E[MI] under the hypergeometric model (Vinh, Epps & Bailey 2010): the sum over every row size a,
 * column size b and possible overlap nij of (nij/N) log(N nij / (a b)) P(nij | a, b, N). The terms depend
 * only on (a, b), so equal sizes are grouped and counted once; log-factorials come from a table. */
double fc_score_expected_mutual_info(const fc_contingency *c)
{
    if (c->rows == 1 || c->cols == 1)
        return 0.0;
    int64_t N = (int64_t)c->n;
    int64_t *av = malloc(c->rows * sizeof *av), *am = malloc(c->rows * sizeof *am);
    int64_t *bv = malloc(c->cols * sizeof *bv), *bm = malloc(c->cols * sizeof *bm);
    double *lf = malloc(((size_t)N + 1) * sizeof *lf); /* lf[k] = log(k!) */
    double emi = NAN;
    if (av && am && bv && bm && lf) {
        for (int64_t k = 0; k <= N; k++)
            lf[k] = lgamma((double)k + 1.0);
        size_t ra = distinct_sizes(c->a, c->rows, av, am), rb = distinct_sizes(c->b, c->cols, bv, bm);
        double dN = (double)N, logN = log(dN);
        emi = 0;
        for (size_t i = 0; i < ra; i++) {
            int64_t a = av[i];
            double loga = log((double)a);
            for (size_t j = 0; j < rb; j++) {
                int64_t b = bv[j];
                double logb = log((double)b);
                double fixed = lf[a] + lf[b] + lf[N - a] + lf[N - b] - lf[N];
                int64_t start = a + b - N > 1 ? a + b - N : 1, end = a < b ? a : b;
                double s = 0;
                for (int64_t nij = start; nij <= end; nij++) {
                    double term2 = logN + log((double)nij) - loga - logb;
                    double gln = fixed - lf[nij] - lf[a - nij] - lf[b - nij] - lf[N - a - b + nij];
                    s += ((double)nij / dN) * term2 * exp(gln);
                }
                emi += s * (double)am[i] * (double)bm[j];
            }
        }
    }
    free(av);
    free(am);
    free(bv);
    free(bm);
    free(lf);
    return emi;
}

double fc_score_nmi(const fc_contingency *c)
{
    if (c->rows == 1 && c->cols == 1)
        return 1.0; /* neither labelling splits the data: a perfect match */
    double mi = fc_score_mutual_info(c);
    if (mi == 0)
        return 0.0;
    double norm = (fc_score_entropy(c, 0) + fc_score_entropy(c, 1)) / 2;
    return mi / norm;
}

double fc_score_ami(const fc_contingency *c)
{
    if (c->rows == 1 && c->cols == 1)
        return 1.0;
    double mi = fc_score_mutual_info(c), emi = fc_score_expected_mutual_info(c);
    double norm = (fc_score_entropy(c, 0) + fc_score_entropy(c, 1)) / 2;
    double den = norm - emi;
    /* As sklearn: keep the sign, but never divide by less than machine epsilon. */
    if (den < 0)
        den = fmin(den, -DBL_EPSILON);
    else
        den = fmax(den, DBL_EPSILON);
    return (mi - emi) / den;
}

void fc_score_hcv(const fc_contingency *c, double *homogeneity, double *completeness, double *v_measure)
{
    double hc = fc_score_entropy(c, 0), hk = fc_score_entropy(c, 1), mi = fc_score_mutual_info(c);
    double h = hc != 0 ? mi / hc : 1.0, k = hk != 0 ? mi / hk : 1.0;
    *homogeneity = h;
    *completeness = k;
    *v_measure = h + k == 0 ? 0.0 : 2 * h * k / (h + k);
}
