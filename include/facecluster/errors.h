/* errors.h — the paper's "secondary tool": what a clustering got wrong, against known identities.
 *
 * Contract:
 *  - Input: N embeddings (rows of X), truth ids (>= 0), predicted labels (-1 = noise, each noise point
 *    counted as its own cluster) and optionally per-row glasses status (1 / 0 / -1 unknown; may be NULL).
 *  - A merge is a predicted cluster holding more than one identity; its badness is the number of
 *    different-identity pairs inside it. A split is an identity spread over more than one cluster; its
 *    badness is the number of same-identity pairs it separates. Both lists come sorted worst first
 *    (ties: larger size first, then lower id). For the first `detail` entries of each, the closest
 *    cross pair is found (Euclidean distance): for a merge the closest two rows of different identities
 *    inside the cluster (the link that joined them), for a split the closest two rows of the identity in
 *    different clusters (the gap that was not bridged); other entries have dist = NaN, rows = -1.
 *  - Pair counts: tp (same identity, same cluster), fp (different identities, same cluster), fn (same
 *    identity, different clusters), as exact 64-bit integers.
 *  - Glasses (when given): same-identity pairs counted, and split, by kind — glasses vs noglasses
 *    ("cross"), any pair with a "glasses" row, any pair with a "noglasses" row and no "glasses" row —
 *    to compare with the split rate fn / (tp + fn) of all same-identity pairs.
 *  - Never prints. Free with fc_errors_free.
 */
#ifndef FACECLUSTER_ERRORS_H
#define FACECLUSTER_ERRORS_H

#include "facecluster/core.h"

typedef struct fc_merge {
    int cluster;        /* label (after noise → own cluster renumbering: see labels_used) */
    size_t size;
    int n_ids;          /* identities inside */
    int64_t bad_pairs;  /* different-identity pairs */
    double dist;        /* closest different-identity pair, NaN if not computed */
    long row_a, row_b;
} fc_merge;

typedef struct fc_split {
    int identity;
    size_t size;
    int n_clusters;
    int64_t bad_pairs;  /* same-identity pairs separated */
    double dist;        /* closest pair across the identity's clusters */
    long row_a, row_b;
} fc_split;

typedef struct fc_error_report {
    size_t n, k_true, k_found;
    int *labels_used;          /* N labels with every noise point given its own cluster id */
    int64_t tp, fp, fn;
    fc_merge *merges;
    size_t n_merges;
    fc_split *splits;
    size_t n_splits;
    /* glasses */
    int64_t g_cross_pairs, g_cross_split; /* same-identity pairs: one "glasses", one "noglasses" */
    int64_t g_with_pairs, g_with_split;   /* same-identity pairs with at least one "glasses" row */
    int64_t g_without_pairs, g_without_split; /* with a "noglasses" row and no "glasses" row */
} fc_error_report;

int fc_errors_analyze(const fc_mat *X, const int *truth, const int *labels, const int *glasses, size_t detail,
                      fc_error_report *out);
void fc_errors_free(fc_error_report *r);

#endif
