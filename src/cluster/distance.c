/* distance.c — blocked Euclidean distances through BLAS, and radius-neighbour lists (see distance.h). */
#include "facecluster/distance.h"

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

void fc_sqdist_block(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1,
                     double *out)
{
    size_t m = i1 - i0, n = j1 - j0, d = X->cols;
    if (!m || !n)
        return;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)d, -2.0, fc_mat_row(X, i0),
                (int)d, fc_mat_row(X, j0), (int)d, 0.0, out, (int)n);
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

void fc_neighbors_free(fc_neighbors *nb)
{
    free(nb->offsets);
    free(nb->index);
    free(nb->dist);
    memset(nb, 0, sizeof *nb);
}

int fc_radius_neighbors(const fc_mat *X, double radius, int want_dist, fc_neighbors *out)
{
    memset(out, 0, sizeof *out);
    size_t n = X->rows, block = 256, cap = n * 8 + 16, used = 0;
    double r2 = radius * radius;
    double *norms = fc_malloc(n, sizeof(double));
    double *buf = fc_malloc(block * n, sizeof(double));
    out->offsets = fc_malloc(n + 1, sizeof(size_t));
    out->index = fc_malloc(cap, sizeof(int));
    out->dist = want_dist ? fc_malloc(cap, sizeof(double)) : NULL;
    if (!norms || !buf || !out->offsets || !out->index || (want_dist && !out->dist))
        goto oom;
    fc_row_sqnorms(X, norms);
    out->n = n;
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n;
        fc_sqdist_block(X, norms, i0, i1, 0, n, buf);
        for (size_t a = 0; a < i1 - i0; a++) {
            out->offsets[i0 + a] = used;
            const double *row = buf + a * n;
            for (size_t j = 0; j < n; j++) {
                if (row[j] > r2)
                    continue;
                if (used == cap) {
                    cap *= 2;
                    int *gi = realloc(out->index, cap * sizeof(int));
                    if (!gi)
                        goto oom;
                    out->index = gi;
                    if (want_dist) {
                        double *gd = realloc(out->dist, cap * sizeof(double));
                        if (!gd)
                            goto oom;
                        out->dist = gd;
                    }
                }
                out->index[used] = (int)j;
                if (want_dist)
                    out->dist[used] = sqrt(row[j]);
                used++;
            }
        }
    }
    out->offsets[n] = used;
    free(norms);
    free(buf);
    return FC_OK;
oom:
    free(norms);
    free(buf);
    fc_neighbors_free(out);
    return fc_fail(FC_ENOMEM, "out of memory listing radius-%g neighbours of %zu points", radius, n);
}
