/* linkage.c — dendrograms for agglomerative clustering (see linkage.h). */
#include "linkage.h"

#include "facecluster/distance.h"

#include "facecluster/parallel.h"

#include <float.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Squared distance by differences, as scipy's pdist / sklearn's DistanceMetric compute it (exact 0 for
 * duplicate rows, unlike the GEMM formula). */
static double sqdist_direct(const double *a, const double *b, size_t d)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t k = 0; k < d; k++) {
        double t = a[k] - b[k];
        s += t * t;
    }
    return s;
}

/* The full N×N Euclidean distance matrix, symmetric bit for bit (one value per pair, as scipy's condensed
 * matrix): tiles on and above the diagonal are -2·Xi·Xjᵀ by single-threaded GEMMs, spread over the OpenMP
 * threads, then one pass per tile adds the squared norms, takes the root, recomputes tiny entries by
 * differences (so that duplicates and near-duplicates get scipy's tie-breaking values) and writes the
 * mirror tile. Half the multiply-adds of a full GEMM, and every page is first touched by a thread. */
enum { DIST_TILE = 256 };

static void distance_tile(const fc_mat *X, const double *norms, double *D, size_t i0, size_t j0, double *buf)
{
    size_t n = X->rows, d = X->cols;
    size_t mi = n - i0 < DIST_TILE ? n - i0 : DIST_TILE, mj = n - j0 < DIST_TILE ? n - j0 : DIST_TILE;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)mi, (int)mj, (int)d, -2.0, fc_mat_row(X, i0), (int)d,
                fc_mat_row(X, j0), (int)d, 0.0, buf, (int)mj);
    for (size_t a = 0; a < mi; a++) {
        size_t i = i0 + a;
        double *row = buf + a * mj, ni = norms[i];
        for (size_t b = 0; b < mj; b++) {
            size_t j = j0 + b;
            double v = row[b] + ni + norms[j];
            v = v > 0 ? v : 0;
            if (v < 1e-6 && i != j)
                v = sqdist_direct(fc_mat_row(X, i), fc_mat_row(X, j), d);
            row[b] = i == j ? 0 : sqrt(v);
        }
        if (i0 == j0) /* diagonal tile: the lower half is the mirror of the upper one */
            for (size_t b = 0; b < a; b++)
                row[b] = buf[b * mj + a];
        memcpy(D + i * n + j0, row, mj * sizeof(double));
    }
    if (i0 != j0)
        for (size_t b = 0; b < mj; b++) {
            double *dst = D + (j0 + b) * n + i0;
            for (size_t a = 0; a < mi; a++)
                dst[a] = buf[a * mj + b];
        }
}

static int full_distances(const fc_mat *X, double *D)
{
    size_t n = X->rows, nt = (n + DIST_TILE - 1) / DIST_TILE, pairs = nt * (nt + 1) / 2;
    double *norms = fc_malloc(n, sizeof(double));
    if (!norms)
        return FC_ENOMEM;
    fc_row_sqnorms(X, norms);
    int fail = 0;
#pragma omp parallel
    {
        double *buf = malloc((size_t)DIST_TILE * DIST_TILE * sizeof(double));
        if (!buf) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t q = 0; q < pairs; q++) {
            if (!buf)
                continue;
            size_t ti = 0, rest = q; /* q-th pair (ti <= tj) in row order of the upper triangle of tiles */
            while (rest >= nt - ti)
                rest -= nt - ti, ti++;
            distance_tile(X, norms, D, ti * DIST_TILE, (ti + rest) * DIST_TILE, buf);
        }
        free(buf);
    }
    free(norms);
    return fail ? FC_ENOMEM : FC_OK;
}

/* The Lance-Williams update of one linkage for a whole row at once: ry[i] <- d(x ∪ y, i) for every slot i,
 * from rx[i] = d(x, i), ry[i] = d(y, i), dxy = d(x, y) and the sizes. Dead slots (dead[i] = +inf) and
 * slot y itself get +inf, so that row scans can ignore them without a list. Written as plain loops over
 * contiguous arrays so that the compiler vectorises them; the arithmetic of each entry is the same
 * expression, in the same order, as scipy's. */
static void lw_update_row(fc_linkage m, const double *restrict rx, double *restrict ry, const double *restrict dead,
                          const double *restrict size, size_t n, double dxy, double nx, double ny)
{
    switch (m) {
    case FC_LINK_COMPLETE:
#pragma omp simd
        for (size_t i = 0; i < n; i++) {
            double v = rx[i] > ry[i] ? rx[i] : ry[i];
            ry[i] = dead[i] != 0 ? INFINITY : v;
        }
        break;
    case FC_LINK_AVERAGE:
#pragma omp simd
        for (size_t i = 0; i < n; i++) {
            double v = (nx * rx[i] + ny * ry[i]) / (nx + ny);
            ry[i] = dead[i] != 0 ? INFINITY : v;
        }
        break;
    case FC_LINK_SINGLE:
#pragma omp simd
        for (size_t i = 0; i < n; i++) {
            double v = rx[i] < ry[i] ? rx[i] : ry[i];
            ry[i] = dead[i] != 0 ? INFINITY : v;
        }
        break;
    case FC_LINK_WARD:
    default: {
        size_t i = 0;
#ifdef __AVX512F__
        /* 1 / (nx + ny + ni) from a table for the small cluster sizes (the same division, done once per
         * size), a division only for lanes with larger ones: the division was the update's bottleneck */
        enum { WARD_TABLE = 64 };
        double tab[WARD_TABLE];
        for (int q = 0; q < WARD_TABLE; q++)
            tab[q] = 1.0 / (nx + ny + (double)q);
        __m512d vnx = _mm512_set1_pd(nx), vny = _mm512_set1_pd(ny), vnxy = _mm512_set1_pd(nx + ny);
        __m512d vdxy = _mm512_set1_pd(dxy), vone = _mm512_set1_pd(1.0), vlim = _mm512_set1_pd(WARD_TABLE);
        __m512d vinf = _mm512_set1_pd(INFINITY), vzero = _mm512_setzero_pd();
        for (; i + 8 <= n; i += 8) {
            __m512d ni = _mm512_loadu_pd(size + i), dxi = _mm512_loadu_pd(rx + i), dyi = _mm512_loadu_pd(ry + i);
            __mmask8 small = _mm512_cmp_pd_mask(ni, vlim, _CMP_LT_OQ);
            __m512d t = _mm512_mask_i32gather_pd(vzero, small, _mm512_cvttpd_epi32(ni), tab, 8);
            if (small != 0xFF)
                t = _mm512_mask_div_pd(t, (__mmask8)~small, vone, _mm512_add_pd(vnxy, ni));
            /* the scalar expression below, operation for operation (no contraction) */
            __m512d a = _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(_mm512_add_pd(ni, vnx), t), dxi), dxi);
            __m512d b = _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(_mm512_add_pd(ni, vny), t), dyi), dyi);
            __m512d c = _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(ni, t), vdxy), vdxy);
            __m512d v = _mm512_sqrt_pd(_mm512_sub_pd(_mm512_add_pd(a, b), c));
            __mmask8 gone = _mm512_cmp_pd_mask(_mm512_loadu_pd(dead + i), vzero, _CMP_NEQ_UQ);
            _mm512_storeu_pd(ry + i, _mm512_mask_mov_pd(v, gone, vinf));
        }
#endif
#pragma omp simd /* the tail, or the whole row without AVX-512 */
        for (size_t j = i; j < n; j++) {
            double nj = size[j], t = 1.0 / (nx + ny + nj), dxj = rx[j], dyj = ry[j];
            double v = sqrt((nj + nx) * t * dxj * dxj + (nj + ny) * t * dyj * dyj - nj * t * dxy * dxy);
            ry[j] = dead[j] != 0 ? INFINITY : v;
        }
        break;
    }
    }
}

/* The nearest live slot to row `row` (dead[] adds +inf to dead slots; the diagonal is +inf): the smallest
 * distance, and the lowest index holding it, as a scan over 0..n-1 with a strict "<" finds. Returns -1 when
 * no entry is below +inf (only non-finite distances left). */
static int row_nearest(const double *restrict row, const double *restrict dead, size_t n, double *best)
{
    double m = INFINITY;
    size_t first = 0;
    size_t i = 0;
#ifdef __AVX512F__
    /* one pass: per lane the smallest value and the first index holding it (strict <), then the smallest
     * index among the lanes that hold the overall minimum: the same answer as the scan in index order */
    __m512d vm = _mm512_set1_pd(INFINITY);
    __m512i vi = _mm512_setzero_si512(), idx = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), eight = _mm512_set1_epi64(8);
    for (; i + 8 <= n; i += 8) {
        __m512d v = _mm512_add_pd(_mm512_loadu_pd(row + i), _mm512_loadu_pd(dead + i));
        __mmask8 lt = _mm512_cmp_pd_mask(v, vm, _CMP_LT_OQ);
        vm = _mm512_mask_mov_pd(vm, lt, v);
        vi = _mm512_mask_mov_epi64(vi, lt, idx);
        idx = _mm512_add_epi64(idx, eight);
    }
    m = _mm512_reduce_min_pd(vm);
    if (m < INFINITY) {
        __mmask8 at = _mm512_cmp_pd_mask(vm, _mm512_set1_pd(m), _CMP_EQ_OQ);
        first = (size_t)_mm512_mask_reduce_min_epu64(at, vi);
    }
#endif
    for (; i < n; i++) { /* the tail (or the whole row without AVX-512) */
        double v = row[i] + dead[i];
        if (v < m)
            m = v, first = i;
    }
    *best = m;
    return m < INFINITY ? (int)first : -1;
}

/* The working state of one NN-chain run. Slots are the rows of D; slot s stands for the original row
 * orig[s] (the surviving side of each merge keeps its slot). Once half the slots are dead the matrix is
 * compacted onto the live ones, so that scans and updates stay proportional to the live count.
 *
 * A merge rewrites only the survivor's row, not its column (N strided writes per merge were half of the
 * chain's time). Entry D[r][j] is therefore stale when slot j was rewritten after row r was last made
 * current; the right value is then D[j][r], because r has not changed since. `updated` lists the
 * rewritten slots in order, and row r reflects the first row_time[r] of them: repair(r) copies the later
 * ones in from their rows before row r is scanned or used in an update. last_write[j] is 1 + the position
 * of slot j's latest rewrite in `updated` (0: none since the last compaction), so D[r][j] is current
 * exactly when row_time[r] >= last_write[j]. */
typedef struct {
    double *D;       /* n × n distances (row stride n), +inf on the diagonal */
    double *size;    /* cluster size per slot (0 once dead) */
    double *dead;    /* 0 for a live slot, +inf once merged away */
    int *orig;       /* slot -> original row index, ascending */
    int *alive;      /* live slots, ascending */
    int *chain;      /* the nearest-neighbour chain, as slots */
    int *updated;    /* slots rewritten since the last compaction, in order */
    size_t *row_time; /* per slot: how many of `updated` its row reflects */
    size_t *last_write; /* per slot: 1 + its latest position in `updated`, 0 if none */
    double *buf;     /* compaction scratch, per thread: COMPACT_ROWS rows of n0/2 + 1 doubles */
    size_t n0, n, nalive, chain_len, nupdated; /* n0: the number of rows */
} nn_state;

static void repair(nn_state *s, int r)
{
    size_t w = s->n;
    double *row = s->D + (size_t)r * w;
    for (size_t u = s->row_time[r]; u < s->nupdated; u++) {
        int j = s->updated[u];
        if (s->last_write[j] == u + 1 && s->dead[j] == 0) /* a slot rewritten again later: only its last */
            row[j] = s->D[(size_t)j * w + (size_t)r];
    }
    s->row_time[r] = s->nupdated;
}

/* Moves the live slots to 0..nalive-1 (order kept, so ties still go to the lowest original index) and
 * shrinks the matrix in place, making every entry current on the way. New rows are assembled
 * COMPACT_ROWS at a time in a buffer and then written over the matrix: their columns below `lo` from
 * the new rows already written (current, and the matrix is symmetric), the others from whichever of
 * D[a][b] and D[b][a] is current in the old layout.
 *
 * The new rows are done in rounds [R, 2R): the new rows below 2R overwrite only old slots below
 * 2R·m/n <= R (compaction starts with m <= n/2 live slots), and a round reads old rows of slots >= R
 * only (alive[c] >= c) and new rows below R, so the blocks of one round are independent and are shared
 * out among the threads: one barrier per round, about log2(m/COMPACT_ROWS) in all. */
enum { COMPACT_ROWS = 32 };
enum { PAR_COMPACT_MIN = 1024 }; /* smaller compactions run on one thread */

static void compact_block(nn_state *s, size_t m, size_t r0, size_t lo, double *buf)
{
    size_t n = s->n, rb = m - r0 < COMPACT_ROWS ? m - r0 : COMPACT_ROWS;
    double *D = s->D;
    for (size_t c = 0; c < lo; c++) {
        const double *col = D + c * m + r0;
        for (size_t k = 0; k < rb; k++)
            buf[k * m + c] = col[k];
    }
    for (size_t c = lo; c < m; c++) {
        size_t b = (size_t)s->alive[c], lw = s->last_write[b];
        const double *rowb = D + b * n;
        for (size_t k = 0; k < rb; k++) { /* a select of addresses: no branch to mispredict */
            size_t a = (size_t)s->alive[r0 + k];
            const double *src = s->row_time[a] >= lw ? D + a * n + b : rowb + a;
            buf[k * m + c] = *src;
        }
    }
    memcpy(D + r0 * m, buf, rb * m * sizeof(double));
}

static void compact(nn_state *s)
{
    size_t m = s->nalive, n = s->n;
    int *newslot = s->chain + n; /* scratch: old slot -> new slot (the chain array has room for 2n) */
    for (size_t r = 0; r < m; r++)
        newslot[s->alive[r]] = (int)r;
    size_t per_thread = (size_t)COMPACT_ROWS * (s->n0 / 2 + 1);
    compact_block(s, m, 0, 0, s->buf); /* the first block reads only old rows */
#pragma omp parallel if (m >= PAR_COMPACT_MIN)
    {
        double *buf = s->buf + (size_t)omp_get_thread_num() * per_thread;
        for (size_t R = COMPACT_ROWS; R < m; R *= 2) {
            size_t R2 = 2 * R < m ? 2 * R : m;
#pragma omp for schedule(dynamic, 1)
            for (size_t r0 = R; r0 < R2; r0 += COMPACT_ROWS)
                compact_block(s, m, r0, R, buf);
        }
    }
    for (size_t r = 0; r < m; r++) {
        size_t old = (size_t)s->alive[r];
        s->size[r] = s->size[old];
        s->orig[r] = s->orig[old];
    }
    for (size_t c = 0; c < s->chain_len; c++)
        s->chain[c] = newslot[s->chain[c]];
    for (size_t r = 0; r < m; r++) {
        s->alive[r] = (int)r;
        s->dead[r] = 0;
        s->row_time[r] = 0;
        s->last_write[r] = 0;
    }
    s->nupdated = 0;
    s->n = m;
}

int fc_linkage_nn_chain(const fc_mat *X, fc_linkage method, fc_merge *merges)
{
    size_t n = X->rows;
    static const char *names[] = {"ward", "complete", "average", "single"};
    char what[96];
    snprintf(what, sizeof what, "agglomerative %s: the %zu x %zu distance matrix", names[method], n, n);
    if (fc_cluster_check_memory(what, (double)n * (double)n * sizeof(double)))
        return FC_ENOMEM;
    if (n > (size_t)INT_MAX / 2 || (n && n * n / n != n))
        return fc_fail(FC_ENOMEM, "%s: too many rows", what);
    nn_state s = {.D = fc_malloc(n * n, sizeof(double)),
                  .size = fc_malloc(n, sizeof(double)),
                  .dead = fc_calloc(n, sizeof(double)),
                  .orig = fc_malloc(n, sizeof(int)),
                  .alive = fc_malloc(n, sizeof(int)),
                  .chain = fc_malloc(2 * n, sizeof(int)),
                  .updated = fc_malloc(n, sizeof(int)),
                  .row_time = fc_calloc(n, sizeof(size_t)),
                  .last_write = fc_calloc(n, sizeof(size_t)),
                  .buf = fc_malloc((size_t)omp_get_max_threads() * COMPACT_ROWS * (n / 2 + 1), sizeof(double)),
                  .n0 = n,
                  .n = n,
                  .nalive = n};
    int rc = FC_OK;
    if (!s.D || !s.size || !s.dead || !s.orig || !s.alive || !s.chain || !s.updated || !s.row_time || !s.last_write ||
        !s.buf) {
        rc = fc_fail(FC_ENOMEM, "%s: out of memory (%.2f GB)", what, (double)n * n * 8 / 1e9);
        goto done;
    }
    /* No transparent-huge-page advice here: measured in `bench_cluster.py`, right after another process freed
     * memory, the kernel's compaction for 2 MB pages made the lfw3 ward fit 0.72-0.76 s against 0.54 s with
     * plain pages (0.45 against 0.50 s in a process run on its own). */
    if (full_distances(X, s.D)) {
        rc = fc_fail(FC_ENOMEM, "%s: out of memory", what);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        s.size[i] = 1;
        s.alive[i] = s.orig[i] = (int)i;
        s.D[i * n + i] = INFINITY; /* a slot is never its own neighbour */
    }
    for (size_t k = 0; k + 1 < n; k++) {
        if (s.nalive <= s.n / 2 && s.n >= 64)
            compact(&s);
        size_t w = s.n;
        double *D = s.D;
        if (s.chain_len == 0)
            s.chain[s.chain_len++] = s.alive[0];
        int x, y;
        double cur;
        for (;;) {
            x = s.chain[s.chain_len - 1];
            repair(&s, x);
            double m;
            int i = row_nearest(D + (size_t)x * w, s.dead, w, &m);
            /* prefer the previous chain element on ties, so the chain cannot cycle */
            if (s.chain_len > 1 && !(m < D[(size_t)x * w + s.chain[s.chain_len - 2]])) {
                y = s.chain[s.chain_len - 2];
                cur = D[(size_t)x * w + y];
                break;
            }
            if (i < 0) { /* only non-finite distances: join the first other live slot */
                i = s.alive[0] == x ? s.alive[1] : s.alive[0];
                m = D[(size_t)x * w + i];
            }
            y = i;
            cur = m;
            s.chain[s.chain_len++] = y;
        }
        s.chain_len -= 2;
        if (x > y) {
            int t = x;
            x = y;
            y = t;
        }
        double nx = s.size[x], ny = s.size[y];
        merges[k].a = s.orig[x];
        merges[k].b = s.orig[y];
        merges[k].dist = cur;
        s.size[x] = 0;
        s.size[y] = nx + ny;
        s.dead[x] = INFINITY;
        /* drop x from the live list, keeping it ascending (as scipy's scans over 0..n-1) */
        size_t lo = 0, hi = s.nalive;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s.alive[mid] < x)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(s.alive + lo, s.alive + lo + 1, (s.nalive - lo - 1) * sizeof(int));
        s.nalive--;
        double *ry = D + (size_t)y * w;
        repair(&s, x); /* x is current already (the chain's top was just scanned); y may not be */
        repair(&s, y);
        lw_update_row(method, D + (size_t)x * w, ry, s.dead, s.size, w, cur, nx, ny);
        ry[y] = INFINITY;
        s.updated[s.nupdated++] = y; /* column y is now stale in every other row (see nn_state) */
        s.row_time[y] = s.last_write[y] = s.nupdated;
    }
done:
    free(s.D);
    free(s.size);
    free(s.dead);
    free(s.orig);
    free(s.alive);
    free(s.chain);
    free(s.updated);
    free(s.row_time);
    free(s.last_write);
    free(s.buf);
    if (rc == FC_OK)
        fc_merges_sort(merges, n - 1);
    return rc;
}

int fc_linkage_single_mst(const fc_mat *X, fc_merge *merges)
{
    /* One thread on purpose: Prim is N sequential steps of O(N·D) each, and a parallel region per step
     * (N of them) costs more in barriers than it gains once the machine is busy. */
    size_t n = X->rows, d = X->cols;
    double *cd = fc_malloc(n, sizeof(double));
    int *out = fc_malloc(n, sizeof(int)); /* rows not yet in the tree, ascending */
    if (!cd || !out) {
        free(cd);
        free(out);
        return FC_ENOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        cd[j] = INFINITY;
        out[j] = (int)j;
    }
    size_t nout = n;
    int cur = 0;
    for (size_t step = 1; step < n; step++) {
        size_t w = 0;
        for (size_t a = 0; a < nout; a++)
            if (out[a] != cur)
                out[w++] = out[a];
        nout = w;
        const double *xc = fc_mat_row(X, (size_t)cur);
        double best = DBL_MAX;
        int bi = -1;
        for (size_t a = 0; a < nout; a++) {
            int j = out[a];
            double v = sqrt(sqdist_direct(xc, fc_mat_row(X, (size_t)j), d));
            if (v < cd[j])
                cd[j] = v;
            if (cd[j] < best) { /* strict: the first (lowest) index wins ties, as sklearn */
                best = cd[j];
                bi = j;
            }
        }
        if (bi < 0) { /* only infinite/NaN distances left: take the first remaining row */
            bi = out[0];
            best = cd[bi];
        }
        merges[step - 1].a = cur;
        merges[step - 1].b = bi;
        merges[step - 1].dist = best;
        cur = bi;
    }
    free(cd);
    free(out);
    fc_merges_sort(merges, n - 1);
    return FC_OK;
}

/* Stable merge sort by distance (numpy's kind="mergesort" keeps equal distances in input order). */
void fc_merges_sort(fc_merge *m, size_t n)
{
    if (n < 2)
        return;
    fc_merge *tmp = malloc(n * sizeof *tmp);
    if (!tmp) { /* insertion sort fallback: stable, slow but correct */
        for (size_t i = 1; i < n; i++) {
            fc_merge v = m[i];
            size_t j = i;
            while (j > 0 && m[j - 1].dist > v.dist) {
                m[j] = m[j - 1];
                j--;
            }
            m[j] = v;
        }
        return;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = m[j].dist < m[i].dist ? m[j++] : m[i++];
            while (i < mid)
                tmp[o++] = m[i++];
            while (j < hi)
                tmp[o++] = m[j++];
        }
        memcpy(m, tmp, n * sizeof *tmp);
    }
    free(tmp);
}
