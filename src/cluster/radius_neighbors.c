/* radius_neighbors.c — fc_radius_neighbors: every pair within a radius, exactly as the double formula
 * decides it, found through a low-rank float32 screen (see distance.h).
 *
 * Face embeddings are close to low rank, so the rows are centred and projected onto their top p principal
 * directions (an orthonormal basis V_p). |V_pᵀ(x−y)| <= |x−y| for any orthonormal V_p, so a pair whose
 * projected distance is beyond the radius (plus a float-rounding margin) cannot be a neighbour; the few
 * pairs that pass (about 1 % on LFW) are decided with doubles. p is chosen per call from a small sample of
 * pairs (the cheapest p for this data and radius); "full" (p = D, V = I) screens with the data itself and
 * there the float value also accepts pairs clearly inside. The screen is one fused, register-tiled kernel
 * (8 rows × 16 columns, upper triangle only) inside a single OpenMP region, with no BLAS calls, so there
 * is no GEMM buffer to write and scan and no second thread pool to wait for.
 */
#include "facecluster/distance.h"
#include "facecluster/parallel.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

#define TILE 8   /* rows per screen tile */
#define LANES 16 /* columns per panel */

typedef struct {
    size_t n, d, p; /* p: screen width, a multiple of LANES */
    int full;       /* the screen rows are the centred data itself (V = I) */
    float *rows;    /* (n rounded up to TILE) × p, row-major, zero padded */
    float *panel;   /* panel c: p × LANES floats, columns LANES*c .. LANES*c+15, dimension-major */
    float *sq;      /* squared norms of the screen rows; +inf on padding columns */
    size_t npanel;
    double margin;  /* bound on |float screen value − exact double value| (see build_screen) */
    size_t dp;      /* D rounded up to LANES */
    float *xf;      /* the centred rows in float, n × dp (= rows when full): second stage of the check */
    float *xsq;     /* their squared norms */
    double fmargin; /* the margin of a full-dimensional float value */
} screen;

/* A plain left-to-right sum, on purpose: a vectorised reduction changes the rounding with the instruction
 * set (AVX-512 vs SSE), and pairs at the radius must be decided the same way on every machine. Only pairs
 * within a hair of the radius, and the reported distances, come here. */
static double dot_plain(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t k = 0; k < d; k++)
        s += a[k] * b[k];
    return s;
}

/* Any summation order (four independent accumulators hide the FMA latency): used with a margin that
 * covers the difference from dot_plain. */
static double dot_fast(const double *a, const double *b, size_t d)
{
    size_t k = 0;
    double s = 0;
#ifdef __AVX512F__
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (; k + 32 <= d; k += 32) {
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + k), _mm512_loadu_pd(b + k), s0);
        s1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + k + 8), _mm512_loadu_pd(b + k + 8), s1);
        s2 = _mm512_fmadd_pd(_mm512_loadu_pd(a + k + 16), _mm512_loadu_pd(b + k + 16), s2);
        s3 = _mm512_fmadd_pd(_mm512_loadu_pd(a + k + 24), _mm512_loadu_pd(b + k + 24), s3);
    }
    for (; k + 8 <= d; k += 8)
        s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + k), _mm512_loadu_pd(b + k), s0);
    s = _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
#endif
#pragma omp simd reduction(+ : s)
    for (size_t t = k; t < d; t++)
        s = fma(a[t], b[t], s);
    return s;
}

/* Float dot product of two zero-padded rows of length dp (a multiple of LANES). */
static float dot_f(const float *a, const float *b, size_t dp)
{
#ifdef __AVX512F__
    __m512 s0 = _mm512_setzero_ps(), s1 = s0;
    size_t k = 0;
    for (; k + 32 <= dp; k += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k + 16), _mm512_loadu_ps(b + k + 16), s1);
    }
    if (k < dp)
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), s0);
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
#else
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t k = 0; k < dp; k++)
        s += a[k] * b[k];
    return s;
#endif
}

static size_t round_up(size_t v, size_t m) { return (v + m - 1) / m * m; }

/* Top-`want` principal directions of the centred rows (covariance from at most 1024 evenly spaced rows:
 * the basis only has to be orthonormal, not optimal), as the rows of VT (want × D), largest first. */
static int pca_basis(const fc_mat *X, const double *mu, size_t want, double *VT)
{
    size_t n = X->rows, d = X->cols, step = n > 1024 ? n / 1024 : 1, ns = (n + step - 1) / step;
    double *xs = fc_malloc(ns * d, sizeof(double)), *C = fc_calloc(d * d, sizeof(double));
    double *w = fc_malloc(d, sizeof(double)), *Z = fc_malloc(d * d, sizeof(double));
    lapack_int *supp = fc_malloc(2 * d, sizeof(lapack_int));
    int rc = FC_OK;
    if (!xs || !C || !w || !Z || !supp) {
        rc = FC_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < ns; s++)
        for (size_t k = 0; k < d; k++)
            xs[s * d + k] = X->data[s * step * d + k] - mu[k];
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t a = 0; a < d; a++)
        for (size_t s = 0; s < ns; s++) {
            double v = xs[s * d + a];
            double *ca = C + a * d;
            const double *xr = xs + s * d;
#pragma omp simd
            for (size_t b = a; b < d; b++)
                ca[b] = fma(v, xr[b], ca[b]);
        }
    lapack_int m = 0;
    /* all pairs: the MRRR path ('A') is several times faster here than bisection for the top few ('I') */
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'A', 'U', (lapack_int)d, C, (lapack_int)d, 0, 0, 0, 0,
                                     0.0, &m, w, Z, (lapack_int)d, supp);
    if (info != 0 || (size_t)m != d) {
        rc = fc_fail(FC_EINTERNAL, "radius neighbours: eigen-decomposition of the covariance failed (info %d)", (int)info);
        goto done;
    }
    for (size_t k = 0; k < d; k++) /* ascending eigenvalues → largest first */
        for (size_t l = 0; l < want; l++)
            VT[l * d + k] = Z[k * d + (d - 1 - l)];
done:
    free(xs);
    free(C);
    free(w);
    free(Z);
    free(supp);
    return rc;
}

/* Row i centred into xc and projected onto the principal directions VT (q × D, one direction per row)
 * into out, or copied when VT is NULL (q = D). */
static void project(const fc_mat *X, const double *mu, const double *VT, size_t q, size_t i, double *xc, double *out)
{
    size_t d = X->cols;
    const double *x = fc_mat_row(X, i);
#pragma omp simd
    for (size_t k = 0; k < d; k++)
        xc[k] = x[k] - mu[k];
    if (!VT) {
        memcpy(out, xc, d * sizeof(double));
        return;
    }
    for (size_t l = 0; l < q; l++)
        out[l] = dot_fast(xc, VT + l * d, d);
}

/* Estimated share of pairs passing a p-dimensional screen, for p = 16, 32, .. up to pmax (pass[p/16 - 1]),
 * from all pairs of at most 320 evenly spaced rows: the lower bound only grows with p, so one pass over
 * 16-dimension blocks gives every p. */
static void sample_pass_rates(const fc_mat *X, const double *mu, const double *VT, size_t pmax, double r2, double *pass)
{
    size_t n = X->rows, d = X->cols, s = n < 320 ? n : 320, nb = pmax / LANES;
    double *z = malloc(s * pmax * sizeof(double)), *xc = malloc(d * sizeof(double));
    size_t *cnt = calloc(nb, sizeof(size_t));
    if (!z || !xc || !cnt) {
        for (size_t b = 0; b < nb; b++)
            pass[b] = 1; /* unknown: makes the full screen look best */
        goto done;
    }
    for (size_t a = 0; a < s; a++)
        project(X, mu, VT, pmax, a * n / s, xc, z + a * pmax);
    for (size_t a = 0; a < s; a++)
        for (size_t b = a + 1; b < s; b++) {
            double acc = 0;
            for (size_t blk = 0; blk < nb && acc <= r2; blk++) {
                const double *za = z + a * pmax + blk * LANES, *zb = z + b * pmax + blk * LANES;
                for (size_t l = 0; l < LANES; l++)
                    acc += (za[l] - zb[l]) * (za[l] - zb[l]);
                if (acc > r2) /* out for this p, so for every larger p: blocks blk.. count nothing */
                    break;
                cnt[blk]++;
            }
        }
    double pairs = s > 1 ? (double)s * (double)(s - 1) / 2 : 1;
    for (size_t b = 0; b < nb; b++)
        pass[b] = (double)cnt[b] / pairs;
done:
    free(z);
    free(xc);
    free(cnt);
}

/* Cost per pair in rough cycles: the screen does p multiply-adds per pair at 32 per cycle; a passing pair
 * costs a D-long double dot product plus bookkeeping. Measured on lfw3 these pick p = 32 at eps 0.8
 * and p = 48 at radius 1.05. */
static double screen_cost(size_t p, double pass, size_t d) { return (double)p / 32.0 + pass * ((double)d / 6.0 + 40.0); }

static size_t choose_dims(const fc_mat *X, const double *mu, double r2, const double *VT, size_t pmax)
{
    size_t d = X->cols, best = 0;
    double pass[16], best_cost = screen_cost(round_up(d, LANES), 0, d);
    sample_pass_rates(X, mu, VT, pmax, r2, pass);
    for (size_t p = LANES; p <= pmax; p += LANES) {
        double c = screen_cost(p, pass[p / LANES - 1] + 2.0 / (320.0 * 319.0), d);
        if (c < best_cost)
            best_cost = c, best = p;
    }
    return best; /* 0: the full screen */
}

static void screen_free(screen *s)
{
    if (s->xf != s->rows)
        free(s->xf);
    if (s->xsq != s->sq)
        free(s->xsq);
    free(s->rows);
    free(s->panel);
    free(s->sq);
}

/* Builds the float screen rows: centred data projected onto the top `p` principal directions, or (p >= D)
 * the centred data itself. want = 0 picks p from a sample of pairs. */
static int build_screen(const fc_mat *X, double radius, size_t want, screen *s)
{
    size_t n = X->rows, d = X->cols;
    memset(s, 0, sizeof *s);
    double *mu = fc_calloc(d, sizeof(double)), *VT = NULL;
    int rc = FC_OK;
    if (!mu)
        return FC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            mu[k] += X->data[i * d + k];
    for (size_t k = 0; k < d; k++)
        mu[k] /= (double)n;
    /* automatic: principal directions pay off only for enough rows and dimensions; try p up to D/2 */
    size_t pmax = want ? round_up(want, LANES) : (n >= 2000 && d >= 64 && d <= 1024 ? (d / 2) / LANES * LANES : 0);
    if (pmax > 16 * LANES)
        pmax = 16 * LANES;
    size_t p = 0;
    if (pmax && pmax < d) {
        if (!(VT = fc_malloc(d * pmax, sizeof(double)))) {
            rc = FC_ENOMEM;
            goto done;
        }
        if ((rc = pca_basis(X, mu, pmax, VT)))
            goto done;
        p = want ? pmax : choose_dims(X, mu, radius * radius, VT, pmax);
    }
    s->full = p == 0;
    s->n = n;
    s->d = d;
    s->p = s->full ? round_up(d, LANES) : p;
    s->npanel = (n + LANES - 1) / LANES;
    size_t nr = round_up(n, TILE), q = s->full ? d : p;
    s->rows = fc_calloc(nr * s->p, sizeof(float));
    s->panel = fc_calloc(s->npanel * s->p * LANES, sizeof(float));
    s->sq = fc_malloc(s->npanel * LANES, sizeof(float));
    s->dp = round_up(d, LANES);
    s->xf = s->full ? s->rows : fc_calloc(n * s->dp, sizeof(float));
    s->xsq = s->full ? s->sq : fc_malloc(n, sizeof(float));
    if (!s->rows || !s->panel || !s->sq || !s->xf || !s->xsq) {
        rc = FC_ENOMEM;
        goto done;
    }
    double maxsq = 0, maxn = 0;
#pragma omp parallel
    {
        double *xc = malloc(d * sizeof(double)), *z = malloc(q * sizeof(double));
        double lmax = 0, lmaxn = 0;
        if (!xc || !z) {
#pragma omp atomic write
            rc = FC_ENOMEM;
        } else {
#pragma omp for schedule(static)
            for (size_t i = 0; i < n; i++) {
                project(X, mu, s->full ? NULL : VT, q, i, xc, z);
                float *row = s->rows + i * s->p, *pan = s->panel + (i / LANES) * s->p * LANES + i % LANES;
                double sq = 0, nx = 0;
                for (size_t l = 0; l < q; l++) {
                    float f = (float)z[l];
                    row[l] = f;
                    pan[l * LANES] = f;
                    sq += (double)f * f;
                }
                float *xr = s->xf + i * s->dp;
                double fsq = 0;
                for (size_t k = 0; k < d; k++) {
                    nx += xc[k] * xc[k];
                    xr[k] = (float)xc[k];
                    fsq += (double)xr[k] * xr[k];
                }
                s->sq[i] = (float)sq;
                s->xsq[i] = (float)fsq;
                lmax = sq > lmax ? sq : lmax;
                lmaxn = nx > lmaxn ? nx : lmaxn;
            }
        }
#pragma omp critical
        {
            maxsq = lmax > maxsq ? lmax : maxsq;
            maxn = lmaxn > maxn ? lmaxn : maxn;
        }
        free(xc);
        free(z);
    }
    if (rc)
        goto done;
    for (size_t i = n; i < s->npanel * LANES; i++)
        s->sq[i] = INFINITY;
    /* Float rounding of the screen value (sq_i + sq_j − 2 zi·zj, p products, values up to maxsq) is below
     * (p + 3)·2⁻²⁴·4·maxsq, and rounding the projection to float moves it by a few 2⁻²⁴·maxsq: 1e-6·(p + 16)
     * is more than twice both. The second term covers the double side (the basis is orthonormal and the
     * reference formula exact only to ~1e-16·D relative). */
    double dside = 1e-12 * (double)(d + 1) * (1.0 + maxn + radius * radius);
    s->margin = 1e-6 * (double)(s->p + 16) * (1.0 + maxsq) + dside;
    s->fmargin = 1e-6 * (double)(s->dp + 16) * (1.0 + maxn) + dside;
done:
    free(mu);
    free(VT);
    if (rc)
        screen_free(s);
    return rc;
}

/* Accepted partners of one tile's rows, kept per row so that they come out ascending. */
typedef struct {
    int *j[TILE];
    size_t cnt[TILE], cap[TILE];
} tile_edges;

static int push(tile_edges *t, int r, int j)
{
    if (t->cnt[r] == t->cap[r]) {
        size_t nc = t->cap[r] ? t->cap[r] * 2 : 16;
        int *g = realloc(t->j[r], nc * sizeof(int));
        if (!g)
            return -1;
        t->j[r] = g;
        t->cap[r] = nc;
    }
    t->j[r][t->cnt[r]++] = j;
    return 0;
}

typedef struct {
    const fc_mat *X;
    const double *norms;
    const screen *s;
    double r2, dmargin;
} check_ctx;

/* Decides a pair that passed the screen (v = its float screen value). Exact: every answer equals
 * `norms[i] + norms[j] − 2·dot_plain(xi, xj) <= r2`. Stages, each deciding what is clear beyond its
 * rounding margin: the full-dimensional float value (the screen value itself when the screen is full),
 * a double dot product in any order, the left-to-right double sum. */
static int decide(const check_ctx *c, size_t i, size_t j, float v)
{
    const screen *s = c->s;
    if (!s->full)
        v = s->xsq[i] + s->xsq[j] - 2.0f * dot_f(s->xf + i * s->dp, s->xf + j * s->dp, s->dp);
    if ((double)v < c->r2 - s->fmargin)
        return 1;
    if ((double)v > c->r2 + s->fmargin)
        return 0;
    const double *xi = fc_mat_row(c->X, i), *xj = fc_mat_row(c->X, j);
    size_t d = c->X->cols;
    double q = c->norms[i] + c->norms[j] - 2.0 * dot_fast(xi, xj, d);
    if (q < c->r2 - c->dmargin)
        return 1;
    if (q > c->r2 + c->dmargin)
        return 0;
    q = c->norms[i] + c->norms[j] - 2.0 * dot_plain(xi, xj, d);
    return (q < 0 ? 0 : q) <= c->r2;
}

/* One tile: rows i0 .. i0+TILE-1 against every column j > row, panel by panel; pairs whose screen value is
 * <= r2 + margin go to decide(). */
static int screen_tile(const check_ctx *c, size_t i0, tile_edges *te)
{
    const screen *s = c->s;
    size_t n = s->n, p = s->p;
    float thr[TILE];
    for (int r = 0; r < TILE; r++)
        thr[r] = i0 + r < n ? (float)(c->r2 + s->margin) - s->sq[i0 + r] : -INFINITY;
    const float *rows = s->rows + i0 * p;
    for (size_t pc = i0 / LANES; pc < s->npanel; pc++) {
        const float *pan = s->panel + pc * p * LANES, *sqj = s->sq + pc * LANES;
        unsigned mask[TILE];
        float val[TILE][LANES];
#ifdef __AVX512F__
        __m512 acc[TILE]; /* fully unrolled, so the accumulators live in registers */
#pragma GCC unroll 8
        for (int r = 0; r < TILE; r++)
            acc[r] = _mm512_setzero_ps();
        for (size_t k = 0; k < p; k++) {
            __m512 col = _mm512_loadu_ps(pan + k * LANES);
#pragma GCC unroll 8
            for (int r = 0; r < TILE; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(rows[r * p + k]), col, acc[r]);
        }
        __m512 sj = _mm512_loadu_ps(sqj), two = _mm512_set1_ps(2.0f);
#pragma GCC unroll 8
        for (int r = 0; r < TILE; r++) {
            __m512 v = _mm512_fnmadd_ps(two, acc[r], sj); /* sq_j − 2 zi·zj */
            mask[r] = _mm512_cmp_ps_mask(v, _mm512_set1_ps(thr[r]), _CMP_LE_OQ);
            if (mask[r])
                _mm512_storeu_ps(val[r], v);
        }
#else
        float acc[TILE][LANES] = {{0}};
        for (size_t k = 0; k < p; k++)
            for (int r = 0; r < TILE; r++) {
                float a = rows[r * p + k];
                for (int l = 0; l < LANES; l++)
                    acc[r][l] += a * pan[k * LANES + l];
            }
        for (int r = 0; r < TILE; r++) {
            mask[r] = 0;
            for (int l = 0; l < LANES; l++) {
                val[r][l] = sqj[l] - 2.0f * acc[r][l];
                if (val[r][l] <= thr[r])
                    mask[r] |= 1u << l;
            }
        }
#endif
        for (int r = 0; r < TILE; r++)
            for (unsigned m = mask[r]; m; m &= m - 1) {
                int l = __builtin_ctz(m);
                size_t i = i0 + r, j = pc * LANES + (size_t)l;
                if (j <= i || j >= n)
                    continue;
                if (decide(c, i, j, s->sq[i] + val[r][l]) && push(te, r, (int)j))
                    return -1;
            }
    }
    return 0;
}

int fc_radius_neighbors(const fc_mat *X, double radius, int want_dist, fc_neighbors *out)
{
    return fc_radius_neighbors_dims(X, radius, want_dist, 0, out);
}

static int radius_neighbors(const fc_mat *X, double radius, int want_dist, size_t screen_dims, fc_neighbors *out);

/* The one LAPACK call (the covariance's eigenvectors, D×D) runs single-threaded, so that no OpenBLAS
 * worker is left spinning beside the screen's OpenMP threads (parallel.h). */
int fc_radius_neighbors_dims(const fc_mat *X, double radius, int want_dist, size_t screen_dims, fc_neighbors *out)
{
    int blas = fc_blas_serial_begin();
    int rc = radius_neighbors(X, radius, want_dist, screen_dims, out);
    fc_blas_serial_end(blas);
    return rc;
}

static int radius_neighbors(const fc_mat *X, double radius, int want_dist, size_t screen_dims, fc_neighbors *out)
{
    memset(out, 0, sizeof *out);
    size_t n = X->rows, d = X->cols, ntile = (n + TILE - 1) / TILE;
    if (n > (size_t)2147483647)
        return fc_fail(FC_EARG, "radius neighbours: %zu rows is more than int indices hold", n);
    if (n == 0) {
        out->offsets = fc_calloc(1, sizeof(size_t));
        return out->offsets ? FC_OK : fc_fail(FC_ENOMEM, "out of memory listing radius neighbours");
    }
    double r2 = radius * radius;
    screen s;
    double *norms = fc_malloc(n, sizeof(double));
    tile_edges *tiles = fc_calloc(ntile, sizeof(tile_edges));
    size_t *deg = fc_calloc(n + 1, sizeof(size_t));
    unsigned char *self_done = fc_calloc(n, 1);
    int rc = FC_OK, have_screen = 0;
    if (!norms || !tiles || !deg || !self_done)
        goto oom;
    fc_row_sqnorms(X, norms);
    if ((rc = build_screen(X, radius, screen_dims, &s))) {
        if (rc == FC_ENOMEM)
            goto oom;
        goto fail;
    }
    have_screen = 1;
    double maxn = 0;
    for (size_t i = 0; i < n; i++)
        maxn = norms[i] > maxn ? norms[i] : maxn;
    /* any-order vs left-to-right double dot products differ by at most ~2·D·2⁻⁵³·|xi||xj| */
    check_ctx c = {X, norms, &s, r2, 1e-15 * (double)(d + 4) * (1.0 + 2.0 * maxn)};
    int fail = 0;
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t t = 0; t < ntile; t++) {
        int bad;
#pragma omp atomic read
        bad = fail;
        if (!bad && screen_tile(&c, t * TILE, &tiles[t])) {
#pragma omp atomic write
            fail = 1;
        }
    }
    if (fail)
        goto oom;
    /* CSR: each row gets itself plus both directions of its edges. Walking the edges (i < j) in row order,
     * row r receives its partners i < r ascending, then itself, then its partners j > r ascending. */
    size_t used = 0;
    for (size_t t = 0; t < ntile; t++)
        for (int r = 0; r < TILE; r++)
            for (size_t e = 0; e < tiles[t].cnt[r]; e++) {
                deg[t * TILE + r]++;
                deg[tiles[t].j[r][e]]++;
                used++;
            }
    out->n = n;
    out->offsets = fc_malloc(n + 1, sizeof(size_t));
    size_t total = n + 2 * used;
    out->index = fc_malloc(total ? total : 1, sizeof(int));
    out->dist = want_dist ? fc_malloc(total ? total : 1, sizeof(double)) : NULL;
    if (!out->offsets || !out->index || (want_dist && !out->dist))
        goto oom;
    size_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        out->offsets[i] = acc;
        acc += deg[i] + 1;
        deg[i] = out->offsets[i]; /* reuse as fill cursor */
    }
    out->offsets[n] = acc;
    for (size_t t = 0; t < ntile; t++)
        for (int r = 0; r < TILE; r++) {
            size_t i = t * TILE + r;
            for (size_t e = 0; e < tiles[t].cnt[r]; e++) {
                int j = tiles[t].j[r][e];
                if (!self_done[i]) {
                    out->index[deg[i]++] = (int)i;
                    self_done[i] = 1;
                }
                out->index[deg[i]++] = j;
                out->index[deg[j]++] = (int)i; /* i < j and j's self comes later: ascending */
            }
        }
    for (size_t i = 0; i < n; i++)
        if (!self_done[i])
            out->index[deg[i]++] = (int)i;
    if (want_dist) {
#pragma omp parallel for schedule(dynamic, 64)
        for (size_t i = 0; i < n; i++)
            for (size_t k = out->offsets[i]; k < out->offsets[i + 1]; k++) {
                size_t j = (size_t)out->index[k];
                double q = j == i ? 0 : norms[i] + norms[j] - 2.0 * dot_plain(fc_mat_row(X, i), fc_mat_row(X, j), d);
                out->dist[k] = q > 0 ? sqrt(q) : 0;
            }
    }
    rc = FC_OK;
    goto done;
oom:
    rc = fc_fail(FC_ENOMEM, "out of memory listing radius-%g neighbours of %zu points", radius, n);
fail:
    fc_neighbors_free(out);
done:
    if (tiles)
        for (size_t t = 0; t < ntile; t++)
            for (int r = 0; r < TILE; r++)
                free(tiles[t].j[r]);
    if (have_screen)
        screen_free(&s);
    free(tiles);
    free(norms);
    free(deg);
    free(self_done);
    return rc;
}
