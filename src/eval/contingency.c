/* contingency.c — the sparse contingency table of two labellings (see metrics.h).
 *
 * Labels are renumbered in sorted order of their values (like numpy.unique, so sums run in the same order
 * as scikit-learn's), noise points becoming unique values above every real label when each is a
 * singleton. Cells are found by sorting the N (row, col) keys: O(N log N) time, O(N) memory, whatever
 * the number of clusters.
 */
#include "facecluster/metrics.h"
#include "facecluster/core.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t v;
    size_t i;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* ids[i] = dense id of lab[i]; *k = distinct values; *counts (owned by the caller) = items per id. */
static int dense_ids(const int *lab, size_t n, fc_noise_mode mode, size_t *ids, size_t *k, int64_t **counts)
{
    keyed *kv = fc_malloc(n, sizeof *kv);
    if (!kv)
        return FC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int64_t v = lab[i];
        if (v < 0)
            v = mode == FC_NOISE_SINGLETONS ? (int64_t)INT_MAX + 1 + (int64_t)i : -1;
        kv[i].v = v;
        kv[i].i = i;
    }
    qsort(kv, n, sizeof *kv, cmp_keyed);
    size_t distinct = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == 0 || kv[j].v != kv[j - 1].v)
            distinct++;
        ids[kv[j].i] = distinct - 1;
    }
    int64_t *cnt = fc_calloc(distinct ? distinct : 1, sizeof *cnt);
    if (!cnt) {
        free(kv);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        cnt[ids[i]]++;
    free(kv);
    *k = distinct;
    *counts = cnt;
    return FC_OK;
}

void fc_contingency_free(fc_contingency *c)
{
    free(c->a);
    free(c->b);
    free(c->cell_row);
    free(c->cell_col);
    free(c->cell);
    memset(c, 0, sizeof *c);
}

int fc_contingency_build(const int *truth, const int *pred, size_t n, fc_noise_mode mode, fc_contingency *c)
{
    memset(c, 0, sizeof *c);
    if (n == 0)
        return fc_fail(FC_EARG, "contingency: no items to score");
    if ((uint64_t)n > 0xFFFFFFFFULL)
        return fc_fail(FC_EARG, "contingency: %zu items is more than supported (2^32)", n);
    size_t *ti = fc_malloc(n, sizeof *ti), *pi = fc_malloc(n, sizeof *pi);
    uint64_t *keys = fc_malloc(n, sizeof *keys);
    int rc = (ti && pi && keys) ? FC_OK : FC_ENOMEM;
    if (!rc)
        rc = dense_ids(truth, n, mode, ti, &c->rows, &c->a);
    if (!rc)
        rc = dense_ids(pred, n, mode, pi, &c->cols, &c->b);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            keys[i] = (uint64_t)ti[i] * c->cols + pi[i];
        qsort(keys, n, sizeof *keys, cmp_u64);
        size_t nnz = 0;
        for (size_t i = 0; i < n; i++)
            nnz += (i == 0 || keys[i] != keys[i - 1]);
        c->cell_row = fc_malloc(nnz, sizeof(size_t));
        c->cell_col = fc_malloc(nnz, sizeof(size_t));
        c->cell = fc_malloc(nnz, sizeof(int64_t));
        if (!c->cell_row || !c->cell_col || !c->cell)
            rc = FC_ENOMEM;
        else {
            size_t j = 0;
            for (size_t i = 0; i < n; i++) {
                if (i == 0 || keys[i] != keys[i - 1]) {
                    c->cell_row[j] = keys[i] / c->cols;
                    c->cell_col[j] = keys[i] % c->cols;
                    c->cell[j++] = 0;
                }
                c->cell[j - 1]++;
            }
            c->nnz = nnz;
            c->n = n;
        }
    }
    free(ti);
    free(pi);
    free(keys);
    if (rc) {
        fc_contingency_free(c);
        return fc_fail(FC_ENOMEM, "contingency: out of memory for %zu items", n);
    }
    return FC_OK;
}
