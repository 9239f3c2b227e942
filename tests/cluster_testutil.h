/* cluster_testutil.h — helpers for the clustering unit tests: Gaussian blobs with known labels, the
 * adjusted Rand index (a small O(N + K1*K2) version for checking partitions up to relabelling), and
 * loading a shared embedding set with its truth labels. */
#ifndef FC_CLUSTER_TESTUTIL_H
#define FC_CLUSTER_TESTUTIL_H

#include "facecluster/core.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"
#include "facecluster/rng.h"

#include <stdlib.h>
#include <string.h>

/* k blobs of `per` points in dim d, centres on a scaled simplex-ish grid `sep` apart, std `sd`. */
static inline void tu_blobs(fc_mat *X, int *truth, int k, int per, int d, double sep, double sd, uint64_t seed)
{
    fc_rng r;
    fc_rng_init(&r, seed);
    fc_mat_alloc(X, (size_t)k * per, (size_t)d);
    for (int c = 0; c < k; c++)
        for (int i = 0; i < per; i++) {
            size_t row = (size_t)c * per + i;
            for (int j = 0; j < d; j++)
                X->data[row * d + j] = (j == c % d ? sep * (1 + c / d) : 0) + sd * fc_rng_normal(&r);
            truth[row] = c;
        }
}

static inline double tu_ari(const int *a, const int *b, size_t n)
{
    int ka = 0, kb = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i] + 2 > ka) ka = a[i] + 2;
        if (b[i] + 2 > kb) kb = b[i] + 2;
    }
    double *t = calloc((size_t)ka * kb, sizeof(double)), *ra = calloc(ka, sizeof(double)),
           *rb = calloc(kb, sizeof(double));
    for (size_t i = 0; i < n; i++) {
        t[(size_t)(a[i] + 1) * kb + (b[i] + 1)] += 1; /* -1 (noise) counts as a cluster of its own */
        ra[a[i] + 1] += 1;
        rb[b[i] + 1] += 1;
    }
    double sij = 0, sa = 0, sb = 0;
    for (int i = 0; i < ka * kb; i++) sij += t[i] * (t[i] - 1) / 2;
    for (int i = 0; i < ka; i++) sa += ra[i] * (ra[i] - 1) / 2;
    for (int i = 0; i < kb; i++) sb += rb[i] * (rb[i] - 1) / 2;
    double tot = (double)n * (n - 1) / 2, exp = sa * sb / tot, mx = (sa + sb) / 2;
    free(t), free(ra), free(rb);
    return mx == exp ? 1.0 : (sij - exp) / (mx - exp);
}

static inline int tu_count_clusters(const int *l, size_t n)
{
    int mx = -1;
    for (size_t i = 0; i < n; i++)
        if (l[i] > mx) mx = l[i];
    return mx + 1;
}

/* Loads ../shared/embeddings/<set>/emb.npy and truth.txt; 0 when missing. */
static inline int tu_load_set(const char *set, fc_mat *X, int **truth, int *k)
{
    char pe[512], pt[512], rel[256];
    snprintf(rel, sizeof rel, "embeddings/%s/emb.npy", set);
    if (!th_shared_path(pe, sizeof pe, rel)) return 0;
    snprintf(rel, sizeof rel, "embeddings/%s/truth.txt", set);
    if (!th_shared_path(pt, sizeof pt, rel)) return 0;
    if (fc_npy_read_matrix(pe, X)) return 0;
    fc_truth t;
    if (fc_truth_read(pt, 0, 0, &t)) return 0;
    if (t.n != X->rows) { fc_truth_free(&t); return 0; }
    *truth = malloc(t.n * sizeof(int));
    memcpy(*truth, t.ids, t.n * sizeof(int));
    *k = (int)t.k;
    fc_truth_free(&t);
    return 1;
}

#endif
