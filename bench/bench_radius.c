/* bench_radius.c — fc_radius_neighbors on ../shared/embeddings lfw3 and lfw (L2-normalised): wall time per
 * screen width (automatic, 16 .. 96 principal directions, the full screen) and radius, and whether the
 * lists equal the full screen's (they must: every choice is exact). Usage: bench_radius [--quick] */
#include "facecluster/distance.h"
#include "facecluster/npy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int same(const fc_neighbors *a, const fc_neighbors *b)
{
    if (a->n != b->n || a->offsets[a->n] != b->offsets[b->n])
        return 0;
    return memcmp(a->offsets, b->offsets, (a->n + 1) * sizeof(size_t)) == 0 &&
           memcmp(a->index, b->index, a->offsets[a->n] * sizeof(int)) == 0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    const char *shared = getenv("FC_SHARED") ? getenv("FC_SHARED") : "../shared";
    const char *sets[] = {"lfw3", "lfw"};
    const double radii[] = {0.6, 0.8, 1.05};
    const size_t dims[] = {0, 16, 32, 48, 64, 96, 100000};
    printf("| set | radius | screen | wall ms (best of 3) | pairs | same lists as full |\n|---|---|---|---|---|---|\n");
    for (int si = 0; si < (quick ? 1 : 2); si++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/embeddings/%s/emb.npy", shared, sets[si]);
        fc_mat X;
        if (fc_npy_read_matrix(path, &X)) {
            printf("SKIP bench_radius %s: skipped: %s not found\n", sets[si], path);
            continue;
        }
        for (size_t i = 0; i < X.rows; i++) {
            double *r = X.data + i * X.cols, s = 0;
            for (size_t k = 0; k < X.cols; k++)
                s += r[k] * r[k];
            for (size_t k = 0; k < X.cols; k++)
                r[k] /= sqrt(s);
        }
        for (int ri = 0; ri < 3; ri++) {
            fc_neighbors ref;
            if (fc_radius_neighbors_dims(&X, radii[ri], 0, 100000, &ref))
                return 1;
            for (int di = 0; di < 7; di++) {
                double best = 1e30;
                fc_neighbors nb;
                for (int rep = 0; rep < 3; rep++) {
                    double t0 = now();
                    if (fc_radius_neighbors_dims(&X, radii[ri], 0, dims[di], &nb))
                        return 1;
                    double t = now() - t0;
                    best = t < best ? t : best;
                    if (rep < 2)
                        fc_neighbors_free(&nb);
                }
                char name[32];
                if (dims[di] == 0)
                    snprintf(name, sizeof name, "auto");
                else if (dims[di] >= X.cols)
                    snprintf(name, sizeof name, "full");
                else
                    snprintf(name, sizeof name, "p=%zu", dims[di]);
                printf("| %s | %.2f | %s | %.1f | %zu | %s |\n", sets[si], radii[ri], name, 1e3 * best,
                       (nb.offsets[nb.n] - nb.n) / 2, same(&nb, &ref) ? "yes" : "NO");
                fc_neighbors_free(&nb);
            }
            fc_neighbors_free(&ref);
        }
        fc_mat_free(&X);
    }
    return 0;
}
