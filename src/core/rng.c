/* rng.c — xoshiro256** seeded by splitmix64 (see rng.h). */
#include "facecluster/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void fc_rng_init(fc_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t fc_rng_next(fc_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double fc_rng_uniform(fc_rng *r) { return (double)(fc_rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t fc_rng_below(fc_rng *r, uint64_t n)
{
    /* Rejection sampling keeps every value equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;
    do
        x = fc_rng_next(r);
    while (x >= limit);
    return x % n;
}

double fc_rng_normal(fc_rng *r)
{
    double u1, u2;
    do
        u1 = fc_rng_uniform(r);
    while (u1 <= 0.0);
    u2 = fc_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

void fc_rng_shuffle(fc_rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)fc_rng_below(r, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
