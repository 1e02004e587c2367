/* rng: xoshiro256** generator with explicit state, one per run (no global state). */
#ifndef SWEEP_RNG_H
#define SWEEP_RNG_H
#include <stdint.h>

typedef struct { uint64_t s[4]; } rng_state;

/* Seed the generator from (seed, stream) via splitmix64; distinct streams are independent. */
void rng_seed(rng_state *r, uint64_t seed, uint64_t stream);
/* Next 64 random bits. */
uint64_t rng_u64(rng_state *r);
/* Uniform float in [0, 1) with 24 bits of precision. */
float rng_uniform(rng_state *r);
/* Uniform integer in [0, n), unbiased; n > 0. */
uint32_t rng_below(rng_state *r, uint32_t n);
/* Standard normal (mean 0, variance 1) by Box-Muller from two 53-bit uniforms, one value per call. */
float rng_normal(rng_state *r);
/* Fisher-Yates shuffle of idx[0..n). */
void rng_shuffle(rng_state *r, int *idx, int n);

/* Stream numbers, so each kind of randomness of a run (or of a census) is independent. */
enum { RNG_STREAM_INIT = 1, RNG_STREAM_SHUFFLE = 2, RNG_STREAM_DROPOUT = 3, RNG_STREAM_AUGMENT = 4, RNG_STREAM_EVAL = 5,
       RNG_STREAM_INPUT = 6 /* random inputs that are not data (census.h) */ };

#endif
