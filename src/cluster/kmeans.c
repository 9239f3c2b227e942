/* kmeans.c — KMeans with scikit-learn 1.2 semantics: greedy k-means++ seeding (2 + int(ln K) candidate
 * centres per step, keeping the one that lowers the potential most), n_init restarts keeping the lowest
 * inertia, Lloyd iterations with sklearn's stopping rule (labels unchanged = strict convergence, else
 * squared centre shift summed over centres <= tol * mean per-feature variance), empty clusters re-seeded
 * with the points farthest from their centres, and a final assignment to the final centres when the loop
 * did not converge strictly.
 *
 * Speed: the seeding's candidate dot products (2 + ln K candidates against all N points per step) run in
 * float32 through a register-blocked kernel over a panelled copy of X, reading X once per step; the
 * E-steps use Elkan's bounds with exact double distances (first step by double GEMM), the bounds loosened
 * in the same pass that tests them. Centres, sums, potentials and inertia stay in double.
 * The random stream is ours (xoshiro), so results match sklearn statistically, not draw for draw.
 */
#include "facecluster/cluster.h"
#include "facecluster/rng.h"

#include <cblas.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct km_ctx {
    size_t n, d, k;
    const fc_mat *X;
    float *Xf;      /* n×d float copy */
    float *Xt;      /* the same, in panels of SB points stored feature-major (d×SB), zero-padded */
    double *xn;     /* |x|² */
    float *G;       /* n×k (or trials×n) dot products */
    double *C, *Cnew, *w; /* k×d centres, k×d sums, k weights */
    double *pot;    /* n: seeding closest squared distances */
    int *lab, *lab_old;
    /* Elkan bounds (double): lower n×k, upper n; centre-centre distances k×k, half-min s, shifts */
    double *lo, *up, *cc, *half, *shift, *cn;
} km_ctx;

enum { SB = 16, TB = 8 };

/* dist[t*n + i] = x_i · rows_t for t < nt (nt <= TB). Streams the panelled copy of X once with all
 * candidates in registers: OpenBLAS's sgemm repacks all of X on every call, which made this tiny
 * (TB×N×D) product cost more than the whole Lloyd phase. */
static void cand_dots(const km_ctx *c, const float *rows, int nt, float *dist)
{
    size_t n = c->n, d = c->d, nb = (n + SB - 1) / SB;
    for (size_t b = 0; b < nb; b++) {
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
            memcpy(dist + (size_t)t * n + i0, acc[t], m * sizeof(float));
    }
}

/* Greedy k-means++ (sklearn's _kmeans_plusplus). */
static void seed_plusplus(km_ctx *c, fc_rng *rng)
{
    size_t n = c->n, d = c->d, k = c->k;
    int trials = 2 + (int)log((double)k);
    int tpad = (trials + TB - 1) / TB * TB;
    float *rows = calloc((size_t)tpad * d, sizeof(float));
    float *dist = c->G; /* trials×n */
    double *best_pot = malloc(n * sizeof(double)), *tmp = malloc(n * sizeof(double));
    double *cum = malloc(n * sizeof(double));
    size_t *ids = malloc((size_t)trials * sizeof(size_t));
    size_t first = (size_t)fc_rng_below(rng, n);
    memcpy(c->C, fc_mat_row(c->X, first), d * sizeof(double));
    double pot = 0;
    {
        const float *xf = c->Xf + first * d;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0f, c->Xf, (int)d, xf, 1, 0.0f, dist, 1);
        for (size_t i = 0; i < n; i++) {
            double v = c->xn[i] + c->xn[first] - 2.0 * dist[i];
            c->pot[i] = v > 0 ? v : 0;
            if (i == first)
                c->pot[i] = 0;
            pot += c->pot[i];
        }
    }
    for (size_t ci = 1; ci < k; ci++) {
        double run = 0;
        for (size_t i = 0; i < n; i++) {
            run += c->pot[i];
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
            memcpy(rows + (size_t)t * d, c->Xf + ids[t] * d, d * sizeof(float));
        }
        for (int t0 = 0; t0 < trials; t0 += TB)
            cand_dots(c, rows + (size_t)t0 * d, trials - t0 < TB ? trials - t0 : TB, dist + (size_t)t0 * n);
        int best = -1;
        double bestpot = 0;
        for (int t = 0; t < trials; t++) {
            const float *g = dist + (size_t)t * n;
            double xc = c->xn[ids[t]], s = 0;
            /* sequential on purpose: thousands of tiny parallel regions cost more than they save
             * on a busy machine. The candidate's own point gets 0 after the loop so that the loop has
             * no branch and vectorises; the sum's order is fixed by the build, not the thread count. */
            const double *pt = c->pot, *xn = c->xn;
#pragma omp simd reduction(+ : s)
            for (size_t i = 0; i < n; i++) {
                double v = xn[i] + xc - 2.0 * g[i];
                v = v > 0 ? v : 0;
                v = v < pt[i] ? v : pt[i];
                tmp[i] = v;
                s += v;
            }
            s -= tmp[ids[t]];
            tmp[ids[t]] = 0;
            if (best < 0 || s < bestpot) {
                best = t;
                bestpot = s;
                memcpy(best_pot, tmp, n * sizeof(double));
            }
        }
        memcpy(c->pot, best_pot, n * sizeof(double));
        pot = bestpot;
        memcpy(c->C + ci * d, fc_mat_row(c->X, ids[best]), d * sizeof(double));
    }
    free(rows);
    free(best_pot);
    free(tmp);
    free(cum);
    free(ids);
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

/* First E-step of a run: every distance through double GEMM; sets labels and exact Elkan bounds. */
static void elkan_init(km_ctx *c, const double *C)
{
    size_t n = c->n, k = c->k, d = c->d;
    centre_norms(c, C);
    const size_t blk = 1024;
    for (size_t i0 = 0; i0 < n; i0 += blk) {
        size_t m = n - i0 < blk ? n - i0 : blk;
        double *L = c->lo + i0 * k;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, (int)d, 1.0, fc_mat_row(c->X, i0),
                    (int)d, C, (int)d, 0.0, L, (int)k);
#pragma omp parallel for schedule(static)
        for (size_t a = 0; a < m; a++) {
            double *l = L + a * k, best = INFINITY;
            int bi = 0;
            for (size_t j = 0; j < k; j++) {
                double q = c->xn[i0 + a] + c->cn[j] - 2 * l[j];
                l[j] = q > 0 ? sqrt(q) : 0;
                if (l[j] < best) {
                    best = l[j];
                    bi = (int)j;
                }
            }
            c->lab[i0 + a] = bi;
            c->up[i0 + a] = best;
        }
    }
}

/* Later E-steps: Elkan's triangle-inequality tests skip the distances that cannot change a label. */
static void elkan_step(km_ctx *c, const double *C)
{
    size_t n = c->n, k = c->k, d = c->d;
    centre_norms(c, C);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)k, (int)k, (int)d, 1.0, C, (int)d, C, (int)d, 0.0,
                c->cc, (int)k);
    for (size_t a = 0; a < k; a++) {
        double mn = INFINITY;
        for (size_t b = 0; b < k; b++) {
            double q = c->cn[a] + c->cn[b] - 2 * c->cc[a * k + b];
            q = a == b ? 0 : (q > 0 ? sqrt(q) : 0);
            c->cc[a * k + b] = 0.5 * q;
            if (a != b && q < mn)
                mn = q;
        }
        c->half[a] = 0.5 * mn;
    }
#pragma omp parallel for schedule(dynamic, 64)
    for (size_t i = 0; i < n; i++) {
        int a = c->lab[i];
        double *l = c->lo + i * k;
        for (size_t j = 0; j < k; j++) {
            double v = l[j] - c->shift[j];
            l[j] = v > 0 ? v : 0;
        }
        double u = c->up[i] + c->shift[a];
        c->up[i] = u;
        if (u <= c->half[a])
            continue;
        const double *ha = c->cc + (size_t)a * k;
        int tight = 0;
        for (size_t j = 0; j < k; j++) {
            if ((int)j == a || u <= l[j] || u <= ha[j])
                continue;
            if (!tight) {
                u = exact_dist(c, C, i, (size_t)a);
                l[a] = u;
                tight = 1;
                if (u <= l[j] || u <= ha[j])
                    continue;
            }
            double dj = exact_dist(c, C, i, j);
            l[j] = dj;
            if (dj < u || (dj == u && (int)j < a)) { /* ties to the lower index, as argmin */
                a = (int)j;
                u = dj;
                ha = c->cc + (size_t)a * k;
            }
        }
        c->lab[i] = a;
        c->up[i] = u;
    }
}

/* After the M-step moved centre j by shift[j]: the bounds must loosen by it; elkan_step does that row by
 * row as it reads them (one pass over the N×K bounds per iteration instead of two). */
static void elkan_move(km_ctx *c, const double *Cold, const double *Cnew)
{
    size_t k = c->k, d = c->d;
    for (size_t j = 0; j < k; j++) {
        double s = 0;
        for (size_t t = 0; t < d; t++)
            s += (Cnew[j * d + t] - Cold[j * d + t]) * (Cnew[j * d + t] - Cold[j * d + t]);
        c->shift[j] = sqrt(s);
    }
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
        for (size_t t = 0; t < d; t++)
            s[t] += x[t];
        c->w[c->lab[i]] += 1;
    }
    size_t n_empty = 0;
    for (size_t j = 0; j < k; j++)
        n_empty += c->w[j] == 0;
    if (n_empty) {
        /* the n_empty points farthest from their (old) centres, farthest first */
        double *dd = malloc(n * sizeof(double));
        size_t *far = malloc(n_empty * sizeof(size_t));
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
        free(dd);
        free(far);
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

int fc_kmeans(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    size_t n = X->rows, d = X->cols, k = (size_t)p->k;
    if (p->k < 1 || k > n)
        return fc_fail(FC_EARG, "kmeans: K must be in 1..%zu (got %d)", n, p->k);
    if (p->n_init < 1 || p->max_iter < 1)
        return fc_fail(FC_EARG, "kmeans: n_init and max_iter must be >= 1");
    km_ctx c = {.n = n, .d = d, .k = k, .X = X};
    int trials = 2 + (int)log((double)k);
    size_t gsize = (n < 2048 ? n : 2048) * k;
    if ((size_t)trials * n > gsize)
        gsize = (size_t)trials * n;
    c.Xf = fc_malloc(n * d, sizeof(float));
    c.Xt = fc_malloc((n + SB - 1) / SB * SB * d, sizeof(float));
    c.xn = fc_malloc(n, sizeof(double));
    c.G = fc_malloc(gsize, sizeof(float));
    c.C = fc_malloc(k * d, sizeof(double));
    c.Cnew = fc_malloc(k * d, sizeof(double));
    c.w = fc_malloc(k, sizeof(double));
    c.pot = fc_malloc(n, sizeof(double));
    c.lab = fc_malloc(n, sizeof(int));
    c.lab_old = fc_malloc(n, sizeof(int));
    int *map = fc_malloc(k, sizeof(int));
    int rc = FC_OK;
    char what[80];
    snprintf(what, sizeof what, "kmeans: the %zu x %zu Elkan bounds", n, k);
    if ((rc = fc_cluster_check_memory(what, (double)n * (double)k * sizeof(double))))
        goto done;
    c.lo = fc_malloc(n * k, sizeof(double));
    c.up = fc_malloc(n, sizeof(double));
    c.cc = fc_malloc(k * k, sizeof(double));
    c.half = fc_malloc(k, sizeof(double));
    c.shift = fc_malloc(k, sizeof(double));
    c.cn = fc_malloc(k, sizeof(double));
    if (!c.Xf || !c.Xt || !c.xn || !c.G || !c.C || !c.Cnew || !c.w || !c.pot || !c.lab || !c.lab_old ||
        !map || !c.lo || !c.up || !c.cc || !c.half || !c.shift || !c.cn) {
        rc = fc_fail(FC_ENOMEM, "kmeans: out of memory for N = %zu, K = %zu", n, k);
        goto done;
    }
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
    for (size_t i = 0; i < n * d; i++)
        c.Xf[i] = (float)X->data[i];
    for (size_t i = 0; i < (n + SB - 1) / SB * SB; i++)
        for (size_t t = 0; t < d; t++)
            c.Xt[(i / SB) * d * SB + t * SB + i % SB] = i < n ? c.Xf[i * d + t] : 0.0f;
    for (size_t i = 0; i < n; i++) {
        const double *x = fc_mat_row(X, i);
        double s = 0;
        for (size_t t = 0; t < d; t++)
            s += x[t] * x[t];
        c.xn[i] = s;
    }
    fc_rng rng;
    fc_rng_init(&rng, p->seed);
    double best = INFINITY;
    int have = 0;
    for (int run = 0; run < p->n_init; run++) {
        seed_plusplus(&c, &rng);
        for (size_t i = 0; i < n; i++)
            c.lab_old[i] = -1;
        int strict = 0;
        for (int it = 0; it < p->max_iter; it++) {
            if (it == 0)
                elkan_init(&c, c.C);
            else
                elkan_step(&c, c.C);
            double shift = update_centres(&c);
            elkan_move(&c, c.C, c.Cnew);
            double *t = c.C;
            c.C = c.Cnew;
            c.Cnew = t;
            if (memcmp(c.lab, c.lab_old, n * sizeof(int)) == 0) {
                strict = 1;
                break;
            }
            if (shift <= tol)
                break;
            memcpy(c.lab_old, c.lab, n * sizeof(int));
        }
        if (!strict)
            elkan_step(&c, c.C);
        double in = inertia(&c);
        if (!have || (in < best && !same_clustering(c.lab, labels, n, k, map))) {
            best = in;
            memcpy(labels, c.lab, n * sizeof(int));
            have = 1;
        }
    }
done:
    free(c.Xf);
    free(c.Xt);
    free(c.xn);
    free(c.G);
    free(c.C);
    free(c.Cnew);
    free(c.w);
    free(c.pot);
    free(c.lab);
    free(c.lab_old);
    free(map);
    free(c.lo);
    free(c.up);
    free(c.cc);
    free(c.half);
    free(c.shift);
    free(c.cn);
    return rc;
}
