/* activation: elementwise relu and tanh on N values. */
#ifndef SWEEP_ACTIVATION_H
#define SWEEP_ACTIVATION_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* x if keep else +0, without a branch (a pre-activation's sign, or a dropout draw, is close to a coin
   flip, so a branch would mispredict half the time); keep is all ones or all zeros. */
static inline float activation_select(float x, uint32_t keep) {
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    b &= keep;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* out (N) = max(inp, 0); out may alias inp. */
void relu_forward(float *out, const float *inp, size_t N);
/* dinp (N) = dout where the forward output out (N) was positive, else 0; dinp may alias dout. */
void relu_backward(float *dinp, const float *dout, const float *out, size_t N);
/* out (N) = tanh(inp); out may alias inp. */
void tanh_forward(float *out, const float *inp, size_t N);
/* dinp (N) = dout * (1 - out^2) with out the forward output; dinp may alias dout. */
void tanh_backward(float *dinp, const float *dout, const float *out, size_t N);

#endif
