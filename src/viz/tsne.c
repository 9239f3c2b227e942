/* tsne.c — t-SNE with sklearn 1.2 semantics: perplexity search, PCA start, exact or Barnes-Hut gradient,
 * gradient descent with momentum and gains (see tsne.h). */
#include "facecluster/tsne.h"
#include "facecluster/distance.h"
#include "facecluster/progress.h"
#include "facecluster/rng.h"
#include "viz/sptree.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_EPS DBL_EPSILON
#define PERPLEXITY_TOL 1e-5
#ifndef EXPLORATION_ITERS
#define EXPLORATION_ITERS 250
#endif
#define CHECK_EVERY 50
#define NO_PROGRESS_ITERS 300
#define MIN_GRAD_NORM 1e-7
#define MIN_GAIN 0.01
/* Below these sizes an iteration is too short to share: on a loaded machine, waking a second thread
 * every iteration costs more than the work itself (79 points: 0.06 s alone, 7 s with two threads). */
#define PARALLEL_EXACT_MIN 500
#define PARALLEL_BH_MIN 1500

void fc_tsne_defaults(fc_tsne_params *p)
{
    memset(p, 0, sizeof *p);
    p->perplexity = 30;
    p->early_exaggeration = 12;
    p->learning_rate = 0;
    p->n_iter = 1000;
    p->angle = 0.5;
    p->method = FC_TSNE_AUTO;
    p->exact_below = 1000;
    p->init = FC_TSNE_INIT_PCA;
    p->progress = 1;
}

/* ---- input similarities ------------------------------------------------------------------------ */

/* One row's binary search on beta so that the entropy of p_j ∝ exp(-beta d_j) is log(perplexity). */
static double search_row(const double *d, size_t k, double target, double *p)
{
    double beta = 1, lo = -INFINITY, hi = INFINITY;
    for (int step = 0; step < 100; step++) {
        double sum = 0, dsum = 0;
        for (size_t j = 0; j < k; j++) {
            p[j] = exp(-d[j] * beta);
            sum += p[j];
        }
        if (sum == 0)
            sum = 1e-8;
        for (size_t j = 0; j < k; j++) {
            p[j] /= sum;
            dsum += d[j] * p[j];
        }
        double diff = log(sum) + beta * dsum - target;
        if (fabs(diff) <= PERPLEXITY_TOL)
            break;
        if (diff > 0) { /* too flat: sharpen */
            lo = beta;
            beta = isinf(hi) ? beta * 2 : (beta + hi) / 2;
        } else {
            hi = beta;
            beta = isinf(lo) ? beta / 2 : (beta + lo) / 2;
        }
    }
    return beta;
}

double fc_tsne_conditional_p(const double *sqdist, size_t rows, size_t k, double perplexity, double *P,
                             double *beta)
{
    double target = log(perplexity), sigma_sum = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : sigma_sum) if (rows * k > 200000)
    for (size_t r = 0; r < rows; r++) {
        double b = search_row(sqdist + r * k, k, target, P + r * k);
        if (beta)
            beta[r] = b;
        sigma_sum += sqrt(1.0 / (2.0 * b));
    }
    return rows ? sigma_sum / (double)rows : 0;
}

/* Dense joint P for the exact mode: P = (C + Cᵀ) / sum, clamped at machine epsilon off the diagonal. */
static int joint_p_dense(const fc_mat *X, double perplexity, double **Pout)
{
    size_t n = X->rows;
    double *D = fc_malloc(n * n, sizeof(double)), *C = fc_malloc(n * (n - 1), sizeof(double));
    double *dr = fc_malloc(n * (n - 1), sizeof(double));
    if (!D || !C || !dr) {
        free(D), free(C), free(dr);
        return FC_ENOMEM;
    }
    fc_sqdist_block_serial(X, NULL, 0, n, 0, n, D);
    for (size_t i = 0; i < n; i++) /* row i without its diagonal */
        for (size_t j = 0, c = 0; j < n; j++)
            if (j != i)
                dr[i * (n - 1) + c++] = D[i * n + j];
    fc_tsne_conditional_p(dr, n, n - 1, perplexity, C, NULL);
    for (size_t i = 0; i < n; i++) { /* scatter back into D as the conditional matrix */
        for (size_t j = 0, c = 0; j < n; j++)
            D[i * n + j] = j == i ? 0 : C[i * (n - 1) + c++];
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double v = D[i * n + j] + D[j * n + i];
            D[i * n + j] = D[j * n + i] = v;
            sum += 2 * v;
        }
    sum = fmax(sum, MACHINE_EPS);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            D[i * n + j] = i == j ? 0 : fmax(D[i * n + j] / sum, MACHINE_EPS);
    free(C);
    free(dr);
    *Pout = D;
    return FC_OK;
}

typedef struct sparse_p {
    size_t n;
    size_t *off; /* n + 1 */
    int *col;
    double *val;
} sparse_p;

static void sparse_free(sparse_p *s)
{
    free(s->off);
    free(s->col);
    free(s->val);
    memset(s, 0, sizeof *s);
}

/* The k nearest neighbours of every row (self excluded), by squared distance, through BLAS blocks. */
static int knn(const fc_mat *X, size_t k, int *idx, double *d2)
{
    size_t n = X->rows, block = 512;
    double *norms = fc_malloc(n, sizeof(double)), *buf = fc_malloc(block * n, sizeof(double));
    if (!norms || !buf) {
        free(norms), free(buf);
        return FC_ENOMEM;
    }
    fc_row_sqnorms(X, norms);
    for (size_t i0 = 0; i0 < n; i0 += block) {
        size_t i1 = i0 + block < n ? i0 + block : n;
        fc_sqdist_block_serial(X, norms, i0, i1, 0, n, buf);
#pragma omp parallel for schedule(static)
        for (size_t a = 0; a < i1 - i0; a++) {
            /* a max-heap of the k best so far, on (distance, index) */
            double *hd = d2 + (i0 + a) * k;
            int *hi = idx + (i0 + a) * k;
            size_t m = 0;
            const double *row = buf + a * n;
            for (size_t j = 0; j < n; j++) {
                if (j == i0 + a)
                    continue;
                double v = row[j];
                if (m == k && v >= hd[0])
                    continue;
                size_t pos;
                if (m < k) { /* sift up */
                    pos = m++;
                    while (pos && hd[(pos - 1) / 2] < v) {
                        hd[pos] = hd[(pos - 1) / 2];
                        hi[pos] = hi[(pos - 1) / 2];
                        pos = (pos - 1) / 2;
                    }
                } else { /* replace the root, sift down */
                    pos = 0;
                    for (;;) {
                        size_t c = 2 * pos + 1;
                        if (c >= m)
                            break;
                        if (c + 1 < m && hd[c + 1] > hd[c])
                            c++;
                        if (hd[c] <= v)
                            break;
                        hd[pos] = hd[c];
                        hi[pos] = hi[c];
                        pos = c;
                    }
                }
                hd[pos] = v;
                hi[pos] = (int)j;
            }
        }
    }
    free(norms);
    free(buf);
    return FC_OK;
}

/* Sparse joint P for Barnes-Hut: conditional P over k neighbours, then (C + Cᵀ) / sum as CSR. */
static int joint_p_sparse(const fc_mat *X, double perplexity, size_t k, sparse_p *S)
{
    size_t n = X->rows;
    memset(S, 0, sizeof *S);
    int *nb = fc_malloc(n * k, sizeof(int));
    double *d2 = fc_malloc(n * k, sizeof(double)), *C = fc_malloc(n * k, sizeof(double));
    size_t *cnt = fc_calloc(n + 1, sizeof(size_t));
    int rc = FC_ENOMEM;
    if (!nb || !d2 || !C || !cnt)
        goto done;
    if ((rc = knn(X, k, nb, d2)))
        goto done;
    fc_tsne_conditional_p(d2, n, k, perplexity, C, NULL);
    /* entries (i, j, c) and (j, i, c): count per row, fill, then sort each row by column and merge */
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < k; c++) {
            cnt[i + 1]++;
            cnt[nb[i * k + c] + 1]++;
        }
    for (size_t i = 0; i < n; i++)
        cnt[i + 1] += cnt[i];
    size_t total = cnt[n];
    int *col = fc_malloc(total, sizeof(int));
    double *val = fc_malloc(total, sizeof(double));
    size_t *fill = fc_malloc(n, sizeof(size_t));
    S->off = fc_malloc(n + 1, sizeof(size_t));
    if (!col || !val || !fill || !S->off) {
        free(col), free(val), free(fill);
        rc = FC_ENOMEM;
        goto done;
    }
    memcpy(fill, cnt, n * sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < k; c++) {
            int j = nb[i * k + c];
            double v = C[i * k + c];
            col[fill[i]] = j, val[fill[i]++] = v;
            col[fill[j]] = (int)i, val[fill[j]++] = v;
        }
    /* sort each row by column and merge the (i, j) / (j, i) duplicates */
    double sum = 0;
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = cnt[i], b = cnt[i + 1];
        /* insertion sort: rows are short (about 2k entries) */
        for (size_t x = a + 1; x < b; x++) {
            int cc = col[x];
            double vv = val[x];
            size_t y = x;
            while (y > a && col[y - 1] > cc) {
                col[y] = col[y - 1];
                val[y] = val[y - 1];
                y--;
            }
            col[y] = cc;
            val[y] = vv;
        }
        S->off[i] = out;
        for (size_t x = a; x < b; x++) {
            if (out > S->off[i] && col[out - 1] == col[x])
                val[out - 1] += val[x];
            else {
                col[out] = col[x];
                val[out++] = val[x];
            }
            sum += val[x];
        }
    }
    S->off[n] = out;
    sum = fmax(sum, MACHINE_EPS);
    for (size_t x = 0; x < out; x++)
        val[x] /= sum;
    S->n = n;
    S->col = col;
    S->val = val;
    free(fill);
    rc = FC_OK;
done:
    free(nb);
    free(d2);
    free(C);
    free(cnt);
    if (rc)
        sparse_free(S);
    return rc;
}

/* ---- objectives -------------------------------------------------------------------------------- */

static double kl_exact(const double *P, const double *Y, size_t n, double *grad, int want_error);

double fc_tsne_kl_exact(const double *P, const double *Y, size_t n, double *grad)
{
    return kl_exact(P, Y, n, grad, 1);
}

/* Two passes over the pairs: the normaliser Z = Σ w_ij, then KL and gradient with q_ij = w_ij / Z. */
static double kl_exact(const double *P, const double *Y, size_t n, double *grad, int want_error)
{
    double *wsum = fc_malloc(n, sizeof(double));
    if (!wsum)
        return NAN;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_EXACT_MIN)
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
            s += 1.0 / (1.0 + dx * dx + dy * dy);
        }
        wsum[i] = s;
    }
    double Z = 0;
    for (size_t i = 0; i < n; i++) /* fixed order: the same result on any thread count */
        Z += wsum[i];
    double *klrow = wsum; /* reused */
#pragma omp parallel for schedule(static) if (n >= PARALLEL_EXACT_MIN)
    for (size_t i = 0; i < n; i++) {
        double kl = 0, gx = 0, gy = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
            double w = 1.0 / (1.0 + dx * dx + dy * dy);
            double q = fmax(w / Z, MACHINE_EPS), p = P[i * n + j];
            if (want_error)
                kl += p * log(fmax(p, MACHINE_EPS) / q);
            double m = (p - q) * w;
            gx += m * dx;
            gy += m * dy;
        }
        klrow[i] = kl;
        if (grad) {
            grad[2 * i] = 4 * gx;
            grad[2 * i + 1] = 4 * gy;
        }
    }
    double kl = 0;
    for (size_t i = 0; i < n; i++)
        kl += klrow[i];
    free(wsum);
    return kl;
}

/* Spreads the low 16 bits of v to the even bit positions. */
static uint32_t spread16(uint32_t v)
{
    v &= 0xffff;
    v = (v | (v << 8)) & 0x00ff00ff;
    v = (v | (v << 4)) & 0x0f0f0f0f;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Points in Z-order (Morton order of their map position), so that the points one thread handles in a row
 * walk the same parts of the quadtree and find them in cache. keys: n slots. */
static void zorder(const double *Y, size_t n, uint64_t *keys)
{
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 2; d++) {
            lo[d] = fmin(lo[d], Y[2 * i + d]);
            hi[d] = fmax(hi[d], Y[2 * i + d]);
        }
    double sx = 65535.0 / fmax(hi[0] - lo[0], 1e-300), sy = 65535.0 / fmax(hi[1] - lo[1], 1e-300);
    for (size_t i = 0; i < n; i++) {
        uint32_t qx = (uint32_t)((Y[2 * i] - lo[0]) * sx), qy = (uint32_t)((Y[2 * i + 1] - lo[1]) * sy);
        keys[i] = ((uint64_t)(spread16(qx) | (spread16(qy) << 1)) << 32) | (uint64_t)i;
    }
    qsort(keys, n, sizeof *keys, cmp_u64);
}

/* Barnes-Hut gradient: attraction over the sparse P, repulsion from the quadtree. Returns the KL
 * estimate when want_error (else 0), or NAN when out of memory. `scratch` holds 4·n doubles. */
static double kl_bh(const sparse_p *S, double p_scale, const double *Y, double theta, double *grad,
                    int want_error, double *scratch, uint64_t *keys)
{
    size_t n = S->n;
    fc_qtree t;
    if (fc_qtree_build(&t, Y, n))
        return NAN;
    double *zrow = scratch, *neg = scratch + n, *err = scratch + 3 * n;
    zorder(Y, n, keys);
#pragma omp parallel for schedule(dynamic, 32) if (n >= PARALLEL_BH_MIN)
    for (size_t q = 0; q < n; q++) {
        size_t i = (size_t)(keys[q] & 0xffffffffu);
        zrow[i] = fc_qtree_repulsion(&t, Y + 2 * i, theta, neg + 2 * i);
    }
    fc_qtree_free(&t);
    double Z = 0;
    for (size_t i = 0; i < n; i++)
        Z += zrow[i];
#pragma omp parallel for schedule(static) if (n >= PARALLEL_BH_MIN)
    for (size_t i = 0; i < n; i++) {
        double px = 0, py = 0, e = 0;
        for (size_t x = S->off[i]; x < S->off[i + 1]; x++) {
            size_t j = (size_t)S->col[x];
            double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
            double q = 1.0 / (1.0 + dx * dx + dy * dy), p = S->val[x] * p_scale;
            if (want_error)
                e += p * log(fmax(p, FLT_MIN) / fmax(q / Z, FLT_MIN));
            px += p * q * dx;
            py += p * q * dy;
        }
        grad[2 * i] = 4 * (px - neg[2 * i] / Z);
        grad[2 * i + 1] = 4 * (py - neg[2 * i + 1] / Z);
        err[i] = e;
    }
    double kl = 0;
    if (want_error)
        for (size_t i = 0; i < n; i++)
            kl += err[i];
    return kl;
}

/* ---- initialisation ---------------------------------------------------------------------------- */

/* First two principal components, each signed so its largest-magnitude score is positive (sklearn's
 * svd_flip), then scaled so the first column has standard deviation 1e-4. */
static int pca_init(const fc_mat *X, double *Y)
{
    size_t n = X->rows, d = X->cols;
    double *Xc = fc_malloc(n * d, sizeof(double)), *mean = fc_calloc(d, sizeof(double));
    double *C = fc_malloc(d * d, sizeof(double)), *w = fc_malloc(d, sizeof(double));
    double *V = fc_malloc(d * 2, sizeof(double));
    lapack_int *isuppz = fc_malloc(4, sizeof(lapack_int));
    int rc = FC_ENOMEM;
    if (!Xc || !mean || !C || !w || !V || !isuppz)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mean[j] += X->data[i * d + j];
    for (size_t j = 0; j < d; j++)
        mean[j] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            Xc[i * d + j] = X->data[i * d + j] - mean[j];
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)n, 1.0, Xc, (int)d, 0.0, C, (int)d);
    lapack_int found;
    int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)d, C, (lapack_int)d, 0, 0,
                              (lapack_int)d - 1, (lapack_int)d, 0.0, &found, w, V, 2, isuppz);
    if (info != 0 || found != 2) {
        rc = fc_fail(FC_EINTERNAL, "t-SNE: the PCA eigensolver failed");
        goto done;
    }
    /* dsyevr lists ascending: column 1 is the first principal axis */
    for (size_t i = 0; i < n; i++) {
        double a = 0, b = 0;
        for (size_t j = 0; j < d; j++) {
            a += Xc[i * d + j] * V[j * 2 + 1];
            b += Xc[i * d + j] * V[j * 2 + 0];
        }
        Y[2 * i] = a;
        Y[2 * i + 1] = b;
    }
    for (int c = 0; c < 2; c++) {
        double big = 0;
        for (size_t i = 0; i < n; i++)
            if (fabs(Y[2 * i + c]) > fabs(big))
                big = Y[2 * i + c];
        if (big < 0)
            for (size_t i = 0; i < n; i++)
                Y[2 * i + c] = -Y[2 * i + c];
    }
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += Y[2 * i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (Y[2 * i] - m) * (Y[2 * i] - m);
    double sd = sqrt(v / (double)n);
    if (!(sd > 0))
        sd = 1;
    for (size_t i = 0; i < 2 * n; i++)
        Y[i] = Y[i] / sd * 1e-4;
    rc = FC_OK;
done:
    free(Xc), free(mean), free(C), free(w), free(V), free(isuppz);
    return rc;
}

/* ---- optimisation ------------------------------------------------------------------------------ */

typedef struct objective {
    const double *P_dense; /* exact mode: N×N */
    double *P_scaled;      /* exact mode: exaggerated copy, or NULL */
    const sparse_p *S;     /* Barnes-Hut mode */
    double p_scale;        /* exaggeration factor applied to P */
    double theta;
    double *scratch;
    uint64_t *keys;
    size_t n;
} objective;

static double evaluate(objective *o, const double *Y, double *grad, int want_error)
{
    if (o->S)
        return kl_bh(o->S, o->p_scale, Y, o->theta, grad, want_error, o->scratch, o->keys);
    const double *P = o->p_scale == 1 ? o->P_dense : o->P_scaled;
    return kl_exact(P, Y, o->n, grad, want_error);
}

/* sklearn's _gradient_descent: iterations it0 .. n_iter-1 with fresh update and gains. Returns the
 * last error; *last receives the last iteration index. */
static double descend(objective *o, double *Y, int it0, int n_iter, double momentum, double lr,
                      int no_progress, fc_progress *pg, int *last, int *failed)
{
    size_t m = 2 * o->n;
    double *grad = fc_malloc(m, sizeof(double)), *update = fc_calloc(m, sizeof(double));
    double *gains = fc_malloc(m, sizeof(double));
    double error = DBL_MAX, best = DBL_MAX;
    int best_it = it0, i = it0;
    if (!grad || !update || !gains) {
        *failed = 1;
        goto done;
    }
    for (size_t k = 0; k < m; k++)
        gains[k] = 1;
    for (i = it0; i < n_iter; i++) {
        int check = (i + 1) % CHECK_EVERY == 0;
        error = evaluate(o, Y, grad, check || i == n_iter - 1);
        if (isnan(error)) {
            *failed = 1;
            break;
        }
        double gn = 0;
        for (size_t k = 0; k < m; k++) {
            if (update[k] * grad[k] < 0)
                gains[k] += 0.2;
            else
                gains[k] *= 0.8;
            if (gains[k] < MIN_GAIN)
                gains[k] = MIN_GAIN;
            grad[k] *= gains[k];
            gn += grad[k] * grad[k];
            update[k] = momentum * update[k] - lr * grad[k];
            Y[k] += update[k];
        }
        if (pg)
            fc_progress_add(pg, 1);
        if (check) {
            if (error < best) {
                best = error;
                best_it = i;
            } else if (i - best_it > no_progress)
                break;
            if (sqrt(gn) <= MIN_GRAD_NORM)
                break;
        }
    }
    if (i == n_iter)
        i--;
done:
    *last = i;
    free(grad), free(update), free(gains);
    return error;
}

int fc_tsne(const fc_mat *X, const fc_tsne_params *p, fc_mat *Y, fc_tsne_info *info)
{
    memset(Y, 0, sizeof *Y);
    size_t n = X->rows;
    double t0 = fc_now();
    if (n < 2)
        return fc_fail(FC_EARG, "t-SNE needs at least 2 points (got %zu)", n);
    if (!(p->perplexity > 0) || p->perplexity >= (double)n)
        return fc_fail(FC_EARG, "t-SNE: perplexity %g must be positive and less than the number of points (%zu)",
                       p->perplexity, n);
    if (p->n_iter < EXPLORATION_ITERS)
        return fc_fail(FC_EARG, "t-SNE: n_iter %d must be at least %d", p->n_iter, EXPLORATION_ITERS);
    if (!(p->angle >= 0 && p->angle <= 1))
        return fc_fail(FC_EARG, "t-SNE: angle %g must be in [0, 1]", p->angle);
    int exact = p->method == FC_TSNE_EXACT || (p->method == FC_TSNE_AUTO && n < p->exact_below);
    if (exact && (double)n * n * 8 * 2 > 0.5 * (double)fc_physical_memory())
        return fc_fail(FC_ENOMEM, "t-SNE: exact mode needs %.1f GB for %zu points; use Barnes-Hut",
                       (double)n * n * 16 / 1e9, n);
    int rc = fc_mat_alloc(Y, n, 2);
    if (rc)
        return rc;
    /* One BLAS thread for the distances and the PCA: OpenBLAS splits small products differently with
     * more threads, and t-SNE amplifies such last-bit differences into visibly different maps. */
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    objective o = {.n = n, .theta = p->angle, .p_scale = 1};
    double *Pd = NULL;
    sparse_p S = {0};
    if (exact) {
        rc = joint_p_dense(X, p->perplexity, &Pd);
        o.P_dense = Pd;
        if (!rc && !(o.P_scaled = fc_malloc(n * n, sizeof(double))))
            rc = FC_ENOMEM;
    } else {
        size_t k = (size_t)(3.0 * p->perplexity + 1);
        if (k > n - 1)
            k = n - 1;
        rc = joint_p_sparse(X, p->perplexity, k, &S);
        o.S = &S;
        if (!rc && (!(o.scratch = fc_malloc(4 * n, sizeof(double))) || !(o.keys = fc_malloc(n, sizeof(uint64_t)))))
            rc = FC_ENOMEM;
    }
    if (rc) {
        if (rc == FC_ENOMEM)
            fc_fail(rc, "t-SNE: out of memory for %zu points", n);
        goto done;
    }
    if (p->init == FC_TSNE_INIT_GIVEN && p->init_y) {
        memcpy(Y->data, p->init_y, 2 * n * sizeof(double));
    } else if (p->init == FC_TSNE_INIT_PCA && X->cols >= 2) {
        if ((rc = pca_init(X, Y->data)))
            goto done;
    } else {
        fc_rng r;
        fc_rng_init(&r, p->seed);
        for (size_t i = 0; i < 2 * n; i++)
            Y->data[i] = 1e-4 * fc_rng_normal(&r);
    }
    double lr = p->learning_rate > 0 ? p->learning_rate : fmax((double)n / p->early_exaggeration / 4, 50);
    fc_progress *pg = p->progress ? fc_progress_start("t-SNE iterations", (size_t)p->n_iter) : NULL;
    int last = 0, failed = 0;
    o.p_scale = p->early_exaggeration;
    if (exact)
        for (size_t k = 0; k < n * n; k++)
            o.P_scaled[k] = Pd[k] * p->early_exaggeration;
    double kl = descend(&o, Y->data, 0, EXPLORATION_ITERS, 0.5, lr, EXPLORATION_ITERS, pg, &last, &failed);
    o.p_scale = 1;
    /* (sklearn also runs the second phase when the first stopped early, and reports DBL_MAX for
     * n_iter = 250; we keep the first phase's KL then) */
    if (!failed && (last < EXPLORATION_ITERS - 1 || p->n_iter > EXPLORATION_ITERS))
        kl = descend(&o, Y->data, last + 1, p->n_iter, 0.8, lr, NO_PROGRESS_ITERS, pg, &last, &failed);
    if (pg)
        fc_progress_finish(pg);
    if (failed) {
        rc = fc_fail(FC_ENOMEM, "t-SNE: out of memory during the optimisation (%zu points)", n);
        goto done;
    }
    if (info) {
        info->kl = kl;
        info->n_iter = last + 1;
        info->exact = exact;
        info->seconds = fc_now() - t0;
    }
done:
    openblas_set_num_threads(blas_threads);
    free(Pd);
    free(o.P_scaled);
    free(o.scratch);
    free(o.keys);
    sparse_free(&S);
    if (rc)
        fc_mat_free(Y);
    return rc;
}
