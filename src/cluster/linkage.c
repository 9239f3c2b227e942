/* linkage.c — dendrograms for agglomerative clustering (see linkage.h). */
#include "linkage.h"

#include "facecluster/distance.h"

#include <float.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Squared distance by differences, as scipy's pdist / sklearn's DistanceMetric compute it (exact 0 for
 * duplicate rows, unlike the GEMM formula). */
static double sqdist_direct(const double *a, const double *b, size_t d)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t k = 0; k < d; k++) {
        double t = a[k] - b[k];
        s += t * t;
    }
    return s;
}

/* The full N×N Euclidean distance matrix: GEMM for speed, with tiny entries recomputed by differences
 * so that duplicates and near-duplicates get the same (tie-breaking) values as scipy's pdist. */
static void full_distances(const fc_mat *X, double *D)
{
    size_t n = X->rows;
    double *norms = fc_malloc(n, sizeof(double));
    if (norms)
        fc_row_sqnorms(X, norms);
    fc_sqdist_block(X, norms, 0, n, 0, n, D);
    free(norms);
#pragma omp parallel for schedule(dynamic, 64)
    for (size_t i = 0; i < n; i++) {
        double *row = D + i * n;
        for (size_t j = 0; j < n; j++) {
            double v = row[j];
            if (v < 1e-6 && i != j)
                v = sqdist_direct(fc_mat_row(X, i), fc_mat_row(X, j), X->cols);
            row[j] = sqrt(v);
        }
    }
}

static double lw_update(fc_linkage m, double dxi, double dyi, double dxy, double nx, double ny, double ni)
{
    switch (m) {
    case FC_LINK_COMPLETE:
        return dxi > dyi ? dxi : dyi;
    case FC_LINK_AVERAGE:
        return (nx * dxi + ny * dyi) / (nx + ny);
    case FC_LINK_SINGLE:
        return dxi < dyi ? dxi : dyi;
    case FC_LINK_WARD:
    default: {
        double t = 1.0 / (nx + ny + ni);
        return sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
    }
}

int fc_linkage_nn_chain(const fc_mat *X, fc_linkage method, fc_merge *merges)
{
    size_t n = X->rows;
    static const char *names[] = {"ward", "complete", "average", "single"};
    char what[96];
    snprintf(what, sizeof what, "agglomerative %s: the %zu x %zu distance matrix", names[method], n, n);
    if (fc_cluster_check_memory(what, (double)n * (double)n * sizeof(double)))
        return FC_ENOMEM;
    double *D = fc_malloc(n * n, sizeof(double));
    int *size = fc_malloc(n, sizeof(int));
    int *chain = fc_malloc(n, sizeof(int));
    int *alive = fc_malloc(n, sizeof(int)); /* compact list of live slots, ascending */
    if (!D || !size || !chain || !alive) {
        free(D);
        free(size);
        free(chain);
        free(alive);
        return fc_fail(FC_ENOMEM, "%s: out of memory (%.2f GB)", what, (double)n * n * 8 / 1e9);
    }
    full_distances(X, D);
    for (size_t i = 0; i < n; i++) {
        size[i] = 1;
        alive[i] = (int)i;
    }
    size_t nalive = n, chain_len = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        if (chain_len == 0)
            chain[chain_len++] = alive[0];
        int x, y = -1;
        double cur;
        for (;;) {
            x = chain[chain_len - 1];
            /* prefer the previous chain element on ties, so the chain cannot cycle */
            if (chain_len > 1) {
                y = chain[chain_len - 2];
                cur = D[(size_t)x * n + y];
            } else
                cur = INFINITY;
            const double *row = D + (size_t)x * n;
            for (size_t a = 0; a < nalive; a++) {
                int i = alive[a];
                if (i == x)
                    continue;
                if (row[i] < cur) {
                    cur = row[i];
                    y = i;
                }
            }
            if (chain_len > 1 && y == chain[chain_len - 2])
                break;
            chain[chain_len++] = y;
        }
        chain_len -= 2;
        if (x > y) {
            int t = x;
            x = y;
            y = t;
        }
        double nx = size[x], ny = size[y];
        merges[k].a = x;
        merges[k].b = y;
        merges[k].dist = cur;
        size[x] = 0;
        size[y] = (int)(nx + ny);
        /* drop x from the live list (keeps ascending order, as scipy's scans over 0..n-1) */
        size_t w = 0;
        for (size_t a = 0; a < nalive; a++)
            if (alive[a] != x)
                alive[w++] = alive[a];
        nalive = w;
        double *rx = D + (size_t)x * n, *ry = D + (size_t)y * n;
        for (size_t a = 0; a < nalive; a++) {
            int i = alive[a];
            if (i == y)
                continue;
            double v = lw_update(method, rx[i], ry[i], cur, nx, ny, size[i]);
            ry[i] = v;
            D[(size_t)i * n + y] = v;
        }
    }
    free(D);
    free(size);
    free(chain);
    free(alive);
    fc_merges_sort(merges, n - 1);
    return FC_OK;
}

int fc_linkage_single_mst(const fc_mat *X, fc_merge *merges)
{
    /* One thread on purpose: Prim is N sequential steps of O(N·D) each, and a parallel region per step
     * (N of them) costs more in barriers than it gains once the machine is busy. */
    size_t n = X->rows, d = X->cols;
    double *cd = fc_malloc(n, sizeof(double));
    int *out = fc_malloc(n, sizeof(int)); /* rows not yet in the tree, ascending */
    if (!cd || !out) {
        free(cd);
        free(out);
        return FC_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        cd[j] = INFINITY;
        out[j] = (int)j;
    }
    size_t nout = n;
    int cur = 0;
    for (size_t step = 1; step < n; step++) {
        size_t w = 0;
        for (size_t a = 0; a < nout; a++)
            if (out[a] != cur)
                out[w++] = out[a];
        nout = w;
        const double *xc = fc_mat_row(X, (size_t)cur);
        double best = DBL_MAX;
        int bi = -1;
        for (size_t a = 0; a < nout; a++) {
            int j = out[a];
            double v = sqrt(sqdist_direct(xc, fc_mat_row(X, (size_t)j), d));
            if (v < cd[j])
                cd[j] = v;
            if (cd[j] < best) { /* strict: the first (lowest) index wins ties, as sklearn */
                best = cd[j];
                bi = j;
            }
        }
        if (bi < 0) { /* only infinite/NaN distances left: take the first remaining row */
            bi = out[0];
            best = cd[bi];
        }
        merges[step - 1].a = cur;
        merges[step - 1].b = bi;
        merges[step - 1].dist = best;
        cur = bi;
    }
    free(cd);
    free(out);
    fc_merges_sort(merges, n - 1);
    return FC_OK;
}

/* Stable merge sort by distance (numpy's kind="mergesort" keeps equal distances in input order). */
void fc_merges_sort(fc_merge *m, size_t n)
{
    if (n < 2)
        return;
    fc_merge *tmp = malloc(n * sizeof *tmp);
    if (!tmp) { /* insertion sort fallback: stable, slow but correct */
        for (size_t i = 1; i < n; i++) {
            fc_merge v = m[i];
            size_t j = i;
            while (j > 0 && m[j - 1].dist > v.dist) {
                m[j] = m[j - 1];
                j--;
            }
            m[j] = v;
        }
        return;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = m[j].dist < m[i].dist ? m[j++] : m[i++];
            while (i < mid)
                tmp[o++] = m[i++];
            while (j < hi)
                tmp[o++] = m[j++];
        }
        memcpy(m, tmp, n * sizeof *tmp);
    }
    free(tmp);
}
