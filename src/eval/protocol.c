/* protocol.c — fc_evaluate: every (job, run) pair clustered and scored, in parallel, then aggregated
 * (see protocol.h). */
#include "facecluster/protocol.h"
#include "facecluster/progress.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fc_eval_config_init(fc_eval_config *c)
{
    memset(c, 0, sizeof *c);
    c->runs = 30;
    c->fraction = 0.8;
    c->bootstrap = 0;
    c->seed = 0;
    c->noise = FC_NOISE_SINGLETONS;
    c->threads = 0;
    c->progress = 0;
}

int fc_eval_method_serial(const char *method)
{
    /* Methods whose solver keeps global state (ARPACK's Fortran SAVE variables, for one) must not run
     * two at once. None does today: spectral uses LAPACK's ?syevr, which is reentrant. */
    static const char *const serial[] = {NULL};
    for (size_t i = 0; serial[i]; i++)
        if (!strcmp(method, serial[i]))
            return 1;
    return 0;
}

typedef struct {
    const fc_mat *X;
    const int *truth;
    const fc_eval_job *jobs;
    const fc_eval_config *cfg;
    fc_eval_result *results;
    size_t m;           /* rows per subset */
    const size_t *sub;  /* runs × m row indices */
    const int *k_true;  /* per run */
    double *k_used;     /* njobs × runs */
    double *seconds;    /* njobs × runs */
    fc_progress *progress;
} eval_ctx;

static uint64_t run_seed(uint64_t seed, int run)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(run + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) & 0x7FFFFFFF; /* sklearn-style random_state range */
}

static void record_error(fc_eval_result *res, int run, const char *msg)
{
#pragma omp critical(fc_eval_error)
    if (!res->error[0])
        snprintf(res->error, sizeof res->error, "run %d: %s", run + 1, msg);
}

static void run_task(eval_ctx *c, size_t j, int r)
{
    const fc_eval_job *job = &c->jobs[j];
    fc_eval_result *res = &c->results[j];
    size_t m = c->m, slot = j * (size_t)c->cfg->runs + (size_t)r;
    const size_t *rows = c->sub + (size_t)r * m;
    double t0 = fc_now();
    fc_mat S = {0};
    int *truth = fc_malloc(m, sizeof *truth), *labels = fc_malloc(m, sizeof *labels);
    int rc = (truth && labels) ? fc_mat_take_rows(c->X, rows, m, &S) : FC_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < m; i++)
            truth[i] = c->truth[rows[i]];
        fc_cluster_params q = job->params;
        q.seed = run_seed(c->cfg->seed, r);
        q.k = job->k_mode == FC_K_TRUE ? c->k_true[r]
            : job->k_mode == FC_K_AUTO ? 0
            : (job->k_fixed > (int)m ? (int)m : job->k_fixed);
        int k_used = 0;
        rc = fc_cluster_run(job->method, &S, &q, labels, &k_used);
        if (!rc)
            rc = fc_score_all(truth, labels, m, c->cfg->noise, &res->per_run[r]);
        c->k_used[slot] = k_used;
    }
    if (rc)
        record_error(res, r, fc_last_error());
    else
        c->seconds[slot] = fc_now() - t0;
    fc_mat_free(&S);
    free(truth);
    free(labels);
    fc_progress_add(c->progress, 1);
}

static void aggregate(eval_ctx *c, size_t j)
{
    fc_eval_result *res = &c->results[j];
    int runs = c->cfg->runs, ok = 0;
    double ksum = 0, tsum = 0;
    for (int r = 0; r < runs; r++) {
        const fc_scores *s = &res->per_run[r];
        if (isnan(s->ari))
            continue;
        ok++;
        ksum += c->k_used[j * (size_t)runs + (size_t)r];
        tsum += c->seconds[j * (size_t)runs + (size_t)r];
        for (int i = 0; i < FC_NUM_SCORES; i++)
            fc_scores_set(&res->mean, i, fc_scores_get(&res->mean, i) + fc_scores_get(s, i));
    }
    res->runs = runs;
    res->runs_ok = ok;
    if (!ok) {
        for (int i = 0; i < FC_NUM_SCORES; i++) {
            fc_scores_set(&res->mean, i, NAN);
            fc_scores_set(&res->std2, i, NAN);
        }
        return;
    }
    for (int i = 0; i < FC_NUM_SCORES; i++)
        fc_scores_set(&res->mean, i, fc_scores_get(&res->mean, i) / ok);
    for (int i = 0; i < FC_NUM_SCORES; i++) {
        double mu = fc_scores_get(&res->mean, i), ss = 0;
        for (int r = 0; r < runs; r++) {
            double v = fc_scores_get(&res->per_run[r], i);
            if (!isnan(res->per_run[r].ari))
                ss += (v - mu) * (v - mu);
        }
        fc_scores_set(&res->std2, i, 2 * sqrt(ss / ok)); /* population std, as np.std */
    }
    res->k_used_mean = ksum / ok;
    res->seconds_mean = tsum / ok;
}

void fc_eval_results_free(fc_eval_result *results, size_t njobs)
{
    for (size_t j = 0; results && j < njobs; j++) {
        free(results[j].per_run);
        results[j].per_run = NULL;
    }
}

int fc_evaluate(const fc_mat *X, const int *truth, const fc_eval_job *jobs, size_t njobs,
                const fc_eval_config *cfg, fc_eval_result *results)
{
    size_t n = X->rows;
    if (n == 0)
        return fc_fail(FC_EARG, "evaluate: no rows");
    if (cfg->runs < 1)
        return fc_fail(FC_EARG, "evaluate: runs must be >= 1 (got %d)", cfg->runs);
    for (size_t j = 0; j < njobs; j++)
        if (!jobs[j].method)
            return fc_fail(FC_EARG, "evaluate: job %zu has no method", j);
    int runs = cfg->runs;
    size_t m = fc_subset_size(n, cfg->fraction), tasks = njobs * (size_t)runs;
    size_t *sub = fc_malloc((size_t)runs * m, sizeof *sub);
    int *k_true = fc_calloc((size_t)runs, sizeof *k_true);
    double *k_used = fc_calloc(tasks ? tasks : 1, sizeof(double));
    double *seconds = fc_calloc(tasks ? tasks : 1, sizeof(double));
    int rc = (sub && k_true && k_used && seconds) ? FC_OK : FC_ENOMEM;
    size_t max_id = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (truth[i] < 0)
            rc = fc_fail(FC_EARG, "evaluate: truth label of row %zu is negative", i);
        else if ((size_t)truth[i] > max_id)
            max_id = (size_t)truth[i];
    }
    /* Subsets and their true K, drawn once and shared by every job. */
    for (int r = 0; r < runs && !rc; r++) {
        rc = fc_draw_subset(n, cfg->fraction, cfg->bootstrap, cfg->seed, r, sub + (size_t)r * m);
        if (rc)
            break;
        unsigned char *mark = fc_calloc(max_id + 1, 1);
        if (!mark) {
            rc = FC_ENOMEM;
            break;
        }
        for (size_t i = 0; i < m; i++) {
            int id = truth[sub[(size_t)r * m + i]];
            k_true[r] += !mark[id];
            mark[id] = 1;
        }
        free(mark);
    }
    /* Protocols that still run but whose scores say little: say so once instead of reporting ARI 1.000. */
    int kmin = runs > 0 ? k_true[0] : 0;
    for (int r = 1; r < runs && !rc; r++)
        if (k_true[r] < kmin) kmin = k_true[r];
    if (!rc && (m < 10 || kmin < 2) && !(cfg->small_warned && *cfg->small_warned)) {
        if (cfg->small_warned)
            *cfg->small_warned = 1;
        fc_warn("evaluate: subsets have only %zu rows and as few as %d identities (fraction %g of %zu rows); "
                "scores on them mean little", m, kmin, cfg->fraction, n);
    }
    for (size_t j = 0; j < njobs && !rc; j++)
        if (jobs[j].k_mode == FC_K_FIXED && jobs[j].k_fixed > (int)m) {
            fc_warn("evaluate: K = %d is more than the %zu rows of a subset; using K = %zu", jobs[j].k_fixed, m, m);
            break;
        }
    for (size_t j = 0; j < njobs && !rc; j++) {
        memset(&results[j], 0, sizeof results[j]);
        results[j].per_run = fc_malloc((size_t)runs, sizeof(fc_scores));
        if (!results[j].per_run) {
            rc = FC_ENOMEM;
            break;
        }
        for (int r = 0; r < runs; r++)
            for (int i = 0; i < FC_NUM_SCORES; i++)
                fc_scores_set(&results[j].per_run[r], i, NAN);
    }
    if (rc) {
        free(sub);
        free(k_true);
        free(k_used);
        free(seconds);
        fc_eval_results_free(results, njobs);
        return rc == FC_ENOMEM ? fc_fail(FC_ENOMEM, "evaluate: out of memory") : rc;
    }
    eval_ctx c = {X, truth, jobs, cfg, results, m, sub, k_true, k_used, seconds, NULL};
    if (cfg->progress)
        c.progress = fc_progress_start("evaluate", tasks);

    /* Parallel part: every (job, run) of the thread-safe methods, one BLAS thread per OpenMP thread. */
    size_t *par = fc_malloc(tasks ? tasks : 1, sizeof *par), npar = 0;
    if (!par) {
        fc_progress_finish(c.progress);
        free(sub);
        free(k_true);
        free(k_used);
        free(seconds);
        fc_eval_results_free(results, njobs);
        return fc_fail(FC_ENOMEM, "evaluate: out of memory");
    }
    for (size_t t = 0; t < tasks; t++)
        if (!fc_eval_method_serial(jobs[t / (size_t)runs].method->name))
            par[npar++] = t;
    int threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
    if (threads > 1 && npar > 1) {
        int blas = openblas_get_num_threads();
        openblas_set_num_threads(1);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (size_t k = 0; k < npar; k++)
            run_task(&c, par[k] / (size_t)runs, (int)(par[k] % (size_t)runs));
        openblas_set_num_threads(blas);
    } else {
        for (size_t k = 0; k < npar; k++)
            run_task(&c, par[k] / (size_t)runs, (int)(par[k] % (size_t)runs));
    }
    /* Serial part: the methods that cannot run beside themselves, with BLAS threads. */
    for (size_t t = 0; t < tasks; t++)
        if (fc_eval_method_serial(jobs[t / (size_t)runs].method->name))
            run_task(&c, t / (size_t)runs, (int)(t % (size_t)runs));
    fc_progress_finish(c.progress);
    for (size_t j = 0; j < njobs; j++)
        aggregate(&c, j);
    free(par);
    free(sub);
    free(k_true);
    free(k_used);
    free(seconds);
    return FC_OK;
}
