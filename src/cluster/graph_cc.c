/* graph_cc.c — threshold-graph connected components (see cluster_more.h): link every pair of rows closer
 * than p->threshold and return the connected components, as photo managers group faces. Distances are
 * computed block by block (never the whole N×N matrix) and merged with a union-find, so memory is
 * O(N·block). */
#include "facecluster/cluster_more.h"
#include "facecluster/parallel.h"
#include "facecluster/distance.h"
#include "facecluster/labels.h"

#include <math.h>
#include <stdlib.h>

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

static int graph_cc_impl(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows, block = 256;
    if (p->threshold < 0 || isnan(p->threshold))
        return fc_fail(FC_EARG, "graph: threshold must be >= 0 (got %g)", p->threshold);
    double thr = p->threshold > 0 ? p->threshold : FC_GRAPH_THRESHOLD, t2 = thr * thr;
    int *parent = fc_malloc(n, sizeof(int));
    double *norms = fc_malloc(n, sizeof(double));
    double *buf = fc_malloc(block * (n ? n : 1), sizeof(double));
    size_t *cnt = fc_malloc(block, sizeof(size_t));
    if (!parent || !norms || !buf || !cnt) {
        free(parent), free(norms), free(buf), free(cnt);
        return fc_fail(FC_ENOMEM, "graph: out of memory for %zu rows", n);
    }
    for (size_t i = 0; i < n; i++)
        parent[i] = (int)i;
    fc_row_sqnorms(X, norms);
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n;
        /* only j > i is needed: the upper triangle of this block row */
        fc_sqdist_block(X, norms, i0, i1, i0, n, buf);
        size_t w = n - i0;
        /* the scan in parallel: each row's partners overwrite the front of its own row (the write position
         * never passes the read position), then the unions in row order on one thread */
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t a = 0; a < i1 - i0; a++) {
            double *row = buf + a * w;
            size_t hits = 0;
            for (size_t b = a + 1; b < w; b++)
                if (row[b] < t2)
                    row[hits++] = (double)b;
            cnt[a] = hits;
        }
        for (size_t a = 0; a < i1 - i0; a++)
            for (size_t h = 0; h < cnt[a]; h++) {
                int ra = uf_find(parent, (int)(i0 + a)), rb = uf_find(parent, (int)(i0 + (size_t)buf[a * w + h]));
                if (ra != rb)
                    parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
            }
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = uf_find(parent, (int)i);
    free(parent), free(norms), free(buf), free(cnt);
    if (fc_labels_canonical(labels, n) < 0)
        return fc_fail(FC_ENOMEM, "graph: out of memory relabelling");
    return FC_OK;
}

int fc_graph_cc(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = graph_cc_impl(X, p, labels);
    fc_blas_serial_end(blas);
    return rc;
}
