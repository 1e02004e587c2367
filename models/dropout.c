/* dropout: see dropout.h. */
#include <string.h>
#include "dropout.h"

float dropout_scale(float p) { return 1.0f / (1.0f - p); }

/* An element is dropped when its 32-bit uniform u < threshold, so P(drop) = threshold / 2^32 = p
   (to within 2^-32). */
static uint32_t drop_threshold(float p) { return (uint32_t)((double)p * 4294967296.0); }

void dropout_forward(float *out, uint8_t *mask, const float *inp, size_t N, float p, rng_state *r) {
    if (p == 0.0f) {
        if (out != inp) memmove(out, inp, N * sizeof(float));
        if (mask) memset(mask, 1, N);
        return;
    }
    uint32_t thr = drop_threshold(p);
    float scale = dropout_scale(p);
    for (size_t i = 0; i < N; i += 2) {
        uint64_t u = rng_u64(r);
        int keep0 = (uint32_t)u >= thr, keep1 = (uint32_t)(u >> 32) >= thr;
        out[i] = keep0 ? inp[i] * scale : 0.0f;
        if (mask) mask[i] = (uint8_t)keep0;
        if (i + 1 < N) {
            out[i + 1] = keep1 ? inp[i + 1] * scale : 0.0f;
            if (mask) mask[i + 1] = (uint8_t)keep1;
        }
    }
}

void dropout_forward_masked(float *out, const float *inp, const uint8_t *mask, size_t N, float scale) {
    for (size_t i = 0; i < N; i++) out[i] = mask[i] ? inp[i] * scale : 0.0f;
}

void dropout_backward(float *dinp, const float *dout, const uint8_t *mask, size_t N, float scale) {
    for (size_t i = 0; i < N; i++) dinp[i] = mask[i] ? dout[i] * scale : 0.0f;
}

void relu_dropout_forward(float *out, const float *inp, size_t N, float p, rng_state *r) {
    uint32_t thr = drop_threshold(p);
    float scale = dropout_scale(p);
    for (size_t i = 0; i < N; i += 2) {
        uint64_t u = rng_u64(r);
        float a = inp[i];
        out[i] = ((uint32_t)u >= thr && a > 0.0f) ? a * scale : 0.0f;
        if (i + 1 < N) {
            float b = inp[i + 1];
            out[i + 1] = ((uint32_t)(u >> 32) >= thr && b > 0.0f) ? b * scale : 0.0f;
        }
    }
}

void relu_dropout_backward(float *dinp, const float *dout, const float *out, size_t N, float scale) {
    for (size_t i = 0; i < N; i++) dinp[i] = out[i] > 0.0f ? dout[i] * scale : 0.0f;
}

void tanh_dropout_backward(float *dinp, const float *dout, const float *act, const uint8_t *mask, size_t N,
                           float scale) {
    for (size_t i = 0; i < N; i++) dinp[i] = mask[i] ? dout[i] * scale * (1.0f - act[i] * act[i]) : 0.0f;
}
