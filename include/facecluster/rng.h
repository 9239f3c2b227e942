/* rng.h — a small seeded random number generator (xoshiro256**, seeded through splitmix64).
 *
 * Contract: the same seed gives the same stream on every platform; streams are cheap to copy, so
 * parallel work derives one per task with fc_rng_init(&r, seed ^ task_index) or fc_rng_jump.
 * Not for cryptography.
 */
#ifndef FACECLUSTER_RNG_H
#define FACECLUSTER_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct fc_rng { uint64_t s[4]; } fc_rng;

void fc_rng_init(fc_rng *r, uint64_t seed);
uint64_t fc_rng_next(fc_rng *r);
double fc_rng_uniform(fc_rng *r);             /* in [0, 1) */
uint64_t fc_rng_below(fc_rng *r, uint64_t n); /* uniform in [0, n), unbiased; n > 0 */
double fc_rng_normal(fc_rng *r);              /* standard normal */
void fc_rng_shuffle(fc_rng *r, size_t *idx, size_t n);

#endif
