/* estimate_k.h — choosing K for the K-based methods (k-means, agglomerative by K, spectral) when the user
 * does not give it.
 *
 * Contract: fc_estimate_k sets *k to a value in 1..N for the N rows of X (N >= 1) and returns 0, or a
 * negative FC_E* code with fc_last_error() set. It is deterministic for the same X and params and never
 * prints. p->k_estimator picks the estimator (src/cluster/estimate_k.c documents each; the README has
 * their measured accuracy on the shared embedding sets):
 *   FC_KEST_COMPONENTS  connected components of the graph linking rows closer than p->threshold
 *                       (singletons count): the K a K-based method needs to reproduce that partition;
 *   FC_KEST_EIGENGAP    the largest gap between consecutive eigenvalues of the normalised Laplacian of
 *                       the kNN affinity (p->n_neighbors), searched for K in 1..k_max;
 *   FC_KEST_SILHOUETTE  the K with the highest mean silhouette of a k-means partition over a
 *                       geometric grid of K in 2..k_max refined around the best.
 * k_max = p->k_max, or N/2 when 0 (at least 2, at most N-1).
 * fc_silhouette_score is sklearn.metrics.silhouette_score (Euclidean; -1 counts as a label like any
 * other; rows alone in their cluster score 0); it needs 2..N-1 distinct labels.
 */
#ifndef FACECLUSTER_ESTIMATE_K_H
#define FACECLUSTER_ESTIMATE_K_H

#include "facecluster/cluster.h"

int fc_estimate_k(const fc_mat *X, const fc_cluster_params *p, int *k);
int fc_silhouette_score(const fc_mat *X, const int *labels, double *score);
const char *fc_k_estimator_name(fc_k_estimator e);
/* Parses "components", "eigengap", "silhouette" (or "default"); -1 when unknown. */
int fc_k_estimator_parse(const char *name);

#endif
