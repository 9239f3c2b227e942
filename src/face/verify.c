/* verify.c — LFW pairs file and k-fold threshold verification accuracy (see verify.h). */
#include "facecluster/verify.h"
#include "facecluster/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *key(const char *name, int idx)
{
    size_t n = strlen(name) * 2 + 16;
    char *k = malloc(n);
    if (k) snprintf(k, n, "%s/%s_%04d.jpg", name, name, idx);
    return k;
}

int fc_lfw_pairs_read(const char *path, fc_lfw_pairs *p)
{
    memset(p, 0, sizeof *p);
    FILE *fp = fopen(path, "r");
    if (!fp) return fc_fail(FC_EIO, "%s: cannot open the pairs file", path);
    int folds, per;
    if (fscanf(fp, "%d %d", &folds, &per) != 2 || folds < 2 || per < 1 || folds > 1000 || per > 100000) {
        fclose(fp);
        return fc_fail(FC_EFORMAT, "%s: expected a header 'FOLDS PAIRS_PER_CLASS'", path);
    }
    size_t n = (size_t)folds * per * 2;
    p->a = calloc(n, sizeof *p->a);
    p->b = calloc(n, sizeof *p->b);
    p->same = calloc(n, sizeof *p->same);
    p->fold = calloc(n, sizeof *p->fold);
    p->folds = folds;
    char line[1024];
    if (!fgets(line, sizeof line, fp)) line[0] = 0; /* rest of the header line */
    size_t i = 0;
    for (int f = 0; f < folds; f++)
        for (int s = 0; s < 2 * per; s++) {
            if (!fgets(line, sizeof line, fp)) {
                fclose(fp);
                p->n = i;
                fc_lfw_pairs_free(p);
                return fc_fail(FC_EFORMAT, "%s: ends early (fold %d, pair %d)", path, f + 1, s + 1);
            }
            char n1[512], n2[512];
            int i1, i2;
            int ok = s < per ? sscanf(line, "%511s %d %d", n1, &i1, &i2) == 3
                             : sscanf(line, "%511s %d %511s %d", n1, &i1, n2, &i2) == 4;
            if (!ok) {
                fclose(fp);
                p->n = i;
                fc_lfw_pairs_free(p);
                return fc_fail(FC_EFORMAT, "%s: bad pair line in fold %d: %.60s", path, f + 1, line);
            }
            p->a[i] = key(n1, i1);
            p->b[i] = key(s < per ? n1 : n2, i2);
            p->same[i] = s < per;
            p->fold[i] = f;
            i++;
        }
    fclose(fp);
    p->n = i;
    return FC_OK;
}

void fc_lfw_pairs_free(fc_lfw_pairs *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->a[i]), free(p->b[i]);
    free(p->a), free(p->b), free(p->same), free(p->fold);
    memset(p, 0, sizeof *p);
}

typedef struct { double d; int same; } dpair;

static int cmp_d(const void *x, const void *y)
{
    double a = ((const dpair *)x)->d, b = ((const dpair *)y)->d;
    return a < b ? -1 : a > b;
}

int fc_verify_kfold(const double *dist, const int *same, const int *fold, size_t n, int folds, double *acc_mean,
                    double *acc_std, double *thr_mean)
{
    dpair *tr = malloc(sizeof *tr * (n + 1));
    if (!tr) return fc_fail(FC_ENOMEM, "verify: out of memory");
    double sum = 0, sq = 0, tsum = 0;
    for (int f = 0; f < folds; f++) {
        size_t m = 0, pos = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != f) {
                /* a missing face can never be called "same": +inf distance */
                tr[m++] = (dpair){isnan(dist[i]) ? INFINITY : dist[i], same[i]};
                pos += same[i] != 0;
            }
        qsort(tr, m, sizeof *tr, cmp_d);
        /* sweep: threshold below tr[k] calls the first k pairs "same" */
        long best = -1;
        double thr = 0;
        size_t same_below = 0;
        for (size_t k = 0; k <= m; k++) {
            if (k == 0 || k == m || tr[k].d > tr[k - 1].d) {
                long correct = (long)same_below + (long)((m - k) - (pos - same_below));
                if (correct > best) {
                    best = correct;
                    thr = k == 0 ? tr[0].d - 1e-9 : k == m ? tr[m - 1].d + 1e-9 : 0.5 * (tr[k - 1].d + tr[k].d);
                }
            }
            if (k < m) same_below += tr[k].same != 0;
        }
        size_t tot = 0, ok = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] == f) {
                tot++;
                int call = !isnan(dist[i]) && dist[i] < thr;
                ok += call == (same[i] != 0);
            }
        double acc = tot ? (double)ok / tot : 0;
        sum += acc, sq += acc * acc, tsum += thr;
    }
    free(tr);
    *acc_mean = sum / folds;
    *acc_std = sqrt(fmax(0, sq / folds - *acc_mean * *acc_mean));
    *thr_mean = tsum / folds;
    return FC_OK;
}
