/* test_sptree.c — the Barnes-Hut quadtree: with theta = 0 every sum equals the brute-force one, with
 * theta = 0.5 the summaries stay close; on maps much wider than tall (the root is the bounding box, split
 * into rectangles) and with duplicate points (the query's own leaf, itself and its duplicates within 1e-6
 * per coordinate, is left out, as scikit-learn's quad tree does). */
#include "facecluster/rng.h"
#include "harness.h"
#include "viz/sptree.h"

#include <math.h>
#include <stdlib.h>

/* Brute force: Z_i and the unnormalised repulsive force on point q, leaving out q and its duplicates
 * (within FC_QTREE_DUP of q in both coordinates; the test maps put no other point that close). */
static double brute(const double *y, size_t n, const double *q, double *force)
{
    double z = 0;
    force[0] = force[1] = 0;
    for (size_t j = 0; j < n; j++) {
        double dx = q[0] - y[2 * j], dy = q[1] - y[2 * j + 1], d2 = dx * dx + dy * dy;
        if (fabs(dx) <= FC_QTREE_DUP && fabs(dy) <= FC_QTREE_DUP)
            continue;
        double w = 1 / (1 + d2);
        z += w;
        force[0] += w * w * dx;
        force[1] += w * w * dy;
    }
    return z;
}

static void check_map(double width, double height, size_t n, int with_duplicates)
{
    fc_rng r;
    fc_rng_init(&r, 7);
    double *y = malloc(2 * n * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        y[2 * i] = width * fc_rng_uniform(&r);
        y[2 * i + 1] = height * fc_rng_uniform(&r);
        if (with_duplicates && i % 5 == 4) { /* every fifth point repeats the one before */
            y[2 * i] = y[2 * i - 2];
            y[2 * i + 1] = y[2 * i - 1];
        }
    }
    fc_qtree t = {0};
    CHECK(fc_qtree_build(&t, y, n) == 0);
    double worst_exact = 0, worst_bh = 0;
    for (size_t i = 0; i < n; i++) {
        double fb[2], f0[2], fh[2];
        double zb = brute(y, n, y + 2 * i, fb);
        double z0 = fc_qtree_repulsion(&t, y + 2 * i, 0.0, f0);
        double zh = fc_qtree_repulsion(&t, y + 2 * i, 0.5, fh);
        double fn = hypot(fb[0], fb[1]) + 1e-12;
        worst_exact = fmax(worst_exact, fabs(z0 - zb) / zb);
        worst_exact = fmax(worst_exact, hypot(f0[0] - fb[0], f0[1] - fb[1]) / fn);
        worst_bh = fmax(worst_bh, fabs(zh - zb) / zb);
    }
    CHECK(worst_exact < 1e-10);
    printf("# %gx%g: worst relative error of Z at theta 0.5: %.4f\n", width, height, worst_bh);
    CHECK(worst_bh < 0.03); /* Barnes-Hut at theta 0.5 is a few per cent off at worst */
    fc_qtree_free(&t);
    free(y);
}

static void test_square_map(void) { check_map(10, 10, 600, 0); }
static void test_wide_map(void) { check_map(100, 1, 600, 0); }
static void test_tall_map_with_duplicates(void) { check_map(0.5, 40, 600, 1); }
static void test_all_points_on_a_line(void) { check_map(10, 0, 200, 0); }

/* A point within 1e-6 of another joins its leaf and stands at its position: neither sees the other, and
 * every other point sees two points at the first one's position (theta 0: no summaries). */
static void test_near_duplicates_share_a_leaf(void)
{
    const double y[] = {0, 0, 0.5e-6, -0.5e-6, 1, 0, 0, 2, 3e-6, 0};
    fc_qtree t = {0};
    CHECK(fc_qtree_build(&t, y, 5) == 0);
    double f[2];
    double z_first = fc_qtree_repulsion(&t, y, 0.0, f);
    double z_far = fc_qtree_repulsion(&t, y + 4, 0.0, f);
    double d_far = (1 - 3e-6) * (1 - 3e-6); /* (1,0) to (3e-6,0), which is 3e-6 away: not a duplicate */
    CHECK_NEAR(z_first, 1 / (1 + 1.0) + 1 / (1 + 4.0) + 1 / (1 + 9e-12), 1e-12);
    CHECK_NEAR(z_far, 2 / (1 + 1.0) + 1 / (1 + 5.0) + 1 / (1 + d_far), 1e-12);
    fc_qtree_free(&t);
}

TEST_MAIN(RUN(test_square_map), RUN(test_wide_map), RUN(test_tall_map_with_duplicates),
          RUN(test_all_points_on_a_line), RUN(test_near_duplicates_share_a_leaf))
