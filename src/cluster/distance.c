/* distance.c — blocked Euclidean distances through BLAS and the k-th smallest of a row (see distance.h);
 * the radius-neighbour lists are in radius_neighbors.c. */
#include "facecluster/distance.h"
#include "facecluster/parallel.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void fc_row_sqnorms(const fc_mat *X, double *norms)
{
    for (size_t i = 0; i < X->rows; i++) {
        const double *r = fc_mat_row(X, i);
        double s = 0;
        for (size_t j = 0; j < X->cols; j++)
            s += r[j] * r[j];
        norms[i] = s;
    }
}

static void sqdist_block(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1,
                         double *out, int split)
{
    size_t m = i1 - i0, n = j1 - j0, d = X->cols;
    if (!m || !n)
        return;
    if (split)
        fc_par_dgemm(CblasTrans, (int)m, (int)n, (int)d, -2.0, fc_mat_row(X, i0), (int)d, fc_mat_row(X, j0), (int)d,
                     0.0, out, (int)n);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)d, -2.0, fc_mat_row(X, i0),
                    (int)d, fc_mat_row(X, j0), (int)d, 0.0, out, (int)n);
#pragma omp parallel for schedule(static) if (split && m * n * (norms ? 1 : d) >= 65536)
    for (size_t a = 0; a < m; a++) {
        const double *xa = fc_mat_row(X, i0 + a);
        double na = 0;
        if (norms)
            na = norms[i0 + a];
        else
            for (size_t k = 0; k < d; k++)
                na += xa[k] * xa[k];
        for (size_t b = 0; b < n; b++) {
            double nb;
            if (norms)
                nb = norms[j0 + b];
            else {
                const double *xb = fc_mat_row(X, j0 + b);
                nb = 0;
                for (size_t k = 0; k < d; k++)
                    nb += xb[k] * xb[k];
            }
            double v = out[a * n + b] + na + nb;
            out[a * n + b] = v > 0 ? v : 0;
        }
        if (i0 + a >= j0 && i0 + a < j1)
            out[a * n + (i0 + a - j0)] = 0;
    }
}

void fc_sqdist_block(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1, double *out)
{
    sqdist_block(X, norms, i0, i1, j0, j1, out, 1);
}

void fc_sqdist_block_serial(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1,
                            double *out)
{
    sqdist_block(X, norms, i0, i1, j0, j1, out, 0);
}

void fc_neighbors_free(fc_neighbors *nb)
{
    free(nb->offsets);
    free(nb->index);
    free(nb->dist);
    memset(nb, 0, sizeof *nb);
}

/* Quickselect: the middle element as pivot, Hoare partition, narrowing to the side holding k. */
double fc_kth_smallest(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j], v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}
