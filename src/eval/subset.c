/* subset.c — the random subsets of the evaluation protocol (see protocol.h). */
#include "facecluster/protocol.h"
#include "facecluster/rng.h"

#include <stdlib.h>
#include <string.h>

size_t fc_subset_size(size_t n, double fraction)
{
    /* floor, as int(0.8 * N) in the paper's script; a tiny slack so 0.8·100 is 80 and not 79 */
    size_t m = (size_t)(fraction * (double)n + 1e-9);
    return m < 1 ? 1 : m;
}

/* One independent stream per run, derived from (seed, run). */
static void run_rng(fc_rng *r, uint64_t seed, int run)
{
    fc_rng_init(r, seed * 0x9E3779B97F4A7C15ULL + (uint64_t)run * 0xD1B54A32D192ED03ULL + 0x5EEDULL);
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

int fc_draw_subset(size_t n, double fraction, int bootstrap, uint64_t seed, int run, size_t *idx)
{
    if (n == 0)
        return fc_fail(FC_EARG, "subset: no rows");
    if (!(fraction > 0) || (!bootstrap && fraction > 1))
        return fc_fail(FC_EARG, "subset: fraction %g must be in (0, 1] (or > 0 with bootstrap)", fraction);
    size_t m = fc_subset_size(n, fraction);
    fc_rng r;
    run_rng(&r, seed, run);
    if (bootstrap) {
        for (size_t i = 0; i < m; i++)
            idx[i] = (size_t)fc_rng_below(&r, n);
        return FC_OK;
    }
    /* Partial Fisher-Yates: the first m entries of a random permutation, then sorted so the subset
     * keeps the input's row order. */
    size_t *perm = fc_malloc(n, sizeof *perm);
    if (!perm)
        return FC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)fc_rng_below(&r, n - i);
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    memcpy(idx, perm, m * sizeof *idx);
    free(perm);
    qsort(idx, m, sizeof *idx, cmp_size);
    return FC_OK;
}
