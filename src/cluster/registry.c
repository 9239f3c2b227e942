/* registry.c — defaults, the method table and fc_cluster_run (see cluster.h). To add a method, declare
 * its run function in cluster.h and add one line to `methods`. */
#include "facecluster/cluster.h"
#include "facecluster/parallel.h"
#include "facecluster/estimate_k.h"
#include "facecluster/cluster_more.h"

#include <string.h>

void fc_cluster_params_init(fc_cluster_params *p)
{
    memset(p, 0, sizeof *p);
    p->k = 0;
    p->seed = 0;
    p->n_init = 10;
    p->max_iter = 300;
    p->tol = 1e-4;
    p->linkage = FC_LINK_WARD;
    p->distance_threshold = 0;
    p->affinity = FC_AFFINITY_RBF;
    p->gamma = 1.0;
    p->n_neighbors = 10;
    p->eps = 0.5;
    p->min_samples = 5;
    p->min_cluster_size = 5;
    p->bandwidth = 0;
    p->bin_seeding = 0;
    p->cluster_all = 1;
    p->ms_max_iter = 300;
    p->threshold = 0; /* per-method defaults, measured (cluster_more.h) */
    p->cw_iterations = 100;
}

static const fc_cluster_method methods[] = {
    {"kmeans", "k-means (k-means++ init, n_init 10, Lloyd with Elkan bounds)", 1, fc_kmeans},
    {"agglomerative", "agglomerative: ward|complete|average|single, cut by K or distance threshold", 1,
     fc_agglomerative},
    {"dbscan", "DBSCAN (eps, min_samples); -1 = noise", 0, fc_dbscan},
    {"meanshift", "mean-shift, flat kernel (bandwidth given or estimated)", 0, fc_meanshift},
    {"spectral", "spectral clustering (rbf or nearest_neighbors affinity, k-means on the embedding)", 1,
     fc_spectral},
    {"hdbscan", "HDBSCAN (min_cluster_size, min_samples, excess of mass); -1 = noise", 0, fc_hdbscan},
    {"graph", "connected components of the graph linking faces closer than --threshold", 0, fc_graph_cc},
    {"chinese_whispers", "Chinese whispers on the --threshold graph (dlib), --cw-iterations passes", 0,
     fc_chinese_whispers},
};

const fc_cluster_method *fc_cluster_methods(size_t *count)
{
    *count = sizeof methods / sizeof methods[0];
    return methods;
}

const fc_cluster_method *fc_cluster_find(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

static int cluster_run_impl(const fc_cluster_method *method, const fc_mat *X, const fc_cluster_params *p, int *labels,
                   int *k_used)
{
    if (k_used)
        *k_used = 0;
    if (!method)
        return fc_fail(FC_EARG, "cluster: no method given");
    if (X->rows == 0)
        return fc_fail(FC_EARG, "cluster: the embedding matrix has no rows");
    fc_cluster_params q = *p;
    /* Agglomerative cut by distance threshold needs no K. */
    int needs_k = method->needs_k && !(method->run == fc_agglomerative && q.distance_threshold > 0);
    if (needs_k) {
        if (q.k < 0)
            return fc_fail(FC_EARG, "cluster: K must be >= 1 (got %d)", q.k);
        if (q.k == 0) {
            int rc = fc_estimate_k(X, p, &q.k);
            if (rc)
                return rc;
        }
        if ((size_t)q.k > X->rows)
            return fc_fail(FC_EARG, "cluster: K = %d is larger than the number of rows (%zu)", q.k, X->rows);
        if (k_used)
            *k_used = q.k;
    }
    return method->run(X, &q, labels);
}

static uint64_t memory_limit;

void fc_cluster_set_memory_limit(uint64_t bytes) { memory_limit = bytes; }

uint64_t fc_cluster_memory_limit(void) { return memory_limit ? memory_limit : fc_physical_memory(); }

int fc_cluster_check_memory(const char *what, double bytes)
{
    double budget = (double)fc_cluster_memory_limit();
    if (bytes <= budget)
        return 0;
    return fc_fail(FC_ENOMEM, "%s: needs %.2f GB, more than the %.2f GB memory budget", what, bytes / 1e9,
                   budget / 1e9);
}

int fc_cluster_run(const fc_cluster_method *method, const fc_mat *X, const fc_cluster_params *p, int *labels,
                   int *k_used)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = cluster_run_impl(method, X, p, labels, k_used);
    fc_blas_serial_end(blas);
    return rc;
}
