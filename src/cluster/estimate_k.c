/* estimate_k.c — a first, simple K estimator (see estimate_k.h): run DBSCAN at p->eps with
 * min_samples = 1 (every point is core, so the clusters are the connected components of the
 * "distance <= eps" graph) and count the components. Singletons count as clusters of their own, so
 * the estimate is what a K-based method needs to reproduce that partition. May be replaced by a
 * better estimator (eigengap, silhouette) later. */
#include "facecluster/estimate_k.h"

#include <stdlib.h>

int fc_estimate_k(const fc_mat *X, const fc_cluster_params *p, int *k)
{
    size_t n = X->rows;
    if (n == 0)
        return fc_fail(FC_EARG, "estimate_k: no rows to cluster");
    fc_cluster_params q = *p;
    q.min_samples = 1;
    if (!(q.eps > 0))
        q.eps = 0.5;
    int *labels = fc_malloc(n, sizeof(int));
    if (!labels)
        return FC_ENOMEM;
    int rc = fc_dbscan(X, &q, labels);
    if (rc == 0) {
        int mx = -1;
        for (size_t i = 0; i < n; i++)
            if (labels[i] > mx)
                mx = labels[i];
        *k = mx + 1 > 0 ? mx + 1 : 1;
    }
    free(labels);
    return rc;
}
