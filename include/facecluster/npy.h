/* npy.h — read and write NumPy .npy arrays (format versions 1.0–3.0).
 *
 * Contract:
 *  - fc_npy_read_matrix accepts 2-D arrays of float32, float64, int32 or int64, little- or big-endian,
 *    C order (Fortran order is transposed on load); the result is an owned fc_mat of doubles. The header's
 *    shape must match the file's data size exactly (checked before allocating). Anything else (1-D or
 *    3-D arrays, other dtypes, truncated or padded files) is FC_EFORMAT with a message naming the file.
 *  - The writers produce little-endian C-order version 1.0 files that numpy.load reads.
 */
#ifndef FACECLUSTER_NPY_H
#define FACECLUSTER_NPY_H

#include "facecluster/core.h"

int fc_npy_read_matrix(const char *path, fc_mat *out);
int fc_npy_write_f32(const char *path, const fc_mat *m);
int fc_npy_write_f64(const char *path, const fc_mat *m);
int fc_npy_write_f32_raw(const char *path, const float *data, size_t rows, size_t cols);
int fc_npy_write_i32(const char *path, const int32_t *data, size_t n);

#endif
