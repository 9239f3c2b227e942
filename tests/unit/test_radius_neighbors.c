/* test_radius_neighbors.c — fc_radius_neighbors(_dims) against a brute-force double reference: the same
 * neighbour sets, in the same order, for every screen width (principal directions 16 .. 96, automatic,
 * full), on real embeddings (personal, orl) and on synthetic data with duplicates, points at exactly the
 * radius, large offsets, D not a multiple of 16, tiny N and p >= D. */
#include "harness.h"

#include "facecluster/distance.h"
#include "facecluster/npy.h"
#include "facecluster/rng.h"

/* The reference: |xi|² + |xj|² − 2 xi·xj with left-to-right sums, <= r², self included. Returns the number
 * of rows whose list differs from nb (and prints the first few). */
static size_t mismatches(const fc_mat *X, double radius, const fc_neighbors *nb, size_t *pairs)
{
    size_t n = X->rows, d = X->cols, bad = 0;
    double r2 = radius * radius;
    double *norms = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t k = 0; k < d; k++)
            s += X->data[i * d + k] * X->data[i * d + k];
        norms[i] = s;
    }
    *pairs = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = nb->offsets[i];
        int row_bad = 0;
        for (size_t j = 0; j < n; j++) {
            double dot = 0;
            for (size_t t = 0; t < d; t++)
                dot += X->data[i * d + t] * X->data[j * d + t];
            double q = i == j ? 0 : norms[i] + norms[j] - 2 * dot;
            if ((q < 0 ? 0 : q) <= r2) {
                (*pairs)++;
                if (k >= nb->offsets[i + 1] || nb->index[k] != (int)j) {
                    if (bad < 3 && !row_bad)
                        fprintf(stderr, "  radius %g row %zu: want %zu (d² %.17g) got %d\n", radius, i, j, q,
                                k < nb->offsets[i + 1] ? nb->index[k] : -1);
                    row_bad = 1;
                } else if (nb->dist && fabs(nb->dist[k] - sqrt(q > 0 ? q : 0)) > 1e-12)
                    row_bad = 1;
                k++;
            }
        }
        if (k != nb->offsets[i + 1])
            row_bad = 1;
        bad += row_bad;
    }
    free(norms);
    return bad;
}

/* Checks every screen width at this radius; returns the reference pair count (self pairs included). */
static size_t check_all(const fc_mat *X, double radius, const char *what)
{
    const size_t dims[] = {0, 16, 32, 48, 96, 100000};
    size_t pairs = 0;
    for (int t = 0; t < 6; t++) {
        fc_neighbors nb;
        int rc = fc_radius_neighbors_dims(X, radius, t == 1, dims[t], &nb);
        CHECK(rc == 0);
        if (rc)
            continue;
        size_t bad = mismatches(X, radius, &nb, &pairs);
        if (bad)
            fprintf(stderr, "  %s radius %g dims %zu: %zu rows differ\n", what, radius, dims[t], bad);
        CHECK(bad == 0);
        fc_neighbors_free(&nb);
    }
    return pairs;
}

static void normalise(fc_mat *X)
{
    for (size_t i = 0; i < X->rows; i++) {
        double *r = X->data + i * X->cols, s = 0;
        for (size_t k = 0; k < X->cols; k++)
            s += r[k] * r[k];
        for (size_t k = 0; k < X->cols && s > 0; k++)
            r[k] /= sqrt(s);
    }
}

static void test_real_embeddings(void)
{
    const char *sets[] = {"personal", "orl"};
    int found = 0;
    for (int s = 0; s < 2; s++) {
        char rel[128], path[1024];
        snprintf(rel, sizeof rel, "embeddings/%s/emb.npy", sets[s]);
        if (!th_shared_path(path, sizeof path, rel))
            continue;
        fc_mat X;
        CHECK(fc_npy_read_matrix(path, &X) == 0);
        normalise(&X);
        found++;
        size_t n = X.rows;
        size_t p6 = check_all(&X, 0.6, sets[s]), p8 = check_all(&X, 0.8, sets[s]), p10 = check_all(&X, 1.05, sets[s]);
        CHECK(p6 > n && p6 <= p8 && p8 <= p10 && p10 < n * n); /* real neighbours, not everything */
        fc_mat_free(&X);
    }
    if (!found)
        SKIP("skipped: %s/embeddings/personal and orl not found", th_shared());
}

/* Low-rank data (rank 12 plus a little noise) in D = 100, normalised: the principal screen is selective. */
static void test_low_rank_synthetic(void)
{
    size_t n = 500, d = 100, rank = 12;
    fc_mat X, B;
    fc_mat_alloc(&X, n, d);
    fc_mat_alloc(&B, rank, d);
    fc_rng r;
    fc_rng_init(&r, 11);
    for (size_t i = 0; i < rank * d; i++)
        B.data[i] = fc_rng_normal(&r);
    for (size_t i = 0; i < n; i++) {
        double c[12];
        for (size_t t = 0; t < rank; t++)
            c[t] = fc_rng_normal(&r);
        for (size_t k = 0; k < d; k++) {
            double v = 0.02 * fc_rng_normal(&r);
            for (size_t t = 0; t < rank; t++)
                v += c[t] * B.data[t * d + k];
            X.data[i * d + k] = v;
        }
    }
    for (size_t t = 0; t < d; t++) /* duplicates: rows 1, 2 copy row 0; row 3 copies row 499 */
        X.data[d + t] = X.data[2 * d + t] = X.data[t], X.data[3 * d + t] = X.data[(n - 1) * d + t];
    normalise(&X);
    size_t a = check_all(&X, 0.5, "lowrank"), b = check_all(&X, 0.9, "lowrank");
    CHECK(a >= n + 8 && a < b && b < n * n / 2);
    /* the same data far from the origin: float32 of the raw values would lose the distances */
    for (size_t i = 0; i < n * d; i++)
        X.data[i] += 100.0;
    check_all(&X, 0.9, "offset");
    fc_mat_free(&X);
    fc_mat_free(&B);
}

/* Integer points: every distance² is an exact integer, so many pairs sit exactly at radius 2 or 3 and
 * must be in; D = 21 (not a multiple of 16), values up to 4, not normalised. */
static void test_exact_radius_lattice(void)
{
    size_t n = 400, d = 21;
    fc_mat X;
    fc_mat_alloc(&X, n, d);
    fc_rng r;
    fc_rng_init(&r, 3);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            X.data[i * d + k] = i > 0 && fc_rng_uniform(&r) < 0.9 ? X.data[(i - 1) * d + k] : (double)(fc_rng_next(&r) % 5);
    size_t p2 = check_all(&X, 2.0, "lattice"), p3 = check_all(&X, 3.0, "lattice");
    CHECK(p2 > n && p2 < p3);
    /* at least one pair at exactly distance 2 (d² = 4) exists and is listed */
    size_t at = 0;
    for (size_t i = 0; i + 1 < n && !at; i++) {
        double q = 0;
        for (size_t k = 0; k < d; k++)
            q += (X.data[i * d + k] - X.data[(i + 1) * d + k]) * (X.data[i * d + k] - X.data[(i + 1) * d + k]);
        if (q == 4.0)
            at = i + 1;
    }
    CHECK(at > 0);
    fc_neighbors nb;
    CHECK(fc_radius_neighbors_dims(&X, 2.0, 0, 16, &nb) == 0);
    int found = 0;
    for (size_t k = nb.offsets[at - 1]; k < nb.offsets[at]; k++)
        found |= nb.index[k] == (int)at;
    CHECK(found);
    fc_neighbors_free(&nb);
    fc_mat_free(&X);
}

/* N = 1 and 2 (equal and far apart), D = 3 (< 16, so p >= D) and D = 40 forced to principal directions. */
static void test_tiny(void)
{
    for (size_t d = 3; d <= 40; d += 37) {
        fc_mat X;
        fc_mat_alloc(&X, 2, d);
        for (size_t k = 0; k < d; k++)
            X.data[k] = X.data[d + k] = 0.5 * (double)k;
        X.rows = 1;
        check_all(&X, 0.1, "n=1");
        X.rows = 2;
        CHECK(check_all(&X, 0.1, "n=2 equal") == 4);
        X.data[d] += 1.0;
        CHECK(check_all(&X, 0.999, "n=2 apart") == 2);
        CHECK(check_all(&X, 1.0, "n=2 at radius") == 4);
        fc_mat_free(&X);
    }
}

/* Enough rows (>= 2000, D >= 64) for the automatic choice to consider principal directions. */
static void test_automatic_choice(void)
{
    size_t n = 2100, d = 72;
    fc_mat X;
    fc_mat_alloc(&X, n, d);
    fc_rng r;
    fc_rng_init(&r, 7);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++) /* decaying spectrum, like embeddings */
            X.data[i * d + k] = 0.3 * fc_rng_normal(&r) / (1.0 + 0.3 * (double)k) + (double)(i % 7 == k % 7);
    normalise(&X);
    fc_neighbors nb;
    size_t pairs, last = 0;
    for (double rad = 0.3; rad < 1.0; rad += 0.3) {
        CHECK(fc_radius_neighbors(&X, rad, 0, &nb) == 0);
        CHECK(mismatches(&X, rad, &nb, &pairs) == 0);
        CHECK(pairs > last && pairs < n * n / 4); /* grows with the radius, never everything */
        last = pairs;
        fc_neighbors_free(&nb);
    }
    CHECK(last > 4 * n);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_real_embeddings); RUN(test_low_rank_synthetic); RUN(test_exact_radius_lattice); RUN(test_tiny);
          RUN(test_automatic_choice))
