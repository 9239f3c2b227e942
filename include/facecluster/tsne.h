/* tsne.h — t-SNE maps of an embedding matrix (scikit-learn 1.2 TSNE semantics), into 2 dimensions.
 *
 * Contract:
 *  - fc_tsne(X, params, Y, info) fills Y (N×2, owned by the caller afterwards) with the map of X's rows.
 *    Defaults (fc_tsne_defaults) are sklearn 1.2.1's: perplexity 30, early exaggeration 12 for the first
 *    250 iterations (momentum 0.5), then momentum 0.8 up to 1000 iterations; learning rate 'auto'
 *    = max(N / early_exaggeration / 4, 50); gains (+0.2 / ×0.8, at least 0.01); Student-t with one degree
 *    of freedom; PCA initialisation scaled to std(first column) = 1e-4; the same stopping rules
 *    (checked every 50 iterations: no progress for 300 iterations, or gradient norm ≤ 1e-7).
 *  - Input similarities: squared Euclidean distances; each row's Gaussian bandwidth is found by binary
 *    search until the row's entropy is within 1e-5 nats of log(perplexity). Exact mode uses every other
 *    point (dense P, exact O(N²) gradient); Barnes-Hut mode uses the floor(3·perplexity + 1) nearest
 *    neighbours (sparse symmetric P) and a quadtree with the given angle for the repulsive forces.
 *    FC_TSNE_AUTO picks exact below `exact_below` points (default 1000), Barnes-Hut above.
 *  - perplexity must be < N (as sklearn requires): otherwise FC_EARG with a message saying so.
 *  - Deterministic: the same input and seed give the same map, whatever the number of OpenMP threads
 *    (sums over points are reduced in a fixed order). The seed only matters for init = random.
 *  - info (may be NULL) receives the final KL divergence (computed as sklearn does at the last
 *    iteration: exact, or the Barnes-Hut estimate), the iterations run and the mode used.
 *  - Lower-level pieces are exposed for tests: the perplexity search and the exact KL gradient.
 */
#ifndef FACECLUSTER_TSNE_H
#define FACECLUSTER_TSNE_H

#include "facecluster/core.h"

enum { FC_TSNE_AUTO = 0, FC_TSNE_EXACT = 1, FC_TSNE_BARNES_HUT = 2 };
enum { FC_TSNE_INIT_PCA = 0, FC_TSNE_INIT_RANDOM = 1, FC_TSNE_INIT_GIVEN = 2 };

typedef struct fc_tsne_params {
    double perplexity;         /* 30 */
    double early_exaggeration; /* 12 */
    double learning_rate;      /* <= 0: 'auto' */
    int n_iter;                /* 1000 (at least 250) */
    double angle;              /* 0.5, Barnes-Hut only */
    int method;                /* FC_TSNE_AUTO / EXACT / BARNES_HUT */
    size_t exact_below;        /* AUTO uses exact when N < this (1000) */
    int init;                  /* FC_TSNE_INIT_PCA */
    const double *init_y;      /* FC_TSNE_INIT_GIVEN: the N×2 starting map (used as is) */
    uint64_t seed;             /* 0 */
    int progress;              /* 1: report progress through fc_progress */
} fc_tsne_params;

typedef struct fc_tsne_info {
    double kl;      /* final KL divergence */
    int n_iter;     /* iterations run */
    int exact;      /* 1 if the exact gradient was used */
    double seconds; /* wall time */
} fc_tsne_info;

void fc_tsne_defaults(fc_tsne_params *p);
int fc_tsne(const fc_mat *X, const fc_tsne_params *p, fc_mat *Y, fc_tsne_info *info);

/* Conditional probabilities of `rows` rows with `k` candidate neighbours each: sqdist[r*k + c] is the
 * squared distance from row r to its c-th candidate (self excluded). Writes P[r*k + c] (each row sums to 1)
 * and, if beta is not NULL, the precision beta = 1/(2 sigma²) found per row. Returns the mean sigma. */
double fc_tsne_conditional_p(const double *sqdist, size_t rows, size_t k, double perplexity, double *P,
                             double *beta);

/* Exact KL divergence of the joint N×N matrix P (sums to 1, zero diagonal) from the Student-t Q of the
 * N×2 map Y, and its gradient (N×2) into grad when grad is not NULL. */
double fc_tsne_kl_exact(const double *P, const double *Y, size_t n, double *grad);

#endif
