/* optim: see optim.h. Each optimizer is one loop over the flat buffer; per-step scalars (bias
   corrections) are computed once in double. Semantics follow torch.optim (SGD, Adam, AdamW, single-tensor
   path, no amsgrad, no dampening). */
#include <math.h>
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

/* Per-step constants of Adam/AdamW. */
typedef struct { float b1, b2, one_b1, one_b2, step_size, bc2_sqrt, eps, wd_grad, decay; } adam_consts;

/* The Adam update of elements [i, n), scalar; returns nothing, the vector kernels below stop short of n
   and leave the tail to it. */
static void adam_scalar(const adam_consts *k, float *params, const float *grads, float *m, float *v, size_t i, size_t n) {
    for (; i < n; i++) {
        float p = params[i] * k->decay;
        float g = grads[i] + k->wd_grad * p;
        float mi = k->b1 * m[i] + k->one_b1 * g;
        float vi = k->b2 * v[i] + k->one_b2 * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] = p - k->step_size * (mi / (sqrtf(vi) / k->bc2_sqrt + k->eps));
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same update, W lanes at a time: the same operations in the same order as adam_scalar (no fused
   multiply-add; sqrt and division are correctly rounded), so every path gives bit-identical results.
   GCC does not vectorize sqrtf without -fno-math-errno, and this loop touches every parameter each
   step, so it is written out; the widest unit the CPU has is chosen at run time. Returns where it
   stopped. */
#define ADAM_VECTOR(NAME, TARGET, W, T, LOAD, STORE, SET1, MUL, ADD, SUB, DIV, SQRT)                       \
    __attribute__((target(TARGET))) static size_t NAME(const adam_consts *k, float *params, const float *grads, \
                                                       float *m, float *v, size_t n) {                        \
        T b1 = SET1(k->b1), b2 = SET1(k->b2), ob1 = SET1(k->one_b1), ob2 = SET1(k->one_b2);                  \
        T step = SET1(k->step_size), bc2 = SET1(k->bc2_sqrt), eps = SET1(k->eps);                            \
        T wd = SET1(k->wd_grad), decay = SET1(k->decay);                                                     \
        size_t i = 0;                                                                                        \
        for (; i + W <= n; i += W) {                                                                         \
            T p = MUL(LOAD(params + i), decay);                                                              \
            T g = ADD(LOAD(grads + i), MUL(wd, p));                                                          \
            T mi = ADD(MUL(b1, LOAD(m + i)), MUL(ob1, g));                                                   \
            T vi = ADD(MUL(b2, LOAD(v + i)), MUL(MUL(ob2, g), g));                                           \
            STORE(m + i, mi);                                                                                \
            STORE(v + i, vi);                                                                                \
            STORE(params + i, SUB(p, MUL(step, DIV(mi, ADD(DIV(SQRT(vi), bc2), eps)))));                     \
        }                                                                                                    \
        return i;                                                                                            \
    }
ADAM_VECTOR(adam_sse, "sse2", 4, __m128, _mm_loadu_ps, _mm_storeu_ps, _mm_set1_ps, _mm_mul_ps, _mm_add_ps,
            _mm_sub_ps, _mm_div_ps, _mm_sqrt_ps)
ADAM_VECTOR(adam_avx, "avx", 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_mul_ps,
            _mm256_add_ps, _mm256_sub_ps, _mm256_div_ps, _mm256_sqrt_ps)
ADAM_VECTOR(adam_avx512, "avx512f", 16, __m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps,
            _mm512_mul_ps, _mm512_add_ps, _mm512_sub_ps, _mm512_div_ps, _mm512_sqrt_ps)
#endif

static void adam_step(const optim_config *c, float *params, const float *grads, float *m, float *v, size_t n, long t) {
    /* Adam adds l2 * p to the gradient; AdamW instead shrinks p by (1 - lr * l2) first (decoupled). */
    int decoupled = c->kind == OPTIM_ADAMW;
    adam_consts k = { .b1 = c->beta1, .b2 = c->beta2, .one_b1 = 1.0f - c->beta1, .one_b2 = 1.0f - c->beta2,
                      .step_size = (float)((double)c->lr / (1.0 - pow((double)c->beta1, (double)t))),
                      .bc2_sqrt = (float)sqrt(1.0 - pow((double)c->beta2, (double)t)), .eps = c->eps,
                      .wd_grad = decoupled ? 0.0f : c->l2, .decay = decoupled ? 1.0f - c->lr * c->l2 : 1.0f };
    size_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512f")) i = adam_avx512(&k, params, grads, m, v, n);
    else if (__builtin_cpu_supports("avx")) i = adam_avx(&k, params, grads, m, v, n);
    else i = adam_sse(&k, params, grads, m, v, n);
#endif
    adam_scalar(&k, params, grads, m, v, i, n);
}

void optim_step(const optim_config *c, float *params, const float *grads, float *m, float *v, size_t n, long t) {
    if (c->kind == OPTIM_SGD) sgd_step(c, params, grads, m, n, t);
    else adam_step(c, params, grads, m, v, n, t);
}
