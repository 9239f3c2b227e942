/* hdbscan.c — HDBSCAN* (see cluster_more.h), following the hdbscan library / sklearn >= 1.3:
 *   1. core distance of a row = distance to its min_samples-th nearest row, the row itself counting
 *      as the first (sklearn's convention);
 *   2. mutual reachability d_m(a,b) = max(core_a, core_b, d(a,b));
 *   3. minimum spanning tree of d_m by Prim's algorithm on the implicit complete graph: O(N^2) time,
 *      O(N) memory, each row of distances computed when its vertex joins the tree;
 *   4. single-linkage tree from the MST edges sorted by weight (union-find);
 *   5. condensed tree: walking down from the root, a split where both sides have >= min_cluster_size
 *      points makes two new clusters; smaller sides "fall out" of their cluster as points at
 *      lambda = 1/distance;
 *   6. excess-of-mass selection: stability(C) = sum over its points and child clusters of
 *      (lambda_leave - lambda_birth(C)) * size; bottom-up, a cluster is kept when its stability is at
 *      least the sum of its children's; the root is never selected (allow_single_cluster false);
 *   7. points whose nearest selected ancestor does not exist are noise (-1). */
#include "facecluster/cluster_more.h"
#include "facecluster/distance.h"

#include "facecluster/parallel.h"
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int a, b; double w; } edge;
typedef struct { int parent, child; double lambda; int size; } crow; /* a condensed-tree row */

static int cmp_edge(const void *x, const void *y)
{
    const edge *e = x, *f = y;
    return e->w < f->w ? -1 : e->w > f->w ? 1 : 0;
}


static int core_distances(const fc_mat *X, const double *norms, int min_samples, double *core)
{
    size_t n = X->rows, block = 128;
    double *buf = fc_malloc(block * n, sizeof(double));
    if (!buf)
        return FC_ENOMEM;
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n;
        fc_sqdist_block(X, norms, i0, i1, 0, n, buf);
#pragma omp parallel for schedule(static)
        for (size_t a = 0; a < i1 - i0; a++)
            core[i0 + a] = sqrt(fc_kth_smallest(buf + a * n, n, (size_t)min_samples - 1));
    }
    free(buf);
    return FC_OK;
}

/* Prim's MST over mutual-reachability distances; writes n-1 edges. */
static int prim_mst(const fc_mat *X, const double *norms, const double *core, edge *mst)
{
    size_t n = X->rows, d = X->cols;
    int nt = omp_get_max_threads();
    if ((size_t)nt * 256 > n) /* below ~256 rows a thread the barriers cost more than the rows */
        nt = (int)(n / 256) > 1 ? (int)(n / 256) : 1;
    double *best = fc_malloc(n, sizeof(double)), *dots = fc_malloc(n, sizeof(double));
    double *part_w = fc_malloc((size_t)nt, sizeof(double));
    size_t *part_j = fc_malloc((size_t)nt, sizeof(size_t));
    int *from = fc_malloc(n, sizeof(int));
    char *in = fc_calloc(n, 1);
    if (!best || !dots || !from || !in || !part_w || !part_j) {
        free(best), free(dots), free(from), free(in), free(part_w), free(part_j);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        best[i] = INFINITY, from[i] = -1;
    size_t cur = 0;
    in[0] = 1;
    /* One parallel region for the whole tree: each thread owns a fixed range of rows, computes their
     * distances to the vertex that just joined (a single-threaded gemv), updates their best edges and
     * proposes its nearest outside row; one thread then takes the first of the minima, as the sequential
     * scan in row order would. */
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), tn = omp_get_num_threads();
        size_t lo = n * (size_t)t / (size_t)tn, hi = n * (size_t)(t + 1) / (size_t)tn;
        for (size_t e = 0; e + 1 < n; e++) {
            if (hi > lo)
                cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)(hi - lo), (int)d, 1.0, X->data + lo * d, (int)d,
                            fc_mat_row(X, cur), 1, 0.0, dots + lo, 1);
            size_t next = n;
            double nextw = INFINITY;
            for (size_t j = lo; j < hi; j++) {
                if (in[j])
                    continue;
                double d2 = norms[cur] + norms[j] - 2 * dots[j];
                double dist = d2 > 0 ? sqrt(d2) : 0;
                double m = dist;
                if (core[cur] > m)
                    m = core[cur];
                if (core[j] > m)
                    m = core[j];
                if (m < best[j])
                    best[j] = m, from[j] = (int)cur;
                if (best[j] < nextw || next == n)
                    nextw = best[j], next = j;
            }
            part_w[t] = nextw;
            part_j[t] = next;
#pragma omp barrier
#pragma omp single
            {
                size_t win = n;
                for (int q = 0; q < tn; q++) /* ranges ascend with q: strict < keeps the first minimum */
                    if (part_j[q] < n && (win == n || part_w[q] < best[win]))
                        win = part_j[q];
                mst[e].a = from[win];
                mst[e].b = (int)win;
                mst[e].w = best[win];
                in[win] = 1;
                cur = win;
            }
        }
    }
    free(best), free(dots), free(from), free(in), free(part_w), free(part_j);
    return FC_OK;
}

/* Single-linkage tree in scipy's layout: merge i joins nodes left[i], right[i] (ids < n are rows,
 * n + j is merge j) at height[i]; size[i] rows below. */
typedef struct { int *left, *right, *size; double *height; } sltree;

static int find_root(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void single_linkage(const edge *mst, size_t n, sltree *t, int *uf, int *node_of)
{
    /* uf over rows; node_of[root row] = current tree node id of that component */
    for (size_t i = 0; i < n; i++)
        uf[i] = (int)i, node_of[i] = (int)i;
    for (size_t e = 0; e + 1 < n; e++) {
        int ra = find_root(uf, mst[e].a), rb = find_root(uf, mst[e].b);
        int na = node_of[ra], nb = node_of[rb];
        t->left[e] = na;
        t->right[e] = nb;
        t->height[e] = mst[e].w;
        int sa = na < (int)n ? 1 : t->size[na - n], sb = nb < (int)n ? 1 : t->size[nb - n];
        t->size[e] = sa + sb;
        uf[rb] = ra;
        node_of[ra] = (int)(n + e);
    }
}

static int node_size(const sltree *t, int node, size_t n) { return node < (int)n ? 1 : t->size[node - n]; }

/* Adds every row below `node` as a point falling out of cluster `parent` at `lambda`. */
static void add_leaves(const sltree *t, size_t n, int node, int parent, double lambda, crow *rows, size_t *nr,
                       int *stack)
{
    int sp = 0;
    stack[sp++] = node;
    while (sp) {
        int v = stack[--sp];
        if (v < (int)n) {
            rows[*nr] = (crow){parent, v, lambda, 1};
            (*nr)++;
        } else {
            stack[sp++] = t->left[v - n];
            stack[sp++] = t->right[v - n];
        }
    }
}

static int hdbscan_impl(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows;
    int mcs = p->min_cluster_size;
    int ms = p->min_samples > 0 ? p->min_samples : mcs;
    if (mcs < 2)
        return fc_fail(FC_EARG, "hdbscan: min_cluster_size must be >= 2 (got %d)", mcs);
    if ((size_t)ms > n)
        ms = (int)n;
    if (n == 1) {
        labels[0] = -1;
        return FC_OK;
    }
    int rc = FC_ENOMEM;
    double *norms = fc_malloc(n, sizeof(double)), *core = fc_malloc(n, sizeof(double));
    edge *mst = fc_malloc(n, sizeof(edge));
    sltree t = {fc_malloc(n, sizeof(int)), fc_malloc(n, sizeof(int)), fc_malloc(n, sizeof(int)),
                fc_malloc(n, sizeof(double))};
    int *uf = fc_malloc(2 * n, sizeof(int)), *node_of = fc_malloc(n, sizeof(int));
    int *relabel = fc_malloc(2 * n, sizeof(int)), *stack = fc_malloc(2 * n, sizeof(int));
    int *queue = fc_malloc(2 * n, sizeof(int));
    crow *rows = fc_malloc(2 * n, sizeof(crow));
    double *stab = NULL, *birth = NULL;
    char *selected = NULL;
    if (!norms || !core || !mst || !t.left || !t.right || !t.size || !t.height || !uf || !node_of || !relabel ||
        !stack || !queue || !rows)
        goto done;
    fc_row_sqnorms(X, norms);
    if ((rc = core_distances(X, norms, ms, core)) || (rc = prim_mst(X, norms, core, mst)))
        goto done;
    /* equal weights may come out in any order; that only matters for exact ties between splits */
    qsort(mst, n - 1, sizeof(edge), cmp_edge);
    single_linkage(mst, n, &t, uf, node_of);

    /* Condensed tree: breadth-first from the root (node 2n-2); clusters are numbered n, n+1, ... */
    size_t nr = 0;
    int root = (int)(2 * n - 2), next_label = (int)n + 1;
    relabel[root] = (int)n;
    int qh = 0, qt = 0;
    queue[qt++] = root;
    while (qh < qt) {
        int node = queue[qh++];
        if (node < (int)n)
            continue;
        int l = t.left[node - n], r = t.right[node - n];
        double h = t.height[node - n];
        double lambda = h > 0 ? 1.0 / h : INFINITY;
        int ls = node_size(&t, l, n), rs = node_size(&t, r, n);
        int parent = relabel[node];
        if (ls >= mcs && rs >= mcs) {
            relabel[l] = next_label++;
            rows[nr++] = (crow){parent, relabel[l], lambda, ls};
            relabel[r] = next_label++;
            rows[nr++] = (crow){parent, relabel[r], lambda, rs};
            queue[qt++] = l;
            queue[qt++] = r;
        } else if (ls < mcs && rs < mcs) {
            add_leaves(&t, n, l, parent, lambda, rows, &nr, stack);
            add_leaves(&t, n, r, parent, lambda, rows, &nr, stack);
        } else if (ls < mcs) {
            add_leaves(&t, n, l, parent, lambda, rows, &nr, stack);
            relabel[r] = parent;
            queue[qt++] = r;
        } else {
            add_leaves(&t, n, r, parent, lambda, rows, &nr, stack);
            relabel[l] = parent;
            queue[qt++] = l;
        }
    }
    int nclust = next_label - (int)n; /* cluster ids n .. next_label-1, index c - n */
    stab = fc_calloc((size_t)nclust, sizeof(double));
    birth = fc_calloc((size_t)nclust, sizeof(double));
    selected = fc_calloc((size_t)nclust, 1);
    if (!stab || !birth || !selected) {
        rc = FC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < nr; i++)
        if (rows[i].child >= (int)n)
            birth[rows[i].child - n] = rows[i].lambda;
    for (size_t i = 0; i < nr; i++)
        stab[rows[i].parent - n] += (rows[i].lambda - birth[rows[i].parent - n]) * rows[i].size;

    /* Excess of mass, bottom-up: a child cluster always has a larger id than its parent. */
    int *cparent = fc_malloc((size_t)nclust, sizeof(int)), *sel_of = fc_malloc((size_t)nclust, sizeof(int));
    double *csum = fc_calloc((size_t)nclust, sizeof(double));
    if (!cparent || !sel_of || !csum) {
        free(cparent), free(sel_of), free(csum);
        rc = FC_ENOMEM;
        goto done;
    }
    cparent[0] = -1;
    for (size_t i = 0; i < nr; i++)
        if (rows[i].child >= (int)n)
            cparent[rows[i].child - n] = rows[i].parent - (int)n;
    for (int c = nclust - 1; c >= 1; c--) {
        if (csum[c] > stab[c])
            stab[c] = csum[c]; /* the children together are worth more: keep them, not c */
        else
            selected[c] = 1;
        csum[cparent[c]] += stab[c];
    }
    /* Top-down: a kept cluster below a selected one is not selected; sel_of[c] = the selected cluster
     * at or above c, -1 when none (the root is never selected). */
    sel_of[0] = -1;
    for (int c = 1; c < nclust; c++) {
        int up = sel_of[cparent[c]];
        if (up >= 0)
            selected[c] = 0;
        sel_of[c] = up >= 0 ? up : selected[c] ? c : -1;
    }
    /* Number the selected clusters in id order (as hdbscan's cluster_label_map), then label points. */
    int *num = cparent; /* cparent is no longer needed */
    int k = 0;
    for (int c = 0; c < nclust; c++)
        num[c] = selected[c] ? k++ : -1;
    for (size_t i = 0; i < nr; i++)
        if (rows[i].child < (int)n) {
            int s = sel_of[rows[i].parent - n];
            labels[rows[i].child] = s >= 0 ? num[s] : -1;
        }
    free(cparent), free(sel_of), free(csum);
    rc = FC_OK;
done:
    free(norms), free(core), free(mst), free(t.left), free(t.right), free(t.size), free(t.height), free(uf),
        free(node_of), free(relabel), free(stack), free(queue), free(rows), free(stab), free(birth), free(selected);
    if (rc == FC_ENOMEM)
        return fc_fail(FC_ENOMEM, "hdbscan: out of memory for %zu rows", n);
    return rc;
}

int fc_hdbscan(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = hdbscan_impl(X, p, labels);
    fc_blas_serial_end(blas);
    return rc;
}
