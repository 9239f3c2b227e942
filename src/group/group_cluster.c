/* group_cluster.c — agglomerative clustering with a distance threshold and cannot-link constraints,
 * run per connected component of the threshold graph (see group.h). */
#include "facecluster/group.h"
#include "facecluster/parallel.h"
#include "facecluster/distance.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t uf_find(size_t *p, size_t i)
{
    while (p[i] != i) {
        p[i] = p[p[i]];
        i = p[i];
    }
    return i;
}

/* condensed index of (i, j), i != j, in an m×m symmetric matrix without diagonal */
static inline size_t cidx(size_t m, size_t i, size_t j)
{
    if (i > j) {
        size_t t = i;
        i = j;
        j = t;
    }
    return i * m - i * (i + 1) / 2 + (j - i - 1);
}

/* Lance–Williams update; an infinite distance is a cannot-link and survives every merge. */
static inline float lw(fc_linkage link, float dki, float dkj, double ni, double nj)
{
    if (isinf(dki) || isinf(dkj)) return INFINITY;
    switch (link) {
    case FC_LINK_COMPLETE: return dki > dkj ? dki : dkj;
    case FC_LINK_SINGLE: return dki < dkj ? dki : dkj;
    default: return (float)((ni * dki + nj * dkj) / (ni + nj));
    }
}

static void row_min(const float *D, size_t m, const unsigned char *active, size_t i, size_t *nn, float *mind)
{
    float best = INFINITY;
    size_t bj = (size_t)-1;
    for (size_t j = 0; j < m; j++) {
        if (j == i || !active[j]) continue;
        float d = D[cidx(m, i, j)];
        if (d < best) best = d, bj = j;
    }
    nn[i] = bj;
    mind[i] = best;
}

/* Clusters the m faces idx[0..m) of one component; writes a root (a member's global index) per face. */
static int cluster_component(const fc_mat *X, const double *norms, const int64_t *photo, const size_t *idx,
                             size_t m, fc_linkage link, double threshold, size_t *root)
{
    const size_t B = 256; /* rows per distance block */
    /* condensed float matrix + one block of double distances + the component's rows */
    double bytes = (double)m * (double)(m - 1) / 2 * sizeof(float) + (double)B * m * sizeof(double) +
                   (double)m * X->cols * sizeof(double);
    int rc = fc_cluster_check_memory("group: component distance matrix", bytes);
    if (rc) return rc;
    fc_mat S;
    rc = fc_mat_take_rows(X, idx, m, &S);
    if (rc) return rc;
    float *D = fc_malloc(m * (m - 1) / 2, sizeof *D);
    size_t *nn = fc_malloc(m, sizeof *nn), *memb = fc_malloc(m, sizeof *memb);
    float *mind = fc_malloc(m, sizeof *mind);
    double *size = fc_malloc(m, sizeof *size), *sn = fc_malloc(m, sizeof *sn);
    unsigned char *active = fc_calloc(m, 1);
    double *blk = fc_malloc(B * m, sizeof *blk);
    if (!D || !nn || !memb || !mind || !size || !sn || !active || !blk) {
        rc = FC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < m; i++) sn[i] = norms[idx[i]];
    for (size_t i0 = 0; i0 < m; i0 += B) {
        size_t i1 = i0 + B < m ? i0 + B : m;
        fc_sqdist_block(&S, sn, i0, i1, 0, m, blk);
        for (size_t i = i0; i < i1; i++)
            for (size_t j = i + 1; j < m; j++)
                D[cidx(m, i, j)] = photo[idx[i]] == photo[idx[j]] ? INFINITY : (float)sqrt(blk[(i - i0) * m + j]);
    }
    for (size_t i = 0; i < m; i++) active[i] = 1, size[i] = 1, memb[i] = i;
    for (size_t i = 0; i < m; i++) row_min(D, m, active, i, nn, mind);
    for (;;) {
        float best = INFINITY;
        size_t a = (size_t)-1;
        for (size_t i = 0; i < m; i++)
            if (active[i] && mind[i] < best) best = mind[i], a = i;
        if (a == (size_t)-1 || !(best < threshold)) break;
        size_t b = nn[a];
        if (b < a) {
            size_t t = a;
            a = b;
            b = t;
        }
        /* merge b into a */
        for (size_t k = 0; k < m; k++) {
            if (!active[k] || k == a || k == b) continue;
            D[cidx(m, k, a)] = lw(link, D[cidx(m, k, a)], D[cidx(m, k, b)], size[a], size[b]);
        }
        active[b] = 0;
        size[a] += size[b];
        for (size_t k = 0; k < m; k++)
            if (memb[k] == b) memb[k] = a;
        row_min(D, m, active, a, nn, mind);
        for (size_t k = 0; k < m; k++) {
            if (!active[k] || k == a) continue;
            if (nn[k] == a || nn[k] == b) {
                row_min(D, m, active, k, nn, mind);
            } else {
                float d = D[cidx(m, k, a)];
                if (d < mind[k] || (d == mind[k] && a < nn[k])) nn[k] = a, mind[k] = d;
            }
        }
    }
    for (size_t i = 0; i < m; i++) root[idx[i]] = idx[memb[i]];
out:
    fc_mat_free(&S);
    free(D), free(nn), free(memb), free(mind), free(size), free(sn), free(active), free(blk);
    return rc;
}

int fc_group_cluster(const fc_mat *X, const int64_t *photo, fc_linkage link, double threshold, int *labels, int *k)
{
    size_t n = X->rows;
    if (k) *k = 0;
    if (n == 0) return FC_OK;
    if (!(threshold > 0)) return fc_fail(FC_EARG, "group: the distance threshold must be > 0");
    if (link == FC_LINK_WARD) return fc_fail(FC_EARG, "group: ward linkage has no distance threshold meaning here");
    fc_neighbors nb;
    /* nextafter: radius_neighbors keeps d <= r, the clustering needs d < threshold */
    int rc = fc_radius_neighbors(X, nextafter(threshold, 0), 0, &nb);
    if (rc) return rc;
    size_t *par = fc_malloc(n, sizeof *par), *root = fc_malloc(n, sizeof *root);
    size_t *order = fc_malloc(n, sizeof *order), *start = fc_calloc(n + 1, sizeof *start);
    double *norms = fc_malloc(n, sizeof *norms);
    if (!par || !root || !order || !start || !norms) {
        rc = FC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) par[i] = i;
    for (size_t i = 0; i < n; i++)
        for (size_t e = nb.offsets[i]; e < nb.offsets[i + 1]; e++) {
            size_t a = uf_find(par, i), b = uf_find(par, (size_t)nb.index[e]);
            if (a != b) par[a < b ? b : a] = a < b ? a : b;
        }
    /* bucket faces by component (counting sort on the root), members in index order */
    for (size_t i = 0; i < n; i++) start[uf_find(par, i) + 1]++;
    for (size_t i = 0; i < n; i++) start[i + 1] += start[i];
    {
        size_t *fill = fc_malloc(n, sizeof *fill);
        if (!fill) {
            rc = FC_ENOMEM;
            goto out;
        }
        memcpy(fill, start, n * sizeof *fill);
        for (size_t i = 0; i < n; i++) order[fill[uf_find(par, i)]++] = i;
        free(fill);
    }
    fc_row_sqnorms(X, norms);
    for (size_t c = 0; c < n && !rc; c++) {
        size_t m = start[c + 1] - start[c];
        if (m == 0) continue;
        if (m == 1) {
            root[order[start[c]]] = order[start[c]];
            continue;
        }
        rc = cluster_component(X, norms, photo, order + start[c], m, link, threshold, root);
    }
    if (!rc) {
        /* number clusters by their first face */
        int K = 0;
        for (size_t i = 0; i < n; i++) labels[i] = -1;
        int *lab_of_root = (int *)order; /* reuse: order no longer needed */
        for (size_t i = 0; i < n; i++) lab_of_root[i] = -1;
        for (size_t i = 0; i < n; i++) {
            size_t r = root[i];
            if (lab_of_root[r] < 0) lab_of_root[r] = K++;
            labels[i] = lab_of_root[r];
        }
        if (k) *k = K;
    }
out:
    fc_neighbors_free(&nb);
    free(par), free(root), free(order), free(start), free(norms);
    return rc;
}

typedef struct cand_pair {
    double d;
    size_t i;
} cand_pair;

/* ascending distance; equal distances by flat index, so the result is deterministic */
static int cand_cmp(const void *a, const void *b)
{
    const cand_pair *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static const int64_t *gc_sort_photo; /* only used inside fc_group_assign's qsort below */
static int photo_cmp(const void *a, const void *b)
{
    int64_t x = gc_sort_photo[*(const size_t *)a], y = gc_sort_photo[*(const size_t *)b];
    if (x != y) return x < y ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int fc_group_assign(const fc_mat *Fx, const int64_t *fphoto, const fc_mat *Mx, const int *mperson,
                    const int64_t *mphoto, int P, fc_linkage link, double threshold, int *out)
{
    size_t F = Fx->rows, M = Mx->rows, d = Fx->cols;
    for (size_t f = 0; f < F; f++) out[f] = -1;
    if (F == 0 || M == 0 || P <= 0) return FC_OK;
    if (Fx->cols != Mx->cols) return fc_fail(FC_EARG, "group: new faces and people have different dimensions");
    const size_t B = 256;
    double *dist = fc_malloc(F * (size_t)P, sizeof *dist);
    double *cnt = fc_calloc((size_t)P, sizeof *cnt);
    double *fn = fc_malloc(F, sizeof *fn), *mn = fc_malloc(M, sizeof *mn);
    double *blk = fc_malloc(B * M, sizeof *blk);
    size_t *byphoto = fc_malloc(F, sizeof *byphoto), *grp = fc_malloc(F, sizeof *grp);
    cand_pair *v = NULL;
    int rc = FC_OK;
    if (!dist || !cnt || !fn || !mn || !blk || !byphoto || !grp) {
        rc = FC_ENOMEM;
        goto out;
    }
    fc_row_sqnorms(Fx, fn);
    fc_row_sqnorms(Mx, mn);
    for (size_t j = 0; j < M; j++) cnt[mperson[j]] += 1;
    for (size_t f0 = 0; f0 < F; f0 += B) {
        size_t f1 = f0 + B < F ? f0 + B : F;
        /* blk = Fx[f0:f1] · Mxᵀ, then squared distances */
        fc_par_dgemm(CblasTrans, (int)(f1 - f0), (int)M, (int)d, 1.0,
                    Fx->data + f0 * d, (int)d, Mx->data, (int)d, 0.0, blk, (int)M);
        for (size_t f = f0; f < f1; f++) {
            double *row = dist + f * (size_t)P;
            for (int p = 0; p < P; p++) row[p] = link == FC_LINK_SINGLE ? INFINITY : 0;
            for (size_t j = 0; j < M; j++) {
                double d2 = fn[f] + mn[j] - 2 * blk[(f - f0) * M + j];
                double dd = d2 > 0 ? sqrt(d2) : 0;
                int p = mperson[j];
                if (mphoto[j] == fphoto[f]) row[p] = NAN; /* cannot-link: the person has this photo */
                else if (isnan(row[p])) continue;
                else if (link == FC_LINK_COMPLETE) row[p] = dd > row[p] ? dd : row[p];
                else if (link == FC_LINK_SINGLE) row[p] = dd < row[p] ? dd : row[p];
                else row[p] += dd;
            }
            for (int p = 0; p < P; p++) {
                if (isnan(row[p]) || cnt[p] == 0) row[p] = INFINITY;
                else if (link != FC_LINK_COMPLETE && link != FC_LINK_SINGLE) row[p] /= cnt[p];
            }
        }
    }
    /* faces of one photo are neighbours in byphoto; grp[f] = start of f's photo run */
    for (size_t f = 0; f < F; f++) byphoto[f] = f;
    gc_sort_photo = fphoto;
    qsort(byphoto, F, sizeof *byphoto, photo_cmp);
    size_t *pos = fc_malloc(F, sizeof *pos);
    if (!pos) {
        rc = FC_ENOMEM;
        goto out;
    }
    for (size_t r = 0; r < F; r++) {
        pos[byphoto[r]] = r;
        grp[r] = (r > 0 && fphoto[byphoto[r - 1]] == fphoto[byphoto[r]]) ? grp[r - 1] : r;
    }
    size_t ncand = 0;
    for (size_t i = 0; i < F * (size_t)P; i++)
        if (dist[i] < threshold) ncand++;
    v = fc_malloc(ncand ? ncand : 1, sizeof *v);
    if (!v) {
        free(pos);
        rc = FC_ENOMEM;
        goto out;
    }
    ncand = 0;
    for (size_t i = 0; i < F * (size_t)P; i++)
        if (dist[i] < threshold) v[ncand].d = dist[i], v[ncand++].i = i;
    qsort(v, ncand, sizeof *v, cand_cmp);
    for (size_t c = 0; c < ncand; c++) {
        size_t f = v[c].i / (size_t)P;
        int p = (int)(v[c].i % (size_t)P);
        if (out[f] >= 0) continue;
        int clash = 0;
        for (size_t r = grp[pos[f]]; r < F && fphoto[byphoto[r]] == fphoto[f]; r++)
            if (out[byphoto[r]] == p) clash = 1;
        if (!clash) out[f] = p;
    }
    free(pos);
out:
    free(dist), free(cnt), free(fn), free(mn), free(blk), free(byphoto), free(grp), free(v);
    return rc;
}
