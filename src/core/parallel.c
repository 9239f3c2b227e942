/* parallel.c — BLAS products split across the OpenMP threads, BLAS itself single-threaded (see
 * parallel.h). */
#include "facecluster/parallel.h"

#include <omp.h>

/* OpenBLAS's own (exported) way to end its worker threads, as its fork handler does; the next
 * multi-threaded call starts them again. Weak, so that another BLAS without it still links. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

void fc_blas_park(void)
{
    if (blas_thread_shutdown_ && !omp_in_parallel())
        blas_thread_shutdown_();
}

int fc_blas_serial_begin(void)
{
    int previous = openblas_get_num_threads();
    if (previous != 1)
        openblas_set_num_threads(1);
    fc_blas_park();
    return previous;
}

/* Setting a count above 1 starts the workers again (spinning): only when the caller had them. */
void fc_blas_serial_end(int previous)
{
    if (previous != openblas_get_num_threads())
        openblas_set_num_threads(previous);
}

int fc_blas_threads_begin(void)
{
    int previous = openblas_get_num_threads(), want = omp_get_max_threads();
    if (want > previous && !omp_in_parallel()) /* inside a region each thread keeps its one BLAS thread */
        openblas_set_num_threads(want);
    return previous;
}

void fc_blas_threads_end(int previous)
{
    if (previous != openblas_get_num_threads())
        openblas_set_num_threads(previous);
    if (previous == 1)
        fc_blas_park();
}

/* Below this much work per thread (multiply-adds) the split costs more than it saves. */
enum { MIN_WORK_PER_THREAD = 1 << 18, ROW_ALIGN = 8 };

static int threads_for(double work)
{
    if (omp_in_parallel())
        return 1;
    int t = omp_get_max_threads();
    while (t > 1 && work / t < MIN_WORK_PER_THREAD)
        t--;
    return t;
}

/* [lo, hi) of part `p` of `parts` over `len`, block edges on multiples of ROW_ALIGN */
static void cut(int len, int parts, int p, int *lo, int *hi)
{
    long step = ((long)len + parts - 1) / parts;
    step = (step + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
    long a = step * p, b = a + step;
    *lo = a < len ? (int)a : len;
    *hi = b < len ? (int)b : len;
}

void fc_par_dgemm(enum CBLAS_TRANSPOSE trans_b, int m, int n, int k, double alpha, const double *a, int lda,
                  const double *b, int ldb, double beta, double *c, int ldc)
{
    int t = threads_for((double)m * n * k);
    if (t <= 1) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    int by_rows = m >= n; /* cut the longer side: each block packs the other operand whole */
    int blas = fc_blas_serial_begin();
#pragma omp parallel num_threads(t)
    {
        int lo, hi;
        cut(by_rows ? m : n, t, omp_get_thread_num(), &lo, &hi);
        if (hi > lo) {
            if (by_rows)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, trans_b, hi - lo, n, k, alpha, a + (long)lo * lda, lda, b,
                            ldb, beta, c + (long)lo * ldc, ldc);
            else /* columns lo..hi of op(B): rows of B when transposed, columns otherwise */
                cblas_dgemm(CblasRowMajor, CblasNoTrans, trans_b, m, hi - lo, k, alpha, a, lda,
                            trans_b == CblasNoTrans ? b + lo : b + (long)lo * ldb, ldb, beta, c + lo, ldc);
        }
    }
    fc_blas_serial_end(blas);
}

void fc_par_dgemv(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y)
{
    int t = threads_for((double)m * n);
    if (t <= 1) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
        return;
    }
    int blas = fc_blas_serial_begin();
#pragma omp parallel num_threads(t)
    {
        int lo, hi;
        cut(m, t, omp_get_thread_num(), &lo, &hi);
        if (hi > lo)
            cblas_dgemv(CblasRowMajor, CblasNoTrans, hi - lo, n, alpha, a + (long)lo * lda, lda, x, 1, beta, y + lo, 1);
    }
    fc_blas_serial_end(blas);
}
