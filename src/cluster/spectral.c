/* spectral.c — spectral clustering as sklearn 1.2's SpectralClustering (see cluster_more.h).
 *
 * sklearn builds the affinity, takes the spectral embedding (ARPACK in shift-invert mode on the
 * normalised Laplacian) and runs k-means on its rows. Here the same eigenvectors come from LAPACK's
 * MRRR solver (?syevr) restricted to the m smallest eigenvalues: the dense N×N Laplacian is reduced to
 * tridiagonal form once (the O(N^3) part) and only the wanted eigenvectors are computed. Above
 * FC_SPECTRAL_FLOAT_N rows the solve runs in single precision, converting the matrix in place, which
 * halves both its memory and its time; the embedding only feeds k-means, so float accuracy (~1e-6)
 * does not change the partition. Eigenvectors of a repeated eigenvalue may come out as any orthonormal
 * basis of its eigenspace, as with ARPACK; k-means distances do not depend on that choice. */
#include "facecluster/cluster_more.h"
#include "facecluster/parallel.h"
#include "facecluster/distance.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The n_neighbors nearest rows of row i (itself included) from its row of squared distances. */
static void knn_row(const double *d2, size_t n, int k, int *idx, double *best)
{
    int cnt = 0;
    for (size_t j = 0; j < n; j++) {
        double v = d2[j];
        if (cnt == k && v >= best[k - 1])
            continue;
        int pos = cnt < k ? cnt++ : k - 1;
        while (pos > 0 && best[pos - 1] > v) {
            best[pos] = best[pos - 1];
            idx[pos] = idx[pos - 1];
            pos--;
        }
        best[pos] = v;
        idx[pos] = (int)j;
    }
}

/* Z (row-major N×m) = D^-1/2 Zc, Zc column-major with leading dimension N: u = D^-1/2 x. Tiles keep
 * both sides of the transposition in cache. */
#define TRANSPOSE_SCALED(NAME, T)                                                                          \
    static void NAME(const T *Zc, size_t n, int m, const double *dd, double *Z)                            \
    {                                                                                                      \
        for (size_t i0 = 0; i0 < n; i0 += 64)                                                              \
            for (int j0 = 0; j0 < m; j0 += 64) {                                                           \
                size_t i1 = i0 + 64 < n ? i0 + 64 : n;                                                     \
                int j1 = j0 + 64 < m ? j0 + 64 : m;                                                        \
                for (size_t i = i0; i < i1; i++)                                                           \
                    for (int j = j0; j < j1; j++)                                                          \
                        Z[i * (size_t)m + j] = (double)Zc[(size_t)j * n + i] / dd[i];                      \
            }                                                                                              \
    }
TRANSPOSE_SCALED(transpose_scaled, double)
TRANSPOSE_SCALED(transpose_scaled_f, float)

static size_t float_rows = FC_SPECTRAL_FLOAT_N;

void fc_spectral_set_float_rows(size_t n) { float_rows = n ? n : FC_SPECTRAL_FLOAT_N; }

static int affinity_matrix_impl(const fc_mat *X, const fc_cluster_params *p, fc_mat *A)
{
    size_t n = X->rows, block = 256;
    memset(A, 0, sizeof *A);
    int rc = fc_cluster_check_memory("spectral: N x N affinity matrix", (double)n * n * sizeof(double));
    if (rc)
        return rc;
    if (p->affinity == FC_AFFINITY_RBF && !(p->gamma > 0))
        return fc_fail(FC_EARG, "spectral: gamma must be > 0 (got %g)", p->gamma);
    if (p->affinity == FC_AFFINITY_KNN && (p->n_neighbors < 1 || (size_t)p->n_neighbors > n))
        return fc_fail(FC_EARG, "spectral: n_neighbors must be in 1..%zu (got %d)", n, p->n_neighbors);
    if (fc_mat_alloc(A, n, n))
        return fc_fail(FC_ENOMEM, "spectral: cannot allocate the %zu x %zu affinity matrix", n, n);
    double *norms = fc_malloc(n, sizeof(double));
    if (!norms) {
        fc_mat_free(A);
        return FC_ENOMEM;
    }
    fc_row_sqnorms(X, norms);
    if (p->affinity == FC_AFFINITY_RBF) {
        for (size_t i0 = 0; i0 < n; i0 += block) {
            size_t i1 = i0 + block < n ? i0 + block : n;
            double *blk = A->data + i0 * n;
            fc_sqdist_block(X, norms, i0, i1, 0, n, blk);
            double g = p->gamma;
            long cnt = (long)((i1 - i0) * n);
#pragma omp parallel for schedule(static) if (cnt > 65536)
            for (long t = 0; t < cnt; t++)
                blk[t] = exp(-g * blk[t]);
        }
    } else {
        int k = p->n_neighbors;
        double *buf = fc_malloc(block * n, sizeof(double)), *best = fc_malloc((size_t)k, sizeof(double));
        int *idx = fc_malloc((size_t)k, sizeof(int));
        if (!buf || !best || !idx) {
            free(buf), free(best), free(idx), free(norms);
            fc_mat_free(A);
            return FC_ENOMEM;
        }
        /* connectivity C (row i has ones at its k nearest, itself included), then 0.5 (C + C^T) */
        for (size_t i0 = 0; i0 < n; i0 += block) {
            size_t i1 = i0 + block < n ? i0 + block : n;
            fc_sqdist_block(X, norms, i0, i1, 0, n, buf);
            for (size_t a = 0; a < i1 - i0; a++) {
                knn_row(buf + a * n, n, k, idx, best);
                for (int t = 0; t < k; t++) {
                    A->data[(i0 + a) * n + idx[t]] += 0.5;
                    A->data[(size_t)idx[t] * n + i0 + a] += 0.5;
                }
            }
        }
        free(buf), free(best), free(idx);
    }
    free(norms);
    return FC_OK;
}

int fc_spectral_embedding(fc_mat *A, int m, int want_vectors, fc_mat *emb, double *eigvals)
{
    size_t n = A->rows;
    if (emb)
        memset(emb, 0, sizeof *emb);
    if (m < 1 || (size_t)m > n)
        return fc_fail(FC_EARG, "spectral embedding: %d components asked of %zu rows", m, n);
    double *dd = fc_malloc(n, sizeof(double)), *w = fc_malloc(n, sizeof(double));
    int *isuppz = fc_malloc(2 * (size_t)m, sizeof(int));
    if (!dd || !w || !isuppz) {
        free(dd), free(w), free(isuppz);
        return FC_ENOMEM;
    }
    /* degrees without self-affinity (scipy's laplacian ignores the diagonal); isolated rows get 1 */
#pragma omp parallel for schedule(static) if (n > 512)
    for (size_t i = 0; i < n; i++) {
        double s = 0, *r = A->data + i * n;
        r[i] = 0;
        for (size_t j = 0; j < n; j++)
            s += r[j];
        dd[i] = s > 0 ? sqrt(s) : 1.0;
    }
    /* L = I - D^-1/2 A D^-1/2 (only the lower triangle is read by LAPACK, but fill all: it is cheap) */
#pragma omp parallel for schedule(static) if (n > 512)
    for (size_t i = 0; i < n; i++) {
        double *r = A->data + i * n;
        for (size_t j = 0; j < n; j++)
            r[j] = -r[j] / (dd[i] * dd[j]);
        r[i] = 1.0;
    }
    /* L is symmetric and stored whole, so its row-major storage is also its column-major storage: the
     * solvers are called column-major, which spares LAPACKE's transposed N×N copy of the matrix (time
     * and 4-8·N² bytes). The eigenvectors come back column-major (N×m, ld N) and are transposed below. */
    int found = 0, info;
    double *Z = NULL, *Zc = NULL;
    char jobz = want_vectors ? 'V' : 'N';
    if (want_vectors && !(Z = fc_malloc(n * (size_t)m, sizeof(double)))) {
        free(dd), free(w), free(isuppz);
        return fc_fail(FC_ENOMEM, "spectral embedding: cannot allocate %zu x %d eigenvectors", n, m);
    }
    if (n <= float_rows) {
        if (want_vectors && !(Zc = fc_malloc(n * (size_t)m, sizeof(double)))) {
            free(Z), free(dd), free(w), free(isuppz);
            return FC_ENOMEM;
        }
        int blas = fc_blas_threads_begin(); /* LAPACK's parallelism is BLAS's (parallel.h) */
        info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, jobz, 'I', 'L', (lapack_int)n, A->data, (lapack_int)n, 0, 0, 1, m,
                              0.0, &found, w, Zc ? Zc : w, (lapack_int)n, isuppz);
        fc_blas_threads_end(blas);
        if (Zc && info == 0)
            transpose_scaled(Zc, n, found, dd, Z);
        free(Zc);
    } else {
        /* In place, a chunk at a time: chunk [t0, t0+c) of floats lands in bytes [4 t0, 4 t0 + 4c), which
         * hold doubles already read (all of them at t0 = 0, since the chunk is read out first). */
        float *Af = (float *)(void *)A->data, chunk[1024];
        for (size_t t0 = 0; t0 < n * n; t0 += 1024) {
            size_t c = n * n - t0 < 1024 ? n * n - t0 : 1024;
            for (size_t t = 0; t < c; t++)
                chunk[t] = (float)A->data[t0 + t];
            memcpy((char *)A->data + t0 * sizeof(float), chunk, c * sizeof(float));
        }
        float *wf = fc_malloc(n, sizeof(float)), *Zf = want_vectors ? fc_malloc(n * (size_t)m, sizeof(float)) : NULL;
        if (!wf || (want_vectors && !Zf)) {
            free(wf), free(Zf), free(Z), free(dd), free(w), free(isuppz);
            return FC_ENOMEM;
        }
        int blas = fc_blas_threads_begin();
        info = LAPACKE_ssyevr(LAPACK_COL_MAJOR, jobz, 'I', 'L', (lapack_int)n, Af, (lapack_int)n, 0, 0, 1, m, 0.0f,
                              &found, wf, Zf ? Zf : wf, (lapack_int)n, isuppz);
        fc_blas_threads_end(blas);
        for (int j = 0; j < found; j++)
            w[j] = wf[j];
        if (Zf && info == 0)
            transpose_scaled_f(Zf, n, found, dd, Z);
        free(wf), free(Zf);
    }
    free(isuppz);
    if (info != 0 || found != m) {
        free(Z), free(dd), free(w);
        return fc_fail(FC_EINTERNAL, "spectral embedding: LAPACK ?syevr failed (info %d, %d of %d eigenvalues)",
                       (int)info, found, m);
    }
    if (eigvals)
        memcpy(eigvals, w, (size_t)m * sizeof(double));
    if (want_vectors) {
        /* (u = D^-1/2 x was applied while transposing) the sign that makes each vector's largest-magnitude
         * entry positive */
        for (int j = 0; j < m; j++) {
            size_t arg = 0;
            for (size_t i = 1; i < n; i++)
                if (fabs(Z[i * m + j]) > fabs(Z[arg * m + j]))
                    arg = i;
            if (Z[arg * m + j] < 0)
                for (size_t i = 0; i < n; i++)
                    Z[i * m + j] = -Z[i * m + j];
        }
        emb->rows = n;
        emb->cols = (size_t)m;
        emb->data = Z;
    }
    free(dd), free(w);
    return FC_OK;
}

int fc_spectral(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    if (p->k < 1 || (size_t)p->k > X->rows)
        return fc_fail(FC_EARG, "spectral: K must be in 1..%zu (got %d)", X->rows, p->k);
    fc_mat A, emb;
    int rc = fc_affinity_matrix(X, p, &A);
    if (rc)
        return rc;
    rc = fc_spectral_embedding(&A, p->k, 1, &emb, NULL);
    fc_mat_free(&A);
    if (rc)
        return rc;
    rc = fc_kmeans(&emb, p, labels);
    fc_mat_free(&emb);
    return rc;
}

int fc_affinity_matrix(const fc_mat *X, const fc_cluster_params *p, fc_mat *A)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = affinity_matrix_impl(X, p, A);
    fc_blas_serial_end(blas);
    return rc;
}
