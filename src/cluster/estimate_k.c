/* estimate_k.c — automatic K (see estimate_k.h).
 *
 * components: the threshold graph of fc_graph_cc at p->threshold; the number of its connected
 *   components, singletons included. Face embeddings put the photos of one person within a distance
 *   that the model fixes, so this "density" count is what a photo manager would show.
 * eigengap: the normalised-Laplacian spectrum of the kNN connectivity (the affinity sklearn's
 *   SpectralClustering uses with affinity = nearest_neighbors): with K well-separated groups the K
 *   smallest eigenvalues are near 0 and the (K+1)-th jumps away; K = argmax_k (lambda_{k+1} - lambda_k).
 *   Only eigenvalues are computed (LAPACK ?syevr, index range 1..k_max+1).
 * silhouette: k-means (n_init 1, seeded) at K on a geometric grid of about 16 values in 2..k_max, then a
 *   finer grid between the best value's neighbours; the K with the highest silhouette wins.
 */
#include "facecluster/estimate_k.h"
#include "facecluster/parallel.h"
#include "facecluster/cluster_more.h"
#include "facecluster/distance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *fc_k_estimator_name(fc_k_estimator e)
{
    switch (e) {
    case FC_KEST_DEFAULT:
    case FC_KEST_COMPONENTS: return "components";
    case FC_KEST_EIGENGAP: return "eigengap";
    case FC_KEST_SILHOUETTE: return "silhouette";
    }
    return "?";
}

int fc_k_estimator_parse(const char *name)
{
    if (!strcmp(name, "default"))
        return FC_KEST_DEFAULT;
    if (!strcmp(name, "components"))
        return FC_KEST_COMPONENTS;
    if (!strcmp(name, "eigengap"))
        return FC_KEST_EIGENGAP;
    if (!strcmp(name, "silhouette"))
        return FC_KEST_SILHOUETTE;
    return -1;
}

static int silhouette_score_impl(const fc_mat *X, const int *labels, double *score)
{
    size_t n = X->rows, block = 256;
    int mn = 0, mx = -1;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < mn)
            mn = labels[i];
        if (labels[i] > mx)
            mx = labels[i];
    }
    if (mn < -1)
        return fc_fail(FC_EARG, "silhouette: labels must be >= -1 (got %d)", mn);
    size_t nl = (size_t)(mx + 2); /* slot 0 = label -1 */
    double *size = fc_calloc(nl, sizeof(double)), *sums = fc_malloc(block * nl, sizeof(double));
    double *norms = fc_malloc(n, sizeof(double)), *buf = fc_malloc(block * (n ? n : 1), sizeof(double));
    if (!size || !sums || !norms || !buf) {
        free(size), free(sums), free(norms), free(buf);
        return fc_fail(FC_ENOMEM, "silhouette: out of memory for %zu rows", n);
    }
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (size[labels[i] + 1]++ == 0)
            used++;
    if (used < 2 || used > n - 1) {
        free(size), free(sums), free(norms), free(buf);
        return fc_fail(FC_EARG, "silhouette: needs 2..N-1 distinct labels (got %zu for N = %zu)", used, n);
    }
    fc_row_sqnorms(X, norms);
    double total = 0;
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n, m = i1 - i0;
        fc_sqdist_block(X, norms, i0, i1, 0, n, buf);
        memset(sums, 0, m * nl * sizeof(double));
        for (size_t a = 0; a < m; a++) {
            double *s = sums + a * nl;
            const double *row = buf + a * n;
            for (size_t j = 0; j < n; j++)
                s[labels[j] + 1] += sqrt(row[j]);
        }
        for (size_t a = 0; a < m; a++) {
            const double *s = sums + a * nl;
            int own = labels[i0 + a] + 1;
            if (size[own] <= 1)
                continue; /* a cluster of one scores 0 */
            double ai = s[own] / (size[own] - 1), bi = INFINITY;
            for (size_t c = 0; c < nl; c++)
                if ((int)c != own && size[c] > 0 && s[c] / size[c] < bi)
                    bi = s[c] / size[c];
            double den = ai > bi ? ai : bi;
            if (den > 0)
                total += (bi - ai) / den;
        }
    }
    *score = total / (double)n;
    free(size), free(sums), free(norms), free(buf);
    return FC_OK;
}

static int k_max_for(const fc_mat *X, const fc_cluster_params *p)
{
    size_t n = X->rows;
    long km = p->k_max > 0 ? p->k_max : (long)(n / 2);
    if (km > (long)n - 1)
        km = (long)n - 1;
    if (km < 2)
        km = 2;
    return (int)km;
}

static int est_components(const fc_mat *X, const fc_cluster_params *p, int *k)
{
    int *labels = fc_malloc(X->rows, sizeof(int));
    if (!labels)
        return FC_ENOMEM;
    fc_cluster_params q = *p;
    if (q.threshold == 0)
        q.threshold = FC_KEST_THRESHOLD;
    int rc = fc_graph_cc(X, &q, labels);
    if (!rc) {
        int mx = 0;
        for (size_t i = 0; i < X->rows; i++)
            if (labels[i] + 1 > mx)
                mx = labels[i] + 1;
        *k = mx;
    }
    free(labels);
    return rc;
}

static int est_eigengap(const fc_mat *X, const fc_cluster_params *p, int *k)
{
    size_t n = X->rows;
    if (n < 3) {
        *k = 1;
        return FC_OK;
    }
    int km = k_max_for(X, p);
    fc_cluster_params q = *p;
    q.affinity = FC_AFFINITY_KNN;
    if ((size_t)q.n_neighbors > n)
        q.n_neighbors = (int)n;
    fc_mat A;
    int rc = fc_affinity_matrix(X, &q, &A);
    if (rc)
        return rc;
    double *ev = fc_malloc((size_t)km + 1, sizeof(double));
    if (!ev) {
        fc_mat_free(&A);
        return FC_ENOMEM;
    }
    rc = fc_spectral_embedding(&A, km + 1, 0, NULL, ev);
    fc_mat_free(&A);
    if (!rc) {
        int best = 1;
        for (int j = 1; j <= km; j++) /* gap after the j smallest eigenvalues: ev[j] - ev[j-1] */
            if (ev[j] - ev[j - 1] > ev[best] - ev[best - 1])
                best = j;
        *k = best;
    }
    free(ev);
    return rc;
}

static int silhouette_at(const fc_mat *X, const fc_cluster_params *p, int kk, int *labels, double *s)
{
    fc_cluster_params q = *p;
    q.k = kk;
    q.n_init = 1;
    int rc = fc_kmeans(X, &q, labels);
    if (rc)
        return rc;
    return fc_silhouette_score(X, labels, s);
}

static int est_silhouette(const fc_mat *X, const fc_cluster_params *p, int *k)
{
    size_t n = X->rows;
    if (n < 3) {
        *k = 1;
        return FC_OK;
    }
    int km = k_max_for(X, p), rc = 0;
    int *labels = fc_malloc(n, sizeof(int));
    if (!labels)
        return FC_ENOMEM;
    /* geometric grid 2 .. km, about 16 values, distinct */
    int grid[64], ng = 0;
    double ratio = pow((double)km / 2.0, 1.0 / 15.0);
    for (int g = 0; g < 16; g++) {
        int v = (int)lround(2.0 * pow(ratio, g));
        if (v > km)
            v = km;
        if (ng == 0 || v > grid[ng - 1])
            grid[ng++] = v;
    }
    double best_s = -2, s;
    int best_i = 0;
    for (int g = 0; g < ng; g++) {
        if ((rc = silhouette_at(X, p, grid[g], labels, &s)))
            goto out;
        if (s > best_s)
            best_s = s, best_i = g;
    }
    *k = grid[best_i];
    /* refine between the neighbours of the best grid value, 8 more evaluations */
    int lo = best_i > 0 ? grid[best_i - 1] : grid[0], hi = best_i + 1 < ng ? grid[best_i + 1] : grid[ng - 1];
    for (int t = 1; t <= 8; t++) {
        int v = lo + (int)lround((double)(hi - lo) * t / 9.0);
        if (v <= lo || v >= hi || v == grid[best_i])
            continue;
        if ((rc = silhouette_at(X, p, v, labels, &s)))
            goto out;
        if (s > best_s)
            best_s = s, *k = v;
    }
out:
    free(labels);
    return rc;
}

int fc_estimate_k(const fc_mat *X, const fc_cluster_params *p, int *k)
{
    if (X->rows == 0)
        return fc_fail(FC_EARG, "estimate_k: no rows to cluster");
    int rc;
    switch (p->k_estimator) {
    case FC_KEST_DEFAULT:
    case FC_KEST_COMPONENTS: rc = est_components(X, p, k); break;
    case FC_KEST_EIGENGAP: rc = est_eigengap(X, p, k); break;
    case FC_KEST_SILHOUETTE: rc = est_silhouette(X, p, k); break;
    default: return fc_fail(FC_EARG, "estimate_k: unknown estimator %d", (int)p->k_estimator);
    }
    if (!rc && *k < 1)
        *k = 1;
    if (!rc && (size_t)*k > X->rows)
        *k = (int)X->rows;
    return rc;
}

int fc_silhouette_score(const fc_mat *X, const int *labels, double *score)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = silhouette_score_impl(X, labels, score);
    fc_blas_serial_end(blas);
    return rc;
}
