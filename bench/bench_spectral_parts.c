/* bench_spectral_parts.c — where spectral clustering's time goes on lfw3 (N = 7,606, K = 901), stage by
 * stage, and the LAPACK alternatives for the eigenvector stage on the same tridiagonal matrix.
 * Usage: bench_spectral_parts [set] (default lfw3). Prints wall and CPU seconds per stage (CPU = all
 * threads; on this shared 2-core machine wall time depends on the load, printed at the start).
 * Stages: rbf affinity (double), Laplacian + conversion to float, ssytrd (tridiagonal reduction), the
 * tridiagonal eigenvectors by MRRR (sstemr, what ssyevr uses) and by bisection + inverse iteration
 * (sstebz + sstein, what ssyevx uses), the back-transformation sormtr of the K vectors, and k-means
 * (n_init 10, seed 0) on the resulting N×K embedding. ssyevd would add a divide-and-conquer solve of
 * all N vectors and an sormtr of N columns instead of K (timed as the last row). */
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double w0, c0;
static void tic(void) { w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID); }
static void toc(const char *stage)
{
    printf("| %-44s | %8.2f | %8.2f |\n", stage, now(CLOCK_MONOTONIC) - w0, now(CLOCK_PROCESS_CPUTIME_ID) - c0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *set = argc > 1 ? argv[1] : "lfw3";
    const char *sh = getenv("FC_SHARED") ? getenv("FC_SHARED") : "../shared";
    char pe[512], pt[512];
    snprintf(pe, sizeof pe, "%s/embeddings/%s/emb.npy", sh, set);
    snprintf(pt, sizeof pt, "%s/embeddings/%s/truth.txt", sh, set);
    fc_mat X;
    fc_truth truth;
    if (fc_npy_read_matrix(pe, &X) || fc_truth_read(pt, 0, 0, &truth)) {
        printf("skipped: %s/embeddings/%s not found\n", sh, set);
        return 0;
    }
    fc_set_quiet(1);
    for (size_t i = 0; i < X.rows; i++) {
        double s = 0, *r = X.data + i * X.cols;
        for (size_t j = 0; j < X.cols; j++)
            s += r[j] * r[j];
        for (size_t j = 0; j < X.cols; j++)
            r[j] /= sqrt(s);
    }
    size_t n = X.rows;
    int m = (int)truth.k;
    double load[1] = {0};
    if (getloadavg(load, 1) < 1)
        load[0] = -1;
    printf("### Spectral clustering stages on %s (N = %zu, K = %d), load average %.1f at start\n\n", set, n, m,
           load[0]);
    printf("| stage | wall s | CPU s |\n|---|---|---|\n");
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    fc_mat A;
    tic();
    if (fc_affinity_matrix(&X, &p, &A))
        return 1;
    toc("rbf affinity (double, N×N)");
    tic();
    double *dd = malloc(n * sizeof(double));
    float *L = malloc(n * n * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        double s = 0, *r = A.data + i * n;
        for (size_t j = 0; j < n; j++)
            s += j == i ? 0 : r[j];
        dd[i] = sqrt(s);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            L[i * n + j] = i == j ? 1.0f : (float)(-A.data[i * n + j] / (dd[i] * dd[j]));
    fc_mat_free(&A);
    toc("normalised Laplacian, to float");
    float *d = malloc(n * sizeof(float)), *e = malloc(n * sizeof(float)), *tau = malloc(n * sizeof(float));
    float *d2 = malloc(n * sizeof(float)), *e2 = malloc(n * sizeof(float)), *w = malloc(n * sizeof(float));
    float *Z = malloc(n * (size_t)m * sizeof(float)), *Z2 = malloc(n * (size_t)m * sizeof(float));
    int *isuppz = malloc(2 * n * sizeof(int)), *iblock = malloc(n * sizeof(int)), *isplit = malloc(n * sizeof(int));
    int *ifail = malloc(n * sizeof(int));
    lapack_int found = 0, nsplit = 0;
    lapack_logical tryrac = 1;
    tic();
    int info = LAPACKE_ssytrd(LAPACK_COL_MAJOR, 'L', (lapack_int)n, L, (lapack_int)n, d, e, tau);
    toc("ssytrd: reduction to tridiagonal, (4/3)N³");
    memcpy(d2, d, n * sizeof(float)), memcpy(e2, e, n * sizeof(float));
    tic();
    info |= LAPACKE_sstemr(LAPACK_COL_MAJOR, 'V', 'I', (lapack_int)n, d2, e2, 0, 0, 1, m, &found, w, Z, (lapack_int)n,
                           m, isuppz, &tryrac);
    toc("sstemr: MRRR, K vectors (ssyevr)");
    memcpy(d2, d, n * sizeof(float)), memcpy(e2, e, n * sizeof(float));
    tic();
    info |= LAPACKE_sstebz('I', 'B', (lapack_int)n, 0, 0, 1, m, 0, d2, e2, &found, &nsplit, w, iblock, isplit);
    info |= LAPACKE_sstein(LAPACK_COL_MAJOR, (lapack_int)n, d2, e2, found, w, iblock, isplit, Z2, (lapack_int)n, ifail);
    toc("sstebz + sstein: bisection + inverse iteration (ssyevx)");
    tic();
    info |= LAPACKE_sormtr(LAPACK_COL_MAJOR, 'L', 'L', 'N', (lapack_int)n, m, L, (lapack_int)n, tau, Z, (lapack_int)n);
    toc("sormtr: back-transformation of K vectors");
    fc_mat emb;
    fc_mat_alloc(&emb, n, (size_t)m);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            emb.data[i * (size_t)m + j] = Z[(size_t)j * n + i] / dd[i];
    p.k = m;
    int *lab = malloc(n * sizeof(int));
    tic();
    info |= fc_kmeans(&emb, &p, lab);
    toc("k-means on the N×K embedding (n_init 10)");
    free(Z2);
    Z2 = malloc(n * n * sizeof(float));
    for (size_t t = 0; t < n * n; t++)
        Z2[t] = (t % (n + 1)) == 0 ? 1.0f : 0.0f;
    tic();
    info |= LAPACKE_sormtr(LAPACK_COL_MAJOR, 'L', 'L', 'N', (lapack_int)n, (lapack_int)n, L, (lapack_int)n, tau, Z2,
                           (lapack_int)n);
    toc("(ssyevd's) sormtr of all N vectors");
    printf("\nLAPACK status %d; eigenvalues 1 and K of L: %.7f %.7f\n", info, w[0], w[m - 1]);
    fc_mat_free(&emb);
    fc_mat_free(&X);
    fc_truth_free(&truth);
    free(dd), free(L), free(d), free(e), free(tau), free(d2), free(e2), free(w), free(Z), free(Z2);
    free(isuppz), free(iblock), free(isplit), free(ifail), free(lab);
    return info != 0;
}
