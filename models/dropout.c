/* dropout: see dropout.h. The keep/drop choice is random, so a branch on it mispredicts a third of the
   time; every kernel is branch-free instead (a bit mask, or a factor[keep] = {0, scale}[keep] table). */
#include <string.h>
#include "activation.h"
#include "dropout.h"

float dropout_scale(float p) { return 1.0f / (1.0f - p); }

/* An element is dropped when its 32-bit uniform u < threshold, so P(drop) = threshold / 2^32 = p
   (to within 2^-32). */
static uint32_t drop_threshold(float p) { return (uint32_t)((double)p * 4294967296.0); }

/* Random words are drawn a chunk at a time (two 32-bit uniforms per rng_u64, low half first), so the
   elementwise loop after it is branch-free and vectorizes. */
enum { DRAW_CHUNK = 256 };

static void draw_u32(uint32_t *u, size_t len, rng_state *r) {
    for (size_t j = 0; j < len; j += 2) {
        uint64_t w = rng_u64(r);
        u[j] = (uint32_t)w;
        u[j + 1] = (uint32_t)(w >> 32);
    }
}


void dropout_forward(float *out, uint8_t *mask, const float *inp, size_t N, float p, rng_state *r) {
    if (p == 0.0f) {
        if (out != inp) memmove(out, inp, N * sizeof(float));
        if (mask) memset(mask, 1, N);
        return;
    }
    uint32_t thr = drop_threshold(p), u[DRAW_CHUNK];
    float scale = dropout_scale(p);
    for (size_t i0 = 0; i0 < N; i0 += DRAW_CHUNK) {
        size_t len = N - i0 < DRAW_CHUNK ? N - i0 : DRAW_CHUNK;
        draw_u32(u, len, r);
        const float *x = inp + i0;
        float *o = out + i0;
#pragma omp simd
        for (size_t j = 0; j < len; j++) o[j] = activation_select(x[j], -(uint32_t)(u[j] >= thr)) * scale;
        if (mask)
            for (size_t j = 0; j < len; j++) mask[i0 + j] = (uint8_t)(u[j] >= thr);
    }
}

void dropout_forward_masked(float *out, const float *inp, const uint8_t *mask, size_t N, float scale) {
    const float factor[2] = { 0.0f, scale };
    for (size_t i = 0; i < N; i++) out[i] = inp[i] * factor[mask[i] != 0];
}

/* With the mask fixed, dropout is a diagonal linear map: its gradient is the same masked scaling. */
void dropout_backward(float *dinp, const float *dout, const uint8_t *mask, size_t N, float scale) {
    dropout_forward_masked(dinp, dout, mask, N, scale);
}

void relu_dropout_forward(float *out, const float *inp, size_t N, float p, rng_state *r) {
    uint32_t thr = drop_threshold(p), u[DRAW_CHUNK];
    float scale = dropout_scale(p);
    for (size_t i0 = 0; i0 < N; i0 += DRAW_CHUNK) {
        size_t len = N - i0 < DRAW_CHUNK ? N - i0 : DRAW_CHUNK;
        draw_u32(u, len, r);
        const float *x = inp + i0;
        float *o = out + i0;
#pragma omp simd
        for (size_t j = 0; j < len; j++) o[j] = activation_select(x[j], -(uint32_t)((u[j] >= thr) & (x[j] > 0.0f))) * scale;
    }
}

void relu_dropout_backward(float *dinp, const float *dout, const float *out, size_t N, float scale) {
#pragma omp simd
    for (size_t i = 0; i < N; i++) dinp[i] = activation_select(dout[i], -(uint32_t)(out[i] > 0.0f)) * scale;
}

void tanh_dropout_backward(float *dinp, const float *dout, const float *act, const uint8_t *mask, size_t N,
                           float scale) {
    const float factor[2] = { 0.0f, scale };
    for (size_t i = 0; i < N; i++) dinp[i] = dout[i] * factor[mask[i] != 0] * (1.0f - act[i] * act[i]);
}
