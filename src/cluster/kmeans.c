/* kmeans.c — KMeans with scikit-learn 1.2 semantics: greedy k-means++ seeding (2 + int(ln K) candidate
 * centres per step, keeping the one that lowers the potential most), n_init restarts keeping the lowest
 * inertia, Lloyd iterations with sklearn's stopping rule (labels unchanged = strict convergence, else
 * squared centre shift summed over centres <= tol * mean per-feature variance), empty clusters re-seeded
 * with the points farthest from their centres, and a final assignment to the final centres when the loop
 * did not converge strictly.
 *
 * Speed (all exact: the same labels as the plain algorithm up to float rounding; on lfw3 bit-identical to
 * the earlier streaming version):
 * - seeding: candidates are data points, so when N is small enough (N² floats within an eighth of the
 *   memory budget, at most 2 GB, and cheaper than streaming) the float Gram matrix X·Xᵀ is built once by
 *   the register-blocked panel kernel and every step of every restart reads TB rows of it; otherwise the
 *   kernel streams a panelled copy of X once per step. Same kernel, same accumulation order: the same
 *   float dot products either way. Potentials stay in double.
 * - first E-step: with the Gram matrix, float distances to the seeded centres (lower bounds after a
 *   rigorous rounding margin) leave only near-ties to exact double distances; otherwise double GEMM.
 * - later E-steps: Elkan's bounds, the lower ones stored as floats rounded down and loosened lazily
 *   (running sums of the centre shifts, a row touched only when its point cannot be skipped); a point is
 *   skipped by Elkan's half-distance test or Hamerly's second-centre bound; a vectorised pass lists the
 *   centres its loose bound cannot rule out, then Elkan's exact tests run over that list. Centre-centre
 *   distances are recomputed only for the centres that moved.
 * - restarts run in parallel (one working set per thread, OpenBLAS at 1 thread meanwhile): the seeding's
 *   draws do not depend on the data, so each restart's generator state is known up front, and the
 *   lowest-inertia choice is replayed in restart order: the result is the sequential one.
 * The random stream is ours (xoshiro), so results match sklearn statistically, not draw for draw.
 */
#include "facecluster/cluster.h"
#include "facecluster/rng.h"
#include "kmeans_internal.h"

#include <cblas.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared by every restart (read-only once built): X, its float copies, |x|², and optionally the float Gram
 * matrix. Per restart (one per thread): everything else. */
typedef struct km_ctx {
    size_t n, d, k;
    int trials, max_iter;
    const fc_mat *X;
    const float *Xf; /* n×d float copy */
    const float *Xt; /* the same, in panels of SB points stored feature-major (d×SB), zero-padded */
    const double *xn; /* |x|² */
    const float *gram; /* n×n x_i·x_j exactly as panel_dots computes them, or NULL (stream X instead) */
    float *G;       /* trials×n candidate dot products (streaming seeding) or n×k (first E-step) */
    double *C, *Cnew, *w; /* k×d centres, k×d sums, k weights */
    double *pot;    /* n: seeding closest squared distances */
    size_t *cid;    /* k: the point each seeded centre was copied from */
    int *lab, *lab_old;
    /* Elkan bounds: lower n×k in float, always rounded down (half the memory traffic of the pass over
     * them; a lower bound rounded down stays one), upper n; centre-centre distances k×k, half-min s,
     * shifts */
    float *lo;
    double *up, *cc, *half, *shift, *cn;
    double *blk; /* 256×k: GEMM distances of the first E-step without the Gram matrix */
    double *hist, *msum; /* (max_iter+1)×k running sums of the shifts per centre; of the largest shift */
    double *second;      /* n: lower bound on the distance to the second-nearest centre, as of stamp */
    int *stamp;          /* n: number of moves when the point's bounds row was last brought up to date */
    int nmoves;
    double *ccm;  /* (k/4)×k: moved centres against all (centre_distances) */
    int cc_valid; /* cc holds the distances of the centres before the last shifts */
    /* scratch: seeding (candidate rows, potentials, cumulative sums, ids), empty clusters, E-step lists */
    float *rows;
    double *best_pot, *tmp, *cum, *dd;
    size_t *ids, *far;
    int *cand; /* per thread of the E-step: k candidate indices */
} km_ctx;

enum { SB = 16, TB = 8 };

/* dist[t*ldd + i] = x_i · rows_t for t < nt (nt <= TB, rows padded to TB rows) and the points i of panels
 * b0..b1-1. Streams the panelled copy of X with all candidates in registers: OpenBLAS's sgemm repacks all
 * of X on every call, which made this tiny (TB×N×D) product cost more than the whole Lloyd phase. The
 * accumulation order (one fused multiply-add per feature, in feature order) is fixed, so the Gram matrix
 * built from it holds bit for bit the values the streaming seeding computes. */
static void panel_dots(const km_ctx *c, const float *rows, int nt, float *dist, size_t ldd, size_t b0, size_t b1)
{
    size_t n = c->n, d = c->d;
    for (size_t b = b0; b < b1; b++) {
        const float *xp = c->Xt + b * d * SB;
        size_t i0 = b * SB, m = n - i0 < SB ? n - i0 : SB;
#ifdef __AVX512F__
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (size_t f = 0; f < d; f++) {
            __m512 x = _mm512_loadu_ps(xp + f * SB);
            a0 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[f]), a0);
            a1 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[d + f]), a1);
            a2 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[2 * d + f]), a2);
            a3 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[3 * d + f]), a3);
            a4 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[4 * d + f]), a4);
            a5 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[5 * d + f]), a5);
            a6 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[6 * d + f]), a6);
            a7 = _mm512_fmadd_ps(x, _mm512_set1_ps(rows[7 * d + f]), a7);
        }
        float acc[TB][SB];
        _mm512_storeu_ps(acc[0], a0);
        _mm512_storeu_ps(acc[1], a1);
        _mm512_storeu_ps(acc[2], a2);
        _mm512_storeu_ps(acc[3], a3);
        _mm512_storeu_ps(acc[4], a4);
        _mm512_storeu_ps(acc[5], a5);
        _mm512_storeu_ps(acc[6], a6);
        _mm512_storeu_ps(acc[7], a7);
#else
        float acc[TB][SB];
        memset(acc, 0, sizeof acc);
        for (size_t f = 0; f < d; f++)
            for (int t = 0; t < TB; t++)
                for (int l = 0; l < SB; l++)
                    acc[t][l] += rows[(size_t)t * d + f] * xp[f * SB + l];
#endif
        for (int t = 0; t < nt; t++)
            memcpy(dist + (size_t)t * ldd + i0, acc[t], m * sizeof(float));
    }
}

/* The n×n Gram matrix of X in float, by panel_dots: candidates of the seeding are data points, so every
 * seeding step of every restart then reads TB rows of it instead of all of X. Cache-blocked: a chunk of
 * panels (a few hundred KB) stays in L2 while every block of TB rows streams past it. */
static void build_gram(const km_ctx *c, float *gram)
{
    size_t n = c->n, d = c->d, nb = (n + SB - 1) / SB;
    const size_t chunk = 24;
    /* Xf has TB zero rows after the last point, so every block of TB rows can be read in full */
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t b0 = 0; b0 < nb; b0 += chunk) {
        size_t b1 = b0 + chunk < nb ? b0 + chunk : nb;
        for (size_t j0 = 0; j0 < n; j0 += TB) {
            int nt = n - j0 < TB ? (int)(n - j0) : TB;
            panel_dots(c, c->Xf + j0 * d, nt, gram + j0 * n, n, b0, b1);
        }
    }
}

/* Greedy k-means++ (sklearn's _kmeans_plusplus): each step draws `trials` candidates with probability
 * proportional to the current squared distance and keeps the one that lowers the potential most. */
static void seed_plusplus(km_ctx *c, fc_rng *rng)
{
    size_t n = c->n, d = c->d, k = c->k;
    int trials = c->trials;
    float *rows = c->rows, *dist = c->G; /* rows: trials padded to a multiple of TB; dist: trials×n */
    double *cum = c->cum, *pt = c->pot;
    const double *xn = c->xn;
    size_t *ids = c->ids;
    size_t first = (size_t)fc_rng_below(rng, n);
    memcpy(c->C, fc_mat_row(c->X, first), d * sizeof(double));
    c->cid[0] = first;
    double pot = 0;
    {
        const float *xf = c->Xf + first * d;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0f, c->Xf, (int)d, xf, 1, 0.0f, dist, 1);
        for (size_t i = 0; i < n; i++) {
            double v = xn[i] + xn[first] - 2.0 * dist[i];
            pt[i] = v > 0 ? v : 0;
            if (i == first)
                pt[i] = 0;
            pot += pt[i];
        }
    }
    for (size_t ci = 1; ci < k; ci++) {
        double run = 0;
        for (size_t i = 0; i < n; i++) {
            run += pt[i];
            cum[i] = run;
        }
        for (int t = 0; t < trials; t++) {
            double r = fc_rng_uniform(rng) * pot;
            /* searchsorted(cum, r, side="left") */
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cum[mid] < r)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            ids[t] = lo < n ? lo : n - 1;
            if (!c->gram)
                memcpy(rows + (size_t)t * d, c->Xf + ids[t] * d, d * sizeof(float));
        }
        if (!c->gram)
            for (int t0 = 0; t0 < trials; t0 += TB)
                panel_dots(c, rows + (size_t)t0 * d, trials - t0 < TB ? trials - t0 : TB, dist + (size_t)t0 * n, n, 0,
                           (n + SB - 1) / SB);
        int best = -1;
        double bestpot = 0;
        const float *bestg = NULL;
        for (int t = 0; t < trials; t++) {
            const float *g = c->gram ? c->gram + ids[t] * n : dist + (size_t)t * n;
            double xc = xn[ids[t]], s = 0;
            /* sequential on purpose: thousands of tiny parallel regions cost more than they save (and the
             * restarts run in parallel instead). The candidate's own point is taken out after the loop so
             * that the loop has no branch and vectorises; the sum's order is fixed by the build. */
#pragma omp simd reduction(+ : s)
            for (size_t i = 0; i < n; i++) {
                double v = xn[i] + xc - 2.0 * g[i];
                v = v > 0 ? v : 0;
                v = v < pt[i] ? v : pt[i];
                s += v;
            }
            size_t o = ids[t];
            double v = xn[o] + xc - 2.0 * g[o];
            v = v > 0 ? v : 0;
            s -= v < pt[o] ? v : pt[o];
            if (best < 0 || s < bestpot) {
                best = t;
                bestpot = s;
                bestg = g;
            }
        }
        /* the winner's distances become the new closest squared distances */
        double xc = xn[ids[best]];
#pragma omp simd
        for (size_t i = 0; i < n; i++) {
            double v = xn[i] + xc - 2.0 * bestg[i];
            v = v > 0 ? v : 0;
            pt[i] = v < pt[i] ? v : pt[i];
        }
        pt[ids[best]] = 0;
        pot = bestpot;
        c->cid[ci] = ids[best];
        memcpy(c->C + ci * d, fc_mat_row(c->X, ids[best]), d * sizeof(double));
    }
}

static double ddot(const double *a, const double *b, size_t d)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t t = 0; t < d; t++)
        s += a[t] * b[t];
    return s;
}

static void centre_norms(km_ctx *c, const double *C)
{
    for (size_t j = 0; j < c->k; j++)
        c->cn[j] = ddot(C + j * c->d, C + j * c->d, c->d);
}

static double exact_dist(const km_ctx *c, const double *C, size_t i, size_t j)
{
    double q = c->xn[i] + c->cn[j] - 2 * ddot(fc_mat_row(c->X, i), C + j * c->d, c->d);
    return q > 0 ? sqrt(q) : 0;
}

/* v >= 0 as a float no larger than v (bounds rounded down stay bounds): shrunk by 2^-23 first, rounding to
 * nearest (at most 2^-24 up) cannot come back above v; no branch, so the loops around it vectorise. */
static inline float down(double v)
{
    double w = v * (1.0 - 0x1p-23);
    return w < 1e-30 ? 0.0f : (float)w;
}

/* min over j != a of l[j]: the point's bound on its second-nearest centre (Hamerly's test) */
static double second_bound(float *l, size_t k, int a)
{
    float m = INFINITY, keep = l[a];
    l[a] = INFINITY; /* so that the loop has no index test and vectorises */
#pragma omp simd reduction(min : m)
    for (size_t j = 0; j < k; j++)
        m = l[j] < m ? l[j] : m;
    l[a] = keep;
    return m;
}

/* First E-step of a run: labels and exact Elkan bounds. With the Gram matrix the seeded centres are data
 * points, so their float distances to every point are already there: they give lower bounds (less a
 * rounding margin), and only the centres those bounds cannot rule out get an exact double distance.
 * Without it, every distance through double GEMM. */
static void elkan_init(km_ctx *c, const double *C)
{
    size_t n = c->n, k = c->k, d = c->d;
    centre_norms(c, C);
    if (c->gram) {
        /* |float dot - exact dot| <= ~(d + 3) 2^-24 |x||c| (conversion plus d fused steps); twice that,
         * doubled again for safety, on the squared distance */
        double eps = (4.0 * (double)d + 16.0) * 0x1p-24;
        const size_t pb = 64; /* points per block: the block's k bounds rows stay in L2 */
        double *rc = c->dd; /* |c_j| */
        for (size_t j = 0; j < k; j++)
            rc[j] = sqrt(c->cn[j]);
#pragma omp parallel for schedule(dynamic, 1)
        for (size_t i0 = 0; i0 < n; i0 += pb) {
            size_t m = n - i0 < pb ? n - i0 : pb;
            double bq[64], rx[64];
            int ba[64];
            for (size_t t = 0; t < m; t++) {
                bq[t] = INFINITY;
                ba[t] = 0;
                rx[t] = sqrt(c->xn[i0 + t]);
            }
            /* centre-major: centre j's Gram row is contiguous over the block's points */
            for (size_t j = 0; j < k; j++) {
                const float *g = c->gram + c->cid[j] * n + i0;
                if (j + 2 < k) { /* the rows are scattered: fetch ahead */
                    const char *nx = (const char *)(c->gram + c->cid[j + 2] * n + i0);
                    for (size_t o = 0; o < m * sizeof(float); o += 64)
                        __builtin_prefetch(nx + o);
                }
                double cj = c->cn[j], ej = eps * rc[j];
                for (size_t t = 0; t < m; t++) {
                    double xi = c->xn[i0 + t], q = xi + cj - 2.0 * g[t];
                    double lb = q - ej * rx[t] - 1e-12 * (xi + cj);
                    c->lo[(i0 + t) * k + j] = down(lb > 0 ? sqrt(lb) : 0);
                    if (q < bq[t]) {
                        bq[t] = q;
                        ba[t] = (int)j;
                    }
                }
            }
            for (size_t t = 0; t < m; t++) {
                size_t i = i0 + t;
                float *l = c->lo + i * k;
                int a = ba[t];
                double u = exact_dist(c, C, i, (size_t)a);
                l[a] = down(u);
                for (size_t j = 0; j < k; j++) {
                    if ((int)j == a || l[j] > u)
                        continue;
                    double dj = exact_dist(c, C, i, j);
                    l[j] = down(dj);
                    if (dj < u || (dj == u && (int)j < a)) { /* ties to the lower index, as argmin */
                        a = (int)j;
                        u = dj;
                    }
                }
                c->lab[i] = a;
                c->up[i] = u;
                c->second[i] = second_bound(l, k, a);
            }
        }
        return;
    }
    const size_t blk = 256;
    for (size_t i0 = 0; i0 < n; i0 += blk) {
        size_t m = n - i0 < blk ? n - i0 : blk;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, (int)d, 1.0, fc_mat_row(c->X, i0),
                    (int)d, C, (int)d, 0.0, c->blk, (int)k);
#pragma omp parallel for schedule(static)
        for (size_t a = 0; a < m; a++) {
            const double *g = c->blk + a * k;
            float *l = c->lo + (i0 + a) * k;
            double best = INFINITY;
            int bi = 0;
            for (size_t j = 0; j < k; j++) {
                double q = c->xn[i0 + a] + c->cn[j] - 2 * g[j];
                q = q > 0 ? sqrt(q) : 0;
                l[j] = down(q);
                if (q < best) {
                    best = q;
                    bi = (int)j;
                }
            }
            c->lab[i0 + a] = bi;
            c->up[i0 + a] = best;
            c->second[i0 + a] = second_bound(l, k, bi);
        }
    }
}

/* cc[a][b] = half the distance between centres a and b (infinity for a == b, so that neither a minimum
 * nor the filter needs an index test), half[a] = min over b of it. After the first
 * step only the centres that moved (often few, late in a run) need their row and column recomputed. */
static void centre_distances(km_ctx *c, const double *C)
{
    size_t k = c->k, d = c->d, nm = 0;
    for (size_t j = 0; j < k; j++)
        nm += c->shift[j] > 0;
    if (!c->cc_valid || nm > k / 4) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)k, (int)k, (int)d, 1.0, C, (int)d, C, (int)d,
                    0.0, c->cc, (int)k);
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
                double q = c->cn[a] + c->cn[b] - 2 * c->cc[a * k + b];
                c->cc[a * k + b] = a == b ? INFINITY : 0.5 * (q > 0 ? sqrt(q) : 0);
            }
        c->cc_valid = 1;
    } else if (nm) {
        /* the moved centres' rows, gathered into the free Cnew, against all centres by one GEMM */
        size_t *mv = c->far, t = 0;
        for (size_t j = 0; j < k; j++)
            if (c->shift[j] > 0) {
                mv[t] = j;
                memcpy(c->Cnew + t * d, C + j * d, d * sizeof(double));
                t++;
            }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nm, (int)k, (int)d, 1.0, c->Cnew, (int)d, C,
                    (int)d, 0.0, c->ccm, (int)k);
        for (t = 0; t < nm; t++) {
            size_t a = mv[t];
            for (size_t b = 0; b < k; b++) {
                double q = c->cn[a] + c->cn[b] - 2 * c->ccm[t * k + b];
                c->cc[a * k + b] = c->cc[b * k + a] = a == b ? INFINITY : 0.5 * (q > 0 ? sqrt(q) : 0);
            }
        }
    }
    for (size_t a = 0; a < k; a++) {
        const double *r = c->cc + a * k;
        double mn = INFINITY;
#pragma omp simd reduction(min : mn)
        for (size_t b = 0; b < k; b++) /* the diagonal holds infinity */
            mn = r[b] < mn ? r[b] : mn;
        c->half[a] = mn;
    }
}

/* Brings row l up to date (each bound loosened by how far its centre has moved since the row was last
 * touched: sn[j] - st[j], differences of running sums of the shifts) and lists (ascending) the centres j
 * that the loose upper bound u cannot rule out: u > l[j] and u > half the distance between the current
 * centre and j. One pass over the row; returns the count. */
static size_t loosen_and_list(float *l, const double *sn, const double *st, const double *ha, double u, size_t k,
                              int a, int *list, double *second)
{
    size_t nl = 0, j = 0;
    double keep = (double)l[a] - (sn[a] - st[a]), mn = INFINITY;
    l[a] = INFINITY; /* out of the minimum (and of the list, as ha[a] is infinite too) */
#ifdef __AVX512F__
    __m512d uv = _mm512_set1_pd(u), z = _mm512_setzero_pd(), mnv = _mm512_set1_pd(INFINITY);
    for (; j + 8 <= k; j += 8) {
        __m512d mv = _mm512_sub_pd(_mm512_loadu_pd(sn + j), _mm512_loadu_pd(st + j));
        __m512d v = _mm512_max_pd(_mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(l + j)), mv), z);
        _mm256_storeu_ps(l + j, _mm512_cvt_roundpd_ps(v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
        mnv = _mm512_min_pd(mnv, v);
        __mmask8 m = _mm512_cmp_pd_mask(v, uv, _CMP_LT_OQ) & _mm512_cmp_pd_mask(_mm512_loadu_pd(ha + j), uv, _CMP_LT_OQ);
        while (m) {
            list[nl++] = (int)j + __builtin_ctz(m);
            m &= (__mmask8)(m - 1);
        }
    }
    mn = _mm512_reduce_min_pd(mnv);
#endif
    for (; j < k; j++) {
        double v = (double)l[j] - (sn[j] - st[j]);
        v = v > 0 ? v : 0;
        l[j] = down(v);
        mn = v < mn ? v : mn;
        if (v < u && ha[j] < u)
            list[nl++] = (int)j;
    }
    l[a] = down(keep > 0 ? keep : 0);
    *second = mn;
    return nl;
}

/* Later E-steps: Elkan's triangle-inequality tests skip the distances that cannot change a label. Rows
 * are loosened lazily: a point whose label provably stays (its upper bound below half the distance to
 * the nearest other centre, or below its second-centre bound less the largest shifts since) is not
 * touched at all. Otherwise the vectorised pass filters with the loose bound of the current centre; the
 * survivors are then tested in index order against the tightened bound (and the current best centre), as
 * Elkan's loop would, so the labels are the exact nearest centres whatever the filter let through. */
static void elkan_step(km_ctx *c, const double *C)
{
    size_t n = c->n, k = c->k;
    centre_norms(c, C);
    centre_distances(c, C);
    int now = c->nmoves;
    const double *sn = c->hist + (size_t)now * k;
#pragma omp parallel
    {
        int *list = c->cand + (size_t)omp_get_thread_num() * k;
#pragma omp for schedule(dynamic, 64)
        for (size_t i = 0; i < n; i++) {
            int a = c->lab[i];
            float *l = c->lo + i * k;
            double u = c->up[i] + c->shift[a];
            c->up[i] = u;
            if (u <= c->half[a] || u <= c->second[i] - (c->msum[now] - c->msum[c->stamp[i]]))
                continue;
            const double *ha = c->cc + (size_t)a * k;
            double second;
            int a0 = a;
            size_t nl = loosen_and_list(l, sn, c->hist + (size_t)c->stamp[i] * k, ha, u, k, a, list, &second);
            c->stamp[i] = now;
            int tight = 0;
            for (size_t q = 0; q < nl; q++) {
                size_t j = (size_t)list[q];
                if ((int)j == a || u <= l[j] || u <= ha[j])
                    continue;
                if (!tight) {
                    u = exact_dist(c, C, i, (size_t)a);
                    l[a] = down(u);
                    tight = 1;
                    if (u <= l[j] || u <= ha[j])
                        continue;
                }
                double dj = exact_dist(c, C, i, j);
                l[j] = down(dj);
                if (dj < u || (dj == u && (int)j < a)) { /* ties to the lower index, as argmin */
                    a = (int)j;
                    u = dj;
                    ha = c->cc + (size_t)a * k;
                }
            }
            c->lab[i] = a;
            c->up[i] = u;
            /* the minimum at loosening time stays a lower bound (exact distances only raise entries); if
             * the label moved, the old centre joins it and the new one stays in it (merely looser) */
            c->second[i] = a == a0 || l[a0] > second ? second : l[a0];
        }
    }
}

/* After the M-step moved centre j by shift[j]: appends the running sums of the shifts (per centre, and of
 * the largest) that elkan_step loosens the bounds by, row by row as it reads them. */
static void elkan_move(km_ctx *c, const double *Cold, const double *Cnew)
{
    size_t k = c->k, d = c->d;
    const double *prev = c->hist + (size_t)c->nmoves * k;
    double *next = c->hist + (size_t)(c->nmoves + 1) * k, mx = 0;
    for (size_t j = 0; j < k; j++) {
        double s = 0;
        for (size_t t = 0; t < d; t++)
            s += (Cnew[j * d + t] - Cold[j * d + t]) * (Cnew[j * d + t] - Cold[j * d + t]);
        c->shift[j] = sqrt(s);
        next[j] = prev[j] + c->shift[j];
        mx = c->shift[j] > mx ? c->shift[j] : mx;
    }
    c->msum[c->nmoves + 1] = c->msum[c->nmoves] + mx;
    c->nmoves++;
}

/* M-step with sklearn's empty-cluster relocation; returns the summed squared centre shift. */
static double update_centres(km_ctx *c)
{
    size_t n = c->n, k = c->k, d = c->d;
    memset(c->Cnew, 0, k * d * sizeof(double));
    memset(c->w, 0, k * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        double *s = c->Cnew + (size_t)c->lab[i] * d;
        const double *x = fc_mat_row(c->X, i);
#pragma omp simd
        for (size_t t = 0; t < d; t++)
            s[t] += x[t];
        c->w[c->lab[i]] += 1;
    }
    size_t n_empty = 0;
    for (size_t j = 0; j < k; j++)
        n_empty += c->w[j] == 0;
    if (n_empty) {
        /* the n_empty points farthest from their (old) centres, farthest first */
        double *dd = c->dd;
        size_t *far = c->far;
        for (size_t i = 0; i < n; i++) {
            const double *x = fc_mat_row(c->X, i), *cc = c->C + (size_t)c->lab[i] * d;
            double s = 0;
            for (size_t t = 0; t < d; t++)
                s += (x[t] - cc[t]) * (x[t] - cc[t]);
            dd[i] = s;
        }
        for (size_t e = 0; e < n_empty; e++) {
            size_t bi = 0;
            double bv = -1;
            for (size_t i = 0; i < n; i++)
                if (dd[i] > bv) {
                    bv = dd[i];
                    bi = i;
                }
            far[e] = bi;
            dd[bi] = -2;
        }
        size_t e = 0;
        for (size_t j = 0; j < k && e < n_empty; j++) {
            if (c->w[j] != 0)
                continue;
            size_t fi = far[e++];
            int old = c->lab[fi];
            const double *x = fc_mat_row(c->X, fi);
            for (size_t t = 0; t < d; t++) {
                c->Cnew[(size_t)old * d + t] -= x[t];
                c->Cnew[j * d + t] = x[t];
            }
            c->w[old] -= 1;
            c->w[j] = 1;
        }
    }
    double shift = 0;
    for (size_t j = 0; j < k; j++) {
        double *s = c->Cnew + j * d, inv = c->w[j] > 0 ? 1.0 / c->w[j] : 0;
        for (size_t t = 0; t < d; t++) {
            s[t] = c->w[j] > 0 ? s[t] * inv : c->C[j * d + t];
            double q = s[t] - c->C[j * d + t];
            shift += q * q;
        }
    }
    return shift;
}

static double inertia(const km_ctx *c)
{
    double s = 0;
    for (size_t i = 0; i < c->n; i++) {
        const double *x = fc_mat_row(c->X, i), *cc = c->C + (size_t)c->lab[i] * c->d;
        for (size_t t = 0; t < c->d; t++)
            s += (x[t] - cc[t]) * (x[t] - cc[t]);
    }
    return s;
}

/* Same partition? (sklearn's _is_same_clustering: a one-to-one label mapping exists.) */
static int same_clustering(const int *a, const int *b, size_t n, size_t k, int *map)
{
    for (size_t j = 0; j < k; j++)
        map[j] = -1;
    for (size_t i = 0; i < n; i++) {
        if (map[a[i]] == -1)
            map[a[i]] = b[i];
        else if (map[a[i]] != b[i])
            return 0;
    }
    return 1;
}

static void free_shared(km_ctx *s)
{
    free((void *)s->Xf);
    free((void *)s->Xt);
    free((void *)s->xn);
    free((void *)s->gram);
}

/* The read-only part every restart shares: float copies of X (Xf with TB zero rows appended), |x|², and
 * the Gram matrix when asked for. */
static int prepare_shared(km_ctx *s, const fc_mat *X, size_t k, int use_gram)
{
    size_t n = X->rows, d = X->cols;
    *s = (km_ctx){.n = n, .d = d, .k = k, .X = X, .trials = 2 + (int)log((double)k)};
    float *Xf = fc_calloc((n + TB) * d, sizeof(float));
    float *Xt = fc_malloc((n + SB - 1) / SB * SB * d, sizeof(float));
    double *xn = fc_malloc(n, sizeof(double));
    float *gram = use_gram ? fc_malloc(n * n, sizeof(float)) : NULL;
    s->Xf = Xf;
    s->Xt = Xt;
    s->xn = xn;
    s->gram = gram;
    if (!Xf || !Xt || !xn || (use_gram && !gram)) {
        free_shared(s);
        return fc_fail(FC_ENOMEM, "kmeans: out of memory for N = %zu", n);
    }
    for (size_t i = 0; i < n * d; i++)
        Xf[i] = (float)X->data[i];
    for (size_t i = 0; i < (n + SB - 1) / SB * SB; i++)
        for (size_t t = 0; t < d; t++)
            Xt[(i / SB) * d * SB + t * SB + i % SB] = i < n ? Xf[i * d + t] : 0.0f;
    for (size_t i = 0; i < n; i++) {
        const double *x = fc_mat_row(X, i);
        double q = 0;
        for (size_t t = 0; t < d; t++)
            q += x[t] * x[t];
        xn[i] = q;
    }
    if (gram)
        build_gram(s, gram);
    return FC_OK;
}

static void free_run(km_ctx *c)
{
    void *v[] = {c->G, c->C, c->Cnew, c->w, c->pot, c->cid, c->lab, c->lab_old, c->lo, c->up, c->cc, c->half,
                 c->shift, c->cn, c->rows, c->best_pot, c->tmp, c->cum, c->dd, c->ids, c->far, c->cand, c->ccm, c->hist, c->msum, c->second, c->stamp, c->blk};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        free(v[i]);
}

/* One restart's working memory (everything it writes), on top of the shared part in *s. */
static int alloc_run(km_ctx *c, const km_ctx *s)
{
    *c = *s;
    size_t n = c->n, d = c->d, k = c->k, tpad = (size_t)(c->trials + TB - 1) / TB * TB;
    size_t gsize = c->gram ? n : (size_t)c->trials * n;
    c->G = fc_malloc(gsize, sizeof(float));
    c->C = fc_malloc(k * d, sizeof(double));
    c->Cnew = fc_malloc(k * d, sizeof(double));
    c->w = fc_malloc(k, sizeof(double));
    c->pot = fc_malloc(n, sizeof(double));
    c->cid = fc_malloc(k, sizeof(size_t));
    c->lab = fc_malloc(n, sizeof(int));
    c->lab_old = fc_malloc(n, sizeof(int));
    c->lo = fc_malloc(n * k, sizeof(float));
    c->blk = c->gram ? NULL : fc_malloc(256 * k, sizeof(double));
    c->up = fc_malloc(n, sizeof(double));
    c->cc = fc_malloc(k * k, sizeof(double));
    c->half = fc_malloc(k, sizeof(double));
    c->shift = fc_malloc(k, sizeof(double));
    c->cn = fc_malloc(k, sizeof(double));
    c->rows = fc_calloc(tpad * d, sizeof(float));
    c->best_pot = NULL;
    c->tmp = NULL;
    c->cum = fc_malloc(n, sizeof(double));
    c->dd = fc_malloc(n, sizeof(double));
    c->ids = fc_malloc((size_t)c->trials, sizeof(size_t));
    c->far = fc_malloc(k, sizeof(size_t));
    c->hist = fc_malloc((size_t)(c->max_iter + 1) * k, sizeof(double));
    c->msum = fc_malloc((size_t)c->max_iter + 1, sizeof(double));
    c->second = fc_malloc(n, sizeof(double));
    c->stamp = fc_malloc(n, sizeof(int));
    c->ccm = fc_malloc(k / 4 * k + 1, sizeof(double));
    c->cand = fc_malloc((size_t)omp_get_max_threads() * k, sizeof(int));
    if (!c->G || !c->C || !c->Cnew || !c->w || !c->pot || !c->cid || !c->lab || !c->lab_old || !c->lo ||
        !c->up || !c->cc || !c->half || !c->shift || !c->cn || !c->rows || !c->cum || !c->dd || !c->ids ||
        !c->far || !c->cand || !c->ccm ||
        !c->hist || !c->msum || !c->second || !c->stamp || (!c->gram && !c->blk)) {
        free_run(c);
        memset(c, 0, sizeof *c);
        return fc_fail(FC_ENOMEM, "kmeans: out of memory for N = %zu, K = %zu", n, k);
    }
    return FC_OK;
}

/* One restart: seeding, then Lloyd/Elkan iterations until sklearn's stopping rule; the final labels go
 * to c->lab, the inertia is returned. */
static double run_once(km_ctx *c, fc_rng *rng, double tol, int max_iter)
{
    size_t n = c->n;
    seed_plusplus(c, rng);
    c->cc_valid = 0;
    c->nmoves = 0;
    c->msum[0] = 0;
    memset(c->hist, 0, c->k * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        c->lab_old[i] = -1;
        c->stamp[i] = 0;
    }
    int strict = 0;
    for (int it = 0; it < max_iter; it++) {
        if (it == 0)
            elkan_init(c, c->C);
        else
            elkan_step(c, c->C);
        double shift = update_centres(c);
        elkan_move(c, c->C, c->Cnew);
        double *t = c->C;
        c->C = c->Cnew;
        c->Cnew = t;
        if (memcmp(c->lab, c->lab_old, n * sizeof(int)) == 0) {
            strict = 1;
            break;
        }
        if (shift <= tol)
            break;
        memcpy(c->lab_old, c->lab, n * sizeof(int));
    }
    if (!strict)
        elkan_step(c, c->C);
    return inertia(c);
}

/* The seeding's draws do not depend on the data (one index, then `trials` uniforms per further centre),
 * so restart r's generator state is known before restart r-1 runs: the restarts can run in parallel and
 * still draw exactly what the sequential loop would. */
static void skip_seeding_draws(fc_rng *r, size_t n, size_t k, int trials)
{
    fc_rng_below(r, n);
    for (size_t i = 1; i < k; i++)
        for (int t = 0; t < trials; t++)
            fc_rng_next(r);
}

/* Gram matrix or streaming for the seeding: the Gram matrix costs N²·D once, streaming costs
 * N·D·trials per seeding step (K-1 steps per restart); take it when it is cheaper and fits easily. */
static int want_gram(size_t n, size_t k, int trials, int n_init, int opt)
{
    if (opt >= 0)
        return opt;
    double bytes = (double)n * (double)n * sizeof(float);
    double budget = (double)fc_cluster_memory_limit() / 8;
    if (budget > 2e9)
        budget = 2e9;
    return bytes <= budget && (double)n < (double)n_init * (double)k * trials;
}

int fc_kmeans_ex(const fc_mat *X, const fc_cluster_params *p, const fc_kmeans_opts *o, int *labels)
{
    size_t n = X->rows, d = X->cols, k = (size_t)p->k;
    if (p->k < 1 || k > n)
        return fc_fail(FC_EARG, "kmeans: K must be in 1..%zu (got %d)", n, p->k);
    if (p->n_init < 1 || p->max_iter < 1)
        return fc_fail(FC_EARG, "kmeans: n_init and max_iter must be >= 1");
    char what[80];
    snprintf(what, sizeof what, "kmeans: the %zu x %zu Elkan bounds", n, k);
    double per_run = (double)n * (double)k * sizeof(float);
    int rc = fc_cluster_check_memory(what, per_run);
    if (rc)
        return rc;
    int trials = 2 + (int)log((double)k);
    km_ctx sh;
    if ((rc = prepare_shared(&sh, X, k, want_gram(n, k, trials, p->n_init, o ? o->gram : -1))))
        return rc;
    sh.max_iter = p->max_iter;
    /* restarts at once: the OpenMP threads, as many as the memory budget holds bounds for */
    int nth = o && o->threads > 0 ? o->threads : omp_get_max_threads();
    if (nth > p->n_init)
        nth = p->n_init;
    double fit = (double)fc_cluster_memory_limit() / 2 / per_run;
    if (nth > 1 && fit < nth)
        nth = fit < 1 ? 1 : (int)fit;
    km_ctx *run = calloc((size_t)nth, sizeof *run);
    fc_rng *rngs = malloc((size_t)p->n_init * sizeof *rngs);
    int *lab_all = fc_malloc((size_t)p->n_init * n, sizeof(int));
    double *in_all = malloc((size_t)p->n_init * sizeof(double));
    int *map = fc_malloc(k, sizeof(int));
    if (!run || !rngs || !lab_all || !in_all || !map) {
        rc = fc_fail(FC_ENOMEM, "kmeans: out of memory for N = %zu, K = %zu", n, k);
        goto done;
    }
    for (int t = 0; t < nth && !rc; t++)
        rc = alloc_run(&run[t], &sh);
    if (rc)
        goto done;
    /* tol is relative to the mean per-feature variance, as sklearn's _tolerance */
    double var = 0;
    for (size_t t = 0; t < d; t++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            m += X->data[i * d + t];
        m /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double q = X->data[i * d + t] - m;
            v += q * q;
        }
        var += v / (double)n;
    }
    double tol = p->tol * var / (double)d;
    fc_rng_init(&rngs[0], p->seed);
    for (int r = 1; r < p->n_init; r++) {
        rngs[r] = rngs[r - 1];
        skip_seeding_draws(&rngs[r], n, k, trials);
    }
    /* one restart per thread; BLAS calls inside must stay single-threaded */
    int blas_threads = openblas_get_num_threads();
    if (nth > 1)
        openblas_set_num_threads(1);
    if (nth == 1) {
        /* sequential: one generator carried from restart to restart (the parallel path must match it) */
        fc_rng g = rngs[0];
        for (int r = 0; r < p->n_init; r++) {
            in_all[r] = run_once(&run[0], &g, tol, p->max_iter);
            memcpy(lab_all + (size_t)r * n, run[0].lab, n * sizeof(int));
        }
    } else {
#pragma omp parallel for num_threads(nth) schedule(dynamic, 1)
        for (int r = 0; r < p->n_init; r++) {
            km_ctx *c = &run[omp_get_thread_num()];
            in_all[r] = run_once(c, &rngs[r], tol, p->max_iter);
            memcpy(lab_all + (size_t)r * n, c->lab, n * sizeof(int));
        }
    }
    if (nth > 1)
        openblas_set_num_threads(blas_threads);
    /* the sequential choice: lowest inertia, the earliest restart on ties (and a different partition) */
    double best = INFINITY;
    for (int r = 0; r < p->n_init; r++) {
        const int *l = lab_all + (size_t)r * n;
        if (r == 0 || (in_all[r] < best && !same_clustering(l, labels, n, k, map))) {
            best = in_all[r];
            memcpy(labels, l, n * sizeof(int));
        }
    }
done:
    if (run)
        for (int t = 0; t < nth; t++)
            free_run(&run[t]);
    free(run);
    free(rngs);
    free(lab_all);
    free(in_all);
    free(map);
    free_shared(&sh);
    return rc;
}

int fc_kmeans(const fc_mat *X, const fc_cluster_params *p, int *labels) { return fc_kmeans_ex(X, p, NULL, labels); }

int fc_kmeans_plusplus(const fc_mat *X, int k, uint64_t seed, int gram, size_t *ids)
{
    if (k < 1 || (size_t)k > X->rows)
        return fc_fail(FC_EARG, "kmeans: K must be in 1..%zu (got %d)", X->rows, k);
    km_ctx sh, c;
    int rc = prepare_shared(&sh, X, (size_t)k, gram);
    if (rc)
        return rc;
    sh.max_iter = 1;
    if (!(rc = alloc_run(&c, &sh))) {
        fc_rng rng;
        fc_rng_init(&rng, seed);
        seed_plusplus(&c, &rng);
        memcpy(ids, c.cid, (size_t)k * sizeof(size_t));
        free_run(&c);
    }
    free_shared(&sh);
    return rc;
}
