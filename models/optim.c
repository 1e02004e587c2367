/* optim: see optim.h. Each optimizer is one loop over the flat buffer; per-step scalars (bias
   corrections) are computed once in double. Semantics follow torch.optim (SGD, Adam, AdamW, single-tensor
   path, no amsgrad, no dampening). */
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "optim.h"

static void sgd_step(const optim_config *c, float *params, const float *grads, float *buf, size_t n, long t) {
    float lr = c->lr, mom = c->momentum, wd = c->l2;
    if (mom == 0.0f) {
        for (size_t i = 0; i < n; i++) params[i] -= lr * (grads[i] + wd * params[i]);
        return;
    }
    int first = t <= 1, nesterov = c->nesterov;
    for (size_t i = 0; i < n; i++) {
        float g = grads[i] + wd * params[i];
        float b = first ? g : mom * buf[i] + g; /* the first step sets buf = g */
        buf[i] = b;
        params[i] -= lr * (nesterov ? g + mom * b : b);
    }
}

static void adam_step(const optim_config *c, float *params, const float *grads, float *m, float *v, size_t n, long t) {
    float b1 = c->beta1, b2 = c->beta2, eps = c->eps;
    float step_size = (float)((double)c->lr / (1.0 - pow((double)b1, (double)t)));
    float bc2_sqrt = (float)sqrt(1.0 - pow((double)b2, (double)t));
    /* Adam adds l2 * p to the gradient; AdamW instead shrinks p by (1 - lr * l2) first (decoupled). */
    float wd_grad = c->kind == OPTIM_ADAMW ? 0.0f : c->l2;
    float decay = c->kind == OPTIM_ADAMW ? 1.0f - c->lr * c->l2 : 1.0f;
    size_t i = 0;
#ifdef __SSE2__
    /* GCC will not vectorize sqrtf without -fno-math-errno, and this loop runs over every parameter each
       step, so it is written with SSE: the same operations in the same order as the scalar tail below,
       hence bit-identical results (sqrt and division are correctly rounded either way). */
    __m128 vb1 = _mm_set1_ps(b1), vb2 = _mm_set1_ps(b2), v1b1 = _mm_set1_ps(1.0f - b1), v1b2 = _mm_set1_ps(1.0f - b2);
    __m128 vstep = _mm_set1_ps(step_size), vbc2 = _mm_set1_ps(bc2_sqrt), veps = _mm_set1_ps(eps);
    __m128 vwd = _mm_set1_ps(wd_grad), vdecay = _mm_set1_ps(decay);
    for (; i + 4 <= n; i += 4) {
        __m128 p = _mm_mul_ps(_mm_loadu_ps(params + i), vdecay);
        __m128 g = _mm_add_ps(_mm_loadu_ps(grads + i), _mm_mul_ps(vwd, p));
        __m128 mi = _mm_add_ps(_mm_mul_ps(vb1, _mm_loadu_ps(m + i)), _mm_mul_ps(v1b1, g));
        __m128 vi = _mm_add_ps(_mm_mul_ps(vb2, _mm_loadu_ps(v + i)), _mm_mul_ps(_mm_mul_ps(v1b2, g), g));
        _mm_storeu_ps(m + i, mi);
        _mm_storeu_ps(v + i, vi);
        __m128 denom = _mm_add_ps(_mm_div_ps(_mm_sqrt_ps(vi), vbc2), veps);
        _mm_storeu_ps(params + i, _mm_sub_ps(p, _mm_mul_ps(vstep, _mm_div_ps(mi, denom))));
    }
#endif
    for (; i < n; i++) {
        float p = params[i] * decay;
        float g = grads[i] + wd_grad * p;
        float mi = b1 * m[i] + (1.0f - b1) * g;
        float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = p - step_size * (mi / (sqrtf(vi) / bc2_sqrt + eps));
    }
}

void optim_step(const optim_config *c, float *params, const float *grads, float *m, float *v, size_t n, long t) {
    if (c->kind == OPTIM_SGD) sgd_step(c, params, grads, m, n, t);
    else adam_step(c, params, grads, m, v, n, t);
}
