/* batchnorm: nn.BatchNorm1d over the rows of a (B,C) batch. Training uses the batch statistics (biased
   variance) and updates the running mean/variance with momentum 0.1 and the UNBIASED variance; eval uses
   the running statistics. Glossary: B = rows, C = features. */
#ifndef SWEEP_BATCHNORM_H
#define SWEEP_BATCHNORM_H

#define BATCHNORM_EPS 1e-5f
#define BATCHNORM_MOMENTUM 0.1f

/* out (B,C) = gamma (C) * xhat + beta (C). Writes xhat (B,C) and the per-feature mean (C) and
   rstd = 1/sqrt(var + eps) (C) used, for backward. training: batch statistics, and running_mean (C),
   running_var (C) are updated (a batch of one row leaves running_var unchanged: its unbiased variance is
   undefined). Otherwise the running statistics are used and left unchanged. out may alias inp. */
void batchnorm_forward(float *out, float *xhat, float *mean, float *rstd, const float *inp, const float *gamma,
                       const float *beta, float *running_mean, float *running_var, int B, int C, int training);
/* Training-mode backward: overwrites dgamma (C), dbeta (C) and writes dinp (B,C) from dout (B,C),
   xhat (B,C), rstd (C) and gamma (C) saved by the forward pass. dinp may alias dout. */
void batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *xhat,
                        const float *rstd, const float *gamma, int B, int C);

#endif
