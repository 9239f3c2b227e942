/* metrics.h — scores of a clustering against known identities (external validation).
 *
 * Contract:
 *  - A labelling is N ints: >= 0 for clusters, -1 for noise. Label values are arbitrary (they are
 *    renumbered internally; huge or sparse values are fine).
 *  - Noise (-1) is handled by fc_noise_mode, applied to both labellings: FC_NOISE_SINGLETONS (default)
 *    makes every noise point its own cluster; FC_NOISE_CLUSTER treats all noise points as one cluster
 *    (what scikit-learn does when given -1 labels).
 *  - Everything is computed from a sparse contingency table (only the non-zero cells; memory O(N)), never
 *    a dense K1×K2 matrix.
 *  - Scores scikit-learn 1.2.1 has are computed as it does and agree with it to 1e-9: ARI (pair counts in
 *    exact 128-bit integer arithmetic), AMI and NMI (average_method "arithmetic", natural log), homogeneity,
 *    completeness, V-measure (beta 1), Fowlkes-Mallows. Special cases follow sklearn (e.g. both labellings
 *    a single cluster: ARI = AMI = NMI = 1).
 *  - The others: pairwise precision = same-identity pairs among same-cluster pairs (1 when no two items
 *    share a cluster), pairwise recall = same-cluster pairs among same-identity pairs (1 when no two items
 *    share an identity), pairwise F = their harmonic mean (= FMI's arithmetic cousin; 0 when both are 0);
 *    BCubed precision/recall = mean over items of the share of the item's cluster (identity) that has its
 *    identity (cluster), BCubed F = harmonic mean.
 *  - Counts: k_true = distinct identities, k_found = distinct predicted clusters (noise not counted),
 *    noise_share = share of items labelled -1, singleton_share = share of items alone in their predicted
 *    cluster (noise not counted).
 *  - N = 0 is FC_EARG. Functions are thread-safe (no global state).
 */
#ifndef FACECLUSTER_METRICS_H
#define FACECLUSTER_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { FC_NOISE_SINGLETONS = 0, FC_NOISE_CLUSTER = 1 } fc_noise_mode;

/* The sparse contingency table of two labellings. Rows are identities (truth), columns clusters (pred). */
typedef struct fc_contingency {
    size_t n;        /* items */
    size_t rows;     /* distinct truth labels */
    size_t cols;     /* distinct predicted labels (after the noise mode is applied) */
    int64_t *a;      /* rows: items per truth label */
    int64_t *b;      /* cols: items per predicted label */
    size_t nnz;      /* non-zero cells */
    size_t *cell_row, *cell_col;
    int64_t *cell;   /* nnz counts, ordered by (row, col) */
} fc_contingency;

int fc_contingency_build(const int *truth, const int *pred, size_t n, fc_noise_mode mode, fc_contingency *c);
void fc_contingency_free(fc_contingency *c);

/* Single scores from a contingency table. */
double fc_score_ari(const fc_contingency *c);
double fc_score_mutual_info(const fc_contingency *c);
double fc_score_expected_mutual_info(const fc_contingency *c);
double fc_score_ami(const fc_contingency *c);
double fc_score_nmi(const fc_contingency *c);
void fc_score_hcv(const fc_contingency *c, double *homogeneity, double *completeness, double *v_measure);
double fc_score_fmi(const fc_contingency *c);
void fc_score_pairwise(const fc_contingency *c, double *precision, double *recall, double *f);
void fc_score_bcubed(const fc_contingency *c, double *precision, double *recall, double *f);
/* Entropy (natural log) of the row (which = 0) or column (which = 1) marginal, as sklearn's entropy(). */
double fc_score_entropy(const fc_contingency *c, int which);

/* Every score at once. The order of fields matches fc_score_list. */
typedef struct fc_scores {
    double ari, ami, nmi, homogeneity, completeness, v_measure, fmi;
    double pair_precision, pair_recall, pair_f;
    double bcubed_precision, bcubed_recall, bcubed_f;
    double k_true, k_found, noise_share, singleton_share;
} fc_scores;

#define FC_NUM_SCORES 17

typedef struct fc_score_info {
    const char *name;    /* short machine name, e.g. "ari" */
    const char *title;   /* column title for tables, e.g. "ARI" */
    const char *summary; /* one line */
} fc_score_info;

extern const fc_score_info fc_score_list[FC_NUM_SCORES];
/* Index of a score by name, or -1. */
int fc_score_index(const char *name);
/* The score at index i of s (same order as fc_score_list). */
static inline double fc_scores_get(const fc_scores *s, int i) { return ((const double *)s)[i]; }
static inline void fc_scores_set(fc_scores *s, int i, double v) { ((double *)s)[i] = v; }

/* Computes every score of pred against truth. `pred` noise is -1; truth may contain -1 too. */
int fc_score_all(const int *truth, const int *pred, size_t n, fc_noise_mode mode, fc_scores *out);

#endif
