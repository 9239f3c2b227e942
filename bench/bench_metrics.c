/* bench_metrics.c — time of scoring one labelling (every score, AMI's expected MI included) as N and the
 * number of clusters grow. Prints a table. */
#include "facecluster/metrics.h"
#include "facecluster/core.h"
#include "facecluster/rng.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const size_t sizes[][2] = {{7606, 901}, {100000, 1000}, {100000, 20000}, {1000000, 10000}, {1000000, 200000}};
    printf("| N | identities | clusters found | fc_score_all (s) | ARI |\n|---:|---:|---:|---:|---:|\n");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s][0], k = sizes[s][1];
        int *t = malloc(n * sizeof *t), *p = malloc(n * sizeof *p);
        fc_rng r;
        fc_rng_init(&r, 1);
        for (size_t i = 0; i < n; i++) {
            t[i] = (int)fc_rng_below(&r, k);
            /* 80 % right, the rest moved to a random cluster */
            p[i] = fc_rng_uniform(&r) < 0.8 ? t[i] : (int)fc_rng_below(&r, k + k / 5);
        }
        fc_scores sc;
        double t0 = fc_now();
        if (fc_score_all(t, p, n, FC_NOISE_SINGLETONS, &sc)) {
            fprintf(stderr, "bench_metrics: %s\n", fc_last_error());
            return 1;
        }
        printf("| %zu | %zu | %.0f | %.3f | %.4f |\n", n, k, sc.k_found, fc_now() - t0, sc.ari);
        free(t);
        free(p);
    }
    return 0;
}
