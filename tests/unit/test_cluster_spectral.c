/* test_cluster_spectral.c — the spectral embedding on graphs with known spectra, the affinities, the
 * single-precision path against the double one, and spectral clustering on blobs and on yale. */
#include "harness.h"
#include "cluster_testutil.h"
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"

/* Two disjoint triangles: the normalised Laplacian of K3 has eigenvalues 0, 1.5, 1.5, so the union has
 * 0, 0, 1.5 x 4. The two null vectors span the component indicators, so after dividing by sqrt(degree)
 * every embedding column is constant on each triangle. */
static void test_two_triangles(void)
{
    fc_mat A;
    fc_mat_alloc(&A, 6, 6);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            A.data[i * 6 + j] = (i / 3 == j / 3) ? 1.0 : 0.0; /* diagonal ones are ignored */
    fc_mat E;
    double ev[4];
    CHECK(fc_spectral_embedding(&A, 4, 1, &E, ev) == 0);
    CHECK_NEAR(ev[0], 0, 1e-12);
    CHECK_NEAR(ev[1], 0, 1e-12);
    CHECK_NEAR(ev[2], 1.5, 1e-12);
    CHECK_NEAR(ev[3], 1.5, 1e-12);
    for (int c = 0; c < 2; c++) {
        CHECK_NEAR(E.data[0 * 4 + c], E.data[1 * 4 + c], 1e-12);
        CHECK_NEAR(E.data[0 * 4 + c], E.data[2 * 4 + c], 1e-12);
        CHECK_NEAR(E.data[3 * 4 + c], E.data[5 * 4 + c], 1e-12);
    }
    /* the two null columns separate the triangles: the row vectors differ */
    double d = fabs(E.data[0] - E.data[12]) + fabs(E.data[1] - E.data[13]);
    CHECK(d > 0.1);
    fc_mat_free(&E);
    fc_mat_free(&A);
}

/* Path a - b - c with unit weights: degrees 1, 2, 1; L = I - D^-1/2 A D^-1/2 has eigenvalues 0, 1, 2.
 * The first eigenvector is D^1/2 1 / |D^1/2 1| = (1, sqrt2, 1)/2; divided by sqrt(degree) it is 1/2
 * everywhere. The third is (1, -sqrt2, 1)/2 -> (1/2, -1/2, 1/2); the largest magnitude is at row 0
 * (first of the ties), positive. The second is +-(1, 0, -1)/sqrt2, an exact tie in magnitude that
 * rounding decides: check its shape and that its largest-magnitude entry is positive. */
static void test_path_sign_and_scaling(void)
{
    double a[9] = {0, 1, 0, 1, 0, 1, 0, 1, 0};
    fc_mat A;
    fc_mat_alloc(&A, 3, 3);
    memcpy(A.data, a, sizeof a);
    fc_mat E;
    double ev[3];
    CHECK(fc_spectral_embedding(&A, 3, 1, &E, ev) == 0);
    CHECK_NEAR(ev[0], 0, 1e-12);
    CHECK_NEAR(ev[1], 1, 1e-12);
    CHECK_NEAR(ev[2], 2, 1e-12);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(E.data[i * 3 + 0], 0.5, 1e-12);
    CHECK_NEAR(fabs(E.data[0 * 3 + 1]), 1 / sqrt(2.0), 1e-12);
    CHECK_NEAR(E.data[1 * 3 + 1], 0, 1e-12);
    CHECK_NEAR(E.data[2 * 3 + 1], -E.data[0 * 3 + 1], 1e-12);
    int big = fabs(E.data[2 * 3 + 1]) > fabs(E.data[0 * 3 + 1]) ? 2 : 0;
    CHECK(E.data[big * 3 + 1] > 0);
    CHECK_NEAR(E.data[0 * 3 + 2], 0.5, 1e-12);
    CHECK_NEAR(E.data[1 * 3 + 2], -0.5, 1e-12);
    fc_mat_free(&E);
    fc_mat_free(&A);
}

static void test_affinities(void)
{
    double v[] = {0, 1, 3, 7};
    fc_mat X = {4, 1, v}, A;
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.gamma = 0.5;
    CHECK(fc_affinity_matrix(&X, &p, &A) == 0);
    CHECK_NEAR(A.data[0 * 4 + 2], exp(-0.5 * 9), 1e-15);
    CHECK_NEAR(A.data[3 * 4 + 1], exp(-0.5 * 36), 1e-15);
    CHECK_NEAR(A.data[1 * 4 + 1], 1, 0);
    fc_mat_free(&A);
    /* kNN with 2 neighbours (itself + nearest): 0->{0,1}, 1->{1,0}, 3->{3,1}, 7->{7,3};
     * 0.5 (C + C^T): (0,1) = 1, (1,2) = 0.5, (2,3) = 0.5, (0,2) = 0 */
    p.affinity = FC_AFFINITY_KNN;
    p.n_neighbors = 2;
    CHECK(fc_affinity_matrix(&X, &p, &A) == 0);
    CHECK_NEAR(A.data[0 * 4 + 1], 1, 0);
    CHECK_NEAR(A.data[1 * 4 + 2], 0.5, 0);
    CHECK_NEAR(A.data[2 * 4 + 1], 0.5, 0);
    CHECK_NEAR(A.data[3 * 4 + 2], 0.5, 0);
    CHECK_NEAR(A.data[0 * 4 + 2], 0, 0);
    CHECK_NEAR(A.data[0 * 4 + 0], 1, 0);
    fc_mat_free(&A);
    p.n_neighbors = 5;
    CHECK(fc_affinity_matrix(&X, &p, &A) == FC_EARG);
    p.affinity = FC_AFFINITY_RBF;
    p.gamma = 0;
    CHECK(fc_affinity_matrix(&X, &p, &A) == FC_EARG);
}

/* The float eigensolve agrees with the double one (as subspaces: compare k-means-relevant distances). */
static void test_float_path(void)
{
    fc_mat X;
    int truth[300];
    tu_blobs(&X, truth, 6, 50, 8, 3.0, 0.4, 21);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.gamma = 0.2;
    fc_mat A, E1, E2;
    double ev1[6], ev2[6];
    fc_affinity_matrix(&X, &p, &A);
    CHECK(fc_spectral_embedding(&A, 6, 1, &E1, ev1) == 0);
    fc_mat_free(&A);
    fc_spectral_set_float_rows(100);
    fc_affinity_matrix(&X, &p, &A);
    CHECK(fc_spectral_embedding(&A, 6, 1, &E2, ev2) == 0);
    fc_mat_free(&A);
    fc_spectral_set_float_rows(0);
    for (int j = 0; j < 6; j++)
        CHECK_NEAR(ev1[j], ev2[j], 1e-5);
    /* pairwise row distances of the embeddings agree (invariant to the basis of the eigenspace) */
    double worst = 0, scale = 0;
    for (int i = 0; i < 300; i += 7)
        for (int k = 0; k < 300; k += 11) {
            double d1 = 0, d2 = 0;
            for (int j = 0; j < 6; j++) {
                d1 += pow(E1.data[i * 6 + j] - E1.data[k * 6 + j], 2);
                d2 += pow(E2.data[i * 6 + j] - E2.data[k * 6 + j], 2);
            }
            if (fabs(d1 - d2) > worst)
                worst = fabs(d1 - d2);
            if (d1 > scale)
                scale = d1;
        }
    CHECK(worst < 1e-4 * scale);
    /* and the clustering on top is the same partition */
    int l1[300], l2[300];
    p.k = 6;
    p.seed = 1;
    CHECK(fc_spectral(&X, &p, l1) == 0);
    fc_spectral_set_float_rows(100);
    CHECK(fc_spectral(&X, &p, l2) == 0);
    fc_spectral_set_float_rows(0);
    CHECK(tu_ari(l1, l2, 300) > 0.999);
    CHECK(tu_ari(l1, truth, 300) > 0.99);
    fc_mat_free(&E1);
    fc_mat_free(&E2);
    fc_mat_free(&X);
}

static void test_blobs_knn_and_registry(void)
{
    fc_mat X;
    int truth[240], l[240];
    tu_blobs(&X, truth, 4, 60, 6, 5.0, 0.5, 3);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.affinity = FC_AFFINITY_KNN;
    p.k = 4;
    const fc_cluster_method *m = fc_cluster_find("spectral");
    CHECK(m != NULL && m->needs_k);
    if (m) {
        int k_used = 0;
        CHECK(fc_cluster_run(m, &X, &p, l, &k_used) == 0);
        CHECK(k_used == 4);
        CHECK(tu_ari(l, truth, 240) > 0.99);
    }
    p.k = 0;
    CHECK(fc_spectral(&X, &p, l) == FC_EARG);
    fc_mat_free(&X);
}

static void test_yale(void)
{
    fc_mat X;
    int *truth, k;
    if (!tu_load_set("yale", &X, &truth, &k))
        SKIP("skipped: %s/embeddings/yale not found", th_shared());
    int *l = malloc(X.rows * sizeof(int));
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.k = k;
    CHECK(fc_spectral(&X, &p, l) == 0);
    double a = tu_ari(l, truth, X.rows);
    fprintf(stderr, "  yale: spectral rbf ARI %.3f (sklearn: 1.000)\n", a);
    CHECK(a > 0.95);
    free(l), free(truth);
    fc_mat_free(&X);
}

/* Residuals and orthogonality of the returned eigenpairs, in both precisions, on a problem with many
 * wanted vectors (m = 40 of 200, like lfw3's K/N): x_j = D^1/2 u_j (undoing the scaling) must satisfy
 * |L x_j - λ_j x_j| small, x_i·x_j = δ_ij, and the λ_j must be the m smallest eigenvalues (compared with
 * the values-only solve of the whole spectrum). */
static void check_pairs(int float_rows, double tol)
{
    enum { N = 200, M = 40 };
    fc_mat X, A, E;
    int truth[N];
    tu_blobs(&X, truth, 8, 25, 10, 1.0, 0.6, 5);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.gamma = 0.5;
    fc_affinity_matrix(&X, &p, &A);
    static double L[N * N], dd[N], all[N], ev[M];
    for (int i = 0; i < N; i++) {
        double s = 0;
        for (int j = 0; j < N; j++)
            s += i == j ? 0 : A.data[i * N + j];
        dd[i] = sqrt(s);
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            L[i * N + j] = i == j ? 1.0 : -A.data[i * N + j] / (dd[i] * dd[j]);
    fc_spectral_set_float_rows((size_t)float_rows);
    CHECK(fc_spectral_embedding(&A, M, 1, &E, ev) == 0);
    fc_mat_free(&A);
    fc_affinity_matrix(&X, &p, &A);
    CHECK(fc_spectral_embedding(&A, N, 0, NULL, all) == 0);
    fc_spectral_set_float_rows(0);
    double res = 0, orth = 0, val = 0;
    for (int j = 0; j < M; j++) {
        val = fmax(val, fabs(ev[j] - all[j]));
        for (int i = 0; i < N; i++) {
            double r = -ev[j] * E.data[i * M + j] * dd[i];
            for (int k = 0; k < N; k++)
                r += L[i * N + k] * E.data[k * M + j] * dd[k];
            res = fmax(res, fabs(r));
        }
        for (int k = 0; k <= j; k++) {
            double s = 0;
            for (int i = 0; i < N; i++)
                s += E.data[i * M + j] * E.data[i * M + k] * dd[i] * dd[i];
            orth = fmax(orth, fabs(s - (j == k)));
        }
    }
    fprintf(stderr, "  %s: max residual %.2g, max |XtX - I| %.2g, max eigenvalue error %.2g\n",
            float_rows < N ? "float" : "double", res, orth, val);
    CHECK(res < tol);
    CHECK(orth < tol);
    CHECK(val < tol);
    CHECK(ev[M - 1] > ev[0] + 0.1); /* a spread spectrum: the checks are not trivially met */
    fc_mat_free(&A);
    fc_mat_free(&E);
    fc_mat_free(&X);
}

static void test_residuals(void)
{
    check_pairs(1000, 1e-10); /* double */
    check_pairs(100, 2e-5);   /* single precision above 100 rows */
}

TEST_MAIN(RUN(test_two_triangles), RUN(test_path_sign_and_scaling), RUN(test_affinities), RUN(test_float_path),
          RUN(test_blobs_knn_and_registry), RUN(test_yale), RUN(test_residuals))
