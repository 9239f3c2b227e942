/* cluster.h — every clustering method behind one interface.
 *
 * Contract:
 *  - Input: an N×D matrix X (rows are usually L2-normalised face embeddings) and a parameter block.
 *    Output: N labels, 0..K-1 for clusters and -1 for noise (DBSCAN, HDBSCAN, mean-shift with
 *    cluster_all = 0). Label numbering is arbitrary; compare partitions up to relabelling.
 *  - Semantics and defaults follow scikit-learn 1.2 where sklearn has the method; fc_cluster_params_init
 *    sets those defaults. Results are deterministic for a given params.seed.
 *  - Methods that need K (`needs_k`) estimate it with fc_estimate_k when params.k == 0 (fc_cluster_run;
 *    agglomerative with distance_threshold > 0 needs no K). Calling a method's function directly
 *    requires a valid K.
 *  - Methods never print; they return FC_* codes with fc_last_error() set (e.g. FC_ENOMEM when an
 *    O(N^2) structure would not fit in the machine's memory, with the size named).
 */
#ifndef FACECLUSTER_CLUSTER_H
#define FACECLUSTER_CLUSTER_H

#include "facecluster/core.h"

typedef enum { FC_LINK_WARD = 0, FC_LINK_COMPLETE, FC_LINK_AVERAGE, FC_LINK_SINGLE } fc_linkage;
typedef enum { FC_AFFINITY_RBF = 0, FC_AFFINITY_KNN } fc_affinity;
/* How K is estimated when params.k == 0 (src/cluster/estimate_k.c; README has the measured accuracy). */
typedef enum { FC_KEST_DEFAULT = 0, FC_KEST_COMPONENTS, FC_KEST_EIGENGAP, FC_KEST_SILHOUETTE } fc_k_estimator;

typedef struct fc_cluster_params {
    int k;                     /* clusters wanted (K-based methods); 0 = estimate automatically */
    uint64_t seed;             /* random_state */
    /* k-means (also the label assignment step of spectral) */
    int n_init;                /* 10 */
    int max_iter;              /* 300 */
    double tol;                /* 1e-4, scaled by the mean per-feature variance as in sklearn */
    /* agglomerative */
    fc_linkage linkage;        /* ward */
    double distance_threshold; /* > 0: cut the tree at this height instead of at K (merges with distance
                                  < threshold are kept, as sklearn); 0 = unused */
    /* spectral */
    fc_affinity affinity;      /* rbf */
    double gamma;              /* 1.0 */
    int n_neighbors;           /* 10 (knn affinity) */
    /* DBSCAN / HDBSCAN */
    double eps;                /* 0.5 */
    int min_samples;           /* 5 */
    int min_cluster_size;      /* 5 (HDBSCAN) */
    /* mean-shift */
    double bandwidth;          /* 0 = estimate like sklearn.cluster.estimate_bandwidth (quantile 0.3) */
    int bin_seeding;           /* 0 */
    int cluster_all;           /* 1 */
    int ms_max_iter;           /* 300 */
    /* threshold graph, Chinese whispers */
    double threshold;          /* Euclidean distance below which two faces are linked; 0 = the method's
                                  default (FC_GRAPH_THRESHOLD, FC_CW_THRESHOLD, FC_KEST_THRESHOLD) */
    int cw_iterations;         /* 100 */
    /* automatic K */
    fc_k_estimator k_estimator; /* FC_KEST_DEFAULT = components of the threshold graph */
    int k_max;                  /* eigengap / silhouette search up to this K; 0 = automatic */
} fc_cluster_params;

void fc_cluster_params_init(fc_cluster_params *p);

typedef struct fc_cluster_method {
    const char *name;    /* as given to --method */
    const char *summary; /* one line for --help */
    int needs_k;         /* 1 if K must be given or estimated */
    int (*run)(const fc_mat *X, const fc_cluster_params *p, int *labels);
} fc_cluster_method;

/* The registry of methods (src/cluster/registry.c). */
const fc_cluster_method *fc_cluster_methods(size_t *count);
const fc_cluster_method *fc_cluster_find(const char *name);

/* Runs `method` on X; when the method needs K and p->k == 0 the estimate is used.
 * `k_used` (may be NULL) receives the K actually used (0 for methods without K). */
int fc_cluster_run(const fc_cluster_method *method, const fc_mat *X, const fc_cluster_params *p, int *labels,
                   int *k_used);

/* Memory budget for O(N^2) structures: methods compare the bytes they would allocate with this and
 * refuse with FC_ENOMEM (naming the size) when it is exceeded. Default (0) = the machine's physical
 * memory; tests lower it to exercise the refusal path. Process-wide, not thread-safe to change. */
void fc_cluster_set_memory_limit(uint64_t bytes);
uint64_t fc_cluster_memory_limit(void);
/* Returns 0 when `bytes` fits in the budget, else FC_ENOMEM with "what: needs X GB, budget Y GB". */
int fc_cluster_check_memory(const char *what, double bytes);

/* The methods (one file each); also reachable through the registry. */
int fc_dbscan(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_agglomerative(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_kmeans(const fc_mat *X, const fc_cluster_params *p, int *labels);
int fc_meanshift(const fc_mat *X, const fc_cluster_params *p, int *labels);
/* sklearn.cluster.estimate_bandwidth(X, quantile) over all samples: the mean over rows of the distance to
 * the int(N*quantile)-th nearest row (the row itself counting as the first). */
int fc_estimate_bandwidth(const fc_mat *X, double quantile, double *bandwidth);

#endif
