/* chinese_whispers.c — Chinese whispers graph clustering as dlib's chinese_whispers() used by dlib's face
 * clustering example (see cluster_more.h). The graph links rows closer than p->threshold with weight 1
 * and gives every node a self-loop (dlib's example adds the pair (i, i) since its inner loop starts at
 * j = i). Every node starts in its own cluster; each pass visits the nodes in a fresh seeded random
 * order and gives each the label with the largest summed edge weight among its neighbours (ties: the
 * smallest label, as dlib's std::map scan). dlib draws N random nodes per pass with replacement; a
 * permutation visits every node once per pass, which converges at least as fast. */
#include "facecluster/cluster_more.h"
#include "facecluster/distance.h"
#include "facecluster/labels.h"
#include "facecluster/rng.h"

#include <math.h>
#include <stdlib.h>

int fc_chinese_whispers(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows;
    if (p->threshold < 0 || isnan(p->threshold))
        return fc_fail(FC_EARG, "chinese_whispers: threshold must be >= 0 (got %g)", p->threshold);
    double thr = p->threshold > 0 ? p->threshold : FC_CW_THRESHOLD;
    if (p->cw_iterations < 1)
        return fc_fail(FC_EARG, "chinese_whispers: cw_iterations must be >= 1 (got %d)", p->cw_iterations);
    fc_neighbors nb;
    /* radius neighbours are "<= r"; the strict "< threshold" test is applied below */
    int rc = fc_radius_neighbors(X, thr, 1, &nb);
    if (rc)
        return rc;
    size_t *order = fc_malloc(n, sizeof(size_t));
    double *acc = fc_calloc(n, sizeof(double));
    int *touched = fc_malloc(n, sizeof(int));
    if (!order || !acc || !touched) {
        free(order), free(acc), free(touched);
        fc_neighbors_free(&nb);
        return fc_fail(FC_ENOMEM, "chinese_whispers: out of memory for %zu rows", n);
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = (int)i;
    fc_rng rng;
    fc_rng_init(&rng, p->seed);
    for (int it = 0; it < p->cw_iterations; it++) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        fc_rng_shuffle(&rng, order, n);
        int changed = 0;
        for (size_t oi = 0; oi < n; oi++) {
            size_t v = order[oi];
            int nt = 0;
            for (size_t e = nb.offsets[v]; e < nb.offsets[v + 1]; e++) {
                if (nb.dist[e] >= thr && (size_t)nb.index[e] != v)
                    continue;
                int l = labels[nb.index[e]];
                if (acc[l] == 0)
                    touched[nt++] = l;
                acc[l] += 1.0;
            }
            int best = labels[v];
            double bw = -1;
            for (int t = 0; t < nt; t++) {
                int l = touched[t];
                if (acc[l] > bw || (acc[l] == bw && l < best))
                    best = l, bw = acc[l];
                acc[l] = 0;
            }
            if (best != labels[v])
                labels[v] = best, changed = 1;
        }
        /* a full pass without a change is a fixed point: later passes would change nothing either */
        if (!changed)
            break;
    }
    free(order), free(acc), free(touched);
    fc_neighbors_free(&nb);
    if (fc_labels_canonical(labels, n) < 0)
        return fc_fail(FC_ENOMEM, "chinese_whispers: out of memory relabelling");
    return FC_OK;
}
