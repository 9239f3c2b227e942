/* test_cluster_methods.c — hand-made cases for the clustering registry, DBSCAN, agglomerative, k-means
 * and mean-shift: defaults, border points, N = 1, K = N, duplicates, the memory refusal path. */
#include "harness.h"
#include "facecluster/cluster.h"
#include "facecluster/distance.h"
#include "facecluster/estimate_k.h"
#include "facecluster/rng.h"

static fc_mat col(const double *v, size_t n)
{
    fc_mat m;
    fc_mat_alloc(&m, n, 1);
    for (size_t i = 0; i < n; i++)
        m.data[i] = v[i];
    return m;
}

/* 1 when a and b put every pair of items together/apart alike (noise must match exactly). */
static int same_partition(const int *a, const int *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((a[i] == -1) != (b[i] == -1))
            return 0;
        for (size_t j = 0; j < n; j++)
            if (a[i] != -1 && a[j] != -1 && ((a[i] == a[j]) != (b[i] == b[j])))
                return 0;
    }
    return 1;
}

static void test_defaults_and_registry(void)
{
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    CHECK(p.k == 0 && p.n_init == 10 && p.max_iter == 300);
    CHECK_NEAR(p.tol, 1e-4, 0);
    CHECK(p.linkage == FC_LINK_WARD && p.distance_threshold == 0);
    CHECK_NEAR(p.eps, 0.5, 0);
    CHECK(p.min_samples == 5 && p.bandwidth == 0 && p.bin_seeding == 0 && p.cluster_all == 1);
    CHECK(p.ms_max_iter == 300);
    size_t n;
    const fc_cluster_method *m = fc_cluster_methods(&n);
    CHECK(n >= 4 && m != NULL);
    const char *names[] = {"kmeans", "agglomerative", "dbscan", "meanshift"};
    for (int i = 0; i < 4; i++)
        CHECK(fc_cluster_find(names[i]) != NULL);
    CHECK(fc_cluster_find("nope") == NULL);
    CHECK(fc_cluster_find("kmeans")->needs_k == 1 && fc_cluster_find("dbscan")->needs_k == 0);
}

/* A border point within eps of core points of two clusters joins the cluster started first (lower
 * index), as sklearn's dbscan_inner does; isolated points are noise. */
static void test_dbscan_border_and_noise(void)
{
    double b_first[] = {3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 0, 0.2, 0.4, 0.6, 0.8, 1.0, 2.0, 10.0};
    double a_first[] = {0, 0.2, 0.4, 0.6, 0.8, 1.0, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 2.0, 10.0};
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.eps = 1.05;
    p.min_samples = 4;
    int lab[14];
    fc_mat X = col(b_first, 14);
    CHECK(fc_dbscan(&X, &p, lab) == 0);
    CHECK(lab[0] == 0 && lab[5] == 0 && lab[6] == 1 && lab[11] == 1);
    CHECK(lab[12] == lab[0]); /* border goes to the first-started cluster */
    CHECK(lab[13] == -1);
    fc_mat_free(&X);
    X = col(a_first, 14);
    CHECK(fc_dbscan(&X, &p, lab) == 0);
    CHECK(lab[12] == lab[0] && lab[12] != lab[6]);
    CHECK(lab[13] == -1);
    p.min_samples = 1; /* every point core: border point now links the two groups */
    CHECK(fc_dbscan(&X, &p, lab) == 0);
    CHECK(lab[0] == lab[6] && lab[13] != lab[0] && lab[13] >= 0);
    p.eps = 0;
    CHECK(fc_dbscan(&X, &p, lab) == FC_EARG);
    fc_mat_free(&X);
}

static void test_dbscan_single_and_duplicates(void)
{
    double one[] = {0.5}, dup[] = {1, 1, 1, 1, 1, 7};
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    int lab[6];
    fc_mat X = col(one, 1);
    p.min_samples = 1;
    CHECK(fc_dbscan(&X, &p, lab) == 0 && lab[0] == 0);
    p.min_samples = 5;
    CHECK(fc_dbscan(&X, &p, lab) == 0 && lab[0] == -1);
    fc_mat_free(&X);
    X = col(dup, 6); /* five duplicates are exactly min_samples = 5 (self included) */
    CHECK(fc_dbscan(&X, &p, lab) == 0);
    CHECK(lab[0] == 0 && lab[4] == 0 && lab[5] == -1);
    fc_mat_free(&X);
}

static void test_agglomerative_hand(void)
{
    double v[] = {0, 1, 5, 6, 20};
    int want3[] = {0, 0, 1, 1, 2}, lab[5];
    fc_mat X = col(v, 5);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    for (int l = FC_LINK_WARD; l <= FC_LINK_SINGLE; l++) {
        p.linkage = (fc_linkage)l;
        p.distance_threshold = 0;
        p.k = 3;
        CHECK(fc_agglomerative(&X, &p, lab) == 0);
        CHECK(same_partition(lab, want3, 5));
        p.k = 5; /* K = N: all singletons */
        CHECK(fc_agglomerative(&X, &p, lab) == 0);
        CHECK(lab[0] != lab[1] && lab[1] != lab[2] && lab[3] != lab[4] && lab[0] != lab[4]);
        p.k = 1;
        CHECK(fc_agglomerative(&X, &p, lab) == 0);
        CHECK(lab[0] == lab[4] && lab[1] == lab[2]);
        /* threshold 1.0: the merges at distance exactly 1 are not below it -> all apart */
        p.distance_threshold = 1.0;
        CHECK(fc_agglomerative(&X, &p, lab) == 0);
        CHECK(lab[0] != lab[1] && lab[2] != lab[3]);
        p.distance_threshold = 1.5;
        CHECK(fc_agglomerative(&X, &p, lab) == 0);
        CHECK(same_partition(lab, want3, 5));
    }
    fc_mat_free(&X);
    double dup[] = {2, 2, 2, 9, 9};
    int wd[] = {0, 0, 0, 1, 1};
    X = col(dup, 5);
    p.distance_threshold = 0;
    p.k = 2;
    for (int l = FC_LINK_WARD; l <= FC_LINK_SINGLE; l++) {
        p.linkage = (fc_linkage)l;
        CHECK(fc_agglomerative(&X, &p, lab) == 0 && same_partition(lab, wd, 5));
    }
    fc_mat_free(&X);
    double one[] = {3};
    X = col(one, 1);
    p.k = 1;
    CHECK(fc_agglomerative(&X, &p, lab) == 0 && lab[0] == 0);
    fc_mat_free(&X);
}

/* The N×N matrix of ward/complete/average is refused against the budget with its size named; single
 * linkage (Prim, O(N) memory) still runs. */
static void test_memory_refusal(void)
{
    fc_mat X;
    fc_mat_alloc(&X, 200, 3);
    for (size_t i = 0; i < 600; i++)
        X.data[i] = (double)((i * 7919) % 101) / 10.0;
    int lab[200];
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.k = 4;
    fc_cluster_set_memory_limit(100000); /* 200² doubles = 320 kB */
    CHECK(fc_agglomerative(&X, &p, lab) == FC_ENOMEM);
    CHECK(strstr(fc_last_error(), "GB") != NULL && strstr(fc_last_error(), "200 x 200") != NULL);
    p.linkage = FC_LINK_SINGLE;
    CHECK(fc_agglomerative(&X, &p, lab) == 0);
    fc_cluster_set_memory_limit(0);
    CHECK(fc_cluster_memory_limit() > 100000);
    p.linkage = FC_LINK_AVERAGE;
    CHECK(fc_agglomerative(&X, &p, lab) == 0);
    fc_mat_free(&X);
}

static void test_kmeans_hand(void)
{
    fc_mat X;
    fc_mat_alloc(&X, 30, 2);
    int truth[30], lab[30];
    for (int i = 0; i < 30; i++) {
        int g = i % 3;
        truth[i] = g;
        X.data[2 * i] = g * 10.0 + 0.1 * (i % 5);
        X.data[2 * i + 1] = (g == 2 ? 10.0 : 0.0) + 0.1 * (i % 7);
    }
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.k = 3;
    for (uint64_t s = 0; s < 4; s++) {
        p.seed = s;
        CHECK(fc_kmeans(&X, &p, lab) == 0);
        CHECK(same_partition(lab, truth, 30));
    }
    p.k = 30; /* K = N: every point alone */
    CHECK(fc_kmeans(&X, &p, lab) == 0);
    int alone = 1;
    for (int i = 0; i < 30; i++)
        for (int j = i + 1; j < 30; j++)
            alone &= lab[i] != lab[j];
    CHECK(alone);
    p.k = 31;
    CHECK(fc_kmeans(&X, &p, lab) == FC_EARG);
    fc_mat_free(&X);
    double dup[] = {4, 4, 4, 4, -4, -4, -4, -4};
    int wd[] = {0, 0, 0, 0, 1, 1, 1, 1};
    X = col(dup, 8);
    p.k = 2;
    CHECK(fc_kmeans(&X, &p, lab) == 0 && same_partition(lab, wd, 8));
    fc_mat_free(&X);
    double one[] = {1};
    X = col(one, 1);
    p.k = 1;
    CHECK(fc_kmeans(&X, &p, lab) == 0 && lab[0] == 0);
    fc_mat_free(&X);
}

static void test_meanshift_hand(void)
{
    double v[] = {0, 0.1, 0.2, 5, 5.1, 5.2, 5.3};
    int want[] = {0, 0, 0, 1, 1, 1, 1}, lab[7];
    fc_mat X = col(v, 7);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.bandwidth = 1.0;
    CHECK(fc_meanshift(&X, &p, lab) == 0 && same_partition(lab, want, 7));
    CHECK(lab[3] == 0); /* the denser mode (4 points) is ranked first */
    p.bin_seeding = 1;
    CHECK(fc_meanshift(&X, &p, lab) == 0 && same_partition(lab, want, 7));
    fc_mat_free(&X);
    /* estimate_bandwidth on 0..9: 3rd-nearest distance (self first) is 2 at the ends, 1 inside */
    double line[10];
    for (int i = 0; i < 10; i++)
        line[i] = i;
    X = col(line, 10);
    double bw = 0;
    CHECK(fc_estimate_bandwidth(&X, 0.3, &bw) == 0);
    CHECK_NEAR(bw, 1.2, 1e-12);
    fc_mat_free(&X);
    double one[] = {2};
    X = col(one, 1);
    p.bandwidth = 0.5;
    p.bin_seeding = 0;
    CHECK(fc_meanshift(&X, &p, lab) == 0 && lab[0] == 0);
    p.bandwidth = 0; /* int(1 * 0.3) = 0 neighbours: sklearn refuses too */
    CHECK(fc_meanshift(&X, &p, lab) == FC_EARG);
    fc_mat_free(&X);
}


/* The float32-screened radius query gives exactly the lists of the double formula, self included,
 * ascending, with distances; boundary pairs (d = radius exactly) are in. */
static void test_radius_neighbors_exact(void)
{
    fc_mat X;
    size_t n = 700, d = 8;
    fc_mat_alloc(&X, n, d);
    fc_rng r;
    fc_rng_init(&r, 5);
    for (size_t i = 0; i < n * d; i++)
        X.data[i] = fc_rng_normal(&r);
    for (size_t t = 0; t < d; t++) /* rows 1 and 2: exact duplicate of 0 and a point at distance 2 */
        X.data[d + t] = X.data[2 * d + t] = X.data[t];
    X.data[2 * d] += 2.0;
    double norms[700], radius = 3.5;
    fc_row_sqnorms(&X, norms);
    fc_neighbors nb;
    CHECK(fc_radius_neighbors(&X, radius, 1, &nb) == 0);
    size_t bad = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = nb.offsets[i];
        for (size_t j = 0; j < n; j++) {
            double dot = 0;
            for (size_t t = 0; t < d; t++)
                dot += X.data[i * d + t] * X.data[j * d + t];
            double q = i == j ? 0 : norms[i] + norms[j] - 2 * dot;
            if (q <= radius * radius) {
                total++;
                if (k >= nb.offsets[i + 1] || nb.index[k] != (int)j || fabs(nb.dist[k] * nb.dist[k] - (q > 0 ? q : 0)) > 1e-9) {
                    if (bad < 3)
                        fprintf(stderr, "  row %zu: want %zu (d %.17g) got %d\n", i, j, sqrt(q > 0 ? q : 0),
                                k < nb.offsets[i + 1] ? nb.index[k] : -1);
                    bad++;
                }
                k++;
            }
        }
        if (k != nb.offsets[i + 1])
            bad++;
    }
    CHECK(bad == 0);
    CHECK(total > 2 * n && total < n * n / 2); /* a real mix of in and out */
    fc_neighbors_free(&nb);
    CHECK(fc_radius_neighbors(&X, 2.0, 0, &nb) == 0); /* row 2 at exactly 2.0 from row 0 */
    int found = 0;
    for (size_t k = nb.offsets[0]; k < nb.offsets[1]; k++)
        found |= nb.index[k] == 2;
    CHECK(found);
    fc_neighbors_free(&nb);
    fc_mat_free(&X);
}

static void test_run_estimates_k(void)
{
    double v[] = {0, 0.1, 0.2, 3, 3.1, 9};
    fc_mat X = col(v, 6);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.eps = 0.5;
    int lab[6], k = -1;
    CHECK(fc_estimate_k(&X, &p, &k) == 0 && k == 3);
    CHECK(fc_cluster_run(fc_cluster_find("kmeans"), &X, &p, lab, &k) == 0 && k == 3);
    CHECK(lab[0] == lab[2] && lab[3] == lab[4] && lab[0] != lab[3] && lab[5] != lab[3]);
    p.k = 7;
    CHECK(fc_cluster_run(fc_cluster_find("agglomerative"), &X, &p, lab, &k) == FC_EARG);
    p.k = 0;
    p.distance_threshold = 0.5; /* threshold cut needs no K */
    CHECK(fc_cluster_run(fc_cluster_find("agglomerative"), &X, &p, lab, &k) == 0 && k == 0);
    CHECK(lab[0] == lab[1] && lab[3] == lab[4] && lab[0] != lab[5]);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_defaults_and_registry); RUN(test_dbscan_border_and_noise); RUN(test_dbscan_single_and_duplicates);
          RUN(test_agglomerative_hand); RUN(test_memory_refusal); RUN(test_kmeans_hand); RUN(test_meanshift_hand);
          RUN(test_run_estimates_k); RUN(test_radius_neighbors_exact))
