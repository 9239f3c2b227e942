/* test_cluster_estimate_k.c — the silhouette score on a hand-computed case, the three K estimators on blobs
 * and on the small shared sets, argument handling.
 *
 * Also a helper for tests/parity/test_parity_estimate_k.py (not a test when called with arguments):
 *   test_cluster_estimate_k --silhouette E.npy labels.txt   prints the silhouette score
 *   test_cluster_estimate_k --eigvals E.npy M N_NEIGHBORS   prints the M smallest eigenvalues of the
 *                                                           normalised Laplacian of the kNN affinity */
#include "harness.h"
#include "cluster_testutil.h"
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"
#include "facecluster/estimate_k.h"

/* {0, 1} and {5, 6} on a line: s(0) = (5.5 - 1)/5.5, s(1) = (4.5 - 1)/4.5, the others mirror them. */
static void test_silhouette_hand(void)
{
    double v[] = {0, 1, 5, 6};
    fc_mat X = {4, 1, v};
    int l[] = {0, 0, 1, 1};
    double s;
    CHECK(fc_silhouette_score(&X, l, &s) == 0);
    CHECK_NEAR(s, (4.5 / 5.5 + 3.5 / 4.5) / 2, 1e-12);
    /* a singleton cluster scores 0: {0,1}, {5}, {6}: s(0) = (5-1)/5 (the nearest other cluster mean
     * distance is min(5, 6) = 5 -> (5-1)/5), s(1) = (4-1)/4, s(5) = s(6) = 0 */
    int l2[] = {0, 0, 1, 2};
    CHECK(fc_silhouette_score(&X, l2, &s) == 0);
    CHECK_NEAR(s, (4.0 / 5.0 + 3.0 / 4.0) / 4, 1e-12);
    int one[] = {0, 0, 0, 0}, all[] = {0, 1, 2, 3};
    CHECK(fc_silhouette_score(&X, one, &s) == FC_EARG);
    CHECK(fc_silhouette_score(&X, all, &s) == FC_EARG);
}

static void test_estimators_on_blobs(void)
{
    fc_mat X;
    int truth[360];
    tu_blobs(&X, truth, 6, 60, 8, 4.0, 0.3, 9); /* within ~1.2 apart, across ~5.7 */
    fc_cluster_params p;
    int k;
    for (int e = FC_KEST_COMPONENTS; e <= FC_KEST_SILHOUETTE; e++) {
        fc_cluster_params_init(&p);
        p.k_estimator = (fc_k_estimator)e;
        p.threshold = 3.0;
        p.k_max = 30;
        k = -1;
        CHECK(fc_estimate_k(&X, &p, &k) == 0);
        fprintf(stderr, "  blobs K=6: %s -> %d\n", fc_k_estimator_name((fc_k_estimator)e), k);
        CHECK(k == 6);
    }
    /* K estimated through the registry when k == 0 */
    fc_cluster_params_init(&p);
    p.threshold = 3.0;
    int l[360], k_used = 0;
    CHECK(fc_cluster_run(fc_cluster_find("kmeans"), &X, &p, l, &k_used) == 0);
    CHECK(k_used == 6);
    CHECK(tu_ari(l, truth, 360) > 0.99);
    fc_mat_free(&X);
}

static void test_names_and_args(void)
{
    CHECK(fc_k_estimator_parse("eigengap") == FC_KEST_EIGENGAP);
    CHECK(fc_k_estimator_parse("silhouette") == FC_KEST_SILHOUETTE);
    CHECK(fc_k_estimator_parse("components") == FC_KEST_COMPONENTS);
    CHECK(fc_k_estimator_parse("bogus") == -1);
    double v[] = {0, 1};
    fc_mat X = {2, 1, v}, E = {0, 1, NULL};
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    int k = 0;
    CHECK(fc_estimate_k(&E, &p, &k) == FC_EARG);
    p.k_estimator = FC_KEST_EIGENGAP; /* tiny inputs: 1 */
    CHECK(fc_estimate_k(&X, &p, &k) == 0 && k == 1);
    p.k_estimator = (fc_k_estimator)99;
    CHECK(fc_estimate_k(&X, &p, &k) == FC_EARG);
}

static void test_real_sets(void)
{
    static const char *sets[] = {"personal", "yale", "orl"};
    int any = 0;
    for (int s = 0; s < 3; s++) {
        fc_mat X;
        int *truth, kt, k;
        if (!tu_load_set(sets[s], &X, &truth, &kt))
            continue;
        any = 1;
        fc_cluster_params p;
        fc_cluster_params_init(&p);
        CHECK(fc_estimate_k(&X, &p, &k) == 0); /* the default: components at 0.9 */
        fprintf(stderr, "  %s: true K %d, components %d\n", sets[s], kt, k);
        CHECK(abs(k - kt) <= 1 + kt / 20); /* measured: 19/19, 15/15, 39/40 */
        free(truth);
        fc_mat_free(&X);
    }
    if (!any)
        SKIP("skipped: %s/embeddings/{personal,yale,orl} not found", th_shared());
}

static int helper(int argc, char **argv)
{
    fc_mat X;
    if (argc >= 4 && !strcmp(argv[1], "--silhouette")) {
        int *l;
        size_t n;
        double s;
        if (fc_npy_read_matrix(argv[2], &X) || fc_pred_read(argv[3], &l, &n) || n != X.rows ||
            fc_silhouette_score(&X, l, &s)) {
            fprintf(stderr, "error: %s\n", fc_last_error());
            return 3;
        }
        printf("%.17g\n", s);
        free(l);
        fc_mat_free(&X);
        return 0;
    }
    if (argc >= 5 && !strcmp(argv[1], "--eigvals")) {
        int m = atoi(argv[3]);
        fc_cluster_params p;
        fc_cluster_params_init(&p);
        p.affinity = FC_AFFINITY_KNN;
        p.n_neighbors = atoi(argv[4]);
        fc_mat A;
        double *ev = malloc((size_t)m * sizeof(double));
        if (fc_npy_read_matrix(argv[2], &X) || fc_affinity_matrix(&X, &p, &A) ||
            fc_spectral_embedding(&A, m, 0, NULL, ev)) {
            fprintf(stderr, "error: %s\n", fc_last_error());
            return 3;
        }
        for (int i = 0; i < m; i++)
            printf("%.17g\n", ev[i]);
        free(ev);
        fc_mat_free(&A);
        fc_mat_free(&X);
        return 0;
    }
    fprintf(stderr, "usage: %s [--silhouette E.npy L.txt | --eigvals E.npy M N_NEIGHBORS]\n", argv[0]);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return helper(argc, argv);
    RUN(test_silhouette_hand);
    RUN(test_estimators_on_blobs);
    RUN(test_names_and_args);
    RUN(test_real_sets);
    return th_fail ? 1 : 0;
}
