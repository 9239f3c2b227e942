/* test_group_cluster.c — constrained agglomerative grouping and the assignment of new faces. */
#include "harness.h"

#include "facecluster/cluster.h"
#include "facecluster/group.h"
#include "facecluster/labels.h"
#include "facecluster/metrics.h"
#include "facecluster/npy.h"

/* 1 when the two labelings are the same partition */
static int same_partition(const int *a, const int *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if ((a[i] == a[j]) != (b[i] == b[j])) return 0;
    return 1;
}

/* Without constraints (every face its own photo) the result must equal plain agglomerative clustering
 * with sklearn's distance_threshold semantics (fc_agglomerative, parity-tested against sklearn). */
static void check_parity(const fc_mat *X, fc_linkage link, double thr)
{
    size_t n = X->rows;
    int64_t *photo = malloc(n * sizeof *photo);
    int *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), k = 0;
    for (size_t i = 0; i < n; i++) photo[i] = (int64_t)i;
    CHECK(fc_group_cluster(X, photo, link, thr, a, &k) == 0);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.linkage = link;
    p.distance_threshold = thr;
    CHECK(fc_agglomerative(X, &p, b) == 0);
    if (!same_partition(a, b, n)) {
        fprintf(stderr, "  partition differs: link %d threshold %g\n", (int)link, thr);
        CHECK(0);
    }
    CHECK(k > 0);
    free(photo), free(a), free(b);
}

static void test_group_matches_agglomerative_personal(void)
{
    char path[1024];
    if (!th_shared_path(path, sizeof path, "embeddings/personal/emb.npy"))
        SKIP("skipped: ../shared/embeddings/personal not found");
    fc_mat X;
    CHECK(fc_npy_read_matrix(path, &X) == 0);
    for (double t = 0.7; t < 1.31; t += 0.15) {
        check_parity(&X, FC_LINK_AVERAGE, t);
        check_parity(&X, FC_LINK_COMPLETE, t);
        check_parity(&X, FC_LINK_SINGLE, t);
    }
    fc_mat_free(&X);
}

static void test_group_matches_agglomerative_lfw_slice(void)
{
    char path[1024];
    if (!th_shared_path(path, sizeof path, "embeddings/lfw3/emb.npy"))
        SKIP("skipped: ../shared/embeddings/lfw3 not found");
    fc_mat X, S;
    CHECK(fc_npy_read_matrix(path, &X) == 0);
    size_t n = 600, *rows = malloc(n * sizeof *rows);
    for (size_t i = 0; i < n; i++) rows[i] = i * 7 % X.rows; /* spread over many people */
    CHECK(fc_mat_take_rows(&X, rows, n, &S) == 0);
    check_parity(&S, FC_LINK_AVERAGE, 0.95);
    check_parity(&S, FC_LINK_COMPLETE, 1.1);
    fc_mat_free(&S), fc_mat_free(&X), free(rows);
}

/* Points on a line (2-D unit-ish vectors are not needed for the algorithm). */
static void line_points(fc_mat *X, const double *xs, size_t n)
{
    fc_mat_alloc(X, n, 2);
    for (size_t i = 0; i < n; i++) X->data[2 * i] = xs[i];
}

static void test_group_cannot_link(void)
{
    /* a=0, b=0.1 from the same photo; c=0.05 from another: without the constraint all three merge */
    double xs[] = {0.0, 0.1, 0.05, 5.0};
    fc_mat X;
    line_points(&X, xs, 4);
    int64_t photo[] = {1, 1, 2, 3}, free_photo[] = {1, 2, 3, 4};
    int lab[4], k;
    CHECK(fc_group_cluster(&X, free_photo, FC_LINK_AVERAGE, 1.0, lab, &k) == 0);
    CHECK(k == 2 && lab[0] == lab[1] && lab[1] == lab[2] && lab[3] != lab[0]);
    for (int link = FC_LINK_COMPLETE; link <= FC_LINK_SINGLE; link++) {
        CHECK(fc_group_cluster(&X, photo, (fc_linkage)link, 1.0, lab, &k) == 0);
        CHECK(lab[0] != lab[1]);           /* never the same person */
        CHECK(lab[2] == lab[0] || lab[2] == lab[1]); /* c joins one of them */
        CHECK(k == 3);
    }
    /* c is closer to b (0.05 both ways: tie) -> lower index wins deterministically: c joins a */
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 1.0, lab, &k) == 0);
    CHECK(lab[2] == lab[0]);
    fc_mat_free(&X);
}

static void test_group_cannot_link_propagates(void)
{
    /* a,b same photo; c close to a, d close to b, and c-d close: merging {a,c} with {b,d} is forbidden */
    double xs[] = {0.0, 0.3, 0.1, 0.2};
    fc_mat X;
    line_points(&X, xs, 4);
    int64_t photo[] = {7, 7, 8, 9};
    int lab[4], k;
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 10.0, lab, &k) == 0);
    CHECK(lab[0] != lab[1]);
    CHECK(k == 2);
    CHECK(lab[2] == lab[0] && lab[3] == lab[1]);
    fc_mat_free(&X);
}

static void test_group_threshold_is_strict(void)
{
    double xs[] = {0.0, 0.5};
    fc_mat X;
    line_points(&X, xs, 2);
    int64_t photo[] = {1, 2};
    int lab[2], k;
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 0.5, lab, &k) == 0);
    CHECK(k == 2); /* d == threshold: not merged (sklearn keeps d < threshold) */
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 0.5000001, lab, &k) == 0);
    CHECK(k == 1);
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 0.0, lab, &k) == FC_EARG);
    fc_mat_free(&X);
}

static void test_group_assign(void)
{
    /* people: P0 at {0, 0.2} (photos 1, 2), P1 at {3} (photo 3) */
    double mx[] = {0.0, 0.2, 3.0}, fx[] = {0.1, 0.15, 2.9, 10.0, 0.05};
    fc_mat M, F;
    line_points(&M, mx, 3);
    line_points(&F, fx, 5);
    int mperson[] = {0, 0, 1};
    int64_t mphoto[] = {1, 2, 3};
    /* f0 and f1 share photo 10: only one of them may join P0 (the closer: f0, mean 0.1 vs 0.1 -> tie,
     * lower index); f4 is on photo 2 which P0 already has */
    int64_t fphoto[] = {10, 10, 11, 12, 2};
    int out[5];
    CHECK(fc_group_assign(&F, fphoto, &M, mperson, mphoto, 2, FC_LINK_AVERAGE, 0.5, out) == 0);
    CHECK(out[0] == 0);
    CHECK(out[1] == -1);
    CHECK(out[2] == 1);
    CHECK(out[3] == -1);
    CHECK(out[4] == -1);
    /* complete linkage: f1 to P0 = max(0.15, 0.05) = 0.15 < f0's 0.1? no: f0 = max(0.1, 0.1) = 0.1 wins */
    CHECK(fc_group_assign(&F, fphoto, &M, mperson, mphoto, 2, FC_LINK_COMPLETE, 0.5, out) == 0);
    CHECK(out[0] == 0 && out[1] == -1 && out[2] == 1);
    fc_mat_free(&M), fc_mat_free(&F);
}

/* A half + half assignment reproduces most of an all-at-once grouping on real embeddings. */
static void test_group_assign_vs_all(void)
{
    char path[1024];
    if (!th_shared_path(path, sizeof path, "embeddings/personal/emb.npy"))
        SKIP("skipped: ../shared/embeddings/personal not found");
    fc_mat X;
    CHECK(fc_npy_read_matrix(path, &X) == 0);
    size_t n = X.rows, h = n / 2;
    int64_t *photo = malloc(n * sizeof *photo);
    for (size_t i = 0; i < n; i++) photo[i] = (int64_t)i;
    int *all = malloc(n * sizeof *all), *inc = malloc(n * sizeof *inc), k = 0;
    CHECK(fc_group_cluster(&X, photo, FC_LINK_AVERAGE, 0.95, all, &k) == 0);
    size_t *r1 = malloc(h * sizeof *r1), *r2 = malloc((n - h) * sizeof *r2);
    for (size_t i = 0; i < h; i++) r1[i] = 2 * i;
    size_t n2 = 0;
    for (size_t i = 0; i < n; i++)
        if (i % 2 || i / 2 >= h) r2[n2++] = i;
    fc_mat A, B;
    fc_mat_take_rows(&X, r1, h, &A);
    fc_mat_take_rows(&X, r2, n2, &B);
    int *la = malloc(h * sizeof *la), *ob = malloc(n2 * sizeof *ob), ka = 0;
    int64_t *pa = malloc(h * sizeof *pa), *pb = malloc(n2 * sizeof *pb);
    for (size_t i = 0; i < h; i++) pa[i] = (int64_t)r1[i];
    for (size_t i = 0; i < n2; i++) pb[i] = (int64_t)r2[i];
    CHECK(fc_group_cluster(&A, pa, FC_LINK_AVERAGE, 0.95, la, &ka) == 0);
    CHECK(fc_group_assign(&B, pb, &A, la, pa, ka, FC_LINK_AVERAGE, 0.95, ob) == 0);
    for (size_t i = 0; i < h; i++) inc[r1[i]] = la[i];
    int next = ka;
    for (size_t i = 0; i < n2; i++) inc[r2[i]] = ob[i] >= 0 ? ob[i] : next++;
    fc_contingency c;
    CHECK(fc_contingency_build(all, inc, n, 0, &c) == 0);
    double ari = fc_score_ari(&c);
    fc_contingency_free(&c);
    printf("  personal: half+half vs all-at-once ARI %.3f\n", ari);
    CHECK(ari > 0.8);
    free(photo), free(all), free(inc), free(r1), free(r2), free(la), free(ob), free(pa), free(pb);
    fc_mat_free(&A), fc_mat_free(&B), fc_mat_free(&X);
}

/* The per-model default: built in for MobileFaceNet, a sidecar for another model, an error otherwise. */
static void test_group_model_default(void)
{
    fc_linkage l;
    double t = 0;
    const char *src = NULL;
    char dir[] = "/tmp/fc_test_group_model.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(fc_group_model_default("MobileFaceNet.tflite", dir, &l, &t, &src) == 0);
    CHECK(l == FC_LINK_AVERAGE && fabs(t - 0.95) < 1e-12 && src && strstr(src, "built-in"));
    CHECK(fc_group_model_default("facenet.tflite", dir, &l, &t, NULL) == FC_EARG);
    char p[512];
    snprintf(p, sizeof p, "%s/facenet.tflite", dir);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
    snprintf(p, sizeof p, "%s/facenet.tflite.group", dir);
    f = fopen(p, "w");
    if (f) {
        fputs("# chosen on my data\nmethod complete\nthreshold 1.1\n", f);
        fclose(f);
    }
    CHECK(fc_group_model_default("facenet.tflite", dir, &l, &t, &src) == 0);
    CHECK(l == FC_LINK_COMPLETE && fabs(t - 1.1) < 1e-12 && strstr(src, "sidecar"));
    CHECK(fc_group_linkage_parse("ward", &l) == -1);
    unlink(p);
    snprintf(p, sizeof p, "%s/facenet.tflite", dir);
    unlink(p);
    rmdir(dir);
}

TEST_MAIN(RUN(test_group_model_default); RUN(test_group_matches_agglomerative_personal); RUN(test_group_matches_agglomerative_lfw_slice);
          RUN(test_group_cannot_link); RUN(test_group_cannot_link_propagates); RUN(test_group_threshold_is_strict);
          RUN(test_group_assign); RUN(test_group_assign_vs_all))
