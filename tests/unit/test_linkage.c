/* test_linkage.c — the NN-chain dendrogram against a naive reference.
 *
 * The reference merges, at every step, the globally closest pair of live clusters (lowest indices first on
 * ties), with distances between clusters defined from the points themselves (no Lance-Williams):
 * complete = max, average = mean, ward = sqrt(2 |A||B| / (|A|+|B|)) · ||mean A − mean B||. On data with
 * distinct distances both algorithms give the same set of merge heights, so the sorted heights must agree.
 * That reference costs O(N^5), so larger sizes use a second one: the same greedy global-minimum merging on a
 * matrix with Lance-Williams updates (O(N^3)). Sizes above 64 make the NN-chain compact its matrix several
 * times during the run. */
#include "../../src/cluster/linkage.h"
#include "harness.h"

#include "facecluster/core.h"

#include <float.h>

static double pdist(const fc_mat *X, int i, int j)
{
    double s = 0;
    for (size_t k = 0; k < X->cols; k++) {
        double t = fc_mat_row(X, (size_t)i)[k] - fc_mat_row(X, (size_t)j)[k];
        s += t * t;
    }
    return sqrt(s);
}

static double cluster_dist(const fc_mat *X, fc_linkage m, const int *of, int a, int b)
{
    size_t n = X->rows, d = X->cols;
    double best = m == FC_LINK_COMPLETE ? 0 : DBL_MAX, sum = 0;
    double ca[16] = {0}, cb[16] = {0};
    int na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        if (of[i] == a) {
            na++;
            for (size_t k = 0; k < d; k++)
                ca[k] += fc_mat_row(X, i)[k];
        } else if (of[i] == b) {
            nb++;
            for (size_t k = 0; k < d; k++)
                cb[k] += fc_mat_row(X, i)[k];
        }
        if (of[i] != a)
            continue;
        for (size_t j = 0; j < n; j++) {
            if (of[j] != b)
                continue;
            double v = pdist(X, (int)i, (int)j);
            sum += v;
            if (m == FC_LINK_COMPLETE ? v > best : v < best)
                best = v;
        }
    }
    if (m == FC_LINK_AVERAGE)
        return sum / ((double)na * nb);
    if (m == FC_LINK_WARD) {
        double s = 0;
        for (size_t k = 0; k < d; k++) {
            double t = ca[k] / na - cb[k] / nb;
            s += t * t;
        }
        return sqrt(2.0 * na * nb / (na + nb) * s);
    }
    return best;
}

/* Lance-Williams update of d(a ∪ b, i) — the textbook formulas, written independently of linkage.c. */
static double lw(fc_linkage m, double dai, double dbi, double dab, double na, double nb, double ni)
{
    if (m == FC_LINK_COMPLETE)
        return fmax(dai, dbi);
    if (m == FC_LINK_AVERAGE)
        return (na * dai + nb * dbi) / (na + nb);
    double t = na + nb + ni;
    return sqrt(((na + ni) * dai * dai + (nb + ni) * dbi * dbi - ni * dab * dab) / t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_against_naive(size_t n, size_t d, unsigned seed, fc_linkage m)
{
    fc_mat X;
    CHECK(fc_mat_alloc(&X, n, d) == 0);
    srand(seed);
    for (size_t i = 0; i < n * d; i++)
        X.data[i] = (double)rand() / RAND_MAX + (double)(i / d % 5); /* five loose groups */
    fc_merge *mg = malloc((n - 1) * sizeof *mg);
    CHECK(fc_linkage_nn_chain(&X, m, mg) == FC_OK);
    int *of = malloc(n * sizeof *of);
    double *ref = malloc((n - 1) * sizeof *ref), *got = malloc((n - 1) * sizeof *got);
    for (size_t i = 0; i < n; i++)
        of[i] = (int)i;
    int by_definition = n <= 40;
    double *Dm = malloc(n * n * sizeof *Dm), *sz = malloc(n * sizeof *sz);
    for (size_t i = 0; i < n; i++) {
        sz[i] = 1;
        for (size_t j = 0; j < n; j++)
            Dm[i * n + j] = pdist(&X, (int)i, (int)j);
    }
    for (size_t step = 0; step + 1 < n; step++) {
        double best = DBL_MAX;
        int ba = -1, bb = -1;
        for (int a = 0; a < (int)n; a++) {
            if (of[a] != a)
                continue;
            for (int b = a + 1; b < (int)n; b++) {
                if (of[b] != b)
                    continue;
                double v = by_definition ? cluster_dist(&X, m, of, a, b) : Dm[(size_t)a * n + b];
                if (v < best) {
                    best = v;
                    ba = a;
                    bb = b;
                }
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (of[i] == (int)i && (int)i != ba && (int)i != bb) {
                double v = lw(m, Dm[(size_t)ba * n + i], Dm[(size_t)bb * n + i], best, sz[ba], sz[bb], sz[i]);
                Dm[(size_t)ba * n + i] = Dm[i * n + ba] = v;
            }
        }
        sz[ba] += sz[bb];
        for (size_t i = 0; i < n; i++)
            if (of[i] == bb)
                of[i] = ba;
        ref[step] = best;
        got[step] = mg[step].dist;
    }
    free(Dm), free(sz);
    qsort(ref, n - 1, sizeof *ref, cmp_double);
    for (size_t i = 0; i + 1 < n; i++)
        CHECK_NEAR(got[i], ref[i], 1e-9 * (1 + ref[i]));
    for (size_t i = 1; i + 1 < n; i++)
        CHECK(got[i - 1] <= got[i]); /* the contract: merges come sorted by distance */
    free(of), free(ref), free(got), free(mg);
    fc_mat_free(&X);
}

static void test_nn_chain_matches_naive(void)
{
    for (fc_linkage m = FC_LINK_WARD; m <= FC_LINK_AVERAGE; m++) {
        check_against_naive(7, 3, 1, m);     /* below the compaction size */
        check_against_naive(40, 3, 4, m);
        check_against_naive(150, 4, 2, m);   /* compacts at 75, and not again below 64 */
        check_against_naive(300, 2, 3, m);   /* compacts at 150 and 75 */
    }
}

/* Two rows only, and duplicates: the merge at distance 0 comes first and all rows end in one tree. */
static void test_nn_chain_small_and_duplicates(void)
{
    fc_mat X;
    CHECK(fc_mat_alloc(&X, 2, 2) == 0);
    X.data[2] = 3, X.data[3] = 4;
    fc_merge mg[4];
    CHECK(fc_linkage_nn_chain(&X, FC_LINK_WARD, mg) == FC_OK);
    CHECK(mg[0].a == 0 && mg[0].b == 1);
    CHECK_NEAR(mg[0].dist, 5.0, 1e-12);
    fc_mat_free(&X);
    CHECK(fc_mat_alloc(&X, 5, 1) == 0);
    double v[5] = {0, 1, 1, 5, 0};
    memcpy(X.data, v, sizeof v);
    CHECK(fc_linkage_nn_chain(&X, FC_LINK_COMPLETE, mg) == FC_OK);
    CHECK(mg[0].dist == 0 && mg[1].dist == 0);
    CHECK_NEAR(mg[3].dist, 5.0, 1e-12);
    fc_mat_free(&X);
}

/* scipy's nn_chain written out plainly (full symmetric matrix, a scan of the whole row at every chain step,
 * both halves updated), with the same Lance-Williams expressions as linkage.c. */
static void scipy_nn_chain(const double *D0, size_t n, fc_linkage m, fc_merge *out)
{
    double *D = malloc(n * n * sizeof *D), *size = malloc(n * sizeof *size);
    int *chain = malloc(n * sizeof *chain), len = 0;
    memcpy(D, D0, n * n * sizeof *D);
    for (size_t i = 0; i < n; i++)
        size[i] = 1;
    for (size_t k = 0; k + 1 < n; k++) {
        if (len == 0)
            for (size_t i = 0; i < n; i++)
                if (size[i] > 0) {
                    chain[len++] = (int)i;
                    break;
                }
        int x, y = -1;
        double cur;
        for (;;) {
            x = chain[len - 1];
            cur = INFINITY;
            if (len > 1) {
                y = chain[len - 2];
                cur = D[(size_t)x * n + y];
            }
            for (size_t i = 0; i < n; i++)
                if (size[i] > 0 && (int)i != x && D[(size_t)x * n + i] < cur)
                    cur = D[(size_t)x * n + i], y = (int)i;
            if (len > 1 && y == chain[len - 2])
                break;
            chain[len++] = y;
        }
        len -= 2;
        if (x > y) {
            int t = x;
            x = y;
            y = t;
        }
        double nx = size[x], ny = size[y];
        out[k].a = x, out[k].b = y, out[k].dist = cur;
        size[x] = 0;
        size[y] = nx + ny;
        for (size_t i = 0; i < n; i++) {
            double ni = size[i];
            if (ni == 0 || (int)i == y)
                continue;
            double dxi = D[(size_t)x * n + i], dyi = D[(size_t)y * n + i], v;
            if (m == FC_LINK_COMPLETE)
                v = dxi > dyi ? dxi : dyi;
            else if (m == FC_LINK_AVERAGE)
                v = (nx * dxi + ny * dyi) / (nx + ny);
            else {
                double t = 1.0 / (nx + ny + ni);
                v = sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * cur * cur);
            }
            D[(size_t)y * n + i] = D[i * n + y] = v;
        }
    }
    free(D), free(size), free(chain);
    fc_merges_sort(out, n - 1);
}

/* Points on a small integer grid (exact distances, many duplicates and equal distances, so every tie rule
 * matters), more rows than one 256-row tile and enough to compact twice: the merge list must be scipy's
 * exactly (same pairs, same order, same distances to the bit). */
static void test_nn_chain_ties_match_scipy_order(void)
{
    size_t n = 700, d = 2;
    fc_mat X;
    CHECK(fc_mat_alloc(&X, n, d) == 0);
    srand(7);
    for (size_t i = 0; i < n * d; i++)
        X.data[i] = (double)(rand() % 9);
    double *D = malloc(n * n * sizeof *D);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            D[i * n + j] = pdist(&X, (int)i, (int)j);
    fc_merge *got = malloc((n - 1) * sizeof *got), *want = malloc((n - 1) * sizeof *want);
    for (fc_linkage m = FC_LINK_WARD; m <= FC_LINK_AVERAGE; m++) {
        CHECK(fc_linkage_nn_chain(&X, m, got) == FC_OK);
        scipy_nn_chain(D, n, m, want);
        size_t bad = 0;
        for (size_t k = 0; k + 1 < n; k++)
            bad += got[k].a != want[k].a || got[k].b != want[k].b || got[k].dist != want[k].dist;
        CHECK(bad == 0);
    }
    free(got), free(want), free(D);
    fc_mat_free(&X);
}

TEST_MAIN(RUN(test_nn_chain_matches_naive); RUN(test_nn_chain_small_and_duplicates);
          RUN(test_nn_chain_ties_match_scipy_order);)
