/* errors.c — merges, splits, pair counts and the glasses question (see errors.h). */
#include "facecluster/errors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fc_errors_free(fc_error_report *r)
{
    free(r->labels_used);
    free(r->merges);
    free(r->splits);
    memset(r, 0, sizeof *r);
}

static int64_t pairs(int64_t c) { return c * (c - 1) / 2; }

static double dist(const fc_mat *X, size_t a, size_t b)
{
    const double *x = fc_mat_row(X, a), *y = fc_mat_row(X, b);
    double s = 0;
    for (size_t k = 0; k < X->cols; k++)
        s += (x[k] - y[k]) * (x[k] - y[k]);
    return sqrt(s);
}

typedef struct { int a, b; size_t row; } cell_t; /* (primary key, secondary key, row) */

static int cmp_cell(const void *x, const void *y)
{
    const cell_t *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->row < q->row ? -1 : p->row > q->row;
}

static int cmp_merge(const void *x, const void *y)
{
    const fc_merge *p = x, *q = y;
    if (p->bad_pairs != q->bad_pairs)
        return p->bad_pairs > q->bad_pairs ? -1 : 1;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return p->cluster - q->cluster;
}

static int cmp_split(const void *x, const void *y)
{
    const fc_split *p = x, *q = y;
    if (p->bad_pairs != q->bad_pairs)
        return p->bad_pairs > q->bad_pairs ? -1 : 1;
    if (p->size != q->size)
        return p->size > q->size ? -1 : 1;
    return p->identity - q->identity;
}

/* Groups rows by (a, b): cells sorted; returns per-a statistics through the callbacks below. */
int fc_errors_analyze(const fc_mat *X, const int *truth, const int *labels, const int *glasses, size_t detail,
                      fc_error_report *out)
{
    memset(out, 0, sizeof *out);
    size_t n = X->rows;
    if (n == 0)
        return fc_fail(FC_EARG, "errors: no rows");
    out->n = n;
    int *lab = fc_malloc(n, sizeof(int));
    cell_t *byc = fc_malloc(n, sizeof(cell_t)), *byt = fc_malloc(n, sizeof(cell_t));
    if (!lab || !byc || !byt) {
        free(lab), free(byc), free(byt);
        return FC_ENOMEM;
    }
    int next = 0;
    for (size_t i = 0; i < n; i++)
        if (labels[i] + 1 > next)
            next = labels[i] + 1;
    for (size_t i = 0; i < n; i++)
        lab[i] = labels[i] >= 0 ? labels[i] : next++;
    out->labels_used = lab;
    int kt = 0;
    for (size_t i = 0; i < n; i++) {
        byc[i] = (cell_t){lab[i], truth[i], i};
        byt[i] = (cell_t){truth[i], lab[i], i};
        if (truth[i] + 1 > kt)
            kt = truth[i] + 1;
    }
    qsort(byc, n, sizeof *byc, cmp_cell);
    qsort(byt, n, sizeof *byt, cmp_cell);

    /* Merges: walk clusters; within a cluster, runs of equal identity. */
    size_t cap = 16, nm = 0;
    fc_merge *m = fc_malloc(cap, sizeof *m);
    int64_t same_cluster_pairs = 0, tp = 0;
    for (size_t a = 0; a < n && m;) {
        size_t b = a;
        int nid = 0;
        int64_t in_pairs = 0;
        while (b < n && byc[b].a == byc[a].a) {
            size_t c = b;
            while (c < n && byc[c].a == byc[a].a && byc[c].b == byc[b].b)
                c++;
            in_pairs += pairs((int64_t)(c - b));
            nid++;
            b = c;
        }
        out->k_found++;
        int64_t all = pairs((int64_t)(b - a));
        same_cluster_pairs += all;
        tp += in_pairs;
        if (nid > 1) {
            if (nm == cap) {
                fc_merge *g = realloc(m, 2 * cap * sizeof *m);
                if (!g) {
                    free(m);
                    m = NULL;
                    break;
                }
                m = g, cap *= 2;
            }
            m[nm++] = (fc_merge){byc[a].a, b - a, nid, all - in_pairs, NAN, -1, -1};
        }
        a = b;
    }
    /* Splits: walk identities; within an identity, runs of equal cluster. */
    size_t cap2 = 16, ns = 0;
    fc_split *s = fc_malloc(cap2, sizeof *s);
    int64_t same_id_pairs = 0;
    for (size_t a = 0; a < n && s;) {
        size_t b = a;
        int ncl = 0;
        int64_t in_pairs = 0;
        while (b < n && byt[b].a == byt[a].a) {
            size_t c = b;
            while (c < n && byt[c].a == byt[a].a && byt[c].b == byt[b].b)
                c++;
            in_pairs += pairs((int64_t)(c - b));
            ncl++;
            b = c;
        }
        out->k_true++;
        int64_t all = pairs((int64_t)(b - a));
        same_id_pairs += all;
        if (ncl > 1) {
            if (ns == cap2) {
                fc_split *g = realloc(s, 2 * cap2 * sizeof *s);
                if (!g) {
                    free(s);
                    s = NULL;
                    break;
                }
                s = g, cap2 *= 2;
            }
            s[ns++] = (fc_split){byt[a].a, b - a, ncl, all - in_pairs, NAN, -1, -1};
        }
        a = b;
    }
    if (!m || !s) {
        free(m), free(s), free(byc), free(byt);
        fc_errors_free(out);
        return FC_ENOMEM;
    }
    out->tp = tp;
    out->fp = same_cluster_pairs - tp;
    out->fn = same_id_pairs - tp;
    qsort(m, nm, sizeof *m, cmp_merge);
    qsort(s, ns, sizeof *s, cmp_split);

    /* Closest cross pairs for the first `detail` entries. Rows of one cluster / identity are contiguous
     * in byc / byt; find the range by binary search on the key. */
    for (size_t e = 0; e < nm && e < detail; e++) {
        size_t lo = 0;
        while (lo < n && byc[lo].a != m[e].cluster)
            lo++;
        size_t hi = lo + m[e].size;
        double best = INFINITY;
        for (size_t i = lo; i < hi; i++)
            for (size_t j = i + 1; j < hi; j++)
                if (byc[i].b != byc[j].b) {
                    double d = dist(X, byc[i].row, byc[j].row);
                    if (d < best)
                        best = d, m[e].row_a = (long)byc[i].row, m[e].row_b = (long)byc[j].row;
                }
        m[e].dist = best;
    }
    for (size_t e = 0; e < ns && e < detail; e++) {
        size_t lo = 0;
        while (lo < n && byt[lo].a != s[e].identity)
            lo++;
        size_t hi = lo + s[e].size;
        double best = INFINITY;
        for (size_t i = lo; i < hi; i++)
            for (size_t j = i + 1; j < hi; j++)
                if (byt[i].b != byt[j].b) {
                    double d = dist(X, byt[i].row, byt[j].row);
                    if (d < best)
                        best = d, s[e].row_a = (long)byt[i].row, s[e].row_b = (long)byt[j].row;
                }
        s[e].dist = best;
    }
    /* Glasses: same-identity pairs with both statuses known. */
    if (glasses) {
        for (size_t a = 0; a < n;) {
            size_t b = a;
            while (b < n && byt[b].a == byt[a].a)
                b++;
            for (size_t i = a; i < b; i++)
                for (size_t j = i + 1; j < b; j++) {
                    int gi = glasses[byt[i].row], gj = glasses[byt[j].row];
                    int split = byt[i].b != byt[j].b;
                    if ((gi == 1 && gj == 0) || (gi == 0 && gj == 1))
                        out->g_cross_pairs++, out->g_cross_split += split;
                    if (gi == 1 || gj == 1)
                        out->g_with_pairs++, out->g_with_split += split;
                    else if (gi == 0 || gj == 0)
                        out->g_without_pairs++, out->g_without_split += split;
                }
            a = b;
        }
    }
    (void)kt;
    free(byc);
    free(byt);
    out->merges = m;
    out->n_merges = nm;
    out->splits = s;
    out->n_splits = ns;
    return FC_OK;
}
