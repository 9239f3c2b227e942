/* core.h — errors, matrices and small shared utilities of libfacecluster.
 *
 * Contract:
 *  - Library functions that can fail return an int: 0 on success, a negative FC_E* code on failure, and
 *    leave a one-line, human-readable reason in a thread-local buffer read with fc_last_error().
 *    The reason names the file or argument at fault; callers print it as is.
 *  - fc_mat is a dense row-major matrix of doubles that owns its storage (free with fc_mat_free).
 *    Clustering and evaluation work in double precision so that ties and thresholds behave like
 *    scikit-learn's float64 code paths.
 *  - Nothing here prints, except fc_warn(), which writes one line to stderr unless fc_set_quiet(1).
 */
#ifndef FACECLUSTER_CORE_H
#define FACECLUSTER_CORE_H

#include <stddef.h>
#include <stdint.h>

#define FC_VERSION "0.1.0"

enum {
    FC_OK = 0,
    FC_EIO = -1,      /* a file could not be opened, read or written */
    FC_EFORMAT = -2,  /* a file's content is not what was expected */
    FC_EARG = -3,     /* a bad argument or option value */
    FC_ENOMEM = -4,   /* an allocation failed or would exceed the memory budget */
    FC_EUNSUP = -5,   /* valid, but not supported by this build */
    FC_EINTERNAL = -6
};

/* Sets the thread's error message (printf-style) and returns `code`, so that `return fc_fail(...)` works. */
int fc_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *fc_last_error(void);

void fc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fc_set_quiet(int quiet);
int fc_is_quiet(void);

/* Allocation helpers: NULL (and an error message) on failure or size overflow. */
void *fc_malloc(size_t count, size_t size);
void *fc_calloc(size_t count, size_t size);

typedef struct fc_mat {
    size_t rows, cols;
    double *data; /* rows*cols values, row-major */
} fc_mat;

int fc_mat_alloc(fc_mat *m, size_t rows, size_t cols); /* zero-filled */
void fc_mat_free(fc_mat *m);
static inline double *fc_mat_row(const fc_mat *m, size_t i) { return m->data + i * m->cols; }
/* Copies the listed rows (in order) into a new matrix. */
int fc_mat_take_rows(const fc_mat *src, const size_t *rows, size_t n, fc_mat *dst);
/* L2-normalises every row in place; rows of zero norm are left as they are. Returns the mean
 * |norm - 1| before normalising, for the "was it already unit norm?" warning. */
double fc_mat_l2_normalize_rows(fc_mat *m);

/* Physical memory of the machine in bytes (for refusing O(N^2) allocations that cannot fit). */
uint64_t fc_physical_memory(void);
/* Monotonic wall clock in seconds. */
double fc_now(void);
/* Peak resident set size of this process in bytes. */
uint64_t fc_peak_rss(void);

#endif
