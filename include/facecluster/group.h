/* group.h — grouping the faces of a photo collection into people (the core of `facecluster group`).
 *
 * Contract:
 *  - fc_group_cluster clusters N faces (rows of X, L2-normalised embeddings) by agglomerative clustering
 *    with a distance threshold (average, complete or single linkage; merges with linkage distance
 *    < threshold are kept, as scikit-learn's distance_threshold) under CANNOT-LINK constraints: two faces
 *    with the same photo[i] never end in one cluster (a merge that would join them is never made; the
 *    clusters stay apart even when close). Every face gets a label 0..K-1 (singletons included), numbered
 *    by the first face of each cluster; *k receives K.
 *  - Exactness and cost: the unconstrained threshold graph (edges d < threshold) is split into connected
 *    components first — every cluster lies inside one — and each component runs the generic agglomerative
 *    algorithm on its own condensed float distance matrix (O(m²) memory for a component of m faces,
 *    refused with FC_ENOMEM beyond the memory budget of cluster.h). Ties break by the lower face index.
 *  - fc_group_assign attaches new faces to existing people: the distance of face f to person p is the
 *    linkage distance between {f} and p's member faces (mean for average, max for complete, min for single);
 *    pairs (f, p) with distance < threshold are taken greedily in increasing distance, each face at most
 *    once, never giving a person two faces of one photo (members' photos and faces already attached).
 *    out[f] = person index 0..P-1 or -1. This is what one more agglomerative step would do for a face
 *    that is close to exactly one person, and keeps existing people's numbers.
 */
#ifndef FACECLUSTER_GROUP_H
#define FACECLUSTER_GROUP_H

#include "facecluster/cluster.h"
#include "facecluster/core.h"

#include <stdint.h>

int fc_group_cluster(const fc_mat *X, const int64_t *photo, fc_linkage link, double threshold, int *labels,
                     int *k);

/* New faces F (rows of Fx, photos fphoto) against P people whose members are the rows of Mx with
 * mperson[j] in 0..P-1 and mphoto[j]. */
int fc_group_assign(const fc_mat *Fx, const int64_t *fphoto, const fc_mat *Mx, const int *mperson,
                    const int64_t *mphoto, int P, fc_linkage link, double threshold, int *out);

/* The default grouping setting of a model (by its file name, e.g. "MobileFaceNet.tflite"): the built-in
 * table first, overridden by a sidecar "<model path>.group" text file with lines "method average" and
 * "threshold 0.95" when models_dir holds one. Returns 0 and fills method/threshold, or FC_EARG when the
 * model is unknown (the caller then asks for --threshold). */
int fc_group_model_default(const char *model, const char *models_dir, fc_linkage *link, double *threshold,
                           const char **source);

/* "average" | "complete" | "single" → linkage; -1 when unknown. */
int fc_group_linkage_parse(const char *s, fc_linkage *l);

#endif
