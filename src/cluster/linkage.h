/* linkage.h — hierarchical-clustering merge lists (private to src/cluster).
 *
 * Contract: each builder fills `merges` (N-1 entries) with the merges of the dendrogram, sorted by
 * distance with a stable sort, exactly as scipy.cluster.hierarchy.linkage (ward/complete/average:
 * nearest-neighbour chain with Lance-Williams updates on Euclidean distances) and sklearn's
 * mst_linkage_core (single: Prim's minimum spanning tree from row 0) order them. a and b are row indices
 * that stand for the two clusters merged (union-find over them rebuilds any cut). */
#ifndef FC_LINKAGE_H
#define FC_LINKAGE_H

#include "facecluster/cluster.h"

typedef struct fc_merge {
    int a, b;
    double dist;
} fc_merge;

/* Needs an N×N double matrix: checks the memory budget first (FC_ENOMEM naming the size). */
int fc_linkage_nn_chain(const fc_mat *X, fc_linkage method, fc_merge *merges);
/* O(N) memory, O(N^2 D) time. */
int fc_linkage_single_mst(const fc_mat *X, fc_merge *merges);
/* Stable sort of merges by distance. */
void fc_merges_sort(fc_merge *m, size_t n);

#endif
