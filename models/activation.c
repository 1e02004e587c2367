/* activation: see activation.h. */
#include <math.h>
#include "activation.h"

void relu_forward(float *out, const float *inp, size_t N) {
    for (size_t i = 0; i < N; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

void relu_backward(float *dinp, const float *dout, const float *out, size_t N) {
    for (size_t i = 0; i < N; i++) dinp[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

void tanh_forward(float *out, const float *inp, size_t N) {
    for (size_t i = 0; i < N; i++) out[i] = tanhf(inp[i]);
}

void tanh_backward(float *dinp, const float *dout, const float *out, size_t N) {
    for (size_t i = 0; i < N; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}
