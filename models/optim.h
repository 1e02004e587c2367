/* optim: SGD (momentum, Nesterov), Adam and AdamW updates over one flat parameter buffer (PyTorch semantics). */
#ifndef SWEEP_OPTIM_H
#define SWEEP_OPTIM_H
#include <stddef.h>

typedef enum { OPTIM_SGD = 0, OPTIM_ADAM = 1, OPTIM_ADAMW = 2 } optim_kind;

typedef struct {
    optim_kind kind;
    float lr;
    float momentum;      /* SGD only */
    int nesterov;        /* SGD only, needs momentum > 0 */
    float l2;            /* weight_decay: added to the gradient (SGD, Adam); decoupled for AdamW */
    float beta1, beta2, eps; /* Adam/AdamW: 0.9, 0.999, 1e-8 */
} optim_config;

/* One update of params (n) from grads (n). m and v are the moment buffers (n each, zeroed before the
   first step; v unused by SGD); t is the 1-based step number. grads is left unchanged. */
void optim_step(const optim_config *c, float *params, const float *grads, float *m, float *v, size_t n, long t);

#endif
