/* agglomerative.c — AgglomerativeClustering (sklearn 1.2, no connectivity): build the dendrogram
 * (linkage.c), then cut it. By K: keep the first N-K merges in distance order (sklearn's _hc_cut undoes
 * the K-1 last ones). By distance_threshold: K = 1 + the number of merges with distance >= threshold,
 * then the same cut, as sklearn's fit does. */
#include "facecluster/cluster.h"
#include "linkage.h"

#include <stdlib.h>

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

int fc_agglomerative(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows;
    if (n == 0)
        return fc_fail(FC_EARG, "agglomerative: no rows");
    if (p->distance_threshold <= 0 && (p->k < 1 || (size_t)p->k > n))
        return fc_fail(FC_EARG, "agglomerative: K must be in 1..%zu (got %d)", n, p->k);
    if ((unsigned)p->linkage > FC_LINK_SINGLE)
        return fc_fail(FC_EARG, "agglomerative: unknown linkage %d", (int)p->linkage);
    if (n == 1) {
        labels[0] = 0;
        return FC_OK;
    }
    fc_merge *mg = fc_malloc(n - 1, sizeof *mg);
    int *parent = fc_malloc(n, sizeof(int));
    if (!mg || !parent) {
        free(mg);
        free(parent);
        return FC_ENOMEM;
    }
    int rc = p->linkage == FC_LINK_SINGLE ? fc_linkage_single_mst(X, mg) : fc_linkage_nn_chain(X, p->linkage, mg);
    if (rc) {
        free(mg);
        free(parent);
        return rc;
    }
    size_t k = (size_t)p->k;
    if (p->distance_threshold > 0) {
        k = 1;
        for (size_t i = 0; i + 1 < n; i++)
            k += mg[i].dist >= p->distance_threshold;
    }
    for (size_t i = 0; i < n; i++)
        parent[i] = (int)i;
    for (size_t i = 0; i + k < n; i++) {
        int a = uf_find(parent, mg[i].a), b = uf_find(parent, mg[i].b);
        if (a != b)
            parent[a < b ? b : a] = a < b ? a : b;
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = uf_find(parent, (int)i);
    /* number clusters 0..K-1 in order of first appearance */
    int next = 0;
    int *map = parent; /* reuse: map root -> label; roots are <= their members, so seen first */
    for (size_t i = 0; i < n; i++) {
        int r = labels[i];
        labels[i] = (size_t)r == i ? (map[i] = next++) : map[r];
    }
    free(mg);
    free(parent);
    return FC_OK;
}
