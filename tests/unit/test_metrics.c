/* test_metrics.c — hand-computed cases for every score, noise modes, label invariance, exact ARI where
 * 64-bit pair products would overflow, and the sparse contingency table on many clusters. */
#include "harness.h"
#include "facecluster/core.h"
#include "facecluster/metrics.h"

#include <stdint.h>

static fc_scores score(const int *t, const int *p, size_t n, fc_noise_mode mode)
{
    fc_scores s;
    int rc = fc_score_all(t, p, n, mode, &s);
    CHECK(rc == 0);
    return s;
}

/* sklearn's doc example: a maximally discordant labelling. */
static void test_discordant(void)
{
    int t[] = {0, 0, 1, 1}, p[] = {0, 1, 0, 1};
    fc_scores s = score(t, p, 4, FC_NOISE_SINGLETONS);
    CHECK_NEAR(s.ari, -0.5, 1e-15);
    CHECK_NEAR(s.pair_precision, 0, 0);
    CHECK_NEAR(s.pair_recall, 0, 0);
    CHECK_NEAR(s.pair_f, 0, 0);
    CHECK_NEAR(s.fmi, 0, 0);
    CHECK_NEAR(s.bcubed_precision, 0.5, 1e-15);
    CHECK_NEAR(s.bcubed_recall, 0.5, 1e-15);
    CHECK_NEAR(s.nmi, 0, 1e-15);
    CHECK_NEAR(s.homogeneity, 0, 1e-15);
}

/* truth {0,0,0,1,1,1}, pred {0,0,1,1,2,2}: worked out by hand in the comments. */
static void test_hand_case(void)
{
    int t[] = {0, 0, 0, 1, 1, 1}, p[] = {0, 0, 1, 1, 2, 2};
    fc_scores s = score(t, p, 6, FC_NOISE_SINGLETONS);
    /* pairs: 15 in all; same cluster 3 (2 of them same identity); same identity 6 */
    double expected = 6.0 * 3.0 / 15.0, maxi = (6.0 + 3.0) / 2;
    CHECK_NEAR(s.ari, (2 - expected) / (maxi - expected), 1e-15);
    CHECK_NEAR(s.pair_precision, 2.0 / 3, 1e-15);
    CHECK_NEAR(s.pair_recall, 1.0 / 3, 1e-15);
    CHECK_NEAR(s.pair_f, 4.0 / 9, 1e-15);
    CHECK_NEAR(s.fmi, sqrt(2.0) / 3, 1e-15);
    /* BCubed: precision (1+1 + .5+.5 + 1+1)/6, recall (2/3+2/3+1/3)·2/6 */
    CHECK_NEAR(s.bcubed_precision, 5.0 / 6, 1e-15);
    CHECK_NEAR(s.bcubed_recall, 5.0 / 9, 1e-15);
    CHECK_NEAR(s.bcubed_f, 2.0 / 3, 1e-15);
    /* entropies: H(C) = ln 2, H(K) = ln 3, H(C|K) = ln2 / 3 → MI = 2/3 ln 2 */
    double mi = 2.0 / 3 * log(2.0), hc = log(2.0), hk = log(3.0);
    CHECK_NEAR(s.homogeneity, mi / hc, 1e-14);
    CHECK_NEAR(s.completeness, mi / hk, 1e-14);
    CHECK_NEAR(s.v_measure, 2 * (mi / hc) * (mi / hk) / (mi / hc + mi / hk), 1e-14);
    CHECK_NEAR(s.nmi, mi / ((hc + hk) / 2), 1e-14);
    CHECK(s.ami < s.nmi && s.ami > 0); /* chance correction lowers it */
    CHECK_NEAR(s.k_true, 2, 0);
    CHECK_NEAR(s.k_found, 3, 0);
    CHECK_NEAR(s.noise_share, 0, 0);
    CHECK_NEAR(s.singleton_share, 0, 0);
}

static void test_noise_modes(void)
{
    int t[] = {0, 0, 1, 1}, p[] = {-1, -1, 1, 1};
    fc_scores one = score(t, p, 4, FC_NOISE_CLUSTER);
    CHECK_NEAR(one.ari, 1.0, 0); /* the two noise points form the first identity exactly */
    fc_scores single = score(t, p, 4, FC_NOISE_SINGLETONS);
    /* pred {a},{b},{c,d}: index 1, expected 2·1/6, max 1.5 */
    CHECK_NEAR(single.ari, (1 - 1.0 / 3) / (1.5 - 1.0 / 3), 1e-15);
    CHECK_NEAR(single.pair_precision, 1, 0);
    CHECK_NEAR(single.pair_recall, 0.5, 0);
    CHECK_NEAR(single.noise_share, 0.5, 0);
    CHECK_NEAR(single.k_found, 1, 0);
    CHECK_NEAR(single.singleton_share, 0, 0);
    int p2[] = {5, -1, 7, 9};
    fc_scores s2 = score(t, p2, 4, FC_NOISE_SINGLETONS);
    CHECK_NEAR(s2.singleton_share, 0.75, 0);
    CHECK_NEAR(s2.noise_share, 0.25, 0);
    CHECK_NEAR(s2.k_found, 3, 0);
}

static void test_trivial(void)
{
    int one[] = {0};
    fc_scores s = score(one, one, 1, FC_NOISE_SINGLETONS);
    CHECK_NEAR(s.ari, 1, 0);
    CHECK_NEAR(s.ami, 1, 0);
    CHECK_NEAR(s.nmi, 1, 0);
    CHECK_NEAR(s.pair_f, 1, 0);
    CHECK_NEAR(s.bcubed_f, 1, 0);
    int t[8] = {0}, p[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    fc_scores a = score(t, p, 8, FC_NOISE_SINGLETONS); /* one identity split into singletons */
    CHECK_NEAR(a.ari, 0, 0);
    CHECK_NEAR(a.homogeneity, 1, 0);
    CHECK_NEAR(a.completeness, 0, 0);
    CHECK_NEAR(a.pair_precision, 1, 0);
    CHECK_NEAR(a.pair_recall, 0, 0);
    CHECK_NEAR(a.bcubed_precision, 1, 0);
    CHECK_NEAR(a.bcubed_recall, 1.0 / 8, 1e-15);
    CHECK_NEAR(a.singleton_share, 1, 0);
    fc_scores e;
    CHECK(fc_score_all(t, p, 0, FC_NOISE_SINGLETONS, &e) == FC_EARG);
}

/* Scores depend on the partition only, not on the label values. */
static void test_relabel_invariance(void)
{
    int t[] = {3, 3, 9, 9, 9, 1, 1, 0};
    int p[] = {0, 1, 1, 2, 2, 2, 3, 3};
    int q[] = {2000000000, 17, 17, 5, 5, 5, 0, 0};
    fc_scores a = score(t, p, 8, FC_NOISE_SINGLETONS), b = score(t, q, 8, FC_NOISE_SINGLETONS);
    for (int i = 0; i < FC_NUM_SCORES; i++)
        CHECK_NEAR(fc_scores_get(&a, i), fc_scores_get(&b, i), 1e-15);
    /* swapping the roles swaps precision and recall */
    fc_scores c = score(p, t, 8, FC_NOISE_SINGLETONS);
    CHECK_NEAR(a.ari, c.ari, 1e-15);
    CHECK_NEAR(a.pair_precision, c.pair_recall, 1e-15);
    CHECK_NEAR(a.bcubed_precision, c.bcubed_recall, 1e-15);
    CHECK_NEAR(a.homogeneity, c.completeness, 1e-15);
}

/* N = 200,000: ordered pair counts reach 4e10 and their products 1e21, past int64. */
static void test_ari_large_exact(void)
{
    size_t n = 200000;
    int *t = malloc(n * sizeof *t), *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        t[i] = (int)(i / 50000);        /* 4 identities of 50,000 */
        p[i] = (int)(i / 25000);        /* each split in two halves */
    }
    fc_scores s = score(t, p, n, FC_NOISE_SINGLETONS);
    double c2n = n * (n - 1.0) / 2, sa = 4 * (50000.0 * 49999 / 2), sb = 8 * (25000.0 * 24999 / 2);
    double idx = sb, ex = sa * sb / c2n, mx = (sa + sb) / 2;
    CHECK_NEAR(s.ari, (idx - ex) / (mx - ex), 1e-12);
    for (size_t i = 0; i < n; i++)
        p[i] = 0;
    s = score(t, p, n, FC_NOISE_SINGLETONS);
    CHECK_NEAR(s.ari, 0, 0);
    CHECK_NEAR(s.pair_precision, sa / c2n, 1e-12);
    free(t);
    free(p);
}

/* 100,000 singleton identities against 100,000 singleton clusters: a dense table would be 10^10 cells. */
static void test_sparse_contingency(void)
{
    size_t n = 100000;
    int *t = malloc(n * sizeof *t), *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        t[i] = (int)i;
        p[i] = (int)(n - 1 - i);
    }
    fc_contingency c;
    CHECK(fc_contingency_build(t, p, n, FC_NOISE_SINGLETONS, &c) == 0);
    CHECK(c.rows == n && c.cols == n && c.nnz == n);
    CHECK_NEAR(fc_score_ari(&c), 1, 0);
    CHECK_NEAR(fc_score_nmi(&c), 1, 1e-12);
    fc_contingency_free(&c);
    free(t);
    free(p);
}

static void test_score_names(void)
{
    CHECK(fc_score_index("ari") == 0);
    CHECK(fc_score_index("bcubed_f") >= 0);
    CHECK(fc_score_index("nope") == -1);
    fc_scores s;
    memset(&s, 0, sizeof s);
    s.v_measure = 0.25;
    CHECK_NEAR(fc_scores_get(&s, fc_score_index("v_measure")), 0.25, 0);
}

TEST_MAIN(RUN(test_discordant); RUN(test_hand_case); RUN(test_noise_modes); RUN(test_trivial);
          RUN(test_relabel_invariance); RUN(test_ari_large_exact); RUN(test_sparse_contingency);
          RUN(test_score_names))
