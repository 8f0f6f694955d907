/*
 * rng.h - the simulator's random numbers: reproducible from a seed.
 *
 * xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64 so that
 * any 64-bit seed, 0 included, gives a good state. Gaussians by the polar
 * (Marsaglia) form of Box-Muller. Each generator is a plain value owned by
 * its caller: no global state, so runs on several threads (the benchmark)
 * never share one.
 */
#ifndef GS_SIM_RNG_H
#define GS_SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct gs_rng {
    uint64_t s[4];
    bool has_spare;
    double spare;
};

void gs_rng_seed(struct gs_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t gs_rng_next(struct gs_rng *r);
/* Uniform in [0, 1), 53 bits. */
double gs_rng_uniform(struct gs_rng *r);
/* Standard normal. */
double gs_rng_normal(struct gs_rng *r);
/* Poisson with mean lambda (Knuth's product method; lambda <= 30). */
unsigned gs_rng_poisson(struct gs_rng *r, double lambda);

#endif
