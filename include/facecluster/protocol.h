/* protocol.h — the repeated-subsample evaluation protocol of the paper, and parameter sweeps.
 *
 * Contract:
 *  - A run draws a subset of the N rows: m = floor(fraction·N) rows (at least 1) chosen without
 *    replacement, or, with `bootstrap`, m row indices drawn uniformly with replacement (numpy's
 *    np.random.choice(N, m) as in the paper: duplicated rows stay in the subset and are clustered as
 *    they are). The subset of run r depends only on (seed, r, N, fraction, bootstrap), so every method
 *    and parameter value sees the same R subsets (paired comparison) and results repeat for a seed.
 *  - Each (job, run) clusters the subset with the job's method, giving K-based methods the true K of the
 *    subset (FC_K_TRUE), the automatic estimate (FC_K_AUTO) or a fixed K (FC_K_FIXED; capped at m), and
 *    scores it against the subset's truth with fc_score_all. The method's seed for run r is derived from
 *    (seed, r).
 *  - Results per job: mean and 2·std (population std, as np.std) over the runs that succeeded, the mean K
 *    given, the mean clustering time; a run that fails is left out and its first message kept.
 *  - Work runs in parallel over (job, run) pairs with OpenMP (cfg.threads, 0 = OpenMP's default) with
 *    OpenBLAS held at one thread meanwhile, so the cores are never oversubscribed; methods listed by
 *    fc_eval_method_serial (shared solver state, e.g. ARPACK; none today) run one run at a time with BLAS
 *    threads instead. The library never prints except through fc_progress (cfg.progress).
 *  - Sweeps: "NAME=A:B:STEP" (inclusive range) or "NAME=V1,V2,..." over a cluster parameter (see
 *    fc_param_set for the names); a sweep applies to the methods that use the parameter
 *    (fc_param_applies).
 */
#ifndef FACECLUSTER_PROTOCOL_H
#define FACECLUSTER_PROTOCOL_H

#include "facecluster/cluster.h"
#include "facecluster/metrics.h"

typedef enum { FC_K_TRUE = 0, FC_K_AUTO, FC_K_FIXED } fc_k_mode;

typedef struct fc_eval_config {
    int runs;            /* 30 */
    double fraction;     /* 0.8, in (0, 1] (bootstrap: any > 0) */
    int bootstrap;       /* 0 */
    uint64_t seed;       /* 0 */
    fc_noise_mode noise; /* FC_NOISE_SINGLETONS */
    int threads;         /* 0 = OpenMP default; 1 = serial, BLAS threads free */
    int progress;        /* 1 = report progress through fc_progress */
    int *small_warned;   /* NULL, or a flag shared by calls on the same data: the "subsets have only N rows"
                            warning is printed only while it is 0, and sets it */
} fc_eval_config;

void fc_eval_config_init(fc_eval_config *c);

/* Rows in a subset of N at `fraction`. */
size_t fc_subset_size(size_t n, double fraction);
/* Writes run r's fc_subset_size(n, fraction) row indices to idx (sorted ascending when drawn without
 * replacement; in draw order with bootstrap). */
int fc_draw_subset(size_t n, double fraction, int bootstrap, uint64_t seed, int run, size_t *idx);

/* One setting to evaluate: a method with its parameters and how K is chosen. */
typedef struct fc_eval_job {
    const fc_cluster_method *method;
    fc_cluster_params params;
    fc_k_mode k_mode;
    int k_fixed;           /* FC_K_FIXED */
    char sweep_name[32];   /* swept parameter ("" if none) */
    double sweep_value;
} fc_eval_job;

typedef struct fc_eval_result {
    int runs;              /* runs attempted */
    int runs_ok;           /* runs that finished */
    fc_scores mean, std2;  /* over the runs that finished; 2·population std */
    fc_scores *per_run;    /* `runs` entries (NaN for failed runs) */
    double k_used_mean;    /* mean K given to the method; 0 for methods without K */
    double seconds_mean;   /* mean wall time per run (clustering + scoring) */
    char error[256];       /* first failure, "" if none */
} fc_eval_result;

/* Evaluates every job over cfg->runs subsets. truth: N ids >= 0. results: njobs entries, filled in
 * (free with fc_eval_results_free). Returns 0 even when some runs failed (see runs_ok, error); a
 * negative code only for bad arguments or no memory. */
int fc_evaluate(const fc_mat *X, const int *truth, const fc_eval_job *jobs, size_t njobs,
                const fc_eval_config *cfg, fc_eval_result *results);
void fc_eval_results_free(fc_eval_result *results, size_t njobs);

/* 1 when the method must not run concurrently with itself (shared solver state). */
int fc_eval_method_serial(const char *method);

/* A short human description of a job's settings, e.g. "eps=0.8 min_samples=1" or "ward, K=true". */
void fc_eval_job_describe(const fc_eval_job *job, char *buf, size_t len);

/* ---- sweeps ---- */
typedef struct fc_sweep {
    char name[32];
    size_t count;
    double *values;
} fc_sweep;

int fc_sweep_parse(const char *spec, fc_sweep *out);
void fc_sweep_free(fc_sweep *s);

/* Sets a cluster parameter by name: eps, min_samples, bandwidth, threshold, gamma, n_neighbors,
 * min_cluster_size, distance_threshold (k is handled by the job: FC_K_FIXED). FC_EARG for an unknown
 * name or an out-of-range value. */
int fc_param_set(fc_eval_job *job, const char *name, double value);
/* 1 when `param` affects method `method` (e.g. eps → dbscan, bandwidth → meanshift, k → K-based methods). */
int fc_param_applies(const fc_cluster_method *method, const char *param);

#endif
