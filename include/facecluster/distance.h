/* distance.h — Euclidean distance kernels shared by the clustering methods.
 *
 * Contract:
 *  - Distances are computed in blocks through BLAS (dgemm): d²(i,j) = |xi|² + |xj|² - 2 xi·xj, clamped
 *    at 0, with the diagonal set to exactly 0 when the two blocks are the same rows. This is the same
 *    formula scikit-learn's euclidean_distances uses, so thresholds behave alike.
 *  - fc_row_sqnorms fills norms[i] = |xi|².
 *  - fc_sqdist_block writes the (i1-i0)×(j1-j0) block of squared distances, row-major, into out.
 *    `norms` may be NULL (then computed on the fly). Called outside a parallel region it splits the work
 *    across the OpenMP threads with BLAS single-threaded (parallel.h), so its last bits may change with
 *    the thread count; inside one it runs on the calling thread. fc_sqdist_block_serial is one plain BLAS
 *    call on the calling thread (BLAS threads as they are set) for results that must not depend on the
 *    OpenMP thread count (t-SNE).
 *  - fc_radius_neighbors lists, for every row, the rows within distance `radius` (itself included),
 *    as a CSR structure (offsets of length N+1, indices sorted ascending); memory is O(N·p + edges).
 *    The lists are exactly those of the double formula above with a left-to-right dot product
 *    (`|xi|² + |xj|² − 2 xi·xj <= radius²`, the same on every instruction set). Pairs are screened in
 *    float32 over the upper triangle, on the centred rows projected onto their top p principal directions
 *    (a lower bound of the distance, so no neighbour is lost) or, when that does not pay, on the centred
 *    rows themselves; a float-rounding margin sends every doubtful pair to the double formula.
 *    fc_radius_neighbors chooses p itself (principal directions only for N >= 2000 and D >= 64, p from
 *    a sample of pairs); fc_radius_neighbors_dims forces it: screen_dims = 0 automatic, >= D the full
 *    screen, else that many principal directions rounded up to a multiple of 16 (tests, benchmarks).
 *    `dist` (want_dist) holds the distances of the same formula.
 */
#ifndef FACECLUSTER_DISTANCE_H
#define FACECLUSTER_DISTANCE_H

#include "facecluster/core.h"

void fc_row_sqnorms(const fc_mat *X, double *norms);
void fc_sqdist_block(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1,
                     double *out);
void fc_sqdist_block_serial(const fc_mat *X, const double *norms, size_t i0, size_t i1, size_t j0, size_t j1,
                            double *out);

typedef struct fc_neighbors {
    size_t n;
    size_t *offsets; /* n + 1 */
    int *index;      /* offsets[n] entries */
    double *dist;    /* matching Euclidean distances (may be NULL if not requested) */
} fc_neighbors;

/* The k-th smallest (0-based, k < n) of v[0..n), partially reordering v; for k-th nearest-neighbour
 * distances from a row of a distance block. */
double fc_kth_smallest(double *v, size_t n, size_t k);

int fc_radius_neighbors(const fc_mat *X, double radius, int want_dist, fc_neighbors *out);
int fc_radius_neighbors_dims(const fc_mat *X, double radius, int want_dist, size_t screen_dims, fc_neighbors *out);
void fc_neighbors_free(fc_neighbors *nb);

#endif
