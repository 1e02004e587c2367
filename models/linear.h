/* linear: fully connected layer out = inp @ weight^T + bias, PyTorch nn.Linear layout, via cblas_sgemm.
   Glossary: B = rows in the batch, C = input features, OC = output features. */
#ifndef SWEEP_LINEAR_H
#define SWEEP_LINEAR_H
#include "rng.h"

/* out (B,OC) = inp (B,C) @ weight (OC,C)^T + bias (OC). */
void linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int OC);
/* Overwrites dweight (OC,C) and dbias (OC) with the gradients from dout (B,OC); also writes dinp (B,C)
   unless it is NULL (the first layer's input needs no gradient). inp (B,C), weight (OC,C). */
void linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                     const float *weight, int B, int C, int OC);
/* PyTorch's default init: weight (OC,C) and bias (OC) uniform in +-1/sqrt(C), weight first, row-major. */
void linear_init(float *weight, float *bias, int C, int OC, rng_state *r);

#endif
