/* cluster_more.h — the clustering methods beyond k-means/agglomerative/DBSCAN/mean-shift: spectral
 * clustering, HDBSCAN, threshold-graph connected components and Chinese whispers, plus the building
 * blocks the K estimators share with them.
 *
 * Contract:
 *  - The four run functions have the fc_cluster_method signature and are reachable through the
 *    registry ("spectral", "hdbscan", "graph", "chinese_whispers"); labels are 0..K-1, -1 = noise
 *    (HDBSCAN only). They never print and are deterministic for a given params.seed.
 *  - fc_spectral: sklearn 1.2 SpectralClustering(affinity rbf|nearest_neighbors, assign_labels kmeans):
 *    the spectral embedding below, then fc_kmeans (n_init, seed) on its rows. Needs p->k >= 1.
 *  - fc_hdbscan: HDBSCAN* as sklearn >= 1.3 / the hdbscan library (excess-of-mass selection,
 *    allow_single_cluster false, alpha 1, min_samples counting the point itself; p->min_samples <= 0
 *    means min_samples = min_cluster_size). O(N^2) time, O(N) extra memory.
 *  - fc_graph_cc: clusters = connected components of the graph linking rows at Euclidean distance
 *    < p->threshold (0 = FC_GRAPH_THRESHOLD). fc_chinese_whispers: dlib's chinese_whispers on that graph (unit weights,
 *    self-loops, p->cw_iterations passes over the nodes in a seeded random order; threshold 0 =
 *    FC_CW_THRESHOLD).
 *  - fc_affinity_matrix fills the dense N×N affinity sklearn's SpectralClustering builds (rbf
 *    exp(-gamma d^2), or 0.5 (C + C^T) for the include_self kNN connectivity C).
 *  - fc_spectral_embedding: sklearn's spectral_embedding(A, n_components = m, drop_first = False,
 *    norm_laplacian = True): the eigenvectors of the m smallest eigenvalues of the normalised
 *    Laplacian L = I - D^-1/2 A0 D^-1/2 (A0 = A with a zero diagonal), divided by sqrt(degree), each
 *    sign-flipped so that its largest-magnitude entry is positive; N×m, column j = eigenvalue j
 *    ascending. `eigvals` (may be NULL) receives those m eigenvalues of L. A is consumed (overwritten).
 *    Solved with LAPACK ?syevr over an index range: double up to FC_SPECTRAL_FLOAT_N rows, single
 *    precision above (half the memory, ~2x faster). Pass want_vectors = 0 for eigenvalues only.
 */
#ifndef FACECLUSTER_CLUSTER_MORE_H
#define FACECLUSTER_CLUSTER_MORE_H

#include "facecluster/cluster.h"

#define FC_SPECTRAL_FLOAT_N 3000

/* Default thresholds for unit-norm MobileFaceNet embeddings (params.threshold = 0), chosen by measured
 * ARI / K error on the shared personal, yale, orl and lfw3 sets (README, clustering section). */
#define FC_GRAPH_THRESHOLD 0.8
#define FC_CW_THRESHOLD 0.9
#define FC_KEST_THRESHOLD 0.9

/* Test hook: rows above which the spectral eigensolve runs in single precision (default
 * FC_SPECTRAL_FLOAT_N); 0 restores the default. */
void fc_spectral_set_float_rows(size_t n);

int fc_spectral(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_hdbscan(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_graph_cc(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_chinese_whispers(const fc_mat *X, const fc_cluster_params *p, int *labels);

int fc_affinity_matrix(const fc_mat *X, const fc_cluster_params *p, fc_mat *A);
int fc_spectral_embedding(fc_mat *A, int m, int want_vectors, fc_mat *emb, double *eigvals);

#endif
