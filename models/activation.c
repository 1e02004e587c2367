/* activation: see activation.h. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "activation.h"


void relu_forward(float *out, const float *inp, size_t N) {
#pragma omp simd
    for (size_t i = 0; i < N; i++) out[i] = activation_select(inp[i], -(uint32_t)(inp[i] > 0.0f));
}

void relu_backward(float *dinp, const float *dout, const float *out, size_t N) {
#pragma omp simd
    for (size_t i = 0; i < N; i++) dinp[i] = activation_select(dout[i], -(uint32_t)(out[i] > 0.0f));
}

void tanh_forward(float *out, const float *inp, size_t N) {
    for (size_t i = 0; i < N; i++) out[i] = tanhf(inp[i]);
}

void tanh_backward(float *dinp, const float *dout, const float *out, size_t N) {
    for (size_t i = 0; i < N; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}
