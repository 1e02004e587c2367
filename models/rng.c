/* rng: xoshiro256** (Blackman & Vigna) seeded through splitmix64. All state lives in rng_state. */
#include <math.h>
#include "rng.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rng_seed(rng_state *r, uint64_t seed, uint64_t stream) {
    /* Mix seed and stream through splitmix64 separately so (seed, stream) pairs never collide by
       simple arithmetic (seed+1, stream) vs (seed, stream+1). */
    uint64_t a = seed, b = stream ^ 0xD1B54A32D192ED03ULL;
    uint64_t x = splitmix64(&a) ^ rotl(splitmix64(&b), 17);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t rng_u64(rng_state *r) {
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

float rng_uniform(rng_state *r) {
    return (float)(rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

float rng_normal(rng_state *r) {
    /* u1 in (0, 1], so log(u1) is finite; the second Box-Muller value is dropped to keep no hidden state. */
    double u1 = ((rng_u64(r) >> 11) + 1) * 0x1.0p-53, u2 = (rng_u64(r) >> 11) * 0x1.0p-53;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

uint32_t rng_below(rng_state *r, uint32_t n) {
    /* Lemire's multiply-and-reject: unbiased without a division in the common case. */
    uint64_t m = (uint64_t)(uint32_t)(rng_u64(r) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (uint64_t)(uint32_t)(rng_u64(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

void rng_shuffle(rng_state *r, int *idx, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)(i + 1));
        int t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    }
}
