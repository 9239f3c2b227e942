/* estimate_k.h — choosing K for the K-based methods (k-means, agglomerative by K, spectral) when the user
 * does not give it.
 *
 * Contract: fc_estimate_k sets *k to a value in 1..N for the N rows of X (N >= 1) and returns 0, or a
 * negative FC_E* code with fc_last_error() set. It is deterministic for the same X and params and never
 * prints. The estimator used is documented in the implementation (src/cluster/estimate_k.c).
 */
#ifndef FACECLUSTER_ESTIMATE_K_H
#define FACECLUSTER_ESTIMATE_K_H

#include "facecluster/cluster.h"

int fc_estimate_k(const fc_mat *X, const fc_cluster_params *p, int *k);

#endif
