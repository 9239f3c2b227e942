/* dbscan.c — DBSCAN with scikit-learn 1.2 semantics (see cluster.h).
 *
 * A point is core when at least min_samples points (itself included) lie within distance <= eps.
 * sklearn's dbscan_inner starts a cluster at every still-unlabelled core point in index order and
 * expands it completely before starting the next, so a border point (non-core, within eps of a core
 * point) belongs to the earliest-started cluster among those holding one of its core neighbours. We get
 * the same partition without the stack walk: union-find joins core points that are neighbours (the root
 * is always the smallest index, i.e. the point that starts the cluster), clusters are numbered by their
 * root in index order, and each border point takes the smallest cluster number among its core neighbours.
 */
#include "facecluster/cluster.h"
#include "facecluster/distance.h"

#include <stdlib.h>

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

int fc_dbscan(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows;
    if (!(p->eps > 0))
        return fc_fail(FC_EARG, "dbscan: eps must be > 0 (got %g)", p->eps);
    if (p->min_samples < 1)
        return fc_fail(FC_EARG, "dbscan: min_samples must be >= 1 (got %d)", p->min_samples);
    fc_neighbors nb;
    int rc = fc_radius_neighbors(X, p->eps, 0, &nb);
    if (rc)
        return rc;
    int *parent = fc_malloc(n, sizeof(int));
    unsigned char *core = fc_malloc(n, 1);
    if (!parent || !core) {
        free(parent);
        free(core);
        fc_neighbors_free(&nb);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        parent[i] = (int)i;
        core[i] = nb.offsets[i + 1] - nb.offsets[i] >= (size_t)p->min_samples;
    }
    for (size_t i = 0; i < n; i++) {
        if (!core[i])
            continue;
        for (size_t e = nb.offsets[i]; e < nb.offsets[i + 1]; e++) {
            int j = nb.index[e];
            if ((size_t)j >= i || !core[j])
                continue; /* each core pair once */
            int a = uf_find(parent, (int)i), b = uf_find(parent, j);
            if (a < b)
                parent[b] = a;
            else if (b < a)
                parent[a] = b;
        }
    }
    int next = 0;
    for (size_t i = 0; i < n; i++) {
        labels[i] = -1;
        if (!core[i])
            continue;
        int r = uf_find(parent, (int)i);
        labels[i] = (size_t)r == i ? next++ : labels[r]; /* r < i is already numbered */
    }
    for (size_t i = 0; i < n; i++) {
        if (core[i])
            continue;
        int best = -1;
        for (size_t e = nb.offsets[i]; e < nb.offsets[i + 1]; e++) {
            int j = nb.index[e];
            if (core[j] && (best < 0 || labels[j] < best))
                best = labels[j];
        }
        labels[i] = best;
    }
    free(parent);
    free(core);
    fc_neighbors_free(&nb);
    return FC_OK;
}
