/* test_kmeans_fast.c — the speed-ups of kmeans.c change how, not what, it computes:
 * - the k-means++ seeding from the Gram matrix picks the same centres as the streaming kernel, and on
 *   integer data (where every float and double operation is exact) the same as a plain double reference
 *   written here from sklearn's description;
 * - restarts run in parallel give the labels of the sequential loop, with and without the Gram matrix;
 * - the Elkan iterations (lazy bounds, second-centre test, Gram first step) give plain Lloyd's labels,
 *   mid-run and at convergence.
 */
#include "cluster/kmeans_internal.h"
#include "facecluster/cluster.h"
#include "facecluster/rng.h"
#include "harness.h"

/* integer coordinates in [-r, r] (with cluster offsets): all dot products exact in float */
static fc_mat int_data(size_t n, size_t d, int groups, int r, uint64_t seed)
{
    fc_mat X;
    fc_mat_alloc(&X, n, d);
    fc_rng g;
    fc_rng_init(&g, seed);
    for (size_t i = 0; i < n; i++) {
        int grp = (int)fc_rng_below(&g, (uint64_t)groups);
        for (size_t t = 0; t < d; t++)
            X.data[i * d + t] = (double)((int)fc_rng_below(&g, 2 * (uint64_t)r + 1) - r) + 6.0 * ((grp >> (t % 4)) & 1);
    }
    return X;
}

/* gaussian blobs, unit-normalised rows like face embeddings */
static fc_mat blob_data(size_t n, size_t d, int groups, double spread, uint64_t seed)
{
    fc_mat X, C;
    fc_mat_alloc(&X, n, d);
    fc_mat_alloc(&C, (size_t)groups, d);
    fc_rng g;
    fc_rng_init(&g, seed);
    for (size_t i = 0; i < (size_t)groups * d; i++)
        C.data[i] = fc_rng_normal(&g);
    for (size_t i = 0; i < n; i++) {
        size_t grp = (size_t)fc_rng_below(&g, (uint64_t)groups);
        double s = 0;
        for (size_t t = 0; t < d; t++) {
            double v = C.data[grp * d + t] + spread * fc_rng_normal(&g);
            X.data[i * d + t] = v;
            s += v * v;
        }
        for (size_t t = 0; t < d; t++)
            X.data[i * d + t] /= sqrt(s);
    }
    fc_mat_free(&C);
    return X;
}

/* Plain greedy k-means++ in double, straight from the description: first centre uniform, then per step
 * 2 + int(ln K) candidates drawn by searchsorted(cumsum(D²), u * sum(D²)), the candidate lowering the
 * potential most (the first on ties) kept. The same random draws as the library. */
static void ref_seeding(const fc_mat *X, int k, uint64_t seed, size_t *ids)
{
    size_t n = X->rows, d = X->cols;
    int trials = 2 + (int)log((double)k);
    double *D = malloc(n * sizeof(double)), *cum = malloc(n * sizeof(double)), *best = malloc(n * sizeof(double));
    double *tmp = malloc(n * sizeof(double));
    fc_rng g;
    fc_rng_init(&g, seed);
    ids[0] = (size_t)fc_rng_below(&g, n);
    double pot = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t t = 0; t < d; t++)
            s += (X->data[i * d + t] - X->data[ids[0] * d + t]) * (X->data[i * d + t] - X->data[ids[0] * d + t]);
        D[i] = s;
        pot += s;
    }
    for (int c = 1; c < k; c++) {
        double run = 0;
        for (size_t i = 0; i < n; i++)
            cum[i] = run += D[i];
        double bp = 0;
        size_t bid = 0;
        for (int t = 0; t < trials; t++) {
            double r = fc_rng_uniform(&g) * pot;
            size_t id = 0;
            while (id < n && cum[id] < r)
                id++;
            if (id == n)
                id = n - 1;
            double s = 0;
            for (size_t i = 0; i < n; i++) {
                double q = 0;
                for (size_t f = 0; f < d; f++)
                    q += (X->data[i * d + f] - X->data[id * d + f]) * (X->data[i * d + f] - X->data[id * d + f]);
                tmp[i] = q < D[i] ? q : D[i];
                s += tmp[i];
            }
            if (t == 0 || s < bp) {
                bp = s;
                bid = id;
                memcpy(best, tmp, n * sizeof(double));
            }
        }
        memcpy(D, best, n * sizeof(double));
        pot = bp;
        ids[c] = bid;
    }
    free(D);
    free(cum);
    free(best);
    free(tmp);
}

static int same_ids(const size_t *a, const size_t *b, int k)
{
    for (int i = 0; i < k; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void test_seeding_gram_equals_streaming_and_reference(void)
{
    struct { size_t n, d; int groups, r, k; } sets[] = {{400, 16, 9, 3, 25}, {1100, 24, 16, 4, 90}, {257, 7, 3, 1, 40}};
    for (int s = 0; s < 3; s++) {
        fc_mat X = int_data(sets[s].n, sets[s].d, sets[s].groups, sets[s].r, 100 + (uint64_t)s);
        int k = sets[s].k;
        size_t *a = malloc((size_t)k * sizeof(size_t)), *b = malloc((size_t)k * sizeof(size_t));
        size_t *r = malloc((size_t)k * sizeof(size_t));
        for (uint64_t seed = 0; seed < 4; seed++) {
            CHECK(fc_kmeans_plusplus(&X, k, seed, 1, a) == 0);
            CHECK(fc_kmeans_plusplus(&X, k, seed, 0, b) == 0);
            ref_seeding(&X, k, seed, r);
            CHECK(same_ids(a, b, k));
            CHECK(same_ids(a, r, k));
        }
        free(a);
        free(b);
        free(r);
        fc_mat_free(&X);
    }
    /* float data: the Gram matrix holds bit for bit the streaming kernel's dot products */
    fc_mat X = blob_data(1500, 40, 60, 0.3, 7);
    size_t a[120], b[120];
    for (uint64_t seed = 0; seed < 3; seed++) {
        CHECK(fc_kmeans_plusplus(&X, 120, seed, 1, a) == 0);
        CHECK(fc_kmeans_plusplus(&X, 120, seed, 0, b) == 0);
        CHECK(same_ids(a, b, 120));
    }
    /* the test can fail: another seed picks other centres */
    CHECK(fc_kmeans_plusplus(&X, 120, 99, 1, b) == 0 && !same_ids(a, b, 120));
    fc_mat_free(&X);
}

static void test_parallel_restarts_identical(void)
{
    fc_mat X = blob_data(2000, 32, 50, 0.35, 11);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.k = 60;
    p.n_init = 7;
    int *l[4];
    for (int v = 0; v < 4; v++)
        l[v] = malloc(X.rows * sizeof(int));
    for (uint64_t seed = 0; seed < 3; seed++) {
        p.seed = seed;
        /* threads 1: one generator carried through the restarts; more: each restart's state precomputed */
        fc_kmeans_opts o[4] = {{1, 1}, {1, 2}, {0, 1}, {0, 3}};
        for (int v = 0; v < 4; v++)
            CHECK(fc_kmeans_ex(&X, &p, &o[v], l[v]) == 0);
        for (int v = 1; v < 4; v++)
            CHECK(memcmp(l[0], l[v], X.rows * sizeof(int)) == 0);
    }
    /* the public entry point is the same computation */
    CHECK(fc_kmeans(&X, &p, l[1]) == 0 && memcmp(l[0], l[1], X.rows * sizeof(int)) == 0);
    for (int v = 0; v < 4; v++)
        free(l[v]);
    fc_mat_free(&X);
}

/* Plain Lloyd from the seeded centres (every distance in double), sklearn's loop: E-step, M-step, stop on
 * unchanged labels or after max_iter (then one more E-step). No empty clusters arise on these blobs. */
static int ref_lloyd(const fc_mat *X, const size_t *ids, int k, int max_iter, int *lab)
{
    size_t n = X->rows, d = X->cols;
    double *C = malloc((size_t)k * d * sizeof(double)), *w = malloc((size_t)k * sizeof(double));
    int *old = malloc(n * sizeof(int)), empty = 0;
    for (int j = 0; j < k; j++)
        memcpy(C + (size_t)j * d, X->data + ids[j] * d, d * sizeof(double));
    for (int it = 0; it <= max_iter; it++) {
        for (size_t i = 0; i < n; i++) {
            double best = INFINITY;
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (size_t t = 0; t < d; t++)
                    s += (X->data[i * d + t] - C[(size_t)j * d + t]) * (X->data[i * d + t] - C[(size_t)j * d + t]);
                if (s < best) {
                    best = s;
                    lab[i] = j;
                }
            }
        }
        if (it == max_iter || (it > 0 && !memcmp(old, lab, n * sizeof(int))))
            break;
        memcpy(old, lab, n * sizeof(int));
        memset(C, 0, (size_t)k * d * sizeof(double));
        memset(w, 0, (size_t)k * sizeof(double));
        for (size_t i = 0; i < n; i++) {
            w[lab[i]] += 1;
            for (size_t t = 0; t < d; t++)
                C[(size_t)lab[i] * d + t] += X->data[i * d + t];
        }
        for (int j = 0; j < k; j++) {
            empty |= w[j] == 0;
            for (size_t t = 0; t < d; t++)
                C[(size_t)j * d + t] /= w[j] > 0 ? w[j] : 1;
        }
    }
    free(C);
    free(w);
    free(old);
    return !empty;
}

/* The Elkan iterations (lazy bounds, second-centre test, first step from the Gram matrix or GEMM) give
 * plain Lloyd's labels: after a few iterations (mid-run, bounds loose) and at convergence. */
static void test_elkan_equals_plain_lloyd(void)
{
    fc_mat X = blob_data(1800, 24, 40, 1.0, 5);
    size_t n = X.rows;
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.k = 70;
    p.n_init = 1;
    p.tol = 0; /* only unchanged labels (or max_iter) stop the loop */
    int *lab = malloc(n * sizeof(int)), *ref = malloc(n * sizeof(int));
    size_t ids[70];
    int iters[] = {1, 2, 4, 7, 300};
    for (uint64_t seed = 0; seed < 2; seed++) {
        p.seed = seed;
        CHECK(fc_kmeans_plusplus(&X, p.k, seed, 1, ids) == 0);
        for (int v = 0; v < 5; v++) {
            CHECK(ref_lloyd(&X, ids, p.k, iters[v], ref));
            p.max_iter = iters[v];
            for (int gram = 0; gram < 2; gram++) {
                fc_kmeans_opts o = {gram, 1};
                CHECK(fc_kmeans_ex(&X, &p, &o, lab) == 0);
                CHECK(memcmp(lab, ref, n * sizeof(int)) == 0);
            }
        }
    }
    free(lab);
    free(ref);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_seeding_gram_equals_streaming_and_reference); RUN(test_parallel_restarts_identical);
          RUN(test_elkan_equals_plain_lloyd))
