/* study.h — the paper's protocol on one dataset, as `facecluster analyze` runs it: which jobs, run in
 * groups through fc_evaluate, each finished group cached on disk so an interrupted study resumes.
 *
 * Contract:
 *  - The jobs (fc_study_build_jobs), in this order: k-means, agglomerative (ward) and spectral (rbf) with
 *    the true K; the same three with the automatic K (cfg.auto_k); DBSCAN (min_samples 1) over eps and
 *    mean-shift over bandwidth, both swept from sweep_lo to sweep_hi by sweep_step; then, with
 *    cfg.beyond, HDBSCAN, the threshold graph and Chinese whispers at their defaults. A "group" is one
 *    method with one K mode and all its sweep values; groups are the unit of caching and of progress.
 *  - Datasets with more than cfg.large_n rows use cfg.large_runs runs (when both > 0) for the methods in
 *    cfg.large_slow (comma-separated; empty = every method) and leave out the settings listed in
 *    cfg.large_skip ("spectral" = both K modes, "spectral@auto" = only the automatic K), so a full study
 *    on a big set fits a time budget; each result keeps the runs it actually used (results[j].runs).
 *  - Cache: with cfg.cache_dir, each finished group is written to cache_dir/<group>-<hash>.tsv, where the
 *    hash covers the data (rows, dimension, a checksum of the embeddings and truth) and the protocol
 *    (runs, fraction, bootstrap, seed, the group's job settings). With cfg.resume, a group whose file
 *    exists is read back instead of re-run (per-run scores are not cached: results[j].per_run is NULL).
 *  - fc_study_best: the job with the highest mean ARI among those of one method and K mode (ties: the
 *    first, i.e. the smallest parameter value), or -1.
 *  - Never prints except through fc_progress; cfg.note (if set) is told about every group.
 */
#ifndef FACECLUSTER_STUDY_H
#define FACECLUSTER_STUDY_H

#include "facecluster/dataset.h"
#include "facecluster/protocol.h"

typedef struct fc_study_config {
    int runs;            /* 30 */
    double fraction;     /* 0.8 */
    int bootstrap;       /* 0 */
    uint64_t seed;       /* 0 */
    int threads;         /* 0 = all cores */
    double sweep_lo, sweep_hi, sweep_step; /* 0.1, 1.4, 0.1 */
    int auto_k;          /* 1 */
    int beyond;          /* 1 */
    size_t large_n;      /* 0 = no special treatment */
    int large_runs;      /* runs for datasets with more than large_n rows */
    char large_slow[128];/* methods that get large_runs there ("" = all) */
    char large_skip[128];/* settings left out on those datasets */
    const char *cache_dir; /* NULL = no cache */
    int resume;          /* reuse cached groups */
    int progress;        /* 1: fc_progress bars of the protocol */
    /* Called once per group before it runs (or is reused), for a progress line; may be NULL. */
    void (*note)(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void *note_ctx;
} fc_study_config;

void fc_study_config_init(fc_study_config *c);

typedef struct fc_study {
    fc_eval_job *jobs;
    fc_eval_result *results;
    size_t njobs;
    fc_eval_config eval;   /* what was used (some groups may have used large_runs: see results[j].runs) */
    size_t groups, groups_cached;
    double seconds;        /* wall time of this dataset's protocol (cached groups count their stored time) */
} fc_study;

int fc_study_build_jobs(const fc_study_config *c, size_t n_rows, fc_eval_job **jobs, size_t *njobs);
int fc_study_run(const fc_dataset *d, const fc_study_config *c, fc_study *out);
void fc_study_free(fc_study *s);
/* 64-bit FNV-1a checksum of a matrix (rows, columns, then the values): the data part of the cache key, also
 * what lets a caller tell whether a stored result (e.g. a t-SNE map) was made from the same embeddings. */
uint64_t fc_study_matrix_hash(const fc_mat *X);
long fc_study_best(const fc_study *s, const char *method, fc_k_mode k_mode);

#endif
