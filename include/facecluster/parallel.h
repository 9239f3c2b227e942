/* parallel.h — one pool of threads for BLAS products and the loops around them.
 *
 * Why: the pthreads build of OpenBLAS keeps worker threads of its own that busy-wait for a while after
 * every multi-threaded call (2^28 cycles by default, about 0.1 s). An OpenMP region started in that time
 * competes with them for the cores: on this 2-core machine a DBSCAN fit on lfw3 took 70 ms of wall time
 * instead of 30 ms, and mean-shift spent a third of its CPU time spinning. Code that alternates products
 * and OpenMP loops therefore runs BLAS single-threaded and splits the products across the OpenMP threads
 * itself, so that there is only one pool.
 *
 * Contract:
 *  - fc_blas_park() ends OpenBLAS's idle worker threads at once instead of letting them spin (they spin
 *    from the moment the library loads, too); its next multi-threaded call starts them again, in ~0.1 ms.
 *    Only while no other thread is inside a multi-threaded BLAS call (single-threaded calls are safe).
 *  - fc_blas_serial_begin() sets OpenBLAS to one thread, parks its workers and returns the previous
 *    count; fc_blas_serial_end(prev) sets the count back (which starts the workers again when prev > 1).
 *    Call both outside OpenMP parallel regions (the setting is process-wide); nesting is fine. A method
 *    that alternates BLAS and OpenMP loops runs whole inside one such section, so that the fc_par_*
 *    calls inside it find BLAS single-threaded already and change nothing. The program (main.c) enters
 *    one at start-up for the whole process.
 *  - fc_blas_threads_begin() raises OpenBLAS to the OpenMP thread count for one big call that only BLAS
 *    can parallelise (LAPACK's dense eigensolvers) and returns the previous count;
 *    fc_blas_threads_end(prev) sets it back and parks the workers when prev is 1.
 *  - fc_par_dgemm is cblas_dgemm for row-major storage with A not transposed: C = alpha·A·op(B) + beta·C,
 *    A M×K, op(B) K×N, C M×N. The rows (or, when M is small, the columns) of C are cut into one contiguous
 *    block per OpenMP thread, each computed by a single-threaded cblas_dgemm. Called inside a parallel
 *    region it is one plain cblas_dgemm. The elements equal one whole call's to the rounding of the
 *    products, not bit for bit: OpenBLAS's results move by an ulp or so with the block shapes, as they do
 *    with its own thread count.
 *  - fc_par_dgemv: y = alpha·A·x + beta·y (row-major A M×N, not transposed), rows cut the same way.
 */
#ifndef FACECLUSTER_PARALLEL_H
#define FACECLUSTER_PARALLEL_H

#include <cblas.h>

void fc_blas_park(void);
int fc_blas_serial_begin(void);
void fc_blas_serial_end(int previous);
int fc_blas_threads_begin(void);
void fc_blas_threads_end(int previous);

void fc_par_dgemm(enum CBLAS_TRANSPOSE trans_b, int m, int n, int k, double alpha, const double *a, int lda,
                  const double *b, int ldb, double beta, double *c, int ldc);
void fc_par_dgemv(int m, int n, double alpha, const double *a, int lda, const double *x, double beta, double *y);

#endif
