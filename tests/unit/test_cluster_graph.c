/* test_cluster_graph.c — threshold-graph components and Chinese whispers on hand-made graphs, blobs and
 * (when present) the shared personal embeddings. */
#include "harness.h"
#include "cluster_testutil.h"
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"

static void params(fc_cluster_params *p, double threshold)
{
    memset(p, 0, sizeof *p);
    p->threshold = threshold;
    p->cw_iterations = 100;
}

/* Points on a line: 0, 1, 2.5, 10, 10.9, 30. Threshold 1.6 links 0-1, 1-2.5 and 10-10.9 only. */
static void test_graph_line(void)
{
    double v[] = {0, 1, 2.5, 10, 10.9, 30};
    fc_mat X = {6, 1, v};
    int l[6];
    fc_cluster_params p;
    params(&p, 1.6);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(l[0] == 0 && l[1] == 0 && l[2] == 0 && l[3] == 1 && l[4] == 1 && l[5] == 2);
    /* strictly closer than the threshold: at exactly 1.5 the 1-2.5 link is gone */
    params(&p, 1.5);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(l[0] == 0 && l[1] == 0 && l[2] == 1 && l[3] == 2 && l[4] == 2 && l[5] == 3);
    params(&p, -1);
    CHECK(fc_graph_cc(&X, &p, l) == FC_EARG);
    params(&p, 0); /* the default, 0.8: no pair is that close (a default of 1.0 would link 10-10.9) */
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, 6) == 6);
}

/* A chain across many blocks (N > 256 so several distance blocks are merged). */
static void test_graph_long_chain(void)
{
    size_t n = 700;
    fc_mat X;
    fc_mat_alloc(&X, n, 2);
    for (size_t i = 0; i < n; i++)
        X.data[2 * i] = (double)((i * 379) % n); /* shuffled positions 0..n-1 */
    int *l = malloc(n * sizeof(int));
    fc_cluster_params p;
    params(&p, 1.01);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, n) == 1);
    params(&p, 0.99);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, n) == (int)n);
    free(l);
    fc_mat_free(&X);
}

/* Two triangles joined by one bridge edge: components merge them, Chinese whispers keeps them apart
 * (each bridge end has 3 votes for its own triangle against 1). */
static void test_cw_bridge(void)
{
    double v[] = {0, 0, 1, 0, 0.5, 0.8, /* triangle A */ 2, 0, 3, 0, 2.5, 0.8 /* triangle B */};
    fc_mat X = {6, 2, v};
    int l[6];
    fc_cluster_params p;
    params(&p, 1.05);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    CHECK(tu_count_clusters(l, 6) == 1);
    for (uint64_t seed = 0; seed < 5; seed++) {
        p.seed = seed;
        CHECK(fc_chinese_whispers(&X, &p, l) == 0);
        CHECK(l[0] == l[1] && l[1] == l[2] && l[3] == l[4] && l[4] == l[5] && l[0] != l[3]);
    }
    p.cw_iterations = 0;
    CHECK(fc_chinese_whispers(&X, &p, l) == FC_EARG);
}

static void test_cw_isolated_and_deterministic(void)
{
    double v[] = {0, 5, 10, 15};
    fc_mat X = {4, 1, v};
    int l[4];
    fc_cluster_params p;
    params(&p, 1);
    CHECK(fc_chinese_whispers(&X, &p, l) == 0);
    CHECK(l[0] == 0 && l[1] == 1 && l[2] == 2 && l[3] == 3);

    fc_mat B;
    int truth[400], a[400], b[400];
    tu_blobs(&B, truth, 8, 50, 16, 4.0, 0.3, 7);
    params(&p, 3.0); /* within a blob ~1.7 apart, across blobs ~5.9 */
    p.seed = 3;
    CHECK(fc_chinese_whispers(&B, &p, a) == 0);
    CHECK(fc_chinese_whispers(&B, &p, b) == 0);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(tu_ari(a, truth, 400) > 0.99);
    CHECK(fc_graph_cc(&B, &p, b) == 0);
    CHECK(tu_ari(b, truth, 400) > 0.99);
    fc_mat_free(&B);
}

static void test_personal(void)
{
    fc_mat X;
    int *truth, k;
    if (!tu_load_set("personal", &X, &truth, &k))
        SKIP("skipped: %s/embeddings/personal not found", th_shared());
    int *l = malloc(X.rows * sizeof(int));
    fc_cluster_params p;
    params(&p, 0.9);
    CHECK(fc_graph_cc(&X, &p, l) == 0);
    double a1 = tu_ari(l, truth, X.rows);
    CHECK(fc_chinese_whispers(&X, &p, l) == 0);
    double a2 = tu_ari(l, truth, X.rows);
    fprintf(stderr, "  personal: graph ARI %.3f, chinese whispers ARI %.3f\n", a1, a2);
    CHECK(a1 > 0.9 && a2 > 0.9);
    free(l), free(truth);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_graph_line), RUN(test_graph_long_chain), RUN(test_cw_bridge),
          RUN(test_cw_isolated_and_deterministic), RUN(test_personal))
