/* matrix.c — fc_mat storage, row selection, normalisation, and a few system facts (see core.h). */
#include "facecluster/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

void *fc_malloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        fc_fail(FC_ENOMEM, "allocation of %zu x %zu bytes overflows", count, size);
        return NULL;
    }
    size_t bytes = count * size;
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        fc_fail(FC_ENOMEM, "out of memory allocating %zu bytes", count * size);
    return p;
}

void *fc_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        fc_fail(FC_ENOMEM, "out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

int fc_mat_alloc(fc_mat *m, size_t rows, size_t cols)
{
    m->rows = rows;
    m->cols = cols;
    m->data = fc_calloc(rows * cols, sizeof(double));
    if (cols && rows > SIZE_MAX / cols)
        return fc_fail(FC_ENOMEM, "matrix %zu x %zu is too large", rows, cols);
    return m->data ? FC_OK : FC_ENOMEM;
}

void fc_mat_free(fc_mat *m)
{
    free(m->data);
    m->data = NULL;
    m->rows = m->cols = 0;
}

int fc_mat_take_rows(const fc_mat *src, const size_t *rows, size_t n, fc_mat *dst)
{
    int rc = fc_mat_alloc(dst, n, src->cols);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        memcpy(fc_mat_row(dst, i), fc_mat_row(src, rows[i]), src->cols * sizeof(double));
    return FC_OK;
}

double fc_mat_l2_normalize_rows(fc_mat *m)
{
    double dev = 0;
    for (size_t i = 0; i < m->rows; i++) {
        double *r = fc_mat_row(m, i), s = 0;
        for (size_t j = 0; j < m->cols; j++)
            s += r[j] * r[j];
        double norm = sqrt(s);
        dev += fabs(norm - 1.0);
        if (norm > 0)
            for (size_t j = 0; j < m->cols; j++)
                r[j] /= norm;
    }
    return m->rows ? dev / (double)m->rows : 0.0;
}

uint64_t fc_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return (pages > 0 && page > 0) ? (uint64_t)pages * (uint64_t)page : (uint64_t)4 << 30;
}

double fc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t fc_peak_rss(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)ru.ru_maxrss * 1024u;
}
