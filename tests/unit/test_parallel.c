/* test_parallel.c — fc_par_dgemm / fc_par_dgemv: every element equal, to the rounding of the products, to
 * one whole single-threaded cblas call (OpenBLAS's own results move by an ulp or so with the shape of the
 * blocks and with its thread count), for blocks cut by rows and by columns, odd sizes, alpha/beta, both
 * op(B), on 1 to 4 OpenMP threads; inside a parallel region they are one plain call;
 * fc_blas_serial_begin/end restore the BLAS thread count. */
#include "facecluster/parallel.h"
#include "facecluster/rng.h"
#include "harness.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

static double *random_matrix(fc_rng *r, size_t count)
{
    double *a = malloc(count * sizeof(double));
    for (size_t i = 0; i < count; i++)
        a[i] = 2 * fc_rng_uniform(r) - 1;
    return a;
}

static void check_gemm(int m, int n, int k, enum CBLAS_TRANSPOSE tb, double beta)
{
    fc_rng r;
    fc_rng_init(&r, (uint64_t)(m * 131 + n * 7 + k));
    double *a = random_matrix(&r, (size_t)m * k), *b = random_matrix(&r, (size_t)n * k);
    double *c0 = random_matrix(&r, (size_t)m * n), *ref = malloc((size_t)m * n * sizeof(double));
    double *got = malloc((size_t)m * n * sizeof(double));
    int ldb = tb == CblasTrans ? k : n;
    memcpy(ref, c0, (size_t)m * n * sizeof(double));
    int blas = fc_blas_serial_begin();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, tb, m, n, k, -2.0, a, k, b, ldb, beta, ref, n);
    fc_blas_serial_end(blas);
    for (int t = 1; t <= 4; t++) {
        omp_set_num_threads(t);
        memcpy(got, c0, (size_t)m * n * sizeof(double));
        fc_par_dgemm(tb, m, n, k, -2.0, a, k, b, ldb, beta, got, n);
        double worst = 0;
        for (size_t e = 0; e < (size_t)m * n; e++)
            worst = fmax(worst, fabs(got[e] - ref[e]));
        printf("# dgemm %dx%dx%d trans_b %d on %d threads: largest difference %.3g\n", m, n, k, tb == CblasTrans, t,
               worst);
        CHECK(worst <= 1e-15 * k * 8); /* products of values in [-1, 1]: a few ulps per term at most */
    }
    omp_set_num_threads(2);
    free(a), free(b), free(c0), free(ref), free(got);
}

static void test_dgemm_matches_one_call(void)
{
    check_gemm(7606, 7606 / 8, 192, CblasTrans, 0.0); /* cut by rows */
    check_gemm(37, 5001, 192, CblasTrans, 0.0);       /* few rows: cut by columns */
    check_gemm(256, 300, 4000, CblasNoTrans, 0.0);    /* long inner dimension (mean-shift's member sums) */
    check_gemm(1001, 999, 13, CblasNoTrans, 0.5);
    check_gemm(3, 3, 3, CblasTrans, 1.0);             /* too small to split */
}

static void test_dgemv_matches_one_call(void)
{
    fc_rng r;
    fc_rng_init(&r, 3);
    int m = 7607, n = 192;
    double *a = random_matrix(&r, (size_t)m * n), *x = random_matrix(&r, (size_t)n);
    double *ref = calloc((size_t)m, sizeof(double)), *got = calloc((size_t)m, sizeof(double));
    int blas = fc_blas_serial_begin();
    cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0, a, n, x, 1, 0.0, ref, 1);
    fc_blas_serial_end(blas);
    for (int t = 1; t <= 4; t++) {
        omp_set_num_threads(t);
        fc_par_dgemv(m, n, 1.0, a, n, x, 0.0, got);
        double worst = 0;
        for (int e = 0; e < m; e++)
            worst = fmax(worst, fabs(got[e] - ref[e]));
        CHECK(worst <= 1e-15 * n * 8);
    }
    omp_set_num_threads(2);
    free(a), free(x), free(ref), free(got);
}

static void test_inside_a_parallel_region(void)
{
    fc_rng r;
    fc_rng_init(&r, 5);
    int m = 300, n = 200, k = 64;
    double *a = random_matrix(&r, (size_t)m * k), *b = random_matrix(&r, (size_t)n * k);
    double *ref = calloc((size_t)m * n, sizeof(double)), *got = calloc(2 * (size_t)m * n, sizeof(double));
    int blas = fc_blas_serial_begin();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, a, k, b, k, 0.0, ref, n);
#pragma omp parallel for num_threads(2)
    for (int i = 0; i < 2; i++)
        fc_par_dgemm(CblasTrans, m, n, k, 1.0, a, k, b, k, 0.0, got + (size_t)i * m * n, n);
    fc_blas_serial_end(blas);
    CHECK(memcmp(got, ref, (size_t)m * n * sizeof(double)) == 0);
    CHECK(memcmp(got + (size_t)m * n, ref, (size_t)m * n * sizeof(double)) == 0);
    free(a), free(b), free(ref), free(got);
}

static void test_serial_restores_the_count(void)
{
    openblas_set_num_threads(2);
    int outer = fc_blas_serial_begin();
    CHECK(openblas_get_num_threads() == 1);
    int inner = fc_blas_serial_begin();
    CHECK(inner == 1);
    fc_blas_serial_end(inner);
    CHECK(openblas_get_num_threads() == 1);
    fc_blas_serial_end(outer);
    CHECK(openblas_get_num_threads() == 2);
}

TEST_MAIN(RUN(test_dgemm_matches_one_call), RUN(test_dgemv_matches_one_call), RUN(test_inside_a_parallel_region),
          RUN(test_serial_restores_the_count))
