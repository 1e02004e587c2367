/* linear: see linear.h. All products go through cblas_sgemm (row-major). */
#include <cblas.h>
#include <math.h>
#include <string.h>
#include "linear.h"

void linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int OC) {
    /* Preload the bias into every row so sgemm adds the product to it (beta = 1): no extra pass. */
    for (int b = 0; b < B; b++) memcpy(out + (size_t)b * OC, bias, (size_t)OC * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, inp, C, weight, C, 1.0f, out, OC);
}

void linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                     const float *weight, int B, int C, int OC) {
    /* dweight (OC,C) = dout^T (OC,B) @ inp (B,C) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, B, 1.0f, dout, OC, inp, C, 0.0f, dweight, C);
    /* dinp (B,C) = dout (B,OC) @ weight (OC,C) */
    if (dinp) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, OC, 1.0f, dout, OC, weight, C, 0.0f, dinp, C);
    memset(dbias, 0, (size_t)OC * sizeof(float));
    for (int b = 0; b < B; b++) {
        const float *row = dout + (size_t)b * OC;
        for (int o = 0; o < OC; o++) dbias[o] += row[o];
    }
}

void linear_init(float *weight, float *bias, int C, int OC, rng_state *r) {
    float bound = 1.0f / sqrtf((float)C);
    for (size_t i = 0; i < (size_t)OC * C; i++) weight[i] = (2.0f * rng_uniform(r) - 1.0f) * bound;
    for (int o = 0; o < OC; o++) bias[o] = (2.0f * rng_uniform(r) - 1.0f) * bound;
}
