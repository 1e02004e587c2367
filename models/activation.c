/* activation: see activation.h. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "activation.h"

/* x if keep else +0, without a branch (the sign of a pre-activation is close to a coin flip). */
static inline float select_bits(float x, uint32_t keep) {
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    b &= keep;
    memcpy(&x, &b, sizeof x);
    return x;
}

void relu_forward(float *out, const float *inp, size_t N) {
#pragma omp simd
    for (size_t i = 0; i < N; i++) out[i] = select_bits(inp[i], -(uint32_t)(inp[i] > 0.0f));
}

void relu_backward(float *dinp, const float *dout, const float *out, size_t N) {
#pragma omp simd
    for (size_t i = 0; i < N; i++) dinp[i] = select_bits(dout[i], -(uint32_t)(out[i] > 0.0f));
}

void tanh_forward(float *out, const float *inp, size_t N) {
    for (size_t i = 0; i < N; i++) out[i] = tanhf(inp[i]);
}

void tanh_backward(float *dinp, const float *dout, const float *out, size_t N) {
    for (size_t i = 0; i < N; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}
