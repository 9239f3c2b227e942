/* test_cluster_hdbscan.c — HDBSCAN on a hand-computed 1-D case, on blobs with uniform noise, parameter
 * checks and (when present) the shared personal embeddings. */
#include "harness.h"
#include "cluster_testutil.h"
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"

static void params(fc_cluster_params *p, int mcs, int ms)
{
    memset(p, 0, sizeof *p);
    p->min_cluster_size = mcs;
    p->min_samples = ms;
}

/* A = {0..4}, x = 50, B = {100..104}, y = 300; min_cluster_size = min_samples = 5.
 * Core distances (5th nearest counting itself): 0 and 4 -> 4, 1 and 3 -> 3, 2 -> 2, same in B;
 * x -> 49 (46, 47, 48, 49), y -> 199 (196 .. 199).
 * Mutual reachability MST: A and B inside <= 4, x-A = max(49, 4, 46) = 49, x-B = 50, y-B = 199.
 * Root (12 points) at 199: y alone falls out of the root -> noise. At 50 the rest splits into
 * A+x (6) and B (5): two clusters. A+x sheds x at 49 (x falls out of cluster A+x, so it is a member
 * of it, with a low lambda), then A melts. Result: A+x, B, y noise.
 * With min_cluster_size 6, B (5) falls out of the root at 50 and A+x melts at 49 into pieces < 6:
 * only the root ever exists, and with allow_single_cluster false everything is noise. */
static void test_hand_1d(void)
{
    double v[] = {0, 1, 2, 3, 4, 50, 100, 101, 102, 103, 104, 300};
    fc_mat X = {12, 1, v};
    int l[12];
    fc_cluster_params p;
    params(&p, 5, 0);
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    CHECK(l[11] == -1);
    for (int i = 1; i < 5; i++)
        CHECK(l[i] == l[0] && l[6 + i] == l[6]);
    CHECK(l[5] == l[0]);
    CHECK(l[0] >= 0 && l[6] >= 0 && l[0] != l[6]);
    params(&p, 6, 5);
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    for (int i = 0; i < 12; i++)
        CHECK(l[i] == -1);
}

/* Excess of mass choosing the parent: two sub-groups 1.5 apart inside a group far from the rest. The
 * sub-groups are born late (small lambda range as clusters) versus their parent which lives long. */
static void test_eom_prefers_parent(void)
{
    /* C1 = {0,.1,.2,.3,.4}, C2 = {1.5,...,1.9}: parent P = C1+C2; far group D = {100..100.4} */
    double v[15];
    for (int i = 0; i < 5; i++) {
        v[i] = 0.1 * i;
        v[5 + i] = 1.5 + 0.1 * i;
        v[10 + i] = 100 + 0.1 * i;
    }
    fc_mat X = {15, 1, v};
    int l[15];
    fc_cluster_params p;
    params(&p, 5, 1); /* min_samples 1: mutual reachability = plain distance */
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    /* Root splits at 98.1 (lambda ~0.0102) into P (10) and D (5). P splits at 1.1 (lambda 0.909) into
     * C1 and C2, which dissolve at 0.1 (lambda 10): stability(C1) = stability(C2) = 5 * (10 - 0.909)
     * = 45.5, total 90.9; stability(P) = 10 * (0.909 - 0.0102) = 9.0 < 90.9, so C1, C2 are kept and D
     * is a third cluster. */
    CHECK(tu_count_clusters(l, 15) == 3);
    CHECK(l[0] != l[5] && l[5] != l[10] && l[0] != l[10]);
    /* Now spread the sub-groups so they live only briefly: points 0.3 apart, groups 1.5 apart:
     * C1, C2 dissolve at lambda 1/0.3 = 3.33: stability 5*(3.33-0.909)*2 = 24.2; P = 10*(0.909-0.0102)
     * = 8.99; still children. Bring the groups to 0.35 apart: split at lambda 2.86, children dissolve at
     * 3.33: 2*5*(3.33-2.86) = 4.76 < 10*(2.86-0.0102) = 28.5 -> P is kept as one cluster. */
    for (int i = 0; i < 5; i++) {
        v[i] = 0.3 * i;
        v[5 + i] = 1.2 + 0.35 + 0.3 * i;
    }
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, 15) == 2);
    for (int i = 0; i < 10; i++)
        CHECK(l[i] == l[0]);
    CHECK(l[10] != l[0] && l[10] >= 0);
}

static void test_blobs_with_noise(void)
{
    fc_mat B;
    int truth[460];
    tu_blobs(&B, truth, 4, 100, 2, 10.0, 0.6, 11);
    fc_mat X;
    fc_mat_alloc(&X, 460, 2);
    memcpy(X.data, B.data, 400 * 2 * sizeof(double));
    fc_rng r;
    fc_rng_init(&r, 5);
    for (int i = 400; i < 460; i++) { /* sparse uniform noise over [-10, 30]^2 */
        X.data[2 * i] = -10 + 40 * fc_rng_uniform(&r);
        X.data[2 * i + 1] = -10 + 40 * fc_rng_uniform(&r);
        truth[i] = -1;
    }
    int l[460];
    fc_cluster_params p;
    params(&p, 15, 0);
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, 460) == 4);
    int noise_found = 0, blob_as_noise = 0;
    for (int i = 0; i < 460; i++) {
        if (i >= 400 && l[i] == -1)
            noise_found++;
        if (i < 400 && l[i] == -1)
            blob_as_noise++;
    }
    fprintf(stderr, "  blobs+noise: %d/60 noise points marked noise, %d/400 blob points marked noise\n",
            noise_found, blob_as_noise);
    CHECK(noise_found >= 40);
    CHECK(blob_as_noise <= 20);
    CHECK(tu_ari(l, truth, 400) > 0.95);
    fc_mat_free(&B);
    fc_mat_free(&X);
}

static void test_args(void)
{
    double v[] = {0, 1, 2};
    fc_mat X = {3, 1, v};
    int l[3];
    fc_cluster_params p;
    params(&p, 1, 0);
    CHECK(fc_hdbscan(&X, &p, l) == FC_EARG);
    params(&p, 5, 0); /* more than N: everything is noise, no crash */
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    CHECK(l[0] == -1 && l[1] == -1 && l[2] == -1);
}

static void test_personal(void)
{
    fc_mat X;
    int *truth, k;
    if (!tu_load_set("personal", &X, &truth, &k))
        SKIP("skipped: %s/embeddings/personal not found", th_shared());
    int *l = malloc(X.rows * sizeof(int));
    fc_cluster_params p;
    params(&p, 2, 1);
    CHECK(fc_hdbscan(&X, &p, l) == 0);
    double a = tu_ari(l, truth, X.rows);
    fprintf(stderr, "  personal: HDBSCAN(min_cluster_size 2, min_samples 1) ARI %.3f, %d clusters\n", a,
            tu_count_clusters(l, X.rows));
    CHECK(a > 0.8);
    free(l), free(truth);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_hand_1d), RUN(test_eom_prefers_parent), RUN(test_blobs_with_noise), RUN(test_args),
          RUN(test_personal))
