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

/* A plain left-to-right sum, on purpose: a vectorised reduction changes the rounding with the instruction
 * set (AVX-512 vs SSE), and pairs at the radius must be decided the same way on every machine. Only pairs
 * near the radius and the reported distances come here, so speed does not matter. */
static double dot_d(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t k = 0; k < d; k++)
        s += a[k] * b[k];
    return s;
}

/* Upper-triangle blocks only (the relation is symmetric), screened in float32 GEMM: pairs clearly inside
 * or outside the radius are decided by the float value, pairs within a safety margin of it get the exact
 * double |xi|² + |xj|² - 2 xi·xj. The edge list (i < j, in row order) then fills both CSR rows, which
 * leaves every row's indices ascending without a sort. */
int fc_radius_neighbors(const fc_mat *X, double radius, int want_dist, fc_neighbors *out)
{
    memset(out, 0, sizeof *out);
    size_t n = X->rows, d = X->cols, block = 256, cap = n * 4 + 16, used = 0;
    double r2 = radius * radius;
    double *norms = fc_malloc(n, sizeof(double));
    float *xf = fc_malloc(n * d, sizeof(float)), *buf = fc_malloc(block * n, sizeof(float));
    int *rowcnt = fc_malloc(block, sizeof(int)), **rowj = fc_calloc(block, sizeof(int *));
    size_t *rowcap = fc_calloc(block, sizeof(size_t));
    int *edges = fc_malloc(cap * 2, sizeof(int));
    size_t *deg = fc_calloc(n + 1, sizeof(size_t));
    if (!norms || !xf || !buf || !rowcnt || !rowj || !rowcap || !edges || !deg)
        goto oom;
    fc_row_sqnorms(X, norms);
    double maxn = 0;
    for (size_t i = 0; i < n; i++)
        maxn = norms[i] > maxn ? norms[i] : maxn;
    for (size_t i = 0; i < n * d; i++)
        xf[i] = (float)X->data[i];
    /* float32 error of |xi|²+|xj|²-2xi·xj is a few ulps of the terms times sqrt(d); be generous */
    double margin = 1e-5 * (1.0 + 2 * maxn) * (1.0 + sqrt((double)d)) + 1e-12;
    int fail = 0;
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n, m = i1 - i0, w = n - i0;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)w, (int)d, 1.0f, xf + i0 * d, (int)d,
                    xf + i0 * d, (int)d, 0.0f, buf, (int)w);
#pragma omp parallel for schedule(dynamic, 8)
        for (size_t a = 0; a < m; a++) {
            size_t i = i0 + a;
            const float *g = buf + a * w;
            const double *xi = fc_mat_row(X, i);
            rowcnt[a] = 0;
            for (size_t j = i + 1; j < n; j++) {
                double q = norms[i] + norms[j] - 2.0 * (double)g[j - i0];
                if (q > r2 + margin)
                    continue;
                if (q >= r2 - margin) {
                    q = norms[i] + norms[j] - 2.0 * dot_d(xi, fc_mat_row(X, j), d);
                    if (q < 0)
                        q = 0;
                    if (q > r2)
                        continue;
                }
                if ((size_t)rowcnt[a] == rowcap[a]) {
                    size_t nc = rowcap[a] ? rowcap[a] * 2 : 64;
                    int *gr = realloc(rowj[a], nc * sizeof(int));
                    if (!gr) {
#pragma omp atomic write
                        fail = 1;
                        break;
                    }
                    rowj[a] = gr;
                    rowcap[a] = nc;
                }
                rowj[a][rowcnt[a]++] = (int)j;
            }
        }
        if (fail)
            goto oom;
        for (size_t a = 0; a < m; a++) {
            if (used + (size_t)rowcnt[a] > cap) {
                while (used + (size_t)rowcnt[a] > cap)
                    cap *= 2;
                int *ge = realloc(edges, cap * 2 * sizeof(int));
                if (!ge)
                    goto oom;
                edges = ge;
            }
            for (int e = 0; e < rowcnt[a]; e++) {
                edges[2 * used] = (int)(i0 + a);
                edges[2 * used + 1] = rowj[a][e];
                used++;
            }
        }
    }
    /* CSR: each row gets itself plus both directions of its edges */
    for (size_t e = 0; e < used; e++) {
        deg[edges[2 * e]]++;
        deg[edges[2 * e + 1]]++;
    }
    out->n = n;
    out->offsets = fc_malloc(n + 1, sizeof(size_t));
    size_t total = n + 2 * used;
    out->index = fc_malloc(total ? total : 1, sizeof(int));
    out->dist = want_dist ? fc_malloc(total ? total : 1, sizeof(double)) : NULL;
    if (!out->offsets || !out->index || (want_dist && !out->dist))
        goto oom;
    size_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        out->offsets[i] = acc;
        acc += deg[i] + 1;
        deg[i] = out->offsets[i]; /* reuse as fill cursor */
    }
    out->offsets[n] = acc;
    /* row r receives, in edge order: partners i < r ascending (edges (i, r)), then itself before its own
     * edges (r, j > r) ascending */
    /* place selves lazily: a row's self goes in before the first edge (r, j) is placed */
    unsigned char *self_done = fc_calloc(n, 1);
    if (!self_done)
        goto oom;
    for (size_t e = 0; e < used; e++) {
        int i = edges[2 * e], j = edges[2 * e + 1];
        if (!self_done[i]) {
            out->index[deg[i]++] = i;
            self_done[i] = 1;
        }
        out->index[deg[i]++] = j;
        out->index[deg[j]++] = i; /* i < j and j's self comes later: ascending */
    }
    for (size_t i = 0; i < n; i++)
        if (!self_done[i])
            out->index[deg[i]++] = (int)i;
    free(self_done);
    if (want_dist)
        for (size_t i = 0; i < n; i++)
            for (size_t k = out->offsets[i]; k < out->offsets[i + 1]; k++) {
                size_t j = (size_t)out->index[k];
                double q = j == i ? 0 : norms[i] + norms[j] - 2.0 * dot_d(fc_mat_row(X, i), fc_mat_row(X, j), d);
                out->dist[k] = q > 0 ? sqrt(q) : 0;
            }
    int rc = FC_OK;
    goto done;
oom:
    fc_neighbors_free(out);
    rc = fc_fail(FC_ENOMEM, "out of memory listing radius-%g neighbours of %zu points", radius, n);
done:
    if (rowj)
        for (size_t a = 0; a < block; a++)
            free(rowj[a]);
    free(rowj);
    free(rowcap);
    free(rowcnt);
    free(norms);
    free(xf);
    free(buf);
    free(edges);
    free(deg);
    return rc;
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
