/* bench_group_cluster.c — the grouping step of `facecluster group` alone at photo-collection scale:
 * fc_group_cluster (average linkage, threshold 0.95, cannot-link) on the first N rows of the LFW reference
 * embeddings (../shared/embeddings/lfw, 13,232 faces), and fc_group_assign of the second half against
 * people made from the first half. Prints wall time and peak memory. Usage: bench_group_cluster [N]. */
#include "facecluster/group.h"
#include "facecluster/npy.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 10000;
    const char *shared = getenv("FC_SHARED") ? getenv("FC_SHARED") : "../shared";
    char path[1024];
    snprintf(path, sizeof path, "%s/embeddings/lfw/emb.npy", shared);
    fc_mat X, S;
    if (fc_npy_read_matrix(path, &X)) {
        printf("SKIP bench_group_cluster: skipped: %s not found\n", path);
        return 0;
    }
    if (n > X.rows) n = X.rows;
    size_t *rows = malloc(n * sizeof *rows);
    int64_t *photo = malloc(n * sizeof *photo);
    int *lab = malloc(n * sizeof *lab), k = 0;
    for (size_t i = 0; i < n; i++) rows[i] = i, photo[i] = (int64_t)(i / 2); /* pairs share a "photo" */
    fc_mat_take_rows(&X, rows, n, &S);
    fc_mat_l2_normalize_rows(&S);
    double t0 = fc_now();
    if (fc_group_cluster(&S, photo, FC_LINK_AVERAGE, 0.95, lab, &k)) {
        fprintf(stderr, "%s\n", fc_last_error());
        return 1;
    }
    double t1 = fc_now();
    /* assignment: second half against the people of the first half's clustering */
    size_t h = n / 2;
    fc_mat A = {h, S.cols, S.data}, B = {n - h, S.cols, S.data + h * S.cols};
    int *la = malloc(h * sizeof *la), *out = malloc((n - h) * sizeof *out), ka = 0;
    fc_group_cluster(&A, photo, FC_LINK_AVERAGE, 0.95, la, &ka);
    double t2 = fc_now();
    fc_group_assign(&B, photo + h, &A, la, photo, ka, FC_LINK_AVERAGE, 0.95, out);
    double t3 = fc_now();
    printf("%-32s %8s %10s %12s\n", "step", "faces", "seconds", "peak RSS MB");
    printf("%-32s %8zu %10.2f %12.0f\n", "cluster (average 0.95, CL)", n, t1 - t0, fc_peak_rss() / 1048576.0);
    printf("%-32s %8zu %10.2f %12.0f\n", "assign half to half's people", n - h, t3 - t2, fc_peak_rss() / 1048576.0);
    printf("clusters: %d\n", k);
    free(rows), free(photo), free(lab), free(la), free(out);
    fc_mat_free(&S), fc_mat_free(&X);
    return 0;
}
