/* batchnorm: see batchnorm.h. Rows are walked outermost so every pass is contiguous in memory. */
#include <math.h>
#include <string.h>
#include "batchnorm.h"

void batchnorm_forward(float *out, float *xhat, float *mean, float *rstd, const float *inp, const float *gamma,
                       const float *beta, float *running_mean, float *running_var, int B, int C, int training) {
    if (training) {
        /* rstd holds the sum of squared deviations until it is turned into 1/sqrt(var + eps). */
        memset(mean, 0, (size_t)C * sizeof(float));
        memset(rstd, 0, (size_t)C * sizeof(float));
        for (int b = 0; b < B; b++) {
            const float *x = inp + (size_t)b * C;
            for (int c = 0; c < C; c++) mean[c] += x[c];
        }
        for (int c = 0; c < C; c++) mean[c] /= (float)B;
        for (int b = 0; b < B; b++) {
            const float *x = inp + (size_t)b * C;
            for (int c = 0; c < C; c++) { float d = x[c] - mean[c]; rstd[c] += d * d; }
        }
        for (int c = 0; c < C; c++) {
            float ss = rstd[c];
            running_mean[c] = (1.0f - BATCHNORM_MOMENTUM) * running_mean[c] + BATCHNORM_MOMENTUM * mean[c];
            if (B > 1)
                running_var[c] = (1.0f - BATCHNORM_MOMENTUM) * running_var[c] + BATCHNORM_MOMENTUM * (ss / (float)(B - 1));
            rstd[c] = 1.0f / sqrtf(ss / (float)B + BATCHNORM_EPS);
        }
    } else {
        for (int c = 0; c < C; c++) {
            mean[c] = running_mean[c];
            rstd[c] = 1.0f / sqrtf(running_var[c] + BATCHNORM_EPS);
        }
    }
    for (int b = 0; b < B; b++) {
        const float *x = inp + (size_t)b * C;
        float *xh = xhat + (size_t)b * C, *o = out + (size_t)b * C;
        for (int c = 0; c < C; c++) {
            float n = (x[c] - mean[c]) * rstd[c];
            xh[c] = n;
            o[c] = gamma[c] * n + beta[c];
        }
    }
}

void batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *xhat,
                        const float *rstd, const float *gamma, int B, int C) {
    memset(dgamma, 0, (size_t)C * sizeof(float));
    memset(dbeta, 0, (size_t)C * sizeof(float));
    for (int b = 0; b < B; b++) {
        const float *d = dout + (size_t)b * C, *xh = xhat + (size_t)b * C;
        for (int c = 0; c < C; c++) { dbeta[c] += d[c]; dgamma[c] += d[c] * xh[c]; }
    }
    /* With dxhat = dout * gamma: dinp = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),
       and the two means are gamma * dbeta / B and gamma * dgamma / B. */
    float invB = 1.0f / (float)B;
    for (int b = 0; b < B; b++) {
        const float *d = dout + (size_t)b * C, *xh = xhat + (size_t)b * C;
        float *di = dinp + (size_t)b * C;
        for (int c = 0; c < C; c++)
            di[c] = rstd[c] * gamma[c] * (d[c] - dbeta[c] * invB - xh[c] * dgamma[c] * invB);
    }
}
