/* kmeans_internal.h — hooks into kmeans.c for the tests and the benchmark; not part of the public API.
 *
 * fc_kmeans(X, p, labels) == fc_kmeans_ex(X, p, NULL, labels). The options only choose HOW the same
 * algorithm runs (they must never change the result beyond float rounding, which the tests check):
 * gram: the k-means++ candidates' distances from a float N×N Gram matrix built once (1), by streaming X
 * every step (0), or chosen by size and memory budget (-1); threads: restarts run at once (0 = all
 * OpenMP threads, as memory allows; 1 = sequential).
 * fc_kmeans_plusplus runs only the seeding of the first restart and returns the K chosen point indices.
 */
#ifndef FC_KMEANS_INTERNAL_H
#define FC_KMEANS_INTERNAL_H

#include "facecluster/cluster.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fc_kmeans_opts {
    int gram;
    int threads;
} fc_kmeans_opts;

int fc_kmeans_ex(const fc_mat *X, const fc_cluster_params *p, const fc_kmeans_opts *o, int *labels);
int fc_kmeans_plusplus(const fc_mat *X, int k, uint64_t seed, int gram, size_t *ids);

#endif
