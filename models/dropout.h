/* dropout: inverted dropout as PyTorch nn.Dropout. In training each element is zeroed independently with
   probability p and survivors are multiplied by 1/(1-p); in eval mode it is the identity (callers skip it).
   Masks come from 32-bit uniforms compared with p * 2^32, two per rng_u64 call. N = number of elements. */
#ifndef SWEEP_DROPOUT_H
#define SWEEP_DROPOUT_H
#include <stddef.h>
#include <stdint.h>
#include "rng.h"

/* The survivors' factor 1/(1-p); p in [0, 1). */
float dropout_scale(float p);
/* Training mode: out (N) = inp (N) with a fresh mask; mask (N) records it (1 kept, 0 dropped) unless NULL.
   out may alias inp. p = 0 copies and draws nothing. */
void dropout_forward(float *out, uint8_t *mask, const float *inp, size_t N, float p, rng_state *r);
/* out (N) = inp (N) * mask (N) * scale with a given mask (the forward pass with the mask held fixed). */
void dropout_forward_masked(float *out, const float *inp, const uint8_t *mask, size_t N, float scale);
/* dinp (N) = dout (N) * mask (N) * scale; dinp may alias dout. */
void dropout_backward(float *dinp, const float *dout, const uint8_t *mask, size_t N, float scale);

/* Fused relu then dropout, one pass: out (N) = relu(inp (N)) * mask * scale. No mask is kept:
   out > 0 exactly where both relu and the mask let the value through, which is all backward needs. */
void relu_dropout_forward(float *out, const float *inp, size_t N, float p, rng_state *r);
/* dinp (N) = dout (N) * scale where out (N) > 0, else 0; dinp may alias dout. */
void relu_dropout_backward(float *dinp, const float *dout, const float *out, size_t N, float scale);
/* Backward of tanh then dropout: dinp (N) = dout * mask * scale * (1 - act^2), act (N) = tanh output. */
void tanh_dropout_backward(float *dinp, const float *dout, const float *act, const uint8_t *mask, size_t N,
                           float scale);

#endif
