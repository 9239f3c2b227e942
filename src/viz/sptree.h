/* sptree.h — the quadtree behind Barnes-Hut t-SNE (internal to src/viz).
 *
 * Contract: fc_qtree_build indexes N points in 2-D (row-major N×2) in cells that halve the points' bounding
 * box (rectangles, as scikit-learn's quad tree); a point within FC_QTREE_DUP (1e-6) of a leaf's point in
 * both coordinates is a duplicate and joins that leaf (scikit-learn's _is_duplicate rule).
 * fc_qtree_repulsion(tree, y, theta, force) walks the tree from the point y = (x, y)
 * and returns Z_i = Σ_j (1 + |y - y_j|²)⁻¹ over the other points, summarising any cell whose longer side w
 * and distance d to its centre of mass satisfy w² / d² < theta²; force (2 values) receives
 * Σ_j (1 + d_ij²)⁻² (y - y_j), unnormalised. As in scikit-learn's summarize, the leaf whose point lies within
 * FC_QTREE_DUP of y in both coordinates is left out whole: y itself and every duplicate of it. This matters
 * in the first iterations, when the map is ~1e-4 wide and near-duplicates are common: it changes the early
 * layout, and with it the final KL (measured on lfw3: 1.3633 with exact-position duplicates, 1.3622 with
 * this rule; scikit-learn 1.3615-1.3626).
 * The tree is read-only after building, so many threads may query it at once.
 */
#ifndef FC_VIZ_SPTREE_H
#define FC_VIZ_SPTREE_H

#include <stddef.h>

#define FC_QTREE_DUP 1e-6 /* duplicate tolerance per coordinate (scikit-learn's EPSILON) */

typedef struct fc_qnode {
    double cx, cy, hw, hh; /* cell centre, half width and half height */
    double mx, my;     /* centre of mass (sum while building) */
    double px, py;     /* leaf: position of its point(s) */
    int count;         /* points in the cell */
    int child;         /* index of the first of 4 children, -1 for a leaf */
} fc_qnode;

/* What a query reads, packed in 32 bytes: a leaf's (mx, my) is the exact position of its point(s). */
typedef struct fc_qcell {
    double mx, my, w2; /* centre of mass, squared cell width */
    int count, child;
} fc_qcell;

typedef struct fc_qtree {
    fc_qnode *nodes; /* while building */
    fc_qcell *cells; /* for queries, same indices */
    size_t n_nodes, cap;
} fc_qtree;

int fc_qtree_build(fc_qtree *t, const double *y, size_t n);
void fc_qtree_free(fc_qtree *t);
double fc_qtree_repulsion(const fc_qtree *t, const double *y, double theta, double *force);

#endif
