/* bench_estimate_k.c — how close each automatic-K estimator gets to the true number of identities on the
 * shared embedding sets. Usage: bench_estimate_k [set ...] (default: personal yale orl lfw3).
 * Prints one table row per (set, estimator, setting): estimated K, true K, relative error, seconds. */
#include "facecluster/cluster.h"
#include "facecluster/estimate_k.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *shared(void)
{
    const char *s = getenv("FC_SHARED");
    return s ? s : "../shared";
}

static void row(const char *set, const char *name, const char *setting, int k, int truth, double secs)
{
    printf("| %-8s | %-10s | %-16s | %6d | %6d | %+6.1f %% | %7.2f |\n", set, name, setting, k, truth,
           100.0 * (k - truth) / truth, secs);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *def[] = {"personal", "yale", "orl", "lfw3"};
    const char **sets = argc > 1 ? (const char **)argv + 1 : def;
    int nsets = argc > 1 ? argc - 1 : 4;
    fc_set_quiet(1);
    printf("| set      | estimator  | setting          |  K est | K true |  error   | seconds |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (int s = 0; s < nsets; s++) {
        char pe[512], pt[512];
        snprintf(pe, sizeof pe, "%s/embeddings/%s/emb.npy", shared(), sets[s]);
        snprintf(pt, sizeof pt, "%s/embeddings/%s/truth.txt", shared(), sets[s]);
        fc_mat X;
        fc_truth t;
        if (fc_npy_read_matrix(pe, &X) || fc_truth_read(pt, 0, 0, &t)) {
            printf("| %s | skipped: %s not found |\n", sets[s], pe);
            continue;
        }
        fc_mat_l2_normalize_rows(&X);
        int truth = (int)t.k, k;
        fc_cluster_params p;
        char setting[64];
        static const double thr[] = {0.7, 0.8, 0.9, 1.0, 1.1};
        for (int i = 0; i < 5; i++) {
            fc_cluster_params_init(&p);
            p.k_estimator = FC_KEST_COMPONENTS;
            p.threshold = thr[i];
            double t0 = fc_now();
            if (fc_estimate_k(&X, &p, &k) == 0) {
                snprintf(setting, sizeof setting, "threshold %.1f", thr[i]);
                row(sets[s], "components", setting, k, truth, fc_now() - t0);
            }
        }
        static const int nn[] = {5, 10};
        for (int i = 0; i < 2; i++) {
            fc_cluster_params_init(&p);
            p.k_estimator = FC_KEST_EIGENGAP;
            p.n_neighbors = nn[i];
            double t0 = fc_now();
            if (fc_estimate_k(&X, &p, &k) == 0) {
                snprintf(setting, sizeof setting, "n_neighbors %d", nn[i]);
                row(sets[s], "eigengap", setting, k, truth, fc_now() - t0);
            } else
                printf("| %s | eigengap | error: %s |\n", sets[s], fc_last_error());
        }
        fc_cluster_params_init(&p);
        p.k_estimator = FC_KEST_SILHOUETTE;
        double t0 = fc_now();
        if (fc_estimate_k(&X, &p, &k) == 0)
            row(sets[s], "silhouette", "k-means, seed 0", k, truth, fc_now() - t0);
        else
            printf("| %s | silhouette | error: %s |\n", sets[s], fc_last_error());
        fc_truth_free(&t);
        fc_mat_free(&X);
    }
    return 0;
}
