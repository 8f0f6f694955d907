/*
 * rng.c - xoshiro256** and Gaussian deviates; see rng.h. Written from the
 * published description of the generators.
 */
#include "sim/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void gs_rng_seed(struct gs_rng *r, uint64_t seed)
{
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
    r->has_spare = false;
    r->spare = 0;
}

uint64_t gs_rng_next(struct gs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gs_rng_uniform(struct gs_rng *r)
{
    return (double)(gs_rng_next(r) >> 11) * 0x1.0p-53;
}

double gs_rng_normal(struct gs_rng *r)
{
    double u, v, s, f;

    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    do {
        u = 2.0 * gs_rng_uniform(r) - 1.0;
        v = 2.0 * gs_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = true;
    return u * f;
}

unsigned gs_rng_poisson(struct gs_rng *r, double lambda)
{
    double L = exp(-lambda), p = 1.0;
    unsigned k = 0;

    if (lambda <= 0)
        return 0;
    do {
        k++;
        p *= gs_rng_uniform(r);
    } while (p > L && k < 1000);
    return k - 1;
}
