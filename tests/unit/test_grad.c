/* Finite-difference gradient checks: each kernel's backward against central differences of its forward
   (the loss is sum(out * R) for a fixed random R, accumulated in double), with a relative tolerance, and
   each gradient must not be all zeros. Also batchnorm's running statistics against hand values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "activation.h"
#include "batchnorm.h"
#include "dropout.h"
#include "linear.h"
#include "loss.h"
#include "mlp.h"
#include "rng.h"

typedef double (*loss_fn)(void *ctx);

static void fill_uniform(float *x, int n, float lo, float hi, rng_state *r) {
    for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng_uniform(r);
}

static double dot(const float *a, const float *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* Compare analytic (n) with central differences of f in each element of x (n). */
static void check_grad(const char *what, float *x, const float *analytic, int n, loss_fn f, void *ctx, float eps) {
    double largest = 0.0;
    for (int i = 0; i < n; i++) {
        float old = x[i];
        float hi = old + eps, lo = old - eps;
        x[i] = hi;
        double fp = f(ctx);
        x[i] = lo;
        double fm = f(ctx);
        x[i] = old;
        double numeric = (fp - fm) / ((double)hi - (double)lo);
        double a = analytic[i];
        cr_assert(fabs(a - numeric) <= 2e-3 + 1e-2 * fabs(numeric), "%s[%d]: analytic %.6g, numeric %.6g", what, i,
                  a, numeric);
        if (fabs(a) > largest) largest = fabs(a);
    }
    cr_assert(largest > 1e-3, "%s: gradient is all zeros", what);
}

/* ---- linear ---- */
enum { LB = 3, LC = 5, LOC = 4 };
typedef struct { float inp[LB * LC], w[LOC * LC], b[LOC], out[LB * LOC], R[LB * LOC]; } linear_ctx;

static double linear_loss(void *p) {
    linear_ctx *c = p;
    linear_forward(c->out, c->inp, c->w, c->b, LB, LC, LOC);
    return dot(c->out, c->R, LB * LOC);
}

Test(grad, linear) {
    linear_ctx c;
    rng_state r;
    rng_seed(&r, 1, 0);
    fill_uniform(c.inp, LB * LC, -1, 1, &r);
    fill_uniform(c.R, LB * LOC, -1, 1, &r);
    linear_init(c.w, c.b, LC, LOC, &r);
    float dinp[LB * LC], dw[LOC * LC], db[LOC];
    linear_loss(&c);
    linear_backward(dinp, dw, db, c.R, c.inp, c.w, LB, LC, LOC);
    check_grad("linear dinp", c.inp, dinp, LB * LC, linear_loss, &c, 0.05f);
    check_grad("linear dweight", c.w, dw, LOC * LC, linear_loss, &c, 0.05f);
    check_grad("linear dbias", c.b, db, LOC, linear_loss, &c, 0.05f);
    /* Without dinp the parameter gradients are the same. */
    float dw2[LOC * LC], db2[LOC];
    linear_backward(NULL, dw2, db2, c.R, c.inp, c.w, LB, LC, LOC);
    cr_assert(memcmp(dw, dw2, sizeof dw) == 0 && memcmp(db, db2, sizeof db) == 0);
}

Test(grad, linear_init_bounds) {
    float w[64 * 100], b[64];
    rng_state r;
    rng_seed(&r, 2, RNG_STREAM_INIT);
    linear_init(w, b, 100, 64, &r);
    float lo = 1, hi = -1;
    for (int i = 0; i < 6400; i++) { if (w[i] < lo) lo = w[i]; if (w[i] > hi) hi = w[i]; }
    for (int i = 0; i < 64; i++) cr_assert(fabsf(b[i]) <= 0.1f);
    cr_assert(lo >= -0.1f && hi <= 0.1f && lo < -0.09f && hi > 0.09f, "weights span [%g, %g], want +-0.1", lo, hi);
}

/* ---- activations, dropout with a fixed mask, fused relu+dropout with the rng held fixed ---- */
enum { AN = 40 };
typedef struct { float inp[AN], out[AN], act[AN], R[AN]; uint8_t mask[AN]; int kind; rng_state rng; } act_ctx;

static double act_loss(void *p) {
    act_ctx *c = p;
    rng_state r = c->rng; /* the same mask on every call */
    switch (c->kind) {
    case 0: relu_forward(c->out, c->inp, AN); break;
    case 1: tanh_forward(c->out, c->inp, AN); break;
    case 2: dropout_forward_masked(c->out, c->inp, c->mask, AN, dropout_scale(0.3f)); break;
    case 3: relu_dropout_forward(c->out, c->inp, AN, 0.3f, &r); break;
    default: tanh_forward(c->act, c->inp, AN); dropout_forward(c->out, c->mask, c->act, AN, 0.3f, &r); break;
    }
    return dot(c->out, c->R, AN);
}

static void act_setup(act_ctx *c, int kind) {
    rng_state r;
    rng_seed(&r, 3, 0);
    /* Inputs at least 0.1 away from relu's kink. */
    for (int i = 0; i < AN; i++) c->inp[i] = (i % 2 ? 1.0f : -1.0f) * (0.1f + rng_uniform(&r));
    fill_uniform(c->R, AN, -1, 1, &r);
    for (int i = 0; i < AN; i++) c->mask[i] = (uint8_t)(rng_uniform(&r) >= 0.3f);
    rng_seed(&c->rng, 3, RNG_STREAM_DROPOUT);
    c->kind = kind;
    act_loss(c);
}

Test(grad, relu) {
    act_ctx c;
    float d[AN];
    act_setup(&c, 0);
    relu_backward(d, c.R, c.out, AN);
    check_grad("relu", c.inp, d, AN, act_loss, &c, 1e-2f);
}

Test(grad, tanh) {
    act_ctx c;
    float d[AN];
    act_setup(&c, 1);
    tanh_backward(d, c.R, c.out, AN);
    check_grad("tanh", c.inp, d, AN, act_loss, &c, 1e-2f);
}

Test(grad, dropout_fixed_mask) {
    act_ctx c;
    float d[AN];
    act_setup(&c, 2);
    dropout_backward(d, c.R, c.mask, AN, dropout_scale(0.3f));
    check_grad("dropout", c.inp, d, AN, act_loss, &c, 1e-2f);
}

Test(grad, relu_dropout_fused) {
    act_ctx c;
    float d[AN];
    act_setup(&c, 3);
    relu_dropout_backward(d, c.R, c.out, AN, dropout_scale(0.3f));
    check_grad("relu+dropout", c.inp, d, AN, act_loss, &c, 1e-2f);
}

Test(grad, tanh_dropout) {
    act_ctx c;
    float d[AN];
    act_setup(&c, 4);
    tanh_dropout_backward(d, c.R, c.act, c.mask, AN, dropout_scale(0.3f));
    check_grad("tanh+dropout", c.inp, d, AN, act_loss, &c, 1e-2f);
}

/* ---- batchnorm, training mode ---- */
enum { BB = 6, BC = 4 };
typedef struct {
    float inp[BB * BC], gamma[BC], beta[BC], out[BB * BC], xhat[BB * BC], mean[BC], rstd[BC], rm[BC], rv[BC], R[BB * BC];
} bn_ctx;

static double bn_loss(void *p) {
    bn_ctx *c = p;
    batchnorm_forward(c->out, c->xhat, c->mean, c->rstd, c->inp, c->gamma, c->beta, c->rm, c->rv, BB, BC, 1);
    return dot(c->out, c->R, BB * BC);
}

Test(grad, batchnorm_training) {
    bn_ctx c;
    rng_state r;
    rng_seed(&r, 5, 0);
    fill_uniform(c.inp, BB * BC, -2, 2, &r);
    fill_uniform(c.gamma, BC, 0.5f, 1.5f, &r);
    fill_uniform(c.beta, BC, -1, 1, &r);
    fill_uniform(c.R, BB * BC, -1, 1, &r);
    for (int i = 0; i < BC; i++) { c.rm[i] = 0; c.rv[i] = 1; }
    bn_loss(&c);
    float dinp[BB * BC], dgamma[BC], dbeta[BC];
    batchnorm_backward(dinp, dgamma, dbeta, c.R, c.xhat, c.rstd, c.gamma, BB, BC);
    check_grad("batchnorm dinp", c.inp, dinp, BB * BC, bn_loss, &c, 1e-2f);
    check_grad("batchnorm dgamma", c.gamma, dgamma, BC, bn_loss, &c, 1e-2f);
    check_grad("batchnorm dbeta", c.beta, dbeta, BC, bn_loss, &c, 1e-2f);
}

Test(batchnorm, running_stats_one_step) {
    /* One feature, x = 1, 2, 3, 6: mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3.
       running_mean = 0.9*0 + 0.1*3 = 0.3; running_var = 0.9*1 + 0.1*14/3 = 1.3666667.
       Output uses the biased variance: (6 - 3)/sqrt(3.5 + 1e-5) = 1.6035675. */
    float x[4] = { 1, 2, 3, 6 }, out[4], xhat[4], mean, rstd, g = 1, b = 0, rm = 0, rv = 1;
    batchnorm_forward(out, xhat, &mean, &rstd, x, &g, &b, &rm, &rv, 4, 1, 1);
    cr_assert(fabsf(rm - 0.3f) < 1e-7f, "running_mean %.8g", (double)rm);
    cr_assert(fabsf(rv - 1.3666667f) < 1e-6f, "running_var %.8g", (double)rv);
    cr_assert(fabsf(out[3] - 1.6035675f) < 1e-5f, "out %.8g", (double)out[3]);
    /* Eval mode: (6 - 0.3)/sqrt(1.3666667 + 1e-5) * 2 + 1 = 10.751512, running stats untouched. */
    g = 2; b = 1;
    batchnorm_forward(out, xhat, &mean, &rstd, x, &g, &b, &rm, &rv, 4, 1, 0);
    cr_assert(fabsf(out[3] - 10.751512f) < 1e-4f, "eval out %.8g", (double)out[3]);
    cr_assert(fabsf(rm - 0.3f) < 1e-7f && fabsf(rv - 1.3666667f) < 1e-6f);
}

Test(batchnorm, mlp_step_updates_running_stats) {
    /* Through the model: after one training forward, running stats are 0.1 * batch mean and
       0.9 + 0.1 * unbiased variance of the first layer's linear output. */
    mlp_config cfg = { .n_in = 3, .n_out = 2, .n_hidden = 1, .hidden = { 2 }, .batchnorm = 1 };
    mlp m;
    char err[200];
    cr_assert(mlp_create(&m, &cfg, 4, err, sizeof err) == 0, "%s", err);
    rng_state r;
    rng_seed(&r, 6, RNG_STREAM_INIT);
    mlp_init(&m, &r);
    float x[12] = { 1, 0, 2, -1, 3, 0.5f, 0, 0, 1, 2, -2, 1 };
    mlp_forward(&m, x, 4, MLP_TRAIN, &r);
    for (int j = 0; j < 2; j++) {
        double z[4], mean = 0, ss = 0;
        for (int b = 0; b < 4; b++) {
            z[b] = m.p[0].bias[j];
            for (int i = 0; i < 3; i++) z[b] += (double)m.p[0].weight[j * 3 + i] * x[b * 3 + i];
            mean += z[b] / 4;
        }
        for (int b = 0; b < 4; b++) ss += (z[b] - mean) * (z[b] - mean);
        cr_assert(fabs(m.running_mean[0][j] - 0.1 * mean) < 1e-6);
        cr_assert(fabs(m.running_var[0][j] - (0.9 + 0.1 * ss / 3)) < 1e-5, "running_var %.8g want %.8g",
                  (double)m.running_var[0][j], 0.9 + 0.1 * ss / 3);
    }
    mlp_free(&m);
}

/* ---- softmax cross-entropy ---- */
enum { SB = 4, SV = 5 };
typedef struct { float logits[SB * SV], probs[SB * SV]; int y[SB]; } ce_ctx;

static double ce_loss(void *p) {
    ce_ctx *c = p;
    return crossentropy_forward(c->probs, c->logits, c->y, SB, SV, NULL);
}

Test(grad, softmax_crossentropy) {
    ce_ctx c;
    rng_state r;
    rng_seed(&r, 7, 0);
    fill_uniform(c.logits, SB * SV, -3, 3, &r);
    for (int b = 0; b < SB; b++) c.y[b] = b % SV;
    ce_loss(&c);
    float d[SB * SV];
    crossentropy_backward(d, c.probs, c.y, SB, SV);
    check_grad("crossentropy", c.logits, d, SB * SV, ce_loss, &c, 1e-2f);
}

Test(loss, crossentropy_stable_and_exact) {
    /* Huge logits do not overflow: loss of [1000, 0] with target 1 is 1000 + log(1 + e^-1000) = 1000. */
    float logits[4] = { 1000, 0, 0, 0 }, probs[4];
    int y[2] = { 1, 0 }, correct;
    double loss = crossentropy_forward(probs, logits, y, 2, 2, &correct);
    /* Row 2: log(2) for equal logits. Mean: (1000 + 0.693147)/2. */
    cr_assert(isfinite(loss) && fabs(loss - (1000 + log(2.0)) / 2) < 1e-3, "loss %.6f", loss);
    cr_assert_eq(correct, 1);
}

/* ---- the whole model: tanh, batchnorm, all three dropouts, masks held fixed via the rng state ---- */
typedef struct { mlp m; float x[5 * 6]; int y[5]; rng_state rng; } mlp_ctx;

static double mlp_loss_fn(void *p) {
    mlp_ctx *c = p;
    rng_state r = c->rng;
    mlp_forward(&c->m, c->x, 5, MLP_TRAIN, &r);
    return mlp_loss(&c->m, c->y, 5, NULL);
}

static void check_mlp(train_activation act, int batchnorm) {
    mlp_ctx *c = calloc(1, sizeof *c);
    mlp_config cfg = { .n_in = 6, .n_out = 3, .n_hidden = 2, .hidden = { 5, 4 }, .activation = act, .dropout = 0.3f,
                       .input_dropout = 0.2f, .output_dropout = 0.1f, .batchnorm = batchnorm };
    char err[200];
    cr_assert(mlp_create(&c->m, &cfg, 5, err, sizeof err) == 0, "%s", err);
    rng_state r;
    rng_seed(&r, 8, RNG_STREAM_INIT);
    mlp_init(&c->m, &r);
    fill_uniform(c->x, 30, -1, 1, &r);
    for (int b = 0; b < 5; b++) c->y[b] = b % 3;
    rng_seed(&c->rng, 8, RNG_STREAM_DROPOUT);
    mlp_loss_fn(c);
    mlp_backward(&c->m, c->y, 5);
    float *grads = malloc(c->m.num_params * sizeof(float));
    memcpy(grads, c->m.grads, c->m.num_params * sizeof(float));
    /* A small step: batchnorm over 5 rows is strongly curved (1e-2 is too coarse). */
    check_grad("mlp params", c->m.params, grads, (int)c->m.num_params, mlp_loss_fn, c, 1e-3f);
    free(grads);
    mlp_free(&c->m);
    free(c);
}

Test(grad, mlp_tanh_batchnorm_dropout) { check_mlp(ACT_TANH, 1); }
Test(grad, mlp_tanh_dropout) { check_mlp(ACT_TANH, 0); }
/* relu: with this seed no pre-activation lies within the step of the kink. */
Test(grad, mlp_relu_batchnorm_dropout) { check_mlp(ACT_RELU, 1); }
