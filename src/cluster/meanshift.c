/* meanshift.c — MeanShift with a flat kernel, following scikit-learn 1.2 step for step:
 *  - bandwidth: given, or estimate_bandwidth(X, quantile=0.3) over all rows (fc_estimate_bandwidth);
 *  - seeds: every row, or with bin_seeding the occupied cells of a grid of side `bandwidth`
 *    (get_bin_seeds, min_bin_freq 1: round-half-even cell indices, cells in order of first appearance,
 *    seeds computed in float32 as sklearn does; when every row has its own cell the rows themselves);
 *  - each seed moves to the mean of the rows within distance <= bandwidth (squared distances by the
 *    |m|² + |x|² - 2 m·x formula, as sklearn's radius query) until it moves less than 1e-3·bandwidth or
 *    after max_iter moves; seeds that end with no row in reach are dropped;
 *  - centres are keyed by their exact coordinates (equal ones merge, the last seed's intensity counts),
 *    sorted by (intensity, coordinates) descending, and a centre within bandwidth of an earlier kept one
 *    is suppressed; each row takes its nearest centre (with cluster_all = 0 rows farther than bandwidth
 *    from every centre get -1).
 *
 * Speed without changing any result: each seed keeps an anchor and the list of rows within
 * bandwidth + slack of it (for row seeds, the exact radius lists of fc_radius_neighbors). While the mean
 * stays within `slack` of the anchor, every row within bandwidth of the mean is in that list, so only the
 * list is scanned; a seed whose mean drifts farther pauses, and the paused seeds get new anchors together,
 * a block at a time by one GEMM against all rows (on lfw3 at bandwidth 0.7, 73 % of the seeds re-anchor
 * once: done one by one, those full scans were 95 % of the dot products). Seeds walk in parallel (OpenMP).
 */
#include "facecluster/cluster.h"
#include "facecluster/distance.h"

#include "facecluster/parallel.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dot(const double *a, const double *b, size_t d)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t t = 0; t < d; t++)
        s += a[t] * b[t];
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}


static int estimate_bandwidth_impl(const fc_mat *X, double quantile, double *bandwidth)
{
    size_t n = X->rows;
    size_t k = (size_t)((double)n * quantile);
    if (k < 1)
        return fc_fail(FC_EARG, "meanshift: cannot estimate the bandwidth of %zu rows at quantile %g "
                                "(needs int(N*quantile) >= 1); give --bandwidth", n, quantile);
    const size_t blk = 256;
    double *norms = fc_malloc(n, sizeof(double)), *buf = fc_malloc(blk * n, sizeof(double));
    double *kth = fc_malloc(n, sizeof(double));
    if (!norms || !buf || !kth) {
        free(norms);
        free(buf);
        free(kth);
        return FC_ENOMEM;
    }
    fc_row_sqnorms(X, norms);
    for (size_t i0 = 0; i0 < n; i0 += blk) {
        size_t i1 = i0 + blk < n ? i0 + blk : n;
        fc_sqdist_block(X, norms, i0, i1, 0, n, buf);
#pragma omp parallel for schedule(static)
        for (size_t a = 0; a < i1 - i0; a++)
            kth[i0 + a] = sqrt(fc_kth_smallest(buf + a * n, n, k - 1));
    }
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += kth[i];
    *bandwidth = s / (double)n;
    free(norms);
    free(buf);
    free(kth);
    return FC_OK;
}

/* Bin seeds (sklearn get_bin_seeds, min_bin_freq = 1). Returns the number of seeds written to *seeds
 * (malloc'd S×d), or 0 with *seeds = NULL meaning "use the rows". */
static size_t bin_seeds(const fc_mat *X, double bw, double **seeds)
{
    size_t n = X->rows, d = X->cols;
    *seeds = NULL;
    double *cells = malloc(n * d * sizeof(double));
    size_t *order = malloc(n * sizeof(size_t));
    if (!cells || !order) {
        free(cells);
        free(order);
        return 0;
    }
    for (size_t i = 0; i < n * d; i++)
        cells[i] = rint(X->data[i] / bw); /* np.round: half to even, the default rounding mode */
    /* distinct cells in order of first appearance: sort row ids by cell, keep each cell's first row */
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* simple O(n log n) merge sort by cell vector, stable by row id */
    size_t *tmp = malloc(n * sizeof(size_t));
    unsigned char *first = calloc(n, 1);
    if (!tmp || !first) {
        free(cells);
        free(order);
        free(tmp);
        free(first);
        return 0;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                int c = memcmp(&(int){0}, &(int){0}, 0);
                const double *a = cells + order[i] * d, *b = cells + order[j] * d;
                for (size_t t = 0; t < d && !c; t++)
                    c = (b[t] < a[t]) ? -1 : (b[t] > a[t]);
                tmp[o++] = c < 0 ? order[j++] : order[i++];
            }
            while (i < mid)
                tmp[o++] = order[i++];
            while (j < hi)
                tmp[o++] = order[j++];
        }
        memcpy(order, tmp, n * sizeof(size_t));
    }
    size_t cnt = 0;
    for (size_t a = 0; a < n; a++) {
        if (a == 0 || memcmp(cells + order[a] * d, cells + order[a - 1] * d, d * sizeof(double)) != 0) {
            /* compare values, not bits, for -0.0 vs 0.0: rint keeps the sign, Python's tuple equality not */
            int same = 0;
            if (a > 0) {
                same = 1;
                for (size_t t = 0; t < d && same; t++)
                    same = cells[order[a] * d + t] == cells[order[a - 1] * d + t];
            }
            if (!same) {
                first[order[a]] = 1;
                cnt++;
            }
        }
    }
    if (cnt == n) { /* sklearn: every point its own bin -> seeds are the points */
        free(cells);
        free(order);
        free(tmp);
        free(first);
        return 0;
    }
    double *s = malloc(cnt * d * sizeof(double));
    if (s) {
        size_t o = 0;
        float fbw = (float)bw;
        for (size_t i = 0; i < n; i++) {
            if (!first[i])
                continue;
            for (size_t t = 0; t < d; t++)
                s[o * d + t] = (double)((float)cells[i * d + t] * fbw);
            o++;
        }
    }
    free(cells);
    free(order);
    free(tmp);
    free(first);
    *seeds = s;
    return s ? cnt : 0;
}

typedef struct ms_center {
    const double *c;
    int intensity;
    size_t first; /* seed order of the first seed that reached these coordinates */
} ms_center;

static size_t g_dim;

static int cmp_coords(const double *a, const double *b)
{
    for (size_t t = 0; t < g_dim; t++)
        if (a[t] != b[t])
            return a[t] < b[t] ? -1 : 1;
    return 0;
}

/* by coordinates, then seed order (to find duplicates and keep dict semantics) */
static int cmp_center_key(const void *pa, const void *pb)
{
    const ms_center *a = pa, *b = pb;
    int c = cmp_coords(a->c, b->c);
    if (c)
        return c;
    return (a->first > b->first) - (a->first < b->first);
}

/* sorted(..., key=(intensity, coords), reverse=True) */
static int cmp_center_rank(const void *pa, const void *pb)
{
    const ms_center *a = pa, *b = pb;
    if (a->intensity != b->intensity)
        return a->intensity > b->intensity ? -1 : 1;
    return -cmp_coords(a->c, b->c);
}

/* What every seed's walk shares: the rows, their squared norms, and sklearn's constants. */
typedef struct ms_walk {
    const fc_mat *X;
    const double *xn;
    double bw2, slack, stop;
    int max_iter;
} ms_walk;

/* One seed's walk, step for step sklearn's loop: from mean m, scanning only the rows cl[0..nc), which hold
 * every row within bandwidth + slack of `anchor`. Returns 1 when the walk ended (moved less than `stop`,
 * reached max_iter, or no row within reach: *within = 0, m unchanged), 0 when m drifted more than `slack`
 * from the anchor: the rows within bandwidth of m may then lie outside cl, so the walk pauses before the step
 * (m and *it as they were) and resumes from a new anchor with the same result as if it had never paused. */
static int walk_seed(const ms_walk *w, const int *cl, size_t nc, const double *anchor, double *m, double *mnew,
                     int *it, int *within)
{
    size_t d = w->X->cols;
    for (;;) {
        double drift2 = 0;
        for (size_t t = 0; t < d; t++)
            drift2 += (m[t] - anchor[t]) * (m[t] - anchor[t]);
        if (drift2 > w->slack * w->slack * 0.999)
            return 0;
        double mn = dot(m, m, d);
        memset(mnew, 0, d * sizeof(double));
        int in = 0;
        for (size_t a = 0; a < nc; a++) {
            const double *x = fc_mat_row(w->X, (size_t)cl[a]);
            double q = mn - 2 * dot(m, x, d) + w->xn[cl[a]];
            if (q < 0)
                q = 0;
            if (q <= w->bw2) {
                for (size_t t = 0; t < d; t++)
                    mnew[t] += x[t];
                in++;
            }
        }
        *within = in;
        if (in == 0)
            return 1; /* keep the old mean; the seed is dropped */
        double sh = 0;
        for (size_t t = 0; t < d; t++) {
            mnew[t] /= (double)in;
            sh += (mnew[t] - m[t]) * (mnew[t] - m[t]);
        }
        memcpy(m, mnew, d * sizeof(double));
        if (sqrt(sh) < w->stop || *it == w->max_iter)
            return 1;
        (*it)++;
    }
}


/* Orders seed indices by the bytes of a d-wide row of `base` (qsort_r: runs may call this concurrently). */
typedef struct row_order {
    const void *base;
    size_t width; /* bytes per row */
} row_order;

static int cmp_row_bytes(const void *a, const void *b, void *ctx)
{
    const row_order *o = ctx;
    const unsigned char *base = o->base;
    return memcmp(base + *(const size_t *)a * o->width, base + *(const size_t *)b * o->width, o->width);
}

/* Work buffers of the dense walk, sized for a block of blk seeds and for all ns seeds. */
typedef struct dense_buf {
    size_t blk;
    double *cur, *gram, *member; /* blk x d, blk x n, blk x n */
    double *sums;                /* ns x d: the row sums of each distinct mean's members */
    unsigned char *bits;         /* ns x ceil(n/8): each distinct mean's members as a bitset */
    int *cnt;                    /* ns */
    size_t *order, *rep;         /* ns */
} dense_buf;

/* One step of the dense walk for the seeds sel[0..nd) (their reach covers much of the data), the same step
 * as walk_seed's without a candidate list. Seeds whose means are bitwise equal are stepped once; for each
 * distinct mean one GEMM against all rows gives its members (rows within bandwidth), a second GEMM of the
 * 0/1 membership matrix with the rows their sums; means with the same member set then share one sum, so
 * seeds that reach the same set have equal means from there on (as the scan's sums in index order would).
 * Updates means/count/iters and marks ended seeds SEED_DONE in `state`. */
static void dense_step(const ms_walk *w, size_t *sel, size_t nd, double *means, int *count, int *iters,
                       unsigned char *state, unsigned char done_state, dense_buf *B)
{
    const fc_mat *X = w->X;
    size_t n = X->rows, d = X->cols, nbytes = (n + 7) / 8;
    row_order by_mean = {means, d * sizeof(double)};
    qsort_r(sel, nd, sizeof *sel, cmp_row_bytes, &by_mean);
    size_t nu = 0; /* distinct means: B->rep[u] is the seed holding the u-th; seed sel[k] uses B->order[k] */
    for (size_t k = 0; k < nd; k++) {
        if (k == 0 || cmp_row_bytes(&sel[k - 1], &sel[k], &by_mean) != 0)
            B->rep[nu++] = sel[k];
        B->order[k] = nu - 1;
    }
    for (size_t u0 = 0; u0 < nu; u0 += B->blk) {
        size_t nb = nu - u0 < B->blk ? nu - u0 : B->blk;
        for (size_t i = 0; i < nb; i++)
            memcpy(B->cur + i * d, means + B->rep[u0 + i] * d, d * sizeof(double));
        fc_par_dgemm(CblasTrans, (int)nb, (int)n, (int)d, 1.0, B->cur, (int)d, X->data,
                    (int)d, 0.0, B->gram, (int)n);
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < nb; i++) {
            double mn = dot(B->cur + i * d, B->cur + i * d, d);
            const double *g = B->gram + i * n;
            double *row = B->member + i * n;
            unsigned char *bits = B->bits + (u0 + i) * nbytes;
            memset(bits, 0, nbytes);
            int in = 0;
            for (size_t j = 0; j < n; j++) {
                int is_in = mn - 2 * g[j] + w->xn[j] <= w->bw2;
                row[j] = is_in;
                bits[j >> 3] |= (unsigned char)(is_in << (j & 7));
                in += is_in;
            }
            B->cnt[u0 + i] = in;
        }
        fc_par_dgemm(CblasNoTrans, (int)nb, (int)d, (int)n, 1.0, B->member, (int)n,
                    X->data, (int)d, 0.0, B->sums + u0 * d, (int)d);
    }
    /* equal member sets share the first one's sum (u indices reuse B->rep's storage order) */
    size_t *by_set = B->rep; /* the seeds are no longer needed: reuse as a permutation of 0..nu) */
    for (size_t u = 0; u < nu; u++)
        by_set[u] = u;
    row_order by_bits = {B->bits, nbytes};
    qsort_r(by_set, nu, sizeof *by_set, cmp_row_bytes, &by_bits);
    for (size_t k = 1; k < nu; k++)
        if (cmp_row_bytes(&by_set[k - 1], &by_set[k], &by_bits) == 0) {
            memcpy(B->sums + by_set[k] * d, B->sums + by_set[k - 1] * d, d * sizeof(double));
        }
    for (size_t k = 0; k < nd; k++) {
        size_t s = sel[k], u = B->order[k];
        count[s] = B->cnt[u];
        if (count[s] == 0) { /* keep the old mean; the seed is dropped */
            state[s] = done_state;
            continue;
        }
        double *m = means + s * d, sh = 0;
        for (size_t t = 0; t < d; t++) {
            double v = B->sums[u * d + t] / (double)count[s];
            sh += (v - m[t]) * (v - m[t]);
            m[t] = v;
        }
        if (sqrt(sh) < w->stop || iters[s] == w->max_iter)
            state[s] = done_state;
        else
            iters[s]++;
    }
}

enum { SEED_DONE = 0, SEED_WALKING, SEED_PAUSED, SEED_DENSE };

/* Walks every seed to its end; means (ns x d) receives the final means, count[s] the rows within bandwidth
 * of seed s's final mean (0 = dropped). Row seeds (seeds == NULL) start inside `first`, their radius lists
 * of radius `reach` = bandwidth + slack; grid seeds start paused. Then, in rounds until every walk has ended:
 * paused seeds get new anchors a block at a time — one GEMM against all rows gives each its rows within
 * `reach` (a full scan per seed would repeat the same N dot products one at a time) — and walk on inside
 * that list; a seed whose list holds more than a quarter of the rows switches to dense_step for good
 * (large bandwidths: scanning such lists row by row costs more than two GEMMs). */
static int walk_seeds(const ms_walk *w, const double *seeds, const fc_neighbors *first, size_t ns, double reach,
                      double *means, int *count)
{
    const fc_mat *X = w->X;
    size_t n = X->rows, d = X->cols;
    /* seeds per GEMM: up to 256, fewer for large N so a block's N-wide buffers stay near 100 MB */
    size_t blk = ((size_t)1 << 22) / (n ? n : 1);
    blk = blk < 8 ? 8 : blk > 256 ? 256 : blk;
    int *iters = fc_calloc(ns, sizeof(int));
    unsigned char *state = fc_malloc(ns, 1);
    size_t *sel = fc_malloc(ns, sizeof(size_t));
    double *cur = fc_malloc(blk * d, sizeof(double)), *gram = fc_malloc(blk * n, sizeof(double));
    int *lists = fc_malloc(blk * n, sizeof(int));
    dense_buf dense = {blk, cur, gram, fc_malloc(blk * n, sizeof(double)), fc_malloc(ns * d, sizeof(double)),
                       fc_malloc(ns, (n + 7) / 8), fc_malloc(ns, sizeof(int)), fc_malloc(ns, sizeof(size_t)),
                       fc_malloc(ns, sizeof(size_t))};
    int rc = FC_OK;
    if (!iters || !state || !sel || !cur || !gram || !lists || !dense.member || !dense.sums || !dense.bits ||
        !dense.cnt || !dense.order || !dense.rep) {
        rc = FC_ENOMEM;
        goto out;
    }
    const double r2 = reach * reach + 1e-9;
    const size_t dense_at = n / 4;
    for (size_t s = 0; s < ns; s++) {
        memcpy(means + s * d, seeds ? seeds + s * d : fc_mat_row(X, s), d * sizeof(double));
        count[s] = 0;
        state[s] = first ? SEED_WALKING : SEED_PAUSED;
    }
    if (first) {
#pragma omp parallel
        {
            double *mnew = malloc(d * sizeof(double));
#pragma omp for schedule(dynamic, 16)
            for (size_t s = 0; s < ns; s++) {
                size_t len = first->offsets[s + 1] - first->offsets[s];
                if (len > dense_at)
                    state[s] = SEED_DENSE;
                else
                    state[s] = walk_seed(w, first->index + first->offsets[s], len, fc_mat_row(X, s), means + s * d,
                                         mnew, &iters[s], &count[s])
                                   ? SEED_DONE
                                   : SEED_PAUSED;
            }
            free(mnew);
        }
    }
    for (;;) {
        size_t npaused = 0, ndense = 0;
        for (size_t s = 0; s < ns; s++)
            npaused += state[s] == SEED_PAUSED;
        for (size_t s = 0, k = 0; s < ns; s++) /* paused seeds first, then the dense ones */
            if (state[s] == SEED_PAUSED)
                sel[k++] = s;
            else if (state[s] == SEED_DENSE)
                sel[npaused + ndense++] = s;
        if (npaused + ndense == 0)
            break;
        for (size_t b0 = 0; b0 < npaused; b0 += blk) {
            size_t nb = npaused - b0 < blk ? npaused - b0 : blk;
            for (size_t i = 0; i < nb; i++)
                memcpy(cur + i * d, means + sel[b0 + i] * d, d * sizeof(double));
            fc_par_dgemm(CblasTrans, (int)nb, (int)n, (int)d, 1.0, cur, (int)d,
                        X->data, (int)d, 0.0, gram, (int)n);
#pragma omp parallel
            {
                double *mnew = malloc(d * sizeof(double));
#pragma omp for schedule(dynamic, 4)
                for (size_t i = 0; i < nb; i++) {
                    size_t s = sel[b0 + i], len = 0;
                    const double *anchor = cur + i * d, *g = gram + i * n;
                    double an = dot(anchor, anchor, d);
                    int *list = lists + i * n;
                    for (size_t j = 0; j < n; j++)
                        if (an + w->xn[j] - 2 * g[j] <= r2)
                            list[len++] = (int)j;
                    if (len > dense_at)
                        state[s] = SEED_DENSE;
                    else
                        state[s] = walk_seed(w, list, len, anchor, means + s * d, mnew, &iters[s], &count[s])
                                       ? SEED_DONE
                                       : SEED_PAUSED;
                }
                free(mnew);
            }
        }
        /* one dense step for the seeds that were dense at the start of this round */
        if (ndense > 0)
            dense_step(w, sel + npaused, ndense, means, count, iters, state, SEED_DONE, &dense);
    }
out:
    free(iters);
    free(state);
    free(sel);
    free(cur);
    free(gram);
    free(lists);
    free(dense.member);
    free(dense.sums);
    free(dense.bits);
    free(dense.cnt);
    free(dense.order);
    free(dense.rep);
    return rc;
}

static int meanshift_impl(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows, d = X->cols;
    double bw = p->bandwidth;
    int rc;
    if (bw <= 0 && (rc = fc_estimate_bandwidth(X, 0.3, &bw)))
        return rc;
    if (!(bw > 0))
        return fc_fail(FC_EARG, "meanshift: bandwidth must be > 0 (estimated %g; the rows may all be equal)", bw);
    int max_iter = p->ms_max_iter > 0 ? p->ms_max_iter : 300;
    double *seedbuf = NULL;
    size_t ns = p->bin_seeding ? bin_seeds(X, bw, &seedbuf) : 0;
    int rows_as_seeds = seedbuf == NULL;
    if (rows_as_seeds)
        ns = n;
    const double slack = 0.5 * bw, bw2 = bw * bw, stop = 1e-3 * bw;
    double *xn = fc_malloc(n, sizeof(double));
    double *means = fc_malloc(ns * d, sizeof(double));
    int *count = fc_malloc(ns, sizeof(int));
    fc_neighbors cand = {0};
    if (!xn || !means || !count) {
        rc = FC_ENOMEM;
        goto done;
    }
    fc_row_sqnorms(X, xn);
    if (rows_as_seeds && (rc = fc_radius_neighbors(X, bw + slack + 1e-9, 0, &cand)))
        goto done;
    {
        ms_walk w = {X, xn, bw2, slack, stop, max_iter};
        if ((rc = walk_seeds(&w, seedbuf, rows_as_seeds ? &cand : NULL, ns, bw + slack, means, count)))
            goto done;
    }
    fc_neighbors_free(&cand);
    /* centres: dict keyed by coordinates (first insertion position, last intensity) */
    ms_center *cs = malloc(ns * sizeof *cs);
    if (!cs) {
        rc = FC_ENOMEM;
        goto done;
    }
    size_t nc = 0;
    for (size_t s = 0; s < ns; s++)
        if (count[s] > 0)
            cs[nc++] = (ms_center){means + s * d, count[s], s};
    if (nc == 0) {
        free(cs);
        rc = fc_fail(FC_EARG, "meanshift: no point was within bandwidth=%g of any seed; try a larger bandwidth",
                     bw);
        goto done;
    }
    g_dim = d;
    qsort(cs, nc, sizeof *cs, cmp_center_key);
    size_t u = 0;
    for (size_t a = 0; a < nc; a++) {
        if (u > 0 && cmp_coords(cs[u - 1].c, cs[a].c) == 0) {
            cs[u - 1].intensity = cs[a].intensity; /* later seed overwrites the value, keeps the key */
            continue;
        }
        cs[u++] = cs[a];
    }
    nc = u;
    qsort(cs, nc, sizeof *cs, cmp_center_rank);
    /* suppression and labelling through blocked GEMM on contiguous centre rows */
    const size_t blk = 256;
    unsigned char *uniq = malloc(nc);
    double *cn = malloc(nc * sizeof(double));
    double *cm = malloc(nc * d * sizeof(double));
    double *buf = malloc(blk * (nc > n ? nc : n) * sizeof(double));
    if (!uniq || !cn || !cm || !buf) {
        free(cs);
        free(uniq);
        free(cn);
        free(cm);
        free(buf);
        rc = FC_ENOMEM;
        goto done;
    }
    for (size_t a = 0; a < nc; a++) {
        uniq[a] = 1;
        memcpy(cm + a * d, cs[a].c, d * sizeof(double));
        cn[a] = dot(cs[a].c, cs[a].c, d);
    }
    for (size_t a0 = 0; a0 < nc; a0 += blk) {
        size_t a1 = a0 + blk < nc ? a0 + blk : nc;
        fc_par_dgemm(CblasTrans, (int)(a1 - a0), (int)nc, (int)d, 1.0, cm + a0 * d,
                    (int)d, cm, (int)d, 0.0, buf, (int)nc);
        for (size_t a = a0; a < a1; a++) {
            if (!uniq[a])
                continue;
            const double *g = buf + (a - a0) * nc;
            for (size_t b = 0; b < nc; b++)
                if (cn[a] + cn[b] - 2 * g[b] <= bw2)
                    uniq[b] = 0;
            uniq[a] = 1;
        }
    }
    size_t nk = 0;
    for (size_t a = 0; a < nc; a++)
        if (uniq[a]) {
            memmove(cm + nk * d, cm + a * d, d * sizeof(double));
            cn[nk++] = cn[a];
        }
    for (size_t i0 = 0; i0 < n; i0 += blk) {
        size_t i1 = i0 + blk < n ? i0 + blk : n;
        fc_par_dgemm(CblasTrans, (int)(i1 - i0), (int)nk, (int)d, 1.0,
                    fc_mat_row(X, i0), (int)d, cm, (int)d, 0.0, buf, (int)nk);
#pragma omp parallel for schedule(static)
        for (size_t i = i0; i < i1; i++) {
            const double *g = buf + (i - i0) * nk;
            double best = INFINITY;
            int bi = 0;
            for (size_t c = 0; c < nk; c++) {
                double q = xn[i] + cn[c] - 2 * g[c];
                if (q < best) {
                    best = q;
                    bi = (int)c;
                }
            }
            if (best < 0)
                best = 0;
            labels[i] = (p->cluster_all || sqrt(best) <= bw) ? bi : -1;
        }
    }
    free(cm);
    free(buf);
    free(cs);
    free(uniq);
    free(cn);
done:
    (void)cmp_double;
    free(seedbuf);
    free(xn);
    free(means);
    free(count);
    fc_neighbors_free(&cand);
    return rc;
}

int fc_meanshift(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = meanshift_impl(X, p, labels);
    fc_blas_serial_end(blas);
    return rc;
}

int fc_estimate_bandwidth(const fc_mat *X, double quantile, double *bandwidth)
{
    int blas = fc_blas_serial_begin(); /* BLAS products alternate with OpenMP loops: one pool (parallel.h) */
    int rc = estimate_bandwidth_impl(X, quantile, bandwidth);
    fc_blas_serial_end(blas);
    return rc;
}
